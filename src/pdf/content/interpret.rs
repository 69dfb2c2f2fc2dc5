//! The text part of content stream interpretation (ISO 32000-1 §8.4.4, §9.3, §9.4): the
//! graphics state stack with its transformation matrix, the text state, text objects, text
//! showing, and form XObjects (§8.10). Paths, colours and images are not drawn; every shown
//! glyph comes out with its place on the page.

use std::collections::HashMap;
use std::rc::Rc;

use super::super::document::PdfFile;
use super::super::error::{Limit, PdfError};
use super::super::limits::MAX_PAGE_TREE_DEPTH;
use super::super::object::{Dictionary, Object, ObjectId};
use super::error::{ContentError, ContentLimit};
use super::font::Font;
use super::limits::{
    MAX_CONTENT_SIZE, MAX_FONTS, MAX_GLYPHS, MAX_GRAPHICS_STATE_DEPTH, MAX_OPERATORS,
    MAX_XOBJECT_DEPTH,
};
use super::operations::Operations;

/// An affine transformation `[a b c d e f]` (§8.3.4); points are row vectors, `p' = p × M`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Matrix {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub d: f64,
    pub e: f64,
    pub f: f64,
}

impl Matrix {
    pub const IDENTITY: Matrix = Matrix {
        a: 1.0,
        b: 0.0,
        c: 0.0,
        d: 1.0,
        e: 0.0,
        f: 0.0,
    };

    fn new([a, b, c, d, e, f]: [f64; 6]) -> Matrix {
        Matrix { a, b, c, d, e, f }
    }

    fn translate(x: f64, y: f64) -> Matrix {
        Matrix::new([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// `self × then`: `self` applied first.
    pub fn then(self, then: Matrix) -> Matrix {
        let (m, n) = (self, then);
        Matrix {
            a: m.a * n.a + m.b * n.c,
            b: m.a * n.b + m.b * n.d,
            c: m.c * n.a + m.d * n.c,
            d: m.c * n.b + m.d * n.d,
            e: m.e * n.a + m.f * n.c + n.e,
            f: m.e * n.b + m.f * n.d + n.f,
        }
    }

    pub fn apply(self, x: f64, y: f64) -> [f64; 2] {
        [
            x * self.a + y * self.c + self.e,
            x * self.b + y * self.d + self.f,
        ]
    }

    fn is_finite(self) -> bool {
        [self.a, self.b, self.c, self.d, self.e, self.f]
            .iter()
            .all(|v| v.is_finite())
    }
}

/// A glyph as placed on the page, in the page's default user space.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PlacedGlyph {
    /// The text the glyph stands for (may be empty or several characters).
    pub text: String,
    /// Where the glyph starts on its baseline.
    pub origin: [f64; 2],
    /// Where its advance ends (character and word spacing not included).
    pub end: [f64; 2],
    /// Unit vector of the writing direction.
    pub direction: [f64; 2],
    /// The glyph's box (ascent to descent over its advance): `[x1, y1, x2, y2]`.
    pub bbox: [f64; 4],
    /// The font size as it appears on the page (points).
    pub size: f64,
}

/// The parameters `q` saves and `Q` restores that matter for text.
#[derive(Debug, Clone)]
struct GraphicsState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    /// `Tz` / 100.
    horizontal_scaling: f64,
    leading: f64,
    rise: f64,
}

impl GraphicsState {
    fn new(ctm: Matrix) -> Self {
        GraphicsState {
            ctm,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            horizontal_scaling: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// Where a font came from, so each is loaded once per page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FontKey {
    Indirect(ObjectId),
    /// A font dictionary written directly in a resource dictionary: the resources' owner (a
    /// form XObject, or the page) and the resource name.
    Direct(Option<ObjectId>, Vec<u8>),
}

/// A form XObject as read once: its content, `/Matrix` and `/Resources`.
#[derive(Debug)]
struct Form {
    content: Vec<u8>,
    matrix: Matrix,
    resources: Option<Dictionary>,
}

/// Runs the content of one page and collects its glyphs.
pub(super) struct Interpreter<'f> {
    file: &'f PdfFile,
    pub glyphs: Vec<PlacedGlyph>,
    operators: usize,
    content_bytes: usize,
    fonts: HashMap<FontKey, Rc<Font>>,
    /// Fonts by (resources' owner, name): `Tf` repeats far more often than fonts change.
    fonts_by_name: HashMap<(Option<ObjectId>, Vec<u8>), Rc<Font>>,
    /// Form XObjects read so far (`None`: the XObject is not a form).
    forms: HashMap<ObjectId, Option<Rc<Form>>>,
    xobjects_by_name: HashMap<(Option<ObjectId>, Vec<u8>), Option<ObjectId>>,
    /// Form XObjects being run, innermost last.
    running: Vec<ObjectId>,
}

/// Numbers from the last `N` operands (viewers take operands from the top of the stack).
fn numbers<const N: usize>(operands: &[Object]) -> Option<[f64; N]> {
    let start = operands.len().checked_sub(N)?;
    let mut out = [0.0; N];
    for (slot, operand) in out.iter_mut().zip(&operands[start..]) {
        *slot = operand.as_number().filter(|v| v.is_finite())?;
    }
    Some(out)
}

impl<'f> Interpreter<'f> {
    pub fn new(file: &'f PdfFile) -> Self {
        Interpreter {
            file,
            glyphs: Vec::new(),
            operators: 0,
            content_bytes: 0,
            fonts: HashMap::new(),
            fonts_by_name: HashMap::new(),
            forms: HashMap::new(),
            xobjects_by_name: HashMap::new(),
            running: Vec::new(),
        }
    }

