//! Certificate revocation lists (RFC 5280 §5) as a signed file carries them: in the PDF's
//! `/DSS /CRLs`, in adbe-revocationInfoArchival, or in the CMS `crls`.
//!
//! `x509-cert`'s `CertificateList` requires the `version` field, so version 1 CRLs (no version,
//! still issued by some CAs) do not parse with it. The types here follow the ASN.1 of §5.1 with
//! `version` OPTIONAL as the RFC writes it, keep the `tbsCertList` bytes as signed, and read the
//! revoked certificates one at a time (a CRL can list hundreds of thousands).

use der::asn1::{BitString, IntRef};
use der::{Decode, Reader, Sequence, SliceReader};
use spki::{AlgorithmIdentifierOwned, AlgorithmIdentifierRef};
use x509_cert::ext::Extensions;
use x509_cert::ext::pkix::AuthorityKeyIdentifier;
use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
use x509_cert::name::Name;
use x509_cert::time::Time;

use super::asn1::{Enumerated, RawSequence};
use super::{
    Evidence, EvidenceStatus, IssuerKey, Outcome, Revocation, RevocationReason, RevocationSource,
    Subject, serial_key, sha1_note, to_offset,
};
use crate::cms::DigestAlgorithm;
use crate::message::Message;
use crate::pki::path::{describe, name_key, verify_signed};
use crate::verify::finding::Finding;

/// CRLs larger than this are not read. Large national CRLs are a few MiB.
pub const MAX_CRL_LEN: usize = 32 * 1024 * 1024;

/// ```text
/// CertificateList  ::=  SEQUENCE  {
///      tbsCertList          TBSCertList,
///      signatureAlgorithm   AlgorithmIdentifier,
///      signatureValue       BIT STRING  }
/// ```
/// Decoded by hand to keep `tbsCertList` as signed.
#[derive(Debug, Clone)]
pub struct CertificateList<'a> {
    /// The `tbsCertList` TLV, the bytes the signature covers.
    pub tbs_cert_list: &'a [u8],
    /// `tbsCertList`, decoded.
    pub tbs: TbsCertList<'a>,
    pub signature_algorithm: AlgorithmIdentifierOwned,
    pub signature: BitString,
}

impl<'a> CertificateList<'a> {
    /// Decodes a CRL (DER), version 1 or 2.
    pub fn from_der(bytes: &'a [u8]) -> der::Result<Self> {
        let mut reader = SliceReader::new(bytes)?;
        let list = reader.sequence(|r: &mut SliceReader<'a>| {
            let tbs_cert_list = r.tlv_bytes()?;
            Ok::<_, der::Error>(CertificateList {
                tbs_cert_list,
                tbs: TbsCertList::from_der(tbs_cert_list)?,
                signature_algorithm: AlgorithmIdentifierOwned::decode(r)?,
                signature: BitString::decode(r)?,
            })
        })?;
        reader.finish()?;
        Ok(list)
    }
}

/// ```text
/// TBSCertList  ::=  SEQUENCE  {
///      version                 Version OPTIONAL,
///                                   -- if present, MUST be v2
///      signature               AlgorithmIdentifier,
///      issuer                  Name,
///      thisUpdate              Time,
///      nextUpdate              Time OPTIONAL,
///      revokedCertificates     SEQUENCE OF SEQUENCE  {
///           userCertificate         CertificateSerialNumber,
///           revocationDate          Time,
///           crlEntryExtensions      Extensions OPTIONAL
///                                    -- if present, version MUST be v2
///                                }  OPTIONAL,
///      crlExtensions           [0]  EXPLICIT Extensions OPTIONAL
///                                    -- if present, version MUST be v2
///                                }
/// ```
#[derive(Debug, Clone, Sequence)]
pub struct TbsCertList<'a> {
    pub version: Option<u8>,
    pub signature: AlgorithmIdentifierRef<'a>,
    pub issuer: Name,
    pub this_update: Time,
    pub next_update: Option<Time>,
    pub revoked_certificates: Option<RawSequence<'a>>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub crl_extensions: Option<Extensions>,
}

/// One element of `revokedCertificates`.
#[derive(Debug, Clone, Sequence)]
pub struct RevokedCertificate<'a> {
    pub user_certificate: IntRef<'a>,
    pub revocation_date: Time,
    pub crl_entry_extensions: Option<Extensions>,
}

