//! Time-stamps end to end with a real RFC 3161 responder on loopback (`openssl ts -reply`,
//! tests/common/tsa.rs): the client's checks, `kyso sign --level b-t`, and document
//! time-stamps; outputs checked by pyHanko, pdfsig, qpdf and `kyso verify` with the TSA
//! stopped.

mod common;

use std::path::{Path, PathBuf};

use common::tsa::{TestTsa, TsaMode, down_url};
use common::validators::{
    assert_pdfsig_valid, assert_qpdf_check, pyhanko_ades_with_time, pyhanko_validate,
};
use common::*;
use kyso::message::Explain;
use kyso::net::HttpClient;
use kyso::pdf::fixtures::FixtureKind;
use kyso::pki::trust::TrustStore;
use kyso::pki::tsp::{TsaClient, TsaError, TsaTrust};
use serde_json::Value;

/// A trust store holding only the test root.
fn test_trust(env: &TestEnv) -> TrustStore {
    let mut store = TrustStore::empty();
    store
        .add_anchor_pem_or_der(env.pki.root.certificate_pem.as_bytes())
        .expect("test root");
    store
}

fn client(url: String, trust: Option<TrustStore>) -> TsaClient {
    TsaClient::new(url, HttpClient::default(), trust)
}

/// `kyso sign --level b-t --tsa URL --cert leader -o OUTPUT INPUT`.
fn sign_b_t(env: &TestEnv, tsa_url: &str, input: &Path, output: &Path) -> std::process::Output {
    run(env
        .sign()
        .args([
            "--cert",
            id::LEADER,
            "--level",
            "b-t",
            "--tsa",
            tsa_url,
            "-o",
        ])
        .arg(output)
        .arg(input))
}

/// `kyso verify --json --offline --trust ROOT FILE`: exit code and the report.
fn verify(env: &TestEnv, file: &Path) -> (i32, Value) {
    let out = run(env
        .kyso()
        .args(["verify", "--json", "--offline", "--trust"])
        .arg(env.root_pem())
        .arg(file));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{}", describe(&out));
    (
        out.status.code().unwrap_or(-1),
        lines.into_iter().next().unwrap(),
    )
}

/// No file but the input in the folder: no output, no temporary file left behind.
fn assert_nothing_written(dir: &Path, input: &Path) {
    let left: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p != input)
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// Unix seconds of a report time `YYYY-MM-DDTHH:MM:SS[.fff]+07:00` (Kyso always writes
/// Vietnam time).
fn unix_seconds(vn: &str) -> i64 {
    let number = |range: std::ops::Range<usize>| -> i64 { vn[range].parse().expect(vn) };
    assert!(vn.ends_with("+07:00"), "{vn}");
    let month = time::Month::try_from(number(5..7) as u8).expect(vn);
    let date =
        time::Date::from_calendar_date(number(0..4) as i32, month, number(8..10) as u8).expect(vn);
    let at = date
        .with_hms(
            number(11..13) as u8,
            number(14..16) as u8,
            number(17..19) as u8,
        )
        .expect(vn)
        .assume_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap());
    at.unix_timestamp()
}

// --- The client ---------------------------------------------------------------------------

#[test]
fn the_client_gets_and_checks_a_real_token() {
    let env = TestEnv::new();
    let tsa = TestTsa::start(&env.pki, TsaMode::Good);
    let before = kyso::vn_time::now();
    let token = client(tsa.url(), Some(test_trust(&env)))
        .timestamp(b"signature value")
        .expect("token");
    assert_eq!(tsa.request_count(), 1);
    assert_eq!(token.trust, TsaTrust::Trusted);
    assert_eq!(token.tsa.der, env.pki.tsa.certificate_der);
    assert_eq!(token.policy.to_string(), common::tsa::POLICY);
    assert!(token.warnings.is_empty(), "{:?}", token.warnings);
    let skew = (token.gen_time - before).whole_seconds().abs();
    assert!(skew < 300, "genTime {} far from now", token.gen_time);

    // The same TSA, judged against the shipped anchors only: a fact, not an error.
    let shipped = client(tsa.url(), Some(TrustStore::shipped().unwrap()))
        .timestamp(b"x")
        .expect("token");
    assert!(matches!(shipped.trust, TsaTrust::Untrusted(_)));
    let refused = shipped.require_trusted().unwrap_err();
    assert_eq!(refused.message().code, "tsa-untrusted");
    assert_eq!(tsa.request_count(), 2);
}

