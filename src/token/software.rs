//! A signing key held in a file (PKCS#12, or PKCS#8 PEM with a certificate chain in PEM),
//! behind the same [`DocumentSigner`] trait as a token: for the demo mode and for tests that
//! are not about tokens. A file key has none of a token's protection; real signatures for
//! public offices come from tokens.

use std::path::Path;

use der::Decode;
use pkcs8::{DecodePrivateKey, PrivateKeyInfoRef};
use rsa::rand_core::UnwrapErr;
use rsa::{Pss, RsaPrivateKey};
use sha2::{Sha256, Sha384, Sha512};
use signature::hazmat::PrehashSigner;
use zeroize::Zeroizing;

use super::chain::issuer_chain;
use super::error::TokenError;
use super::pfx::{MAX_PFX_LEN, read_pfx};
use super::pin::Pin;
use super::public_key::{PublicKey, pkcs1v15_padding};
use super::scheme::{SignerOptions, max_signature_len};
use super::{DocumentSigner, HashAlgorithm, SignatureScheme};
use crate::pki::CertificateInfo;

/// A private key in memory. The key types zeroize themselves when dropped.
enum SoftwareKey {
    Rsa(Box<RsaPrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

impl SoftwareKey {
    fn from_pkcs8_der(der: &[u8]) -> Result<SoftwareKey, TokenError> {
        let info = PrivateKeyInfoRef::from_der(der).map_err(|e| TokenError::SoftwareKeyFormat {
            reason: format!("private key is not PKCS#8 ({e})"),
        })?;
        let unsupported = |e: pkcs8::Error| TokenError::UnsupportedKey { key: e.to_string() };
        let algorithm = info.algorithm.oid;
        if algorithm == const_oid::db::rfc5912::RSA_ENCRYPTION {
            return RsaPrivateKey::from_pkcs8_der(der)
                .map(|k| SoftwareKey::Rsa(Box::new(k)))
                .map_err(unsupported);
        }
        if algorithm == const_oid::db::rfc5912::ID_EC_PUBLIC_KEY {
            let curve = info
                .algorithm
                .parameters
                .and_then(|p| p.decode_as::<const_oid::ObjectIdentifier>().ok());
            return match curve {
                Some(const_oid::db::rfc5912::SECP_256_R_1) => {
                    p256::ecdsa::SigningKey::from_pkcs8_der(der)
                        .map(SoftwareKey::P256)
                        .map_err(unsupported)
                }
                Some(const_oid::db::rfc5912::SECP_384_R_1) => {
                    p384::ecdsa::SigningKey::from_pkcs8_der(der)
                        .map(SoftwareKey::P384)
                        .map_err(unsupported)
                }
                other => Err(TokenError::UnsupportedKey {
                    key: format!(
                        "EC {}",
                        other.map_or_else(|| "curve".to_owned(), |c| c.to_string())
                    ),
                }),
            };
        }
        Err(TokenError::UnsupportedKey {
            key: algorithm.to_string(),
        })
    }

    fn public_key(&self) -> PublicKey {
        match self {
            SoftwareKey::Rsa(key) => PublicKey::Rsa(key.to_public_key()),
            SoftwareKey::P256(key) => PublicKey::P256(*key.verifying_key()),
            SoftwareKey::P384(key) => PublicKey::P384(*key.verifying_key()),
        }
    }
}

/// A [`DocumentSigner`] over a key file.
pub struct SoftwareSigner {
    key: SoftwareKey,
    public_key: PublicKey,
    certificate: Vec<u8>,
    chain: Vec<Vec<u8>>,
    scheme: SignatureScheme,
    max_signature_len: usize,
}

impl std::fmt::Debug for SoftwareSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SoftwareSigner")
            .field("scheme", &self.scheme)
            .finish_non_exhaustive()
    }
}

fn read_file(path: &Path, limit: usize) -> Result<Zeroizing<Vec<u8>>, TokenError> {
    let unreadable = |reason: String| TokenError::SoftwareKeyUnreadable {
        path: path.to_owned(),
        reason,
    };
    let len = std::fs::metadata(path)
        .map_err(|e| unreadable(e.to_string()))?
        .len();
    if len > limit as u64 {
        return Err(unreadable(format!("file too large ({len} bytes)")));
    }
    std::fs::read(path)
        .map(Zeroizing::new)
        .map_err(|e| unreadable(e.to_string()))
}

impl SoftwareSigner {
    /// Opens a PKCS#12 file (`.p12`, `.pfx`) with its password.
    pub fn from_pkcs12_file(
        path: &Path,
        password: &Pin,
        options: SignerOptions,
    ) -> Result<Self, TokenError> {
        let bytes = read_file(path, MAX_PFX_LEN)?;
        Self::from_pkcs12(&bytes, password, options)
    }

