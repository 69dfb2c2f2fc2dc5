//! Time-stamps from a time-stamp authority (TSA), RFC 3161 over HTTP (§3.4).
//!
//! - [`request`]: the TimeStampReq (SHA-256 imprint, random nonce, certReq).
//! - [`response`]: the TimeStampResp status and the token's bytes.
//! - [`client`]: [`TsaClient`], which asks once and checks the answer (status, imprint, nonce,
//!   token signature, the TSA's key purpose and path) before handing out a [`TimeStampToken`].
//!
//! Used for the signature time-stamp of PAdES B-T (`sign::timestamp`) and for document
//! time-stamps (`sign::doc_timestamp`, PAdES B-LTA).

pub mod client;
mod error;
pub mod request;
pub mod response;

pub use client::{MAX_RESPONSE_LEN, TimeStampToken, TsaClient, TsaTrust};
pub use error::TsaError;
pub use request::{RandomError, TimeStampRequest};
pub use response::{TimeStampResponse, TsaStatus};

/// The time-stamp service of the Vietnamese Government CA (VGCA, Ban Cơ yếu Chính phủ), an
/// RFC 3161 service over HTTP: the TSA used when none is named. Tests always name a local one.
pub const DEFAULT_TSA_URL: &str = "http://tsa.ca.gov.vn";

/// Room reserved in a signature's `/Contents` for one time-stamp token, in bytes. Real tokens
/// are 3–7 KiB (an RSA-4096 TSA with a three-certificate chain is about 7 KiB); a token that
/// does not fit fails the signing cleanly, with no output.
pub const TOKEN_RESERVE: usize = 12 * 1024;
