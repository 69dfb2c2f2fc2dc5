//! Visible signatures as NĐ 30/2020/NĐ-CP Phụ lục I draws them, one profile per office role
//! (`../shared/spec/vn-signature-rules.md`, "What a signature looks like on the page"):
//!
//! | profile | who | what the page shows |
//! |---|---|---|
//! | [`Leader`](VisibleSignature::Leader) | the authorised person, own certificate | the handwritten-signature image (blue PNG), centred between the title line and the name line |
//! | [`Issuer`](VisibleSignature::Issuer) | the records clerk, organisation certificate | the seal (red PNG) at real size over the left third of the leader's image; the number and the date stamped at their places |
//! | [`Attachment`](VisibleSignature::Attachment) | the clerk, on each attachment file | no image; top right of page 1: number and symbol, signing time (ISO 8601, +07:00), 10 pt black |
//! | [`Copy`](VisibleSignature::Copy) | the clerk, on an electronic copy | no image; top right of page 1: SAO Y / SAO LỤC / TRÍCH SAO, the copying organisation, the time |
//!
//! [`VisibleSignature::place`] runs while the signature's incremental update is built
//! (`sign::sign_document`): it adds the images, the font subset and the appearance forms to
//! the update and returns the widgets for `pdf::prepare_signature_with_widgets`. Everything a
//! profile stamps is in the same update as the signature, so the signature covers it.
//!
//! Modules: [`date`] (Vietnamese dates), [`draw`] (appearance forms, one font per update),
//! [`placement`] (rectangles, page boxes, existing signature fields), [`anchor`] (text on the
//! page), [`issuer`] (the personal signature an organisation signature needs first).

pub mod anchor;
pub mod date;
pub mod draw;
pub mod issuer;
pub mod placement;

use std::path::Path;

use time::{Date, OffsetDateTime};

use crate::message::{Explain, Message};
use crate::pdf::font::FontError;
use crate::pdf::image::{ImageError, PngImage};
use crate::pdf::{IncrementalUpdate, PdfError, PdfFile, WidgetSpec};
use crate::pki::trust::TrustStore;

pub use date::{parse_date, vietnamese_date};
pub use placement::{Rect, parse_rect};

use draw::{Drawing, Form, TextLine};

/// Seal diameter when the PNG does not say its physical size: 36 mm, the common size of an
/// organisation's seal (the example).
pub const DEFAULT_SEAL_MM: f64 = 36.0;
/// Size of the attachment and copy boxes' text (NĐ 30 Phụ lục I: Times New Roman 10 pt).
pub const BOX_TEXT_SIZE: f64 = 10.0;
/// Size of the stamped number and date when the anchor does not tell it (NĐ 30: 13 pt).
pub const STAMP_TEXT_SIZE: f64 = 13.0;
/// Distance of the attachment and copy boxes from the page's right edge (10 mm) and top edge
/// (5 mm: inside the 20 mm top margin NĐ 30 sets, above the document's own header).
const BOX_MARGIN: f64 = 28.35;
const BOX_MARGIN_TOP: f64 = 14.17;
/// Inner padding of the boxes.
const BOX_PADDING: f64 = 3.0;
/// Widest the copy box's text runs before it breaks (points).
const BOX_MAX_TEXT_WIDTH: f64 = 220.0;
/// Widest a leader's signature image is drawn when placed at an anchor (points, ~71 mm).
const MAX_LEADER_WIDTH: f64 = 200.0;
/// Points per millimetre.
const PT_PER_MM: f64 = 72.0 / 25.4;
/// The share of the leader's image the seal covers, on its left (NĐ 30: about one third).
pub const SEAL_OVERLAP: f64 = 1.0 / 3.0;

