//! A network written once as a list of layers, the book's `OrderedDict`: [`Sequential`]
//! derives the training forward, the reversed backward, the named parameters, weight decay and
//! fast inference from it.

use crate::{
    ActivationFn, ActivationLayer, Affine, Batch, BatchNormalization, Dropout, Elementwise,
    Evaluation, Inference, InferenceBuffers, Layer, Network, Relu, Sigmoid, SoftmaxWithLoss, Stage,
    Step,
};
use scratchnet_tensor::{Float, Matrix, Param, Samples};
use std::any::Any;
use std::collections::{HashMap, HashSet};

/// A parameter as its layer lists it: the book's name without its number (`"W"`, `"b"`,
/// `"gamma"`, `"beta"`), its value and its gradient from the last `backward`.
#[derive(Debug)]
pub struct LayerParam<'a, T: Float> {
    /// The name's stem; [`Sequential`] appends the layer's number among layers with this stem.
    pub stem: &'static str,
    /// The value an optimizer updates.
    pub value: &'a mut Matrix<T>,
    /// `∂L/∂value`.
    pub grad: &'a Matrix<T>,
}

/// Clones a layer behind a `Box<dyn SequentialLayer>`; implemented for every `Clone` layer.
pub trait CloneLayer<T: Float> {
    /// A boxed copy of this layer.
    fn clone_layer(&self) -> Box<dyn SequentialLayer<T>>;

    /// This layer as [`Any`], so that a layer can recognise another of its own type
    /// ([`SequentialLayer::copy_inference_state_from`]).
    fn as_any(&self) -> &dyn Any;
}

impl<T: Float, L: SequentialLayer<T> + Clone + 'static> CloneLayer<T> for L {
    fn clone_layer(&self) -> Box<dyn SequentialLayer<T>> {
        Box::new(self.clone())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A layer that can sit in a [`Sequential`]: the book's [`Layer`] plus what a network derives
/// from it. Every method has a default, so a custom layer (a LayerNorm, say) implements only
/// [`params`](Self::params) (if it has parameters) and [`widths`](Self::widths) (if it fixes
/// them); it then runs unfused in inference through its own [`Layer::infer`].
pub trait SequentialLayer<T: Float>: Layer<T> + CloneLayer<T> {
    /// `(inputs, outputs)` if the layer fixes them (Affine, BatchNorm), `None` if it keeps
    /// whatever width it is given (activations, Dropout): checked when the network is built.
    fn widths(&self) -> Option<(usize, usize)> {
        None
    }

    /// The layer's own parameters and gradients, in a fixed order, so none can be forgotten.
    fn params(&mut self) -> Vec<LayerParam<'_, T>> {
        Vec::new()
    }

    /// `Some` for an affine layer: inference fuses the elementwise layers after it into its
    /// product, and weight decay applies to its weight.
    fn as_affine(&self) -> Option<&Affine<T>> {
        None
    }

    /// Mutable [`as_affine`](Self::as_affine), for weight decay's gradient term.
    fn as_affine_mut(&mut self) -> Option<&mut Affine<T>> {
        None
    }

    /// `Some` for a layer whose inference maps each value alone ([`Elementwise`]), so it fuses.
    fn as_elementwise(&self) -> Option<&dyn Elementwise<T>> {
        None
    }

    /// Backward of the first layer, whose `∂L/∂x` (the gradient for the data) is not needed.
    fn backward_params_only(&mut self, dout: &Matrix<T>) {
        self.backward(dout);
    }

    /// Forward for Monte-Carlo dropout: random layers draw as in training, every other layer
    /// infers (BatchNorm uses its running statistics and updates nothing).
    fn forward_sampled(&mut self, x: &Matrix<T>) -> &Matrix<T> {
        self.forward(x, false)
    }

    /// While frozen, a random layer reuses its last draw (for gradient checks).
    fn set_frozen(&mut self, _frozen: bool) {}

    /// Inference state that is not a parameter (BatchNorm's running mean and variance), in a
    /// fixed order: what a saved model keeps besides the parameters.
    fn running_state(&mut self) -> Vec<&mut Matrix<T>> {
        Vec::new()
    }

    /// Makes this layer infer like `source`, the layer at its place in another network, copying
    /// only what inference reads into this layer's own matrices: caches, gradients and random
    /// generators stay this layer's. Returns `false`, having changed nothing, when it cannot
    /// (the default, for a custom layer; `source` of another kind or setting): the network then
    /// clones `source` in its place.
    fn copy_inference_state_from(&mut self, _source: &dyn SequentialLayer<T>) -> bool {
        false
    }
}

