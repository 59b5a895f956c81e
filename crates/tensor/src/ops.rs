//! Row-wise operations of the book's chapter 3–5: bias broadcast, softmax, cross-entropy,
//! argmax and accuracy. Rows are samples.

use crate::{Float, Matrix};

/// Makes `out` a `rows × cols` matrix, allocating only when the shape changes.
///
/// Layers call this on their cached buffers so that steady-state steps allocate nothing.
pub fn resize_for<T: Float>(out: &mut Matrix<T>, rows: usize, cols: usize) {
    if out.shape() != (rows, cols) {
        *out = Matrix::zeros(rows, cols);
    }
}

/// `m[i, j] += row[0, j]` for every sample `i`: NumPy's broadcast of a bias `b` over a batch.
pub fn add_row_broadcast<T: Float>(m: &mut Matrix<T>, row: &Matrix<T>) {
    assert_eq!(row.shape(), (1, m.ncols()), "bias must be 1×{}", m.ncols());
    let rows = m.nrows().max(1);
    // Column-major: each column is one contiguous slice.
    for (column, &bias) in m.as_mut_slice().chunks_exact_mut(rows).zip(row.as_slice()) {
        for value in column {
            *value += bias;
        }
    }
}

/// `out[0, j] = Σ_i m[i, j]`: the book's `np.sum(dout, axis=0)` (e.g. `db` of Affine). Each
/// sum adds its column's values in row order from zero; 16 columns are summed side by side, so
/// 16 independent additions are in flight instead of one chain.
pub fn column_sums_into<T: Float>(m: &Matrix<T>, out: &mut Matrix<T>) {
    const SIDE_BY_SIDE: usize = 16;
    resize_for(out, 1, m.ncols());
    let rows = m.nrows();
    if rows == 0 {
        out.fill(T::zero());
        return;
    }
    for (sums, columns) in out
        .as_mut_slice()
        .chunks_mut(SIDE_BY_SIDE)
        .zip(m.as_slice().chunks(rows * SIDE_BY_SIDE))
    {
        if let Ok(sums) = <&mut [T; SIDE_BY_SIDE]>::try_from(&mut *sums) {
            // A whole group: a fixed count of accumulators, which stay in registers.
            let columns: [&[T]; SIDE_BY_SIDE] =
                std::array::from_fn(|c| &columns[c * rows..(c + 1) * rows]);
            let mut partial = [T::zero(); SIDE_BY_SIDE];
            for row in 0..rows {
                for (sum, column) in partial.iter_mut().zip(&columns) {
                    *sum += column[row];
                }
            }
            *sums = partial;
        } else {
            for (sum, column) in sums.iter_mut().zip(columns.chunks_exact(rows)) {
                *sum = column.iter().fold(T::zero(), |acc, &value| acc + value);
            }
        }
    }
}

/// Row-wise softmax into `out`, with each row's maximum subtracted first for stability:
/// `y_k = exp(a_k − max a) / Σ_i exp(a_i − max a)`. Each row's maximum and sum run over its
/// columns in order; the matrices are read column by column (their storage order), 64 rows at a
/// time, so the per-row state stays in registers and no buffer is allocated.
pub fn softmax_rows<T: Float>(x: &Matrix<T>, out: &mut Matrix<T>) {
    const ROWS_AT_ONCE: usize = 64;
    let (rows, cols) = x.shape();
    resize_for(out, rows, cols);
    let lowest = T::min_value().unwrap_or(-T::one() / T::zero());
    let (x, out) = (x.as_slice(), out.as_mut_slice());
    for first in (0..rows).step_by(ROWS_AT_ONCE) {
        let count = ROWS_AT_ONCE.min(rows - first);
        let block = |j: usize| first + j * rows..first + j * rows + count;
        let mut max = [lowest; ROWS_AT_ONCE];
        for j in 0..cols {
            for (max, &value) in max.iter_mut().zip(&x[block(j)]) {
                *max = max.max(value);
            }
        }
        let mut sum = [T::zero(); ROWS_AT_ONCE];
        for j in 0..cols {
            let range = block(j);
            for ((e, &value), (sum, &max)) in out[range.clone()]
                .iter_mut()
                .zip(&x[range])
                .zip(sum.iter_mut().zip(&max))
            {
                *e = (value - max).exp();
                *sum += *e;
            }
        }
        for j in 0..cols {
            for (e, &sum) in out[block(j)].iter_mut().zip(&sum) {
                *e /= sum;
            }
        }
    }
}

