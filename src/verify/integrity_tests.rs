//! Integrity on real files from other producers (the shared corpus) and on signatures Kyso
//! makes, tampered with in every way the ByteRange and the CMS allow.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::*;
use crate::pdf::{IncrementalUpdate, Object, ObjectId};
use crate::pki::demo::{DemoIdentity, DemoOptions, DemoPki};
use crate::sign::{SignatureRequest, sign_document};
use crate::token::{RsaPadding, SignerOptions, SoftwareSigner};
use crate::verify::discovery::{RawByteRange, find_signatures};

/// The shared corpus sits beside the repository (`../shared/`), on developer machines and in CI.
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/pdfs");
const MANIFEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/MANIFEST.tsv");

fn corpus(name: &str) -> PathBuf {
    Path::new(CORPUS).join(name)
}

/// Every signature of a file with its integrity facts.
fn check_file(file: &PdfFile) -> Vec<(SignatureSite, IntegrityFacts)> {
    find_signatures(file)
        .expect("signatures can be listed")
        .into_iter()
        .map(|site| {
            let facts = check_integrity(file, &site);
            (site, facts)
        })
        .collect()
}

fn check_bytes(bytes: Vec<u8>) -> Vec<(SignatureSite, IntegrityFacts)> {
    check_file(&PdfFile::from_bytes(bytes).expect("the PDF opens"))
}

fn codes(facts: &IntegrityFacts) -> Vec<&str> {
    facts.findings.iter().map(|f| f.code.as_str()).collect()
}

fn sub_indications(facts: &IntegrityFacts) -> Vec<SubIndication> {
    facts
        .findings
        .iter()
        .filter_map(|f| f.sub_indication)
        .collect()
}

// --- The shared corpus against MANIFEST.tsv ---

/// Files where Kyso's integrity differs from what the source's own test asserts, and why.
/// Anything not listed here must agree.
const KNOWN_DIFFERENCES: &[(&str, Integrity, &str)] = &[
    (
        "dss_dss-1420_PAdES-BpB-att-SHA256-SHA3_224withRSA.pdf",
        Integrity::Intact,
        "labelled SHA3-224withRSA but made with SHA-256 (the DigestInfo says so): the bytes and \
         the RSA signature verify, and the mislabelling is an algorithm-mismatch finding \
         (SIG_CONSTRAINTS_FAILURE → INDETERMINATE, rejected under `incoming`); DSS calls it \
         not valid",
    ),
    (
        "itext_drv_twoCertificationSignatures.pdf",
        Integrity::Broken,
        "iText's test only checks DocMDP; Signature2's digest does not match (pyHanko: INVALID, \
         pdfsig: Digest Mismatch)",
    ),
    (
        "itext_ext_sample-brainpoolP384r1-sha384.pdf",
        Integrity::Unknown,
        "ECDSA on brainpoolP384r1 is not verified by Kyso (unsupported-algorithm, INDETERMINATE)",
    ),
    (
        "itext_ext_sample-brainpoolP384r1-sha3_384.pdf",
        Integrity::Unknown,
        "ECDSA on brainpoolP384r1 is not verified by Kyso (unsupported-algorithm, INDETERMINATE)",
    ),
    (
        "itext_ext_sample-ed448-shake256.pdf",
        Integrity::Unknown,
        "Ed448 with SHAKE256 is not verified by Kyso (unsupported-algorithm, INDETERMINATE)",
    ),
];

/// The integrity of a whole file: the worst of every signature, signature time-stamp and
/// document time-stamp. `Unknown` when the reader refuses the file (encrypted).
fn file_integrity(path: &Path) -> (Integrity, usize) {
    let Ok(file) = PdfFile::open(path) else {
        return (Integrity::Unknown, 0);
    };
    let checked = check_file(&file);
    let worst = checked
        .iter()
        .map(|(_, facts)| facts.with_timestamps())
        .fold(Integrity::Intact, worse);
    (worst, checked.len())
}

