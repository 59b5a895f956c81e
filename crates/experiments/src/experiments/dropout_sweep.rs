//! Which Dropout ratio, how much it helps, and whether that is more than the noise between
//! seeds: the seed experiment at several ratios × many seeds, the ratio chosen on validation
//! images (never the test set, as §6.5 insists), ratios compared by paired per-seed differences.
//!
//! Each seed starts from the same weights and sees the same batches at every ratio (keyed
//! random streams), so the difference of two ratios at one seed is the ratio's effect alone.
//! A run is evaluated only once, at its end. Runs are independent tasks whose results depend
//! on their (ratio, seed) alone, so the files do not depend on the thread count.

use super::stats::Interval;
use super::{Outcome, Result, RunContext, Table, axis, legend, pair, run_seed};
use crate::data::LoadedData;
use crate::figures::{self, IntervalPanel, IntervalSeries};
use crate::messages::Message;
use rayon::prelude::*;
use scratchnet_datasets::{NUM_CLASSES, Split};
use scratchnet_network::{DropoutConfig, DropoutMode, MultiLayerNetExtend, NetworkConfig};
use scratchnet_optim::{Optimizer, by_name};
use scratchnet_tensor::random::{self, Purpose};
use scratchnet_tensor::{ByteRows, Matrix, SparseRows};
use scratchnet_trainer::iterations_per_epoch;

/// The ratios swept by default: 0, 0.1, …, 0.5.
pub const DEFAULT_RATIOS: [f64; 6] = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5];
/// Seeds per ratio by default.
pub const DEFAULT_SEEDS: usize = 20;
/// Seeds per ratio at most with `--quick`.
pub const QUICK_SEEDS: usize = 4;
/// Validation images: the training images after the seed experiment's 300.
pub const VALIDATION_IMAGES: usize = 10_000;
/// The book's ratio in fig. 6-23, marked in the figure.
pub const BOOK_RATIO: f64 = 0.2;
/// Most networks one sweep trains (ratios × seeds): about an hour on two cores.
pub const MAX_RUNS: usize = 10_000;
/// Most seeds and ratios a sweep accepts.
pub const MAX_SEEDS: usize = 10_000;
const MAX_RATIOS: usize = 100;
/// Mini-batch size and learning rate of the seed experiment.
const BATCH_SIZE: usize = 100;
const LEARNING_RATE: f64 = 0.01;

/// The book's 301 epochs, or the quick pair's with `--quick`.
pub fn epochs(quick: bool) -> usize {
    if quick { pair::QUICK_EPOCHS } else { 301 }
}

/// Training images the sweep reads: the seed experiment's and the validation images.
pub const fn train_samples() -> usize {
    pair::TRAIN_SIZE + VALIDATION_IMAGES
}

/// What a sweep runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// Ratios in increasing order, 0 first (the baseline every ratio is compared with).
    pub ratios: Vec<f64>,
    /// Seeds per ratio.
    pub seeds: usize,
    /// The book's dropout or inverted dropout.
    pub mode: DropoutMode,
    /// Epochs per run.
    pub epochs: usize,
}

impl Sweep {
    /// `ratios` with 0 added, sorted, without repeats × `seeds` seeds (at most
    /// [`QUICK_SEEDS`] with `quick`).
    pub fn new(ratios: &[f64], seeds: usize, mode: DropoutMode, quick: bool) -> Self {
        let mut ratios: Vec<f64> = std::iter::once(0.0).chain(ratios.iter().copied()).collect();
        ratios.sort_by(f64::total_cmp);
        ratios.dedup();
        Self {
            ratios,
            seeds: if quick { seeds.min(QUICK_SEEDS) } else { seeds },
            mode,
            epochs: epochs(quick),
        }
    }

    /// The network of the seed experiment with dropout `ratio` (none at 0).
    fn config(&self, input_size: usize, ratio: f64) -> NetworkConfig {
        let mut config = NetworkConfig::new(input_size, pair::HIDDEN.to_vec(), NUM_CLASSES);
        config.dropout = (ratio > 0.0).then_some(DropoutConfig {
            ratio,
            mode: self.mode,
        });
        config
    }
}