/// Why a visible signature cannot be placed or drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LayoutError {
    #[error(transparent)]
    Image(#[from] ImageError),
    #[error(transparent)]
    Pdf(#[from] PdfError),
    #[error(transparent)]
    Font(#[from] FontError),
    /// `--rect` is not four numbers making a rectangle.
    #[error("not a rectangle: {0}")]
    BadRect(String),
    /// `--date` is not a calendar date `YYYY-MM-DD`.
    #[error("not a date: {0}")]
    BadDate(String),
    /// An unknown `--profile` or `--copy-form`.
    #[error("unknown {what}: {value}")]
    UnknownValue { what: &'static str, value: String },
    /// A profile option is missing (e.g. `--image` for `leader`).
    #[error("the {profile} profile needs {option}")]
    MissingOption {
        profile: &'static str,
        option: &'static str,
    },
    /// The anchor text is not on the page.
    #[error("the text “{text}” is not on page {page}")]
    AnchorNotFound { text: String, page: usize },
    /// The page's text could not be read to find an anchor.
    #[error("cannot read the text of page {page}: {detail}")]
    PageText { page: usize, detail: String },
    /// The leader profile found no place: no empty signature field, no anchor, no rectangle.
    #[error("no place for the signature image")]
    NoPlace,
    /// The issuer profile found no personal signature in the document.
    #[error("the document carries no personal signature")]
    NoPersonalSignature,
    /// The personal signatures present are not valid.
    #[error("no valid personal signature: {}", .reasons.iter().map(|m| m.en.as_str()).collect::<Vec<_>>().join("; "))]
    PersonalSignatureInvalid { reasons: Vec<Message> },
    /// The valid personal signature has no visible widget to put the seal beside.
    #[error("the personal signature {field} is invisible")]
    PersonalSignatureInvisible { field: String },
}

impl Explain for LayoutError {
    fn message(&self) -> Message {
        match self {
            LayoutError::Image(e) => e.message(),
            LayoutError::Pdf(e) => e.message(),
            LayoutError::Font(e) => e.message(),
            LayoutError::BadRect(text) => Message::new(
                "bad-rect",
                format!("Vùng «{text}» không hợp lệ: cần X1,Y1,X2,Y2 (đơn vị point)"),
                format!("“{text}” is not a rectangle: give X1,Y1,X2,Y2 in points"),
            ),
            LayoutError::BadDate(text) => Message::new(
                "bad-date",
                format!("Ngày «{text}» không hợp lệ: cần dạng NĂM-THÁNG-NGÀY, ví dụ 2026-04-26"),
                format!("“{text}” is not a date: give YEAR-MONTH-DAY, e.g. 2026-04-26"),
            ),
            LayoutError::UnknownValue { what, value } => Message::new(
                "usage",
                format!("Giá trị «{value}» không hợp lệ cho {what}"),
                format!("“{value}” is not a valid {what}"),
            ),
            LayoutError::MissingOption { profile, option } => Message::new(
                "usage",
                format!("Kiểu ký «{profile}» cần {option}"),
                format!("The {profile} profile needs {option}"),
            ),
            LayoutError::AnchorNotFound { text, page } => Message::new(
                "anchor-not-found",
                format!("Không tìm thấy dòng chữ «{text}» trên trang {page}"),
                format!("The text “{text}” is not on page {page}"),
            ),
            LayoutError::PageText { page, detail } => Message::new(
                "page-text-unreadable",
                format!("Không đọc được chữ trên trang {page} để tìm vị trí ký ({detail})"),
                format!("Cannot read the text of page {page} to find the place ({detail})"),
            ),
            LayoutError::NoPlace => Message::new(
                "no-signature-place",
                "Không có chỗ đặt hình chữ ký: văn bản không có ô chữ ký trống; hãy dùng --anchor (chức vụ) hoặc --rect",
                "No place for the signature image: the document has no empty signature field; use --anchor (the title) or --rect",
            ),
            LayoutError::NoPersonalSignature => Message::new(
                "issuer-needs-personal-signature",
                "Từ chối ký phát hành: văn bản chưa có chữ ký số của người có thẩm quyền (Điều 32 khoản 2 Nghị định 30/2020/NĐ-CP)",
                "Issuing refused: the document is not yet signed by the authorised person (NĐ 30/2020 Art. 32.2)",
            ),
            LayoutError::PersonalSignatureInvalid { reasons } => {
                let vi: Vec<&str> = reasons.iter().map(|m| m.vi.as_str()).collect();
                let en: Vec<&str> = reasons.iter().map(|m| m.en.as_str()).collect();
                Message::new(
                    "issuer-needs-valid-personal-signature",
                    format!(
                        "Từ chối ký phát hành: chữ ký số của người có thẩm quyền không hợp lệ (Điều 32 khoản 2 Nghị định 30/2020/NĐ-CP): {}",
                        vi.join("; ")
                    ),
                    format!(
                        "Issuing refused: the authorised person's signature is not valid (NĐ 30/2020 Art. 32.2): {}",
                        en.join("; ")
                    ),
                )
            }
            LayoutError::PersonalSignatureInvisible { field } => Message::new(
                "personal-signature-invisible",
                format!(
                    "Chữ ký «{field}» của người có thẩm quyền không hiển thị trên trang, nên không xác định được vị trí con dấu"
                ),
                format!(
                    "The authorised person's signature «{field}» is not shown on the page, so the seal has no place"
                ),
            ),
        }
    }
}

/// The four office roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Leader,
    Issuer,
    Attachment,
    Copy,
}

impl Profile {
    /// `leader`, `issuer`, `attachment`, `copy` (Vietnamese names accepted too).
    pub fn parse(text: &str) -> Result<Profile, LayoutError> {
        match text.trim().to_lowercase().as_str() {
            "leader" | "ky-duyet" | "ký duyệt" => Ok(Profile::Leader),
            "issuer" | "phat-hanh" | "ký phát hành" => Ok(Profile::Issuer),
            "attachment" | "phu-luc" | "ký phụ lục" => Ok(Profile::Attachment),
            "copy" | "ban-sao" | "bản sao" => Ok(Profile::Copy),
            _ => Err(LayoutError::UnknownValue {
                what: "--profile (leader|issuer|attachment|copy)",
                value: text.to_string(),
            }),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Leader => "leader",
            Profile::Issuer => "issuer",
            Profile::Attachment => "attachment",
            Profile::Copy => "copy",
        }
    }
}

/// The forms of an electronic copy (NĐ 30/2020 Đ.25): SAO Y, SAO LỤC, TRÍCH SAO.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyForm {
    SaoY,
    SaoLuc,
    TrichSao,
}

impl CopyForm {
    /// Accepts the forms with or without diacritics, in any case.
    pub fn parse(text: &str) -> Result<CopyForm, LayoutError> {
        let folded: String = crate::pdf::font::normalize(text.trim()).to_uppercase();
        match folded.as_str() {
            "SAO Y" => Ok(CopyForm::SaoY),
            "SAO LỤC" | "SAO LUC" => Ok(CopyForm::SaoLuc),
            "TRÍCH SAO" | "TRICH SAO" => Ok(CopyForm::TrichSao),
            _ => Err(LayoutError::UnknownValue {
                what: "--copy-form (SAO Y|SAO LỤC|TRÍCH SAO)",
                value: text.to_string(),
            }),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CopyForm::SaoY => "SAO Y",
            CopyForm::SaoLuc => "SAO LỤC",
            CopyForm::TrichSao => "TRÍCH SAO",
        }
    }
}

/// Where something goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    /// Found by the profile (leader: an existing empty signature field).
    Auto,
    /// At the text found on the page.
    Anchor(String),
    /// In this rectangle (default user space, points).
    Rect(Rect),
}

