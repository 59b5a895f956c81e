//! The workloads of the table: which there are (`--only` keys), the command line of each, the
//! FLOPs its configuration implies, its NumPy twin, and running it as measured children.

use super::child::{ChildCommand, shown_path};
use super::flops::{TEST_IMAGES, TrainingWork};
use super::numpy::{NumpyOutcome, NumpySetup, NumpyTwin};
use super::python;
use super::record::{Reported, RunRecord, Series, mb};
use crate::results_dir;
use crate::train::TrainArgs;
use anyhow::{Context, Result, anyhow};
use clap::Parser;
use scratchnet_experiments::{ExperimentName, RunConfig};
use std::path::{Path, PathBuf};

/// A row group of the table, as named by `--only`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkloadKey {
    /// `train --dropout 0.2`: the seed experiment.
    Seed,
    /// The seed's script through the Python package.
    PySeed,
    /// The book's chapter-5 two-layer network on all 60,000 images.
    Ch5,
    /// The chapter-5 run through the Python package's `Trainer`.
    PyCh5,
    /// The seed network on all 60,000 images for 3 epochs.
    Full3,
    /// A chapter-6 experiment at full size.
    Experiment(ExperimentName),
}

impl WorkloadKey {
    /// Every workload, in table order.
    pub fn all() -> Vec<Self> {
        let experiments = ExperimentName::ALL.map(Self::Experiment);
        [
            Self::Seed,
            Self::PySeed,
            Self::Ch5,
            Self::PyCh5,
            Self::Full3,
        ]
        .into_iter()
        .chain(experiments)
        .collect()
    }

    /// The `--only` key.
    pub fn name(self) -> &'static str {
        match self {
            Self::Seed => "seed",
            Self::PySeed => "py-seed",
            Self::Ch5 => "ch5",
            Self::PyCh5 => "py-ch5",
            Self::Full3 => "full3",
            Self::Experiment(name) => name.slug(),
        }
    }

    /// Whether it runs a Python script on the `scratchnet` package (needs `--python`).
    pub fn is_python(self) -> bool {
        matches!(self, Self::PySeed | Self::PyCh5)
    }
}

/// What `--only` selects: workloads, in table order, and whether to run the micro benchmarks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub workloads: Vec<WorkloadKey>,
    pub micro: bool,
    /// The seed run from the lab against the command line.
    pub lab: bool,
}

/// The `--only` key of every experiment.
const EXPERIMENTS_KEY: &str = "experiments";
/// The `--only` key of the in-process micro benchmarks.
const MICRO_KEY: &str = "micro";
/// The `--only` key of the lab against the command line.
const LAB_KEY: &str = "lab";

impl Selection {
    pub fn everything() -> Self {
        Self {
            workloads: WorkloadKey::all(),
            micro: true,
            lab: true,
        }
    }

    /// Parses `--only`: comma-separated keys (`seed,ch5`, `experiments`, `micro`, …).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut chosen = Vec::new();
        let mut micro = false;
        let mut lab = false;
        for key in text.split(',').map(str::trim).filter(|key| !key.is_empty()) {
            match key {
                MICRO_KEY => micro = true,
                LAB_KEY => lab = true,
                EXPERIMENTS_KEY => chosen.extend(ExperimentName::ALL.map(WorkloadKey::Experiment)),
                _ => chosen.push(parse_key(key)?),
            }
        }
        if chosen.is_empty() && !micro && !lab {
            return Err(format!("no workload given; {}", known_keys()));
        }
        let workloads = WorkloadKey::all()
            .into_iter()
            .filter(|key| chosen.contains(key))
            .collect();
        Ok(Self {
            workloads,
            micro,
            lab,
        })
    }

    /// The selected workloads that need `--python`.
    pub fn python_workloads(&self) -> Vec<WorkloadKey> {
        let keys = self.workloads.iter().copied();
        keys.filter(|key| key.is_python()).collect()
    }

    /// This selection without the workloads that need `--python`.
    pub fn without_python(mut self) -> Self {
        self.workloads.retain(|key| !key.is_python());
        self
    }
}

fn parse_key(text: &str) -> Result<WorkloadKey, String> {
    WorkloadKey::all()
        .into_iter()
        .find(|key| key.name() == text)
        .ok_or_else(|| format!("unknown workload {text:?}; {}", known_keys()))
}

