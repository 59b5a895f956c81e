//! `/api/config`, `/api/validate`, `/api/runs…`: the options, starting and stopping runs, their
//! state, their live epochs (Server-Sent Events) and their files.

use super::JsonBody;
use crate::error::ApiError;
use crate::jobs::{Job, Shared};
use crate::runs::{EpochPoint, RunEvent, RunInfo, RunSlot, RunState, info_from_summary};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use scratchnet_experiments::messages::{Lang, Message};
use scratchnet_experiments::{
    ExperimentName, FIELDS, ResultsError, RunConfig, RunName, RunSummary, TRAIN_IMAGES,
    accuracy_figure_svg, options::MAX_EPOCHS, read_epochs,
};
use serde_json::{Value, json};
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::broadcast::{Receiver, error::RecvError};

type Lab = State<Arc<Shared>>;

/// `GET /api/options`: every run option described once (name, kind, default, choices, the
/// book's section and argument name, help) in the language the request asks for.
pub async fn options(request: axum::extract::Request) -> Json<Value> {
    Json(scratchnet_experiments::options::describe(
        super::headers::request_lang(&request),
    ))
}

/// The options with their defaults, and the lists the form offers.
pub async fn config() -> Json<Value> {
    let experiments: Vec<Value> = ExperimentName::ALL
        .iter()
        .map(|name| json!({ "name": name.slug(), "describe": name.describe() }))
        .collect();
    Json(json!({
        "defaults": RunConfig::default(),
        "fields": FIELDS,
        "optimizers": scratchnet_experiments::optim::OPTIMIZER_NAMES,
        "datasets": ["mnist", "fashion-mnist"],
        "experiments": experiments,
        "max_epochs": MAX_EPOCHS,
        "train_images": TRAIN_IMAGES,
    }))
}

/// The options of a run request (and its optional `out` name), checked like the command line
/// checks its flags.
fn parse_request(body: Value) -> Result<(RunConfig, RunName), ApiError> {
    let Value::Object(mut options) = body else {
        return Err(ApiError::bad_request("expected a JSON object of options"));
    };
    let out = options.remove("out");
    // An unknown option is named as such, whatever its value.
    if let Some(field) = options
        .keys()
        .find(|field| !FIELDS.contains(&field.as_str()))
    {
        let detail = Message::new("option.unknown")
            .arg("got", format!("{field:?}"))
            .arg("options", FIELDS.join(", "));
        return Err(ApiError::invalid_detail(field, detail));
    }
    let config = RunConfig::from_json(&Value::Object(options))
        .map_err(|error| ApiError::invalid_detail(&error.field, error.detail))?;
    let name = match out {
        None | Some(Value::Null) => default_name(&config)?,
        Some(Value::String(text)) => {
            RunName::new(&text).map_err(|message| ApiError::invalid_option("out", &message))?
        }
        Some(other) => Err(ApiError::invalid_option(
            "out",
            &format!("expected a run name, got {other}"),
        ))?,
    };
    Ok((config, name))
}

/// The name made from the options; when it is too long to be a file name, the options that
/// make it long are blamed (the hidden layers, unless they are short), not `out`.
fn default_name(config: &RunConfig) -> Result<RunName, ApiError> {
    RunName::new(&config.default_name()).map_err(|_| {
        let field = if config.hidden.len() > 8 {
            "hidden"
        } else {
            "out"
        };
        ApiError::invalid_option(
            field,
            &format!(
                "the run name made from these options is too long ({} hidden layers): use fewer \
                 layers or give the run a name (out)",
                config.hidden.len()
            ),
        )
    })
}

/// `POST /api/validate`: the whole configuration and its run name, or the first bad option.
pub async fn validate(JsonBody(body): JsonBody) -> Result<Json<Value>, ApiError> {
    let (config, name) = parse_request(body)?;
    Ok(Json(json!({ "config": config, "name": name.to_string() })))
}

