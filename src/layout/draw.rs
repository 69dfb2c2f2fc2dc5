//! Appearance streams (ISO 32000-1 §12.5.5): the form XObjects a signature's widgets show.
//!
//! One [`Drawing`] serves one signature, i.e. one incremental update: all its widgets draw
//! text through one [`FontUse`], so the font is embedded once, as a subset of exactly the
//! glyphs drawn, however many widgets there are (seal, number, date). Forms are written when
//! the drawing [finishes](Drawing::finish), once the font's object number is known.

use crate::pdf::filter::deflate;
use crate::pdf::font::{FontFace, FontUse};
use crate::pdf::image::PngImage;
use crate::pdf::object::{Dictionary, Object, ObjectId};
use crate::pdf::update::IncrementalUpdate;

use super::LayoutError;

/// Resource name of the text font inside Kyso's appearances.
const FONT: &str = "KysoF1";
/// Horizontal shear of the synthetic oblique (tan 12°): NĐ 30 sets place and date in italic,
/// and the shipped Liberation Serif has no italic face; a sheared upright face reads as one
/// and keeps a single embedded font.
const OBLIQUE: f64 = 0.2126;

/// A line of text in a form: baseline origin, size, and whether it is oblique.
#[derive(Debug, Clone)]
pub struct TextLine {
    pub text: String,
    pub x: f64,
    pub y: f64,
    pub size: f64,
    pub oblique: bool,
}

/// One form XObject being drawn: its size and content.
#[derive(Debug, Default)]
pub struct Form {
    width: f64,
    height: f64,
    content: Vec<u8>,
    images: Vec<ObjectId>,
    uses_font: bool,
}

impl Form {
    /// An empty form of `width` × `height` points.
    pub fn new(width: f64, height: f64) -> Form {
        Form {
            width,
            height,
            ..Form::default()
        }
    }

    /// Fills the whole form white: stamped text covers the blank it fills in.
    pub fn white_ground(&mut self) {
        self.content.extend_from_slice(
            format!(
                "q 1 g 0 0 {} {} re f Q\n",
                num(self.width),
                num(self.height)
            )
            .as_bytes(),
        );
    }

    /// A black frame of `line` points inside the edges.
    pub fn frame(&mut self, line: f64) {
        let half = line / 2.0;
        self.content.extend_from_slice(
            format!(
                "q 0 G {} w {} {} {} {} re S Q\n",
                num(line),
                num(half),
                num(half),
                num(self.width - line),
                num(self.height - line)
            )
            .as_bytes(),
        );
    }
}

/// The appearances of one signature.
pub struct Drawing {
    font: FontUse,
    forms: Vec<(ObjectId, Form)>,
}

impl Drawing {
    pub fn new() -> Drawing {
        Drawing {
            font: FontUse::new(FontFace::regular()),
            forms: Vec::new(),
        }
    }

    /// The face text is set in (for measuring).
    pub fn face(&self) -> &'static FontFace {
        self.font.face()
    }

    /// Draws `image` over the whole form (its aspect is the caller's business).
    pub fn image(
        &mut self,
        form: &mut Form,
        image: &PngImage,
        update: &mut IncrementalUpdate<'_>,
    ) -> Result<(), LayoutError> {
        let id = image.add_to(update)?;
        form.images.push(id);
        let name = form.images.len();
        form.content.extend_from_slice(
            format!(
                "q {} 0 0 {} 0 0 cm /KysoIm{name} Do Q\n",
                num(form.width),
                num(form.height)
            )
            .as_bytes(),
        );
        Ok(())
    }

    /// Draws black text lines (upright unless `oblique`).
    pub fn text(&mut self, form: &mut Form, lines: &[TextLine]) {
        if lines.is_empty() {
            return;
        }
        form.uses_font = true;
        form.content.extend_from_slice(b"BT 0 g\n");
        for line in lines {
            let shear = if line.oblique { OBLIQUE } else { 0.0 };
            form.content.extend_from_slice(
                format!(
                    "/{FONT} {} Tf 1 0 {} 1 {} {} Tm ",
                    num(line.size),
                    num(shear),
                    num(line.x),
                    num(line.y)
                )
                .as_bytes(),
            );
            self.font.show(&line.text, &mut form.content);
            form.content.push(b'\n');
        }
        form.content.extend_from_slice(b"ET\n");
    }

    /// Reserves the form's object number now (a widget needs it) and keeps the form until
    /// [`finish`](Self::finish).
    pub fn add(
        &mut self,
        form: Form,
        update: &mut IncrementalUpdate<'_>,
    ) -> Result<ObjectId, LayoutError> {
        let id = update.allocate()?;
        self.forms.push((id, form));
        Ok(id)
    }

    /// Embeds the font (when text was drawn) and writes every form.
    pub fn finish(self, update: &mut IncrementalUpdate<'_>) -> Result<(), LayoutError> {
        let font = if self.font.is_empty() {
            None
        } else {
            let objects = self.font.finish(|| update.allocate())?;
            Some(objects.add_to(update))
        };
        for (id, form) in self.forms {
            let mut resources = Dictionary::new();
            if let (true, Some(font)) = (form.uses_font, font) {
                let fonts: Dictionary = [(FONT, Object::Reference(font))].into_iter().collect();
                resources.insert("Font", Object::Dictionary(fonts));
            }
            if !form.images.is_empty() {
                let images: Dictionary = form
                    .images
                    .iter()
                    .enumerate()
                    .map(|(i, id)| (format!("KysoIm{}", i + 1), Object::Reference(*id)))
                    .collect();
                resources.insert("XObject", Object::Dictionary(images));
            }
            let mut dict = Dictionary::new();
            dict.insert("Type", Object::name("XObject"));
            dict.insert("Subtype", Object::name("Form"));
            dict.insert(
                "BBox",
                Object::Array(vec![
                    Object::Integer(0),
                    Object::Integer(0),
                    Object::Real(form.width),
                    Object::Real(form.height),
                ]),
            );
            dict.insert("Resources", Object::Dictionary(resources));
            dict.insert("Filter", Object::name("FlateDecode"));
            update.put_stream(id, dict, deflate(&form.content));
        }
        Ok(())
    }
}

impl Default for Drawing {
    fn default() -> Self {
        Drawing::new()
    }
}

/// A number as content streams write it: at most three decimals, no exponent.
fn num(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" || text.is_empty() {
        "0".to_string()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(0.21256), "0.213");
        assert_eq!(num(-0.0001), "0");
    }
}
