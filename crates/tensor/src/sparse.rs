//! Samples stored sparsely. MNIST pixels are ≈81% zero, so the first layer of an evaluation —
//! most of its multiply-adds — only needs the non-zero pixels. The pixels near the centre are
//! non-zero too often for that to pay, so those columns are kept dense and multiplied by `gemm`;
//! only the rest are stored row by row (CSR) and multiplied entry by entry.

use crate::{Float, Matrix, resize_for};

/// Columns non-zero in at least this fraction of rows are stored dense. Per multiply-add the
/// sparse kernel is about 2.5 times slower than `gemm`, so a column pays to be dense from about
/// 40% non-zero on (MNIST's test set: 198 of the 784 pixels, holding 70% of the non-zero
/// entries). Measured on the seed experiment: 0.3–0.45 are equally fast, 0.5 is 2% slower and
/// 0.6 12% slower.
pub const DENSE_COLUMN_DENSITY: f64 = 0.4;

/// Output columns accumulated together in one vector register (AVX-512: 16 f32) by the sparse
/// product; the weights are padded with zeros to a multiple of it.
const TILE: usize = 16;

/// Most output tiles (128 columns) one pass over a row's entries updates: two partial sums per
/// tile fill 16 of AVX-512's 32 registers, and each entry's index and value are loaded once.
const MAX_TILES_PER_PASS: usize = 8;

/// Rows whose sparse sums are added to the output together: a 16 × 16 square of sums is
/// transposed in registers and added to 16 consecutive rows of 16 columns of the column-major
/// output, instead of element by element.
const ROW_BLOCK: usize = TILE;

/// A weight matrix `W` (`n_in × n_out`) laid out for [`SparseRows::matmul_rows`] with one
/// particular [`SparseRows`]: the rows of its dense columns gathered into a matrix for `gemm`,
/// and the rows of its sparse columns zero-padded to a multiple of 16 outputs (whole vector
/// registers) for the sparse kernel.
#[derive(Clone, Debug)]
pub struct SparseWeights<T: Float> {
    n_in: usize,
    n_out: usize,
    /// The samples' dense columns, and `W`'s rows for them (`dense_columns.len() × n_out`).
    dense_columns: Vec<u32>,
    dense_rows: Matrix<T>,
    /// `n_out` rounded up to a multiple of 16.
    width: usize,
    /// The rows of the samples' sparse columns, padded: `values[s · width + j] = W[k, j]` for
    /// the `s`-th sparse column `k` (zero for `j ≥ n_out`), so one entry's weights are
    /// `width / 16` consecutive cache lines.
    values: Aligned<T>,
}

impl<T: Float> SparseWeights<T> {
    /// Lays out `weight` for products with `samples`.
    ///
    /// # Panics
    /// If `weight` does not have one row per column of `samples`.
    pub fn new(weight: &Matrix<T>, samples: &SparseRows<T>) -> Self {
        let (n_in, n_out) = weight.shape();
        assert_eq!(
            n_in, samples.ncols,
            "SparseWeights: W must have one row per feature"
        );
        let dense_columns = samples.dense_columns.clone();
        let sparse_columns = &samples.sparse_columns;
        let width = n_out.div_ceil(TILE) * TILE;
        let mut dense_rows = Matrix::zeros(dense_columns.len(), n_out);
        let mut values = Aligned::zeros(sparse_columns.len() * width);
        // Column by column of the column-major `weight`, gather the rows each part needs.
        let columns = weight.as_slice().chunks_exact(n_in.max(1));
        for (j, column) in columns.clone().enumerate() {
            for (position, &k) in sparse_columns.iter().enumerate() {
                values[position * width + j] = column[k as usize];
            }
        }
        let dense_targets = dense_rows
            .as_mut_slice()
            .chunks_exact_mut(dense_columns.len().max(1));
        for (column, target) in columns.zip(dense_targets) {
            for (value, &k) in target.iter_mut().zip(&dense_columns) {
                *value = column[k as usize];
            }
        }
        Self {
            n_in,
            n_out,
            dense_columns,
            dense_rows,
            width,
            values,
        }
    }