/// `source` as a layer of type `L`, if it is one.
fn same_kind<T: Float, L: 'static>(source: &dyn SequentialLayer<T>) -> Option<&L> {
    source.as_any().downcast_ref::<L>()
}

/// Copies `from` into `into`, in place when the shapes agree.
fn assign<T: Float>(into: &mut Matrix<T>, from: &Matrix<T>) {
    if into.shape() == from.shape() {
        into.copy_from(from);
    } else {
        into.clone_from(from);
    }
}

impl<T: Float> SequentialLayer<T> for Affine<T> {
    fn widths(&self) -> Option<(usize, usize)> {
        Some((self.input_size(), self.output_size()))
    }

    fn params(&mut self) -> Vec<LayerParam<'_, T>> {
        vec![
            LayerParam {
                stem: "W",
                value: &mut self.weight,
                grad: &self.grad_weight,
            },
            LayerParam {
                stem: "b",
                value: &mut self.bias,
                grad: &self.grad_bias,
            },
        ]
    }

    fn as_affine(&self) -> Option<&Affine<T>> {
        Some(self)
    }

    fn as_affine_mut(&mut self) -> Option<&mut Affine<T>> {
        Some(self)
    }

    fn backward_params_only(&mut self, dout: &Matrix<T>) {
        Affine::backward_params_only(self, dout);
    }

    /// The weight and the bias.
    fn copy_inference_state_from(&mut self, source: &dyn SequentialLayer<T>) -> bool {
        let Some(source) = same_kind::<T, Self>(source) else {
            return false;
        };
        assign(&mut self.weight, &source.weight);
        assign(&mut self.bias, &source.bias);
        true
    }
}

impl<T: Float> SequentialLayer<T> for BatchNormalization<T> {
    fn widths(&self) -> Option<(usize, usize)> {
        Some((self.features(), self.features()))
    }

    fn params(&mut self) -> Vec<LayerParam<'_, T>> {
        vec![
            LayerParam {
                stem: "gamma",
                value: &mut self.gamma,
                grad: &self.grad_gamma,
            },
            LayerParam {
                stem: "beta",
                value: &mut self.beta,
                grad: &self.grad_beta,
            },
        ]
    }

    fn as_elementwise(&self) -> Option<&dyn Elementwise<T>> {
        Some(self)
    }

    fn running_state(&mut self) -> Vec<&mut Matrix<T>> {
        vec![&mut self.running_mean, &mut self.running_var]
    }

    /// γ, β and the running mean and variance.
    fn copy_inference_state_from(&mut self, source: &dyn SequentialLayer<T>) -> bool {
        let Some(source) = same_kind::<T, Self>(source) else {
            return false;
        };
        assign(&mut self.gamma, &source.gamma);
        assign(&mut self.beta, &source.beta);
        assign(&mut self.running_mean, &source.running_mean);
        assign(&mut self.running_var, &source.running_var);
        true
    }
}

impl<T: Float> SequentialLayer<T> for Relu<T> {
    fn as_elementwise(&self) -> Option<&dyn Elementwise<T>> {
        Some(self)
    }

    /// Nothing: inference reads no state of this layer.
    fn copy_inference_state_from(&mut self, source: &dyn SequentialLayer<T>) -> bool {
        same_kind::<T, Self>(source).is_some()
    }
}

impl<T: Float> SequentialLayer<T> for Sigmoid<T> {
    fn as_elementwise(&self) -> Option<&dyn Elementwise<T>> {
        Some(self)
    }

    /// Nothing: inference reads no state of this layer.
    fn copy_inference_state_from(&mut self, source: &dyn SequentialLayer<T>) -> bool {
        same_kind::<T, Self>(source).is_some()
    }
}

impl<F: ActivationFn, T: Float> SequentialLayer<T> for ActivationLayer<F, T> {
    fn as_elementwise(&self) -> Option<&dyn Elementwise<T>> {
        Some(self)
    }

    /// Nothing: inference reads no state of this layer.
    fn copy_inference_state_from(&mut self, source: &dyn SequentialLayer<T>) -> bool {
        same_kind::<T, Self>(source).is_some()
    }
}

