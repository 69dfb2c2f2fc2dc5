//! What a details view shows of a checked document beyond the JSON report: for each signature
//! (in the report's order), the end of the bytes it covers (to show the signed revision as it
//! was), its certificate path, its time-stamps with their TSA, and the pages changed after it.
//!
//! Read on demand, after [`verify_file`](super::verify_file) has judged the file: nothing here
//! decides a verdict. Each fact comes from the module that establishes it during validation
//! (discovery, integrity, path building, change analysis), so the view and the report agree.

use serde::Serialize;

use super::changes::{self, ChangeKind};
use super::discovery::{self, DiscoveryError, SignatureSite};
use super::dss::{self, DssFacts};
use super::integrity::{self, IntegrityFacts};
use super::report::{Integrity, SignatureKind, SignerReport};
use super::revisions::Revisions;
use super::timestamp::TimestampFacts;
use crate::message::{Explain, Message};
use crate::pdf::{PdfError, PdfFile};
use crate::pki::path::{self, PathOptions, Purpose};
use crate::pki::trust::{AnchorInfo, TrustStore};
use crate::vn_time;

/// Why the details could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DetailsError {
    /// The signatures could not be listed (the same reasons as when validating).
    #[error(transparent)]
    Discovery(#[from] DiscoveryError),
    /// The file could not be split into revisions.
    #[error(transparent)]
    Pdf(#[from] PdfError),
    /// No signature has this index.
    #[error("no signature {index}; the file has {count}")]
    NoSuchSignature { index: usize, count: usize },
    /// The signature's ByteRange is not four non-negative integers inside the file.
    #[error("signature {index} covers no usable part of the file")]
    NoCoveredPart { index: usize },
}

impl Explain for DetailsError {
    fn message(&self) -> Message {
        match self {
            DetailsError::Discovery(e) => e.message(),
            DetailsError::Pdf(e) => e.message(),
            DetailsError::NoSuchSignature { index, count } => Message::new(
                "signature-unknown",
                format!(
                    "Văn bản không có chữ ký số {} (chỉ có {count} chữ ký)",
                    index + 1
                ),
                format!(
                    "The document has no signature {} (it has {count})",
                    index + 1
                ),
            ),
            DetailsError::NoCoveredPart { index } => Message::new(
                "signed-revision-unavailable",
                format!(
                    "Chữ ký số {} không chỉ ra phần văn bản đã ký (ByteRange hỏng), nên không xem được bản đã ký",
                    index + 1
                ),
                format!(
                    "Signature {} does not delimit the signed part of the document (broken ByteRange), so the signed version cannot be shown",
                    index + 1
                ),
            ),
        }
    }
}

/// The end of the bytes signature `index` (report order) covers: its ByteRange's `c + d`. The
/// file's first `covered_end` bytes are the document as the signer signed it (when the
/// signature closes a revision, which the report's `revision` says).
pub fn covered_end(file: &PdfFile, index: usize) -> Result<u64, DetailsError> {
    let sites = discovery::find_signatures(file)?;
    let count = sites.len();
    let site = sites
        .get(index)
        .ok_or(DetailsError::NoSuchSignature { index, count })?;
    site.byte_range
        .covered_end()
        .filter(|&end| end > 0 && end <= file.source().len())
        .ok_or(DetailsError::NoCoveredPart { index })
}

/// A certificate path as far as it could be built from the file's certificates (CMS, then
/// DSS) and the trust store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificatePath {
    /// Target first; ends at the anchor when one was reached. Each described as the report
    /// describes a signer.
    pub certificates: Vec<SignerReport>,
    /// The anchor reached, with its family (`cong-vu`, `public-ca`, `user-added`).
    pub anchor: Option<AnchorInfo>,
    /// The issuer whose certificate is missing, when no anchor was reached.
    pub missing_issuer: Option<String>,
}

/// `signature` (a signature time-stamp on a signature) or `document` (a document
/// time-stamp, PAdES B-LTA).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimestampRole {
    Signature,
    Document,
}

/// One RFC 3161 time-stamp token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimestampDetails {
    pub role: TimestampRole,
    /// The time the TSA vouches for (genTime, ISO 8601, Vietnam time).
    pub time: Option<String>,
    /// The TSA's certificate subject and common name.
    pub tsa: Option<String>,
    pub tsa_common_name: Option<String>,
    /// The token alone: signature and imprint.
    pub integrity: Integrity,
}

/// One change after a signature, with the page it is on when it is about a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeAfter {
    /// The revision that first shows it; `None` for bytes after the last revision.
    pub revision: Option<usize>,
    /// The page (1-based) the change is on, when it is about one page.
    pub page: Option<usize>,
    pub allowed: bool,
    pub message: Message,
}

/// What the details view shows of one signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureDetails {
    /// The end of the covered bytes (ByteRange `c + d`), when usable.
    pub covered_end: Option<u64>,
    /// The signer's path (for a document time-stamp: the TSA's).
    pub path: Option<CertificatePath>,
    pub timestamps: Vec<TimestampDetails>,
    /// Every change after the signature, allowed or not.
    pub changes: Vec<ChangeAfter>,
    /// The pages those changes are on, sorted, once each.
    pub changed_pages: Vec<usize>,
}

