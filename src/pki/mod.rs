//! Certificates and the public-key infrastructure around them.
//!
//! - [`certificate`]: a summary of one X.509 certificate, keeping its original DER.
//! - [`gate`]: the checks on the signer's certificate before the token is asked to sign.
//! - [`keygen`], [`issue`], [`demo`]: software keys, a small CA, and the demo PKI that
//!   `kyso demo` and the tests generate at run time.
//! - [`tsp`]: the RFC 3161 time-stamp client.

pub mod aia;
pub mod certificate;
pub mod demo;
pub mod gate;
pub mod issue;
pub mod keygen;
pub mod path;
pub mod revocation;
pub mod trust;
pub mod tsp;

pub use certificate::{CertificateError, CertificateInfo, EcCurve, KeyUsageFlags, PublicKeyKind};
pub use gate::{GateRefusal, check_before_signing};
