//! The book's `Dropout` layer (ch. 6.4.3), plus the inverted dropout of modern frameworks.
//!
//! Book mode (the default): in training `mask = uniform[0, 1) > ratio` and `out = x·mask`;
//! in inference `out = x·(1 − ratio)`; backward `dx = dout·mask`.
//!
//! Inverted mode: in training `out = x·mask / (1 − ratio)`; inference is the identity;
//! backward `dx = dout·mask / (1 − ratio)`.

use crate::{ColumnOp, Elementwise, Layer};
use rand::RngExt;
use scratchnet_tensor::random::{Rng, Stream};
use scratchnet_tensor::{Float, Matrix, resize_for};
use serde::{Deserialize, Serialize};

/// Where a [`Dropout`] layer compensates for the units it drops (the book's §6.4.3 uses
/// [`DropoutMode::Book`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DropoutMode {
    /// The book's: training keeps units unscaled, inference scales by `1 − ratio`.
    #[default]
    Book,
    /// Inverted dropout (PyTorch, Keras): training scales kept units by `1 / (1 − ratio)`,
    /// inference is the identity.
    Inverted,
}

impl DropoutMode {
    /// Every mode, the book's first.
    pub const ALL: [Self; 2] = [Self::Book, Self::Inverted];

    /// The mode's name: `book` or `inverted` (as serde writes it).
    pub fn name(self) -> &'static str {
        match self {
            Self::Book => "book",
            Self::Inverted => "inverted",
        }
    }
}

impl std::fmt::Display for DropoutMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing a [`DropoutMode`]: not one of its names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownDropoutMode(pub String);

impl std::fmt::Display for UnknownDropoutMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unknown dropout mode {:?}: expected book or inverted",
            self.0
        )
    }
}

impl std::error::Error for UnknownDropoutMode {}

/// A mode's name, ASCII case and surrounding spaces ignored.
impl std::str::FromStr for DropoutMode {
    type Err = UnknownDropoutMode;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|mode| mode.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| UnknownDropoutMode(text.to_owned()))
    }
}

/// The book's `Dropout(dropout_ratio)` (§6.4.3, fig. 6-22): training drops each unit with
/// probability `dropout_ratio`; it draws its masks from its own seeded [`Rng`].
#[derive(Clone, Debug)]
pub struct Dropout<T: Float> {
    /// Probability of dropping a unit, in `[0, 1)`.
    dropout_ratio: f64,
    /// Book or inverted scaling.
    mode: DropoutMode,
    /// The generator of the masks.
    rng: Rng,
    /// While true, training-mode forwards reuse `mask` when the shape matches.
    frozen: bool,
    /// Keep-mask (0 or 1) of the last training-mode forward.
    mask: Matrix<T>,
    /// Output buffer.
    out: Matrix<T>,
    /// `∂L/∂x` buffer.
    dx: Matrix<T>,
    /// Random draws of the last mask (reused buffer).
    draws: Vec<u32>,
}

/// A unit is kept when its uniform 32-bit draw `u` satisfies `u ≥ ratio·2³²`, i.e.
/// `u / 2³² ≥ ratio`: the book's `rand() > ratio` at 32-bit resolution.
fn drop_threshold(dropout_ratio: f64) -> u32 {
    // ratio < 1, so the product is below 2³² and the cast cannot saturate.
    (dropout_ratio * 4_294_967_296.0).ceil() as u32
}

impl<T: Float> Dropout<T> {
    /// A layer dropping each unit with probability `dropout_ratio`, its masks drawn from its
    /// own keyed stream (`random::stream(&rng, Purpose::Dropout, layer_index)`: the same seed
    /// and index give the same masks, whatever else the network holds).
    ///
    /// # Panics
    /// Unless `0 <= dropout_ratio < 1` (callers validate user input first).
    pub fn new(dropout_ratio: f64, mode: DropoutMode, stream: Stream) -> Self {
        assert!(
            (0.0..1.0).contains(&dropout_ratio),
            "Dropout: the ratio must be in [0, 1), got {dropout_ratio}"
        );
        Self {
            dropout_ratio,
            mode,
            rng: stream.into_rng(),
            frozen: false,
            mask: Matrix::zeros(0, 0),
            out: Matrix::zeros(0, 0),
            dx: Matrix::zeros(0, 0),
            draws: Vec::new(),
        }
    }

    /// The probability of dropping a unit.
    pub fn dropout_ratio(&self) -> f64 {
        self.dropout_ratio
    }

    /// Book or inverted dropout.
    pub fn mode(&self) -> DropoutMode {
        self.mode
    }

    /// While frozen, training-mode forward reuses the last mask (when the shape matches)
    /// instead of drawing a new one — used by gradient checks.
    pub fn set_mask_frozen(&mut self, frozen: bool) {
        self.frozen = frozen;
    }