    /// Reads a PKCS#12 file's bytes: exactly one private key, its certificate, and any issuer
    /// certificates.
    pub fn from_pkcs12(
        bytes: &[u8],
        password: &Pin,
        options: SignerOptions,
    ) -> Result<Self, TokenError> {
        let contents = read_pfx(bytes, password)?;
        let key = match contents.keys.as_slice() {
            [key] => key,
            [] => {
                return Err(TokenError::SoftwareKeyFormat {
                    reason: "PKCS#12 file without a private key".to_owned(),
                });
            }
            _ => {
                return Err(TokenError::SoftwareKeyFormat {
                    reason: "PKCS#12 file with several private keys".to_owned(),
                });
            }
        };
        Self::assemble(key, contents.certificates, options)
    }

    /// Opens a PKCS#8 private key in PEM (`PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY` with
    /// `password`) and a PEM file with the certificate and, optionally, its issuers.
    pub fn from_pem_files(
        key: &Path,
        certificates: &Path,
        password: Option<&Pin>,
        options: SignerOptions,
    ) -> Result<Self, TokenError> {
        const PEM_LIMIT: usize = 1024 * 1024;
        let key_text = read_file(key, PEM_LIMIT)?;
        let certificate_text = read_file(certificates, PEM_LIMIT)?;
        let text = |bytes: &[u8], path: &Path| {
            std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| {
                TokenError::SoftwareKeyFormat {
                    reason: format!("{} is not PEM text", path.display()),
                }
            })
        };
        let key_text = Zeroizing::new(text(&key_text, key)?);
        Self::from_pem(
            &key_text,
            &text(&certificate_text, certificates)?,
            password,
            options,
        )
    }

    /// Reads a PKCS#8 private key and a certificate chain, both PEM text.
    pub fn from_pem(
        key_pem: &str,
        certificates_pem: &str,
        password: Option<&Pin>,
        options: SignerOptions,
    ) -> Result<Self, TokenError> {
        let format = |reason: String| TokenError::SoftwareKeyFormat { reason };
        let (label, der) = der::pem::decode_vec(key_pem.trim().as_bytes())
            .map_err(|e| format(format!("private key PEM: {e}")))?;
        let der = Zeroizing::new(der);
        let key = match label {
            "PRIVATE KEY" => der,
            "ENCRYPTED PRIVATE KEY" => {
                let password = password.ok_or(TokenError::SoftwareKeyPassword)?;
                decrypt_pkcs8(&der, password)?
            }
            other => {
                return Err(format(format!(
                    "\"{other}\" keys are not read; convert with `openssl pkcs8 -topk8` to PKCS#8"
                )));
            }
        };
        let certificates = pem_certificates(certificates_pem)?;
        Self::assemble(&key, certificates, options)
    }

    /// Pairs the key with the certificate that holds its public key; the rest become the chain.
    fn assemble(
        key_der: &[u8],
        certificates: Vec<Vec<u8>>,
        options: SignerOptions,
    ) -> Result<Self, TokenError> {
        let key = SoftwareKey::from_pkcs8_der(key_der)?;
        let public_key = key.public_key();
        let wanted = public_key.to_spki_der()?;
        let infos: Vec<CertificateInfo> = certificates
            .iter()
            .map(|der| {
                CertificateInfo::from_der(der).map_err(|e| TokenError::CertificateUnreadable {
                    certificate: "software key".to_owned(),
                    reason: e.to_string(),
                })
            })
            .collect::<Result<_, _>>()?;
        let mut leaf = None;
        for info in &infos {
            let spki = info
                .public_key_spki()
                .map_err(|e| TokenError::SoftwareKeyFormat {
                    reason: e.to_string(),
                })?;
            let same = PublicKey::from_spki_der(&spki)
                .and_then(|k| k.to_spki_der())
                .is_ok_and(|d| d == wanted);
            if same {
                leaf = Some(info);
                break;
            }
        }
        let Some(leaf) = leaf else {
            return Err(if infos.is_empty() {
                TokenError::SoftwareKeyFormat {
                    reason: "no certificate next to the key".to_owned(),
                }
            } else {
                TokenError::KeyCertificateMismatch
            });
        };
        let scheme = options.scheme_for(&leaf.key)?;
        Ok(SoftwareSigner {
            max_signature_len: max_signature_len(&leaf.key),
            chain: issuer_chain(leaf, infos.iter()),
            certificate: leaf.der.clone(),
            public_key,
            key,
            scheme,
        })
    }
}

