//! Page text with positions: what is written where on a page, for placing a signature by
//! anchor text ("CHỦ TỊCH", "Số:", "ngày … tháng … năm").
//!
//! The page's content stream is interpreted for text only (ISO 32000-1 §8.4.4 graphics state,
//! §9.3–§9.4 text state and operators, §8.10 form XObjects); fonts give each glyph its width and
//! its Unicode text (§9.5–§9.10, `font`); glyphs are then grouped into spans and lines in
//! reading order (`layout`). Nothing is rendered and no font program is read.
//!
//! Coordinates are the page's default user space (PDF points, origin at the bottom left of the
//! media box, y upward, after every `cm` and form `/Matrix`), so a rectangle found here can be
//! used as is for a widget's `/Rect` on the same page. The page's `/Rotate` is not applied: it
//! turns the view, not user space.
//!
//! Hostile content is bounded ([`limits`]): sizes, operator and glyph counts, nesting of `q`,
//! of operands and of form XObjects, CMap entries, and the reader's own time budget; loops of
//! form XObjects are refused. A bound gives a [`ContentError`], never a panic or a hang.
//!
//! ```no_run
//! use kyso::pdf::PdfFile;
//! use kyso::pdf::content::{find_text, page_text_lines};
//!
//! let file = PdfFile::open("quyet-dinh.pdf").unwrap();
//! let last = file.page_count().unwrap() - 1;
//! let lines = page_text_lines(&file, last).unwrap();
//! for rect in find_text(&lines, "Chủ tịch") {
//!     println!("{rect:?}");
//! }
//! ```

mod cmap;
mod error;
mod font;
mod interpret;
mod layout;
mod operations;
mod search;
mod standard14;

pub use error::{ContentError, ContentLimit};

use super::document::PdfFile;

/// Bounds of the content interpreter, far above what real pages use.
pub mod limits {
    /// Decoded content bytes of one page, its form XObjects and its fonts' CMaps included.
    pub const MAX_CONTENT_SIZE: usize = 64 << 20;
    /// Operators executed for one page (a form drawn twice counts twice).
    pub const MAX_OPERATORS: usize = 4 << 20;
    /// Depth of `q` nesting (Acrobat's documented limit is 28).
    pub const MAX_GRAPHICS_STATE_DEPTH: usize = 256;
    /// Form XObjects drawn inside each other.
    pub const MAX_XOBJECT_DEPTH: usize = 8;
    /// Operands before one operator, and elements of one array or dictionary operand.
    pub const MAX_OPERANDS: usize = 1 << 16;
    /// Arrays and dictionaries nested inside one operand.
    pub const MAX_OPERAND_NESTING: usize = 32;
    /// Glyphs shown on one page (a dense A4 page has about 10 000; each costs ~100 bytes while
    /// the page is laid out).
    pub const MAX_GLYPHS: usize = 1 << 18;
    /// Fonts loaded for one page.
    pub const MAX_FONTS: usize = 1024;
    /// Widths (elements of `c [w1 … wn]` lists) read from one composite font's `/W`: CIDs are
    /// 16-bit in practice, so twice 65 536 leaves room for any real font.
    pub const MAX_WIDTH_ENTRIES: usize = 1 << 17;
    /// Entries (and `bfrange` array elements) of one CMap.
    pub const MAX_CMAP_ENTRIES: usize = 1 << 17;
    /// Bytes of one CMap destination string (Adobe TN #5014 §1.4.2: "up to 512 bytes"). Each
    /// glyph keeps a copy of its text, so a longer one would multiply by [`MAX_GLYPHS`].
    pub const MAX_CMAP_TEXT: usize = 512;
    /// Tokens skipped as malformed in one content stream or CMap.
    pub const MAX_SYNTAX_ERRORS: usize = 1000;
}

/// A run of text drawn in one font size and direction, without a word gap inside.
#[derive(Debug, Clone, PartialEq)]
pub struct TextSpan {
    /// The text, Unicode NFC, runs of white-space collapsed to one space, trimmed.
    pub text: String,
    /// `[x1, y1, x2, y2]` in the page's default user space (points): the glyphs' boxes from
    /// their fonts' descent to ascent.
    pub rect: [f64; 4],
    /// The font size as drawn on the page, in points (the `Tf` size scaled by the text matrix
    /// and the transformation matrix).
    pub font_size: f64,
    /// One box per `char` of [`text`](Self::text), in the same order: where each character is.
    pub char_rects: Vec<[f64; 4]>,
}

/// A line of text: spans on one baseline, in order along it.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    /// The spans' text joined with a space where there is a word gap between them.
    pub text: String,
    /// `[x1, y1, x2, y2]`: the union of the spans' rectangles.
    pub rect: [f64; 4],
    /// The spans, in order along the baseline.
    pub spans: Vec<TextSpan>,
}

/// The lines of text on the page at `page_index` (0-based, as people count from 1: page 1 is
/// index 0; use [`PdfFile::page_count`] − 1 for the last page), top to bottom, and left to right
/// within a row.
///
/// Text of annotations (widgets, stamps) is not page content and is not included.
pub fn page_text_lines(file: &PdfFile, page_index: usize) -> Result<Vec<TextLine>, ContentError> {
    let mut interpreter = interpret::Interpreter::new(file);
    interpreter.run_page(page_index)?;
    Ok(layout::lines(&interpreter.glyphs))
}

/// Where `needle` occurs in `lines` (Unicode NFC, case-insensitive, white-space-insensitive,
/// Vietnamese diacritics significant), as rectangles in reading order. A needle may run across
/// spans of a line, not across lines.
pub fn find_text(lines: &[TextLine], needle: &str) -> Vec<[f64; 4]> {
    search::find(lines, needle)
}