/// `POST /api/runs`: queues a run; 409 if its name is busy, 429 if the queue is full.
pub async fn start(State(shared): Lab, JsonBody(body): JsonBody) -> Result<Response, ApiError> {
    let (config, name) = parse_request(body)?;
    let mut registry = shared.registry();
    let busy = registry
        .runs
        .get(name.as_str())
        .is_some_and(|slot| !slot.state().is_finished());
    if busy {
        return Err(ApiError::localized(
            StatusCode::CONFLICT,
            Message::new("run.busy.here").arg("name", &name),
        ));
    }
    if shared.queue_is_full(&registry) {
        return Err(queue_full(shared.queue_limit));
    }
    // Another process (a `cargo xtask train`) writing this name: refuse now, not later. The
    // probe's lock file goes with the probe.
    if let Err(ResultsError::Busy { pid, dir, .. }) = shared.results.lock(&name) {
        let message = match pid {
            Some(pid) => Message::new("run.busy.process").arg("pid", pid),
            None => Message::new("run.busy.elsewhere"),
        };
        let message = message.arg("name", &name).arg("dir", dir.display());
        return Err(ApiError::localized(StatusCode::CONFLICT, message));
    }
    let slot = Arc::new(RunSlot::new(name.clone(), config));
    shared
        .enqueue(&mut registry, Job::Run(Arc::clone(&slot)))
        .map_err(queue_full)?;
    registry.runs.insert(name.to_string(), slot);
    let body = json!({ "id": name.to_string(), "name": name.to_string() });
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}

/// 429, in the request's language.
fn queue_full(limit: usize) -> ApiError {
    ApiError::localized(
        StatusCode::TOO_MANY_REQUESTS,
        Message::new("run.queue_full").arg("limit", limit),
    )
}

/// `GET /api/runs`: every run of the results directory and of this session.
pub async fn list(State(shared): Lab) -> Json<Value> {
    let mut runs: std::collections::BTreeMap<String, RunInfo> = shared
        .results
        .runs()
        .into_iter()
        .map(|(name, summary)| {
            let info = info_from_summary(&name, &summary, &shared.results);
            (name.to_string(), info)
        })
        .collect();
    for (name, slot) in &shared.registry().runs {
        runs.insert(name.clone(), slot.info(&shared.results));
    }
    Json(json!({ "runs": runs.into_values().collect::<Vec<_>>() }))
}

/// A run's name from the path, refused if it could name anything outside the results.
fn run_name(id: &str) -> Result<RunName, ApiError> {
    RunName::new(id).map_err(|_| ApiError::not_found(format!("no run named {id:?}")))
}

/// A finished run of the results directory: its summary.
fn stored_run(shared: &Shared, name: &RunName) -> Result<RunSummary, ApiError> {
    RunSummary::read(&shared.results.files(name).json)
        .map_err(|_| ApiError::not_found(format!("no run named {name}")))
}

/// `GET /api/runs/{id}`: a run's state, options, epochs so far and time.
pub async fn detail(State(shared): Lab, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let name = run_name(&id)?;
    let slot = shared.registry().runs.get(name.as_str()).cloned();
    let (info, epochs, elapsed, eta) = match slot {
        Some(slot) => {
            let (epochs, elapsed, eta) = slot.timeline();
            (slot.info(&shared.results), epochs, elapsed, eta)
        }
        None => {
            let summary = stored_run(&shared, &name)?;
            let epochs = read_epochs(&shared.results.files(&name).csv).unwrap_or_default();
            let points = epochs.iter().map(EpochPoint::from).collect();
            let info = info_from_summary(&name, &summary, &shared.results);
            (info, points, Some(summary.wall_seconds), None)
        }
    };
    let mut body = serde_json::to_value(info).unwrap_or_default();
    body["epochs"] = json!(epochs);
    body["elapsed_seconds"] = json!(elapsed);
    body["eta_seconds"] = json!(eta);
    Ok(Json(body))
}

/// `DELETE /api/runs/{id}`: stops a queued run now, a running one at its next epoch boundary.
pub async fn stop(State(shared): Lab, Path(id): Path<String>) -> Result<Response, ApiError> {
    let name = run_name(&id)?;
    let mut registry = shared.registry();
    let Some(slot) = registry.runs.get(name.as_str()).cloned() else {
        stored_run(&shared, &name)?;
        return Err(ApiError::conflict(format!("run {name} is not running")));
    };
    slot.stop.store(true, Ordering::SeqCst);
    match slot.state() {
        RunState::Queued => {
            registry
                .queue
                .retain(|job| !matches!(job, Job::Run(queued) if Arc::ptr_eq(queued, &slot)));
            slot.fail(RunState::Interrupted, None, &shared.results);
            let body = json!({ "id": name.to_string(), "state": "interrupted" });
            Ok((StatusCode::OK, Json(body)).into_response())
        }
        RunState::Running => {
            let body = json!({ "id": name.to_string(), "state": "stopping" });
            Ok((StatusCode::ACCEPTED, Json(body)).into_response())
        }
        _ => Err(ApiError::conflict(format!(
            "run {name} has already finished"
        ))),
    }
}

