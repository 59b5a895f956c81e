//! `cargo xtask bench`: the seed experiment end to end (whole process, several runs, median,
//! peak RSS) against the book's NumPy code (`bench/numpy_seed_experiment.py`) in the same
//! invocation, plus in-process timings of one training step and one full test evaluation with
//! their GFLOP/s. `--scaling` instead times `train` over training-set sizes, evaluation sizes and
//! thread counts, for the README's performance section.
//!
//! Every child process is timed from spawn to `wait4`, which also returns its `ru_maxrss`.
//! Children are spawned before this process loads anything large: Linux carries the parent's
//! peak RSS into a child spawned by vfork + exec, so a large parent would inflate the children's
//! peak RSS.

use crate::{results_dir, workspace_root};
use anyhow::{Context, Result, anyhow, bail};
use scratchnet_datasets::{DatasetKind, Mnist};
use scratchnet_experiments::{DataSource, RunConfig, write_atomically};
use scratchnet_network::{MultiLayerNetExtend, NetworkConfig};
use scratchnet_optim::{Optimizer, by_name};
use scratchnet_tensor::{Matrix, random};
use std::fmt::Write as _;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Peak f32 throughput of one core of this machine's kind: AVX-512, 2 FMA units × 16 lanes ×
/// 2 FLOPs at ≈4 GHz, measured with a register-only FMA loop (the issue's figure).
pub const PEAK_GFLOPS_ONE_CORE: f64 = 255.0;
/// Peak of both cores together (measured: the clock drops a little with both busy).
pub const PEAK_GFLOPS_TWO_CORES: f64 = 480.0;

/// The seed network's layer sizes: 784 → `[100]×6` → 10.
const INPUT: usize = 784;
const HIDDEN: [usize; 6] = [100; 6];
const CLASSES: usize = 10;
/// The seed experiment's batch size and training-set size.
const BATCH: usize = 100;
const TRAIN_SIZE: usize = 300;

/// Targets of the issue's "Done when".
const TARGET_SPEEDUP: f64 = 12.0;
const TARGET_RSS_MB: f64 = 80.0;
const TARGET_STEP_GFLOPS: f64 = 150.0;
const TARGET_EVAL_GFLOPS: f64 = 300.0;

/// Base name of the child runs' files in results/.
const SEED_OUT: &str = "bench-seed";
const SCALING_OUT: &str = "bench-scaling";
/// Environment variables removed for the NumPy child only, so OpenBLAS picks its AVX-512
/// (SkylakeX) kernel as in the reference measurement (see bench/README.md).
const OPENBLAS_OVERRIDES: [&str; 2] = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];

#[derive(clap::Args, Clone, Debug)]
#[command(after_help = "\
Measures, in this order:
  1. the seed experiment (`train --dropout 0.2`: 300 images, 903 steps of batch 100, 301
     evaluations) as a child process of this executable, --runs times: wall time, peak RSS
     (ru_maxrss from wait4) and the final accuracies from results/bench-seed.json;
  2. the book's NumPy code on the same data (bench/numpy_seed_experiment.py), --numpy-runs
     times, with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment so that
     OpenBLAS uses its AVX-512 kernel;
  3. in this process: one training step (gradient + SGD update, batch 100) and one full
     test-set evaluation (10,000 images), in ms and GFLOP/s = dense matrix-product FLOPs / time,
     against a peak of 255 GFLOP/s per core, 480 for two cores (this machine's kind).
Prints a table with every command line and writes it to results/bench.txt.

Threads: children inherit RAYON_NUM_THREADS (scratchnet) and OPENBLAS_NUM_THREADS (NumPy);
`RAYON_NUM_THREADS=1 cargo xtask bench` gives the one-thread numbers.
Numbers taken while other processes use the CPUs are noisy: the table records the load average.

`cargo xtask bench --scaling` instead runs `train` for --train-size 300 / 6000 / 60000 (one
epoch), --eval-samples 1000 / 100, and RAYON_NUM_THREADS=1 / 2, and writes
results/bench-scaling.txt.")]
pub struct BenchArgs {
    /// Runs of each scratchnet child process; the median wall time is reported
    /// [default: 7 (two seconds each, and the machine's noise is ±5%), or 1 with --scaling or
    /// --quick].
    #[arg(long, value_parser = parse_positive, value_name = "N")]
    pub runs: Option<usize>,
    /// Runs of the NumPy reference (a few minutes in total); 0 skips it.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub numpy_runs: usize,
    /// Smoke test: one run of each (at most one NumPy run) and fewer micro-benchmark repetitions.
    #[arg(long)]
    pub quick: bool,
    /// Instead of the comparison: wall time and peak RSS of `train` vs --train-size,
    /// --eval-samples and thread count (results/bench-scaling.txt).
    #[arg(long)]
    pub scaling: bool,
    /// Directory holding the four MNIST IDX files [default: datasets/mnist at the workspace
    /// root, or $SCRATCHNET_DATA_DIR]; fetched there first if missing.
    #[arg(long = "data-dir", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Where to fetch MNIST from if it is missing: an http(s):// URL, a file:// URL or a
    /// directory holding the `.gz` files; repeatable (see `cargo xtask fetch-mnist --help`).
    #[arg(long = "mirror", value_name = "URL|DIR")]
    pub mirrors: Vec<String>,
    /// Python interpreter for the NumPy reference (needs numpy: `pip install -r
    /// bench/requirements.txt`).
    #[arg(long, default_value = "python3", value_name = "PATH")]
    pub python: String,
}

fn parse_positive(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(value) => Ok(value),
        Err(_) => Err(format!("{text:?} is not a whole number")),
    }
}

