//! The revisions of a PDF: the original file and each incremental update after it
//! (ISO 32000-1 §7.5.6).
//!
//! "The added trailer shall contain all the entries except the Prev entry … A new
//! cross-reference section and trailer shall be appended, followed by `startxref` and `%%EOF`."
//! So revision *k* is the file up to the end of the *k*-th cross-reference section's `%%EOF`,
//! counted in file order. Two shapes need care:
//!
//! - a **linearized** file (Annex F) starts with a first-page cross-reference section whose
//!   `/Prev` points *forward* to the main section at the end of the original file. Its
//!   `%%EOF` is not the end of a revision (the bytes before it are not a PDF); it belongs to the
//!   revision its `/Prev` closes;
//! - **bytes after the last `%%EOF`** (an unterminated update, a gateway's footer, an attacker's
//!   payload for a repairing viewer) belong to no revision: they are kept as
//!   [`TrailingBytes`], a change in itself.
//!
//! A signature signs a revision: its covered part (the ByteRange, `0..c + d`) must end exactly
//! where a revision ends ([`Revisions::closing`]). [`PdfFile::at_revision`] opens the file as it
//! was then, lazily, over the same bytes.

use serde::Serialize;

use super::finding::Finding;
use super::indication::SubIndication;
use crate::message::{Explain, Message};
use crate::pdf::{PdfError, PdfFile, XrefEntry, XrefKind, XrefSection};

/// White-space after a revision's `%%EOF` that still counts as part of that revision. Writers
/// end with one end-of-line, some with two or with padding; more than this is not an ending.
const MAX_EOF_PADDING: usize = 4096;
/// Bytes between a section's end and its `startxref` (white-space and comments only).
const MAX_GAP_BEFORE_STARTXREF: usize = 1024;
/// Trailing bytes read to tell white-space padding from content.
const MAX_TRAILING_SAMPLE: usize = 64 << 10;

/// How a cross-reference section is written, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum XrefForm {
    /// A classic `xref` table (§7.5.4).
    Table,
    /// A classic table with an `/XRefStm` stream beside it (§7.5.8.4).
    Hybrid,
    /// A cross-reference stream (§7.5.8).
    Stream,
}

/// One revision of the file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revision {
    /// 1 for the original document, 2 for its first incremental update, …
    pub number: usize,
    /// Where the revision's bytes start (the end of the previous revision, or 0).
    pub start_offset: u64,
    /// Just past the `%%EOF` marker that closes the revision.
    pub eof_offset: u64,
    /// Just past the end-of-line and padding after `%%EOF`: the revision is `0..end_offset`.
    pub end_offset: u64,
    /// Form of the revision's (last) cross-reference section.
    pub xref_form: XrefForm,
    /// Offset of the revision's (last) cross-reference section.
    pub xref_offset: u64,
    /// The value of the `startxref` before the closing `%%EOF`.
    pub startxref: u64,
    /// Whether the revision holds a linearized file's first-page section (Annex F).
    pub linearized: bool,
    /// Entries listed by the revision's sections.
    pub entry_count: usize,
    /// The revision's sections, in file order.
    #[serde(skip)]
    sections: Vec<XrefSection>,
}

impl Revision {
    /// The cross-reference sections that make up this revision, in file order.
    pub fn sections(&self) -> &[XrefSection] {
        &self.sections
    }

    /// The file as it was at this revision: [`PdfFile::at_revision`] at its end.
    pub fn open(&self, file: &PdfFile) -> Result<PdfFile, PdfError> {
        file.at_revision(self.end_offset)
    }

    /// Whether a signature whose covered part is `0..covered_end` signs exactly this revision:
    /// it ends at `%%EOF`, or after some of the end-of-line and padding that follow.
    pub fn is_closed_by(&self, covered_end: u64) -> bool {
        (self.eof_offset..=self.end_offset).contains(&covered_end)
    }

