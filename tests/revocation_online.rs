//! Online revocation (issue 5, items 3 and 4) against real responders on loopback: the
//! pre-sign gate of `kyso sign` (OCSP, then CRL, before the PIN), the disk cache, and
//! `kyso verify` online and `--offline`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::responders::{CrlMode, OcspMode, Responders};
use common::{PIN, SPY_MODULE, TOKEN, TestEnv, describe, id, json_lines, run, spy_calls};
use kyso::pdf::fixtures::FixtureKind;
use serde_json::Value;
use time::{Duration, OffsetDateTime};

/// Responders, then a PKI and token whose certificates point at them.
struct Setup {
    responders: Responders,
    env: TestEnv,
    input: PathBuf,
}

fn setup() -> Setup {
    let responders = Responders::start();
    let env = TestEnv::with_options(&responders.options());
    responders.install(&env.pki);
    let input = env.fixture(FixtureKind::Classic);
    Setup {
        responders,
        env,
        input,
    }
}

impl Setup {
    /// `kyso sign --cert 01` through pkcs11-spy (calls logged into `log`), without
    /// `--allow-unknown-revocation`, the revocation cache in `cache`.
    fn sign(&self, log: &Path, cache: &Path) -> Command {
        let mut c = self.env.kyso();
        c.env("KYSO_TEST_PIN", PIN)
            .env("PKCS11SPY", self.env.softhsm.module_path())
            .env("PKCS11SPY_OUTPUT", log)
            .env("XDG_CACHE_HOME", cache)
            .arg("sign")
            .args(["--module", SPY_MODULE])
            .args(["--token", TOKEN, "--pin-env", "KYSO_TEST_PIN", "--json"])
            .args(["--cert", id::LEADER]);
        c
    }

    fn revoke_leader(&self, days_ago: i64) {
        let when = (OffsetDateTime::now_utc() - Duration::days(days_ago))
            .replace_nanosecond(0)
            .unwrap();
        self.responders.set_index(
            &self.env.pki,
            &[(&self.env.pki.leader, when, "keyCompromise")],
        );
    }
}

/// A refused signing: exit 2, the error code, no output file, and the PIN never used.
fn assert_refused(out: &Output, code: &str, log: &Path, output: &Path) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{}", describe(out));
    let lines = json_lines(out);
    assert_eq!(lines[0]["ok"], Value::Bool(false), "{}", describe(out));
    assert_eq!(lines[0]["error"]["code"], code, "{}", describe(out));
    assert!(!output.exists(), "an output was written");
    assert_eq!(
        spy_calls(log, "C_Login"),
        0,
        "the token was asked for the PIN"
    );
    stderr
}

fn assert_signed(out: &Output, output: &Path) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", describe(out));
    assert!(output.exists());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_revoked_certificate_is_refused_before_the_pin() {
    let s = setup();
    s.revoke_leader(10);
    let (log, cache, output) = (
        s.env.path("spy.log"),
        s.env.path("cache"),
        s.env.path("out.pdf"),
    );
    let out = run(s.sign(&log, &cache).arg("-o").arg(&output).arg(&s.input));
    let stderr = assert_refused(&out, "cert-revoked", &log, &output);
    assert!(stderr.contains("đã bị thu hồi vào"), "{stderr}");
    assert!(stderr.contains("lộ khóa bí mật"), "{stderr}");
    assert!(stderr.contains("key compromise"), "{stderr}");
    assert!(s.responders.ocsp_requests() >= 1);
    // Even with the flag: a revoked certificate is never used.
    let out = run(s
        .sign(&log, &cache)
        .arg("--allow-unknown-revocation")
        .arg("-o")
        .arg(&output)
        .arg(&s.input));
    assert_refused(&out, "cert-revoked", &log, &output);
}

