//! The test accuracy of a saved network.

use crate::data::LoadedData;
use scratchnet_datasets::NUM_CLASSES;
use scratchnet_network::{MultiLayerNetExtend, NetworkError};
use std::path::{Path, PathBuf};

/// Why a saved network could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum EvaluateError {
    /// The model file could not be read or is not a model.
    #[error("loading the network from {}: {source}", path.display())]
    Load {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: NetworkError,
    },
    /// The network does not take this data set's images.
    #[error(
        "the network takes {inputs} inputs and has {outputs} outputs; {dataset} images have {pixels} pixels and {NUM_CLASSES} classes"
    )]
    Mismatch {
        /// The network's inputs.
        inputs: usize,
        /// The network's outputs.
        outputs: usize,
        /// The data set.
        dataset: String,
        /// Pixels per image.
        pixels: usize,
    },
}

/// Loads the network saved at `model` and returns its accuracy on every test image of `data`.
pub fn test_accuracy(model: &Path, data: &LoadedData) -> Result<f64, EvaluateError> {
    let network =
        MultiLayerNetExtend::<f32>::load(model).map_err(|source| EvaluateError::Load {
            path: model.to_path_buf(),
            source,
        })?;
    let config = network.config();
    let test = &data.mnist.test;
    if config.input_size != test.image_size() || config.output_size != NUM_CLASSES {
        return Err(EvaluateError::Mismatch {
            inputs: config.input_size,
            outputs: config.output_size,
            dataset: data.kind.to_string(),
            pixels: test.image_size(),
        });
    }
    Ok(network.accuracy(&data.test_sparse, &test.labels(test.len())))
}
