//! CMaps embedded in PDFs (Adobe Technical Notes #5014 and #5411; ISO 32000-1 §9.7.5 and
//! §9.10.3): `/ToUnicode` maps (`bfchar`, `bfrange` with a string or an array of strings) and
//! embedded `/Encoding` CMaps of composite fonts (`codespacerange`, `cidchar`, `cidrange`).
//!
//! Only the sections are read, not the PostScript around them. Ranges are kept as ranges, so a
//! hostile `<0000> <FFFF>` costs one entry; the number of entries is bounded.

use std::collections::HashMap;

use super::super::lexer::{Lexer, Token};
use super::super::object::PdfString;
use super::error::{ContentError, ContentLimit};
use super::limits::{MAX_CMAP_ENTRIES, MAX_CMAP_TEXT};

/// A code space range: codes of `len` bytes between `low` and `high`, byte by byte.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CodeSpace {
    len: usize,
    low: Vec<u8>,
    high: Vec<u8>,
}

/// A `bfrange` destination.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RangeTarget {
    /// UTF-16 text whose last unit counts up from the range's first code.
    Incrementing(Vec<u16>),
    /// One text per code.
    Each(Vec<String>),
}

/// A parsed CMap: what is needed to split strings into codes and map codes to text or CIDs.
#[derive(Debug, Clone, Default)]
pub(super) struct CMap {
    code_spaces: Vec<CodeSpace>,
    text: HashMap<u32, String>,
    /// (first code, last code, target), sorted by first code.
    text_ranges: Vec<(u32, u32, RangeTarget)>,
    cids: HashMap<u32, u32>,
    /// (first code, last code, first CID), sorted by first code.
    cid_ranges: Vec<(u32, u32, u32)>,
}

fn code_value(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some(bytes.iter().fold(0u32, |v, &b| (v << 8) | u32::from(b)))
}

/// Text from UTF-16BE bytes, as `/ToUnicode` destinations are written (lossy: a broken
/// surrogate becomes U+FFFD, which a search never matches).
fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|pair| match pair {
            [high, low] => u16::from_be_bytes([*high, *low]),
            [single] => u16::from(*single),
            _ => 0,
        })
        .collect()
}

