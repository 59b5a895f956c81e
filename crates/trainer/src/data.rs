//! A data set as the trainer takes it: a matrix of samples and their class labels.

use crate::TrainError;
use scratchnet_tensor::{Float, Samples};

/// Samples (one per row: dense, sparse or bytes) and their class indices; checked to agree on
/// construction. Batches are gathered from any of the three; byte-stored samples
/// ([`ByteRows`](scratchnet_tensor::ByteRows)) keep a large training set compact.
#[derive(Debug)]
pub struct LabeledData<'a, T: Float> {
    /// One sample per row.
    pub x: Samples<'a, T>,
    /// The class index of each row.
    pub labels: &'a [usize],
}

impl<T: Float> Clone for LabeledData<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Float> Copy for LabeledData<'_, T> {}

impl<'a, T: Float> LabeledData<'a, T> {
    /// Pairs samples with labels; an error if the counts differ.
    pub fn new(x: impl Into<Samples<'a, T>>, labels: &'a [usize]) -> Result<Self, TrainError> {
        let x = x.into();
        if x.nrows() != labels.len() {
            return Err(TrainError::InvalidData(format!(
                "{} samples but {} labels",
                x.nrows(),
                labels.len()
            )));
        }
        Ok(Self { x, labels })
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}
