//! A steady-state training step of a fixed batch shape allocates nothing in the layers: every
//! layer reuses its output, gradient, mask and cache buffers.
//!
//! The one exception is outside this crate: the `gemm` kernel behind `scratchnet_tensor::matmul`
//! allocates its packing buffers on every call. So `Affine` is held to "no allocation beyond
//! the matrix products it performs", measured against the same products called directly.
//!
//! A counting global allocator (from `scratchnet-test-support`) sees every allocation; only the
//! allocations of the thread that runs the measured step are counted, so the test harness's own
//! threads do not interfere.

use scratchnet_layers::{
    Affine, BatchNormalization, Dropout, DropoutMode, Layer, Relu, Sigmoid, SoftmaxWithLoss,
};
use scratchnet_tensor::random::{Purpose, seeded, stream, uniform_matrix};
use scratchnet_tensor::{Matrix, matmul, matmul_nt, matmul_tn};
use scratchnet_test_support::{CountingAllocator, allocations_in};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// BatchNorm → Relu → Dropout → Sigmoid → SoftmaxWithLoss: every layer without a product.
struct Stack {
    batch_norm: BatchNormalization<f32>,
    relu: Relu<f32>,
    dropout: Dropout<f32>,
    sigmoid: Sigmoid<f32>,
    last: SoftmaxWithLoss<f32>,
    inference_out: [Matrix<f32>; 2],
}

impl Stack {
    fn new(features: usize, mode: DropoutMode) -> Self {
        Self {
            batch_norm: BatchNormalization::with_features(features),
            relu: Relu::new(),
            dropout: Dropout::new(0.2, mode, stream(&seeded(2), Purpose::Dropout, 0)),
            sigmoid: Sigmoid::new(),
            last: SoftmaxWithLoss::new(),
            inference_out: [Matrix::zeros(0, 0), Matrix::zeros(0, 0)],
        }
    }

    fn step(&mut self, x: &Matrix<f32>, labels: &[usize]) -> f32 {
        let h = self.batch_norm.forward(x, true);
        let h = self.relu.forward(h, true);
        let h = self.dropout.forward(h, true);
        let h = self.sigmoid.forward(h, true);
        let loss = self.last.forward(h, labels);
        let d = self.last.backward();
        let d = self.sigmoid.backward(d);
        let d = self.dropout.backward(d);
        let d = self.relu.backward(d);
        self.batch_norm.backward(d);
        loss
    }

    /// Inference both ways: through `forward(.., false)` and through `infer`.
    fn evaluate(&mut self, x: &Matrix<f32>) {
        let h = self.batch_norm.forward(x, false);
        let h = self.relu.forward(h, false);
        let h = self.dropout.forward(h, false);
        self.sigmoid.forward(h, false);

        let [a, b] = &mut self.inference_out;
        self.batch_norm.infer(x, a);
        self.relu.infer(a, b);
        self.dropout.infer(b, a);
        self.sigmoid.infer(a, b);
    }
}

#[test]
fn steady_state_steps_allocate_nothing() {
    for mode in [DropoutMode::Book, DropoutMode::Inverted] {
        let mut stack = Stack::new(10, mode);
        let x = uniform_matrix::<f32>(100, 10, &mut seeded(3));
        let labels: Vec<usize> = (0..100).map(|i| i % 10).collect();
        // Warm-up: the buffers get their shapes.
        stack.step(&x, &labels);
        stack.evaluate(&x);
        let mut loss = 0.0;
        let count = allocations_in(|| {
            for _ in 0..3 {
                loss += stack.step(&x, &labels);
                stack.evaluate(&x);
            }
        });
        assert!(loss.is_finite());
        assert_eq!(
            count, 0,
            "{mode:?}: a steady-state step allocated {count} times"
        );
    }
}

#[test]
fn affine_allocates_only_inside_the_matrix_products() {
    let mut rng = seeded(4);
    let weight = uniform_matrix::<f32>(64, 48, &mut rng);
    let mut affine = Affine::new(weight.clone(), Matrix::from_element(1, 48, 0.1));
    let x = uniform_matrix::<f32>(100, 64, &mut rng);
    let dout = uniform_matrix::<f32>(100, 48, &mut rng);
    let mut inferred = Matrix::zeros(0, 0);
    let mut step = |affine: &mut Affine<f32>| {
        affine.forward(&x, true);
        affine.backward(&dout);
        affine.forward(&x, false);
        affine.infer(&x, &mut inferred);
    };
    step(&mut affine);
    let layer_count = allocations_in(|| step(&mut affine));

    // The same five products (forward, backward's two, inference forward, infer), called
    // directly into preallocated outputs.
    let (mut out, mut dx, mut dw) = (
        Matrix::zeros(100, 48),
        Matrix::zeros(100, 64),
        Matrix::zeros(64, 48),
    );
    let product_count = allocations_in(|| {
        matmul(&x, &weight, &mut out);
        matmul_nt(&dout, &weight, &mut dx);
        matmul_tn(&x, &dout, &mut dw);
        matmul(&x, &weight, &mut out);
        matmul(&x, &weight, &mut out);
    });
    assert_eq!(
        layer_count, product_count,
        "Affine allocates beyond its products"
    );
}

#[test]
fn the_counter_sees_allocations() {
    // Guards the tests above against a counter that never counts.
    let count = allocations_in(|| {
        let v: Vec<u64> = std::hint::black_box(vec![1, 2, 3]);
        drop(v);
    });
    assert_eq!(count, 1);
}
