//! What a training step allocates once the first epoch has given every buffer its shape:
//! nothing of the trainer's, the network's or the optimizer's — only the packing buffers that
//! `gemm` 0.19 allocates inside every matrix product it is asked for (its public entry point
//! takes no workspace). The test counts both and checks that the step adds nothing to them.
//!
//! The whole run is put on a one-thread pool, so the training steps, the evaluations and the
//! observer share one thread and the counting allocator (per thread) sees all of them.

use scratchnet_network::{MultiLayerNetExtend, NetworkConfig};
use scratchnet_optim::{AnyOptimizer, by_name};
use scratchnet_tensor::{Matrix, matmul, matmul_nt, matmul_tn, random};
use scratchnet_test_support::{CountingAllocator, allocations, allocations_in};
use scratchnet_trainer::{EpochRecord, LabeledData, TrainObserver, Trainer, TrainerConfig};
use std::ops::ControlFlow;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const FEATURES: usize = 4;
const HIDDEN: [usize; 2] = [8, 8];
const CLASSES: usize = 2;
const BATCH: usize = 20;

/// The allocation count of the pool's thread at the end of each epoch.
#[derive(Default)]
struct Counts(Vec<usize>);

impl TrainObserver for Counts {
    fn epoch_done(&mut self, _: &EpochRecord) -> ControlFlow<()> {
        self.0.push(allocations());
        ControlFlow::Continue(())
    }
}

/// The allocations of each steady-state epoch (after the second) of a run on `samples`
/// training samples, with `optimizer`.
fn epoch_allocations(samples: usize, optimizer: &str) -> Vec<usize> {
    let x = random::normal_matrix::<f32>(samples, FEATURES, 1.0, &mut random::seeded(1));
    let labels: Vec<usize> = (0..samples).map(|i| i % CLASSES).collect();
    let mut rng = random::seeded(2);
    let config = NetworkConfig::new(FEATURES, HIDDEN.to_vec(), CLASSES);
    let mut network = MultiLayerNetExtend::new(config, &mut rng).expect("a network");
    let mut optimizer: AnyOptimizer<f32> = by_name(optimizer, None).expect("an optimizer");
    let data = LabeledData::new(&x, &labels).expect("data");
    let trainer_config = TrainerConfig {
        epochs: 6,
        mini_batch_size: BATCH,
        evaluate_sample_num_per_epoch: Some(40),
        ..TrainerConfig::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    let mut counts = Counts::default();
    let child = random::child(&mut rng);
    pool.install(|| {
        Trainer::new(
            &mut network,
            &mut optimizer,
            data,
            data,
            trainer_config,
            child,
        )
        .expect("a trainer")
        .train(&mut counts)
        .expect("the run");
    });
    counts.0.windows(2).skip(1).map(|w| w[1] - w[0]).collect()
}

/// The allocations of the matrix products of one step of the network, called directly.
fn products_allocations() -> usize {
    let sizes: Vec<usize> = [FEATURES]
        .into_iter()
        .chain(HIDDEN)
        .chain([CLASSES])
        .collect();
    let mut total = 0;
    for pair in sizes.windows(2) {
        let (inputs, outputs) = (pair[0], pair[1]);
        let x = Matrix::<f32>::zeros(BATCH, inputs);
        let w = Matrix::<f32>::zeros(inputs, outputs);
        let dout = Matrix::<f32>::zeros(BATCH, outputs);
        let (mut out, mut dx, mut dw) = (
            Matrix::zeros(BATCH, outputs),
            Matrix::zeros(BATCH, inputs),
            Matrix::zeros(inputs, outputs),
        );
        total += allocations_in(|| {
            matmul(&x, &w, &mut out);
            matmul_nt(&dout, &w, &mut dx);
            matmul_tn(&x, &dout, &mut dw);
        });
    }
    total
}

/// What one steady-state step of the 4-8-8-2 network allocates today (measured): the 9 matrix
/// products' packing buffers in gemm (about 10 allocations, [`products_allocations`]) and
/// 20 more from the network's forward and backward pass. The optimizer adds none. A change
/// that allocates more per step fails here; one that allocates less should lower the bound.
const STEP_ALLOCATIONS_AT_MOST: usize = 30;

#[test]
fn a_steady_state_step_allocates_a_fixed_count_and_the_optimizer_none() {
    let mut per_optimizer = Vec::new();
    for optimizer in ["sgd", "adam"] {
        // 5 and 20 iterations per epoch: an epoch of 15 more steps costs 15 steps more.
        let short = epoch_allocations(100, optimizer);
        let long = epoch_allocations(400, optimizer);
        let per_step: Vec<usize> = short
            .iter()
            .zip(&long)
            .map(|(short, long)| {
                assert_eq!((long - short) % 15, 0, "{optimizer}: {short:?} {long:?}");
                (long - short) / 15
            })
            .collect();
        assert!(
            per_step.windows(2).all(|w| w[0] == w[1]),
            "{optimizer}: the same count every epoch: {per_step:?}"
        );
        per_optimizer.push(per_step[0]);
    }
    assert_eq!(
        per_optimizer[0], per_optimizer[1],
        "Adam's state costs no allocation per step"
    );
    let step = per_optimizer[0];
    assert!(
        step <= STEP_ALLOCATIONS_AT_MOST,
        "{step} allocations per step"
    );
    assert!(
        step >= products_allocations(),
        "gemm's own allocations are part of a step"
    );
}
