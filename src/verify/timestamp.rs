//! RFC 3161 time-stamp tokens: signature time-stamps (an unsigned attribute of a signature,
//! RFC 3161 Appendix A, ETSI EN 319 122-1 §5.3) and document time-stamps (`ETSI.RFC3161`,
//! ETSI EN 319 142-1 §5.4).
//!
//! A token is a CMS SignedData whose eContent is a TSTInfo (id-ct-TSTInfo). Checked here:
//! the token's own signature (with the same checks as a document signature: signed
//! attributes, message-digest over the TSTInfo, the ESS signing-certificate binding, algorithm
//! strength); the messageImprint — for a signature time-stamp, the hash of the SignerInfo's
//! signature value; for a document time-stamp, the hash of the bytes its ByteRange covers;
//! and the TSA certificate's key purpose (RFC 3161 §2.3: extKeyUsage with only
//! id-kp-timeStamping, critical). The TSA's certificate path is for `pki::path`: the
//! certificates are handed on.

use std::ops::Range;

use serde::Serialize;
use time::OffsetDateTime;
use x509_cert::Certificate;
use x509_cert::ext::pkix::ExtendedKeyUsage;

use super::finding::{Finding, Severity};
use super::indication::SubIndication;
use super::integrity::{
    Checks, IntegrityProblem, check_signer_info, digest_ranges, serialize_time_opt, worse,
};
use super::report::Integrity;
use crate::cms::inspect::{EmbeddedRevocation, ID_CT_TST_INFO};
use crate::cms::{BindingCheck, DigestAlgorithm, ParsedSignedData, SignatureAlgorithm, TstInfo};
use crate::message::{Explain, Message};
use crate::pdf::PdfFile;
use crate::pki::CertificateInfo;

/// id-kp-timeStamping (RFC 3161 §2.3).
pub const ID_KP_TIME_STAMPING: &str = "1.3.6.1.5.5.7.3.8";

/// Which kind of time-stamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimestampKind {
    /// Over a signature value (unsigned attribute id-aa-signatureTimeStampToken).
    Signature,
    /// Over the document's bytes (`/SubFilter /ETSI.RFC3161`).
    Document,
}

/// What the TSA certificate's extKeyUsage says (RFC 3161 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TsaKeyPurpose {
    /// Only id-kp-timeStamping, and critical: as required.
    TimeStampingCritical,
    /// id-kp-timeStamping, but not critical or not alone.
    TimeStampingLax,
    /// No id-kp-timeStamping: not a time-stamping certificate.
    Missing,
    /// No TSA certificate to look at.
    Unknown,
}

/// Everything the check of one time-stamp token found.
#[derive(Debug, Clone, Serialize)]
pub struct TimestampFacts {
    pub kind: TimestampKind,
    /// Intact (token signature and imprint verify), broken, or unknown.
    pub status: Integrity,
    pub findings: Vec<Finding>,
    /// The TSTInfo, when it reads.
    pub tst_info: Option<TstInfo>,
    /// genTime: the time the TSA vouches for.
    #[serde(serialize_with = "serialize_time_opt")]
    pub gen_time: Option<OffsetDateTime>,
    /// Whether the messageImprint matches what the token must cover (`None`: not checkable).
    pub imprint_ok: Option<bool>,
    /// Whether the token's own signature verifies (`None`: not checkable).
    pub signature_ok: Option<bool>,
    /// The TSA's certificate.
    pub tsa: Option<CertificateInfo>,
    /// Its key purpose.
    pub tsa_key_purpose: TsaKeyPurpose,
    /// The token's digest and signature algorithms.
    pub digest_algorithm: Option<DigestAlgorithm>,
    pub signature_algorithm: Option<SignatureAlgorithm>,
    /// The ESS signing-certificate binding of the token.
    pub signing_certificate: Option<BindingCheck>,
    /// Every certificate of the token, original DER (for the TSA's path).
    #[serde(skip)]
    pub certificates: Vec<Vec<u8>>,
    /// Revocation data the token carries.
    #[serde(skip)]
    pub revocation: EmbeddedRevocation,
    /// For a document time-stamp: the digest of the covered bytes with the imprint's hash.
    #[serde(skip)]
    pub document_digest: Option<Vec<u8>>,
}

