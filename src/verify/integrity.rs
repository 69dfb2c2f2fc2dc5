//! The integrity of one signature: its ByteRange, the digest of the bytes it covers, and its
//! CMS — the bytes and the cryptography of that signature alone (cli.md, `integrity`).
//!
//! Checks, in order, each failure a [`Finding`] with the ETSI EN 319 102-1 sub-indication it
//! implies (a tampered file is a finding, never an error):
//!
//! 1. **ByteRange** (ISO 32000-1 §12.8.1, ETSI EN 319 142-1 §5.1): four non-negative integers
//!    `[0 b c d]`; the gap `[b, c)` is exactly this dictionary's `/Contents` hexadecimal string,
//!    delimiters included; `c + d` within the file, ending at the end of a revision (`%%EOF`
//!    and its end-of-line). Whether the gaps of different signatures overlap is checked over
//!    all sites by [`check_gap_overlaps`].
//! 2. **Digest** of the covered bytes, streamed from the file with the CMS's digest algorithm.
//! 3. **CMS** (RFC 5652 §5.4–5.6): content-type and message-digest signed attributes; the
//!    signature value over the signed attributes as encoded (and whether they are DER-sorted),
//!    or, for `adbe.pkcs7.detached` / `adbe.pkcs7.sha1` without signed attributes, directly over
//!    the content digest; the ESS signing-certificate(-v2) binding (RFC 5035, RFC 2634).
//! 4. **Strength** under Vietnamese rules: SHA-1, RSA below 2048 bits and EC below 256 bits are
//!    named (CRYPTO_CONSTRAINTS_FAILURE), the signature is still checked.
//! 5. **Time-stamps**: a document time-stamp's token and imprint, each signature time-stamp
//!    token of the unsigned attributes ([`super::timestamp`]).
//!
//! Trust (the certificate path, revocation) is not judged here: the certificates and the
//! embedded revocation data are handed on as facts.

use std::ops::Range;

use const_oid::ObjectIdentifier;
use serde::{Serialize, Serializer};
use time::OffsetDateTime;

use super::discovery::{DictionaryLocation, SignatureSite};
use super::finding::{Finding, Severity};
use super::indication::SubIndication;
use super::report::{Integrity, SignatureKind};
use super::timestamp::{self, TimestampFacts};
use crate::cms::inspect::{EmbeddedRevocation, ID_DATA, RawAttributeValues};
use crate::cms::{
    BindingCheck, DigestAlgorithm, Hasher, ParsedSignedData, SignatureAlgorithm,
    SignatureCheckError, SingleValue, VerifyFailure,
};
use crate::message::{Explain, Message};
use crate::pdf::PdfFile;
use crate::pki::{CertificateInfo, PublicKeyKind};

/// Chunk size for hashing the covered bytes: the file is never read whole.
const HASH_CHUNK: usize = 64 << 10;
/// How far back from the end of the covered part `%%EOF` is looked for (it may be followed
/// by an end-of-line and some white-space padding).
const EOF_LOOKBACK: usize = 64;

/// Everything the integrity check found about one signature.
#[derive(Debug, Clone, Serialize)]
pub struct IntegrityFacts {
    /// Intact, broken, or unknown (not checkable: unsupported algorithm, missing certificate).
    pub status: Integrity,
    /// What failed or is weak, with sub-indications.
    pub findings: Vec<Finding>,
    /// `[a, b, c, d]`, when the ByteRange has four non-negative integers.
    pub byte_range: Option<[u64; 4]>,
    /// `c + d`: the end of the covered part.
    pub covered_end: Option<u64>,
    /// The covered part ends at the end of the file.
    pub covers_whole_file: bool,
    /// The covered part ends with `%%EOF` (and its end-of-line): the end of a revision.
    pub covered_end_at_eof: bool,
    /// The ByteRange gap is exactly the `/Contents` string token.
    pub gap_is_contents: bool,
    /// The document digest algorithm (for a document time-stamp: the imprint's).
    pub digest_algorithm: Option<DigestAlgorithm>,
    /// The digest of the covered bytes with it.
    #[serde(serialize_with = "serialize_hex_opt")]
    pub document_digest: Option<Vec<u8>>,
    /// The signature algorithm.
    pub signature_algorithm: Option<SignatureAlgorithm>,
    /// The signatureAlgorithm OID as written.
    pub signature_algorithm_oid: Option<String>,
    /// The signer's certificate (for a document time-stamp: the TSA's).
    pub signer: Option<CertificateInfo>,
    /// Every certificate of the CMS, original DER (the signer's included).
    #[serde(skip)]
    pub certificates: Vec<Vec<u8>>,
    /// The signature value (what a signature time-stamp covers).
    #[serde(skip)]
    pub signature_value: Vec<u8>,
    /// Signed attribute types (dotted OIDs) in encoded order; empty when there are none.
    pub signed_attributes: Vec<String>,
    /// Whether there were signed attributes at all.
    pub has_signed_attributes: bool,
    /// Whether the signed attributes were DER-sorted (`None` without signed attributes).
    pub signed_attributes_der_sorted: Option<bool>,
    /// The signing-time signed attribute: the signer's claim, like `/M`.
    #[serde(serialize_with = "serialize_time_opt")]
    pub claimed_signing_time: Option<OffsetDateTime>,
    /// The ESS signing-certificate binding.
    pub signing_certificate: Option<BindingCheck>,
    /// The unsigned attributes, as encoded.
    #[serde(skip)]
    pub unsigned_attributes: Vec<RawAttributeValues>,
    /// CRLs and OCSP responses of the `adbe-revocationInfoArchival` signed attribute.
    #[serde(skip)]
    pub revocation_archival: EmbeddedRevocation,
    /// CRLs and OCSP responses of the SignedData's `crls` field.
    #[serde(skip)]
    pub cms_revocation: EmbeddedRevocation,
    /// Some length in the CMS was BER-indefinite (PAdES asks for DER).
    pub ber_encoded: bool,
    /// For a document time-stamp: its token.
    pub document_timestamp: Option<TimestampFacts>,
    /// The signature time-stamps (RFC 3161 Appendix A) of the unsigned attributes.
    pub signature_timestamps: Vec<TimestampFacts>,
}

