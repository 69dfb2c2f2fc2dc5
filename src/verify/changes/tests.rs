//! Tests of the change analysis: the corpus of real files, and attacks built by the tests.

use super::analyse;
use crate::pdf::PdfFile;
use crate::verify::discovery::find_signatures;
use crate::verify::report::Modifications;
use crate::verify::revisions::Revisions;

/// The corpus of real signed PDFs (`../shared/corpus`), with the verdict each file's source
/// asserts (MANIFEST.tsv). For every file the worst `modifications` over its signatures must
/// agree: `valid` → none or allowed; `intact-with-changes` → allowed; `intact-but-modified` →
/// disallowed. Other verdicts (invalid, indeterminate) are about integrity or trust and are not
/// compared here. Disagreements must be listed in [`KNOWN_DIFFERENCES`] with their reason.
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");

/// Files where Kyso's change analysis knowingly disagrees with the source's verdict.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

#[test]
fn corpus_modifications_agree_with_the_manifest() {
    let manifest = std::fs::read_to_string(format!("{CORPUS}/MANIFEST.tsv")).expect("manifest");
    let mut rows = manifest.lines();
    let header: Vec<&str> = rows.next().expect("header").split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (file_col, verdict_col) = (column("file"), column("expected_verdict"));
    let mut disagreements = Vec::new();
    let mut compared = 0;
    for row in rows {
        let cells: Vec<&str> = row.split('\t').collect();
        let (name, verdict) = (cells[file_col], cells[verdict_col]);
        let expected: &[Modifications] = match verdict {
            "valid" => &[Modifications::None, Modifications::Allowed],
            "intact-with-changes" => &[Modifications::Allowed],
            "intact-but-modified" => &[Modifications::Disallowed],
            _ => continue,
        };
        compared += 1;
        let found = worst_modifications(&format!("{CORPUS}/pdfs/{name}"));
        if !found.as_ref().is_ok_and(|m| expected.contains(m)) {
            disagreements.push((name.to_owned(), verdict.to_owned(), found));
        }
    }
    assert!(compared > 60, "only {compared} files compared");
    let unexplained: Vec<_> = disagreements
        .iter()
        .filter(|(name, ..)| !KNOWN_DIFFERENCES.iter().any(|(known, _)| known == name))
        .collect();
    assert!(
        unexplained.is_empty(),
        "disagreements not in KNOWN_DIFFERENCES: {unexplained:#?}"
    );
    // A known difference that no longer happens must leave the list.
    for (known, reason) in KNOWN_DIFFERENCES {
        assert!(
            disagreements.iter().any(|(name, ..)| name == known),
            "{known} agrees now ({reason}): remove it from KNOWN_DIFFERENCES"
        );
    }
}

/// The worst modifications level over all signatures of a file.
fn worst_modifications(path: &str) -> Result<Modifications, String> {
    let file = PdfFile::open(path).map_err(|e| e.to_string())?;
    let revisions = Revisions::split(&file).map_err(|e| e.to_string())?;
    let signatures = find_signatures(&file).map_err(|e| e.to_string())?;
    let mut worst = Modifications::None;
    for end in signatures.iter().filter_map(|s| s.byte_range.covered_end()) {
        worst = worst.max(analyse(&file, &revisions, end).level);
    }
    Ok(worst)
}

// --- Attacks built by the tests on documents Kyso signs -------------------------------------

use std::sync::OnceLock;

use super::{Change, ChangeKind, ModificationFacts};
use crate::pdf::fixtures::{FixtureKind, classic_pdf, write_fixture};
use crate::pdf::{Dictionary, Object, ObjectId, PdfString};
use crate::pki::demo::{DemoOptions, DemoPki};
use crate::sign::{SignatureRequest, sign_document};
use crate::token::{SignerOptions, SoftwareSigner};
use crate::verify::attacks;

