//! A weight matrix laid out for products with sparse samples.

use super::{ColumnSplit, Slot};
use crate::{Float, Matrix};

/// Output columns accumulated together in one vector register (AVX-512: 16 f32) by the sparse
/// product; the weights are padded with zeros to a multiple of it.
pub(super) const TILE: usize = 16;

/// A weight matrix `W` (`n_in × n_out`) laid out for [`SparseRows::matmul_rows`](super::SparseRows::matmul_rows)
/// with samples of one [`ColumnSplit`]: the rows of its dense columns gathered into a matrix for `gemm`,
/// and the rows of its sparse columns zero-padded to a multiple of 16 outputs (whole vector
/// registers) for the sparse kernel.
#[derive(Clone, Debug)]
pub struct SparseWeights<T: Float> {
    n_out: usize,
    /// The samples' split, and `W`'s rows for their dense columns (`dense × n_out`).
    split: ColumnSplit,
    dense_rows: Matrix<T>,
    /// `n_out` rounded up to a multiple of 16.
    pub(super) width: usize,
    /// The rows of the samples' sparse columns, padded: `values[s · width + j] = W[k, j]` for
    /// the `s`-th sparse column `k` (zero for `j ≥ n_out`), so one entry's weights are
    /// `width / 16` consecutive cache lines.
    pub(super) values: Aligned<T>,
}

impl<T: Float> SparseWeights<T> {
    /// Lays out `weight` for products with samples whose columns are split as `split`.
    ///
    /// # Panics
    /// If `weight` does not have one row per column.
    pub fn new(weight: &Matrix<T>, split: &ColumnSplit) -> Self {
        let mut laid_out = Self {
            n_out: 0,
            split: split.clone(),
            dense_rows: Matrix::zeros(split.dense_columns().len(), 0),
            width: 0,
            values: Aligned::zeros(0),
        };
        laid_out.refill(weight);
        laid_out
    }

    /// Lays out `weight` again for the same split, reusing the buffers when its shape has not
    /// changed: a training step's first layer, whose weights change every step, does this
    /// without allocating.
    ///
    /// # Panics
    /// If `weight` does not have one row per column of the split.
    pub fn refill(&mut self, weight: &Matrix<T>) {
        let (n_in, n_out) = weight.shape();
        assert_eq!(
            n_in,
            self.split.ncols(),
            "SparseWeights: W must have one row per feature"
        );
        if n_out != self.n_out {
            self.n_out = n_out;
            self.width = n_out.div_ceil(TILE) * TILE;
            self.dense_rows = Matrix::zeros(self.split.dense_columns().len(), n_out);
            self.values = Aligned::zeros(self.split.sparse_columns().len() * self.width);
        }
        let done = self.refill_squares(weight);
        let dense_columns = self.split.dense_columns();
        let sparse_columns = self.split.sparse_columns();
        let width = self.width;
        // The sparse rows left after the squares, 16 outputs at a time: each row's 16 values
        // are read from 16 columns of the column-major `weight` and written as one run. The
        // padding past `n_out` is never written, so it stays zero.
        let columns = weight.as_slice().chunks_exact(n_in.max(1));
        let weight = weight.as_slice();
        let first_left = sparse_columns.partition_point(|&k| (k as usize) < done);
        for first_output in (0..n_out).step_by(TILE) {
            let outputs = TILE.min(n_out - first_output);
            for (position, &k) in sparse_columns.iter().enumerate().skip(first_left) {
                let row = &mut self.values[position * width + first_output..][..outputs];
                for (offset, value) in row.iter_mut().enumerate() {
                    *value = weight[(first_output + offset) * n_in + k as usize];
                }
            }
        }
        let dense_targets = self
            .dense_rows
            .as_mut_slice()
            .chunks_exact_mut(dense_columns.len().max(1));
        let dense_left = dense_columns.partition_point(|&k| (k as usize) < done);
        for (column, target) in columns.zip(dense_targets) {
            for (value, &k) in target.iter_mut().zip(dense_columns).skip(dense_left) {
                *value = column[k as usize];
            }
        }
    }

    /// Both parts of the whole 16-row squares of `weight` where the CPU has AVX-512 and `T` is
    /// `f32` (the sparse rows transposed in registers, the dense rows compressed out of each
    /// column's run); returns the rows of `weight` done (0 otherwise).
    fn refill_squares(&mut self, weight: &Matrix<T>) -> usize {
        #[cfg(target_arch = "x86_64")]
        if crate::avx512::f32_with_avx512::<T>() {
            // SAFETY: the CPU has AVX-512F and T is f32 (both checked just above).
            return unsafe { self.refill_squares_avx512(weight) };
        }
        let _ = weight;
        0
    }

