//! Fonts as text extraction sees them (ISO 32000-1 §9.5–§9.10): how a shown string splits into
//! codes, each code's advance width, and the text each code stands for.
//!
//! - Simple fonts (Type1, MMType1, TrueType, Type3): one byte per code; widths from `/Widths`
//!   (`/FirstChar`, `/MissingWidth`), or approximate standard-14 metrics when absent; text from
//!   `/ToUnicode`, else from the encoding (`/Encoding` name or dictionary with `/Differences`,
//!   glyph names through the Adobe Glyph List).
//! - Composite fonts (Type0): codes from `Identity-H`/`-V`, the `Uni…-UCS2` CMaps (codes are
//!   Unicode) or an embedded CMap stream; widths by CID from `/W` and `/DW`; text from
//!   `/ToUnicode`.
//!
//! The font programs themselves are never read: an incoming PDF's embedded font is untrusted
//! and not needed to find where text is.

use std::collections::HashMap;

use pdf_encoding::{ForwardMap, glyphname_to_unicode};

use super::super::document::PdfFile;
use super::super::error::PdfError;
use super::super::object::{Dictionary, Object};
use super::cmap::{CMap, find_range};
use super::error::{ContentError, ContentLimit};
use super::limits::MAX_WIDTH_ENTRIES;
use super::standard14::Family;

/// One code of a shown string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Code {
    pub value: u32,
    pub len: usize,
}

/// How a composite font's strings split into codes and CIDs.
#[derive(Debug, Clone)]
enum CompositeEncoding {
    /// Two-byte codes that are CIDs (`Identity-H`, `Identity-V`).
    Identity,
    /// Two-byte codes that are Unicode (`UniGB-UCS2-H` and the like); CIDs unknown.
    Unicode,
    /// Another predefined CMap: two-byte codes, CIDs unknown.
    OtherTwoByte,
    /// An embedded CMap stream.
    Embedded(Box<CMap>),
}

#[derive(Debug, Clone)]
enum Kind {
    Simple {
        /// Text for each code, from the encoding.
        text: Box<[Option<String>; 256]>,
        /// Advance widths in text space units (ems) for each code.
        widths: Box<[f64; 256]>,
    },
    Composite {
        encoding: CompositeEncoding,
        /// Single CIDs with their widths (ems).
        widths: HashMap<u32, f64>,
        /// (first CID, last CID, width) from the `c_first c_last w` form of `/W`, sorted by first CID.
        width_ranges: Vec<(u32, u32, f64)>,
        default_width: f64,
    },
}

/// A font loaded for text extraction.
#[derive(Debug, Clone)]
pub(super) struct Font {
    kind: Kind,
    to_unicode: Option<CMap>,
    /// Ascent and descent in text space units (ems), for glyph boxes.
    pub ascent: f64,
    pub descent: f64,
    /// Vertical writing mode (`Identity-V` and vertical CMaps): glyphs advance downward.
    pub vertical: bool,
    /// Decoded bytes of its CMaps (`/ToUnicode`, an embedded `/Encoding`): the interpreter
    /// counts them against the page's [`MAX_CONTENT_SIZE`](super::limits::MAX_CONTENT_SIZE),
    /// since a thousand fonts may share one huge CMap stream that is read for each.
    pub data_len: usize,
}

/// What the interpreter needs about one code.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct GlyphInfo {
    /// The text the code stands for; empty when unknown.
    pub text: String,
    /// Advance in ems (horizontal, or downward in vertical mode).
    pub width: f64,
    /// A single-byte code 32, to which word spacing applies (§9.3.3).
    pub word_space: bool,
}

/// Keeps a reader error that makes the whole page unreadable (time, limits, I/O); drops others,
/// so that one broken optional part of a font (an unreadable `/ToUnicode`) does not lose the
/// page.
fn optional<T>(result: Result<T, PdfError>) -> Result<Option<T>, ContentError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(e @ (PdfError::LimitExceeded { .. } | PdfError::Io(_))) => Err(e.into()),
        Err(_) => Ok(None),
    }
}

fn number(file: &PdfFile, object: Option<&Object>) -> Result<Option<f64>, ContentError> {
    let Some(object) = object else {
        return Ok(None);
    };
    Ok(optional(file.resolve(object))?.and_then(|o| o.as_number()))
}

fn dictionary(file: &PdfFile, object: Option<&Object>) -> Result<Option<Dictionary>, ContentError> {
    let Some(object) = object else {
        return Ok(None);
    };
    Ok(match optional(file.resolve(object))? {
        Some(Object::Dictionary(d)) => Some(d),
        Some(Object::Stream(s)) => Some(s.dict),
        _ => None,
    })
}