/// One demo PKI for these tests (RSA key generation dominates); only its PEM is used.
fn pki() -> &'static DemoPki {
    static PKI: OnceLock<DemoPki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        DemoPki::generate(dir.path(), &DemoOptions::default()).expect("demo PKI")
    })
}

/// Kyso's software signer over the demo P-256 person.
fn signer() -> SoftwareSigner {
    let person = &pki().ec_person;
    SoftwareSigner::from_pem(
        &person.key_pkcs8_pem,
        &person.certificate_pem,
        None,
        SignerOptions::default(),
    )
    .expect("software signer")
}

/// Signs `pdf` with Kyso's signing pipeline (an approval signature, invisible, page 1).
fn kyso_sign(pdf: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let (input, output) = (dir.path().join("in.pdf"), dir.path().join("out.pdf"));
    std::fs::write(&input, pdf).expect("write input");
    sign_document(
        &signer(),
        &input,
        &output,
        &SignatureRequest::default(),
        false,
    )
    .expect("Kyso signs");
    std::fs::read(&output).expect("read output")
}

/// The facts about the signature whose covered part is `0..covered_end`.
fn facts(pdf: &[u8], covered_end: usize) -> ModificationFacts {
    let file = PdfFile::from_bytes(pdf.to_vec()).expect("the attacked file still opens");
    let revisions = Revisions::split(&file).expect("splits");
    analyse(&file, &revisions, covered_end as u64)
}

fn has(facts: &ModificationFacts, allowed: bool, pick: impl Fn(&ChangeKind) -> bool) -> bool {
    facts
        .changes
        .iter()
        .any(|c: &Change| c.allowed == allowed && pick(&c.kind))
}

fn assert_disallowed(facts: &ModificationFacts, pick: impl Fn(&ChangeKind) -> bool) {
    assert_eq!(facts.level, Modifications::Disallowed, "{facts:#?}");
    assert!(
        has(facts, false, pick),
        "expected change missing: {facts:#?}"
    );
}

fn assert_allowed(facts: &ModificationFacts, pick: impl Fn(&ChangeKind) -> bool) {
    assert_eq!(facts.level, Modifications::Allowed, "{facts:#?}");
    assert!(
        has(facts, true, pick),
        "expected change missing: {facts:#?}"
    );
}

/// The object number of page 1's content stream in the classic fixture.
const PAGE_ONE_CONTENT: ObjectId = ObjectId::new(6, 0);
/// The Helvetica font of the classic fixture.
const FIXTURE_FONT: ObjectId = ObjectId::new(3, 0);

fn helvetica_bold() -> Object {
    [
        ("Type", Object::name("Font")),
        ("Subtype", Object::name("Type1")),
        ("BaseFont", Object::name("Helvetica-Bold")),
    ]
    .into_iter()
    .collect::<Dictionary>()
    .into()
}

#[test]
fn a_signature_nothing_follows_has_no_modifications() {
    let signed = kyso_sign(&classic_pdf(2));
    let facts = facts(&signed, signed.len());
    assert_eq!(facts.level, Modifications::None);
    assert!(facts.changes.is_empty());
    assert_eq!(facts.signed_revision, Some(2));
    // The covered end the signature declares is the one used here.
    let file = PdfFile::from_bytes(signed.clone()).expect("opens");
    let ends: Vec<u64> = find_signatures(&file)
        .expect("signatures")
        .iter()
        .filter_map(|s| s.byte_range.covered_end())
        .collect();
    assert_eq!(ends, vec![signed.len() as u64]);
}

#[test]
fn a_second_approval_signature_by_kyso_is_allowed() {
    let first = kyso_sign(&classic_pdf(1));
    let second = kyso_sign(&first);
    let facts = facts(&second, first.len());
    assert_allowed(
        &facts,
        |k| matches!(k, ChangeKind::SignatureAdded { field, visible: false } if field == "Signature2"),
    );
    assert!(facts.changes.iter().all(|c| c.allowed), "{facts:#?}");
}

