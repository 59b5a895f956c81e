//! The IDX file format of MNIST: a 4-byte magic (two zero bytes, the element type, the number
//! of dimensions), one big-endian `u32` per dimension, then the elements in row-major order.
//!
//! [`read`] parses from any reader and trusts nothing: the header is checked completely (and the
//! payload size computed with overflow checks and compared against a caller-given limit) before
//! a single payload byte is buffered; the buffer then grows only as bytes actually arrive, so a
//! hostile header cannot make it allocate. The payload must be exactly as long as the
//! dimensions say: a short file and trailing bytes are both errors.

use std::io::{self, Read};

/// The element type code of unsigned bytes, the only one the MNIST family uses.
pub const TYPE_U8: u8 = 0x08;

/// The most dimensions [`read`] accepts (MNIST needs 1 and 3).
pub const MAX_DIMS: usize = 8;

/// The default payload limit of [`read`]: 256 MiB, five times the largest MNIST file.
pub const DEFAULT_MAX_PAYLOAD: u64 = 256 << 20;

/// Why an IDX stream was rejected.
#[derive(Debug, thiserror::Error)]
pub enum IdxError {
    /// The stream ended inside the 4-byte magic or the dimensions.
    #[error("truncated IDX header: the data ends inside the {0}")]
    TruncatedHeader(&'static str),
    /// The first two bytes of the magic are not zero.
    #[error("not an IDX file: the magic starts with {0:#04x} {1:#04x}, expected 0x00 0x00")]
    BadMagic(u8, u8),
    /// The element type is not `u8` (0x08).
    #[error(
        "unsupported IDX element type {code:#04x} ({name}); only unsigned bytes (0x08) are supported"
    )]
    UnsupportedType {
        /// The type code found.
        code: u8,
        /// A name for the code.
        name: &'static str,
    },
    /// The number of dimensions is zero or larger than [`MAX_DIMS`].
    #[error("unsupported number of IDX dimensions: {0} (expected 1 to {MAX_DIMS})")]
    BadDimensionCount(u8),
    /// The product of the dimensions overflows 64 bits or `usize`.
    #[error("IDX dimensions {0:?} overflow: their product does not fit in memory sizes")]
    Overflow(Vec<u32>),
    /// The payload the header announces is larger than the caller's limit.
    #[error("IDX dimensions {dims:?} announce {size} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// The dimensions found.
        dims: Vec<u32>,
        /// The announced payload size.
        size: u64,
        /// The limit in force.
        limit: u64,
    },
    /// The payload is shorter than the dimensions say.
    #[error("truncated IDX payload: the dimensions say {expected} bytes, the data has {actual}")]
    TruncatedPayload {
        /// Bytes the dimensions announce.
        expected: u64,
        /// Bytes found.
        actual: u64,
    },
    /// There are bytes after the payload.
    #[error("IDX payload longer than its dimensions say ({expected} bytes): trailing data")]
    TrailingData {
        /// Bytes the dimensions announce.
        expected: u64,
    },
    /// The reader failed (including a corrupt or truncated gzip stream underneath).
    #[error("reading IDX data failed: {0}")]
    Io(#[from] io::Error),
}

/// A parsed IDX array of bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdxArray {
    dims: Vec<usize>,
    data: Vec<u8>,
}

impl IdxArray {
    /// The dimensions, outermost first (for images: count, rows, columns).
    pub fn dims(&self) -> &[usize] {
        &self.dims
    }

    /// The elements in row-major order; `data().len()` is the product of [`Self::dims`].
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Splits the array into its dimensions and its elements.
    pub fn into_parts(self) -> (Vec<usize>, Vec<u8>) {
        (self.dims, self.data)
    }
}

fn type_name(code: u8) -> &'static str {
    match code {
        0x08 => "unsigned byte",
        0x09 => "signed byte",
        0x0B => "short",
        0x0C => "int",
        0x0D => "float",
        0x0E => "double",
        _ => "unknown",
    }
}

/// Reads exactly `buf.len()` bytes, or reports where the header ended.
fn read_header_part(
    reader: &mut impl Read,
    buf: &mut [u8],
    part: &'static str,
) -> Result<(), IdxError> {
    reader.read_exact(buf).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            IdxError::TruncatedHeader(part)
        } else {
            IdxError::Io(e)
        }
    })
}

/// Parses one IDX array of unsigned bytes from `reader`, refusing payloads over `max_payload`
/// bytes. The reader is read to its end (so a gzip decoder underneath checks its CRC).
///
/// ```
/// let bytes = [0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6];
/// let array = scratchnet_datasets::idx::read(&bytes[..], 1 << 20)?;
/// assert_eq!(array.dims(), [2, 3]);
/// assert_eq!(array.data(), [1, 2, 3, 4, 5, 6]);
/// # Ok::<(), scratchnet_datasets::IdxError>(())
/// ```
pub fn read<R: Read>(reader: R, max_payload: u64) -> Result<IdxArray, IdxError> {
    read_prefix(reader, max_payload, usize::MAX)
}

