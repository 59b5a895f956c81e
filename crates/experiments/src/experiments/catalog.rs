//! The one description of each experiment — name, figure, title, what it shows, quick and full
//! sizes, the data it reads — that the command line's help, the lab's API and cards and the
//! README's chapter-6 list all read.

use super::{activations, batchnorm, hyperparams, optimizer_paths, optimizers, pair};
use super::{dropout, dropout_ensemble, dropout_sweep, gradient_check, weight_decay};
use crate::messages::{Lang, Message};

/// The experiments, in the book's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExperimentName {
    /// Fig. 6-8: SGD, Momentum, AdaGrad and Adam on f(x, y) = x²/20 + y².
    OptimizerPaths,
    /// Fig. 6-9: SGD, Momentum, AdaGrad, Adam — training loss per iteration.
    Optimizers,
    /// Fig. 6-10 … 6-14: histograms of the activations of five layers per initialisation.
    Activations,
    /// Fig. 6-15: weight init std 0.01 vs Xavier vs He (ReLU) — training loss per iteration.
    WeightInit,
    /// Fig. 6-19: with vs without BatchNorm at 16 weight scales — train accuracy per epoch.
    Batchnorm,
    /// Fig. 6-21: weight decay λ = 0 vs 0.1 — train/test accuracy per epoch.
    WeightDecay,
    /// Fig. 6-23: no dropout vs dropout — train/test accuracy per epoch.
    Dropout,
    /// Fig. 6-23 asked again: dropout ratios × seeds, chosen on validation data.
    DropoutSweep,
    /// §6.4.3: dropout as an ensemble — the book's scaling against averaging random masks.
    DropoutEnsemble,
    /// Fig. 6-24: random search over learning rate and weight decay — best validation curves.
    Hyperparams,
    /// The book's gradient checks (ch. 5, and §6.3 for BatchNorm): backpropagation against
    /// numerical gradients.
    GradientCheck,
}

impl ExperimentName {
    /// Every experiment, in the book's order.
    pub const ALL: [Self; 11] = [
        Self::OptimizerPaths,
        Self::Optimizers,
        Self::Activations,
        Self::WeightInit,
        Self::Batchnorm,
        Self::WeightDecay,
        Self::Dropout,
        Self::DropoutSweep,
        Self::DropoutEnsemble,
        Self::Hyperparams,
        Self::GradientCheck,
    ];

