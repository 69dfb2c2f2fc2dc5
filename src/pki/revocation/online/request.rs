//! The OCSP request Kyso sends (RFC 6960 §4.1), and the nonce check of the answer (RFC 8954).
//!
//! One `Request` per message, unsigned, with the CertID hashed with SHA-1: RFC 5019 §2.1.1
//! (the lightweight profile nearly every public responder follows) requires SHA-1 CertIDs, and
//! the hash only names the certificate, it protects nothing. A fresh random nonce in
//! `requestExtensions` ties the answer to this request, so a recorded answer cannot be
//! replayed while it is still within its validity period.

use der::asn1::{Any, OctetString};
use der::{Decode, Encode, Sequence};
use sha1::{Digest, Sha1};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::ext::Extension;
use x509_cert::serial_number::SerialNumber;

use super::super::ocsp::BasicOcspResponse;
use super::super::{Field, raw_name};

/// id-pkix-ocsp-nonce (RFC 6960 §4.4.1).
pub const ID_PKIX_OCSP_NONCE: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.2");
/// id-sha1.
const ID_SHA1: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
/// Nonce length: RFC 8954 §2.1 allows 1 to 32 octets; 32 is the most a responder must accept.
pub const NONCE_LEN: usize = 32;

/// ```text
/// OCSPRequest ::= SEQUENCE {
///     tbsRequest                  TBSRequest,
///     optionalSignature   [0]     EXPLICIT Signature OPTIONAL }
/// ```
#[derive(Debug, Clone, Sequence)]
struct OcspRequest {
    tbs_request: TbsRequest,
}

/// ```text
/// TBSRequest ::= SEQUENCE {
///     version             [0]     EXPLICIT Version DEFAULT v1,
///     requestorName       [1]     EXPLICIT GeneralName OPTIONAL,
///     requestList                 SEQUENCE OF Request,
///     requestExtensions   [2]     EXPLICIT Extensions OPTIONAL }
/// ```
#[derive(Debug, Clone, Sequence)]
struct TbsRequest {
    request_list: Vec<SingleRequest>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    request_extensions: Option<Vec<Extension>>,
}

/// `Request ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }`
#[derive(Debug, Clone, Sequence)]
struct SingleRequest {
    req_cert: CertIdOwned,
}

/// CertID (RFC 6960 §4.1.1), owned for encoding.
#[derive(Debug, Clone, Sequence)]
struct CertIdOwned {
    hash_algorithm: AlgorithmIdentifierOwned,
    issuer_name_hash: OctetString,
    issuer_key_hash: OctetString,
    serial_number: SerialNumber,
}

/// A request ready to send, and what its answer must echo.
#[derive(Debug, Clone)]
pub struct PreparedRequest {
    /// The OCSPRequest DER (`application/ocsp-request`).
    pub der: Vec<u8>,
    /// The nonce sent.
    pub nonce: [u8; NONCE_LEN],
}

/// Why no request could be made: the certificates do not decode (never for certificates that
/// `CertificateInfo` accepted).
#[derive(Debug, thiserror::Error)]
#[error("cannot build the OCSP request: {0}")]
pub struct RequestError(String);

/// The OCSP request for `certificate_der`, issued by `issuer_der`, with a fresh nonce.
pub fn build_request(
    certificate_der: &[u8],
    issuer_der: &[u8],
) -> Result<PreparedRequest, RequestError> {
    let fail = |e: &dyn std::fmt::Display| RequestError(e.to_string());
    let certificate = Certificate::from_der(certificate_der).map_err(|e| fail(&e))?;
    let issuer = Certificate::from_der(issuer_der).map_err(|e| fail(&e))?;
    // issuerNameHash covers the issuer name as the certificate encodes it.
    let issuer_name =
        raw_name(certificate_der, Field::Issuer).ok_or_else(|| fail(&"issuer field"))?;
    let issuer_key = issuer
        .tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .raw_bytes();
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(|e| fail(&e))?;
    let nonce_value = OctetString::new(nonce.to_vec())
        .and_then(|n| n.to_der())
        .map_err(|e| fail(&e))?;
    let request = OcspRequest {
        tbs_request: TbsRequest {
            request_list: vec![SingleRequest {
                req_cert: CertIdOwned {
                    hash_algorithm: AlgorithmIdentifierOwned {
                        oid: ID_SHA1,
                        parameters: Some(Any::null()),
                    },
                    issuer_name_hash: OctetString::new(Sha1::digest(issuer_name).to_vec())
                        .map_err(|e| fail(&e))?,
                    issuer_key_hash: OctetString::new(Sha1::digest(issuer_key).to_vec())
                        .map_err(|e| fail(&e))?,
                    serial_number: certificate.tbs_certificate().serial_number().clone(),
                },
            }],
            request_extensions: Some(vec![Extension {
                extn_id: ID_PKIX_OCSP_NONCE,
                critical: false,
                extn_value: OctetString::new(nonce_value).map_err(|e| fail(&e))?,
            }]),
        },
    };
    Ok(PreparedRequest {
        der: request.to_der().map_err(|e| fail(&e))?,
        nonce,
    })
}

/// What the answer says about the nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceCheck {
    /// The answer echoes the nonce sent.
    Matches,
    /// The answer carries no nonce (RFC 5019 responders pre-produce answers and never echo
    /// one; RFC 8954 §2.1 lets the client accept them, relying on freshness instead).
    Absent,
    /// The answer carries another nonce: it answers another request (a replay).
    Mismatch,
}

/// Compares the nonce in `response`'s responseExtensions with `sent`. The value is read as
/// RFC 8954 writes it (an OCTET STRING inside extnValue) and, leniently, as the bare octets
/// some older responders put there.
pub fn check_nonce(response: &BasicOcspResponse<'_>, sent: &[u8]) -> NonceCheck {
    let Some(extensions) = &response.response_data.response_extensions else {
        return NonceCheck::Absent;
    };
    let Ok(extensions) = extensions.decode_as::<Vec<Extension>>() else {
        return NonceCheck::Mismatch;
    };
    let Some(nonce) = extensions.iter().find(|e| e.extn_id == ID_PKIX_OCSP_NONCE) else {
        return NonceCheck::Absent;
    };
    let value = nonce.extn_value.as_bytes();
    let inner = OctetString::from_der(value).ok();
    if inner.as_ref().is_some_and(|o| o.as_bytes() == sent) || value == sent {
        NonceCheck::Matches
    } else {
        NonceCheck::Mismatch
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::path::tests::pki;
    use std::process::Command;

    #[test]
    fn openssl_reads_the_request_with_its_nonce_and_sha1_cert_id() {
        let pki = pki();
        let request =
            build_request(&pki.leader.certificate_der, &pki.issuing_ca.certificate_der).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("request.der");
        std::fs::write(&path, &request.der).unwrap();
        let out = Command::new("openssl")
            .args(["ocsp", "-req_text", "-reqin"])
            .arg(&path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("Hash Algorithm: sha1"), "{text}");
        assert!(text.contains("OCSP Nonce"), "{text}");
        assert!(
            text.contains(&hex::encode_upper(request.nonce)),
            "nonce not found: {text}"
        );
        let serial = crate::pki::CertificateInfo::from_der(&pki.leader.certificate_der)
            .unwrap()
            .serial_hex;
        assert!(
            text.to_uppercase().contains(&serial.to_uppercase()),
            "{serial}: {text}"
        );
        // Two requests never share a nonce.
        let again =
            build_request(&pki.leader.certificate_der, &pki.issuing_ca.certificate_der).unwrap();
        assert_ne!(request.nonce, again.nonce);
    }
}
