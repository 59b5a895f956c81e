//! Hashing, content sniffing and locating files under their name variants.

use crate::catalog::{FileSpec, Sha256};
use flate2::read::MultiGzDecoder;
use sha2::Digest as _;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The first two bytes of every gzip stream.
pub(crate) const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// What the first bytes of a stream look like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sniffed {
    /// A gzip stream.
    Gzip,
    /// An uncompressed IDX file of bytes.
    Idx,
    /// An HTML (or XML) page: what error pages and captive portals send.
    Html,
    /// Something else.
    Other,
}

/// Classifies the start of a stream.
pub(crate) fn sniff(prefix: &[u8]) -> Sniffed {
    if prefix.starts_with(&GZIP_MAGIC) {
        return Sniffed::Gzip;
    }
    if let [0, 0, crate::idx::TYPE_U8, _, ..] = prefix {
        return Sniffed::Idx;
    }
    let text = String::from_utf8_lossy(prefix.get(..prefix.len().min(512)).unwrap_or(prefix));
    let lower = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    if lower.starts_with('<') || lower.contains("<html") || lower.contains("<!doctype") {
        Sniffed::Html
    } else {
        Sniffed::Other
    }
}

/// Reads up to `limit` bytes (fewer only at the end of the stream).
pub(crate) fn read_prefix(reader: &mut impl Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut prefix = Vec::with_capacity(limit);
    reader.take(limit as u64).read_to_end(&mut prefix)?;
    Ok(prefix)
}

/// Wraps a stream in a gzip decoder if it starts with the gzip magic, else passes it through.
pub(crate) fn decoded<'a, R: Read + 'a>(
    mut reader: R,
) -> io::Result<(Sniffed, Box<dyn Read + 'a>)> {
    let prefix = read_prefix(&mut reader, 512)?;
    let kind = sniff(&prefix);
    let whole = io::Cursor::new(prefix).chain(reader);
    Ok(match kind {
        Sniffed::Gzip => (kind, Box::new(MultiGzDecoder::new(whole))),
        _ => (kind, Box::new(whole)),
    })
}

/// A reader that hashes and counts everything read through it.
pub(crate) struct HashingReader<R> {
    inner: R,
    hasher: sha2::Sha256,
    count: u64,
}

impl<R: Read> HashingReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: sha2::Sha256::new(),
            count: 0,
        }
    }

    /// Bytes read so far and their SHA-256.
    pub(crate) fn finish(self) -> (u64, Sha256) {
        (self.count, Sha256(self.hasher.finalize().into()))
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = buf.get(..n).unwrap_or_default();
        self.hasher.update(chunk);
        self.count += n as u64;
        Ok(n)
    }
}

/// Size and SHA-256 of a file, read in full.
pub(crate) fn hash_file(path: &Path) -> io::Result<(u64, Sha256)> {
    let mut reader = HashingReader::new(File::open(path)?);
    io::copy(&mut reader, &mut io::sink())?;
    Ok(reader.finish())
}

/// Why a file on disk does not match its spec.
#[derive(Debug)]
pub(crate) enum Mismatch {
    Size { actual: u64 },
    Hash { actual: Sha256 },
}

/// Checks a decompressed file against its spec: size first (cheap), then the hash.
pub(crate) fn check_file(path: &Path, spec: &FileSpec) -> io::Result<Result<(), Mismatch>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    if meta.len() != spec.size {
        return Ok(Err(Mismatch::Size { actual: meta.len() }));
    }
    let (_, actual) = hash_file(path)?;
    Ok(if actual == spec.sha256 {
        Ok(())
    } else {
        Err(Mismatch::Hash { actual })
    })
}

/// The first existing regular file among the spec's name variants in `dir`, and every name tried.
pub(crate) fn find_variant(dir: &Path, spec: &FileSpec) -> (Option<PathBuf>, Vec<String>) {
    (spec.find_in(dir), spec.name_variants())
}
