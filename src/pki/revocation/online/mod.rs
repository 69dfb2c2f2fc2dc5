//! Revocation status from the network: OCSP first (RFC 6960, POST, with a nonce), then the CRL
//! of the certificate's distribution points (RFC 5280), with a disk cache.
//!
//! Nothing is checked here that [`revocation_status`] does not already check: a fetched answer
//! goes through the same code as an embedded one (CertID, responder signature and
//! authorisation, CRL signature and scope, coverage of the validation time). What is added is
//! what only an online answer has:
//! - the nonce of our request must come back, or no nonce at all (see [`request::NonceCheck`]);
//! - the answer must be *current* when it arrives: `thisUpdate` not more than
//!   [`MAX_CLOCK_SKEW`] ahead of our clock and `nextUpdate` not passed (RFC 5019 §4). A "good"
//!   answer that is not current is not used; a "revoked" one is (revocation is final).
//!
//! The order follows RFC 5280 practice and the brief of issue 5: every OCSP URL of the
//! certificate (cache first), then every CRL URL (cache first); the first answer that decides
//! (good or revoked) wins; otherwise the status is unknown and the findings say why, URL by URL.

pub mod cache;
pub mod request;

use std::path::PathBuf;

use serde::Serialize;
use sha1::{Digest, Sha1};
use time::{Duration, OffsetDateTime};
use x509_cert::Certificate;

use super::ocsp::{MAX_OCSP_RESPONSE_LEN, basic_response};
use super::{RevocationFacts, RevocationStatus, revocation_status, serial_key};
use crate::message::{Explain, Message};
use crate::net::HttpClient;
use crate::pki::CertificateInfo;
use crate::pki::aia::{self, AiaError};
use crate::verify::finding::{Finding, Severity};
use crate::verify::indication::SubIndication;
use cache::{CachedEntry, DEFAULT_TTL, DiskCache, EntryKind};
use der::Decode;
use request::NonceCheck;

/// A CRL download larger than this is not read (the largest public CRLs are a few MiB).
pub const MAX_CRL_DOWNLOAD: u64 = 20 * 1024 * 1024;
/// Finding code: the fetcher's deadline passed, some addresses were not asked.
pub const NETWORK_TIME_LIMIT: &str = "revocation-network-time-limit";

/// How far ahead of our clock an answer's thisUpdate may be (responders' clocks drift).
pub const MAX_CLOCK_SKEW: Duration = Duration::minutes(5);

/// Where the status that decided came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataOrigin {
    /// Asked just now from the certificate's OCSP responder.
    OcspOnline,
    /// Downloaded just now from the certificate's CRL distribution point.
    CrlOnline,
    /// An OCSP response from the disk cache, still current.
    OcspCache,
    /// A CRL from the disk cache, still current.
    CrlCache,
}

impl DataOrigin {
    /// (Vietnamese, English) words for reports.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            DataOrigin::OcspOnline => ("máy chủ OCSP (trực tuyến)", "the OCSP responder (online)"),
            DataOrigin::CrlOnline => ("CRL tải trực tuyến", "the CRL (downloaded)"),
            DataOrigin::OcspCache => ("phản hồi OCSP đã lưu", "a cached OCSP response"),
            DataOrigin::CrlCache => ("CRL đã lưu", "a cached CRL"),
        }
    }
}

/// What fetching found.
#[derive(Debug, Clone)]
pub struct FetchOutcome {
    /// The status at the time asked.
    pub status: RevocationStatus,
    /// Where the deciding answer came from; `None` when nothing decided.
    pub origin: Option<DataOrigin>,
    /// The revocation facts of the deciding answer (dates, who signed it).
    pub facts: RevocationFacts,
    /// The deciding OCSP response (DER `OCSPResponse`), checked: for the DSS.
    pub ocsp_responses: Vec<Vec<u8>>,
    /// The deciding CRL (DER), checked: for the DSS.
    pub crls: Vec<Vec<u8>>,
    /// The facts' findings, then what happened on the way (URLs that failed, where the answer
    /// came from).
    pub findings: Vec<Finding>,
}

