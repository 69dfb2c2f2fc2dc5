//! Cross-reference data (ISO 32000-1 §7.5.4–§7.5.8): classic tables, cross-reference streams,
//! hybrid-reference files, and the `/Prev` chain of incremental updates.
//!
//! The chain is followed from `startxref`; the newest entry for an object wins. Every section is
//! kept with its offset, kind and trailer, because the revision splitter and the incremental
//! writer need them. Nothing is repaired: anything that does not match the syntax is an error.

use std::collections::{HashMap, HashSet};

use super::error::{Limit, PdfError, Result, TruncatedReason, XrefProblem};
use super::filter;
use super::lexer::{LexError, Lexer, Spanned, Token};
use super::limits::{
    MAX_DECODED_SIZE, MAX_LEADING_WHITESPACE, MAX_OBJECT_SIZE, MAX_RAW_STREAM_SIZE,
    MAX_XREF_ENTRIES, MAX_XREF_SECTIONS, MAX_XREF_TABLE_SIZE,
};
use super::object::{Dictionary, Object};
use super::parser::{Parser, parse_at, parse_indirect};
use super::source::Source;

/// Where an object lives, according to the cross-reference data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XrefEntry {
    /// A free (deleted or unused) object number.
    Free {
        /// Generation to use if the number is reused.
        generation: u16,
    },
    /// An uncompressed object at a byte offset (type 1; `n` in a table).
    InFile {
        /// Absolute byte offset of `N G obj`.
        offset: u64,
        /// Generation number.
        generation: u16,
    },
    /// An object inside an object stream (type 2, PDF 1.5).
    Compressed {
        /// Object number of the object stream.
        stream: u32,
        /// Index of the object within the stream.
        index: u32,
    },
}

/// How a cross-reference section is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XrefKind {
    /// A classic `xref` table followed by `trailer` (a hybrid-reference section counts here).
    Table,
    /// A cross-reference stream (`/Type /XRef`).
    Stream,
}

/// One cross-reference section of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct XrefSection {
    /// Absolute offset of `xref` or of the stream's `N G obj`.
    pub offset: u64,
    /// Table or stream.
    pub kind: XrefKind,
    /// The trailer dictionary (for a stream: the stream dictionary).
    pub trailer: Dictionary,
    /// The `/Prev` offset, if any.
    pub prev: Option<u64>,
    /// For a hybrid-reference section: the offset of the `/XRefStm` stream.
    pub hybrid_stream: Option<u64>,
    /// How many entries the section (and its `/XRefStm`) lists.
    pub entry_count: usize,
}

/// All sections, and the merged entries.
#[derive(Debug)]
pub(crate) struct XrefData {
    /// Sections in chain order: the one `startxref` points at first.
    pub chain: Vec<XrefSection>,
    /// The newest entry per object number.
    pub entries: HashMap<u32, XrefEntry>,
}

/// Follows the chain from `startxref`.
pub(crate) fn read_chain(source: &Source, startxref: u64) -> Result<XrefData> {
    let mut chain: Vec<XrefSection> = Vec::new();
    let mut entries: HashMap<u32, XrefEntry> = HashMap::new();
    let mut visited = HashSet::new();
    let mut next = Some(startxref);
    while let Some(offset) = next {
        if !visited.insert(offset) {
            return Err(PdfError::BrokenXref(XrefProblem::PrevLoop { offset }));
        }
        if chain.len() >= MAX_XREF_SECTIONS {
            return Err(PdfError::LimitExceeded {
                limit: Limit::XrefSections(MAX_XREF_SECTIONS),
                offset: Some(offset),
            });
        }
        let section = read_section(source, offset)?;
        let mut count = 0;
        let mut hybrid_stream = None;
        if section.kind == XrefKind::Table
            && let Some(stream_offset) = section.trailer.get(b"XRefStm")
        {
            let stream_offset = offset_value(stream_offset)
                .ok_or(PdfError::BrokenXref(XrefProblem::BadTable { offset }))?;
            let stream = read_section(source, stream_offset)?;
            if stream.kind != XrefKind::Stream {
                return Err(PdfError::BrokenXref(XrefProblem::NotAnXrefSection {
                    offset: stream_offset,
                }));
            }
            // Hybrid-reference file (§7.5.8.4): the stream's entries take precedence over the
            // table's within this section, so they are merged first.
            count += merge(&mut entries, &stream.entries, stream_offset)?;
            hybrid_stream = Some(stream_offset);
        }
        count += merge(&mut entries, &section.entries, offset)?;
        let prev = match section.trailer.get(b"Prev") {
            None => None,
            Some(value) => Some(offset_value(value).ok_or(PdfError::BrokenXref(
                match section.kind {
                    XrefKind::Table => XrefProblem::BadTable { offset },
                    XrefKind::Stream => XrefProblem::BadStream { offset },
                },
            ))?),
        };
        chain.push(XrefSection {
            offset,
            kind: section.kind,
            trailer: section.trailer,
            prev,
            hybrid_stream,
            entry_count: count,
        });
        next = prev;
    }
    Ok(XrefData { chain, entries })
}

