//! Keys that sign: PKCS#11 tokens through `cryptoki`, and a software key behind the same trait.
//!
//! The signing workflow only sees [`DocumentSigner`]: it never knows whether the key sits on a
//! USB token or in a PKCS#12 file, which keeps the demo mode and the token path one code path.
//!
//! - [`module`]: load a PKCS#11 module by path, or probe the Vietnamese CAs' module names;
//! - [`inventory`]: slots, tokens and their certificates, paired with private keys by `CKA_ID`;
//! - [`pin`]: the [`Pin`] secret and the token's PIN state ([`PinStatus`]);
//! - [`session`]: one session and one login per batch ([`TokenSession`]), giving out
//!   [`Pkcs11Signer`]s; every signature is verified with the certificate before it is returned;
//! - [`SoftwareSigner`]: PKCS#12 and PEM keys behind the same trait;
//! - [`softhsm`]: SoftHSM2 tokens in a folder of their own, for tests and the demo mode.

/// A hash function used by a signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    Sha256,
    Sha384,
    Sha512,
}

/// How the key signs. The hash is always computed on this side (tokens differ in which
/// combined mechanisms they offer; a local hash works with all of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureScheme {
    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2): the default, read by every verifier in the field.
    RsaPkcs1v15(HashAlgorithm),
    /// RSASSA-PSS with MGF1 over the same hash and a salt as long as the hash.
    RsaPss(HashAlgorithm),
    /// ECDSA; the value returned by [`DocumentSigner::sign`] is the DER `Ecdsa-Sig-Value`.
    Ecdsa(HashAlgorithm),
}

impl SignatureScheme {
    pub fn hash(self) -> HashAlgorithm {
        match self {
            SignatureScheme::RsaPkcs1v15(h)
            | SignatureScheme::RsaPss(h)
            | SignatureScheme::Ecdsa(h) => h,
        }
    }
}

/// A key that signs documents, used once per document.
pub trait DocumentSigner {
    /// The signer's certificate, exactly as the token or file holds it (DER).
    fn certificate_der(&self) -> &[u8];
    /// Issuer certificates known to the key holder (DER, nearest issuer first). May be empty.
    fn chain_der(&self) -> &[Vec<u8>];
    /// The scheme this key signs with.
    fn scheme(&self) -> SignatureScheme;
    /// Upper bound of the signature value's length in bytes, to size `/Contents` without
    /// touching the token.
    fn max_signature_len(&self) -> usize;
    /// Signs `message` (the DER of the CMS signed attributes): hashes it with
    /// `scheme().hash()` and returns the signature value as CMS carries it.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, TokenError>;
}

mod chain;
mod error;
pub mod inventory;
pub mod module;
mod pfx;
pub mod pin;
mod pkcs11_signer;
mod public_key;
mod scheme;
pub mod session;
pub mod softhsm;
#[cfg(test)]
mod softhsm_tests;
mod software;
#[cfg(test)]
mod software_tests;

pub use error::TokenError;
pub use inventory::{
    KeyPresence, ModuleInventory, TokenCertificate, TokenDescription, TokenFlags, TokenInventory,
};
pub use module::{Candidate, KnownModule, Module, ModuleInfo};
pub use pin::{Pin, PinState, PinStatus};
pub use pkcs11_signer::Pkcs11Signer;
pub use scheme::{RsaPadding, SignerOptions};
pub use session::TokenSession;
pub use softhsm::SoftHsm;
pub use software::SoftwareSigner;
