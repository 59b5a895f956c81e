//! Inference: the book's `predict(x, train_flg=False)`, `accuracy` and the loss of a data set,
//! by the layers' own fast inference (`Sequential`'s): each hidden block is one stage, its
//! Affine product followed by its BatchNorm, activation and dropout scaling.

use crate::MultiLayerNetExtend;
use scratchnet_layers::{Evaluation, Network};
use scratchnet_tensor::{Float, Matrix, Samples};

impl<T: Float> MultiLayerNetExtend<T> {
    /// Scores (before softmax) in inference mode: running BatchNorm statistics, dropout
    /// scaling, no caches touched.
    ///
    /// # Panics
    /// If the samples do not have `input_size` features.
    pub fn predict<'a>(&self, x: impl Into<Samples<'a, T>>) -> Matrix<T> {
        self.net.predict(x)
    }

    /// Fraction of samples whose predicted class equals the label: the book's `accuracy(x, t)`.
    ///
    /// # Panics
    /// If `labels.len()` differs from the number of samples.
    pub fn accuracy<'a>(&self, x: impl Into<Samples<'a, T>>, labels: &[usize]) -> f64 {
        Network::accuracy(&self.net, x.into(), labels)
    }

    /// Mean loss (cross-entropy of the softmax plus the weight-decay penalty) and accuracy, from
    /// one inference pass: what the trainer reports per epoch.
    ///
    /// # Panics
    /// If `labels.len()` differs from the number of samples.
    pub fn evaluate<'a>(&self, x: impl Into<Samples<'a, T>>, labels: &[usize]) -> Evaluation {
        Network::evaluate(&self.net, x.into(), labels)
    }

    /// Scores computed layer by layer through `Layer::infer`: the reference the fused path is
    /// tested against.
    #[cfg(test)]
    pub(crate) fn predict_layer_by_layer(&self, x: &Matrix<T>) -> Matrix<T> {
        let mut current = x.clone();
        let mut next = Matrix::zeros(0, 0);
        for layer in self.net.layers() {
            layer.infer(&current, &mut next);
            std::mem::swap(&mut current, &mut next);
        }
        current
    }
}

#[cfg(test)]
mod tests {
    use crate::{Activation, DropoutConfig, MultiLayerNetExtend, NetworkConfig};
    use scratchnet_layers::DropoutMode;
    use scratchnet_tensor::{Matrix, SparseRows, random};

    fn trained(config: NetworkConfig) -> MultiLayerNetExtend<f32> {
        let mut net = MultiLayerNetExtend::new(config, &mut random::seeded(3)).unwrap();
        let x = random::normal_matrix::<f32>(32, 12, 1.0, &mut random::seeded(4));
        let labels: Vec<usize> = (0..32).map(|i| i % 4).collect();
        for _ in 0..3 {
            net.gradient(&x, &labels); // moves the BatchNorm running statistics off zero
            for param in net.params_mut() {
                for (value, grad) in param.value.iter_mut().zip(param.grad.iter()) {
                    *value -= 0.1 * grad;
                }
            }
        }
        net
    }

    #[test]
    fn fused_inference_is_bit_identical_to_layer_by_layer() {
        for (activation, batchnorm, mode) in [
            (Activation::Relu, true, DropoutMode::Book),
            (Activation::Sigmoid, false, DropoutMode::Inverted),
            (Activation::Relu, false, DropoutMode::Book),
        ] {
            let mut config = NetworkConfig::new(12, vec![9, 7], 4);
            config.activation = activation;
            config.use_batchnorm = batchnorm;
            config.dropout = Some(DropoutConfig { ratio: 0.3, mode });
            let net = trained(config);
            let mut x = random::normal_matrix::<f32>(2500, 12, 1.0, &mut random::seeded(5));
            x.apply(|v| *v = v.max(0.0)); // half zeros, like pixels
            let reference = net.predict_layer_by_layer(&x);
            assert_eq!(
                net.predict(&x),
                reference,
                "{activation:?} bn={batchnorm} {mode:?}"
            );
            let sparse_scores = net.predict(&SparseRows::from_dense(&x));
            assert!((sparse_scores - &reference).abs().max() < 1e-4);
        }
    }

    #[test]
    fn a_copied_inference_state_predicts_like_its_source() {
        let mut config = NetworkConfig::new(12, vec![9, 7], 4);
        config.use_batchnorm = true;
        config.dropout = Some(DropoutConfig {
            ratio: 0.3,
            mode: DropoutMode::Book,
        });
        let source = trained(config.clone());
        // Same shape, other weights and statistics: everything inference reads is overwritten.
        let mut copy = MultiLayerNetExtend::new(config, &mut random::seeded(99)).unwrap();
        let x = random::normal_matrix::<f32>(50, 12, 1.0, &mut random::seeded(7));
        assert_ne!(copy.predict(&x), source.predict(&x));
        copy.copy_inference_state_from(&source);
        assert_eq!(copy.predict(&x), source.predict(&x));
        let mut other =
            MultiLayerNetExtend::new(NetworkConfig::new(12, vec![9], 4), &mut random::seeded(1))
                .unwrap();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            other.copy_inference_state_from(&source);
        }));
        assert!(outcome.is_err(), "a network of another shape is refused");
    }

    #[test]
    fn sparse_and_dense_agree_on_accuracy_and_loss() {
        let net = trained(NetworkConfig::new(12, vec![9], 4));
        let mut x = random::normal_matrix::<f32>(1500, 12, 1.0, &mut random::seeded(6));
        x.apply(|v| *v = v.max(0.0));
        let labels: Vec<usize> = (0..1500).map(|i| (i * 7) % 4).collect();
        let sparse = SparseRows::from_dense(&x);
        let (dense_eval, sparse_eval) = (net.evaluate(&x, &labels), net.evaluate(&sparse, &labels));
        assert!((dense_eval.loss - sparse_eval.loss).abs() < 1e-5);
        assert!((dense_eval.accuracy - sparse_eval.accuracy).abs() <= 2.0 / 1500.0);
        assert_eq!(net.accuracy(&x, &labels), dense_eval.accuracy);
        let empty = Matrix::<f32>::zeros(0, 12);
        assert_eq!(net.accuracy(&empty, &[]), 0.0);
    }
}
