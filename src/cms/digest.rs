//! The digest algorithms a validator meets in signatures made by others: SHA-1 (still common
//! in Vietnamese `adbe.pkcs7.sha1` files, weak), SHA-2 (FIPS 180-4) and SHA-3 (FIPS 202).
//!
//! Signing only ever uses [`HashAlgorithm`] (SHA-256/384/512); reading must know more, so that
//! a SHA-1 or SHA-3 signature is checked and named rather than refused unread.

use std::fmt;

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912;
use serde::Serialize;
use sha2::Digest;

use crate::token::HashAlgorithm;

/// id-sha1 (RFC 3279 §2.2.1, `1.3.14.3.2.26`).
const ID_SHA_1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
/// id-sha3-224 … id-sha3-512 (NIST CSOR, `2.16.840.1.101.3.4.2.7`–`10`).
const ID_SHA3_224: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.7");
const ID_SHA3_256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.8");
const ID_SHA3_384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.9");
const ID_SHA3_512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.10");

/// A hash function a signature may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// SHA-1: broken for collisions; not acceptable for new signatures (TT 15/2025 draft).
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    #[serde(rename = "sha3-224")]
    Sha3_224,
    #[serde(rename = "sha3-256")]
    Sha3_256,
    #[serde(rename = "sha3-384")]
    Sha3_384,
    #[serde(rename = "sha3-512")]
    Sha3_512,
}

impl DigestAlgorithm {
    /// The algorithm an OID names, if known.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        Some(match *oid {
            ID_SHA_1 => DigestAlgorithm::Sha1,
            rfc5912::ID_SHA_224 => DigestAlgorithm::Sha224,
            rfc5912::ID_SHA_256 => DigestAlgorithm::Sha256,
            rfc5912::ID_SHA_384 => DigestAlgorithm::Sha384,
            rfc5912::ID_SHA_512 => DigestAlgorithm::Sha512,
            ID_SHA3_224 => DigestAlgorithm::Sha3_224,
            ID_SHA3_256 => DigestAlgorithm::Sha3_256,
            ID_SHA3_384 => DigestAlgorithm::Sha3_384,
            ID_SHA3_512 => DigestAlgorithm::Sha3_512,
            _ => return None,
        })
    }

    /// The algorithm's OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            DigestAlgorithm::Sha1 => ID_SHA_1,
            DigestAlgorithm::Sha224 => rfc5912::ID_SHA_224,
            DigestAlgorithm::Sha256 => rfc5912::ID_SHA_256,
            DigestAlgorithm::Sha384 => rfc5912::ID_SHA_384,
            DigestAlgorithm::Sha512 => rfc5912::ID_SHA_512,
            DigestAlgorithm::Sha3_224 => ID_SHA3_224,
            DigestAlgorithm::Sha3_256 => ID_SHA3_256,
            DigestAlgorithm::Sha3_384 => ID_SHA3_384,
            DigestAlgorithm::Sha3_512 => ID_SHA3_512,
        }
    }

    /// The name people know: `SHA-256`, `SHA3-256`.
    pub fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha1 => "SHA-1",
            DigestAlgorithm::Sha224 => "SHA-224",
            DigestAlgorithm::Sha256 => "SHA-256",
            DigestAlgorithm::Sha384 => "SHA-384",
            DigestAlgorithm::Sha512 => "SHA-512",
            DigestAlgorithm::Sha3_224 => "SHA3-224",
            DigestAlgorithm::Sha3_256 => "SHA3-256",
            DigestAlgorithm::Sha3_384 => "SHA3-384",
            DigestAlgorithm::Sha3_512 => "SHA3-512",
        }
    }

    /// Output length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            DigestAlgorithm::Sha1 => 20,
            DigestAlgorithm::Sha224 | DigestAlgorithm::Sha3_224 => 28,
            DigestAlgorithm::Sha256 | DigestAlgorithm::Sha3_256 => 32,
            DigestAlgorithm::Sha384 | DigestAlgorithm::Sha3_384 => 48,
            DigestAlgorithm::Sha512 | DigestAlgorithm::Sha3_512 => 64,
        }
    }

    /// Whether the algorithm is too weak for a document signature under Vietnamese rules
    /// (vn-signature-rules.md: "hashes SHA-2 or SHA-3; no SHA-1").
    pub fn is_weak(self) -> bool {
        self == DigestAlgorithm::Sha1
    }

    /// A fresh incremental hasher.
    pub fn hasher(self) -> Hasher {
        match self {
            DigestAlgorithm::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            DigestAlgorithm::Sha224 => Hasher::Sha224(sha2::Sha224::new()),
            DigestAlgorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            DigestAlgorithm::Sha384 => Hasher::Sha384(sha2::Sha384::new()),
            DigestAlgorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
            DigestAlgorithm::Sha3_224 => Hasher::Sha3_224(sha3::Sha3_224::new()),
            DigestAlgorithm::Sha3_256 => Hasher::Sha3_256(sha3::Sha3_256::new()),
            DigestAlgorithm::Sha3_384 => Hasher::Sha3_384(sha3::Sha3_384::new()),
            DigestAlgorithm::Sha3_512 => Hasher::Sha3_512(sha3::Sha3_512::new()),
        }
    }

    /// Hashes `data` in one go.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut hasher = self.hasher();
        hasher.update(data);
        hasher.finalize()
    }
}