#[test]
fn corpus_integrity_agrees_with_the_manifest() {
    let manifest = std::fs::read_to_string(MANIFEST).expect("MANIFEST.tsv beside the repository");
    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (file_col, verdict_col, count_col) = (
        column("file"),
        column("expected_verdict"),
        column("signature_fields"),
    );
    let known: BTreeMap<&str, (Integrity, &str)> = KNOWN_DIFFERENCES
        .iter()
        .map(|&(file, integrity, reason)| (file, (integrity, reason)))
        .collect();
    let mut disagreements = Vec::new();
    let mut files = 0;
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        let (name, verdict) = (fields[file_col], fields[verdict_col]);
        let (integrity, found) = file_integrity(&corpus(name));
        files += 1;
        let agrees = match verdict {
            "invalid" => integrity != Integrity::Intact,
            "valid" | "intact-with-changes" | "intact-but-modified" => {
                integrity == Integrity::Intact
            }
            "indeterminate" => integrity != Integrity::Broken,
            _ => true,
        };
        match known.get(name) {
            Some((expected, reason)) => assert_eq!(
                integrity, *expected,
                "{name}: the known difference changed ({reason})"
            ),
            None if !agrees => disagreements.push(format!("{name}: {verdict} but {integrity:?}")),
            None => {}
        }
        // Every signature the manifest counts is found, and no more (the manifest counts
        // `/ByteRange` occurrences; a rewritten dictionary counts twice there, once here).
        if let Ok(expected) = fields[count_col].parse::<usize>()
            && found > 0
            && name != "itext_drv_lockedSignatureFieldModified.pdf"
        {
            assert_eq!(found, expected, "{name}: signatures found");
        }
    }
    assert!(files >= 80, "only {files} corpus files read");
    assert!(
        disagreements.is_empty(),
        "unlisted disagreements:\n{}",
        disagreements.join("\n")
    );
}

#[test]
fn corpus_signatures_are_all_reached_by_their_fields() {
    for entry in std::fs::read_dir(CORPUS).expect("corpus") {
        let path = entry.expect("entry").path();
        let Ok(file) = PdfFile::open(&path) else {
            continue;
        };
        for site in find_signatures(&file).expect("signatures") {
            assert!(site.reached_by_field, "{}: {site:?}", path.display());
        }
    }
}

#[test]
fn direct_signature_dictionary_is_found_with_its_contents_span() {
    let file = PdfFile::open(corpus("itext_su_notIndirectSigDictionaryTest.pdf")).unwrap();
    let [(site, facts)] = &check_file(&file)[..] else {
        panic!("one signature expected")
    };
    assert_eq!(site.signature_id, None);
    assert!(matches!(
        site.dictionary_location,
        DictionaryLocation::DirectInField { .. }
    ));
    assert!(facts.gap_is_contents, "{:?}", facts.findings);
    assert_eq!(facts.status, Integrity::Intact);
}

#[test]
fn rewritten_signature_dictionary_is_one_signature_checked_as_signed() {
    // iText's lockedSignatureFieldModified: a later revision writes Signature2's dictionary
    // again; its ByteRange still names the first version's /Contents.
    let file = PdfFile::open(corpus("itext_drv_lockedSignatureFieldModified.pdf")).unwrap();
    let checked = check_file(&file);
    assert_eq!(checked.len(), 2);
    let (site, facts) = &checked[1];
    assert_eq!(site.field_name.as_deref(), Some("Signature2"));
    assert!(site.rewritten_from.is_some());
    assert_eq!(facts.status, Integrity::Intact);
    assert_eq!(codes(facts), ["signature-dictionary-rewritten"]);
}

#[test]
fn corpus_algorithms_are_verified_or_named() {
    let one = |name: &str| {
        let file = PdfFile::open(corpus(name)).unwrap();
        let mut checked = check_file(&file);
        assert_eq!(checked.len(), 1, "{name}");
        checked.remove(0).1
    };
    for name in [
        "itext_ext_sample-ed25519-sha512.pdf",
        "itext_ext_sample-nistp256-sha3_256.pdf",
        "itext_ext_sample-pss-sha3_256.pdf",
        "itext_ext_sample-rsa-sha3_256.pdf",
        "itext_pss_cmp_simplePssSignature.pdf",
    ] {
        let facts = one(name);
        assert_eq!(
            facts.status,
            Integrity::Intact,
            "{name}: {:?}",
            facts.findings
        );
        assert!(facts.findings.is_empty(), "{name}: {:?}", facts.findings);
    }
    let ed25519 = one("itext_ext_sample-ed25519-sha512.pdf");
    assert_eq!(
        ed25519.signature_algorithm,
        Some(SignatureAlgorithm::Ed25519)
    );

    // Ed25519 over a SHA-1 document digest: the bytes verify, SHA-1 and RFC 8419 are named.
    let bad = one("itext_iso_bad-digest-ed25519.pdf");
    assert_eq!(bad.status, Integrity::Intact);
    assert_eq!(codes(&bad), ["weak-digest", "ed25519-digest-not-sha512"]);
    assert!(sub_indications(&bad).contains(&SubIndication::CryptoConstraintsFailure));

    // Not verified, said so: INDETERMINATE, never TOTAL-FAILED.
    for name in [
        "itext_ext_sample-ed448-shake256.pdf",
        "itext_ext_sample-brainpoolP384r1-sha384.pdf",
        "itext_pkcs7_signatureWithInvalidOcspTest.pdf",
    ] {
        let facts = one(name);
        assert_eq!(facts.status, Integrity::Unknown, "{name}");
        assert!(codes(&facts).contains(&"unsupported-algorithm"), "{name}");
        assert!(
            sub_indications(&facts)
                .iter()
                .all(|s| s.indication() == crate::verify::indication::Indication::Indeterminate),
            "{name}"
        );
    }

    // RSASSA-PSS with a different MGF1 hash: named, not verified.
    let mgf = one("itext_pss_mgfDiscrepancy.pdf");
    assert_eq!(mgf.status, Integrity::Unknown);
    assert_eq!(codes(&mgf), ["pss-mgf-mismatch"]);

    // SHA-384 digest with sha256WithRSA: verifies, and the mismatch is named.
    let mismatch = one("itext_svi_revDataInTheSignatureContainer.pdf");
    assert_eq!(mismatch.status, Integrity::Intact);
    assert_eq!(codes(&mismatch), ["algorithm-mismatch"]);
    // Its CRLs and the OCSP response sit untagged in `crls`.
    assert!(!mismatch.cms_revocation.is_empty());
}

