//! Tests of the PDF layer against real files: the fixtures of every xref kind, the corpus of
//! signed PDFs from other software, damaged and hostile inputs. qpdf and poppler's pdfsig check
//! what the writer produces.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::fixtures::{self, FixtureKind};
use super::*;

/// The shared corpus sits beside the repository (`../shared/`), on developer machines and in CI.
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/pdfs");

fn qpdf_check(path: &Path) -> (bool, String) {
    let output = Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .expect("qpdf runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code() == Some(0), text)
}

fn qpdf_pages(path: &Path) -> Option<usize> {
    let output = Command::new("qpdf")
        .arg("--show-npages")
        .arg(path)
        .output()
        .expect("qpdf runs");
    String::from_utf8_lossy(&output.stdout).trim().parse().ok()
}

fn pdfsig(path: &Path) -> String {
    let output = Command::new("pdfsig")
        .arg("-nocert")
        .arg(path)
        .output()
        .expect("pdfsig runs");
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Prepares an invisible signature on `input`, writes original + update to `output` and returns
/// the prepared signature. `/Contents` stays zero-filled.
fn sign_placeholder(input: &Path, output: &Path, spec: &SignatureFieldSpec) -> PreparedSignature {
    let file = PdfFile::open(input).expect("input opens");
    let prepared = prepare_signature(&file, spec).expect("signature prepared");
    let mut bytes = std::fs::read(input).expect("read input");
    bytes.extend_from_slice(&prepared.update.bytes);
    std::fs::write(output, &bytes).expect("write output");
    prepared
}

fn spec_with_time() -> SignatureFieldSpec {
    let mut spec = SignatureFieldSpec::invisible(8192);
    spec.values.signing_time = Some("D:20261123100000+07'00'".into());
    spec.values.name = Some("Nguyễn Văn An".into());
    spec.values.reason = Some("Ký duyệt".into());
    spec
}

/// Names of the form's fields, by walking /AcroForm /Fields (one level, enough here).
fn field_names(file: &PdfFile) -> Vec<String> {
    let Some(acroform) = file.acroform().expect("acroform readable") else {
        return Vec::new();
    };
    let fields = file
        .resolve(acroform.get(b"Fields").expect("/Fields"))
        .expect("fields resolve");
    fields
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            let dict = file.resolve(f).expect("field resolves");
            let t = dict.as_dict().and_then(|d| d.get(b"T")).cloned();
            t.and_then(|t| t.as_string().map(|s| decode_text_string(&s.bytes)))
                .unwrap_or_default()
        })
        .collect()
}

// ---- Reading the fixtures --------------------------------------------------------------------

#[test]
fn fixtures_of_every_kind_open_with_their_pages() {
    let dir = tempfile::tempdir().expect("temp dir");
    for kind in FixtureKind::ALL {
        let path = fixtures::write_fixture(kind, dir.path(), 3).expect("fixture");
        let file = PdfFile::open(&path).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_eq!(file.page_count().expect("pages"), 3, "{kind:?}");
        assert_eq!(qpdf_pages(&path), Some(3), "{kind:?}");
        let expected_kind = match kind {
            FixtureKind::ObjectStreams => XrefKind::Stream,
            FixtureKind::Linearized | FixtureKind::Classic | FixtureKind::Hybrid => XrefKind::Table,
        };
        assert_eq!(file.last_xref_kind(), expected_kind, "{kind:?}");
        assert!(file.catalog().expect("catalog").contains_key(b"Pages"));
        // Pages are distinct objects, and the last page is page 2.
        let first = file.page(0).expect("first page");
        let last = file.page(-1).expect("last page");
        assert_ne!(first.id, last.id);
        assert_eq!(file.page(2).expect("page 2").id, last.id);
        assert!(matches!(
            file.page(3),
            Err(PdfError::PageOutOfRange { index: 3, count: 3 })
        ));
        assert!(matches!(
            file.page(-4),
            Err(PdfError::PageOutOfRange { .. })
        ));
        assert_eq!(first.dict.get_name(b"Type"), Some(&b"Page"[..]));
        // The content stream decodes (qpdf compresses it in the object-stream variant).
        let contents = file
            .resolve(first.dict.get(b"Contents").expect("/Contents"))
            .expect("contents");
        let data = file
            .stream_data(contents.as_stream().expect("stream"))
            .expect("decoded");
        assert!(
            data.windows(16).any(|w| w == b"Kyso test page 1"),
            "{kind:?}"
        );
    }
}

#[test]
fn hybrid_file_needs_its_xref_stream() {
    let bytes = fixtures::hybrid_pdf(2);
    let file = PdfFile::from_bytes(bytes).expect("hybrid opens");
    let section = &file.sections_newest_first()[0];
    assert_eq!(section.kind, XrefKind::Table);
    assert!(section.hybrid_stream.is_some());
    // The page tree root is listed only by the /XRefStm stream.
    let root = file
        .catalog()
        .expect("catalog")
        .get(b"Pages")
        .and_then(Object::as_reference)
        .expect("/Pages");
    assert!(matches!(
        file.xref_entry(root.number),
        Some(XrefEntry::Compressed { .. })
    ));
    assert_eq!(file.page_count().expect("pages"), 2);
}

#[test]
fn linearized_chain_starts_at_the_first_page_section() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = fixtures::write_fixture(FixtureKind::Linearized, dir.path(), 4).expect("fixture");
    let file = PdfFile::open(&path).expect("opens");
    let chain = file.sections_newest_first();
    assert_eq!(chain.len(), 2, "first-page section, then the main one");
    // The first-page section sits near the start of the file and points to the main table.
    assert!(chain[0].offset < chain[1].offset);
    assert_eq!(chain[0].prev, Some(chain[1].offset));
    assert_eq!(file.startxref(), chain[0].offset);
    let in_file_order = file.sections();
    assert_eq!(in_file_order[0].offset, chain[0].offset);
}

