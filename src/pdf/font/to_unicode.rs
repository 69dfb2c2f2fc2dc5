//! The `/ToUnicode` CMap (ISO 32000-1 §9.10.3): which text each glyph code stands for, so that
//! search, copy and `pdftotext` give back the Vietnamese text that was drawn.
//!
//! The syntax is Adobe's CMap format (Technical Note #5014 and #5411), restricted to what a
//! `/ToUnicode` map needs: one code space of two-byte codes and `bfchar` entries mapping a code
//! to UTF-16BE text.

use std::fmt::Write;

/// At most 100 entries per `beginbfchar` block (Adobe TN #5014, §4.8 "Implementation limits").
const ENTRIES_PER_BLOCK: usize = 100;

/// The CMap for two-byte codes (CIDs under `/Identity-H`), each mapped to its text. `entries`
/// should be sorted by code; codes with empty text are left out.
pub fn to_unicode_cmap<'a>(entries: impl IntoIterator<Item = (u16, &'a str)>) -> Vec<u8> {
    let entries: Vec<(u16, &str)> = entries.into_iter().filter(|(_, t)| !t.is_empty()).collect();
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n\
         12 dict begin\n\
         begincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n\
         /CMapType 2 def\n\
         1 begincodespacerange\n\
         <0000> <FFFF>\n\
         endcodespacerange\n",
    );
    for block in entries.chunks(ENTRIES_PER_BLOCK) {
        // Writing into a String cannot fail.
        let _ = writeln!(cmap, "{} beginbfchar", block.len());
        for (code, text) in block {
            let _ = write!(cmap, "<{code:04X}> <");
            for unit in text.encode_utf16() {
                let _ = write!(cmap, "{unit:04X}");
            }
            cmap.push_str(">\n");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str(
        "endcmap\n\
         CMapName currentdict /CMap defineresource pop\n\
         end\n\
         end\n",
    );
    cmap.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_codes_to_utf16be_text() {
        let cmap = to_unicode_cmap([(1, "A"), (2, "ữ"), (3, "𝄞"), (4, "")]);
        let cmap = String::from_utf8(cmap).expect("ASCII");
        assert!(cmap.contains("1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"));
        // U+1EEF; U+1D11E as a surrogate pair; the empty text is left out.
        assert!(
            cmap.contains(
                "3 beginbfchar\n<0001> <0041>\n<0002> <1EEF>\n<0003> <D834DD1E>\nendbfchar\n"
            ),
            "{cmap}"
        );
        assert!(
            cmap.ends_with("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
        );
    }

    #[test]
    fn blocks_hold_at_most_100_entries() {
        let texts: Vec<String> = (0..250u32)
            .map(|i| {
                char::from_u32(0x100 + i)
                    .map(String::from)
                    .unwrap_or_default()
            })
            .collect();
        let cmap = to_unicode_cmap(
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| (i as u16, t.as_str())),
        );
        let cmap = String::from_utf8(cmap).expect("ASCII");
        assert_eq!(cmap.matches("100 beginbfchar").count(), 2);
        assert_eq!(cmap.matches("50 beginbfchar").count(), 1);
        assert_eq!(cmap.matches("endbfchar").count(), 3);
    }
}
