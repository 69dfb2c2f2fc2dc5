//! OCSP responses (RFC 6960) as a signed file carries them: in the PDF's `/DSS /OCSPs`, in
//! adbe-revocationInfoArchival, or in the CMS `crls` as `id-ri-ocsp-response`.
//!
//! The published `x509-ocsp` crate is built on `der` 0.7 while Kyso uses 0.8, so the types are
//! defined here from the ASN.1 of RFC 6960 §4.2.1, with two deliberate differences: times are
//! read leniently ([`LenientGeneralizedTime`]), and the `tbsResponseData` bytes are kept as they
//! were signed. A `BasicOCSPResponse` alone (CAdES `ocspVals`) is accepted as well as a whole
//! `OCSPResponse`.

use der::asn1::{BitString, IntRef, Null, OctetStringRef};
use der::{AnyRef, Choice, Decode, Reader, Sequence, SliceReader, Tag, TagNumber, Tagged};
use spki::{AlgorithmIdentifierOwned, AlgorithmIdentifierRef};
use x509_cert::Certificate;
use x509_cert::name::Name;

use super::asn1::{Enumerated, LenientGeneralizedTime};
use super::{
    Evidence, EvidenceStatus, IssuerKey, Outcome, Revocation, RevocationReason, RevocationSource,
    Subject, serial_key, sha1_note,
};
use const_oid::db::rfc5280::ID_KP_OCSP_SIGNING;

use crate::cms::DigestAlgorithm;
use crate::message::Message;
use crate::pki::CertificateInfo;
use crate::pki::path::{describe, name_key, tbs_bytes, verify_signed};
use crate::verify::finding::Finding;
use crate::vn_time;

/// OCSP responses larger than this are not read (real ones are 1–10 KiB).
pub const MAX_OCSP_RESPONSE_LEN: usize = 1024 * 1024;

/// id-pkix-ocsp-basic (RFC 6960 §4.2.1).
pub const ID_PKIX_OCSP_BASIC: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");

/// ```text
/// OCSPResponse ::= SEQUENCE {
///    responseStatus         OCSPResponseStatus,
///    responseBytes          [0] EXPLICIT ResponseBytes OPTIONAL }
/// OCSPResponseStatus ::= ENUMERATED { successful (0), malformedRequest (1), internalError (2),
///    tryLater (3), sigRequired (5), unauthorized (6) }
/// ```
/// Decoded by hand for one leniency: iText writes `responseBytes` without its `[0]` tag (in
/// the corpus, `itext_svi_revDataInTheSignatureContainer.pdf`), and iText, pyHanko and EU DSS
/// read such responses. The content is the same; only the wrapper is missing.
#[derive(Debug, Clone)]
pub struct OcspResponse<'a> {
    pub response_status: Enumerated,
    pub response_bytes: Option<ResponseBytes<'a>>,
}

impl<'a> OcspResponse<'a> {
    /// Decodes an OCSPResponse (DER).
    pub fn from_der(bytes: &'a [u8]) -> der::Result<Self> {
        let mut reader = SliceReader::new(bytes)?;
        let response = reader.sequence(|r: &mut SliceReader<'a>| {
            let response_status = Enumerated::decode(r)?;
            let response_bytes = if r.is_finished() {
                None
            } else if Tag::peek(r)? == Tag::Sequence {
                Some(ResponseBytes::decode(r)?)
            } else {
                let explicit = AnyRef::decode(r)?;
                explicit.tag().assert_eq(Tag::ContextSpecific {
                    constructed: true,
                    number: TagNumber(0),
                })?;
                Some(ResponseBytes::from_der(explicit.value())?)
            };
            Ok::<_, der::Error>(OcspResponse {
                response_status,
                response_bytes,
            })
        })?;
        reader.finish()?;
        Ok(response)
    }
}

/// ```text
/// ResponseBytes ::= SEQUENCE {
///    responseType   OBJECT IDENTIFIER,
///    response       OCTET STRING }
/// ```
#[derive(Debug, Clone, Sequence)]
pub struct ResponseBytes<'a> {
    pub response_type: der::oid::ObjectIdentifier,
    pub response: &'a OctetStringRef,
}

