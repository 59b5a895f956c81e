//! The book's `MultiLayerNetExtend` (`common/multi_layer_net_extend.py`): a fully connected
//! network with optional BatchNorm, Dropout and L2 weight decay.
//!
//! Hidden block *i*: `Affine_i → [BatchNorm_i] → activation_i → [Dropout_i]`, then
//! `Affine_{L+1} → SoftmaxWithLoss`. Loss = cross-entropy + `0.5·λ·Σ‖W‖²` over every `W`.

use crate::{Activation, NetworkConfig, NetworkError};
use scratchnet_layers::{
    Affine, Batch, BatchNormalization, Dropout, Evaluation, Network, Relu, Sequential,
    SequentialBuilder, Sigmoid,
};
use scratchnet_tensor::random::{self, Purpose, Rng};
use scratchnet_tensor::{Float, Matrix, Param, Samples};

/// The book's `MultiLayerNetExtend` (§6.3–§6.4), generic over the scalar (`f32` by default).
/// A hidden block with BatchNorm is `Affine → BatchNorm → activation` as in fig. 6-16.
///
/// ```
/// use scratchnet_network::{MultiLayerNetExtend, NetworkConfig};
/// use scratchnet_tensor::{Matrix, random};
///
/// let config = NetworkConfig::new(4, vec![5, 5], 3);
/// let mut net = MultiLayerNetExtend::<f64>::new(config, &mut random::seeded(0))?;
/// let x = Matrix::from_fn(2, 4, |i, j| (i + j) as f64 / 10.0);
/// let loss = net.gradient(&x, &[0, 2]); // forward + backward, gradients now in the layers
/// assert!(loss > 0.0);
/// let names: Vec<String> = net.params_mut().map(|p| p.name.to_string()).collect();
/// assert_eq!(names, ["W1", "b1", "W2", "b2", "W3", "b3"]);
/// # Ok::<(), scratchnet_network::NetworkError>(())
/// ```
///
/// A clone has the same parameters, BatchNorm statistics and dropout generators (so it would
/// draw the same masks); its inference buffers start empty. The trainer evaluates such a
/// snapshot while training goes on.
#[derive(Clone)]
pub struct MultiLayerNetExtend<T: Float = f32> {
    pub(crate) config: NetworkConfig,
    /// The layers, in the book's order; they derive the passes, the names and inference.
    pub(crate) net: Sequential<T>,
}

impl<T: Float> MultiLayerNetExtend<T> {
    /// Builds the network, drawing initial weights `std · N(0, 1)` (biases zero, gamma one,
    /// beta zero) from `rng`; block *i*'s dropout masks come from the keyed stream
    /// `(rng's seed, Dropout, i)`, independent of the weights and of the other layers.
    pub fn new(config: NetworkConfig, rng: &mut Rng) -> Result<Self, NetworkError> {
        config.validate()?;
        let sizes = config.layer_sizes();
        // Like the book's __init_weight: every W in order first, so the same seed gives the same
        // weights whether or not dropout or BatchNorm is on.
        let mut affines: Vec<Affine<T>> = sizes
            .windows(2)
            .map(|pair| Affine::random(pair[0], pair[1], config.weight_init.std_for(pair[0]), rng))
            .collect();
        let output = affines
            .pop()
            .ok_or_else(|| NetworkError::InvalidConfig("no layers".into()))?;
        let mut builder = Sequential::builder().weight_decay(config.weight_decay_lambda);
        let blocks = affines.into_iter().zip(&config.hidden_sizes);
        for (index, (affine, &width)) in (1..).zip(blocks) {
            builder = Self::push_block(builder, &config, (affine, width, index), rng);
        }
        let net = builder
            .push(output)
            .build()
            .map_err(|error| NetworkError::InvalidConfig(error.to_string()))?;
        Ok(Self { config, net })
    }

    /// Hidden block: `Affine → [BatchNorm] → activation → [Dropout]`.
    fn push_block(
        mut builder: SequentialBuilder<T>,
        config: &NetworkConfig,
        (affine, width, index): (Affine<T>, usize, u32),
        rng: &Rng,
    ) -> SequentialBuilder<T> {
        builder = builder.push(affine);
        if config.use_batchnorm {
            builder = builder.push(BatchNormalization::with_features(width));
        }
        builder = match config.activation {
            Activation::Relu => builder.push(Relu::new()),
            Activation::Sigmoid => builder.push(Sigmoid::new()),
        };
        match config.dropout {
            Some(dropout) => builder.push(Dropout::new(
                dropout.ratio,
                dropout.mode,
                random::stream(rng, Purpose::Dropout, index),
            )),
            None => builder,
        }
    }

