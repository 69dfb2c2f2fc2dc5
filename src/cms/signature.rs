//! Signature algorithms as a validator meets them, and verifying a signature value with a
//! certificate's public key.
//!
//! Reading covers more than signing: RSASSA-PKCS1-v1_5 and RSASSA-PSS (RFC 8017) with SHA-1,
//! SHA-2 or SHA-3; ECDSA (RFC 5758, RFC 9688 for SHA-3) on P-256, P-384 and P-521; Ed25519
//! (RFC 8419). Ed448, DSA and brainpool curves are recognised and named, but not verified:
//! the caller reports them as unsupported rather than as broken.

use std::fmt;

use const_oid::ObjectIdentifier;
use der::Any;
use serde::Serialize;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use super::algorithm::VerificationScheme;
use super::digest::DigestAlgorithm;

const fn oid(dotted: &str) -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap(dotted)
}

// RFC 8017 Appendix A.2.4 and NIST CSOR (SHA-3).
const RSA_ENCRYPTION: ObjectIdentifier = oid("1.2.840.113549.1.1.1");
const ID_RSASSA_PSS: ObjectIdentifier = oid("1.2.840.113549.1.1.10");
const ID_MGF1: ObjectIdentifier = oid("1.2.840.113549.1.1.8");
const SHA1_WITH_RSA: ObjectIdentifier = oid("1.2.840.113549.1.1.5");
const SHA224_WITH_RSA: ObjectIdentifier = oid("1.2.840.113549.1.1.14");
const SHA256_WITH_RSA: ObjectIdentifier = oid("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = oid("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = oid("1.2.840.113549.1.1.13");
const RSA_WITH_SHA3_224: ObjectIdentifier = oid("2.16.840.1.101.3.4.3.13");
const RSA_WITH_SHA3_256: ObjectIdentifier = oid("2.16.840.1.101.3.4.3.14");
const RSA_WITH_SHA3_384: ObjectIdentifier = oid("2.16.840.1.101.3.4.3.15");
const RSA_WITH_SHA3_512: ObjectIdentifier = oid("2.16.840.1.101.3.4.3.16");
// RFC 5480, RFC 5758 §3.2, RFC 9688.
const ID_EC_PUBLIC_KEY: ObjectIdentifier = oid("1.2.840.10045.2.1");
const ECDSA_WITH_SHA1: ObjectIdentifier = oid("1.2.840.10045.4.1");
const ECDSA_WITH_SHA224: ObjectIdentifier = oid("1.2.840.10045.4.3.1");
const ECDSA_WITH_SHA256: ObjectIdentifier = oid("1.2.840.10045.4.3.2");
const ECDSA_WITH_SHA384: ObjectIdentifier = oid("1.2.840.10045.4.3.3");
const ECDSA_WITH_SHA512: ObjectIdentifier = oid("1.2.840.10045.4.3.4");
const ECDSA_WITH_SHA3_224: ObjectIdentifier = oid("2.16.840.1.101.3.4.3.9");
const ECDSA_WITH_SHA3_256: ObjectIdentifier = oid("2.16.840.1.101.3.4.3.10");
const ECDSA_WITH_SHA3_384: ObjectIdentifier = oid("2.16.840.1.101.3.4.3.11");
const ECDSA_WITH_SHA3_512: ObjectIdentifier = oid("2.16.840.1.101.3.4.3.12");
const SECP256R1: ObjectIdentifier = oid("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = oid("1.3.132.0.34");
const SECP521R1: ObjectIdentifier = oid("1.3.132.0.35");
// RFC 8410.
const ID_ED25519: ObjectIdentifier = oid("1.3.101.112");
const ID_ED448: ObjectIdentifier = oid("1.3.101.113");
// RFC 3279 §2.2.2, RFC 5758 §3.1.
const ID_DSA: ObjectIdentifier = oid("1.2.840.10040.4.1");
const DSA_WITH_SHA1: ObjectIdentifier = oid("1.2.840.10040.4.3");
const DSA_WITH_SHA224: ObjectIdentifier = oid("2.16.840.1.101.3.4.3.1");
const DSA_WITH_SHA256: ObjectIdentifier = oid("2.16.840.1.101.3.4.3.2");

/// What a SignerInfo's `signatureAlgorithm` says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5. `hash` is `None` for a bare `rsaEncryption`, which many signers
    /// write: the hash is then the SignerInfo's digestAlgorithm.
    RsaPkcs1v15 { hash: Option<DigestAlgorithm> },
    /// RSASSA-PSS with its parameters (RFC 4055 §3.1; absent fields take the SHA-1 defaults).
    RsaPss {
        hash: Option<DigestAlgorithm>,
        /// The MGF1 hash; `None` when the mask generation function is not MGF1 or names an
        /// unknown hash.
        mgf_hash: Option<DigestAlgorithm>,
        salt_len: usize,
    },
    /// ECDSA; `hash` is `None` for a bare `id-ecPublicKey`.
    Ecdsa { hash: Option<DigestAlgorithm> },
    /// PureEdDSA over Ed25519 (RFC 8419): the signature covers the signed attributes directly.
    Ed25519,
    /// PureEdDSA over Ed448 (recognised, not verified).
    Ed448,
    /// DSA (recognised, not verified).
    Dsa { hash: Option<DigestAlgorithm> },
    /// Anything else, by dotted OID.
    Unknown { oid: String },
}

impl SignatureAlgorithm {
    /// Reads an AlgorithmIdentifier. Malformed RSASSA-PSS parameters give `Err` with a reason.
    pub fn from_identifier(algorithm: &AlgorithmIdentifierOwned) -> Result<Self, String> {
        use DigestAlgorithm as D;
        let rsa = |hash| Ok(SignatureAlgorithm::RsaPkcs1v15 { hash: Some(hash) });
        let ecdsa = |hash| Ok(SignatureAlgorithm::Ecdsa { hash: Some(hash) });
        match algorithm.oid {
            RSA_ENCRYPTION => Ok(SignatureAlgorithm::RsaPkcs1v15 { hash: None }),
            SHA1_WITH_RSA => rsa(D::Sha1),
            SHA224_WITH_RSA => rsa(D::Sha224),
            SHA256_WITH_RSA => rsa(D::Sha256),
            SHA384_WITH_RSA => rsa(D::Sha384),
            SHA512_WITH_RSA => rsa(D::Sha512),
            RSA_WITH_SHA3_224 => rsa(D::Sha3_224),
            RSA_WITH_SHA3_256 => rsa(D::Sha3_256),
            RSA_WITH_SHA3_384 => rsa(D::Sha3_384),
            RSA_WITH_SHA3_512 => rsa(D::Sha3_512),
            ID_RSASSA_PSS => pss_parameters(algorithm.parameters.as_ref()),
            ID_EC_PUBLIC_KEY => Ok(SignatureAlgorithm::Ecdsa { hash: None }),
            ECDSA_WITH_SHA1 => ecdsa(D::Sha1),
            ECDSA_WITH_SHA224 => ecdsa(D::Sha224),
            ECDSA_WITH_SHA256 => ecdsa(D::Sha256),
            ECDSA_WITH_SHA384 => ecdsa(D::Sha384),
            ECDSA_WITH_SHA512 => ecdsa(D::Sha512),
            ECDSA_WITH_SHA3_224 => ecdsa(D::Sha3_224),
            ECDSA_WITH_SHA3_256 => ecdsa(D::Sha3_256),
            ECDSA_WITH_SHA3_384 => ecdsa(D::Sha3_384),
            ECDSA_WITH_SHA3_512 => ecdsa(D::Sha3_512),
            ID_ED25519 => Ok(SignatureAlgorithm::Ed25519),
            ID_ED448 => Ok(SignatureAlgorithm::Ed448),
            ID_DSA => Ok(SignatureAlgorithm::Dsa { hash: None }),
            DSA_WITH_SHA1 => Ok(SignatureAlgorithm::Dsa {
                hash: Some(D::Sha1),
            }),
            DSA_WITH_SHA224 => Ok(SignatureAlgorithm::Dsa {
                hash: Some(D::Sha224),
            }),
            DSA_WITH_SHA256 => Ok(SignatureAlgorithm::Dsa {
                hash: Some(D::Sha256),
            }),
            other => Ok(SignatureAlgorithm::Unknown {
                oid: other.to_string(),
            }),
        }
    }

    /// The hash the algorithm itself names, if it names one (Ed25519 is fixed to SHA-512
    /// internally and names none here).
    pub fn named_hash(&self) -> Option<DigestAlgorithm> {
        match self {
            SignatureAlgorithm::RsaPkcs1v15 { hash }
            | SignatureAlgorithm::RsaPss { hash, .. }
            | SignatureAlgorithm::Ecdsa { hash }
            | SignatureAlgorithm::Dsa { hash } => *hash,
            _ => None,
        }
    }

    /// Whether this crate verifies signatures of this algorithm at all.
    pub fn is_supported(&self) -> bool {
        match self {
            SignatureAlgorithm::RsaPkcs1v15 { .. }
            | SignatureAlgorithm::Ecdsa { .. }
            | SignatureAlgorithm::Ed25519 => true,
            SignatureAlgorithm::RsaPss { hash, mgf_hash, .. } => hash.is_some() && hash == mgf_hash,
            _ => false,
        }
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let with =
            |f: &mut fmt::Formatter<'_>, name: &str, hash: &Option<DigestAlgorithm>| match hash {
                Some(hash) => write!(f, "{name} {hash}"),
                None => f.write_str(name),
            };
        match self {
            SignatureAlgorithm::RsaPkcs1v15 { hash } => with(f, "RSA PKCS#1 v1.5", hash),
            SignatureAlgorithm::RsaPss { hash, .. } => with(f, "RSASSA-PSS", hash),
            SignatureAlgorithm::Ecdsa { hash } => with(f, "ECDSA", hash),
            SignatureAlgorithm::Ed25519 => f.write_str("Ed25519"),
            SignatureAlgorithm::Ed448 => f.write_str("Ed448"),
            SignatureAlgorithm::Dsa { hash } => with(f, "DSA", hash),
            SignatureAlgorithm::Unknown { oid } => write!(f, "{oid}"),
        }
    }
}