    /// The name on the command line, also the folder and file names.
    pub fn slug(self) -> &'static str {
        match self {
            Self::OptimizerPaths => "optimizer-paths",
            Self::Optimizers => "optimizers",
            Self::Activations => "activations",
            Self::WeightInit => "weight-init",
            Self::Batchnorm => "batchnorm",
            Self::WeightDecay => "weight-decay",
            Self::Dropout => "dropout",
            Self::DropoutSweep => "dropout-sweep",
            Self::DropoutEnsemble => "dropout-ensemble",
            Self::Hyperparams => "hyperparams",
            Self::GradientCheck => "gradient-check",
        }
    }

    /// The book's figure(s), e.g. `6-9` or `6-10…6-14`.
    pub fn figure(self) -> &'static str {
        match self {
            Self::OptimizerPaths => "6-8",
            Self::Optimizers => "6-9",
            Self::Activations => "6-10…6-14",
            Self::WeightInit => "6-15",
            Self::Batchnorm => "6-19",
            Self::WeightDecay => "6-21",
            Self::Dropout => "6-23",
            Self::DropoutSweep => "6-23 × seeds",
            Self::DropoutEnsemble => "6.4.3",
            Self::Hyperparams => "6-24",
            Self::GradientCheck => "5 & 6.3",
        }
    }

    /// Message key of the short title, e.g. "Optimizers".
    pub fn title_key(self) -> &'static str {
        match self {
            Self::OptimizerPaths => "experiments.optimizer-paths.title",
            Self::Optimizers => "experiments.optimizers.title",
            Self::Activations => "experiments.activations.title",
            Self::WeightInit => "experiments.weight-init.title",
            Self::Batchnorm => "experiments.batchnorm.title",
            Self::WeightDecay => "experiments.weight-decay.title",
            Self::Dropout => "experiments.dropout.title",
            Self::DropoutSweep => "experiments.dropout-sweep.title",
            Self::DropoutEnsemble => "experiments.dropout-ensemble.title",
            Self::Hyperparams => "experiments.hyperparams.title",
            Self::GradientCheck => "experiments.gradient-check.title",
        }
    }

    /// Message key of what the figure shows, in one line.
    pub fn describe_key(self) -> &'static str {
        match self {
            Self::OptimizerPaths => "experiments.optimizer-paths.describe",
            Self::Optimizers => "experiments.optimizers.describe",
            Self::Activations => "experiments.activations.describe",
            Self::WeightInit => "experiments.weight-init.describe",
            Self::Batchnorm => "experiments.batchnorm.describe",
            Self::WeightDecay => "experiments.weight-decay.describe",
            Self::Dropout => "experiments.dropout.describe",
            Self::DropoutSweep => "experiments.dropout-sweep.describe",
            Self::DropoutEnsemble => "experiments.dropout-ensemble.describe",
            Self::Hyperparams => "experiments.hyperparams.describe",
            Self::GradientCheck => "experiments.gradient-check.describe",
        }
    }

    /// The short title in `lang`.
    pub fn title(self, lang: Lang) -> String {
        Message::new(self.title_key()).render(lang)
    }

    /// The book's figure and what it shows, in one line of `lang`.
    pub fn describe_in(self, lang: Lang) -> String {
        Message::new("experiments.line")
            .arg("figure", self.figure())
            .arg("describe", Message::new(self.describe_key()).render(lang))
            .render(lang)
    }

    /// The book's figure and what it shows, in one line of English.
    pub fn describe(self) -> String {
        self.describe_in(Lang::En)
    }

    /// How much of it runs at full size (`quick` false) or with `--quick`.
    pub fn size(self, quick: bool) -> Message {
        match self {
            Self::OptimizerPaths => {
                Message::new("experiments.size.steps").arg("steps", optimizer_paths::STEPS)
            }
            Self::Optimizers | Self::WeightInit => Message::new("experiments.size.iterations")
                .arg("iterations", optimizers::iterations(quick)),
            Self::Activations => Message::new("experiments.size.activations")
                .arg("inputs", activations::inputs(quick))
                .arg("layers", activations::LAYERS),
            Self::Batchnorm => {
                let settings = batchnorm::Settings::new(quick);
                Message::new("experiments.size.scales")
                    .arg("scales", settings.scales.len())
                    .arg("epochs", settings.epochs)
            }
            Self::WeightDecay => {
                Message::new("experiments.size.epochs").arg("epochs", weight_decay::epochs(quick))
            }
            Self::Dropout => {
                Message::new("experiments.size.epochs").arg("epochs", dropout::epochs(quick))
            }
            Self::DropoutSweep => {
                let sweep = dropout_sweep::Sweep::new(
                    &dropout_sweep::DEFAULT_RATIOS,
                    dropout_sweep::DEFAULT_SEEDS,
                    scratchnet_network::DropoutMode::Book,
                    quick,
                );
                Message::new("experiments.size.sweep")
                    .arg("ratios", sweep.ratios.len())
                    .arg("seeds", sweep.seeds)
                    .arg("epochs", sweep.epochs)
            }
            Self::DropoutEnsemble => Message::new("experiments.size.ensemble")
                .arg("epochs", dropout_ensemble::epochs(quick))
                .arg("masks", dropout_ensemble::max_masks(quick)),
            Self::Hyperparams => {
                let settings = hyperparams::Settings::new(quick);
                Message::new("experiments.size.trials")
                    .arg("trials", settings.trials)
                    .arg("epochs", settings.epochs)
            }
            Self::GradientCheck => Message::new("experiments.size.images")
                .arg("images", gradient_check::IMAGES)
                .arg("hidden", format!("{:?}", gradient_check::HIDDEN)),
        }
    }

    /// Whether it reads MNIST (the others compute on synthetic inputs).
    pub fn needs_mnist(self) -> bool {
        !matches!(self, Self::OptimizerPaths | Self::Activations)
    }

    /// Training images the experiment reads (the first N of the training set); 0 when it reads
    /// none.
    pub fn train_samples(self) -> usize {
        match self {
            Self::OptimizerPaths | Self::Activations => 0,
            Self::Optimizers | Self::WeightInit => usize::MAX,
            Self::Batchnorm => batchnorm::TRAIN_SIZE,
            Self::WeightDecay | Self::Dropout | Self::DropoutEnsemble => pair::TRAIN_SIZE,
            Self::Hyperparams => hyperparams::SAMPLES,
            Self::GradientCheck => gradient_check::IMAGES,
            Self::DropoutSweep => dropout_sweep::train_samples(),
        }
    }

    /// Every experiment, one line each (`slug  fig. …: …`), aligned: the list in `--help`.
    pub fn list(lang: Lang) -> String {
        let width = Self::ALL
            .iter()
            .map(|name| name.slug().len())
            .max()
            .unwrap_or(0);
        Self::ALL
            .iter()
            .map(|name| format!("  {:width$}  {}", name.slug(), name.describe_in(lang)))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl std::fmt::Display for ExperimentName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.slug())
    }
}

impl std::str::FromStr for ExperimentName {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|name| name.slug() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|name| name.slug()).collect();
                format!(
                    "unknown experiment {text:?}; expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// The dropout ratio of the `dropout` experiment: in (0, 1).
pub fn parse_experiment_dropout(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(ratio) if ratio > 0.0 && ratio < 1.0 => Ok(ratio),
        Ok(_) => Err(format!("the dropout ratio must be in (0, 1), got {text}")),
        Err(_) => Err(format!("{text:?} is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::lookup;

    #[test]
    fn names_parse_and_print_alike() {
        for name in ExperimentName::ALL {
            assert_eq!(name.slug().parse::<ExperimentName>(), Ok(name));
            assert_eq!(name.to_string(), name.slug());
        }
        assert!(
            "optimisers"
                .parse::<ExperimentName>()
                .unwrap_err()
                .contains("optimizers, activations")
        );
        assert!(parse_experiment_dropout("0").is_err());
        assert_eq!(parse_experiment_dropout("0.15"), Ok(0.15));
    }

    #[test]
    fn every_experiment_has_its_texts_in_the_table() {
        for name in ExperimentName::ALL {
            for key in [name.title_key(), name.describe_key(), name.size(true).code] {
                assert!(lookup(key).is_some(), "{name}: no message {key}");
            }
        }
    }

    #[test]
    fn descriptions_read_like_before() {
        assert_eq!(
            ExperimentName::Optimizers.describe(),
            "fig. 6-9: SGD, Momentum, AdaGrad and Adam, training loss per iteration"
        );
        assert!(
            ExperimentName::Optimizers
                .describe_in(Lang::Ja)
                .starts_with("図6-9")
        );
        let list = ExperimentName::list(Lang::En);
        assert_eq!(list.lines().count(), ExperimentName::ALL.len());
        // Aligned to the longest name, `dropout-ensemble`.
        assert!(list.contains("  optimizer-paths   fig. 6-8: "), "{list}");
    }
}
