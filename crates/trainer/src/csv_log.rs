//! Per-epoch results as CSV, appended and flushed as each epoch ends, so an interrupted run
//! leaves a valid prefix.

use crate::{EpochRecord, TrainError};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// The header of every results CSV.
pub const CSV_HEADER: [&str; 4] = ["epoch", "train_loss", "train_acc", "test_acc"];

/// Writes `epoch,train_loss,train_acc,test_acc` rows. Values are printed in Rust's shortest
/// round-trip form, so the same run gives byte-identical files (no timings in it).
pub struct EpochCsv {
    path: PathBuf,
    writer: csv::Writer<BufWriter<File>>,
}

impl EpochCsv {
    /// Creates (truncates) `path` and writes the header.
    pub fn create(path: &Path) -> Result<Self, TrainError> {
        let output_error = |message: String| TrainError::Output {
            path: path.to_path_buf(),
            message,
        };
        let file = File::create(path).map_err(|error| output_error(error.to_string()))?;
        let mut log = Self {
            path: path.to_path_buf(),
            writer: csv::Writer::from_writer(BufWriter::new(file)),
        };
        log.writer
            .write_record(CSV_HEADER)
            .map_err(|error| output_error(error.to_string()))?;
        log.flush()?;
        Ok(log)
    }

    /// Appends one epoch and flushes it to the file.
    pub fn append(&mut self, record: &EpochRecord) -> Result<(), TrainError> {
        let fields = [
            record.epoch.to_string(),
            record.train_loss.to_string(),
            record.train_acc.to_string(),
            record.test_acc.to_string(),
        ];
        self.writer
            .write_record(&fields)
            .map_err(|error| self.output_error(error.to_string()))?;
        self.flush()
    }

    fn flush(&mut self) -> Result<(), TrainError> {
        // csv's flush also flushes the BufWriter and the file beneath it.
        self.writer
            .flush()
            .map_err(|error| self.output_error(error.to_string()))
    }

    fn output_error(&self, message: String) -> TrainError {
        TrainError::Output {
            path: self.path.clone(),
            message,
        }
    }

    /// Where the rows go.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_on_disk_after_each_append() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("run.csv");
        let mut log = EpochCsv::create(&path).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "epoch,train_loss,train_acc,test_acc\n"
        );
        let record = EpochRecord {
            epoch: 1,
            iteration: 1,
            train_loss: 2.25,
            train_acc: 0.1,
            test_acc: 0.0975,
        };
        log.append(&record).unwrap();
        // Not dropped yet: the row must already be readable.
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "epoch,train_loss,train_acc,test_acc\n1,2.25,0.1,0.0975\n"
        );
    }

    #[test]
    fn unwritable_path_is_an_error_naming_it() {
        let error = EpochCsv::create(Path::new("/nonexistent-dir/run.csv"))
            .err()
            .unwrap();
        assert!(error.to_string().contains("/nonexistent-dir/run.csv"));
    }
}