#[test]
fn the_client_refuses_wrong_answers_and_says_why() {
    let env = TestEnv::new();
    let cases = [
        (TsaMode::WrongImprint, "tsa-imprint-mismatch"),
        (TsaMode::WrongNonce, "tsa-nonce-mismatch"),
        (TsaMode::Rejecting, "tsa-rejected"),
        (TsaMode::HttpError, "tsa-http-status"),
    ];
    for (mode, code) in cases {
        let tsa = TestTsa::start(&env.pki, mode);
        let error = client(tsa.url(), None).timestamp(b"data").unwrap_err();
        assert_eq!(error.message().code, code, "{mode:?}: {error}");
        assert_eq!(
            tsa.request_count(),
            1,
            "{mode:?}: one request, never retried"
        );
        if mode == TsaMode::Rejecting {
            assert!(error.to_string().contains("badAlg"), "{error}");
        }
    }
    let error = client(down_url(), None).timestamp(b"data").unwrap_err();
    assert!(matches!(error, TsaError::Network(_)), "{error:?}");
    assert_eq!(error.message().code, "tsa-unreachable");
    assert!(error.message().vi.contains("Không kết nối được"), "{error}");
}

// --- PAdES B-T ------------------------------------------------------------------------------

#[test]
fn a_b_t_signature_validates_in_pyhanko_pdfsig_qpdf_and_kyso() {
    let env = TestEnv::new();
    let tsa = TestTsa::start(&env.pki, TsaMode::Good);
    let input = env.fixture(FixtureKind::Classic);
    let output = env.path("b-t.pdf");
    let out = sign_b_t(&env, &tsa.url(), &input, &output);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(tsa.request_count(), 1, "one TSA call per time-stamp");
    let line = &json_lines(&out)[0];
    assert_eq!(line["ok"], true);
    assert_eq!(line["level"], "b-t");
    let stamped = line["timestamp_time"].as_str().expect("timestamp_time");
    assert!(stamped.ends_with("+07:00"), "{stamped}");
    assert_prefix(&input, &output);

    // Every validator, with the TSA gone.
    drop(tsa);
    let report = pyhanko_validate(&output, env.root_pem(), &["--pretty-print"]);
    let text = &report.text;
    for expected in [
        "Signature timestamp token:",
        "The timestamp token is cryptographically sound.",
        "The TSA certificate is trusted.",
        "The signature is judged VALID.",
    ] {
        assert!(text.contains(expected), "pyHanko: no {expected:?}:\n{text}");
    }
    // The AdES level: pyHanko's validation with time (EN 319 102-1 §5.5) passes, and the time
    // it proves is the time-stamp's, in UTC.
    let (indication, best_time) = pyhanko_ades_with_time(&output, env.root_pem());
    assert_eq!(indication, "AdESPassed.OK");
    let gen_time = unix_seconds(stamped);
    assert!(
        (best_time - gen_time).abs() <= 1,
        "{best_time} vs {gen_time}"
    );
    assert_pdfsig_valid(&output, 1);
    assert_qpdf_check(&output);

    let (code, r) = verify(&env, &output);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["verdict"], "accepted", "{r:#}");
    let signature = &r["signatures"][0];
    assert_eq!(signature["integrity"], "intact", "{r:#}");
    // The time comes from the time-stamp now, not from the signer's claim.
    assert_eq!(signature["timestamp_time"], line["timestamp_time"], "{r:#}");
    assert_eq!(signature["signing_time_claimed"], false, "{r:#}");
    // Without revocation data (that is B-LT) the verdict cannot be TOTAL-PASSED: the only
    // thing missing is the status of the certificates, as for B-B.
    assert_eq!(signature["indication"], "INDETERMINATE", "{r:#}");
    assert_eq!(signature["sub_indication"], "TRY_LATER", "{r:#}");
}

#[test]
fn a_tsa_that_is_down_gives_a_clear_error_and_no_output() {
    let env = TestEnv::new();
    let dir = env.path("down");
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.pdf");
    std::fs::copy(env.fixture(FixtureKind::Classic), &input).unwrap();
    let output = dir.join("out.pdf");
    let out = sign_b_t(&env, &down_url(), &input, &output);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let line = &json_lines(&out)[0];
    assert_eq!(line["ok"], false);
    assert_eq!(line["output"], Value::Null);
    assert_eq!(line["error"]["code"], "tsa-unreachable", "{line:#}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Không kết nối được máy chủ cấp dấu thời gian (TSA)"),
        "{stderr}"
    );
    assert_nothing_written(&dir, &input);
}

#[test]
fn a_token_over_other_data_is_refused_with_no_output() {
    let env = TestEnv::new();
    let dir = env.path("imprint");
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.pdf");
    std::fs::copy(env.fixture(FixtureKind::Classic), &input).unwrap();
    let tsa = TestTsa::start(&env.pki, TsaMode::WrongImprint);
    let out = sign_b_t(&env, &tsa.url(), &input, &dir.join("out.pdf"));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(json_lines(&out)[0]["error"]["code"], "tsa-imprint-mismatch");
    assert_eq!(tsa.request_count(), 1);
    assert_nothing_written(&dir, &input);
}

