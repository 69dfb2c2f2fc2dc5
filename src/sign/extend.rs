//! PAdES B-LT and B-LTA for a file that is already signed, by Kyso or anyone (ETSI EN 319 142-1
//! §5.4 and §6.3; `kyso extend`).
//!
//! **B-LT**: for every signature and document time-stamp in the file — the signers, and the
//! TSAs of their time-stamps — the complete certificate chain up to a trust anchor (missing
//! intermediates fetched from the certificates' caIssuers), and fresh revocation data for
//! every certificate of those chains except the anchor (OCSP, else the CRL, through
//! [`RevocationFetcher`]), with the OCSP responders' certificates. All of it goes into the
//! `/DSS` ([`super::dss`]) in one incremental update, with a VRI entry per signature.
//!
//! **B-LTA**: then a document time-stamp over the whole file (one TSA call). Run again years
//! later, the same steps add the validation data of the last archive time-stamp's TSA and a
//! new archive time-stamp over everything, so the chain of proofs never lapses.
//!
//! The input is never modified. Intermediate files live in a hidden temporary folder inside
//! the output's folder (same file system) and disappear with it; only the final output is
//! committed (temp + fsync + rename), so a failure at any step leaves nothing behind.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use der::Decode;
use sha2::Digest as _;
use time::OffsetDateTime;
use x509_cert::Certificate;

use super::dss::{self, DssError, DssSummary, ValidationData, VriData};
use super::{CopyError, PendingOutput, same_file};
use crate::message::{Explain, Message};
use crate::pdf::{IncrementalUpdate, PdfError, PdfFile};
use crate::pki::CertificateInfo;
use crate::pki::path::{self, PathOptions, Purpose};
use crate::pki::revocation::RevocationStatus;
use crate::pki::revocation::online::RevocationFetcher;
use crate::pki::trust::TrustStore;
use crate::pki::tsp::TsaClient;
use crate::verify::discovery::{self, SignatureSite};
use crate::verify::integrity;
use crate::verify::report::SignatureKind;

/// id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): a responder certificate whose status is not
/// checked.
const ID_PKIX_OCSP_NOCHECK: &str = "1.3.6.1.5.5.7.48.1.5";
/// caIssuers rounds per chain: real Vietnamese paths have two or three certificates.
const MAX_AIA_ROUNDS: usize = 4;

/// Validation data found for one signature or time-stamp, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Covered {
    /// The field name, when a field holds it.
    pub field: Option<String>,
    pub kind: SignatureKind,
    /// Certificates in its chains (signer and TSAs), anchors included.
    pub certificates: usize,
    /// Certificates whose revocation data was fetched.
    pub revocation_checked: usize,
}

/// What [`gather`] found: the data for the DSS and a line per signature.
#[derive(Debug, Clone, Default)]
pub struct Gathered {
    pub data: ValidationData,
    pub covered: Vec<Covered>,
    /// Points worth telling (a certificate revoked since, data kept from the file…).
    pub notes: Vec<Message>,
}

