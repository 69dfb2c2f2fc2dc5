//! Comparing values across two revisions, and the references a value holds.
//!
//! pyHanko's `_is_id` is the model: two values are the same when they would mean the same to a
//! reader, references compared by identity (what they point at is judged on its own), streams
//! by their dictionary and their encoded bytes.

use std::io;

use crate::pdf::{Dictionary, Object, ObjectId, PdfError, PdfFile, Stream};

/// Bytes compared at a time when two streams sit at different offsets.
const COMPARE_CHUNK: usize = 64 << 10;

/// How many references [`same_object`] follows for one comparison: rewritten objects are
/// compared "after resolution", within bounds.
const RESOLUTION_BUDGET: usize = 256;
/// How deep [`same_object`] follows references.
const RESOLUTION_DEPTH: usize = 16;

/// Whether `a` (an object of `a_file`) and `b` (of `b_file`) are the same value after
/// resolution: a reference on one side and a direct value on the other (or two different
/// references) compare by what they point at, so that a writer that moves a dictionary into
/// its own object, or back, has changed nothing. Streams compare by dictionary and encoded
/// bytes. Anything that cannot be read, or that needs more than the bounds, is different.
pub(super) fn same_object(
    a_file: &PdfFile,
    a: &Object,
    b_file: &PdfFile,
    b: &Object,
) -> Result<bool, PdfError> {
    let mut budget = RESOLUTION_BUDGET;
    resolved_eq(a_file, a, b_file, b, &mut budget, 0)
}

fn resolved_eq(
    a_file: &PdfFile,
    a: &Object,
    b_file: &PdfFile,
    b: &Object,
    budget: &mut usize,
    depth: usize,
) -> Result<bool, PdfError> {
    if depth > RESOLUTION_DEPTH {
        return Ok(false);
    }
    match (a, b) {
        (Object::Reference(x), Object::Reference(y)) if x == y => Ok(true),
        (Object::Reference(_), _) | (_, Object::Reference(_)) => {
            if *budget == 0 {
                return Ok(false);
            }
            *budget -= 1;
            let resolve = |file: &PdfFile, value: &Object| match value {
                Object::Reference(id) => file.get(*id).ok(),
                other => Some(other.clone()),
            };
            match (resolve(a_file, a), resolve(b_file, b)) {
                (Some(x), Some(y)) => resolved_eq(a_file, &x, b_file, &y, budget, depth + 1),
                _ => Ok(false),
            }
        }
        (Object::Stream(x), Object::Stream(y)) => {
            let (dx, dy) = (without_length(&x.dict), without_length(&y.dict));
            Ok(
                resolved_eq(a_file, &dx.into(), b_file, &dy.into(), budget, depth + 1)?
                    && same_stream_data(a_file, x, b_file, y)?,
            )
        }
        (Object::Dictionary(x), Object::Dictionary(y)) => {
            if x.len() != y.len() {
                return Ok(false);
            }
            for (key, value) in x.iter() {
                let Some(other) = y.get(key) else {
                    return Ok(false);
                };
                if !resolved_eq(a_file, value, b_file, other, budget, depth + 1)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        (Object::Array(x), Object::Array(y)) => {
            if x.len() != y.len() {
                return Ok(false);
            }
            for (p, q) in x.iter().zip(y) {
                if !resolved_eq(a_file, p, b_file, q, budget, depth + 1)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        _ => Ok(same_value(a, b)),
    }
}

/// Direct values: dictionaries regardless of key order, strings regardless of how they were
/// written, numbers by value, references by id.
pub(super) fn same_value(a: &Object, b: &Object) -> bool {
    match (a, b) {
        (Object::Dictionary(x), Object::Dictionary(y)) => same_dict(x, y),
        (Object::Array(x), Object::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q))
        }
        (Object::String(x), Object::String(y)) => x.bytes == y.bytes,
        (Object::Integer(_) | Object::Real(_), Object::Integer(_) | Object::Real(_)) => {
            a.as_number() == b.as_number()
        }
        (Object::Stream(_), _) | (_, Object::Stream(_)) => false,
        _ => a == b,
    }
}

/// Dictionaries with the same keys and the same values.
pub(super) fn same_dict(a: &Dictionary, b: &Dictionary) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|(key, value)| b.get(key).is_some_and(|other| same_value(value, other)))
}

/// The keys whose values differ between two dictionaries (present in one only, or different),
/// in a deterministic order.
pub(super) fn changed_keys(a: &Dictionary, b: &Dictionary) -> Vec<Vec<u8>> {
    let mut keys: Vec<Vec<u8>> = Vec::new();
    for (key, value) in a.iter() {
        if !b.get(key).is_some_and(|other| same_value(value, other)) {
            keys.push(key.to_vec());
        }
    }
    for (key, _) in b.iter() {
        if !a.contains_key(key) {
            keys.push(key.to_vec());
        }
    }
    keys.sort();
    keys
}

/// A stream dictionary without `/Length` (direct or indirect, it says nothing once the data
/// compare equal).
fn without_length(d: &Dictionary) -> Dictionary {
    d.iter()
        .filter(|(k, _)| *k != b"Length")
        .map(|(k, v)| (k.to_vec(), v.clone()))
        .collect()
}

