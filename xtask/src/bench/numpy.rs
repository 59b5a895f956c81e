//! The NumPy reference runs: the book's code paths in `bench/*.py`, run as measured children
//! with OpenBLAS free to pick its AVX-512 kernel, and their one-line JSON output read back.

use super::child::ChildCommand;
use super::flops::TrainingWork;
use super::record::{Reported, RunRecord, Series, mb};
use crate::workspace_root;
use anyhow::{Context, Result, anyhow, bail};

/// Environment variables removed for the NumPy children only, so OpenBLAS picks its AVX-512
/// (SkylakeX) kernel as in the reference measurement (see bench/README.md).
const OPENBLAS_OVERRIDES: [&str; 2] = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];

/// A workload's NumPy counterpart: a script in `bench/`, its flags, and the work it does.
#[derive(Clone, Debug)]
pub struct NumpyTwin {
    /// Relative to the workspace root.
    pub script: &'static str,
    pub args: Vec<String>,
    pub work: TrainingWork,
}

impl NumpyTwin {
    /// Whether `other` runs the same script with the same flags (one measurement serves both).
    pub fn same_run(&self, other: &Self) -> bool {
        self.script == other.script && self.args == other.args
    }
}

/// The NumPy side of a workload in the table.
#[derive(Debug)]
pub enum NumpyOutcome {
    /// The workload has no NumPy twin.
    NoTwin,
    /// Not run, and why.
    Skipped(String),
    Ran {
        series: Series,
        work: TrainingWork,
    },
    /// The same twin, measured for this earlier workload of the invocation.
    SameAs(super::workloads::WorkloadKey),
}

/// How the NumPy twins run in this invocation: the interpreter, the runs of each, and the
/// version found (or why NumPy is unavailable).
pub struct NumpySetup {
    pub python: String,
    pub runs: usize,
    pub version: Result<String, String>,
}

impl NumpySetup {
    /// Checks that `python` imports numpy (unless no run is asked for).
    pub fn probe(python: &str, runs: usize) -> Self {
        let version = if runs == 0 {
            Err("--numpy-runs 0".into())
        } else {
            numpy_version(python)
        };
        if let Err(reason) = &version {
            eprintln!("NumPy reference skipped: {reason}");
        }
        Self {
            python: python.into(),
            runs,
            version,
        }
    }

    /// The command line of `twin` on the data in `data_dir` (as shown).
    pub fn command(&self, twin: &NumpyTwin, data_dir: &str) -> ChildCommand {
        let command = ChildCommand::new(&self.python)
            .arg(twin.script)
            .args(twin.args.iter().cloned())
            .args(["--data-dir", data_dir, "--quiet"]);
        without_openblas_overrides(command)
    }

    /// Runs `twin` (if any) `runs` times; `label` names it in the progress lines.
    pub fn measure(
        &self,
        twin: Option<&NumpyTwin>,
        data_dir: &str,
        label: &str,
    ) -> Result<NumpyOutcome> {
        let Some(twin) = twin else {
            return Ok(NumpyOutcome::NoTwin);
        };
        if let Err(reason) = &self.version {
            return Ok(NumpyOutcome::Skipped(reason.clone()));
        }
        if !workspace_root().join(twin.script).is_file() {
            bail!(
                "{} is missing from {}",
                twin.script,
                workspace_root().display()
            );
        }
        let mut series = Series::new(self.command(twin, data_dir));
        for index in 0..self.runs {
            eprintln!(
                "{label}, NumPy run {}/{}: {}",
                index + 1,
                self.runs,
                series.command.display()
            );
            series.runs.push(run_once(&series.command)?);
        }
        Ok(NumpyOutcome::Ran {
            series,
            work: twin.work.clone(),
        })
    }
}

fn run_once(command: &ChildCommand) -> Result<RunRecord> {
    let measured = command.run()?;
    let reported = parse_output(&measured.stdout)
        .with_context(|| format!("reading the output of {}", command.display()))?;
    eprintln!(
        "  {:.2} s wall, {:.1} MB peak RSS, final train {:.4} / test {:.4}",
        measured.wall.as_secs_f64(),
        mb(measured.max_rss_kib),
        reported.train_acc,
        reported.test_acc
    );
    Ok(RunRecord {
        measured,
        reported: Some(reported),
    })
}

