//! An open PDF file: header, cross-reference chain, objects on demand, catalog and pages.
//!
//! Opening reads only the header, the tail, the cross-reference sections and the few bytes at
//! each object offset (to check that the cross-reference data is right). Objects are parsed
//! when asked for; stream data is read only through [`PdfFile::stream_data`].

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::error::{
    Expected, Limit, PdfError, Result, StructureProblem, TruncatedReason, XrefProblem,
};
use super::filter;
use super::lexer::{LexError, Lexer, Spanned, Token};
use super::limits::{
    HEADER_SEARCH, MAX_DECODED_SIZE, MAX_LEADING_WHITESPACE, MAX_OBJECT_SIZE,
    MAX_OBJECT_STREAM_OBJECTS, MAX_PAGE_TREE_DEPTH, MAX_RAW_STREAM_SIZE, MAX_REFERENCE_DEPTH,
    TAIL_SEARCH,
};
use super::object::{Dictionary, Object, ObjectId, Stream};
use super::parser::{
    ParsedObject, Parser, parse_at, parse_bare_value, parse_indirect, parse_object_header,
};
use super::source::Source;
use super::xref::{
    SectionContents, XrefEntry, XrefKind, XrefSection, read_chain, read_section_contents,
};

/// A page of the document: its object id and dictionary.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The page object's id.
    pub id: ObjectId,
    /// The page dictionary (`/Type /Page`).
    pub dict: Dictionary,
}

/// A decoded object stream (§7.5.7), kept in a small cache.
#[derive(Debug)]
struct ObjectStream {
    number: u32,
    data: Vec<u8>,
    /// (object number, offset of the object in `data`), in stream order.
    objects: Vec<(u32, usize)>,
}

/// Object streams kept decoded; pages and form fields often share one.
const OBJECT_STREAM_CACHE: usize = 4;

/// A PDF file opened for reading.
#[derive(Debug)]
pub struct PdfFile {
    source: Source,
    version: (u8, u8),
    startxref: u64,
    /// Sections in chain order, newest first.
    chain: Vec<XrefSection>,
    entries: HashMap<u32, XrefEntry>,
    trailer: Dictionary,
    catalog_id: ObjectId,
    object_streams: Mutex<Vec<Arc<ObjectStream>>>,
}

impl PdfFile {
    /// Opens and checks the file at `path`. The file is read on demand and must not change
    /// while the `PdfFile` is in use.
    pub fn open(path: impl AsRef<Path>) -> Result<PdfFile> {
        PdfFile::from_source(Source::open(path.as_ref())?)
    }

