//! Chapter 5 by hand, with this crate alone: the book's `TwoLayerNet` assembled from `Affine`,
//! `Relu` and `SoftmaxWithLoss`, its backpropagation checked against numerical gradients
//! (`gradient_check.py`), then trained with a hand-written SGD loop on a toy problem (three
//! interleaved spirals in 2-D, which a linear classifier cannot separate).
//!
//! ```sh
//! cargo run --release -p scratchnet-layers --example backprop_by_hand
//! ```

use scratchnet_layers::{Affine, Layer, Relu, SoftmaxWithLoss};
use scratchnet_tensor::{Matrix, accuracy, numerical_gradient, random};

/// Affine1 → Relu1 → Affine2 → SoftmaxWithLoss, in `f64` so the gradient check is exact.
struct TwoLayerNet {
    affine1: Affine<f64>,
    relu1: Relu<f64>,
    affine2: Affine<f64>,
    last_layer: SoftmaxWithLoss<f64>,
}

impl TwoLayerNet {
    fn new(input: usize, hidden: usize, output: usize, rng: &mut random::Rng) -> Self {
        let std = 0.5;
        Self {
            affine1: Affine::new(
                random::normal_matrix(input, hidden, std, rng),
                Matrix::zeros(1, hidden),
            ),
            relu1: Relu::new(),
            affine2: Affine::new(
                random::normal_matrix(hidden, output, std, rng),
                Matrix::zeros(1, output),
            ),
            last_layer: SoftmaxWithLoss::new(),
        }
    }

    /// Scores before softmax (the book's `predict`).
    fn predict(&mut self, x: &Matrix<f64>, train: bool) -> Matrix<f64> {
        let hidden = self.affine1.forward(x, train);
        let activated = self.relu1.forward(hidden, train);
        self.affine2.forward(activated, train).clone()
    }

    /// The book's `loss(x, t)`.
    fn loss(&mut self, x: &Matrix<f64>, labels: &[usize]) -> f64 {
        let scores = self.predict(x, true);
        self.last_layer.forward(&scores, labels)
    }

    /// The book's `gradient(x, t)`: forward, then backward in reverse order; the gradients
    /// stay in the Affine layers.
    fn gradient(&mut self, x: &Matrix<f64>, labels: &[usize]) -> f64 {
        let loss = self.loss(x, labels);
        let dout = self.last_layer.backward();
        let dout = self.affine2.backward(dout);
        let dout = self.relu1.backward(dout);
        self.affine1.backward(dout);
        loss
    }

    /// The four parameters and their gradients, by the book's names.
    fn params(&mut self) -> [(&str, &mut Matrix<f64>, &Matrix<f64>); 4] {
        let Self {
            affine1, affine2, ..
        } = self;
        [
            ("W1", &mut affine1.weight, &affine1.grad_weight),
            ("b1", &mut affine1.bias, &affine1.grad_bias),
            ("W2", &mut affine2.weight, &affine2.grad_weight),
            ("b2", &mut affine2.bias, &affine2.grad_bias),
        ]
    }
}

/// `points` points on each of `classes` spirals, with a little noise.
fn spirals(points: usize, classes: usize, rng: &mut random::Rng) -> (Matrix<f64>, Vec<usize>) {
    let noise = random::normal_matrix::<f64>(points * classes, 1, 0.2, rng);
    let mut x = Matrix::zeros(points * classes, 2);
    let mut labels = Vec::with_capacity(points * classes);
    for class in 0..classes {
        for i in 0..points {
            let row = class * points + i;
            let radius = i as f64 / points as f64;
            let angle = class as f64 * 4.0 + 4.0 * radius + noise[row];
            x[(row, 0)] = radius * angle.sin();
            x[(row, 1)] = radius * angle.cos();
            labels.push(class);
        }
    }
    (x, labels)
}

/// The book's `gradient_check.py`: the mean absolute difference between backpropagation and
/// central differences, per parameter.
fn gradient_check(network: &mut TwoLayerNet, x: &Matrix<f64>, labels: &[usize]) {
    network.gradient(x, labels);
    let analytic: Vec<Matrix<f64>> = network.params().map(|(_, _, grad)| grad.clone()).into();
    for (index, backprop) in analytic.iter().enumerate() {
        let mut value = network.params()[index].1.clone();
        let numeric = numerical_gradient(&mut value, |perturbed| {
            network.params()[index].1.copy_from(perturbed);
            network.loss(x, labels)
        });
        network.params()[index].1.copy_from(&value);
        let difference = (backprop - &numeric).abs().mean();
        println!("{}: {difference:.3e}", network.params()[index].0);
        assert!(
            difference < 1e-6,
            "backpropagation disagrees with the numerical gradient"
        );
    }
}

fn main() {
    let mut rng = random::seeded(0);
    let (x, labels) = spirals(100, 3, &mut rng);
    let mut network = TwoLayerNet::new(2, 50, 3, &mut rng);

    // Points away from the origin: at x = 0 every hidden unit sits on ReLU's kink (z = b = 0),
    // where the derivative is not defined and central differences straddle it.
    let picked = [50, 150, 250];
    println!(
        "gradient check on {} samples (mean |backprop − numerical|):",
        picked.len()
    );
    let few = x.select_rows(&picked);
    let few_labels: Vec<usize> = picked.iter().map(|&row| labels[row]).collect();
    gradient_check(&mut network, &few, &few_labels);

    println!(
        "training on {} points, plain SGD (lr 0.5, full batch):",
        x.nrows()
    );
    let learning_rate = 0.5;
    for iteration in 0..=3000 {
        let loss = network.gradient(&x, &labels);
        for (_, value, grad) in network.params() {
            *value -= grad * learning_rate;
        }
        if iteration % 500 == 0 {
            let train_accuracy = accuracy(&network.predict(&x, false), &labels);
            println!(
                "iteration {iteration:>4}: loss {loss:.4}, train accuracy {train_accuracy:.3}"
            );
        }
    }
    let final_accuracy = accuracy(&network.predict(&x, false), &labels);
    println!("final train accuracy {final_accuracy:.3}");
}
