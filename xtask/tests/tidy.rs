//! Tidy checks (as rust-analyzer's `xtask tidy`): what the README says about the command line
//! is what the command line does.

mod common;

use common::{scratch, xtask};
use scratchnet_experiments::ExperimentName;
use std::collections::BTreeSet;

/// The `--flags` named in `text`.
fn flags(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|word| word.starts_with("--") && word.len() > 2)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_readmes_train_flag_list_is_train_help() {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("`cargo xtask train --help` explains every flag:")
        .expect("the README's flag list");
    let end = start
        + readme[start..]
            .find("\n\n")
            .expect("the end of the paragraph");
    let mut listed = flags(&readme[start..end]);
    listed.remove("--help");
    listed.remove("--model"); // of `cargo xtask eval`, named beside --save
    let results = scratch();
    let output = xtask(results.path())
        .args(["--lang", "en", "train", "--help"])
        .output()
        .expect("running xtask");
    let help = String::from_utf8_lossy(&output.stdout);
    let offered: BTreeSet<String> = help
        .lines()
        .filter_map(|line| line.split_whitespace().find(|w| w.starts_with("--")))
        .map(|flag| flag.trim_end_matches(',').to_string())
        .filter(|flag| flag != "--help")
        .collect();
    assert_eq!(
        listed, offered,
        "README.md's flag list and `train --help` differ"
    );
}

/// The README's chapter-6 section lists every experiment: its command and its figure.
#[test]
fn the_readme_lists_every_experiment() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let start = readme
        .find("## Chapter 6, figure by figure")
        .expect("the chapter-6 section");
    let section = &readme[start..];
    let section = &section[..section[3..]
        .find("\n## ")
        .map_or(section.len(), |end| end + 3)];
    for name in ExperimentName::ALL {
        let slug = name.slug();
        assert!(
            section.contains(&format!("`cargo xtask experiment {slug}")),
            "the README's chapter-6 section lacks `cargo xtask experiment {slug}`"
        );
        assert!(
            section.contains(&format!("(docs/figures/experiment-{slug}.svg)")),
            "the README's chapter-6 section lacks the figure of {slug}"
        );
    }
}
