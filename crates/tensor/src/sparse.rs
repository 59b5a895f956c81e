//! Samples stored sparsely, row by row (CSR). MNIST pixels are ≈81% zero, so the first layer of
//! an evaluation — most of its multiply-adds — only needs the non-zero pixels.

use crate::{Float, Matrix, resize_for};

/// Output columns accumulated together in one vector register (AVX-512: 16 f32) by the sparse
/// product; the weights are padded with zeros to a multiple of it.
const TILE: usize = 16;

/// Independent partial sums per output tile: entry `i` of a row goes to sum `i % 4`, so four
/// chains of additions run in parallel; they are combined as `((s0 + s1) + s2) + s3`.
const PARTIAL_SUMS: usize = 4;

/// Rows processed together per output tile, so their entries stay in cache across tiles.
const ROW_BLOCK: usize = 128;

/// A weight matrix `W` (`n_in × n_out`) laid out for [`SparseRows::matmul_rows`]: split into
/// tiles of 16 output columns, each tile stored input by input (`16` contiguous values per
/// input), zero-padded. One tile of a 784-input layer is 50 KB and stays in the fast caches
/// while a block of samples is processed.
#[derive(Clone, Debug)]
pub struct SparseWeights<T: Float> {
    n_in: usize,
    n_out: usize,
    tiles: usize,
    /// `values[(tile · n_in + k) · 16 + lane] = W[k, tile · 16 + lane]` (zero past `n_out`).
    values: Vec<T>,
}

impl<T: Float> SparseWeights<T> {
    /// Lays out `weight` tile by tile.
    pub fn new(weight: &Matrix<T>) -> Self {
        let (n_in, n_out) = weight.shape();
        let tiles = n_out.div_ceil(TILE);
        let mut values = vec![T::zero(); tiles * n_in * TILE];
        for j in 0..n_out {
            let (tile, lane) = (j / TILE, j % TILE);
            for k in 0..n_in {
                values[(tile * n_in + k) * TILE + lane] = weight[(k, j)];
            }
        }
        Self {
            n_in,
            n_out,
            tiles,
            values,
        }
    }

