//! `cargo xtask bench`: the workload table — each workload run as a whole child process several
//! times (median wall, peak RSS, achieved GFLOP/s) beside the book's NumPy code in the same
//! invocation — plus in-process timings of one training step and one test evaluation.
//! `--scaling` instead times training and evaluation in process against the training-set size,
//! the network's width and the thread count.
//!
//! Children are spawned before this process loads anything large: Linux carries the parent's
//! peak RSS into a child spawned by vfork + exec, so a large parent would inflate the
//! children's peak RSS. The workload table needs `wait4` (Unix); `--scaling` runs anywhere.

mod child;
mod clock;
mod flops;
mod lab;
mod machine;
mod micro;
mod numpy;
mod peak;
mod python;
mod record;
mod report;
mod scaling;
mod table;
mod timing;
mod workloads;

use crate::workspace_root;
use anyhow::{Context, Result, bail};
use child::shown_path;
use numpy::NumpySetup;
use report::{Header, WorkloadReport, env_or_unset};
use scratchnet_datasets::DatasetKind;
use scratchnet_experiments::DataSource;
use std::path::{Path, PathBuf};
use workloads::{Selection, Setting, WorkloadResult};

/// What a build without `wait4` says when asked for the workload table.
pub const NEEDS_UNIX: &str = "cargo xtask bench needs Unix (wait4, ru_maxrss)";