    /// The objects this revision defines or redefines (or frees), in object-number order,
    /// read from its sections. When two of its sections list the same number (a linearized
    /// file's first-page and main sections), the newer in the chain wins, as when reading.
    pub fn objects(&self, file: &PdfFile) -> Result<Vec<DefinedObject>, PdfError> {
        let mut found: std::collections::BTreeMap<u32, XrefEntry> = Default::default();
        // Chain order inside one revision: a forward /Prev means the section is newer than
        // its target, so sections pointing forward are applied last.
        let mut ordered: Vec<&XrefSection> = self.sections.iter().collect();
        ordered.sort_by_key(|s| s.prev.is_some_and(|p| p > s.offset));
        for section in ordered {
            for (number, entry) in file.section_contents(section)?.entries {
                found.insert(number, entry);
            }
        }
        Ok(found
            .into_iter()
            .map(|(number, entry)| DefinedObject::new(number, entry))
            .collect())
    }
}

/// An object a revision's cross-reference data lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DefinedObject {
    /// Object number.
    pub number: u32,
    /// Generation number (for a free entry: the generation to use next; for a compressed
    /// object: 0).
    pub generation: u16,
    /// Where the object is.
    pub location: ObjectLocation,
}

impl DefinedObject {
    fn new(number: u32, entry: XrefEntry) -> Self {
        let (generation, location) = match entry {
            XrefEntry::Free { generation } => (generation, ObjectLocation::Free),
            XrefEntry::InFile { offset, generation } => {
                (generation, ObjectLocation::InFile { offset })
            }
            XrefEntry::Compressed { stream, index } => {
                (0, ObjectLocation::Compressed { stream, index })
            }
        };
        DefinedObject {
            number,
            generation,
            location,
        }
    }
}

/// Where a cross-reference entry puts an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ObjectLocation {
    /// At a byte offset of the file.
    InFile {
        /// Offset of `N G obj`.
        offset: u64,
    },
    /// Inside an object stream (§7.5.7).
    Compressed {
        /// The object stream's number.
        stream: u32,
        /// Index within the stream.
        index: u32,
    },
    /// Freed (a free entry, §7.5.4).
    Free,
}

/// Bytes after the end of the last revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TrailingBytes {
    /// Where they start (the end of the last revision).
    pub offset: u64,
    /// How many.
    pub len: u64,
}

/// Something about the file's revision structure that a validator must report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RevisionFinding {
    /// Bytes follow the last revision's `%%EOF`: not part of any revision, not covered by any
    /// signature, and read by repairing viewers.
    TrailingBytes(TrailingBytes),
    /// A cross-reference section is not followed by `startxref` and `%%EOF`: its update was
    /// never closed, and it is counted with the next revision.
    UnterminatedSection {
        /// Offset of the section.
        offset: u64,
    },
    /// A section's `/Prev` points forward into a later revision; only a linearized file's
    /// first-page section may point forward, and only within its own revision.
    ForwardPrevAcrossRevisions {
        /// Offset of the section.
        offset: u64,
        /// Where its `/Prev` points.
        prev: u64,
    },
    /// A signature's covered part does not end where a revision ends: it signs no complete
    /// version of the document (ByteRange covering part of an update, or an update spliced
    /// before or inside the signed bytes).
    NoRevisionEndsAt {
        /// `c + d` of the ByteRange.
        covered_end: u64,
    },
}

impl RevisionFinding {
    /// The ETSI EN 319 102-1 sub-indication this finding implies for the signatures it
    /// concerns: the signed data is not a well-formed part of the document (FORMAT_FAILURE).
    pub fn sub_indication(&self) -> SubIndication {
        SubIndication::FormatFailure
    }

    /// As a report finding (a failure).
    pub fn to_finding(&self) -> Finding {
        Finding::failure(self.sub_indication(), self.message())
    }
}

