//! The shipped font faces: glyph lookup (`cmap`), advance widths (`hmtx`) and the metrics a
//! PDF font descriptor needs (ISO 32000-1 §9.8, Table 122).
//!
//! Only fonts compiled into Kyso are read here (`assets/fonts/`, Liberation Serif 2.1.5 under the
//! OFL), never a font from an incoming PDF, so the faces are parsed once and shared.

use std::sync::LazyLock;

use ttf_parser::{Face, GlyphId, name_id};

/// Which of the shipped faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FontStyle {
    /// Liberation Serif Regular (metric-compatible with Times New Roman, the face NĐ 30/2020
    /// prescribes for administrative documents).
    Regular,
    /// Liberation Serif Bold.
    Bold,
}

/// Character used for a character the font has no glyph for: visible, so a reader sees that
/// something is missing, and extracted as itself by the `/ToUnicode` map.
pub const REPLACEMENT: char = '?';

/// A glyph chosen for one character: its id in the full font and its advance width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyph {
    /// Glyph id in the full (not subset) font.
    pub id: u16,
    /// Horizontal advance in 1/1000 em (PDF glyph space, §9.2.4), rounded to an integer so
    /// that layout uses exactly the widths written to the font's `/W` array.
    pub width: u16,
    /// The character drawn: the requested one, or [`REPLACEMENT`] when the font lacks it.
    pub drawn: char,
}

/// Font-wide metrics in 1/1000 em, as the `/FontDescriptor` wants them (Table 122).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceMetrics {
    /// `/Ascent`: top of the tallest glyphs above the baseline (`hhea` ascender).
    pub ascent: i32,
    /// `/Descent`: bottom of the lowest glyphs, negative (`hhea` descender).
    pub descent: i32,
    /// `/CapHeight`: height of flat capitals (`OS/2` sCapHeight).
    pub cap_height: i32,
    /// `/XHeight`: height of flat lower-case letters (`OS/2` sxHeight).
    pub x_height: i32,
    /// `/FontBBox`: the union of all glyph boxes, `[x_min y_min x_max y_max]` (`head`).
    pub bbox: [i32; 4],
    /// `/ItalicAngle`: degrees counter-clockwise from vertical (`post`).
    pub italic_angle: f64,
    /// `/StemV`: thickness of vertical stems. TrueType fonts do not record it; estimated from
    /// the `OS/2` weight class, as other PDF writers do (viewers use it only to synthesise a
    /// substitute font when the embedded one cannot be used).
    pub stem_v: i32,
    /// `/FontWeight` (PDF 1.5): the `OS/2` weight class, 100–900.
    pub weight: u16,
    /// `/Flags` (§9.8.2, Table 123).
    pub flags: u32,
}

/// One shipped TrueType face, parsed.
pub struct FontFace {
    data: &'static [u8],
    face: Face<'static>,
    postscript_name: String,
    units_per_em: u16,
    metrics: FaceMetrics,
    replacement: Glyph,
}

impl std::fmt::Debug for FontFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontFace")
            .field("postscript_name", &self.postscript_name)
            .field("units_per_em", &self.units_per_em)
            .finish_non_exhaustive()
    }
}

static REGULAR: LazyLock<FontFace> = LazyLock::new(|| {
    FontFace::load(
        include_bytes!("../../../assets/fonts/LiberationSerif-Regular.ttf"),
        "LiberationSerif",
    )
});

static BOLD: LazyLock<FontFace> = LazyLock::new(|| {
    FontFace::load(
        include_bytes!("../../../assets/fonts/LiberationSerif-Bold.ttf"),
        "LiberationSerif-Bold",
    )
});

/// Flag bits of Table 123 (§9.8.2).
mod flags {
    pub const FIXED_PITCH: u32 = 1 << 0;
    pub const SERIF: u32 = 1 << 1;
    pub const NONSYMBOLIC: u32 = 1 << 5;
    pub const ITALIC: u32 = 1 << 6;
}