#[test]
fn validation_data_added_later_is_allowed() {
    let signed = kyso_sign(&classic_pdf(1));
    let extended = attacks::add_dss(&signed, &[pki().root.certificate_der.clone()]).unwrap();
    assert_allowed(&facts(&extended, signed.len()), |k| {
        *k == ChangeKind::ValidationDataAdded
    });
}

/// ISA: after signing, an update overwrites page 1's content stream.
#[test]
fn incremental_saving_attack_replacing_page_content_is_disallowed() {
    let signed = kyso_sign(&classic_pdf(2));
    let attacked =
        attacks::replace_page_content(&signed, 0, b"BT /F1 24 Tf 72 720 Td (Pay 1,000,000) Tj ET")
            .unwrap();
    let facts = facts(&attacked, signed.len());
    assert_disallowed(&facts, |k| *k == ChangeKind::PageContentChanged { page: 1 });
    let change = facts.disallowed().next().expect("a disallowed change");
    assert_eq!(change.object, Some(PAGE_ONE_CONTENT));
    assert_eq!(
        change.message.vi,
        "Nội dung trang 1 đã bị thay đổi sau khi ký"
    );
    assert_eq!(
        change.message.en,
        "The content of page 1 changed after signing"
    );
}

/// Shadow hide: a content stream is in the signed document but nothing draws it; after
/// signing, an update makes page 1 draw it too.
#[test]
fn shadow_hide_revealing_an_unreferenced_stream_is_disallowed() {
    let (prepared, hidden) = attacks::with_unreferenced_stream(
        &classic_pdf(1),
        Dictionary::new(),
        b"BT /F1 24 Tf 72 500 Td (Hidden until signed) Tj ET",
    )
    .unwrap();
    let signed = kyso_sign(&prepared);
    let attacked = attacks::reveal_on_page(&signed, 0, hidden).unwrap();
    assert_disallowed(&facts(&attacked, signed.len()), |k| {
        *k == ChangeKind::PageContentChanged { page: 1 }
    });
}

/// Shadow hide through the annotation list: a FreeText annotation with an appearance is in the
/// signed file but on no page; after signing, an update lists it on page 1. A new annotation
/// would be allowed on this approval-only document; revealing a hidden one is not.
#[test]
fn shadow_hide_revealing_an_unlisted_annotation_is_disallowed() {
    let mut hidden = None;
    let prepared = attacks::append_update(&classic_pdf(1), |_, update| {
        let (ap_dict, ap_data) = attacks::appearance(300, 40, "Hidden until signed");
        let ap = update.allocate()?;
        update.put_stream(ap, ap_dict, ap_data);
        let annotation = update.allocate()?;
        let dict: Dictionary = [
            ("Type", Object::name("Annot")),
            ("Subtype", Object::name("FreeText")),
            (
                "Rect",
                Object::Array([72, 600, 372, 640].map(Object::Integer).to_vec()),
            ),
            (
                "AP",
                [("N", Object::Reference(ap))]
                    .into_iter()
                    .collect::<Dictionary>()
                    .into(),
            ),
        ]
        .into_iter()
        .collect();
        update.put(annotation, dict.into());
        hidden = Some(annotation);
        Ok(())
    })
    .unwrap();
    let signed = kyso_sign(&prepared);
    let attacked = attacks::list_annotation(&signed, 0, hidden.unwrap()).unwrap();
    let facts = facts(&attacked, signed.len());
    assert_disallowed(&facts, |k| *k == ChangeKind::HiddenObjectRevealed);
    assert!(!has(&facts, true, |k| matches!(
        k,
        ChangeKind::AnnotationAdded { .. }
    )));
    // The same annotation made after signing is an allowed (reported) change.
    let added =
        attacks::add_annotation(&signed, 0, "FreeText", [72, 600, 372, 640], "A note").unwrap();
    assert_allowed(&self::facts(&added, signed.len()), |k| {
        matches!(k, ChangeKind::AnnotationAdded { .. })
    });
}

