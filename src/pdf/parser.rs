//! PDF objects from tokens (ISO 32000-1 §7.3), bounded in depth, size and token count.
//!
//! Besides the object, the parser reports the byte span of each top-level dictionary entry of an
//! indirect object, so a validator can check that a signature's ByteRange gap is exactly the
//! `/Contents` string of that dictionary.

use std::ops::Range;

use super::error::{Limit, PdfError};
use super::lexer::{LexError, Lexer, Spanned, Token};
use super::limits::{
    MAX_ARRAY_LEN, MAX_DICT_LEN, MAX_LEADING_WHITESPACE, MAX_NESTING, MAX_TOKENS_PER_OBJECT,
};
use super::object::{Dictionary, Object, ObjectId};
use super::source::Source;

/// Where one top-level entry of an indirect object's dictionary lies in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrySpan {
    /// The key (name bytes without `/`).
    pub key: Vec<u8>,
    /// Absolute byte range of the key token `/Key`.
    pub key_span: Range<u64>,
    /// Absolute byte range of the value, from its first to its last byte (for a string: the
    /// delimiters `(`…`)` or `<`…`>` included).
    pub value_span: Range<u64>,
}

/// An indirect object as parsed at an offset of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedObject {
    /// The id from the object's `N G obj` header.
    pub id: ObjectId,
    /// The value. A stream's `data_len` is its resolved `/Length`.
    pub object: Object,
    /// Absolute range from the object number to the end of `endobj` (or of the value, when a
    /// writer left `endobj` out; for streams, of `endstream`).
    pub span: Range<u64>,
    /// Top-level entries of the object's dictionary (or stream dictionary), in file order.
    /// Unlike the [`Dictionary`], this lists duplicate keys: a finding for a validator.
    pub entries: Vec<EntrySpan>,
}

/// An indirect object before its stream `/Length` is resolved.
#[derive(Debug)]
pub(crate) struct RawIndirect {
    pub id: ObjectId,
    pub value: Object,
    /// Absolute offset of the object number.
    pub start: u64,
    /// Absolute end of `endobj` or of the value.
    pub end: u64,
    pub entries: Vec<EntrySpan>,
    /// For a stream: absolute offset of the first data byte.
    pub stream_data: Option<u64>,
}

/// A recursive-descent parser over a lexer.
pub(crate) struct Parser<'a> {
    lexer: Lexer<'a>,
    tokens: usize,
}

impl<'a> Parser<'a> {
    pub fn new(lexer: Lexer<'a>) -> Self {
        Parser { lexer, tokens: 0 }
    }

