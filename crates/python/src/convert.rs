//! Between NumPy's layout (C order, one sample per row) and scratchnet's column-major
//! matrices, and the choice of the fastest form for a set of images. Free of Python, so
//! `cargo test` covers it.

use scratchnet_tensor::{ByteRows, Float, Matrix, Samples, SparseRows};

/// Density below which dense images are evaluated as sparse rows (MNIST: ≈ 0.19), like the
/// trainer's own rule.
const SPARSE_BELOW_DENSITY: f64 = 0.5;

/// A matrix from `rows × cols` values in C (row-major) order.
pub fn matrix_from_row_major<T: Float>(rows: usize, cols: usize, values: &[T]) -> Matrix<T> {
    Matrix::from_row_slice(rows, cols, values)
}

/// The values of `matrix` in C (row-major) order, as NumPy stores them.
pub fn row_major<T: Float>(matrix: &Matrix<T>) -> Vec<T> {
    matrix.transpose().as_slice().to_vec()
}

/// Writes `matrix` into `out` in C order; `false` (nothing written) if the sizes differ.
pub fn write_row_major<T: Float>(matrix: &Matrix<T>, out: &mut [T]) -> bool {
    if out.len() != matrix.len() {
        return false;
    }
    let cols = matrix.ncols();
    for (index, value) in out.iter_mut().enumerate() {
        *value = matrix[(index / cols.max(1), index % cols.max(1))];
    }
    true
}

/// The bytes `b` whose `b / 255` (in `f32`, the book's `load_mnist(normalize=True)`) are
/// exactly `values`, or `None` if some value is not such a pixel.
pub fn unit_scale_bytes<T: Float>(values: &[T]) -> Option<Vec<u8>> {
    let table = ByteRows::<T>::unit_scale_table();
    // Sized up front: collecting into an `Option<Vec<_>>` would grow by doubling.
    let mut bytes = Vec::with_capacity(values.len());
    for &value in values {
        let scaled = (value.as_f64() * 255.0).round();
        if !(0.0..=255.0).contains(&scaled) {
            return None;
        }
        let byte = scaled as u8;
        if table[usize::from(byte)] != value {
            return None;
        }
        bytes.push(byte);
    }
    Some(bytes)
}

/// Images in the form their computations are fastest in: the pixels as bytes (decoded batch
/// by batch, like the command line's MNIST), else a dense matrix.
pub enum Images<T: Float> {
    /// One byte per feature, row-major; value = byte / 255.
    Bytes {
        /// The pixels.
        bytes: Vec<u8>,
        /// Features per sample.
        ncols: usize,
    },
    /// Any other values.
    Dense(Matrix<T>),
}

impl<T: Float> Images<T> {
    /// `rows × cols` values in C order; pixels of the book's normalisation become bytes.
    pub fn from_row_major(rows: usize, cols: usize, values: &[T]) -> Self {
        match unit_scale_bytes(values) {
            Some(bytes) if cols > 0 => Self::Bytes { bytes, ncols: cols },
            _ => Self::Dense(matrix_from_row_major(rows, cols, values)),
        }
    }

    /// Raw 8-bit pixels in C order, standing for `byte / 255`.
    pub fn from_bytes(bytes: Vec<u8>, ncols: usize) -> Self {
        Self::Bytes { bytes, ncols }
    }

    /// Samples held.
    pub fn nrows(&self) -> usize {
        match self {
            Self::Bytes { bytes, ncols } => bytes.len() / ncols.max(&1),
            Self::Dense(matrix) => matrix.nrows(),
        }
    }

    /// Features per sample.
    pub fn ncols(&self) -> usize {
        match self {
            Self::Bytes { ncols, .. } => *ncols,
            Self::Dense(matrix) => matrix.ncols(),
        }
    }

