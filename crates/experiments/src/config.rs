//! A training run's configuration: every option of `cargo xtask train`, with the book's
//! overfitting experiment as the defaults, and the checks that make a run safe to start.

use crate::memory;
use crate::messages::{Lang, Message};
use crate::options::{self, MAX_EPOCHS, OPTIONS, join};
use scratchnet_datasets::{DatasetKind, NUM_CLASSES};
use scratchnet_network::{Activation, DropoutConfig, DropoutMode, NetworkConfig, WeightInit};
use scratchnet_optim::OptimizerKind;
use scratchnet_trainer::iterations_per_epoch;
use serde::{Serialize, Serializer};
use std::fmt;

/// Training images of every MNIST-family data set.
pub const TRAIN_IMAGES: usize = 60_000;
/// Pixels per image of every MNIST-family data set.
pub const IMAGE_PIXELS: usize = 784;
/// The most iterations a run may have (about a day at full MNIST speed), so the per-epoch
/// records of any accepted run fit in memory.
pub const MAX_ITERATIONS: u64 = 1_000_000_000;

/// Every option of a training run. [`RunConfig::default`] is the book's overfitting experiment
/// (ch. 6.4): 300 MNIST training images, six hidden layers of 100, ReLU, He init, SGD lr 0.01,
/// batch 100, 301 epochs, no dropout.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunConfig {
    /// Data set.
    #[serde(serialize_with = "as_slug")]
    pub dataset: DatasetKind,
    /// Training images used: the first N of the training set.
    pub train_size: usize,
    /// Hidden layer sizes.
    pub hidden: Vec<usize>,
    /// Hidden activation.
    pub activation: Activation,
    /// Initial weight scale.
    #[serde(serialize_with = "as_text")]
    pub weight_init: WeightInit,
    /// Dropout ratio after each hidden activation; 0 = no dropout.
    pub dropout: f64,
    /// The book's dropout scaling or inverted dropout.
    pub dropout_mode: DropoutMode,
    /// BatchNormalization before each hidden activation.
    pub batchnorm: bool,
    /// L2 weight decay λ.
    pub weight_decay: f64,
    /// Optimizer.
    #[serde(serialize_with = "as_text")]
    pub optimizer: OptimizerKind,
    /// Learning rate; `None` = the optimizer's book default.
    pub lr: Option<f64>,
    /// Samples per mini-batch.
    pub batch_size: usize,
    /// Passes over the training set.
    pub epochs: usize,
    /// Per-epoch accuracy on only the first N training and test images.
    pub eval_samples: Option<usize>,
    /// Seed of every random number.
    pub seed: u64,
}

/// The seed experiment's hidden layers: six of 100.
pub const SEED_HIDDEN: [usize; 6] = [100; 6];

impl Default for RunConfig {
    fn default() -> Self {
        Self {
            dataset: DatasetKind::Mnist,
            train_size: 300,
            hidden: SEED_HIDDEN.to_vec(),
            activation: Activation::Relu,
            weight_init: WeightInit::He,
            dropout: 0.0,
            dropout_mode: DropoutMode::Book,
            batchnorm: false,
            weight_decay: 0.0,
            optimizer: OptimizerKind::Sgd,
            lr: None,
            batch_size: 100,
            epochs: 301,
            eval_samples: None,
            seed: 0,
        }
    }
}

/// A configuration that cannot run: which option, and why, in one line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    /// The option, as a JSON field name (`batch_size`); the command-line flag is the same with
    /// `-` for `_`.
    pub field: String,
    /// What is wrong, naming the value, in English (`detail` rendered).
    pub message: String,
    /// What is wrong as a message code and its parameters, to render in any language.
    pub detail: Message,
}

impl ConfigError {
    /// The error of option `field`, described by `detail`.
    pub fn new(field: &str, detail: Message) -> Self {
        Self {
            field: field.to_string(),
            message: detail.to_string(),
            detail,
        }
    }

    /// What is wrong, in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        self.detail.render(lang)
    }

    /// The command-line flag of the option, e.g. `--batch-size`.
    pub fn flag(&self) -> String {
        format!("--{}", self.field.replace('_', "-"))
    }
}

