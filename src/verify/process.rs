//! The validation process (ETSI EN 319 102-1 §5): for one file, collect the facts of every
//! signature — integrity, the revision it closes and what changed after it, its time, its
//! certificate path and revocation status — then turn them into indications and a verdict.
//!
//! Nothing here decides on its own: each step is a module that states facts and findings; this
//! file only orders the steps and passes each the time and the data it needs.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::budget::{Budget, Stage};
use super::changes;
use super::discovery::{self, SignatureSite};
use super::dss::{self, DssFacts};
use super::finding::{Finding, Severity};
use super::indication::SubIndication;
use super::integrity::{self, IntegrityFacts};
use super::policy::{self, Policy};
use super::report::{
    FileReport, Integrity, Modifications, SignatureKind, SignatureReport, SignerReport, Verdict,
    indication_from,
};
use super::revisions::Revisions;
use super::timestamp::TimestampFacts;
use crate::message::{Explain, Message};
use crate::pdf::{PdfError, PdfFile, Source};
use crate::pki::CertificateInfo;
use crate::pki::path::{self, PathFacts, PathStatus, Purpose};
use crate::pki::revocation::{self, RevocationStatus};
use crate::pki::trust::TrustStore;
use crate::vn_time;

/// How to validate.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    pub policy: Policy,
    /// Trust anchors: the shipped VGCA and NEAC roots, plus those the user added.
    pub trust: TrustStore,
    /// No network. Online OCSP/CRL fetching comes with the time-stamp issue; until then every
    /// check uses only the data in the file, whatever this says.
    pub offline: bool,
    /// Time allowed per file ([`DEFAULT_TIME_LIMIT`](super::budget::DEFAULT_TIME_LIMIT), 2 s): past it, what is not yet
    /// checked is reported as not checked and the document is rejected.
    pub time_limit: Duration,
}

/// Validates one file. Never fails: an unreadable or malformed file is a rejected report.
pub fn verify_file(path: &Path, options: &VerifyOptions) -> FileReport {
    let checked_at = vn_time::now();
    let mut report = FileReport {
        file: path.display().to_string(),
        sha256: None,
        verdict: Verdict::Rejected,
        reasons: Vec::new(),
        warnings: Vec::new(),
        signatures: Vec::new(),
        revisions: 0,
        policy: options.policy.as_str(),
        checked_at: vn_time::iso8601(checked_at),
    };
    let budget = Budget::start(options.time_limit);
    match file_sha256(path, &budget) {
        Ok(Some(sha)) => report.sha256 = Some(sha),
        Ok(None) => return out_of_time(report, &budget, Stage::Reading),
        Err(e) => {
            report.reasons.push(Message::new(
                "unreadable",
                format!("Không đọc được tệp: {e}"),
                format!("The file cannot be read: {e}"),
            ));
            return report;
        }
    }
    // Every read of the file obeys the budget (see `budget`).
    let opened = Source::open(path)
        .map_err(PdfError::from)
        .and_then(|source| PdfFile::from_source(source.with_deadline(budget.deadline())));
    let file = match opened {
        Ok(f) => f,
        Err(e) if e.is_time_limit() => return out_of_time(report, &budget, Stage::Reading),
        Err(e) => return malformed(report, e.message()),
    };
    let sites = match discovery::find_signatures(&file) {
        Ok(s) => s,
        Err(discovery::DiscoveryError::Pdf(e)) if e.is_time_limit() => {
            return out_of_time(report, &budget, Stage::Discovery);
        }
        Err(e) => return malformed(report, e.message()),
    };
    let revisions = match Revisions::split(&file) {
        Ok(r) => r,
        Err(e) if e.is_time_limit() => return out_of_time(report, &budget, Stage::Revisions),
        Err(e) => return malformed(report, e.message()),
    };
    report.revisions = revisions.revisions.len();
    let dss = dss::read_dss(&file);
    let overlaps = integrity::check_gap_overlaps(&sites);

    for (index, site) in sites.iter().enumerate() {
        let mut assessed = match budget.check(Stage::Signature) {
            Ok(()) => {
                let mut assessed = assess(&file, site, &revisions, &dss, options, checked_at);
                // Time ran out during the check: its reads failed, so its facts are partial.
                if budget.expired() {
                    assessed
                        .findings
                        .push(budget.reached(Stage::Signature).to_finding());
                }
                assessed
            }
            Err(reached) => not_checked(site, reached.to_finding()),
        };
        for (i, finding) in &overlaps {
            if *i == index {
                assessed.findings.push(finding.clone());
            }
        }
        let (indication, sub) = indication_from(&assessed.findings, assessed.modifications);
        assessed.indication = indication;
        assessed.sub_indication = sub;
        assessed.reasons = assessed
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Info)
            .map(|f| f.message.clone())
            .collect();
        report.signatures.push(assessed);
    }
    let (verdict, reasons, warnings) = policy::decide(options.policy, &report.signatures);
    report.verdict = verdict;
    report.reasons = reasons;
    report.warnings = warnings;
    if budget.expired() {
        // Some read was refused: the DSS, or a signature dictionary a check skipped as
        // unreadable. A document not fully checked is never accepted, and says why.
        return out_of_time(report, &budget, Stage::Signature);
    }
    report
}