fn text_of_units(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// The range of `ranges` (sorted by first code) that holds `code`: a binary search, then at
/// most 8 steps back, so lookups stay cheap however many ranges a hostile file declares.
pub(super) fn find_range<T>(ranges: &[(u32, u32, T)], code: u32) -> Option<&(u32, u32, T)> {
    // The last range starting at or before `code`; ranges rarely overlap, and when they do
    // the later-starting one wins, as for bfchar entries written after a range.
    let index = ranges.partition_point(|(low, _, _)| *low <= code);
    ranges[..index]
        .iter()
        .rev()
        .take(8)
        .find(|(low, high, _)| *low <= code && code <= *high)
}

impl CMap {
    /// Parses a CMap's data. Malformed entries are skipped; too many entries are refused.
    pub fn parse(data: &[u8]) -> Result<CMap, ContentError> {
        let mut cmap = CMap::default();
        let mut reader = Reader {
            lexer: Lexer::new(data, 0, true),
            errors: 0,
        };
        let mut entries = 0usize;
        let mut count = |n: usize| {
            entries += n;
            if entries > MAX_CMAP_ENTRIES {
                Err(ContentError::Limit(ContentLimit::CMapEntries(
                    MAX_CMAP_ENTRIES,
                )))
            } else {
                Ok(())
            }
        };
        while let Some(token) = reader.next()? {
            let Token::Keyword(keyword) = token else {
                continue;
            };
            match keyword {
                b"begincodespacerange" => {
                    while let Some([low, high]) = reader.strings::<2>(b"endcodespacerange")? {
                        count(1)?;
                        if low.len() == high.len() && (1..=4).contains(&low.len()) {
                            cmap.code_spaces.push(CodeSpace {
                                len: low.len(),
                                low,
                                high,
                            });
                        }
                    }
                }
                b"beginbfchar" => {
                    while let Some((code, target)) = reader.pair(b"endbfchar")? {
                        count(1)?;
                        if let (Some(code), Token::String(s)) = (code_value(&code), target)
                            && s.bytes.len() <= MAX_CMAP_TEXT
                        {
                            cmap.text
                                .insert(code, text_of_units(&utf16_units(&s.bytes)));
                        }
                    }
                }
                b"beginbfrange" => {
                    while let Some((low, high, target)) = reader.range(b"endbfrange")? {
                        count(1)?;
                        let (Some(low), Some(high)) = (code_value(&low), code_value(&high)) else {
                            continue;
                        };
                        if low > high {
                            continue;
                        }
                        let target = match target {
                            Token::String(s) if s.bytes.len() <= MAX_CMAP_TEXT => {
                                RangeTarget::Incrementing(utf16_units(&s.bytes))
                            }
                            Token::ArrayOpen => {
                                let items = reader.string_array()?;
                                count(items.len())?;
                                // A destination too long to be text is a malformed entry.
                                if items.iter().any(|s| s.bytes.len() > MAX_CMAP_TEXT) {
                                    continue;
                                }
                                RangeTarget::Each(
                                    items
                                        .iter()
                                        .map(|s| text_of_units(&utf16_units(&s.bytes)))
                                        .collect(),
                                )
                            }
                            _ => continue,
                        };
                        cmap.text_ranges.push((low, high, target));
                    }
                }
                b"begincidchar" => {
                    while let Some((code, target)) = reader.pair(b"endcidchar")? {
                        count(1)?;
                        if let (Some(code), Token::Integer(cid)) = (code_value(&code), target)
                            && let Ok(cid) = u32::try_from(cid)
                        {
                            cmap.cids.insert(code, cid);
                        }
                    }
                }
                b"begincidrange" => {
                    while let Some((low, high, target)) = reader.range(b"endcidrange")? {
                        count(1)?;
                        if let (Some(low), Some(high), Token::Integer(cid)) =
                            (code_value(&low), code_value(&high), target)
                            && let Ok(cid) = u32::try_from(cid)
                            && low <= high
                        {
                            cmap.cid_ranges.push((low, high, cid));
                        }
                    }
                }
                _ => {}
            }
        }
        cmap.text_ranges.sort_by_key(|r| r.0);
        cmap.cid_ranges.sort_by_key(|r| r.0);
        Ok(cmap)
    }

    /// Whether the CMap declares code space ranges (embedded encodings do; many `/ToUnicode`
    /// maps written by hand do not).
    pub fn has_code_spaces(&self) -> bool {
        !self.code_spaces.is_empty()
    }

    /// The length in bytes of the code at the start of `bytes` (§9.7.6.2): the shortest code
    /// space range that matches; one byte when none does.
    pub fn code_len(&self, bytes: &[u8]) -> usize {
        for len in 1..=4 {
            let Some(code) = bytes.get(..len) else {
                break;
            };
            let matches = self.code_spaces.iter().any(|space| {
                space.len == len
                    && code
                        .iter()
                        .zip(space.low.iter().zip(&space.high))
                        .all(|(b, (lo, hi))| lo <= b && b <= hi)
            });
            if matches {
                return len;
            }
        }
        // No range matches: as many bytes as the shortest range (§9.7.6.3), at least one.
        self.code_spaces
            .iter()
            .map(|s| s.len)
            .min()
            .unwrap_or(1)
            .min(bytes.len())
            .max(1)
    }

    /// The text of a code, if the CMap maps it.
    pub fn text(&self, code: u32) -> Option<String> {
        if let Some(text) = self.text.get(&code) {
            return Some(text.clone());
        }
        let (low, _, target) = find_range(&self.text_ranges, code)?;
        let offset = code - low;
        match target {
            RangeTarget::Incrementing(units) => {
                let mut units = units.clone();
                let last = units.last_mut()?;
                // Offsets are below 2^32 but a range spans at most the code's width; the last
                // unit counts up (carrying into it is what writers mean by "incrementing").
                *last = last.wrapping_add(offset as u16);
                Some(text_of_units(&units))
            }
            RangeTarget::Each(items) => items.get(offset as usize).cloned(),
        }
    }

    /// The CID of a code, if the CMap maps it.
    pub fn cid(&self, code: u32) -> Option<u32> {
        if let Some(&cid) = self.cids.get(&code) {
            return Some(cid);
        }
        let (low, _, first) = find_range(&self.cid_ranges, code)?;
        first.checked_add(code - low)
    }
}

/// A range's first code, last code and the token after them.
type RangeEntry<'a> = (Vec<u8>, Vec<u8>, Token<'a>);

