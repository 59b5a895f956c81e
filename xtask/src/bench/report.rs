//! The reports' text: a header saying what ran where and when, the workload table, the micro
//! benchmarks, the targets and every command line, as plain text that is also Markdown.

use super::child::shell_quote;
use super::clock::utc_now;
use super::flops::TrainingWork;
use super::lab::LabComparison;
use super::machine::{Machine, busy_note, load_average};
use super::micro::Micro;
use super::numpy::NumpyOutcome;
use super::record::{Series, mb};
use super::table::{Table, group_thousands};
use super::workloads::{WorkloadKey, WorkloadResult};
use crate::{results_dir, workspace_root};
use anyhow::{Context, Result};
use scratchnet_experiments::{ExperimentName, write_atomically};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The targets of the performance issues (the sparse-training issue's table: ratios to the
/// book's NumPy code in the same invocation, memory, the first round's six figure experiments),
/// and the earlier absolute ones. Absolute times are for this project's machine kind.
const TARGET_SEED_SPEEDUP: f64 = 14.5;
const TARGET_SEED_RSS_MB: f64 = 45.0;
const TARGET_CH5_SPEEDUP: f64 = 10.0;
const TARGET_CH5_SECONDS: f64 = 2.5;
const TARGET_CH5_TEST_ACC: f64 = 0.96;
const TARGET_FULL3_SPEEDUP: f64 = 12.0;
const TARGET_FULL3_SECONDS: f64 = 1.3;
const TARGET_FULL_RSS_MB: f64 = 110.0;
const TARGET_EXPERIMENTS_SECONDS: f64 = 20.0;
/// The six figure experiments of the first round together.
const TARGET_SIX_EXPERIMENTS_SECONDS: f64 = 12.0;
/// Which experiments those six are.
const SIX_EXPERIMENTS: [ExperimentName; 6] = [
    ExperimentName::Optimizers,
    ExperimentName::WeightInit,
    ExperimentName::Batchnorm,
    ExperimentName::WeightDecay,
    ExperimentName::Dropout,
    ExperimentName::Hyperparams,
];
const TARGET_STEP_GFLOPS: f64 = 150.0;
const TARGET_EVAL_GFLOPS: f64 = 300.0;
/// Issue 19: the seed script on the Python package against the book's NumPy code.
const TARGET_PY_SEED_SPEEDUP: f64 = 10.0;
/// Issue 19: the chapter-5 run through the package's `Trainer` against `train_neuralnet.py`.
const TARGET_PY_CH5_SPEEDUP: f64 = 4.0;
/// Issue 19: the package's `train()` at most this many times the CLI's training time.
const TARGET_PY_TRAIN_RATIO: f64 = 1.10;

/// What every report starts with: the command, the date, the machine, its load, the threads
/// and the commit.
pub struct Header {
    pub machine: Machine,
    pub commit: String,
    pub load_before: String,
    pub load_after: String,
    /// How many threads ran, in a line.
    pub threads: String,
}

impl Header {
    /// The machine, the commit and the load now (read early: others may commit meanwhile).
    pub fn start() -> Self {
        let header = Self {
            machine: Machine::probe(),
            commit: commit_description(),
            load_before: load_average(),
            load_after: String::new(),
            threads: String::new(),
        };
        eprintln!("machine: {}", header.machine.describe());
        eprintln!("load average before: {}", header.load_before);
        header
    }

    /// Records the load at the end.
    pub fn finish(&mut self) {
        self.load_after = load_average();
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{} — {}", this_command(), utc_now());
        let _ = writeln!(out, "machine: {}", self.machine.describe());
        let _ = writeln!(out, "threads: {}", self.threads);
        let _ = writeln!(
            out,
            "load average before: {}; after: {}{}",
            self.load_before,
            self.load_after,
            busy_note(&self.load_before, self.machine.cpus)
        );
        let _ = writeln!(out, "commit at start: {}", self.commit);
        out
    }
}

/// Prints `text` and writes it to `results/NAME`.
pub fn publish(name: &str, text: &str) -> Result<()> {
    print!("{text}");
    let path = results_dir().join(name);
    write_atomically(&path, text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    eprintln!("written to {}", path.display());
    Ok(())
}

/// This invocation as `cargo xtask bench …`, with RAYON_NUM_THREADS when set.
pub fn this_command() -> String {
    let mut words: Vec<String> = Vec::new();
    if let Ok(threads) = std::env::var("RAYON_NUM_THREADS") {
        words.push(format!("RAYON_NUM_THREADS={}", shell_quote(&threads)));
    }
    words.push("cargo xtask".into());
    words.extend(std::env::args().skip(1).map(|arg| shell_quote(&arg)));
    words.join(" ")
}

/// The value of environment variable `key`, or `unset`.
pub fn env_or_unset(key: &str) -> String {
    std::env::var(key).unwrap_or_else(|_| "unset".into())
}

/// `; cargo xtask = /path/to/xtask`, for the command lines.
fn executable_note(exe: &Path) -> String {
    format!("; `cargo xtask` = {}", exe.display())
}

/// The checked-out commit, and whether tracked files differ from it.
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

/// Everything `cargo xtask bench` measured.
pub struct WorkloadReport<'a> {
    pub header: &'a Header,
    /// The executable the children ran as `cargo xtask`.
    pub exe: &'a Path,
    pub results: &'a [WorkloadResult],
    pub micro: Option<&'a Micro>,
    /// The seed run from the lab against the command line.
    pub lab: Option<&'a LabComparison>,
    /// This process's peak RSS when it spawned the children.
    pub parent_peak_kib: Option<u64>,
    /// numpy's version and BLAS, when NumPy ran.
    pub numpy_version: Option<&'a str>,
    /// The line saying which workloads the default selection left out, if any.
    pub skipped: Option<&'a str>,
}

/// The whole report of `cargo xtask bench`.
pub fn render_workloads(report: &WorkloadReport<'_>) -> String {
    let mut sections = vec![report.header.render()];
    if !report.results.is_empty() {
        sections.push(workload_table(report.results).render());
        sections.push(workload_notes(report.results, report.parent_peak_kib));
    }
    if let Some(line) = report.skipped {
        sections.push(format!("{line}\n"));
    }
    if let Some(micro) = report.micro {
        sections.push(micro_table(micro).render());
        sections.push(micro_note(micro));
    }
    if let Some(lab) = report.lab {
        sections.push(lab.render());
    }
    let targets = targets_table(report.results, report.micro);
    if !targets.is_empty() {
        sections.push(targets.render());
    }
    sections.push(commands(report));
    sections.join("\n")
}

type WorkloadRow = [String; 11];

fn workload_table(results: &[WorkloadResult]) -> Table<11> {
    let mut table = Table::new([
        "workload",
        "code",
        "runs",
        "median wall",
        "walls (s)",
        "CPU (median)",
        "peak RSS",
        "GFLOP",
        "GFLOP/s",
        "NumPy ÷ scratchnet",
        "final train / test acc",
    ]);
    for result in results {
        table.row(scratchnet_row(result, results));
        if let Some(row) = numpy_row(result) {
            table.row(row);
        }
    }
    if let Some(row) = all_experiments_row(results) {
        table.row(row);
    }
    table
}

/// The NumPy runs `result` is compared with: its own twin's, or those of the earlier workload
/// that measured the same twin.
fn twin_series<'a>(
    result: &'a WorkloadResult,
    results: &'a [WorkloadResult],
) -> Option<&'a Series> {
    match &result.numpy {
        NumpyOutcome::Ran { series, .. } => Some(series),
        NumpyOutcome::SameAs(key) => results
            .iter()
            .find(|other| other.workload.key == *key)
            .and_then(|other| twin_series(other, &[])),
        NumpyOutcome::NoTwin | NumpyOutcome::Skipped(_) => None,
    }
}