/// Shadow replace: a second body of page 1's content stream sits in the signed bytes, listed
/// nowhere; after signing, a cross-reference section alone points the stream at it.
#[test]
fn shadow_replace_by_a_cross_reference_section_alone_is_disallowed() {
    let (prepared, offset) = attacks::with_unlisted_object(
        &classic_pdf(1),
        PAGE_ONE_CONTENT,
        Dictionary::new(),
        b"BT /F1 24 Tf 72 720 Td (Replaced text) Tj ET",
    )
    .unwrap();
    let signed = kyso_sign(&prepared);
    assert!(offset < signed.len() as u64, "the replacement is signed");
    let attacked = attacks::repoint(&signed, PAGE_ONE_CONTENT, offset).unwrap();
    let facts = facts(&attacked, signed.len());
    assert_disallowed(&facts, |k| *k == ChangeKind::ObjectInSignedBytes);
    assert!(has(&facts, false, |k| *k
        == ChangeKind::PageContentChanged { page: 1 }));
}

/// Shadow replace: the font page 1 uses is overwritten in an update.
#[test]
fn shadow_replace_of_a_font_is_disallowed() {
    let signed = kyso_sign(&classic_pdf(1));
    let attacked = attacks::append_update(&signed, |_, update| {
        update.put(FIXTURE_FONT, helvetica_bold());
        Ok(())
    })
    .unwrap();
    assert_disallowed(&facts(&attacked, signed.len()), |k| {
        *k == ChangeKind::FontChanged { page: 1 }
    });
}

/// Shadow hide-and-replace: a whole second document (catalog, page tree, page) is in the signed
/// file, unreferenced; after signing, a trailer alone makes it the root.
#[test]
fn shadow_hide_and_replace_switching_the_root_is_disallowed() {
    let (prepared, catalog) =
        attacks::with_shadow_document(&classic_pdf(1), "A different document").unwrap();
    let signed = kyso_sign(&prepared);
    let attacked = attacks::switch_root(&signed, catalog).unwrap();
    let file = PdfFile::from_bytes(attacked.clone()).unwrap();
    assert_eq!(
        file.catalog_id(),
        catalog,
        "viewers now show the shadow document"
    );
    assert_disallowed(&facts(&attacked, signed.len()), |k| {
        *k == ChangeKind::RootChanged
    });
}

/// Shadow hide-and-replace by a complete new cross-reference table without `/Prev`: the signed
/// revision's own cross-reference data is no longer part of the file's chain.
#[test]
fn a_complete_new_cross_reference_table_is_disallowed() {
    let signed = kyso_sign(&classic_pdf(1));
    let attacked = attacks::rewrite_cross_reference(
        &signed,
        &[(
            PAGE_ONE_CONTENT,
            b"BT /F1 24 Tf 72 720 Td (Other text) Tj ET".to_vec(),
        )],
    )
    .unwrap();
    let facts = facts(&attacked, signed.len());
    assert_eq!(
        facts.signed_revision, None,
        "no revision of the chain ends there"
    );
    assert_disallowed(&facts, |k| *k == ChangeKind::XrefNotContinued);
    assert!(has(&facts, false, |k| *k
        == ChangeKind::PageContentChanged { page: 1 }));
}

/// Signature wrapping: the unsigned `/Contents` gap is rewritten to hide a new body for page 1's
/// content stream after the CMS; a cross-reference section appended later points at it. The
/// ByteRange still covers every byte it covered.
#[test]
fn signature_wrapping_content_in_the_contents_gap_is_disallowed() {
    let signed = kyso_sign(&classic_pdf(1));
    let file = PdfFile::from_bytes(signed.clone()).unwrap();
    let [_, b, c, _] = find_signatures(&file).unwrap()[0]
        .byte_range
        .four()
        .expect("ByteRange");
    let (attacked, body) =
        attacks::wrap_in_signature_gap(&signed, b..c, PAGE_ONE_CONTENT, "Wrapped").unwrap();
    assert!((b..c).contains(&body));
    assert_eq!(attacked[..b as usize], signed[..b as usize]);
    assert_eq!(attacked[c as usize..signed.len()], signed[c as usize..]);
    let facts = facts(&attacked, signed.len());
    assert_disallowed(&facts, |k| *k == ChangeKind::ObjectInSignedBytes);
    assert!(has(&facts, false, |k| *k
        == ChangeKind::PageContentChanged { page: 1 }));
}

