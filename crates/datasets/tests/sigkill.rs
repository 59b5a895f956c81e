//! A process killed with SIGKILL in the middle of a download leaves nothing that a later run
//! trusts, and the next run cleans up its leftover.

#![cfg(unix)]

mod common;

use common::{Behaviour, Server, assert_clean, catalog, fault_routes, good_routes, options, small};
use scratchnet_datasets::{FileOutcome, Mnist, fetch_catalog};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Set, to `dir|mirror`, only in the child process the test spawns.
const CHILD_ENV: &str = "SCRATCHNET_TEST_SIGKILL_CHILD";
/// The test below; the child is this same test binary, running only this test.
const TEST_NAME: &str = "sigkill_mid_download_leaves_nothing_trusted";

/// The child's work: download from the stalling server into `dir` and hang there until the
/// parent kills it. It never ends on its own: a fetch that returns fails the child, and the
/// parent then fails with "the child exited early".
fn run_as_child(spec: &str) -> ! {
    let (dir, mirror) = spec
        .split_once('|')
        .unwrap_or_else(|| panic!("{CHILD_ENV} must be `dir|mirror`, got {spec:?}"));
    let mut opts = options(Path::new(dir), &[mirror.to_owned()]);
    opts.read_timeout = Duration::from_secs(30);
    let finished = fetch_catalog(&catalog(&small()), &opts, &mut ()).is_ok();
    panic!("the child's download ended (ok: {finished}) before the parent killed it");
}

fn partials(dir: &Path) -> Vec<String> {
    common::listing(dir)
        .into_iter()
        .filter(|n| n.starts_with(".partial-"))
        .collect()
}

/// The parent spawns this test binary again, filtered to this test and with [`CHILD_ENV`] set;
/// in that child process the test is the downloader to be killed.
#[test]
fn sigkill_mid_download_leaves_nothing_trusted() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        run_as_child(&spec);
    }
    let files = small();
    let mut routes = good_routes("good", &files);
    // Half the body, then silence for longer than the test waits.
    routes.extend(fault_routes("stall", &files, |body| {
        let half = body.len() / 2;
        Behaviour::Stall(body, half, Duration::from_secs(15))
    }));
    let server = Server::start(routes);
    let dir = tempfile::tempdir().unwrap();

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", TEST_NAME, "--nocapture", "--test-threads", "1"])
        .env(
            CHILD_ENV,
            format!("{}|{}", dir.path().display(), server.url("stall")),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while partials(dir.path()).is_empty() {
        assert!(Instant::now() < deadline, "the child never started writing");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the child exited early"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    child.kill().unwrap(); // SIGKILL: no destructor, no cleanup runs.
    let status = child.wait().unwrap();
    assert!(!status.success());

    // The leftover is a recognisable partial file; no final file exists; loading refuses.
    let leftovers = partials(dir.path());
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    assert!(leftovers[0].starts_with(".partial-train-images-idx3-ubyte-"));
    assert!(!dir.path().join("train-images-idx3-ubyte").exists());
    assert!(Mnist::load_with(dir.path(), &catalog(&files)).is_err());

    // The next run (its lock is free: the kernel released the dead child's) cleans and fetches.
    let report = fetch_catalog(
        &catalog(&files),
        &options(dir.path(), &[server.url("good")]),
        &mut (),
    )
    .unwrap();
    assert_eq!(report.removed_partials.len(), 1);
    assert!(
        report
            .files
            .iter()
            .all(|f| matches!(f.outcome, FileOutcome::Downloaded { .. }))
    );
    assert_clean(dir.path(), true);
}
