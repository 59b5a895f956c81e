//! The download pipeline against a loopback server injecting every fault: each test checks the
//! fallback to the next source, the error text, and that the directory holds no partial file.

mod common;

use common::{
    Behaviour, Server, assert_all_downloaded_from, assert_clean, catalog, fault_routes,
    fetch_noting_failures, good_routes, gz, options, small,
};
use scratchnet_datasets::{
    FailureReason, FetchError, FetchEvent, FileOutcome, FileRole, Mnist, fetch_catalog, size_cap,
};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Serves the fault under `/bad/` and good files under `/good/`; fetching with both mirrors must
/// succeed from `/good/` after `/bad/` failed with a reason containing `expected`.
fn assert_falls_back(fault: impl Fn(Vec<u8>) -> Behaviour, expected: &str) {
    let files = small();
    let mut routes = good_routes("good", &files);
    routes.extend(fault_routes("bad", &files, fault));
    let server = Server::start(routes);
    let dir = tempfile::tempdir().unwrap();
    let (bad, good) = (server.url("bad"), server.url("good"));
    let (report, failures) =
        fetch_noting_failures(&files, dir.path(), &[bad.clone(), good.clone()]);
    assert_all_downloaded_from(&report, &good);
    let failures: Vec<String> = failures.iter().map(ToString::to_string).collect();
    eprintln!("failures of the faulty source: {failures:#?}");
    assert!(!failures.is_empty(), "the faulty source did not fail");
    for failure in &failures {
        assert!(failure.starts_with(&bad), "{failure}");
        assert!(failure.contains(expected), "{failure:?} lacks {expected:?}");
    }
    assert_clean(dir.path(), true);
    // What is in place is the verified data.
    let mnist = Mnist::load_with(dir.path(), &catalog(&files)).unwrap();
    assert_eq!((mnist.train.len(), mnist.test.len()), (200, 50));
}

#[test]
fn http_403_html_falls_back() {
    assert_falls_back(
        |_| Behaviour::Html(403),
        "HTTP 403 (an HTML page, not gzip)",
    );
}

#[test]
fn http_404_falls_back() {
    assert_falls_back(|_| Behaviour::Html(404), "HTTP 404");
}

#[test]
fn http_500_falls_back() {
    assert_falls_back(|_| Behaviour::Text(500), "HTTP 500");
}

#[test]
fn short_body_falls_back() {
    assert_falls_back(
        |body| {
            let half = body.len() / 2;
            Behaviour::Truncated(body, half)
        },
        "truncated body",
    );
}

#[test]
fn wrong_content_falls_back() {
    let other = common::synthetic(200, 50);
    // Serve the right names with different (valid IDX) content of the same sizes.
    let files = small();
    let mut routes = good_routes("good", &files);
    routes.extend(good_routes("bad", &other).into_keys().map(|path| {
        let role = FileRole::ALL
            .iter()
            .find(|r| path.contains(r.standard_name()))
            .unwrap();
        let mut bytes = files.iter().find(|(r, _)| r == role).unwrap().1.clone();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff; // one flipped byte: same size, wrong hash
        (path, Behaviour::Ok(gz(&bytes)))
    }));
    let server = Server::start(routes);
    let dir = tempfile::tempdir().unwrap();
    let sources = [server.url("bad"), server.url("good")];
    let (_, failures) = fetch_noting_failures(&files, dir.path(), &sources);
    let failures: Vec<FailureReason> = failures.into_iter().map(|f| f.reason).collect();
    assert_eq!(failures.len(), 4);
    assert!(
        failures
            .iter()
            .all(|r| matches!(r, FailureReason::HashMismatch { .. })),
        "{failures:?}"
    );
    assert!(failures[0].to_string().starts_with("SHA-256 mismatch"));
    assert_clean(dir.path(), true);
}

#[test]
fn non_gzip_body_falls_back() {
    assert_falls_back(
        |_| Behaviour::Ok(b"PK\x03\x04 this is a zip, not a gzip".to_vec()),
        "not gzip data (starts with 50 4b 03 04",
    );
}