pub fn run(args: &BenchArgs) -> crate::Outcome {
    Ok(run_bench(args)?)
}

fn run_bench(args: &BenchArgs) -> Result<()> {
    let source = DataSource::new(
        &workspace_root(),
        DatasetKind::Mnist,
        args.data_dir.clone(),
        args.mirrors.clone(),
    );
    source.fetch(false, &mut crate::progress::Progress::new(false))?;
    let dir = source.dir;
    let machine = Machine::probe();
    // Read now, close to when this executable was built: others may commit during the runs.
    let commit = commit_description();
    if args.scaling {
        return run_scaling(args, &dir, &machine, &commit);
    }
    let runs = args.runs.unwrap_or(if args.quick { 1 } else { 7 });
    let numpy_runs = if args.quick {
        args.numpy_runs.min(1)
    } else {
        args.numpy_runs
    };
    let load_before = load_average();
    eprintln!("machine: {}", machine.describe());
    eprintln!("load average before: {load_before}");
    let parent_hwm = self_peak_rss_kib();

    // 1. scratchnet's seed experiment, whole process.
    let exe = std::env::current_exe().context("locating the xtask executable")?;
    let seed_cmd = ChildCommand::xtask(&exe)
        .args([
            "train",
            "--dropout",
            "0.2",
            "--quiet",
            "--out",
            SEED_OUT,
            "--data-dir",
        ])
        .arg(shown_path(&dir));
    let mut scratch_runs = Vec::new();
    for index in 0..runs {
        eprintln!(
            "scratchnet seed experiment, run {}/{runs}: {}",
            index + 1,
            seed_cmd.display()
        );
        let json_path = results_dir().join(format!("{SEED_OUT}.json"));
        remove_if_present(&json_path)?;
        let measured = seed_cmd.run()?;
        let summary = TrainSummary::read(&json_path)?;
        eprintln!(
            "  {:.2} s wall, {:.1} MB peak RSS, final train {:.4} / test {:.4}",
            measured.wall.as_secs_f64(),
            mb(measured.max_rss_kib),
            summary.train_acc,
            summary.test_acc
        );
        scratch_runs.push((measured, summary));
    }

    // 2. The NumPy reference.
    let numpy = if numpy_runs == 0 {
        NumpyOutcome::Skipped("--numpy-runs 0".into())
    } else {
        run_numpy(args, &dir, numpy_runs)?
    };

    // 3. Micro benchmarks, in this process (after the children: see the module docs).
    eprintln!("micro benchmarks (in process) …");
    let micro = micro_benchmarks(&dir, args.quick)?;
    let load_after = load_average();

    let report = render_report(&Report {
        machine: &machine,
        load_before,
        load_after,
        parent_hwm_kib: parent_hwm,
        seed_cmd: &seed_cmd,
        scratch_runs: &scratch_runs,
        numpy: &numpy,
        micro: &micro,
        commit: &commit,
    });
    print!("{report}");
    let path = results_dir().join("bench.txt");
    write_atomically(&path, report.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    eprintln!("written to {}", path.display());
    Ok(())
}

// ------------------------------------------------------------------------------------------
// Child processes

/// A command line to run as a measured child process, with the environment changes it needs.
struct ChildCommand {
    program: PathBuf,
    /// Shown instead of `program` (`cargo xtask` for this executable).
    label: Option<String>,
    args: Vec<String>,
    set_env: Vec<(String, String)>,
    remove_env: Vec<String>,
}

impl ChildCommand {
    fn new(program: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            label: None,
            args: Vec::new(),
            set_env: Vec::new(),
            remove_env: Vec::new(),
        }
    }

    /// This executable, shown as `cargo xtask`.
    fn xtask(exe: &Path) -> Self {
        let mut command = Self::new(exe);
        command.label = Some("cargo xtask".into());
        command
    }

    fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    fn env(mut self, key: &str, value: &str) -> Self {
        self.set_env.push((key.into(), value.into()));
        self
    }

    fn env_remove(mut self, key: &str) -> Self {
        self.remove_env.push(key.into());
        self
    }

    /// The command as one shell line, reproducible by copy and paste.
    fn display(&self) -> String {
        let mut words = Vec::new();
        if !self.remove_env.is_empty() {
            words.push("env".to_string());
            for key in &self.remove_env {
                words.push(format!("-u {key}"));
            }
        }
        for (key, value) in &self.set_env {
            words.push(format!("{key}={}", shell_quote(value)));
        }
        words.push(match &self.label {
            Some(label) => label.clone(),
            None => shell_quote(&self.program.display().to_string()),
        });
        words.extend(self.args.iter().map(|arg| shell_quote(arg)));
        words.join(" ")
    }

    /// Runs the command to completion; an error (with the tail of its stderr) if it fails.
    fn run(&self) -> Result<Measured> {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .current_dir(workspace_root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in &self.set_env {
            command.env(key, value);
        }
        for key in &self.remove_env {
            command.env_remove(key);
        }
        let measured =
            run_measured(&mut command).with_context(|| format!("running {}", self.display()))?;
        if !measured.status.success() {
            bail!(
                "{} failed ({}); end of its stderr:\n{}",
                self.display(),
                measured.status,
                tail(&measured.stderr, 20)
            );
        }
        Ok(measured)
    }
}

/// What a finished child process did.
struct Measured {
    status: ExitStatus,
    /// Spawn to reaped.
    wall: Duration,
    /// User + system CPU time.
    cpu: Duration,
    /// `ru_maxrss`: peak resident set size in KiB (Linux).
    max_rss_kib: u64,
    stdout: String,
    stderr: String,
}

/// Spawns `command` (stdout and stderr piped), drains both pipes on threads and reaps the child
/// with `wait4`, which returns the child's own resource usage.
fn run_measured(command: &mut Command) -> Result<Measured> {
    let started = Instant::now();
    let mut child = command.spawn()?;
    let pid = libc::pid_t::try_from(child.id()).context("child pid out of range")?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let stdout_reader = std::thread::spawn(move || drain(stdout));
    let stderr_reader = std::thread::spawn(move || drain(stderr));
    let waited = wait4(pid);
    let wall = started.elapsed();
    // The child is reaped (or wait4 failed and it is left to the OS): `child` is not waited on
    // again; dropping a std::process::Child neither waits nor kills.
    drop(child);
    let stdout = stdout_reader
        .join()
        .map_err(|_| anyhow!("the stdout reader panicked"))?;
    let stderr = stderr_reader
        .join()
        .map_err(|_| anyhow!("the stderr reader panicked"))?;
    let (status, usage) = waited?;
    let cpu = timeval(usage.ru_utime) + timeval(usage.ru_stime);
    Ok(Measured {
        status: ExitStatus::from_raw(status),
        wall,
        cpu,
        max_rss_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0),
        stdout,
        stderr,
    })
}

