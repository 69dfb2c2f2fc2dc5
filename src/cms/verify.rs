//! Checking one CMS SignedData against a document digest: the strict self-check right after
//! signing (PAdES B-B as Kyso writes it: SHA-2, RSA or ECDSA P-256/P-384, signed attributes).
//!
//! The CMS is read by [`ParsedSignedData::parse`], as a validator reads anyone's signature,
//! and its signature value is checked by [`signature::verify_strict`]. What this module adds
//! is strictness. A validator reports each problem and lets policy judge; here the first
//! problem is an error, because a signature we are about to hand out must be one that every
//! verifier accepts, not merely one we can explain.
//!
//! What is checked, in order (RFC 5652 §5.4–5.6, RFC 5035, ETSI EN 319 122-1 §5.2.2):
//! 1. one SignerInfo, detached content; digestAlgorithm SHA-256/384/512 with absent or NULL
//!    parameters, and a signatureAlgorithm (PKCS#1 v1.5, RSASSA-PSS with MGF1 over the same
//!    hash, ECDSA) that names the same hash or none;
//! 2. content-type and message-digest signed attributes, single-valued and DER; content-type
//!    equals eContentType; message-digest equals the document digest;
//! 3. the signer's certificate is among `certificates` (by issuerAndSerialNumber or SKI), with
//!    an RSA, P-256 or P-384 key;
//! 4. the signature verifies over the signed attributes **as encoded in the input**, with the
//!    `[0]` tag turned into SET OF (0x31) — never over a re-encoding; a PKCS#1 v1.5 DigestInfo
//!    must have NULL parameters;
//! 5. signing-certificate-v2, when present, is single-valued and names that certificate (hash
//!    over its original DER).
//!
//! Trust in the certificate (path, validity, revocation) is not checked here.

use const_oid::ObjectIdentifier;
use der::Decode;
use der::asn1::OctetString;
use serde::Serialize;
use x509_cert::Certificate;

use super::CmsError;
use super::algorithm::{VerificationScheme, hash_from_identifier, verification_scheme};
use super::ess::decode_signing_certificate_v2;
use super::inspect::{
    ID_CONTENT_TYPE, ID_MESSAGE_DIGEST, ParsedSignedData, RawAttributeValues, SignedAttributes,
    SingleValue,
};
use super::raw;
use super::signature::{self, SignedMessage, VerifyFailure};
use crate::pki::{CertificateInfo, EcCurve, PublicKeyKind};
use crate::token::{HashAlgorithm, SignatureScheme};

/// How the signature is bound to the signer's certificate by a signed attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SigningCertificateBinding {
    /// ESS signing-certificate-v2, checked: it names the signer's certificate.
    V2,
    /// Only the SHA-1 ESS signing-certificate (RFC 2634), which is not checked.
    V1Only,
    /// No signing-certificate attribute (allowed in `adbe.pkcs7.detached`, not in PAdES).
    Absent,
}

/// An unsigned attribute, kept for later checks (e.g. the signature time-stamp token): its
/// type and each value as encoded.
pub type UnsignedAttribute = RawAttributeValues;

/// What a CMS that checked out says about its signer.
#[derive(Debug, Clone)]
pub struct SignerSummary {
    /// The signer's certificate.
    pub certificate: CertificateInfo,
    /// Every X.509 certificate of the SignedData, original DER, in order (signer included).
    pub certificates_der: Vec<Vec<u8>>,
    /// The digest algorithm (of the document and of the signed attributes).
    pub digest_algorithm: HashAlgorithm,
    /// The signature scheme (`RsaPss` whatever the salt length).
    pub scheme: SignatureScheme,
    /// The signatureAlgorithm OID as written.
    pub signature_algorithm_oid: ObjectIdentifier,
    /// The signature value octets (what a signature time-stamp covers).
    pub signature_value: Vec<u8>,
    /// Signed attribute types, in encoded order.
    pub signed_attributes: Vec<ObjectIdentifier>,
    /// Unsigned attributes.
    pub unsigned_attributes: Vec<UnsignedAttribute>,
    /// The ESS signing-certificate binding.
    pub signing_certificate: SigningCertificateBinding,
    /// Some outer length was BER indefinite (PAdES asks for DER).
    pub indefinite_lengths: bool,
}

