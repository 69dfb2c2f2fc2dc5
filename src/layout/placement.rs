//! Where things go on the page: rectangles given by the user, the page's visible box, the
//! signature fields already in the document (an empty one to sign into; the leader's signed
//! one to put the seal beside).

use std::collections::HashSet;

use crate::pdf::limits::MAX_FIELD_TREE_DEPTH;
use crate::pdf::text::decode_text_string;
use crate::pdf::{Dictionary, Object, ObjectId, PdfFile};

use super::LayoutError;

/// Fields looked at when searching the form (a hostile form may hold millions).
const MAX_FIELDS: usize = 10_000;
/// Parent links followed for an inherited page box.
const MAX_INHERITANCE: usize = 32;
/// Pages searched for a widget's page when it has no `/P`.
const MAX_PAGES_SEARCHED: usize = 10_000;

/// A rectangle in default user space, `[x1 y1 x2 y2]` with x1 < x2, y1 < y2.
pub type Rect = [f64; 4];

/// Parses `X1,Y1,X2,Y2` (points), in any corner order.
pub fn parse_rect(text: &str) -> Result<Rect, LayoutError> {
    let bad = || LayoutError::BadRect(text.to_string());
    let values: Vec<f64> = text
        .split(',')
        .map(|v| v.trim().parse::<f64>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let [a, b, c, d] = values.as_slice() else {
        return Err(bad());
    };
    if values.iter().any(|v| !v.is_finite() || v.abs() > 14_400.0) {
        return Err(bad());
    }
    let rect = [a.min(*c), b.min(*d), a.max(*c), b.max(*d)];
    if rect[2] - rect[0] < 1.0 || rect[3] - rect[1] < 1.0 {
        return Err(bad());
    }
    Ok(rect)
}

/// The largest rectangle of `width_over_height` that fits in `area`, centred in it.
pub fn fit_centred(area: Rect, width_over_height: f64) -> Rect {
    let (w, h) = (area[2] - area[0], area[3] - area[1]);
    let (fw, fh) = if w / h > width_over_height {
        (h * width_over_height, h)
    } else {
        (w, w / width_over_height)
    };
    let x = area[0] + (w - fw) / 2.0;
    let y = area[1] + (h - fh) / 2.0;
    [x, y, x + fw, y + fh]
}

/// The page's visible box: `/CropBox`, else `/MediaBox`, inherited through `/Parent`; A4 when
/// neither can be read.
pub fn page_box(file: &PdfFile, page: &Dictionary) -> Rect {
    let mut dict = page.clone();
    for _ in 0..MAX_INHERITANCE {
        for key in [&b"CropBox"[..], b"MediaBox"] {
            if let Some(rect) = dict.get(key).and_then(|v| rect_of(file, v)) {
                return rect;
            }
        }
        match dict.get(b"Parent").map(|p| file.resolve(p)) {
            Some(Ok(Object::Dictionary(parent))) => dict = parent,
            _ => break,
        }
    }
    [
        0.0,
        0.0,
        crate::pdf::compose::A4[0],
        crate::pdf::compose::A4[1],
    ]
}

/// A rectangle value (direct or indirect), normalised.
pub fn rect_of(file: &PdfFile, value: &Object) -> Option<Rect> {
    let Ok(Object::Array(items)) = file.resolve(value) else {
        return None;
    };
    let numbers: Vec<f64> = items
        .iter()
        .filter_map(|v| file.resolve(v).ok().and_then(|v| v.as_number()))
        .collect();
    let [a, b, c, d] = numbers.as_slice() else {
        return None;
    };
    Some([a.min(*c), b.min(*d), a.max(*c), b.max(*d)])
}

/// A signature field's widget as found in the form.
#[derive(Debug, Clone)]
pub struct SignatureWidget {
    /// Fully qualified field name.
    pub field: String,
    /// Whether the field has a value (is signed).
    pub signed: bool,
    /// The widget's rectangle.
    pub rect: Rect,
    /// The page (0-based), from the widget's `/P` or by searching the pages' `/Annots`.
    pub page: Option<usize>,
}

/// Every widget of every signature field, in form order (bounded).
pub fn signature_widgets(file: &PdfFile) -> Result<Vec<SignatureWidget>, LayoutError> {
    let Some(acroform) = file.acroform()? else {
        return Ok(Vec::new());
    };
    let Some(Ok(Object::Array(fields))) = acroform.get(b"Fields").map(|f| file.resolve(f)) else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    let mut pages = PagesFromEnd::new(file);
    let mut visited = HashSet::new();
    // (node, parent name, inherited /FT, inherited /V present, depth)
    let mut stack: Vec<(Object, String, bool, bool, usize)> = fields
        .into_iter()
        .rev()
        .map(|f| (f, String::new(), false, false, 0))
        .collect();
    let mut seen = 0;
    while let Some((node, parent, parent_sig, parent_signed, depth)) = stack.pop() {
        seen += 1;
        if depth > MAX_FIELD_TREE_DEPTH || seen > MAX_FIELDS {
            break;
        }
        let id = node.as_reference();
        if let Some(id) = id
            && !visited.insert(id)
        {
            continue;
        }
        let Ok(Object::Dictionary(dict)) = file.resolve(&node) else {
            continue;
        };
        let partial = dict
            .get(b"T")
            .and_then(|t| file.resolve(t).ok())
            .and_then(|t| t.as_string().map(|s| decode_text_string(&s.bytes)));
        let name = match (&partial, parent.is_empty()) {
            (Some(p), true) => p.clone(),
            (Some(p), false) => format!("{parent}.{p}"),
            (None, _) => parent.clone(),
        };
        let is_sig = dict.get_name(b"FT").map_or(parent_sig, |t| t == b"Sig");
        let signed = match dict.get(b"V") {
            None => parent_signed,
            Some(Object::Null) => false,
            Some(_) => true,
        };
        if let Some(Ok(Object::Array(kids))) = dict.get(b"Kids").map(|k| file.resolve(k)) {
            for kid in kids.into_iter().rev() {
                stack.push((kid, name.clone(), is_sig, signed, depth + 1));
            }
            continue;
        }
        if !is_sig {
            continue;
        }
        let Some(rect) = dict.get(b"Rect").and_then(|r| rect_of(file, r)) else {
            continue;
        };
        let page = match dict.get(b"P").and_then(Object::as_reference) {
            Some(page_id) => pages.index_of(page_id),
            None => id.and_then(|id| pages.of_annotation(id)),
        };
        found.push(SignatureWidget {
            field: name,
            signed,
            rect,
            page,
        });
    }
    Ok(found)
}

/// Index of the page object `id` (searched from the last page: signatures usually are there).
pub fn page_index(file: &PdfFile, id: ObjectId) -> Option<usize> {
    PagesFromEnd::new(file).index_of(id)
}

/// The last [`MAX_PAGES_SEARCHED`] pages, read from the last one back, each at most once
/// however many widgets ask. `PdfFile::page(i)` walks the page tree up to page `i`, so a
/// search costs O(pages²) node visits (measured: 50 s in a debug build for one widget of a
/// 2000-page file that is on no page); reading each page once per [`signature_widgets`] call
/// keeps that cost from being multiplied by the number of widgets.
struct PagesFromEnd<'a> {
    file: &'a PdfFile,
    /// The pages' ids, from one walk of the page tree (a walk per page was quadratic).
    ids: Vec<ObjectId>,
    /// Pages known to the search: `count.min(MAX_PAGES_SEARCHED)`.
    searched: usize,
    count: usize,
    /// `read[k]`: page `count - 1 - k` (its id and its `/Annots` entry as written: not the
    /// whole dictionary, so memory stays small), `None` when it could not be read.
    read: Vec<Option<(ObjectId, Option<Object>)>>,
}

