//! The book's chapter-5 `train_neuralnet.py`: `TwoLayerNet` (784 → 50 → 10: Affine, Relu,
//! Affine, SoftmaxWithLoss, weights std 0.01) as a `Sequential` of layers, trained by the
//! `Trainer` on all of MNIST with SGD (lr 0.1, batches of 100) for 17 epochs of 600
//! iterations, printing train and test accuracy each epoch. The book reaches about 0.97.
//!
//! ```sh
//! cargo run --release -p scratchnet-trainer --example two_layer_net [-- DATA_DIR]
//! ```
//!
//! DATA_DIR defaults to the workspace's `datasets/mnist`; missing files are fetched there from
//! `$SCRATCHNET_MNIST_MIRROR` (a directory or URL holding the `.gz` files) or the built-in
//! mirrors.

#[path = "common/mnist.rs"]
mod common;

use scratchnet_datasets::NUM_CLASSES;
use scratchnet_layers::{Affine, Relu, Sequential};
use scratchnet_optim::Sgd;
use scratchnet_tensor::random::{self, Purpose};
use scratchnet_trainer::{EpochRecord, LabeledData, TrainObserver, Trainer, TrainerConfig};
use std::error::Error;
use std::ops::ControlFlow;

/// Prints each epoch's accuracies, like the book's `print("train acc, test acc | " …)`.
struct PrintEpochs;

impl TrainObserver for PrintEpochs {
    fn epoch_done(&mut self, record: &EpochRecord) -> ControlFlow<()> {
        println!(
            "epoch {:>2} (iteration {:>5}): train acc {:.4}, test acc {:.4}",
            record.epoch, record.iteration, record.train_acc, record.test_acc
        );
        ControlFlow::Continue(())
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let mnist = common::mnist()?;
    // The training images stay bytes (decoded batch by batch); the test set is sparse rows.
    let x_train = mnist.train.byte_rows::<f32>(mnist.train.len());
    let t_train = mnist.train.labels(mnist.train.len());
    let x_test = mnist.test.sparse_images::<f32>(mnist.test.len());
    let t_test = mnist.test.labels(mnist.test.len());

    // The book's TwoLayerNet: its OrderedDict of layers, then SoftmaxWithLoss (implied).
    let mut rng = random::seeded(0);
    let mut network = Sequential::builder()
        .push(Affine::random(x_train.ncols(), 50, 0.01, &mut rng))
        .push(Relu::new())
        .push(Affine::random(50, NUM_CLASSES, 0.01, &mut rng))
        .build()?;

    let config = TrainerConfig {
        epochs: 17,
        mini_batch_size: 100,
        ..TrainerConfig::default()
    };
    let history = Trainer::new(
        &mut network,
        &mut Sgd::new(0.1),
        LabeledData::new(&x_train, &t_train)?,
        LabeledData::new(&x_test, &t_test)?,
        config,
        random::stream(&rng, Purpose::Batches, 0).into_rng(),
    )?
    .train(&mut PrintEpochs)?;
    println!("final test accuracy {:.4}", history.final_test_accuracy);
    Ok(())
}
