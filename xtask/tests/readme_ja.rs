//! The Japanese README stays the English one's twin: the same shell commands, and each links to
//! the other on its first line. Reads files only.

use std::collections::BTreeSet;
use std::path::Path;

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The shell commands of a README's code blocks: `cargo …` and `pip …` lines (after any
/// `VAR=value` prefix), comments removed, spaces collapsed.
fn readme_commands(relative: &str) -> BTreeSet<String> {
    commands_in(&read(relative))
}

/// The `cargo …`/`pip …` lines of the code blocks of a Markdown text.
fn commands_in(markdown: &str) -> BTreeSet<String> {
    let mut in_block = false;
    let mut commands = BTreeSet::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        let command = line.split(" #").next().unwrap_or_default();
        let words: Vec<&str> = command.split_whitespace().collect();
        let program = words.iter().find(|word| !word.contains('='));
        if in_block && program.is_some_and(|p| *p == "cargo" || *p == "pip") {
            commands.insert(words.join(" "));
        }
    }
    commands
}

#[test]
fn the_japanese_readme_shows_the_same_commands_as_the_english_one() {
    let english = readme_commands("README.md");
    let japanese = readme_commands("README.ja.md");
    assert!(english.len() >= 5, "found only {english:?} in README.md");
    let only_english: Vec<_> = english.difference(&japanese).collect();
    let only_japanese: Vec<_> = japanese.difference(&english).collect();
    assert!(
        only_english.is_empty() && only_japanese.is_empty(),
        "the READMEs' commands differ:\nonly in README.md: {only_english:#?}\nonly in README.ja.md: {only_japanese:#?}"
    );
}

#[test]
fn each_readme_links_to_the_other_on_its_first_line() {
    let first_line = |relative| {
        read(relative)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert!(first_line("README.md").contains("(README.ja.md)"));
    assert!(first_line("README.ja.md").contains("(README.md)"));
}

#[test]
fn commands_are_read_from_code_blocks_only_without_comments() {
    let markdown = "Run `cargo doc` inline.\n```sh\ncargo xtask train   --dropout 0.2   # 過学習\n\
                    X=1 cargo test -- --ignored\npip install ./crates/python\nls\n```\ncargo fmt\n";
    let expected = [
        "X=1 cargo test -- --ignored",
        "cargo xtask train --dropout 0.2",
        "pip install ./crates/python",
    ];
    assert_eq!(commands_in(markdown), expected.map(String::from).into());
}
