//! Places found from the page's text (`pdf::content`): the gap between the signer's title and
//! name lines (the leader's image), the blank after "Số:" (the number) and the
//! "ngày … tháng … năm …" blank (the date).
//!
//! Matching is `pdf::content::find_text`'s: Unicode NFC, case- and space-insensitive,
//! diacritics significant ("Số:" never matches "So:").

use crate::pdf::PdfFile;
use crate::pdf::content::{TextLine, find_text, page_text_lines};
use crate::pdf::font::FontFace;

use super::placement::Rect;
use super::{LayoutError, STAMP_TEXT_SIZE};

/// Space left between the image and the lines above and below it (points).
const GAP_MARGIN: f64 = 3.0;
/// Height used when no name line is found below the title (points, ~25 mm).
const DEFAULT_GAP: f64 = 70.0;

fn lines(file: &PdfFile, page: usize) -> Result<Vec<TextLine>, LayoutError> {
    page_text_lines(file, page).map_err(|e| LayoutError::PageText {
        page: page + 1,
        detail: e.to_string(),
    })
}

fn not_found(text: &str, page: usize) -> LayoutError {
    LayoutError::AnchorNotFound {
        text: text.to_string(),
        page: page + 1,
    }
}

/// The area between the line holding `title` and the next line below it (the name), centred
/// on the title, `max_width` wide. The title is the lowest match on the page: in "KT. CHỦ
/// TỊCH / PHÓ CHỦ TỊCH", the signer's own title is the last line above the signature.
pub fn gap_below(
    file: &PdfFile,
    page: usize,
    title: &str,
    max_width: f64,
) -> Result<Rect, LayoutError> {
    let lines = lines(file, page)?;
    let found = find_text(&lines, title)
        .into_iter()
        .min_by(|a, b| a[1].total_cmp(&b[1]))
        .ok_or_else(|| not_found(title, page))?;
    let overlaps = |r: &[f64; 4]| r[0] < found[2] && r[2] > found[0];
    let name_top = lines
        .iter()
        .map(|l| l.rect)
        .filter(|r| r[3] <= found[1] && overlaps(r))
        .map(|r| r[3])
        .fold(None, |best: Option<f64>, y| {
            Some(best.map_or(y, |b| b.max(y)))
        });
    let top = found[1] - GAP_MARGIN;
    let bottom = name_top.map_or(top - DEFAULT_GAP, |y| y + GAP_MARGIN);
    let centre = (found[0] + found[2]) / 2.0;
    Ok([
        centre - max_width / 2.0,
        bottom.min(top - 1.0),
        centre + max_width / 2.0,
        top,
    ])
}

/// Where a stamped `text` goes for `anchor`, and its size (the anchor's own size).
///
/// - `Số:` (any anchor ending in ':'): just after the anchor, as wide as the text.
/// - otherwise (`ngày`): from the anchor to the end of its line, so that the stamped
///   "ngày 26 tháng 4 năm 2026" covers the form's "ngày … tháng … năm …" blank.
pub fn blank_after(
    file: &PdfFile,
    page: usize,
    anchor: &str,
    text: &str,
    face: &FontFace,
) -> Result<(Rect, f64), LayoutError> {
    let lines = lines(file, page)?;
    let found = *find_text(&lines, anchor)
        .first()
        .ok_or_else(|| not_found(anchor, page))?;
    let middle = [(found[0] + found[2]) / 2.0, (found[1] + found[3]) / 2.0];
    let inside = |r: &[f64; 4]| {
        r[0] <= middle[0] && middle[0] <= r[2] && r[1] <= middle[1] && middle[1] <= r[3]
    };
    let line = lines.iter().find(|l| inside(&l.rect));
    let size = line
        .and_then(|l| l.spans.iter().find(|s| inside(&s.rect)))
        .map(|s| s.font_size)
        .filter(|s| *s > 4.0 && *s < 40.0)
        .unwrap_or(STAMP_TEXT_SIZE);
    let width = face.text_width(text, size) + size * 0.5;
    let rect = if anchor.trim_end().ends_with(':') {
        let x = found[2] + size * 0.25;
        [x, found[1], x + width, found[3]]
    } else {
        let line_end = line.map_or(found[2], |l| l.rect[2]);
        [
            found[0] - 1.0,
            found[1],
            (found[0] + width).max(line_end + 1.0),
            found[3],
        ]
    };
    Ok((rect, size))
}
