//! Revocation of a certificate, from the data a signed file carries: OCSP responses ([`ocsp`],
//! RFC 6960) and CRLs ([`crl`], RFC 5280 §5), found in the PDF's `/DSS`, in the CMS `crls`, or
//! in the adbe-revocationInfoArchival attribute. Nothing is fetched from the network here;
//! [`online`] fetches answers (OCSP, CRL, with a disk cache) and checks them with this code.
//!
//! [`revocation_status`] answers one question: was the certificate revoked at the validation
//! time `at`? Each response and CRL is checked on its own (does it name this certificate, who
//! signed it, is that signer allowed to), and the usable ones decide:
//! 1. any says *revoked* at or before `at` → [`RevocationStatus::Revoked`];
//! 2. else one that covers `at` says *good* (or says revoked only after `at`) →
//!    [`RevocationStatus::Good`];
//! 3. else [`RevocationStatus::Unknown`], with the reason: no data, data about other
//!    certificates, data that cannot be trusted, or data too old for `at`. The verdict must
//!    then be INDETERMINATE, never TOTAL-PASSED (issue 4, item 5).
//!
//! *Covers `at`* (ETSI EN 319 102-1 §5.2.5, freshness): issued at or after `at` (revocation is
//! final, so "good" later means "good" then), or `thisUpdate ≤ at ≤ nextUpdate`. A response
//! without nextUpdate issued before `at` covers it only within [`FRESHNESS_GRACE`] (a response
//! fetched just before signing, as adbe-revocationInfoArchival carries).
//!
//! Not supported yet, each giving a finding rather than a wrong answer: indirect and delta
//! CRLs, CRLs signed by a key other than the certificate's issuer's, OCSP responders trusted
//! only locally (RFC 6960 §4.2.2.2 "trusted responder"; EU DSS accepts any responder with a
//! valid path, Kyso follows the RFC), and the revocation status of a delegated responder's own
//! certificate. OCSP nonces are not checked: embedded responses answer no request of ours.

pub mod asn1;
pub mod crl;
pub mod ocsp;
pub mod online;
#[cfg(test)]
mod tests;

use der::{Decode, Reader, SliceReader, Tag, TagNumber};
use serde::{Serialize, Serializer};
use time::{Duration, OffsetDateTime};
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::time::Time;

use super::certificate::{CertificateInfo, KeyUsageFlags};
use super::path::{name_key, tbs_bytes};
use crate::message::Message;
use crate::verify::finding::{Finding, Severity};
use crate::verify::indication::SubIndication;
use crate::vn_time;

/// At most this many OCSP responses, and as many CRLs, are looked at per certificate.
pub const MAX_REVOCATION_ITEMS: usize = 256;
/// How long before the validation time a response without nextUpdate still covers it.
pub const FRESHNESS_GRACE: Duration = Duration::days(1);

/// Why a certificate was revoked (RFC 5280 §5.3.1 CRLReason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RevocationReason {
    Unspecified,
    KeyCompromise,
    CaCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    /// Suspended ("on hold"); counted as revoked while listed.
    CertificateHold,
    RemoveFromCrl,
    PrivilegeWithdrawn,
    AaCompromise,
    /// A code this version does not name.
    Other(u32),
}

impl RevocationReason {
    /// The reason a CRLReason code stands for.
    pub fn from_code(code: u32) -> Self {
        match code {
            0 => RevocationReason::Unspecified,
            1 => RevocationReason::KeyCompromise,
            2 => RevocationReason::CaCompromise,
            3 => RevocationReason::AffiliationChanged,
            4 => RevocationReason::Superseded,
            5 => RevocationReason::CessationOfOperation,
            6 => RevocationReason::CertificateHold,
            8 => RevocationReason::RemoveFromCrl,
            9 => RevocationReason::PrivilegeWithdrawn,
            10 => RevocationReason::AaCompromise,
            other => RevocationReason::Other(other),
        }
    }