fn offset_value(value: &Object) -> Option<u64> {
    value.as_integer().and_then(|i| u64::try_from(i).ok())
}

/// Adds entries not already known (older sections lose), bounded in total.
fn merge(
    entries: &mut HashMap<u32, XrefEntry>,
    section: &[(u32, XrefEntry)],
    offset: u64,
) -> Result<usize> {
    for &(number, entry) in section {
        entries.entry(number).or_insert(entry);
    }
    if entries.len() > MAX_XREF_ENTRIES {
        return Err(PdfError::LimitExceeded {
            limit: Limit::XrefEntries(MAX_XREF_ENTRIES),
            offset: Some(offset),
        });
    }
    Ok(section.len())
}

/// A section as read, before merging.
struct RawSection {
    kind: XrefKind,
    trailer: Dictionary,
    entries: Vec<(u32, XrefEntry)>,
    /// Absolute offset just past the section: after the trailer dictionary's `>>` for a table,
    /// after `endstream` (and `endobj` when present) for a stream.
    end: u64,
}

/// What one cross-reference section lists, read again on demand: the reader keeps only the
/// merged table, and a revision splitter needs each section's own entries and extent.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionContents {
    /// The entries of this section, one per object number. For a hybrid-reference section the
    /// `/XRefStm` stream's entry wins over the table's, as when the chain is read (§7.5.8.4).
    pub entries: Vec<(u32, XrefEntry)>,
    /// Absolute offset just past the section: after the trailer dictionary of a table, after
    /// `endstream`/`endobj` of a cross-reference stream. The revision's `startxref` and
    /// `%%EOF` follow it.
    pub end: u64,
}

/// Reads the section at `section.offset` (and its `/XRefStm`) again, with the same bounds as
/// when the chain was read.
pub(crate) fn read_section_contents(
    source: &Source,
    section: &XrefSection,
) -> Result<SectionContents> {
    let main = read_section(source, section.offset)?;
    let mut seen = HashSet::new();
    let mut entries = Vec::with_capacity(main.entries.len());
    if let Some(stream_offset) = section.hybrid_stream {
        let stream = read_section(source, stream_offset)?;
        for (number, entry) in stream.entries {
            if seen.insert(number) {
                entries.push((number, entry));
            }
        }
    }
    for (number, entry) in main.entries {
        if seen.insert(number) {
            entries.push((number, entry));
        }
    }
    Ok(SectionContents {
        entries,
        end: main.end,
    })
}

/// Reads the table or stream at `offset`.
fn read_section(source: &Source, offset: u64) -> Result<RawSection> {
    if offset >= source.len() {
        return Err(PdfError::BrokenXref(XrefProblem::NotAnXrefSection {
            offset,
        }));
    }
    let head = source.window(offset, 64)?;
    let mut lexer = Lexer::new(&head.bytes, offset, head.at_end);
    lexer.skip_whitespace();
    let leading = lexer.pos();
    // Tolerance: a few bytes of white-space before `xref` (see MAX_LEADING_WHITESPACE).
    let is_table = leading <= MAX_LEADING_WHITESPACE
        && head.bytes[leading..].starts_with(b"xref")
        && head
            .bytes
            .get(leading + 4)
            .is_none_or(|&b| !super::lexer::is_regular(b));
    if is_table {
        read_table(source, offset)
    } else {
        read_stream(source, offset)
    }
}

