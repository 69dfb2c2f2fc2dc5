//! The validation report: the JSON object of `kyso verify --json` (one per file; the contract
//! in `../shared/spec/cli.md`, documented key by key in `docs/verify-report.md`) and the data
//! the human report and the refusal notice are drawn from.
//!
//! Keys are stable: add keys, never rename or remove them.

use serde::Serialize;

use super::finding::{Finding, Severity};
use super::indication::{Indication, SubIndication};
use crate::message::Message;

/// The document's verdict under the chosen policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Accepted,
    Rejected,
}

/// What kind of signature a `/Sig`-like dictionary is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureKind {
    Signature,
    DocumentTimestamp,
}

/// The bytes and the cryptography of one signature alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Integrity {
    Intact,
    Broken,
    Unknown,
}

/// What happened after a signature's revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Modifications {
    None,
    Allowed,
    Disallowed,
}

/// Who signed, as the certificate says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignerReport {
    pub subject: String,
    pub common_name: Option<String>,
    pub organisation: Option<String>,
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    pub key: String,
    pub sha256: String,
}

impl From<&crate::pki::CertificateInfo> for SignerReport {
    fn from(info: &crate::pki::CertificateInfo) -> Self {
        SignerReport {
            subject: info.subject.clone(),
            common_name: info.common_name.clone(),
            organisation: info.organisation.clone(),
            issuer: info.issuer.clone(),
            serial: info.serial_hex.clone(),
            not_before: crate::vn_time::iso8601(info.not_before),
            not_after: crate::vn_time::iso8601(info.not_after),
            key: info.key_description(),
            sha256: info.sha256_fingerprint.clone(),
        }
    }
}

/// One signature or document time-stamp.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    pub field: Option<String>,
    pub kind: SignatureKind,
    pub subfilter: Option<String>,
    /// The revision (1-based) this signature closes; `None` when its ByteRange ends at no
    /// revision boundary.
    pub revision: Option<usize>,
    pub integrity: Integrity,
    pub modifications: Modifications,
    pub indication: Indication,
    pub sub_indication: Option<SubIndication>,
    pub signer: Option<SignerReport>,
    /// The signing time: the time-stamp's when there is one, else the claimed `/M`
    /// (ISO 8601, Vietnam time).
    pub signing_time: Option<String>,
    /// `true` when `signing_time` is only what the signer's computer claimed.
    pub signing_time_claimed: bool,
    pub timestamp_time: Option<String>,
    /// The best-signature-time (ETSI EN 319 102-1 §5.6.2.4): the earliest time a trusted
    /// time-stamp proves the signature existed (ISO 8601); `None` without one.
    pub best_signature_time: Option<String>,
    /// The PAdES baseline level the file shows for this signature (`B-B`, `B-T`, `B-LT`,
    /// `B-LTA`); `None` for a document time-stamp or a signature that is not intact.
    pub level: Option<super::ltv::PadesLevel>,
    /// `cong-vu` (Ban Cơ yếu Chính phủ), `public-ca` (NEAC), `user-added`, or `unknown`.
    pub ca_family: String,
    /// `/Reason` as written (the authority prefix and title of a leader's signature).
    pub reason: Option<String>,
    /// `personal` or `organisation` certificate, when the subject tells it (`verify::role`).
    pub role: Option<super::role::Role>,
    /// The authority line from `/Reason` ("KT. CHỦ TỊCH — PHÓ CHỦ TỊCH"), when it has one.
    pub authority: Option<String>,
    /// Failures and warnings, for people.
    pub reasons: Vec<Message>,
    /// Everything the checks found, with technical detail.
    pub findings: Vec<Finding>,
}

/// One file.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub file: String,
    pub sha256: Option<String>,
    pub verdict: Verdict,
    /// Why the document is rejected (empty when accepted).
    pub reasons: Vec<Message>,
    /// Points an accepted document still asks a person to look at (amber in the app).
    pub warnings: Vec<Message>,
    pub signatures: Vec<SignatureReport>,
    /// Number of revisions (incremental updates + 1).
    pub revisions: usize,
    pub policy: &'static str,
    /// When the check ran (ISO 8601, Vietnam time).
    pub checked_at: String,
}

/// The ETSI indication of a signature from its findings (EN 319 102-1 §5.1.3): any failure
/// with a TOTAL-FAILED sub-indication fails it; else any failure or warning with an
/// INDETERMINATE sub-indication leaves it indeterminate; disallowed changes after it fail it.
pub fn indication_from(
    findings: &[Finding],
    modifications: Modifications,
) -> (Indication, Option<SubIndication>) {
    let rank = |f: &&Finding| match f.severity {
        Severity::Failure => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    };
    let mut weighty: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity != Severity::Info && f.sub_indication.is_some())
        .collect();
    weighty.sort_by_key(rank);
    let failed = weighty.iter().find_map(|f| {
        f.sub_indication.filter(|s| {
            f.severity == Severity::Failure && s.indication() == Indication::TotalFailed
        })
    });
    if let Some(sub) = failed {
        return (Indication::TotalFailed, Some(sub));
    }
    if modifications == Modifications::Disallowed {
        // No ETSI sub-indication names "changed after signing"; the reasons say it.
        return (Indication::TotalFailed, None);
    }
    if let Some(sub) = weighty.iter().find_map(|f| f.sub_indication) {
        return (Indication::Indeterminate, Some(sub));
    }
    (Indication::TotalPassed, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(severity: Severity, sub: Option<SubIndication>) -> Finding {
        Finding::new(severity, sub, Message::new("x", "x", "x"))
    }

    #[test]
    fn no_findings_pass() {
        assert_eq!(
            indication_from(&[], Modifications::Allowed),
            (Indication::TotalPassed, None)
        );
    }

    #[test]
    fn a_hash_failure_fails_even_after_a_warning() {
        let f = [
            finding(Severity::Warning, Some(SubIndication::NoPoe)),
            finding(Severity::Failure, Some(SubIndication::HashFailure)),
        ];
        assert_eq!(
            indication_from(&f, Modifications::None),
            (Indication::TotalFailed, Some(SubIndication::HashFailure))
        );
    }

    #[test]
    fn missing_chain_is_indeterminate_and_infos_do_not_count() {
        let f = [
            finding(Severity::Info, Some(SubIndication::HashFailure)),
            finding(
                Severity::Failure,
                Some(SubIndication::NoCertificateChainFound),
            ),
        ];
        assert_eq!(
            indication_from(&f, Modifications::None),
            (
                Indication::Indeterminate,
                Some(SubIndication::NoCertificateChainFound)
            )
        );
    }

    #[test]
    fn disallowed_changes_fail_an_otherwise_good_signature() {
        assert_eq!(
            indication_from(&[], Modifications::Disallowed),
            (Indication::TotalFailed, None)
        );
    }
}
