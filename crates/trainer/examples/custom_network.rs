//! A network of your own design: 784 → 200 (tanh, a custom activation) → inverted Dropout 0.3
//! → 10, trained with Adam on all of MNIST for 5 epochs. Prints `final test accuracy 0.9xxx`.
//!
//! ```sh
//! cargo run --release -p scratchnet-trainer --example custom_network [-- DATA_DIR]
//! ```

#[path = "common/mnist.rs"]
mod common;

use scratchnet_layers::{ActivationFn, ActivationLayer, Affine, Dropout, DropoutMode, Sequential};
use scratchnet_optim::Adam;
use scratchnet_tensor::Float;
use scratchnet_tensor::random::{self, Purpose};
use scratchnet_trainer::{LabeledData, Trainer, TrainerConfig};
use std::error::Error;

/// `tanh`, written once: its value and its derivative (from the output `y`).
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

fn main() -> Result<(), Box<dyn Error>> {
    let mnist = common::mnist()?;
    let (x_train, t_train) = (
        mnist.train.byte_rows::<f32>(60_000),
        mnist.train.labels(60_000),
    );
    let (x_test, t_test) = (
        mnist.test.sparse_images::<f32>(10_000),
        mnist.test.labels(10_000),
    );

    let rng = &mut random::seeded(0);
    let mut network = Sequential::builder()
        .push(Affine::random(784, 200, (1.0 / 784.0_f64).sqrt(), rng))
        .push(ActivationLayer::<Tanh, f32>::new())
        .push(Dropout::new(
            0.3,
            DropoutMode::Inverted,
            random::stream(rng, Purpose::Dropout, 1),
        ))
        .push(Affine::random(200, 10, (1.0 / 200.0_f64).sqrt(), rng))
        .build()?;
    let config = TrainerConfig {
        epochs: 5,
        ..TrainerConfig::default()
    };
    let (train, test) = (
        LabeledData::new(&x_train, &t_train)?,
        LabeledData::new(&x_test, &t_test)?,
    );
    let batches = random::stream(rng, Purpose::Batches, 0).into_rng();
    let history = Trainer::new(
        &mut network,
        &mut Adam::new(0.001),
        train,
        test,
        config,
        batches,
    )?
    .train(&mut ())?;
    println!("final test accuracy {:.4}", history.final_test_accuracy);
    Ok(())
}
