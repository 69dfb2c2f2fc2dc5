//! The certificate's public key: what kind it is, and checking a signature with it.
//!
//! Every signature a token or a key file makes is checked here before it leaves the token
//! layer. A token whose certificate and key do not belong together (re-issued certificate,
//! wrong `CKA_ID`, vendor tool mistakes) must produce an error, never a signature that every
//! verifier will reject after the document has been sent.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912;
use der::{Decode, Encode, asn1::ObjectIdentifier as Oid};
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::{Sha256, Sha384, Sha512};
use spki::{DecodePublicKey, SubjectPublicKeyInfoOwned};

use super::{HashAlgorithm, SignatureScheme, TokenError};
use crate::cms::signature::{self, SignedMessage, VerifyFailure};
use crate::pki::{EcCurve, PublicKeyKind};

/// Names the key's algorithm (and curve) for an "unsupported key" message.
fn describe_algorithm(spki: &SubjectPublicKeyInfoOwned) -> String {
    let name = |oid: &ObjectIdentifier| {
        const_oid::db::DB
            .by_oid(oid)
            .map_or_else(|| oid.to_string(), str::to_owned)
    };
    let algorithm = &spki.algorithm;
    match algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<Oid>().ok())
    {
        Some(curve) if algorithm.oid == rfc5912::ID_EC_PUBLIC_KEY => format!("EC {}", name(&curve)),
        _ => name(&algorithm.oid),
    }
}

/// A public key this program can verify with.
#[derive(Debug, Clone)]
pub(crate) enum PublicKey {
    Rsa(RsaPublicKey),
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// Parses the DER of a `SubjectPublicKeyInfo`.
    pub(crate) fn from_spki_der(der: &[u8]) -> Result<PublicKey, TokenError> {
        let spki =
            SubjectPublicKeyInfoOwned::from_der(der).map_err(|e| TokenError::UnsupportedKey {
                key: format!("unreadable public key ({e})"),
            })?;
        PublicKey::from_spki(&spki)
    }

    /// Parses a certificate's `SubjectPublicKeyInfo`.
    pub(crate) fn from_spki(spki: &SubjectPublicKeyInfoOwned) -> Result<PublicKey, TokenError> {
        let unsupported = || TokenError::UnsupportedKey {
            key: describe_algorithm(spki),
        };
        let der = spki.to_der().map_err(|_| unsupported())?;
        let algorithm = spki.algorithm.oid;
        if algorithm == rfc5912::RSA_ENCRYPTION {
            return RsaPublicKey::from_public_key_der(&der)
                .map(PublicKey::Rsa)
                .map_err(|e| TokenError::UnsupportedKey {
                    key: format!("RSA ({e})"),
                });
        }
        if algorithm == rfc5912::ID_EC_PUBLIC_KEY {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<Oid>().ok());
            return match curve {
                Some(rfc5912::SECP_256_R_1) => p256::ecdsa::VerifyingKey::from_public_key_der(&der)
                    .map(PublicKey::P256)
                    .map_err(|_| unsupported()),
                Some(rfc5912::SECP_384_R_1) => p384::ecdsa::VerifyingKey::from_public_key_der(&der)
                    .map(PublicKey::P384)
                    .map_err(|_| unsupported()),
                _ => Err(unsupported()),
            };
        }
        // Ed25519/Ed448, P-521, DSA and RSASSA-PSS-only keys: not used by Vietnamese CAs'
        // signing certificates today.
        Err(unsupported())
    }

    /// The key re-encoded as `SubjectPublicKeyInfo` DER, so two encodings of one key (an EC
    /// point compressed or not, RSA parameters) compare equal.
    pub(crate) fn to_spki_der(&self) -> Result<Vec<u8>, TokenError> {
        use spki::EncodePublicKey;
        let der = match self {
            PublicKey::Rsa(key) => key.to_public_key_der(),
            PublicKey::P256(key) => key.to_public_key_der(),
            PublicKey::P384(key) => key.to_public_key_der(),
        };
        der.map(|d| d.as_bytes().to_vec())
            .map_err(|e| TokenError::UnsupportedKey {
                key: format!("public key ({e})"),
            })
    }

    pub(crate) fn kind(&self) -> PublicKeyKind {
        match self {
            PublicKey::Rsa(key) => PublicKeyKind::Rsa {
                bits: key.n().bits() as usize,
            },
            PublicKey::P256(_) => PublicKeyKind::Ec {
                curve: EcCurve::P256,
            },
            PublicKey::P384(_) => PublicKeyKind::Ec {
                curve: EcCurve::P384,
            },
        }
    }

    /// Checks `signature` (as CMS carries it: PKCS#1 octets, or DER `Ecdsa-Sig-Value`) over the
    /// hash `digest` of the message, with the verifier that later checks the whole CMS. Any
    /// failure of the value itself means the key that signed is not this one.
    pub(crate) fn verify(
        &self,
        scheme: SignatureScheme,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<(), TokenError> {
        let spki = SubjectPublicKeyInfoOwned::from_der(&self.to_spki_der()?).map_err(|e| {
            TokenError::UnsupportedKey {
                key: format!("public key ({e})"),
            }
        })?;
        signature::verify_strict(
            scheme.into(),
            &spki,
            SignedMessage::Digest(digest),
            signature,
        )
        .map_err(|failure| match failure {
            VerifyFailure::Invalid => TokenError::KeyCertificateMismatch,
            VerifyFailure::KeyMismatch { .. } | VerifyFailure::Unsupported(_) => {
                TokenError::MechanismNotSupported {
                    scheme: format!("{} with {}", scheme_name(scheme), self.kind()),
                }
            }
            VerifyFailure::BadKey(reason) => TokenError::UnsupportedKey { key: reason },
        })
    }
}

