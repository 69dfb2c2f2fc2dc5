//! PAdES CMS signatures (ETSI EN 319 142-1 baseline B-B, SubFilter `ETSI.CAdES.detached`):
//! building a detached SignedData over a document digest with a [`DocumentSigner`], and
//! checking one.
//!
//! - [`algorithm`]: algorithm identifiers for our signature schemes, and back.
//! - [`build_signed_data`] and [`estimate_signed_data_len`]: the SignedData, and its size
//!   before the token is asked.
//! - [`ess`]: the ESS signing-certificate-v2 attribute (RFC 5035), which `cms` lacks.
//! - [`check_signed_data`]: the strict self-check after signing, on top of [`ParsedSignedData`]
//!   and [`signature`]; it refuses at the first problem what a validator would only report.
//! - [`inspect`]: a SignedData made by anyone, read for validation ([`ParsedSignedData`]):
//!   BER, unsorted attributes, SHA-1 and SHA-3 ([`digest`]), RSA, PSS, ECDSA and Ed25519
//!   ([`signature`]), embedded revocation data; each check reports on its own.
//! - [`tst`]: RFC 3161 time-stamp tokens (TSTInfo, read leniently).
//!
//! [`DocumentSigner`]: crate::token::DocumentSigner

pub mod algorithm;
mod build;
pub mod digest;
mod error;
pub mod ess;
pub mod inspect;
mod raw;
pub mod signature;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
pub mod tst;
mod verify;

pub use build::{CmsOptions, UnsignedAttributesHook, build_signed_data, estimate_signed_data_len};
pub use digest::{DigestAlgorithm, Hasher};
pub use error::{AttributeSourceError, CmsError};
pub use inspect::{
    BindingCheck, MAX_CMS_LEN, ParsedSignedData, SignatureCheckError, SignedAttributes, SingleValue,
};
pub use signature::{SignatureAlgorithm, VerifyFailure};
pub use tst::TstInfo;
pub use verify::{SignerSummary, SigningCertificateBinding, UnsignedAttribute, check_signed_data};
