//! Checking one CMS SignedData against a document digest: the strict self-check right after
//! signing (PAdES B-B as Kyso writes it: SHA-2, RSA or ECDSA P-256/P-384, signed attributes).
//! Signatures made by others are read by [`super::inspect`], which accepts more and reports
//! each problem on its own.
//!
//! What is checked, in order (RFC 5652 §5.4–5.6, RFC 5035, ETSI EN 319 122-1 §5.2.2):
//! 1. one SignerInfo, detached content, supported digest and signature algorithms;
//! 2. content-type and message-digest signed attributes, single-valued; content-type equals
//!    eContentType; message-digest equals the document digest;
//! 3. the signer's certificate is among `certificates` (by issuerAndSerialNumber or SKI);
//! 4. the signature verifies over the signed attributes **as encoded in the input**, with the
//!    `[0]` tag turned into SET OF (0x31) — never over a re-encoding;
//! 5. signing-certificate-v2, when present, names that certificate (hash over its original DER).
//!
//! Trust in the certificate (path, validity, revocation) is not checked here.

use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier, SignerInfo};
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5911::{ID_CONTENT_TYPE, ID_MESSAGE_DIGEST};
use der::Decode;
use der::asn1::OctetString;
use serde::Serialize;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::SubjectKeyIdentifier;

use super::CmsError;
use super::algorithm::{VerificationScheme, digest, hash_from_identifier, verification_scheme};
use super::ess::{
    ID_AA_SIGNING_CERTIFICATE, ID_AA_SIGNING_CERTIFICATE_V2, decode_signing_certificate_v2,
};
use super::raw;
use crate::pki::{CertificateInfo, EcCurve, PublicKeyKind};
use crate::token::{HashAlgorithm, SignatureScheme};

/// CMS inputs larger than this are refused before parsing. PDF signatures are a few KiB, with
/// embedded revocation data a few hundred KiB.
pub const MAX_CMS_LEN: usize = 16 * 1024 * 1024;

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

