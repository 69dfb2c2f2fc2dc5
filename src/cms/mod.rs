//! PAdES CMS signatures (ETSI EN 319 142-1 baseline B-B, SubFilter `ETSI.CAdES.detached`):
//! building a detached SignedData over a document digest with a [`DocumentSigner`], and
//! checking one.
//!
//! - [`algorithm`]: algorithm identifiers for our signature schemes, and back.
//! - [`build_signed_data`] and [`estimate_signed_data_len`]: the SignedData, and its size
//!   before the token is asked.
//! - [`ess`]: the ESS signing-certificate-v2 attribute (RFC 5035), which `cms` lacks.
//! - [`check_signed_data`]: the self-check after signing and the validator's core; it reads
//!   signed attributes and certificates from the original bytes (module `raw`).
//!
//! [`DocumentSigner`]: crate::token::DocumentSigner

pub mod algorithm;
mod build;
mod error;
pub mod ess;
mod raw;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
mod verify;

pub use build::{CmsOptions, UnsignedAttributesHook, build_signed_data, estimate_signed_data_len};
pub use error::{AttributeSourceError, CmsError};
pub use verify::{
    MAX_CMS_LEN, SignerSummary, SigningCertificateBinding, UnsignedAttribute, check_signed_data,
};
