//! The PDF objects of an embedded, subset TrueType font (ISO 32000-1 §9.7 and §9.9):
//!
//! ```text
//! Type0 font ── /Encoding /Identity-H, /ToUnicode ──▶ CMap stream
//!    └─ /DescendantFonts [CIDFontType2 ── /W, /CIDToGIDMap /Identity]
//!                               └─ /FontDescriptor ── /FontFile2 ──▶ subset TrueType (Flate)
//! ```
//!
//! A composite (Type0) font with two-byte codes is the only PDF font that reaches every glyph of
//! a large font without a custom encoding; Identity-H makes each code a CID, and
//! `/CIDToGIDMap /Identity` makes each CID the glyph id in the embedded subset.

use sha2::{Digest, Sha256};

use super::face::FontFace;
use crate::pdf::filter::deflate;
use crate::pdf::object::{Dictionary, Object, ObjectId, PdfString};
use crate::pdf::sigfield::NewStream;

/// One new PDF object of a font, to be written by whoever writes the file.
#[derive(Debug, Clone, PartialEq)]
pub enum NewObject {
    /// A plain object (the font dictionaries).
    Object(ObjectId, Object),
    /// A stream (the font file, the `/ToUnicode` CMap); data already encoded as its
    /// dictionary's `/Filter` says, `/Length` left for the writer.
    Stream(ObjectId, NewStream),
}

impl NewObject {
    /// The object's id.
    pub fn id(&self) -> ObjectId {
        match self {
            NewObject::Object(id, _) | NewObject::Stream(id, _) => *id,
        }
    }
}

/// What [`embed`] needs from the glyphs a text used, indexed by CID (= glyph id in the subset).
pub(super) struct Embedding<'a> {
    pub face: &'static FontFace,
    /// The subset font file (a TrueType font without `cmap`, as `subsetter` writes it).
    pub subset: Vec<u8>,
    /// Per CID: the width in 1/1000 em.
    pub widths: Vec<u16>,
    /// The original glyph ids in CID order (for the subset tag).
    pub original_ids: &'a [u16],
    /// The `/ToUnicode` CMap.
    pub to_unicode: Vec<u8>,
}

/// Ids for the five objects of a font.
pub(super) struct Ids {
    pub type0: ObjectId,
    pub cid_font: ObjectId,
    pub descriptor: ObjectId,
    pub font_file: ObjectId,
    pub to_unicode: ObjectId,
}

/// Builds the font's objects; returns the `/BaseFont` name and the objects, Type0 first.
pub(super) fn embed(embedding: Embedding<'_>, ids: &Ids) -> (String, Vec<NewObject>) {
    let face = embedding.face;
    let base_font = format!(
        "{}+{}",
        subset_tag(face.postscript_name(), embedding.original_ids),
        face.postscript_name()
    );
    let name = || Object::name(base_font.as_bytes());

    let type0: Dictionary = [
        ("Type", Object::name("Font")),
        ("Subtype", Object::name("Type0")),
        ("BaseFont", name()),
        ("Encoding", Object::name("Identity-H")),
        ("DescendantFonts", Object::Array(vec![ids.cid_font.into()])),
        ("ToUnicode", ids.to_unicode.into()),
    ]
    .into_iter()
    .collect();

    // §9.7.4.3: /W [first [w1 w2 …]]; the CIDs are 0..n without gaps.
    let widths = embedding
        .widths
        .iter()
        .map(|&w| Object::Integer(i64::from(w)))
        .collect();
    let cid_font: Dictionary = [
        ("Type", Object::name("Font")),
        ("Subtype", Object::name("CIDFontType2")),
        ("BaseFont", name()),
        (
            "CIDSystemInfo",
            [
                ("Registry", Object::String(PdfString::literal("Adobe"))),
                ("Ordering", Object::String(PdfString::literal("Identity"))),
                ("Supplement", Object::Integer(0)),
            ]
            .into_iter()
            .collect::<Dictionary>()
            .into(),
        ),
        ("FontDescriptor", ids.descriptor.into()),
        (
            "W",
            Object::Array(vec![Object::Integer(0), Object::Array(widths)]),
        ),
        ("CIDToGIDMap", Object::name("Identity")),
    ]
    .into_iter()
    .collect();

    let m = face.metrics();
    let int = |v: i32| Object::Integer(i64::from(v));
    let descriptor: Dictionary = [
        ("Type", Object::name("FontDescriptor")),
        ("FontName", name()),
        ("Flags", Object::Integer(i64::from(m.flags))),
        (
            "FontBBox",
            Object::Array(m.bbox.iter().map(|&v| int(v)).collect()),
        ),
        ("ItalicAngle", Object::Real(m.italic_angle)),
        ("Ascent", int(m.ascent)),
        ("Descent", int(m.descent)),
        ("CapHeight", int(m.cap_height)),
        ("XHeight", int(m.x_height)),
        ("StemV", int(m.stem_v)),
        ("FontWeight", Object::Integer(i64::from(m.weight))),
        ("FontFile2", ids.font_file.into()),
    ]
    .into_iter()
    .collect();

    let font_file = NewStream {
        dict: [
            ("Filter", Object::name("FlateDecode")),
            // §9.9, Table 126: /Length1 is the length of the decoded TrueType file.
            ("Length1", Object::Integer(embedding.subset.len() as i64)),
        ]
        .into_iter()
        .collect(),
        data: deflate(&embedding.subset),
    };
    let to_unicode = NewStream {
        dict: [("Filter", Object::name("FlateDecode"))]
            .into_iter()
            .collect(),
        data: deflate(&embedding.to_unicode),
    };

    let objects = vec![
        NewObject::Object(ids.type0, type0.into()),
        NewObject::Object(ids.cid_font, cid_font.into()),
        NewObject::Object(ids.descriptor, descriptor.into()),
        NewObject::Stream(ids.font_file, font_file),
        NewObject::Stream(ids.to_unicode, to_unicode),
    ];
    (base_font, objects)
}

/// The six upper-case letters that name a subset (§9.6.4: "the tag shall consist of exactly
/// six uppercase letters"), derived from the font and its glyphs: the same glyphs give the
/// same name, so output is reproducible, and different subsets in one file get different names.
fn subset_tag(postscript_name: &str, glyphs: &[u16]) -> String {
    let mut hash = Sha256::new();
    hash.update(postscript_name.as_bytes());
    for glyph in glyphs {
        hash.update(glyph.to_be_bytes());
    }
    hash.finalize()
        .iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_tags_are_six_capitals_and_follow_the_glyphs() {
        let tag = subset_tag("LiberationSerif", &[0, 36, 68]);
        assert_eq!(tag.len(), 6);
        assert!(tag.bytes().all(|b| b.is_ascii_uppercase()));
        assert_eq!(tag, subset_tag("LiberationSerif", &[0, 36, 68]));
        assert_ne!(tag, subset_tag("LiberationSerif", &[0, 36, 69]));
        assert_ne!(tag, subset_tag("LiberationSerif-Bold", &[0, 36, 68]));
    }
}
