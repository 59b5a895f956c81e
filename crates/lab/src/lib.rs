#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod api;
mod data;
mod error;
mod experiments;
mod guard;
mod jobs;
mod runs;
mod server;

pub use api::BODY_LIMIT;
pub use experiments::{ExperimentInfo, ExperimentState};
pub use runs::{EpochPoint, RunInfo, RunState};

use data::DataCache;
use jobs::Shared;
use scratchnet_experiments::{DataSource, LoadedData, ResultsDir};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How to start a lab.
#[derive(Clone)]
pub struct LabOptions {
    /// The address to listen on: loopback unless the user asks otherwise.
    pub bind: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Where runs and experiments write their files.
    pub results_dir: PathBuf,
    /// Where MNIST comes from (other data sets are cached beside it).
    pub data: DataSource,
    /// Data already in memory for `data`'s data set (tests, notebooks); loaded on first use
    /// otherwise.
    pub preloaded: Option<Arc<LoadedData>>,
    /// Most jobs waiting at once; beyond it a request gets 429.
    pub queue_limit: usize,
    /// The source's commit, recorded in each run's summary.
    pub git_commit: Option<String>,
    /// What a client may cost: timeouts, connections, networks kept.
    pub limits: Limits,
}

/// Bounds on what clients and finished runs may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest wait for a request's headers, from the moment the connection waits for one (an
    /// idle connection is closed after it too).
    pub header_timeout: Duration,
    /// Longest wait for a request's whole body; beyond it the answer is 408.
    pub body_timeout: Duration,
    /// Most connections open at once (event streams included); more wait to be accepted.
    pub max_connections: usize,
    /// Most finished runs whose network is kept for Predict; the least recently used is
    /// dropped first.
    pub kept_networks: usize,
}

impl Default for Limits {
    /// 10 s for headers and for a body, 512 connections, 8 networks.
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_connections: 512,
            kept_networks: 8,
        }
    }
}

impl LabOptions {
    /// Loopback, port 7878, a queue of 8.
    pub fn new(results_dir: PathBuf, data: DataSource) -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 7878,
            results_dir,
            data,
            preloaded: None,
            queue_limit: 8,
            git_commit: None,
            limits: Limits::default(),
        }
    }
}

/// Why a lab could not start.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    /// The runtime or the worker thread could not be created.
    #[error("starting the lab: {0}")]
    Start(#[source] std::io::Error),
    /// The address could not be bound (in use, not permitted, …).
    #[error("listening on {address}: {source}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// The failure.
        source: std::io::Error,
    },
}

/// A running lab. Dropping it shuts it down.
pub struct Lab {
    address: SocketAddr,
    shared: Arc<Shared>,
    runtime: Option<tokio::runtime::Runtime>,
    stop_serving: Option<tokio::sync::oneshot::Sender<()>>,
    worker: Option<JoinHandle<()>>,
}

impl Lab {
    /// Binds the address and starts serving and working, in background threads.
    pub fn start(options: LabOptions) -> Result<Self, LabError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("lab-http")
            .enable_all()
            .build()
            .map_err(LabError::Start)?;
        let requested = SocketAddr::new(options.bind, options.port);
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(requested))
            .map_err(|source| LabError::Bind {
                address: requested,
                source,
            })?;
        let address = listener.local_addr().map_err(LabError::Start)?;
        let shared = Arc::new(Shared::new(
            ResultsDir::new(options.results_dir),
            DataCache::new(options.data, options.preloaded),
            options.queue_limit,
            options.git_commit,
            options.limits,
        ));
        let app = api::router(Arc::clone(&shared), address);
        let (stop_serving, stopped) = tokio::sync::oneshot::channel::<()>();
        runtime.spawn(server::serve(listener, app, options.limits, stopped));
        let worker = std::thread::Builder::new()
            .name("lab-worker".into())
            .spawn({
                let shared = Arc::clone(&shared);
                move || jobs::work(&shared)
            })
            .map_err(LabError::Start)?;
        Ok(Self {
            address,
            shared,
            runtime: Some(runtime),
            stop_serving: Some(stop_serving),
            worker: Some(worker),
        })
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The page's URL (`localhost` when listening on loopback or on every address).
    pub fn url(&self) -> String {
        let ip = self.address.ip();
        let host = if ip.is_loopback() || ip.is_unspecified() {
            "localhost".to_string()
        } else if ip.is_ipv6() {
            format!("[{ip}]")
        } else {
            ip.to_string()
        };
        format!("http://{host}:{}/", self.address.port())
    }

    /// Stops the running job at its next boundary (a run writes its summary as interrupted),
    /// then the worker and the server.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.shared.close();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
        if let Some(stop_serving) = self.stop_serving.take() {
            let _ = stop_serving.send(());
        }
        if let Some(runtime) = self.runtime.take() {
            // Open event streams do not hold the shutdown up for long.
            runtime.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        self.stop();
    }
}
