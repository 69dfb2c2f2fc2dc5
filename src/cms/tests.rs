//! Building and checking together: real keys from the demo PKI, OpenSSL as an independent
//! reader, and real signatures from the shared corpus.

use std::path::Path;
use std::process::Command;

use der::asn1::{BitString, GeneralizedTime};
use der::{Any, Decode, Encode};
use pkcs8::DecodePrivateKey;
use sha2::Digest;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

use super::test_support::TestSigner;
use super::*;
use crate::message::Explain;
use crate::pki::demo::{DemoIdentity, DemoOptions, DemoPki};
use crate::token::{HashAlgorithm, SignatureScheme};
use cms::content_info::ContentInfo as ContentInfoProbe;

const RSA_SHA256: SignatureScheme = SignatureScheme::RsaPkcs1v15(HashAlgorithm::Sha256);

fn pki() -> (tempfile::TempDir, DemoPki) {
    let dir = tempfile::tempdir().unwrap();
    let pki = DemoPki::generate(dir.path(), &DemoOptions::default()).unwrap();
    (dir, pki)
}

fn document_digest(hash: HashAlgorithm) -> Vec<u8> {
    algorithm::digest(hash, b"%PDF-1.7 the signed byte ranges of a document")
}

fn position(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle present")
}

#[test]
fn rsa_pkcs1_signature_builds_and_checks() {
    let (_dir, pki) = pki();
    let signer = TestSigner::new(&pki.leader, RSA_SHA256);
    let digest = document_digest(HashAlgorithm::Sha256);
    let cms = build_signed_data(&signer, &digest, &CmsOptions::default()).unwrap();
    assert_eq!(signer.calls.get(), 1, "the token is asked exactly once");

    let summary = check_signed_data(&cms, &digest).unwrap();
    assert_eq!(
        summary.certificate.common_name.as_deref(),
        Some("Nguyễn Văn An")
    );
    assert_eq!(summary.scheme, RSA_SHA256);
    assert_eq!(summary.digest_algorithm, HashAlgorithm::Sha256);
    assert_eq!(summary.signing_certificate, SigningCertificateBinding::V2);
    assert!(!summary.indefinite_lengths);
    // content-type, message-digest, signing-certificate-v2 — and no signing-time.
    let mut types: Vec<String> = summary
        .signed_attributes
        .iter()
        .map(|o| o.to_string())
        .collect();
    types.sort();
    assert_eq!(
        types,
        [
            "1.2.840.113549.1.9.16.2.47",
            "1.2.840.113549.1.9.3",
            "1.2.840.113549.1.9.4"
        ]
    );
    assert!(summary.unsigned_attributes.is_empty());
    // Signer, issuing CA and root, each exactly as given.
    let mut certificates = summary.certificates_der.clone();
    certificates.sort();
    let mut expected = vec![
        pki.leader.certificate_der.clone(),
        pki.issuing_ca.certificate_der.clone(),
        pki.root.certificate_der.clone(),
    ];
    expected.sort();
    assert_eq!(certificates, expected);
    // Trailing zeros (the rest of a /Contents placeholder) are accepted.
    let mut padded = cms.clone();
    padded.extend([0u8; 100]);
    check_signed_data(&padded, &digest).unwrap();
}