#[test]
fn spans_locate_dictionary_values() {
    let bytes = fixtures::classic_pdf(1);
    let file = PdfFile::from_bytes(bytes.clone()).expect("opens");
    let Some(XrefEntry::InFile { offset, .. }) = file.xref_entry(1) else {
        panic!("catalog in file");
    };
    let parsed = file.parse_object_at(offset).expect("parses");
    assert_eq!(parsed.id, ObjectId::new(1, 0));
    let pages = parsed
        .entries
        .iter()
        .find(|e| e.key == b"Pages")
        .expect("/Pages entry");
    let value = &bytes[pages.value_span.start as usize..pages.value_span.end as usize];
    assert_eq!(value, b"2 0 R");
    let whole = &bytes[parsed.span.start as usize..parsed.span.end as usize];
    assert!(whole.starts_with(b"1 0 obj") && whole.ends_with(b"endobj"));
}

// ---- Writing updates -------------------------------------------------------------------------

#[test]
fn signature_update_on_every_fixture_kind() {
    let dir = tempfile::tempdir().expect("temp dir");
    for kind in FixtureKind::ALL {
        let input = fixtures::write_fixture(kind, dir.path(), 2).expect("fixture");
        let output = dir.path().join(format!("{kind:?}-signed.pdf"));
        let before = PdfFile::open(&input).expect("input opens");
        let prepared = sign_placeholder(&input, &output, &spec_with_time());
        let original = std::fs::read(&input).expect("input");
        let signed = std::fs::read(&output).expect("output");
        assert!(
            signed.starts_with(&original),
            "{kind:?}: original is a prefix"
        );
        assert_eq!(signed.len() as u64, prepared.total_len());

        // ByteRange covers everything except exactly the <…> of /Contents.
        let [a, b, c, d] = prepared.byte_range;
        assert_eq!(a, 0);
        assert_eq!(signed[b as usize], b'<');
        assert_eq!(signed[c as usize - 1], b'>');
        assert_eq!(c + d, signed.len() as u64);
        let br_text = &signed[prepared.placeholder.byte_range.start as usize
            ..prepared.placeholder.byte_range.end as usize];
        let expected = format!("[0 {b} {c} {d}");
        assert!(br_text.starts_with(expected.as_bytes()), "{kind:?}");
        assert!(br_text.ends_with(b"]"));
        assert_eq!(prepared.contents_capacity(), 8192);

        let (ok, report) = qpdf_check(&output);
        assert!(ok, "{kind:?}: qpdf --check failed:\n{report}");

        let after = PdfFile::open(&output).expect("output opens");
        assert_eq!(after.page_count().expect("pages"), 2);
        assert_eq!(after.last_xref_kind(), before.last_xref_kind(), "{kind:?}");
        let newest = &after.sections_newest_first()[0];
        assert_eq!(newest.prev, Some(before.startxref()), "{kind:?}: /Prev");
        assert_eq!(
            after.sections_newest_first().len(),
            before.sections_newest_first().len() + 1
        );
        assert_eq!(after.trailer().get(b"Root"), before.trailer().get(b"Root"));
        assert_eq!(after.trailer().get(b"ID"), before.trailer().get(b"ID"));
        assert_eq!(field_names(&after), vec!["Signature1".to_string()]);
        assert_eq!(
            after
                .acroform()
                .expect("acroform")
                .and_then(|a| a.get_integer(b"SigFlags")),
            Some(3)
        );
        // The widget is in the first page's /Annots and points back to the page.
        let page = after.page(0).expect("page");
        let annots = after
            .resolve(page.dict.get(b"Annots").expect("/Annots"))
            .expect("annots");
        let widget_ref = annots.as_array().expect("array")[0].clone();
        assert_eq!(widget_ref.as_reference(), Some(prepared.field));
        let widget = after.resolve(&widget_ref).expect("widget");
        let widget = widget.as_dict().expect("dict");
        assert_eq!(widget.get(b"P"), Some(&Object::Reference(page.id)));
        assert_eq!(widget.get_integer(b"F"), Some(132));
        // The signature dictionary reads back with its text strings.
        let sig = after.get(prepared.signature).expect("sig dict");
        let sig = sig.as_dict().expect("dict");
        assert_eq!(
            sig.get_name(b"SubFilter"),
            Some(&b"ETSI.CAdES.detached"[..])
        );
        let name = sig.get(b"Name").and_then(Object::as_string).expect("/Name");
        assert_eq!(decode_text_string(&name.bytes), "Nguyễn Văn An");

        let report = pdfsig(&output);
        assert!(
            report.contains("Signature #1"),
            "{kind:?}: pdfsig:\n{report}"
        );
    }
}

#[test]
fn second_signature_and_signing_into_an_existing_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in.pdf");
    fixtures::write_classic_pdf(&input, 1).expect("fixture");
    let once = dir.path().join("once.pdf");
    sign_placeholder(&input, &once, &spec_with_time());
    let twice = dir.path().join("twice.pdf");
    let prepared = sign_placeholder(&once, &twice, &spec_with_time());
    assert_eq!(prepared.field_name, "Signature2");
    let file = PdfFile::open(&twice).expect("opens");
    assert_eq!(field_names(&file), vec!["Signature1", "Signature2"]);
    let (ok, report) = qpdf_check(&twice);
    assert!(ok, "{report}");
    let report = pdfsig(&twice);
    assert!(report.contains("Signature #2"), "{report}");

    // Naming a field that is signed already is refused.
    let mut spec = spec_with_time();
    spec.field_name = Some("Signature1".into());
    assert!(matches!(
        prepare_signature(&file, &spec),
        Err(PdfError::FieldAlreadySigned(name)) if name == "Signature1"
    ));
}

