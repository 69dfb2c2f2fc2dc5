//! Incremental updates (ISO 32000-1 §7.5.6): new and changed objects appended after the
//! original bytes, which stay untouched, with a cross-reference section of the same kind as the
//! previous one and a trailer whose `/Prev` points back.
//!
//! A signature needs two holes in the update: the `/ByteRange` array, known only once the file
//! length is known, and the `/Contents` string, known only after hashing. The update writes a
//! signature dictionary through [`IncrementalUpdate::put_signature_dictionary`] and reports both
//! holes' absolute positions in [`SignaturePlaceholder`].

use std::collections::BTreeMap;
use std::ops::Range;

use super::document::PdfFile;
use super::error::{PdfError, Result};
use super::object::{Dictionary, Object, ObjectId};
use super::writer::{serialize, write_dictionary, write_name};
use super::xref::XrefKind;

/// Width reserved for the ByteRange text: `[0 ` then three 10-digit numbers, enough for files
/// up to 9 999 999 999 bytes.
const BYTE_RANGE_WIDTH: usize = 36;

/// An object waiting to be written.
#[derive(Debug, Clone)]
enum Pending {
    /// A direct value, or an existing stream whose raw data is copied from the original.
    Object(Object),
    /// A new stream: dictionary (its `/Length` is set when written) and encoded data.
    NewStream { dict: Dictionary, data: Vec<u8> },
    /// A signature dictionary with `/ByteRange` and `/Contents` placeholders.
    Signature {
        dict: Dictionary,
        contents_len: usize,
    },
}

/// An incremental update being built against an open file.
#[derive(Debug)]
pub struct IncrementalUpdate<'a> {
    file: &'a PdfFile,
    next_number: u32,
    objects: BTreeMap<u32, (u16, Pending)>,
    signature: Option<u32>,
}

/// Where the signature's holes are, as absolute offsets in the updated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignaturePlaceholder {
    /// The `/ByteRange` array's text, from `[` to `]` inclusive.
    pub byte_range: Range<u64>,
    /// The `/Contents` hex string, from `<` to `>` inclusive: exactly the gap the ByteRange
    /// leaves out (ISO 32000-1 §12.8.1, ETSI EN 319 142-1).
    pub contents: Range<u64>,
}

impl SignaturePlaceholder {
    /// The four ByteRange numbers for a file of `total_len` bytes:
    /// `[0, start of <, end of > , rest]`.
    pub fn byte_range_values(&self, total_len: u64) -> [u64; 4] {
        [
            0,
            self.contents.start,
            self.contents.end,
            total_len.saturating_sub(self.contents.end),
        ]
    }

    /// Bytes of signature container (CMS) that fit in `/Contents`.
    pub fn contents_capacity(&self) -> usize {
        // Two hex digits per byte, minus the angle brackets.
        usize::try_from((self.contents.end - self.contents.start).saturating_sub(2) / 2)
            .unwrap_or(usize::MAX)
    }
}

/// The bytes of a finished update, to append after the original file.
#[derive(Debug, Clone)]
pub struct FinishedUpdate {
    /// The update's bytes.
    pub bytes: Vec<u8>,
    /// Length of the original file the update is appended to.
    pub original_len: u64,
    /// The signature's holes, when the update holds a signature dictionary.
    pub signature: Option<SignaturePlaceholder>,
}

impl FinishedUpdate {
    /// Length of the updated file.
    pub fn total_len(&self) -> u64 {
        self.original_len + self.bytes.len() as u64
    }

    /// Writes the final `/ByteRange` into its reserved text and returns the four numbers.
    pub fn fill_byte_range(&mut self) -> Result<[u64; 4]> {
        let placeholder = self.signature.clone().ok_or(PdfError::InvalidUpdate(
            "no signature dictionary in the update",
        ))?;
        let values = placeholder.byte_range_values(self.total_len());
        let range = self.relative(&placeholder.byte_range)?;
        let text = byte_range_text(values, range.len())?;
        self.bytes[range].copy_from_slice(&text);
        Ok(values)
    }

