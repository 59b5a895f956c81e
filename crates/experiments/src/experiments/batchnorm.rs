//! Fig. 6-19: training with and without BatchNorm at 16 initial weight scales
//! `logspace(0, −4, 16)` — a 4×4 grid of training-accuracy curves (the book's
//! `ch06/batch_norm_test.py`).

use super::{Curve, Outcome, Result, RunContext, Table, run_seed, train_curve};
use super::{axis, legend};
use crate::figures::{self, Axes, Line, Panel};
use crate::messages::{Lang, Message};
use rayon::prelude::*;
use scratchnet_datasets::{NUM_CLASSES, Split};
use scratchnet_network::{NetworkConfig, WeightInit};
use scratchnet_optim::by_name;
use scratchnet_trainer::{LabeledData, TrainerConfig};

/// Training images: the first 1,000.
pub const TRAIN_SIZE: usize = 1000;
/// The book's hidden layers: five of 100.
pub const HIDDEN: [usize; 5] = [100; 5];
/// The accuracy a diverged run is counted at after it diverged: chance among 10 classes.
pub const CHANCE_ACCURACY: f64 = 0.1;

/// How much of the experiment to run.
pub struct Settings {
    pub scales: Vec<f64>,
    pub epochs: usize,
}

impl Settings {
    /// The book's 16 scales × 20 epochs, or 4 of the scales × 5 epochs with `--quick`.
    pub fn new(quick: bool) -> Self {
        let scales = logspace(0.0, -4.0, 16);
        if quick {
            Self {
                scales: scales.into_iter().step_by(4).collect(),
                epochs: 5,
            }
        } else {
            Self { scales, epochs: 20 }
        }
    }
}

/// NumPy's `logspace(start, stop, count)`: `count` powers of ten evenly spaced in exponent.
pub fn logspace(start: f64, stop: f64, count: usize) -> Vec<f64> {
    let step = if count > 1 {
        (stop - start) / (count - 1) as f64
    } else {
        0.0
    };
    (0..count)
        .map(|i| 10f64.powf(start + step * i as f64))
        .collect()
}

/// One weight scale's pair of runs.
pub struct ScaleResult {
    pub scale: f64,
    pub batchnorm: Curve,
    pub plain: Curve,
}

pub fn run(train: &Split, context: &RunContext<'_>) -> Result<Outcome> {
    let settings = Settings::new(context.quick);
    let x = train.byte_rows::<f32>(TRAIN_SIZE);
    let labels = train.labels(TRAIN_SIZE);
    let data = LabeledData::new(&x, &labels)?;
    // The script tracks training accuracy only: the Trainer's test set is empty, so each
    // epoch evaluates the 1,000 images once, not a second time as a test set (its `test_acc`
    // is 0 and neither drawn nor written).
    let no_test = x.first_rows(0);
    let no_test = LabeledData::new(&no_test, &[])?;
    context.progress.start(
        (settings.scales.len() * 2 * settings.epochs) as u64,
        "epochs",
    );
    let jobs: Vec<(usize, bool)> = (0..settings.scales.len())
        .flat_map(|i| [(i, true), (i, false)])
        .collect();
    let curves: Vec<Curve> = jobs
        .par_iter()
        .map(|&(index, use_batchnorm)| {
            let mut config = NetworkConfig::new(x.ncols(), HIDDEN.to_vec(), NUM_CLASSES);
            config.weight_init = WeightInit::Std(settings.scales[index]);
            config.use_batchnorm = use_batchnorm;
            let trainer = TrainerConfig {
                epochs: settings.epochs,
                mini_batch_size: 100,
                evaluate_sample_num_per_epoch: None,
                ..TrainerConfig::default()
            };
            // Both runs of a scale share the seed: the same initial weights and batches.
            train_curve(
                config,
                by_name("sgd", Some(0.01))?,
                (data, no_test),
                trainer,
                run_seed(context.seed, index as u64),
                context,
            )
        })
        .collect::<Result<_>>()?;
    context.progress.finish();
    let results: Vec<ScaleResult> = settings
        .scales
        .iter()
        .zip(curves.chunks_exact(2))
        .map(|(&scale, pair)| ScaleResult {
            scale,
            batchnorm: pair[0].clone(),
            plain: pair[1].clone(),
        })
        .collect();
    let scores: Vec<(f64, f64)> = results
        .iter()
        .map(|r| {
            (
                learning_score(&r.batchnorm, settings.epochs),
                learning_score(&r.plain, settings.epochs),
            )
        })
        .collect();
    let title = Message::new("figure.title.batchnorm")
        .arg("scales", results.len())
        .arg("images", TRAIN_SIZE)
        .arg("seed", context.seed);
    Ok(Outcome {
        csv: table(&results),
        verdict: verdict(&scores, settings.epochs),
        figure: Box::new(move |path, lang| {
            let (x_desc, y_desc) = (axis("epochs", lang), axis("train_accuracy", lang));
            let axes = Axes {
                x_desc: &x_desc,
                y_desc: &y_desc,
                y_range: 0.0..1.0,
                legend_low: false,
            };
            figures::panel_grid(path, &title.render(lang), 4, &axes, &panels(&results, lang))
        }),
    })
}

