//! Fig. 6-24: random search for the learning rate and the weight decay — the validation
//! curves of the best 20 trials (the book's `ch06/hyperparameter_optimization.py`).
//!
//! The search sees the training split only: [`run`] and [`search`] take no test data, so the
//! test set cannot leak into the choice of hyperparameters.

use super::{Curve, Outcome, Result, RunContext, Table, run_seed, train_curve};
use super::{axis, legend};
use crate::figures::{self, Axes, Line, Panel};
use crate::messages::{Lang, Message};
use rayon::prelude::*;
use scratchnet_datasets::{NUM_CLASSES, Split};
use scratchnet_network::NetworkConfig;
use scratchnet_optim::by_name;
use scratchnet_tensor::{Matrix, random};
use scratchnet_trainer::{LabeledData, TrainerConfig};

/// Samples searched on: the first 500 training images.
pub const SAMPLES: usize = 500;
/// Fraction of them held out for validation.
pub const VALIDATION_RATE: f64 = 0.2;
/// The book's hidden layers: six of 100.
pub const HIDDEN: [usize; 6] = [100; 6];
/// `log10` ranges sampled uniformly: learning rate 10^U(−6, −2), weight decay 10^U(−8, −4).
pub const LOG10_LR: (f64, f64) = (-6.0, -2.0);
pub const LOG10_WEIGHT_DECAY: (f64, f64) = (-8.0, -4.0);
/// Curves drawn: the best 20.
pub const SHOWN: usize = 20;
/// Seed index of the shuffle (trials use 0, 1, 2, …).
const SHUFFLE_STREAM: u64 = u64::MAX;

/// How much of the search to run.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub trials: usize,
    pub epochs: usize,
}

impl Settings {
    /// The book's 100 trials × 50 epochs, or 8 × 10 with `--quick`.
    pub fn new(quick: bool) -> Self {
        if quick {
            Self {
                trials: 8,
                epochs: 10,
            }
        } else {
            Self {
                trials: 100,
                epochs: 50,
            }
        }
    }
}

/// One trial: its hyperparameters and curves (`test_acc` of each record is the validation
/// accuracy: the validation set plays the Trainer's test set, as in the book).
pub struct Trial {
    pub index: usize,
    pub learning_rate: f64,
    pub weight_decay: f64,
    pub curve: Curve,
}

impl Trial {
    /// Validation accuracy after the last epoch, what the book ranks by (0 if none).
    pub fn final_validation(&self) -> f64 {
        self.curve
            .epochs
            .last()
            .map_or(0.0, |record| record.test_acc)
    }
}

pub fn run(train: &Split, context: &RunContext<'_>) -> Result<Outcome> {
    let settings = Settings::new(context.quick);
    context
        .progress
        .start((settings.trials * settings.epochs) as u64, "epochs");
    let trials = search(train, settings, context)?;
    context.progress.finish();
    let order = rank(&trials);
    let ranked: Vec<&Trial> = order.iter().map(|&i| &trials[i]).collect();
    let summary: Vec<(f64, f64, f64)> = ranked
        .iter()
        .map(|t| (t.learning_rate, t.weight_decay, t.final_validation()))
        .collect();
    let title = Message::new("figure.title.hyperparams")
        .arg("shown", SHOWN.min(trials.len()))
        .arg("trials", trials.len())
        .arg("samples", SAMPLES)
        .arg("epochs", settings.epochs)
        .arg("seed", context.seed);
    // Drawn now in every language: the figure outlives the borrowed trials.
    let panels_in: Vec<(Lang, Vec<Panel>)> = Lang::ALL
        .iter()
        .map(|&lang| (lang, panels(&ranked, lang)))
        .collect();
    Ok(Outcome {
        csv: table(&ranked),
        verdict: verdict(&summary),
        figure: Box::new(move |path, lang| {
            let (x_desc, y_desc) = (axis("epochs", lang), axis("accuracy", lang));
            let axes = Axes {
                x_desc: &x_desc,
                y_desc: &y_desc,
                y_range: 0.0..1.0,
                legend_low: true,
            };
            let panels = panels_in
                .iter()
                .find(|(of, _)| *of == lang)
                .map_or(&[][..], |(_, panels)| panels.as_slice());
            figures::panel_grid(path, &title.render(lang), 5, &axes, panels)
        }),
    })
}

/// Which of the first `samples` indices train and which validate: a seeded shuffle, the
/// first 20% of it held out (the book's `shuffle_dataset` then slicing).
pub fn holdout(samples: usize, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let order = random::permutation(samples, &mut random::seeded(run_seed(seed, SHUFFLE_STREAM)));
    let validation = (samples as f64 * VALIDATION_RATE) as usize;
    let (held_out, training) = order.split_at(validation);
    (training.to_vec(), held_out.to_vec())
}

