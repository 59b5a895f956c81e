//! `Sequential`: the same bits as the network written by hand, gradients that match central
//! differences (with BatchNorm, Dropout, weight decay, a custom activation and a custom
//! non-elementwise layer), fused inference equal to layer-by-layer inference, and the
//! construction errors.

use scratchnet_layers::{
    ActivationFn, ActivationLayer, Affine, BatchNormalization, Dropout, DropoutMode, Layer,
    LayerParam, Network, Relu, Sequential, SequentialError, SequentialLayer, SoftmaxWithLoss,
};
use scratchnet_tensor::random::{self, Purpose, seeded, stream};
use scratchnet_tensor::{Float, Matrix, Samples, SparseRows};

/// `tanh`, a custom activation.
#[derive(Clone, Copy, Debug)]
struct Tanh;

impl ActivationFn for Tanh {
    fn value<T: Float>(x: T) -> T {
        x.tanh()
    }
    fn derivative<T: Float>(_x: T, y: T) -> T {
        T::one() - y * y
    }
}

/// Layer normalisation over each row, `γ·(x − μ_row)/σ_row + β`: a custom layer that is not
/// elementwise, with parameters.
#[derive(Clone, Debug)]
struct LayerNorm {
    gamma: Matrix<f64>,
    beta: Matrix<f64>,
    grad_gamma: Matrix<f64>,
    grad_beta: Matrix<f64>,
    xhat: Matrix<f64>,
    inv_std: Vec<f64>,
    out: Matrix<f64>,
    dx: Matrix<f64>,
}

impl LayerNorm {
    fn new(width: usize) -> Self {
        let zeros = Matrix::zeros(1, width);
        Self {
            gamma: Matrix::from_fn(1, width, |_, j| 1.0 + 0.1 * j as f64),
            beta: Matrix::from_fn(1, width, |_, j| 0.05 * j as f64),
            grad_gamma: zeros.clone(),
            grad_beta: zeros,
            xhat: Matrix::zeros(0, 0),
            inv_std: Vec::new(),
            out: Matrix::zeros(0, 0),
            dx: Matrix::zeros(0, 0),
        }
    }

    /// `x̂` and `1/σ` of every row.
    fn normalise(x: &Matrix<f64>) -> (Matrix<f64>, Vec<f64>) {
        let width = x.ncols() as f64;
        let mut xhat = x.clone();
        let mut inv_std = Vec::with_capacity(x.nrows());
        for i in 0..x.nrows() {
            let mean = (0..x.ncols()).map(|j| x[(i, j)]).sum::<f64>() / width;
            let var = (0..x.ncols())
                .map(|j| (x[(i, j)] - mean).powi(2))
                .sum::<f64>()
                / width;
            let inv = 1.0 / (var + 1e-6).sqrt();
            for j in 0..x.ncols() {
                xhat[(i, j)] = (x[(i, j)] - mean) * inv;
            }
            inv_std.push(inv);
        }
        (xhat, inv_std)
    }

    fn scale(&self, xhat: &Matrix<f64>) -> Matrix<f64> {
        Matrix::from_fn(xhat.nrows(), xhat.ncols(), |i, j| {
            self.gamma[(0, j)] * xhat[(i, j)] + self.beta[(0, j)]
        })
    }
}

impl Layer<f64> for LayerNorm {
    fn forward(&mut self, x: &Matrix<f64>, train: bool) -> &Matrix<f64> {
        let (xhat, inv_std) = Self::normalise(x);
        self.out = self.scale(&xhat);
        if train {
            (self.xhat, self.inv_std) = (xhat, inv_std);
        }
        &self.out
    }

    fn backward(&mut self, dout: &Matrix<f64>) -> &Matrix<f64> {
        let (rows, width) = dout.shape();
        self.grad_gamma = Matrix::from_fn(1, width, |_, j| {
            (0..rows).map(|i| dout[(i, j)] * self.xhat[(i, j)]).sum()
        });
        self.grad_beta = Matrix::from_fn(1, width, |_, j| (0..rows).map(|i| dout[(i, j)]).sum());
        let dxhat = Matrix::from_fn(rows, width, |i, j| dout[(i, j)] * self.gamma[(0, j)]);
        self.dx = Matrix::from_fn(rows, width, |i, j| {
            let n = width as f64;
            let mean_d = (0..width).map(|k| dxhat[(i, k)]).sum::<f64>() / n;
            let mean_dx = (0..width)
                .map(|k| dxhat[(i, k)] * self.xhat[(i, k)])
                .sum::<f64>()
                / n;
            self.inv_std[i] * (dxhat[(i, j)] - mean_d - self.xhat[(i, j)] * mean_dx)
        });
        &self.dx
    }