impl Explain for RevisionFinding {
    fn message(&self) -> Message {
        match self {
            RevisionFinding::TrailingBytes(t) => Message::new(
                "bytes-after-last-revision",
                format!(
                    "Có {} byte nằm sau phần kết thúc cuối cùng của tệp (sau %%EOF), không thuộc \
                     lần lưu nào và không được chữ ký nào bảo vệ",
                    t.len
                ),
                format!(
                    "{} bytes follow the file's last end marker (%%EOF): they belong to no \
                     revision and no signature covers them",
                    t.len
                ),
            ),
            RevisionFinding::UnterminatedSection { offset } => Message::new(
                "unterminated-revision",
                format!(
                    "Một lần cập nhật tệp (bảng tham chiếu tại vị trí {offset}) không có phần \
                     kết thúc startxref/%%EOF"
                ),
                format!(
                    "An update of the file (cross-reference section at offset {offset}) has no \
                     closing startxref/%%EOF"
                ),
            ),
            RevisionFinding::ForwardPrevAcrossRevisions { offset, prev } => Message::new(
                "xref-points-forward",
                format!(
                    "Bảng tham chiếu tại vị trí {offset} trỏ tới một lần cập nhật về sau \
                     (vị trí {prev}): cấu trúc các lần lưu của tệp không hợp lệ"
                ),
                format!(
                    "The cross-reference section at offset {offset} points forward to a later \
                     update (offset {prev}): the file's revision structure is invalid"
                ),
            ),
            RevisionFinding::NoRevisionEndsAt { covered_end } => Message::new(
                "signature-not-at-revision-end",
                format!(
                    "Phần được ký (tới byte {covered_end}) không kết thúc ở cuối một phiên bản \
                     của tài liệu: chữ ký không bảo vệ trọn vẹn một phiên bản nào"
                ),
                format!(
                    "The signed part (up to byte {covered_end}) does not end where a version of \
                     the document ends: the signature protects no complete version"
                ),
            ),
        }
    }
}

/// Which revision a signature's covered part closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Closing {
    /// It ends exactly where revision `number` ends.
    Revision {
        /// The revision's number (1-based).
        number: usize,
    },
    /// It ends elsewhere (see [`RevisionFinding::NoRevisionEndsAt`]).
    NoRevision,
}

/// A file split into its revisions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revisions {
    /// The revisions in file order; never empty for an opened file.
    pub revisions: Vec<Revision>,
    /// Bytes after the last revision, if any.
    pub trailing: Option<TrailingBytes>,
    /// What the split found wrong with the structure (trailing bytes included).
    pub findings: Vec<RevisionFinding>,
    /// Length of the whole file.
    pub file_len: u64,
}