impl TimestampFacts {
    fn new(kind: TimestampKind) -> Self {
        TimestampFacts {
            kind,
            status: Integrity::Intact,
            findings: Vec::new(),
            tst_info: None,
            gen_time: None,
            imprint_ok: None,
            signature_ok: None,
            tsa: None,
            tsa_key_purpose: TsaKeyPurpose::Unknown,
            digest_algorithm: None,
            signature_algorithm: None,
            signing_certificate: None,
            certificates: Vec::new(),
            revocation: EmbeddedRevocation::default(),
            document_digest: None,
        }
    }
}

/// What can be wrong with a token beyond the checks it shares with signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimestampProblem {
    /// The token's eContent is not a TSTInfo.
    NotTstInfo { content_type: String },
    /// The messageImprint does not match what the token must cover.
    ImprintMismatch { kind: TimestampKind },
    /// The imprint's hash algorithm is unknown.
    ImprintAlgorithmUnknown { oid: String },
    /// The TSA certificate lacks the time-stamping key purpose.
    NotTimeStampingCertificate,
    /// The key purpose is there but not critical or not alone (RFC 3161 §2.3).
    TimeStampingPurposeLax,
}

impl TimestampProblem {
    fn severity(&self) -> Severity {
        match self {
            TimestampProblem::TimeStampingPurposeLax => Severity::Warning,
            _ => Severity::Failure,
        }
    }

    fn sub_indication(&self) -> Option<SubIndication> {
        Some(match self {
            TimestampProblem::NotTstInfo { .. } => SubIndication::FormatFailure,
            TimestampProblem::ImprintMismatch { .. } => SubIndication::HashFailure,
            TimestampProblem::ImprintAlgorithmUnknown { .. } => {
                SubIndication::CryptoConstraintsFailure
            }
            TimestampProblem::NotTimeStampingCertificate => SubIndication::ChainConstraintsFailure,
            TimestampProblem::TimeStampingPurposeLax => return None,
        })
    }

    fn effect(&self) -> Integrity {
        match self {
            TimestampProblem::NotTstInfo { .. } | TimestampProblem::ImprintMismatch { .. } => {
                Integrity::Broken
            }
            TimestampProblem::ImprintAlgorithmUnknown { .. } => Integrity::Unknown,
            _ => Integrity::Intact,
        }
    }
}

impl Explain for TimestampProblem {
    fn message(&self) -> Message {
        match self {
            TimestampProblem::NotTstInfo { content_type } => Message::new(
                "timestamp-not-tst-info",
                format!(
                    "Dấu thời gian không chứa thông tin thời gian RFC 3161 (loại nội dung {content_type})"
                ),
                format!(
                    "The time-stamp holds no RFC 3161 time-stamp info (content type {content_type})"
                ),
            ),
            TimestampProblem::ImprintMismatch {
                kind: TimestampKind::Signature,
            } => Message::new(
                "timestamp-imprint-mismatch",
                "Dấu thời gian không gắn với chữ ký này: giá trị băm trong dấu thời gian không khớp với giá trị chữ ký",
                "The time-stamp does not belong to this signature: its imprint does not match the signature value",
            ),
            TimestampProblem::ImprintMismatch {
                kind: TimestampKind::Document,
            } => Message::new(
                "timestamp-imprint-mismatch",
                "Tài liệu đã bị thay đổi: giá trị băm trong dấu thời gian tài liệu không khớp với nội dung được đóng dấu",
                "The document was changed: the document time-stamp's imprint does not match the stamped bytes",
            ),
            TimestampProblem::ImprintAlgorithmUnknown { oid } => Message::new(
                "unsupported-algorithm",
                format!("Thuật toán băm {oid} của dấu thời gian chưa được hỗ trợ"),
                format!("The time-stamp's hash algorithm {oid} is not supported"),
            ),
            TimestampProblem::NotTimeStampingCertificate => Message::new(
                "timestamp-certificate-purpose",
                "Chứng thư số của đơn vị cấp dấu thời gian không có mục đích sử dụng cấp dấu thời gian (timeStamping)",
                "The time-stamping authority's certificate is not meant for time-stamping (no timeStamping key purpose)",
            ),
            TimestampProblem::TimeStampingPurposeLax => Message::new(
                "timestamp-certificate-purpose-lax",
                "Mục đích sử dụng timeStamping trong chứng thư của đơn vị cấp dấu thời gian không được đánh dấu bắt buộc (critical) như RFC 3161 yêu cầu",
                "The timeStamping key purpose in the time-stamping authority's certificate is not critical (or not alone) as RFC 3161 requires",
            ),
        }
    }
}