    fn infer(&self, x: &Matrix<f64>, out: &mut Matrix<f64>) {
        *out = self.scale(&Self::normalise(x).0);
    }
}

impl SequentialLayer<f64> for LayerNorm {
    fn widths(&self) -> Option<(usize, usize)> {
        Some((self.gamma.ncols(), self.gamma.ncols()))
    }

    fn params(&mut self) -> Vec<LayerParam<'_, f64>> {
        vec![
            LayerParam {
                stem: "ln_gamma",
                value: &mut self.gamma,
                grad: &self.grad_gamma,
            },
            LayerParam {
                stem: "ln_beta",
                value: &mut self.beta,
                grad: &self.grad_beta,
            },
        ]
    }
}

fn inputs(rows: usize, cols: usize, seed: u64) -> (Matrix<f64>, Vec<usize>) {
    let x = random::normal_matrix(rows, cols, 1.0, &mut seeded(seed));
    let labels = (0..rows).map(|i| (i * 7 + 1) % 3).collect();
    (x, labels)
}

/// Every layer kind: Affine, BatchNorm, ReLU, Dropout, tanh, LayerNorm; weight decay.
fn everything(mode: DropoutMode) -> Sequential<f64> {
    let mut rng = seeded(1);
    // A non-zero bias keeps every row's LayerNorm input spread out, even when dropout zeroes
    // the whole row before it (a constant row has σ ≈ √ε and an ill-conditioned check).
    let mut second = Affine::random(5, 4, 0.5, &mut rng);
    second.bias = Matrix::from_row_slice(1, 4, &[0.6, -0.4, 0.2, -0.8]);
    Sequential::builder()
        .push(Affine::random(6, 5, 0.5, &mut rng))
        .push(BatchNormalization::with_features(5))
        .push(Relu::new())
        .push(Dropout::new(0.3, mode, stream(&rng, Purpose::Dropout, 1)))
        .push(second)
        .push(ActivationLayer::<Tanh, f64>::new())
        .push(LayerNorm::new(4))
        .push(Affine::random(4, 3, 0.5, &mut rng))
        .weight_decay(0.1)
        .build()
        .expect("a valid network")
}

#[test]
fn gradients_match_central_differences() {
    for mode in [DropoutMode::Book, DropoutMode::Inverted] {
        let mut net = everything(mode);
        let (x, labels) = inputs(7, 6, 2);
        net.gradient(&x, &labels); // draws the masks, which the check then keeps
        net.set_frozen(true);
        net.gradient(&x, &labels);
        let analytic: Vec<(String, Matrix<f64>)> = net
            .params_mut()
            .map(|param| (param.name.to_string(), param.grad.clone()))
            .collect();
        let numeric = net.numerical_gradient(&x, &labels);
        let names: Vec<&str> = analytic.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "W1",
                "b1",
                "gamma1",
                "beta1",
                "W2",
                "b2",
                "ln_gamma1",
                "ln_beta1",
                "W3",
                "b3"
            ]
        );
        for ((name, analytic), (_, numeric)) in analytic.iter().zip(&numeric) {
            let error = (analytic - numeric).abs().max();
            assert!(error < 1e-6, "{name} {mode:?}: error {error:e}");
        }
    }
}

#[test]
fn a_sequential_network_gives_the_bits_of_the_same_network_by_hand() {
    let (x, labels) = inputs(20, 6, 3);
    let x = x.map(|v| v as f32);
    let mut rng = seeded(4);
    let mut affine1 = Affine::<f32>::random(6, 8, 0.3, &mut rng);
    let mut relu = Relu::new();
    let mut affine2 = Affine::<f32>::random(8, 3, 0.3, &mut rng);
    let mut net = Sequential::builder()
        .push(affine1.clone())
        .push(Relu::new())
        .push(affine2.clone())
        .build()
        .unwrap();
    let mut last = SoftmaxWithLoss::new();
    for _ in 0..3 {
        let scores = affine2.forward(relu.forward(affine1.forward(&x, true), true), true);
        let loss = last.forward(scores, &labels);
        let dout = relu.backward(affine2.backward(last.backward())).clone();
        affine1.backward_params_only(&dout);
        assert_eq!(net.gradient(&x, &labels), loss);
        let by_hand = [
            &affine1.grad_weight,
            &affine1.grad_bias,
            &affine2.grad_weight,
            &affine2.grad_bias,
        ];
        for (param, expected) in net.params_mut().zip(by_hand) {
            assert_eq!(param.grad, expected, "{}", param.name);
            param.value.apply(|v| *v *= 0.9);
        }
        for affine in [&mut affine1, &mut affine2] {
            affine.weight.apply(|v| *v *= 0.9);
            affine.bias.apply(|v| *v *= 0.9);
        }
    }
}

