//! Signature fields (ISO 32000-1 §12.7.4.5, §12.8): the signature dictionary, the field and its
//! widget annotation, the page's `/Annots` and the `/AcroForm`, all in one incremental update.
//!
//! A new field is a merged field + widget dictionary. It is invisible for now (`/Rect [0 0 0 0]`);
//! a visible signature adds an appearance stream through [`SignatureFieldSpec::appearance`],
//! which becomes the widget's `/AP << /N … >>`.

use std::collections::HashSet;

use super::document::PdfFile;
use super::error::{Expected, Limit, PdfError, Result, StructureProblem};
use super::limits::{MAX_FIELD_TREE_DEPTH, MAX_REFERENCE_DEPTH};
use super::object::{Dictionary, Object, ObjectId, PdfString};
use super::text::{decode_text_string, pdf_text_string};
use super::update::{FinishedUpdate, IncrementalUpdate, SignaturePlaceholder};

/// Widget flags: Print (bit 3) and Locked (bit 8), as signature widgets carry (§12.5.3).
const WIDGET_FLAGS: i64 = 4 | 128;
/// `/SigFlags 3`: SignaturesExist and AppendOnly (§12.7.2).
const SIG_FLAGS: i64 = 3;

/// What kind of signature the dictionary holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SignatureKind {
    /// An approval signature: `/Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached`
    /// (PAdES, ETSI EN 319 142-1).
    #[default]
    Approval,
    /// A document time-stamp: `/Type /DocTimeStamp /SubFilter /ETSI.RFC3161` (PAdES B-LTA).
    DocumentTimeStamp,
}

/// Values of the signature dictionary (§12.8.1 Table 252). Text is given as Rust strings and
/// written as PDF text strings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignatureValues {
    /// Approval signature or document time-stamp.
    pub kind: SignatureKind,
    /// `/M`: the signing time as a PDF date (see [`pdf_date`](super::text::pdf_date)).
    /// PAdES puts the time here, not in a CMS signing-time attribute.
    pub signing_time: Option<String>,
    /// `/Name`: the signer's name.
    pub name: Option<String>,
    /// `/Reason`.
    pub reason: Option<String>,
    /// `/Location`.
    pub location: Option<String>,
    /// `/ContactInfo`.
    pub contact_info: Option<String>,
}

/// A new stream: a dictionary and its (already encoded) data. `/Length` is set when written.
#[derive(Debug, Clone, PartialEq)]
pub struct NewStream {
    /// The stream dictionary (for an appearance: `/Type /XObject /Subtype /Form /BBox …`).
    pub dict: Dictionary,
    /// Encoded data.
    pub data: Vec<u8>,
}

/// What signature field to add or fill.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureFieldSpec {
    /// Fully qualified field name (`a.b.c`). If a field of that name exists it must be an
    /// unsigned signature field, which is then signed; otherwise a new field is created.
    /// `None`: a new field named `Signature1`, `Signature2`, … (the first name not in use).
    pub field_name: Option<String>,
    /// Page of a new field's widget: 0-based, negative from the end (-1 = last page).
    pub page: i64,
    /// `/Rect` of a new widget in default user space; `[0 0 0 0]` is invisible.
    pub rect: [f64; 4],
    /// The signature dictionary's values.
    pub values: SignatureValues,
    /// Bytes reserved for the signature container (CMS) in `/Contents`; hex doubles it.
    pub contents_len: usize,
    /// The widget's normal appearance (a form XObject), for visible signatures.
    pub appearance: Option<NewStream>,
}

impl SignatureFieldSpec {
    /// An invisible approval signature on the first page, reserving `contents_len` bytes.
    pub fn invisible(contents_len: usize) -> Self {
        SignatureFieldSpec {
            field_name: None,
            page: 0,
            rect: [0.0; 4],
            values: SignatureValues::default(),
            contents_len,
            appearance: None,
        }
    }
}

/// One widget of a visible signature whose appearance is already in the update (layout
/// module): the fonts and images it uses are objects of the same update.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WidgetSpec {
    /// Page: 0-based, negative from the end (-1 = last page).
    pub page: i64,
    /// `/Rect` in default user space.
    pub rect: [f64; 4],
    /// The normal appearance: a form XObject whose `/BBox` matches the rectangle's size.
    pub appearance: ObjectId,
}