    /// Writes the signature container (DER) into `/Contents` as hex; the rest stays `0`.
    pub fn fill_contents(&mut self, container: &[u8]) -> Result<()> {
        let placeholder = self.signature.clone().ok_or(PdfError::InvalidUpdate(
            "no signature dictionary in the update",
        ))?;
        let capacity = placeholder.contents_capacity();
        if container.len() > capacity {
            return Err(PdfError::PlaceholderTooSmall {
                what: "/Contents",
                needed: container.len(),
                reserved: capacity,
            });
        }
        let range = self.relative(&placeholder.contents)?;
        // Skip the '<'.
        let start = range.start + 1;
        let digits = hex::encode_upper(container);
        self.bytes[start..start + digits.len()].copy_from_slice(digits.as_bytes());
        Ok(())
    }

    /// The update bytes the signature covers: before `<` and after `>` of `/Contents`
    /// (the original file, entirely covered, comes before both).
    pub fn signed_parts(&self) -> Result<[&[u8]; 2]> {
        let placeholder = self.signature.as_ref().ok_or(PdfError::InvalidUpdate(
            "no signature dictionary in the update",
        ))?;
        let gap = self.relative(&placeholder.contents)?;
        Ok([&self.bytes[..gap.start], &self.bytes[gap.end..]])
    }

    /// An absolute range as a range of `bytes`.
    fn relative(&self, range: &Range<u64>) -> Result<Range<usize>> {
        let start = range.start.checked_sub(self.original_len);
        let end = range.end.checked_sub(self.original_len);
        match (start, end) {
            (Some(s), Some(e)) if s <= e && e <= self.bytes.len() as u64 => {
                // Both are at most bytes.len(), a usize.
                Ok(s as usize..e as usize)
            }
            _ => Err(PdfError::InvalidUpdate("placeholder outside the update")),
        }
    }
}

/// `[0 a b c]` padded with spaces before `]` to exactly `width` bytes, as a signer rewrites a
/// reserved ByteRange in place.
pub fn byte_range_text(values: [u64; 4], width: usize) -> Result<Vec<u8>> {
    let [a, b, c, d] = values;
    let mut text = format!("[{a} {b} {c} {d}").into_bytes();
    if text.len() + 1 > width {
        return Err(PdfError::PlaceholderTooSmall {
            what: "/ByteRange",
            needed: text.len() + 1,
            reserved: width,
        });
    }
    text.resize(width - 1, b' ');
    text.push(b']');
    Ok(text)
}

impl<'a> IncrementalUpdate<'a> {
    /// Starts an update of `file`; new objects are numbered from its `/Size`.
    pub fn new(file: &'a PdfFile) -> Self {
        IncrementalUpdate {
            file,
            next_number: file.next_object_number(),
            objects: BTreeMap::new(),
            signature: None,
        }
    }