/// RSASSA-PSS-params (RFC 4055 §3.1):
///
/// ```text
/// RSASSA-PSS-params  ::=  SEQUENCE  {
///     hashAlgorithm      [0] HashAlgorithm DEFAULT sha1Identifier,
///     maskGenAlgorithm   [1] MaskGenAlgorithm DEFAULT mgf1SHA1Identifier,
///     saltLength         [2] INTEGER DEFAULT 20,
///     trailerField       [3] INTEGER DEFAULT 1  }
/// ```
fn pss_parameters(parameters: Option<&Any>) -> Result<SignatureAlgorithm, String> {
    let Some(parameters) = parameters else {
        return Err("RSASSA-PSS parameters absent".to_owned());
    };
    let params = parameters
        .decode_as::<rsa::pkcs1::RsaPssParams<Any>>()
        .map_err(|e| format!("RSASSA-PSS-params: {e}"))?;
    if params.trailer_field != rsa::pkcs1::TrailerField::BC {
        return Err("RSASSA-PSS trailer field is not 1".to_owned());
    }
    let mgf_hash = if params.mask_gen.oid == ID_MGF1 {
        params
            .mask_gen
            .parameters
            .as_ref()
            .and_then(|p| DigestAlgorithm::from_oid(&p.oid))
    } else {
        None
    };
    Ok(SignatureAlgorithm::RsaPss {
        hash: DigestAlgorithm::from_oid(&params.hash.oid),
        mgf_hash,
        salt_len: usize::from(params.salt_len),
    })
}

