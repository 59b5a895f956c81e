//! Layers whose inference treats every value on its own, with constants per feature: what lets
//! a network fuse a block's bias, BatchNorm, activation and dropout scaling into one pass.

use scratchnet_tensor::{Float, Matrix, resize_for};

/// The inference arithmetic of one feature (column) of an elementwise layer. Defined once here:
/// a layer's own inference and a network's fused pass both apply it, so they give the same bits.
#[derive(Clone, Copy, Debug)]
pub enum ColumnOp<T> {
    /// `x + b`: [`Affine`](crate::Affine)'s bias.
    Add(T),
    /// `γ·((x − μ)/σ) + β`: [`BatchNormalization`](crate::BatchNormalization) with its
    /// running statistics, `σ = sqrt(running_var + 10e−7)`.
    Normalize {
        /// γ.
        gamma: T,
        /// β.
        beta: T,
        /// The running mean μ.
        mean: T,
        /// σ.
        std: T,
    },
    /// `x` if `x > 0`, else 0 (NaN passes through): [`Relu`](crate::Relu), the book's mask
    /// `x <= 0`.
    Relu,
    /// `1 / (1 + e^−x)`: [`Sigmoid`](crate::Sigmoid).
    Sigmoid,
    /// `x·s`: the book's [`Dropout`](crate::Dropout) scaling in inference, `s = 1 − ratio`.
    Scale(T),
    /// `x` unchanged (inverted dropout in inference).
    Identity,
    /// `f(x)`: a custom activation's value (see [`ActivationFn`]), fused like the built-ins.
    Map(fn(T) -> T),
}

/// Equal operations with equal constants; two [`ColumnOp::Map`]s are equal when they are the
/// same function pointer (the same function may have several addresses: then unequal).
impl<T: PartialEq> PartialEq for ColumnOp<T> {
    fn eq(&self, other: &Self) -> bool {
        use ColumnOp::*;
        match (self, other) {
            (Add(a), Add(b)) | (Scale(a), Scale(b)) => a == b,
            (
                Normalize {
                    gamma,
                    beta,
                    mean,
                    std,
                },
                Normalize {
                    gamma: g,
                    beta: b,
                    mean: m,
                    std: s,
                },
            ) => gamma == g && beta == b && mean == m && std == s,
            (Relu, Relu) | (Sigmoid, Sigmoid) | (Identity, Identity) => true,
            (Map(f), Map(g)) => std::ptr::fn_addr_eq(*f, *g),
            _ => false,
        }
    }
}

impl<T: Float> ColumnOp<T> {
    /// The operation on one value.
    #[inline(always)]
    pub fn apply(self, x: T) -> T {
        match self {
            Self::Add(bias) => x + bias,
            Self::Normalize {
                gamma,
                beta,
                mean,
                std,
            } => gamma * ((x - mean) / std) + beta,
            Self::Relu => {
                if x <= T::zero() {
                    T::zero()
                } else {
                    x
                }
            }
            Self::Sigmoid => T::one() / (T::one() + (-x).exp()),
            Self::Scale(scale) => x * scale,
            Self::Identity => x,
            Self::Map(f) => f(x),
        }
    }
}

/// Applies `ops` in order to every value of `values` (one feature of a block of samples): the
/// fused per-block pass of inference. The common blocks — bias then ReLU, with or without the
/// book's dropout scaling — are one loop; any other sequence is one loop per operation.
/// Compiled for AVX-512 when the CPU has it (checked at run time); the bits are the same
/// either way.
pub fn apply_column_ops<T: Float>(ops: &[ColumnOp<T>], values: &mut [T]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU supports AVX-512F (checked just above).
        return unsafe { apply_column_ops_avx512(ops, values) };
    }
    apply_column_ops_portable(ops, values);
}

/// # Safety
/// The CPU must support AVX-512F.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn apply_column_ops_avx512<T: Float>(ops: &[ColumnOp<T>], values: &mut [T]) {
    apply_column_ops_portable(ops, values);
}

#[inline(always)]
fn apply_column_ops_portable<T: Float>(ops: &[ColumnOp<T>], values: &mut [T]) {
    use ColumnOp::{Add, Relu, Scale};
    match *ops {
        [Add(bias), Relu] => map(values, |x| Relu.apply(Add(bias).apply(x))),
        [Add(bias), Relu, Scale(scale)] => map(values, |x| {
            Scale(scale).apply(Relu.apply(Add(bias).apply(x)))
        }),
        _ => {
            for &op in ops {
                match op {
                    Add(bias) => map(values, |x| Add(bias).apply(x)),
                    Relu => map(values, |x| Relu.apply(x)),
                    Scale(scale) => map(values, |x| Scale(scale).apply(x)),
                    ColumnOp::Identity => {}
                    ColumnOp::Map(f) => map(values, f),
                    op => map(values, |x| op.apply(x)),
                }
            }
        }
    }
}

