//! Page text with positions (`kyso::pdf::content`), checked against poppler's `pdftotext`
//! (`-bbox` for word boxes) on documents Kyso composes, on hand-written content (rotated and
//! scaled text, form XObjects, inline images, standard-14 fonts) and on real PDFs of the
//! corpus; hostile content ends in an error, never a hang.

use std::path::{Path, PathBuf};
use std::process::Command;

use kyso::pdf::compose::{Document, Style};
use kyso::pdf::content::{ContentError, ContentLimit, TextLine, find_text, page_text_lines};
use kyso::pdf::fixtures::FixtureWriter;
use kyso::pdf::{Dictionary, Object, ObjectId, PdfFile};

/// Points of difference allowed between a box found here and poppler's.
const TOLERANCE: f64 = 3.0;

/// A word as `pdftotext -bbox` reports it, with its box turned into PDF user space (y up).
#[derive(Debug, Clone)]
struct Word {
    text: String,
    rect: [f64; 4],
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn attribute(tag: &str, name: &str) -> f64 {
    let key = format!("{name}=\"");
    let start = tag.find(&key).expect("attribute") + key.len();
    let end = start + tag[start..].find('"').expect("closing quote");
    tag[start..end].parse().expect("number")
}

/// The words of page `page` (1-based) by poppler, in its reading order.
fn poppler_words(path: &Path, page: usize) -> Vec<Word> {
    let out = Command::new("pdftotext")
        .args(["-bbox", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (scripts/setup installs poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    let html = String::from_utf8(out.stdout).expect("UTF-8");
    let page_tag = &html[html.find("<page").expect("<page")..];
    let height = attribute(&page_tag[..page_tag.find('>').expect(">")], "height");
    let mut words = Vec::new();
    let mut rest = page_tag;
    while let Some(at) = rest.find("<word ") {
        rest = &rest[at..];
        let close = rest.find('>').expect(">");
        let tag = &rest[..close];
        let end = rest.find("</word>").expect("</word>");
        let text = unescape(&rest[close + 1..end]);
        let rect = [
            attribute(tag, "xMin"),
            height - attribute(tag, "yMax"),
            attribute(tag, "xMax"),
            height - attribute(tag, "yMin"),
        ];
        words.push(Word { text, rect });
        rest = &rest[end..];
    }
    words
}

/// The plain text of page `page` by poppler.
fn poppler_text(path: &Path, page: usize) -> String {
    let out = Command::new("pdftotext")
        .args([
            "-f",
            &page.to_string(),
            "-l",
            &page.to_string(),
            "-enc",
            "UTF-8",
        ])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext");
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn close(a: [f64; 4], b: [f64; 4], tolerance: f64) -> bool {
    a.iter().zip(&b).all(|(x, y)| (x - y).abs() <= tolerance)
}

fn union(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

/// Poppler's box of the words `phrase` (consecutive whole words, case-insensitive), each
/// occurrence.
fn poppler_boxes(words: &[Word], phrase: &str) -> Vec<[f64; 4]> {
    let parts: Vec<String> = phrase.split_whitespace().map(str::to_lowercase).collect();
    words
        .windows(parts.len())
        .filter(|w| {
            w.iter()
                .map(|w| w.text.to_lowercase())
                .eq(parts.iter().cloned())
        })
        .map(|w| w.iter().map(|w| w.rect).reduce(union).expect("words"))
        .collect()
}

/// Asserts that `phrase` is found where poppler sees it, as often as poppler sees it.
fn assert_matches_poppler(path: &Path, lines: &[TextLine], words: &[Word], phrase: &str) {
    let ours = find_text(lines, phrase);
    let theirs = poppler_boxes(words, phrase);
    assert!(
        !theirs.is_empty(),
        "poppler does not see {phrase:?} in {}",
        path.display()
    );
    assert_eq!(
        ours.len(),
        theirs.len(),
        "{phrase:?} in {}: ours {ours:?}, poppler {theirs:?}",
        path.display()
    );
    for (a, b) in ours.iter().zip(&theirs) {
        assert!(
            close(*a, *b, TOLERANCE),
            "{phrase:?} in {}: ours {a:?}, poppler {b:?}",
            path.display()
        );
    }
}

fn texts(lines: &[TextLine]) -> Vec<&str> {
    lines.iter().map(|l| l.text.as_str()).collect()
}

/// An A4 decision of a provincial people's committee, composed by Kyso.
fn decision(dir: &Path) -> PathBuf {
    let mut doc = Document::new("Quyết định");
    doc.text("ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", Style::body().bold());
    doc.text("Số: 123/QĐ-UBND", Style::body());
    doc.text("Quảng Ngãi, ngày 26 tháng 4 năm 2026", Style::body());
    doc.title("QUYẾT ĐỊNH");
    doc.paragraph(
        "Về việc phê duyệt kế hoạch chuyển đổi số của các cơ quan nhà nước trên địa bàn tỉnh \
         năm 2026, với sự phối hợp của Sở Thông tin và Truyền thông tỉnh Đắk Lắk.",
        13.0,
        false,
    );
    doc.space(20.0);
    doc.text("KT. CHỦ TỊCH", Style::body().bold().centered());
    doc.text("PHÓ CHỦ TỊCH", Style::body().bold().centered());
    doc.space(60.0);
    doc.text("Nguyễn Văn An", Style::body().bold().centered());
    let path = dir.join("quyet-dinh.pdf");
    doc.save(&path).expect("compose");
    path
}

#[test]
fn composed_vietnamese_document_reads_like_poppler() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = decision(dir.path());
    let file = PdfFile::open(&path).expect("open");
    let lines = page_text_lines(&file, 0).expect("text");
    let ours = texts(&lines);
    for expected in [
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
        "Số: 123/QĐ-UBND",
        "Quảng Ngãi, ngày 26 tháng 4 năm 2026",
        "QUYẾT ĐỊNH",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Văn An",
        "Trang 1/1",
    ] {
        assert!(
            ours.contains(&expected),
            "{expected:?} not a line of {ours:#?}"
        );
    }
    // Reading order: the title line before the name, the name before the footer.
    let at = |t: &str| ours.iter().position(|l| *l == t).expect("line");
    assert!(at("PHÓ CHỦ TỊCH") < at("Nguyễn Văn An"));
    assert!(at("Nguyễn Văn An") < at("Trang 1/1"));
    assert!(at("Số: 123/QĐ-UBND") < at("QUYẾT ĐỊNH"));

    // The same words as poppler, in the same order.
    let poppler: Vec<String> = poppler_text(&path, 1)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let mine: Vec<String> = ours
        .iter()
        .flat_map(|l| l.split_whitespace())
        .map(str::to_string)
        .collect();
    assert_eq!(mine, poppler);

    // The same boxes as poppler.
    let words = poppler_words(&path, 1);
    for phrase in [
        "Nguyễn Văn An",
        "PHÓ CHỦ TỊCH",
        "KT. CHỦ TỊCH",
        "Số:",
        "123/QĐ-UBND",
        "ngày",
        "tháng 4 năm",
        "Đắk Lắk.",
    ] {
        assert_matches_poppler(&path, &lines, &words, phrase);
    }

    // Case-, space- and normalisation-insensitive; diacritics count.
    assert_eq!(find_text(&lines, "nguyễn   văn an").len(), 1);
    assert_eq!(
        find_text(&lines, "Nguye\u{302}\u{303}n Va\u{306}n An").len(),
        1
    );
    assert!(find_text(&lines, "Nguyen Van An").is_empty());
    // "CHỦ TỊCH" twice (KT. CHỦ TỊCH, PHÓ CHỦ TỊCH), in reading order.
    let chairs = find_text(&lines, "chủ tịch");
    assert_eq!(chairs.len(), 2);
    assert!(chairs[0][1] > chairs[1][1]);
    // The gap for the leader's signature: between the title line and the name line.
    let title = find_text(&lines, "PHÓ CHỦ TỊCH")[0];
    let name = find_text(&lines, "Nguyễn Văn An")[0];
    assert!(title[1] - name[3] > 50.0, "title {title:?}, name {name:?}");
    // Sizes as drawn.
    let line = lines
        .iter()
        .find(|l| l.text == "QUYẾT ĐỊNH")
        .expect("title");
    assert!((line.spans[0].font_size - 14.0).abs() < 0.01);
}

/// A one-page PDF with Helvetica (no `/Widths`: standard-14 metrics) as `/F1` and object 7 (if
/// `extra` has it) as `/F2`; `content` is the page's content, `forms` are form XObjects named
/// `/X<number>`.
fn hand_written(
    dir: &Path,
    name: &str,
    content: &[u8],
    extra: &[(u32, Object)],
    forms: &[(u32, Dictionary, Vec<u8>)],
) -> PathBuf {
    let path = dir.join(name);
    let mut pdf = FixtureWriter::new(Vec::new(), "1.7").expect("writer");
    let dict = |pairs: Vec<(&str, Object)>| -> Dictionary { pairs.into_iter().collect() };
    pdf.object(
        1,
        &dict(vec![
            ("Type", Object::name("Catalog")),
            ("Pages", ObjectId::new(2, 0).into()),
        ])
        .into(),
    )
    .expect("catalog");
    pdf.object(
        2,
        &dict(vec![
            ("Type", Object::name("Pages")),
            ("Kids", vec![Object::from(ObjectId::new(3, 0))].into()),
            ("Count", 1.into()),
            // Inherited by the page (§7.7.3.4).
            ("Resources", ObjectId::new(5, 0).into()),
            (
                "MediaBox",
                vec![0.into(), 0.into(), 595.into(), 842.into()].into(),
            ),
        ])
        .into(),
    )
    .expect("pages");
    pdf.object(
        3,
        &dict(vec![
            ("Type", Object::name("Page")),
            ("Parent", ObjectId::new(2, 0).into()),
            ("Contents", ObjectId::new(4, 0).into()),
        ])
        .into(),
    )
    .expect("page");
    pdf.stream(4, Dictionary::new(), content).expect("content");
    let mut xobjects = Dictionary::new();
    for (number, _, _) in forms {
        xobjects.insert(format!("X{number}"), ObjectId::new(*number, 0).into());
    }
    pdf.object(
        5,
        &dict(vec![
            (
                "Font",
                dict(vec![
                    ("F1", ObjectId::new(6, 0).into()),
                    // Object 7, when a test writes it.
                    ("F2", ObjectId::new(7, 0).into()),
                ])
                .into(),
            ),
            ("XObject", xobjects.into()),
        ])
        .into(),
    )
    .expect("resources");
    pdf.object(
        6,
        &dict(vec![
            ("Type", Object::name("Font")),
            ("Subtype", Object::name("Type1")),
            ("BaseFont", Object::name("Helvetica")),
            ("Encoding", Object::name("WinAnsiEncoding")),
        ])
        .into(),
    )
    .expect("font");
    for (number, object) in extra {
        pdf.object(*number, object).expect("extra");
    }
    for (number, dict, data) in forms {
        pdf.stream(*number, dict.clone(), data).expect("form");
    }
    let trailer: Dictionary = [
        ("Root", Object::from(ObjectId::new(1, 0))),
        ("Size", Object::from(100)),
    ]
    .into_iter()
    .collect();
    let bytes = pdf.finish_with_table(trailer).expect("finish");
    std::fs::write(&path, bytes).expect("write");
    path
}

fn form(matrix: Option<[i64; 6]>) -> Dictionary {
    let mut dict: Dictionary = [
        ("Type", Object::name("XObject")),
        ("Subtype", Object::name("Form")),
        (
            "BBox",
            vec![0.into(), 0.into(), 595.into(), 842.into()].into(),
        ),
    ]
    .into_iter()
    .collect();
    if let Some(m) = matrix {
        dict.insert(
            "Matrix",
            m.iter()
                .map(|&v| Object::from(v))
                .collect::<Vec<_>>()
                .into(),
        );
    }
    dict
}

#[test]
fn rotated_scaled_forms_and_inline_images_match_poppler() {
    let dir = tempfile::tempdir().expect("temp dir");
    let content = b"BT /F1 12 Tf 72 770 Td (Plain Helvetica line) Tj ET\n\
        q 2 0 0 2 72 600 cm BT /F1 10 Tf (Scaled) Tj ( twice) Tj ET Q\n\
        BI /W 4 /H 1 /BPC 8 /CS /G ID \x00\x01EI\x02 EI\n\
        q 0 1 -1 0 300 300 cm BT /F1 12 Tf 0 0 Td (Rotated quarter) Tj ET Q\n\
        BT /F1 12 Tf 1 0 0 1 72 500 Tm [(Kern)-4000(Gap)] TJ 0 -20 Td 14 TL T* (Next) ' ET\n\
        q 1 0 0 1 100 100 cm /X20 Do Q\n";
    let forms = vec![(
        20,
        form(Some([1, 0, 0, 1, 50, 50])),
        b"BT /F1 12 Tf 0 0 Td (Inside form) Tj ET".to_vec(),
    )];
    let path = hand_written(dir.path(), "hand.pdf", content, &[], &forms);
    let file = PdfFile::open(&path).expect("open");
    let lines = page_text_lines(&file, 0).expect("text");
    let ours = texts(&lines);
    for expected in [
        "Plain Helvetica line",
        "Scaled twice",
        "Rotated quarter",
        "Kern",
        "Gap",
        "Next",
        "Inside form",
    ] {
        assert!(
            ours.contains(&expected),
            "{expected:?} not a line of {ours:#?}"
        );
    }
    let words = poppler_words(&path, 1);
    for phrase in [
        "Plain Helvetica line",
        "Scaled",
        "twice",
        "Kern",
        "Gap",
        "Next",
        "Inside form",
        "Rotated",
        "quarter",
    ] {
        assert_matches_poppler(&path, &lines, &words, phrase);
    }
    let scaled = lines
        .iter()
        .find(|l| l.text == "Scaled twice")
        .expect("scaled");
    assert!((scaled.spans[0].font_size - 20.0).abs() < 1e-9);
    // The rotated line runs upward from (300, 300).
    let rotated = find_text(&lines, "Rotated quarter")[0];
    assert!(
        rotated[2] - rotated[0] < 20.0 && rotated[3] - rotated[1] > 80.0,
        "{rotated:?}"
    );
    assert!((rotated[1] - 300.0).abs() < 1.0);
}

#[test]
fn simple_font_with_differences_widths_and_descriptor() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dict =
        |pairs: Vec<(&str, Object)>| -> Object { Object::Dictionary(pairs.into_iter().collect()) };
    let numbers = |values: &[i64]| -> Object {
        Object::Array(values.iter().map(|&v| Object::from(v)).collect())
    };
    let font = dict(vec![
        ("Type", Object::name("Font")),
        ("Subtype", Object::name("Type1")),
        ("BaseFont", Object::name("KysoTest")),
        ("FirstChar", 65.into()),
        ("Widths", numbers(&[700, 800, 900, 250])),
        (
            "Encoding",
            dict(vec![
                ("BaseEncoding", Object::name("WinAnsiEncoding")),
                (
                    "Differences",
                    vec![
                        Object::from(65),
                        Object::name("Adieresis"),
                        Object::name("uni1EC5"),
                    ]
                    .into(),
                ),
            ]),
        ),
        ("FontDescriptor", ObjectId::new(8, 0).into()),
    ]);
    let descriptor = dict(vec![
        ("Type", Object::name("FontDescriptor")),
        ("FontName", Object::name("KysoTest")),
        ("Flags", 32.into()),
        ("FontBBox", numbers(&[0, -200, 1000, 800])),
        ("ItalicAngle", 0.into()),
        ("Ascent", 800.into()),
        ("Descent", (-200).into()),
        ("CapHeight", 700.into()),
        ("StemV", 80.into()),
    ]);
    // The space (code 32) has no width here: only the word spacing `Tw` separates the words.
    let content = b"BT /F2 20 Tf 100 400 Td 5 Tw (ABC ABC) Tj ET";
    let path = hand_written(
        dir.path(),
        "differences.pdf",
        content,
        &[(7, font), (8, descriptor)],
        &[],
    );
    let file = PdfFile::open(&path).expect("open");
    let lines = page_text_lines(&file, 0).expect("text");
    assert_eq!(texts(&lines), ["ÄễC ÄễC"]);
    let words = poppler_words(&path, 1);
    assert_matches_poppler(&path, &lines, &words, "ÄễC");
    // 20 pt × (0.7 + 0.8 + 0.9) = 48 pt; ascent 0.8 em, descent 0.2 em.
    assert_eq!(find_text(&lines, "äễc")[0], [100.0, 396.0, 148.0, 416.0]);
}

#[test]
fn corpus_pdfs_match_poppler() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/pdfs");
    if !corpus.is_dir() {
        eprintln!("no corpus at {}; skipped", corpus.display());
        return;
    }
    let cases: &[(&str, &[&str])] = &[
        // LibreOffice 5.2, TrueType subsets with /ToUnicode.
        (
            "dss_pades-not-epes.pdf",
            &["Hello World", "Nimbus Sans L", "DejaVu Sans"],
        ),
        // Skia/PDF (Chrome), Type0 fonts.
        (
            "dss_evidence-record_Signature-P-B.pdf",
            &["Swagger Editor", "REST API"],
        ),
        // PDFCreator.
        (
            "dss_dss-1420_PAdES-BpB-att-SHA256-SHA3_224withRSA.pdf",
            &["Simple PDF document"],
        ),
        // Adobe XML Forms.
        (
            "dss_pades-lt-b-extended-adbe.pdf",
            &["PURCHASE ORDER", "General Secretariat"],
        ),
        // iText, standard-14 Helvetica.
        ("itext_pades_B-B.pdf", &["Hello World!"]),
        ("itext_drv_linearizedDoc.pdf", &["This is paragraph 1"]),
        (
            "itext_ext_sample-nistp256-sha256.pdf",
            &["sample PDF document"],
        ),
    ];
    for (name, phrases) in cases {
        let path = corpus.join(name);
        let file = PdfFile::open(&path).expect("open");
        let lines = page_text_lines(&file, 0).unwrap_or_else(|e| panic!("{name}: {e}"));
        let words = poppler_words(&path, 1);
        for phrase in *phrases {
            assert_matches_poppler(&path, &lines, &words, phrase);
        }
    }
}

/// With the annotations flattened into the page content by qpdf (so that signature appearances,
/// drawn by form XObjects, are page text too), every word poppler reports on page 1 of every
/// corpus file is found where poppler has it.
#[test]
fn flattened_corpus_words_all_match_poppler() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/pdfs");
    let Ok(entries) = std::fs::read_dir(&corpus) else {
        eprintln!("no corpus at {}; skipped", corpus.display());
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut words_checked, mut files) = (0, 0);
    let mut misses = Vec::new();
    for entry in entries {
        let input = entry.expect("entry").path();
        if input.extension().is_none_or(|e| e != "pdf") {
            continue;
        }
        let flat = dir.path().join(input.file_name().expect("name"));
        let status = Command::new("qpdf")
            .arg("--flatten-annotations=all")
            .arg(&input)
            .arg(&flat)
            .stderr(std::process::Stdio::null())
            .status()
            .expect("qpdf (scripts/setup installs it)");
        // 3: qpdf succeeded with warnings.
        if !matches!(status.code(), Some(0 | 3)) {
            continue;
        }
        let Ok(file) = PdfFile::open(&flat) else {
            continue; // encrypted
        };
        let lines = match page_text_lines(&file, 0) {
            Ok(lines) => lines,
            // See every_corpus_page_reads_without_error.
            Err(ContentError::Pdf(_)) => continue,
            Err(e) => panic!("{}: {e}", input.display()),
        };
        files += 1;
        for word in poppler_words(&flat, 1) {
            if word.text.chars().count() < 3 {
                continue;
            }
            words_checked += 1;
            let ours = find_text(&lines, &word.text);
            if !ours.iter().any(|r| close(*r, word.rect, TOLERANCE)) {
                misses.push(format!(
                    "{}: {:?} {:?}, ours {ours:?}",
                    input.display(),
                    word.text,
                    word.rect
                ));
            }
        }
    }
    assert!(
        misses.is_empty(),
        "{} of {words_checked} words missed:\n{}",
        misses.len(),
        misses.join("\n")
    );
    assert!(
        files > 70 && words_checked > 1000,
        "{files} files, {words_checked} words"
    );
}

#[test]
fn every_corpus_page_reads_without_error() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/pdfs");
    let Ok(entries) = std::fs::read_dir(&corpus) else {
        return;
    };
    let mut pages = 0;
    let mut unreadable = Vec::new();
    for entry in entries {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "pdf") {
            continue;
        }
        let Ok(file) = PdfFile::open(&path) else {
            continue; // encrypted or broken on purpose: the reader's own tests cover those
        };
        for index in 0..file.page_count().unwrap_or(0) {
            match page_text_lines(&file, index) {
                Ok(_) => pages += 1,
                // A content stream the reader cannot decode is the reader's refusal, not the
                // interpreter's.
                Err(ContentError::Pdf(_)) => {
                    unreadable.push(path.file_name().map(|n| n.to_string_lossy().into_owned()))
                }
                Err(e) => panic!("{}: page {index}: {e}", path.display()),
            }
        }
    }
    // Its page content is a damaged Flate stream (poppler shows only the part it inflates).
    assert_eq!(
        unreadable,
        [Some(
            "itext_pkcs7_embeddedTimeStampCorruptedSignature.pdf".to_string()
        )]
    );
    assert!(pages > 50, "only {pages} pages read");
}

