//! The real data sets, offline: MNIST from a local directory mirror and Fashion-MNIST from
//! Debian's `dataset-fashion-mnist`. Both tests are `#[ignore]`d, because their data is not part
//! of the repository; run them with `cargo test -p scratchnet-datasets -- --ignored`. Once asked
//! for, a test fails, saying where it looked, when its data is absent.
//!
//! MNIST is looked up in `$SCRATCHNET_TEST_MNIST`, else in `../shared/data/mnist` next to the
//! workspace; the directory must hold the four `*-ubyte.gz` files.

use scratchnet_datasets::{DatasetKind, FetchOptions, FileOutcome, Mnist, fetch};
use std::path::{Path, PathBuf};

/// The environment variable naming the MNIST directory for these tests.
const MNIST_ENV: &str = "SCRATCHNET_TEST_MNIST";
/// Where MNIST is looked for without the variable: `<workspace>/../shared/data/mnist`.
const SHARED_MNIST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/mnist");
const DEBIAN_FASHION: &str = "/usr/share/datasets/fashion-mnist";

/// `dir`, if it holds the training images; otherwise a panic naming `dir`, where the path came
/// from and how to provide the data.
fn required(dir: &Path, origin: &str, remedy: &str) -> PathBuf {
    let probe = dir.join("train-images-idx3-ubyte.gz");
    assert!(
        probe.is_file(),
        "data missing: {} not found ({origin}); {remedy}",
        probe.display()
    );
    dir.to_path_buf()
}

fn mnist_dir() -> PathBuf {
    match std::env::var_os(MNIST_ENV) {
        Some(dir) if !dir.is_empty() => required(
            Path::new(&dir),
            &format!("from {MNIST_ENV}"),
            &format!("point {MNIST_ENV} at a directory holding the four MNIST *-ubyte.gz files"),
        ),
        _ => required(
            Path::new(SHARED_MNIST),
            &format!("{MNIST_ENV} is not set, so the default ../shared/data/mnist was used"),
            &format!(
                "set {MNIST_ENV} to a directory holding the four MNIST *-ubyte.gz files, \
                 or put them in ../shared/data/mnist"
            ),
        ),
    }
}

fn class_counts(labels: &[u8]) -> [usize; 10] {
    let mut counts = [0; 10];
    for &l in labels {
        counts[usize::from(l)] += 1;
    }
    counts
}

/// Fetches `kind` from the local mirror into a fresh directory, twice, and loads it.
fn fetch_and_load(kind: DatasetKind, mirror: &Path) -> Mnist {
    let dir = tempfile::tempdir().unwrap();
    let mut options = FetchOptions::new(dir.path());
    options.mirrors = vec![mirror.display().to_string()];
    options.use_builtin_mirrors = false;
    let first = fetch(kind, &options, &mut ()).unwrap();
    assert!(
        first
            .files
            .iter()
            .all(|f| matches!(f.outcome, FileOutcome::Downloaded { .. }))
    );
    let second = fetch(kind, &options, &mut ()).unwrap();
    assert!(second.nothing_to_do());
    // Loading verifies the hashes again, from the cache and from the .gz mirror itself.
    let from_cache = Mnist::load(dir.path(), kind).unwrap();
    let from_mirror = Mnist::load(mirror, kind).unwrap();
    assert_eq!(from_cache, from_mirror);
    from_cache
}

#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the files in ../shared/data/mnist"]
fn mnist_from_a_local_directory_mirror() {
    let mirror = mnist_dir();
    let mnist = fetch_and_load(DatasetKind::Mnist, &mirror);
    assert_eq!((mnist.train.len(), mnist.test.len()), (60_000, 10_000));
    assert_eq!(mnist.train.image_shape(), (28, 28));
    assert_eq!(
        class_counts(mnist.train.labels_u8()),
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    );
    assert_eq!(mnist.test.labels(5), [7, 2, 1, 0, 4]);
    // The seed experiment's 300 training images, as the book's float32 inputs.
    let x = mnist.train.images_f32(300);
    assert_eq!((x.nrows(), x.ncols()), (300, 784));
    assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
    assert_eq!(mnist.train.one_hot::<f32>(300).sum(), 300.0);

    // Keeping only a prefix still verifies every byte, and keeps exactly the same samples.
    let prefix = Mnist::load_prefix(&mirror, DatasetKind::Mnist, 300, 10_000).unwrap();
    assert_eq!((prefix.train.len(), prefix.test.len()), (300, 10_000));
    assert_eq!(prefix.train.images_f32(300), x);
    assert_eq!(prefix.train.labels(300), mnist.train.labels(300));

    // Preparing the test split while the training files load gives what preparing after does.
    let (prepared_with, sparse) =
        Mnist::load_prefix_preparing(&mirror, DatasetKind::Mnist, (300, 10_000), |test| {
            test.sparse_images::<f32>(test.len())
        })
        .unwrap();
    assert_eq!(prepared_with, prefix);
    assert_eq!(sparse, mnist.test.sparse_images::<f32>(10_000));
    // A training file that fails verification fails the load, after the test split prepared.
    let broken = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&mirror).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        std::fs::copy(&path, broken.path().join(&name)).unwrap();
    }
    let train_labels = broken.path().join("train-labels-idx1-ubyte.gz");
    let mut bytes = std::fs::read(&train_labels).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&train_labels, bytes).unwrap();
    let mut prepared = false;
    let outcome =
        Mnist::load_prefix_preparing(broken.path(), DatasetKind::Mnist, (300, 10), |_| {
            prepared = true;
        });
    assert!(outcome.is_err());
    assert!(
        prepared,
        "the test split was prepared while the training files loaded"
    );
}

#[test]
#[ignore = "needs Debian's dataset-fashion-mnist package"]
fn fashion_mnist_from_the_debian_package() {
    let mirror = required(
        Path::new(DEBIAN_FASHION),
        "the files of Debian's dataset-fashion-mnist package",
        "install it with `apt-get install dataset-fashion-mnist`",
    );
    let fashion = fetch_and_load(DatasetKind::FashionMnist, &mirror);
    assert_eq!((fashion.train.len(), fashion.test.len()), (60_000, 10_000));
    assert_eq!(class_counts(fashion.train.labels_u8()), [6000; 10]);
    assert_eq!(class_counts(fashion.test.labels_u8()), [1000; 10]);
    // Fashion-MNIST's first test items: ankle boot, pullover, trouser, trouser, shirt.
    assert_eq!(fashion.test.labels(5), [9, 2, 1, 1, 6]);
    // And MNIST's pinned hashes refuse it.
    assert!(Mnist::load(&mirror, DatasetKind::Mnist).is_err());
}
