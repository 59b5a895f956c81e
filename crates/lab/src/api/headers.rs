//! What every answer carries: `nosniff` everywhere, `no-store` on the API (answers change with
//! every epoch), the page's Content-Security-Policy on SVG figures (an SVG opened on its own is
//! a document that could run script), and errors in the language the request asks for.

use super::pages::POLICY;
use crate::error::Localizable;
use axum::Json;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use scratchnet_experiments::messages::Lang;

/// Adds the security and caching headers.
pub async fn api_headers(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if is_api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let is_svg = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"image/svg+xml"));
    if is_svg && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(POLICY),
        );
    }
    response
}

/// The language a request asks for: its `lang` query parameter, else its `Accept-Language`.
pub fn request_lang(request: &Request) -> Lang {
    let from_query = request.uri().query().and_then(|query| {
        query
            .split('&')
            .filter_map(|pair| pair.strip_prefix("lang="))
            .find_map(Lang::from_tag)
    });
    from_query.unwrap_or_else(|| {
        request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .map_or(Lang::En, Lang::from_accept_language)
    })
}

/// Renders an error from the message table again in the request's language.
pub async fn localize_errors(request: Request, next: Next) -> Response {
    let lang = request_lang(&request);
    let response = next.run(request).await;
    if lang == Lang::En {
        return response;
    }
    let Some(error) = response.extensions().get::<Localizable>().cloned() else {
        return response;
    };
    let status = response.status();
    (status, Json(error.body(lang))).into_response()
}
