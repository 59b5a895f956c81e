//! Every error the API returns: a 4xx status and `{"error": "…"}` (plus the option at fault, and
//! the message's `code` and `params` where the message table has it, so the text can be given
//! in the language the request asks for).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use scratchnet_experiments::messages::{Lang, Message};
use serde_json::{Value, json};

/// An API error: its status, a one-line message, and the option it is about (if any).
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    field: Option<String>,
    code: Option<Message>,
}

/// What a response carries for [`crate::api`]'s localising layer: the error, to render again
/// in the request's language.
#[derive(Clone, Debug)]
pub struct Localizable {
    message: Message,
    field: Option<String>,
}

impl Localizable {
    /// The error's JSON body in `lang` (an option's message starts with its name, as in English).
    pub fn body(&self, lang: Lang) -> Value {
        let text = self.message.render(lang);
        let text = match &self.field {
            Some(field) => format!("{field}: {text}"),
            None => text,
        };
        error_body(&text, self.field.as_deref(), Some(&self.message))
    }
}

fn error_body(text: &str, field: Option<&str>, code: Option<&Message>) -> Value {
    let mut body = json!({ "error": text });
    if let Some(field) = field {
        body["field"] = json!(field);
    }
    if let Some(code) = code {
        body["code"] = json!(code.code);
        body["params"] = json!(code.params);
    }
    body
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            field: None,
            code: None,
        }
    }

    /// An error whose text comes from the message table, in the language the request asks for.
    pub fn localized(status: StatusCode, message: Message) -> Self {
        let mut error = Self::new(status, message.render(Lang::En));
        error.code = Some(message);
        error
    }

    /// 400: the request is malformed or a value is out of range.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 400 about one option: the message the command line shows for it.
    pub fn invalid_option(field: &str, message: &str) -> Self {
        let mut error = Self::bad_request(if field.is_empty() {
            message.to_string()
        } else {
            format!("{field}: {message}")
        });
        error.field = (!field.is_empty()).then(|| field.to_string());
        error
    }

    /// 400 about one option, from the message table: `field: text` in the request's language.
    pub fn invalid_detail(field: &str, detail: Message) -> Self {
        if field.is_empty() {
            return Self::localized(StatusCode::BAD_REQUEST, detail);
        }
        let mut error = Self::invalid_option(field, &detail.render(Lang::En));
        error.code = Some(detail);
        error
    }

    /// 403: the request comes from another site or names another host.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 404: no such run, experiment, file or image.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// 408: the body did not arrive in time.
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(StatusCode::REQUEST_TIMEOUT, message)
    }

    /// 409: the thing is busy or already finished.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// 413: the body is larger than the limit.
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, message)
    }

    /// 415: the body is not declared as JSON.
    pub fn unsupported_type(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, message)
    }

    /// 429: the queue is full.
    pub fn too_many(message: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, message)
    }

    /// 503: the lab cannot do it now (e.g. the data could not be loaded).
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = error_body(&self.message, self.field.as_deref(), self.code.as_ref());
        let mut response = (self.status, Json(body)).into_response();
        if let Some(message) = self.code {
            response.extensions_mut().insert(Localizable {
                message,
                field: self.field,
            });
        }
        response
    }
}