fn drain<R: Read>(pipe: Option<R>) -> String {
    let mut bytes = Vec::new();
    if let Some(mut pipe) = pipe {
        // A read error only truncates what we show; the exit status still decides success.
        let _ = pipe.read_to_end(&mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `wait4(pid, …, 0, …)`, retried on EINTR: the raw wait status and the child's rusage.
fn wait4(pid: libc::pid_t) -> Result<(libc::c_int, libc::rusage)> {
    loop {
        let mut status: libc::c_int = 0;
        // SAFETY: rusage is a plain C struct of integers, for which all-zero bytes are valid.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: both pointers are to live, writable locals of the right types; `pid` is our
        // own child, not yet reaped.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            return Ok((status, usage));
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(error).context("wait4 on the child process");
        }
    }
}

fn timeval(tv: libc::timeval) -> Duration {
    let seconds = u64::try_from(tv.tv_sec).unwrap_or(0);
    let micros = u64::try_from(tv.tv_usec).unwrap_or(0);
    Duration::from_secs(seconds) + Duration::from_micros(micros)
}

/// This process's peak RSS so far (VmHWM), in KiB.
fn self_peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// `path` relative to the workspace root (where the children run) when it is inside it.
fn shown_path(path: &Path) -> String {
    path.strip_prefix(workspace_root())
        .ok()
        .filter(|relative| !relative.as_os_str().is_empty())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The executable `cargo xtask` stands for in the printed command lines.
fn executable_note() -> String {
    std::env::current_exe().map_or_else(
        |_| String::new(),
        |exe| format!("; `cargo xtask` = {}", exe.display()),
    )
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("removing the stale {}", path.display()))
        }
        _ => Ok(()),
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    let start = all.len().saturating_sub(lines);
    if all.is_empty() {
        "(empty)".into()
    } else {
        all[start..].join("\n")
    }
}

fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// What a `train` child wrote to its results JSON.
struct TrainSummary {
    train_acc: f64,
    test_acc: f64,
    full_test_acc: Option<f64>,
    /// Training time measured inside the child (excludes start-up and data loading).
    seconds: f64,
    threads: Option<u64>,
}

impl TrainSummary {
    fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the run's summary {}", path.display()))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        let number = |pointer: &str| json.pointer(pointer).and_then(serde_json::Value::as_f64);
        let missing = |what: &str| anyhow!("{} has no {what}", path.display());
        Ok(Self {
            train_acc: number("/final/train_acc").ok_or_else(|| missing("final.train_acc"))?,
            test_acc: number("/final/test_acc").ok_or_else(|| missing("final.test_acc"))?,
            full_test_acc: number("/final/full_test_acc"),
            seconds: number("/wall_seconds").ok_or_else(|| missing("wall_seconds"))?,
            threads: json.pointer("/threads").and_then(serde_json::Value::as_u64),
        })
    }
}

// ------------------------------------------------------------------------------------------
// NumPy

enum NumpyOutcome {
    Skipped(String),
    Ran {
        version: String,
        cmd: ChildCommand,
        runs: Vec<(Measured, NumpyResult)>,
    },
}

struct NumpyResult {
    train_acc: f64,
    test_acc: f64,
    seconds: f64,
}

