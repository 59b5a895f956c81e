//! The accept loop: hyper's HTTP/1 server with a header-read timeout (which also ends idle
//! connections) and a cap on open connections, so a slow or stuck client costs bounded
//! resources. Event streams are answers being written, not reads: the timeout spares them.

use crate::Limits;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};

/// Serves `app` on `listener` until `stop` fires (or its sender is dropped).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    stop: oneshot::Receiver<()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    tokio::pin!(stop);
    loop {
        // Wait for a free slot before accepting: beyond the cap, clients wait in the backlog.
        let permit = tokio::select! {
            _ = &mut stop => return,
            permit = Arc::clone(&slots).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return,
            },
        };
        let stream = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    eprintln!("lab: accepting a connection: {error}");
                    // Out of file descriptors and the like: give others time to close.
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let service = TowerToHyperService::new(app.clone());
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout);
        tokio::spawn(async move {
            // A client that hangs up or times out is no error of ours.
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(permit);
        });
    }
}
