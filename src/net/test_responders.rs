//! Real revocation services on the loopback interface for the test PKI's issuing CA, used by
//! the CLI's and the desktop app's tests (hidden from the documentation: not an API of Kyso):
//! - an OCSP responder: `openssl ocsp -index` run once per request;
//! - a CRL server: `openssl ca -gencrl` run once per request, served as DER: the issuing CA's
//!   CRL (for end entities) and the root's CRL (for the issuing CA, at `/root.crl`);
//! - a caIssuers server: the issuing CA's certificate (DER).
//!
//! The servers start first, so that their URLs can go into the certificates of the PKI made
//! next ([`Responders::options`] → `TestEnv::with_options`); [`Responders::install`] then
//! gives them the CA's keys. Until then they answer 503. Modes make them misbehave the way real
//! services do; [`Responders::stop_ocsp`] / [`Responders::stop_crl`] take them down.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::test_server::{HttpServer, Request, Response};
use crate::pki::CertificateInfo;
use crate::pki::demo::{DemoIdentity, DemoOptions, DemoPki};
use time::macros::format_description;
use time::{Duration, OffsetDateTime};

/// How the OCSP responder answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OcspMode {
    /// Signed by the delegated responder (extKeyUsage OCSPSigning), valid for a day.
    Delegated,
    /// Signed by a certificate the CA did not authorise for OCSP (the organisation's).
    Unauthorised,
    /// Made by openssl under `faketime -2d`, valid for a day: out of date since yesterday.
    Stale,
    /// A genuine response, but to another request (another nonce): a replay.
    OtherRequest,
}

/// Whether the CRL is current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrlMode {
    Current,
    /// thisUpdate two days ago, nextUpdate yesterday.
    Stale,
}

struct Lab {
    dir: tempfile::TempDir,
    ocsp_mode: Mutex<OcspMode>,
    crl_mode: Mutex<CrlMode>,
    /// The issuing CA's certificate (DER) once installed.
    ca_der: Mutex<Option<Vec<u8>>>,
    counter: AtomicUsize,
    /// `openssl ca` updates its files: one at a time.
    openssl: Mutex<()>,
}

/// The three services; dropping this stops them.
pub struct Responders {
    lab: Arc<Lab>,
    ocsp: Option<HttpServer>,
    crl: Option<HttpServer>,
    ca_issuers: HttpServer,
    ocsp_url: String,
    crl_url: String,
    root_crl_url: String,
    ca_issuers_url: String,
}

impl Responders {
    pub fn start() -> Responders {
        let lab = Arc::new(Lab {
            dir: tempfile::tempdir().expect("temp dir"),
            ocsp_mode: Mutex::new(OcspMode::Delegated),
            crl_mode: Mutex::new(CrlMode::Current),
            ca_der: Mutex::new(None),
            counter: AtomicUsize::new(0),
            openssl: Mutex::new(()),
        });
        let serve = |answer: fn(&Lab, &Request) -> Response| {
            let lab = Arc::clone(&lab);
            HttpServer::start(move |request| answer(&lab, request)).expect("start server")
        };
        let ocsp = serve(answer_ocsp);
        let crl = serve(answer_crl);
        let ca_issuers = serve(answer_ca_issuers);
        Responders {
            ocsp_url: ocsp.url("/ocsp"),
            crl_url: crl.url("/issuing-ca.crl"),
            root_crl_url: crl.url(ROOT_CRL_PATH),
            ca_issuers_url: ca_issuers.url("/issuing-ca.crt"),
            lab,
            ocsp: Some(ocsp),
            crl: Some(crl),
            ca_issuers,
        }
    }

    /// PKI options whose end-entity certificates point at these services.
    pub fn options(&self) -> DemoOptions {
        DemoOptions {
            ocsp_url: Some(self.ocsp_url.clone()),
            crl_url: Some(self.crl_url.clone()),
            ca_issuers_url: Some(self.ca_issuers_url.clone()),
            ca_crl_url: Some(self.root_crl_url.clone()),
            ..DemoOptions::default()
        }
    }

