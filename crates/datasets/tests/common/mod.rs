//! Test helpers: synthetic MNIST-format data, a catalog pinning it, and a loopback HTTP server
//! that injects faults. Nothing here contacts any address but 127.0.0.1.

#![allow(dead_code)]

use flate2::{Compression, write::GzEncoder};
use scratchnet_datasets::{
    Catalog, FetchEvent, FetchOptions, FetchReport, FileOutcome, FileRole, FileSpec, SourceFailure,
    fetch_catalog, idx,
};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Deterministic pseudo-random bytes (xorshift), so every process makes the same data.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Four synthetic IDX files: `train` and `test` samples of 28 × 28 noisy pixels.
pub fn synthetic(train: usize, test: usize) -> Vec<(FileRole, Vec<u8>)> {
    let images = |n: usize, seed| idx::encode(&[n, 28, 28], &noise(seed, n * 784)).unwrap();
    let labels =
        |n: usize| idx::encode(&[n], &(0..n).map(|i| (i % 10) as u8).collect::<Vec<_>>()).unwrap();
    vec![
        (FileRole::TrainImages, images(train, 1)),
        (FileRole::TrainLabels, labels(train)),
        (FileRole::TestImages, images(test, 2)),
        (FileRole::TestLabels, labels(test)),
    ]
}

/// The default synthetic data set of the tests: 200 training and 50 test samples.
pub fn small() -> Vec<(FileRole, Vec<u8>)> {
    synthetic(200, 50)
}

/// A catalog pinning `files`, without built-in mirrors.
pub fn catalog(files: &[(FileRole, Vec<u8>)]) -> Catalog {
    Catalog {
        name: "synthetic".into(),
        files: files
            .iter()
            .map(|(role, bytes)| FileSpec::for_contents(*role, bytes))
            .collect(),
        builtin_mirrors: Vec::new(),
    }
}

pub fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Options for tests: only the given mirrors, short timeouts.
pub fn options(dir: &Path, mirrors: &[String]) -> FetchOptions {
    let mut options = FetchOptions::new(dir);
    options.mirrors = mirrors.to_vec();
    options.use_builtin_mirrors = false;
    options.connect_timeout = Duration::from_secs(2);
    options.read_timeout = Duration::from_secs(1);
    options.total_timeout = Some(Duration::from_secs(20));
    options
}

/// Fetches the catalog of `files` into `dir`, trying `sources` in order; panics when the fetch
/// fails. Returns the report and, in order, every failure a source reported on the way.
pub fn fetch_noting_failures(
    files: &[(FileRole, Vec<u8>)],
    dir: &Path,
    sources: &[String],
) -> (FetchReport, Vec<SourceFailure>) {
    let mut failures = Vec::new();
    let mut observer = |event: &FetchEvent<'_>| {
        if let FetchEvent::SourceFailed { failure, .. } = event {
            failures.push((*failure).clone());
        }
    };
    let report = fetch_catalog(&catalog(files), &options(dir, sources), &mut observer)
        .unwrap_or_else(|e| panic!("fetch failed: {e}"));
    (report, failures)
}

/// Asserts that every file of `report` was downloaded from `source`.
pub fn assert_all_downloaded_from(report: &FetchReport, source: &str) {
    for file in &report.files {
        assert_eq!(
            file.outcome,
            FileOutcome::Downloaded {
                source: source.to_owned()
            }
        );
    }
}

/// Names in `dir`, sorted, without the lock file.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != scratchnet_datasets::LOCK_FILE)
        .collect();
    names.sort();
    names
}

/// Asserts that `dir` holds exactly the four standard files (if `complete`) or none of them,
/// and nothing else (no partial or temporary file).
pub fn assert_clean(dir: &Path, complete: bool) {
    let mut expected: Vec<String> = if complete {
        FileRole::ALL
            .iter()
            .map(|r| r.standard_name().to_owned())
            .collect()
    } else {
        Vec::new()
    };
    expected.sort();
    assert_eq!(
        listing(dir),
        expected,
        "unexpected files in {}",
        dir.display()
    );
}

/// What the server does for one path.
#[derive(Clone)]
pub enum Behaviour {
    /// 200 with the body and a correct Content-Length.
    Ok(Vec<u8>),
    /// The status with an HTML body.
    Html(u16),
    /// The status with a plain-text body.
    Text(u16),
    /// Announces the whole body but sends only `sent` bytes, then closes.
    Truncated(Vec<u8>, usize),
    /// Announces the whole body, sends `sent` bytes, then goes silent for `stall`.
    Stall(Vec<u8>, usize, Duration),
    /// Accepts the request and says nothing for `stall`.
    Silent(Duration),
    /// 200 with a huge announced Content-Length (nothing is sent beyond a few bytes).
    AnnouncedHuge(u64),
    /// 200 without Content-Length, streaming `len` bytes of `body` repeated, then closing.
    Endless(Vec<u8>, usize),
}

