//! What users do to runs, tried on the real binary: bad values, two runs for one name, paths that
//! cannot be written, Ctrl-C and SIGTERM, a disk that fills up. Each checks the exit status, the
//! message and the files left behind.

mod common;

use common::{data_flags, scratch, xtask};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `train` with `args` (no data needed: these fail before loading any).
fn train(results: &Path, args: &[&str]) -> Output {
    xtask(results)
        .arg("train")
        .args(args)
        .output()
        .expect("running xtask")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn out_of_range_values_are_one_line_usage_errors() {
    let results = scratch();
    for (args, message) in [
        (
            &["--lr", "-1"][..],
            "the learning rate must be a finite number > 0, got -1",
        ),
        (
            &["--dropout", "-0.1"],
            "the dropout ratio must be in [0, 1) (0 = off), got -0.1",
        ),
        (
            &["--seed", "-1"],
            "the seed must be a whole number >= 0, got -1",
        ),
        (
            &["--weight-decay", "-1"],
            "the weight decay must be a finite number >= 0, got -1",
        ),
        (
            &["--lr", "nan"],
            "the learning rate must be a finite number > 0, got nan",
        ),
        (
            &["--epochs", "99999999999"],
            "the number of epochs must be a whole number from 1 to 1000000, got 99999999999",
        ),
        (
            &["--batch-size", "1000000"],
            "--batch-size: the batch size 1000000 exceeds the training-set size 300",
        ),
        (
            &["--hidden", "100000000"],
            "--hidden: the network would need ",
        ),
        (
            &["--train-size", "70000"],
            "exceeds the 60000 training images",
        ),
    ] {
        let output = train(results.path(), args);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {text}");
        assert!(text.contains(message), "{args:?}: {text}");
        // One error line (clap may add its "For more information, try '--help'" hint).
        let errors = text
            .lines()
            .filter(|line| line.starts_with("error:"))
            .count();
        assert_eq!(errors, 1, "{args:?}: {text}");
        assert!(
            text.lines()
                .next()
                .is_some_and(|line| line.contains(message)),
            "{text}"
        );
        assert!(
            !text.contains("panicked") && !text.contains("backtrace"),
            "{text}"
        );
    }
    assert!(
        std::fs::read_dir(results.path()).map_or(true, |mut entries| entries.next().is_none()),
        "nothing was written"
    );
}

#[test]
fn an_unwritable_model_path_is_refused_before_training() {
    let results = scratch();
    let started = Instant::now();
    let output = train(results.path(), &["--save", "/nonexistent/dir/m.bin"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert_eq!(
        text.trim(),
        "error: cannot save the network to /nonexistent/dir/m.bin: the directory /nonexistent/dir does not exist"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "no training first"
    );
}

#[test]
fn a_results_directory_that_cannot_be_created_is_a_clear_error() {
    // Even root cannot create directories under /proc.
    let output = xtask(Path::new("/proc/scratchnet-results"))
        .args(["train", "--epochs", "1"])
        .output()
        .expect("running xtask");
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.starts_with("error: /proc/scratchnet-results: "),
        "{text}"
    );
    assert_eq!(text.trim().lines().count(), 1, "{text}");
}

#[test]
fn a_name_held_by_another_process_is_refused_at_once_naming_it() {
    let results = scratch();
    // Another process's claim, exactly as a run makes it.
    let locks = results.path().join(".locks");
    std::fs::create_dir_all(&locks).unwrap();
    let mut lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(locks.join("shared.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    writeln!(lock, "4242").unwrap();
    let output = train(results.path(), &["--out", "shared", "--epochs", "1"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("another run (process 4242) is writing the results named shared"),
        "{text}"
    );
    assert!(
        !results.path().join("shared.csv").exists(),
        "the holder's files are untouched"
    );
}

/// Starts a run that takes a while (full MNIST, many epochs) and waits for its first rows.
fn start_long_run(results: &Path, name: &str) -> Child {
    start_run(results, name, &["--train-size", "60000", "--epochs", "300"])
}

/// Starts `train --out NAME` with `args` and waits until two epochs are in its CSV.
fn start_run(results: &Path, name: &str, args: &[&str]) -> Child {
    let mut child = xtask(results)
        .args(["train", "--out", name])
        .args(args)
        .args(data_flags())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting xtask");
    let csv = results.join(format!("{name}.csv"));
    wait_for_rows(&mut child, &csv, 3);
    child
}

/// How long a run may take to write the rows a test waits for, even on a loaded machine.
const ROWS_DEADLINE: Duration = Duration::from_secs(300);

/// Waits until `csv` has at least `rows` lines, failing (not hanging) when the child exits
/// first or the rows do not come within [`ROWS_DEADLINE`].
fn wait_for_rows(child: &mut Child, csv: &Path, rows: usize) {
    let deadline = Instant::now() + ROWS_DEADLINE;
    while line_count(csv) < rows {
        if let Some(status) = child.try_wait().expect("polling xtask") {
            let mut text = String::new();
            if let Some(stderr) = child.stderr.as_mut() {
                std::io::Read::read_to_string(stderr, &mut text).ok();
            }
            panic!("xtask exited ({status}) before {rows} lines in its CSV: {text}");
        }
        assert!(
            Instant::now() < deadline,
            "fewer than {rows} lines in {} after {ROWS_DEADLINE:?}",
            csv.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn line_count(path: &Path) -> usize {
    std::fs::read_to_string(path).map_or(0, |text| text.lines().count())
}

fn send(child: &Child, signal: i32) {
    // SAFETY: kill(2) with our own child's pid and a valid signal number.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    assert_eq!(sent, 0, "kill failed");
}

fn summary(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("the summary")).expect("JSON")
}

/// Every line of a results CSV is whole: four fields, and the file ends with a newline.
fn assert_whole_lines(path: &Path) {
    let text = std::fs::read_to_string(path).expect("the CSV");
    assert!(text.ends_with('\n'), "{text:?}");
    assert!(
        text.lines().all(|line| line.split(',').count() == 4),
        "{text}"
    );
}

fn stop_with(signal: i32, expected_status: i32) {
    let results = scratch();
    let child = start_long_run(results.path(), "stopped");
    send(&child, signal);
    let output = child.wait_with_output().expect("waiting for xtask");
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(expected_status), "{text}");
    let json = summary(&results.path().join("stopped.json"));
    assert_eq!(json["status"], "interrupted");
    let epochs = json["epochs_completed"].as_u64().expect("epochs_completed") as usize;
    assert!((2..300).contains(&epochs), "{epochs}");
    let csv = results.path().join("stopped.csv");
    assert_eq!(
        line_count(&csv),
        epochs + 1,
        "the CSV holds every finished epoch"
    );
    assert_whole_lines(&csv);
    let svg = std::fs::read_to_string(results.path().join("stopped.svg")).expect("the SVG");
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(
        text.contains(&format!("interrupted after epoch {epochs} of 300")),
        "{text}"
    );
    assert!(
        text.contains("stopped.csv") && text.contains("stopped.json"),
        "{text}"
    );
}

#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn ctrl_c_stops_at_the_epoch_boundary_and_writes_the_summary() {
    stop_with(libc::SIGINT, 130);
}

#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn sigterm_stops_like_ctrl_c_with_status_143() {
    stop_with(libc::SIGTERM, 143);
}

#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn a_second_ctrl_c_stops_at_once() {
    let results = scratch();
    // Epochs of about two seconds: 6,000 small batches and a wide network.
    let args = [
        "--train-size",
        "60000",
        "--batch-size",
        "10",
        "--hidden",
        "500,500",
    ];
    let mut child = start_run(results.path(), "twice", &args);
    // Right after an epoch ends, so that the next boundary is far away.
    let csv = results.path().join("twice.csv");
    let rows = line_count(&csv) + 1;
    wait_for_rows(&mut child, &csv, rows);
    send(&child, libc::SIGINT);
    // Signals of one kind sent together arrive as one: let the first be handled.
    std::thread::sleep(Duration::from_millis(100));
    send(&child, libc::SIGINT);
    let output = child.wait_with_output().expect("waiting for xtask");
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    // "At once" without a clock: the epoch under way when the signals came (seconds long)
    // never reached the CSV, and no summary was written, however slow the machine is.
    assert_eq!(line_count(&csv), rows, "it waited for the epoch to end");
    assert!(
        !results.path().join("twice.json").exists(),
        "it did not finish the epoch"
    );
    assert_whole_lines(&csv);
}

#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn two_processes_racing_for_one_name_never_corrupt_it() {
    let results = scratch();
    let first = start_long_run(results.path(), "race");
    let second = xtask(results.path())
        .args(["train", "--epochs", "2", "--out", "race"])
        .args(data_flags())
        .output()
        .expect("running xtask");
    let text = stderr(&second);
    assert_eq!(second.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!("another run (process {}) is writing", first.id())),
        "{text}"
    );
    send(&first, libc::SIGINT);
    let output = first.wait_with_output().expect("waiting for xtask");
    assert_eq!(output.status.code(), Some(130));
    let csv = results.path().join("race.csv");
    assert_whole_lines(&csv);
    let epochs: Vec<usize> = std::fs::read_to_string(&csv)
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| line.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(
        epochs,
        (1..=epochs.len()).collect::<Vec<_>>(),
        "one run's rows, in order"
    );
}

#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn a_full_disk_leaves_whole_lines_and_no_half_written_figure() {
    use std::os::unix::process::CommandExt;
    let results = scratch();
    let mut command = xtask(results.path());
    command
        .args(["train", "--epochs", "200", "--out", "full", "--quiet"])
        .args(data_flags());
    // Files may grow to 5,000 bytes: the CSV fills up after about 65 epochs, like a full disk
    // (EFBIG instead of ENOSPC); the summary (≈1.9 KB) fits, the figure (≈19 KB) cannot.
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: 5000,
                rlim_max: 5000,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let output = command.output().expect("running xtask");
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("full.csv: File too large"), "{text}");
    assert_eq!(text.trim().lines().count(), 1, "{text}");
    let csv = results.path().join("full.csv");
    assert_whole_lines(&csv);
    assert!(line_count(&csv) > 5);
    let svg = results.path().join("full.svg");
    assert!(!svg.exists(), "no half-written figure");
    let leftovers: Vec<_> = std::fs::read_dir(results.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().starts_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files are removed");
    let json = summary(&results.path().join("full.json"));
    assert_eq!(json["status"], "failed");
}