#[derive(clap::Args, Clone, Debug)]
#[command(after_help = "\
Workloads (--only keys), each run as a child process of this executable --runs times:
  seed          `train --dropout 0.2`: the seed experiment (300 images, 301 epochs);
                NumPy twin: bench/numpy_seed_experiment.py
  ch5           `train --hidden 50 --train-size 60000 --weight-init 0.01 --lr 0.1 --epochs 17`:
                the book's chapter-5 run; NumPy twin: bench/numpy_train_neuralnet.py
  py-seed       crates/python/examples/seed_dropout.py (the seed's script on the Python package)
                run by --python; twin: seed's, measured once when both run
  py-ch5        crates/python/examples/ch5_trainer.py (ch5 through the package's Trainer) run by
                --python; twin: ch5's. Both need --python (refused when named without it,
                skipped by default without it); each reports train()'s seconds
  full3         `train --train-size 60000 --epochs 3`: the seed network on all of MNIST;
                NumPy twin: bench/numpy_seed_experiment.py --train-size 60000 --epochs 3 --dropout 0
  NAME          each experiment of `cargo xtask experiment --help` (optimizers, dropout-sweep, …):
                `experiment NAME` at full size (with --quick: `experiment NAME --quick`), no
                twin; `experiments` selects all of them, and the table adds their sum
  lab           the seed run (`train --dropout 0.2`) from the lab, in this process (POST /api/runs
                to its `done` event, data loaded), and as a child, interleaved, --runs times each:
                both medians, their ratio (kept within 1.10) and whether the CSVs are identical
                (with --quick: 31 epochs)
  micro         in this process, after the children: one training step (batch 100) and one
                evaluation of the 10,000 test images, in ms and GFLOP/s against this machine's
                peak (measured at start-up by a short loop of fused multiply-adds)

Each row gives the median wall time (spawn to exit), the peak RSS (ru_maxrss from wait4), the
dense-equivalent matrix-product FLOPs of the configuration and GFLOP/s = FLOPs / median wall, and
NumPy's median wall over scratchnet's. NumPy children run with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE removed so that OpenBLAS uses its AVX-512 kernel. The report lists every command
line, the machine, the load average before and after, the threads and the commit; it is printed
and written to results/bench.txt (train runs write results/bench-KEY.*).

Threads: children inherit RAYON_NUM_THREADS (scratchnet) and OPENBLAS_NUM_THREADS (NumPy);
`RAYON_NUM_THREADS=1 cargo xtask bench` gives the one-thread numbers. Timings taken while other
processes use the CPUs are noisy: the report records the load average.

`cargo xtask bench --scaling` runs in this process instead: the time of a training step (batch
gather from the byte-stored images, gradient, SGD update) and of an evaluated image against the
training-set size (300 / 3,000 / 30,000 / 60,000, seed network) and the width of one hidden layer
(50 / 100 / 500 / 1,000, all of MNIST), and the seed run and a test evaluation against the thread
count; it writes results/bench-scaling.txt.")]
pub struct BenchArgs {
    /// scratchnet runs of each workload; the median wall time is reported [default: 5, or 1
    /// with --quick].
    #[arg(long, value_parser = parse_positive, value_name = "N", conflicts_with = "scaling")]
    pub runs: Option<usize>,
    /// Runs of each NumPy twin; 0 skips NumPy [default: 3, or 1 with --quick].
    #[arg(long, value_name = "N", conflicts_with = "scaling")]
    pub numpy_runs: Option<usize>,
    /// Smoke test: one run of each, experiments with --quick, fewer micro-benchmark (or
    /// scaling) repetitions.
    #[arg(long)]
    pub quick: bool,
    /// Only these workloads, comma-separated: seed, py-seed, ch5, py-ch5, full3, an
    /// experiment's name, experiments (all of them), micro, lab [default: all; py-seed and
    /// py-ch5 only with --python].
    #[arg(long, value_parser = Selection::parse, value_name = "KEYS", conflicts_with = "scaling")]
    pub only: Option<Selection>,
    /// Instead of the workload table: in-process cost against training-set size, width and
    /// thread count (results/bench-scaling.txt).
    #[arg(long)]
    pub scaling: bool,
    /// Directory holding the four MNIST IDX files [default: datasets/mnist at the workspace
    /// root, or $SCRATCHNET_DATA_DIR/mnist]; fetched there first if missing.
    #[arg(long = "data-dir", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Where to fetch MNIST from if it is missing: an http(s):// URL, a file:// URL or a
    /// directory holding the `.gz` files; repeatable (see `cargo xtask fetch-mnist --help`).
    #[arg(long = "mirror", value_name = "URL|DIR")]
    pub mirrors: Vec<String>,
    /// Python interpreter for the NumPy twins (needs numpy: `pip install -r
    /// bench/requirements.txt`) and, when given, for py-seed and py-ch5 (needs scratchnet:
    /// `pip install ./crates/python`) [default: python3, without py-seed and py-ch5].
    #[arg(long, value_name = "PATH", conflicts_with = "scaling")]
    pub python: Option<String>,
}

/// The interpreter of the NumPy twins when `--python` is not given.
const DEFAULT_PYTHON: &str = "python3";

fn parse_positive(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(value) => Ok(value),
        Err(_) => Err(format!("{text:?} is not a whole number")),
    }
}

pub fn run(args: &BenchArgs) -> crate::Outcome {
    if args.scaling {
        let source = fetched_source(args)?;
        return Ok(scaling::run(&source, args.quick)?);
    }
    Ok(run_workload_table(args)?)
}

/// MNIST in the cache, fetched and verified first if needed.
fn fetched_source(args: &BenchArgs) -> Result<DataSource> {
    let source = DataSource::new(
        &workspace_root(),
        DatasetKind::Mnist,
        args.data_dir.clone(),
        args.mirrors.clone(),
    );
    source.fetch(false, &mut crate::progress::Progress::new(false))?;
    Ok(source)
}

