//! What the MNIST family consists of: data-set kinds, file names, sizes, pinned SHA-256 values
//! and the built-in mirrors.
//!
//! A [`Catalog`] is plain data, so tests (and users with their own IDX files) can build one with
//! other sizes and hashes and hand it to [`crate::fetch_catalog`] or [`crate::Mnist::load_with`].

use sha2::{Digest as _, Sha256 as Sha256Hasher};
use std::fmt;
use std::str::FromStr;

/// A member of the MNIST family: same file names, same format, same sizes, different content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DatasetKind {
    /// The MNIST handwritten digits (LeCun, Cortes, Burges).
    Mnist,
    /// Zalando's Fashion-MNIST: a drop-in replacement for MNIST with pictures of clothing.
    FashionMnist,
}

impl DatasetKind {
    /// Every member of the family, MNIST first.
    pub const ALL: [DatasetKind; 2] = [DatasetKind::Mnist, DatasetKind::FashionMnist];

    /// The name used on the command line and in directory names: `mnist` or `fashion-mnist`.
    pub fn slug(self) -> &'static str {
        match self {
            DatasetKind::Mnist => "mnist",
            DatasetKind::FashionMnist => "fashion-mnist",
        }
    }
}

impl fmt::Display for DatasetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DatasetKind::Mnist => "MNIST",
            DatasetKind::FashionMnist => "Fashion-MNIST",
        })
    }
}

/// The error of parsing a [`DatasetKind`] from a string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown data set {0:?}: expected \"mnist\" or \"fashion\" (or \"fashion-mnist\")")]
pub struct UnknownDatasetKind(pub String);

impl FromStr for DatasetKind {
    type Err = UnknownDatasetKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mnist" => Ok(DatasetKind::Mnist),
            "fashion" | "fashion-mnist" | "fashion_mnist" | "fashionmnist" => {
                Ok(DatasetKind::FashionMnist)
            }
            _ => Err(UnknownDatasetKind(s.to_owned())),
        }
    }
}

/// Which of the four files of a data set a [`FileSpec`] describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileRole {
    /// Training images (IDX, 3 dimensions).
    TrainImages,
    /// Training labels (IDX, 1 dimension).
    TrainLabels,
    /// Test images (IDX, 3 dimensions).
    TestImages,
    /// Test labels (IDX, 1 dimension).
    TestLabels,
}

impl FileRole {
    /// The four roles, in the order the files are fetched and listed.
    pub const ALL: [FileRole; 4] = [
        FileRole::TrainImages,
        FileRole::TrainLabels,
        FileRole::TestImages,
        FileRole::TestLabels,
    ];

    /// The standard (decompressed) file name of this role, e.g. `train-images-idx3-ubyte`.
    pub fn standard_name(self) -> &'static str {
        match self {
            FileRole::TrainImages => "train-images-idx3-ubyte",
            FileRole::TrainLabels => "train-labels-idx1-ubyte",
            FileRole::TestImages => "t10k-images-idx3-ubyte",
            FileRole::TestLabels => "t10k-labels-idx1-ubyte",
        }
    }

    /// Whether the file holds images (otherwise labels).
    pub fn is_images(self) -> bool {
        matches!(self, FileRole::TrainImages | FileRole::TestImages)
    }
}

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sha256(pub [u8; 32]);

impl Sha256 {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Sha256 {
        Sha256(Sha256Hasher::digest(bytes).into())
    }

    /// Parses 64 hexadecimal digits; `None` for anything else.
    pub const fn from_hex(hex: &str) -> Option<Sha256> {
        let bytes = hex.as_bytes();
        if bytes.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        let mut i = 0;
        while i < 32 {
            let (Some(hi), Some(lo)) = (hex_digit(bytes[2 * i]), hex_digit(bytes[2 * i + 1]))
            else {
                return None;
            };
            out[i] = hi << 4 | lo;
            i += 1;
        }
        Some(Sha256(out))
    }
}

const fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Parses a pinned hash at compile time (a typo fails the build, not a user's download).
const fn pinned(hex: &str) -> Sha256 {
    match Sha256::from_hex(hex) {
        Some(digest) => digest,
        None => panic!("invalid pinned SHA-256"),
    }
}

impl fmt::Display for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Sha256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256({self})")
    }
}

/// One file of a data set: its standard name, decompressed size and the SHA-256 of the
/// decompressed bytes (mirrors re-compress the `.gz` files, so only the content is pinned).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSpec {
    /// Which of the four files this is.
    pub role: FileRole,
    /// The decompressed file name, e.g. `train-images-idx3-ubyte`; mirrors serve `<name>.gz`.
    pub name: String,
    /// The exact size of the decompressed file in bytes.
    pub size: u64,
    /// The SHA-256 of the decompressed file.
    pub sha256: Sha256,
}

impl FileSpec {
    /// A spec with the role's standard name.
    pub fn new(role: FileRole, size: u64, sha256: Sha256) -> FileSpec {
        FileSpec {
            role,
            name: role.standard_name().to_owned(),
            size,
            sha256,
        }
    }