    /// The reason in words: (Vietnamese, English).
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            RevocationReason::Unspecified => ("không nêu lý do", "no reason given"),
            RevocationReason::KeyCompromise => ("lộ khóa bí mật", "key compromise"),
            RevocationReason::CaCompromise => ("CA bị lộ khóa", "CA compromise"),
            RevocationReason::AffiliationChanged => {
                ("thay đổi thông tin, cơ quan", "affiliation changed")
            }
            RevocationReason::Superseded => ("đã được thay thế", "superseded"),
            RevocationReason::CessationOfOperation => ("ngừng hoạt động", "cessation of operation"),
            RevocationReason::CertificateHold => ("tạm dừng", "certificate on hold"),
            RevocationReason::RemoveFromCrl => ("gỡ khỏi CRL", "removed from CRL"),
            RevocationReason::PrivilegeWithdrawn => ("bị rút quyền", "privilege withdrawn"),
            RevocationReason::AaCompromise => ("AA bị lộ khóa", "AA compromise"),
            RevocationReason::Other(_) => ("lý do khác", "other reason"),
        }
    }
}

/// A revocation: when, and why if said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Revocation {
    #[serde(serialize_with = "rfc3339")]
    pub time: OffsetDateTime,
    pub reason: Option<RevocationReason>,
}

/// The status of the certificate at the validation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum RevocationStatus {
    /// Not revoked at the validation time, by data that covers it.
    Good,
    /// Revoked at or before the validation time.
    Revoked {
        #[serde(serialize_with = "rfc3339")]
        time: OffsetDateTime,
        reason: Option<RevocationReason>,
    },
    /// Not known: see the findings.
    Unknown,
}

/// Where the deciding answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RevocationSource {
    Ocsp,
    Crl,
    /// No data decided.
    None,
}

/// What the revocation check found.
#[derive(Debug, Clone, Serialize)]
pub struct RevocationFacts {
    #[serde(flatten)]
    pub status: RevocationStatus,
    pub source: RevocationSource,
    /// producedAt of the deciding OCSP response.
    #[serde(serialize_with = "rfc3339_option")]
    pub produced_at: Option<OffsetDateTime>,
    /// thisUpdate of the deciding response or CRL.
    #[serde(serialize_with = "rfc3339_option")]
    pub this_update: Option<OffsetDateTime>,
    /// nextUpdate of the deciding response or CRL.
    #[serde(serialize_with = "rfc3339_option")]
    pub next_update: Option<OffsetDateTime>,
    /// Who signed the deciding data (responder or CRL issuer).
    pub signed_by: Option<String>,
    /// A revocation after the validation time: the status is good at `at`, but only a proof
    /// that the signature existed before this time (a time-stamp) makes that matter.
    pub later_revocation: Option<Revocation>,
    /// Why the status is what it is; per-item problems are `warning` when the status is
    /// unknown, `info` when other data decided.
    pub findings: Vec<Finding>,
}