/// `--ratios`: comma-separated ratios in [0, 1); 0 is added when missing (the baseline), the
/// list is sorted and duplicates dropped; at least one ratio above 0.
pub fn parse_ratios(text: &str) -> Result<Vec<f64>, String> {
    let mut ratios = vec![0.0];
    for part in text.split(',') {
        let ratio = match part.trim().parse::<f64>() {
            Ok(ratio) if (0.0..1.0).contains(&ratio) => ratio,
            Ok(_) => {
                return Err(format!(
                    "a dropout ratio must be in [0, 1), got {}",
                    part.trim()
                ));
            }
            Err(_) => return Err(format!("{:?} is not a number", part.trim())),
        };
        ratios.push(ratio);
    }
    ratios.sort_by(f64::total_cmp);
    ratios.dedup();
    if ratios.len() < 2 {
        return Err("give at least one ratio above 0 (0 is the baseline)".into());
    }
    if ratios.len() > MAX_RATIOS {
        return Err(format!("at most {MAX_RATIOS} ratios, got {}", ratios.len()));
    }
    Ok(ratios)
}

/// `--seeds`: 2 to 10,000 (`MAX_SEEDS`; an interval needs two).
pub fn parse_seeds(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(seeds) if (2..=MAX_SEEDS).contains(&seeds) => Ok(seeds),
        Ok(seeds) => Err(format!(
            "the number of seeds must be 2 to {MAX_SEEDS} (an interval needs two), got {seeds}"
        )),
        Err(_) => Err(format!("{:?} is not a whole number", text.trim())),
    }
}

/// Refuses a sweep of more than 10,000 networks (`MAX_RUNS`), before any work.
pub fn check_size(ratios: usize, seeds: usize) -> Result<(), String> {
    let runs = ratios.saturating_mul(seeds);
    if runs > MAX_RUNS {
        return Err(format!(
            "the sweep would train {runs} networks ({ratios} ratios × {seeds} seeds), more than {MAX_RUNS} (hours of work); use fewer ratios or seeds"
        ));
    }
    Ok(())
}

/// The images and labels one run reads.
pub struct SweepData<'a> {
    /// The 300 training images.
    pub train: (ByteRows<'a, f32>, Vec<usize>),
    /// Validation images, held out from the training images the seed experiment leaves unused.
    pub validation: (SparseRows<f32>, Vec<usize>),
    /// The test set: read for the report only, never for the choice.
    pub test: (&'a SparseRows<f32>, Vec<usize>),
}

impl<'a> SweepData<'a> {
    /// The first 300 training images to train on, the next ones (up to [`VALIDATION_IMAGES`])
    /// to validate on, and the test set.
    pub fn new(data: &'a LoadedData) -> Self {
        let train = &data.mnist.train;
        let test = &data.mnist.test;
        Self {
            train: (
                train.byte_rows(pair::TRAIN_SIZE),
                train.labels(pair::TRAIN_SIZE),
            ),
            validation: validation_split(train),
            test: (&data.test_sparse, test.labels(test.len())),
        }
    }
}

/// The training images after the first 300, at most [`VALIDATION_IMAGES`] of them.
fn validation_split(train: &Split) -> (SparseRows<f32>, Vec<usize>) {
    let first = pair::TRAIN_SIZE.min(train.len());
    let count = VALIDATION_IMAGES.min(train.len() - first);
    let size = train.image_size();
    let pixels = train.images_u8()[first * size..(first + count) * size].to_vec();
    let labels = train.labels_u8()[first..first + count].to_vec();
    let (rows, cols) = train.image_shape();
    let held_out = Split::from_raw(pixels, labels, rows, cols)
        .expect("whole images of the training split with their labels");
    (held_out.sparse_images(count), held_out.labels(count))
}

/// One run's final accuracies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunResult {
    pub ratio: f64,
    pub seed: usize,
    pub train: f64,
    pub validation: f64,
    pub test: f64,
}

/// Trains every (ratio, seed) pair, in parallel, each evaluated once at its end. Seed `s`
/// uses `run_seed(seed, s)` at every ratio: the same weights, batches and mask streams.
pub fn sweep(
    data: &SweepData<'_>,
    settings: &Sweep,
    context: &RunContext<'_>,
) -> Result<Vec<RunResult>> {
    let runs: Vec<(f64, usize)> = settings
        .ratios
        .iter()
        .flat_map(|&ratio| (0..settings.seeds).map(move |seed| (ratio, seed)))
        .collect();
    context.progress.start(runs.len() as u64, "runs");
    let results = runs
        .into_par_iter()
        .with_max_len(1)
        .map(|(ratio, seed)| {
            let result = train_one(data, settings, ratio, seed, context);
            context.progress.advance(1);
            result
        })
        .collect::<Result<Vec<_>>>()?;
    context.progress.finish();
    Ok(results)
}

