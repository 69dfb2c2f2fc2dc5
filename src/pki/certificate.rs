//! A summary of one X.509 certificate (RFC 5280), for people and for the checks that read it.
//!
//! The summary keeps the certificate's original DER next to the parsed facts. Re-encoding a
//! parsed certificate is not byte-exact for some real certificates (GeneralizedTime validity
//! dates before 2050 come back as UTCTime), and every hash over a certificate — the ESS
//! signing-certificate-v2 binding, fingerprints, the TBS bytes a certificate signature covers —
//! must be taken over the bytes the issuer signed.

use std::fmt;

use const_oid::db::{rfc4519, rfc5912, rfc8410};
use der::asn1::UintRef;
use der::{Decode, Encode, Sequence};
use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::DirectoryString;
use x509_cert::ext::pkix::{BasicConstraints, CertificatePolicies, ExtendedKeyUsage, KeyUsage};
use x509_cert::name::Name;
use x509_cert::time::Time;

use crate::message::{Explain, Message};

/// Certificates larger than this are refused before parsing. Real signer and CA certificates
/// are 1–3 KiB; the cap only bounds the work done on hostile input.
pub const MAX_CERTIFICATE_LEN: usize = 256 * 1024;

/// What a person and the checks need to know about one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateInfo {
    /// The certificate exactly as it was given (DER). Not serialised: reports name a
    /// certificate by its fingerprint.
    #[serde(skip)]
    pub der: Vec<u8>,
    /// Subject as an RFC 4514 string (most specific attribute first), UTF-8 unescaped.
    pub subject: String,
    /// The subject's first commonName (CN).
    pub common_name: Option<String>,
    /// The subject's first organizationName (O).
    pub organisation: Option<String>,
    /// Issuer as an RFC 4514 string.
    pub issuer: String,
    /// The issuer's first commonName (CN).
    pub issuer_common_name: Option<String>,
    /// Serial number in upper-case hex without the sign octet, as `openssl x509 -serial` prints it.
    pub serial_hex: String,
    /// Start of the validity period.
    #[serde(serialize_with = "serialize_rfc3339")]
    pub not_before: OffsetDateTime,
    /// End of the validity period (inclusive, RFC 5280 §4.1.2.5).
    #[serde(serialize_with = "serialize_rfc3339")]
    pub not_after: OffsetDateTime,
    /// The subject public key's algorithm and size.
    pub key: PublicKeyKind,
    /// The keyUsage extension, when present.
    pub key_usage: Option<KeyUsageFlags>,
    /// extKeyUsage purposes as dotted OIDs; empty when the extension is absent.
    pub extended_key_usage: Vec<String>,
    /// certificatePolicies identifiers as dotted OIDs; empty when the extension is absent.
    pub policies: Vec<String>,
    /// basicConstraints `cA` is true.
    pub is_ca: bool,
    /// SHA-256 of [`CertificateInfo::der`], lower-case hex.
    pub sha256_fingerprint: String,
}

/// The algorithm and size of a subject public key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PublicKeyKind {
    /// rsaEncryption (RFC 8017); `bits` is the modulus length.
    Rsa { bits: usize },
    /// id-ecPublicKey (RFC 5480) on a named curve.
    Ec { curve: EcCurve },
    /// id-Ed25519 (RFC 8410).
    Ed25519,
    /// id-Ed448 (RFC 8410).
    Ed448,
    /// id-dsa (RFC 3279); `bits` is the length of the prime `p`.
    Dsa { bits: usize },
    /// Any other algorithm, by dotted OID.
    Other { oid: String },
}

/// A named elliptic curve.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum EcCurve {
    /// secp256r1 (NIST P-256).
    P256,
    /// secp384r1 (NIST P-384).
    P384,
    /// secp521r1 (NIST P-521).
    P521,
    /// Another named curve, by dotted OID (or `implicit` / `specified` for parameters that do not
    /// name a curve).
    Other(String),
}