impl Revisions {
    /// Splits `file` along its cross-reference sections (in file order).
    ///
    /// Errors are only those of reading the file again; anything wrong with its structure is a
    /// [`RevisionFinding`].
    pub fn split(file: &PdfFile) -> Result<Revisions, PdfError> {
        let source = file.source();
        let sections = file.sections();
        let mut findings = Vec::new();
        let mut revisions: Vec<Revision> = Vec::new();
        let mut pending: Vec<XrefSection> = Vec::new();
        let mut pending_entries = 0usize;
        let mut start = 0u64;
        for section in sections {
            let contents = file.section_contents(section)?;
            pending_entries = pending_entries.saturating_add(contents.entries.len());
            pending.push(section.clone());
            // A linearized file's first-page section (Annex F.3.4) points forward to the main
            // section; it never ends a revision by itself.
            if section.prev.is_some_and(|prev| prev > section.offset) {
                continue;
            }
            let Some(ending) = revision_ending(file, contents.end)? else {
                findings.push(RevisionFinding::UnterminatedSection {
                    offset: section.offset,
                });
                continue;
            };
            let linearized = pending.iter().any(|s| s.prev.is_some_and(|p| p > s.offset));
            revisions.push(Revision {
                number: revisions.len() + 1,
                start_offset: start,
                eof_offset: ending.eof,
                end_offset: ending.end,
                xref_form: form_of(section),
                xref_offset: section.offset,
                startxref: ending.startxref,
                linearized,
                entry_count: pending_entries,
                sections: std::mem::take(&mut pending),
            });
            pending_entries = 0;
            start = ending.end;
        }
        if !pending.is_empty() || revisions.is_empty() {
            // Sections left without an ending: the file opened, so its tail has `startxref`
            // and `%%EOF`; they close one last revision there.
            let (eof, end) = last_eof(file)?;
            let last = pending.last().or_else(|| file.sections().last().copied());
            revisions.push(Revision {
                number: revisions.len() + 1,
                start_offset: start,
                eof_offset: eof.max(start),
                end_offset: end.max(start),
                xref_form: last.map_or(XrefForm::Table, form_of),
                xref_offset: last.map_or(0, |s| s.offset),
                startxref: file.startxref(),
                linearized: false,
                entry_count: pending_entries,
                sections: std::mem::take(&mut pending),
            });
        }
        for revision in &revisions {
            for section in &revision.sections {
                if let Some(prev) = section.prev
                    && prev > section.offset
                    && !revision.sections.iter().any(|s| s.offset == prev)
                {
                    findings.push(RevisionFinding::ForwardPrevAcrossRevisions {
                        offset: section.offset,
                        prev,
                    });
                }
            }
        }
        // The loop above pushed at least one revision.
        let last_end = revisions.last().map_or(0, |r| r.end_offset);
        let trailing = (last_end < source.len()).then(|| TrailingBytes {
            offset: last_end,
            len: source.len() - last_end,
        });
        if let Some(trailing) = trailing {
            findings.push(RevisionFinding::TrailingBytes(trailing));
        }
        Ok(Revisions {
            revisions,
            trailing,
            findings,
            file_len: source.len(),
        })
    }

    /// The revision numbered `number` (1-based).
    pub fn get(&self, number: usize) -> Option<&Revision> {
        number
            .checked_sub(1)
            .and_then(|index| self.revisions.get(index))
    }

    /// The last revision.
    pub fn last(&self) -> Option<&Revision> {
        self.revisions.last()
    }

    /// Which revision a signature whose covered part is `0..covered_end` (ByteRange `c + d`)
    /// signs.
    pub fn closing(&self, covered_end: u64) -> Closing {
        match self.revisions.iter().find(|r| r.is_closed_by(covered_end)) {
            Some(revision) => Closing::Revision {
                number: revision.number,
            },
            None => Closing::NoRevision,
        }
    }

    /// [`Revisions::closing`], with the finding to report when no revision ends there.
    pub fn closing_or_finding(&self, covered_end: u64) -> Result<&Revision, RevisionFinding> {
        match self.closing(covered_end) {
            Closing::Revision { number } => self
                .get(number)
                .ok_or(RevisionFinding::NoRevisionEndsAt { covered_end }),
            Closing::NoRevision => Err(RevisionFinding::NoRevisionEndsAt { covered_end }),
        }
    }
}

fn form_of(section: &XrefSection) -> XrefForm {
    match (section.kind, section.hybrid_stream) {
        (XrefKind::Stream, _) => XrefForm::Stream,
        (XrefKind::Table, Some(_)) => XrefForm::Hybrid,
        (XrefKind::Table, None) => XrefForm::Table,
    }
}

/// `startxref`, its offset and `%%EOF` after a section, and where the revision ends.
struct Ending {
    startxref: u64,
    /// Just past `%%EOF`.
    eof: u64,
    /// Just past the white-space that follows.
    end: u64,
}

