//! ESS signing-certificate-v2 (RFC 5035), the signed attribute that binds a CAdES / PAdES
//! signature to the signer's certificate, so that another certificate with the same key cannot
//! be substituted.
//!
//! The `cms` crate does not define these types, so they are written here with `der` derive,
//! each quoting its ASN.1 from RFC 5035 §3.

use const_oid::ObjectIdentifier;
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::certpolicy::PolicyInformation;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;

use super::CmsError;
use super::algorithm::{digest, hash_from_identifier};
use super::digest::DigestAlgorithm;
use crate::token::HashAlgorithm;

/// id-aa-signingCertificateV2 (RFC 5035 §3).
pub const ID_AA_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    const_oid::db::rfc5911::ID_AA_SIGNING_CERTIFICATE_V_2;
/// id-aa-signingCertificate (RFC 2634 §5.4), the SHA-1 predecessor, only recognised.
pub const ID_AA_SIGNING_CERTIFICATE: ObjectIdentifier =
    const_oid::db::rfc5911::ID_AA_SIGNING_CERTIFICATE;

/// ```text
/// SigningCertificateV2 ::=  SEQUENCE {
///     certs        SEQUENCE OF ESSCertIDv2,
///     policies     SEQUENCE OF PolicyInformation OPTIONAL
/// }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SigningCertificateV2 {
    pub certs: Vec<EssCertIdV2>,
    pub policies: Option<Vec<PolicyInformation>>,
}

/// ```text
/// ESSCertIDv2 ::=  SEQUENCE {
///     hashAlgorithm           AlgorithmIdentifier
///                             DEFAULT {algorithm id-sha256},
///     certHash                Hash,
///     issuerSerial            IssuerSerial OPTIONAL
/// }
/// Hash ::= OCTET STRING
/// ```
///
/// `hash_algorithm` is `None` for the DEFAULT, SHA-256, which DER requires to be omitted.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EssCertIdV2 {
    pub hash_algorithm: Option<AlgorithmIdentifierOwned>,
    pub cert_hash: OctetString,
    pub issuer_serial: Option<IssuerSerial>,
}

/// ```text
/// IssuerSerial ::= SEQUENCE {
///     issuer                   GeneralNames,
///     serialNumber             CertificateSerialNumber
/// }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct IssuerSerial {
    pub issuer: Vec<GeneralName>,
    pub serial_number: SerialNumber,
}

impl EssCertIdV2 {
    /// The hash this certID was made with (SHA-256 when the field is absent).
    pub fn hash(&self) -> Result<HashAlgorithm, CmsError> {
        match &self.hash_algorithm {
            None => Ok(HashAlgorithm::Sha256),
            Some(algorithm) => hash_from_identifier(algorithm),
        }
    }

    /// Whether this certID identifies `certificate`, given as its original DER. Any hash a
    /// validator knows is accepted here (SHA-1 and SHA-3 included): which hashes are strong
    /// enough is for the caller to judge.
    pub fn matches(
        &self,
        certificate_der: &[u8],
        certificate: &Certificate,
    ) -> Result<bool, CmsError> {
        let hash = match &self.hash_algorithm {
            None => DigestAlgorithm::Sha256,
            Some(algorithm) => DigestAlgorithm::from_oid(&algorithm.oid).ok_or_else(|| {
                CmsError::UnsupportedAlgorithm {
                    oid: algorithm.oid.to_string(),
                }
            })?,
        };
        Ok(hash.digest(certificate_der) == self.cert_hash.as_bytes()
            && issuer_serial_matches(self.issuer_serial.as_ref(), certificate))
    }
}

/// RFC 5035 §4 (and RFC 2634 §5.4.1): when issuerSerial is present it must name the
/// certificate too.
fn issuer_serial_matches(issuer_serial: Option<&IssuerSerial>, certificate: &Certificate) -> bool {
    match issuer_serial {
        None => true,
        Some(issuer_serial) => {
            let tbs = certificate.tbs_certificate();
            issuer_serial.serial_number == *tbs.serial_number()
                && issuer_serial
                    .issuer
                    .iter()
                    .any(|name| matches!(name, GeneralName::DirectoryName(n) if n == tbs.issuer()))
        }
    }
}

