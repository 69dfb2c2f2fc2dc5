//! One read of the file for all of its SHA-256 digests.
//!
//! `kyso verify` needs the SHA-256 of the whole file (for the report and the refusal notice) and,
//! for each signature, the digest of the bytes its ByteRange covers, `[0, b)` and `[c, d)`. Every
//! covered part starts at byte 0, so it shares its first range with the whole-file pass. While
//! hashing the whole file, [`FileDigest`] keeps a copy of the SHA-256 state every `interval`
//! bytes; a signature's digest resumes from the last copy before `b`, hashes at most one
//! interval up to `b`, then its second range (usually short: the end of its revision). A file
//! with n SHA-256 signatures is read about once instead of n + 1 times (measured in
//! docs/benchmarks.md).
//!
//! Hand-written because no crate offers resumable prefix digests; `sha2`'s hasher is `Clone`,
//! which is all this needs.

use std::io;
use std::ops::Range;

use sha2::{Digest, Sha256};

use crate::pdf::{PdfFile, Source};

/// At most this many saved states (about 112 bytes each): well under 1 MB for any file size.
const MAX_STATES: u64 = 4096;
/// Read size, and the smallest distance between two saved states.
const CHUNK: u64 = 256 << 10;

/// The whole file's SHA-256 and the saved states along the way.
pub struct FileDigest {
    /// SHA-256 of the whole file.
    pub sha256: [u8; 32],
    /// Length of the file that was hashed.
    len: u64,
    /// Distance between saved states, a multiple of [`CHUNK`].
    interval: u64,
    /// `states[i]` has hashed bytes `0 .. (i + 1) * interval`.
    states: Vec<Sha256>,
}

impl std::fmt::Debug for FileDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileDigest")
            .field("sha256", &hex::encode(self.sha256))
            .field("len", &self.len)
            .field("states", &self.states.len())
            .finish()
    }
}