fn serialize_hex_opt<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
    match bytes {
        Some(b) => s.serialize_str(&hex::encode(b)),
        None => s.serialize_none(),
    }
}

pub(crate) fn serialize_time_opt<S: Serializer>(
    at: &Option<OffsetDateTime>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use time::format_description::well_known::Rfc3339;
    match at {
        Some(at) => s.serialize_str(&at.format(&Rfc3339).map_err(serde::ser::Error::custom)?),
        None => s.serialize_none(),
    }
}

impl IntegrityFacts {
    fn new() -> Self {
        IntegrityFacts {
            status: Integrity::Intact,
            findings: Vec::new(),
            byte_range: None,
            covered_end: None,
            covers_whole_file: false,
            covered_end_at_eof: false,
            gap_is_contents: false,
            digest_algorithm: None,
            document_digest: None,
            signature_algorithm: None,
            signature_algorithm_oid: None,
            signer: None,
            certificates: Vec::new(),
            signature_value: Vec::new(),
            signed_attributes: Vec::new(),
            has_signed_attributes: false,
            signed_attributes_der_sorted: None,
            claimed_signing_time: None,
            signing_certificate: None,
            unsigned_attributes: Vec::new(),
            revocation_archival: EmbeddedRevocation::default(),
            cms_revocation: EmbeddedRevocation::default(),
            ber_encoded: false,
            document_timestamp: None,
            signature_timestamps: Vec::new(),
        }
    }

    /// The worst integrity of the signature and of every time-stamp it carries.
    pub fn with_timestamps(&self) -> Integrity {
        self.signature_timestamps
            .iter()
            .map(|t| t.status)
            .fold(self.status, worse)
    }
}

/// The worse of two integrity statuses (broken > unknown > intact).
pub fn worse(a: Integrity, b: Integrity) -> Integrity {
    match (a, b) {
        (Integrity::Broken, _) | (_, Integrity::Broken) => Integrity::Broken,
        (Integrity::Unknown, _) | (_, Integrity::Unknown) => Integrity::Unknown,
        _ => Integrity::Intact,
    }
}

/// What one integrity check can find wrong, with its message and sub-indication.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IntegrityProblem {
    /// A signature field's value is not a readable signature dictionary (the reader's reason,
    /// which names the safety limit when one was hit).
    SignatureDictionaryUnreadable { reason: Message },
    // --- The ByteRange ---
    /// No `/ByteRange`, or not four non-negative integers.
    ByteRangeMalformed { detail: String },
    /// The covered part does not start at byte 0.
    ByteRangeNotFromStart { start: u64 },
    /// The covered part runs past the end of the file.
    ByteRangeBeyondFile { end: u64, len: u64 },
    /// The gap is not exactly the `/Contents` string of this dictionary.
    GapNotContents {
        gap: Range<u64>,
        contents: Option<Range<u64>>,
    },
    /// The signature dictionary is compressed in an object stream; no ByteRange can exclude it.
    DictionaryCompressed,
    /// `/Contents` is not written as a hexadecimal string.
    ContentsNotHex,
    /// A key of the signature dictionary is written twice.
    DuplicateKey { key: String },
    /// The covered part does not end at the end of a revision.
    NotAtRevisionEnd { end: u64 },
    /// This signature's gap overlaps another signature's gap.
    GapsOverlap { other: String },
    /// The signature dictionary was written again after signing (same ByteRange and value).
    DictionaryRewritten,
    /// Reading the file failed.
    Unreadable { detail: String },

    // --- The CMS ---
    /// `/Contents` is empty or zeros (an unsigned placeholder).
    EmptySignature,
    /// The CMS does not parse.
    CmsMalformed { detail: String },
    /// An unknown or absent SubFilter.
    UnknownSubFilter { sub_filter: Option<String> },
    /// A detached SubFilter, but the CMS encapsulates content (or `adbe.pkcs7.sha1` without).
    ContentMismatch { detail: String },
    /// `adbe.pkcs7.sha1`: the eContent is not the SHA-1 of the covered bytes.
    Sha1ContentMismatch,
    /// The CAdES SubFilter requires signed attributes.
    SignedAttributesMissing,
    /// A required signed attribute is missing, repeated or malformed.
    AttributeProblem { name: &'static str, detail: String },
    /// content-type differs from the eContentType.
    ContentTypeMismatch { attribute: String, expected: String },
    /// message-digest differs from the digest of the covered bytes.
    MessageDigestMismatch,
    /// The signature value does not verify.
    SignatureInvalid,
    /// The key does not fit the algorithm, or cannot be read.
    KeyProblem { detail: String },
    /// No certificate of the CMS matches the SignerInfo.
    SignerCertificateMissing,
    /// The signer's certificate cannot be read.
    SignerCertificateUnreadable { detail: String },
    /// An algorithm this program does not verify.
    UnsupportedAlgorithm { name: String },
    /// The digest and signature algorithms name different hashes.
    AlgorithmMismatch { digest: String, signature: String },
    /// RSASSA-PSS whose MGF1 hash differs from its hash.
    PssMgfMismatch { detail: String },
    /// Ed25519 with a digest other than SHA-512 (RFC 8419 §3.1).
    Ed25519DigestNotSha512 { digest: String },
    /// The signed attributes are not in DER order (the signature is still checked over them
    /// as encoded).
    SignedAttributesNotDer,
    /// ESS signing-certificate(-v2) names another certificate.
    SigningCertificateMismatch { version: u8 },
    /// ESS signing-certificate(-v2) does not read.
    SigningCertificateMalformed { version: u8 },
    /// No signing-certificate(-v2) attribute in a PAdES signature.
    SigningCertificateAbsent,
    /// The CMS uses BER indefinite lengths.
    BerEncoding,

    // --- Strength ---
    /// A weak digest (SHA-1).
    WeakDigest {
        algorithm: DigestAlgorithm,
        what: &'static str,
    },
    /// An RSA key below 2048 bits.
    WeakRsaKey { bits: usize },
    /// An EC key below 256 bits.
    WeakEcKey { bits: usize },
}