/// Where the issuer stamps the document number when no rectangle is given: after "Số:"
/// (NĐ 30/2020 Phụ lục I, box 3). The CLI and the desktop app both use it.
pub const NUMBER_ANCHOR: &str = "Số:";
/// Where the issuer stamps the date when no rectangle is given: over "ngày … tháng … năm"
/// (box 4).
pub const DATE_ANCHOR: &str = "ngày";

/// A text stamped by the issuer (number or date) and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamp {
    pub text: String,
    pub place: Placement,
}

impl Stamp {
    /// The document number and symbol, in `rect` or after [`NUMBER_ANCHOR`].
    pub fn number(text: &str, rect: Option<Rect>) -> Stamp {
        Stamp {
            text: text.to_string(),
            place: rect.map_or_else(|| Placement::Anchor(NUMBER_ANCHOR.into()), Placement::Rect),
        }
    }

    /// The issue date as NĐ 30 writes it, in `rect` or over [`DATE_ANCHOR`].
    pub fn date(date: Date, rect: Option<Rect>) -> Stamp {
        Stamp {
            text: vietnamese_date(date),
            place: rect.map_or_else(|| Placement::Anchor(DATE_ANCHOR.into()), Placement::Rect),
        }
    }
}

/// The leader's signature.
#[derive(Debug, Clone)]
pub struct LeaderLayout {
    /// The handwritten signature (blue, transparent).
    pub image: PngImage,
    /// An existing empty field is preferred; then the anchor (the signer's title); then a
    /// rectangle.
    pub anchor: Option<String>,
    pub rect: Option<Rect>,
    /// Page, 0-based, negative from the end; default the last page.
    pub page: Option<i64>,
}

