//! Issue 18, rule 2: a training step whose first layer reads sparse rows (the batches a trainer
//! gathers from byte-stored images) agrees with a plain dense `f64` computation of the same
//! step.

use scratchnet_layers::{Batch, DropoutMode, Network};
use scratchnet_network::{DropoutConfig, MultiLayerNetExtend, NetworkConfig};
use scratchnet_optim::{AnyOptimizer, Optimizer, by_name};
use scratchnet_tensor::{ByteRows, Matrix, SparseRows, random};

const FEATURES: usize = 64;
const SAMPLES: usize = 200;
const BATCH: usize = 50;
const STEPS: usize = 4;

/// Largest difference allowed between a parameter after the `f32` sparse steps and after the
/// `f64` dense steps, relative to `1 + |value|`.
///
/// Why 1e-5: the two computations differ only by rounding. One `f32` sum of `n` products has a
/// relative error of at most `n·u` (`u = 2⁻²⁴ ≈ 6e-8`), so the first layer's 64-term products
/// and 50-term weight gradients are within ≈ 4e-6 of the exact values, and BatchNorm's division
/// by a batch standard deviation amplifies that by at most a few times per step. Four steps
/// stay well below 1e-5 (observed: ≤ 7e-8, the `f32` rounding of the values themselves), while a wrong term (an entry dropped or put in the
/// wrong row of `dW`) changes a parameter by the learning rate times a gradient entry,
/// ≈ 1e-3 or more, and fails.
const TOLERANCE: f64 = 1e-5;

/// Byte images: a bright centre (columns 16..32, non-zero in most rows, stored dense) and a
/// sparse rest (≈ 15% non-zero), like MNIST.
fn pixels() -> Vec<u8> {
    let noise: Matrix<f64> = random::uniform_matrix(SAMPLES, FEATURES, &mut random::seeded(11));
    (0..SAMPLES * FEATURES)
        .map(|i| {
            let (row, column) = (i / FEATURES, i % FEATURES);
            let v = noise[(row, column)];
            let keep = if (16..32).contains(&column) {
                0.2
            } else {
                0.85
            };
            if v > keep { (v * 255.0) as u8 | 1 } else { 0 }
        })
        .collect()
}

/// A network of `config` in both scalars, the `f64` one holding the `f32` one's parameters
/// exactly (and, built from the same seed, the same dropout streams).
fn networks(config: &NetworkConfig) -> (MultiLayerNetExtend<f32>, MultiLayerNetExtend<f64>) {
    let single =
        MultiLayerNetExtend::<f32>::new(config.clone(), &mut random::seeded(5)).expect("a network");
    let mut double =
        MultiLayerNetExtend::<f64>::new(config.clone(), &mut random::seeded(5)).expect("a network");
    let mut single_copy = single.clone();
    for (target, source) in double.params_mut().zip(single_copy.params_mut()) {
        *target.value = source.value.map(f64::from);
    }
    (single, double)
}

/// The largest `|a − b| / (1 + |b|)` over every parameter.
fn largest_difference(
    single: &mut MultiLayerNetExtend<f32>,
    double: &mut MultiLayerNetExtend<f64>,
) -> f64 {
    single
        .params_mut()
        .zip(double.params_mut())
        .flat_map(|(a, b)| {
            let a = a.value.map(f64::from);
            let b = b.value.clone();
            a.iter()
                .zip(b.iter())
                .map(|(a, b)| (a - b).abs() / (1.0 + b.abs()))
                .collect::<Vec<f64>>()
        })
        .fold(0.0, f64::max)
}

/// Runs `STEPS` steps of SGD on both networks, the `f32` one on sparse batches and the `f64`
/// one on dense batches of the same rows; returns the largest parameter difference seen.
fn run(config: &NetworkConfig) -> f64 {
    let bytes = pixels();
    let rows32 = ByteRows::new(&bytes, FEATURES, ByteRows::<f32>::unit_scale_table());
    let rows64 = ByteRows::new(&bytes, FEATURES, ByteRows::<f64>::unit_scale_table());
    assert!(!rows32.split().dense_columns().is_empty());
    assert!(!rows32.split().sparse_columns().is_empty());
    let labels: Vec<usize> = (0..SAMPLES).map(|i| (i * 7) % 10).collect();
    let (mut single, mut double) = networks(config);
    let mut sgd32: AnyOptimizer<f32> = by_name("sgd", Some(0.1)).expect("sgd");
    let mut sgd64: AnyOptimizer<f64> = by_name("sgd", Some(0.1)).expect("sgd");
    let mut sparse = SparseRows::empty_like(&rows32);
    let mut dense = Matrix::zeros(0, 0);
    let mut rng = random::seeded(9);
    let mut worst: f64 = 0.0;
    for _ in 0..STEPS {
        let mut indices = Vec::new();
        random::choice_with_replacement(SAMPLES, BATCH, &mut rng, &mut indices);
        let batch_labels: Vec<usize> = indices.iter().map(|&i| labels[i]).collect();
        sparse.gather_rows(&rows32, &indices);
        rows64.gather_rows(&indices, &mut dense);
        let loss32 = Network::gradient(&mut single, Batch::Sparse(&sparse), &batch_labels);
        let loss64 = Network::gradient(&mut double, &dense, &batch_labels);
        assert!((f64::from(loss32) - loss64).abs() < TOLERANCE * (1.0 + loss64));
        sgd32.update(&mut single.params_mut());
        sgd64.update(&mut double.params_mut());
        worst = worst.max(largest_difference(&mut single, &mut double));
    }
    worst
}

#[test]
fn a_sparse_step_agrees_with_the_dense_f64_step() {
    let plain = NetworkConfig::new(FEATURES, vec![30, 20], 10);
    let dropout = NetworkConfig {
        dropout: Some(DropoutConfig {
            ratio: 0.2,
            mode: DropoutMode::default(),
        }),
        ..plain.clone()
    };
    let batchnorm = NetworkConfig {
        use_batchnorm: true,
        weight_decay_lambda: 0.01,
        ..plain.clone()
    };
    let both = NetworkConfig {
        use_batchnorm: true,
        ..dropout.clone()
    };
    for (name, config) in [
        ("plain", plain),
        ("dropout", dropout),
        ("batchnorm", batchnorm),
        ("both", both),
    ] {
        let worst = run(&config);
        assert!(worst < TOLERANCE, "{name}: {worst:e}");
        eprintln!("{name}: largest difference {worst:e}");
    }
}

#[test]
fn the_networks_take_sparse_batches() {
    let (single, _) = networks(&NetworkConfig::new(FEATURES, vec![8], 10));
    assert!(single.takes_sparse_batches());
}
