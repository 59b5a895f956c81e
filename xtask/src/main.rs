//! `cargo xtask …`: scratchnet's command line. Thin by design: parse the flags, call
//! `scratchnet-experiments` (and the lab), report.

mod bench;
mod compare;
mod data;
mod eval;
mod experiment;
mod fetch;
mod lab;
mod lang;
mod progress;
mod run_flags;
mod signals;
mod train;

use clap::error::{ContextKind, ErrorKind};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use scratchnet_experiments::messages::{Lang, Message};
use std::error::Error as _;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "scratchnet: the neural networks of Deep Learning from Scratch (ch. 5–6) in Rust",
    after_help = "Start with `cargo xtask train --dropout 0.2`: it fetches MNIST when needed and \
writes results/dropout0.2-seed0.{csv,json,svg}."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Language of help and messages: en or ja [default: from LC_ALL, LC_MESSAGES or LANG].
    #[arg(long, global = true, value_name = "en|ja")]
    lang: Option<Lang>,
}

#[derive(Subcommand)]
enum Command {
    /// Download MNIST (or Fashion-MNIST), verify every file by SHA-256 and cache it.
    FetchMnist(fetch::FetchArgs),
    /// Train MultiLayerNetExtend; defaults are the book's overfitting experiment.
    Train(train::TrainArgs),
    /// Overlay the accuracy curves of several runs in one figure.
    Compare(compare::CompareArgs),
    /// Report the test accuracy of a saved network.
    Eval(eval::EvalArgs),
    /// Reproduce a figure of chapter 6 on MNIST: CSV, SVG and a verdict in results/NAME/.
    Experiment(experiment::ExperimentArgs),
    /// Serve the lab: a local web page to run the chapter-6 experiments and watch them live.
    Lab(lab::LabArgs),
    /// Benchmark against the book's NumPy code: the seed run, full-MNIST workloads, step and
    /// evaluation GFLOP/s, scaling.
    Bench(bench::BenchArgs),
}

/// How a command ended, when not with success: a usage error (exit 2), a failure (exit 1), or
/// a stop on a signal (128 + its number).
#[derive(Debug)]
pub enum Failure {
    /// A wrong flag value or combination, found before any work: exit status 2.
    Usage(String),
    /// The work failed: exit status 1.
    Error(anyhow::Error),
    /// Stopped by SIGINT (130) or SIGTERM (143) after tidying up.
    Signal(i32),
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(error: E) -> Self {
        Self::Error(error.into())
    }
}

/// What every command returns.
pub type Outcome = Result<(), Failure>;

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let lang = lang::choose(&args);
    let parsed = lang::localize(Cli::command(), lang)
        .try_get_matches_from(&args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => return parse_failure(error, lang),
    };
    let outcome = match &cli.command {
        Command::FetchMnist(args) => fetch::run(args),
        Command::Train(args) => train::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Experiment(args) => experiment::run(args),
        Command::Lab(args) => lab::run(args),
        Command::Bench(args) => bench::run(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            let line = Message::new("cli.error").arg("message", message);
            eprintln!("{}", line.render(lang));
            ExitCode::from(2)
        }
        Err(Failure::Error(error)) => {
            let line = Message::new("cli.error").arg("message", error_report(&error));
            eprintln!("{}", line.render(lang));
            ExitCode::FAILURE
        }
        Err(Failure::Signal(code)) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
    }
}

/// The error and its causes joined by ": ", leaving out a cause whose text the message already
/// contains (library errors that print their source and also expose it would repeat it).
fn error_report(error: &anyhow::Error) -> String {
    let mut report = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !report.contains(&text) {
            if !report.is_empty() {
                report.push_str(": ");
            }
            report.push_str(&text);
        }
    }
    report
}

/// Ends on a command line clap refused (or on `--help`): clap's own report in English; in
/// another language one translated line (exit status 2) for a refused value, a missing
/// argument or an unknown flag.
fn parse_failure(error: clap::Error, lang: Lang) -> ExitCode {
    match translated(&error).filter(|_| lang != Lang::En) {
        Some(message) => {
            let line = Message::new("cli.error").arg("message", message.render(lang));
            eprintln!("{}", line.render(lang));
            ExitCode::from(2)
        }
        None => error.exit(),
    }
}

/// What clap refused, as a message of the table (`None`: help, version, or a kind clap alone
/// explains).
fn translated(error: &clap::Error) -> Option<Message> {
    let context = |kind| {
        error
            .get(kind)
            .map(|value| value.to_string())
            .unwrap_or_default()
    };
    let flag = context(ContextKind::InvalidArg);
    let flag = flag
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    let rule = error
        .source()
        .and_then(|source| source.downcast_ref::<run_flags::RuleError>());
    match error.kind() {
        ErrorKind::ValueValidation => Some(match rule {
            Some(rule) => Message::new("cli.refused.rule")
                .arg("flag", flag)
                .arg("rule", rule.0.render(lang::current())),
            None => Message::new("cli.refused.value")
                .arg("flag", flag)
                .arg("value", context(ContextKind::InvalidValue)),
        }),
        ErrorKind::InvalidValue => Some(
            Message::new("cli.refused.choice")
                .arg("flag", flag)
                .arg("value", context(ContextKind::InvalidValue))
                .arg("choices", context(ContextKind::ValidValue)),
        ),
        ErrorKind::MissingRequiredArgument => {
            Some(Message::new("cli.refused.missing").arg("args", context(ContextKind::InvalidArg)))
        }
        ErrorKind::UnknownArgument => Some(Message::new("cli.refused.unknown").arg("flag", flag)),
        _ => None,
    }
}

/// The workspace root (xtask lives one level below it): where `datasets/` and `results/` are.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Overrides where runs and experiments write their files (default: `results/` at the
/// workspace root).
pub const RESULTS_DIR_ENV: &str = "SCRATCHNET_RESULTS_DIR";

/// `$SCRATCHNET_RESULTS_DIR`, or `results/` at the workspace root.
pub fn results_dir() -> PathBuf {
    std::env::var_os(RESULTS_DIR_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("results"))
}

/// The checked-out commit, when the workspace is a git checkout and git is installed.
pub fn git_commit() -> Option<String> {
    let output = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(workspace_root())
        .output()
        .ok()?;
    let commit = String::from_utf8(output.stdout).ok()?.trim().to_string();
    (output.status.success() && !commit.is_empty()).then_some(commit)
}
