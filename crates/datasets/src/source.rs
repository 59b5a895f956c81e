//! Where files can come from: HTTP(S) mirrors, `file://` URLs and plain directories.

use std::fmt;
use std::path::PathBuf;

/// The environment variable with extra mirrors, comma-separated, tried after `--mirror`s.
pub const MIRROR_ENV: &str = "SCRATCHNET_MNIST_MIRROR";

/// One place to get the files from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// An `http://` or `https://` base URL serving `<name>.gz` (always with a trailing `/`).
    Http(String),
    /// A local directory holding the files, compressed or not, under any name variant.
    Dir(PathBuf),
}

/// Why a mirror string is not usable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// The string is empty.
    #[error("empty mirror")]
    Empty,
    /// A URL scheme other than http, https or file.
    #[error("unsupported URL scheme {0:?} (use http://, https://, file:// or a directory)")]
    UnsupportedScheme(String),
    /// A `file://` URL that is not an absolute local path.
    #[error("unsupported file URL {0:?} (use file:///absolute/path)")]
    BadFileUrl(String),
    /// An http(s) URL without a host.
    #[error("URL {0:?} has no host")]
    NoHost(String),
}

impl Source {
    /// Parses a mirror: an `http(s)://` base URL, a `file://` URL or a plain directory path.
    ///
    /// ```
    /// use scratchnet_datasets::Source;
    /// assert_eq!(
    ///     Source::parse("https://example.org/mnist").unwrap(),
    ///     Source::Http("https://example.org/mnist/".into())
    /// );
    /// assert_eq!(Source::parse("file:///data/mnist").unwrap(), Source::Dir("/data/mnist".into()));
    /// assert_eq!(Source::parse("../mnist").unwrap(), Source::Dir("../mnist".into()));
    /// assert!(Source::parse("ftp://example.org/").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Source, SourceError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(SourceError::Empty);
        }
        let Some((scheme, rest)) = split_scheme(text) else {
            return Ok(Source::Dir(PathBuf::from(text)));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "http" | "https" => {
                let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
                if host.is_empty() || host.starts_with(':') {
                    return Err(SourceError::NoHost(text.to_owned()));
                }
                let mut base = text.to_owned();
                if !base.ends_with('/') {
                    base.push('/');
                }
                Ok(Source::Http(base))
            }
            "file" => {
                let path = rest.strip_prefix("localhost").unwrap_or(rest);
                if !path.starts_with('/') {
                    return Err(SourceError::BadFileUrl(text.to_owned()));
                }
                let decoded =
                    percent_decode(path).ok_or_else(|| SourceError::BadFileUrl(text.to_owned()))?;
                Ok(Source::Dir(PathBuf::from(decoded)))
            }
            other => Err(SourceError::UnsupportedScheme(other.to_owned())),
        }
    }

    /// Whether this is a URL whose host is a loopback address (proxies are bypassed for those).
    #[cfg_attr(not(feature = "download"), allow(dead_code))]
    pub(crate) fn is_loopback(&self) -> bool {
        let Source::Http(url) = self else {
            return false;
        };
        let rest = url.split_once("://").map_or("", |(_, rest)| rest);
        let authority = rest.split('/').next().unwrap_or_default();
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = if let Some(v6) = host.strip_prefix('[') {
            v6.split(']').next().unwrap_or_default()
        } else {
            host.split(':').next().unwrap_or_default()
        };
        host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Http(url) => f.write_str(url),
            Source::Dir(dir) => write!(f, "{}", dir.display()),
        }
    }
}

/// `scheme://rest` if `text` starts with a URL scheme.
fn split_scheme(text: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = text.split_once("://")?;
    let mut chars = scheme.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (first_ok && rest_ok).then_some((scheme, rest))
}

/// Decodes `%XX` escapes; `None` on a malformed escape or a result that is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The mirrors in [`MIRROR_ENV`] (`SCRATCHNET_MNIST_MIRROR`), comma-separated, blanks dropped.
pub fn mirrors_from_env() -> Vec<String> {
    std::env::var(MIRROR_ENV)
        .map(|value| split_mirror_list(&value))
        .unwrap_or_default()
}

/// Splits a comma-separated mirror list, dropping blanks.
pub fn split_mirror_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_kind() {
        assert_eq!(
            Source::parse(" HTTP://127.0.0.1:8080/x/ "),
            Ok(Source::Http("HTTP://127.0.0.1:8080/x/".into()))
        );
        assert_eq!(
            Source::parse("file://localhost/a%20b/c"),
            Ok(Source::Dir("/a b/c".into()))
        );
        assert_eq!(
            Source::parse("/abs/dir"),
            Ok(Source::Dir("/abs/dir".into()))
        );
        assert_eq!(Source::parse(""), Err(SourceError::Empty));
        assert!(
            matches!(Source::parse("s3://bucket/"), Err(SourceError::UnsupportedScheme(s)) if s == "s3")
        );
        assert!(matches!(
            Source::parse("file://relative"),
            Err(SourceError::BadFileUrl(_))
        ));
        assert!(matches!(
            Source::parse("file:///bad%zz"),
            Err(SourceError::BadFileUrl(_))
        ));
        assert!(matches!(
            Source::parse("https:///nohost"),
            Err(SourceError::NoHost(_))
        ));
    }

    #[test]
    fn loopback_detection() {
        for url in [
            "http://127.0.0.1:1/",
            "http://localhost/",
            "http://[::1]:80/",
            "http://u@127.0.0.2/",
        ] {
            assert!(Source::parse(url).unwrap().is_loopback(), "{url}");
        }
        for url in ["https://example.org/", "http://10.0.0.1/"] {
            assert!(!Source::parse(url).unwrap().is_loopback(), "{url}");
        }
        assert!(!Source::parse("/tmp").unwrap().is_loopback());
    }

    #[test]
    fn mirror_lists_split_on_commas() {
        assert_eq!(split_mirror_list(" a, ,b ,"), ["a", "b"]);
        assert!(split_mirror_list("").is_empty());
    }
}
