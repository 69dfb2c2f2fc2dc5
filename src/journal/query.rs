//! Reading the journal back: filters, and the entries as the CLI, the app and the exports show
//! them.

use rusqlite::{Connection, Row, params_from_iter, types::Value};
use serde::Serialize;
use time::OffsetDateTime;

use super::record::{search_text, unix_ms};
use super::{Journal, JournalError};
use crate::message::Message;

/// Signings or verifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EntryKind {
    #[serde(rename = "sign")]
    Signing,
    #[serde(rename = "verify")]
    Verification,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Signing => "sign",
            EntryKind::Verification => "verify",
        }
    }
}

/// Which entries to read. Every filter is optional; entries come newest first.
#[derive(Debug, Clone, Default)]
pub struct JournalQuery {
    pub kind: Option<EntryKind>,
    /// Entries at or after this instant.
    pub since: Option<OffsetDateTime>,
    /// Entries strictly before this instant.
    pub until: Option<OffsetDateTime>,
    /// Case-insensitive text found in the file's path or name, a hash, the signer, the token,
    /// the outcome or a message (Vietnamese or English).
    pub text: Option<String>,
    /// At most this many entries (the newest ones).
    pub limit: Option<usize>,
}

/// One record, as read back.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: i64,
    pub kind: EntryKind,
    /// When, in Vietnam time (ISO 8601, `+07:00`).
    pub at: String,
    /// The same instant in UTC (`…Z`, milliseconds).
    pub at_utc: String,
    pub file_name: String,
    pub file_path: String,
    /// SHA-256 of the file as read: the input of a signing, the file checked by a verification.
    pub sha256: Option<String>,
    /// Signed, or accepted.
    pub ok: bool,
    /// `signed` or the error code of a signing; `accepted` or `rejected` for a verification.
    pub outcome: String,
    /// Why it failed (the first reason of a rejection).
    pub message: Option<Message>,
    pub signing: Option<SigningDetails>,
    pub verification: Option<VerificationDetails>,
    /// The hash chain's link for this entry (see [`Journal::check`]): SHA-256 over the previous
    /// entry's seal and this entry as JSON without its seal. An export carries it, so a copy can
    /// be checked against the journal it came from.
    pub seal: Option<String>,
}

/// The details of a signing entry.
#[derive(Debug, Clone, Serialize)]
pub struct SigningDetails {
    pub output_path: Option<String>,
    pub output_sha256: Option<String>,
    pub level: String,
    pub profile: Option<String>,
    pub field: Option<String>,
    pub signer: Option<SignerCertificate>,
    /// `token`, `software` or `unknown`.
    pub key_source: String,
    pub token_label: Option<String>,
    pub token_serial: Option<String>,
    pub timestamp_time: Option<String>,
    pub tsa_url: Option<String>,
    pub revocation: Vec<RevocationDetails>,
}

/// The signer's certificate as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct SignerCertificate {
    pub subject: String,
    pub common_name: Option<String>,
    pub organisation: Option<String>,
    pub issuer: String,
    pub serial: String,
    pub not_before: Option<String>,
    pub not_after: Option<String>,
    /// SHA-256 fingerprint of the DER (hex).
    pub sha256: String,
    /// The certificate itself (DER, hex), so that an export is evidence on its own.
    #[serde(serialize_with = "serialize_hex")]
    pub der: Vec<u8>,
}

/// One piece of revocation data a signing relied on.
#[derive(Debug, Clone, Serialize)]
pub struct RevocationDetails {
    /// `ocsp` or `crl`.
    pub kind: String,
    pub source: String,
    pub sha256: String,
    pub size: i64,
    /// Whether the bytes themselves are in the journal (not only their hash).
    pub stored: bool,
}

/// The details of a verification entry.
#[derive(Debug, Clone, Serialize)]
pub struct VerificationDetails {
    pub verdict: String,
    pub policy: String,
    pub online: bool,
    pub reasons: serde_json::Value,
    pub warnings: serde_json::Value,
    /// One summary per signature (field, kind, integrity, modifications, indication, signer,
    /// times, reasons).
    pub signatures: serde_json::Value,
}

fn serialize_hex<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(bytes))
}

const SELECT: &str = "
SELECT e.id, e.kind, e.at_vn, e.at_utc, e.file_name, e.file_path, e.sha256, e.ok, e.outcome,
       e.message_vi, e.message_en, e.message_code,
       s.output_path, s.output_sha256, s.level, s.profile, s.field, s.key_source, s.token_label,
       s.token_serial, s.timestamp_time, s.tsa_url,
       c.subject, c.common_name, c.organisation, c.issuer, c.serial, c.not_before, c.not_after,
       c.sha256, c.der,
       v.verdict, v.policy, v.online, v.reasons, v.warnings, v.signatures,
       seal.chain
FROM entry e
LEFT JOIN signing s ON s.entry_id = e.id
LEFT JOIN certificate c ON c.id = s.certificate_id
LEFT JOIN verification v ON v.entry_id = e.id
LEFT JOIN seal ON seal.entry_id = e.id";

