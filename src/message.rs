//! Messages that people read: Vietnamese first, English second, with a stable code for programs.
//!
//! Every error and finding that reaches a person goes through [`Message`], so the CLI, the JSON
//! report and (later) the app all say the same thing in both languages.

use serde::Serialize;

/// One message for a person, with the code that programs match on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// Stable, kebab-case identifier (`pin-incorrect`, `encrypted`, …). Never translated.
    pub code: String,
    /// Vietnamese text, the one shown first.
    pub vi: String,
    /// English text.
    pub en: String,
}

impl Message {
    pub fn new(code: impl Into<String>, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Message {
            code: code.into(),
            vi: vi.into(),
            en: en.into(),
        }
    }
}

impl std::fmt::Display for Message {
    /// `vi (en)`: how a terminal shows it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.vi, self.en)
    }
}

/// Errors and findings that can explain themselves to a person.
pub trait Explain {
    fn message(&self) -> Message;
}
