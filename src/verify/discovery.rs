//! Finding every signature of a PDF: through the form fields, and among all objects of all
//! revisions.
//!
//! ISO 32000-1 §12.7.4.5 and §12.8.1: a signature is the value (`/V`) of a signature field
//! (`/FT /Sig`, inheritable); its signature dictionary has `/Type /Sig` (or `/DocTimeStamp` for
//! an RFC 3161 document time-stamp, ISO 32000-2 §12.8.5), `/ByteRange` and `/Contents`.
//!
//! A viewer shows the signatures its fields reach. An attacker who wraps a signature (SWA,
//! 2019) moves the signed bytes out of the way and points the field at a new dictionary, so a
//! signature dictionary no field reaches is itself a finding. So, besides walking the field
//! tree, every object listed by any cross-reference section of any revision is looked at, and
//! any dictionary that looks like a signature dictionary is reported, flagged
//! `reached_by_field: false` when no field reaches it.
//!
//! For each signature the exact byte span of its `/Contents` string token is recorded, so the
//! integrity check can compare it with the ByteRange gap.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use serde::{Serialize, Serializer};

use super::report::SignatureKind;
use crate::message::{Explain, Message};
use crate::pdf::lexer::{Lexer, Token};
use crate::pdf::limits::MAX_FIELD_TREE_DEPTH;
use crate::pdf::{
    Dictionary, EntrySpan, Object, ObjectId, PdfError, PdfFile, XrefEntry, decode_text_string,
};

/// Form fields visited at most (a form with this many fields is not a real document).
pub const MAX_FIELDS: usize = 100_000;
/// Signatures reported at most.
pub const MAX_SIGNATURES: usize = 1_000;
/// Entries of `/Reference` read at most.
const MAX_REFERENCES: usize = 16;
/// Names of `/Fields` in a FieldMDP transform read at most.
const MAX_LOCKED_FIELDS: usize = 4_096;

/// Where a signature dictionary lies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum DictionaryLocation {
    /// An indirect object at this file offset.
    InFile { offset: u64 },
    /// An indirect object inside an object stream: its bytes are compressed, so no ByteRange
    /// can exclude its `/Contents`.
    Compressed { stream: u32, index: u32 },
    /// A direct dictionary, the `/V` of the field object at this offset.
    DirectInField { offset: u64 },
    /// A direct dictionary inside a field that is itself in an object stream.
    DirectInCompressedField,
}

/// `/ByteRange` as written, unjudged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "values", rename_all = "kebab-case")]
pub enum RawByteRange {
    /// No `/ByteRange` entry.
    Absent,
    /// Present, but not an array of integers.
    Malformed,
    /// An array of integers (any count, any sign, any size).
    Integers(Vec<i64>),
}

impl RawByteRange {
    /// The four values `[a b c d]` when there are exactly four non-negative integers.
    pub fn four(&self) -> Option<[u64; 4]> {
        match self {
            RawByteRange::Integers(values) => match values.as_slice() {
                &[a, b, c, d] => Some([
                    u64::try_from(a).ok()?,
                    u64::try_from(b).ok()?,
                    u64::try_from(c).ok()?,
                    u64::try_from(d).ok()?,
                ]),
                _ => None,
            },
            _ => None,
        }
    }

    /// The end of the covered part, `c + d`, when the ByteRange has four non-negative values.
    pub fn covered_end(&self) -> Option<u64> {
        let [_, _, c, d] = self.four()?;
        c.checked_add(d)
    }
}

/// One entry of a signature dictionary's `/Reference` array: a signature reference
/// dictionary (ISO 32000-1 §12.8.1, Table 253) with its transform parameters (§12.8.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SignatureReference {
    /// `/TransformMethod`: `DocMDP`, `FieldMDP` or `UR3`.
    pub transform_method: Option<String>,
    /// `/TransformParams /P` (DocMDP access permissions 1–3, also allowed in FieldMDP by
    /// ISO 32000-2).
    pub permission: Option<i64>,
    /// `/TransformParams /Action` (FieldMDP: `All`, `Include`, `Exclude`).
    pub action: Option<String>,
    /// `/TransformParams /Fields` (FieldMDP), fully qualified field names.
    pub fields: Vec<String>,
    /// `/DigestMethod`, when given.
    pub digest_method: Option<String>,
}

