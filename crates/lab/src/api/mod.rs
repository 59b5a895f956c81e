//! The HTTP API and the page: one route per resource, every error a 4xx JSON message.

mod experiments;
mod headers;
mod messages;
mod pages;
mod predict;
mod runs;

use crate::error::ApiError;
use crate::guard::{Served, same_site_only};
use crate::jobs::Shared;
use axum::Router;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use axum::middleware;
use axum::routing::{delete, get, post};
use std::net::SocketAddr;
use std::sync::Arc;

/// Largest request body accepted: options, or a 28 × 28 drawing, fit in far less.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Every route of the lab, behind the same-site guard, with the API's headers and errors in
/// the language the request asks for.
pub fn router(shared: Arc<Shared>, served: SocketAddr) -> Router {
    Router::new()
        .route("/", get(pages::index))
        .route("/lab.js", get(pages::script))
        .route("/js/{file}", get(pages::module))
        .route("/lab.css", get(pages::style))
        .route("/favicon.ico", get(pages::favicon))
        .route("/api/config", get(runs::config))
        .route("/api/messages", get(messages::table))
        .route("/api/options", get(runs::options))
        .route("/api/validate", post(runs::validate))
        .route("/api/runs", get(runs::list).post(runs::start))
        .route("/api/runs/{id}", get(runs::detail).delete(runs::stop))
        .route("/api/runs/{id}/events", get(runs::events))
        .route("/api/runs/{id}/files/{kind}", get(runs::file))
        .route(
            "/api/experiments",
            get(experiments::list).post(experiments::start),
        )
        .route("/api/experiments/{name}", delete(experiments::stop))
        .route("/api/experiments/{name}/figure", get(experiments::figure))
        .route("/api/predict", post(predict::predict))
        .route("/api/test-images/random", get(predict::random_test_image))
        .route("/api/test-images/{index}", get(predict::test_image))
        .fallback(not_found)
        .layer(middleware::from_fn(headers::localize_errors))
        .layer(middleware::from_fn_with_state(
            Served(served),
            same_site_only,
        ))
        .layer(middleware::from_fn(headers::api_headers))
        .with_state(shared)
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such page or API endpoint")
}

/// A request body parsed as JSON: `Content-Type: application/json` (415 otherwise — a browser
/// sends other types across sites without asking first), at most [`BODY_LIMIT`] bytes (413),
/// whole within the lab's body timeout (408); malformed JSON (NaN and infinities included: JSON
/// has no such numbers) is a 400 with serde's message.
pub struct JsonBody(pub serde_json::Value);

impl FromRequest<Arc<Shared>> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, shared: &Arc<Shared>) -> Result<Self, ApiError> {
        if !is_json(&request) {
            return Err(ApiError::unsupported_type(
                "the request body must be JSON, sent with Content-Type: application/json",
            ));
        }
        let read = axum::body::to_bytes(request.into_body(), BODY_LIMIT);
        let bytes = tokio::time::timeout(shared.limits.body_timeout, read)
            .await
            .map_err(|_| {
                ApiError::timeout(format!(
                    "the request body did not arrive within {} s",
                    shared.limits.body_timeout.as_secs_f64()
                ))
            })?
            .map_err(|_| {
                ApiError::too_large(format!("the request body is over {BODY_LIMIT} bytes"))
            })?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|error| ApiError::bad_request(format!("malformed JSON: {error}")))
    }
}

/// Whether the request says its body is JSON (`application/json`, parameters allowed).
fn is_json(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}
