//! The book's `Trainer`: training runs in Rust on a worker thread with the GIL released, while
//! the calling thread prints progress through Python's `sys.stdout` and checks for Ctrl-C,
//! which stops the worker before its next step.

use super::arrays::{Real, read_images, read_labels};
use super::network::{NativeNetwork, Net, load_params, runtime, store_params};
use super::optim;
use crate::convert::Images;
use crate::pool;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use scratchnet_network::MultiLayerNetExtend;
use scratchnet_optim::{AnyOptimizer, Optimizer};
use scratchnet_tensor::random::{self, Rng};
use scratchnet_trainer::{
    EpochRecord, IterationLoss, LabeledData, TrainError, TrainObserver, Trainer, TrainerConfig,
};
use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// How often the calling thread looks for Ctrl-C while training runs.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Data, optimizer and batch generator of one precision.
struct State<T: Real> {
    x_train: Images<T>,
    t_train: Vec<usize>,
    x_test: Images<T>,
    t_test: Vec<usize>,
    optimizer: AnyOptimizer<T>,
    rng: Rng,
}

enum Precision {
    F32(State<f32>),
    F64(State<f64>),
}

/// The Rust side of `scratchnet.Trainer`.
#[pyclass(module = "scratchnet._native")]
pub struct NativeTrainer {
    state: Precision,
    config: TrainerConfig,
}

/// What one `train()` call returns to Python.
type Outcome = (Vec<f64>, Vec<f64>, Vec<f64>, Option<f64>, Option<PyErr>);

#[pymethods]
impl NativeTrainer {
    #[new]
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (network, x_train, t_train, x_test, t_test, epochs, mini_batch_size, optimizer, optimizer_param, evaluate_sample_num_per_epoch, seed, loss_after_update))]
    fn new(
        network: &NativeNetwork,
        x_train: &Bound<'_, PyAny>,
        t_train: &Bound<'_, PyAny>,
        x_test: &Bound<'_, PyAny>,
        t_test: &Bound<'_, PyAny>,
        epochs: usize,
        mini_batch_size: usize,
        optimizer: &str,
        optimizer_param: BTreeMap<String, f64>,
        evaluate_sample_num_per_epoch: Option<usize>,
        seed: Option<u64>,
        loss_after_update: bool,
    ) -> PyResult<Self> {
        let key = match seed {
            Some(seed) => random::seeded(seed),
            None => network.rng.clone(),
        };
        // The command line's batches: the seed's keyed batch stream.
        let rng = random::stream(&key, random::Purpose::Batches, 0).into_rng();
        let state = match &network.net {
            Net::F32(net) => Precision::F32(state(
                net,
                [x_train, t_train, x_test, t_test],
                optimizer,
                &optimizer_param,
                rng,
            )?),
            Net::F64(net) => Precision::F64(state(
                net,
                [x_train, t_train, x_test, t_test],
                optimizer,
                &optimizer_param,
                rng,
            )?),
        };
        let config = TrainerConfig {
            epochs,
            mini_batch_size,
            evaluate_sample_num_per_epoch,
            iteration_loss: if loss_after_update {
                IterationLoss::AfterUpdate
            } else {
                IterationLoss::BeforeUpdate
            },
        };
        if epochs == 0 || mini_batch_size == 0 || evaluate_sample_num_per_epoch == Some(0) {
            return Err(PyValueError::new_err(
                "epochs, mini_batch_size and evaluate_sample_num_per_epoch must be at least 1",
            ));
        }
        Ok(Self { state, config })
    }

    /// Trains `network` (parameters read from and written back into `params`); `write` is
    /// `sys.stdout.write`, `verbose` 0 (silent), 1 (a line per epoch) or 2 (and per iteration).
    fn train(
        &mut self,
        py: Python<'_>,
        network: &mut NativeNetwork,
        params: &Bound<'_, PyDict>,
        write: &Bound<'_, PyAny>,
        verbose: u8,
    ) -> PyResult<Outcome> {
        let config = self.config;
        match (&mut self.state, &mut network.net) {
            (Precision::F32(state), Net::F32(net)) => {
                train(py, state, net, params, write, verbose, config)
            }
            (Precision::F64(state), Net::F64(net)) => {
                train(py, state, net, params, write, verbose, config)
            }
            _ => Err(PyValueError::new_err(
                "the network's dtype changed since the Trainer was made",
            )),
        }
    }

    /// One iteration (the book's `train_step`): a batch drawn with replacement, the gradient,
    /// the update. Returns the loss `train_loss_list` records.
    fn train_step(
        &mut self,
        py: Python<'_>,
        network: &mut NativeNetwork,
        params: &Bound<'_, PyDict>,
    ) -> PyResult<f64> {
        let config = self.config;
        match (&mut self.state, &mut network.net) {
            (Precision::F32(state), Net::F32(net)) => step(py, state, net, params, config),
            (Precision::F64(state), Net::F64(net)) => step(py, state, net, params, config),
            _ => Err(PyValueError::new_err(
                "the network's dtype changed since the Trainer was made",
            )),
        }
    }
}

