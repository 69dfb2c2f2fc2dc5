//! Why a PDF could not be read, or could not be updated.
//!
//! Variants are sorted by who is at fault: the input is not a PDF or is damaged, the input is
//! hostile (a limit was hit), the input uses something Kyso does not support yet, the document's
//! own rules forbid the change, or the caller misused the writer.

use std::fmt;

use crate::message::{Explain, Message};

use super::object::ObjectId;

/// Result of the PDF layer.
pub type Result<T, E = PdfError> = std::result::Result<T, E>;

/// Errors of the PDF layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// Reading the file failed. (A read refused because the time allowed has passed is not
    /// this: it becomes [`PdfError::LimitExceeded`] with [`Limit::Time`], see the `From` impl.)
    #[error("cannot read the file: {0}")]
    Io(std::io::Error),

    // ---- Not a PDF, or damaged -------------------------------------------------------------
    /// No `%PDF-` header in the first 1024 bytes.
    #[error("not a PDF file (no %PDF- header)")]
    NotPdf,
    /// The end of the file is missing: no `startxref` or no `%%EOF` near the end.
    #[error("truncated PDF: {0}")]
    Truncated(TruncatedReason),
    /// The cross-reference data does not describe the file. Kyso never repairs it: an update
    /// appended to a repaired file would point at a `/Prev` that other readers cannot follow.
    #[error("broken cross-reference data: {0}")]
    BrokenXref(XrefProblem),
    /// An object does not follow the PDF syntax (ISO 32000-1 §7.3).
    #[error("malformed PDF object at byte {offset}: {what}")]
    Syntax {
        /// Absolute byte offset where the problem was found.
        offset: u64,
        /// What was expected or found.
        what: &'static str,
    },
    /// The document structure (catalog, page tree, form) is not what ISO 32000-1 requires.
    #[error("malformed document structure: {0}")]
    Structure(StructureProblem),

    // ---- Hostile input ---------------------------------------------------------------------
    /// A safety limit was hit while reading. Real documents stay far below these limits.
    #[error("PDF exceeds a safety limit: {limit}{}", at_byte(*offset))]
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// Absolute byte offset of the object or stream being read, when there is one.
        offset: Option<u64>,
    },

    // ---- Unsupported -----------------------------------------------------------------------
    /// The document is encrypted (trailer `/Encrypt`); Kyso cannot sign those yet.
    #[error("the PDF is encrypted")]
    Encrypted,
    /// A stream uses a filter other than `/FlateDecode`.
    #[error("unsupported stream filter /{0}")]
    UnsupportedFilter(String),
    /// A predictor or predictor parameter that is not supported.
    #[error("unsupported stream predictor {0}")]
    UnsupportedPredictor(i64),

    // ---- The document forbids the change ---------------------------------------------------
    /// The document is certified (DocMDP) with P=1: no change, not even a signature, is allowed.
    #[error("the document is certified and allows no changes (DocMDP P=1)")]
    CertifiedNoChanges,
    /// The named signature field already holds a signature.
    #[error("signature field {0:?} is already signed")]
    FieldAlreadySigned(String),
    /// A field with the requested name exists but is not a signature field.
    #[error("field {0:?} is not a signature field")]
    FieldNotSignature(String),
    /// A new field's name is empty or contains a period, which separates the parts of a
    /// fully qualified name (ISO 32000-1 §12.7.3.2).
    #[error("{0:?} cannot be the name of a new field")]
    InvalidFieldName(String),
    /// The requested page does not exist.
    #[error("page index {index} is out of range (the document has {count} pages)")]
    PageOutOfRange {
        /// Index asked for (negative counts from the end).
        index: i64,
        /// Pages in the document.
        count: usize,
    },

    // ---- Caller misuse ---------------------------------------------------------------------
    /// The signature container does not fit in the reserved `/Contents`, or a ByteRange does not
    /// fit in its reserved text.
    #[error("{what} needs {needed} bytes but only {reserved} were reserved")]
    PlaceholderTooSmall {
        /// Which placeholder.
        what: &'static str,
        /// Bytes needed.
        needed: usize,
        /// Bytes reserved.
        reserved: usize,
    },
    /// The incremental update was used in a way that cannot produce a valid file.
    #[error("invalid incremental update: {0}")]
    InvalidUpdate(&'static str),
}

