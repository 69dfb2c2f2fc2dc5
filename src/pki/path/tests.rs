//! Path building and validation against the demo PKI, certificates made by OpenSSL, crafted
//! certificate sets, and the shipped Vietnamese CAs.

use std::process::Command;
use std::sync::OnceLock;

use const_oid::ObjectIdentifier;
use der::asn1::OctetString;
use time::{Duration, OffsetDateTime};
use x509_cert::ext::Extension;

use super::*;
use crate::pki::demo::{DemoOptions, DemoPki};
use crate::pki::issue::{CertificateAuthority, CertificateSpec, SubjectName};
use crate::pki::keygen::{GeneratedKey, KeyAlgorithm};
use crate::pki::trust::TrustStore;

/// One demo PKI for all tests of this module (RSA key generation dominates the time). The
/// folder it was written to is removed at once: the tests use the DER in memory.
pub(crate) fn pki() -> &'static DemoPki {
    static PKI: OnceLock<DemoPki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        DemoPki::generate(dir.path(), &DemoOptions::default()).unwrap()
    })
}

/// A store that trusts the demo root.
pub(crate) fn demo_store() -> TrustStore {
    let mut store = TrustStore::empty();
    store
        .add_anchor_pem_or_der(&pki().root.certificate_der)
        .unwrap();
    store
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn codes(facts: &PathFacts) -> Vec<&str> {
    facts.findings.iter().map(|f| f.code.as_str()).collect()
}

fn validate(target: &[u8], pool: &[Vec<u8>], store: &TrustStore, at: OffsetDateTime) -> PathFacts {
    build_and_validate(target, pool, store, at, Purpose::DocumentSigning)
}

#[test]
fn demo_leader_chains_to_a_user_added_root() {
    let pki = pki();
    let pool = vec![pki.issuing_ca.certificate_der.clone()];
    let facts = validate(&pki.leader.certificate_der, &pool, &demo_store(), now());
    assert_eq!(facts.status, PathStatus::Trusted, "{:?}", facts.findings);
    assert!(facts.findings.is_empty(), "{:?}", facts.findings);
    let subjects: Vec<_> = facts
        .chain
        .iter()
        .map(|c| c.common_name.clone().unwrap())
        .collect();
    assert_eq!(
        subjects,
        [
            "Nguyễn Văn An",
            "Kyso Test Issuing CA G2",
            "Kyso Test Root CA G2"
        ]
    );
    let anchor = facts.anchor.unwrap();
    assert_eq!(anchor.family, CaFamily::UserAdded);
    assert!(anchor.subject.starts_with("CN=Kyso Test Root CA G2"));
    assert_eq!(facts.missing_issuer, None);

    // The EC signer, and the root itself in the pool: nothing changes.
    let pool = vec![
        pki.root.certificate_der.clone(),
        pki.issuing_ca.certificate_der.clone(),
    ];
    let facts = validate(&pki.ec_person.certificate_der, &pool, &demo_store(), now());
    assert_eq!(facts.status, PathStatus::Trusted, "{:?}", facts.findings);
    assert_eq!(facts.chain.len(), 3);
}

#[test]
fn missing_intermediate_names_the_issuer() {
    let pki = pki();
    let facts = validate(&pki.leader.certificate_der, &[], &demo_store(), now());
    assert_eq!(facts.status, PathStatus::Untrusted);
    assert_eq!(
        facts.sub_indication(),
        Some(SubIndication::NoCertificateChainFound)
    );
    let issuer = facts.missing_issuer.as_deref().unwrap();
    assert!(issuer.starts_with("CN=Kyso Test Issuing CA G2"), "{issuer}");
    let first = &facts.findings[0];
    assert_eq!(first.code, "path-issuer-missing");
    assert_eq!(
        first.message.vi,
        "Không dựng được đường dẫn chứng thực: thiếu chứng thư của Kyso Test Issuing CA G2"
    );
    assert_eq!(
        first.message.en,
        "Cannot build the certification path: the certificate of Kyso Test Issuing CA G2 is missing"
    );
    assert_eq!(facts.chain.len(), 1);
    assert!(facts.anchor.is_none());
}

#[test]
fn untrusted_root_is_said_plainly() {
    let pki = pki();
    let pool = vec![
        pki.issuing_ca.certificate_der.clone(),
        pki.root.certificate_der.clone(),
    ];
    let facts = validate(
        &pki.leader.certificate_der,
        &pool,
        &TrustStore::empty(),
        now(),
    );
    assert_eq!(facts.status, PathStatus::Untrusted);
    assert_eq!(codes(&facts), ["path-root-not-trusted"]);
    assert_eq!(facts.missing_issuer, None);
    assert_eq!(facts.chain.len(), 3);
}

#[test]
fn expired_signer_fails_now_and_passes_at_an_earlier_time() {
    let pki = pki();
    let pool = vec![pki.issuing_ca.certificate_der.clone()];
    let store = demo_store();
    let facts = validate(&pki.expired.certificate_der, &pool, &store, now());
    assert_eq!(facts.status, PathStatus::Invalid);
    assert_eq!(facts.sub_indication(), Some(SubIndication::Expired));
    assert_eq!(codes(&facts), ["cert-expired"]);
    assert!(facts.findings[0].message.vi.contains("đã hết hạn"));

    // Checked at its last valid second (the demo CAs start exactly then): trusted.
    let info = CertificateInfo::from_der(&pki.expired.certificate_der).unwrap();
    let facts = validate(&pki.expired.certificate_der, &pool, &store, info.not_after);
    assert_eq!(facts.status, PathStatus::Trusted, "{:?}", facts.findings);
    // Earlier still, the signer is valid but the demo CAs are not yet: that is what is said.
    let earlier = info.not_after - Duration::hours(12);
    assert!(info.is_valid_at(earlier));
    let facts = validate(&pki.expired.certificate_der, &pool, &store, earlier);
    assert_eq!(codes(&facts), ["cert-not-yet-valid", "cert-not-yet-valid"]);
    assert!(
        facts.findings[0]
            .message
            .en
            .contains("Kyso Test Issuing CA G2")
    );
}

#[test]
fn not_yet_valid_signer() {
    let pki = pki();
    let pool = vec![pki.issuing_ca.certificate_der.clone()];
    let facts = validate(
        &pki.not_yet_valid.certificate_der,
        &pool,
        &demo_store(),
        now(),
    );
    assert_eq!(facts.status, PathStatus::Invalid);
    assert_eq!(facts.sub_indication(), Some(SubIndication::NotYetValid));
    let later = now() + Duration::days(31);
    let facts = validate(
        &pki.not_yet_valid.certificate_der,
        &pool,
        &demo_store(),
        later,
    );
    assert_eq!(facts.status, PathStatus::Trusted, "{:?}", facts.findings);
}

#[test]
fn wrong_key_usage_is_a_chain_constraint_failure() {
    let pki = pki();
    let pool = vec![pki.issuing_ca.certificate_der.clone()];
    let facts = validate(
        &pki.wrong_key_usage.certificate_der,
        &pool,
        &demo_store(),
        now(),
    );
    assert_eq!(facts.status, PathStatus::Invalid);
    assert_eq!(codes(&facts), ["cert-key-usage"]);
    assert_eq!(
        facts.sub_indication(),
        Some(SubIndication::ChainConstraintsFailure)
    );
}

#[test]
fn purposes_of_tsa_and_ocsp_responder() {
    let pki = pki();
    let pool = vec![pki.issuing_ca.certificate_der.clone()];
    let store = demo_store();
    let check = |der: &[u8], purpose| build_and_validate(der, &pool, &store, now(), purpose);

    let tsa = check(&pki.tsa.certificate_der, Purpose::TimeStamping);
    assert_eq!(tsa.status, PathStatus::Trusted, "{:?}", tsa.findings);
    let responder = check(&pki.ocsp_responder.certificate_der, Purpose::OcspSigning);
    assert_eq!(
        responder.status,
        PathStatus::Trusted,
        "{:?}",
        responder.findings
    );

    // A document signer's certificate is not a TSA's, nor an OCSP responder's.
    let leader_as_tsa = check(&pki.leader.certificate_der, Purpose::TimeStamping);
    assert_eq!(codes(&leader_as_tsa), ["cert-extended-key-usage"]);
    let leader_as_responder = check(&pki.leader.certificate_der, Purpose::OcspSigning);
    assert_eq!(codes(&leader_as_responder), ["cert-extended-key-usage"]);
    // The TSA's certificate may sign documents as far as keyUsage goes.
    let tsa_as_signer = check(&pki.tsa.certificate_der, Purpose::DocumentSigning);
    assert_eq!(tsa_as_signer.status, PathStatus::Trusted);
}

#[test]
fn forged_certificate_signature_byte_flipped() {
    let pki = pki();
    let pool = vec![pki.issuing_ca.certificate_der.clone()];
    // The signature value is the last element of the certificate: flip its last byte.
    let mut forged = pki.leader.certificate_der.clone();
    let last = forged.len() - 1;
    forged[last] ^= 0x01;
    let facts = validate(&forged, &pool, &demo_store(), now());
    assert_eq!(facts.status, PathStatus::Invalid);
    assert_eq!(codes(&facts), ["cert-signature-invalid"]);
    assert_eq!(
        facts.sub_indication(),
        Some(SubIndication::CertificateChainGeneralFailure)
    );
    assert!(facts.findings[0].message.vi.contains("giả mạo"));
}

#[test]
fn forged_certificate_subject_changed_after_signing() {
    let pki = pki();
    let pool = vec![pki.issuing_ca.certificate_der.clone()];
    // "Nguyễn Văn An" → "Nguyễn Văn Am": same length, inside the signed TBS bytes.
    let mut forged = pki.leader.certificate_der.clone();
    let name = "Nguyễn Văn An".as_bytes();
    let at = forged.windows(name.len()).position(|w| w == name).unwrap();
    forged[at + name.len() - 1] = b'm';
    let facts = validate(&forged, &pool, &demo_store(), now());
    assert_eq!(facts.status, PathStatus::Invalid);
    assert_eq!(codes(&facts), ["cert-signature-invalid"]);
    assert_eq!(facts.chain[0].common_name.as_deref(), Some("Nguyễn Văn Am"));
}

/// A certificate signed with SHA-1 by OpenSSL, under the demo issuing CA.
fn openssl_sha1_leaf(dir: &std::path::Path) -> Vec<u8> {
    let pki = pki();
    let ca = dir.join("ca.pem");
    let ca_key = dir.join("ca.key");
    std::fs::write(&ca, &pki.issuing_ca.certificate_pem).unwrap();
    std::fs::write(&ca_key, pki.issuing_ca.key_pkcs8_pem.as_bytes()).unwrap();
    let (key, csr, out, ext) = (
        dir.join("leaf.key"),
        dir.join("leaf.csr"),
        dir.join("leaf.der"),
        dir.join("ext.cnf"),
    );
    std::fs::write(
        &ext,
        "keyUsage=critical,digitalSignature,nonRepudiation\nauthorityKeyIdentifier=keyid\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let output = Command::new("openssl").args(args).output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let path = |p: &std::path::Path| p.to_str().unwrap().to_owned();
    run(&[
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        &path(&key),
        "-out",
        &path(&csr),
        "-subj",
        "/CN=SHA-1 signer/O=Kyso test",
    ]);
    // OpenSSL 3.0 still signs with SHA-1 at the default security level for `x509 -req`.
    run(&[
        "x509",
        "-req",
        "-in",
        &path(&csr),
        "-CA",
        &path(&ca),
        "-CAkey",
        &path(&ca_key),
        "-sha1",
        "-days",
        "30",
        "-extfile",
        &path(&ext),
        "-outform",
        "DER",
        "-out",
        &path(&out),
    ]);
    std::fs::read(out).unwrap()
}

#[test]
fn sha1_certificate_signature_is_refused_under_a_user_anchor() {
    let dir = tempfile::tempdir().unwrap();
    let leaf = openssl_sha1_leaf(dir.path());
    let pool = vec![pki().issuing_ca.certificate_der.clone()];
    let facts = validate(&leaf, &pool, &demo_store(), now());
    assert_eq!(facts.status, PathStatus::Invalid);
    assert_eq!(codes(&facts), ["cert-sha1"]);
    assert_eq!(
        facts.sub_indication(),
        Some(SubIndication::CryptoConstraintsFailure)
    );
}

#[test]
fn sha1_certificate_signatures_are_accepted_under_shipped_vietnamese_roots() {
    // The VGCA G1 CAs and the MIC-era public CAs are signed with SHA-1 by their roots.
    let shipped = TrustStore::shipped().unwrap();
    let cp = shipped
        .intermediates()
        .iter()
        .find(|c| c.name == Some("vgca-cp-g1"))
        .unwrap();
    let options = PathOptions {
        at: Some(now()),
        purpose: Purpose::Any,
    };
    let facts = build_and_validate_with(&cp.info.der, &[], &shipped, &options);
    assert_eq!(facts.status, PathStatus::Trusted, "{:?}", facts.findings);
    assert_eq!(codes(&facts), ["cert-sha1-accepted"]);
    assert_eq!(facts.findings[0].severity, Severity::Info);
    assert_eq!(facts.family(), Some(CaFamily::CongVu));

    // The same root added by the user is not a shipped anchor: SHA-1 is refused.
    let mut user = TrustStore::empty();
    user.add_anchor_pem_or_der(&shipped.anchors()[0].info.der)
        .unwrap();
    let facts = build_and_validate_with(&cp.info.der, &[], &user, &options);
    assert_eq!(facts.status, PathStatus::Invalid);
    assert_eq!(codes(&facts), ["cert-sha1"]);
}

#[test]
fn shipped_intermediates_chain_to_their_roots() {
    let store = TrustStore::shipped().unwrap();
    let options = PathOptions {
        at: None,
        purpose: Purpose::Any,
    };
    for intermediate in store.intermediates() {
        let name = intermediate.name.unwrap();
        let facts = build_and_validate_with(&intermediate.info.der, &[], &store, &options);
        assert_eq!(
            facts.status,
            PathStatus::Trusted,
            "{name}: {:?}",
            facts.findings
        );
        assert_eq!(facts.chain.len(), 2, "{name}");
        let anchor = facts.anchor.unwrap();
        assert_eq!(anchor.subject, intermediate.info.issuer, "{name}");
        assert_eq!(anchor.family, intermediate.family, "{name}");
        let expected_root = if name.starts_with("vgca-") && name.ends_with("-g1") {
            "vgca-rootca-g1"
        } else if name.starts_with("vgca-") {
            "vgca-rootca-g2"
        } else if ["vnpt-ca-sha2-2024", "fastca-sha256"].contains(&name) {
            "neac-vnrca256"
        } else {
            "neac-mic-national-root-ca"
        };
        assert_eq!(anchor.name, Some(expected_root), "{name}");
    }
    // The G2 root does not chain to the G1 root, nor the reverse: roots are anchors.
    for anchor in store.anchors() {
        let facts = build_and_validate_with(&anchor.info.der, &[], &store, &options);
        assert_eq!(facts.status, PathStatus::Trusted);
        assert_eq!(facts.chain.len(), 1);
    }
}

/// A self-signed EC CA and its key, quickly.
fn ec_authority(subject: &str, path_len: Option<u8>) -> CertificateAuthority {
    let key = GeneratedKey::generate(KeyAlgorithm::EcP256).unwrap();
    let spec = CertificateSpec::authority(
        SubjectName {
            common_name: subject.into(),
            ..SubjectName::default()
        },
        now() - Duration::days(1),
        now() + Duration::days(30),
        path_len,
        key.spki_der().to_vec(),
    );
    CertificateAuthority::self_signed(&spec, key.pkcs8_der()).unwrap()
}

fn ca_spec(subject: &str, key: &GeneratedKey, path_len: Option<u8>) -> CertificateSpec {
    CertificateSpec::authority(
        SubjectName {
            common_name: subject.into(),
            ..SubjectName::default()
        },
        now() - Duration::days(1),
        now() + Duration::days(30),
        path_len,
        key.spki_der().to_vec(),
    )
}

fn leaf_spec(subject: &str, key: &GeneratedKey) -> CertificateSpec {
    CertificateSpec::signing(
        SubjectName {
            common_name: subject.into(),
            ..SubjectName::default()
        },
        now() - Duration::hours(1),
        now() + Duration::days(10),
        key.spki_der().to_vec(),
    )
}

#[test]
fn path_length_constraint_of_the_issuing_ca() {
    // The demo issuing CA has pathLen 0; a sub-CA under it, and a leaf under that.
    let pki = pki();
    let sub_key = GeneratedKey::generate(KeyAlgorithm::EcP256).unwrap();
    let sub_der = pki
        .issuing_authority()
        .issue(&ca_spec("Sub CA", &sub_key, None))
        .unwrap();
    let sub = CertificateAuthority::from_parts(&sub_der, sub_key.pkcs8_der()).unwrap();
    let leaf_key = GeneratedKey::generate(KeyAlgorithm::EcP256).unwrap();
    let leaf = sub.issue(&leaf_spec("Leaf", &leaf_key)).unwrap();
    let pool = vec![sub_der, pki.issuing_ca.certificate_der.clone()];
    let facts = validate(&leaf, &pool, &demo_store(), now());
    assert_eq!(facts.status, PathStatus::Invalid);
    assert_eq!(codes(&facts), ["cert-path-length-exceeded"]);
    assert_eq!(facts.chain.len(), 4);
}

#[test]
fn end_entity_certificate_used_as_a_ca() {
    // The leader's certificate (no cA, no keyCertSign) "issues" a certificate with its key.
    let pki = pki();
    let leader =
        CertificateAuthority::from_parts(&pki.leader.certificate_der, &pki.leader.key_pkcs8_der)
            .unwrap();
    let key = GeneratedKey::generate(KeyAlgorithm::EcP256).unwrap();
    let leaf = leader.issue(&leaf_spec("Giả mạo", &key)).unwrap();
    let pool = vec![
        pki.leader.certificate_der.clone(),
        pki.issuing_ca.certificate_der.clone(),
    ];
    let facts = validate(&leaf, &pool, &demo_store(), now());
    assert_eq!(facts.status, PathStatus::Invalid);
    // The leader's certificate also counts as an intermediate under the issuing CA's
    // pathLen 0.
    assert_eq!(
        codes(&facts),
        [
            "cert-not-a-ca",
            "cert-issuer-key-usage",
            "cert-path-length-exceeded"
        ]
    );
}

#[test]
fn ca_with_an_rsa_1024_key() {
    let key = GeneratedKey::generate(KeyAlgorithm::Rsa(1024)).unwrap();
    let weak = CertificateAuthority::self_signed(&ca_spec("Weak CA", &key, None), key.pkcs8_der())
        .unwrap();
    let leaf_key = GeneratedKey::generate(KeyAlgorithm::EcP256).unwrap();
    let leaf = weak.issue(&leaf_spec("Leaf", &leaf_key)).unwrap();
    let mut store = TrustStore::empty();
    store.add_anchor_pem_or_der(weak.certificate_der()).unwrap();
    let facts = validate(&leaf, &[], &store, now());
    assert_eq!(facts.status, PathStatus::Invalid);
    assert_eq!(codes(&facts), ["cert-issuer-key-weak"]);
    assert!(facts.findings[0].message.vi.contains("RSA 1024"));
}

#[test]
fn unknown_critical_extension_fails() {
    let pki = pki();
    let key = GeneratedKey::generate(KeyAlgorithm::EcP256).unwrap();
    let spec = CertificateSpec {
        extra_extensions: vec![Extension {
            extn_id: ObjectIdentifier::new_unwrap("1.3.6.1.4.1.99999.1"),
            critical: true,
            extn_value: OctetString::new(vec![0x05, 0x00]).unwrap(),
        }],
        ..leaf_spec("Critical", &key)
    };
    let leaf = pki.issuing_authority().issue(&spec).unwrap();
    let pool = vec![pki.issuing_ca.certificate_der.clone()];
    let facts = validate(&leaf, &pool, &demo_store(), now());
    assert_eq!(facts.status, PathStatus::Invalid);
    assert_eq!(codes(&facts), ["cert-unknown-critical-extension"]);
    assert!(facts.findings[0].message.en.contains("1.3.6.1.4.1.99999.1"));
}

#[test]
fn root_impostor_with_the_anchor_name_is_not_trusted() {
    // An attacker makes a root with the demo root's exact name and their own key, and a
    // "leader" certificate under it.
    let pki = pki();
    let real_root = CertificateInfo::from_der(&pki.root.certificate_der).unwrap();
    let key = GeneratedKey::generate(KeyAlgorithm::EcP256).unwrap();
    let spec = CertificateSpec::authority(
        SubjectName {
            common_name: "Kyso Test Root CA G2".into(),
            organisation: Some(crate::pki::demo::DEMO_CA_ORGANISATION.into()),
            country: Some("VN".into()),
            ..SubjectName::default()
        },
        now() - Duration::days(1),
        now() + Duration::days(30),
        None,
        key.spki_der().to_vec(),
    );
    let impostor = CertificateAuthority::self_signed(&spec, key.pkcs8_der()).unwrap();
    let impostor_info = CertificateInfo::from_der(impostor.certificate_der()).unwrap();
    assert_eq!(impostor_info.subject, real_root.subject);
    let leaf_key = GeneratedKey::generate(KeyAlgorithm::EcP256).unwrap();
    let mut leaf = leaf_spec("Nguyễn Văn An", &leaf_key);
    leaf.subject = crate::pki::demo::leader_subject();
    let leaf = impostor.issue(&leaf).unwrap();

    let pool = vec![impostor.certificate_der().to_vec()];
    let facts = validate(&leaf, &pool, &demo_store(), now());
    assert_eq!(facts.status, PathStatus::Untrusted, "{:?}", facts.findings);
    assert_eq!(codes(&facts), ["path-root-not-trusted"]);
    assert!(facts.anchor.is_none());
}

#[test]
fn cross_signed_loop_terminates() {
    // X and Y issue each other; the leaf is under Y. No anchor: the search must end.
    let x = ec_authority("Loop X", None);
    let y = ec_authority("Loop Y", None);
    let x_key = GeneratedKey::generate(KeyAlgorithm::EcP256).unwrap();
    let y_key = GeneratedKey::generate(KeyAlgorithm::EcP256).unwrap();
    let x_by_y = y.issue(&ca_spec("Loop X", &x_key, None)).unwrap();
    let y_by_x = x.issue(&ca_spec("Loop Y", &y_key, None)).unwrap();
    let y_ca = CertificateAuthority::from_parts(&y_by_x, y_key.pkcs8_der()).unwrap();
    let leaf_key = GeneratedKey::generate(KeyAlgorithm::EcP256).unwrap();
    let leaf = y_ca.issue(&leaf_spec("Leaf", &leaf_key)).unwrap();
    let pool = vec![
        x_by_y,
        y_by_x,
        x.certificate_der().to_vec(),
        y.certificate_der().to_vec(),
    ];
    let facts = validate(&leaf, &pool, &demo_store(), now());
    assert_eq!(facts.status, PathStatus::Untrusted);
    assert!(facts.chain.len() <= MAX_PATH_LEN);
}

#[test]
fn many_same_name_issuers_are_bounded() {
    // 40 "Mid" and 40 "Top" certificates naming each other: an exponential tree of candidate
    // paths that the step limit must cut.
    let (mid_key, top_key) = (
        GeneratedKey::generate(KeyAlgorithm::EcP256).unwrap(),
        GeneratedKey::generate(KeyAlgorithm::EcP256).unwrap(),
    );
    let mid =
        CertificateAuthority::self_signed(&ca_spec("Mid", &mid_key, None), mid_key.pkcs8_der())
            .unwrap();
    let top =
        CertificateAuthority::self_signed(&ca_spec("Top", &top_key, None), top_key.pkcs8_der())
            .unwrap();
    let mut pool = Vec::new();
    for _ in 0..40 {
        pool.push(top.issue(&ca_spec("Mid", &mid_key, None)).unwrap());
        pool.push(mid.issue(&ca_spec("Top", &top_key, None)).unwrap());
    }
    let leaf_key = GeneratedKey::generate(KeyAlgorithm::EcP256).unwrap();
    let leaf = mid.issue(&leaf_spec("Leaf", &leaf_key)).unwrap();
    let facts = validate(&leaf, &pool, &demo_store(), now());
    assert_eq!(facts.status, PathStatus::Untrusted);
    assert!(codes(&facts).contains(&"path-search-truncated"));
    assert!(facts.chain.len() <= MAX_PATH_LEN);
}

#[test]
fn garbage_target_and_pool_are_findings_not_panics() {
    let facts = validate(
        b"\x30\x03\x02\x01\x00",
        &[vec![0xff; 10]],
        &demo_store(),
        now(),
    );
    assert_eq!(facts.status, PathStatus::Invalid);
    assert_eq!(codes(&facts), ["cert-malformed"]);
    // Garbage in the pool is skipped.
    let pki = pki();
    let pool = vec![
        vec![],
        vec![0x30, 0x80],
        pki.issuing_ca.certificate_der.clone(),
    ];
    let facts = validate(&pki.leader.certificate_der, &pool, &demo_store(), now());
    assert_eq!(facts.status, PathStatus::Trusted);
}

#[test]
fn facts_serialise_for_the_report() {
    let pki = pki();
    let facts = validate(&pki.leader.certificate_der, &[], &demo_store(), now());
    let json = serde_json::to_value(&facts).unwrap();
    assert_eq!(json["status"], "untrusted");
    assert_eq!(json["findings"][0]["code"], "path-issuer-missing");
    assert_eq!(
        json["findings"][0]["sub_indication"],
        "NO_CERTIFICATE_CHAIN_FOUND"
    );
    assert_eq!(json["chain"][0]["common_name"], "Nguyễn Văn An");
}