/// An unsigned attribute, kept for later checks (e.g. the signature time-stamp token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsignedAttribute {
    /// The attribute type.
    pub oid: ObjectIdentifier,
    /// Each value's DER.
    pub values_der: Vec<Vec<u8>>,
}

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
    if cms.len() > MAX_CMS_LEN {
        return Err(CmsError::Malformed {
            what: "CMS",
            detail: format!("{} bytes, more than the {MAX_CMS_LEN} accepted", cms.len()),
        });
    }
    let raw = raw::signed_data(cms)?;
    let [raw_signer] = raw.signer_infos.as_slice() else {
        return Err(CmsError::SignerCount {
            count: raw.signer_infos.len(),
        });
    };
    let signer_info = SignerInfo::from_ber(raw_signer.whole).map_err(|e| CmsError::Malformed {
        what: "SignerInfo",
        detail: e.to_string(),
    })?;
    let content = EncapsulatedContentInfo::from_ber(raw.encap_content_info.whole).map_err(|e| {
        CmsError::Malformed {
            what: "EncapsulatedContentInfo",
            detail: e.to_string(),
        }
    })?;
    if content.econtent.is_some() {
        return Err(CmsError::NotDetached);
    }
    let digest_algorithm = hash_from_identifier(&signer_info.digest_alg)?;
    let scheme = verification_scheme(&signer_info.signature_algorithm, digest_algorithm)?;

    // Signed attributes: decoded for their values, raw for the signature.
    let (Some(attributes), Some(raw_attributes)) = (
        signer_info.signed_attrs.as_ref(),
        raw_signer.signed_attributes,
    ) else {
        return Err(CmsError::NoSignedAttributes);
    };
    let attributes: Vec<&Attribute> = attributes.iter().collect();
    let content_type = single_value(&attributes, ID_CONTENT_TYPE, "content-type")?
        .decode_as::<ObjectIdentifier>()
        .map_err(|e| CmsError::Malformed {
            what: "content-type attribute",
            detail: e.to_string(),
        })?;
    if content_type != content.econtent_type {
        return Err(CmsError::ContentTypeMismatch {
            attribute: content_type.to_string(),
            econtent_type: content.econtent_type.to_string(),
        });
    }
    let message_digest = single_value(&attributes, ID_MESSAGE_DIGEST, "message-digest")?
        .decode_as::<OctetString>()
        .map_err(|e| CmsError::Malformed {
            what: "message-digest attribute",
            detail: e.to_string(),
        })?;
    if message_digest.as_bytes() != document_digest {
        return Err(CmsError::MessageDigestMismatch);
    }

    // The signer's certificate, by the original bytes.
    let (certificate_der, certificate) = raw
        .certificates
        .iter()
        .filter_map(|der| Certificate::from_der(der).ok().map(|c| (*der, c)))
        .find(|(_, c)| identifies(&signer_info.sid, c))
        .ok_or(CmsError::SignerCertificateNotFound)?;

    // The signature, over the signed attributes as they were encoded, with the SET OF tag that
    // RFC 5652 §5.4 says the signature covers.
    let mut signed_bytes = raw_attributes.to_vec();
    if let Some(tag) = signed_bytes.first_mut() {
        *tag = 0x31;
    }
    let hashed = digest(scheme.hash(), &signed_bytes);
    let signature_value = signer_info.signature.as_bytes();
    let key = CertificateInfo::from_parsed(&certificate, certificate_der)
        .map_err(CmsError::SignerCertificate)?;
    let spki = certificate.tbs_certificate().subject_public_key_info();
    verify_signature(scheme, &key.key, spki, &hashed, signature_value)?;

    let signing_certificate = if has_attribute(&attributes, ID_AA_SIGNING_CERTIFICATE_V2) {
        let value = single_value(
            &attributes,
            ID_AA_SIGNING_CERTIFICATE_V2,
            "signing-certificate-v2",
        )?;
        let binding = decode_signing_certificate_v2(value)?;
        // RFC 5035 §5.4: the first certID identifies the signer's certificate.
        let first = binding
            .certs
            .first()
            .ok_or(CmsError::SigningCertificateMismatch)?;
        if !first.matches(certificate_der, &certificate)? {
            return Err(CmsError::SigningCertificateMismatch);
        }
        SigningCertificateBinding::V2
    } else if has_attribute(&attributes, ID_AA_SIGNING_CERTIFICATE) {
        SigningCertificateBinding::V1Only
    } else {
        SigningCertificateBinding::Absent
    };

    Ok(SignerSummary {
        certificate: key,
        certificates_der: raw.certificates.iter().map(|c| c.to_vec()).collect(),
        digest_algorithm,
        scheme: scheme.scheme(),
        signature_algorithm_oid: signer_info.signature_algorithm.oid,
        signature_value: signature_value.to_vec(),
        signed_attributes: signed_attribute_order(raw_attributes),
        unsigned_attributes: signer_info
            .unsigned_attrs
            .iter()
            .flat_map(|set| set.iter())
            .map(|attribute| UnsignedAttribute {
                oid: attribute.oid,
                values_der: attribute
                    .values
                    .iter()
                    .filter_map(|v| der::Encode::to_der(v).ok())
                    .collect(),
            })
            .collect(),
        signing_certificate,
        indefinite_lengths: raw.indefinite_lengths,
    })
}

fn has_attribute(attributes: &[&Attribute], oid: ObjectIdentifier) -> bool {
    attributes.iter().any(|a| a.oid == oid)
}

/// The only value of the only attribute of type `oid` (RFC 5652 §11.1–11.2 require exactly one).
fn single_value<'a>(
    attributes: &[&'a Attribute],
    oid: ObjectIdentifier,
    name: &'static str,
) -> Result<&'a der::Any, CmsError> {
    let mut matching = attributes.iter().filter(|a| a.oid == oid);
    let attribute = matching.next().ok_or(CmsError::MissingAttribute { name })?;
    if matching.next().is_some() || attribute.values.len() != 1 {
        return Err(CmsError::AttributeNotSingle { name });
    }
    attribute
        .values
        .get(0)
        .ok_or(CmsError::AttributeNotSingle { name })
}

