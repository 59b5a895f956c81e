//! The book's overfitting setting (ch. 6.4) run twice — once plain, once regularised — with
//! train and test accuracy per epoch, side by side: the shape of fig. 6-20/6-21 (weight decay)
//! and fig. 6-22/6-23 (dropout).

use super::{Curve, Outcome, Result, RunContext, Table, run_seed, tail_mean, train_curve};
use super::{axis, legend};
use crate::data::LoadedData;
use crate::figures::{self, Axes, Line, Panel};
use crate::messages::{Lang, Message};
use rayon::prelude::*;
use scratchnet_datasets::NUM_CLASSES;
use scratchnet_network::NetworkConfig;
use scratchnet_optim::by_name;
use scratchnet_trainer::{LabeledData, TrainerConfig};

/// Training images: the first 300, few enough to overfit.
pub const TRAIN_SIZE: usize = 300;
/// Hidden layers: six of 100, deep enough to overfit.
pub const HIDDEN: [usize; 6] = [100; 6];
/// Epochs with `--quick`: enough for the plain network to reach ~100% training accuracy.
pub const QUICK_EPOCHS: usize = 101;
/// With `--quick`, each epoch's test accuracy is measured on the first 1,000 test images (the
/// book's `evaluate_sample_num_per_epoch`); the full runs use all 10,000.
pub const QUICK_EVALUATION_SAMPLES: usize = 1000;

/// One of the two runs: its name and its network.
pub struct Variant {
    pub name: String,
    pub config: NetworkConfig,
}

/// A run's name, curve and final accuracies.
pub struct PairRun {
    pub name: String,
    pub curve: Curve,
}

impl PairRun {
    /// Final train and test accuracy: each the mean over the last tenth of the epochs.
    pub fn finals(&self) -> Final {
        let train: Vec<f64> = self.curve.epochs.iter().map(|r| r.train_acc).collect();
        let test: Vec<f64> = self.curve.epochs.iter().map(|r| r.test_acc).collect();
        Final {
            train: tail_mean(&train),
            test: tail_mean(&test),
        }
    }
}

/// Where a run ends.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Final {
    pub train: f64,
    pub test: f64,
}

impl Final {
    /// The train/test gap, the measure of overfitting.
    pub fn gap(self) -> f64 {
        self.train - self.test
    }
}

/// The two runs: the seed experiment's network as `plain`, and a copy changed by `regularise`.
pub fn plain_and_regularised(
    input_size: usize,
    plain: String,
    regularised: String,
    regularise: impl FnOnce(&mut NetworkConfig),
) -> Vec<Variant> {
    let plain_config = NetworkConfig::new(input_size, HIDDEN.to_vec(), NUM_CLASSES);
    let mut regularised_config = plain_config.clone();
    regularise(&mut regularised_config);
    vec![
        Variant {
            name: plain,
            config: plain_config,
        },
        Variant {
            name: regularised,
            config: regularised_config,
        },
    ]
}