/// `GET /api/runs/{id}/events`: every epoch so far, each new one as it ends, then one final
/// `done`, `stopped` or `failed` event carrying the run's info.
pub async fn events(
    State(shared): Lab,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let name = run_name(&id)?;
    let slot = shared.registry().runs.get(name.as_str()).cloned();
    let stream = match slot {
        Some(slot) => {
            let (history, receiver, finished) = slot.subscribe(&shared.results);
            replay_then(history, finished, Some(receiver))
        }
        None => {
            let summary = stored_run(&shared, &name)?;
            let epochs = read_epochs(&shared.results.files(&name).csv).unwrap_or_default();
            let history = epochs.iter().map(EpochPoint::from).collect();
            let info = info_from_summary(&name, &summary, &shared.results);
            replay_then(history, Some(info), None)
        }
    };
    Ok(Sse::new(stream.map(Ok)).keep_alive(KeepAlive::default()))
}

/// The epochs of `history`, then the final event if the run is over, else what `receiver`
/// brings until the run ends.
fn replay_then(
    history: Vec<EpochPoint>,
    finished: Option<RunInfo>,
    receiver: Option<Receiver<RunEvent>>,
) -> stream::BoxStream<'static, Event> {
    let replay = stream::iter(history.into_iter().map(|point| epoch_event(&point)));
    match (finished, receiver) {
        (Some(info), _) => replay.chain(stream::iter([final_event(&info)])).boxed(),
        (None, Some(receiver)) => replay.chain(live(receiver)).boxed(),
        (None, None) => replay.boxed(),
    }
}

/// Epoch events as they are broadcast, ending with the final one.
fn live(receiver: Receiver<RunEvent>) -> impl Stream<Item = Event> {
    stream::unfold(Some(receiver), |state| async move {
        let mut receiver = state?;
        loop {
            match receiver.recv().await {
                Ok(RunEvent::Epoch(point)) => return Some((epoch_event(&point), Some(receiver))),
                Ok(RunEvent::Finished(info)) => return Some((final_event(&info), None)),
                // A client that fell thousands of events behind skips some.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    })
}

fn epoch_event(point: &EpochPoint) -> Event {
    Event::default()
        .event("epoch")
        .data(serde_json::to_string(point).unwrap_or_default())
}

fn final_event(info: &RunInfo) -> Event {
    let name = match info.state {
        RunState::Completed => "done",
        RunState::Interrupted => "stopped",
        _ => "failed",
    };
    Event::default()
        .event(name)
        .data(serde_json::to_string(info).unwrap_or_default())
}

/// `GET /api/runs/{id}/files/{csv|json|svg}`: a run's file, as a download. Only regular files
/// directly in the results directory are served (a symbolic link is not followed).
pub async fn file(
    State(shared): Lab,
    Path((id, kind)): Path<(String, String)>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let lang = super::headers::request_lang(&request);
    let name = run_name(&id)?;
    let files = shared.results.files(&name);
    let (path, content_type) = match kind.as_str() {
        "csv" => (files.csv, "text/csv; charset=utf-8"),
        "json" => (files.json, "application/json"),
        "svg" => (files.svg, "image/svg+xml"),
        _ => {
            return Err(ApiError::not_found(format!(
                "no file kind {kind:?}: csv, json or svg"
            )));
        }
    };
    let regular = std::fs::symlink_metadata(&path).is_ok_and(|meta| meta.file_type().is_file());
    let bytes = match regular {
        true => tokio::fs::read(&path).await.ok(),
        false => None,
    }
    .ok_or_else(|| ApiError::not_found(format!("run {name} has no {kind} file")))?;
    // The figure's words in the language asked for: drawn again from the run's CSV.
    let bytes = match kind == "svg" && lang != Lang::En {
        true => figure_in(&shared, &name, lang).unwrap_or(bytes),
        false => bytes,
    };
    let disposition = format!("attachment; filename=\"{name}.{kind}\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// A finished run's accuracy figure drawn again with its text in `lang`; `None` when its
/// summary or CSV cannot be read (the file on disk is served instead).
fn figure_in(shared: &Shared, name: &RunName, lang: Lang) -> Option<Vec<u8>> {
    let files = shared.results.files(name);
    let summary = RunSummary::read(&files.json).ok()?;
    let config = RunConfig::from_json(&summary.config).ok()?;
    let epochs = read_epochs(&files.csv).ok()?;
    accuracy_figure_svg(&config.title_in(lang), &epochs, lang)
        .ok()
        .map(String::into_bytes)
}
