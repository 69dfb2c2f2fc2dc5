//! Measuring and breaking text: what fits on a line at a given size.
//!
//! Kyso sets text without kerning or ligatures: each character is one glyph advanced by its
//! `hmtx` width, which is exactly how a PDF viewer places the glyphs of a `Tj` string with the
//! font's `/W` widths (ISO 32000-1 §9.4.4). Measuring and drawing therefore always agree.

use std::borrow::Cow;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::face::FontFace;

/// Prepares text for drawing:
/// - Unicode NFC (UAX #15). Vietnamese typed with some keyboards and stored by some systems
///   arrives decomposed (`e` + U+0302 + U+0301 for `ế`); the font has a glyph for the composed
///   letter, while drawing the marks as separate glyphs would stack them badly;
/// - `\r\n` and `\r` become `\n`; tabs and other spaces become U+0020;
/// - other control characters (C0, C1, DEL) are dropped: they draw nothing and have no glyph.
pub fn normalize(text: &str) -> Cow<'_, str> {
    let clean = |c: char| matches!(c, ' ' | '\n') || !(c.is_control() || c.is_whitespace());
    if is_nfc_quick(text.chars()) == IsNormalized::Yes && text.chars().all(clean) {
        return Cow::Borrowed(text);
    }
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    Cow::Owned(
        unified
            .nfc()
            .filter_map(|c| match c {
                '\n' => Some('\n'),
                c if c.is_whitespace() => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect(),
    )
}

impl FontFace {
    /// Width in points of `text` set at `size` points; for text with line breaks, the width
    /// of its widest line. The text is [normalised](normalize) first.
    pub fn text_width(&self, text: &str, size: f64) -> f64 {
        let text = normalize(text);
        let widest = text
            .split('\n')
            .map(|line| self.milli_width(line))
            .max()
            .unwrap_or(0);
        points(widest, size)
    }

    /// Breaks `text` into lines no wider than `max_width` points at `size` points.
    ///
    /// The text is [normalised](normalize); `\n` forces a break (an empty line stays an empty
    /// line). Lines break greedily at spaces, and runs of spaces collapse into one. A word
    /// wider than a line (a file name, a SHA-256 in hex) is broken between characters, never
    /// between a letter and a combining mark that follows it. Every line holds at least one
    /// character, so the result is finite whatever `max_width` is.
    pub fn break_lines(&self, text: &str, size: f64, max_width: f64) -> Vec<String> {
        let text = normalize(text);
        let fits = |milli: u64| points(milli, size) <= max_width + 1e-9;
        let space = u64::from(self.glyph(' ').width);
        let mut lines = Vec::new();
        for hard_line in text.split('\n') {
            let mut current = String::new();
            let mut current_width = 0u64;
            for word in hard_line.split(' ').filter(|w| !w.is_empty()) {
                let width = self.milli_width(word);
                let candidate = if current.is_empty() {
                    width
                } else {
                    current_width + space + width
                };
                if fits(candidate) {
                    if !current.is_empty() {
                        current.push(' ');
                    }
                    current.push_str(word);
                    current_width = candidate;
                    continue;
                }
                if !current.is_empty() {
                    lines.push(std::mem::take(&mut current));
                }
                if fits(width) {
                    current.push_str(word);
                    current_width = width;
                } else {
                    // The word alone is too wide: whole pieces become lines, the rest starts
                    // the next line (more words may follow it).
                    let mut pieces = self.break_word(word, &fits);
                    let last = pieces.pop().unwrap_or_default();
                    lines.extend(pieces);
                    current_width = self.milli_width(&last);
                    current = last;
                }
            }
            lines.push(current);
        }
        lines
    }

    /// Splits a word into pieces that fit, between clusters (a character and the combining
    /// marks after it). Returns at least one piece.
    fn break_word(&self, word: &str, fits: &impl Fn(u64) -> bool) -> Vec<String> {
        let mut pieces = Vec::new();
        let mut piece = String::new();
        let mut width = 0u64;
        for cluster in clusters(word) {
            let cluster_width = self.milli_width(cluster);
            if !piece.is_empty() && !fits(width + cluster_width) {
                pieces.push(std::mem::take(&mut piece));
                width = 0;
            }
            piece.push_str(cluster);
            width += cluster_width;
        }
        pieces.push(piece);
        pieces
    }

    /// Width of normalised `text` in 1/1000 em.
    pub(crate) fn milli_width(&self, text: &str) -> u64 {
        text.chars().map(|c| u64::from(self.glyph(c).width)).sum()
    }
}

/// 1/1000 em at `size` points → points.
fn points(milli: u64, size: f64) -> f64 {
    milli as f64 * size / 1000.0
}

/// A character with the combining marks that follow it, as slices of `word`.
fn clusters(word: &str) -> impl Iterator<Item = &str> {
    let mut rest = word;
    std::iter::from_fn(move || {
        let mut chars = rest.char_indices();
        chars.next()?;
        let end = chars
            .find(|&(_, c)| !is_combining_mark(c))
            .map_or(rest.len(), |(i, _)| i);
        let (cluster, tail) = rest.split_at(end);
        rest = tail;
        Some(cluster)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face() -> &'static FontFace {
        FontFace::regular()
    }

    #[test]
    fn decomposed_vietnamese_is_composed() {
        // "Hường" typed as H, u + horn, o + horn + grave, n, g.
        let nfd = "Hu\u{31b}o\u{31b}\u{300}ng Đă\u{301}k Lă\u{301}k";
        assert_eq!(normalize(nfd), "Hường Đắk Lắk");
        assert!(matches!(normalize("Hường"), Cow::Borrowed(_)));
        assert_eq!(
            face().text_width(nfd, 12.0),
            face().text_width("Hường Đắk Lắk", 12.0)
        );
    }

    #[test]
    fn controls_are_dropped_and_spaces_unified() {
        assert_eq!(normalize("a\tb\r\nc\rd\u{7}e\u{a0}f"), "a b\nc\nde f");
    }

    #[test]
    fn width_is_the_sum_of_advances() {
        // Times-compatible advances: A 722, space 250, m 778 (1/1000 em).
        assert_eq!(
            face().text_width("A m", 10.0),
            (722.0 + 250.0 + 778.0) / 100.0
        );
        assert_eq!(face().text_width("", 10.0), 0.0);
        assert_eq!(face().text_width("mm\nA", 1000.0), 1556.0);
        // A missing glyph is measured as the question mark that replaces it.
        assert_eq!(face().text_width("漢", 10.0), face().text_width("?", 10.0));
    }

    #[test]
    fn greedy_breaking_at_spaces() {
        let size = 10.0;
        let text = "Tài liệu đã bị thay đổi sau khi ký";
        let max = face().text_width("Tài liệu đã bị", size);
        let lines = face().break_lines(text, size, max);
        assert_eq!(lines, ["Tài liệu đã bị", "thay đổi sau", "khi ký"]);
        for line in &lines {
            assert!(face().text_width(line, size) <= max);
        }
        // Wide enough: one line, spaces collapsed.
        assert_eq!(
            face().break_lines("  a   b  ", size, 1000.0),
            vec!["a b".to_string()]
        );
    }

    #[test]
    fn hard_breaks_and_empty_lines_are_kept() {
        assert_eq!(
            face().break_lines("một\n\nhai", 10.0, 1000.0),
            ["một", "", "hai"]
        );
        assert_eq!(face().break_lines("", 10.0, 1000.0), [""]);
    }

    #[test]
    fn a_word_longer_than_the_line_is_broken_by_characters() {
        let size = 10.0;
        let hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let max = face().text_width("e3b0c44298fc1c14", size);
        let lines = face().break_lines(&format!("SHA-256: {hash} ok"), size, max);
        assert_eq!(lines.first().map(String::as_str), Some("SHA-256:"));
        assert_eq!(lines.concat().replace(' ', ""), format!("SHA-256:{hash}ok"));
        for line in &lines {
            assert!(face().text_width(line, size) <= max, "{line}");
        }
        // The last piece of the hash shares its line with the next word when both fit.
        assert!(
            lines.last().is_some_and(|l| l.ends_with(" ok")),
            "{lines:?}"
        );
    }

    #[test]
    fn a_line_too_narrow_for_one_letter_still_progresses() {
        let lines = face().break_lines("Đắk", 10.0, 0.0);
        assert_eq!(lines, ["Đ", "ắ", "k"]);
        let lines = face().break_lines("ab", 10.0, f64::NAN);
        assert_eq!(lines, ["a", "b"]);
    }

    #[test]
    fn combining_marks_stay_with_their_letter() {
        // U+0328 (ogonek) after "q" has no precomposed form, so NFC keeps it separate.
        let clustered: Vec<&str> = clusters("q\u{328}\u{301}x").collect();
        assert_eq!(clustered, ["q\u{328}\u{301}", "x"]);
        let lines = face().break_lines("q\u{328}x", 10.0, 0.0);
        assert_eq!(lines, ["q\u{328}", "x"]);
    }
}