    /// A spec that pins exactly `contents` (handy for tests and custom data).
    pub fn for_contents(role: FileRole, contents: &[u8]) -> FileSpec {
        FileSpec::new(role, contents.len() as u64, Sha256::of(contents))
    }

    /// The names this file may have on disk or on a mirror, best first: the standard name,
    /// its `.gz`, and the dotted variant (`train-images.idx3-ubyte`) with and without `.gz`.
    pub fn name_variants(&self) -> Vec<String> {
        let mut names = vec![self.name.clone(), format!("{}.gz", self.name)];
        let dotted = self.name.replacen("-idx", ".idx", 1);
        if dotted != self.name {
            names.push(dotted.clone());
            names.push(format!("{dotted}.gz"));
        }
        names
    }
}

impl FileSpec {
    /// The first of [`Self::name_variants`] that exists as a regular file in `dir`.
    pub fn find_in(&self, dir: &std::path::Path) -> Option<std::path::PathBuf> {
        self.name_variants()
            .iter()
            .map(|name| dir.join(name))
            .find(|path| path.is_file())
    }
}

/// Everything needed to fetch and verify one data set: its four files and its built-in mirrors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalog {
    /// Human-readable name for messages, e.g. `MNIST`.
    pub name: String,
    /// The four files, in [`FileRole::ALL`] order.
    pub files: Vec<FileSpec>,
    /// Base URLs tried after the caller's mirrors; each serves `<name>.gz`.
    pub builtin_mirrors: Vec<String>,
}

/// Decompressed sizes, identical for MNIST and Fashion-MNIST.
const SIZES: [u64; 4] = [47_040_016, 60_008, 7_840_016, 10_008];

const MNIST_SHA256: [Sha256; 4] = [
    pinned("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    pinned("65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    pinned("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    pinned("ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
];

const FASHION_SHA256: [Sha256; 4] = [
    pinned("c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
    pinned("bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
    pinned("5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
    pinned("0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
];

/// The MNIST mirrors in use today, best first. `yann.lecun.com` has answered 403/404 since
/// 2024, so it is not listed.
pub const MNIST_MIRRORS: [&str; 2] = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
];

/// The Fashion-MNIST mirror of its authors.
pub const FASHION_MNIST_MIRRORS: [&str; 1] =
    ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"];

impl Catalog {
    /// The pinned catalog of a data set of the MNIST family.
    pub fn for_kind(kind: DatasetKind) -> Catalog {
        let (hashes, mirrors): (&[Sha256; 4], &[&str]) = match kind {
            DatasetKind::Mnist => (&MNIST_SHA256, &MNIST_MIRRORS),
            DatasetKind::FashionMnist => (&FASHION_SHA256, &FASHION_MNIST_MIRRORS),
        };
        let files = FileRole::ALL
            .iter()
            .zip(SIZES)
            .zip(hashes)
            .map(|((&role, size), &sha256)| FileSpec::new(role, size, sha256))
            .collect();
        Catalog {
            name: kind.to_string(),
            files,
            builtin_mirrors: mirrors.iter().map(|m| (*m).to_owned()).collect(),
        }
    }

    /// The spec of the file with `role`, if the catalog has one.
    pub fn file(&self, role: FileRole) -> Option<&FileSpec> {
        self.files.iter().find(|f| f.role == role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_and_display() {
        assert_eq!("mnist".parse::<DatasetKind>(), Ok(DatasetKind::Mnist));
        assert_eq!(
            "Fashion".parse::<DatasetKind>(),
            Ok(DatasetKind::FashionMnist)
        );
        assert_eq!(
            "fashion-mnist".parse::<DatasetKind>(),
            Ok(DatasetKind::FashionMnist)
        );
        assert!("cifar".parse::<DatasetKind>().is_err());
        assert_eq!(DatasetKind::FashionMnist.to_string(), "Fashion-MNIST");
        assert_eq!(DatasetKind::FashionMnist.slug(), "fashion-mnist");
    }

    #[test]
    fn hex_round_trips_and_rejects_garbage() {
        let d = Sha256::of(b"abc");
        assert_eq!(
            d.to_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(Sha256::from_hex(&d.to_string()), Some(d));
        assert_eq!(Sha256::from_hex("00"), None);
        assert_eq!(Sha256::from_hex(&"g".repeat(64)), None);
    }

    #[test]
    fn catalogs_have_four_distinct_files() {
        for kind in [DatasetKind::Mnist, DatasetKind::FashionMnist] {
            let c = Catalog::for_kind(kind);
            assert_eq!(c.files.len(), 4);
            assert_eq!(c.file(FileRole::TestLabels).map(|f| f.size), Some(10_008));
            assert!(!c.builtin_mirrors.is_empty());
        }
        let spec = Catalog::for_kind(DatasetKind::Mnist).files[0].clone();
        assert_eq!(
            spec.name_variants(),
            [
                "train-images-idx3-ubyte",
                "train-images-idx3-ubyte.gz",
                "train-images.idx3-ubyte",
                "train-images.idx3-ubyte.gz"
            ]
        );
    }
}