/// Runs the selected workloads (children first), then the micro benchmarks; writes
/// results/bench.txt.
fn run_workload_table(args: &BenchArgs) -> Result<()> {
    if !cfg!(unix) {
        bail!(NEEDS_UNIX);
    }
    let (selection, skipped) = python::select(args.only.clone(), args.python.as_deref())?;
    if let Some(line) = &skipped {
        eprintln!("{line}");
    }
    let python_keys = selection.python_workloads();
    if let (Some(python), false) = (&args.python, python_keys.is_empty()) {
        python::probe(python, &python_keys)?;
    }
    let source = fetched_source(args)?;
    let mut header = Header::start();
    let parent_peak_kib = child::own_peak_rss_kib();
    let numpy_runs = args.numpy_runs.unwrap_or(if args.quick { 1 } else { 3 });
    let interpreter = args.python.as_deref().unwrap_or(DEFAULT_PYTHON);
    let numpy = NumpySetup::probe(interpreter, numpy_runs);
    let exe = std::env::current_exe().context("locating the xtask executable")?;
    let results = measure_workloads(args, &selection, &source, &numpy, &exe)?;
    let micro = if selection.micro {
        eprintln!("micro benchmarks (in process) …");
        Some(micro::run(&source, args.quick)?)
    } else {
        None
    };
    let lab = if selection.lab {
        let runs = args.runs.unwrap_or(if args.quick { 1 } else { 5 });
        Some(lab::run(&source, &exe, runs, args.quick)?)
    } else {
        None
    };
    header.threads = threads_line(&results, numpy.version.as_ref().ok());
    header.finish();
    let text = report::render_workloads(&WorkloadReport {
        header: &header,
        exe: &exe,
        results: &results,
        micro: micro.as_ref(),
        lab: lab.as_ref(),
        parent_peak_kib,
        numpy_version: numpy.version.as_ref().ok().map(String::as_str),
        skipped: skipped.as_deref(),
    });
    report::publish("bench.txt", &text)
}

fn measure_workloads(
    args: &BenchArgs,
    selection: &Selection,
    source: &DataSource,
    numpy: &NumpySetup,
    exe: &Path,
) -> Result<Vec<WorkloadResult>> {
    let scratch_dir = std::env::temp_dir().join(format!("scratchnet-bench-{}", std::process::id()));
    let setting = Setting {
        exe,
        data_dir: &source.dir,
        quick: args.quick,
        scratch_dir: &scratch_dir,
        python: args.python.as_deref(),
    };
    let runs = args.runs.unwrap_or(if args.quick { 1 } else { 5 });
    let data_dir = shown_path(&source.dir);
    let results = std::fs::create_dir_all(&scratch_dir)
        .with_context(|| format!("creating {}", scratch_dir.display()))
        .and_then(|()| measure_each(&setting, selection, runs, numpy, &data_dir));
    // Only the experiments' output and the Python package's data cache live there; nothing
    // else would remove them.
    let _ = std::fs::remove_dir_all(&scratch_dir);
    results
}

/// Each selected workload in table order; a NumPy twin already measured is not run again.
fn measure_each(
    setting: &Setting<'_>,
    selection: &Selection,
    runs: usize,
    numpy: &NumpySetup,
    data_dir: &str,
) -> Result<Vec<WorkloadResult>> {
    let mut results: Vec<WorkloadResult> = Vec::new();
    for &key in &selection.workloads {
        let workload = setting.workload(key)?;
        let result = workloads::measure(workload, runs, numpy, data_dir, &results)?;
        results.push(result);
    }
    Ok(results)
}

/// The threads of the train runs (as they report them), of this process and of NumPy.
fn threads_line(results: &[WorkloadResult], numpy_version: Option<&String>) -> String {
    let train_threads = results
        .iter()
        .find_map(|result| result.scratchnet.last_reported()?.threads)
        .map_or_else(|| "?".into(), |threads| threads.to_string());
    let mut line = format!(
        "scratchnet: rayon {train_threads} in the train runs, {} in this process \
         (RAYON_NUM_THREADS={}); NumPy: OPENBLAS_NUM_THREADS={}",
        rayon::current_num_threads(),
        env_or_unset("RAYON_NUM_THREADS"),
        env_or_unset("OPENBLAS_NUM_THREADS")
    );
    if let Some(version) = numpy_version {
        line.push_str(&format!(", {version}"));
    }
    line
}
