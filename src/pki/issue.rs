//! A small certificate authority (RFC 5280 profile) for the demo mode and the test suites.
//!
//! [`CertificateAuthority::issue`] signs a [`CertificateSpec`] with the CA's software key. The
//! spec carries only the subject's *public* key, so a key pair made on a PKCS#11 token can be
//! certified without its private key leaving the token.
//!
//! Certificates are built with `x509-cert`'s builder and a profile of our own
//! (`SpecProfile`): the builder's stock profiles follow the CA/Browser Forum TLS rules, which
//! do not fit document-signing certificates.

use std::fmt;

use const_oid::{AssociatedOid, ObjectIdentifier};
use der::asn1::{Ia5String, OctetString};
use der::{Any, Decode, Encode, Tag};
use pkcs8::{DecodePrivateKey, PrivateKeyInfoRef};
use sha2::Sha256;
use spki::{SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef};
use time::OffsetDateTime;
use x509_cert::Certificate;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::certificate::TbsCertificate;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::certpolicy::PolicyInformation;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AccessDescription, AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints,
    CertificatePolicies, CrlDistributionPoints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

use super::certificate::KeyUsageFlags;
use super::keygen::KeyError;
use crate::message::{Explain, Message};

/// Object identifiers the demo PKI uses that `const-oid`'s database lacks.
pub mod oids {
    use const_oid::ObjectIdentifier;

    /// id-kp-documentSigning (RFC 9336).
    pub const ID_KP_DOCUMENT_SIGNING: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.36");
    /// id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): an OCSP responder's own status is not checked.
    pub const ID_PKIX_OCSP_NOCHECK: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.5");
    /// A certificate policy for test certificates, under the arc of the Vietnamese government
    /// policy 2.16.704.1.1.1.1.1 seen in real Ban Cơ yếu certificates, with a final `.999` arc
    /// that no real policy uses. It only makes test chains look like real ones.
    pub const TEST_CERTIFICATE_POLICY: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("2.16.704.1.1.1.1.1.999");
}

/// A distinguished name, most general attribute first when encoded (C, ST, L, O, OU, T, CN).
///
/// Values are encoded as UTF8String (C as PrintableString) with no length limit, as Vietnamese
/// CAs do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubjectName {
    /// commonName (CN): a person's full name, or the organisation's name.
    pub common_name: String,
    /// organizationName (O).
    pub organisation: Option<String>,
    /// organizationalUnitName (OU), each its own RDN.
    pub organisational_units: Vec<String>,
    /// title (T): a person's position.
    pub title: Option<String>,
    /// localityName (L).
    pub locality: Option<String>,
    /// stateOrProvinceName (ST).
    pub province: Option<String>,
    /// countryName (C), two letters.
    pub country: Option<String>,
}

impl SubjectName {
    /// The X.501 name, one attribute per RDN.
    pub fn to_name(&self) -> Result<Name, IssueError> {
        use const_oid::db::rfc4519::{
            COMMON_NAME, COUNTRY_NAME, LOCALITY_NAME, ORGANIZATION_NAME, ORGANIZATIONAL_UNIT_NAME,
            ST, TITLE,
        };
        let mut attributes: Vec<(ObjectIdentifier, Tag, &str)> = Vec::new();
        if let Some(c) = &self.country {
            attributes.push((COUNTRY_NAME, Tag::PrintableString, c));
        }
        for (oid, value) in [
            (ST, &self.province),
            (LOCALITY_NAME, &self.locality),
            (ORGANIZATION_NAME, &self.organisation),
        ] {
            if let Some(v) = value {
                attributes.push((oid, Tag::Utf8String, v));
            }
        }
        for ou in &self.organisational_units {
            attributes.push((ORGANIZATIONAL_UNIT_NAME, Tag::Utf8String, ou));
        }
        if let Some(t) = &self.title {
            attributes.push((TITLE, Tag::Utf8String, t));
        }
        attributes.push((COMMON_NAME, Tag::Utf8String, &self.common_name));

        let invalid = |e: der::Error| IssueError::Name(e.to_string());
        let rdns = attributes
            .into_iter()
            .map(|(oid, tag, value)| {
                let value = Any::new(tag, value.as_bytes()).map_err(invalid)?;
                RelativeDistinguishedName::try_from(vec![AttributeTypeAndValue { oid, value }])
                    .map_err(invalid)
            })
            .collect::<Result<Vec<_>, _>>()?;
        // `Name`'s inner sequence is private outside the crate's `hazmat` feature; going through
        // DER is the public way to turn an `RdnSequence` into a `Name`.
        let der = RdnSequence::from(rdns).to_der().map_err(invalid)?;
        Name::from_der(&der).map_err(invalid)
    }
}