/// Why a file could not be extended.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExtendError {
    /// The file cannot be read as a PDF or updated.
    #[error("input document: {0}")]
    Document(#[from] PdfError),
    /// The signatures of the file cannot be listed.
    #[error(transparent)]
    Discovery(#[from] discovery::DiscoveryError),
    /// The file has no signature to extend.
    #[error("the document has no signature")]
    NoSignature,
    /// A signature's certificate could not be read (a damaged signature).
    #[error("a signature cannot be read")]
    UnreadableSignature { field: Option<String> },
    /// No chain to a trust anchor, even with caIssuers.
    #[error("no certificate chain to a trusted root for {certificate}")]
    NoChain {
        certificate: String,
        missing_issuer: Option<String>,
    },
    /// Revocation data could not be had for a certificate that needs it.
    #[error("no revocation data for {certificate}")]
    RevocationUnavailable {
        certificate: String,
        reasons: Vec<Message>,
    },
    /// The DSS could not be written.
    #[error(transparent)]
    Dss(#[from] DssError),
    /// B-LTA needs a time-stamp authority.
    #[error("no time-stamp authority given")]
    NoTimestampAuthority,
    /// The archive time-stamp failed.
    #[error("archive time-stamp: {0}")]
    Timestamp(super::SignError),
    /// The output would replace the input.
    #[error("the output is the input file")]
    OutputIsInput,
    /// The input changed on disk meanwhile.
    #[error("the input changed while it was being extended")]
    InputChanged,
    /// The input could not be read.
    #[error("cannot read {path}: {source}")]
    ReadInput {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The output exists and overwriting was not asked for.
    #[error("output exists: {}", .0.display())]
    OutputExists(PathBuf),
    /// The output could not be written; nothing is left behind.
    #[error("cannot write {path}: {source}")]
    WriteOutput {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Explain for ExtendError {
    fn message(&self) -> Message {
        match self {
            ExtendError::Document(e) => e.message(),
            ExtendError::Discovery(e) => e.message(),
            ExtendError::NoSignature => Message::new(
                "no-signature",
                "Văn bản không có chữ ký số nào để bổ sung dữ liệu kiểm tra lâu dài",
                "The document has no signature to add long-term validation data for",
            ),
            ExtendError::UnreadableSignature { field } => {
                let field = field.as_deref().unwrap_or("?");
                Message::new(
                    "signature-unreadable",
                    format!(
                        "Không đọc được chữ ký «{field}» (thiếu chứng thư người ký): không bổ sung được dữ liệu kiểm tra cho nó"
                    ),
                    format!(
                        "The signature “{field}” cannot be read (no signer certificate): no validation data can be added for it"
                    ),
                )
            }
            ExtendError::NoChain {
                certificate,
                missing_issuer,
            } => {
                let missing = missing_issuer.as_deref().unwrap_or("?");
                Message::new(
                    "untrusted",
                    format!(
                        "Không dựng được đường dẫn chứng thực của «{certificate}» đến chứng thư gốc tin cậy (thiếu chứng thư của «{missing}»); thêm chứng thư gốc bằng --trust nếu cần"
                    ),
                    format!(
                        "No certification path from “{certificate}” to a trusted root (the certificate of “{missing}” is missing); add the root with --trust if needed"
                    ),
                )
            }
            ExtendError::RevocationUnavailable {
                certificate,
                reasons,
            } => {
                let vi: Vec<&str> = reasons.iter().map(|m| m.vi.as_str()).collect();
                let en: Vec<&str> = reasons.iter().map(|m| m.en.as_str()).collect();
                Message::new(
                    "revocation-unavailable",
                    format!(
                        "Không lấy được dữ liệu thu hồi (OCSP hoặc CRL) của chứng thư «{certificate}» nên không tạo được mức B-LT: {}",
                        vi.join("; ")
                    ),
                    format!(
                        "Cannot get revocation data (OCSP or CRL) for the certificate “{certificate}”, so B-LT cannot be made: {}",
                        en.join("; ")
                    ),
                )
            }
            ExtendError::Dss(e) => e.message(),
            ExtendError::NoTimestampAuthority => Message::new(
                "no-tsa",
                "Mức B-LTA cần máy chủ cấp dấu thời gian (--tsa URL)",
                "B-LTA needs a time-stamp authority (--tsa URL)",
            ),
            ExtendError::Timestamp(e) => e.message(),
            ExtendError::OutputIsInput => Message::new(
                "output-is-input",
                "Tệp kết quả trùng với tệp đầu vào: Kyso không bao giờ sửa tệp gốc",
                "The output is the input file: Kyso never modifies an input",
            ),
            ExtendError::InputChanged => Message::new(
                "input-changed",
                "Tệp đầu vào đã thay đổi trong khi đang xử lý",
                "The input file changed while it was being processed",
            ),
            ExtendError::ReadInput { path, source } => Message::new(
                "unreadable",
                format!("Không đọc được tệp {}: {source}", path.display()),
                format!("Cannot read {}: {source}", path.display()),
            ),
            ExtendError::OutputExists(path) => Message::new(
                "output-exists",
                format!(
                    "Tệp kết quả {} đã có; dùng --force để ghi đè",
                    path.display()
                ),
                format!(
                    "The output {} exists; use --force to overwrite",
                    path.display()
                ),
            ),
            ExtendError::WriteOutput { path, source } => Message::new(
                "output-unwritable",
                format!("Không ghi được tệp {}: {source}", path.display()),
                format!("Cannot write {}: {source}", path.display()),
            ),
        }
    }
}

/// Where validation data comes from, and what to trust.
pub struct Sources<'a> {
    /// Trust anchors the chains must reach.
    pub trust: &'a TrustStore,
    /// OCSP, CRL and caIssuers over the network (with its cache).
    pub fetcher: &'a RevocationFetcher,
    /// "Now": the time revocation data is asked for.
    pub now: OffsetDateTime,
}

/// Collects the validation data of every signature and document time-stamp of `file`.
pub fn gather(file: &PdfFile, sources: &Sources<'_>) -> Result<Gathered, ExtendError> {
    let sites = discovery::find_signatures(file)?;
    if sites.is_empty() {
        return Err(ExtendError::NoSignature);
    }
    gather_sites(file, &sites, sources)
}

/// Collects the validation data of `sites` of `file`.
fn gather_sites(
    file: &PdfFile,
    sites: &[SignatureSite],
    sources: &Sources<'_>,
) -> Result<Gathered, ExtendError> {
    let existing = crate::verify::dss::read_dss(file);
    let mut gatherer = Gatherer {
        sources,
        revocation: HashMap::new(),
        notes: Vec::new(),
    };
    let mut gathered = Gathered::default();
    for site in sites {
        let facts = integrity::check_integrity(file, site);
        let Some(signer) = &facts.signer else {
            return Err(ExtendError::UnreadableSignature {
                field: site.field_name.clone(),
            });
        };
        let mut pool = facts.certificates.clone();
        pool.extend(existing.certs.iter().cloned());
        let purpose = match site.kind {
            SignatureKind::Signature => Purpose::DocumentSigning,
            SignatureKind::DocumentTimestamp => Purpose::TimeStamping,
        };
        let mut targets = vec![(signer.der.clone(), purpose)];
        for stamp in &facts.signature_timestamps {
            pool.extend(stamp.certificates.iter().cloned());
            if let Some(tsa) = &stamp.tsa {
                targets.push((tsa.der.clone(), Purpose::TimeStamping));
            }
        }
        let mut vri = VriData {
            key: dss::vri_key(&site.contents),
            ..VriData::default()
        };
        let mut checked = 0;
        for (target, purpose) in targets {
            let chain = gatherer.chain(&target, &mut pool, purpose)?;
            for certificate in &chain {
                push_unique(&mut vri.certificates, &certificate.der);
            }
            // Every certificate but the anchor needs its status (an anchor is trusted as is).
            for pair in chain.windows(2) {
                let (certificate, issuer) = (&pair[0], &pair[1]);
                if has_ocsp_nocheck(&certificate.der) {
                    continue;
                }
                // A CA certificate that names no OCSP responder and no CRL has no revocation
                // data to fetch (its issuer revokes it only by replacing the anchor); the
                // signer and TSA certificates themselves must have theirs.
                if certificate.der != target && no_revocation_address(&certificate.der) {
                    gatherer.note_no_address(certificate);
                    continue;
                }
                let (ocsps, crls) = gatherer.revocation(certificate, issuer)?;
                checked += 1;
                for der in ocsps {
                    for responder in ocsp_certificates(&der) {
                        push_unique(&mut vri.certificates, &responder);
                    }
                    push_unique(&mut vri.ocsp_responses, &der);
                }
                for der in crls {
                    push_unique(&mut vri.crls, &der);
                }
            }
        }
        gathered.covered.push(Covered {
            field: site.field_name.clone(),
            kind: site.kind,
            certificates: vri.certificates.len(),
            revocation_checked: checked,
        });
        gathered.data.vri.push(vri);
    }
    gathered.notes = gatherer.notes;
    Ok(gathered)
}

/// The OCSP responses and CRLs (DER) that settled one certificate's status.
type RevocationData = (Vec<Vec<u8>>, Vec<Vec<u8>>);

/// The path and revocation look-ups, remembered across signatures (one CA, one request).
struct Gatherer<'a> {
    sources: &'a Sources<'a>,
    /// By certificate fingerprint: the OCSP responses and CRLs found.
    revocation: HashMap<String, RevocationData>,
    notes: Vec<Message>,
}

impl Gatherer<'_> {
    /// The chain from `target` to an anchor, anchor included; caIssuers fill the gaps.
    fn chain(
        &mut self,
        target: &[u8],
        pool: &mut Vec<Vec<u8>>,
        purpose: Purpose,
    ) -> Result<Vec<CertificateInfo>, ExtendError> {
        // Validity is not checked here: extending years later, the signer's certificate has
        // expired, and its chain is still what the archive needs. The verifier judges.
        let options = PathOptions { at: None, purpose };
        for _ in 0..MAX_AIA_ROUNDS {
            let facts = path::build_and_validate_with(target, pool, self.sources.trust, &options);
            if facts.anchor.is_some() {
                return Ok(facts.chain);
            }
            let fetched = facts
                .chain
                .last()
                .and_then(|last| self.sources.fetcher.fetch_issuer(last).ok())
                .unwrap_or_default();
            let before = pool.len();
            for der in fetched {
                push_unique(pool, &der);
            }
            if pool.len() == before {
                return Err(no_chain(target, facts.missing_issuer));
            }
        }
        let facts = path::build_and_validate_with(target, pool, self.sources.trust, &options);
        match facts.anchor {
            Some(_) => Ok(facts.chain),
            None => Err(no_chain(target, facts.missing_issuer)),
        }
    }

    fn note_no_address(&mut self, certificate: &CertificateInfo) {
        let name = display_name(certificate);
        let note = Message::new(
            "revocation-no-url",
            format!(
                "Chứng thư CA «{name}» không ghi địa chỉ OCSP hay CRL: không có dữ liệu thu hồi để bổ sung"
            ),
            format!(
                "The CA certificate “{name}” names no OCSP responder or CRL: there is no revocation data to add"
            ),
        );
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// Fresh revocation data for `certificate`: the deciding OCSP response or CRL.
    fn revocation(
        &mut self,
        certificate: &CertificateInfo,
        issuer: &CertificateInfo,
    ) -> Result<RevocationData, ExtendError> {
        if let Some(found) = self.revocation.get(&certificate.sha256_fingerprint) {
            return Ok(found.clone());
        }
        let name = display_name(certificate);
        let outcome = self
            .sources
            .fetcher
            .fetch(certificate, issuer, self.sources.now);
        match outcome.status {
            RevocationStatus::Good => {}
            RevocationStatus::Revoked { time, .. } => {
                // Still evidence: a signature time-stamped before `time` stays valid, and the
                // verifier needs this very answer to say so.
                let when = crate::vn_time::iso8601(time);
                self.notes.push(Message::new(
                    "cert-revoked-since",
                    format!("Chứng thư «{name}» đã bị thu hồi vào {when}"),
                    format!("The certificate “{name}” was revoked on {when}"),
                ));
            }
            RevocationStatus::Unknown => {
                let reasons = outcome
                    .findings
                    .iter()
                    .filter(|f| f.severity != crate::verify::finding::Severity::Info)
                    .map(|f| f.message.clone())
                    .collect();
                return Err(ExtendError::RevocationUnavailable {
                    certificate: name,
                    reasons,
                });
            }
        }
        let found = (outcome.ocsp_responses, outcome.crls);
        self.revocation
            .insert(certificate.sha256_fingerprint.clone(), found.clone());
        Ok(found)
    }
}

fn no_revocation_address(der: &[u8]) -> bool {
    crate::pki::aia::ocsp_urls(der).is_empty() && crate::pki::aia::crl_urls(der).is_empty()
}

fn no_chain(target: &[u8], missing_issuer: Option<String>) -> ExtendError {
    ExtendError::NoChain {
        certificate: CertificateInfo::from_der(target)
            .map(|c| display_name(&c))
            .unwrap_or_else(|_| "?".into()),
        missing_issuer,
    }
}

fn display_name(certificate: &CertificateInfo) -> String {
    certificate
        .common_name
        .clone()
        .unwrap_or_else(|| certificate.subject.clone())
}

fn push_unique(list: &mut Vec<Vec<u8>>, der: &[u8]) {
    if !list.iter().any(|d| d == der) {
        list.push(der.to_vec());
    }
}

/// Whether the certificate carries id-pkix-ocsp-nocheck (a delegated OCSP responder).
fn has_ocsp_nocheck(der: &[u8]) -> bool {
    let Ok(certificate) = Certificate::from_der(der) else {
        return false;
    };
    certificate
        .tbs_certificate()
        .extensions()
        .is_some_and(|extensions| {
            extensions
                .iter()
                .any(|e| e.extn_id.to_string() == ID_PKIX_OCSP_NOCHECK)
        })
}

/// The certificates an OCSP response carries (the responder's, for a delegated responder).
fn ocsp_certificates(der: &[u8]) -> Vec<Vec<u8>> {
    crate::pki::revocation::ocsp::basic_response(der)
        .map(|basic| basic.certs.iter().map(|c| c.to_vec()).collect())
        .unwrap_or_default()
}

// ---- Writing -------------------------------------------------------------------------------

/// The level to extend to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtendLevel {
    /// Validation data in the DSS.
    Lt,
    /// Validation data, then an archive (document) time-stamp.
    Lta,
}

impl ExtendLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            ExtendLevel::Lt => "b-lt",
            ExtendLevel::Lta => "b-lta",
        }
    }
}

