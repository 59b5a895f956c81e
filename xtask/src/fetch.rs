//! `cargo xtask fetch-mnist`: download MNIST or Fashion-MNIST, verify every file by SHA-256 and
//! cache it decompressed.

use crate::progress::Progress;
use crate::run_flags::RuleError;
use crate::{Outcome, lang, workspace_root};
use scratchnet_experiments::datasets::{DatasetKind, FetchReport, FileOutcome};
use scratchnet_experiments::messages::Message;
use scratchnet_experiments::{DataSource, options};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct FetchArgs {
    /// Data set: `mnist` or `fashion` (Fashion-MNIST, a drop-in with the same format).
    #[arg(long, default_value = "mnist", value_parser = dataset)]
    pub dataset: DatasetKind,
    /// Where to get the files: an http(s):// base URL, a file:// URL or a directory holding the
    /// four `.gz` (or decompressed) files. Repeatable; tried in order, before
    /// $SCRATCHNET_MNIST_MIRROR (comma-separated) and the built-in mirrors.
    #[arg(long = "mirror", value_name = "URL|DIR")]
    pub mirrors: Vec<String>,
    /// Directory receiving the four decompressed files [default: datasets/mnist or
    /// datasets/fashion-mnist at the workspace root, or $SCRATCHNET_DATA_DIR/DATASET].
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Download again even files that are present and verify.
    #[arg(long)]
    pub force: bool,
    /// Print no progress, only errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: &FetchArgs) -> Outcome {
    let source = DataSource::new(
        &workspace_root(),
        args.dataset,
        args.dir.clone(),
        args.mirrors.clone(),
    );
    let mut progress = Progress::new(args.quiet);
    let report = source.fetch(args.force, &mut progress)?;
    if !args.quiet {
        print_report(args.dataset, &report);
    }
    Ok(())
}

/// `--dataset`, refused with the option's message (shown in the chosen language).
pub fn dataset(text: &str) -> Result<DatasetKind, RuleError> {
    options::rules::dataset(text).map_err(RuleError)
}

fn print_report(kind: DatasetKind, report: &FetchReport) {
    let say = |message: Message| println!("{}", message.render(lang::current()));
    let dir = report.dir.display();
    if report.nothing_to_do() {
        say(Message::new("cli.fetch.nothing_to_do")
            .arg("dataset", kind)
            .arg("count", report.files.len())
            .arg("dir", dir));
        return;
    }
    for path in &report.removed_partials {
        say(Message::new("cli.fetch.removed_partial").arg("path", path.display()));
    }
    for file in &report.files {
        let what = match &file.outcome {
            FileOutcome::AlreadyVerified => Message::new("cli.fetch.already"),
            FileOutcome::Downloaded { source } => {
                Message::new("cli.fetch.downloaded").arg("source", source)
            }
            FileOutcome::Replaced { source, problem } => Message::new("cli.fetch.replaced")
                .arg("problem", problem)
                .arg("source", source),
        };
        say(Message::new("cli.fetch.file")
            .arg("name", format!("{:<24}", file.name))
            .arg("size", format!("{:>10}", file.size))
            .arg("sha256", file.sha256)
            .arg("what", what.render(lang::current())));
    }
    say(Message::new("cli.fetch.done")
        .arg("dataset", kind)
        .arg("count", report.files.len())
        .arg("dir", dir));
}