    /// Runs the page at `index` (0-based).
    pub fn run_page(&mut self, index: usize) -> Result<(), ContentError> {
        let page_index = i64::try_from(index).unwrap_or(i64::MAX);
        let page = self.file.page(page_index)?;
        let resources = self.inherited_resources(&page.dict)?;
        let content = self.page_content(&page.dict)?;
        self.run(
            &content,
            &resources,
            None,
            GraphicsState::new(Matrix::IDENTITY),
        )
    }

    /// `/Resources` of the page, or of the nearest ancestor that has them (§7.7.3.4).
    fn inherited_resources(&self, page: &Dictionary) -> Result<Dictionary, ContentError> {
        let mut node = page.clone();
        for _ in 0..MAX_PAGE_TREE_DEPTH {
            if let Some(resources) = node.get(b"Resources") {
                return Ok(self.dictionary(resources)?.unwrap_or_default());
            }
            match node.get(b"Parent") {
                Some(parent) => match self.dictionary(parent)? {
                    Some(parent) => node = parent,
                    None => break,
                },
                None => break,
            }
        }
        Ok(Dictionary::new())
    }

    fn dictionary(&self, object: &Object) -> Result<Option<Dictionary>, ContentError> {
        Ok(match self.file.resolve(object)? {
            Object::Dictionary(d) => Some(d),
            _ => None,
        })
    }

    /// The page's `/Contents`, one stream or an array of streams joined by white-space
    /// (§7.8.2: the division between streams may fall anywhere except inside a token).
    fn page_content(&mut self, page: &Dictionary) -> Result<Vec<u8>, ContentError> {
        let streams = match page.get(b"Contents") {
            None => return Ok(Vec::new()),
            Some(contents) => match self.file.resolve(contents)? {
                Object::Array(items) => items,
                Object::Stream(_) => vec![contents.clone()],
                _ => return Ok(Vec::new()),
            },
        };
        let mut content = Vec::new();
        for item in &streams {
            let Object::Stream(stream) = self.file.resolve(item)? else {
                continue;
            };
            let data = self.file.stream_data(&stream)?;
            self.count_content(data.len() + 1)?;
            content.extend_from_slice(&data);
            content.push(b'\n');
        }
        Ok(content)
    }

    fn count_content(&mut self, bytes: usize) -> Result<(), ContentError> {
        self.content_bytes = self.content_bytes.saturating_add(bytes);
        if self.content_bytes > MAX_CONTENT_SIZE {
            return Err(ContentError::Limit(ContentLimit::ContentSize(
                MAX_CONTENT_SIZE,
            )));
        }
        Ok(())
    }

    /// Counts an operator; checks the reader's time budget now and then.
    fn count_operator(&mut self) -> Result<(), ContentError> {
        self.operators += 1;
        if self.operators > MAX_OPERATORS {
            return Err(ContentError::Limit(ContentLimit::Operators(MAX_OPERATORS)));
        }
        if self.operators.is_multiple_of(1024)
            && let Some(deadline) = self.file.source().deadline()
            && deadline.passed()
        {
            return Err(PdfError::LimitExceeded {
                limit: Limit::Time(deadline.limit),
                offset: None,
            }
            .into());
        }
        Ok(())
    }