impl FetchOutcome {
    /// Nothing decided, for the reasons in `findings`.
    pub fn unknown(findings: Vec<Finding>) -> Self {
        undecided(findings)
    }
}

/// Fetches revocation status over HTTP, through a disk cache.
#[derive(Debug, Clone)]
pub struct RevocationFetcher {
    /// `None`: the cache only, no network (`--offline` for signing).
    client: Option<HttpClient>,
    cache: Option<DiskCache>,
    /// No new request is started after this instant (see [`RevocationFetcher::until`]).
    deadline: Option<std::time::Instant>,
}

impl RevocationFetcher {
    /// A fetcher using `client`, caching in `cache_dir` (no cache when `None`).
    pub fn new(client: HttpClient, cache_dir: Option<PathBuf>) -> Self {
        RevocationFetcher {
            client: Some(client),
            cache: cache_dir.map(DiskCache::new),
            deadline: None,
        }
    }

    /// A fetcher that never uses the network: only what the cache still holds.
    pub fn cache_only(cache_dir: Option<PathBuf>) -> Self {
        RevocationFetcher {
            client: None,
            cache: cache_dir.map(DiskCache::new),
            deadline: None,
        }
    }

    /// Whether this fetcher may use the network.
    pub fn is_online(&self) -> bool {
        self.client.is_some()
    }

    /// The same fetcher, starting no request after `deadline`. A hostile certificate may name
    /// several OCSP, CRL and caIssuers addresses, each answered slowly: the per-request timeout
    /// alone would let one file hold the verifier for tens of seconds.
    pub fn until(&self, deadline: std::time::Instant) -> Self {
        RevocationFetcher {
            deadline: Some(deadline),
            ..self.clone()
        }
    }

    /// The client, unless offline or past the deadline (then said once in `notes`).
    fn network(&self, notes: &mut Vec<Finding>) -> Option<&HttpClient> {
        let client = self.client.as_ref()?;
        if self
            .deadline
            .is_some_and(|d| std::time::Instant::now() >= d)
        {
            if !notes.iter().any(|f| f.code == NETWORK_TIME_LIMIT) {
                notes.push(Finding::warning(
                    Some(SubIndication::TryLater),
                    Message::new(
                        NETWORK_TIME_LIMIT,
                        "Đã hết thời gian cho phép để hỏi trạng thái thu hồi qua mạng; các địa chỉ còn lại không được hỏi",
                        "The time allowed for asking revocation status over the network ran out; the remaining addresses were not asked",
                    ),
                ));
            }
            return None;
        }
        Some(client)
    }

    /// The issuer certificate(s) of `certificate` from its caIssuers URLs (for a path whose
    /// intermediate is missing). Fails at once without network.
    pub fn fetch_issuer(&self, certificate: &CertificateInfo) -> Result<Vec<Vec<u8>>, AiaError> {
        let mut notes = Vec::new();
        match self.network(&mut notes) {
            Some(client) => aia::fetch_issuers(client, certificate),
            None => Err(AiaError::Offline {
                certificate: display_name(certificate),
            }),
        }
    }