/// How fast a run learns: its mean training accuracy over all `epochs` (the area under the
/// curve); epochs after a divergence count at chance.
pub fn learning_score(curve: &Curve, epochs: usize) -> f64 {
    let recorded: f64 = curve.epochs.iter().map(|r| r.train_acc).sum();
    let missing = epochs.saturating_sub(curve.epochs.len()) as f64;
    (recorded + missing * CHANCE_ACCURACY) / epochs.max(1) as f64
}

/// "BatchNorm learns faster at 13 of 16 scales", from each scale's (with, without) scores.
pub fn verdict(scores: &[(f64, f64)], epochs: usize) -> Message {
    let faster = scores
        .iter()
        .filter(|(with, without)| with > without)
        .count();
    Message::new("experiments.batchnorm.verdict")
        .arg("faster", faster)
        .arg("scales", scores.len())
        .arg("epochs", epochs)
}

fn table(results: &[ScaleResult]) -> Table {
    let rows = results
        .iter()
        .flat_map(|result| {
            [
                ("batchnorm", &result.batchnorm),
                ("no-batchnorm", &result.plain),
            ]
            .into_iter()
            .flat_map(move |(series, curve)| {
                curve.epochs.iter().map(move |record| {
                    vec![
                        result.scale.to_string(),
                        series.to_string(),
                        record.epoch.to_string(),
                        record.train_acc.to_string(),
                    ]
                })
            })
        })
        .collect();
    Table {
        header: vec!["weight_scale", "series", "epoch", "train_acc"],
        rows,
    }
}

fn panels(results: &[ScaleResult], lang: Lang) -> Vec<Panel> {
    let points = |curve: &Curve| {
        curve
            .epochs
            .iter()
            .map(|r| (r.epoch as f64, r.train_acc))
            .collect()
    };
    results
        .iter()
        .enumerate()
        .map(|(index, result)| Panel {
            title: format!("{}: W std {:.2e}", index + 1, result.scale),
            lines: vec![
                Line {
                    label: "BatchNorm".into(),
                    points: points(&result.batchnorm),
                    color: figures::color(0),
                },
                Line {
                    label: if result.plain.diverged {
                        Message::new("figure.legend.diverged")
                            .arg("name", legend("none", lang))
                            .render(lang)
                    } else {
                        legend("none", lang)
                    },
                    points: points(&result.plain),
                    color: figures::color(1),
                },
            ],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Lang;
    use scratchnet_trainer::EpochRecord;

    fn curve(accuracies: &[f64], diverged: bool) -> Curve {
        Curve {
            epochs: accuracies
                .iter()
                .enumerate()
                .map(|(i, &train_acc)| EpochRecord {
                    epoch: i + 1,
                    iteration: 1,
                    train_loss: 0.0,
                    train_acc,
                    test_acc: 0.0,
                })
                .collect(),
            diverged,
        }
    }

    #[test]
    fn logspace_matches_numpy() {
        let scales = logspace(0.0, -4.0, 16);
        assert_eq!(scales.len(), 16);
        assert!((scales[0] - 1.0).abs() < 1e-12);
        assert!((scales[15] - 1e-4).abs() < 1e-16);
        assert!((scales[1] - 10f64.powf(-4.0 / 15.0)).abs() < 1e-12);
    }

    #[test]
    fn counts_scales_where_batchnorm_is_ahead() {
        let scores = [(0.8, 0.1), (0.7, 0.75), (0.9, 0.2)];
        assert_eq!(
            verdict(&scores, 20).render(Lang::En),
            "BatchNorm learns faster at 2 of 3 scales (higher mean training accuracy over 20 epochs)"
        );
    }

    #[test]
    fn a_diverged_run_counts_at_chance_after_it_stopped() {
        let stopped = curve(&[0.5, 0.5], true);
        assert!((learning_score(&stopped, 4) - 0.3).abs() < 1e-12);
        assert!((learning_score(&curve(&[0.2, 0.4], false), 2) - 0.3).abs() < 1e-12);
    }
}