impl From<std::io::Error> for PdfError {
    /// An I/O error, except a [`DeadlinePassed`](super::source::DeadlinePassed) refusal, which
    /// is the time limit: hostile input made reading too long, not the disk.
    fn from(e: std::io::Error) -> Self {
        match e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<super::source::DeadlinePassed>())
        {
            Some(passed) => PdfError::LimitExceeded {
                limit: Limit::Time(passed.limit),
                offset: None,
            },
            None => PdfError::Io(e),
        }
    }
}

impl PdfError {
    /// Whether this is the time limit of a [`Deadline`](super::source::Deadline).
    pub fn is_time_limit(&self) -> bool {
        matches!(
            self,
            PdfError::LimitExceeded {
                limit: Limit::Time(_),
                ..
            }
        )
    }
}

/// ` at byte N`, or nothing.
fn at_byte(offset: Option<u64>) -> String {
    offset.map(|o| format!(" at byte {o}")).unwrap_or_default()
}

/// Why a file counts as truncated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TruncatedReason {
    /// No `startxref` keyword in the last 1024 bytes.
    NoStartxref,
    /// No `%%EOF` marker after the last `startxref`.
    NoEof,
    /// An object, table or stream runs past the end of the file.
    EndOfFile,
}

impl fmt::Display for TruncatedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.english())
    }
}

impl TruncatedReason {
    fn english(self) -> &'static str {
        match self {
            TruncatedReason::NoStartxref => "no startxref near the end of the file",
            TruncatedReason::NoEof => "no %%EOF after startxref",
            TruncatedReason::EndOfFile => "data runs past the end of the file",
        }
    }

    fn vietnamese(self) -> &'static str {
        match self {
            TruncatedReason::NoStartxref => "không có startxref ở cuối tệp",
            TruncatedReason::NoEof => "không có dấu kết thúc %%EOF sau startxref",
            TruncatedReason::EndOfFile => "dữ liệu vượt quá cuối tệp",
        }
    }
}

/// What is wrong with the cross-reference data.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum XrefProblem {
    /// `startxref` (or `/Prev`, or `/XRefStm`) points at something that is neither an `xref`
    /// table nor a cross-reference stream.
    NotAnXrefSection {
        /// The offset that was followed.
        offset: u64,
    },
    /// A classic `xref` table does not follow the syntax of ISO 32000-1 §7.5.4.
    BadTable {
        /// Offset of the table.
        offset: u64,
    },
    /// A cross-reference stream's dictionary or data is malformed (ISO 32000-1 §7.5.8).
    BadStream {
        /// Offset of the stream object.
        offset: u64,
    },
    /// An entry's offset does not hold `N G obj` for the object it names.
    WrongObjectAtOffset {
        /// The object the entry is for.
        id: ObjectId,
        /// The offset the entry gives.
        offset: u64,
    },
    /// An object stream does not hold the object the cross-reference data says it holds.
    BadObjectStream {
        /// The object stream's number.
        stream: u32,
        /// The object that was looked for.
        object: u32,
    },
    /// The `/Prev` chain returns to a section already read.
    PrevLoop {
        /// The offset seen twice.
        offset: u64,
    },
    /// The trailer has no `/Root`, or it does not lead to a catalog dictionary.
    NoCatalog,
}

impl fmt::Display for XrefProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english())
    }
}

