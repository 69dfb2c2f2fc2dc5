//! The validation process (ETSI EN 319 102-1 §5): for one file, collect the facts of every
//! signature — integrity, the revision it closes and what changed after it, its time, its
//! certificate path and revocation status — then turn them into indications and a verdict.
//!
//! Nothing here decides on its own: each step is a module that states facts and findings; this
//! file only orders the steps and passes each the time and the data it needs.

use std::path::Path;
use std::time::Duration;

use time::OffsetDateTime;

use super::budget::{Budget, Stage};
use super::changes;
use super::discovery::{self, SignatureSite};
use super::dss::{self, DssFacts};
use super::finding::{Finding, Severity};
use super::indication::SubIndication;
use super::integrity::{self, IntegrityFacts};
use super::policy::{self, Policy};
use super::prefix::FileDigest;
use super::report::{
    FileReport, Integrity, Modifications, SignatureKind, SignatureReport, SignerReport, Verdict,
    indication_from,
};
use super::revisions::Revisions;
use super::timestamp::TimestampFacts;
use crate::message::{Explain, Message};
use crate::net::{HttpClient, NetOptions};
use crate::pdf::{PdfFile, Source};
use crate::pki::CertificateInfo;
use crate::pki::path::{self, PathFacts, PathStatus, Purpose};
use crate::pki::revocation::online::RevocationFetcher;
use crate::pki::revocation::online::cache::DiskCache;
use crate::pki::revocation::{self, RevocationStatus};
use crate::pki::trust::TrustStore;
use crate::vn_time;

/// How to validate.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    pub policy: Policy,
    /// Trust anchors: the shipped VGCA and NEAC roots, plus those the user added.
    pub trust: TrustStore,
    /// No network: only the data in the file. Online (`false`), a signer whose revocation
    /// the file does not settle is asked about over OCSP, then CRL (with the per-user cache),
    /// and a missing intermediate is fetched from caIssuers; the findings say where each
    /// answer came from.
    pub offline: bool,
    /// Time allowed per file ([`DEFAULT_TIME_LIMIT`](super::budget::DEFAULT_TIME_LIMIT), 2 s): past it, what is not yet
    /// checked is reported as not checked and the document is rejected.
    pub time_limit: Duration,
}

/// At most this many missing issuers are fetched from caIssuers for one path.
const MAX_AIA_STEPS: usize = 3;

/// Validates one file. Never fails: an unreadable or malformed file is a rejected report.
pub fn verify_file(path: &Path, options: &VerifyOptions) -> FileReport {
    let online = (!options.offline).then(|| default_fetcher(options.time_limit));
    verify_file_with(path, options, online.as_ref())
}

/// The fetcher `verify_file` uses online: the per-user cache, and network timeouts no longer
/// than the time allowed per file (network time counts against it).
pub fn default_fetcher(time_limit: Duration) -> RevocationFetcher {
    let defaults = NetOptions::default();
    let net = NetOptions {
        connect_timeout: defaults.connect_timeout.min(time_limit),
        timeout: defaults.timeout.min(time_limit),
        ..defaults
    };
    RevocationFetcher::new(HttpClient::new(&net), DiskCache::default_dir())
}

