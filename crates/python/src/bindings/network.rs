//! `MultiLayerNetExtend` in `f32` or `f64`. Python owns the parameters (a dict of arrays in the
//! Python wrapper); every call copies them in first, so in-place updates reach the network.

use super::arrays::{self, Real, check_batch, read_images, read_labels};
use crate::pool;
use pyo3::exceptions::{PyKeyError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use scratchnet_network::{DropoutConfig, DropoutMode, MultiLayerNetExtend, NetworkConfig};
use scratchnet_tensor::random::{self, Rng};

/// The network in the precision it was built with.
#[derive(Clone)]
pub enum Net {
    /// The default: the speed.
    F32(MultiLayerNetExtend<f32>),
    /// The book's precision, for gradient checks.
    F64(MultiLayerNetExtend<f64>),
}

/// Runs `$body` with `$net` bound to the network, whatever its precision.
macro_rules! with_net {
    ($value:expr, $net:ident => $body:expr) => {
        match $value {
            $crate::bindings::network::Net::F32($net) => $body,
            $crate::bindings::network::Net::F64($net) => $body,
        }
    };
}

/// The Rust side of `scratchnet.MultiLayerNetExtend`.
#[pyclass(module = "scratchnet._native")]
pub struct NativeNetwork {
    pub net: Net,
    /// The generator after the weights were drawn: a Trainer without its own seed draws its
    /// batches from a child of it, like the command line.
    pub rng: Rng,
}

#[pymethods]
impl NativeNetwork {
    #[new]
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (input_size, hidden_size_list, output_size, activation, weight_init_std, weight_decay_lambda, dropout_ration, use_batchnorm, seed, dtype))]
    fn new(
        input_size: usize,
        hidden_size_list: Vec<usize>,
        output_size: usize,
        activation: &str,
        weight_init_std: &str,
        weight_decay_lambda: f64,
        dropout_ration: Option<f64>,
        use_batchnorm: bool,
        seed: u64,
        dtype: &str,
    ) -> PyResult<Self> {
        let invalid =
            |error: scratchnet_network::NetworkError| PyValueError::new_err(error.to_string());
        let mut config = NetworkConfig::new(input_size, hidden_size_list, output_size);
        config.activation = activation.parse().map_err(invalid)?;
        config.weight_init = weight_init_std.parse().map_err(invalid)?;
        config.weight_decay_lambda = weight_decay_lambda;
        config.dropout = dropout_ration.map(|ratio| DropoutConfig {
            ratio,
            mode: DropoutMode::default(),
        });
        config.use_batchnorm = use_batchnorm;
        let mut rng = random::seeded(seed);
        let net = match dtype {
            "float32" => Net::F32(MultiLayerNetExtend::new(config, &mut rng).map_err(invalid)?),
            "float64" => Net::F64(MultiLayerNetExtend::new(config, &mut rng).map_err(invalid)?),
            other => {
                return Err(PyValueError::new_err(format!(
                    "dtype must be 'float32' or 'float64', got {other:?}"
                )));
            }
        };
        Ok(Self { net, rng })
    }

    /// `'float32'` or `'float64'`.
    #[getter]
    fn dtype(&self) -> &'static str {
        match self.net {
            Net::F32(_) => "float32",
            Net::F64(_) => "float64",
        }
    }

    /// Features per sample.
    #[getter]
    fn input_size(&self) -> usize {
        with_net!(&self.net, net => net.config().input_size)
    }

    /// Classes.
    #[getter]
    fn output_size(&self) -> usize {
        with_net!(&self.net, net => net.config().output_size)
    }

    /// New arrays holding every parameter: `W` 2-D, `b`, `gamma`, `beta` 1-D like the book.
    fn params<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        with_net!(&mut self.net, net => export(py, net.params_mut().map(|p| (p.name.to_string(), p.value.clone()))))
    }

    /// Copies every parameter in from `params` (the Python-owned arrays).
    fn load_params(&mut self, params: &Bound<'_, PyDict>) -> PyResult<()> {
        with_net!(&mut self.net, net => load_params(net, params))
    }

    /// Copies every parameter out into the existing arrays of `params`, in place.
    fn store_params(&mut self, params: &Bound<'_, PyDict>) -> PyResult<()> {
        with_net!(&mut self.net, net => store_params(net, params))
    }

    /// Inference scores (before softmax) for `x`.
    fn predict<'py>(
        &mut self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        with_net!(&mut self.net, net => {
            let images = read_images(x, "x")?;
            check_batch(images.nrows(), images.ncols(), images.nrows(), net.config().input_size)?;
            let scores = py.detach(|| pool::install(|| net.predict(images.evaluation_form().samples())))
                .map_err(runtime)?;
            arrays::to_numpy(py, &scores, false)
        })
    }

    /// The book's `loss(x, t, train_flg)` (cross-entropy + weight decay).
    fn loss(
        &mut self,
        py: Python<'_>,
        x: &Bound<'_, PyAny>,
        t: &Bound<'_, PyAny>,
        train_flg: bool,
    ) -> PyResult<f64> {
        with_net!(&mut self.net, net => {
            let (images, labels) = batch(net, x, t)?;
            py.detach(|| pool::install(|| {
                if train_flg {
                    let x = dense(&images);
                    scratchnet_tensor::Float::as_f64(net.loss(&x, &labels, true))
                } else {
                    net.evaluate(images.evaluation_form().samples(), &labels).loss
                }
            }))
            .map_err(runtime)
        })
    }

    /// The fraction of `x` classified as `t`.
    fn accuracy(
        &mut self,
        py: Python<'_>,
        x: &Bound<'_, PyAny>,
        t: &Bound<'_, PyAny>,
    ) -> PyResult<f64> {
        with_net!(&mut self.net, net => {
            let (images, labels) = batch(net, x, t)?;
            py.detach(|| pool::install(|| net.accuracy(images.evaluation_form().samples(), &labels)))
                .map_err(runtime)
        })
    }

    /// The book's `gradient(x, t)`: backprop gradients by parameter name.
    fn gradient<'py>(
        &mut self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        t: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        with_net!(&mut self.net, net => {
            let (images, labels) = batch(net, x, t)?;
            py.detach(|| pool::install(|| {
                net.gradient(&dense(&images), &labels);
            }))
            .map_err(runtime)?;
            export(py, net.params_mut().map(|p| (p.name.to_string(), p.grad.clone())))
        })
    }

    /// The book's `numerical_gradient(x, t)`: central differences, by parameter name.
    fn numerical_gradient<'py>(
        &mut self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        t: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        with_net!(&mut self.net, net => {
            let (images, labels) = batch(net, x, t)?;
            let grads = py
                .detach(|| pool::install(|| net.numerical_gradient(&dense(&images), &labels)))
                .map_err(runtime)?;
            export(py, grads.into_iter())
        })
    }
}

