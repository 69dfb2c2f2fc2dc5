//! What a record holds, and how one is written: every record in one transaction, so the journal
//! holds the whole record or nothing of it.

use std::path::{Path, PathBuf};

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use unicode_normalization::UnicodeNormalization;

use super::{Journal, JournalError};
use crate::message::Message;
use crate::pki::CertificateInfo;
use crate::verify::report::{FileReport, Verdict};

/// Where the signing key was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// A PKCS#11 token, named by its label and serial number.
    Token { label: String, serial: String },
    /// A software key file (demo and tests).
    Software,
    /// Not known (the signing failed before a key was chosen), or no key signed: `kyso extend`
    /// adds validation data and an archive time-stamp, no signature.
    Unknown,
}

/// Whether a signing, or a verification, worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigningResult {
    Signed,
    Failed(Message),
}

/// Which kind of revocation data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RevocationKind {
    Ocsp,
    Crl,
}

impl RevocationKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RevocationKind::Ocsp => "ocsp",
            RevocationKind::Crl => "crl",
        }
    }
}

/// One OCSP response or CRL that a signing relied on (the pre-sign revocation gate, B-LT).
#[derive(Debug, Clone)]
pub struct RevocationEvidence {
    pub kind: RevocationKind,
    /// Where it came from: the responder's or distribution point's URL, or `cache`.
    pub source: String,
    /// The response or CRL exactly as received.
    pub der: Vec<u8>,
    /// Keep only the hash (and the size): for large CRLs, which the distribution point keeps.
    pub hash_only: bool,
}

/// One signing, successful or not. The PIN is not a field: no code path can hand it over.
#[derive(Debug, Clone)]
pub struct SigningRecord {
    pub input: PathBuf,
    /// The output written, or (when signing failed) the output that was asked for.
    pub output: Option<PathBuf>,
    /// SHA-256 (hex) of the input as read; `None` when signing failed before reading it.
    pub input_sha256: Option<String>,
    /// SHA-256 (hex) of the signed output.
    pub output_sha256: Option<String>,
    /// When it happened (the signature's signing time for a signed document).
    pub at: OffsetDateTime,
    /// The signer's certificate (DER), when known.
    pub certificate_der: Option<Vec<u8>>,
    pub key_source: KeySource,
    /// `b-b`, `b-t`, `b-lt` or `b-lta`.
    pub level: String,
    /// Office role profile (`leader`, `issuer`, …), when one was used.
    pub profile: Option<String>,
    /// The signature field signed.
    pub field: Option<String>,
    /// The signature time-stamp's genTime, for B-T and above.
    pub timestamp_time: Option<OffsetDateTime>,
    pub tsa_url: Option<String>,
    /// The revocation data the signing used (filled by the revocation and B-LT code).
    pub revocation: Vec<RevocationEvidence>,
    pub result: SigningResult,
}

/// One verification of one file.
#[derive(Debug, Clone)]
pub struct VerificationRecord {
    pub file: PathBuf,
    pub sha256: Option<String>,
    pub at: OffsetDateTime,
    pub accepted: bool,
    pub reasons: Vec<Message>,
    pub warnings: Vec<Message>,
    /// A JSON array with one summary per signature (see [`VerificationRecord::from_report`]).
    pub signatures: serde_json::Value,
    /// `incoming` or `any`.
    pub policy: String,
    /// Whether OCSP/CRL could be fetched (`--offline` not given).
    pub online: bool,
}

/// The part of a signature's report kept in the journal: who, what, and the verdict.
#[derive(Serialize)]
struct SignatureSummary<'a> {
    field: Option<&'a str>,
    kind: &'a crate::verify::report::SignatureKind,
    revision: Option<usize>,
    integrity: &'a crate::verify::report::Integrity,
    modifications: &'a crate::verify::report::Modifications,
    indication: &'a crate::verify::indication::Indication,
    sub_indication: &'a Option<crate::verify::indication::SubIndication>,
    signer_subject: Option<&'a str>,
    signer_serial: Option<&'a str>,
    signer_issuer: Option<&'a str>,
    signer_sha256: Option<&'a str>,
    signing_time: Option<&'a str>,
    timestamp_time: Option<&'a str>,
    reasons: &'a [Message],
}