/// Checks whether `certificate`, issued by `issuer`, was revoked at `at`, using the OCSP
/// responses (`OCSPResponse` or `BasicOCSPResponse` DER) and CRLs (DER) the file carries.
pub fn revocation_status(
    certificate: &CertificateInfo,
    issuer: &CertificateInfo,
    ocsps: &[Vec<u8>],
    crls: &[Vec<u8>],
    at: OffsetDateTime,
) -> RevocationFacts {
    let name = certificate
        .common_name
        .clone()
        .unwrap_or_else(|| certificate.subject.clone());
    let (subject, issuer_key) = match (Subject::new(certificate), IssuerKey::new(issuer)) {
        (Some(subject), Some(issuer_key)) if subject.issuer_name_key == issuer_key.subject_key => {
            (subject, issuer_key)
        }
        _ => {
            return unknown(vec![Finding::warning(
                Some(SubIndication::TryLater),
                Message::new(
                    "revocation-issuer-mismatch",
                    format!(
                        "Không kiểm tra được tình trạng thu hồi của chứng thư «{name}»: không có chứng thư của CA cấp nó"
                    ),
                    format!(
                        "Cannot check whether the certificate “{name}” is revoked: the certificate of its issuing CA is not available"
                    ),
                ),
            )]);
        }
    };

    let mut evidence = Vec::new();
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let mut about_others = 0usize;
    let outcomes = ocsps
        .iter()
        .take(MAX_REVOCATION_ITEMS)
        .map(|der| ocsp::check(der, &subject, &issuer_key))
        .chain(
            crls.iter()
                .take(MAX_REVOCATION_ITEMS)
                .map(|der| crl::check(der, &subject, &issuer_key)),
        );
    for outcome in outcomes {
        match outcome {
            Outcome::NotAbout => about_others += 1,
            Outcome::Usable(found, found_notes) => {
                evidence.push(found);
                notes.extend(found_notes);
            }
            Outcome::Unusable(problem) => problems.push(problem),
        }
    }

    let decided = |facts: RevocationFacts, mut problems: Vec<Finding>| {
        // Other data decided: what was wrong with the rest is worth knowing, no more.
        for problem in &mut problems {
            problem.severity = Severity::Info;
        }
        RevocationFacts {
            findings: [facts.findings, notes.clone(), problems].concat(),
            ..facts
        }
    };

    // 1. Revoked at or before `at`: the earliest such revocation decides.
    if let Some(revoked) = evidence
        .iter()
        .filter_map(|e| match e.status {
            EvidenceStatus::Revoked(r) if r.time <= at => Some((e, r)),
            _ => None,
        })
        .min_by_key(|(_, r)| r.time)
    {
        let (found, revocation) = revoked;
        let (reason_vi, reason_en) = revocation.reason.map_or(
            ("không nêu lý do", "no reason given"),
            RevocationReason::words,
        );
        let when = vn_time::iso8601(revocation.time);
        let sub = if subject.is_ca {
            SubIndication::RevokedCaNoPoe
        } else {
            SubIndication::Revoked
        };
        let finding = Finding::failure(
            sub,
            Message::new(
                "cert-revoked",
                format!("Chứng thư số «{name}» đã bị thu hồi vào {when} ({reason_vi})"),
                format!("The certificate “{name}” was revoked on {when} ({reason_en})"),
            ),
        );
        return decided(
            RevocationFacts {
                status: RevocationStatus::Revoked {
                    time: revocation.time,
                    reason: revocation.reason,
                },
                later_revocation: None,
                findings: vec![finding],
                ..found.facts()
            },
            problems,
        );
    }

    // 2. Good at `at`: a covering "good", or any revocation after `at`. The freshest decides.
    let later_revocation = evidence
        .iter()
        .filter_map(|e| match e.status {
            EvidenceStatus::Revoked(r) => Some(r),
            _ => None,
        })
        .min_by_key(|r| r.time);
    if let Some(found) = evidence
        .iter()
        .filter(|e| match e.status {
            EvidenceStatus::Good => e.covers(at),
            EvidenceStatus::Revoked(_) => true,
            EvidenceStatus::Unknown => false,
        })
        .max_by_key(|e| e.this_update)
    {
        let mut findings = Vec::new();
        if let Some(later) = later_revocation {
            let (when, checked) = (vn_time::iso8601(later.time), vn_time::iso8601(at));
            findings.push(Finding::warning(
                Some(SubIndication::RevokedNoPoe),
                Message::new(
                    "cert-revoked-later",
                    format!(
                        "Chứng thư số «{name}» bị thu hồi vào {when}, sau thời điểm kiểm tra {checked}: chữ ký chỉ có giá trị nếu chứng minh được đã ký trước đó (dấu thời gian)"
                    ),
                    format!(
                        "The certificate “{name}” was revoked on {when}, after the time checked ({checked}): the signature holds only if it is proven to exist before (a time-stamp)"
                    ),
                ),
            ));
        }
        return decided(
            RevocationFacts {
                status: RevocationStatus::Good,
                later_revocation,
                findings,
                ..found.facts()
            },
            problems,
        );
    }

    // 3. Unknown: say why, most specific first.
    let mut findings = Vec::new();
    let checked = vn_time::iso8601(at);
    let summary = if evidence.is_empty() && problems.is_empty() && about_others == 0 {
        Message::new(
            "revocation-data-missing",
            format!(
                "Tệp không kèm dữ liệu thu hồi (OCSP hoặc CRL) cho chứng thư «{name}»: chưa xác định được chứng thư có bị thu hồi hay không"
            ),
            format!(
                "The file carries no revocation data (OCSP or CRL) for the certificate “{name}”: whether it is revoked is not known"
            ),
        )
    } else {
        Message::new(
            "revocation-unknown",
            format!(
                "Dữ liệu thu hồi trong tệp không xác nhận được chứng thư «{name}» còn hiệu lực vào {checked}"
            ),
            format!(
                "The revocation data in the file does not establish that the certificate “{name}” was not revoked at {checked}"
            ),
        )
    };
    findings.push(Finding::warning(Some(SubIndication::TryLater), summary));
    for found in &evidence {
        let by = &found.signed_by;
        match found.status {
            EvidenceStatus::Unknown => findings.push(Finding::warning(
                None,
                Message::new(
                    "ocsp-status-unknown",
                    format!("Máy chủ OCSP «{by}» trả lời không biết chứng thư «{name}»"),
                    format!("The OCSP responder “{by}” answered that it does not know the certificate “{name}”"),
                ),
            )),
            _ => {
                let (from, until) = (
                    vn_time::iso8601(found.this_update),
                    found
                        .next_update
                        .map_or_else(|| "—".to_owned(), vn_time::iso8601),
                );
                findings.push(Finding::warning(
                    None,
                    Message::new(
                        "revocation-data-stale",
                        format!(
                            "Dữ liệu thu hồi của «{by}» (hiệu lực {from} – {until}) không bao gồm thời điểm kiểm tra {checked}"
                        ),
                        format!(
                            "The revocation data of “{by}” (valid {from} – {until}) does not cover the time checked, {checked}"
                        ),
                    ),
                ));
            }
        }
    }
    findings.extend(problems);
    if about_others > 0 && evidence.is_empty() {
        findings.push(Finding::warning(
            None,
            Message::new(
                "revocation-data-for-other-certificates",
                format!("{about_others} phản hồi OCSP hoặc CRL trong tệp là của chứng thư khác"),
                format!(
                    "{about_others} OCSP responses or CRLs in the file are about other certificates"
                ),
            ),
        ));
    }
    findings.extend(notes);
    let mut facts = unknown(findings);
    // The freshest data seen, for the details view.
    if let Some(seen) = evidence.iter().max_by_key(|e| e.this_update) {
        facts = RevocationFacts {
            status: RevocationStatus::Unknown,
            source: RevocationSource::None,
            findings: facts.findings,
            ..seen.facts()
        };
    }
    facts
}

