//! The PDF reader on arbitrary bytes: open, then walk what a validator walks — the catalog, the
//! page tree, the form, every cross-reference section and every object it lists, object streams
//! and stream data. Any panic, hang or runaway allocation is a bug: hostile files must give
//! errors (`PdfError`), never crashes.
#![no_main]

use kyso::pdf::{Object, ObjectId, PdfFile, XrefEntry};
use libfuzzer_sys::fuzz_target;

/// Objects read per input at most, so one input stays fast enough for the fuzzer.
const MAX_OBJECTS: usize = 2_000;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = PdfFile::from_bytes(data.to_vec()) else {
        return;
    };
    let _ = file.catalog();
    let _ = file.acroform();
    let _ = file.docmdp_permission();
    if let Ok(count) = file.page_count() {
        for index in 0..count.min(16) {
            if let Ok(page) = file.page(index as i64)
                && let Some(contents) = page.dict.get(b"Contents")
                && let Ok(Object::Stream(stream)) = file.resolve(contents)
            {
                let _ = file.stream_data(&stream);
            }
        }
    }
    for section in file.sections_newest_first() {
        let _ = file.section_contents(section);
    }
    for (number, entry) in file.xref_entries().into_iter().take(MAX_OBJECTS) {
        match entry {
            XrefEntry::InFile { offset, generation } => {
                let _ = file.parse_object_at(offset);
                if let Ok(Object::Stream(stream)) = file.get(ObjectId::new(number, generation)) {
                    let _ = file.stream_data(&stream);
                }
            }
            XrefEntry::Compressed { stream, .. } => {
                let _ = file.object_stream_members(stream);
                let _ = file.get(ObjectId::new(number, 0));
            }
            XrefEntry::Free { .. } => {}
        }
    }
    // Earlier revisions, as the change analysis opens them.
    for section in file.sections_newest_first().iter().take(8) {
        let _ = file.at_revision(section.offset);
    }
});
