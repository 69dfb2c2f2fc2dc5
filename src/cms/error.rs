//! Why a CMS signature could not be built or does not check, sorted by cause: the signer, our
//! own limits, input that is not a well-formed CMS, what we do not support, and a CMS that is
//! well-formed but does not verify.

use crate::message::{Explain, Message};
use crate::pki::CertificateError;
use crate::token::TokenError;

/// An error from the code that adds unsigned attributes (e.g. a time-stamp client), which keeps
/// its own type and its own bilingual message.
pub trait AttributeSourceError: std::error::Error + Explain + Send + Sync + 'static {}

impl<T: std::error::Error + Explain + Send + Sync + 'static> AttributeSourceError for T {}

/// Errors of the CMS layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CmsError {
    // --- The signer ---
    /// The key or token failed to sign; the original error is kept.
    #[error(transparent)]
    Signer(TokenError),
    /// The signer's certificate cannot be read.
    #[error("signer certificate: {0}")]
    SignerCertificate(CertificateError),
    /// The unsigned-attribute hook failed (e.g. the time-stamp authority did not answer).
    #[error("unsigned attributes: {0}")]
    UnsignedAttributes(Box<dyn AttributeSourceError>),

    // --- Our limits ---
    /// The CMS is larger than the room reserved for it.
    #[error("CMS of {len} bytes exceeds the {max} bytes reserved")]
    TooLarge { len: usize, max: usize },
    /// Encoding our own structures failed.
    #[error("CMS encoding failed: {0}")]
    Encoding(String),

    // --- Caller misuse ---
    /// The document digest given does not have the length of the scheme's hash.
    #[error("document digest of {actual} bytes where the hash gives {expected}")]
    DigestLength { expected: usize, actual: usize },

    // --- Input that is not a well-formed CMS ---
    /// The bytes do not parse as the structure named.
    #[error("malformed {what}: {detail}")]
    Malformed { what: &'static str, detail: String },
    /// The ContentInfo is not a SignedData.
    #[error("content type {content_type} is not signed-data")]
    NotSignedData { content_type: String },
    /// PAdES and this checker expect exactly one SignerInfo.
    #[error("{count} SignerInfos where exactly one is expected")]
    SignerCount { count: usize },
    /// The SignedData encapsulates its content; a PDF signature must be detached.
    #[error("the SignedData is not detached (eContent is present)")]
    NotDetached,
    /// The SignerInfo has no signed attributes.
    #[error("the SignerInfo has no signed attributes")]
    NoSignedAttributes,
    /// A required signed attribute is absent.
    #[error("signed attribute {name} is missing")]
    MissingAttribute { name: &'static str },
    /// A signed attribute that must occur once, with one value, occurs otherwise.
    #[error("signed attribute {name} must have exactly one value")]
    AttributeNotSingle { name: &'static str },

    // --- What we do not support ---
    /// A hash or signature algorithm this checker does not accept (SHA-1, MD5, SHA-3, …).
    #[error("unsupported algorithm {oid}")]
    UnsupportedAlgorithm { oid: String },
    /// The digest and signature algorithms name different hashes.
    #[error("digest algorithm {digest} does not match signature algorithm {signature}")]
    AlgorithmMismatch { digest: String, signature: String },
    /// The signer's key is of a type or curve this checker does not verify.
    #[error("unsupported signer key {key}")]
    UnsupportedKey { key: String },

    // --- A well-formed CMS that does not verify ---
    /// No certificate in the SignedData matches the SignerInfo's sid.
    #[error("the signer's certificate is not in the SignedData")]
    SignerCertificateNotFound,
    /// The content-type attribute differs from eContentType.
    #[error("content-type attribute {attribute} differs from eContentType {econtent_type}")]
    ContentTypeMismatch {
        attribute: String,
        econtent_type: String,
    },
    /// The message-digest attribute is not the digest of the document's byte ranges.
    #[error("message-digest attribute does not match the document digest")]
    MessageDigestMismatch,
    /// The signature value does not verify over the signed attributes with the signer's key.
    #[error("the signature value does not verify")]
    SignatureInvalid,
    /// ESS signing-certificate-v2 names another certificate than the one that verifies.
    #[error("signing-certificate-v2 does not identify the signer's certificate")]
    SigningCertificateMismatch,
}

impl Explain for CmsError {
    fn message(&self) -> Message {
        match self {
            CmsError::Signer(e) => e.message(),
            CmsError::SignerCertificate(e) => e.message(),
            CmsError::UnsignedAttributes(e) => e.message(),
            CmsError::TooLarge { len, max } => Message::new(
                "cms-too-large",
                format!("Chữ ký ({len} byte) vượt quá chỗ dành sẵn trong tệp PDF ({max} byte)"),
                format!(
                    "The signature ({len} bytes) does not fit the space reserved in the PDF ({max} bytes)"
                ),
            ),
            CmsError::Encoding(detail) => Message::new(
                "cms-encoding",
                format!("Lỗi khi tạo cấu trúc chữ ký CMS: {detail}"),
                format!("Building the CMS signature failed: {detail}"),
            ),
            CmsError::DigestLength { expected, actual } => Message::new(
                "cms-digest-length",
                format!("Giá trị băm của tài liệu dài {actual} byte thay vì {expected} byte"),
                format!("The document digest has {actual} bytes instead of {expected}"),
            ),
            CmsError::Malformed { what, detail } => Message::new(
                "cms-malformed",
                format!("Dữ liệu chữ ký không đúng định dạng ({what}): {detail}"),
                format!("The signature data is malformed ({what}): {detail}"),
            ),
            CmsError::NotSignedData { content_type } => Message::new(
                "cms-malformed",
                format!("Dữ liệu chữ ký không phải SignedData (loại {content_type})"),
                format!("The signature data is not SignedData (type {content_type})"),
            ),
            CmsError::SignerCount { count } => Message::new(
                "cms-signer-count",
                format!("Chữ ký có {count} người ký (SignerInfo) thay vì đúng một"),
                format!("The signature has {count} SignerInfos instead of exactly one"),
            ),
            CmsError::NotDetached => Message::new(
                "cms-not-detached",
                "Chữ ký chứa luôn nội dung được ký thay vì tách rời (detached)",
                "The signature encapsulates its content instead of being detached",
            ),
            CmsError::NoSignedAttributes => Message::new(
                "cms-attribute-missing",
                "Chữ ký không có thuộc tính được ký (signed attributes)",
                "The signature has no signed attributes",
            ),
            CmsError::MissingAttribute { name } => Message::new(
                "cms-attribute-missing",
                format!("Chữ ký thiếu thuộc tính bắt buộc {name}"),
                format!("The signature lacks the required attribute {name}"),
            ),
            CmsError::AttributeNotSingle { name } => Message::new(
                "cms-attribute-invalid",
                format!("Thuộc tính {name} của chữ ký phải có đúng một giá trị"),
                format!("The signature attribute {name} must have exactly one value"),
            ),
            CmsError::UnsupportedAlgorithm { oid } => Message::new(
                "cms-unsupported-algorithm",
                format!("Thuật toán {oid} không được hỗ trợ hoặc không đủ an toàn"),
                format!("Algorithm {oid} is not supported or not strong enough"),
            ),
            CmsError::AlgorithmMismatch { digest, signature } => Message::new(
                "cms-algorithm-mismatch",
                format!("Thuật toán băm {digest} không khớp với thuật toán ký {signature}"),
                format!("Digest algorithm {digest} does not match signature algorithm {signature}"),
            ),
            CmsError::UnsupportedKey { key } => Message::new(
                "cms-unsupported-key",
                format!("Không hỗ trợ kiểm tra chữ ký với khóa {key}"),
                format!("Signatures with a {key} key cannot be checked"),
            ),
            CmsError::SignerCertificateNotFound => Message::new(
                "cms-signer-certificate-missing",
                "Không tìm thấy chứng thư số của người ký trong chữ ký",
                "The signer's certificate is not in the signature",
            ),
            CmsError::ContentTypeMismatch {
                attribute,
                econtent_type,
            } => Message::new(
                "cms-content-type-mismatch",
                format!(
                    "Thuộc tính content-type ({attribute}) không khớp với eContentType ({econtent_type})"
                ),
                format!(
                    "The content-type attribute ({attribute}) differs from eContentType ({econtent_type})"
                ),
            ),
            CmsError::MessageDigestMismatch => Message::new(
                "cms-digest-mismatch",
                "Tài liệu đã bị thay đổi: giá trị băm không khớp với chữ ký",
                "The document was changed: its digest does not match the signature",
            ),
            CmsError::SignatureInvalid => Message::new(
                "cms-signature-invalid",
                "Chữ ký số không hợp lệ: giá trị chữ ký không khớp với khóa công khai của người ký",
                "The digital signature is invalid: it does not verify with the signer's public key",
            ),
            CmsError::SigningCertificateMismatch => Message::new(
                "cms-signing-certificate-mismatch",
                "Thuộc tính signing-certificate-v2 không trỏ tới chứng thư số của người ký",
                "The signing-certificate-v2 attribute does not identify the signer's certificate",
            ),
        }
    }
}
