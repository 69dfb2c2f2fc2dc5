//! Tests against a real SoftHSM2 token, loaded in-process.
//!
//! SoftHSM takes its configuration from `SOFTHSM2_CONF` when the module is initialised, and
//! setting an environment variable inside this multi-threaded test process is unsound. So each
//! test here (the parent) builds keys with the `openssl`/`certtool` command-line tools and a
//! token with [`SoftHsm`] in its own temporary folder, then runs this same test binary again as
//! a child process, filtered to [`child`], with `SOFTHSM2_CONF` (and, for call counting,
//! `PKCS11SPY`) set in the child's environment from its start. The child runs one scenario and
//! panics on any failed assertion; the parent checks its exit status and what it left behind.
//! Tests stay parallel: every parent has its own folder, token and child.

use std::path::{Path, PathBuf};
use std::process::Command;

use cryptoki::mechanism::MechanismType;
use der::{Decode, Encode};
use rsa::RsaPublicKey;
use signature::hazmat::PrehashVerifier;
use spki::DecodePublicKey;

use super::*;
use crate::message::Explain;

const SCENARIO_VAR: &str = "KYSO_TOKEN_TEST_SCENARIO";
const DIR_VAR: &str = "KYSO_TOKEN_TEST_DIR";
const MODULE_VAR: &str = "KYSO_TOKEN_TEST_MODULE";
const SPY: &str = "/usr/lib/x86_64-linux-gnu/pkcs11-spy.so";

const TOKEN: &str = "Kyso Test";
const SO_PIN: &str = "12345678";
const PIN: &str = "1234";
const PRIVATE_TOKEN: &str = "Kyso Private";
/// The signed attributes stand-in: any bytes do; these include Vietnamese text.
const MESSAGE: &[u8] = "Văn bản số 123/QĐ-UBND ngày 01/02/2025".as_bytes();

// ---------------------------------------------------------------- fixtures (parent side)

fn tool(program: &str, args: &[&str], dir: &Path) {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run tool");
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A self-signed certificate and its PKCS#8 key, both DER, made by openssl.
struct KeyPair {
    key_der: Vec<u8>,
    cert_der: Vec<u8>,
}

fn make_key(dir: &Path, name: &str, newkey: &[&str], subject: &str) -> KeyPair {
    let key_pem = format!("{name}.key.pem");
    let cert_pem = format!("{name}.crt.pem");
    let mut args = vec![
        "req", "-x509", "-nodes", "-days", "30", "-utf8", "-subj", subject,
    ];
    args.extend_from_slice(newkey);
    args.extend_from_slice(&["-keyout", &key_pem, "-out", &cert_pem]);
    tool("openssl", &args, dir);
    finish_key(dir, name)
}

fn finish_key(dir: &Path, name: &str) -> KeyPair {
    let key_pem = format!("{name}.key.pem");
    let cert_pem = format!("{name}.crt.pem");
    let (key_der, cert_der) = (format!("{name}.key.der"), format!("{name}.crt.der"));
    // `openssl pkey -outform der` writes PKCS#1 for RSA; `pkcs8 -topk8` writes PKCS#8.
    tool(
        "openssl",
        &[
            "pkcs8", "-topk8", "-nocrypt", "-in", &key_pem, "-outform", "der", "-out", &key_der,
        ],
        dir,
    );
    tool(
        "openssl",
        &[
            "x509", "-in", &cert_pem, "-outform", "der", "-out", &cert_der,
        ],
        dir,
    );
    KeyPair {
        key_der: std::fs::read(dir.join(key_der)).expect("key"),
        cert_der: std::fs::read(dir.join(cert_der)).expect("certificate"),
    }
}

/// RSA 2048 with a subject longer than RFC 5280's 64-character bound, as Vietnamese CAs issue
/// them. openssl refuses such names, certtool does not.
fn make_long_name_rsa(dir: &Path) -> KeyPair {
    tool(
        "openssl",
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "an.key.pem",
        ],
        dir,
    );
    std::fs::write(
        dir.join("an.tmpl"),
        "cn = \"Nguyễn Văn An - Phó Giám đốc Sở Khoa học và Công nghệ tỉnh Gia Lai, Việt Nam\"\n\
         organization = \"Sở Khoa học và Công nghệ tỉnh Gia Lai\"\n\
         country = VN\nexpiration_days = 30\nsigning_key\n",
    )
    .expect("template");
    tool(
        "certtool",
        &[
            "--generate-self-signed",
            "--load-privkey",
            "an.key.pem",
            "--template",
            "an.tmpl",
            "--outfile",
            "an.crt.pem",
        ],
        dir,
    );
    finish_key(dir, "an")
}

