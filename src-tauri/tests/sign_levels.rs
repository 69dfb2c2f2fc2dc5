//! Signing through the app's commands with a real token (SoftHSM2), a real time-stamp authority
//! on 127.0.0.1 (`kyso::net::test_tsa`, `openssl ts -reply`) and the pre-sign checks: the level
//! and TSA from Settings, the revocation gate's "unknown" that only the person's confirmation
//! lets through, "not checked" said in the result when online revocation is off, and the
//! issuer's precondition reported before the PIN; then B-LT with real OCSP/CRL services
//! (`kyso::net::test_responders`), the gate's "good" and the data recorded in the journal.
//!
//! SoftHSM reads its configuration from `SOFTHSM2_CONF` when the module loads, in the process
//! that loads it. Tests must not change their own environment (they run in parallel), so the
//! outer test prepares the token and the TSA and runs the inner one in a child process of this
//! same test binary, with the variable set for that child only.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Harness, unsigned_pdf};
use kyso::demo::{TokenKey, provision_token};
use kyso::net::test_responders::Responders;
use kyso::net::test_tsa::{TestTsa, TsaMode};
use kyso::pki::demo::{DemoOptions, DemoPki};
use kyso::token::SoftHsm;
use kyso::verify::{VerifyOptions, verify_file};
use serde_json::{Value, json};

const PIN: &str = "246810";
/// Where the inner test finds what the outer one prepared.
const FIXTURE_VAR: &str = "KYSO_APP_TEST_FIXTURE";

#[test]
fn b_t_through_the_app_with_the_revocation_gate_and_the_issuer_precondition() {
    let dir = tempfile::tempdir().unwrap();
    let pki = DemoPki::generate(&dir.path().join("pki"), &DemoOptions::default()).unwrap();
    let softhsm = leader_token(dir.path(), &pki);
    let tsa = TestTsa::start(&pki, TsaMode::Good);
    let fixture = json!({
        "module": softhsm.module_path(),
        "tsa": tsa.url(),
        "input": dir.path().join("Công văn 12.pdf"),
        "seal": concat!(env!("CARGO_MANIFEST_DIR"), "/icons/icon.png"),
    });
    unsigned_pdf(Path::new(fixture["input"].as_str().unwrap()));
    let fixture_path = dir.path().join("fixture.json");
    std::fs::write(&fixture_path, fixture.to_string()).unwrap();

    run_inner("inner_signing", &softhsm, &fixture_path, dir.path());
    // Two B-T signings: two time-stamps asked of the TSA.
    assert_eq!(tsa.request_count(), 2);
    let output = dir.path().join("Công văn 12.signed.pdf");
    let report = verify_file(&output, &offline_with_root(&pki));
    assert_eq!(report.signatures.len(), 1);
    assert!(
        report.signatures[0].timestamp_time.is_some(),
        "the signature carries a trusted time-stamp: {report:?}"
    );
    assert_eq!(
        report.signatures[0].integrity,
        kyso::verify::report::Integrity::Intact
    );
}

