//! The Trainer's behaviour on small synthetic data: the order of callbacks, epoch counting,
//! the evaluation-sample limit, reproducibility, divergence and bad settings.

use scratchnet_network::{MultiLayerNetExtend, NetworkConfig};
use scratchnet_optim::{AnyOptimizer, Optimizer, by_name};
use scratchnet_tensor::{ByteRows, Matrix, Samples, SparseRows, random};
use scratchnet_trainer::{
    EpochRecord, LabeledData, TrainError, TrainObserver, Trainer, TrainerConfig, TrainingHistory,
};
use std::ops::ControlFlow;

/// Two Gaussian blobs in 4 dimensions: class = sign of the first feature.
fn blobs(samples: usize, seed: u64) -> (Matrix<f32>, Vec<usize>) {
    let mut x = random::normal_matrix::<f32>(samples, 4, 0.5, &mut random::seeded(seed));
    let labels: Vec<usize> = (0..samples).map(|i| i % 2).collect();
    for (i, &label) in labels.iter().enumerate() {
        x[(i, 0)] += if label == 1 { 2.0 } else { -2.0 };
    }
    (x, labels)
}

fn run(
    train: (&Matrix<f32>, &[usize]),
    test: (&Matrix<f32>, &[usize]),
    config: TrainerConfig,
    optimizer: &mut AnyOptimizer<f32>,
    seed: u64,
    observer: &mut (dyn TrainObserver + Send),
) -> Result<TrainingHistory, TrainError> {
    let mut rng = random::seeded(seed);
    let mut network =
        MultiLayerNetExtend::new(NetworkConfig::new(train.0.ncols(), vec![8, 8], 2), &mut rng)
            .unwrap();
    let train = LabeledData::new(train.0, train.1)?;
    let test = LabeledData::new(test.0, test.1)?;
    Trainer::new(
        &mut network,
        optimizer,
        train,
        test,
        config,
        random::child(&mut rng),
    )?
    .train(observer)
}

/// A test set given sparsely gives the records of the same set given densely.
#[test]
fn a_sparse_test_set_is_evaluated_like_the_dense_one() {
    let (x, labels) = blobs(120, 12);
    let positive = x.map(|v| v.max(0.0)); // mostly-zero columns, like pixels
    let sparse = scratchnet_tensor::SparseRows::from_dense(&positive);
    let config = TrainerConfig {
        epochs: 4,
        mini_batch_size: 20,
        evaluate_sample_num_per_epoch: Some(50),
        ..TrainerConfig::default()
    };
    let dense_run = run(
        (&x, &labels),
        (&positive, &labels),
        config,
        &mut sgd(0.1),
        3,
        &mut (),
    )
    .unwrap();
    let mut rng = random::seeded(3);
    let mut network =
        MultiLayerNetExtend::new(NetworkConfig::new(4, vec![8, 8], 2), &mut rng).unwrap();
    let mut optimizer = sgd(0.1);
    let train = LabeledData::new(&x, &labels).unwrap();
    let test = LabeledData::new(&sparse, &labels).unwrap();
    let sparse_run = Trainer::new(
        &mut network,
        &mut optimizer,
        train,
        test,
        config,
        random::child(&mut rng),
    )
    .unwrap()
    .train(&mut ())
    .unwrap();
    assert_eq!(dense_run.train_loss_list, sparse_run.train_loss_list);
    for (a, b) in dense_run.epochs.iter().zip(&sparse_run.epochs) {
        assert!(
            (a.test_acc - b.test_acc).abs() <= 1.0 / 50.0,
            "{a:?} vs {b:?}"
        );
    }
    assert!((dense_run.final_test_accuracy - sparse_run.final_test_accuracy).abs() <= 1.0 / 120.0);
}