/// `value = f(value)` for each value: one straight loop.
#[inline(always)]
fn map<T: Float>(values: &mut [T], f: impl Fn(T) -> T) {
    for value in values {
        *value = f(*value);
    }
}

/// A layer whose inference maps each value separately, with constants per feature (column):
/// [`Relu`](crate::Relu), [`Sigmoid`](crate::Sigmoid), [`Dropout`](crate::Dropout)'s scaling,
/// [`BatchNormalization`](crate::BatchNormalization) with its running statistics.
///
/// [`Inference`](crate::Inference) applies a block's column operations together, one column
/// after another while the column is in cache, so the result is the same bits as running the
/// layers one by one.
pub trait Elementwise<T: Float>: Sync {
    /// The inference arithmetic of feature `column`.
    fn column_op(&self, column: usize) -> ColumnOp<T>;

    /// This layer's inference on a whole matrix: `out = layer(x)`, column by column.
    fn infer_matrix(&self, x: &Matrix<T>, out: &mut Matrix<T>) {
        resize_for(out, x.nrows(), x.ncols());
        out.copy_from(x);
        let rows = x.nrows().max(1);
        for (column, values) in out.as_mut_slice().chunks_exact_mut(rows).enumerate() {
            apply_column_ops(&[self.column_op(column)], values);
        }
    }
}

/// A custom elementwise activation, written once for every float type: its value and its
/// derivative per element. [`ActivationLayer`](crate::ActivationLayer) turns it into a layer
/// whose inference fuses into a network's fast pass like ReLU's.
///
/// ```
/// use scratchnet_layers::ActivationFn;
/// use scratchnet_tensor::Float;
///
/// /// `tanh(x)`, `tanh′(x) = 1 − tanh²(x)`.
/// #[derive(Clone, Copy, Debug, Default)]
/// struct Tanh;
///
/// impl ActivationFn for Tanh {
///     fn value<T: Float>(x: T) -> T {
///         let (a, b) = (x.exp(), (-x).exp());
///         (a - b) / (a + b)
///     }
///     fn derivative<T: Float>(_x: T, y: T) -> T {
///         T::one() - y * y
///     }
/// }
/// assert_eq!(Tanh::value(0.0_f64), 0.0);
/// assert_eq!(Tanh::derivative(0.0_f64, 0.0), 1.0);
/// ```
pub trait ActivationFn: Clone + Send + Sync + 'static {
    /// `y = f(x)`.
    fn value<T: Float>(x: T) -> T;

    /// `∂y/∂x` at `x`, given also `y = f(x)` (sigmoid and tanh are cheaper from `y`).
    fn derivative<T: Float>(x: T, y: T) -> T;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(ColumnOp::Add(2.0).apply(1.0), 3.0);
        assert_eq!(ColumnOp::Relu.apply(-1.0), 0.0);
        assert_eq!(ColumnOp::Relu.apply(0.0), 0.0);
        assert_eq!(ColumnOp::Relu.apply(2.5), 2.5);
        assert!(
            ColumnOp::Relu.apply(f64::NAN).is_nan(),
            "NaN passes, as in the book"
        );
        // -0.0 <= 0, so the book's mask sets it to +0.
        assert!(ColumnOp::Relu.apply(-0.0_f64).is_sign_positive());
        assert_eq!(ColumnOp::Sigmoid.apply(0.0), 0.5);
        assert_eq!(ColumnOp::Scale(0.8).apply(2.0), 1.6);
        let normalize = ColumnOp::Normalize {
            gamma: 2.0,
            beta: 1.0,
            mean: 3.0,
            std: 0.5,
        };
        assert_eq!(normalize.apply(4.0), 5.0);
        assert_eq!(ColumnOp::Identity.apply(7.0), 7.0);
    }

    #[test]
    fn fused_ops_equal_ops_one_by_one_for_any_length() {
        let ops = [
            ColumnOp::Add(0.25_f32),
            ColumnOp::Normalize {
                gamma: 1.5,
                beta: -0.1,
                mean: 0.2,
                std: 0.7,
            },
            ColumnOp::Relu,
            ColumnOp::Scale(0.8),
        ];
        for length in [0, 1, 15, 16, 17, 48, 496, 503] {
            let mut fused: Vec<f32> = (0..length).map(|i| (i as f32 * 0.37).sin()).collect();
            let mut one_by_one = fused.clone();
            apply_column_ops(&ops, &mut fused);
            for op in ops {
                apply_column_ops(&[op], &mut one_by_one);
            }
            let expected: Vec<f32> = one_by_one.clone();
            assert_eq!(fused, expected, "length {length}");
            let scalar: Vec<f32> = (0..length)
                .map(|i| {
                    ops.iter()
                        .fold((i as f32 * 0.37).sin(), |x, op| op.apply(x))
                })
                .collect();
            assert_eq!(fused, scalar, "length {length}");
        }
    }
}