/// Adds an unsigned signature field and a text field, then signs the empty one by name.
#[test]
fn existing_unsigned_field_gets_the_signature() {
    let original = fixtures::classic_pdf(1);
    let file = PdfFile::from_bytes(original.clone()).expect("opens");
    let mut update = IncrementalUpdate::new(&file);
    let page = file.page(0).expect("page");
    let empty = update.allocate().expect("id");
    let text = update.allocate().expect("id");
    let parent = update.allocate().expect("id");
    let mut widget: Dictionary = [
        ("FT", Object::name("Sig")),
        (
            "T",
            Object::String(PdfString::literal(b"approver".to_vec())),
        ),
        ("Parent", Object::Reference(parent)),
        ("Type", Object::name("Annot")),
        ("Subtype", Object::name("Widget")),
        ("Rect", Object::Array(vec![Object::Integer(0); 4])),
        ("P", Object::Reference(page.id)),
    ]
    .into_iter()
    .collect();
    update.put(empty, Object::Dictionary(widget.clone()));
    widget.insert("FT", Object::name("Tx"));
    widget.insert("T", Object::String(PdfString::literal(b"note".to_vec())));
    update.put(text, Object::Dictionary(widget));
    update.put(
        parent,
        Object::Dictionary(
            [
                ("T", Object::String(PdfString::literal(b"office".to_vec()))),
                (
                    "Kids",
                    Object::Array(vec![Object::Reference(empty), Object::Reference(text)]),
                ),
            ]
            .into_iter()
            .collect(),
        ),
    );
    let fields = update.allocate().expect("id");
    update.put(fields, Object::Array(vec![Object::Reference(parent)]));
    let mut catalog = file.catalog().expect("catalog");
    catalog.insert(
        "AcroForm",
        Object::Dictionary(
            [("Fields", Object::Reference(fields))]
                .into_iter()
                .collect(),
        ),
    );
    update.put(file.catalog_id(), Object::Dictionary(catalog));
    let mut page_dict = page.dict.clone();
    page_dict.insert(
        "Annots",
        Object::Array(vec![Object::Reference(empty), Object::Reference(text)]),
    );
    update.put(page.id, Object::Dictionary(page_dict));
    let finished = update.finish().expect("finish");
    assert!(finished.signature.is_none());
    let mut with_form = original;
    with_form.extend_from_slice(&finished.bytes);
    let file = PdfFile::from_bytes(with_form.clone()).expect("form file opens");

    let mut spec = spec_with_time();
    spec.field_name = Some("office.note".into());
    assert!(matches!(
        prepare_signature(&file, &spec),
        Err(PdfError::FieldNotSignature(name)) if name == "office.note"
    ));
    spec.field_name = Some("office.missing".into());
    assert!(matches!(
        prepare_signature(&file, &spec),
        Err(PdfError::InvalidFieldName(_))
    ));
    spec.field_name = Some("office.approver".into());
    let prepared = prepare_signature(&file, &spec).expect("prepared");
    assert_eq!(prepared.field, empty);
    let mut signed = with_form;
    signed.extend_from_slice(&prepared.update.bytes);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("signed.pdf");
    std::fs::write(&path, &signed).expect("write");
    let (ok, report) = qpdf_check(&path);
    assert!(ok, "{report}");
    let file = PdfFile::open(&path).expect("opens");
    let field = file.get(empty).expect("field");
    assert_eq!(
        field.as_dict().and_then(|d| d.get(b"V")),
        Some(&Object::Reference(prepared.signature))
    );
    // No new field was added: /Fields still holds only the parent.
    let acroform = file.acroform().expect("acroform").expect("present");
    assert_eq!(acroform.get_integer(b"SigFlags"), Some(3));
    let fields = file
        .resolve(acroform.get(b"Fields").expect("fields"))
        .expect("array");
    assert_eq!(fields.as_array().map(Vec::len), Some(1));
}

/// /Annots and /Fields as indirect arrays, AcroForm inline in the catalog.
#[test]
fn indirect_annots_and_fields_arrays_are_updated_in_place() {
    let original = fixtures::classic_pdf(2);
    let file = PdfFile::from_bytes(original.clone()).expect("opens");
    let mut update = IncrementalUpdate::new(&file);
    let page = file.page(1).expect("page 2");
    let annots = update.allocate().expect("id");
    let fields = update.allocate().expect("id");
    update.put(annots, Object::Array(Vec::new()));
    update.put(fields, Object::Array(Vec::new()));
    let mut page_dict = page.dict.clone();
    page_dict.insert("Annots", Object::Reference(annots));
    update.put(page.id, Object::Dictionary(page_dict));
    let mut catalog = file.catalog().expect("catalog");
    catalog.insert(
        "AcroForm",
        Object::Dictionary(
            [("Fields", Object::Reference(fields))]
                .into_iter()
                .collect(),
        ),
    );
    update.put(file.catalog_id(), Object::Dictionary(catalog));
    let mut bytes = original;
    bytes.extend_from_slice(&update.finish().expect("finish").bytes);
    let file = PdfFile::from_bytes(bytes.clone()).expect("opens");

    let mut spec = spec_with_time();
    spec.page = -1;
    spec.field_name = Some("Chữ ký Giám đốc".into());
    let prepared = prepare_signature(&file, &spec).expect("prepared");
    bytes.extend_from_slice(&prepared.update.bytes);
    let file = PdfFile::from_bytes(bytes.clone()).expect("signed opens");
    assert_eq!(
        file.get(annots).expect("annots"),
        Object::Array(vec![Object::Reference(prepared.field)])
    );
    assert_eq!(
        file.get(fields).expect("fields"),
        Object::Array(vec![Object::Reference(prepared.field)])
    );
    assert_eq!(field_names(&file), vec!["Chữ ký Giám đốc".to_string()]);
    // The AcroForm stays inline in the catalog, now with /SigFlags.
    let catalog = file.catalog().expect("catalog");
    let acroform = catalog
        .get(b"AcroForm")
        .and_then(Object::as_dict)
        .expect("inline");
    assert_eq!(acroform.get_integer(b"SigFlags"), Some(3));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("signed.pdf");
    std::fs::write(&path, &bytes).expect("write");
    let (ok, report) = qpdf_check(&path);
    assert!(ok, "{report}");
}

