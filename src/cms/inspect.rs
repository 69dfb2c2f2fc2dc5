//! Reading a CMS SignedData made by someone else, for validation (RFC 5652 §5).
//!
//! [`check_signed_data`](super::check_signed_data) is strict and stops at the first problem:
//! right for checking our own signature. A validator needs the opposite: read as much as can
//! be read, keep every part that a check looks at as the original bytes, and let each check
//! report on its own. So [`ParsedSignedData::parse`] fails only when the bytes are not a
//! SignedData with one readable SignerInfo; everything else (unknown algorithms, a missing
//! certificate, malformed attributes) is kept as a fact for the checks to judge.
//!
//! Accepted beyond DER: BER indefinite lengths and constructed OCTET STRINGs; signed attributes
//! in any order (the signature is checked over them as encoded, never re-encoded, and whether
//! they were DER-sorted is reported); `crls` holding untagged `OtherRevocationInfoFormat`
//! (OCSP responses, as iText writes them); attribute certificates in `certificates` (skipped).

use cms::signed_data::{SignerIdentifier, SignerInfo};
use const_oid::ObjectIdentifier;
use der::Decode;
use der::asn1::OctetString;
use serde::Serialize;
use spki::AlgorithmIdentifierOwned;
use time::OffsetDateTime;
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectKeyIdentifier;

use super::CmsError;
use super::digest::DigestAlgorithm;
use super::ess::{
    ID_AA_SIGNING_CERTIFICATE, ID_AA_SIGNING_CERTIFICATE_V2, decode_signing_certificate,
    decode_signing_certificate_v2,
};
use super::raw::{self, Tlv};
use super::signature::{self, SignatureAlgorithm, SignedMessage, VerifyFailure};

/// CMS inputs larger than this are refused before parsing. PDF signatures are a few KiB, with
/// embedded revocation data a few hundred KiB.
pub const MAX_CMS_LEN: usize = 16 * 1024 * 1024;

const fn oid(dotted: &str) -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap(dotted)
}

/// id-contentType (RFC 5652 §11.1).
pub const ID_CONTENT_TYPE: ObjectIdentifier = oid("1.2.840.113549.1.9.3");
/// id-messageDigest (RFC 5652 §11.2).
pub const ID_MESSAGE_DIGEST: ObjectIdentifier = oid("1.2.840.113549.1.9.4");
/// id-signingTime (RFC 5652 §11.3).
pub const ID_SIGNING_TIME: ObjectIdentifier = oid("1.2.840.113549.1.9.5");
/// id-data (RFC 5652 §4).
pub const ID_DATA: ObjectIdentifier = oid("1.2.840.113549.1.7.1");
/// id-ct-TSTInfo (RFC 3161 §2.4.2).
pub const ID_CT_TST_INFO: ObjectIdentifier = oid("1.2.840.113549.1.9.16.1.4");
/// id-aa-signatureTimeStampToken (RFC 3161 Appendix A).
pub const ID_AA_SIGNATURE_TIME_STAMP_TOKEN: ObjectIdentifier = oid("1.2.840.113549.1.9.16.2.14");
/// adbe-revocationInfoArchival (ISO 32000-1 §12.8.3.3.2): CRLs and OCSP responses as a
/// signed attribute.
pub const ID_ADBE_REVOCATION_INFO_ARCHIVAL: ObjectIdentifier = oid("1.2.840.113583.1.1.8");
/// id-ri-ocsp-response (RFC 5940 §4.1): an OCSP response as `OtherRevocationInfoFormat`.
pub const ID_RI_OCSP_RESPONSE: ObjectIdentifier = oid("1.3.6.1.5.5.7.16.2");

/// How the SignerInfo names its signer's certificate (RFC 5652 §5.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum SignerId {
    /// issuerAndSerialNumber.
    IssuerAndSerial { issuer: String, serial_hex: String },
    /// subjectKeyIdentifier (hex).
    SubjectKeyIdentifier { key_id_hex: String },
}

