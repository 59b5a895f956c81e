//! Where each byte-stored row's sparse entries are, found once: a training batch or an
//! evaluation chunk then copies a row's few entries instead of scanning all of its bytes again
//! (MNIST: ≈45 entries outside the dense columns among 784 bytes, gathered 600 times per epoch),
//! and decodes its dense columns from a packed copy of their bytes (198 of 784: 4 cache lines
//! instead of 13).

use super::{ColumnSplit, Slot, for_each_nonzero};

/// Every row's non-zero bytes in the sparse columns of a split, in column order: the position
/// of the column among the sparse columns, and the byte; and every row's bytes in the dense
/// columns, packed, so decoding them reads a fraction of each row's cache lines.
#[derive(Debug)]
pub(crate) struct SparseIndex {
    /// Row `i`'s entries are `row_starts[i]..row_starts[i + 1]`.
    row_starts: Vec<u32>,
    positions: Vec<u16>,
    bytes: Vec<u8>,
    /// Row `i`'s dense columns' bytes are `dense_bytes[i · dense_stride..][..dense_stride]`,
    /// zero-padded to a multiple of 16 (whole squares for the vector decoder).
    dense_bytes: Vec<u8>,
    dense_stride: usize,
}

impl SparseIndex {
    /// The index of `rows` (each `split.ncols()` bytes, holding `entries` non-zero bytes in
    /// sparse columns), or `None` when positions or entry counts do not fit its compact integers
    /// (more than 65,536 sparse columns, or 4 billion entries): then rows are scanned as they
    /// are needed.
    pub(crate) fn build<'a>(
        rows: impl ExactSizeIterator<Item = &'a [u8]>,
        split: &ColumnSplit,
        entries: usize,
    ) -> Option<Self> {
        if split.sparse_columns().len() > usize::from(u16::MAX) + 1
            || u32::try_from(entries).is_err()
        {
            return None;
        }
        let dense_columns = split.dense_columns();
        let dense_stride = dense_columns.len().div_ceil(16) * 16;
        let mut index = Self {
            row_starts: Vec::with_capacity(rows.len() + 1),
            positions: Vec::with_capacity(entries),
            bytes: Vec::with_capacity(entries),
            dense_bytes: vec![0; rows.len() * dense_stride],
            dense_stride,
        };
        index.row_starts.push(0);
        for (number, row) in rows.enumerate() {
            let packed = &mut index.dense_bytes[number * dense_stride..][..dense_stride];
            for (target, &column) in packed.iter_mut().zip(dense_columns) {
                *target = row[column as usize];
            }
            for_each_nonzero(row, split, |column, byte| {
                if let Slot::Sparse(position) = split.slot(column) {
                    // In range: at most 65,536 sparse columns (checked above).
                    index.positions.push(position as u16);
                    index.bytes.push(byte);
                }
            });
            index
                .row_starts
                .push(u32::try_from(index.bytes.len()).ok()?);
        }
        Some(index)
    }

    /// Row `row`'s bytes in the dense columns, in their order, then zeros to a multiple of 16.
    ///
    /// # Panics
    /// If `row` is not a row of the index.
    pub(crate) fn dense_row(&self, row: usize) -> &[u8] {
        &self.dense_bytes[row * self.dense_stride..(row + 1) * self.dense_stride]
    }

    /// Row `row`'s entries: positions among the sparse columns, and bytes.
    ///
    /// # Panics
    /// If `row` is not a row of the index.
    pub(crate) fn row(&self, row: usize) -> (&[u16], &[u8]) {
        let entries = self.row_starts[row] as usize..self.row_starts[row + 1] as usize;
        (&self.positions[entries.clone()], &self.bytes[entries])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ByteRows, SparseRows, random};

    /// 60 rows of 37 bytes, 75% zero, columns 0 and 9 always set (so they are dense).
    fn bytes() -> Vec<u8> {
        let mut rng = random::seeded(11);
        let noise: crate::Matrix<f64> = random::uniform_matrix(60, 37, &mut rng);
        (0..60 * 37)
            .map(|i| {
                let v = noise[(i / 37, i % 37)];
                if i % 37 == 0 || i % 37 == 9 || v > 0.75 {
                    (v * 255.0) as u8 | 1
                } else {
                    0
                }
            })
            .collect()
    }

    #[test]
    fn each_row_holds_its_sparse_non_zero_bytes_in_column_order() {
        let bytes = bytes();
        let rows = ByteRows::new(&bytes, 37, ByteRows::<f32>::unit_scale_table());
        let split = rows.split();
        assert_eq!(split.dense_columns(), [0, 9]);
        let index = rows.sparse_index().expect("37 columns fit the index");
        for (row, row_bytes) in bytes.chunks_exact(37).enumerate() {
            let mut expected = Vec::new();
            for_each_nonzero(row_bytes, split, |column, byte| {
                if let Slot::Sparse(position) = split.slot(column) {
                    expected.push((position as u16, byte));
                }
            });
            let (positions, found) = index.row(row);
            let found: Vec<(u16, u8)> = positions
                .iter()
                .copied()
                .zip(found.iter().copied())
                .collect();
            assert_eq!(found, expected, "row {row}");
            let mut packed = [0_u8; 16];
            (packed[0], packed[1]) = (row_bytes[0], row_bytes[9]);
            assert_eq!(index.dense_row(row), packed, "row {row}'s dense bytes");
        }
    }

    #[test]
    fn rows_without_dense_columns_are_indexed_and_decoded() {
        // Every column non-zero in a third of the rows: none is dense.
        let bytes: Vec<u8> = (0..30 * 20_u32)
            .map(|i| {
                if (i / 20 + i % 20) % 3 == 0 {
                    7 + (i % 200) as u8
                } else {
                    0
                }
            })
            .collect();
        let rows = ByteRows::new(&bytes, 20, ByteRows::<f32>::unit_scale_table());
        assert!(rows.split().dense_columns().is_empty());
        let index = rows.sparse_index().expect("20 columns fit the index");
        assert_eq!(index.dense_row(29), [] as [u8; 0]);
        let mut batch = SparseRows::empty_like(&rows);
        batch.gather_rows(&rows, &[29, 0, 13]);
        let mut decoded = vec![0.0; 20];
        for (row, &source) in [29, 0, 13].iter().enumerate() {
            batch.write_row(row, &mut decoded);
            let expected: Vec<f32> = bytes[source * 20..(source + 1) * 20]
                .iter()
                .map(|&b| rows.table()[usize::from(b)])
                .collect();
            assert_eq!(decoded, expected, "row {source}");
        }
    }

    #[test]
    fn a_set_cut_from_another_shares_its_index_and_decodes_the_same() {
        let bytes = bytes();
        let all = ByteRows::new(&bytes, 37, ByteRows::<f32>::unit_scale_table());
        let first = all.first_rows(25);
        // Built through the cut set first: it still covers every row of the whole set.
        assert!(first.sparse_index().is_some());
        assert!(std::ptr::eq(
            first.sparse_index().expect("built"),
            all.sparse_index().expect("shared")
        ));
        let (mut from_all, mut from_first) =
            (SparseRows::empty_like(&all), SparseRows::empty_like(&first));
        from_all.gather_rows(&all, &[24, 3, 59, 3]);
        from_first.gather_rows(&first, &[24, 3]);
        let dense = |rows: &SparseRows<f32>| {
            let mut out = vec![0.0; rows.nrows() * 37];
            for (row, target) in out.chunks_exact_mut(37).enumerate() {
                rows.write_row(row, target);
            }
            out
        };
        let expected: Vec<f32> = [24, 3, 59, 3]
            .iter()
            .flat_map(|&row| {
                bytes[row * 37..(row + 1) * 37]
                    .iter()
                    .map(|&b| all.table()[usize::from(b)])
            })
            .collect();
        assert_eq!(dense(&from_all), expected);
        assert_eq!(dense(&from_first), expected[..2 * 37]);
    }
}