/// ```text
/// BasicOCSPResponse ::= SEQUENCE {
///    tbsResponseData      ResponseData,
///    signatureAlgorithm   AlgorithmIdentifier,
///    signature            BIT STRING,
///    certs            [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
/// ```
/// Decoded by hand to keep `tbsResponseData` as signed, and each certificate's DER.
#[derive(Debug, Clone)]
pub struct BasicOcspResponse<'a> {
    /// The `tbsResponseData` TLV, the bytes the signature covers.
    pub tbs_response_data: &'a [u8],
    /// `tbsResponseData`, decoded.
    pub response_data: ResponseData<'a>,
    pub signature_algorithm: AlgorithmIdentifierOwned,
    pub signature: BitString,
    /// The DER of each certificate in `certs`.
    pub certs: Vec<&'a [u8]>,
}

impl<'a> BasicOcspResponse<'a> {
    /// Decodes a BasicOCSPResponse (DER).
    pub fn from_der(bytes: &'a [u8]) -> der::Result<Self> {
        let mut reader = SliceReader::new(bytes)?;
        let response = reader.sequence(|r: &mut SliceReader<'a>| {
            let tbs_response_data = r.tlv_bytes()?;
            let signature_algorithm = AlgorithmIdentifierOwned::decode(r)?;
            let signature = BitString::decode(r)?;
            let mut certs = Vec::new();
            if !r.is_finished() {
                let explicit = AnyRef::decode(r)?;
                explicit.tag().assert_eq(Tag::ContextSpecific {
                    constructed: true,
                    number: TagNumber(0),
                })?;
                let mut inner = SliceReader::new(explicit.value())?;
                inner.sequence(|list: &mut SliceReader<'a>| {
                    while !list.is_finished() {
                        certs.push(list.tlv_bytes()?);
                    }
                    Ok::<_, der::Error>(())
                })?;
                inner.finish()?;
            }
            Ok::<_, der::Error>(BasicOcspResponse {
                tbs_response_data,
                response_data: ResponseData::from_der(tbs_response_data)?,
                signature_algorithm,
                signature,
                certs,
            })
        })?;
        reader.finish()?;
        Ok(response)
    }
}

/// ```text
/// ResponseData ::= SEQUENCE {
///    version              [0] EXPLICIT Version DEFAULT v1,
///    responderID              ResponderID,
///    producedAt               GeneralizedTime,
///    responses                SEQUENCE OF SingleResponse,
///    responseExtensions   [1] EXPLICIT Extensions OPTIONAL }
/// ```
#[derive(Debug, Clone, Sequence)]
pub struct ResponseData<'a> {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub version: Option<u8>,
    pub responder_id: ResponderId<'a>,
    pub produced_at: LenientGeneralizedTime,
    pub responses: Vec<SingleResponse<'a>>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    pub response_extensions: Option<AnyRef<'a>>,
}

/// ```text
/// ResponderID ::= CHOICE {
///    byName   [1] Name,
///    byKey    [2] KeyHash }
/// KeyHash ::= OCTET STRING -- SHA-1 hash of responder's public key
///                          -- (i.e., the SHA-1 hash of the value of the BIT STRING
///                          -- subjectPublicKey [excluding the tag, length, and number of
///                          -- unused bits] in the responder's certificate)
/// ```
/// (The module uses EXPLICIT tags.)
#[derive(Debug, Clone, Choice)]
pub enum ResponderId<'a> {
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", constructed = "true")]
    ByName(Name),
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", constructed = "true")]
    ByKey(&'a OctetStringRef),
}

/// ```text
/// SingleResponse ::= SEQUENCE {
///    certID                       CertID,
///    certStatus                   CertStatus,
///    thisUpdate                   GeneralizedTime,
///    nextUpdate         [0]       EXPLICIT GeneralizedTime OPTIONAL,
///    singleExtensions   [1]       EXPLICIT Extensions OPTIONAL }
/// ```
#[derive(Debug, Clone, Sequence)]
pub struct SingleResponse<'a> {
    pub cert_id: CertId<'a>,
    pub cert_status: CertStatus,
    pub this_update: LenientGeneralizedTime,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub next_update: Option<LenientGeneralizedTime>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    pub single_extensions: Option<AnyRef<'a>>,
}

