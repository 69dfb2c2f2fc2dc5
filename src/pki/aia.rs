//! Where a certificate says its issuer and its status can be found (RFC 5280 §4.2.2.1
//! authorityInfoAccess, §4.2.1.13 cRLDistributionPoints), and fetching a missing issuer
//! certificate from `id-ad-caIssuers`.
//!
//! The addresses come from certificates, which are attacker-controlled in incoming files: only
//! `http` URLs are used (RFC 5280 names HTTP and LDAP; LDAP is not followed, HTTPS would need
//! the very chain being built), at most [`MAX_URLS`] of each kind, and every download is bounded
//! ([`MAX_CA_ISSUERS_LEN`], [`MAX_ISSUER_CERTIFICATES`]). What is fetched here is only a
//! candidate: path validation decides whether it is the issuer.

use const_oid::db::rfc5280::{ID_AD_CA_ISSUERS, ID_AD_OCSP};
use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AuthorityInfoAccessSyntax, CrlDistributionPoints};

use super::certificate::CertificateInfo;
use crate::message::{Explain, Message};
use crate::net::{HttpClient, NetError};

/// At most this many URLs of one kind are taken from a certificate.
pub const MAX_URLS: usize = 4;
/// A caIssuers answer larger than this is not read (a certificate is 1–3 KiB; a PKCS#7 bundle
/// of a whole chain a few times that).
pub const MAX_CA_ISSUERS_LEN: u64 = 256 * 1024;
/// At most this many certificates are taken from one caIssuers answer.
pub const MAX_ISSUER_CERTIFICATES: usize = 16;

/// The `http` URLs of the OCSP responders the certificate names (authorityInfoAccess
/// id-ad-ocsp).
pub fn ocsp_urls(certificate_der: &[u8]) -> Vec<String> {
    access_urls(certificate_der, ID_AD_OCSP)
}

/// The `http` URLs where the issuer's certificate is published (authorityInfoAccess
/// id-ad-caIssuers).
pub fn ca_issuers_urls(certificate_der: &[u8]) -> Vec<String> {
    access_urls(certificate_der, ID_AD_CA_ISSUERS)
}

/// The `http` URLs of the CRLs that cover the certificate (cRLDistributionPoints, full names
/// only; a point restricted to some reasons or with another CRL issuer is skipped, as
/// `revocation::crl` could not use its CRL to say "not revoked").
pub fn crl_urls(certificate_der: &[u8]) -> Vec<String> {
    let Ok(certificate) = Certificate::from_der(certificate_der) else {
        return Vec::new();
    };
    let Ok(Some((_, points))) = certificate
        .tbs_certificate()
        .get_extension::<CrlDistributionPoints>()
    else {
        return Vec::new();
    };
    let mut urls = Vec::new();
    for point in points.0 {
        if point.reasons.is_some() || point.crl_issuer.is_some() {
            continue;
        }
        if let Some(DistributionPointName::FullName(names)) = point.distribution_point {
            urls.extend(names.iter().filter_map(http_url));
        }
    }
    urls.dedup();
    urls.truncate(MAX_URLS);
    urls
}

fn access_urls(certificate_der: &[u8], method: der::oid::ObjectIdentifier) -> Vec<String> {
    let Ok(certificate) = Certificate::from_der(certificate_der) else {
        return Vec::new();
    };
    let Ok(Some((_, access))) = certificate
        .tbs_certificate()
        .get_extension::<AuthorityInfoAccessSyntax>()
    else {
        return Vec::new();
    };
    let mut urls: Vec<String> = access
        .0
        .iter()
        .filter(|d| d.access_method == method)
        .filter_map(|d| http_url(&d.access_location))
        .collect();
    urls.dedup();
    urls.truncate(MAX_URLS);
    urls
}

fn http_url(name: &GeneralName) -> Option<String> {
    match name {
        GeneralName::UniformResourceIdentifier(uri) => {
            let uri = uri.as_str();
            uri.get(..7)
                .is_some_and(|scheme| scheme.eq_ignore_ascii_case("http://"))
                .then(|| uri.to_owned())
        }
        _ => None,
    }
}

/// Why no issuer certificate could be had from caIssuers.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AiaError {
    /// The certificate names no `http` caIssuers URL.
    #[error("the certificate names no caIssuers URL")]
    NoUrl { certificate: String },
    /// Every URL failed to answer.
    #[error(transparent)]
    Net(#[from] NetError),
    /// Working offline: no URL was tried.
    #[error("offline: the issuer certificate was not fetched")]
    Offline { certificate: String },
    /// An answer was neither a DER or PEM certificate nor a PKCS#7 certificate bundle.
    #[error("the answer from {url} holds no certificate")]
    NotCertificates { url: String },
    /// The answers held certificates, none of them named as the issuer.
    #[error("no certificate from caIssuers is named {issuer}")]
    NoIssuer { issuer: String },
}

impl Explain for AiaError {
    fn message(&self) -> Message {
        match self {
            AiaError::NoUrl { certificate } => Message::new(
                "aia-no-url",
                format!(
                    "Chứng thư «{certificate}» không ghi địa chỉ tải chứng thư của CA cấp nó (caIssuers)"
                ),
                format!(
                    "The certificate “{certificate}” does not say where its issuer's certificate is published (caIssuers)"
                ),
            ),
            AiaError::Net(e) => e.message(),
            AiaError::Offline { certificate } => Message::new(
                "aia-offline",
                format!(
                    "Đang làm việc ngoại tuyến: không tải chứng thư của CA cấp «{certificate}»"
                ),
                format!(
                    "Working offline: the certificate of the CA that issued “{certificate}” was not downloaded"
                ),
            ),
            AiaError::NotCertificates { url } => Message::new(
                "aia-not-certificate",
                format!("Dữ liệu tải từ {url} không phải chứng thư số"),
                format!("What {url} returned is not a certificate"),
            ),
            AiaError::NoIssuer { issuer } => Message::new(
                "aia-wrong-certificate",
                format!("Chứng thư tải về qua caIssuers không phải của «{issuer}»"),
                format!("The certificate fetched from caIssuers is not the one of “{issuer}”"),
            ),
        }
    }
}