/// The public key of a certificate, as far as this crate verifies with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum KeyKind {
    Rsa,
    EcP256,
    EcP384,
    EcP521,
    Ed25519,
    /// Any other key (Ed448, DSA, brainpool and other curves), named.
    Other {
        name: String,
    },
}

/// Which of the key kinds an SPKI holds.
pub fn key_kind(spki: &SubjectPublicKeyInfoOwned) -> KeyKind {
    match spki.algorithm.oid {
        RSA_ENCRYPTION | ID_RSASSA_PSS => KeyKind::Rsa,
        ID_EC_PUBLIC_KEY => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
            match curve {
                Some(SECP256R1) => KeyKind::EcP256,
                Some(SECP384R1) => KeyKind::EcP384,
                Some(SECP521R1) => KeyKind::EcP521,
                Some(other) => KeyKind::Other {
                    name: format!("EC {}", curve_name(&other)),
                },
                None => KeyKind::Other {
                    name: "EC (curve not named)".to_owned(),
                },
            }
        }
        ID_ED25519 => KeyKind::Ed25519,
        ID_ED448 => KeyKind::Other {
            name: "Ed448".to_owned(),
        },
        ID_DSA => KeyKind::Other {
            name: "DSA".to_owned(),
        },
        other => KeyKind::Other {
            name: other.to_string(),
        },
    }
}

