//! Samples stored sparsely, row by row (CSR). MNIST pixels are ≈81% zero, so the first layer of
//! an evaluation — most of its multiply-adds — only needs the non-zero pixels.

use crate::{Float, Matrix, resize_for};

/// Output columns accumulated together in one vector register (AVX-512: 16 f32) by the
/// sparse product; weights are padded with zeros to a multiple of it.
const TILE: usize = 16;

/// A weight matrix `W` (`n_in × n_out`) laid out for [`SparseRows::matmul_rows`]: row `k` of
/// `W` contiguous, padded with zeros to a multiple of the tile width.
#[derive(Clone, Debug)]
pub struct SparseWeights<T: Float> {
    n_in: usize,
    n_out: usize,
    padded_n_out: usize,
    /// `rows[k * padded_n_out + j] = W[k, j]`.
    rows: Vec<T>,
}

impl<T: Float> SparseWeights<T> {
    /// Lays out `weight` row by row, padded.
    pub fn new(weight: &Matrix<T>) -> Self {
        let (n_in, n_out) = weight.shape();
        let padded_n_out = n_out.div_ceil(TILE) * TILE;
        let mut rows = vec![T::zero(); n_in * padded_n_out];
        for k in 0..n_in {
            for j in 0..n_out {
                rows[k * padded_n_out + j] = weight[(k, j)];
            }
        }
        Self {
            n_in,
            n_out,
            padded_n_out,
            rows,
        }
    }
}

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
        let mut sparse = Self {
            ncols,
            row_starts: Vec::with_capacity(rows + 1),
            columns: Vec::new(),
            values: Vec::new(),
        };
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
        if total == 0 {
            0.0
        } else {
            self.values.len() as f64 / total as f64
        }
    }

    /// `out = self[first_row..first_row + rows, :]·W`. Costs one multiply-add per non-zero
    /// entry and output column.
    ///
    /// # Panics
    /// If the rows exceed the matrix or `W` does not have one row per column of `self`.
    pub fn matmul_rows(
        &self,
        first_row: usize,
        rows: usize,
        weight: &SparseWeights<T>,
        out: &mut Matrix<T>,
    ) {
        assert!(
            first_row + rows <= self.nrows(),
            "SparseRows::matmul_rows: rows out of range"
        );
        assert_eq!(
            weight.n_in, self.ncols,
            "SparseRows::matmul_rows: W must have one row per feature"
        );
        resize_for(out, rows, weight.n_out);
        let job = SparseProduct {
            sparse: self,
            first_row,
            rows,
            weight,
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
    weight: &'a SparseWeights<T>,
    out: &'a mut [T],
}

impl<T: Float> SparseProduct<'_, T> {
    /// Runs the fastest kernel this CPU and scalar type allow: hand-written AVX-512 for `f32`
    /// (checked at run time, like the `gemm` crate's kernels, so a portable binary still uses
    /// it), otherwise the portable kernel compiled for AVX2 or the baseline. Every kernel
    /// uses fused multiply-adds (exactly rounded on every CPU, in software where there is no FMA
    /// unit) in the same order, so they agree to the bit.
    fn run(self) {
        #[cfg(target_arch = "x86_64")]
        {
            let tiles = self.weight.padded_n_out / TILE;
            if std::any::TypeId::of::<T>() == std::any::TypeId::of::<f32>()
                && (1..=MAX_REGISTER_TILES).contains(&tiles)
                && std::arch::is_x86_feature_detected!("avx512f")
            {
                // SAFETY: the CPU has AVX-512F (checked) and T is f32 (checked).
                return unsafe { avx512::run_f32(self, tiles) };
            }
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                // SAFETY: the CPU supports AVX2 and FMA (checked just above).
                return unsafe { self.run_avx2() };
            }
        }
        self.kernel();
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn run_avx2(self) {
        self.kernel();
    }

    /// The portable kernel: for each sample and each tile of `TILE` output columns, accumulate
    /// `value · W[column, tile]` over the sample's non-zero entries.
    #[inline(always)]
    fn kernel(self) {
        let Self {
            sparse,
            first_row,
            rows,
            weight,
            out,
        } = self;
        let (n_out, padded_n_out) = (weight.n_out, weight.padded_n_out);
        let weight_rows: &[T] = &weight.rows;
        for local_row in 0..rows {
            let row = first_row + local_row;
            let entries = sparse.row_starts[row]..sparse.row_starts[row + 1];
            let columns = &sparse.columns[entries.clone()];
            let values = &sparse.values[entries];
            for tile_start in (0..n_out).step_by(TILE) {
                // Even and odd entries in separate sums, added at the end: the AVX-512
                // kernel's order, so both give the same bits.
                let mut sums = [[T::zero(); TILE]; 2];
                for (index, (&column, &value)) in columns.iter().zip(values).enumerate() {
                    let offset = column as usize * padded_n_out + tile_start;
                    if let Some(Ok(chunk)) = weight_rows
                        .get(offset..offset + TILE)
                        .map(<&[T; TILE]>::try_from)
                    {
                        axpy_tile(&mut sums[index % 2], value, chunk);
                    }
                }
                let [mut acc, odd] = sums;
                for (a, &o) in acc.iter_mut().zip(&odd) {
                    *a += o;
                }
                for (j, &a) in acc[..TILE.min(n_out - tile_start)].iter().enumerate() {
                    out[local_row + (tile_start + j) * rows] = a;
                }
            }
        }
    }
}