/// Evil Annotation: a FreeText annotation with an appearance is added to a document certified
/// with P=2, which allows form filling and signing but no annotations.
#[test]
fn evil_annotation_on_a_p2_certified_document_is_disallowed() {
    let certified = attacks::certify(&classic_pdf(1), &signer(), 2).unwrap();
    let attacked = attacks::add_annotation(
        &certified,
        0,
        "FreeText",
        [72, 700, 400, 740],
        "Paid in full",
    )
    .unwrap();
    let facts = facts(&attacked, certified.len());
    assert_eq!(facts.certification, Some(2));
    assert_disallowed(
        &facts,
        |k| matches!(k, ChangeKind::AnnotationAdded { page: 1, subtype } if subtype == "FreeText"),
    );
    let change = facts.disallowed().next().unwrap();
    assert!(change.message.vi.contains("P=2"), "{}", change.message.vi);
}

#[test]
fn annotations_are_allowed_on_a_p3_certified_document() {
    let certified = attacks::certify(&classic_pdf(1), &signer(), 3).unwrap();
    let annotated =
        attacks::add_annotation(&certified, 0, "Square", [72, 700, 400, 740], "Note").unwrap();
    assert_allowed(&facts(&annotated, certified.len()), |k| {
        matches!(k, ChangeKind::AnnotationAdded { .. })
    });
}

#[test]
fn an_annotation_on_a_p1_certified_document_is_disallowed() {
    let certified = attacks::certify(&classic_pdf(1), &signer(), 1).unwrap();
    let attacked =
        attacks::add_annotation(&certified, 0, "Stamp", [72, 700, 400, 740], "Approved").unwrap();
    assert_disallowed(&facts(&attacked, certified.len()), |k| {
        matches!(k, ChangeKind::AnnotationAdded { .. })
    });
}

/// PAdES (ETSI EN 319 142-1 §5.4): validation data may be added even to a P=1 document.
#[test]
fn validation_data_is_allowed_on_a_p1_certified_document() {
    let certified = attacks::certify(&classic_pdf(1), &signer(), 1).unwrap();
    let extended = attacks::add_dss(&certified, &[pki().root.certificate_der.clone()]).unwrap();
    assert_allowed(&facts(&extended, certified.len()), |k| {
        *k == ChangeKind::ValidationDataAdded
    });
}

/// Sneaky Signature: a signature field whose widget draws text on the page, with no value.
#[test]
fn sneaky_signature_without_a_value_is_disallowed() {
    let certified = attacks::certify(&classic_pdf(1), &signer(), 2).unwrap();
    let attacked = attacks::add_signature_field(
        &certified,
        0,
        "Approval",
        [72, 600, 372, 660],
        Some("Approved by the director"),
        None,
    )
    .unwrap();
    assert_disallowed(
        &facts(&attacked, certified.len()),
        |k| matches!(k, ChangeKind::SneakySignature { field } if field == "Approval"),
    );
}

