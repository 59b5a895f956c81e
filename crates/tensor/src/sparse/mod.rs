//! Samples stored sparsely. MNIST pixels are ≈81% zero, so the first layer of an evaluation —
//! most of its multiply-adds — only needs the non-zero pixels. The pixels near the centre are
//! non-zero too often for that to pay, so those columns are kept dense and multiplied by `gemm`;
//! only the rest are stored row by row (CSR) and multiplied entry by entry.

mod index;
mod kernel;
mod split;
mod transpose;
mod weights;

pub(crate) use index::SparseIndex;
pub use split::ColumnSplit;
pub use transpose::TransposeBuffers;
pub use weights::SparseWeights;

use crate::byte_rows::{GATHER_BLOCK, block_of};
use crate::{ByteRows, Float, Matrix, resize_for};
use kernel::SparseProduct;
use split::Slot;

/// Columns non-zero in at least this fraction of rows are stored dense. Per multiply-add the
/// sparse kernel is about 2.5 times slower than `gemm`, so a column pays to be dense from about
/// 40% non-zero on (MNIST's test set: 198 of the 784 pixels, holding 70% of the non-zero
/// entries). Measured on the seed experiment: 0.3–0.45 are equally fast, 0.5 is 2% slower and
/// 0.6 12% slower.
pub const DENSE_COLUMN_DENSITY: f64 = 0.4;

