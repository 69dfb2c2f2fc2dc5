//! The RFC 3161 client: one HTTP POST per time-stamp, and every check of the answer before the
//! token is used.
//!
//! Checked, in order: the HTTP exchange (bounded by [`crate::net`] and
//! [`MAX_RESPONSE_LEN`]); PKIStatus granted or grantedWithMods; a token present; the token's
//! messageImprint equal to the one sent (same algorithm, same hash) and its nonce equal to the
//! one sent; the token's own signature, signed attributes and ESS binding, by the validator's
//! check ([`crate::verify::timestamp::check_token_against_imprint`] — one verifier for tokens
//! made and tokens found); the TSA certificate's extKeyUsage id-kp-timeStamping (RFC 3161
//! §2.3); finally, when a trust store is given, the TSA's certification path at genTime.
//!
//! A wrong answer is an error; an untrusted TSA is a fact on the token
//! ([`TsaTrust::Untrusted`]) which the caller decides on, since an office may use a TSA whose
//! root it has not installed yet, and the validator will say so later anyway.

use const_oid::ObjectIdentifier;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::error::TsaError;
use super::request::TimeStampRequest;
use super::response::TimeStampResponse;
use crate::message::{Explain, Message};
use crate::net::HttpClient;
use crate::pki::CertificateInfo;
use crate::pki::path::{PathStatus, Purpose, build_and_validate};
use crate::pki::trust::TrustStore;
use crate::verify::finding::Severity;
use crate::verify::report::Integrity;
use crate::verify::timestamp::{TimestampKind, TsaKeyPurpose, check_token_against_imprint};

/// Largest TimeStampResp read. A token with an RSA-4096 TSA and a three-certificate chain is
/// about 7 KiB; anything near this limit is not a time-stamp.
pub const MAX_RESPONSE_LEN: u64 = 64 * 1024;

/// The media types of RFC 3161 §3.4.
const QUERY_TYPE: &str = "application/timestamp-query";

/// Whether the TSA's certificate chains to a trusted anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TsaTrust {
    /// A valid path to an anchor of the store given, at genTime, for time-stamping.
    Trusted,
    /// No trust store was given to the client.
    NotChecked,
    /// No valid path: why, in words.
    Untrusted(Vec<Message>),
}

/// A time-stamp token that passed every check of the client.
#[derive(Debug, Clone)]
pub struct TimeStampToken {
    /// The TimeStampToken (a ContentInfo with a SignedData over a TSTInfo), DER, as received.
    pub der: Vec<u8>,
    /// genTime: the time the TSA vouches for.
    pub gen_time: OffsetDateTime,
    /// The TSA's certificate.
    pub tsa: CertificateInfo,
    /// The TSA's policy under which the token was issued.
    pub policy: ObjectIdentifier,
    /// The token's serial number, upper-case hex.
    pub serial_hex: String,
    /// Whether the TSA is trusted.
    pub trust: TsaTrust,
    /// Things worth saying that do not make the token unusable (e.g. a timeStamping purpose
    /// that is not critical).
    pub warnings: Vec<Message>,
}

impl TimeStampToken {
    /// The token, or [`TsaError::Untrusted`] when a trust check was made and failed.
    pub fn require_trusted(self) -> Result<Self, TsaError> {
        match &self.trust {
            TsaTrust::Untrusted(reasons) => Err(TsaError::Untrusted {
                subject: self.tsa.subject.clone(),
                reasons: reasons.clone(),
            }),
            TsaTrust::Trusted | TsaTrust::NotChecked => Ok(self),
        }
    }
}

/// A client of one time-stamp authority.
#[derive(Debug, Clone)]
pub struct TsaClient {
    url: String,
    http: HttpClient,
    trust: Option<TrustStore>,
    policy: Option<ObjectIdentifier>,
}

impl TsaClient {
    /// A client of the TSA at `url` (http or https). With `trust`, each token's TSA
    /// certificate path is validated against it ([`TimeStampToken::trust`]).
    pub fn new(url: impl Into<String>, http: HttpClient, trust: Option<TrustStore>) -> Self {
        TsaClient {
            url: url.into(),
            http,
            trust,
            policy: None,
        }
    }

    /// Asks for tokens under this TSA policy (`reqPolicy`).
    pub fn with_policy(mut self, policy: ObjectIdentifier) -> Self {
        self.policy = Some(policy);
        self
    }

    /// The TSA's address.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A time-stamp over `data` (for a signature time-stamp: the SignerInfo's signature value),
    /// with a SHA-256 imprint. Exactly one request goes to the TSA.
    pub fn timestamp(&self, data: &[u8]) -> Result<TimeStampToken, TsaError> {
        self.timestamp_sha256(Sha256::digest(data).into(), TimestampKind::Signature)
    }

    /// A time-stamp over data whose SHA-256 is `digest` (for a document time-stamp: the hash of
    /// the ByteRange). Exactly one request goes to the TSA.
    pub fn timestamp_digest(&self, digest: [u8; 32]) -> Result<TimeStampToken, TsaError> {
        self.timestamp_sha256(digest, TimestampKind::Document)
    }

