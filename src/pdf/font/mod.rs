//! Vietnamese text in the PDFs Kyso writes: refusal notices, verification reports and (later)
//! signature appearances. One machinery for all of them:
//!
//! 1. [`FontFace`]: the shipped Liberation Serif faces (`assets/fonts/`, OFL 1.1), parsed with
//!    `ttf-parser`: glyphs through `cmap`, widths through `hmtx`, descriptor metrics.
//! 2. [`normalize`], [`FontFace::text_width`], [`FontFace::break_lines`]: text in Unicode NFC,
//!    measured in the font's own widths, broken into lines.
//! 3. [`FontUse`]: one font as used by a document or an incremental update. Drawing text through
//!    it records each glyph and returns the codes for the content stream (`<0041…> Tj`);
//!    [`FontUse::finish`] subsets the font to those glyphs (`subsetter`) and returns the objects
//!    to add, so a new document and an update appended to a signed file use the same code.
//!
//! The objects follow ISO 32000-1 §9.7 (composite fonts) and §9.10.3 (`/ToUnicode`): a Type0
//! font with `/Encoding /Identity-H`, a `CIDFontType2` descendant with `/W` widths and
//! `/CIDToGIDMap /Identity`, a `/FontDescriptor` with `/FontFile2`, and a `/ToUnicode` CMap so
//! that copy, search and `pdftotext` give back the exact Vietnamese text.
//!
//! ```
//! use kyso::pdf::font::{FontFace, FontUse};
//! use kyso::pdf::ObjectId;
//!
//! let mut font = FontUse::new(FontFace::regular());
//! let mut content = b"BT /F1 12 Tf 72 720 Td ".to_vec();
//! font.show("Quảng Ngãi", &mut content);
//! content.extend_from_slice(b" ET");
//! let mut next = 10;
//! let objects = font
//!     .finish(|| {
//!         next += 1;
//!         Ok(ObjectId::new(next, 0))
//!     })
//!     .unwrap();
//! assert_eq!(objects.font, ObjectId::new(11, 0)); // the Type0 font, for /Resources
//! assert_eq!(objects.objects.len(), 5);
//! ```

mod embed;
mod face;
mod layout;
mod to_unicode;

pub use embed::NewObject;
pub use face::{FaceMetrics, FontFace, FontStyle, Glyph, REPLACEMENT};
pub use layout::normalize;
pub use to_unicode::to_unicode_cmap;

use subsetter::GlyphRemapper;

use crate::message::{Explain, Message};
use crate::pdf::error::PdfError;
use crate::pdf::object::ObjectId;
use crate::pdf::update::IncrementalUpdate;

/// Why a font could not be embedded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FontError {
    /// The subsetter could not read or rebuild the shipped font: a bug, not bad input.
    #[error("cannot subset the font {font}: {source}")]
    Subset {
        /// PostScript name of the font.
        font: String,
        /// What the subsetter said.
        source: subsetter::Error,
    },
    /// No object number was left for the font's objects.
    #[error(transparent)]
    Pdf(#[from] PdfError),
}

impl Explain for FontError {
    fn message(&self) -> Message {
        match self {
            FontError::Subset { font, source } => Message::new(
                "font-subset-failed",
                format!("Không nhúng được phông chữ {font} vào tệp PDF ({source})."),
                format!("Cannot embed the font {font} in the PDF ({source})."),
            ),
            FontError::Pdf(error) => error.message(),
        }
    }
}

/// A font as one PDF uses it: the glyphs drawn so far, in the order they were first drawn.
///
/// Each glyph gets the next CID (0 is `.notdef`) the first time it is drawn, and that CID is
/// also its glyph id in the subset font: `subsetter` renumbers glyphs in exactly the order they
/// were added to its [`GlyphRemapper`] (glyphs that composite glyphs need are added after
/// ours), so codes written to content streams before [`finish`](Self::finish) stay valid.
#[derive(Debug)]
pub struct FontUse {
    face: &'static FontFace,
    remapper: GlyphRemapper,
    /// Per CID: the glyph id in the full font.
    original_ids: Vec<u16>,
    /// Per CID: the width in 1/1000 em.
    widths: Vec<u16>,
    /// Per CID: the text the glyph stands for (empty for `.notdef`).
    texts: Vec<String>,
}

/// The objects of a finished font, to add to the file being written.
#[derive(Debug, Clone, PartialEq)]
pub struct FontObjects {
    /// The Type0 font dictionary: what `/Resources << /Font << /F1 … >> >>` refers to.
    pub font: ObjectId,
    /// `/BaseFont`: the subset's name, e.g. `QXRTBA+LiberationSerif`.
    pub base_font: String,
    /// All five objects, the Type0 font first.
    pub objects: Vec<NewObject>,
}