/// A matrix with mostly zero entries: the columns that are non-zero in at least
/// [`DENSE_COLUMN_DENSITY`] of the rows as a dense matrix, the non-zero entries of the others
/// row by row (compressed sparse rows).
#[derive(Clone, Debug, PartialEq)]
pub struct SparseRows<T: Float> {
    /// Which columns are dense.
    split: ColumnSplit,
    /// The dense columns' values (`nrows × split.dense_columns().len()`).
    dense: Matrix<T>,
    /// `row_starts[i]..row_starts[i + 1]` indexes row `i`'s entries in the other columns.
    row_starts: Vec<usize>,
    /// Each entry's position among the sparse columns (ascending within a row), so the sparse
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
        let split = ColumnSplit::from_counts(&column_counts, nrows);
        let sparse_entries = split
            .sparse_columns()
            .iter()
            .map(|&j| column_counts[j as usize])
            .sum();
        let mut sparse = Self {
            dense: Matrix::zeros(nrows, split.dense_columns().len()),
            split,
            row_starts: Vec::with_capacity(nrows + 1),
            columns: Vec::with_capacity(sparse_entries),
            values: Vec::with_capacity(sparse_entries),
        };
        sparse.row_starts.push(0);
        for row in 0..nrows {
            let range = row_starts[row]..row_starts[row + 1];
            for (&column, &value) in columns[range.clone()].iter().zip(&entries[range]) {
                sparse.put(row, column as usize, value);
            }
            sparse.row_starts.push(sparse.values.len());
        }
        sparse
    }

    /// An empty matrix (no rows) with `bytes`' column split, to be filled by
    /// [`Self::decode_rows`].
    pub fn empty_like(bytes: &ByteRows<'_, T>) -> Self {
        Self {
            split: bytes.split().clone(),
            dense: Matrix::zeros(0, bytes.split().dense_columns().len()),
            row_starts: vec![0],
            columns: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Becomes rows `first_row..first_row + rows` of `bytes`, decoded, with `bytes`' column
    /// split, reusing this matrix's buffers: one chunk of a large byte-stored set at a time,
    /// without a sparse copy of the whole set.
    ///
    /// # Panics
    /// If the rows exceed `bytes`.
    pub fn decode_rows(&mut self, bytes: &ByteRows<'_, T>, first_row: usize, rows: usize) {
        assert!(
            first_row + rows <= bytes.nrows(),
            "SparseRows::decode_rows: rows out of range"
        );
        self.decode(bytes, rows, |row| first_row + row);
    }

    /// Becomes the rows `indices` of `bytes`, decoded, with `bytes`' column split, reusing
    /// this matrix's buffers: the book's `x_train[batch_mask]` for a training step whose first
    /// layer reads sparse rows (allocation-free once the buffers have grown).
    ///
    /// # Panics
    /// If an index is not a row of `bytes`.
    pub fn gather_rows(&mut self, bytes: &ByteRows<'_, T>, indices: &[usize]) {
        // Random rows of a large set come from memory: ask for all of them at once, so their
        // misses overlap instead of arriving one row after another.
        bytes.prefetch_indexed_rows(indices);
        self.decode(bytes, indices.len(), |row| indices[row]);
    }

    /// Becomes the `rows` rows `source(0)`, `source(1)`, … of `bytes`, decoded.
    fn decode(&mut self, bytes: &ByteRows<'_, T>, rows: usize, source: impl Fn(usize) -> usize) {
        if self.split != *bytes.split() {
            *self = Self::empty_like(bytes);
        }
        resize_for(&mut self.dense, rows, self.split.dense_columns().len());
        let Self {
            split,
            dense,
            row_starts,
            columns,
            values,
        } = self;
        // The dense columns, 16 rows at a time, straight into their column-major slots: from
        // the index's packed copy of them when there is one, else from the whole rows.
        let dense = dense.as_mut_slice();
        let index = bytes.sparse_index();
        let dense_count = split.dense_columns().len();
        for block_start in (0..rows).step_by(GATHER_BLOCK) {
            let count = GATHER_BLOCK.min(rows - block_start);
            let sources = (block_start..block_start + count).map(&source);
            match index {
                Some(index) if dense_count > 0 => {
                    let block = block_of(sources.map(|row| index.dense_row(row)));
                    bytes.decode_columns(&block, count, dense, |position| {
                        (position < dense_count).then(|| position * rows + block_start)
                    });
                }
                Some(_) => {}
                None => {
                    let block = bytes.block(sources);
                    bytes.decode_columns(&block, count, dense, |column| match split.slot(column) {
                        Slot::Dense(index) => Some(index as usize * rows + block_start),
                        Slot::Sparse(_) => None,
                    });
                }
            }
        }
        // The other non-zero bytes, row by row: copied from the set's index, or (when it has
        // none) found eight at a time.
        row_starts.clear();
        row_starts.push(0);
        columns.clear();
        values.clear();
        let table = bytes.table();
        for row in (0..rows).map(&source) {
            match index {
                Some(index) => {
                    let (positions, row_bytes) = index.row(row);
                    columns.extend(positions.iter().map(|&position| u32::from(position)));
                    values.extend(row_bytes.iter().map(|&byte| table[usize::from(byte)]));
                }
                None => for_each_nonzero(bytes.row(row), split, |column, byte| {
                    if let Slot::Sparse(position) = split.slot(column) {
                        columns.push(position);
                        values.push(table[usize::from(byte)]);
                    }
                }),
            }
            row_starts.push(values.len());
        }
    }

    /// Stores entry `(row, column)` of the row being built (columns in ascending order).
    fn put(&mut self, row: usize, column: usize, value: T) {
        match self.split.slot(column) {
            Slot::Dense(index) => self.dense[(row, index as usize)] = value,
            Slot::Sparse(position) => {
                self.columns.push(position);
                self.values.push(value);
            }
        }
    }

    /// The first `rows` rows (all of them if there are fewer), as a new matrix with the same
    /// dense columns.
    pub fn first_rows(&self, rows: usize) -> Self {
        let rows = rows.min(self.nrows());
        let end = self.row_starts[rows];
        let dense = self.dense.rows(0, rows).into_owned();
        Self {
            split: self.split.clone(),
            dense,
            row_starts: self.row_starts[..=rows].to_vec(),
            columns: self.columns[..end].to_vec(),
            values: self.values[..end].to_vec(),
        }
    }

    /// Which columns are stored dense and which entry by entry.
    pub fn split(&self) -> &ColumnSplit {
        &self.split
    }

    /// The columns stored dense (non-zero in at least [`DENSE_COLUMN_DENSITY`] of the rows).
    pub fn dense_columns(&self) -> &[u32] {
        self.split.dense_columns()
    }

    /// Number of rows (samples).
    pub fn nrows(&self) -> usize {
        self.row_starts.len() - 1
    }

    /// Number of columns (features).
    pub fn ncols(&self) -> usize {
        self.split.ncols()
    }

    /// Fraction of entries that are non-zero (counted on each call).
    pub fn density(&self) -> f64 {
        let total = self.nrows() * self.ncols();
        if total == 0 {
            return 0.0;
        }
        let nonzero = |values: &[T]| values.iter().filter(|&&value| value != T::zero()).count();
        (nonzero(self.dense.as_slice()) + nonzero(&self.values)) as f64 / total as f64
    }

    /// Row `row` written into `out` (a dense row of `ncols` values).
    pub(crate) fn write_row(&self, row: usize, out: &mut [T]) {
        out.fill(T::zero());
        for (index, &column) in self.split.dense_columns().iter().enumerate() {
            out[column as usize] = self.dense[(row, index)];
        }
        let (positions, values) = self.row(row);
        for (&position, &value) in positions.iter().zip(values) {
            out[self.split.sparse_columns()[position as usize] as usize] = value;
        }
    }

    /// `out = self[first_row..first_row + rows, :]·W`: a `gemm` product for the dense columns,
    /// to which the sparse kernel adds one multiply-add per other non-zero entry and output.
    ///
    /// # Panics
    /// If the rows exceed the matrix or `W` was laid out for another split
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
            weight.fits(&self.split),
            "SparseRows::matmul_rows: W was laid out for another matrix"
        );
        self.dense_product(first_row, rows, weight, out);
        if rows == 0 || weight.n_out() == 0 {
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

impl<T: Float> SparseRows<T> {
    /// `out` = the dense columns' part of the product (zero if there are none).
    fn dense_product(
        &self,
        first_row: usize,
        rows: usize,
        weight: &SparseWeights<T>,
        out: &mut Matrix<T>,
    ) {
        if self.split.dense_columns().is_empty() {
            resize_for(out, rows, weight.n_out());
            out.fill(T::zero());
        } else {
            crate::matmul_rows(&self.dense, first_row, rows, weight.dense_rows(), out);
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

/// Calls `visit(column, byte)` for each non-zero byte of `row` in a sparse column of `split`,
/// in order, testing eight bytes at a time (most of an image is zero, and most non-zero pixels
/// are in dense columns).
#[inline]
pub(crate) fn for_each_nonzero(row: &[u8], split: &ColumnSplit, mut visit: impl FnMut(usize, u8)) {
    const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = row.chunks_exact(8);
    for (group, word) in (&mut words).enumerate() {
        let word = u64::from_le_bytes(word.try_into().expect("chunks of eight"));
        // The high bit of each byte of `wanted`: that byte of `word` is non-zero and sparse.
        let mut wanted =
            (((word & LOW_SEVEN) + LOW_SEVEN) | word) & HIGH & split.sparse_mask(group);
        while wanted != 0 {
            let offset = wanted.trailing_zeros() as usize / 8;
            visit(group * 8 + offset, (word >> (offset * 8)) as u8);
            wanted &= wanted - 1;
        }
    }
    let tail_start = row.len() - words.remainder().len();
    for (column, &byte) in (tail_start..).zip(words.remainder()) {
        if byte != 0 && matches!(split.slot(column), Slot::Sparse(_)) {
            visit(column, byte);
        }
    }
}

/// Row-major test bytes: entry `(row, column)` is a non-zero byte drawn from seeded noise `v` in
/// [0, 1) where `kept(column, v)`, zero elsewhere.
#[cfg(test)]
pub(crate) fn noisy_bytes(
    rows: usize,
    cols: usize,
    seed: u64,
    kept: impl Fn(usize, f64) -> bool,
) -> Vec<u8> {
    let noise: Matrix<f64> =
        crate::random::uniform_matrix(rows, cols, &mut crate::random::seeded(seed));
    (0..rows * cols)
        .map(|i| {
            let (row, column) = (i / cols, i % cols);
            let v = noise[(row, column)];
            if kept(column, v) {
                (v * 255.0) as u8 | 1
            } else {
                0
            }
        })
        .collect()
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
        sparse.matmul_rows(
            5,
            20,
            &SparseWeights::new(&weight, sparse.split()),
            &mut out,
        );
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
            sparse.matmul_rows(0, 9, &SparseWeights::new(&weight, sparse.split()), &mut out);
            assert!((out - expected).abs().max() < 1e-4, "{n_out} outputs");
        }
    }

    #[test]
    fn weights_laid_out_again_multiply_like_new_ones() {
        // 40 columns: two whole 16-column squares (laid out by the vector code) and a tail.
        let mut rng = random::seeded(3);
        let dense = mixed_matrix(12, 40, &mut rng);
        let sparse = SparseRows::from_dense(&dense);
        let first: Matrix<f32> = random::normal_matrix(40, 50, 1.0, &mut rng);
        let mut laid_out = SparseWeights::new(&first, sparse.split());
        for n_out in [50, 17] {
            let weight: Matrix<f32> = random::normal_matrix(40, n_out, 1.0, &mut rng);
            laid_out.refill(&weight);
            let mut expected = Matrix::zeros(0, 0);
            matmul(&dense, &weight, &mut expected);
            let mut out = Matrix::zeros(0, 0);
            sparse.matmul_rows(0, 12, &laid_out, &mut out);
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
    fn decoded_chunks_of_byte_rows_multiply_like_their_dense_rows() {
        let mut rng = random::seeded(6);
        // Row-major bytes, 70% zero but column 0 always set (so it is dense).
        let bytes = noisy_bytes(50, 40, 6, |column, v| column == 0 || v > 0.7);
        let rows = ByteRows::new(&bytes, 40, ByteRows::<f32>::unit_scale_table());
        assert!(rows.split().dense_columns().contains(&0));
        let dense = Matrix::from_fn(50, 40, |i, j| rows.table()[usize::from(bytes[i * 40 + j])]);
        let weight = random::normal_matrix::<f32>(40, 20, 1.0, &mut rng);
        let layout = SparseWeights::new(&weight, rows.split());
        let mut chunk = SparseRows::empty_like(&rows);
        let (mut out, mut expected) = (Matrix::zeros(0, 0), Matrix::zeros(0, 0));
        for (first, count) in [(0, 16), (16, 30), (46, 4), (0, 0)] {
            chunk.decode_rows(&rows, first, count);
            assert_eq!((chunk.nrows(), chunk.ncols()), (count, 40));
            let nonzeros = dense
                .rows(first, count)
                .iter()
                .filter(|&&v| v != 0.0)
                .count();
            assert_eq!(chunk.density() * (count * 40) as f64, nonzeros as f64);
            chunk.matmul_rows(0, count, &layout, &mut out);
            matmul(
                &dense.rows(first, count).into_owned(),
                &weight,
                &mut expected,
            );
            assert!((&out - &expected).abs().max() < 1e-4);
        }
    }

    #[test]
    fn every_non_zero_byte_of_a_sparse_column_is_visited_once_in_order() {
        // 47 columns (five words and a tail); columns 4 and 30 dense, the others sparse.
        let mut counts = vec![1; 47];
        counts[4] = 10;
        counts[30] = 10;
        let split = ColumnSplit::from_counts(&counts, 10);
        assert_eq!(split.dense_columns(), [4, 30]);
        let row: Vec<u8> = (0..45_u32)
            .map(|i| {
                if i % 3 == 0 || i > 40 || i == 4 {
                    (i * 7 % 256) as u8 | 1
                } else {
                    0
                }
            })
            .chain([0x80, 0xff])
            .collect();
        let mut seen = Vec::new();
        for_each_nonzero(&row, &split, |column, byte| seen.push((column, byte)));
        let nonzero: Vec<(usize, u8)> = row
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, b)| b != 0)
            .collect();
        let sparse: Vec<(usize, u8)> = nonzero
            .into_iter()
            .filter(|&(column, _)| column != 4 && column != 30)
            .collect();
        assert_eq!(seen, sparse);
        assert!(seen.contains(&(45, 0x80)) && seen.contains(&(46, 0xff)));
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
        let weight = SparseWeights::new(
            &random::normal_matrix(100, 10, 1.0, &mut rng),
            other.split(),
        );
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
            let weight = SparseWeights::new(&matrix, sparse.split());
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
        head.matmul_rows(0, 2, &SparseWeights::new(&weight, head.split()), &mut out);
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
            &SparseWeights::new(&Matrix::from_element(4, 2, 1.0), sparse.split()),
            &mut out,
        );
        assert_eq!(out, Matrix::zeros(3, 2));
    }
}
