//! One observation about a signature, a revision or a certificate: what a check found, in words
//! a clerk understands (Vietnamese first), with the ETSI EN 319 102-1 sub-indication it implies.
//!
//! Every validation module reports through this type, so the verdict and the report treat
//! findings from integrity, change analysis, paths and revocation alike.

use serde::Serialize;

use super::indication::SubIndication;
use crate::message::Message;

/// How much a finding weighs on the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Worth knowing; changes nothing (e.g. "SHA-1 in a VGCA G1 CA certificate, accepted").
    Info,
    /// The signature cannot be confirmed on this point (INDETERMINATE), or the office should
    /// look again (e.g. "no revocation data").
    Warning,
    /// The signature fails on this point (TOTAL-FAILED, or rejected by the office policy).
    Failure,
}

/// A typed observation with its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable kebab-case code, the same as `message.code`.
    pub code: String,
    pub severity: Severity,
    /// The ETSI sub-indication this finding implies, if any.
    pub sub_indication: Option<SubIndication>,
    pub message: Message,
    /// Technical detail for the "details" view (offsets, object numbers, OIDs…), English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Finding {
    pub fn new(
        severity: Severity,
        sub_indication: Option<SubIndication>,
        message: Message,
    ) -> Self {
        Finding {
            code: message.code.clone(),
            severity,
            sub_indication,
            message,
            detail: None,
        }
    }

    pub fn failure(sub_indication: SubIndication, message: Message) -> Self {
        Finding::new(Severity::Failure, Some(sub_indication), message)
    }

    pub fn warning(sub_indication: Option<SubIndication>, message: Message) -> Self {
        Finding::new(Severity::Warning, sub_indication, message)
    }

    pub fn info(message: Message) -> Self {
        Finding::new(Severity::Info, None, message)
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}