/// ```text
/// CertID ::= SEQUENCE {
///    hashAlgorithm       AlgorithmIdentifier,
///    issuerNameHash      OCTET STRING, -- Hash of issuer's DN
///    issuerKeyHash       OCTET STRING, -- Hash of issuer's public key
///    serialNumber        CertificateSerialNumber }
/// ```
#[derive(Debug, Clone, Sequence)]
pub struct CertId<'a> {
    pub hash_algorithm: AlgorithmIdentifierRef<'a>,
    pub issuer_name_hash: &'a OctetStringRef,
    pub issuer_key_hash: &'a OctetStringRef,
    pub serial_number: IntRef<'a>,
}

/// ```text
/// CertStatus ::= CHOICE {
///    good        [0]     IMPLICIT NULL,
///    revoked     [1]     IMPLICIT RevokedInfo,
///    unknown     [2]     IMPLICIT UnknownInfo }
/// UnknownInfo ::= NULL
/// ```
#[derive(Debug, Clone, Choice)]
pub enum CertStatus {
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT")]
    Good(Null),
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", constructed = "true")]
    Revoked(RevokedInfo),
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT")]
    Unknown(Null),
}

/// ```text
/// RevokedInfo ::= SEQUENCE {
///    revocationTime              GeneralizedTime,
///    revocationReason    [0]     EXPLICIT CRLReason OPTIONAL }
/// ```
#[derive(Debug, Clone, Sequence)]
pub struct RevokedInfo {
    pub revocation_time: LenientGeneralizedTime,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub revocation_reason: Option<Enumerated>,
}

/// Reads `bytes` as an OCSPResponse, or as a bare BasicOCSPResponse. A response that is not
/// `successful` has no BasicOCSPResponse: its status is returned as the error.
pub(crate) fn basic_response(bytes: &[u8]) -> Result<BasicOcspResponse<'_>, ResponseProblem> {
    if bytes.len() > MAX_OCSP_RESPONSE_LEN {
        return Err(ResponseProblem::TooLarge);
    }
    // OCSPResponse starts with ENUMERATED; BasicOCSPResponse with a SEQUENCE (ResponseData).
    let mut probe = SliceReader::new(bytes).map_err(ResponseProblem::Malformed)?;
    let starts_with_enumerated = probe
        .sequence(|r: &mut SliceReader<'_>| {
            let tag = Tag::peek(r)?;
            let rest = r.remaining_len();
            r.drain(rest)?;
            Ok::<_, der::Error>(tag == Tag::Enumerated)
        })
        .map_err(ResponseProblem::Malformed)?;
    if !starts_with_enumerated {
        return BasicOcspResponse::from_der(bytes).map_err(ResponseProblem::Malformed);
    }
    let response = OcspResponse::from_der(bytes).map_err(ResponseProblem::Malformed)?;
    if response.response_status.0 != 0 {
        return Err(ResponseProblem::NotSuccessful(response.response_status.0));
    }
    let Some(response_bytes) = response.response_bytes else {
        return Err(ResponseProblem::Malformed(der::ErrorKind::Failed.into()));
    };
    if response_bytes.response_type != ID_PKIX_OCSP_BASIC {
        return Err(ResponseProblem::NotBasic(
            response_bytes.response_type.to_string(),
        ));
    }
    BasicOcspResponse::from_der(response_bytes.response.as_bytes())
        .map_err(ResponseProblem::Malformed)
}

/// Why an OCSP response could not be read at all.
#[derive(Debug)]
pub(crate) enum ResponseProblem {
    TooLarge,
    Malformed(der::Error),
    NotSuccessful(u32),
    NotBasic(String),
}