/// One run of the seed experiment at `ratio`, evaluated once at its end.
fn train_one(
    data: &SweepData<'_>,
    settings: &Sweep,
    ratio: f64,
    seed: usize,
    context: &RunContext<'_>,
) -> Result<RunResult> {
    let (x_train, t_train) = &data.train;
    let config = settings.config(x_train.ncols(), ratio);
    let run = run_seed(context.seed, seed as u64);
    let network = train_network(config, (x_train, t_train), settings.epochs, run, context)?;
    Ok(RunResult {
        ratio,
        seed,
        train: network.accuracy(x_train, t_train),
        validation: network.accuracy(&data.validation.0, &data.validation.1),
        test: network.accuracy(data.test.0, &data.test.1),
    })
}

/// Trains `config` like the seed experiment — SGD lr 0.01, batches of 100 drawn as the
/// `Trainer` draws them, weights and batches from `seed`'s keyed streams — with no evaluation
/// on the way.
pub fn train_network(
    config: NetworkConfig,
    (x_train, t_train): (&ByteRows<'_, f32>, &[usize]),
    epochs: usize,
    seed: u64,
    context: &RunContext<'_>,
) -> Result<MultiLayerNetExtend<f32>> {
    let mut rng = random::seeded(seed);
    let mut network = MultiLayerNetExtend::<f32>::new(config, &mut rng)?;
    let mut batches = random::stream(&rng, Purpose::Batches, 0).into_rng();
    let mut optimizer = by_name::<f32>("sgd", Some(LEARNING_RATE))?;
    let per_epoch = iterations_per_epoch(x_train.nrows(), BATCH_SIZE);
    let (mut indices, mut x_batch, mut t_batch) = (Vec::new(), Matrix::zeros(0, 0), Vec::new());
    for _ in 0..epochs {
        context.check_stop()?;
        for _ in 0..per_epoch {
            random::choice_with_replacement(
                x_train.nrows(),
                BATCH_SIZE,
                &mut batches,
                &mut indices,
            );
            x_train.gather_rows(&indices, &mut x_batch);
            t_batch.clear();
            t_batch.extend(indices.iter().map(|&i| t_train[i]));
            network.gradient(&x_batch, &t_batch);
            optimizer.update(&mut network.params_mut());
        }
    }
    Ok(network)
}

/// A ratio's results over the seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct RatioSummary {
    pub ratio: f64,
    /// Validation accuracy: its mean and interval.
    pub validation: Interval,
    /// Test accuracy.
    pub test: Interval,
    /// Train − test accuracy.
    pub gap: Interval,
    /// Validation accuracy minus ratio 0's, seed by seed.
    pub versus_none: Interval,
}

/// Per ratio (in `ratios`' order, 0 first): means and intervals, and the paired validation
/// differences from ratio 0.
pub fn summarise(ratios: &[f64], results: &[RunResult]) -> Vec<RatioSummary> {
    let column = |ratio: f64, pick: fn(&RunResult) -> f64| -> Vec<f64> {
        let mut rows: Vec<&RunResult> = results.iter().filter(|r| r.ratio == ratio).collect();
        rows.sort_by_key(|r| r.seed);
        rows.into_iter().map(pick).collect()
    };
    let baseline = column(0.0, |r| r.validation);
    ratios
        .iter()
        .map(|&ratio| {
            let validation = column(ratio, |r| r.validation);
            RatioSummary {
                ratio,
                validation: Interval::of_mean(&validation),
                test: Interval::of_mean(&column(ratio, |r| r.test)),
                gap: Interval::of_mean(&column(ratio, |r| r.train - r.test)),
                versus_none: Interval::paired(&validation, &baseline),
            }
        })
        .collect()
}

/// What validation chose: the best mean validation accuracy and, when its paired interval
/// overlaps the runner-up's, that runner-up (no clear winner).
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// Position of the ratio with the best mean validation accuracy.
    pub best: usize,
    /// Position of the runner-up whose interval overlaps the best's, if any.
    pub tied_with: Option<usize>,
}

