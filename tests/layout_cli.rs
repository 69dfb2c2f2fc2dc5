//! Visible signatures and office profiles through `kyso sign --profile …`, checked the way a
//! person would: the pages rendered by `pdftoppm` (pixels), the text extracted by `pdftotext`,
//! and the signatures judged by pyHanko, pdfsig, qpdf and `kyso verify`.
//!
//! The test document is a decision (Quyết định) of a provincial People's Committee laid out as
//! NĐ 30/2020 Phụ lục I does, written here with known text positions; the images are made
//! here with the `png` crate: a blue handwritten-like stroke and a red round seal of 36 mm.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::validators::{assert_pdfsig_valid, assert_pyhanko, assert_qpdf_check};
use common::{TestEnv, describe, files_in, id, json_lines, run};
use kyso::pdf::font::{FontFace, FontUse, NewObject};
use kyso::pdf::{Dictionary, Object, ObjectId, serialize};

const PAGE: [f64; 2] = [595.0, 842.0];
/// Baselines of the signature block (right column, centred on x = 430).
const TITLE_Y: f64 = 262.0;
const NAME_Y: f64 = 170.0;
const BLOCK_CENTRE_X: f64 = 430.0;
/// Where the leader's image goes: the gap between the title line and the name line.
const LEADER_RECT: &str = "360,185,500,255";
/// The blank after "Số:" and the date line's blank, in the header.
const NUMBER_RECT: &str = "82,731,200,747";
const DATE_RECT: &str = "398,731,565,747";
const NUMBER: &str = "123/QĐ-UBND";

const LEADER_UNDER_OTHER_SIGNATURE: &str =
    "INTACT:TRUSTED,EXTENDED_WITH_FORM_FILLING,ACCEPTABLE_MODIFICATIONS";
const TRUSTED_UNTOUCHED: &str = "INTACT:TRUSTED,UNTOUCHED";

// --- Test document ------------------------------------------------------------------------