fn known_keys() -> String {
    let names: Vec<&str> = WorkloadKey::all()
        .into_iter()
        .map(WorkloadKey::name)
        .collect();
    format!(
        "the keys are {}, {EXPERIMENTS_KEY} (all of them), {MICRO_KEY} and {LAB_KEY}",
        names.join(", ")
    )
}

/// A workload ready to run: its command line, the run's files, its work and its NumPy twin.
#[derive(Debug)]
pub struct Workload {
    pub key: WorkloadKey,
    /// What it is, in a few words.
    pub title: String,
    pub command: ChildCommand,
    /// Run once, unmeasured, before the first run (a Python script's data cache).
    pub prepare: Option<ChildCommand>,
    pub output: Output,
    /// Matrix-product work, for `train` workloads.
    pub work: Option<TrainingWork>,
    pub twin: Option<NumpyTwin>,
}

/// Where a run writes its results, cleared before each run.
#[derive(Debug)]
pub enum Output {
    /// `train --out`: the summary JSON holding the final accuracies.
    TrainJson(PathBuf),
    /// `experiment --out-dir`.
    ExperimentDir(PathBuf),
    /// A Python script's last line of stdout (`final train acc …, test acc …, train() … s`).
    ScriptLine,
}

/// What every workload's command line shares.
pub struct Setting<'a> {
    /// This executable.
    pub exe: &'a Path,
    pub data_dir: &'a Path,
    pub quick: bool,
    /// Parent of the experiments' output directories.
    pub scratch_dir: &'a Path,
    /// `--python`: the interpreter with `scratchnet` installed, if given.
    pub python: Option<&'a str>,
}

impl Setting<'_> {
    /// The workload `key` in this setting.
    pub fn workload(&self, key: WorkloadKey) -> Result<Workload> {
        match key {
            WorkloadKey::Seed => self.train(key, SEED_TITLE, &SEED_ARGS, seed_twin),
            WorkloadKey::PySeed => self.python(key, SEED_TITLE, &SEED_ARGS, seed_twin),
            WorkloadKey::Ch5 => self.train(key, CH5_TITLE, &CH5_ARGS, ch5_twin),
            WorkloadKey::PyCh5 => self.python(key, CH5_TITLE, &CH5_ARGS, ch5_twin),
            WorkloadKey::Full3 => self.train(
                key,
                "seed net, 60,000 images, 3 epochs",
                &["--train-size", "60000", "--epochs", "3"],
                full3_twin,
            ),
            WorkloadKey::Experiment(name) => Ok(self.experiment(name)),
        }
    }

    fn train(
        &self,
        key: WorkloadKey,
        title: &str,
        flags: &[&str],
        twin: fn(&RunConfig) -> NumpyTwin,
    ) -> Result<Workload> {
        let out = format!("bench-{}", key.name());
        let command = ChildCommand::xtask(self.exe)
            .arg("train")
            .args(flags.iter().copied())
            .args([
                "--quiet",
                "--out",
                &out,
                "--data-dir",
                &shown_path(self.data_dir),
            ]);
        let config = train_config(command.arguments())?;
        Ok(Workload {
            key,
            title: title.into(),
            command,
            prepare: None,
            output: Output::TrainJson(results_dir().join(format!("{out}.json"))),
            work: Some(TrainingWork::of_run(&config)),
            twin: Some(twin(&config)),
        })
    }

    /// The Python script of `key` doing what `train FLAGS` does, with that run's work and twin.
    fn python(
        &self,
        key: WorkloadKey,
        title: &str,
        train_flags: &[&str],
        twin: fn(&RunConfig) -> NumpyTwin,
    ) -> Result<Workload> {
        let interpreter = self.python.ok_or_else(|| anyhow!(python::NEEDS_PYTHON))?;
        let scripts = python::Scripts {
            python: interpreter,
            data_dir: self.data_dir,
            scratch_dir: self.scratch_dir,
        };
        let arguments: Vec<String> = std::iter::once("train")
            .chain(train_flags.iter().copied())
            .map(String::from)
            .collect();
        let config = train_config(&arguments)?;
        Ok(Workload {
            key,
            title: format!("{title}, Python package"),
            command: scripts.command(key)?,
            prepare: Some(scripts.warm_up()),
            output: Output::ScriptLine,
            work: Some(TrainingWork::of_run(&config)),
            twin: Some(twin(&config)),
        })
    }

    fn experiment(&self, name: ExperimentName) -> Workload {
        let out_dir = self.scratch_dir.join(name.slug());
        let quick: &[&str] = if self.quick { &["--quick"] } else { &[] };
        let command = ChildCommand::xtask(self.exe)
            .args(["experiment", name.slug()])
            .args(quick.iter().copied())
            .args(["--quiet", "--out-dir", &out_dir.display().to_string()])
            .args(["--data-dir", &shown_path(self.data_dir)]);
        Workload {
            key: WorkloadKey::Experiment(name),
            title: format!(
                "experiment {}{}",
                name.slug(),
                if self.quick { " --quick" } else { "" }
            ),
            command,
            prepare: None,
            output: Output::ExperimentDir(out_dir),
            work: None,
            twin: None,
        }
    }
}