/// The book's `1e-7` inside the logarithm, so `log 0` never happens.
const LOG_GUARD: f64 = 1e-7;

/// Mean cross-entropy of probabilities `y` against class indices: `−Σ log(y[i, t_i] + 1e−7) / N`.
///
/// # Panics
/// If `labels.len()` differs from the number of rows or a label is not a column of `y`.
pub fn cross_entropy<T: Float>(y: &Matrix<T>, labels: &[usize]) -> T {
    assert_eq!(labels.len(), y.nrows(), "one label per row");
    let guard = T::cast(LOG_GUARD);
    let total = labels
        .iter()
        .enumerate()
        .fold(T::zero(), |acc, (i, &label)| {
            acc + (y[(i, label)] + guard).ln()
        });
    -total / T::cast(y.nrows().max(1) as f64)
}

/// Cross-entropy against one-hot targets `t` (same shape as `y`): `−Σ t·log(y + 1e−7) / N`.
pub fn cross_entropy_one_hot<T: Float>(y: &Matrix<T>, t: &Matrix<T>) -> T {
    assert_eq!(
        y.shape(),
        t.shape(),
        "one-hot targets must match the predictions' shape"
    );
    let guard = T::cast(LOG_GUARD);
    let total = y
        .iter()
        .zip(t.iter())
        .fold(T::zero(), |acc, (&p, &target)| {
            acc + target * (p + guard).ln()
        });
    -total / T::cast(y.nrows().max(1) as f64)
}

/// The class index of each one-hot row (its argmax), the book's `t.argmax(axis=1)`.
pub fn labels_from_one_hot<T: Float>(t: &Matrix<T>) -> Vec<usize> {
    argmax_rows(t)
}

/// Index of the largest element of each row (the first one on ties, like NumPy).
pub fn argmax_rows<T: Float>(x: &Matrix<T>) -> Vec<usize> {
    (0..x.nrows())
        .map(|i| {
            let row = x.row(i);
            let mut best = 0;
            for j in 1..row.len() {
                if row[j] > row[best] {
                    best = j;
                }
            }
            best
        })
        .collect()
}