impl XrefProblem {
    fn english(&self) -> String {
        match self {
            XrefProblem::NotAnXrefSection { offset } => {
                format!("no cross-reference section at byte {offset}")
            }
            XrefProblem::BadTable { offset } => {
                format!("malformed cross-reference table at byte {offset}")
            }
            XrefProblem::BadStream { offset } => {
                format!("malformed cross-reference stream at byte {offset}")
            }
            XrefProblem::WrongObjectAtOffset { id, offset } => {
                format!("object {id} is not at byte {offset} where the cross-reference says")
            }
            XrefProblem::BadObjectStream { stream, object } => {
                format!("object stream {stream} does not hold object {object}")
            }
            XrefProblem::PrevLoop { offset } => {
                format!("the /Prev chain loops back to byte {offset}")
            }
            XrefProblem::NoCatalog => "the trailer does not lead to a document catalog".into(),
        }
    }

    fn vietnamese(&self) -> String {
        match self {
            XrefProblem::NotAnXrefSection { offset } => {
                format!("không có bảng tham chiếu chéo tại byte {offset}")
            }
            XrefProblem::BadTable { offset } => {
                format!("bảng tham chiếu chéo tại byte {offset} sai cú pháp")
            }
            XrefProblem::BadStream { offset } => {
                format!("luồng tham chiếu chéo tại byte {offset} sai cú pháp")
            }
            XrefProblem::WrongObjectAtOffset { id, offset } => {
                format!("đối tượng {id} không nằm ở byte {offset} như bảng tham chiếu chéo ghi")
            }
            XrefProblem::BadObjectStream { stream, object } => {
                format!("luồng đối tượng {stream} không chứa đối tượng {object}")
            }
            XrefProblem::PrevLoop { offset } => {
                format!("chuỗi /Prev quay vòng lại byte {offset}")
            }
            XrefProblem::NoCatalog => {
                "phần trailer không dẫn tới danh mục tài liệu (catalog)".into()
            }
        }
    }
}

/// What is wrong with the document structure.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StructureProblem {
    /// The catalog has no usable `/Pages` tree.
    NoPageTree,
    /// The page tree loops, is too deep, or holds something that is not a page node.
    BadPageTree {
        /// The node where the problem was found.
        node: ObjectId,
    },
    /// An object has the wrong type where the standard requires a specific one.
    WrongType {
        /// Where: a key path such as `/AcroForm /Fields`.
        path: &'static str,
        /// What was expected there.
        expected: Expected,
    },
    /// A reference chain is longer than the limit or loops.
    ReferenceLoop {
        /// Where the chain started.
        id: ObjectId,
    },
    /// A stream's data does not end with `endstream` where `/Length` says.
    BadStreamLength {
        /// Offset of the stream's data.
        data_offset: u64,
    },
    /// A DocMDP `/P` value other than 1, 2 or 3.
    BadDocMdpPermission(i64),
}

impl fmt::Display for StructureProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english())
    }
}

impl StructureProblem {
    fn english(&self) -> String {
        match self {
            StructureProblem::NoPageTree => "the catalog has no page tree".into(),
            StructureProblem::BadPageTree { node } => {
                format!("the page tree is malformed at object {node}")
            }
            StructureProblem::WrongType { path, expected } => {
                format!("{path} should be {}", expected.english())
            }
            StructureProblem::ReferenceLoop { id } => {
                format!("references starting at object {id} loop or are too long")
            }
            StructureProblem::BadStreamLength { data_offset } => {
                format!("the stream whose data starts at byte {data_offset} has a wrong /Length")
            }
            StructureProblem::BadDocMdpPermission(p) => {
                format!("DocMDP permission /P {p} is not 1, 2 or 3")
            }
        }
    }

