//! `load_mnist`'s Rust half: the verified, cached data set as `uint8` arrays.

use numpy::IntoPyArray;
use numpy::ndarray::{Array1, Array2};
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use scratchnet_datasets::{DatasetKind, FetchOptions, Mnist, Split, fetch, mirrors_from_env};
use std::path::PathBuf;

/// `(images N×784 uint8, labels N uint8)` of one split.
type SplitArrays<'py> = (Bound<'py, PyAny>, Bound<'py, PyAny>);

/// Fetches (if needed, from `mirrors` then `SCRATCHNET_MNIST_MIRROR` then the built-in
/// mirrors) and loads `dataset` (`"mnist"` or `"fashion"`) from `dir`.
#[pyfunction]
#[pyo3(signature = (dataset, dir, mirrors=Vec::new()))]
fn load_dataset<'py>(
    py: Python<'py>,
    dataset: &str,
    dir: PathBuf,
    mirrors: Vec<String>,
) -> PyResult<(SplitArrays<'py>, SplitArrays<'py>)> {
    let kind: DatasetKind =
        dataset
            .parse()
            .map_err(|error: scratchnet_datasets::UnknownDatasetKind| {
                PyValueError::new_err(error.to_string())
            })?;
    let mnist = py
        .detach(|| -> Result<Mnist, String> {
            if let Ok(mnist) = Mnist::load(&dir, kind) {
                return Ok(mnist);
            }
            let mut options = FetchOptions::new(&dir);
            options.mirrors = mirrors;
            options.mirrors.extend(mirrors_from_env());
            fetch(kind, &options, &mut ()).map_err(|error| error.to_string())?;
            Mnist::load(&dir, kind).map_err(|error| error.to_string())
        })
        .map_err(|message| {
            PyOSError::new_err(format!(
                "could not load {dataset} into {}: {message}",
                dir.display()
            ))
        })?;
    let Mnist { train, test } = mnist;
    Ok((arrays(py, train)?, arrays(py, test)?))
}

/// The split's bytes handed to NumPy as they are: a copy would hold all of MNIST twice (55 MB)
/// at `load_mnist`'s peak.
fn arrays<'py>(py: Python<'py>, split: Split) -> PyResult<SplitArrays<'py>> {
    let shape = (split.len(), split.image_size());
    let (images, labels) = split.into_raw();
    let images = Array2::from_shape_vec(shape, images)
        .map_err(|error| PyValueError::new_err(error.to_string()))?;
    let labels = Array1::from_vec(labels);
    Ok((
        images.into_pyarray(py).into_any(),
        labels.into_pyarray(py).into_any(),
    ))
}

/// Adds `load_dataset`.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(load_dataset, module)?)
}
