//! Why no usable time-stamp came back, sorted by where the fault lies: the way to the TSA, the
//! TSA's refusal, an answer that is not what was asked for, and a TSA that cannot be relied on.

use super::request::RandomError;
use super::response::TsaStatus;
use crate::message::{Explain, Message};
use crate::net::NetError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TsaError {
    // --- Reaching the TSA ---
    /// The TSA could not be reached, did not answer in time, or answered with an HTTP error.
    #[error("time-stamp authority: {0}")]
    Network(NetError),
    /// No random nonce could be made.
    #[error("time-stamp request: {0}")]
    Random(#[from] RandomError),

    // --- The TSA said no ---
    /// PKIStatus other than granted / grantedWithMods.
    #[error("the time-stamp authority {url} refused: {}", .status.describe())]
    Rejected { url: String, status: TsaStatus },

    // --- An answer that is not the one asked for ---
    /// Not a TimeStampResp, no token, or a token that cannot be read.
    #[error("bad answer from the time-stamp authority {url}: {detail}")]
    BadResponse { url: String, detail: String },
    /// The token's nonce is not the request's: an old or someone else's answer.
    #[error("the time-stamp from {url} answers another request (nonce differs)")]
    NonceMismatch { url: String },
    /// The token's messageImprint is not what was sent: it does not cover our data.
    #[error("the time-stamp from {url} covers other data (imprint differs)")]
    ImprintMismatch { url: String },
    /// The token's own signature (or its signed attributes) does not verify.
    #[error("the time-stamp token from {url} does not verify: {}", .reasons.iter().map(|m| m.en.as_str()).collect::<Vec<_>>().join("; "))]
    TokenInvalid { url: String, reasons: Vec<Message> },

    // --- A TSA that cannot be relied on ---
    /// The TSA's certificate is not a time-stamping certificate (RFC 3161 §2.3).
    #[error("the certificate of the time-stamp authority {subject} is not for time-stamping")]
    WrongPurpose { subject: String },
    /// The TSA's certificate does not chain to a trusted anchor (a caller's decision: see
    /// [`TimeStampToken::require_trusted`](super::TimeStampToken::require_trusted)).
    #[error("the time-stamp authority {subject} is not trusted: {}", .reasons.iter().map(|m| m.en.as_str()).collect::<Vec<_>>().join("; "))]
    Untrusted {
        subject: String,
        reasons: Vec<Message>,
    },
}

impl TsaError {
    /// Whether the TSA could not be reached at all (as opposed to a wrong answer).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, TsaError::Network(_))
    }
}

fn joined(reasons: &[Message], vi: bool) -> String {
    reasons
        .iter()
        .map(|m| if vi { m.vi.as_str() } else { m.en.as_str() })
        .collect::<Vec<_>>()
        .join("; ")
}

impl Explain for TsaError {
    fn message(&self) -> Message {
        match self {
            TsaError::Network(net) => {
                let code = match net {
                    NetError::Timeout { .. } => "tsa-timeout",
                    NetError::HttpStatus { .. } => "tsa-http-status",
                    NetError::TooLarge { .. } => "tsa-bad-response",
                    NetError::InvalidUrl { .. } | NetError::UnsupportedScheme { .. } => {
                        "tsa-invalid-url"
                    }
                    _ => "tsa-unreachable",
                };
                let (vi, en) = match code {
                    "tsa-unreachable" => (
                        "Không kết nối được máy chủ cấp dấu thời gian (TSA)",
                        "Cannot reach the time-stamp authority (TSA)",
                    ),
                    "tsa-timeout" => (
                        "Máy chủ cấp dấu thời gian (TSA) không trả lời kịp thời",
                        "The time-stamp authority (TSA) did not answer in time",
                    ),
                    _ => (
                        "Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian (TSA)",
                        "No time-stamp from the time-stamp authority (TSA)",
                    ),
                };
                let inner = net.message();
                Message::new(
                    code,
                    format!("{vi}. {}", inner.vi),
                    format!("{en}. {}", inner.en),
                )
            }
            TsaError::Random(e) => Message::new(
                "random-unavailable",
                format!(
                    "Không lấy được số ngẫu nhiên từ hệ điều hành cho yêu cầu dấu thời gian ({e})"
                ),
                format!(
                    "The operating system gave no random bytes for the time-stamp request ({e})"
                ),
            ),
            TsaError::Rejected { url, status } => Message::new(
                "tsa-rejected",
                format!(
                    "Máy chủ cấp dấu thời gian (TSA) {url} từ chối cấp dấu thời gian: {}",
                    status.describe()
                ),
                format!(
                    "The time-stamp authority (TSA) {url} refused to issue a time-stamp: {}",
                    status.describe()
                ),
            ),
            TsaError::BadResponse { url, detail } => Message::new(
                "tsa-bad-response",
                format!(
                    "Câu trả lời của máy chủ cấp dấu thời gian (TSA) {url} không hợp lệ ({detail})"
                ),
                format!(
                    "The answer of the time-stamp authority (TSA) {url} is not valid ({detail})"
                ),
            ),
            TsaError::NonceMismatch { url } => Message::new(
                "tsa-nonce-mismatch",
                format!(
                    "Dấu thời gian nhận từ {url} không phải câu trả lời cho yêu cầu này (số nonce không khớp); không dùng"
                ),
                format!(
                    "The time-stamp from {url} does not answer this request (the nonce differs); not used"
                ),
            ),
            TsaError::ImprintMismatch { url } => Message::new(
                "tsa-imprint-mismatch",
                format!(
                    "Dấu thời gian nhận từ {url} không gắn với dữ liệu cần đóng dấu (giá trị băm không khớp); không dùng"
                ),
                format!(
                    "The time-stamp from {url} does not cover the data sent (the imprint differs); not used"
                ),
            ),
            TsaError::TokenInvalid { url, reasons } => Message::new(
                "tsa-token-invalid",
                format!(
                    "Chữ ký trên dấu thời gian nhận từ {url} không hợp lệ: {}",
                    joined(reasons, true)
                ),
                format!(
                    "The signature of the time-stamp from {url} does not verify: {}",
                    joined(reasons, false)
                ),
            ),
            TsaError::WrongPurpose { subject } => Message::new(
                "tsa-wrong-purpose",
                format!(
                    "Chứng thư số của máy chủ cấp dấu thời gian «{subject}» không dành cho việc cấp dấu thời gian (thiếu mục đích timeStamping)"
                ),
                format!(
                    "The certificate of the time-stamp authority «{subject}» is not meant for time-stamping (no timeStamping key purpose)"
                ),
            ),
            TsaError::Untrusted { subject, reasons } => Message::new(
                "tsa-untrusted",
                format!(
                    "Máy chủ cấp dấu thời gian «{subject}» không thuộc chuỗi chứng thực tin cậy: {}",
                    joined(reasons, true)
                ),
                format!(
                    "The time-stamp authority «{subject}» does not chain to a trusted root: {}",
                    joined(reasons, false)
                ),
            ),
        }
    }
}
