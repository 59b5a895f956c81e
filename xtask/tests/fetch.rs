//! Getting the data as a user meets it: `fetch-mnist` offline gives one clear error that names
//! each source once, and a mirror of `.gz` files given as `--data-dir` is read, never written.

mod common;

use common::{NEEDS_MNIST, mnist_dir, run_ok, scratch, xtask};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::SystemTime;

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

/// A directory's modification time and each entry's name, size and modification time.
type DirState = (Option<SystemTime>, Vec<(String, u64, Option<SystemTime>)>);

/// Each entry of `dir` with its size and modification time, and the directory's own time (a
/// file created or removed changes it): what a write into `dir` would change.
fn state(dir: &Path) -> DirState {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("the directory")
        .map(|entry| {
            let entry = entry.expect("an entry");
            let metadata = entry.metadata().expect("its metadata");
            let name = entry.file_name().to_string_lossy().into_owned();
            (name, metadata.len(), metadata.modified().ok())
        })
        .collect();
    entries.sort();
    let modified = std::fs::metadata(dir).and_then(|m| m.modified()).ok();
    (modified, entries)
}

/// A read-only mirror holding only the four `.gz` files (the shared copy, Debian's datasets),
/// given as `--data-dir`: training reads the `.gz` files themselves and writes nothing there, no
/// decompressed copy and no lock. Checked on the directory's entries and times rather than by
/// a failed write, since the read-only mode stops no write when the tests run as root.
#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn a_mirror_of_gz_files_as_data_dir_is_read_and_not_written() {
    let scratch = scratch();
    let mirror = scratch.path().join("mirror");
    std::fs::create_dir(&mirror).expect("mirror dir");
    let mut copied = 0;
    for entry in std::fs::read_dir(mnist_dir()).expect("the MNIST directory") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|extension| extension == "gz") {
            std::fs::copy(&path, mirror.join(path.file_name().expect("a name"))).expect("copy");
            copied += 1;
        }
    }
    assert_eq!(copied, 4, "the four .gz files ({NEEDS_MNIST})");
    let set_mode = |mode: u32| {
        std::fs::set_permissions(&mirror, std::fs::Permissions::from_mode(mode))
            .expect("permissions");
    };
    set_mode(0o555);
    let before = state(&mirror);
    run_ok(
        xtask(&scratch.path().join("results"))
            .args(["train", "--epochs", "1", "--quiet", "--data-dir"])
            .arg(&mirror),
    );
    let after = state(&mirror);
    set_mode(0o755);
    assert_eq!(after, before, "training wrote into the mirror");
}