/// A one-page decision with the header, body and signature block at known places.
fn decision_pdf() -> Vec<u8> {
    let mut font = FontUse::new(FontFace::regular());
    let mut content = Vec::new();
    let mut line = |text: &str, x: f64, y: f64, size: f64, font: &mut FontUse| {
        content.extend_from_slice(format!("BT /F1 {size} Tf {x} {y} Td ").as_bytes());
        font.show(text, &mut content);
        content.extend_from_slice(b" ET\n");
    };
    let centred = |text: &str, size: f64, font: &FontUse| {
        BLOCK_CENTRE_X - font.face().text_width(text, size) / 2.0
    };
    // Header 20 mm below the top edge, as NĐ 30 Phụ lục I sets the margins.
    line("ỦY BAN NHÂN DÂN", 60.0, 770.0, 12.0, &mut font);
    line("TỈNH QUẢNG NGÃI", 62.0, 755.0, 12.0, &mut font);
    line("Số:", 60.0, 735.0, 13.0, &mut font);
    line("/QĐ-UBND", 120.0, 735.0, 13.0, &mut font);
    line(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        300.0,
        770.0,
        12.0,
        &mut font,
    );
    line("Độc lập - Tự do - Hạnh phúc", 345.0, 755.0, 12.0, &mut font);
    line("Quảng Ngãi,", 330.0, 735.0, 13.0, &mut font);
    line(
        "ngày      tháng      năm 2026",
        400.0,
        735.0,
        13.0,
        &mut font,
    );
    line("QUYẾT ĐỊNH", 255.0, 660.0, 14.0, &mut font);
    line(
        "Về việc hỗ trợ tỉnh Đắk Lắk khắc phục hậu quả thiên tai",
        150.0,
        640.0,
        13.0,
        &mut font,
    );
    line(
        "Giao ông Nguyễn Văn An tổ chức thực hiện Quyết định này.",
        70.0,
        600.0,
        13.0,
        &mut font,
    );
    for (text, y) in [
        ("TM. ỦY BAN NHÂN DÂN", 294.0),
        ("KT. CHỦ TỊCH", 278.0),
        ("PHÓ CHỦ TỊCH", TITLE_Y),
        ("Nguyễn Văn An", NAME_Y),
    ] {
        let x = centred(text, 13.0, &font);
        line(text, x, y, 13.0, &mut font);
    }
    let mut next = 4;
    let objects = font
        .finish(|| {
            next += 1;
            Ok(ObjectId::new(next, 0))
        })
        .expect("font");
    let font_id = objects.font;

    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = vec![(0u32, 0usize); 0];
    let mut put = |out: &mut Vec<u8>, number: u32, body: &[u8]| {
        offsets.push((number, out.len()));
        out.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    let dict = |pairs: Vec<(&str, Object)>| -> Vec<u8> {
        let d: Dictionary = pairs.into_iter().collect();
        let mut b = Vec::new();
        serialize(&Object::Dictionary(d), &mut b);
        b
    };
    put(
        &mut out,
        1,
        &dict(vec![
            ("Type", Object::name("Catalog")),
            ("Pages", ObjectId::new(2, 0).into()),
        ]),
    );
    put(
        &mut out,
        2,
        &dict(vec![
            ("Type", Object::name("Pages")),
            ("Kids", vec![Object::from(ObjectId::new(3, 0))].into()),
            ("Count", Object::Integer(1)),
        ]),
    );
    let fonts: Dictionary = [("F1", Object::from(font_id))].into_iter().collect();
    let resources: Dictionary = [("Font", Object::Dictionary(fonts))].into_iter().collect();
    put(
        &mut out,
        3,
        &dict(vec![
            ("Type", Object::name("Page")),
            ("Parent", ObjectId::new(2, 0).into()),
            (
                "MediaBox",
                vec![
                    Object::Integer(0),
                    Object::Integer(0),
                    Object::Real(PAGE[0]),
                    Object::Real(PAGE[1]),
                ]
                .into(),
            ),
            ("Resources", Object::Dictionary(resources)),
            ("Contents", ObjectId::new(4, 0).into()),
        ]),
    );
    let stream = |dict_bytes: Vec<u8>, data: &[u8]| {
        let mut b = dict_bytes;
        b.extend_from_slice(b"\nstream\n");
        b.extend_from_slice(data);
        b.extend_from_slice(b"\nendstream");
        b
    };
    put(
        &mut out,
        4,
        &stream(
            dict(vec![("Length", Object::Integer(content.len() as i64))]),
            &content,
        ),
    );
    for object in objects.objects {
        match object {
            NewObject::Object(id, object) => {
                let mut b = Vec::new();
                serialize(&object, &mut b);
                put(&mut out, id.number, &b);
            }
            NewObject::Stream(id, s) => {
                let mut d = s.dict.clone();
                d.insert("Length", Object::Integer(s.data.len() as i64));
                let mut b = Vec::new();
                serialize(&Object::Dictionary(d), &mut b);
                put(&mut out, id.number, &stream(b, &s.data));
            }
        }
    }
    let size = next + 1;
    offsets.sort();
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
    for (_, offset) in &offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

// --- Test images --------------------------------------------------------------------------

/// Writes an RGBA PNG; `dpi` becomes its `pHYs` chunk.
fn write_png(path: &Path, width: u32, height: u32, rgba: &[u8], dpi: Option<f64>) {
    let file = std::fs::File::create(path).expect("create png");
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    if let Some(dpi) = dpi {
        let ppm = (dpi / 0.0254).round() as u32;
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: ppm,
            yppu: ppm,
            unit: png::Unit::Meter,
        }));
    }
    let mut writer = encoder.write_header().expect("png header");
    writer.write_image_data(rgba).expect("png data");
}

/// A blue handwritten-like stroke on a transparent ground, 5 % to 95 % of the width.
fn signature_png(path: &Path) {
    let (w, h) = (360u32, 120u32);
    let mut rgba = vec![0u8; (w * h * 4) as usize];
    for step in 0..4000 {
        let t = step as f64 / 4000.0;
        let x = w as f64 * (0.05 + 0.9 * t);
        let y = h as f64 * (0.5 + 0.3 * (t * 14.0).sin() * (1.0 - t * 0.5));
        for dy in -3i32..=3 {
            for dx in -3i32..=3 {
                let (px, py) = (x as i32 + dx, y as i32 + dy);
                if px < 0 || py < 0 || px >= w as i32 || py >= h as i32 {
                    continue;
                }
                let d = ((dx * dx + dy * dy) as f64).sqrt();
                let alpha = (255.0 * (1.0 - d / 4.0).clamp(0.0, 1.0)) as u8;
                let i = ((py as u32 * w + px as u32) * 4) as usize;
                rgba[i..i + 3].copy_from_slice(&[20, 40, 200]);
                rgba[i + 3] = rgba[i + 3].max(alpha);
            }
        }
    }
    write_png(path, w, h, &rgba, None);
}

