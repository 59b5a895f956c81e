#![doc = include_str!("../README.md")]
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