#[test]
fn every_scheme_and_hash_round_trips() {
    let (_dir, pki) = pki();
    let cases = [
        (
            &pki.leader,
            SignatureScheme::RsaPkcs1v15(HashAlgorithm::Sha384),
        ),
        (
            &pki.leader,
            SignatureScheme::RsaPkcs1v15(HashAlgorithm::Sha512),
        ),
        (
            &pki.organisation,
            SignatureScheme::RsaPss(HashAlgorithm::Sha256),
        ),
        (
            &pki.organisation,
            SignatureScheme::RsaPss(HashAlgorithm::Sha512),
        ),
        (
            &pki.ec_person,
            SignatureScheme::Ecdsa(HashAlgorithm::Sha256),
        ),
        (
            &pki.ec_person,
            SignatureScheme::Ecdsa(HashAlgorithm::Sha384),
        ),
        (
            &pki.ocsp_responder,
            SignatureScheme::Ecdsa(HashAlgorithm::Sha512),
        ),
    ];
    for (identity, scheme) in cases {
        let signer = TestSigner::new(identity, scheme);
        let digest = document_digest(scheme.hash());
        let cms = build_signed_data(&signer, &digest, &CmsOptions::default()).unwrap();
        let summary =
            check_signed_data(&cms, &digest).unwrap_or_else(|e| panic!("{scheme:?}: {e}"));
        assert_eq!(summary.scheme, scheme);
        assert_eq!(summary.digest_algorithm, scheme.hash());
    }
    // A P-384 key (certified like a token key) with SHA-384.
    let key = crate::pki::keygen::GeneratedKey::generate(crate::pki::keygen::KeyAlgorithm::EcP384)
        .unwrap();
    let spec = crate::pki::demo::leader_spec_for_key(
        time::OffsetDateTime::now_utc(),
        key.spki_der().to_vec(),
    );
    let certificate = pki.issuing_authority().issue(&spec).unwrap();
    let scheme = SignatureScheme::Ecdsa(HashAlgorithm::Sha384);
    let signer = TestSigner::from_parts(
        key.pkcs8_der(),
        certificate,
        pki.leader.chain_der.clone(),
        scheme,
    );
    let digest = document_digest(HashAlgorithm::Sha384);
    let cms = build_signed_data(&signer, &digest, &CmsOptions::default()).unwrap();
    assert_eq!(
        check_signed_data(&cms, &digest)
            .unwrap()
            .certificate
            .key_description(),
        "ECDSA P-384"
    );
}

#[test]
fn flipped_signature_byte_is_an_invalid_signature() {
    let (_dir, pki) = pki();
    let digest = document_digest(HashAlgorithm::Sha256);
    for (identity, scheme) in [
        (&pki.leader, RSA_SHA256),
        (
            &pki.ec_person,
            SignatureScheme::Ecdsa(HashAlgorithm::Sha256),
        ),
    ] {
        let cms = build_signed_data(
            &TestSigner::new(identity, scheme),
            &digest,
            &CmsOptions::default(),
        )
        .unwrap();
        let value = check_signed_data(&cms, &digest).unwrap().signature_value;
        let mut tampered = cms.clone();
        tampered[position(&cms, &value) + value.len() / 2] ^= 0x01;
        let err = check_signed_data(&tampered, &digest).unwrap_err();
        assert!(
            matches!(err, CmsError::SignatureInvalid),
            "{scheme:?}: {err}"
        );
        assert_eq!(err.message().code, "cms-signature-invalid");
    }
}

#[test]
fn changed_document_or_digest_attribute_is_a_digest_mismatch() {
    let (_dir, pki) = pki();
    let digest = document_digest(HashAlgorithm::Sha256);
    let cms = build_signed_data(
        &TestSigner::new(&pki.leader, RSA_SHA256),
        &digest,
        &CmsOptions::default(),
    )
    .unwrap();

    // The document changed: its digest is another one.
    let other = algorithm::digest(HashAlgorithm::Sha256, b"another document");
    let err = check_signed_data(&cms, &other).unwrap_err();
    assert!(matches!(err, CmsError::MessageDigestMismatch), "{err}");
    assert!(err.message().vi.starts_with("Tài liệu đã bị thay đổi"));

    // The message-digest attribute was edited inside the CMS.
    let mut tampered = cms.clone();
    tampered[position(&cms, &digest) + 3] ^= 0x80;
    let err = check_signed_data(&tampered, &digest).unwrap_err();
    assert!(matches!(err, CmsError::MessageDigestMismatch), "{err}");
}

