//! The pre-sign revocation gate (issue 5, item 4): before the token is touched, ask whether the
//! signer's certificate is revoked — OCSP first, then the CRL (see
//! [`crate::pki::revocation::online`]).
//!
//! - revoked → refused, with the date and the reason;
//! - good → go on, with the checked answer in hand (for the DSS of B-LT);
//! - unknown (no address in the certificate, responder down, stale or untrustworthy answers,
//!   working offline) → refused, unless the person chose to go on
//!   (`--allow-unknown-revocation`), in which case a warning says what was not checked.
//!
//! A certificate that gives no OCSP or CRL address (the demo certificates, some internal CAs)
//! has status "unknown" like any other that cannot be checked: the rules ask for the check, so
//! skipping it is the person's explicit choice, never a silent default.

use time::OffsetDateTime;

use crate::message::{Explain, Message};
use crate::net::HttpClient;
use crate::pki::CertificateInfo;
use crate::pki::revocation::online::cache::DiskCache;
use crate::pki::revocation::online::{FetchOutcome, RevocationFetcher};
use crate::pki::revocation::{RevocationReason, RevocationStatus};
use crate::token::{KeyPresence, TokenSession};
use crate::verify::finding::{Finding, Severity};
use crate::vn_time;

/// Why the gate refused.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RevocationRefusal {
    /// The certificate is revoked.
    #[error("the certificate {certificate} was revoked on {time}")]
    Revoked {
        certificate: String,
        time: OffsetDateTime,
        reason: Option<RevocationReason>,
    },
    /// Whether the certificate is revoked could not be told, and the person did not choose to
    /// go on regardless.
    #[error("the revocation status of {certificate} is unknown")]
    Unknown {
        certificate: String,
        /// Why, most important first (from the fetch findings).
        why: Vec<Message>,
    },
}

impl Explain for RevocationRefusal {
    fn message(&self) -> Message {
        match self {
            RevocationRefusal::Revoked {
                certificate,
                time,
                reason,
            } => {
                let (reason_vi, reason_en) = reason.map_or(
                    ("không nêu lý do", "no reason given"),
                    RevocationReason::words,
                );
                let when = vn_time::iso8601(*time);
                Message::new(
                    "cert-revoked",
                    format!(
                        "Không ký: chứng thư số «{certificate}» đã bị thu hồi vào {when} (lý do: {reason_vi})"
                    ),
                    format!(
                        "Not signed: the certificate “{certificate}” was revoked on {when} (reason: {reason_en})"
                    ),
                )
            }
            RevocationRefusal::Unknown { certificate, why } => {
                let (because_vi, because_en) = because(why);
                Message::new(
                    "revocation-unknown",
                    format!(
                        "Không ký: chưa xác định được chứng thư số «{certificate}» có bị thu hồi hay không{because_vi}. Nếu vẫn muốn ký, dùng --allow-unknown-revocation"
                    ),
                    format!(
                        "Not signed: whether the certificate “{certificate}” is revoked could not be established{because_en}. To sign anyway, use --allow-unknown-revocation"
                    ),
                )
            }
        }
    }
}