/// Fraction of rows whose argmax equals the label (0 for an empty batch).
pub fn accuracy<T: Float>(scores: &Matrix<T>, labels: &[usize]) -> f64 {
    assert_eq!(labels.len(), scores.nrows(), "one label per row");
    if labels.is_empty() {
        return 0.0;
    }
    let correct = argmax_rows(scores)
        .iter()
        .zip(labels)
        .filter(|(p, t)| p == t)
        .count();
    correct as f64 / labels.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_known_values_and_stability() {
        let x = Matrix::<f64>::from_row_slice(2, 3, &[0.3, 2.9, 4.0, 1000.0, 1000.0, 1000.0]);
        let mut y = Matrix::zeros(0, 0);
        softmax_rows(&x, &mut y);
        // The book's example (ch. 3): softmax([0.3, 2.9, 4.0]).
        let expected = [0.01821127, 0.24519181, 0.73659691];
        for (j, e) in expected.iter().enumerate() {
            assert!((y[(0, j)] - e).abs() < 1e-8);
        }
        // Huge logits overflow without the max subtraction.
        for j in 0..3 {
            assert!((y[(1, j)] - 1.0 / 3.0).abs() < 1e-12);
        }
    }

    #[test]
    fn softmax_rows_are_the_row_by_row_formula_to_the_bit() {
        // 130 rows: two whole blocks of 64 and a remainder of 2.
        let x: Matrix<f32> =
            crate::random::normal_matrix(130, 7, 3.0, &mut crate::random::seeded(4));
        let mut y = Matrix::from_element(1, 1, f32::NAN);
        softmax_rows(&x, &mut y);
        for i in 0..130 {
            let row: Vec<f32> = (0..7).map(|j| x[(i, j)]).collect();
            let max = row.iter().copied().fold(f32::MIN, f32::max);
            let exps: Vec<f32> = row.iter().map(|&v| (v - max).exp()).collect();
            let sum = exps.iter().fold(0.0_f32, |sum, &e| sum + e);
            for j in 0..7 {
                assert_eq!(y[(i, j)].to_bits(), (exps[j] / sum).to_bits(), "({i}, {j})");
            }
        }
    }

    #[test]
    fn cross_entropy_known_values() {
        // The book's example (ch. 4): t = 2, y[2] = 0.6 → 0.510825457099338.
        let y = Matrix::<f64>::from_row_slice(
            1,
            10,
            &[0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0],
        );
        assert!((cross_entropy(&y, &[2]) - 0.510825457099338).abs() < 1e-9);
        let mut one_hot = Matrix::zeros(1, 10);
        one_hot[(0, 2)] = 1.0;
        assert!((cross_entropy_one_hot(&y, &one_hot) - 0.510825457099338).abs() < 1e-9);
        assert_eq!(labels_from_one_hot(&one_hot), vec![2]);
        // y[7] = 0.1 → 2.302584092994546.
        assert!((cross_entropy(&y, &[7]) - 2.302584092994546).abs() < 1e-9);
    }

    #[test]
    fn bias_and_column_sums() {
        let mut m = Matrix::<f64>::from_row_slice(2, 2, &[1.0, 2.0, 3.0, 4.0]);
        add_row_broadcast(&mut m, &Matrix::from_row_slice(1, 2, &[10.0, 20.0]));
        assert_eq!(m, Matrix::from_row_slice(2, 2, &[11.0, 22.0, 13.0, 24.0]));
        let mut sums = Matrix::zeros(0, 0);
        column_sums_into(&m, &mut sums);
        assert_eq!(sums, Matrix::from_row_slice(1, 2, &[24.0, 46.0]));
    }

    #[test]
    fn column_sums_add_each_column_in_row_order() {
        // 37 columns: two whole groups of 16 summed side by side and 5 summed one by one; the
        // values make the order visible in f32 (1e8 + 1 − 1e8 is 0 in row order, 1 otherwise).
        let (rows, cols) = (7, 37);
        let m = Matrix::<f32>::from_fn(rows, cols, |i, j| match i {
            0 => 1e8,
            1 => 1.0 + j as f32,
            2 => -1e8,
            _ => (i * j) as f32 * 0.25,
        });
        let mut sums = Matrix::from_element(1, 3, f32::NAN);
        column_sums_into(&m, &mut sums);
        let in_row_order: Vec<f32> = (0..cols)
            .map(|j| (0..rows).fold(0.0_f32, |sum, i| sum + m[(i, j)]))
            .collect();
        assert_eq!(sums.as_slice(), in_row_order.as_slice());
        assert_eq!(sums[(0, 0)], 0.0);
        column_sums_into(&Matrix::<f32>::zeros(0, 20), &mut sums);
        assert_eq!(sums, Matrix::zeros(1, 20));
    }

    #[test]
    fn argmax_and_accuracy() {
        let scores =
            Matrix::<f32>::from_row_slice(3, 3, &[0.1, 0.8, 0.1, 0.5, 0.5, 0.0, 0.0, 0.2, 0.9]);
        assert_eq!(argmax_rows(&scores), vec![1, 0, 2]);
        assert!((accuracy(&scores, &[1, 0, 0]) - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(accuracy(&Matrix::<f32>::zeros(0, 3), &[]), 0.0);
    }

    #[test]
    #[should_panic(expected = "one label per row")]
    fn label_count_is_checked() {
        accuracy(&Matrix::<f32>::zeros(2, 3), &[0]);
    }
}
