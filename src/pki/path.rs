//! Certification paths (RFC 5280 §6): from a signer's certificate up to a trust anchor, built
//! from the certificates a signed file carries (CMS `certificates`, the PDF's `/DSS`) and those
//! of the [`TrustStore`], then validated at one time.
//!
//! **Building** (RFC 4158 in miniature): from the signer upward, a certificate's issuer is any
//! known certificate whose subject is the issuer name (RFC 5280 §7.1 comparison, simplified:
//! case and runs of spaces ignored) and whose subjectKeyIdentifier, when both sides carry one,
//! equals the authorityKeyIdentifier. Paths are at most [`MAX_PATH_LEN`] certificates, no
//! certificate appears twice in one path, and the search stops after [`MAX_SEARCH_STEPS`]
//! steps, so crafted certificate sets cannot make it loop or explode.
//!
//! **Validating** each path that ends at an anchor (RFC 5280 §6.1.3–6.1.5):
//! - each certificate's signature with its issuer's key, over the **original** TBS bytes
//!   (`verify_signed`, shared with the revocation checks); SHA-1 is accepted only under a
//!   shipped VGCA or NEAC anchor, with a note (VGCA G1 and the MIC root sign with SHA-1 until
//!   2030);
//! - every certificate valid at the validation time (the anchor too, as OpenSSL does);
//! - issuers: basicConstraints cA, keyCertSign when keyUsage is present, pathLenConstraint;
//! - the target's purpose: digitalSignature/nonRepudiation for a document signer, the
//!   timeStamping purpose for a TSA (RFC 3161 §2.3), OCSPSigning for a delegated OCSP
//!   responder (RFC 6960 §4.2.2.2);
//! - critical extensions this module does not process are failures (RFC 5280 §4.2).
//!
//! The best path wins: one without failures, else the one with the fewest. Revocation is not
//! checked here (see [`crate::pki::revocation`]).
//!
//! What is not processed: name constraints, policy constraints and policy mappings. A path
//! whose certificates mark them critical fails as "unsupported critical extension"; none of the
//! shipped Vietnamese CAs use them.

#[cfg(test)]
pub(crate) mod tests;

use std::collections::HashSet;

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280::{ID_KP_OCSP_SIGNING, ID_KP_TIME_STAMPING};
use der::asn1::BitString;
use der::{Decode, Reader, SliceReader};
use serde::Serialize;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use time::OffsetDateTime;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, BasicConstraints, SubjectKeyIdentifier};
use x509_cert::name::Name;

use super::certificate::{CertificateInfo, PublicKeyKind};
use super::trust::{AnchorInfo, CaFamily, TrustStore};
use crate::cms::DigestAlgorithm;
use crate::cms::signature::{SignatureAlgorithm, SignedMessage, VerifyFailure, verify};
use crate::message::Message;
use crate::verify::finding::{Finding, Severity};
use crate::verify::indication::SubIndication;
use crate::vn_time;

/// Longest path considered, signer and anchor included (real Vietnamese paths have 2 or 3).
pub const MAX_PATH_LEN: usize = 8;
/// Certificates taken from the file's pool; more are ignored (with a note).
pub const MAX_POOL_CERTIFICATES: usize = 256;
/// Search steps (partial paths looked at) before the builder gives up.
pub const MAX_SEARCH_STEPS: usize = 2048;
/// Complete paths (ending at an anchor) validated at most.
pub const MAX_COMPLETE_PATHS: usize = 16;

/// What the end of the path is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Purpose {
    /// The signer of a document: keyUsage digitalSignature or nonRepudiation when present.
    DocumentSigning,
    /// A time-stamping unit: extKeyUsage id-kp-timeStamping (RFC 3161 §2.3).
    TimeStamping,
    /// A delegated OCSP responder: extKeyUsage id-kp-OCSPSigning (RFC 6960 §4.2.2.2).
    OcspSigning,
    /// No check on the target's purpose: for CA certificates themselves.
    Any,
}

/// The outcome of path validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathStatus {
    /// A path to a trust anchor passed every check.
    Trusted,
    /// No path reaches a trust anchor ([`PathFacts::missing_issuer`] says what is missing).
    Untrusted,
    /// Paths reach an anchor, but the best one fails a check (see the findings).
    Invalid,
}

