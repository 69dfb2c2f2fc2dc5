//! Long-term validation with the data the file carries (ETSI EN 319 102-1 §5.6, past signature
//! validation; ETSI EN 319 142-1 §6.3, the PAdES baseline levels).
//!
//! - **Proof of existence.** A signature time-stamp whose TSA is trusted proves the signature
//!   existed at its genTime. The signer is validated at that time (path and revocation); a
//!   revocation *after* it — known only from later OCSP responses or CRLs, typically in the
//!   DSS — does not touch the signature (§5.6.2.4: the POE is before the revocation). A
//!   revocation at or before it fails the signature.
//! - **Archive time-stamps are proof of existence too** (§5.6.2, past signature validation). A
//!   document time-stamp that validated (TOTAL-PASSED) proves that every signature in the
//!   revisions it covers — and the DSS they carry — existed at its genTime. A signature
//!   without a time-stamp of its own (B-B) takes the earliest such time as its proof: a
//!   revocation after it is a note; one between the claimed signing time and it is not.
//! - **The whole chain's status.** Below the anchor, every CA certificate of the signer's path
//!   and every certificate of the time-stamp authority's path (TSA included) is checked against
//!   the revocation data the file carries, when the certificate names an OCSP responder or a
//!   CRL. Revoked before the time checked: failed (a TSA revoked before its genTime makes its
//!   token worthless). Not settled: when the file claims long-term data (the signer's status
//!   comes from it), the signature is INDETERMINATE (TRY_LATER) and says which certificate
//!   lacks data; otherwise a note, as for any B-B or B-T signature.
//! - **Level reached.** B-B: a signature; B-T: with a trusted signature time-stamp (or a
//!   validated document time-stamp covering it, as EN 319 142-1 allows); B-LT: the file's
//!   revocation data settles the status of the signer, its CAs and its TSAs at that time;
//!   B-LTA: a trusted document time-stamp in a later revision covers a DSS.

use serde::Serialize;
use time::OffsetDateTime;

use super::dss::DssFacts;
use super::finding::{Finding, Severity};
use super::indication::SubIndication;
use super::report::{Integrity, SignatureKind, SignatureReport};
use super::revisions::Revisions;
use crate::message::Message;
use crate::pdf::PdfFile;
use crate::pki::CertificateInfo;
use crate::pki::revocation::{self, Revocation, RevocationStatus};
use crate::vn_time;

/// A PAdES baseline level (ETSI EN 319 142-1 §6.3), as far as the file shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum PadesLevel {
    #[serde(rename = "B-B")]
    BB,
    #[serde(rename = "B-T")]
    BT,
    #[serde(rename = "B-LT")]
    BLt,
    #[serde(rename = "B-LTA")]
    BLta,
}

/// OCSP responses and CRLs (DER) a file carries for one signature: its CMS, its
/// revocation-archival attribute and the DSS.
#[derive(Debug, Clone, Default)]
pub struct EmbeddedRevocation {
    pub ocsps: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
}

/// The time-stamp at `poe` proves the signature existed then: when the certificate's
/// revocation (`revoked`, found after the time checked) is later than `poe`, the finding it
/// caused (sub-indication REVOKED_NO_POE, code `cert-revoked-later`) is only a note. A
/// revocation at or before `poe` is left as it is: nothing proves the signature came first.
pub fn apply_proof_of_existence(
    findings: &mut [Finding],
    poe: OffsetDateTime,
    revoked: Option<Revocation>,
) {
    if revoked.is_some_and(|r| r.time <= poe) {
        return;
    }
    let when = vn_time::iso8601(poe);
    for finding in findings.iter_mut() {
        if finding.code == "cert-revoked-later"
            && finding.sub_indication == Some(SubIndication::RevokedNoPoe)
        {
            finding.severity = Severity::Info;
            finding.sub_indication = None;
            finding.message = Message::new(
                "cert-revoked-after-timestamp",
                format!(
                    "{} — dấu thời gian {when} chứng minh chữ ký có trước khi thu hồi nên chữ ký vẫn hợp lệ",
                    finding.message.vi
                ),
                format!(
                    "{} — the time-stamp of {when} proves the signature existed before the revocation, so it stays valid",
                    finding.message.en
                ),
            );
            finding.code = finding.message.code.clone();
        }
    }
}