/// Sneaky Signature with a fake value: a signature dictionary whose ByteRange signs no later
/// revision of the file.
#[test]
fn sneaky_signature_with_a_fake_value_is_disallowed() {
    let signed = kyso_sign(&classic_pdf(1));
    let fake: Object = [
        ("Type", Object::name("Sig")),
        ("Filter", Object::name("Adobe.PPKLite")),
        ("SubFilter", Object::name("ETSI.CAdES.detached")),
        (
            "ByteRange",
            Object::Array([0, 10, 20, 30].map(Object::Integer).to_vec()),
        ),
        ("Contents", Object::String(PdfString::hex(vec![0x30, 0]))),
    ]
    .into_iter()
    .collect::<Dictionary>()
    .into();
    let attacked = attacks::add_signature_field(
        &signed,
        0,
        "Director",
        [72, 600, 372, 660],
        Some("Signed: the director"),
        Some(fake),
    )
    .unwrap();
    assert_disallowed(&facts(&attacked, signed.len()), |k| {
        matches!(k, ChangeKind::SneakySignature { .. })
    });
}

#[test]
fn an_empty_invisible_signature_field_is_allowed() {
    let signed = kyso_sign(&classic_pdf(1));
    let prepared =
        attacks::add_signature_field(&signed, 0, "ForTheClerk", [0, 0, 0, 0], None, None).unwrap();
    assert_allowed(&facts(&prepared, signed.len()), |k| {
        matches!(k, ChangeKind::EmptySignatureFieldAdded { .. })
    });
}

/// Certification attack: a second certification signature on a certified document.
#[test]
fn a_second_certification_signature_is_disallowed() {
    let certified = attacks::certify(&classic_pdf(1), &signer(), 2).unwrap();
    let again = attacks::certify(&certified, &signer(), 3).unwrap();
    assert_disallowed(&facts(&again, certified.len()), |k| {
        *k == ChangeKind::SecondCertification
    });
}

/// Form filling on a document with approval signatures only: allowed, and reported.
#[test]
fn form_filling_on_an_approval_only_document_is_allowed_and_reported() {
    let form = attacks::add_text_field(&classic_pdf(1), 0, "amount", "100").unwrap();
    let signed = kyso_sign(&form);
    let filled = attacks::fill_text_field(&signed, "amount", "900").unwrap();
    let facts = facts(&filled, signed.len());
    assert_allowed(
        &facts,
        |k| matches!(k, ChangeKind::FormFieldFilled { field } if field == "amount"),
    );
    let change = facts
        .changes
        .iter()
        .find(|c| matches!(c.kind, ChangeKind::FormFieldFilled { .. }))
        .unwrap();
    assert!(
        change.message.vi.contains("'amount'"),
        "{}",
        change.message.vi
    );
}

#[test]
fn form_filling_on_a_p1_certified_document_is_disallowed() {
    let form = attacks::add_text_field(&classic_pdf(1), 0, "amount", "100").unwrap();
    let certified = attacks::certify(&form, &signer(), 1).unwrap();
    let filled = attacks::fill_text_field(&certified, "amount", "900").unwrap();
    assert_disallowed(&facts(&filled, certified.len()), |k| {
        matches!(k, ChangeKind::FormFieldFilled { .. })
    });
}

#[test]
fn bytes_after_the_last_eof_are_disallowed() {
    let signed = kyso_sign(&classic_pdf(1));
    let attacked = attacks::append_bytes(&signed, b"\n4 0 obj << /Producer (Attacker) >> endobj\n");
    let facts = facts(&attacked, signed.len());
    assert_disallowed(
        &facts,
        |k| matches!(k, ChangeKind::TrailingBytes { len } if *len > 0),
    );
    assert_eq!(facts.changes.last().and_then(|c| c.revision), None);
}

#[test]
fn a_page_added_after_signing_is_disallowed() {
    let signed = kyso_sign(&classic_pdf(2));
    let attacked = attacks::add_page(&signed, "An extra page").unwrap();
    assert_disallowed(&facts(&attacked, signed.len()), |k| {
        *k == ChangeKind::PageTreeChanged
    });
}

#[test]
fn an_open_action_added_after_signing_is_disallowed() {
    let signed = kyso_sign(&classic_pdf(1));
    let attacked = attacks::set_open_action(&signed, "app.alert('hi')").unwrap();
    assert_disallowed(
        &facts(&attacked, signed.len()),
        |k| matches!(k, ChangeKind::CatalogEntryChanged { key } if key == "OpenAction"),
    );
}

