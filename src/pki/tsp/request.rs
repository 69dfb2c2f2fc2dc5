//! The time-stamp request (RFC 3161 §2.4.1).
//!
//! ```text
//! TimeStampReq ::= SEQUENCE  {
//!    version                  INTEGER  { v1(1) },
//!    messageImprint           MessageImprint,
//!    reqPolicy                TSAPolicyId              OPTIONAL,
//!    nonce                    INTEGER                  OPTIONAL,
//!    certReq                  BOOLEAN                  DEFAULT FALSE,
//!    extensions               [0] IMPLICIT Extensions  OPTIONAL  }
//!
//! MessageImprint ::= SEQUENCE  {
//!    hashAlgorithm            AlgorithmIdentifier,
//!    hashedMessage            OCTET STRING  }
//! ```
//!
//! Kyso always asks with a SHA-256 imprint, a 64-bit random nonce (so that an old or replayed
//! answer is told apart from the answer to this request) and `certReq` TRUE (so that the token
//! carries the TSA's certificate, which a validator years later needs).
//!
//! The `x509-tsp` crate has these types, but only for `der` 0.7 (see
//! `/work/shared/notes/rust-crates-for-pades.md`); with `der`'s derive they are a few lines.

use const_oid::ObjectIdentifier;
use der::asn1::{OctetString, Uint};
use der::{Encode, Sequence};
use spki::AlgorithmIdentifierOwned;

use crate::cms::DigestAlgorithm;

/// ```text
/// MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct MessageImprint {
    pub hash_algorithm: AlgorithmIdentifierOwned,
    pub hashed_message: OctetString,
}

/// The request as encoded. `certReq` is always TRUE here, so it is always written (DER omits a
/// BOOLEAN only when it equals its DEFAULT FALSE).
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
struct TimeStampReq {
    version: u8,
    message_imprint: MessageImprint,
    req_policy: Option<ObjectIdentifier>,
    nonce: Option<Uint>,
    cert_req: bool,
}

/// A time-stamp request over a SHA-256 imprint, with its nonce kept to check the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeStampRequest {
    /// The hash algorithm of the imprint (always SHA-256 for requests Kyso makes).
    pub algorithm: DigestAlgorithm,
    /// The hash of what is time-stamped.
    pub imprint: Vec<u8>,
    /// The nonce, big-endian, as sent (without leading zero bytes).
    pub nonce: Vec<u8>,
    /// The TSA policy asked for, if any.
    pub policy: Option<ObjectIdentifier>,
}

impl TimeStampRequest {
    /// A request for the SHA-256 hash `imprint`, with a fresh random nonce from the operating
    /// system.
    pub fn sha256(
        imprint: [u8; 32],
        policy: Option<ObjectIdentifier>,
    ) -> Result<Self, RandomError> {
        let mut nonce = [0u8; 8];
        getrandom::fill(&mut nonce).map_err(|e| RandomError(e.to_string()))?;
        Ok(Self::with_nonce(imprint, policy, nonce))
    }

    /// A request with the nonce given (tests; a replayed nonce defeats its purpose).
    pub fn with_nonce(imprint: [u8; 32], policy: Option<ObjectIdentifier>, nonce: [u8; 8]) -> Self {
        TimeStampRequest {
            algorithm: DigestAlgorithm::Sha256,
            imprint: imprint.to_vec(),
            nonce: strip_leading_zeros(&nonce).to_vec(),
            policy,
        }
    }

    /// The DER of the TimeStampReq, the body of the `application/timestamp-query` POST.
    pub fn to_der(&self) -> Result<Vec<u8>, der::Error> {
        // An all-zero nonce (one chance in 2^64) is the INTEGER 0.
        let nonce = if self.nonce.is_empty() {
            Uint::new(&[0])?
        } else {
            Uint::new(&self.nonce)?
        };
        TimeStampReq {
            version: 1,
            message_imprint: MessageImprint {
                hash_algorithm: AlgorithmIdentifierOwned {
                    oid: self.algorithm.oid(),
                    // RFC 5754 §2: the parameters of SHA-2 identifiers are absent.
                    parameters: None,
                },
                hashed_message: OctetString::new(self.imprint.clone())?,
            },
            req_policy: self.policy,
            nonce: Some(nonce),
            cert_req: true,
        }
        .to_der()
    }

    /// Whether `content_octets` (the content of a DER INTEGER, as a TSTInfo carries it) is
    /// this request's nonce. Leading zero bytes are not significant.
    pub fn nonce_matches(&self, content_octets: &[u8]) -> bool {
        strip_leading_zeros(content_octets) == self.nonce.as_slice()
    }
}

/// The operating system gave no random bytes for the nonce.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no random bytes from the operating system: {0}")]
pub struct RandomError(pub String);

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Decode;

    #[test]
    fn request_encodes_as_rfc_3161_asks() {
        let request = TimeStampRequest::with_nonce([0xab; 32], None, [0x80, 0, 0, 0, 0, 0, 0, 1]);
        let der = request.to_der().unwrap();
        let decoded = TimeStampReq::from_der(&der).unwrap();
        assert_eq!(decoded.version, 1);
        assert!(decoded.cert_req);
        assert_eq!(decoded.req_policy, None);
        assert_eq!(
            decoded.message_imprint.hash_algorithm.oid.to_string(),
            "2.16.840.1.101.3.4.2.1"
        );
        assert_eq!(
            decoded.message_imprint.hashed_message.as_bytes(),
            &[0xab; 32]
        );
        // A nonce with the high bit set gets a leading zero octet: it stays positive.
        let nonce = decoded.nonce.unwrap();
        assert_eq!(nonce.as_bytes(), &[0x80, 0, 0, 0, 0, 0, 0, 1]);
        assert!(request.nonce_matches(&[0x00, 0x80, 0, 0, 0, 0, 0, 0, 1]));
        assert!(!request.nonce_matches(&[0x80, 0, 0, 0, 0, 0, 0, 2]));
    }

    #[test]
    fn openssl_reads_the_request() {
        let policy = ObjectIdentifier::new_unwrap("1.2.3.4.77");
        let request = TimeStampRequest::sha256([7; 32], Some(policy)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.tsq");
        std::fs::write(&path, request.to_der().unwrap()).unwrap();
        let out = std::process::Command::new("openssl")
            .args(["ts", "-query", "-text", "-in"])
            .arg(&path)
            .output()
            .expect("openssl");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("Hash Algorithm: sha256"), "{text}");
        assert!(text.contains("Policy OID: 1.2.3.4.77"), "{text}");
        assert!(text.contains("Certificate required: yes"), "{text}");
        assert!(!text.contains("Nonce: unspecified"), "{text}");
    }

    #[test]
    fn nonces_differ() {
        let a = TimeStampRequest::sha256([0; 32], None).unwrap();
        let b = TimeStampRequest::sha256([0; 32], None).unwrap();
        assert_ne!(a.nonce, b.nonce);
    }
}
