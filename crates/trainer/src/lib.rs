//! The book's `Trainer` (*Deep Learning from Scratch*, `common/trainer.py`): mini-batch SGD-style
//! training with per-epoch evaluation and a history of losses and accuracies.
//!
//! The trainer prints nothing: a [`TrainObserver`] sees every iteration and epoch, so a caller
//! can render progress or write results as they happen.
//!
//! ```
//! use scratchnet_network::{MultiLayerNetExtend, NetworkConfig};
//! use scratchnet_optim::by_name;
//! use scratchnet_tensor::{Matrix, random};
//! use scratchnet_trainer::{LabeledData, Trainer, TrainerConfig};
//!
//! // Two well-separated classes.
//! let x = Matrix::<f32>::from_fn(40, 2, |i, j| if (i % 2 == 0) == (j == 0) { 1.0 } else { 0.0 });
//! let labels: Vec<usize> = (0..40).map(|i| i % 2).collect();
//! let data = LabeledData::new(&x, &labels)?;
//!
//! let mut rng = random::seeded(0);
//! let mut network = MultiLayerNetExtend::new(NetworkConfig::new(2, vec![8], 2), &mut rng)?;
//! let mut optimizer = by_name("sgd", Some(0.5))?;
//! let config = TrainerConfig { epochs: 20, mini_batch_size: 10, ..TrainerConfig::default() };
//! let mut trainer = Trainer::new(&mut network, &mut optimizer, data, data, config, random::child(&mut rng))?;
//! let history = trainer.train(&mut ())?;
//! assert_eq!(history.epochs.len(), 20);
//! assert_eq!(history.final_test_accuracy, 1.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod data;
mod error;
mod history;
mod observer;
mod trainer;

pub use data::LabeledData;
pub use error::TrainError;
pub use history::{EpochRecord, TrainingHistory};
pub use observer::TrainObserver;
pub use trainer::{IterationLoss, Trainer, TrainerConfig, iterations_per_epoch};
