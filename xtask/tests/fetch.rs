//! `fetch-mnist` as a user meets it offline: one clear error that names each source once.

mod common;

use common::{scratch, xtask};

/// Every source fails (an empty mirror directory, and the built-in mirrors behind a proxy that
/// refuses connections): the error lists each source once, then the offline hint, exit status 1.
#[test]
fn offline_fetch_error_lists_each_source_once() {
    let scratch = scratch();
    let empty_mirror = scratch.path().join("empty-mirror");
    std::fs::create_dir(&empty_mirror).expect("mirror dir");
    let output = xtask(scratch.path())
        .args(["fetch-mnist", "--quiet", "--dir"])
        .arg(scratch.path().join("mnist"))
        .arg("--mirror")
        .arg(&empty_mirror)
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("ALL_PROXY", "http://127.0.0.1:9")
        .env_remove("SCRATCHNET_MNIST_MIRROR")
        .output()
        .expect("run xtask");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let mirror = empty_mirror.display().to_string();
    let listed = stderr.lines().filter(|line| line.contains(&mirror)).count();
    assert_eq!(listed, 1, "the mirror is listed once:\n{stderr}");
    assert_eq!(
        stderr.matches("Offline or behind a firewall?").count(),
        1,
        "{stderr}"
    );
    let hint_at = stderr.find("Offline").unwrap_or(0);
    assert!(
        stderr.find(&mirror).unwrap_or(usize::MAX) < hint_at,
        "list before hint:\n{stderr}"
    );
    assert!(
        !scratch
            .path()
            .join("mnist/train-images-idx3-ubyte")
            .exists()
    );
}
