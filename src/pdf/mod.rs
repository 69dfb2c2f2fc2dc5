//! The PDF layer: a lazy, bounded, offset-aware reader and an incremental-update writer.
//!
//! Why hand-written rather than `lopdf`: lopdf loads every object eagerly (a 100 MB PDF takes
//! about 200 MB of memory, where Kyso's target is signing 100 MB within 64 MB), keeps no byte
//! offsets, and repairs broken cross-reference data silently. Kyso needs a reader that
//! - reads objects on demand through positioned reads ([`source`]), never the whole file;
//! - bounds every allocation and recursion against hostile input ([`limits`]);
//! - knows where things are: object offsets, the byte spans of dictionary entries, every
//!   cross-reference section with its kind and trailer (for ByteRange checks and revision
//!   splitting in the validator);
//! - refuses damaged files with a reason instead of repairing them: an update appended to a
//!   repaired file would carry a `/Prev` other readers cannot follow.
//!
//! Modules, reading side: [`source`] (bytes), `lexer` and [`parser`] (ISO 32000-1 §7.2–7.3),
//! [`object`], `filter` (§7.4), [`xref`] (§7.5), [`document`] (the open file, catalog, pages,
//! DocMDP). Writing side: [`writer`] (serialization), [`update`] (incremental updates with a
//! signature placeholder), [`sigfield`] (signature field, widget and AcroForm). [`text`] holds
//! text strings and dates. Text that people read: [`font`] (embedded subsets of the shipped
//! Vietnamese-capable font) and [`compose`] (small A4 documents: notices and reports).

pub mod compose;
pub mod content;
pub mod document;
pub mod error;
pub(crate) mod filter;
#[doc(hidden)]
pub mod fixtures;
pub mod font;
pub mod image;
pub(crate) mod lexer;
pub mod limits;
pub mod object;
pub mod parser;
pub mod sigfield;
pub mod source;
pub mod text;
pub mod update;
pub mod writer;
pub mod xref;

#[cfg(test)]
mod tests;

pub use document::{Page, PdfFile};
pub use error::{Expected, Limit, PdfError, StructureProblem, TruncatedReason, XrefProblem};
pub use object::{Dictionary, Object, ObjectId, PdfString, Stream};
pub use parser::{EntrySpan, ParsedObject};
pub use sigfield::{
    NewStream, PreparedSignature, SignatureFieldSpec, SignatureKind, SignatureValues, WidgetSpec,
    prepare_signature, prepare_signature_field, prepare_signature_with_widgets,
};
pub use source::Source;
pub use text::{decode_text_string, pdf_date, pdf_text_string};
pub use update::{FinishedUpdate, IncrementalUpdate, SignaturePlaceholder, byte_range_text};
pub use writer::serialize;
pub use xref::{SectionContents, XrefEntry, XrefKind, XrefSection};
