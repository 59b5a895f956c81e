//! Saving and loading a [`MultiLayerNetExtend`]: the book's `save_params` / `load_params`,
//! in a file that says when it is not what it should be.
//!
//! Layout (little-endian): the 16-byte magic `SCRATCHNET-MODEL`, the format version (u32), the
//! scalar width in bytes (u32: 4 = f32, 8 = f64), the payload length (u64), the payload's
//! CRC-32 (u32), then the payload: configuration and parameters encoded with bincode + serde.
//! A truncated, bit-flipped or foreign file is a typed [`NetworkError`], never a panic.

use crate::{MultiLayerNetExtend, NetworkConfig, NetworkError};
use scratchnet_layers::Sequential;
use scratchnet_tensor::{Float, Matrix, random};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// First bytes of every model file.
pub const MAGIC: &[u8; 16] = b"SCRATCHNET-MODEL";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// Largest payload a model file may declare (1 GiB): a corrupt length cannot exhaust memory.
const MAX_PAYLOAD_BYTES: u64 = 1 << 30;
const HEADER_LEN: usize = MAGIC.len() + 4 + 4 + 8 + 4;

/// What the payload holds.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")] // `Float` already requires Serialize + DeserializeOwned
struct SavedNetwork<T: Float> {
    config: NetworkConfig,
    /// Every parameter by book name (`W1`, `b1`, `gamma1`, …).
    params: Vec<(String, Matrix<T>)>,
    /// BatchNorm running mean and variance per hidden block (empty without BatchNorm).
    running_stats: Vec<(Matrix<T>, Matrix<T>)>,
}

impl<T: Float> MultiLayerNetExtend<T> {
    /// The model as bytes in the format described in this module.
    pub fn to_bytes(&mut self) -> Result<Vec<u8>, NetworkError> {
        let saved = SavedNetwork {
            config: self.config.clone(),
            params: self
                .params_mut()
                .map(|param| (param.name.to_string(), param.value.clone()))
                .collect(),
            running_stats: running_stat_pairs(&mut self.net)
                .into_iter()
                .map(|(mean, var)| (mean.clone(), var.clone()))
                .collect(),
        };
        let payload = bincode::serde::encode_to_vec(&saved, bincode::config::standard())
            .map_err(NetworkError::Encode)?;
        let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        bytes.extend_from_slice(&(size_of::<T>() as u32).to_le_bytes());
        bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        bytes.extend_from_slice(&payload);
        Ok(bytes)
    }