    /// The status of `certificate`, issued by `issuer`, at `at`: OCSP, then CRL, each from the
    /// cache while current, else from the network.
    pub fn fetch(
        &self,
        certificate: &CertificateInfo,
        issuer: &CertificateInfo,
        at: OffsetDateTime,
    ) -> FetchOutcome {
        let name = display_name(certificate);
        let ocsp_urls = aia::ocsp_urls(&certificate.der);
        let crl_urls = aia::crl_urls(&certificate.der);
        let mut notes = Vec::new();
        if ocsp_urls.is_empty() && crl_urls.is_empty() {
            notes.push(Finding::warning(
                Some(SubIndication::TryLater),
                Message::new(
                    "revocation-no-url",
                    format!(
                        "Chứng thư «{name}» không ghi địa chỉ kiểm tra thu hồi (OCSP hoặc CRL qua HTTP)"
                    ),
                    format!(
                        "The certificate “{name}” gives no address to check its revocation (OCSP or CRL over HTTP)"
                    ),
                ),
            ));
            return undecided(notes);
        }

        // 1. OCSP: the cache, then each responder.
        let ocsp_key = ocsp_cache_key(certificate, issuer);
        if !ocsp_urls.is_empty()
            && let Some(key) = &ocsp_key
            && let Some(found) = self.cached(
                EntryKind::Ocsp,
                key,
                MAX_OCSP_RESPONSE_LEN as u64,
                (certificate, issuer, at),
                &mut notes,
            )
        {
            return found;
        }
        for url in &ocsp_urls {
            if let Some(client) = self.network(&mut notes) {
                let der = match self.ask_ocsp(client, url, certificate, issuer, &mut notes) {
                    Some(der) => der,
                    None => continue,
                };
                let facts =
                    revocation_status(certificate, issuer, std::slice::from_ref(&der), &[], at);
                match judge(facts, None, url) {
                    Ok(facts) => {
                        if let (Some(cache), Some(key)) = (&self.cache, &ocsp_key) {
                            note_cache_failure(cache.put(EntryKind::Ocsp, key, &der), &mut notes);
                        }
                        return decided(
                            facts,
                            DataOrigin::OcspOnline,
                            url,
                            vec![der],
                            vec![],
                            notes,
                        );
                    }
                    Err(findings) => notes.extend(findings),
                }
            }
        }

        // 2. CRL: for each distribution point, the cache, then the download.
        for url in &crl_urls {
            if let Some(found) = self.cached(
                EntryKind::Crl,
                url.as_bytes(),
                MAX_CRL_DOWNLOAD,
                (certificate, issuer, at),
                &mut notes,
            ) {
                return found;
            }
            let Some(client) = self.network(&mut notes) else {
                continue;
            };
            let der = match client.get(url, MAX_CRL_DOWNLOAD) {
                Ok(response) => response.body,
                Err(e) => {
                    notes.push(fetch_failed("crl-fetch-failed", url, &e.message()));
                    continue;
                }
            };
            let facts = revocation_status(certificate, issuer, &[], std::slice::from_ref(&der), at);
            match judge(facts, None, url) {
                Ok(facts) => {
                    if let Some(cache) = &self.cache {
                        note_cache_failure(
                            cache.put(EntryKind::Crl, url.as_bytes(), &der),
                            &mut notes,
                        );
                    }
                    return decided(facts, DataOrigin::CrlOnline, url, vec![], vec![der], notes);
                }
                Err(findings) => notes.extend(findings),
            }
        }

        if self.client.is_none() {
            notes.push(Finding::warning(
                Some(SubIndication::TryLater),
                Message::new(
                    "revocation-offline",
                    format!(
                        "Đang làm việc ngoại tuyến: chưa kiểm tra trực tuyến được chứng thư «{name}» có bị thu hồi hay không"
                    ),
                    format!(
                        "Working offline: whether the certificate “{name}” is revoked could not be checked online"
                    ),
                ),
            ));
        } else {
            notes.insert(
                0,
                Finding::warning(
                    Some(SubIndication::TryLater),
                    Message::new(
                        "revocation-online-unknown",
                        format!(
                            "Không xác định được trực tuyến chứng thư «{name}» có bị thu hồi hay không"
                        ),
                        format!(
                            "Whether the certificate “{name}” is revoked could not be established online"
                        ),
                    ),
                ),
            );
        }
        undecided(notes)
    }