#[test]
fn reordered_signed_attributes_do_not_verify_although_they_decode_to_the_same() {
    let (_dir, pki) = pki();
    let digest = document_digest(HashAlgorithm::Sha256);
    let cms = build_signed_data(
        &TestSigner::new(&pki.leader, RSA_SHA256),
        &digest,
        &CmsOptions::default(),
    )
    .unwrap();
    let parsed = raw::signed_data(&cms).unwrap();
    let signed = parsed.signer_infos[0].signed_attributes.unwrap();
    let start = signed.as_ptr() as usize - cms.as_ptr() as usize;
    let (outer, _) = raw::read_tlv(signed, 0).unwrap();
    let attributes = raw::children(outer.content, 0).unwrap();
    assert_eq!(attributes.len(), 3);
    // Same attributes, reversed: still a valid BER SET, same length, not DER order.
    let mut reordered: Vec<u8> = signed[..signed.len() - outer.content.len()].to_vec();
    for attribute in attributes.iter().rev() {
        reordered.extend_from_slice(attribute.whole);
    }
    assert_eq!(reordered.len(), signed.len());
    assert_ne!(reordered, signed);
    let mut tampered = cms.clone();
    tampered[start..start + signed.len()].copy_from_slice(&reordered);

    // The trap: decoding sorts the SET silently, so a re-encoding gives back the signed bytes
    // and a checker that re-encodes would say "valid".
    let info_whole = raw::signed_data(&tampered).unwrap().signer_infos[0].whole;
    let decoded = cms::signed_data::SignerInfo::from_der(info_whole).unwrap();
    let mut reencoded = decoded.signed_attrs.unwrap().to_der().unwrap();
    reencoded[0] = 0xa0;
    assert_eq!(reencoded, signed);

    let err = check_signed_data(&tampered, &digest).unwrap_err();
    assert!(matches!(err, CmsError::SignatureInvalid), "{err}");
}

/// A twin of `identity`'s certificate whose validity is GeneralizedTime before 2050 (as some
/// real CAs write it), signed by `issuer`. x509-cert re-encodes such dates as UTCTime.
fn generalized_time_twin(identity: &DemoIdentity, issuer: &DemoIdentity) -> Vec<u8> {
    let parts = Vec::<Any>::from_der(&identity.certificate_der).unwrap();
    let mut tbs = parts[0].decode_as::<Vec<Any>>().unwrap();
    let at = |secs: u64| {
        Any::encode_from(
            &GeneralizedTime::from_unix_duration(std::time::Duration::from_secs(secs)).unwrap(),
        )
        .unwrap()
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as u64;
    // [0] version, serial, signature, issuer, validity, …
    tbs[4] = Any::encode_from(&vec![at(now - 86_400), at(now + 365 * 86_400)]).unwrap();
    let tbs_der = tbs.to_der().unwrap();
    let key = rsa::RsaPrivateKey::from_pkcs8_der(&issuer.key_pkcs8_der).unwrap();
    let signature = key
        .sign(
            rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            &sha2::Sha256::digest(&tbs_der),
        )
        .unwrap();
    vec![
        Any::from_der(&tbs_der).unwrap(),
        parts[1].clone(),
        Any::encode_from(&BitString::from_bytes(&signature).unwrap()).unwrap(),
    ]
    .to_der()
    .unwrap()
}

fn openssl(args: &[&str], dir: &Path) -> (bool, String) {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
    )
}

#[test]
fn certificates_stay_byte_identical_when_a_reencoding_would_differ() {
    let (dir, pki) = pki();
    let twin = generalized_time_twin(&pki.leader, &pki.issuing_ca);
    // The twin is a real certificate of the issuing CA…
    std::fs::write(dir.path().join("twin.der"), &twin).unwrap();
    let (ok, out) = openssl(
        &[
            "x509", "-inform", "DER", "-in", "twin.der", "-out", "twin.pem",
        ],
        dir.path(),
    );
    assert!(ok, "{out}");
    let (ok, out) = openssl(
        &[
            "verify",
            "-CAfile",
            "root-ca.crt.pem",
            "-untrusted",
            "issuing-ca.crt.pem",
            "twin.pem",
        ],
        dir.path(),
    );
    assert!(ok, "{out}");
    // …that x509-cert does not re-encode byte for byte.
    assert_ne!(
        Certificate::from_der(&twin).unwrap().to_der().unwrap(),
        twin
    );

    let signer = TestSigner::with_certificate(&pki.leader, twin.clone(), RSA_SHA256);
    let digest = document_digest(HashAlgorithm::Sha256);
    let cms = build_signed_data(&signer, &digest, &CmsOptions::default()).unwrap();
    position(&cms, &twin);
    let summary = check_signed_data(&cms, &digest).unwrap();
    assert_eq!(summary.certificate.der, twin);
    assert!(summary.certificates_der.contains(&twin));
    // signing-certificate-v2 hashes the original bytes.
    assert_eq!(summary.signing_certificate, SigningCertificateBinding::V2);
}