/// Runs every trial (in parallel) on the first [`SAMPLES`] images of `train`. Trial `i` draws
/// its hyperparameters, weights and batches from `run_seed(seed, i)`.
pub fn search(train: &Split, settings: Settings, context: &RunContext<'_>) -> Result<Vec<Trial>> {
    let seed = context.seed;
    let samples = SAMPLES.min(train.len());
    let x = train.images::<f32>(samples);
    let labels = train.labels(samples);
    let (training, validation) = holdout(samples, seed);
    let (x_train, t_train) = select(&x, &labels, &training);
    let (x_val, t_val) = select(&x, &labels, &validation);
    let train_data = LabeledData::new(&x_train, &t_train)?;
    let validation_data = LabeledData::new(&x_val, &t_val)?;
    let trainer = TrainerConfig {
        epochs: settings.epochs,
        mini_batch_size: 100,
        evaluate_sample_num_per_epoch: None,
        ..TrainerConfig::default()
    };
    (0..settings.trials)
        .into_par_iter()
        .map(|index| {
            let trial_seed = run_seed(seed, index as u64);
            let (learning_rate, weight_decay) = sample_hyperparameters(trial_seed);
            let mut config = NetworkConfig::new(x.ncols(), HIDDEN.to_vec(), NUM_CLASSES);
            config.weight_decay_lambda = weight_decay;
            let optimizer = by_name("sgd", Some(learning_rate))?;
            let curve = train_curve(
                config,
                optimizer,
                (train_data, validation_data),
                trainer,
                trial_seed,
                context,
            )?;
            Ok(Trial {
                index,
                learning_rate,
                weight_decay,
                curve,
            })
        })
        .collect()
}

/// `(learning rate, weight decay)`, log-uniform in the book's ranges, from their own stream.
fn sample_hyperparameters(trial_seed: u64) -> (f64, f64) {
    let uniforms: Matrix<f64> =
        random::uniform_matrix(1, 2, &mut random::seeded(trial_seed ^ 0xA5A5));
    let log_uniform = |(low, high): (f64, f64), u: f64| 10f64.powf(low + (high - low) * u);
    (
        log_uniform(LOG10_LR, uniforms[(0, 0)]),
        log_uniform(LOG10_WEIGHT_DECAY, uniforms[(0, 1)]),
    )
}

fn select(x: &Matrix<f32>, labels: &[usize], rows: &[usize]) -> (Matrix<f32>, Vec<usize>) {
    (
        x.select_rows(rows),
        rows.iter().map(|&row| labels[row]).collect(),
    )
}

/// Trial positions from the best final validation accuracy to the worst (ties: lower index
/// first).
pub fn rank(trials: &[Trial]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..trials.len()).collect();
    order.sort_by(|&a, &b| {
        trials[b]
            .final_validation()
            .total_cmp(&trials[a].final_validation())
    });
    order
}

/// The best trial and the ranges the best [`SHOWN`] span, from `(lr, weight decay, final
/// validation accuracy)` best first, e.g. "best validation accuracy 0.82 at lr 6.1e-3, weight
/// decay 2.0e-7; the best 20 have lr 10^-3.3…10^-2.0, weight decay 10^-7.9…10^-4.2".
pub fn verdict(ranked: &[(f64, f64, f64)]) -> Message {
    let Some(&(lr, decay, accuracy)) = ranked.first() else {
        return Message::new("experiments.hyperparams.verdict.none");
    };
    let best = &ranked[..SHOWN.min(ranked.len())];
    let span = |pick: fn(&(f64, f64, f64)) -> f64| {
        let logs: Vec<f64> = best.iter().map(|t| pick(t).log10()).collect();
        let low = logs.iter().copied().fold(f64::INFINITY, f64::min);
        let high = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        format!("10^{low:.1}…10^{high:.1}")
    };
    Message::new("experiments.hyperparams.verdict")
        .arg("accuracy", format!("{accuracy:.2}"))
        .arg("lr", format!("{lr:.1e}"))
        .arg("decay", format!("{decay:.1e}"))
        .arg("best", best.len())
        .arg("trials", ranked.len())
        .arg("lr_span", span(|t| t.0))
        .arg("decay_span", span(|t| t.1))
}

fn table(ranked: &[&Trial]) -> Table {
    let rows = ranked
        .iter()
        .enumerate()
        .flat_map(|(position, trial)| {
            trial.curve.epochs.iter().map(move |record| {
                vec![
                    (position + 1).to_string(),
                    trial.index.to_string(),
                    trial.learning_rate.to_string(),
                    trial.weight_decay.to_string(),
                    record.epoch.to_string(),
                    record.train_acc.to_string(),
                    record.test_acc.to_string(),
                ]
            })
        })
        .collect();
    Table {
        header: vec![
            "rank",
            "trial",
            "learning_rate",
            "weight_decay",
            "epoch",
            "train_acc",
            "val_acc",
        ],
        rows,
    }
}