/// Checks one OCSP response about `subject`, issued by `issuer` (RFC 6960 §3.2):
/// 1. a SingleResponse whose CertID names the certificate (serial, issuer name and key hash);
/// 2. the response is signed by the issuer, or by a responder the issuer certified for OCSP
///    signing (extKeyUsage id-kp-OCSPSigning, §4.2.2.2), the signature verifying over the
///    original `tbsResponseData`;
/// 3. good, revoked (with time and reason) or unknown, with thisUpdate and nextUpdate.
pub(crate) fn check(bytes: &[u8], subject: &Subject, issuer: &IssuerKey) -> Outcome {
    let response = match basic_response(bytes) {
        Ok(response) => response,
        Err(problem) => return Outcome::Unusable(unreadable(&problem)),
    };
    let Some(single) = response
        .response_data
        .responses
        .iter()
        .find(|single| names(&single.cert_id, subject, issuer))
    else {
        return Outcome::NotAbout;
    };
    let produced_at = response.response_data.produced_at.at;
    let responder = match responder(&response, issuer, produced_at) {
        Ok(responder) => responder,
        Err(finding) => return Outcome::Unusable(*finding),
    };
    let mut notes = Vec::new();
    if responder.hash == DigestAlgorithm::Sha1 {
        notes.push(sha1_note("ocsp-sha1", &responder.name));
    }
    let status = match &single.cert_status {
        CertStatus::Good(_) => EvidenceStatus::Good,
        CertStatus::Revoked(info) => EvidenceStatus::Revoked(Revocation {
            time: info.revocation_time.at,
            reason: info
                .revocation_reason
                .map(|r| RevocationReason::from_code(r.0)),
        }),
        CertStatus::Unknown(_) => EvidenceStatus::Unknown,
    };
    Outcome::Usable(
        Evidence {
            source: RevocationSource::Ocsp,
            status,
            produced_at: Some(produced_at),
            this_update: single.this_update.at,
            next_update: single.next_update.as_ref().map(|t| t.at),
            signed_by: responder.name,
        },
        notes,
    )
}

/// Whether `id` names the subject certificate: same serial, and the hashes of its issuer's
/// name (the DER of the certificate's issuer field) and key (the subjectPublicKey bits).
fn names(id: &CertId<'_>, subject: &Subject, issuer: &IssuerKey) -> bool {
    if serial_key(id.serial_number.as_bytes()) != subject.serial.as_slice() {
        return false;
    }
    let Some(hash) = DigestAlgorithm::from_oid(&id.hash_algorithm.oid) else {
        return false;
    };
    let name_hash = id.issuer_name_hash.as_bytes();
    (hash.digest(&subject.issuer_name_der) == name_hash
        || hash.digest(&issuer.subject_der) == name_hash)
        && hash.digest(&issuer.key_bits) == id.issuer_key_hash.as_bytes()
}

/// Who signed a response, once checked.
struct Responder {
    name: String,
    hash: DigestAlgorithm,
}

/// Finds the responder the ResponderID names (the issuer, or a certificate in `certs`),
/// verifies the response's signature with its key, and checks that it may answer for the
/// issuer (RFC 6960 §4.2.2.2).
fn responder(
    response: &BasicOcspResponse<'_>,
    issuer: &IssuerKey,
    produced_at: time::OffsetDateTime,
) -> Result<Responder, Box<Finding>> {
    let verify_with = |spki: &spki::SubjectPublicKeyInfoOwned| {
        verify_signed(
            &response.signature_algorithm,
            &response.signature,
            spki,
            response.tbs_response_data,
        )
    };
    let issuer_is_responder = match &response.response_data.responder_id {
        ResponderId::ByName(name) => name_key(name) == issuer.subject_key,
        ResponderId::ByKey(hash) => {
            DigestAlgorithm::Sha1.digest(&issuer.key_bits) == hash.as_bytes()
        }
    };
    if issuer_is_responder {
        let spki = issuer
            .certificate
            .tbs_certificate()
            .subject_public_key_info();
        return verify_with(spki)
            .map(|hash| Responder {
                name: issuer.name.clone(),
                hash,
            })
            .map_err(|failure| Box::new(signature_invalid(&issuer.name, &describe(&failure))));
    }

    // A delegated responder: its certificate must be in `certs`.
    let delegate = response
        .certs
        .iter()
        .filter_map(|der| Certificate::from_der(der).ok().map(|c| (*der, c)))
        .find(|(_, certificate)| {
            let tbs = certificate.tbs_certificate();
            match &response.response_data.responder_id {
                ResponderId::ByName(name) => name_key(tbs.subject()) == name_key(name),
                ResponderId::ByKey(hash) => {
                    let bits = tbs.subject_public_key_info().subject_public_key.raw_bytes();
                    DigestAlgorithm::Sha1.digest(bits) == hash.as_bytes()
                }
            }
        });
    let Some((delegate_der, delegate)) = delegate else {
        return Err(Box::new(not_authorised(
            "ocsp-responder-unknown",
            &responder_label(&response.response_data.responder_id),
            &issuer.name,
        )));
    };
    let tbs = delegate.tbs_certificate();
    let delegate_name = CertificateInfo::from_der(delegate_der)
        .ok()
        .and_then(|info| info.common_name)
        .unwrap_or_else(|| tbs.subject().to_string());
    let hash = verify_with(tbs.subject_public_key_info())
        .map_err(|failure| Box::new(signature_invalid(&delegate_name, &describe(&failure))))?;

    // §4.2.2.2: issued directly by the CA that issued the certificate in question, and
    // carrying id-kp-OCSPSigning.
    let issued_by_issuer = name_key(tbs.issuer()) == issuer.subject_key
        && tbs_bytes(delegate_der).is_ok_and(|delegate_tbs| {
            verify_signed(
                delegate.signature_algorithm(),
                delegate.signature(),
                issuer
                    .certificate
                    .tbs_certificate()
                    .subject_public_key_info(),
                delegate_tbs,
            )
            .is_ok()
        });
    let info = CertificateInfo::from_parsed(&delegate, delegate_der).ok();
    let ocsp_signing = info
        .as_ref()
        .is_some_and(|i| i.has_extended_key_usage(&ID_KP_OCSP_SIGNING.to_string()));
    if !issued_by_issuer || !ocsp_signing {
        return Err(Box::new(not_authorised(
            "ocsp-responder-not-authorised",
            &delegate_name,
            &issuer.name,
        )));
    }
    if let Some(info) = info
        && !info.is_valid_at(produced_at)
    {
        let when = vn_time::iso8601(produced_at);
        return Err(Box::new(Finding::warning(
            None,
            Message::new(
                "ocsp-responder-expired",
                format!(
                    "Chứng thư của máy chủ OCSP «{delegate_name}» không còn hiệu lực khi ký phản hồi ({when})"
                ),
                format!(
                    "The OCSP responder certificate “{delegate_name}” was not valid when it signed the response ({when})"
                ),
            ),
        )));
    }
    Ok(Responder {
        name: delegate_name,
        hash,
    })
}

