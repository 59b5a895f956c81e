//! The Python package's workloads (`py-seed`, `py-ch5`): its example scripts run by the
//! interpreter given with `--python`, on a data cache prepared once in the bench's scratch
//! directory from the bench's MNIST files, and the last line of their output read back.

use super::child::{ChildCommand, shown_path};
use super::numpy::last_line;
use super::record::Reported;
use super::workloads::{Selection, WorkloadKey};
use anyhow::{Context, Result, anyhow, bail};
use std::path::Path;

/// Why a Python workload cannot run, and what to do about it.
pub const NEEDS_PYTHON: &str = "py-seed and py-ch5 need --python PATH: an interpreter with \
     scratchnet installed (`pip install ./crates/python`; see bench/README.md)";

/// The seed's script (`ch06/overfit_dropout.py` with scratchnet's imports).
const SEED_SCRIPT: &str = "crates/python/examples/seed_dropout.py";
/// The chapter-5 run through `MultiLayerNetExtend` and `Trainer`.
const CH5_SCRIPT: &str = "crates/python/examples/ch5_trainer.py";
/// Fetches MNIST from the mirror into the data directory and writes the float32 cache, so
/// that no measured run pays for it.
const WARM_UP: &str = "from scratchnet import load_mnist; load_mnist()";

/// The selection to run: workloads that need `--python` are refused when named without it and
/// left out of the default selection, with the line that says so.
pub fn select(
    only: Option<Selection>,
    python: Option<&str>,
) -> Result<(Selection, Option<String>)> {
    match (only, python) {
        (Some(selection), None) if !selection.python_workloads().is_empty() => {
            bail!(NEEDS_PYTHON)
        }
        (Some(selection), _) => Ok((selection, None)),
        (None, Some(_)) => Ok((Selection::everything(), None)),
        (None, None) => Ok((
            Selection::everything().without_python(),
            Some(
                "py-seed and py-ch5 skipped: no --python (an interpreter with scratchnet \
                  installed; see bench/README.md)"
                    .into(),
            ),
        )),
    }
}

/// Checks that `python` imports what the selected Python workloads need, before anything is
/// measured.
pub fn probe(python: &str, keys: &[WorkloadKey]) -> Result<()> {
    let modules = modules_needed(keys);
    ChildCommand::new(python)
        .args(["-c", &format!("import {}", modules.join(", "))])
        .run()
        .map(drop)
        .with_context(|| {
            format!(
                "{python} cannot import {}: `{python} -m pip install ./crates/python{}`",
                modules.join(" or "),
                if modules.len() > 1 { " matplotlib" } else { "" }
            )
        })
}

/// scratchnet, and matplotlib for the seed script's plot.
fn modules_needed(keys: &[WorkloadKey]) -> Vec<&'static str> {
    let plots = keys.contains(&WorkloadKey::PySeed);
    let plot: &[&str] = if plots { &["matplotlib"] } else { &[] };
    ["scratchnet"].iter().chain(plot).copied().collect()
}

/// The command lines of the package's scripts in one bench invocation.
pub struct Scripts<'a> {
    pub python: &'a str,
    /// The bench's MNIST files: the package's mirror.
    pub data_dir: &'a Path,
    /// Holds the package's data directory and the seed script's plot.
    pub scratch_dir: &'a Path,
}

impl Scripts<'_> {
    /// The script of `key` (a Python workload).
    pub fn command(&self, key: WorkloadKey) -> Result<ChildCommand> {
        let command = match key {
            WorkloadKey::PySeed => self.with_data().env(
                "SCRATCHNET_PLOT",
                self.scratch_dir.join("py-seed.png").display().to_string(),
            ),
            WorkloadKey::PyCh5 => self.with_data(),
            other => return Err(anyhow!("{} is not a Python workload", other.name())),
        };
        let script = if key == WorkloadKey::PySeed {
            SEED_SCRIPT
        } else {
            CH5_SCRIPT
        };
        Ok(command.arg(script))
    }

    /// The unmeasured run that fills the package's data directory.
    pub fn warm_up(&self) -> ChildCommand {
        self.with_data().args(["-c", WARM_UP])
    }

    /// The interpreter, its data directory in the scratch directory and its mirror.
    fn with_data(&self) -> ChildCommand {
        let data = self.scratch_dir.join("python-data");
        ChildCommand::new(self.python)
            .env("SCRATCHNET_DATA_DIR", data.display().to_string())
            .env("SCRATCHNET_MNIST_MIRROR", shown_path(self.data_dir))
    }
}