/// The seed experiment, in a few words.
const SEED_TITLE: &str = "seed net, 300 images, 301 epochs, dropout 0.2";
/// `train` flags of the seed experiment.
const SEED_ARGS: [&str; 2] = ["--dropout", "0.2"];
/// The book's chapter-5 run, in a few words.
const CH5_TITLE: &str = "ch. 5 net 784-50-10, 60,000 images, 17 epochs";

/// `train` flags of the book's chapter-5 network (`ch05/train_neuralnet.py`).
const CH5_ARGS: [&str; 10] = [
    "--hidden",
    "50",
    "--train-size",
    "60000",
    "--weight-init",
    "0.01",
    "--lr",
    "0.1",
    "--epochs",
    "17",
];

/// The configuration `train` reads from `arguments` (`train …`): parsed by `train`'s own flags,
/// so the FLOP count follows the command line.
fn train_config(arguments: &[String]) -> Result<RunConfig> {
    /// `train`'s flags; the first argument (`train`) stands where a program name would.
    #[derive(Parser)]
    struct TrainCommandLine {
        #[command(flatten)]
        args: TrainArgs,
    }
    let parsed = TrainCommandLine::try_parse_from(arguments)
        .map_err(|error| anyhow!("bench's train flags {arguments:?}: {error}"))?;
    Ok(parsed.args.config())
}

/// `bench/numpy_seed_experiment.py` with its defaults: the seed experiment's code path.
fn seed_twin(config: &RunConfig) -> NumpyTwin {
    NumpyTwin {
        script: "bench/numpy_seed_experiment.py",
        args: Vec::new(),
        work: TrainingWork::of_run(config),
    }
}

/// The seed script on all 60,000 images for 3 epochs, without dropout.
fn full3_twin(config: &RunConfig) -> NumpyTwin {
    let args = ["--train-size", "60000", "--epochs", "3", "--dropout", "0"];
    NumpyTwin {
        script: "bench/numpy_seed_experiment.py",
        args: args.map(String::from).to_vec(),
        work: TrainingWork::of_run(config),
    }
}

/// `bench/numpy_train_neuralnet.py`: the book's loop of 10,000 iterations, 17 evaluations of
/// both full sets, no final test pass.
fn ch5_twin(config: &RunConfig) -> NumpyTwin {
    let evaluations: u64 = 17;
    NumpyTwin {
        script: "bench/numpy_train_neuralnet.py",
        args: Vec::new(),
        work: TrainingWork {
            steps: 10_000,
            evaluated_samples: evaluations * (60_000 + TEST_IMAGES as u64),
            ..TrainingWork::of_run(config)
        },
    }
}

/// A workload's measured runs, scratchnet's and NumPy's.
#[derive(Debug)]
pub struct WorkloadResult {
    pub workload: Workload,
    pub scratchnet: Series,
    pub numpy: NumpyOutcome,
}

/// Runs `workload` `runs` times, then its NumPy twin as `numpy` says — unless a workload in
/// `earlier` already measured the same twin in this invocation.
pub fn measure(
    workload: Workload,
    runs: usize,
    numpy: &NumpySetup,
    data_dir: &str,
    earlier: &[WorkloadResult],
) -> Result<WorkloadResult> {
    if let Some(prepare) = &workload.prepare {
        eprintln!("{}, preparing: {}", workload.key.name(), prepare.display());
        prepare.run()?;
    }
    let mut scratchnet = Series::new(workload.command.clone());
    for index in 0..runs {
        eprintln!(
            "{}, scratchnet run {}/{runs}: {}",
            workload.key.name(),
            index + 1,
            workload.command.display()
        );
        scratchnet.runs.push(run_once(&workload)?);
    }
    let numpy = match twin_measured_by(&workload, earlier) {
        Some(key) => NumpyOutcome::SameAs(key),
        None => numpy.measure(workload.twin.as_ref(), data_dir, workload.key.name())?,
    };
    Ok(WorkloadResult {
        workload,
        scratchnet,
        numpy,
    })
}

