//! Fuzzes the IDX parser and the split built from it: no input may panic, over-allocate or
//! produce an array whose payload disagrees with its dimensions.
//!
//! Run: `RUSTC_BOOTSTRAP=1 cargo fuzz run idx -- -max_total_time=600` (from the repository root).

#![no_main]

use libfuzzer_sys::fuzz_target;
use scratchnet_datasets::{Split, idx};

/// Small enough that a hostile header is refused instead of allocated.
const LIMIT: u64 = 1 << 16;

fn check(bytes: &[u8]) -> Option<idx::IdxArray> {
    let array = idx::read(bytes, LIMIT).ok()?;
    let product = array.dims().iter().product::<usize>();
    assert_eq!(product, array.data().len());
    // A parsed array re-encodes to exactly the input.
    assert_eq!(
        idx::encode(array.dims(), array.data()).as_deref(),
        Some(bytes)
    );
    Some(array)
}

fuzz_target!(|data: &[u8]| {
    check(data);
    // First byte: where to cut the rest into an images file and a labels file.
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let cut = usize::from(cut) * rest.len() / 256;
    let (images, labels) = rest.split_at(cut);
    let (Some(images), Some(labels)) = (check(images), check(labels)) else {
        return;
    };
    if let Ok(split) = Split::from_idx(images, labels) {
        let n = split.len();
        let x = split.images_f32(3);
        assert_eq!(x.nrows(), n.min(3));
        assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
        let t = split.one_hot::<f64>(n + 1);
        assert_eq!(t.nrows(), n);
        assert_eq!(split.labels(usize::MAX).len(), n);
        assert_eq!(split.take(2).len(), n.min(2));
        assert!(split.get_image(n).is_none());
        if n > 0 {
            assert_eq!(split.image_u8(n - 1).len(), split.image_size());
        }
    }
});