    /// A cached entry that still decides, or `None` (a bad or stale entry is removed).
    fn cached(
        &self,
        kind: EntryKind,
        key: &[u8],
        max_len: u64,
        (certificate, issuer, at): (&CertificateInfo, &CertificateInfo, OffsetDateTime),
        notes: &mut Vec<Finding>,
    ) -> Option<FetchOutcome> {
        let cache = self.cache.as_ref()?;
        let CachedEntry { der, stored_at } = cache.get(kind, key, max_len)?;
        let (ocsps, crls) = match kind {
            EntryKind::Ocsp => (vec![der], vec![]),
            EntryKind::Crl => (vec![], vec![der]),
        };
        let facts = revocation_status(certificate, issuer, &ocsps, &crls, at);
        let place = cache.dir().display().to_string();
        match judge(facts, Some(stored_at), &place) {
            Ok(facts) => {
                let origin = match kind {
                    EntryKind::Ocsp => DataOrigin::OcspCache,
                    EntryKind::Crl => DataOrigin::CrlCache,
                };
                Some(decided(
                    facts,
                    origin,
                    &place,
                    ocsps,
                    crls,
                    std::mem::take(notes),
                ))
            }
            Err(_) => {
                // Stale or no longer valid: fetch afresh (and overwrite it).
                cache.remove(kind, key);
                None
            }
        }
    }

    /// POSTs an OCSP request to `url`; the response DER, or `None` with a note.
    fn ask_ocsp(
        &self,
        client: &HttpClient,
        url: &str,
        certificate: &CertificateInfo,
        issuer: &CertificateInfo,
        notes: &mut Vec<Finding>,
    ) -> Option<Vec<u8>> {
        let prepared = match request::build_request(&certificate.der, &issuer.der) {
            Ok(prepared) => prepared,
            Err(e) => {
                notes.push(fetch_failed(
                    "ocsp-request-failed",
                    url,
                    &Message::new("ocsp-request-failed", e.to_string(), e.to_string()),
                ));
                return None;
            }
        };
        let response = match client.post(
            url,
            "application/ocsp-request",
            &prepared.der,
            MAX_OCSP_RESPONSE_LEN as u64,
        ) {
            Ok(response) => response,
            Err(e) => {
                notes.push(fetch_failed("ocsp-fetch-failed", url, &e.message()));
                return None;
            }
        };
        // An unreadable answer is left to `revocation_status`, which says what is wrong with it.
        if let Ok(basic) = basic_response(&response.body) {
            match request::check_nonce(&basic, &prepared.nonce) {
                NonceCheck::Matches => {}
                NonceCheck::Absent => notes.push(Finding::info(Message::new(
                    "ocsp-no-nonce",
                    format!(
                        "Máy chủ OCSP {url} không gửi lại số dùng một lần (nonce): chỉ dựa vào thời hạn của phản hồi"
                    ),
                    format!(
                        "The OCSP responder {url} did not echo the nonce: only the response's validity period vouches for its freshness"
                    ),
                ))),
                NonceCheck::Mismatch => {
                    notes.push(Finding::warning(
                        None,
                        Message::new(
                            "ocsp-nonce-mismatch",
                            format!(
                                "Phản hồi của máy chủ OCSP {url} không khớp với yêu cầu (nonce khác): có thể là phản hồi cũ bị phát lại, không dùng"
                            ),
                            format!(
                                "The answer of the OCSP responder {url} does not match the request (another nonce): possibly a replayed response; not used"
                            ),
                        ),
                    ));
                    return None;
                }
            }
        }
        Some(response.body)
    }
}

/// Accepts facts that decide and are current; otherwise the findings that say why not.
/// `stored_at`: when a cached entry was written (its age bounds an answer without nextUpdate).
fn judge(
    facts: RevocationFacts,
    stored_at: Option<OffsetDateTime>,
    place: &str,
) -> Result<RevocationFacts, Vec<Finding>> {
    match facts.status {
        RevocationStatus::Unknown => Err(facts.findings),
        // Revocation is final: an old answer that says "revoked" still says it.
        RevocationStatus::Revoked { .. } => Ok(facts),
        RevocationStatus::Good => {
            let now = OffsetDateTime::now_utc();
            let too_new = facts.this_update.is_some_and(|t| t > now + MAX_CLOCK_SKEW);
            let expired = match (facts.next_update, stored_at) {
                (Some(next), _) => next < now,
                (None, Some(stored)) => stored + DEFAULT_TTL < now,
                (None, None) => false,
            };
            if !too_new && !expired {
                return Ok(facts);
            }
            let (from, until) = (
                facts
                    .this_update
                    .map_or_else(|| "—".to_owned(), crate::vn_time::iso8601),
                facts
                    .next_update
                    .map_or_else(|| "—".to_owned(), crate::vn_time::iso8601),
            );
            Err(vec![Finding::warning(
                None,
                Message::new(
                    "revocation-online-stale",
                    format!(
                        "Dữ liệu thu hồi nhận từ {place} không còn hiệu lực (hiệu lực {from} – {until}): không dùng"
                    ),
                    format!(
                        "The revocation data from {place} is not current (valid {from} – {until}); not used"
                    ),
                ),
            )])
        }
    }
}