/// Like [`read`], but keeps only the first `keep_items` items (along the first dimension) in
/// memory; the rest of the payload is still read — and so still hashed by a hashing reader —
/// and checked for length, then dropped. Loading 300 of MNIST's 60,000 training images this way
/// holds 235 KB instead of 47 MB.
pub fn read_prefix<R: Read>(
    mut reader: R,
    max_payload: u64,
    keep_items: usize,
) -> Result<IdxArray, IdxError> {
    let mut magic = [0u8; 4];
    read_header_part(&mut reader, &mut magic, "magic number")?;
    let [zero0, zero1, code, ndims] = magic;
    if zero0 != 0 || zero1 != 0 {
        return Err(IdxError::BadMagic(zero0, zero1));
    }
    if code != TYPE_U8 {
        return Err(IdxError::UnsupportedType {
            code,
            name: type_name(code),
        });
    }
    if ndims == 0 || usize::from(ndims) > MAX_DIMS {
        return Err(IdxError::BadDimensionCount(ndims));
    }
    let mut raw_dims = Vec::with_capacity(usize::from(ndims));
    for _ in 0..ndims {
        let mut word = [0u8; 4];
        read_header_part(&mut reader, &mut word, "dimensions")?;
        raw_dims.push(u32::from_be_bytes(word));
    }
    let size = raw_dims
        .iter()
        .try_fold(1u64, |acc, &d| acc.checked_mul(u64::from(d)));
    let Some(size) = size else {
        return Err(IdxError::Overflow(raw_dims));
    };
    if size > max_payload {
        return Err(IdxError::TooLarge {
            dims: raw_dims,
            size,
            limit: max_payload,
        });
    }
    let (Ok(_), Some(dims)) = (
        usize::try_from(size),
        raw_dims
            .iter()
            .map(|&d| usize::try_from(d).ok())
            .collect::<Option<Vec<usize>>>(),
    ) else {
        return Err(IdxError::Overflow(raw_dims));
    };

    let item_len = dims[1..].iter().product::<usize>();
    let kept_items = keep_items.min(dims[0]);
    // Both fit: kept_items·item_len <= dims[0]·item_len = len.
    let keep_len = kept_items * item_len;
    // Grow with the data actually received, never with the header's promise.
    let mut data = Vec::with_capacity(keep_len.min(1 << 16));
    let got = reader
        .by_ref()
        .take(keep_len as u64)
        .read_to_end(&mut data)?;
    let skipped = io::copy(
        &mut reader.by_ref().take(size - keep_len as u64),
        &mut io::sink(),
    )?;
    if got as u64 + skipped != size {
        return Err(IdxError::TruncatedPayload {
            expected: size,
            actual: got as u64 + skipped,
        });
    }
    let mut dims = dims;
    dims[0] = kept_items;
    let mut probe = [0u8; 1];
    loop {
        match reader.read(&mut probe) {
            Ok(0) => break,
            Ok(_) => return Err(IdxError::TrailingData { expected: size }),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(IdxError::Io(e)),
        }
    }
    Ok(IdxArray { dims, data })
}

/// Parses an in-memory IDX array with the [`DEFAULT_MAX_PAYLOAD`] limit.
pub fn parse(bytes: &[u8]) -> Result<IdxArray, IdxError> {
    read(bytes, DEFAULT_MAX_PAYLOAD)
}

