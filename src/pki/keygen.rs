//! Software key pairs for the demo PKI and the tests: RSA and NIST P-256/P-384 ECDSA, kept as
//! PKCS#8 (RFC 5958) so that OpenSSL, SoftHSM (`softhsm2-util --import`) and the software signer
//! read them as they are.
//!
//! These keys have no legal value: real signing keys are made on the token and never leave it.

use std::fmt;

use getrandom::SysRng;
use getrandom::rand_core::UnwrapErr;
use p256::elliptic_curve::Generate;
use pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use zeroize::Zeroizing;

use crate::message::{Explain, Message};

/// The kinds of software key the demo PKI makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// RSA with the given modulus length in bits (1024 only for the "too weak" test case).
    Rsa(usize),
    /// ECDSA on NIST P-256.
    EcP256,
    /// ECDSA on NIST P-384.
    EcP384,
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyAlgorithm::Rsa(bits) => write!(f, "RSA {bits}"),
            KeyAlgorithm::EcP256 => f.write_str("ECDSA P-256"),
            KeyAlgorithm::EcP384 => f.write_str("ECDSA P-384"),
        }
    }
}

/// Why a key could not be made or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The operating system's random number generator failed.
    #[error("system random number generator failed: {0}")]
    Random(getrandom::Error),
    /// Key generation failed (e.g. an RSA size the crate refuses).
    #[error("{algorithm} key generation failed: {detail}")]
    Generation {
        algorithm: KeyAlgorithm,
        detail: String,
    },
    /// A PKCS#8 key could not be encoded or decoded.
    #[error("PKCS#8 key encoding failed: {0}")]
    Encoding(String),
    /// The PKCS#8 key is of an algorithm this module does not sign with.
    #[error("unsupported private key algorithm {0}")]
    Unsupported(String),
}

impl Explain for KeyError {
    fn message(&self) -> Message {
        match self {
            KeyError::Random(e) => Message::new(
                "key-random-failed",
                format!("Bộ sinh số ngẫu nhiên của hệ điều hành bị lỗi: {e}"),
                format!("The operating system's random number generator failed: {e}"),
            ),
            KeyError::Generation { algorithm, detail } => Message::new(
                "key-generation-failed",
                format!("Không tạo được khóa {algorithm}: {detail}"),
                format!("Could not generate the {algorithm} key: {detail}"),
            ),
            KeyError::Encoding(detail) => Message::new(
                "key-malformed",
                format!("Khóa PKCS#8 không đúng định dạng: {detail}"),
                format!("The PKCS#8 key is malformed: {detail}"),
            ),
            KeyError::Unsupported(oid) => Message::new(
                "key-unsupported",
                format!("Không hỗ trợ loại khóa {oid}"),
                format!("Unsupported private key algorithm {oid}"),
            ),
        }
    }
}

/// A freshly generated key pair: the private key as PKCS#8 DER (wiped on drop) and the public
/// key as SubjectPublicKeyInfo DER.
pub struct GeneratedKey {
    algorithm: KeyAlgorithm,
    pkcs8_der: Zeroizing<Vec<u8>>,
    spki_der: Vec<u8>,
}

impl fmt::Debug for GeneratedKey {
    /// Never prints the private key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GeneratedKey")
            .field("algorithm", &self.algorithm)
            .field("spki_der", &hex::encode(&self.spki_der))
            .finish_non_exhaustive()
    }
}

impl GeneratedKey {
    /// Generates a key pair with the operating system's RNG.
    pub fn generate(algorithm: KeyAlgorithm) -> Result<Self, KeyError> {
        // The key generators take an infallible RNG, so ask the OS RNG once with error handling
        // first: if it works now, `UnwrapErr` below will not panic (getrandom only fails when the
        // OS source is missing altogether).
        getrandom::fill(&mut [0u8; 1]).map_err(KeyError::Random)?;
        let mut rng = UnwrapErr(SysRng);
        let encoding = |e: &dyn fmt::Display| KeyError::Encoding(e.to_string());
        let (pkcs8, spki) = match algorithm {
            KeyAlgorithm::Rsa(bits) => {
                // The rsa crate refuses moduli under 1024 bits; 1024 is still possible for the
                // weak-key test case.
                let key =
                    rsa::RsaPrivateKey::new(&mut rng, bits).map_err(|e| KeyError::Generation {
                        algorithm,
                        detail: e.to_string(),
                    })?;
                (
                    key.to_pkcs8_der().map_err(|e| encoding(&e))?,
                    key.to_public_key()
                        .to_public_key_der()
                        .map_err(|e| encoding(&e))?,
                )
            }
            KeyAlgorithm::EcP256 => {
                let key = p256::ecdsa::SigningKey::generate_from_rng(&mut rng);
                (
                    key.to_pkcs8_der().map_err(|e| encoding(&e))?,
                    key.verifying_key()
                        .to_public_key_der()
                        .map_err(|e| encoding(&e))?,
                )
            }
            KeyAlgorithm::EcP384 => {
                let key = p384::ecdsa::SigningKey::generate_from_rng(&mut rng);
                (
                    key.to_pkcs8_der().map_err(|e| encoding(&e))?,
                    key.verifying_key()
                        .to_public_key_der()
                        .map_err(|e| encoding(&e))?,
                )
            }
        };
        Ok(GeneratedKey {
            algorithm,
            pkcs8_der: Zeroizing::new(pkcs8.as_bytes().to_vec()),
            spki_der: spki.into_vec(),
        })
    }

    /// The algorithm the key was made for.
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    /// The private key as PKCS#8 `PrivateKeyInfo` DER.
    pub fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8_der
    }

    /// The private key as PEM (`-----BEGIN PRIVATE KEY-----`), wiped on drop.
    pub fn pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        der::pem::encode_string("PRIVATE KEY", LineEnding::LF, &self.pkcs8_der)
            .map(Zeroizing::new)
            .map_err(|e| KeyError::Encoding(e.to_string()))
    }

    /// The public key as SubjectPublicKeyInfo DER.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Decode;
    use pkcs8::DecodePrivateKey;

    #[test]
    fn ec_keys_round_trip_through_pkcs8() {
        for algorithm in [KeyAlgorithm::EcP256, KeyAlgorithm::EcP384] {
            let key = GeneratedKey::generate(algorithm).unwrap();
            let spki = spki::SubjectPublicKeyInfoRef::from_der(key.spki_der()).unwrap();
            assert_eq!(spki.algorithm.oid, const_oid::db::rfc5912::ID_EC_PUBLIC_KEY);
            let pem = key.pkcs8_pem().unwrap();
            assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        }
        let key = GeneratedKey::generate(KeyAlgorithm::EcP256).unwrap();
        let decoded = p256::ecdsa::SigningKey::from_pkcs8_der(key.pkcs8_der()).unwrap();
        let spki = decoded.verifying_key().to_public_key_der().unwrap();
        assert_eq!(spki.as_bytes(), key.spki_der());
    }

    #[test]
    fn rsa_1024_is_possible_for_the_weak_key_case() {
        let key = GeneratedKey::generate(KeyAlgorithm::Rsa(1024)).unwrap();
        let decoded = rsa::RsaPrivateKey::from_pkcs8_der(key.pkcs8_der()).unwrap();
        assert_eq!(rsa::traits::PublicKeyParts::size(&decoded), 128);
        assert!(!format!("{key:?}").contains(&hex::encode(key.pkcs8_der())));
    }
}