/// basicConstraints for a CA certificate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaConstraints {
    /// pathLenConstraint: how many CA certificates may follow this one.
    pub path_len: Option<u8>,
}

/// What to put in a certificate.
#[derive(Debug, Clone)]
pub struct CertificateSpec {
    /// The subject's name.
    pub subject: SubjectName,
    /// Start of validity.
    pub not_before: OffsetDateTime,
    /// End of validity (inclusive).
    pub not_after: OffsetDateTime,
    /// keyUsage bits and criticality; no extension when no bit is set.
    pub key_usage: KeyUsageFlags,
    /// extKeyUsage purposes; no extension when empty.
    pub extended_key_usage: Vec<ObjectIdentifier>,
    /// Whether extKeyUsage is critical (RFC 3161 §2.3 requires it for time-stamping units).
    pub extended_key_usage_critical: bool,
    /// `Some` for a CA: basicConstraints cA=TRUE, critical. End entities carry no basicConstraints.
    pub ca: Option<CaConstraints>,
    /// certificatePolicies identifiers (no qualifiers).
    pub policies: Vec<ObjectIdentifier>,
    /// cRLDistributionPoints URLs.
    pub crl_urls: Vec<String>,
    /// authorityInfoAccess id-ad-ocsp URLs.
    pub ocsp_urls: Vec<String>,
    /// authorityInfoAccess id-ad-caIssuers URLs (where the issuer's certificate is published).
    pub ca_issuers_urls: Vec<String>,
    /// subjectAltName rfc822Name.
    pub email: Option<String>,
    /// Further extensions, added as given.
    pub extra_extensions: Vec<Extension>,
    /// The subject's public key as SubjectPublicKeyInfo DER.
    pub public_key_spki: Vec<u8>,
}

impl CertificateSpec {
    /// An end-entity signing certificate: keyUsage digitalSignature + nonRepudiation, critical.
    pub fn signing(
        subject: SubjectName,
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
        public_key_spki: Vec<u8>,
    ) -> Self {
        CertificateSpec {
            subject,
            not_before,
            not_after,
            key_usage: KeyUsageFlags {
                digital_signature: true,
                non_repudiation: true,
                critical: true,
                ..KeyUsageFlags::default()
            },
            extended_key_usage: Vec::new(),
            extended_key_usage_critical: false,
            ca: None,
            policies: Vec::new(),
            crl_urls: Vec::new(),
            ocsp_urls: Vec::new(),
            ca_issuers_urls: Vec::new(),
            email: None,
            extra_extensions: Vec::new(),
            public_key_spki,
        }
    }

    /// A CA certificate: basicConstraints critical, keyUsage keyCertSign + cRLSign, critical.
    pub fn authority(
        subject: SubjectName,
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
        path_len: Option<u8>,
        public_key_spki: Vec<u8>,
    ) -> Self {
        CertificateSpec {
            key_usage: KeyUsageFlags {
                key_cert_sign: true,
                crl_sign: true,
                critical: true,
                ..KeyUsageFlags::default()
            },
            ca: Some(CaConstraints { path_len }),
            ..Self::signing(subject, not_before, not_after, public_key_spki)
        }
    }
}

/// Why a certificate could not be issued.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The CA's key could not be read or made.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A name attribute could not be encoded.
    #[error("invalid name: {0}")]
    Name(String),
    /// The subject public key is not a SubjectPublicKeyInfo.
    #[error("invalid subject public key: {0}")]
    PublicKey(der::Error),
    /// The CA certificate given with the key could not be parsed.
    #[error("invalid CA certificate: {0}")]
    CaCertificate(der::Error),
    /// The CA certificate does not hold the public half of the CA key.
    #[error("the CA certificate does not match the CA key")]
    KeyMismatch,
    /// notBefore is after notAfter, or a date is before 1970.
    #[error("invalid validity period")]
    Validity,
    /// Building or signing the certificate failed.
    #[error("certificate building failed: {0}")]
    Build(String),
}

