//! Downloads over HTTP(S), behind the `download` feature (on by default). Without it the crate
//! reads local files and mirror directories only, and builds no TLS stack.

use crate::catalog::FileSpec;
use crate::fetch::FetchOptions;
use crate::report::FailureReason;
use crate::source::Source;
use std::io::{self, Read};

/// The body of one download and its announced length.
pub(crate) type Body = (Box<dyn Read>, Option<u64>);

/// Maps an I/O error of a plain reader (a file, or a body read) to a reason.
fn classify_io(e: &io::Error, received: u64, expected: Option<u64>) -> FailureReason {
    match e.kind() {
        io::ErrorKind::UnexpectedEof
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
            if received > 0 || expected.is_some() =>
        {
            FailureReason::Truncated { received, expected }
        }
        io::ErrorKind::ConnectionRefused
        | io::ErrorKind::NotFound
        | io::ErrorKind::HostUnreachable
        | io::ErrorKind::NetworkUnreachable
        | io::ErrorKind::AddrNotAvailable => FailureReason::Unreachable(e.to_string()),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            FailureReason::Timeout(e.to_string())
        }
        _ => FailureReason::Network(e.to_string()),
    }
}

#[cfg(feature = "download")]
pub(crate) use enabled::{Http, classify_read_error};

#[cfg(not(feature = "download"))]
pub(crate) use disabled::{Http, classify_read_error};

#[cfg(feature = "download")]
mod enabled {
    use super::{Body, FailureReason, FetchOptions, FileSpec, Source, classify_io};
    use crate::verify::{self, Sniffed};
    use std::io;

    /// The two HTTP agents: one that honours proxy variables, one for loopback that bypasses them.
    pub(crate) struct Http {
        proxied: ureq::Agent,
        direct: ureq::Agent,
    }

    impl Http {
        pub(crate) fn new(options: &FetchOptions) -> Http {
            let build = |proxy: bool| {
                let mut config = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .user_agent(options.user_agent.as_str())
                    .timeout_resolve(Some(options.connect_timeout))
                    .timeout_connect(Some(options.connect_timeout))
                    .timeout_send_request(Some(options.connect_timeout))
                    .timeout_recv_response(Some(options.read_timeout.saturating_mul(2)))
                    .timeout_per_read(Some(options.read_timeout))
                    .timeout_per_call(options.total_timeout)
                    .max_redirects(8);
                if !proxy {
                    config = config.proxy(None);
                }
                ureq::Agent::new_with_config(config.build())
            };
            Http {
                proxied: build(true),
                direct: build(false),
            }
        }

        /// Requests `<base><name>.gz`: the body, capped at `cap` bytes, or why not.
        pub(crate) fn open(
            &self,
            source: &Source,
            base: &str,
            spec: &FileSpec,
            cap: u64,
        ) -> Result<Body, FailureReason> {
            let url = format!("{base}{}.gz", spec.name);
            let agent = if source.is_loopback() {
                &self.direct
            } else {
                &self.proxied
            };
            let response = agent
                .get(&url)
                .call()
                .map_err(|e| match classify_ureq(e, 0, None) {
                    // No response at all (DNS, refused, TLS, garbage): the source is unusable.
                    FailureReason::Network(message) => FailureReason::Unreachable(message),
                    other => other,
                })?;
            let status = response.status().as_u16();
            let is_html_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.to_ascii_lowercase().contains("html"));
            let mut body = response.into_body();
            let total = body.content_length();
            if !(200..300).contains(&status) {
                let prefix = verify::read_prefix(&mut body.as_reader(), 512).unwrap_or_default();
                let html = is_html_type || verify::sniff(&prefix) == Sniffed::Html;
                return Err(FailureReason::HttpStatus { status, html });
            }
            if let Some(size) = total.filter(|&size| size > cap) {
                return Err(FailureReason::TooLarge {
                    limit: cap,
                    announced: Some(size),
                });
            }
            let reader = body.into_with_config().limit(cap).reader();
            Ok((Box::new(reader), total))
        }
    }

    /// Maps a failed read of a source (ureq wraps its own errors in `io::Error`) to a reason.
    pub(crate) fn classify_read_error(
        e: io::Error,
        received: u64,
        expected: Option<u64>,
    ) -> FailureReason {
        classify_ureq(ureq::Error::from(e), received, expected)
    }

    /// Maps a ureq error (from the call or from a body read) to a reason.
    fn classify_ureq(error: ureq::Error, received: u64, expected: Option<u64>) -> FailureReason {
        match error {
            ureq::Error::Timeout(which) => FailureReason::Timeout(
                match which {
                    ureq::Timeout::PerRead => "the server sent nothing within the read timeout",
                    ureq::Timeout::Connect => "connecting took longer than the connect timeout",
                    ureq::Timeout::Resolve => "resolving the host name took too long",
                    ureq::Timeout::PerCall | ureq::Timeout::Global | ureq::Timeout::RecvBody => {
                        "the download took longer than the total time limit"
                    }
                    ureq::Timeout::RecvResponse => "no response headers within the time limit",
                    _ => "sending the request took too long",
                }
                .to_owned(),
            ),
            ureq::Error::HostNotFound => FailureReason::Unreachable("host not found".into()),
            ureq::Error::ConnectionFailed => FailureReason::Unreachable("connection failed".into()),
            ureq::Error::BodyExceedsLimit(limit) => FailureReason::TooLarge {
                limit,
                announced: None,
            },
            ureq::Error::Io(e) => classify_io(&e, received, expected),
            other => FailureReason::Network(other.to_string()),
        }
    }
}

#[cfg(not(feature = "download"))]
mod disabled {
    use super::{Body, FailureReason, FetchOptions, FileSpec, Source, classify_io};
    use std::io;

    /// No HTTP client: built without the `download` feature.
    pub(crate) struct Http;

    impl Http {
        pub(crate) fn new(_options: &FetchOptions) -> Http {
            Http
        }

        /// Always refuses: this build cannot download.
        pub(crate) fn open(
            &self,
            _source: &Source,
            _base: &str,
            _spec: &FileSpec,
            _cap: u64,
        ) -> Result<Body, FailureReason> {
            Err(FailureReason::DownloadDisabled)
        }
    }

    /// Maps a failed read of a local source to a reason.
    pub(crate) fn classify_read_error(
        e: io::Error,
        received: u64,
        expected: Option<u64>,
    ) -> FailureReason {
        classify_io(&e, received, expected)
    }
}