/// PKCS#1 v1.5 padding for `hash`; its `prefix` is the DER `DigestInfo` header (RFC 8017
/// §9.2 note 1) that `CKM_RSA_PKCS` needs in front of the hash.
pub(crate) fn pkcs1v15_padding(hash: HashAlgorithm) -> Pkcs1v15Sign {
    match hash {
        HashAlgorithm::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
        HashAlgorithm::Sha384 => Pkcs1v15Sign::new::<Sha384>(),
        HashAlgorithm::Sha512 => Pkcs1v15Sign::new::<Sha512>(),
    }
}

/// `RSA PKCS#1 v1.5 SHA-256`, …: how a scheme is named in messages.
pub(crate) fn scheme_name(scheme: SignatureScheme) -> String {
    let hash = scheme.hash().name();
    match scheme {
        SignatureScheme::RsaPkcs1v15(_) => format!("RSA PKCS#1 v1.5 {hash}"),
        SignatureScheme::RsaPss(_) => format!("RSASSA-PSS {hash}"),
        SignatureScheme::Ecdsa(_) => format!("ECDSA {hash}"),
    }
}

impl HashAlgorithm {
    /// `SHA-256`, `SHA-384`, `SHA-512`.
    pub fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Sha256 => "SHA-256",
            HashAlgorithm::Sha384 => "SHA-384",
            HashAlgorithm::Sha512 => "SHA-512",
        }
    }

    /// Length of the hash in bytes.
    pub fn output_len(self) -> usize {
        match self {
            HashAlgorithm::Sha256 => 32,
            HashAlgorithm::Sha384 => 48,
            HashAlgorithm::Sha512 => 64,
        }
    }

    /// Hashes `message`.
    pub fn digest(self, message: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        match self {
            HashAlgorithm::Sha256 => Sha256::digest(message).to_vec(),
            HashAlgorithm::Sha384 => Sha384::digest(message).to_vec(),
            HashAlgorithm::Sha512 => Sha512::digest(message).to_vec(),
        }
    }
}