impl FileDigest {
    /// Reads `source` once, start to end. `Ok(None)` when `expired` says the time budget ran
    /// out first (it is asked before each read). Give it the source the [`PdfFile`] will then
    /// read, so that the states and the document are the same open file.
    pub fn read(source: &Source, expired: impl Fn() -> bool) -> io::Result<Option<FileDigest>> {
        let len = source.len();
        let interval = len.div_ceil(MAX_STATES).div_ceil(CHUNK).max(1) * CHUNK;
        let mut hasher = Sha256::new();
        let mut states = Vec::new();
        let mut buf = vec![0u8; CHUNK as usize];
        let mut pos = 0u64;
        while pos < len {
            if expired() {
                return Ok(None);
            }
            // Reads stop at each interval boundary, so states sit exactly on them.
            let to_boundary = interval - pos % interval;
            let want = usize::try_from(to_boundary.min(CHUNK).min(len - pos)).unwrap_or(buf.len());
            let n = source.read_at(pos, &mut buf[..want])?;
            if n == 0 {
                // The file shrank after it was opened: refuse rather than hash a different file.
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            hasher.update(&buf[..n]);
            pos += n as u64;
            if pos.is_multiple_of(interval) && (states.len() as u64) < MAX_STATES {
                states.push(hasher.clone());
            }
        }
        Ok(Some(FileDigest {
            sha256: hasher.finalize().into(),
            len,
            interval,
            states,
        }))
    }

    /// The SHA-256 of `ranges` of `file`, resumed from the saved states. `None` when the ranges
    /// do not start at byte 0 or reach past the file that was hashed: the caller then digests
    /// them from scratch. `file` must be the file that was read (the same path, unchanged).
    pub fn sha256_of(&self, file: &PdfFile, ranges: &[Range<u64>]) -> Option<io::Result<Vec<u8>>> {
        let first = ranges.first()?;
        if first.start != 0 || first.end > self.len || file.len() != self.len {
            return None;
        }
        let saved = usize::try_from(first.end / self.interval)
            .unwrap_or(usize::MAX)
            .min(self.states.len());
        let (mut hasher, from) = match saved.checked_sub(1) {
            Some(index) => (self.states[index].clone(), saved as u64 * self.interval),
            None => (Sha256::new(), 0),
        };
        let mut rest = Vec::with_capacity(ranges.len());
        rest.push(from..first.end);
        rest.extend(ranges[1..].iter().cloned());
        Some(hash_ranges(file, &rest, &mut hasher).map(|()| hasher.finalize().to_vec()))
    }
}

fn hash_ranges(file: &PdfFile, ranges: &[Range<u64>], hasher: &mut Sha256) -> io::Result<()> {
    let mut buf = vec![0u8; CHUNK as usize];
    for range in ranges {
        let mut at = range.start;
        while at < range.end {
            let want = usize::try_from(range.end - at)
                .unwrap_or(usize::MAX)
                .min(buf.len());
            let read = file.source().read_at(at, &mut buf[..want])?;
            if read == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            hasher.update(&buf[..read]);
            at += read as u64;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cms::DigestAlgorithm;
    use crate::verify::integrity::digest_ranges;

    /// A PDF of about `extra` bytes more than a one-page document (an image stream).
    fn sample(extra: u64) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sample.pdf");
        crate::pdf::fixtures::write_sample_pdf(&path, 2, extra).expect("sample");
        (dir, path)
    }

    #[test]
    fn whole_file_digest_is_sha256() {
        let (_dir, path) = sample(3 * CHUNK + 123);
        let digest = FileDigest::read(&Source::open(&path).unwrap(), || false)
            .unwrap()
            .unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(digest.sha256.as_slice(), Sha256::digest(&bytes).as_slice());
        assert_eq!(digest.len, bytes.len() as u64);
        assert_eq!(digest.states.len() as u64, digest.len / digest.interval);
    }

    /// Resumed digests equal digests from scratch for cuts on, just before and just after the
    /// saved states, and for ranges that cannot be resumed.
    #[test]
    fn resumed_digests_match_digests_from_scratch() {
        let (_dir, path) = sample(5 * CHUNK + 7);
        let digest = FileDigest::read(&Source::open(&path).unwrap(), || false)
            .unwrap()
            .unwrap();
        let file = PdfFile::open(&path).unwrap();
        let len = file.len();
        let mut cuts = vec![0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, len - 10, len];
        cuts.retain(|&c| c <= len);
        for b in cuts {
            let tail = (b + 5).min(len)..len;
            let ranges = [0..b, tail];
            let expected = digest_ranges(&file, &ranges, DigestAlgorithm::Sha256).unwrap();
            let resumed = digest.sha256_of(&file, &ranges).unwrap().unwrap();
            assert_eq!(resumed, expected, "cut at {b}");
        }
        let not_from_start = [1..10, 20..30];
        assert!(
            digest.sha256_of(&file, &not_from_start).is_none(),
            "not from 0"
        );
        assert!(
            digest
                .sha256_of(&file, &[0..len + 1, len + 2..len + 3])
                .is_none(),
            "past the end"
        );
        assert!(digest.sha256_of(&file, &[]).is_none());
    }

    #[test]
    fn states_stay_bounded_on_big_files() {
        // The interval grows with the file so that MAX_STATES is never passed.
        let len = 10 * MAX_STATES * CHUNK + 1;
        let interval = len.div_ceil(MAX_STATES).div_ceil(CHUNK).max(1) * CHUNK;
        assert!(len / interval <= MAX_STATES);
        assert_eq!(interval % CHUNK, 0);
    }

    #[test]
    fn expired_budget_stops_the_read() {
        let (_dir, path) = sample(CHUNK);
        assert!(
            FileDigest::read(&Source::open(&path).unwrap(), || true)
                .unwrap()
                .is_none()
        );
    }
}