impl EcCurve {
    /// The curve's field size in bits, when known.
    pub fn bits(&self) -> Option<usize> {
        match self {
            EcCurve::P256 => Some(256),
            EcCurve::P384 => Some(384),
            EcCurve::P521 => Some(521),
            EcCurve::Other(_) => None,
        }
    }
}

impl fmt::Display for EcCurve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EcCurve::P256 => f.write_str("P-256"),
            EcCurve::P384 => f.write_str("P-384"),
            EcCurve::P521 => f.write_str("P-521"),
            EcCurve::Other(oid) => f.write_str(oid),
        }
    }
}

impl PublicKeyKind {
    /// Strength in bits as the signing rules count it: the RSA or DSA modulus length, the EC
    /// field size. `None` when unknown.
    pub fn bits(&self) -> Option<usize> {
        match self {
            PublicKeyKind::Rsa { bits } | PublicKeyKind::Dsa { bits } => Some(*bits),
            PublicKeyKind::Ec { curve } => curve.bits(),
            PublicKeyKind::Ed25519 => Some(256),
            PublicKeyKind::Ed448 => Some(456),
            PublicKeyKind::Other { .. } => None,
        }
    }
}

impl fmt::Display for PublicKeyKind {
    /// `RSA 2048`, `ECDSA P-256`, `Ed25519`, …
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublicKeyKind::Rsa { bits } => write!(f, "RSA {bits}"),
            PublicKeyKind::Ec { curve } => write!(f, "ECDSA {curve}"),
            PublicKeyKind::Ed25519 => f.write_str("Ed25519"),
            PublicKeyKind::Ed448 => f.write_str("Ed448"),
            PublicKeyKind::Dsa { bits } => write!(f, "DSA {bits}"),
            PublicKeyKind::Other { oid } => write!(f, "{oid}"),
        }
    }
}

/// The bits of the keyUsage extension (RFC 5280 §4.2.1.3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct KeyUsageFlags {
    pub digital_signature: bool,
    /// Also called contentCommitment in X.509 (2008).
    pub non_repudiation: bool,
    pub key_encipherment: bool,
    pub data_encipherment: bool,
    pub key_agreement: bool,
    pub key_cert_sign: bool,
    pub crl_sign: bool,
    pub encipher_only: bool,
    pub decipher_only: bool,
    /// Whether the extension was marked critical.
    pub critical: bool,
}

impl KeyUsageFlags {
    fn from_extension(critical: bool, usage: &KeyUsage) -> Self {
        KeyUsageFlags {
            digital_signature: usage.digital_signature(),
            non_repudiation: usage.non_repudiation(),
            key_encipherment: usage.key_encipherment(),
            data_encipherment: usage.data_encipherment(),
            key_agreement: usage.key_agreement(),
            key_cert_sign: usage.key_cert_sign(),
            crl_sign: usage.crl_sign(),
            encipher_only: usage.encipher_only(),
            decipher_only: usage.decipher_only(),
            critical,
        }
    }
}

/// Why a certificate could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateError {
    /// The bytes are not a DER X.509 certificate.
    #[error("malformed certificate: {0}")]
    Malformed(der::Error),
    /// The certificate parses, but one of its extensions does not.
    #[error("malformed {name} extension: {source}")]
    MalformedExtension {
        /// Name of the extension (`keyUsage`, …).
        name: &'static str,
        source: der::Error,
    },
    /// A validity date cannot be represented.
    #[error("certificate validity date out of range")]
    TimeOutOfRange,
    /// The input is larger than [`MAX_CERTIFICATE_LEN`].
    #[error("certificate too large: {len} bytes")]
    TooLarge { len: usize },
}