/// What path building and validation found.
#[derive(Debug, Clone, Serialize)]
pub struct PathFacts {
    /// The outcome.
    pub status: PathStatus,
    /// The path, target first: up to the anchor when one was reached, else as far as it could
    /// be built.
    pub chain: Vec<CertificateInfo>,
    /// The anchor the path ends at.
    pub anchor: Option<AnchorInfo>,
    /// The checks that failed, in the order found, with notes (severity `info`) among them.
    pub findings: Vec<Finding>,
    /// When no path reaches an anchor: the issuer (RFC 4514) whose certificate is missing.
    pub missing_issuer: Option<String>,
}

impl PathFacts {
    /// The sub-indication of the first failed check, if any.
    pub fn sub_indication(&self) -> Option<SubIndication> {
        self.findings.iter().find_map(|f| f.sub_indication)
    }

    /// The CA family of the anchor, if one was reached.
    pub fn family(&self) -> Option<CaFamily> {
        self.anchor.as_ref().map(|a| a.family)
    }
}

/// Options of [`build_and_validate_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathOptions {
    /// The validation time; `None` skips validity-period checks.
    pub at: Option<OffsetDateTime>,
    /// What the target certificate is for.
    pub purpose: Purpose,
}

/// Builds paths from `target` (DER) to an anchor of `store`, using `pool` (DER certificates
/// from the CMS and the DSS) and the store's known CA certificates, and validates them at `at`.
pub fn build_and_validate(
    target: &[u8],
    pool: &[Vec<u8>],
    store: &TrustStore,
    at: OffsetDateTime,
    purpose: Purpose,
) -> PathFacts {
    let options = PathOptions {
        at: Some(at),
        purpose,
    };
    build_and_validate_with(target, pool, store, &options)
}

/// [`build_and_validate`] with every option.
pub fn build_and_validate_with(
    target: &[u8],
    pool: &[Vec<u8>],
    store: &TrustStore,
    options: &PathOptions,
) -> PathFacts {
    let mut notes = Vec::new();
    let target = match Node::parse(target, Origin::Target) {
        Ok(node) => node,
        Err(detail) => {
            return PathFacts {
                status: PathStatus::Invalid,
                chain: Vec::new(),
                anchor: None,
                findings: vec![
                    Finding::failure(
                        SubIndication::CertificateChainGeneralFailure,
                        Message::new(
                            "cert-malformed",
                            "Chứng thư số không đúng định dạng X.509, không đọc được",
                            "The certificate is not a valid X.509 certificate and cannot be read",
                        ),
                    )
                    .with_detail(detail),
                ],
                missing_issuer: None,
            };
        }
    };
    let mut graph = Graph::new(target, store);
    if pool.len() > MAX_POOL_CERTIFICATES {
        notes.push(Finding::info(Message::new(
            "path-pool-truncated",
            format!(
                "Tệp có {} chứng thư; chỉ {MAX_POOL_CERTIFICATES} chứng thư đầu được dùng để dựng đường dẫn",
                pool.len()
            ),
            format!(
                "The file carries {} certificates; only the first {MAX_POOL_CERTIFICATES} are used to build paths",
                pool.len()
            ),
        )));
    }
    for der in pool.iter().take(MAX_POOL_CERTIFICATES) {
        // Unreadable certificates in the pool are skipped: they cannot be an issuer.
        if let Ok(node) = Node::parse(der, Origin::Pool) {
            graph.add(node);
        }
    }
    let search = graph.search();
    if search.truncated {
        notes.push(Finding::info(Message::new(
            "path-search-truncated",
            "Có quá nhiều đường dẫn chứng thực có thể; việc tìm kiếm đã dừng sớm",
            "There are too many possible certification paths; the search stopped early",
        )));
    }

    // The best complete path: no failures, else the fewest, then the shortest.
    let best = search
        .complete
        .iter()
        .map(|path| (path, graph.validate(path, store, options)))
        .min_by_key(|(path, findings)| {
            (
                findings.iter().filter(|f| is_problem(f)).count(),
                path.len(),
            )
        });
    if let Some((path, mut findings)) = best {
        let anchor = graph.nodes[*path.last().unwrap_or(&0)]
            .anchor
            .and_then(|index| store.anchors().get(index))
            .map(AnchorInfo::from);
        findings.extend(notes);
        let status = if findings.iter().any(is_problem) {
            PathStatus::Invalid
        } else {
            PathStatus::Trusted
        };
        return PathFacts {
            status,
            chain: graph.chain(path),
            anchor,
            findings,
            missing_issuer: None,
        };
    }

    // No anchor reached: report the longest partial path and what it lacks.
    let longest = search
        .partial
        .iter()
        .max_by_key(|path| path.len())
        .cloned()
        .unwrap_or_else(|| vec![0]);
    let top = &graph.nodes[*longest.last().unwrap_or(&0)];
    let mut findings = Vec::new();
    let missing_issuer = if top.is_self_issued() {
        findings.push(Finding::warning(
            Some(SubIndication::NoCertificateChainFound),
            Message::new(
                "path-root-not-trusted",
                format!(
                    "Chứng thư gốc «{}» không nằm trong danh sách chứng thư gốc tin cậy",
                    top.display_name()
                ),
                format!(
                    "The root certificate “{}” is not a trusted root",
                    top.display_name()
                ),
            ),
        ));
        None
    } else {
        let issuer = top.info.issuer.clone();
        let name = top
            .info
            .issuer_common_name
            .clone()
            .unwrap_or_else(|| issuer.clone());
        findings.push(Finding::warning(
            Some(SubIndication::NoCertificateChainFound),
            Message::new(
                "path-issuer-missing",
                format!("Không dựng được đường dẫn chứng thực: thiếu chứng thư của {name}"),
                format!(
                    "Cannot build the certification path: the certificate of {name} is missing"
                ),
            ),
        ));
        Some(issuer)
    };
    // The checks that do not need an anchor still tell the reader something (an expired
    // signer, a forged link); they follow the main finding.
    findings.extend(graph.validate_partial(&longest, options));
    findings.extend(notes);
    PathFacts {
        status: PathStatus::Untrusted,
        chain: graph.chain(&longest),
        anchor: None,
        findings,
        missing_issuer,
    }
}