    /// Gives the services the issuing CA, its delegated responder and the organisation's key
    /// (for the unauthorised mode), and the root for its CRL; every certificate of `pki` is
    /// valid.
    pub fn install(&self, pki: &DemoPki) {
        let dir = self.lab.dir.path();
        for (name, identity) in [
            ("root", &pki.root),
            ("ca", &pki.issuing_ca),
            ("responder", &pki.ocsp_responder),
            ("organisation", &pki.organisation),
            ("leader", &pki.leader),
        ] {
            std::fs::write(dir.join(format!("{name}.pem")), &identity.certificate_pem).unwrap();
            std::fs::write(
                dir.join(format!("{name}.key")),
                identity.key_pkcs8_pem.as_bytes(),
            )
            .unwrap();
        }
        std::fs::write(
            dir.join("ca.cnf"),
            "[ca]\ndefault_ca = kyso\n[kyso]\ndatabase = index.txt\ndefault_md = sha256\n\
             crlnumber = crlnumber\ncrl_extensions = crl_ext\n\
             [crl_ext]\nauthorityKeyIdentifier = keyid:always\n",
        )
        .unwrap();
        std::fs::write(dir.join("crlnumber"), "01\n").unwrap();
        // Every test certificate has the same "/CN=x" in the index.
        std::fs::write(dir.join("index.txt.attr"), "unique_subject = no\n").unwrap();
        // The root's own CA database: the issuing CA, never revoked.
        std::fs::write(
            dir.join("root.cnf"),
            "[ca]\ndefault_ca = kyso\n[kyso]\ndatabase = root-index.txt\ndefault_md = sha256\n\
             crlnumber = root-crlnumber\ncrl_extensions = crl_ext\n\
             [crl_ext]\nauthorityKeyIdentifier = keyid:always\n",
        )
        .unwrap();
        std::fs::write(dir.join("root-crlnumber"), "01\n").unwrap();
        std::fs::write(dir.join("root-index.txt.attr"), "unique_subject = no\n").unwrap();
        self.set_root_index(pki, None);
        self.set_index(pki, &[]);
        *self.lab.ca_der.lock().unwrap() = Some(pki.issuing_ca.certificate_der.clone());
    }

    /// The CA database: `revoked` (with time and reason) and every other certificate of the
    /// PKI valid.
    pub fn set_index(&self, pki: &DemoPki, revoked: &[(&DemoIdentity, OffsetDateTime, &str)]) {
        let expiry = index_expiry();
        let mut text = String::new();
        for identity in pki.identities() {
            let revocation = revoked
                .iter()
                .find(|(r, _, _)| r.slug == identity.slug)
                .map(|(_, time, reason)| (*time, *reason));
            text.push_str(&index_line(identity, &expiry, revocation));
        }
        let _guard = self.lab.openssl.lock().unwrap();
        std::fs::write(self.lab.dir.path().join("index.txt"), text).unwrap();
    }

    /// The root's CA database: the issuing CA valid, or revoked at a time for a reason.
    pub fn set_root_index(&self, pki: &DemoPki, revoked: Option<(OffsetDateTime, &str)>) {
        let line = index_line(&pki.issuing_ca, &index_expiry(), revoked);
        let _guard = self.lab.openssl.lock().unwrap();
        std::fs::write(self.lab.dir.path().join("root-index.txt"), line).unwrap();
    }

    pub fn set_ocsp_mode(&self, mode: OcspMode) {
        *self.lab.ocsp_mode.lock().unwrap() = mode;
    }

    pub fn set_crl_mode(&self, mode: CrlMode) {
        *self.lab.crl_mode.lock().unwrap() = mode;
    }

    /// Takes the OCSP responder down: its URL refuses connections.
    pub fn stop_ocsp(&mut self) {
        self.ocsp = None;
    }

    /// Takes the CRL server down.
    pub fn stop_crl(&mut self) {
        self.crl = None;
    }

    /// Requests the OCSP responder answered (0 once stopped).
    pub fn ocsp_requests(&self) -> usize {
        self.ocsp.as_ref().map_or(0, HttpServer::request_count)
    }

    pub fn crl_requests(&self) -> usize {
        self.crl.as_ref().map_or(0, HttpServer::request_count)
    }

    pub fn ca_issuers_requests(&self) -> usize {
        self.ca_issuers.request_count()
    }
}

