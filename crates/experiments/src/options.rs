//! Every run option described once: [`OPTIONS`] gives each its name, kind, book section, the
//! book's own argument name, its help (a key of the message table, in English and Japanese) and
//! its rule — the parser whose failure is a [`Message`] (a code and its parameters). The command
//! line's flags, the JSON parsing of [`RunConfig::from_json`], the lab's form
//! ([`describe`]) and the defaults all come from here.
//!
//! The functions named after options (`dropout`, `seed`, …) are the same rules with the message
//! rendered in English, for front ends that want a plain `String`.

use crate::RunConfig;
use crate::messages::{Lang, Message};
use scratchnet_datasets::DatasetKind;
use scratchnet_network::{Activation, DropoutMode, WeightInit};
use scratchnet_optim::OptimizerKind;
use serde_json::{Value, json};

/// The most epochs a run may have: enough for any experiment of the book (301), small enough
/// that the per-epoch records always fit in memory.
pub const MAX_EPOCHS: u64 = 1_000_000;

/// What kind of value an option takes: how a form shows it and how JSON may give it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A real number.
    Number,
    /// A whole number.
    Integer,
    /// Layer sizes, comma-separated (a JSON list).
    Sizes,
    /// One of [`OptionSpec::choices`].
    Choice,
    /// One of [`OptionSpec::choices`] or a positive number (the weight init).
    ChoiceOrNumber,
    /// On or off (a flag without a value on the command line).
    Flag,
}

impl Kind {
    /// The kind's name in [`describe`]'s JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Number => "number",
            Kind::Integer => "integer",
            Kind::Sizes => "sizes",
            Kind::Choice => "choice",
            Kind::ChoiceOrNumber => "choice_or_number",
            Kind::Flag => "flag",
        }
    }
}

/// The part of a form an option belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Which images, how many.
    Data,
    /// The network's shape and initial weights.
    Network,
    /// Against overfitting (§6.4).
    Regularization,
    /// How the parameters are learned.
    Training,
}

impl Group {
    /// The group's name in [`describe`]'s JSON.
    pub fn name(self) -> &'static str {
        match self {
            Group::Data => "data",
            Group::Network => "network",
            Group::Regularization => "regularization",
            Group::Training => "training",
        }
    }
}

/// One run option: everything every front end needs to offer, parse and explain it.
#[derive(Clone, Copy, Debug)]
pub struct OptionSpec {
    /// The JSON field (`batch_size`); the flag is the same with `-` for `_`.
    pub name: &'static str,
    /// The key of its short name for a form, in the message table (`Dropout ratio`).
    pub label: &'static str,
    /// Where a form puts it.
    pub group: Group,
    /// The placeholder of the value in `--help` (`N`, `RATIO`).
    pub value_name: &'static str,
    /// What kind of value it takes.
    pub kind: Kind,
    /// The section of the book that explains it (ゼロから作るDeep Learning).
    pub section: &'static str,
    /// The book's own argument name (`dropout_ration`), where it has one.
    pub book_name: Option<&'static str>,
    /// The key of its help text in the message table.
    pub help: &'static str,
    /// The names it accepts, for [`Kind::Choice`] and [`Kind::ChoiceOrNumber`].
    pub choices: fn() -> Vec<String>,
    /// Sets the option in a configuration from text, or says why the text is wrong.
    pub set: fn(&mut RunConfig, &str) -> Result<(), Message>,
    /// The option's value in a configuration as text; `None` when unset (the optimizer's
    /// learning rate, evaluation on every sample).
    pub get: fn(&RunConfig) -> Option<String>,
}

impl OptionSpec {
    /// The command-line flag, e.g. `--batch-size`.
    pub fn flag(&self) -> String {
        format!("--{}", self.name.replace('_', "-"))
    }

    /// The default value as text (`None` = unset by default).
    pub fn default_text(&self) -> Option<String> {
        (self.get)(&RunConfig::default())
    }

