//! `cargo xtask experiment NAME --quick` on the real MNIST: each experiment runs its real code
//! path and the lesson of its figure must show in its CSV. These need MNIST, so they are
//! `#[ignore]`d; CI runs them with `--ignored` against the shared mirror.

mod common;

use scratchnet_experiments::ExperimentName;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

const LN_10: f64 = std::f64::consts::LN_10;

/// Runs `experiment NAME --quick` into a fresh directory; returns it and stdout.
fn run_quick(name: &str, tag: &str, extra: &[&str], threads: Option<&str>) -> (PathBuf, String) {
    let out = std::env::temp_dir().join(format!(
        "scratchnet-experiment-{name}-{tag}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&out);
    let mut command = common::xtask(&out);
    command
        .args(["experiment", name, "--quick", "--quiet", "--seed", "0"])
        .args(common::data_flags())
        .arg("--out-dir")
        .arg(&out)
        .args(extra)
        // The verdict is printed in the locale's language; verdict.txt is English.
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    if let Some(threads) = threads {
        command.env("RAYON_NUM_THREADS", threads);
    }
    let output = common::run_ok(&mut command);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    check_outputs(&out, name, &stdout);
    (out, stdout)
}

/// The CSV, an SVG and the verdict exist, and the printed verdict is the file's.
fn check_outputs(out: &Path, name: &str, stdout: &str) {
    let svg = std::fs::read_to_string(out.join(format!("{name}.svg"))).expect("the SVG");
    assert!(svg.contains("<svg") && svg.contains("</svg>"));
    let verdict = std::fs::read_to_string(out.join("verdict.txt")).expect("verdict.txt");
    assert!(!verdict.trim().is_empty());
    assert_eq!(stdout.trim(), verdict.trim());
    assert!(out.join(format!("{name}.csv")).exists());
}

/// The CSV as rows of column name → field.
fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).expect("the CSV");
    let headers = reader.headers().expect("a header").clone();
    reader
        .records()
        .map(|row| {
            let row = row.expect("a row");
            headers
                .iter()
                .map(String::from)
                .zip(row.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn number(row: &BTreeMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column} is not a number in {row:?}"))
}

/// Each series' values of `column`, in file order.
fn by_series(rows: &[BTreeMap<String, String>], column: &str) -> BTreeMap<String, Vec<f64>> {
    let mut series: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for row in rows {
        series
            .entry(row["series"].clone())
            .or_default()
            .push(number(row, column));
    }
    series
}

/// Mean of the last tenth: the final value of a noisy curve.
fn final_value(values: &[f64]) -> f64 {
    let tail = (values.len() / 10).max(1);
    values[values.len() - tail..].iter().sum::<f64>() / tail as f64
}

fn final_gap(rows: &[BTreeMap<String, String>], series: &str) -> f64 {
    let train = by_series(rows, "train_acc");
    let test = by_series(rows, "test_acc");
    final_value(&train[series]) - final_value(&test[series])
}

#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn momentum_adagrad_and_adam_end_below_sgd() {
    let (out, _) = run_quick("optimizers", "t", &[], None);
    let losses = by_series(&read_csv(&out.join("optimizers.csv")), "loss");
    assert_eq!(losses["SGD"].len(), 200);
    let sgd = final_value(&losses["SGD"]);
    for name in ["Momentum", "AdaGrad", "Adam"] {
        let loss = final_value(&losses[name]);
        assert!(loss < sgd, "{name} ends at {loss:.3}, SGD at {sgd:.3}");
    }
}

#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn std_001_stalls_near_ln_10_while_he_learns() {
    let (out, verdict) = run_quick("weight-init", "t", &[], None);
    let losses = by_series(&read_csv(&out.join("weight-init.csv")), "loss");
    let stalled = final_value(&losses["std=0.01"]);
    let he = final_value(&losses["He"]);
    assert!(
        (stalled - LN_10).abs() < 0.05,
        "std 0.01 ends at {stalled:.3}"
    );
    assert!(he < 1.5, "He ends at {he:.3}");
    assert!(verdict.starts_with("std=0.01 does not learn"), "{verdict}");
}

#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn weight_decay_shrinks_the_train_test_gap() {
    let (out, _) = run_quick("weight-decay", "t", &[], None);
    let rows = read_csv(&out.join("weight-decay.csv"));
    let plain = final_gap(&rows, "λ = 0 (fig. 6-20)");
    let decayed = final_gap(&rows, "λ = 0.1 (fig. 6-21)");
    assert!(
        plain > 0.15,
        "the plain network should overfit, gap {plain:.3}"
    );
    assert!(
        decayed < plain,
        "gap with decay {decayed:.3}, without {plain:.3}"
    );
}

