//! The command line in Japanese, on the real binary: the locale or `--lang ja` switch help and
//! messages; exit statuses do not change with the language.

mod common;

use common::{scratch, xtask};
use std::process::Output;

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_japanese_locale_gives_a_japanese_one_line_error_and_exit_2() {
    let output = japanese(&["train", "--dropout", "1.5"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert_eq!(
        text,
        "エラー: --dropout: Dropout の比率は [0, 1) の範囲で指定してください（0 で Dropout なし）。指定された値: 1.5\n"
    );
}

#[test]
fn whole_configuration_errors_are_japanese_too_and_english_stays_english() {
    let results = scratch();
    let run = |lang: &str| {
        xtask(results.path())
            .env("LC_ALL", "C")
            .args(["--lang", lang, "train", "--batch-size", "1000"])
            .output()
            .expect("running xtask")
    };
    let japanese = run("ja");
    assert_eq!(japanese.status.code(), Some(2));
    assert!(
        stderr(&japanese).starts_with("エラー: --batch-size: バッチサイズ 1000 が"),
        "{}",
        stderr(&japanese)
    );
    let english = run("en");
    assert_eq!(english.status.code(), Some(2));
    assert!(
        stderr(&english).starts_with(
            "error: --batch-size: the batch size 1000 exceeds the training-set size 300"
        ),
        "{}",
        stderr(&english)
    );
}

#[test]
fn help_in_japanese_comes_from_the_message_table() {
    let results = scratch();
    let output = xtask(results.path())
        .args(["--lang", "ja", "train", "--help"])
        .output()
        .expect("running xtask");
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "使い方: cargo xtask train",
        "オプション:",
        "dropout_ration",
        "荷重減衰",
        "［既定値: 301］",
        "図 6-23",
    ] {
        assert!(help.contains(expected), "{expected:?} missing from\n{help}");
    }
    assert!(
        !help.contains("Usage:") && !help.contains("[default:"),
        "{help}"
    );
}

/// `xtask ARGS` under a Japanese locale.
fn japanese(args: &[&str]) -> Output {
    let results = scratch();
    xtask(results.path())
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "ja_JP.UTF-8")
        .args(args)
        .output()
        .expect("running xtask")
}

#[test]
fn every_command_refuses_a_bad_value_in_one_japanese_line_with_exit_2() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["fetch-mnist", "--dataset", "cifar"],
            "エラー: --dataset: データセット \"cifar\" はありません。",
        ),
        (
            &["experiment", "dropout", "--dropout", "1.5"],
            "エラー: --dropout: Dropout の比率は 0 より大きく 1 より小さい値で指定してください。指定された値: 1.5",
        ),
        (
            &["experiment", "optimisers"],
            "エラー: <NAME>: \"optimisers\" という実験はありません。次のどれかを指定してください: optimizer-paths,",
        ),
        (
            &["experiment", "activations", "--activation", "tanh"],
            "エラー: --activation: \"tanh\" という活性化関数はありません。",
        ),
        (
            &[
                "experiment",
                "dropout-sweep",
                "--ratios",
                "0,0.1",
                "--seeds",
                "10000",
            ],
            "エラー: Dropout の比率の比較が大きすぎて、何時間もかかります。",
        ),
        (
            &["experiment", "dropout-sweep", "--ratios", "0,abc"],
            "エラー: --ratios: Dropout の比率の並びが正しくありません",
        ),
        (
            &["lab", "--port", "70000"],
            "エラー: --port: 70000 はポート番号（0〜65535）ではありません",
        ),
        (
            &["lab", "--queue-limit", "0"],
            "エラー: --queue-limit: 0 は 1〜65535 の範囲にありません",
        ),
        (
            &["compare"],
            "エラー: 必要な引数が指定されていません: <CSV>...",
        ),
        (
            &["compare", "--colour", "a.csv"],
            "エラー: --colour というオプションはありません",
        ),
    ];
    for (args, start) in cases {
        let output = japanese(args);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {text}");
        assert!(text.starts_with(start), "{args:?}: {text}");
        assert_eq!(text.lines().count(), 1, "{args:?}: {text}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn english_keeps_clap_s_report_for_the_same_bad_values() {
    let results = scratch();
    let output = xtask(results.path())
        .args(["--lang", "en", "experiment", "dropout", "--dropout", "1.5"])
        .output()
        .expect("running xtask");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with(
            "error: invalid value '1.5' for '--dropout <RATIO>': the dropout ratio must be in (0, 1), got 1.5"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn every_command_s_help_is_japanese() {
    let cases: &[(&str, &[&str])] = &[
        (
            "fetch-mnist",
            &["SHA-256 で検証", "検証済みのファイルがあっても"],
        ),
        (
            "compare",
            &["引数:", "図のタイトル", "［既定値: train (circles)"],
        ),
        (
            "experiment",
            &[
                "実験（本の図）:",
                "図6-23",
                "規模:",
                "荷重減衰",
                "終了ステータス 130",
            ],
        ),
        (
            "lab",
            &[
                "待ち受けるポート",
                "［既定値: 7878］",
                "Ctrl-C でサーバーを止めます",
            ],
        ),
        ("eval", &["保存したネットワーク", "認識精度だけを表示する"]),
    ];
    for (command, expected) in cases {
        let output = japanese(&[command, "--help"]);
        assert_eq!(output.status.code(), Some(0), "{command}");
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(
            help.contains(&format!("使い方: cargo xtask {command}")),
            "{help}"
        );
        for text in *expected {
            assert!(help.contains(text), "{text:?} missing from\n{help}");
        }
        for english in ["Usage:", "[default:", "Print help", "Options:"] {
            assert!(!help.contains(english), "{english:?} in\n{help}");
        }
    }
}

#[test]
#[ignore = "needs MNIST: set SCRATCHNET_TEST_MNIST or put the four .gz files in ../shared/data/mnist"]
fn fetch_reports_in_japanese() {
    let results = scratch();
    let data = results.path().join("mnist");
    let fetch = || {
        xtask(results.path())
            .args(["--lang", "ja", "fetch-mnist", "--mirror"])
            .arg(common::mnist_dir())
            .arg("--dir")
            .arg(&data)
            .output()
            .expect("running xtask")
    };
    let first = fetch();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let out = String::from_utf8_lossy(&first.stdout);
    assert!(out.contains("バイト  sha256 "), "{out}");
    assert!(
        out.contains("の 4 つのファイルを検証しました（SHA-256）"),
        "{out}"
    );
    let again = fetch();
    assert_eq!(again.status.code(), Some(0));
    let out = String::from_utf8_lossy(&again.stdout);
    assert!(
        out.contains("の 4 つのファイルはすべて検証済みです（SHA-256）"),
        "{out}"
    );
}

#[test]
fn an_experiment_reports_in_japanese() {
    let results = scratch();
    let experiment = xtask(results.path())
        .args(["--lang", "ja", "experiment", "optimizer-paths", "--quick"])
        .output()
        .expect("running xtask");
    let text = stderr(&experiment);
    assert_eq!(experiment.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with("実験 optimizer-paths（簡易版）: 人工の入力、シード 0\n"),
        "{text}"
    );
    assert!(text.contains("\n完了（"), "{text}");
    let verdict = String::from_utf8_lossy(&experiment.stdout);
    assert!(verdict.contains("最小値に最も近いのは"), "{verdict}");
}
