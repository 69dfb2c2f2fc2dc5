//! A real RFC 3161 time-stamp authority on the loopback interface, for tests (the CLI's and the
//! desktop app's): `openssl ts -reply`, run once per request behind
//! [`super::test_server::HttpServer`], signing with the test PKI's TSA certificate
//! (extKeyUsage timeStamping, critical) and embedding its chain. Hidden from the
//! documentation: not an API of Kyso.
//!
//! Modes make it misbehave the way real services do: answer another query (wrong imprint,
//! wrong nonce), refuse (PKIStatus rejection), fail at the HTTP level, or be down.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::test_server::{HttpServer, Request, Response};
use crate::pki::demo::DemoPki;

/// The policy the test TSA issues tokens under.
pub const POLICY: &str = "1.2.3.4.1";

/// How the test TSA answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TsaMode {
    /// As a TSA should.
    Good,
    /// A real token, for a query whose imprint differs from the one sent (one bit flipped).
    WrongImprint,
    /// A real token over the imprint sent, but for a query with another nonce.
    WrongNonce,
    /// PKIStatus rejection (badAlg): OpenSSL configured to accept only SHA-512 imprints.
    Rejecting,
    /// HTTP 500.
    HttpError,
}

struct State {
    dir: PathBuf,
    config: PathBuf,
    mode: TsaMode,
    counter: AtomicUsize,
    /// `openssl ts -reply` reads and writes its serial file: one at a time.
    openssl: Mutex<()>,
}

/// A running test TSA; dropping it stops it.
pub struct TestTsa {
    server: HttpServer,
    _dir: Arc<tempfile::TempDir>,
}

impl TestTsa {
    pub fn start(pki: &DemoPki, mode: TsaMode) -> TestTsa {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        let config = write_config(dir.path(), pki);
        let state = Arc::new(State {
            dir: dir.path().to_path_buf(),
            config,
            mode,
            counter: AtomicUsize::new(0),
            openssl: Mutex::new(()),
        });
        let server = HttpServer::start(move |request| answer(&state, request)).expect("start TSA");
        TestTsa { server, _dir: dir }
    }

    /// The URL to send time-stamp queries to.
    pub fn url(&self) -> String {
        self.server.url("/tsa")
    }

    /// How many queries were answered.
    pub fn request_count(&self) -> usize {
        self.server.request_count()
    }
}

/// The URL of a TSA that was running and is now stopped: connections are refused.
pub fn down_url() -> String {
    let server = HttpServer::start(|_| Response::status(500)).expect("start server");
    let url = server.url("/tsa");
    drop(server);
    url
}

fn write_config(dir: &Path, pki: &DemoPki) -> PathBuf {
    std::fs::write(dir.join("serial"), "01\n").unwrap();
    let section = |name: &str, digests: &str| {
        format!(
            "[ {name} ]\n\
             dir = {dir}\n\
             serial = {dir}/serial\n\
             crypto_device = builtin\n\
             signer_cert = {cert}\n\
             certs = {chain}\n\
             signer_key = {key}\n\
             signer_digest = sha256\n\
             default_policy = {POLICY}\n\
             other_policies = 1.2.3.4.5\n\
             digests = {digests}\n\
             accuracy = secs:1, millisecs:500\n\
             ordering = yes\n\
             tsa_name = yes\n\
             ess_cert_id_chain = no\n\
             ess_cert_id_alg = sha256\n\n",
            dir = dir.display(),
            cert = pki.tsa.certificate_pem_path.display(),
            chain = pki.ca_chain_pem_path.display(),
            key = pki.tsa.key_pem_path.display(),
        )
    };
    let text = format!(
        "[ tsa ]\ndefault_tsa = tsa_ok\n\n{}{}",
        section("tsa_ok", "sha256, sha384, sha512"),
        section("tsa_reject", "sha512"),
    );
    let path = dir.join("tsa.cnf");
    std::fs::write(&path, text).unwrap();
    path
}

fn answer(state: &State, request: &Request) -> Response {
    if request.method != "POST"
        || request.header("content-type") != Some("application/timestamp-query")
    {
        return Response::status(400);
    }
    let n = state.counter.fetch_add(1, Ordering::SeqCst);
    let query = state.dir.join(format!("q{n}.tsq"));
    let reply = state.dir.join(format!("r{n}.tsr"));
    let (body, section) = match state.mode {
        TsaMode::Good => (request.body.clone(), "tsa_ok"),
        TsaMode::Rejecting => (request.body.clone(), "tsa_reject"),
        TsaMode::HttpError => return Response::status(500),
        TsaMode::WrongImprint => {
            let mut body = request.body.clone();
            let at = imprint_offset(&body).expect("a SHA-256 imprint in the query");
            body[at] ^= 1;
            (body, "tsa_ok")
        }
        TsaMode::WrongNonce => {
            let at = imprint_offset(&request.body).expect("a SHA-256 imprint in the query");
            let imprint = hex::encode(&request.body[at..at + 32]);
            let out = Command::new("openssl")
                .args(["ts", "-query", "-sha256", "-cert", "-digest", &imprint])
                .output()
                .expect("openssl ts -query");
            assert!(out.status.success(), "{out:?}");
            (out.stdout, "tsa_ok")
        }
    };
    std::fs::write(&query, &body).unwrap();
    let _one_at_a_time = state.openssl.lock().unwrap_or_else(|e| e.into_inner());
    let out = Command::new("openssl")
        .args(["ts", "-reply", "-config"])
        .arg(&state.config)
        .args(["-section", section, "-queryfile"])
        .arg(&query)
        .arg("-out")
        .arg(&reply)
        .output()
        .expect("openssl ts -reply");
    if !out.status.success() {
        eprintln!(
            "test TSA: openssl ts -reply failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return Response::status(500);
    }
    Response::ok(
        "application/timestamp-reply",
        std::fs::read(&reply).expect("reply"),
    )
}

/// Where the 32 octets of the SHA-256 imprint start in a TimeStampReq: after the first
/// `OCTET STRING` header of length 32.
fn imprint_offset(query: &[u8]) -> Option<usize> {
    query
        .windows(2)
        .position(|w| w == [0x04, 0x20])
        .map(|i| i + 2)
}