/// How the workload runs: the CLI, or the Python package.
fn code_of(key: WorkloadKey) -> &'static str {
    if key.is_python() {
        "scratchnet (Python)"
    } else {
        "scratchnet"
    }
}

fn scratchnet_row(result: &WorkloadResult, results: &[WorkloadResult]) -> WorkloadRow {
    let workload = &result.workload;
    let ratio = twin_series(result, results).map_or_else(String::new, |numpy| {
        format!("{:.1}×", speedup(numpy, &result.scratchnet))
    });
    series_row(
        format!("{}: {}", workload.key.name(), workload.title),
        code_of(workload.key),
        &result.scratchnet,
        workload.work.as_ref(),
        ratio,
    )
}

fn numpy_row(result: &WorkloadResult) -> Option<WorkloadRow> {
    let label = format!("{}: (NumPy twin)", result.workload.key.name());
    match &result.numpy {
        NumpyOutcome::NoTwin | NumpyOutcome::SameAs(_) => None,
        NumpyOutcome::Ran { series, work } => Some(series_row(
            label,
            "NumPy",
            series,
            Some(work),
            String::new(),
        )),
        NumpyOutcome::Skipped(reason) => {
            let mut row = WorkloadRow::default();
            row[0] = label;
            row[1] = "NumPy".into();
            row[2] = "skipped".into();
            row[3] = short_reason(reason);
            Some(row)
        }
    }
}