    /// The help text in `lang`.
    pub fn help(&self, lang: Lang) -> String {
        Message::new(self.help)
            .arg("choices", (self.choices)().join(", "))
            .arg("defaults", learning_rate_defaults(lang))
            .render(lang)
    }
}

/// No choices: the option is not a list of names.
fn no_choices() -> Vec<String> {
    Vec::new()
}

/// Every run option, in the order of `cargo xtask train --help`.
pub const OPTIONS: [OptionSpec; 15] = [
    OptionSpec {
        name: "dropout",
        label: "option.dropout.label",
        group: Group::Regularization,
        value_name: "RATIO",
        kind: Kind::Number,
        section: "6.4.3",
        book_name: Some("dropout_ration"),
        help: "option.dropout.help",
        choices: no_choices,
        set: |config, text| {
            config.dropout = rules::dropout(text)?;
            Ok(())
        },
        get: |config| Some(config.dropout.to_string()),
    },
    OptionSpec {
        name: "dropout_mode",
        label: "option.dropout_mode.label",
        group: Group::Regularization,
        value_name: "MODE",
        kind: Kind::Choice,
        section: "6.4.3",
        book_name: None,
        help: "option.dropout_mode.help",
        choices: || names(DropoutMode::ALL),
        set: |config, text| {
            config.dropout_mode = rules::dropout_mode(text)?;
            Ok(())
        },
        get: |config| Some(config.dropout_mode.to_string()),
    },
    OptionSpec {
        name: "epochs",
        label: "option.epochs.label",
        group: Group::Training,
        value_name: "N",
        kind: Kind::Integer,
        section: "6.4.1",
        book_name: Some("epochs"),
        help: "option.epochs.help",
        choices: no_choices,
        set: |config, text| {
            config.epochs = rules::epochs(text)?;
            Ok(())
        },
        get: |config| Some(config.epochs.to_string()),
    },
    OptionSpec {
        name: "train_size",
        label: "option.train_size.label",
        group: Group::Data,
        value_name: "N",
        kind: Kind::Integer,
        section: "6.4.1",
        book_name: None,
        help: "option.train_size.help",
        choices: no_choices,
        set: |config, text| {
            config.train_size = rules::train_size(text)?;
            Ok(())
        },
        get: |config| Some(config.train_size.to_string()),
    },
    OptionSpec {
        name: "batch_size",
        label: "option.batch_size.label",
        group: Group::Training,
        value_name: "N",
        kind: Kind::Integer,
        section: "4.2.3",
        book_name: Some("mini_batch_size"),
        help: "option.batch_size.help",
        choices: no_choices,
        set: |config, text| {
            config.batch_size = rules::batch_size(text)?;
            Ok(())
        },
        get: |config| Some(config.batch_size.to_string()),
    },
    OptionSpec {
        name: "hidden",
        label: "option.hidden.label",
        group: Group::Network,
        value_name: "SIZES",
        kind: Kind::Sizes,
        section: "6.4.1",
        book_name: Some("hidden_size_list"),
        help: "option.hidden.help",
        choices: no_choices,
        set: |config, text| {
            config.hidden = rules::hidden(text)?;
            Ok(())
        },
        get: |config| Some(join(&config.hidden, ",")),
    },
    OptionSpec {
        name: "activation",
        label: "option.activation.label",
        group: Group::Network,
        value_name: "ACTIVATION",
        kind: Kind::Choice,
        section: "5.5",
        book_name: Some("activation"),
        help: "option.activation.help",
        choices: || names(Activation::ALL),
        set: |config, text| {
            config.activation = rules::activation(text)?;
            Ok(())
        },
        get: |config| Some(config.activation.to_string()),
    },
    OptionSpec {
        name: "weight_init",
        label: "option.weight_init.label",
        group: Group::Network,
        value_name: "he|xavier|STD",
        kind: Kind::ChoiceOrNumber,
        section: "6.2",
        book_name: Some("weight_init_std"),
        help: "option.weight_init.help",
        choices: || names([WeightInit::He, WeightInit::Xavier]),
        set: |config, text| {
            config.weight_init = rules::weight_init(text)?;
            Ok(())
        },
        get: |config| Some(config.weight_init.to_string()),
    },
    OptionSpec {
        name: "optimizer",
        label: "option.optimizer.label",
        group: Group::Training,
        value_name: "NAME",
        kind: Kind::Choice,
        section: "6.1",
        book_name: Some("optimizer"),
        help: "option.optimizer.help",
        choices: || names(OptimizerKind::ALL),
        set: |config, text| {
            config.optimizer = rules::optimizer(text)?;
            Ok(())
        },
        get: |config| Some(config.optimizer.to_string()),
    },
    OptionSpec {
        name: "lr",
        label: "option.lr.label",
        group: Group::Training,
        value_name: "LR",
        kind: Kind::Number,
        section: "6.1",
        book_name: Some("lr"),
        help: "option.lr.help",
        choices: no_choices,
        set: |config, text| {
            config.lr = Some(rules::learning_rate(text)?);
            Ok(())
        },
        get: |config| config.lr.map(|lr| lr.to_string()),
    },
    OptionSpec {
        name: "weight_decay",
        label: "option.weight_decay.label",
        group: Group::Regularization,
        value_name: "LAMBDA",
        kind: Kind::Number,
        section: "6.4.2",
        book_name: Some("weight_decay_lambda"),
        help: "option.weight_decay.help",
        choices: no_choices,
        set: |config, text| {
            config.weight_decay = rules::weight_decay(text)?;
            Ok(())
        },
        get: |config| Some(config.weight_decay.to_string()),
    },
    OptionSpec {
        name: "batchnorm",
        label: "option.batchnorm.label",
        group: Group::Network,
        value_name: "",
        kind: Kind::Flag,
        section: "6.3",
        book_name: Some("use_batchnorm"),
        help: "option.batchnorm.help",
        choices: no_choices,
        set: |config, text| {
            config.batchnorm = rules::flag(text)?;
            Ok(())
        },
        get: |config| Some(config.batchnorm.to_string()),
    },
    OptionSpec {
        name: "eval_samples",
        label: "option.eval_samples.label",
        group: Group::Training,
        value_name: "N",
        kind: Kind::Integer,
        section: "6.4.1",
        book_name: Some("evaluate_sample_num_per_epoch"),
        help: "option.eval_samples.help",
        choices: no_choices,
        set: |config, text| {
            config.eval_samples = Some(rules::eval_samples(text)?);
            Ok(())
        },
        get: |config| config.eval_samples.map(|n| n.to_string()),
    },
    OptionSpec {
        name: "seed",
        label: "option.seed.label",
        group: Group::Training,
        value_name: "SEED",
        kind: Kind::Integer,
        section: "",
        book_name: None,
        help: "option.seed.help",
        choices: no_choices,
        set: |config, text| {
            config.seed = rules::seed(text)?;
            Ok(())
        },
        get: |config| Some(config.seed.to_string()),
    },
    OptionSpec {
        name: "dataset",
        label: "option.dataset.label",
        group: Group::Data,
        value_name: "DATASET",
        kind: Kind::Choice,
        section: "3.6.1",
        book_name: None,
        help: "option.dataset.help",
        choices: || {
            DatasetKind::ALL
                .iter()
                .map(|kind| kind.slug().into())
                .collect()
        },
        set: |config, text| {
            config.dataset = rules::dataset(text)?;
            Ok(())
        },
        get: |config| Some(config.dataset.slug().into()),
    },
];