/// Checks the CMS `cms` (DER or BER; trailing zero padding allowed) against
/// `document_digest`, the hash of the signed byte ranges made with the CMS's digest algorithm.
pub fn check_signed_data(cms: &[u8], document_digest: &[u8]) -> Result<SignerSummary, CmsError> {
    let parsed = ParsedSignedData::parse(cms)?;
    if parsed.econtent.is_some() {
        return Err(CmsError::NotDetached);
    }
    let digest_algorithm = hash_from_identifier(&parsed.digest_algorithm_identifier)?;
    let scheme = verification_scheme(&parsed.signature_algorithm_identifier, digest_algorithm)?;
    let attributes = parsed
        .signed_attributes
        .as_ref()
        .ok_or(CmsError::NoSignedAttributes)?;

    let content_type = single_value(attributes, ID_CONTENT_TYPE, "content-type")
        .and_then(|value| der_value::<ObjectIdentifier>(value, "content-type attribute"))?;
    if content_type != parsed.econtent_type {
        return Err(CmsError::ContentTypeMismatch {
            attribute: content_type.to_string(),
            econtent_type: parsed.econtent_type.to_string(),
        });
    }
    let message_digest = single_value(attributes, ID_MESSAGE_DIGEST, "message-digest")
        .and_then(|value| der_value::<OctetString>(value, "message-digest attribute"))?;
    if message_digest.as_bytes() != document_digest {
        return Err(CmsError::MessageDigestMismatch);
    }

    // The signer's certificate, by the original bytes.
    let certificate_der = parsed
        .signer_certificate_der()
        .ok_or(CmsError::SignerCertificateNotFound)?;
    // `parse` found the signer's certificate by decoding it, so this decodes too.
    let certificate =
        Certificate::from_der(certificate_der).map_err(|_| CmsError::SignerCertificateNotFound)?;
    let info = CertificateInfo::from_parsed(&certificate, certificate_der)
        .map_err(CmsError::SignerCertificate)?;
    let unsupported_key = || CmsError::UnsupportedKey {
        key: info.key.to_string(),
    };
    // The keys Kyso signs with; `verify_strict` would also take P-521.
    let supported = match (scheme, &info.key) {
        (
            VerificationScheme::Pkcs1v15(_) | VerificationScheme::Pss { .. },
            PublicKeyKind::Rsa { .. },
        ) => true,
        (VerificationScheme::Ecdsa(_), PublicKeyKind::Ec { curve }) => {
            matches!(curve, EcCurve::P256 | EcCurve::P384)
        }
        _ => false,
    };
    if !supported {
        return Err(unsupported_key());
    }
    signature::verify_strict(
        scheme,
        certificate.tbs_certificate().subject_public_key_info(),
        SignedMessage::Bytes(&attributes.signed_bytes()),
        &parsed.signature_value,
    )
    .map_err(|failure| match failure {
        VerifyFailure::Invalid => CmsError::SignatureInvalid,
        VerifyFailure::KeyMismatch { .. }
        | VerifyFailure::BadKey(_)
        | VerifyFailure::Unsupported(_) => unsupported_key(),
    })?;

    let signing_certificate = match &attributes.signing_certificate_v2 {
        SingleValue::Present(value) => {
            let value = der::Any::from_ber(value).map_err(|e| CmsError::Malformed {
                what: "SigningCertificateV2",
                detail: e.to_string(),
            })?;
            let binding = decode_signing_certificate_v2(&value)?;
            // RFC 5035 §5.4: the first certID identifies the signer's certificate.
            let first = binding
                .certs
                .first()
                .ok_or(CmsError::SigningCertificateMismatch)?;
            if !first.matches(certificate_der, &certificate)? {
                return Err(CmsError::SigningCertificateMismatch);
            }
            SigningCertificateBinding::V2
        }
        SingleValue::NotSingle | SingleValue::Malformed(_) => {
            return Err(CmsError::AttributeNotSingle {
                name: "signing-certificate-v2",
            });
        }
        SingleValue::Absent if attributes.signing_certificate_v1 != SingleValue::Absent => {
            SigningCertificateBinding::V1Only
        }
        SingleValue::Absent => SigningCertificateBinding::Absent,
    };

    Ok(SignerSummary {
        certificate: info,
        digest_algorithm,
        scheme: scheme.scheme(),
        signature_algorithm_oid: parsed.signature_algorithm_oid,
        signed_attributes: attributes.types.clone(),
        signing_certificate,
        indefinite_lengths: parsed.indefinite_lengths,
        certificates_der: parsed.certificates,
        signature_value: parsed.signature_value,
        unsigned_attributes: parsed.unsigned_attributes,
    })
}

/// The only value of the only signed attribute of type `oid` (RFC 5652 §11.1–11.2 require
/// exactly one), as encoded.
fn single_value<'a>(
    attributes: &'a SignedAttributes,
    oid: ObjectIdentifier,
    name: &'static str,
) -> Result<&'a [u8], CmsError> {
    let all = raw::attributes(&attributes.raw)?;
    // `types` holds the types of the attributes of `raw`, in the same order.
    let mut matching = all
        .iter()
        .zip(&attributes.types)
        .filter(|(_, kind)| **kind == oid)
        .map(|(attribute, _)| attribute);
    let attribute = matching.next().ok_or(CmsError::MissingAttribute { name })?;
    match (matching.next(), attribute.values.as_slice()) {
        (None, [value]) => Ok(value),
        _ => Err(CmsError::AttributeNotSingle { name }),
    }
}

/// An attribute value decoded as DER. [`SignedAttributes`] decodes values as BER, to report on
/// others' signatures; ours are DER, as RFC 5652 §5.4 asks of signed attributes.
fn der_value<T: for<'a> Decode<'a, Error = der::Error>>(
    value: &[u8],
    what: &'static str,
) -> Result<T, CmsError> {
    T::from_der(value).map_err(|e| CmsError::Malformed {
        what,
        detail: e.to_string(),
    })
}
