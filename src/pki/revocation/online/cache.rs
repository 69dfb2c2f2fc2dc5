//! The revocation cache on disk: OCSP responses keyed by the certificate they answer for
//! (issuer key hash and serial number), CRLs keyed by the URL they were fetched from.
//!
//! Entries are the raw DER as received, so a cached answer is checked again exactly like a
//! fresh one (signature, responder authorisation, freshness) each time it is used: the cache
//! saves a round trip, never a check. Writes are atomic (temporary file in the same folder,
//! fsync, rename), so a crash leaves the old entry or the new one. An entry that cannot be read,
//! is too large, or no longer checks out is ignored and replaced on the next fetch.
//!
//! Freshness is the fetcher's decision (nextUpdate, or [`DEFAULT_TTL`] from the time the entry
//! was written when there is none).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

/// How long an answer without nextUpdate is reused.
pub const DEFAULT_TTL: Duration = Duration::hours(1);

/// The kind of an entry, each in its own sub-folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// An OCSP response (`ocsp/`).
    Ocsp,
    /// A CRL (`crl/`).
    Crl,
}

impl EntryKind {
    fn folder(self) -> &'static str {
        match self {
            EntryKind::Ocsp => "ocsp",
            EntryKind::Crl => "crl",
        }
    }
}

/// A cached entry: its bytes and when it was written.
#[derive(Debug, Clone)]
pub struct CachedEntry {
    pub der: Vec<u8>,
    pub stored_at: OffsetDateTime,
}

/// A cache folder.
#[derive(Debug, Clone)]
pub struct DiskCache {
    dir: PathBuf,
}

impl DiskCache {
    /// A cache in `dir` (created on the first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        DiskCache { dir: dir.into() }
    }

    /// The per-user default: `$XDG_CACHE_HOME/kyso/revocation`, else
    /// `~/.cache/kyso/revocation`; `None` when neither can be told.
    pub fn default_dir() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))?;
        Some(base.join("kyso").join("revocation"))
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The entry stored under `key`, if there is a readable one of at most `max_len` bytes.
    pub fn get(&self, kind: EntryKind, key: &[u8], max_len: u64) -> Option<CachedEntry> {
        let path = self.path(kind, key);
        let file = fs::File::open(&path).ok()?;
        let metadata = file.metadata().ok()?;
        if !metadata.is_file() || metadata.len() > max_len || metadata.len() == 0 {
            return None;
        }
        let stored_at = OffsetDateTime::from(metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH));
        let mut der = Vec::new();
        file.take(max_len).read_to_end(&mut der).ok()?;
        Some(CachedEntry { der, stored_at })
    }

    /// Stores `der` under `key`, replacing any entry. Failing to write the cache never fails a
    /// check: the error is returned for the caller to note.
    pub fn put(&self, kind: EntryKind, key: &[u8], der: &[u8]) -> std::io::Result<()> {
        let path = self.path(kind, key);
        let folder = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(folder)?;
        let mut temporary = tempfile::NamedTempFile::new_in(folder)?;
        temporary.write_all(der)?;
        temporary.as_file().sync_all()?;
        temporary.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }

    /// Removes the entry under `key` (an entry that no longer checks out).
    pub fn remove(&self, kind: EntryKind, key: &[u8]) {
        // Already gone is fine; any other failure only means the entry is ignored again later.
        let _ = fs::remove_file(self.path(kind, key));
    }

    /// `<dir>/<kind>/<sha256(key) hex>.der`: keys may be URLs, so they are hashed into names.
    fn path(&self, kind: EntryKind, key: &[u8]) -> PathBuf {
        self.dir
            .join(kind.folder())
            .join(format!("{}.der", hex::encode(Sha256::digest(key))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_bad_ones_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path().join("c"));
        assert!(cache.get(EntryKind::Ocsp, b"k", 100).is_none());
        cache.put(EntryKind::Ocsp, b"k", b"\x30\x03abc").unwrap();
        let entry = cache.get(EntryKind::Ocsp, b"k", 100).unwrap();
        assert_eq!(entry.der, b"\x30\x03abc");
        assert!(entry.stored_at <= OffsetDateTime::now_utc());
        // Kinds do not mix; too large is ignored; replaced in place.
        assert!(cache.get(EntryKind::Crl, b"k", 100).is_none());
        assert!(cache.get(EntryKind::Ocsp, b"k", 2).is_none());
        cache.put(EntryKind::Ocsp, b"k", b"new").unwrap();
        assert_eq!(cache.get(EntryKind::Ocsp, b"k", 100).unwrap().der, b"new");
        // No temporary file is left behind.
        let names: Vec<_> = fs::read_dir(dir.path().join("c/ocsp"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        cache.remove(EntryKind::Ocsp, b"k");
        assert!(cache.get(EntryKind::Ocsp, b"k", 100).is_none());
    }
}
