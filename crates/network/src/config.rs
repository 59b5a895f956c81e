//! What a [`MultiLayerNetExtend`](crate::MultiLayerNetExtend) is built from: the book's
//! constructor arguments as one serialisable struct.

use crate::NetworkError;
use scratchnet_layers::DropoutMode;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The hidden layers' activation function (ReLU §5.5.1, sigmoid §5.5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// `max(0, x)`, the book's default.
    #[default]
    Relu,
    /// `1 / (1 + e^−x)`.
    Sigmoid,
}

impl Activation {
    /// Every activation, the book's default first.
    pub const ALL: [Self; 2] = [Self::Relu, Self::Sigmoid];
}

impl FromStr for Activation {
    type Err = NetworkError;
    /// The names `Display` writes, in any case; the error lists them all.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let wanted = name.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|activation| activation.to_string() == wanted)
            .ok_or_else(|| {
                let names: Vec<String> = Self::ALL.iter().map(ToString::to_string).collect();
                NetworkError::UnknownValue(format!(
                    "unknown activation {name:?} (expected {})",
                    names.join(" or ")
                ))
            })
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Relu => "relu",
            Self::Sigmoid => "sigmoid",
        })
    }
}

/// The standard deviation of the initial weights, the book's `weight_init_std` (§6.2: Xavier
/// `√(1/n)` for sigmoid, fig. 6-13; He `√(2/n)` for ReLU, fig. 6-14).
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WeightInit {
    /// He: `sqrt(2 / n_in)`, for ReLU (the book's `'relu'` / `'he'`).
    #[default]
    He,
    /// Xavier: `sqrt(1 / n_in)`, for sigmoid (the book's `'sigmoid'` / `'xavier'`).
    Xavier,
    /// A fixed standard deviation for every layer, e.g. `0.01`.
    Std(f64),
}

impl WeightInit {
    /// The standard deviation for a layer with `fan_in` inputs.
    pub fn std_for(self, fan_in: usize) -> f64 {
        match self {
            Self::He => (2.0 / fan_in as f64).sqrt(),
            Self::Xavier => (1.0 / fan_in as f64).sqrt(),
            Self::Std(std) => std,
        }
    }
}

impl FromStr for WeightInit {
    type Err = NetworkError;
    /// `he` | `relu` | `xavier` | `sigmoid` | a positive number.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "he" | "relu" => Ok(Self::He),
            "xavier" | "sigmoid" => Ok(Self::Xavier),
            other => match other.parse::<f64>() {
                Ok(std) if std.is_finite() && std > 0.0 => Ok(Self::Std(std)),
                _ => Err(NetworkError::UnknownValue(format!(
                    "weight init {text:?} is neither he, xavier nor a positive number"
                ))),
            },
        }
    }
}

impl fmt::Display for WeightInit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::He => f.write_str("he"),
            Self::Xavier => f.write_str("xavier"),
            Self::Std(std) => write!(f, "{std}"),
        }
    }
}

/// Dropout after each hidden activation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DropoutConfig {
    /// Fraction of units dropped in training, in `[0, 1)`.
    pub ratio: f64,
    /// The book's scaling (default) or inverted dropout.
    pub mode: DropoutMode,
}

/// The book's `MultiLayerNetExtend(input_size, hidden_size_list, output_size, activation,
/// weight_init_std, weight_decay_lambda, use_dropout, dropout_ration, use_batchnorm)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkConfig {
    /// Features per sample (784 for MNIST).
    pub input_size: usize,
    /// Units of each hidden layer, e.g. `[100; 6]`.
    pub hidden_sizes: Vec<usize>,
    /// Classes (10 for MNIST).
    pub output_size: usize,
    /// Hidden activation.
    pub activation: Activation,
    /// Initial weight scale.
    pub weight_init: WeightInit,
    /// L2 weight decay λ: the loss adds `0.5·λ·Σ‖W‖²`.
    pub weight_decay_lambda: f64,
    /// Dropout after each hidden activation, or none.
    pub dropout: Option<DropoutConfig>,
    /// BatchNormalization between each hidden Affine and its activation.
    pub use_batchnorm: bool,
}