/// Decrypts an `EncryptedPrivateKeyInfo` (RFC 5958 §3) with PBES2.
fn decrypt_pkcs8(der: &[u8], password: &Pin) -> Result<Zeroizing<Vec<u8>>, TokenError> {
    #[derive(der::Sequence)]
    struct EncryptedPrivateKeyInfo {
        algorithm: spki::AlgorithmIdentifierOwned,
        encrypted_data: der::asn1::OctetString,
    }
    let format = |e: &dyn std::fmt::Display| TokenError::SoftwareKeyFormat {
        reason: format!("encrypted key: {e}"),
    };
    let info = EncryptedPrivateKeyInfo::from_der(der).map_err(|e| format(&e))?;
    let scheme = pkcs5::EncryptionScheme::try_from(
        der::Encode::to_der(&info.algorithm)
            .map_err(|e| format(&e))?
            .as_slice(),
    )
    .map_err(|e| format(&e))?;
    match scheme.pbes2().map(|p| &p.kdf) {
        Some(pkcs5::pbes2::Kdf::Pbkdf2(params)) if params.iteration_count <= 10_000_000 => {}
        _ => return Err(format(&"only PBES2 with PBKDF2 is read")),
    }
    scheme
        .decrypt(password.expose(), info.encrypted_data.as_bytes())
        .map(Zeroizing::new)
        .map_err(|_| TokenError::SoftwareKeyPassword)
}

/// Every `CERTIFICATE` block of a PEM text, as DER (kept byte for byte, never re-encoded).
fn pem_certificates(text: &str) -> Result<Vec<Vec<u8>>, TokenError> {
    const END: &str = "-----END CERTIFICATE-----";
    let mut certificates = Vec::new();
    let mut rest = text;
    while let Some(end) = rest.find(END) {
        let block = &rest[..end + END.len()];
        let start = block.find("-----BEGIN").unwrap_or(0);
        let (label, der) = der::pem::decode_vec(&block.as_bytes()[start..]).map_err(|e| {
            TokenError::SoftwareKeyFormat {
                reason: format!("certificate PEM: {e}"),
            }
        })?;
        if label == "CERTIFICATE" {
            certificates.push(der);
        }
        rest = &rest[end + END.len()..];
        if certificates.len() > 16 {
            return Err(TokenError::SoftwareKeyFormat {
                reason: "too many certificates".to_owned(),
            });
        }
    }
    Ok(certificates)
}

impl DocumentSigner for SoftwareSigner {
    fn certificate_der(&self) -> &[u8] {
        &self.certificate
    }

    fn chain_der(&self) -> &[Vec<u8>] {
        &self.chain
    }

    fn scheme(&self) -> SignatureScheme {
        self.scheme
    }

    fn max_signature_len(&self) -> usize {
        self.max_signature_len
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, TokenError> {
        let digest = self.scheme.hash().digest(message);
        let failed = |e: &dyn std::fmt::Display| TokenError::Device {
            function: "software key".to_owned(),
            ckr: e.to_string(),
        };
        // The operating system's generator: PSS salts, and RSA blinding against timing leaks.
        let mut rng = UnwrapErr(getrandom::SysRng);
        let signature = match (&self.key, self.scheme) {
            (SoftwareKey::Rsa(key), SignatureScheme::RsaPkcs1v15(hash)) => key
                .sign_with_rng(&mut rng, pkcs1v15_padding(hash), &digest)
                .map_err(|e| failed(&e))?,
            (SoftwareKey::Rsa(key), SignatureScheme::RsaPss(hash)) => {
                let salt = hash.output_len();
                match hash {
                    HashAlgorithm::Sha256 => {
                        key.sign_with_rng(&mut rng, Pss::<Sha256>::new_with_salt(salt), &digest)
                    }
                    HashAlgorithm::Sha384 => {
                        key.sign_with_rng(&mut rng, Pss::<Sha384>::new_with_salt(salt), &digest)
                    }
                    HashAlgorithm::Sha512 => {
                        key.sign_with_rng(&mut rng, Pss::<Sha512>::new_with_salt(salt), &digest)
                    }
                }
                .map_err(|e| failed(&e))?
            }
            (SoftwareKey::P256(key), SignatureScheme::Ecdsa(_)) => {
                let signature: p256::ecdsa::DerSignature =
                    key.sign_prehash(&digest).map_err(|e| failed(&e))?;
                signature.as_bytes().to_vec()
            }
            (SoftwareKey::P384(key), SignatureScheme::Ecdsa(_)) => {
                let signature: p384::ecdsa::DerSignature =
                    key.sign_prehash(&digest).map_err(|e| failed(&e))?;
                signature.as_bytes().to_vec()
            }
            (_, scheme) => {
                return Err(TokenError::MechanismNotSupported {
                    scheme: super::public_key::scheme_name(scheme),
                });
            }
        };
        self.public_key.verify(self.scheme, &digest, &signature)?;
        Ok(signature)
    }
}
