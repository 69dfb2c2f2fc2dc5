//! Algorithm identifiers for CMS signatures (RFC 5754 for SHA-2 and ECDSA, RFC 4055 for
//! RSASSA-PSS, RFC 8017 for PKCS#1 v1.5), in both directions: from our [`SignatureScheme`]
//! to the `AlgorithmIdentifier` we write, and from what a signature carries to what we verify.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912;
use der::Any;
use sha2::{Digest, Sha256, Sha384, Sha512};
use spki::AlgorithmIdentifierOwned;

use super::CmsError;
use super::signature::SignatureAlgorithm;
use crate::token::{HashAlgorithm, SignatureScheme};

/// The OID of a hash function.
pub fn hash_oid(hash: HashAlgorithm) -> ObjectIdentifier {
    match hash {
        HashAlgorithm::Sha256 => rfc5912::ID_SHA_256,
        HashAlgorithm::Sha384 => rfc5912::ID_SHA_384,
        HashAlgorithm::Sha512 => rfc5912::ID_SHA_512,
    }
}

/// The hash function an OID names, if we support it (SHA-1 and MD5 are not supported).
pub fn hash_from_oid(oid: &ObjectIdentifier) -> Option<HashAlgorithm> {
    match *oid {
        rfc5912::ID_SHA_256 => Some(HashAlgorithm::Sha256),
        rfc5912::ID_SHA_384 => Some(HashAlgorithm::Sha384),
        rfc5912::ID_SHA_512 => Some(HashAlgorithm::Sha512),
        _ => None,
    }
}

/// Hashes `data`.
pub fn digest(hash: HashAlgorithm, data: &[u8]) -> Vec<u8> {
    match hash {
        HashAlgorithm::Sha256 => Sha256::digest(data).to_vec(),
        HashAlgorithm::Sha384 => Sha384::digest(data).to_vec(),
        HashAlgorithm::Sha512 => Sha512::digest(data).to_vec(),
    }
}

/// Output length of the hash in bytes.
pub fn digest_len(hash: HashAlgorithm) -> usize {
    match hash {
        HashAlgorithm::Sha256 => 32,
        HashAlgorithm::Sha384 => 48,
        HashAlgorithm::Sha512 => 64,
    }
}

/// The DigestAlgorithmIdentifier we write: parameters absent, as RFC 5754 §2 says
/// implementations SHOULD generate (and MUST accept NULL, which [`hash_from_identifier`] does).
pub fn digest_algorithm(hash: HashAlgorithm) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: hash_oid(hash),
        parameters: None,
    }
}

/// Reads a DigestAlgorithmIdentifier: a supported hash with absent or NULL parameters.
pub fn hash_from_identifier(
    algorithm: &AlgorithmIdentifierOwned,
) -> Result<HashAlgorithm, CmsError> {
    let unsupported = || CmsError::UnsupportedAlgorithm {
        oid: algorithm.oid.to_string(),
    };
    let hash = hash_from_oid(&algorithm.oid).ok_or_else(unsupported)?;
    if !params_absent_or_null(algorithm.parameters.as_ref()) {
        return Err(unsupported());
    }
    Ok(hash)
}

fn params_absent_or_null(parameters: Option<&Any>) -> bool {
    parameters.is_none_or(|p| p.is_null())
}

/// The SignatureAlgorithmIdentifier we write for `scheme`:
/// - `sha256/384/512WithRSAEncryption` with NULL parameters (RFC 4055 §5: NULL is required);
/// - `id-RSASSA-PSS` with RSASSA-PSS-params: the hash, MGF1 over the same hash, a salt as long
///   as the hash, trailer field 1 (RFC 4055 §3.1);
/// - `ecdsa-with-SHA256/384/512` with parameters absent (RFC 5758 §3.2).
pub fn signature_algorithm(scheme: SignatureScheme) -> Result<AlgorithmIdentifierOwned, CmsError> {
    let identifier = match scheme {
        SignatureScheme::RsaPkcs1v15(hash) => AlgorithmIdentifierOwned {
            oid: match hash {
                HashAlgorithm::Sha256 => rfc5912::SHA_256_WITH_RSA_ENCRYPTION,
                HashAlgorithm::Sha384 => rfc5912::SHA_384_WITH_RSA_ENCRYPTION,
                HashAlgorithm::Sha512 => rfc5912::SHA_512_WITH_RSA_ENCRYPTION,
            },
            parameters: Some(Any::null()),
        },
        SignatureScheme::RsaPss(hash) => {
            let encoded = match hash {
                HashAlgorithm::Sha256 => rsa::pss::get_default_pss_signature_algo_id::<Sha256>(),
                HashAlgorithm::Sha384 => rsa::pss::get_default_pss_signature_algo_id::<Sha384>(),
                HashAlgorithm::Sha512 => rsa::pss::get_default_pss_signature_algo_id::<Sha512>(),
            };
            encoded.map_err(|e| CmsError::Encoding(e.to_string()))?
        }
        SignatureScheme::Ecdsa(hash) => AlgorithmIdentifierOwned {
            oid: match hash {
                HashAlgorithm::Sha256 => rfc5912::ECDSA_WITH_SHA_256,
                HashAlgorithm::Sha384 => rfc5912::ECDSA_WITH_SHA_384,
                HashAlgorithm::Sha512 => rfc5912::ECDSA_WITH_SHA_512,
            },
            parameters: None,
        },
    };
    Ok(identifier)
}