/// An update ready to be hashed and signed: its ByteRange is already filled in.
#[derive(Debug, Clone)]
pub struct PreparedSignature {
    /// The update bytes (with the final ByteRange and a zero-filled `/Contents`).
    pub update: FinishedUpdate,
    /// Absolute positions of the ByteRange text and the `/Contents` string.
    pub placeholder: SignaturePlaceholder,
    /// The four ByteRange numbers written into the update.
    pub byte_range: [u64; 4],
    /// The field's fully qualified name.
    pub field_name: String,
    /// The field (or merged field + widget) object.
    pub field: ObjectId,
    /// The signature dictionary object.
    pub signature: ObjectId,
}

impl PreparedSignature {
    /// Length of the signed file.
    pub fn total_len(&self) -> u64 {
        self.update.total_len()
    }

    /// The parts of the update the signature covers; the whole original file comes before.
    pub fn signed_update_parts(&self) -> Result<[&[u8]; 2]> {
        self.update.signed_parts()
    }

    /// Bytes of CMS that fit in `/Contents`.
    pub fn contents_capacity(&self) -> usize {
        self.placeholder.contents_capacity()
    }

    /// Writes the signature container into `/Contents`.
    pub fn fill_contents(&mut self, container: &[u8]) -> Result<()> {
        self.update.fill_contents(container)
    }
}

/// A form field found while walking `/AcroForm /Fields`.
#[derive(Debug)]
struct FoundField {
    name: String,
    id: Option<ObjectId>,
    dict: Dictionary,
    /// `/FT`, inherited from ancestors when absent (§12.7.3.1).
    field_type: Option<Vec<u8>>,
}

/// Adds a signature to `update`: the signature dictionary with placeholders, and either the
/// existing unsigned field named in `spec` or a new field + widget on the chosen page, with the
/// page's `/Annots` and the `/AcroForm` (`/Fields`, `/SigFlags 3`) updated. Finishes the update
/// and fills in the ByteRange.
///
/// The update may already hold other changes (they are then covered by the signature too).
/// Does not check DocMDP: call [`PdfFile::ensure_changes_permitted`] first for approval
/// signatures (document time-stamps are allowed on P=1 documents).
pub fn prepare_signature_field(
    update: IncrementalUpdate<'_>,
    spec: &SignatureFieldSpec,
) -> Result<PreparedSignature> {
    prepare_signature_with_widgets(update, spec, &[])
}

/// [`prepare_signature_field`] for a visible signature drawn by `widgets` (their appearances
/// already added to `update`), instead of `spec.rect` and `spec.appearance`.
///
/// - An existing empty field of `spec.field_name` gets the first widget's appearance on its
///   own (merged) widget; its position stays the field's.
/// - A new field with one widget is a merged field + widget, as for invisible signatures.
/// - A new field with several widgets is a field whose `/Kids` are the widgets (ISO 32000-1
///   §12.7.3.1): one signature shown in several places, e.g. the organisation's seal beside
///   the leader's signature and the document number and date it stamps at the top of page 1.
///   The widgets belong to the new signature field, so validators that accept a new signature
///   field after an earlier signature (pyHanko's `SigFieldCreationRule`, Kyso's change rules)
///   accept them too; free-standing annotations would not be.
pub fn prepare_signature_with_widgets(
    mut update: IncrementalUpdate<'_>,
    spec: &SignatureFieldSpec,
    widgets: &[WidgetSpec],
) -> Result<PreparedSignature> {
    let catalog_id = update.file().catalog_id();
    let existing = collect_fields(&update)?;
    let field_name = match &spec.field_name {
        Some(name) => name.clone(),
        None => unique_name(&existing),
    };
    let signature_id = update.allocate()?;
    let field_id = match (existing.iter().find(|f| f.name == field_name), widgets) {
        (Some(field), _) => {
            let id = sign_existing_field(&mut update, field, signature_id)?;
            if let Some(widget) = widgets.first() {
                set_existing_appearance(&mut update, id, widget)?;
            }
            id
        }
        (None, []) => add_new_field(&mut update, spec, &field_name, signature_id)?,
        (None, [one]) => {
            let mut spec = spec.clone();
            spec.page = one.page;
            spec.rect = one.rect;
            spec.appearance = None;
            let id = add_new_field(&mut update, &spec, &field_name, signature_id)?;
            set_existing_appearance(&mut update, id, one)?;
            id
        }
        (None, many) => add_field_with_widgets(&mut update, &field_name, signature_id, many)?,
    };
    set_sig_flags(&mut update, catalog_id)?;
    update.put_signature_dictionary(
        signature_id,
        signature_dictionary(&spec.values),
        spec.contents_len,
    )?;
    let mut finished = update.finish()?;
    let byte_range = finished.fill_byte_range()?;
    let placeholder = finished.signature.clone().ok_or(PdfError::InvalidUpdate(
        "the update lost its signature dictionary",
    ))?;
    Ok(PreparedSignature {
        update: finished,
        placeholder,
        byte_range,
        field_name,
        field: field_id,
        signature: signature_id,
    })
}