fn curve_name(curve: &ObjectIdentifier) -> String {
    match curve.to_string().as_str() {
        "1.3.36.3.3.2.8.1.1.7" => "brainpoolP256r1".to_owned(),
        "1.3.36.3.3.2.8.1.1.11" => "brainpoolP384r1".to_owned(),
        "1.3.36.3.3.2.8.1.1.13" => "brainpoolP512r1".to_owned(),
        other => other.to_owned(),
    }
}

/// What is signed: the message itself (signed attributes), or only its hash (a signature
/// directly over the document digest, which is never held whole).
#[derive(Debug, Clone, Copy)]
pub enum SignedMessage<'a> {
    /// The whole message.
    Bytes(&'a [u8]),
    /// The message's hash, made with the verifying hash.
    Digest(&'a [u8]),
}

/// Why a signature value was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyFailure {
    /// The value does not verify with the key: a forgery or a change.
    Invalid,
    /// The key does not fit the algorithm (an RSA algorithm with an EC key, …).
    KeyMismatch { key: String, algorithm: String },
    /// The key cannot be read.
    BadKey(String),
    /// This crate does not verify this algorithm or key (Ed448, DSA, brainpool, PSS with a
    /// different MGF1 hash, Ed25519 without the message).
    Unsupported(String),
}

/// Verifies `signature` over `message` with the key in `spki`, `hash` being the hash the
/// signature is made with (the algorithm's own, or the SignerInfo's digestAlgorithm when the
/// algorithm names none).
pub fn verify(
    algorithm: &SignatureAlgorithm,
    hash: DigestAlgorithm,
    spki: &SubjectPublicKeyInfoOwned,
    message: SignedMessage<'_>,
    signature: &[u8],
) -> Result<(), VerifyFailure> {
    verify_with(
        DigestInfoParameters::NullOrAbsent,
        algorithm,
        hash,
        spki,
        message,
        signature,
    )
}

/// Verifies a signature made in one of the schemes Kyso signs with, as the strictest verifier
/// the document may meet would: an RSASSA-PKCS1-v1_5 DigestInfo must have the NULL parameters
/// RFC 8017 §9.2 writes, the only form verifiers such as ring or Go's `crypto/rsa` accept.
/// This is for our own signatures (the token layer's check of each value, the self-check after
/// signing), which must not pass here and then fail elsewhere; [`verify`] is for others'.
pub(crate) fn verify_strict(
    scheme: VerificationScheme,
    spki: &SubjectPublicKeyInfoOwned,
    message: SignedMessage<'_>,
    signature: &[u8],
) -> Result<(), VerifyFailure> {
    verify_with(
        DigestInfoParameters::NullOnly,
        &scheme.signature_algorithm(),
        scheme.hash().into(),
        spki,
        message,
        signature,
    )
}

/// Which encodings of the hash's AlgorithmIdentifier in an RSASSA-PKCS1-v1_5 DigestInfo are
/// accepted (RFC 8017 §9.2 note 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DigestInfoParameters {
    NullOnly,
    NullOrAbsent,
}