fn run_numpy(args: &BenchArgs, dir: &Path, runs: usize) -> Result<NumpyOutcome> {
    let install = "install it with `pip install -r bench/requirements.txt`, or pass --numpy-runs 0";
    let probe = ChildCommand::new(&args.python).args([
        "-c",
        "import numpy\n\
         try:\n    import threadpoolctl\n    \
         info = ['%s %s %s, %s threads' % (i.get('internal_api'), i.get('version'), \
         i.get('architecture'), i.get('num_threads')) for i in threadpoolctl.threadpool_info()]\n\
         except Exception:\n    info = []\n\
         print('numpy ' + numpy.__version__ + (' (' + '; '.join(info) + ')' if info else ''))",
    ]);
    let probe = OPENBLAS_OVERRIDES
        .iter()
        .fold(probe, |cmd, key| cmd.env_remove(key));
    let version = match probe.run() {
        Ok(measured) => measured.stdout.trim().to_string(),
        Err(error) => {
            let reason = format!("{} cannot import numpy ({install})", args.python);
            eprintln!("NumPy reference skipped: {reason}\n  ({:#})", error);
            return Ok(NumpyOutcome::Skipped(reason));
        }
    };
    // Children run in the workspace root, so the script path is relative to it.
    let script = "bench/numpy_seed_experiment.py";
    if !workspace_root().join(script).is_file() {
        bail!("{script} is missing from {}", workspace_root().display());
    }
    let cmd = ChildCommand::new(&args.python)
        .arg(script)
        .args(["--data-dir".to_string(), shown_path(dir)])
        .arg("--quiet");
    let cmd = OPENBLAS_OVERRIDES
        .iter()
        .fold(cmd, |cmd, key| cmd.env_remove(key));
    let mut measured_runs = Vec::new();
    for index in 0..runs {
        eprintln!(
            "NumPy reference, run {}/{runs}: {}",
            index + 1,
            cmd.display()
        );
        let measured = cmd.run()?;
        let result = parse_numpy(&measured.stdout)
            .with_context(|| format!("reading the output of {}", cmd.display()))?;
        eprintln!(
            "  {:.2} s wall, {:.1} MB peak RSS, final train {:.4} / test {:.4}",
            measured.wall.as_secs_f64(),
            mb(measured.max_rss_kib),
            result.train_acc,
            result.test_acc
        );
        measured_runs.push((measured, result));
    }
    Ok(NumpyOutcome::Ran {
        version,
        cmd,
        runs: measured_runs,
    })
}

fn parse_numpy(stdout: &str) -> Result<NumpyResult> {
    let line = stdout
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .ok_or_else(|| anyhow!("no output"))?;
    let json: serde_json::Value =
        serde_json::from_str(line).with_context(|| format!("not JSON: {line}"))?;
    let number = |key: &str| {
        json.get(key)
            .and_then(serde_json::Value::as_f64)
            .ok_or_else(|| anyhow!("no {key} in {line}"))
    };
    Ok(NumpyResult {
        train_acc: number("final_train_acc")?,
        test_acc: number("final_test_acc")?,
        seconds: number("seconds")?,
    })
}

// ------------------------------------------------------------------------------------------
// Micro benchmarks

struct Micro {
    threads: usize,
    step: Timing,
    step_flops: f64,
    eval: Timing,
    eval_flops: f64,
}

/// Median and best of several blocks of repetitions, per repetition.
struct Timing {
    median: Duration,
    best: Duration,
    reps: usize,
    blocks: usize,
}

impl Timing {
    fn gflops(&self, flops: f64) -> f64 {
        flops / self.median.as_secs_f64() / 1e9
    }
}

/// `warmup` untimed calls, then `blocks` blocks of `reps` calls; the median block gives the time
/// per call.
fn time_blocks(warmup: usize, blocks: usize, reps: usize, mut f: impl FnMut()) -> Timing {
    for _ in 0..warmup {
        f();
    }
    let mut per_rep: Vec<Duration> = (0..blocks)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..reps {
                f();
            }
            started.elapsed() / u32::try_from(reps).unwrap_or(u32::MAX)
        })
        .collect();
    per_rep.sort();
    Timing {
        median: median_duration(&per_rep),
        best: per_rep.first().copied().unwrap_or_default(),
        reps,
        blocks,
    }
}

/// Σ n_in·n_out over the seed network's Affine layers.
fn weights_per_sample() -> usize {
    let mut sizes = vec![INPUT];
    sizes.extend(HIDDEN);
    sizes.push(CLASSES);
    sizes.windows(2).map(|pair| pair[0] * pair[1]).sum()
}

/// Dense FLOPs of one training step at batch `b`: forward 2·b·Σ, backward twice that (dW and dx
/// of every Affine, the first layer's dx included).
fn step_flops(b: usize) -> f64 {
    3.0 * 2.0 * (b * weights_per_sample()) as f64
}

/// The first layer's dx (2·b·784·100), counted by [`step_flops`] as the brief's formula does
/// but skipped by scratchnet since commit 92787f7 (the input is data, its gradient is unused).
fn first_layer_dx_flops(b: usize) -> f64 {
    2.0 * (b * INPUT * HIDDEN[0]) as f64
}

