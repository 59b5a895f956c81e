//! What keeps other web pages out: a local server that starts CPU-heavy jobs and writes files
//! is reachable from every page the user visits. Requests must name this server as their host
//! (`localhost` or an IP address with its port — a rebound DNS name is refused), and requests
//! that change something may come only from this server's own origins: the exact scheme, host
//! and port it serves (`localhost`, `127.0.0.1`, `[::1]` or the address it is bound to).

use crate::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};

/// The address the server listens on: its port, and the origins it serves.
#[derive(Clone, Copy, Debug)]
pub struct Served(pub SocketAddr);

impl Served {
    /// Whether `origin` (an `Origin` header) is one of this server's own origins: `http://`
    /// and `localhost`, `127.0.0.1`, `[::1]` or the bound address, with the bound port. Bound
    /// to every address (`0.0.0.0`, `[::]`), the origin the request names as its `Host` is its
    /// own too (the `Host` was already checked to be an IP address or `localhost`).
    fn is_own_origin(&self, origin: &str, host: &str) -> bool {
        let Some(authority) = origin.strip_prefix("http://") else {
            return false;
        };
        let port = self.0.port();
        let mut own = vec![
            format!("localhost:{port}"),
            format!("127.0.0.1:{port}"),
            format!("[::1]:{port}"),
            self.0.to_string(),
        ];
        if self.0.ip().is_unspecified() {
            own.push(host.to_ascii_lowercase());
        }
        own.iter().any(|name| *name == authority)
    }
}

/// Refuses requests for another host and state-changing requests from another origin.
pub async fn same_site_only(
    State(served): State<Served>,
    request: Request,
    next: Next,
) -> Response {
    match check(request.method(), request.headers(), served) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

fn check(method: &Method, headers: &HeaderMap, served: Served) -> Result<(), ApiError> {
    let port = served.0.port();
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
            if !served.is_own_origin(origin, host) {
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

    const LOOPBACK: Served = Served(SocketAddr::new(
        IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        7878,
    ));

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
        assert!(check(&Method::POST, &own, LOOPBACK).is_ok());
        let tool = headers(&[("host", "127.0.0.1:7878")]);
        assert!(
            check(&Method::DELETE, &tool, LOOPBACK).is_ok(),
            "curl sends no Origin"
        );
        let foreign = headers(&[
            ("host", "localhost:7878"),
            ("origin", "https://evil.example"),
        ]);
        assert!(check(&Method::POST, &foreign, LOOPBACK).is_err());
        assert!(
            check(&Method::GET, &foreign, LOOPBACK).is_ok(),
            "reads change nothing"
        );
        let null = headers(&[("host", "localhost:7878"), ("origin", "null")]);
        assert!(check(&Method::POST, &null, LOOPBACK).is_err());
        let fetch = headers(&[("host", "localhost:7878"), ("sec-fetch-site", "cross-site")]);
        assert!(check(&Method::POST, &fetch, LOOPBACK).is_err());
        let rebound = headers(&[("host", "attacker.example:7878")]);
        assert!(check(&Method::GET, &rebound, LOOPBACK).is_err());
        assert!(check(&Method::GET, &HeaderMap::new(), LOOPBACK).is_err());
    }

    #[test]
    fn only_the_exact_origins_served_may_change_anything() {
        let bound = Served("192.168.1.5:7878".parse().unwrap());
        let every = Served("0.0.0.0:7878".parse().unwrap());
        for (served, origin, host, own) in [
            (LOOPBACK, "http://localhost:7878", "localhost:7878", true),
            (LOOPBACK, "http://127.0.0.1:7878", "localhost:7878", true),
            (LOOPBACK, "http://[::1]:7878", "[::1]:7878", true),
            (LOOPBACK, "http://1.2.3.4:7878", "localhost:7878", false),
            (
                LOOPBACK,
                "http://192.168.1.5:7878",
                "192.168.1.5:7878",
                false,
            ),
            (LOOPBACK, "https://localhost:7878", "localhost:7878", false),
            (LOOPBACK, "http://localhost:7879", "localhost:7878", false),
            (LOOPBACK, "http://localhost", "localhost:7878", false),
            (LOOPBACK, "http://localhost:7878/", "localhost:7878", false),
            (bound, "http://192.168.1.5:7878", "192.168.1.5:7878", true),
            (bound, "http://192.168.1.6:7878", "192.168.1.5:7878", false),
            (every, "http://10.0.0.2:7878", "10.0.0.2:7878", true),
            (every, "http://1.2.3.4:7878", "10.0.0.2:7878", false),
        ] {
            assert_eq!(
                served.is_own_origin(origin, host),
                own,
                "{origin} to {host}"
            );
        }
    }
}
