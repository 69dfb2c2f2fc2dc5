//! Finding a piece of text on a page: Unicode NFC, case-insensitive, white-space-insensitive,
//! Vietnamese diacritics significant ("Văn" does not match "Van").

use unicode_normalization::UnicodeNormalization;

use super::TextLine;
use super::layout::union;

/// The comparable form of a text: NFC, lower case, white-space removed.
fn folded(text: &str) -> Vec<char> {
    let lower: String = text.nfc().flat_map(char::to_lowercase).collect();
    lower.nfc().filter(|c| !c.is_whitespace()).collect()
}

/// Where `needle` occurs in `lines`, as rectangles in reading order. A match may run across
/// spans of one line, not across lines. An empty needle (or one of white-space only) matches
/// nothing.
pub(super) fn find(lines: &[TextLine], needle: &str) -> Vec<[f64; 4]> {
    let needle = folded(needle);
    if needle.is_empty() {
        return Vec::new();
    }
    let mut found = Vec::new();
    for line in lines {
        // The line's characters in comparable form, each with its box.
        let mut haystack: Vec<(char, [f64; 4])> = Vec::new();
        for span in &line.spans {
            // Span text is NFC already, and lower-casing an NFC character gives NFC text, so
            // characters fold one at a time without normalising again.
            for (c, rect) in span.text.chars().zip(&span.char_rects) {
                if c.is_whitespace() {
                    continue;
                }
                if c.is_ascii() {
                    haystack.push((c.to_ascii_lowercase(), *rect));
                } else {
                    haystack.extend(c.to_lowercase().map(|l| (l, *rect)));
                }
            }
        }
        let mut start = 0;
        while start + needle.len() <= haystack.len() {
            let window = &haystack[start..start + needle.len()];
            if window.iter().map(|(c, _)| *c).eq(needle.iter().copied()) {
                let rect = window.iter().map(|(_, r)| *r).reduce(union);
                found.extend(rect);
                start += needle.len();
            } else {
                start += 1;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::TextSpan;
    use super::*;

    fn line(words: &[(&str, f64)]) -> TextLine {
        let spans: Vec<TextSpan> = words
            .iter()
            .map(|(text, x)| TextSpan {
                text: text.to_string(),
                rect: [*x, 0.0, x + 10.0 * text.chars().count() as f64, 10.0],
                font_size: 10.0,
                char_rects: (0..text.chars().count())
                    .map(|i| [x + 10.0 * i as f64, 0.0, x + 10.0 * (i + 1) as f64, 10.0])
                    .collect(),
            })
            .collect();
        TextLine {
            text: words.iter().map(|w| w.0).collect::<Vec<_>>().join(" "),
            rect: [0.0, 0.0, 0.0, 0.0],
            spans,
        }
    }

    #[test]
    fn case_space_and_normalisation() {
        let lines = [
            line(&[("CHỦ", 0.0), ("TỊCH", 40.0)]),
            line(&[("Nguyễn", 0.0)]),
        ];
        assert_eq!(find(&lines, "chủ tịch"), vec![[0.0, 0.0, 80.0, 10.0]]);
        assert_eq!(find(&lines, "CHỦTỊCH").len(), 1);
        // Decomposed input matches precomposed text.
        assert_eq!(
            find(&lines, "Nguye\u{302}\u{303}n"),
            vec![[0.0, 0.0, 60.0, 10.0]]
        );
        // Diacritics are significant.
        assert!(find(&lines, "Nguyen").is_empty());
        assert!(find(&lines, "CHU TICH").is_empty());
        assert!(find(&lines, "  ").is_empty());
        // Not across lines.
        assert!(find(&lines, "TỊCH Nguyễn").is_empty());
    }

    #[test]
    fn every_occurrence_in_order() {
        let lines = [line(&[("ngày", 0.0), ("ngày", 50.0)])];
        let found = find(&lines, "NGÀY");
        assert_eq!(found, vec![[0.0, 0.0, 40.0, 10.0], [50.0, 0.0, 90.0, 10.0]]);
    }
}