#[test]
fn appearance_stream_becomes_the_widget_ap() {
    let file = PdfFile::from_bytes(fixtures::classic_pdf(1)).expect("opens");
    let mut spec = spec_with_time();
    spec.rect = [72.0, 72.0, 272.0, 132.0];
    spec.appearance = Some(NewStream {
        dict: [
            ("Type", Object::name("XObject")),
            ("Subtype", Object::name("Form")),
            (
                "BBox",
                Object::Array(vec![
                    Object::Integer(0),
                    Object::Integer(0),
                    Object::Integer(200),
                    Object::Integer(60),
                ]),
            ),
        ]
        .into_iter()
        .collect(),
        data: b"0 0 1 rg 0 0 200 60 re f\n".to_vec(),
    });
    let prepared = prepare_signature(&file, &spec).expect("prepared");
    let mut bytes = fixtures::classic_pdf(1);
    bytes.extend_from_slice(&prepared.update.bytes);
    let signed = PdfFile::from_bytes(bytes).expect("opens");
    let widget = signed.get(prepared.field).expect("widget");
    let ap = widget
        .as_dict()
        .and_then(|w| w.get(b"AP"))
        .and_then(Object::as_dict)
        .expect("/AP");
    let normal = signed.resolve(ap.get(b"N").expect("/N")).expect("stream");
    let data = signed
        .stream_data(normal.as_stream().expect("stream"))
        .expect("data");
    assert_eq!(data, b"0 0 1 rg 0 0 200 60 re f\n");
}

#[test]
fn changed_stream_keeps_its_data_and_xref_stream_updates_read_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input =
        fixtures::write_fixture(FixtureKind::ObjectStreams, dir.path(), 1).expect("fixture");
    let original = std::fs::read(&input).expect("read");
    let file = PdfFile::open(&input).expect("opens");
    let page = file.page(0).expect("page");
    let contents_id = page
        .dict
        .get(b"Contents")
        .and_then(Object::as_reference)
        .expect("indirect contents");
    let Object::Stream(mut stream) = file.get(contents_id).expect("stream") else {
        panic!("contents is a stream");
    };
    let before = file.stream_data(&stream).expect("decodes");
    stream.dict.insert("KysoMark", Object::Boolean(true));
    let mut update = IncrementalUpdate::new(&file);
    update.put(contents_id, Object::Stream(stream));
    let finished = update.finish().expect("finish");
    let mut bytes = original;
    bytes.extend_from_slice(&finished.bytes);
    let updated = PdfFile::from_bytes(bytes.clone()).expect("opens");
    assert_eq!(updated.last_xref_kind(), XrefKind::Stream);
    let Object::Stream(stream) = updated.get(contents_id).expect("stream") else {
        panic!("still a stream");
    };
    assert_eq!(stream.dict.get(b"KysoMark"), Some(&Object::Boolean(true)));
    assert_eq!(updated.stream_data(&stream).expect("decodes"), before);
    let path = dir.path().join("updated.pdf");
    std::fs::write(&path, &bytes).expect("write");
    let (ok, report) = qpdf_check(&path);
    assert!(ok, "{report}");
}

#[test]
fn contents_fill_and_signed_parts() {
    let original = fixtures::classic_pdf(1);
    let file = PdfFile::from_bytes(original.clone()).expect("opens");
    let mut prepared = prepare_signature(&file, &SignatureFieldSpec::invisible(16)).expect("ok");
    assert!(matches!(
        prepared.fill_contents(&[0xab; 17]),
        Err(PdfError::PlaceholderTooSmall {
            needed: 17,
            reserved: 16,
            ..
        })
    ));
    prepared.fill_contents(&[0xab; 3]).expect("fits");
    let mut bytes = original.clone();
    bytes.extend_from_slice(&prepared.update.bytes);
    let [_, b, c, _] = prepared.byte_range;
    assert_eq!(
        &bytes[b as usize..c as usize],
        b"<ABABAB00000000000000000000000000>"
    );
    // What the signer hashes: original + parts == file minus the gap.
    let [head, tail] = prepared.signed_update_parts().expect("parts");
    let mut covered = original;
    covered.extend_from_slice(head);
    covered.extend_from_slice(tail);
    let mut expected = bytes[..b as usize].to_vec();
    expected.extend_from_slice(&bytes[c as usize..]);
    assert_eq!(covered, expected);
}

