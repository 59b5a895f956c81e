//! The weight gradient of a first layer that read sparse rows: `dW = xᵀ·dout` (eq. 5.13) over
//! the same dense/sparse column split as the forward product.

use super::weights::{Aligned, TILE};
use super::{Slot, SparseRows};
use crate::{Float, Matrix, resize_for};

/// The buffers [`SparseRows::transpose_matmul`] reuses from one training step to the next.
#[derive(Clone, Debug)]
pub struct TransposeBuffers<T: Float> {
    /// `x_denseᵀ·dout`: the dense columns' rows of `dW`.
    dense: Matrix<T>,
    /// `dout` row by row, each row zero-padded to `width` (a multiple of 16) values, so each
    /// entry reads one contiguous run of whole vectors.
    dout_rows: Vec<T>,
    /// The sparse columns' rows of `dW`, row by row (`sparse columns × width`), on whole
    /// cache lines.
    sparse: Aligned<T>,
}

impl<T: Float> Default for TransposeBuffers<T> {
    fn default() -> Self {
        Self {
            dense: Matrix::zeros(0, 0),
            dout_rows: Vec::new(),
            sparse: Aligned::zeros(0),
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
        let width = n_out.div_ceil(TILE) * TILE;
        to_rows(dout, width, &mut buffers.dout_rows);
        let sums = self.split.sparse_columns().len() * width;
        if buffers.sparse.len() == sums {
            buffers.sparse.fill(T::zero());
        } else {
            buffers.sparse = Aligned::zeros(sums);
        }
        self.accumulate(&buffers.dout_rows, width, &mut buffers.sparse);
        self.scatter(buffers, width, out);
    }

    /// `sums[k, :] += x[i, k]·dout[i, :]` for every sparse entry, by the fastest code this CPU
    /// allows; every version uses fused multiply-adds in the same order, so all agree to the bit.
    fn accumulate(&self, dout_rows: &[T], width: usize, sums: &mut [T]) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU has AVX-512F (checked just above).
                return unsafe { self.accumulate_avx512(dout_rows, width, sums) };
            }
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                // SAFETY: the CPU has AVX2 and FMA (checked just above).
                return unsafe { self.accumulate_avx2(dout_rows, width, sums) };
            }
        }
        self.accumulate_portable(dout_rows, width, sums);
    }

    /// # Safety
    /// The CPU must support AVX-512F.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,fma")]
    unsafe fn accumulate_avx512(&self, dout_rows: &[T], width: usize, sums: &mut [T]) {
        self.accumulate_portable(dout_rows, width, sums);
    }

    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn accumulate_avx2(&self, dout_rows: &[T], width: usize, sums: &mut [T]) {
        self.accumulate_portable(dout_rows, width, sums);
    }

    /// The definition of the sparse part's arithmetic.
    #[inline(always)]
    fn accumulate_portable(&self, dout_rows: &[T], width: usize, sums: &mut [T]) {
        for (row, dout_row) in dout_rows.chunks_exact(width).enumerate() {
            let (positions, values) = self.row(row);
            for (&position, &value) in positions.iter().zip(values) {
                let target = &mut sums[position as usize * width..][..width];
                for (sum, &gradient) in target.iter_mut().zip(dout_row) {
                    *sum = value.mul_add(gradient, *sum);
                }
            }
        }
    }

    /// Writes both parts' rows (the sparse sums `width` apart) into their places in the
    /// column-major `out`.
    fn scatter(&self, buffers: &TransposeBuffers<T>, width: usize, out: &mut Matrix<T>) {
        let n_in = self.ncols();
        let n_out = out.ncols();
        let dense_columns = self.split.dense_columns();
        let sparse_columns = self.split.sparse_columns();
        let dense = buffers.dense.as_slice();
        let done = self.scatter_squares(&buffers.sparse, width, out);
        let out = out.as_mut_slice();
        for (j, column) in out.chunks_exact_mut(n_in.max(1)).enumerate() {
            let dense_part = &dense[j * dense_columns.len()..(j + 1) * dense_columns.len()];
            for (&k, &value) in dense_columns.iter().zip(dense_part) {
                column[k as usize] = value;
            }
        }
        // The sparse rows left after the squares, 16 columns at a time: each row's 16
        // consecutive sums are read once and written to 16 columns, whose cache lines stay warm
        // as the rows advance.
        let first_left = sparse_columns.partition_point(|&k| (k as usize) < done);
        for first_output in (0..n_out).step_by(TILE) {
            let outputs = TILE.min(n_out - first_output);
            for (position, &k) in sparse_columns.iter().enumerate().skip(first_left) {
                let sums = &buffers.sparse[position * width + first_output..][..outputs];
                for (offset, &sum) in sums.iter().enumerate() {
                    out[(first_output + offset) * n_in + k as usize] = sum;
                }
            }
        }
    }

    /// The sparse rows of `out`'s whole 16-row squares, transposed in registers where the CPU
    /// has AVX-512 and `T` is `f32`; returns the rows done (0 otherwise).
    fn scatter_squares(&self, sums: &[T], width: usize, out: &mut Matrix<T>) -> usize {
        #[cfg(target_arch = "x86_64")]
        if crate::avx512::f32_with_avx512::<T>() {
            // SAFETY: the CPU has AVX-512F and T is f32 (both checked just above).
            return unsafe { self.scatter_squares_avx512(sums, width, out) };
        }
        let _ = (sums, width, out);
        0
    }

    /// # Safety
    /// The CPU must support AVX-512F and `T` must be `f32`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn scatter_squares_avx512(
        &self,
        sums: &[T],
        width: usize,
        out: &mut Matrix<T>,
    ) -> usize {
        use crate::avx512::{LANES, transpose};
        use std::arch::x86_64::{_mm512_load_ps, _mm512_mask_storeu_ps, _mm512_setzero_ps};
        let (n_in, n_out) = out.shape();
        let squares = n_in / LANES * LANES;
        let sums = sums.as_ptr().cast::<f32>();
        let target = out.as_mut_slice().as_mut_ptr().cast::<f32>();
        for first_input in (0..squares).step_by(LANES) {
            let (slots, dense_lanes) = self.split.square(first_input);
            // Lane e of a column is written only if input first_input + e is sparse: the dense
            // inputs' rows are the other part's.
            let sparse_lanes = !dense_lanes;
            if sparse_lanes == 0 {
                continue;
            }
            for first_output in (0..n_out).step_by(TILE) {
                let mut square = [_mm512_setzero_ps(); LANES];
                for (row, slot) in square.iter_mut().zip(&slots) {
                    if let Slot::Sparse(position) = slot {
                        // SAFETY: a sparse column's sums are `width` values from a multiple of
                        // 16, on whole 64-byte lines; first_output < width.
                        *row = unsafe {
                            _mm512_load_ps(sums.add(*position as usize * width + first_output))
                        };
                    }
                }
                let outputs = TILE.min(n_out - first_output);
                for (o, column) in transpose(square).into_iter().enumerate().take(outputs) {
                    // SAFETY: 16 rows from first_input lie inside column first_output + o.
                    unsafe {
                        _mm512_mask_storeu_ps(
                            target.add((first_output + o) * n_in + first_input),
                            sparse_lanes,
                            column,
                        );
                    }
                }
            }
        }
        squares
    }
}