fn verify_with(
    parameters: DigestInfoParameters,
    algorithm: &SignatureAlgorithm,
    hash: DigestAlgorithm,
    spki: &SubjectPublicKeyInfoOwned,
    message: SignedMessage<'_>,
    signature: &[u8],
) -> Result<(), VerifyFailure> {
    use signature::hazmat::PrehashVerifier;

    let key = key_kind(spki);
    let mismatch = || VerifyFailure::KeyMismatch {
        key: format!("{key:?}"),
        algorithm: algorithm.to_string(),
    };
    let key_bits = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| VerifyFailure::BadKey("subjectPublicKey has unused bits".to_owned()))?;
    let prehash = || match message {
        SignedMessage::Bytes(bytes) => hash.digest(bytes),
        SignedMessage::Digest(digest) => digest.to_vec(),
    };
    match algorithm {
        SignatureAlgorithm::RsaPkcs1v15 { .. } => {
            if key != KeyKind::Rsa {
                return Err(mismatch());
            }
            let public = rsa_key(key_bits)?;
            let hashed = prehash();
            // The DigestInfo is built here rather than by `Pkcs1v15Sign::new::<D>()`, so that
            // every hash above is covered with one code path; RFC 8017 §9.2 note 1 lets the
            // parameters be NULL or absent, and signers in the field write both.
            let forms: &[bool] = match parameters {
                DigestInfoParameters::NullOnly => &[true],
                DigestInfoParameters::NullOrAbsent => &[true, false],
            };
            forms
                .iter()
                .copied()
                .find_map(|with_null| {
                    let info = digest_info(hash, &hashed, with_null);
                    public
                        .verify(rsa::Pkcs1v15Sign::new_unprefixed(), &info, signature)
                        .ok()
                })
                .ok_or(VerifyFailure::Invalid)
        }
        SignatureAlgorithm::RsaPss {
            mgf_hash, salt_len, ..
        } => {
            if key != KeyKind::Rsa {
                return Err(mismatch());
            }
            if *mgf_hash != Some(hash) {
                return Err(VerifyFailure::Unsupported(format!(
                    "RSASSA-PSS with MGF1 {} and hash {hash}",
                    mgf_hash.map_or("(unknown)", |h| h.name())
                )));
            }
            let public = rsa_key(key_bits)?;
            let hashed = prehash();
            let salt = *salt_len;
            match hash {
                DigestAlgorithm::Sha1 => public.verify(
                    rsa::Pss::<sha1::Sha1>::new_with_salt(salt),
                    &hashed,
                    signature,
                ),
                DigestAlgorithm::Sha224 => public.verify(
                    rsa::Pss::<sha2::Sha224>::new_with_salt(salt),
                    &hashed,
                    signature,
                ),
                DigestAlgorithm::Sha256 => public.verify(
                    rsa::Pss::<sha2::Sha256>::new_with_salt(salt),
                    &hashed,
                    signature,
                ),
                DigestAlgorithm::Sha384 => public.verify(
                    rsa::Pss::<sha2::Sha384>::new_with_salt(salt),
                    &hashed,
                    signature,
                ),
                DigestAlgorithm::Sha512 => public.verify(
                    rsa::Pss::<sha2::Sha512>::new_with_salt(salt),
                    &hashed,
                    signature,
                ),
                DigestAlgorithm::Sha3_224 => public.verify(
                    rsa::Pss::<sha3::Sha3_224>::new_with_salt(salt),
                    &hashed,
                    signature,
                ),
                DigestAlgorithm::Sha3_256 => public.verify(
                    rsa::Pss::<sha3::Sha3_256>::new_with_salt(salt),
                    &hashed,
                    signature,
                ),
                DigestAlgorithm::Sha3_384 => public.verify(
                    rsa::Pss::<sha3::Sha3_384>::new_with_salt(salt),
                    &hashed,
                    signature,
                ),
                DigestAlgorithm::Sha3_512 => public.verify(
                    rsa::Pss::<sha3::Sha3_512>::new_with_salt(salt),
                    &hashed,
                    signature,
                ),
            }
            .map_err(invalid)
        }
        SignatureAlgorithm::Ecdsa { .. } => {
            let hashed = prehash();
            let bad_key = |e: &dyn fmt::Display| VerifyFailure::BadKey(e.to_string());
            match key {
                KeyKind::EcP256 => {
                    let public = p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bits)
                        .map_err(|e| bad_key(&e))?;
                    let signature =
                        p256::ecdsa::DerSignature::from_bytes(signature).map_err(invalid)?;
                    public.verify_prehash(&hashed, &signature).map_err(invalid)
                }
                KeyKind::EcP384 => {
                    let public = p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bits)
                        .map_err(|e| bad_key(&e))?;
                    let signature =
                        p384::ecdsa::DerSignature::from_bytes(signature).map_err(invalid)?;
                    public.verify_prehash(&hashed, &signature).map_err(invalid)
                }
                KeyKind::EcP521 => {
                    let public = p521::ecdsa::VerifyingKey::from_sec1_bytes(key_bits)
                        .map_err(|e| bad_key(&e))?;
                    let signature =
                        p521::ecdsa::DerSignature::from_bytes(signature).map_err(invalid)?;
                    public.verify_prehash(&hashed, &signature).map_err(invalid)
                }
                KeyKind::Other { name } if name.starts_with("EC ") => Err(
                    VerifyFailure::Unsupported(format!("ECDSA on the curve {}", &name[3..])),
                ),
                _ => Err(mismatch()),
            }
        }
        SignatureAlgorithm::Ed25519 => {
            if key != KeyKind::Ed25519 {
                return Err(mismatch());
            }
            let SignedMessage::Bytes(message) = message else {
                return Err(VerifyFailure::Unsupported(
                    "Ed25519 without signed attributes".to_owned(),
                ));
            };
            let key_bytes: &[u8; 32] = key_bits
                .try_into()
                .map_err(|_| VerifyFailure::BadKey("Ed25519 key is not 32 bytes".to_owned()))?;
            let public = ed25519_dalek::VerifyingKey::from_bytes(key_bytes)
                .map_err(|e| VerifyFailure::BadKey(e.to_string()))?;
            let signature = ed25519_dalek::Signature::from_slice(signature).map_err(invalid)?;
            public.verify_strict(message, &signature).map_err(invalid)
        }
        SignatureAlgorithm::Ed448 | SignatureAlgorithm::Dsa { .. } => {
            Err(VerifyFailure::Unsupported(algorithm.to_string()))
        }
        SignatureAlgorithm::Unknown { oid } => Err(VerifyFailure::Unsupported(oid.clone())),
    }
}