/// ": reason one; reason two" from the most telling findings.
fn because(why: &[Message]) -> (String, String) {
    if why.is_empty() {
        return (String::new(), String::new());
    }
    let pick: Vec<&Message> = why.iter().take(3).collect();
    (
        format!(
            " ({})",
            pick.iter()
                .map(|m| m.vi.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        format!(
            " ({})",
            pick.iter()
                .map(|m| m.en.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
    )
}

/// What the gate let through.
#[derive(Debug, Clone)]
pub struct RevocationClearance {
    /// The fetch: status, origin, and the checked OCSP responses and CRLs (for the DSS).
    pub fetched: FetchOutcome,
    /// Said to the person when the status is unknown and they chose to go on.
    pub warning: Option<Message>,
}

impl RevocationClearance {
    /// One line for the person: where the "good" came from, or the warning.
    pub fn summary(&self) -> Message {
        if let Some(warning) = &self.warning {
            return warning.clone();
        }
        let (vi, en) = self
            .fetched
            .origin
            .map_or(("—", "—"), |origin| origin.words());
        Message::new(
            "revocation-good",
            format!("Chứng thư số chưa bị thu hồi (theo {vi})"),
            format!("The certificate is not revoked (according to {en})"),
        )
    }
}

/// Checks the revocation status of `certificate` now. `chain` holds the issuer certificates
/// the key holder has (DER, nearest first); the issuer is fetched from caIssuers when missing.
pub fn check_revocation_before_signing(
    fetcher: &RevocationFetcher,
    certificate: &CertificateInfo,
    chain: &[Vec<u8>],
    allow_unknown: bool,
    now: OffsetDateTime,
) -> Result<RevocationClearance, RevocationRefusal> {
    let name = certificate
        .common_name
        .clone()
        .unwrap_or_else(|| certificate.subject.clone());
    let fetched = match find_issuer(fetcher, certificate, chain) {
        Ok(issuer) => fetcher.fetch(certificate, &issuer, now),
        Err(why) => FetchOutcome::unknown(vec![Finding::warning(None, why)]),
    };
    match fetched.status {
        RevocationStatus::Revoked { time, reason } => Err(RevocationRefusal::Revoked {
            certificate: name,
            time,
            reason,
        }),
        RevocationStatus::Good => Ok(RevocationClearance {
            fetched,
            warning: None,
        }),
        RevocationStatus::Unknown => {
            let why: Vec<Message> = fetched
                .findings
                .iter()
                .filter(|f| f.severity != Severity::Info)
                .map(|f| f.message.clone())
                .collect();
            if !allow_unknown {
                return Err(RevocationRefusal::Unknown {
                    certificate: name,
                    why,
                });
            }
            let (because_vi, because_en) = because(&why);
            let warning = Message::new(
                "revocation-unknown-allowed",
                format!(
                    "Chưa xác định được chứng thư số «{name}» có bị thu hồi hay không{because_vi}; vẫn ký theo lựa chọn --allow-unknown-revocation"
                ),
                format!(
                    "Whether the certificate “{name}” is revoked could not be established{because_en}; signing anyway as --allow-unknown-revocation asks"
                ),
            );
            Ok(RevocationClearance {
                fetched,
                warning: Some(warning),
            })
        }
    }
}

/// The fetcher signing uses: online with the per-user cache, or the cache alone when the person
/// works offline (`kyso sign --offline`; online revocation turned off in the app's settings).
pub fn revocation_fetcher(online: bool) -> RevocationFetcher {
    let cache = DiskCache::default_dir();
    if online {
        RevocationFetcher::new(HttpClient::default(), cache)
    } else {
        RevocationFetcher::cache_only(cache)
    }
}

/// The certificate that will sign, as the token shows it before login.
#[derive(Debug, Clone)]
pub struct CertificateBeforeLogin {
    /// The signer's certificate (DER).
    pub der: Vec<u8>,
    /// The other certificates on the token (DER): the issuers, found among them by name.
    pub chain: Vec<Vec<u8>>,
}

/// The certificate `wanted` (label or hex id; `None`: the only one with a key) when the token
/// already shows it before login, so the gate can run before the PIN is asked; `None` when that
/// is only known after login (keys may be hidden until then), or the choice is ambiguous.
pub fn certificate_before_login(
    session: &TokenSession,
    wanted: Option<&str>,
) -> Option<CertificateBeforeLogin> {
    let certificates = session.certificates().ok()?;
    let chosen: Vec<_> = certificates
        .iter()
        .filter(|c| c.private_key != KeyPresence::Absent || wanted.is_some())
        .filter(|c| wanted.is_none_or(|w| c.is_named(w)))
        .collect();
    let [one] = chosen.as_slice() else {
        return None;
    };
    one.certificate.as_ref()?;
    Some(CertificateBeforeLogin {
        der: one.der.clone(),
        chain: certificates
            .iter()
            .filter(|c| c.der != one.der)
            .map(|c| c.der.clone())
            .collect(),
    })
}

/// The issuer of `certificate` among `chain` (by name), else from its caIssuers URLs.
fn find_issuer(
    fetcher: &RevocationFetcher,
    certificate: &CertificateInfo,
    chain: &[Vec<u8>],
) -> Result<CertificateInfo, Message> {
    let by_name = |der: &Vec<u8>| {
        CertificateInfo::from_der(der)
            .ok()
            .filter(|c| c.subject == certificate.issuer)
    };
    if let Some(issuer) = chain.iter().find_map(by_name) {
        return Ok(issuer);
    }
    let fetched = fetcher.fetch_issuer(certificate).map_err(|e| e.message())?;
    fetched.iter().find_map(by_name).ok_or_else(|| {
        Message::new(
            "revocation-issuer-missing",
            "Không có chứng thư của CA cấp chứng thư ký",
            "The certificate of the signer's issuing CA is not available",
        )
    })
}