#[test]
fn a_good_status_signs_and_the_cached_answer_is_reused() {
    let s = setup();
    let (log, cache) = (s.env.path("spy.log"), s.env.path("cache"));
    let output = s.env.path("one.pdf");
    let out = run(s.sign(&log, &cache).arg("-o").arg(&output).arg(&s.input));
    let stderr = assert_signed(&out, &output);
    assert!(stderr.contains("chưa bị thu hồi"), "{stderr}");
    assert!(stderr.contains("OCSP"), "{stderr}");
    let asked = s.responders.ocsp_requests();
    assert_eq!(asked, 1);
    assert_eq!(
        s.responders.crl_requests(),
        0,
        "OCSP decided: no CRL needed"
    );
    let entries = std::fs::read_dir(cache.join("kyso/revocation/ocsp"))
        .expect("the answer is cached")
        .count();
    assert_eq!(entries, 1);

    // Again, with the same cache: no request at all.
    let output = s.env.path("two.pdf");
    let out = run(s.sign(&log, &cache).arg("-o").arg(&output).arg(&s.input));
    let stderr = assert_signed(&out, &output);
    assert!(stderr.contains("phản hồi OCSP đã lưu"), "{stderr}");
    assert_eq!(s.responders.ocsp_requests(), asked);

    // A corrupt cache entry is ignored and replaced.
    for entry in std::fs::read_dir(cache.join("kyso/revocation/ocsp")).unwrap() {
        std::fs::write(entry.unwrap().path(), b"\x30\x03junk").unwrap();
    }
    let output = s.env.path("three.pdf");
    let out = run(s.sign(&log, &cache).arg("-o").arg(&output).arg(&s.input));
    assert_signed(&out, &output);
    assert_eq!(s.responders.ocsp_requests(), asked + 1);
}

#[test]
fn an_unknown_status_is_refused_unless_the_person_allows_it() {
    let mut s = setup();
    s.responders.stop_ocsp();
    s.responders.stop_crl();
    let (log, cache, output) = (
        s.env.path("spy.log"),
        s.env.path("cache"),
        s.env.path("out.pdf"),
    );
    let out = run(s.sign(&log, &cache).arg("-o").arg(&output).arg(&s.input));
    let stderr = assert_refused(&out, "revocation-unknown", &log, &output);
    assert!(stderr.contains("--allow-unknown-revocation"), "{stderr}");

    let out = run(s
        .sign(&log, &cache)
        .arg("--allow-unknown-revocation")
        .arg("-o")
        .arg(&output)
        .arg(&s.input));
    let stderr = assert_signed(&out, &output);
    assert!(stderr.contains("vẫn ký theo lựa chọn"), "{stderr}");
}

#[test]
fn with_the_ocsp_responder_down_the_crl_decides() {
    let mut s = setup();
    s.responders.stop_ocsp();
    let (log, cache) = (s.env.path("spy.log"), s.env.path("cache"));
    let output = s.env.path("good.pdf");
    let out = run(s.sign(&log, &cache).arg("-o").arg(&output).arg(&s.input));
    let stderr = assert_signed(&out, &output);
    assert!(stderr.contains("CRL tải trực tuyến"), "{stderr}");
    assert_eq!(s.responders.crl_requests(), 1);

    // Revoked on the CRL: refused (a fresh cache, the CRL cached above being current).
    s.revoke_leader(3);
    let (log, output) = (s.env.path("spy2.log"), s.env.path("revoked.pdf"));
    let out = run(s
        .sign(&log, &s.env.path("cache2"))
        .arg("-o")
        .arg(&output)
        .arg(&s.input));
    let stderr = assert_refused(&out, "cert-revoked", &log, &output);
    assert!(stderr.contains("lộ khóa bí mật"), "{stderr}");
    assert_eq!(s.responders.crl_requests(), 2);
}

#[test]
fn out_of_date_answers_are_not_taken_as_good() {
    let s = setup();
    s.responders.set_ocsp_mode(OcspMode::Stale);
    s.responders.set_crl_mode(CrlMode::Stale);
    let (log, cache, output) = (
        s.env.path("spy.log"),
        s.env.path("cache"),
        s.env.path("out.pdf"),
    );
    let out = run(s.sign(&log, &cache).arg("-o").arg(&output).arg(&s.input));
    let stderr = assert_refused(&out, "revocation-unknown", &log, &output);
    assert!(stderr.contains("không còn hiệu lực"), "{stderr}");
    assert_eq!(s.responders.ocsp_requests(), 1);
    assert_eq!(s.responders.crl_requests(), 1);
    assert!(
        !cache.join("kyso/revocation/ocsp").exists(),
        "a stale answer was cached"
    );
}

