//! Progress of long work — downloads, a run's epochs, an experiment's runs — as a bar on a
//! terminal, a few plain lines in logs (CI), or nothing when quiet. One display for them all,
//! safe to update from several threads.

use crate::lang;
use indicatif::{ProgressBar, ProgressStyle};
use scratchnet_experiments::datasets::{FetchEvent, FetchObserver};
use scratchnet_experiments::messages::{self, Message};
use scratchnet_experiments::trainer::EpochRecord;
use scratchnet_experiments::{RunObserver, RunPlan};
use std::io::IsTerminal;
use std::sync::{Mutex, PoisonError};

/// Where progress goes.
pub struct Progress {
    mode: Mode,
}

enum Mode {
    Bar(Mutex<Option<ProgressBar>>),
    Lines(Mutex<Lines>),
    Quiet,
}

/// The state of a task shown as plain lines: one line every `every` units, and the last.
#[derive(Default)]
struct Lines {
    label: String,
    unit: &'static str,
    total: u64,
    done: u64,
    lines: u64,
    every: u64,
}

impl Lines {
    /// A line every `total / lines` units; only the first when the total is unknown.
    fn set_total(&mut self, total: u64) {
        self.total = total;
        self.every = if total == 0 {
            u64::MAX
        } else {
            total.div_ceil(self.lines.max(1)).max(1)
        };
    }
}