fn unknown(findings: Vec<Finding>) -> RevocationFacts {
    RevocationFacts {
        status: RevocationStatus::Unknown,
        source: RevocationSource::None,
        produced_at: None,
        this_update: None,
        next_update: None,
        signed_by: None,
        later_revocation: None,
        findings,
    }
}

/// What one usable response or CRL says.
#[derive(Debug, Clone)]
pub(crate) struct Evidence {
    pub source: RevocationSource,
    pub status: EvidenceStatus,
    pub produced_at: Option<OffsetDateTime>,
    pub this_update: OffsetDateTime,
    pub next_update: Option<OffsetDateTime>,
    pub signed_by: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EvidenceStatus {
    Good,
    Revoked(Revocation),
    Unknown,
}

impl Evidence {
    /// Whether this data speaks for the time `at` (see the module documentation).
    fn covers(&self, at: OffsetDateTime) -> bool {
        if self.this_update >= at {
            return true;
        }
        match self.next_update {
            Some(next) => at <= next,
            None => at - self.this_update <= FRESHNESS_GRACE,
        }
    }

    fn facts(&self) -> RevocationFacts {
        RevocationFacts {
            status: RevocationStatus::Unknown,
            source: self.source,
            produced_at: self.produced_at,
            this_update: Some(self.this_update),
            next_update: self.next_update,
            signed_by: Some(self.signed_by.clone()),
            later_revocation: None,
            findings: Vec::new(),
        }
    }
}

/// What one response or CRL gave.
pub(crate) enum Outcome {
    /// About another certificate.
    NotAbout,
    /// About this certificate and trustworthy, with notes.
    Usable(Evidence, Vec<Finding>),
    /// About this certificate (or unreadable), and not to be relied on.
    Unusable(Finding),
}

/// The certificate whose status is asked.
pub(crate) struct Subject {
    /// Serial number octets without leading zeros.
    pub serial: Vec<u8>,
    /// The DER of the certificate's issuer field, as encoded in it (OCSP hashes this).
    pub issuer_name_der: Vec<u8>,
    pub issuer_name_key: String,
    pub is_ca: bool,
}

impl Subject {
    fn new(info: &CertificateInfo) -> Option<Subject> {
        let certificate = Certificate::from_der(&info.der).ok()?;
        let tbs = certificate.tbs_certificate();
        Some(Subject {
            serial: serial_key(tbs.serial_number().as_bytes()).to_vec(),
            issuer_name_der: raw_name(&info.der, Field::Issuer)?.to_vec(),
            issuer_name_key: name_key(tbs.issuer()),
            is_ca: info.is_ca,
        })
    }
}

/// The issuer's certificate, with what OCSP and CRL checks compare.
pub(crate) struct IssuerKey {
    pub certificate: Certificate,
    /// The DER of the issuer's subject field, as encoded in its certificate (some responders
    /// hash this rather than the subject certificate's issuer field; they are equal when both
    /// CAs encode names alike).
    pub subject_der: Vec<u8>,
    /// The subjectPublicKey BIT STRING's value (OCSP's issuerKeyHash covers it).
    pub key_bits: Vec<u8>,
    pub subject_key: String,
    pub ski: Option<Vec<u8>>,
    pub key_usage: Option<KeyUsageFlags>,
    /// For people: the common name, else the subject.
    pub name: String,
}

impl IssuerKey {
    fn new(info: &CertificateInfo) -> Option<IssuerKey> {
        let certificate = Certificate::from_der(&info.der).ok()?;
        let tbs = certificate.tbs_certificate();
        Some(IssuerKey {
            subject_der: raw_name(&info.der, Field::Subject)?.to_vec(),
            key_bits: tbs
                .subject_public_key_info()
                .subject_public_key
                .raw_bytes()
                .to_vec(),
            subject_key: name_key(tbs.subject()),
            ski: tbs
                .get_extension::<SubjectKeyIdentifier>()
                .ok()
                .flatten()
                .map(|(_, ski)| ski.0.as_bytes().to_vec()),
            key_usage: info.key_usage,
            name: info
                .common_name
                .clone()
                .unwrap_or_else(|| info.subject.clone()),
            certificate,
        })
    }
}

/// Serial number octets without leading zero octets, so that `00 8F` and `8F` compare equal.
pub(crate) fn serial_key(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// A name field of a certificate.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Issuer,
    Subject,
}

/// The issuer or subject field of a certificate, as encoded in it. TBSCertificate is
/// `[0] version`, `serialNumber`, `signature`, `issuer`, `validity`, `subject`, … (RFC 5280
/// §4.1).
fn raw_name(certificate_der: &[u8], field: Field) -> Option<&[u8]> {
    let tbs = tbs_bytes(certificate_der).ok()?;
    let mut reader = SliceReader::new(tbs).ok()?;
    reader
        .sequence(|r: &mut SliceReader<'_>| {
            let version_tag = Tag::ContextSpecific {
                constructed: true,
                number: TagNumber(0),
            };
            if Tag::peek(r)? == version_tag {
                r.tlv_bytes()?;
            }
            r.tlv_bytes()?; // serialNumber
            r.tlv_bytes()?; // signature
            let issuer = r.tlv_bytes()?;
            r.tlv_bytes()?; // validity
            let subject = r.tlv_bytes()?;
            let rest = r.remaining_len();
            r.drain(rest)?;
            Ok::<_, der::Error>(match field {
                Field::Issuer => issuer,
                Field::Subject => subject,
            })
        })
        .ok()
}

/// The note that revocation data is signed with SHA-1: accepted (it is not the document's
/// signature), but said.
pub(crate) fn sha1_note(code: &str, signer: &str) -> Finding {
    Finding::info(Message::new(
        code,
        format!("Dữ liệu thu hồi do «{signer}» ký bằng SHA-1 (thuật toán yếu)"),
        format!("The revocation data of “{signer}” is signed with SHA-1 (a weak algorithm)"),
    ))
}

pub(crate) fn to_offset(time: Time) -> Option<OffsetDateTime> {
    let seconds = i64::try_from(time.to_unix_duration().as_secs()).ok()?;
    OffsetDateTime::from_unix_timestamp(seconds).ok()
}

/// RFC 3339 for reports (the crate does not enable `time`'s serde support).
fn rfc3339<S: Serializer>(at: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    let text = at
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(serde::ser::Error::custom)?;
    serializer.serialize_str(&text)
}

fn rfc3339_option<S: Serializer>(
    at: &Option<OffsetDateTime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => rfc3339(at, serializer),
        None => serializer.serialize_none(),
    }
}