/// A file extended and written.
#[derive(Debug, Clone)]
pub struct Extended {
    pub output: PathBuf,
    /// SHA-256 of the input and of the output (hex).
    pub input_sha256: String,
    pub output_sha256: String,
    pub level: ExtendLevel,
    /// What the DSS update added.
    pub dss: DssSummary,
    /// One line per signature and document time-stamp covered.
    pub covered: Vec<Covered>,
    /// The archive time-stamp's time, for B-LTA.
    pub archive_timestamp: Option<OffsetDateTime>,
    /// The OCSP responses and CRLs (DER, each once) gathered for the DSS: the revocation data
    /// this extension relied on, for the journal.
    pub ocsp_responses: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
    pub notes: Vec<Message>,
}

/// Every OCSP response and CRL of `data`'s VRI entries, each once.
fn revocation_of(data: &ValidationData) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let (mut ocsps, mut crls) = (Vec::new(), Vec::new());
    for vri in &data.vri {
        for der in &vri.ocsp_responses {
            push_unique(&mut ocsps, der);
        }
        for der in &vri.crls {
            push_unique(&mut crls, der);
        }
    }
    (ocsps, crls)
}

/// Extends `input` into `output` to `level`; B-LTA needs `tsa` (one request to it).
///
/// After the archive time-stamp, when its TSA's chain or revocation data is not yet in the
/// DSS (a TSA other than the signature time-stamps'), a last DSS update adds it, so that the
/// archive time-stamp itself validates offline until the next extension.
pub fn extend_file(
    input: &Path,
    output: &Path,
    level: ExtendLevel,
    sources: &Sources<'_>,
    tsa: Option<&TsaClient>,
    overwrite: bool,
) -> Result<Extended, ExtendError> {
    if same_file(input, output) {
        return Err(ExtendError::OutputIsInput);
    }
    let tsa = match (level, tsa) {
        (ExtendLevel::Lta, None) => return Err(ExtendError::NoTimestampAuthority),
        (ExtendLevel::Lta, Some(tsa)) => Some(tsa),
        (ExtendLevel::Lt, _) => None,
    };
    if !overwrite && output.exists() {
        return Err(ExtendError::OutputExists(output.to_path_buf()));
    }
    let file = PdfFile::open(input)?;
    let mut gathered = gather(&file, sources)?;
    let mut update = IncrementalUpdate::new(&file);
    let mut summary = dss::add_dss(&mut update, &gathered.data, sources.now)?;
    let update = update.finish()?;
    let input_sha256 = file_sha256(input)?;

    let (mut ocsp_responses, mut crls) = revocation_of(&gathered.data);
    let Some(tsa) = tsa else {
        let written = append(input, &file, &update.bytes, output, overwrite)?;
        return Ok(Extended {
            ocsp_responses,
            crls,
            output_sha256: file_sha256(&written)?,
            output: written,
            input_sha256,
            level,
            dss: summary,
            covered: gathered.covered,
            archive_timestamp: None,
            notes: gathered.notes,
        });
    };
    let work = work_dir(output)?;
    let with_dss = work.path().join("dss.pdf");
    append(input, &file, &update.bytes, &with_dss, false)?;
    let stamped = work.path().join("stamped.pdf");
    let done = super::doc_timestamp::add_document_timestamp(&with_dss, &stamped, tsa, false)
        .map_err(ExtendError::Timestamp)?;
    let stamped_file = PdfFile::open(&stamped)?;
    let last = discovery::find_signatures(&stamped_file)?
        .into_iter()
        .filter(|s| s.kind == SignatureKind::DocumentTimestamp)
        .max_by_key(|s| s.byte_range.covered_end());
    let mut tail = Vec::new();
    if let Some(site) = last {
        let archive = gather_sites(&stamped_file, std::slice::from_ref(&site), sources)?;
        let mut update = IncrementalUpdate::new(&stamped_file);
        let added = dss::add_dss(&mut update, &archive.data, sources.now)?;
        if added.certificates_added + added.ocsps_added + added.crls_added > 0 {
            tail = update.finish()?.bytes;
            summary.certificates_added += added.certificates_added;
            summary.ocsps_added += added.ocsps_added;
            summary.crls_added += added.crls_added;
            summary.vri_entries += added.vri_entries;
            gathered.covered.extend(archive.covered);
            let (more_ocsps, more_crls) = revocation_of(&archive.data);
            for der in more_ocsps {
                push_unique(&mut ocsp_responses, &der);
            }
            for der in more_crls {
                push_unique(&mut crls, &der);
            }
        }
        gathered.notes.extend(archive.notes);
    }
    // Copied, not renamed: the commit must refuse to replace an output created meanwhile.
    let written = append(&stamped, &stamped_file, &tail, output, overwrite)?;
    Ok(Extended {
        output_sha256: file_sha256(&written)?,
        output: written,
        input_sha256,
        level,
        dss: summary,
        covered: gathered.covered,
        archive_timestamp: Some(done.timestamp.time),
        ocsp_responses,
        crls,
        notes: gathered.notes,
    })
}