    /// The padded weights of sparse column `k` (its position among the samples' sparse
    /// columns).
    fn input(&self, k: usize) -> &[T] {
        &self.values[k * self.width..(k + 1) * self.width]
    }
}

/// Values in whole 64-byte cache lines: a vector load of 16 `f32` at a multiple of 16 never
/// straddles two lines (a straddling load costs two: aligning the weights took the sparse
/// kernel from 6.2 to 4.7 ms per 10,000 MNIST rows).
#[derive(Clone, Debug)]
struct Aligned<T: Float> {
    lines: Vec<Line<T>>,
    len: usize,
}

/// [`TILE`] values on their own cache line(s).
#[derive(Clone, Copy, Debug)]
#[repr(C, align(64))]
struct Line<T>([T; TILE]);

impl<T: Float> Aligned<T> {
    /// `len` zeros.
    fn zeros(len: usize) -> Self {
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

/// A matrix with mostly zero entries: the columns that are non-zero in at least
/// [`DENSE_COLUMN_DENSITY`] of the rows as a dense matrix, the non-zero entries of the others
/// row by row (compressed sparse rows).
#[derive(Clone, Debug, PartialEq)]
pub struct SparseRows<T: Float> {
    ncols: usize,
    /// Non-zero entries in the whole matrix.
    nonzeros: usize,
    /// The dense columns, ascending, and their values (`nrows × dense_columns.len()`).
    dense_columns: Vec<u32>,
    dense: Matrix<T>,
    /// The other columns, ascending.
    sparse_columns: Vec<u32>,
    /// `row_starts[i]..row_starts[i + 1]` indexes row `i`'s entries in the other columns.
    row_starts: Vec<usize>,
    /// Each entry's position in `sparse_columns` (ascending within a row), so the sparse
    /// kernel's weights need rows for the sparse columns only.
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
        let row_major = (0..rows).flat_map(|i| (0..ncols).map(move |j| dense[(i, j)]));
        Self::from_row_major(rows, ncols, row_major)
    }

    /// The non-zero entries of a row-major stream of `nrows × ncols` values (without a dense
    /// matrix in between; [`Self::from_csr`] is faster when the entries are at hand).
    ///
    /// # Panics
    /// If `ncols` exceeds `u32::MAX`.
    pub fn from_row_major(nrows: usize, ncols: usize, values: impl IntoIterator<Item = T>) -> Self {
        assert!(u32::try_from(ncols).is_ok(), "SparseRows: too many columns");
        let mut row_starts = Vec::with_capacity(nrows + 1);
        row_starts.push(0);
        let (mut columns, mut entries) = (Vec::new(), Vec::new());
        let mut values = values.into_iter();
        for _ in 0..nrows {
            for (column, value) in values.by_ref().take(ncols).enumerate() {
                if value != T::zero() {
                    columns.push(column as u32);
                    entries.push(value);
                }
            }
            row_starts.push(entries.len());
        }
        Self::from_csr(ncols, row_starts, columns, entries)
    }

    /// The matrix whose row `i` has the values `values[row_starts[i]..row_starts[i + 1]]` at
    /// the columns `columns[…]` (compressed sparse rows, e.g. built by a data loader straight
    /// from its bytes); the other entries are zero.
    ///
    /// # Panics
    /// If `row_starts` does not start at 0 and rise to `values.len()`, if `columns` and
    /// `values` differ in length, or if a row's columns are not ascending and below `ncols`
    /// (`ncols` ≤ `u32::MAX`).
    pub fn from_csr(
        ncols: usize,
        row_starts: Vec<usize>,
        columns: Vec<u32>,
        entries: Vec<T>,
    ) -> Self {
        assert!(u32::try_from(ncols).is_ok(), "SparseRows: too many columns");
        assert_eq!(
            columns.len(),
            entries.len(),
            "SparseRows: one column per value"
        );
        assert!(
            row_starts.first() == Some(&0)
                && row_starts.last() == Some(&entries.len())
                && row_starts.windows(2).all(|pair| pair[0] <= pair[1]),
            "SparseRows: row starts must rise from 0 to the number of values"
        );
        let nrows = row_starts.len() - 1;
        let mut column_counts = vec![0_usize; ncols];
        for row in row_starts.windows(2) {
            let row_columns = &columns[row[0]..row[1]];
            assert!(
                row_columns.windows(2).all(|pair| pair[0] < pair[1])
                    && row_columns
                        .last()
                        .is_none_or(|&last| (last as usize) < ncols),
                "SparseRows: a row's columns must be ascending and below {ncols}"
            );
            for &column in row_columns {
                column_counts[column as usize] += 1;
            }
        }
        // Where each column goes: `Ok(i)` is dense column i, `Err(s)` sparse column s.
        let (mut dense_columns, mut sparse_columns) = (Vec::new(), Vec::new());
        let slots: Vec<Result<usize, u32>> = (0..ncols)
            .map(|j| {
                let count = column_counts[j];
                if count > 0 && count as f64 >= DENSE_COLUMN_DENSITY * nrows as f64 {
                    dense_columns.push(j as u32);
                    Ok(dense_columns.len() - 1)
                } else {
                    sparse_columns.push(j as u32);
                    Err(sparse_columns.len() as u32 - 1)
                }
            })
            .collect();
        let sparse_entries = sparse_columns
            .iter()
            .map(|&j| column_counts[j as usize])
            .sum();
        let mut sparse = Self {
            ncols,
            nonzeros: entries.iter().filter(|&&value| value != T::zero()).count(),
            dense: Matrix::zeros(nrows, dense_columns.len()),
            dense_columns,
            sparse_columns,
            row_starts: Vec::with_capacity(nrows + 1),
            columns: Vec::with_capacity(sparse_entries),
            values: Vec::with_capacity(sparse_entries),
        };
        sparse.row_starts.push(0);
        for row in 0..nrows {
            let range = row_starts[row]..row_starts[row + 1];
            for (&column, &value) in columns[range.clone()].iter().zip(&entries[range]) {
                match slots[column as usize] {
                    Ok(index) => sparse.dense[(row, index)] = value,
                    Err(position) => {
                        sparse.columns.push(position);
                        sparse.values.push(value);
                    }
                }
            }
            sparse.row_starts.push(sparse.values.len());
        }
        sparse
    }

    /// The first `rows` rows (all of them if there are fewer), as a new matrix with the same
    /// dense columns.
    pub fn first_rows(&self, rows: usize) -> Self {
        let rows = rows.min(self.nrows());
        let end = self.row_starts[rows];
        let dense = self.dense.rows(0, rows).into_owned();
        Self {
            ncols: self.ncols,
            nonzeros: end + dense.iter().filter(|&&value| value != T::zero()).count(),
            dense_columns: self.dense_columns.clone(),
            dense,
            sparse_columns: self.sparse_columns.clone(),
            row_starts: self.row_starts[..=rows].to_vec(),
            columns: self.columns[..end].to_vec(),
            values: self.values[..end].to_vec(),
        }
    }

    /// The columns stored dense (non-zero in at least [`DENSE_COLUMN_DENSITY`] of the rows).
    pub fn dense_columns(&self) -> &[u32] {
        &self.dense_columns
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
            self.nonzeros as f64 / total as f64
        }
    }