impl FontObjects {
    /// Adds the objects to an incremental update (for signature appearances); returns
    /// [`font`](Self::font).
    pub fn add_to(self, update: &mut IncrementalUpdate<'_>) -> ObjectId {
        for object in self.objects {
            match object {
                NewObject::Object(id, object) => update.put(id, object),
                NewObject::Stream(id, stream) => update.put_stream(id, stream.dict, stream.data),
            }
        }
        self.font
    }
}

impl FontUse {
    /// Starts using `face`; nothing is drawn yet.
    pub fn new(face: &'static FontFace) -> Self {
        FontUse {
            face,
            // `GlyphRemapper::new` maps `.notdef` (0) to 0 already.
            remapper: GlyphRemapper::new(),
            original_ids: vec![0],
            widths: vec![face.advance(0)],
            texts: vec![String::new()],
        }
    }

    /// The face being used.
    pub fn face(&self) -> &'static FontFace {
        self.face
    }

    /// Whether no text was drawn yet (the font need not be embedded).
    pub fn is_empty(&self) -> bool {
        self.original_ids.len() <= 1
    }

    /// Number of glyphs in use, `.notdef` included.
    pub fn glyph_count(&self) -> usize {
        self.original_ids.len()
    }

    /// The CIDs (two-byte codes under Identity-H) that draw `text` on one line, recording the
    /// glyphs. The text is [normalised](normalize); a line break draws as a space.
    pub fn encode(&mut self, text: &str) -> Vec<u16> {
        normalize(text)
            .chars()
            .map(|c| {
                let c = if c == '\n' { ' ' } else { c };
                let glyph = self.face.glyph(c);
                let cid = self.remapper.remap(glyph.id);
                if usize::from(cid) == self.original_ids.len() {
                    self.original_ids.push(glyph.id);
                    self.widths.push(glyph.width);
                    self.texts.push(glyph.drawn.to_string());
                }
                cid
            })
            .collect()
    }

    /// `text` as a hexadecimal string operand, `<0041…>` (two bytes per glyph).
    pub fn hex_string(&mut self, text: &str) -> String {
        let cids = self.encode(text);
        let mut hex = String::with_capacity(cids.len() * 4 + 2);
        hex.push('<');
        for cid in cids {
            hex.push_str(&format!("{cid:04X}"));
        }
        hex.push('>');
        hex
    }

    /// Appends `<…> Tj` drawing `text` to a content stream (ISO 32000-1 §9.4.3). The font and
    /// size must already be selected with `Tf`.
    pub fn show(&mut self, text: &str, content: &mut Vec<u8>) {
        content.extend_from_slice(self.hex_string(text).as_bytes());
        content.extend_from_slice(b" Tj");
    }

    /// Subsets the font to the glyphs drawn and builds its objects, numbered by `allocate`
    /// (called five times: Type0 font, CIDFont, descriptor, font file, CMap).
    pub fn finish(
        self,
        mut allocate: impl FnMut() -> Result<ObjectId, PdfError>,
    ) -> Result<FontObjects, FontError> {
        let subset = subsetter::subset(self.face.data(), 0, &self.remapper).map_err(|source| {
            FontError::Subset {
                font: self.face.postscript_name().to_string(),
                source,
            }
        })?;
        let ids = embed::Ids {
            type0: allocate()?,
            cid_font: allocate()?,
            descriptor: allocate()?,
            font_file: allocate()?,
            to_unicode: allocate()?,
        };
        let to_unicode = to_unicode_cmap(
            self.texts
                .iter()
                .enumerate()
                .map(|(cid, text)| (cid as u16, text.as_str())),
        );
        let (base_font, objects) = embed::embed(
            embed::Embedding {
                face: self.face,
                subset,
                widths: self.widths,
                original_ids: &self.original_ids,
                to_unicode,
            },
            &ids,
        );
        Ok(FontObjects {
            font: ids.type0,
            base_font,
            objects,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers() -> impl FnMut() -> Result<ObjectId, PdfError> {
        let mut next = 0;
        move || {
            next += 1;
            Ok(ObjectId::new(next, 0))
        }
    }

    #[test]
    fn glyphs_get_cids_in_order_of_first_use() {
        let mut font = FontUse::new(FontFace::regular());
        assert!(font.is_empty());
        let first = font.encode("aba");
        assert_eq!(first, [1, 2, 1]);
        // Decomposed input draws the same glyph as composed input.
        assert_eq!(font.encode("ơ\u{300}"), font.encode("ờ"));
        assert_eq!(font.hex_string("ab ờ"), "<0001000200040003>");
        assert_eq!(font.glyph_count(), 5);
    }

    /// The invariant `/CIDToGIDMap /Identity` relies on: the glyph at CID n in the embedded
    /// subset is the glyph the text asked for, with the width written to `/W`.
    #[test]
    fn each_cid_is_the_same_glyph_in_the_subset() {
        use std::io::Read;

        let face = FontFace::regular();
        let text = "Đắk Lắk ỷ ữ Ý (Ω)";
        let mut font = FontUse::new(face);
        let cids = font.encode(text);
        let objects = font.finish(numbers()).expect("subset");
        let Some(NewObject::Stream(_, file)) = objects.objects.get(3) else {
            panic!("font file is the fourth object");
        };
        let mut ttf = Vec::new();
        flate2::read::ZlibDecoder::new(file.data.as_slice())
            .read_to_end(&mut ttf)
            .expect("inflates");
        let subset = ttf_parser::Face::parse(&ttf, 0).expect("subset parses");
        let full = ttf_parser::Face::parse(face.data(), 0).expect("font parses");
        for (c, cid) in text.chars().zip(cids) {
            let original = full.glyph_index(c).expect("glyph");
            let new = ttf_parser::GlyphId(cid);
            assert_eq!(
                subset.glyph_bounding_box(new),
                full.glyph_bounding_box(original),
                "{c}"
            );
            assert_eq!(
                subset.glyph_hor_advance(new),
                full.glyph_hor_advance(original),
                "{c}"
            );
        }
    }

    /// The path signature appearances will take: text drawn in an incremental update of an
    /// existing file, the font's objects added to the same update.
    #[test]
    fn text_added_in_an_incremental_update_is_embedded_and_extractable() {
        use crate::pdf::object::{Dictionary, Object};
        use crate::pdf::{PdfFile, fixtures};

        let original = fixtures::classic_pdf(1);
        let file = PdfFile::from_bytes(original.clone()).expect("fixture");
        let page = file.page(0).expect("page 1");
        let mut update = IncrementalUpdate::new(&file);

        let mut font = FontUse::new(FontFace::regular());
        let mut content = b"BT /KysoF1 10 Tf 72 650 Td ".to_vec();
        // Decomposed, as some keyboards type it.
        font.show(
            "Ky\u{301} bơ\u{309}i: Nguyê\u{303}n Thi\u{323} Thu Hươ\u{300}ng",
            &mut content,
        );
        content.extend_from_slice(b" ET");
        let content_id = update.allocate().expect("number");
        update.put_stream(content_id, Dictionary::new(), content);
        let objects = font.finish(|| update.allocate()).expect("subset");
        let font_id = objects.add_to(&mut update);

        let mut page_dict = page.dict.clone();
        let mut resources = page_dict
            .get(b"Resources")
            .and_then(Object::as_dict)
            .cloned()
            .expect("direct resources");
        let mut fonts = resources
            .get(b"Font")
            .and_then(Object::as_dict)
            .cloned()
            .expect("direct fonts");
        fonts.insert("KysoF1", font_id.into());
        resources.insert("Font", fonts.into());
        page_dict.insert("Resources", resources.into());
        let old_contents = page_dict.get(b"Contents").cloned().expect("contents");
        page_dict.insert("Contents", vec![old_contents, content_id.into()].into());
        update.put(page.id, page_dict.into());
        let finished = update.finish().expect("update");

        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("updated.pdf");
        std::fs::write(&path, [original, finished.bytes].concat()).expect("write");
        let run = |program: &str, args: &[&str]| {
            let output = std::process::Command::new(program)
                .args(args)
                .arg(&path)
                .output()
                .expect("tool runs");
            assert!(output.status.success(), "{program}: {output:?}");
            String::from_utf8_lossy(&output.stdout).into_owned()
        };
        run("qpdf", &["--check"]);
        let fonts = run("pdffonts", &[]);
        let ours = fonts
            .lines()
            .find(|l| l.contains("+LiberationSerif "))
            .unwrap_or_else(|| panic!("{fonts}"));
        assert!(ours.contains("Identity-H       yes yes yes"), "{ours}");
        run("pdftotext", &["-enc", "UTF-8"]);
        let text = std::fs::read_to_string(path.with_extension("txt")).expect("text");
        assert!(text.contains("Kyso test page 1"), "{text}");
        assert!(text.contains("Ký bởi: Nguyễn Thị Thu Hường"), "{text}");
    }

    #[test]
    fn finished_font_is_a_much_smaller_subset() {
        let mut font = FontUse::new(FontFace::bold());
        font.encode("Nguyễn Thị Thu Hường");
        let objects = font.finish(numbers()).expect("subset");
        assert_eq!(objects.font, ObjectId::new(1, 0));
        assert!(
            objects.base_font.ends_with("+LiberationSerif-Bold"),
            "{}",
            objects.base_font
        );
        assert_eq!(objects.base_font.find('+'), Some(6));
        let Some(NewObject::Stream(_, file)) = objects.objects.get(3) else {
            panic!("font file is the fourth object");
        };
        let full = FontFace::bold().data().len();
        assert!(file.data.len() * 10 < full, "{} of {full}", file.data.len());
    }
}