/// A skip reason short enough for a cell (the full one went to stderr).
fn short_reason(reason: &str) -> String {
    reason.split(" (").next().unwrap_or(reason).to_string()
}

fn series_row(
    label: String,
    code: &str,
    series: &Series,
    work: Option<&TrainingWork>,
    ratio: String,
) -> WorkloadRow {
    let median = series.median_wall();
    let flops = work.map(TrainingWork::flops);
    [
        label,
        code.into(),
        series.runs.len().to_string(),
        seconds(median),
        list_seconds(&series.walls()),
        seconds(series.median_cpu()),
        format!("{:.1} MB", mb(series.peak_rss_kib())),
        flops.map_or_else(String::new, |flops| format!("{:.1}", flops as f64 / 1e9)),
        flops.map_or_else(String::new, |flops| {
            format!("{:.0}", flops as f64 / median.as_secs_f64().max(1e-9) / 1e9)
        }),
        ratio,
        series.last_reported().map_or_else(String::new, |reported| {
            format!("{:.4} / {:.4}", reported.train_acc, reported.test_acc)
        }),
    ]
}

/// Every experiment's series, when all of them ran.
fn all_experiments(results: &[WorkloadResult]) -> Option<Vec<&Series>> {
    let experiments: Vec<&Series> = results
        .iter()
        .filter(|result| matches!(result.workload.key, WorkloadKey::Experiment(_)))
        .map(|result| &result.scratchnet)
        .collect();
    (experiments.len() == scratchnet_experiments::ExperimentName::ALL.len()).then_some(experiments)
}

/// Every experiment's median wall, summed.
fn all_experiments_wall(results: &[WorkloadResult]) -> Option<Duration> {
    all_experiments(results).map(|series| series.iter().map(|one| one.median_wall()).sum())
}

/// The median walls of the first round's six figure experiments, summed, if all six ran.
fn six_experiments_wall(results: &[WorkloadResult]) -> Option<Duration> {
    SIX_EXPERIMENTS
        .iter()
        .map(|&name| {
            results
                .iter()
                .find(|result| result.workload.key == WorkloadKey::Experiment(name))
                .map(|result| result.scratchnet.median_wall())
        })
        .sum()
}

/// Every experiment together: their median walls and CPU times summed, the highest RSS.
fn all_experiments_row(results: &[WorkloadResult]) -> Option<WorkloadRow> {
    let experiments = all_experiments(results)?;
    let wall: Duration = experiments.iter().map(|series| series.median_wall()).sum();
    let cpu: Duration = experiments.iter().map(|series| series.median_cpu()).sum();
    let rss = experiments.iter().map(|series| series.peak_rss_kib()).max();
    let mut row = WorkloadRow::default();
    row[0] = "all experiments (sum of medians)".into();
    row[1] = "scratchnet".into();
    row[3] = seconds(wall);
    row[5] = seconds(cpu);
    row[6] = format!("{:.1} MB", mb(rss.unwrap_or(0)));
    Some(row)
}

/// NumPy's median wall over scratchnet's.
fn speedup(numpy: &Series, scratchnet: &Series) -> f64 {
    numpy.median_wall().as_secs_f64() / scratchnet.median_wall().as_secs_f64().max(1e-9)
}