#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn dropout_shrinks_the_train_test_gap() {
    let (out, verdict) = run_quick("dropout", "t", &["--dropout", "0.15"], None);
    let rows = read_csv(&out.join("dropout.csv"));
    let plain = final_gap(&rows, "no dropout");
    let dropped = final_gap(&rows, "dropout 0.15");
    assert!(
        dropped < plain,
        "gap with dropout {dropped:.3}, without {plain:.3}"
    );
    assert!(verdict.starts_with("dropout 0.15 shrinks"), "{verdict}");
}

#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn batchnorm_grid_has_every_scale_and_both_series() {
    let (out, verdict) = run_quick("batchnorm", "t", &[], None);
    let rows = read_csv(&out.join("batchnorm.csv"));
    let scales: std::collections::BTreeSet<&str> = rows
        .iter()
        .map(|row| row["weight_scale"].as_str())
        .collect();
    assert_eq!(scales.len(), 4);
    assert!(
        rows.iter()
            .all(|row| (0.0..=1.0).contains(&number(row, "train_acc")))
    );
    assert!(verdict.contains("of 4 scales"), "{verdict}");
}

/// Ranked by final validation accuracy, best first; and every per-epoch "test" accuracy is a
/// multiple of 1/100 — measured on the 100 held-out images, never on the 10,000 test images —
/// and the CSV is the same with one thread as with two.
#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn search_ranks_by_validation_accuracy_on_held_out_training_images() {
    let (out, _) = run_quick("hyperparams", "one-thread", &[], Some("1"));
    let (out_two, _) = run_quick("hyperparams", "two-threads", &[], Some("2"));
    let csv = std::fs::read_to_string(out.join("hyperparams.csv")).expect("the CSV");
    let csv_two = std::fs::read_to_string(out_two.join("hyperparams.csv")).expect("the CSV");
    assert_eq!(csv, csv_two, "results depend on the thread count");

    let rows = read_csv(&out.join("hyperparams.csv"));
    let mut finals: BTreeMap<u64, (f64, usize)> = BTreeMap::new();
    for row in &rows {
        let accuracy = number(row, "val_acc");
        assert!(
            (accuracy * 100.0 - (accuracy * 100.0).round()).abs() < 1e-9,
            "{accuracy}"
        );
        let epoch = number(row, "epoch") as usize;
        let entry = finals
            .entry(number(row, "rank") as u64)
            .or_insert((accuracy, epoch));
        if epoch >= entry.1 {
            *entry = (accuracy, epoch);
        }
    }
    assert_eq!(finals.len(), 8);
    let ranked: Vec<f64> = finals.values().map(|&(accuracy, _)| accuracy).collect();
    assert!(
        ranked.windows(2).all(|pair| pair[0] >= pair[1]),
        "{ranked:?}"
    );
}

#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn backpropagation_passes_the_gradient_check_on_mnist_images() {
    let (out, verdict) = run_quick("gradient-check", "t", &[], None);
    let rows = read_csv(&out.join("gradient-check.csv"));
    assert_eq!(rows.len(), 6 + 10);
    for row in &rows {
        assert!(number(row, "max_rel_err") <= 1e-3, "{row:?}");
    }
    assert!(verdict.starts_with("backpropagation matches"), "{verdict}");
}

/// The ensemble at its quick size: averages of 1, 2, 4, 8 and 16 masks, the book's scaling
/// and no scaling, each an accuracy on the 2,000 first test images.
#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn dropout_ensemble_averages_masks_and_compares_with_the_scaling() {
    let (out, verdict) = run_quick("dropout-ensemble", "t", &[], None);
    let rows = read_csv(&out.join("dropout-ensemble.csv"));
    let masks: Vec<&str> = rows
        .iter()
        .filter(|row| row["method"] == "monte-carlo")
        .map(|row| row["masks"].as_str())
        .collect();
    assert_eq!(masks, ["1", "2", "4", "8", "16"]);
    for row in &rows {
        let accuracy = number(row, "test_acc");
        // Above chance: dropout slows learning, so after the quick 101 epochs it is far from done.
        assert!(accuracy > 0.1 && accuracy <= 1.0, "{row:?}");
        assert!((accuracy * 2000.0 - (accuracy * 2000.0).round()).abs() < 1e-6);
    }
    let average = |masks: &str| {
        rows.iter()
            .find(|row| row["method"] == "monte-carlo" && row["masks"] == masks)
            .map(|row| number(row, "test_acc"))
            .expect("the row")
    };
    assert!(
        average("16") > average("1"),
        "16 masks do no better than one"
    );
    assert!(
        verdict.starts_with("averaging the softmax of T random masks levels off"),
        "{verdict}"
    );
}