/// [`prepare_signature_field`] on a fresh update of `file`.
pub fn prepare_signature(file: &PdfFile, spec: &SignatureFieldSpec) -> Result<PreparedSignature> {
    prepare_signature_field(IncrementalUpdate::new(file), spec)
}

/// The signature dictionary's entries before the placeholders.
fn signature_dictionary(values: &SignatureValues) -> Dictionary {
    let mut dict = Dictionary::new();
    match values.kind {
        SignatureKind::Approval => {
            dict.insert("Type", Object::name("Sig"));
            dict.insert("Filter", Object::name("Adobe.PPKLite"));
            dict.insert("SubFilter", Object::name("ETSI.CAdES.detached"));
        }
        SignatureKind::DocumentTimeStamp => {
            dict.insert("Type", Object::name("DocTimeStamp"));
            dict.insert("Filter", Object::name("Adobe.PPKLite"));
            dict.insert("SubFilter", Object::name("ETSI.RFC3161"));
        }
    }
    if let Some(m) = &values.signing_time {
        dict.insert(
            "M",
            Object::String(PdfString::literal(m.as_bytes().to_vec())),
        );
    }
    let texts = [
        ("Name", &values.name),
        ("Reason", &values.reason),
        ("Location", &values.location),
        ("ContactInfo", &values.contact_info),
    ];
    for (key, text) in texts {
        if let Some(text) = text {
            dict.insert(key, Object::String(pdf_text_string(text)));
        }
    }
    dict
}

/// `Signature1`, `Signature2`, …: the first not used by any field.
fn unique_name(fields: &[FoundField]) -> String {
    let used: HashSet<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    (1..)
        .map(|n| format!("Signature{n}"))
        .find(|name| !used.contains(name.as_str()))
        // The range is unbounded and `used` finite, so a free name always exists.
        .unwrap_or_default()
}

/// Sets `/V` of an existing, unsigned signature field.
fn sign_existing_field(
    update: &mut IncrementalUpdate<'_>,
    field: &FoundField,
    signature_id: ObjectId,
) -> Result<ObjectId> {
    if field.field_type.as_deref() != Some(b"Sig") {
        return Err(PdfError::FieldNotSignature(field.name.clone()));
    }
    if field.dict.get(b"V").is_some_and(|v| *v != Object::Null) {
        return Err(PdfError::FieldAlreadySigned(field.name.clone()));
    }
    let id = field
        .id
        .ok_or(PdfError::Structure(StructureProblem::WrongType {
            path: "/AcroForm /Fields",
            expected: Expected::IndirectObject,
        }))?;
    let mut dict = field.dict.clone();
    dict.insert("V", Object::Reference(signature_id));
    update.put(id, Object::Dictionary(dict));
    Ok(id)
}

/// Creates a merged field + widget on the spec's page and links it from `/Annots` and `/Fields`.
fn add_new_field(
    update: &mut IncrementalUpdate<'_>,
    spec: &SignatureFieldSpec,
    name: &str,
    signature_id: ObjectId,
) -> Result<ObjectId> {
    if name.is_empty() || name.contains('.') {
        return Err(PdfError::InvalidFieldName(name.to_string()));
    }
    let file = update.file();
    let page = file.page(spec.page)?;
    let field_id = update.allocate()?;
    let mut widget = Dictionary::new();
    widget.insert("Type", Object::name("Annot"));
    widget.insert("Subtype", Object::name("Widget"));
    widget.insert("FT", Object::name("Sig"));
    widget.insert("T", Object::String(pdf_text_string(name)));
    widget.insert("V", Object::Reference(signature_id));
    widget.insert("F", Object::Integer(WIDGET_FLAGS));
    widget.insert(
        "Rect",
        Object::Array(spec.rect.iter().map(|&v| Object::Real(v)).collect()),
    );
    widget.insert("P", Object::Reference(page.id));
    if let Some(appearance) = &spec.appearance {
        let appearance_id = update.allocate()?;
        update.put_stream(
            appearance_id,
            appearance.dict.clone(),
            appearance.data.clone(),
        );
        let ap: Dictionary = [("N", Object::Reference(appearance_id))]
            .into_iter()
            .collect();
        widget.insert("AP", Object::Dictionary(ap));
    }
    update.put(field_id, Object::Dictionary(widget));
    append_to_array_entry(update, page.id, b"Annots", "/Annots", field_id)?;
    append_to_fields(update, field_id)?;
    Ok(field_id)
}