/// The option called `name` (a JSON field, e.g. `batch_size`).
pub fn find(name: &str) -> Option<&'static OptionSpec> {
    OPTIONS.iter().find(|spec| spec.name == name)
}

/// Every option as JSON for a form (`GET /api/options`): name, flag, kind, default, choices,
/// book section and argument name, and the help in `lang` with its key.
pub fn describe(lang: Lang) -> Value {
    let defaults = serde_json::to_value(RunConfig::default()).unwrap_or(Value::Null);
    let options: Vec<Value> = OPTIONS
        .iter()
        .map(|spec| {
            json!({
                "name": spec.name,
                "flag": spec.flag(),
                "kind": spec.kind.name(),
                "value_name": spec.value_name,
                "default": defaults.get(spec.name).cloned().unwrap_or(Value::Null),
                "choices": (spec.choices)(),
                "section": spec.section,
                "book_name": spec.book_name,
                "label": Message::new(spec.label).render(lang),
                "group": spec.group.name(),
                "help_key": spec.help,
                "help": spec.help(lang),
            })
        })
        .collect();
    json!({
        "lang": lang,
        "options": options,
        "max_epochs": MAX_EPOCHS,
        "train_images": crate::TRAIN_IMAGES,
        "learning_rates": OptimizerKind::ALL
            .iter()
            .map(|kind| (kind.name().to_string(), json!(kind.default_learning_rate())))
            .collect::<serde_json::Map<_, _>>(),
    })
}