#[test]
fn hostile_content_is_refused_not_hung() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |name: &str, content: &[u8], forms: &[(u32, Dictionary, Vec<u8>)]| {
        let path = hand_written(dir.path(), name, content, &[], forms);
        let file = PdfFile::open(&path).expect("open");
        page_text_lines(&file, 0)
    };

    let deep_q = b"q ".repeat(100_000);
    assert!(matches!(
        run("deep-q.pdf", &deep_q, &[]),
        Err(ContentError::Limit(ContentLimit::GraphicsStateDepth(_)))
    ));

    let mut huge_tj = b"BT /F1 12 Tf [".to_vec();
    huge_tj.extend(b"(a) -1 ".repeat(200_000));
    huge_tj.extend(b"] TJ ET");
    assert!(matches!(
        run("huge-tj.pdf", &huge_tj, &[]),
        Err(ContentError::Limit(ContentLimit::Operands(_)))
    ));

    // Form 20 draws 21, which draws 20.
    let looping = [
        (20, form(None), b"/X21 Do".to_vec()),
        (21, form(None), b"/X20 Do".to_vec()),
    ];
    assert!(matches!(
        run("loop.pdf", b"/X20 Do", &looping),
        Err(ContentError::XObjectLoop(_))
    ));

    // Each form draws the next 16 times: 16^5 draws of the last, bounded by the operator count
    // (a last form of empty operators) or by the glyph count (a last form showing text).
    let fanout = |leaf: &[u8]| -> Vec<(u32, Dictionary, Vec<u8>)> {
        (20..26)
            .map(|n| {
                let body = if n == 25 {
                    leaf.to_vec()
                } else {
                    format!("/X{} Do ", n + 1).repeat(16).into_bytes()
                };
                (n, form(None), body)
            })
            .collect()
    };
    assert!(matches!(
        run("fanout-operators.pdf", b"/X20 Do", &fanout(b"q Q q Q")),
        Err(ContentError::Limit(ContentLimit::Operators(_)))
    ));
    assert!(matches!(
        run(
            "fanout-glyphs.pdf",
            b"/X20 Do",
            &fanout(b"BT /F1 1 Tf (xx) Tj ET")
        ),
        Err(ContentError::Limit(ContentLimit::Glyphs(_)))
    ));

    // Nine forms deep.
    let deep: Vec<(u32, Dictionary, Vec<u8>)> = (20..30)
        .map(|n| (n, form(None), format!("/X{} Do", n + 1).into_bytes()))
        .collect();
    assert!(matches!(
        run("deep-forms.pdf", b"/X20 Do", &deep),
        Err(ContentError::Limit(ContentLimit::XObjectDepth(_)))
    ));

    // A composite font whose /W names the same width list again and again: the widths read
    // are counted, not the (shared) objects.
    let dict =
        |pairs: Vec<(&str, Object)>| -> Object { Object::Dictionary(pairs.into_iter().collect()) };
    let mut w = Vec::new();
    for _ in 0..2_000 {
        w.push(Object::Integer(0));
        w.push(ObjectId::new(9, 0).into());
    }
    let wide_font = [
        (
            7,
            dict(vec![
                ("Type", Object::name("Font")),
                ("Subtype", Object::name("Type0")),
                ("BaseFont", Object::name("Wide")),
                ("Encoding", Object::name("Identity-H")),
                (
                    "DescendantFonts",
                    Object::Array(vec![ObjectId::new(8, 0).into()]),
                ),
            ]),
        ),
        (
            8,
            dict(vec![
                ("Type", Object::name("Font")),
                ("Subtype", Object::name("CIDFontType2")),
                ("BaseFont", Object::name("Wide")),
                ("W", Object::Array(w)),
            ]),
        ),
        (9, Object::Array(vec![Object::Integer(500); 100])),
    ];
    let path = hand_written(
        dir.path(),
        "wide-font.pdf",
        b"BT /F2 12 Tf <0001> Tj ET",
        &wide_font,
        &[],
    );
    let file = PdfFile::open(&path).expect("open");
    assert!(matches!(
        page_text_lines(&file, 0),
        Err(ContentError::Limit(ContentLimit::FontWidths(_)))
    ));

    // Garbage is skipped a little, then refused; never a panic.
    let garbage: Vec<u8> = (0..200_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let _ = run("garbage.pdf", &garbage, &[]);
    assert!(matches!(
        run("unbalanced.pdf", &b")".repeat(5000), &[]),
        Err(ContentError::Limit(ContentLimit::SyntaxErrors(_)))
    ));
}

