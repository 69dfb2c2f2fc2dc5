//! What a command answers when it cannot do its work: the core's [`Message`] (a stable code,
//! Vietnamese, English), never a display string, so the UI speaks the person's language.

use kyso::message::{Explain, Message};
use serde::Serialize;

/// The error every command returns; serialised as `{"code", "vi", "en"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CommandError(pub Message);

impl CommandError {
    pub fn new(code: &str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        CommandError(Message::new(code, vi, en))
    }

    /// A file or folder the app could not read or write.
    pub fn io(code: &str, path: &std::path::Path, source: &std::io::Error) -> Self {
        CommandError::new(
            code,
            format!("Không truy cập được {}: {source}", path.display()),
            format!("Cannot access {}: {source}", path.display()),
        )
    }

    /// Work that ran on a background thread ended without an answer.
    pub fn worker(detail: impl std::fmt::Display) -> Self {
        CommandError::new(
            "app-worker",
            format!("Tác vụ nền bị dừng bất thường: {detail}"),
            format!("A background task stopped unexpectedly: {detail}"),
        )
    }
}

impl<E: Explain> From<&E> for CommandError {
    fn from(e: &E) -> Self {
        CommandError(e.message())
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for CommandError {}

/// Shorthand for command results.
pub type CommandResult<T> = Result<T, CommandError>;