/// A classic table: `xref`, subsections `start count` with entries `oooooooooo ggggg n|f`, then
/// `trailer << … >>` (§7.5.4, §7.5.5).
fn read_table(source: &Source, offset: u64) -> Result<RawSection> {
    let bad = || PdfError::BrokenXref(XrefProblem::BadTable { offset });
    parse_at(
        source,
        offset,
        64 << 10,
        MAX_XREF_TABLE_SIZE,
        |mut lexer| {
            let mut entries = Vec::new();
            // `xref` was checked by the caller.
            lexer.next_token()?;
            loop {
                let token = lexer.next_token()?.ok_or_else(|| LexError::Pdf(bad()))?;
                match token.value {
                    Token::Keyword(b"trailer") => break,
                    Token::Integer(start) => {
                        let count = match lexer.next_token()? {
                            Some(Spanned {
                                value: Token::Integer(count),
                                ..
                            }) => count,
                            _ => return Err(LexError::Pdf(bad())),
                        };
                        let (Ok(start), Ok(count)) = (u32::try_from(start), u32::try_from(count))
                        else {
                            return Err(LexError::Pdf(bad()));
                        };
                        if start.checked_add(count).is_none()
                            || entries.len() + count as usize > MAX_XREF_ENTRIES
                        {
                            return Err(LexError::Pdf(PdfError::LimitExceeded {
                                limit: Limit::XrefEntries(MAX_XREF_ENTRIES),
                                offset: Some(offset),
                            }));
                        }
                        for number in start..start + count {
                            entries.push((
                                number,
                                table_entry(&mut lexer).map_err(|e| match e {
                                    LexError::NeedMore => LexError::NeedMore,
                                    LexError::Pdf(_) => LexError::Pdf(bad()),
                                })?,
                            ));
                        }
                    }
                    _ => return Err(LexError::Pdf(bad())),
                }
            }
            let base = lexer.absolute(0);
            let trailer = Parser::new(lexer).value()?;
            let end = base + trailer.span.end as u64;
            let Object::Dictionary(trailer) = trailer.value else {
                return Err(LexError::Pdf(bad()));
            };
            Ok(RawSection {
                kind: XrefKind::Table,
                trailer,
                entries,
                end,
            })
        },
    )
}

/// One 20-byte table entry. Tolerance: entries are read as tokens, so any white-space between
/// the fields and any of the end-of-line forms writers use (`\r\n`, ` \n`, ` \r`, or a bare
/// `\n`) are accepted; the field count and the `n`/`f` keyword are still required.
fn table_entry(lexer: &mut Lexer<'_>) -> Result<XrefEntry, LexError> {
    let bad = |l: &Lexer<'_>| l.syntax(l.pos(), "bad xref entry");
    let field = |lexer: &mut Lexer<'_>| match lexer.next_token()? {
        Some(Spanned {
            value: Token::Integer(i),
            ..
        }) if i >= 0 => Ok(i),
        _ => Err(bad(lexer)),
    };
    let position = field(lexer)?;
    let generation = field(lexer)?;
    let generation = u16::try_from(generation).map_err(|_| bad(lexer))?;
    match lexer.next_token()? {
        Some(Spanned {
            value: Token::Keyword(b"n"),
            ..
        }) => Ok(XrefEntry::InFile {
            offset: position as u64,
            generation,
        }),
        Some(Spanned {
            value: Token::Keyword(b"f"),
            ..
        }) => Ok(XrefEntry::Free { generation }),
        _ => Err(bad(lexer)),
    }
}