/// Reads what follows a section ending at `from`: white-space or comments, `startxref`, an
/// offset, `%%EOF`, then end-of-line or padding white-space. `None` when anything else comes.
///
/// Hand-written rather than through the lexer: the lexer treats `%%EOF` as a comment to skip,
/// and here it is the token that matters.
fn revision_ending(file: &PdfFile, from: u64) -> Result<Option<Ending>, PdfError> {
    let window = file.source().window(from, MAX_GAP_BEFORE_STARTXREF + 64)?;
    let bytes = &window.bytes[..];
    let mut pos = 0;
    // White-space and comments other than %%EOF.
    loop {
        match bytes.get(pos) {
            Some(b) if is_white(*b) => pos += 1,
            Some(b'%') if !bytes[pos..].starts_with(b"%%EOF") => {
                while bytes.get(pos).is_some_and(|&b| b != b'\r' && b != b'\n') {
                    pos += 1;
                }
            }
            _ => break,
        }
    }
    if pos > MAX_GAP_BEFORE_STARTXREF || !bytes[pos..].starts_with(b"startxref") {
        return Ok(None);
    }
    pos += b"startxref".len();
    while bytes.get(pos).is_some_and(|&b| is_white(b)) {
        pos += 1;
    }
    let digits_start = pos;
    while bytes.get(pos).is_some_and(u8::is_ascii_digit) && pos - digits_start < 20 {
        pos += 1;
    }
    let Some(startxref) = std::str::from_utf8(&bytes[digits_start..pos])
        .ok()
        .and_then(|d| d.parse::<u64>().ok())
    else {
        return Ok(None);
    };
    while bytes.get(pos).is_some_and(|&b| is_white(b)) {
        pos += 1;
    }
    if !bytes[pos..].starts_with(b"%%EOF") {
        return Ok(None);
    }
    pos += b"%%EOF".len();
    let eof = from + pos as u64;
    let end = eof + padding_after(file, eof)?;
    Ok(Some(Ending {
        startxref,
        eof,
        end,
    }))
}

/// How many white-space bytes follow `at` (at most [`MAX_EOF_PADDING`]).
fn padding_after(file: &PdfFile, at: u64) -> Result<u64, PdfError> {
    let window = file.source().window(at, MAX_EOF_PADDING)?;
    let white = window.bytes.iter().take_while(|&&b| is_white(b)).count();
    Ok(white as u64)
}

/// The last `%%EOF` of the file and the end of the padding after it; the end of the file when
/// there is none in the last [`MAX_TRAILING_SAMPLE`] bytes.
fn last_eof(file: &PdfFile) -> Result<(u64, u64), PdfError> {
    let len = file.len();
    let start = len.saturating_sub(MAX_TRAILING_SAMPLE as u64);
    let tail = file.source().window(start, MAX_TRAILING_SAMPLE)?;
    match tail.bytes.windows(5).rposition(|w| w == b"%%EOF") {
        Some(at) => {
            let eof = start + at as u64 + 5;
            Ok((eof, eof + padding_after(file, eof)?))
        }
        None => Ok((len, len)),
    }
}