fn invalid<E>(_: E) -> VerifyFailure {
    VerifyFailure::Invalid
}

/// `DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING }`
/// (RFC 8017 §9.2), with NULL or absent parameters.
pub(crate) fn digest_info(hash: DigestAlgorithm, digest: &[u8], with_null: bool) -> Vec<u8> {
    use der::Encode;
    let algorithm = AlgorithmIdentifierOwned {
        oid: hash.oid(),
        parameters: with_null.then(Any::null),
    };
    // Lengths here are tiny (an OID and at most 64 bytes), so these encodings cannot fail.
    let mut algorithm_der = algorithm.to_der().unwrap_or_default();
    let mut out = Vec::with_capacity(algorithm_der.len() + digest.len() + 8);
    let mut body = Vec::with_capacity(algorithm_der.len() + digest.len() + 4);
    body.append(&mut algorithm_der);
    body.push(0x04);
    body.push(digest.len() as u8);
    body.extend_from_slice(digest);
    out.push(0x30);
    out.push(body.len() as u8);
    out.extend(body);
    out
}

/// The RSA public key from the subjectPublicKey bits (RSAPublicKey, RFC 8017 A.1.1).
fn rsa_key(bits: &[u8]) -> Result<rsa::RsaPublicKey, VerifyFailure> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    rsa::RsaPublicKey::from_pkcs1_der(bits).map_err(|e| VerifyFailure::BadKey(e.to_string()))
}