/// The names of `values`, as their `Display` writes them.
fn names<T: std::fmt::Display>(values: impl IntoIterator<Item = T>) -> Vec<String> {
    values.into_iter().map(|value| value.to_string()).collect()
}

/// `0.01 for sgd, …; 0.001 for adam`: each optimizer's book learning rate, grouped by value.
fn learning_rate_defaults(lang: Lang) -> String {
    let mut groups: Vec<(f64, Vec<&str>)> = Vec::new();
    for kind in OptimizerKind::ALL {
        let rate = kind.default_learning_rate();
        match groups.iter_mut().find(|(value, _)| *value == rate) {
            Some((_, kinds)) => kinds.push(kind.name()),
            None => groups.push((rate, vec![kind.name()])),
        }
    }
    let groups: Vec<String> = groups
        .iter()
        .map(|(rate, kinds)| {
            Message::new("option.lr.default_group")
                .arg("rate", rate)
                .arg("optimizers", kinds.join(", "))
                .render(lang)
        })
        .collect();
    groups.join(&Message::new("option.lr.group_separator").render(lang))
}

/// `100,100` from `[100, 100]`.
pub(crate) fn join(sizes: &[usize], separator: &str) -> String {
    sizes
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}

/// The rules: one parser per option, failing with a [`Message`] that names the bad value.
pub mod rules {
    use super::MAX_EPOCHS;
    use crate::messages::Message;
    use scratchnet_datasets::DatasetKind;
    use scratchnet_network::{Activation, DropoutMode, WeightInit};
    use scratchnet_optim::{OPTIMIZER_NAMES, OptimizerKind};

    /// Dropout ratio after each hidden activation, in `[0, 1)`; 0 turns dropout off.
    pub fn dropout(text: &str) -> Result<f64, Message> {
        let ratio = number(text)?;
        if ratio.is_finite() && (0.0..1.0).contains(&ratio) {
            Ok(ratio)
        } else {
            Err(Message::new("option.dropout.range").arg("got", text))
        }
    }

    /// `book` or `inverted`.
    pub fn dropout_mode(text: &str) -> Result<DropoutMode, Message> {
        text.parse()
            .map_err(|_| Message::new("option.dropout_mode.unknown").arg("got", quoted(text)))
    }

    /// Passes over the training set, 1 to [`MAX_EPOCHS`].
    pub fn epochs(text: &str) -> Result<usize, Message> {
        whole(text, "option.epochs.range", 1, MAX_EPOCHS)
    }