    fn token(&mut self) -> Result<Option<Spanned<Token<'a>>>, LexError> {
        let token = self.lexer.next_token()?;
        self.tokens += 1;
        if self.tokens > MAX_TOKENS_PER_OBJECT {
            let pos = self.lexer.pos();
            return Err(LexError::Pdf(PdfError::LimitExceeded {
                limit: Limit::TokensPerObject(MAX_TOKENS_PER_OBJECT),
                offset: Some(self.lexer.absolute(pos)),
            }));
        }
        Ok(token)
    }

    fn expect_token(&mut self, what: &'static str) -> Result<Spanned<Token<'a>>, LexError> {
        let pos = self.lexer.pos();
        self.token()?.ok_or_else(|| self.lexer.syntax(pos, what))
    }

    /// Parses one value; the span is relative to the window.
    pub fn value(&mut self) -> Result<Spanned<Object>, LexError> {
        let first = self.expect_token("expected a value")?;
        self.value_from(first, 0, None)
    }

    /// Parses a value whose first token is already read. When `entries` is given and the value
    /// is a dictionary, its top-level entry spans are recorded there.
    fn value_from(
        &mut self,
        first: Spanned<Token<'a>>,
        depth: usize,
        entries: Option<&mut Vec<EntrySpan>>,
    ) -> Result<Spanned<Object>, LexError> {
        let start = first.span.start;
        let object = match first.value {
            Token::Integer(number) => {
                if let Some(id) = self.reference_after(number)? {
                    Object::Reference(id)
                } else {
                    Object::Integer(number)
                }
            }
            Token::Real(r) => Object::Real(r),
            Token::Name(n) => Object::Name(n),
            Token::String(s) => Object::String(s),
            Token::ArrayOpen => Object::Array(self.array_body(start, depth + 1)?),
            Token::DictOpen => Object::Dictionary(self.dict_body(start, depth + 1, entries)?),
            Token::Keyword(b"true") => Object::Boolean(true),
            Token::Keyword(b"false") => Object::Boolean(false),
            Token::Keyword(b"null") => Object::Null,
            Token::ArrayClose | Token::DictClose => {
                return Err(self.lexer.syntax(start, "unexpected closing bracket"));
            }
            Token::Keyword(_) => return Err(self.lexer.syntax(start, "unexpected keyword")),
        };
        let end = self.lexer.pos();
        Ok(Spanned {
            value: object,
            span: start..end,
        })
    }

    /// After an integer: `G R` makes it a reference. Restores the position otherwise.
    fn reference_after(&mut self, number: i64) -> Result<Option<ObjectId>, LexError> {
        let saved = self.lexer.pos();
        let Ok(number) = u32::try_from(number) else {
            return Ok(None);
        };
        let generation = match self.lexer.next_token()? {
            Some(Spanned {
                value: Token::Integer(g),
                ..
            }) => g,
            _ => {
                self.lexer.set_pos(saved);
                return Ok(None);
            }
        };
        let is_r = matches!(
            self.lexer.next_token()?,
            Some(Spanned {
                value: Token::Keyword(b"R"),
                ..
            })
        );
        match u16::try_from(generation) {
            Ok(generation) if is_r => {
                self.tokens += 2;
                Ok(Some(ObjectId::new(number, generation)))
            }
            _ => {
                self.lexer.set_pos(saved);
                Ok(None)
            }
        }
    }

    fn check_depth(&self, start: usize, depth: usize) -> Result<(), LexError> {
        if depth > MAX_NESTING {
            return Err(LexError::Pdf(PdfError::LimitExceeded {
                limit: Limit::NestingDepth(MAX_NESTING),
                offset: Some(self.lexer.absolute(start)),
            }));
        }
        Ok(())
    }

    fn array_body(&mut self, start: usize, depth: usize) -> Result<Vec<Object>, LexError> {
        self.check_depth(start, depth)?;
        let mut items = Vec::new();
        loop {
            let token = self.expect_token("unterminated array")?;
            if token.value == Token::ArrayClose {
                return Ok(items);
            }
            if items.len() >= MAX_ARRAY_LEN {
                return Err(LexError::Pdf(PdfError::LimitExceeded {
                    limit: Limit::ArrayLength(MAX_ARRAY_LEN),
                    offset: Some(self.lexer.absolute(start)),
                }));
            }
            items.push(self.value_from(token, depth, None)?.value);
        }
    }

    fn dict_body(
        &mut self,
        start: usize,
        depth: usize,
        mut spans: Option<&mut Vec<EntrySpan>>,
    ) -> Result<Dictionary, LexError> {
        self.check_depth(start, depth)?;
        let mut entries: Vec<(Vec<u8>, Object)> = Vec::new();
        loop {
            let token = self.expect_token("unterminated dictionary")?;
            let key_span = token.span.clone();
            let key = match token.value {
                Token::DictClose => break,
                Token::Name(key) => key,
                _ => {
                    return Err(self
                        .lexer
                        .syntax(key_span.start, "dictionary key is not a name"));
                }
            };
            if entries.len() >= MAX_DICT_LEN {
                return Err(LexError::Pdf(PdfError::LimitExceeded {
                    limit: Limit::DictionaryLength(MAX_DICT_LEN),
                    offset: Some(self.lexer.absolute(start)),
                }));
            }
            let first = self.expect_token("dictionary key without a value")?;
            if first.value == Token::DictClose {
                return Err(self
                    .lexer
                    .syntax(first.span.start, "dictionary key without a value"));
            }
            let value = self.value_from(first, depth, None)?;
            if let Some(spans) = spans.as_deref_mut() {
                spans.push(EntrySpan {
                    key: key.clone(),
                    key_span: self.lexer.absolute(key_span.start)
                        ..self.lexer.absolute(key_span.end),
                    value_span: self.lexer.absolute(value.span.start)
                        ..self.lexer.absolute(value.span.end),
                });
            }
            entries.push((key, value.value));
        }
        Ok(dedup_keys(entries))
    }
}

/// Keeps the last value of a duplicated key, at the first key's position. ISO 32000-1 leaves
/// duplicates undefined; readers differ, which is why the entry spans keep every duplicate.
fn dedup_keys(entries: Vec<(Vec<u8>, Object)>) -> Dictionary {
    // Small dictionaries: a quadratic scan is cheaper than hashing.
    if entries.len() <= 32 {
        let mut out: Vec<(Vec<u8>, Object)> = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => out.push((key, value)),
            }
        }
        return Dictionary::from_entries_unchecked(out);
    }
    let mut index: std::collections::HashMap<Vec<u8>, usize> =
        std::collections::HashMap::with_capacity(entries.len());
    let mut out: Vec<(Vec<u8>, Object)> = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        match index.get(&key) {
            Some(&i) => out[i].1 = value,
            None => {
                index.insert(key.clone(), out.len());
                out.push((key, value));
            }
        }
    }
    Dictionary::from_entries_unchecked(out)
}

