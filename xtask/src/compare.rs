//! `cargo xtask compare`: several runs' accuracy curves in one figure, e.g. the book's figure
//! 6-23 (the same network without and with dropout).

use crate::plot::{self, Marker, Series};
use crate::results;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

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

/// One run read back from its CSV.
struct Run {
    name: String,
    train: Vec<(f64, f64)>,
    test: Vec<(f64, f64)>,
}

fn read_run(path: &Path) -> Result<Run> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("reading {}", path.display()))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|header| header == name)
            .with_context(|| {
                format!(
                    "{} has no {name:?} column (expected a results CSV of `cargo xtask train`)",
                    path.display()
                )
            })
    };
    let (epoch, train_acc, test_acc) =
        (column("epoch")?, column("train_acc")?, column("test_acc")?);
    let mut run = Run {
        name: path.file_stem().map_or_else(
            || path.display().to_string(),
            |s| s.to_string_lossy().into_owned(),
        ),
        train: Vec::new(),
        test: Vec::new(),
    };
    for (line, row) in reader.records().enumerate() {
        let row = row.with_context(|| format!("{}: row {}", path.display(), line + 2))?;
        let number = |index: usize| -> Result<f64> {
            let field = row.get(index).unwrap_or_default();
            field.parse().with_context(|| {
                format!(
                    "{}: row {}: {field:?} is not a number",
                    path.display(),
                    line + 2
                )
            })
        };
        let x = number(epoch)?;
        run.train.push((x, number(train_acc)?));
        run.test.push((x, number(test_acc)?));
    }
    if run.train.is_empty() {
        bail!("{} has no epochs", path.display());
    }
    Ok(run)
}

pub fn run(args: &CompareArgs) -> Result<()> {
    let runs: Vec<Run> = args
        .runs
        .iter()
        .map(|path| read_run(path))
        .collect::<Result<_>>()?;
    let series: Vec<Series> = runs
        .into_iter()
        .enumerate()
        .flat_map(|(index, run)| {
            let color = plot::PALETTE[index % plot::PALETTE.len()];
            [
                Series {
                    label: format!("{} train", run.name),
                    points: run.train,
                    marker: Marker::Circle,
                    color,
                },
                Series {
                    label: format!("{} test", run.name),
                    points: run.test,
                    marker: Marker::Square,
                    color,
                },
            ]
        })
        .collect();
    let output = match &args.output {
        Some(path) => path.clone(),
        None => results::results_dir()?.join("compare.svg"),
    };
    plot::accuracy_chart(&output, &args.title, &series)?;
    if !args.quiet {
        eprintln!("wrote {}", output.display());
    }
    Ok(())
}