/// The level a signature reaches before document time-stamps are looked at (B-LTA is decided
/// by [`upgrade_to_lta`] once every signature is assessed). `None` for a document time-stamp.
/// `poe`: its proof of existence (its own time-stamp, else a covering document time-stamp);
/// `settled`: the DSS settles the status of the signer, its CAs and its TSAs at that time.
pub fn level_before_archive(
    kind: SignatureKind,
    integrity: Integrity,
    poe: Option<OffsetDateTime>,
    settled: bool,
) -> Option<PadesLevel> {
    if kind != SignatureKind::Signature || integrity != Integrity::Intact {
        return None;
    }
    Some(match (poe, settled) {
        (None, _) => PadesLevel::BB,
        (Some(_), false) => PadesLevel::BT,
        (Some(_), true) => PadesLevel::BLt,
    })
}

/// Whether the DSS alone settles `certificate`'s status at `at` (what B-LT promises).
pub fn settled_by_dss(
    certificate: &CertificateInfo,
    issuer: &CertificateInfo,
    dss: &DssFacts,
    at: OffsetDateTime,
) -> bool {
    revocation::revocation_status(certificate, issuer, &dss.ocsps, &dss.crls, at).status
        != RevocationStatus::Unknown
}

/// What the revocation checks of a chain's certificates (below the anchor) found.
#[derive(Debug, Default)]
pub struct ChainRevocation {
    pub findings: Vec<Finding>,
    /// Every certificate that names an OCSP responder or a CRL has its status settled by the
    /// DSS: the chain's part of B-LT.
    pub settled_by_dss: bool,
}

/// Checks `chain[first..]` (target first, anchor last; the anchor is trusted as it is) against
/// the revocation data the file carries, at `at`. Certificates that name no OCSP responder and
/// no CRL have none to check (and id-pkix-ocsp-nocheck responders are never in such a chain).
/// `long_term_claim`: the file claims long-term data for this signature, so a status it does
/// not settle is a warning (TRY_LATER) rather than a note.
pub fn chain_revocation(
    chain: &[CertificateInfo],
    first: usize,
    embedded: &EmbeddedRevocation,
    dss: &DssFacts,
    at: OffsetDateTime,
    poe: Option<OffsetDateTime>,
    long_term_claim: bool,
) -> ChainRevocation {
    let mut result = ChainRevocation {
        findings: Vec::new(),
        settled_by_dss: true,
    };
    let Some(below_anchor) = chain.len().checked_sub(1) else {
        return result;
    };
    for index in first..below_anchor {
        let (certificate, issuer) = (&chain[index], &chain[index + 1]);
        if crate::pki::aia::ocsp_urls(&certificate.der).is_empty()
            && crate::pki::aia::crl_urls(&certificate.der).is_empty()
        {
            continue;
        }
        let facts =
            revocation::revocation_status(certificate, issuer, &embedded.ocsps, &embedded.crls, at);
        result.settled_by_dss &= settled_by_dss(certificate, issuer, dss, at);
        let mut findings = facts.findings;
        match facts.status {
            RevocationStatus::Unknown if !long_term_claim => {
                // B-B / B-T: no one promised this data; say it was not checked, no more.
                let name = certificate
                    .common_name
                    .as_deref()
                    .unwrap_or(&certificate.subject);
                findings = vec![Finding::info(Message::new(
                    "revocation-not-checked",
                    format!(
                        "Tệp không kèm dữ liệu thu hồi dùng được cho chứng thư «{name}»: tình trạng thu hồi của nó không được kiểm tra"
                    ),
                    format!(
                        "The file carries no usable revocation data for the certificate “{name}”: its revocation status was not checked"
                    ),
                ))];
            }
            RevocationStatus::Good => {
                if let Some(poe) = poe {
                    apply_proof_of_existence(&mut findings, poe, facts.later_revocation);
                }
            }
            _ => {}
        }
        result.findings.extend(findings);
    }
    result
}

/// When the TSA of a time-stamp was revoked at or before `gen_time` by the data the file
/// carries, the finding that says so: its token proves nothing.
pub fn tsa_revoked_before(
    tsa_chain: &[CertificateInfo],
    embedded: &EmbeddedRevocation,
    gen_time: OffsetDateTime,
) -> Option<Finding> {
    let (tsa, issuer) = (tsa_chain.first()?, tsa_chain.get(1)?);
    let facts =
        revocation::revocation_status(tsa, issuer, &embedded.ocsps, &embedded.crls, gen_time);
    let RevocationStatus::Revoked { time, .. } = facts.status else {
        return None;
    };
    let name = tsa.common_name.as_deref().unwrap_or(&tsa.subject);
    let when = vn_time::iso8601(time);
    Some(Finding::warning(
        Some(SubIndication::NoPoe),
        Message::new(
            "timestamp-tsa-revoked",
            format!(
                "Chứng thư của máy chủ cấp dấu thời gian «{name}» đã bị thu hồi vào {when}, trước thời điểm của dấu thời gian: dấu thời gian không có giá trị"
            ),
            format!(
                "The certificate of the time-stamp authority “{name}” was revoked on {when}, before the time it stamped: the time-stamp proves nothing"
            ),
        ),
    ))
}