/// Parses `N G obj value [stream …] [endobj]` at the start of the lexer's window.
///
/// The object number must start within [`MAX_LEADING_WHITESPACE`] bytes of the window start.
/// For a stream, only the dictionary and the data offset are read: the data may be far larger
/// than any window.
pub(crate) fn parse_indirect(lexer: Lexer<'_>) -> Result<RawIndirect, LexError> {
    let mut parser = Parser::new(lexer);
    let header_start = parser.lexer.pos();
    let (id, start) = parse_object_header(&mut parser)?;
    if start - header_start > MAX_LEADING_WHITESPACE {
        return Err(parser
            .lexer
            .syntax(start, "object header too far from its offset"));
    }
    let first = parser.expect_token("object without a value")?;
    let mut entries = Vec::new();
    let value = parser.value_from(first, 0, Some(&mut entries))?;
    let mut end = value.span.end;
    let mut stream_data = None;
    let after_value = parser.lexer.pos();
    match parser.lexer.next_token() {
        Ok(Some(Spanned {
            value: Token::Keyword(b"endobj"),
            span,
        })) => end = span.end,
        Ok(Some(Spanned {
            value: Token::Keyword(b"stream"),
            span,
        })) => {
            if !matches!(value.value, Object::Dictionary(_)) {
                return Err(parser
                    .lexer
                    .syntax(span.start, "stream without a dictionary"));
            }
            let buf = parser.lexer.buf();
            // The keyword is followed by CRLF or LF (§7.3.8.1). Tolerance: a lone CR, which
            // some writers emit, is accepted too; /Length then decides where data ends.
            let data = match (buf.get(span.end), buf.get(span.end + 1)) {
                (Some(b'\r'), Some(b'\n')) => span.end + 2,
                (Some(b'\n'), _) => span.end + 1,
                (Some(b'\r'), Some(_)) => span.end + 1,
                (Some(b'\r'), None) | (None, _) if !parser.lexer.at_end() => {
                    return Err(LexError::NeedMore);
                }
                _ => return Err(parser.lexer.syntax(span.end, "no end-of-line after stream")),
            };
            stream_data = Some(parser.lexer.absolute(data));
            end = data;
        }
        // Tolerance: `endobj` missing (common in hand-edited files). The value is complete,
        // so it is kept; the span then ends at the value.
        Ok(_) => parser.lexer.set_pos(after_value),
        Err(LexError::NeedMore) => return Err(LexError::NeedMore),
        Err(LexError::Pdf(_)) => parser.lexer.set_pos(after_value),
    }
    Ok(RawIndirect {
        id,
        value: value.value,
        start: parser.lexer.absolute(start),
        end: parser.lexer.absolute(end),
        entries,
        stream_data,
    })
}

/// Reads `N G obj`; returns the id and the window position of `N`.
pub(crate) fn parse_object_header(parser: &mut Parser<'_>) -> Result<(ObjectId, usize), LexError> {
    let number = parser.expect_token("expected an object number")?;
    let generation = parser.expect_token("expected a generation number")?;
    let keyword = parser.expect_token("expected 'obj'")?;
    let start = number.span.start;
    match (number.value, generation.value, keyword.value) {
        (Token::Integer(n), Token::Integer(g), Token::Keyword(b"obj")) => {
            match (u32::try_from(n), u16::try_from(g)) {
                (Ok(n), Ok(g)) => Ok((ObjectId::new(n, g), start)),
                _ => Err(parser.lexer.syntax(start, "object number out of range")),
            }
        }
        _ => Err(parser.lexer.syntax(start, "expected 'N G obj'")),
    }
}

/// Parses a single value from a complete buffer (an object inside an object stream).
pub(crate) fn parse_bare_value(buf: &[u8], base: u64) -> Result<Object, PdfError> {
    let mut parser = Parser::new(Lexer::new(buf, base, true));
    match parser.value() {
        Ok(v) => Ok(v.value),
        Err(LexError::Pdf(e)) => Err(e),
        // The buffer is complete, so the lexer never asks for more; keep a typed error anyway.
        Err(LexError::NeedMore) => Err(PdfError::Syntax {
            offset: base,
            what: "object cut short",
        }),
    }
}