/// Where a certificate of the graph came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Target,
    Anchor,
    Known,
    Pool,
}

/// One certificate, parsed once, with what path building compares.
#[derive(Clone)]
struct Node {
    certificate: Certificate,
    info: CertificateInfo,
    /// The original TBSCertificate TLV, which the issuer signed.
    tbs: Vec<u8>,
    subject_key: String,
    issuer_key: String,
    subject_key_id: Option<Vec<u8>>,
    authority_key_id: Option<Vec<u8>>,
    basic_constraints: Option<BasicConstraints>,
    origin: Origin,
    /// Index of the store anchor this certificate is.
    anchor: Option<usize>,
}

/// Parsed certificates kept for the whole process, by DER, up to this many bytes of DER.
///
/// A file with ten signatures builds ten paths over the same anchors and embedded
/// certificates; parsing them (names rendered for display and comparison) was a third of
/// `kyso verify`'s time on such a file (docs/benchmarks.md). Bounded so that hostile files
/// cannot grow it: past the limit, certificates are parsed and not kept.
const MAX_CACHED_NODE_BYTES: usize = 4 << 20;

struct NodeCache {
    nodes: std::collections::HashMap<Vec<u8>, Node>,
    bytes: usize,
}

impl Node {
    /// [`Node::parse_uncached`] through the process-wide cache; `origin` and `anchor` are the
    /// caller's, never the cached node's.
    fn parse(der: &[u8], origin: Origin) -> Result<Node, String> {
        static CACHE: std::sync::OnceLock<std::sync::Mutex<NodeCache>> = std::sync::OnceLock::new();
        let cache = CACHE.get_or_init(|| {
            std::sync::Mutex::new(NodeCache {
                nodes: Default::default(),
                bytes: 0,
            })
        });
        // A poisoned lock only means another thread panicked mid-insert: parse without it.
        if let Some(node) = cache.lock().ok().and_then(|c| c.nodes.get(der).cloned()) {
            return Ok(Node {
                origin,
                anchor: None,
                ..node
            });
        }
        let node = Node::parse_uncached(der, origin)?;
        if let Ok(mut cache) = cache.lock()
            && cache.bytes + der.len() <= MAX_CACHED_NODE_BYTES
            && cache.nodes.insert(der.to_vec(), node.clone()).is_none()
        {
            cache.bytes += der.len();
        }
        Ok(node)
    }