impl FontFace {
    /// The face for `style`.
    pub fn get(style: FontStyle) -> &'static FontFace {
        match style {
            FontStyle::Regular => &REGULAR,
            FontStyle::Bold => &BOLD,
        }
    }

    /// Liberation Serif Regular.
    pub fn regular() -> &'static FontFace {
        &REGULAR
    }

    /// Liberation Serif Bold.
    pub fn bold() -> &'static FontFace {
        &BOLD
    }

    /// Parses a font compiled into Kyso. Panics only if the shipped file is broken, which the
    /// tests of this module would show at once; never called on input from outside.
    fn load(data: &'static [u8], fallback_name: &str) -> FontFace {
        let face = Face::parse(data, 0).expect("the shipped font parses");
        let units_per_em = face.units_per_em().max(1);
        let postscript_name = face
            .names()
            .into_iter()
            .filter(|name| name.name_id == name_id::POST_SCRIPT_NAME)
            .find_map(|name| name.to_string())
            // A PDF name must not hold delimiters or spaces (§7.3.5); PostScript names never do,
            // but keep the output well-formed whatever the name table says.
            .filter(|name| {
                name.bytes()
                    .all(|b| b.is_ascii_graphic() && !b"/()<>[]{}%#".contains(&b))
            })
            .unwrap_or_else(|| fallback_name.to_string());
        let scale = |v: i16| -> i32 { to_milli_em(i32::from(v), units_per_em) };
        let bbox = face.global_bounding_box();
        let weight = face.weight().to_number();
        let italic_angle = f64::from(face.italic_angle());
        let mut flag_bits = flags::SERIF | flags::NONSYMBOLIC;
        if face.is_monospaced() {
            flag_bits |= flags::FIXED_PITCH;
        }
        if italic_angle != 0.0 {
            flag_bits |= flags::ITALIC;
        }
        let metrics = FaceMetrics {
            ascent: scale(face.ascender()),
            descent: scale(face.descender()),
            cap_height: scale(face.capital_height().unwrap_or(face.ascender())),
            x_height: scale(face.x_height().unwrap_or(0)),
            bbox: [
                scale(bbox.x_min),
                scale(bbox.y_min),
                scale(bbox.x_max),
                scale(bbox.y_max),
            ],
            italic_angle,
            // 10 + 0.244 × (weight − 50): 95 for Regular (400), 169 for Bold (700).
            stem_v: (10.0 + 0.244 * (f64::from(weight) - 50.0)).round() as i32,
            weight,
            flags: flag_bits,
        };
        let mut font = FontFace {
            data,
            face,
            postscript_name,
            units_per_em,
            metrics,
            replacement: Glyph {
                id: 0,
                width: 0,
                drawn: REPLACEMENT,
            },
        };
        let id = font
            .face
            .glyph_index(REPLACEMENT)
            .map_or(0, |GlyphId(id)| id);
        font.replacement = Glyph {
            id,
            width: font.advance(id),
            drawn: REPLACEMENT,
        };
        font
    }

    /// The PostScript name (`name` table, id 6), e.g. `LiberationSerif-Bold`.
    pub fn postscript_name(&self) -> &str {
        &self.postscript_name
    }

    /// Metrics for the font descriptor, in 1/1000 em.
    pub fn metrics(&self) -> &FaceMetrics {
        &self.metrics
    }

    /// The whole font file as shipped.
    pub(crate) fn data(&self) -> &'static [u8] {
        self.data
    }

    /// The glyph drawing `c`, through the font's `cmap`; [`REPLACEMENT`] when it has none.
    /// Expects text already normalised (see [`normalize`](super::normalize)).
    pub fn glyph(&self, c: char) -> Glyph {
        match self.face.glyph_index(c) {
            // Glyph 0 is `.notdef`: a font maps a character to it to say it has none.
            Some(GlyphId(id)) if id != 0 => Glyph {
                id,
                width: self.advance(id),
                drawn: c,
            },
            _ => self.replacement,
        }
    }

    /// Whether the font has a glyph for `c`.
    pub fn has_glyph(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some_and(|GlyphId(id)| id != 0)
    }

    /// Advance width of glyph `id` in 1/1000 em (`hmtx`); 0 for an id the font lacks.
    pub fn advance(&self, id: u16) -> u16 {
        let units = self.face.glyph_hor_advance(GlyphId(id)).unwrap_or(0);
        u16::try_from(to_milli_em(i32::from(units), self.units_per_em)).unwrap_or(u16::MAX)
    }
}

/// Font units → 1/1000 em, rounded half away from zero.
fn to_milli_em(value: i32, units_per_em: u16) -> i32 {
    (f64::from(value) * 1000.0 / f64::from(units_per_em)).round() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every letter of the Vietnamese alphabet in both cases: 12 vowels in 6 tones (72 forms,
    /// of which 6 plain ASCII) and 17 consonants with đ; the 134 outside ASCII included.
    const VIETNAMESE: &str = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợ\
        pqrstuùủũúụưừửữứựvxyỳỷỹýỵAÀẢÃÁẠĂẰẲẴẮẶÂẦẨẪẤẬBCDĐEÈẺẼÉẸÊỀỂỄẾỆGHIÌỈĨÍỊKLMNOÒỎÕÓỌÔỒỔỖỐỘƠỜỞỠỚỢ\
        PQRSTUÙỦŨÚỤƯỪỬỮỨỰVXYỲỶỸÝỴ";

    #[test]
    fn both_faces_cover_every_vietnamese_letter() {
        for style in [FontStyle::Regular, FontStyle::Bold] {
            let face = FontFace::get(style);
            for c in VIETNAMESE.chars() {
                assert!(face.has_glyph(c), "{style:?} lacks {c}");
                assert_eq!(face.glyph(c).drawn, c);
            }
        }
    }

    #[test]
    fn names_and_metrics_are_read_from_the_font() {
        let regular = FontFace::regular();
        let bold = FontFace::bold();
        assert_eq!(regular.postscript_name(), "LiberationSerif");
        assert_eq!(bold.postscript_name(), "LiberationSerif-Bold");
        let m = regular.metrics();
        // Times-compatible metrics: ascent 891, descent −216, cap height 662 (1/1000 em).
        assert_eq!((m.ascent, m.descent), (891, -216));
        assert!((640..=680).contains(&m.cap_height), "{}", m.cap_height);
        assert!(m.bbox[0] < 0 && m.bbox[1] < 0 && m.bbox[2] > 1000 && m.bbox[3] > 891);
        assert_eq!(m.italic_angle, 0.0);
        assert_eq!(m.flags, flags::SERIF | flags::NONSYMBOLIC);
        assert_eq!((m.weight, bold.metrics().weight), (400, 700));
        assert!(bold.metrics().stem_v > m.stem_v);
    }

    #[test]
    fn widths_are_times_compatible() {
        // Times Roman: space 250, "A" 722, "m" 778; Bold "A" 722, "m" 833.
        let regular = FontFace::regular();
        assert_eq!(regular.glyph(' ').width, 250);
        assert_eq!(regular.glyph('A').width, 722);
        assert_eq!(regular.glyph('m').width, 778);
        assert_eq!(FontFace::bold().glyph('m').width, 833);
    }

    #[test]
    fn a_character_without_glyph_is_drawn_as_a_question_mark() {
        let face = FontFace::regular();
        let han = face.glyph('漢');
        assert_eq!(han.drawn, REPLACEMENT);
        assert_eq!(han, face.glyph('?'));
        assert_ne!(han.id, 0);
    }
}