/// [`verify_file`] with the fetcher to use online (`None`, or `options.offline`: no network).
pub fn verify_file_with(
    path: &Path,
    options: &VerifyOptions,
    online: Option<&RevocationFetcher>,
) -> FileReport {
    let online = online.filter(|_| !options.offline);
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
    // Network time counts against the same budget: no request is started once it is spent.
    let online = online.map(|fetcher| fetcher.until(budget.deadline().at));
    let online = online.as_ref();
    // The file's SHA-256 (report, refusal notice), keeping states the signatures' digests
    // resume from: one read of the open file for all of them (see `prefix`).
    let unreadable = |mut report: FileReport, e: std::io::Error| {
        report.reasons.push(Message::new(
            "unreadable",
            format!("Không đọc được tệp: {e}"),
            format!("The file cannot be read: {e}"),
        ));
        report
    };
    let source = match Source::open(path) {
        Ok(source) => source,
        Err(e) => return unreadable(report, e),
    };
    let whole = match FileDigest::read(&source, || budget.expired()) {
        Ok(Some(whole)) => {
            report.sha256 = Some(hex::encode(whole.sha256));
            whole
        }
        Ok(None) => return out_of_time(report, &budget, Stage::Reading),
        Err(e) => return unreadable(report, e),
    };
    // Every read of the file obeys the budget (see `budget`).
    let opened = PdfFile::from_source(source.with_deadline(budget.deadline()));
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

    let finish = |index: usize, site: &SignatureSite, archive_poe: Option<OffsetDateTime>| {
        let (mut assessed, poe) = match budget.check(Stage::Signature) {
            Ok(()) => {
                let (mut assessed, poe) = assess(
                    &file,
                    &whole,
                    site,
                    &revisions,
                    &dss,
                    options,
                    online,
                    checked_at,
                    archive_poe,
                );
                // Time ran out during the check: its reads failed, so its facts are partial.
                if budget.expired() {
                    assessed
                        .findings
                        .push(budget.reached(Stage::Signature).to_finding());
                }
                (assessed, poe)
            }
            Err(reached) => (not_checked(site, reached.to_finding()), None),
        };
        for (i, finding) in &overlaps {
            if *i == index {
                assessed.findings.push(finding.clone());
            }
        }
        let (indication, sub) = indication_from(&assessed.findings, assessed.modifications);
        assessed.indication = indication;
        assessed.sub_indication = sub;
        super::role::annotate(&mut assessed);
        assessed.reasons = assessed
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Info)
            .map(|f| f.message.clone())
            .collect();
        (assessed, poe)
    };
    // Document time-stamps first: one that validated is proof of existence for the
    // signatures it covers (EN 319 102-1 §5.6.2).
    let mut assessed: Vec<Option<(SignatureReport, Option<OffsetDateTime>)>> = sites
        .iter()
        .enumerate()
        .map(|(index, site)| {
            (site.kind == SignatureKind::DocumentTimestamp).then(|| finish(index, site, None))
        })
        .collect();
    let archive_poes = super::ltv::archive_proofs(&sites, &assessed);
    for (index, site) in sites.iter().enumerate() {
        if assessed[index].is_none() {
            assessed[index] = Some(finish(index, site, archive_poes[index]));
        }
    }
    report.signatures = assessed.into_iter().flatten().map(|(r, _)| r).collect();
    super::ltv::upgrade_to_lta(&mut report.signatures, &file, &revisions);
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
        best_signature_time: None,
        level: None,
        ca_family: "unknown".to_string(),
        reason: site.reason.clone(),
        role: None,
        authority: None,
        reasons: Vec::new(),
        findings: vec![finding],
    }
}