/// One signature or document time-stamp found in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatureSite {
    /// Fully qualified field name (`parent.child`), when a field reaches the signature.
    pub field_name: Option<String>,
    /// The signature field object.
    #[serde(serialize_with = "serialize_opt_id")]
    pub field_id: Option<ObjectId>,
    /// Widget annotations of the field (the field itself when merged with its widget).
    #[serde(serialize_with = "serialize_ids")]
    pub widget_ids: Vec<ObjectId>,
    /// The signature dictionary, or `None` when it is a direct dictionary in the field.
    #[serde(serialize_with = "serialize_opt_id")]
    pub signature_id: Option<ObjectId>,
    /// Where the dictionary's bytes are.
    pub dictionary_location: DictionaryLocation,
    /// Whether a signature field's `/V` reaches this dictionary. `false` is a sign of
    /// signature wrapping (or an orphaned signature of an earlier revision).
    pub reached_by_field: bool,
    /// A signature, or a document time-stamp (`/Type /DocTimeStamp` or `/SubFilter
    /// /ETSI.RFC3161`).
    pub kind: SignatureKind,
    /// `/Type`.
    pub type_name: Option<String>,
    /// `/Filter`.
    pub filter: Option<String>,
    /// `/SubFilter`.
    pub sub_filter: Option<String>,
    /// `/M`, the signing time the signer's computer claimed (PDF date string).
    pub claimed_time: Option<String>,
    /// `/Reason`.
    pub reason: Option<String>,
    /// `/Name`.
    pub name: Option<String>,
    /// `/Location`.
    pub location: Option<String>,
    /// `/ContactInfo`.
    pub contact_info: Option<String>,
    /// `/ByteRange`, as written.
    pub byte_range: RawByteRange,
    /// The `/Contents` bytes (decoded from hex); empty when absent or not a string.
    #[serde(skip)]
    pub contents: Vec<u8>,
    /// Whether `/Contents` is a direct string.
    pub contents_is_string: bool,
    /// Whether `/Contents` is written as a hexadecimal string (`<…>`), as required.
    pub contents_is_hex: bool,
    /// The absolute byte span of the `/Contents` string token, delimiters included; `None`
    /// when the dictionary's bytes are compressed, or `/Contents` is not a direct string.
    pub contents_span: Option<Range<u64>>,
    /// `/Reference` (DocMDP / FieldMDP / UR3 transforms).
    pub references: Vec<SignatureReference>,
    /// Keys written more than once in the dictionary (which value a reader takes differs).
    pub duplicate_keys: Vec<String>,
    /// When a later revision wrote this signature dictionary again: where the version that
    /// was signed lies (its `/Contents` is the ByteRange gap; `contents_span` is its span).
    pub rewritten_from: Option<DictionaryLocation>,
    /// A signature field's `/V` points at something that is not a readable dictionary (a
    /// damaged or tampered signature), with the reader's reason. It is reported as a broken
    /// signature, never dropped: otherwise damaging the last signature of a document would
    /// make it disappear.
    pub unreadable: Option<Message>,
}

impl SignatureSite {
    /// Whether this signature certifies the document (a DocMDP transform, §12.8.2.2).
    pub fn docmdp_permission(&self) -> Option<i64> {
        self.references
            .iter()
            .find(|r| r.transform_method.as_deref() == Some("DocMDP"))
            .map(|r| r.permission.unwrap_or(2))
    }

    fn sort_key(&self) -> (u64, u32, u64) {
        let offset = match self.dictionary_location {
            DictionaryLocation::InFile { offset }
            | DictionaryLocation::DirectInField { offset } => offset,
            _ => 0,
        };
        (
            self.byte_range.covered_end().unwrap_or(u64::MAX),
            self.signature_id
                .or(self.field_id)
                .map_or(0, |id| id.number),
            offset,
        )
    }
}

fn serialize_opt_id<S: Serializer>(id: &Option<ObjectId>, s: S) -> Result<S::Ok, S::Error> {
    match id {
        Some(id) => s.collect_str(&format_args!("{} {}", id.number, id.generation)),
        None => s.serialize_none(),
    }
}

fn serialize_ids<S: Serializer>(ids: &[ObjectId], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(
        ids.iter()
            .map(|id| format!("{} {}", id.number, id.generation)),
    )
}

/// Why the signatures could not be listed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// Reading the file failed (I/O, or the catalog or form is unreadable).
    #[error(transparent)]
    Pdf(#[from] PdfError),
    /// The form field tree refers back to itself.
    #[error("the form field tree loops at {0}")]
    FieldLoop(ObjectId),
    /// The form field tree is nested deeper than the reader accepts.
    #[error("the form field tree is deeper than {MAX_FIELD_TREE_DEPTH}")]
    FieldTreeTooDeep,
    /// More form fields than the reader accepts.
    #[error("more than {MAX_FIELDS} form fields")]
    TooManyFields,
    /// More signatures than the reader accepts.
    #[error("more than {MAX_SIGNATURES} signature dictionaries")]
    TooManySignatures,
}

impl Explain for DiscoveryError {
    fn message(&self) -> Message {
        match self {
            DiscoveryError::Pdf(e) => e.message(),
            DiscoveryError::FieldLoop(id) => Message::new(
                "malformed",
                format!("Cây trường biểu mẫu của tệp PDF bị lặp vòng (tại đối tượng {id})"),
                format!("The PDF's form field tree loops (at object {id})"),
            ),
            DiscoveryError::FieldTreeTooDeep => Message::new(
                "malformed",
                "Cây trường biểu mẫu của tệp PDF lồng nhau quá sâu",
                "The PDF's form field tree is nested too deeply",
            ),
            DiscoveryError::TooManyFields => Message::new(
                "malformed",
                format!("Tệp PDF có quá nhiều trường biểu mẫu (hơn {MAX_FIELDS})"),
                format!("The PDF has too many form fields (more than {MAX_FIELDS})"),
            ),
            DiscoveryError::TooManySignatures => Message::new(
                "malformed",
                format!("Tệp PDF có quá nhiều chữ ký (hơn {MAX_SIGNATURES})"),
                format!("The PDF has too many signatures (more than {MAX_SIGNATURES})"),
            ),
        }
    }
}

