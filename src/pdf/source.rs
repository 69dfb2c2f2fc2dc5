//! Random access to a PDF's bytes without holding the file in memory.
//!
//! The reader asks for small windows at known offsets (an object, an xref section, the tail of
//! the file). A file is read with positioned reads, so one `Source` can be shared by several
//! readers without a seek position to fight over.

use std::borrow::Cow;
use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where a PDF's bytes come from.
#[derive(Debug)]
pub struct Source {
    inner: Inner,
    len: u64,
    deadline: Option<Deadline>,
}

/// A time after which every read fails with [`DeadlinePassed`].
///
/// Why in the source: every loop of the reader and of the validator that could be made long by
/// a hostile file (the `/Prev` chain, object scans, revision reopening, hashing) reads through
/// its `Source`, so one cheap clock check per read bounds them all cooperatively, without
/// threading a parameter through every function of the PDF layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// When reading stops.
    pub at: Instant,
    /// The whole time allowed, to say which limit was hit.
    pub limit: Duration,
}

impl Deadline {
    /// Whether the deadline has passed.
    pub fn passed(&self) -> bool {
        Instant::now() >= self.at
    }
}

/// The error a read returns once the source's [`Deadline`] has passed. It travels as the
/// payload of an [`io::Error`] and becomes
/// [`PdfError::LimitExceeded`](super::PdfError::LimitExceeded) with [`Limit::Time`](super::Limit::Time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("time limit of {} ms reached", .limit.as_millis())]
pub struct DeadlinePassed {
    /// The time that was allowed.
    pub limit: Duration,
}

/// Shared, so that [`Source::prefix`] views the same bytes without copying or reopening them.
#[derive(Debug)]
enum Inner {
    File(Arc<File>),
    Bytes(Arc<Vec<u8>>),
}

/// A run of bytes read at an offset.
#[derive(Debug)]
pub struct Window<'a> {
    /// Absolute offset of `bytes[0]`.
    pub offset: u64,
    /// The bytes (borrowed for in-memory sources).
    pub bytes: Cow<'a, [u8]>,
    /// Whether the window reaches the end of the source, so a token cut at its end is complete.
    pub at_end: bool,
}