    fn timestamp_sha256(
        &self,
        digest: [u8; 32],
        kind: TimestampKind,
    ) -> Result<TimeStampToken, TsaError> {
        let request = TimeStampRequest::sha256(digest, self.policy)?;
        let body = request
            .to_der()
            .map_err(|e| self.bad(format!("request: {e}")))?;
        let response = self
            .http
            .post(&self.url, QUERY_TYPE, &body, MAX_RESPONSE_LEN)
            .map_err(TsaError::Network)?;
        self.check_response(&request, &response.body, kind)
    }

    fn bad(&self, detail: impl Into<String>) -> TsaError {
        TsaError::BadResponse {
            url: self.url.clone(),
            detail: detail.into(),
        }
    }

    /// Every check of the answer to `request` (see the module's documentation).
    fn check_response(
        &self,
        request: &TimeStampRequest,
        body: &[u8],
        kind: TimestampKind,
    ) -> Result<TimeStampToken, TsaError> {
        let url = || self.url.clone();
        let response = TimeStampResponse::from_der(body)
            .map_err(|e| self.bad(format!("not a TimeStampResp: {e}")))?;
        if !response.status.is_granted() {
            return Err(TsaError::Rejected {
                url: url(),
                status: response.status,
            });
        }
        let der = response
            .token
            .ok_or_else(|| self.bad("status granted but no token"))?;

        let facts = check_token_against_imprint(&der, kind, request.algorithm, &request.imprint);
        let Some(info) = &facts.tst_info else {
            return Err(TsaError::TokenInvalid {
                url: url(),
                reasons: failures(&facts.findings),
            });
        };
        // What the token covers comes first: a token over other data is the wrong answer,
        // however well signed.
        if info.imprint_algorithm != Some(request.algorithm)
            || info.hashed_message != request.imprint
        {
            return Err(TsaError::ImprintMismatch { url: url() });
        }
        let nonce = info
            .nonce_hex
            .as_deref()
            .and_then(|h| hex::decode(h).ok())
            .unwrap_or_default();
        if info.nonce_hex.is_none() || !request.nonce_matches(&nonce) {
            return Err(TsaError::NonceMismatch { url: url() });
        }
        if facts.status != Integrity::Intact || facts.signature_ok != Some(true) {
            return Err(TsaError::TokenInvalid {
                url: url(),
                reasons: failures(&facts.findings),
            });
        }
        let tsa = facts
            .tsa
            .clone()
            .ok_or_else(|| self.bad("the token carries no TSA certificate"))?;
        let warnings = match facts.tsa_key_purpose {
            TsaKeyPurpose::TimeStampingCritical => Vec::new(),
            // RFC 3161 §2.3 asks for a critical extension with only this purpose; validators
            // (and `kyso verify`) accept a lax one with a warning, and so does the client.
            TsaKeyPurpose::TimeStampingLax => facts
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .map(|f| f.message.clone())
                .collect(),
            TsaKeyPurpose::Missing | TsaKeyPurpose::Unknown => {
                return Err(TsaError::WrongPurpose {
                    subject: tsa.subject,
                });
            }
        };
        let trust = match &self.trust {
            None => TsaTrust::NotChecked,
            Some(store) => {
                let path = build_and_validate(
                    &tsa.der,
                    &facts.certificates,
                    store,
                    info.gen_time,
                    Purpose::TimeStamping,
                );
                if path.status == PathStatus::Trusted {
                    TsaTrust::Trusted
                } else {
                    TsaTrust::Untrusted(failures(&path.findings))
                }
            }
        };
        Ok(TimeStampToken {
            gen_time: info.gen_time,
            policy: info.policy,
            serial_hex: info.serial_hex.clone(),
            der,
            tsa,
            trust,
            warnings,
        })
    }
}

/// The messages of the findings that fail (warnings and notes are not reasons to refuse); at
/// least one, so that a refusal always says something.
fn failures(findings: &[crate::verify::finding::Finding]) -> Vec<Message> {
    let mut reasons: Vec<Message> = findings
        .iter()
        .filter(|f| f.severity == Severity::Failure)
        .map(|f| f.message.clone())
        .collect();
    if reasons.is_empty() {
        reasons.extend(
            findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .map(|f| f.message.clone()),
        );
    }
    if reasons.is_empty() {
        reasons.push(Message::new(
            "timestamp-unverifiable",
            "không kiểm tra được dấu thời gian",
            "the time-stamp cannot be checked",
        ));
    }
    reasons
}

impl Explain for TsaTrust {
    fn message(&self) -> Message {
        match self {
            TsaTrust::Trusted => Message::new(
                "tsa-trusted",
                "Máy chủ cấp dấu thời gian thuộc chuỗi chứng thực tin cậy",
                "The time-stamp authority chains to a trusted root",
            ),
            TsaTrust::NotChecked => Message::new(
                "tsa-trust-not-checked",
                "Chưa kiểm tra chuỗi chứng thực của máy chủ cấp dấu thời gian",
                "The time-stamp authority's certificate path was not checked",
            ),
            TsaTrust::Untrusted(reasons) => Message::new(
                "tsa-untrusted",
                format!(
                    "Máy chủ cấp dấu thời gian không thuộc chuỗi chứng thực tin cậy: {}",
                    reasons
                        .iter()
                        .map(|m| m.vi.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                format!(
                    "The time-stamp authority does not chain to a trusted root: {}",
                    reasons
                        .iter()
                        .map(|m| m.en.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ),
        }
    }
}
