//! The time allowed for checking one file, enforced inside Kyso (issue 4, "Hostile input": any
//! file gives a report within 2 s).
//!
//! The budget is cooperative. It is handed to the PDF reader as a
//! [`Deadline`] on the file's [`Source`](crate::pdf::Source), so every read — the `/Prev`
//! chain, the scan of all objects, reopening earlier revisions, hashing the covered bytes —
//! fails with [`Limit::Time`] once it has run out; and the validation process checks it between
//! signatures. Whatever was not checked in time is reported as such: the signature is
//! INDETERMINATE with a `time-limit` finding and the document is rejected, never "valid".

use std::time::{Duration, Instant};

use super::finding::{Finding, Severity};
use super::indication::SubIndication;
use crate::message::Message;
use crate::pdf::error::{english_duration, vietnamese_duration};
use crate::pdf::source::Deadline;

/// The default time allowed per file.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(2);

/// The finding code of a check cut short by the time limit.
pub const TIME_LIMIT_CODE: &str = "time-limit";

/// The time allowed for one file, from when its check started.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    deadline: Deadline,
}

impl Budget {
    /// Starts the clock: `limit` from now.
    pub fn start(limit: Duration) -> Budget {
        let now = Instant::now();
        // A limit too large for the clock (Duration::MAX) is no limit: a century will do.
        let at = now
            .checked_add(limit)
            .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600));
        Budget {
            deadline: Deadline { at, limit },
        }
    }

    /// The deadline for the reader's [`Source`](crate::pdf::Source).
    pub fn deadline(&self) -> Deadline {
        self.deadline
    }

    /// The time allowed.
    pub fn limit(&self) -> Duration {
        self.deadline.limit
    }

    /// Whether the time has run out.
    pub fn expired(&self) -> bool {
        self.deadline.passed()
    }

    /// `Err` once the time has run out, naming what was being checked.
    pub fn check(&self, stage: Stage) -> Result<(), TimeLimitReached> {
        if self.expired() {
            Err(TimeLimitReached {
                limit: self.limit(),
                stage,
            })
        } else {
            Ok(())
        }
    }

    /// The typed refusal for `stage`, whether or not the time has run out (for a caller that
    /// learned it from a [`Limit::Time`](crate::pdf::Limit::Time) error of the reader).
    pub fn reached(&self, stage: Stage) -> TimeLimitReached {
        TimeLimitReached {
            limit: self.limit(),
            stage,
        }
    }
}

/// What was being checked when the time ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stage {
    /// Reading the file: header, cross-reference sections, catalog.
    Reading,
    /// Finding the signatures among the form fields and all objects.
    Discovery,
    /// Splitting the file into its revisions.
    Revisions,
    /// One signature: integrity, changes after it, path, revocation.
    Signature,
}

impl Stage {
    fn vietnamese(self) -> &'static str {
        match self {
            Stage::Reading => "đọc cấu trúc tệp",
            Stage::Discovery => "tìm các chữ ký",
            Stage::Revisions => "tách các phiên bản của tệp",
            Stage::Signature => "kiểm tra chữ ký",
        }
    }

    fn english(self) -> &'static str {
        match self {
            Stage::Reading => "reading the file structure",
            Stage::Discovery => "finding the signatures",
            Stage::Revisions => "splitting the file into revisions",
            Stage::Signature => "checking the signature",
        }
    }
}

/// The time ran out before a check was finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeLimitReached {
    /// The time that was allowed.
    pub limit: Duration,
    /// What was being checked.
    pub stage: Stage,
}

impl TimeLimitReached {
    /// For people: which limit, and what could not be finished.
    pub fn message(&self) -> Message {
        Message::new(
            TIME_LIMIT_CODE,
            format!(
                "Hết thời gian kiểm tra (giới hạn {}) trước khi kiểm tra xong ({}); \
                 không thể xác nhận chữ ký. Tệp có thể được tạo ra để làm treo phần mềm kiểm tra.",
                vietnamese_duration(self.limit),
                self.stage.vietnamese()
            ),
            format!(
                "The time allowed for checking ({}) ran out before the check was finished \
                 ({}); the signature cannot be confirmed. The file may be crafted to stall \
                 validators.",
                english_duration(self.limit),
                self.stage.english()
            ),
        )
    }

    /// The finding on a signature whose check was cut short: INDETERMINATE (ETSI EN 319 102-1
    /// has no sub-indication for a validator's own time limit; GENERIC is "any other reason").
    /// The office policies reject it whatever its sub-indication: see `policy::decide`.
    pub fn to_finding(&self) -> Finding {
        Finding::new(
            Severity::Failure,
            Some(SubIndication::Generic),
            self.message(),
        )
        .with_detail(format!(
            "time limit {} ms reached while {}",
            self.limit.as_millis(),
            self.stage.english()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_budget_is_spent_at_once_and_says_which_limit() {
        let budget = Budget::start(Duration::ZERO);
        let reached = budget.check(Stage::Discovery).expect_err("no time at all");
        let finding = reached.to_finding();
        assert_eq!(finding.code, TIME_LIMIT_CODE);
        assert!(
            finding
                .message
                .vi
                .starts_with("Hết thời gian kiểm tra (giới hạn 0 ms)")
        );
        assert_eq!(finding.sub_indication, Some(SubIndication::Generic));
    }

    #[test]
    fn the_default_budget_is_not_spent_at_once_and_reads_in_seconds() {
        let budget = Budget::start(DEFAULT_TIME_LIMIT);
        assert!(budget.check(Stage::Reading).is_ok());
        let message = budget.reached(Stage::Signature).message();
        assert!(message.vi.contains("giới hạn 2 giây"), "{}", message.vi);
        assert!(message.en.contains("2 seconds"), "{}", message.en);
    }

    #[test]
    fn an_unbounded_limit_does_not_overflow_the_clock() {
        assert!(!Budget::start(Duration::MAX).expired());
    }

    #[test]
    fn an_expired_deadline_stops_every_read_of_the_source() {
        use crate::pdf::{Limit, PdfError, Source};
        let budget = Budget::start(Duration::ZERO);
        let source = Source::from_bytes(b"%PDF-1.7\n".to_vec()).with_deadline(budget.deadline());
        let error = PdfError::from(source.window(0, 4).expect_err("deadline passed"));
        assert!(error.is_time_limit(), "{error:?}");
        assert!(matches!(
            error,
            PdfError::LimitExceeded {
                limit: Limit::Time(_),
                ..
            }
        ));
        // Prefixes (earlier revisions) obey the same deadline.
        let mut buf = [0u8; 4];
        assert!(source.prefix(4).read_at(0, &mut buf).is_err());
    }
}