/// A signed attribute that must occur once with one value (RFC 5652 §5.3): what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SingleValue<T> {
    /// Not there.
    Absent,
    /// Once, with one readable value.
    Present(T),
    /// More than once, or with more than one value.
    NotSingle,
    /// Once, but the value does not decode.
    Malformed(String),
}

impl<T> SingleValue<T> {
    /// The value, when present and well-formed.
    pub fn value(&self) -> Option<&T> {
        match self {
            SingleValue::Present(v) => Some(v),
            _ => None,
        }
    }
}

/// An attribute as encoded: its type and each value's whole TLV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawAttributeValues {
    /// The attribute type.
    pub oid: ObjectIdentifier,
    /// Each value, as encoded.
    pub values_der: Vec<Vec<u8>>,
}

/// Revocation data carried by the signature itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmbeddedRevocation {
    /// CertificateLists (DER or BER, as found).
    pub crls: Vec<Vec<u8>>,
    /// OCSPResponses, as found.
    pub ocsp_responses: Vec<Vec<u8>>,
}

impl EmbeddedRevocation {
    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.crls.is_empty() && self.ocsp_responses.is_empty()
    }
}

/// The signed attributes, as encoded and as read.
#[derive(Debug, Clone)]
pub struct SignedAttributes {
    /// The `[0] IMPLICIT` TLV exactly as encoded (what the signature covers, once the tag is
    /// made SET OF).
    pub raw: Vec<u8>,
    /// Attribute types in encoded order.
    pub types: Vec<ObjectIdentifier>,
    /// Whether the SET is in DER order with a definite length (RFC 5652 §5.4 asks for DER).
    pub der_sorted: bool,
    /// content-type.
    pub content_type: SingleValue<ObjectIdentifier>,
    /// message-digest.
    pub message_digest: SingleValue<Vec<u8>>,
    /// signing-time, the signer's own claim.
    pub signing_time: SingleValue<OffsetDateTime>,
    /// signing-certificate-v2 value (DER), if present.
    pub signing_certificate_v2: SingleValue<Vec<u8>>,
    /// signing-certificate (v1) value (DER), if present.
    pub signing_certificate_v1: SingleValue<Vec<u8>>,
    /// adbe-revocationInfoArchival contents.
    pub revocation_archival: EmbeddedRevocation,
}

impl SignedAttributes {
    /// What the signature covers: the attributes as encoded, with the `[0] IMPLICIT` tag made
    /// the SET OF tag (RFC 5652 §5.4), never a re-encoding.
    pub fn signed_bytes(&self) -> Vec<u8> {
        let mut bytes = self.raw.clone();
        if let Some(tag) = bytes.first_mut() {
            *tag = 0x31;
        }
        bytes
    }
}

/// A SignedData with exactly one SignerInfo, read for validation.
#[derive(Debug, Clone)]
pub struct ParsedSignedData {
    /// eContentType.
    pub econtent_type: ObjectIdentifier,
    /// The eContent octets (`adbe.pkcs7.sha1`, a TSTInfo); `None` when detached.
    pub econtent: Option<Vec<u8>>,
    /// The SignerInfo's digestAlgorithm, as written.
    pub digest_algorithm_oid: ObjectIdentifier,
    /// … with its parameters.
    pub digest_algorithm_identifier: AlgorithmIdentifierOwned,
    /// … and as known.
    pub digest_algorithm: Option<DigestAlgorithm>,
    /// The signatureAlgorithm OID as written.
    pub signature_algorithm_oid: ObjectIdentifier,
    /// … with its parameters.
    pub signature_algorithm_identifier: AlgorithmIdentifierOwned,
    /// … and as read (`Err`: malformed RSASSA-PSS parameters).
    pub signature_algorithm: Result<SignatureAlgorithm, String>,
    /// The signature value.
    pub signature_value: Vec<u8>,
    /// How the signer's certificate is named.
    pub signer_id: SignerId,
    /// Every X.509 certificate of `certificates`, original bytes, in order.
    pub certificates: Vec<Vec<u8>>,
    /// Index in `certificates` of the one `signer_id` names.
    pub signer_certificate: Option<usize>,
    /// The signed attributes, if any.
    pub signed_attributes: Option<SignedAttributes>,
    /// The unsigned attributes, as encoded.
    pub unsigned_attributes: Vec<RawAttributeValues>,
    /// Revocation data in `crls` (RevocationInfoChoices).
    pub revocation_info: EmbeddedRevocation,
    /// Some length on the way to the SignerInfo was indefinite (BER).
    pub indefinite_lengths: bool,
}