    fn vietnamese(&self) -> String {
        match self {
            StructureProblem::NoPageTree => "danh mục tài liệu không có cây trang".into(),
            StructureProblem::BadPageTree { node } => {
                format!("cây trang bị lỗi tại đối tượng {node}")
            }
            StructureProblem::WrongType { path, expected } => {
                format!("{path} phải là {}", expected.vietnamese())
            }
            StructureProblem::ReferenceLoop { id } => {
                format!("chuỗi tham chiếu bắt đầu từ đối tượng {id} quay vòng hoặc quá dài")
            }
            StructureProblem::BadStreamLength { data_offset } => {
                format!("luồng dữ liệu bắt đầu tại byte {data_offset} có /Length sai")
            }
            StructureProblem::BadDocMdpPermission(p) => {
                format!("quyền DocMDP /P {p} không phải 1, 2 hoặc 3")
            }
        }
    }
}

/// What kind of object the standard requires at a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expected {
    /// A dictionary.
    Dictionary,
    /// An array.
    Array,
    /// An indirect object (a reference), not a direct value.
    IndirectObject,
}

impl Expected {
    fn english(self) -> &'static str {
        match self {
            Expected::Dictionary => "a dictionary",
            Expected::Array => "an array",
            Expected::IndirectObject => "an indirect object",
        }
    }

    fn vietnamese(self) -> &'static str {
        match self {
            Expected::Dictionary => "một từ điển (dictionary)",
            Expected::Array => "một mảng (array)",
            Expected::IndirectObject => "một đối tượng gián tiếp (indirect object)",
        }
    }
}

/// A safety limit of the reader. Each names the bound it enforces, so a refusal says which one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// Arrays and dictionaries nested deeper than this.
    NestingDepth(usize),
    /// A string longer than this many bytes.
    StringLength(usize),
    /// An array with more elements than this.
    ArrayLength(usize),
    /// A dictionary with more entries than this.
    DictionaryLength(usize),
    /// An object made of more tokens than this.
    TokensPerObject(usize),
    /// An object (without stream data) larger than this many bytes.
    ObjectSize(usize),
    /// A stream whose decoded data would exceed this many bytes.
    DecodedSize(usize),
    /// A stream whose raw data exceeds this many bytes (for streams the reader loads).
    StreamSize(u64),
    /// More cross-reference sections than this in the `/Prev` chain.
    XrefSections(usize),
    /// More cross-reference entries than this.
    XrefEntries(usize),
    /// An object stream declaring more objects than this.
    ObjectStreamObjects(usize),
    /// References followed in a row (a reference to a reference …) beyond this.
    ReferenceDepth(usize),
    /// A page tree deeper than this.
    PageTreeDepth(usize),
    /// The time allowed for reading the file (a [`Deadline`](super::source::Deadline)).
    Time(std::time::Duration),
}

/// "2 giây", "1,5 giây", "500 ms": a time limit as a clerk reads it.
pub fn vietnamese_duration(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if ms >= 1000 && ms.is_multiple_of(1000) {
        format!("{} giây", ms / 1000)
    } else if ms >= 1000 {
        format!("{},{} giây", ms / 1000, (ms % 1000) / 100)
    } else {
        format!("{ms} ms")
    }
}

/// "2 seconds", "1.5 seconds", "500 ms".
pub fn english_duration(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if ms == 1000 {
        "1 second".into()
    } else if ms >= 1000 && ms.is_multiple_of(1000) {
        format!("{} seconds", ms / 1000)
    } else if ms >= 1000 {
        format!("{}.{} seconds", ms / 1000, (ms % 1000) / 100)
    } else {
        format!("{ms} ms")
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::NestingDepth(n) => write!(f, "nesting deeper than {n}"),
            Limit::StringLength(n) => write!(f, "string longer than {n} bytes"),
            Limit::ArrayLength(n) => write!(f, "array with more than {n} elements"),
            Limit::DictionaryLength(n) => write!(f, "dictionary with more than {n} entries"),
            Limit::TokensPerObject(n) => write!(f, "object with more than {n} tokens"),
            Limit::ObjectSize(n) => write!(f, "object larger than {n} bytes"),
            Limit::DecodedSize(n) => write!(f, "decoded stream larger than {n} bytes"),
            Limit::StreamSize(n) => write!(f, "stream larger than {n} bytes"),
            Limit::XrefSections(n) => write!(f, "more than {n} cross-reference sections"),
            Limit::XrefEntries(n) => write!(f, "more than {n} cross-reference entries"),
            Limit::ObjectStreamObjects(n) => write!(f, "object stream with more than {n} objects"),
            Limit::ReferenceDepth(n) => write!(f, "more than {n} references in a chain"),
            Limit::PageTreeDepth(n) => write!(f, "page tree deeper than {n} levels"),
            Limit::Time(d) => write!(f, "checking took longer than {}", english_duration(*d)),
        }
    }
}