fn array(file: &PdfFile, object: Option<&Object>) -> Result<Vec<Object>, ContentError> {
    let Some(object) = object else {
        return Ok(Vec::new());
    };
    Ok(match optional(file.resolve(object))? {
        Some(Object::Array(items)) => items,
        _ => Vec::new(),
    })
}

/// A stream's decoded data, when the object is a stream the reader can decode.
fn stream_data(
    file: &PdfFile,
    object: Option<&Object>,
) -> Result<Option<(Dictionary, Vec<u8>)>, ContentError> {
    let Some(object) = object else {
        return Ok(None);
    };
    let Some(Object::Stream(stream)) = optional(file.resolve(object))? else {
        return Ok(None);
    };
    Ok(optional(file.stream_data(&stream))?.map(|data| (stream.dict, data)))
}

/// Text for a glyph name (Adobe Glyph List, and the `uniXXXX` / `uXXXX` forms of the AGL
/// specification).
fn glyph_name_text(name: &[u8]) -> Option<String> {
    let name = std::str::from_utf8(name).ok()?;
    // `a.sc`, `f_i.liga`: the part before the first period names the glyph.
    let name = name.split('.').next().unwrap_or(name);
    if let Some(text) = glyphname_to_unicode(name) {
        return Some(text.to_string());
    }
    let hex_chars = |hex: &str, width: usize| -> Option<String> {
        if hex.is_empty() || !hex.len().is_multiple_of(width) {
            return None;
        }
        (0..hex.len())
            .step_by(width)
            .map(|i| {
                let value = u32::from_str_radix(hex.get(i..i + width)?, 16).ok()?;
                char::from_u32(value)
            })
            .collect()
    };
    if let Some(hex) = name.strip_prefix("uni") {
        return hex_chars(hex, 4);
    }
    if let Some(hex) = name.strip_prefix('u')
        && (4..=6).contains(&hex.len())
    {
        return hex_chars(hex, hex.len());
    }
    // Ligatures written as components: `f_f_i`.
    if name.contains('_') {
        return name
            .split('_')
            .map(|part| glyphname_to_unicode(part).map(str::to_string))
            .collect();
    }
    None
}

fn base_encoding(name: &[u8]) -> Option<&'static ForwardMap> {
    match name {
        b"WinAnsiEncoding" => Some(&pdf_encoding::WINANSI),
        b"MacRomanEncoding" => Some(&pdf_encoding::MACROMAN),
        b"StandardEncoding" => Some(&pdf_encoding::STANDARD),
        b"MacExpertEncoding" => Some(&pdf_encoding::MACEXPERT),
        _ => None,
    }
}

/// Ascent and descent (ems) from a font descriptor, falling back on `/FontBBox` and then on
/// `fallback` (thousandths of an em).
fn vertical_metrics(
    file: &PdfFile,
    descriptor: Option<&Dictionary>,
    scale: f64,
    fallback: (f64, f64),
) -> Result<(f64, f64), ContentError> {
    let (mut ascent, mut descent) = fallback;
    if let Some(descriptor) = descriptor {
        let bbox: Vec<f64> = array(file, descriptor.get(b"FontBBox"))?
            .iter()
            .filter_map(Object::as_number)
            .collect();
        let (bbox_low, bbox_high) = match bbox.as_slice() {
            [_, low, _, high] => (Some(*low), Some(*high)),
            _ => (None, None),
        };
        // Writers put 0 (or nonsense) in /Ascent and /Descent; the bounding box is the next
        // best guess.
        match number(file, descriptor.get(b"Ascent"))? {
            Some(a) if a > 0.0 && a < 3000.0 => ascent = a,
            _ => {
                if let Some(high) = bbox_high.filter(|h| *h > 0.0 && *h < 3000.0) {
                    ascent = high;
                }
            }
        }
        match number(file, descriptor.get(b"Descent"))? {
            Some(d) if d < 0.0 && d > -3000.0 => descent = d,
            Some(d) if d > 0.0 && d < 3000.0 => descent = -d,
            _ => {
                if let Some(low) = bbox_low.filter(|l| *l < 0.0 && *l > -3000.0) {
                    descent = low;
                }
            }
        }
    }
    Ok((ascent * scale, descent * scale))
}