impl Source {
    /// Opens a file for reading. Its length is taken once: the file must not change while read.
    pub fn open(path: &Path) -> io::Result<Source> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        Ok(Source {
            inner: Inner::File(Arc::new(file)),
            len,
            deadline: None,
        })
    }

    /// Bytes already in memory (tests, fuzzing, small documents).
    pub fn from_bytes(bytes: Vec<u8>) -> Source {
        let len = bytes.len() as u64;
        Source {
            inner: Inner::Bytes(Arc::new(bytes)),
            len,
            deadline: None,
        }
    }

    /// The same source, whose reads fail with [`DeadlinePassed`] from `deadline` on. Prefixes
    /// ([`Source::prefix`]) inherit it.
    pub fn with_deadline(mut self, deadline: Deadline) -> Source {
        self.deadline = Some(deadline);
        self
    }

    /// The deadline reads obey, if any.
    pub fn deadline(&self) -> Option<Deadline> {
        self.deadline
    }

    fn check_deadline(&self) -> io::Result<()> {
        match self.deadline {
            Some(d) if d.passed() => Err(io::Error::other(DeadlinePassed { limit: d.limit })),
            _ => Ok(()),
        }
    }

    /// The first `len` bytes (at most the whole source), as a source of their own that shares
    /// the bytes: the file as it was at an earlier revision (ISO 32000-1 §7.5.6), read as
    /// lazily as the whole. Nothing past `len` is ever read through it.
    pub fn prefix(&self, len: u64) -> Source {
        let inner = match &self.inner {
            Inner::File(file) => Inner::File(Arc::clone(file)),
            Inner::Bytes(bytes) => Inner::Bytes(Arc::clone(bytes)),
        };
        Source {
            inner,
            len: len.min(self.len),
            deadline: self.deadline,
        }
    }

    /// Length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the source is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Fills `buf` from `offset`; returns how many bytes were read (fewer only at the end).
    /// Fails with [`DeadlinePassed`] once the deadline, if any, has passed.
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        self.check_deadline()?;
        if offset >= self.len {
            return Ok(0);
        }
        let available = usize::try_from(self.len - offset).unwrap_or(usize::MAX);
        let want = buf.len().min(available);
        let buf = &mut buf[..want];
        match &self.inner {
            Inner::Bytes(bytes) => {
                // offset < len, which came from bytes.len(), so it fits in usize.
                let start = offset as usize;
                buf.copy_from_slice(&bytes[start..start + want]);
            }
            Inner::File(file) => read_exact_at(file, buf, offset)?,
        }
        Ok(want)
    }

    /// Up to `max_len` bytes starting at `offset`.
    pub fn window(&self, offset: u64, max_len: usize) -> io::Result<Window<'_>> {
        self.check_deadline()?;
        let offset = offset.min(self.len);
        let available = usize::try_from(self.len - offset).unwrap_or(usize::MAX);
        let len = max_len.min(available);
        let at_end = len == available;
        let bytes = match &self.inner {
            Inner::Bytes(bytes) => {
                // offset <= len, which came from bytes.len(), so it fits in usize.
                let start = offset as usize;
                Cow::Borrowed(&bytes[start..start + len])
            }
            Inner::File(file) => {
                let mut buf = vec![0; len];
                read_exact_at(file, &mut buf, offset)?;
                Cow::Owned(buf)
            }
        };
        Ok(Window {
            offset,
            bytes,
            at_end,
        })
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    // `seek_read` moves the file cursor, which nothing else relies on.
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn file_and_memory_sources_agree() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let mut tmp = tempfile::NamedTempFile::new().expect("temp file");
        tmp.write_all(&data).expect("write");
        let file = Source::open(tmp.path()).expect("open");
        let memory = Source::from_bytes(data.clone());
        for (offset, len) in [
            (0u64, 10usize),
            (9_990, 100),
            (5_000, 0),
            (10_000, 5),
            (20_000, 5),
        ] {
            let a = file.window(offset, len).expect("file window");
            let b = memory.window(offset, len).expect("memory window");
            assert_eq!(a.bytes, b.bytes);
            assert_eq!(a.at_end, b.at_end);
        }
        let w = file.window(9_990, 100).expect("window");
        assert_eq!(w.bytes.len(), 10);
        assert!(w.at_end);
        assert!(!file.window(0, 10).expect("window").at_end);
        let mut buf = [0u8; 4];
        assert_eq!(file.read_at(9_998, &mut buf).expect("read"), 2);
        assert_eq!(&buf[..2], &data[9_998..]);
    }

    #[test]
    fn prefix_ends_where_asked_for_files_and_memory() {
        let data: Vec<u8> = (0..1_000u32).map(|i| (i % 251) as u8).collect();
        let mut tmp = tempfile::NamedTempFile::new().expect("temp file");
        tmp.write_all(&data).expect("write");
        for source in [
            Source::open(tmp.path()).expect("open"),
            Source::from_bytes(data.clone()),
        ] {
            let prefix = source.prefix(600);
            assert_eq!(prefix.len(), 600);
            let w = prefix.window(590, 100).expect("window");
            assert_eq!(&w.bytes[..], &data[590..600]);
            assert!(w.at_end);
            let mut buf = [0u8; 8];
            assert_eq!(prefix.read_at(600, &mut buf).expect("read"), 0);
            assert_eq!(prefix.read_at(596, &mut buf).expect("read"), 4);
            // A prefix longer than the source is the whole source; the source is unchanged.
            assert_eq!(source.prefix(5_000).len(), 1_000);
            assert_eq!(source.len(), 1_000);
            assert_eq!(prefix.prefix(700).len(), 600);
        }
    }
}