    /// The file being updated.
    pub fn file(&self) -> &'a PdfFile {
        self.file
    }

    /// A new object number (generation 0), unused by the file and this update.
    pub fn allocate(&mut self) -> Result<ObjectId> {
        let number = self.next_number;
        self.next_number = number
            .checked_add(1)
            .ok_or(PdfError::InvalidUpdate("object numbers exhausted"))?;
        Ok(ObjectId::new(number, 0))
    }

    /// Adds or replaces object `id`. A replaced object keeps its id, generation included. An
    /// existing [`Stream`](super::object::Stream) is written with its raw data copied from the
    /// original file.
    pub fn put(&mut self, id: ObjectId, object: Object) {
        self.objects
            .insert(id.number, (id.generation, Pending::Object(object)));
    }

    /// Adds or replaces object `id` with a new stream; `/Length` is set from `data`.
    pub fn put_stream(&mut self, id: ObjectId, dict: Dictionary, data: Vec<u8>) {
        self.objects.insert(
            id.number,
            (id.generation, Pending::NewStream { dict, data }),
        );
    }

    /// Adds the signature dictionary `id`: `dict`'s entries, then `/ByteRange` and a
    /// `/Contents` placeholder of `contents_len` bytes (hex: twice that, all `0`). Any
    /// `/ByteRange` or `/Contents` in `dict` is dropped. One per update: a signature covers the
    /// revision it ends, so a second one in the same update could not be valid.
    pub fn put_signature_dictionary(
        &mut self,
        id: ObjectId,
        mut dict: Dictionary,
        contents_len: usize,
    ) -> Result<()> {
        if self.signature.is_some_and(|n| n != id.number) {
            return Err(PdfError::InvalidUpdate(
                "only one signature dictionary per update",
            ));
        }
        dict.remove(b"ByteRange");
        dict.remove(b"Contents");
        self.signature = Some(id.number);
        self.objects.insert(
            id.number,
            (id.generation, Pending::Signature { dict, contents_len }),
        );
        Ok(())
    }

    /// The object as this update has it so far: the pending value if `id` was put, else the
    /// file's. Lets several changes to one shared object (say, an array used twice) add up.
    pub fn current(&self, id: ObjectId) -> Result<Object> {
        match self.objects.get(&id.number) {
            Some((generation, Pending::Object(object))) if *generation == id.generation => {
                Ok(object.clone())
            }
            Some((
                generation,
                Pending::NewStream { dict, .. } | Pending::Signature { dict, .. },
            )) if *generation == id.generation => Ok(Object::Dictionary(dict.clone())),
            _ => self.file.get(id),
        }
    }

    /// Whether the update changes nothing yet.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Writes the update: objects, then a cross-reference section of the same kind as the
    /// file's newest (classic table, or an uncompressed cross-reference stream), the trailer
    /// (`/Size /Root /Info /ID /Prev`), `startxref` and `%%EOF`.
    pub fn finish(mut self) -> Result<FinishedUpdate> {
        if self.objects.is_empty() {
            return Err(PdfError::InvalidUpdate(
                "an update needs at least one object",
            ));
        }
        let base = self.file.len();
        let mut out = Vec::new();
        // The original may end right after `%%EOF`; the update starts on a new line.
        let mut last = [0u8; 1];
        let read = self
            .file
            .source()
            .read_at(base.saturating_sub(1), &mut last)?;
        if read == 0 || !matches!(last[0], b'\n' | b'\r') {
            out.push(b'\n');
        }
        let mut offsets: Vec<(u32, u16, u64)> = Vec::with_capacity(self.objects.len() + 1);
        let mut signature = None;
        let objects = std::mem::take(&mut self.objects);
        for (number, (generation, pending)) in objects {
            offsets.push((number, generation, base + out.len() as u64));
            write_header(&mut out, number, generation);
            match pending {
                Pending::Object(Object::Stream(stream)) => {
                    let data = self.file.raw_stream_data(&stream)?;
                    write_stream(&mut out, stream.dict, &data);
                }
                Pending::Object(object) => serialize(&object, &mut out),
                Pending::NewStream { dict, data } => write_stream(&mut out, dict, &data),
                Pending::Signature { dict, contents_len } => {
                    let holes = write_signature_dictionary(&mut out, &dict, contents_len);
                    signature = Some(SignaturePlaceholder {
                        byte_range: base + holes.0.start as u64..base + holes.0.end as u64,
                        contents: base + holes.1.start as u64..base + holes.1.end as u64,
                    });
                }
            }
            out.extend_from_slice(b"\nendobj\n");
        }
        let trailer = self.trailer_entries();
        match self.file.last_xref_kind() {
            XrefKind::Table => self.write_table(&mut out, base, &offsets, trailer),
            XrefKind::Stream => self.write_xref_stream(&mut out, base, &mut offsets, trailer)?,
        }
        Ok(FinishedUpdate {
            bytes: out,
            original_len: base,
            signature,
        })
    }

    /// `/Root`, `/Info` and `/ID` copied from the file's trailer (`/ID` kept as is), and `/Prev`.
    fn trailer_entries(&self) -> Dictionary {
        let mut trailer = Dictionary::new();
        for key in [&b"Root"[..], b"Info", b"ID"] {
            if let Some(value) = self.file.trailer().get(key) {
                trailer.insert(key, value.clone());
            }
        }
        trailer.insert(
            "Prev",
            Object::Integer(i64::try_from(self.file.startxref()).unwrap_or(i64::MAX)),
        );
        trailer
    }

    /// `/Size`: one past the highest object number in the file or the update.
    fn size(&self, offsets: &[(u32, u16, u64)]) -> i64 {
        let highest = offsets.iter().map(|&(n, _, _)| n).max().unwrap_or(0);
        i64::from(
            self.file
                .next_object_number()
                .max(highest.saturating_add(1)),
        )
    }

    fn write_table(
        &self,
        out: &mut Vec<u8>,
        base: u64,
        offsets: &[(u32, u16, u64)],
        trailer: Dictionary,
    ) {
        let xref_offset = base + out.len() as u64;
        out.extend_from_slice(b"xref\n");
        // Offsets are sorted by object number (BTreeMap order); one subsection per run.
        let mut i = 0;
        while i < offsets.len() {
            let start = offsets[i].0;
            let mut end = i + 1;
            while end < offsets.len() && offsets[end].0 == start.wrapping_add((end - i) as u32) {
                end += 1;
            }
            out.extend_from_slice(format!("{start} {}\n", end - i).as_bytes());
            for &(_, generation, offset) in &offsets[i..end] {
                // Exactly 20 bytes per entry, ending in CR LF (§7.5.4).
                out.extend_from_slice(format!("{offset:010} {generation:05} n\r\n").as_bytes());
            }
            i = end;
        }
        let mut dict = Dictionary::new();
        dict.insert("Size", Object::Integer(self.size(offsets)));
        for (key, value) in trailer.iter() {
            dict.insert(key, value.clone());
        }
        out.extend_from_slice(b"trailer\n");
        write_dictionary(&dict, out);
        out.extend_from_slice(format!("\nstartxref\n{xref_offset}\n%%EOF\n").as_bytes());
    }

    fn write_xref_stream(
        &mut self,
        out: &mut Vec<u8>,
        base: u64,
        offsets: &mut Vec<(u32, u16, u64)>,
        trailer: Dictionary,
    ) -> Result<()> {
        let id = self.allocate()?;
        let xref_offset = base + out.len() as u64;
        // The stream lists itself too.
        offsets.push((id.number, 0, xref_offset));
        offsets.sort_unstable();
        let offset_width = bytes_needed(xref_offset);
        let generation_width = bytes_needed(u64::from(
            offsets.iter().map(|&(_, g, _)| g).max().unwrap_or(0),
        ));
        let mut data = Vec::new();
        let mut index = Vec::new();
        let mut i = 0;
        while i < offsets.len() {
            let start = offsets[i].0;
            let mut end = i + 1;
            while end < offsets.len() && offsets[end].0 == start.wrapping_add((end - i) as u32) {
                end += 1;
            }
            index.push(Object::Integer(i64::from(start)));
            index.push(Object::Integer((end - i) as i64));
            for &(_, generation, offset) in &offsets[i..end] {
                data.push(1);
                data.extend_from_slice(&offset.to_be_bytes()[8 - offset_width..]);
                data.extend_from_slice(
                    &u64::from(generation).to_be_bytes()[8 - generation_width..],
                );
            }
            i = end;
        }
        let mut dict = Dictionary::new();
        dict.insert("Type", Object::name("XRef"));
        dict.insert("Size", Object::Integer(self.size(offsets)));
        dict.insert(
            "W",
            Object::Array(vec![
                Object::Integer(1),
                Object::Integer(offset_width as i64),
                Object::Integer(generation_width as i64),
            ]),
        );
        dict.insert("Index", Object::Array(index));
        for (key, value) in trailer.iter() {
            dict.insert(key, value.clone());
        }
        write_header(out, id.number, 0);
        write_stream(out, dict, &data);
        out.extend_from_slice(format!("\nendobj\nstartxref\n{xref_offset}\n%%EOF\n").as_bytes());
        Ok(())
    }
}