/// How a signature found in a CMS is to be verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VerificationScheme {
    /// RSASSA-PKCS1-v1_5 with this hash.
    Pkcs1v15(HashAlgorithm),
    /// RSASSA-PSS: the hash (also MGF1's) and the salt length in bytes.
    Pss {
        hash: HashAlgorithm,
        salt_len: usize,
    },
    /// ECDSA with this hash.
    Ecdsa(HashAlgorithm),
}

impl VerificationScheme {
    /// The hash that the signature covers the signed attributes with.
    pub(crate) fn hash(self) -> HashAlgorithm {
        match self {
            VerificationScheme::Pkcs1v15(h)
            | VerificationScheme::Ecdsa(h)
            | VerificationScheme::Pss { hash: h, .. } => h,
        }
    }

    /// The nearest [`SignatureScheme`] (PSS with any salt length maps to `RsaPss`).
    pub(crate) fn scheme(self) -> SignatureScheme {
        match self {
            VerificationScheme::Pkcs1v15(h) => SignatureScheme::RsaPkcs1v15(h),
            VerificationScheme::Pss { hash, .. } => SignatureScheme::RsaPss(hash),
            VerificationScheme::Ecdsa(h) => SignatureScheme::Ecdsa(h),
        }
    }

    /// The same algorithm as [`signature::verify`](super::signature::verify) takes it.
    pub(crate) fn signature_algorithm(self) -> SignatureAlgorithm {
        match self {
            VerificationScheme::Pkcs1v15(hash) => SignatureAlgorithm::RsaPkcs1v15 {
                hash: Some(hash.into()),
            },
            VerificationScheme::Pss { hash, salt_len } => SignatureAlgorithm::RsaPss {
                hash: Some(hash.into()),
                mgf_hash: Some(hash.into()),
                salt_len,
            },
            VerificationScheme::Ecdsa(hash) => SignatureAlgorithm::Ecdsa {
                hash: Some(hash.into()),
            },
        }
    }
}

/// A scheme we sign with, as we write it: RSASSA-PSS with a salt as long as the hash.
impl From<SignatureScheme> for VerificationScheme {
    fn from(scheme: SignatureScheme) -> Self {
        match scheme {
            SignatureScheme::RsaPkcs1v15(hash) => VerificationScheme::Pkcs1v15(hash),
            SignatureScheme::RsaPss(hash) => VerificationScheme::Pss {
                hash,
                salt_len: digest_len(hash),
            },
            SignatureScheme::Ecdsa(hash) => VerificationScheme::Ecdsa(hash),
        }
    }
}

/// Reads a SignerInfo's signatureAlgorithm. `digest_hash` is the SignerInfo's digestAlgorithm,
/// used when the identifier names only the key type (`rsaEncryption`, `id-ecPublicKey`), as
/// many signers in the field write it. When the identifier names a hash, it must be the same
/// as `digest_hash`: CAdES signs with one hash throughout.
pub(crate) fn verification_scheme(
    algorithm: &AlgorithmIdentifierOwned,
    digest_hash: HashAlgorithm,
) -> Result<VerificationScheme, CmsError> {
    let oid = algorithm.oid;
    let unsupported = || CmsError::UnsupportedAlgorithm {
        oid: oid.to_string(),
    };
    let with_hash = |hash: HashAlgorithm| {
        if hash == digest_hash {
            Ok(hash)
        } else {
            Err(CmsError::AlgorithmMismatch {
                digest: hash_oid(digest_hash).to_string(),
                signature: oid.to_string(),
            })
        }
    };
    let scheme = match oid {
        rfc5912::RSA_ENCRYPTION => VerificationScheme::Pkcs1v15(digest_hash),
        rfc5912::SHA_256_WITH_RSA_ENCRYPTION => {
            VerificationScheme::Pkcs1v15(with_hash(HashAlgorithm::Sha256)?)
        }
        rfc5912::SHA_384_WITH_RSA_ENCRYPTION => {
            VerificationScheme::Pkcs1v15(with_hash(HashAlgorithm::Sha384)?)
        }
        rfc5912::SHA_512_WITH_RSA_ENCRYPTION => {
            VerificationScheme::Pkcs1v15(with_hash(HashAlgorithm::Sha512)?)
        }
        rfc5912::ID_EC_PUBLIC_KEY => VerificationScheme::Ecdsa(digest_hash),
        rfc5912::ECDSA_WITH_SHA_256 => VerificationScheme::Ecdsa(with_hash(HashAlgorithm::Sha256)?),
        rfc5912::ECDSA_WITH_SHA_384 => VerificationScheme::Ecdsa(with_hash(HashAlgorithm::Sha384)?),
        rfc5912::ECDSA_WITH_SHA_512 => VerificationScheme::Ecdsa(with_hash(HashAlgorithm::Sha512)?),
        rfc5912::ID_RSASSA_PSS => {
            let (hash, salt_len) = pss_parameters(algorithm)?;
            VerificationScheme::Pss {
                hash: with_hash(hash)?,
                salt_len,
            }
        }
        _ => return Err(unsupported()),
    };
    Ok(scheme)
}