#[test]
fn html_with_status_200_falls_back() {
    // A captive portal or a misconfigured mirror: 200 OK with an HTML page.
    assert_falls_back(
        |_| Behaviour::Ok(b"\n<!DOCTYPE html><html>Sign in</html>".to_vec()),
        "an HTML page, not gzip",
    );
}

#[test]
fn corrupt_gzip_falls_back() {
    assert_falls_back(
        |mut body| {
            let mid = body.len() / 2;
            body[mid] ^= 0x55;
            body[mid + 1] ^= 0x55;
            Behaviour::Ok(body)
        },
        "",
    );
}

#[test]
fn stall_mid_body_times_out_and_falls_back() {
    let started = Instant::now();
    assert_falls_back(
        |body| {
            let part = body.len() / 3;
            Behaviour::Stall(body, part, Duration::from_secs(4))
        },
        "timed out",
    );
    // One read timeout (1 s), then the source is skipped for the other files.
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn silent_server_times_out_and_falls_back() {
    assert_falls_back(|_| Behaviour::Silent(Duration::from_secs(4)), "timed out");
}

#[test]
fn announced_oversize_falls_back() {
    assert_falls_back(
        |_| Behaviour::AnnouncedHuge(50 << 30),
        "oversized body: 53687091200 bytes announced",
    );
}

#[test]
fn streamed_oversize_is_cut_at_the_cap() {
    // No Content-Length; a stream of zeros far past the cap (or gzip of too much data).
    let files = small();
    let cap = size_cap(&catalog(&files).files[0]) as usize;
    assert_falls_back(
        move |_| Behaviour::Endless(vec![0u8; 64 << 10], cap * 3),
        "not gzip data",
    );
    // Gzip that decompresses to more than the pinned size.
    let big = gz(&vec![7u8; 4 << 20]);
    assert_falls_back(
        move |_| Behaviour::Endless(big.clone(), big.len()),
        "decompresses to more than",
    );
    // Empty gzip members, concatenated: valid gzip that never ends and never yields a byte.
    let member = gz(b"");
    let members = member.repeat((64 << 10) / member.len());
    assert_falls_back(
        move |_| Behaviour::Endless(members.clone(), cap * 2),
        "oversized body: more than the cap of",
    );
}

#[test]
fn all_sources_failing_lists_each_with_its_reason() {
    let files = small();
    let mut routes = fault_routes("forbidden", &files, |_| Behaviour::Html(403));
    routes.extend(fault_routes("broken", &files, |_| Behaviour::Text(500)));
    let server = Server::start(routes);
    let refused = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!(
            "http://127.0.0.1:{}/",
            listener.local_addr().unwrap().port()
        )
    };
    let missing_dir = tempfile::tempdir().unwrap();
    let mirrors = vec![
        server.url("forbidden"),
        server.url("missing"),
        server.url("broken"),
        refused.clone(),
        missing_dir.path().display().to_string(),
        "ftp://example.invalid/mnist/".to_owned(),
    ];
    let dir = tempfile::tempdir().unwrap();
    let err = fetch_catalog(&catalog(&files), &options(dir.path(), &mirrors), &mut ()).unwrap_err();
    let FetchError::AllSourcesFailed { file, failures } = &err else {
        panic!("{err}")
    };
    assert_eq!(file, "train-images-idx3-ubyte");
    let lines: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 6, "{lines:#?}");
    assert_eq!(
        lines[0],
        format!("{}: HTTP 403 (an HTML page, not gzip)", mirrors[0])
    );
    assert_eq!(
        lines[1],
        format!("{}: HTTP 404 (an HTML page, not gzip)", mirrors[1])
    );
    assert_eq!(lines[2], format!("{}: HTTP 500", mirrors[2]));
    assert!(
        lines[3].starts_with(&format!("{refused}: unreachable")),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].contains(
            "no such file (looked for train-images-idx3-ubyte, train-images-idx3-ubyte.gz"
        ),
        "{}",
        lines[4]
    );
    assert!(
        lines[5].contains("invalid mirror: unsupported URL scheme \"ftp\""),
        "{}",
        lines[5]
    );
    // The error message has one line per source after its headline.
    let message = err.to_string();
    assert_eq!(message.lines().count(), 7, "{message}");
    assert!(
        message.starts_with(
            "could not get a verified train-images-idx3-ubyte from any of 6 source(s):"
        )
    );
    assert_clean(dir.path(), false);
}