/// The RSA modulus length in bits, for the weakness check.
pub fn rsa_modulus_bits(spki: &SubjectPublicKeyInfoOwned) -> Option<usize> {
    use rsa::traits::PublicKeyParts;
    let bits = spki.subject_public_key.as_bytes()?;
    rsa_key(bits).ok().map(|k| k.n().bits() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Encode;

    #[test]
    fn digest_info_matches_rfc_8017_prefixes() {
        // RFC 8017 §9.2 note 1: the DER prefix of DigestInfo for SHA-256.
        let info = digest_info(DigestAlgorithm::Sha256, &[0; 32], true);
        assert_eq!(
            hex::encode(&info[..19]),
            "3031300d060960864801650304020105000420"
        );
        let sha1 = digest_info(DigestAlgorithm::Sha1, &[0; 20], true);
        assert_eq!(hex::encode(&sha1[..15]), "3021300906052b0e03021a05000414");
    }

    /// A signature directly over a document digest (`adbe.pkcs7.detached` without signed
    /// attributes), with SHA-1 and SHA-256, NULL or absent DigestInfo parameters; a changed
    /// digest or a wrong key fails.
    #[test]
    fn rsa_signature_over_a_digest_without_signed_attributes() {
        use der::Decode;
        use pkcs8::DecodePrivateKey;
        let key =
            crate::pki::keygen::GeneratedKey::generate(crate::pki::keygen::KeyAlgorithm::Rsa(2048))
                .unwrap();
        let private = rsa::RsaPrivateKey::from_pkcs8_der(key.pkcs8_der()).unwrap();
        let spki = SubjectPublicKeyInfoOwned::from_der(key.spki_der()).unwrap();
        let algorithm = SignatureAlgorithm::RsaPkcs1v15 { hash: None };
        for (hash, with_null) in [
            (DigestAlgorithm::Sha1, true),
            (DigestAlgorithm::Sha256, false),
            (DigestAlgorithm::Sha3_256, true),
        ] {
            let digest = hash.digest(b"the covered bytes of a PDF");
            let info = digest_info(hash, &digest, with_null);
            let value = private
                .sign(rsa::Pkcs1v15Sign::new_unprefixed(), &info)
                .unwrap();
            verify(
                &algorithm,
                hash,
                &spki,
                SignedMessage::Digest(&digest),
                &value,
            )
            .unwrap_or_else(|e| panic!("{hash}: {e:?}"));
            let other = hash.digest(b"other bytes");
            assert_eq!(
                verify(
                    &algorithm,
                    hash,
                    &spki,
                    SignedMessage::Digest(&other),
                    &value
                ),
                Err(VerifyFailure::Invalid)
            );
        }
        // An ECDSA algorithm with this RSA key is a mismatch, not a verification.
        assert!(matches!(
            verify(
                &SignatureAlgorithm::Ecdsa { hash: None },
                DigestAlgorithm::Sha256,
                &spki,
                SignedMessage::Bytes(b"x"),
                &[0; 64]
            ),
            Err(VerifyFailure::KeyMismatch { .. })
        ));
        assert_eq!(rsa_modulus_bits(&spki), Some(2048));
    }

    /// Our own signatures must have the DigestInfo that every verifier accepts: the strict
    /// check refuses absent parameters, which validation of others' signatures allows.
    #[test]
    fn strict_verification_wants_null_digest_info_parameters() {
        use crate::token::HashAlgorithm;
        use der::Decode;
        use pkcs8::DecodePrivateKey;
        let key =
            crate::pki::keygen::GeneratedKey::generate(crate::pki::keygen::KeyAlgorithm::Rsa(2048))
                .unwrap();
        let private = rsa::RsaPrivateKey::from_pkcs8_der(key.pkcs8_der()).unwrap();
        let spki = SubjectPublicKeyInfoOwned::from_der(key.spki_der()).unwrap();
        let scheme = VerificationScheme::Pkcs1v15(HashAlgorithm::Sha256);
        let digest = DigestAlgorithm::Sha256.digest(b"signed attributes");
        let sign = |with_null| {
            let info = digest_info(DigestAlgorithm::Sha256, &digest, with_null);
            private
                .sign(rsa::Pkcs1v15Sign::new_unprefixed(), &info)
                .unwrap()
        };
        let message = SignedMessage::Digest(&digest);
        assert_eq!(verify_strict(scheme, &spki, message, &sign(true)), Ok(()));
        assert_eq!(
            verify_strict(scheme, &spki, message, &sign(false)),
            Err(VerifyFailure::Invalid)
        );
        let lenient = scheme.signature_algorithm();
        let hash = DigestAlgorithm::Sha256;
        assert_eq!(verify(&lenient, hash, &spki, message, &sign(false)), Ok(()));
    }

    #[test]
    fn identifiers_are_read_with_their_hash() {
        let read = |dotted: &str, null: bool| {
            SignatureAlgorithm::from_identifier(&AlgorithmIdentifierOwned {
                oid: ObjectIdentifier::new_unwrap(dotted),
                parameters: null.then(Any::null),
            })
            .unwrap()
        };
        assert_eq!(
            read("1.2.840.113549.1.1.5", true),
            SignatureAlgorithm::RsaPkcs1v15 {
                hash: Some(DigestAlgorithm::Sha1)
            }
        );
        assert_eq!(
            read("2.16.840.1.101.3.4.3.14", false).named_hash(),
            Some(DigestAlgorithm::Sha3_256)
        );
        assert_eq!(read("1.3.101.112", false), SignatureAlgorithm::Ed25519);
        assert!(!read("1.3.101.113", false).is_supported());
        assert!(matches!(
            read("1.2.3.4", false),
            SignatureAlgorithm::Unknown { .. }
        ));
        // PSS with SHA-256 and MGF1-SHA-256, salt 32.
        let pss = rsa::pss::get_default_pss_signature_algo_id::<sha2::Sha256>().unwrap();
        let read = SignatureAlgorithm::from_identifier(&pss).unwrap();
        assert_eq!(
            read,
            SignatureAlgorithm::RsaPss {
                hash: Some(DigestAlgorithm::Sha256),
                mgf_hash: Some(DigestAlgorithm::Sha256),
                salt_len: 32
            }
        );
        assert!(read.is_supported());
        assert!(pss.to_der().is_ok());
    }
}