/// Training samples given densely or sparsely give the same run, to the bit: the batches are
/// the same values, and each evaluation set ends up in the same sparse form. Byte-stored
/// samples give the same run up to the summation order of the first layer (its batches are
/// read as sparse rows): the same accuracies, losses within 1e-5, and the same bytes on a rerun
/// on 1, 2 or 3 threads.
#[test]
fn training_samples_in_any_form_give_the_same_run() {
    let (x, labels) = blobs(150, 13);
    // Pixel-like: mostly zero, one byte per feature.
    let bytes: Vec<u8> = (0..150 * 4)
        .map(|i| {
            let value = x[(i / 4, i % 4)];
            if value > 0.3 {
                (value.min(1.0) * 255.0) as u8
            } else {
                0
            }
        })
        .collect();
    let byte_rows = ByteRows::new(&bytes, 4, ByteRows::<f32>::unit_scale_table());
    let dense = Matrix::from_fn(150, 4, |i, j| {
        byte_rows.table()[usize::from(bytes[i * 4 + j])]
    });
    let sparse = SparseRows::from_dense(&dense);
    let config = TrainerConfig {
        epochs: 5,
        mini_batch_size: 30,
        ..TrainerConfig::default()
    };
    let run_on = |train: Samples<'_, f32>| {
        let mut rng = random::seeded(4);
        let mut network =
            MultiLayerNetExtend::new(NetworkConfig::new(4, vec![8], 2), &mut rng).unwrap();
        let mut optimizer = sgd(0.1);
        let train = LabeledData::new(train, &labels).unwrap();
        let test = LabeledData::new(&dense, &labels).unwrap();
        Trainer::new(&mut network, &mut optimizer, train, test, config, rng)
            .unwrap()
            .train(&mut ())
            .unwrap()
    };
    let from_dense = run_on(Samples::from(&dense));
    assert_eq!(run_on(Samples::from(&sparse)), from_dense);
    let from_bytes = run_on(Samples::from(&byte_rows));
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let again = pool.install(|| run_on(Samples::from(&byte_rows)));
        assert_eq!(again, from_bytes, "{threads} threads");
    }
    let accuracies = |history: &TrainingHistory| {
        let epochs = history.epochs.iter();
        (
            epochs
                .map(|e| (e.train_acc, e.test_acc))
                .collect::<Vec<_>>(),
            history.final_test_accuracy,
        )
    };
    assert_eq!(accuracies(&from_bytes), accuracies(&from_dense));
    let losses = from_bytes
        .train_loss_list
        .iter()
        .zip(&from_dense.train_loss_list);
    for (bytes, dense) in losses {
        assert!((bytes - dense).abs() < 1e-5, "{bytes} vs {dense}");
    }
    assert!(from_dense.final_test_accuracy > 0.9, "{from_dense:?}");
}

fn sgd(learning_rate: f64) -> AnyOptimizer<f32> {
    by_name("sgd", Some(learning_rate)).unwrap()
}

/// Records every callback as a short string.
#[derive(Default)]
struct Recorder {
    events: Vec<String>,
    records: Vec<EpochRecord>,
}

impl TrainObserver for Recorder {
    fn iteration_done(&mut self, iteration: usize, loss: f64) {
        assert!(loss.is_finite());
        self.events.push(format!("i{iteration}"));
    }
    fn epoch_done(&mut self, record: &EpochRecord) -> ControlFlow<()> {
        self.events
            .push(format!("e{}@{}", record.epoch, record.iteration));
        self.records.push(*record);
        ControlFlow::Continue(())
    }
}

#[test]
fn callbacks_come_in_the_documented_order() {
    let (x, labels) = blobs(300, 1);
    let mut recorder = Recorder::default();
    let config = TrainerConfig {
        epochs: 3,
        mini_batch_size: 100,
        evaluate_sample_num_per_epoch: None,
        ..TrainerConfig::default()
    };
    let history = run(
        (&x, &labels),
        (&x, &labels),
        config,
        &mut sgd(0.1),
        0,
        &mut recorder,
    )
    .unwrap();
    // Each epoch is evaluated after its first iteration (e1@1, e2@4, e3@7, like the book), on
    // a snapshot while training goes on; its record arrives when the next evaluation starts.
    assert_eq!(
        recorder.events,
        [
            "i1", "i2", "i3", "i4", "e1@1", "i5", "i6", "i7", "e2@4", "i8", "i9", "e3@7"
        ]
    );
    assert_eq!(history.train_loss_list.len(), 9);
    assert_eq!(history.epochs, recorder.records);
}

