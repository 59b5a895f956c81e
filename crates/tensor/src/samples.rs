//! Samples in any of the forms scratchnet stores them: what a network runs on and what a trainer
//! draws its batches from.

use crate::{ByteRows, Float, Matrix, SparseRows, resize_for};

/// Samples, one per row: a dense matrix, the same values stored sparsely, or bytes decoded
/// through a table. `&Matrix`, `&SparseRows` and `&ByteRows` convert into it.
#[derive(Clone, Copy, Debug)]
pub enum Samples<'a, T: Float> {
    /// One sample per row.
    Dense(&'a Matrix<T>),
    /// The non-zero entries of one sample per row.
    Sparse(&'a SparseRows<T>),
    /// One byte per feature, decoded through a table.
    Bytes(&'a ByteRows<'a, T>),
}

impl<T: Float> Samples<'_, T> {
    /// Number of samples.
    pub fn nrows(&self) -> usize {
        match self {
            Self::Dense(x) => x.nrows(),
            Self::Sparse(x) => x.nrows(),
            Self::Bytes(x) => x.nrows(),
        }
    }

    /// Features per sample.
    pub fn ncols(&self) -> usize {
        match self {
            Self::Dense(x) => x.ncols(),
            Self::Sparse(x) => x.ncols(),
            Self::Bytes(x) => x.ncols(),
        }
    }

    /// Asks the CPU to start bringing rows `indices` into its caches, so that a later
    /// [`Self::gather_rows`] of them does not wait for memory (byte-stored rows; a hint that
    /// does nothing for the other forms).
    pub fn prefetch_rows(&self, indices: &[usize]) {
        if let Self::Bytes(x) = self {
            x.prefetch_rows(indices);
        }
    }

    /// `out = self[indices, :]` as a dense batch (the book's `x_train[batch_mask]`), into a
    /// reused buffer.
    ///
    /// # Panics
    /// If an index is not a row.
    pub fn gather_rows(&self, indices: &[usize], out: &mut Matrix<T>) {
        match self {
            Self::Dense(x) => gather_dense(x, indices, out),
            Self::Sparse(x) => gather_sparse(x, indices, out),
            Self::Bytes(x) => x.gather_rows(indices, out),
        }
    }
}

/// Gathers within each column, as plain slices (nalgebra's strided iterators cost three times
/// as much).
fn gather_dense<T: Float>(x: &Matrix<T>, indices: &[usize], out: &mut Matrix<T>) {
    resize_for(out, indices.len(), x.ncols());
    if indices.is_empty() || x.nrows() == 0 {
        assert!(indices.is_empty(), "gather_rows: no rows to gather from");
        return;
    }
    let columns = x.as_slice().chunks_exact(x.nrows());
    for (source, target) in columns.zip(out.as_mut_slice().chunks_exact_mut(indices.len())) {
        for (value, &index) in target.iter_mut().zip(indices) {
            *value = source[index];
        }
    }
}

fn gather_sparse<T: Float>(x: &SparseRows<T>, indices: &[usize], out: &mut Matrix<T>) {
    resize_for(out, indices.len(), x.ncols());
    let mut row = vec![T::zero(); x.ncols()];
    for (i, &index) in indices.iter().enumerate() {
        x.write_row(index, &mut row);
        for (j, &value) in row.iter().enumerate() {
            out[(i, j)] = value;
        }
    }
}

impl<'a, T: Float> From<&'a Matrix<T>> for Samples<'a, T> {
    fn from(x: &'a Matrix<T>) -> Self {
        Self::Dense(x)
    }
}

impl<'a, T: Float> From<&'a SparseRows<T>> for Samples<'a, T> {
    fn from(x: &'a SparseRows<T>) -> Self {
        Self::Sparse(x)
    }
}

impl<'a, T: Float> From<&'a ByteRows<'a, T>> for Samples<'a, T> {
    fn from(x: &'a ByteRows<'a, T>) -> Self {
        Self::Bytes(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_gathers_the_same_batch() {
        let bytes: Vec<u8> = (0..6 * 4)
            .map(|i| if i % 3 == 0 { 0 } else { i as u8 * 9 })
            .collect();
        let byte_rows = ByteRows::new(&bytes, 4, ByteRows::<f32>::unit_scale_table());
        let dense = Matrix::from_fn(6, 4, |i, j| {
            byte_rows.table()[usize::from(bytes[i * 4 + j])]
        });
        let sparse = SparseRows::from_dense(&dense);
        let indices = [5, 0, 5, 2];
        let expected = dense.select_rows(&indices);
        for samples in [
            Samples::from(&dense),
            Samples::from(&sparse),
            Samples::from(&byte_rows),
        ] {
            assert_eq!((samples.nrows(), samples.ncols()), (6, 4));
            let mut batch = Matrix::from_element(1, 1, 9.0);
            samples.gather_rows(&indices, &mut batch);
            assert_eq!(batch, expected, "{samples:?}");
        }
    }

    #[test]
    #[should_panic(expected = "index out of bounds")]
    fn an_index_past_the_rows_panics() {
        let dense = Matrix::<f32>::zeros(3, 2);
        Samples::from(&dense).gather_rows(&[3], &mut Matrix::zeros(0, 0));
    }
}