/// Random sequences of content tokens (operators with wrong operands, odd numbers, strings,
/// nesting, inline images, forms) never panic.
#[test]
fn random_content_never_panics() {
    let vocabulary: &[&[u8]] = &[
        b"q",
        b"Q",
        b"cm",
        b"BT",
        b"ET",
        b"/F1",
        b"/F2",
        b"/X20",
        b"Tf",
        b"Tc",
        b"Tw",
        b"Tz",
        b"TL",
        b"Ts",
        b"Td",
        b"TD",
        b"Tm",
        b"T*",
        b"Tj",
        b"TJ",
        b"'",
        b"\"",
        b"Do",
        b"0",
        b"1",
        b"-1",
        b"12",
        b"0.5",
        b"1e5",
        b"99999999999999999999999999999999999999",
        b"-0",
        b".",
        b"(a)",
        b"<00410042>",
        b"(\\",
        b"[",
        b"]",
        b"<<",
        b">>",
        b"/N",
        b"BI",
        b"ID",
        b"EI",
        b"%c\n",
        b")",
        b"<zz>",
        b"true",
        b"null",
    ];
    let forms = [(
        20,
        form(Some([0, 0, 0, 0, 0, 0])),
        b"BT /F1 5 Tf (in) Tj ET".to_vec(),
    )];
    let dir = tempfile::tempdir().expect("temp dir");
    // A fixed linear congruential sequence: reproducible without a crate.
    let mut seed: u64 = 0x6b79_736f;
    for round in 0..200 {
        let mut content = Vec::new();
        for _ in 0..200 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            content.extend_from_slice(vocabulary[(seed >> 33) as usize % vocabulary.len()]);
            content.push(b' ');
        }
        let path = hand_written(
            dir.path(),
            &format!("random-{round}.pdf"),
            &content,
            &[],
            &forms,
        );
        let file = PdfFile::open(&path).expect("open");
        if let Ok(lines) = page_text_lines(&file, 0) {
            let _ = find_text(&lines, "a");
        }
    }
}

#[test]
fn page_index_out_of_range_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = decision(dir.path());
    let file = PdfFile::open(&path).expect("open");
    assert!(matches!(
        page_text_lines(&file, 1),
        Err(ContentError::Pdf(_))
    ));
}