impl<'a> PagesFromEnd<'a> {
    fn new(file: &'a PdfFile) -> Self {
        let ids = file.page_ids().unwrap_or_default();
        let count = ids.len();
        PagesFromEnd {
            file,
            ids,
            searched: count.min(MAX_PAGES_SEARCHED),
            count,
            read: Vec::new(),
        }
    }

    /// The index of the last page (among those searched) that `matches`.
    fn find(
        &mut self,
        mut matches: impl FnMut(&(ObjectId, Option<Object>)) -> bool,
    ) -> Option<usize> {
        for k in 0..self.searched {
            let index = self.count - 1 - k;
            if k == self.read.len() {
                let id = self.ids[index];
                let page = match self.file.get(id) {
                    Ok(Object::Dictionary(dict)) => Some((id, dict.get(b"Annots").cloned())),
                    _ => None,
                };
                self.read.push(page);
            }
            if self.read[k].as_ref().is_some_and(&mut matches) {
                return Some(index);
            }
        }
        None
    }

    fn index_of(&mut self, id: ObjectId) -> Option<usize> {
        self.find(|(page, _)| *page == id)
    }

    /// The page whose `/Annots` lists `annotation`.
    fn of_annotation(&mut self, annotation: ObjectId) -> Option<usize> {
        let file = self.file;
        self.find(
            |(_, annots)| match annots.as_ref().map(|a| file.resolve(a)) {
                Some(Ok(Object::Array(items))) => {
                    items.iter().any(|a| a.as_reference() == Some(annotation))
                }
                _ => false,
            },
        )
    }
}

/// Whether a rectangle has an area (an invisible widget has none).
pub fn has_area(rect: &Rect) -> bool {
    rect[2] - rect[0] >= 1.0 && rect[3] - rect[1] >= 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rects_parse_in_any_corner_order() {
        assert_eq!(
            parse_rect("300, 200,100,150").unwrap(),
            [100.0, 150.0, 300.0, 200.0]
        );
        for bad in ["1,2,3", "a,b,c,d", "0,0,0,10", "0,0,1e9,10", "NaN,0,1,1"] {
            assert!(parse_rect(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pages_are_found_from_the_end_and_read_once() {
        let file = PdfFile::from_bytes(crate::pdf::fixtures::classic_pdf(6)).unwrap();
        let ids: Vec<ObjectId> = (0..6).map(|i| file.page(i).unwrap().id).collect();
        let mut pages = PagesFromEnd::new(&file);
        for (index, id) in ids.iter().enumerate().rev() {
            assert_eq!(pages.index_of(*id), Some(index));
            assert_eq!(page_index(&file, *id), Some(index));
        }
        assert_eq!(pages.read.len(), 6);
        // Not a page: every page is looked at, none read again.
        assert_eq!(pages.index_of(ObjectId::new(999_999, 0)), None);
        assert_eq!(pages.of_annotation(ObjectId::new(999_999, 0)), None);
        assert_eq!(pages.read.len(), 6);
    }

    #[test]
    fn fitting_keeps_the_aspect_and_centres() {
        assert_eq!(
            fit_centred([0.0, 0.0, 200.0, 50.0], 2.0),
            [50.0, 0.0, 150.0, 50.0]
        );
        assert_eq!(
            fit_centred([0.0, 0.0, 100.0, 100.0], 2.0),
            [0.0, 25.0, 100.0, 75.0]
        );
    }
}