#[test]
fn no_sources_is_an_error() {
    let files = small();
    let dir = tempfile::tempdir().unwrap();
    let err = fetch_catalog(&catalog(&files), &options(dir.path(), &[]), &mut ()).unwrap_err();
    assert!(matches!(err, FetchError::NoSources { .. }), "{err}");
}

#[test]
fn corrupt_cache_is_replaced_and_second_run_downloads_nothing() {
    let files = small();
    let server = Server::start(good_routes("good", &files));
    let dir = tempfile::tempdir().unwrap();
    let opts = options(dir.path(), &[server.url("good")]);
    let cat = catalog(&files);

    let first = fetch_catalog(&cat, &opts, &mut ()).unwrap();
    assert!(!first.nothing_to_do());
    assert_eq!(server.hits("good"), 4);

    // One byte flipped (same size) and one file truncated, as a crash or a bad copy leaves them.
    let images = dir.path().join("train-images-idx3-ubyte");
    let mut bytes = std::fs::read(&images).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&images, &bytes).unwrap();
    let labels = dir.path().join("t10k-labels-idx1-ubyte");
    let len = std::fs::metadata(&labels).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&labels)
        .unwrap()
        .set_len(len / 2)
        .unwrap();

    let second = fetch_catalog(&cat, &opts, &mut ()).unwrap();
    assert_eq!(
        server.hits("good"),
        6,
        "only the two corrupt files are downloaded again"
    );
    let outcomes: Vec<&FileOutcome> = second.files.iter().map(|f| &f.outcome).collect();
    assert!(matches!(
        outcomes[0],
        FileOutcome::Replaced {
            problem: FailureReason::HashMismatch { .. },
            ..
        }
    ));
    assert_eq!(outcomes[1], &FileOutcome::AlreadyVerified);
    assert_eq!(outcomes[2], &FileOutcome::AlreadyVerified);
    assert!(matches!(
        outcomes[3],
        FileOutcome::Replaced {
            problem: FailureReason::WrongSize { .. },
            ..
        }
    ));
    assert_clean(dir.path(), true);

    let third = fetch_catalog(&cat, &opts, &mut ()).unwrap();
    assert!(third.nothing_to_do());
    assert_eq!(server.hits("good"), 6, "a verified cache downloads nothing");

    let mut forced = opts.clone();
    forced.force = true;
    let fourth = fetch_catalog(&cat, &forced, &mut ()).unwrap();
    assert!(
        fourth
            .files
            .iter()
            .all(|f| matches!(f.outcome, FileOutcome::Downloaded { .. }))
    );
    assert_eq!(server.hits("good"), 10);
}