/// A red round seal, 36 mm at 300 dpi (pHYs), rings and a star, transparent elsewhere.
fn seal_png(path: &Path) {
    let n = 425u32;
    let c = n as f64 / 2.0;
    let mut rgba = vec![0u8; (n * n * 4) as usize];
    for y in 0..n {
        for x in 0..n {
            let (dx, dy) = (x as f64 + 0.5 - c, y as f64 + 0.5 - c);
            let r = (dx * dx + dy * dy).sqrt() / c;
            let angle = dy.atan2(dx);
            let star = r < 0.25 * (1.0 + 0.6 * (5.0 * angle).cos().max(0.0));
            let ring = (0.90..0.99).contains(&r) || (0.62..0.67).contains(&r);
            if ring || star {
                let i = ((y * n + x) * 4) as usize;
                rgba[i..i + 4].copy_from_slice(&[220, 20, 30, 255]);
            }
        }
    }
    write_png(path, n, n, &rgba, Some(300.0));
}

// --- Rendering ----------------------------------------------------------------------------

/// An RGB raster of one page at 72 dpi (1 pixel = 1 point).
struct Raster {
    width: usize,
    height: usize,
    rgb: Vec<u8>,
}

impl Raster {
    fn pixel(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y * self.width + x) * 3;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    /// Bounding box `[x1, y1, x2, y2]` (pixels, y down) of pixels matching `test`.
    fn bbox(&self, test: impl Fn([u8; 3]) -> bool) -> Option<[usize; 4]> {
        let mut b: Option<[usize; 4]> = None;
        for y in 0..self.height {
            for x in 0..self.width {
                if test(self.pixel(x, y)) {
                    b = Some(match b {
                        None => [x, y, x, y],
                        Some([a, b_, c, d]) => [a.min(x), b_.min(y), c.max(x), d.max(y)],
                    });
                }
            }
        }
        b
    }
}

fn is_blue(p: [u8; 3]) -> bool {
    p[2] > 120 && p[0] < 110 && p[1] < 130
}

fn is_red(p: [u8; 3]) -> bool {
    p[0] > 150 && p[1] < 110 && p[2] < 110
}