/// Every fact about one signature, as a report entry (indication filled by the caller), with
/// the proof of existence it was validated with.
#[allow(clippy::too_many_arguments)] // the facts of one file, gathered once by the caller
fn assess(
    file: &PdfFile,
    whole: &FileDigest,
    site: &SignatureSite,
    revisions: &Revisions,
    dss: &DssFacts,
    options: &VerifyOptions,
    online: Option<&RevocationFetcher>,
    now: OffsetDateTime,
    archive_poe: Option<OffsetDateTime>,
) -> (SignatureReport, Option<OffsetDateTime>) {
    let facts = integrity::check_integrity_with(file, site, Some(whole));
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
    let embedded = embedded_revocation(&facts, dss);
    let (stamp_time, stamp_findings, tsa_chain) =
        timestamp_time(&facts, site.kind, dss, &embedded, options);
    findings.extend(stamp_findings);
    // The proof that the signature existed: its own time-stamp, else a validated archive
    // time-stamp covering it.
    let poe = match site.kind {
        SignatureKind::Signature => stamp_time.or(archive_poe),
        SignatureKind::DocumentTimestamp => stamp_time,
    };
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
    let mut level = None;
    if let Some(signer) = &facts.signer {
        let mut pool = certificate_pool(&facts, dss);
        let mut path_facts =
            path::build_and_validate(&signer.der, &pool, &options.trust, at, purpose);
        if let Some(fetcher) = online {
            let build = |pool: &[Vec<u8>]| {
                path::build_and_validate(&signer.der, pool, &options.trust, at, purpose)
            };
            findings.extend(complete_from_aia(
                fetcher,
                &mut pool,
                &mut path_facts,
                build,
            ));
        }
        if let Some(family) = path_facts.family() {
            ca_family = family_name(family).to_string();
        }
        findings.extend(path_facts.findings.iter().cloned());
        if path_facts.status != PathStatus::Trusted && path_facts.findings.is_empty() {
            findings.push(untrusted_finding());
        }
        let signer = revocation_findings(&path_facts, &embedded, at, poe, online);
        findings.extend(signer.findings);
        // The file claims long-term data when it settles the signer's status itself: then
        // the rest of the chain, and the TSA's, must be settled too.
        let claim = signer.from_file;
        let cas =
            super::ltv::chain_revocation(&path_facts.chain, 1, &embedded, dss, at, poe, claim);
        findings.extend(cas.findings);
        let signer_settled = match (path_facts.chain.first(), path_facts.chain.get(1)) {
            (Some(certificate), Some(issuer)) => {
                super::ltv::settled_by_dss(certificate, issuer, dss, at)
            }
            _ => false,
        };
        let mut settled =
            path_facts.status == PathStatus::Trusted && signer_settled && cas.settled_by_dss;
        if let (Some(gen_time), Some(tsa_chain)) = (stamp_time, &tsa_chain) {
            let tsas =
                super::ltv::chain_revocation(tsa_chain, 0, &embedded, dss, gen_time, None, claim);
            findings.extend(tsas.findings);
            settled &= tsas.settled_by_dss;
        }
        level = super::ltv::level_before_archive(site.kind, facts.status, poe, settled);
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

    let report = SignatureReport {
        field: site.field_name.clone(),
        kind: site.kind,
        subfilter: site.sub_filter.clone(),
        revision,
        integrity: facts.with_timestamps(),
        modifications,
        indication: super::indication::Indication::Indeterminate,
        sub_indication: None,
        signer: facts.signer.as_ref().map(SignerReport::from),
        signing_time: stamp_time.or(claimed).map(vn_time::iso8601),
        signing_time_claimed: stamp_time.is_none(),
        timestamp_time: stamp_time.map(vn_time::iso8601),
        best_signature_time: poe.map(vn_time::iso8601),
        level,
        ca_family,
        reason: site.reason.clone(),
        role: None,
        authority: None,
        reasons: Vec::new(),
        findings: dedup_findings(findings),
    };
    (report, poe)
}

/// Certificates to build paths with: the CMS's, then the DSS's.
pub(super) fn certificate_pool(facts: &IntegrityFacts, dss: &DssFacts) -> Vec<Vec<u8>> {
    let mut pool = facts.certificates.clone();
    for t in &facts.signature_timestamps {
        pool.extend(t.certificates.iter().cloned());
    }
    pool.extend(dss.certs.iter().cloned());
    pool.sort();
    pool.dedup();
    pool
}

/// The revocation data the file carries for one signature.
fn embedded_revocation(facts: &IntegrityFacts, dss: &DssFacts) -> super::ltv::EmbeddedRevocation {
    let mut ocsps = facts.cms_revocation.ocsp_responses.clone();
    ocsps.extend(facts.revocation_archival.ocsp_responses.iter().cloned());
    ocsps.extend(dss.ocsps.iter().cloned());
    let mut crls = facts.cms_revocation.crls.clone();
    crls.extend(facts.revocation_archival.crls.iter().cloned());
    crls.extend(dss.crls.iter().cloned());
    super::ltv::EmbeddedRevocation { ocsps, crls }
}

/// The time a time-stamp proves, when its token is intact and its TSA trusted and not revoked
/// before it, with the TSA's path (for a signature time-stamp).
fn timestamp_time(
    facts: &IntegrityFacts,
    kind: SignatureKind,
    dss: &DssFacts,
    embedded: &super::ltv::EmbeddedRevocation,
    options: &VerifyOptions,
) -> (
    Option<OffsetDateTime>,
    Vec<Finding>,
    Option<Vec<CertificateInfo>>,
) {
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
        if kind == SignatureKind::Signature
            && tsa_path.status == PathStatus::Trusted
            && let Some(revoked) =
                super::ltv::tsa_revoked_before(&tsa_path.chain, embedded, gen_time)
        {
            findings.push(revoked);
            continue;
        }
        if tsa_path.status == PathStatus::Trusted {
            return (Some(gen_time), findings, Some(tsa_path.chain));
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
            return (Some(gen_time), findings, None);
        }
    }
    (None, findings, None)
}

