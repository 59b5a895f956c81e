//! The chapter-5 layers on NumPy arrays. A layer with parameters reads them from the
//! Python-owned arrays at every `forward`, so the book's `Affine(params['W1'], params['b1'])`
//! sees every in-place update.

use super::arrays::{self, Real, read_labels, read_matrix};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use scratchnet_layers::{
    Affine, BatchNormalization, Dropout, DropoutMode, Layer, Relu, Sigmoid, SoftmaxWithLoss,
};
use scratchnet_tensor::{Matrix, random};

/// One layer of one precision, driven from Python.
trait PyLayer: Send + Sync {
    /// `forward(x, train_flg)`; `params` are the layer's Python arrays (`W, b` or `gamma, beta`).
    fn forward<'py>(
        &mut self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        train: bool,
        params: &[Bound<'py, PyAny>],
    ) -> PyResult<Bound<'py, PyAny>>;
    /// `backward(dout)`.
    fn backward<'py>(
        &mut self,
        py: Python<'py>,
        dout: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>>;
    /// The book's attributes: `dW`, `db`, `dgamma`, `dbeta`, `mask`, running statistics.
    fn attributes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>>;
}

/// A scratchnet layer with the shape of its last training-mode output (what `backward` takes).
struct Wrapped<T: Real, L: Layer<T>> {
    layer: L,
    trained_shape: Option<(usize, usize)>,
    _precision: std::marker::PhantomData<T>,
}

impl<T: Real, L: Layer<T> + Attributes<T>> PyLayer for Wrapped<T, L> {
    fn forward<'py>(
        &mut self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        train: bool,
        params: &[Bound<'py, PyAny>],
    ) -> PyResult<Bound<'py, PyAny>> {
        let x = read_matrix::<T>(x, "x")?;
        self.layer.load(params, x.ncols())?;
        let out = self.layer.forward(&x, train);
        self.trained_shape = train.then(|| out.shape()).or(self.trained_shape);
        arrays::to_numpy(py, out, false)
    }

    fn backward<'py>(
        &mut self,
        py: Python<'py>,
        dout: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let dout = read_matrix::<T>(dout, "dout")?;
        match self.trained_shape {
            Some(shape) if shape == dout.shape() => {}
            Some(shape) => {
                return Err(PyValueError::new_err(format!(
                    "dout has shape {:?}, the last forward(x, train_flg=True) gave {shape:?}",
                    dout.shape()
                )));
            }
            None => {
                return Err(PyValueError::new_err(
                    "backward needs a forward(x, train_flg=True) first",
                ));
            }
        }
        arrays::to_numpy(py, self.layer.backward(&dout), false)
    }

    fn attributes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (name, matrix, flat) in self.layer.attributes() {
            dict.set_item(name, arrays::to_numpy(py, matrix, flat)?)?;
        }
        Ok(dict)
    }
}

/// What a layer reads from Python before each forward and shows as attributes.
trait Attributes<T: Real> {
    fn load(&mut self, _params: &[Bound<'_, PyAny>], _features: usize) -> PyResult<()> {
        Ok(())
    }
    fn attributes(&self) -> Vec<(&'static str, &Matrix<T>, bool)> {
        Vec::new()
    }
}

impl<T: Real> Attributes<T> for Relu<T> {}
impl<T: Real> Attributes<T> for Sigmoid<T> {}

impl<T: Real> Attributes<T> for Dropout<T> {
    fn attributes(&self) -> Vec<(&'static str, &Matrix<T>, bool)> {
        vec![("mask", self.mask(), false)]
    }
}

impl<T: Real> Attributes<T> for Affine<T> {
    fn load(&mut self, params: &[Bound<'_, PyAny>], features: usize) -> PyResult<()> {
        let [weight, bias] = params else {
            return Err(PyValueError::new_err("Affine needs W and b"));
        };
        let rows = weight.getattr("shape")?.extract::<Vec<usize>>()?;
        let [fan_in, fan_out] = rows[..] else {
            return Err(PyValueError::new_err(format!(
                "W must be 2-D, got shape {rows:?}"
            )));
        };
        if fan_in != features {
            return Err(PyValueError::new_err(format!(
                "x has {features} features per sample, W has {fan_in} rows"
            )));
        }
        self.weight = arrays::read_param(weight, "W", (fan_in, fan_out))?;
        self.bias = arrays::read_param(bias, "b", (1, fan_out))?;
        Ok(())
    }
    fn attributes(&self) -> Vec<(&'static str, &Matrix<T>, bool)> {
        vec![
            ("dW", &self.grad_weight, false),
            ("db", &self.grad_bias, true),
        ]
    }
}

impl<T: Real> Attributes<T> for BatchNormalization<T> {
    fn load(&mut self, params: &[Bound<'_, PyAny>], features: usize) -> PyResult<()> {
        let [gamma, beta] = params else {
            return Err(PyValueError::new_err(
                "BatchNormalization needs gamma and beta",
            ));
        };
        if self.gamma.ncols() != features {
            return Err(PyValueError::new_err(format!(
                "x has {features} features per sample, gamma has {}",
                self.gamma.ncols()
            )));
        }
        self.gamma = arrays::read_param(gamma, "gamma", (1, features))?;
        self.beta = arrays::read_param(beta, "beta", (1, features))?;
        Ok(())
    }
    fn attributes(&self) -> Vec<(&'static str, &Matrix<T>, bool)> {
        vec![
            ("dgamma", &self.grad_gamma, true),
            ("dbeta", &self.grad_beta, true),
            ("running_mean", &self.running_mean, true),
            ("running_var", &self.running_var, true),
        ]
    }
}

fn wrap<T: Real, L: Layer<T> + Attributes<T> + 'static>(layer: L) -> Box<dyn PyLayer> {
    Box::new(Wrapped {
        layer,
        trained_shape: None,
        _precision: std::marker::PhantomData,
    })
}

/// The Rust side of `Affine`, `Relu`, `Sigmoid`, `Dropout` and `BatchNormalization`.
#[pyclass(module = "scratchnet._native")]
pub struct NativeLayer {
    layer: Box<dyn PyLayer>,
}

#[pymethods]
impl NativeLayer {
    /// `kind` is the class name; `size` the features (Affine: `(in, out)` via `W`; BN: gamma's
    /// length); `ratio`, `seed`, `momentum` for Dropout and BatchNormalization.
    #[new]
    #[pyo3(signature = (kind, dtype, features=0, ratio=0.5, seed=0, momentum=0.9))]
    fn new(
        kind: &str,
        dtype: &str,
        features: usize,
        ratio: f64,
        seed: u64,
        momentum: f64,
    ) -> PyResult<Self> {
        let layer = match dtype {
            "float32" => build::<f32>(kind, features, ratio, seed, momentum)?,
            "float64" => build::<f64>(kind, features, ratio, seed, momentum)?,
            other => {
                return Err(PyValueError::new_err(format!(
                    "dtype must be 'float32' or 'float64', got {other:?}"
                )));
            }
        };
        Ok(Self { layer })
    }

