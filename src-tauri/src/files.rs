//! Writing files the person asked for: all or nothing, never over an input.

use std::io::Write;
use std::path::Path;

use crate::error::{CommandError, CommandResult};

/// Writes `bytes` to `path` through a temporary file in the same folder, synced, then renamed:
/// a crash or a full disk leaves the old file (or nothing), never half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> CommandResult<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| CommandError::io("output-unwritable", path, &e);
    let mut temp = tempfile::Builder::new()
        .prefix(".kyso-")
        .tempfile_in(dir)
        .map_err(fail)?;
    temp.write_all(bytes).map_err(fail)?;
    temp.as_file().sync_all().map_err(fail)?;
    temp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Whether two paths name the same existing file (also through links).
pub fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}
