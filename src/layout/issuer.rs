//! The precondition of the organisation's signature (NĐ 30/2020 Đ.32.2): the records clerk
//! applies it only to documents already signed by the authorised person. "Signed" means a
//! personal signature the verifier accepts under the strict `incoming` policy: intact, no
//! disallowed change after it, the certificate chaining to a trust anchor and valid at signing
//! time (missing revocation data is only a warning there, as it is for incoming documents).

use std::path::Path;
use std::time::Duration;

use crate::pki::trust::TrustStore;
use crate::verify::policy::{self, Policy};
use crate::verify::report::{Integrity, Modifications, SignatureKind, Verdict};
use crate::verify::role::{Role, role_of};
use crate::verify::{VerifyOptions, verify_file};

use super::LayoutError;
use super::placement::{self, SignatureWidget};

/// Time allowed for the check: generous, since it runs once per issued document.
const CHECK_TIME_LIMIT: Duration = Duration::from_secs(30);

/// The latest valid, visible personal signature of the document at `input`.
pub fn personal_signature(
    input: &Path,
    trust: &TrustStore,
) -> Result<SignatureWidget, LayoutError> {
    let options = VerifyOptions {
        policy: Policy::Incoming,
        trust: trust.clone(),
        offline: true,
        time_limit: CHECK_TIME_LIMIT,
    };
    let report = verify_file(input, &options);
    let personal: Vec<_> = report
        .signatures
        .iter()
        .filter(|s| s.kind == SignatureKind::Signature)
        .filter(|s| s.signer.as_ref().and_then(role_of) == Some(Role::Personal))
        .collect();
    if personal.is_empty() {
        return Err(LayoutError::NoPersonalSignature);
    }
    let valid = personal.iter().rev().find(|s| {
        s.integrity == Integrity::Intact
            && s.modifications != Modifications::Disallowed
            && policy::decide(Policy::Incoming, std::slice::from_ref(*s)).0 == Verdict::Accepted
    });
    let Some(valid) = valid else {
        let mut reasons = Vec::new();
        for s in &personal {
            reasons.extend(policy::decide(Policy::Incoming, std::slice::from_ref(*s)).1);
        }
        reasons.dedup();
        return Err(LayoutError::PersonalSignatureInvalid { reasons });
    };
    let field = valid.field.clone().unwrap_or_default();
    let file = crate::pdf::PdfFile::open(input)?;
    placement::signature_widgets(&file)?
        .into_iter()
        .find(|w| w.field == field && placement::has_area(&w.rect))
        .ok_or(LayoutError::PersonalSignatureInvisible { field })
}