#[test]
fn embedded_revocation_values_are_collected() {
    let file = PdfFile::open(corpus("itext_pkcs7_signatureWithValidOcspTest.pdf")).unwrap();
    let checked = check_file(&file);
    let facts = &checked[0].1;
    assert!(
        !facts.revocation_archival.ocsp_responses.is_empty(),
        "adbe-revocationInfoArchival OCSP response"
    );
    for response in &facts.revocation_archival.ocsp_responses {
        // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, … }
        assert_eq!(&response[..1], &[0x30]);
    }
}

// --- Time-stamps in the corpus ---

#[test]
fn signature_timestamp_of_pades_b_t_verifies() {
    let file = PdfFile::open(corpus("itext_pades_B-T.pdf")).unwrap();
    let checked = check_file(&file);
    let facts = &checked[0].1;
    assert_eq!(facts.status, Integrity::Intact);
    let [stamp] = &facts.signature_timestamps[..] else {
        panic!("one signature time-stamp")
    };
    assert_eq!(stamp.status, Integrity::Intact, "{:?}", stamp.findings);
    assert_eq!(stamp.imprint_ok, Some(true));
    assert_eq!(stamp.signature_ok, Some(true));
    assert!(stamp.gen_time.is_some());
    assert!(stamp.tsa.is_some());
    assert!(!stamp.certificates.is_empty());
    assert_eq!(
        stamp.tsa_key_purpose,
        timestamp::TsaKeyPurpose::TimeStampingCritical
    );
}

#[test]
fn document_timestamps_verify_including_ber_and_sha1() {
    let file = PdfFile::open(corpus("itext_sv_timestampSignatureDoc.pdf")).unwrap();
    let [(site, facts)] = &check_file(&file)[..] else {
        panic!("one document time-stamp")
    };
    assert_eq!(site.kind, SignatureKind::DocumentTimestamp);
    assert_eq!(facts.status, Integrity::Intact, "{:?}", facts.findings);
    let token = facts.document_timestamp.as_ref().expect("token facts");
    assert_eq!(token.imprint_ok, Some(true));
    assert_eq!(token.signature_ok, Some(true));

    // BER-encoded token with SHA-1: intact, and SHA-1 is named.
    let file = PdfFile::open(corpus("itext_pkcs7_timeStampSignatureBerEncoded.pdf")).unwrap();
    let [(_, facts)] = &check_file(&file)[..] else {
        panic!("one document time-stamp")
    };
    assert_eq!(facts.status, Integrity::Intact, "{:?}", facts.findings);
    assert!(codes(facts).contains(&"weak-digest"));
    let token = facts.document_timestamp.as_ref().expect("token facts");
    assert_eq!(token.digest_algorithm, Some(DigestAlgorithm::Sha1));
    assert_eq!(token.imprint_ok, Some(true));
}

#[test]
fn altered_timestamps_are_broken() {
    // genTime changed in the signature time-stamp: the token's signature fails.
    let file = PdfFile::open(corpus("itext_sv_signatureWithModifiedTimestampDate.pdf")).unwrap();
    let checked = check_file(&file);
    let facts = &checked[0].1;
    assert_eq!(facts.status, Integrity::Intact);
    assert_eq!(facts.signature_timestamps[0].status, Integrity::Broken);
    assert_eq!(facts.signature_timestamps[0].signature_ok, Some(false));
    assert_eq!(facts.with_timestamps(), Integrity::Broken);

    // A signature time-stamp over something else: the imprint fails.
    let file = PdfFile::open(corpus("itext_sv_docWithBrokenTimestamp.pdf")).unwrap();
    let checked = check_file(&file);
    let stamp = &checked[0].1.signature_timestamps[0];
    assert_eq!(stamp.status, Integrity::Broken);
    assert_eq!(stamp.imprint_ok, Some(false));
    assert!(
        stamp
            .findings
            .iter()
            .any(|f| f.sub_indication == Some(SubIndication::HashFailure))
    );

    // A document time-stamp whose genTime was changed.
    let file = PdfFile::open(corpus("itext_sv_modifiedDocTimestampDate.pdf")).unwrap();
    let checked = check_file(&file);
    assert_eq!(checked[0].1.status, Integrity::Broken);
    assert!(sub_indications(&checked[0].1).contains(&SubIndication::SigCryptoFailure));
}