    /// Training images used: the first N of the training set (at least 1; the data set's size
    /// is checked with the whole configuration).
    pub fn train_size(text: &str) -> Result<usize, Message> {
        whole(text, "option.train_size.range", 1, u64::MAX)
    }

    /// Samples per mini-batch (at least 1; at most the training-set size, checked with the
    /// whole configuration).
    pub fn batch_size(text: &str) -> Result<usize, Message> {
        whole(text, "option.batch_size.range", 1, u64::MAX)
    }

    /// Samples evaluated per epoch: at least 1.
    pub fn eval_samples(text: &str) -> Result<usize, Message> {
        whole(text, "option.eval_samples.range", 1, u64::MAX)
    }

    /// The seed of every random number: a whole number from 0 to 2⁶⁴ − 1.
    pub fn seed(text: &str) -> Result<u64, Message> {
        whole(text, "option.seed.range", 0, u64::MAX)
    }

    /// Hidden layer sizes, comma-separated, e.g. `100,100,100`.
    pub fn hidden(text: &str) -> Result<Vec<usize>, Message> {
        if text.trim().is_empty() {
            return Err(Message::new("option.hidden.empty"));
        }
        text.split(',')
            .map(|part| match part.trim().parse::<usize>() {
                Ok(0) => Err(Message::new("option.hidden.zero")),
                Ok(size) => Ok(size),
                Err(_) => Err(Message::new("option.hidden.not_a_size").arg("got", quoted(part))),
            })
            .collect()
    }

    /// `relu` or `sigmoid`.
    pub fn activation(text: &str) -> Result<Activation, Message> {
        text.trim().parse().map_err(|_| {
            Message::new("option.activation.unknown")
                .arg("got", quoted(text))
                .arg("choices", super::names(Activation::ALL).join(", "))
        })
    }

    /// `he`, `xavier` or a fixed standard deviation such as `0.01`.
    pub fn weight_init(text: &str) -> Result<WeightInit, Message> {
        text.trim()
            .parse()
            .map_err(|_| Message::new("option.weight_init.invalid").arg("got", quoted(text)))
    }

    /// One of the optimizers, case-insensitive.
    pub fn optimizer(text: &str) -> Result<OptimizerKind, Message> {
        text.parse().map_err(|_| {
            Message::new("option.optimizer.unknown")
                .arg("got", quoted(text))
                .arg("choices", OPTIMIZER_NAMES.join(", "))
        })
    }

    /// A learning rate: a finite number > 0.
    pub fn learning_rate(text: &str) -> Result<f64, Message> {
        match number(text)? {
            rate if rate.is_finite() && rate > 0.0 => Ok(rate),
            _ => Err(Message::new("option.lr.range").arg("got", text)),
        }
    }

    /// L2 weight decay λ: a finite number ≥ 0.
    pub fn weight_decay(text: &str) -> Result<f64, Message> {
        match number(text)? {
            lambda if lambda.is_finite() && lambda >= 0.0 => Ok(lambda),
            _ => Err(Message::new("option.weight_decay.range").arg("got", text)),
        }
    }

    /// `mnist` or `fashion` (or `fashion-mnist`).
    pub fn dataset(text: &str) -> Result<DatasetKind, Message> {
        text.parse()
            .map_err(|_| Message::new("option.dataset.unknown").arg("got", quoted(text)))
    }

