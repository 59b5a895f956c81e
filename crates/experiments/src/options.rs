//! The parsers of a run's options: one per option, from text, with the one-line message every
//! front end shows for a bad value (the command line through clap, the lab for JSON fields).

use scratchnet_datasets::DatasetKind;
use scratchnet_network::{Activation, DropoutMode, WeightInit};
use scratchnet_optim::OPTIMIZER_NAMES;

/// The most epochs a run may have: enough for any experiment of the book (301), small enough
/// that the per-epoch records always fit in memory.
pub const MAX_EPOCHS: u64 = 1_000_000;

/// Dropout ratio after each hidden activation, in `[0, 1)`; 0 turns dropout off.
pub fn dropout(text: &str) -> Result<f64, String> {
    let ratio = number(text)?;
    if ratio.is_finite() && (0.0..1.0).contains(&ratio) {
        Ok(ratio)
    } else {
        Err(format!(
            "the dropout ratio must be in [0, 1) (0 = off), got {text}"
        ))
    }
}

/// `book` or `inverted`.
pub fn dropout_mode(text: &str) -> Result<DropoutMode, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "book" => Ok(DropoutMode::Book),
        "inverted" => Ok(DropoutMode::Inverted),
        _ => Err(format!(
            "unknown dropout mode {text:?}: expected book or inverted"
        )),
    }
}

/// Passes over the training set, 1 to [`MAX_EPOCHS`].
pub fn epochs(text: &str) -> Result<usize, String> {
    whole(text, "the number of epochs", 1, MAX_EPOCHS)
}

/// Training images used: the first N of the training set (at least 1; the data set's size is
/// checked with the whole configuration).
pub fn train_size(text: &str) -> Result<usize, String> {
    whole(text, "the training-set size", 1, u64::MAX)
}

/// Samples per mini-batch (at least 1; at most the training-set size, checked with the whole
/// configuration).
pub fn batch_size(text: &str) -> Result<usize, String> {
    whole(text, "the batch size", 1, u64::MAX)
}

/// Hidden layer sizes, comma-separated, e.g. `100,100,100`.
pub fn hidden(text: &str) -> Result<Vec<usize>, String> {
    if text.trim().is_empty() {
        return Err("give at least one hidden layer size, e.g. 100,100".into());
    }
    text.split(',')
        .map(|part| match part.trim().parse::<usize>() {
            Ok(0) => Err("a hidden layer cannot have 0 units".to_string()),
            Ok(size) => Ok(size),
            Err(_) => Err(format!(
                "{part:?} is not a layer size (expected e.g. 100,100,100)"
            )),
        })
        .collect()
}

/// `relu` or `sigmoid`.
pub fn activation(text: &str) -> Result<Activation, String> {
    text.trim()
        .parse()
        .map_err(|error: scratchnet_network::NetworkError| error.to_string())
}

/// `he`, `xavier` or a fixed standard deviation such as `0.01`.
pub fn weight_init(text: &str) -> Result<WeightInit, String> {
    text.trim()
        .parse()
        .map_err(|error: scratchnet_network::NetworkError| error.to_string())
}

/// One of the six optimizers, case-insensitive; returned in lowercase.
pub fn optimizer(text: &str) -> Result<String, String> {
    let name = text.trim().to_ascii_lowercase();
    if OPTIMIZER_NAMES.contains(&name.as_str()) {
        Ok(name)
    } else {
        Err(format!(
            "unknown optimizer {text:?}; expected one of {}",
            OPTIMIZER_NAMES.join(", ")
        ))
    }
}

/// A learning rate: a finite number > 0.
pub fn learning_rate(text: &str) -> Result<f64, String> {
    match number(text)? {
        rate if rate.is_finite() && rate > 0.0 => Ok(rate),
        _ => Err(format!(
            "the learning rate must be a finite number > 0, got {text}"
        )),
    }
}

/// L2 weight decay λ: a finite number ≥ 0.
pub fn weight_decay(text: &str) -> Result<f64, String> {
    match number(text)? {
        lambda if lambda.is_finite() && lambda >= 0.0 => Ok(lambda),
        _ => Err(format!(
            "the weight decay must be a finite number >= 0, got {text}"
        )),
    }
}

/// Samples evaluated per epoch: at least 1.
pub fn eval_samples(text: &str) -> Result<usize, String> {
    whole(text, "the number of evaluated samples", 1, u64::MAX)
}

/// The seed of every random number: a whole number from 0 to 2⁶⁴ − 1.
pub fn seed(text: &str) -> Result<u64, String> {
    whole(text, "the seed", 0, u64::MAX)
}

/// `mnist` or `fashion`.
pub fn dataset(text: &str) -> Result<DatasetKind, String> {
    text.parse()
        .map_err(|error: scratchnet_datasets::UnknownDatasetKind| error.to_string())
}

/// `true` or `false` (for options given as text, e.g. in JSON forms).
pub fn flag(text: &str) -> Result<bool, String> {
    match text.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("expected true or false, got {text}")),
    }
}

/// A number in any notation Rust or JSON writes (`0.01`, `1e-3`, `-1`).
fn number(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .map_err(|_| format!("{text:?} is not a number"))
}

/// A whole number from `min` to `max` that fits in `T`, with a message naming `what`.
fn whole<T: TryFrom<u64>>(text: &str, what: &str, min: u64, max: u64) -> Result<T, String> {
    let out_of_range = || {
        let range = if max == u64::MAX {
            format!("a whole number >= {min}")
        } else {
            format!("a whole number from {min} to {max}")
        };
        format!("{what} must be {range}, got {}", text.trim())
    };
    match text.trim().parse::<u64>() {
        Ok(value) if (min..=max).contains(&value) => T::try_from(value).map_err(|_| out_of_range()),
        Ok(_) => Err(out_of_range()),
        // Negative, fractional or huge: a number, but not one of the allowed ones.
        Err(_) if number(text).is_ok() || text.trim().parse::<i128>().is_ok() => {
            Err(out_of_range())
        }
        Err(_) => Err(format!("{text:?} is not a whole number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(optimizer("Adam"), Ok("adam".into()));
        assert_eq!(weight_init("0.01"), Ok(WeightInit::Std(0.01)));
        assert_eq!(dropout_mode("Inverted"), Ok(DropoutMode::Inverted));
        assert_eq!(dataset("fashion"), Ok(DatasetKind::FashionMnist));
        assert_eq!(flag("true"), Ok(true));
    }
}