fn workload_notes(results: &[WorkloadResult], parent_peak_kib: Option<u64>) -> String {
    let mut out = String::from(
        "Wall = spawn to exit of the whole process (start-up, loading, training, every \
         evaluation); peak RSS = the child's ru_maxrss from wait4 (max over runs); MB = 10^6 \
         bytes. GFLOP = the dense-equivalent matrix-product FLOPs of the configuration: per step \
         3 · 2·B·Σ n_in·n_out (forward, dW, dx; scratchnet skips the first layer's dx, so it does \
         slightly less), per evaluated sample 2·Σ n_in·n_out (the first layer's input is ≈81% \
         zeros and scratchnet multiplies it sparsely, still counted dense); evaluated samples = \
         per epoch the training set (or --eval-samples) plus the test set, plus the final test \
         pass. GFLOP/s = GFLOP / median wall. The book's NumPy loops also run one more forward \
         pass per step to record the loss (not counted). Final test acc = the final full test \
         pass.\n",
    );
    if results
        .iter()
        .any(|result| result.workload.key == WorkloadKey::Ch5)
    {
        out.push_str(
            "ch5: scratchnet runs 17 epochs × 600 = 10,200 steps and a final test pass; the \
             book's loop runs 10,000 iterations and reports its 17th evaluation (after \
             iteration 9,601) as final.\n",
        );
    }
    if let Some(kib) = parent_peak_kib {
        let _ = writeln!(
            out,
            "This process's peak RSS when spawning the children was {:.1} MB: Linux carries a \
             parent's peak RSS into its child's ru_maxrss through vfork + exec, so no child can \
             read below it; the micro benchmarks run after the children for that reason.",
            mb(kib)
        );
    }
    out
}

fn micro_table(micro: &Micro) -> Table<6> {
    let mut table = Table::new([
        "in process",
        "median",
        "best",
        "GFLOP/s",
        "of peak",
        "blocks × reps",
    ]);
    let peak = micro.peak.all_threads;
    let step_gflops = micro.step_gflops();
    table.row([
        format!("training step, B = {} (gradient + SGD)", micro.work.batch),
        format!("{:.3} ms", micro.step.median_ms()),
        format!("{:.3} ms", micro.step.best.as_secs_f64() * 1e3),
        format!(
            "{step_gflops:.0} ({:.0} without the first layer's dx)",
            micro.step_gflops_done()
        ),
        format!(
            "{:.0}% of 1 core",
            100.0 * step_gflops / micro.peak.one_core
        ),
        repetitions(&micro.step),
    ]);
    let eval_gflops = micro.eval_gflops();
    table.row([
        format!(
            "test evaluation, N = {} (sparse rows, accuracy)",
            group_thousands(micro.test_images)
        ),
        format!("{:.2} ms", micro.eval.median_ms()),
        format!("{:.2} ms", micro.eval.best.as_secs_f64() * 1e3),
        format!("{eval_gflops:.0}"),
        format!(
            "{:.0}% of {} threads",
            100.0 * eval_gflops / peak,
            micro.threads
        ),
        repetitions(&micro.eval),
    ]);
    table
}

fn repetitions(timing: &super::timing::Timing) -> String {
    format!(
        "{} × {}",
        timing.repetitions.blocks, timing.repetitions.reps
    )
}

fn micro_note(micro: &Micro) -> String {
    format!(
        "Seed network 784-[100]×6-10, dropout 0.2: a step is {:.2} MFLOP (3 · 2·B·Σ, Σ = {}), an \
         evaluation {:.3} GFLOP (2·N·Σ, dense-equivalent). A step runs on one thread, an \
         evaluation on {} (rayon). Peak, measured at start-up by a register-only loop of \
         {}-lane f32 FMAs: {:.0} GFLOP/s on one core, {:.0} on {} threads at once.\n",
        micro.work.step_flops() as f64 / 1e6,
        micro.work.sample_flops() / 2,
        (micro.work.sample_flops() * micro.test_images as u64) as f64 / 1e9,
        micro.threads,
        micro.peak.lanes,
        micro.peak.one_core,
        micro.peak.all_threads,
        micro.peak.threads,
    )
}

