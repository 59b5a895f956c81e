//! NumPy arrays in and out: every value is copied, so Python owns its arrays and Rust its
//! matrices (no view can dangle or race while the GIL is released).

use crate::convert::{self, Images};
use numpy::ndarray::Array2;
use numpy::{
    Element, IntoPyArray, PyArray1, PyArray2, PyArrayDyn, PyArrayMethods, PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use scratchnet_tensor::{Float, Matrix};

/// A float type both NumPy and scratchnet compute in.
pub trait Real: Float + Element {}
impl Real for f32 {}
impl Real for f64 {}

/// A 2-D array of `T` (any strides) as a matrix; `name` is the argument the message names.
pub fn read_matrix<T: Real>(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Matrix<T>> {
    let array = value.cast::<PyArray2<T>>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name} must be a 2-D NumPy array of {}, got {}",
            std::any::type_name::<T>(),
            describe(value)
        ))
    })?;
    let readonly = array.try_readonly().map_err(busy(name))?;
    let view = readonly.as_array();
    let (rows, cols) = view.dim();
    Ok(Matrix::from_fn(rows, cols, |row, col| view[[row, col]]))
}

/// A parameter array shaped `rows × cols`, or 1-D of `cols` values when `rows == 1` (the
/// book's biases, gammas and betas).
pub fn read_param<T: Real>(
    value: &Bound<'_, PyAny>,
    name: &str,
    (rows, cols): (usize, usize),
) -> PyResult<Matrix<T>> {
    let array = value.cast::<PyArrayDyn<T>>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name} must be a NumPy array of {}, got {}",
            std::any::type_name::<T>(),
            describe(value)
        ))
    })?;
    let shape = array.shape().to_vec();
    let fits = shape == [rows, cols] || (rows == 1 && shape == [cols]);
    if !fits {
        return Err(PyValueError::new_err(format!(
            "{name} has shape {shape:?}, the network needs ({rows}, {cols})"
        )));
    }
    let readonly = array.try_readonly().map_err(busy(name))?;
    let values: Vec<T> = readonly.as_array().iter().copied().collect();
    Ok(convert::matrix_from_row_major(rows, cols, &values))
}

/// Copies `matrix` into the existing array `value` (its shape is kept).
pub fn write_param<T: Real>(
    matrix: &Matrix<T>,
    value: &Bound<'_, PyAny>,
    name: &str,
) -> PyResult<()> {
    let array = value.cast::<PyArrayDyn<T>>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name} is no longer a NumPy array of {}",
            std::any::type_name::<T>()
        ))
    })?;
    let mut writable = array.try_readwrite().map_err(busy(name))?;
    let mut view = writable.as_array_mut();
    if view.len() != matrix.len() {
        return Err(PyValueError::new_err(format!(
            "{name} has {} values, the network has {}",
            view.len(),
            matrix.len()
        )));
    }
    for (slot, value) in view.iter_mut().zip(convert::row_major(matrix)) {
        *slot = value;
    }
    Ok(())
}

/// A new C-order array holding `matrix`; 1-D when `flat` (biases).
pub fn to_numpy<'py, T: Real>(
    py: Python<'py>,
    matrix: &Matrix<T>,
    flat: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let values = convert::row_major(matrix);
    if flat {
        return Ok(PyArray1::from_vec(py, values).into_any());
    }
    let array = Array2::from_shape_vec((matrix.nrows(), matrix.ncols()), values)
        .map_err(|error| PyRuntimeError::new_err(error.to_string()))?;
    Ok(array.into_pyarray(py).into_any())
}

/// Images given as a 2-D array of `uint8` pixels (value = byte / 255) or of `T`.
pub fn read_images<T: Real>(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Images<T>> {
    if let Ok(bytes) = value.cast::<PyArray2<u8>>() {
        let readonly = bytes.try_readonly().map_err(busy(name))?;
        let view = readonly.as_array();
        let cols = view.ncols();
        if cols == 0 {
            return Err(PyValueError::new_err(format!("{name} has no features")));
        }
        return Ok(Images::from_bytes(view.iter().copied().collect(), cols));
    }
    let matrix_like = value.cast::<PyArray2<T>>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name} must be a 2-D NumPy array of uint8 or {}, got {}",
            std::any::type_name::<T>(),
            describe(value)
        ))
    })?;
    let readonly = matrix_like.try_readonly().map_err(busy(name))?;
    let view = readonly.as_array();
    let (rows, cols) = view.dim();
    // A C-ordered array is read in place: copying all of MNIST's float32 training images first
    // would hold 188 MB more at the peak than the pixels' bytes need.
    let copied: Vec<T>;
    let values = match view.as_slice() {
        Some(values) => values,
        None => {
            copied = view.iter().copied().collect();
            &copied
        }
    };
    if let Some(bad) = values.iter().find(|value| !value.is_finite()) {
        return Err(PyValueError::new_err(format!(
            "{name} holds a value that is not finite ({})",
            bad.as_f64()
        )));
    }
    Ok(Images::from_row_major(rows, cols, values))
}

/// Class indices from a 1-D integer array, each below `classes`.
pub fn read_labels(value: &Bound<'_, PyAny>, name: &str, classes: usize) -> PyResult<Vec<usize>> {
    let array = value.cast::<PyArray1<i64>>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{name} must be a 1-D NumPy array of int64 labels, got {}",
            describe(value)
        ))
    })?;
    let readonly = array.try_readonly().map_err(busy(name))?;
    readonly
        .as_array()
        .iter()
        .map(|&label| {
            usize::try_from(label)
                .ok()
                .filter(|&label| label < classes)
                .ok_or_else(|| {
                    PyValueError::new_err(format!(
                        "{name} holds the label {label}, which is not one of the {classes} classes"
                    ))
                })
        })
        .collect()
}

/// `x` and `t` of one call: the same number of samples, the network's number of features.
pub fn check_batch(rows: usize, cols: usize, labels: usize, input_size: usize) -> PyResult<()> {
    if cols != input_size {
        return Err(PyValueError::new_err(format!(
            "x has {cols} features per sample, the network takes {input_size}"
        )));
    }
    if rows != labels {
        return Err(PyValueError::new_err(format!(
            "x has {rows} samples but t has {labels} labels"
        )));
    }
    if rows == 0 {
        return Err(PyValueError::new_err("x holds no samples"));
    }
    Ok(())
}

/// What a value is, for messages: its type, and its dtype and shape if an array.
fn describe(value: &Bound<'_, PyAny>) -> String {
    if let Ok(array) = value.cast::<numpy::PyUntypedArray>() {
        return format!("an array of {} shaped {:?}", array.dtype(), array.shape());
    }
    value
        .get_type()
        .name()
        .map(|name| name.to_string())
        .unwrap_or_else(|_| "an object".into())
}

/// The error for an array another borrow holds mutably.
fn busy(name: &str) -> impl Fn(numpy::BorrowError) -> PyErr + '_ {
    move |error| PyValueError::new_err(format!("{name} cannot be read now: {error}"))
}
