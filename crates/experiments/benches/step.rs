//! Criterion benchmarks of the seed network (784 → [100]×6 → 10, ReLU, He, book dropout 0.2,
//! f32) on synthetic MNIST-like data (81% zero pixels), so they need no data set: one training
//! step at batch 100 (gradient + plain SGD update) and one evaluation of 10,000 samples (`accuracy`).
//!
//! Throughput is reported in "elements" = dense matrix-product FLOPs, so criterion's
//! `Gelem/s` reads as GFLOP/s. `cargo bench -p scratchnet-experiments`; `cargo xtask bench`
//! measures the same two things on MNIST.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scratchnet_experiments::RunConfig;
use scratchnet_network::MultiLayerNetExtend;
use scratchnet_tensor::{Matrix, random};
use std::hint::black_box;

const BATCH: usize = 100;
const EVAL_SAMPLES: usize = 10_000;
const LEARNING_RATE: f32 = 0.01;
/// Fraction of MNIST's training pixels that are exactly 0.
const ZERO_PIXELS: f32 = 0.81;

/// Σ n_in·n_out over the Affine layers of the seed network.
fn weights_per_sample() -> u64 {
    RunConfig::default()
        .mnist_network()
        .layer_sizes()
        .windows(2)
        .map(|pair| (pair[0] * pair[1]) as u64)
        .sum()
}

fn seed_network(rng: &mut random::Rng) -> MultiLayerNetExtend<f32> {
    let seed_experiment = RunConfig {
        dropout: 0.2,
        ..RunConfig::default()
    };
    MultiLayerNetExtend::new(seed_experiment.mnist_network(), rng)
        .expect("the seed configuration is valid")
}

/// Random "images" in [0, 1) with MNIST's share of zero pixels (≈81%), so that code exploiting
/// input sparsity sees what it sees on MNIST.
fn mnist_like(rows: usize, rng: &mut random::Rng) -> Matrix<f32> {
    let uniform: Matrix<f32> =
        random::uniform_matrix(rows, scratchnet_experiments::IMAGE_PIXELS, rng);
    uniform.map(|u| {
        if u < ZERO_PIXELS {
            0.0
        } else {
            (u - ZERO_PIXELS) / (1.0 - ZERO_PIXELS)
        }
    })
}

fn labels(n: usize) -> Vec<usize> {
    (0..n).map(|i| (i * 7) % 10).collect()
}

fn seed_network_benches(c: &mut Criterion) {
    let mut rng = random::seeded(0);
    let mut network = seed_network(&mut rng);
    let x = mnist_like(BATCH, &mut rng);
    let t = labels(BATCH);
    let x_test = mnist_like(EVAL_SAMPLES, &mut rng);
    let t_test = labels(EVAL_SAMPLES);

    let mut group = c.benchmark_group("seed_network");
    // Forward 2·B·Σ, backward twice that (dW and dx of every Affine).
    group.throughput(Throughput::Elements(
        3 * 2 * BATCH as u64 * weights_per_sample(),
    ));
    group.bench_function("train_step_b100", |b| {
        b.iter(|| {
            black_box(network.gradient(&x, &t));
            for param in network.params_mut() {
                for (value, grad) in param
                    .value
                    .as_mut_slice()
                    .iter_mut()
                    .zip(param.grad.as_slice())
                {
                    *value -= LEARNING_RATE * grad;
                }
            }
        })
    });
    group.throughput(Throughput::Elements(
        2 * EVAL_SAMPLES as u64 * weights_per_sample(),
    ));
    group.sample_size(20);
    group.bench_function("evaluate_n10000", |b| {
        b.iter(|| black_box(network.accuracy(&x_test, &t_test)))
    });
    group.finish();
}

criterion_group!(benches, seed_network_benches);
criterion_main!(benches);
