//! The Check screen's work: the dropped files and folders become a list of PDFs, each checked by
//! `kyso::verify::verify_file` off the UI thread, one event per document, cancellable between
//! documents.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use kyso::message::Explain;
use kyso::pdf::PdfFile;
use kyso::pki::trust::TrustStore;
use kyso::verify::details::{self, SignatureDetails};
use kyso::verify::report::FileReport;
use kyso::verify::{VerifyOptions, verify_file};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{CommandError, CommandResult};
use crate::verdict::CheckSummary;

/// The event each checked document is sent on.
pub const CHECK_PROGRESS: &str = "check-progress";
/// A dropped folder is searched this deep, for at most this many PDFs: a drop of a home folder
/// must not run for hours.
const MAX_DEPTH: usize = 4;
pub const MAX_FILES: usize = 5_000;
/// Checked files larger than this are not read again for details or the signed revision
/// (the same bound as the preview's).
pub const MAX_READ_LEN: u64 = 256 * 1024 * 1024;
/// Time allowed per file when revocation is asked online: OCSP, CRL and caIssuers requests
/// count against it (the offline default, 2 s, leaves no room for a slow responder).
pub const ONLINE_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// One progress event.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckProgress {
    pub job_id: String,
    pub index: usize,
    pub total: usize,
    pub summary: CheckSummary,
}

/// The files to check: files as given, folders searched for `*.pdf` (sorted, so the list is
/// the same each time). Returns the files and whether the limit cut the list short.
pub fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, bool) {
    let mut files = Vec::new();
    let mut truncated = false;
    for path in paths {
        if path.is_dir() {
            collect(path, MAX_DEPTH, &mut files, &mut truncated);
        } else if files.len() < MAX_FILES {
            files.push(path.clone());
        } else {
            truncated = true;
        }
    }
    (files, truncated)
}

fn collect(dir: &Path, depth: usize, out: &mut Vec<PathBuf>, truncated: &mut bool) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if out.len() >= MAX_FILES {
            *truncated = true;
            return;
        }
        // Links are not followed: a loop of folder links must not run without end.
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() && depth > 0 {
            collect(&path, depth - 1, out, truncated);
        } else if meta.is_file()
            && path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
        {
            out.push(path);
        }
    }
}

/// Checks every file in order; stops before the next file once `cancel` is set.
pub fn check_all(
    job_id: &str,
    files: &[PathBuf],
    options: &VerifyOptions,
    cancel: &AtomicBool,
    keep: &(dyn Fn(FileReport) -> u64 + Sync),
    progress: &(dyn Fn(CheckProgress) + Sync),
) -> Vec<CheckSummary> {
    let mut done = Vec::with_capacity(files.len());
    for (index, file) in files.iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        let report = verify_file(file, options);
        let id = keep(report.clone());
        let mut summary = CheckSummary::new(id, report);
        summary.online = !options.offline;
        progress(CheckProgress {
            job_id: job_id.to_owned(),
            index,
            total: files.len(),
            summary: summary.clone(),
        });
        done.push(summary);
    }
    done
}

/// The checked file's bytes, exactly as the report saw them: the file is read again and its
/// SHA-256 compared with the report's, so that a file changed since the check is never shown as
/// the one that was checked.
pub fn read_checked(report: &FileReport) -> CommandResult<Vec<u8>> {
    let path = Path::new(&report.file);
    let unreadable = |e: std::io::Error| CommandError::io("checked-file-unreadable", path, &e);
    let len = std::fs::metadata(path).map_err(unreadable)?.len();
    if len > MAX_READ_LEN {
        return Err(CommandError::new(
            "preview-too-large",
            "Tệp quá lớn để xem trước",
            "The file is too large to preview",
        ));
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let same = report
        .sha256
        .as_deref()
        .is_some_and(|sha| sha == hex::encode(Sha256::digest(&bytes)));
    if !same {
        return Err(CommandError::new(
            "checked-file-changed",
            "Tệp đã thay đổi (hoặc bị thay) sau khi kiểm tra; hãy kiểm tra lại văn bản",
            "The file changed (or was replaced) after it was checked; check the document again",
        ));
    }
    Ok(bytes)
}

/// The document as signature `index` (the report's order) signed it: the checked file's bytes
/// up to the end of that signature's ByteRange.
pub fn signed_revision(report: &FileReport, index: usize) -> CommandResult<Vec<u8>> {
    let mut bytes = read_checked(report)?;
    let file = PdfFile::from_bytes(bytes.clone()).map_err(|e| CommandError(e.message()))?;
    let end = details::covered_end(&file, index).map_err(|e| CommandError(e.message()))?;
    // `covered_end` is inside the file; the conversion only fails on a 32-bit target.
    let end = usize::try_from(end).map_err(CommandError::worker)?;
    bytes.truncate(end);
    Ok(bytes)
}

/// Chains, time-stamps and changed pages of every signature of a checked file, in the report's
/// order.
pub fn signature_details(
    report: &FileReport,
    trust: &TrustStore,
) -> CommandResult<Vec<SignatureDetails>> {
    let bytes = read_checked(report)?;
    let file = PdfFile::from_bytes(bytes).map_err(|e| CommandError(e.message()))?;
    details::signature_details(&file, trust).map_err(|e| CommandError(e.message()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_give_their_pdfs_sorted_and_files_stay_as_given() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("con");
        std::fs::create_dir(&sub).unwrap();
        for name in ["b.pdf", "a.PDF", "note.txt"] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        std::fs::write(sub.join("c.pdf"), b"x").unwrap();
        let single = dir.path().join("note.txt");
        let (files, truncated) = expand(&[dir.path().to_path_buf(), single.clone()]);
        assert!(!truncated);
        assert_eq!(
            files,
            vec![
                dir.path().join("a.PDF"),
                dir.path().join("b.pdf"),
                sub.join("c.pdf"),
                single
            ]
        );
    }
}