/// Sets `/AP << /N … >>` and `/Rect` on a (merged) signature field's widget written in
/// `update`: the appearance is drawn for the widget's rectangle (an image keeps its aspect
/// inside an empty field's box, and the widget then says where the image really is).
fn set_existing_appearance(
    update: &mut IncrementalUpdate<'_>,
    field: ObjectId,
    widget: &WidgetSpec,
) -> Result<()> {
    let appearance = widget.appearance;
    let Object::Dictionary(mut dict) = update.current(field)? else {
        return Err(PdfError::Structure(StructureProblem::WrongType {
            path: "/AcroForm /Fields",
            expected: Expected::Dictionary,
        }));
    };
    let ap: Dictionary = [("N", Object::Reference(appearance))].into_iter().collect();
    dict.insert("AP", Object::Dictionary(ap));
    dict.insert(
        "Rect",
        Object::Array(widget.rect.iter().map(|&v| Object::Real(v)).collect()),
    );
    update.put(field, Object::Dictionary(dict));
    Ok(())
}

/// Creates a signature field whose widgets are separate annotations in its `/Kids`, each
/// linked from its page's `/Annots`.
fn add_field_with_widgets(
    update: &mut IncrementalUpdate<'_>,
    name: &str,
    signature_id: ObjectId,
    widgets: &[WidgetSpec],
) -> Result<ObjectId> {
    if name.is_empty() || name.contains('.') {
        return Err(PdfError::InvalidFieldName(name.to_string()));
    }
    let file = update.file();
    let field_id = update.allocate()?;
    let mut kids = Vec::with_capacity(widgets.len());
    for spec in widgets {
        let page = file.page(spec.page)?;
        let widget_id = update.allocate()?;
        let mut widget = Dictionary::new();
        widget.insert("Type", Object::name("Annot"));
        widget.insert("Subtype", Object::name("Widget"));
        // No `/Parent` here, deliberately. ISO 32000-1 (Table 220) asks for it on a widget that
        // is one of several kids, but poppler up to 22.x (Debian 12: pdfsig, Evince, Okular)
        // takes any kid with a /Parent for a child *field*: it then lists each widget as an
        // unsigned signature field and never finds this field's value. Without /Parent every
        // reader tried (poppler, pyHanko, qpdf, Kyso) sees one signed field with its widgets,
        // as PDF 1.4 described them; newer poppler accepts either form.
        widget.insert("F", Object::Integer(WIDGET_FLAGS));
        widget.insert(
            "Rect",
            Object::Array(spec.rect.iter().map(|&v| Object::Real(v)).collect()),
        );
        widget.insert("P", Object::Reference(page.id));
        let ap: Dictionary = [("N", Object::Reference(spec.appearance))]
            .into_iter()
            .collect();
        widget.insert("AP", Object::Dictionary(ap));
        update.put(widget_id, Object::Dictionary(widget));
        append_to_array_entry(update, page.id, b"Annots", "/Annots", widget_id)?;
        kids.push(Object::Reference(widget_id));
    }
    let mut field = Dictionary::new();
    field.insert("FT", Object::name("Sig"));
    field.insert("T", Object::String(pdf_text_string(name)));
    field.insert("V", Object::Reference(signature_id));
    field.insert("Kids", Object::Array(kids));
    update.put(field_id, Object::Dictionary(field));
    append_to_fields(update, field_id)?;
    Ok(field_id)
}