/// Dense FLOPs of an inference forward pass over `n` samples.
fn eval_flops(n: usize) -> f64 {
    2.0 * (n * weights_per_sample()) as f64
}

fn seed_config() -> NetworkConfig {
    RunConfig {
        dropout: 0.2,
        ..RunConfig::default()
    }
    .mnist_network()
}

fn micro_benchmarks(dir: &Path, quick: bool) -> Result<Micro> {
    let mnist = Mnist::load(dir, DatasetKind::Mnist)
        .with_context(|| format!("loading MNIST from {}", dir.display()))?;
    let x_train: Matrix<f32> = mnist.train.images::<f32>(TRAIN_SIZE);
    let t_train = mnist.train.labels(TRAIN_SIZE);
    let x_test: Matrix<f32> = mnist.test.images::<f32>(mnist.test.len());
    let t_test = mnist.test.labels(mnist.test.len());
    drop(mnist);

    // One batch of the seed experiment's kind: 100 rows drawn with replacement from the 300.
    let mut rng = random::seeded(0);
    let mut picks = Vec::new();
    random::choice_with_replacement(TRAIN_SIZE, BATCH, &mut rng, &mut picks);
    let batch_x = Matrix::from_fn(BATCH, INPUT, |i, j| x_train[(picks[i], j)]);
    let batch_t: Vec<usize> = picks.iter().map(|&i| t_train[i]).collect();

    let mut network = MultiLayerNetExtend::<f32>::new(seed_config(), &mut rng)?;
    let mut optimizer = by_name::<f32>("sgd", Some(0.01))?;
    let (warmup, blocks, reps) = if quick { (10, 3, 50) } else { (50, 9, 200) };
    let step = time_blocks(warmup, blocks, reps, || {
        std::hint::black_box(network.gradient(&batch_x, &batch_t));
        optimizer.update(&mut network.params_mut());
    });
    let (warmup, blocks, reps) = if quick { (1, 3, 3) } else { (3, 7, 10) };
    let eval = time_blocks(warmup, blocks, reps, || {
        std::hint::black_box(network.accuracy(&x_test, &t_test));
    });
    Ok(Micro {
        threads: rayon::current_num_threads(),
        step,
        step_flops: step_flops(BATCH),
        eval,
        eval_flops: eval_flops(x_test.nrows()),
    })
}

/// The peak GFLOP/s for `threads` threads on this machine's kind (beyond two cores: 240 per
/// core, an extrapolation).
fn peak_gflops(threads: usize) -> f64 {
    match threads {
        0 | 1 => PEAK_GFLOPS_ONE_CORE,
        2 => PEAK_GFLOPS_TWO_CORES,
        n => PEAK_GFLOPS_TWO_CORES / 2.0 * n as f64,
    }
}

// ------------------------------------------------------------------------------------------
// Scaling

fn run_scaling(args: &BenchArgs, dir: &Path, machine: &Machine, commit: &str) -> Result<()> {
    let runs = args.runs.unwrap_or(1);
    let exe = std::env::current_exe().context("locating the xtask executable")?;
    let load_before = load_average();
    eprintln!("machine: {}", machine.describe());
    eprintln!("load average before: {load_before}");
    let base = || {
        ChildCommand::xtask(&exe)
            .args([
                "train",
                "--dropout",
                "0.2",
                "--quiet",
                "--out",
                SCALING_OUT,
                "--data-dir",
            ])
            .arg(shown_path(dir))
    };
    let configs: Vec<(&str, ChildCommand)> = vec![
        ("train-size 300 (seed)", base()),
        ("train-size 6000", base().args(["--train-size", "6000"])),
        (
            "train-size 60000, 1 epoch",
            base().args(["--train-size", "60000", "--epochs", "1"]),
        ),
        ("eval-samples 1000", base().args(["--eval-samples", "1000"])),
        ("eval-samples 100", base().args(["--eval-samples", "100"])),
        ("1 thread", base().env("RAYON_NUM_THREADS", "1")),
        ("2 threads", base().env("RAYON_NUM_THREADS", "2")),
    ];
    let json_path = results_dir().join(format!("{SCALING_OUT}.json"));
    let mut table = Table::new([
        "configuration",
        "threads",
        "wall median (s)",
        "walls (s)",
        "in-process (s)",
        "CPU (s)",
        "peak RSS (MB)",
        "final test acc",
    ]);
    let mut commands = String::new();
    for (label, cmd) in &configs {
        let mut walls = Vec::new();
        let mut last = None;
        let mut rss = 0;
        for index in 0..runs {
            eprintln!("{label}, run {}/{runs}: {}", index + 1, cmd.display());
            remove_if_present(&json_path)?;
            let measured = cmd.run()?;
            let summary = TrainSummary::read(&json_path)?;
            eprintln!(
                "  {:.2} s wall, {:.1} MB peak RSS",
                measured.wall.as_secs_f64(),
                mb(measured.max_rss_kib)
            );
            walls.push(measured.wall);
            rss = rss.max(measured.max_rss_kib);
            last = Some((measured, summary));
        }
        let Some((measured, summary)) = last else {
            continue;
        };
        walls.sort();
        table.row([
            label.to_string(),
            summary
                .threads
                .map_or_else(|| "?".into(), |threads| threads.to_string()),
            format!("{:.2}", median_duration(&walls).as_secs_f64()),
            walls
                .iter()
                .map(|wall| format!("{:.2}", wall.as_secs_f64()))
                .collect::<Vec<_>>()
                .join(" "),
            format!("{:.2}", summary.seconds),
            format!("{:.2}", measured.cpu.as_secs_f64()),
            format!("{:.1}", mb(rss)),
            format!("{:.4}", summary.full_test_acc.unwrap_or(summary.test_acc)),
        ]);
        let _ = writeln!(commands, "    {label}: {}", cmd.display());
    }
    let load_after = load_average();
    let mut report = String::new();
    let _ = writeln!(
        report,
        "{} — {} — {runs} run(s) per configuration",
        this_command(),
        utc_now()
    );
    let _ = writeln!(report, "machine: {}", machine.describe());
    let _ = writeln!(
        report,
        "load average before: {load_before}; after: {load_after}{}",
        busy_note(&load_before, machine.cpus)
    );
    let _ = writeln!(report, "commit at start: {commit}");
    report.push('\n');
    report.push_str(&table.render());
    let _ = writeln!(
        report,
        "\nwall = whole child process (start-up, data loading, training, evaluations, writing \
         results); in-process = the training loop as timed by `train` itself; final test acc = \
         the final full test pass. Every run: dropout 0.2, seed 0, batch 100, 301 epochs unless \
         stated.\ncommands (run from the workspace root{}):\n{commands}",
        executable_note()
    );
    print!("{report}");
    let path = results_dir().join("bench-scaling.txt");
    write_atomically(&path, report.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    eprintln!("written to {}", path.display());
    Ok(())
}

// ------------------------------------------------------------------------------------------
// Report

struct Report<'a> {
    machine: &'a Machine,
    load_before: String,
    load_after: String,
    parent_hwm_kib: Option<u64>,
    seed_cmd: &'a ChildCommand,
    scratch_runs: &'a [(Measured, TrainSummary)],
    numpy: &'a NumpyOutcome,
    micro: &'a Micro,
    commit: &'a str,
}

