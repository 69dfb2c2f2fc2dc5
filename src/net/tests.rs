//! The client against the real loopback server: bodies, limits, statuses, timeouts, refusals.

use std::time::Duration;

use super::test_server::{HttpServer, Response};
use super::{HttpClient, NetError, NetOptions};
use crate::message::Explain;

fn echo_server() -> HttpServer {
    HttpServer::start(|request| match request.path.as_str() {
        "/echo" => Response::ok(
            request.header("content-type").unwrap_or("none"),
            request.body.clone(),
        ),
        "/big" => Response::ok("application/octet-stream", vec![7; 1000]),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(3));
            Response::ok("text/plain", b"late".to_vec())
        }
        "/missing" => Response::status(404),
        _ => Response::status(500),
    })
    .expect("loopback server")
}

#[test]
fn post_sends_the_body_and_content_type_and_reads_the_answer() {
    let server = echo_server();
    let client = HttpClient::default();
    let answer = client
        .post(
            &server.url("/echo"),
            "application/timestamp-query",
            b"\x30\x03\x02\x01\x01",
            1024,
        )
        .expect("echo");
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.content_type.as_deref(),
        Some("application/timestamp-query")
    );
    assert_eq!(answer.body, b"\x30\x03\x02\x01\x01");
    assert_eq!(server.request_count(), 1);
}

#[test]
fn a_body_of_exactly_the_limit_passes_and_one_byte_more_is_refused() {
    let server = echo_server();
    let client = HttpClient::default();
    assert_eq!(
        client.get(&server.url("/big"), 1000).unwrap().body.len(),
        1000
    );
    let err = client.get(&server.url("/big"), 999).unwrap_err();
    assert!(
        matches!(err, NetError::TooLarge { limit: 999, .. }),
        "{err:?}"
    );
}

#[test]
fn statuses_other_than_2xx_are_errors_naming_the_status() {
    let server = echo_server();
    let err = HttpClient::default()
        .get(&server.url("/missing"), 100)
        .unwrap_err();
    assert!(
        matches!(err, NetError::HttpStatus { status: 404, .. }),
        "{err:?}"
    );
    assert!(err.message().vi.contains("404"));
}

#[test]
fn a_stopped_server_is_unreachable_with_a_vietnamese_explanation() {
    let url = {
        let server = echo_server();
        server.url("/echo")
    };
    let err = HttpClient::default().get(&url, 100).unwrap_err();
    assert!(matches!(err, NetError::Unreachable { .. }), "{err:?}");
    let message = err.message();
    assert_eq!(message.code, "net-unreachable");
    assert!(
        message.vi.starts_with("Không kết nối được"),
        "{}",
        message.vi
    );
}

#[test]
fn a_slow_server_times_out() {
    let server = echo_server();
    let client = HttpClient::new(&NetOptions {
        timeout: Duration::from_millis(500),
        ..NetOptions::default()
    });
    let err = client.get(&server.url("/slow"), 100).unwrap_err();
    assert!(matches!(err, NetError::Timeout { .. }), "{err:?}");
}

#[test]
fn only_http_and_https_are_followed() {
    let client = HttpClient::default();
    for url in ["file:///etc/passwd", "ldap://ca.example/cn=crl"] {
        let err = client.get(url, 100).unwrap_err();
        assert!(
            matches!(err, NetError::UnsupportedScheme { .. }),
            "{url}: {err:?}"
        );
    }
    assert!(matches!(
        client.get("not a url", 100).unwrap_err(),
        NetError::InvalidUrl { .. }
    ));
}

#[test]
fn check_url_gives_the_host_of_http_addresses_only() {
    assert_eq!(
        super::check_url("http://tsa.ca.gov.vn/tsa").unwrap(),
        "tsa.ca.gov.vn"
    );
    assert_eq!(
        super::check_url("HTTPS://127.0.0.1:8/").unwrap(),
        "127.0.0.1"
    );
    assert!(matches!(
        super::check_url("ldap://ca.example/cn=crl"),
        Err(NetError::UnsupportedScheme { .. })
    ));
    for bad in ["not a url", "http://", ""] {
        assert!(
            matches!(super::check_url(bad), Err(NetError::InvalidUrl { .. })),
            "{bad}"
        );
    }
}