/// For each signature (by index in `sites`), the earliest genTime of a document time-stamp
/// that validated (TOTAL-PASSED) and covers it (signs a later revision): its proof of
/// existence from the archive (EN 319 102-1 §5.6.2). `stamps` holds, by the same index, the
/// reports of the document time-stamps with their genTime.
pub fn archive_proofs(
    sites: &[crate::verify::discovery::SignatureSite],
    stamps: &[Option<(SignatureReport, Option<OffsetDateTime>)>],
) -> Vec<Option<OffsetDateTime>> {
    let passed: Vec<(u64, OffsetDateTime)> = sites
        .iter()
        .zip(stamps)
        .filter_map(|(site, stamp)| {
            let (report, time) = stamp.as_ref()?;
            if report.kind != SignatureKind::DocumentTimestamp
                || report.indication != super::indication::Indication::TotalPassed
            {
                return None;
            }
            Some((site.byte_range.covered_end()?, (*time)?))
        })
        .collect();
    sites
        .iter()
        .map(|site| {
            let end = site.byte_range.covered_end()?;
            passed
                .iter()
                .filter(|(stamp_end, _)| *stamp_end > end)
                .map(|&(_, time)| time)
                .min()
        })
        .collect()
}

/// B-LT signatures covered by a trusted, intact document time-stamp of a later revision whose
/// signed part already held a DSS become B-LTA. Trusted means validated (TOTAL-PASSED), as for
/// [`archive_proofs`]: an intact time-stamp from a TSA nobody trusts proves nothing.
pub fn upgrade_to_lta(signatures: &mut [SignatureReport], file: &PdfFile, revisions: &Revisions) {
    let archives: Vec<usize> = signatures
        .iter()
        .filter(|s| {
            s.kind == SignatureKind::DocumentTimestamp
                && s.indication == super::indication::Indication::TotalPassed
                && s.integrity == Integrity::Intact
                && s.timestamp_time.is_some()
        })
        .filter_map(|s| s.revision)
        .filter(|&revision| dss_in_revision(file, revisions, revision))
        .collect();
    for signature in signatures.iter_mut() {
        if signature.level == Some(PadesLevel::BLt)
            && let Some(revision) = signature.revision
            && archives.iter().any(|&archive| archive > revision)
        {
            signature.level = Some(PadesLevel::BLta);
        }
    }
}

/// Whether revision `number` (1-based) of the file has a `/DSS` in its catalog.
fn dss_in_revision(file: &PdfFile, revisions: &Revisions, number: usize) -> bool {
    let Some(revision) = number
        .checked_sub(1)
        .and_then(|i| revisions.revisions.get(i))
    else {
        return false;
    };
    file.at_revision(revision.end_offset)
        .and_then(|prefix| prefix.catalog())
        .is_ok_and(|catalog| catalog.contains_key(b"DSS"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    fn revoked_later() -> Vec<Finding> {
        vec![Finding::warning(
            Some(SubIndication::RevokedNoPoe),
            Message::new("cert-revoked-later", "bị thu hồi sau", "revoked later"),
        )]
    }

    #[test]
    fn a_proof_of_existence_clears_only_a_revocation_after_it() {
        let poe = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        let revocation = |time| Some(Revocation { time, reason: None });

        let mut after = revoked_later();
        apply_proof_of_existence(&mut after, poe, revocation(poe + Duration::seconds(1)));
        assert_eq!(after[0].code, "cert-revoked-after-timestamp");
        assert_eq!(after[0].severity, Severity::Info);
        assert_eq!(after[0].sub_indication, None);

        // Revoked at the very time of the proof, or before: nothing shows the signature first.
        for time in [poe, poe - Duration::hours(1)] {
            let mut before = revoked_later();
            apply_proof_of_existence(&mut before, poe, revocation(time));
            assert_eq!(before[0].code, "cert-revoked-later");
            assert_eq!(before[0].sub_indication, Some(SubIndication::RevokedNoPoe));
        }
    }
}