/// Images and labels of one call, checked against the network.
fn batch<T: Real>(
    net: &MultiLayerNetExtend<T>,
    x: &Bound<'_, PyAny>,
    t: &Bound<'_, PyAny>,
) -> PyResult<(crate::convert::Images<T>, Vec<usize>)> {
    let images = read_images(x, "x")?;
    let labels = read_labels(t, "t", net.config().output_size)?;
    check_batch(
        images.nrows(),
        images.ncols(),
        labels.len(),
        net.config().input_size,
    )?;
    Ok((images, labels))
}

/// Every image as a dense matrix (what a training-mode forward pass takes).
pub fn dense<T: Real>(images: &crate::convert::Images<T>) -> scratchnet_tensor::Matrix<T> {
    let mut out = scratchnet_tensor::Matrix::zeros(0, 0);
    let all: Vec<usize> = (0..images.nrows()).collect();
    images.training_form().samples().gather_rows(&all, &mut out);
    out
}

/// A dict of new arrays from named matrices; single-row ones (biases) 1-D like the book.
fn export<'py, T: Real>(
    py: Python<'py>,
    named: impl Iterator<Item = (String, scratchnet_tensor::Matrix<T>)>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, matrix) in named {
        let flat = !name.starts_with('W');
        dict.set_item(&name, arrays::to_numpy(py, &matrix, flat)?)?;
    }
    Ok(dict)
}

/// Copies the arrays of `params` into the network's parameters.
pub fn load_params<T: Real>(
    net: &mut MultiLayerNetExtend<T>,
    params: &Bound<'_, PyDict>,
) -> PyResult<()> {
    for param in net.params_mut() {
        let (name, value) = entry(params, param.name)?;
        let matrix = arrays::read_param(&value, &name, param.value.shape())?;
        param.value.copy_from(&matrix);
    }
    Ok(())
}

/// Copies the network's parameters into the existing arrays of `params`.
pub fn store_params<T: Real>(
    net: &mut MultiLayerNetExtend<T>,
    params: &Bound<'_, PyDict>,
) -> PyResult<()> {
    for param in net.params_mut() {
        let (name, value) = entry(params, param.name)?;
        arrays::write_param(param.value, &value, &name)?;
    }
    Ok(())
}

/// `params[key]` with its label for messages; a missing key is a `KeyError`.
fn entry<'py>(params: &Bound<'py, PyDict>, key: &str) -> PyResult<(String, Bound<'py, PyAny>)> {
    let name = format!("params['{key}']");
    let value = params
        .get_item(key)?
        .ok_or_else(|| PyKeyError::new_err(format!("{name} is missing")))?;
    Ok((name, value))
}

/// A pool that could not start, as a Python error.
pub fn runtime(error: pool::PoolError) -> PyErr {
    PyRuntimeError::new_err(error.to_string())
}