fn panels(ranked: &[&Trial], lang: Lang) -> Vec<Panel> {
    ranked
        .iter()
        .take(SHOWN)
        .enumerate()
        .map(|(position, trial)| {
            let points = |pick: fn(&scratchnet_trainer::EpochRecord) -> f64| {
                trial
                    .curve
                    .epochs
                    .iter()
                    .map(|r| (r.epoch as f64, pick(r)))
                    .collect()
            };
            Panel {
                title: format!(
                    "Best-{} val {:.2} lr {:.1e} wd {:.1e}",
                    position + 1,
                    trial.final_validation(),
                    trial.learning_rate,
                    trial.weight_decay
                ),
                lines: vec![
                    Line {
                        label: legend("validation", lang),
                        points: points(|r| r.test_acc),
                        color: figures::TEST,
                    },
                    Line {
                        label: legend("train", lang),
                        points: points(|r| r.train_acc),
                        color: figures::TRAIN,
                    },
                ],
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::Lang;
    use scratchnet_trainer::EpochRecord;

    fn trial(index: usize, validation: &[f64]) -> Trial {
        Trial {
            index,
            learning_rate: 1e-3,
            weight_decay: 1e-6,
            curve: Curve {
                epochs: validation
                    .iter()
                    .enumerate()
                    .map(|(i, &test_acc)| EpochRecord {
                        epoch: i + 1,
                        iteration: 1,
                        train_loss: 0.0,
                        train_acc: 0.0,
                        test_acc,
                    })
                    .collect(),
                diverged: false,
            },
        }
    }

    #[test]
    fn ranks_by_final_validation_accuracy_not_by_peak() {
        let trials = [
            trial(0, &[0.9, 0.2]),
            trial(1, &[0.1, 0.5]),
            trial(2, &[0.3, 0.7]),
            trial(3, &[0.5, 0.5]),
        ];
        assert_eq!(rank(&trials), vec![2, 1, 3, 0]);
    }

    #[test]
    fn holdout_is_a_seeded_partition_with_a_fifth_held_out() {
        let (training, validation) = holdout(500, 7);
        assert_eq!((training.len(), validation.len()), (400, 100));
        let mut all: Vec<usize> = training.iter().chain(&validation).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..500).collect::<Vec<_>>());
        assert_ne!(validation, (0..100).collect::<Vec<_>>(), "shuffled first");
        assert_eq!(holdout(500, 7), (training, validation));
    }

    #[test]
    fn hyperparameters_fall_in_the_books_ranges() {
        for seed in 0..200 {
            let (lr, decay) = sample_hyperparameters(seed);
            assert!((1e-6..=1e-2).contains(&lr), "{lr}");
            assert!((1e-8..=1e-4).contains(&decay), "{decay}");
        }
    }

    #[test]
    fn verdict_names_the_best_trial_and_the_spread() {
        let ranked = [(5e-3, 2e-7, 0.82), (1e-3, 1e-5, 0.8), (1e-2, 1e-8, 0.6)];
        assert_eq!(
            verdict(&ranked).render(Lang::En),
            "best validation accuracy 0.82 at lr 5.0e-3, weight decay 2.0e-7; the best 3 of 3 have lr 10^-3.0…10^-2.0, weight decay 10^-8.0…10^-5.0"
        );
    }

    /// The search runs on a training split alone (a synthetic one here): there is no test
    /// set to pass, and its ranking follows the validation accuracy.
    #[test]
    fn search_needs_only_training_data() {
        let count = 120;
        let labels: Vec<u8> = (0..count).map(|i| (i % 10) as u8).collect();
        let images: Vec<u8> = labels
            .iter()
            .flat_map(|&label| {
                (0..16).map(move |pixel| if pixel == usize::from(label) { 255 } else { 0 })
            })
            .collect();
        let train = Split::from_raw(images, labels, 4, 4).unwrap();
        let settings = Settings {
            trials: 3,
            epochs: 2,
        };
        let stop = std::sync::atomic::AtomicBool::new(false);
        let context = RunContext {
            seed: 1,
            quick: true,
            progress: &(),
            stop: &stop,
        };
        let trials = search(&train, settings, &context).unwrap();
        assert_eq!(trials.len(), 3);
        let order = rank(&trials);
        let finals: Vec<f64> = order
            .iter()
            .map(|&i| trials[i].final_validation())
            .collect();
        assert!(
            finals.windows(2).all(|pair| pair[0] >= pair[1]),
            "{finals:?}"
        );
    }
}