/// The records clerk's issuing signature.
#[derive(Debug, Clone)]
pub struct IssuerLayout {
    /// The organisation's seal (red, transparent).
    pub seal: PngImage,
    /// The seal's width on paper in millimetres.
    pub seal_mm: f64,
    /// Document number and symbol (`123/QĐ-UBND`), stamped after "Số:" or in a rectangle.
    pub number: Option<Stamp>,
    /// Issue date (rendered `ngày 26 tháng 4 năm 2026`), stamped over "ngày … tháng … năm".
    pub date: Option<Stamp>,
    /// Page of the number and date (0-based; default the first page).
    pub stamp_page: i64,
    /// Anchors the personal signature's certificate must chain to.
    pub trust: TrustStore,
}

impl IssuerLayout {
    /// The seal's width: `--seal-size` when given, else the PNG's `pHYs`, else 36 mm.
    pub fn seal_width_mm(seal: &PngImage, given: Option<f64>) -> f64 {
        given
            .or(seal.size_mm.map(|(w, _)| w))
            .filter(|w| w.is_finite() && *w > 5.0 && *w < 100.0)
            .unwrap_or(DEFAULT_SEAL_MM)
    }
}

/// A visible signature of one of the four profiles.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum VisibleSignature {
    Leader(LeaderLayout),
    Issuer(IssuerLayout),
    /// An attachment in its own file: the document's number and symbol.
    Attachment {
        number: String,
    },
    /// An electronic copy: its form and the copying organisation.
    Copy {
        form: CopyForm,
        organisation: String,
    },
}

/// What placing produced: the field to sign (an existing one, or `None` for a new one) and
/// the widgets, whose appearances are already in the update.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub field_name: Option<String>,
    pub widgets: Vec<WidgetSpec>,
}

impl VisibleSignature {
    /// The profile.
    pub fn profile(&self) -> Profile {
        match self {
            VisibleSignature::Leader(_) => Profile::Leader,
            VisibleSignature::Issuer(_) => Profile::Issuer,
            VisibleSignature::Attachment { .. } => Profile::Attachment,
            VisibleSignature::Copy { .. } => Profile::Copy,
        }
    }

    /// Checks what must hold before anything is signed (the issuer's personal signature).
    pub fn check_document(&self, input: &Path) -> Result<(), LayoutError> {
        if let VisibleSignature::Issuer(issuer) = self {
            issuer::personal_signature(input, &issuer.trust)?;
        }
        Ok(())
    }

