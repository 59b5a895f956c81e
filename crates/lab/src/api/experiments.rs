//! `/api/experiments…`: starting and stopping the chapter-6 experiments, their progress, verdict
//! and figure.

use super::JsonBody;
use crate::error::ApiError;
use crate::experiments::{ExperimentSlot, ExperimentState, figure_path_in, idle_info};
use crate::jobs::{Job, Shared};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use scratchnet_experiments::messages::Lang;
use scratchnet_experiments::{ExperimentName, options};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::Ordering;

type Lab = State<Arc<Shared>>;

/// The language asked for: `?lang=en|ja` first, then the `Accept-Language` header.
#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

fn request_lang(query: &LangQuery, headers: &HeaderMap) -> Result<Lang, ApiError> {
    if let Some(code) = &query.lang {
        return code
            .parse()
            .map_err(|error: scratchnet_experiments::messages::UnknownLang| {
                ApiError::invalid_option("lang", &error.to_string())
            });
    }
    Ok(headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map_or(Lang::En, Lang::from_accept_language))
}

/// `GET /api/experiments[?lang=ja]`: each experiment's title, figure, description and sizes,
/// state, progress, verdict and figure, in the request's language.
pub async fn list(
    State(shared): Lab,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let lang = request_lang(&query, &headers)?;
    let registry = shared.registry();
    let experiments: Vec<_> = ExperimentName::ALL
        .iter()
        .map(|&name| {
            let dir = shared.experiment_dir(name);
            match registry.experiments.get(name.slug()) {
                Some(slot) => slot.info(&dir, lang),
                None => idle_info(name, &dir, lang),
            }
        })
        .collect();
    Ok(Json(json!({ "experiments": experiments })))
}

/// The fields `POST /api/experiments` takes.
const START_FIELDS: [&str; 3] = ["name", "quick", "seed"];

fn experiment_name(text: &str) -> Result<ExperimentName, ApiError> {
    text.parse()
        .map_err(|message: String| ApiError::invalid_option("name", &message))
}

/// `POST /api/experiments` with `{"name", "quick", "seed"}`: queues an experiment.
pub async fn start(State(shared): Lab, JsonBody(body): JsonBody) -> Result<Response, ApiError> {
    let Some(fields) = body.as_object() else {
        return Err(ApiError::bad_request(
            "expected a JSON object with name, quick and seed",
        ));
    };
    if let Some(unknown) = fields
        .keys()
        .find(|key| !START_FIELDS.contains(&key.as_str()))
    {
        return Err(ApiError::invalid_option(
            unknown,
            &format!("unknown field; expected {}", START_FIELDS.join(", ")),
        ));
    }
    let name = match body.get("name") {
        Some(Value::String(text)) => experiment_name(text)?,
        _ => {
            return Err(ApiError::invalid_option(
                "name",
                "give the experiment's name",
            ));
        }
    };
    let quick = match body.get("quick") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(quick)) => *quick,
        Some(other) => {
            return Err(ApiError::invalid_option(
                "quick",
                &format!("expected true or false, got {other}"),
            ));
        }
    };
    let seed = match body.get("seed") {
        None | Some(Value::Null) => 0,
        Some(value) => {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string);
            options::seed(&text).map_err(|message| ApiError::invalid_option("seed", &message))?
        }
    };
    let mut registry = shared.registry();
    let busy = registry.experiments.get(name.slug()).is_some_and(|slot| {
        matches!(
            slot.state(),
            ExperimentState::Queued | ExperimentState::Running
        )
    });
    if busy {
        return Err(ApiError::conflict(format!(
            "the {} experiment is already queued or running",
            name.slug()
        )));
    }
    let slot = Arc::new(ExperimentSlot::new(name, quick, seed));
    shared
        .enqueue(&mut registry, Job::Experiment(Arc::clone(&slot)))
        .map_err(|limit| {
            ApiError::too_many(format!(
                "the queue is full ({limit} jobs waiting): wait for one to finish or stop one"
            ))
        })?;
    registry.experiments.insert(name.slug(), slot);
    Ok((StatusCode::ACCEPTED, Json(json!({ "id": name.slug() }))).into_response())
}

/// `DELETE /api/experiments/{name}`: stops a queued experiment now, a running one at its next
/// epoch (nothing is written).
pub async fn stop(State(shared): Lab, Path(name): Path<String>) -> Result<Response, ApiError> {
    let name = experiment_name(&name)?;
    let mut registry = shared.registry();
    let slot = registry
        .experiments
        .get(name.slug())
        .cloned()
        .ok_or_else(|| {
            ApiError::conflict(format!("the {} experiment is not running", name.slug()))
        })?;
    slot.stop.store(true, Ordering::SeqCst);
    match slot.state() {
        ExperimentState::Queued => {
            registry.queue.retain(
                |job| !matches!(job, Job::Experiment(queued) if Arc::ptr_eq(queued, &slot)),
            );
            slot.set_state(ExperimentState::Interrupted, None);
            Ok((
                StatusCode::OK,
                Json(json!({ "id": name.slug(), "state": "interrupted" })),
            )
                .into_response())
        }
        ExperimentState::Running => Ok((
            StatusCode::ACCEPTED,
            Json(json!({ "id": name.slug(), "state": "stopping" })),
        )
            .into_response()),
        _ => Err(ApiError::conflict(format!(
            "the {} experiment has already finished",
            name.slug()
        ))),
    }
}

/// `GET /api/experiments/{name}/figure`: the figure of its last completed run, its text in the
/// request's language.
pub async fn figure(
    State(shared): Lab,
    Path(name): Path<String>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let name = experiment_name(&name)?;
    let lang = super::headers::request_lang(&request);
    let path = figure_path_in(name, &shared.experiment_dir(name), lang);
    let svg = tokio::fs::read(&path).await.map_err(|_| {
        ApiError::not_found(format!("the {} experiment has no figure yet", name.slug()))
    })?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}
