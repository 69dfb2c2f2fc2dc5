//! From placed glyphs to lines of text, the way a reader sees them.
//!
//! 1. **Spans**: glyphs that follow each other in the content, in the same direction and size,
//!    on the same baseline, with no word-sized gap between them.
//! 2. **Lines**: spans on the same baseline (within a third of the font size), in the same
//!    direction, ordered along it; a gap of more than [`COLUMN_GAP`] ems starts a new line (two
//!    columns on one baseline, such as "Số: …" and "Hà Nội, ngày …", are two lines).
//! 3. **Order**: lines top to bottom; lines sharing a row, left to right.
//!
//! Text is Unicode NFC: a base letter and the combining marks drawn after it (some fonts draw
//! Vietnamese tone marks as separate glyphs) become one character whose box covers both.

use std::collections::BTreeMap;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

use super::interpret::PlacedGlyph;
use super::{TextLine, TextSpan};

/// A gap wider than this many ems between glyphs separates words.
pub(super) const WORD_GAP: f64 = 0.15;
/// A gap wider than this many ems between spans on one baseline separates columns.
pub(super) const COLUMN_GAP: f64 = 3.0;
/// A glyph starting further back than this many ems from the previous one's end starts a new
/// span (overprinting, or text drawn out of order).
const BACKTRACK: f64 = 0.7;

fn dot(a: [f64; 2], b: [f64; 2]) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

fn cross(a: [f64; 2], b: [f64; 2]) -> f64 {
    a[0] * b[1] - a[1] * b[0]
}

fn sub(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [a[0] - b[0], a[1] - b[1]]
}