impl Progress {
    /// A bar when stderr is a terminal, plain lines otherwise, nothing when `quiet`.
    pub fn new(quiet: bool) -> Self {
        let mode = if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            Mode::Bar(Mutex::new(None))
        } else {
            Mode::Lines(Mutex::new(Lines::default()))
        };
        Self { mode }
    }

    /// Starts a task of `total` units (0 when unknown) named `label`, shown in at most about
    /// `lines` plain lines.
    pub fn start(&self, label: &str, total: u64, unit: &'static str, lines: u64) {
        match &self.mode {
            Mode::Bar(bar) => {
                let new = ProgressBar::new(total)
                    .with_style(style(unit, total > 0))
                    .with_prefix(label.to_string());
                if let Some(old) = lock(bar).replace(new) {
                    old.finish_and_clear();
                }
            }
            Mode::Lines(state) => {
                let mut state = lock(state);
                *state = Lines {
                    label: label.to_string(),
                    unit,
                    lines,
                    ..Lines::default()
                };
                state.set_total(total);
            }
            Mode::Quiet => {}
        }
    }

    /// `amount` more units are done; `note` (called only when shown) describes the latest.
    pub fn advance(&self, amount: u64, note: impl FnOnce() -> String) {
        match &self.mode {
            Mode::Bar(bar) => {
                if let Some(bar) = lock(bar).as_ref() {
                    bar.inc(amount);
                    bar.set_message(note());
                }
            }
            Mode::Lines(state) => {
                let mut state = lock(state);
                let before = state.done;
                state.done += amount;
                let crossed = before / state.every != state.done / state.every;
                if amount > 0 && (before == 0 || crossed || state.done == state.total) {
                    eprintln!(
                        "{}: {}/{} {}{}",
                        state.label,
                        state.done,
                        state.total,
                        state.unit,
                        note()
                    );
                }
            }
            Mode::Quiet => {}
        }
    }

    /// The task now stands at `position` of `total` units (a download's bytes).
    pub fn set(&self, position: u64, total: Option<u64>) {
        match &self.mode {
            Mode::Bar(bar) => {
                if let Some(bar) = lock(bar).as_ref() {
                    if let Some(total) = total
                        && bar.length() != Some(total)
                    {
                        bar.set_length(total);
                        bar.set_style(style("bytes", true));
                    }
                    bar.set_position(position);
                }
            }
            Mode::Lines(state) => {
                let advance = {
                    let mut state = lock(state);
                    if let Some(total) = total.filter(|&total| total != state.total) {
                        state.set_total(total);
                    }
                    position.saturating_sub(state.done)
                };
                self.advance(advance, String::new);
            }
            Mode::Quiet => {}
        }
    }

    /// Prints a line without tearing a bar.
    pub fn println(&self, text: &str) {
        match &self.mode {
            Mode::Bar(bar) => match lock(bar).as_ref() {
                Some(bar) => bar.suspend(|| eprintln!("{text}")),
                None => eprintln!("{text}"),
            },
            Mode::Lines(_) => eprintln!("{text}"),
            Mode::Quiet => {}
        }
    }

    /// Prints `message` in the command line's language, like [`println`](Self::println).
    pub fn say(&self, message: Message) {
        self.println(&message.render(lang::current()));
    }

    /// Ends the current task (a bar disappears).
    pub fn finish(&self) {
        if let Mode::Bar(bar) = &self.mode
            && let Some(bar) = lock(bar).take()
        {
            bar.finish_and_clear();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Progress state is only ever replaced whole; a panic elsewhere cannot break it.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn style(unit: &str, known_total: bool) -> ProgressStyle {
    let template = match (unit, known_total) {
        ("bytes", true) => {
            "{prefix:32} [{bar:30}] {bytes:>10}/{total_bytes:<10} {binary_bytes_per_sec:>12} eta {eta}"
        }
        ("bytes", false) => "{spinner} {prefix:32} {bytes:>10} {binary_bytes_per_sec:>12}",
        _ => "{elapsed_precise} [{bar:30}] {prefix} {pos}/{len} {msg} (eta {eta})",
    };
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// A progress unit (`epochs`, `bytes`, …) in the command line's language (`cli.progress.unit.*`),
/// or as given when the table lacks it.
fn unit_name(unit: &'static str) -> &'static str {
    messages::entries()
        .find(|entry| entry.key.strip_prefix("cli.progress.unit.") == Some(unit))
        .map_or(unit, |entry| entry.text(lang::current()))
}

/// A run's epochs, with the latest accuracies.
impl RunObserver for Progress {
    fn started(&mut self, plan: &RunPlan) {
        let unit = messages::lookup("cli.progress.epochs")
            .map_or("epochs", |entry| entry.text(lang::current()));
        let label = Message::new("cli.progress.epoch").render(lang::current());
        self.start(&label, plan.epochs as u64, unit, 20);
    }

    fn epoch_done(&mut self, record: &EpochRecord) {
        self.advance(1, || {
            Message::new("cli.progress.epoch_note")
                .arg("train", format!("{:.4}", record.train_acc))
                .arg("test", format!("{:.4}", record.test_acc))
                .arg("loss", format!("{:.4}", record.train_loss))
                .render(lang::current())
        });
    }
}

/// An experiment's runs.
impl scratchnet_experiments::Progress for Progress {
    fn start(&self, total: u64, unit: &'static str) {
        let unit = unit_name(unit);
        Progress::start(self, unit, total, unit, 10);
    }

    fn advance(&self, amount: u64) {
        Progress::advance(self, amount, String::new);
    }

    fn finish(&self) {
        Progress::finish(self);
    }
}

/// Downloads: a bar per file, and a line per event worth knowing.
impl FetchObserver for Progress {
    fn on_event(&mut self, event: &FetchEvent<'_>) {
        match event {
            FetchEvent::WaitingForLock { dir } => {
                self.say(Message::new("cli.fetch.waiting").arg("dir", dir.display()))
            }
            FetchEvent::RemovedStale { path } => {
                self.say(Message::new("cli.fetch.removed_partial").arg("path", path.display()))
            }
            FetchEvent::CorruptCached { file, problem, .. } => self.say(
                Message::new("cli.fetch.corrupt_cached")
                    .arg("file", &file.name)
                    .arg("problem", problem),
            ),
            FetchEvent::Trying { file, source } => {
                self.say(
                    Message::new("cli.fetch.trying")
                        .arg("file", &file.name)
                        .arg("source", source),
                );
                self.start(&file.name, 0, unit_name("bytes"), 4);
            }
            FetchEvent::Progress { bytes, total, .. } => self.set(*bytes, *total),
            FetchEvent::SourceFailed { file, failure } => {
                self.finish();
                self.say(
                    Message::new("cli.fetch.source_failed")
                        .arg("file", &file.name)
                        .arg("failure", failure),
                );
            }
            FetchEvent::Installed { file, path, .. } => {
                self.finish();
                self.say(
                    Message::new("cli.fetch.installed")
                        .arg("file", &file.name)
                        .arg("sha256", file.sha256)
                        .arg("path", path.display()),
                );
            }
            _ => {}
        }
    }
}