#[test]
fn corrupted_signature_with_intact_timestamp() {
    let file = PdfFile::open(corpus(
        "itext_pkcs7_embeddedTimeStampCorruptedSignature.pdf",
    ))
    .unwrap();
    let checked = check_file(&file);
    let facts = &checked[0].1;
    assert_eq!(facts.status, Integrity::Broken);
    assert!(sub_indications(facts).contains(&SubIndication::HashFailure));
    // The time-stamp still covers the signature value as it is (iText's test asserts this).
    assert_eq!(facts.signature_timestamps[0].imprint_ok, Some(true));
}

// --- Signatures Kyso makes, then tampers with ---

/// The demo PKI, generated once for these tests (RSA key generation dominates the time).
fn demo_pki() -> &'static DemoPki {
    static PKI: OnceLock<(tempfile::TempDir, DemoPki)> = OnceLock::new();
    &PKI.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let pki = DemoPki::generate(dir.path(), &DemoOptions::default()).expect("demo PKI");
        (dir, pki)
    })
    .1
}

fn software_signer(identity: &DemoIdentity, options: SignerOptions) -> SoftwareSigner {
    let pki = demo_pki();
    let chain = std::fs::read_to_string(&pki.ca_chain_pem_path).expect("CA chain");
    let certificates = format!("{}\n{chain}", identity.certificate_pem);
    SoftwareSigner::from_pem(&identity.key_pkcs8_pem, &certificates, None, options)
        .expect("demo key")
}

/// A one-page document signed by Kyso with `signer`.
fn signed_with(signer: &SoftwareSigner) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in.pdf");
    let output = dir.path().join("out.pdf");
    crate::pdf::fixtures::write_classic_pdf(&input, 1).expect("fixture");
    sign_document(signer, &input, &output, &SignatureRequest::default(), false).expect("signed");
    std::fs::read(&output).expect("output")
}

fn kyso_signed() -> Vec<u8> {
    static SIGNED: OnceLock<Vec<u8>> = OnceLock::new();
    SIGNED
        .get_or_init(|| {
            signed_with(&software_signer(
                &demo_pki().leader,
                SignerOptions::default(),
            ))
        })
        .clone()
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle present")
}

#[test]
fn kyso_signature_is_intact_with_every_fact() {
    let bytes = kyso_signed();
    let len = bytes.len() as u64;
    let [(site, facts)] = &check_bytes(bytes)[..] else {
        panic!("one signature")
    };
    assert!(site.reached_by_field);
    assert_eq!(site.sub_filter.as_deref(), Some("ETSI.CAdES.detached"));
    assert_eq!(facts.status, Integrity::Intact, "{:?}", facts.findings);
    assert!(facts.findings.is_empty(), "{:?}", facts.findings);
    assert!(facts.gap_is_contents && facts.covered_end_at_eof && facts.covers_whole_file);
    assert_eq!(facts.covered_end, Some(len));
    assert_eq!(facts.digest_algorithm, Some(DigestAlgorithm::Sha256));
    assert_eq!(
        facts.signing_certificate,
        Some(BindingCheck::Matches { version: 2 })
    );
    assert_eq!(facts.signed_attributes_der_sorted, Some(true));
    assert_eq!(
        facts.signer.as_ref().and_then(|s| s.common_name.as_deref()),
        Some("Nguyễn Văn An")
    );
    assert_eq!(facts.certificates.len(), 3, "signer, issuing CA, root");
    // The facts serialise for the report.
    let json = serde_json::to_value(facts).unwrap();
    assert_eq!(json["status"], "intact");
}

#[test]
fn ecdsa_and_pss_signatures_from_kyso_verify() {
    let pki = demo_pki();
    for (identity, options) in [
        (&pki.ec_person, SignerOptions::default()),
        (
            &pki.leader,
            SignerOptions {
                rsa_padding: RsaPadding::Pss,
                hash: Some(crate::token::HashAlgorithm::Sha384),
            },
        ),
    ] {
        let bytes = signed_with(&software_signer(identity, options));
        let [(_, facts)] = &check_bytes(bytes)[..] else {
            panic!("one signature")
        };
        assert_eq!(facts.status, Integrity::Intact, "{:?}", facts.findings);
    }
}

