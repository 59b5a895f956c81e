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

/// `METHOD /path` pairs of `text`, each `{parameter}` written `{}` (names differ, places don't).
fn normalized(method: &str, path: &str) -> String {
    let mut out = String::new();
    let mut in_parameter = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_parameter = true;
                out.push_str("{}");
            }
            '}' => in_parameter = false,
            _ if !in_parameter => out.push(c),
            _ => {}
        }
    }
    format!("{method} {out}")
}

/// Every route of the lab's router (`crates/lab/src/api/mod.rs`): `.route("PATH", get(…).post(…))`.
fn router_routes() -> BTreeSet<String> {
    let source = include_str!("../../crates/lab/src/api/mod.rs");
    let compact: String = source.split_whitespace().collect();
    let mut routes = BTreeSet::new();
    for call in compact.split(".route(\"").skip(1) {
        let (path, rest) = call.split_once('"').expect("a route's path");
        let handlers = &rest[..rest.find("))").map_or(rest.len(), |end| end + 1)];
        for (pattern, method) in [
            ("get(", "GET"),
            ("post(", "POST"),
            ("delete(", "DELETE"),
            ("put(", "PUT"),
            ("patch(", "PATCH"),
        ] {
            if handlers.starts_with(&format!(",{pattern}"))
                || handlers.contains(&format!(".{pattern}"))
            {
                routes.insert(normalized(method, path));
            }
        }
    }
    routes
}

/// Every `METHOD /path` in the first column of `crates/lab/README.md`'s API table.
fn readme_routes() -> BTreeSet<String> {
    let readme = include_str!("../../crates/lab/README.md");
    let start = readme.find("## HTTP API").expect("the API section");
    let table = readme[start..]
        .lines()
        .skip_while(|line| !line.starts_with("| request"))
        .skip(2)
        .take_while(|line| line.starts_with('|'));
    let mut routes = BTreeSet::new();
    for row in table {
        let first = row.split(" | ").next().unwrap_or_default();
        for code in first.split('`').skip(1).step_by(2) {
            let mut words = code.split_whitespace();
            if let (Some(method), Some(path)) = (words.next(), words.next()) {
                let is_method = ["GET", "POST", "DELETE", "PUT", "PATCH"].contains(&method);
                if is_method && path.starts_with('/') {
                    routes.insert(normalized(method, path));
                }
            }
        }
    }
    routes
}

#[test]
fn the_lab_readmes_api_table_is_the_router() {
    let routes = router_routes();
    assert!(
        routes.contains("GET /api/runs/{}/events"),
        "the router's routes were not read: {routes:?}"
    );
    assert_eq!(
        readme_routes(),
        routes,
        "crates/lab/README.md's API table and the router (crates/lab/src/api/mod.rs) differ"
    );
}

#[test]
fn the_labs_train_form_quotes_no_option_choice_or_default() {
    use scratchnet_experiments::options::OPTIONS;
    // The Train form is drawn from GET /api/options; its module holds no copy of the list.
    let form = include_str!("../../crates/lab/static/js/train.js");
    for spec in OPTIONS {
        let mut words = vec![spec.name.to_string()];
        words.extend((spec.choices)());
        // A flag's default (`false`) is how any checkbox starts, not a copy.
        words.extend(
            spec.default_text()
                .filter(|text| text.parse::<bool>().is_err()),
        );
        for word in words {
            for quoted in [format!("'{word}'"), format!("\"{word}\"")] {
                assert!(
                    !form.contains(&quoted),
                    "crates/lab/static/js/train.js quotes {quoted}: it belongs in options::OPTIONS"
                );
            }
        }
    }
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