/// The earlier workload whose NumPy twin ran with the same script and flags as `workload`'s.
fn twin_measured_by(workload: &Workload, earlier: &[WorkloadResult]) -> Option<WorkloadKey> {
    let twin = workload.twin.as_ref()?;
    earlier.iter().find_map(|result| match &result.numpy {
        NumpyOutcome::Ran { series, .. }
            if result
                .workload
                .twin
                .as_ref()
                .is_some_and(|other| other.same_run(twin)) =>
        {
            (!series.runs.is_empty()).then_some(result.workload.key)
        }
        _ => None,
    })
}

fn run_once(workload: &Workload) -> Result<RunRecord> {
    clear(&workload.output)?;
    let measured = workload.command.run()?;
    let reported = match &workload.output {
        Output::TrainJson(path) => Some(read_train_summary(path)?),
        Output::ExperimentDir(_) => None,
        Output::ScriptLine => Some(
            python::parse_last_line(&measured.stdout)
                .with_context(|| format!("reading the output of {}", workload.command.display()))?,
        ),
    };
    eprintln!(
        "  {:.2} s wall, {:.1} MB peak RSS{}",
        measured.wall.as_secs_f64(),
        mb(measured.max_rss_kib),
        reported.map_or_else(String::new, |reported| format!(
            ", final train {:.4} / test {:.4}",
            reported.train_acc, reported.test_acc
        ))
    );
    Ok(RunRecord { measured, reported })
}

/// Removes what an earlier run left, so a run cannot be credited with a stale result.
fn clear(output: &Output) -> Result<()> {
    let removed = match output {
        Output::TrainJson(path) => std::fs::remove_file(path),
        Output::ExperimentDir(dir) => std::fs::remove_dir_all(dir),
        Output::ScriptLine => Ok(()),
    };
    match removed {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("removing the stale {output:?}"))
        }
        _ => Ok(()),
    }
}

/// The final accuracies, training time and threads from a `train` run's summary JSON. The
/// test accuracy is the final full test pass.
fn read_train_summary(path: &Path) -> Result<Reported> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the run's summary {}", path.display()))?;
    parse_train_summary(&text).with_context(|| format!("reading {}", path.display()))
}