#[test]
fn update_without_trailing_newline_starts_a_new_line() {
    let mut original = fixtures::classic_pdf(1);
    assert_eq!(original.pop(), Some(b'\n'));
    let file = PdfFile::from_bytes(original.clone()).expect("opens without final EOL");
    let prepared = prepare_signature(&file, &SignatureFieldSpec::invisible(64)).expect("ok");
    assert_eq!(prepared.update.bytes[0], b'\n');
    let mut bytes = original;
    bytes.extend_from_slice(&prepared.update.bytes);
    let signed = PdfFile::from_bytes(bytes).expect("opens");
    assert_eq!(field_names(&signed), vec!["Signature1"]);
}

// ---- The corpus of real signed PDFs ---------------------------------------------------------

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("corpus present")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    assert!(files.len() >= 80, "corpus has {} files", files.len());
    files
}

#[test]
fn corpus_files_open_or_give_a_typed_error() {
    let mut opened = 0;
    let mut refused = Vec::new();
    for path in corpus_files() {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        match PdfFile::open(&path) {
            Ok(file) => {
                opened += 1;
                let pages = file
                    .page_count()
                    .unwrap_or_else(|e| panic!("{name}: page count: {e}"));
                assert_eq!(Some(pages), qpdf_pages(&path), "{name}");
                file.catalog().expect("catalog");
                file.docmdp_permission()
                    .unwrap_or_else(|e| panic!("{name}: DocMDP: {e}"));
            }
            Err(e) => {
                use crate::message::Explain;
                let message = e.message();
                assert!(!message.vi.is_empty() && !message.en.is_empty());
                refused.push((name, message.code));
            }
        }
    }
    // Only the encrypted file is refused. (itext_drv_twoCertificationSignatures.pdf has a
    // /Prev one byte before `xref`, on the line end: within the white-space tolerance.)
    assert_eq!(
        refused,
        vec![(
            "itext_svi_encryptedDoc.pdf".to_string(),
            "encrypted".to_string()
        )],
        "{opened} opened"
    );
}

#[test]
fn corpus_encrypted_file_is_refused() {
    let path = Path::new(CORPUS).join("itext_svi_encryptedDoc.pdf");
    assert!(matches!(PdfFile::open(&path), Err(PdfError::Encrypted)));
}

#[test]
fn corpus_docmdp_levels() {
    for (name, expected) in [
        ("itext_drv_fullCompressionModeLevel1.pdf", Some(1)),
        ("itext_svi_validateSingleSignature2.pdf", Some(1)),
        ("itext_drv_fullCompressionModeLevel2.pdf", Some(2)),
        ("itext_drv_fullCompressionModeLevel3.pdf", Some(3)),
        ("itext_pades_B-B.pdf", None),
    ] {
        let file = PdfFile::open(Path::new(CORPUS).join(name)).expect(name);
        assert_eq!(file.docmdp_permission().expect(name), expected, "{name}");
        let allowed = file.ensure_changes_permitted();
        if expected == Some(1) {
            assert!(
                matches!(allowed, Err(PdfError::CertifiedNoChanges)),
                "{name}"
            );
        } else {
            assert!(allowed.is_ok(), "{name}");
        }
    }
}

#[test]
fn corpus_signed_files_take_another_signature() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in [
        "pyhanko_pades-with-old-style-signing-cert-attr-issser.pdf",
        "itext_drv_fullCompressionModeLevel3.pdf",
        "itext_drv_linearizedDoc.pdf",
        "dss_pades-ltv-with-reason.pdf",
    ] {
        let input = Path::new(CORPUS).join(name);
        let output = dir.path().join(name);
        let before = PdfFile::open(&input).expect(name);
        let names_before = field_names(&before);
        let prepared = sign_placeholder(&input, &output, &spec_with_time());
        assert!(!names_before.contains(&prepared.field_name), "{name}");
        let (ok, report) = qpdf_check(&output);
        assert!(ok, "{name}: {report}");
        let after = PdfFile::open(&output).expect(name);
        assert_eq!(after.last_xref_kind(), before.last_xref_kind(), "{name}");
        assert_eq!(after.page_count().ok(), before.page_count().ok(), "{name}");
        assert_eq!(field_names(&after).len(), names_before.len() + 1, "{name}");
    }
}

// ---- Refusals --------------------------------------------------------------------------------

/// `haystack` with the first occurrence of `from` (searched from `after`) replaced by `to`.
fn replace_once(haystack: &[u8], after: usize, from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = after
        + haystack[after..]
            .windows(from.len())
            .position(|w| w == from)
            .unwrap_or_else(|| panic!("{:?} not found", String::from_utf8_lossy(from)));
    let mut out = haystack[..at].to_vec();
    out.extend_from_slice(to);
    out.extend_from_slice(&haystack[at + from.len()..]);
    out
}

fn open_err(bytes: Vec<u8>) -> PdfError {
    match PdfFile::from_bytes(bytes) {
        Ok(_) => panic!("opened a file that should be refused"),
        Err(e) => e,
    }
}

fn code(e: &PdfError) -> String {
    use crate::message::Explain;
    e.message().code
}

#[test]
fn not_a_pdf() {
    let e = open_err(b"PK\x03\x04 this is a zip file".to_vec());
    assert!(matches!(e, PdfError::NotPdf));
    assert_eq!(code(&e), "not-pdf");
    let mut late = vec![b' '; 2000];
    late.extend_from_slice(&fixtures::classic_pdf(1));
    assert!(matches!(open_err(late), PdfError::NotPdf));
    assert!(matches!(open_err(Vec::new()), PdfError::NotPdf));
}

