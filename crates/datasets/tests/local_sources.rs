//! Local mirror directories work in every build; an http(s) source is refused cleanly, with its
//! own reason, when the crate is built without its `download` feature.

mod common;

use common::{assert_all_downloaded_from, assert_clean, catalog, fetch_noting_failures, gz, small};
use scratchnet_datasets::{FailureReason, Mnist};

#[test]
fn a_mirror_directory_serves_after_an_http_source_fails() {
    let files = small();
    let mirror = tempfile::tempdir().unwrap();
    for (role, bytes) in &files {
        let name = format!("{}.gz", role.standard_name());
        std::fs::write(mirror.path().join(name), gz(bytes)).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let http = "http://127.0.0.1:9/mnist/".to_owned();
    let local = mirror.path().display().to_string();
    let (report, failures) = fetch_noting_failures(&files, dir.path(), &[http, local.clone()]);
    assert_all_downloaded_from(&report, &local);
    let reasons: Vec<FailureReason> = failures.into_iter().map(|f| f.reason).collect();
    // The http source fails for each of the four files, then the directory serves it.
    assert_eq!(reasons.len(), files.len(), "{reasons:?}");
    for reason in &reasons {
        if cfg!(feature = "download") {
            assert!(
                matches!(reason, FailureReason::Unreachable(_)),
                "{reason:?}"
            );
        } else {
            assert_eq!(reason, &FailureReason::DownloadDisabled);
            assert!(
                reason.to_string().contains("`download` feature"),
                "{reason}"
            );
        }
    }
    assert_clean(dir.path(), true);
    let mnist = Mnist::load_with(dir.path(), &catalog(&files)).unwrap();
    assert_eq!((mnist.train.len(), mnist.test.len()), (200, 50));
}