fn parse_train_summary(text: &str) -> Result<Reported> {
    let json: serde_json::Value = serde_json::from_str(text)?;
    let number = |pointer: &str| json.pointer(pointer).and_then(serde_json::Value::as_f64);
    let missing = |what: &str| anyhow!("no number {what}");
    Ok(Reported {
        train_acc: number("/final/train_acc").ok_or_else(|| missing("final.train_acc"))?,
        test_acc: number("/final/full_test_acc").ok_or_else(|| missing("final.full_test_acc"))?,
        seconds: number("/wall_seconds").ok_or_else(|| missing("wall_seconds"))?,
        threads: json.pointer("/threads").and_then(serde_json::Value::as_u64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(quick: bool) -> Setting<'static> {
        Setting {
            exe: Path::new("/x/xtask"),
            data_dir: Path::new("/data/mnist"),
            quick,
            scratch_dir: Path::new("/tmp/b"),
            python: Some("venv/bin/python"),
        }
    }

    #[test]
    fn only_takes_keys_groups_and_keeps_table_order() {
        let selection = Selection::parse("ch5, seed,micro").expect("valid keys");
        assert_eq!(selection.workloads, [WorkloadKey::Seed, WorkloadKey::Ch5]);
        assert!(selection.micro);
        let experiments = Selection::parse("experiments,dropout").expect("valid keys");
        assert_eq!(experiments.workloads.len(), ExperimentName::ALL.len());
        assert!(!experiments.micro);
        let lab = Selection::parse("lab").expect("valid key");
        assert!(lab.lab && lab.workloads.is_empty() && !lab.micro);
        let error = Selection::parse("seed,ch6").expect_err("unknown key");
        assert!(
            error.contains("\"ch6\"") && error.contains("full3"),
            "{error}"
        );
        assert!(Selection::parse(",").is_err());
    }

    #[test]
    fn train_workloads_count_the_flops_of_their_flags() {
        let seed = setting(false)
            .workload(WorkloadKey::Seed)
            .expect("valid flags");
        assert_eq!(
            seed.command.display(),
            "cargo xtask train --dropout 0.2 --quiet --out bench-seed --data-dir /data/mnist"
        );
        let work = seed.work.expect("a train workload");
        assert_eq!((work.steps, work.evaluated_samples), (903, 3_110_300));
        let twin = seed.twin.expect("the seed script");
        assert_eq!(twin.work, work);

        let ch5 = setting(false)
            .workload(WorkloadKey::Ch5)
            .expect("valid flags");
        let work = ch5.work.expect("a train workload");
        assert_eq!(work.layer_sizes, [784, 50, 10]);
        assert_eq!((work.steps, work.evaluated_samples), (10_200, 1_200_000));
        let twin = ch5.twin.expect("the ch. 5 script");
        assert_eq!(
            (twin.work.steps, twin.work.evaluated_samples),
            (10_000, 1_190_000)
        );

        let full3 = setting(false)
            .workload(WorkloadKey::Full3)
            .expect("valid flags");
        let work = full3.work.expect("a train workload");
        assert_eq!((work.steps, work.evaluated_samples), (1_800, 220_000));
    }

    #[test]
    fn python_workloads_do_the_work_of_their_command_line_against_its_twin() {
        for (python, cli) in [
            (WorkloadKey::PySeed, WorkloadKey::Seed),
            (WorkloadKey::PyCh5, WorkloadKey::Ch5),
        ] {
            let package = setting(false).workload(python).expect("valid");
            let command_line = setting(false).workload(cli).expect("valid");
            assert_eq!(package.work, command_line.work);
            let (twin, cli_twin) = (
                package.twin.expect("a twin"),
                command_line.twin.expect("a twin"),
            );
            assert!(twin.same_run(&cli_twin) && twin.work == cli_twin.work);
            assert!(package.prepare.is_some() && matches!(package.output, Output::ScriptLine));
            assert!(
                package
                    .command
                    .display()
                    .contains("venv/bin/python crates/python/examples/")
            );
        }
        let without = Setting {
            python: None,
            ..setting(false)
        };
        let refused = without
            .workload(WorkloadKey::PyCh5)
            .expect_err("no --python");
        assert!(refused.to_string().contains("--python"), "{refused}");
    }

    #[cfg(unix)]
    #[test]
    fn a_twin_measured_earlier_is_shared() {
        let seed = setting(false).workload(WorkloadKey::Seed).expect("valid");
        let numpy = NumpyOutcome::Ran {
            series: Series::new(seed.command.clone()),
            work: seed.work.clone().expect("a train workload"),
        };
        let mut earlier = vec![WorkloadResult {
            workload: seed,
            scratchnet: Series::new(ChildCommand::new("x")),
            numpy,
        }];
        let python = setting(false).workload(WorkloadKey::PySeed).expect("valid");
        // No NumPy run recorded yet: nothing to share.
        assert_eq!(twin_measured_by(&python, &earlier), None);
        let measured = ChildCommand::new("true").run().expect("true runs");
        if let NumpyOutcome::Ran { series, .. } = &mut earlier[0].numpy {
            series.runs.push(RunRecord {
                measured,
                reported: None,
            });
        }
        assert_eq!(twin_measured_by(&python, &earlier), Some(WorkloadKey::Seed));
        let ch5 = setting(false).workload(WorkloadKey::PyCh5).expect("valid");
        assert_eq!(twin_measured_by(&ch5, &earlier), None);
    }

    #[test]
    fn experiments_write_to_the_scratch_directory() {
        let name = ExperimentName::WeightInit;
        let quick = setting(true)
            .workload(WorkloadKey::Experiment(name))
            .expect("valid");
        assert_eq!(
            quick.command.display(),
            "cargo xtask experiment weight-init --quick --quiet --out-dir /tmp/b/weight-init \
             --data-dir /data/mnist"
        );
        assert!(quick.work.is_none() && quick.twin.is_none());
    }

    #[test]
    fn a_train_summary_gives_the_final_full_test_pass() {
        let text = r#"{"wall_seconds": 1.5, "threads": 2,
            "final": {"train_acc": 0.59, "test_acc": 0.49, "full_test_acc": 0.501}}"#;
        let reported = parse_train_summary(text).expect("complete summary");
        assert_eq!(
            reported,
            Reported {
                train_acc: 0.59,
                test_acc: 0.501,
                seconds: 1.5,
                threads: Some(2)
            }
        );
        assert!(parse_train_summary(r#"{"final": {}}"#).is_err());
    }
}
