//! Why a document could not be signed, sorted by where the fault lies: the input document,
//! the key or token, the signature container, or the output.

use std::path::PathBuf;

use crate::cms::CmsError;
use crate::message::{Explain, Message};
use crate::pdf::PdfError;
use crate::pki::GateRefusal;
use crate::token::TokenError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The input PDF cannot be signed as it is (not a PDF, broken, encrypted, certified…).
    #[error("input document: {0}")]
    Document(#[from] PdfError),
    /// The input could not be read.
    #[error("cannot read {path}: {source}")]
    ReadInput {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The input changed on disk while it was being signed.
    #[error("the input changed while it was being signed")]
    InputChanged,
    /// The output would replace the input: Kyso never modifies an input.
    #[error("the output is the input file")]
    OutputIsInput,
    /// The signer's certificate cannot be read.
    #[error("signer certificate: {0}")]
    Certificate(crate::pki::CertificateError),
    /// The signer's certificate must not sign now.
    #[error("certificate refused before signing")]
    Refused(Vec<GateRefusal>),
    /// The token or key failed.
    #[error("signing device: {0}")]
    Token(#[from] TokenError),
    /// The signature container could not be built.
    #[error("signature container: {0}")]
    Container(CmsError),
    /// The signature time-stamp (PAdES B-T) or the document time-stamp could not be had:
    /// nothing is written (never a silent downgrade to B-B).
    #[error("time-stamp: {0}")]
    Timestamp(crate::pki::tsp::TsaError),
    /// Signed, but the B-LT/B-LTA step failed: nothing is written.
    #[error("long-term validation data: {0}")]
    Extend(Box<super::extend::ExtendError>),
    /// The visible signature could not be placed or drawn, or its profile's precondition
    /// failed (the issuer needs a valid personal signature first): nothing is written.
    #[error("visible signature: {0}")]
    Layout(#[from] crate::layout::LayoutError),
    /// The signature just made does not verify: nothing is written.
    #[error("self-check after signing failed: {0}")]
    SelfCheck(CmsError),
    /// The output exists and overwriting was not asked for.
    #[error("output exists: {}", .0.display())]
    OutputExists(PathBuf),
    /// The output could not be written (disk full, no permission…). Nothing is left behind.
    #[error("cannot write {path}: {source}")]
    WriteOutput {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl From<CmsError> for SignError {
    fn from(e: CmsError) -> Self {
        match e {
            // The token's own error says more than "the container failed".
            CmsError::Signer(token) => SignError::Token(token),
            other => SignError::Container(other),
        }
    }
}

impl Explain for SignError {
    fn message(&self) -> Message {
        match self {
            SignError::Document(e) => e.message(),
            SignError::Token(e) => e.message(),
            SignError::Certificate(e) => e.message(),
            SignError::Container(e) => e.message(),
            SignError::Timestamp(e) => e.message(),
            SignError::Extend(e) => e.message(),
            SignError::Layout(e) => e.message(),
            SignError::Refused(reasons) => {
                let vi: Vec<_> = reasons.iter().map(|r| r.message().vi).collect();
                let en: Vec<_> = reasons.iter().map(|r| r.message().en).collect();
                let code = reasons
                    .first()
                    .map_or("cert-refused".to_string(), |r| r.message().code);
                Message::new(
                    code,
                    format!("Không ký được bằng chứng thư số này: {}", vi.join("; ")),
                    format!("This certificate cannot sign: {}", en.join("; ")),
                )
            }
            SignError::ReadInput { path, source } => Message::new(
                "input-unreadable",
                format!("Không đọc được tệp {}: {source}", path.display()),
                format!("Cannot read {}: {source}", path.display()),
            ),
            SignError::InputChanged => Message::new(
                "input-changed",
                "Tệp đầu vào bị thay đổi trong lúc ký; chưa ký, hãy thử lại",
                "The input file changed while it was being signed; nothing was signed, try again",
            ),
            SignError::OutputIsInput => Message::new(
                "output-is-input",
                "Tệp kết quả trùng với tệp đầu vào: Kyso không bao giờ sửa tệp gốc",
                "The output is the input file: Kyso never modifies an input",
            ),
            SignError::SelfCheck(e) => Message::new(
                "self-check-failed",
                format!(
                    "Chữ ký vừa tạo không kiểm tra được nên không ghi tệp: {}",
                    e.message().vi
                ),
                format!(
                    "The signature just made does not verify, so nothing was written: {}",
                    e.message().en
                ),
            ),
            SignError::OutputExists(path) => Message::new(
                "output-exists",
                format!(
                    "Tệp kết quả {} đã có; dùng --force để ghi đè",
                    path.display()
                ),
                format!(
                    "The output {} exists; use --force to overwrite",
                    path.display()
                ),
            ),
            SignError::WriteOutput { path, source } => Message::new(
                "output-unwritable",
                format!("Không ghi được tệp {}: {source}", path.display()),
                format!("Cannot write {}: {source}", path.display()),
            ),
        }
    }
}
