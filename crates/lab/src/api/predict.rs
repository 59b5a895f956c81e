//! `/api/predict` and `/api/test-images…`: each finished run's network on a drawn digit or a test
//! image.

use super::JsonBody;
use crate::error::ApiError;
use crate::jobs::Shared;
use axum::Json;
use axum::extract::{Path, State};
use scratchnet_experiments::datasets::DatasetKind;
use scratchnet_experiments::tensor::{Matrix, softmax_rows};
use scratchnet_experiments::{IMAGE_PIXELS, LoadedData};
use serde_json::{Value, json};
use std::sync::Arc;

type Lab = State<Arc<Shared>>;

/// `POST /api/predict` with `{"pixels": [784 values in 0..1]}` (and optionally `"runs": [names]`
/// to ask only those): the ten probabilities of every finished run of this session that kept
/// its network. The networks asked become the most recently used.
pub async fn predict(
    State(shared): Lab,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let pixels = image(&body)?;
    let chosen = chosen_runs(&body)?;
    let x = Matrix::from_row_slice(1, IMAGE_PIXELS, &pixels);
    let networks: Vec<(String, _)> = {
        let mut registry = shared.registry();
        let slots: Vec<_> = registry
            .runs
            .iter()
            .filter(|(name, _)| chosen.as_ref().is_none_or(|chosen| chosen.contains(*name)))
            .filter(|(_, slot)| slot.network().is_some())
            .map(|(name, slot)| (name.clone(), Arc::clone(slot)))
            .collect();
        for (_, slot) in &slots {
            registry.keep_network(slot, shared.limits.kept_networks);
        }
        slots
            .into_iter()
            .filter_map(|(name, slot)| slot.network().map(|network| (name, network)))
            .collect()
    };
    let predictions: Vec<Value> = networks
        .into_iter()
        .filter(|(_, network)| network.config().input_size == IMAGE_PIXELS)
        .filter_map(|(run, network)| {
            let mut probabilities = Matrix::zeros(0, 0);
            softmax_rows(&network.predict(&x), &mut probabilities);
            let probabilities: Vec<f32> = probabilities.row(0).iter().copied().collect();
            if !probabilities.iter().all(|p| p.is_finite()) {
                return None; // a network gone to NaN predicts nothing
            }
            let predicted = (0..probabilities.len())
                .max_by(|&a, &b| probabilities[a].total_cmp(&probabilities[b]))
                .unwrap_or(0);
            Some(json!({ "run": run, "probabilities": probabilities, "predicted": predicted }))
        })
        .collect();
    Ok(Json(json!({ "predictions": predictions })))
}

/// The runs a request asks for by name (`"runs"`), or `None` for all.
fn chosen_runs(body: &Value) -> Result<Option<Vec<String>>, ApiError> {
    match body.get("runs") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(names)) => names
            .iter()
            .map(|name| name.as_str().map(String::from))
            .collect::<Option<Vec<_>>>()
            .map(Some)
            .ok_or_else(|| ApiError::invalid_option("runs", "expected a list of run names")),
        Some(_) => Err(ApiError::invalid_option(
            "runs",
            "expected a list of run names",
        )),
    }
}

/// The 784 pixels of a request, each a finite number in [0, 1].
fn image(body: &Value) -> Result<Vec<f32>, ApiError> {
    let values = body
        .get("pixels")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::invalid_option("pixels", "expected a list of 784 numbers"))?;
    if values.len() != IMAGE_PIXELS {
        return Err(ApiError::invalid_option(
            "pixels",
            &format!(
                "expected {IMAGE_PIXELS} numbers (28 × 28, row by row), got {}",
                values.len()
            ),
        ));
    }
    values
        .iter()
        .map(|value| match value.as_f64() {
            Some(pixel) if (0.0..=1.0).contains(&pixel) => Ok(pixel as f32),
            _ => Err(ApiError::invalid_option(
                "pixels",
                &format!("every pixel must be a number from 0 to 1, got {value}"),
            )),
        })
        .collect()
}

/// `GET /api/test-images/random`: a test image chosen at random.
pub async fn random_test_image(State(shared): Lab) -> Result<Json<Value>, ApiError> {
    let data = test_data(shared).await?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos() as usize);
    let index = nanos.wrapping_mul(2_654_435_761) % data.mnist.test.len().max(1);
    test_image_json(&data, index)
}

/// `GET /api/test-images/{index}`: one test image and its label.
pub async fn test_image(
    State(shared): Lab,
    Path(index): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let data = test_data(shared).await?;
    let count = data.mnist.test.len();
    let index = index
        .parse::<usize>()
        .ok()
        .filter(|&index| index < count)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "no test image {index:?}: 0 to {}",
                count.saturating_sub(1)
            ))
        })?;
    test_image_json(&data, index)
}

/// MNIST, loaded (once) off the request threads.
async fn test_data(shared: Arc<Shared>) -> Result<Arc<LoadedData>, ApiError> {
    tokio::task::spawn_blocking(move || shared.data.get(DatasetKind::Mnist))
        .await
        .map_err(|_| ApiError::unavailable("loading MNIST stopped"))?
        .map_err(|error| ApiError::unavailable(error.to_string()))
}

fn test_image_json(data: &LoadedData, index: usize) -> Result<Json<Value>, ApiError> {
    let test = &data.mnist.test;
    let image = test
        .get_image(index)
        .ok_or_else(|| ApiError::not_found(format!("no test image {index}")))?;
    let pixels: Vec<f32> = image.iter().map(|&byte| f32::from(byte) / 255.0).collect();
    let label = test.labels_u8().get(index).copied().unwrap_or_default();
    Ok(Json(
        json!({ "index": index, "label": label, "pixels": pixels }),
    ))
}