#[test]
fn byte_flipped_inside_the_covered_range_is_a_hash_failure() {
    let mut bytes = kyso_signed();
    // A letter of the page text, inside the first covered range.
    let at = find(&bytes, b"Kyso test page") + 1;
    bytes[at] ^= 0x20;
    let [(_, facts)] = &check_bytes(bytes)[..] else {
        panic!("one signature")
    };
    assert_eq!(facts.status, Integrity::Broken);
    assert_eq!(codes(facts), ["document-digest-mismatch"]);
    assert_eq!(sub_indications(facts), [SubIndication::HashFailure]);
}

#[test]
fn byte_flipped_inside_the_signature_value_is_a_crypto_failure() {
    let mut bytes = kyso_signed();
    let sites = check_bytes(bytes.clone());
    let value = &sites[0].1.signature_value;
    // The value's hex, upper or lower case, inside /Contents.
    let hex = hex::encode_upper(value);
    let at = bytes
        .windows(hex.len())
        .position(|w| w.eq_ignore_ascii_case(hex.as_bytes()))
        .expect("signature value in /Contents")
        + hex.len() / 2;
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    let [(_, facts)] = &check_bytes(bytes)[..] else {
        panic!("one signature")
    };
    assert_eq!(facts.status, Integrity::Broken);
    assert_eq!(codes(facts), ["signature-invalid"]);
    assert_eq!(sub_indications(facts), [SubIndication::SigCryptoFailure]);
}

#[test]
fn shrunk_contents_no_longer_fills_the_gap() {
    // `…00>` becomes `…0> ` (same file length): the /Contents token is one byte short of
    // the gap, which now covers a byte outside any string.
    let mut bytes = kyso_signed();
    let contents = find(&bytes, b"/Contents <");
    let close = contents + find(&bytes[contents..], b">");
    bytes[close - 1] = b'>';
    bytes[close] = b' ';
    let [(site, facts)] = &check_bytes(bytes)[..] else {
        panic!("one signature")
    };
    assert!(site.contents_span.is_some());
    assert_eq!(facts.status, Integrity::Broken);
    assert!(codes(facts).contains(&"byte-range-gap-not-contents"));
    assert!(sub_indications(facts).contains(&SubIndication::FormatFailure));
}

#[test]
fn enlarged_contents_starts_before_the_gap() {
    // `/Contents <` becomes `/Contents<0`: the string starts one byte before the gap.
    let mut bytes = kyso_signed();
    let at = find(&bytes, b"/Contents <") + 9;
    bytes[at] = b'<';
    bytes[at + 1] = b'0';
    let [(_, facts)] = &check_bytes(bytes)[..] else {
        panic!("one signature")
    };
    assert_eq!(facts.status, Integrity::Broken);
    assert!(codes(facts).contains(&"byte-range-gap-not-contents"));
}

#[test]
fn changed_byte_range_is_a_format_failure() {
    let original = kyso_signed();
    let sites = check_bytes(original.clone());
    let [a, b, c, d] = sites[0].1.byte_range.expect("byte range");
    let at = find(&original, b"/ByteRange");
    let end = at + find(&original[at..], b"]") + 1;
    let width = end - at;
    let rewrite = |values: [u64; 4]| {
        let mut bytes = original.clone();
        let text = format!(
            "/ByteRange [{} {} {} {}]",
            values[0], values[1], values[2], values[3]
        );
        assert!(text.len() <= width);
        let padded = format!("{text:<width$}");
        bytes[at..end].copy_from_slice(padded.as_bytes());
        check_bytes(bytes)
    };
    // Covering less at the end (`EOF` and the end-of-line left out).
    let checked = rewrite([a, b, c, d - 4]);
    assert_eq!(checked[0].1.status, Integrity::Broken);
    assert!(codes(&checked[0].1).contains(&"byte-range-not-at-revision-end"));
    // Not from the start of the file.
    let checked = rewrite([a + 1, b - 1, c, d]);
    assert!(codes(&checked[0].1).contains(&"byte-range-not-from-start"));
    assert_eq!(checked[0].1.status, Integrity::Broken);
    // A gap one byte wider than /Contents.
    let checked = rewrite([a, b - 1, c, d]);
    assert!(codes(&checked[0].1).contains(&"byte-range-gap-not-contents"));
    // Past the end of the file.
    let checked = rewrite([a, b, c, d + 10]);
    assert!(codes(&checked[0].1).contains(&"byte-range-beyond-file"));
    assert_eq!(checked[0].1.status, Integrity::Broken);
}

