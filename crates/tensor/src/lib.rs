//! The matrix type of scratchnet and the numerical helpers every layer needs.
//!
//! Matrices are [`nalgebra::DMatrix`] with **rows = samples**, like the book's NumPy arrays.
//! Everything is generic over [`Float`] (`f32` for speed, `f64` for exact gradient checks).
//!
//! ```
//! use scratchnet_tensor::{Matrix, matmul, softmax_rows, cross_entropy};
//!
//! let x = Matrix::<f64>::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]);
//! let w = Matrix::<f64>::identity(2, 2);
//! let mut logits = Matrix::zeros(0, 0);
//! matmul(&x, &w, &mut logits); // logits = x·W, written into a reused buffer
//! let mut y = Matrix::zeros(0, 0);
//! softmax_rows(&logits, &mut y);
//! let loss = cross_entropy(&y, &[1, 1]);
//! // softmax([1, 2]) = [0.269, 0.731] in both rows, so the loss is −ln 0.731.
//! assert!((loss - 0.3132617).abs() < 1e-6);
//! ```

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
pub use sparse::{ColumnSplit, DENSE_COLUMN_DENSITY, SparseRows, SparseWeights};

/// The matrix type: a dense, column-major nalgebra matrix used with rows = samples.
pub type Matrix<T> = nalgebra::DMatrix<T>;