    fn parse_uncached(der: &[u8], origin: Origin) -> Result<Node, String> {
        let certificate = Certificate::from_der(der).map_err(|e| e.to_string())?;
        let info = CertificateInfo::from_parsed(&certificate, der).map_err(|e| e.to_string())?;
        let tbs = tbs_bytes(der).map_err(|e| e.to_string())?.to_vec();
        let tbs_certificate = certificate.tbs_certificate();
        let subject_key_id = tbs_certificate
            .get_extension::<SubjectKeyIdentifier>()
            .ok()
            .flatten()
            .map(|(_, ski)| ski.0.as_bytes().to_vec());
        let authority_key_id = tbs_certificate
            .get_extension::<AuthorityKeyIdentifier>()
            .ok()
            .flatten()
            .and_then(|(_, aki)| aki.key_identifier)
            .map(|id| id.as_bytes().to_vec());
        let basic_constraints = tbs_certificate
            .get_extension::<BasicConstraints>()
            .ok()
            .flatten()
            .map(|(_, bc)| bc);
        Ok(Node {
            subject_key: name_key(tbs_certificate.subject()),
            issuer_key: name_key(tbs_certificate.issuer()),
            certificate,
            info,
            tbs,
            subject_key_id,
            authority_key_id,
            basic_constraints,
            origin,
            anchor: None,
        })
    }

    fn is_self_issued(&self) -> bool {
        self.subject_key == self.issuer_key
    }

    /// Whether `issuer` may have issued `self`: names chain, and key identifiers agree when
    /// both are there.
    fn may_be_issued_by(&self, issuer: &Node) -> bool {
        if self.issuer_key != issuer.subject_key {
            return false;
        }
        match (&self.authority_key_id, &issuer.subject_key_id) {
            (Some(aki), Some(ski)) => aki == ski,
            _ => true,
        }
    }

    fn display_name(&self) -> String {
        self.info
            .common_name
            .clone()
            .unwrap_or_else(|| self.info.subject.clone())
    }
}

/// The original bytes of the TBSCertificate (first element of the Certificate SEQUENCE).
pub(crate) fn tbs_bytes(der: &[u8]) -> der::Result<&[u8]> {
    let mut reader = SliceReader::new(der)?;
    reader.sequence(|inner: &mut SliceReader<'_>| {
        let tbs = inner.tlv_bytes()?;
        let rest = inner.remaining_len();
        inner.drain(rest)?;
        Ok(tbs)
    })
}

/// A name for comparison (RFC 5280 §7.1, simplified): the RFC 4514 string with ASCII case
/// folded and runs of white space collapsed. Encodings (PrintableString vs UTF8String) do not
/// matter because the string form decodes them.
pub(crate) fn name_key(name: &Name) -> String {
    let text = name.to_string();
    let mut key = String::with_capacity(text.len());
    let mut space = false;
    for c in text.trim().chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !key.is_empty() {
            key.push(' ');
        }
        space = false;
        key.extend(c.to_lowercase());
    }
    key
}

/// The certificates of one validation: the target (index 0), the store's anchors and known
/// CAs, and the pool.
struct Graph {
    nodes: Vec<Node>,
    seen: HashSet<Vec<u8>>,
}

/// The paths a search found, as node indices from the target up.
struct Search {
    complete: Vec<Vec<usize>>,
    partial: Vec<Vec<usize>>,
    truncated: bool,
}

impl Graph {
    fn new(mut target: Node, store: &TrustStore) -> Graph {
        target.anchor = anchor_index(store, &target.info);
        let mut graph = Graph {
            seen: HashSet::from([target.info.der.clone()]),
            nodes: vec![target],
        };
        for (index, anchor) in store.anchors().iter().enumerate() {
            if let Ok(mut node) = Node::parse(&anchor.info.der, Origin::Anchor) {
                node.anchor = Some(index);
                graph.add(node);
            }
        }
        for known in store.intermediates() {
            if let Ok(node) = Node::parse(&known.info.der, Origin::Known) {
                graph.add(node);
            }
        }
        graph
    }

    fn add(&mut self, mut node: Node) {
        if !self.seen.insert(node.info.der.clone()) {
            return;
        }
        if node.anchor.is_none() && node.origin == Origin::Pool {
            // A pool certificate with an anchor's name and key is that anchor (a re-issued
            // root certificate, for example).
            node.anchor = self
                .nodes
                .iter()
                .filter(|n| n.origin == Origin::Anchor)
                .find(|n| {
                    n.subject_key == node.subject_key
                        && n.certificate.tbs_certificate().subject_public_key_info()
                            == node.certificate.tbs_certificate().subject_public_key_info()
                })
                .and_then(|n| n.anchor);
        }
        self.nodes.push(node);
    }