    /// The `n_in × 16` block of output tile `tile`.
    fn tile(&self, tile: usize) -> &[T] {
        &self.values[tile * self.n_in * TILE..(tile + 1) * self.n_in * TILE]
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

    /// The non-zero entries of a row-major stream of `nrows × ncols` values (e.g. pixels
    /// converted on the fly, without a dense matrix in between).
    ///
    /// # Panics
    /// If `ncols` exceeds `u32::MAX`.
    pub fn from_row_major(nrows: usize, ncols: usize, values: impl IntoIterator<Item = T>) -> Self {
        assert!(u32::try_from(ncols).is_ok(), "SparseRows: too many columns");
        let mut sparse = Self {
            ncols,
            row_starts: Vec::with_capacity(nrows + 1),
            columns: Vec::new(),
            values: Vec::new(),
        };
        sparse.row_starts.push(0);
        let mut values = values.into_iter();
        for _ in 0..nrows {
            for (column, value) in values.by_ref().take(ncols).enumerate() {
                if value != T::zero() {
                    sparse.columns.push(column as u32);
                    sparse.values.push(value);
                }
            }
            sparse.row_starts.push(sparse.values.len());
        }
        sparse
    }

    /// The first `rows` rows (all of them if there are fewer), as a new matrix.
    pub fn first_rows(&self, rows: usize) -> Self {
        let rows = rows.min(self.nrows());
        let end = self.row_starts[rows];
        Self {
            ncols: self.ncols,
            row_starts: self.row_starts[..=rows].to_vec(),
            columns: self.columns[..end].to_vec(),
            values: self.values[..end].to_vec(),
        }
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
    /// it), otherwise the portable kernel compiled for AVX2+FMA or the baseline. Every kernel
    /// uses fused multiply-adds (exactly rounded on every CPU, in software where there is no FMA
    /// unit) in the same order, so they agree to the bit.
    fn run(self) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::any::TypeId::of::<T>() == std::any::TypeId::of::<f32>()
                && std::arch::is_x86_feature_detected!("avx512f")
            {
                // SAFETY: the CPU has AVX-512F (checked) and T is f32 (checked).
                return unsafe { avx512::run_f32(self) };
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

    /// The portable kernel, and the definition of the arithmetic: for each block of rows and
    /// each output tile, each row's entries are accumulated by fused multiply-adds into
    /// [`PARTIAL_SUMS`] partial sums, which are then combined in a fixed order.
    #[inline(always)]
    fn kernel(self) {
        let Self {
            sparse,
            first_row,
            rows,
            weight,
            out,
        } = self;
        for block_start in (0..rows).step_by(ROW_BLOCK) {
            let block_rows = ROW_BLOCK.min(rows - block_start);
            for tile in 0..weight.tiles {
                let tile_weights = weight.tile(tile);
                for local_row in block_start..block_start + block_rows {
                    let (columns, values) = sparse.row(first_row + local_row);
                    let mut partial = [[T::zero(); TILE]; PARTIAL_SUMS];
                    for (index, (&column, &value)) in columns.iter().zip(values).enumerate() {
                        let start = column as usize * TILE;
                        if let Some(Ok(w)) = tile_weights
                            .get(start..start + TILE)
                            .map(<&[T; TILE]>::try_from)
                        {
                            let sum = &mut partial[index % PARTIAL_SUMS];
                            for lane in 0..TILE {
                                sum[lane] = value.mul_add(w[lane], sum[lane]);
                            }
                        }
                    }
                    let [mut acc, s1, s2, s3] = partial;
                    for other in [s1, s2, s3] {
                        for (a, o) in acc.iter_mut().zip(other) {
                            *a += o;
                        }
                    }
                    write_tile(out, rows, local_row, tile, weight.n_out, &acc);
                }
            }
        }
    }
}

impl<T: Float> SparseRows<T> {
    /// The column indices and values of row `row`.
    fn row(&self, row: usize) -> (&[u32], &[T]) {
        let entries = self.row_starts[row]..self.row_starts[row + 1];
        (&self.columns[entries.clone()], &self.values[entries])
    }
}

/// Stores one tile of one row's outputs into the column-major `out` (`rows` rows).
#[inline(always)]
fn write_tile<T: Float>(
    out: &mut [T],
    rows: usize,
    row: usize,
    tile: usize,
    n_out: usize,
    acc: &[T; TILE],
) {
    let first_column = tile * TILE;
    let width = TILE.min(n_out - first_column);
    for (lane, &value) in acc[..width].iter().enumerate() {
        out[row + (first_column + lane) * rows] = value;
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::{PARTIAL_SUMS, ROW_BLOCK, SparseProduct, TILE, write_tile};
    use crate::Float;
    use std::arch::x86_64::{
        __m512, _mm512_add_ps, _mm512_fmadd_ps, _mm512_loadu_ps, _mm512_set1_ps, _mm512_setzero_ps,
        _mm512_storeu_ps,
    };

    /// The portable kernel's arithmetic with 16-lane registers: per row and tile, four
    /// accumulator registers (entry `i` into register `i % 4`), combined `((s0 + s1) + s2) + s3`.
    ///
    /// # Safety
    /// The CPU must support AVX-512F and `T` must be `f32`.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn run_f32<T: Float>(job: SparseProduct<'_, T>) {
        let SparseProduct {
            sparse,
            first_row,
            rows,
            weight,
            out,
        } = job;
        let tile_ptr = |tile: usize| weight.tile(tile).as_ptr().cast::<f32>();
        for block_start in (0..rows).step_by(ROW_BLOCK) {
            let block_rows = ROW_BLOCK.min(rows - block_start);
            // Two tiles per pass share each entry's index and value loads; their weights
            // (2 × 50 KB for 784 inputs) stay close to L1. Four per pass measured slower.
            for first_tile in (0..weight.tiles).step_by(2) {
                let group = (weight.tiles - first_tile).min(2);
                for local_row in block_start..block_start + block_rows {
                    let (columns, values) = sparse.row(first_row + local_row);
                    // SAFETY: T is f32 (the caller's guarantee), so the values are f32.
                    let values = unsafe {
                        std::slice::from_raw_parts(values.as_ptr().cast::<f32>(), values.len())
                    };
                    let ptr = |offset: usize| tile_ptr(first_tile + offset);
                    // SAFETY (every arm): the caller's guarantees, and the `group` tiles exist.
                    let sums: &[__m512] = unsafe {
                        match group {
                            2 => &row_tiles::<2>(columns, values, [ptr(0), ptr(1)]),
                            _ => &row_tiles::<1>(columns, values, [ptr(0)]),
                        }
                    };
                    for (offset, &sum) in sums.iter().enumerate() {
                        store(out, rows, local_row, first_tile + offset, weight.n_out, sum);
                    }
                }
            }
        }
    }

    /// One row's outputs over `G` tiles: entry `i` of the row is added into partial sum
    /// `i % 4` of each tile (register-resident: every index is a constant after unrolling),
    /// and the sums are combined `((s0 + s1) + s2) + s3`, as in the portable kernel.
    ///
    /// # Safety
    /// Every column < n_in, and each pointer is a tile of `n_in × 16` f32.
    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn row_tiles<const G: usize>(
        columns: &[u32],
        values: &[f32],
        tiles: [*const f32; G],
    ) -> [__m512; G] {
        let mut sums = [[_mm512_setzero_ps(); PARTIAL_SUMS]; G];
        let term = |sums: &mut [[__m512; PARTIAL_SUMS]; G], index: usize, lane: usize| {
            // SAFETY: `index < columns.len() == values.len()` at every call below; the column is
            // < n_in, so its 16 weights lie inside each tile. Unchecked: innermost loop.
            unsafe {
                let offset = *columns.get_unchecked(index) as usize * TILE;
                let value = _mm512_set1_ps(*values.get_unchecked(index));
                for (sum, tile) in sums.iter_mut().zip(tiles) {
                    sum[lane] =
                        _mm512_fmadd_ps(value, _mm512_loadu_ps(tile.add(offset)), sum[lane]);
                }
            }
        };
        let full = columns.len() / PARTIAL_SUMS * PARTIAL_SUMS;
        for index in (0..full).step_by(PARTIAL_SUMS) {
            term(&mut sums, index, 0);
            term(&mut sums, index + 1, 1);
            term(&mut sums, index + 2, 2);
            term(&mut sums, index + 3, 3);
        }
        for lane in 0..columns.len() - full {
            term(&mut sums, full + lane, lane);
        }
        sums.map(|[s0, s1, s2, s3]| _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), s2), s3))
    }

    /// Writes one tile of one row into the column-major output.
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn store<T: Float>(
        out: &mut [T],
        rows: usize,
        row: usize,
        tile: usize,
        n_out: usize,
        sum: __m512,
    ) {
        let mut acc = [T::zero(); TILE];
        // SAFETY: `acc` holds 16 values of T, which is f32 wherever this module runs.
        unsafe { _mm512_storeu_ps(acc.as_mut_ptr().cast::<f32>(), sum) };
        write_tile(out, rows, row, tile, n_out, &acc);
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
    fn built_from_a_stream_and_cut_to_its_first_rows() {
        let dense =
            Matrix::<f64>::from_row_slice(3, 3, &[0.0, 1.0, 0.0, 2.0, 0.0, 3.0, 0.0, 0.0, 0.0]);
        let stream =
            SparseRows::from_row_major(3, 3, [0.0, 1.0, 0.0, 2.0, 0.0, 3.0, 0.0, 0.0, 0.0]);
        assert_eq!(stream, SparseRows::from_dense(&dense));
        let head = stream.first_rows(2);
        assert_eq!(head, SparseRows::from_dense(&dense.rows(0, 2).into_owned()));
        assert_eq!(stream.first_rows(10), stream);
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
