//! Helpers of the command-line tests: the real binary, the MNIST copy, scratch directories.
#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// What `#[ignore]` says of a test that trains on real MNIST.
pub const NEEDS_MNIST: &str =
    "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist";

/// The MNIST files to test with: `$SCRATCHNET_TEST_MNIST`, else the shared mirror beside the
/// workspace. Panics when missing: tests that need it are `#[ignore]`d, so they only run when
/// asked, and then they must not pass without data.
pub fn mnist_dir() -> PathBuf {
    let dir = std::env::var_os("SCRATCHNET_TEST_MNIST").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../shared/data/mnist"
            ))
        },
        PathBuf::from,
    );
    assert!(
        dir.join("train-images-idx3-ubyte.gz").exists()
            || dir.join("train-images-idx3-ubyte").exists(),
        "no MNIST in {} ({NEEDS_MNIST})",
        dir.display()
    );
    dir
}

/// The xtask binary, writing its results into `results` (never the workspace's).
pub fn xtask(results: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.env("SCRATCHNET_RESULTS_DIR", results);
    command
}

/// Runs `command`, asserts that it succeeded (showing its stderr if not), returns its output.
pub fn run_ok(command: &mut Command) -> Output {
    let output = command.output().expect("running xtask");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A fresh scratch directory.
pub fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// The data flags of a test run on the MNIST copy.
pub fn data_flags() -> Vec<String> {
    vec!["--data-dir".into(), mnist_dir().display().to_string()]
}