const RSA_2048: &[&str] = &["-newkey", "rsa:2048"];
const EC_P256: &[&str] = &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
const EC_P384: &[&str] = &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"];

/// Runs scenario `name` in a child test process with SoftHSM configured for `hsm`.
fn run_child(name: &str, hsm: &SoftHsm, dir: &Path, module: &Path, extra_env: &[(&str, &Path)]) {
    let exe = std::env::current_exe().expect("test binary");
    let test_name = concat!(module_path!(), "::child");
    let test_name = test_name
        .split_once("::")
        .map_or(test_name, |(_, rest)| rest);
    let mut command = hsm.command(exe);
    command
        .args([
            test_name,
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(SCENARIO_VAR, name)
        .env(DIR_VAR, dir)
        .env(MODULE_VAR, module);
    for (key, value) in extra_env {
        command.env(key, value);
    }
    let output = command.output().expect("run child test process");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "scenario {name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn spy_available() -> bool {
    Path::new(SPY).is_file()
}

/// `C_Login` calls in a pkcs11-spy log, with their user types.
fn logins(spy_log: &Path) -> Vec<String> {
    let log = std::fs::read_to_string(spy_log).expect("spy log");
    let mut calls = Vec::new();
    let mut lines = log.lines();
    while let Some(line) = lines.next() {
        if line.contains("C_Login") {
            // The user type is printed a couple of lines below the call.
            let user = lines
                .by_ref()
                .take(3)
                .find(|l| l.contains("userType"))
                .unwrap_or_default();
            calls.push(user.trim().to_owned());
        }
    }
    calls
}

// ---------------------------------------------------------------- parent tests

#[test]
fn inventory_selection_and_every_scheme_on_softhsm() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let dir = dir.path();
    let hsm = SoftHsm::create(&dir.join("hsm")).expect("SoftHSM folder");
    hsm.init_token(TOKEN, SO_PIN, PIN).expect("init token");
    hsm.init_token("Kyso Second", SO_PIN, PIN)
        .expect("init second token");

    let rsa = make_long_name_rsa(dir);
    let p256 = make_key(dir, "p256", EC_P256, "/C=VN/O=Sở Nội vụ/CN=Trần Thị Bình");
    let p384 = make_key(dir, "p384", EC_P384, "/C=VN/CN=Lê Văn Cường");
    let ca = make_key(
        dir,
        "ca",
        RSA_2048,
        "/C=VN/O=Ban Cơ yếu Chính phủ/CN=CA phục vụ thử nghiệm",
    );
    let other = make_key(dir, "other", RSA_2048, "/C=VN/CN=Khóa khác");
    hsm.import_key(
        TOKEN,
        PIN,
        &[0x01],
        "Nguyễn Văn An",
        &rsa.key_der,
        &rsa.cert_der,
    )
    .expect("RSA");
    hsm.import_key(
        TOKEN,
        PIN,
        &[0x02],
        "Trần Thị Bình",
        &p256.key_der,
        &p256.cert_der,
    )
    .expect("P-256");
    hsm.import_key(
        TOKEN,
        PIN,
        &[0x03],
        "Lê Văn Cường",
        &p384.key_der,
        &p384.cert_der,
    )
    .expect("P-384");
    hsm.import_certificate_only(TOKEN, PIN, &[0x10], "CA", &ca.cert_der)
        .expect("CA");
    // A certificate whose key on the token is another one: signing must fail.
    hsm.import_key(
        TOKEN,
        PIN,
        &[0x04],
        "Lệch khóa",
        &other.key_der,
        &rsa.cert_der,
    )
    .expect("mismatch");

    // A token that keeps its certificate private: nothing to list before login.
    hsm.init_token(PRIVATE_TOKEN, SO_PIN, PIN)
        .expect("init private token");
    // The child writes the certificate as a private object: pkcs11-tool ignores `--private`
    // for certificates.
    std::fs::write(dir.join("p256.crt.der"), &p256.cert_der).expect("certificate file");

    run_child("inventory_and_schemes", &hsm, dir, hsm.module_path(), &[]);

    // Independent check of what the child signed, with openssl.
    std::fs::write(dir.join("message.bin"), MESSAGE).expect("message");
    for (name, key, digest) in [
        ("rsa-pkcs1-sha256", "an", "-sha256"),
        ("p256", "p256", "-sha256"),
        ("p384", "p384", "-sha384"),
    ] {
        tool(
            "openssl",
            &[
                "pkey",
                "-in",
                &format!("{key}.key.pem"),
                "-pubout",
                "-out",
                &format!("{key}.pub.pem"),
            ],
            dir,
        );
        tool(
            "openssl",
            &[
                "dgst",
                digest,
                "-verify",
                &format!("{key}.pub.pem"),
                "-signature",
                &format!("{name}.sig"),
                "message.bin",
            ],
            dir,
        );
    }
    tool(
        "openssl",
        &[
            "dgst",
            "-sha256",
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:32",
            "-verify",
            "an.pub.pem",
            "-signature",
            "rsa-pss-sha256.sig",
            "message.bin",
        ],
        dir,
    );
}

#[test]
fn wrong_pin_is_reported_with_its_state_and_never_retried() {
    if !spy_available() {
        eprintln!("skipped: {SPY} (opensc) is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    let dir = dir.path();
    let hsm = SoftHsm::create(&dir.join("hsm")).expect("SoftHSM folder");
    hsm.init_token(TOKEN, SO_PIN, PIN).expect("init token");
    let key = make_key(dir, "p256", EC_P256, "/CN=Phạm Văn Dũng");
    hsm.import_key(TOKEN, PIN, &[0x02], "Dũng", &key.key_der, &key.cert_der)
        .expect("import");

    let log = dir.join("spy.log");
    run_child(
        "wrong_pin",
        &hsm,
        dir,
        Path::new(SPY),
        &[("PKCS11SPY", hsm.module_path()), ("PKCS11SPY_OUTPUT", &log)],
    );
    let calls = logins(&log);
    assert_eq!(
        calls.len(),
        1,
        "exactly one C_Login for one wrong PIN (and none for a too-short PIN): {calls:?}"
    );
}

#[test]
fn always_authenticate_keys_get_a_context_login_before_each_signature() {
    if !spy_available() {
        eprintln!("skipped: {SPY} (opensc) is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    let dir = dir.path();
    let hsm = SoftHsm::create(&dir.join("hsm")).expect("SoftHSM folder");
    hsm.init_token(TOKEN, SO_PIN, PIN).expect("init token");
    let key = make_key(dir, "rsa", RSA_2048, "/CN=Võ Thị Em");
    hsm.import_key_always_authenticate(TOKEN, PIN, &[0x07], "Em", &key.key_der, &key.cert_der)
        .expect("import");

    let log = dir.join("spy.log");
    run_child(
        "always_authenticate",
        &hsm,
        dir,
        Path::new(SPY),
        &[("PKCS11SPY", hsm.module_path()), ("PKCS11SPY_OUTPUT", &log)],
    );
    let calls = logins(&log);
    assert_eq!(
        calls.len(),
        3,
        "one user login, then one context-specific login per signature: {calls:?}"
    );
    assert!(calls[0].contains("CKU_USER"), "{calls:?}");
    assert!(
        calls[1..]
            .iter()
            .all(|c| c.contains("CKU_CONTEXT_SPECIFIC")),
        "{calls:?}"
    );
}

// ---------------------------------------------------------------- child side

/// Entry point of the child process; does nothing when run directly.
#[test]
#[ignore = "run by the SoftHSM tests in a child process with SOFTHSM2_CONF set"]
fn child() {
    let Ok(scenario) = std::env::var(SCENARIO_VAR) else {
        return;
    };
    let dir = PathBuf::from(std::env::var(DIR_VAR).expect("scenario folder"));
    let module =
        Module::load(std::env::var(MODULE_VAR).expect("module path")).expect("load module");
    match scenario.as_str() {
        "inventory_and_schemes" => inventory_and_schemes(&module, &dir),
        "wrong_pin" => wrong_pin(&module),
        "always_authenticate" => always_authenticate(&module),
        other => panic!("unknown scenario {other}"),
    }
}

fn pin() -> Pin {
    Pin::new(PIN.to_owned())
}

fn inventory_and_schemes(module: &Module, dir: &Path) {
    // Loading again gives the same, already initialised module.
    let again = Module::load(module.path()).expect("second load");
    assert_eq!(again.path(), module.path());
    assert!(
        module
            .info()
            .expect("C_GetInfo")
            .manufacturer
            .contains("SoftHSM")
    );

    write_private_certificate(module, &dir.join("p256.crt.der"));

    // Inventory without login: certificates are public, SoftHSM's private keys are not.
    let inventory = inventory::inventory(module).expect("inventory");
    let token = inventory
        .tokens
        .iter()
        .find(|t| t.token.label == TOKEN)
        .expect("test token listed");
    assert!(token.token.flags.login_required && token.token.flags.token_initialized);
    assert_eq!(token.token.pin.state, PinState::Ok);
    assert_eq!(token.certificates.len(), 5, "{:#?}", token.certificates);
    assert!(
        token
            .certificates
            .iter()
            .all(|c| c.private_key == KeyPresence::Unknown)
    );
    let an = token
        .certificates
        .iter()
        .find(|c| c.id_hex == "01")
        .expect("RSA certificate");
    let info = an
        .certificate
        .as_ref()
        .expect("long Vietnamese name parses");
    assert_eq!(
        info.common_name.as_deref(),
        Some("Nguyễn Văn An - Phó Giám đốc Sở Khoa học và Công nghệ tỉnh Gia Lai, Việt Nam")
    );
    assert_eq!(info.key.to_string(), "RSA 2048");
    assert!(info.key_usage.is_some_and(|k| k.digital_signature));
    assert_eq!(an.label, "Nguyễn Văn An");
    assert!(token.note.is_none());
    let hidden = inventory
        .tokens
        .iter()
        .find(|t| t.token.label == PRIVATE_TOKEN)
        .expect("listed");
    assert!(hidden.certificates.is_empty());
    assert_eq!(
        hidden.note.as_ref().map(|m| m.code.as_str()),
        Some("certs-need-login")
    );
    let mut private = TokenSession::open(module, Some(PRIVATE_TOKEN)).expect("open");
    private.login(Some(pin())).expect("login");
    let after_login = private.certificates().expect("certificates after login");
    assert_eq!(after_login.len(), 1);
    assert_eq!(after_login[0].private_key, KeyPresence::Absent);
    drop(private);
    let json = serde_json::to_string(&inventory).expect("inventory serialises");
    assert!(json.contains("\"id_hex\":\"02\""), "{json}");

    // Token choice: three initialised tokens, so none is implied.
    assert!(
        matches!(TokenSession::open(module, None), Err(TokenError::TokenAmbiguous { tokens }) if tokens.len() == 3)
    );
    assert!(matches!(
        TokenSession::open(module, Some("Không có")),
        Err(TokenError::TokenNotFound { .. })
    ));
    let mut session = TokenSession::open(module, Some(TOKEN)).expect("open by label");
    let serial = session.token().serial.clone();
    drop(session);
    session = TokenSession::open(module, Some(&serial)).expect("open by serial");

    // Before login: no signer; after: a definite answer about keys.
    assert!(matches!(
        session.signer(None, SignerOptions::default()),
        Err(TokenError::PinRequired)
    ));
    session.login(Some(pin())).expect("login");
    assert!(session.is_logged_in());
    session
        .login(Some(pin()))
        .expect("a second login call is a no-op");
    let certificates = session.certificates().expect("certificates");
    let presence = |id: &str| {
        certificates
            .iter()
            .find(|c| c.id_hex == id)
            .map(|c| c.private_key)
    };
    assert_eq!(presence("01"), Some(KeyPresence::Present));
    assert_eq!(
        presence("10"),
        Some(KeyPresence::Absent),
        "the CA certificate has no key"
    );

    // Selection errors.
    match session.signer(None, SignerOptions::default()) {
        Err(TokenError::CertificateAmbiguous { choices }) => {
            assert_eq!(choices.len(), 4, "{choices:?}");
            assert!(
                choices.iter().any(|c| c.starts_with("Nguyễn Văn An (01)")),
                "{choices:?}"
            );
            assert!(
                !choices.iter().any(|c| c.contains("(10)")),
                "the CA is not offered: {choices:?}"
            );
        }
        other => panic!("expected an ambiguous choice, got {other:?}"),
    }
    assert!(matches!(
        session.signer(Some("CA"), SignerOptions::default()),
        Err(TokenError::CertificateNoPrivateKey { .. })
    ));
    assert!(matches!(
        session.signer(Some("ff"), SignerOptions::default()),
        Err(TokenError::CertificateNotFound { available, .. }) if available.len() == 5
    ));

    // Every scheme, one session, one login; each signature checked here with the rsa and
    // p256/p384 crates directly, and written out for openssl.
    let write = |name: &str, signature: &[u8]| {
        std::fs::write(dir.join(format!("{name}.sig")), signature).expect("write signature")
    };
    let pss = SignerOptions {
        rsa_padding: RsaPadding::Pss,
        hash: None,
    };
    let sha512 = SignerOptions {
        rsa_padding: RsaPadding::Pkcs1v15,
        hash: Some(HashAlgorithm::Sha512),
    };

    let signer = session
        .signer(Some("01"), SignerOptions::default())
        .expect("RSA signer");
    assert_eq!(
        signer.scheme(),
        SignatureScheme::RsaPkcs1v15(HashAlgorithm::Sha256)
    );
    assert_eq!(signer.max_signature_len(), 256);
    assert_eq!(signer.mechanism_name(), "CKM_SHA256_RSA_PKCS");
    let combined = signer.sign(MESSAGE).expect("RSA PKCS#1 v1.5");
    assert_eq!(combined.len(), 256);
    rsa_key(signer.certificate_der())
        .verify(
            rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            &HashAlgorithm::Sha256.digest(MESSAGE),
            &combined,
        )
        .expect("verifies with the rsa crate");
    write("rsa-pkcs1-sha256", &combined);
    for _ in 0..3 {
        // The same signer serves a batch.
        assert_eq!(
            signer.sign(MESSAGE).expect("again"),
            combined,
            "PKCS#1 v1.5 is deterministic"
        );
    }

    let signer = session
        .signer(Some("Nguyễn Văn An"), sha512)
        .expect("RSA SHA-512 signer");
    let signature = signer.sign(MESSAGE).expect("RSA SHA-512");
    rsa_key(signer.certificate_der())
        .verify(
            rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
            &HashAlgorithm::Sha512.digest(MESSAGE),
            &signature,
        )
        .expect("SHA-512 verifies");

    let signer = session.signer(Some("01"), pss).expect("PSS signer");
    assert_eq!(signer.mechanism_name(), "CKM_RSA_PKCS_PSS");
    let signature = signer.sign(MESSAGE).expect("RSA-PSS");
    rsa_key(signer.certificate_der())
        .verify(
            rsa::Pss::<sha2::Sha256>::new_with_salt(32),
            &HashAlgorithm::Sha256.digest(MESSAGE),
            &signature,
        )
        .expect("PSS verifies");
    write("rsa-pss-sha256", &signature);

    let signer = session
        .signer(Some("02"), SignerOptions::default())
        .expect("P-256 signer");
    assert_eq!(
        signer.scheme(),
        SignatureScheme::Ecdsa(HashAlgorithm::Sha256)
    );
    assert_eq!(signer.max_signature_len(), 72);
    let signature = signer.sign(MESSAGE).expect("ECDSA P-256");
    assert!(
        signature.len() <= 72 && signature[0] == 0x30,
        "DER Ecdsa-Sig-Value"
    );
    let key = p256::ecdsa::VerifyingKey::from_public_key_der(&spki(signer.certificate_der()))
        .expect("P-256 key");
    let parsed = p256::ecdsa::Signature::from_der(&signature).expect("DER");
    key.verify_prehash(&HashAlgorithm::Sha256.digest(MESSAGE), &parsed)
        .expect("P-256 verifies");
    write("p256", &signature);

    let signer = session
        .signer(Some("03"), SignerOptions::default())
        .expect("P-384 signer");
    assert_eq!(
        signer.scheme(),
        SignatureScheme::Ecdsa(HashAlgorithm::Sha384)
    );
    let signature = signer.sign(MESSAGE).expect("ECDSA P-384");
    assert!(signature.len() <= 104);
    let key = p384::ecdsa::VerifyingKey::from_public_key_der(&spki(signer.certificate_der()))
        .expect("P-384 key");
    let parsed = p384::ecdsa::Signature::from_der(&signature).expect("DER");
    key.verify_prehash(&HashAlgorithm::Sha384.digest(MESSAGE), &parsed)
        .expect("P-384 verifies");
    write("p384", &signature);

    // A key that does not belong to its certificate: an error, never a signature.
    let signer = session
        .signer(Some("04"), SignerOptions::default())
        .expect("mismatched signer");
    assert!(matches!(
        signer.sign(MESSAGE),
        Err(TokenError::KeyCertificateMismatch)
    ));

    // The fallback for tokens without CKM_SHA256_RSA_PKCS: CKM_RSA_PKCS over a DigestInfo
    // built here gives the very same bytes.
    session.set_mechanisms_for_test(vec![MechanismType::RSA_PKCS, MechanismType::ECDSA]);
    let signer = session
        .signer(Some("01"), SignerOptions::default())
        .expect("raw RSA signer");
    assert_eq!(signer.mechanism_name(), "CKM_RSA_PKCS");
    assert_eq!(signer.sign(MESSAGE).expect("CKM_RSA_PKCS"), combined);
    assert!(matches!(
        session.signer(Some("01"), pss),
        Err(TokenError::MechanismNotSupported { .. })
    ));
}

/// Writes a certificate with `CKA_PRIVATE` on the private token, then logs out.
fn write_private_certificate(module: &Module, certificate: &Path) {
    use cryptoki::object::{Attribute, CertificateType, ObjectClass};
    let der = std::fs::read(certificate).expect("certificate");
    let parsed = x509_cert::Certificate::from_der(&der).expect("parse");
    let subject = parsed
        .tbs_certificate()
        .subject()
        .to_der()
        .expect("subject");
    let (slot, _) = inventory::find_token(module, Some(PRIVATE_TOKEN)).expect("private token");
    let session = module
        .context()
        .open_rw_session(slot)
        .expect("read-write session");
    let secret = cryptoki::types::AuthPin::from(PIN);
    session
        .login(cryptoki::session::UserType::User, Some(&secret))
        .expect("login");
    session
        .create_object(&[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Subject(subject),
            Attribute::Id(vec![0x02]),
            Attribute::Label("riêng".as_bytes().to_vec()),
            Attribute::Value(der),
        ])
        .expect("create private certificate");
    session.logout().expect("logout");
}

fn spki(certificate_der: &[u8]) -> Vec<u8> {
    let certificate = x509_cert::Certificate::from_der(certificate_der).expect("certificate");
    certificate
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .expect("SPKI")
}

fn rsa_key(certificate_der: &[u8]) -> RsaPublicKey {
    RsaPublicKey::from_public_key_der(&spki(certificate_der)).expect("RSA key")
}

fn wrong_pin(module: &Module) {
    let mut session = TokenSession::open(module, None).expect("only one token");
    assert_eq!(session.pin_status().expect("status").state, PinState::Ok);
    assert!(session.needs_pin());
    // Too short for the token's range: refused before any C_Login.
    assert!(matches!(
        session.login(Some(Pin::new("12".to_owned()))),
        Err(TokenError::PinLength { min: 4, .. })
    ));
    // No PIN and no PIN pad.
    assert!(matches!(session.login(None), Err(TokenError::PinRequired)));
    // One wrong PIN: one C_Login, and the state read after it.
    match session.login(Some(Pin::new("9999".to_owned()))) {
        Err(TokenError::PinIncorrect { status }) => {
            // SoftHSM sets CKF_USER_PIN_COUNT_LOW after a failure (it never locks).
            assert_eq!(status.state, PinState::CountLow, "{status:?}");
            let message = TokenError::PinIncorrect { status }.message();
            assert_eq!(message.code, "pin-incorrect");
            assert!(
                message.vi.contains("PIN đã nhập sai ít nhất một lần"),
                "{message}"
            );
        }
        other => panic!("expected PinIncorrect, got {other:?}"),
    }
    assert!(!session.is_logged_in());
}

fn always_authenticate(module: &Module) {
    let mut session = TokenSession::open(module, Some(TOKEN)).expect("open");
    session.login(Some(pin())).expect("login");
    let certificates = session.certificates().expect("certificates");
    assert!(certificates[0].always_authenticate, "{certificates:?}");
    let signer = session
        .signer(None, SignerOptions::default())
        .expect("the only signing certificate");
    let first = signer.sign(MESSAGE).expect("first signature");
    let second = signer.sign(MESSAGE).expect("second signature");
    assert_eq!(first, second);
}