/// A cross-reference stream (§7.5.8): `N G obj << /Type /XRef /W […] … >> stream … endstream`.
fn read_stream(source: &Source, offset: u64) -> Result<RawSection> {
    let not_xref = PdfError::BrokenXref(XrefProblem::NotAnXrefSection { offset });
    let bad = || PdfError::BrokenXref(XrefProblem::BadStream { offset });
    let raw = match parse_at(source, offset, 4096, MAX_OBJECT_SIZE, parse_indirect) {
        Ok(raw) => raw,
        Err(PdfError::Syntax { .. }) => return Err(not_xref),
        Err(e) => return Err(e),
    };
    let (Object::Dictionary(dict), Some(data_offset)) = (raw.value, raw.stream_data) else {
        return Err(not_xref);
    };
    if dict.get_name(b"Type") != Some(b"XRef") {
        return Err(not_xref);
    }
    // Everything in a cross-reference stream's dictionary is direct (§7.5.8.2): there is no
    // cross-reference data yet to resolve a reference with.
    let length = dict
        .get_integer(b"Length")
        .and_then(|l| u64::try_from(l).ok())
        .ok_or_else(bad)?;
    if length > MAX_RAW_STREAM_SIZE {
        return Err(PdfError::LimitExceeded {
            limit: Limit::StreamSize(MAX_RAW_STREAM_SIZE),
            offset: Some(offset),
        });
    }
    if data_offset.saturating_add(length) > source.len() {
        return Err(PdfError::Truncated(TruncatedReason::EndOfFile));
    }
    // Bounded by MAX_RAW_STREAM_SIZE above.
    let window = source.window(data_offset, length as usize)?;
    let steps = filter::filter_steps(&dict, offset)?;
    let data = filter::decode(&steps, window.bytes.into_owned(), MAX_DECODED_SIZE, offset)?;
    let entries = stream_entries(&dict, &data).ok_or_else(bad)?;
    let end = stream_end(source, data_offset + length)?;
    Ok(RawSection {
        kind: XrefKind::Stream,
        trailer: dict,
        entries,
        end,
    })
}

/// Where a cross-reference stream ends: after `endstream` and `endobj` when they follow the
/// data, else at the end of the data (the section is still read; whatever follows is for the
/// revision splitter to judge).
fn stream_end(source: &Source, data_end: u64) -> Result<u64> {
    let window = source.window(data_end, 64)?;
    let mut lexer = Lexer::new(&window.bytes, data_end, window.at_end);
    let mut end = data_end;
    for keyword in [&b"endstream"[..], b"endobj"] {
        match lexer.next_token() {
            Ok(Some(Spanned {
                value: Token::Keyword(k),
                span,
            })) if k == keyword => end = lexer.absolute(span.end),
            _ => break,
        }
    }
    Ok(end)
}

/// Decodes the entries of a cross-reference stream from `/W`, `/Index` and `/Size`.
/// `None` when the dictionary or data do not fit together.
fn stream_entries(dict: &Dictionary, data: &[u8]) -> Option<Vec<(u32, XrefEntry)>> {
    let widths: Vec<usize> = dict
        .get(b"W")?
        .as_array()?
        .iter()
        .map(|w| w.as_integer().and_then(|w| usize::try_from(w).ok()))
        .collect::<Option<_>>()?;
    let [w0, w1, w2] = widths[..] else {
        return None;
    };
    if w0 > 8 || w1 > 8 || w2 > 8 {
        return None;
    }
    let entry_len = w0 + w1 + w2;
    if entry_len == 0 {
        return None;
    }
    let size = u32::try_from(dict.get_integer(b"Size")?).ok()?;
    let index: Vec<(u32, u32)> = match dict.get(b"Index") {
        None => vec![(0, size)],
        Some(Object::Array(items)) => {
            if items.len() % 2 != 0 {
                return None;
            }
            items
                .chunks_exact(2)
                .map(|pair| {
                    let start = u32::try_from(pair[0].as_integer()?).ok()?;
                    let count = u32::try_from(pair[1].as_integer()?).ok()?;
                    start.checked_add(count)?;
                    Some((start, count))
                })
                .collect::<Option<_>>()?
        }
        Some(_) => return None,
    };
    let total: usize = index.iter().map(|&(_, c)| c as usize).sum();
    // The data must hold every declared entry; this also bounds the allocation below.
    // Tolerance: bytes after the last entry (padding some writers leave) are ignored.
    if total.checked_mul(entry_len)? > data.len() {
        return None;
    }
    let mut entries = Vec::with_capacity(total);
    let mut records = data.chunks_exact(entry_len);
    for (start, count) in index {
        for number in start..start + count {
            let record = records.next()?;
            let (f0, rest) = record.split_at(w0);
            let (f1, f2) = rest.split_at(w1);
            // The type field defaults to 1 when its width is 0 (Table 17).
            let kind = if w0 == 0 { 1 } else { be(f0) };
            let entry = match kind {
                0 => XrefEntry::Free {
                    generation: u16::try_from(be(f2)).unwrap_or(u16::MAX),
                },
                1 => XrefEntry::InFile {
                    offset: be(f1),
                    generation: u16::try_from(be(f2)).ok()?,
                },
                2 => XrefEntry::Compressed {
                    stream: u32::try_from(be(f1)).ok()?,
                    index: u32::try_from(be(f2)).ok()?,
                },
                // Other types are reserved: such an entry refers to the null object.
                _ => continue,
            };
            entries.push((number, entry));
        }
    }
    Some(entries)
}