    /// Opens a PDF held in memory.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<PdfFile> {
        PdfFile::from_source(Source::from_bytes(bytes))
    }

    /// Opens a PDF from any source.
    ///
    /// Refuses, never repairs: no header ([`PdfError::NotPdf`]); no `startxref`/`%%EOF` at the
    /// end ([`PdfError::Truncated`]); cross-reference data that does not match the file
    /// ([`PdfError::BrokenXref`]); `/Encrypt` in the trailer ([`PdfError::Encrypted`]).
    pub fn from_source(source: Source) -> Result<PdfFile> {
        let version = read_header(&source)?;
        let startxref = read_startxref(&source)?;
        let data = read_chain(&source, startxref)?;
        let trailer = merge_trailers(&data.chain);
        if trailer.contains_key(b"Encrypt") {
            return Err(PdfError::Encrypted);
        }
        let catalog_id = trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .ok_or(PdfError::BrokenXref(XrefProblem::NoCatalog))?;
        let file = PdfFile {
            source,
            version,
            startxref,
            chain: data.chain,
            entries: data.entries,
            trailer,
            catalog_id,
            object_streams: Mutex::new(Vec::new()),
        };
        file.check_entries()?;
        match file.get(catalog_id) {
            Ok(Object::Dictionary(_)) => Ok(file),
            Ok(_) | Err(PdfError::Syntax { .. }) => {
                Err(PdfError::BrokenXref(XrefProblem::NoCatalog))
            }
            Err(e) => Err(e),
        }
    }

    /// File length in bytes.
    pub fn len(&self) -> u64 {
        self.source.len()
    }

    /// Whether the file is empty (never true for an opened PDF).
    pub fn is_empty(&self) -> bool {
        self.source.is_empty()
    }

    /// The bytes, for hashing and copying.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The version in the `%PDF-x.y` header.
    pub fn header_version(&self) -> (u8, u8) {
        self.version
    }

    /// The trailer: the newest section's trailer, with keys only older trailers have
    /// (`/Root`, `/Info`, `/ID` …) filled in. Chain keys (`/Prev`, `/XRefStm`) and stream keys
    /// (`/W`, `/Index`, `/Length`, `/Filter` …) are left out.
    pub fn trailer(&self) -> &Dictionary {
        &self.trailer
    }

    /// Offset of the newest cross-reference section: the `/Prev` for an incremental update.
    pub fn startxref(&self) -> u64 {
        self.startxref
    }

    /// Kind of the newest section (a hybrid-reference section is a table).
    pub fn last_xref_kind(&self) -> XrefKind {
        // The chain always holds the section startxref points at.
        self.chain.first().map_or(XrefKind::Table, |s| s.kind)
    }

    /// The trailer's `/Size` (0 if absent or invalid).
    pub fn size(&self) -> u32 {
        self.trailer
            .get_integer(b"Size")
            .and_then(|s| u32::try_from(s).ok())
            .unwrap_or(0)
    }

    /// The first object number no cross-reference entry uses and `/Size` does not cover.
    pub fn next_object_number(&self) -> u32 {
        let highest = self
            .entries
            .keys()
            .max()
            .map_or(1, |&n| n.saturating_add(1));
        self.size().max(highest).max(1)
    }

    /// Cross-reference sections in file order (by offset). Follow [`XrefSection::prev`] for the
    /// chain order.
    pub fn sections(&self) -> Vec<&XrefSection> {
        let mut sections: Vec<&XrefSection> = self.chain.iter().collect();
        sections.sort_by_key(|s| s.offset);
        sections
    }

    /// Sections in chain order: the newest (the one `startxref` names) first.
    pub fn sections_newest_first(&self) -> &[XrefSection] {
        &self.chain
    }

    /// The newest cross-reference entry for an object number.
    pub fn xref_entry(&self, number: u32) -> Option<XrefEntry> {
        self.entries.get(&number).copied()
    }

    /// Every object number with its newest cross-reference entry, in number order.
    pub fn xref_entries(&self) -> Vec<(u32, XrefEntry)> {
        let mut entries: Vec<(u32, XrefEntry)> =
            self.entries.iter().map(|(&n, &e)| (n, e)).collect();
        entries.sort_unstable_by_key(|&(n, _)| n);
        entries
    }

    /// The entries one section of this file lists, and where the section ends, read again from
    /// the file (the merged table does not say which section defined what). For the revision
    /// splitter: revision k's objects are those its sections list (ISO 32000-1 §7.5.6).
    pub fn section_contents(&self, section: &XrefSection) -> Result<SectionContents> {
        read_section_contents(&self.source, section)
    }

    /// The file as it was when its first `end` bytes were all of it: an earlier revision, when
    /// `end` is where that revision's `%%EOF` ends (ISO 32000-1 §7.5.6). Opened and checked like
    /// any file; shares the bytes and stays lazy.
    pub fn at_revision(&self, end: u64) -> Result<PdfFile> {
        PdfFile::from_source(self.source.prefix(end))
    }

    /// The object numbers an object stream (§7.5.7) holds, in stream order. Lets a validator see
    /// which objects change when an update rewrites the stream itself.
    pub fn object_stream_members(&self, number: u32) -> Result<Vec<u32>> {
        let stream = self.object_stream(number, 0)?;
        Ok(stream.objects.iter().map(|&(n, _)| n).collect())
    }

    /// The document catalog's id.
    pub fn catalog_id(&self) -> ObjectId {
        self.catalog_id
    }

    /// The document catalog (`/Root`).
    pub fn catalog(&self) -> Result<Dictionary> {
        match self.get(self.catalog_id)? {
            Object::Dictionary(d) => Ok(d),
            _ => Err(PdfError::BrokenXref(XrefProblem::NoCatalog)),
        }
    }

    /// An indirect object. Free or unknown objects are `null` (§7.3.10).
    pub fn get(&self, id: ObjectId) -> Result<Object> {
        self.get_at_depth(id, 0)
    }

    fn get_at_depth(&self, id: ObjectId, depth: usize) -> Result<Object> {
        if depth > MAX_REFERENCE_DEPTH {
            return Err(PdfError::Structure(StructureProblem::ReferenceLoop { id }));
        }
        match self.entries.get(&id.number) {
            None | Some(XrefEntry::Free { .. }) => Ok(Object::Null),
            Some(&XrefEntry::InFile { offset, generation }) => {
                if generation != id.generation {
                    return Ok(Object::Null);
                }
                let parsed = self.parse_at_depth(offset, depth)?;
                if parsed.id != id {
                    return Err(PdfError::BrokenXref(XrefProblem::WrongObjectAtOffset {
                        id,
                        offset,
                    }));
                }
                Ok(parsed.object)
            }
            Some(&XrefEntry::Compressed { stream, index }) => {
                if id.generation != 0 {
                    return Ok(Object::Null);
                }
                self.compressed_object(stream, index, id.number, depth)
            }
        }
    }

    /// Parses the indirect object at `offset`, with the byte spans of its top-level dictionary
    /// entries. A stream's `/Length` is resolved and checked against `endstream`.
    pub fn parse_object_at(&self, offset: u64) -> Result<ParsedObject> {
        self.parse_at_depth(offset, 0)
    }

    fn parse_at_depth(&self, offset: u64, depth: usize) -> Result<ParsedObject> {
        if offset >= self.len() {
            return Err(PdfError::Truncated(TruncatedReason::EndOfFile));
        }
        let raw = parse_at(&self.source, offset, 4096, MAX_OBJECT_SIZE, parse_indirect)?;
        let Some(data_offset) = raw.stream_data else {
            return Ok(ParsedObject {
                id: raw.id,
                object: raw.value,
                span: raw.start..raw.end,
                entries: raw.entries,
            });
        };
        let Object::Dictionary(dict) = raw.value else {
            // parse_indirect only reports stream data after a dictionary.
            return Err(PdfError::Syntax {
                offset,
                what: "stream without a dictionary",
            });
        };
        let length = match dict.get(b"Length") {
            Some(Object::Integer(l)) => *l,
            Some(Object::Reference(r)) => match self.get_at_depth(*r, depth + 1)? {
                Object::Integer(l) => l,
                _ => {
                    return Err(PdfError::Syntax {
                        offset,
                        what: "stream /Length is not an integer",
                    });
                }
            },
            _ => {
                return Err(PdfError::Syntax {
                    offset,
                    what: "stream without an integer /Length",
                });
            }
        };
        let length = u64::try_from(length).map_err(|_| PdfError::Syntax {
            offset,
            what: "negative stream /Length",
        })?;
        let data_end = data_offset
            .checked_add(length)
            .filter(|&end| end <= self.len())
            .ok_or(PdfError::Truncated(TruncatedReason::EndOfFile))?;
        let end = self.endstream_at(data_end, data_offset)?;
        Ok(ParsedObject {
            id: raw.id,
            object: Object::Stream(Stream {
                dict,
                data_offset,
                data_len: length,
            }),
            span: raw.start..end,
            entries: raw.entries,
        })
    }

    /// Checks that `endstream` follows the data; returns the end of `endobj` (or `endstream`).
    fn endstream_at(&self, data_end: u64, data_offset: u64) -> Result<u64> {
        let window = self.source.window(data_end, 64)?;
        let mut lexer = Lexer::new(&window.bytes, data_end, window.at_end);
        let bad = PdfError::Structure(StructureProblem::BadStreamLength { data_offset });
        // The end-of-line before `endstream` is optional in practice; anything else is not.
        match lexer.next_token() {
            Ok(Some(Spanned {
                value: Token::Keyword(b"endstream"),
                span,
            })) if span.start <= 2 => {
                let after = lexer.absolute(span.end);
                match lexer.next_token() {
                    Ok(Some(Spanned {
                        value: Token::Keyword(b"endobj"),
                        span,
                    })) => Ok(lexer.absolute(span.end)),
                    _ => Ok(after),
                }
            }
            _ => Err(bad),
        }
    }

    /// Follows references until a direct object (bounded; loops are errors).
    pub fn resolve(&self, object: &Object) -> Result<Object> {
        let mut current = object.clone();
        for _ in 0..MAX_REFERENCE_DEPTH {
            match current {
                Object::Reference(id) => current = self.get(id)?,
                other => return Ok(other),
            }
        }
        Err(PdfError::LimitExceeded {
            limit: Limit::ReferenceDepth(MAX_REFERENCE_DEPTH),
            offset: None,
        })
    }

    /// Resolves `object` and requires a dictionary (a stream's dictionary is not accepted).
    pub(crate) fn resolve_dict(&self, object: &Object, path: &'static str) -> Result<Dictionary> {
        match self.resolve(object)? {
            Object::Dictionary(d) => Ok(d),
            _ => Err(PdfError::Structure(StructureProblem::WrongType {
                path,
                expected: Expected::Dictionary,
            })),
        }
    }

    /// The object `number` from object stream `stream`, at position `index`.
    fn compressed_object(
        &self,
        stream: u32,
        index: u32,
        number: u32,
        depth: usize,
    ) -> Result<Object> {
        let bad = || {
            PdfError::BrokenXref(XrefProblem::BadObjectStream {
                stream,
                object: number,
            })
        };
        let objstm = self.object_stream(stream, depth)?;
        let index = index as usize;
        let &(found, start) = objstm.objects.get(index).ok_or_else(bad)?;
        if found != number {
            return Err(bad());
        }
        // The object ends where the next one starts (offsets increase, §7.5.7), or at the end.
        let end = objstm
            .objects
            .get(index + 1)
            .map(|&(_, next)| next)
            .filter(|&next| next >= start)
            .unwrap_or(objstm.data.len());
        let bytes = objstm.data.get(start..end).ok_or_else(bad)?;
        let stream_offset = match self.entries.get(&stream) {
            Some(XrefEntry::InFile { offset, .. }) => *offset,
            _ => 0,
        };
        parse_bare_value(bytes, stream_offset)
    }

    fn object_stream(&self, number: u32, depth: usize) -> Result<Arc<ObjectStream>> {
        {
            let cache = self
                .object_streams
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if let Some(hit) = cache.iter().find(|s| s.number == number) {
                return Ok(Arc::clone(hit));
            }
        }
        let bad = |object| {
            PdfError::BrokenXref(XrefProblem::BadObjectStream {
                stream: number,
                object,
            })
        };
        let generation = match self.entries.get(&number) {
            Some(XrefEntry::InFile { generation, .. }) => *generation,
            _ => return Err(bad(number)),
        };
        let Object::Stream(stream) =
            self.get_at_depth(ObjectId::new(number, generation), depth + 1)?
        else {
            return Err(bad(number));
        };
        if stream.dict.get_name(b"Type") != Some(b"ObjStm") {
            return Err(bad(number));
        }
        let count = stream.dict.get_integer(b"N").ok_or_else(|| bad(number))?;
        let first = stream
            .dict
            .get_integer(b"First")
            .ok_or_else(|| bad(number))?;
        let (Ok(count), Ok(first)) = (usize::try_from(count), usize::try_from(first)) else {
            return Err(bad(number));
        };
        if count > MAX_OBJECT_STREAM_OBJECTS {
            return Err(PdfError::LimitExceeded {
                limit: Limit::ObjectStreamObjects(MAX_OBJECT_STREAM_OBJECTS),
                offset: Some(stream.data_offset),
            });
        }
        let data = self.stream_data_at_depth(&stream, depth + 1)?;
        // Each header pair takes at least 4 bytes ("1 0 "), which bounds `count` by the data.
        if first > data.len() || count.saturating_mul(4) > first + 1 {
            return Err(bad(number));
        }
        let mut lexer = Lexer::new(&data[..first], stream.data_offset, true);
        let mut objects = Vec::with_capacity(count);
        for _ in 0..count {
            let mut pair = [0i64; 2];
            for slot in &mut pair {
                match lexer.next_token() {
                    Ok(Some(Spanned {
                        value: Token::Integer(i),
                        ..
                    })) => *slot = i,
                    _ => return Err(bad(number)),
                }
            }
            let (Ok(object), Ok(offset)) = (u32::try_from(pair[0]), usize::try_from(pair[1]))
            else {
                return Err(bad(number));
            };
            let start = first.checked_add(offset).filter(|&s| s <= data.len());
            objects.push((object, start.ok_or_else(|| bad(object))?));
        }
        let decoded = Arc::new(ObjectStream {
            number,
            data,
            objects,
        });
        let mut cache = self
            .object_streams
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if cache.len() >= OBJECT_STREAM_CACHE {
            cache.remove(0);
        }
        cache.push(Arc::clone(&decoded));
        Ok(decoded)
    }

    /// A stream's data, decoded (bounded: for small streams such as xref, object and
    /// appearance streams; large page content or images should be read raw).
    pub fn stream_data(&self, stream: &Stream) -> Result<Vec<u8>> {
        self.stream_data_at_depth(stream, 0)
    }

    fn stream_data_at_depth(&self, stream: &Stream, depth: usize) -> Result<Vec<u8>> {
        let raw = self.raw_stream_data(stream)?;
        // /Filter and /DecodeParms may be indirect outside cross-reference streams.
        let mut dict = Dictionary::new();
        for key in [&b"Filter"[..], b"DecodeParms"] {
            if let Some(value) = stream.dict.get(key) {
                dict.insert(key, self.resolve_shallow(value, depth)?);
            }
        }
        let steps = filter::filter_steps(&dict, stream.data_offset)?;
        filter::decode(&steps, raw, MAX_DECODED_SIZE, stream.data_offset)
    }

    /// Resolves a reference, and references that are elements of an array.
    fn resolve_shallow(&self, value: &Object, depth: usize) -> Result<Object> {
        let one = |o: &Object| match o {
            Object::Reference(id) => self.get_at_depth(*id, depth + 1),
            other => Ok(other.clone()),
        };
        match one(value)? {
            Object::Array(items) => {
                Ok(Object::Array(items.iter().map(one).collect::<Result<_>>()?))
            }
            other => Ok(other),
        }
    }

    /// A stream's raw (encoded) bytes, bounded by the reader's stream limit.
    pub fn raw_stream_data(&self, stream: &Stream) -> Result<Vec<u8>> {
        if stream.data_len > MAX_RAW_STREAM_SIZE {
            return Err(PdfError::LimitExceeded {
                limit: Limit::StreamSize(MAX_RAW_STREAM_SIZE),
                offset: Some(stream.data_offset),
            });
        }
        if stream.data_offset.saturating_add(stream.data_len) > self.len() {
            return Err(PdfError::Truncated(TruncatedReason::EndOfFile));
        }
        // Bounded by MAX_RAW_STREAM_SIZE above.
        let window = self
            .source
            .window(stream.data_offset, stream.data_len as usize)?;
        Ok(window.bytes.into_owned())
    }

    /// The page at `index` (0-based; negative counts from the end, -1 being the last page).
    pub fn page(&self, index: i64) -> Result<Page> {
        let wanted = if index < 0 {
            let count = self.page_count()?;
            let from_end = usize::try_from(index.unsigned_abs()).unwrap_or(usize::MAX);
            count
                .checked_sub(from_end)
                .ok_or(PdfError::PageOutOfRange { index, count })?
        } else {
            usize::try_from(index).unwrap_or(usize::MAX)
        };
        let mut found = None;
        let count = self.walk_pages(|i, id, dict| {
            if i == wanted {
                found = Some(Page {
                    id,
                    dict: dict.clone(),
                });
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })?;
        found.ok_or(PdfError::PageOutOfRange { index, count })
    }

    /// The leaf pages' object ids in order, from one walk of the page tree: for callers that
    /// visit many pages ([`PdfFile::page`] walks the tree again on each call).
    pub fn page_ids(&self) -> Result<Vec<ObjectId>> {
        let mut ids = Vec::new();
        self.walk_pages(|_, id, _| {
            ids.push(id);
            ControlFlow::Continue(())
        })?;
        Ok(ids)
    }

    /// Number of pages, counted by walking the page tree (a `/Count` may lie).
    pub fn page_count(&self) -> Result<usize> {
        self.walk_pages(|_, _, _| ControlFlow::Continue(()))
    }

    /// Visits leaf pages in order; returns how many were visited.
    fn walk_pages(
        &self,
        mut visit: impl FnMut(usize, ObjectId, &Dictionary) -> ControlFlow<()>,
    ) -> Result<usize> {
        let catalog = self.catalog()?;
        let root = catalog
            .get(b"Pages")
            .and_then(Object::as_reference)
            .ok_or(PdfError::Structure(StructureProblem::NoPageTree))?;
        let mut visited = HashSet::new();
        // Each stack entry: the node's kids and the next kid to visit.
        let mut stack: Vec<(ObjectId, Vec<Object>, usize)> = Vec::new();
        let mut pending = Some(root);
        let mut count = 0;
        loop {
            if let Some(id) = pending.take() {
                let bad = PdfError::Structure(StructureProblem::BadPageTree { node: id });
                if !visited.insert(id) {
                    return Err(bad);
                }
                let Object::Dictionary(dict) = self.get(id)? else {
                    return Err(bad);
                };
                // Tolerance: a node without /Type is a page tree node if it has /Kids.
                let is_node = match dict.get_name(b"Type") {
                    Some(b"Pages") => true,
                    Some(b"Page") => false,
                    Some(_) => return Err(bad),
                    None => dict.contains_key(b"Kids"),
                };
                if is_node {
                    if stack.len() >= MAX_PAGE_TREE_DEPTH {
                        return Err(PdfError::LimitExceeded {
                            limit: Limit::PageTreeDepth(MAX_PAGE_TREE_DEPTH),
                            offset: None,
                        });
                    }
                    let kids = match dict.get(b"Kids").map(|k| self.resolve(k)) {
                        Some(Ok(Object::Array(kids))) => kids,
                        Some(Err(e)) => return Err(e),
                        _ => return Err(bad),
                    };
                    stack.push((id, kids, 0));
                } else {
                    let index = count;
                    count += 1;
                    if visit(index, id, &dict).is_break() {
                        return Ok(count);
                    }
                }
            }
            let Some((node, kids, next)) = stack.last_mut() else {
                return Ok(count);
            };
            match kids.get(*next) {
                Some(kid) => {
                    *next += 1;
                    pending = Some(kid.as_reference().ok_or(PdfError::Structure(
                        StructureProblem::BadPageTree { node: *node },
                    ))?);
                }
                None => {
                    stack.pop();
                }
            }
        }
    }

    /// The interactive form dictionary (`/AcroForm`), resolved, if the catalog has one.
    pub fn acroform(&self) -> Result<Option<Dictionary>> {
        match self.catalog()?.get(b"AcroForm") {
            None => Ok(None),
            Some(value) => match self.resolve(value)? {
                Object::Null => Ok(None),
                Object::Dictionary(d) => Ok(Some(d)),
                _ => Err(PdfError::Structure(StructureProblem::WrongType {
                    path: "/AcroForm",
                    expected: Expected::Dictionary,
                })),
            },
        }
    }

    /// The DocMDP permission of a certified document (ISO 32000-1 §12.8.2.2): catalog `/Perms`
    /// `/DocMDP` → signature dictionary → `/Reference` entry with `/TransformMethod /DocMDP` →
    /// `/TransformParams /P`. `None` when the document is not certified.
    pub fn docmdp_permission(&self) -> Result<Option<u8>> {
        let catalog = self.catalog()?;
        let Some(perms) = catalog.get(b"Perms") else {
            return Ok(None);
        };
        let perms = match self.resolve(perms)? {
            Object::Dictionary(d) => d,
            Object::Null => return Ok(None),
            _ => {
                return Err(PdfError::Structure(StructureProblem::WrongType {
                    path: "/Perms",
                    expected: Expected::Dictionary,
                }));
            }
        };
        let Some(signature) = perms.get(b"DocMDP") else {
            return Ok(None);
        };
        let signature = self.resolve_dict(signature, "/Perms /DocMDP")?;
        let references = match signature.get(b"Reference").map(|r| self.resolve(r)) {
            Some(Ok(Object::Array(items))) => items,
            Some(Err(e)) => return Err(e),
            // A certification signature without a usable /Reference still certifies; the
            // default permission of §12.8.2.2 applies.
            _ => return Ok(Some(2)),
        };
        for reference in &references {
            let reference = self.resolve_dict(reference, "/DocMDP /Reference")?;
            if reference.get_name(b"TransformMethod") != Some(b"DocMDP") {
                continue;
            }
            let p = match reference.get(b"TransformParams") {
                Some(params) => match self.resolve_dict(params, "/TransformParams")?.get(b"P") {
                    Some(p) => self.resolve(p)?.as_integer().unwrap_or(-1),
                    None => 2,
                },
                None => 2,
            };
            return match p {
                1..=3 => Ok(Some(p as u8)),
                other => Err(PdfError::Structure(StructureProblem::BadDocMdpPermission(
                    other,
                ))),
            };
        }
        Ok(Some(2))
    }

    /// Refuses a document certified with DocMDP P=1, which allows no change at all, not even
    /// an approval signature. (Later, DSS and document time-stamp updates may be allowed on
    /// such files, which is why this is a separate check.)
    pub fn ensure_changes_permitted(&self) -> Result<()> {
        match self.docmdp_permission()? {
            Some(1) => Err(PdfError::CertifiedNoChanges),
            _ => Ok(()),
        }
    }

    /// Checks that every in-file entry's offset holds `N G obj` for its object, and that every
    /// compressed entry names an object stream stored in the file. Reads a few bytes per object,
    /// in offset order, from blocks of 16 KiB.
    fn check_entries(&self) -> Result<()> {
        const BLOCK: usize = 16 << 10;
        let mut in_file: Vec<(u64, ObjectId)> = Vec::new();
        for (&number, entry) in &self.entries {
            match *entry {
                XrefEntry::InFile { offset, generation } => {
                    in_file.push((offset, ObjectId::new(number, generation)));
                }
                XrefEntry::Compressed { stream, .. } => {
                    if !matches!(self.entries.get(&stream), Some(XrefEntry::InFile { .. })) {
                        return Err(PdfError::BrokenXref(XrefProblem::BadObjectStream {
                            stream,
                            object: number,
                        }));
                    }
                }
                XrefEntry::Free { .. } => {}
            }
        }
        in_file.sort_unstable();
        let mut block = self.source.window(0, 0)?;
        for (offset, id) in in_file {
            let wrong = PdfError::BrokenXref(XrefProblem::WrongObjectAtOffset { id, offset });
            if offset >= self.len() {
                return Err(wrong);
            }
            let covered = offset >= block.offset
                && (offset + 64 <= block.offset + block.bytes.len() as u64 || block.at_end);
            if !covered {
                block = self.source.window(offset, BLOCK)?;
            }
            // `offset` is inside the block, whose length fits in usize.
            let start = (offset - block.offset) as usize;
            let mut parser = Parser::new(Lexer::new(&block.bytes[start..], offset, block.at_end));
            match parse_object_header(&mut parser) {
                Ok((found, at)) if found == id && at <= MAX_LEADING_WHITESPACE => {}
                Err(LexError::NeedMore) => {
                    // The header straddles the block: read a block starting at the object.
                    block = self.source.window(offset, BLOCK)?;
                    let mut parser = Parser::new(Lexer::new(&block.bytes, offset, block.at_end));
                    match parse_object_header(&mut parser) {
                        Ok((found, at)) if found == id && at <= MAX_LEADING_WHITESPACE => {}
                        _ => return Err(wrong),
                    }
                }
                _ => return Err(wrong),
            }
        }
        Ok(())
    }
}