/// A report for a file that is not a readable PDF: rejected with the reason, never a crash.
/// A safety limit of the reader keeps its code (`pdf-limit`), so the report says which
/// limit was hit.
fn malformed(mut report: FileReport, why: Message) -> FileReport {
    let code = match why.code.as_str() {
        "encrypted" | "pdf-limit" => why.code.clone(),
        _ => "malformed".to_owned(),
    };
    report.reasons.push(Message::new(
        code,
        format!("Không kiểm tra được tệp PDF: {}", why.vi),
        format!("The PDF file cannot be checked: {}", why.en),
    ));
    report.verdict = Verdict::Rejected;
    report
}

/// The file's SHA-256 (for the report and the refusal notice); `None` when the budget ran out
/// first (a file of many gigabytes).
fn file_sha256(path: &Path, budget: &Budget) -> std::io::Result<Option<String>> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        if budget.expired() {
            return Ok(None);
        }
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(Some(hex::encode(hasher.finalize())))
}

// ---- Time budget (hostile input; see `budget`) ---------------------------------------------

/// A report cut short by the time limit: rejected, saying which limit and at which stage.
fn out_of_time(mut report: FileReport, budget: &Budget, stage: Stage) -> FileReport {
    let message = budget.reached(stage).message();
    if !report.reasons.iter().any(|r| r.code == message.code) {
        report.reasons.push(message);
    }
    report.verdict = Verdict::Rejected;
    report
}

/// A signature the time limit left unchecked: nothing about it is vouched for.
fn not_checked(site: &SignatureSite, finding: Finding) -> SignatureReport {
    SignatureReport {
        field: site.field_name.clone(),
        kind: site.kind,
        subfilter: site.sub_filter.clone(),
        revision: None,
        integrity: Integrity::Unknown,
        // As for a signature without a usable ByteRange: no later change can be vouched for.
        modifications: Modifications::Disallowed,
        indication: super::indication::Indication::Indeterminate,
        sub_indication: None,
        signer: None,
        signing_time: None,
        signing_time_claimed: true,
        timestamp_time: None,
        ca_family: "unknown".to_string(),
        reason: site.reason.clone(),
        reasons: Vec::new(),
        findings: vec![finding],
    }
}

