//! Progress over epochs: a bar with the latest accuracies on a terminal, plain periodic lines
//! otherwise (CI logs), nothing when quiet.

use indicatif::{ProgressBar, ProgressStyle};
use scratchnet_trainer::EpochRecord;
use std::io::IsTerminal;

/// How many plain lines a run prints at most when stderr is not a terminal.
const PLAIN_LINES: u64 = 20;

pub enum EpochProgress {
    Bar(ProgressBar),
    Lines { total: u64, every: u64 },
    Quiet,
}

impl EpochProgress {
    pub fn new(total_epochs: u64, quiet: bool) -> Self {
        if quiet {
            return Self::Quiet;
        }
        if !std::io::stderr().is_terminal() {
            return Self::Lines {
                total: total_epochs,
                every: total_epochs.div_ceil(PLAIN_LINES).max(1),
            };
        }
        let bar = ProgressBar::new(total_epochs);
        let style = ProgressStyle::with_template(
            "{elapsed_precise} [{bar:30}] epoch {pos}/{len} {msg} (eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        Self::Bar(bar)
    }

    pub fn epoch_done(&self, record: &EpochRecord) {
        let summary = format!(
            "train acc {:.4}, test acc {:.4}, train loss {:.4}",
            record.train_acc, record.test_acc, record.train_loss
        );
        match self {
            Self::Bar(bar) => {
                bar.set_position(record.epoch as u64);
                bar.set_message(summary);
            }
            Self::Lines { total, every } => {
                let epoch = record.epoch as u64;
                if epoch == 1 || epoch.is_multiple_of(*every) || epoch == *total {
                    eprintln!("epoch {epoch}/{total}: {summary}");
                }
            }
            Self::Quiet => {}
        }
    }

    pub fn finish(&self) {
        if let Self::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
