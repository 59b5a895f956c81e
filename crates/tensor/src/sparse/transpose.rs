//! The weight gradient of a first layer that read sparse rows: `dW = xᵀ·dout` (eq. 5.13) over
//! the same dense/sparse column split as the forward product.

use super::SparseRows;
use crate::{Float, Matrix, resize_for};

/// The buffers [`SparseRows::transpose_matmul`] reuses from one training step to the next.
#[derive(Clone, Debug)]
pub struct TransposeBuffers<T: Float> {
    /// `x_denseᵀ·dout`: the dense columns' rows of `dW`.
    dense: Matrix<T>,
    /// `dout` row by row (`rows × n_out`), so each entry reads one contiguous row.
    dout_rows: Vec<T>,
    /// The sparse columns' rows of `dW`, row by row (`sparse columns × n_out`).
    sparse: Vec<T>,
}

impl<T: Float> Default for TransposeBuffers<T> {
    fn default() -> Self {
        Self {
            dense: Matrix::zeros(0, 0),
            dout_rows: Vec::new(),
            sparse: Vec::new(),
        }
    }
}

impl<T: Float> SparseRows<T> {
    /// `out = selfᵀ·dout` (`ncols × dout.ncols()`): the dense columns by `gemm`, each other
    /// non-zero entry `x[i, k]` as one multiply-add row `dW[k, :] += x[i, k]·dout[i, :]`, rows
    /// in order. Single-threaded and in a fixed order, so the bits depend on nothing but the
    /// inputs.
    ///
    /// # Panics
    /// If `dout` does not have one row per row of `self`.
    pub fn transpose_matmul(
        &self,
        dout: &Matrix<T>,
        buffers: &mut TransposeBuffers<T>,
        out: &mut Matrix<T>,
    ) {
        assert_eq!(
            dout.nrows(),
            self.nrows(),
            "SparseRows::transpose_matmul: dout must have one row per sample"
        );
        let (n_in, n_out) = (self.ncols(), dout.ncols());
        resize_for(out, n_in, n_out);
        if n_out == 0 {
            return;
        }
        let dense_columns = self.split.dense_columns();
        if dense_columns.is_empty() {
            resize_for(&mut buffers.dense, 0, n_out);
        } else {
            crate::matmul_tn(&self.dense, dout, &mut buffers.dense);
        }
        to_rows(dout, &mut buffers.dout_rows);
        buffers.sparse.clear();
        buffers
            .sparse
            .resize(self.split.sparse_columns().len() * n_out, T::zero());
        self.accumulate(&buffers.dout_rows, n_out, &mut buffers.sparse);
        self.scatter(buffers, out);
    }

    /// `sums[k, :] += x[i, k]·dout[i, :]` for every sparse entry, by the fastest code this CPU
    /// allows; every version uses fused multiply-adds in the same order, so all agree to the bit.
    fn accumulate(&self, dout_rows: &[T], n_out: usize, sums: &mut [T]) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU has AVX-512F (checked just above).
                return unsafe { self.accumulate_avx512(dout_rows, n_out, sums) };
            }
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                // SAFETY: the CPU has AVX2 and FMA (checked just above).
                return unsafe { self.accumulate_avx2(dout_rows, n_out, sums) };
            }
        }
        self.accumulate_portable(dout_rows, n_out, sums);
    }

    /// # Safety
    /// The CPU must support AVX-512F.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,fma")]
    unsafe fn accumulate_avx512(&self, dout_rows: &[T], n_out: usize, sums: &mut [T]) {
        self.accumulate_portable(dout_rows, n_out, sums);
    }

    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn accumulate_avx2(&self, dout_rows: &[T], n_out: usize, sums: &mut [T]) {
        self.accumulate_portable(dout_rows, n_out, sums);
    }

    /// The definition of the sparse part's arithmetic.
    #[inline(always)]
    fn accumulate_portable(&self, dout_rows: &[T], n_out: usize, sums: &mut [T]) {
        for (row, dout_row) in dout_rows.chunks_exact(n_out).enumerate() {
            let (positions, values) = self.row(row);
            for (&position, &value) in positions.iter().zip(values) {
                let target = &mut sums[position as usize * n_out..][..n_out];
                for (sum, &gradient) in target.iter_mut().zip(dout_row) {
                    *sum = value.mul_add(gradient, *sum);
                }
            }
        }
    }

    /// Writes both parts' rows into their places in the column-major `out`.
    fn scatter(&self, buffers: &TransposeBuffers<T>, out: &mut Matrix<T>) {
        let n_in = self.ncols();
        let n_out = out.ncols();
        let dense_columns = self.split.dense_columns();
        let sparse_columns = self.split.sparse_columns();
        let dense = buffers.dense.as_slice();
        let out = out.as_mut_slice();
        for (j, column) in out.chunks_exact_mut(n_in.max(1)).enumerate() {
            let dense_part = &dense[j * dense_columns.len()..(j + 1) * dense_columns.len()];
            for (&k, &value) in dense_columns.iter().zip(dense_part) {
                column[k as usize] = value;
            }
        }
        // The sparse rows, 16 columns at a time: each row's 16 consecutive sums are read once and
        // written to 16 columns, whose cache lines stay warm as the rows advance.
        for first_output in (0..n_out).step_by(SCATTER_TILE) {
            let outputs = SCATTER_TILE.min(n_out - first_output);
            for (position, &k) in sparse_columns.iter().enumerate() {
                let sums = &buffers.sparse[position * n_out + first_output..][..outputs];
                for (offset, &sum) in sums.iter().enumerate() {
                    out[(first_output + offset) * n_in + k as usize] = sum;
                }
            }
        }
    }
}

