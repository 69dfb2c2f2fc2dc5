//! A small document writer: A4 pages of Vietnamese text, for the refusal notice and the
//! verification report that Kyso writes as PDF.
//!
//! Text is laid out top to bottom in blocks (a title, headings, paragraphs, label–value rows,
//! numbered lists), broken into lines with the font's own widths ([`FontFace::break_lines`]),
//! and carried over to a new page when the page is full. Every page gets "Trang i/n" at the
//! bottom. Fonts are embedded as subsets with a `/ToUnicode` map ([`super::font`]), so the
//! text can be searched and copied, and reads the same on any machine.
//!
//! The output is a plain PDF 1.7 file with a classic cross-reference table (ISO 32000-1
//! §7.5.4), content streams Flate-compressed, and a document information dictionary (§14.3.3)
//! with the creation date in Vietnam time.
//!
//! ```no_run
//! use kyso::pdf::compose::{Color, Document, Style};
//!
//! let mut notice = Document::new("Thông báo từ chối văn bản");
//! notice.title("THÔNG BÁO TỪ CHỐI VĂN BẢN ĐIỆN TỬ");
//! notice.text("TỪ CHỐI / REFUSED", Style::body().bold().color(Color::RED).centered());
//! notice.key_value("Tệp / File", "cong-van-123.pdf");
//! notice.heading("Lý do / Reasons");
//! notice.numbered(&["Tài liệu đã bị thay đổi sau khi ký."]);
//! notice.save("thong-bao.pdf".as_ref()).unwrap();
//! ```

use std::io::{self, BufWriter, Write};
use std::path::Path;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::filter::deflate;
use super::font::{FontError, FontFace, FontObjects, FontUse, NewObject};
use super::object::{Dictionary, Object, ObjectId, PdfString};
use super::text::pdf_text_string;
use super::writer::{serialize, write_dictionary, write_real};
use crate::message::{Explain, Message};

/// A4 in points (ISO 216: 210 × 297 mm; 1 pt = 1/72 in).
pub const A4: [f64; 2] = [595.28, 841.89];

/// Longest text of one block, in characters; longer text is cut and ends with "…". Text in
/// reports comes partly from incoming files (names, file names), which must not be able to
/// make a notice thousands of pages long.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// Most pages a document may have.
pub const MAX_PAGES: usize = 1_000;

/// Line height as a multiple of the font size. Liberation Serif's own line spacing is 1.15;
/// a little more reads better in notices.
const LEADING: f64 = 1.25;

/// Font size of the page numbers.
const FOOTER_SIZE: f64 = 9.0;

/// Millimetres to points.
fn mm(value: f64) -> f64 {
    value * 72.0 / 25.4
}

/// A fill colour, DeviceRGB components in 0–1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color {
    /// Red.
    pub r: f64,
    /// Green.
    pub g: f64,
    /// Blue.
    pub b: f64,
}

impl Color {
    /// Black, the colour of text in administrative documents.
    pub const BLACK: Color = Color::rgb(0.0, 0.0, 0.0);
    /// A dark red for "TỪ CHỐI / REFUSED", readable when printed in black and white.
    pub const RED: Color = Color::rgb(0.75, 0.0, 0.0);
    /// Grey, for page numbers.
    pub const GREY: Color = Color::rgb(0.35, 0.35, 0.35);

    /// A colour from its components (clamped to 0–1 when written).
    pub const fn rgb(r: f64, g: f64, b: f64) -> Color {
        Color { r, g, b }
    }
}

/// Horizontal placement of a block's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// From the left margin.
    #[default]
    Left,
    /// Centred between the margins.
    Center,
}

/// How a block of text looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    /// Font size in points.
    pub size: f64,
    /// Bold face rather than regular.
    pub bold: bool,
    /// Fill colour.
    pub color: Color,
    /// Alignment.
    pub align: Align,
}

impl Style {
    /// Body text: 12 pt regular black, left-aligned (NĐ 30/2020 asks 13–14 pt for the text of
    /// an administrative document; a notice about one is denser).
    pub fn body() -> Style {
        Style {
            size: 12.0,
            bold: false,
            color: Color::BLACK,
            align: Align::Left,
        }
    }

    /// The same style at `size` points.
    pub fn size(self, size: f64) -> Style {
        Style { size, ..self }
    }

    /// The same style in bold.
    pub fn bold(self) -> Style {
        Style { bold: true, ..self }
    }

    /// The same style in `color`.
    pub fn color(self, color: Color) -> Style {
        Style { color, ..self }
    }

    /// The same style, centred.
    pub fn centered(self) -> Style {
        Style {
            align: Align::Center,
            ..self
        }
    }
}

/// Page margins in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    /// Top.
    pub top: f64,
    /// Right.
    pub right: f64,
    /// Bottom (page numbers sit inside it).
    pub bottom: f64,
    /// Left.
    pub left: f64,
}

