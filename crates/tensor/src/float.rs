//! The scalar types scratchnet computes in.

use nalgebra::RealField;
use serde::{Serialize, de::DeserializeOwned};

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point scalar: `f32` (the default, fast) or `f64` (exact gradient checks).
///
/// Sealed: the matrix product kernel is specialised for exactly these two types.
pub trait Float:
    RealField + Copy + Default + Send + Sync + Serialize + DeserializeOwned + sealed::Sealed + 'static
{
    /// Converts an `f64` constant (a learning rate, `1e-7`, …) into this type.
    fn cast(value: f64) -> Self;
    /// Widens this value to `f64` (for reporting and comparisons).
    fn as_f64(self) -> f64;
}

impl Float for f32 {
    fn cast(value: f64) -> Self {
        value as f32
    }
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
}

impl Float for f64 {
    fn cast(value: f64) -> Self {
        value
    }
    fn as_f64(self) -> f64 {
        self
    }
}