/// Most output tiles the AVX-512 kernel keeps in registers (8 × 16 = 128 f32 columns).
const MAX_REGISTER_TILES: usize = 8;

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::{MAX_REGISTER_TILES, SparseProduct, TILE};
    use crate::Float;
    use std::arch::x86_64::{
        __m512, _mm512_add_ps, _mm512_fmadd_ps, _mm512_loadu_ps, _mm512_set1_ps, _mm512_setzero_ps,
        _mm512_storeu_ps,
    };

    /// # Safety
    /// The CPU must support AVX-512F, `T` must be `f32` and `1 <= tiles <= MAX_REGISTER_TILES`.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn run_f32<T: Float>(job: SparseProduct<'_, T>, tiles: usize) {
        // SAFETY (every arm): forwarded from the caller.
        unsafe {
            match tiles {
                1 => run_tiles::<T, 1>(job),
                2 => run_tiles::<T, 2>(job),
                3 => run_tiles::<T, 3>(job),
                4 => run_tiles::<T, 4>(job),
                5 => run_tiles::<T, 5>(job),
                6 => run_tiles::<T, 6>(job),
                7 => run_tiles::<T, 7>(job),
                _ => run_tiles::<T, MAX_REGISTER_TILES>(job),
            }
        }
    }

    /// One sample at a time, its `TILES` accumulators of 16 lanes held in registers for all of
    /// its non-zero entries: `acc = fma(broadcast(value), W[column, :], acc)`.
    ///
    /// # Safety
    /// As [`run_f32`], with `TILES · 16` the padded width of the weights.
    #[target_feature(enable = "avx512f")]
    unsafe fn run_tiles<T: Float, const TILES: usize>(job: SparseProduct<'_, T>) {
        let SparseProduct {
            sparse,
            first_row,
            rows,
            weight,
            out,
        } = job;
        let (n_out, padded_n_out) = (weight.n_out, weight.padded_n_out);
        assert!(TILES * TILE == padded_n_out && out.len() == rows * n_out);
        assert!(weight.rows.len() == sparse.ncols * padded_n_out);
        // SAFETY: the caller guarantees T is f32, so these are the same slices retyped.
        let (weights, values, out) = unsafe {
            (
                std::slice::from_raw_parts(weight.rows.as_ptr().cast::<f32>(), weight.rows.len()),
                std::slice::from_raw_parts(
                    sparse.values.as_ptr().cast::<f32>(),
                    sparse.values.len(),
                ),
                std::slice::from_raw_parts_mut(out.as_mut_ptr().cast::<f32>(), out.len()),
            )
        };
        let mut row_out = [0.0f32; TILE * MAX_REGISTER_TILES];
        for local_row in 0..rows {
            let row = first_row + local_row;
            let entries = sparse.row_starts[row]..sparse.row_starts[row + 1];
            // Two sets of accumulators, for even and odd entries, halve the chain of dependent
            // additions per register; they are added at the end (see `kernel`, same order).
            let mut even: [__m512; TILES] = [_mm512_setzero_ps(); TILES];
            let mut odd: [__m512; TILES] = [_mm512_setzero_ps(); TILES];
            let columns = &sparse.columns[entries.clone()];
            let values = &values[entries];
            let accumulate = |acc: &mut [__m512; TILES], column: u32, value: f32| {
                // Every stored column is < ncols (from_dense), so this row of W is in bounds.
                let weight_row = &weights[column as usize * padded_n_out..][..TILES * TILE];
                let broadcast = _mm512_set1_ps(value);
                for (tile, accumulator) in acc.iter_mut().enumerate() {
                    // SAFETY: `weight_row` holds TILES·16 floats, so 16 from tile·16 are in bounds.
                    let w = unsafe { _mm512_loadu_ps(weight_row.as_ptr().add(tile * TILE)) };
                    *accumulator = _mm512_fmadd_ps(broadcast, w, *accumulator);
                }
            };
            let pairs = columns.chunks_exact(2).zip(values.chunks_exact(2));
            for (pair_columns, pair_values) in pairs {
                accumulate(&mut even, pair_columns[0], pair_values[0]);
                accumulate(&mut odd, pair_columns[1], pair_values[1]);
            }
            if columns.len() % 2 == 1 {
                accumulate(
                    &mut even,
                    columns[columns.len() - 1],
                    values[values.len() - 1],
                );
            }
            let mut acc = even;
            for (accumulator, &other) in acc.iter_mut().zip(&odd) {
                *accumulator = _mm512_add_ps(*accumulator, other);
            }
            for (tile, accumulator) in acc.iter().enumerate() {
                // SAFETY: row_out holds MAX_REGISTER_TILES·16 >= TILES·16 floats.
                unsafe { _mm512_storeu_ps(row_out.as_mut_ptr().add(tile * TILE), *accumulator) };
            }
            for (j, &value) in row_out[..n_out].iter().enumerate() {
                out[local_row + j * rows] = value;
            }
        }
    }
}