/// What the field walk found for one signature value.
struct FieldHit {
    name: String,
    field_id: Option<ObjectId>,
    widget_ids: Vec<ObjectId>,
    value: FieldValue,
}

enum FieldValue {
    Indirect(ObjectId),
    /// A direct dictionary in the field object `field` (its value span is looked up there).
    Direct {
        dict: Dictionary,
    },
}

/// Finds every signature of `file`: the values of signature fields, and every signature-like
/// dictionary among the objects any cross-reference section lists (all revisions, object
/// streams included). Ordered by the end of the covered part (`c + d`), then by object number.
pub fn find_signatures(file: &PdfFile) -> Result<Vec<SignatureSite>, DiscoveryError> {
    let hits = walk_fields(file)?;
    let mut sites: Vec<SignatureSite> = Vec::new();
    let mut reached: HashSet<ObjectId> = HashSet::new();
    for hit in hits {
        let site = match &hit.value {
            FieldValue::Indirect(id) => {
                reached.insert(*id);
                let entry = file.xref_entry(id.number);
                let mut site = match indirect_site(file, *id, entry)? {
                    Some(site) => site,
                    None => unreadable_site(file, *id, entry),
                };
                site.reached_by_field = true;
                site
            }
            FieldValue::Direct { dict } => SignatureSite {
                reached_by_field: true,
                ..direct_site(file, hit.field_id, dict)?
            },
        };
        sites.push(SignatureSite {
            field_name: Some(hit.name),
            field_id: hit.field_id,
            widget_ids: hit.widget_ids,
            ..site
        });
        if sites.len() > MAX_SIGNATURES {
            return Err(DiscoveryError::TooManySignatures);
        }
    }

    // Every object of every revision, by location; the newest entries first so that the
    // version a field reaches is the one matched to it.
    let mut seen_offsets: HashSet<u64> = sites
        .iter()
        .filter_map(|s| match s.dictionary_location {
            DictionaryLocation::InFile { offset } => Some(offset),
            _ => None,
        })
        .collect();
    for (id, entry) in all_listed_objects(file)? {
        let key = match entry {
            XrefEntry::InFile { offset, .. } => offset,
            XrefEntry::Compressed { .. } => {
                // Only the current version of a compressed object can be read back.
                if file.xref_entry(id.number) != Some(entry) || reached.contains(&id) {
                    continue;
                }
                u64::MAX
            }
            XrefEntry::Free { .. } => continue,
        };
        if key != u64::MAX && !seen_offsets.insert(key) {
            continue;
        }
        let Some(site) = indirect_site(file, id, Some(entry))? else {
            continue;
        };
        sites.push(site);
        if sites.len() > MAX_SIGNATURES {
            return Err(DiscoveryError::TooManySignatures);
        }
    }
    let mut sites = merge_rewritten(sites);
    sites.sort_by_key(SignatureSite::sort_key);
    Ok(sites)
}

/// A signature dictionary that a later revision wrote again (same object, new offset) still
/// signs the bytes of its first version: the ByteRange gap is the `/Contents` of that older
/// version. When an unreached older version of the same object has the same ByteRange and
/// `/Contents`, and its `/Contents` token is exactly the gap, it is the dictionary as signed:
/// the two sites are one signature, whose dictionary was rewritten after signing (a change
/// for the change analysis, not a second signature).
fn merge_rewritten(sites: Vec<SignatureSite>) -> Vec<SignatureSite> {
    let gap = |site: &SignatureSite| {
        let [a, b, c, _] = site.byte_range.four()?;
        Some(a.checked_add(b)?..c)
    };
    let mut merged: Vec<Option<SignatureSite>> = sites.into_iter().map(Some).collect();
    for i in 0..merged.len() {
        let Some(current) = &merged[i] else { continue };
        let Some(wanted) = gap(current) else { continue };
        if !current.reached_by_field
            || current.signature_id.is_none()
            || current.contents_span.as_ref() == Some(&wanted)
        {
            continue;
        }
        let older = merged.iter().position(|candidate| {
            candidate.as_ref().is_some_and(|o| {
                !o.reached_by_field
                    && o.signature_id == current.signature_id
                    && o.byte_range == current.byte_range
                    && o.contents == current.contents
                    && o.contents_span.as_ref() == Some(&wanted)
            })
        });
        if let Some(j) = older
            && let Some(old) = merged[j].take()
            && let Some(current) = merged[i].as_mut()
        {
            current.rewritten_from = Some(old.dictionary_location);
            current.contents_span = old.contents_span;
        }
    }
    merged.into_iter().flatten().collect()
}

/// Every (object, entry) that some section lists, newest section first, each location once.
fn all_listed_objects(file: &PdfFile) -> Result<Vec<(ObjectId, XrefEntry)>, PdfError> {
    let mut out = Vec::new();
    // `XrefEntry` is not `Hash`; its location is.
    let key = |number: u32, entry: &XrefEntry| match *entry {
        XrefEntry::InFile { offset, generation } => (number, 1u8, offset, u32::from(generation)),
        XrefEntry::Compressed { stream, index } => (number, 2, u64::from(stream), index),
        XrefEntry::Free { generation } => (number, 0, 0, u32::from(generation)),
    };
    let mut seen: HashSet<(u32, u8, u64, u32)> = HashSet::new();
    for section in file.sections_newest_first() {
        for (number, entry) in file.section_contents(section)?.entries {
            if !seen.insert(key(number, &entry)) {
                continue;
            }
            let generation = match entry {
                XrefEntry::InFile { generation, .. } => generation,
                _ => 0,
            };
            out.push((ObjectId::new(number, generation), entry));
        }
    }
    Ok(out)
}