/// A reference to an object that does not exist is signed (it shows nothing); after signing,
/// an update defines that object.
#[test]
fn a_dangling_reference_filled_after_signing_is_disallowed() {
    let trap = ObjectId::new(90, 0);
    let prepared = attacks::append_update(&classic_pdf(1), |file, update| {
        let page = file.page(0)?;
        let mut dict = page.dict.clone();
        let contents = dict.get(b"Contents").cloned().expect("contents");
        dict.insert("Contents", Object::Array(vec![contents, trap.into()]));
        update.put(page.id, dict.into());
        Ok(())
    })
    .unwrap();
    let signed = kyso_sign(&prepared);
    let attacked = attacks::append_update(&signed, |_, update| {
        update.put_stream(
            trap,
            Dictionary::new(),
            b"BT /F1 24 Tf 72 400 Td (Surprise) Tj ET".to_vec(),
        );
        Ok(())
    })
    .unwrap();
    assert_disallowed(&facts(&attacked, signed.len()), |k| {
        *k == ChangeKind::DanglingReferenceFilled
    });
}

#[test]
fn an_object_freed_after_signing_is_disallowed() {
    let signed = kyso_sign(&classic_pdf(1));
    // A cross-reference section that frees the font.
    let mut attacked = signed.clone();
    let file = PdfFile::from_bytes(signed.clone()).unwrap();
    let xref = attacked.len();
    attacked.extend_from_slice(
        format!(
            "xref\n3 1\n0000000000 00001 f\r\ntrailer\n<< /Size {} /Root {} /Prev {} >>\nstartxref\n{xref}\n%%EOF\n",
            file.next_object_number(),
            file.catalog_id(),
            file.startxref()
        )
        .as_bytes(),
    );
    assert_disallowed(&facts(&attacked, signed.len()), |k| {
        *k == ChangeKind::FontChanged { page: 1 }
    });
}

/// Every change is listed once, at the first revision that shows it, in revision order.
#[test]
fn changes_are_listed_once_in_revision_order() {
    let first = kyso_sign(&classic_pdf(1));
    let with_dss = attacks::add_dss(&first, &[pki().root.certificate_der.clone()]).unwrap();
    let second = kyso_sign(&with_dss);
    let attacked = attacks::replace_page_content(&second, 0, b"BT ET").unwrap();
    let facts = facts(&attacked, first.len());
    let kinds: Vec<(Option<usize>, &ChangeKind)> = facts
        .changes
        .iter()
        .map(|c| (c.revision, &c.kind))
        .collect();
    assert!(
        kinds.contains(&(Some(3), &ChangeKind::ValidationDataAdded)),
        "{kinds:?}"
    );
    assert!(
        kinds
            .iter()
            .any(|(r, k)| *r == Some(4) && matches!(k, ChangeKind::SignatureAdded { .. })),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(Some(5), &ChangeKind::PageContentChanged { page: 1 })),
        "{kinds:?}"
    );
    let revisions: Vec<usize> = facts.changes.iter().filter_map(|c| c.revision).collect();
    assert!(revisions.windows(2).all(|w| w[0] <= w[1]), "{revisions:?}");
    let signatures_added = facts
        .changes
        .iter()
        .filter(|c| matches!(c.kind, ChangeKind::SignatureAdded { .. }))
        .count();
    assert_eq!(signatures_added, 1, "{facts:#?}");
    // Deterministic: the same file gives the same facts.
    assert_eq!(facts, self::facts(&attacked, first.len()));
}