#[test]
fn malformed_byte_ranges_are_findings_not_panics() {
    let original = kyso_signed();
    let at = find(&original, b"/ByteRange");
    let end = at + find(&original[at..], b"]") + 1;
    let width = end - at;
    for text in [
        "/ByteRange [0 1 2]",
        "/ByteRange [-5 10 20 30]",
        "/ByteRange [0 99999999999999999 1 1]",
        "/ByteRange (not an array)",
        "/ByteRange [0 10 5 5]",
        "/ByteRange [18446744073 1 1 1]",
    ] {
        let mut bytes = original.clone();
        bytes[at..end].copy_from_slice(format!("{text:<width$}").as_bytes());
        let checked = check_bytes(bytes);
        assert_eq!(checked[0].1.status, Integrity::Broken, "{text}");
        assert!(
            sub_indications(&checked[0].1).contains(&SubIndication::FormatFailure),
            "{text}"
        );
    }
    // The raw values are reported as written.
    let mut bytes = original.clone();
    bytes[at..end].copy_from_slice(format!("{:<width$}", "/ByteRange [-5 10 20 30]").as_bytes());
    let sites = find_signatures(&PdfFile::from_bytes(bytes).unwrap()).unwrap();
    assert_eq!(
        sites[0].byte_range,
        RawByteRange::Integers(vec![-5, 10, 20, 30])
    );
}

#[test]
fn bytes_appended_after_eof_leave_the_signature_intact_but_uncovered() {
    let mut bytes = kyso_signed();
    let signed_len = bytes.len() as u64;
    bytes.extend_from_slice(b"\n% appended after signing\n");
    let [(_, facts)] = &check_bytes(bytes)[..] else {
        panic!("one signature")
    };
    assert_eq!(facts.status, Integrity::Intact);
    assert_eq!(facts.covered_end, Some(signed_len));
    assert!(!facts.covers_whole_file);
}

#[test]
fn signature_dictionary_no_field_reaches_is_flagged_as_wrapping() {
    // Signature wrapping: an update adds a copy of the signature dictionary as a new object
    // that no field's /V points to (an attacker then repoints the field elsewhere).
    let bytes = kyso_signed();
    let file = PdfFile::from_bytes(bytes.clone()).unwrap();
    let sites = find_signatures(&file).unwrap();
    let original_id = sites[0]
        .signature_id
        .expect("indirect signature dictionary");
    let Object::Dictionary(dict) = file.get(original_id).unwrap() else {
        panic!("signature dictionary")
    };
    let mut update = IncrementalUpdate::new(&file);
    let copy: ObjectId = update.allocate().unwrap();
    update.put(copy, Object::Dictionary(dict));
    let finished = update.finish().unwrap();
    let mut wrapped = bytes;
    wrapped.extend_from_slice(&finished.bytes);

    let file = PdfFile::from_bytes(wrapped).unwrap();
    let sites = find_signatures(&file).unwrap();
    assert_eq!(sites.len(), 2);
    let orphan = sites
        .iter()
        .find(|s| s.signature_id == Some(copy))
        .expect("the copy is discovered");
    assert!(!orphan.reached_by_field);
    let reached = sites
        .iter()
        .find(|s| s.signature_id == Some(original_id))
        .unwrap();
    assert!(reached.reached_by_field);
    // The copy's /Contents is not its ByteRange gap.
    let facts = check_integrity(&file, orphan);
    assert!(codes(&facts).contains(&"byte-range-gap-not-contents"));
}

#[test]
fn overlapping_gaps_are_flagged_for_both_signatures() {
    let bytes = kyso_signed();
    let file = PdfFile::from_bytes(bytes).unwrap();
    let site = find_signatures(&file).unwrap().remove(0);
    let RawByteRange::Integers(values) = &site.byte_range else {
        panic!("integers")
    };
    // A second dictionary whose gap starts inside the first one's.
    let mut other = site.clone();
    other.dictionary_location = DictionaryLocation::InFile { offset: 1 };
    other.field_name = Some("Wrapped".to_owned());
    other.byte_range =
        RawByteRange::Integers(vec![0, values[1] + 10, values[2] + 10, values[3] - 10]);
    let findings = check_gap_overlaps(&[site.clone(), other]);
    assert_eq!(findings.len(), 2);
    assert!(
        findings
            .iter()
            .all(|(_, f)| f.code == "byte-range-gaps-overlap")
    );
    // Disjoint gaps, and the same dictionary twice, are not overlaps.
    assert!(check_gap_overlaps(&[site.clone(), site]).is_empty());
}

#[test]
fn empty_placeholder_is_not_a_signature() {
    // /Contents of zeros: an unsigned field's placeholder.
    let mut bytes = kyso_signed();
    let start = find(&bytes, b"/Contents <") + 11;
    let end = start + find(&bytes[start..], b">");
    bytes[start..end].fill(b'0');
    let [(_, facts)] = &check_bytes(bytes)[..] else {
        panic!("one signature")
    };
    assert_eq!(facts.status, Integrity::Broken);
    assert_eq!(codes(facts), ["signature-empty"]);
    // And garbage that is not a CMS.
    let mut bytes = kyso_signed();
    let start = find(&bytes, b"/Contents <") + 11;
    bytes[start..start + 8].copy_from_slice(b"DEADBEEF");
    let [(_, facts)] = &check_bytes(bytes)[..] else {
        panic!("one signature")
    };
    assert_eq!(codes(facts), ["cms-malformed"]);
}