fn render(pdf: &Path, page: usize) -> Raster {
    let prefix = pdf.with_extension(format!("p{page}"));
    let out = Command::new("pdftoppm")
        .args(["-r", "72", "-png", "-singlefile", "-f", &page.to_string()])
        .args(["-l", &page.to_string()])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("run pdftoppm (poppler-utils)");
    assert!(out.status.success(), "pdftoppm: {out:?}");
    let png_path = prefix.with_extension(format!("p{page}.png"));
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png_path).expect("rendered page"),
    ));
    let mut reader = decoder.read_info().expect("png");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("frame");
    let channels = info.color_type.samples();
    let rgb = buf[..info.buffer_size()]
        .chunks(channels)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    if let Some(dir) = std::env::var_os("KYSO_KEEP_RENDERS") {
        let name = pdf.file_stem().unwrap().to_string_lossy().into_owned();
        std::fs::copy(&png_path, Path::new(&dir).join(format!("{name}.png"))).ok();
    }
    Raster {
        width: info.width as usize,
        height: info.height as usize,
        rgb,
    }
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        // Content-stream order: a stamp drawn over a form's blank ("ngày … tháng … năm") comes
        // out whole, after the page's own text, instead of interleaved with it.
        .args(["-enc", "UTF-8", "-raw"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(out.status.success(), "pdftotext: {out:?}");
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

// --- Flows --------------------------------------------------------------------------------

struct Office {
    env: TestEnv,
    signature: PathBuf,
    seal: PathBuf,
    decision: PathBuf,
}

impl Office {
    fn new() -> Office {
        let env = TestEnv::new();
        let signature = env.path("chu-ky.png");
        let seal = env.path("con-dau.png");
        signature_png(&signature);
        seal_png(&seal);
        let decision = env.path("quyet-dinh.pdf");
        std::fs::write(&decision, decision_pdf()).expect("decision");
        Office {
            env,
            signature,
            seal,
            decision,
        }
    }

    /// The leader signs the decision into `out`.
    fn leader(&self, out: &Path) -> std::process::Output {
        run(self
            .env
            .sign()
            .args(["--cert", id::LEADER, "--profile", "leader", "--image"])
            .arg(&self.signature)
            .args(["--rect", LEADER_RECT])
            .args(["--authority", "KT. CHỦ TỊCH", "--title", "PHÓ CHỦ TỊCH"])
            .arg(&self.decision)
            .arg("-o")
            .arg(out))
    }

    /// The clerk issues `input` into `out`.
    fn issue(&self, input: &Path, out: &Path) -> std::process::Output {
        run(self
            .env
            .sign()
            .args(["--cert", id::ORGANISATION, "--profile", "issuer", "--seal"])
            .arg(&self.seal)
            .args(["--number", NUMBER, "--number-rect", NUMBER_RECT])
            .args(["--date", "2026-04-26", "--date-rect", DATE_RECT])
            .arg("--trust")
            .arg(self.env.root_pem())
            .arg(input)
            .arg("-o")
            .arg(out))
    }

    fn verify(&self, pdf: &Path) -> serde_json::Value {
        let out = run(self
            .env
            .kyso()
            .args(["verify", "--json", "--offline", "--trust"])
            .arg(self.env.root_pem())
            .arg(pdf));
        json_lines(&out).remove(0)
    }
}

#[test]
fn leader_then_issuer_seal_overlaps_a_third_and_both_signatures_stay_valid() {
    let office = Office::new();
    let leader = office.env.path("1-leader.pdf");
    let out = office.leader(&leader);
    assert!(out.status.success(), "{}", describe(&out));
    assert_pyhanko(&leader, office.env.root_pem(), &[], &[TRUSTED_UNTOUCHED]);

    // The leader's image sits between the title line and the name line, centred on the block.
    let page = render(&leader, 1);
    let blue = page.bbox(is_blue).expect("blue signature drawn");
    let (title_y, name_y) = (PAGE[1] - TITLE_Y, PAGE[1] - NAME_Y); // baselines, pixels from top
    assert!(
        blue[1] as f64 > title_y && (blue[3] as f64) < name_y - 10.0,
        "blue {blue:?} not between the title ({title_y}) and the name ({name_y})"
    );
    let centre = (blue[0] + blue[2]) as f64 / 2.0;
    assert!(
        (centre - BLOCK_CENTRE_X).abs() < 6.0,
        "blue centred at {centre}"
    );

    let issued = office.env.path("2-issued.pdf");
    let out = office.issue(&leader, &issued);
    assert!(out.status.success(), "{}", describe(&out));

    // pyHanko: the leader intact with allowed changes, the organisation intact and untouched.
    assert_pyhanko(
        &issued,
        office.env.root_pem(),
        &[],
        &[LEADER_UNDER_OTHER_SIGNATURE, TRUSTED_UNTOUCHED],
    );
    assert_pdfsig_valid(&issued, 2);
    assert_qpdf_check(&issued);

    // Kyso agrees, and tells the roles and the authority.
    let report = office.verify(&issued);
    let signatures = report["signatures"].as_array().expect("signatures");
    assert_eq!(signatures.len(), 2, "{report:#}");
    assert_eq!(signatures[0]["integrity"], "intact", "{report:#}");
    assert_eq!(signatures[0]["modifications"], "allowed", "{report:#}");
    assert_eq!(signatures[1]["integrity"], "intact", "{report:#}");
    assert_eq!(signatures[1]["modifications"], "none", "{report:#}");
    assert_eq!(signatures[0]["role"], "personal", "{report:#}");
    assert_eq!(signatures[1]["role"], "organisation", "{report:#}");
    assert_eq!(
        signatures[0]["authority"], "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH",
        "{report:#}"
    );
    assert!(signatures[1]["authority"].is_null(), "{report:#}");

    // The seal: red, 36 mm wide (±2 px), covering 25–40 % of the leader's image on its left.
    let page = render(&issued, 1);
    let red = page.bbox(is_red).expect("red seal drawn");
    let seal_width = (red[2] - red[0]) as f64;
    let expected = 36.0 * 72.0 / 25.4 * 0.98;
    assert!((seal_width - expected).abs() < 3.0, "seal {seal_width} pt");
    assert!(
        red[0] < blue[0],
        "the seal is on the left: {red:?} {blue:?}"
    );
    let overlap = (red[2] as f64 - blue[0] as f64) / (blue[2] - blue[0]) as f64;
    assert!(
        (0.25..=0.40).contains(&overlap),
        "the seal covers {:.0} % of the signature",
        overlap * 100.0
    );
    let centre_red = (red[1] + red[3]) as f64 / 2.0;
    let centre_blue = (blue[1] + blue[3]) as f64 / 2.0;
    assert!((centre_red - centre_blue).abs() < 15.0);

    // Number and date are stamped, searchable, with the Vietnamese letters intact.
    let text = pdftotext(&issued);
    for wanted in [
        NUMBER,
        "ngày 26 tháng 4 năm 2026",
        "Quảng Ngãi",
        "Đắk Lắk",
        "Nguyễn Văn An",
    ] {
        assert!(text.contains(wanted), "“{wanted}” missing from:\n{text}");
    }
}

#[test]
fn issuing_is_refused_without_a_valid_personal_signature_and_nothing_is_written() {
    let office = Office::new();
    // Unsigned document.
    let out_path = office.env.path("issued-unsigned.pdf");
    let out = office.issue(&office.decision, &out_path);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let line = &json_lines(&out)[0];
    assert_eq!(
        line["error"]["code"], "issuer-needs-personal-signature",
        "{line}"
    );
    assert!(
        line["error"]["vi"]
            .as_str()
            .unwrap()
            .contains("Nghị định 30/2020"),
        "{line}"
    );
    assert!(!out_path.exists());

    // A personal signature whose document was altered afterwards (a byte of the signed page
    // content changed, in place).
    let leader = office.env.path("leader.pdf");
    assert!(office.leader(&leader).status.success());
    let mut bytes = std::fs::read(&leader).unwrap();
    let at = find(&bytes, b"BT /F1").expect("page content");
    bytes[at + 4] = b'F';
    bytes[at + 5] = b'2';
    let broken = office.env.path("broken.pdf");
    std::fs::write(&broken, &bytes).unwrap();
    let out_path = office.env.path("issued-broken.pdf");
    let out = office.issue(&broken, &out_path);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let line = &json_lines(&out)[0];
    assert_eq!(
        line["error"]["code"], "issuer-needs-valid-personal-signature",
        "{line}"
    );
    assert!(!out_path.exists());
    let leftovers: Vec<String> = files_in(office.env.dir.path())
        .into_iter()
        .filter(|n| n.starts_with("issued"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The issuer's precondition is checked before the token is opened: an unsigned document in a
/// batch is refused without a login, and the rest of the batch is issued with one PIN entry.
#[test]
fn an_unissuable_document_is_refused_before_the_pin_and_the_batch_goes_on() {
    let office = Office::new();
    let leader = office.env.path("1-leader.pdf");
    assert!(office.leader(&leader).status.success());
    let unsigned = office.env.path("2-unsigned.pdf");
    std::fs::write(&unsigned, decision_pdf()).unwrap();

    let issue = |inputs: &[&Path], out_dir: &Path, log: &Path| {
        run(office
            .env
            .sign_spied(log)
            .args(["--cert", id::ORGANISATION, "--profile", "issuer", "--seal"])
            .arg(&office.seal)
            .args(["--number", NUMBER, "--number-rect", NUMBER_RECT])
            .args(["--date", "2026-04-26", "--date-rect", DATE_RECT])
            .arg("--trust")
            .arg(office.env.root_pem())
            .args(inputs)
            .arg("--out-dir")
            .arg(out_dir))
    };

    // Only the unsigned document: refused, and the token never asked for the PIN.
    let log = office.env.path("spy-alone.log");
    let out = issue(&[&unsigned], &office.env.path("out-alone"), &log);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(common::spy_calls(&log, "C_Login"), 0, "no PIN entry");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["error"]["code"], "issuer-needs-personal-signature");

    // Both: the signed one is issued (one login), the unsigned one refused; exit 1.
    let log = office.env.path("spy-both.log");
    let out_dir = office.env.path("out-both");
    let out = issue(&[&unsigned, &leader], &out_dir, &log);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_eq!(common::spy_calls(&log, "C_Login"), 1, "one PIN entry");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2, "{lines:?}");
    let refused = lines.iter().find(|l| l["ok"] == false).expect("a refusal");
    assert_eq!(refused["error"]["code"], "issuer-needs-personal-signature");
    let issued = lines
        .iter()
        .find(|l| l["ok"] == true)
        .expect("an issued file");
    let output = PathBuf::from(issued["output"].as_str().unwrap());
    assert_pdfsig_valid(&output, 2);
    assert_eq!(
        files_in(&out_dir).len(),
        1,
        "only the issued file is written"
    );
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn an_image_that_is_not_a_png_is_refused_before_the_token() {
    let office = Office::new();
    let jpeg = office.env.path("chu-ky.jpg");
    std::fs::write(&jpeg, b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00").unwrap();
    let out_path = office.env.path("x.pdf");
    let out = run(office
        .env
        .sign()
        .args(["--cert", id::LEADER, "--profile", "leader", "--image"])
        .arg(&jpeg)
        .args(["--rect", LEADER_RECT])
        .arg(&office.decision)
        .arg("-o")
        .arg(&out_path));
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("không phải PNG"), "{stderr}");
    assert!(!out_path.exists());
}

#[test]
fn attachments_get_number_and_vietnam_time_top_right_in_black_with_one_login() {
    let office = Office::new();
    let inputs: Vec<PathBuf> = (1..=2)
        .map(|i| {
            let p = office.env.path(&format!("phu-luc-{i}.pdf"));
            std::fs::write(&p, decision_pdf()).unwrap();
            p
        })
        .collect();
    let out_dir = office.env.path("out");
    let log = office.env.path("spy.log");
    let out = run(office
        .env
        .sign_spied(&log)
        .env("TZ", "America/New_York")
        .args(["--cert", id::ORGANISATION, "--profile", "attachment"])
        .args(["--number", NUMBER])
        .args(&inputs)
        .arg("--out-dir")
        .arg(&out_dir));
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(common::spy_calls(&log, "C_Login"), 1, "one PIN entry");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    for line in &lines {
        let output = PathBuf::from(line["output"].as_str().unwrap());
        let time = line["signing_time"].as_str().unwrap();
        assert!(time.ends_with("+07:00"), "{time}");
        let text = pdftotext(&output);
        assert!(text.contains(NUMBER) && text.contains(time), "{text}");
        assert_pdfsig_valid(&output, 1);
        assert_qpdf_check(&output);
        // Black text and frame at the top right of page 1, above the document's header (the
        // input has nothing there: its header starts 20 mm = 57 pt from the top).
        let page = render(&output, 1);
        let black = |p: [u8; 3]| p.iter().all(|&c| c < 60);
        let mut found = None::<[usize; 4]>;
        for y in 0..57 {
            for x in 0..page.width {
                if black(page.pixel(x, y)) {
                    found = Some(match found {
                        None => [x, y, x, y],
                        Some(b) => [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)],
                    });
                }
            }
        }
        let top_right = found.expect("black box at the top right");
        assert!(top_right[0] > 380, "the box is on the right: {top_right:?}");
        assert!(
            top_right[2] > page.width - 40 && top_right[1] < 40,
            "{top_right:?}"
        );
    }
}

#[test]
fn copies_show_form_organisation_and_vietnam_time_whatever_the_zone() {
    let office = Office::new();
    let out_path = office.env.path("ban-sao.pdf");
    let out = run(office
        .env
        .sign()
        .env("TZ", "UTC")
        .args(["--cert", id::ORGANISATION, "--profile", "copy"])
        .args(["--copy-form", "SAO Y"])
        .args(["--organisation", "Sở Tài chính tỉnh Đắk Lắk"])
        .arg(&office.decision)
        .arg("-o")
        .arg(&out_path));
    assert!(out.status.success(), "{}", describe(&out));
    let time = json_lines(&out)[0]["signing_time"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(time.ends_with("+07:00"));
    let text = pdftotext(&out_path);
    for wanted in ["SAO Y", "Sở Tài chính tỉnh Đắk Lắk", time.as_str()] {
        assert!(text.contains(wanted), "“{wanted}” missing:\n{text}");
    }
    assert_pdfsig_valid(&out_path, 1);
    assert_pyhanko(&out_path, office.env.root_pem(), &[], &[TRUSTED_UNTOUCHED]);
}

#[test]
fn a_saved_profile_signs_with_one_choice() {
    let office = Office::new();
    let settings = office.env.path("settings.json");
    let json = serde_json::json!({
        "office_name": "UBND tỉnh Quảng Ngãi",
        "profiles": [{
            "name": "Phó Chủ tịch ký thay",
            "kind": "leader",
            "authority_prefix": "KT. CHỦ TỊCH",
            "title": "PHÓ CHỦ TỊCH",
            "image": office.signature,
            "certificate": id::LEADER,
        }]
    });
    std::fs::write(&settings, json.to_string()).unwrap();
    let out_path = office.env.path("saved.pdf");
    let out = run(office
        .env
        .sign()
        .arg("--settings")
        .arg(&settings)
        .args(["--settings-profile", "Phó Chủ tịch ký thay"])
        .args(["--rect", LEADER_RECT])
        .arg(&office.decision)
        .arg("-o")
        .arg(&out_path));
    assert!(out.status.success(), "{}", describe(&out));
    let report = office.verify(&out_path);
    assert_eq!(
        report["signatures"][0]["reason"], "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH",
        "{report:#}"
    );
    assert!(render(&out_path, 1).bbox(is_blue).is_some());
}

#[test]
fn anchors_place_the_image_between_title_and_name_and_stamp_number_and_date() {
    let office = Office::new();
    let leader = office.env.path("anchor-leader.pdf");
    let out = run(office
        .env
        .sign()
        .args(["--cert", id::LEADER, "--profile", "leader", "--image"])
        .arg(&office.signature)
        .args(["--anchor", "PHÓ CHỦ TỊCH"])
        .arg(&office.decision)
        .arg("-o")
        .arg(&leader));
    assert!(out.status.success(), "{}", describe(&out));
    let page = render(&leader, 1);
    let blue = page.bbox(is_blue).expect("blue signature drawn");
    let (title_y, name_y) = (PAGE[1] - TITLE_Y, PAGE[1] - NAME_Y);
    assert!(
        blue[1] as f64 > title_y && (blue[3] as f64) < name_y - 10.0,
        "blue {blue:?} not between the title ({title_y}) and the name ({name_y})"
    );
    let centre = (blue[0] + blue[2]) as f64 / 2.0;
    assert!(
        (centre - BLOCK_CENTRE_X).abs() < 6.0,
        "blue centred at {centre}"
    );

    // The issuer finds "Số:" and "ngày" by itself.
    let issued = office.env.path("anchor-issued.pdf");
    let out = run(office
        .env
        .sign()
        .args(["--cert", id::ORGANISATION, "--profile", "issuer", "--seal"])
        .arg(&office.seal)
        .args(["--number", NUMBER, "--date", "2026-02-05"])
        .arg("--trust")
        .arg(office.env.root_pem())
        .arg(&leader)
        .arg("-o")
        .arg(&issued));
    assert!(out.status.success(), "{}", describe(&out));
    assert_pyhanko(
        &issued,
        office.env.root_pem(),
        &[],
        &[LEADER_UNDER_OTHER_SIGNATURE, TRUSTED_UNTOUCHED],
    );
    assert_pdfsig_valid(&issued, 2);
    let text = pdftotext(&issued);
    for wanted in [NUMBER, "ngày 05 tháng 02 năm 2026"] {
        assert!(text.contains(wanted), "“{wanted}” missing:\n{text}");
    }
}

#[test]
fn an_anchor_that_is_not_on_the_page_is_refused_and_nothing_is_written() {
    let office = Office::new();
    let out_path = office.env.path("no-anchor.pdf");
    let out = run(office
        .env
        .sign()
        .args(["--cert", id::LEADER, "--profile", "leader", "--image"])
        .arg(&office.signature)
        .args(["--anchor", "GIÁM ĐỐC SỞ"])
        .arg(&office.decision)
        .arg("-o")
        .arg(&out_path));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let line = &json_lines(&out)[0];
    assert_eq!(line["error"]["code"], "anchor-not-found", "{line}");
    assert!(
        line["error"]["vi"]
            .as_str()
            .unwrap()
            .contains("GIÁM ĐỐC SỞ"),
        "{line}"
    );
    assert!(!out_path.exists());
}