impl VerificationRecord {
    /// The record of a verification report. The time is when the check ran (`now`).
    pub fn from_report(
        file: &Path,
        report: &FileReport,
        online: bool,
        at: OffsetDateTime,
    ) -> VerificationRecord {
        let signatures: Vec<SignatureSummary<'_>> = report
            .signatures
            .iter()
            .map(|s| SignatureSummary {
                field: s.field.as_deref(),
                kind: &s.kind,
                revision: s.revision,
                integrity: &s.integrity,
                modifications: &s.modifications,
                indication: &s.indication,
                sub_indication: &s.sub_indication,
                signer_subject: s.signer.as_ref().map(|x| x.subject.as_str()),
                signer_serial: s.signer.as_ref().map(|x| x.serial.as_str()),
                signer_issuer: s.signer.as_ref().map(|x| x.issuer.as_str()),
                signer_sha256: s.signer.as_ref().map(|x| x.sha256.as_str()),
                signing_time: s.signing_time.as_deref(),
                timestamp_time: s.timestamp_time.as_deref(),
                reasons: &s.reasons,
            })
            .collect();
        VerificationRecord {
            file: file.to_path_buf(),
            sha256: report.sha256.clone(),
            at,
            accepted: report.verdict == Verdict::Accepted,
            reasons: report.reasons.clone(),
            warnings: report.warnings.clone(),
            // Serialising plain data with string keys cannot fail; an empty list is the
            // harmless answer if it ever did.
            signatures: serde_json::to_value(signatures).unwrap_or_default(),
            policy: report.policy.to_owned(),
            online,
        }
    }
}

/// Which step of writing a record has just been done (for the crash test, which kills the
/// writer between steps).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteStep {
    Begun,
    Entry,
    Certificate,
    Details,
    Revocation(usize),
    Sealed,
    Committed,
}

impl Journal {
    /// Records one signing in one transaction. Returns the new entry's id.
    pub fn record_signing(&mut self, record: &SigningRecord) -> Result<i64, JournalError> {
        self.record_signing_observed(record, &mut |_| {})
    }

    /// Records one verification in one transaction. Returns the new entry's id.
    pub fn record_verification(
        &mut self,
        record: &VerificationRecord,
    ) -> Result<i64, JournalError> {
        let path = self.path.clone();
        let fail = |e| JournalError::from_sqlite(&path, e, true);
        let tx = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let (outcome, message) = if record.accepted {
            ("accepted", None)
        } else {
            ("rejected", record.reasons.first())
        };
        let mut search = vec![outcome.to_owned(), record.policy.clone()];
        search.extend(
            record
                .reasons
                .iter()
                .map(|m| format!("{} {} {}", m.code, m.vi, m.en)),
        );
        search.push(record.signatures.to_string());
        let id = insert_entry(
            &tx,
            &EntryRow {
                kind: "verify",
                at: record.at,
                file: &record.file,
                sha256: record.sha256.as_deref(),
                ok: record.accepted,
                outcome,
                message,
                search: &search,
            },
        )
        .map_err(fail)?;
        tx.execute(
            "INSERT INTO verification (entry_id, verdict, policy, online, reasons, warnings, signatures)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                id,
                outcome,
                record.policy,
                record.online,
                json_text(&record.reasons),
                json_text(&record.warnings),
                record.signatures.to_string(),
            ],
        )
        .map_err(fail)?;
        super::seal::seal_entry(&tx, id).map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(id)
    }

    /// [`Journal::record_signing`], calling `observe` after each step (the crash test's hook).
    #[doc(hidden)]
    pub fn record_signing_observed(
        &mut self,
        record: &SigningRecord,
        observe: &mut dyn FnMut(WriteStep),
    ) -> Result<i64, JournalError> {
        let path = self.path.clone();
        let fail = |e| JournalError::from_sqlite(&path, e, true);
        let tx = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        observe(WriteStep::Begun);

        let certificate = record
            .certificate_der
            .as_deref()
            .map(|der| (der, CertificateInfo::from_der(der).ok()));
        let (outcome, message) = match &record.result {
            SigningResult::Signed => ("signed", None),
            SigningResult::Failed(m) => (m.code.as_str(), Some(m)),
        };
        let mut search: Vec<String> = vec![outcome.to_owned(), record.level.clone()];
        search.extend(record.output.iter().map(|p| p.display().to_string()));
        search.extend(record.output_sha256.iter().cloned());
        search.extend(record.profile.iter().cloned());
        if let Some(m) = message {
            search.push(format!("{} {}", m.vi, m.en));
        }
        if let Some((_, Some(info))) = &certificate {
            search.extend([
                info.subject.clone(),
                info.issuer.clone(),
                info.serial_hex.clone(),
            ]);
        }
        if let KeySource::Token { label, serial } = &record.key_source {
            search.extend([label.clone(), serial.clone()]);
        }
        let id = insert_entry(
            &tx,
            &EntryRow {
                kind: "sign",
                at: record.at,
                file: &record.input,
                sha256: record.input_sha256.as_deref(),
                ok: record.result == SigningResult::Signed,
                outcome,
                message,
                search: &search,
            },
        )
        .map_err(fail)?;
        observe(WriteStep::Entry);

        let certificate_id = match &certificate {
            Some((der, info)) => Some(insert_certificate(&tx, der, info.as_ref()).map_err(fail)?),
            None => None,
        };
        observe(WriteStep::Certificate);

        let (key_source, token_label, token_serial) = match &record.key_source {
            KeySource::Token { label, serial } => ("token", Some(label), Some(serial)),
            KeySource::Software => ("software", None, None),
            KeySource::Unknown => ("unknown", None, None),
        };
        tx.execute(
            "INSERT INTO signing (entry_id, output_path, output_sha256, level, profile, field,
                                  certificate_id, key_source, token_label, token_serial,
                                  timestamp_time, tsa_url)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                id,
                record.output.as_ref().map(|p| p.display().to_string()),
                record.output_sha256,
                record.level,
                record.profile,
                record.field,
                certificate_id,
                key_source,
                token_label,
                token_serial,
                record.timestamp_time.map(crate::vn_time::iso8601),
                record.tsa_url,
            ],
        )
        .map_err(fail)?;
        observe(WriteStep::Details);

        for (position, evidence) in record.revocation.iter().enumerate() {
            tx.execute(
                "INSERT INTO revocation_evidence (entry_id, position, kind, source, sha256, size, der)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    id,
                    position as i64,
                    evidence.kind.as_str(),
                    evidence.source,
                    hex::encode(Sha256::digest(&evidence.der)),
                    evidence.der.len() as i64,
                    (!evidence.hash_only).then_some(evidence.der.as_slice()),
                ],
            )
            .map_err(fail)?;
            observe(WriteStep::Revocation(position));
        }
        super::seal::seal_entry(&tx, id).map_err(fail)?;
        observe(WriteStep::Sealed);
        tx.commit().map_err(fail)?;
        observe(WriteStep::Committed);
        Ok(id)
    }
}

