//! The book's `MultiLayerNetExtend` (`common/multi_layer_net_extend.py`): a fully connected
//! network with optional BatchNorm, Dropout and L2 weight decay.
//!
//! Hidden block *i*: `Affine_i → [BatchNorm_i] → activation_i → [Dropout_i]`, then
//! `Affine_{L+1} → SoftmaxWithLoss`. Loss = cross-entropy + `0.5·λ·Σ‖W‖²` over every `W`.

use crate::{Activation, NetworkConfig, NetworkError};
use scratchnet_layers::Evaluation;
use scratchnet_layers::{
    Affine, BatchNormalization, Dropout, Elementwise, InferenceBuffers, Layer, Relu, Sigmoid,
    SoftmaxWithLoss,
};
use scratchnet_tensor::random::{self, Rng};
use scratchnet_tensor::{Float, Matrix, Param, Samples};

/// The hidden activation layer of a block.
#[derive(Clone)]
pub(crate) enum ActivationLayer<T: Float> {
    Relu(Relu<T>),
    Sigmoid(Sigmoid<T>),
}

impl<T: Float> ActivationLayer<T> {
    fn new(activation: Activation) -> Self {
        match activation {
            Activation::Relu => Self::Relu(Relu::new()),
            Activation::Sigmoid => Self::Sigmoid(Sigmoid::new()),
        }
    }

    #[cfg(test)]
    fn layer(&self) -> &dyn Layer<T> {
        match self {
            Self::Relu(layer) => layer,
            Self::Sigmoid(layer) => layer,
        }
    }

    pub(crate) fn elementwise(&self) -> &dyn Elementwise<T> {
        match self {
            Self::Relu(layer) => layer,
            Self::Sigmoid(layer) => layer,
        }
    }

    fn layer_mut(&mut self) -> &mut dyn Layer<T> {
        match self {
            Self::Relu(layer) => layer,
            Self::Sigmoid(layer) => layer,
        }
    }
}

/// The book's parameter names of one hidden block: `W{i}`, `b{i}`, `gamma{i}`, `beta{i}`.
#[derive(Clone)]
pub(crate) struct BlockNames {
    pub weight: String,
    pub bias: String,
    pub gamma: String,
    pub beta: String,
}

impl BlockNames {
    fn new(index: usize) -> Self {
        Self {
            weight: format!("W{index}"),
            bias: format!("b{index}"),
            gamma: format!("gamma{index}"),
            beta: format!("beta{index}"),
        }
    }
}

/// `Affine → [BatchNorm] → activation → [Dropout]`.
#[derive(Clone)]
pub(crate) struct HiddenBlock<T: Float> {
    pub names: BlockNames,
    pub affine: Affine<T>,
    pub batch_norm: Option<BatchNormalization<T>>,
    pub activation: ActivationLayer<T>,
    pub dropout: Option<Dropout<T>>,
}

impl<T: Float> HiddenBlock<T> {
    /// The block's layers in forward order, for inference.
    #[cfg(test)]
    pub(crate) fn layers(&self) -> impl Iterator<Item = &dyn Layer<T>> {
        [Some(&self.affine as &dyn Layer<T>)]
            .into_iter()
            .chain([self.batch_norm.as_ref().map(|layer| layer as &dyn Layer<T>)])
            .chain([Some(self.activation.layer())])
            .chain([self.dropout.as_ref().map(|layer| layer as &dyn Layer<T>)])
            .flatten()
    }

    fn params_mut(&mut self) -> impl Iterator<Item = Param<'_, T>> {
        let Self {
            names,
            affine,
            batch_norm,
            ..
        } = self;
        let affine_params = [
            Param {
                name: &names.weight,
                value: &mut affine.weight,
                grad: &affine.grad_weight,
            },
            Param {
                name: &names.bias,
                value: &mut affine.bias,
                grad: &affine.grad_bias,
            },
        ];
        let batch_norm_params = batch_norm.as_mut().map(|layer| {
            [
                Param {
                    name: &names.gamma,
                    value: &mut layer.gamma,
                    grad: &layer.grad_gamma,
                },
                Param {
                    name: &names.beta,
                    value: &mut layer.beta,
                    grad: &layer.grad_beta,
                },
            ]
        });
        affine_params
            .into_iter()
            .chain(batch_norm_params.into_iter().flatten())
    }
}

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
    pub(crate) blocks: Vec<HiddenBlock<T>>,
    pub(crate) output_names: BlockNames,
    pub(crate) output: Affine<T>,
    pub(crate) last_layer: SoftmaxWithLoss<T>,
    /// Inference buffers, reused across calls (the per-step batch loss, every evaluation).
    pub(crate) buffers: InferenceBuffers<T>,
}