/// A big-endian unsigned field of up to 8 bytes.
fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_with_subsections_and_line_end_variants() {
        let mut pdf = b"%PDF-1.4\n".to_vec();
        let offset = pdf.len() as u64;
        pdf.extend_from_slice(
            b"xref\n0 2\n0000000000 65535 f\r\n0000000015 00000 n \n\
              5 1\n0000000100 00002 n\r\n7 1\r\n0000000200 00000 n \r\
              trailer\n<< /Size 8 /Root 1 0 R >>\nstartxref\n9\n%%EOF\n",
        );
        let source = Source::from_bytes(pdf);
        let data = read_chain(&source, offset).expect("reads");
        assert_eq!(data.chain.len(), 1);
        assert_eq!(data.chain[0].kind, XrefKind::Table);
        assert_eq!(data.chain[0].entry_count, 4);
        assert_eq!(
            data.entries.get(&5),
            Some(&XrefEntry::InFile {
                offset: 100,
                generation: 2
            })
        );
        assert_eq!(
            data.entries.get(&7),
            Some(&XrefEntry::InFile {
                offset: 200,
                generation: 0
            })
        );
        assert_eq!(
            data.entries.get(&0),
            Some(&XrefEntry::Free { generation: 65535 })
        );
    }

    #[test]
    fn table_with_wrong_count_is_broken() {
        let pdf = b"xref\n0 3\n0000000000 65535 f\r\n0000000015 00000 n\r\ntrailer<<>>".to_vec();
        let source = Source::from_bytes(pdf);
        assert!(matches!(
            read_chain(&source, 0),
            Err(PdfError::BrokenXref(XrefProblem::BadTable { offset: 0 }))
        ));
    }

    #[test]
    fn stream_entries_with_index_and_widths() {
        let dict: Dictionary = [
            ("Size", Object::Integer(12)),
            (
                "W",
                Object::Array(vec![
                    Object::Integer(1),
                    Object::Integer(2),
                    Object::Integer(1),
                ]),
            ),
            (
                "Index",
                Object::Array(vec![
                    Object::Integer(0),
                    Object::Integer(1),
                    Object::Integer(10),
                    Object::Integer(2),
                ]),
            ),
        ]
        .into_iter()
        .collect();
        let data = [0, 0, 0, 255, 1, 0x12, 0x34, 0, 2, 0, 7, 3];
        let entries = stream_entries(&dict, &data).expect("entries");
        assert_eq!(
            entries,
            vec![
                (0, XrefEntry::Free { generation: 255 }),
                (
                    10,
                    XrefEntry::InFile {
                        offset: 0x1234,
                        generation: 0
                    }
                ),
                (
                    11,
                    XrefEntry::Compressed {
                        stream: 7,
                        index: 3
                    }
                ),
            ]
        );
        // Data shorter than /Index declares.
        assert!(stream_entries(&dict, &data[..8]).is_none());
    }

    #[test]
    fn prev_loop_is_detected() {
        let mut pdf = b"%PDF-1.4\n".to_vec();
        let offset = pdf.len();
        pdf.extend_from_slice(b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 /Prev ");
        pdf.extend_from_slice(offset.to_string().as_bytes());
        pdf.extend_from_slice(b" >>\n");
        let source = Source::from_bytes(pdf);
        assert!(matches!(
            read_chain(&source, offset as u64),
            Err(PdfError::BrokenXref(XrefProblem::PrevLoop { .. }))
        ));
    }

    #[test]
    fn pointer_to_nothing_is_not_an_xref() {
        let source = Source::from_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\n".to_vec());
        for offset in [0, 9, 1000] {
            assert!(matches!(
                read_chain(&source, offset),
                Err(PdfError::BrokenXref(XrefProblem::NotAnXrefSection { .. }))
            ));
        }
    }
}