impl IntegrityProblem {
    /// How the problem weighs: broken (TOTAL-FAILED), undetermined, a weakness, or a note.
    pub fn severity(&self) -> Severity {
        use IntegrityProblem::*;
        match self {
            SignedAttributesNotDer
            | BerEncoding
            | ContentsNotHex
            | UnknownSubFilter { .. }
            | DictionaryRewritten => Severity::Warning,
            SignerCertificateMissing
            | UnsupportedAlgorithm { .. }
            | PssMgfMismatch { .. }
            | AlgorithmMismatch { .. }
            | Ed25519DigestNotSha512 { .. }
            | SigningCertificateAbsent => Severity::Warning,
            _ => Severity::Failure,
        }
    }

    /// The sub-indication the problem implies, when it implies one.
    pub fn sub_indication(&self) -> Option<SubIndication> {
        use IntegrityProblem::*;
        use SubIndication as S;
        Some(match self {
            SignatureDictionaryUnreadable { .. }
            | ByteRangeMalformed { .. }
            | ByteRangeNotFromStart { .. }
            | ByteRangeBeyondFile { .. }
            | GapNotContents { .. }
            | DictionaryCompressed
            | DuplicateKey { .. }
            | NotAtRevisionEnd { .. }
            | GapsOverlap { .. }
            | EmptySignature
            | CmsMalformed { .. }
            | ContentMismatch { .. }
            | SignedAttributesMissing
            | AttributeProblem { .. }
            | ContentTypeMismatch { .. }
            | SigningCertificateMalformed { .. } => S::FormatFailure,
            Unreadable { .. } => S::SignedDataNotFound,
            Sha1ContentMismatch | MessageDigestMismatch => S::HashFailure,
            SignatureInvalid | KeyProblem { .. } => S::SigCryptoFailure,
            SignerCertificateMissing
            | SignerCertificateUnreadable { .. }
            | SigningCertificateMismatch { .. } => S::NoSigningCertificateFound,
            UnsupportedAlgorithm { .. } | PssMgfMismatch { .. } => S::CryptoConstraintsFailure,
            AlgorithmMismatch { .. } | Ed25519DigestNotSha512 { .. } | SigningCertificateAbsent => {
                S::SigConstraintsFailure
            }
            WeakDigest { .. } | WeakRsaKey { .. } | WeakEcKey { .. } => S::CryptoConstraintsFailure,
            SignedAttributesNotDer
            | BerEncoding
            | ContentsNotHex
            | UnknownSubFilter { .. }
            | DictionaryRewritten => return None,
        })
    }

    /// What the problem does to the integrity status.
    fn effect(&self) -> Integrity {
        use IntegrityProblem::*;
        match self {
            SignerCertificateMissing
            | SignerCertificateUnreadable { .. }
            | UnsupportedAlgorithm { .. }
            | PssMgfMismatch { .. }
            | Unreadable { .. } => Integrity::Unknown,
            SignedAttributesNotDer
            | BerEncoding
            | ContentsNotHex
            | UnknownSubFilter { .. }
            | DictionaryRewritten
            | AlgorithmMismatch { .. }
            | Ed25519DigestNotSha512 { .. }
            | SigningCertificateAbsent
            | WeakDigest { .. }
            | WeakRsaKey { .. }
            | WeakEcKey { .. } => Integrity::Intact,
            _ => Integrity::Broken,
        }
    }

    /// The finding for a report.
    pub fn to_finding(&self) -> Finding {
        Finding::new(self.severity(), self.sub_indication(), self.message())
    }
}

