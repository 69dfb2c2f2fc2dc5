//! Which signature scheme a key signs with: chosen from the certificate's key and the caller's
//! settings, the same way for tokens and key files.

use super::{HashAlgorithm, SignatureScheme, TokenError};
use crate::pki::{EcCurve, PublicKeyKind};

/// The RSA signature encoding.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum RsaPadding {
    /// RSASSA-PKCS1-v1_5: the default, read by every verifier in the field.
    #[default]
    Pkcs1v15,
    /// RSASSA-PSS (MGF1 with the same hash, salt as long as the hash).
    Pss,
}

/// Settings that shape the signature; the defaults suit every Vietnamese CA certificate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SignerOptions {
    /// RSA encoding; ignored for EC keys.
    pub rsa_padding: RsaPadding,
    /// Hash to sign with. Default: SHA-256 for RSA and P-256, SHA-384 for P-384 (the hash
    /// that matches the curve's strength, RFC 5480 §4).
    pub hash: Option<HashAlgorithm>,
}

impl SignerOptions {
    /// The scheme for a key of type `key`.
    pub fn scheme_for(&self, key: &PublicKeyKind) -> Result<SignatureScheme, TokenError> {
        match key {
            PublicKeyKind::Rsa { .. } => {
                let hash = self.hash.unwrap_or(HashAlgorithm::Sha256);
                Ok(match self.rsa_padding {
                    RsaPadding::Pkcs1v15 => SignatureScheme::RsaPkcs1v15(hash),
                    RsaPadding::Pss => SignatureScheme::RsaPss(hash),
                })
            }
            PublicKeyKind::Ec {
                curve: EcCurve::P256,
            } => Ok(SignatureScheme::Ecdsa(
                self.hash.unwrap_or(HashAlgorithm::Sha256),
            )),
            PublicKeyKind::Ec {
                curve: EcCurve::P384,
            } => Ok(SignatureScheme::Ecdsa(
                self.hash.unwrap_or(HashAlgorithm::Sha384),
            )),
            other => Err(TokenError::UnsupportedKey {
                key: other.to_string(),
            }),
        }
    }
}

/// The longest signature value a key of type `key` can produce, as CMS carries it.
pub(crate) fn max_signature_len(key: &PublicKeyKind) -> usize {
    match key {
        PublicKeyKind::Rsa { bits } => bits.div_ceil(8),
        // DER `SEQUENCE { INTEGER r, INTEGER s }`: each integer may need a leading zero byte.
        // P-256: 2 + 2 × (2 + 33) = 72. P-384: 2 + 2 × (2 + 49) = 104.
        PublicKeyKind::Ec {
            curve: EcCurve::P256,
        } => 72,
        PublicKeyKind::Ec {
            curve: EcCurve::P384,
        } => 104,
        // Keys no scheme is chosen for never reach a signer.
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_key() {
        let options = SignerOptions::default();
        let rsa = PublicKeyKind::Rsa { bits: 2048 };
        let p256 = PublicKeyKind::Ec {
            curve: EcCurve::P256,
        };
        let p384 = PublicKeyKind::Ec {
            curve: EcCurve::P384,
        };
        assert_eq!(
            options.scheme_for(&rsa).unwrap(),
            SignatureScheme::RsaPkcs1v15(HashAlgorithm::Sha256)
        );
        assert_eq!(
            options.scheme_for(&p384).unwrap(),
            SignatureScheme::Ecdsa(HashAlgorithm::Sha384)
        );
        let pss = SignerOptions {
            rsa_padding: RsaPadding::Pss,
            hash: Some(HashAlgorithm::Sha512),
        };
        assert_eq!(
            pss.scheme_for(&rsa).unwrap(),
            SignatureScheme::RsaPss(HashAlgorithm::Sha512)
        );
        let ed = PublicKeyKind::Ed25519;
        assert!(matches!(
            options.scheme_for(&ed),
            Err(TokenError::UnsupportedKey { .. })
        ));
        assert_eq!(max_signature_len(&PublicKeyKind::Rsa { bits: 3072 }), 384);
        assert_eq!(max_signature_len(&p256), 72);
    }
}