fn render_report(report: &Report<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", this_command(), utc_now());
    let _ = writeln!(out, "machine: {}", report.machine.describe());
    let _ = writeln!(
        out,
        "threads: rayon {} (RAYON_NUM_THREADS={}), OPENBLAS_NUM_THREADS={}",
        report.micro.threads,
        env_or_unset("RAYON_NUM_THREADS"),
        env_or_unset("OPENBLAS_NUM_THREADS")
    );
    let _ = writeln!(
        out,
        "load average before: {}; after: {}{}",
        report.load_before,
        report.load_after,
        busy_note(&report.load_before, report.machine.cpus)
    );
    let _ = writeln!(out, "commit at start: {}", report.commit);
    out.push('\n');

    let mut table = Table::new(["measure", "value", "detail", "target", "ok"]);
    let scratch_walls: Vec<Duration> = sorted(report.scratch_runs.iter().map(|(m, _)| m.wall));
    let scratch_median = median_duration(&scratch_walls);
    let scratch_rss = report
        .scratch_runs
        .iter()
        .map(|(m, _)| m.max_rss_kib)
        .max()
        .unwrap_or(0);
    table.row([
        "seed experiment, scratchnet: median wall".into(),
        format!("{:.2} s", scratch_median.as_secs_f64()),
        format!(
            "runs {}; in-process {}; CPU {}",
            list_seconds(&scratch_walls),
            list_f64(report.scratch_runs.iter().map(|(_, s)| s.seconds)),
            list_seconds(&sorted(report.scratch_runs.iter().map(|(m, _)| m.cpu)))
        ),
        String::new(),
        String::new(),
    ]);
    let numpy_median = match report.numpy {
        NumpyOutcome::Ran { runs, .. } => {
            let walls = sorted(runs.iter().map(|(m, _)| m.wall));
            let median = median_duration(&walls);
            table.row([
                "seed experiment, NumPy: median wall".into(),
                format!("{:.2} s", median.as_secs_f64()),
                format!(
                    "runs {}; in-script {}; CPU {}",
                    list_seconds(&walls),
                    list_f64(runs.iter().map(|(_, r)| r.seconds)),
                    list_seconds(&sorted(runs.iter().map(|(m, _)| m.cpu)))
                ),
                String::new(),
                String::new(),
            ]);
            Some(median)
        }
        NumpyOutcome::Skipped(reason) => {
            table.row([
                "seed experiment, NumPy".into(),
                "skipped".into(),
                reason.clone(),
                String::new(),
                String::new(),
            ]);
            None
        }
    };
    if let Some(numpy_median) = numpy_median {
        let ratio = numpy_median.as_secs_f64() / scratch_median.as_secs_f64().max(1e-9);
        table.row([
            "speed-up (NumPy / scratchnet median wall)".into(),
            format!("{ratio:.1}×"),
            String::new(),
            format!("≥ {TARGET_SPEEDUP}×"),
            verdict(ratio >= TARGET_SPEEDUP),
        ]);
    }
    table.row([
        "peak RSS, scratchnet (max over runs)".into(),
        format!("{:.1} MB", mb(scratch_rss)),
        format!("{scratch_rss} KiB ru_maxrss"),
        format!("≤ {TARGET_RSS_MB} MB"),
        verdict(mb(scratch_rss) <= TARGET_RSS_MB),
    ]);
    if let NumpyOutcome::Ran { runs, .. } = report.numpy {
        let rss = runs.iter().map(|(m, _)| m.max_rss_kib).max().unwrap_or(0);
        table.row([
            "peak RSS, NumPy (max over runs)".into(),
            format!("{:.1} MB", mb(rss)),
            format!("{rss} KiB ru_maxrss"),
            String::new(),
            String::new(),
        ]);
    }
    if let Some((_, summary)) = report.scratch_runs.last() {
        table.row([
            "final accuracy, scratchnet (last run)".into(),
            format!("{:.4} / {:.4}", summary.train_acc, summary.test_acc),
            format!(
                "train / test at the last epoch; final full test pass {}",
                summary
                    .full_test_acc
                    .map_or_else(|| "n/a".into(), |acc| format!("{acc:.4}"))
            ),
            String::new(),
            String::new(),
        ]);
    }
    if let NumpyOutcome::Ran { runs, .. } = report.numpy {
        let last = runs.last();
        if let Some((_, result)) = last {
            table.row([
                "final accuracy, NumPy (last run)".into(),
                format!("{:.4} / {:.4}", result.train_acc, result.test_acc),
                "train at the last epoch / final full test pass (float64, NumPy's RNG)".into(),
                String::new(),
                String::new(),
            ]);
        }
    }
    let micro = report.micro;
    let peak = peak_gflops(micro.threads);
    let step_gflops = micro.step.gflops(micro.step_flops);
    table.row([
        format!("training step, B = {BATCH} (gradient + SGD)"),
        format!("{:.3} ms", ms(micro.step.median)),
        format!(
            "{step_gflops:.0} GFLOP/s = {:.0}% of 1-core peak, {:.0}% of {}-thread peak ({:.0} without the first layer's dx, which is not computed); best {:.3} ms; {} × {} reps",
            100.0 * step_gflops / PEAK_GFLOPS_ONE_CORE,
            100.0 * step_gflops / peak,
            micro.threads,
            micro
                .step
                .gflops(micro.step_flops - first_layer_dx_flops(BATCH)),
            ms(micro.step.best),
            micro.step.blocks,
            micro.step.reps
        ),
        format!("≥ {TARGET_STEP_GFLOPS} GFLOP/s"),
        verdict(step_gflops >= TARGET_STEP_GFLOPS),
    ]);
    let eval_gflops = micro.eval.gflops(micro.eval_flops);
    table.row([
        "full test evaluation, N = 10,000 (accuracy)".into(),
        format!("{:.2} ms", ms(micro.eval.median)),
        format!(
            "{eval_gflops:.0} GFLOP/s = {:.0}% of {}-thread peak ({peak:.0}); best {:.2} ms; {} × {} reps",
            100.0 * eval_gflops / peak,
            micro.threads,
            ms(micro.eval.best),
            micro.eval.blocks,
            micro.eval.reps
        ),
        format!("≥ {TARGET_EVAL_GFLOPS} GFLOP/s"),
        verdict(eval_gflops >= TARGET_EVAL_GFLOPS),
    ]);
    out.push_str(&table.render());

    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "FLOPs: Σ n_in·n_out = {} (784→[100]×6→10); step = 3 × 2·B·Σ = {:.2} MFLOP; evaluation = \
         2·N·Σ = {:.3} GFLOP (dense-equivalent: the first layer's input is ≈81% zeros and scratchnet \
         multiplies it sparsely). Peak: {PEAK_GFLOPS_ONE_CORE} GFLOP/s per core, \
         {PEAK_GFLOPS_TWO_CORES} for two (AVX-512 FMA, this machine's kind). MB = 10^6 bytes.",
        weights_per_sample(),
        micro.step_flops / 1e6,
        micro.eval_flops / 1e9
    );
    let _ = writeln!(
        out,
        "Wall = spawn to exit of the whole process (start-up, loading, training, every evaluation); \
         peak RSS = the child's ru_maxrss from wait4."
    );
    if let Some(hwm) = report.parent_hwm_kib {
        let _ = writeln!(
            out,
            "(This process's own peak RSS when spawning the children was {:.1} MB: Linux carries \
             a parent's RSS into its child's ru_maxrss through fork/vfork + exec, so no child can \
             read below it; the micro benchmarks run after the children for that reason.)",
            mb(hwm)
        );
    }
    let _ = writeln!(
        out,
        "\ncommands (run from the workspace root{}):",
        executable_note()
    );
    let _ = writeln!(out, "    scratchnet: {}", report.seed_cmd.display());
    match report.numpy {
        NumpyOutcome::Ran { version, cmd, .. } => {
            let _ = writeln!(out, "    NumPy:      {}", cmd.display());
            let _ = writeln!(out, "    ({version})");
        }
        NumpyOutcome::Skipped(_) => {
            let _ = writeln!(out, "    NumPy:      skipped");
        }
    }
    let _ = writeln!(out, "    this table: {}", this_command());
    out
}