/// White-space characters (ISO 32000-1 Table 1).
fn is_white(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::fixtures::{classic_pdf, hybrid_pdf};
    use crate::pdf::{IncrementalUpdate, Object, ObjectId};

    /// Appends an update that rewrites the document info dictionary.
    fn with_update(pdf: Vec<u8>, producer: &str) -> Vec<u8> {
        let file = PdfFile::from_bytes(pdf.clone()).expect("opens");
        let mut update = IncrementalUpdate::new(&file);
        let info = file
            .trailer()
            .get(b"Info")
            .and_then(Object::as_reference)
            .expect("info");
        let dict: crate::pdf::Dictionary = [(
            "Producer",
            Object::String(crate::pdf::PdfString::literal(producer.as_bytes().to_vec())),
        )]
        .into_iter()
        .collect();
        update.put(info, Object::Dictionary(dict));
        let finished = update.finish().expect("update");
        let mut out = pdf;
        out.extend_from_slice(&finished.bytes);
        out
    }

    #[test]
    fn one_revision_for_a_plain_file() {
        let pdf = classic_pdf(2);
        let len = pdf.len() as u64;
        let file = PdfFile::from_bytes(pdf).expect("opens");
        let revisions = Revisions::split(&file).expect("splits");
        assert_eq!(revisions.revisions.len(), 1);
        let r = &revisions.revisions[0];
        assert_eq!((r.number, r.start_offset, r.end_offset), (1, 0, len));
        assert_eq!(
            r.eof_offset,
            len - 1,
            "the end-of-line after %%EOF is part of it"
        );
        assert_eq!(r.xref_form, XrefForm::Table);
        assert!(revisions.trailing.is_none());
        assert!(revisions.findings.is_empty());
        assert_eq!(revisions.closing(len), Closing::Revision { number: 1 });
        assert_eq!(revisions.closing(len - 1), Closing::Revision { number: 1 });
        assert_eq!(revisions.closing(len - 2), Closing::NoRevision);
    }

    #[test]
    fn each_update_is_a_revision_with_its_own_objects() {
        let original = classic_pdf(1);
        let first_end = original.len() as u64;
        let pdf = with_update(with_update(original, "one"), "two");
        let file = PdfFile::from_bytes(pdf.clone()).expect("opens");
        let revisions = Revisions::split(&file).expect("splits");
        assert_eq!(revisions.revisions.len(), 3);
        assert_eq!(revisions.revisions[0].end_offset, first_end);
        assert_eq!(revisions.revisions[1].start_offset, first_end);
        assert_eq!(revisions.revisions[2].end_offset, pdf.len() as u64);
        let objects = revisions.revisions[1].objects(&file).expect("objects");
        assert_eq!(objects.len(), 1);
        assert_eq!(objects[0].number, 4, "the info dictionary");
        assert!(matches!(objects[0].location, ObjectLocation::InFile { .. }));
        // The file as it was at revision 2 sees the first producer.
        let at_two = file
            .at_revision(revisions.revisions[1].end_offset)
            .expect("opens at revision 2");
        let info = at_two.get(ObjectId::new(4, 0)).expect("info");
        assert_eq!(
            info.as_dict().and_then(|d| d.get(b"Producer")),
            Some(&Object::String(crate::pdf::PdfString::literal(
                b"one".to_vec()
            )))
        );
        assert_eq!(at_two.len(), revisions.revisions[1].end_offset);
    }

    #[test]
    fn bytes_after_the_last_eof_are_a_finding() {
        let mut pdf = classic_pdf(1);
        let len = pdf.len() as u64;
        pdf.extend_from_slice(b"\n\n");
        pdf.extend_from_slice(b"9 0 obj (appended without an xref) endobj\n");
        let file = PdfFile::from_bytes(pdf.clone()).expect("opens: startxref is in the tail");
        let revisions = Revisions::split(&file).expect("splits");
        assert_eq!(revisions.revisions.len(), 1);
        let trailing = revisions.trailing.expect("trailing bytes");
        assert_eq!(
            trailing.offset,
            len + 2,
            "padding white-space belongs to the revision"
        );
        assert_eq!(trailing.offset + trailing.len, pdf.len() as u64);
        assert!(
            revisions
                .findings
                .contains(&RevisionFinding::TrailingBytes(trailing))
        );
    }

    #[test]
    fn white_space_padding_after_eof_is_not_trailing() {
        let mut pdf = classic_pdf(1);
        pdf.extend_from_slice(b"\r\n\0\0  \n");
        let len = pdf.len() as u64;
        let file = PdfFile::from_bytes(pdf).expect("opens");
        let revisions = Revisions::split(&file).expect("splits");
        assert!(revisions.trailing.is_none());
        assert_eq!(revisions.revisions[0].end_offset, len);
    }

    #[test]
    fn hybrid_sections_make_one_revision() {
        let pdf = hybrid_pdf(2);
        let file = PdfFile::from_bytes(pdf).expect("opens");
        let revisions = Revisions::split(&file).expect("splits");
        assert_eq!(revisions.revisions.len(), 1);
        assert_eq!(revisions.revisions[0].xref_form, XrefForm::Hybrid);
        let objects = revisions.revisions[0].objects(&file).expect("objects");
        // Pages listed only by the /XRefStm stream are found too.
        assert!(
            objects
                .iter()
                .any(|o| matches!(o.location, ObjectLocation::Compressed { .. }))
        );
    }

    #[test]
    fn linearized_first_page_section_is_not_a_revision() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = crate::pdf::fixtures::write_fixture(
            crate::pdf::fixtures::FixtureKind::Linearized,
            dir.path(),
            3,
        )
        .expect("qpdf linearizes");
        let file = PdfFile::open(&path).expect("opens");
        assert_eq!(file.sections().len(), 2);
        let revisions = Revisions::split(&file).expect("splits");
        assert_eq!(revisions.revisions.len(), 1);
        assert!(revisions.revisions[0].linearized);
        assert_eq!(revisions.revisions[0].end_offset, file.len());
        assert!(revisions.findings.is_empty(), "{:?}", revisions.findings);
        // And the linearized original opens as revision 1.
        file.at_revision(revisions.revisions[0].end_offset)
            .expect("revision 1 opens");
    }

    #[test]
    fn a_signature_ending_inside_an_update_closes_no_revision() {
        let original = classic_pdf(1);
        let pdf = with_update(original.clone(), "one");
        let file = PdfFile::from_bytes(pdf).expect("opens");
        let revisions = Revisions::split(&file).expect("splits");
        let inside = original.len() as u64 + 10;
        assert_eq!(revisions.closing(inside), Closing::NoRevision);
        assert_eq!(
            revisions.closing_or_finding(inside),
            Err(RevisionFinding::NoRevisionEndsAt {
                covered_end: inside
            })
        );
        assert_eq!(
            revisions.closing(original.len() as u64),
            Closing::Revision { number: 1 }
        );
    }
}