/// The smallest rectangle holding both.
pub(super) fn union(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

/// A span with what line building needs besides its text.
struct Run {
    span: TextSpan,
    direction: [f64; 2],
    /// Baseline start and end (first glyph's origin, last glyph's advance end).
    start: [f64; 2],
    end: [f64; 2],
    leading_space: bool,
    trailing_space: bool,
}

/// Groups glyphs (in content order) into lines, in reading order.
pub(super) fn lines(glyphs: &[PlacedGlyph]) -> Vec<TextLine> {
    let runs: Vec<Run> = split_runs(glyphs)
        .into_iter()
        .filter_map(|run| make_run(&glyphs[run]))
        .collect();
    let mut lines = build_lines(runs);
    order(&mut lines);
    lines
}

/// Index ranges of glyphs that continue each other.
fn split_runs(glyphs: &[PlacedGlyph]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..glyphs.len() {
        let (last, next) = (&glyphs[start.max(i - 1)], &glyphs[i]);
        let size = glyphs[start].size;
        let continues = dot(last.direction, next.direction) > 0.995
            && (next.size - size).abs() <= 0.05 * size
            && cross(last.direction, sub(next.origin, last.origin)).abs() <= 0.2 * size
            && {
                let gap = dot(last.direction, sub(next.origin, last.end));
                gap > -BACKTRACK * size && gap < WORD_GAP * size
            };
        if !continues {
            runs.push(start..i);
            start = i;
        }
    }
    if start < glyphs.len() {
        runs.push(start..glyphs.len());
    }
    runs
}

/// Characters of one glyph with their boxes: a glyph standing for several characters (a
/// ligature) is split evenly along the writing direction.
fn glyph_chars(glyph: &PlacedGlyph, out: &mut Vec<(char, [f64; 4])>) {
    let chars: Vec<char> = glyph
        .text
        .chars()
        .filter(|c| !c.is_control() || c.is_whitespace())
        .filter(|c| *c != char::REPLACEMENT_CHARACTER)
        .collect();
    let n = chars.len();
    let [x1, y1, x2, y2] = glyph.bbox;
    let horizontal = glyph.direction[0].abs() >= glyph.direction[1].abs();
    for (k, c) in chars.into_iter().enumerate() {
        let rect = if n == 1 {
            glyph.bbox
        } else {
            let (from, to) = (k as f64 / n as f64, (k + 1) as f64 / n as f64);
            if horizontal {
                let (a, b) = if glyph.direction[0] >= 0.0 {
                    (from, to)
                } else {
                    (1.0 - to, 1.0 - from)
                };
                [x1 + (x2 - x1) * a, y1, x1 + (x2 - x1) * b, y2]
            } else {
                let (a, b) = if glyph.direction[1] >= 0.0 {
                    (from, to)
                } else {
                    (1.0 - to, 1.0 - from)
                };
                [x1, y1 + (y2 - y1) * a, x2, y1 + (y2 - y1) * b]
            }
        };
        out.push((c, rect));
    }
}

/// A span from glyphs: NFC clusters, white-space collapsed and trimmed. `None` when nothing
/// visible remains.
fn make_run(glyphs: &[PlacedGlyph]) -> Option<Run> {
    let first = glyphs.first()?;
    let last = glyphs.last()?;
    let mut chars = Vec::new();
    for glyph in glyphs {
        glyph_chars(glyph, &mut chars);
    }
    // Clusters: a starter and the combining marks after it.
    let mut clusters: Vec<(String, [f64; 4])> = Vec::new();
    for (c, rect) in chars {
        match clusters.last_mut() {
            Some((text, cluster_rect)) if canonical_combining_class(c) != 0 => {
                text.push(c);
                *cluster_rect = union(*cluster_rect, rect);
            }
            _ => clusters.push((c.to_string(), rect)),
        }
    }
    let mut text = String::new();
    let mut char_rects = Vec::new();
    let mut leading_space = false;
    for (cluster, rect) in clusters {
        for c in cluster.nfc() {
            if c.is_whitespace() {
                if text.is_empty() {
                    leading_space = true;
                } else if !text.ends_with(' ') {
                    text.push(' ');
                    char_rects.push(rect);
                }
            } else {
                text.push(c);
                char_rects.push(rect);
            }
        }
    }
    let trailing_space = text.ends_with(' ');
    if trailing_space {
        text.pop();
        char_rects.pop();
    }
    if text.is_empty() {
        return None;
    }
    let rect = text
        .chars()
        .zip(&char_rects)
        .filter(|(c, _)| *c != ' ')
        .map(|(_, r)| *r)
        .reduce(union)?;
    Some(Run {
        span: TextSpan {
            text,
            rect,
            font_size: first.size,
            char_rects,
        },
        direction: first.direction,
        start: first.origin,
        end: last.end,
        leading_space,
        trailing_space,
    })
}

/// Lines from runs: same direction, same baseline, ordered along the direction, split at
/// column gaps.
fn build_lines(runs: Vec<Run>) -> Vec<TextLine> {
    // Directions to the nearest degree.
    let mut by_direction: BTreeMap<i64, Vec<Run>> = BTreeMap::new();
    for run in runs {
        let angle = run.direction[1]
            .atan2(run.direction[0])
            .to_degrees()
            .round() as i64;
        by_direction
            .entry(angle.rem_euclid(360))
            .or_default()
            .push(run);
    }
    let mut lines = Vec::new();
    for (angle, mut runs) in by_direction {
        let radians = (angle as f64).to_radians();
        let u = [radians.cos(), radians.sin()];
        // Baselines from the top of the page down (for upright text: larger y first).
        let baseline = |run: &Run| cross(u, run.start);
        let along = |p: [f64; 2]| dot(u, p);
        runs.sort_by(|a, b| baseline(b).total_cmp(&baseline(a)));
        let mut i = 0;
        while i < runs.len() {
            let reference = baseline(&runs[i]);
            let tolerance = runs[i].span.font_size / 3.0;
            let mut j = i + 1;
            while j < runs.len() && (reference - baseline(&runs[j])).abs() <= tolerance {
                j += 1;
            }
            let mut row: Vec<&Run> = runs[i..j].iter().collect();
            row.sort_by(|a, b| along(a.start).total_cmp(&along(b.start)));
            let mut line: Vec<&Run> = Vec::new();
            for run in row {
                if let Some(previous) = line.last() {
                    let gap = along(run.start) - along(previous.end);
                    let size = previous.span.font_size.max(run.span.font_size);
                    if gap > COLUMN_GAP * size {
                        lines.push(join(&line, u));
                        line.clear();
                    }
                }
                line.push(run);
            }
            if !line.is_empty() {
                lines.push(join(&line, u));
            }
            i = j;
        }
    }
    lines
}

/// One line from runs in order along `u`.
fn join(runs: &[&Run], u: [f64; 2]) -> TextLine {
    let mut text = String::new();
    let mut spans = Vec::with_capacity(runs.len());
    let mut rect: Option<[f64; 4]> = None;
    for (k, run) in runs.iter().enumerate() {
        if k > 0 {
            let previous = runs[k - 1];
            let gap = dot(u, run.start) - dot(u, previous.end);
            let size = previous.span.font_size.min(run.span.font_size);
            if gap > WORD_GAP * size || previous.trailing_space || run.leading_space {
                text.push(' ');
            }
        }
        text.push_str(&run.span.text);
        rect = Some(rect.map_or(run.span.rect, |r| union(r, run.span.rect)));
        spans.push(run.span.clone());
    }
    TextLine {
        text,
        rect: rect.unwrap_or_default(),
        spans,
    }
}

/// Reading order: rows from the top of the page down, each row left to right. A line belongs
/// to the row of the first line above it whose height holds its middle.
fn order(lines: &mut Vec<TextLine>) {
    lines.sort_by(|a, b| {
        b.rect[3]
            .total_cmp(&a.rect[3])
            .then(a.rect[0].total_cmp(&b.rect[0]))
    });
    let mut ordered = Vec::with_capacity(lines.len());
    let mut rest = std::mem::take(lines).into_iter().peekable();
    while let Some(first) = rest.next() {
        let (low, high) = (first.rect[1], first.rect[3]);
        let mut row = vec![first];
        while let Some(next) = rest.peek() {
            let middle = (next.rect[1] + next.rect[3]) / 2.0;
            if middle >= low && middle <= high {
                row.extend(rest.next());
            } else {
                break;
            }
        }
        row.sort_by(|a, b| a.rect[0].total_cmp(&b.rect[0]));
        ordered.extend(row);
    }
    *lines = ordered;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Upright glyphs of one em each at 10 pt, from `x` on baseline `y`.
    fn word(text: &str, x: f64, y: f64) -> Vec<PlacedGlyph> {
        text.chars()
            .enumerate()
            .map(|(i, c)| {
                let x = x + 5.0 * i as f64;
                PlacedGlyph {
                    text: c.to_string(),
                    origin: [x, y],
                    end: [x + 5.0, y],
                    direction: [1.0, 0.0],
                    bbox: [x, y - 2.0, x + 5.0, y + 8.0],
                    size: 10.0,
                }
            })
            .collect()
    }

    #[test]
    fn words_lines_columns_and_order() {
        let mut glyphs = word("Hà", 100.0, 700.0);
        glyphs.extend(word("Nội", 112.0, 700.0)); // 2 pt gap: a new word
        glyphs.extend(word("An", 100.0, 600.0));
        glyphs.extend(word("Số:", 400.0, 700.0)); // far right on the first baseline: a column
        glyphs.extend(word("x", 125.0, 701.0)); // same line, slightly off the baseline
        let lines = lines(&glyphs);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Hà Nộix", "Số:", "An"]);
        assert_eq!(lines[0].spans.len(), 3);
        assert_eq!(lines[0].rect, [100.0, 698.0, 130.0, 709.0]);
    }

    #[test]
    fn combining_marks_compose() {
        // "e" + U+0302 (circumflex) + U+0303 (tilde) drawn as three glyphs.
        let mut glyphs = word("Nguy", 0.0, 0.0);
        glyphs.extend(word("e\u{302}\u{303}n", 20.0, 0.0));
        let lines = lines(&glyphs);
        assert_eq!(lines[0].text, "Nguyễn");
        let span = &lines[0].spans[0];
        assert_eq!(span.char_rects.len(), span.text.chars().count());
        // "ễ" covers its three glyphs.
        assert_eq!(span.char_rects[4], [20.0, -2.0, 35.0, 8.0]);
    }
}