impl Explain for IntegrityProblem {
    fn message(&self) -> Message {
        use IntegrityProblem::*;
        match self {
            SignatureDictionaryUnreadable { reason } => Message::new(
                "signature-dictionary-unreadable",
                format!(
                    "Không đọc được từ điển chữ ký (chữ ký bị hỏng hoặc bị sửa): {}",
                    reason.vi
                ),
                format!(
                    "The signature dictionary cannot be read (damaged or tampered with): {}",
                    reason.en
                ),
            ),
            ByteRangeMalformed { detail } => Message::new(
                "byte-range-malformed",
                format!("Vùng dữ liệu được ký (/ByteRange) không hợp lệ: {detail}"),
                format!("The signed byte range (/ByteRange) is invalid: {detail}"),
            ),
            ByteRangeNotFromStart { start } => Message::new(
                "byte-range-not-from-start",
                format!(
                    "Chữ ký không phủ phần đầu tệp: vùng được ký bắt đầu ở byte {start} thay vì 0"
                ),
                format!(
                    "The signature does not cover the start of the file: the signed range starts at byte {start}, not 0"
                ),
            ),
            ByteRangeBeyondFile { end, len } => Message::new(
                "byte-range-beyond-file",
                format!("Vùng được ký kết thúc ở byte {end}, vượt quá độ dài tệp ({len} byte)"),
                format!(
                    "The signed range ends at byte {end}, past the end of the file ({len} bytes)"
                ),
            ),
            GapNotContents { gap, contents } => Message::new(
                "byte-range-gap-not-contents",
                format!(
                    "Phần không được ký ({}–{}) không đúng là giá trị chữ ký (/Contents{}): tệp có thể đã bị sửa để che nội dung khác",
                    gap.start,
                    gap.end,
                    contents
                        .as_ref()
                        .map_or(String::new(), |c| format!(" ở {}–{}", c.start, c.end))
                ),
                format!(
                    "The unsigned gap ({}–{}) is not exactly the signature value (/Contents{}): the file may have been altered to hide other content",
                    gap.start,
                    gap.end,
                    contents
                        .as_ref()
                        .map_or(String::new(), |c| format!(" at {}–{}", c.start, c.end))
                ),
            ),
            DictionaryCompressed => Message::new(
                "signature-dictionary-compressed",
                "Từ điển chữ ký nằm trong luồng đối tượng nén, nên vùng được ký không thể loại trừ đúng giá trị chữ ký",
                "The signature dictionary is inside a compressed object stream, so no byte range can exclude exactly the signature value",
            ),
            ContentsNotHex => Message::new(
                "contents-not-hex",
                "Giá trị chữ ký (/Contents) không được ghi dưới dạng chuỗi thập lục phân như quy định",
                "The signature value (/Contents) is not written as a hexadecimal string as required",
            ),
            DuplicateKey { key } => Message::new(
                "signature-dictionary-duplicate-key",
                format!(
                    "Từ điển chữ ký ghi khóa /{key} hai lần: các phần mềm đọc khác nhau sẽ thấy giá trị khác nhau"
                ),
                format!(
                    "The signature dictionary writes the key /{key} twice: different readers see different values"
                ),
            ),
            NotAtRevisionEnd { end } => Message::new(
                "byte-range-not-at-revision-end",
                format!(
                    "Vùng được ký kết thúc ở byte {end}, không phải ở cuối một phiên bản của tệp (%%EOF)"
                ),
                format!(
                    "The signed range ends at byte {end}, not at the end of a revision of the file (%%EOF)"
                ),
            ),
            GapsOverlap { other } => Message::new(
                "byte-range-gaps-overlap",
                format!(
                    "Phần không được ký của chữ ký này chồng lên phần không được ký của chữ ký {other}"
                ),
                format!("This signature's unsigned gap overlaps the gap of signature {other}"),
            ),
            DictionaryRewritten => Message::new(
                "signature-dictionary-rewritten",
                "Từ điển chữ ký đã được ghi lại trong một lần cập nhật sau khi ký; chữ ký được kiểm tra theo bản đã ký",
                "The signature dictionary was written again in an update after signing; the signature is checked against the version that was signed",
            ),
            Unreadable { detail } => Message::new(
                "file-unreadable",
                format!("Không đọc được phần dữ liệu được ký của tệp: {detail}"),
                format!("The signed bytes of the file cannot be read: {detail}"),
            ),
            EmptySignature => Message::new(
                "signature-empty",
                "Trường chữ ký chưa có chữ ký (giá trị /Contents rỗng)",
                "The signature field holds no signature (/Contents is empty)",
            ),
            CmsMalformed { detail } => Message::new(
                "cms-malformed",
                format!("Dữ liệu chữ ký (CMS) không đúng định dạng: {detail}"),
                format!("The signature data (CMS) is malformed: {detail}"),
            ),
            UnknownSubFilter { sub_filter } => Message::new(
                "sub-filter-unknown",
                format!(
                    "Định dạng chữ ký (/SubFilter {}) không được nhận biết; chữ ký được kiểm tra như chữ ký tách rời",
                    sub_filter.as_deref().unwrap_or("không có")
                ),
                format!(
                    "The signature format (/SubFilter {}) is not recognised; it is checked as a detached signature",
                    sub_filter.as_deref().unwrap_or("absent")
                ),
            ),
            ContentMismatch { detail } => Message::new(
                "cms-content-mismatch",
                format!("Cấu trúc chữ ký không khớp với định dạng khai báo: {detail}"),
                format!("The signature structure does not match its declared format: {detail}"),
            ),
            Sha1ContentMismatch => Message::new(
                "document-digest-mismatch",
                "Tài liệu đã bị thay đổi: giá trị băm SHA-1 trong chữ ký không khớp với nội dung được ký",
                "The document was changed: the SHA-1 digest in the signature does not match the signed bytes",
            ),
            SignedAttributesMissing => Message::new(
                "cms-attributes-missing",
                "Chữ ký PAdES không có thuộc tính được ký (signed attributes) như quy định",
                "The PAdES signature has no signed attributes, which the format requires",
            ),
            AttributeProblem { name, detail } => Message::new(
                "cms-attribute-invalid",
                format!("Thuộc tính được ký {name} không hợp lệ: {detail}"),
                format!("The signed attribute {name} is invalid: {detail}"),
            ),
            ContentTypeMismatch {
                attribute,
                expected,
            } => Message::new(
                "cms-content-type-mismatch",
                format!(
                    "Thuộc tính content-type ({attribute}) khác loại nội dung phải có ({expected})"
                ),
                format!(
                    "The content-type attribute ({attribute}) differs from the expected content type ({expected})"
                ),
            ),
            MessageDigestMismatch => Message::new(
                "document-digest-mismatch",
                "Tài liệu đã bị thay đổi: giá trị băm không khớp với chữ ký",
                "The document was changed: its digest does not match the signature",
            ),
            SignatureInvalid => Message::new(
                "signature-invalid",
                "Chữ ký số không hợp lệ: giá trị chữ ký không khớp với khóa công khai của người ký",
                "The digital signature is invalid: it does not verify with the signer's public key",
            ),
            KeyProblem { detail } => Message::new(
                "signature-key-invalid",
                format!("Khóa công khai của người ký không dùng được cho chữ ký này: {detail}"),
                format!("The signer's public key cannot be used for this signature: {detail}"),
            ),
            SignerCertificateMissing => Message::new(
                "signer-certificate-missing",
                "Không tìm thấy chứng thư số của người ký trong chữ ký",
                "The signer's certificate is not in the signature",
            ),
            SignerCertificateUnreadable { detail } => Message::new(
                "signer-certificate-unreadable",
                format!("Không đọc được chứng thư số của người ký: {detail}"),
                format!("The signer's certificate cannot be read: {detail}"),
            ),
            UnsupportedAlgorithm { name } => Message::new(
                "unsupported-algorithm",
                format!("Thuật toán {name} chưa được hỗ trợ: không kiểm tra được chữ ký này"),
                format!("The algorithm {name} is not supported: this signature cannot be checked"),
            ),
            AlgorithmMismatch { digest, signature } => Message::new(
                "algorithm-mismatch",
                format!(
                    "Thuật toán băm của chữ ký ({digest}) khác với thuật toán ký ({signature})"
                ),
                format!(
                    "The signature's digest algorithm ({digest}) differs from its signature algorithm ({signature})"
                ),
            ),
            PssMgfMismatch { detail } => Message::new(
                "pss-mgf-mismatch",
                format!(
                    "Tham số RSASSA-PSS không nhất quán (hàm MGF1 dùng thuật toán băm khác): {detail}"
                ),
                format!("Inconsistent RSASSA-PSS parameters (MGF1 uses another hash): {detail}"),
            ),
            Ed25519DigestNotSha512 { digest } => Message::new(
                "ed25519-digest-not-sha512",
                format!("Chữ ký Ed25519 phải dùng SHA-512 để băm tài liệu, nhưng dùng {digest}"),
                format!("An Ed25519 signature must digest the document with SHA-512, not {digest}"),
            ),
            SignedAttributesNotDer => Message::new(
                "signed-attributes-not-der",
                "Các thuộc tính được ký không được sắp xếp theo DER; chữ ký được kiểm tra trên đúng các byte gốc",
                "The signed attributes are not in DER order; the signature is checked over the original bytes",
            ),
            SigningCertificateMismatch { version } => Message::new(
                "signing-certificate-mismatch",
                format!(
                    "Thuộc tính signing-certificate{} không trỏ tới chứng thư số của người ký: chứng thư có thể đã bị thay thế",
                    if *version == 2 { "-v2" } else { "" }
                ),
                format!(
                    "The signing-certificate{} attribute does not identify the signer's certificate: the certificate may have been substituted",
                    if *version == 2 { "-v2" } else { "" }
                ),
            ),
            SigningCertificateMalformed { version } => Message::new(
                "signing-certificate-malformed",
                format!(
                    "Thuộc tính signing-certificate{} không đúng định dạng",
                    if *version == 2 { "-v2" } else { "" }
                ),
                format!(
                    "The signing-certificate{} attribute is malformed",
                    if *version == 2 { "-v2" } else { "" }
                ),
            ),
            SigningCertificateAbsent => Message::new(
                "signing-certificate-absent",
                "Chữ ký PAdES thiếu thuộc tính signing-certificate-v2 gắn chữ ký với chứng thư số",
                "The PAdES signature lacks the signing-certificate-v2 attribute that binds it to the certificate",
            ),
            BerEncoding => Message::new(
                "cms-ber-encoding",
                "Dữ liệu chữ ký dùng mã hóa BER thay vì DER như PAdES yêu cầu",
                "The signature data uses BER rather than the DER that PAdES asks for",
            ),
            WeakDigest { algorithm, what } => Message::new(
                "weak-digest",
                format!(
                    "{} dùng thuật toán băm {algorithm}, không còn được chấp nhận theo quy định của Việt Nam",
                    if *what == "signature" {
                        "Chữ ký"
                    } else {
                        "Dấu thời gian"
                    }
                ),
                format!(
                    "The {what} uses the {algorithm} digest, no longer acceptable under Vietnamese rules"
                ),
            ),
            WeakRsaKey { bits } => Message::new(
                "weak-key",
                format!(
                    "Khóa RSA {bits} bit của người ký quá yếu (quy định yêu cầu tối thiểu 2048 bit)"
                ),
                format!(
                    "The signer's {bits}-bit RSA key is too weak (at least 2048 bits are required)"
                ),
            ),
            WeakEcKey { bits } => Message::new(
                "weak-key",
                format!(
                    "Khóa EC {bits} bit của người ký quá yếu (quy định yêu cầu tối thiểu 256 bit)"
                ),
                format!(
                    "The signer's {bits}-bit EC key is too weak (at least 256 bits are required)"
                ),
            ),
        }
    }
}

