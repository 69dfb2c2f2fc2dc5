//! What can go wrong talking to a time-stamp authority, an OCSP responder or a CRL server,
//! sorted by what the user can do about it.

use crate::message::{Explain, Message};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NetError {
    #[error("invalid URL {url}")]
    InvalidUrl { url: String },
    /// Only http and https are followed (never file:, ldap:, …).
    #[error("unsupported URL scheme in {url}")]
    UnsupportedScheme { url: String },
    /// Name not found, connection refused, TLS failure: the service cannot be reached.
    #[error("cannot reach {url}: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("no answer from {url} in time")]
    Timeout { url: String },
    /// The server answered with a status other than 2xx.
    #[error("{url} answered HTTP {status}")]
    HttpStatus { url: String, status: u16 },
    /// The response body is larger than the caller allows for this kind of data.
    #[error("the answer from {url} is larger than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    /// The connection broke during the exchange, or the server spoke malformed HTTP.
    #[error("exchange with {url} failed: {detail}")]
    Io { url: String, detail: String },
}

impl NetError {
    pub(crate) fn from_ureq(url: &str, error: ureq::Error, limit: u64) -> Self {
        let url = url.to_owned();
        match error {
            ureq::Error::BadUri(_) | ureq::Error::Http(_) => NetError::InvalidUrl { url },
            ureq::Error::Timeout(_) => NetError::Timeout { url },
            ureq::Error::BodyExceedsLimit(_) => NetError::TooLarge { url, limit },
            ureq::Error::StatusCode(status) => NetError::HttpStatus { url, status },
            ureq::Error::HostNotFound | ureq::Error::ConnectionFailed | ureq::Error::Tls(_) => {
                NetError::Unreachable {
                    detail: error.to_string(),
                    url,
                }
            }
            ureq::Error::Io(ref io)
                if matches!(
                    io.kind(),
                    std::io::ErrorKind::ConnectionRefused
                        | std::io::ErrorKind::NotFound
                        | std::io::ErrorKind::AddrNotAvailable
                        | std::io::ErrorKind::HostUnreachable
                        | std::io::ErrorKind::NetworkUnreachable
                ) =>
            {
                NetError::Unreachable {
                    detail: error.to_string(),
                    url,
                }
            }
            ureq::Error::Io(ref io) if io.kind() == std::io::ErrorKind::TimedOut => {
                NetError::Timeout { url }
            }
            other => NetError::Io {
                detail: other.to_string(),
                url,
            },
        }
    }

    /// The URL the failed exchange was with.
    pub fn url(&self) -> &str {
        match self {
            NetError::InvalidUrl { url }
            | NetError::UnsupportedScheme { url }
            | NetError::Unreachable { url, .. }
            | NetError::Timeout { url }
            | NetError::HttpStatus { url, .. }
            | NetError::TooLarge { url, .. }
            | NetError::Io { url, .. } => url,
        }
    }
}

impl Explain for NetError {
    fn message(&self) -> Message {
        match self {
            NetError::InvalidUrl { url } => Message::new(
                "net-invalid-url",
                format!("Địa chỉ không hợp lệ: {url}"),
                format!("Invalid address: {url}"),
            ),
            NetError::UnsupportedScheme { url } => Message::new(
                "net-unsupported-scheme",
                format!("Chỉ hỗ trợ địa chỉ http:// hoặc https://, không dùng được {url}"),
                format!("Only http:// and https:// addresses are supported, not {url}"),
            ),
            NetError::Unreachable { url, detail } => Message::new(
                "net-unreachable",
                format!(
                    "Không kết nối được tới {url}. Kiểm tra kết nối mạng hoặc địa chỉ máy chủ ({detail})"
                ),
                format!(
                    "Cannot connect to {url}. Check the network or the server address ({detail})"
                ),
            ),
            NetError::Timeout { url } => Message::new(
                "net-timeout",
                format!("Máy chủ {url} không trả lời kịp thời gian cho phép"),
                format!("The server {url} did not answer in time"),
            ),
            NetError::HttpStatus { url, status } => Message::new(
                "net-http-status",
                format!("Máy chủ {url} trả lời lỗi HTTP {status}"),
                format!("The server {url} answered with HTTP error {status}"),
            ),
            NetError::TooLarge { url, limit } => Message::new(
                "net-too-large",
                format!("Dữ liệu trả về từ {url} lớn hơn giới hạn {limit} byte"),
                format!("The answer from {url} is larger than the {limit}-byte limit"),
            ),
            NetError::Io { url, detail } => Message::new(
                "net-exchange-failed",
                format!("Trao đổi dữ liệu với {url} bị gián đoạn ({detail})"),
                format!("The exchange with {url} failed ({detail})"),
            ),
        }
    }
}