/// Tokens of a CMap, with glitches skipped.
struct Reader<'a> {
    lexer: Lexer<'a>,
    errors: usize,
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Result<Option<Token<'a>>, ContentError> {
        super::operations::tolerant_token(&mut self.lexer, &mut self.errors)
            .map(|token| token.map(|t| t.value))
    }

    /// `N` strings, or `None` at `end` (or at the end of the data).
    fn strings<const N: usize>(
        &mut self,
        end: &[u8],
    ) -> Result<Option<[Vec<u8>; N]>, ContentError> {
        let mut out: [Vec<u8>; N] = std::array::from_fn(|_| Vec::new());
        for slot in &mut out {
            match self.next()? {
                Some(Token::String(PdfString { bytes, .. })) => *slot = bytes,
                Some(Token::Keyword(k)) if k == end => return Ok(None),
                None => return Ok(None),
                // A stray token: keep reading the section.
                Some(_) => {}
            }
        }
        Ok(Some(out))
    }

    /// A code string and the token after it, or `None` at `end`.
    fn pair(&mut self, end: &[u8]) -> Result<Option<(Vec<u8>, Token<'a>)>, ContentError> {
        let code = match self.next()? {
            Some(Token::String(s)) => s.bytes,
            Some(Token::Keyword(k)) if k == end => return Ok(None),
            None => return Ok(None),
            Some(_) => Vec::new(),
        };
        match self.next()? {
            Some(Token::Keyword(k)) if k == end => Ok(None),
            None => Ok(None),
            Some(target) => Ok(Some((code, target))),
        }
    }

    /// Two code strings and the token after them, or `None` at `end`.
    fn range(&mut self, end: &[u8]) -> Result<Option<RangeEntry<'a>>, ContentError> {
        let Some((low, high)) = self.pair(end)? else {
            return Ok(None);
        };
        let Token::String(high) = high else {
            return Ok(Some((low, Vec::new(), Token::Keyword(b""))));
        };
        match self.next()? {
            Some(Token::Keyword(k)) if k == end => Ok(None),
            None => Ok(None),
            Some(target) => Ok(Some((low, high.bytes, target))),
        }
    }

    /// Strings up to `]` (after `[` was read).
    fn string_array(&mut self) -> Result<Vec<PdfString>, ContentError> {
        let mut items = Vec::new();
        loop {
            match self.next()? {
                Some(Token::String(s)) => {
                    if items.len() >= MAX_CMAP_ENTRIES {
                        return Err(ContentError::Limit(ContentLimit::CMapEntries(
                            MAX_CMAP_ENTRIES,
                        )));
                    }
                    items.push(s);
                }
                Some(Token::ArrayClose) | None => return Ok(items),
                Some(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TO_UNICODE: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        /CMapName /Adobe-Identity-UCS def\n\
        1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
        2 beginbfchar <0003> <0020> <0024> <1EC5> endbfchar\n\
        2 beginbfrange <0010> <0012> <0041>\n<0020> <0022> [<0110> <01B0> <00660069>] endbfrange\n\
        1 beginbfrange <00FF> <0101> <D835DC00> endbfrange\n\
        endcmap CMapName currentdict /CMap defineresource pop end end";

    #[test]
    fn to_unicode_chars_and_ranges() {
        let cmap = CMap::parse(TO_UNICODE).expect("cmap");
        assert_eq!(cmap.text(0x03).as_deref(), Some(" "));
        assert_eq!(cmap.text(0x24).as_deref(), Some("ễ"));
        assert_eq!(cmap.text(0x10).as_deref(), Some("A"));
        assert_eq!(cmap.text(0x12).as_deref(), Some("C"));
        assert_eq!(cmap.text(0x13), None);
        assert_eq!(cmap.text(0x20).as_deref(), Some("Đ"));
        assert_eq!(cmap.text(0x21).as_deref(), Some("ư"));
        assert_eq!(cmap.text(0x22).as_deref(), Some("fi"));
        // A surrogate pair destination counts up in its low unit.
        assert_eq!(cmap.text(0x100).as_deref(), Some("\u{1D401}"));
        assert_eq!(cmap.code_len(&[0x00, 0x24]), 2);
    }

    #[test]
    fn encoding_cmap_code_lengths_and_cids() {
        let cmap = CMap::parse(
            b"2 begincodespacerange <00> <80> <8140> <FEFE> endcodespacerange\n\
              1 begincidrange <8140> <817E> 633 endcidrange 1 begincidchar <20> 1 endcidchar",
        )
        .expect("cmap");
        assert!(cmap.has_code_spaces());
        assert_eq!(cmap.code_len(b"\x41\x81\x40"), 1);
        assert_eq!(cmap.code_len(b"\x81\x41"), 2);
        assert_eq!(cmap.cid(0x8141), Some(634));
        assert_eq!(cmap.cid(0x20), Some(1));
        assert_eq!(cmap.cid(0x21), None);
    }

    #[test]
    fn hostile_cmaps_are_bounded() {
        let mut huge = b"beginbfchar ".to_vec();
        for i in 0..=MAX_CMAP_ENTRIES {
            huge.extend_from_slice(format!("<{:04X}> <0041> ", i & 0xffff).as_bytes());
        }
        assert!(matches!(
            CMap::parse(&huge),
            Err(ContentError::Limit(ContentLimit::CMapEntries(_)))
        ));
        // One range over every two-byte code is one entry, not 65536.
        let cmap = CMap::parse(b"1 beginbfrange <0000> <FFFF> <0041> endbfrange").expect("cmap");
        assert_eq!(cmap.text(0x0100).as_deref(), Some("\u{141}"));
        // Destinations longer than 512 bytes are skipped: each glyph would copy one.
        let long = "41".repeat(MAX_CMAP_TEXT + 1);
        let cmap = CMap::parse(
            format!(
                "2 beginbfchar <01> <{long}> <02> <0042> endbfchar\n\
                 2 beginbfrange <10> <11> <{long}> <20> <21> [<0043> <{long}>] endbfrange"
            )
            .as_bytes(),
        )
        .expect("cmap");
        assert_eq!(cmap.text(0x01), None);
        assert_eq!(cmap.text(0x02).as_deref(), Some("B"));
        assert_eq!(cmap.text(0x10), None);
        assert_eq!(cmap.text(0x20), None);
        // Garbage does not panic.
        assert!(CMap::parse(b"beginbfrange <00> [ <41> endbfrange ) ) <zz").is_ok());
        // A string past the lexer's limit ends the CMap at once, not after a thousand retries.
        let mut long = b"(".repeat(999);
        long.extend(std::iter::repeat_n(
            b'x',
            crate::pdf::limits::MAX_STRING_LEN + 1,
        ));
        assert!(matches!(
            CMap::parse(&long),
            Err(ContentError::Syntax {
                what: "token too long",
                ..
            })
        ));
    }
}