/// RSASSA-PSS-params (RFC 4055 §3.1): the hash, MGF1 with the same hash, the salt length and
/// trailer field 1. The SHA-1 defaults are refused, as SHA-1 is.
fn pss_parameters(
    algorithm: &AlgorithmIdentifierOwned,
) -> Result<(HashAlgorithm, usize), CmsError> {
    let malformed = |detail: &str| CmsError::Malformed {
        what: "RSASSA-PSS-params",
        detail: detail.to_owned(),
    };
    let parameters = algorithm
        .parameters
        .as_ref()
        .ok_or_else(|| malformed("parameters absent"))?;
    let params = parameters
        .decode_as::<rsa::pkcs1::RsaPssParams<Any>>()
        .map_err(|e| malformed(&e.to_string()))?;
    let hash = hash_from_oid(&params.hash.oid).ok_or_else(|| CmsError::UnsupportedAlgorithm {
        oid: params.hash.oid.to_string(),
    })?;
    let mgf_hash = params
        .mask_gen
        .parameters
        .as_ref()
        .map(|p| p.oid)
        .ok_or_else(|| malformed("MGF1 hash absent"))?;
    if params.mask_gen.oid != rfc5912::ID_MGF_1 || hash_from_oid(&mgf_hash) != Some(hash) {
        return Err(CmsError::UnsupportedAlgorithm {
            oid: format!("{} ({mgf_hash})", params.mask_gen.oid),
        });
    }
    if params.trailer_field != rsa::pkcs1::TrailerField::BC {
        return Err(malformed("trailer field is not 1"));
    }
    Ok((hash, usize::from(params.salt_len)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Encode;

    #[test]
    fn written_identifiers_read_back_as_the_same_scheme() {
        for hash in [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            for scheme in [
                SignatureScheme::RsaPkcs1v15(hash),
                SignatureScheme::RsaPss(hash),
                SignatureScheme::Ecdsa(hash),
            ] {
                let identifier = signature_algorithm(scheme).unwrap();
                let read = verification_scheme(&identifier, hash).unwrap();
                assert_eq!(read.scheme(), scheme);
                assert_eq!(read.hash(), hash);
                if let VerificationScheme::Pss { salt_len, .. } = read {
                    assert_eq!(salt_len, digest_len(hash));
                }
            }
            assert_eq!(hash_from_identifier(&digest_algorithm(hash)).unwrap(), hash);
        }
    }

    #[test]
    fn our_schemes_read_back_as_written() {
        for hash in [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            for scheme in [
                SignatureScheme::RsaPkcs1v15(hash),
                SignatureScheme::RsaPss(hash),
                SignatureScheme::Ecdsa(hash),
            ] {
                let identifier = signature_algorithm(scheme).unwrap();
                let read = verification_scheme(&identifier, hash).unwrap();
                assert_eq!(VerificationScheme::from(scheme), read);
                assert_eq!(
                    Ok(read.signature_algorithm()),
                    SignatureAlgorithm::from_identifier(&identifier)
                );
            }
        }
    }

    #[test]
    fn pkcs1_identifier_has_null_parameters_and_ecdsa_none() {
        let rsa = signature_algorithm(SignatureScheme::RsaPkcs1v15(HashAlgorithm::Sha256)).unwrap();
        // SEQUENCE { OID 1.2.840.113549.1.1.11, NULL }
        assert_eq!(
            hex::encode(rsa.to_der().unwrap()),
            "300d06092a864886f70d01010b0500"
        );
        let ec = signature_algorithm(SignatureScheme::Ecdsa(HashAlgorithm::Sha256)).unwrap();
        assert_eq!(
            hex::encode(ec.to_der().unwrap()),
            "300a06082a8648ce3d040302"
        );
        let sha256 = digest_algorithm(HashAlgorithm::Sha256);
        assert_eq!(
            hex::encode(sha256.to_der().unwrap()),
            "300b0609608648016503040201"
        );
    }

    #[test]
    fn sha1_and_inconsistent_hashes_are_refused() {
        let sha1_rsa = AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5"),
            parameters: Some(Any::null()),
        };
        assert!(matches!(
            verification_scheme(&sha1_rsa, HashAlgorithm::Sha256),
            Err(CmsError::UnsupportedAlgorithm { .. })
        ));
        let sha1 = AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new_unwrap("1.3.14.3.2.26"),
            parameters: None,
        };
        assert!(hash_from_identifier(&sha1).is_err());
        let rsa384 =
            signature_algorithm(SignatureScheme::RsaPkcs1v15(HashAlgorithm::Sha384)).unwrap();
        assert!(matches!(
            verification_scheme(&rsa384, HashAlgorithm::Sha256),
            Err(CmsError::AlgorithmMismatch { .. })
        ));
    }
}