    /// Whether the mask is frozen (see [`Dropout::set_mask_frozen`]).
    pub fn is_mask_frozen(&self) -> bool {
        self.frozen
    }

    /// Test helper: a fixed keep-mask of 0/1 values; implies frozen.
    ///
    /// # Panics
    /// If an entry is neither 0 nor 1.
    pub fn set_mask(&mut self, mask: Matrix<T>) {
        assert!(
            mask.as_slice()
                .iter()
                .all(|&v| v == T::zero() || v == T::one()),
            "Dropout::set_mask: the mask must hold only 0 and 1"
        );
        self.mask = mask;
        self.frozen = true;
    }

    /// The keep-mask (1 = kept, 0 = dropped) of the last training-mode forward.
    pub fn mask(&self) -> &Matrix<T> {
        &self.mask
    }

    /// The factor kept units are multiplied by in training: 1 (book) or `1 / (1 − ratio)`.
    fn train_scale(&self) -> T {
        match self.mode {
            DropoutMode::Book => T::one(),
            DropoutMode::Inverted => T::cast(1.0 / (1.0 - self.dropout_ratio)),
        }
    }

    /// Draws a new keep-mask of the given shape, the book's `np.random.rand(*x.shape) > ratio`:
    /// one uniform `u32` per unit, in storage (column-major) order.
    fn draw_mask(&mut self, rows: usize, cols: usize) {
        resize_for(&mut self.mask, rows, cols);
        // One u32 per unit, filled in bulk from the stream.
        self.draws.resize(rows * cols, 0);
        self.rng.fill(self.draws.as_mut_slice());
        let threshold = drop_threshold(self.dropout_ratio);
        // Draws map to units in storage (column-major) order: one pass that vectorises.
        for (unit, &draw) in self.mask.as_mut_slice().iter_mut().zip(&self.draws) {
            *unit = if draw >= threshold {
                T::one()
            } else {
                T::zero()
            };
        }
    }

    /// `out = source·(mask·scale)` elementwise.
    fn apply_mask(source: &Matrix<T>, mask: &Matrix<T>, scale: T, out: &mut Matrix<T>) {
        resize_for(out, source.nrows(), source.ncols());
        for ((o, &v), &m) in out
            .as_mut_slice()
            .iter_mut()
            .zip(source.as_slice().iter())
            .zip(mask.as_slice().iter())
        {
            *o = v * (m * scale);
        }
    }
}

impl<T: Float> Layer<T> for Dropout<T> {
    /// Training: a new mask (unless frozen with a mask of this shape), `out = x·mask` (book) or
    /// `x·mask/(1 − ratio)` (inverted). Inference: `x·(1 − ratio)` (book) or `x` (inverted),
    /// leaving the mask alone.
    fn forward(&mut self, x: &Matrix<T>, train: bool) -> &Matrix<T> {
        if !train {
            let mut out = std::mem::replace(&mut self.out, Matrix::zeros(0, 0));
            self.infer_matrix(x, &mut out);
            self.out = out;
            return &self.out;
        }
        if !(self.frozen && self.mask.shape() == x.shape()) {
            self.draw_mask(x.nrows(), x.ncols());
        }
        Self::apply_mask(x, &self.mask, self.train_scale(), &mut self.out);
        &self.out
    }

    /// `dx = dout·mask` (book) or `dout·mask/(1 − ratio)` (inverted).
    ///
    /// # Panics
    /// If `dout` does not have the shape of the last mask.
    fn backward(&mut self, dout: &Matrix<T>) -> &Matrix<T> {
        assert_eq!(
            dout.shape(),
            self.mask.shape(),
            "Dropout::backward: dout must match the input of the last training-mode forward"
        );
        Self::apply_mask(dout, &self.mask, self.train_scale(), &mut self.dx);
        &self.dx
    }

    fn infer(&self, x: &Matrix<T>, out: &mut Matrix<T>) {
        self.infer_matrix(x, out);
    }
}