/// ```text
/// SigningCertificate ::=  SEQUENCE {
///     certs        SEQUENCE OF ESSCertID,
///     policies     SEQUENCE OF PolicyInformation OPTIONAL
/// }
/// ```
/// (RFC 2634 §5.4, the SHA-1 predecessor of [`SigningCertificateV2`], still written by
/// time-stamping authorities and older signers.)
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SigningCertificate {
    pub certs: Vec<EssCertId>,
    pub policies: Option<Vec<PolicyInformation>>,
}

/// ```text
/// ESSCertID ::=  SEQUENCE {
///      certHash                 Hash,          -- SHA-1 of the whole certificate
///      issuerSerial             IssuerSerial OPTIONAL
/// }
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EssCertId {
    pub cert_hash: OctetString,
    pub issuer_serial: Option<IssuerSerial>,
}

impl EssCertId {
    /// Whether this certID identifies `certificate`, given as its original DER.
    pub fn matches(&self, certificate_der: &[u8], certificate: &Certificate) -> bool {
        DigestAlgorithm::Sha1.digest(certificate_der) == self.cert_hash.as_bytes()
            && issuer_serial_matches(self.issuer_serial.as_ref(), certificate)
    }
}

/// Decodes the value of a signing-certificate (v1) attribute.
pub fn decode_signing_certificate(value_der: &[u8]) -> Result<SigningCertificate, CmsError> {
    SigningCertificate::from_ber(value_der).map_err(|e| CmsError::Malformed {
        what: "SigningCertificate",
        detail: e.to_string(),
    })
}

/// The signing-certificate-v2 attribute for the signer's certificate: one ESSCertIDv2 with
/// the SHA-256 of `certificate_der` (the original bytes, never a re-encoding) and the
/// issuer and serial number.
pub fn signing_certificate_v2_attribute(
    certificate_der: &[u8],
    certificate: &Certificate,
) -> Result<Attribute, CmsError> {
    let tbs = certificate.tbs_certificate();
    let encoding = |e: der::Error| CmsError::Encoding(e.to_string());
    let value = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: None,
            cert_hash: OctetString::new(digest(HashAlgorithm::Sha256, certificate_der))
                .map_err(encoding)?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(tbs.issuer().clone())],
                serial_number: tbs.serial_number().clone(),
            }),
        }],
        policies: None,
    };
    let mut values = SetOfVec::new();
    values
        .insert(Any::encode_from(&value).map_err(encoding)?)
        .map_err(encoding)?;
    Ok(Attribute {
        oid: ID_AA_SIGNING_CERTIFICATE_V2,
        values,
    })
}

/// Decodes the value of a signing-certificate-v2 attribute.
pub fn decode_signing_certificate_v2(value: &Any) -> Result<SigningCertificateV2, CmsError> {
    let der = value.to_der().map_err(|e| CmsError::Malformed {
        what: "SigningCertificateV2",
        detail: e.to_string(),
    })?;
    SigningCertificateV2::from_der(&der).map_err(|e| CmsError::Malformed {
        what: "SigningCertificateV2",
        detail: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_default_is_omitted_and_decodes_back() {
        let id = EssCertIdV2 {
            hash_algorithm: None,
            cert_hash: OctetString::new([0xab; 32]).unwrap(),
            issuer_serial: None,
        };
        let value = SigningCertificateV2 {
            certs: vec![id],
            policies: None,
        };
        let der = value.to_der().unwrap();
        // SEQUENCE { SEQUENCE OF { SEQUENCE { OCTET STRING (32) } } }: no AlgorithmIdentifier.
        assert_eq!(&der[..6], &[0x30, 0x26, 0x30, 0x24, 0x30, 0x22]);
        assert_eq!(&der[6..8], &[0x04, 0x20]);
        let back = SigningCertificateV2::from_der(&der).unwrap();
        assert_eq!(back, value);
        assert_eq!(back.certs[0].hash().unwrap(), HashAlgorithm::Sha256);
    }

    #[test]
    fn explicit_sha384_is_read() {
        let id = EssCertIdV2 {
            hash_algorithm: Some(super::super::algorithm::digest_algorithm(
                HashAlgorithm::Sha384,
            )),
            cert_hash: OctetString::new([0; 48]).unwrap(),
            issuer_serial: None,
        };
        let back = EssCertIdV2::from_der(&id.to_der().unwrap()).unwrap();
        assert_eq!(back.hash().unwrap(), HashAlgorithm::Sha384);
    }
}