#[test]
fn a_responder_the_ca_did_not_authorise_is_not_believed() {
    let mut s = setup();
    s.responders.set_ocsp_mode(OcspMode::Unauthorised);
    s.responders.stop_crl();
    let (log, cache, output) = (
        s.env.path("spy.log"),
        s.env.path("cache"),
        s.env.path("out.pdf"),
    );
    let out = run(s.sign(&log, &cache).arg("-o").arg(&output).arg(&s.input));
    assert_refused(&out, "revocation-unknown", &log, &output);
    assert_eq!(s.responders.ocsp_requests(), 1);
}

#[test]
fn an_answer_to_another_request_is_not_used() {
    let mut s = setup();
    s.responders.set_ocsp_mode(OcspMode::OtherRequest);
    s.responders.stop_crl();
    let (log, cache, output) = (
        s.env.path("spy.log"),
        s.env.path("cache"),
        s.env.path("out.pdf"),
    );
    let out = run(s.sign(&log, &cache).arg("-o").arg(&output).arg(&s.input));
    let stderr = assert_refused(&out, "revocation-unknown", &log, &output);
    assert!(stderr.contains("nonce"), "{stderr}");
}

/// `kyso verify --json --trust ROOT` with its own cache; the one signature's report.
fn verify(s: &Setup, file: &Path, cache: &Path, extra: &[&str]) -> (Value, Value) {
    let out = run(s
        .env
        .kyso()
        .env("XDG_CACHE_HOME", cache)
        .args(["verify", "--json", "--time-limit", "60", "--trust"])
        .arg(s.env.root_pem())
        .args(extra)
        .arg(file));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{}", describe(&out));
    let signature = lines[0]["signatures"][0].clone();
    (lines[0].clone(), signature)
}

