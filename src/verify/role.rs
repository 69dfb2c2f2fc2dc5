//! Who a signature speaks for (NĐ 30/2020 Đ.5, Đ.32.2): a person (the leader who approves) or
//! the organisation (the records clerk who issues with the organisation's certificate), and the
//! authority a person signed under (`KT.`, `TL.`, `TUQ.`, `Q.`, `TM.`), from `/Reason`.
//!
//! The role is a heuristic on the certificate's subject, because neither the national CA
//! profiles nor the demo PKI mark it in a policy Kyso can rely on:
//! - **organisation** when the common name is the organisation's name (VGCA issues the
//!   organisation's certificate as `CN=<cơ quan>, O=<cơ quan>`);
//! - **personal** when the common name differs from the organisation (a person's name, with
//!   the organisation the person works for in `O`), or when there is no `O` at all;
//! - unknown without a common name.
//!
//! Names are compared after Unicode NFC and case folding, ignoring repeated spaces.

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use super::report::{SignatureKind, SignatureReport, SignerReport};
use crate::message::Message;

/// Personal or organisation certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A person's own certificate (leader, deputy, signer on another's behalf).
    Personal,
    /// The organisation's certificate (applied by the records clerk).
    Organisation,
}

/// Authority prefixes of NĐ 30/2020 Phụ lục I, II.7.b/đ, longest first so `TUQ.` is not
/// read as `TL.`-like noise.
pub const AUTHORITY_PREFIXES: [&str; 5] = ["TUQ.", "TM.", "KT.", "TL.", "Q."];

/// The role of a signer, as far as the certificate tells it.
pub fn role_of(signer: &SignerReport) -> Option<Role> {
    role_from_names(
        signer.common_name.as_deref(),
        signer.organisation.as_deref(),
    )
}

/// [`role_of`] from the common name and organisation.
pub fn role_from_names(common_name: Option<&str>, organisation: Option<&str>) -> Option<Role> {
    let name = fold(common_name?);
    if name.is_empty() {
        return None;
    }
    match organisation.map(fold) {
        Some(org) if org == name => Some(Role::Organisation),
        _ => Some(Role::Personal),
    }
}

/// The authority line from `/Reason` when it starts with an authority prefix, e.g.
/// `KT. CHỦ TỊCH — PHÓ CHỦ TỊCH`.
pub fn authority_from_reason(reason: &str) -> Option<String> {
    let reason: String = reason.trim().nfc().collect();
    AUTHORITY_PREFIXES
        .iter()
        .any(|p| {
            reason
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with(' ') || rest.is_empty())
        })
        .then_some(reason)
}

/// Fills in a report's `role` and `authority`.
pub fn annotate(report: &mut SignatureReport) {
    if report.kind == SignatureKind::Signature {
        report.role = report.signer.as_ref().and_then(role_of);
        report.authority = report.reason.as_deref().and_then(authority_from_reason);
    }
}

/// Organisation signatures not preceded by a valid personal signature (NĐ 30/2020 Đ.32.2):
/// a point to review under the `incoming` policy, not a rejection, because attachments and
/// electronic copies rightly carry the organisation's signature alone (Phụ lục I, II.8.b and
/// Phần II). `is_valid` judges a personal signature on its own.
pub fn issuance_findings(
    signatures: &[SignatureReport],
    is_valid: impl Fn(&SignatureReport) -> bool,
) -> Vec<Message> {
    let mut findings = Vec::new();
    // Whether a valid personal signature came before. Personal signatures are judged only
    // when an organisation signature needs them (`policy::decide` judges one signature with
    // this very function: judging every one eagerly would recurse without end), and each at
    // most once, not once per organisation signature after it.
    let mut preceded = false;
    let mut judged = 0;
    for (index, signature) in signatures.iter().enumerate() {
        if signature.kind != SignatureKind::Signature || signature.role != Some(Role::Organisation)
        {
            continue;
        }
        while !preceded && judged < index {
            let candidate = &signatures[judged];
            preceded = candidate.role == Some(Role::Personal) && is_valid(candidate);
            judged += 1;
        }
        if !preceded {
            let field = signature.field.as_deref().unwrap_or("?");
            findings.push(Message::new(
                "organisation-signature-without-personal",
                format!(
                    "Chữ ký của cơ quan «{field}» không đứng sau chữ ký hợp lệ của người có thẩm quyền (Điều 32 khoản 2 Nghị định 30/2020/NĐ-CP): nếu đây là văn bản chính thì cần xem lại; phụ lục và bản sao điện tử chỉ có chữ ký của cơ quan là đúng quy định"
                ),
                format!(
                    "The organisation's signature «{field}» does not follow a valid signature of the authorised person (NĐ 30/2020 Art. 32.2): review it if this is the main document; attachments and electronic copies rightly carry only the organisation's signature"
                ),
            ));
        }
    }
    findings
}