#[test]
fn corrupt_cache_is_deleted_even_when_every_source_fails() {
    let files = small();
    let good_dir = tempfile::tempdir().unwrap();
    for (role, bytes) in &files {
        std::fs::write(good_dir.path().join(role.standard_name()), bytes).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let cat = catalog(&files);
    fetch_catalog(
        &cat,
        &options(dir.path(), &[good_dir.path().display().to_string()]),
        &mut (),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("train-labels-idx1-ubyte"),
        b"<html>oops</html>",
    )
    .unwrap();
    let err = fetch_catalog(
        &cat,
        &options(dir.path(), &["/nonexistent/dir".to_owned()]),
        &mut (),
    )
    .unwrap_err();
    assert!(
        matches!(err, FetchError::AllSourcesFailed { ref file, .. } if file == "train-labels-idx1-ubyte")
    );
    assert!(
        !dir.path().join("train-labels-idx1-ubyte").exists(),
        "a corrupt file must not stay trusted"
    );
}

#[test]
fn directory_and_file_url_sources_accept_name_variants() {
    let files = small();
    let src = tempfile::tempdir().unwrap();
    // Dotted names, one compressed and one not, plus standard .gz names.
    for (i, (role, bytes)) in files.iter().enumerate() {
        let dotted = role.standard_name().replacen("-idx", ".idx", 1);
        match i {
            0 => std::fs::write(src.path().join(format!("{dotted}.gz")), gz(bytes)).unwrap(),
            1 => std::fs::write(src.path().join(dotted), bytes).unwrap(),
            _ => std::fs::write(
                src.path().join(format!("{}.gz", role.standard_name())),
                gz(bytes),
            )
            .unwrap(),
        }
    }
    let cat = catalog(&files);
    for mirror in [
        src.path().display().to_string(),
        format!("file://{}", src.path().display()),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let report = fetch_catalog(
            &cat,
            &options(dir.path(), std::slice::from_ref(&mirror)),
            &mut (),
        )
        .unwrap();
        assert!(report.files.iter().all(|f| f.outcome
            == FileOutcome::Downloaded {
                source: mirror.clone()
            }));
        assert_clean(dir.path(), true);
        // Loading works from the cache and straight from the variant-named source folder.
        let a = Mnist::load_with(dir.path(), &cat).unwrap();
        let b = Mnist::load_with(src.path(), &cat).unwrap();
        assert_eq!(a, b);
    }
}

#[test]
fn stale_partials_are_removed() {
    let files = small();
    let src = tempfile::tempdir().unwrap();
    for (role, bytes) in &files {
        std::fs::write(
            src.path().join(format!("{}.gz", role.standard_name())),
            gz(bytes),
        )
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join(".partial-train-images-idx3-ubyte-abc123");
    std::fs::write(&stale, b"half a download").unwrap();
    let mut removed = Vec::new();
    let mut observer = |e: &FetchEvent<'_>| {
        if let FetchEvent::RemovedStale { path } = e {
            removed.push(path.to_path_buf());
        }
    };
    let report = fetch_catalog(
        &catalog(&files),
        &options(dir.path(), &[src.path().display().to_string()]),
        &mut observer,
    )
    .unwrap();
    assert_eq!(report.removed_partials, std::slice::from_ref(&stale));
    assert_eq!(removed, [stale]);
    assert_clean(dir.path(), true);
}

#[test]
fn progress_events_count_up_to_the_total() {
    let files = small();
    let server = Server::start(good_routes("good", &files));
    let dir = tempfile::tempdir().unwrap();
    let mut last: HashMap<String, (u64, Option<u64>)> = HashMap::new();
    let mut order = Vec::new();
    let mut observer = |e: &FetchEvent<'_>| match e {
        FetchEvent::Progress { file, bytes, total } => {
            let entry = last.entry(file.name.clone()).or_insert((0, None));
            assert!(*bytes >= entry.0);
            *entry = (*bytes, *total);
        }
        FetchEvent::Trying { .. } => order.push("trying"),
        FetchEvent::Installed { .. } => order.push("installed"),
        _ => {}
    };
    fetch_catalog(
        &catalog(&files),
        &options(dir.path(), &[server.url("good")]),
        &mut observer,
    )
    .unwrap();
    assert_eq!(order, ["trying", "installed"].repeat(4));
    for (role, bytes) in &files {
        let (got, total) = last[role.standard_name()];
        assert_eq!(Some(got), total);
        assert_eq!(got, gz(bytes).len() as u64);
    }
}

#[test]
fn compressed_copies_in_the_target_directory_are_used_first() {
    let files = small();
    let dir = tempfile::tempdir().unwrap();
    for (role, bytes) in &files {
        std::fs::write(
            dir.path().join(format!("{}.gz", role.standard_name())),
            gz(bytes),
        )
        .unwrap();
    }
    let report = fetch_catalog(&catalog(&files), &options(dir.path(), &[]), &mut ()).unwrap();
    assert!(report.files.iter().all(|f| matches!(&f.outcome, FileOutcome::Downloaded { source } if source.ends_with("(already there)"))));
    for (role, bytes) in &files {
        assert_eq!(
            &std::fs::read(dir.path().join(role.standard_name())).unwrap(),
            bytes
        );
    }
}
