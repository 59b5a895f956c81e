//! `cargo xtask compare`: several runs' accuracy curves in one figure, e.g. the book's figure
//! 6-23 (the same network without and with dropout).

use crate::{Outcome, lang, results_dir};
use scratchnet_experiments::messages::Message;
use scratchnet_experiments::{RunCurves, compare_figure};
use std::path::PathBuf;

#[derive(clap::Args, Clone, Debug)]
pub struct CompareArgs {
    /// Results CSVs written by `cargo xtask train` (columns epoch,train_loss,train_acc,test_acc).
    #[arg(required = true, value_name = "CSV")]
    pub runs: Vec<PathBuf>,
    /// The figure to write [default: results/compare.svg].
    #[arg(short = 'o', long = "output", value_name = "FILE.svg")]
    pub output: Option<PathBuf>,
    /// Title of the figure.
    #[arg(long, default_value = "train (circles) and test (squares) accuracy")]
    pub title: String,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: &CompareArgs) -> Outcome {
    let runs = args
        .runs
        .iter()
        .map(|path| RunCurves::read(path))
        .collect::<Result<Vec<_>, _>>()?;
    let output = match &args.output {
        Some(path) => path.clone(),
        None => {
            let dir = results_dir();
            std::fs::create_dir_all(&dir)
                .map_err(|error| anyhow::anyhow!("creating {}: {error}", dir.display()))?;
            dir.join("compare.svg")
        }
    };
    compare_figure(runs, &output, &args.title, crate::lang::current())?;
    if !args.quiet {
        let wrote = Message::new("cli.compare.wrote").arg("path", output.display());
        eprintln!("{}", wrote.render(lang::current()));
    }
    Ok(())
}
