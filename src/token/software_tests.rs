//! Software keys made by the `openssl` command line, the way people export them, opened and
//! used to sign; signatures checked by `openssl dgst -verify` as well as in-process.

use std::path::Path;
use std::process::Command;

use super::*;

const PASSWORD: &str = "mật khẩu 123";
const MESSAGE: &[u8] = "Công văn số 45/CV-STTTT".as_bytes();

fn openssl(args: &[&str], dir: &Path) {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A CA and a signer certificate it issued, with PEM files `ca.crt`, `NAME.key`, `NAME.crt`.
fn issue(dir: &Path, name: &str, newkey: &[&str]) {
    if !dir.join("ca.crt").exists() {
        openssl(
            &[
                "req",
                "-x509",
                "-nodes",
                "-newkey",
                "rsa:2048",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-days",
                "30",
                "-utf8",
                "-subj",
                "/C=VN/O=Ban Cơ yếu Chính phủ/CN=CA thử nghiệm",
            ],
            dir,
        );
    }
    let key = format!("{name}.key");
    let mut args = vec![
        "req",
        "-nodes",
        "-keyout",
        &key,
        "-out",
        "req.csr",
        "-utf8",
        "-subj",
        "/C=VN/CN=Nguyễn Văn An",
    ];
    args.extend_from_slice(newkey);
    openssl(&args, dir);
    openssl(
        &[
            "x509",
            "-req",
            "-in",
            "req.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-out",
            &format!("{name}.crt"),
        ],
        dir,
    );
}

fn export_p12(dir: &Path, name: &str, extra: &[&str]) -> Vec<u8> {
    let pass = format!("pass:{PASSWORD}");
    let (key, crt, out) = (
        format!("{name}.key"),
        format!("{name}.crt"),
        format!("{name}.p12"),
    );
    let mut args = vec![
        "pkcs12",
        "-export",
        "-inkey",
        &key,
        "-in",
        &crt,
        "-certfile",
        "ca.crt",
        "-out",
        &out,
        "-passout",
        &pass,
    ];
    args.extend_from_slice(extra);
    openssl(&args, dir);
    std::fs::read(dir.join(out)).expect("p12")
}

fn password() -> Pin {
    Pin::new(PASSWORD.to_owned())
}

/// Writes the signature and checks it with `openssl dgst` against the certificate's key.
fn openssl_verifies(dir: &Path, name: &str, signature: &[u8], digest: &str, extra: &[&str]) {
    std::fs::write(dir.join("message.bin"), MESSAGE).expect("message");
    std::fs::write(dir.join(format!("{name}.sig")), signature).expect("signature");
    openssl(
        &[
            "x509",
            "-in",
            &format!("{name}.crt"),
            "-pubkey",
            "-noout",
            "-out",
            &format!("{name}.pub"),
        ],
        dir,
    );
    let (public, sig) = (format!("{name}.pub"), format!("{name}.sig"));
    let mut args = vec!["dgst", digest, "-verify", &public, "-signature", &sig];
    args.extend_from_slice(extra);
    args.push("message.bin");
    openssl(&args, dir);
}

#[test]
fn openssl3_default_pkcs12_loads_and_signs_rsa_pkcs1_and_pss() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let dir = dir.path();
    issue(dir, "rsa", &["-newkey", "rsa:2048"]);
    let p12 = export_p12(dir, "rsa", &[]);

    let signer = SoftwareSigner::from_pkcs12(&p12, &password(), SignerOptions::default())
        .expect("default p12");
    assert_eq!(
        signer.scheme(),
        SignatureScheme::RsaPkcs1v15(HashAlgorithm::Sha256)
    );
    assert_eq!(signer.max_signature_len(), 256);
    let leaf =
        crate::pki::CertificateInfo::from_der(signer.certificate_der()).expect("certificate");
    assert_eq!(leaf.common_name.as_deref(), Some("Nguyễn Văn An"));
    assert_eq!(signer.chain_der().len(), 1, "the CA travels as the chain");
    let ca = crate::pki::CertificateInfo::from_der(&signer.chain_der()[0]).expect("CA");
    assert_eq!(ca.common_name.as_deref(), Some("CA thử nghiệm"));
    let signature = signer.sign(MESSAGE).expect("PKCS#1 v1.5");
    openssl_verifies(dir, "rsa", &signature, "-sha256", &[]);

    let pss = SignerOptions {
        rsa_padding: RsaPadding::Pss,
        hash: Some(HashAlgorithm::Sha384),
    };
    let path = dir.join("rsa.p12");
    let signer = SoftwareSigner::from_pkcs12_file(&path, &password(), pss).expect("p12 file");
    let signature = signer.sign(MESSAGE).expect("PSS");
    openssl_verifies(
        dir,
        "rsa",
        &signature,
        "-sha384",
        &[
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:48",
        ],
    );
    assert_ne!(
        signer.sign(MESSAGE).expect("PSS again"),
        signature,
        "PSS is randomised"
    );
}

#[test]
fn ec_keys_sign_ecdsa_with_the_matching_hash() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let dir = dir.path();
    for (name, curve, digest, max) in [
        ("p256", "P-256", "-sha256", 72),
        ("p384", "P-384", "-sha384", 104),
    ] {
        issue(
            dir,
            name,
            &[
                "-newkey",
                "ec",
                "-pkeyopt",
                &format!("ec_paramgen_curve:{curve}"),
            ],
        );
        let p12 = export_p12(dir, name, &[]);
        let signer = SoftwareSigner::from_pkcs12(&p12, &password(), SignerOptions::default())
            .expect("EC p12");
        assert_eq!(signer.max_signature_len(), max);
        let signature = signer.sign(MESSAGE).expect("ECDSA");
        assert!(signature.len() <= max && signature[0] == 0x30);
        openssl_verifies(dir, name, &signature, digest, &[]);
    }
}

