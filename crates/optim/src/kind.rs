//! [`OptimizerKind`]: an optimizer named without its state, as a run configuration names it.
//! Its one list is the registry's; its name, book defaults and memory cost come from there.

use crate::{AnyOptimizer, OPTIMIZER_NAMES, OptimError, OptimizerKind};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

impl OptimizerKind {
    /// The optimizer's name, as in [`OPTIMIZER_NAMES`] (lowercase).
    pub fn name(self) -> &'static str {
        OPTIMIZER_NAMES[self as usize]
    }

    /// Buffers of the parameter's shape this optimizer keeps per parameter (0 for SGD, 2 for
    /// Adam's two moments): what it costs in memory beyond the weights.
    pub fn state_buffers(self) -> usize {
        AnyOptimizer::<f64>::STATE_BUFFERS[self as usize]
    }

    /// The book's default learning rate: 0.001 for Adam, 0.01 for the other five.
    pub fn default_learning_rate(self) -> f64 {
        crate::default_learning_rate(self.name()).unwrap_or(crate::Sgd::DEFAULT_LEARNING_RATE)
    }
}

/// SGD, the book's `Trainer` default.
impl Default for OptimizerKind {
    fn default() -> Self {
        Self::ALL[0]
    }
}

impl fmt::Display for OptimizerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One of [`OPTIMIZER_NAMES`], ASCII case ignored (`"Adam"`, `"SGD"`), surrounding spaces too.
impl FromStr for OptimizerKind {
    type Err = OptimError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let name = text.trim();
        Self::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| OptimError::UnknownOptimizer {
                name: text.to_owned(),
            })
    }
}

impl Serialize for OptimizerKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for OptimizerKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_the_books_order() {
        let names: Vec<String> = OptimizerKind::ALL.iter().map(ToString::to_string).collect();
        assert_eq!(names, OPTIMIZER_NAMES);
        for kind in OptimizerKind::ALL {
            assert_eq!(
                kind.name().to_uppercase().parse::<OptimizerKind>(),
                Ok(kind)
            );
            let json = serde_json::to_string(&kind).expect("serialise");
            assert_eq!(
                serde_json::from_str::<OptimizerKind>(&json).ok(),
                Some(kind)
            );
        }
        assert!("lbfgs".parse::<OptimizerKind>().is_err());
        assert_eq!(OptimizerKind::default(), OptimizerKind::Sgd);
    }

    #[test]
    fn state_buffers_are_the_optimizers_own() {
        let counts: Vec<usize> = OptimizerKind::ALL
            .iter()
            .map(|kind| kind.state_buffers())
            .collect();
        // SGD none; Momentum, Nesterov v; AdaGrad, RMSprop h; Adam m and v.
        assert_eq!(counts, [0, 1, 1, 1, 1, 2]);
        assert_eq!(OptimizerKind::Adam.default_learning_rate(), 0.001);
        let any: AnyOptimizer<f32> = crate::by_name("rmsprop", None).expect("known");
        assert_eq!(any.kind(), OptimizerKind::RmsProp);
    }
}