impl Explain for CertificateError {
    fn message(&self) -> Message {
        match self {
            CertificateError::Malformed(e) => Message::new(
                "cert-malformed",
                format!("Chứng thư số không đúng định dạng X.509: {e}"),
                format!("The certificate is not a valid X.509 certificate: {e}"),
            ),
            CertificateError::MalformedExtension { name, source } => Message::new(
                "cert-malformed",
                format!("Phần mở rộng {name} của chứng thư số không đúng định dạng: {source}"),
                format!("The certificate's {name} extension is malformed: {source}"),
            ),
            CertificateError::TimeOutOfRange => Message::new(
                "cert-malformed",
                "Thời hạn hiệu lực của chứng thư số nằm ngoài khoảng thời gian xử lý được",
                "The certificate's validity dates are out of range",
            ),
            CertificateError::TooLarge { len } => Message::new(
                "cert-too-large",
                format!("Chứng thư số quá lớn ({len} byte)"),
                format!("The certificate is too large ({len} bytes)"),
            ),
        }
    }
}

impl CertificateInfo {
    /// Parses a DER certificate and summarises it, keeping `der` as given.
    ///
    /// Names are read leniently: UTF8String, PrintableString, TeletexString and BMPString values
    /// of any length are accepted (Vietnamese CAs use UTF-8 values longer than the 64 characters
    /// of RFC 5280's upper bounds). Extensions that matter for checks (keyUsage, extKeyUsage,
    /// basicConstraints, certificatePolicies) must parse, or the certificate is refused.
    pub fn from_der(der: &[u8]) -> Result<Self, CertificateError> {
        if der.len() > MAX_CERTIFICATE_LEN {
            return Err(CertificateError::TooLarge { len: der.len() });
        }
        let certificate = Certificate::from_der(der).map_err(CertificateError::Malformed)?;
        Self::from_parsed(&certificate, der)
    }

    /// Summarises an already parsed certificate; `der` must be the bytes it was parsed from.
    pub(crate) fn from_parsed(
        certificate: &Certificate,
        der: &[u8],
    ) -> Result<Self, CertificateError> {
        let tbs = certificate.tbs_certificate();
        let validity = tbs.validity();

        let key_usage = tbs
            .get_extension::<KeyUsage>()
            .map_err(|source| CertificateError::MalformedExtension {
                name: "keyUsage",
                source,
            })?
            .map(|(critical, usage)| KeyUsageFlags::from_extension(critical, &usage));
        let extended_key_usage = tbs
            .get_extension::<ExtendedKeyUsage>()
            .map_err(|source| CertificateError::MalformedExtension {
                name: "extKeyUsage",
                source,
            })?
            .map(|(_, eku)| eku.0.iter().map(ToString::to_string).collect())
            .unwrap_or_default();
        let policies = tbs
            .get_extension::<CertificatePolicies>()
            .map_err(|source| CertificateError::MalformedExtension {
                name: "certificatePolicies",
                source,
            })?
            .map(|(_, policies)| {
                policies
                    .0
                    .iter()
                    .map(|p| p.policy_identifier.to_string())
                    .collect()
            })
            .unwrap_or_default();
        let is_ca = tbs
            .get_extension::<BasicConstraints>()
            .map_err(|source| CertificateError::MalformedExtension {
                name: "basicConstraints",
                source,
            })?
            .is_some_and(|(_, constraints)| constraints.ca);

        Ok(CertificateInfo {
            der: der.to_vec(),
            subject: tbs.subject().to_string(),
            common_name: first_value(tbs.subject(), rfc4519::COMMON_NAME),
            organisation: first_value(tbs.subject(), rfc4519::ORGANIZATION_NAME),
            issuer: tbs.issuer().to_string(),
            issuer_common_name: first_value(tbs.issuer(), rfc4519::COMMON_NAME),
            serial_hex: serial_hex(tbs.serial_number().as_bytes()),
            not_before: to_offset_date_time(validity.not_before)?,
            not_after: to_offset_date_time(validity.not_after)?,
            key: public_key_kind(tbs.subject_public_key_info()),
            key_usage,
            extended_key_usage,
            policies,
            is_ca,
            sha256_fingerprint: hex::encode(Sha256::digest(der)),
        })
    }

    /// Whether `at` falls inside the validity period (both ends inclusive, RFC 5280 §4.1.2.5).
    pub fn is_valid_at(&self, at: OffsetDateTime) -> bool {
        self.not_before <= at && at <= self.not_after
    }

    /// The key as people name it: `RSA 2048`, `ECDSA P-256`.
    pub fn key_description(&self) -> String {
        self.key.to_string()
    }

