//! The book map cannot rot: `docs/book-map.md` and its Japanese twin name files and items that
//! exist and commands that run, row for row alike. Reads files and `--help` only: no data.

mod common;

use std::path::{Path, PathBuf};

/// Experiments the chapter-6 issue is building now: a map row may name one before it exists,
/// but only with [`PLANNED_MARK`] in the row, so that a typo in any other name fails.
const PLANNED: &[&str] = &[
    "optimizer-paths",
    "activations",
    "gradient-check",
    "dropout-sweep",
    "dropout-ensemble",
];

/// The mark a row carries while it names a planned experiment.
const PLANNED_MARK: &str = "issue 21";

/// Item kinds a map row may name, as they start a Rust declaration.
const KINDS: &[&str] = &[
    "fn", "struct", "enum", "trait", "type", "const", "mod", "impl",
];

/// One row of a map table: where it is, and what its code and reproduce cells name.
#[derive(Debug)]
struct Row {
    line: usize,
    text: String,
    /// Each named file with the items named after it.
    code: Vec<(String, Vec<String>)>,
    /// The `cargo …` commands of the reproduce cell.
    commands: Vec<String>,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

fn read(relative: &str) -> String {
    let path = workspace().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of every `` `…` `` span of a cell, in order.
fn code_spans(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(|span| span.trim().to_string())
        .collect()
}

fn is_file_path(span: &str) -> bool {
    span.contains('/')
        && [".rs", ".md", ".py", ".toml"]
            .iter()
            .any(|ext| span.ends_with(ext))
}

/// The rows of every table of a map (header and separator lines skipped).
fn map_rows(relative: &str) -> Vec<Row> {
    let text = read(relative);
    let mut rows = Vec::new();
    let mut previous_was_table = false;
    for (index, line) in text.lines().enumerate() {
        let is_table = line.starts_with('|');
        let is_header = is_table && !previous_was_table;
        previous_was_table = is_table;
        if !is_table || is_header || line.starts_with("|---") {
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').collect();
        assert_eq!(
            cells.len(),
            5,
            "{relative}:{}: a row has 5 cells",
            index + 1
        );
        rows.push(Row {
            line: index + 1,
            text: line.to_string(),
            code: code_cell(cells[1], relative, index + 1),
            commands: code_spans(cells[2])
                .into_iter()
                .filter(|span| span.starts_with("cargo "))
                .collect(),
        });
    }
    assert!(
        rows.len() > 50,
        "{relative}: only {} rows found",
        rows.len()
    );
    rows
}

/// Files and the items after each in a code cell.
fn code_cell(cell: &str, relative: &str, line: usize) -> Vec<(String, Vec<String>)> {
    let mut code: Vec<(String, Vec<String>)> = Vec::new();
    for span in code_spans(cell) {
        if is_file_path(&span) {
            code.push((span, Vec::new()));
        } else if let Some((_, items)) = code.last_mut() {
            items.push(span);
        } else {
            panic!("{relative}:{line}: item `{span}` before any file");
        }
    }
    code
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `text` with every `<…>` removed (balanced), so `impl<T: Float> Layer<T> for Relu<T>` reads
/// `impl Layer for Relu`.
fn without_generics(text: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '<' => depth += 1,
            '>' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `needle` occurs in `haystack` as whole words.
fn occurs_as_words(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(start, _)| {
        let before = haystack[..start].chars().next_back();
        let after = haystack[start + needle.len()..].chars().next();
        !before.is_some_and(is_ident_char) && !after.is_some_and(is_ident_char)
    })
}

/// Whether the declaration `item` (`fn name`, `impl Trait for Type`, …) occurs in `source`.
fn declares(source: &str, item: &str) -> bool {
    if item.starts_with("impl ") {
        source
            .lines()
            .filter(|line| line.trim_start().starts_with("impl"))
            .any(|line| occurs_as_words(&without_generics(line), item))
    } else {
        occurs_as_words(source, item)
    }
}

fn item_is_well_formed(item: &str) -> bool {
    let item = item.strip_prefix("pub ").unwrap_or(item);
    let mut words = item.split_whitespace();
    let kind_ok = words.next().is_some_and(|kind| KINDS.contains(&kind));
    let name_ok = words
        .next()
        .is_some_and(|name| name.chars().all(is_ident_char));
    kind_ok && name_ok
}

fn help(args: &[&str]) -> String {
    let scratch = common::scratch();
    let output = common::xtask(scratch.path())
        .args(args)
        .output()
        .expect("the xtask binary runs");
    assert!(output.status.success(), "xtask {args:?} failed");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn every_file_and_item_the_maps_name_exists() {
    let mut problems = Vec::new();
    for map in ["docs/book-map.md", "docs/book-map.ja.md"] {
        for row in map_rows(map) {
            for (file, items) in &row.code {
                let Ok(source) = std::fs::read_to_string(workspace().join(file)) else {
                    problems.push(format!("{map}:{}: no file {file}", row.line));
                    continue;
                };
                for item in items {
                    if !item_is_well_formed(item) {
                        problems.push(format!("{map}:{}: `{item}` is not `KIND name`", row.line));
                    } else if !declares(&source, item) {
                        problems.push(format!("{map}:{}: `{item}` is not in {file}", row.line));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the book map rotted:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_command_the_maps_give_names_a_real_subcommand_crate_and_experiment() {
    let subcommands = help(&["--help"]);
    let experiments = help(&["experiment", "--help"]);
    let mut problems = Vec::new();
    for map in ["docs/book-map.md", "docs/book-map.ja.md"] {
        for row in map_rows(map) {
            for command in &row.commands {
                if let Some(problem) = command_problem(command, &row, &subcommands, &experiments) {
                    problems.push(format!("{map}:{}: `{command}`: {problem}", row.line));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// What is wrong with one `cargo …` command of a row, if anything.
fn command_problem(
    command: &str,
    row: &Row,
    subcommands: &str,
    experiments: &str,
) -> Option<String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    if let Some(position) = words.iter().position(|word| *word == "-p") {
        let package = words.get(position + 1)?;
        let dir = package.strip_prefix("scratchnet-").unwrap_or(package);
        if !workspace()
            .join("crates")
            .join(dir)
            .join("Cargo.toml")
            .exists()
        {
            return Some(format!("no crate {package}"));
        }
        if let Some(example) = words.iter().position(|word| *word == "--example") {
            let file = format!("crates/{dir}/examples/{}.rs", words.get(example + 1)?);
            if !workspace().join(&file).exists() {
                return Some(format!("no {file}"));
            }
        }
    }
    if words.get(1) != Some(&"xtask") {
        return None;
    }
    let subcommand = words.get(2)?;
    if !occurs_as_words(subcommands, subcommand) {
        return Some(format!("`cargo xtask --help` has no {subcommand}"));
    }
    if *subcommand != "experiment" {
        return None;
    }
    let name = words.get(3)?;
    let exists = occurs_as_words(experiments, name);
    let planned = PLANNED.contains(name) && row.text.contains(PLANNED_MARK);
    (!exists && !planned).then(|| {
        format!("no experiment {name} in `experiment --help` (a planned one needs \"{PLANNED_MARK}\" in its row)")
    })
}

#[test]
fn the_english_and_japanese_maps_name_the_same_code_and_commands_row_by_row() {
    let english = map_rows("docs/book-map.md");
    let japanese = map_rows("docs/book-map.ja.md");
    assert_eq!(
        english.len(),
        japanese.len(),
        "the two maps have as many rows"
    );
    for (en, ja) in english.iter().zip(&japanese) {
        assert_eq!(
            (&en.code, &en.commands),
            (&ja.code, &ja.commands),
            "docs/book-map.md:{} and docs/book-map.ja.md:{} differ",
            en.line,
            ja.line
        );
        let en_planned = en.text.contains(PLANNED_MARK);
        let ja_planned = ja.text.contains(PLANNED_MARK);
        assert_eq!(
            en_planned, ja_planned,
            "planned in one map only: line {}",
            en.line
        );
    }
}

#[test]
fn the_map_parser_reads_files_items_and_generics() {
    let source =
        "impl<T: Float> Layer<T> for Relu<T> {\n    pub fn backward_params_only(&mut self) {}\n}";
    assert!(declares(source, "impl Layer for Relu"));
    assert!(declares(source, "fn backward_params_only"));
    assert!(!declares(source, "fn backward"), "whole words only");
    assert!(!declares(source, "impl Layer for Sigmoid"));
    assert!(item_is_well_formed("pub enum DropoutMode"));
    assert!(!item_is_well_formed("Affine"));
    let cell = " `crates/a/src/x.rs` `struct X` `fn y`; `crates/b/src/z.rs` `fn w` ";
    assert_eq!(
        code_cell(cell, "test", 1),
        vec![
            (
                "crates/a/src/x.rs".to_string(),
                vec!["struct X".to_string(), "fn y".to_string()]
            ),
            ("crates/b/src/z.rs".to_string(), vec!["fn w".to_string()]),
        ]
    );
}