/// Picks by mean validation accuracy alone (ties: the smaller ratio); reads no test number.
pub fn choose(summaries: &[RatioSummary]) -> Option<Choice> {
    let mut order: Vec<usize> = (0..summaries.len()).collect();
    order.sort_by(|&a, &b| {
        summaries[b]
            .validation
            .mean
            .total_cmp(&summaries[a].validation.mean)
    });
    let &best = order.first()?;
    let tied_with = order.get(1).copied().filter(|&next| {
        summaries[best]
            .versus_none
            .overlaps(&summaries[next].versus_none)
    });
    Some(Choice { best, tied_with })
}

pub fn run(data: &LoadedData, settings: &Sweep, context: &RunContext<'_>) -> Result<Outcome> {
    let sweep_data = SweepData::new(data);
    let results = sweep(&sweep_data, settings, context)?;
    let summaries = summarise(&settings.ratios, &results);
    let verdict = verdict(&summaries, settings);
    let mode = mode_key(settings.mode);
    let title = Message::new("figure.title.dropout-sweep")
        .arg("seeds", settings.seeds)
        .arg("images", pair::TRAIN_SIZE)
        .arg("validation", sweep_data.validation.1.len())
        .arg("epochs", settings.epochs)
        .arg("seed", context.seed);
    let panels = panels(&summaries);
    Ok(Outcome {
        csv: table(&results),
        verdict,
        figure: Box::new(move |path, lang| {
            figures::interval_panels(
                path,
                &title
                    .clone()
                    .arg("mode", crate::messages::text(lang, mode))
                    .render(lang),
                &axis("dropout_ratio", lang),
                &panels,
                Some((BOOK_RATIO, &legend("book_ratio", lang))),
            )
        }),
    })
}

/// The message naming the dropout mode in the figure's title.
fn mode_key(mode: DropoutMode) -> &'static str {
    match mode {
        DropoutMode::Book => "figure.mode.book",
        DropoutMode::Inverted => "figure.mode.inverted",
    }
}

/// The verdict: the chosen ratio with its paired interval, or no clear winner; then the test
/// accuracy and train−test gap of the best ratio against ratio 0.
pub fn verdict(summaries: &[RatioSummary], settings: &Sweep) -> Message {
    let (Some(choice), Some(none)) = (choose(summaries), summaries.first()) else {
        return Message::new("experiments.dropout-sweep.verdict.none");
    };
    let best = &summaries[choice.best];
    let mode = match settings.mode {
        DropoutMode::Book => "book",
        DropoutMode::Inverted => "inverted",
    };
    let message = match choice.tied_with {
        None => Message::new("experiments.dropout-sweep.verdict.winner")
            .arg("validation", format!("{:.3}", best.validation.mean))
            .arg("difference", format!("{:+.3}", best.versus_none.mean))
            .arg("interval", best.versus_none.range_text()),
        Some(next) => {
            let runner = &summaries[next];
            Message::new("experiments.dropout-sweep.verdict.tie")
                .arg("runner", runner.ratio)
                .arg("interval", best.versus_none.range_text())
                .arg("runner_interval", runner.versus_none.range_text())
        }
    };
    message
        .arg("mode", mode)
        .arg("ratio", best.ratio)
        .arg("seeds", settings.seeds)
        .arg("test", format!("{:.3}", best.test.mean))
        .arg("test0", format!("{:.3}", none.test.mean))
        .arg("gap", format!("{:.3}", best.gap.mean))
        .arg("gap0", format!("{:.3}", none.gap.mean))
}

fn table(results: &[RunResult]) -> Table {
    Table {
        header: vec!["ratio", "seed", "train_acc", "validation_acc", "test_acc"],
        rows: results
            .iter()
            .map(|r| {
                vec![
                    r.ratio.to_string(),
                    r.seed.to_string(),
                    r.train.to_string(),
                    r.validation.to_string(),
                    r.test.to_string(),
                ]
            })
            .collect(),
    }
}

