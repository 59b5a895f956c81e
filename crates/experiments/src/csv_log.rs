//! Per-epoch results as CSV, appended as each epoch ends: an interrupted run leaves a valid
//! prefix, and a failed write (a full disk) leaves whole lines only.

use scratchnet_trainer::EpochRecord;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The header of every results CSV.
pub const CSV_HEADER: &str = "epoch,train_loss,train_acc,test_acc";

/// Writes `epoch,train_loss,train_acc,test_acc` rows. Values are printed in Rust's shortest
/// round-trip form, so the same run gives byte-identical files (no timings in them).
pub struct EpochCsv<W = File> {
    path: PathBuf,
    out: W,
    /// Bytes of whole lines written so far.
    length: u64,
}

/// A CSV that could not be written.
#[derive(Debug, thiserror::Error)]
#[error("writing {}: {source}", path.display())]
pub struct CsvError {
    /// The file.
    pub path: PathBuf,
    /// The failure.
    pub source: io::Error,
}

impl EpochCsv<File> {
    /// Creates (truncates) `path` and writes the header.
    pub fn create(path: &Path) -> Result<Self, CsvError> {
        let file = File::create(path).map_err(|source| CsvError {
            path: path.to_path_buf(),
            source,
        })?;
        Self::new(path, file)
    }
}

/// Where the rows go: a file, or (in tests) any writer that can be cut back to a length.
pub trait Truncate: Write {
    /// Drops everything after the first `length` bytes.
    fn truncate(&mut self, length: u64) -> io::Result<()>;
}

impl Truncate for File {
    fn truncate(&mut self, length: u64) -> io::Result<()> {
        use std::io::Seek;
        self.set_len(length)?;
        self.seek(io::SeekFrom::Start(length)).map(|_| ())
    }
}

impl<W: Truncate> EpochCsv<W> {
    /// Rows for `path` written to `out`, starting with the header.
    pub fn new(path: &Path, out: W) -> Result<Self, CsvError> {
        let mut log = Self {
            path: path.to_path_buf(),
            out,
            length: 0,
        };
        log.write_line(CSV_HEADER)?;
        Ok(log)
    }

    /// Appends one epoch; it is in the file when this returns.
    pub fn append(&mut self, record: &EpochRecord) -> Result<(), CsvError> {
        let line = format!(
            "{},{},{},{}",
            record.epoch, record.train_loss, record.train_acc, record.test_acc
        );
        self.write_line(&line)
    }

    /// Writes `line` and a newline in one call; if that fails part-way, cuts the file back to
    /// its last whole line.
    fn write_line(&mut self, line: &str) -> Result<(), CsvError> {
        let bytes = format!("{line}\n");
        let written = self
            .out
            .write_all(bytes.as_bytes())
            .and_then(|()| self.out.flush());
        match written {
            Ok(()) => {
                self.length += bytes.len() as u64;
                Ok(())
            }
            Err(source) => {
                // Best effort: a disk too full to write may still allow shrinking the file.
                let _ = self.out.truncate(self.length);
                Err(CsvError {
                    path: self.path.clone(),
                    source,
                })
            }
        }
    }