#[test]
fn evaluating_a_snapshot_gives_the_numbers_of_an_evaluation_in_place() {
    // Train step by step by hand and evaluate after the first iteration of each epoch, like
    // the book's Trainer; the trainer's concurrent evaluation must give the same records.
    let (x, labels) = blobs(60, 11);
    let config = TrainerConfig {
        epochs: 4,
        mini_batch_size: 20,
        evaluate_sample_num_per_epoch: None,
        ..TrainerConfig::default()
    };
    let history = run(
        (&x, &labels),
        (&x, &labels),
        config,
        &mut sgd(0.1),
        5,
        &mut (),
    )
    .unwrap();

    let mut rng = random::seeded(5);
    let mut network =
        MultiLayerNetExtend::new(NetworkConfig::new(4, vec![8, 8], 2), &mut rng).unwrap();
    let mut batch_rng = random::child(&mut rng);
    let mut optimizer = sgd(0.1);
    let mut indices = Vec::new();
    for iteration in 0..12 {
        random::choice_with_replacement(60, 20, &mut batch_rng, &mut indices);
        let batch_x = Matrix::from_fn(20, 4, |i, j| x[(indices[i], j)]);
        let batch_labels: Vec<usize> = indices.iter().map(|&i| labels[i]).collect();
        network.gradient(&batch_x, &batch_labels);
        optimizer.update(&mut network.params_mut());
        if iteration % 3 == 0 {
            let record = history.epochs[iteration / 3];
            assert_eq!(
                record.train_acc,
                network.accuracy(&x, &labels),
                "epoch {}",
                record.epoch
            );
            assert_eq!(record.test_acc, network.accuracy(&x, &labels));
        }
    }
    assert_eq!(history.final_test_accuracy, network.accuracy(&x, &labels));
}

#[test]
fn epochs_are_counted_when_the_batch_does_not_divide_the_set() {
    let (x, labels) = blobs(350, 2);
    let mut recorder = Recorder::default();
    let config = TrainerConfig {
        epochs: 3,
        mini_batch_size: 100,
        evaluate_sample_num_per_epoch: None,
        ..TrainerConfig::default()
    };
    let history = run(
        (&x, &labels),
        (&x, &labels),
        config,
        &mut sgd(0.1),
        0,
        &mut recorder,
    )
    .unwrap();
    // ceil(350 / 100) = 4 iterations per epoch; the book's float modulo would evaluate at 1 and 8 only.
    assert_eq!(history.train_loss_list.len(), 12);
    let at: Vec<usize> = history.epochs.iter().map(|r| r.iteration).collect();
    assert_eq!(at, [1, 5, 9]);
    // A set smaller than one batch still makes one iteration per epoch.
    let (small_x, small_labels) = blobs(30, 3);
    let history = run(
        (&small_x, &small_labels),
        (&x, &labels),
        config,
        &mut sgd(0.1),
        0,
        &mut (),
    )
    .unwrap();
    assert_eq!(history.train_loss_list.len(), 3);
    assert_eq!(history.epochs.len(), 3);
}

#[test]
fn learns_a_separable_problem() {
    let (x, labels) = blobs(200, 4);
    let (test_x, test_labels) = blobs(100, 5);
    let config = TrainerConfig {
        epochs: 30,
        mini_batch_size: 20,
        evaluate_sample_num_per_epoch: None,
        ..TrainerConfig::default()
    };
    let history = run(
        (&x, &labels),
        (&test_x, &test_labels),
        config,
        &mut sgd(0.1),
        0,
        &mut (),
    )
    .unwrap();
    assert!(
        history.final_test_accuracy > 0.97,
        "{}",
        history.final_test_accuracy
    );
    let first = history.epochs[0].train_loss;
    let last = history.epochs.last().unwrap().train_loss;
    assert!(last < first / 4.0, "train loss {first} → {last}");
}

#[test]
fn evaluate_sample_limit_uses_the_first_samples_only() {
    // All-zero inputs: the network predicts the same class for every sample. The first five
    // test samples are class 0, the other 35 class 1, so the accuracy on the first five is 0
    // or 1 while on all forty it is 0.125 or 0.875.
    let x = Matrix::<f32>::zeros(40, 3);
    let labels: Vec<usize> = (0..40).map(|i| usize::from(i >= 5)).collect();
    let limited = TrainerConfig {
        epochs: 4,
        mini_batch_size: 10,
        evaluate_sample_num_per_epoch: Some(5),
        ..TrainerConfig::default()
    };
    let history = run(
        (&x, &labels),
        (&x, &labels),
        limited,
        &mut sgd(0.1),
        0,
        &mut (),
    )
    .unwrap();
    for record in &history.epochs {
        assert!(
            record.test_acc == 0.0 || record.test_acc == 1.0,
            "{record:?}"
        );
        assert!(
            record.train_acc == 0.0 || record.train_acc == 1.0,
            "{record:?}"
        );
    }
    assert!(
        [0.125, 0.875].contains(&history.final_test_accuracy),
        "final pass uses every sample"
    );

    let unlimited = TrainerConfig {
        evaluate_sample_num_per_epoch: None,
        ..limited
    };
    let history = run(
        (&x, &labels),
        (&x, &labels),
        unlimited,
        &mut sgd(0.1),
        0,
        &mut (),
    )
    .unwrap();
    for record in &history.epochs {
        assert!([0.125, 0.875].contains(&record.test_acc), "{record:?}");
    }
}

