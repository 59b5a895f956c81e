//! The book's chapter-5 `train_neuralnet.py`, with a network written here from the layers:
//! `TwoLayerNet` (784 → 50 → 10: Affine, Relu, Affine, SoftmaxWithLoss, weights std 0.01)
//! trained by the `Trainer` on all of MNIST with SGD (lr 0.1, batches of 100) for 17 epochs of
//! 600 iterations, printing train and test accuracy each epoch. The book reaches about 0.97.
//!
//! ```sh
//! cargo run --release -p scratchnet-trainer --example two_layer_net [-- DATA_DIR]
//! ```
//!
//! DATA_DIR defaults to the workspace's `datasets/mnist`; missing files are fetched there from
//! `$SCRATCHNET_MNIST_MIRROR` (a directory or URL holding the `.gz` files) or the built-in
//! mirrors.

use scratchnet_datasets::{DatasetKind, FetchOptions, Mnist, NUM_CLASSES, fetch, mirrors_from_env};
use scratchnet_layers::{
    Affine, Evaluation, Inference, InferenceBuffers, Layer, Network, Relu, SoftmaxWithLoss, Stage,
};
use scratchnet_optim::Sgd;
use scratchnet_tensor::random::{self, Rng};
use scratchnet_tensor::{Matrix, Param, Samples};
use scratchnet_trainer::{EpochRecord, LabeledData, TrainObserver, Trainer, TrainerConfig};
use std::error::Error;
use std::ops::ControlFlow;
use std::path::PathBuf;

/// The book's `TwoLayerNet` (`ch05/two_layer_net.py`): Affine1 → Relu1 → Affine2, then
/// SoftmaxWithLoss.
#[derive(Clone)]
struct TwoLayerNet {
    affine1: Affine<f32>,
    relu1: Relu<f32>,
    affine2: Affine<f32>,
    last_layer: SoftmaxWithLoss<f32>,
    /// Reused by every evaluation.
    buffers: InferenceBuffers<f32>,
}

impl TwoLayerNet {
    /// `weight_init_std · N(0, 1)` weights, zero biases, as in the book.
    fn new(
        input: usize,
        hidden: usize,
        output: usize,
        weight_init_std: f64,
        rng: &mut Rng,
    ) -> Self {
        let layer = |fan_in, fan_out, rng: &mut Rng| {
            let weight = random::normal_matrix(fan_in, fan_out, weight_init_std, rng);
            Affine::new(weight, Matrix::zeros(1, fan_out))
        };
        Self {
            affine1: layer(input, hidden, rng),
            relu1: Relu::new(),
            affine2: layer(hidden, output, rng),
            last_layer: SoftmaxWithLoss::new(),
            buffers: InferenceBuffers::default(),
        }
    }

    /// Inference, fast and on every core, with the layers' own arithmetic.
    fn inference(&self) -> Inference<'_, f32> {
        Inference::new(
            vec![
                Stage {
                    affine: &self.affine1,
                    elementwise: vec![&self.relu1],
                },
                Stage {
                    affine: &self.affine2,
                    elementwise: vec![],
                },
            ],
            &self.buffers,
        )
    }
}

impl Network<f32> for TwoLayerNet {
    fn input_size(&self) -> usize {
        self.affine1.input_size()
    }

    fn output_size(&self) -> usize {
        self.affine2.output_size()
    }

    /// The book's `gradient(x, t)`: forward through every layer, then backward in reverse.
    fn gradient(&mut self, x: &Matrix<f32>, labels: &[usize]) -> f32 {
        let hidden = self.affine1.forward(x, true);
        let activated = self.relu1.forward(hidden, true);
        let scores = self.affine2.forward(activated, true);
        let loss = self.last_layer.forward(scores, labels);
        let dout = self.last_layer.backward();
        let dout = self.affine2.backward(dout);
        let dout = self.relu1.backward(dout);
        // The input is data: its gradient is not needed.
        self.affine1.backward_params_only(dout);
        loss
    }

    fn params_mut(&mut self) -> impl Iterator<Item = Param<'_, f32>> {
        let Self {
            affine1, affine2, ..
        } = self;
        [
            ("W1", &mut affine1.weight, &affine1.grad_weight),
            ("b1", &mut affine1.bias, &affine1.grad_bias),
            ("W2", &mut affine2.weight, &affine2.grad_weight),
            ("b2", &mut affine2.bias, &affine2.grad_bias),
        ]
        .into_iter()
        .map(|(name, value, grad)| Param { name, value, grad })
    }

    fn evaluate(&self, x: Samples<'_, f32>, labels: &[usize]) -> Evaluation {
        self.inference().evaluate(x, labels)
    }

    fn accuracy(&self, x: Samples<'_, f32>, labels: &[usize]) -> f64 {
        self.inference().accuracy(x, labels)
    }
}

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

/// The data directory: the first argument, else the workspace's `datasets/mnist`, fetched
/// there if missing.
fn mnist() -> Result<Mnist, Box<dyn Error>> {
    let dir = std::env::args_os().nth(1).map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets/mnist")),
        PathBuf::from,
    );
    if let Ok(mnist) = Mnist::load(&dir, DatasetKind::Mnist) {
        return Ok(mnist);
    }
    let mut options = FetchOptions::new(&dir);
    options.mirrors = mirrors_from_env();
    fetch(DatasetKind::Mnist, &options, &mut ())?;
    Ok(Mnist::load(&dir, DatasetKind::Mnist)?)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mnist = mnist()?;
    // The training images stay bytes (decoded batch by batch); the test set is sparse rows.
    let x_train = mnist.train.byte_rows::<f32>(mnist.train.len());
    let t_train = mnist.train.labels(mnist.train.len());
    let x_test = mnist.test.sparse_images::<f32>(mnist.test.len());
    let t_test = mnist.test.labels(mnist.test.len());

    let mut rng = random::seeded(0);
    let mut network = TwoLayerNet::new(x_train.ncols(), 50, NUM_CLASSES, 0.01, &mut rng);
    let mut optimizer = Sgd::new(0.1);
    let config = TrainerConfig {
        epochs: 17,
        mini_batch_size: 100,
        ..TrainerConfig::default()
    };
    let history = Trainer::new(
        &mut network,
        &mut optimizer,
        LabeledData::new(&x_train, &t_train)?,
        LabeledData::new(&x_test, &t_test)?,
        config,
        random::child(&mut rng),
    )?
    .train(&mut PrintEpochs)?;
    println!("final test accuracy {:.4}", history.final_test_accuracy);
    Ok(())
}
