//! The signing journal: a local SQLite database recording every signing and every verification
//! made on this computer — the evidence store that the rules for signing software ask for
//! (the certificate and its status at signing time, what was signed, when, with what result).
//!
//! - **Crash-safe.** WAL, `synchronous=FULL`, and every record written in one immediate
//!   transaction: after a crash (or `SIGKILL`, or power loss) the journal holds each record
//!   whole or not at all. Concurrent writers wait for each other (`busy_timeout`).
//! - **Append-only.** Triggers refuse `UPDATE` and `DELETE` on every table of records, and a
//!   hash chain (each entry sealed with the previous seal) shows any edit made behind Kyso's back.
//! - **Never a PIN.** No record type has a field that could carry one.
//! - **Versioned.** `application_id` marks the file as Kyso's; `user_version` numbers the
//!   schema and [`schema`] migrates older journals forward, refusing newer ones.
//!
//! Where it lives: `--journal PATH` > `KYSO_JOURNAL` > `$XDG_DATA_HOME/kyso/journal.sqlite` >
//! `~/.local/share/kyso/journal.sqlite` ([`resolve_path`]).
//!
//! When it cannot be opened, the CLI **refuses to sign** (before the token is touched: a
//! signature that leaves no evidence is what the journal exists to prevent) unless the person
//! says `--no-journal`; verification **warns and goes on** (checking a document changes nothing).

mod error;
mod export;
mod query;
mod record;
pub mod schema;
mod seal;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use error::JournalError;
pub use export::CSV_COLUMNS;
pub use query::{
    Entry, EntryKind, JournalQuery, RevocationDetails, SignerCertificate, SigningDetails,
    VerificationDetails,
};
#[doc(hidden)]
pub use record::WriteStep;
pub use record::{
    KeySource, RevocationEvidence, RevocationKind, SigningRecord, SigningResult, VerificationRecord,
};

/// The environment variable that names the journal file.
pub const ENV_VAR: &str = "KYSO_JOURNAL";

/// How long a writer waits for another process's transaction before giving up. Records are
/// a few kilobytes; anything near this is a stuck process, not contention.
const BUSY_TIMEOUT: Duration = Duration::from_secs(15);

/// Runs `step` again while SQLite answers SQLITE_BUSY, up to [`BUSY_TIMEOUT`]. Two processes
/// opening a journal that does not exist yet can deadlock on the switch to WAL or on the
/// first migration (each holds a shared lock and wants an exclusive one): SQLite then answers
/// SQLITE_BUSY at once, without calling the busy handler, so the wait is done here.
fn retry_when_busy<T>(mut step: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match step() {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// An open journal. One per thread: the connection is `Send`, not `Sync`.
#[derive(Debug)]
pub struct Journal {
    connection: Connection,
    path: PathBuf,
}

impl Journal {
    /// Opens the journal at `path`, creating it (and its folder) when it does not exist, and
    /// migrating an older schema. A damaged file, another application's database or a newer
    /// Kyso's journal is refused, never overwritten.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|source| JournalError::Folder {
                path: folder.to_path_buf(),
                source,
            })?;
        }
        let created = !path.exists();
        // No SQLITE_OPEN_URI: a file named `file:…` is a file name, not a URI with options.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut connection =
            Connection::open_with_flags(path, flags).map_err(|source| JournalError::Open {
                path: path.to_path_buf(),
                source,
            })?;
        let fail = |e| JournalError::from_sqlite(path, e, true);
        connection.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
        // The first statement reads the header: a file that is not SQLite fails here.
        // SQLite keeps its rollback journal where WAL is impossible (no shared memory, as on
        // some network file systems); with synchronous=FULL that is crash-safe too, only slower.
        let _mode: String = retry_when_busy(|| {
            connection.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        })
        .map_err(fail)?;
        connection
            .pragma_update(None, "synchronous", "FULL")
            .map_err(fail)?;
        connection
            .pragma_update(None, "foreign_keys", true)
            .map_err(fail)?;
        if created {
            restrict_permissions(path);
        }
        match retry_when_busy(|| schema::migrate(&mut connection)).map_err(fail)? {
            schema::SchemaState::Current => {}
            schema::SchemaState::Foreign => {
                return Err(JournalError::Foreign {
                    path: path.to_path_buf(),
                });
            }
            schema::SchemaState::Newer(found) => {
                return Err(JournalError::NewerSchema {
                    path: path.to_path_buf(),
                    found,
                    supported: schema::CURRENT_VERSION,
                });
            }
        }
        Ok(Journal {
            connection,
            path: path.to_path_buf(),
        })
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// SQLite's full `integrity_check`, the foreign-key check, the entries' hash chain and the
    /// revocation data behind it (see `seal.rs`): an empty list when the journal is sound,
    /// else what is wrong.
    pub fn check(&self) -> Result<Vec<String>, JournalError> {
        let fail = |e| JournalError::from_sqlite(&self.path, e, false);
        let mut problems: Vec<String> = self
            .connection
            .prepare("PRAGMA integrity_check")
            .and_then(|mut s| {
                s.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(fail)?
            .into_iter()
            .filter(|line| line != "ok")
            .collect();
        let orphans: Vec<String> = self
            .connection
            .prepare("PRAGMA foreign_key_check")
            .and_then(|mut s| {
                s.query_map([], |r| {
                    Ok(format!(
                        "{} row {} points at a missing {}",
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()
            })
            .map_err(fail)?;
        problems.extend(orphans);
        if problems.is_empty() {
            // The chain is read through the tables: only worth walking on a sound file.
            problems.extend(seal::check_chain(&self.connection).map_err(fail)?);
            problems.extend(seal::check_evidence(&self.connection).map_err(fail)?);
        }
        Ok(problems)
    }
}

/// The journal's path: `explicit` (the `--journal` option), else `KYSO_JOURNAL`, else the
/// per-user data folder (`$XDG_DATA_HOME/kyso/journal.sqlite` or
/// `~/.local/share/kyso/journal.sqlite`). Empty variables count as unset.
pub fn resolve_path(explicit: Option<&Path>) -> Result<PathBuf, JournalError> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    if let Some(path) = var(ENV_VAR) {
        return Ok(PathBuf::from(path));
    }
    default_path(
        var("XDG_DATA_HOME").map(PathBuf::from),
        var("HOME").map(PathBuf::from),
    )
}

/// The per-user default (XDG Base Directory specification: a relative `XDG_DATA_HOME` is
/// ignored).
fn default_path(
    xdg_data_home: Option<PathBuf>,
    home: Option<PathBuf>,
) -> Result<PathBuf, JournalError> {
    let data = match xdg_data_home.filter(|p| p.is_absolute()) {
        Some(data) => data,
        None => home
            .ok_or(JournalError::NoLocation)?
            .join(".local")
            .join("share"),
    };
    Ok(data.join("kyso").join("journal.sqlite"))
}

/// The journal names people, offices and documents: only its owner may read it.
fn restrict_permissions(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Best effort: a file system without Unix permissions keeps its own rules.
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests;