impl<'a> TbsCertList<'a> {
    /// The entries of `revokedCertificates`, decoded one at a time; an entry that does not
    /// decode ends the iteration with its error.
    pub fn revoked(&self) -> impl Iterator<Item = der::Result<RevokedCertificate<'a>>> + 'a {
        let contents = self.revoked_certificates.map_or(&[][..], |s| s.contents);
        let mut reader = SliceReader::new(contents).ok();
        std::iter::from_fn(move || {
            let r = reader.as_mut()?;
            if r.is_finished() {
                return None;
            }
            let entry = RevokedCertificate::decode(r);
            if entry.is_err() {
                reader = None;
            }
            Some(entry)
        })
    }
}

/// OIDs of the CRL extensions read here (RFC 5280 §5.2, §5.3).
mod oids {
    pub const CRL_NUMBER: &str = "2.5.29.20";
    pub const REASON_CODE: &str = "2.5.29.21";
    pub const DELTA_CRL_INDICATOR: &str = "2.5.29.27";
    pub const ISSUING_DISTRIBUTION_POINT: &str = "2.5.29.28";
    pub const AUTHORITY_KEY_IDENTIFIER: &str = "2.5.29.35";
    pub const FRESHEST_CRL: &str = "2.5.29.46";
}

/// Checks one CRL for `subject`, issued by `issuer` (RFC 5280 §6.3.3, for a complete CRL
/// issued and signed by the certificate's issuer):
/// 1. the CRL's issuer is the certificate's issuer (name, and key identifier when given);
/// 2. it covers the certificate (issuingDistributionPoint scope), and is not a delta CRL;
/// 3. its signature verifies with the issuer's key over the original `tbsCertList`, and the
///    issuer's keyUsage, when present, allows cRLSign;
/// 4. the serial number is listed (revoked at revocationDate, with the reasonCode) or not.
///
/// Indirect CRLs and CRLs signed by another key of the CA are not supported: they give a
/// finding, and the status stays unknown unless other data decides it.
pub(crate) fn check(bytes: &[u8], subject: &Subject, issuer: &IssuerKey) -> Outcome {
    let unreadable = |detail: String| {
        Outcome::Unusable(
            Finding::warning(
                None,
                Message::new(
                    "crl-unreadable",
                    "Danh sách chứng thư bị thu hồi (CRL) không đúng định dạng",
                    "The certificate revocation list (CRL) is malformed",
                ),
            )
            .with_detail(detail),
        )
    };
    if bytes.len() > MAX_CRL_LEN {
        return unreadable(format!("{} bytes, more than {MAX_CRL_LEN}", bytes.len()));
    }
    let crl = match CertificateList::from_der(bytes) {
        Ok(crl) => crl,
        Err(e) => return unreadable(e.to_string()),
    };
    let tbs = &crl.tbs;
    if name_key(&tbs.issuer) != subject.issuer_name_key {
        return Outcome::NotAbout;
    }
    let extensions = tbs.crl_extensions.as_deref().unwrap_or_default();
    let extension = |oid: &str| extensions.iter().find(|e| e.extn_id.to_string() == oid);
    if let (Some(aki), Some(ski)) = (extension(oids::AUTHORITY_KEY_IDENTIFIER), &issuer.ski) {
        let key_id = AuthorityKeyIdentifier::from_der(aki.extn_value.as_bytes())
            .ok()
            .and_then(|aki| aki.key_identifier);
        if key_id.is_some_and(|id| id.as_bytes() != ski.as_slice()) {
            // Another key of a CA with the same name.
            return Outcome::NotAbout;
        }
    }
    let issuer_name = &issuer.name;
    let unusable = |code: &str, vi: String, en: String| {
        Outcome::Unusable(Finding::warning(None, Message::new(code, vi, en)))
    };

    // Scope: a CRL restricted to other kinds of certificates says nothing about this one.
    let mut partial = false;
    if let Some(idp) = extension(oids::ISSUING_DISTRIBUTION_POINT) {
        let Ok(idp) = IssuingDistributionPoint::from_der(idp.extn_value.as_bytes()) else {
            return unreadable("issuingDistributionPoint does not decode".into());
        };
        if (idp.only_contains_user_certs && subject.is_ca)
            || (idp.only_contains_ca_certs && !subject.is_ca)
            || idp.only_contains_attribute_certs
        {
            return Outcome::NotAbout;
        }
        if idp.indirect_crl {
            return unusable(
                "crl-indirect",
                format!("CRL của «{issuer_name}» là CRL gián tiếp, Kyso chưa hỗ trợ"),
                format!(
                    "The CRL of “{issuer_name}” is an indirect CRL, which Kyso does not support"
                ),
            );
        }
        partial = idp.only_some_reasons.is_some();
    }
    if extension(oids::DELTA_CRL_INDICATOR).is_some() {
        return unusable(
            "crl-delta",
            format!("CRL của «{issuer_name}» là CRL bổ sung (delta), Kyso chưa hỗ trợ"),
            format!("The CRL of “{issuer_name}” is a delta CRL, which Kyso does not support"),
        );
    }
    if let Some(unknown) = extensions.iter().find(|e| {
        e.critical
            && ![
                oids::CRL_NUMBER,
                oids::ISSUING_DISTRIBUTION_POINT,
                oids::AUTHORITY_KEY_IDENTIFIER,
                oids::FRESHEST_CRL,
            ]
            .contains(&e.extn_id.to_string().as_str())
    }) {
        return unusable(
            "crl-unknown-critical-extension",
            format!(
                "CRL của «{issuer_name}» có phần mở rộng bắt buộc {} mà Kyso không xử lý được",
                unknown.extn_id
            ),
            format!(
                "The CRL of “{issuer_name}” has a critical extension {} that Kyso does not process",
                unknown.extn_id
            ),
        );
    }

    let hash = match verify_signed(
        &crl.signature_algorithm,
        &crl.signature,
        issuer
            .certificate
            .tbs_certificate()
            .subject_public_key_info(),
        crl.tbs_cert_list,
    ) {
        Ok(hash) => hash,
        Err(failure) => {
            return Outcome::Unusable(
                Finding::warning(
                    None,
                    Message::new(
                        "crl-signature-invalid",
                        format!(
                            "Chữ ký trên CRL mang tên «{issuer_name}» không hợp lệ: CRL đã bị sửa đổi hoặc không do CA này ký"
                        ),
                        format!(
                            "The signature on the CRL named “{issuer_name}” is not valid: the CRL was changed or not signed by this CA"
                        ),
                    ),
                )
                .with_detail(describe(&failure)),
            );
        }
    };
    if issuer.key_usage.is_some_and(|usage| !usage.crl_sign) {
        return unusable(
            "crl-issuer-key-usage",
            format!("Khóa của «{issuer_name}» không được phép ký CRL (thiếu cRLSign)"),
            format!("The key of “{issuer_name}” may not sign CRLs (no cRLSign)"),
        );
    }
    let (Some(this_update), next_update) =
        (to_offset(tbs.this_update), tbs.next_update.map(to_offset))
    else {
        return unreadable("thisUpdate out of range".into());
    };
    let next_update = next_update.flatten();

    let mut status = EvidenceStatus::Good;
    for entry in tbs.revoked() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => return unreadable(e.to_string()),
        };
        if serial_key(entry.user_certificate.as_bytes()) != subject.serial.as_slice() {
            continue;
        }
        let reason = entry
            .crl_entry_extensions
            .as_deref()
            .unwrap_or_default()
            .iter()
            .find(|e| e.extn_id.to_string() == oids::REASON_CODE)
            .and_then(|e| Enumerated::from_der(e.extn_value.as_bytes()).ok())
            .map(|code| RevocationReason::from_code(code.0));
        // removeFromCRL (8) only appears in delta CRLs, refused above; here it would undo a
        // hold, so it is not a revocation.
        if reason == Some(RevocationReason::RemoveFromCrl) {
            continue;
        }
        let Some(time) = to_offset(entry.revocation_date) else {
            return unreadable("revocationDate out of range".into());
        };
        status = EvidenceStatus::Revoked(Revocation { time, reason });
        break;
    }
    if partial && status == EvidenceStatus::Good {
        // A CRL for some reasons only cannot say "not revoked" for the others.
        return unusable(
            "crl-partial",
            format!(
                "CRL của «{issuer_name}» chỉ liệt kê một số lý do thu hồi, không đủ để kết luận"
            ),
            format!(
                "The CRL of “{issuer_name}” covers only some revocation reasons, which is not enough to conclude"
            ),
        );
    }
    let mut notes = Vec::new();
    if hash == DigestAlgorithm::Sha1 {
        notes.push(sha1_note("crl-sha1", issuer_name));
    }
    Outcome::Usable(
        Evidence {
            source: RevocationSource::Crl,
            status,
            produced_at: None,
            this_update,
            next_update,
            signed_by: issuer_name.clone(),
        },
        notes,
    )
}
