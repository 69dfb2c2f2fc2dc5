//! The cross-reference reader and the revision splitter on arbitrary bytes: every section of
//! the `/Prev` chain (tables, streams, hybrid files, linearized first-page sections), the split
//! into revisions at `startxref`/`%%EOF`, and each revision opened as the file it was, as the
//! change analysis does.
#![no_main]

use kyso::pdf::PdfFile;
use kyso::verify::revisions::Revisions;
use libfuzzer_sys::fuzz_target;

/// Revisions opened per input at most, so one input stays fast enough for the fuzzer.
const MAX_REVISIONS: usize = 16;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = PdfFile::from_bytes(data.to_vec()) else {
        return;
    };
    let Ok(revisions) = Revisions::split(&file) else {
        return;
    };
    let _ = revisions.last();
    for finding in &revisions.findings {
        let _ = finding.to_finding();
    }
    for revision in revisions.revisions.iter().take(MAX_REVISIONS) {
        let _ = revision.objects(&file);
        let _ = revisions.closing(revision.eof_offset);
        let _ = revisions.closing_or_finding(revision.end_offset);
        if let Ok(earlier) = revision.open(&file) {
            let _ = earlier.catalog();
            let _ = earlier.acroform();
            let _ = Revisions::split(&earlier);
        }
    }
});