fn report(facts: &mut TimestampFacts, problem: TimestampProblem) {
    facts.status = worse(facts.status, problem.effect());
    facts.findings.push(Finding::new(
        problem.severity(),
        problem.sub_indication(),
        problem.message(),
    ));
}

/// Parses a time-stamp token's CMS; `None` when it cannot be read, with that reported in `facts`.
fn parse_token(facts: &mut TimestampFacts, token: &[u8]) -> Option<ParsedSignedData> {
    match ParsedSignedData::parse(token) {
        Ok(parsed) => Some(parsed),
        Err(e) => {
            let mut checks = Checks::new();
            checks.report(IntegrityProblem::CmsMalformed {
                detail: e.to_string(),
            });
            facts.status = checks.status;
            facts.findings = checks.findings;
            None
        }
    }
}

/// Checks a signature time-stamp token (`token`, DER or BER) over `signature_value`, the
/// octets of the SignerInfo's signature (RFC 3161 Appendix A).
pub fn check_signature_timestamp(token: &[u8], signature_value: &[u8]) -> TimestampFacts {
    let mut facts = TimestampFacts::new(TimestampKind::Signature);
    let Some(parsed) = parse_token(&mut facts, token) else {
        return facts;
    };
    check_token(&mut facts, &parsed, |algorithm| {
        Ok(algorithm.digest(signature_value))
    });
    facts
}

/// Checks a token just received from a time-stamp authority (`pki::tsp`): the same checks as
/// for a token found in a file, with the imprint compared to `expected`, the hash with
/// `algorithm` of what the token must cover (known to the client, which asked for it).
pub fn check_token_against_imprint(
    token: &[u8],
    kind: TimestampKind,
    algorithm: DigestAlgorithm,
    expected: &[u8],
) -> TimestampFacts {
    let mut facts = TimestampFacts::new(kind);
    let Some(parsed) = parse_token(&mut facts, token) else {
        return facts;
    };
    check_token(&mut facts, &parsed, |used| {
        if used == algorithm {
            Ok(expected.to_vec())
        } else {
            Err(Some(format!(
                "the token's imprint uses {}, {} was asked for",
                used.name(),
                algorithm.name()
            )))
        }
    });
    facts
}

/// Checks the token of a document time-stamp whose ByteRange covers `covered` (`None` when the
/// ByteRange could not be read: the imprint is then not checked).
pub fn check_document_timestamp(
    file: &PdfFile,
    token: &ParsedSignedData,
    covered: Option<&[Range<u64>]>,
) -> TimestampFacts {
    let mut facts = TimestampFacts::new(TimestampKind::Document);
    let mut digest = None;
    check_token(&mut facts, token, |algorithm| match covered {
        None => Err(None),
        Some(ranges) => match digest_ranges(file, ranges, algorithm) {
            Ok(d) => {
                digest = Some(d.clone());
                Ok(d)
            }
            Err(e) => Err(Some(e.to_string())),
        },
    });
    facts.document_digest = digest;
    facts
}