/// Collects problems and keeps the status in step with them.
#[derive(Debug)]
pub(crate) struct Checks {
    pub findings: Vec<Finding>,
    pub status: Integrity,
}

impl Checks {
    pub(crate) fn new() -> Self {
        Checks {
            findings: Vec::new(),
            status: Integrity::Intact,
        }
    }

    pub(crate) fn report(&mut self, problem: IntegrityProblem) {
        self.status = worse(self.status, problem.effect());
        let finding = problem.to_finding();
        // The same problem found twice (a SHA-1 SubFilter and a SHA-1 digest) is said once.
        if !self.findings.contains(&finding) {
            self.findings.push(finding);
        }
    }

    pub(crate) fn report_with(&mut self, problem: IntegrityProblem, detail: impl Into<String>) {
        self.status = worse(self.status, problem.effect());
        self.findings.push(problem.to_finding().with_detail(detail));
    }
}

/// What the CMS check found, for the facts.
#[derive(Debug, Default)]
pub(crate) struct SignerFacts {
    pub signer: Option<CertificateInfo>,
    pub binding: Option<BindingCheck>,
}

/// The checks on one SignerInfo that signatures and time-stamp tokens share: signed
/// attributes, the signature value, the signing-certificate binding, algorithm strength.
/// `content_digest` is the digest of the signed content with
/// [`ParsedSignedData::content_digest_algorithm`]; `None` when it could not be made.
pub(crate) fn check_signer_info(
    parsed: &ParsedSignedData,
    content_digest: Option<&[u8]>,
    expected_content_type: ObjectIdentifier,
    what: &'static str,
    checks: &mut Checks,
) -> SignerFacts {
    let mut facts = SignerFacts::default();

    // The signer's certificate.
    let certificate = match parsed.signer_certificate_der() {
        None => {
            checks.report(IntegrityProblem::SignerCertificateMissing);
            None
        }
        Some(der) => match CertificateInfo::from_der(der) {
            Ok(info) => Some(info),
            Err(e) => {
                checks.report(IntegrityProblem::SignerCertificateUnreadable {
                    detail: e.to_string(),
                });
                None
            }
        },
    };

    // Algorithms and their strength.
    let algorithm = parsed.signature_algorithm.as_ref().ok();
    if let Err(detail) = &parsed.signature_algorithm {
        checks.report(IntegrityProblem::CmsMalformed {
            detail: detail.clone(),
        });
    }
    match parsed.digest_algorithm {
        None => checks.report(IntegrityProblem::UnsupportedAlgorithm {
            name: format!("digest {}", parsed.digest_algorithm_oid),
        }),
        Some(digest) if digest.is_weak() => {
            checks.report(IntegrityProblem::WeakDigest {
                algorithm: digest,
                what,
            });
        }
        Some(_) => {}
    }
    if let (Some(algorithm), Some(digest)) = (algorithm, parsed.digest_algorithm) {
        match algorithm {
            SignatureAlgorithm::Ed25519 if digest != DigestAlgorithm::Sha512 => {
                checks.report(IntegrityProblem::Ed25519DigestNotSha512 {
                    digest: digest.to_string(),
                });
            }
            SignatureAlgorithm::RsaPss { hash, mgf_hash, .. } if hash != mgf_hash => {
                checks.report(IntegrityProblem::PssMgfMismatch {
                    detail: format!(
                        "hash {}, MGF1 {}",
                        hash.map_or("?", |h| h.name()),
                        mgf_hash.map_or("?", |h| h.name())
                    ),
                });
            }
            _ => {}
        }
        if let Some(named) = algorithm.named_hash()
            && named != digest
        {
            if parsed.signed_attributes.is_some() {
                checks.report(IntegrityProblem::AlgorithmMismatch {
                    digest: digest.to_string(),
                    signature: algorithm.to_string(),
                });
            }
            if named.is_weak() {
                checks.report(IntegrityProblem::WeakDigest {
                    algorithm: named,
                    what,
                });
            }
        }
    }
    if let Some(info) = &certificate {
        match &info.key {
            PublicKeyKind::Rsa { bits } if *bits < 2048 => {
                checks.report(IntegrityProblem::WeakRsaKey { bits: *bits });
            }
            PublicKeyKind::Ec { curve } => {
                if let Some(bits) = curve.bits()
                    && bits < 256
                {
                    checks.report(IntegrityProblem::WeakEcKey { bits });
                }
            }
            _ => {}
        }
    }

    // Signed attributes.
    if let Some(attributes) = &parsed.signed_attributes {
        if !attributes.der_sorted {
            checks.report(IntegrityProblem::SignedAttributesNotDer);
        }
        match &attributes.content_type {
            SingleValue::Present(content_type) => {
                if *content_type != parsed.econtent_type || *content_type != expected_content_type {
                    checks.report(IntegrityProblem::ContentTypeMismatch {
                        attribute: content_type.to_string(),
                        expected: expected_content_type.to_string(),
                    });
                }
            }
            other => checks.report(attribute_problem("content-type", other)),
        }
        match (&attributes.message_digest, content_digest) {
            (SingleValue::Present(value), Some(digest)) => {
                if value.as_slice() != digest {
                    checks.report(IntegrityProblem::MessageDigestMismatch);
                }
            }
            (SingleValue::Present(_), None) => {}
            (other, _) => checks.report(attribute_problem("message-digest", other)),
        }
    }

    // The signature value.
    let can_verify = parsed.signed_attributes.is_some() || content_digest.is_some();
    if can_verify {
        match parsed.verify_signature(content_digest.unwrap_or_default()) {
            Ok(()) => {}
            Err(SignatureCheckError::NoSignerCertificate) => {} // reported above
            Err(SignatureCheckError::UnknownAlgorithm(name)) => {
                checks.report(IntegrityProblem::UnsupportedAlgorithm { name });
            }
            Err(SignatureCheckError::Failed(failure)) => match failure {
                VerifyFailure::Invalid => checks.report(IntegrityProblem::SignatureInvalid),
                VerifyFailure::KeyMismatch { key, algorithm } => {
                    checks.report(IntegrityProblem::KeyProblem {
                        detail: format!("{key} key with {algorithm}"),
                    });
                }
                VerifyFailure::BadKey(detail) => {
                    checks.report(IntegrityProblem::KeyProblem { detail });
                }
                VerifyFailure::Unsupported(name) => {
                    // PSS with another MGF1 hash was named above already.
                    let already = checks.findings.iter().any(|f| f.code == "pss-mgf-mismatch");
                    if !already {
                        checks.report(IntegrityProblem::UnsupportedAlgorithm { name });
                    }
                }
            },
        }
    }

    // The ESS signing-certificate binding.
    let binding = parsed.signing_certificate_binding();
    match binding {
        BindingCheck::Mismatch { version } => {
            checks.report(IntegrityProblem::SigningCertificateMismatch { version });
        }
        BindingCheck::Malformed { version } => {
            checks.report(IntegrityProblem::SigningCertificateMalformed { version });
        }
        BindingCheck::UnknownHash => checks.report(IntegrityProblem::UnsupportedAlgorithm {
            name: "signing-certificate-v2 hash".to_owned(),
        }),
        _ => {}
    }
    if parsed.indefinite_lengths {
        checks.report(IntegrityProblem::BerEncoding);
    }
    facts.signer = certificate;
    facts.binding = Some(binding);
    facts
}