impl Limit {
    fn vietnamese(&self) -> String {
        match self {
            Limit::NestingDepth(n) => format!("lồng nhau sâu hơn {n} cấp"),
            Limit::StringLength(n) => format!("chuỗi dài hơn {n} byte"),
            Limit::ArrayLength(n) => format!("mảng có hơn {n} phần tử"),
            Limit::DictionaryLength(n) => format!("từ điển có hơn {n} mục"),
            Limit::TokensPerObject(n) => format!("đối tượng có hơn {n} từ tố"),
            Limit::ObjectSize(n) => format!("đối tượng lớn hơn {n} byte"),
            Limit::DecodedSize(n) => format!("luồng giải nén lớn hơn {n} byte"),
            Limit::StreamSize(n) => format!("luồng lớn hơn {n} byte"),
            Limit::XrefSections(n) => format!("hơn {n} phần tham chiếu chéo"),
            Limit::XrefEntries(n) => format!("hơn {n} mục tham chiếu chéo"),
            Limit::ObjectStreamObjects(n) => format!("luồng đối tượng chứa hơn {n} đối tượng"),
            Limit::ReferenceDepth(n) => format!("chuỗi hơn {n} tham chiếu liên tiếp"),
            Limit::PageTreeDepth(n) => format!("cây trang sâu hơn {n} cấp"),
            Limit::Time(d) => format!("kiểm tra lâu hơn {}", vietnamese_duration(*d)),
        }
    }
}