#[test]
fn the_facts_serialize_for_the_report() {
    let signed = kyso_sign(&classic_pdf(1));
    let attacked = attacks::replace_page_content(&signed, 0, b"BT ET").unwrap();
    let json = serde_json::to_value(facts(&attacked, signed.len())).unwrap();
    assert_eq!(json["level"], "disallowed");
    let change = &json["changes"][0];
    assert_eq!(change["object"], "6 0 R");
    assert_eq!(change["kind"], "page-content-changed");
    assert_eq!(change["page"], 1);
    assert_eq!(change["allowed"], false);
    assert_eq!(change["permission"], "never");
    assert_eq!(change["message"]["code"], "change-page-content-changed");
}

/// Documents with object streams and cross-reference streams (qpdf), and hybrid-reference
/// documents: a later signature is allowed, a new page is not.
#[test]
fn compressed_and_hybrid_documents_are_compared_object_by_object() {
    let dir = tempfile::tempdir().unwrap();
    for kind in [
        FixtureKind::ObjectStreams,
        FixtureKind::Hybrid,
        FixtureKind::Linearized,
    ] {
        let path = write_fixture(kind, dir.path(), 2).expect("fixture");
        let signed = kyso_sign(&std::fs::read(path).unwrap());
        let second = kyso_sign(&signed);
        assert_allowed(&facts(&second, signed.len()), |k| {
            matches!(k, ChangeKind::SignatureAdded { .. })
        });
        let attacked =
            attacks::add_page(&signed, "Extra").unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        assert_disallowed(&facts(&attacked, signed.len()), |k| {
            *k == ChangeKind::PageTreeChanged
        });
    }
}

/// More objects than the analysis reads: disallowed, never allowed.
#[test]
fn too_many_changed_objects_are_disallowed_not_allowed() {
    let signed = kyso_sign(&classic_pdf(1));
    let flooded = attacks::append_update(&signed, |_, update| {
        for _ in 0..=super::MAX_TOUCHED_OBJECTS {
            let id = update.allocate()?;
            update.put(id, Object::Null);
        }
        Ok(())
    })
    .unwrap();
    assert_disallowed(&facts(&flooded, signed.len()), |k| {
        *k == ChangeKind::TooManyChanges
    });
}

/// A later update whose page object trips a parser limit (100 000 nested arrays) cannot be
/// compared; it is disallowed, and the report names the limit that was hit rather than only
/// saying "cannot be read".
#[test]
fn an_update_tripping_a_parser_limit_is_disallowed_and_names_the_limit() {
    let signed = kyso_sign(&classic_pdf(1));
    let file = PdfFile::from_bytes(signed.clone()).unwrap();
    let page = file.page(0).unwrap().id;
    let mut attacked = signed.clone();
    attacked.extend_from_slice(b"\n");
    let offset = attacked.len() as u64;
    attacked.extend_from_slice(format!("{} 0 obj\n<< /Type /Page /Deep ", page.number).as_bytes());
    attacked.extend(std::iter::repeat_n(b'[', 100_000));
    attacked.extend(std::iter::repeat_n(b']', 100_000));
    attacked.extend_from_slice(b" >>\nendobj\n");
    // The update's own cross-reference section, pointing the page at the new object.
    let xref = attacked.len();
    let root = file.catalog_id();
    attacked.extend_from_slice(
        format!(
            "xref\n{} 1\n{offset:010} 00000 n \ntrailer\n<< /Size {} /Root {} {} R /Prev {} >>\nstartxref\n{xref}\n%%EOF\n",
            page.number,
            file.size(),
            root.number,
            root.generation,
            file.startxref(),
        )
        .as_bytes(),
    );
    let facts = facts(&attacked, signed.len());
    assert_eq!(facts.level, Modifications::Disallowed, "{facts:#?}");
    let text: Vec<String> = facts
        .disallowed()
        .map(|c| format!("{} / {}", c.message.vi, c.message.en))
        .collect();
    assert!(
        text.iter().any(|t| t.to_lowercase().contains("depth")
            || t.contains("độ sâu")
            || t.contains("lồng")),
        "the limit is not named: {text:#?}"
    );
}
