//! What keeps other web pages out: a local server that starts CPU-heavy jobs and writes files
//! is reachable from every page the user visits. Requests must name this server as their host
//! (`localhost` or an IP address with its port — a rebound DNS name is refused), and requests
//! that change something must not come from another site.

use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::IpAddr;

/// The port requests must name.
#[derive(Clone, Copy, Debug)]
pub struct AllowedPort(pub u16);

/// Refuses requests for another host and state-changing requests from another site.
pub async fn same_site_only(
    State(port): State<AllowedPort>,
    request: Request,
    next: Next,
) -> Response {
    match check(request.method(), request.headers(), port.0) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

fn check(method: &Method, headers: &HeaderMap, port: u16) -> Result<(), ApiError> {
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(|| ApiError::forbidden("a Host header is required"))?;
    if !is_this_server(host, port) {
        return Err(ApiError::forbidden(format!(
            "Host {host:?} is not this server: use http://localhost:{port}/ or an IP address"
        )));
    }
    let changes_state = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if changes_state {
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("");
            let own = origin
                .strip_prefix("http://")
                .is_some_and(|authority| is_this_server(authority, port));
            if !own {
                return Err(ApiError::forbidden(format!(
                    "requests from {origin:?} may not change anything here"
                )));
            }
        }
        let cross_site = headers
            .get("sec-fetch-site")
            .is_some_and(|value| value.as_bytes() == b"cross-site");
        if cross_site {
            return Err(ApiError::forbidden(
                "requests from another site may not change anything here",
            ));
        }
    }
    Ok(())
}

/// `localhost:PORT` or `IP:PORT` (IPv6 in brackets) with this server's port.
fn is_this_server(authority: &str, port: u16) -> bool {
    let Some((name, given_port)) = authority.rsplit_once(':') else {
        return false;
    };
    if given_port.parse::<u16>() != Ok(port) {
        return false;
    }
    let name = name.to_ascii_lowercase();
    if name == "localhost" {
        return true;
    }
    let literal = name
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(&name);
    literal.parse::<IpAddr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_this_servers_names_are_hosts() {
        for good in [
            "localhost:7878",
            "127.0.0.1:7878",
            "[::1]:7878",
            "192.168.1.5:7878",
            "LOCALHOST:7878",
        ] {
            assert!(is_this_server(good, 7878), "{good}");
        }
        for bad in [
            "localhost",
            "localhost:80",
            "evil.example:7878",
            "127.0.0.1.nip.io:7878",
            "[::1]",
            "",
        ] {
            assert!(!is_this_server(bad, 7878), "{bad}");
        }
    }

    #[test]
    fn other_sites_cannot_change_anything() {
        let own = headers(&[
            ("host", "localhost:7878"),
            ("origin", "http://localhost:7878"),
        ]);
        assert!(check(&Method::POST, &own, 7878).is_ok());
        let tool = headers(&[("host", "127.0.0.1:7878")]);
        assert!(
            check(&Method::DELETE, &tool, 7878).is_ok(),
            "curl sends no Origin"
        );
        let foreign = headers(&[
            ("host", "localhost:7878"),
            ("origin", "https://evil.example"),
        ]);
        assert!(check(&Method::POST, &foreign, 7878).is_err());
        assert!(
            check(&Method::GET, &foreign, 7878).is_ok(),
            "reads change nothing"
        );
        let null = headers(&[("host", "localhost:7878"), ("origin", "null")]);
        assert!(check(&Method::POST, &null, 7878).is_err());
        let fetch = headers(&[("host", "localhost:7878"), ("sec-fetch-site", "cross-site")]);
        assert!(check(&Method::POST, &fetch, 7878).is_err());
        let rebound = headers(&[("host", "attacker.example:7878")]);
        assert!(check(&Method::GET, &rebound, 7878).is_err());
        assert!(check(&Method::GET, &HeaderMap::new(), 7878).is_err());
    }
}