/// The scripts' last non-empty line: `final train acc A, test acc B, train() S s`.
pub fn parse_last_line(stdout: &str) -> Result<Reported> {
    let line = last_line(stdout)?;
    let fields: Vec<&str> = line
        .trim()
        .strip_prefix("final ")
        .ok_or_else(|| anyhow!("not the final line: {line}"))?
        .split(", ")
        .collect();
    let number = |name: &str| {
        fields
            .iter()
            .find_map(|field| field.strip_prefix(name)?.split_whitespace().next())
            .and_then(|value| value.parse::<f64>().ok())
            .ok_or_else(|| anyhow!("no number after {name:?} in {line}"))
    };
    Ok(Reported {
        train_acc: number("train acc ")?,
        test_acc: number("test acc ")?,
        seconds: number("train() ")?,
        threads: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_python_workloads_need_python() {
        let named = Selection::parse("seed,py-seed").expect("valid keys");
        let refused = select(Some(named.clone()), None).expect_err("no --python");
        assert!(refused.to_string().contains("--python PATH"), "{refused}");
        let (selection, note) = select(Some(named), Some("venv/bin/python")).expect("given");
        assert_eq!(
            selection.workloads,
            [WorkloadKey::Seed, WorkloadKey::PySeed]
        );
        assert!(note.is_none());
        let (plain, note) = select(Selection::parse("ch5").ok(), None).expect("no py key");
        assert_eq!((plain.workloads, note), (vec![WorkloadKey::Ch5], None));
    }

    #[test]
    fn the_default_selection_skips_python_workloads_in_one_line() {
        let (selection, note) = select(None, None).expect("the default");
        assert!(selection.python_workloads().is_empty());
        assert!(selection.workloads.contains(&WorkloadKey::Seed));
        let note = note.expect("says so");
        assert!(note.contains("py-seed") && !note.contains('\n'), "{note}");
        let (with_python, note) = select(None, Some("python3")).expect("the default");
        assert_eq!(
            with_python.python_workloads(),
            [WorkloadKey::PySeed, WorkloadKey::PyCh5]
        );
        assert!(note.is_none());
    }

    #[test]
    fn the_seed_script_also_needs_matplotlib() {
        assert_eq!(modules_needed(&[WorkloadKey::PyCh5]), ["scratchnet"]);
        assert_eq!(
            modules_needed(&[WorkloadKey::PySeed, WorkloadKey::PyCh5]),
            ["scratchnet", "matplotlib"]
        );
        let missing = probe("python3-that-does-not-exist", &[WorkloadKey::PySeed])
            .expect_err("no such interpreter");
        assert!(
            format!("{missing:#}").contains("cannot import scratchnet or matplotlib"),
            "{missing:#}"
        );
    }

    #[test]
    fn the_keys_list_the_python_workloads() {
        let error = Selection::parse("py-ch6").expect_err("unknown key");
        assert!(
            error.contains("py-seed") && error.contains("py-ch5"),
            "{error}"
        );
    }

    #[test]
    fn scripts_get_the_bench_data_and_write_to_the_scratch_directory() {
        let scripts = Scripts {
            python: "venv/bin/python",
            data_dir: Path::new("/data/mnist"),
            scratch_dir: Path::new("/tmp/b"),
        };
        let data = "env SCRATCHNET_DATA_DIR=/tmp/b/python-data SCRATCHNET_MNIST_MIRROR=/data/mnist";
        let seed = scripts.command(WorkloadKey::PySeed).expect("a Python key");
        assert_eq!(
            seed.display(),
            format!(
                "{data} SCRATCHNET_PLOT=/tmp/b/py-seed.png venv/bin/python \
                 crates/python/examples/seed_dropout.py"
            )
        );
        let ch5 = scripts.command(WorkloadKey::PyCh5).expect("a Python key");
        assert_eq!(
            ch5.display(),
            format!("{data} venv/bin/python crates/python/examples/ch5_trainer.py")
        );
        assert_eq!(
            scripts.warm_up().display(),
            format!("{data} venv/bin/python -c 'from scratchnet import load_mnist; load_mnist()'")
        );
        assert!(scripts.command(WorkloadKey::Seed).is_err());
    }

    #[test]
    fn the_last_line_gives_the_accuracies_and_train_seconds() {
        let out = "=== epoch:301 ===\nfinal train acc 0.6000, test acc 0.5064, train() 3.21 s\n\n";
        assert_eq!(
            parse_last_line(out).expect("the scripts' line"),
            Reported {
                train_acc: 0.6,
                test_acc: 0.5064,
                seconds: 3.21,
                threads: None
            }
        );
        assert!(parse_last_line("").is_err());
        let message = format!(
            "{:#}",
            parse_last_line("final train acc 0.6000, test acc 0.5064").expect_err("no seconds")
        );
        assert!(message.contains("train()"), "{message}");
        assert!(parse_last_line("Traceback (most recent call last):").is_err());
    }
}
