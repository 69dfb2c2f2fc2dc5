//! Signing with a key on a PKCS#11 token, through a logged-in [`TokenSession`].
//!
//! The mechanism is chosen from the certificate's key and the token's mechanism list:
//! - RSA PKCS#1 v1.5: `CKM_SHA{256,384,512}_RSA_PKCS` when listed (the token hashes), else
//!   `CKM_RSA_PKCS` over a `DigestInfo` built here (RFC 8017 §9.2). Both give the same bytes.
//! - RSASSA-PSS: `CKM_RSA_PKCS_PSS` over a local hash, MGF1 with the same hash, salt as long
//!   as the hash; `CKM_SHA*_RSA_PKCS_PSS` when only that is listed.
//! - ECDSA: `CKM_ECDSA` over a local hash (tokens rarely list `CKM_ECDSA_SHA*`: SoftHSM does
//!   not), the raw `r‖s` turned into the DER `Ecdsa-Sig-Value` CMS carries (RFC 5753 §2.1.1).
//!
//! Every signature is verified with the certificate's public key before it is returned.

use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::ObjectHandle;

use super::error::TokenError;
use super::public_key::{PublicKey, pkcs1v15_padding, scheme_name};
use super::session::TokenSession;
use super::{DocumentSigner, HashAlgorithm, SignatureScheme};

/// How the token is asked to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenMechanism {
    /// `CKM_SHA*_RSA_PKCS` over the message.
    HashAndRsaPkcs(HashAlgorithm),
    /// `CKM_RSA_PKCS` over `DigestInfo(hash)`.
    RsaPkcsOverDigestInfo(HashAlgorithm),
    /// `CKM_RSA_PKCS_PSS` over the hash.
    RsaPssOverHash(HashAlgorithm),
    /// `CKM_SHA*_RSA_PKCS_PSS` over the message.
    HashAndRsaPss(HashAlgorithm),
    /// `CKM_ECDSA` over the hash.
    EcdsaOverHash(HashAlgorithm),
    /// `CKM_ECDSA_SHA*` over the message.
    HashAndEcdsa(HashAlgorithm),
}

fn hash_mechanism(hash: HashAlgorithm) -> MechanismType {
    match hash {
        HashAlgorithm::Sha256 => MechanismType::SHA256,
        HashAlgorithm::Sha384 => MechanismType::SHA384,
        HashAlgorithm::Sha512 => MechanismType::SHA512,
    }
}

fn mgf1(hash: HashAlgorithm) -> PkcsMgfType {
    match hash {
        HashAlgorithm::Sha256 => PkcsMgfType::MGF1_SHA256,
        HashAlgorithm::Sha384 => PkcsMgfType::MGF1_SHA384,
        HashAlgorithm::Sha512 => PkcsMgfType::MGF1_SHA512,
    }
}