impl From<HashAlgorithm> for DigestAlgorithm {
    fn from(hash: HashAlgorithm) -> Self {
        match hash {
            HashAlgorithm::Sha256 => DigestAlgorithm::Sha256,
            HashAlgorithm::Sha384 => DigestAlgorithm::Sha384,
            HashAlgorithm::Sha512 => DigestAlgorithm::Sha512,
        }
    }
}

impl fmt::Display for DigestAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An incremental hash of one [`DigestAlgorithm`], for data that is streamed (the byte ranges
/// of a large PDF are never held in memory at once).
#[derive(Clone)]
pub enum Hasher {
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
    Sha3_224(sha3::Sha3_224),
    Sha3_256(sha3::Sha3_256),
    Sha3_384(sha3::Sha3_384),
    Sha3_512(sha3::Sha3_512),
}

impl fmt::Debug for Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hasher")
    }
}

impl Hasher {
    /// Feeds `data`.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha224(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
            Hasher::Sha3_224(h) => h.update(data),
            Hasher::Sha3_256(h) => h.update(data),
            Hasher::Sha3_384(h) => h.update(data),
            Hasher::Sha3_512(h) => h.update(data),
        }
    }

    /// The digest.
    pub fn finalize(self) -> Vec<u8> {
        match self {
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha224(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
            Hasher::Sha3_224(h) => h.finalize().to_vec(),
            Hasher::Sha3_256(h) => h.finalize().to_vec(),
            Hasher::Sha3_384(h) => h.finalize().to_vec(),
            Hasher::Sha3_512(h) => h.finalize().to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers_and_oids_round_trip() {
        // FIPS 180-4 / FIPS 202 "abc" vectors (first bytes).
        for (algorithm, prefix) in [
            (DigestAlgorithm::Sha1, "a9993e36"),
            (DigestAlgorithm::Sha224, "23097d22"),
            (DigestAlgorithm::Sha256, "ba7816bf"),
            (DigestAlgorithm::Sha384, "cb00753f"),
            (DigestAlgorithm::Sha512, "ddaf35a1"),
            (DigestAlgorithm::Sha3_224, "e642824c"),
            (DigestAlgorithm::Sha3_256, "3a985da7"),
            (DigestAlgorithm::Sha3_384, "ec014982"),
            (DigestAlgorithm::Sha3_512, "b751850b"),
        ] {
            let digest = algorithm.digest(b"abc");
            assert_eq!(digest.len(), algorithm.output_len(), "{algorithm}");
            assert!(hex::encode(&digest).starts_with(prefix), "{algorithm}");
            assert_eq!(DigestAlgorithm::from_oid(&algorithm.oid()), Some(algorithm));
            // Streaming in pieces gives the same digest.
            let mut hasher = algorithm.hasher();
            hasher.update(b"a");
            hasher.update(b"bc");
            assert_eq!(hasher.finalize(), digest);
        }
        assert!(DigestAlgorithm::Sha1.is_weak());
        assert!(!DigestAlgorithm::Sha3_256.is_weak());
    }
}