fn codes(signature: &Value) -> Vec<String> {
    signature["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_verifier_asks_online_and_offline_asks_nobody() {
    let s = setup();
    let signed = s.env.path("signed.pdf");
    let out = run(s
        .sign(&s.env.path("spy.log"), &s.env.path("sign-cache"))
        .arg("-o")
        .arg(&signed)
        .arg(&s.input));
    assert_signed(&out, &signed);
    let (ocsp_before, crl_before) = (s.responders.ocsp_requests(), s.responders.crl_requests());

    // Offline: the file carries no revocation data, and nobody is asked.
    let (report, signature) = verify(&s, &signed, &s.env.path("verify-cache"), &["--offline"]);
    let found = codes(&signature);
    assert!(
        found.contains(&"revocation-data-missing".to_owned()),
        "{report}"
    );
    assert!(
        !found.iter().any(|c| c.starts_with("revocation-from-")),
        "{report}"
    );
    assert_eq!(s.responders.ocsp_requests(), ocsp_before);
    assert_eq!(s.responders.crl_requests(), crl_before);

    // Online: the OCSP responder settles it, and the report says so.
    let (report, signature) = verify(&s, &signed, &s.env.path("verify-cache"), &[]);
    let found = codes(&signature);
    assert!(
        found.contains(&"revocation-from-ocsp-online".to_owned()),
        "{report}"
    );
    assert!(
        !found.contains(&"revocation-data-missing".to_owned()),
        "{report}"
    );
    assert_eq!(report["verdict"], "accepted", "{report}");
    assert_eq!(s.responders.ocsp_requests(), ocsp_before + 1);

    // Again: from the cache.
    let (report, signature) = verify(&s, &signed, &s.env.path("verify-cache"), &[]);
    assert!(
        codes(&signature).contains(&"revocation-from-ocsp-cache".to_owned()),
        "{report}"
    );
    assert_eq!(s.responders.ocsp_requests(), ocsp_before + 1);

    // Revoked since (after the signing time), with a fresh cache: not accepted.
    s.revoke_leader(0);
    let (report, signature) = verify(&s, &signed, &s.env.path("verify-cache-2"), &[]);
    assert_ne!(report["verdict"], "accepted", "{report}");
    assert!(
        codes(&signature).contains(&"cert-revoked-later".to_owned())
            || codes(&signature).contains(&"cert-revoked".to_owned()),
        "{report}"
    );
}

#[test]
fn a_missing_intermediate_is_fetched_from_ca_issuers() {
    let s = setup();
    // A PKCS#12 with the leader's key and certificate only: the CMS will carry no CA.
    let p12 = s.env.path("leader-alone.p12");
    let out = run(Command::new("openssl")
        .args(["pkcs12", "-export", "-passout", "pass:x", "-inkey"])
        .arg(&s.env.pki.leader.key_pem_path)
        .arg("-in")
        .arg(&s.env.pki.leader.certificate_pem_path)
        .arg("-out")
        .arg(&p12));
    assert!(out.status.success(), "{}", describe(&out));
    let signed = s.env.path("signed.pdf");
    let out = run(s
        .env
        .kyso()
        .env("P12_PASS", "x")
        .env("XDG_CACHE_HOME", s.env.path("sign-cache"))
        .args(["sign", "--json", "--software-key"])
        .arg(&p12)
        .args(["--software-pass-env", "P12_PASS", "-o"])
        .arg(&signed)
        .arg(&s.input));
    // The gate found the issuer through caIssuers to ask the OCSP responder.
    assert_signed(&out, &signed);
    assert_eq!(s.responders.ca_issuers_requests(), 1);

    let (report, signature) = verify(&s, &signed, &s.env.path("verify-cache"), &["--offline"]);
    assert_ne!(report["verdict"], "accepted", "{report}");
    assert_eq!(s.responders.ca_issuers_requests(), 1);

    let (report, signature_online) = verify(&s, &signed, &s.env.path("verify-cache"), &[]);
    assert!(
        codes(&signature_online).contains(&"issuer-from-aia".to_owned()),
        "{report}"
    );
    assert_eq!(
        report["verdict"], "accepted",
        "{report}\noffline: {signature}"
    );
    assert_eq!(s.responders.ca_issuers_requests(), 2);
}

/// A file's certificates may name many slow addresses: once the fetcher's deadline (the
/// verifier's per-file budget) has passed, no request is started and the status stays unknown,
/// with the reason; before it, the same fetcher asks the responder.
#[test]
fn no_request_is_started_after_the_deadline() {
    use kyso::net::HttpClient;
    use kyso::pki::certificate::CertificateInfo;
    use kyso::pki::revocation::RevocationStatus;
    use kyso::pki::revocation::online::{NETWORK_TIME_LIMIT, RevocationFetcher};

    let s = setup();
    let leader = CertificateInfo::from_der(&s.env.pki.leader.certificate_der).unwrap();
    let issuer = CertificateInfo::from_der(&s.env.pki.issuing_ca.certificate_der).unwrap();
    let fetcher = RevocationFetcher::new(HttpClient::default(), None);
    let now = OffsetDateTime::now_utc();

    let late = fetcher
        .until(std::time::Instant::now())
        .fetch(&leader, &issuer, now);
    assert_eq!(late.status, RevocationStatus::Unknown);
    assert!(
        late.findings.iter().any(|f| f.code == NETWORK_TIME_LIMIT),
        "{:?}",
        late.findings
    );
    assert_eq!(s.responders.ocsp_requests(), 0);
    assert_eq!(s.responders.crl_requests(), 0);

    let in_time = fetcher
        .until(std::time::Instant::now() + std::time::Duration::from_secs(60))
        .fetch(&leader, &issuer, now);
    assert_eq!(in_time.status, RevocationStatus::Good);
    assert_eq!(s.responders.ocsp_requests(), 1);
}
