//! The pre-sign gate: what Vietnamese rules ask signing software to check about the signer's
//! certificate before the token is asked for a signature (Luật Giao dịch điện tử 2023,
//! NĐ 23/2025, draft TT 15/2025; see `vn-signature-rules.md`).
//!
//! Every reason to refuse is reported, not only the first, so a person sees the whole
//! picture at once. Revocation is checked by [`crate::sign::revocation_gate`].
//!
//! SHA-1 is refused by construction: [`SignatureScheme`] has no SHA-1 variant (see
//! [`crate::token::HashAlgorithm`]), so no refusal exists for it.

use time::OffsetDateTime;

use super::certificate::{CertificateInfo, EcCurve, PublicKeyKind};
use crate::message::{Explain, Message};
use crate::token::SignatureScheme;
use crate::vn_time::short_date;

/// The smallest RSA modulus accepted, in bits.
pub const MIN_RSA_BITS: usize = 2048;
/// The smallest elliptic-curve field accepted, in bits.
pub const MIN_EC_BITS: usize = 256;

/// One reason not to sign with a certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GateRefusal {
    /// Now is before notBefore.
    #[error("the certificate is not valid before {not_before}")]
    NotYetValid { not_before: OffsetDateTime },
    /// Now is after notAfter.
    #[error("the certificate expired on {not_after}")]
    Expired { not_after: OffsetDateTime },
    /// keyUsage is present and allows neither digitalSignature nor nonRepudiation.
    #[error("the certificate's key usage does not allow signing")]
    KeyUsage,
    /// RSA below [`MIN_RSA_BITS`] or EC below [`MIN_EC_BITS`].
    #[error("the {key} key is too weak (at least {minimum} bits are required)")]
    KeyTooWeak { key: PublicKeyKind, minimum: usize },
    /// A key type or curve the rules or this program do not sign with.
    #[error("the {key} key is not supported for signing")]
    UnsupportedKey { key: PublicKeyKind },
    /// The scheme asked for does not fit the key (e.g. ECDSA with an RSA key).
    #[error("{scheme:?} cannot be used with a {key} key")]
    SchemeMismatch {
        scheme: SignatureScheme,
        key: PublicKeyKind,
    },
    /// basicConstraints says CA: a CA certificate is not for signing documents.
    #[error("the certificate belongs to a certification authority")]
    CaCertificate,
}

impl Explain for GateRefusal {
    fn message(&self) -> Message {
        match self {
            GateRefusal::NotYetValid { not_before } => {
                let date = short_date(*not_before);
                Message::new(
                    "cert-not-yet-valid",
                    format!("Chứng thư số chưa có hiệu lực: hiệu lực từ ngày {date}"),
                    format!("The certificate is not valid yet: it is valid from {date}"),
                )
            }
            GateRefusal::Expired { not_after } => {
                let date = short_date(*not_after);
                Message::new(
                    "cert-expired",
                    format!("Chứng thư số đã hết hạn sử dụng từ ngày {date}"),
                    format!("The certificate expired on {date}"),
                )
            }
            GateRefusal::KeyUsage => Message::new(
                "cert-key-usage",
                "Chứng thư số không được phép dùng để ký (thiếu mục đích digitalSignature/nonRepudiation)",
                "The certificate may not be used for signing (no digitalSignature/nonRepudiation key usage)",
            ),
            GateRefusal::KeyTooWeak { key, minimum } => Message::new(
                "key-too-weak",
                format!("Khóa {key} quá yếu: cần tối thiểu {minimum} bit"),
                format!("The {key} key is too weak: at least {minimum} bits are required"),
            ),
            GateRefusal::UnsupportedKey { key } => Message::new(
                "key-unsupported",
                format!("Không hỗ trợ ký bằng khóa {key}"),
                format!("Signing with a {key} key is not supported"),
            ),
            GateRefusal::SchemeMismatch { scheme, key } => Message::new(
                "scheme-key-mismatch",
                format!("Thuật toán ký {scheme:?} không dùng được với khóa {key}"),
                format!("Signature scheme {scheme:?} cannot be used with a {key} key"),
            ),
            GateRefusal::CaCertificate => Message::new(
                "cert-is-ca",
                "Đây là chứng thư số của tổ chức cung cấp dịch vụ chứng thực (CA), không dùng để ký văn bản",
                "This is a certification authority's certificate, not one for signing documents",
            ),
        }
    }
}

