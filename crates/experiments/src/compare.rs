//! Several runs' accuracy curves in one figure, e.g. the book's figure 6-23 (the same network
//! without and with dropout).

use crate::figures::{self, FigureError, Marker, PALETTE, Series};
use std::path::{Path, PathBuf};

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
    /// The file could not be read as CSV.
    #[error("reading {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: csv::Error,
    },
    /// The file is not a results CSV.
    #[error("{}: {message}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The figure could not be drawn or written.
    #[error(transparent)]
    Figure(#[from] FigureError),
}

impl RunCurves {
    /// Reads a results CSV (`epoch,train_loss,train_acc,test_acc`, as runs write it).
    pub fn read(path: &Path) -> Result<Self, CompareError> {
        let read_error = |source| CompareError::Read {
            path: path.to_path_buf(),
            source,
        };
        let format_error = |message: String| CompareError::Format {
            path: path.to_path_buf(),
            message,
        };
        let mut reader = csv::Reader::from_path(path).map_err(read_error)?;
        let headers = reader.headers().map_err(read_error)?.clone();
        let column = |name: &str| {
            headers
                .iter()
                .position(|header| header == name)
                .ok_or_else(|| {
                    format_error(format!(
                        "no {name:?} column (expected a results CSV of `cargo xtask train`)"
                    ))
                })
        };
        let (epoch, train_acc, test_acc) =
            (column("epoch")?, column("train_acc")?, column("test_acc")?);
        let mut curves = Self {
            name: path.file_stem().map_or_else(
                || path.display().to_string(),
                |stem| stem.to_string_lossy().into_owned(),
            ),
            train: Vec::new(),
            test: Vec::new(),
        };
        for (line, row) in reader.records().enumerate() {
            let row = row.map_err(read_error)?;
            let number = |index: usize| -> Result<f64, CompareError> {
                let field = row.get(index).unwrap_or_default();
                field.parse().map_err(|_| {
                    format_error(format!("row {}: {field:?} is not a number", line + 2))
                })
            };
            let x = number(epoch)?;
            curves.train.push((x, number(train_acc)?));
            curves.test.push((x, number(test_acc)?));
        }
        if curves.train.is_empty() {
            return Err(format_error("no epochs".into()));
        }
        Ok(curves)
    }
}

/// Draws every run's train (circles) and test (squares) accuracy into one SVG, one colour per
/// run.
pub fn compare_figure(
    runs: Vec<RunCurves>,
    output: &Path,
    title: &str,
) -> Result<(), CompareError> {
    let series: Vec<Series> = runs
        .into_iter()
        .enumerate()
        .flat_map(|(index, run)| {
            let color = PALETTE[index % PALETTE.len()];
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
    figures::accuracy_chart(output, title, &series)?;
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
        compare_figure(vec![curves.clone(), curves], &output, "two").unwrap();
        assert!(
            std::fs::read_to_string(&output)
                .unwrap()
                .contains("run-a test")
        );

        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, "a,b\n1,2\n").unwrap();
        let error = RunCurves::read(&bad).unwrap_err().to_string();
        assert!(error.contains("no \"epoch\" column"), "{error}");
        std::fs::write(&bad, "epoch,train_acc,test_acc\n1,x,0.5\n").unwrap();
        assert!(
            RunCurves::read(&bad)
                .unwrap_err()
                .to_string()
                .contains("row 2: \"x\"")
        );
        assert!(RunCurves::read(&dir.path().join("none.csv")).is_err());
    }
}