/// The columns every entry has.
struct EntryRow<'a> {
    kind: &'static str,
    at: OffsetDateTime,
    file: &'a Path,
    sha256: Option<&'a str>,
    ok: bool,
    outcome: &'a str,
    message: Option<&'a Message>,
    search: &'a [String],
}

fn insert_entry(tx: &Transaction<'_>, row: &EntryRow<'_>) -> rusqlite::Result<i64> {
    let file_path = row.file.display().to_string();
    let file_name = row
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file_path.clone());
    let utc = row.at.to_offset(time::UtcOffset::UTC);
    let mut search = vec![file_path.clone()];
    search.extend(row.sha256.map(str::to_owned));
    search.extend(row.search.iter().cloned());
    tx.execute(
        "INSERT INTO entry (kind, at_unix_ms, at_vn, at_utc, file_name, file_path, sha256, ok,
                            outcome, message_code, message_vi, message_en, search)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            row.kind,
            unix_ms(row.at),
            crate::vn_time::iso8601(row.at),
            utc_text(utc),
            file_name,
            file_path,
            row.sha256,
            row.ok,
            row.outcome,
            row.message.map(|m| m.code.as_str()),
            row.message.map(|m| m.vi.as_str()),
            row.message.map(|m| m.en.as_str()),
            search_text(&search.join("\n")),
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// A certificate is stored once, by its SHA-256 fingerprint; later records point at it.
fn insert_certificate(
    tx: &Transaction<'_>,
    der: &[u8],
    info: Option<&CertificateInfo>,
) -> rusqlite::Result<i64> {
    let sha256 = hex::encode(Sha256::digest(der));
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM certificate WHERE sha256 = ?1",
            [&sha256],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    // A certificate that does not parse is still kept, as bytes: it is what the key signed with.
    let unknown = String::new();
    tx.execute(
        "INSERT INTO certificate (sha256, der, subject, common_name, organisation, issuer, serial,
                                  not_before, not_after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            sha256,
            der,
            info.map_or(&unknown, |i| &i.subject),
            info.and_then(|i| i.common_name.as_deref()),
            info.and_then(|i| i.organisation.as_deref()),
            info.map_or(&unknown, |i| &i.issuer),
            info.map_or(&unknown, |i| &i.serial_hex),
            info.map(|i| crate::vn_time::iso8601(i.not_before)),
            info.map(|i| crate::vn_time::iso8601(i.not_after)),
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

pub(crate) fn unix_ms(at: OffsetDateTime) -> i64 {
    // i64 milliseconds cover ±292 million years; the clamp only guards the type conversion.
    (at.unix_timestamp_nanos() / 1_000_000).clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// `2026-11-23T07:15:02.123Z`.
fn utc_text(utc: OffsetDateTime) -> String {
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    // Only numeric components: formatting cannot fail.
    utc.format(&fmt).unwrap_or_default()
}

/// Text as `--search` compares it: NFC, then lower case. SQLite's own `lower()` knows only
/// ASCII, which would make "QUYẾT" miss "quyết".
pub(crate) fn search_text(text: &str) -> String {
    text.nfc().collect::<String>().to_lowercase()
}

fn json_text(messages: &[Message]) -> String {
    serde_json::to_string(messages).unwrap_or_else(|_| "[]".to_owned())
}