impl Explain for IssueError {
    fn message(&self) -> Message {
        match self {
            IssueError::Key(e) => e.message(),
            IssueError::Name(detail) => Message::new(
                "issue-invalid-name",
                format!("Tên trong chứng thư số không hợp lệ: {detail}"),
                format!("Invalid certificate name: {detail}"),
            ),
            IssueError::PublicKey(e) => Message::new(
                "issue-invalid-public-key",
                format!("Khóa công khai không hợp lệ: {e}"),
                format!("Invalid subject public key: {e}"),
            ),
            IssueError::CaCertificate(e) => Message::new(
                "issue-invalid-ca",
                format!("Chứng thư số của CA không hợp lệ: {e}"),
                format!("Invalid CA certificate: {e}"),
            ),
            IssueError::KeyMismatch => Message::new(
                "issue-key-mismatch",
                "Chứng thư số của CA không khớp với khóa của CA",
                "The CA certificate does not match the CA key",
            ),
            IssueError::Validity => Message::new(
                "issue-invalid-validity",
                "Thời hạn hiệu lực không hợp lệ",
                "Invalid validity period",
            ),
            IssueError::Build(detail) => Message::new(
                "issue-failed",
                format!("Không tạo được chứng thư số: {detail}"),
                format!("Could not build the certificate: {detail}"),
            ),
        }
    }
}

/// The CA's software signing key. RSA CAs sign with sha256WithRSAEncryption, EC CAs with
/// ecdsa-with-SHA256 (P-256) or ecdsa-with-SHA384 (P-384).
enum CaKey {
    Rsa(rsa::pkcs1v15::SigningKey<Sha256>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

impl CaKey {
    fn from_pkcs8(der: &[u8]) -> Result<Self, KeyError> {
        let malformed = |e: &dyn fmt::Display| KeyError::Encoding(e.to_string());
        let info = PrivateKeyInfoRef::from_der(der).map_err(|e| malformed(&e))?;
        let oid = info.algorithm.oid;
        if oid == const_oid::db::rfc5912::RSA_ENCRYPTION {
            let key = rsa::RsaPrivateKey::from_pkcs8_der(der).map_err(|e| malformed(&e))?;
            return Ok(CaKey::Rsa(rsa::pkcs1v15::SigningKey::new(key)));
        }
        if oid == const_oid::db::rfc5912::ID_EC_PUBLIC_KEY {
            let curve = info.algorithm.parameters_oid().map_err(|e| malformed(&e))?;
            if curve == const_oid::db::rfc5912::SECP_256_R_1 {
                let key =
                    p256::ecdsa::SigningKey::from_pkcs8_der(der).map_err(|e| malformed(&e))?;
                return Ok(CaKey::P256(key));
            }
            if curve == const_oid::db::rfc5912::SECP_384_R_1 {
                let key =
                    p384::ecdsa::SigningKey::from_pkcs8_der(der).map_err(|e| malformed(&e))?;
                return Ok(CaKey::P384(key));
            }
            return Err(KeyError::Unsupported(curve.to_string()));
        }
        Err(KeyError::Unsupported(oid.to_string()))
    }

    fn spki_der(&self) -> Result<Vec<u8>, KeyError> {
        use pkcs8::EncodePublicKey;
        let document = match self {
            CaKey::Rsa(k) => k.as_ref().to_public_key().to_public_key_der(),
            CaKey::P256(k) => k.verifying_key().to_public_key_der(),
            CaKey::P384(k) => k.verifying_key().to_public_key_der(),
        };
        document
            .map(|d| d.into_vec())
            .map_err(|e| KeyError::Encoding(e.to_string()))
    }

    fn sign(&self, builder: CertificateBuilder<SpecProfile>) -> Result<Certificate, IssueError> {
        let certificate = match self {
            CaKey::Rsa(k) => builder.build::<_, rsa::pkcs1v15::Signature>(k),
            CaKey::P256(k) => builder.build::<_, p256::ecdsa::DerSignature>(k),
            CaKey::P384(k) => builder.build::<_, p384::ecdsa::DerSignature>(k),
        };
        certificate.map_err(|e| IssueError::Build(e.to_string()))
    }
}

/// A CA: its certificate and its software key.
pub struct CertificateAuthority {
    certificate_der: Vec<u8>,
    subject: Name,
    key_identifier: Vec<u8>,
    key: CaKey,
}

impl fmt::Debug for CertificateAuthority {
    /// Never prints the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateAuthority")
            .field("subject", &self.subject.to_string())
            .finish_non_exhaustive()
    }
}

impl CertificateAuthority {
    /// Makes a self-signed root from `spec`, signed by `key_pkcs8` (PKCS#8 DER), whose public
    /// half must be `spec.public_key_spki`.
    pub fn self_signed(spec: &CertificateSpec, key_pkcs8: &[u8]) -> Result<Self, IssueError> {
        let key = CaKey::from_pkcs8(key_pkcs8)?;
        if key.spki_der()? != spec.public_key_spki {
            return Err(IssueError::KeyMismatch);
        }
        let subject = spec.subject.to_name()?;
        let key_identifier = subject_key_identifier(&spec.public_key_spki)?;
        let certificate = issue_with(&key, spec, subject.clone(), key_identifier.clone())?;
        Ok(CertificateAuthority {
            certificate_der: certificate,
            subject,
            key_identifier,
            key,
        })
    }

