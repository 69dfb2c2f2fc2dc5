//! `kyso sign` end to end: a real PKCS#11 token (SoftHSM2), every kind of input PDF, and every
//! output checked by pyHanko, poppler's `pdfsig` and `qpdf --check` — never by Kyso itself.

mod common;

use std::process::Stdio;

use common::validators::{assert_pdfsig_valid, assert_pyhanko, assert_qpdf_check};
use common::*;
use kyso::pdf::fixtures::FixtureKind;

const TRUSTED_UNTOUCHED: &str = "INTACT:TRUSTED,UNTOUCHED";
/// pyHanko's verdict on a signature followed by another signature: adding a signature field
/// is "form filling" to pyHanko, an acceptable modification.
const TRUSTED_THEN_SIGNED: &str =
    "INTACT:TRUSTED,EXTENDED_WITH_FORM_FILLING,ACCEPTABLE_MODIFICATIONS";

/// Signs `input` with key `cert` into `output`, asserting success and the JSON report.
fn sign_ok(
    env: &TestEnv,
    cert: &str,
    input: &std::path::Path,
    output: &std::path::Path,
) -> serde_json::Value {
    let out = run(env
        .sign()
        .args(["--cert", cert, "-o"])
        .arg(output)
        .arg(input));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{}", describe(&out));
    let line = lines.into_iter().next().unwrap();
    assert_eq!(line["ok"], true);
    assert_eq!(line["output"], output.display().to_string());
    assert_eq!(
        line["sha256"],
        sha256_file(output),
        "reported SHA-256 of the output"
    );
    assert_eq!(line["input_sha256"], sha256_file(input));
    assert_eq!(line["level"], "b-b");
    assert!(line["error"].is_null());
    assert_prefix(input, output);
    line
}

#[test]
fn every_kind_of_pdf_is_signed_and_independent_validators_agree() {
    let env = TestEnv::new();
    for kind in FixtureKind::ALL {
        let input = env.fixture(kind);
        let before = sha256_file(&input);
        let output = env.path(&format!("{kind:?}.signed.pdf"));
        let line = sign_ok(&env, id::LEADER, &input, &output);
        assert_eq!(line["signer"]["common_name"], "Nguyễn Văn An");
        assert_eq!(
            sha256_file(&input),
            before,
            "the input of {kind:?} was modified"
        );
        // pyHanko refuses hybrid-reference files in strict mode whatever is in them.
        let extra: &[&str] = if kind == FixtureKind::Hybrid {
            &["--no-strict-syntax"]
        } else {
            &[]
        };
        assert_pyhanko(&output, env.root_pem(), extra, &[TRUSTED_UNTOUCHED]);
        assert_pdfsig_valid(&output, 1);
        assert_qpdf_check(&output);
    }
}

#[test]
fn ec_p256_key_signs_with_ecdsa() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::ObjectStreams);
    let output = env.path("ec.signed.pdf");
    let line = sign_ok(&env, id::EC, &input, &output);
    assert_eq!(line["signer"]["key"], "ECDSA P-256");
    assert_pyhanko(&output, env.root_pem(), &[], &[TRUSTED_UNTOUCHED]);
    assert_pdfsig_valid(&output, 1);
    assert_qpdf_check(&output);
}

#[test]
fn organisation_signs_after_leader_and_both_stay_valid() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::Classic);
    let first = env.path("leader.pdf");
    let second = env.path("issued.pdf");
    sign_ok(&env, id::LEADER, &input, &first);
    let line = sign_ok(&env, id::ORGANISATION, &first, &second);
    assert_eq!(line["field"], "Signature2");
    assert_pyhanko(
        &second,
        env.root_pem(),
        &[],
        &[TRUSTED_THEN_SIGNED, TRUSTED_UNTOUCHED],
    );
    assert_pdfsig_valid(&second, 2);
    assert_qpdf_check(&second);
}

