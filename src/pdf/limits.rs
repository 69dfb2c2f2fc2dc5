//! Bounds on what the reader accepts, so hostile input costs bounded time and memory.
//!
//! Every bound sits far above what real documents use; hitting one gives
//! [`PdfError::LimitExceeded`](super::PdfError::LimitExceeded) naming it.

/// Arrays and dictionaries nested inside each other.
pub const MAX_NESTING: usize = 64;
/// Bytes of one string (a CMS in `/Contents` is tens of KiB; embedded data is rarely a string).
pub const MAX_STRING_LEN: usize = 16 << 20;
/// Elements of one array (`/Kids`, `/Widths`, `/Nums`).
pub const MAX_ARRAY_LEN: usize = 1 << 20;
/// Entries of one dictionary.
pub const MAX_DICT_LEN: usize = 1 << 17;
/// Tokens making up one object.
pub const MAX_TOKENS_PER_OBJECT: usize = 2 << 20;
/// Bytes of one object without its stream data; the read window grows up to this.
pub const MAX_OBJECT_SIZE: usize = 32 << 20;
/// Bytes of one classic cross-reference table with its trailer.
pub const MAX_XREF_TABLE_SIZE: usize = 96 << 20;
/// Cross-reference sections in a `/Prev` chain.
pub const MAX_XREF_SECTIONS: usize = 4096;
/// Entries in the merged cross-reference table, and in one section.
pub const MAX_XREF_ENTRIES: usize = 4 << 20;
/// Decoded bytes of one stream that the reader loads (xref streams, object streams, small
/// streams asked for through `stream_data`).
pub const MAX_DECODED_SIZE: usize = 64 << 20;
/// Raw bytes of one stream that the reader loads.
pub const MAX_RAW_STREAM_SIZE: u64 = 64 << 20;
/// Objects declared by one object stream (`/N`).
pub const MAX_OBJECT_STREAM_OBJECTS: usize = 1 << 20;
/// References followed in a row when resolving.
pub const MAX_REFERENCE_DEPTH: usize = 32;
/// Depth of the page tree.
pub const MAX_PAGE_TREE_DEPTH: usize = 64;
/// Depth of the form field tree (`/Kids`).
pub const MAX_FIELD_TREE_DEPTH: usize = 32;
/// Whitespace tolerated between an xref offset and the `N G obj` it points at.
///
/// Tolerance: some writers count offsets from the end-of-line before the object rather than the
/// object itself. A few bytes of whitespace are accepted; anything else is a broken xref.
pub const MAX_LEADING_WHITESPACE: usize = 16;
/// How far from the end of the file `startxref` is searched for.
pub const TAIL_SEARCH: usize = 1024;
/// How far from the start of the file `%PDF-` is searched for.
pub const HEADER_SEARCH: usize = 1024;
