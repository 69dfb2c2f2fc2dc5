//! Revocation checks against OCSP responses and CRLs that OpenSSL makes from the demo PKI's
//! keys (`openssl ocsp -index`, `openssl ca -gencrl`), tampered copies of them, and the
//! revocation data embedded in real signed PDFs of the corpus.

use std::path::{Path, PathBuf};
use std::process::Command;

use time::macros::format_description;
use time::{Duration, OffsetDateTime};

use super::*;
use crate::pki::demo::DemoIdentity;
use crate::pki::path::tests::pki;
use crate::verify::finding::Severity;

/// A folder where OpenSSL plays the demo issuing CA and its OCSP responder.
struct Lab {
    dir: tempfile::TempDir,
}

impl Lab {
    fn new() -> Lab {
        let lab = Lab {
            dir: tempfile::tempdir().unwrap(),
        };
        let pki = pki();
        for (name, identity) in [
            ("ca", &pki.issuing_ca),
            ("root", &pki.root),
            ("responder", &pki.ocsp_responder),
            ("organisation", &pki.organisation),
            ("leader", &pki.leader),
        ] {
            std::fs::write(lab.file(&format!("{name}.pem")), &identity.certificate_pem).unwrap();
            std::fs::write(
                lab.file(&format!("{name}.key")),
                identity.key_pkcs8_pem.as_bytes(),
            )
            .unwrap();
        }
        lab
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn openssl(&self, args: &[&str]) {
        let output = Command::new("openssl")
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// The OpenSSL CA database: `revoked` with their time and reason, everything else valid.
    fn index(
        &self,
        valid: &[&DemoIdentity],
        revoked: &[(&DemoIdentity, OffsetDateTime, Option<&str>)],
    ) {
        let format = format_description!("[year repr:last_two][month][day][hour][minute][second]Z");
        let expiry = (OffsetDateTime::now_utc() + Duration::days(365))
            .format(format)
            .unwrap();
        let serial = |identity: &DemoIdentity| {
            CertificateInfo::from_der(&identity.certificate_der)
                .unwrap()
                .serial_hex
        };
        let mut text = String::new();
        for identity in valid {
            text.push_str(&format!(
                "V\t{expiry}\t\t{}\tunknown\t/CN=x\n",
                serial(identity)
            ));
        }
        for (identity, time, reason) in revoked {
            let mut when = time.format(format).unwrap();
            if let Some(reason) = reason {
                when = format!("{when},{reason}");
            }
            text.push_str(&format!(
                "R\t{expiry}\t{when}\t{}\tunknown\t/CN=x\n",
                serial(identity)
            ));
        }
        std::fs::write(self.file("index.txt"), text).unwrap();
    }

    /// An OCSP response about `target` (`leader`, `organisation`, …), signed by `signer`
    /// (`responder`, `ca`, …), valid for `days`.
    fn ocsp(&self, target: &str, signer: &str, days: &str, extra: &[&str]) -> Vec<u8> {
        self.openssl(&[
            "ocsp",
            "-issuer",
            "ca.pem",
            "-cert",
            &format!("{target}.pem"),
            "-no_nonce",
            "-reqout",
            "request.der",
        ]);
        let mut args = vec!["ocsp", "-index", "index.txt", "-CA", "ca.pem", "-rsigner"];
        let (cert, key) = (format!("{signer}.pem"), format!("{signer}.key"));
        args.extend([
            cert.as_str(),
            "-rkey",
            key.as_str(),
            "-reqin",
            "request.der",
        ]);
        args.extend(["-respout", "response.der", "-ndays", days]);
        args.extend(extra);
        self.openssl(&args);
        std::fs::read(self.file("response.der")).unwrap()
    }

    /// A CRL of the issuing CA (`-crldays days`), version 2 with authorityKeyIdentifier and a
    /// CRL number, or version 1 with neither.
    fn crl(&self, days: &str, version_2: bool) -> Vec<u8> {
        let mut config =
            "[ca]\ndefault_ca = kyso\n[kyso]\ndatabase = index.txt\ndefault_md = sha256\n"
                .to_owned();
        if version_2 {
            config.push_str("crlnumber = crlnumber\ncrl_extensions = crl_ext\n[crl_ext]\nauthorityKeyIdentifier = keyid:always\n");
            std::fs::write(self.file("crlnumber"), "01\n").unwrap();
        }
        std::fs::write(self.file("ca.cnf"), config).unwrap();
        self.openssl(&[
            "ca", "-config", "ca.cnf", "-gencrl", "-cert", "ca.pem", "-keyfile", "ca.key",
            "-crldays", days, "-out", "crl.pem",
        ]);
        self.openssl(&[
            "crl", "-in", "crl.pem", "-outform", "DER", "-out", "crl.der",
        ]);
        std::fs::read(self.file("crl.der")).unwrap()
    }
}

fn info(identity: &DemoIdentity) -> CertificateInfo {
    CertificateInfo::from_der(&identity.certificate_der).unwrap()
}

fn check(ocsps: &[Vec<u8>], crls: &[Vec<u8>], at: OffsetDateTime) -> RevocationFacts {
    let pki = pki();
    revocation_status(&info(&pki.leader), &info(&pki.issuing_ca), ocsps, crls, at)
}

fn codes(facts: &RevocationFacts) -> Vec<&str> {
    facts.findings.iter().map(|f| f.code.as_str()).collect()
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// Whole seconds, as OpenSSL's index writes them.
fn ten_days_ago() -> OffsetDateTime {
    (now() - Duration::days(10)).replace_nanosecond(0).unwrap()
}

#[test]
fn ocsp_good_from_the_delegated_responder() {
    let lab = Lab::new();
    lab.index(&[&pki().leader], &[]);
    let response = lab.ocsp("leader", "responder", "7", &[]);
    let facts = check(&[response], &[], now());
    assert_eq!(facts.status, RevocationStatus::Good, "{:?}", facts.findings);
    assert_eq!(facts.source, RevocationSource::Ocsp);
    assert_eq!(facts.signed_by.as_deref(), Some("Kyso Test OCSP Responder"));
    assert!(facts.findings.is_empty(), "{:?}", facts.findings);
    assert!(facts.produced_at.is_some() && facts.next_update.is_some());
}

#[test]
fn ocsp_good_signed_by_the_issuing_ca_with_key_hash_and_sha256_cert_id() {
    let lab = Lab::new();
    lab.index(&[&pki().leader], &[]);
    // -resp_key_id: ResponderID byKey; the request's CertID hashed with SHA-256.
    lab.openssl(&[
        "ocsp",
        "-issuer",
        "ca.pem",
        "-sha256",
        "-cert",
        "leader.pem",
        "-no_nonce",
        "-reqout",
        "request.der",
    ]);
    lab.openssl(&[
        "ocsp",
        "-index",
        "index.txt",
        "-CA",
        "ca.pem",
        "-rsigner",
        "ca.pem",
        "-rkey",
        "ca.key",
        "-reqin",
        "request.der",
        "-respout",
        "response.der",
        "-ndays",
        "7",
        "-resp_key_id",
    ]);
    let response = std::fs::read(lab.file("response.der")).unwrap();
    let facts = check(&[response], &[], now());
    assert_eq!(facts.status, RevocationStatus::Good, "{:?}", facts.findings);
    assert_eq!(facts.signed_by.as_deref(), Some("Kyso Test Issuing CA G2"));
}

#[test]
fn ocsp_revoked_with_time_and_reason() {
    let lab = Lab::new();
    let revoked_at = ten_days_ago();
    lab.index(&[], &[(&pki().leader, revoked_at, Some("keyCompromise"))]);
    let response = lab.ocsp("leader", "responder", "7", &[]);
    let facts = check(std::slice::from_ref(&response), &[], now());
    assert_eq!(
        facts.status,
        RevocationStatus::Revoked {
            time: revoked_at,
            reason: Some(RevocationReason::KeyCompromise)
        }
    );
    assert_eq!(codes(&facts), ["cert-revoked"]);
    let finding = &facts.findings[0];
    assert_eq!(finding.severity, Severity::Failure);
    assert_eq!(finding.sub_indication, Some(SubIndication::Revoked));
    assert!(
        finding.message.vi.contains("đã bị thu hồi"),
        "{}",
        finding.message.vi
    );
    assert!(finding.message.vi.contains("lộ khóa bí mật"));

    // Checked at a time before the revocation: good then, and the later revocation is said.
    let before = revoked_at - Duration::days(1);
    let facts = check(&[response], &[], before);
    assert_eq!(facts.status, RevocationStatus::Good, "{:?}", facts.findings);
    assert_eq!(facts.later_revocation.map(|r| r.time), Some(revoked_at));
    assert_eq!(codes(&facts), ["cert-revoked-later"]);
    assert_eq!(
        facts.findings[0].sub_indication,
        Some(SubIndication::RevokedNoPoe)
    );
}

#[test]
fn ocsp_unknown_certificate() {
    let lab = Lab::new();
    lab.index(&[&pki().organisation], &[]);
    let response = lab.ocsp("leader", "responder", "7", &[]);
    let facts = check(&[response], &[], now());
    assert_eq!(facts.status, RevocationStatus::Unknown);
    assert_eq!(codes(&facts), ["revocation-unknown", "ocsp-status-unknown"]);
    assert_eq!(
        facts.findings[0].sub_indication,
        Some(SubIndication::TryLater)
    );
}

#[test]
fn ocsp_stale_next_update() {
    let lab = Lab::new();
    lab.index(&[&pki().leader], &[]);
    let response = lab.ocsp("leader", "responder", "1", &[]);
    // Three days on, a response valid for one day no longer speaks for the time checked.
    let facts = check(
        std::slice::from_ref(&response),
        &[],
        now() + Duration::days(3),
    );
    assert_eq!(facts.status, RevocationStatus::Unknown);
    assert_eq!(
        codes(&facts),
        ["revocation-unknown", "revocation-data-stale"]
    );
    // A day before it was made, it still does: revocation is final.
    let facts = check(&[response], &[], now() - Duration::days(1));
    assert_eq!(facts.status, RevocationStatus::Good, "{:?}", facts.findings);
}

#[test]
fn ocsp_signed_by_a_responder_the_ca_did_not_authorise() {
    // The organisation's certificate is issued by the same CA but has no OCSPSigning purpose.
    let lab = Lab::new();
    lab.index(&[&pki().leader], &[]);
    let response = lab.ocsp("leader", "organisation", "7", &[]);
    let facts = check(&[response], &[], now());
    assert_eq!(facts.status, RevocationStatus::Unknown);
    assert_eq!(
        codes(&facts),
        ["revocation-unknown", "ocsp-responder-not-authorised"]
    );
    assert_eq!(facts.findings[1].severity, Severity::Warning);
}

#[test]
fn ocsp_response_with_a_byte_flipped_in_its_signature() {
    let lab = Lab::new();
    lab.index(&[], &[(&pki().leader, ten_days_ago(), None)]);
    let mut response = lab.ocsp("leader", "ca", "7", &[]);
    // OpenSSL appends the signer's certificate after the signature: find the signature BIT
    // STRING's bytes in the response and flip one.
    let basic = ocsp::basic_response(&response).unwrap();
    let signature = basic.signature.raw_bytes().to_vec();
    let at = response
        .windows(signature.len())
        .position(|w| w == signature)
        .unwrap();
    response[at + 10] ^= 0x01;
    let facts = check(&[response], &[], now());
    assert_eq!(facts.status, RevocationStatus::Unknown);
    assert_eq!(
        codes(&facts),
        ["revocation-unknown", "ocsp-signature-invalid"]
    );
}

#[test]
fn ocsp_status_rewritten_from_revoked_to_good() {
    // An "unknown" answer turned into "good" by editing one byte: the tag of [2] NULL becomes
    // [0] NULL. (Turning "revoked" into "good" changes lengths; the signature covers both.)
    let lab = Lab::new();
    lab.index(&[&pki().organisation], &[]);
    let mut response = lab.ocsp("leader", "responder", "7", &[]);
    let unknown_null = [0x82, 0x00, 0x18, 0x0f]; // [2] NULL, then thisUpdate's header
    let at = response
        .windows(unknown_null.len())
        .position(|w| w == unknown_null)
        .unwrap();
    response[at] = 0x80;
    let facts = check(&[response], &[], now());
    assert_eq!(facts.status, RevocationStatus::Unknown);
    assert_eq!(
        codes(&facts),
        ["revocation-unknown", "ocsp-signature-invalid"]
    );
}

#[test]
fn ocsp_about_another_certificate() {
    let lab = Lab::new();
    lab.index(&[&pki().organisation], &[]);
    let response = lab.ocsp("organisation", "responder", "7", &[]);
    let facts = check(&[response], &[], now());
    assert_eq!(facts.status, RevocationStatus::Unknown);
    assert_eq!(
        codes(&facts),
        [
            "revocation-unknown",
            "revocation-data-for-other-certificates"
        ]
    );
}

#[test]
fn bare_basic_ocsp_response_is_read_too() {
    // CAdES revocation-values carry BasicOCSPResponse without the OCSPResponse wrapper.
    let lab = Lab::new();
    lab.index(&[&pki().leader], &[]);
    let response = lab.ocsp("leader", "responder", "7", &[]);
    let whole = ocsp::OcspResponse::from_der(&response).unwrap();
    let basic = whole.response_bytes.unwrap().response.as_bytes().to_vec();
    let facts = check(&[basic], &[], now());
    assert_eq!(facts.status, RevocationStatus::Good, "{:?}", facts.findings);
}

#[test]
fn crl_v2_lists_the_revoked_certificate() {
    let lab = Lab::new();
    let revoked_at = ten_days_ago();
    lab.index(
        &[&pki().organisation],
        &[(&pki().leader, revoked_at, Some("superseded"))],
    );
    let crl = lab.crl("7", true);
    assert_eq!(
        crl::CertificateList::from_der(&crl).unwrap().tbs.version,
        Some(1)
    );
    let facts = check(&[], std::slice::from_ref(&crl), now());
    assert_eq!(
        facts.status,
        RevocationStatus::Revoked {
            time: revoked_at,
            reason: Some(RevocationReason::Superseded)
        }
    );
    assert_eq!(facts.source, RevocationSource::Crl);
    assert_eq!(codes(&facts), ["cert-revoked"]);

    // The organisation's certificate is not listed: good.
    let pki = pki();
    let facts = revocation_status(
        &info(&pki.organisation),
        &info(&pki.issuing_ca),
        &[],
        &[crl],
        now(),
    );
    assert_eq!(facts.status, RevocationStatus::Good, "{:?}", facts.findings);
    assert_eq!(facts.signed_by.as_deref(), Some("Kyso Test Issuing CA G2"));
}

#[test]
fn crl_v1_without_a_version_field() {
    let lab = Lab::new();
    let revoked_at = ten_days_ago();
    lab.index(&[], &[(&pki().leader, revoked_at, None)]);
    let crl = lab.crl("7", false);
    let parsed = crl::CertificateList::from_der(&crl).unwrap();
    assert_eq!(parsed.tbs.version, None);
    assert!(parsed.tbs.crl_extensions.is_none());
    // x509-cert refuses it; our reader does not.
    assert!(<x509_cert::crl::CertificateList as der::Decode>::from_der(&crl).is_err());
    let facts = check(&[], &[crl], now());
    assert_eq!(
        facts.status,
        RevocationStatus::Revoked {
            time: revoked_at,
            reason: None
        }
    );
}

#[test]
fn crl_stale_and_crl_forged() {
    let lab = Lab::new();
    lab.index(&[&pki().leader], &[]);
    let crl = lab.crl("1", true);
    let facts = check(&[], std::slice::from_ref(&crl), now() + Duration::days(3));
    assert_eq!(facts.status, RevocationStatus::Unknown);
    assert_eq!(
        codes(&facts),
        ["revocation-unknown", "revocation-data-stale"]
    );

    // A byte of the signature flipped (the signature ends the CRL).
    let mut forged = crl;
    let last = forged.len() - 1;
    forged[last] ^= 0x01;
    let facts = check(&[], &[forged], now());
    assert_eq!(facts.status, RevocationStatus::Unknown);
    assert_eq!(
        codes(&facts),
        ["revocation-unknown", "crl-signature-invalid"]
    );
}

#[test]
fn crl_of_another_ca_says_nothing() {
    // The root's CRL (about issuing CAs) is not about the leader.
    let lab = Lab::new();
    lab.index(&[], &[(&pki().issuing_ca, ten_days_ago(), None)]);
    std::fs::write(
        lab.file("ca.cnf"),
        "[ca]\ndefault_ca = kyso\n[kyso]\ndatabase = index.txt\ndefault_md = sha256\n",
    )
    .unwrap();
    lab.openssl(&[
        "ca", "-config", "ca.cnf", "-gencrl", "-cert", "root.pem", "-keyfile", "root.key",
        "-crldays", "7", "-out", "crl.pem",
    ]);
    lab.openssl(&[
        "crl", "-in", "crl.pem", "-outform", "DER", "-out", "crl.der",
    ]);
    let crl = std::fs::read(lab.file("crl.der")).unwrap();
    let facts = check(&[], std::slice::from_ref(&crl), now());
    assert_eq!(facts.status, RevocationStatus::Unknown);
    assert_eq!(
        codes(&facts),
        [
            "revocation-unknown",
            "revocation-data-for-other-certificates"
        ]
    );
    // For the issuing CA itself, checked against the root, it is the answer.
    let pki = pki();
    let facts = revocation_status(&info(&pki.issuing_ca), &info(&pki.root), &[], &[crl], now());
    assert!(matches!(facts.status, RevocationStatus::Revoked { .. }));
    assert_eq!(
        facts.findings[0].sub_indication,
        Some(SubIndication::RevokedCaNoPoe)
    );
}

#[test]
fn revoked_by_crl_wins_over_good_by_ocsp() {
    let lab = Lab::new();
    lab.index(&[&pki().leader], &[]);
    let good = lab.ocsp("leader", "responder", "7", &[]);
    lab.index(&[], &[(&pki().leader, ten_days_ago(), None)]);
    let crl = lab.crl("7", true);
    let facts = check(&[good], &[crl], now());
    assert!(matches!(facts.status, RevocationStatus::Revoked { .. }));
    assert_eq!(facts.source, RevocationSource::Crl);
}

#[test]
fn no_revocation_data_is_indeterminate_not_good() {
    let facts = check(&[], &[], now());
    assert_eq!(facts.status, RevocationStatus::Unknown);
    assert_eq!(facts.source, RevocationSource::None);
    assert_eq!(codes(&facts), ["revocation-data-missing"]);
    let finding = &facts.findings[0];
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(finding.sub_indication, Some(SubIndication::TryLater));
    assert!(finding.message.vi.contains("chưa xác định được"));
}

#[test]
fn garbage_revocation_data_is_a_finding() {
    let facts = check(
        &[
            vec![0x30, 0x03, 0x0a, 0x01, 0x00],
            vec![0xff; 4],
            vec![0x30, 0x80],
        ],
        &[vec![0x30, 0x00], vec![]],
        now(),
    );
    assert_eq!(facts.status, RevocationStatus::Unknown);
    let codes = codes(&facts);
    assert_eq!(codes[0], "revocation-unknown");
    assert_eq!(codes.iter().filter(|c| **c == "ocsp-unreadable").count(), 3);
    assert_eq!(codes.iter().filter(|c| **c == "crl-unreadable").count(), 2);
}

#[test]
fn wrong_issuer_given() {
    let pki = pki();
    let facts = revocation_status(&info(&pki.leader), &info(&pki.root), &[], &[], now());
    assert_eq!(facts.status, RevocationStatus::Unknown);
    assert_eq!(codes(&facts), ["revocation-issuer-mismatch"]);
}

#[test]
fn facts_serialise_for_the_report() {
    let lab = Lab::new();
    lab.index(
        &[],
        &[(&pki().leader, ten_days_ago(), Some("keyCompromise"))],
    );
    let response = lab.ocsp("leader", "responder", "7", &[]);
    let json = serde_json::to_value(check(&[response], &[], now())).unwrap();
    assert_eq!(json["status"], "revoked");
    assert_eq!(json["reason"], "key-compromise");
    assert_eq!(json["source"], "ocsp");
    assert!(json["time"].as_str().unwrap().ends_with('Z'));
    assert_eq!(json["findings"][0]["sub_indication"], "REVOKED");
}

// ---- The corpus -------------------------------------------------------------------------

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/pdfs");

/// The CMS of each signature field of `file` (fields of the AcroForm and their kids, at most
/// 1000), for hostile files too: anything unreadable is skipped.
fn signatures(file: &crate::pdf::PdfFile) -> Vec<Vec<u8>> {
    use crate::pdf::Object;
    let mut out = Vec::new();
    let Some(fields) = file
        .acroform()
        .ok()
        .flatten()
        .and_then(|form| file.resolve(form.get(b"Fields")?).ok())
    else {
        return out;
    };
    let mut queue: Vec<Object> = fields.as_array().cloned().unwrap_or_default();
    let mut visited = 0;
    while let Some(field) = queue.pop() {
        visited += 1;
        if visited > 1000 {
            break;
        }
        let Ok(Object::Dictionary(field)) = file.resolve(&field) else {
            continue;
        };
        if let Some(Ok(Object::Array(kids))) = field.get(b"Kids").map(|k| file.resolve(k)) {
            queue.extend(kids);
        }
        if let Some(Ok(Object::Dictionary(signature))) = field.get(b"V").map(|v| file.resolve(v))
            && let Some(Object::String(contents)) = signature.get(b"Contents")
        {
            out.push(contents.bytes.clone());
        }
    }
    out
}

/// The validation data a corpus file carries: in the CMS `certificates` and `crls`, in
/// adbe-revocationInfoArchival, and in the DSS.
#[derive(Default)]
struct Embedded {
    ocsps: Vec<Vec<u8>>,
    crls: Vec<Vec<u8>>,
    certs: Vec<Vec<u8>>,
}

fn embedded(name: &str) -> Embedded {
    let path: PathBuf = Path::new(CORPUS).join(name);
    let file = crate::pdf::PdfFile::open(&path).unwrap();
    let mut out = Embedded::default();
    for cms in signatures(&file) {
        let Ok(parsed) = crate::cms::ParsedSignedData::parse(&cms) else {
            continue;
        };
        out.certs.extend(parsed.certificates.clone());
        out.ocsps
            .extend(parsed.revocation_info.ocsp_responses.clone());
        out.crls.extend(parsed.revocation_info.crls.clone());
        if let Some(attributes) = &parsed.signed_attributes {
            out.ocsps
                .extend(attributes.revocation_archival.ocsp_responses.clone());
            out.crls.extend(attributes.revocation_archival.crls.clone());
        }
    }
    let dss = crate::verify::dss::read_dss(&file);
    out.ocsps.extend(dss.ocsps);
    out.crls.extend(dss.crls);
    out.certs.extend(dss.certs);
    out
}

#[test]
fn every_ocsp_and_crl_in_the_corpus_parses() {
    let mut totals = (0, 0);
    for name in [
        "itext_pades_B-LT.pdf",
        "itext_pades_B-LTA.pdf",
        "dss_pades-lt-b-extended-adbe.pdf",
        "itext_pkcs7_signatureWithValidOcspTest.pdf",
        "itext_pkcs7_signatureWithInvalidOcspTest.pdf",
        "itext_svi_revDataInTheSignerInfo.pdf",
        "itext_svi_revDataInTheSignatureContainer.pdf",
    ] {
        let Embedded { ocsps, crls, .. } = embedded(name);
        assert!(
            !ocsps.is_empty() || !crls.is_empty(),
            "{name}: no revocation data"
        );
        for der in &ocsps {
            let basic = ocsp::basic_response(der)
                .unwrap_or_else(|e| panic!("{name}: OCSP does not parse: {e:?}"));
            assert!(!basic.response_data.responses.is_empty(), "{name}");
        }
        for der in &crls {
            crl::CertificateList::from_der(der)
                .unwrap_or_else(|e| panic!("{name}: CRL does not parse: {e}"));
        }
        totals.0 += ocsps.len();
        totals.1 += crls.len();
    }
    // What the crate probe counted for these files, at least.
    assert!(totals.0 >= 7, "{totals:?}");
    assert!(totals.1 >= 1, "{totals:?}");
}

/// The signer's certificate and its issuer, from a corpus file's certificates.
fn signer_and_issuer(certs: &[Vec<u8>], serial_hex: &str) -> (CertificateInfo, CertificateInfo) {
    let infos: Vec<CertificateInfo> = certs
        .iter()
        .filter_map(|der| CertificateInfo::from_der(der).ok())
        .collect();
    let signer = infos
        .iter()
        .find(|c| c.serial_hex == serial_hex)
        .unwrap()
        .clone();
    let issuer = infos
        .iter()
        .find(|c| c.subject == signer.issuer)
        .unwrap()
        .clone();
    (signer, issuer)
}

#[test]
fn itext_valid_and_invalid_ocsp_give_different_results() {
    // Both files were signed on 2021-12-16 with an OCSP response in
    // adbe-revocationInfoArchival; the responses run from 2021-12-15 to 2022-01-15.
    let at = time::macros::datetime!(2021-12-16 00:30 UTC);

    let Embedded { ocsps, crls, certs } = embedded("itext_pkcs7_signatureWithValidOcspTest.pdf");
    let (signer, issuer) = signer_and_issuer(&certs, "58E7B0EC");
    let valid = revocation_status(&signer, &issuer, &ocsps, &crls, at);
    assert_eq!(valid.status, RevocationStatus::Good, "{:?}", valid.findings);
    assert_eq!(valid.signed_by.as_deref(), Some("iTextTestRoot"));

    // The "invalid" response is signed by another root (iTextTestRootRsa) and names another
    // certificate: it proves nothing for this signer.
    let Embedded { ocsps, crls, certs } = embedded("itext_pkcs7_signatureWithInvalidOcspTest.pdf");
    let (signer, issuer) = signer_and_issuer(&certs, "58E9FC1B");
    let invalid = revocation_status(&signer, &issuer, &ocsps, &crls, at);
    assert_eq!(
        invalid.status,
        RevocationStatus::Unknown,
        "{:?}",
        invalid.findings
    );
    assert_eq!(invalid.findings[0].code, "revocation-unknown");
    assert_ne!(valid.status, invalid.status);
}

#[test]
fn itext_b_lt_dss_revocation_data_decides() {
    // The DSS of a B-LT file holds the OCSP responses or CRLs for the signer: at the time the
    // responses were produced, the status is known (good).
    let Embedded { ocsps, crls, certs } = embedded("itext_pades_B-LT.pdf");
    let infos: Vec<CertificateInfo> = certs
        .iter()
        .filter_map(|der| CertificateInfo::from_der(der).ok())
        .collect();
    let mut decided = 0;
    for signer in infos.iter().filter(|c| !c.is_ca) {
        let Some(issuer) = infos.iter().find(|c| c.subject == signer.issuer && c.is_ca) else {
            continue;
        };
        let at = ocsps
            .iter()
            .filter_map(|der| ocsp::basic_response(der).ok())
            .map(|b| b.response_data.produced_at.at)
            .chain(
                crls.iter()
                    .filter_map(|der| crl::CertificateList::from_der(der).ok())
                    .filter_map(|c| to_offset(c.tbs.this_update)),
            )
            .min()
            .unwrap();
        let facts = revocation_status(signer, issuer, &ocsps, &crls, at);
        if facts.status == RevocationStatus::Good {
            decided += 1;
        }
    }
    assert!(
        decided >= 1,
        "no certificate of the B-LT file had its status decided"
    );
}

#[test]
fn corpus_paths_and_revocation_never_panic() {
    // Every signer of every corpus file: path building with the shipped anchors and the file's
    // certificates, then revocation against the next certificate of the path. The outcomes
    // vary (the corpus is signed by test PKIs); what matters is that each one is a result.
    let store = crate::pki::trust::TrustStore::shipped().unwrap();
    let mut signers = 0;
    for entry in std::fs::read_dir(CORPUS).unwrap() {
        let path = entry.unwrap().path();
        let Ok(file) = crate::pdf::PdfFile::open(&path) else {
            continue;
        };
        let dss = crate::verify::dss::read_dss(&file);
        for cms in signatures(&file) {
            let Ok(parsed) = crate::cms::ParsedSignedData::parse(&cms) else {
                continue;
            };
            let Some(signer) = parsed.signer_certificate_der() else {
                continue;
            };
            let pool: Vec<Vec<u8>> = parsed
                .certificates
                .iter()
                .chain(&dss.certs)
                .cloned()
                .collect();
            let facts = crate::pki::path::build_and_validate(
                signer,
                &pool,
                &store,
                now(),
                crate::pki::path::Purpose::DocumentSigning,
            );
            assert!(!facts.chain.is_empty() || !facts.findings.is_empty());
            if let [certificate, issuer, ..] = facts.chain.as_slice() {
                let mut ocsps = parsed.revocation_info.ocsp_responses.clone();
                let mut crls = parsed.revocation_info.crls.clone();
                if let Some(attributes) = &parsed.signed_attributes {
                    ocsps.extend(
                        attributes
                            .revocation_archival
                            .ocsp_responses
                            .iter()
                            .cloned(),
                    );
                    crls.extend(attributes.revocation_archival.crls.iter().cloned());
                }
                ocsps.extend(dss.ocsps.iter().cloned());
                crls.extend(dss.crls.iter().cloned());
                let facts = revocation_status(certificate, issuer, &ocsps, &crls, now());
                assert!(!facts.findings.is_empty() || facts.status != RevocationStatus::Unknown);
            }
            signers += 1;
        }
    }
    assert!(signers > 50, "{signers} signers read");
}