/// The issues' targets that this invocation measured.
fn targets_table(results: &[WorkloadResult], micro: Option<&Micro>) -> Table<4> {
    let mut table = Table::new(["target", "measured", "goal", "met"]);
    let find = |key: WorkloadKey| results.iter().find(|result| result.workload.key == key);
    if let Some(seed) = find(WorkloadKey::Seed) {
        speedup_row(&mut table, seed, TARGET_SEED_SPEEDUP);
        rss_row(&mut table, seed, TARGET_SEED_RSS_MB);
    }
    if let Some(ch5) = find(WorkloadKey::Ch5) {
        speedup_row(&mut table, ch5, TARGET_CH5_SPEEDUP);
        wall_row(
            &mut table,
            "ch5",
            ch5.scratchnet.median_wall(),
            TARGET_CH5_SECONDS,
        );
        if let Some(reported) = ch5.scratchnet.last_reported() {
            table.row(target_row(
                "ch5: final test accuracy",
                format!("{:.4}", reported.test_acc),
                format!("≥ {TARGET_CH5_TEST_ACC}"),
                reported.test_acc >= TARGET_CH5_TEST_ACC,
            ));
        }
        rss_row(&mut table, ch5, TARGET_FULL_RSS_MB);
    }
    for (key, cli, goal) in [
        (
            WorkloadKey::PySeed,
            WorkloadKey::Seed,
            TARGET_PY_SEED_SPEEDUP,
        ),
        (WorkloadKey::PyCh5, WorkloadKey::Ch5, TARGET_PY_CH5_SPEEDUP),
    ] {
        if let Some(python) = find(key) {
            if let Some(numpy) = twin_series(python, results) {
                table.row(ratio_row(python, numpy, goal));
            }
            if let Some(row) = find(cli).and_then(|cli| train_time_row(python, cli)) {
                table.row(row);
            }
        }
    }
    if let Some(full3) = find(WorkloadKey::Full3) {
        speedup_row(&mut table, full3, TARGET_FULL3_SPEEDUP);
        wall_row(
            &mut table,
            "full3",
            full3.scratchnet.median_wall(),
            TARGET_FULL3_SECONDS,
        );
        rss_row(&mut table, full3, TARGET_FULL_RSS_MB);
    }
    if let Some(wall) = six_experiments_wall(results) {
        wall_row(
            &mut table,
            "the six figure experiments",
            wall,
            TARGET_SIX_EXPERIMENTS_SECONDS,
        );
    }
    if let Some(wall) = all_experiments_wall(results) {
        wall_row(
            &mut table,
            "all experiments",
            wall,
            TARGET_EXPERIMENTS_SECONDS,
        );
    }
    if let Some(micro) = micro {
        let step = micro.step_gflops();
        table.row(target_row(
            "training step",
            format!("{step:.0} GFLOP/s"),
            format!("≥ {TARGET_STEP_GFLOPS} GFLOP/s"),
            step >= TARGET_STEP_GFLOPS,
        ));
        let eval = micro.eval_gflops();
        table.row(target_row(
            "test evaluation",
            format!("{eval:.0} GFLOP/s"),
            format!("≥ {TARGET_EVAL_GFLOPS} GFLOP/s"),
            eval >= TARGET_EVAL_GFLOPS,
        ));
    }
    table
}

fn speedup_row(table: &mut Table<4>, result: &WorkloadResult, goal: f64) {
    if let NumpyOutcome::Ran { series, .. } = &result.numpy {
        table.row(ratio_row(result, series, goal));
    }
}

/// NumPy's median wall over `result`'s, against `goal`.
fn ratio_row(result: &WorkloadResult, numpy: &Series, goal: f64) -> [String; 4] {
    let ratio = speedup(numpy, &result.scratchnet);
    target_row(
        &format!(
            "{}: NumPy ÷ scratchnet median wall",
            result.workload.key.name()
        ),
        format!("{ratio:.1}×"),
        format!("≥ {goal}×"),
        ratio >= goal,
    )
}

/// The package's `train()` seconds over the CLI's training seconds (medians of what the runs
/// reported). The scripts record the loss the book's way (one more forward pass of the batch
/// per step), the CLI does not: the label says so.
fn train_time_row(python: &WorkloadResult, cli: &WorkloadResult) -> Option<[String; 4]> {
    let package = python.scratchnet.median_reported_seconds()?;
    let command_line = cli.scratchnet.median_reported_seconds()?;
    let ratio = package.as_secs_f64() / command_line.as_secs_f64().max(1e-9);
    Some(target_row(
        &format!(
            "{}: train() ÷ `{}` training time (loss recorded after the update, as the book)",
            python.workload.key.name(),
            cli.workload.key.name()
        ),
        format!(
            "{:.2} s ÷ {:.2} s = {ratio:.2}",
            package.as_secs_f64(),
            command_line.as_secs_f64()
        ),
        format!("≤ {TARGET_PY_TRAIN_RATIO}"),
        ratio <= TARGET_PY_TRAIN_RATIO,
    ))
}