impl<T: Float> SequentialLayer<T> for Dropout<T> {
    fn as_elementwise(&self) -> Option<&dyn Elementwise<T>> {
        Some(self)
    }

    /// Draws a new mask, as in training.
    fn forward_sampled(&mut self, x: &Matrix<T>) -> &Matrix<T> {
        self.forward(x, true)
    }

    fn set_frozen(&mut self, frozen: bool) {
        self.set_mask_frozen(frozen);
    }

    /// Nothing but a check that the ratio and mode agree: the random generator and the mask
    /// stay this layer's own, so a copy's Monte-Carlo draws are not its source's.
    fn copy_inference_state_from(&mut self, source: &dyn SequentialLayer<T>) -> bool {
        same_kind::<T, Self>(source).is_some_and(|source| {
            source.dropout_ratio() == self.dropout_ratio() && source.mode() == self.mode()
        })
    }
}

/// Why a list of layers is not a network.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SequentialError {
    /// No layer was pushed.
    #[error("a Sequential network needs at least one layer")]
    Empty,
    /// The first layer is not an `Affine` (it must read the samples: dense, sparse or bytes).
    #[error("the first layer must be an Affine layer (it reads the samples)")]
    FirstNotAffine,
    /// A layer's input width differs from the output width before it.
    #[error("layer {position} expects {expected} inputs, but the layers before it give {found}")]
    WidthMismatch {
        /// The layer's position, counting from 1.
        position: usize,
        /// Inputs the layer expects.
        expected: usize,
        /// Outputs of the layers before it.
        found: usize,
    },
    /// Two parameters got the same name (a custom layer listing a stem twice).
    #[error(
        "two parameters are named {0:?}: each parameter needs its own name and optimizer state"
    )]
    DuplicateName(String),
    /// The weight-decay λ is negative or not finite.
    #[error("the weight decay λ must be a finite number ≥ 0, got {0}")]
    InvalidWeightDecay(f64),
}

/// Layers in order, the book's `OrderedDict`, ending in `SoftmaxWithLoss`. Built by
/// [`SequentialBuilder`]; a [`Network`], so the `Trainer` trains it.
///
/// * training forward: every layer in order, then the loss (plus `0.5·λ·Σ‖W‖²`);
/// * backward: in reverse, the first layer without `∂L/∂x`; weight decay adds `λ·W` to every
///   Affine weight's gradient, as the book's `gradient` does;
/// * parameters: each layer's own, named the book's way by stem and number (`W1`, `b1`,
///   `gamma1`, `beta1`, `W2`, …: the *k*-th layer listing a stem gets number *k*);
/// * inference: each Affine fused with the elementwise layers after it, other layers by their
///   own `infer`.
///
/// ```
/// use scratchnet_layers::{Affine, Network, Relu, Sequential};
/// use scratchnet_tensor::{Matrix, random};
///
/// let mut rng = random::seeded(0);
/// let mut net = Sequential::<f64>::builder()
///     .push(Affine::random(4, 5, 0.1, &mut rng))
///     .push(Relu::new())
///     .push(Affine::random(5, 3, 0.1, &mut rng))
///     .build()?;
/// let x = Matrix::from_fn(2, 4, |i, j| (i + j) as f64 / 10.0);
/// assert!(net.gradient(&x, &[0, 2]) > 0.0);
/// let names: Vec<String> = net.params_mut().map(|p| p.name.to_string()).collect();
/// assert_eq!(names, ["W1", "b1", "W2", "b2"]);
/// # Ok::<(), scratchnet_layers::SequentialError>(())
/// ```
pub struct Sequential<T: Float = f32> {
    layers: Vec<Box<dyn SequentialLayer<T>>>,
    /// Each layer's parameter names, in its `params` order.
    names: Vec<Vec<String>>,
    last_layer: SoftmaxWithLoss<T>,
    weight_decay_lambda: f64,
    input_size: usize,
    output_size: usize,
    buffers: InferenceBuffers<T>,
}

impl<T: Float> Clone for Sequential<T> {
    fn clone(&self) -> Self {
        Self {
            layers: self
                .layers
                .iter()
                .map(|layer| layer.clone_layer())
                .collect(),
            names: self.names.clone(),
            last_layer: self.last_layer.clone(),
            weight_decay_lambda: self.weight_decay_lambda,
            input_size: self.input_size,
            output_size: self.output_size,
            buffers: InferenceBuffers::default(),
        }
    }