#[test]
fn same_seed_same_history_different_seed_different() {
    let (x, labels) = blobs(120, 6);
    let config = TrainerConfig {
        epochs: 5,
        mini_batch_size: 10,
        evaluate_sample_num_per_epoch: None,
        ..TrainerConfig::default()
    };
    let a = run(
        (&x, &labels),
        (&x, &labels),
        config,
        &mut sgd(0.05),
        9,
        &mut (),
    )
    .unwrap();
    let b = run(
        (&x, &labels),
        (&x, &labels),
        config,
        &mut sgd(0.05),
        9,
        &mut (),
    )
    .unwrap();
    let c = run(
        (&x, &labels),
        (&x, &labels),
        config,
        &mut sgd(0.05),
        10,
        &mut (),
    )
    .unwrap();
    assert_eq!(a, b);
    assert_ne!(a.train_loss_list, c.train_loss_list);
}

#[test]
fn a_diverging_loss_stops_with_the_epoch_and_advice() {
    let (x, labels) = blobs(100, 7);
    let mut recorder = Recorder::default();
    let config = TrainerConfig {
        epochs: 50,
        mini_batch_size: 10,
        evaluate_sample_num_per_epoch: None,
        ..TrainerConfig::default()
    };
    let error = run(
        (&x, &labels),
        (&x, &labels),
        config,
        &mut sgd(1e30),
        0,
        &mut recorder,
    )
    .unwrap_err();
    let TrainError::Diverged {
        epoch, iteration, ..
    } = error
    else {
        panic!("expected divergence, got {error}")
    };
    assert!(epoch >= 1 && iteration >= 1);
    assert_eq!(
        recorder
            .events
            .iter()
            .filter(|e| e.starts_with('i'))
            .count(),
        iteration - 1
    );
    assert!(error.to_string().contains("lower learning rate"));
}

#[test]
fn an_observer_can_stop_the_run() {
    struct StopAfterTwo;
    impl TrainObserver for StopAfterTwo {
        fn epoch_done(&mut self, record: &EpochRecord) -> ControlFlow<()> {
            if record.epoch == 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }
    }
    let (x, labels) = blobs(40, 8);
    let config = TrainerConfig {
        epochs: 10,
        mini_batch_size: 10,
        evaluate_sample_num_per_epoch: None,
        ..TrainerConfig::default()
    };
    let error = run(
        (&x, &labels),
        (&x, &labels),
        config,
        &mut sgd(0.1),
        0,
        &mut StopAfterTwo,
    )
    .unwrap_err();
    assert!(matches!(error, TrainError::Stopped { epoch: 2 }));
}

#[test]
fn bad_settings_and_data_are_errors() {
    let (x, labels) = blobs(40, 9);
    let good = TrainerConfig {
        epochs: 1,
        mini_batch_size: 10,
        evaluate_sample_num_per_epoch: None,
        ..TrainerConfig::default()
    };
    let bad_configs = [
        TrainerConfig { epochs: 0, ..good },
        TrainerConfig {
            mini_batch_size: 0,
            ..good
        },
        TrainerConfig {
            evaluate_sample_num_per_epoch: Some(0),
            ..good
        },
    ];
    for config in bad_configs {
        let result = run(
            (&x, &labels),
            (&x, &labels),
            config,
            &mut sgd(0.1),
            0,
            &mut (),
        );
        assert!(
            matches!(result, Err(TrainError::InvalidConfig(_))),
            "{config:?}"
        );
    }
    assert!(matches!(
        LabeledData::new(&x, &labels[..39]),
        Err(TrainError::InvalidData(_))
    ));
    let out_of_range: Vec<usize> = labels.iter().map(|&l| l + 1).collect();
    let result = run(
        (&x, &out_of_range),
        (&x, &labels),
        good,
        &mut sgd(0.1),
        0,
        &mut (),
    );
    assert!(matches!(result, Err(TrainError::InvalidData(message)) if message.contains("label 2")));
    let narrow = Matrix::<f32>::zeros(40, 3);
    let mut rng = random::seeded(0);
    let mut network =
        MultiLayerNetExtend::new(NetworkConfig::new(4, vec![8], 2), &mut rng).unwrap();
    let mut optimizer = sgd(0.1);
    let result = Trainer::new(
        &mut network,
        &mut optimizer,
        LabeledData::new(&narrow, &labels).unwrap(),
        LabeledData::new(&x, &labels).unwrap(),
        good,
        rng,
    );
    assert!(
        matches!(result, Err(TrainError::InvalidData(message)) if message.contains("3 features"))
    );
    let empty = Matrix::<f32>::zeros(0, 4);
    let result = run(
        (&empty, &[]),
        (&x, &labels),
        good,
        &mut sgd(0.1),
        0,
        &mut (),
    );
    assert!(matches!(result, Err(TrainError::InvalidData(_))));
}

