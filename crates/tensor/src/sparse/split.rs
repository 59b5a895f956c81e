//! Which columns of a mostly-zero matrix are stored dense and which sparse.

use super::DENSE_COLUMN_DENSITY;

/// The split of a matrix's columns into those stored dense (non-zero in at least
/// [`DENSE_COLUMN_DENSITY`] of the rows) and the others, stored entry by entry. Weights laid out
/// for one split ([`SparseWeights`](crate::SparseWeights)) multiply every matrix with that split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnSplit {
    /// The dense columns, ascending.
    dense_columns: Vec<u32>,
    /// The other columns, ascending.
    sparse_columns: Vec<u32>,
    /// Where each column goes.
    slots: Vec<Slot>,
    /// For each group of eight columns, the high bit of byte `i` set if column `8g + i` is
    /// sparse: what a scan of eight bytes at a time keeps.
    sparse_masks: Vec<u64>,
}

/// A column's position among the dense or among the sparse columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    Dense(u32),
    Sparse(u32),
}

impl ColumnSplit {
    /// The split for a matrix of `nrows` rows whose column `j` has `nonzero_counts[j]` non-zero
    /// entries.
    ///
    /// # Panics
    /// If there are more than `u32::MAX` columns.
    pub fn from_counts(nonzero_counts: &[usize], nrows: usize) -> Self {
        assert!(
            u32::try_from(nonzero_counts.len()).is_ok(),
            "ColumnSplit: too many columns"
        );
        let (mut dense_columns, mut sparse_columns) = (Vec::new(), Vec::new());
        let slots = (0_u32..)
            .zip(nonzero_counts)
            .map(|(column, &count)| {
                if count > 0 && count as f64 >= DENSE_COLUMN_DENSITY * nrows as f64 {
                    dense_columns.push(column);
                    Slot::Dense(dense_columns.len() as u32 - 1)
                } else {
                    sparse_columns.push(column);
                    Slot::Sparse(sparse_columns.len() as u32 - 1)
                }
            })
            .collect::<Vec<Slot>>();
        let sparse_masks = slots
            .chunks(8)
            .map(|group| {
                group
                    .iter()
                    .enumerate()
                    .fold(0_u64, |mask, (byte, slot)| match slot {
                        Slot::Sparse(_) => mask | 0x80 << (8 * byte),
                        Slot::Dense(_) => mask,
                    })
            })
            .collect();
        Self {
            dense_columns,
            sparse_columns,
            slots,
            sparse_masks,
        }
    }

    /// The number of columns.
    pub fn ncols(&self) -> usize {
        self.slots.len()
    }

    /// The columns stored dense, ascending.
    pub fn dense_columns(&self) -> &[u32] {
        &self.dense_columns
    }

    /// The columns stored entry by entry, ascending.
    pub fn sparse_columns(&self) -> &[u32] {
        &self.sparse_columns
    }

    /// Where column `column` is stored.
    pub(crate) fn slot(&self, column: usize) -> Slot {
        self.slots[column]
    }

    /// Where columns `first..first + 16` are stored, and which of them are dense (bit `e` for
    /// column `first + e`): one square of the vector code.
    ///
    /// # Panics
    /// If the columns exceed the split.
    pub(crate) fn square(&self, first: usize) -> ([Slot; 16], u16) {
        let slots: [Slot; 16] = std::array::from_fn(|e| self.slots[first + e]);
        let dense_lanes = (0..16).fold(0_u16, |mask, e| match slots[e] {
            Slot::Dense(_) => mask | 1 << e,
            Slot::Sparse(_) => mask,
        });
        (slots, dense_lanes)
    }

    /// The sparse columns among columns `8·group..8·group + 8`, as the high bit of each byte.
    pub(crate) fn sparse_mask(&self, group: usize) -> u64 {
        self.sparse_masks[group]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_non_zero_in_forty_percent_of_rows_are_dense() {
        // 10 rows: 4 non-zero is 40% (dense), 3 is not, 0 never is.
        let split = ColumnSplit::from_counts(&[4, 3, 0, 10], 10);
        assert_eq!(split.ncols(), 4);
        assert_eq!(split.dense_columns(), [0, 3]);
        assert_eq!(split.sparse_columns(), [1, 2]);
        assert_eq!(split.slot(3), Slot::Dense(1));
        assert_eq!(split.slot(2), Slot::Sparse(1));
        // No rows: every column is sparse (and empty).
        assert_eq!(
            ColumnSplit::from_counts(&[0, 0], 0).dense_columns(),
            [] as [u32; 0]
        );
    }
}