/// Fetches missing issuers from caIssuers (at most [`MAX_AIA_STEPS`]) while the path stops at
/// an issuer the file does not carry, and rebuilds the path with them.
fn complete_from_aia(
    fetcher: &RevocationFetcher,
    pool: &mut Vec<Vec<u8>>,
    path_facts: &mut PathFacts,
    build: impl Fn(&[Vec<u8>]) -> PathFacts,
) -> Vec<Finding> {
    let mut notes = Vec::new();
    for _ in 0..MAX_AIA_STEPS {
        if path_facts.missing_issuer.is_none() {
            break;
        }
        let Some(last) = path_facts.chain.last() else {
            break;
        };
        let name = last
            .common_name
            .clone()
            .unwrap_or_else(|| last.subject.clone());
        let fetched = match fetcher.fetch_issuer(last) {
            Ok(fetched) => fetched,
            Err(e) => {
                notes.push(Finding::info(e.message()));
                break;
            }
        };
        let new: Vec<Vec<u8>> = fetched.into_iter().filter(|c| !pool.contains(c)).collect();
        if new.is_empty() {
            break;
        }
        pool.extend(new);
        *path_facts = build(pool);
        notes.push(Finding::info(Message::new(
            "issuer-from-aia",
            format!(
                "Chứng thư của CA cấp «{name}» không có trong tệp, đã tải về theo địa chỉ caIssuers"
            ),
            format!(
                "The certificate of the CA that issued “{name}” is not in the file; it was downloaded from its caIssuers address"
            ),
        )));
    }
    notes
}

/// What the signer's revocation check found.
struct SignerRevocation {
    findings: Vec<Finding>,
    /// The file's own data decided the status (not the network).
    from_file: bool,
}

/// The signer's revocation status at `at`, from the data in the file, else (online) from the
/// certificate's OCSP responder or CRL. A revocation after `poe` (the proof that the signature
/// existed) is only a note.
fn revocation_findings(
    path_facts: &PathFacts,
    embedded: &super::ltv::EmbeddedRevocation,
    at: OffsetDateTime,
    poe: Option<OffsetDateTime>,
    online: Option<&RevocationFetcher>,
) -> SignerRevocation {
    let (Some(certificate), Some(issuer)) = (path_facts.chain.first(), path_facts.chain.get(1))
    else {
        // No issuer: the path findings already say why.
        return SignerRevocation {
            findings: Vec::new(),
            from_file: false,
        };
    };
    let status =
        revocation::revocation_status(certificate, issuer, &embedded.ocsps, &embedded.crls, at);
    let from_file = status.status != RevocationStatus::Unknown;
    let (status, later, mut findings) = match (status.status, online) {
        (RevocationStatus::Unknown, Some(fetcher)) => {
            let fetched = fetcher.fetch(certificate, issuer, at);
            if fetched.status == RevocationStatus::Unknown {
                // Neither settles it: what the file lacks stays the warning; what the network
                // said is detail.
                let mut findings = status.findings.clone();
                findings.extend(fetched.findings.into_iter().map(|mut f| {
                    f.severity = Severity::Info;
                    f
                }));
                (status.status, None, findings)
            } else {
                (
                    fetched.status,
                    fetched.facts.later_revocation,
                    fetched.findings,
                )
            }
        }
        (RevocationStatus::Unknown, None) => (status.status, None, status.findings.clone()),
        (decided, _) => {
            let mut findings = status.findings.clone();
            findings.push(Finding::info(Message::new(
                "revocation-from-file",
                "Tình trạng thu hồi lấy từ dữ liệu kèm trong tệp",
                "The revocation status comes from the data in the file",
            )));
            (decided, status.later_revocation, findings)
        }
    };
    // EN 319 102-1 §5.6: a time-stamp is proof of existence at `poe`.
    if let Some(poe) = poe {
        super::ltv::apply_proof_of_existence(&mut findings, poe, later);
    }
    if let RevocationStatus::Revoked { time, .. } = status
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
    SignerRevocation {
        findings,
        from_file,
    }
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