/// Why the signature value was not checked, or did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureCheckError {
    /// No certificate in the SignedData matches the SignerInfo.
    NoSignerCertificate,
    /// The algorithm cannot be read, or names no hash while the digestAlgorithm is unknown.
    UnknownAlgorithm(String),
    /// The verification itself failed.
    Failed(VerifyFailure),
}

impl ParsedSignedData {
    /// Reads `cms` (DER or BER; zero padding after it allowed). Fails only when the bytes are
    /// not a SignedData with exactly one readable SignerInfo.
    pub fn parse(cms: &[u8]) -> Result<Self, CmsError> {
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
        let malformed = |what: &'static str| {
            move |e: der::Error| CmsError::Malformed {
                what,
                detail: e.to_string(),
            }
        };
        let signer_info =
            SignerInfo::from_ber(raw_signer.whole).map_err(malformed("SignerInfo"))?;
        let encap_fields = raw::children(raw.encap_content_info.content, 3)?;
        let econtent_type = encap_fields
            .first()
            .ok_or_else(|| CmsError::Malformed {
                what: "EncapsulatedContentInfo",
                detail: "empty".to_owned(),
            })
            .and_then(|t| ObjectIdentifier::from_der(t.whole).map_err(malformed("eContentType")))?;
        let econtent = raw::encapsulated_content(&raw.encap_content_info)?;

        let certificates: Vec<Vec<u8>> = raw.certificates.iter().map(|c| c.to_vec()).collect();
        let signer_certificate = certificates.iter().position(|der| {
            Certificate::from_der(der).is_ok_and(|c| identifies(&signer_info.sid, &c))
        });

        let signed_attributes = raw_signer
            .signed_attributes
            .map(read_signed_attributes)
            .transpose()?;
        let unsigned_attributes = match raw_signer.unsigned_attributes {
            None => Vec::new(),
            Some(set) => raw::attributes(set)?
                .into_iter()
                .map(|a| {
                    Ok(RawAttributeValues {
                        oid: ObjectIdentifier::from_der(a.oid)
                            .map_err(malformed("attribute type"))?,
                        values_der: a.values.iter().map(|v| v.to_vec()).collect(),
                    })
                })
                .collect::<Result<_, CmsError>>()?,
        };