    /// Copies `source` into this network, keeping this network's inference buffers.
    fn clone_from(&mut self, source: &Self) {
        let buffers = std::mem::take(&mut self.buffers);
        *self = source.clone();
        self.buffers = buffers;
    }
}

/// Collects the layers of a [`Sequential`]; [`build`](Self::build) checks them.
pub struct SequentialBuilder<T: Float> {
    layers: Vec<Box<dyn SequentialLayer<T>>>,
    weight_decay_lambda: f64,
}

impl<T: Float> SequentialBuilder<T> {
    /// Appends a layer (the book's `self.layers['Affine1'] = …`).
    pub fn push(mut self, layer: impl SequentialLayer<T> + 'static) -> Self {
        self.layers.push(Box::new(layer));
        self
    }

    /// L2 weight decay λ on every Affine weight: the loss adds `0.5·λ·Σ‖W‖²` (default 0).
    pub fn weight_decay(mut self, lambda: f64) -> Self {
        self.weight_decay_lambda = lambda;
        self
    }

    /// The network, or why these layers are not one.
    pub fn build(mut self) -> Result<Sequential<T>, SequentialError> {
        let lambda = self.weight_decay_lambda;
        if !(lambda.is_finite() && lambda >= 0.0) {
            return Err(SequentialError::InvalidWeightDecay(lambda));
        }
        let (input_size, output_size) = check_widths(&self.layers)?;
        let names = name_params(&mut self.layers)?;
        Ok(Sequential {
            layers: self.layers,
            names,
            last_layer: SoftmaxWithLoss::new(),
            weight_decay_lambda: lambda,
            input_size,
            output_size,
            buffers: InferenceBuffers::default(),
        })
    }
}

/// The network's input and output widths, if every layer's inputs are the outputs before it.
fn check_widths<T: Float>(
    layers: &[Box<dyn SequentialLayer<T>>],
) -> Result<(usize, usize), SequentialError> {
    let first = layers.first().ok_or(SequentialError::Empty)?;
    let (input_size, mut width) = first
        .as_affine()
        .and(first.widths())
        .ok_or(SequentialError::FirstNotAffine)?;
    for (index, layer) in layers.iter().enumerate().skip(1) {
        if let Some((expected, outputs)) = layer.widths() {
            if expected != width {
                return Err(SequentialError::WidthMismatch {
                    position: index + 1,
                    expected,
                    found: width,
                });
            }
            width = outputs;
        }
    }
    Ok((input_size, width))
}

/// The book's names of every layer's parameters: stem and number; an error on a duplicate.
fn name_params<T: Float>(
    layers: &mut [Box<dyn SequentialLayer<T>>],
) -> Result<Vec<Vec<String>>, SequentialError> {
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    let mut seen = HashSet::new();
    let mut all = Vec::with_capacity(layers.len());
    for layer in layers {
        let stems: Vec<&'static str> = layer.params().iter().map(|param| param.stem).collect();
        let mut numbered: HashMap<&'static str, usize> = HashMap::new();
        let mut names = Vec::with_capacity(stems.len());
        for stem in stems {
            let number = *numbered.entry(stem).or_insert_with(|| {
                let count = counts.entry(stem).or_insert(0);
                *count += 1;
                *count
            });
            let name = format!("{stem}{number}");
            if !seen.insert(name.clone()) {
                return Err(SequentialError::DuplicateName(name));
            }
            names.push(name);
        }
        all.push(names);
    }
    Ok(all)
}

impl<T: Float> Sequential<T> {
    /// An empty list of layers to push onto.
    pub fn builder() -> SequentialBuilder<T> {
        SequentialBuilder {
            layers: Vec::new(),
            weight_decay_lambda: 0.0,
        }
    }

    /// The layers in order.
    pub fn layers(&self) -> impl Iterator<Item = &dyn SequentialLayer<T>> {
        self.layers.iter().map(|layer| &**layer)
    }

    /// The weight-decay λ.
    pub fn weight_decay_lambda(&self) -> f64 {
        self.weight_decay_lambda
    }

    /// `0.5·λ·Σ‖W‖²` over every Affine weight.
    pub fn weight_decay_penalty(&self) -> T {
        if self.weight_decay_lambda == 0.0 {
            return T::zero();
        }
        let squares = self
            .layers
            .iter()
            .filter_map(|layer| layer.as_affine())
            .fold(T::zero(), |acc, affine| acc + affine.weight.norm_squared());
        T::cast(0.5 * self.weight_decay_lambda) * squares
    }