    /// # Safety
    /// The CPU must support AVX-512F and `T` must be `f32`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn refill_squares_avx512(&mut self, weight: &Matrix<T>) -> usize {
        use crate::avx512::{LANES, transpose};
        use std::arch::x86_64::{
            _mm512_loadu_ps, _mm512_mask_storeu_ps, _mm512_maskz_compress_ps, _mm512_setzero_ps,
            _mm512_store_ps,
        };
        let (n_in, n_out) = weight.shape();
        let squares = n_in / LANES * LANES;
        let dense_count = self.split.dense_columns().len();
        let source = weight.as_slice().as_ptr().cast::<f32>();
        let target = self.values.as_mut_ptr().cast::<f32>();
        let dense_target = self.dense_rows.as_mut_slice().as_mut_ptr().cast::<f32>();
        let mut dense_before = 0;
        for first_input in (0..squares).step_by(LANES) {
            let (slots, dense_lanes) = self.split.square(first_input);
            let dense_here = dense_lanes.count_ones() as usize;
            for first_output in (0..n_out).step_by(TILE) {
                let outputs = TILE.min(n_out - first_output);
                // Row o: W[first_input.., first_output + o], 16 inputs of one output column;
                // outputs past n_out are zeros, which is the padding.
                let mut square = [_mm512_setzero_ps(); LANES];
                for (o, row) in square.iter_mut().enumerate().take(outputs) {
                    let column = first_output + o;
                    // SAFETY: 16 values from (first_input, column) lie in that column; the
                    // dense inputs among them have `dense_here` slots from `dense_before` in
                    // the column's run of `dense_rows`.
                    unsafe {
                        *row = _mm512_loadu_ps(source.add(column * n_in + first_input));
                        if dense_here > 0 {
                            _mm512_mask_storeu_ps(
                                dense_target.add(column * dense_count + dense_before),
                                ((1_u32 << dense_here) - 1) as u16,
                                _mm512_maskz_compress_ps(dense_lanes, *row),
                            );
                        }
                    }
                }
                if dense_here == LANES {
                    continue;
                }
                for (slot, input_row) in slots.iter().zip(transpose(square)) {
                    if let Slot::Sparse(position) = slot {
                        // SAFETY: the padded row of a sparse column holds `width` values from
                        // a multiple of 16, on whole 64-byte lines.
                        unsafe {
                            _mm512_store_ps(
                                target.add(*position as usize * self.width + first_output),
                                input_row,
                            );
                        }
                    }
                }
            }
            dense_before += dense_here;
        }
        squares
    }

    /// Whether these weights were laid out for `split`.
    pub fn fits(&self, split: &ColumnSplit) -> bool {
        self.split == *split
    }

    /// The number of outputs (columns of `W`).
    pub fn n_out(&self) -> usize {
        self.n_out
    }

    /// `W`'s rows for the dense columns, for `gemm`.
    pub(super) fn dense_rows(&self) -> &Matrix<T> {
        &self.dense_rows
    }

    /// The padded weights of sparse column `k` (its position among the samples' sparse
    /// columns).
    pub(super) fn input(&self, k: usize) -> &[T] {
        &self.values[k * self.width..(k + 1) * self.width]
    }
}

/// Values in whole 64-byte cache lines: a vector load of 16 `f32` at a multiple of 16 never
/// straddles two lines (a straddling load costs two: aligning the weights took the sparse
/// kernel from 6.2 to 4.7 ms per 10,000 MNIST rows).
#[derive(Clone, Debug)]
pub(super) struct Aligned<T: Float> {
    lines: Vec<Line<T>>,
    len: usize,
}

/// [`TILE`] values on their own cache line(s).
#[derive(Clone, Copy, Debug)]
#[repr(C, align(64))]
struct Line<T>([T; TILE]);

impl<T: Float> Aligned<T> {
    /// `len` zeros.
    pub(super) fn zeros(len: usize) -> Self {
        Self {
            lines: vec![Line([T::zero(); TILE]); len.div_ceil(TILE)],
            len,
        }
    }
}

impl<T: Float> std::ops::Deref for Aligned<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        // SAFETY: `Line<T>` is `repr(C)` around `[T; 16]`, and 16 f32 or f64 fill whole 64-byte
        // lines, so the lines are one contiguous run of `16 · lines.len() ≥ len` values.
        unsafe { std::slice::from_raw_parts(self.lines.as_ptr().cast::<T>(), self.len) }
    }
}

impl<T: Float> std::ops::DerefMut for Aligned<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: as in `deref`.
        unsafe { std::slice::from_raw_parts_mut(self.lines.as_mut_ptr().cast::<T>(), self.len) }
    }
}

// `Line<T>` has no padding for the scalar types there are.
const _: () = assert!(std::mem::size_of::<Line<f32>>() == TILE * 4);
const _: () = assert!(std::mem::size_of::<Line<f64>>() == TILE * 8);
