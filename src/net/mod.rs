//! The one HTTP client of Kyso: RFC 3161 time-stamp requests, OCSP requests, CRL and AIA
//! certificate downloads.
//!
//! Every call is bounded: a connect timeout, a timeout for the whole exchange, and a size limit
//! on the response body that the caller chooses for what it expects (a time-stamp reply is a few
//! KiB, a CRL may be MiBs). Only `http` and `https` URLs are followed, and no redirects: the
//! addresses come from certificates, which are attacker-controlled in incoming files, so Kyso
//! goes exactly where the certificate says and nowhere else. TLS is rustls (through `ureq`).
//!
//! A proxy from the environment (`HTTPS_PROXY`, `NO_PROXY`, …) is honoured, except for loopback
//! addresses, which are always reached directly.

mod error;
#[doc(hidden)]
pub mod test_responders;
#[doc(hidden)]
pub mod test_server;
#[doc(hidden)]
pub mod test_tsa;

use std::io::Read;
use std::time::Duration;

pub use error::NetError;

/// Timeouts and identification of the HTTP client.
#[derive(Debug, Clone)]
pub struct NetOptions {
    /// Time allowed to open the TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Time allowed for the whole exchange, from connecting to the last byte of the body.
    pub timeout: Duration,
    /// Sent as `User-Agent`.
    pub user_agent: String,
}

impl Default for NetOptions {
    fn default() -> Self {
        NetOptions {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            user_agent: concat!("Kyso/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// A response with a 2xx status.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// The `Content-Type` header, if any (parameters included).
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// A bounded HTTP client. Cloning is cheap (connections are pooled and shared).
#[derive(Clone)]
pub struct HttpClient {
    /// Goes through the environment's proxy, if one is set.
    agent: ureq::Agent,
    /// Never uses a proxy: for loopback hosts.
    direct: ureq::Agent,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient").finish_non_exhaustive()
    }
}

impl Default for HttpClient {
    fn default() -> Self {
        HttpClient::new(&NetOptions::default())
    }
}

impl HttpClient {
    pub fn new(options: &NetOptions) -> Self {
        let agent = |proxy_from_env: bool| -> ureq::Agent {
            let builder = ureq::Agent::config_builder()
                .timeout_connect(Some(options.connect_timeout))
                .timeout_global(Some(options.timeout))
                // Statuses are read and reported here, with the URL.
                .http_status_as_error(false)
                .max_redirects(0)
                .user_agent(options.user_agent.as_str());
            let builder = if proxy_from_env {
                builder
            } else {
                builder.proxy(None)
            };
            builder.build().into()
        };
        HttpClient {
            agent: agent(true),
            direct: agent(false),
        }
    }

    /// `GET url`, reading at most `max_bytes` of body.
    pub fn get(&self, url: &str, max_bytes: u64) -> Result<HttpResponse, NetError> {
        let agent = self.agent_for(url)?;
        let response = agent
            .get(url)
            .call()
            .map_err(|e| NetError::from_ureq(url, e, max_bytes))?;
        read_response(url, response, max_bytes)
    }

    /// `POST url` with `body` of type `content_type`, reading at most `max_bytes` of reply.
    pub fn post(
        &self,
        url: &str,
        content_type: &str,
        body: &[u8],
        max_bytes: u64,
    ) -> Result<HttpResponse, NetError> {
        let agent = self.agent_for(url)?;
        let response = agent
            .post(url)
            .header("Content-Type", content_type)
            .send(body)
            .map_err(|e| NetError::from_ureq(url, e, max_bytes))?;
        read_response(url, response, max_bytes)
    }

    /// Checks the URL's scheme and picks the agent: loopback hosts never go through a proxy.
    fn agent_for(&self, url: &str) -> Result<&ureq::Agent, NetError> {
        Ok(if is_loopback(&check_url(url)?) {
            &self.direct
        } else {
            &self.agent
        })
    }
}

/// Checks that `url` is an `http://` or `https://` address with a host, and returns the host.
/// Callers that take an address from a person (a TSA URL in settings or on the command line)
/// use it to refuse a bad one at once, before any document is read or PIN asked.
pub fn check_url(url: &str) -> Result<String, NetError> {
    // The scheme first: `file:///…` is not even a valid HTTP URI, but deserves the clearer
    // "unsupported scheme" answer.
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("http") | Some("https") => {}
        Some(s)
            if !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            return Err(NetError::UnsupportedScheme {
                url: url.to_owned(),
            });
        }
        _ => {
            return Err(NetError::InvalidUrl {
                url: url.to_owned(),
            });
        }
    }
    let uri: ureq::http::Uri = url.parse().map_err(|_| NetError::InvalidUrl {
        url: url.to_owned(),
    })?;
    uri.host()
        .map(str::to_owned)
        .ok_or_else(|| NetError::InvalidUrl {
            url: url.to_owned(),
        })
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn read_response(
    url: &str,
    response: ureq::http::Response<ureq::Body>,
    max_bytes: u64,
) -> Result<HttpResponse, NetError> {
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(NetError::HttpStatus {
            url: url.to_owned(),
            status,
        });
    }
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // ureq's limit admits a body of exactly `max_bytes` and fails on one byte more.
    let mut body = Vec::new();
    response
        .into_body()
        .into_with_config()
        .limit(max_bytes)
        .reader()
        .read_to_end(&mut body)
        .map_err(|e| NetError::from_ureq(url, ureq::Error::from(e), max_bytes))?;
    Ok(HttpResponse {
        status,
        content_type,
        body,
    })
}

#[cfg(test)]
mod tests;