fn panels(summaries: &[RatioSummary]) -> Vec<IntervalPanel> {
    let series = |label: &str, color, pick: fn(&RatioSummary) -> Interval| IntervalSeries {
        label: label.into(),
        points: summaries
            .iter()
            .map(|s| {
                let i = pick(s);
                (s.ratio, i.low, i.mean, i.high)
            })
            .collect(),
        color,
    };
    vec![
        IntervalPanel {
            title: "mean accuracy, 95% t-intervals over seeds".into(),
            y_desc: "accuracy".into(),
            series: vec![
                series("validation", figures::color(2), |s| s.validation),
                series("test", figures::TEST, |s| s.test),
            ],
        },
        IntervalPanel {
            title: "train − test gap, 95% t-intervals over seeds".into(),
            y_desc: "train − test accuracy".into(),
            series: vec![series("gap", figures::TRAIN, |s| s.gap)],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    #[test]
    fn ratios_parse_with_the_baseline_and_refuse_bad_values() {
        assert_eq!(parse_ratios("0.5,0.2,0.2"), Ok(vec![0.0, 0.2, 0.5]));
        assert!(
            parse_ratios("0.6,abc")
                .unwrap_err()
                .contains("\"abc\" is not a number")
        );
        assert!(parse_ratios("1").unwrap_err().contains("[0, 1)"));
        assert!(parse_ratios("-0.1").is_err());
        assert!(parse_ratios("0").unwrap_err().contains("above 0"));
        assert!(parse_seeds("0").unwrap_err().contains("2 to"));
        assert_eq!(parse_seeds("20"), Ok(20));
        assert!(check_size(6, 20).is_ok());
        assert!(
            check_size(100, 10_000)
                .unwrap_err()
                .contains("1000000 networks")
        );
    }

    fn summary(ratio: f64, validation: f64, versus: (f64, f64)) -> RatioSummary {
        let point = |mean: f64| Interval {
            mean,
            low: mean,
            high: mean,
        };
        RatioSummary {
            ratio,
            validation: point(validation),
            test: point(0.7),
            gap: point(0.2),
            versus_none: Interval {
                mean: (versus.0 + versus.1) / 2.0,
                low: versus.0,
                high: versus.1,
            },
        }
    }

    #[test]
    fn a_clear_winner_is_named_and_overlap_is_no_clear_winner() {
        let clear = [
            summary(0.0, 0.70, (0.0, 0.0)),
            summary(0.2, 0.78, (0.06, 0.10)),
            summary(0.4, 0.74, (0.02, 0.05)),
        ];
        assert_eq!(
            choose(&clear),
            Some(Choice {
                best: 1,
                tied_with: None
            })
        );
        let sweep = Sweep::new(&[0.0, 0.2, 0.4], 20, DropoutMode::Book, false);
        let verdict = verdict(&clear, &sweep).render(crate::messages::Lang::En);
        assert!(
            verdict.starts_with("validation accuracy picks dropout 0.2"),
            "{verdict}"
        );
        let overlapping = [
            summary(0.0, 0.70, (0.0, 0.0)),
            summary(0.2, 0.78, (0.03, 0.10)),
            summary(0.4, 0.77, (0.02, 0.05)),
        ];
        assert_eq!(choose(&overlapping).and_then(|c| c.tied_with), Some(2));
        let verdict = super::verdict(&overlapping, &sweep).render(crate::messages::Lang::En);
        assert!(verdict.starts_with("no clear winner"), "{verdict}");
    }

    /// A small sweep on synthetic images: the chosen ratio is the same when the test labels
    /// are shuffled (the choice never reads the test set), and the results do not depend on
    /// the number of threads.
    #[test]
    fn the_choice_ignores_the_test_set_and_the_thread_count() {
        let data = LoadedData::synthetic(pair::TRAIN_SIZE + 200, 200, 3);
        let settings = Sweep {
            ratios: vec![0.0, 0.3, 0.6],
            seeds: 3,
            mode: DropoutMode::Book,
            epochs: 3,
        };
        let stop = AtomicBool::new(false);
        let context = RunContext {
            seed: 5,
            quick: true,
            progress: &(),
            stop: &stop,
        };
        let mut sweep_data = SweepData::new(&data);
        assert_eq!(sweep_data.validation.1.len(), 200);
        let in_pool = |threads: usize, data: &SweepData<'_>| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| sweep(data, &settings, &context).unwrap())
        };
        let results = in_pool(2, &sweep_data);
        assert_eq!(results, in_pool(1, &sweep_data));
        let chosen = choose(&summarise(&settings.ratios, &results));
        sweep_data.test.1.rotate_left(7);
        let shuffled = in_pool(2, &sweep_data);
        assert_ne!(
            results.iter().map(|r| r.test).collect::<Vec<_>>(),
            shuffled.iter().map(|r| r.test).collect::<Vec<_>>()
        );
        assert_eq!(choose(&summarise(&settings.ratios, &shuffled)), chosen);
    }
}
