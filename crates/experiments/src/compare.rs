//! Several runs' accuracy curves in one figure, e.g. the book's figure 6-23 (the same network
//! without and with dropout).

use crate::csv_log::{ReadError, read_epochs};
use crate::figures::{self, FigureError, Marker, PALETTE, Series};
use crate::messages::{Lang, Message};
use scratchnet_trainer::EpochRecord;
use std::path::Path;

/// One run's curves, read back from its CSV.
#[derive(Clone, Debug, PartialEq)]
pub struct RunCurves {
    /// The file's stem, e.g. `dropout0.2-seed0`.
    pub name: String,
    /// (epoch, train accuracy).
    pub train: Vec<(f64, f64)>,
    /// (epoch, test accuracy).
    pub test: Vec<(f64, f64)>,
}

/// Why curves could not be read or drawn.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// A file is not a readable results CSV.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The figure could not be drawn or written.
    #[error(transparent)]
    Figure(#[from] FigureError),
}

impl RunCurves {
    /// Reads a results CSV (`epoch,train_loss,train_acc,test_acc`, as runs write it).
    pub fn read(path: &Path) -> Result<Self, CompareError> {
        let epochs = read_epochs(path)?;
        if epochs.is_empty() {
            return Err(ReadError::Format {
                path: path.to_path_buf(),
                message: "no epochs".into(),
            }
            .into());
        }
        let points = |pick: fn(&EpochRecord) -> f64| {
            epochs
                .iter()
                .map(|record| (record.epoch as f64, pick(record)))
                .collect()
        };
        Ok(Self {
            name: path.file_stem().map_or_else(
                || path.display().to_string(),
                |stem| stem.to_string_lossy().into_owned(),
            ),
            train: points(|record| record.train_acc),
            test: points(|record| record.test_acc),
        })
    }
}

/// Draws every run's train (circles) and test (squares) accuracy into one SVG, one colour per
/// run, its text in `lang`.
pub fn compare_figure(
    runs: Vec<RunCurves>,
    output: &Path,
    title: &str,
    lang: Lang,
) -> Result<(), CompareError> {
    let series: Vec<Series> = runs
        .into_iter()
        .enumerate()
        .flat_map(|(index, run)| {
            let color = PALETTE[index % PALETTE.len()];
            [
                Series {
                    label: Message::new("figure.legend.run_train")
                        .arg("run", &run.name)
                        .render(lang),
                    points: run.train,
                    marker: Marker::Circle,
                    color,
                },
                Series {
                    label: Message::new("figure.legend.run_test")
                        .arg("run", &run.name)
                        .render(lang),
                    points: run.test,
                    marker: Marker::Square,
                    color,
                },
            ]
        })
        .collect();
    figures::accuracy_chart(output, title, &series, lang)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_results_csv_is_read_and_anything_else_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("run-a.csv");
        std::fs::write(
            &good,
            "epoch,train_loss,train_acc,test_acc\n1,2.3,0.1,0.2\n2,2.2,0.3,0.25\n",
        )
        .unwrap();
        let curves = RunCurves::read(&good).unwrap();
        assert_eq!(curves.name, "run-a");
        assert_eq!(curves.train, [(1.0, 0.1), (2.0, 0.3)]);
        assert_eq!(curves.test, [(1.0, 0.2), (2.0, 0.25)]);

        let output = dir.path().join("both.svg");
        compare_figure(vec![curves.clone(), curves], &output, "two", Lang::En).unwrap();
        assert!(
            std::fs::read_to_string(&output)
                .unwrap()
                .contains("run-a test")
        );

        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, "a,b\n1,2\n").unwrap();
        let error = RunCurves::read(&bad).unwrap_err().to_string();
        assert!(error.contains("the header is not"), "{error}");
        std::fs::write(&bad, "epoch,train_loss,train_acc,test_acc\n").unwrap();
        let error = RunCurves::read(&bad).unwrap_err().to_string();
        assert!(error.contains("no epochs"), "{error}");
        std::fs::write(&bad, "epoch,train_loss,train_acc,test_acc\n1,2.3,x,0.5\n").unwrap();
        let error = RunCurves::read(&bad).unwrap_err().to_string();
        assert!(error.contains("row 2: \"x\""), "{error}");
        assert!(RunCurves::read(&dir.path().join("none.csv")).is_err());
    }
}