/// Encoded stream bytes. Both files view the same bytes, so the same offset and length means
/// the same data; otherwise the data are compared in chunks, never held whole.
fn same_stream_data(
    a_file: &PdfFile,
    a: &Stream,
    b_file: &PdfFile,
    b: &Stream,
) -> Result<bool, PdfError> {
    if a.data_len != b.data_len {
        return Ok(false);
    }
    if a.data_offset == b.data_offset {
        return Ok(true);
    }
    let mut x = vec![0u8; COMPARE_CHUNK];
    let mut y = vec![0u8; COMPARE_CHUNK];
    let mut done = 0u64;
    while done < a.data_len {
        let want = usize::try_from(a.data_len - done)
            .unwrap_or(usize::MAX)
            .min(COMPARE_CHUNK);
        let read_x = a_file
            .source()
            .read_at(a.data_offset + done, &mut x[..want])?;
        let read_y = b_file
            .source()
            .read_at(b.data_offset + done, &mut y[..want])?;
        if read_x != want || read_y != want {
            return Err(PdfError::Io(io::ErrorKind::UnexpectedEof.into()));
        }
        if x[..want] != y[..want] {
            return Ok(false);
        }
        done += want as u64;
    }
    Ok(true)
}

/// Every reference inside `value` (a stream: inside its dictionary), in order.
pub(super) fn references(value: &Object) -> Vec<ObjectId> {
    let mut out = Vec::new();
    collect_references(value, &mut out);
    out
}

fn collect_references(value: &Object, out: &mut Vec<ObjectId>) {
    // Nesting is bounded by the parser (MAX_NESTING), so recursion is bounded too.
    match value {
        Object::Reference(id) => out.push(*id),
        Object::Array(items) => items.iter().for_each(|v| collect_references(v, out)),
        Object::Dictionary(dict) => dict.iter().for_each(|(_, v)| collect_references(v, out)),
        Object::Stream(stream) => stream
            .dict
            .iter()
            .for_each(|(_, v)| collect_references(v, out)),
        _ => {}
    }
}

/// The name bytes as text, for messages (`FreeText`, `Outlines`).
pub(super) fn name_text(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::PdfString;

    fn dict(entries: Vec<(&str, Object)>) -> Dictionary {
        entries.into_iter().collect()
    }

    #[test]
    fn dictionaries_compare_regardless_of_order_and_string_form() {
        let a = dict(vec![
            ("A", Object::Integer(1)),
            ("B", Object::String(PdfString::literal(b"x".to_vec()))),
        ]);
        let b = dict(vec![
            ("B", Object::String(PdfString::hex(b"x".to_vec()))),
            ("A", Object::Real(1.0)),
        ]);
        assert!(same_dict(&a, &b));
        let c = dict(vec![("A", Object::Integer(2))]);
        assert!(!same_dict(&a, &c));
        assert_eq!(changed_keys(&a, &c), vec![b"A".to_vec(), b"B".to_vec()]);
    }

    #[test]
    fn rewritten_objects_compare_after_resolution() {
        // Object 3 holds the dictionary that object 4 has inline.
        let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
                    2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n\
                    3 0 obj << /F1 5 0 R >> endobj\n\
                    4 0 obj << /Font << /F1 5 0 R >> >> endobj\n\
                    5 0 obj << /Type /Font >> endobj\n";
        let mut bytes = pdf.to_vec();
        let xref = bytes.len();
        let mut table = String::from("xref\n0 6\n0000000000 65535 f\r\n");
        for n in 1..=5 {
            let at = pdf
                .windows(7)
                .position(|w| w == format!("{n} 0 obj").as_bytes())
                .unwrap();
            table.push_str(&format!("{at:010} 00000 n\r\n"));
        }
        bytes.extend_from_slice(table.as_bytes());
        bytes.extend_from_slice(
            format!("trailer << /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
        );
        let file = PdfFile::from_bytes(bytes).unwrap();
        let inline = file.get(ObjectId::new(4, 0)).unwrap();
        let indirect: Object = dict(vec![("Font", Object::Reference(ObjectId::new(3, 0)))]).into();
        assert!(same_object(&file, &inline, &file, &indirect).unwrap());
        let other: Object = dict(vec![("Font", Object::Reference(ObjectId::new(5, 0)))]).into();
        assert!(!same_object(&file, &inline, &file, &other).unwrap());
    }

    #[test]
    fn references_are_compared_by_id_and_collected_in_order() {
        let a = Object::Array(vec![
            Object::Reference(ObjectId::new(4, 0)),
            Object::Dictionary(dict(vec![("K", Object::Reference(ObjectId::new(5, 1)))])),
        ]);
        let b = Object::Array(vec![
            Object::Reference(ObjectId::new(4, 1)),
            Object::Dictionary(dict(vec![("K", Object::Reference(ObjectId::new(5, 1)))])),
        ]);
        assert!(!same_value(&a, &b));
        assert!(same_value(&a, &a.clone()));
        assert_eq!(
            references(&a),
            vec![ObjectId::new(4, 0), ObjectId::new(5, 1)]
        );
    }
}
