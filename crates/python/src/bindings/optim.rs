//! The book's optimizers on dicts of NumPy arrays, and the builder the Trainer shares.

use super::arrays::{self, Real};
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use scratchnet_optim::{AnyOptimizer, Optimizer, by_name};
use scratchnet_tensor::Param;
use std::collections::BTreeMap;

/// The optimizer `name` with the book's hyperparameter names (`lr`, `momentum`, `decay_rate`,
/// `beta1`, `beta2`); a name the optimizer does not have is refused.
pub fn build<T: Real>(name: &str, hyper: &BTreeMap<String, f64>) -> PyResult<AnyOptimizer<T>> {
    let invalid = |error: scratchnet_optim::OptimError| PyValueError::new_err(error.to_string());
    let mut optimizer = by_name::<T>(name, hyper.get("lr").copied()).map_err(invalid)?;
    for (key, &value) in hyper.iter().filter(|(key, _)| key.as_str() != "lr") {
        let slot = match (&mut optimizer, key.as_str()) {
            (AnyOptimizer::Momentum(o), "momentum") => &mut o.momentum,
            (AnyOptimizer::Nesterov(o), "momentum") => &mut o.momentum,
            (AnyOptimizer::RmsProp(o), "decay_rate") => &mut o.decay_rate,
            (AnyOptimizer::Adam(o), "beta1") => &mut o.beta1,
            (AnyOptimizer::Adam(o), "beta2") => &mut o.beta2,
            _ => {
                return Err(PyValueError::new_err(format!(
                    "optimizer_param {key:?} is not a parameter of {}",
                    optimizer.name()
                )));
            }
        };
        *slot = value;
    }
    optimizer.validate().map_err(invalid)?;
    Ok(optimizer)
}

/// The optimizer in the precision of the arrays it updates.
enum Precision {
    F32(AnyOptimizer<f32>),
    F64(AnyOptimizer<f64>),
}

/// The Rust side of `SGD`, `Momentum`, … `Adam`: `update(params, grads)` in place.
#[pyclass(module = "scratchnet._native")]
pub struct NativeOptimizer {
    optimizer: Precision,
}

#[pymethods]
impl NativeOptimizer {
    #[new]
    fn new(name: &str, hyper: BTreeMap<String, f64>, dtype: &str) -> PyResult<Self> {
        let optimizer = match dtype {
            "float32" => Precision::F32(build(name, &hyper)?),
            "float64" => Precision::F64(build(name, &hyper)?),
            other => {
                return Err(PyValueError::new_err(format!(
                    "dtype must be 'float32' or 'float64', got {other:?}"
                )));
            }
        };
        Ok(Self { optimizer })
    }

    /// One update of every array of `params` (in place) from the same key of `grads`.
    fn update(&mut self, params: &Bound<'_, PyDict>, grads: &Bound<'_, PyDict>) -> PyResult<()> {
        match &mut self.optimizer {
            Precision::F32(optimizer) => update(optimizer, params, grads),
            Precision::F64(optimizer) => update(optimizer, params, grads),
        }
    }
}

fn update<T: Real>(
    optimizer: &mut AnyOptimizer<T>,
    params: &Bound<'_, PyDict>,
    grads: &Bound<'_, PyDict>,
) -> PyResult<()> {
    let mut named = Vec::new();
    for (key, value) in params.iter() {
        let name: String = key.extract()?;
        let label = format!("params['{name}']");
        let shape = param_shape(&value, &label)?;
        let param = arrays::read_param::<T>(&value, &label, shape)?;
        let grad_value = grads
            .get_item(&name)?
            .ok_or_else(|| PyKeyError::new_err(format!("grads['{name}'] is missing")))?;
        let grad = arrays::read_param::<T>(&grad_value, &format!("grads['{name}']"), shape)?;
        named.push((name, value, param, grad));
    }
    let mut iter = named.iter_mut().map(|(name, _, value, grad)| Param {
        name: name.as_str(),
        value,
        grad: &*grad,
    });
    optimizer.update(&mut iter);
    for (name, value, param, _) in &named {
        arrays::write_param(param, value, &format!("params['{name}']"))?;
    }
    Ok(())
}

/// `(rows, cols)` of a 1-D (one row) or 2-D array.
fn param_shape(value: &Bound<'_, PyAny>, name: &str) -> PyResult<(usize, usize)> {
    let shape: Vec<usize> = value.getattr("shape")?.extract()?;
    match shape[..] {
        [cols] => Ok((1, cols)),
        [rows, cols] => Ok((rows, cols)),
        _ => Err(PyValueError::new_err(format!(
            "{name} must be 1-D or 2-D, got shape {shape:?}"
        ))),
    }
}
