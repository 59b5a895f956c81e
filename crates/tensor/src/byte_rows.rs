//! Samples kept as the bytes a data set stores them in (MNIST: one `u8` per pixel), decoded to
//! floats only when a batch or an inference chunk needs them: the 60,000 MNIST training images
//! take 47 MB instead of 188 MB, and each sample's features stay contiguous.

use crate::sparse::{ColumnSplit, SparseIndex};
use crate::{Float, Matrix, resize_for};
use std::sync::{Arc, OnceLock};

/// Samples (rows) whose features are bytes, row-major, with the value each byte stands for:
/// `value = table[byte]`. Borrowed from the data set, never copied.
///
/// ```
/// use scratchnet_tensor::{ByteRows, Matrix};
///
/// // Two samples of three pixels, decoded like the book's `load_mnist(normalize=True)`.
/// let pixels = [0, 255, 51, 102, 0, 0];
/// let rows = ByteRows::new(&pixels, 3, ByteRows::<f32>::unit_scale_table());
/// let mut batch = Matrix::zeros(0, 0);
/// rows.gather_rows(&[1, 0, 1], &mut batch);
/// assert_eq!(batch, Matrix::from_row_slice(3, 3, &[0.4, 0.0, 0.0, 0.0, 1.0, 0.2, 0.4, 0.0, 0.0]));
/// ```
#[derive(Clone, Debug)]
pub struct ByteRows<'a, T: Float> {
    bytes: &'a [u8],
    ncols: usize,
    table: [T; 256],
    /// Whether `table` is [`Self::unit_scale_table`]: then vector code divides by 255 instead
    /// of looking values up (the same bits, faster).
    unit_scale: bool,
    /// Which columns an inference chunk stores dense (see [`crate::SparseRows`]).
    split: ColumnSplit,
    /// The sparse entries of every row of `indexed`, found on first use and shared with the
    /// sets cut from this one ([`Self::first_rows`]).
    index: Arc<OnceLock<Option<SparseIndex>>>,
    /// The rows the index covers: all the rows of the set this one was cut from.
    indexed: &'a [u8],
    /// How many entries the index of `indexed` holds (its capacity, so building it never
    /// regrows a buffer).
    sparse_entries: usize,
}

/// Samples decoded together: 16 rows' bytes are read side by side, so each feature's 16 values
/// are written to a column-major matrix as one contiguous run.
pub(crate) const GATHER_BLOCK: usize = 16;

impl<'a, T: Float> ByteRows<'a, T> {
    /// `bytes.len() / ncols` samples of `ncols` features each, decoded through `table`.
    ///
    /// # Panics
    /// If `ncols` is 0 or does not divide `bytes.len()`.
    pub fn new(bytes: &'a [u8], ncols: usize, table: [T; 256]) -> Self {
        assert!(
            ncols > 0 && bytes.len().is_multiple_of(ncols),
            "ByteRows: {} bytes are not whole rows of {ncols}",
            bytes.len()
        );
        // Counted in blocks of rows with 32-bit counters, which the compiler vectorises.
        let mut counts = vec![0_usize; ncols];
        let mut block_counts = vec![0_u32; ncols];
        for block in bytes.chunks(ncols * (1 << 20)) {
            block_counts.fill(0);
            for row in block.chunks_exact(ncols) {
                for (count, &byte) in block_counts.iter_mut().zip(row) {
                    *count += u32::from(byte != 0);
                }
            }
            for (count, &block_count) in counts.iter_mut().zip(&block_counts) {
                *count += block_count as usize;
            }
        }
        let split = ColumnSplit::from_counts(&counts, bytes.len() / ncols);
        let sparse_entries = split
            .sparse_columns()
            .iter()
            .map(|&column| counts[column as usize])
            .sum();
        Self {
            bytes,
            ncols,
            unit_scale: table == Self::unit_scale_table(),
            table,
            split,
            index: Arc::default(),
            indexed: bytes,
            sparse_entries,
        }
    }

