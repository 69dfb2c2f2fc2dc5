//! A software [`DocumentSigner`] for the CMS tests: a real key (RSA, P-256, P-384) from the demo
//! PKI behind the shared trait. The product's software signer is `token::software`; this one
//! only exists so that the CMS layer can be tested on its own.

use std::cell::Cell;

use pkcs8::DecodePrivateKey;
use signature::hazmat::PrehashSigner;

use super::algorithm::{digest, digest_len};
use crate::pki::demo::DemoIdentity;
use crate::token::{DocumentSigner, HashAlgorithm, SignatureScheme, TokenError};

enum Key {
    Rsa(rsa::RsaPrivateKey),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

/// Signs with a software key; counts the calls; can be told to fail like a token would.
pub(crate) struct TestSigner {
    key: Key,
    certificate: Vec<u8>,
    chain: Vec<Vec<u8>>,
    scheme: SignatureScheme,
    /// How many times `sign` was called.
    pub calls: Cell<usize>,
    /// Fail every `sign` with a device error.
    pub fail: bool,
}

impl TestSigner {
    /// A signer for a demo identity, with its chain.
    pub fn new(identity: &DemoIdentity, scheme: SignatureScheme) -> Self {
        Self::with_certificate(identity, identity.certificate_der.clone(), scheme)
    }

    /// A signer for a demo identity's key with another certificate for the same key.
    pub fn with_certificate(
        identity: &DemoIdentity,
        certificate: Vec<u8>,
        scheme: SignatureScheme,
    ) -> Self {
        Self::from_parts(
            &identity.key_pkcs8_der,
            certificate,
            identity.chain_der.clone(),
            scheme,
        )
    }

    /// A signer from a PKCS#8 key, its certificate and the issuer chain.
    pub fn from_parts(
        pkcs8: &[u8],
        certificate: Vec<u8>,
        chain: Vec<Vec<u8>>,
        scheme: SignatureScheme,
    ) -> Self {
        // Test keys come from the demo PKI, so they parse.
        let key = match scheme {
            SignatureScheme::RsaPkcs1v15(_) | SignatureScheme::RsaPss(_) => {
                Key::Rsa(rsa::RsaPrivateKey::from_pkcs8_der(pkcs8).expect("demo RSA key"))
            }
            SignatureScheme::Ecdsa(_) => match p256::ecdsa::SigningKey::from_pkcs8_der(pkcs8) {
                Ok(k) => Key::P256(k),
                Err(_) => {
                    Key::P384(p384::ecdsa::SigningKey::from_pkcs8_der(pkcs8).expect("demo EC key"))
                }
            },
        };
        TestSigner {
            key,
            certificate,
            chain,
            scheme,
            calls: Cell::new(0),
            fail: false,
        }
    }
}

fn pkcs1(hash: HashAlgorithm) -> rsa::Pkcs1v15Sign {
    match hash {
        HashAlgorithm::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
        HashAlgorithm::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
        HashAlgorithm::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
    }
}

impl DocumentSigner for TestSigner {
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
        match &self.key {
            Key::Rsa(k) => rsa::traits::PublicKeyParts::size(k),
            Key::P256(_) => 72,
            Key::P384(_) => 104,
        }
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, TokenError> {
        self.calls.set(self.calls.get() + 1);
        if self.fail {
            return Err(TokenError::Device {
                function: "C_Sign".into(),
                ckr: "CKR_DEVICE_ERROR".into(),
            });
        }
        let hash = self.scheme.hash();
        let hashed = digest(hash, message);
        let device = |e: &dyn std::fmt::Display| TokenError::Device {
            function: "software".into(),
            ckr: e.to_string(),
        };
        match (&self.key, self.scheme) {
            (Key::Rsa(k), SignatureScheme::RsaPkcs1v15(_)) => {
                k.sign(pkcs1(hash), &hashed).map_err(|e| device(&e))
            }
            (Key::Rsa(k), SignatureScheme::RsaPss(_)) => {
                let mut rng = getrandom::rand_core::UnwrapErr(getrandom::SysRng);
                let salt = digest_len(hash);
                match hash {
                    HashAlgorithm::Sha256 => k.sign_with_rng(
                        &mut rng,
                        rsa::Pss::<sha2::Sha256>::new_with_salt(salt),
                        &hashed,
                    ),
                    HashAlgorithm::Sha384 => k.sign_with_rng(
                        &mut rng,
                        rsa::Pss::<sha2::Sha384>::new_with_salt(salt),
                        &hashed,
                    ),
                    HashAlgorithm::Sha512 => k.sign_with_rng(
                        &mut rng,
                        rsa::Pss::<sha2::Sha512>::new_with_salt(salt),
                        &hashed,
                    ),
                }
                .map_err(|e| device(&e))
            }
            (Key::P256(k), SignatureScheme::Ecdsa(_)) => {
                let signature: p256::ecdsa::Signature =
                    k.sign_prehash(&hashed).map_err(|e| device(&e))?;
                Ok(signature.to_der().as_bytes().to_vec())
            }
            (Key::P384(k), SignatureScheme::Ecdsa(_)) => {
                let signature: p384::ecdsa::Signature =
                    k.sign_prehash(&hashed).map_err(|e| device(&e))?;
                Ok(signature.to_der().as_bytes().to_vec())
            }
            _ => Err(device(&"scheme does not fit the key")),
        }
    }
}