/// A loopback HTTP/1.1 server with one behaviour per path; every connection closes after one
/// response. Stops when dropped (and refuses to live longer than 60 s in any case).
pub struct Server {
    pub port: u16,
    stop: Arc<AtomicBool>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start(routes: HashMap<String, Behaviour>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let routes = Arc::new(routes);
        let (stop2, hits2) = (stop.clone(), hits.clone());
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) || Instant::now() > deadline {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (routes, hits) = (routes.clone(), hits2.clone());
                std::thread::spawn(move || serve(stream, &routes, &hits));
            }
        });
        Server {
            port,
            stop,
            hits,
            thread: Some(thread),
        }
    }

    /// The base URL of a path prefix, e.g. `http://127.0.0.1:PORT/good/`.
    pub fn url(&self, prefix: &str) -> String {
        format!("http://127.0.0.1:{}/{prefix}/", self.port)
    }

    /// How many requests reached paths starting with `prefix`.
    pub fn hits(&self, prefix: &str) -> usize {
        let hits = self.hits.lock().unwrap();
        hits.iter()
            .filter(|(p, _)| p.starts_with(&format!("/{prefix}/")))
            .map(|(_, n)| n)
            .sum()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(
    mut stream: TcpStream,
    routes: &HashMap<String, Behaviour>,
    hits: &Mutex<HashMap<String, usize>>,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16 << 10 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
    *hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    let head = |status: u16, kind: &str, len: Option<u64>| {
        let mut h = format!("HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nConnection: close\r\n");
        if let Some(len) = len {
            h.push_str(&format!("Content-Length: {len}\r\n"));
        }
        h.push_str("\r\n");
        h.into_bytes()
    };
    let behaviour = routes.get(&path).cloned().unwrap_or(Behaviour::Html(404));
    let _ = match behaviour {
        Behaviour::Ok(body) => stream
            .write_all(&head(200, "application/gzip", Some(body.len() as u64)))
            .and_then(|()| stream.write_all(&body)),
        Behaviour::Html(status) => {
            let body =
                format!("<!DOCTYPE html><html><body><h1>{status}</h1>Access denied</body></html>");
            stream
                .write_all(&head(status, "text/html", Some(body.len() as u64)))
                .and_then(|()| stream.write_all(body.as_bytes()))
        }
        Behaviour::Text(status) => {
            let body = b"Internal error\n";
            stream
                .write_all(&head(status, "text/plain", Some(body.len() as u64)))
                .and_then(|()| stream.write_all(body))
        }
        Behaviour::Truncated(body, sent) => stream
            .write_all(&head(200, "application/gzip", Some(body.len() as u64)))
            .and_then(|()| stream.write_all(&body[..sent])),
        Behaviour::Stall(body, sent, stall) => {
            let r = stream
                .write_all(&head(200, "application/gzip", Some(body.len() as u64)))
                .and_then(|()| stream.write_all(&body[..sent]))
                .and_then(|()| stream.flush());
            std::thread::sleep(stall);
            r
        }
        Behaviour::Silent(stall) => {
            std::thread::sleep(stall);
            Ok(())
        }
        Behaviour::AnnouncedHuge(len) => stream
            .write_all(&head(200, "application/gzip", Some(len)))
            .and_then(|()| stream.write_all(&[0x1f, 0x8b, 8, 0])),
        Behaviour::Endless(body, len) => {
            let mut r = stream.write_all(&head(200, "application/gzip", None));
            let mut sent = 0;
            while r.is_ok() && sent < len {
                let n = body.len().min(len - sent);
                r = stream.write_all(&body[..n]);
                sent += n;
            }
            r
        }
    };
    let _ = stream.shutdown(Shutdown::Both);
}

/// Routes serving `files` gzip-compressed under `/<prefix>/<name>.gz`.
pub fn good_routes(prefix: &str, files: &[(FileRole, Vec<u8>)]) -> HashMap<String, Behaviour> {
    files
        .iter()
        .map(|(role, bytes)| {
            (
                format!("/{prefix}/{}.gz", role.standard_name()),
                Behaviour::Ok(gz(bytes)),
            )
        })
        .collect()
}

/// Routes applying `fault` (given each file's gzip bytes) under `/<prefix>/`.
pub fn fault_routes(
    prefix: &str,
    files: &[(FileRole, Vec<u8>)],
    fault: impl Fn(Vec<u8>) -> Behaviour,
) -> HashMap<String, Behaviour> {
    files
        .iter()
        .map(|(role, bytes)| {
            (
                format!("/{prefix}/{}.gz", role.standard_name()),
                fault(gz(bytes)),
            )
        })
        .collect()
}