/// Walks `/AcroForm /Fields` depth-first (ISO 32000-1 §12.7.3.1), with inherited `/FT`, and
/// returns each signature field that has a value.
fn walk_fields(file: &PdfFile) -> Result<Vec<FieldHit>, DiscoveryError> {
    let Some(acroform) = file.acroform().ok().flatten() else {
        return Ok(Vec::new());
    };
    let fields = match acroform.get(b"Fields").map(|f| file.resolve(f)) {
        Some(Ok(Object::Array(items))) => items,
        _ => return Ok(Vec::new()),
    };
    struct Pending {
        node: Object,
        parent_name: Option<String>,
        inherited_type: Option<Vec<u8>>,
        depth: usize,
    }
    let mut stack: Vec<Pending> = fields
        .into_iter()
        .rev()
        .map(|node| Pending {
            node,
            parent_name: None,
            inherited_type: None,
            depth: 0,
        })
        .collect();
    let mut visited: HashSet<ObjectId> = HashSet::new();
    let mut hits = Vec::new();
    let mut count = 0usize;
    while let Some(pending) = stack.pop() {
        count += 1;
        if count > MAX_FIELDS {
            return Err(DiscoveryError::TooManyFields);
        }
        if pending.depth > MAX_FIELD_TREE_DEPTH {
            return Err(DiscoveryError::FieldTreeTooDeep);
        }
        let id = pending.node.as_reference();
        if let Some(id) = id
            && !visited.insert(id)
        {
            return Err(DiscoveryError::FieldLoop(id));
        }
        // Unreadable or non-dictionary nodes are skipped: they hold no signature.
        let Ok(Object::Dictionary(dict)) = file.resolve(&pending.node) else {
            continue;
        };
        let partial = dict
            .get(b"T")
            .and_then(|t| file.resolve(t).ok())
            .and_then(|t| t.as_string().map(|s| decode_text_string(&s.bytes)));
        let name = match (&pending.parent_name, &partial) {
            (Some(parent), Some(own)) => Some(format!("{parent}.{own}")),
            (None, Some(own)) => Some(own.clone()),
            (parent, None) => parent.clone(),
        };
        let field_type = dict
            .get_name(b"FT")
            .map(<[u8]>::to_vec)
            .or(pending.inherited_type.clone());

        // Kids with a /T are fields; kids without are this field's widgets (§12.7.3.1).
        let kids = match dict.get(b"Kids").map(|k| file.resolve(k)) {
            Some(Ok(Object::Array(kids))) => kids,
            _ => Vec::new(),
        };
        let mut widgets = Vec::new();
        if dict.get_name(b"Subtype") == Some(b"Widget")
            && let Some(id) = id
        {
            widgets.push(id);
        }
        let mut child_fields = Vec::new();
        for kid in kids {
            let is_field = matches!(
                file.resolve(&kid),
                Ok(Object::Dictionary(ref k)) if k.contains_key(b"T") || k.contains_key(b"Kids")
            );
            if is_field {
                child_fields.push(kid);
            } else if let Some(kid_id) = kid.as_reference() {
                widgets.push(kid_id);
            }
        }

        if field_type.as_deref() == Some(b"Sig") {
            let value = match dict.get(b"V") {
                Some(Object::Reference(v)) => Some(FieldValue::Indirect(*v)),
                Some(Object::Dictionary(d)) => Some(FieldValue::Direct { dict: d.clone() }),
                _ => None,
            };
            if let Some(value) = value {
                hits.push(FieldHit {
                    name: name.clone().unwrap_or_default(),
                    field_id: id,
                    widget_ids: widgets,
                    value,
                });
            }
        }
        for kid in child_fields.into_iter().rev() {
            stack.push(Pending {
                node: kid,
                parent_name: name.clone(),
                inherited_type: field_type.clone(),
                depth: pending.depth + 1,
            });
        }
    }
    Ok(hits)
}

/// Whether a dictionary is (or pretends to be) a signature dictionary.
fn looks_like_signature(dict: &Dictionary) -> bool {
    matches!(dict.get_name(b"Type"), Some(b"Sig" | b"DocTimeStamp"))
        || (dict.contains_key(b"ByteRange") && dict.contains_key(b"Contents"))
}