    /// `true` or `false` (for options given as text, e.g. in JSON forms).
    pub fn flag(text: &str) -> Result<bool, Message> {
        match text.trim() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(Message::new("option.flag.invalid").arg("got", text)),
        }
    }

    /// `text` as Rust's `{:?}` quotes it, as the messages show a value that is not a number.
    fn quoted(text: &str) -> String {
        format!("{text:?}")
    }

    /// A number in any notation Rust or JSON writes (`0.01`, `1e-3`, `-1`).
    fn number(text: &str) -> Result<f64, Message> {
        text.trim()
            .parse::<f64>()
            .map_err(|_| Message::new("option.not_a_number").arg("got", quoted(text)))
    }

    /// A whole number from `min` to `max` that fits in `T`; `code` is the out-of-range message,
    /// given `min`, `got` and (unless unbounded) `max`.
    fn whole<T: TryFrom<u64>>(
        text: &str,
        code: &'static str,
        min: u64,
        max: u64,
    ) -> Result<T, Message> {
        let out_of_range = || {
            let message = Message::new(code).arg("min", min).arg("got", text.trim());
            if max == u64::MAX {
                message
            } else {
                message.arg("max", max)
            }
        };
        match text.trim().parse::<u64>() {
            Ok(value) if (min..=max).contains(&value) => {
                T::try_from(value).map_err(|_| out_of_range())
            }
            Ok(_) => Err(out_of_range()),
            // Negative, fractional or huge: a number, but not one of the allowed ones.
            Err(_) if number(text).is_ok() || text.trim().parse::<i128>().is_ok() => {
                Err(out_of_range())
            }
            Err(_) => Err(Message::new("option.not_a_whole_number").arg("got", quoted(text))),
        }
    }
}

/// `rule`'s result with its message in English, for the `String` front ends.
fn english<T>(result: Result<T, Message>) -> Result<T, String> {
    result.map_err(|message| message.to_string())
}

/// [`rules::dropout`] with an English message.
pub fn dropout(text: &str) -> Result<f64, String> {
    english(rules::dropout(text))
}

/// [`rules::dropout_mode`] with an English message.
pub fn dropout_mode(text: &str) -> Result<DropoutMode, String> {
    english(rules::dropout_mode(text))
}

/// [`rules::epochs`] with an English message.
pub fn epochs(text: &str) -> Result<usize, String> {
    english(rules::epochs(text))
}

/// [`rules::train_size`] with an English message.
pub fn train_size(text: &str) -> Result<usize, String> {
    english(rules::train_size(text))
}

/// [`rules::batch_size`] with an English message.
pub fn batch_size(text: &str) -> Result<usize, String> {
    english(rules::batch_size(text))
}

/// [`rules::hidden`] with an English message.
pub fn hidden(text: &str) -> Result<Vec<usize>, String> {
    english(rules::hidden(text))
}

/// [`rules::activation`] with an English message.
pub fn activation(text: &str) -> Result<Activation, String> {
    english(rules::activation(text))
}

/// [`rules::weight_init`] with an English message.
pub fn weight_init(text: &str) -> Result<WeightInit, String> {
    english(rules::weight_init(text))
}

/// [`rules::optimizer`] with an English message.
pub fn optimizer(text: &str) -> Result<OptimizerKind, String> {
    english(rules::optimizer(text))
}

/// [`rules::learning_rate`] with an English message.
pub fn learning_rate(text: &str) -> Result<f64, String> {
    english(rules::learning_rate(text))
}

/// [`rules::weight_decay`] with an English message.
pub fn weight_decay(text: &str) -> Result<f64, String> {
    english(rules::weight_decay(text))
}

/// [`rules::eval_samples`] with an English message.
pub fn eval_samples(text: &str) -> Result<usize, String> {
    english(rules::eval_samples(text))
}

/// [`rules::seed`] with an English message.
pub fn seed(text: &str) -> Result<u64, String> {
    english(rules::seed(text))
}

/// [`rules::dataset`] with an English message.
pub fn dataset(text: &str) -> Result<DatasetKind, String> {
    english(rules::dataset(text))
}