/// `rows` = `m` row by row (row-major), each row zero-padded to `width` values, reusing its
/// allocation.
fn to_rows<T: Float>(m: &Matrix<T>, width: usize, rows: &mut Vec<T>) {
    let n_rows = m.nrows();
    rows.clear();
    rows.resize(n_rows * width, T::zero());
    for (j, column) in m.as_slice().chunks_exact(n_rows.max(1)).enumerate() {
        for (i, &value) in column.iter().enumerate() {
            rows[i * width + j] = value;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sparse::noisy_bytes;
    use crate::{ByteRows, Matrix, SparseRows, TransposeBuffers, matmul_tn, random};

    #[test]
    fn the_transpose_product_equals_the_dense_one() {
        let mut rng = random::seeded(7);
        // Column 0 always set (dense), column 39 never, the rest 30% set.
        let bytes = noisy_bytes(60, 40, 7, |column, v| {
            column == 0 || (column != 39 && v > 0.7)
        });
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
    fn the_f32_transpose_product_equals_the_dense_one() {
        // 70 columns: four whole 16-column squares (which the vector scatter writes) and a
        // tail of 6; columns 0–4 and 40 always set (dense), the rest 30% (mostly sparse).
        let mut rng = random::seeded(8);
        let bytes = noisy_bytes(50, 70, 8, |column, v| column < 5 || column == 40 || v > 0.7);
        let rows = ByteRows::new(&bytes, 70, ByteRows::<f32>::unit_scale_table());
        let dense_columns = rows.split().dense_columns();
        assert!(dense_columns.starts_with(&[0, 1, 2, 3, 4]) && dense_columns.contains(&40));
        assert!(rows.split().sparse_columns().len() > 50);
        let indices: Vec<usize> = (0..30).map(|i| (i * 7) % 50).collect();
        let mut batch = SparseRows::empty_like(&rows);
        batch.gather_rows(&rows, &indices);
        let mut dense = Matrix::zeros(0, 0);
        rows.gather_rows(&indices, &mut dense);
        let mut buffers = TransposeBuffers::default();
        let mut out = Matrix::zeros(0, 0);
        // Twice per width: the second product reuses the buffers the first one left.
        for n_out in [17, 17, 50, 50, 16] {
            let dout: Matrix<f32> = random::normal_matrix(indices.len(), n_out, 1.0, &mut rng);
            let mut expected = Matrix::zeros(0, 0);
            matmul_tn(&dense, &dout, &mut expected);
            batch.transpose_matmul(&dout, &mut buffers, &mut out);
            assert!((&out - expected).abs().max() < 1e-5, "{n_out} outputs");
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
