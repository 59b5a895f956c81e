//! `cargo xtask fetch-mnist`: download MNIST or Fashion-MNIST, verify every file by SHA-256 and
//! cache it decompressed.

use crate::progress::Progress;
use crate::{Outcome, workspace_root};
use scratchnet_experiments::datasets::{DatasetKind, FetchReport, FileOutcome};
use scratchnet_experiments::{DataSource, options};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct FetchArgs {
    /// Data set: `mnist` or `fashion` (Fashion-MNIST, a drop-in with the same format).
    #[arg(long, default_value = "mnist", value_parser = options::dataset)]
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

fn print_report(kind: DatasetKind, report: &FetchReport) {
    let dir = report.dir.display();
    if report.nothing_to_do() {
        println!(
            "{kind}: all {} files already verified (SHA-256) in {dir} — nothing to do",
            report.files.len()
        );
        return;
    }
    for path in &report.removed_partials {
        println!(
            "removed the leftover of an interrupted download: {}",
            path.display()
        );
    }
    for file in &report.files {
        let what = match &file.outcome {
            FileOutcome::AlreadyVerified => "already there".to_owned(),
            FileOutcome::Downloaded { source } => format!("fetched from {source}"),
            FileOutcome::Replaced { source, problem } => {
                format!("replaced a corrupt copy ({problem}) from {source}")
            }
        };
        println!(
            "  {:<24} {:>10} bytes  sha256 {}  {what}",
            file.name, file.size, file.sha256
        );
    }
    println!(
        "{kind}: {} files verified (SHA-256) in {dir}",
        report.files.len()
    );
}