    /// Copies `source`'s inference state (weights, biases, BatchNorm's γ, β and running
    /// statistics) into this network's existing buffers: a snapshot to evaluate while `source`
    /// trains on, without allocating. Training caches, gradients and dropout generators are
    /// left as they are, so this copy's *training* is not `source`'s.
    ///
    /// # Panics
    /// If the networks have different configurations.
    pub fn copy_inference_state_from(&mut self, source: &Self) {
        assert_eq!(
            self.config, source.config,
            "copy_inference_state_from: the networks differ"
        );
        self.net.copy_inference_state_from(&source.net);
    }

    /// The configuration this network was built from.
    pub fn config(&self) -> &NetworkConfig {
        &self.config
    }

    /// `0.5·λ·Σ‖W‖²` over every weight matrix, the output layer's included: the book's weight
    /// decay (§6.4.2).
    pub fn weight_decay_penalty(&self) -> T {
        self.net.weight_decay_penalty()
    }

    /// The book's `loss(x, t, train_flg)`: cross-entropy of the softmax plus the weight decay
    /// penalty. `train = true` draws dropout masks and uses batch statistics (and updates the
    /// running ones); `train = false` is pure inference and touches no cache.
    pub fn loss(&mut self, x: &Matrix<T>, labels: &[usize], train: bool) -> T {
        if !train {
            return T::cast(self.evaluate(x, labels).loss);
        }
        self.net.loss(x, labels)
    }

    /// The book's `gradient(x, t)`: a training-mode forward and the backward pass. The
    /// gradients stay in the layers (see [`params_mut`](Self::params_mut)); `∂/∂W` includes
    /// the decay term `λ·W`. Returns the training-mode loss.
    pub fn gradient(&mut self, x: &Matrix<T>, labels: &[usize]) -> T {
        self.net.gradient(x, labels)
    }

    /// The layers, in the book's order (for Monte-Carlo dropout see
    /// [`Sequential::predict_sampled`]).
    pub fn sequential(&mut self) -> &mut Sequential<T> {
        &mut self.net
    }

    /// Every parameter with its gradient, in the book's order `W1, b1, [gamma1, beta1,] W2, …`.
    pub fn params_mut(&mut self) -> impl Iterator<Item = Param<'_, T>> {
        self.net.params_mut()
    }

    /// The names of every parameter, in [`params_mut`](Self::params_mut) order.
    pub fn param_names(&mut self) -> Vec<String> {
        self.params_mut()
            .map(|param| param.name.to_string())
            .collect()
    }

    /// One parameter's value by its book name (`"W1"`, `"gamma2"`, …).
    pub fn param(&mut self, name: &str) -> Option<&Matrix<T>> {
        self.params_mut()
            .find(|param| param.name == name)
            .map(|param| &*param.value)
    }

    /// While frozen, every dropout layer reuses its last mask: a gradient check needs the same
    /// network function for every perturbed evaluation.
    pub fn set_dropout_masks_frozen(&mut self, frozen: bool) {
        self.net.set_frozen(frozen);
    }

    /// The book's `numerical_gradient(x, t)`: central differences of the training-mode loss
    /// for every parameter, in [`params_mut`](Self::params_mut) order. Slow; for checks.
    /// Freeze dropout masks first (after one training forward) if dropout is on.
    pub fn numerical_gradient(
        &mut self,
        x: &Matrix<T>,
        labels: &[usize],
    ) -> Vec<(String, Matrix<T>)> {
        self.net.numerical_gradient(x, labels)
    }
}

/// The trainer's view: the book's `gradient`, the parameters, inference.
impl<T: Float> scratchnet_layers::Network<T> for MultiLayerNetExtend<T> {
    fn input_size(&self) -> usize {
        self.config.input_size
    }

    fn output_size(&self) -> usize {
        self.config.output_size
    }

    fn gradient<'a>(&mut self, x: impl Into<Batch<'a, T>>, labels: &[usize]) -> T {
        self.net.gradient(x, labels)
    }

    fn takes_sparse_batches(&self) -> bool {
        true
    }

    fn params_mut(&mut self) -> impl Iterator<Item = Param<'_, T>> {
        Self::params_mut(self)
    }

    fn evaluate(&self, x: Samples<'_, T>, labels: &[usize]) -> Evaluation {
        Self::evaluate(self, x, labels)
    }

    fn accuracy(&self, x: Samples<'_, T>, labels: &[usize]) -> f64 {
        Self::accuracy(self, x, labels)
    }

    fn copy_inference_state_from(&mut self, source: &Self) {
        Self::copy_inference_state_from(self, source);
    }
}