fn fold(text: &str) -> String {
    let text: String = text.nfc().flat_map(char::to_lowercase).collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisation_when_the_name_is_the_organisation() {
        let org = "Sở Khoa học và Công nghệ tỉnh Gia Lai";
        assert_eq!(
            role_from_names(Some(&org.to_uppercase()), Some(org)),
            Some(Role::Organisation)
        );
        assert_eq!(
            role_from_names(Some("Nguyễn Văn An"), Some(org)),
            Some(Role::Personal)
        );
        assert_eq!(
            role_from_names(Some("Nguyễn Văn An"), None),
            Some(Role::Personal)
        );
        assert_eq!(role_from_names(None, Some(org)), None);
    }

    fn signature(field: &str, role: Option<Role>) -> SignatureReport {
        use super::super::indication::Indication;
        use super::super::report::{Integrity, Modifications};
        SignatureReport {
            field: Some(field.into()),
            kind: SignatureKind::Signature,
            subfilter: None,
            revision: None,
            integrity: Integrity::Intact,
            modifications: Modifications::None,
            indication: Indication::TotalPassed,
            sub_indication: None,
            signer: None,
            signing_time: None,
            signing_time_claimed: true,
            timestamp_time: None,
            best_signature_time: None,
            level: None,
            ca_family: "unknown".into(),
            reason: None,
            role,
            authority: None,
            reasons: vec![],
            findings: vec![],
        }
    }

    #[test]
    fn organisation_signatures_need_a_valid_personal_one_before() {
        let fields = |found: Vec<Message>| -> Vec<bool> {
            found
                .iter()
                .map(|m| m.code == "organisation-signature-without-personal")
                .collect()
        };
        let invalid = signature("leader-invalid", Some(Role::Personal));
        let valid = signature("leader", Some(Role::Personal));
        let org = |name| signature(name, Some(Role::Organisation));
        let is_valid = |s: &SignatureReport| s.field.as_deref() == Some("leader");

        // Personal signatures alone are not judged: `policy::decide` judges one signature
        // with this function, and judging it again here would never end.
        let never = |_: &SignatureReport| -> bool { panic!("judged without need") };
        assert!(issuance_findings(std::slice::from_ref(&valid), never).is_empty());
        // Alone, or after an invalid personal signature: flagged.
        assert_eq!(fields(issuance_findings(&[org("o1")], is_valid)), [true]);
        let after_invalid = [invalid.clone(), org("o1")];
        assert_eq!(fields(issuance_findings(&after_invalid, is_valid)), [true]);
        // A valid personal signature before clears every organisation signature after it,
        // not one before it; each personal signature is judged once.
        let calls = std::cell::Cell::new(0);
        let counting = |s: &SignatureReport| {
            calls.set(calls.get() + 1);
            is_valid(s)
        };
        let mixed = [org("o0"), invalid, valid, org("o1"), org("o2")];
        let found = issuance_findings(&mixed, counting);
        assert_eq!(found.len(), 1);
        assert!(found[0].vi.contains("«o0»"), "{found:?}");
        assert_eq!(calls.get(), 2);
    }

    #[test]
    fn authority_needs_a_known_prefix() {
        assert_eq!(
            authority_from_reason(" KT. CHỦ TỊCH — PHÓ CHỦ TỊCH").as_deref(),
            Some("KT. CHỦ TỊCH — PHÓ CHỦ TỊCH")
        );
        assert_eq!(
            authority_from_reason("TUQ. GIÁM ĐỐC").as_deref(),
            Some("TUQ. GIÁM ĐỐC")
        );
        assert_eq!(authority_from_reason("Phê duyệt"), None);
        assert_eq!(authority_from_reason("KTX. abc"), None);
    }
}
