//! Every input and situation `kyso sign` must refuse: a clear reason (Vietnamese, then
//! English, with a stable code), a non-zero exit, no output and no temporary file left behind,
//! and the input unchanged.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use kyso::pdf::fixtures::FixtureKind;

struct Refusal {
    exit: i32,
    code: String,
    vi: String,
    en: String,
    stderr: String,
}

/// Runs `kyso sign` with `args` on `input` into a fresh folder and checks the refusal's
/// invariants: nothing written, input unchanged, one JSON line with the error.
fn refuse(env: &TestEnv, mut command: std::process::Command, input: &Path) -> Refusal {
    let out_dir = env.path(&format!("out-{}", rand_suffix()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let output = out_dir.join("out.pdf");
    let before = std::fs::read(input).ok();
    let out = run(command.arg("-o").arg(&output).arg(input));
    assert_ne!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(
        files_in(&out_dir).is_empty(),
        "left behind: {:?}",
        files_in(&out_dir)
    );
    assert_eq!(std::fs::read(input).ok(), before, "the input changed");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{}", describe(&out));
    assert_eq!(lines[0]["ok"], false);
    assert!(lines[0]["output"].is_null());
    let error = &lines[0]["error"];
    Refusal {
        exit: out.status.code().unwrap_or(-1),
        code: error["code"].as_str().unwrap_or_default().to_string(),
        vi: error["vi"].as_str().unwrap_or_default().to_string(),
        en: error["en"].as_str().unwrap_or_default().to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    N.fetch_add(1, Ordering::Relaxed).to_string()
}

fn leader(env: &TestEnv) -> std::process::Command {
    let mut c = env.sign();
    c.args(["--cert", id::LEADER]);
    c
}

fn write(env: &TestEnv, name: &str, bytes: &[u8]) -> PathBuf {
    let p = env.path(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn a_file_that_is_not_a_pdf_is_refused() {
    let env = TestEnv::new();
    let input = write(
        &env,
        "letter.pdf",
        b"Kinh gui: this is a text file, not a PDF\n",
    );
    let r = refuse(&env, leader(&env), &input);
    assert_eq!((r.exit, r.code.as_str()), (1, "not-pdf"), "{}", r.stderr);
    assert!(!r.vi.is_empty() && !r.en.is_empty());
}

#[test]
fn a_truncated_pdf_is_refused() {
    let env = TestEnv::new();
    let whole = std::fs::read(env.fixture(FixtureKind::Classic)).unwrap();
    let input = write(&env, "truncated.pdf", &whole[..whole.len() * 2 / 3]);
    let r = refuse(&env, leader(&env), &input);
    assert_eq!(r.exit, 1, "{}", r.stderr);
    assert!(
        r.code == "truncated" || r.code == "broken-xref",
        "{}: {}",
        r.code,
        r.en
    );
}

#[test]
fn a_broken_xref_is_refused_never_repaired() {
    let env = TestEnv::new();
    let mut bytes = std::fs::read(env.fixture(FixtureKind::Classic)).unwrap();
    // Shift every in-use xref entry's offset by one: the table no longer points at objects.
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let xref = text.rfind("\nxref").unwrap();
    let entries = &text[xref..];
    let first_n = entries.find(" n").unwrap();
    let entry_start = xref + first_n - 16;
    let offset: u64 = text[entry_start..entry_start + 10].parse().unwrap();
    bytes[entry_start..entry_start + 10].copy_from_slice(format!("{:010}", offset + 7).as_bytes());
    let input = write(&env, "broken-xref.pdf", &bytes);
    let r = refuse(&env, leader(&env), &input);
    assert_eq!(
        (r.exit, r.code.as_str()),
        (1, "broken-xref"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_encrypted_pdf_is_refused() {
    let env = TestEnv::new();
    let r = refuse(&env, leader(&env), &corpus("itext_svi_encryptedDoc.pdf"));
    assert_eq!((r.exit, r.code.as_str()), (1, "encrypted"), "{}", r.stderr);
}

#[test]
fn a_certified_no_changes_pdf_is_refused() {
    let env = TestEnv::new();
    // Certified with DocMDP P=1 (MANIFEST.tsv).
    let r = refuse(
        &env,
        leader(&env),
        &corpus("itext_drv_fullCompressionModeLevel1.pdf"),
    );
    assert_eq!(
        (r.exit, r.code.as_str()),
        (1, "certified-no-changes"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_wrong_pin_is_reported_with_the_tries_state_and_never_retried() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::Classic);
    let log = env.path("spy.log");
    let mut c = env.sign_spied(&log);
    c.env("KYSO_TEST_PIN", "999999")
        .args(["--cert", id::LEADER]);
    let r = refuse(&env, c, &input);
    assert_eq!(
        (r.exit, r.code.as_str()),
        (2, "pin-incorrect"),
        "{}",
        r.stderr
    );
    assert_eq!(
        spy_calls(&log, "C_Login"),
        1,
        "a wrong PIN must not be retried"
    );
    // SoftHSM sets CKF_USER_PIN_COUNT_LOW after a wrong PIN: the message names the state.
    assert!(
        r.vi.contains("sai") && r.en.to_lowercase().contains("wrong"),
        "{} / {}",
        r.vi,
        r.en
    );
    assert!(!r.stderr.contains("999999"), "the PIN was printed");

    // The next run reads the flag before asking and warns.
    let output = env.path("after.pdf");
    let out = run(env
        .sign()
        .args(["--cert", id::LEADER, "-o"])
        .arg(&output)
        .arg(&input));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("PIN đã nhập sai ít nhất một lần"),
        "{stderr}"
    );
}

#[test]
fn no_module_means_exit_two() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::Classic);
    let mut c = env.kyso();
    c.env("KYSO_TEST_PIN", PIN).args([
        "sign",
        "--json",
        "--module",
        "/nonexistent/libnothing.so",
        "--pin-env",
        "KYSO_TEST_PIN",
    ]);
    let r = refuse(&env, c, &input);
    assert_eq!(r.exit, 2, "{}", r.stderr);
    assert!(r.code.starts_with("module"), "{}", r.code);
}

#[test]
fn no_token_means_exit_two() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::Classic);
    let mut c = env.kyso();
    c.env("KYSO_TEST_PIN", PIN)
        .args(["sign", "--json", "--pin-env", "KYSO_TEST_PIN", "--module"])
        .arg(env.softhsm.module_path())
        .args(["--token", "Không có thiết bị này"]);
    let r = refuse(&env, c, &input);
    assert_eq!(
        (r.exit, r.code.as_str()),
        (2, "token-not-found"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_certificate_without_private_key_cannot_sign() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::Classic);
    let mut c = env.sign();
    c.args(["--cert", id::NO_KEY]);
    let r = refuse(&env, c, &input);
    assert_eq!(
        (r.exit, r.code.as_str()),
        (2, "cert-no-private-key"),
        "{}",
        r.stderr
    );
}

/// The pre-sign gate refuses before the PIN is asked: an unusable certificate must not cost
/// the user a PIN try.
fn refused_by_the_gate(cert: &str, code: &str) {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::Classic);
    let log = env.path("spy.log");
    let mut c = env.sign_spied(&log);
    c.args(["--cert", cert]);
    let r = refuse(&env, c, &input);
    assert_eq!((r.exit, r.code.as_str()), (2, code), "{}", r.stderr);
    assert_eq!(
        spy_calls(&log, "C_Login"),
        0,
        "the PIN was used for a refused certificate"
    );
}

#[test]
fn an_expired_certificate_is_refused_before_the_pin() {
    refused_by_the_gate(id::EXPIRED, "cert-expired");
}

#[test]
fn a_not_yet_valid_certificate_is_refused_before_the_pin() {
    refused_by_the_gate(id::NOT_YET_VALID, "cert-not-yet-valid");
}

#[test]
fn a_certificate_without_signing_key_usage_is_refused() {
    refused_by_the_gate(id::WRONG_KEY_USAGE, "cert-key-usage");
}

#[test]
fn an_rsa_1024_key_is_refused() {
    refused_by_the_gate(id::WEAK_RSA, "key-too-weak");
}

#[test]
fn one_bad_file_in_a_batch_does_not_stop_the_others() {
    let env = TestEnv::new();
    let good = env.fixture(FixtureKind::Classic);
    let bad = write(&env, "bad.pdf", b"not a pdf");
    let out_dir = env.path("mixed");
    let out = run(env
        .sign()
        .args(["--cert", id::LEADER, "--out-dir"])
        .arg(&out_dir)
        .arg(&bad)
        .arg(&good));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["ok"], false);
    assert_eq!(lines[1]["ok"], true);
    assert_eq!(
        files_in(&out_dir),
        vec![
            good.file_name()
                .unwrap()
                .to_string_lossy()
                .replace(".pdf", ".signed.pdf")
        ]
    );
}

/// A write that fails half-way (here: a file-size limit, which fails `write` with EFBIG the way
/// a full disk fails it with ENOSPC) leaves no output and no temporary file.
#[test]
fn a_write_failing_half_way_leaves_nothing_behind() {
    use std::os::unix::process::CommandExt;
    let env = TestEnv::new();
    let input = env.path("big.pdf");
    kyso::pdf::fixtures::write_sample_pdf(&input, 1, 2_000_000).unwrap();
    let mut c = leader(&env);
    // SAFETY: runs in the forked child before exec; setrlimit and signal are async-signal-safe.
    unsafe {
        c.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 1 << 20,
                rlim_max: 1 << 20,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // Without this the kernel kills the process (SIGXFSZ) instead of failing the write.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    let r = refuse(&env, c, &input);
    assert_eq!(
        (r.exit, r.code.as_str()),
        (1, "output-unwritable"),
        "{}",
        r.stderr
    );
}