#[test]
fn truncated_file() {
    let full = fixtures::classic_pdf(3);
    let half = full[..full.len() / 2].to_vec();
    let e = open_err(half);
    assert!(matches!(
        e,
        PdfError::Truncated(TruncatedReason::NoStartxref)
    ));
    assert_eq!(code(&e), "truncated");
    let no_eof = full[..full.len() - 6].to_vec();
    assert!(matches!(
        open_err(no_eof),
        PdfError::Truncated(TruncatedReason::NoEof)
    ));
    // Tolerated: a little garbage after %%EOF.
    let mut trailing = full.clone();
    trailing.extend_from_slice(b"\r\n\0\0garbage\n");
    PdfFile::from_bytes(trailing).expect("trailing bytes after %%EOF are tolerated");
}

/// Replaces the number after the last `startxref`.
fn with_startxref(bytes: &[u8], value: u64) -> Vec<u8> {
    let at = bytes
        .windows(9)
        .rposition(|w| w == b"startxref")
        .expect("startxref");
    let mut out = bytes[..at].to_vec();
    out.extend_from_slice(format!("startxref\n{value}\n%%EOF\n").as_bytes());
    out
}

#[test]
fn broken_startxref() {
    let full = fixtures::classic_pdf(1);
    let xref = full
        .windows(6)
        .rposition(|w| w == b"\nxref\n")
        .expect("xref") as u64
        + 1;
    let e = open_err(with_startxref(&full, xref + 7));
    assert!(matches!(
        e,
        PdfError::BrokenXref(XrefProblem::NotAnXrefSection { .. })
    ));
    assert_eq!(code(&e), "broken-xref");
    assert!(matches!(
        open_err(with_startxref(&full, 10_000_000)),
        PdfError::BrokenXref(XrefProblem::NotAnXrefSection { .. })
    ));
    // Tolerated: startxref pointing at the line end just before `xref`.
    let at_eol = full[..xref as usize].ends_with(b"\n");
    assert!(at_eol);
    PdfFile::from_bytes(with_startxref(&full, xref - 1)).expect("whitespace before xref");
}

#[test]
fn xref_entry_pointing_at_the_wrong_object() {
    let full = fixtures::classic_pdf(1);
    let xref = full
        .windows(6)
        .rposition(|w| w == b"\nxref\n")
        .expect("xref")
        + 1;
    // Entries are 20 bytes each after "xref\n0 N\n".
    let first_entry = xref
        + full[xref..]
            .iter()
            .skip(5)
            .position(|&b| b == b'\n')
            .expect("line")
        + 6;
    let entry = |n: usize| full[first_entry + 20 * n..first_entry + 20 * (n + 1)].to_vec();
    // Swap the entries of objects 3 and 4.
    let mut swapped = full.clone();
    swapped[first_entry + 60..first_entry + 80].copy_from_slice(&entry(4));
    swapped[first_entry + 80..first_entry + 100].copy_from_slice(&entry(3));
    let e = open_err(swapped);
    assert!(
        matches!(
            e,
            PdfError::BrokenXref(XrefProblem::WrongObjectAtOffset { .. })
        ),
        "{e}"
    );
    // An offset two bytes off lands inside the object header: also broken.
    let offset: u64 = String::from_utf8_lossy(&entry(1)[..10])
        .parse()
        .expect("offset");
    let mut shifted = full.clone();
    shifted[first_entry + 20..first_entry + 30]
        .copy_from_slice(format!("{:010}", offset + 2).as_bytes());
    assert!(matches!(
        open_err(shifted),
        PdfError::BrokenXref(XrefProblem::WrongObjectAtOffset { .. })
    ));
    // Tolerated: an offset pointing at the line end just before the object.
    let mut before = full.clone();
    before[first_entry + 20..first_entry + 30]
        .copy_from_slice(format!("{:010}", offset - 1).as_bytes());
    PdfFile::from_bytes(before).expect("whitespace before N G obj");
}