    /// `out = self[first_row..first_row + rows, :]·W`: a `gemm` product for the dense columns,
    /// to which the sparse kernel adds one multiply-add per other non-zero entry and output.
    ///
    /// # Panics
    /// If the rows exceed the matrix or `W` was laid out for another matrix
    /// ([`SparseWeights::new`]).
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
        assert!(
            weight.n_in == self.ncols && weight.dense_columns == self.dense_columns,
            "SparseRows::matmul_rows: W was laid out for another matrix"
        );
        self.dense_product(first_row, rows, weight, out);
        if rows == 0 || weight.n_out == 0 {
            return;
        }
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

/// One row's entries outside the dense columns: the unit of work of every kernel.
struct RowEntries<'a, T> {
    columns: &'a [u32],
    values: &'a [T],
}

impl<T: Float> SparseRows<T> {
    /// `out` = the dense columns' part of the product (zero if there are none).
    fn dense_product(
        &self,
        first_row: usize,
        rows: usize,
        weight: &SparseWeights<T>,
        out: &mut Matrix<T>,
    ) {
        if self.dense_columns.is_empty() {
            resize_for(out, rows, weight.n_out);
            out.fill(T::zero());
        } else {
            crate::matmul_rows(&self.dense, first_row, rows, &weight.dense_rows, out);
        }
    }
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
                return unsafe { self.run_avx512() };
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