    /// The book's normalisation of 8-bit pixels: `byte / 255` computed in `f32` (NumPy's
    /// `float32` division), then widened to `T`.
    pub fn unit_scale_table() -> [T; 256] {
        std::array::from_fn(|byte| T::cast(f64::from(byte as f32 / 255.0_f32)))
    }

    /// The first `rows` samples (all of them if there are fewer), keeping this set's column
    /// split.
    pub fn first_rows(&self, rows: usize) -> Self {
        let rows = rows.min(self.nrows());
        Self {
            bytes: &self.bytes[..rows * self.ncols],
            ncols: self.ncols,
            table: self.table,
            unit_scale: self.unit_scale,
            split: self.split.clone(),
            index: Arc::clone(&self.index),
            indexed: self.indexed,
            sparse_entries: self.sparse_entries,
        }
    }

    /// Number of samples.
    pub fn nrows(&self) -> usize {
        self.bytes.len() / self.ncols
    }

    /// Features per sample.
    pub fn ncols(&self) -> usize {
        self.ncols
    }

    /// The bytes of sample `row`.
    ///
    /// # Panics
    /// If `row >= self.nrows()`.
    pub fn row(&self, row: usize) -> &'a [u8] {
        &self.bytes[row * self.ncols..(row + 1) * self.ncols]
    }

    /// The value of each byte.
    pub fn table(&self) -> &[T; 256] {
        &self.table
    }

    /// Which columns [`SparseRows::decode_rows`](crate::SparseRows::decode_rows) stores dense.
    pub fn split(&self) -> &ColumnSplit {
        &self.split
    }

    /// Each row's entries outside the dense columns and its packed dense bytes, built on first
    /// use (one pass over the bytes); `None` if they do not fit the index's compact form.
    pub(crate) fn sparse_index(&self) -> Option<&SparseIndex> {
        self.index
            .get_or_init(|| {
                SparseIndex::build(
                    self.indexed.chunks_exact(self.ncols),
                    &self.split,
                    self.sparse_entries,
                )
            })
            .as_ref()
    }

    /// `out = self[indices, :]` decoded: the book's `x_train[batch_mask]`, into a reused
    /// column-major buffer.
    ///
    /// # Panics
    /// If an index is not a row.
    pub fn gather_rows(&self, indices: &[usize], out: &mut Matrix<T>) {
        let batch = indices.len();
        resize_for(out, batch, self.ncols);
        // Random rows of a large set come from memory: ask for all of them at once, so their
        // misses overlap instead of arriving one block after another.
        self.prefetch_rows(indices);
        for (block, block_indices) in indices.chunks(GATHER_BLOCK).enumerate() {
            let first = block * GATHER_BLOCK;
            let rows = self.block(block_indices.iter().copied());
            self.decode_columns(&rows, block_indices.len(), out.as_mut_slice(), |column| {
                Some(column * batch + first)
            });
        }
    }

    /// Asks the CPU to start bringing rows `indices` into its caches (a hint).
    ///
    /// # Panics
    /// If an index is not a row.
    pub fn prefetch_rows(&self, indices: &[usize]) {
        for &row in indices {
            prefetch(self.row(row));
        }
    }

    /// [`Self::prefetch_rows`] for a sparse gather: what it reads of each row, the packed
    /// dense bytes and the entries in the sparse index when there is one.
    pub(crate) fn prefetch_indexed_rows(&self, indices: &[usize]) {
        let Some(index) = self.sparse_index() else {
            return self.prefetch_rows(indices);
        };
        for &row in indices {
            let (positions, bytes) = index.row(row);
            prefetch(index.dense_row(row));
            prefetch(as_bytes(positions));
            prefetch(bytes);
        }
    }

    /// The rows `indices` (at most [`GATHER_BLOCK`]), padded with the first to a full block.
    pub(crate) fn block(&self, indices: impl Iterator<Item = usize>) -> [&'a [u8]; GATHER_BLOCK] {
        block_of(indices.map(|index| self.row(index)))
    }

    /// Decodes the first `count` of `rows` (a block from [`Self::block`], or of any rows of one
    /// width decoded through this set's table) column by column: column `j`'s `count` values
    /// are written to `out[at(j)..at(j) + count]`, or skipped if `at(j)` is `None`. With
    /// AVX-512 and `f32`, 16 × 16 squares are decoded and transposed in registers (checked at
    /// run time); the values are the same either way.
    ///
    /// # Panics
    /// If a column's values do not fit in `out`.
    pub(crate) fn decode_columns(
        &self,
        rows: &[&[u8]; GATHER_BLOCK],
        count: usize,
        out: &mut [T],
        at: impl Fn(usize) -> Option<usize>,
    ) {
        let mut done = 0;
        #[cfg(target_arch = "x86_64")]
        if crate::avx512::f32_with_avx512::<T>() && count > 0 {
            // SAFETY: the CPU has AVX-512F and T is f32 (both checked just above).
            done = unsafe { self.decode_squares_avx512(rows, count, out, &at) };
        }
        for column in done..rows[0].len() {
            let Some(start) = at(column) else { continue };
            for (value, row) in out[start..start + count].iter_mut().zip(rows) {
                *value = self.table[usize::from(row[column])];
            }
        }
    }

    /// The whole 16-column squares of [`Self::decode_columns`]; returns the columns done.
    ///
    /// # Safety
    /// The CPU must support AVX-512F and `T` must be `f32`.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn decode_squares_avx512(
        &self,
        rows: &[&[u8]; GATHER_BLOCK],
        count: usize,
        out: &mut [T],
        at: &impl Fn(usize) -> Option<usize>,
    ) -> usize {
        use crate::avx512::{LANES, decode_square, store_rows};
        // SAFETY: T is f32 (the caller's guarantee), so the table is 256 f32.
        let table: &[f32; 256] = unsafe { &*self.table.as_ptr().cast() };
        let squares = rows[0].len() / LANES * LANES;
        for first_column in (0..squares).step_by(LANES) {
            if (first_column..first_column + LANES).all(|column| at(column).is_none()) {
                continue; // nothing wanted here (a sparse chunk's dense part skips most squares)
            }
            // SAFETY: every row has as many bytes as the first, ≥ first_column + 16; the CPU
            // has AVX-512F.
            let columns = unsafe { decode_square(rows, first_column, table, self.unit_scale) };
            for (offset, column) in columns.into_iter().enumerate() {
                let Some(start) = at(first_column + offset) else {
                    continue;
                };
                assert!(
                    start + count <= out.len(),
                    "ByteRows: a column does not fit"
                );
                // SAFETY: `count` values from `start` are inside `out` (checked), T is f32.
                unsafe { store_rows(out.as_mut_ptr().add(start).cast(), count, column) };
            }
        }
        squares
    }
}