/// Bytes needed to hold `value` big-endian (at least 1).
fn bytes_needed(value: u64) -> usize {
    (8 - value.leading_zeros() as usize / 8).max(1)
}

fn write_header(out: &mut Vec<u8>, number: u32, generation: u16) {
    out.extend_from_slice(format!("{number} {generation} obj\n").as_bytes());
}

/// `<< … /Length n >>`, `stream`, data, `endstream` (§7.3.8.1).
fn write_stream(out: &mut Vec<u8>, mut dict: Dictionary, data: &[u8]) {
    dict.insert("Length", Object::Integer(data.len() as i64));
    write_dictionary(&dict, out);
    out.extend_from_slice(b"\nstream\n");
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
}

/// Writes `<< entries /ByteRange [0 0000000000 …] /Contents <00…> >>`; returns the ranges of
/// the ByteRange text and of the Contents string within `out`.
fn write_signature_dictionary(
    out: &mut Vec<u8>,
    dict: &Dictionary,
    contents_len: usize,
) -> (Range<usize>, Range<usize>) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        out.push(b' ');
        write_name(key, out);
        out.push(b' ');
        serialize(value, out);
    }
    out.extend_from_slice(b" /ByteRange ");
    let byte_range_start = out.len();
    out.extend_from_slice(b"[0 0000000000 0000000000 0000000000]");
    let byte_range = byte_range_start..out.len();
    debug_assert_eq!(byte_range.len(), BYTE_RANGE_WIDTH);
    out.extend_from_slice(b" /Contents ");
    let contents_start = out.len();
    out.push(b'<');
    out.resize(out.len() + contents_len * 2, b'0');
    out.push(b'>');
    let contents = contents_start..out.len();
    out.extend_from_slice(b" >>");
    (byte_range, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_range_text_pads_or_refuses() {
        let text = byte_range_text([0, 100, 200, 50], BYTE_RANGE_WIDTH).expect("fits");
        assert_eq!(text.len(), BYTE_RANGE_WIDTH);
        assert_eq!(&text, b"[0 100 200 50                      ]");
        let text = byte_range_text([0, 9_999_999_999, 9_999_999_999, 9_999_999_999], 36)
            .expect("the largest values fit");
        assert_eq!(&text, b"[0 9999999999 9999999999 9999999999]");
        assert!(matches!(
            byte_range_text([0, 10_000_000_000, 10_000_000_000, 10_000_000_000], 36),
            Err(PdfError::PlaceholderTooSmall { .. })
        ));
    }

    #[test]
    fn widths() {
        assert_eq!(bytes_needed(0), 1);
        assert_eq!(bytes_needed(255), 1);
        assert_eq!(bytes_needed(256), 2);
        assert_eq!(bytes_needed(u64::from(u32::MAX) + 1), 5);
    }

    #[test]
    fn signature_dictionary_holes() {
        let mut out = b"prefix".to_vec();
        let dict: Dictionary = [("Type", Object::name("Sig"))].into_iter().collect();
        let (br, contents) = write_signature_dictionary(&mut out, &dict, 4);
        assert_eq!(&out[br], b"[0 0000000000 0000000000 0000000000]");
        assert_eq!(&out[contents], b"<00000000>");
    }
}