/// The details of every signature of `file`, in the report's order.
pub fn signature_details(
    file: &PdfFile,
    trust: &TrustStore,
) -> Result<Vec<SignatureDetails>, DetailsError> {
    let sites = discovery::find_signatures(file)?;
    let revisions = Revisions::split(file)?;
    let dss = dss::read_dss(file);
    Ok(sites
        .iter()
        .map(|site| details_of(file, site, &revisions, &dss, trust))
        .collect())
}

fn details_of(
    file: &PdfFile,
    site: &SignatureSite,
    revisions: &Revisions,
    dss: &DssFacts,
    trust: &TrustStore,
) -> SignatureDetails {
    let facts = integrity::check_integrity_with(file, site, None);
    let covered_end = facts
        .covered_end
        .filter(|&end| end > 0 && end <= file.source().len());
    let changes: Vec<ChangeAfter> = match covered_end {
        Some(end) => changes::analyse(file, revisions, end)
            .changes
            .into_iter()
            .map(|c| ChangeAfter {
                revision: c.revision,
                page: page_of(&c.kind),
                allowed: c.allowed,
                message: c.message,
            })
            .collect(),
        None => Vec::new(),
    };
    let mut changed_pages: Vec<usize> = changes.iter().filter_map(|c| c.page).collect();
    changed_pages.sort_unstable();
    changed_pages.dedup();
    let timestamps = match site.kind {
        SignatureKind::Signature => facts
            .signature_timestamps
            .iter()
            .map(|t| timestamp_details(t, TimestampRole::Signature))
            .collect(),
        SignatureKind::DocumentTimestamp => facts
            .document_timestamp
            .iter()
            .map(|t| timestamp_details(t, TimestampRole::Document))
            .collect(),
    };
    SignatureDetails {
        covered_end,
        path: signer_path(&facts, site.kind, dss, trust),
        timestamps,
        changes,
        changed_pages,
    }
}

/// The path as validation builds it, without validity-period checks: the view shows each
/// certificate's period itself, and the report already judged it at the signing time.
fn signer_path(
    facts: &IntegrityFacts,
    kind: SignatureKind,
    dss: &DssFacts,
    trust: &TrustStore,
) -> Option<CertificatePath> {
    let signer = facts.signer.as_ref()?;
    let pool = super::process::certificate_pool(facts, dss);
    let purpose = match kind {
        SignatureKind::Signature => Purpose::DocumentSigning,
        SignatureKind::DocumentTimestamp => Purpose::TimeStamping,
    };
    let built = path::build_and_validate_with(
        &signer.der,
        &pool,
        trust,
        &PathOptions { at: None, purpose },
    );
    let mut certificates: Vec<SignerReport> = built.chain.iter().map(SignerReport::from).collect();
    if certificates.is_empty() {
        certificates.push(SignerReport::from(signer));
    }
    Some(CertificatePath {
        certificates,
        anchor: built.anchor,
        missing_issuer: built.missing_issuer,
    })
}

fn timestamp_details(t: &TimestampFacts, role: TimestampRole) -> TimestampDetails {
    TimestampDetails {
        role,
        time: t.gen_time.map(vn_time::iso8601),
        tsa: t.tsa.as_ref().map(|c| c.subject.clone()),
        tsa_common_name: t.tsa.as_ref().and_then(|c| c.common_name.clone()),
        integrity: t.status,
    }
}

/// The page a change is about, for the kinds that name one.
fn page_of(kind: &ChangeKind) -> Option<usize> {
    match kind {
        ChangeKind::AnnotationAdded { page, .. }
        | ChangeKind::AnnotationChanged { page, .. }
        | ChangeKind::AnnotationRemoved { page, .. }
        | ChangeKind::TabOrderChanged { page }
        | ChangeKind::PageContentChanged { page }
        | ChangeKind::PageResourcesChanged { page }
        | ChangeKind::FontChanged { page }
        | ChangeKind::ImageOrFormChanged { page }
        | ChangeKind::PageChanged { page, .. }
        | ChangeKind::WidgetWithoutField { page } => Some(*page),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::fixtures::classic_pdf;

    #[test]
    fn an_unsigned_file_has_no_signature_to_show() {
        let file = PdfFile::from_bytes(classic_pdf(2)).unwrap();
        let err = covered_end(&file, 0).unwrap_err();
        assert!(matches!(
            err,
            DetailsError::NoSuchSignature { index: 0, count: 0 }
        ));
        let message = err.message();
        assert_eq!(message.code, "signature-unknown");
        assert!(
            message.vi.contains("không có chữ ký số 1"),
            "{}",
            message.vi
        );
        let trust = TrustStore::empty();
        assert!(signature_details(&file, &trust).unwrap().is_empty());
    }

    #[test]
    fn page_changes_name_their_page_and_others_none() {
        assert_eq!(
            page_of(&ChangeKind::PageContentChanged { page: 3 }),
            Some(3)
        );
        assert_eq!(
            page_of(&ChangeKind::AnnotationAdded {
                page: 1,
                subtype: "Text".into()
            }),
            Some(1)
        );
        assert_eq!(page_of(&ChangeKind::RootChanged), None);
    }
}