/// The site of the indirect object `id` at `entry`, if it is a signature-like dictionary.
fn indirect_site(
    file: &PdfFile,
    id: ObjectId,
    entry: Option<XrefEntry>,
) -> Result<Option<SignatureSite>, DiscoveryError> {
    match entry {
        Some(XrefEntry::InFile { offset, .. }) => {
            // An object that does not parse is no signature; the reader reports broken files.
            // Except when the time ran out: a signature must not vanish for that (`budget`).
            let parsed = match file.parse_object_at(offset) {
                Ok(parsed) => parsed,
                Err(e) if e.is_time_limit() => return Err(e.into()),
                Err(_) => return Ok(None),
            };
            let Object::Dictionary(dict) = &parsed.object else {
                return Ok(None);
            };
            if parsed.id != id || !looks_like_signature(dict) {
                return Ok(None);
            }
            let contents_span = entry_value_span(&parsed.entries, b"Contents");
            let mut site = site_from_dict(file, dict, DictionaryLocation::InFile { offset });
            site.signature_id = Some(id);
            site.contents_span = contents_span.filter(|_| site.contents_is_string);
            site.duplicate_keys = duplicate_keys(&parsed.entries);
            Ok(Some(site))
        }
        Some(XrefEntry::Compressed { stream, index }) => {
            let dict = match file.get(id) {
                Ok(Object::Dictionary(dict)) => dict,
                Err(e) if e.is_time_limit() => return Err(e.into()),
                _ => return Ok(None),
            };
            if !looks_like_signature(&dict) {
                return Ok(None);
            }
            let mut site = site_from_dict(
                file,
                &dict,
                DictionaryLocation::Compressed { stream, index },
            );
            site.signature_id = Some(id);
            Ok(Some(site))
        }
        _ => Ok(None),
    }
}

/// A field's `/V` that is not a readable signature dictionary: a site with nothing in it but
/// where it was looked for, marked unreadable.
fn unreadable_site(file: &PdfFile, id: ObjectId, entry: Option<XrefEntry>) -> SignatureSite {
    let location = match entry {
        Some(XrefEntry::InFile { offset, .. }) => DictionaryLocation::InFile { offset },
        Some(XrefEntry::Compressed { stream, index }) => {
            DictionaryLocation::Compressed { stream, index }
        }
        _ => DictionaryLocation::InFile { offset: 0 },
    };
    // Read it again for the reason: the limit hit, the syntax error, or what it is instead.
    let read = match entry {
        Some(XrefEntry::InFile { offset, .. }) => file.parse_object_at(offset).map(|p| p.object),
        _ => file.get(id),
    };
    let reason = match read {
        Err(e) => e.message(),
        Ok(Object::Dictionary(_)) => Message::new(
            "not-a-signature",
            "đối tượng không phải là từ điển chữ ký",
            "the object is not a signature dictionary",
        ),
        Ok(_) => Message::new(
            "not-a-dictionary",
            "đối tượng không phải là một từ điển",
            "the object is not a dictionary",
        ),
    };
    let mut site = site_from_dict(file, &Dictionary::new(), location);
    site.signature_id = Some(id);
    site.unreadable = Some(reason);
    site
}

/// The site of a direct signature dictionary, the `/V` of the field `field_id`.
fn direct_site(
    file: &PdfFile,
    field_id: Option<ObjectId>,
    dict: &Dictionary,
) -> Result<SignatureSite, DiscoveryError> {
    let field_offset = field_id.and_then(|id| match file.xref_entry(id.number) {
        Some(XrefEntry::InFile { offset, .. }) => Some(offset),
        _ => None,
    });
    let Some(offset) = field_offset else {
        return Ok(site_from_dict(
            file,
            dict,
            DictionaryLocation::DirectInCompressedField,
        ));
    };
    let mut site = site_from_dict(file, dict, DictionaryLocation::DirectInField { offset });
    let parsed = file.parse_object_at(offset)?;
    if let Some(value_span) = entry_value_span(&parsed.entries, b"V") {
        let window = file
            .source()
            .window(value_span.start, span_len(&value_span))
            .map_err(PdfError::from)?;
        let nested = nested_entries(&window.bytes, value_span.start);
        site.contents_span =
            entry_value_span(&nested, b"Contents").filter(|_| site.contents_is_string);
        site.duplicate_keys = duplicate_keys(&nested);
    }
    Ok(site)
}

fn span_len(span: &Range<u64>) -> usize {
    usize::try_from(span.end.saturating_sub(span.start)).unwrap_or(usize::MAX)
}

/// The value span of `key`, when the key occurs exactly once (a duplicate makes the span
/// ambiguous: readers differ in which value they take).
fn entry_value_span(entries: &[EntrySpan], key: &[u8]) -> Option<Range<u64>> {
    let mut matching = entries.iter().filter(|e| e.key == key);
    match (matching.next(), matching.next()) {
        (Some(entry), None) => Some(entry.value_span.clone()),
        _ => None,
    }
}

fn duplicate_keys(entries: &[EntrySpan]) -> Vec<String> {
    let mut counts: BTreeMap<&[u8], usize> = BTreeMap::new();
    for entry in entries {
        *counts.entry(&entry.key).or_default() += 1;
    }
    counts
        .into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(k, _)| String::from_utf8_lossy(k).into_owned())
        .collect()
}