        Ok(ParsedSignedData {
            econtent_type,
            econtent,
            digest_algorithm_oid: signer_info.digest_alg.oid,
            digest_algorithm: DigestAlgorithm::from_oid(&signer_info.digest_alg.oid),
            digest_algorithm_identifier: signer_info.digest_alg,
            signature_algorithm_oid: signer_info.signature_algorithm.oid,
            signature_algorithm: SignatureAlgorithm::from_identifier(
                &signer_info.signature_algorithm,
            ),
            signature_algorithm_identifier: signer_info.signature_algorithm,
            signature_value: signer_info.signature.as_bytes().to_vec(),
            signer_id: signer_id(&signer_info.sid),
            certificates,
            signer_certificate,
            signed_attributes,
            unsigned_attributes,
            revocation_info: revocation_choices(&raw.revocation_info),
            indefinite_lengths: raw.indefinite_lengths,
        })
    }

    /// The signer's certificate, original DER.
    pub fn signer_certificate_der(&self) -> Option<&[u8]> {
        self.signer_certificate
            .and_then(|i| self.certificates.get(i))
            .map(Vec::as_slice)
    }

    /// The hash the signature value is made with: the one the signature algorithm names, else
    /// the digestAlgorithm (Ed25519 signs the message itself and uses none of its own).
    pub fn signature_hash(&self) -> Option<DigestAlgorithm> {
        match &self.signature_algorithm {
            Ok(algorithm) => algorithm.named_hash().or(self.digest_algorithm),
            Err(_) => self.digest_algorithm,
        }
    }

    /// The hash the signed content (the document, or the eContent) must be digested with:
    /// the digestAlgorithm when there are signed attributes (their message-digest), else the
    /// signature's own hash, since the signature is then made over the content digest.
    pub fn content_digest_algorithm(&self) -> Option<DigestAlgorithm> {
        if self.signed_attributes.is_some() {
            self.digest_algorithm
        } else {
            self.signature_hash()
        }
    }

    /// Verifies the signature value with the signer's certificate: over the signed attributes
    /// as encoded (tag made SET OF, RFC 5652 §5.4), or, without signed attributes, over
    /// `content_digest` (made with [`Self::content_digest_algorithm`]).
    pub fn verify_signature(&self, content_digest: &[u8]) -> Result<(), SignatureCheckError> {
        let certificate_der = self
            .signer_certificate_der()
            .ok_or(SignatureCheckError::NoSignerCertificate)?;
        let certificate = Certificate::from_der(certificate_der)
            .map_err(|_| SignatureCheckError::NoSignerCertificate)?;
        let algorithm = self
            .signature_algorithm
            .as_ref()
            .map_err(|e| SignatureCheckError::UnknownAlgorithm(e.clone()))?;
        let hash = self.signature_hash();
        let spki = certificate.tbs_certificate().subject_public_key_info();
        let signed_bytes = self
            .signed_attributes
            .as_ref()
            .map(SignedAttributes::signed_bytes);
        let message = match &signed_bytes {
            Some(bytes) => SignedMessage::Bytes(bytes),
            None => SignedMessage::Digest(content_digest),
        };
        let hash = match (hash, algorithm) {
            (Some(hash), _) => hash,
            // Ed25519 hashes internally; the value passed here is never used for it.
            (None, SignatureAlgorithm::Ed25519) => DigestAlgorithm::Sha512,
            (None, _) => {
                return Err(SignatureCheckError::UnknownAlgorithm(format!(
                    "digest algorithm {}",
                    self.digest_algorithm_oid
                )));
            }
        };
        let result = signature::verify(algorithm, hash, spki, message, &self.signature_value);
        // Some signers label the signature with one hash and make it with the digestAlgorithm
        // (iText, sha256WithRSA over SHA-384). Over the signed attributes the bytes are the
        // same either way, so the other hash is tried too; the caller reports the mismatch.
        match (result, message, self.digest_algorithm) {
            (Err(VerifyFailure::Invalid), SignedMessage::Bytes(_), Some(other))
                if other != hash =>
            {
                signature::verify(algorithm, other, spki, message, &self.signature_value)
                    .map_err(|_| SignatureCheckError::Failed(VerifyFailure::Invalid))
            }
            (result, _, _) => result.map_err(SignatureCheckError::Failed),
        }
    }

    /// Checks the ESS signing-certificate(-v2) attribute against the signer's certificate.
    pub fn signing_certificate_binding(&self) -> BindingCheck {
        let Some(attributes) = &self.signed_attributes else {
            return BindingCheck::Absent;
        };
        let certificate = self
            .signer_certificate_der()
            .and_then(|der| Certificate::from_der(der).ok().map(|c| (der, c)));
        let check_v2 = |value: &[u8]| -> BindingCheck {
            let Ok(any) = der::Any::from_ber(value) else {
                return BindingCheck::Malformed { version: 2 };
            };
            let Ok(binding) = decode_signing_certificate_v2(&any) else {
                return BindingCheck::Malformed { version: 2 };
            };
            let Some((der, certificate)) = &certificate else {
                return BindingCheck::NoCertificate { version: 2 };
            };
            // RFC 5035 §5.4: the first certID identifies the signer's certificate.
            match binding.certs.first().map(|id| id.matches(der, certificate)) {
                Some(Ok(true)) => BindingCheck::Matches { version: 2 },
                Some(Ok(false)) | None => BindingCheck::Mismatch { version: 2 },
                Some(Err(_)) => BindingCheck::UnknownHash,
            }
        };
        let check_v1 = |value: &[u8]| -> BindingCheck {
            let Ok(binding) = decode_signing_certificate(value) else {
                return BindingCheck::Malformed { version: 1 };
            };
            let Some((der, certificate)) = &certificate else {
                return BindingCheck::NoCertificate { version: 1 };
            };
            match binding.certs.first() {
                Some(id) if id.matches(der, certificate) => BindingCheck::Matches { version: 1 },
                _ => BindingCheck::Mismatch { version: 1 },
            }
        };
        match (
            &attributes.signing_certificate_v2,
            &attributes.signing_certificate_v1,
        ) {
            (SingleValue::Present(v2), _) => check_v2(v2),
            (SingleValue::NotSingle | SingleValue::Malformed(_), _) => {
                BindingCheck::Malformed { version: 2 }
            }
            (SingleValue::Absent, SingleValue::Present(v1)) => check_v1(v1),
            (SingleValue::Absent, SingleValue::NotSingle | SingleValue::Malformed(_)) => {
                BindingCheck::Malformed { version: 1 }
            }
            (SingleValue::Absent, SingleValue::Absent) => BindingCheck::Absent,
        }
    }

    /// The unsigned attribute values of type `oid`, as encoded.
    pub fn unsigned_values(&self, oid: ObjectIdentifier) -> impl Iterator<Item = &[u8]> {
        self.unsigned_attributes
            .iter()
            .filter(move |a| a.oid == oid)
            .flat_map(|a| a.values_der.iter().map(Vec::as_slice))
    }
}