#[test]
fn every_finding_speaks_vietnamese_first() {
    let problems = [
        IntegrityProblem::ByteRangeMalformed { detail: "x".into() },
        IntegrityProblem::GapNotContents {
            gap: 1..2,
            contents: None,
        },
        IntegrityProblem::MessageDigestMismatch,
        IntegrityProblem::SignatureInvalid,
        IntegrityProblem::WeakRsaKey { bits: 1024 },
        IntegrityProblem::UnsupportedAlgorithm {
            name: "Ed448".into(),
        },
    ];
    for problem in problems {
        let message = problem.message();
        assert_ne!(message.vi, message.en, "{problem:?}");
        assert!(!message.vi.is_empty() && !message.en.is_empty());
        assert_eq!(problem.to_finding().code, message.code);
    }
    assert!(
        IntegrityProblem::MessageDigestMismatch
            .message()
            .vi
            .contains("đã bị thay đổi")
    );
}

#[test]
fn file_is_hashed_in_chunks_across_ranges() {
    // A file larger than several chunks, read through a file-backed source.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.pdf");
    crate::pdf::fixtures::write_sample_pdf(&path, 1, 300_000).unwrap();
    let file = PdfFile::open(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let len = bytes.len() as u64;
    let ranges = [0..len / 2, len / 2 + 3..len];
    let streamed = digest_ranges(&file, &ranges, DigestAlgorithm::Sha384).unwrap();
    let mut whole = bytes[..(len / 2) as usize].to_vec();
    whole.extend_from_slice(&bytes[(len / 2 + 3) as usize..]);
    assert_eq!(streamed, DigestAlgorithm::Sha384.digest(&whole));
}

#[test]
fn corrupted_or_truncated_cms_never_panics() {
    let original = kyso_signed();
    let start = find(&original, b"/Contents <") + 11;
    let end = start + find(&original[start..], b">");
    // Flip hex digits all through the CMS: each result is a finding, never a panic. (A flip
    // inside an issuer certificate leaves the signature intact: `certificates` is not signed;
    // the certificate path catches it.)
    let mut broken = 0;
    let mut tried = 0;
    for at in (start..end).step_by(41) {
        let mut bytes = original.clone();
        bytes[at] = if bytes[at] == b'f' || bytes[at] == b'F' {
            b'0'
        } else {
            b'f'
        };
        let checked = check_bytes(bytes);
        tried += 1;
        if checked[0].1.status != Integrity::Intact {
            broken += 1;
        }
    }
    assert!(broken * 2 > tried, "{broken} of {tried} flips noticed");
    // Every cut-short CMS is refused as malformed.
    let sites = check_bytes(original.clone());
    let cms = &sites[0].0.contents;
    let len = crate::cms::ParsedSignedData::parse(cms)
        .map(|p| p.signature_value.len())
        .unwrap();
    assert!(len > 0);
    for cut in (0..cms.len().min(4096)).step_by(7) {
        if cms[cut..].iter().all(|&b| b == 0) {
            continue;
        }
        assert!(
            crate::cms::ParsedSignedData::parse(&cms[..cut]).is_err(),
            "{cut}"
        );
    }
}

// --- adbe.pkcs7.sha1, as Vietnamese signers in the field write it ---

/// A SignedData the way `adbe.pkcs7.sha1` signers write it (ISO 32000-1 §12.8.3.3.1): the
/// SHA-1 of the covered bytes encapsulated as id-data, signed with SHA-1 and RSA, with or
/// without signed attributes. Built here by hand because Kyso never signs this way.
fn pkcs7_sha1_container(identity: &DemoIdentity, document_sha1: &[u8], signed: bool) -> Vec<u8> {
    use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
    use cms::content_info::{CmsVersion, ContentInfo};
    use cms::signed_data::{
        CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo,
        SignerInfos,
    };
    use der::asn1::{OctetString, SetOfVec};
    use der::{Any, Decode, Encode, Tag};
    use pkcs8::DecodePrivateKey;
    use spki::AlgorithmIdentifierOwned;
    use x509_cert::Certificate;
    use x509_cert::attr::Attribute;

    let oid = const_oid::ObjectIdentifier::new_unwrap;
    let key = rsa::RsaPrivateKey::from_pkcs8_der(&identity.key_pkcs8_der).unwrap();
    let certificate = Certificate::from_der(&identity.certificate_der).unwrap();
    let sha1 = AlgorithmIdentifierOwned {
        oid: oid("1.3.14.3.2.26"),
        parameters: None,
    };
    let sign = |message: &[u8]| {
        let digest = DigestAlgorithm::Sha1.digest(message);
        let info = crate::cms::signature::digest_info(DigestAlgorithm::Sha1, &digest, true);
        key.sign(rsa::Pkcs1v15Sign::new_unprefixed(), &info)
            .unwrap()
    };
    let (signed_attrs, signature) = if signed {
        let attribute = |type_oid: &str, value: Any| Attribute {
            oid: oid(type_oid),
            values: SetOfVec::try_from(vec![value]).unwrap(),
        };
        let content_type = Any::encode_from(&crate::cms::inspect::ID_DATA).unwrap();
        let message_digest = Any::encode_from(
            &OctetString::new(DigestAlgorithm::Sha1.digest(document_sha1)).unwrap(),
        )
        .unwrap();
        let attributes = SetOfVec::try_from(vec![
            attribute("1.2.840.113549.1.9.3", content_type),
            attribute("1.2.840.113549.1.9.4", message_digest),
        ])
        .unwrap();
        let signature = sign(&attributes.to_der().unwrap());
        (Some(attributes), signature)
    } else {
        (None, sign(document_sha1))
    };
    let tbs = certificate.tbs_certificate();
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer().clone(),
            serial_number: tbs.serial_number().clone(),
        }),
        digest_alg: sha1.clone(),
        signed_attrs,
        signature_algorithm: AlgorithmIdentifierOwned {
            oid: oid("1.2.840.113549.1.1.1"),
            parameters: Some(Any::null()),
        },
        signature: OctetString::new(signature).unwrap(),
        unsigned_attrs: None,
    };
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![sha1]).unwrap(),
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: crate::cms::inspect::ID_DATA,
            econtent: Some(Any::new(Tag::OctetString, document_sha1.to_vec()).unwrap()),
        },
        certificates: Some(CertificateSet(
            SetOfVec::try_from(vec![CertificateChoices::Certificate(certificate.clone())]).unwrap(),
        )),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer_info]).unwrap()),
    };
    ContentInfo {
        content_type: oid("1.2.840.113549.1.7.2"),
        content: Any::encode_from(&signed_data).unwrap(),
    }
    .to_der()
    .unwrap()
}