fn attribute_problem<T>(name: &'static str, value: &SingleValue<T>) -> IntegrityProblem {
    IntegrityProblem::AttributeProblem {
        name,
        detail: match value {
            SingleValue::Absent => "missing".to_owned(),
            SingleValue::NotSingle => "not exactly one value".to_owned(),
            SingleValue::Malformed(e) => e.clone(),
            SingleValue::Present(_) => "unexpected".to_owned(),
        },
    }
}

/// Hashes `ranges` of the file with `algorithm`, reading in chunks.
pub(crate) fn digest_ranges(
    file: &PdfFile,
    ranges: &[Range<u64>],
    algorithm: DigestAlgorithm,
) -> std::io::Result<Vec<u8>> {
    let mut hasher = algorithm.hasher();
    hash_ranges(file, ranges, &mut hasher)?;
    Ok(hasher.finalize())
}

fn hash_ranges(file: &PdfFile, ranges: &[Range<u64>], hasher: &mut Hasher) -> std::io::Result<()> {
    let mut buf = vec![0u8; HASH_CHUNK];
    for range in ranges {
        let mut at = range.start;
        while at < range.end {
            let want = usize::try_from(range.end - at)
                .unwrap_or(usize::MAX)
                .min(HASH_CHUNK);
            let read = file.source().read_at(at, &mut buf[..want])?;
            if read == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            hasher.update(&buf[..read]);
            at += read as u64;
        }
    }
    Ok(())
}

/// Whether the bytes just before `end` are `%%EOF`, possibly followed by an end-of-line and
/// white-space: where a revision ends (ISO 32000-1 §7.5.5).
fn ends_at_eof(file: &PdfFile, end: u64) -> bool {
    let start = end.saturating_sub(EOF_LOOKBACK as u64);
    let Ok(window) = file.source().window(start, (end - start) as usize) else {
        return false;
    };
    let bytes: &[u8] = &window.bytes;
    let trimmed = bytes
        .iter()
        .rposition(|&b| !matches!(b, b'\r' | b'\n' | b' ' | b'\t' | b'\0' | b'\x0c'))
        .map_or(&[][..], |last| &bytes[..=last]);
    trimmed.ends_with(b"%%EOF")
}

