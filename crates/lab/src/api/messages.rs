//! `GET /api/messages?lang=en|ja`: every text of the message table in one language, which the
//! page loads at start and on a language switch.

use super::headers::request_lang;
use axum::Json;
use axum::extract::Request;
use scratchnet_experiments::messages::{self, Lang};
use serde_json::{Value, json};

/// The table in the language the request asks for.
pub async fn table(request: Request) -> Json<Value> {
    let lang: Lang = request_lang(&request);
    Json(json!({ "lang": lang, "messages": messages::table(lang) }))
}