#[test]
fn legacy_pkcs12_files_load() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let dir = dir.path();
    issue(dir, "rsa", &["-newkey", "rsa:2048"]);
    // 3DES for both bags with a SHA-1 MAC: what OpenSSL 1.x and Windows wrote for years.
    let triple_des = export_p12(
        dir,
        "rsa",
        &[
            "-keypbe",
            "PBE-SHA1-3DES",
            "-certpbe",
            "PBE-SHA1-3DES",
            "-macalg",
            "sha1",
        ],
    );
    let signer = SoftwareSigner::from_pkcs12(&triple_des, &password(), SignerOptions::default())
        .expect("3DES p12");
    openssl_verifies(
        dir,
        "rsa",
        &signer.sign(MESSAGE).expect("sign"),
        "-sha256",
        &[],
    );
    // OpenSSL's -legacy: certificates under 40-bit RC2.
    let legacy = Command::new("openssl")
        .args([
            "pkcs12",
            "-export",
            "-legacy",
            "-inkey",
            "rsa.key",
            "-in",
            "rsa.crt",
            "-out",
            "legacy.p12",
        ])
        .arg("-passout")
        .arg(format!("pass:{PASSWORD}"))
        .current_dir(dir)
        .status()
        .expect("openssl");
    if legacy.success() {
        let bytes = std::fs::read(dir.join("legacy.p12")).expect("legacy p12");
        SoftwareSigner::from_pkcs12(&bytes, &password(), SignerOptions::default())
            .expect("RC2-40 p12");
    } else {
        eprintln!("skipped RC2: this openssl has no legacy provider");
    }
}

#[test]
fn wrong_passwords_and_bad_files_are_typed_errors() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let dir = dir.path();
    issue(dir, "rsa", &["-newkey", "rsa:2048"]);
    let p12 = export_p12(dir, "rsa", &[]);
    let wrong = Pin::new("sai mật khẩu".to_owned());
    let err = SoftwareSigner::from_pkcs12(&p12, &wrong, SignerOptions::default()).unwrap_err();
    assert!(matches!(err, TokenError::SoftwareKeyPassword), "{err:?}");
    assert_eq!(
        crate::message::Explain::message(&err).code,
        "software-key-password"
    );

    // Without a MAC, the wrong password shows when decrypting.
    let no_mac = export_p12(dir, "rsa", &["-nomac"]);
    let err = SoftwareSigner::from_pkcs12(&no_mac, &wrong, SignerOptions::default()).unwrap_err();
    assert!(matches!(err, TokenError::SoftwareKeyPassword), "{err:?}");
    SoftwareSigner::from_pkcs12(&no_mac, &password(), SignerOptions::default())
        .expect("right password");

    let err = SoftwareSigner::from_pkcs12_file(
        &dir.join("absent.p12"),
        &password(),
        SignerOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, TokenError::SoftwareKeyUnreadable { .. }),
        "{err:?}"
    );
    let mut truncated = p12.clone();
    truncated.truncate(p12.len() / 2);
    let err =
        SoftwareSigner::from_pkcs12(&truncated, &password(), SignerOptions::default()).unwrap_err();
    assert!(
        matches!(err, TokenError::SoftwareKeyFormat { .. }),
        "{err:?}"
    );
}

#[test]
fn pem_keys_with_chains_plain_and_encrypted() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let dir = dir.path();
    issue(dir, "rsa", &["-newkey", "rsa:2048"]);
    issue(
        dir,
        "other",
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
    );
    let chain = [
        std::fs::read_to_string(dir.join("rsa.crt")).unwrap(),
        std::fs::read_to_string(dir.join("ca.crt")).unwrap(),
    ]
    .concat();
    std::fs::write(dir.join("chain.pem"), &chain).expect("chain");

    let signer = SoftwareSigner::from_pem_files(
        &dir.join("rsa.key"),
        &dir.join("chain.pem"),
        None,
        SignerOptions::default(),
    )
    .expect("PKCS#8 PEM");
    assert_eq!(signer.chain_der().len(), 1);
    assert_eq!(
        signer.certificate_der(),
        &*pem_der(&dir.join("rsa.crt")),
        "the certificate is kept byte for byte"
    );
    openssl_verifies(
        dir,
        "rsa",
        &signer.sign(MESSAGE).expect("sign"),
        "-sha256",
        &[],
    );

    openssl(
        &[
            "pkcs8",
            "-topk8",
            "-in",
            "rsa.key",
            "-out",
            "rsa.enc.key",
            "-v2",
            "aes-256-cbc",
            "-passout",
            &format!("pass:{PASSWORD}"),
        ],
        dir,
    );
    let encrypted = std::fs::read_to_string(dir.join("rsa.enc.key")).unwrap();
    assert!(encrypted.contains("ENCRYPTED PRIVATE KEY"));
    SoftwareSigner::from_pem(
        &encrypted,
        &chain,
        Some(&password()),
        SignerOptions::default(),
    )
    .expect("encrypted PKCS#8");
    let err = SoftwareSigner::from_pem(
        &encrypted,
        &chain,
        Some(&Pin::new("x".into())),
        SignerOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(err, TokenError::SoftwareKeyPassword), "{err:?}");

    // A key next to certificates that are not its own.
    let other_key = std::fs::read_to_string(dir.join("other.key")).unwrap();
    let err =
        SoftwareSigner::from_pem(&other_key, &chain, None, SignerOptions::default()).unwrap_err();
    assert!(matches!(err, TokenError::KeyCertificateMismatch), "{err:?}");
}

fn pem_der(path: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(path).expect("pem");
    der::pem::decode_vec(text.trim().as_bytes())
        .expect("decode")
        .1
}