#[test]
fn openssl_reads_and_verifies_what_we_build() {
    let (dir, pki) = pki();
    let document = b"%PDF-1.7\n... the two byte ranges of a PDF, as one detached content ...\n";
    std::fs::write(dir.path().join("content.bin"), document).unwrap();
    for (identity, scheme) in [
        (&pki.leader, RSA_SHA256),
        (
            &pki.organisation,
            SignatureScheme::RsaPss(HashAlgorithm::Sha256),
        ),
        (
            &pki.ec_person,
            SignatureScheme::Ecdsa(HashAlgorithm::Sha256),
        ),
    ] {
        let digest = algorithm::digest(HashAlgorithm::Sha256, document);
        let cms = build_signed_data(
            &TestSigner::new(identity, scheme),
            &digest,
            &CmsOptions::default(),
        )
        .unwrap();
        std::fs::write(dir.path().join("sig.der"), &cms).unwrap();
        let (ok, out) = openssl(
            &[
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                "sig.der",
                "-content",
                "content.bin",
                "-CAfile",
                "root-ca.crt.pem",
                "-purpose",
                "any",
                "-out",
                "/dev/null",
            ],
            dir.path(),
        );
        assert!(
            ok && out.contains("Verification successful"),
            "{scheme:?}: {out}"
        );
        let (ok, printed) = openssl(
            &[
                "cms", "-cmsout", "-print", "-inform", "DER", "-in", "sig.der",
            ],
            dir.path(),
        );
        assert!(ok, "{printed}");
        assert!(
            printed.contains("id-smime-aa-signingCertificateV2"),
            "{printed}"
        );
        assert!(!printed.contains("signingTime"), "{printed}");
        assert!(printed.contains("eContent: <ABSENT>"), "{printed}");
    }
    // A changed document fails in OpenSSL too.
    std::fs::write(dir.path().join("content.bin"), b"changed").unwrap();
    let (ok, _) = openssl(
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "sig.der",
            "-content",
            "content.bin",
            "-noverify",
        ],
        dir.path(),
    );
    assert!(!ok);
}

#[test]
fn token_failure_comes_back_as_the_token_error() {
    let (_dir, pki) = pki();
    let mut signer = TestSigner::new(&pki.leader, RSA_SHA256);
    signer.fail = true;
    let err = build_signed_data(
        &signer,
        &document_digest(HashAlgorithm::Sha256),
        &CmsOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, CmsError::Signer(crate::token::TokenError::Device { ckr, .. }) if ckr == "CKR_DEVICE_ERROR"),
        "{err:?}"
    );
    assert_eq!(signer.calls.get(), 1, "never retried");
}

#[test]
fn wrong_digest_length_is_refused_before_the_token_is_asked() {
    let (_dir, pki) = pki();
    let signer = TestSigner::new(
        &pki.leader,
        SignatureScheme::RsaPkcs1v15(HashAlgorithm::Sha384),
    );
    let err = build_signed_data(&signer, &[0u8; 32], &CmsOptions::default()).unwrap_err();
    assert!(matches!(
        err,
        CmsError::DigestLength {
            expected: 48,
            actual: 32
        }
    ));
    assert_eq!(signer.calls.get(), 0);
}