/// Appends `item` to the array `key` of the dictionary object `owner`: creates it when absent,
/// changes `owner` when the array is inline, or the array object when it is indirect.
fn append_to_array_entry(
    update: &mut IncrementalUpdate<'_>,
    owner: ObjectId,
    key: &[u8],
    path: &'static str,
    item: ObjectId,
) -> Result<()> {
    let Object::Dictionary(mut dict) = update.current(owner)? else {
        return Err(PdfError::Structure(StructureProblem::WrongType {
            path,
            expected: Expected::Dictionary,
        }));
    };
    match dict.get(key).cloned() {
        Some(Object::Reference(array_id)) => {
            let mut items = indirect_array(update, array_id, path)?;
            items.push(Object::Reference(item));
            update.put(array_id, Object::Array(items));
        }
        Some(Object::Array(mut items)) => {
            items.push(Object::Reference(item));
            dict.insert(key, Object::Array(items));
            update.put(owner, Object::Dictionary(dict));
        }
        None | Some(Object::Null) => {
            dict.insert(key, Object::Array(vec![Object::Reference(item)]));
            update.put(owner, Object::Dictionary(dict));
        }
        Some(_) => {
            return Err(PdfError::Structure(StructureProblem::WrongType {
                path,
                expected: Expected::Array,
            }));
        }
    }
    Ok(())
}

/// The array object `id` (following a reference chain, bounded), as this update has it.
fn indirect_array(
    update: &IncrementalUpdate<'_>,
    id: ObjectId,
    path: &'static str,
) -> Result<Vec<Object>> {
    let mut current = update.current(id)?;
    for _ in 0..MAX_REFERENCE_DEPTH {
        match current {
            Object::Array(items) => return Ok(items),
            Object::Null => return Ok(Vec::new()),
            Object::Reference(next) => current = update.current(next)?,
            _ => break,
        }
    }
    Err(PdfError::Structure(StructureProblem::WrongType {
        path,
        expected: Expected::Array,
    }))
}

/// Where the AcroForm dictionary lives.
enum AcroFormLocation {
    Absent,
    /// Inline in the catalog.
    Inline(Dictionary),
    /// An indirect object.
    Indirect(ObjectId, Dictionary),
}

fn locate_acroform(
    update: &IncrementalUpdate<'_>,
    catalog_id: ObjectId,
) -> Result<AcroFormLocation> {
    let Object::Dictionary(catalog) = update.current(catalog_id)? else {
        return Err(PdfError::Structure(StructureProblem::WrongType {
            path: "/Root",
            expected: Expected::Dictionary,
        }));
    };
    let wrong = || {
        PdfError::Structure(StructureProblem::WrongType {
            path: "/AcroForm",
            expected: Expected::Dictionary,
        })
    };
    match catalog.get(b"AcroForm") {
        None | Some(Object::Null) => Ok(AcroFormLocation::Absent),
        Some(Object::Dictionary(d)) => Ok(AcroFormLocation::Inline(d.clone())),
        Some(Object::Reference(id)) => match update.current(*id)? {
            Object::Dictionary(d) => Ok(AcroFormLocation::Indirect(*id, d)),
            Object::Null => Ok(AcroFormLocation::Absent),
            _ => Err(wrong()),
        },
        Some(_) => Err(wrong()),
    }
}

/// Stores a changed AcroForm dictionary where it lives (a new object when absent).
fn store_acroform(
    update: &mut IncrementalUpdate<'_>,
    catalog_id: ObjectId,
    location: &AcroFormLocation,
    acroform: Dictionary,
) -> Result<()> {
    match location {
        AcroFormLocation::Indirect(id, _) => update.put(*id, Object::Dictionary(acroform)),
        AcroFormLocation::Inline(_) | AcroFormLocation::Absent => {
            let Object::Dictionary(mut catalog) = update.current(catalog_id)? else {
                return Err(PdfError::Structure(StructureProblem::WrongType {
                    path: "/Root",
                    expected: Expected::Dictionary,
                }));
            };
            let value = if matches!(location, AcroFormLocation::Absent) {
                let id = update.allocate()?;
                update.put(id, Object::Dictionary(acroform));
                Object::Reference(id)
            } else {
                Object::Dictionary(acroform)
            };
            catalog.insert("AcroForm", value);
            update.put(catalog_id, Object::Dictionary(catalog));
        }
    }
    Ok(())
}