/// Columns of `dW` written together by [`SparseRows::scatter`].
const SCATTER_TILE: usize = 16;

/// `rows` = `m` row by row (row-major), reusing its allocation.
fn to_rows<T: Float>(m: &Matrix<T>, rows: &mut Vec<T>) {
    let (n_rows, n_cols) = m.shape();
    rows.clear();
    rows.resize(n_rows * n_cols, T::zero());
    for (j, column) in m.as_slice().chunks_exact(n_rows.max(1)).enumerate() {
        for (i, &value) in column.iter().enumerate() {
            rows[i * n_cols + j] = value;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{ByteRows, Matrix, SparseRows, TransposeBuffers, matmul_tn, random};

    #[test]
    fn the_transpose_product_equals_the_dense_one() {
        let mut rng = random::seeded(7);
        let noise: Matrix<f64> = random::uniform_matrix(60, 40, &mut rng);
        // Column 0 always set (dense), column 39 never, the rest 30% set.
        let bytes: Vec<u8> = (0..60 * 40)
            .map(|i| {
                let (row, column) = (i / 40, i % 40);
                let v = noise[(row, column)];
                match column {
                    0 => (v * 255.0) as u8 | 1,
                    39 => 0,
                    _ if v > 0.7 => (v * 255.0) as u8 | 1,
                    _ => 0,
                }
            })
            .collect();
        let rows = ByteRows::new(&bytes, 40, ByteRows::<f64>::unit_scale_table());
        assert!(rows.split().dense_columns().contains(&0));
        let indices = [
            3, 59, 3, 17, 0, 42, 8, 8, 21, 33, 1, 2, 50, 51, 52, 53, 54, 9, 10,
        ];
        let mut batch = SparseRows::empty_like(&rows);
        batch.gather_rows(&rows, &indices);
        let mut dense = Matrix::zeros(0, 0);
        rows.gather_rows(&indices, &mut dense);
        let mut buffers = TransposeBuffers::default();
        for n_out in [0, 1, 17, 50] {
            let dout: Matrix<f64> = random::normal_matrix(indices.len(), n_out, 1.0, &mut rng);
            let mut expected = Matrix::zeros(0, 0);
            matmul_tn(&dense, &dout, &mut expected);
            let mut out = Matrix::from_element(2, 2, f64::NAN);
            batch.transpose_matmul(&dout, &mut buffers, &mut out);
            assert_eq!(out.shape(), (40, n_out));
            assert!((out - expected).abs().max() < 1e-12, "{n_out} outputs");
        }
    }

    #[test]
    fn a_gathered_batch_holds_the_chosen_rows() {
        let bytes: Vec<u8> = (0..10 * 12_u32)
            .map(|i| if i % 3 == 0 { (i % 251) as u8 | 1 } else { 0 })
            .collect();
        let rows = ByteRows::new(&bytes, 12, ByteRows::<f32>::unit_scale_table());
        let indices = [9, 0, 9, 4];
        let mut batch = SparseRows::empty_like(&rows);
        batch.gather_rows(&rows, &indices);
        let mut dense = Matrix::zeros(0, 0);
        rows.gather_rows(&indices, &mut dense);
        assert_eq!(batch.nrows(), 4);
        let mut row = vec![0.0; 12];
        for i in 0..4 {
            batch.write_row(i, &mut row);
            assert_eq!(row, dense.row(i).iter().copied().collect::<Vec<f32>>());
        }
    }
}
