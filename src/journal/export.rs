//! Exports: one JSON document (the evidence, certificates included) or RFC 4180 CSV (a table
//! for a spreadsheet: one row per entry, a header row, UTF-8).

use std::io::Write;

use serde::Serialize;

use super::query::{Entry, JournalQuery};
use super::schema::CURRENT_VERSION;
use super::{Journal, JournalError};

/// The CSV columns, in order. Add columns at the end; never rename or reorder them.
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "kind",
    "at",
    "at_utc",
    "file_name",
    "file_path",
    "sha256",
    "ok",
    "outcome",
    "message_vi",
    "message_en",
    "output_path",
    "output_sha256",
    "level",
    "profile",
    "field",
    "signer_subject",
    "signer_serial",
    "signer_issuer",
    "signer_sha256",
    "key_source",
    "token_label",
    "token_serial",
    "timestamp_time",
    "tsa_url",
    "revocation",
    "verdict",
    "policy",
    "online",
    "reasons_vi",
    "reasons_en",
    "signatures",
];

#[derive(Serialize)]
struct JsonExport<'a> {
    format: &'static str,
    schema: i64,
    exported_at: String,
    entries: &'a [Entry],
}

impl Journal {
    /// Writes the matching entries as one JSON object:
    /// `{"format": "kyso-journal", "schema": N, "exported_at": …, "entries": [ … ]}`.
    pub fn export_json(
        &self,
        writer: &mut dyn Write,
        query: &JournalQuery,
    ) -> Result<usize, JournalError> {
        let entries = self.query(query)?;
        let document = JsonExport {
            format: "kyso-journal",
            schema: CURRENT_VERSION,
            exported_at: crate::vn_time::iso8601(crate::vn_time::now()),
            entries: &entries,
        };
        serde_json::to_writer_pretty(&mut *writer, &document)
            .map_err(|e| JournalError::Export(e.into()))?;
        writer.write_all(b"\n").map_err(JournalError::Export)?;
        Ok(entries.len())
    }

    /// Writes the matching entries as CSV (RFC 4180: CRLF line ends, fields quoted when they
    /// hold a comma, a quote or a line break), with a header row of [`CSV_COLUMNS`].
    pub fn export_csv(
        &self,
        writer: &mut dyn Write,
        query: &JournalQuery,
    ) -> Result<usize, JournalError> {
        let entries = self.query(query)?;
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(writer);
        let fail = |e: csv::Error| JournalError::Export(e.into());
        csv.write_record(CSV_COLUMNS).map_err(fail)?;
        for entry in &entries {
            csv.write_record(csv_row(entry)).map_err(fail)?;
        }
        csv.flush().map_err(JournalError::Export)?;
        Ok(entries.len())
    }
}

fn csv_row(e: &Entry) -> Vec<String> {
    let text = |o: &Option<String>| o.clone().unwrap_or_default();
    let flag = |b: bool| if b { "true" } else { "false" }.to_owned();
    let s = e.signing.as_ref();
    let signer = s.and_then(|s| s.signer.as_ref());
    let v = e.verification.as_ref();
    let messages = |lang: fn(&serde_json::Value) -> Option<&str>| -> String {
        v.and_then(|v| v.reasons.as_array())
            .map(|reasons| {
                reasons
                    .iter()
                    .filter_map(lang)
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default()
    };
    let row = vec![
        e.id.to_string(),
        e.kind.as_str().to_owned(),
        e.at.clone(),
        e.at_utc.clone(),
        e.file_name.clone(),
        e.file_path.clone(),
        text(&e.sha256),
        flag(e.ok),
        e.outcome.clone(),
        e.message.as_ref().map(|m| m.vi.clone()).unwrap_or_default(),
        e.message.as_ref().map(|m| m.en.clone()).unwrap_or_default(),
        s.map(|s| text(&s.output_path)).unwrap_or_default(),
        s.map(|s| text(&s.output_sha256)).unwrap_or_default(),
        s.map(|s| s.level.clone()).unwrap_or_default(),
        s.map(|s| text(&s.profile)).unwrap_or_default(),
        s.map(|s| text(&s.field)).unwrap_or_default(),
        signer.map(|c| c.subject.clone()).unwrap_or_default(),
        signer.map(|c| c.serial.clone()).unwrap_or_default(),
        signer.map(|c| c.issuer.clone()).unwrap_or_default(),
        signer.map(|c| c.sha256.clone()).unwrap_or_default(),
        s.map(|s| s.key_source.clone()).unwrap_or_default(),
        s.map(|s| text(&s.token_label)).unwrap_or_default(),
        s.map(|s| text(&s.token_serial)).unwrap_or_default(),
        s.map(|s| text(&s.timestamp_time)).unwrap_or_default(),
        s.map(|s| text(&s.tsa_url)).unwrap_or_default(),
        s.map(|s| {
            s.revocation
                .iter()
                .map(|r| format!("{}:{}:{}", r.kind, r.sha256, r.source))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default(),
        v.map(|v| v.verdict.clone()).unwrap_or_default(),
        v.map(|v| v.policy.clone()).unwrap_or_default(),
        v.map(|v| flag(v.online)).unwrap_or_default(),
        messages(|m| m.get("vi").and_then(|x| x.as_str())),
        messages(|m| m.get("en").and_then(|x| x.as_str())),
        v.map(|v| v.signatures.to_string()).unwrap_or_default(),
    ];
    debug_assert_eq!(row.len(), CSV_COLUMNS.len());
    row.into_iter().map(inert_cell).collect()
}

/// A cell a spreadsheet will not run as a formula. File names and signer names come from
/// incoming documents (attacker-chosen): `=HYPERLINK(…)` in a file name must stay text when a
/// clerk opens the export in Excel or LibreOffice, so a cell starting with one of the formula
/// triggers (OWASP's list: `=` `+` `-` `@`, tab, carriage return) gets a leading `'`.
fn inert_cell(cell: String) -> String {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}"),
        _ => cell,
    }
}