impl Font {
    /// A stand-in for a font that cannot be read (or a `Tf` naming none): Helvetica metrics,
    /// standard encoding, so positions stay plausible.
    pub fn fallback() -> Font {
        let family = Family::Helvetica;
        let text: [Option<String>; 256] = std::array::from_fn(|code| ascii_fallback(code as u8));
        let widths: [f64; 256] = std::array::from_fn(|code| {
            text[code]
                .as_deref()
                .map_or(0.5, |t| family.width(t) / 1000.0)
        });
        let (ascent, descent) = family.ascent_descent();
        Font {
            kind: Kind::Simple {
                text: Box::new(text),
                widths: Box::new(widths),
            },
            to_unicode: None,
            ascent: ascent / 1000.0,
            descent: descent / 1000.0,
            vertical: false,
            data_len: 0,
        }
    }

    /// Loads the font dictionary `dict`.
    pub fn load(file: &PdfFile, dict: &Dictionary) -> Result<Font, ContentError> {
        let mut data_len = 0;
        let to_unicode = match stream_data(file, dict.get(b"ToUnicode"))? {
            Some((_, data)) => {
                data_len = data.len();
                Some(CMap::parse(&data)?)
            }
            None => None,
        };
        let mut font = match dict.get_name(b"Subtype") {
            Some(b"Type0") => Font::composite(file, dict, to_unicode)?,
            _ => Font::simple(file, dict, to_unicode)?,
        };
        font.data_len = font.data_len.saturating_add(data_len);
        Ok(font)
    }

    fn simple(
        file: &PdfFile,
        dict: &Dictionary,
        to_unicode: Option<CMap>,
    ) -> Result<Font, ContentError> {
        let base_font = dict.get_name(b"BaseFont").unwrap_or(b"");
        let family = Family::from_base_font(base_font);
        let type3 = dict.get_name(b"Subtype") == Some(b"Type3");
        let descriptor = dictionary(file, dict.get(b"FontDescriptor"))?;

        // Glyph space to text space: 1/1000, or a Type 3 font's /FontMatrix (§9.6.5).
        let (scale, vertical_scale) = if type3 {
            let matrix: Vec<f64> = array(file, dict.get(b"FontMatrix"))?
                .iter()
                .filter_map(Object::as_number)
                .collect();
            match matrix.as_slice() {
                [a, _, _, d, _, _] if a.is_finite() && d.is_finite() && *a != 0.0 => (*a, *d),
                _ => (0.001, 0.001),
            }
        } else {
            (0.001, 0.001)
        };

        // The encoding: a base (named, or the font's built-in one) and /Differences.
        let symbolic_builtin: Option<&'static ForwardMap> = match base_font {
            b"Symbol" => Some(&pdf_encoding::SYMBOL),
            b"ZapfDingbats" => Some(&pdf_encoding::ZDINGBAT),
            _ => None,
        };
        let default_base = symbolic_builtin.or(match dict.get_name(b"Subtype") {
            Some(b"TrueType") => Some(&pdf_encoding::WINANSI),
            Some(b"Type3") => None,
            _ => Some(&pdf_encoding::STANDARD),
        });
        let mut base = default_base;
        let mut differences: Vec<Object> = Vec::new();
        match dict.get(b"Encoding").map(|e| file.resolve(e)) {
            Some(Ok(Object::Name(name))) => base = base_encoding(&name).or(default_base),
            Some(Ok(Object::Dictionary(encoding))) => {
                if let Some(name) = encoding.get_name(b"BaseEncoding") {
                    base = base_encoding(name).or(default_base);
                }
                differences = array(file, encoding.get(b"Differences"))?;
            }
            Some(Err(e)) => {
                optional::<()>(Err(e))?;
            }
            _ => {}
        }
        let mut text: [Option<String>; 256] = std::array::from_fn(|code| {
            base.and_then(|map| map.get(code as u8))
                .map(|c| c.to_string())
        });
        let mut next_code: Option<usize> = None;
        for item in &differences {
            match item {
                Object::Integer(code) => next_code = usize::try_from(*code).ok(),
                Object::Name(name) => {
                    if let Some(code) = next_code.filter(|c| *c < 256) {
                        text[code] = glyph_name_text(name);
                        next_code = Some(code + 1);
                    }
                }
                _ => {}
            }
        }
        // Codes nothing maps read as ASCII, as most viewers do.
        for (code, slot) in text.iter_mut().enumerate() {
            if slot.is_none() {
                *slot = ascii_fallback(code as u8);
            }
        }