fn state<T: Real>(
    net: &MultiLayerNetExtend<T>,
    [x_train, t_train, x_test, t_test]: [&Bound<'_, PyAny>; 4],
    optimizer: &str,
    hyper: &BTreeMap<String, f64>,
    rng: Rng,
) -> PyResult<State<T>> {
    let (inputs, classes) = (net.config().input_size, net.config().output_size);
    let x_train = read_images(x_train, "x_train")?;
    let t_train = read_labels(t_train, "t_train", classes)?;
    let x_test = read_images(x_test, "x_test")?;
    let t_test = read_labels(t_test, "t_test", classes)?;
    for (name, images, labels) in [
        ("x_train", &x_train, &t_train),
        ("x_test", &x_test, &t_test),
    ] {
        if images.ncols() != inputs {
            return Err(PyValueError::new_err(format!(
                "{name} has {} features per sample, the network takes {inputs}",
                images.ncols()
            )));
        }
        if images.nrows() != labels.len() || labels.is_empty() {
            return Err(PyValueError::new_err(format!(
                "{name} has {} samples and its labels {}: both must be the same, at least 1",
                images.nrows(),
                labels.len()
            )));
        }
    }
    Ok(State {
        x_train,
        t_train,
        x_test,
        t_test,
        optimizer: optim::build(optimizer, hyper)?,
        rng,
    })
}

/// What the worker thread tells the calling thread.
enum Event {
    Line(String),
}

/// Collects the run and forwards the lines to print.
struct Collector<'a> {
    sender: mpsc::Sender<Event>,
    stop: &'a AtomicBool,
    verbose: u8,
    losses: Vec<f64>,
    epochs: Vec<EpochRecord>,
}

