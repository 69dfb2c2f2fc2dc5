//! The office policy: from per-signature results to "accept" or "reject" with reasons a
//! receiving clerk can send back (Điều 12, khoản 3 of the Gia Lai regulation; Đ.21.2 NĐ 30/2020).
//!
//! `incoming` is strict by design — unlike EU DSS's lenient defaults, where undefined changes
//! only warn, an office inbox rejects whatever it cannot confirm, except for the one thing the
//! receiver cannot act on offline: missing revocation data, which is a warning.

use super::finding::Severity;
use super::indication::{Indication, SubIndication};
use super::report::{Integrity, Modifications, SignatureKind, SignatureReport, Verdict};
use crate::message::Message;

/// Which policy decides the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Policy {
    /// Incoming documents (default): every signature intact, trusted, strong enough, not
    /// revoked or expired at signing time, and no disallowed change after any signature.
    #[default]
    Incoming,
    /// Any document: rejected only for broken, failed or tampered signatures; untrusted
    /// chains and weak algorithms are reported as warnings.
    Any,
}

impl Policy {
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Incoming => "incoming",
            Policy::Any => "any",
        }
    }
}

/// Sub-indications that leave a signature unconfirmed but that the receiver can still accept
/// after looking (amber): the revocation status could not be had, or proof of existence is
/// missing for a point that is not otherwise failing.
fn is_review_only(sub: SubIndication) -> bool {
    matches!(
        sub,
        SubIndication::TryLater
            | SubIndication::NoPoe
            | SubIndication::Generic
            | SubIndication::SignaturePolicyNotAvailable
            | SubIndication::PolicyProcessingError
    )
}

/// Findings that reject under every policy whatever their sub-indication: a check cut short
/// by the time limit (`budget`) or by a safety limit of the reader has not confirmed anything,
/// and a file built to stall validators must not pass as "review only".
fn never_acceptable(code: &str) -> bool {
    matches!(code, super::budget::TIME_LIMIT_CODE | "pdf-limit")
}

/// Whether the `any` policy tolerates this sub-indication as a warning.
fn tolerated_by_any(sub: SubIndication) -> bool {
    sub.indication() == Indication::Indeterminate
}

fn who(signature: &SignatureReport) -> String {
    let field = signature.field.as_deref().unwrap_or("?");
    match signature
        .signer
        .as_ref()
        .and_then(|s| s.common_name.as_deref())
    {
        Some(name) => format!("«{field}» ({name})"),
        None => format!("«{field}»"),
    }
}

/// Prefixes a per-signature message with the signature it is about.
fn about(signature: &SignatureReport, message: &Message) -> Message {
    let who = who(signature);
    Message::new(
        message.code.clone(),
        format!("Chữ ký {who}: {}", message.vi),
        format!("Signature {who}: {}", message.en),
    )
}

/// The verdict on a document, with the reasons to reject and the points to review.
pub fn decide(
    policy: Policy,
    signatures: &[SignatureReport],
) -> (Verdict, Vec<Message>, Vec<Message>) {
    let (verdict, reasons, mut warnings) = decide_each(policy, signatures);
    if policy == Policy::Incoming {
        // Judged on its own signatures only (`decide_each`): asking `decide` here would ask
        // again about the same personal signature, without end.
        warnings.extend(super::role::issuance_findings(signatures, |s| {
            decide_each(Policy::Incoming, std::slice::from_ref(s)).0 == Verdict::Accepted
        }));
        warnings.dedup();
    }
    (verdict, reasons, warnings)
}