#[test]
fn estimate_is_an_upper_bound_without_touching_the_token() {
    let (_dir, pki) = pki();
    for (identity, scheme) in [
        (&pki.leader, RSA_SHA256),
        (&pki.weak_rsa, RSA_SHA256),
        (
            &pki.ec_person,
            SignatureScheme::Ecdsa(HashAlgorithm::Sha256),
        ),
        (
            &pki.organisation,
            SignatureScheme::RsaPss(HashAlgorithm::Sha512),
        ),
    ] {
        let signer = TestSigner::new(identity, scheme);
        let estimate = estimate_signed_data_len(&signer, &CmsOptions::default()).unwrap();
        assert_eq!(signer.calls.get(), 0);
        for _ in 0..5 {
            let digest = document_digest(scheme.hash());
            let len = build_signed_data(&signer, &digest, &CmsOptions::default())
                .unwrap()
                .len();
            assert!(len <= estimate, "{scheme:?}: {len} > {estimate}");
            assert!(
                estimate - len <= 8,
                "{scheme:?}: estimate {estimate} far above {len}"
            );
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("time-stamp authority unreachable")]
struct TsaDown;

impl Explain for TsaDown {
    fn message(&self) -> crate::message::Message {
        crate::message::Message::new(
            "tsa-unreachable",
            "Không kết nối được máy chủ cấp dấu thời gian",
            "The TSA is unreachable",
        )
    }
}

#[test]
fn unsigned_attribute_hook_sees_the_signature_value() {
    let (_dir, pki) = pki();
    let signer = TestSigner::new(&pki.leader, RSA_SHA256);
    let digest = document_digest(HashAlgorithm::Sha256);
    let seen = std::cell::RefCell::new(Vec::new());
    let token_oid = const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");
    let hook = |signature: &[u8]| -> Result<Vec<Attribute>, Box<dyn AttributeSourceError>> {
        *seen.borrow_mut() = signature.to_vec();
        let mut values = der::asn1::SetOfVec::new();
        values
            .insert(
                Any::encode_from(
                    &der::asn1::OctetString::new(b"a time-stamp token".to_vec()).unwrap(),
                )
                .unwrap(),
            )
            .unwrap();
        Ok(vec![Attribute {
            oid: token_oid,
            values,
        }])
    };
    let options = CmsOptions {
        unsigned_attributes: Some(&hook),
        unsigned_attributes_reserve: 64,
        max_len: None,
    };
    let estimate = estimate_signed_data_len(&signer, &options).unwrap();
    assert!(
        seen.borrow().is_empty(),
        "the dry run does not call the hook"
    );
    let cms = build_signed_data(&signer, &digest, &options).unwrap();
    assert!(cms.len() <= estimate);
    let summary = check_signed_data(&cms, &digest).unwrap();
    assert_eq!(*seen.borrow(), summary.signature_value);
    assert_eq!(summary.unsigned_attributes.len(), 1);
    assert_eq!(summary.unsigned_attributes[0].oid, token_oid);

    let failing = |_: &[u8]| -> Result<Vec<Attribute>, Box<dyn AttributeSourceError>> {
        Err(Box::new(TsaDown))
    };
    let options = CmsOptions {
        unsigned_attributes: Some(&failing),
        ..CmsOptions::default()
    };
    let err = build_signed_data(&signer, &digest, &options).unwrap_err();
    assert!(matches!(err, CmsError::UnsignedAttributes(_)));
    assert_eq!(err.message().code, "tsa-unreachable");
}

#[test]
fn too_large_for_the_placeholder_is_cms_too_large() {
    let (_dir, pki) = pki();
    let signer = TestSigner::new(&pki.leader, RSA_SHA256);
    let options = CmsOptions {
        max_len: Some(1000),
        ..CmsOptions::default()
    };
    let err =
        build_signed_data(&signer, &document_digest(HashAlgorithm::Sha256), &options).unwrap_err();
    assert!(matches!(err, CmsError::TooLarge { max: 1000, .. }));
    assert_eq!(err.message().code, "cms-too-large");
}

#[test]
fn garbage_and_non_signed_data_are_typed_errors() {
    let digest = document_digest(HashAlgorithm::Sha256);
    assert!(matches!(
        check_signed_data(b"not a cms", &digest),
        Err(CmsError::Malformed { .. })
    ));
    // ContentInfo { id-data, [0] { OCTET STRING } }
    let data = hex::decode("301406092a864886f70d010701a007040568656c6c6f").unwrap();
    assert!(matches!(
        check_signed_data(&data, &digest),
        Err(CmsError::NotSignedData { .. })
    ));
}

// --- Real signatures from other producers (shared corpus) ---

/// The shared corpus sits beside the repository (`../shared/`), on developer machines and in CI.
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/pdfs");

/// Each signature of a PDF: the CMS from `/Contents` and the digest of its byte ranges.
fn signatures(file: &str, hash: HashAlgorithm) -> Vec<(Vec<u8>, Vec<u8>)> {
    let pdf = std::fs::read(Path::new(CORPUS).join(file)).unwrap();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = pdf[from..].windows(10).position(|w| w == b"/ByteRange") {
        let at = from + found + 10;
        from = at;
        let text: String = pdf[at..].iter().take(80).map(|&b| b as char).collect();
        let inside = text.trim_start().trim_start_matches('[');
        let numbers: Vec<usize> = inside
            .split(']')
            .next()
            .unwrap()
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect();
        let [a, b, c, d] = numbers[..] else {
            panic!("{file}: ByteRange {numbers:?}")
        };
        let hex_text: String = pdf[a + b..c]
            .iter()
            .map(|&b| b as char)
            .filter(|c| c.is_ascii_hexdigit())
            .collect();
        let cms = hex::decode(hex_text).unwrap();
        let mut signed = pdf[a..a + b].to_vec();
        signed.extend_from_slice(&pdf[c..c + d]);
        out.push((cms, algorithm::digest(hash, &signed)));
    }
    out
}

#[test]
fn corpus_signatures_from_pyhanko_and_itext_verify() {
    // pyHanko: ESS signing-certificate v1 only, certificates with GeneralizedTime validity.
    let [(cms, digest)] = &signatures(
        "pyhanko_pades-with-old-style-signing-cert-attr-issser.pdf",
        HashAlgorithm::Sha256,
    )[..] else {
        panic!("one signature expected")
    };
    let summary = check_signed_data(cms, digest).unwrap();
    assert_eq!(
        summary.signing_certificate,
        SigningCertificateBinding::V1Only
    );
    for certificate in &summary.certificates_der {
        position(cms, certificate);
    }
    assert!(
        summary
            .certificates_der
            .iter()
            .any(|c| Certificate::from_der(c).unwrap().to_der().unwrap() != *c),
        "this file's certificates do not survive re-encoding, which is why raw bytes are kept"
    );

    for (file, scheme) in [
        ("itext_pades_B-B.pdf", RSA_SHA256),
        ("itext_svi_validDoc.pdf", RSA_SHA256),
        (
            "itext_ext_sample-nistp256-sha256.pdf",
            SignatureScheme::Ecdsa(HashAlgorithm::Sha256),
        ),
        (
            "itext_pss_cmp_simplePssSignature.pdf",
            SignatureScheme::RsaPss(HashAlgorithm::Sha256),
        ),
    ] {
        for (cms, digest) in signatures(file, scheme.hash()) {
            let summary =
                check_signed_data(&cms, &digest).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(summary.scheme, scheme, "{file}");
        }
    }
}

#[test]
fn corpus_signatures_we_must_not_accept() {
    // RSASSA-PSS whose MGF1 hash differs from the signature hash.
    let [(cms, digest)] = &signatures("itext_pss_mgfDiscrepancy.pdf", HashAlgorithm::Sha256)[..]
    else {
        panic!()
    };
    assert!(matches!(
        check_signed_data(cms, digest),
        Err(CmsError::UnsupportedAlgorithm { .. })
    ));
    // SHA-384 message digest with sha256WithRSAEncryption (pyHanko and pdfsig also refuse).
    let [(cms, digest)] = &signatures(
        "itext_svi_revDataInTheSignatureContainer.pdf",
        HashAlgorithm::Sha384,
    )[..] else {
        panic!()
    };
    assert!(matches!(
        check_signed_data(cms, digest),
        Err(CmsError::AlgorithmMismatch { .. })
    ));
    // SHA3-224 with RSA, BER-encoded: read through, then refused for the algorithm.
    let [(cms, digest)] = &signatures(
        "dss_dss-1420_PAdES-BpB-att-SHA256-SHA3_224withRSA.pdf",
        HashAlgorithm::Sha256,
    )[..] else {
        panic!()
    };
    assert!(raw::signed_data(cms).unwrap().indefinite_lengths);
    let unpadded = raw::read_tlv(cms, 0).unwrap().0.whole;
    assert!(
        ContentInfoProbe::from_der(unpadded).is_err()
            && ContentInfoProbe::from_ber(unpadded).is_ok()
    );
    assert!(matches!(
        check_signed_data(cms, digest),
        Err(CmsError::UnsupportedAlgorithm { .. })
    ));
}
