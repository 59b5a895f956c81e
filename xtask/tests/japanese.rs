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
    let results = scratch();
    let output = xtask(results.path())
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "ja_JP.UTF-8")
        .args(["train", "--dropout", "1.5"])
        .output()
        .expect("running xtask");
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