    /// Candidate issuers of node `index`: anchors first, then known CAs, then the pool.
    fn issuers_of(&self, index: usize) -> Vec<usize> {
        let child = &self.nodes[index];
        let mut candidates: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| i != index && child.may_be_issued_by(&self.nodes[i]))
            .collect();
        candidates.sort_by_key(|&i| match self.nodes[i].anchor {
            Some(_) => 0,
            None if self.nodes[i].origin == Origin::Known => 1,
            None => 2,
        });
        candidates
    }

    /// Depth-first search from the target; bounded in length, steps and results.
    fn search(&self) -> Search {
        let mut search = Search {
            complete: Vec::new(),
            partial: Vec::new(),
            truncated: false,
        };
        let mut stack = vec![vec![0usize]];
        let mut steps = 0;
        while let Some(path) = stack.pop() {
            steps += 1;
            if steps > MAX_SEARCH_STEPS || search.complete.len() >= MAX_COMPLETE_PATHS {
                search.truncated = steps > MAX_SEARCH_STEPS;
                break;
            }
            let last = *path.last().unwrap_or(&0);
            if self.nodes[last].anchor.is_some() {
                search.complete.push(path);
                continue;
            }
            let candidates: Vec<usize> = if path.len() < MAX_PATH_LEN {
                self.issuers_of(last)
                    .into_iter()
                    .filter(|c| !path.contains(c))
                    .collect()
            } else {
                Vec::new()
            };
            if candidates.is_empty() {
                search.partial.push(path);
                continue;
            }
            // Reversed, so that the first candidate is tried first.
            for candidate in candidates.into_iter().rev() {
                let mut longer = path.clone();
                longer.push(candidate);
                stack.push(longer);
            }
        }
        search
    }

    fn chain(&self, path: &[usize]) -> Vec<CertificateInfo> {
        path.iter().map(|&i| self.nodes[i].info.clone()).collect()
    }

    /// Every check of a path that ends at an anchor.
    fn validate(&self, path: &[usize], store: &TrustStore, options: &PathOptions) -> Vec<Finding> {
        let anchor = path
            .last()
            .and_then(|&i| self.nodes[i].anchor)
            .and_then(|i| store.anchors().get(i));
        // VGCA G1 and the MIC root sign with SHA-1; accepted only under the shipped roots.
        let sha1_accepted = anchor.is_some_and(|a| {
            a.name.is_some() && matches!(a.family, CaFamily::CongVu | CaFamily::PublicCa)
        });
        let mut findings = Vec::new();
        self.check_links(path, sha1_accepted, &mut findings);
        self.check_certificates(path, true, options, &mut findings);
        findings
    }

    /// The checks of a path that reaches no anchor: links, validity, constraints, purpose.
    fn validate_partial(&self, path: &[usize], options: &PathOptions) -> Vec<Finding> {
        let mut findings = Vec::new();
        self.check_links(path, false, &mut findings);
        self.check_certificates(path, false, options, &mut findings);
        findings
    }

    /// Each certificate's signature with the next one's key.
    fn check_links(&self, path: &[usize], sha1_accepted: bool, findings: &mut Vec<Finding>) {
        for pair in path.windows(2) {
            let (child, issuer) = (&self.nodes[pair[0]], &self.nodes[pair[1]]);
            let result = verify_signed(
                child.certificate.signature_algorithm(),
                child.certificate.signature(),
                issuer
                    .certificate
                    .tbs_certificate()
                    .subject_public_key_info(),
                &child.tbs,
            );
            let (name, issuer_name) = (child.display_name(), issuer.display_name());
            match result {
                Ok(DigestAlgorithm::Sha1) => {
                    let message = |code: &str| {
                        Message::new(
                            code,
                            format!(
                                "Chứng thư «{name}» được ký bằng SHA-1 (thuật toán yếu) bởi «{issuer_name}»"
                            ),
                            format!(
                                "The certificate “{name}” is signed with SHA-1 (a weak algorithm) by “{issuer_name}”"
                            ),
                        )
                    };
                    if sha1_accepted {
                        let mut note = message("cert-sha1-accepted");
                        note.vi.push_str(
                            "; chấp nhận vì đường dẫn kết thúc ở chứng thư gốc Việt Nam đi kèm Kyso",
                        );
                        note.en
                            .push_str("; accepted because the path ends at a shipped Vietnamese root");
                        findings.push(Finding::info(note));
                    } else {
                        findings.push(Finding::failure(
                            SubIndication::CryptoConstraintsFailure,
                            message("cert-sha1"),
                        ));
                    }
                }
                Ok(_) => {}
                Err(VerifyFailure::Invalid) => findings.push(Finding::failure(
                    SubIndication::CertificateChainGeneralFailure,
                    Message::new(
                        "cert-signature-invalid",
                        format!(
                            "Chữ ký của «{issuer_name}» trên chứng thư «{name}» không hợp lệ: chứng thư đã bị sửa đổi hoặc giả mạo"
                        ),
                        format!(
                            "The signature of “{issuer_name}” on the certificate “{name}” is not valid: the certificate was changed or forged"
                        ),
                    ),
                )),
                Err(failure) => findings.push(
                    Finding::warning(
                        Some(SubIndication::CryptoConstraintsFailure),
                        Message::new(
                            "cert-signature-unsupported",
                            format!(
                                "Không kiểm tra được chữ ký trên chứng thư «{name}»: thuật toán hoặc khóa không được hỗ trợ"
                            ),
                            format!(
                                "Cannot check the signature on the certificate “{name}”: unsupported algorithm or key"
                            ),
                        ),
                    )
                    .with_detail(describe(&failure)),
                ),
            }
            if let Some(weak) = weak_key(&issuer.info.key) {
                findings.push(Finding::failure(
                    SubIndication::CryptoConstraintsFailure,
                    Message::new(
                        "cert-issuer-key-weak",
                        format!("Khóa của CA «{issuer_name}» quá yếu ({weak})"),
                        format!("The key of the CA “{issuer_name}” is too weak ({weak})"),
                    ),
                ));
            }
        }
    }

    /// Validity, CA constraints, the target's purpose and critical extensions.
    fn check_certificates(
        &self,
        path: &[usize],
        ends_at_anchor: bool,
        options: &PathOptions,
        findings: &mut Vec<Finding>,
    ) {
        let mut intermediates_below = 0usize;
        for (position, &index) in path.iter().enumerate() {
            let node = &self.nodes[index];
            let is_anchor = ends_at_anchor && position + 1 == path.len();
            if let Some(at) = options.at {
                check_validity(node, at, findings);
            }
            if position == 0 {
                check_purpose(node, options.purpose, findings);
            } else {
                check_issuer(node, intermediates_below, findings);
                if !node.is_self_issued() {
                    intermediates_below += 1;
                }
            }
            // A trust anchor is taken as given (RFC 5280 §6.1.1 (d)); others must not carry
            // critical extensions we do not process.
            if !is_anchor {
                check_critical_extensions(node, findings);
            }
        }
    }
}