#[test]
fn fused_inference_equals_layer_by_layer_inference() {
    let mut net = everything(DropoutMode::Book);
    let (x, labels) = inputs(30, 6, 5);
    for _ in 0..3 {
        net.gradient(&x, &labels); // moves the BatchNorm statistics off zero
    }
    let (x, labels) = inputs(1200, 6, 6); // more than one inference chunk
    let mut current = x.clone();
    let mut next = Matrix::zeros(0, 0);
    for layer in net.layers() {
        layer.infer(&current, &mut next);
        std::mem::swap(&mut current, &mut next);
    }
    let fused = net.predict(&x);
    assert!((&fused - &current).abs().max() < 1e-12);
    let x_pos = x.map(|v| v.max(0.0));
    let sparse = net.predict(&SparseRows::from_dense(&x_pos));
    assert!((sparse - net.predict(&x_pos)).abs().max() < 1e-9);
    let evaluation = net.evaluate(Samples::from(&x), &labels);
    assert_eq!(
        evaluation.accuracy,
        net.accuracy(Samples::from(&x), &labels)
    );
}

#[test]
fn a_custom_activation_layer_computes_its_function_and_derivative() {
    let mut layer = ActivationLayer::<Tanh, f64>::new();
    let x = Matrix::from_row_slice(1, 3, &[0.0, 1.0, -2.0]);
    let out = layer.forward(&x, true).clone();
    assert_eq!(out, x.map(f64::tanh));
    let mut inferred = Matrix::zeros(0, 0);
    layer.infer(&x, &mut inferred);
    assert_eq!(inferred, out);
    layer.forward(&Matrix::from_element(1, 3, 5.0), false); // inference keeps the training cache
    let dx = layer.backward(&Matrix::from_element(1, 3, 1.0)).clone();
    assert_eq!(dx, out.map(|y| 1.0 - y * y));
}

#[test]
fn a_custom_activation_fuses_bit_for_bit() {
    let mut rng = seeded(7);
    let net = Sequential::<f32>::builder()
        .push(Affine::random(6, 9, 0.5, &mut rng))
        .push(ActivationLayer::<Tanh, f32>::new())
        .push(Affine::random(9, 3, 0.5, &mut rng))
        .build()
        .unwrap();
    let x = random::normal_matrix::<f32>(600, 6, 1.0, &mut seeded(8));
    let mut current = x.clone();
    let mut next = Matrix::zeros(0, 0);
    for layer in net.layers() {
        layer.infer(&current, &mut next);
        std::mem::swap(&mut current, &mut next);
    }
    assert_eq!(net.predict(&x), current);
}

#[test]
fn monte_carlo_dropout_draws_masks_and_plain_inference_does_not() {
    let mut rng = seeded(10);
    let mut net = Sequential::<f64>::builder()
        .push(Affine::random(6, 20, 0.5, &mut rng))
        .push(Relu::new())
        .push(Dropout::new(
            0.5,
            DropoutMode::Inverted,
            stream(&rng, Purpose::Dropout, 1),
        ))
        .push(Affine::random(20, 3, 0.5, &mut rng))
        .build()
        .unwrap();
    let (x, _) = inputs(4, 6, 12);
    let (first, second) = (net.predict_sampled(&x), net.predict_sampled(&x));
    assert_ne!(first, second, "each call draws new masks");
    assert_eq!(net.predict(&x), net.predict(&x));
}

