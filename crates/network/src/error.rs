//! The network crate's errors.

/// What can go wrong building, saving or loading a network.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    /// A configuration field is out of range.
    #[error("invalid network configuration: {0}")]
    InvalidConfig(String),
    /// A value given as text (an activation or weight-init name) is not one this crate knows;
    /// the message names the value and what is accepted, with no prefix to repeat.
    #[error("{0}")]
    UnknownValue(String),
    /// Reading or writing a model file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a scratchnet model (wrong magic bytes).
    #[error("not a scratchnet model file (wrong magic bytes)")]
    WrongMagic,
    /// The file was written by an incompatible format version.
    #[error(
        "model file format version {found} is not supported (this build reads version {supported})"
    )]
    UnsupportedVersion {
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        supported: u32,
    },
    /// The file is shorter or longer than its header says.
    #[error(
        "model file is truncated or has trailing bytes: header promises {expected} payload bytes, found {found}"
    )]
    Truncated {
        /// Bytes promised.
        expected: u64,
        /// Bytes present.
        found: u64,
    },
    /// The payload's checksum does not match: the file is corrupt.
    #[error("model file is corrupt (checksum mismatch)")]
    ChecksumMismatch,
    /// The network could not be encoded (a bug: every network can be).
    #[error("encoding the network failed: {0}")]
    Encode(#[source] bincode::error::EncodeError),
    /// The payload could not be decoded.
    #[error("model file is corrupt: {0}")]
    Decode(#[source] bincode::error::DecodeError),
    /// The payload decoded but bytes were left over.
    #[error("model file is corrupt: {0} unexpected trailing bytes")]
    TrailingBytes(usize),
    /// The file holds a different scalar type than requested.
    #[error("model file holds {found} parameters, but {expected} was requested")]
    ScalarMismatch {
        /// Requested type.
        expected: &'static str,
        /// Type in the file.
        found: String,
    },
    /// A stored parameter does not fit the stored configuration.
    #[error("model file does not match its configuration: {0}")]
    ShapeMismatch(String),
}