fn responder_label(id: &ResponderId<'_>) -> String {
    match id {
        ResponderId::ByName(name) => name.to_string(),
        ResponderId::ByKey(hash) => format!("key {}", hex::encode_upper(hash.as_bytes())),
    }
}

fn signature_invalid(responder: &str, detail: &str) -> Finding {
    Finding::warning(
        None,
        Message::new(
            "ocsp-signature-invalid",
            format!(
                "Chữ ký trên phản hồi OCSP của «{responder}» không hợp lệ: phản hồi đã bị sửa đổi hoặc giả mạo"
            ),
            format!(
                "The signature on the OCSP response of “{responder}” is not valid: the response was changed or forged"
            ),
        ),
    )
    .with_detail(detail.to_owned())
}

fn not_authorised(code: &str, responder: &str, issuer: &str) -> Finding {
    Finding::warning(
        None,
        Message::new(
            code,
            format!(
                "Phản hồi OCSP do «{responder}» ký, nhưng «{responder}» không được «{issuer}» ủy quyền trả lời về chứng thư này"
            ),
            format!(
                "The OCSP response is signed by “{responder}”, which “{issuer}” did not authorise to answer for this certificate"
            ),
        ),
    )
}

fn unreadable(problem: &ResponseProblem) -> Finding {
    let (vi, en, detail) = match problem {
        ResponseProblem::TooLarge => (
            "Phản hồi OCSP quá lớn, không đọc".to_owned(),
            "The OCSP response is too large to read".to_owned(),
            None,
        ),
        ResponseProblem::Malformed(e) => (
            "Phản hồi OCSP không đúng định dạng".to_owned(),
            "The OCSP response is malformed".to_owned(),
            Some(e.to_string()),
        ),
        ResponseProblem::NotSuccessful(status) => (
            format!("Máy chủ OCSP không trả lời được (mã trạng thái {status})"),
            format!("The OCSP responder gave no answer (status {status})"),
            None,
        ),
        ResponseProblem::NotBasic(oid) => (
            "Phản hồi OCSP không thuộc loại cơ bản (basic)".to_owned(),
            "The OCSP response is not a basic response".to_owned(),
            Some(oid.clone()),
        ),
    };
    let finding = Finding::warning(None, Message::new("ocsp-unreadable", vi, en));
    match detail {
        Some(detail) => finding.with_detail(detail),
        None => finding,
    }
}