/// The result of checking the ESS signing-certificate binding (RFC 5035, RFC 2634 §5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum BindingCheck {
    /// The attribute names the signer's certificate.
    Matches { version: u8 },
    /// The attribute names another certificate: the certificate was substituted.
    Mismatch { version: u8 },
    /// The attribute does not decode, or occurs more than once.
    Malformed { version: u8 },
    /// The attribute uses a hash this crate does not know.
    UnknownHash,
    /// There is no signer certificate to compare with.
    NoCertificate { version: u8 },
    /// Neither attribute is present.
    Absent,
}

fn read_signed_attributes(raw_set: &[u8]) -> Result<SignedAttributes, CmsError> {
    let attributes = raw::attributes(raw_set)?;
    let mut types = Vec::with_capacity(attributes.len());
    for attribute in &attributes {
        types.push(
            ObjectIdentifier::from_der(attribute.oid).map_err(|e| CmsError::Malformed {
                what: "attribute type",
                detail: e.to_string(),
            })?,
        );
    }
    let single = |wanted: ObjectIdentifier| -> SingleValue<&[u8]> {
        let mut matching = attributes
            .iter()
            .zip(&types)
            .filter(|(_, oid)| **oid == wanted)
            .map(|(a, _)| a);
        match (matching.next(), matching.next()) {
            (None, _) => SingleValue::Absent,
            (Some(a), None) if a.values.len() == 1 => SingleValue::Present(a.values[0]),
            _ => SingleValue::NotSingle,
        }
    };
    fn decode<T>(
        value: SingleValue<&[u8]>,
        read: impl Fn(&[u8]) -> Result<T, String>,
    ) -> SingleValue<T> {
        match value {
            SingleValue::Absent => SingleValue::Absent,
            SingleValue::NotSingle => SingleValue::NotSingle,
            SingleValue::Malformed(e) => SingleValue::Malformed(e),
            SingleValue::Present(bytes) => match read(bytes) {
                Ok(v) => SingleValue::Present(v),
                Err(e) => SingleValue::Malformed(e),
            },
        }
    }
    let revocation_archival = match single(ID_ADBE_REVOCATION_INFO_ARCHIVAL) {
        SingleValue::Present(value) => revocation_archival(value),
        _ => EmbeddedRevocation::default(),
    };
    Ok(SignedAttributes {
        raw: raw_set.to_vec(),
        der_sorted: raw::is_der_sorted_set(raw_set),
        content_type: decode(single(ID_CONTENT_TYPE), |v| {
            ObjectIdentifier::from_ber(v).map_err(|e| e.to_string())
        }),
        message_digest: decode(single(ID_MESSAGE_DIGEST), |v| {
            OctetString::from_ber(v)
                .map(|o| o.as_bytes().to_vec())
                .map_err(|e| e.to_string())
        }),
        signing_time: decode(single(ID_SIGNING_TIME), |v| {
            x509_cert::time::Time::from_ber(v)
                .map_err(|e| e.to_string())
                .and_then(|t| {
                    OffsetDateTime::from_unix_timestamp(t.to_unix_duration().as_secs() as i64)
                        .map_err(|e| e.to_string())
                })
        }),
        signing_certificate_v2: decode(single(ID_AA_SIGNING_CERTIFICATE_V2), |v| Ok(v.to_vec())),
        signing_certificate_v1: decode(single(ID_AA_SIGNING_CERTIFICATE), |v| Ok(v.to_vec())),
        revocation_archival,
        types,
    })
}