/// `acc += value · weights` over one tile, each element a fused multiply-add (one rounding,
/// like the AVX-512 kernel's `vfmadd`): a fixed trip count the compiler turns into whole vector
/// registers.
#[inline(always)]
fn axpy_tile<T: Float>(acc: &mut [T; TILE], value: T, weights: &[T; TILE]) {
    for i in 0..TILE {
        acc[i] = value.mul_add(weights[i], acc[i]);
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
        dense.apply(|v| {
            if *v < 0.7 {
                *v = 0.0
            }
        });
        let weight: Matrix<f64> = random::normal_matrix(50, 71, 1.0, &mut rng);
        let sparse = SparseRows::from_dense(&dense);
        assert!((sparse.density() - 0.3).abs() < 0.05);
        let mut expected = Matrix::zeros(0, 0);
        matmul(&dense.rows(5, 20).into_owned(), &weight, &mut expected);
        let mut out = Matrix::zeros(0, 0);
        sparse.matmul_rows(5, 20, &SparseWeights::new(&weight), &mut out);
        assert_eq!(out.shape(), (20, 71));
        assert!((out - expected).abs().max() < 1e-12);
    }

    #[test]
    fn every_kernel_width_matches_the_dense_product() {
        let mut rng = random::seeded(2);
        let mut dense: Matrix<f32> = random::uniform_matrix(9, 30, &mut rng);
        dense.apply(|v| {
            if *v < 0.5 {
                *v = 0.0
            }
        });
        let sparse = SparseRows::from_dense(&dense);
        // 1–8 tiles use the register kernel, 150 columns the general one.
        for n_out in [1, 16, 17, 100, 128, 150] {
            let weight: Matrix<f32> = random::normal_matrix(30, n_out, 1.0, &mut rng);
            let mut expected = Matrix::zeros(0, 0);
            matmul(&dense, &weight, &mut expected);
            let mut out = Matrix::zeros(0, 0);
            sparse.matmul_rows(0, 9, &SparseWeights::new(&weight), &mut out);
            assert!((out - expected).abs().max() < 1e-4, "{n_out} outputs");
        }
    }

    #[test]
    fn the_vector_kernel_and_the_portable_kernel_agree_to_the_bit() {
        let mut rng = random::seeded(3);
        let mut dense: Matrix<f32> = random::uniform_matrix(40, 60, &mut rng);
        dense.apply(|v| {
            if *v < 0.6 {
                *v = 0.0
            }
        });
        let sparse = SparseRows::from_dense(&dense);
        let weight = SparseWeights::new(&random::normal_matrix::<f32>(60, 100, 1.0, &mut rng));
        let mut fast = Matrix::zeros(0, 0);
        sparse.matmul_rows(3, 30, &weight, &mut fast); // AVX-512 where the CPU has it
        let mut portable = Matrix::zeros(30, 100);
        let job = SparseProduct {
            sparse: &sparse,
            first_row: 3,
            rows: 30,
            weight: &weight,
            out: portable.as_mut_slice(),
        };
        job.kernel();
        assert_eq!(fast, portable);
    }

    #[test]
    fn empty_rows_give_zeros() {
        let dense = Matrix::<f32>::zeros(3, 4);
        let sparse = SparseRows::from_dense(&dense);
        assert_eq!(sparse.density(), 0.0);
        let mut out = Matrix::from_element(3, 2, 7.0);
        sparse.matmul_rows(
            0,
            3,
            &SparseWeights::new(&Matrix::from_element(4, 2, 1.0)),
            &mut out,
        );
        assert_eq!(out, Matrix::zeros(3, 2));
    }
}