#[test]
fn a_file_signed_by_pyhanko_keeps_its_signature_valid() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::Classic);
    let by_pyhanko = env.path("pyhanko.pdf");
    let leader = &env.pki.leader;
    let out = run(std::process::Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.venv/bin/pyhanko"
    ))
    .args([
        "sign",
        "addsig",
        "--field",
        "PyHanko",
        "pemder",
        "--no-pass",
        "--key",
    ])
    .arg(&leader.key_pem_path)
    .arg("--cert")
    .arg(&leader.certificate_pem_path)
    .arg("--chain")
    .arg(&env.pki.issuing_ca.certificate_pem_path)
    .arg(&input)
    .arg(&by_pyhanko));
    assert!(
        out.status.success(),
        "pyHanko could not sign: {}",
        describe(&out)
    );

    let output = env.path("both.pdf");
    sign_ok(&env, id::ORGANISATION, &by_pyhanko, &output);
    assert_pyhanko(
        &output,
        env.root_pem(),
        &[],
        &[TRUSTED_THEN_SIGNED, TRUSTED_UNTOUCHED],
    );
    assert_pdfsig_valid(&output, 2);
    assert_qpdf_check(&output);
}

#[test]
fn an_existing_empty_signature_field_is_signed_by_name() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::Classic);
    let with_field = env.path("with-field.pdf");
    let out = run(std::process::Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.venv/bin/pyhanko"
    ))
    .args([
        "sign",
        "addfields",
        "--field",
        "1/300,50,500,120/ChuKyLanhDao",
    ])
    .arg(&input)
    .arg(&with_field));
    assert!(out.status.success(), "{}", describe(&out));
    let output = env.path("signed-field.pdf");
    let out = run(env
        .sign()
        .args(["--cert", id::LEADER, "--field", "ChuKyLanhDao", "-o"])
        .arg(&output)
        .arg(&with_field));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(json_lines(&out)[0]["field"], "ChuKyLanhDao");
    let report = common::validators::pyhanko_validate(&output, env.root_pem(), &[]);
    let statuses = report.statuses();
    assert_eq!(statuses.len(), 1, "{}", report.text);
    assert_eq!(statuses[0].0, "ChuKyLanhDao");
    assert_eq!(statuses[0].1, TRUSTED_UNTOUCHED);
    assert_pdfsig_valid(&output, 1);
}

#[test]
fn a_batch_of_twenty_files_takes_one_login() {
    let env = TestEnv::new();
    let inputs_dir = env.path("batch-in");
    std::fs::create_dir_all(&inputs_dir).unwrap();
    let mut inputs = Vec::new();
    for i in 0..20 {
        let p = inputs_dir.join(format!("van-ban-{i:02}.pdf"));
        kyso::pdf::fixtures::write_classic_pdf(&p, 1 + i % 3).unwrap();
        inputs.push(p);
    }
    let out_dir = env.path("batch-out");
    let log = env.path("spy.log");
    let out = run(env
        .sign_spied(&log)
        .args(["--cert", id::LEADER, "--out-dir"])
        .arg(&out_dir)
        .args(&inputs));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(
        spy_calls(&log, "C_Login"),
        1,
        "one login for the whole batch"
    );
    assert_eq!(
        spy_calls(&log, "C_OpenSession"),
        1,
        "one session for the whole batch"
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 20);
    for (input, line) in inputs.iter().zip(&lines) {
        assert_eq!(line["ok"], true, "{line}");
        let output = out_dir.join(
            input
                .file_name()
                .unwrap()
                .to_string_lossy()
                .replace(".pdf", ".signed.pdf"),
        );
        assert_eq!(line["output"], output.display().to_string());
        assert_prefix(input, &output);
        assert_pdfsig_valid(&output, 1);
    }
    // pyHanko is slower: two of the twenty, the first and the last.
    for line in [&lines[0], &lines[19]] {
        let output = std::path::PathBuf::from(line["output"].as_str().unwrap());
        assert_pyhanko(&output, env.root_pem(), &[], &[TRUSTED_UNTOUCHED]);
    }
}