/// Every fact about one signature, as a report entry (indication filled by the caller).
fn assess(
    file: &PdfFile,
    site: &SignatureSite,
    revisions: &Revisions,
    dss: &DssFacts,
    options: &VerifyOptions,
    now: OffsetDateTime,
) -> SignatureReport {
    let facts = integrity::check_integrity(file, site);
    let mut findings = facts.findings.clone();

    if !site.reached_by_field {
        // Signature wrapping moves a signed dictionary out of reach and shows another; an
        // office cannot accept a signature the document does not present as its own.
        findings.push(Finding::new(
            Severity::Failure,
            None,
            Message::new(
                "signature-not-in-form",
                "Có chữ ký không gắn với trường chữ ký nào của văn bản (dấu hiệu tấn công bọc chữ ký)",
                "A signature is not attached to any signature field of the document (a sign of signature wrapping)",
            ),
        ));
    }

    // Which revision the signature closes, and what came after it.
    let (revision, modifications) = match facts.covered_end {
        Some(end) => {
            let changes = changes::analyse(file, revisions, end);
            findings.extend(changes.findings());
            (changes.signed_revision, changes.level)
        }
        // No usable ByteRange: integrity says why; nothing after it can be vouched for.
        None => (None, Modifications::Disallowed),
    };

    // The time to validate at: a trusted time-stamp's, else the signer's claim (said plainly).
    let claimed = site
        .claimed_time
        .as_deref()
        .and_then(vn_time::parse_pdf_date)
        .or(facts.claimed_signing_time);
    let (stamp_time, stamp_findings) = timestamp_time(&facts, site.kind, dss, options);
    findings.extend(stamp_findings);
    let at = stamp_time.or(claimed).unwrap_or(now);
    if stamp_time.is_none() && site.kind == SignatureKind::Signature {
        findings.push(Finding::info(Message::new(
            "time-claimed-only",
            "Thời gian ký chỉ do máy tính của người ký khai, không có dấu thời gian",
            "The signing time is only what the signer's computer claimed; there is no time-stamp",
        )));
    }

    // Path and revocation of the signer (for a document time-stamp: of the TSA).
    let purpose = match site.kind {
        SignatureKind::Signature => Purpose::DocumentSigning,
        SignatureKind::DocumentTimestamp => Purpose::TimeStamping,
    };
    let mut ca_family = "unknown".to_string();
    if let Some(signer) = &facts.signer {
        let pool = certificate_pool(&facts, dss);
        let path_facts = path::build_and_validate(&signer.der, &pool, &options.trust, at, purpose);
        if let Some(family) = path_facts.family() {
            ca_family = family_name(family).to_string();
        }
        findings.extend(path_facts.findings.iter().cloned());
        if path_facts.status != PathStatus::Trusted && path_facts.findings.is_empty() {
            findings.push(untrusted_finding());
        }
        findings.extend(revocation_findings(&path_facts, &facts, dss, at));
    } else if facts.status == Integrity::Intact {
        findings.push(Finding::failure(
            SubIndication::NoSigningCertificateFound,
            Message::new(
                "no-signer-certificate",
                "Không tìm thấy chứng thư số của người ký trong chữ ký",
                "The signer's certificate is not in the signature",
            ),
        ));
    }

    SignatureReport {
        field: site.field_name.clone(),
        kind: site.kind,
        subfilter: site.sub_filter.clone(),
        revision,
        integrity: facts.with_timestamps(),
        modifications,
        indication: super::indication::Indication::Indeterminate,
        sub_indication: None,
        signer: facts.signer.as_ref().map(signer_report),
        signing_time: stamp_time.or(claimed).map(vn_time::iso8601),
        signing_time_claimed: stamp_time.is_none(),
        timestamp_time: stamp_time.map(vn_time::iso8601),
        ca_family,
        reason: site.reason.clone(),
        reasons: Vec::new(),
        findings: dedup_findings(findings),
    }
}

/// Certificates to build paths with: the CMS's, then the DSS's.
fn certificate_pool(facts: &IntegrityFacts, dss: &DssFacts) -> Vec<Vec<u8>> {
    let mut pool = facts.certificates.clone();
    for t in &facts.signature_timestamps {
        pool.extend(t.certificates.iter().cloned());
    }
    pool.extend(dss.certs.iter().cloned());
    pool.sort();
    pool.dedup();
    pool
}

/// The time a time-stamp proves, when its token is intact and its TSA trusted.
fn timestamp_time(
    facts: &IntegrityFacts,
    kind: SignatureKind,
    dss: &DssFacts,
    options: &VerifyOptions,
) -> (Option<OffsetDateTime>, Vec<Finding>) {
    let tokens: Vec<&TimestampFacts> = match kind {
        SignatureKind::Signature => facts.signature_timestamps.iter().collect(),
        SignatureKind::DocumentTimestamp => facts.document_timestamp.iter().collect(),
    };
    let mut findings = Vec::new();
    for token in tokens {
        if token.status != Integrity::Intact {
            continue; // its findings are already among the integrity findings
        }
        let (Some(gen_time), Some(tsa)) = (token.gen_time, &token.tsa) else {
            continue;
        };
        let mut pool = token.certificates.clone();
        pool.extend(dss.certs.iter().cloned());
        let tsa_path = path::build_and_validate(
            &tsa.der,
            &pool,
            &options.trust,
            gen_time,
            Purpose::TimeStamping,
        );
        if tsa_path.status == PathStatus::Trusted {
            return (Some(gen_time), findings);
        }
        if kind == SignatureKind::Signature {
            findings.push(Finding::warning(
                Some(SubIndication::NoPoe),
                Message::new(
                    "timestamp-untrusted",
                    format!(
                        "Dấu thời gian của {} không dựng được đến chứng thư gốc tin cậy nên không dùng làm thời gian ký",
                        tsa.common_name.as_deref().unwrap_or(&tsa.subject)
                    ),
                    format!(
                        "The time-stamp by {} does not chain to a trusted root, so it is not used as the signing time",
                        tsa.common_name.as_deref().unwrap_or(&tsa.subject)
                    ),
                ),
            ));
        } else {
            // For a document time-stamp the TSA is the signer: its path findings are the ones.
            return (Some(gen_time), findings);
        }
    }
    (None, findings)
}