/// The top-level entries of the dictionary written in `bytes` (at absolute offset `base`),
/// with their value spans: the parser records spans only for an indirect object's own
/// dictionary, and a direct signature dictionary sits one level down, in the field.
/// Returns what was read before any syntax error.
fn nested_entries(bytes: &[u8], base: u64) -> Vec<EntrySpan> {
    let mut lexer = Lexer::new(bytes, base, true);
    let mut out = Vec::new();
    if !matches!(lexer.next_token(), Ok(Some(t)) if t.value == Token::DictOpen) {
        return out;
    }
    loop {
        let key = match lexer.next_token() {
            Ok(Some(t)) => match t.value {
                Token::Name(name) => (name, t.span),
                _ => return out,
            },
            _ => return out,
        };
        let Ok(Some(first)) = lexer.next_token() else {
            return out;
        };
        let start = first.span.start;
        let mut end = first.span.end;
        match first.value {
            Token::DictOpen | Token::ArrayOpen => {
                // Skip to the matching close; the lexer bounds each token, the buffer bounds
                // the loop.
                let mut depth = 1usize;
                while depth > 0 {
                    match lexer.next_token() {
                        Ok(Some(t)) => {
                            end = t.span.end;
                            match t.value {
                                Token::DictOpen | Token::ArrayOpen => depth += 1,
                                Token::DictClose | Token::ArrayClose => depth -= 1,
                                _ => {}
                            }
                        }
                        _ => return out,
                    }
                }
            }
            Token::Integer(_) => {
                // `n g R` is one value.
                let saved = lexer.pos();
                let is_reference = matches!(lexer.next_token(), Ok(Some(t)) if matches!(t.value, Token::Integer(_)))
                    && matches!(lexer.next_token(), Ok(Some(t)) if t.value == Token::Keyword(b"R"));
                if is_reference {
                    end = lexer.pos();
                } else {
                    lexer.set_pos(saved);
                }
            }
            Token::DictClose | Token::ArrayClose => return out,
            _ => {}
        }
        out.push(EntrySpan {
            key: key.0,
            key_span: lexer.absolute(key.1.start)..lexer.absolute(key.1.end),
            value_span: lexer.absolute(start)..lexer.absolute(end),
        });
        // Stop at the dictionary's end.
        let saved = lexer.pos();
        if let Ok(Some(t)) = lexer.next_token()
            && t.value == Token::DictClose
        {
            return out;
        }
        lexer.set_pos(saved);
    }
}

fn text(file: &PdfFile, dict: &Dictionary, key: &[u8]) -> Option<String> {
    let value = file.resolve(dict.get(key)?).ok()?;
    value.as_string().map(|s| decode_text_string(&s.bytes))
}

fn name(dict: &Dictionary, key: &[u8]) -> Option<String> {
    dict.get_name(key)
        .map(|n| String::from_utf8_lossy(n).into_owned())
}

/// The facts of a signature dictionary, except where it is reached from and its spans.
fn site_from_dict(
    file: &PdfFile,
    dict: &Dictionary,
    location: DictionaryLocation,
) -> SignatureSite {
    let type_name = name(dict, b"Type");
    let sub_filter = name(dict, b"SubFilter");
    let kind = if type_name.as_deref() == Some("DocTimeStamp")
        || sub_filter.as_deref() == Some("ETSI.RFC3161")
    {
        SignatureKind::DocumentTimestamp
    } else {
        SignatureKind::Signature
    };
    let byte_range = match dict.get(b"ByteRange").map(|v| file.resolve(v)) {
        None => RawByteRange::Absent,
        Some(Ok(Object::Array(items))) => items
            .iter()
            .map(Object::as_integer)
            .collect::<Option<Vec<i64>>>()
            .map_or(RawByteRange::Malformed, RawByteRange::Integers),
        Some(_) => RawByteRange::Malformed,
    };
    let (contents, contents_is_string, contents_is_hex) = match dict.get(b"Contents") {
        Some(Object::String(s)) => (s.bytes.clone(), true, s.hex),
        Some(other) => match file.resolve(other) {
            Ok(Object::String(s)) => (s.bytes, false, s.hex),
            _ => (Vec::new(), false, false),
        },
        None => (Vec::new(), false, false),
    };
    SignatureSite {
        field_name: None,
        field_id: None,
        widget_ids: Vec::new(),
        signature_id: None,
        dictionary_location: location,
        reached_by_field: false,
        kind,
        type_name,
        filter: name(dict, b"Filter"),
        sub_filter,
        claimed_time: text(file, dict, b"M"),
        reason: text(file, dict, b"Reason"),
        name: text(file, dict, b"Name"),
        location: text(file, dict, b"Location"),
        contact_info: text(file, dict, b"ContactInfo"),
        byte_range,
        contents,
        contents_is_string,
        contents_is_hex,
        contents_span: None,
        references: references(file, dict),
        duplicate_keys: Vec::new(),
        rewritten_from: None,
        unreadable: None,
    }
}