        // Widths: /FirstChar + /Widths, /MissingWidth, or standard-14 metrics.
        let listed = array(file, dict.get(b"Widths"))?;
        let first_char = number(file, dict.get(b"FirstChar"))?.unwrap_or(0.0);
        let missing = match &descriptor {
            Some(d) => number(file, d.get(b"MissingWidth"))?,
            None => None,
        };
        let mut widths = [0.0f64; 256];
        for (code, width) in widths.iter_mut().enumerate() {
            let from_text = || {
                text[code]
                    .as_deref()
                    .map_or(family.width(""), |t| family.width(t))
            };
            *width = if listed.is_empty() {
                from_text() * 0.001
            } else {
                let index = code as f64 - first_char;
                let value = if index >= 0.0 {
                    match listed.get(index as usize) {
                        Some(Object::Reference(_)) => number(file, listed.get(index as usize))?,
                        Some(other) => other.as_number(),
                        None => None,
                    }
                } else {
                    None
                };
                value.or(missing).unwrap_or(0.0) * scale
            };
            if !width.is_finite() {
                *width = 0.0;
            }
        }

        let fallback = if type3 {
            (800.0, -200.0)
        } else {
            family.ascent_descent()
        };
        let metric_scale = if type3 { vertical_scale.abs() } else { 0.001 };
        let fallback = if type3 {
            // Type 3 glyph space is the font's own; fall back in ems directly.
            (
                fallback.0 / 1000.0 / metric_scale,
                fallback.1 / 1000.0 / metric_scale,
            )
        } else {
            fallback
        };
        let (ascent, descent) =
            vertical_metrics(file, descriptor.as_ref(), metric_scale, fallback)?;
        Ok(Font {
            kind: Kind::Simple {
                text: Box::new(text),
                widths: Box::new(widths),
            },
            to_unicode,
            ascent,
            descent,
            vertical: false,
            data_len: 0,
        })
    }

    fn composite(
        file: &PdfFile,
        dict: &Dictionary,
        to_unicode: Option<CMap>,
    ) -> Result<Font, ContentError> {
        let mut data_len = 0;
        let (encoding, vertical) = match dict.get(b"Encoding").map(|e| file.resolve(e)) {
            Some(Ok(Object::Name(name))) => {
                let vertical = name.ends_with(b"-V");
                let name = String::from_utf8_lossy(&name).into_owned();
                let encoding = if name.starts_with("Identity-") {
                    CompositeEncoding::Identity
                } else if name.starts_with("Uni")
                    && (name.contains("UCS2") || name.contains("UTF16"))
                {
                    CompositeEncoding::Unicode
                } else {
                    CompositeEncoding::OtherTwoByte
                };
                (encoding, vertical)
            }
            Some(Ok(Object::Stream(stream))) => {
                let vertical = stream.dict.get_integer(b"WMode") == Some(1);
                match optional(file.stream_data(&stream))? {
                    Some(data) => {
                        data_len = data.len();
                        (
                            CompositeEncoding::Embedded(Box::new(CMap::parse(&data)?)),
                            vertical,
                        )
                    }
                    None => (CompositeEncoding::Identity, vertical),
                }
            }
            Some(Err(e)) => {
                optional::<()>(Err(e))?;
                (CompositeEncoding::Identity, false)
            }
            _ => (CompositeEncoding::Identity, false),
        };
        let descendant = match array(file, dict.get(b"DescendantFonts"))?.first() {
            Some(first) => dictionary(file, Some(first))?,
            None => None,
        }
        .unwrap_or_default();
        let default_width = number(file, descendant.get(b"DW"))?.unwrap_or(1000.0) * 0.001;
        let mut widths = HashMap::new();
        let mut width_ranges = Vec::new();
        let w = array(file, descendant.get(b"W"))?;
        // Each `c [w1 … wn]` may be a reference to the same huge array: entries are counted,
        // not objects, so that a hostile `/W` cannot make the widths cost more than this.
        let mut entries = 0usize;
        let mut i = 0;
        while i < w.len() {
            let Some(first) = w[i].as_number().filter(|f| *f >= 0.0) else {
                break;
            };
            let first = first as u32;
            match w.get(i + 1).map(|o| file.resolve(o)) {
                Some(Ok(Object::Array(list))) => {
                    entries = entries.saturating_add(list.len().max(1));
                    if entries > MAX_WIDTH_ENTRIES {
                        return Err(ContentError::Limit(ContentLimit::FontWidths(
                            MAX_WIDTH_ENTRIES,
                        )));
                    }
                    for (offset, width) in list.iter().enumerate() {
                        if let Some(width) = width.as_number() {
                            widths.insert(first.saturating_add(offset as u32), width * 0.001);
                        }
                    }
                    i += 2;
                }
                Some(Ok(last)) => {
                    entries = entries.saturating_add(1);
                    if entries > MAX_WIDTH_ENTRIES {
                        return Err(ContentError::Limit(ContentLimit::FontWidths(
                            MAX_WIDTH_ENTRIES,
                        )));
                    }
                    let last = last.as_number().unwrap_or(-1.0);
                    let width = w.get(i + 2).and_then(Object::as_number);
                    if let Some(width) = width
                        && last >= f64::from(first)
                    {
                        width_ranges.push((first, last as u32, width * 0.001));
                    }
                    i += 3;
                }
                Some(Err(e)) => {
                    optional::<()>(Err(e))?;
                    break;
                }
                None => break,
            }
        }
        // Sorted for `find_range`: a `/W` of many ranges must not cost a scan per glyph.
        width_ranges.sort_by_key(|r| r.0);
        let descriptor = dictionary(file, descendant.get(b"FontDescriptor"))?;
        let (ascent, descent) =
            vertical_metrics(file, descriptor.as_ref(), 0.001, (880.0, -120.0))?;
        Ok(Font {
            kind: Kind::Composite {
                encoding,
                widths,
                width_ranges,
                default_width,
            },
            to_unicode,
            ascent,
            descent,
            vertical,
            data_len,
        })
    }

    /// The codes of a shown string, in order.
    pub fn codes(&self, bytes: &[u8]) -> Vec<Code> {
        let mut codes = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let len = match &self.kind {
                Kind::Simple { .. } => 1,
                Kind::Composite {
                    encoding: CompositeEncoding::Embedded(cmap),
                    ..
                } if cmap.has_code_spaces() => cmap.code_len(&bytes[i..]),
                Kind::Composite { .. } => 2,
            };
            let len = len.min(bytes.len() - i);
            let value = bytes[i..i + len]
                .iter()
                .fold(0u32, |v, &b| (v << 8) | u32::from(b));
            codes.push(Code { value, len });
            i += len;
        }
        codes
    }

    /// Text, width and spacing of one code.
    pub fn glyph(&self, code: Code) -> GlyphInfo {
        let from_cmap = self.to_unicode.as_ref().and_then(|m| m.text(code.value));
        let word_space = code.len == 1 && code.value == 32;
        match &self.kind {
            Kind::Simple { text, widths } => {
                let index = (code.value & 0xff) as usize;
                GlyphInfo {
                    text: from_cmap
                        .or_else(|| text[index].clone())
                        .unwrap_or_default(),
                    width: widths[index],
                    word_space,
                }
            }
            Kind::Composite {
                encoding,
                widths,
                width_ranges,
                default_width,
            } => {
                let cid = match encoding {
                    CompositeEncoding::Identity => Some(code.value),
                    CompositeEncoding::Embedded(cmap) => cmap.cid(code.value),
                    CompositeEncoding::Unicode | CompositeEncoding::OtherTwoByte => None,
                };
                let width = if self.vertical {
                    // §9.7.4.3: the default vertical advance (/DW2) is 1000 units down.
                    1.0
                } else {
                    cid.and_then(|cid| {
                        widths
                            .get(&cid)
                            .copied()
                            .or_else(|| find_range(width_ranges, cid).map(|r| r.2))
                    })
                    .unwrap_or(*default_width)
                };
                let text = from_cmap.or_else(|| match encoding {
                    CompositeEncoding::Unicode => char::from_u32(code.value).map(String::from),
                    _ => None,
                });
                GlyphInfo {
                    text: text.unwrap_or_default(),
                    width,
                    word_space,
                }
            }
        }
    }
}

/// Printable ASCII for a code no encoding maps.
fn ascii_fallback(code: u8) -> Option<String> {
    (0x20..0x7f)
        .contains(&code)
        .then(|| char::from(code).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name_text(b"Adieresis").as_deref(), Some("Ä"));
        assert_eq!(glyph_name_text(b"uni1EC5").as_deref(), Some("ễ"));
        assert_eq!(glyph_name_text(b"uni00410042").as_deref(), Some("AB"));
        assert_eq!(glyph_name_text(b"u1D400").as_deref(), Some("\u{1D400}"));
        assert_eq!(glyph_name_text(b"f_i").as_deref(), Some("fi"));
        assert_eq!(glyph_name_text(b"a.sc").as_deref(), Some("a"));
        assert_eq!(glyph_name_text(b"g123"), None);
        assert_eq!(glyph_name_text(b"uniD800"), None);
    }

    #[test]
    fn fallback_font_reads_ascii() {
        let font = Font::fallback();
        let codes = font.codes(b"Hi ");
        assert_eq!(codes.len(), 3);
        let h = font.glyph(codes[0]);
        assert_eq!(h.text, "H");
        assert!((h.width - 0.722).abs() < 1e-9);
        assert!(font.glyph(codes[2]).word_space);
    }
}