/// Runs `parse` over a window at `offset`, growing the window (×4 from `initial`) while the
/// parser needs more data, up to `max` bytes.
pub(crate) fn parse_at<T>(
    source: &Source,
    offset: u64,
    initial: usize,
    max: usize,
    mut parse: impl FnMut(Lexer<'_>) -> Result<T, LexError>,
) -> Result<T, PdfError> {
    let mut size = initial.min(max);
    loop {
        let window = source.window(offset, size)?;
        match parse(Lexer::new(&window.bytes, window.offset, window.at_end)) {
            Ok(value) => return Ok(value),
            Err(LexError::Pdf(e)) => return Err(e),
            Err(LexError::NeedMore) if size < max => size = size.saturating_mul(4).min(max),
            Err(LexError::NeedMore) => {
                return Err(PdfError::LimitExceeded {
                    limit: Limit::ObjectSize(max),
                    offset: Some(offset),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::object::PdfString;

    fn value(input: &[u8]) -> Result<Object, LexError> {
        Parser::new(Lexer::new(input, 0, true))
            .value()
            .map(|v| v.value)
    }

    #[test]
    fn nested_values_and_references() {
        let object = value(b"<< /Type /Page /Kids [1 0 R 2 5 R 3] /N null /B true /S (x) >>")
            .expect("parses");
        let dict = object.as_dict().expect("dict");
        assert_eq!(dict.get_name(b"Type"), Some(&b"Page"[..]));
        assert_eq!(
            dict.get(b"Kids"),
            Some(&Object::Array(vec![
                Object::Reference(ObjectId::new(1, 0)),
                Object::Reference(ObjectId::new(2, 5)),
                Object::Integer(3),
            ]))
        );
        assert_eq!(dict.get(b"N"), Some(&Object::Null));
        assert_eq!(dict.get(b"B"), Some(&Object::Boolean(true)));
        assert_eq!(
            dict.get(b"S"),
            Some(&Object::String(PdfString::literal(b"x".to_vec())))
        );
        // "1 2" without R stays two integers.
        assert_eq!(
            value(b"[1 2]").expect("parses"),
            Object::Array(vec![Object::Integer(1), Object::Integer(2)])
        );
    }

    #[test]
    fn duplicate_keys_keep_last_value() {
        let object = value(b"<< /A 1 /B 2 /A 3 >>").expect("parses");
        let dict = object.as_dict().expect("dict");
        assert_eq!(dict.len(), 2);
        assert_eq!(dict.get_integer(b"A"), Some(3));
    }

    #[test]
    fn indirect_object_with_entry_spans() {
        let input = b"  7 0 obj\n<< /Type /Sig /Contents <0000> /ByteRange [0 1 2 3] >>\nendobj\n";
        let raw = parse_indirect(Lexer::new(input, 1000, true)).expect("parses");
        assert_eq!(raw.id, ObjectId::new(7, 0));
        assert_eq!(raw.start, 1002);
        assert_eq!(raw.end, 1000 + input.len() as u64 - 1);
        let contents = raw
            .entries
            .iter()
            .find(|e| e.key == b"Contents")
            .expect("entry");
        let start = (contents.value_span.start - 1000) as usize;
        let end = (contents.value_span.end - 1000) as usize;
        assert_eq!(&input[start..end], b"<0000>");
        assert_eq!(raw.entries.len(), 3);
    }

    #[test]
    fn stream_data_offset() {
        let input = b"3 0 obj << /Length 5 >> stream\r\nhello\nendstream endobj";
        let raw = parse_indirect(Lexer::new(input, 0, true)).expect("parses");
        assert_eq!(raw.stream_data, Some(32));
        assert_eq!(&input[32..37], b"hello");
        let cut = &input[..30];
        assert!(matches!(
            parse_indirect(Lexer::new(cut, 0, false)),
            Err(LexError::NeedMore)
        ));
    }

    #[test]
    fn deep_nesting_is_refused_without_stack_overflow() {
        let mut input = vec![b'['; 100_000];
        input.extend(vec![b']'; 100_000]);
        assert!(matches!(
            value(&input),
            Err(LexError::Pdf(PdfError::LimitExceeded {
                limit: Limit::NestingDepth(MAX_NESTING),
                ..
            }))
        ));
        let mut input = b"<< /A ".repeat(100_000);
        input.extend(b"1");
        assert!(matches!(
            value(&input),
            Err(LexError::Pdf(PdfError::LimitExceeded {
                limit: Limit::NestingDepth(_),
                ..
            }))
        ));
    }

    #[test]
    fn too_many_tokens_are_refused() {
        let mut input = b"[".to_vec();
        for _ in 0..(MAX_ARRAY_LEN + 1) {
            input.extend_from_slice(b"0 ");
        }
        input.push(b']');
        assert!(matches!(
            value(&input),
            Err(LexError::Pdf(PdfError::LimitExceeded { .. }))
        ));
    }

    #[test]
    fn syntax_errors_name_the_offset() {
        assert!(matches!(
            value(b"<< /A >>"),
            Err(LexError::Pdf(PdfError::Syntax { offset: 6, .. }))
        ));
        assert!(matches!(
            value(b"<< 1 2 >>"),
            Err(LexError::Pdf(PdfError::Syntax { .. }))
        ));
        assert!(matches!(
            value(b"[1 2"),
            Err(LexError::Pdf(PdfError::Syntax { .. }))
        ));
    }
}