/// Encodes an IDX array of bytes (for tests, examples and writing custom data sets).
///
/// Returns `None` if a dimension exceeds `u32`, there are more than [`MAX_DIMS`] or none,
/// or `data` is not exactly as long as the product of `dims`.
pub fn encode(dims: &[usize], data: &[u8]) -> Option<Vec<u8>> {
    if dims.is_empty() || dims.len() > MAX_DIMS {
        return None;
    }
    let product = dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d))?;
    if product != data.len() {
        return None;
    }
    let mut out = Vec::with_capacity(4 + 4 * dims.len() + data.len());
    out.extend_from_slice(&[0, 0, TYPE_U8, u8::try_from(dims.len()).ok()?]);
    for &d in dims {
        out.extend_from_slice(&u32::try_from(d).ok()?.to_be_bytes());
    }
    out.extend_from_slice(data);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(code: u8, dims: &[u32]) -> Vec<u8> {
        let mut out = vec![0, 0, code, dims.len() as u8];
        for d in dims {
            out.extend_from_slice(&d.to_be_bytes());
        }
        out
    }

    #[test]
    fn a_prefix_keeps_the_first_items_and_still_checks_the_length() {
        let bytes = encode(&[3, 2], &[1, 2, 3, 4, 5, 6]).unwrap();
        let array = read_prefix(bytes.as_slice(), DEFAULT_MAX_PAYLOAD, 2).unwrap();
        assert_eq!(
            (array.dims(), array.data()),
            (&[2, 2][..], &[1, 2, 3, 4][..])
        );
        let all = read_prefix(bytes.as_slice(), DEFAULT_MAX_PAYLOAD, 10).unwrap();
        assert_eq!(all.dims(), &[3, 2]);
        let truncated = &bytes[..bytes.len() - 1];
        assert!(matches!(
            read_prefix(truncated, DEFAULT_MAX_PAYLOAD, 1),
            Err(IdxError::TruncatedPayload { .. })
        ));
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(matches!(
            read_prefix(trailing.as_slice(), DEFAULT_MAX_PAYLOAD, 1),
            Err(IdxError::TrailingData { .. })
        ));
    }

    #[test]
    fn parses_labels_and_images() {
        let labels = encode(&[3], &[7, 2, 1]).unwrap();
        let a = parse(&labels).unwrap();
        assert_eq!(a.dims(), [3]);
        assert_eq!(a.data(), [7, 2, 1]);
        let images = encode(&[2, 2, 2], &[1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
        let (dims, data) = parse(&images).unwrap().into_parts();
        assert_eq!(dims, [2, 2, 2]);
        assert_eq!(data.len(), 8);
    }

    #[test]
    fn empty_and_short_headers() {
        assert!(matches!(
            parse(&[]),
            Err(IdxError::TruncatedHeader("magic number"))
        ));
        assert!(matches!(
            parse(&[0, 0, 8]),
            Err(IdxError::TruncatedHeader("magic number"))
        ));
        assert!(matches!(
            parse(&[0, 0, 8, 3, 0, 0, 0, 1, 0, 0]),
            Err(IdxError::TruncatedHeader("dimensions"))
        ));
    }

    #[test]
    fn bad_magic() {
        assert!(matches!(
            parse(&[0x1f, 0x8b, 8, 0]),
            Err(IdxError::BadMagic(0x1f, 0x8b))
        ));
        assert!(matches!(
            parse(b"<html>"),
            Err(IdxError::BadMagic(b'<', b'h'))
        ));
    }

    #[test]
    fn unsupported_types() {
        for code in [0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x00, 0xFF] {
            let err = parse(&header(code, &[1])).unwrap_err();
            assert!(matches!(err, IdxError::UnsupportedType { code: c, .. } if c == code));
        }
        let msg = parse(&header(0x0D, &[1])).unwrap_err().to_string();
        assert!(msg.contains("float"), "{msg}");
    }

    #[test]
    fn bad_dimension_counts() {
        assert!(matches!(
            parse(&[0, 0, 8, 0]),
            Err(IdxError::BadDimensionCount(0))
        ));
        assert!(matches!(
            parse(&header(8, &[1; 9])),
            Err(IdxError::BadDimensionCount(9))
        ));
        assert!(matches!(
            parse(&[0, 0, 8, 255]),
            Err(IdxError::BadDimensionCount(255))
        ));
    }

    #[test]
    fn overflowing_dimensions_fail_before_allocating() {
        // 2^32-1 ^ 3 overflows u64.
        let h = header(8, &[u32::MAX, u32::MAX, u32::MAX]);
        assert!(matches!(parse(&h), Err(IdxError::Overflow(_))));
    }

    #[test]
    fn huge_dimensions_are_refused_before_allocating() {
        // 60000 × 65535 × 65535 ≈ 2.6e14 bytes: refused by the limit, no allocation.
        let h = header(8, &[60_000, 65_535, 65_535]);
        let err = parse(&h).unwrap_err();
        assert!(matches!(err, IdxError::TooLarge { size, .. } if size == 60_000 * 65_535 * 65_535));
        // Just inside the limit but with no data: a truncation error, found without
        // allocating the announced size (the buffer grows with the data).
        let h = header(8, &[1, 1 << 20]);
        let err = read(&h[..], 1 << 21).unwrap_err();
        assert!(
            matches!(err, IdxError::TruncatedPayload { expected, actual: 0 } if expected == 1 << 20)
        );
    }

    #[test]
    fn payload_length_must_match() {
        let mut short = header(8, &[2, 3]);
        short.extend_from_slice(&[1, 2, 3, 4, 5]);
        assert!(matches!(
            parse(&short),
            Err(IdxError::TruncatedPayload {
                expected: 6,
                actual: 5
            })
        ));
        let mut long = header(8, &[2, 3]);
        long.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7]);
        assert!(matches!(
            parse(&long),
            Err(IdxError::TrailingData { expected: 6 })
        ));
    }

    #[test]
    fn zero_sized_dimension_is_an_empty_array() {
        let a = parse(&header(8, &[0, 28, 28])).unwrap();
        assert_eq!(a.dims(), [0, 28, 28]);
        assert!(a.data().is_empty());
    }

    #[test]
    fn io_errors_are_reported() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk on fire"))
            }
        }
        assert!(matches!(read(Failing, 10), Err(IdxError::Io(_))));
    }

    #[test]
    fn encode_rejects_inconsistent_input() {
        assert_eq!(encode(&[2], &[1]), None);
        assert_eq!(encode(&[], &[]), None);
        assert!(encode(&[1, 1], &[9]).is_some());
    }
}