    /// Adds the appearances to `update` and says where the widgets go. `input` is the file
    /// `file` was opened from (the issuer validates it); `signing_time` is what the boxes show.
    pub fn place(
        &self,
        input: &Path,
        file: &PdfFile,
        update: &mut IncrementalUpdate<'_>,
        signing_time: OffsetDateTime,
    ) -> Result<Placed, LayoutError> {
        let mut drawing = Drawing::new();
        let placed = match self {
            VisibleSignature::Leader(leader) => place_leader(leader, file, update, &mut drawing)?,
            VisibleSignature::Issuer(issuer) => {
                let personal = issuer::personal_signature(input, &issuer.trust)?;
                place_issuer(issuer, &personal, file, update, &mut drawing)?
            }
            VisibleSignature::Attachment { number } => {
                let lines = [number.clone(), crate::vn_time::iso8601(signing_time)];
                place_box(&lines, file, update, &mut drawing)?
            }
            VisibleSignature::Copy { form, organisation } => {
                let mut lines = vec![form.label().to_string()];
                lines.extend(drawing.face().break_lines(
                    organisation,
                    BOX_TEXT_SIZE,
                    BOX_MAX_TEXT_WIDTH,
                ));
                lines.push(crate::vn_time::iso8601(signing_time));
                place_box(&lines, file, update, &mut drawing)?
            }
        };
        drawing.finish(update)?;
        Ok(placed)
    }
}

/// The leader's image: in an empty signature field, else between the title found by the
/// anchor and the name below it, else in the rectangle.
fn place_leader(
    leader: &LeaderLayout,
    file: &PdfFile,
    update: &mut IncrementalUpdate<'_>,
    drawing: &mut Drawing,
) -> Result<Placed, LayoutError> {
    let page = leader.page.unwrap_or(-1);
    let page_index = absolute_page(file, page)?;
    let empty_field = placement::signature_widgets(file)?.into_iter().find(|w| {
        !w.signed
            && placement::has_area(&w.rect)
            && (leader.page.is_none() || w.page == Some(page_index))
    });
    let (field_name, area) = if let Some(field) = empty_field {
        (Some(field.field), field.rect)
    } else if let Some(text) = &leader.anchor {
        let area = anchor::gap_below(file, page_index, text, MAX_LEADER_WIDTH)?;
        (None, area)
    } else if let Some(rect) = leader.rect {
        (None, rect)
    } else {
        return Err(LayoutError::NoPlace);
    };
    let rect = placement::fit_centred(area, leader.image.aspect());
    let mut form = Form::new(rect[2] - rect[0], rect[3] - rect[1]);
    drawing.image(&mut form, &leader.image, update)?;
    let appearance = drawing.add(form, update)?;
    Ok(Placed {
        field_name,
        widgets: vec![WidgetSpec {
            page: page_index as i64,
            rect,
            appearance,
        }],
    })
}

/// The seal over the left third of the leader's image, and the stamped number and date.
fn place_issuer(
    issuer: &IssuerLayout,
    personal: &placement::SignatureWidget,
    file: &PdfFile,
    update: &mut IncrementalUpdate<'_>,
    drawing: &mut Drawing,
) -> Result<Placed, LayoutError> {
    let leader = personal.rect;
    let width = issuer.seal_mm * PT_PER_MM;
    let height = width / issuer.seal.aspect();
    // The seal's right edge one third into the leader's image; centred on it vertically.
    let right = leader[0] + (leader[2] - leader[0]) * SEAL_OVERLAP;
    let middle = (leader[1] + leader[3]) / 2.0;
    let rect = [
        right - width,
        middle - height / 2.0,
        right,
        middle + height / 2.0,
    ];
    let mut form = Form::new(width, height);
    drawing.image(&mut form, &issuer.seal, update)?;
    let seal_page = match personal.page {
        Some(p) => p as i64,
        None => -1,
    };
    let mut widgets = vec![WidgetSpec {
        page: seal_page,
        rect,
        appearance: drawing.add(form, update)?,
    }];
    let stamp_page = absolute_page(file, issuer.stamp_page)?;
    for (stamp, oblique) in [(&issuer.number, false), (&issuer.date, true)] {
        let Some(stamp) = stamp else { continue };
        let (rect, size) = match &stamp.place {
            Placement::Rect(r) => (*r, STAMP_TEXT_SIZE),
            Placement::Anchor(text) => {
                anchor::blank_after(file, stamp_page, text, &stamp.text, drawing.face())?
            }
            Placement::Auto => {
                return Err(LayoutError::MissingOption {
                    profile: "issuer",
                    option: "a place for the number and date",
                });
            }
        };
        widgets.push(WidgetSpec {
            page: stamp_page as i64,
            rect,
            appearance: stamp_form(drawing, update, rect, &stamp.text, size, oblique)?,
        });
    }
    Ok(Placed {
        field_name: None,
        widgets,
    })
}