/// The names of the options, as JSON fields (flags with `_` for `-`), in [`OPTIONS`] order.
pub const FIELDS: [&str; OPTIONS.len()] = {
    let mut fields = [""; OPTIONS.len()];
    let mut index = 0;
    while index < OPTIONS.len() {
        fields[index] = OPTIONS[index].name;
        index += 1;
    }
    fields
};

impl RunConfig {
    /// Sets option `field` from text with that option's rule (see [`crate::options`]).
    pub fn set(&mut self, field: &str, text: &str) -> Result<(), ConfigError> {
        let spec = options::find(field).ok_or_else(|| {
            let detail = Message::new("option.unknown")
                .arg("got", format!("{field:?}"))
                .arg("options", FIELDS.join(", "));
            ConfigError::new(field, detail)
        })?;
        (spec.set)(self, text).map_err(|detail| ConfigError::new(field, detail))
    }

    /// The configuration a JSON object describes: each field is an option (absent or `null` =
    /// its default), given as its JSON type or as text, checked by the same parsers as the
    /// command line; then the whole is [validated](Self::validate).
    pub fn from_json(value: &serde_json::Value) -> Result<Self, ConfigError> {
        let object = value
            .as_object()
            .ok_or_else(|| ConfigError::new("", Message::new("option.json.object")))?;
        let mut config = Self::default();
        for (field, value) in object {
            if let Some(text) = json_text(field, value)? {
                config.set(field, &text)?;
            }
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks what no single option can: sizes against the data set and each other, the length
    /// of the run, and the memory the network would need against this machine's.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.train_size > TRAIN_IMAGES {
            let detail = Message::new("option.train_size.exceeds")
                .arg("size", self.train_size)
                .arg("images", TRAIN_IMAGES)
                .arg("dataset", self.dataset);
            return Err(ConfigError::new("train_size", detail));
        }
        if self.batch_size > self.train_size {
            let detail = Message::new("option.batch_size.exceeds")
                .arg("batch", self.batch_size)
                .arg("size", self.train_size);
            return Err(ConfigError::new("batch_size", detail));
        }
        let per_epoch = iterations_per_epoch(self.train_size, self.batch_size);
        let iterations = (self.epochs as u64).saturating_mul(per_epoch as u64);
        if self.epochs as u64 > MAX_EPOCHS || iterations > MAX_ITERATIONS {
            let detail = Message::new("option.epochs.too_long")
                .arg("epochs", self.epochs)
                .arg("per_epoch", per_epoch)
                .arg("iterations", iterations)
                .arg("max", MAX_ITERATIONS);
            return Err(ConfigError::new("epochs", detail));
        }
        memory::check_fits(self).map_err(|detail| ConfigError::new("hidden", detail))
    }

    /// The network these options describe, for samples of `input_size` features and
    /// `output_size` classes.
    pub fn network_config(&self, input_size: usize, output_size: usize) -> NetworkConfig {
        NetworkConfig {
            input_size,
            hidden_sizes: self.hidden.clone(),
            output_size,
            activation: self.activation,
            weight_init: self.weight_init,
            weight_decay_lambda: self.weight_decay,
            dropout: (self.dropout > 0.0).then_some(DropoutConfig {
                ratio: self.dropout,
                mode: self.dropout_mode,
            }),
            use_batchnorm: self.batchnorm,
        }
    }

    /// The network for the data set's images and classes.
    pub fn mnist_network(&self) -> NetworkConfig {
        self.network_config(IMAGE_PIXELS, NUM_CLASSES)
    }

    /// The learning rate in use: the given one or the optimizer's book default.
    pub fn learning_rate(&self) -> f64 {
        self.lr
            .unwrap_or_else(|| self.optimizer.default_learning_rate())
    }

