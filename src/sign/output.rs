//! Writing a signed file so that a crash, a full disk or a failed step never leaves a partial
//! or damaged output: a temporary file in the target folder, fsync, then an atomic rename.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// Size of the copy buffer: large enough for the kernel's read-ahead, small enough to keep the
/// memory of a 200 MB signing flat.
const COPY_BUFFER: usize = 256 * 1024;

/// Which side of a copy failed.
#[derive(Debug)]
pub enum CopyError {
    Read(io::Error),
    Write(io::Error),
}

/// An output under construction. Dropping it without [`PendingOutput::commit`] removes the
/// temporary file, so an error anywhere leaves nothing behind.
pub struct PendingOutput {
    target: PathBuf,
    file: BufWriter<tempfile::NamedTempFile>,
}

impl PendingOutput {
    /// Starts an output that will become `target`; the temporary file lives in the same folder
    /// so that the final rename is atomic (same file system).
    pub fn create(target: &Path) -> io::Result<Self> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".kyso-")
            .suffix(".part")
            .tempfile_in(dir)?;
        Ok(PendingOutput {
            target: target.to_path_buf(),
            file: BufWriter::with_capacity(COPY_BUFFER, tmp),
        })
    }

    /// Copies all of `input` into the output while showing each chunk to `inspect` (a hasher);
    /// returns the number of bytes copied. Streams: memory use does not grow with the file.
    pub fn copy_inspecting(
        &mut self,
        mut input: impl Read,
        mut inspect: impl FnMut(&[u8]),
    ) -> Result<u64, CopyError> {
        let mut buf = vec![0u8; COPY_BUFFER];
        let mut total = 0u64;
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(CopyError::Read(e)),
            };
            inspect(&buf[..n]);
            self.file.write_all(&buf[..n]).map_err(CopyError::Write)?;
            total += n as u64;
        }
        Ok(total)
    }

    pub fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)
    }

    /// Flushes, fsyncs and renames into place. Refuses to replace an existing file unless
    /// `overwrite`; the check and the rename are one step (`link`-based no-clobber), so a file
    /// created meanwhile by someone else is never lost.
    pub fn commit(self, overwrite: bool) -> io::Result<PathBuf> {
        let tmp = self.file.into_inner().map_err(|e| e.into_error())?;
        tmp.as_file().sync_all()?;
        if overwrite {
            tmp.persist(&self.target).map_err(|e| e.error)?;
        } else {
            tmp.persist_noclobber(&self.target).map_err(|e| e.error)?;
        }
        sync_parent(&self.target);
        Ok(self.target)
    }
}

/// Makes the rename itself durable. Best effort: some file systems refuse fsync on folders.
fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn dropped_output_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.pdf");
        let mut out = PendingOutput::create(&target).unwrap();
        out.write_all(b"partial").unwrap();
        drop(out);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn commit_does_not_overwrite_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.pdf");
        std::fs::write(&target, b"existing").unwrap();
        let mut out = PendingOutput::create(&target).unwrap();
        out.write_all(b"new").unwrap();
        let err = out.commit(false).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&target).unwrap(), b"existing");
        // The failed commit removed its temporary file.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        let mut out = PendingOutput::create(&target).unwrap();
        out.write_all(b"new").unwrap();
        out.commit(true).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
    }

    #[test]
    fn copy_hashes_what_it_copies() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.bin");
        let data: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut hasher = Sha256::new();
        let mut out = PendingOutput::create(&target).unwrap();
        assert_eq!(
            out.copy_inspecting(&data[..], |b| hasher.update(b))
                .unwrap(),
            1_000_000
        );
        out.commit(false).unwrap();
        assert_eq!(hasher.finalize().to_vec(), Sha256::digest(&data).to_vec());
        assert_eq!(std::fs::read(&target).unwrap(), data);
    }
}