/// [`rules::flag`] with an English message.
pub fn flag(text: &str) -> Result<bool, String> {
    english(rules::flag(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages;

    #[test]
    fn each_rule_names_its_quantity_and_the_bad_value() {
        assert_eq!(
            learning_rate("-1").unwrap_err(),
            "the learning rate must be a finite number > 0, got -1"
        );
        assert_eq!(
            dropout("-0.1").unwrap_err(),
            "the dropout ratio must be in [0, 1) (0 = off), got -0.1"
        );
        assert_eq!(
            seed("-1").unwrap_err(),
            "the seed must be a whole number >= 0, got -1"
        );
        assert_eq!(
            weight_decay("-1").unwrap_err(),
            "the weight decay must be a finite number >= 0, got -1"
        );
        assert_eq!(
            epochs("99999999999").unwrap_err(),
            "the number of epochs must be a whole number from 1 to 1000000, got 99999999999"
        );
        assert_eq!(
            epochs("1e300").unwrap_err(),
            "the number of epochs must be a whole number from 1 to 1000000, got 1e300"
        );
        assert_eq!(epochs("abc").unwrap_err(), "\"abc\" is not a whole number");
        assert_eq!(
            learning_rate("nan").unwrap_err(),
            "the learning rate must be a finite number > 0, got nan"
        );
        assert!(
            batch_size("0")
                .unwrap_err()
                .contains("the batch size must be")
        );
        assert!(optimizer("lbfgs").unwrap_err().contains("sgd, momentum"));
        assert!(hidden("100,0").is_err());
    }

    #[test]
    fn good_values_parse() {
        assert_eq!(dropout("0.2"), Ok(0.2));
        assert_eq!(dropout("0"), Ok(0.0));
        assert_eq!(epochs(" 301 "), Ok(301));
        assert_eq!(seed("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(hidden("100, 50"), Ok(vec![100, 50]));
        assert_eq!(optimizer("Adam"), Ok(OptimizerKind::Adam));
        assert_eq!(weight_init("0.01"), Ok(WeightInit::Std(0.01)));
        assert_eq!(dropout_mode("Inverted"), Ok(DropoutMode::Inverted));
        assert_eq!(dataset("fashion"), Ok(DatasetKind::FashionMnist));
        assert_eq!(flag("true"), Ok(true));
    }

    #[test]
    fn a_rules_message_is_a_code_with_parameters_in_both_languages() {
        let message = rules::dropout("1.5").unwrap_err();
        assert_eq!(message.code, "option.dropout.range");
        assert_eq!(message.params.get("got").map(String::as_str), Some("1.5"));
        let japanese = message.render(Lang::Ja);
        assert!(
            japanese.contains("1.5") && japanese.contains("Dropout"),
            "{japanese}"
        );
    }

    #[test]
    fn every_key_the_options_use_exists_in_both_languages() {
        let mut codes: Vec<&str> = OPTIONS.iter().map(|spec| spec.help).collect();
        codes.extend([
            "option.not_a_number",
            "option.not_a_whole_number",
            "option.unknown",
        ]);
        for text in ["-1", "x", "0", "1.5", ",", "1e300"] {
            for spec in &OPTIONS {
                if let Err(message) = (spec.set)(&mut RunConfig::default(), text) {
                    codes.push(message.code);
                }
            }
        }
        for code in codes {
            assert!(
                messages::lookup(code).is_some(),
                "{code} is not in the table"
            );
        }
    }

    #[test]
    fn every_option_round_trips_its_default_and_describes_itself() {
        for spec in &OPTIONS {
            let mut config = RunConfig::default();
            if let Some(text) = spec.default_text() {
                (spec.set)(&mut config, &text).expect("the default parses");
            }
            assert_eq!(config, RunConfig::default(), "{}", spec.name);
            assert!(!spec.help(Lang::Ja).contains('{'), "{}", spec.name);
        }
        let described = describe(Lang::Ja);
        let options = described["options"].as_array().expect("a list");
        assert_eq!(options.len(), OPTIONS.len());
        let dropout = &options[0];
        assert_eq!(dropout["book_name"], "dropout_ration");
        assert_eq!(dropout["default"], 0.0);
        assert_eq!(options[8]["choices"][5], "adam");
        assert_eq!(described["learning_rates"]["adam"], 0.001);
    }
}