    /// Whether the extKeyUsage extension lists `oid` (dotted form).
    pub fn has_extended_key_usage(&self, oid: &str) -> bool {
        self.extended_key_usage.iter().any(|o| o == oid)
    }

    /// The DER of the SubjectPublicKeyInfo.
    pub fn public_key_spki(&self) -> Result<Vec<u8>, CertificateError> {
        let certificate = Certificate::from_der(&self.der).map_err(CertificateError::Malformed)?;
        certificate
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(CertificateError::Malformed)
    }
}

/// The first value of attribute `oid` in `name`, as text. Values that are not a
/// DirectoryString are skipped rather than refused: a summary should not fail on an odd name.
fn first_value(name: &Name, oid: const_oid::ObjectIdentifier) -> Option<String> {
    name.iter()
        .filter(|atv| atv.oid == oid)
        .find_map(|atv| DirectoryString::try_from(&atv.value).ok())
        .map(|value| value.value().into_owned())
}

/// Hex of a serial number's content octets without the sign octet that DER adds when the top
/// bit is set (`00 8F …` prints as `8F…`), like OpenSSL.
fn serial_hex(bytes: &[u8]) -> String {
    let trimmed = match bytes {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => bytes,
    };
    hex::encode_upper(trimmed)
}

fn to_offset_date_time(time: Time) -> Result<OffsetDateTime, CertificateError> {
    let seconds = i64::try_from(time.to_unix_duration().as_secs())
        .map_err(|_| CertificateError::TimeOutOfRange)?;
    OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| CertificateError::TimeOutOfRange)
}

/// Dss-Parms (RFC 3279 §2.3.2), read only to learn the size of `p`.
#[derive(Sequence)]
struct DssParameters<'a> {
    p: UintRef<'a>,
    #[allow(dead_code)] // decoded to check the structure; only `p` is used
    q: UintRef<'a>,
    #[allow(dead_code)]
    g: UintRef<'a>,
}

fn public_key_kind(spki: &spki::SubjectPublicKeyInfoOwned) -> PublicKeyKind {
    let oid = spki.algorithm.oid;
    let other = || PublicKeyKind::Other {
        oid: oid.to_string(),
    };
    if oid == rfc5912::RSA_ENCRYPTION || oid == rfc5912::ID_RSASSA_PSS {
        let Some(key) = spki.subject_public_key.as_bytes() else {
            return other();
        };
        match rsa::pkcs1::RsaPublicKey::<UintRef<'_>>::from_der(key) {
            Ok(key) => PublicKeyKind::Rsa {
                bits: bit_length(key.modulus.as_bytes()),
            },
            Err(_) => other(),
        }
    } else if oid == rfc5912::ID_EC_PUBLIC_KEY {
        let curve = match spki
            .algorithm
            .parameters
            .as_ref()
            .map(|p| p.decode_as::<const_oid::ObjectIdentifier>())
        {
            Some(Ok(c)) if c == rfc5912::SECP_256_R_1 => EcCurve::P256,
            Some(Ok(c)) if c == rfc5912::SECP_384_R_1 => EcCurve::P384,
            Some(Ok(c)) if c == rfc5912::SECP_521_R_1 => EcCurve::P521,
            Some(Ok(c)) => EcCurve::Other(c.to_string()),
            Some(Err(_)) => EcCurve::Other("specified".into()),
            None => EcCurve::Other("implicit".into()),
        };
        PublicKeyKind::Ec { curve }
    } else if oid == rfc8410::ID_ED_25519 {
        PublicKeyKind::Ed25519
    } else if oid == rfc8410::ID_ED_448 {
        PublicKeyKind::Ed448
    } else if oid == rfc5912::ID_DSA {
        match spki
            .algorithm
            .parameters
            .as_ref()
            .map(|p| p.decode_as::<DssParameters<'_>>())
        {
            Some(Ok(params)) => PublicKeyKind::Dsa {
                bits: bit_length(params.p.as_bytes()),
            },
            _ => other(),
        }
    } else {
        other()
    }
}