/// A finding that keeps a path from being trusted (a failure, or a point that cannot be
/// confirmed); notes do not.
fn is_problem(finding: &Finding) -> bool {
    finding.severity >= Severity::Warning
}

fn anchor_index(store: &TrustStore, info: &CertificateInfo) -> Option<usize> {
    let anchor = store.anchor_for(info)?;
    store.anchors().iter().position(|a| std::ptr::eq(a, anchor))
}

/// Verifies the signature of a certificate, a CRL or an OCSP response (RFC 5280 §4.1.1.2–3,
/// §5.1.1.2–3; RFC 6960 §4.2.1): `value` made with `algorithm` by the key `signer` over the
/// **original** to-be-signed bytes `tbs`, never a re-encoding. Returns the hash used, so that
/// the caller can apply its policy on SHA-1.
pub(crate) fn verify_signed(
    algorithm: &AlgorithmIdentifierOwned,
    value: &BitString,
    signer: &SubjectPublicKeyInfoOwned,
    tbs: &[u8],
) -> Result<DigestAlgorithm, VerifyFailure> {
    let scheme =
        SignatureAlgorithm::from_identifier(algorithm).map_err(VerifyFailure::Unsupported)?;
    let hash = match (&scheme, scheme.named_hash()) {
        (_, Some(hash)) => hash,
        // Ed25519 hashes internally; the argument is not used.
        (SignatureAlgorithm::Ed25519, None) => DigestAlgorithm::Sha512,
        // A bare rsaEncryption names no hash: not a valid signatureAlgorithm here.
        (_, None) => return Err(VerifyFailure::Unsupported(scheme.to_string())),
    };
    let value = value.as_bytes().ok_or(VerifyFailure::Invalid)?;
    verify(&scheme, hash, signer, SignedMessage::Bytes(tbs), value)?;
    Ok(hash)
}