/// Attribute types in the order the input has them (the decoded set is sorted).
fn signed_attribute_order(raw_attributes: &[u8]) -> Vec<ObjectIdentifier> {
    let Ok((outer, _)) = raw::read_tlv(raw_attributes, 0) else {
        return Vec::new();
    };
    raw::children(outer.content, 0)
        .unwrap_or_default()
        .iter()
        .filter_map(|attribute| {
            let fields = raw::children(attribute.content, 1).ok()?;
            ObjectIdentifier::from_der(fields.first()?.whole).ok()
        })
        .collect()
}

/// Whether `certificate` is the one `sid` names.
fn identifies(sid: &SignerIdentifier, certificate: &Certificate) -> bool {
    let tbs = certificate.tbs_certificate();
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => {
            id.issuer == *tbs.issuer() && id.serial_number == *tbs.serial_number()
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            matches!(tbs.get_extension::<SubjectKeyIdentifier>(), Ok(Some((_, own))) if own.0 == ski.0)
        }
    }
}

/// Verifies `signature` over the prehashed `hashed` with the certificate's key.
fn verify_signature(
    scheme: VerificationScheme,
    key: &PublicKeyKind,
    spki: &spki::SubjectPublicKeyInfoOwned,
    hashed: &[u8],
    signature: &[u8],
) -> Result<(), CmsError> {
    use signature::hazmat::PrehashVerifier;

    let unsupported = || CmsError::UnsupportedKey {
        key: key.to_string(),
    };
    let key_bits = spki.subject_public_key.as_bytes().ok_or_else(unsupported)?;
    match (scheme, key) {
        (VerificationScheme::Pkcs1v15(hash), PublicKeyKind::Rsa { .. }) => {
            let public = rsa_key(key_bits).ok_or_else(unsupported)?;
            let padding = match hash {
                HashAlgorithm::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                HashAlgorithm::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
                HashAlgorithm::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
            };
            public
                .verify(padding, hashed, signature)
                .map_err(invalid_signature)
        }
        (VerificationScheme::Pss { hash, salt_len }, PublicKeyKind::Rsa { .. }) => {
            let public = rsa_key(key_bits).ok_or_else(unsupported)?;
            match hash {
                HashAlgorithm::Sha256 => public.verify(
                    rsa::Pss::<sha2::Sha256>::new_with_salt(salt_len),
                    hashed,
                    signature,
                ),
                HashAlgorithm::Sha384 => public.verify(
                    rsa::Pss::<sha2::Sha384>::new_with_salt(salt_len),
                    hashed,
                    signature,
                ),
                HashAlgorithm::Sha512 => public.verify(
                    rsa::Pss::<sha2::Sha512>::new_with_salt(salt_len),
                    hashed,
                    signature,
                ),
            }
            .map_err(invalid_signature)
        }
        (
            VerificationScheme::Ecdsa(_),
            PublicKeyKind::Ec {
                curve: EcCurve::P256,
            },
        ) => {
            let public =
                p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bits).map_err(|_| unsupported())?;
            let signature =
                p256::ecdsa::DerSignature::from_bytes(signature).map_err(invalid_signature)?;
            public
                .verify_prehash(hashed, &signature)
                .map_err(invalid_signature)
        }
        (
            VerificationScheme::Ecdsa(_),
            PublicKeyKind::Ec {
                curve: EcCurve::P384,
            },
        ) => {
            let public =
                p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bits).map_err(|_| unsupported())?;
            let signature =
                p384::ecdsa::DerSignature::from_bytes(signature).map_err(invalid_signature)?;
            public
                .verify_prehash(hashed, &signature)
                .map_err(invalid_signature)
        }
        _ => Err(unsupported()),
    }
}

fn invalid_signature<E>(_: E) -> CmsError {
    CmsError::SignatureInvalid
}

/// The RSA public key from the subjectPublicKey bits (RSAPublicKey, RFC 8017 A.1.1), for both
/// rsaEncryption and id-RSASSA-PSS keys.
fn rsa_key(bits: &[u8]) -> Option<rsa::RsaPublicKey> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    rsa::RsaPublicKey::from_pkcs1_der(bits).ok()
}
