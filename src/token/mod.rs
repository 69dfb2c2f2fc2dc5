//! Keys that sign: PKCS#11 tokens through `cryptoki`, and a software key behind the same trait.
//!
//! The signing workflow only sees [`DocumentSigner`]: it never knows whether the key sits on a
//! USB token or in a PKCS#12 file, which keeps the demo mode and the token path one code path.

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
            SignatureScheme::RsaPkcs1v15(h) | SignatureScheme::RsaPss(h) | SignatureScheme::Ecdsa(h) => h,
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

mod error;
pub use error::TokenError;