/// The SubFilter values a signature can carry, as far as the checks differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// `ETSI.CAdES.detached` (PAdES): signed attributes required.
    Cades,
    /// `adbe.pkcs7.detached`.
    Pkcs7Detached,
    /// `adbe.pkcs7.sha1`: eContent is the SHA-1 of the covered bytes.
    Pkcs7Sha1,
    /// `ETSI.RFC3161`: a time-stamp token over the covered bytes.
    DocumentTimestamp,
    /// Anything else: checked as detached, with a warning.
    Unknown,
}

/// Checks the integrity of one signature of `file`. Never fails: every problem is a finding.
pub fn check_integrity(file: &PdfFile, site: &SignatureSite) -> IntegrityFacts {
    check_integrity_with(file, site, None)
}

/// [`check_integrity`], resuming SHA-256 digests of the covered bytes from the states `whole`
/// saved while the whole file was hashed (see [`super::prefix`]).
pub fn check_integrity_with(
    file: &PdfFile,
    site: &SignatureSite,
    whole: Option<&super::prefix::FileDigest>,
) -> IntegrityFacts {
    let mut facts = IntegrityFacts::new();
    let mut checks = Checks::new();
    if let Some(reason) = &site.unreadable {
        checks.report(IntegrityProblem::SignatureDictionaryUnreadable {
            reason: reason.clone(),
        });
        return finish(facts, checks);
    }
    let covered = check_byte_range(file, site, &mut facts, &mut checks);

    let format = match (site.kind, site.sub_filter.as_deref()) {
        (SignatureKind::DocumentTimestamp, _) | (_, Some("ETSI.RFC3161")) => {
            Format::DocumentTimestamp
        }
        (_, Some("ETSI.CAdES.detached")) => Format::Cades,
        (_, Some("adbe.pkcs7.detached")) => Format::Pkcs7Detached,
        (_, Some("adbe.pkcs7.sha1")) => Format::Pkcs7Sha1,
        (_, other) => {
            checks.report(IntegrityProblem::UnknownSubFilter {
                sub_filter: other.map(str::to_owned),
            });
            Format::Unknown
        }
    };

    if site.contents.iter().all(|&b| b == 0) {
        checks.report(IntegrityProblem::EmptySignature);
        return finish(facts, checks);
    }
    let parsed = match ParsedSignedData::parse(&site.contents) {
        Ok(parsed) => parsed,
        Err(e) => {
            checks.report(IntegrityProblem::CmsMalformed {
                detail: e.to_string(),
            });
            return finish(facts, checks);
        }
    };
    facts.certificates = parsed.certificates.clone();
    facts.signature_value = parsed.signature_value.clone();
    facts.signature_algorithm = parsed.signature_algorithm.clone().ok();
    facts.signature_algorithm_oid = Some(parsed.signature_algorithm_oid.to_string());
    facts.ber_encoded = parsed.indefinite_lengths;
    facts.unsigned_attributes = parsed.unsigned_attributes.clone();
    facts.cms_revocation = parsed.revocation_info.clone();
    if let Some(attributes) = &parsed.signed_attributes {
        facts.has_signed_attributes = true;
        facts.signed_attributes = attributes.types.iter().map(ToString::to_string).collect();
        facts.signed_attributes_der_sorted = Some(attributes.der_sorted);
        facts.claimed_signing_time = attributes.signing_time.value().copied();
        facts.revocation_archival = attributes.revocation_archival.clone();
    }

    if format == Format::DocumentTimestamp {
        let token = timestamp::check_document_timestamp(file, &parsed, covered.as_deref());
        facts.digest_algorithm = token.tst_info.as_ref().and_then(|t| t.imprint_algorithm);
        facts.document_digest = token.document_digest.clone();
        facts.signer = token.tsa.clone();
        facts.signing_certificate = token.signing_certificate;
        facts.claimed_signing_time = None;
        for finding in &token.findings {
            checks.findings.push(finding.clone());
        }
        checks.status = worse(checks.status, token.status);
        facts.document_timestamp = Some(token);
        return finish(facts, checks);
    }

    // The signed content and its digest.
    let content_algorithm = parsed.content_digest_algorithm();
    facts.digest_algorithm = content_algorithm;
    let mut content_digest: Option<Vec<u8>> = None;
    match (format, &parsed.econtent) {
        (Format::Pkcs7Sha1, Some(econtent)) => {
            // The eContent is the SHA-1 of the covered bytes (ISO 32000-1 §12.8.3.3.1), which
            // the SignerInfo then signs like any encapsulated content.
            if let Some(ranges) = &covered {
                match digest_ranges(file, ranges, DigestAlgorithm::Sha1) {
                    Ok(sha1) => {
                        let inner = unwrap_octet_string(econtent);
                        if sha1 != econtent.as_slice() && Some(sha1.as_slice()) != inner {
                            checks.report(IntegrityProblem::Sha1ContentMismatch);
                        }
                        facts.document_digest = Some(sha1);
                    }
                    Err(e) => checks.report(IntegrityProblem::Unreadable {
                        detail: e.to_string(),
                    }),
                }
            }
            checks.report(IntegrityProblem::WeakDigest {
                algorithm: DigestAlgorithm::Sha1,
                what: "signature",
            });
            content_digest = content_algorithm.map(|a| a.digest(econtent));
        }
        (Format::Pkcs7Sha1, None) => checks.report(IntegrityProblem::ContentMismatch {
            detail: "adbe.pkcs7.sha1 without encapsulated content".to_owned(),
        }),
        (_, Some(_)) => checks.report(IntegrityProblem::ContentMismatch {
            detail: "a detached signature that encapsulates content".to_owned(),
        }),
        (_, None) => {
            if let (Some(ranges), Some(algorithm)) = (&covered, content_algorithm) {
                let resumed = whole
                    .filter(|_| algorithm == DigestAlgorithm::Sha256)
                    .and_then(|whole| whole.sha256_of(file, ranges));
                match resumed.unwrap_or_else(|| digest_ranges(file, ranges, algorithm)) {
                    Ok(digest) => {
                        facts.document_digest = Some(digest.clone());
                        content_digest = Some(digest);
                    }
                    Err(e) => checks.report(IntegrityProblem::Unreadable {
                        detail: e.to_string(),
                    }),
                }
            }
        }
    }
    if format == Format::Cades && parsed.signed_attributes.is_none() {
        checks.report(IntegrityProblem::SignedAttributesMissing);
    }

    let signer = check_signer_info(
        &parsed,
        content_digest.as_deref(),
        ID_DATA,
        "signature",
        &mut checks,
    );
    if format == Format::Cades && signer.binding == Some(BindingCheck::Absent) {
        checks.report(IntegrityProblem::SigningCertificateAbsent);
    }
    facts.signer = signer.signer;
    facts.signing_certificate = signer.binding;

    // Signature time-stamps: over the signature value (RFC 3161 Appendix A).
    for token in parsed.unsigned_values(crate::cms::inspect::ID_AA_SIGNATURE_TIME_STAMP_TOKEN) {
        facts
            .signature_timestamps
            .push(timestamp::check_signature_timestamp(
                token,
                &parsed.signature_value,
            ));
    }
    finish(facts, checks)
}

