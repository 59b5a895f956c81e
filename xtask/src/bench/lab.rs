//! `--only lab`: the seed run from the lab (`POST /api/runs` until the run is done, as the page
//! does) and the same run from the command line (a child, spawn to exit), interleaved; both
//! medians, and whether every run wrote the same CSV bytes. The lab should stay within 10% of
//! the command line (issue 22, item 11).

use super::child::{ChildCommand, shown_path};
use super::timing::{median, sorted};
use crate::results_dir;
use anyhow::{Context, Result, bail};
use scratchnet_experiments::DataSource;
use scratchnet_lab::{Lab, LabOptions};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The seed run's flags (the `seed` workload's): the book's overfitting network with dropout.
const SEED_FLAGS: [&str; 2] = ["--dropout", "0.2"];
/// Epochs of the `--quick` smoke test (the seed run has 301).
const QUICK_EPOCHS: u32 = 31;

/// The same run as the lab's JSON options (`epochs` when `--quick`).
fn seed_options(out: &str, epochs: Option<u32>) -> Value {
    let mut options = json!({ "dropout": 0.2, "out": out });
    if let Some(epochs) = epochs {
        options["epochs"] = json!(epochs);
    }
    options
}

/// What the comparison measured.
#[derive(Debug)]
pub struct LabComparison {
    /// The command line's runs, spawn to exit.
    pub cli: Vec<Duration>,
    /// The lab's runs, `POST /api/runs` to the run's end.
    pub lab: Vec<Duration>,
    /// The command line's command.
    pub command: String,
    /// Whether every run's CSV had the same bytes.
    pub identical_csv: bool,
}

impl LabComparison {
    /// The lab's median over the command line's.
    pub fn ratio(&self) -> f64 {
        let cli = median(&sorted(self.cli.clone())).as_secs_f64();
        median(&sorted(self.lab.clone())).as_secs_f64() / cli.max(f64::MIN_POSITIVE)
    }

    /// The section of the report.
    pub fn render(&self) -> String {
        let seconds = |runs: &[Duration]| {
            let runs = sorted(runs.to_vec());
            let all: Vec<String> = runs
                .iter()
                .map(|run| format!("{:.2}", run.as_secs_f64()))
                .collect();
            format!(
                "median {:.2} s (runs {})",
                median(&runs).as_secs_f64(),
                all.join(", ")
            )
        };
        format!(
            "The seed run from the lab and from the command line, interleaved\n\
             lab (POST /api/runs to done, data loaded): {}\n\
             command line ({}): {}\n\
             lab / command line = {:.3} (kept within 1.10); CSVs byte-identical: {}\n",
            seconds(&self.lab),
            self.command,
            seconds(&self.cli),
            self.ratio(),
            if self.identical_csv { "yes" } else { "NO" },
        )
    }
}

/// Runs the seed run `runs` times from each, alternating which goes first (31 epochs when
/// `quick`).
pub fn run(source: &DataSource, exe: &Path, runs: usize, quick: bool) -> Result<LabComparison> {
    let scratch = std::env::temp_dir().join(format!("scratchnet-bench-lab-{}", std::process::id()));
    let epochs = quick.then_some(QUICK_EPOCHS);
    let measured = measure(source, exe, runs, epochs, &scratch);
    // Only the lab's runs live there; nothing else would remove it.
    let _ = std::fs::remove_dir_all(&scratch);
    measured
}

fn measure(
    source: &DataSource,
    exe: &Path,
    runs: usize,
    epochs: Option<u32>,
    scratch: &Path,
) -> Result<LabComparison> {
    let lab = Lab::start(LabOptions {
        port: 0,
        ..LabOptions::new(scratch.to_path_buf(), source.clone())
    })?;
    let client = Client::new(&lab);
    // Loads the data set into the lab, as a page's first run would; not measured.
    client.run_to_end(&json!({ "epochs": 1, "out": "bench-lab-warm-up" }))?;
    let cli_command = ChildCommand::xtask(exe)
        .arg("train")
        .args(SEED_FLAGS)
        .args(epochs.map(|epochs| format!("--epochs={epochs}")))
        .args(["--quiet", "--out", "bench-lab-cli"])
        .args(["--data-dir", &shown_path(&source.dir)]);
    let cli_csv = results_dir().join("bench-lab-cli.csv");
    let mut comparison = LabComparison {
        cli: Vec::new(),
        lab: Vec::new(),
        command: cli_command.display(),
        identical_csv: true,
    };
    let mut first_csv: Option<Vec<u8>> = None;
    for index in 0..runs {
        eprintln!("lab against command line: run {} of {runs} …", index + 1);
        let name = format!("bench-lab-page-{index}");
        let mut csvs: Vec<PathBuf> = Vec::new();
        for lab_turn in order(index) {
            if lab_turn {
                comparison
                    .lab
                    .push(client.run_to_end(&seed_options(&name, epochs))?);
                csvs.push(scratch.join(format!("{name}.csv")));
            } else {
                comparison.cli.push(cli_command.run()?.wall);
                csvs.push(cli_csv.clone());
            }
            let csv = std::fs::read(csvs.last().context("a run")?).with_context(|| {
                format!(
                    "reading {}",
                    csvs.last()
                        .map_or(String::new(), |p| p.display().to_string())
                )
            })?;
            match &first_csv {
                Some(first) => comparison.identical_csv &= *first == csv,
                None => first_csv = Some(csv),
            }
        }
    }
    lab.shutdown();
    Ok(comparison)
}

/// Which goes first in repetition `index`: the lab (`true`) on even ones.
fn order(index: usize) -> [bool; 2] {
    if index.is_multiple_of(2) {
        [true, false]
    } else {
        [false, true]
    }
}

/// The lab's HTTP API, as the page uses it.
struct Client {
    base: String,
    agent: ureq::Agent,
}

impl Client {
    fn new(lab: &Lab) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        Self {
            base: format!("http://127.0.0.1:{}", lab.address().port()),
            agent,
        }
    }

    /// Starts a run and waits for its end; the time from the request to the end.
    fn run_to_end(&self, options: &Value) -> Result<Duration> {
        let started = Instant::now();
        let mut response = self
            .agent
            .post(&format!("{}/api/runs", self.base))
            .header("Content-Type", "application/json")
            .send(options.to_string())?;
        let body: Value = serde_json::from_str(&response.body_mut().read_to_string()?)?;
        if response.status() != 202 {
            bail!("POST /api/runs answered {}: {body}", response.status());
        }
        let id = body["id"].as_str().context("the run's id")?.to_string();
        // The page follows the run's event stream; its end is the `done` event.
        let mut events = self
            .agent
            .get(&format!("{}/api/runs/{id}/events", self.base))
            .call()?;
        let reader = BufReader::new(events.body_mut().as_reader());
        for line in reader.lines() {
            match line?.trim_end() {
                "event: done" => return Ok(started.elapsed()),
                "event: stopped" | "event: failed" => bail!("the lab's run {id} did not complete"),
                _ => {}
            }
        }
        bail!("the lab's event stream of run {id} ended before its end")
    }
}