/// The verdict from each signature's own findings, without the findings about the order of
/// signatures (NĐ 30 Đ.32.2) that [`decide`] adds.
fn decide_each(
    policy: Policy,
    signatures: &[SignatureReport],
) -> (Verdict, Vec<Message>, Vec<Message>) {
    let mut reasons = Vec::new();
    let mut warnings = Vec::new();

    if !signatures
        .iter()
        .any(|s| s.kind == SignatureKind::Signature)
    {
        reasons.push(Message::new(
            "no-signature",
            "Văn bản không có chữ ký số nào",
            "The document carries no digital signature",
        ));
    }

    for s in signatures {
        if s.integrity != Integrity::Intact {
            let fallback = Message::new(
                "integrity",
                "Tài liệu đã bị thay đổi hoặc chữ ký bị hỏng",
                "The document was altered or the signature is damaged",
            );
            let first = s
                .findings
                .iter()
                .find(|f| f.severity == Severity::Failure)
                .map(|f| f.message.clone())
                .unwrap_or(fallback);
            reasons.push(about(s, &first));
        }
        if s.modifications == Modifications::Disallowed {
            reasons.push(about(
                s,
                &Message::new(
                    "modified-after-signing",
                    "Tài liệu đã bị thay đổi sau khi ký (nội dung được ký không còn là nội dung hiển thị)",
                    "The document was changed after signing (what was signed is no longer what is shown)",
                ),
            ));
        }
        for f in &s.findings {
            if f.severity == Severity::Info {
                continue;
            }
            let Some(sub) = f.sub_indication else {
                match f.severity {
                    Severity::Failure => reasons.push(about(s, &f.message)),
                    _ => warnings.push(about(s, &f.message)),
                }
                continue;
            };
            // Integrity failures are already reported above, once per signature.
            if matches!(
                sub,
                SubIndication::HashFailure
                    | SubIndication::SigCryptoFailure
                    | SubIndication::FormatFailure
            ) && s.integrity != Integrity::Intact
            {
                continue;
            }
            // The sub-indication decides, not the severity a module gave its finding: an
            // untrusted chain is only INDETERMINATE to ETSI, but an office must not accept it.
            let reject = never_acceptable(&f.code)
                || match policy {
                    Policy::Incoming => !is_review_only(sub),
                    Policy::Any => !tolerated_by_any(sub),
                };
            if reject {
                reasons.push(about(s, &f.message));
            } else {
                warnings.push(about(s, &f.message));
            }
        }
    }
    reasons.dedup();
    warnings.dedup();
    let verdict = if reasons.is_empty() {
        Verdict::Accepted
    } else {
        Verdict::Rejected
    };
    (verdict, reasons, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::finding::Finding;
    use crate::verify::report::SignerReport;

    fn signature(findings: Vec<Finding>) -> SignatureReport {
        let (indication, sub_indication) =
            crate::verify::report::indication_from(&findings, Modifications::None);
        SignatureReport {
            field: Some("Signature1".into()),
            kind: SignatureKind::Signature,
            subfilter: Some("ETSI.CAdES.detached".into()),
            revision: Some(2),
            integrity: Integrity::Intact,
            modifications: Modifications::None,
            indication,
            sub_indication,
            signer: Some(SignerReport {
                subject: "CN=Nguyễn Văn An".into(),
                common_name: Some("Nguyễn Văn An".into()),
                organisation: None,
                issuer: "CN=CA".into(),
                serial: "01".into(),
                not_before: String::new(),
                not_after: String::new(),
                key: "RSA 2048".into(),
                sha256: String::new(),
            }),
            signing_time: None,
            signing_time_claimed: true,
            timestamp_time: None,
            best_signature_time: None,
            level: None,
            ca_family: "unknown".into(),
            reason: None,
            role: None,
            authority: None,
            reasons: vec![],
            findings,
        }
    }

    fn finding(severity: Severity, sub: SubIndication, code: &str) -> Finding {
        Finding::new(severity, Some(sub), Message::new(code, code, code))
    }

    #[test]
    fn an_untrusted_chain_is_rejected_even_as_a_warning() {
        let s = signature(vec![finding(
            Severity::Warning,
            SubIndication::NoCertificateChainFound,
            "untrusted",
        )]);
        let (verdict, reasons, _) = decide(Policy::Incoming, std::slice::from_ref(&s));
        assert_eq!(verdict, Verdict::Rejected);
        assert!(reasons[0].vi.contains("Nguyễn Văn An"), "{reasons:?}");
        // `any` tolerates it, with a warning.
        let (verdict, _, warnings) = decide(Policy::Any, &[s]);
        assert_eq!(verdict, Verdict::Accepted);
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn missing_revocation_data_only_asks_for_review() {
        let s = signature(vec![finding(
            Severity::Warning,
            SubIndication::TryLater,
            "revocation-data-missing",
        )]);
        let (verdict, reasons, warnings) = decide(Policy::Incoming, &[s]);
        assert_eq!(
            (verdict, reasons.len(), warnings.len()),
            (Verdict::Accepted, 0, 1)
        );
    }

    #[test]
    fn weak_algorithms_revocation_and_hash_failures_are_rejected() {
        for (severity, sub) in [
            (Severity::Failure, SubIndication::CryptoConstraintsFailure),
            (Severity::Failure, SubIndication::Revoked),
            (Severity::Warning, SubIndication::RevokedNoPoe),
            (Severity::Failure, SubIndication::Expired),
        ] {
            let s = signature(vec![finding(severity, sub, "x")]);
            assert_eq!(
                decide(Policy::Incoming, &[s]).0,
                Verdict::Rejected,
                "{sub:?}"
            );
        }
        let mut broken = signature(vec![finding(
            Severity::Failure,
            SubIndication::HashFailure,
            "hash",
        )]);
        broken.integrity = Integrity::Broken;
        let (verdict, reasons, _) = decide(Policy::Any, &[broken]);
        assert_eq!(verdict, Verdict::Rejected);
        assert_eq!(
            reasons.len(),
            1,
            "the integrity failure is said once: {reasons:?}"
        );
    }

    #[test]
    fn disallowed_changes_and_no_signature_are_rejected() {
        let mut s = signature(vec![]);
        s.modifications = Modifications::Disallowed;
        assert_eq!(decide(Policy::Any, &[s]).0, Verdict::Rejected);
        let (verdict, reasons, _) = decide(Policy::Incoming, &[]);
        assert_eq!(verdict, Verdict::Rejected);
        assert_eq!(reasons[0].code, "no-signature");
    }

    #[test]
    fn a_failure_without_sub_indication_is_rejected() {
        let s = signature(vec![Finding::new(
            Severity::Failure,
            None,
            Message::new("signature-not-in-form", "x", "x"),
        )]);
        assert_eq!(decide(Policy::Any, &[s]).0, Verdict::Rejected);
    }
}