/// Inference: `x·(1 − ratio)` (book) or `x` (inverted).
impl<T: Float> Elementwise<T> for Dropout<T> {
    fn column_op(&self, _column: usize) -> ColumnOp<T> {
        match self.mode {
            DropoutMode::Book => ColumnOp::Scale(T::cast(1.0 - self.dropout_ratio)),
            DropoutMode::Inverted => ColumnOp::Identity,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{assert_gradients_match, random_matrix, weighted_sum};
    use scratchnet_tensor::numerical_gradient;
    use scratchnet_tensor::random::{Purpose, seeded, stream};

    /// The masks of dropout layer 0 of `seed`.
    fn masks(seed: u64) -> Stream {
        stream(&seeded(seed), Purpose::Dropout, 0)
    }

    const RATIO: f64 = 0.3;

    fn layer(mode: DropoutMode, seed: u64) -> Dropout<f64> {
        Dropout::new(RATIO, mode, masks(seed))
    }

    /// Kept units of a 100×100 all-ones input: Binomial(10 000, 1 − ratio).
    fn kept_and_bound(out: &Matrix<f64>) -> (f64, f64) {
        let n = out.len() as f64;
        let kept = out.as_slice().iter().filter(|&&v| v != 0.0).count() as f64;
        let std = (n * RATIO * (1.0 - RATIO)).sqrt();
        (kept - n * (1.0 - RATIO), 5.0 * std)
    }

    #[test]
    fn book_inference_scales_by_keep_probability_exactly() {
        let mut dropout = layer(DropoutMode::Book, 1);
        let x = random_matrix(6, 7, -3.0, 3.0, 31);
        let expected = x.map(|v| v * (1.0 - RATIO));
        assert_eq!(*dropout.forward(&x, false), expected);
        let mut inferred = Matrix::zeros(0, 0);
        dropout.infer(&x, &mut inferred);
        assert_eq!(inferred, expected);
        // Inference draws nothing: no mask yet.
        assert_eq!(dropout.mask().shape(), (0, 0));
    }

    #[test]
    fn book_training_keeps_the_expected_fraction_unscaled() {
        let mut dropout = layer(DropoutMode::Book, 2);
        let x = Matrix::from_element(100, 100, 1.0);
        let out = dropout.forward(&x, true).clone();
        assert!(out.as_slice().iter().all(|&v| v == 0.0 || v == 1.0));
        assert_eq!(out, *dropout.mask());
        let (deviation, bound) = kept_and_bound(&out);
        assert!(
            deviation.abs() < bound,
            "kept deviates by {deviation}, bound {bound}"
        );
    }

    #[test]
    fn inverted_training_preserves_the_mean_and_inference_is_identity() {
        let mut dropout = layer(DropoutMode::Inverted, 3);
        let x = Matrix::from_element(100, 100, 1.0);
        let out = dropout.forward(&x, true).clone();
        let scale = 1.0 / (1.0 - RATIO);
        assert!(out.as_slice().iter().all(|&v| v == 0.0 || v == scale));
        let (deviation, bound) = kept_and_bound(&out);
        assert!(
            deviation.abs() < bound,
            "kept deviates by {deviation}, bound {bound}"
        );
        // E[out] = 1, std of the mean = sqrt(ratio / (1 − ratio) / n).
        let mean = out.mean();
        let std_of_mean = (RATIO / (1.0 - RATIO) / out.len() as f64).sqrt();
        assert!((mean - 1.0).abs() < 5.0 * std_of_mean, "mean {mean}");

        let y = random_matrix(5, 5, -1.0, 1.0, 32);
        assert_eq!(*dropout.forward(&y, false), y);
        let mut inferred = Matrix::zeros(0, 0);
        dropout.infer(&y, &mut inferred);
        assert_eq!(inferred, y);
    }

    #[test]
    fn same_seed_same_masks_different_seed_different_masks() {
        let x = Matrix::from_element(20, 30, 1.0);
        let mut a = layer(DropoutMode::Book, 7);
        let mut b = layer(DropoutMode::Book, 7);
        let mut c = layer(DropoutMode::Book, 8);
        for _ in 0..3 {
            a.forward(&x, true);
            b.forward(&x, true);
            c.forward(&x, true);
            assert_eq!(a.mask(), b.mask());
            assert_ne!(a.mask(), c.mask());
        }
    }

    #[test]
    fn masks_follow_the_rng_stream_in_storage_order() {
        let mut dropout = layer(DropoutMode::Book, 9);
        dropout.forward(&Matrix::from_element(3, 4, 1.0), true);
        let mut rng = masks(9).into_rng();
        for j in 0..4 {
            for i in 0..3 {
                let keep = f64::from(rng.random::<u32>()) / 4_294_967_296.0 >= RATIO;
                assert_eq!(
                    dropout.mask()[(i, j)],
                    if keep { 1.0 } else { 0.0 },
                    "({i}, {j})"
                );
            }
        }
    }

    #[test]
    fn a_new_mask_each_step_unless_frozen() {
        let x = Matrix::from_element(20, 30, 1.0);
        let mut dropout = layer(DropoutMode::Book, 10);
        dropout.forward(&x, true);
        let first = dropout.mask().clone();
        dropout.forward(&x, true);
        assert_ne!(*dropout.mask(), first);

        dropout.set_mask_frozen(true);
        assert!(dropout.is_mask_frozen());
        let frozen = dropout.mask().clone();
        dropout.forward(&x, true);
        dropout.forward(&x.map(|v| 2.0 * v), true);
        assert_eq!(*dropout.mask(), frozen);
        // A different shape cannot reuse the mask: a new one is drawn.
        dropout.forward(&Matrix::from_element(2, 3, 1.0), true);
        assert_eq!(dropout.mask().shape(), (2, 3));

        dropout.set_mask_frozen(false);
        dropout.forward(&x, true);
        let before = dropout.mask().clone();
        dropout.forward(&x, true);
        assert_ne!(*dropout.mask(), before, "unfrozen masks must change");
    }

    #[test]
    fn set_mask_is_used_and_freezes() {
        let mask = Matrix::from_row_slice(2, 3, &[1.0, 0.0, 1.0, 0.0, 0.0, 1.0]);
        let x = Matrix::from_row_slice(2, 3, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let mut book = layer(DropoutMode::Book, 11);
        book.set_mask(mask.clone());
        assert!(book.is_mask_frozen());
        assert_eq!(
            *book.forward(&x, true),
            Matrix::from_row_slice(2, 3, &[1.0, 0.0, 3.0, 0.0, 0.0, 6.0])
        );
        assert_eq!(
            *book.backward(&x),
            Matrix::from_row_slice(2, 3, &[1.0, 0.0, 3.0, 0.0, 0.0, 6.0])
        );

        let mut inverted = Dropout::new(0.5, DropoutMode::Inverted, masks(12));
        inverted.set_mask(mask);
        assert_eq!(
            *inverted.forward(&x, true),
            Matrix::from_row_slice(2, 3, &[2.0, 0.0, 6.0, 0.0, 0.0, 12.0])
        );
        assert_eq!(
            *inverted.backward(&x),
            Matrix::from_row_slice(2, 3, &[2.0, 0.0, 6.0, 0.0, 0.0, 12.0])
        );
        assert_eq!(inverted.dropout_ratio(), 0.5);
        assert_eq!(inverted.mode(), DropoutMode::Inverted);
    }

    #[test]
    fn gradient_check_with_a_fixed_mask_in_both_modes() {
        for mode in [DropoutMode::Book, DropoutMode::Inverted] {
            let mut dropout = layer(mode, 13);
            let mask = random_matrix(5, 4, 0.0, 1.0, 33).map(|v| if v > RATIO { 1.0 } else { 0.0 });
            dropout.set_mask(mask);
            let mut x = random_matrix(5, 4, -2.0, 2.0, 34);
            let r = random_matrix(5, 4, -1.0, 1.0, 35);
            dropout.forward(&x, true);
            let dx = dropout.backward(&r).clone();
            let numeric =
                numerical_gradient(&mut x, |x| weighted_sum(dropout.forward(x, true), &r));
            assert_gradients_match(&format!("Dropout {mode:?} dx"), &dx, &numeric);
            assert!(dx.as_slice().contains(&0.0) && dx.as_slice().iter().any(|&v| v != 0.0));
        }
    }

    #[test]
    fn buffers_are_reused() {
        let mut dropout = layer(DropoutMode::Book, 14);
        let x = random_matrix(8, 9, -1.0, 1.0, 36);
        let out_ptr = dropout.forward(&x, true).as_ptr();
        let dx_ptr = dropout.backward(&x).as_ptr();
        let mask_ptr = dropout.mask().as_ptr();
        assert_eq!(dropout.forward(&x, true).as_ptr(), out_ptr);
        assert_eq!(dropout.backward(&x).as_ptr(), dx_ptr);
        assert_eq!(dropout.mask().as_ptr(), mask_ptr);
    }

    #[test]
    fn mode_defaults_to_the_book() {
        assert_eq!(DropoutMode::default(), DropoutMode::Book);
    }

    #[test]
    #[should_panic(expected = "the ratio must be in [0, 1)")]
    fn ratio_one_is_rejected() {
        layer_with_ratio(1.0);
    }

    #[test]
    #[should_panic(expected = "the ratio must be in [0, 1)")]
    fn negative_ratio_is_rejected() {
        layer_with_ratio(-0.1);
    }

    #[test]
    #[should_panic(expected = "the ratio must be in [0, 1)")]
    fn nan_ratio_is_rejected() {
        layer_with_ratio(f64::NAN);
    }

    #[test]
    #[should_panic(expected = "only 0 and 1")]
    fn set_mask_rejects_other_values() {
        layer(DropoutMode::Book, 15).set_mask(Matrix::from_element(1, 1, 0.5));
    }

    fn layer_with_ratio(ratio: f64) -> Dropout<f64> {
        Dropout::new(ratio, DropoutMode::Book, masks(0))
    }
}