impl Explain for PdfError {
    fn message(&self) -> Message {
        match self {
            PdfError::Io(e) => Message::new(
                "io-error",
                format!("Không đọc được tệp: {e}"),
                format!("Cannot read the file: {e}"),
            ),
            PdfError::NotPdf => Message::new(
                "not-pdf",
                "Tệp này không phải là tài liệu PDF.",
                "This file is not a PDF document.",
            ),
            PdfError::Truncated(reason) => Message::new(
                "truncated",
                format!(
                    "Tệp PDF bị cắt cụt hoặc chưa ghi xong ({}).",
                    reason.vietnamese()
                ),
                format!(
                    "The PDF file is truncated or incomplete ({}).",
                    reason.english()
                ),
            ),
            PdfError::BrokenXref(problem) => Message::new(
                "broken-xref",
                format!(
                    "Cấu trúc tham chiếu chéo của tệp PDF bị hỏng ({}). Kyso không tự sửa tệp; \
                     hãy mở và lưu lại tệp bằng phần mềm soạn thảo rồi ký lại.",
                    problem.vietnamese()
                ),
                format!(
                    "The PDF's cross-reference data is broken ({}). Kyso does not repair files; \
                     open and save the file again with its editor, then sign it.",
                    problem.english()
                ),
            ),
            PdfError::Syntax { offset, what } => Message::new(
                "pdf-syntax",
                format!("Tệp PDF sai cú pháp tại byte {offset} ({what})."),
                format!("The PDF has a syntax error at byte {offset} ({what})."),
            ),
            PdfError::Structure(problem) => Message::new(
                "pdf-structure",
                format!("Cấu trúc tài liệu PDF bị lỗi: {}.", problem.vietnamese()),
                format!(
                    "The PDF document structure is malformed: {}.",
                    problem.english()
                ),
            ),
            PdfError::LimitExceeded { limit, offset } => Message::new(
                "pdf-limit",
                format!(
                    "Tệp PDF vượt giới hạn an toàn{}: {}.",
                    offset.map(|o| format!(" tại byte {o}")).unwrap_or_default(),
                    limit.vietnamese()
                ),
                format!(
                    "The PDF exceeds a safety limit{}: {limit}.",
                    at_byte(*offset)
                ),
            ),
            PdfError::Encrypted => Message::new(
                "encrypted",
                "Tệp PDF được mã hóa bằng mật khẩu; Kyso chưa ký được tệp mã hóa. \
                 Hãy gỡ mật khẩu rồi ký lại.",
                "The PDF is password-encrypted; Kyso cannot sign encrypted files yet. \
                 Remove the password, then sign again.",
            ),
            PdfError::UnsupportedFilter(name) => Message::new(
                "unsupported-filter",
                format!("Tệp PDF dùng bộ lọc nén /{name} mà Kyso chưa hỗ trợ."),
                format!("The PDF uses the stream filter /{name}, which Kyso does not support yet."),
            ),
            PdfError::UnsupportedPredictor(p) => Message::new(
                "unsupported-filter",
                format!("Tệp PDF dùng bộ dự đoán (predictor) {p} mà Kyso chưa hỗ trợ."),
                format!("The PDF uses stream predictor {p}, which Kyso does not support yet."),
            ),
            PdfError::CertifiedNoChanges => Message::new(
                "certified-no-changes",
                "Tài liệu đã được chứng thực và không cho phép bất kỳ thay đổi nào, \
                 kể cả thêm chữ ký (DocMDP P=1).",
                "The document is certified and allows no changes at all, \
                 not even another signature (DocMDP P=1).",
            ),
            PdfError::FieldAlreadySigned(name) => Message::new(
                "field-already-signed",
                format!("Ô chữ ký “{name}” đã được ký."),
                format!("The signature field “{name}” is already signed."),
            ),
            PdfError::FieldNotSignature(name) => Message::new(
                "field-not-signature",
                format!("Trường “{name}” không phải là ô chữ ký."),
                format!("The field “{name}” is not a signature field."),
            ),
            PdfError::InvalidFieldName(name) => Message::new(
                "invalid-field-name",
                format!(
                    "Không tạo được ô chữ ký tên “{name}”: tên phải khác rỗng và không chứa \
                     dấu chấm, trừ khi đó là tên đầy đủ của một ô đã có trong tài liệu."
                ),
                format!(
                    "Cannot create a signature field named “{name}”: the name must not be empty \
                     or contain a period, unless it is the full name of a field the document has."
                ),
            ),
            PdfError::PageOutOfRange { index, count } => {
                // People count pages from 1; a negative index counts from the last page.
                let (vi, en) = if *index >= 0 {
                    let n = index.saturating_add(1);
                    (format!("trang {n}"), format!("page {n}"))
                } else {
                    let n = index.unsigned_abs();
                    (
                        format!("trang thứ {n} tính từ cuối"),
                        format!("page {n} from the end"),
                    )
                };
                Message::new(
                    "page-out-of-range",
                    format!("Không có {vi}; tài liệu có {count} trang."),
                    format!("There is no {en}; the document has {count} pages."),
                )
            }
            PdfError::PlaceholderTooSmall {
                what,
                needed,
                reserved,
            } => Message::new(
                "placeholder-too-small",
                format!("Chỗ dành sẵn cho {what} cần {needed} byte nhưng chỉ có {reserved} byte."),
                format!(
                    "The {what} placeholder needs {needed} bytes but only {reserved} are reserved."
                ),
            ),
            PdfError::InvalidUpdate(what) => Message::new(
                "internal-error",
                format!("Lỗi nội bộ khi tạo bản cập nhật PDF: {what}."),
                format!("Internal error while building the PDF update: {what}."),
            ),
        }
    }
}