/// Fetches the issuer certificate(s) of `certificate` from its caIssuers URLs: the DER of each
/// certificate whose subject is the certificate's issuer, from the first URL that gives one.
/// Answers may be a DER or PEM certificate, or a PKCS#7 certs-only bundle (RFC 5280 §4.2.2.1).
pub fn fetch_issuers(
    client: &HttpClient,
    certificate: &CertificateInfo,
) -> Result<Vec<Vec<u8>>, AiaError> {
    let urls = ca_issuers_urls(&certificate.der);
    let name = certificate
        .common_name
        .clone()
        .unwrap_or_else(|| certificate.subject.clone());
    let mut last_error = AiaError::NoUrl { certificate: name };
    for url in urls {
        let response = match client.get(&url, MAX_CA_ISSUERS_LEN) {
            Ok(response) => response,
            Err(e) => {
                last_error = AiaError::Net(e);
                continue;
            }
        };
        let found = certificates_in(&response.body);
        if found.is_empty() {
            last_error = AiaError::NotCertificates { url };
            continue;
        }
        let issuers: Vec<Vec<u8>> = found
            .into_iter()
            .filter(|der| {
                CertificateInfo::from_der(der).is_ok_and(|c| c.subject == certificate.issuer)
            })
            .collect();
        if issuers.is_empty() {
            last_error = AiaError::NoIssuer {
                issuer: certificate.issuer.clone(),
            };
            continue;
        }
        return Ok(issuers);
    }
    Err(last_error)
}

/// The certificates in a caIssuers answer: one DER certificate, PEM certificates, or a PKCS#7
/// (CMS SignedData) certs-only bundle. At most [`MAX_ISSUER_CERTIFICATES`].
pub fn certificates_in(body: &[u8]) -> Vec<Vec<u8>> {
    if Certificate::from_der(body).is_ok() {
        return vec![body.to_vec()];
    }
    if let Some(pem) = pem_certificates(body) {
        return pem;
    }
    pkcs7_certificates(body)
}

fn pem_certificates(body: &[u8]) -> Option<Vec<Vec<u8>>> {
    let text = std::str::from_utf8(body).ok()?;
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let after = rest.get(start..)?;
        let end = after.find(END)? + END.len();
        let block = after.get(..end)?;
        if let Ok((label, der)) = der::pem::decode_vec(block.as_bytes())
            && label == "CERTIFICATE"
            && Certificate::from_der(&der).is_ok()
        {
            found.push(der);
        }
        rest = after.get(end..)?;
        if found.len() >= MAX_ISSUER_CERTIFICATES {
            break;
        }
    }
    (!found.is_empty()).then_some(found)
}

fn pkcs7_certificates(body: &[u8]) -> Vec<Vec<u8>> {
    use cms::cert::CertificateChoices;
    use cms::content_info::ContentInfo;
    use cms::signed_data::SignedData;
    let Ok(info) = ContentInfo::from_der(body) else {
        return Vec::new();
    };
    if info.content_type != const_oid::db::rfc5911::ID_SIGNED_DATA {
        return Vec::new();
    }
    let Ok(signed) = info.content.decode_as::<SignedData>() else {
        return Vec::new();
    };
    signed
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|choice| match choice {
            CertificateChoices::Certificate(c) => c.to_der().ok(),
            _ => None,
        })
        .take(MAX_ISSUER_CERTIFICATES)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::path::tests::pki;

    #[test]
    fn a_certificate_without_pointers_has_no_urls() {
        let pki = pki();
        assert!(ocsp_urls(&pki.leader.certificate_der).is_empty());
        assert!(crl_urls(&pki.leader.certificate_der).is_empty());
        assert!(ca_issuers_urls(&pki.leader.certificate_der).is_empty());
        assert!(ocsp_urls(b"not a certificate").is_empty());
    }

    #[test]
    fn issuer_certificates_are_read_as_der_pem_and_pkcs7() {
        let pki = pki();
        let ca = &pki.issuing_ca;
        assert_eq!(
            certificates_in(&ca.certificate_der),
            vec![ca.certificate_der.clone()]
        );
        let two = format!("junk\n{}{}", ca.certificate_pem, pki.root.certificate_pem);
        assert_eq!(
            certificates_in(two.as_bytes()),
            vec![ca.certificate_der.clone(), pki.root.certificate_der.clone()]
        );
        // A certs-only PKCS#7 bundle, as `openssl crl2pkcs7 -nocrl` makes it.
        let dir = tempfile::tempdir().unwrap();
        let pem = dir.path().join("ca.pem");
        std::fs::write(&pem, &ca.certificate_pem).unwrap();
        let out = dir.path().join("ca.p7c");
        let status = std::process::Command::new("openssl")
            .args(["crl2pkcs7", "-nocrl", "-outform", "DER", "-certfile"])
            .arg(&pem)
            .arg("-out")
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(
            certificates_in(&std::fs::read(&out).unwrap()),
            vec![ca.certificate_der.clone()]
        );
        assert!(certificates_in(b"<html>not found</html>").is_empty());
    }
}