impl NetworkConfig {
    /// The book's defaults for a network of these sizes: ReLU, He init, no decay, no dropout,
    /// no BatchNorm.
    pub fn new(input_size: usize, hidden_sizes: Vec<usize>, output_size: usize) -> Self {
        Self {
            input_size,
            hidden_sizes,
            output_size,
            activation: Activation::Relu,
            weight_init: WeightInit::He,
            weight_decay_lambda: 0.0,
            dropout: None,
            use_batchnorm: false,
        }
    }

    /// Checks every field; the error says which one is wrong and why.
    pub fn validate(&self) -> Result<(), NetworkError> {
        let invalid = |message: String| Err(NetworkError::InvalidConfig(message));
        if self.input_size == 0 {
            return invalid("input size must be at least 1".into());
        }
        if self.output_size == 0 {
            return invalid("output size must be at least 1".into());
        }
        if let Some(position) = self.hidden_sizes.iter().position(|&size| size == 0) {
            return invalid(format!("hidden layer {} has size 0", position + 1));
        }
        if !(self.weight_decay_lambda.is_finite() && self.weight_decay_lambda >= 0.0) {
            return invalid(format!(
                "weight decay lambda must be a finite number >= 0, got {}",
                self.weight_decay_lambda
            ));
        }
        if let WeightInit::Std(std) = self.weight_init
            && !(std.is_finite() && std > 0.0)
        {
            return invalid(format!(
                "weight init std must be a finite number > 0, got {std}"
            ));
        }
        if let Some(dropout) = self.dropout
            && !(dropout.ratio.is_finite() && (0.0..1.0).contains(&dropout.ratio))
        {
            return invalid(format!(
                "dropout ratio must be in [0, 1), got {}",
                dropout.ratio
            ));
        }
        Ok(())
    }

    /// Layer widths from input to output: `[input, hidden…, output]`.
    pub fn layer_sizes(&self) -> Vec<usize> {
        let mut sizes = Vec::with_capacity(self.hidden_sizes.len() + 2);
        sizes.push(self.input_size);
        sizes.extend_from_slice(&self.hidden_sizes);
        sizes.push(self.output_size);
        sizes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_like_the_book() {
        assert_eq!("ReLU".parse::<Activation>().ok(), Some(Activation::Relu));
        assert_eq!("relu".parse::<WeightInit>().ok(), Some(WeightInit::He));
        assert_eq!(
            "sigmoid".parse::<WeightInit>().ok(),
            Some(WeightInit::Xavier)
        );
        assert_eq!(
            "0.01".parse::<WeightInit>().ok(),
            Some(WeightInit::Std(0.01))
        );
        assert!("-1".parse::<WeightInit>().is_err());
        let tanh = "tanh".parse::<Activation>().unwrap_err().to_string();
        assert!(
            tanh.contains("\"tanh\" (expected relu or sigmoid)"),
            "{tanh}"
        );
        for activation in Activation::ALL {
            assert_eq!(activation.to_string().parse().ok(), Some(activation));
        }
        let kaiming = "kaiming".parse::<WeightInit>().unwrap_err().to_string();
        assert_eq!(
            kaiming,
            "weight init \"kaiming\" is neither he, xavier nor a positive number"
        );
        assert!((WeightInit::He.std_for(50) - 0.2).abs() < 1e-15);
    }

    #[test]
    fn validation_names_the_field() {
        let mut config = NetworkConfig::new(784, vec![100, 0], 10);
        let message = config.validate().unwrap_err().to_string();
        assert!(message.contains("hidden layer 2"), "{message}");
        config.hidden_sizes = vec![100];
        config.dropout = Some(DropoutConfig {
            ratio: 1.0,
            mode: DropoutMode::Book,
        });
        assert!(
            config
                .validate()
                .unwrap_err()
                .to_string()
                .contains("dropout")
        );
        config.dropout = None;
        config.weight_decay_lambda = f64::NAN;
        assert!(
            config
                .validate()
                .unwrap_err()
                .to_string()
                .contains("weight decay")
        );
        config.weight_decay_lambda = 0.1;
        assert!(config.validate().is_ok());
    }
}