/// Checks `cert` before signing with `scheme` at `now`. Returns every reason to refuse.
pub fn check_before_signing(
    cert: &CertificateInfo,
    scheme: SignatureScheme,
    now: OffsetDateTime,
) -> Result<(), Vec<GateRefusal>> {
    let mut refusals = Vec::new();

    if now < cert.not_before {
        refusals.push(GateRefusal::NotYetValid {
            not_before: cert.not_before,
        });
    }
    if now > cert.not_after {
        refusals.push(GateRefusal::Expired {
            not_after: cert.not_after,
        });
    }
    // RFC 5280 §4.2.1.3: without the extension, the key may be used for any purpose.
    if let Some(usage) = cert.key_usage
        && !usage.digital_signature
        && !usage.non_repudiation
    {
        refusals.push(GateRefusal::KeyUsage);
    }
    refusals.extend(key_refusal(&cert.key));
    let fits = matches!(
        (scheme, &cert.key),
        (
            SignatureScheme::RsaPkcs1v15(_) | SignatureScheme::RsaPss(_),
            PublicKeyKind::Rsa { .. }
        ) | (SignatureScheme::Ecdsa(_), PublicKeyKind::Ec { .. })
    );
    if !fits {
        refusals.push(GateRefusal::SchemeMismatch {
            scheme,
            key: cert.key.clone(),
        });
    }
    if cert.is_ca {
        refusals.push(GateRefusal::CaCertificate);
    }

    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}