/// `kyso sign --level b-lt|b-lta`: signs `input` with a signature time-stamp (B-T, with the
/// TSA of `request`), then extends the result to `level`, writing only `output`. The B-T file
/// is an intermediate in a hidden folder beside the output, removed whatever happens.
pub fn sign_and_extend(
    signer: &dyn crate::token::DocumentSigner,
    input: &Path,
    output: &Path,
    request: &super::SignatureRequest,
    level: ExtendLevel,
    sources: &Sources<'_>,
    overwrite: bool,
) -> Result<(super::SignedDocument, Extended), super::SignError> {
    use super::SignError;
    if same_file(input, output) {
        return Err(SignError::OutputIsInput);
    }
    if !overwrite && output.exists() {
        return Err(SignError::OutputExists(output.to_path_buf()));
    }
    let Some(tsa) = request.timestamp.as_ref() else {
        return Err(SignError::Extend(Box::new(
            ExtendError::NoTimestampAuthority,
        )));
    };
    let work = work_dir(output).map_err(|e| SignError::Extend(Box::new(e)))?;
    let signed_path = work.path().join("signed.pdf");
    let mut signed = super::sign_document(signer, input, &signed_path, request, false)?;
    let archive = (level == ExtendLevel::Lta).then_some(tsa);
    let extended = extend_file(&signed_path, output, level, sources, archive, overwrite)
        .map_err(|e| SignError::Extend(Box::new(e)))?;
    signed.output = extended.output.clone();
    signed.output_sha256 = extended.output_sha256.clone();
    Ok((signed, extended))
}