#[test]
fn a_software_pkcs12_key_signs_too() {
    let env = TestEnv::new();
    let p12 = env.path("leader.p12");
    let leader = &env.pki.leader;
    let out = run(std::process::Command::new("openssl")
        .args(["pkcs12", "-export", "-passout", "pass:mật-khẩu", "-inkey"])
        .arg(&leader.key_pem_path)
        .arg("-in")
        .arg(&leader.certificate_pem_path)
        .arg("-certfile")
        .arg(&env.pki.issuing_ca.certificate_pem_path)
        .arg("-out")
        .arg(&p12));
    assert!(out.status.success(), "{}", describe(&out));
    let input = env.fixture(FixtureKind::Classic);
    let output = env.path("software.pdf");
    let out = run(env
        .kyso()
        .env("P12_PASS", "mật-khẩu")
        .args([
            "sign",
            "--json",
            "--allow-unknown-revocation",
            "--software-key",
        ])
        .arg(&p12)
        .args(["--software-pass-env", "P12_PASS", "-o"])
        .arg(&output)
        .arg(&input));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_pyhanko(&output, env.root_pem(), &[], &[TRUSTED_UNTOUCHED]);
    assert_pdfsig_valid(&output, 1);

    let wrong = run(env
        .kyso()
        .env("P12_PASS", "sai")
        .args(["sign", "--json", "--software-key"])
        .arg(&p12)
        .args(["--software-pass-env", "P12_PASS", "-o"])
        .arg(env.path("never.pdf"))
        .arg(&input));
    assert_eq!(wrong.status.code(), Some(2), "{}", describe(&wrong));
    assert!(!env.path("never.pdf").exists());
}

#[test]
fn an_existing_output_is_kept_unless_force_is_given() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::Classic);
    let output = env.path("exists.pdf");
    std::fs::write(&output, b"keep me").unwrap();
    let out = run(env
        .sign()
        .args(["--cert", id::LEADER, "-o"])
        .arg(&output)
        .arg(&input));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(json_lines(&out)[0]["error"]["code"], "output-exists");
    assert_eq!(std::fs::read(&output).unwrap(), b"keep me");

    let out = run(env
        .sign()
        .args(["--cert", id::LEADER, "--force", "-o"])
        .arg(&output)
        .arg(&input));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_pdfsig_valid(&output, 1);
}

#[test]
fn the_input_is_never_the_output() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::Classic);
    let before = sha256_file(&input);
    let out = run(env
        .sign()
        .args(["--cert", id::LEADER, "--force", "-o"])
        .arg(&input)
        .arg(&input));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(json_lines(&out)[0]["error"]["code"], "output-is-input");
    assert_eq!(sha256_file(&input), before);
}

#[test]
fn tokens_lists_the_token_and_its_signing_certificates() {
    let env = TestEnv::new();
    let out = run(env
        .kyso()
        .args(["tokens", "--json", "--module"])
        .arg(env.softhsm.module_path()));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    let tokens = lines[0]["tokens"].as_array().unwrap();
    let token = tokens
        .iter()
        .find(|t| t["token"]["label"] == TOKEN)
        .expect("the test token");
    let certs = token["certificates"].as_array().unwrap();
    let leader = certs.iter().find(|c| c["id_hex"] == id::LEADER).unwrap();
    assert_eq!(leader["certificate"]["common_name"], "Nguyễn Văn An");
    let no_key = certs.iter().find(|c| c["id_hex"] == id::NO_KEY).unwrap();
    assert_ne!(no_key["private_key"], "present");

    let human = run(env
        .kyso()
        .args(["tokens", "--module"])
        .arg(env.softhsm.module_path()));
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("Kyso Test") && text.contains("Nguyễn Văn An"),
        "{text}"
    );
}

#[test]
fn no_pin_source_fails_before_the_token_is_touched() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::Classic);
    let log = env.path("spy.log");
    let output = env.path("never.pdf");
    // `setsid` runs kyso without a controlling terminal, as CI and scripts do.
    let mut c = env.softhsm.command("setsid");
    c.arg("-w")
        .arg(env!("CARGO_BIN_EXE_kyso"))
        .env("PKCS11SPY", env.softhsm.module_path())
        .env("PKCS11SPY_OUTPUT", &log)
        .args([
            "sign", "--json", "--module", SPY_MODULE, "--token", TOKEN, "-o",
        ])
        .arg(&output)
        .arg(&input)
        .stdin(Stdio::null());
    let out = run(&mut c);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert_eq!(json_lines(&out)[0]["error"]["code"], "no-pin-source");
    assert_eq!(spy_calls(&log, "C_Initialize"), 0, "the module was loaded");
    assert!(!output.exists());
}
