//! The Python package `scratchnet`: the book's `MultiLayerNetExtend`, `Trainer`, layers,
//! optimizers and `load_mnist`, computed by the scratchnet crates.
//!
//! The Python bindings live behind the `python` feature, which maturin turns on
//! (`pip install ./crates/python`); without it this crate is the conversions and the thread
//! pool they use, so `cargo test --workspace` needs no Python interpreter.

pub mod convert;
pub mod pool;

#[cfg(feature = "python")]
mod bindings;
