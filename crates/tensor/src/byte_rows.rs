//! Samples kept as the bytes a data set stores them in (MNIST: one `u8` per pixel), decoded to
//! floats only when a batch or an inference chunk needs them: the 60,000 MNIST training images
//! take 47 MB instead of 188 MB, and each sample's features stay contiguous.

use crate::sparse::ColumnSplit;
use crate::{Float, Matrix, resize_for};

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
    /// Which columns an inference chunk stores dense (see [`crate::SparseRows`]).
    split: ColumnSplit,
}

/// Samples gathered together: 16 rows' bytes are read side by side, so each feature's 16 values
/// are written to the column-major batch as one contiguous run.
const GATHER_BLOCK: usize = 16;

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
        let mut counts = vec![0_usize; ncols];
        for row in bytes.chunks_exact(ncols) {
            for (count, &byte) in counts.iter_mut().zip(row) {
                *count += usize::from(byte != 0);
            }
        }
        Self {
            bytes,
            ncols,
            table,
            split: ColumnSplit::from_counts(&counts, bytes.len() / ncols),
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
            split: self.split.clone(),
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

    /// `out = self[indices, :]` decoded: the book's `x_train[batch_mask]`, into a reused
    /// column-major buffer.
    ///
    /// # Panics
    /// If an index is not a row.
    pub fn gather_rows(&self, indices: &[usize], out: &mut Matrix<T>) {
        let batch = indices.len();
        resize_for(out, batch, self.ncols);
        let out = out.as_mut_slice();
        for (block, block_indices) in indices.chunks(GATHER_BLOCK).enumerate() {
            let mut rows: [&[u8]; GATHER_BLOCK] = [&[]; GATHER_BLOCK];
            for (row, &index) in rows.iter_mut().zip(block_indices) {
                *row = self.row(index);
            }
            let rows = &rows[..block_indices.len()];
            let first = block * GATHER_BLOCK;
            for (column, target) in out.chunks_exact_mut(batch).enumerate() {
                for (value, row) in target[first..first + rows.len()].iter_mut().zip(rows) {
                    *value = self.table[usize::from(row[column])];
                }
            }
        }
    }
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
