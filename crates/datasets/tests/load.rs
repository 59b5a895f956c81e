//! Loading from a directory: formats, name variants, verification, conversions.

mod common;

use common::{catalog, gz, small};
use scratchnet_datasets::{DatasetError, FileRole, IdxError, Mnist, Split, idx};

fn write_all(dir: &std::path::Path, files: &[(FileRole, Vec<u8>)], gzip: bool) {
    for (role, bytes) in files {
        if gzip {
            std::fs::write(dir.join(format!("{}.gz", role.standard_name())), gz(bytes)).unwrap();
        } else {
            std::fs::write(dir.join(role.standard_name()), bytes).unwrap();
        }
    }
}

#[test]
fn loads_plain_and_gzip_alike() {
    let files = small();
    let (plain, packed) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write_all(plain.path(), &files, false);
    write_all(packed.path(), &files, true);
    let a = Mnist::load_with(plain.path(), &catalog(&files)).unwrap();
    let b = Mnist::load_with(packed.path(), &catalog(&files)).unwrap();
    assert_eq!(a, b);
    assert_eq!(Mnist::load_unverified(plain.path()).unwrap(), a);
    assert_eq!(a.train.len(), 200);
    assert_eq!(a.train.image_shape(), (28, 28));
    assert_eq!(a.train.labels(12), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
}

#[test]
fn content_other_than_pinned_is_refused() {
    let files = small();
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), &files, false);
    let other = common::synthetic(200, 51);
    let err = Mnist::load_with(dir.path(), &catalog(&other)).unwrap_err();
    assert!(matches!(err, DatasetError::Mismatch { .. }), "{err}");
    // The pinned MNIST hashes refuse synthetic data.
    let err = Mnist::load(dir.path(), scratchnet_datasets::DatasetKind::Mnist).unwrap_err();
    assert!(
        err.to_string()
            .contains("does not match the pinned SHA-256"),
        "{err}"
    );
}

#[test]
fn missing_and_malformed_files_are_typed_errors() {
    let files = small();
    let dir = tempfile::tempdir().unwrap();
    let err = Mnist::load_with(dir.path(), &catalog(&files)).unwrap_err();
    assert!(
        matches!(err, DatasetError::NotFound { ref name, .. } if name == "train-images-idx3-ubyte"),
        "{err}"
    );

    write_all(dir.path(), &files, false);
    std::fs::write(
        dir.path().join("t10k-labels-idx1-ubyte"),
        b"<html>403</html>",
    )
    .unwrap();
    let err = Mnist::load_unverified(dir.path()).unwrap_err();
    assert!(
        matches!(
            err,
            DatasetError::Idx {
                source: IdxError::BadMagic(b'<', b'h'),
                ..
            }
        ),
        "{err}"
    );

    // A truncated gzip file is an I/O error inside the IDX reader, not a panic.
    let mut packed = gz(&files[3].1);
    packed.truncate(packed.len() - 5);
    std::fs::remove_file(dir.path().join("t10k-labels-idx1-ubyte")).unwrap();
    std::fs::write(dir.path().join("t10k-labels-idx1-ubyte.gz"), packed).unwrap();
    let err = Mnist::load_unverified(dir.path()).unwrap_err();
    assert!(
        matches!(
            err,
            DatasetError::Idx {
                source: IdxError::Io(_) | IdxError::TruncatedPayload { .. },
                ..
            }
        ),
        "{err}"
    );

    // Label and image counts must agree.
    std::fs::remove_file(dir.path().join("t10k-labels-idx1-ubyte.gz")).unwrap();
    std::fs::write(
        dir.path().join("t10k-labels-idx1-ubyte"),
        idx::encode(&[3], &[1, 2, 3]).unwrap(),
    )
    .unwrap();
    let err = Mnist::load_unverified(dir.path()).unwrap_err();
    assert!(
        matches!(
            err,
            DatasetError::CountMismatch {
                images: 50,
                labels: 3
            }
        ),
        "{err}"
    );
}