/// The octets inside a DER OCTET STRING, if `bytes` is one (some writers wrap the SHA-1 of
/// `adbe.pkcs7.sha1` once more).
fn unwrap_octet_string(bytes: &[u8]) -> Option<&[u8]> {
    match bytes {
        [0x04, len, rest @ ..] if usize::from(*len) == rest.len() => Some(rest),
        _ => None,
    }
}

fn finish(mut facts: IntegrityFacts, checks: Checks) -> IntegrityFacts {
    facts.status = checks.status;
    facts.findings = checks.findings;
    facts
}

/// ByteRange sanity. Returns the covered ranges when they can be hashed (four non-negative
/// integers within the file), whatever else is wrong with them.
fn check_byte_range(
    file: &PdfFile,
    site: &SignatureSite,
    facts: &mut IntegrityFacts,
    checks: &mut Checks,
) -> Option<Vec<Range<u64>>> {
    for key in &site.duplicate_keys {
        checks.report(IntegrityProblem::DuplicateKey { key: key.clone() });
    }
    if matches!(
        site.dictionary_location,
        DictionaryLocation::Compressed { .. } | DictionaryLocation::DirectInCompressedField
    ) {
        checks.report(IntegrityProblem::DictionaryCompressed);
    }
    if site.rewritten_from.is_some() {
        checks.report(IntegrityProblem::DictionaryRewritten);
    }
    if site.contents_is_string && !site.contents_is_hex {
        checks.report(IntegrityProblem::ContentsNotHex);
    }
    let Some([a, b, c, d]) = site.byte_range.four() else {
        checks.report(IntegrityProblem::ByteRangeMalformed {
            detail: match &site.byte_range {
                super::discovery::RawByteRange::Absent => "missing".to_owned(),
                super::discovery::RawByteRange::Malformed => "not an array of integers".to_owned(),
                super::discovery::RawByteRange::Integers(v) => format!("{v:?}"),
            },
        });
        return None;
    };
    facts.byte_range = Some([a, b, c, d]);
    let (Some(first_end), Some(covered_end)) = (a.checked_add(b), c.checked_add(d)) else {
        checks.report(IntegrityProblem::ByteRangeMalformed {
            detail: format!("[{a} {b} {c} {d}] overflows"),
        });
        return None;
    };
    if a != 0 {
        checks.report(IntegrityProblem::ByteRangeNotFromStart { start: a });
    }
    if c <= first_end {
        checks.report(IntegrityProblem::ByteRangeMalformed {
            detail: format!("[{a} {b} {c} {d}]: the second range does not follow the first"),
        });
        return None;
    }
    facts.covered_end = Some(covered_end);
    let gap = first_end..c;
    facts.gap_is_contents = site.contents_span.as_ref() == Some(&gap);
    if !facts.gap_is_contents {
        checks.report_with(
            IntegrityProblem::GapNotContents {
                gap: gap.clone(),
                contents: site.contents_span.clone(),
            },
            format!("ByteRange [{a} {b} {c} {d}]"),
        );
    }
    let len = file.len();
    if covered_end > len {
        checks.report(IntegrityProblem::ByteRangeBeyondFile {
            end: covered_end,
            len,
        });
        return None;
    }
    facts.covers_whole_file = covered_end == len;
    facts.covered_end_at_eof = ends_at_eof(file, covered_end);
    if !facts.covered_end_at_eof {
        checks.report(IntegrityProblem::NotAtRevisionEnd { end: covered_end });
    }
    Some(vec![a..first_end, c..covered_end])
}

/// The findings of gaps that overlap between signatures (DSS's ByteRangeCollisionCheck): for
/// each pair of different signature dictionaries whose gaps `[a + b, c)` intersect, a finding
/// for both. Returns `(index in sites, finding)` pairs.
pub fn check_gap_overlaps(sites: &[SignatureSite]) -> Vec<(usize, Finding)> {
    let gaps: Vec<Option<Range<u64>>> = sites
        .iter()
        .map(|s| {
            let [a, b, c, _] = s.byte_range.four()?;
            let start = a.checked_add(b)?;
            (start < c).then_some(start..c)
        })
        .collect();
    let label = |site: &SignatureSite| {
        site.field_name
            .clone()
            .or_else(|| site.signature_id.map(|id| id.to_string()))
            .unwrap_or_else(|| "?".to_owned())
    };
    let mut out = Vec::new();
    for (i, gap_i) in gaps.iter().enumerate() {
        let Some(gap_i) = gap_i else { continue };
        for (j, gap_j) in gaps.iter().enumerate() {
            let Some(gap_j) = gap_j else { continue };
            if i == j || sites[i].dictionary_location == sites[j].dictionary_location {
                continue;
            }
            if gap_i.start < gap_j.end && gap_j.start < gap_i.end {
                out.push((
                    i,
                    IntegrityProblem::GapsOverlap {
                        other: label(&sites[j]),
                    }
                    .to_finding(),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "integrity_tests.rs"]
mod tests;
