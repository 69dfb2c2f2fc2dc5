//! The journal's tables and their migrations, numbered by SQLite's `user_version`.
//!
//! A migration is appended, never edited: a journal written by an older Kyso is brought up to
//! date step by step, each step in the same transaction as the new `user_version`, so a crash
//! leaves the file at the old version or the new one, never between.

use rusqlite::{Connection, TransactionBehavior};

/// `application_id` of a Kyso journal ("KYSO" in ASCII): tells our file from any other
/// SQLite database someone points `--journal` at.
pub const APPLICATION_ID: i64 = 0x4B59_534F;

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[V1];

/// The schema version this Kyso writes.
pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// Version 1: entries (one per signing or verification), their details, the certificates that
/// signed (stored once, by fingerprint) and the revocation data a signing relied on.
///
/// Records are evidence: the triggers refuse changes and deletions through SQL, so no Kyso
/// code path (and no careless `UPDATE`) can rewrite history.
const V1: &str = r#"
CREATE TABLE certificate (
    id           INTEGER PRIMARY KEY,
    sha256       TEXT NOT NULL UNIQUE,
    der          BLOB NOT NULL,
    subject      TEXT NOT NULL,
    common_name  TEXT,
    organisation TEXT,
    issuer       TEXT NOT NULL,
    serial       TEXT NOT NULL,
    not_before   TEXT,
    not_after    TEXT
) STRICT;

CREATE TABLE entry (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('sign', 'verify')),
    at_unix_ms  INTEGER NOT NULL,
    at_vn       TEXT NOT NULL,
    at_utc      TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    file_path   TEXT NOT NULL,
    sha256      TEXT,
    ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
    outcome     TEXT NOT NULL,
    message_code TEXT,
    message_vi  TEXT,
    message_en  TEXT,
    search      TEXT NOT NULL
) STRICT;
CREATE INDEX entry_at ON entry (at_unix_ms);

CREATE TABLE signing (
    entry_id        INTEGER PRIMARY KEY REFERENCES entry (id),
    output_path     TEXT,
    output_sha256   TEXT,
    level           TEXT NOT NULL,
    profile         TEXT,
    field           TEXT,
    certificate_id  INTEGER REFERENCES certificate (id),
    key_source      TEXT NOT NULL CHECK (key_source IN ('token', 'software', 'unknown')),
    token_label     TEXT,
    token_serial    TEXT,
    timestamp_time  TEXT,
    tsa_url         TEXT
) STRICT;

CREATE TABLE revocation_evidence (
    id          INTEGER PRIMARY KEY,
    entry_id    INTEGER NOT NULL REFERENCES signing (entry_id),
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('ocsp', 'crl')),
    source      TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    der         BLOB,
    UNIQUE (entry_id, position)
) STRICT;

CREATE TABLE verification (
    entry_id    INTEGER PRIMARY KEY REFERENCES entry (id),
    verdict     TEXT NOT NULL CHECK (verdict IN ('accepted', 'rejected')),
    policy      TEXT NOT NULL,
    online      INTEGER NOT NULL CHECK (online IN (0, 1)),
    reasons     TEXT NOT NULL,
    warnings    TEXT NOT NULL,
    signatures  TEXT NOT NULL
) STRICT;

-- The hash chain: each entry's seal is SHA-256 over the previous seal and the entry as read
-- back (JSON). Editing the file behind Kyso's back (triggers dropped) breaks the chain at the
-- edited entry, which `kyso journal check` reports.
CREATE TABLE seal (
    entry_id    INTEGER PRIMARY KEY REFERENCES entry (id),
    chain       TEXT NOT NULL
) STRICT;

CREATE TRIGGER seal_no_update BEFORE UPDATE ON seal
    BEGIN SELECT RAISE(ABORT, 'kyso journal: records are never changed'); END;
CREATE TRIGGER seal_no_delete BEFORE DELETE ON seal
    BEGIN SELECT RAISE(ABORT, 'kyso journal: records are never deleted'); END;
CREATE TRIGGER entry_no_update BEFORE UPDATE ON entry
    BEGIN SELECT RAISE(ABORT, 'kyso journal: records are never changed'); END;
CREATE TRIGGER entry_no_delete BEFORE DELETE ON entry
    BEGIN SELECT RAISE(ABORT, 'kyso journal: records are never deleted'); END;
CREATE TRIGGER signing_no_update BEFORE UPDATE ON signing
    BEGIN SELECT RAISE(ABORT, 'kyso journal: records are never changed'); END;
CREATE TRIGGER signing_no_delete BEFORE DELETE ON signing
    BEGIN SELECT RAISE(ABORT, 'kyso journal: records are never deleted'); END;
CREATE TRIGGER verification_no_update BEFORE UPDATE ON verification
    BEGIN SELECT RAISE(ABORT, 'kyso journal: records are never changed'); END;
CREATE TRIGGER verification_no_delete BEFORE DELETE ON verification
    BEGIN SELECT RAISE(ABORT, 'kyso journal: records are never deleted'); END;
CREATE TRIGGER revocation_no_update BEFORE UPDATE ON revocation_evidence
    BEGIN SELECT RAISE(ABORT, 'kyso journal: records are never changed'); END;
CREATE TRIGGER revocation_no_delete BEFORE DELETE ON revocation_evidence
    BEGIN SELECT RAISE(ABORT, 'kyso journal: records are never deleted'); END;
CREATE TRIGGER certificate_no_update BEFORE UPDATE ON certificate
    BEGIN SELECT RAISE(ABORT, 'kyso journal: records are never changed'); END;
CREATE TRIGGER certificate_no_delete BEFORE DELETE ON certificate
    BEGIN SELECT RAISE(ABORT, 'kyso journal: records are never deleted'); END;
"#;

/// What [`migrate`] found before it did anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaState {
    /// At the current version (possibly after migrating).
    Current,
    /// Written by a newer Kyso.
    Newer(i64),
    /// Another application's database.
    Foreign,
}

/// Brings the schema to [`CURRENT_VERSION`] in one immediate transaction (so two processes
/// opening a new journal at once do not both create it).
pub fn migrate(connection: &mut Connection) -> rusqlite::Result<SchemaState> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let application: i64 = tx.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if version == 0 && application == 0 {
        // A new file, or someone else's: only an empty database may become a journal.
        let objects: i64 = tx.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if objects != 0 {
            return Ok(SchemaState::Foreign);
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    } else if application != APPLICATION_ID {
        return Ok(SchemaState::Foreign);
    }
    if version > CURRENT_VERSION {
        return Ok(SchemaState::Newer(version));
    }
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", from as i64 + 1)?;
    }
    tx.commit()?;
    Ok(SchemaState::Current)
}