/// The signer's revocation status at `at`, from the data in the file.
fn revocation_findings(
    path_facts: &PathFacts,
    facts: &IntegrityFacts,
    dss: &DssFacts,
    at: OffsetDateTime,
) -> Vec<Finding> {
    let (Some(certificate), Some(issuer)) = (path_facts.chain.first(), path_facts.chain.get(1))
    else {
        return Vec::new(); // no issuer: the path findings already say why
    };
    let mut ocsps = facts.cms_revocation.ocsp_responses.clone();
    ocsps.extend(facts.revocation_archival.ocsp_responses.iter().cloned());
    ocsps.extend(dss.ocsps.iter().cloned());
    let mut crls = facts.cms_revocation.crls.clone();
    crls.extend(facts.revocation_archival.crls.iter().cloned());
    crls.extend(dss.crls.iter().cloned());
    let status = revocation::revocation_status(certificate, issuer, &ocsps, &crls, at);
    let mut findings = status.findings.clone();
    if let RevocationStatus::Revoked { time, .. } = status.status
        && !findings
            .iter()
            .any(|f| f.sub_indication == Some(SubIndication::Revoked))
    {
        findings.push(Finding::failure(
            SubIndication::Revoked,
            Message::new(
                "cert-revoked",
                format!("Chứng thư số đã bị thu hồi từ {}", vn_time::iso8601(time)),
                format!("The certificate was revoked on {}", vn_time::iso8601(time)),
            ),
        ));
    }
    findings
}

fn untrusted_finding() -> Finding {
    Finding::failure(
        SubIndication::NoCertificateChainFound,
        Message::new(
            "untrusted",
            "Đường dẫn chứng thực không hợp lệ: chứng thư không thuộc chứng thư gốc tin cậy nào",
            "Invalid certification path: the certificate does not chain to a trusted root",
        ),
    )
}

fn family_name(family: crate::pki::trust::CaFamily) -> &'static str {
    use crate::pki::trust::CaFamily;
    match family {
        CaFamily::CongVu => "cong-vu",
        CaFamily::PublicCa => "public-ca",
        CaFamily::UserAdded => "user-added",
    }
}

fn signer_report(info: &CertificateInfo) -> SignerReport {
    SignerReport {
        subject: info.subject.clone(),
        common_name: info.common_name.clone(),
        organisation: info.organisation.clone(),
        issuer: info.issuer.clone(),
        serial: info.serial_hex.clone(),
        not_before: vn_time::iso8601(info.not_before),
        not_after: vn_time::iso8601(info.not_after),
        key: info.key_description(),
        sha256: info.sha256_fingerprint.clone(),
    }
}

/// Two modules may see the same fact (e.g. a ByteRange that ends at no revision): say it once.
fn dedup_findings(findings: Vec<Finding>) -> Vec<Finding> {
    let mut seen = std::collections::HashSet::new();
    findings
        .into_iter()
        .filter(|f| seen.insert((f.code.clone(), f.message.vi.clone())))
        .collect()
}

#[cfg(test)]
mod budget_tests {
    use super::*;
    use crate::verify::policy::Policy;

    #[test]
    fn a_spent_budget_rejects_the_document_and_names_the_limit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.pdf");
        std::fs::write(&path, crate::pdf::fixtures::classic_pdf(1)).expect("write");
        let options = VerifyOptions {
            policy: Policy::Any,
            trust: TrustStore::empty(),
            offline: true,
            time_limit: Duration::ZERO,
        };
        let report = verify_file(&path, &options);
        assert_eq!(report.verdict, Verdict::Rejected);
        assert_eq!(
            report.reasons[0].code,
            crate::verify::budget::TIME_LIMIT_CODE
        );
        assert!(
            report.reasons[0]
                .vi
                .starts_with("Hết thời gian kiểm tra (giới hạn 0 ms)"),
            "{:?}",
            report.reasons
        );
    }
}