    fn forward<'py>(
        &mut self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        train_flg: bool,
        params: Vec<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.layer.forward(py, x, train_flg, &params)
    }

    fn backward<'py>(
        &mut self,
        py: Python<'py>,
        dout: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.layer.backward(py, dout)
    }

    fn attributes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.layer.attributes(py)
    }
}

fn build<T: Real>(
    kind: &str,
    features: usize,
    ratio: f64,
    seed: u64,
    momentum: f64,
) -> PyResult<Box<dyn PyLayer>> {
    Ok(match kind {
        "Affine" => wrap::<T, _>(Affine::new(Matrix::zeros(1, 1), Matrix::zeros(1, 1))),
        "Relu" => wrap::<T, _>(Relu::new()),
        "Sigmoid" => wrap::<T, _>(Sigmoid::new()),
        "Dropout" => {
            if !(ratio.is_finite() && (0.0..1.0).contains(&ratio)) {
                return Err(PyValueError::new_err(format!(
                    "dropout_ratio must be in [0, 1), got {ratio}"
                )));
            }
            wrap::<T, _>(Dropout::new(
                ratio,
                DropoutMode::default(),
                random::stream(&random::seeded(seed), random::Purpose::Dropout, 0),
            ))
        }
        "BatchNormalization" => {
            if !(momentum.is_finite() && (0.0..=1.0).contains(&momentum)) || features == 0 {
                return Err(PyValueError::new_err(format!(
                    "momentum must be in [0, 1] and gamma non-empty, got {momentum} and {features} features"
                )));
            }
            wrap::<T, _>(BatchNormalization::new(
                Matrix::from_element(1, features, T::one()),
                Matrix::zeros(1, features),
                momentum,
            ))
        }
        other => return Err(PyValueError::new_err(format!("unknown layer {other:?}"))),
    })
}

/// The Rust side of `SoftmaxWithLoss`.
#[pyclass(module = "scratchnet._native")]
pub struct NativeSoftmaxWithLoss {
    f32: SoftmaxWithLoss<f32>,
    f64: SoftmaxWithLoss<f64>,
    last: Option<&'static str>,
}

#[pymethods]
impl NativeSoftmaxWithLoss {
    #[new]
    fn new() -> Self {
        Self {
            f32: SoftmaxWithLoss::new(),
            f64: SoftmaxWithLoss::new(),
            last: None,
        }
    }

    /// The mean cross-entropy of softmax(`x`) against the labels `t`.
    fn forward(&mut self, x: &Bound<'_, PyAny>, t: &Bound<'_, PyAny>) -> PyResult<f64> {
        let classes: usize = x
            .getattr("shape")?
            .extract::<Vec<usize>>()?
            .last()
            .copied()
            .unwrap_or(0);
        let labels = read_labels(t, "t", classes)?;
        if let Ok(x) = read_matrix::<f64>(x, "x") {
            check_rows(x.nrows(), labels.len())?;
            self.last = Some("float64");
            return Ok(self.f64.forward(&x, &labels));
        }
        let x = read_matrix::<f32>(x, "x")?;
        check_rows(x.nrows(), labels.len())?;
        self.last = Some("float32");
        Ok(f64::from(self.f32.forward(&x, &labels)))
    }

    /// `(y − t) / batch_size`.
    fn backward<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.last {
            Some("float64") => arrays::to_numpy(py, self.f64.backward(), false),
            Some(_) => arrays::to_numpy(py, self.f32.backward(), false),
            None => Err(PyValueError::new_err(
                "backward needs a forward(x, t) first",
            )),
        }
    }
}

fn check_rows(rows: usize, labels: usize) -> PyResult<()> {
    if rows != labels || rows == 0 {
        return Err(PyValueError::new_err(format!(
            "x has {rows} samples and t {labels} labels: both must be the same, at least 1"
        )));
    }
    Ok(())
}

/// Adds the layer classes.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<NativeLayer>()?;
    module.add_class::<NativeSoftmaxWithLoss>()
}