/// Up to [`GATHER_BLOCK`] rows of bytes (at least one), padded with the first to a full block
/// for [`ByteRows::decode_columns`].
pub(crate) fn block_of<'r>(rows: impl Iterator<Item = &'r [u8]>) -> [&'r [u8]; GATHER_BLOCK] {
    let mut block: [&[u8]; GATHER_BLOCK] = [&[]; GATHER_BLOCK];
    let mut count = 0;
    for (slot, row) in block.iter_mut().zip(rows) {
        *slot = row;
        count += 1;
    }
    let first = block[0];
    block[count..].fill(first);
    block
}

/// The bytes of `values`, for [`prefetch`].
fn as_bytes(values: &[u16]) -> &[u8] {
    // SAFETY: any u16 is two initialised bytes.
    unsafe { std::slice::from_raw_parts(values.as_ptr().cast(), values.len() * 2) }
}

/// Asks the CPU to bring `bytes` into its caches (a hint; nothing on other architectures).
#[inline]
fn prefetch(bytes: &[u8]) {
    #[cfg(target_arch = "x86_64")]
    for line in bytes.chunks(64) {
        // SAFETY: a prefetch hint cannot fault; the address is inside `bytes`.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                line.as_ptr().cast(),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = bytes;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixels() -> Vec<u8> {
        // 40 rows of 5 columns: column 0 always set, column 4 never, the rest sometimes.
        (0..40 * 5)
            .map(|i| {
                let (row, column) = (i / 5, i % 5);
                match column {
                    0 => 1 + row as u8,
                    4 => 0,
                    _ => u8::from(row % (column + 1) == 0) * 200,
                }
            })
            .collect()
    }

    #[test]
    fn a_gathered_batch_is_the_decoded_rows() {
        let bytes = pixels();
        let rows = ByteRows::new(&bytes, 5, ByteRows::<f64>::unit_scale_table());
        assert_eq!((rows.nrows(), rows.ncols()), (40, 5));
        // More than one block of 16, with repeats and a partial last block.
        let indices: Vec<usize> = (0..37).map(|i| (i * 7) % 40).collect();
        let mut batch = Matrix::zeros(0, 0);
        rows.gather_rows(&indices, &mut batch);
        assert_eq!(batch.shape(), (37, 5));
        for (i, &index) in indices.iter().enumerate() {
            for j in 0..5 {
                let expected = f64::from(bytes[index * 5 + j] as f32 / 255.0);
                assert_eq!(batch[(i, j)], expected, "({i}, {j})");
            }
        }
        rows.gather_rows(&[], &mut batch);
        assert_eq!(batch.shape(), (0, 5));
    }

    #[test]
    fn f32_batches_take_the_vector_path_and_give_the_same_values() {
        // 50 columns: three whole 16-column squares and a tail; 37 rows: two blocks of 16 and
        // a partial one.
        let bytes: Vec<u8> = (0..40 * 50_u32).map(|i| (i * 37 % 256) as u8).collect();
        let rows = ByteRows::new(&bytes, 50, ByteRows::<f32>::unit_scale_table());
        let indices: Vec<usize> = (0..37).map(|i| (i * 11) % 40).collect();
        let mut batch = Matrix::from_element(3, 3, f32::NAN);
        rows.gather_rows(&indices, &mut batch);
        let expected =
            Matrix::from_fn(37, 50, |i, j| f32::from(bytes[indices[i] * 50 + j]) / 255.0);
        assert_eq!(batch, expected);
    }

    #[test]
    fn any_table_decodes_alike_on_every_path() {
        let table: [f32; 256] = std::array::from_fn(|byte| byte as f32 * -0.5 + 3.0);
        let bytes: Vec<u8> = (0..20 * 33_u32).map(|i| (i * 101 % 256) as u8).collect();
        let rows = ByteRows::new(&bytes, 33, table);
        assert!(!rows.unit_scale);
        let indices: Vec<usize> = (0..19).rev().collect();
        let mut batch = Matrix::zeros(0, 0);
        rows.gather_rows(&indices, &mut batch);
        let expected = Matrix::from_fn(19, 33, |i, j| {
            table[usize::from(bytes[indices[i] * 33 + j])]
        });
        assert_eq!(batch, expected);
        let unit = ByteRows::new(&bytes, 33, ByteRows::<f32>::unit_scale_table());
        assert!(unit.unit_scale);
    }

    #[test]
    fn the_table_is_the_books_float32_division() {
        let table = ByteRows::<f64>::unit_scale_table();
        assert_eq!(table[0], 0.0);
        assert_eq!(table[255], 1.0);
        assert_eq!(table[51], f64::from(0.2_f32));
        assert_ne!(table[51], 0.2);
    }

    #[test]
    fn the_split_counts_every_row_and_the_head_keeps_it() {
        let bytes = pixels();
        let rows = ByteRows::new(&bytes, 5, ByteRows::<f32>::unit_scale_table());
        // Column 1 is set in every 2nd row (50%), 2 in every 3rd (34%), 3 in every 4th (25%).
        assert_eq!(rows.split().dense_columns(), [0, 1]);
        let head = rows.first_rows(3);
        assert_eq!(head.nrows(), 3);
        assert_eq!(head.split(), rows.split());
        assert_eq!(rows.first_rows(100).nrows(), 40);
    }

    #[test]
    #[should_panic(expected = "not whole rows")]
    fn partial_rows_are_refused() {
        ByteRows::new(&[1, 2, 3], 2, ByteRows::<f32>::unit_scale_table());
    }
}