    /// The book's `loss(x, t)` in training mode (masks drawn, batch statistics): the
    /// cross-entropy plus the weight-decay penalty, caching what `backward` needs.
    pub fn loss(&mut self, x: &Matrix<T>, labels: &[usize]) -> T {
        self.loss_of(Batch::Dense(x), labels)
    }

    /// [`Self::loss`] of a dense or sparse batch: the first Affine reads a sparse batch over its
    /// column split ([`Affine::forward_sparse`]).
    pub fn loss_of(&mut self, x: Batch<'_, T>, labels: &[usize]) -> T {
        let penalty = self.weight_decay_penalty();
        let Self {
            layers, last_layer, ..
        } = self;
        let (first, rest) = layers
            .split_first_mut()
            .expect("build checks a network has a layer");
        let mut out = match x {
            Batch::Sparse(x) => first_affine(first).forward_sparse(x),
            Batch::Dense(x) => first.forward(x, true),
        };
        for layer in rest.iter_mut() {
            out = layer.forward(out, true);
        }
        last_layer.forward(out, labels) + penalty
    }

    /// Scores for Monte-Carlo dropout: a forward pass in which every [`Dropout`] draws a new
    /// mask as in training, while every other layer infers (BatchNorm with its running
    /// statistics, updating nothing). No gradients, no caches for `backward`. Average the
    /// softmax of several calls for the MC-dropout prediction; the plain inference
    /// ([`Network::evaluate`], [`Self::predict`]) uses the dropout layers' scaling instead.
    pub fn predict_sampled(&mut self, x: &Matrix<T>) -> Matrix<T> {
        let mut out = x;
        for layer in self.layers.iter_mut() {
            out = layer.forward_sampled(out);
        }
        out.clone()
    }

    /// Scores (before softmax) in inference mode, by the fused inference.
    pub fn predict<'a>(&self, x: impl Into<Samples<'a, T>>) -> Matrix<T> {
        self.inference().predict(x.into())
    }

    /// Makes this network infer like `source`: each layer copies only what inference reads
    /// (parameters, BatchNorm's running statistics) into its own matrices
    /// ([`SequentialLayer::copy_inference_state_from`]), so caches, gradients, buffers and the
    /// Dropout layers' random generators stay this network's. A layer that cannot copy so is
    /// cloned from `source`, and so is a network of another length. A trainer refreshes its
    /// evaluation snapshot this way every epoch, without allocating.
    pub fn copy_inference_state_from(&mut self, source: &Self) {
        if self.layers.len() != source.layers.len() {
            self.clone_from(source);
            return;
        }
        for (layer, from) in self.layers.iter_mut().zip(&source.layers) {
            if !layer.copy_inference_state_from(&**from) {
                *layer = from.clone_layer();
            }
        }
        self.names.clone_from(&source.names);
        self.weight_decay_lambda = source.weight_decay_lambda;
        self.input_size = source.input_size;
        self.output_size = source.output_size;
    }

    /// Every layer's [`SequentialLayer::running_state`], in layer order.
    pub fn running_state(&mut self) -> impl Iterator<Item = &mut Matrix<T>> {
        self.layers
            .iter_mut()
            .flat_map(|layer| layer.running_state())
    }

    /// While frozen, every random layer (Dropout) reuses its last mask: a gradient check needs
    /// the same network function for every perturbed evaluation.
    pub fn set_frozen(&mut self, frozen: bool) {
        for layer in &mut self.layers {
            layer.set_frozen(frozen);
        }
    }

    /// The book's `numerical_gradient(x, t)`: central differences of the training-mode loss
    /// for every parameter, in [`Network::params_mut`] order. Slow; for checks (in `f64`, with
    /// random layers frozen after one training forward).
    pub fn numerical_gradient(
        &mut self,
        x: &Matrix<T>,
        labels: &[usize],
    ) -> Vec<(String, Matrix<T>)> {
        let names: Vec<String> = self.names.iter().flatten().cloned().collect();
        names
            .into_iter()
            .map(|name| {
                let mut value = self.param_value(&name);
                let grad = scratchnet_tensor::numerical_gradient(&mut value, |perturbed| {
                    self.set_param(&name, perturbed);
                    self.loss(x, labels)
                });
                self.set_param(&name, &value);
                (name, grad)
            })
            .collect()
    }

    /// A copy of the parameter `name`'s value.
    fn param_value(&mut self, name: &str) -> Matrix<T> {
        self.params_mut()
            .find(|param| param.name == name)
            .map_or_else(|| Matrix::zeros(0, 0), |param| param.value.clone())
    }

    /// Copies `value` into the parameter `name`.
    fn set_param(&mut self, name: &str, value: &Matrix<T>) {
        if let Some(param) = self.params_mut().find(|param| param.name == name) {
            param.value.copy_from(value);
        }
    }

    /// The layers as inference steps: each Affine with the elementwise layers after it.
    fn inference(&self) -> Inference<'_, T> {
        let mut steps: Vec<Step<'_, T>> = Vec::new();
        for layer in &self.layers {
            if let Some(affine) = layer.as_affine() {
                steps.push(Step::Stage(Stage {
                    affine,
                    elementwise: Vec::new(),
                }));
                continue;
            }
            match (steps.last_mut(), layer.as_elementwise()) {
                (Some(Step::Stage(stage)), Some(elementwise)) => {
                    stage.elementwise.push(elementwise)
                }
                _ => steps.push(Step::Layer(layer.as_layer())),
            }
        }
        Inference::from_steps(steps, &self.buffers)
    }
}