#[cfg(test)]
mod corpus_tests {
    use super::*;
    use crate::verify::discovery::find_signatures;

    /// Signatures of the corpus (`../shared/corpus`) whose covered part ends inside a revision,
    /// each for the reason its file was made.
    const NOT_AT_A_REVISION_END: &[(&str, &str)] = &[
        (
            "itext_drv_signatureNotFound.pdf",
            "the first signature's ByteRange was edited to match no revision",
        ),
        (
            "itext_su_lastBytesNotCoveredTest01.pdf",
            "the ByteRange stops 2000 bytes before the end and no update follows",
        ),
        (
            "itext_sv_modifiedDoc.pdf",
            "bytes were changed after signing without an incremental update",
        ),
    ];

    /// Every file of the corpus splits without findings, every revision opens as a PDF of its
    /// own, and every signature closes a revision except the known broken ones.
    #[test]
    fn corpus_signatures_close_revisions() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/pdfs");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("corpus")
            .map(|e| e.expect("entry").path())
            .collect();
        paths.sort();
        let mut misses = Vec::new();
        let mut checked = 0;
        for path in paths {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let Ok(file) = PdfFile::open(&path) else {
                // The encrypted sample: refused by the reader, reported elsewhere.
                continue;
            };
            let revisions = Revisions::split(&file).expect("splits");
            assert!(
                revisions.findings.is_empty(),
                "{name}: {:?}",
                revisions.findings
            );
            for revision in &revisions.revisions {
                revision.open(&file).unwrap_or_else(|e| {
                    panic!("{name}: revision {} does not open: {e}", revision.number)
                });
            }
            for signature in find_signatures(&file).expect("signatures") {
                let Some(end) = signature.byte_range.covered_end() else {
                    continue;
                };
                checked += 1;
                if revisions.closing(end) == Closing::NoRevision {
                    misses.push(name.clone());
                }
            }
        }
        assert!(checked > 120, "only {checked} signatures");
        misses.dedup();
        let known: Vec<String> = NOT_AT_A_REVISION_END
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        assert_eq!(misses, known);
    }
}
