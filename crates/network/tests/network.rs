//! Behaviour of `MultiLayerNetExtend`: gradients against numerical gradients, weight decay,
//! reproducibility, inference chunking and the model file.

use scratchnet_network::{
    Activation, DropoutConfig, DropoutMode, MultiLayerNetExtend, NetworkConfig, NetworkError,
    WeightInit,
};
use scratchnet_tensor::{Matrix, random};

fn inputs(rows: usize, cols: usize, seed: u64) -> Matrix<f64> {
    random::normal_matrix(rows, cols, 1.0, &mut random::seeded(seed))
}

fn full_config() -> NetworkConfig {
    let mut config = NetworkConfig::new(6, vec![5, 4], 3);
    config.use_batchnorm = true;
    config.dropout = Some(DropoutConfig {
        ratio: 0.3,
        mode: DropoutMode::Book,
    });
    config.weight_decay_lambda = 0.1;
    config
}

/// Analytic gradients of every parameter against central differences, with dropout masks
/// frozen after one training forward.
fn assert_gradients_match(config: NetworkConfig, tolerance: f64) {
    let mut net = MultiLayerNetExtend::<f64>::new(config, &mut random::seeded(1)).unwrap();
    let x = inputs(6, 6, 2);
    let labels = [0, 1, 2, 1, 0, 2];
    net.loss(&x, &labels, true); // draws the masks
    net.set_dropout_masks_frozen(true);
    let numerical = net.numerical_gradient(&x, &labels);
    net.gradient(&x, &labels);
    let analytic: Vec<(String, Matrix<f64>)> = net
        .params_mut()
        .map(|param| (param.name.to_string(), param.grad.clone()))
        .collect();
    assert_eq!(numerical.len(), analytic.len());
    for ((name, numeric), (analytic_name, exact)) in numerical.iter().zip(&analytic) {
        assert_eq!(name, analytic_name);
        let difference = (numeric - exact).abs().max();
        assert!(
            difference < tolerance,
            "{name}: max |numerical − analytic| = {difference:e}"
        );
    }
}

#[test]
fn gradient_check_with_batchnorm_dropout_and_weight_decay() {
    assert_gradients_match(full_config(), 1e-6);
}

#[test]
fn gradient_check_sigmoid_xavier_inverted_dropout() {
    let mut config = full_config();
    config.activation = Activation::Sigmoid;
    config.weight_init = WeightInit::Xavier;
    config.dropout = Some(DropoutConfig {
        ratio: 0.5,
        mode: DropoutMode::Inverted,
    });
    config.use_batchnorm = false;
    assert_gradients_match(config, 1e-6);
}

#[test]
fn parameter_names_follow_the_book() {
    let mut net = MultiLayerNetExtend::<f32>::new(full_config(), &mut random::seeded(0)).unwrap();
    assert_eq!(
        net.param_names(),
        [
            "W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3"
        ]
    );
    let w1 = net.param("W1").unwrap();
    assert_eq!(w1.shape(), (6, 5));
    assert_eq!(
        net.param("gamma2").unwrap(),
        &Matrix::from_element(1, 4, 1.0)
    );
    assert!(net.param("W9").is_none());
}

#[test]
fn weight_decay_adds_half_lambda_sum_of_squares() {
    let mut config = NetworkConfig::new(6, vec![5, 4], 3);
    let mut plain =
        MultiLayerNetExtend::<f64>::new(config.clone(), &mut random::seeded(4)).unwrap();
    config.weight_decay_lambda = 0.1;
    let mut decayed = MultiLayerNetExtend::<f64>::new(config, &mut random::seeded(4)).unwrap();
    let squares: f64 = ["W1", "W2", "W3"]
        .iter()
        .map(|name| plain.param(name).unwrap().norm_squared())
        .sum();
    let x = inputs(4, 6, 5);
    let labels = [0, 1, 2, 0];
    let difference = decayed.loss(&x, &labels, false) - plain.loss(&x, &labels, false);
    assert!(
        (difference - 0.05 * squares).abs() < 1e-12,
        "{difference} vs {}",
        0.05 * squares
    );
}

#[test]
fn initial_weights_follow_the_init_scale() {
    let mut config = NetworkConfig::new(400, vec![300], 10);
    config.weight_init = WeightInit::He;
    let mut net = MultiLayerNetExtend::<f64>::new(config, &mut random::seeded(6)).unwrap();
    let w1 = net.param("W1").unwrap();
    let std = (w1.norm_squared() / w1.len() as f64).sqrt();
    assert!(
        (std - (2.0f64 / 400.0).sqrt()).abs() < 0.002,
        "He std {std}"
    );
    assert!(net.param("b1").unwrap().iter().all(|&b| b == 0.0));
}