#[test]
fn prev_loop_in_an_update() {
    // An update whose /Prev points at its own xref section.
    let mut bytes = fixtures::classic_pdf(1);
    let xref = bytes.len() as u64;
    bytes.extend_from_slice(
        format!(
            "xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size 7 /Root 1 0 R /Prev {xref} >>\n\
             startxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    let e = open_err(bytes);
    assert!(
        matches!(e, PdfError::BrokenXref(XrefProblem::PrevLoop { .. })),
        "{e}"
    );
}

#[test]
fn missing_catalog_is_broken() {
    let full = fixtures::classic_pdf(1);
    let no_root = replace_once(&full, 0, b"/Root 1 0 R", b"/Rooo 1 0 R");
    assert!(matches!(
        open_err(no_root),
        PdfError::BrokenXref(XrefProblem::NoCatalog)
    ));
    let wrong_root = replace_once(&full, 0, b"/Root 1 0 R", b"/Root 3 0 R");
    // Object 3 is the font: a dictionary, but the page tree is then missing.
    let file = PdfFile::from_bytes(wrong_root).expect("opens");
    assert!(matches!(
        file.page_count(),
        Err(PdfError::Structure(StructureProblem::NoPageTree))
    ));
}

#[test]
fn encrypted_trailer_is_refused() {
    let full = fixtures::classic_pdf(1);
    let encrypted = replace_once(&full, 0, b"/Info 4 0 R", b"/Encrypt 4 0 R");
    let e = open_err(encrypted);
    assert!(matches!(e, PdfError::Encrypted));
    assert_eq!(code(&e), "encrypted");
}

#[test]
fn docmdp_p1_crafted() {
    let original = fixtures::classic_pdf(1);
    let file = PdfFile::from_bytes(original.clone()).expect("opens");
    assert_eq!(file.docmdp_permission().expect("ok"), None);
    let mut update = IncrementalUpdate::new(&file);
    let sig = update.allocate().expect("id");
    let params: Dictionary = [
        ("Type", Object::name("TransformParams")),
        ("P", Object::Integer(1)),
    ]
    .into_iter()
    .collect();
    let reference: Dictionary = [
        ("Type", Object::name("SigRef")),
        ("TransformMethod", Object::name("DocMDP")),
        ("TransformParams", Object::Dictionary(params)),
    ]
    .into_iter()
    .collect();
    let sig_dict: Dictionary = [
        ("Type", Object::name("Sig")),
        (
            "Reference",
            Object::Array(vec![Object::Dictionary(reference)]),
        ),
    ]
    .into_iter()
    .collect();
    update.put(sig, Object::Dictionary(sig_dict));
    let mut catalog = file.catalog().expect("catalog");
    catalog.insert(
        "Perms",
        Object::Dictionary([("DocMDP", Object::Reference(sig))].into_iter().collect()),
    );
    update.put(file.catalog_id(), Object::Dictionary(catalog));
    let mut bytes = original;
    bytes.extend_from_slice(&update.finish().expect("finish").bytes);
    let file = PdfFile::from_bytes(bytes).expect("opens");
    assert_eq!(file.docmdp_permission().expect("ok"), Some(1));
    let e = file.ensure_changes_permitted().expect_err("refused");
    assert_eq!(code(&e), "certified-no-changes");
}

// ---- Hostile input ---------------------------------------------------------------------------

/// A file whose catalog's page tree (object 2) is `object`, written as given.
fn with_object(object: &[u8]) -> Vec<u8> {
    let mut w = fixtures::FixtureWriter::new(Vec::new(), "1.4").expect("vec");
    let catalog = w.position();
    w.raw(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
        .expect("vec");
    let pages = w.position();
    w.raw(b"2 0 obj\n").expect("vec");
    w.raw(object).expect("vec");
    w.raw(b"\nendobj\n").expect("vec");
    let xref = w.position();
    let tail = format!(
        "xref\n0 3\n0000000000 65535 f\r\n{catalog:010} 00000 n\r\n{pages:010} 00000 n\r\n\
         trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    );
    w.raw(tail.as_bytes()).expect("vec");
    w.into_inner()
}

#[test]
fn hostile_deep_nesting() {
    let mut object = vec![b'['; 100_000];
    object.extend(vec![b']'; 100_000]);
    let file = PdfFile::from_bytes(with_object(&object)).expect("opens (object 2 is lazy)");
    let e = file.get(ObjectId::new(2, 0)).expect_err("refused");
    assert!(
        matches!(
            e,
            PdfError::LimitExceeded {
                limit: Limit::NestingDepth(_),
                ..
            }
        ),
        "{e}"
    );
    assert!(file.page_count().is_err());
}

#[test]
fn hostile_huge_length() {
    let file = PdfFile::from_bytes(with_object(
        b"<< /Type /Pages /Kids [] /Count 0 /Length 99999999999 >>\nstream\nabc\nendstream",
    ))
    .expect("opens");
    let e = file.get(ObjectId::new(2, 0)).expect_err("refused");
    assert!(
        matches!(e, PdfError::Truncated(TruncatedReason::EndOfFile)),
        "{e}"
    );
    let file = PdfFile::from_bytes(with_object(b"<< /Length 2 >>\nstream\nabc\nendstream"))
        .expect("opens");
    let e = file.get(ObjectId::new(2, 0)).expect_err("wrong /Length");
    assert!(
        matches!(
            e,
            PdfError::Structure(StructureProblem::BadStreamLength { .. })
        ),
        "{e}"
    );
}

/// A file whose catalog sits in an object stream described by `objstm_dict` and `data`.
fn with_object_stream(objstm_dict: &str, data: &[u8]) -> Vec<u8> {
    let mut w = fixtures::FixtureWriter::new(Vec::new(), "1.5").expect("vec");
    let stream_offset = w.position();
    w.raw(
        format!(
            "2 0 obj\n<< /Type /ObjStm {objstm_dict} /Length {} >>\nstream\n",
            data.len()
        )
        .as_bytes(),
    )
    .expect("vec");
    w.raw(data).expect("vec");
    w.raw(b"\nendstream\nendobj\n").expect("vec");
    let xref_offset = w.position();
    // Xref stream (object 3): 0 free, 1 in stream 2 index 0, 2 at stream_offset, 3 itself.
    let mut rows = Vec::new();
    rows.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    rows.extend_from_slice(&[2, 0, 0, 0, 2, 0]);
    rows.push(1);
    rows.extend_from_slice(&(stream_offset as u32).to_be_bytes());
    rows.push(0);
    rows.push(1);
    rows.extend_from_slice(&(xref_offset as u32).to_be_bytes());
    rows.push(0);
    w.raw(
        format!(
            "3 0 obj\n<< /Type /XRef /Size 4 /W [1 4 1] /Root 1 0 R /Length {} >>\nstream\n",
            rows.len()
        )
        .as_bytes(),
    )
    .expect("vec");
    w.raw(&rows).expect("vec");
    w.raw(format!("\nendstream\nendobj\nstartxref\n{xref_offset}\n%%EOF\n").as_bytes())
        .expect("vec");
    w.into_inner()
}

#[test]
fn object_stream_fixture_reads() {
    let body = b"1 0 << /Type /Catalog /Pages 4 0 R >>";
    let bytes = with_object_stream("/N 1 /First 4", body);
    let file = PdfFile::from_bytes(bytes).expect("valid object stream opens");
    assert!(file.catalog().expect("catalog").contains_key(b"Pages"));
}

#[test]
fn hostile_object_stream_counts() {
    let body = b"1 0 << /Type /Catalog >>";
    let e = open_err(with_object_stream("/N 4000000000 /First 4", body));
    assert!(
        matches!(
            e,
            PdfError::LimitExceeded {
                limit: Limit::ObjectStreamObjects(_),
                ..
            }
        ),
        "{e}"
    );
    let e = open_err(with_object_stream("/N 100000 /First 4", body));
    assert!(
        matches!(
            e,
            PdfError::BrokenXref(XrefProblem::NoCatalog | XrefProblem::BadObjectStream { .. })
        ),
        "{e}"
    );
    let e = open_err(with_object_stream("/N 1 /First 999999", body));
    assert!(matches!(e, PdfError::BrokenXref(_)), "{e}");
}

#[test]
fn hostile_flate_bomb_in_object_stream() {
    let mut plain = b"1 0 << /Type /Catalog >>".to_vec();
    plain.resize(200 << 20, b' ');
    let bomb = super::filter::deflate(&plain);
    assert!(bomb.len() < 1 << 20);
    let e = open_err(with_object_stream(
        "/N 1 /First 4 /Filter /FlateDecode",
        &bomb,
    ));
    assert!(
        matches!(
            e,
            PdfError::LimitExceeded {
                limit: Limit::DecodedSize(_),
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn hostile_page_tree_loop() {
    let full = fixtures::classic_pdf(2);
    // The second kid points back at the page tree root.
    let looped = replace_once(&full, 0, b"/Kids [5 0 R 7 0 R]", b"/Kids [5 0 R 2 0 R]");
    let file = PdfFile::from_bytes(looped).expect("opens");
    assert!(matches!(
        file.page_count(),
        Err(PdfError::Structure(StructureProblem::BadPageTree { .. }))
    ));
}

#[test]
fn hostile_random_mutations_never_panic() {
    // Deterministic byte flips over a small fixture: every outcome is Ok or a typed error.
    let original = fixtures::hybrid_pdf(2);
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..300 {
        let mut bytes = original.clone();
        for _ in 0..4 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = (state % bytes.len() as u64) as usize;
            bytes[at] = (state >> 32) as u8;
        }
        if let Ok(file) = PdfFile::from_bytes(bytes) {
            let _ = file.page_count();
            let _ = file.page(-1);
            let _ = prepare_signature(&file, &SignatureFieldSpec::invisible(16));
        }
    }
}

/// Opens a generated 100 MB file and prepares a signature; run with `--ignored` under
/// `/usr/bin/time -v` to see the peak memory (the file is never loaded whole).
#[test]
#[ignore = "writes 100 MB; a benchmark aid"]
fn large_file_is_read_lazily() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("large.pdf");
    fixtures::write_sample_pdf(&path, 3, 100 << 20).expect("sample");
    assert!(std::fs::metadata(&path).expect("meta").len() > 100 << 20);
    let start = std::time::Instant::now();
    let file = PdfFile::open(&path).expect("opens");
    let prepared = prepare_signature(&file, &spec_with_time()).expect("prepared");
    eprintln!(
        "open + prepare: {:?}, update {} bytes",
        start.elapsed(),
        prepared.update.bytes.len()
    );
    assert_eq!(file.page_count().expect("pages"), 3);
}

#[test]
fn every_object_of_every_corpus_file_parses() {
    let mut corrupt = Vec::new();
    for path in corpus_files() {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let Ok(file) = PdfFile::open(&path) else {
            continue;
        };
        let mut numbers: Vec<u32> = (0..file.next_object_number()).collect();
        numbers.retain(|&n| !matches!(file.xref_entry(n), None | Some(XrefEntry::Free { .. })));
        for number in numbers {
            let generation = match file.xref_entry(number) {
                Some(XrefEntry::InFile { generation, .. }) => generation,
                _ => 0,
            };
            let object = file
                .get(ObjectId::new(number, generation))
                .unwrap_or_else(|e| panic!("{name}: object {number}: {e}"));
            if let Object::Stream(stream) = &object {
                match file.stream_data(stream) {
                    Ok(_) | Err(PdfError::UnsupportedFilter(_)) => {}
                    Err(PdfError::Syntax {
                        what: "corrupt FlateDecode data",
                        ..
                    }) => corrupt.push((name.clone(), number)),
                    Err(e) => panic!("{name}: stream {number}: {e}"),
                }
            }
        }
    }
    // qpdf cannot inflate these three streams either ("invalid distance too far back").
    let damaged = "itext_pkcs7_embeddedTimeStampCorruptedSignature.pdf".to_string();
    assert_eq!(
        corrupt,
        vec![(damaged.clone(), 5), (damaged.clone(), 12), (damaged, 14)]
    );
}

/// Opens a 100 000-page file (200 000 objects); a benchmark aid for the open-time xref check.
#[test]
#[ignore = "benchmark aid"]
fn many_objects_open_quickly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("many.pdf");
    fixtures::write_classic_pdf(&path, 100_000).expect("fixture");
    let start = std::time::Instant::now();
    let file = PdfFile::open(&path).expect("opens");
    let opened = start.elapsed();
    let prepared = prepare_signature(&file, &spec_with_time()).expect("prepared");
    eprintln!(
        "{} bytes: open {opened:?}, open + prepare {:?}",
        file.len(),
        start.elapsed()
    );
    assert!(prepared.total_len() > file.len());
}