    /// Rebuilds a network from [`to_bytes`](Self::to_bytes) output, checking the header, the
    /// checksum, and every parameter's shape against the stored configuration.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, NetworkError> {
        let header = bytes.get(..HEADER_LEN).ok_or(NetworkError::Truncated {
            expected: HEADER_LEN as u64,
            found: bytes.len() as u64,
        })?;
        let (magic, rest) = header.split_at(MAGIC.len());
        if magic != MAGIC {
            return Err(NetworkError::WrongMagic);
        }
        let (version, rest) = rest.split_at(4);
        let version = u32::from_le_bytes(version.try_into().map_err(|_| NetworkError::WrongMagic)?);
        if version != FORMAT_VERSION {
            return Err(NetworkError::UnsupportedVersion {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let (width, rest) = rest.split_at(4);
        let width = u32::from_le_bytes(width.try_into().map_err(|_| NetworkError::WrongMagic)?);
        let (length, checksum) = rest.split_at(8);
        let length = u64::from_le_bytes(length.try_into().map_err(|_| NetworkError::WrongMagic)?);
        let checksum =
            u32::from_le_bytes(checksum.try_into().map_err(|_| NetworkError::WrongMagic)?);
        let payload = &bytes[HEADER_LEN..];
        if length > MAX_PAYLOAD_BYTES || payload.len() as u64 != length {
            return Err(NetworkError::Truncated {
                expected: length,
                found: payload.len() as u64,
            });
        }
        if crc32fast::hash(payload) != checksum {
            return Err(NetworkError::ChecksumMismatch);
        }
        if width as usize != size_of::<T>() {
            return Err(NetworkError::ScalarMismatch {
                expected: scalar_name(size_of::<T>() as u32),
                found: scalar_name(width).to_string(),
            });
        }
        let config = bincode::config::standard().with_limit::<{ MAX_PAYLOAD_BYTES as usize }>();
        let (saved, used): (SavedNetwork<T>, usize) =
            bincode::serde::decode_from_slice(payload, config).map_err(NetworkError::Decode)?;
        if used != payload.len() {
            return Err(NetworkError::TrailingBytes(payload.len() - used));
        }
        Self::from_saved(saved)
    }

    fn from_saved(saved: SavedNetwork<T>) -> Result<Self, NetworkError> {
        // The seed does not matter: every parameter is overwritten below.
        let mut network = Self::new(saved.config, &mut random::seeded(0))?;
        let expected = network.param_names();
        let found: Vec<&str> = saved.params.iter().map(|(name, _)| name.as_str()).collect();
        if expected != found {
            return Err(NetworkError::ShapeMismatch(format!(
                "parameters {found:?} stored, the configuration needs {expected:?}"
            )));
        }
        for (param, (name, value)) in network.params_mut().zip(&saved.params) {
            if param.value.shape() != value.shape() {
                return Err(NetworkError::ShapeMismatch(format!(
                    "{name} is {:?}, the configuration needs {:?}",
                    value.shape(),
                    param.value.shape()
                )));
            }
            param.value.copy_from(value);
        }
        let batch_norms = running_stat_pairs(&mut network.net);
        if batch_norms.len() != saved.running_stats.len() {
            return Err(NetworkError::ShapeMismatch(format!(
                "{} sets of BatchNorm statistics stored, the configuration needs {}",
                saved.running_stats.len(),
                batch_norms.len()
            )));
        }
        for (index, ((running_mean, running_var), (mean, var))) in batch_norms
            .into_iter()
            .zip(&saved.running_stats)
            .enumerate()
        {
            if mean.shape() != running_mean.shape() || var.shape() != running_var.shape() {
                return Err(NetworkError::ShapeMismatch(format!(
                    "BatchNorm {} statistics have the wrong shape",
                    index + 1
                )));
            }
            running_mean.copy_from(mean);
            running_var.copy_from(var);
        }
        Ok(network)
    }

    /// Writes the model to `path` atomically: a temporary file beside it, synced, then renamed
    /// over it, so a crash never leaves a half-written model under the real name.
    pub fn save(&mut self, path: &Path) -> Result<(), NetworkError> {
        let bytes = self.to_bytes()?;
        let io_error = |source| NetworkError::Io {
            path: path.to_path_buf(),
            source,
        };
        let dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let mut file = tempfile::Builder::new()
            .prefix(".partial-")
            .tempfile_in(dir)
            .map_err(io_error)?;
        file.write_all(&bytes).map_err(io_error)?;
        file.as_file().sync_all().map_err(io_error)?;
        file.persist(path).map_err(|error| io_error(error.error))?;
        Ok(())
    }

    /// Reads a model written by [`save`](Self::save).
    pub fn load(path: &Path) -> Result<Self, NetworkError> {
        let bytes = std::fs::read(path).map_err(|source| NetworkError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_bytes(&bytes)
    }
}

/// Each BatchNorm layer's running mean and variance, in layer order.
fn running_stat_pairs<T: Float>(net: &mut Sequential<T>) -> Vec<(&mut Matrix<T>, &mut Matrix<T>)> {
    let mut state = net.running_state();
    std::iter::from_fn(|| Some((state.next()?, state.next()?))).collect()
}

fn scalar_name(width: u32) -> &'static str {
    match width {
        4 => "f32",
        8 => "f64",
        _ => "unknown-width",
    }
}