/// `%PDF-x.y` within the first 1024 bytes.
fn read_header(source: &Source) -> Result<(u8, u8)> {
    let head = source.window(0, HEADER_SEARCH + 8)?;
    let search = &head.bytes[..head.bytes.len().min(HEADER_SEARCH + 5)];
    let at = search
        .windows(5)
        .position(|w| w == b"%PDF-")
        .ok_or(PdfError::NotPdf)?;
    let rest = &head.bytes[at + 5..];
    match rest {
        [major @ b'0'..=b'9', b'.', minor @ b'0'..=b'9', ..] => Ok((major - b'0', minor - b'0')),
        _ => Err(PdfError::NotPdf),
    }
}

/// The offset after the last `startxref` in the last 1024 bytes, which must be followed by
/// `%%EOF`.
///
/// Tolerance: bytes after `%%EOF` (some mail gateways and writers append a few) are ignored, as
/// long as `startxref` is still within the last 1024 bytes.
fn read_startxref(source: &Source) -> Result<u64> {
    let start = source.len().saturating_sub(TAIL_SEARCH as u64);
    let tail = source.window(start, TAIL_SEARCH)?;
    let at = tail
        .bytes
        .windows(9)
        .rposition(|w| w == b"startxref")
        .ok_or(PdfError::Truncated(TruncatedReason::NoStartxref))?;
    let mut lexer = Lexer::new(&tail.bytes[at + 9..], start + at as u64 + 9, true);
    let offset = match lexer.next_token() {
        Ok(Some(Spanned {
            value: Token::Integer(offset),
            ..
        })) => u64::try_from(offset)
            .map_err(|_| PdfError::BrokenXref(XrefProblem::NotAnXrefSection { offset: 0 }))?,
        _ => return Err(PdfError::Truncated(TruncatedReason::NoStartxref)),
    };
    let rest = &tail.bytes[at + 9 + lexer.pos()..];
    if !rest.windows(5).any(|w| w == b"%%EOF") {
        return Err(PdfError::Truncated(TruncatedReason::NoEof));
    }
    Ok(offset)
}

/// The trailer as the newest section sees it: keys of newer trailers win.
fn merge_trailers(chain: &[XrefSection]) -> Dictionary {
    const NOT_INHERITED: [&[u8]; 9] = [
        b"Prev",
        b"XRefStm",
        b"Type",
        b"W",
        b"Index",
        b"Length",
        b"Filter",
        b"DecodeParms",
        b"DL",
    ];
    let mut merged = Dictionary::new();
    for section in chain {
        for (key, value) in section.trailer.iter() {
            if !NOT_INHERITED.contains(&key) && !merged.contains_key(key) {
                merged.insert(key, value.clone());
            }
        }
    }
    merged
}