#[test]
fn a_batch_makes_one_tsa_call_per_signature() {
    let env = TestEnv::new();
    let tsa = TestTsa::start(&env.pki, TsaMode::Good);
    let a = env.fixture(FixtureKind::Classic);
    let b = env.fixture(FixtureKind::ObjectStreams);
    let out_dir = env.path("batch");
    let out = run(env
        .sign()
        .args(["--cert", id::LEADER, "--level", "b-t", "--tsa", &tsa.url()])
        .arg("--out-dir")
        .arg(&out_dir)
        .args([&a, &b]));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(tsa.request_count(), 2);
    for line in json_lines(&out) {
        assert!(line["timestamp_time"].is_string(), "{line:#}");
    }
}

#[test]
fn tsa_without_a_time_stamped_level_is_a_usage_error() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::Classic);
    let out = run(env
        .sign()
        .args(["--cert", id::LEADER, "--tsa", "http://127.0.0.1:9/", "-o"])
        .arg(env.path("o.pdf"))
        .arg(&input));
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(!env.path("o.pdf").exists());
}

/// A TSA address that is not http(s) is refused as a usage error before the token is opened,
/// by `sign` and by `extend` alike, and nothing is written.
#[test]
fn a_tsa_address_that_is_not_http_is_refused_before_the_token() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::Classic);
    for tsa in ["ftp://tsa.example/", "not an address"] {
        let log = env.path("spy.log");
        let out = run(env
            .sign_spied(&log)
            .args(["--cert", id::LEADER, "--level", "b-t", "--tsa", tsa, "-o"])
            .arg(env.path("o.pdf"))
            .arg(&input));
        assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("Địa chỉ máy chủ cấp dấu thời gian không dùng được"),
            "{stderr}"
        );
        assert_eq!(common::spy_calls(&log, "C_OpenSession"), 0, "{tsa}");
        assert!(!env.path("o.pdf").exists());

        let out = run(env
            .kyso()
            .args(["extend", "--level", "b-lta", "--tsa", tsa, "-o"])
            .arg(env.path("e.pdf"))
            .arg(&input));
        assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
        assert!(!env.path("e.pdf").exists());
    }
}

// --- Document time-stamps -------------------------------------------------------------------

#[test]
fn a_document_time_stamp_on_a_signed_file_validates() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::Classic);
    let signed = env.path("signed.pdf");
    let out = run(env
        .sign()
        .args(["--cert", id::LEADER, "-o"])
        .arg(&signed)
        .arg(&input));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));

    let tsa = TestTsa::start(&env.pki, TsaMode::Good);
    let stamped = env.path("stamped.pdf");
    let done = kyso::sign::doc_timestamp::add_document_timestamp(
        &signed,
        &stamped,
        &client(tsa.url(), Some(test_trust(&env))),
        false,
    )
    .expect("document time-stamp");
    assert_eq!(tsa.request_count(), 1);
    assert_eq!(done.timestamp.trust, TsaTrust::Trusted);
    assert_eq!(done.output_sha256, sha256_file(&stamped));
    assert_eq!(done.input_sha256, sha256_file(&signed));
    assert_prefix(&signed, &stamped);
    drop(tsa);

    // pyHanko lists the signature, which it sees extended by a valid document time-stamp.
    let report = pyhanko_validate(&stamped, env.root_pem(), &[]);
    let statuses = report.statuses();
    assert_eq!(statuses.len(), 1, "{}", report.text);
    assert_eq!(
        statuses[0].1, "INTACT:TRUSTED,EXTENDED_WITH_LTA_UPDATES,ACCEPTABLE_MODIFICATIONS",
        "{}",
        report.text
    );
    assert_qpdf_check(&stamped);

    let (code, r) = verify(&env, &stamped);
    assert_eq!(code, 0, "{r:#}");
    let signatures = r["signatures"].as_array().unwrap();
    assert_eq!(signatures.len(), 2, "{r:#}");
    assert_eq!(signatures[0]["kind"], "signature");
    assert_eq!(signatures[0]["modifications"], "allowed", "{r:#}");
    assert_eq!(signatures[1]["kind"], "document-timestamp");
    assert_eq!(signatures[1]["subfilter"], "ETSI.RFC3161");
    assert_eq!(signatures[1]["integrity"], "intact", "{r:#}");
    assert!(signatures[1]["timestamp_time"].is_string(), "{r:#}");
    assert_eq!(r["verdict"], "accepted", "{r:#}");

    // A TSA that is down: an error, and nothing written.
    let again = env.path("again.pdf");
    let error = kyso::sign::doc_timestamp::add_document_timestamp(
        &signed,
        &again,
        &client(down_url(), None),
        false,
    )
    .unwrap_err();
    assert_eq!(error.message().code, "tsa-unreachable");
    assert!(!again.exists());
}
