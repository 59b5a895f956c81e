#![doc = include_str!("../README.md")]

#[cfg(target_arch = "x86_64")]
mod avx512;
mod byte_rows;
mod float;
mod gradient;
mod matmul;
mod ops;
mod param;
pub mod random;
mod samples;
mod sparse;

pub use byte_rows::ByteRows;
pub use float::Float;
pub use gradient::numerical_gradient;
pub use matmul::{matmul, matmul_nt, matmul_rows, matmul_tn};
pub use ops::{
    accuracy, add_row_broadcast, argmax_rows, column_sums_into, cross_entropy,
    cross_entropy_one_hot, labels_from_one_hot, resize_for, softmax_rows,
};
pub use param::Param;
pub use random::Rng;
pub use samples::Samples;
pub use sparse::{ColumnSplit, DENSE_COLUMN_DENSITY, SparseRows, SparseWeights, TransposeBuffers};

/// The matrix type: a dense, column-major nalgebra matrix used with rows = samples.
pub type Matrix<T> = nalgebra::DMatrix<T>;