impl TrainObserver for Collector<'_> {
    fn iteration_done(&mut self, _iteration: usize, loss: f64) {
        self.losses.push(loss);
        if self.verbose >= 2 {
            let _ = self
                .sender
                .send(Event::Line(format!("train loss:{}\n", py_float(loss))));
        }
    }

    fn epoch_done(&mut self, record: &EpochRecord) -> ControlFlow<()> {
        self.epochs.push(*record);
        if self.verbose >= 1 {
            let line = format!(
                "=== epoch:{}, train acc:{}, test acc:{} ===\n",
                record.epoch,
                py_float(record.train_acc),
                py_float(record.test_acc)
            );
            let _ = self.sender.send(Event::Line(line));
        }
        if self.stop.load(Ordering::Relaxed) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

/// A float the way Python's `str` writes it (`1.0`, not `1`).
fn py_float(value: f64) -> String {
    if value.is_finite() && value.fract() == 0.0 {
        format!("{value:.1}")
    } else {
        format!("{value}")
    }
}

#[allow(clippy::too_many_arguments)]
fn train<T: Real>(
    py: Python<'_>,
    state: &mut State<T>,
    net: &mut MultiLayerNetExtend<T>,
    params: &Bound<'_, PyDict>,
    write: &Bound<'_, PyAny>,
    verbose: u8,
    config: TrainerConfig,
) -> PyResult<Outcome> {
    load_params(net, params)?;
    let stop = AtomicBool::new(false);
    let (sender, receiver) = mpsc::channel();
    let receiver = Mutex::new(receiver);
    // The first run draws from the Trainer's generator itself (the command line's batches);
    // a later run from a child of it.
    let rng = state.rng.clone();
    state.rng = random::child(&mut state.rng);
    let State {
        x_train,
        t_train,
        x_test,
        t_test,
        optimizer,
        ..
    } = state;
    let mut interrupt: Option<PyErr> = None;
    let worker_result = std::thread::scope(|scope| {
        let stop = &stop;
        let net = &mut *net;
        let worker = scope.spawn(move || {
            let mut collector = Collector {
                sender,
                stop,
                verbose,
                losses: Vec::new(),
                epochs: Vec::new(),
            };
            let result = catch_unwind(AssertUnwindSafe(|| {
                pool::install(|| -> Result<f64, TrainError> {
                    let train_form = x_train.training_form();
                    let test_form = x_test.evaluation_form();
                    let history = Trainer::new(
                        &mut *net,
                        optimizer,
                        LabeledData::new(train_form.samples(), t_train)?,
                        LabeledData::new(test_form.samples(), t_test)?,
                        config,
                        rng,
                    )?
                    .stop_on(stop)
                    .train(&mut collector)?;
                    Ok(history.final_test_accuracy)
                })
            }));
            (result, collector.losses, collector.epochs)
        });
        loop {
            let received = py.detach(|| match receiver.lock() {
                Ok(receiver) => Ok(receiver.recv_timeout(SIGNAL_POLL)),
                Err(_) => Err(()),
            });
            match received {
                Ok(Ok(Event::Line(line))) => {
                    if let Err(error) = write.call1((line,)) {
                        stop.store(true, Ordering::Relaxed);
                        interrupt.get_or_insert(error);
                    }
                }
                Ok(Err(RecvTimeoutError::Timeout)) => {}
                Ok(Err(RecvTimeoutError::Disconnected)) | Err(_) => break,
            }
            if interrupt.is_none()
                && let Err(error) = py.check_signals()
            {
                stop.store(true, Ordering::Relaxed);
                interrupt = Some(error);
            }
        }
        py.detach(|| worker.join())
    });
    store_params(net, params)?;
    let (result, losses, epochs) = worker_result
        .map_err(|_| PyRuntimeError::new_err("the training thread stopped unexpectedly"))?;
    let result = result.map_err(|_| {
        PyRuntimeError::new_err(
            "training failed with an internal error (a bug in scratchnet): please report it",
        )
    })?;
    let final_accuracy = match result.map_err(runtime)? {
        Ok(accuracy) => Some(accuracy),
        Err(TrainError::Stopped { .. }) => None,
        Err(error @ (TrainError::InvalidConfig(_) | TrainError::InvalidData(_))) => {
            return Err(PyValueError::new_err(error.to_string()));
        }
        Err(error) => {
            interrupt.get_or_insert(PyRuntimeError::new_err(error.to_string()));
            None
        }
    };
    if let Some(accuracy) = final_accuracy.filter(|_| verbose >= 1) {
        write.call1((format!(
            "=============== Final Test Accuracy ===============\ntest acc:{}\n",
            py_float(accuracy)
        ),))?;
    }
    let train_acc = epochs.iter().map(|record| record.train_acc).collect();
    let test_acc = epochs.iter().map(|record| record.test_acc).collect();
    Ok((losses, train_acc, test_acc, final_accuracy, interrupt))
}

fn step<T: Real>(
    py: Python<'_>,
    state: &mut State<T>,
    net: &mut MultiLayerNetExtend<T>,
    params: &Bound<'_, PyDict>,
    config: TrainerConfig,
) -> PyResult<f64> {
    load_params(net, params)?;
    let loss = py
        .detach(|| {
            pool::install(|| {
                let mut indices = Vec::new();
                random::choice_with_replacement(
                    state.t_train.len(),
                    config.mini_batch_size,
                    &mut state.rng,
                    &mut indices,
                );
                let mut x = scratchnet_tensor::Matrix::zeros(0, 0);
                state
                    .x_train
                    .training_form()
                    .samples()
                    .gather_rows(&indices, &mut x);
                let labels: Vec<usize> =
                    indices.iter().map(|&index| state.t_train[index]).collect();
                let training_loss = net.gradient(&x, &labels);
                state.optimizer.update(&mut net.params_mut());
                match config.iteration_loss {
                    IterationLoss::BeforeUpdate => scratchnet_tensor::Float::as_f64(training_loss),
                    IterationLoss::AfterUpdate => net.evaluate(&x, &labels).loss,
                }
            })
        })
        .map_err(runtime)?;
    store_params(net, params)?;
    Ok(loss)
}