    /// A results name that says what differs from the seed experiment, e.g. `dropout0.2-seed0`.
    pub fn default_name(&self) -> String {
        let defaults = Self::default();
        let mut parts = vec![if self.dropout > 0.0 {
            format!("dropout{}", self.dropout)
        } else {
            "nodropout".into()
        }];
        let mut add = |differs: bool, part: String| {
            if differs {
                parts.push(part);
            }
        };
        add(
            self.dropout > 0.0 && self.dropout_mode == DropoutMode::Inverted,
            "inverted".into(),
        );
        add(self.dataset != defaults.dataset, self.dataset.slug().into());
        add(
            self.optimizer != defaults.optimizer,
            self.optimizer.to_string(),
        );
        add(
            self.lr.is_some(),
            format!("lr{}", self.lr.unwrap_or_default()),
        );
        add(self.weight_decay > 0.0, format!("wd{}", self.weight_decay));
        add(self.batchnorm, "bn".into());
        add(
            self.activation != defaults.activation,
            self.activation.to_string(),
        );
        add(
            self.weight_init != defaults.weight_init,
            format!("init{}", self.weight_init),
        );
        add(
            self.hidden != defaults.hidden,
            format!("h{}", join(&self.hidden, "x")),
        );
        add(
            self.train_size != defaults.train_size,
            format!("n{}", self.train_size),
        );
        add(
            self.batch_size != defaults.batch_size,
            format!("b{}", self.batch_size),
        );
        add(self.epochs != defaults.epochs, format!("e{}", self.epochs));
        add(
            self.eval_samples.is_some(),
            format!("eval{}", self.eval_samples.unwrap_or_default()),
        );
        parts.push(format!("seed{}", self.seed));
        parts.join("-")
    }

    /// One line describing the run, used as the figure's title (in English).
    pub fn title(&self) -> String {
        self.title_in(Lang::En)
    }

    /// One line describing the run, in `lang`: the title of its figure.
    pub fn title_in(&self, lang: Lang) -> String {
        let dropout = if self.dropout > 0.0 {
            Message::new("figure.run.dropout")
                .arg("ratio", self.dropout)
                .arg("mode", self.dropout_mode)
        } else {
            Message::new("figure.run.no_dropout")
        };
        let mut extras = String::new();
        if self.weight_decay > 0.0 {
            extras += &Message::new("figure.run.weight_decay")
                .arg("lambda", self.weight_decay)
                .render(lang);
        }
        if self.batchnorm {
            extras += &Message::new("figure.run.batchnorm").render(lang);
        }
        Message::new("figure.run.title")
            .arg("dataset", self.dataset)
            .arg("images", self.train_size)
            .arg("hidden", describe_hidden(&self.hidden))
            .arg("dropout", dropout.render(lang))
            .arg("optimizer", self.optimizer)
            .arg("lr", self.learning_rate())
            .arg("extras", extras)
            .arg("seed", self.seed)
            .render(lang)
    }
}

/// A JSON option value as the text its parser reads; `None` for `null`.
fn json_text(field: &str, value: &serde_json::Value) -> Result<Option<String>, ConfigError> {
    use serde_json::Value;
    Ok(match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Array(items) if field == "hidden" => {
            let sizes: Option<Vec<String>> = items
                .iter()
                .map(|item| item.as_number().map(ToString::to_string))
                .collect();
            let sizes =
                sizes.ok_or_else(|| ConfigError::new(field, Message::new("option.json.sizes")))?;
            Some(sizes.join(","))
        }
        other => {
            let detail = Message::new("option.json.type").arg("got", other);
            return Err(ConfigError::new(field, detail));
        }
    })
}

/// `[100]×6` for equal sizes, `100-50-10` otherwise.
fn describe_hidden(sizes: &[usize]) -> String {
    match sizes {
        [first, rest @ ..] if rest.iter().all(|size| size == first) => {
            format!("[{first}]×{}", sizes.len())
        }
        _ => join(sizes, "-"),
    }
}

fn as_slug<S: Serializer>(kind: &DatasetKind, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(kind.slug())
}