/// A one-page document signed `adbe.pkcs7.sha1` by the demo leader.
fn pkcs7_sha1_signed(signed_attributes: bool) -> Vec<u8> {
    let original = crate::pdf::fixtures::classic_pdf(1);
    let file = PdfFile::from_bytes(original.clone()).unwrap();
    let spec = crate::pdf::SignatureFieldSpec::invisible(8192);
    let mut prepared = crate::pdf::prepare_signature(&file, &spec).unwrap();
    // Same length, so every offset the update computed stays right.
    let from = b"/ETSI.CAdES.detached";
    let at = find(&prepared.update.bytes, from);
    prepared.update.bytes[at..at + from.len()].copy_from_slice(b"/adbe.pkcs7.sha1    ");
    let mut hasher = DigestAlgorithm::Sha1.hasher();
    hasher.update(&original);
    for part in prepared.signed_update_parts().unwrap() {
        hasher.update(part);
    }
    let document_sha1 = hasher.finalize();
    let container = pkcs7_sha1_container(&demo_pki().leader, &document_sha1, signed_attributes);
    prepared.fill_contents(&container).unwrap();
    let mut out = original;
    out.extend_from_slice(&prepared.update.bytes);
    out
}

#[test]
fn adbe_pkcs7_sha1_signatures_are_checked_and_named_weak() {
    for signed_attributes in [true, false] {
        let bytes = pkcs7_sha1_signed(signed_attributes);
        let [(site, facts)] = &check_bytes(bytes.clone())[..] else {
            panic!("one signature")
        };
        assert_eq!(site.sub_filter.as_deref(), Some("adbe.pkcs7.sha1"));
        assert_eq!(facts.status, Integrity::Intact, "{:?}", facts.findings);
        assert_eq!(facts.has_signed_attributes, signed_attributes);
        assert_eq!(codes(facts), ["weak-digest"], "{signed_attributes}");
        assert_eq!(
            sub_indications(facts),
            [SubIndication::CryptoConstraintsFailure]
        );

        // One byte of the page changed: the encapsulated SHA-1 no longer matches.
        let mut tampered = bytes;
        let at = find(&tampered, b"Kyso test page") + 2;
        tampered[at] ^= 0x01;
        let [(_, facts)] = &check_bytes(tampered)[..] else {
            panic!("one signature")
        };
        assert_eq!(facts.status, Integrity::Broken);
        assert!(sub_indications(facts).contains(&SubIndication::HashFailure));
    }
}