    /// # Safety
    /// The CPU must support AVX-512F and `T` must be `f32`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn run_avx512(self) {
        self.for_each_block(
            // SAFETY (both): the caller's guarantees.
            |weight, entries, sums| unsafe { avx512::row_sums_f32(weight, entries, sums) },
            |block| unsafe { avx512::add_block_f32(block) },
        );
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn run_avx2(self) {
        self.kernel();
    }

    /// The portable kernel, and the definition of the arithmetic: [`row_sums`], then
    /// [`add_block`].
    #[inline(always)]
    fn kernel(self) {
        self.for_each_block(row_sums, add_block);
    }

    /// The loop shared by every kernel: for each block of [`ROW_BLOCK`] rows,
    /// `sums(weights, entries, row's sums)` computes each row's sparse part into row-major
    /// scratch (`width` per row), and `add(block)` adds the block to the output (which holds
    /// the dense columns' part).
    #[inline(always)]
    fn for_each_block(
        self,
        mut sums: impl FnMut(&SparseWeights<T>, RowEntries<'_, T>, &mut [T]),
        mut add: impl FnMut(Block<'_, T>),
    ) {
        let Self {
            sparse,
            first_row,
            rows,
            weight,
            out,
        } = self;
        let width = weight.width;
        let mut scratch = Aligned::zeros(ROW_BLOCK * width);
        for block_start in (0..rows).step_by(ROW_BLOCK) {
            let block_rows = ROW_BLOCK.min(rows - block_start);
            let block_sums = &mut scratch[..block_rows * width];
            for (row, row_sums) in block_sums.chunks_exact_mut(width).enumerate() {
                let (columns, values) = sparse.row(first_row + block_start + row);
                sums(weight, RowEntries { columns, values }, row_sums);
            }
            add(Block {
                sums: block_sums,
                width,
                n_out: weight.n_out,
                out: &mut *out,
                rows,
                first_row: block_start,
            });
        }
    }
}

impl<T: Float> SparseRows<T> {
    /// The column indices and values of row `row`'s sparse entries.
    fn row(&self, row: usize) -> (&[u32], &[T]) {
        let entries = self.row_starts[row]..self.row_starts[row + 1];
        (&self.columns[entries.clone()], &self.values[entries])
    }
}

/// One row's sparse part `sums` (all outputs, padded), by fused multiply-adds into two partial
/// sums per output, both starting at zero: entry `i` goes to partial sum `i % 2`, and the
/// result is `s0 + s1`. Two chains per output let consecutive entries' multiply-adds overlap.
fn row_sums<T: Float>(weight: &SparseWeights<T>, entries: RowEntries<'_, T>, sums: &mut [T]) {
    for (tile, sum) in sums.chunks_exact_mut(TILE).enumerate() {
        let lanes = tile * TILE..(tile + 1) * TILE;
        let mut partial = [[T::zero(); TILE]; 2];
        for (index, (&column, &value)) in entries.columns.iter().zip(entries.values).enumerate() {
            let w = &weight.input(column as usize)[lanes.clone()];
            for (p, &w) in partial[index % 2].iter_mut().zip(w) {
                *p = value.mul_add(w, *p);
            }
        }
        let [even, odd] = partial;
        for (lane, sum) in sum.iter_mut().enumerate() {
            *sum = even[lane] + odd[lane];
        }
    }
}

/// A block of rows' sparse sums and the output they are added to.
struct Block<'a, T> {
    /// Row-major, `width` per row.
    sums: &'a [T],
    width: usize,
    n_out: usize,
    /// Column-major, `rows` rows.
    out: &'a mut [T],
    rows: usize,
    /// The block's first row in `out`.
    first_row: usize,
}

/// `out[first_row + r, j] += sums[r, j]`: the dense part plus the sparse part, one addition
/// per output.
fn add_block<T: Float>(block: Block<'_, T>) {
    let Block {
        sums,
        width,
        n_out,
        out,
        rows,
        first_row,
    } = block;
    for j in 0..n_out {
        let column = &mut out[j * rows + first_row..][..sums.len() / width];
        for (value, row_sums) in column.iter_mut().zip(sums.chunks_exact(width)) {
            *value += row_sums[j];
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::{Block, MAX_TILES_PER_PASS, RowEntries, SparseWeights, TILE};
    use crate::Float;
    use std::arch::x86_64::{
        __m512, _mm512_add_ps, _mm512_castpd_ps, _mm512_castps_pd, _mm512_fmadd_ps, _mm512_load_ps,
        _mm512_loadu_ps, _mm512_set1_ps, _mm512_setzero_ps, _mm512_shuffle_f32x4, _mm512_store_ps,
        _mm512_storeu_ps, _mm512_unpackhi_pd, _mm512_unpackhi_ps, _mm512_unpacklo_pd,
        _mm512_unpacklo_ps,
    };

    /// [`super::row_sums`] with 16-lane registers, up to [`MAX_TILES_PER_PASS`] tiles per pass
    /// over the entries.
    ///
    /// # Safety
    /// The CPU must support AVX-512F and `T` must be `f32`; the columns are < n_in; `sums` is
    /// 64-byte aligned and holds the padded width.
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(super) unsafe fn row_sums_f32<T: Float>(
        weight: &SparseWeights<T>,
        entries: RowEntries<'_, T>,
        sums: &mut [T],
    ) {
        debug_assert_eq!(sums.len(), weight.width);
        // SAFETY: T is f32 (the caller's guarantee).
        let values = unsafe {
            std::slice::from_raw_parts(entries.values.as_ptr().cast::<f32>(), entries.values.len())
        };
        let (columns, width) = (entries.columns, weight.width);
        let tiles = width / TILE;
        for first_tile in (0..tiles).step_by(MAX_TILES_PER_PASS) {
            // SAFETY (every arm): the group's tiles exist in every input's padded row and in
            // `sums`; the columns are < n_in (the caller's guarantee).
            unsafe {
                let weights = weight.values.as_ptr().cast::<f32>().add(first_tile * TILE);
                let sums = sums.as_mut_ptr().cast::<f32>().add(first_tile * TILE);
                match tiles - first_tile {
                    1 => pass::<1>(columns, values, width, weights, sums),
                    2 => pass::<2>(columns, values, width, weights, sums),
                    3 => pass::<3>(columns, values, width, weights, sums),
                    4 => pass::<4>(columns, values, width, weights, sums),
                    5 => pass::<5>(columns, values, width, weights, sums),
                    6 => pass::<6>(columns, values, width, weights, sums),
                    7 => pass::<7>(columns, values, width, weights, sums),
                    _ => pass::<MAX_TILES_PER_PASS>(columns, values, width, weights, sums),
                }
            }
        }
    }

    /// One pass over a row's entries for `G` tiles, every partial sum in a register.
    ///
    /// # Safety
    /// `weights + column · width` has `G` aligned tiles for every column; `sums` has `G`
    /// aligned tiles.
    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn pass<const G: usize>(
        columns: &[u32],
        values: &[f32],
        width: usize,
        weights: *const f32,
        sums: *mut f32,
    ) {
        // SAFETY (whole body): the caller's guarantees; indices are < columns.len() ==
        // values.len(). Unchecked: this is the innermost loop.
        unsafe {
            let mut even = [_mm512_setzero_ps(); G];
            let mut odd = [_mm512_setzero_ps(); G];
            let term = |partial: &mut [__m512; G], index: usize| {
                let input = weights.add(*columns.get_unchecked(index) as usize * width);
                let value = _mm512_set1_ps(*values.get_unchecked(index));
                for (tile, sum) in partial.iter_mut().enumerate() {
                    let w = _mm512_load_ps(input.add(tile * TILE));
                    *sum = _mm512_fmadd_ps(value, w, *sum);
                }
            };
            let pairs = columns.len() / 2 * 2;
            for index in (0..pairs).step_by(2) {
                term(&mut even, index);
                term(&mut odd, index + 1);
            }
            if pairs < columns.len() {
                term(&mut even, pairs);
            }
            for (tile, (e, o)) in even.into_iter().zip(odd).enumerate() {
                _mm512_store_ps(sums.add(tile * TILE), _mm512_add_ps(e, o));
            }
        }
    }

    /// [`super::add_block`], a 16 × 16 square at a time: 16 rows of one tile of sums are
    /// transposed in registers, and each of the 16 columns is added to the output's 16
    /// consecutive rows with one vector addition. Partial blocks take the portable path.
    ///
    /// # Safety
    /// The CPU must support AVX-512F and `T` must be `f32`; `sums` is 64-byte aligned.
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(super) unsafe fn add_block_f32<T: Float>(block: Block<'_, T>) {
        let block_rows = block.sums.len() / block.width;
        if block_rows != TILE {
            return super::add_block(block);
        }
        let Block {
            sums,
            width,
            n_out,
            out,
            rows,
            first_row,
        } = block;
        let sums = sums.as_ptr().cast::<f32>();
        let out = out.as_mut_ptr().cast::<f32>();
        for tile in 0..width / TILE {
            // SAFETY: 16 rows of `width` aligned sums; output columns j < n_out have `rows`
            // rows, of which first_row..first_row + 16 exist (checked by the caller's shapes).
            unsafe {
                let square: [__m512; TILE] =
                    std::array::from_fn(|row| _mm512_load_ps(sums.add(row * width + tile * TILE)));
                let columns = transpose(square);
                for (lane, column) in columns.into_iter().enumerate() {
                    let j = tile * TILE + lane;
                    if j >= n_out {
                        break;
                    }
                    let target = out.add(j * rows + first_row);
                    _mm512_storeu_ps(target, _mm512_add_ps(_mm512_loadu_ps(target), column));
                }
            }
        }
    }

    /// The transpose of a 16 × 16 square of f32, one row per register: pairs of rows
    /// interleaved by 32 bits, then by 64 bits, then 128-bit lanes gathered twice.
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn transpose(rows: [__m512; 16]) -> [__m512; 16] {
        // t[2i], t[2i + 1], lane k: rows 2i, 2i + 1 at elements 4k, 4k + 1 / 4k + 2, 4k + 3.
        let mut t = [_mm512_setzero_ps(); 16];
        for i in 0..8 {
            t[2 * i] = _mm512_unpacklo_ps(rows[2 * i], rows[2 * i + 1]);
            t[2 * i + 1] = _mm512_unpackhi_ps(rows[2 * i], rows[2 * i + 1]);
        }
        // u[4i + e], lane k: element 4k + e of rows 4i..4i + 4.
        let mut u = [_mm512_setzero_ps(); 16];
        let pd = _mm512_castps_pd;
        for i in 0..4 {
            let (a, b, c, d) = (t[4 * i], t[4 * i + 1], t[4 * i + 2], t[4 * i + 3]);
            u[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(pd(a), pd(c)));
            u[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(pd(a), pd(c)));
            u[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(pd(b), pd(d)));
            u[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(pd(b), pd(d)));
        }
        // Column 4k + e: lane k of u[e], u[4 + e], u[8 + e], u[12 + e].
        let mut columns = [_mm512_setzero_ps(); 16];
        for e in 0..4 {
            let low_top = _mm512_shuffle_f32x4::<0x44>(u[e], u[4 + e]);
            let low_bottom = _mm512_shuffle_f32x4::<0x44>(u[8 + e], u[12 + e]);
            let high_top = _mm512_shuffle_f32x4::<0xEE>(u[e], u[4 + e]);
            let high_bottom = _mm512_shuffle_f32x4::<0xEE>(u[8 + e], u[12 + e]);
            columns[e] = _mm512_shuffle_f32x4::<0x88>(low_top, low_bottom);
            columns[4 + e] = _mm512_shuffle_f32x4::<0xDD>(low_top, low_bottom);
            columns[8 + e] = _mm512_shuffle_f32x4::<0x88>(high_top, high_bottom);
            columns[12 + e] = _mm512_shuffle_f32x4::<0xDD>(high_top, high_bottom);
        }
        columns
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
        sparse.matmul_rows(5, 20, &SparseWeights::new(&weight, &sparse), &mut out);
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
        for n_out in [0, 1, 16, 17, 100, 128, 150] {
            let weight: Matrix<f32> = random::normal_matrix(30, n_out, 1.0, &mut rng);
            let mut expected = Matrix::zeros(0, 0);
            matmul(&dense, &weight, &mut expected);
            let mut out = Matrix::zeros(0, 0);
            sparse.matmul_rows(0, 9, &SparseWeights::new(&weight, &sparse), &mut out);
            assert!((out - expected).abs().max() < 1e-4, "{n_out} outputs");
        }
    }

    /// Rows with a dense left part (columns 0..20, non-zero in 60% of rows) and a sparse rest.
    fn mixed_matrix(rows: usize, cols: usize, rng: &mut random::Rng) -> Matrix<f32> {
        let mut dense: Matrix<f32> = random::uniform_matrix(rows, cols, rng);
        for ((_, j), v) in dense
            .iter_mut()
            .enumerate()
            .map(|(i, v)| ((i % rows, i / rows), v))
        {
            let keep = if j < 20 { 0.4 } else { 0.9 };
            if *v < keep {
                *v = 0.0;
            }
        }
        dense
    }

    #[test]
    fn frequent_columns_are_stored_dense() {
        let mut rng = random::seeded(4);
        let dense = mixed_matrix(200, 300, &mut rng);
        let sparse = SparseRows::from_dense(&dense);
        let expected: Vec<u32> = (0..300)
            .filter(|&j| {
                let nonzero = dense.column(j).iter().filter(|&&v| v != 0.0).count();
                nonzero as f64 >= DENSE_COLUMN_DENSITY * 200.0
            })
            .map(|j| j as u32)
            .collect();
        assert_eq!(sparse.dense_columns(), expected);
        assert_eq!(sparse.dense_columns(), (0..20).collect::<Vec<u32>>());
        let nonzeros = dense.iter().filter(|&&v| v != 0.0).count();
        assert_eq!(sparse.density(), nonzeros as f64 / (200.0 * 300.0));
        let head = sparse.first_rows(50);
        assert_eq!(head.dense_columns(), sparse.dense_columns());
        let head_nonzeros = dense.rows(0, 50).iter().filter(|&&v| v != 0.0).count();
        assert_eq!(head.density(), head_nonzeros as f64 / (50.0 * 300.0));
    }

    #[test]
    fn weights_laid_out_for_another_matrix_are_refused() {
        let mut rng = random::seeded(5);
        let sparse = SparseRows::from_dense(&mixed_matrix(40, 100, &mut rng));
        let other = SparseRows::from_dense(&Matrix::<f32>::zeros(40, 100));
        let weight = SparseWeights::new(&random::normal_matrix(100, 10, 1.0, &mut rng), &other);
        let outcome = std::panic::catch_unwind(|| {
            sparse.matmul_rows(0, 40, &weight, &mut Matrix::zeros(0, 0));
        });
        assert!(outcome.is_err());
    }

    #[test]
    fn the_vector_kernel_and_the_portable_kernel_agree_to_the_bit() {
        let mut rng = random::seeded(3);
        // Several row blocks and input blocks, a partial last tile, and two passes of tiles.
        let dense = mixed_matrix(100, 300, &mut rng);
        let sparse = SparseRows::from_dense(&dense);
        for n_out in [100, 150] {
            let matrix = random::normal_matrix::<f32>(300, n_out, 1.0, &mut rng);
            let weight = SparseWeights::new(&matrix, &sparse);
            let mut fast = Matrix::zeros(0, 0);
            sparse.matmul_rows(3, 90, &weight, &mut fast); // AVX-512 where the CPU has it
            let mut portable = Matrix::zeros(0, 0);
            sparse.dense_product(3, 90, &weight, &mut portable);
            let job = SparseProduct {
                sparse: &sparse,
                first_row: 3,
                rows: 90,
                weight: &weight,
                out: portable.as_mut_slice(),
            };
            job.kernel();
            assert_eq!(fast, portable, "{n_out} outputs");
            let mut expected = Matrix::zeros(0, 0);
            matmul(&dense.rows(3, 90).into_owned(), &matrix, &mut expected);
            assert!((fast - expected).abs().max() < 1e-4, "{n_out} outputs");
        }
    }

    #[test]
    fn built_from_a_stream_and_cut_to_its_first_rows() {
        let dense =
            Matrix::<f64>::from_row_slice(3, 3, &[0.0, 1.0, 0.0, 2.0, 0.0, 3.0, 0.0, 0.0, 0.0]);
        let stream =
            SparseRows::from_row_major(3, 3, [0.0, 1.0, 0.0, 2.0, 0.0, 3.0, 0.0, 0.0, 0.0]);
        assert_eq!(stream, SparseRows::from_dense(&dense));
        // Column 0 is non-zero in 1 of 3 rows, column 1 in 1 of 3: both < 40%, so sparse.
        assert_eq!(stream.dense_columns(), [] as [u32; 0]);
        let head = stream.first_rows(2);
        assert_eq!(head.nrows(), 2);
        assert_eq!(head.density(), 3.0 / 6.0);
        // The head keeps its parent's split (here: none), whatever its own densities.
        assert_eq!(head.dense_columns(), stream.dense_columns());
        let weight = Matrix::from_fn(3, 2, |k, j| (k * 2 + j) as f64 + 0.5);
        let mut out = Matrix::zeros(0, 0);
        head.matmul_rows(0, 2, &SparseWeights::new(&weight, &head), &mut out);
        assert_eq!(out, dense.rows(0, 2) * &weight);
        assert_eq!(stream.first_rows(10), stream);
    }

    #[test]
    fn built_from_compressed_rows() {
        let dense = Matrix::<f32>::from_row_slice(2, 4, &[0.0, 1.0, 0.0, 2.0, 3.0, 0.0, 0.0, 0.0]);
        let csr = SparseRows::from_csr(4, vec![0, 2, 3], vec![1, 3, 0], vec![1.0, 2.0, 3.0]);
        assert_eq!(csr, SparseRows::from_dense(&dense));
        let bad: [(Vec<usize>, Vec<u32>, Vec<f32>); 4] = [
            (vec![0, 2, 3], vec![3, 1, 0], vec![1.0, 2.0, 3.0]), // not ascending
            (vec![0, 2, 3], vec![1, 4, 0], vec![1.0, 2.0, 3.0]), // column out of range
            (vec![0, 2, 4], vec![1, 3, 0], vec![1.0, 2.0, 3.0]), // rows past the values
            (vec![0, 2, 3], vec![1, 3], vec![1.0, 2.0, 3.0]),    // lengths differ
        ];
        for (row_starts, columns, values) in bad {
            let built = std::panic::catch_unwind(|| {
                SparseRows::from_csr(4, row_starts.clone(), columns.clone(), values.clone())
            });
            assert!(built.is_err(), "{row_starts:?} {columns:?}");
        }
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
            &SparseWeights::new(&Matrix::from_element(4, 2, 1.0), &sparse),
            &mut out,
        );
        assert_eq!(out, Matrix::zeros(3, 2));
    }
}