#[test]
fn split_checks_shapes_and_labels() {
    let images = idx::parse(&idx::encode(&[2, 2], &[1, 2, 3, 4]).unwrap()).unwrap();
    let labels = idx::parse(&idx::encode(&[2], &[1, 2]).unwrap()).unwrap();
    assert!(matches!(
        Split::from_idx(images, labels.clone()),
        Err(DatasetError::Shape { what: "images", .. })
    ));
    let images = idx::parse(&idx::encode(&[2, 1, 2], &[1, 2, 3, 4]).unwrap()).unwrap();
    let bad_labels = idx::parse(&idx::encode(&[2], &[1, 10]).unwrap()).unwrap();
    assert!(matches!(
        Split::from_idx(images.clone(), bad_labels),
        Err(DatasetError::LabelOutOfRange {
            index: 1,
            label: 10
        })
    ));
    assert!(matches!(
        Split::from_raw(vec![0; 5], vec![0, 0], 1, 2),
        Err(DatasetError::Shape { .. })
    ));
    assert!(matches!(
        Split::from_raw(vec![], vec![], 0, 2),
        Err(DatasetError::Shape { .. })
    ));
    assert!(Split::from_idx(images, labels).is_ok());
}

#[test]
fn conversions_use_only_the_first_n_samples() {
    let pixels: Vec<u8> = (0..=255).chain(0..=255).collect(); // two 16 × 16 images
    let split = Split::from_raw(pixels, vec![3, 9], 16, 16).unwrap();
    let x = split.images_f32(1);
    assert_eq!((x.nrows(), x.ncols()), (1, 256));
    for v in 0..=255u8 {
        // Exactly NumPy's float32 arithmetic: np.float32(v) / np.float32(255.0).
        assert_eq!(x[(0, usize::from(v))], f32::from(v) / 255.0);
    }
    let x64 = split.images::<f64>(5);
    assert_eq!(x64.nrows(), 2, "n past the end is clamped");
    assert_eq!(x64[(1, 51)], f64::from(51.0f32 / 255.0f32));
    assert_eq!(x64[(1, 255)], 1.0);
    let t = split.one_hot::<f32>(2);
    assert_eq!((t.nrows(), t.ncols()), (2, 10));
    assert_eq!(
        t.row(0).iter().copied().collect::<Vec<_>>(),
        [0., 0., 0., 1., 0., 0., 0., 0., 0., 0.]
    );
    assert_eq!(t[(1, 9)], 1.0);
    assert_eq!(t.sum(), 2.0);
    assert_eq!(split.labels(1), [3]);
    assert_eq!(split.image_u8(1)[7], 7);
    assert_eq!(split.get_image(2), None);
    let first = split.take(1);
    assert_eq!(first.len(), 1);
    assert_eq!(first.images_u8(), &split.images_u8()[..256]);
    assert_eq!(split.take(0).images_f32(10).nrows(), 0);
}

#[test]
fn a_split_taken_apart_gives_back_its_bytes() {
    let pixels: Vec<u8> = (0..=255).chain(0..=255).collect(); // two 16 × 16 images
    let split = Split::from_raw(pixels.clone(), vec![3, 9], 16, 16).unwrap();
    assert_eq!(split.into_raw(), (pixels, vec![3, 9]));
}

#[test]
fn released_images_leave_the_labels() {
    let pixels: Vec<u8> = (0..=255).chain(0..=255).collect(); // two 16 × 16 images
    let mut split = Split::from_raw(pixels, vec![3, 9], 16, 16).unwrap();
    split.release_images();
    assert_eq!(split.len(), 2);
    assert_eq!(split.labels(2), [3, 9]);
    assert_eq!(split.image_shape(), (0, 0));
    assert!(split.images_u8().is_empty());
    assert_eq!(split.get_image(1), Some(&[][..]));
    assert_eq!(split.images_f32(2).shape(), (2, 0));
}