/// ```text
/// RevocationInfoArchival ::= SEQUENCE {
///     crl          [0] EXPLICIT SEQUENCE of CRLs OPTIONAL,
///     ocsp         [1] EXPLICIT SEQUENCE of OCSP Responses OPTIONAL,
///     otherRevInfo [2] EXPLICIT SEQUENCE of OtherRevInfo OPTIONAL }
/// ```
/// (ISO 32000-1 §12.8.3.3.2). Unreadable parts are skipped: the revocation checker reports
/// what it could not find.
fn revocation_archival(value: &[u8]) -> EmbeddedRevocation {
    let mut out = EmbeddedRevocation::default();
    let Ok((sequence, _)) = raw::read_tlv(value, 0) else {
        return out;
    };
    for field in raw::children(sequence.content, 1).unwrap_or_default() {
        let target = match field.tag_byte() {
            Some(0xa0) => &mut out.crls,
            Some(0xa1) => &mut out.ocsp_responses,
            _ => continue,
        };
        for list in raw::children(field.content, 2).unwrap_or_default() {
            for item in raw::children(list.content, 3).unwrap_or_default() {
                target.push(item.whole.to_vec());
            }
        }
    }
    out
}

/// RevocationInfoChoices (RFC 5652 §10.2.1): a CertificateList is a SEQUENCE whose first
/// element is a SEQUENCE (tbsCertList); `[1] OtherRevocationInfoFormat` is a SEQUENCE of an OID
/// and the data — and some writers leave out the `[1]`, so an untagged SEQUENCE starting with
/// an OID is read the same way.
fn revocation_choices(choices: &[Tlv<'_>]) -> EmbeddedRevocation {
    let mut out = EmbeddedRevocation::default();
    for choice in choices {
        let Ok(fields) = raw::children(choice.content, 3) else {
            continue;
        };
        match (choice.tag_byte(), fields.first().and_then(Tlv::tag_byte)) {
            (Some(0x30), Some(0x30)) => out.crls.push(choice.whole.to_vec()),
            (Some(0x30 | 0xa1), Some(0x06)) => {
                let is_ocsp = fields
                    .first()
                    .and_then(|f| ObjectIdentifier::from_der(f.whole).ok())
                    == Some(ID_RI_OCSP_RESPONSE);
                if let (true, Some(data)) = (is_ocsp, fields.get(1)) {
                    out.ocsp_responses.push(data.whole.to_vec());
                }
            }
            _ => {}
        }
    }
    out
}

fn signer_id(sid: &SignerIdentifier) -> SignerId {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => SignerId::IssuerAndSerial {
            issuer: id.issuer.to_string(),
            serial_hex: hex::encode_upper(id.serial_number.as_bytes()),
        },
        SignerIdentifier::SubjectKeyIdentifier(ski) => SignerId::SubjectKeyIdentifier {
            key_id_hex: hex::encode(ski.0.as_bytes()),
        },
    }
}

/// Whether `certificate` is the one `sid` names.
pub(crate) fn identifies(sid: &SignerIdentifier, certificate: &Certificate) -> bool {
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
