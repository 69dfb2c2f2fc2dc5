//! Approximate metrics of the standard 14 fonts (ISO 32000-1 §9.6.2.2), for simple fonts that
//! come without `/Widths` (PDF 1.x allowed that for the standard 14, and some writers still do).
//!
//! Why approximate: the exact metrics are Adobe's AFM files (14 fonts × ~315 glyphs); a signature
//! is placed to a few points, so this module keeps only the printable ASCII widths of Helvetica
//! and Times-Roman (from their AFM files, in thousandths of an em) and Courier's fixed 600. Bold
//! and italic faces use their regular face's widths (bold is at most ~10 % wider); any other
//! character uses the width of its base letter (`ễ` → `e`) or the face's average.

use unicode_normalization::UnicodeNormalization;

/// A standard-14 family, chosen from a `/BaseFont` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    Helvetica,
    Times,
    Courier,
}

/// Widths of U+0020 to U+007E in Helvetica.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p..~
];

/// Widths of U+0020 to U+007E in Times-Roman.
const TIMES: [u16; 95] = [
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, // ' '../
    500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, // 0..?
    921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, // @..O
    556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500, // P.._
    333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, // `..o
    500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541, // p..~
];

impl Family {
    /// The family a `/BaseFont` name stands for (a subset prefix `ABCDEF+` is ignored), with
    /// the usual substitutes (Arial for Helvetica, Times New Roman for Times). Unknown names
    /// are measured as Helvetica.
    pub fn from_base_font(name: &[u8]) -> Family {
        let name = match name.get(6) {
            Some(b'+') if name[..6].iter().all(u8::is_ascii_uppercase) => &name[7..],
            _ => name,
        };
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        if name.starts_with("times") {
            Family::Times
        } else if name.starts_with("courier") {
            Family::Courier
        } else {
            Family::Helvetica
        }
    }

    /// Ascent and descent in thousandths of an em (the AFM files' values).
    pub fn ascent_descent(self) -> (f64, f64) {
        match self {
            Family::Helvetica => (718.0, -207.0),
            Family::Times => (683.0, -217.0),
            Family::Courier => (629.0, -157.0),
        }
    }

    /// The advance width of the glyph for `text` (one character, usually), in thousandths of
    /// an em.
    pub fn width(self, text: &str) -> f64 {
        if self == Family::Courier {
            return 600.0;
        }
        let table = match self {
            Family::Times => &TIMES,
            _ => &HELVETICA,
        };
        let Some(first) = text.chars().next() else {
            return self.average();
        };
        let special = match first {
            '\u{2018}' | '\u{2019}' | '\u{201A}' => {
                Some(if self == Family::Times { 333 } else { 222 })
            }
            '\u{201C}' | '\u{201D}' | '\u{201E}' => {
                Some(if self == Family::Times { 444 } else { 333 })
            }
            '\u{2013}' => Some(if self == Family::Times { 500 } else { 556 }),
            '\u{2014}' | '\u{2026}' => Some(1000),
            '\u{2022}' => Some(350),
            '\u{00A0}' => Some(table[0]),
            _ => None,
        };
        if let Some(width) = special {
            return f64::from(width);
        }
        // The base letter of an accented one: the accents do not change the width.
        let base = std::iter::once(first).nfd().next().unwrap_or(first);
        match u32::from(base).checked_sub(0x20) {
            Some(index) if index < 95 => f64::from(table[index as usize]),
            _ => self.average(),
        }
    }

    fn average(self) -> f64 {
        match self {
            Family::Times => 500.0,
            Family::Courier => 600.0,
            Family::Helvetica => 556.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_widths() {
        assert_eq!(Family::from_base_font(b"Helvetica-Bold"), Family::Helvetica);
        assert_eq!(
            Family::from_base_font(b"ABCDEF+TimesNewRomanPSMT"),
            Family::Times
        );
        assert_eq!(Family::from_base_font(b"Courier-Oblique"), Family::Courier);
        assert_eq!(Family::from_base_font(b"Arial,Bold"), Family::Helvetica);
        assert_eq!(Family::Helvetica.width("H"), 722.0);
        assert_eq!(Family::Helvetica.width("~"), 584.0);
        assert_eq!(Family::Times.width("e"), 444.0);
        assert_eq!(Family::Times.width("ễ"), 444.0);
        assert_eq!(Family::Times.width("Đ"), 500.0);
        assert_eq!(Family::Courier.width("W"), 600.0);
    }
}