/// A stamped text on a white ground that covers the blank it fills in, shrunk to fit.
fn stamp_form(
    drawing: &mut Drawing,
    update: &mut IncrementalUpdate<'_>,
    rect: Rect,
    text: &str,
    size: f64,
    oblique: bool,
) -> Result<crate::pdf::ObjectId, LayoutError> {
    let (w, h) = (rect[2] - rect[0], rect[3] - rect[1]);
    let natural = drawing.face().text_width(text, size);
    let size = if natural > w - 2.0 && natural > 0.0 {
        size * (w - 2.0) / natural
    } else {
        size
    }
    .min(h * 0.8);
    let mut form = Form::new(w, h);
    form.white_ground();
    // Baseline placed so that the x-height sits in the middle of the box.
    let baseline = (h - size * 0.45) / 2.0;
    drawing.text(
        &mut form,
        &[TextLine {
            text: text.to_string(),
            x: 1.0,
            y: baseline,
            size,
            oblique,
        }],
    );
    drawing.add(form, update)
}

/// A framed box of 10 pt black lines at the top right of page 1.
fn place_box(
    lines: &[String],
    file: &PdfFile,
    update: &mut IncrementalUpdate<'_>,
    drawing: &mut Drawing,
) -> Result<Placed, LayoutError> {
    let page = file.page(0)?;
    let page_box = placement::page_box(file, &page.dict);
    let leading = BOX_TEXT_SIZE * 1.1;
    let text_width = lines
        .iter()
        .map(|l| drawing.face().text_width(l, BOX_TEXT_SIZE))
        .fold(0.0, f64::max);
    let width = text_width + 2.0 * BOX_PADDING;
    let height = leading * lines.len() as f64 + 2.0 * BOX_PADDING;
    let right = page_box[2] - BOX_MARGIN;
    let top = page_box[3] - BOX_MARGIN_TOP;
    let rect = [right - width, top - height, right, top];
    let mut form = Form::new(width, height);
    form.white_ground();
    form.frame(0.5);
    let text: Vec<TextLine> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| TextLine {
            text: line.clone(),
            x: BOX_PADDING,
            // First baseline one text size below the top padding.
            y: height - BOX_PADDING - BOX_TEXT_SIZE - leading * i as f64 + 1.5,
            size: BOX_TEXT_SIZE,
            oblique: false,
        })
        .collect();
    drawing.text(&mut form, &text);
    Ok(Placed {
        field_name: None,
        widgets: vec![WidgetSpec {
            page: 0,
            rect,
            appearance: drawing.add(form, update)?,
        }],
    })
}

/// A page index from 0-based-or-negative to 0-based.
fn absolute_page(file: &PdfFile, page: i64) -> Result<usize, LayoutError> {
    if page >= 0 {
        file.page(page)?;
        return Ok(usize::try_from(page).unwrap_or(usize::MAX));
    }
    let count = file.page_count()?;
    let back = usize::try_from(page.unsigned_abs()).unwrap_or(usize::MAX);
    count
        .checked_sub(back)
        .ok_or(LayoutError::Pdf(PdfError::PageOutOfRange {
            index: page,
            count,
        }))
}

/// The date `--date` gives, as the document shows it.
pub fn date_text(date: Date) -> String {
    vietnamese_date(date)
}