/// This invocation as `cargo xtask bench …`, with RAYON_NUM_THREADS when set.
fn this_command() -> String {
    let mut words: Vec<String> = Vec::new();
    if let Ok(threads) = std::env::var("RAYON_NUM_THREADS") {
        words.push(format!("RAYON_NUM_THREADS={}", shell_quote(&threads)));
    }
    words.push("cargo xtask".into());
    words.extend(std::env::args().skip(1).map(|arg| shell_quote(&arg)));
    words.join(" ")
}

fn verdict(ok: bool) -> String {
    if ok { "yes" } else { "NO" }.into()
}

fn env_or_unset(key: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| "unset".into())
}

fn busy_note(load: &str, cpus: usize) -> String {
    let one_minute: f64 = load
        .split_whitespace()
        .next()
        .and_then(|value| value.parse().ok())
        .unwrap_or(0.0);
    if one_minute > 0.5 {
        format!(
            "  — WARNING: the machine was busy (1-min load {one_minute:.2} on {cpus} CPUs); \
             timings are noisy"
        )
    } else {
        String::new()
    }
}

fn commit_description() -> String {
    let commit = crate::git_commit().unwrap_or_else(|| "unknown".into());
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .current_dir(workspace_root())
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| !output.stdout.is_empty());
    match dirty {
        Some(true) => format!("{commit} + uncommitted changes"),
        _ => commit,
    }
}