/// `/Reference`: an array of signature reference dictionaries (§12.8.1, Table 253).
fn references(file: &PdfFile, dict: &Dictionary) -> Vec<SignatureReference> {
    let Some(Ok(Object::Array(items))) = dict.get(b"Reference").map(|r| file.resolve(r)) else {
        return Vec::new();
    };
    items
        .iter()
        .take(MAX_REFERENCES)
        .filter_map(|item| match file.resolve(item) {
            Ok(Object::Dictionary(reference)) => Some(reference),
            _ => None,
        })
        .map(|reference| {
            let params = match reference.get(b"TransformParams").map(|p| file.resolve(p)) {
                Some(Ok(Object::Dictionary(p))) => p,
                _ => Dictionary::new(),
            };
            let fields = match params.get(b"Fields").map(|f| file.resolve(f)) {
                Some(Ok(Object::Array(names))) => names
                    .iter()
                    .take(MAX_LOCKED_FIELDS)
                    .filter_map(|n| file.resolve(n).ok())
                    .filter_map(|n| n.as_string().map(|s| decode_text_string(&s.bytes)))
                    .collect(),
                _ => Vec::new(),
            };
            SignatureReference {
                transform_method: name(&reference, b"TransformMethod"),
                permission: params
                    .get(b"P")
                    .and_then(|p| file.resolve(p).ok())
                    .and_then(|p| p.as_integer()),
                action: name(&params, b"Action"),
                fields,
                digest_method: name(&reference, b"DigestMethod"),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::PdfString;
    use crate::pdf::fixtures::FixtureWriter;

    fn reference(number: u32) -> Object {
        Object::Reference(ObjectId::new(number, 0))
    }

    fn dict(entries: Vec<(&str, Object)>) -> Dictionary {
        entries.into_iter().collect()
    }

    fn name(n: &str) -> Object {
        Object::name(n.as_bytes().to_vec())
    }

    fn text(t: &str) -> Object {
        Object::String(crate::pdf::pdf_text_string(t))
    }

    fn integers(values: &[i64]) -> Object {
        Object::Array(values.iter().map(|&v| Object::Integer(v)).collect())
    }

    /// A document whose objects 4 and up are `fields` (the first of them listed in
    /// `/AcroForm /Fields`), plus `extra` objects after them.
    fn document(objects: Vec<(u32, Object)>, fields: Vec<u32>) -> Vec<u8> {
        let mut w = FixtureWriter::new(Vec::new(), "1.7").unwrap();
        let field_refs = Object::Array(fields.iter().map(|&n| reference(n)).collect());
        w.object(
            1,
            &Object::Dictionary(dict(vec![
                ("Type", name("Catalog")),
                ("Pages", reference(2)),
                (
                    "AcroForm",
                    Object::Dictionary(dict(vec![("Fields", field_refs)])),
                ),
            ])),
        )
        .unwrap();
        w.object(
            2,
            &Object::Dictionary(dict(vec![
                ("Type", name("Pages")),
                ("Kids", Object::Array(vec![reference(3)])),
                ("Count", Object::Integer(1)),
            ])),
        )
        .unwrap();
        w.object(
            3,
            &Object::Dictionary(dict(vec![
                ("Type", name("Page")),
                ("Parent", reference(2)),
                ("MediaBox", integers(&[0, 0, 612, 792])),
            ])),
        )
        .unwrap();
        for (number, object) in &objects {
            w.object(*number, object).unwrap();
        }
        w.finish_with_table(dict(vec![("Root", reference(1))]))
            .unwrap()
    }

    fn signature_dict(kind: &str, sub_filter: &str, contents: &[u8]) -> Dictionary {
        dict(vec![
            ("Type", name(kind)),
            ("Filter", name("Adobe.PPKLite")),
            ("SubFilter", name(sub_filter)),
            ("ByteRange", integers(&[0, 10, 20, 30])),
            (
                "Contents",
                Object::String(PdfString::hex(contents.to_vec())),
            ),
            ("M", text("D:20240131120000+07'00'")),
            ("Reason", text("Phê duyệt")),
        ])
    }

    #[test]
    fn fields_kids_direct_values_and_orphans_are_all_found() {
        let mut signed = signature_dict("Sig", "adbe.pkcs7.detached", &[1, 2]);
        signed.insert(
            "Reference",
            Object::Array(vec![Object::Dictionary(dict(vec![
                ("TransformMethod", name("DocMDP")),
                (
                    "TransformParams",
                    Object::Dictionary(dict(vec![("P", Object::Integer(1))])),
                ),
            ]))]),
        );
        let objects = vec![
            // A parent field with the (inheritable) type, and two kids.
            (
                4,
                Object::Dictionary(dict(vec![
                    ("FT", name("Sig")),
                    ("T", text("parent")),
                    ("Kids", Object::Array(vec![reference(5), reference(7)])),
                ])),
            ),
            // A kid merged with its widget, whose value is an indirect dictionary.
            (
                5,
                Object::Dictionary(dict(vec![
                    ("T", text("sig")),
                    ("Parent", reference(4)),
                    ("Subtype", name("Widget")),
                    ("V", reference(6)),
                ])),
            ),
            (6, Object::Dictionary(signed)),
            // A kid whose value is a direct document time-stamp dictionary.
            (
                7,
                Object::Dictionary(dict(vec![
                    ("T", text("direct")),
                    ("Parent", reference(4)),
                    (
                        "V",
                        Object::Dictionary(signature_dict(
                            "DocTimeStamp",
                            "ETSI.RFC3161",
                            &[0x0a, 0x0b],
                        )),
                    ),
                ])),
            ),
            // A signature dictionary no field reaches.
            (
                8,
                Object::Dictionary(signature_dict("Sig", "ETSI.CAdES.detached", &[3])),
            ),
        ];
        let bytes = document(objects, vec![4]);
        let file = PdfFile::from_bytes(bytes.clone()).unwrap();
        let sites = find_signatures(&file).unwrap();
        assert_eq!(sites.len(), 3, "{sites:#?}");

        let indirect = sites
            .iter()
            .find(|s| s.field_name.as_deref() == Some("parent.sig"))
            .unwrap();
        assert!(indirect.reached_by_field);
        assert_eq!(indirect.signature_id, Some(ObjectId::new(6, 0)));
        assert_eq!(indirect.widget_ids, [ObjectId::new(5, 0)]);
        assert_eq!(indirect.kind, SignatureKind::Signature);
        assert_eq!(indirect.contents, [1, 2]);
        assert_eq!(indirect.reason.as_deref(), Some("Phê duyệt"));
        assert_eq!(indirect.docmdp_permission(), Some(1));
        let span = indirect.contents_span.clone().unwrap();
        assert!(bytes[span.start as usize..span.end as usize].eq_ignore_ascii_case(b"<0102>"));

        let direct = sites
            .iter()
            .find(|s| s.field_name.as_deref() == Some("parent.direct"))
            .unwrap();
        assert!(direct.reached_by_field);
        assert_eq!(direct.signature_id, None);
        assert_eq!(direct.kind, SignatureKind::DocumentTimestamp);
        let span = direct.contents_span.clone().unwrap();
        assert!(bytes[span.start as usize..span.end as usize].eq_ignore_ascii_case(b"<0a0b>"));

        let orphan = sites.iter().find(|s| s.field_name.is_none()).unwrap();
        assert!(!orphan.reached_by_field);
        assert_eq!(orphan.signature_id, Some(ObjectId::new(8, 0)));
        // The facts serialise.
        assert!(serde_json::to_string(&sites).is_ok());
    }

    #[test]
    fn field_tree_loop_is_an_error_not_a_hang() {
        let objects = vec![(
            4,
            Object::Dictionary(dict(vec![
                ("FT", name("Sig")),
                ("T", text("loop")),
                ("Kids", Object::Array(vec![reference(4)])),
            ])),
        )];
        let file = PdfFile::from_bytes(document(objects, vec![4])).unwrap();
        assert!(matches!(
            find_signatures(&file),
            Err(DiscoveryError::FieldLoop(id)) if id == ObjectId::new(4, 0)
        ));
    }

    #[test]
    fn field_tree_deeper_than_the_limit_is_refused() {
        let depth = MAX_FIELD_TREE_DEPTH as u32 + 5;
        let objects = (0..depth)
            .map(|i| {
                let number = 4 + i;
                let mut field = dict(vec![("T", text("f"))]);
                if i + 1 < depth {
                    field.insert("Kids", Object::Array(vec![reference(number + 1)]));
                }
                (number, Object::Dictionary(field))
            })
            .collect();
        let file = PdfFile::from_bytes(document(objects, vec![4])).unwrap();
        assert!(matches!(
            find_signatures(&file),
            Err(DiscoveryError::FieldTreeTooDeep)
        ));
        assert_eq!(DiscoveryError::FieldTreeTooDeep.message().code, "malformed");
    }

    #[test]
    fn nested_entries_have_exact_spans() {
        let text = b"<< /A [1 [2] << /X 3 >>] /Contents <0a0b> /R 12 0 R /N 5 /D << >> >>";
        let entries = nested_entries(text, 100);
        let keys: Vec<&[u8]> = entries.iter().map(|e| e.key.as_slice()).collect();
        assert_eq!(keys, [&b"A"[..], b"Contents", b"R", b"N", b"D"]);
        let span = |key: &[u8]| {
            let s = entry_value_span(&entries, key).unwrap();
            &text[(s.start - 100) as usize..(s.end - 100) as usize]
        };
        assert_eq!(span(b"A"), b"[1 [2] << /X 3 >>]");
        assert_eq!(span(b"Contents"), b"<0a0b>");
        assert_eq!(span(b"R"), b"12 0 R");
        assert_eq!(span(b"N"), b"5");
        // Garbage stops the walk without a panic.
        for cut in 0..text.len() {
            let _ = nested_entries(&text[..cut], 0);
        }
        // A duplicated key has no single span.
        let twice = nested_entries(b"<< /Contents <00> /Contents <01> >>", 0);
        assert!(entry_value_span(&twice, b"Contents").is_none());
        assert_eq!(duplicate_keys(&twice), ["Contents"]);
    }

    #[test]
    fn byte_range_values_are_judged_only_when_asked() {
        assert_eq!(
            RawByteRange::Integers(vec![0, 10, 20, 30]).four(),
            Some([0, 10, 20, 30])
        );
        assert_eq!(
            RawByteRange::Integers(vec![0, 10, 20, 30]).covered_end(),
            Some(50)
        );
        assert_eq!(RawByteRange::Integers(vec![0, -10, 20, 30]).four(), None);
        assert_eq!(RawByteRange::Integers(vec![0, 10, 20]).four(), None);
        // Two i64 values always fit a u64 sum: huge, but no overflow to wrap around.
        assert_eq!(
            RawByteRange::Integers(vec![0, 1, i64::MAX, i64::MAX]).covered_end(),
            Some(u64::MAX - 1)
        );
        assert_eq!(RawByteRange::Malformed.four(), None);
    }
}
