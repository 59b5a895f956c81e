//! The `scratchnet._native` extension module (the `python` feature).

mod arrays;
mod data;
mod layers;
mod network;
mod optim;
mod training;

use pyo3::prelude::*;

/// Sets the worker threads of every computation (0 = the machine's cores).
#[pyfunction]
fn set_num_threads(threads: usize) {
    crate::pool::set_num_threads(threads);
}

/// The worker threads computations use.
#[pyfunction]
fn get_num_threads() -> usize {
    crate::pool::num_threads()
}

#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(set_num_threads, module)?)?;
    module.add_function(wrap_pyfunction!(get_num_threads, module)?)?;
    module.add_class::<network::NativeNetwork>()?;
    module.add_class::<training::NativeTrainer>()?;
    module.add_class::<optim::NativeOptimizer>()?;
    layers::register(module)?;
    data::register(module)?;
    Ok(())
}