/// The first layer as the Affine that [`SequentialBuilder::build`] checked it is.
fn first_affine<T: Float>(first: &mut Box<dyn SequentialLayer<T>>) -> &mut Affine<T> {
    first
        .as_affine_mut()
        .expect("build checks the first layer is an Affine")
}

/// `&dyn SequentialLayer` as `&dyn Layer`.
trait AsLayer<T: Float> {
    fn as_layer(&self) -> &dyn Layer<T>;
}

impl<T: Float> AsLayer<T> for Box<dyn SequentialLayer<T>> {
    fn as_layer(&self) -> &dyn Layer<T> {
        &**self
    }
}

impl<T: Float> Network<T> for Sequential<T> {
    fn input_size(&self) -> usize {
        self.input_size
    }

    fn output_size(&self) -> usize {
        self.output_size
    }

    fn gradient<'a>(&mut self, x: impl Into<Batch<'a, T>>, labels: &[usize]) -> T {
        let x = x.into();
        let loss = self.loss_of(x, labels);
        let Self {
            layers,
            last_layer,
            weight_decay_lambda,
            ..
        } = self;
        let mut dout = last_layer.backward();
        let (first, rest) = layers
            .split_first_mut()
            .expect("build checks a network has a layer");
        for layer in rest.iter_mut().rev() {
            dout = layer.backward(dout);
        }
        match x {
            Batch::Sparse(x) => first_affine(first).backward_params_sparse(x, dout),
            Batch::Dense(_) => first.backward_params_only(dout),
        }
        let lambda = T::cast(*weight_decay_lambda);
        if lambda != T::zero() {
            for affine in layers.iter_mut().filter_map(|layer| layer.as_affine_mut()) {
                let weights = affine.weight.as_slice().iter();
                for (grad, &weight) in affine.grad_weight.as_mut_slice().iter_mut().zip(weights) {
                    *grad += lambda * weight;
                }
            }
        }
        loss
    }

    fn takes_sparse_batches(&self) -> bool {
        true
    }

    fn params_mut(&mut self) -> impl Iterator<Item = Param<'_, T>> {
        self.layers
            .iter_mut()
            .zip(&self.names)
            .flat_map(|(layer, names)| {
                layer
                    .params()
                    .into_iter()
                    .zip(names)
                    .map(|(param, name)| Param {
                        name,
                        value: param.value,
                        grad: param.grad,
                    })
            })
    }

    fn evaluate(&self, x: Samples<'_, T>, labels: &[usize]) -> Evaluation {
        let evaluation = self.inference().evaluate(x, labels);
        Evaluation {
            loss: evaluation.loss + self.weight_decay_penalty().as_f64(),
            ..evaluation
        }
    }

    fn accuracy(&self, x: Samples<'_, T>, labels: &[usize]) -> f64 {
        self.inference().accuracy(x, labels)
    }

    fn copy_inference_state_from(&mut self, source: &Self) {
        Self::copy_inference_state_from(self, source);
    }
}