    /// Runs one content stream with its resources. `owner` is the form XObject whose content
    /// this is (`None` for the page).
    fn run(
        &mut self,
        content: &[u8],
        resources: &Dictionary,
        owner: Option<ObjectId>,
        initial: GraphicsState,
    ) -> Result<(), ContentError> {
        let mut state = initial;
        let mut saved: Vec<GraphicsState> = Vec::new();
        let mut text_matrix = Matrix::IDENTITY;
        let mut line_matrix = Matrix::IDENTITY;
        let mut operations = Operations::new(content);
        while let Some(op) = operations.next_operation()? {
            self.count_operator()?;
            let operands = op.operands.as_slice();
            match op.operator {
                b"q" => {
                    if saved.len() >= MAX_GRAPHICS_STATE_DEPTH {
                        return Err(ContentError::Limit(ContentLimit::GraphicsStateDepth(
                            MAX_GRAPHICS_STATE_DEPTH,
                        )));
                    }
                    saved.push(state.clone());
                }
                // Tolerance: an unbalanced `Q` is ignored, as viewers do.
                b"Q" => {
                    if let Some(previous) = saved.pop() {
                        state = previous;
                    }
                }
                b"cm" => {
                    if let Some(m) = numbers::<6>(operands) {
                        let ctm = Matrix::new(m).then(state.ctm);
                        if ctm.is_finite() {
                            state.ctm = ctm;
                        }
                    }
                }
                b"BT" => {
                    text_matrix = Matrix::IDENTITY;
                    line_matrix = Matrix::IDENTITY;
                }
                b"Tf" => {
                    if let Some([size]) = numbers::<1>(operands) {
                        state.size = size;
                    }
                    let name = operands
                        .len()
                        .checked_sub(2)
                        .and_then(|i| operands[i].as_name());
                    state.font = Some(match name {
                        Some(name) => self.font(resources, owner, name)?,
                        None => Rc::new(Font::fallback()),
                    });
                }
                b"Tc" => {
                    if let Some([v]) = numbers::<1>(operands) {
                        state.char_spacing = v;
                    }
                }
                b"Tw" => {
                    if let Some([v]) = numbers::<1>(operands) {
                        state.word_spacing = v;
                    }
                }
                b"Tz" => {
                    if let Some([v]) = numbers::<1>(operands) {
                        state.horizontal_scaling = v / 100.0;
                    }
                }
                b"TL" => {
                    if let Some([v]) = numbers::<1>(operands) {
                        state.leading = v;
                    }
                }
                b"Ts" => {
                    if let Some([v]) = numbers::<1>(operands) {
                        state.rise = v;
                    }
                }
                b"Td" | b"TD" => {
                    if let Some([x, y]) = numbers::<2>(operands) {
                        if op.operator == b"TD" {
                            state.leading = -y;
                        }
                        line_matrix = Matrix::translate(x, y).then(line_matrix);
                        text_matrix = line_matrix;
                    }
                }
                b"Tm" => {
                    if let Some(m) = numbers::<6>(operands) {
                        line_matrix = Matrix::new(m);
                        text_matrix = line_matrix;
                    }
                }
                b"T*" => {
                    line_matrix = Matrix::translate(0.0, -state.leading).then(line_matrix);
                    text_matrix = line_matrix;
                }
                b"Tj" | b"'" | b"\"" => {
                    if op.operator == b"\""
                        && let Some([word, char]) =
                            numbers::<2>(&operands[..operands.len().saturating_sub(1)])
                    {
                        state.word_spacing = word;
                        state.char_spacing = char;
                    }
                    if op.operator != b"Tj" {
                        line_matrix = Matrix::translate(0.0, -state.leading).then(line_matrix);
                        text_matrix = line_matrix;
                    }
                    if let Some(Object::String(s)) = operands.last() {
                        self.show(&state, &mut text_matrix, &s.bytes)?;
                    }
                }
                b"TJ" => {
                    if let Some(Object::Array(items)) = operands.last() {
                        for item in items {
                            match item {
                                Object::String(s) => {
                                    self.show(&state, &mut text_matrix, &s.bytes)?
                                }
                                other => {
                                    if let Some(n) = other.as_number().filter(|n| n.is_finite()) {
                                        adjust(&state, &mut text_matrix, n);
                                    }
                                }
                            }
                        }
                    }
                }
                b"Do" => {
                    if let Some(Object::Name(name)) = operands.last() {
                        self.xobject(resources, owner, name, &state)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The font named `name` in `resources`, loaded once per page.
    fn font(
        &mut self,
        resources: &Dictionary,
        owner: Option<ObjectId>,
        name: &[u8],
    ) -> Result<Rc<Font>, ContentError> {
        let scoped = (owner, name.to_vec());
        if let Some(font) = self.fonts_by_name.get(&scoped) {
            return Ok(Rc::clone(font));
        }
        let fonts = match resources.get(b"Font") {
            Some(fonts) => self.dictionary(fonts)?.unwrap_or_default(),
            None => Dictionary::new(),
        };
        let entry = fonts.get(name);
        let key = match entry {
            Some(Object::Reference(id)) => FontKey::Indirect(*id),
            _ => FontKey::Direct(owner, name.to_vec()),
        };
        let font = match self.fonts.get(&key) {
            Some(font) => Rc::clone(font),
            None => {
                if self.fonts.len() >= MAX_FONTS {
                    return Err(ContentError::Limit(ContentLimit::Fonts(MAX_FONTS)));
                }
                let font = match entry.map(|e| self.file.resolve(e)).transpose()? {
                    Some(Object::Dictionary(dict)) => Font::load(self.file, &dict)?,
                    _ => Font::fallback(),
                };
                self.count_content(font.data_len)?;
                let font = Rc::new(font);
                self.fonts.insert(key, Rc::clone(&font));
                font
            }
        };
        self.fonts_by_name.insert(scoped, Rc::clone(&font));
        Ok(font)
    }

    /// The form XObject named `name` in `resources`, read once per page; `None` for images,
    /// other XObjects and missing names.
    fn form(
        &mut self,
        resources: &Dictionary,
        owner: Option<ObjectId>,
        name: &[u8],
    ) -> Result<Option<(ObjectId, Rc<Form>)>, ContentError> {
        let scoped = (owner, name.to_vec());
        let id = match self.xobjects_by_name.get(&scoped) {
            Some(id) => *id,
            None => {
                let xobjects = match resources.get(b"XObject") {
                    Some(x) => self.dictionary(x)?.unwrap_or_default(),
                    None => Dictionary::new(),
                };
                // Form XObjects are streams, so always indirect objects.
                let id = xobjects.get(name).and_then(Object::as_reference);
                self.xobjects_by_name.insert(scoped, id);
                id
            }
        };
        let Some(id) = id else {
            return Ok(None);
        };
        if let Some(form) = self.forms.get(&id) {
            return Ok(form.clone().map(|f| (id, f)));
        }
        let form = match self.file.get(id)? {
            Object::Stream(stream) if stream.dict.get_name(b"Subtype") == Some(b"Form") => {
                let data = self.file.stream_data(&stream)?;
                self.count_content(data.len())?;
                let matrix = match stream.dict.get(b"Matrix").map(|m| self.file.resolve(m)) {
                    Some(Ok(Object::Array(items))) => numbers::<6>(&items)
                        .filter(|_| items.len() == 6)
                        .map(Matrix::new)
                        .unwrap_or(Matrix::IDENTITY),
                    Some(Err(e)) => return Err(e.into()),
                    _ => Matrix::IDENTITY,
                };
                let resources = match stream.dict.get(b"Resources") {
                    Some(r) => self.dictionary(r)?,
                    None => None,
                };
                Some(Rc::new(Form {
                    content: data,
                    matrix,
                    resources,
                }))
            }
            _ => None,
        };
        self.forms.insert(id, form.clone());
        Ok(form.map(|f| (id, f)))
    }

    /// `Do`: runs a form XObject (§8.10); images and other XObjects draw no text.
    fn xobject(
        &mut self,
        resources: &Dictionary,
        owner: Option<ObjectId>,
        name: &[u8],
        state: &GraphicsState,
    ) -> Result<(), ContentError> {
        let Some((id, form)) = self.form(resources, owner, name)? else {
            return Ok(());
        };
        if self.running.contains(&id) {
            return Err(ContentError::XObjectLoop(id));
        }
        if self.running.len() >= MAX_XOBJECT_DEPTH {
            return Err(ContentError::Limit(ContentLimit::XObjectDepth(
                MAX_XOBJECT_DEPTH,
            )));
        }
        let mut inner = state.clone();
        inner.ctm = form.matrix.then(state.ctm);
        if !inner.ctm.is_finite() {
            return Ok(());
        }
        // Tolerance (§7.8.3): old forms without /Resources use the page's.
        let form_resources = form.resources.as_ref().unwrap_or(resources);
        self.running.push(id);
        let result = self.run(&form.content, form_resources, Some(id), inner);
        self.running.pop();
        result
    }

    /// Shows a string (§9.4.4): places each glyph, then advances the text matrix.
    fn show(
        &mut self,
        state: &GraphicsState,
        text_matrix: &mut Matrix,
        bytes: &[u8],
    ) -> Result<(), ContentError> {
        let font = match &state.font {
            Some(font) => Rc::clone(font),
            None => Rc::new(Font::fallback()),
        };
        let size = state.size;
        let scale = state.horizontal_scaling;
        for code in font.codes(bytes) {
            if self.glyphs.len() >= MAX_GLYPHS {
                return Err(ContentError::Limit(ContentLimit::Glyphs(MAX_GLYPHS)));
            }
            let info = font.glyph(code);
            let spacing = state.char_spacing
                + if info.word_space {
                    state.word_spacing
                } else {
                    0.0
                };
            let render = Matrix::new([size * scale, 0.0, 0.0, size, 0.0, state.rise])
                .then(*text_matrix)
                .then(state.ctm);
            let up = [render.c, render.d];
            let page_size = up[0].hypot(up[1]);
            if font.vertical {
                // Vertical writing (§9.7.4.3): the origin is at the top centre of the glyph.
                let corners = [
                    render.apply(-0.5, 0.0),
                    render.apply(0.5, 0.0),
                    render.apply(-0.5, -info.width),
                    render.apply(0.5, -info.width),
                ];
                let origin = render.apply(0.0, 0.0);
                let end = render.apply(0.0, -info.width);
                self.place(&info.text, origin, end, corners, page_size);
                let advance = -info.width * size + spacing;
                *text_matrix = Matrix::translate(0.0, advance).then(*text_matrix);
            } else {
                let corners = [
                    render.apply(0.0, font.descent),
                    render.apply(info.width, font.descent),
                    render.apply(0.0, font.ascent),
                    render.apply(info.width, font.ascent),
                ];
                let origin = render.apply(0.0, 0.0);
                let end = render.apply(info.width, 0.0);
                let along = [render.a, render.b];
                let page_size = if along[0].hypot(along[1]) > 0.0 {
                    page_size
                } else {
                    0.0
                };
                self.place(&info.text, origin, end, corners, page_size);
                let advance = (info.width * size + spacing) * scale;
                *text_matrix = Matrix::translate(advance, 0.0).then(*text_matrix);
            }
        }
        Ok(())
    }

    fn place(
        &mut self,
        text: &str,
        origin: [f64; 2],
        end: [f64; 2],
        corners: [[f64; 2]; 4],
        size: f64,
    ) {
        // Degenerate glyphs (size 0, collapsed matrices) are invisible and have no direction.
        if !(size.is_finite() && size > 1e-3) {
            return;
        }
        let direction = {
            let (dx, dy) = (end[0] - origin[0], end[1] - origin[1]);
            let length = dx.hypot(dy);
            if length > 1e-9 {
                [dx / length, dy / length]
            } else {
                // A zero-width glyph (a combining mark): the baseline's direction.
                let (bx, by) = (corners[1][0] - corners[0][0], corners[1][1] - corners[0][1]);
                let base = bx.hypot(by);
                if base > 1e-9 {
                    [bx / base, by / base]
                } else {
                    [1.0, 0.0]
                }
            }
        };
        let xs = corners.map(|c| c[0]);
        let ys = corners.map(|c| c[1]);
        let min = |v: [f64; 4]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = |v: [f64; 4]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let bbox = [min(xs), min(ys), max(xs), max(ys)];
        if !bbox.iter().all(|v| v.is_finite()) {
            return;
        }
        self.glyphs.push(PlacedGlyph {
            text: text.to_string(),
            origin,
            end,
            direction,
            bbox,
            size,
        });
    }
}

/// A number in a `TJ` array: moves the next glyph back by thousandths of an em (§9.4.3).
fn adjust(state: &GraphicsState, text_matrix: &mut Matrix, n: f64) {
    let vertical = state.font.as_ref().is_some_and(|f| f.vertical);
    let shift = -n / 1000.0 * state.size;
    *text_matrix = if vertical {
        Matrix::translate(0.0, shift)
    } else {
        Matrix::translate(shift * state.horizontal_scaling, 0.0)
    }
    .then(*text_matrix);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrices_compose_in_pdf_order() {
        // Scale by 2, then move by (10, 0): (1, 1) → (12, 2).
        let m = Matrix::new([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]).then(Matrix::translate(10.0, 0.0));
        assert_eq!(m.apply(1.0, 1.0), [12.0, 2.0]);
        // A quarter turn counter-clockwise: (1, 0) → (0, 1).
        let turn = Matrix::new([0.0, 1.0, -1.0, 0.0, 0.0, 0.0]);
        assert_eq!(turn.apply(1.0, 0.0), [0.0, 1.0]);
        assert_eq!(
            numbers::<2>(&[Object::Integer(1), Object::Real(2.5), Object::Integer(3)]),
            Some([2.5, 3.0])
        );
        assert_eq!(numbers::<2>(&[Object::Integer(1)]), None);
    }
}