/// Chooses how the token signs `scheme`. An empty `offered` list (a module whose
/// `C_GetMechanismList` failed or returned nothing) is taken to offer the basic mechanisms
/// `CKM_RSA_PKCS`, `CKM_RSA_PKCS_PSS` and `CKM_ECDSA`: the token then says no if it cannot.
///
/// A key with `CKA_ALWAYS_AUTHENTICATE` needs `C_SignInit`, then the context-specific
/// `C_Login`, then the signing call (PKCS#11 2.40 §5.6). cryptoki 0.12 offers that order only
/// through the multi-part calls (`sign_init`, `sign_update`, `sign_final`), which the raw
/// mechanisms `CKM_RSA_PKCS`/`CKM_ECDSA` do not allow; so such keys use the combined
/// hash-and-sign mechanisms, and fail with a typed error on a token that lists none.
pub(crate) fn choose_mechanism(
    scheme: SignatureScheme,
    offered: &[MechanismType],
    always_authenticate: bool,
) -> Result<TokenMechanism, TokenError> {
    let raw_allowed =
        |m: MechanismType| !always_authenticate && (offered.is_empty() || offered.contains(&m));
    let listed = |m: MechanismType| offered.contains(&m);
    let chosen = match scheme {
        SignatureScheme::RsaPkcs1v15(hash) => {
            let combined = match hash {
                HashAlgorithm::Sha256 => MechanismType::SHA256_RSA_PKCS,
                HashAlgorithm::Sha384 => MechanismType::SHA384_RSA_PKCS,
                HashAlgorithm::Sha512 => MechanismType::SHA512_RSA_PKCS,
            };
            if listed(combined) {
                Some(TokenMechanism::HashAndRsaPkcs(hash))
            } else if raw_allowed(MechanismType::RSA_PKCS) {
                Some(TokenMechanism::RsaPkcsOverDigestInfo(hash))
            } else {
                None
            }
        }
        SignatureScheme::RsaPss(hash) => {
            let combined = match hash {
                HashAlgorithm::Sha256 => MechanismType::SHA256_RSA_PKCS_PSS,
                HashAlgorithm::Sha384 => MechanismType::SHA384_RSA_PKCS_PSS,
                HashAlgorithm::Sha512 => MechanismType::SHA512_RSA_PKCS_PSS,
            };
            if raw_allowed(MechanismType::RSA_PKCS_PSS) {
                Some(TokenMechanism::RsaPssOverHash(hash))
            } else if listed(combined) {
                Some(TokenMechanism::HashAndRsaPss(hash))
            } else {
                None
            }
        }
        SignatureScheme::Ecdsa(hash) => {
            let combined = match hash {
                HashAlgorithm::Sha256 => MechanismType::ECDSA_SHA256,
                HashAlgorithm::Sha384 => MechanismType::ECDSA_SHA384,
                HashAlgorithm::Sha512 => MechanismType::ECDSA_SHA512,
            };
            if raw_allowed(MechanismType::ECDSA) {
                Some(TokenMechanism::EcdsaOverHash(hash))
            } else if listed(combined) {
                Some(TokenMechanism::HashAndEcdsa(hash))
            } else {
                None
            }
        }
    };
    chosen.ok_or_else(|| TokenError::MechanismNotSupported {
        scheme: scheme_name(scheme),
    })
}

/// A key on a token that signs documents. Borrows the session: one login serves every
/// document of the batch.
pub struct Pkcs11Signer<'s> {
    session: &'s TokenSession,
    key: ObjectHandle,
    always_authenticate: bool,
    certificate: Vec<u8>,
    chain: Vec<Vec<u8>>,
    public_key: PublicKey,
    scheme: SignatureScheme,
    mechanism: TokenMechanism,
    max_signature_len: usize,
}

impl std::fmt::Debug for Pkcs11Signer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Signer")
            .field("scheme", &self.scheme)
            .field("mechanism", &self.mechanism)
            .field("always_authenticate", &self.always_authenticate)
            .finish_non_exhaustive()
    }
}

impl<'s> Pkcs11Signer<'s> {
    #[allow(clippy::too_many_arguments)] // one private constructor, called from one place
    pub(crate) fn new(
        session: &'s TokenSession,
        key: ObjectHandle,
        always_authenticate: bool,
        certificate: Vec<u8>,
        chain: Vec<Vec<u8>>,
        public_key: PublicKey,
        scheme: SignatureScheme,
        mechanism: TokenMechanism,
        max_signature_len: usize,
    ) -> Self {
        Pkcs11Signer {
            session,
            key,
            always_authenticate,
            certificate,
            chain,
            public_key,
            scheme,
            mechanism,
            max_signature_len,
        }
    }