/// The time format of an OpenSSL CA database.
const INDEX_TIME: &[time::format_description::FormatItem<'static>] =
    format_description!("[year repr:last_two][month][day][hour][minute][second]Z");

/// Where the root's CRL (for the issuing CA) is served.
const ROOT_CRL_PATH: &str = "/root.crl";

fn index_expiry() -> String {
    (OffsetDateTime::now_utc() + Duration::days(365))
        .format(INDEX_TIME)
        .unwrap()
}

/// One line of an OpenSSL CA database: valid, or revoked at a time for a reason.
fn index_line(
    identity: &DemoIdentity,
    expiry: &str,
    revoked: Option<(OffsetDateTime, &str)>,
) -> String {
    let serial = CertificateInfo::from_der(&identity.certificate_der)
        .unwrap()
        .serial_hex
        .to_uppercase();
    match revoked {
        Some((time, reason)) => format!(
            "R\t{expiry}\t{},{reason}\t{serial}\tunknown\t/CN=x\n",
            time.format(INDEX_TIME).unwrap()
        ),
        None => format!("V\t{expiry}\t\t{serial}\tunknown\t/CN=x\n"),
    }
}

impl Lab {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn unique(&self, stem: &str) -> String {
        format!("{stem}-{}.der", self.counter.fetch_add(1, Ordering::SeqCst))
    }

    fn installed(&self) -> bool {
        self.ca_der.lock().unwrap().is_some()
    }
}

fn openssl(dir: &Path, args: &[&str]) -> Result<(), String> {
    run_openssl(dir, Command::new("openssl").args(args))
}

/// openssl with its clock two days behind (`faketime`), for answers already out of date.
fn openssl_two_days_ago(dir: &Path, args: &[&str]) -> Result<(), String> {
    run_openssl(
        dir,
        Command::new("faketime")
            .args(["-f", "-2d", "openssl"])
            .args(args),
    )
}

fn run_openssl(dir: &Path, command: &mut Command) -> Result<(), String> {
    let output = command
        .current_dir(dir)
        .output()
        .map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

fn answer_ocsp(lab: &Lab, request: &Request) -> Response {
    if !lab.installed() {
        return Response::status(503);
    }
    if request.method != "POST"
        || request.header("content-type") != Some("application/ocsp-request")
    {
        return Response::status(400);
    }
    let mode = *lab.ocsp_mode.lock().unwrap();
    let dir = lab.dir.path();
    let request_file = lab.unique("request");
    let response_file = lab.unique("response");
    if mode == OcspMode::OtherRequest {
        // A request of openssl's own, with its own nonce, about the same certificate.
        if let Err(e) = openssl(
            dir,
            &[
                "ocsp",
                "-issuer",
                "ca.pem",
                "-cert",
                "leader.pem",
                "-nonce",
                "-reqout",
                &request_file,
            ],
        ) {
            eprintln!("test OCSP responder: {e}");
            return Response::status(500);
        }
    } else {
        std::fs::write(lab.path(&request_file), &request.body).unwrap();
    }
    let signer = match mode {
        OcspMode::Unauthorised => "organisation",
        _ => "responder",
    };
    let (cert, key) = (format!("{signer}.pem"), format!("{signer}.key"));
    let mut args = vec![
        "ocsp",
        "-index",
        "index.txt",
        "-CA",
        "ca.pem",
        "-rsigner",
        &cert,
        "-rkey",
        &key,
        "-reqin",
        &request_file,
        "-respout",
        &response_file,
    ];
    args.extend(["-ndays", "1"]);
    let result = {
        let _guard = lab.openssl.lock().unwrap();
        match mode {
            OcspMode::Stale => openssl_two_days_ago(dir, &args),
            _ => openssl(dir, &args),
        }
    };
    match result.and_then(|()| std::fs::read(lab.path(&response_file)).map_err(|e| e.to_string())) {
        Ok(body) => Response::ok("application/ocsp-response", body),
        Err(e) => {
            eprintln!("test OCSP responder: {e}");
            Response::status(500)
        }
    }
}

fn answer_crl(lab: &Lab, request: &Request) -> Response {
    if !lab.installed() {
        return Response::status(503);
    }
    if request.method != "GET" {
        return Response::status(405);
    }
    let format = format_description!("[year][month][day][hour][minute][second]Z");
    let now = OffsetDateTime::now_utc();
    let dates = match *lab.crl_mode.lock().unwrap() {
        CrlMode::Current => None,
        CrlMode::Stale => Some((
            (now - Duration::days(2)).format(format).unwrap(),
            (now - Duration::days(1)).format(format).unwrap(),
        )),
    };
    let pem = lab.unique("crl").replace(".der", ".pem");
    let der = lab.unique("crl");
    // The root's CRL covers the issuing CA; every other path is the issuing CA's CRL.
    let (config, cert, key) = if request.path == ROOT_CRL_PATH {
        ("root.cnf", "root.pem", "root.key")
    } else {
        ("ca.cnf", "ca.pem", "ca.key")
    };
    let mut args = vec![
        "ca", "-config", config, "-gencrl", "-cert", cert, "-keyfile", key, "-out", &pem,
    ];
    match &dates {
        Some((last, next)) => args.extend(["-crl_lastupdate", last, "-crl_nextupdate", next]),
        None => args.extend(["-crldays", "1"]),
    }
    let result = {
        let _guard = lab.openssl.lock().unwrap();
        openssl(lab.dir.path(), &args)
    }
    .and_then(|()| {
        openssl(
            lab.dir.path(),
            &["crl", "-in", &pem, "-outform", "DER", "-out", &der],
        )
    })
    .and_then(|()| std::fs::read(lab.path(&der)).map_err(|e| e.to_string()));
    match result {
        Ok(body) => Response::ok("application/pkix-crl", body),
        Err(e) => {
            eprintln!("test CRL server: {e}");
            Response::status(500)
        }
    }
}

fn answer_ca_issuers(lab: &Lab, _request: &Request) -> Response {
    match lab.ca_der.lock().unwrap().clone() {
        Some(der) => Response::ok("application/pkix-cert", der),
        None => Response::status(503),
    }
}