fn rss_row(table: &mut Table<4>, result: &WorkloadResult, goal_mb: f64) {
    let rss = mb(result.scratchnet.peak_rss_kib());
    table.row(target_row(
        &format!("{}: scratchnet peak RSS", result.workload.key.name()),
        format!("{rss:.1} MB"),
        format!("≤ {goal_mb} MB"),
        rss <= goal_mb,
    ));
}

fn wall_row(table: &mut Table<4>, what: &str, wall: Duration, goal_seconds: f64) {
    table.row(target_row(
        &format!("{what}: median wall"),
        seconds(wall),
        format!("≤ {goal_seconds} s"),
        wall.as_secs_f64() <= goal_seconds,
    ));
}

fn target_row(target: &str, measured: String, goal: String, met: bool) -> [String; 4] {
    let met = if met { "yes" } else { "NO" };
    [target.into(), measured, goal, met.into()]
}

/// Every command line of the report.
fn commands(report: &WorkloadReport<'_>) -> String {
    let mut out = format!(
        "commands (run from the workspace root{}):\n",
        executable_note(report.exe)
    );
    for result in report.results {
        let key = result.workload.key.name();
        if let Some(prepare) = &result.workload.prepare {
            let _ = writeln!(out, "    {key}, once before: {}", prepare.display());
        }
        let _ = writeln!(out, "    {key}: {}", result.scratchnet.command.display());
        if let NumpyOutcome::Ran { series, .. } = &result.numpy {
            let _ = writeln!(out, "    {key}, NumPy: {}", series.command.display());
        }
    }
    if let Some(version) = report.numpy_version {
        let _ = writeln!(out, "    (NumPy: {version})");
    }
    let _ = writeln!(out, "    this report: {}", this_command());
    out
}

fn seconds(duration: Duration) -> String {
    format!("{:.2} s", duration.as_secs_f64())
}