#[test]
fn same_seed_same_weights_and_masks() {
    let build =
        |seed| MultiLayerNetExtend::<f32>::new(full_config(), &mut random::seeded(seed)).unwrap();
    let (mut a, mut b, mut c) = (build(7), build(7), build(8));
    let weights = |net: &mut MultiLayerNetExtend<f32>| {
        net.params_mut()
            .map(|p| p.value.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(weights(&mut a), weights(&mut b));
    assert_ne!(weights(&mut a), weights(&mut c));
    let x = inputs(8, 6, 9).map(|v| v as f32);
    let labels = [0, 1, 2, 0, 1, 2, 0, 1];
    // Several training steps draw several masks; identical seeds give identical gradients.
    for _ in 0..3 {
        assert_eq!(a.gradient(&x, &labels), b.gradient(&x, &labels));
    }
    let grads = |net: &mut MultiLayerNetExtend<f32>| {
        net.params_mut().map(|p| p.grad.clone()).collect::<Vec<_>>()
    };
    assert_eq!(grads(&mut a), grads(&mut b));
}

#[test]
fn chunked_parallel_inference_equals_per_chunk_inference() {
    let mut config = NetworkConfig::new(6, vec![5], 3);
    config.dropout = Some(DropoutConfig {
        ratio: 0.2,
        mode: DropoutMode::Book,
    });
    let net = MultiLayerNetExtend::<f32>::new(config, &mut random::seeded(10)).unwrap();
    let rows = 2 * scratchnet_layers::INFERENCE_CHUNK_ROWS + 17;
    let x = random::normal_matrix::<f32>(rows, 6, 1.0, &mut random::seeded(11));
    let scores = net.predict(&x);
    assert_eq!(scores.shape(), (rows, 3));
    let tail = x.rows(rows - 17, 17).into_owned();
    assert_eq!(scores.rows(rows - 17, 17).into_owned(), net.predict(&tail));
    let labels = scratchnet_tensor::argmax_rows(&scores);
    assert_eq!(net.accuracy(&x, &labels), 1.0);
    let shifted: Vec<usize> = labels.iter().map(|label| (label + 1) % 3).collect();
    assert_eq!(net.accuracy(&x, &shifted), 0.0);
}

fn trained_model() -> (MultiLayerNetExtend<f64>, Matrix<f64>) {
    let mut net = MultiLayerNetExtend::<f64>::new(full_config(), &mut random::seeded(12)).unwrap();
    let x = inputs(8, 6, 13);
    let labels = [0, 1, 2, 0, 1, 2, 0, 1];
    for _ in 0..5 {
        net.gradient(&x, &labels);
        for param in net.params_mut() {
            for (value, grad) in param.value.iter_mut().zip(param.grad.iter()) {
                *value -= 0.1 * grad;
            }
        }
    }
    (net, x)
}

#[test]
fn save_load_round_trip_gives_identical_predictions() {
    let (mut net, x) = trained_model();
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("model.bin");
    net.save(&path).unwrap();
    let loaded = MultiLayerNetExtend::<f64>::load(&path).unwrap();
    assert_eq!(loaded.config(), net.config());
    // BatchNorm running statistics travel too: inference output is identical.
    assert_eq!(loaded.predict(&x), net.predict(&x));
    assert_eq!(
        std::fs::read_dir(directory.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn damaged_files_are_typed_errors() {
    let (mut net, _) = trained_model();
    let bytes = net.to_bytes().unwrap();
    for length in [0, 10, 36, bytes.len() / 2, bytes.len() - 1] {
        let result = MultiLayerNetExtend::<f64>::from_bytes(&bytes[..length]);
        assert!(
            matches!(result, Err(NetworkError::Truncated { .. })),
            "truncated at {length}"
        );
    }
    let mut foreign = bytes.clone();
    foreign[..4].copy_from_slice(b"\x89PNG");
    assert!(matches!(
        MultiLayerNetExtend::<f64>::from_bytes(&foreign),
        Err(NetworkError::WrongMagic)
    ));
    assert!(matches!(
        MultiLayerNetExtend::<f32>::from_bytes(&bytes),
        Err(NetworkError::ScalarMismatch { .. })
    ));
    // Every single bit flip anywhere in the file — each of the 8 bits of every byte — is caught.
    let mut flipped = bytes.clone();
    for index in 0..bytes.len() {
        for bit in 0..8 {
            flipped[index] ^= 1 << bit;
            assert!(
                MultiLayerNetExtend::<f64>::from_bytes(&flipped).is_err(),
                "flip of bit {bit} at byte {index} accepted"
            );
            flipped[index] ^= 1 << bit;
        }
    }
    let missing = MultiLayerNetExtend::<f64>::load(std::path::Path::new("/nonexistent/model.bin"));
    assert!(matches!(missing, Err(NetworkError::Io { .. })));
}

#[test]
fn invalid_configurations_are_rejected() {
    let mut config = NetworkConfig::new(0, vec![10], 10);
    assert!(MultiLayerNetExtend::<f32>::new(config.clone(), &mut random::seeded(0)).is_err());
    config.input_size = 4;
    config.dropout = Some(DropoutConfig {
        ratio: -0.1,
        mode: DropoutMode::Book,
    });
    assert!(MultiLayerNetExtend::<f32>::new(config, &mut random::seeded(0)).is_err());
}