#[test]
fn the_thread_count_does_not_change_a_single_bit() {
    // A test set of several inference chunks, so the evaluation really is split across threads.
    let (x_train, t_train) = blobs(200, 21);
    let (x_test, t_test) = blobs(2 * scratchnet_layers::INFERENCE_CHUNK_ROWS + 17, 22);
    let config = TrainerConfig {
        epochs: 6,
        mini_batch_size: 50,
        evaluate_sample_num_per_epoch: None,
        ..TrainerConfig::default()
    };
    let run_on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            run(
                (&x_train, &t_train),
                (&x_test, &t_test),
                config,
                &mut sgd(0.1),
                5,
                &mut (),
            )
            .unwrap()
        })
    };
    let one = run_on(1);
    for threads in [2, 3] {
        let many = run_on(threads);
        // Exact equality of every loss and accuracy (f64 `==`), not a tolerance.
        assert_eq!(
            many.train_loss_list, one.train_loss_list,
            "{threads} threads"
        );
        assert_eq!(many.epochs, one.epochs, "{threads} threads");
        assert_eq!(many.final_test_accuracy, one.final_test_accuracy);
    }
}

/// Sets a stop flag when it sees a chosen iteration, and records every callback.
struct StopAt<'f> {
    iteration: usize,
    flag: &'f std::sync::atomic::AtomicBool,
    recorder: Recorder,
}

impl TrainObserver for StopAt<'_> {
    fn iteration_done(&mut self, iteration: usize, loss: f64) {
        if iteration == self.iteration {
            self.flag.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        self.recorder.iteration_done(iteration, loss);
    }
    fn epoch_done(&mut self, record: &EpochRecord) -> ControlFlow<()> {
        self.recorder.epoch_done(record)
    }
}

#[test]
fn a_stop_flag_stops_before_the_next_iteration_not_at_the_epochs_end() {
    let (x, labels) = blobs(40, 8);
    let config = TrainerConfig {
        epochs: 10,
        mini_batch_size: 10,
        ..TrainerConfig::default()
    };
    let stop_at = |iteration| {
        let flag = std::sync::atomic::AtomicBool::new(false);
        let mut rng = random::seeded(0);
        let mut network =
            MultiLayerNetExtend::new(NetworkConfig::new(4, vec![8, 8], 2), &mut rng).unwrap();
        let mut optimizer = sgd(0.1);
        let data = || LabeledData::new(&x, &labels).unwrap();
        let mut observer = StopAt {
            iteration,
            flag: &flag,
            recorder: Recorder::default(),
        };
        let result = Trainer::new(&mut network, &mut optimizer, data(), data(), config, rng)
            .unwrap()
            .stop_on(&flag)
            .train(&mut observer);
        (result, observer.recorder.events)
    };
    // Set at the first iteration (seen before epoch 1's other three run): epoch 1's record,
    // evaluated after iteration 1, is reported and iterations 2–4 never run.
    let (result, events) = stop_at(1);
    assert!(
        matches!(result, Err(TrainError::Stopped { epoch: 1 })),
        "{result:?}"
    );
    assert_eq!(events, ["i1", "e1@1"]);
    // Never set: the whole run.
    let (result, events) = stop_at(usize::MAX);
    assert_eq!(result.unwrap().epochs.len(), 10);
    assert_eq!(events.iter().filter(|e| e.starts_with('i')).count(), 40);
}
