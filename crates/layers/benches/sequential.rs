//! A `Sequential` network against the same network written by hand (the book's chapter-5
//! TwoLayerNet, 784 → 50 ReLU → 10, batch 100, f32): one training step each — forward, backward
//! and a plain SGD update — on MNIST-like synthetic data (81% zero pixels). Both give the same
//! bits (`tests/sequential.rs`); this shows what the derived passes cost. `cargo bench -p
//! scratchnet-layers`.

use criterion::{Criterion, criterion_group, criterion_main};
use scratchnet_layers::{Affine, Layer, Network, Relu, Sequential, SoftmaxWithLoss};
use scratchnet_tensor::Matrix;
use scratchnet_tensor::random::{self, seeded};
use std::hint::black_box;

const BATCH: usize = 100;
const INPUTS: usize = 784;
const HIDDEN: usize = 50;
const CLASSES: usize = 10;
const LEARNING_RATE: f32 = 0.1;

/// The network by hand: its layers, and the forward and reversed backward pass written out.
struct ByHand {
    affine1: Affine<f32>,
    relu: Relu<f32>,
    affine2: Affine<f32>,
    last: SoftmaxWithLoss<f32>,
}

impl ByHand {
    fn step(&mut self, x: &Matrix<f32>, labels: &[usize]) -> f32 {
        let hidden = self.relu.forward(self.affine1.forward(x, true), true);
        let loss = self
            .last
            .forward(self.affine2.forward(hidden, true), labels);
        let dout = self
            .relu
            .backward(self.affine2.backward(self.last.backward()));
        self.affine1.backward_params_only(dout);
        for affine in [&mut self.affine1, &mut self.affine2] {
            sgd(&mut affine.weight, &affine.grad_weight);
            sgd(&mut affine.bias, &affine.grad_bias);
        }
        loss
    }
}

/// The book's SGD: `value -= lr · grad`.
fn sgd(value: &mut Matrix<f32>, grad: &Matrix<f32>) {
    value.zip_apply(grad, |v, g| *v -= LEARNING_RATE * g);
}

fn sequential_step(net: &mut Sequential<f32>, x: &Matrix<f32>, labels: &[usize]) -> f32 {
    let loss = net.gradient(x, labels);
    for param in net.params_mut() {
        sgd(param.value, param.grad);
    }
    loss
}

/// A batch of MNIST-like images (≈81% zeros: a standard normal is below 0.878 with probability
/// 0.81) and labels.
fn batch() -> (Matrix<f32>, Vec<usize>) {
    let normal = random::normal_matrix(BATCH, INPUTS, 1.0, &mut seeded(7));
    let x = normal.map(|v: f64| {
        if v < 0.878 {
            0.0
        } else {
            (v - 0.878).min(1.0) as f32
        }
    });
    let labels = (0..BATCH).map(|i| i % CLASSES).collect();
    (x, labels)
}

fn step(c: &mut Criterion) {
    let (x, labels) = batch();
    let mut rng = random::seeded(0);
    let affine1 = Affine::<f32>::random(INPUTS, HIDDEN, 0.01, &mut rng);
    let affine2 = Affine::<f32>::random(HIDDEN, CLASSES, 0.01, &mut rng);
    let mut by_hand = ByHand {
        affine1: affine1.clone(),
        relu: Relu::new(),
        affine2: affine2.clone(),
        last: SoftmaxWithLoss::new(),
    };
    let mut sequential = Sequential::builder()
        .push(affine1)
        .push(Relu::new())
        .push(affine2)
        .build()
        .expect("a valid network");
    let mut group = c.benchmark_group("two_layer_net_step");
    group.bench_function("by_hand", |b| {
        b.iter(|| black_box(by_hand.step(&x, &labels)))
    });
    group.bench_function("sequential", |b| {
        b.iter(|| black_box(sequential_step(&mut sequential, &x, &labels)))
    });
    group.finish();
}

criterion_group!(benches, step);
criterion_main!(benches);
