//! Why the text of a page could not be read.
//!
//! Sorted by cause: the file could not be read (a [`PdfError`], the reader's time budget
//! included), the content is malformed beyond what readers tolerate, or it is hostile (a
//! [`ContentLimit`] was hit, or form XObjects draw each other in a loop).

use std::fmt;

use crate::message::{Explain, Message};

use super::super::error::PdfError;
use super::super::object::ObjectId;

/// Errors of page text extraction.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ContentError {
    /// Reading the file (objects, streams) failed, or its time budget ran out.
    #[error(transparent)]
    Pdf(#[from] PdfError),
    /// The content stream is malformed beyond what readers tolerate.
    #[error("malformed page content at byte {offset} of its content stream: {what}")]
    Syntax {
        /// Offset inside the (decoded, concatenated) content stream.
        offset: usize,
        /// What was wrong.
        what: &'static str,
    },
    /// A safety limit of the content interpreter was hit.
    #[error("page content exceeds a safety limit: {0}")]
    Limit(ContentLimit),
    /// A form XObject draws itself, directly or through others.
    #[error("form XObject {0} draws itself (a loop)")]
    XObjectLoop(ObjectId),
}

/// A bound of the content interpreter ([`super::limits`]); each names the one it enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContentLimit {
    /// Decoded content bytes of one page, its form XObjects included.
    ContentSize(usize),
    /// Operators executed for one page, its form XObjects included.
    Operators(usize),
    /// `q` nested deeper than this.
    GraphicsStateDepth(usize),
    /// Form XObjects nested deeper than this.
    XObjectDepth(usize),
    /// Operands waiting for one operator, or elements of one array operand.
    Operands(usize),
    /// Arrays and dictionaries nested inside one operand.
    OperandNesting(usize),
    /// Glyphs shown on one page.
    Glyphs(usize),
    /// Fonts loaded for one page.
    Fonts(usize),
    /// Entries of one CMap.
    CMapEntries(usize),
    /// Widths in one composite font's `/W`.
    FontWidths(usize),
    /// Syntax errors skipped in one content stream.
    SyntaxErrors(usize),
}

impl fmt::Display for ContentLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContentLimit::ContentSize(n) => write!(f, "page content larger than {n} bytes"),
            ContentLimit::Operators(n) => write!(f, "more than {n} operators on one page"),
            ContentLimit::GraphicsStateDepth(n) => {
                write!(f, "graphics states nested deeper than {n}")
            }
            ContentLimit::XObjectDepth(n) => write!(f, "form XObjects nested deeper than {n}"),
            ContentLimit::Operands(n) => write!(f, "more than {n} operands or array elements"),
            ContentLimit::OperandNesting(n) => write!(f, "operands nested deeper than {n}"),
            ContentLimit::Glyphs(n) => write!(f, "more than {n} glyphs on one page"),
            ContentLimit::Fonts(n) => write!(f, "more than {n} fonts on one page"),
            ContentLimit::CMapEntries(n) => write!(f, "a CMap with more than {n} entries"),
            ContentLimit::FontWidths(n) => write!(f, "a font with more than {n} widths"),
            ContentLimit::SyntaxErrors(n) => write!(f, "more than {n} syntax errors"),
        }
    }
}

impl ContentLimit {
    fn vietnamese(&self) -> String {
        match self {
            ContentLimit::ContentSize(n) => format!("nội dung trang lớn hơn {n} byte"),
            ContentLimit::Operators(n) => format!("hơn {n} toán tử trên một trang"),
            ContentLimit::GraphicsStateDepth(n) => {
                format!("trạng thái đồ họa lồng nhau sâu hơn {n} cấp")
            }
            ContentLimit::XObjectDepth(n) => format!("XObject lồng nhau sâu hơn {n} cấp"),
            ContentLimit::Operands(n) => format!("hơn {n} toán hạng hoặc phần tử mảng"),
            ContentLimit::OperandNesting(n) => format!("toán hạng lồng nhau sâu hơn {n} cấp"),
            ContentLimit::Glyphs(n) => format!("hơn {n} ký tự trên một trang"),
            ContentLimit::Fonts(n) => format!("hơn {n} phông chữ trên một trang"),
            ContentLimit::CMapEntries(n) => format!("bảng CMap có hơn {n} mục"),
            ContentLimit::FontWidths(n) => format!("phông chữ có hơn {n} độ rộng ký tự"),
            ContentLimit::SyntaxErrors(n) => format!("hơn {n} lỗi cú pháp"),
        }
    }
}

impl Explain for ContentError {
    fn message(&self) -> Message {
        match self {
            ContentError::Pdf(e) => e.message(),
            ContentError::Syntax { offset, what } => Message::new(
                "page-content-syntax",
                format!(
                    "Nội dung trang sai cú pháp tại byte {offset} của luồng nội dung ({what}); \
                     không đọc được chữ trên trang."
                ),
                format!(
                    "The page content has a syntax error at byte {offset} of its content stream \
                     ({what}); the page's text cannot be read."
                ),
            ),
            ContentError::Limit(limit) => Message::new(
                "page-content-limit",
                format!(
                    "Nội dung trang vượt giới hạn an toàn: {}; không đọc được chữ trên trang.",
                    limit.vietnamese()
                ),
                format!(
                    "The page content exceeds a safety limit: {limit}; the page's text cannot be \
                     read."
                ),
            ),
            ContentError::XObjectLoop(id) => Message::new(
                "page-content-loop",
                format!(
                    "Nội dung trang có vòng lặp: XObject {id} tự vẽ lại chính nó; không đọc được \
                     chữ trên trang."
                ),
                format!(
                    "The page content loops: XObject {id} draws itself; the page's text cannot \
                     be read."
                ),
            ),
        }
    }
}