/// A verification failure in words (the `cms` type has no `Display`).
pub(crate) fn describe(failure: &VerifyFailure) -> String {
    match failure {
        VerifyFailure::Invalid => "the signature does not verify".to_owned(),
        VerifyFailure::KeyMismatch { key, algorithm } => {
            format!("key {key} does not fit the algorithm {algorithm}")
        }
        VerifyFailure::BadKey(detail) => format!("unreadable key: {detail}"),
        VerifyFailure::Unsupported(what) => format!("unsupported algorithm {what}"),
    }
}

/// RSA below 2048 bits, or an EC key below 256 bits.
fn weak_key(key: &PublicKeyKind) -> Option<String> {
    match key {
        PublicKeyKind::Rsa { bits } | PublicKeyKind::Dsa { bits } if *bits < 2048 => {
            Some(key.to_string())
        }
        PublicKeyKind::Ec { curve } if curve.bits().is_some_and(|b| b < 256) => {
            Some(key.to_string())
        }
        _ => None,
    }
}

fn check_validity(node: &Node, at: OffsetDateTime, findings: &mut Vec<Finding>) {
    let name = node.display_name();
    let info = &node.info;
    let when = vn_time::iso8601(at);
    if at < info.not_before {
        let from = vn_time::iso8601(info.not_before);
        findings.push(Finding::failure(
            SubIndication::NotYetValid,
            Message::new(
                "cert-not-yet-valid",
                format!("Chứng thư «{name}» chưa có hiệu lực vào {when} (có hiệu lực từ {from})"),
                format!("The certificate “{name}” was not yet valid at {when} (valid from {from})"),
            ),
        ));
    } else if at > info.not_after {
        let until = vn_time::iso8601(info.not_after);
        findings.push(Finding::failure(
            SubIndication::Expired,
            Message::new(
                "cert-expired",
                format!("Chứng thư «{name}» đã hết hạn vào {until}, trước thời điểm {when}"),
                format!("The certificate “{name}” expired on {until}, before {when}"),
            ),
        ));
    }
}

/// RFC 5280 §6.1.4 (k), (l), (m), (n) for a certificate that issued the one below it.
fn check_issuer(node: &Node, intermediates_below: usize, findings: &mut Vec<Finding>) {
    let name = node.display_name();
    let constraint = |code: &str, vi: String, en: String| {
        Finding::failure(
            SubIndication::ChainConstraintsFailure,
            Message::new(code, vi, en),
        )
    };
    match &node.basic_constraints {
        Some(bc) if bc.ca => {
            if let Some(limit) = bc.path_len_constraint
                && intermediates_below > usize::from(limit)
            {
                findings.push(constraint(
                    "cert-path-length-exceeded",
                    format!(
                        "CA «{name}» chỉ được phép có {limit} CA trung gian bên dưới, nhưng đường dẫn có {intermediates_below}"
                    ),
                    format!(
                        "The CA “{name}” allows {limit} intermediate CAs below it, the path has {intermediates_below}"
                    ),
                ));
            }
        }
        _ => findings.push(constraint(
            "cert-not-a-ca",
            format!("Chứng thư «{name}» không phải chứng thư CA nhưng lại ký chứng thư khác"),
            format!(
                "The certificate “{name}” is not a CA certificate but issued another certificate"
            ),
        )),
    }
    if let Some(usage) = &node.info.key_usage
        && !usage.key_cert_sign
    {
        findings.push(constraint(
            "cert-issuer-key-usage",
            format!("Khóa của CA «{name}» không được phép ký chứng thư (thiếu keyCertSign)"),
            format!("The key of the CA “{name}” may not sign certificates (no keyCertSign)"),
        ));
    }
}