    /// The form to train on: bytes decoded per batch, or the dense matrix.
    pub fn training_form(&self) -> Prepared<'_, T> {
        match self {
            Self::Bytes { bytes, ncols } => {
                Prepared::Bytes(ByteRows::new(bytes, *ncols, ByteRows::unit_scale_table()))
            }
            Self::Dense(matrix) => Prepared::Dense(matrix),
        }
    }

    /// The form to evaluate: sparse rows when mostly zero (the command line's test set),
    /// else dense.
    pub fn evaluation_form(&self) -> Prepared<'_, T> {
        match self {
            Self::Bytes { .. } => Prepared::Sparse(SparseRows::from_row_major(
                self.nrows(),
                self.ncols(),
                self.values(),
            )),
            Self::Dense(matrix) => {
                let zeros = matrix.iter().filter(|&&value| value == T::zero()).count();
                let density = 1.0 - zeros as f64 / matrix.len().max(1) as f64;
                if density < SPARSE_BELOW_DENSITY {
                    Prepared::Sparse(SparseRows::from_dense(matrix))
                } else {
                    Prepared::Dense(matrix)
                }
            }
        }
    }

    /// Every value in C order (bytes decoded).
    fn values(&self) -> impl Iterator<Item = T> + '_ {
        let table = ByteRows::<T>::unit_scale_table();
        let bytes: &[u8] = match self {
            Self::Bytes { bytes, .. } => bytes,
            Self::Dense(_) => &[],
        };
        bytes.iter().map(move |&byte| table[usize::from(byte)])
    }
}

/// Images in the form a computation takes them.
pub enum Prepared<'a, T: Float> {
    /// Decoded per batch or chunk.
    Bytes(ByteRows<'a, T>),
    /// Non-zero values only.
    Sparse(SparseRows<T>),
    /// Every value.
    Dense(&'a Matrix<T>),
}

impl<T: Float> Prepared<'_, T> {
    /// The samples, for a network or the trainer.
    pub fn samples(&self) -> Samples<'_, T> {
        match self {
            Self::Bytes(rows) => Samples::Bytes(rows),
            Self::Sparse(rows) => Samples::Sparse(rows),
            Self::Dense(matrix) => Samples::Dense(matrix),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_major_round_trips() {
        let values = [1.0_f32, 2.0, 3.0, 4.0, 5.0, 6.0];
        let matrix = matrix_from_row_major(2, 3, &values);
        assert_eq!(matrix[(0, 2)], 3.0);
        assert_eq!(matrix[(1, 0)], 4.0);
        assert_eq!(row_major(&matrix), values);
        let mut out = [0.0_f32; 6];
        assert!(write_row_major(&matrix, &mut out));
        assert_eq!(out, values);
        assert!(!write_row_major(&matrix, &mut [0.0_f32; 5]));
    }

    #[test]
    fn the_books_normalised_pixels_become_bytes() {
        let pixels: Vec<f32> = [0_u8, 1, 128, 255]
            .iter()
            .map(|&b| f32::from(b) / 255.0)
            .collect();
        assert_eq!(unit_scale_bytes(&pixels), Some(vec![0, 1, 128, 255]));
        assert_eq!(unit_scale_bytes(&[0.5_f32]), None);
        assert_eq!(unit_scale_bytes(&[-1.0_f32]), None);
        assert_eq!(unit_scale_bytes(&[f32::NAN]), None);
        assert!(matches!(
            Images::from_row_major(2, 2, &pixels),
            Images::Bytes { ncols: 2, .. }
        ));
        assert!(matches!(
            Images::from_row_major(1, 2, &[0.5_f32, 0.25]),
            Images::Dense(_)
        ));
    }

    #[test]
    fn byte_images_evaluate_as_the_same_sparse_values() {
        let pixels = [0_u8, 51, 0, 255, 0, 0];
        let images = Images::<f32>::from_bytes(pixels.to_vec(), 3);
        assert_eq!((images.nrows(), images.ncols()), (2, 3));
        let eval = images.evaluation_form();
        let Prepared::Sparse(rows) = &eval else {
            panic!("bytes should evaluate sparsely");
        };
        assert_eq!(rows.nrows(), 2);
        let mut batch = Matrix::zeros(0, 0);
        images
            .training_form()
            .samples()
            .gather_rows(&[0, 1], &mut batch);
        assert_eq!(batch[(0, 1)], 0.2);
        assert_eq!(batch[(1, 0)], 1.0);
    }
}
