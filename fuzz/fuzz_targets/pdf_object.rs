//! One indirect object on arbitrary bytes: the lexer and parser (ISO 32000-1 §7.2–7.3), stream
//! `/Length` resolution and the filters (§7.4), reached through the public reader.
//!
//! The input becomes the body of object 1 inside a minimal, well-formed file (header,
//! cross-reference table, trailer), so every input reaches the object parser instead of being
//! refused at the header or the cross-reference data, as most whole-file inputs are.
#![no_main]

use kyso::pdf::{Object, ObjectId, PdfFile};
use libfuzzer_sys::fuzz_target;

/// `1 0 obj <input> endobj`, a catalog pointing at it, a classic table and a trailer.
fn wrap(body: &[u8]) -> (Vec<u8>, u64) {
    let mut file = b"%PDF-1.7\n".to_vec();
    let object_offset = file.len() as u64;
    file.extend_from_slice(b"1 0 obj\n");
    file.extend_from_slice(body);
    file.extend_from_slice(b"\nendobj\n");
    let catalog_offset = file.len() as u64;
    file.extend_from_slice(b"2 0 obj\n<< /Type /Catalog /Pages 3 0 R /Probe 1 0 R >>\nendobj\n");
    let xref_offset = file.len();
    file.extend_from_slice(b"xref\n0 3\n0000000000 65535 f\r\n");
    for offset in [object_offset, catalog_offset] {
        file.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
    }
    file.extend_from_slice(
        format!("trailer\n<< /Size 3 /Root 2 0 R >>\nstartxref\n{xref_offset}\n%%EOF\n").as_bytes(),
    );
    (file, object_offset)
}

fuzz_target!(|data: &[u8]| {
    let (bytes, offset) = wrap(data);
    let Ok(file) = PdfFile::from_bytes(bytes) else {
        return;
    };
    let _ = file.parse_object_at(offset);
    let Ok(object) = file.get(ObjectId::new(1, 0)) else {
        return;
    };
    // What a validator does with a value: follow references, decode streams, read entries.
    let _ = file.resolve(&object);
    match &object {
        Object::Stream(stream) => {
            let _ = file.stream_data(stream);
            let _ = file.raw_stream_data(stream);
        }
        Object::Dictionary(dict) => {
            for (_, value) in dict.iter().take(64) {
                let _ = file.resolve(value);
            }
        }
        Object::Array(items) => {
            for value in items.iter().take(64) {
                let _ = file.resolve(value);
            }
        }
        _ => {}
    }
});