/// Appends `field` to `/AcroForm /Fields` (inline or indirect array; AcroForm inline, indirect
/// or absent).
fn append_to_fields(update: &mut IncrementalUpdate<'_>, field: ObjectId) -> Result<()> {
    let catalog_id = update.file().catalog_id();
    let location = locate_acroform(update, catalog_id)?;
    let mut acroform = match &location {
        AcroFormLocation::Absent => Dictionary::new(),
        AcroFormLocation::Inline(d) | AcroFormLocation::Indirect(_, d) => d.clone(),
    };
    match acroform.get(b"Fields").cloned() {
        Some(Object::Reference(array_id)) => {
            let mut items = indirect_array(update, array_id, "/AcroForm /Fields")?;
            items.push(Object::Reference(field));
            update.put(array_id, Object::Array(items));
            return Ok(());
        }
        Some(Object::Array(mut items)) => {
            items.push(Object::Reference(field));
            acroform.insert("Fields", Object::Array(items));
        }
        None | Some(Object::Null) => {
            acroform.insert("Fields", Object::Array(vec![Object::Reference(field)]));
        }
        Some(_) => {
            return Err(PdfError::Structure(StructureProblem::WrongType {
                path: "/AcroForm /Fields",
                expected: Expected::Array,
            }));
        }
    }
    store_acroform(update, catalog_id, &location, acroform)
}

/// Sets `/SigFlags 3` in the AcroForm (which exists by now), unless already set.
fn set_sig_flags(update: &mut IncrementalUpdate<'_>, catalog_id: ObjectId) -> Result<()> {
    let location = locate_acroform(update, catalog_id)?;
    let mut acroform = match &location {
        AcroFormLocation::Absent => Dictionary::new(),
        AcroFormLocation::Inline(d) | AcroFormLocation::Indirect(_, d) => d.clone(),
    };
    let flags = acroform.get_integer(b"SigFlags").unwrap_or(0);
    if flags & SIG_FLAGS == SIG_FLAGS && !matches!(location, AcroFormLocation::Absent) {
        return Ok(());
    }
    acroform.insert("SigFlags", Object::Integer(flags | SIG_FLAGS));
    store_acroform(update, catalog_id, &location, acroform)
}

/// Every field of the form with its fully qualified name (§12.7.3.2), in tree order.
fn collect_fields(update: &IncrementalUpdate<'_>) -> Result<Vec<FoundField>> {
    let file = update.file();
    let Some(acroform) = file.acroform()? else {
        return Ok(Vec::new());
    };
    let fields = match acroform.get(b"Fields").map(|f| file.resolve(f)) {
        None => return Ok(Vec::new()),
        Some(Ok(Object::Array(items))) => items,
        Some(Ok(Object::Null)) => return Ok(Vec::new()),
        Some(Ok(_)) => {
            return Err(PdfError::Structure(StructureProblem::WrongType {
                path: "/AcroForm /Fields",
                expected: Expected::Array,
            }));
        }
        Some(Err(e)) => return Err(e),
    };
    let mut found = Vec::new();
    let mut visited = HashSet::new();
    // (node, parent's qualified name, inherited /FT, depth)
    let mut stack: Vec<(Object, String, Option<Vec<u8>>, usize)> = fields
        .into_iter()
        .rev()
        .map(|f| (f, String::new(), None, 0))
        .collect();
    while let Some((node, parent_name, inherited_type, depth)) = stack.pop() {
        if depth > MAX_FIELD_TREE_DEPTH {
            return Err(PdfError::LimitExceeded {
                limit: Limit::NestingDepth(MAX_FIELD_TREE_DEPTH),
                offset: None,
            });
        }
        let id = node.as_reference();
        if let Some(id) = id
            && !visited.insert(id)
        {
            // A field reachable twice (a loop, or a shared kid): visit it once.
            continue;
        }
        let dict = match file.resolve(&node)? {
            Object::Dictionary(d) => d,
            // Tolerance: non-dictionary entries in /Fields or /Kids are skipped, as viewers do.
            _ => continue,
        };
        let partial = dict
            .get(b"T")
            .and_then(|t| file.resolve(t).ok())
            .and_then(|t| t.as_string().map(|s| decode_text_string(&s.bytes)));
        let name = match (&partial, parent_name.is_empty()) {
            (Some(p), true) => p.clone(),
            (Some(p), false) => format!("{parent_name}.{p}"),
            (None, _) => parent_name.clone(),
        };
        let field_type = dict
            .get_name(b"FT")
            .map(<[u8]>::to_vec)
            .or(inherited_type.clone());
        if let Some(Ok(Object::Array(kids))) = dict.get(b"Kids").map(|k| file.resolve(k)) {
            for kid in kids.into_iter().rev() {
                stack.push((kid, name.clone(), field_type.clone(), depth + 1));
            }
        }
        // Widgets without /T are not fields of their own (§12.7.3.1).
        if partial.is_some() {
            found.push(FoundField {
                name,
                id,
                dict,
                field_type,
            });
        }
    }
    Ok(found)
}
