//! `cargo xtask experiment NAME`: the experiments of chapter 6, one figure each, on real MNIST
//! (or synthetic inputs), as `ExperimentName` describes them.

use crate::data::DataArgs;
use crate::progress::Progress;
use crate::run_flags::RuleError;
use crate::signals::StopSignal;
use crate::{Failure, Outcome, lang, results_dir};
use scratchnet_experiments::messages::{self, Message};
use scratchnet_experiments::network::{Activation, DropoutMode};
use scratchnet_experiments::options::rules;
use scratchnet_experiments::{
    ExperimentError, ExperimentName, ExperimentRequest, check_sweep_size, parse_activations,
    parse_experiment_dropout, parse_ratios, parse_seeds,
};
use std::path::PathBuf;

#[derive(clap::Args, Clone, Debug)]
#[command(allow_negative_numbers = true, after_help = after_help())]
pub struct ExperimentArgs {
    /// The experiment (a figure of chapter 6); the list is below.
    #[arg(value_parser = parse_name, value_name = "NAME")]
    pub name: ExperimentName,
    /// Seed of every random number; each independent run derives its own from it and its index.
    #[arg(long, default_value = "0", value_parser = parse_seed)]
    pub seed: u64,
    /// Fewer iterations, epochs, scales and trials, same code path: a look in seconds.
    #[arg(long)]
    pub quick: bool,
    /// Dropout ratio of the `dropout` experiment, in (0, 1) (the book's figure used 0.15).
    #[arg(long, default_value = "0.2", value_parser = parse_dropout, value_name = "RATIO")]
    pub dropout: f64,
    /// Dropout ratios of `dropout-sweep`, comma-separated, each in [0, 1); 0 (the baseline) is
    /// always run.
    #[arg(long, default_value = "0,0.1,0.2,0.3,0.4,0.5", value_parser = parse_ratio_list, value_name = "RATIOS")]
    pub ratios: Ratios,
    /// Seeds per ratio of `dropout-sweep` (2 or more; at most 4 with --quick).
    #[arg(long, default_value = "20", value_parser = parse_seed_count, value_name = "N")]
    pub seeds: usize,
    /// Dropout of `dropout-sweep`: book (scale by 1 − ratio at inference) or inverted.
    #[arg(long = "dropout-mode", default_value = "book", value_parser = scratchnet_experiments::options::dropout_mode, value_name = "MODE")]
    pub dropout_mode: DropoutMode,
    /// Rows of the `activations` experiment: sigmoid, relu or both.
    #[arg(long, default_value = "both", value_parser = parse_rows, value_name = "NAME")]
    pub activation: ActivationRows,
    /// Write the outputs here instead of results/NAME/ at the workspace root.
    #[arg(long = "out-dir", value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    #[command(flatten)]
    pub data: DataArgs,
    /// Print nothing but errors and the verdict.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The list of experiments with their figure, description and sizes, in the command line's
/// language.
fn after_help() -> String {
    let lang = lang::current();
    let sizes = ExperimentName::ALL
        .iter()
        .map(|name| {
            let size = Message::new("experiments.sizes")
                .arg("full", name.size(false).render(lang))
                .arg("quick", name.size(true).render(lang));
            format!("  {:16}  {}", name.slug(), size.render(lang))
        })
        .collect::<Vec<_>>()
        .join("\n");
    format!(
        "{}\n{}\n\n{}\n{sizes}\n\n{}",
        messages::text(lang, "cli.experiment.help.list"),
        ExperimentName::list(lang),
        messages::text(lang, "cli.experiment.help.sizes"),
        messages::text(lang, "cli.experiment.help.footer"),
    )
}

/// The activations whose rows the `activations` experiment draws.
#[derive(Clone, Debug)]
pub struct ActivationRows(pub Vec<Activation>);

fn parse_rows(text: &str) -> Result<ActivationRows, RuleError> {
    parse_activations(text).map(ActivationRows).map_err(|_| {
        RuleError(Message::new("cli.experiment.activation.unknown").arg("got", quoted(text.trim())))
    })
}

/// The ratios of `dropout-sweep`, 0 first.
#[derive(Clone, Debug)]
pub struct Ratios(pub Vec<f64>);

fn parse_ratio_list(text: &str) -> Result<Ratios, RuleError> {
    parse_ratios(text).map(Ratios).map_err(|reason| {
        RuleError(Message::new("cli.experiment.ratios.invalid").arg("reason", reason))
    })
}

fn parse_seed_count(text: &str) -> Result<usize, RuleError> {
    parse_seeds(text).map_err(|reason| {
        RuleError(Message::new("cli.experiment.seeds.invalid").arg("reason", reason))
    })
}

fn parse_name(text: &str) -> Result<ExperimentName, RuleError> {
    text.parse().map_err(|_: String| {
        let names: Vec<&str> = ExperimentName::ALL.iter().map(|name| name.slug()).collect();
        RuleError(
            Message::new("cli.experiment.name.unknown")
                .arg("got", quoted(text))
                .arg("names", names.join(", ")),
        )
    })
}

fn parse_dropout(text: &str) -> Result<f64, RuleError> {
    parse_experiment_dropout(text).map_err(|_| {
        RuleError(match text.trim().parse::<f64>() {
            Ok(_) => Message::new("cli.experiment.dropout.range").arg("got", text),
            Err(_) => Message::new("cli.value.not_a_number").arg("got", quoted(text)),
        })
    })
}

fn parse_seed(text: &str) -> Result<u64, RuleError> {
    rules::seed(text).map_err(RuleError)
}

/// `text` as Rust's `{:?}` quotes it, as the messages show a value that is not a number.
fn quoted(text: &str) -> String {
    format!("{text:?}")
}

pub fn run(args: &ExperimentArgs) -> Outcome {
    let stop = StopSignal::install();
    let slug = args.name.slug();
    let out_dir = args
        .out_dir
        .clone()
        .unwrap_or_else(|| results_dir().join(slug));
    if args.name == ExperimentName::DropoutSweep {
        check_sweep_size(args.ratios.0.len(), args.seeds).map_err(|reason| {
            let refusal = Message::new("cli.experiment.sweep.too_large").arg("reason", reason);
            Failure::Usage(refusal.render(lang::current()))
        })?;
    }
    let request = ExperimentRequest {
        dropout: args.dropout,
        activations: args.activation.0.clone(),
        lang: crate::lang::current(),
        ratios: args.ratios.0.clone(),
        seeds: args.seeds,
        dropout_mode: args.dropout_mode,
        ..ExperimentRequest::new(args.name, args.seed, args.quick)
    };
    let prepared = request.prepare(&out_dir)?;
    let data = if args.name.needs_mnist() {
        Some(args.data.load(args.name.train_samples(), args.quiet)?)
    } else {
        None
    };
    let lang = lang::current();
    if !args.quiet {
        let source = data.as_ref().map_or_else(
            || messages::text(lang, "cli.experiment.synthetic"),
            |data| data.kind.to_string(),
        );
        let quick = if args.quick {
            messages::text(lang, "cli.experiment.quick")
        } else {
            String::new()
        };
        let start = Message::new("cli.experiment.start")
            .arg("name", slug)
            .arg("quick", quick)
            .arg("source", source)
            .arg("seed", args.seed);
        eprintln!("{}", start.render(lang));
    }
    let progress = Progress::new(args.quiet);
    match prepared.run_with(data.as_ref(), &progress, stop.flag()) {
        Ok(report) => {
            if !args.quiet {
                let files: Vec<String> = report
                    .files
                    .iter()
                    .map(|path| path.display().to_string())
                    .collect();
                let done = Message::new("cli.experiment.done")
                    .arg("seconds", format!("{:.1}", report.seconds))
                    .arg("files", files.join("  "));
                eprintln!("{}", done.render(lang));
            }
            println!("{}", report.message.render(lang));
            Ok(())
        }
        Err(ExperimentError::Interrupted) => {
            let interrupted =
                Message::new("cli.experiment.interrupted").arg("dir", out_dir.display());
            eprintln!("{}", interrupted.render(lang));
            Err(Failure::Signal(stop.exit_status().unwrap_or(130)))
        }
        Err(error) => Err(error.into()),
    }
}