/// Run by the test above, with the token's `SOFTHSM2_CONF`.
#[test]
#[ignore = "run by b_t_through_the_app_with_the_revocation_gate_and_the_issuer_precondition"]
fn inner_signing() {
    let Some(path) = std::env::var_os(FIXTURE_VAR) else {
        return;
    };
    let fixture: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let module = PathBuf::from(fixture["module"].as_str().unwrap());
    let input = fixture["input"].as_str().unwrap();
    let h = Harness::new();
    let settings = |online: bool| {
        json!({ "settings": {
            "modulePaths": [module],
            "tsaUrl": fixture["tsa"],
            "level": "b-t",
            "onlineRevocation": online,
        }})
    };
    h.invoke("save_settings", settings(true)).unwrap();
    let serial = token_serial(&h);
    let request = |visible: Value, allow: bool| {
        json!({
            "module": module,
            "tokenSerial": serial,
            "certificateId": "01",
            "files": [input],
            "outputDir": null,
            "reason": null,
            "location": null,
            "page": null,
            "visible": visible,
            "allowUnknownRevocation": allow,
            "overwrite": true,
        })
    };

    // Before the PIN: an issuer's seal on a document nobody signed is refused, with the
    // Vietnamese reason; the test certificate names no OCSP or CRL address, so its status is
    // unknown, with the reasons.
    let issuer = json!({ "profile": "issuer", "seal": fixture["seal"], "number": "12/UBND-VP" });
    let preflight = h
        .invoke(
            "prepare_signing",
            json!({ "request": request(issuer, false) }),
        )
        .unwrap();
    assert_eq!(preflight["level"], "b-t");
    assert_eq!(
        preflight["refused"][0]["error"]["code"],
        "issuer-needs-personal-signature"
    );
    assert!(
        preflight["refused"][0]["error"]["vi"]
            .as_str()
            .unwrap()
            .contains("chưa có chữ ký số của người có thẩm quyền")
    );
    assert_eq!(preflight["revocation"]["state"], "unknown");
    assert!(
        !preflight["revocation"]["reasons"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Unknown without the person's confirmation: nothing is signed, the PIN is not used.
    let refused = h
        .invoke(
            "sign_batch",
            json!({ "jobId": "sign-1", "request": request(Value::Null, false), "pin": PIN }),
        )
        .unwrap_err();
    assert_eq!(refused["code"], "revocation-unknown");
    assert!(refused["vi"].as_str().unwrap().starts_with("Không ký"));

    // Confirmed: signed at B-T, and the result says what was not established.
    let done = h
        .invoke(
            "sign_batch",
            json!({ "jobId": "sign-2", "request": request(Value::Null, true), "pin": PIN }),
        )
        .unwrap();
    assert_eq!(done["signed"], 1, "{done}");
    assert_eq!(done["level"], "b-t");
    assert_eq!(done["revocation"]["code"], "revocation-unknown-confirmed");
    assert!(done["results"][0]["timestampTime"].is_string(), "{done}");

    // Online revocation off: not asked, and the result says so.
    h.invoke("save_settings", settings(false)).unwrap();
    let preflight = h
        .invoke(
            "prepare_signing",
            json!({ "request": request(Value::Null, false) }),
        )
        .unwrap();
    assert_eq!(preflight["revocation"]["state"], "off");
    let done = h
        .invoke(
            "sign_batch",
            json!({ "jobId": "sign-3", "request": request(Value::Null, false), "pin": PIN }),
        )
        .unwrap();
    assert_eq!(done["signed"], 1, "{done}");
    assert_eq!(done["revocation"]["code"], "revocation-not-checked");
    assert!(
        done["revocation"]["vi"]
            .as_str()
            .unwrap()
            .contains("đã tắt trong Cài đặt")
    );

    // The journal has the level.
    let entries = h
        .invoke("journal_entries", json!({ "query": { "kind": "sign" } }))
        .unwrap();
    let levels: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["ok"] == true)
        .map(|e| e["signing"]["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["b-t", "b-t"]);
}

#[test]
fn b_lt_through_the_app_after_a_good_ocsp_answer() {
    let dir = tempfile::tempdir().unwrap();
    let responders = Responders::start();
    let pki = DemoPki::generate(&dir.path().join("pki"), &responders.options()).unwrap();
    responders.install(&pki);
    let softhsm = leader_token(dir.path(), &pki);
    let tsa = TestTsa::start(&pki, TsaMode::Good);
    let input = dir.path().join("Quyết định 7.pdf");
    unsigned_pdf(&input);
    let fixture_path = dir.path().join("fixture.json");
    std::fs::write(
        &fixture_path,
        json!({ "module": softhsm.module_path(), "tsa": tsa.url(), "input": input }).to_string(),
    )
    .unwrap();

    run_inner("inner_b_lt", &softhsm, &fixture_path, dir.path());
    assert!(responders.ocsp_requests() >= 1, "the gate asked OCSP");
    // Offline, with the test root trusted: the DSS alone settles revocation.
    let report = verify_file(
        &dir.path().join("Quyết định 7.signed.pdf"),
        &offline_with_root(&pki),
    );
    assert_eq!(
        report.verdict,
        kyso::verify::report::Verdict::Accepted,
        "{report:?}"
    );
}

/// Run by the test above, with the token's `SOFTHSM2_CONF`.
#[test]
#[ignore = "run by b_lt_through_the_app_after_a_good_ocsp_answer"]
fn inner_b_lt() {
    let Some(path) = std::env::var_os(FIXTURE_VAR) else {
        return;
    };
    let fixture: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let module = PathBuf::from(fixture["module"].as_str().unwrap());
    let h = Harness::new();
    h.invoke(
        "save_settings",
        json!({ "settings": {
            "modulePaths": [module],
            "tsaUrl": fixture["tsa"],
            "level": "b-lt",
        }}),
    )
    .unwrap();
    let request = json!({
        "module": module,
        "tokenSerial": token_serial(&h),
        "certificateId": "01",
        "files": [fixture["input"]],
        "outputDir": null,
        "reason": null,
        "location": null,
        "page": null,
    });
    // Online revocation is on by default; the OCSP responder says "good".
    let preflight = h
        .invoke("prepare_signing", json!({ "request": request }))
        .unwrap();
    assert_eq!(preflight["revocation"]["state"], "good", "{preflight}");
    assert!(
        preflight["revocation"]["message"]["vi"]
            .as_str()
            .unwrap()
            .contains("chưa bị thu hồi")
    );
    let done = h
        .invoke(
            "sign_batch",
            json!({ "jobId": "sign-lt", "request": request, "pin": PIN }),
        )
        .unwrap();
    assert_eq!(done["signed"], 1, "{done}");
    assert_eq!(done["level"], "b-lt");
    assert!(done["revocation"].is_null(), "nothing to say: {done}");
    // The journal keeps the OCSP answer the gate relied on and what went into the DSS.
    let entries = h
        .invoke("journal_entries", json!({ "query": { "kind": "sign" } }))
        .unwrap();
    let signing = &entries[0]["signing"];
    assert_eq!(signing["level"], "b-lt");
    let sources: Vec<&str> = signing["revocation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert!(sources.contains(&"dss"), "{signing}");
    assert!(sources.iter().any(|s| *s != "dss"), "{signing}");
}

/// Runs the ignored test `name` of this binary in a child process with the token's
/// `SOFTHSM2_CONF`, the fixture and a revocation cache of its own.
/// A SoftHSM2 token "Kyso Test" (PIN [`PIN`]) holding the demo leader's key and certificate.
fn leader_token(dir: &Path, pki: &DemoPki) -> SoftHsm {
    let softhsm = SoftHsm::create(&dir.join("hsm")).unwrap();
    provision_token(
        &softhsm,
        "Kyso Test",
        PIN,
        pki,
        &[TokenKey {
            id: 1,
            label: "Nguyen Van An",
            identity: &pki.leader,
        }],
    )
    .unwrap();
    softhsm
}

fn run_inner(name: &str, softhsm: &SoftHsm, fixture: &Path, dir: &Path) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--ignored", "--nocapture"])
        .env(softhsm.env().0, softhsm.env().1)
        .env(FIXTURE_VAR, fixture)
        // The revocation cache of the child, not the person's.
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "inner test {name}: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Validation without the network, the test root trusted.
fn offline_with_root(pki: &DemoPki) -> VerifyOptions {
    let mut trust = kyso::pki::trust::TrustStore::empty();
    trust
        .add_anchor_pem_or_der(pki.root.certificate_pem.as_bytes())
        .unwrap();
    VerifyOptions {
        policy: kyso::verify::policy::Policy::Incoming,
        trust,
        offline: true,
        time_limit: kyso::verify::budget::DEFAULT_TIME_LIMIT,
    }
}

fn token_serial(h: &Harness) -> String {
    let inventory = h.invoke("list_tokens", json!({})).unwrap();
    let token = inventory["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == "Kyso Test")
        .unwrap_or_else(|| panic!("the test token is listed: {inventory}"));
    token["serial"].as_str().unwrap().to_owned()
}