impl<T: Float> MultiLayerNetExtend<T> {
    /// Builds the network, drawing initial weights `std · N(0, 1)` (biases zero, gamma one,
    /// beta zero) from `rng`, then one independent generator per dropout layer.
    pub fn new(config: NetworkConfig, rng: &mut Rng) -> Result<Self, NetworkError> {
        config.validate()?;
        let sizes = config.layer_sizes();
        // Like the book's __init_weight: every W in order first, so the same seed gives the same
        // weights whether or not dropout or BatchNorm is on.
        let mut affines: Vec<Affine<T>> = sizes
            .windows(2)
            .map(|pair| {
                let (fan_in, fan_out) = (pair[0], pair[1]);
                let weight =
                    random::normal_matrix(fan_in, fan_out, config.weight_init.std_for(fan_in), rng);
                Affine::new(weight, Matrix::zeros(1, fan_out))
            })
            .collect();
        let output = affines
            .pop()
            .ok_or_else(|| NetworkError::InvalidConfig("no layers".into()))?;
        let blocks = affines
            .into_iter()
            .zip(&config.hidden_sizes)
            .enumerate()
            .map(|(index, (affine, &width))| HiddenBlock {
                names: BlockNames::new(index + 1),
                affine,
                batch_norm: config
                    .use_batchnorm
                    .then(|| BatchNormalization::with_features(width)),
                activation: ActivationLayer::new(config.activation),
                dropout: config
                    .dropout
                    .map(|d| Dropout::new(d.ratio, d.mode, random::child(rng))),
            })
            .collect();
        Ok(Self {
            output_names: BlockNames::new(config.hidden_sizes.len() + 1),
            config,
            blocks,
            output,
            last_layer: SoftmaxWithLoss::new(),
            buffers: InferenceBuffers::default(),
        })
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
        for (block, from) in self.blocks.iter_mut().zip(&source.blocks) {
            block.affine.weight.copy_from(&from.affine.weight);
            block.affine.bias.copy_from(&from.affine.bias);
            if let (Some(batch_norm), Some(from)) = (&mut block.batch_norm, &from.batch_norm) {
                batch_norm.gamma.copy_from(&from.gamma);
                batch_norm.beta.copy_from(&from.beta);
                batch_norm.running_mean.copy_from(&from.running_mean);
                batch_norm.running_var.copy_from(&from.running_var);
            }
        }
        self.output.weight.copy_from(&source.output.weight);
        self.output.bias.copy_from(&source.output.bias);
    }

    /// The configuration this network was built from.
    pub fn config(&self) -> &NetworkConfig {
        &self.config
    }