/// Length in bits of a big-endian unsigned integer (leading zero octets ignored).
fn bit_length(bytes: &[u8]) -> usize {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    match bytes.get(start) {
        Some(&first) => (bytes.len() - start) * 8 - first.leading_zeros() as usize,
        None => 0,
    }
}

/// RFC 3339 for reports. Hand-written because the `time` crate's serde helpers need its
/// `serde` and `parsing` features, which the crate does not enable; formatting is all we need.
fn serialize_rfc3339<S: Serializer>(at: &OffsetDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    let text = at
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(serde::ser::Error::custom)?;
    serializer.serialize_str(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_length_ignores_leading_zeros() {
        assert_eq!(bit_length(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_length(&[0x01, 0xff]), 9);
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[0, 0]), 0);
    }

    #[test]
    fn serial_hex_drops_only_the_sign_octet() {
        assert_eq!(serial_hex(&[0x00, 0x8f, 0x01]), "8F01");
        assert_eq!(serial_hex(&[0x00]), "00");
        assert_eq!(serial_hex(&[0x7f, 0x00]), "7F00");
    }

    #[test]
    fn garbage_is_malformed() {
        let err = CertificateInfo::from_der(&[0x30, 0x03, 0x02, 0x01]).unwrap_err();
        assert!(matches!(err, CertificateError::Malformed(_)));
        assert_eq!(err.message().code, "cert-malformed");
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let err = CertificateInfo::from_der(&vec![0u8; MAX_CERTIFICATE_LEN + 1]).unwrap_err();
        assert!(matches!(err, CertificateError::TooLarge { .. }));
    }

    /// The demo leader: `CN=Nguyễn Văn An`, O with diacritics, an OU longer than 64 characters.
    #[test]
    fn vietnamese_names_and_openssl_agree() {
        use crate::pki::demo::{DEMO_OFFICE, DEMO_UNIT, DemoOptions, DemoPki};
        use std::process::Command;

        let dir = tempfile::tempdir().unwrap();
        let pki = DemoPki::generate(dir.path(), &DemoOptions::default()).unwrap();
        let info = CertificateInfo::from_der(&pki.leader.certificate_der).unwrap();
        assert!(DEMO_UNIT.chars().count() > 64);
        assert_eq!(
            info.subject,
            format!(
                "CN=Nguyễn Văn An,TITLE=Giám đốc,OU={},O={DEMO_OFFICE},L=Gia Lai,C=VN",
                DEMO_UNIT.replace(',', "\\,")
            )
        );
        assert_eq!(info.common_name.as_deref(), Some("Nguyễn Văn An"));
        assert_eq!(
            info.issuer_common_name.as_deref(),
            Some("Kyso Test Issuing CA G2")
        );
        assert_eq!(info.key_description(), "RSA 2048");

        let path = pki.leader.certificate_pem_path.to_str().unwrap();
        let output = Command::new("openssl")
            .args([
                "x509",
                "-in",
                path,
                "-noout",
                "-serial",
                "-fingerprint",
                "-sha256",
            ])
            .args(["-subject", "-nameopt", "utf8,sep_comma_plus,sname"])
            .output()
            .unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(
            text.contains(&format!("serial={}", info.serial_hex)),
            "{text}"
        );
        let fingerprint = info.sha256_fingerprint.to_uppercase();
        let colons: Vec<_> = fingerprint
            .as_bytes()
            .chunks(2)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        assert!(text.contains(&colons.join(":")), "{text}");
        assert!(text.contains("CN=Nguyễn Văn An"), "{text}");

        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(json["common_name"], "Nguyễn Văn An");
        assert_eq!(json["key"]["type"], "rsa");
        assert_eq!(json["key"]["bits"], 2048);
        assert!(json.get("der").is_none());
        let rfc3339 = &time::format_description::well_known::Rfc3339;
        assert_eq!(json["not_after"], info.not_after.format(rfc3339).unwrap());
        assert!(json["not_after"].as_str().unwrap().ends_with('Z'));
    }
}
