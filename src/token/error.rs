//! Why a token or key could not sign.

use crate::message::{Explain, Message};

/// Errors of the token layer, sorted by cause.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The device failed with a PKCS#11 return value.
    #[error("token error: {0}")]
    Device(String),
}

impl Explain for TokenError {
    fn message(&self) -> Message {
        match self {
            TokenError::Device(rv) => Message::new(
                "token-error",
                format!("Thiết bị ký số báo lỗi: {rv}"),
                format!("The signing device reported an error: {rv}"),
            ),
        }
    }
}