    /// A CA from an existing certificate (DER) and its PKCS#8 DER key.
    pub fn from_parts(certificate_der: &[u8], key_pkcs8: &[u8]) -> Result<Self, IssueError> {
        let key = CaKey::from_pkcs8(key_pkcs8)?;
        let certificate =
            Certificate::from_der(certificate_der).map_err(IssueError::CaCertificate)?;
        let tbs = certificate.tbs_certificate();
        let spki = tbs
            .subject_public_key_info()
            .to_der()
            .map_err(IssueError::CaCertificate)?;
        if spki != key.spki_der()? {
            return Err(IssueError::KeyMismatch);
        }
        // The authority key identifier of issued certificates must repeat the CA's own subject
        // key identifier, whatever method made it; compute one only if the CA has none.
        let key_identifier = match tbs
            .get_extension::<SubjectKeyIdentifier>()
            .map_err(IssueError::CaCertificate)?
        {
            Some((_, ski)) => ski.0.as_bytes().to_vec(),
            None => subject_key_identifier(&spki)?,
        };
        Ok(CertificateAuthority {
            certificate_der: certificate_der.to_vec(),
            subject: tbs.subject().clone(),
            key_identifier,
            key,
        })
    }

    /// The CA's certificate (DER).
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    /// Issues a certificate for `spec` and returns its DER. The serial number is 16 random
    /// octets, positive.
    pub fn issue(&self, spec: &CertificateSpec) -> Result<Vec<u8>, IssueError> {
        issue_with(
            &self.key,
            spec,
            self.subject.clone(),
            self.key_identifier.clone(),
        )
    }
}

fn issue_with(
    key: &CaKey,
    spec: &CertificateSpec,
    issuer: Name,
    authority_key_identifier: Vec<u8>,
) -> Result<Vec<u8>, IssueError> {
    if spec.not_before > spec.not_after {
        return Err(IssueError::Validity);
    }
    let validity = Validity::new(to_time(spec.not_before)?, to_time(spec.not_after)?);
    let public_key = SubjectPublicKeyInfoOwned::from_der(&spec.public_key_spki)
        .map_err(IssueError::PublicKey)?;
    let profile = SpecProfile {
        subject: spec.subject.to_name()?,
        issuer,
        authority_key_identifier,
        spec: spec.clone(),
    };
    let builder = CertificateBuilder::new(profile, random_serial()?, validity, public_key)
        .map_err(|e| IssueError::Build(e.to_string()))?;
    key.sign(builder)?
        .to_der()
        .map_err(|e| IssueError::Build(e.to_string()))
}

/// 16 random octets with the top bit clear (a positive INTEGER of exactly 16 octets: RFC 5280
/// §4.1.2.2 asks for positive serials of at most 20 octets, CA/B Forum for 64+ random bits).
fn random_serial() -> Result<SerialNumber, IssueError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| IssueError::Key(KeyError::Random(e)))?;
    bytes[0] &= 0x7f;
    if bytes[0] == 0 {
        // Keep the length at 16: DER would drop a leading zero octet.
        bytes[0] = 0x01;
    }
    SerialNumber::new(&bytes).map_err(|e| IssueError::Build(e.to_string()))
}

fn to_time(at: OffsetDateTime) -> Result<Time, IssueError> {
    let seconds = u64::try_from(at.unix_timestamp()).map_err(|_| IssueError::Validity)?;
    let date_time = der::DateTime::from_unix_duration(std::time::Duration::from_secs(seconds))
        .map_err(|_| IssueError::Validity)?;
    // UTCTime until 2049, GeneralizedTime after, as RFC 5280 §4.1.2.5 requires; the builder
    // applies the same rule again.
    Ok(Time::from(date_time))
}

/// RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING's value. SHA-1 here
/// only names a key; it carries no security.
fn subject_key_identifier(spki_der: &[u8]) -> Result<Vec<u8>, IssueError> {
    let spki = SubjectPublicKeyInfoRef::from_der(spki_der).map_err(IssueError::PublicKey)?;
    let ski = SubjectKeyIdentifier::try_from(spki).map_err(IssueError::PublicKey)?;
    Ok(ski.0.as_bytes().to_vec())
}

