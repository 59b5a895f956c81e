//! Samples stored sparsely, row by row (CSR). MNIST pixels are ≈81% zero, so the first layer of
//! an evaluation — most of its multiply-adds — only needs the non-zero pixels.

use crate::{Float, Matrix, resize_for};

/// Output columns accumulated together in registers by the sparse product.
const TILE: usize = 32;

/// The non-zero entries of a matrix, row by row (compressed sparse rows).
#[derive(Clone, Debug, PartialEq)]
pub struct SparseRows<T: Float> {
    ncols: usize,
    /// `row_starts[i]..row_starts[i + 1]` indexes row `i`'s entries.
    row_starts: Vec<usize>,
    columns: Vec<u32>,
    values: Vec<T>,
}

impl<T: Float> SparseRows<T> {
    /// The non-zero entries of `dense`.
    ///
    /// # Panics
    /// If `dense` has more than `u32::MAX` columns.
    pub fn from_dense(dense: &Matrix<T>) -> Self {
        let (rows, ncols) = dense.shape();
        assert!(u32::try_from(ncols).is_ok(), "SparseRows: too many columns");
        let mut sparse = Self { ncols, row_starts: Vec::with_capacity(rows + 1), columns: Vec::new(), values: Vec::new() };
        sparse.row_starts.push(0);
        for i in 0..rows {
            for j in 0..ncols {
                let value = dense[(i, j)];
                if value != T::zero() {
                    sparse.columns.push(j as u32);
                    sparse.values.push(value);
                }
            }
            sparse.row_starts.push(sparse.values.len());
        }
        sparse
    }

    /// Number of rows (samples).
    pub fn nrows(&self) -> usize {
        self.row_starts.len() - 1
    }

    /// Number of columns (features).
    pub fn ncols(&self) -> usize {
        self.ncols
    }

    /// Fraction of entries that are non-zero.
    pub fn density(&self) -> f64 {
        let total = self.nrows() * self.ncols;
        if total == 0 { 0.0 } else { self.values.len() as f64 / total as f64 }
    }

    /// `out = self[first_row..first_row + rows, :]·W`, given `weight_t = Wᵀ` (so that each row
    /// of `W` is contiguous). Costs one multiply-add per non-zero entry and output column.
    ///
    /// # Panics
    /// If the rows exceed the matrix or `weight_t` is not `n_out × ncols`.
    pub fn matmul_rows(&self, first_row: usize, rows: usize, weight_t: &Matrix<T>, out: &mut Matrix<T>) {
        assert!(first_row + rows <= self.nrows(), "SparseRows::matmul_rows: rows out of range");
        assert_eq!(weight_t.ncols(), self.ncols, "SparseRows::matmul_rows: Wᵀ must have one column per feature");
        let n_out = weight_t.nrows();
        resize_for(out, rows, n_out);
        let job = SparseProduct {
            sparse: self,
            first_row,
            rows,
            weight_t: weight_t.as_slice(),
            n_out,
            out: out.as_mut_slice(),
        };
        job.run();
    }
}

/// The arguments of one sparse × dense product.
struct SparseProduct<'a, T: Float> {
    sparse: &'a SparseRows<T>,
    first_row: usize,
    rows: usize,
    weight_t: &'a [T],
    n_out: usize,
    out: &'a mut [T],
}

impl<T: Float> SparseProduct<'_, T> {
    /// Runs the kernel compiled for the best vector unit present (checked at run time, like the
    /// `gemm` crate's kernels), so a portable binary still uses AVX-512 where it exists.
    fn run(self) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU supports AVX-512F (checked just above).
                return unsafe { self.run_avx512() };
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2 (checked just above).
                return unsafe { self.run_avx2() };
            }
        }
        self.kernel();
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn run_avx512(self) {
        self.kernel();
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn run_avx2(self) {
        self.kernel();
    }

    /// For each sample and each tile of `TILE` output columns, accumulate `value · W[column, tile]`
    /// over the sample's non-zero entries in a fixed-size array the compiler keeps in registers.
    /// Multiply and add stay separate (no FMA), so every CPU computes the same bits.
    #[inline(always)]
    fn kernel(self) {
        let Self { sparse, first_row, rows, weight_t, n_out, out } = self;
        for local_row in 0..rows {
            let row = first_row + local_row;
            let entries = sparse.row_starts[row]..sparse.row_starts[row + 1];
            let columns = &sparse.columns[entries.clone()];
            let values = &sparse.values[entries];
            for tile_start in (0..n_out).step_by(TILE) {
                let width = TILE.min(n_out - tile_start);
                let mut acc = [T::zero(); TILE];
                if width == TILE {
                    for (&column, &value) in columns.iter().zip(values) {
                        let offset = column as usize * n_out + tile_start;
                        // A fixed-length slice lets the compiler unroll the tile into vectors.
                        let weights = &weight_t[offset..offset + TILE];
                        for (a, &w) in acc.iter_mut().zip(weights) {
                            *a += value * w;
                        }
                    }
                } else {
                    for (&column, &value) in columns.iter().zip(values) {
                        let offset = column as usize * n_out + tile_start;
                        for (a, &w) in acc[..width].iter_mut().zip(&weight_t[offset..offset + width]) {
                            *a += value * w;
                        }
                    }
                }
                for (j, &a) in acc[..width].iter().enumerate() {
                    out[local_row + (tile_start + j) * rows] = a;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{matmul, random};

    #[test]
    fn sparse_product_equals_dense_product() {
        let mut rng = random::seeded(1);
        let mut dense: Matrix<f64> = random::uniform_matrix(37, 50, &mut rng);
        dense.apply(|v| if *v < 0.7 { *v = 0.0 });
        let weight: Matrix<f64> = random::normal_matrix(50, 71, 1.0, &mut rng);
        let sparse = SparseRows::from_dense(&dense);
        assert!((sparse.density() - 0.3).abs() < 0.05);
        let mut expected = Matrix::zeros(0, 0);
        matmul(&dense.rows(5, 20).into_owned(), &weight, &mut expected);
        let mut out = Matrix::zeros(0, 0);
        sparse.matmul_rows(5, 20, &weight.transpose(), &mut out);
        assert_eq!(out.shape(), (20, 71));
        assert!((out - expected).abs().max() < 1e-12);
    }

    #[test]
    fn empty_rows_give_zeros() {
        let dense = Matrix::<f32>::zeros(3, 4);
        let sparse = SparseRows::from_dense(&dense);
        assert_eq!(sparse.density(), 0.0);
        let mut out = Matrix::from_element(3, 2, 7.0);
        sparse.matmul_rows(0, 3, &Matrix::from_element(2, 4, 1.0), &mut out);
        assert_eq!(out, Matrix::zeros(3, 2));
    }
}