    /// Where the rows go.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The epochs of a results CSV written by [`EpochCsv`] (the `iteration` of each record is not
/// in the file and reads as 0).
pub fn read_epochs(path: &Path) -> Result<Vec<EpochRecord>, ReadError> {
    let format = |message: String| ReadError::Format {
        path: path.to_path_buf(),
        message,
    };
    let mut reader = csv::Reader::from_path(path).map_err(|source| ReadError::Csv {
        path: path.to_path_buf(),
        source,
    })?;
    let headers = reader
        .headers()
        .map_err(|source| ReadError::Csv {
            path: path.to_path_buf(),
            source,
        })?
        .clone();
    if headers.iter().ne(CSV_HEADER.split(',')) {
        return Err(format(format!(
            "the header is not {CSV_HEADER:?} (expected a results CSV of `cargo xtask train`)"
        )));
    }
    let mut epochs = Vec::new();
    for (line, row) in reader.records().enumerate() {
        let row = row.map_err(|source| ReadError::Csv {
            path: path.to_path_buf(),
            source,
        })?;
        let field = |index: usize| row.get(index).unwrap_or_default();
        let number = |index: usize| {
            field(index).parse::<f64>().map_err(|_| {
                format(format!(
                    "row {}: {:?} is not a number",
                    line + 2,
                    field(index)
                ))
            })
        };
        epochs.push(EpochRecord {
            epoch: field(0)
                .parse()
                .map_err(|_| format(format!("row {}: {:?} is not an epoch", line + 2, field(0))))?,
            iteration: 0,
            train_loss: number(1)?,
            train_acc: number(2)?,
            test_acc: number(3)?,
        });
    }
    Ok(epochs)
}

/// A results CSV that could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be read as CSV.
    #[error("reading {}: {source}", path.display())]
    Csv {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(epoch: usize) -> EpochRecord {
        EpochRecord {
            epoch,
            iteration: 1,
            train_loss: 2.25,
            train_acc: 0.1,
            test_acc: 0.0975,
        }
    }

    #[test]
    fn rows_are_on_disk_after_each_append() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("run.csv");
        let mut log = EpochCsv::create(&path).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("{CSV_HEADER}\n")
        );
        log.append(&record(1)).unwrap();
        // Not dropped yet: the row must already be readable.
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "epoch,train_loss,train_acc,test_acc\n1,2.25,0.1,0.0975\n"
        );
    }

    /// A writer that accepts `capacity` bytes and then fails, like a disk filling up.
    struct FillingDisk {
        bytes: Vec<u8>,
        capacity: usize,
    }

    impl Write for FillingDisk {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let room = self.capacity - self.bytes.len();
            if room == 0 {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "no space left"));
            }
            let taken = room.min(buf.len());
            self.bytes.extend_from_slice(&buf[..taken]);
            Ok(taken)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Truncate for FillingDisk {
        fn truncate(&mut self, length: u64) -> io::Result<()> {
            self.bytes.truncate(length as usize);
            Ok(())
        }
    }

    #[test]
    fn a_full_disk_leaves_whole_lines_and_names_the_file() {
        for capacity in 37..120 {
            let disk = FillingDisk {
                bytes: Vec::new(),
                capacity,
            };
            let Ok(mut log) = EpochCsv::new(Path::new("run.csv"), disk) else {
                assert!(capacity < CSV_HEADER.len() + 1);
                continue;
            };
            let mut failure = None;
            for epoch in 1..10 {
                if let Err(error) = log.append(&record(epoch)) {
                    failure = Some(error);
                    break;
                }
            }
            let error = failure.expect("the disk fills up");
            assert!(
                error
                    .to_string()
                    .starts_with("writing run.csv: no space left")
            );
            let text = String::from_utf8(log.out.bytes.clone()).unwrap();
            assert!(text.ends_with('\n'), "capacity {capacity}: {text:?}");
            assert!(text.lines().all(|line| line.split(',').count() == 4));
        }
    }

    #[test]
    fn written_epochs_read_back() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("run.csv");
        let mut log = EpochCsv::create(&path).unwrap();
        log.append(&record(1)).unwrap();
        log.append(&record(2)).unwrap();
        let expected: Vec<EpochRecord> = [1, 2]
            .map(|epoch| EpochRecord {
                iteration: 0,
                ..record(epoch)
            })
            .into();
        assert_eq!(read_epochs(&path).unwrap(), expected);
        std::fs::write(&path, "a,b\n1,2\n").unwrap();
        assert!(
            read_epochs(&path)
                .unwrap_err()
                .to_string()
                .contains("the header is not")
        );
        std::fs::write(&path, format!("{CSV_HEADER}\n1,x,0.5,0.5\n")).unwrap();
        assert!(
            read_epochs(&path)
                .unwrap_err()
                .to_string()
                .contains("row 2: \"x\"")
        );
    }

    #[test]
    fn an_unwritable_path_is_an_error_naming_it() {
        let error = EpochCsv::create(Path::new("/nonexistent-dir/run.csv"))
            .err()
            .unwrap();
        assert!(error.to_string().contains("/nonexistent-dir/run.csv"));
    }
}