fn mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn sorted(durations: impl Iterator<Item = Duration>) -> Vec<Duration> {
    let mut all: Vec<Duration> = durations.collect();
    all.sort();
    all
}

/// The median of sorted durations (mean of the middle two for an even count).
fn median_duration(sorted: &[Duration]) -> Duration {
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

fn list_seconds(durations: &[Duration]) -> String {
    list_f64(durations.iter().map(Duration::as_secs_f64))
}

fn list_f64(values: impl Iterator<Item = f64>) -> String {
    let parts: Vec<String> = values.map(|value| format!("{value:.2}")).collect();
    format!("{} s", parts.join(" "))
}

/// A plain-text table with aligned columns that is also a Markdown table.
struct Table<const N: usize> {
    header: [String; N],
    rows: Vec<[String; N]>,
}

impl<const N: usize> Table<N> {
    fn new(header: [&str; N]) -> Self {
        Self {
            header: header.map(str::to_string),
            rows: Vec::new(),
        }
    }

    fn row(&mut self, cells: [String; N]) {
        self.rows.push(cells);
    }

    fn render(&self) -> String {
        let mut widths = [0; N];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |cells: &[String; N]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            format!("| {} |\n", padded.join(" | "))
        };
        let mut out = line(&self.header);
        let rule: Vec<String> = widths.iter().map(|&width| "-".repeat(width)).collect();
        let _ = writeln!(out, "|-{}-|", rule.join("-|-"));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }
}

// ------------------------------------------------------------------------------------------
// Machine facts

struct Machine {
    cpu_model: String,
    cpus: usize,
    avx512: bool,
}

impl Machine {
    fn probe() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let field = |name: &str| {
            cpuinfo.lines().find_map(|line| {
                let (key, value) = line.split_once(':')?;
                (key.trim() == name).then(|| value.trim().to_string())
            })
        };
        Self {
            cpu_model: field("model name").unwrap_or_else(|| "unknown CPU".into()),
            cpus: std::thread::available_parallelism().map_or(1, usize::from),
            avx512: field("flags").is_some_and(|flags| flags.split(' ').any(|f| f == "avx512f")),
        }
    }

    fn describe(&self) -> String {
        format!(
            "{}, {} logical CPUs available, AVX-512 {}",
            self.cpu_model,
            self.cpus,
            if self.avx512 { "yes" } else { "no" }
        )
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The current UTC time as `YYYY-MM-DD HH:MM UTC` (days-to-civil after H. Hinnant).
fn utc_now() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let of_day = seconds % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        of_day / 3_600,
        of_day % 3_600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flops_match_the_issue() {
        assert_eq!(weights_per_sample(), 129_400);
        // 903 steps + 301 × (300 + 10,000) evaluated samples + the final test pass ≈ 0.87 TFLOP.
        let total = 903.0 * step_flops(100) + 301.0 * eval_flops(10_300) + eval_flops(10_000);
        assert!((total / 1e12 - 0.87).abs() < 0.01, "{total}");
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        let d = Duration::from_secs;
        assert_eq!(median_duration(&[d(1), d(2), d(9)]), d(2));
        assert_eq!(median_duration(&[d(1), d(3)]), d(2));
        assert_eq!(median_duration(&[]), Duration::ZERO);
    }

    #[test]
    fn quoting_and_numpy_output() {
        assert_eq!(shell_quote("--data-dir"), "--data-dir");
        assert_eq!(shell_quote("a b"), "'a b'");
        let result = parse_numpy(
            "noise\n{\"final_train_acc\": 0.6, \"final_test_acc\": 0.48, \"seconds\": 21.3}\n",
        )
        .expect("valid output");
        assert_eq!(result.test_acc, 0.48);
        assert!(parse_numpy("").is_err());
    }

    #[test]
    fn dates() {
        assert!(utc_now().ends_with(" UTC"));
    }
}