impl Default for Margins {
    /// NĐ 30/2020, Phụ lục I, mục II.2: top and bottom 20–25 mm, left 30–35 mm, right
    /// 15–20 mm; the smallest of each.
    fn default() -> Self {
        Margins {
            top: mm(20.0),
            right: mm(15.0),
            bottom: mm(20.0),
            left: mm(30.0),
        }
    }
}

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ComposeError {
    /// Writing the output failed (disk full, permission denied, …).
    #[error("cannot write the PDF: {0}")]
    Io(#[from] io::Error),
    /// A font could not be embedded.
    #[error(transparent)]
    Font(#[from] FontError),
    /// The content needs more than [`MAX_PAGES`] pages; nothing was written.
    #[error("the document would have more than {limit} pages")]
    TooManyPages {
        /// The limit.
        limit: usize,
    },
}

impl Explain for ComposeError {
    fn message(&self) -> Message {
        match self {
            ComposeError::Io(error) => Message::new(
                "pdf-write-failed",
                format!("Không ghi được tệp PDF: {error}."),
                format!("Cannot write the PDF file: {error}."),
            ),
            ComposeError::Font(error) => error.message(),
            ComposeError::TooManyPages { limit } => Message::new(
                "document-too-long",
                format!("Nội dung dài quá {limit} trang; không tạo tệp PDF."),
                format!("The content is longer than {limit} pages; no PDF was written."),
            ),
        }
    }
}

/// A document being composed. Blocks are added in reading order; [`write_to`](Self::write_to),
/// [`to_bytes`](Self::to_bytes) or [`save`](Self::save) finish it.
#[derive(Debug)]
pub struct Document {
    title: String,
    created: OffsetDateTime,
    page_size: [f64; 2],
    margins: Margins,
    regular: FontUse,
    bold: FontUse,
    /// Content streams of the full pages.
    pages: Vec<Vec<u8>>,
    /// Content stream of the current page.
    content: Vec<u8>,
    /// Top of the free space on the current page (points from the page's bottom edge).
    y: f64,
    /// Set when the content exceeded [`MAX_PAGES`]: later blocks are ignored and writing fails.
    overflowed: bool,
}

impl Document {
    /// An empty A4 document titled `title` (shown in the viewer's title bar), created now,
    /// with the margins of NĐ 30/2020.
    pub fn new(title: &str) -> Document {
        Document::with_layout(title, A4, Margins::default())
    }

    /// An empty document with its own page size (width, height in points) and margins.
    pub fn with_layout(title: &str, page_size: [f64; 2], margins: Margins) -> Document {
        Document {
            title: truncate(title),
            created: crate::vn_time::now(),
            page_size,
            margins,
            regular: FontUse::new(FontFace::regular()),
            bold: FontUse::new(FontFace::bold()),
            pages: Vec::new(),
            content: Vec::new(),
            y: page_size[1] - margins.top,
            overflowed: false,
        }
    }

    /// Sets the creation date written to the document information (default: now).
    pub fn created_at(&mut self, at: OffsetDateTime) -> &mut Self {
        self.created = at;
        self
    }

    /// Pages so far, the current one included.
    pub fn page_count(&self) -> usize {
        self.pages.len() + 1
    }

    /// Width between the margins.
    pub fn text_width(&self) -> f64 {
        (self.page_size[0] - self.margins.left - self.margins.right).max(0.0)
    }

    /// The document's title line: 14 pt bold, centred.
    pub fn title(&mut self, text: &str) -> &mut Self {
        self.text(text, Style::body().size(14.0).bold().centered());
        self.space(6.0)
    }

    /// A section heading: 12.5 pt bold. Kept on the same page as at least two lines of what
    /// follows it.
    pub fn heading(&mut self, text: &str) -> &mut Self {
        let style = Style::body().size(12.5).bold();
        let lines = self.lines(text, style, self.text_width());
        let body = Style::body().size;
        if !self.at_page_top() {
            self.space(0.5 * style.size);
        }
        let needed = lines.len() as f64 * style.size * LEADING + 2.0 * body * LEADING;
        if !self.fits(needed) && !self.at_page_top() {
            self.new_page();
        }
        self.draw_lines(&lines, style, self.margins.left, self.text_width());
        self.space(0.25 * style.size)
    }

    /// A paragraph at `size` points, regular or bold, black.
    pub fn paragraph(&mut self, text: &str, size: f64, bold: bool) -> &mut Self {
        let style = Style {
            size,
            bold,
            ..Style::body()
        };
        self.text(text, style)
    }

    /// A paragraph in any [`Style`]. Sizes outside 4–144 pt are brought within.
    pub fn text(&mut self, text: &str, style: Style) -> &mut Self {
        let size = if style.size.is_finite() {
            style.size.clamp(4.0, 144.0)
        } else {
            Style::body().size
        };
        let style = style.size(size);
        let lines = self.lines(text, style, self.text_width());
        self.draw_lines(&lines, style, self.margins.left, self.text_width());
        self.space(0.5 * style.size)
    }

    /// A row of a two-column list: the label in bold on the left (a third of the width), the
    /// value beside it, each wrapped in its column.
    pub fn key_value(&mut self, label: &str, value: &str) -> &mut Self {
        let style = Style::body();
        let gap = 8.0;
        let label_width = (self.text_width() / 3.0 - gap).max(0.0);
        let value_width = (self.text_width() - label_width - gap).max(0.0);
        let labels = self.lines(label, style.bold(), label_width);
        let values = self.lines(value, style, value_width);
        let value_x = self.margins.left + label_width + gap;
        for row in 0..labels.len().max(values.len()) {
            if !self.line_break(style.size) {
                return self;
            }
            if let Some(line) = labels.get(row) {
                self.draw(line, style.bold(), self.margins.left);
            }
            if let Some(line) = values.get(row) {
                self.draw(line, style, value_x);
            }
        }
        self.space(0.25 * style.size)
    }

    /// A numbered list, "1." to "n." in a hanging column, each item wrapped beside its number.
    pub fn numbered<S: AsRef<str>>(&mut self, items: &[S]) -> &mut Self {
        let style = Style::body();
        let widest = format!("{}.", items.len().max(1));
        let number_width = FontFace::regular().text_width(&widest, style.size) + 6.0;
        let item_width = (self.text_width() - number_width).max(0.0);
        let item_x = self.margins.left + number_width;
        for (index, item) in items.iter().enumerate() {
            let lines = self.lines(item.as_ref(), style, item_width);
            for (row, line) in lines.iter().enumerate() {
                if !self.line_break(style.size) {
                    return self;
                }
                if row == 0 {
                    self.draw(&format!("{}.", index + 1), style, self.margins.left);
                }
                self.draw(line, style, item_x);
            }
            self.space(0.3 * style.size);
        }
        self.space(0.2 * style.size)
    }

    /// Vertical space of `points`; at most to the bottom of the page (space never starts a
    /// new page).
    pub fn space(&mut self, points: f64) -> &mut Self {
        if points.is_finite() && points > 0.0 {
            self.y = (self.y - points).max(self.margins.bottom);
        }
        self
    }

    /// Starts a new page.
    pub fn page_break(&mut self) -> &mut Self {
        self.new_page();
        self
    }

    /// Writes the finished PDF to `out` and returns it.
    pub fn write_to<W: Write>(mut self, out: W) -> Result<W, ComposeError> {
        if self.overflowed {
            return Err(ComposeError::TooManyPages { limit: MAX_PAGES });
        }
        let last = std::mem::take(&mut self.content);
        self.pages.push(last);
        let pages = std::mem::take(&mut self.pages);
        let count = pages.len();
        let mut contents = Vec::with_capacity(count);
        for (index, mut content) in pages.into_iter().enumerate() {
            self.footer(&mut content, index + 1, count);
            contents.push(deflate(&content));
        }

        // 1 catalog, 2 page tree, 3 information, then a page and its content per page; the
        // fonts take the numbers after those.
        let page_id = |i: usize| ObjectId::new(4 + 2 * i as u32, 0);
        let content_id = |i: usize| ObjectId::new(5 + 2 * i as u32, 0);
        let document = self.document_objects((0..count).map(|i| page_id(i).into()).collect());
        let mut next = 4 + 2 * count as u32;
        let mut allocate = || {
            let id = ObjectId::new(next, 0);
            next += 1;
            Ok(id)
        };
        let regular = self.regular.finish(&mut allocate)?;
        let bold = if self.bold.is_empty() {
            None
        } else {
            Some(self.bold.finish(&mut allocate)?)
        };

        let mut fonts = Dictionary::new();
        fonts.insert("F1", regular.font.into());
        if let Some(bold) = &bold {
            fonts.insert("F2", bold.font.into());
        }
        let resources: Dictionary = [("Font", Object::Dictionary(fonts))].into_iter().collect();

        let mut pdf = PdfWriter::new(out)?;
        for (number, object) in (1..).zip(document) {
            pdf.object(ObjectId::new(number, 0), &object)?;
        }
        let media_box = vec![
            Object::Integer(0),
            Object::Integer(0),
            Object::Real(self.page_size[0]),
            Object::Real(self.page_size[1]),
        ];
        for (index, data) in contents.into_iter().enumerate() {
            pdf.object(
                page_id(index),
                &dict([
                    ("Type", Object::name("Page")),
                    ("Parent", ObjectId::new(2, 0).into()),
                    ("MediaBox", media_box.clone().into()),
                    ("Resources", resources.clone().into()),
                    ("Contents", content_id(index).into()),
                ])
                .into(),
            )?;
            let stream = dict([("Filter", Object::name("FlateDecode"))]);
            pdf.stream(content_id(index), stream, &data)?;
        }
        for font in std::iter::once(regular).chain(bold) {
            pdf.font(font)?;
        }
        Ok(pdf.finish(ObjectId::new(1, 0), ObjectId::new(3, 0))?)
    }

    /// Objects 1–3: the catalog, the page tree over `kids`, the document information.
    fn document_objects(&self, kids: Vec<Object>) -> [Object; 3] {
        let count = kids.len() as i64;
        let catalog = dict([
            ("Type", Object::name("Catalog")),
            ("Pages", ObjectId::new(2, 0).into()),
            // §14.9.2: the natural language, for screen readers and search.
            ("Lang", PdfString::literal("vi").into()),
            // Viewers show the title rather than the file name (§12.2, Table 150).
            (
                "ViewerPreferences",
                dict([("DisplayDocTitle", true.into())]).into(),
            ),
        ]);
        let pages = dict([
            ("Type", Object::name("Pages")),
            ("Kids", kids.into()),
            ("Count", count.into()),
        ]);
        let date = PdfString::literal(crate::vn_time::pdf_date(self.created));
        let info = dict([
            ("Title", pdf_text_string(&self.title).into()),
            ("Producer", PdfString::literal("Kyso").into()),
            ("CreationDate", date.clone().into()),
            ("ModDate", date.into()),
        ]);
        [catalog.into(), pages.into(), info.into()]
    }

    /// The finished PDF in memory.
    pub fn to_bytes(self) -> Result<Vec<u8>, ComposeError> {
        self.write_to(Vec::new())
    }

    /// Writes the finished PDF to `path`, replacing it only once the whole file is written
    /// (through a temporary file in the same folder), so a failure leaves no half-written PDF.
    pub fn save(self, path: &Path) -> Result<(), ComposeError> {
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let temporary = tempfile::NamedTempFile::new_in(folder)?;
        let file = self.write_to(BufWriter::new(temporary))?;
        let temporary = file.into_inner().map_err(|e| e.into_error())?;
        temporary.as_file().sync_all()?;
        temporary.persist(path).map_err(|e| e.error)?;
        Ok(())
    }

    // ---- Layout ------------------------------------------------------------------------------

    /// `text` (cut to [`MAX_TEXT_CHARS`]) broken into lines of `width` in `style`'s face and
    /// size.
    fn lines(&self, text: &str, style: Style, width: f64) -> Vec<String> {
        self.face(style.bold)
            .break_lines(&truncate(text), style.size, width)
    }

    /// Draws `lines` in `style`, within `width` from `x`, each on a line of its own.
    fn draw_lines(&mut self, lines: &[String], style: Style, x: f64, width: f64) {
        let face = self.face(style.bold);
        for line in lines {
            if !self.line_break(style.size) {
                return;
            }
            let x = match style.align {
                Align::Left => x,
                Align::Center => x + ((width - face.text_width(line, style.size)) / 2.0).max(0.0),
            };
            self.draw(line, style, x);
        }
    }

    fn face(&self, bold: bool) -> &'static FontFace {
        if bold {
            FontFace::bold()
        } else {
            FontFace::regular()
        }
    }

    /// Moves down one line of `size`, to a new page when this one is full. Sets the baseline
    /// for [`draw`](Self::draw). False once the page limit is reached.
    fn line_break(&mut self, size: f64) -> bool {
        let height = size * LEADING;
        if !self.fits(height) && !self.at_page_top() {
            self.new_page();
        }
        if self.overflowed {
            return false;
        }
        self.y -= height;
        true
    }

    /// Whether `height` more points fit above the bottom margin.
    fn fits(&self, height: f64) -> bool {
        self.y - height >= self.margins.bottom - 1e-6
    }

    fn at_page_top(&self) -> bool {
        self.y >= self.page_size[1] - self.margins.top - 1e-6
    }

    fn new_page(&mut self) {
        if self.overflowed {
            return;
        }
        if self.page_count() >= MAX_PAGES {
            self.overflowed = true;
            return;
        }
        let full = std::mem::take(&mut self.content);
        self.pages.push(full);
        self.y = self.page_size[1] - self.margins.top;
    }

    /// Draws one line whose line box ends at the current `y` (set by
    /// [`line_break`](Self::line_break)): the baseline sits above it by the descent and half
    /// the extra leading.
    fn draw(&mut self, line: &str, style: Style, x: f64) {
        if self.overflowed || line.is_empty() {
            return;
        }
        let metrics = self.face(style.bold).metrics();
        let ascent = f64::from(metrics.ascent) / 1000.0;
        let descent = -f64::from(metrics.descent) / 1000.0;
        let baseline = self.y + style.size * (descent + (LEADING - ascent - descent) / 2.0);
        let (font, name) = if style.bold {
            (&mut self.bold, "/F2")
        } else {
            (&mut self.regular, "/F1")
        };
        text_operators(&mut self.content, font, name, line, style, x, baseline);
    }

    /// "Trang i/n", centred in the bottom margin.
    fn footer(&mut self, content: &mut Vec<u8>, page: usize, count: usize) {
        let text = format!("Trang {page}/{count}");
        let width = FontFace::regular().text_width(&text, FOOTER_SIZE);
        let x = (self.page_size[0] - width) / 2.0;
        let baseline = self.margins.bottom / 2.0;
        let style = Style::body().size(FOOTER_SIZE).color(Color::GREY);
        text_operators(content, &mut self.regular, "/F1", &text, style, x, baseline);
    }
}

/// `BT /F1 12 Tf r g b rg x y Td <…> Tj ET` (ISO 32000-1 §9.4): one line of text.
fn text_operators(
    content: &mut Vec<u8>,
    font: &mut FontUse,
    name: &str,
    line: &str,
    style: Style,
    x: f64,
    baseline: f64,
) {
    content.extend_from_slice(b"BT ");
    content.extend_from_slice(name.as_bytes());
    content.push(b' ');
    write_real(style.size, content);
    content.extend_from_slice(b" Tf ");
    for component in [style.color.r, style.color.g, style.color.b] {
        write_real(component.clamp(0.0, 1.0), content);
        content.push(b' ');
    }
    content.extend_from_slice(b"rg ");
    write_real(x, content);
    content.push(b' ');
    write_real(baseline, content);
    content.extend_from_slice(b" Td ");
    font.show(line, content);
    content.extend_from_slice(b" ET\n");
}

/// `text` cut to [`MAX_TEXT_CHARS`] characters, with "…" when cut.
fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

fn dict<const N: usize>(entries: [(&str, Object); N]) -> Dictionary {
    entries.into_iter().collect()
}

/// Writes numbered objects, remembering their offsets, then a classic cross-reference table.
/// Hashes what it writes for the file identifier.
struct PdfWriter<W: Write> {
    out: W,
    position: u64,
    offsets: Vec<(u32, u64)>,
    hash: Sha256,
}

impl<W: Write> PdfWriter<W> {
    fn new(out: W) -> io::Result<Self> {
        let mut writer = PdfWriter {
            out,
            position: 0,
            offsets: Vec::new(),
            hash: Sha256::new(),
        };
        // A comment with bytes above 127 marks the file as binary (§7.5.2).
        writer.raw(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")?;
        Ok(writer)
    }

    fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.hash.update(bytes);
        self.position += bytes.len() as u64;
        Ok(())
    }

    fn object(&mut self, id: ObjectId, object: &Object) -> io::Result<()> {
        self.offsets.push((id.number, self.position));
        let mut bytes = format!("{} {} obj\n", id.number, id.generation).into_bytes();
        serialize(object, &mut bytes);
        bytes.extend_from_slice(b"\nendobj\n");
        self.raw(&bytes)
    }

    fn stream(&mut self, id: ObjectId, mut dict: Dictionary, data: &[u8]) -> io::Result<()> {
        self.offsets.push((id.number, self.position));
        dict.insert("Length", Object::Integer(data.len() as i64));
        let mut head = format!("{} {} obj\n", id.number, id.generation).into_bytes();
        write_dictionary(&dict, &mut head);
        head.extend_from_slice(b"\nstream\n");
        self.raw(&head)?;
        self.raw(data)?;
        self.raw(b"\nendstream\nendobj\n")
    }

    fn font(&mut self, font: FontObjects) -> io::Result<()> {
        for object in font.objects {
            match object {
                NewObject::Object(id, object) => self.object(id, &object)?,
                NewObject::Stream(id, stream) => self.stream(id, stream.dict, &stream.data)?,
            }
        }
        Ok(())
    }

    /// The table (§7.5.4: 20-byte entries), the trailer with `/ID` (§14.4: a hash of the
    /// content), `startxref` and `%%EOF`.
    fn finish(mut self, root: ObjectId, info: ObjectId) -> io::Result<W> {
        let xref = self.position;
        self.offsets.sort_unstable();
        let size = self.offsets.last().map_or(1, |&(n, _)| n + 1);
        let mut table = format!("xref\n0 {size}\n0000000000 65535 f\r\n").into_bytes();
        let mut offsets = self.offsets.iter().peekable();
        for number in 1..size {
            match offsets.next_if(|&&(n, _)| n == number) {
                Some((_, offset)) => {
                    table.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes())
                }
                None => table.extend_from_slice(b"0000000000 65535 f\r\n"),
            }
        }
        let id = PdfString::hex(self.hash.clone().finalize()[..16].to_vec());
        let trailer = dict([
            ("Size", Object::Integer(i64::from(size))),
            ("Root", root.into()),
            ("Info", info.into()),
            ("ID", vec![id.clone().into(), id.into()].into()),
        ]);
        table.extend_from_slice(b"trailer\n");
        write_dictionary(&trailer, &mut table);
        table.extend_from_slice(format!("\nstartxref\n{xref}\n%%EOF\n").as_bytes());
        self.raw(&table)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use time::macros::datetime;
    use unicode_normalization::UnicodeNormalization;

    use super::*;
    use crate::pdf::PdfFile;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    /// A refusal notice as the verifier will write it, with every hard case of Vietnamese:
    /// Đ, ư, ơ, stacked tone marks (ễ, ờ, ắ, ỷ) and text given decomposed (NFD).
    fn notice() -> Document {
        let nfd = |text: &str| text.nfd().collect::<String>();
        let mut doc = Document::new("Thông báo từ chối văn bản");
        doc.created_at(datetime!(2026-04-26 02:15:02 UTC));
        doc.title("THÔNG BÁO TỪ CHỐI TIẾP NHẬN VĂN BẢN ĐIỆN TỬ");
        doc.text(
            "TỪ CHỐI / REFUSED",
            Style::body().size(16.0).bold().color(Color::RED).centered(),
        );
        doc.key_value("Tệp / File", "cong-van-123.pdf");
        doc.key_value("SHA-256", HASH);
        doc.key_value("Người ký / Signer", &nfd("Nguyễn Thị Thu Hường"));
        doc.key_value("Cơ quan / Office", "Sở Tài chính tỉnh Đắk Lắk");
        doc.heading("Lý do / Reasons");
        doc.numbered(&[
            "Tài liệu đã bị thay đổi sau khi ký. / The document was changed after it was signed."
                .to_string(),
            nfd("Văn bản gửi từ Quảng Ngãi dùng thuật toán SHA-1, không còn được chấp nhận."),
        ]);
        doc.paragraph(
            "Đề nghị Quý cơ quan ký lại và gửi lại; không ỷ lại vào bản giấy.",
            12.0,
            false,
        );
        doc
    }

    fn temp_pdf(doc: Document) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("notice.pdf");
        doc.save(&path).expect("save");
        (dir, path)
    }

    fn run(program: &str, args: &[&str], path: &Path) -> (bool, String) {
        let output = Command::new(program)
            .args(args)
            .arg(path)
            .output()
            .unwrap_or_else(|e| panic!("{program} runs: {e}"));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    }

    fn pdftotext(path: &Path) -> String {
        let (ok, text) = run("pdftotext", &["-enc", "UTF-8"], path);
        assert!(ok, "{text}");
        let out = std::fs::read_to_string(path.with_extension("txt")).expect("pdftotext output");
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn vietnamese_text_is_extracted_exactly_by_pdftotext() {
        let (_dir, path) = temp_pdf(notice());
        let text = pdftotext(&path);
        for expected in [
            "THÔNG BÁO TỪ CHỐI TIẾP NHẬN VĂN BẢN ĐIỆN TỬ",
            "TỪ CHỐI / REFUSED",
            // Given decomposed; drawn and extracted composed.
            "Nguyễn Thị Thu Hường",
            "Văn bản gửi từ Quảng Ngãi dùng thuật toán SHA-1, không còn được chấp nhận.",
            "Sở Tài chính tỉnh Đắk Lắk",
            "1. Tài liệu đã bị thay đổi sau khi ký. / The document was changed after it was signed.",
            "không ỷ lại vào bản giấy.",
            "Trang 1/1",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in {text:?}");
        }
        // The hash is wider than its column: broken between characters, nothing lost.
        assert!(text.replace(' ', "").contains(HASH), "{text}");
        assert!(
            !text.contains('\u{301}') && !text.contains('\u{31b}'),
            "{text}"
        );
    }

    #[test]
    fn qpdf_check_passes_and_our_reader_reads_it() {
        let (_dir, path) = temp_pdf(notice());
        let (ok, report) = run("qpdf", &["--check"], &path);
        assert!(
            ok && report.contains("No syntax or stream encoding errors"),
            "{report}"
        );
        let file = PdfFile::open(&path).expect("our reader opens it");
        assert_eq!(file.page_count().expect("pages"), 1);
        let info = file
            .trailer()
            .get(b"Info")
            .map(|info| file.resolve(info).expect("info"))
            .expect("/Info");
        let info = info.as_dict().expect("dictionary");
        let text = |key: &[u8]| {
            info.get(key)
                .and_then(Object::as_string)
                .map(|s| crate::pdf::decode_text_string(&s.bytes))
        };
        assert_eq!(text(b"Title").as_deref(), Some("Thông báo từ chối văn bản"));
        assert_eq!(text(b"Producer").as_deref(), Some("Kyso"));
        // 02:15 UTC is 09:15 in Vietnam.
        assert_eq!(
            text(b"CreationDate").as_deref(),
            Some("D:20260426091502+07'00'")
        );
    }

    #[test]
    fn fonts_are_embedded_subsets_with_to_unicode() {
        let (_dir, path) = temp_pdf(notice());
        let (ok, listing) = run("pdffonts", &[], &path);
        assert!(ok, "{listing}");
        let fonts: Vec<&str> = listing.lines().skip(2).collect();
        assert_eq!(fonts.len(), 2, "{listing}");
        for (line, name) in fonts
            .iter()
            .zip(["LiberationSerif", "LiberationSerif-Bold"])
        {
            let columns: Vec<&str> = line.split_whitespace().collect();
            // name  type  encoding  emb sub uni  object ID
            let [font, kind @ .., emb, sub, uni, _, _] = columns.as_slice() else {
                panic!("unexpected pdffonts line {line:?}");
            };
            let (tag, base) = font.split_once('+').expect("subset tag");
            assert!(
                tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()),
                "{font}"
            );
            assert_eq!(base, name);
            assert_eq!(kind.first(), Some(&"CID"), "{line}");
            assert_eq!([*emb, *sub, *uni], ["yes", "yes", "yes"], "{line}");
        }
    }

    #[test]
    fn the_embedded_font_files_are_small_subsets() {
        let bytes = notice().to_bytes().expect("compose");
        let file = PdfFile::from_bytes(bytes).expect("reads");
        let mut font_files = 0;
        for number in 1..file.size() {
            let Ok(object) = file.get(ObjectId::new(number, 0)) else {
                continue;
            };
            let Some(reference) = object.as_dict().and_then(|d| d.get(b"FontFile2")) else {
                continue;
            };
            let stream = file.resolve(reference).expect("font file");
            let stream = stream.as_stream().expect("a stream");
            let ttf = file.stream_data(stream).expect("inflates");
            assert_eq!(stream.dict.get_integer(b"Length1"), Some(ttf.len() as i64));
            assert!(ttf.len() < 40_000, "subset of {} bytes", ttf.len());
            assert!(
                stream.data_len < 30_000,
                "compressed {} bytes",
                stream.data_len
            );
            // A TrueType font (version 1.0) without a cmap: codes are CIDs.
            assert_eq!(ttf.get(..4), Some(&[0, 1, 0, 0][..]));
            font_files += 1;
        }
        assert_eq!(font_files, 2);
    }

    #[test]
    fn long_text_wraps_within_the_margins_and_breaks_across_pages() {
        let sentence = "Tài liệu đã bị thay đổi sau khi ký, chữ ký số của Nguyễn Thị Thu Hường \
                        không còn giá trị với nội dung hiện tại. ";
        let mut doc = Document::new("Báo cáo");
        doc.created_at(datetime!(2026-04-26 02:15:02 UTC));
        doc.heading("Kết quả kiểm tra");
        for _ in 0..12 {
            doc.paragraph(&sentence.repeat(6), 12.0, false);
        }
        doc.key_value("SHA-256", &HASH.repeat(3));
        assert!(doc.page_count() >= 2, "{} pages", doc.page_count());
        let pages = doc.page_count();
        let margins = Margins::default();
        let (_dir, path) = temp_pdf(doc);

        let (ok, qpdf_pages) = run("qpdf", &["--show-npages"], &path);
        assert!(ok);
        assert_eq!(qpdf_pages.trim(), pages.to_string());
        let text = pdftotext(&path);
        assert!(text.contains(&format!("Trang 1/{pages}")), "{text}");
        assert!(text.contains(&format!("Trang {pages}/{pages}")), "{text}");

        // Every word's box lies within the margins (pdftotext -bbox: one <word> per word).
        let (ok, html) = run("pdftotext", &["-bbox", "-enc", "UTF-8"], &path);
        assert!(ok, "{html}");
        let html = std::fs::read_to_string(path.with_extension("html")).expect("bbox output");
        let mut words = 0;
        for word in html.split("<word ").skip(1) {
            let attr = |name: &str| -> f64 {
                let start = word.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
                let end = word[start..].find('"').expect("quote") + start;
                word[start..end].parse().expect("number")
            };
            let (x_min, x_max, y_max) = (attr("xMin"), attr("xMax"), attr("yMax"));
            assert!(x_min >= margins.left - 0.5, "{word}");
            assert!(x_max <= A4[0] - margins.right + 0.5, "{word}");
            // Body text above the bottom margin; only the page number sits inside it.
            if !word.contains(">Trang<") && !word.contains("/") {
                assert!(y_max <= A4[1] - margins.bottom + 0.5, "{word}");
            }
            words += 1;
        }
        assert!(words > 500, "{words} words");
    }

    #[test]
    fn the_page_renders_with_red_and_black_text() {
        let (dir, path) = temp_pdf(notice());
        let prefix = dir.path().join("page");
        let status = Command::new("pdftoppm")
            .args(["-r", "72", "-f", "1", "-l", "1", "-singlefile"])
            .arg(&path)
            .arg(&prefix)
            .status()
            .expect("pdftoppm runs");
        assert!(status.success());
        let ppm = std::fs::read(prefix.with_extension("ppm")).expect("rendered page");
        // Binary PPM: "P6\n<w> <h>\n255\n" then RGB triples.
        let header_end = ppm
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .nth(2)
            .map(|(i, _)| i + 1)
            .expect("PPM header");
        let pixels = ppm[header_end..].chunks_exact(3);
        let (mut red, mut dark) = (0, 0);
        for p in pixels {
            let (r, g, b) = (p[0], p[1], p[2]);
            if r > 120 && g < 80 && b < 80 {
                red += 1;
            } else if r < 100 && g < 100 && b < 100 {
                dark += 1;
            }
        }
        assert!(red > 20, "the red REFUSED label is drawn ({red} pixels)");
        assert!(dark > 2_000, "black text is drawn ({dark} pixels)");

        // KYSO_UPDATE_DOCS_IMAGES=1 refreshes the sample shown in the documentation.
        if std::env::var_os("KYSO_UPDATE_DOCS_IMAGES").is_some() {
            let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/images/compose-sample");
            let status = Command::new("pdftoppm")
                .args(["-r", "60", "-f", "1", "-l", "1", "-singlefile", "-png"])
                .arg(&path)
                .arg(&docs)
                .status()
                .expect("pdftoppm runs");
            assert!(status.success());
        }
    }

    #[test]
    fn absurd_font_sizes_are_brought_within_bounds() {
        let mut doc = Document::new("x");
        doc.paragraph("NaN", f64::NAN, false)
            .paragraph("negative", -5.0, true)
            .paragraph("huge", 1e9, false);
        assert_eq!(doc.page_count(), 1);
        let (_dir, path) = temp_pdf(doc);
        let (ok, report) = run("qpdf", &["--check"], &path);
        assert!(ok, "{report}");
        assert_eq!(pdftotext(&path), "NaN negative huge Trang 1/1");
    }

    #[test]
    fn output_is_reproducible() {
        let one = notice().to_bytes().expect("compose");
        let two = notice().to_bytes().expect("compose");
        assert_eq!(one, two);
        assert!(one.starts_with(b"%PDF-1.7\n"));
        assert!(one.ends_with(b"%%EOF\n"));
    }

    #[test]
    fn a_huge_text_is_cut_and_the_page_count_is_bounded() {
        let mut doc = Document::new("x");
        doc.paragraph(&"Đ".repeat(MAX_TEXT_CHARS * 5), 12.0, false);
        // 10 000 capital Đ at 12 pt are about 30 pages; 50 000 would be 150.
        assert!(doc.page_count() < 60, "{} pages", doc.page_count());
        for _ in 0..MAX_PAGES {
            doc.page_break();
        }
        doc.paragraph("after the limit", 12.0, false);
        assert_eq!(doc.page_count(), MAX_PAGES);
        assert!(matches!(
            doc.to_bytes(),
            Err(ComposeError::TooManyPages { limit: MAX_PAGES })
        ));
        assert!(truncate(&"a".repeat(MAX_TEXT_CHARS + 1)).ends_with("a…"));
        assert_eq!(truncate("ngắn"), "ngắn");
    }

    #[test]
    fn an_empty_document_is_one_numbered_page() {
        let mut doc = Document::new("");
        doc.created_at(datetime!(2026-04-26 02:15:02 UTC));
        let (_dir, path) = temp_pdf(doc);
        let (ok, report) = run("qpdf", &["--check"], &path);
        assert!(ok, "{report}");
        assert_eq!(pdftotext(&path), "Trang 1/1");
        // Only the regular font: nothing was bold.
        let (_, listing) = run("pdffonts", &[], &path);
        assert_eq!(listing.lines().count(), 3, "{listing}");
    }

    #[test]
    fn saving_into_a_missing_folder_fails_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("missing").join("notice.pdf");
        let error = notice().save(&path).expect_err("no folder");
        assert!(matches!(error, ComposeError::Io(_)));
        assert_eq!(error.message().code, "pdf-write-failed");
        assert!(!path.exists());
    }
}
