//! Seeded randomness. Every random number in scratchnet comes from an explicit [`Rng`]
//! created from a seed, never from a thread-global generator: the same seed gives the same
//! weights, masks and batches on every run and every machine.

use crate::{Float, Matrix};
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

/// The generator: ChaCha8, portable and reproducible across platforms and crate versions.
pub type Rng = rand_chacha::ChaCha8Rng;

/// A generator from a seed.
pub fn seeded(seed: u64) -> Rng {
    Rng::seed_from_u64(seed)
}

/// What a keyed stream draws: its purpose is part of the stream's key, so the weights, the
/// mini-batches and each layer's masks never share or shift one another's numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Initial weights: the seed's own stream 0, what [`seeded`] draws first.
    Weights = 0,
    /// The trainer's mini-batches.
    Batches = 1,
    /// A dropout layer's masks (index: the layer's number).
    Dropout = 2,
}

/// A generator keyed by (seed, purpose, index): ChaCha's stream selector picks the stream, so
/// it does not depend on what was drawn before or on the network's architecture. Not `Clone`:
/// a stream cannot be handed to two layers by accident.
#[derive(Debug)]
pub struct Stream(Rng);

impl Stream {
    /// The generator, positioned at the stream's start.
    pub fn into_rng(self) -> Rng {
        self.0
    }
}

/// The stream `(purpose, index)` of `key`'s seed, wherever `key` has got to in its own stream:
/// `stream(&seeded(s), …)` gives the same numbers before and after `seeded(s)` drew weights.
pub fn stream(key: &Rng, purpose: Purpose, index: u32) -> Stream {
    let mut rng = Rng::from_seed(key.get_seed());
    rng.set_stream(((purpose as u64) << 32) | u64::from(index));
    Stream(rng)
}

/// An independent generator drawn from `parent` (e.g. one per dropout layer).
pub fn child(parent: &mut Rng) -> Rng {
    Rng::seed_from_u64(parent.random())
}

/// `std · N(0, 1)` entries: the book's `weight_init_std * np.random.randn(rows, cols)`.
pub fn normal_matrix<T: Float>(rows: usize, cols: usize, std: f64, rng: &mut Rng) -> Matrix<T> {
    // Filled row by row, the order NumPy draws in, so a reader can follow the stream.
    let mut m = Matrix::zeros(rows, cols);
    for i in 0..rows {
        for j in 0..cols {
            let z: f64 = StandardNormal.sample(rng);
            m[(i, j)] = T::cast(std * z);
        }
    }
    m
}

/// Uniform `[0, 1)` entries, like `np.random.rand(rows, cols)`.
pub fn uniform_matrix<T: Float>(rows: usize, cols: usize, rng: &mut Rng) -> Matrix<T> {
    let mut m = Matrix::zeros(rows, cols);
    for i in 0..rows {
        for j in 0..cols {
            m[(i, j)] = T::cast(rng.random::<f64>());
        }
    }
    m
}

/// `count` indices drawn uniformly from `0..len` *with replacement*, into `out`
/// (the book's `np.random.choice(train_size, batch_size)`).
///
/// # Panics
/// If `len` is 0 and `count` is not.
pub fn choice_with_replacement(len: usize, count: usize, rng: &mut Rng, out: &mut Vec<usize>) {
    assert!(len > 0 || count == 0, "cannot draw from an empty range");
    out.clear();
    out.extend((0..count).map(|_| rng.random_range(0..len)));
}

/// A uniformly random permutation of `0..len` (Fisher–Yates), like `np.random.permutation`.
pub fn permutation(len: usize, rng: &mut Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    for i in (1..len).rev() {
        let j = rng.random_range(0..=i);
        order.swap(i, j);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers() {
        let a: Matrix<f32> = normal_matrix(3, 4, 0.1, &mut seeded(7));
        let b: Matrix<f32> = normal_matrix(3, 4, 0.1, &mut seeded(7));
        let c: Matrix<f32> = normal_matrix(3, 4, 0.1, &mut seeded(8));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn normal_matrix_has_the_requested_spread() {
        let m: Matrix<f64> = normal_matrix(200, 200, 0.5, &mut seeded(1));
        let n = m.len() as f64;
        let mean = m.sum() / n;
        let std = (m.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((std - 0.5).abs() < 0.01, "std {std}");
    }

    #[test]
    fn choice_stays_in_range_and_repeats() {
        let mut rng = seeded(3);
        let mut out = Vec::new();
        choice_with_replacement(5, 1000, &mut rng, &mut out);
        assert_eq!(out.len(), 1000);
        assert!(out.iter().all(|&i| i < 5));
        for v in 0..5 {
            assert!(out.contains(&v));
        }
    }

    #[test]
    fn permutation_is_a_permutation() {
        let mut p = permutation(100, &mut seeded(4));
        assert_ne!(p, (0..100).collect::<Vec<_>>());
        p.sort_unstable();
        assert_eq!(p, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn keyed_streams_depend_on_the_key_only() {
        let fresh = seeded(9);
        let mut used = seeded(9);
        let _: Matrix<f64> = normal_matrix(30, 30, 1.0, &mut used);
        let draw = |key: &Rng, purpose, index| -> Matrix<f64> {
            uniform_matrix(2, 3, &mut stream(key, purpose, index).into_rng())
        };
        assert_eq!(
            draw(&fresh, Purpose::Dropout, 3),
            draw(&used, Purpose::Dropout, 3)
        );
        assert_ne!(
            draw(&fresh, Purpose::Dropout, 3),
            draw(&fresh, Purpose::Dropout, 4)
        );
        assert_ne!(
            draw(&fresh, Purpose::Dropout, 1),
            draw(&fresh, Purpose::Batches, 1)
        );
        assert_ne!(
            draw(&fresh, Purpose::Batches, 0),
            draw(&seeded(10), Purpose::Batches, 0)
        );
        let first: Matrix<f64> = uniform_matrix(2, 3, &mut seeded(9));
        assert_eq!(
            draw(&fresh, Purpose::Weights, 0),
            first,
            "weights are the seed's stream 0"
        );
    }

    #[test]
    fn uniform_in_unit_interval() {
        let m: Matrix<f64> = uniform_matrix(50, 50, &mut seeded(5));
        assert!(m.iter().all(|&v| (0.0..1.0).contains(&v)));
    }
}