    /// Training-mode forward pass up to the scores before softmax, the book's
    /// `predict(x, train_flg=True)`. Takes the fields it needs so that the caller can borrow
    /// `last_layer` while the scores are borrowed.
    fn forward_scores<'a>(
        blocks: &'a mut [HiddenBlock<T>],
        output: &'a mut Affine<T>,
        x: &'a Matrix<T>,
        train: bool,
    ) -> &'a Matrix<T> {
        let mut out = x;
        for block in blocks {
            out = block.affine.forward(out, train);
            if let Some(batch_norm) = &mut block.batch_norm {
                out = batch_norm.forward(out, train);
            }
            out = block.activation.layer_mut().forward(out, train);
            if let Some(dropout) = &mut block.dropout {
                out = dropout.forward(out, train);
            }
        }
        output.forward(out, train)
    }

    /// `0.5·λ·Σ‖W‖²` over every weight matrix, the output layer's included: the book's weight
    /// decay (§6.4.2).
    pub fn weight_decay_penalty(&self) -> T {
        let lambda = self.config.weight_decay_lambda;
        if lambda == 0.0 {
            return T::zero();
        }
        let squares = self
            .blocks
            .iter()
            .map(|block| &block.affine.weight)
            .chain([&self.output.weight])
            .fold(T::zero(), |acc, weight| acc + weight.norm_squared());
        T::cast(0.5 * lambda) * squares
    }

    /// The book's `loss(x, t, train_flg)`: cross-entropy of the softmax plus the weight decay
    /// penalty. `train = true` draws dropout masks and uses batch statistics (and updates the
    /// running ones); `train = false` is pure inference and touches no cache.
    pub fn loss(&mut self, x: &Matrix<T>, labels: &[usize], train: bool) -> T {
        if !train {
            return T::cast(self.evaluate(x, labels).loss);
        }
        let Self {
            blocks,
            output,
            last_layer,
            ..
        } = self;
        let scores = Self::forward_scores(blocks, output, x, true);
        last_layer.forward(scores, labels) + self.weight_decay_penalty()
    }

    /// The book's `gradient(x, t)`: a training-mode forward and the backward pass. The
    /// gradients stay in the layers (see [`params_mut`](Self::params_mut)); `∂/∂W` includes
    /// the decay term `λ·W`. Returns the training-mode loss.
    pub fn gradient(&mut self, x: &Matrix<T>, labels: &[usize]) -> T {
        let loss = self.loss(x, labels, true);
        let Self {
            blocks,
            output,
            last_layer,
            ..
        } = self;
        let mut dout = last_layer.backward();
        // The first layer's ∂L/∂x would be the gradient for the data: not computed.
        if blocks.is_empty() {
            output.backward_params_only(dout);
        } else {
            dout = output.backward(dout);
        }
        for (index, block) in blocks.iter_mut().enumerate().rev() {
            if let Some(dropout) = &mut block.dropout {
                dout = dropout.backward(dout);
            }
            dout = block.activation.layer_mut().backward(dout);
            if let Some(batch_norm) = &mut block.batch_norm {
                dout = batch_norm.backward(dout);
            }
            if index == 0 {
                block.affine.backward_params_only(dout);
            } else {
                dout = block.affine.backward(dout);
            }
        }
        let lambda = T::cast(self.config.weight_decay_lambda);
        if lambda != T::zero() {
            for affine in self
                .blocks
                .iter_mut()
                .map(|block| &mut block.affine)
                .chain([&mut self.output])
            {
                for (grad, &weight) in affine
                    .grad_weight
                    .as_mut_slice()
                    .iter_mut()
                    .zip(affine.weight.as_slice().iter())
                {
                    *grad += lambda * weight;
                }
            }
        }
        loss
    }

    /// Every parameter with its gradient, in the book's order `W1, b1, [gamma1, beta1,] W2, …`.
    pub fn params_mut(&mut self) -> impl Iterator<Item = Param<'_, T>> {
        let output = [
            Param {
                name: &self.output_names.weight,
                value: &mut self.output.weight,
                grad: &self.output.grad_weight,
            },
            Param {
                name: &self.output_names.bias,
                value: &mut self.output.bias,
                grad: &self.output.grad_bias,
            },
        ];
        self.blocks
            .iter_mut()
            .flat_map(HiddenBlock::params_mut)
            .chain(output)
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
        for dropout in self
            .blocks
            .iter_mut()
            .filter_map(|block| block.dropout.as_mut())
        {
            dropout.set_mask_frozen(frozen);
        }
    }

    /// The book's `numerical_gradient(x, t)`: central differences of the training-mode loss
    /// for every parameter, in [`params_mut`](Self::params_mut) order. Slow; for checks.
    /// Freeze dropout masks first (after one training forward) if dropout is on.
    pub fn numerical_gradient(
        &mut self,
        x: &Matrix<T>,
        labels: &[usize],
    ) -> Vec<(String, Matrix<T>)> {
        let names = self.param_names();
        names
            .into_iter()
            .map(|name| {
                let mut value = self
                    .param(&name)
                    .cloned()
                    .unwrap_or_else(|| Matrix::zeros(0, 0));
                let grad = scratchnet_tensor::numerical_gradient(&mut value, |perturbed| {
                    self.set_param(&name, perturbed);
                    self.loss(x, labels, true)
                });
                self.set_param(&name, &value);
                (name, grad)
            })
            .collect()
    }

    /// Copies `value` into the parameter `name` (same shape required).
    fn set_param(&mut self, name: &str, value: &Matrix<T>) {
        if let Some(param) = self.params_mut().find(|param| param.name == name) {
            param.value.copy_from(value);
        }
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

    fn gradient(&mut self, x: &Matrix<T>, labels: &[usize]) -> T {
        Self::gradient(self, x, labels)
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