impl Journal {
    /// The entries that match `query`, newest first.
    pub fn query(&self, query: &JournalQuery) -> Result<Vec<Entry>, JournalError> {
        let fail = |e| JournalError::from_sqlite(&self.path, e, false);
        let mut conditions = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        if let Some(kind) = query.kind {
            values.push(Value::Text(kind.as_str().to_owned()));
            conditions.push(format!("e.kind = ?{}", values.len()));
        }
        if let Some(since) = query.since {
            values.push(Value::Integer(unix_ms(since)));
            conditions.push(format!("e.at_unix_ms >= ?{}", values.len()));
        }
        if let Some(until) = query.until {
            values.push(Value::Integer(unix_ms(until)));
            conditions.push(format!("e.at_unix_ms < ?{}", values.len()));
        }
        if let Some(text) = query.text.as_deref().filter(|t| !t.is_empty()) {
            // instr, not LIKE: the text is matched as it is, with no wildcard characters.
            values.push(Value::Text(search_text(text)));
            conditions.push(format!("instr(e.search, ?{}) > 0", values.len()));
        }
        let mut sql = String::new();
        if !conditions.is_empty() {
            sql.push_str("WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        sql.push_str("\nORDER BY e.at_unix_ms DESC, e.id DESC");
        if let Some(limit) = query.limit {
            values.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
            sql.push_str(&format!("\nLIMIT ?{}", values.len()));
        }
        load(&self.connection, &sql, values).map_err(fail)
    }

    /// The revocation data stored with a signing entry, in the order it was recorded:
    /// `(kind, DER)`; entries kept as a hash only are left out.
    pub fn revocation_data(&self, entry_id: i64) -> Result<Vec<(String, Vec<u8>)>, JournalError> {
        let fail = |e| JournalError::from_sqlite(&self.path, e, false);
        let mut statement = self
            .connection
            .prepare(
                "SELECT kind, der FROM revocation_evidence
                 WHERE entry_id = ?1 AND der IS NOT NULL ORDER BY position",
            )
            .map_err(fail)?;
        statement
            .query_map([entry_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(fail)?
            .collect::<Result<_, _>>()
            .map_err(fail)
    }
}

/// The entries selected by `tail` (`WHERE … ORDER BY … LIMIT …` over `e`, the entry table),
/// each with its details and revocation data.
pub(super) fn load(
    connection: &Connection,
    tail: &str,
    values: Vec<Value>,
) -> rusqlite::Result<Vec<Entry>> {
    let sql = format!("{SELECT}\n{tail}");
    let mut statement = connection.prepare(&sql)?;
    let mut entries = statement
        .query_map(params_from_iter(values), entry_from_row)?
        .collect::<Result<Vec<Entry>, _>>()?;
    let mut revocation = connection.prepare_cached(
        "SELECT kind, source, sha256, size, der IS NOT NULL
         FROM revocation_evidence WHERE entry_id = ?1 ORDER BY position",
    )?;
    for entry in &mut entries {
        if let Some(signing) = &mut entry.signing {
            signing.revocation = revocation
                .query_map([entry.id], |r| {
                    Ok(RevocationDetails {
                        kind: r.get(0)?,
                        source: r.get(1)?,
                        sha256: r.get(2)?,
                        size: r.get(3)?,
                        stored: r.get(4)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
        }
    }
    Ok(entries)
}

fn entry_from_row(r: &Row<'_>) -> rusqlite::Result<Entry> {
    let kind = match r.get::<_, String>(1)?.as_str() {
        "sign" => EntryKind::Signing,
        _ => EntryKind::Verification,
    };
    let message = match (
        r.get::<_, Option<String>>(9)?,
        r.get::<_, Option<String>>(10)?,
    ) {
        (Some(vi), Some(en)) => Some(Message::new(
            r.get::<_, Option<String>>(11)?.unwrap_or_default(),
            vi,
            en,
        )),
        _ => None,
    };
    let signer = match r.get::<_, Option<String>>(29)? {
        Some(sha256) => Some(SignerCertificate {
            subject: r.get(22)?,
            common_name: r.get(23)?,
            organisation: r.get(24)?,
            issuer: r.get(25)?,
            serial: r.get(26)?,
            not_before: r.get(27)?,
            not_after: r.get(28)?,
            sha256,
            der: r.get(30)?,
        }),
        None => None,
    };
    let signing = match r.get::<_, Option<String>>(14)? {
        Some(level) => Some(SigningDetails {
            output_path: r.get(12)?,
            output_sha256: r.get(13)?,
            level,
            profile: r.get(15)?,
            field: r.get(16)?,
            signer,
            key_source: r.get(17)?,
            token_label: r.get(18)?,
            token_serial: r.get(19)?,
            timestamp_time: r.get(20)?,
            tsa_url: r.get(21)?,
            revocation: Vec::new(),
        }),
        None => None,
    };
    let json = |i: usize| -> rusqlite::Result<serde_json::Value> {
        let text: String = r.get(i)?;
        // Written by us as JSON; a damaged value is shown as the text it is.
        Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
    };
    let verification = match r.get::<_, Option<String>>(31)? {
        Some(verdict) => Some(VerificationDetails {
            verdict,
            policy: r.get(32)?,
            online: r.get(33)?,
            reasons: json(34)?,
            warnings: json(35)?,
            signatures: json(36)?,
        }),
        None => None,
    };
    Ok(Entry {
        id: r.get(0)?,
        kind,
        at: r.get(2)?,
        at_utc: r.get(3)?,
        file_name: r.get(4)?,
        file_path: r.get(5)?,
        sha256: r.get(6)?,
        ok: r.get(7)?,
        outcome: r.get(8)?,
        message,
        signing,
        verification,
        seal: r.get(37)?,
    })
}