/// RSA ≥ 2048 and ECDSA on P-256, P-384 or P-521 are accepted; everything else is refused.
fn key_refusal(key: &PublicKeyKind) -> Option<GateRefusal> {
    match key {
        PublicKeyKind::Rsa { bits } if *bits < MIN_RSA_BITS => Some(GateRefusal::KeyTooWeak {
            key: key.clone(),
            minimum: MIN_RSA_BITS,
        }),
        PublicKeyKind::Rsa { .. } => None,
        PublicKeyKind::Ec {
            curve: EcCurve::P256 | EcCurve::P384 | EcCurve::P521,
        } => None,
        PublicKeyKind::Ec { curve } if curve.bits().is_some_and(|b| b < MIN_EC_BITS) => {
            Some(GateRefusal::KeyTooWeak {
                key: key.clone(),
                minimum: MIN_EC_BITS,
            })
        }
        _ => Some(GateRefusal::UnsupportedKey { key: key.clone() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::demo::{DemoOptions, DemoPki};
    use crate::token::HashAlgorithm;
    use time::macros::datetime;

    const RSA: SignatureScheme = SignatureScheme::RsaPkcs1v15(HashAlgorithm::Sha256);
    const EC: SignatureScheme = SignatureScheme::Ecdsa(HashAlgorithm::Sha256);

    fn info(der: &[u8]) -> CertificateInfo {
        CertificateInfo::from_der(der).unwrap()
    }

    fn codes(result: Result<(), Vec<GateRefusal>>) -> Vec<String> {
        result
            .unwrap_err()
            .iter()
            .map(|r| r.message().code)
            .collect()
    }

    #[test]
    fn demo_certificates_pass_or_fail_as_intended() {
        let dir = tempfile::tempdir().unwrap();
        let options = DemoOptions::default();
        let pki = DemoPki::generate(dir.path(), &options).unwrap();
        let now = options.now;

        assert_eq!(
            check_before_signing(&info(&pki.leader.certificate_der), RSA, now),
            Ok(())
        );
        let pss = SignatureScheme::RsaPss(HashAlgorithm::Sha512);
        assert_eq!(
            check_before_signing(&info(&pki.organisation.certificate_der), pss, now),
            Ok(())
        );
        assert_eq!(
            check_before_signing(&info(&pki.ec_person.certificate_der), EC, now),
            Ok(())
        );

        let expired = check_before_signing(&info(&pki.expired.certificate_der), RSA, now);
        assert_eq!(codes(expired), ["cert-expired"]);
        let future = check_before_signing(&info(&pki.not_yet_valid.certificate_der), RSA, now);
        assert_eq!(codes(future), ["cert-not-yet-valid"]);
        let wrong = check_before_signing(&info(&pki.wrong_key_usage.certificate_der), RSA, now);
        assert_eq!(codes(wrong), ["cert-key-usage"]);
        let weak = check_before_signing(&info(&pki.weak_rsa.certificate_der), RSA, now);
        assert_eq!(codes(weak), ["key-too-weak"]);
        let ca = check_before_signing(&info(&pki.issuing_ca.certificate_der), RSA, now);
        // keyCertSign + cRLSign only, and a CA.
        assert_eq!(codes(ca), ["cert-key-usage", "cert-is-ca"]);
        let mismatch = check_before_signing(&info(&pki.leader.certificate_der), EC, now);
        assert_eq!(codes(mismatch), ["scheme-key-mismatch"]);
        // A TSA certificate has digitalSignature: the gate does not judge extKeyUsage.
        assert_eq!(
            check_before_signing(&info(&pki.tsa.certificate_der), RSA, now),
            Ok(())
        );
    }

    #[test]
    fn every_reason_is_reported_together() {
        let dir = tempfile::tempdir().unwrap();
        let options = DemoOptions::default();
        let pki = DemoPki::generate(dir.path(), &options).unwrap();
        let mut cert = info(&pki.weak_rsa.certificate_der);
        cert.is_ca = true;
        let later = options.now + time::Duration::days(5 * 365);
        assert_eq!(
            codes(check_before_signing(&cert, EC, later)),
            [
                "cert-expired",
                "key-too-weak",
                "scheme-key-mismatch",
                "cert-is-ca"
            ]
        );
    }

    #[test]
    fn validity_edges_and_vietnam_dates() {
        let dir = tempfile::tempdir().unwrap();
        let pki = DemoPki::generate(dir.path(), &DemoOptions::default()).unwrap();
        let mut cert = info(&pki.leader.certificate_der);
        cert.not_before = datetime!(2026-01-01 00:00:00 UTC);
        // 18:30 UTC on 31 Dec is already 1 January in Vietnam.
        cert.not_after = datetime!(2026-12-31 18:30:00 UTC);
        assert_eq!(check_before_signing(&cert, RSA, cert.not_before), Ok(()));
        assert_eq!(check_before_signing(&cert, RSA, cert.not_after), Ok(()));

        let refusals =
            check_before_signing(&cert, RSA, cert.not_after + time::Duration::SECOND).unwrap_err();
        let message = refusals[0].message();
        assert_eq!(message.code, "cert-expired");
        assert_eq!(
            message.vi,
            "Chứng thư số đã hết hạn sử dụng từ ngày 01/01/2027"
        );
        assert_eq!(message.en, "The certificate expired on 01/01/2027");

        let refusals =
            check_before_signing(&cert, RSA, datetime!(2025-12-31 16:59:59 UTC)).unwrap_err();
        assert_eq!(
            refusals[0].message().vi,
            "Chứng thư số chưa có hiệu lực: hiệu lực từ ngày 01/01/2026"
        );
    }

    #[test]
    fn key_rules() {
        let refused = |key: PublicKeyKind| key_refusal(&key).map(|r| r.message().code);
        assert_eq!(refused(PublicKeyKind::Rsa { bits: 2048 }), None);
        assert_eq!(refused(PublicKeyKind::Rsa { bits: 4096 }), None);
        assert_eq!(
            refused(PublicKeyKind::Rsa { bits: 2047 }).as_deref(),
            Some("key-too-weak")
        );
        assert_eq!(
            refused(PublicKeyKind::Ec {
                curve: EcCurve::P384
            }),
            None
        );
        assert_eq!(
            refused(PublicKeyKind::Ec {
                curve: EcCurve::Other("1.3.36.3.3.2.8.1.1.7".into())
            })
            .as_deref(),
            Some("key-unsupported")
        );
        assert_eq!(
            refused(PublicKeyKind::Dsa { bits: 2048 }).as_deref(),
            Some("key-unsupported")
        );
        assert_eq!(
            refused(PublicKeyKind::Ed25519).as_deref(),
            Some("key-unsupported")
        );
    }

    #[test]
    fn absent_key_usage_allows_signing() {
        let dir = tempfile::tempdir().unwrap();
        let options = DemoOptions::default();
        let pki = DemoPki::generate(dir.path(), &options).unwrap();
        let mut cert = info(&pki.leader.certificate_der);
        cert.key_usage = None;
        assert_eq!(check_before_signing(&cert, RSA, options.now), Ok(()));
        cert.key_usage = Some(crate::pki::KeyUsageFlags {
            non_repudiation: true,
            ..Default::default()
        });
        assert_eq!(check_before_signing(&cert, RSA, options.now), Ok(()));
    }
}