fn without_openblas_overrides(command: ChildCommand) -> ChildCommand {
    OPENBLAS_OVERRIDES
        .iter()
        .fold(command, |command, key| command.env_remove(key))
}

/// Prints numpy's version and, when threadpoolctl is installed, the BLAS and its threads.
const VERSION_PROBE: &str = "import numpy
try:
    import threadpoolctl
    info = ['%s %s %s, %s threads' % (i.get('internal_api'), i.get('version'),
            i.get('architecture'), i.get('num_threads')) for i in threadpoolctl.threadpool_info()]
except Exception:
    info = []
print('numpy ' + numpy.__version__ + (' (' + '; '.join(info) + ')' if info else ''))";

/// `numpy 2.4.6 (openblas 0.3.31 SkylakeX, 2 threads)`, or why numpy cannot be imported.
fn numpy_version(python: &str) -> Result<String, String> {
    let probe = without_openblas_overrides(ChildCommand::new(python).args(["-c", VERSION_PROBE]));
    match probe.run() {
        Ok(measured) => Ok(measured.stdout.trim().to_string()),
        Err(error) => Err(format!(
            "{python} cannot import numpy (install it with `pip install -r \
             bench/requirements.txt`, or pass --numpy-runs 0): {:#}",
            error
        )),
    }
}

/// The last non-empty line of a script's stdout: `{"final_train_acc": …, "final_test_acc": …,
/// "seconds": …}` (other keys ignored).
pub fn parse_output(stdout: &str) -> Result<Reported> {
    let line = last_line(stdout)?;
    let json: serde_json::Value =
        serde_json::from_str(line).with_context(|| format!("not JSON: {line}"))?;
    let number = |key: &str| {
        json.get(key)
            .and_then(serde_json::Value::as_f64)
            .ok_or_else(|| anyhow!("no number {key} in {line}"))
    };
    Ok(Reported {
        train_acc: number("final_train_acc")?,
        test_acc: number("final_test_acc")?,
        seconds: number("seconds")?,
        threads: None,
    })
}

/// The last non-empty line of a script's stdout: where the bench's scripts put their result.
pub fn last_line(stdout: &str) -> Result<&str> {
    stdout
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .ok_or_else(|| anyhow!("no output"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_json_line_is_the_result() {
        let reported = parse_output(
            "noise\n{\"final_train_acc\": 0.6, \"final_test_acc\": 0.48, \"seconds\": 21.3, \
             \"epochs\": 301}\n\n",
        )
        .expect("valid output");
        assert_eq!(
            reported,
            Reported {
                train_acc: 0.6,
                test_acc: 0.48,
                seconds: 21.3,
                threads: None
            }
        );
    }

    #[test]
    fn missing_or_malformed_output_is_an_error() {
        assert!(parse_output("").is_err());
        assert!(parse_output("Traceback (most recent call last):").is_err());
        let message = format!(
            "{:#}",
            parse_output("{\"final_train_acc\": 0.6, \"seconds\": 1}").expect_err("no test acc")
        );
        assert!(message.contains("final_test_acc"), "{message}");
    }

    #[test]
    fn twins_run_without_the_openblas_overrides() {
        let setup = NumpySetup {
            python: "python3".into(),
            runs: 1,
            version: Ok("numpy".into()),
        };
        let twin = NumpyTwin {
            script: "bench/numpy_train_neuralnet.py",
            args: Vec::new(),
            work: TrainingWork {
                layer_sizes: vec![784, 50, 10],
                batch: 100,
                steps: 1,
                evaluated_samples: 0,
            },
        };
        assert_eq!(
            setup.command(&twin, "datasets/mnist").display(),
            "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 \
             bench/numpy_train_neuralnet.py --data-dir datasets/mnist --quiet"
        );
    }
}