    /// `CKM_…` name of the mechanism used, for reports and logs.
    pub fn mechanism_name(&self) -> String {
        match self.mechanism {
            TokenMechanism::HashAndRsaPkcs(h) => format!("CKM_{}_RSA_PKCS", short(h)),
            TokenMechanism::RsaPkcsOverDigestInfo(_) => "CKM_RSA_PKCS".to_owned(),
            TokenMechanism::RsaPssOverHash(_) => "CKM_RSA_PKCS_PSS".to_owned(),
            TokenMechanism::HashAndRsaPss(h) => format!("CKM_{}_RSA_PKCS_PSS", short(h)),
            TokenMechanism::EcdsaOverHash(_) => "CKM_ECDSA".to_owned(),
            TokenMechanism::HashAndEcdsa(h) => format!("CKM_ECDSA_{}", short(h)),
        }
    }

    fn sign_on_token(&self, message: &[u8], digest: &[u8]) -> Result<Vec<u8>, TokenError> {
        let pss = |hash: HashAlgorithm| PkcsPssParams {
            hash_alg: hash_mechanism(hash),
            mgf: mgf1(hash),
            s_len: (hash.output_len() as u64).into(),
        };
        let digest_info;
        let (mechanism, data): (Mechanism<'_>, &[u8]) = match self.mechanism {
            TokenMechanism::HashAndRsaPkcs(HashAlgorithm::Sha256) => {
                (Mechanism::Sha256RsaPkcs, message)
            }
            TokenMechanism::HashAndRsaPkcs(HashAlgorithm::Sha384) => {
                (Mechanism::Sha384RsaPkcs, message)
            }
            TokenMechanism::HashAndRsaPkcs(HashAlgorithm::Sha512) => {
                (Mechanism::Sha512RsaPkcs, message)
            }
            TokenMechanism::RsaPkcsOverDigestInfo(hash) => {
                digest_info = [&*pkcs1v15_padding(hash).prefix, digest].concat();
                (Mechanism::RsaPkcs, &digest_info)
            }
            TokenMechanism::RsaPssOverHash(hash) => (Mechanism::RsaPkcsPss(pss(hash)), digest),
            TokenMechanism::HashAndRsaPss(hash) => {
                let params = pss(hash);
                let mechanism = match hash {
                    HashAlgorithm::Sha256 => Mechanism::Sha256RsaPkcsPss(params),
                    HashAlgorithm::Sha384 => Mechanism::Sha384RsaPkcsPss(params),
                    HashAlgorithm::Sha512 => Mechanism::Sha512RsaPkcsPss(params),
                };
                (mechanism, message)
            }
            TokenMechanism::EcdsaOverHash(_) => (Mechanism::Ecdsa, digest),
            TokenMechanism::HashAndEcdsa(HashAlgorithm::Sha256) => {
                (Mechanism::EcdsaSha256, message)
            }
            TokenMechanism::HashAndEcdsa(HashAlgorithm::Sha384) => {
                (Mechanism::EcdsaSha384, message)
            }
            TokenMechanism::HashAndEcdsa(HashAlgorithm::Sha512) => {
                (Mechanism::EcdsaSha512, message)
            }
        };
        let session = self.session.session();
        let raw = if self.always_authenticate {
            // Init, then the context-specific login, then the data (see `choose_mechanism`).
            session
                .sign_init(&mechanism, self.key)
                .map_err(TokenError::from_cryptoki)?;
            self.session.context_login()?;
            session
                .sign_update(data)
                .map_err(TokenError::from_cryptoki)?;
            session.sign_final().map_err(TokenError::from_cryptoki)?
        } else {
            session
                .sign(&mechanism, self.key, data)
                .map_err(TokenError::from_cryptoki)?
        };
        match self.mechanism {
            TokenMechanism::EcdsaOverHash(_) | TokenMechanism::HashAndEcdsa(_) => {
                ecdsa_to_der(&self.public_key, &raw)
            }
            _ => Ok(raw),
        }
    }
}

fn short(hash: HashAlgorithm) -> &'static str {
    match hash {
        HashAlgorithm::Sha256 => "SHA256",
        HashAlgorithm::Sha384 => "SHA384",
        HashAlgorithm::Sha512 => "SHA512",
    }
}