/// A hidden temporary folder beside `output` for intermediate files.
fn work_dir(output: &Path) -> Result<tempfile::TempDir, ExtendError> {
    let dir = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    tempfile::Builder::new()
        .prefix(".kyso-extend-")
        .tempdir_in(dir)
        .map_err(|source| ExtendError::WriteOutput {
            path: output.to_path_buf(),
            source,
        })
}

/// Writes `input` (exactly the `file.len()` bytes parsed) followed by `update` to `output`,
/// atomically.
fn append(
    input: &Path,
    file: &PdfFile,
    update: &[u8],
    output: &Path,
    overwrite: bool,
) -> Result<PathBuf, ExtendError> {
    let write_err = |source| ExtendError::WriteOutput {
        path: output.to_path_buf(),
        source,
    };
    let read_err = |source| ExtendError::ReadInput {
        path: input.to_path_buf(),
        source,
    };
    let mut pending = PendingOutput::create(output).map_err(write_err)?;
    let mut source = File::open(input).map_err(read_err)?;
    let copied = pending
        .copy_inspecting((&mut source).take(file.len()), |_| {})
        .map_err(|e| match e {
            CopyError::Read(source) => read_err(source),
            CopyError::Write(source) => write_err(source),
        })?;
    let mut probe = [0u8; 1];
    if copied != file.len() || source.read(&mut probe).map_err(read_err)? != 0 {
        return Err(ExtendError::InputChanged);
    }
    pending.write_all(update).map_err(write_err)?;
    pending.commit(overwrite).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            ExtendError::OutputExists(output.to_path_buf())
        } else {
            write_err(source)
        }
    })
}

fn file_sha256(path: &Path) -> Result<String, ExtendError> {
    let read_err = |source| ExtendError::ReadInput {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(read_err)?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf).map_err(read_err)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}