/// The builder profile that turns a [`CertificateSpec`] into extensions.
struct SpecProfile {
    subject: Name,
    issuer: Name,
    authority_key_identifier: Vec<u8>,
    spec: CertificateSpec,
}

fn extension<T: Encode + AssociatedOid>(
    value: &T,
    critical: bool,
) -> x509_cert::builder::Result<Extension> {
    Ok(Extension {
        extn_id: T::OID,
        critical,
        extn_value: OctetString::new(value.to_der()?)?,
    })
}

fn key_usages(flags: &KeyUsageFlags) -> KeyUsage {
    // `der::flagset` is there because x509-cert enables der's `flagset` feature for this type.
    let mut usages = der::flagset::FlagSet::<KeyUsages>::default();
    for (set, bit) in [
        (flags.digital_signature, KeyUsages::DigitalSignature),
        (flags.non_repudiation, KeyUsages::NonRepudiation),
        (flags.key_encipherment, KeyUsages::KeyEncipherment),
        (flags.data_encipherment, KeyUsages::DataEncipherment),
        (flags.key_agreement, KeyUsages::KeyAgreement),
        (flags.key_cert_sign, KeyUsages::KeyCertSign),
        (flags.crl_sign, KeyUsages::CRLSign),
        (flags.encipher_only, KeyUsages::EncipherOnly),
        (flags.decipher_only, KeyUsages::DecipherOnly),
    ] {
        if set {
            usages |= bit;
        }
    }
    KeyUsage(usages)
}

fn uri(value: &str) -> x509_cert::builder::Result<GeneralName> {
    Ok(GeneralName::UniformResourceIdentifier(Ia5String::new(
        value,
    )?))
}

impl BuilderProfile for SpecProfile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        _tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let spec = &self.spec;
        let mut extensions = Vec::new();
        if let Some(ca) = spec.ca {
            extensions.push(extension(
                &BasicConstraints {
                    ca: true,
                    path_len_constraint: ca.path_len,
                },
                true,
            )?);
        }
        let usage = key_usages(&spec.key_usage);
        if !usage.0.is_empty() {
            extensions.push(extension(&usage, spec.key_usage.critical)?);
        }
        if !spec.extended_key_usage.is_empty() {
            extensions.push(extension(
                &ExtendedKeyUsage(spec.extended_key_usage.clone()),
                spec.extended_key_usage_critical,
            )?);
        }
        extensions.push(extension(&SubjectKeyIdentifier::try_from(spk)?, false)?);
        extensions.push(extension(
            &AuthorityKeyIdentifier {
                key_identifier: Some(OctetString::new(self.authority_key_identifier.clone())?),
                ..AuthorityKeyIdentifier::default()
            },
            false,
        )?);
        if !spec.policies.is_empty() {
            let policies = spec
                .policies
                .iter()
                .map(|oid| PolicyInformation {
                    policy_identifier: *oid,
                    policy_qualifiers: None,
                })
                .collect();
            extensions.push(extension(&CertificatePolicies(policies), false)?);
        }
        if let Some(email) = &spec.email {
            let name = GeneralName::Rfc822Name(Ia5String::new(email)?);
            extensions.push(extension(&SubjectAltName(vec![name]), false)?);
        }
        if !spec.crl_urls.is_empty() {
            let points = spec
                .crl_urls
                .iter()
                .map(|url| {
                    Ok(DistributionPoint {
                        distribution_point: Some(DistributionPointName::FullName(vec![uri(url)?])),
                        reasons: None,
                        crl_issuer: None,
                    })
                })
                .collect::<x509_cert::builder::Result<Vec<_>>>()?;
            extensions.push(extension(&CrlDistributionPoints(points), false)?);
        }
        if !spec.ocsp_urls.is_empty() || !spec.ca_issuers_urls.is_empty() {
            let ocsp = spec
                .ocsp_urls
                .iter()
                .map(|url| (const_oid::db::rfc5280::ID_AD_OCSP, url));
            let ca_issuers = spec
                .ca_issuers_urls
                .iter()
                .map(|url| (const_oid::db::rfc5280::ID_AD_CA_ISSUERS, url));
            let access = ocsp
                .chain(ca_issuers)
                .map(|(access_method, url)| {
                    Ok(AccessDescription {
                        access_method,
                        access_location: uri(url)?,
                    })
                })
                .collect::<x509_cert::builder::Result<Vec<_>>>()?;
            extensions.push(extension(&AuthorityInfoAccessSyntax(access), false)?);
        }
        extensions.extend(spec.extra_extensions.iter().cloned());
        Ok(extensions)
    }
}
