//! The HTTP API and the page: one route per resource, every error a 4xx JSON message.

mod experiments;
mod pages;
mod predict;
mod runs;

use crate::error::ApiError;
use crate::guard::{AllowedPort, same_site_only};
use crate::jobs::Shared;
use axum::Router;
use axum::extract::{FromRequest, Request};
use axum::middleware;
use axum::routing::{delete, get, post};
use std::sync::Arc;

/// Largest request body accepted: options, or a 28 × 28 drawing, fit in far less.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Every route of the lab, behind the same-site guard.
pub fn router(shared: Arc<Shared>, port: u16) -> Router {
    Router::new()
        .route("/", get(pages::index))
        .route("/lab.js", get(pages::script))
        .route("/lab.css", get(pages::style))
        .route("/api/config", get(runs::config))
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
        .layer(middleware::from_fn_with_state(
            AllowedPort(port),
            same_site_only,
        ))
        .with_state(shared)
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such page or API endpoint")
}

/// A request body parsed as JSON, at most [`BODY_LIMIT`] bytes; malformed JSON (NaN and
/// infinities included: JSON has no such numbers) is a 400 with serde's message.
pub struct JsonBody(pub serde_json::Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::to_bytes(request.into_body(), BODY_LIMIT)
            .await
            .map_err(|_| {
                ApiError::too_large(format!("the request body is over {BODY_LIMIT} bytes"))
            })?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|error| ApiError::bad_request(format!("malformed JSON: {error}")))
    }
}