/// Trains both variants in parallel — the same initial weights and batches (one seed) — on the
/// first 300 training images, evaluating on the whole test set every epoch (on its first
/// 1,000 images with `--quick`).
pub fn train_pair(
    data: &LoadedData,
    variants: Vec<Variant>,
    epochs: usize,
    context: &RunContext<'_>,
) -> Result<Vec<PairRun>> {
    let x_train = data.train_rows(TRAIN_SIZE);
    let t_train = data.mnist.train.labels(TRAIN_SIZE);
    let t_test = data.mnist.test.labels(data.mnist.test.len());
    let train_data = LabeledData::new(&x_train, &t_train)?;
    let test_data = LabeledData::new(&data.test_sparse, &t_test)?;
    context
        .progress
        .start((variants.len() * epochs) as u64, "epochs");
    let trainer = TrainerConfig {
        epochs,
        mini_batch_size: 100,
        evaluate_sample_num_per_epoch: context.quick.then_some(QUICK_EVALUATION_SAMPLES),
        ..TrainerConfig::default()
    };
    let runs = variants
        .into_par_iter()
        .map(|variant| {
            let optimizer = by_name("sgd", Some(0.01))?;
            let curve = train_curve(
                variant.config,
                optimizer,
                (train_data, test_data),
                trainer,
                run_seed(context.seed, 0),
                context,
            )?;
            Ok(PairRun {
                name: variant.name,
                curve,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    context.progress.finish();
    Ok(runs)
}

/// The outcome of a pair: CSV, side-by-side figure and the gap verdict, with `regulariser`
/// naming the second run in the verdict (e.g. "λ = 0.1").
pub fn outcome(runs: Vec<PairRun>, title: Message, regulariser: &str) -> Outcome {
    let verdict = match runs.as_slice() {
        [plain, regularised] => verdict(regulariser, plain.finals(), regularised.finals()),
        _ => Message::new("experiments.pair.verdict.none"),
    };
    Outcome {
        csv: table(&runs),
        verdict,
        figure: Box::new(move |path, lang| {
            let (x_desc, y_desc) = (axis("epochs", lang), axis("accuracy", lang));
            let axes = Axes {
                x_desc: &x_desc,
                y_desc: &y_desc,
                y_range: 0.0..1.0,
                legend_low: true,
            };
            figures::panel_grid(path, &title.render(lang), 2, &axes, &panels(&runs, lang))
        }),
    }
}

/// Whether the regularised run has the smaller train/test gap, e.g. "λ = 0.1 shrinks the
/// train/test gap from 0.24 to 0.09 (train 1.00 → 0.89, test 0.76 → 0.80)".
pub fn verdict(regulariser: &str, plain: Final, regularised: Final) -> Message {
    let key = if regularised.gap() < plain.gap() {
        "experiments.pair.verdict.shrinks"
    } else {
        "experiments.pair.verdict.does-not-shrink"
    };
    let two = |value: f64| format!("{value:.2}");
    Message::new(key)
        .arg("regulariser", regulariser)
        .arg("gap", two(plain.gap()))
        .arg("gap_after", two(regularised.gap()))
        .arg("train", two(plain.train))
        .arg("train_after", two(regularised.train))
        .arg("test", two(plain.test))
        .arg("test_after", two(regularised.test))
}

fn table(runs: &[PairRun]) -> Table {
    let rows = runs
        .iter()
        .flat_map(|run| {
            run.curve.epochs.iter().map(|record| {
                vec![
                    run.name.clone(),
                    record.epoch.to_string(),
                    record.train_acc.to_string(),
                    record.test_acc.to_string(),
                ]
            })
        })
        .collect();
    Table {
        header: vec!["series", "epoch", "train_acc", "test_acc"],
        rows,
    }
}

fn panels(runs: &[PairRun], lang: Lang) -> Vec<Panel> {
    runs.iter()
        .map(|run| {
            let points = |pick: fn(&scratchnet_trainer::EpochRecord) -> f64| {
                run.curve
                    .epochs
                    .iter()
                    .map(|r| (r.epoch as f64, pick(r)))
                    .collect()
            };
            Panel {
                title: if run.curve.diverged {
                    Message::new("figure.legend.diverged")
                        .arg("name", &run.name)
                        .render(lang)
                } else {
                    run.name.clone()
                },
                lines: vec![
                    Line {
                        label: legend("train", lang),
                        points: points(|r| r.train_acc),
                        color: figures::TRAIN,
                    },
                    Line {
                        label: legend("test", lang),
                        points: points(|r| r.test_acc),
                        color: figures::TEST,
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

    #[test]
    fn a_smaller_gap_shrinks() {
        let plain = Final {
            train: 1.0,
            test: 0.76,
        };
        let decayed = Final {
            train: 0.89,
            test: 0.8,
        };
        assert_eq!(
            verdict("λ = 0.1", plain, decayed).render(Lang::En),
            "λ = 0.1 shrinks the train/test gap from 0.24 to 0.09 (train 1.00 → 0.89, test 0.76 → 0.80)"
        );
    }

    #[test]
    fn a_larger_gap_does_not_shrink() {
        let plain = Final {
            train: 0.8,
            test: 0.7,
        };
        let worse = Final {
            train: 0.9,
            test: 0.7,
        };
        assert!(
            verdict("dropout 0.2", plain, worse)
                .render(Lang::En)
                .starts_with("dropout 0.2 does not shrink the train/test gap from 0.10 to 0.20")
        );
    }
}