/// The target's key usage and extended key usage for `purpose`.
fn check_purpose(node: &Node, purpose: Purpose, findings: &mut Vec<Finding>) {
    let name = node.display_name();
    let info = &node.info;
    let signs = info
        .key_usage
        .is_none_or(|u| u.digital_signature || u.non_repudiation);
    let usage = |code: &str, vi: String, en: String| {
        Finding::failure(
            SubIndication::ChainConstraintsFailure,
            Message::new(code, vi, en),
        )
    };
    let needs_eku =
        |oid: ObjectIdentifier, what_vi: &str, what_en: &str, findings: &mut Vec<Finding>| {
            if !info.has_extended_key_usage(&oid.to_string()) {
                findings.push(usage(
                    "cert-extended-key-usage",
                    format!("Chứng thư «{name}» không được cấp cho mục đích {what_vi}"),
                    format!("The certificate “{name}” is not issued for {what_en}"),
                ));
            }
        };
    match purpose {
        Purpose::Any => return,
        Purpose::DocumentSigning => {}
        Purpose::TimeStamping => needs_eku(
            ID_KP_TIME_STAMPING,
            "cấp dấu thời gian (timeStamping)",
            "time-stamping",
            findings,
        ),
        Purpose::OcspSigning => needs_eku(
            ID_KP_OCSP_SIGNING,
            "ký phản hồi OCSP (OCSPSigning)",
            "signing OCSP responses",
            findings,
        ),
    }
    if !signs {
        findings.push(usage(
            "cert-key-usage",
            format!(
                "Khóa của chứng thư «{name}» không được phép dùng để ký số (thiếu digitalSignature và nonRepudiation)"
            ),
            format!(
                "The key of the certificate “{name}” may not be used for signatures (no digitalSignature or nonRepudiation)"
            ),
        ));
    }
}

/// Extensions this module processes or that carry no constraint on the path.
const UNDERSTOOD_EXTENSIONS: &[&str] = &[
    "2.5.29.14",            // subjectKeyIdentifier
    "2.5.29.15",            // keyUsage
    "2.5.29.17",            // subjectAltName
    "2.5.29.18",            // issuerAltName
    "2.5.29.19",            // basicConstraints
    "2.5.29.31",            // cRLDistributionPoints
    "2.5.29.32",            // certificatePolicies (any policy is accepted)
    "2.5.29.35",            // authorityKeyIdentifier
    "2.5.29.37",            // extKeyUsage
    "2.5.29.46",            // freshestCRL
    "1.3.6.1.5.5.7.1.1",    // authorityInfoAccess
    "1.3.6.1.5.5.7.1.3",    // qcStatements
    "1.3.6.1.5.5.7.1.11",   // subjectInfoAccess
    "1.3.6.1.5.5.7.48.1.5", // id-pkix-ocsp-nocheck
];

fn check_critical_extensions(node: &Node, findings: &mut Vec<Finding>) {
    let Some(extensions) = node.certificate.tbs_certificate().extensions() else {
        return;
    };
    for extension in extensions.iter().filter(|e| e.critical) {
        let oid = extension.extn_id.to_string();
        if UNDERSTOOD_EXTENSIONS.contains(&oid.as_str()) {
            continue;
        }
        let name = node.display_name();
        findings.push(Finding::failure(
            SubIndication::ChainConstraintsFailure,
            Message::new(
                "cert-unknown-critical-extension",
                format!(
                    "Chứng thư «{name}» có phần mở rộng bắt buộc (critical) {oid} mà Kyso không xử lý được"
                ),
                format!(
                    "The certificate “{name}” has a critical extension {oid} that Kyso does not process"
                ),
            ),
        ));
    }
}

#[cfg(test)]
mod node_cache_tests {
    use super::*;

    /// A certificate parsed first as an anchor and then from a file's pool comes back from the
    /// cache as the second caller asked, equal to a fresh parse otherwise.
    #[test]
    fn cached_nodes_take_the_callers_origin() {
        let der = &tests::pki().issuing_ca.certificate_der;
        let mut anchor = Node::parse(der, Origin::Anchor).unwrap();
        anchor.anchor = Some(3);
        let pooled = Node::parse(der, Origin::Pool).unwrap();
        assert_eq!(pooled.origin, Origin::Pool);
        assert_eq!(pooled.anchor, None);
        let fresh = Node::parse_uncached(der, Origin::Pool).unwrap();
        assert_eq!(pooled.info, fresh.info);
        assert_eq!(pooled.tbs, fresh.tbs);
        assert_eq!(pooled.subject_key, fresh.subject_key);
        assert_eq!(pooled.issuer_key, fresh.issuer_key);
        assert_eq!(pooled.subject_key_id, fresh.subject_key_id);
        assert_eq!(pooled.authority_key_id, fresh.authority_key_id);
    }

    #[test]
    fn unreadable_certificates_are_not_cached() {
        assert!(Node::parse(b"not a certificate", Origin::Pool).is_err());
        assert!(Node::parse(b"not a certificate", Origin::Pool).is_err());
    }
}