/// The checks every token gets. `imprint_of` hashes what the token must cover with the
/// imprint's algorithm (`Err(None)`: nothing to compare with; `Err(Some(_))`: unreadable).
fn check_token(
    facts: &mut TimestampFacts,
    parsed: &ParsedSignedData,
    imprint_of: impl FnOnce(DigestAlgorithm) -> Result<Vec<u8>, Option<String>>,
) {
    facts.certificates = parsed.certificates.clone();
    facts.digest_algorithm = parsed.digest_algorithm;
    facts.signature_algorithm = parsed.signature_algorithm.clone().ok();
    facts.revocation = parsed.revocation_info.clone();
    if let Some(attributes) = &parsed.signed_attributes {
        facts
            .revocation
            .crls
            .extend(attributes.revocation_archival.crls.iter().cloned());
        facts.revocation.ocsp_responses.extend(
            attributes
                .revocation_archival
                .ocsp_responses
                .iter()
                .cloned(),
        );
    }

    if parsed.econtent_type != ID_CT_TST_INFO {
        report(
            facts,
            TimestampProblem::NotTstInfo {
                content_type: parsed.econtent_type.to_string(),
            },
        );
        return;
    }
    let mut checks = Checks::new();
    let Some(econtent) = &parsed.econtent else {
        checks.report(IntegrityProblem::ContentMismatch {
            detail: "a time-stamp token without its TSTInfo".to_owned(),
        });
        merge(facts, checks);
        return;
    };
    let tst_info = match TstInfo::parse(econtent) {
        Ok(info) => Some(info),
        Err(e) => {
            checks.report(IntegrityProblem::CmsMalformed {
                detail: e.to_string(),
            });
            None
        }
    };
    if parsed.signed_attributes.is_none() {
        checks.report(IntegrityProblem::SignedAttributesMissing);
    }
    let content_digest = parsed
        .content_digest_algorithm()
        .map(|algorithm| algorithm.digest(econtent));
    let signer = check_signer_info(
        parsed,
        content_digest.as_deref(),
        ID_CT_TST_INFO,
        "timestamp",
        &mut checks,
    );
    facts.signature_ok = match checks.status {
        Integrity::Broken => Some(false),
        Integrity::Intact => Some(true),
        Integrity::Unknown => None,
    };
    facts.signing_certificate = signer.binding;
    facts.tsa_key_purpose = match parsed.signer_certificate_der() {
        Some(der) => key_purpose(der),
        None => TsaKeyPurpose::Unknown,
    };
    facts.tsa = signer.signer;
    merge(facts, checks);

    if let Some(info) = tst_info {
        facts.gen_time = Some(info.gen_time);
        match info.imprint_algorithm {
            None => report(
                facts,
                TimestampProblem::ImprintAlgorithmUnknown {
                    oid: info.imprint_algorithm_oid.to_string(),
                },
            ),
            Some(algorithm) => {
                if algorithm.is_weak() {
                    let mut weak = Checks::new();
                    weak.report(IntegrityProblem::WeakDigest {
                        algorithm,
                        what: "timestamp",
                    });
                    merge(facts, weak);
                }
                match imprint_of(algorithm) {
                    Ok(expected) => {
                        let ok = expected == info.hashed_message;
                        facts.imprint_ok = Some(ok);
                        if !ok {
                            report(
                                facts,
                                TimestampProblem::ImprintMismatch { kind: facts.kind },
                            );
                        }
                    }
                    Err(None) => {}
                    Err(Some(detail)) => {
                        let mut unreadable = Checks::new();
                        unreadable.report(IntegrityProblem::Unreadable { detail });
                        merge(facts, unreadable);
                    }
                }
            }
        }
        facts.tst_info = Some(info);
    }
    match facts.tsa_key_purpose {
        TsaKeyPurpose::Missing => report(facts, TimestampProblem::NotTimeStampingCertificate),
        TsaKeyPurpose::TimeStampingLax => report(facts, TimestampProblem::TimeStampingPurposeLax),
        _ => {}
    }
}

fn merge(facts: &mut TimestampFacts, checks: Checks) {
    for finding in checks.findings {
        if !facts.findings.contains(&finding) {
            facts.findings.push(finding);
        }
    }
    facts.status = worse(facts.status, checks.status);
}

/// RFC 3161 §2.3: "The corresponding certificate MUST contain only one instance of the
/// extended key usage field extension … with KeyPurposeID having value: id-kp-timeStamping.
/// This extension MUST be critical."
fn key_purpose(certificate_der: &[u8]) -> TsaKeyPurpose {
    use der::Decode;
    let Ok(certificate) = Certificate::from_der(certificate_der) else {
        return TsaKeyPurpose::Unknown;
    };
    match certificate
        .tbs_certificate()
        .get_extension::<ExtendedKeyUsage>()
    {
        Ok(Some((critical, usage))) => {
            let purposes: Vec<String> = usage.0.iter().map(ToString::to_string).collect();
            if !purposes.iter().any(|p| p == ID_KP_TIME_STAMPING) {
                TsaKeyPurpose::Missing
            } else if critical && purposes.len() == 1 {
                TsaKeyPurpose::TimeStampingCritical
            } else {
                TsaKeyPurpose::TimeStampingLax
            }
        }
        Ok(None) => TsaKeyPurpose::Missing,
        Err(_) => TsaKeyPurpose::Unknown,
    }
}
