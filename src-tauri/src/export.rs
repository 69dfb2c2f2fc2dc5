//! Exports of a checked document, named by the report id the app kept (the web view never
//! sends a report back): the report as JSON (the `kyso verify --json` object) or as a PDF, and
//! for a rejected document the refusal notice (PDF or text) from `kyso::verify::notice`.

use kyso::message::Explain;
use kyso::pdf::compose::{Color, Document, Style};
use kyso::verify::notice::{NoticeSender, notice_pdf, notice_text};
use kyso::verify::report::{FileReport, Verdict};
use serde::Deserialize;

use crate::error::{CommandError, CommandResult};
use crate::verdict::Status;

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExportKind {
    ReportJson,
    ReportPdf,
    NoticePdf,
    NoticeText,
}

/// The bytes of an export.
pub fn render(
    kind: ExportKind,
    report: &FileReport,
    office: Option<&str>,
) -> CommandResult<Vec<u8>> {
    let sender = NoticeSender {
        office: office.map(str::to_owned),
    };
    let not_refused = || {
        CommandError::new(
            "notice-not-rejected",
            "Văn bản không bị từ chối nên không có thông báo từ chối",
            "The document is not rejected, so there is no refusal notice",
        )
    };
    match kind {
        ExportKind::ReportJson => serde_json::to_vec_pretty(report).map_err(CommandError::worker),
        ExportKind::ReportPdf => report_pdf(report),
        ExportKind::NoticePdf => notice_pdf(report, &sender)
            .ok_or_else(not_refused)?
            .map_err(|e| CommandError(e.message())),
        ExportKind::NoticeText => notice_text(report, &sender)
            .map(String::into_bytes)
            .ok_or_else(not_refused),
    }
}

/// A report value as its JSON text without quotes (`TOTAL-PASSED`, `B-LT`, `personal`).
fn plain<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// The report as an A4 PDF with the embedded Vietnamese font: verdict, reasons, and each
/// signature with its signer, time, integrity and changes.
fn report_pdf(report: &FileReport) -> CommandResult<Vec<u8>> {
    let mut doc = Document::new("Kết quả kiểm tra chữ ký số");
    doc.title("KẾT QUẢ KIỂM TRA CHỮ KÝ SỐ");
    doc.text("Signature validation report", Style::body().centered());
    doc.space(6.0);
    let (verdict, color) = match Status::of(report) {
        Status::Valid => ("HỢP LỆ / VALID", Color::rgb(0.0, 0.45, 0.2)),
        Status::Refused => ("TỪ CHỐI / REFUSED", Color::RED),
        Status::Review => (
            "CẦN KIỂM TRA THÊM / NEEDS REVIEW",
            Color::rgb(0.7, 0.45, 0.0),
        ),
    };
    doc.text(
        verdict,
        Style::body().size(14.0).bold().color(color).centered(),
    );
    doc.space(6.0);
    doc.key_value("Tệp / File", &report.file);
    if let Some(sha) = &report.sha256 {
        doc.key_value("SHA-256", sha);
    }
    doc.key_value("Thời gian kiểm tra / Checked at", &report.checked_at);
    doc.key_value("Chính sách / Policy", report.policy);
    doc.key_value("Số phiên bản / Revisions", &report.revisions.to_string());
    let listed = if report.verdict == Verdict::Rejected {
        &report.reasons
    } else {
        &report.warnings
    };
    if !listed.is_empty() {
        doc.heading("Lý do / Reasons");
        let items: Vec<String> = listed
            .iter()
            .map(|r| format!("{}\n{}", r.vi, r.en))
            .collect();
        doc.numbered(&items);
    }
    for (i, s) in report.signatures.iter().enumerate() {
        doc.heading(&format!(
            "Chữ ký {} / Signature {}: {}",
            i + 1,
            i + 1,
            s.field.as_deref().unwrap_or("?")
        ));
        if let Some(signer) = &s.signer {
            doc.key_value(
                "Người ký / Signer",
                signer.common_name.as_deref().unwrap_or(&signer.subject),
            );
            if let Some(o) = &signer.organisation {
                doc.key_value("Cơ quan / Organisation", o);
            }
            doc.key_value(
                "Nơi cấp / Issuer",
                &format!("{} ({})", signer.issuer, s.ca_family),
            );
        }
        if let Some(role) = &s.role {
            doc.key_value("Loại chứng thư / Certificate kind", &plain(role));
        }
        if let Some(authority) = &s.authority {
            doc.key_value("Thẩm quyền ký / Authority", authority);
        }
        if let Some(t) = &s.signing_time {
            doc.key_value("Thời gian ký / Signing time", t);
        }
        if let Some(t) = &s.timestamp_time {
            doc.key_value("Dấu thời gian / Time-stamp", t);
        }
        if let Some(level) = &s.level {
            doc.key_value("Mức chữ ký / PAdES level", &plain(level));
        }
        let indication = match &s.sub_indication {
            Some(sub) => format!("{} / {}", plain(&s.indication), plain(sub)),
            None => plain(&s.indication),
        };
        doc.key_value("Kết quả / Indication", &indication);
        doc.key_value("Toàn vẹn / Integrity", &plain(&s.integrity));
        doc.key_value(
            "Thay đổi sau khi ký / Changes after",
            &plain(&s.modifications),
        );
        for r in &s.reasons {
            doc.text(&format!("• {} / {}", r.vi, r.en), Style::body().size(10.0));
        }
    }
    doc.space(8.0);
    doc.text(
        "Báo cáo do phần mềm Kyso tạo / Generated by Kyso.",
        Style::body().size(10.0).color(Color::GREY),
    );
    doc.to_bytes().map_err(|e| CommandError(e.message()))
}
