//! The three colours of the Check screen, read from the core's report (no validation here):
//! green *hợp lệ* — accepted with nothing to look at; red *từ chối* — rejected because something
//! failed for certain (broken, changed, revoked, malformed, unsigned); amber *cần kiểm tra
//! thêm* — accepted with warnings, or rejected only because something could not be established
//! (ETSI INDETERMINATE: an unknown issuer, missing revocation data, time ran out).

use kyso::message::Message;
use kyso::verify::indication::Indication;
use kyso::verify::report::{FileReport, Verdict};
use serde::Serialize;

/// The colour of one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Hợp lệ.
    Valid,
    /// Từ chối.
    Refused,
    /// Cần kiểm tra thêm.
    Review,
}

impl Status {
    pub fn of(report: &FileReport) -> Status {
        match report.verdict {
            Verdict::Accepted if report.warnings.is_empty() => Status::Valid,
            Verdict::Accepted => Status::Review,
            Verdict::Rejected => {
                let failed = report.signatures.is_empty()
                    || report
                        .signatures
                        .iter()
                        .any(|s| s.indication == Indication::TotalFailed);
                if failed {
                    Status::Refused
                } else {
                    Status::Review
                }
            }
        }
    }
}

/// What the list shows of one checked document; details come from `report`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckSummary {
    /// Names the report kept in the app's state, for exports.
    pub report_id: u64,
    pub file: String,
    pub status: Status,
    /// Why refused or what to look at, Vietnamese and English.
    pub reasons: Vec<Message>,
    pub report: FileReport,
    /// Whether revocation was asked online (OCSP, CRL, caIssuers) or read from the file only.
    pub online: bool,
}

impl CheckSummary {
    pub fn new(report_id: u64, report: FileReport) -> CheckSummary {
        let status = Status::of(&report);
        let reasons = match status {
            Status::Valid => Vec::new(),
            _ if !report.reasons.is_empty() => report.reasons.clone(),
            _ => report.warnings.clone(),
        };
        CheckSummary {
            report_id,
            file: report.file.clone(),
            status,
            reasons,
            report,
            online: false,
        }
    }
}