fn as_text<S: Serializer, V: fmt::Display>(value: &V, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_default_is_the_seed_experiment() {
        let config = RunConfig::default();
        assert_eq!(config.default_name(), "nodropout-seed0");
        assert_eq!(config.learning_rate(), 0.01);
        let network = config.mnist_network();
        assert_eq!(
            network.layer_sizes(),
            [784, 100, 100, 100, 100, 100, 100, 10]
        );
        assert!(config.validate().is_ok());
    }

    #[test]
    fn names_say_what_differs() {
        let mut config = RunConfig {
            dropout: 0.2,
            ..RunConfig::default()
        };
        assert_eq!(config.default_name(), "dropout0.2-seed0");
        config.optimizer = OptimizerKind::Adam;
        config.batchnorm = true;
        config.seed = 3;
        assert_eq!(config.default_name(), "dropout0.2-adam-bn-seed3");
        config.hidden = vec![50];
        config.train_size = 60_000;
        config.epochs = 17;
        assert_eq!(
            config.default_name(),
            "dropout0.2-adam-bn-h50-n60000-e17-seed3"
        );
        assert_eq!(
            RunConfig::default().title(),
            "MNIST 300 images, hidden [100]×6, no dropout, sgd lr 0.01, seed 0"
        );
        assert_eq!(
            RunConfig::default().title_in(Lang::Ja),
            "MNIST 訓練画像 300 枚、隠れ層 [100]×6、Dropout なし、sgd 学習係数 0.01、シード 0"
        );
    }

    #[test]
    fn json_options_go_through_the_command_lines_parsers() {
        let config = RunConfig::from_json(&json!({
            "dropout": 0.2, "epochs": "31", "hidden": [50, 50], "weight_init": 0.01,
            "optimizer": "Adam", "batchnorm": true, "lr": null
        }))
        .unwrap();
        assert_eq!((config.dropout, config.epochs), (0.2, 31));
        assert_eq!(config.hidden, [50, 50]);
        assert_eq!(config.weight_init, WeightInit::Std(0.01));
        assert_eq!(
            (config.optimizer, config.batchnorm),
            (OptimizerKind::Adam, true)
        );

        let error = RunConfig::from_json(&json!({"lr": -1})).unwrap_err();
        assert_eq!(error.field, "lr");
        assert_eq!(error.flag(), "--lr");
        assert_eq!(
            error.message,
            "the learning rate must be a finite number > 0, got -1"
        );
        let error = RunConfig::from_json(&json!({"epochs": 1e300})).unwrap_err();
        assert!(error.message.contains("got 1e+300"), "{error}");
        assert_eq!(
            RunConfig::from_json(&json!({"wat": 1})).unwrap_err().field,
            "wat"
        );
        assert!(RunConfig::from_json(&json!({"seed": [1]})).is_err());
        assert!(RunConfig::from_json(&json!({"hidden": ["a"]})).is_err());
        assert!(RunConfig::from_json(&json!([1, 2])).is_err());
    }

    #[test]
    fn whole_configurations_are_checked() {
        let too_big = RunConfig {
            batch_size: 1_000_000,
            ..RunConfig::default()
        };
        let error = too_big.validate().unwrap_err();
        assert_eq!(error.field, "batch_size");
        assert!(error.message.contains("exceeds the training-set size 300"));
        let beyond = RunConfig {
            train_size: 70_000,
            ..RunConfig::default()
        };
        assert!(
            beyond
                .validate()
                .unwrap_err()
                .message
                .contains("60000 training images")
        );
        let long = RunConfig {
            train_size: 60_000,
            batch_size: 1,
            epochs: 100_000,
            ..RunConfig::default()
        };
        assert_eq!(long.validate().unwrap_err().field, "epochs");
    }

    #[test]
    fn the_summary_form_is_plain_json() {
        let value = serde_json::to_value(RunConfig::default()).unwrap();
        assert_eq!(value["dataset"], "mnist");
        assert_eq!(value["weight_init"], "he");
        assert_eq!(value["dropout_mode"], "book");
        assert_eq!(value["hidden"], json!([100, 100, 100, 100, 100, 100]));
        // Every field there is an option `from_json` takes back.
        let back = RunConfig::from_json(&value).unwrap();
        assert_eq!(back, RunConfig::default());
    }
}
