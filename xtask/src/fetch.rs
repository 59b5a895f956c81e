//! `cargo xtask fetch-mnist`: download MNIST or Fashion-MNIST, verify every file by SHA-256 and
//! cache it decompressed; and [`ensure_dataset`], the same for commands that need the data.

use anyhow::{Result, anyhow};
use indicatif::{ProgressBar, ProgressStyle};
use scratchnet_datasets::{
    Catalog, DatasetKind, FetchError, FetchEvent, FetchObserver, FetchOptions, FetchReport,
    FileOutcome, default_data_dir, fetch, mirrors_from_env,
};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct FetchArgs {
    /// Data set: `mnist` or `fashion` (Fashion-MNIST, a drop-in with the same format).
    #[arg(long, default_value = "mnist", value_parser = crate::data::parse_kind)]
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

fn options(
    kind: DatasetKind,
    dir: Option<PathBuf>,
    mirrors: &[String],
    force: bool,
) -> FetchOptions {
    let dir = dir.unwrap_or_else(|| default_data_dir(&crate::results::workspace_root(), kind));
    let mut options = FetchOptions::new(dir);
    options.mirrors = mirrors.iter().cloned().chain(mirrors_from_env()).collect();
    options.force = force;
    options
}

pub fn run(args: &FetchArgs) -> Result<()> {
    let options = options(args.dataset, args.dir.clone(), &args.mirrors, args.force);
    let mut renderer = Renderer::new(args.quiet);
    let report =
        fetch(args.dataset, &options, &mut renderer).map_err(|e| explain(e, args.dataset))?;
    if !args.quiet {
        print_report(args.dataset, &report);
    }
    Ok(())
}

/// Makes sure the verified files of `kind` are in `dir` (default: the workspace's data
/// directory), fetching only what is missing or corrupt and saying so; returns the directory.
pub fn ensure_dataset(
    kind: DatasetKind,
    dir: Option<PathBuf>,
    mirrors: &[String],
    quiet: bool,
) -> Result<PathBuf> {
    let options = options(kind, dir, mirrors, false);
    let mut renderer = Renderer::new(quiet);
    match fetch(kind, &options, &mut renderer) {
        Ok(report) => {
            if !quiet && !report.nothing_to_do() {
                print_report(kind, &report);
            }
            Ok(report.dir)
        }
        // A read-only directory that already holds every file (e.g. Debian's
        // /usr/share/datasets/fashion-mnist): loading verifies the hashes itself.
        Err(FetchError::Io { .. })
            if Catalog::for_kind(kind)
                .files
                .iter()
                .all(|f| f.find_in(&options.dir).is_some()) =>
        {
            Ok(options.dir)
        }
        Err(error) => Err(explain(error, kind)),
    }
}

/// The error, plus how to get going offline when no source worked.
fn explain(error: FetchError, kind: DatasetKind) -> anyhow::Error {
    match error {
        FetchError::AllSourcesFailed { .. } | FetchError::NoSources { .. } => anyhow!(
            "{kind}: {error}\n\
             Offline or behind a firewall? Point at a directory (or file:// or http:// mirror) \
             holding the four .gz files:\n    \
             cargo xtask fetch-mnist{} --mirror /path/to/dir-with-the-gz-files\n\
             or set SCRATCHNET_MNIST_MIRROR (comma-separated).",
            match kind {
                DatasetKind::Mnist => "",
                DatasetKind::FashionMnist => " --dataset fashion",
            }
        ),
        other => anyhow!("{kind}: {other}"),
    }
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

/// Renders fetch events: progress bars on a terminal, plain lines otherwise, nothing if quiet.
enum Renderer {
    Quiet,
    Plain { next_percent: u64 },
    Bars { bar: Option<ProgressBar> },
}

impl Renderer {
    fn new(quiet: bool) -> Renderer {
        if quiet {
            Renderer::Quiet
        } else if std::io::stderr().is_terminal() {
            Renderer::Bars { bar: None }
        } else {
            Renderer::Plain { next_percent: 0 }
        }
    }

    /// Prints a line without tearing a progress bar.
    fn line(&self, text: &str) {
        match self {
            Renderer::Quiet => {}
            Renderer::Plain { .. } | Renderer::Bars { bar: None } => eprintln!("{text}"),
            Renderer::Bars { bar: Some(bar) } => bar.suspend(|| eprintln!("{text}")),
        }
    }

    fn finish_bar(&mut self) {
        if let Renderer::Bars { bar } = self
            && let Some(bar) = bar.take()
        {
            bar.finish_and_clear();
        }
    }
}

fn bar_style(known_total: bool) -> ProgressStyle {
    let template = if known_total {
        "{msg:32} [{bar:30}] {bytes:>10}/{total_bytes:<10} {binary_bytes_per_sec:>12} eta {eta}"
    } else {
        "{spinner} {msg:32} {bytes:>10} {binary_bytes_per_sec:>12}"
    };
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

impl FetchObserver for Renderer {
    fn on_event(&mut self, event: &FetchEvent<'_>) {
        match event {
            FetchEvent::WaitingForLock { dir } => {
                self.line(&format!(
                    "waiting for another fetch into {} to finish…",
                    dir.display()
                ));
            }
            FetchEvent::RemovedStale { path } => {
                self.line(&format!(
                    "removed the leftover of an interrupted download: {}",
                    path.display()
                ));
            }
            FetchEvent::AlreadyVerified { .. } => {}
            FetchEvent::CorruptCached { file, problem, .. } => {
                self.line(&format!(
                    "{}: the cached copy is corrupt ({problem}); fetching it again",
                    file.name
                ));
            }
            FetchEvent::Trying { file, source } => match self {
                Renderer::Quiet => {}
                Renderer::Plain { next_percent } => {
                    *next_percent = 0;
                    eprintln!("{}: fetching from {source}", file.name);
                }
                Renderer::Bars { bar } => {
                    let new = ProgressBar::new(0)
                        .with_style(bar_style(false))
                        .with_message(file.name.clone());
                    if let Some(old) = bar.replace(new) {
                        old.finish_and_clear();
                    }
                }
            },
            FetchEvent::Progress { file, bytes, total } => match self {
                Renderer::Quiet => {}
                Renderer::Plain { next_percent } => {
                    if let Some(total) = total.filter(|&t| t > 0) {
                        let percent = bytes.saturating_mul(100) / total;
                        if percent >= *next_percent && *next_percent <= 100 {
                            eprintln!("{}: {percent:>3}% ({bytes} of {total} bytes)", file.name);
                            *next_percent = (percent / 25 + 1) * 25;
                        }
                    }
                }
                Renderer::Bars { bar: Some(bar) } => {
                    if let Some(total) = total
                        && bar.length() != Some(*total)
                    {
                        bar.set_style(bar_style(true));
                        bar.set_length(*total);
                    }
                    bar.set_position(*bytes);
                }
                Renderer::Bars { bar: None } => {}
            },
            FetchEvent::SourceFailed { file, failure } => {
                self.finish_bar();
                self.line(&format!(
                    "{}: {failure} — trying the next source",
                    file.name
                ));
            }
            FetchEvent::Installed { file, path, .. } => {
                self.finish_bar();
                self.line(&format!(
                    "{}: verified (SHA-256 {}) → {}",
                    file.name,
                    file.sha256,
                    path.display()
                ));
            }
            _ => {}
        }
    }
}