fn list_seconds(durations: &[Duration]) -> String {
    let parts: Vec<String> = durations
        .iter()
        .map(|duration| format!("{:.2}", duration.as_secs_f64()))
        .collect();
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::child::Measured;
    use crate::bench::record::{Reported, RunRecord};
    use crate::bench::workloads::{Setting, Workload};
    use scratchnet_experiments::ExperimentName;
    use std::process::ExitStatus;

    fn workload(key: WorkloadKey) -> Workload {
        let setting = Setting {
            exe: Path::new("/x/xtask"),
            data_dir: Path::new("/data"),
            quick: false,
            scratch_dir: Path::new("/tmp/b"),
            python: Some("venv/bin/python"),
        };
        setting.workload(key).expect("valid workload")
    }

    /// Runs of `walls` seconds at `rss_kib` each, reporting `accuracy` as their test accuracy.
    fn series(walls: &[f64], rss_kib: u64, accuracy: Option<f64>) -> Series {
        let mut series = Series::new(workload(WorkloadKey::Seed).command);
        for &wall in walls {
            let measured = Measured {
                status: ExitStatus::default(),
                wall: Duration::from_secs_f64(wall),
                cpu: Duration::from_secs_f64(2.0 * wall),
                max_rss_kib: rss_kib,
                stdout: String::new(),
                stderr: String::new(),
            };
            let reported = accuracy.map(|test_acc| Reported {
                train_acc: 0.6,
                test_acc,
                seconds: wall,
                threads: Some(2),
            });
            series.runs.push(RunRecord { measured, reported });
        }
        series
    }

    fn seed_result(numpy: NumpyOutcome) -> WorkloadResult {
        WorkloadResult {
            workload: workload(WorkloadKey::Seed),
            // 875.05456 GFLOP in a median of 1.75 s: 500 GFLOP/s.
            scratchnet: series(&[1.8, 1.75, 1.7], 40_000, Some(0.5)),
            numpy,
        }
    }

    fn experiment_result(name: ExperimentName) -> WorkloadResult {
        WorkloadResult {
            workload: workload(WorkloadKey::Experiment(name)),
            scratchnet: series(&[10.0], 100_000, None),
            numpy: NumpyOutcome::NoTwin,
        }
    }

    #[test]
    fn a_workload_row_has_its_median_rss_gflops_and_ratio() {
        let work = workload(WorkloadKey::Seed).twin.expect("seed twin").work;
        let numpy = NumpyOutcome::Ran {
            series: series(&[17.5, 18.0, 17.0], 200_000, Some(0.49)),
            work,
        };
        let result = seed_result(numpy);
        let row = scratchnet_row(&result, std::slice::from_ref(&result));
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        assert_eq!(
            cells[1..],
            [
                "scratchnet",
                "3",
                "1.75 s",
                "1.70 1.75 1.80",
                "3.50 s",
                "41.0 MB",
                "875.1",
                "500",
                "10.0×",
                "0.6000 / 0.5000"
            ]
        );
    }

    #[test]
    fn the_package_shares_the_twin_and_is_timed_against_the_command_line() {
        let work = workload(WorkloadKey::Seed).twin.expect("seed twin").work;
        let numpy = NumpyOutcome::Ran {
            series: series(&[35.0], 200_000, Some(0.49)),
            work,
        };
        let python = WorkloadResult {
            workload: workload(WorkloadKey::PySeed),
            // The series reports its walls as train() seconds: 2.0 against the CLI's 1.75.
            scratchnet: series(&[2.0, 3.5, 4.0], 150_000, Some(0.5)),
            numpy: NumpyOutcome::SameAs(WorkloadKey::Seed),
        };
        let results = [seed_result(numpy), python];
        let row = scratchnet_row(&results[1], &results);
        assert_eq!(
            (row[1].as_str(), row[9].as_str()),
            ("scratchnet (Python)", "10.0×")
        );
        assert!(numpy_row(&results[1]).is_none());
        let table = workload_table(&results).render();
        assert_eq!(table.lines().count(), 2 + 3, "{table}");
        let targets = targets_table(&results, None).render();
        assert_eq!(
            target_cells(&targets, "py-seed: NumPy ÷"),
            ["10.0×", "≥ 10×", "yes"]
        );
        assert_eq!(
            target_cells(&targets, "py-seed: train() ÷"),
            ["3.50 s ÷ 1.75 s = 2.00", "≤ 1.1", "NO"]
        );
    }

    /// The measured, goal and met cells of the targets row containing `needle`.
    fn target_cells(targets: &str, needle: &str) -> Vec<String> {
        let line = targets.lines().find(|line| line.contains(needle));
        let line = line.unwrap_or_else(|| panic!("no {needle:?} in {targets}"));
        line.split('|')
            .map(|cell| cell.trim().to_string())
            .skip(2)
            .take(3)
            .collect()
    }

    #[test]
    fn a_skipped_twin_says_why_and_targets_follow_what_ran() {
        let result = seed_result(NumpyOutcome::Skipped("--numpy-runs 0".into()));
        let row = numpy_row(&result).expect("the seed workload has a twin");
        assert_eq!(
            (row[2].as_str(), row[3].as_str()),
            ("skipped", "--numpy-runs 0")
        );
        let targets = targets_table(std::slice::from_ref(&result), None).render();
        assert_eq!(
            target_cells(&targets, "seed: scratchnet peak RSS"),
            ["41.0 MB", "≤ 45 MB", "yes"]
        );
        assert!(!targets.contains("NumPy ÷"), "{targets}");
    }

    #[test]
    fn the_experiments_are_summed_only_when_all_ran() {
        let mut results: Vec<WorkloadResult> = ExperimentName::ALL
            .map(experiment_result)
            .into_iter()
            .collect();
        let row = all_experiments_row(&results).expect("all of them ran");
        // Ten seconds each.
        let total = format!("{:.2} s", 10.0 * ExperimentName::ALL.len() as f64);
        assert_eq!(
            (row[3].as_str(), row[6].as_str()),
            (total.as_str(), "102.4 MB")
        );
        let targets = targets_table(&results, None).render();
        assert_eq!(
            target_cells(&targets, "all experiments: median wall"),
            [total.as_str(), "≤ 20 s", "NO"]
        );
        assert_eq!(
            target_cells(&targets, "the six figure experiments: median wall"),
            ["60.00 s", "≤ 12 s", "NO"]
        );
        results.retain(|result| {
            result.workload.key != WorkloadKey::Experiment(ExperimentName::Dropout)
        });
        let targets = targets_table(&results, None).render();
        assert!(!targets.contains("the six figure experiments"), "{targets}");
        assert!(all_experiments_row(&results).is_none());
        let table = workload_table(&results).render();
        assert_eq!(table.lines().count(), 2 + results.len(), "{table}");
    }
}