/// PKCS#11 returns ECDSA signatures as `r‖s`, each as long as the curve's order (PKCS#11
/// 2.40 Mechanisms §2.3.1); CMS wants DER. The curve crates do the encoding.
fn ecdsa_to_der(key: &PublicKey, raw: &[u8]) -> Result<Vec<u8>, TokenError> {
    let malformed = |_| TokenError::Device {
        function: "C_Sign".to_owned(),
        ckr: format!("ECDSA signature of unexpected length {}", raw.len()),
    };
    match key {
        PublicKey::P256(_) => Ok(p256::ecdsa::Signature::from_slice(raw)
            .map_err(malformed)?
            .to_der()
            .to_bytes()
            .into()),
        PublicKey::P384(_) => Ok(p384::ecdsa::Signature::from_slice(raw)
            .map_err(malformed)?
            .to_der()
            .to_bytes()
            .into()),
        PublicKey::Rsa(_) => Err(TokenError::KeyCertificateMismatch),
    }
}

impl DocumentSigner for Pkcs11Signer<'_> {
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
        let signature = self.sign_on_token(message, &digest)?;
        self.public_key.verify(self.scheme, &digest, &signature)?;
        Ok(signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_rsa_mechanism_is_preferred_when_listed() {
        let scheme = SignatureScheme::RsaPkcs1v15(HashAlgorithm::Sha384);
        let both = [MechanismType::RSA_PKCS, MechanismType::SHA384_RSA_PKCS];
        assert_eq!(
            choose_mechanism(scheme, &both, false).unwrap(),
            TokenMechanism::HashAndRsaPkcs(HashAlgorithm::Sha384)
        );
        let raw_only = [MechanismType::RSA_PKCS, MechanismType::SHA256_RSA_PKCS];
        assert_eq!(
            choose_mechanism(scheme, &raw_only, false).unwrap(),
            TokenMechanism::RsaPkcsOverDigestInfo(HashAlgorithm::Sha384)
        );
    }

    #[test]
    fn ecdsa_hashes_locally_and_missing_mechanisms_are_typed_errors() {
        let scheme = SignatureScheme::Ecdsa(HashAlgorithm::Sha256);
        let listed = [MechanismType::ECDSA, MechanismType::ECDSA_SHA256];
        assert_eq!(
            choose_mechanism(scheme, &listed, false).unwrap(),
            TokenMechanism::EcdsaOverHash(HashAlgorithm::Sha256)
        );
        let rsa_only = [MechanismType::RSA_PKCS];
        let err = choose_mechanism(scheme, &rsa_only, false).unwrap_err();
        assert!(
            matches!(&err, TokenError::MechanismNotSupported { scheme } if scheme == "ECDSA SHA-256"),
            "{err:?}"
        );
        let pss = SignatureScheme::RsaPss(HashAlgorithm::Sha256);
        assert!(choose_mechanism(pss, &rsa_only, false).is_err());
        assert_eq!(
            choose_mechanism(pss, &[], false).unwrap(),
            TokenMechanism::RsaPssOverHash(HashAlgorithm::Sha256)
        );
    }

    #[test]
    fn always_authenticate_keys_need_combined_mechanisms() {
        let scheme = SignatureScheme::Ecdsa(HashAlgorithm::Sha256);
        let listed = [MechanismType::ECDSA, MechanismType::ECDSA_SHA256];
        assert_eq!(
            choose_mechanism(scheme, &listed, true).unwrap(),
            TokenMechanism::HashAndEcdsa(HashAlgorithm::Sha256)
        );
        assert!(choose_mechanism(scheme, &[MechanismType::ECDSA], true).is_err());
        let rsa = SignatureScheme::RsaPkcs1v15(HashAlgorithm::Sha256);
        assert!(choose_mechanism(rsa, &[MechanismType::RSA_PKCS], true).is_err());
    }
}