#[test]
fn a_wrong_architecture_fails_at_construction() {
    let mut rng = seeded(13);
    let empty = Sequential::<f64>::builder().build();
    assert_eq!(empty.err(), Some(SequentialError::Empty));
    let relu_first = Sequential::<f64>::builder()
        .push(Relu::new())
        .push(Affine::random(4, 3, 0.1, &mut rng))
        .build();
    assert_eq!(relu_first.err(), Some(SequentialError::FirstNotAffine));
    let mismatch = Sequential::<f64>::builder()
        .push(Affine::random(4, 5, 0.1, &mut rng))
        .push(Relu::new())
        .push(BatchNormalization::with_features(6))
        .build();
    let error = mismatch.err().expect("5 outputs into 6 inputs");
    assert_eq!(
        error,
        SequentialError::WidthMismatch {
            position: 3,
            expected: 6,
            found: 5
        }
    );
    assert_eq!(
        error.to_string(),
        "layer 3 expects 6 inputs, but the layers before it give 5"
    );
    let negative = Sequential::<f64>::builder()
        .push(Affine::random(4, 5, 0.1, &mut rng))
        .weight_decay(-1.0)
        .build();
    assert_eq!(
        negative.err(),
        Some(SequentialError::InvalidWeightDecay(-1.0))
    );
}

/// A layer that lists the same parameter stem twice.
#[derive(Clone)]
struct TwoWeights(Affine<f64>);

impl Layer<f64> for TwoWeights {
    fn forward(&mut self, x: &Matrix<f64>, train: bool) -> &Matrix<f64> {
        self.0.forward(x, train)
    }
    fn backward(&mut self, dout: &Matrix<f64>) -> &Matrix<f64> {
        self.0.backward(dout)
    }
    fn infer(&self, x: &Matrix<f64>, out: &mut Matrix<f64>) {
        self.0.infer(x, out);
    }
}

impl SequentialLayer<f64> for TwoWeights {
    fn params(&mut self) -> Vec<LayerParam<'_, f64>> {
        let affine = &mut self.0;
        vec![
            LayerParam {
                stem: "W",
                value: &mut affine.weight,
                grad: &affine.grad_weight,
            },
            LayerParam {
                stem: "W",
                value: &mut affine.bias,
                grad: &affine.grad_bias,
            },
        ]
    }
}

#[test]
fn duplicate_parameter_names_are_an_error_not_shared_state() {
    let mut rng = seeded(14);
    let duplicated = Sequential::<f64>::builder()
        .push(Affine::random(4, 4, 0.1, &mut rng))
        .push(TwoWeights(Affine::random(4, 3, 0.1, &mut rng)))
        .build();
    assert_eq!(
        duplicated.err(),
        Some(SequentialError::DuplicateName("W2".into()))
    );
}

/// The mask the first Dropout layer of `net` drew last.
fn dropout_mask(net: &Sequential<f64>) -> Matrix<f64> {
    net.layers()
        .find_map(|layer| layer.as_any().downcast_ref::<Dropout<f64>>())
        .expect("a Dropout layer")
        .mask()
        .clone()
}

/// A trainer's evaluation snapshot: after `copy_inference_state_from` it infers exactly like
/// its source (parameters, BatchNorm's running statistics, the custom layer), while its Dropout
/// generator is its own — its next mask is the one an untouched clone draws, not the source's.
#[test]
fn copying_the_inference_state_leaves_the_dropout_generators_alone() {
    let mut source = everything(DropoutMode::Book);
    let (mut copy, mut untouched) = (source.clone(), source.clone());
    let (x, labels) = inputs(8, 6, 21);
    for _ in 0..3 {
        source.gradient(&x, &labels);
        for param in source.params_mut() {
            let step = param.grad * 0.1;
            *param.value -= step;
        }
    }
    assert_ne!(copy.predict(&x), source.predict(&x));
    copy.copy_inference_state_from(&source);
    assert_eq!(copy.predict(&x), source.predict(&x));
    assert_eq!(
        copy.evaluate(Samples::from(&x), &labels),
        source.evaluate(Samples::from(&x), &labels)
    );

    for net in [&mut source, &mut copy, &mut untouched] {
        net.predict_sampled(&x);
    }
    assert_eq!(dropout_mask(&copy), dropout_mask(&untouched));
    assert_ne!(dropout_mask(&copy), dropout_mask(&source));

    // A network of another shape becomes a copy of the source.
    let mut other = Sequential::<f64>::builder()
        .push(Affine::random(6, 3, 0.5, &mut seeded(2)))
        .build()
        .unwrap();
    other.copy_inference_state_from(&source);
    assert_eq!(other.predict(&x), source.predict(&x));
}