/// 0.01, 0.02, …, 0.99 (with the baseline 0, a hundred ratios).
static HUNDRED_RATIOS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    (1..100)
        .map(|i| format!("{:.2}", f64::from(i) / 100.0))
        .collect::<Vec<_>>()
        .join(",")
});

/// The sweep at its quick size: every (ratio, seed) once, the same CSV on one thread as on
/// two, and a verdict that either names the validation's choice or says there is none.
#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn dropout_sweep_compares_ratios_seed_by_seed() {
    let extra = ["--ratios", "0.2,0.4", "--seeds", "3"];
    let (out, verdict) = run_quick("dropout-sweep", "one-thread", &extra, Some("1"));
    let (out_two, _) = run_quick("dropout-sweep", "two-threads", &extra, Some("2"));
    let csv = std::fs::read_to_string(out.join("dropout-sweep.csv")).expect("the CSV");
    let csv_two = std::fs::read_to_string(out_two.join("dropout-sweep.csv")).expect("the CSV");
    assert_eq!(csv, csv_two, "results depend on the thread count");
    let rows = read_csv(&out.join("dropout-sweep.csv"));
    assert_eq!(rows.len(), 3 * 3);
    for row in &rows {
        let validation = number(row, "validation_acc");
        // Measured on the 10,000 held-out training images.
        assert!((validation * 1e4 - (validation * 1e4).round()).abs() < 1e-6);
        assert!(number(row, "train_acc") > validation, "{row:?}");
    }
    assert!(
        verdict.starts_with("validation accuracy picks dropout")
            || verdict.starts_with("no clear winner"),
        "{verdict}"
    );
}

#[test]
fn bad_arguments_are_usage_errors() {
    let results = common::scratch();
    let status = |args: &[&str]| -> Output {
        common::xtask(results.path())
            .args(args)
            .output()
            .expect("running xtask")
    };
    for args in [
        &["experiment", "optimisers"][..],
        &["experiment", "dropout", "--dropout", "1.5"],
        &["experiment", "dropout", "--dropout", "0"],
        &["experiment", "activations", "--activation", "tanh"],
        &["experiment", "dropout-sweep", "--ratios", "0.6,abc"],
        &["experiment", "dropout-sweep", "--ratios", "0.2,1"],
        &["experiment", "dropout-sweep", "--seeds", "0"],
        &["experiment", "dropout-sweep", "--dropout-mode", "pytorch"],
        // 100 ratios × 10,000 seeds: days of work, refused before any.
        &[
            "experiment",
            "dropout-sweep",
            "--seeds",
            "10000",
            "--ratios",
            &HUNDRED_RATIOS,
        ],
    ] {
        let output = status(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
    let help = status(&["experiment", "--help"]);
    let text = String::from_utf8_lossy(&help.stdout);
    for name in ["--quick", "--seed", "--mirror", "--activation"] {
        assert!(text.contains(name), "--help does not mention {name}");
    }
    for name in ExperimentName::ALL {
        let line = format!("  {}  {}", name.slug(), name.describe());
        let found = text.lines().any(|l| {
            l.split_whitespace().collect::<Vec<_>>() == line.split_whitespace().collect::<Vec<_>>()
        });
        assert!(found, "--help lacks {line:?}");
    }
}

/// The experiments on synthetic inputs need no data: they run in CI without MNIST, and their
/// verdicts are written in both languages.
#[test]
fn synthetic_experiments_run_without_data() {
    let results = common::scratch();
    for name in ["optimizer-paths", "activations"] {
        let out = results.path().join(name);
        let output = common::run_ok(
            common::xtask(results.path())
                .args(["experiment", name, "--quick", "--quiet", "--data-dir"])
                .arg(results.path().join("no-data-here"))
                .arg("--out-dir")
                .arg(&out)
                .env("LANG", "C")
                .env_remove("LC_ALL")
                .env_remove("LC_MESSAGES"),
        );
        check_outputs(&out, name, &String::from_utf8_lossy(&output.stdout));
        let japanese = std::fs::read_to_string(out.join("verdict.ja.txt")).expect("verdict.ja.txt");
        assert!(!japanese.trim().is_empty());
    }
    let rows = read_csv(&results.path().join("activations/activations.csv"));
    let mut per_layer: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for row in &rows {
        let key = (
            row["activation"].clone(),
            row["init"].clone(),
            row["layer"].clone(),
        );
        *per_layer.entry(key).or_default() += number(row, "count") as u64;
    }
    assert_eq!(per_layer.len(), 6 * 5);
    assert!(
        per_layer.values().all(|&count| count == 1000 * 100),
        "{per_layer:?}"
    );
}