fn decided(
    facts: RevocationFacts,
    origin: DataOrigin,
    place: &str,
    ocsp_responses: Vec<Vec<u8>>,
    crls: Vec<Vec<u8>>,
    notes: Vec<Finding>,
) -> FetchOutcome {
    let (vi, en) = origin.words();
    let mut findings = facts.findings.clone();
    // What failed on the way no longer matters for the status: worth knowing, no more.
    findings.extend(notes.into_iter().map(|mut f| {
        f.severity = Severity::Info;
        f
    }));
    findings.push(
        Finding::info(Message::new(
            origin_code(origin),
            format!("Tình trạng thu hồi lấy từ {vi}"),
            format!("The revocation status comes from {en}"),
        ))
        .with_detail(place.to_owned()),
    );
    FetchOutcome {
        status: facts.status,
        origin: Some(origin),
        facts,
        ocsp_responses,
        crls,
        findings,
    }
}

fn undecided(findings: Vec<Finding>) -> FetchOutcome {
    FetchOutcome {
        status: RevocationStatus::Unknown,
        origin: None,
        facts: super::unknown(findings.clone()),
        ocsp_responses: Vec::new(),
        crls: Vec::new(),
        findings,
    }
}

/// The finding code naming where a status came from.
pub fn origin_code(origin: DataOrigin) -> &'static str {
    match origin {
        DataOrigin::OcspOnline => "revocation-from-ocsp-online",
        DataOrigin::CrlOnline => "revocation-from-crl-online",
        DataOrigin::OcspCache => "revocation-from-ocsp-cache",
        DataOrigin::CrlCache => "revocation-from-crl-cache",
    }
}

fn fetch_failed(code: &str, url: &str, why: &Message) -> Finding {
    Finding::warning(
        None,
        Message::new(
            code,
            format!("Không lấy được dữ liệu thu hồi từ {url}: {}", why.vi),
            format!("Could not get revocation data from {url}: {}", why.en),
        ),
    )
}

fn note_cache_failure(result: std::io::Result<()>, notes: &mut Vec<Finding>) {
    if let Err(e) = result {
        notes.push(Finding::info(Message::new(
            "revocation-cache-unwritable",
            format!("Không ghi được bộ nhớ đệm dữ liệu thu hồi: {e}"),
            format!("Could not write the revocation cache: {e}"),
        )));
    }
}

/// The OCSP cache key: SHA-1 of the issuer's key (as in CertID) and the serial number.
fn ocsp_cache_key(certificate: &CertificateInfo, issuer: &CertificateInfo) -> Option<Vec<u8>> {
    let subject = Certificate::from_der(&certificate.der).ok()?;
    let issuer = Certificate::from_der(&issuer.der).ok()?;
    let key_hash = Sha1::digest(
        issuer
            .tbs_certificate()
            .subject_public_key_info()
            .subject_public_key
            .raw_bytes(),
    );
    let mut key = key_hash.to_vec();
    key.extend_from_slice(serial_key(
        subject.tbs_certificate().serial_number().as_bytes(),
    ));
    Some(key)
}

fn display_name(certificate: &CertificateInfo) -> String {
    certificate
        .common_name
        .clone()
        .unwrap_or_else(|| certificate.subject.clone())
}
