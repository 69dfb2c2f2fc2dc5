//! Content stream syntax (ISO 32000-1 §7.8.2): operands followed by an operator, with inline
//! images (§8.9.7) skipped.
//!
//! Tokens come from the reader's own lexer. Operands are built here rather than by the object
//! parser because content streams differ from object syntax: no indirect references (so
//! `0 0 R` is not one), operators are bare keywords, and inline image data is binary.

use super::super::error::PdfError;
use super::super::lexer::{LexError, Lexer, Spanned, Token};
use super::super::object::{Dictionary, Object};
use super::error::{ContentError, ContentLimit};
use super::limits::{MAX_OPERAND_NESTING, MAX_OPERANDS, MAX_SYNTAX_ERRORS};

/// One operation: an operator and the operands before it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Operation<'a> {
    pub operator: &'a [u8],
    pub operands: Vec<Object>,
}

/// The operations of one content stream, in order.
pub(super) struct Operations<'a> {
    lexer: Lexer<'a>,
    errors: usize,
}

impl<'a> Operations<'a> {
    pub fn new(content: &'a [u8]) -> Self {
        Operations {
            lexer: Lexer::new(content, 0, true),
            errors: 0,
        }
    }

    /// The next operation, `None` at the end. Operands left without an operator at the end are
    /// dropped, as viewers do.
    pub fn next_operation(&mut self) -> Result<Option<Operation<'a>>, ContentError> {
        let mut operands = Vec::new();
        loop {
            let Some(token) = self.token()? else {
                return Ok(None);
            };
            let operand = match token.value {
                Token::Keyword(b"true") => Object::Boolean(true),
                Token::Keyword(b"false") => Object::Boolean(false),
                Token::Keyword(b"null") => Object::Null,
                Token::Keyword(b"BI") => {
                    self.skip_inline_image(token.span.start)?;
                    operands.clear();
                    continue;
                }
                Token::Keyword(operator) => return Ok(Some(Operation { operator, operands })),
                other => self.operand(other, token.span.start, 0)?,
            };
            if operands.len() >= MAX_OPERANDS {
                return Err(ContentError::Limit(ContentLimit::Operands(MAX_OPERANDS)));
            }
            operands.push(operand);
        }
    }

    /// The next token. A token the lexer rejects is skipped a byte at a time, up to
    /// [`MAX_SYNTAX_ERRORS`]: viewers draw the rest of a page after a glitch, and so should
    /// anchors be found on it.
    fn token(&mut self) -> Result<Option<Spanned<Token<'a>>>, ContentError> {
        tolerant_token(&mut self.lexer, &mut self.errors)
    }

    fn expect_token(&mut self, at: usize, what: &'static str) -> Result<Token<'a>, ContentError> {
        match self.token()? {
            Some(token) => Ok(token.value),
            None => Err(ContentError::Syntax { offset: at, what }),
        }
    }

    /// An operand whose first token is `first`.
    fn operand(
        &mut self,
        first: Token<'a>,
        at: usize,
        depth: usize,
    ) -> Result<Object, ContentError> {
        if depth > MAX_OPERAND_NESTING {
            return Err(ContentError::Limit(ContentLimit::OperandNesting(
                MAX_OPERAND_NESTING,
            )));
        }
        Ok(match first {
            Token::Integer(i) => Object::Integer(i),
            Token::Real(r) => Object::Real(r),
            Token::Name(n) => Object::Name(n),
            Token::String(s) => Object::String(s),
            Token::ArrayOpen => {
                let mut items = Vec::new();
                loop {
                    match self.expect_token(at, "unterminated array")? {
                        Token::ArrayClose => break,
                        token => {
                            if items.len() >= MAX_OPERANDS {
                                return Err(ContentError::Limit(ContentLimit::Operands(
                                    MAX_OPERANDS,
                                )));
                            }
                            items.push(self.operand(token, at, depth + 1)?);
                        }
                    }
                }
                Object::Array(items)
            }
            Token::DictOpen => Object::Dictionary(self.dictionary_body(at, depth + 1, None)?),
            Token::Keyword(b"true") => Object::Boolean(true),
            Token::Keyword(b"false") => Object::Boolean(false),
            // Other keywords inside an array or dictionary (`null`, junk): null, as viewers read
            // them.
            Token::Keyword(_) => Object::Null,
            Token::ArrayClose | Token::DictClose => {
                return Err(ContentError::Syntax {
                    offset: at,
                    what: "unexpected closing bracket",
                });
            }
        })
    }

    /// Dictionary entries up to `>>`, or up to the keyword `end` (for inline images: `ID`).
    fn dictionary_body(
        &mut self,
        at: usize,
        depth: usize,
        end: Option<&[u8]>,
    ) -> Result<Dictionary, ContentError> {
        let mut dict = Dictionary::new();
        loop {
            let key = match self.expect_token(at, "unterminated dictionary")? {
                Token::DictClose if end.is_none() => return Ok(dict),
                Token::Keyword(k) if Some(k) == end => return Ok(dict),
                Token::Name(key) => key,
                _ => {
                    return Err(ContentError::Syntax {
                        offset: at,
                        what: "dictionary key is not a name",
                    });
                }
            };
            if dict.len() >= MAX_OPERANDS {
                return Err(ContentError::Limit(ContentLimit::Operands(MAX_OPERANDS)));
            }
            let first = self.expect_token(at, "dictionary key without a value")?;
            let value = self.operand(first, at, depth)?;
            dict.insert(key, value);
        }
    }

    /// Skips `BI … ID data EI`. The data ends at `/L` (`/Length`) bytes when the image says so
    /// (PDF 2.0), otherwise at the first `EI` between white-space, as every reader finds it.
    fn skip_inline_image(&mut self, at: usize) -> Result<(), ContentError> {
        let dict = self.dictionary_body(at, 1, Some(b"ID"))?;
        let buf = self.lexer.buf();
        // One white-space byte separates `ID` from the data.
        let data = (self.lexer.pos() + 1).min(buf.len());
        let length = dict
            .get(b"L")
            .or_else(|| dict.get(b"Length"))
            .and_then(Object::as_integer)
            .and_then(|l| usize::try_from(l).ok());
        let search_from = match length {
            Some(l) => data.saturating_add(l).min(buf.len()),
            None => data,
        };
        let is_end = |i: usize| {
            buf.get(i..i + 2) == Some(b"EI")
                && (i == 0 || super::super::lexer::is_whitespace(buf[i - 1]))
                && buf
                    .get(i + 2)
                    .is_none_or(|&b| !super::super::lexer::is_regular(b))
        };
        let found =
            (search_from.saturating_sub(1)..buf.len().saturating_sub(1)).find(|&i| is_end(i));
        match found {
            Some(i) => {
                self.lexer.set_pos(i + 2);
                Ok(())
            }
            None => Err(ContentError::Syntax {
                offset: at,
                what: "inline image without EI",
            }),
        }
    }
}

/// The next token of a content stream or CMap, stepping over up to [`MAX_SYNTAX_ERRORS`]
/// glitches (`errors` counts them across calls) as viewers do. A token past the lexer's size
/// limit ends the stream instead: retried a byte further on, each of `((((…` would scan the
/// whole rest again (measured: 24 s for one 17 MiB CMap).
pub(super) fn tolerant_token<'a>(
    lexer: &mut Lexer<'a>,
    errors: &mut usize,
) -> Result<Option<Spanned<Token<'a>>>, ContentError> {
    loop {
        let at = lexer.pos();
        match lexer.next_token() {
            Ok(token) => return Ok(token),
            Err(LexError::Pdf(PdfError::LimitExceeded { .. })) | Err(LexError::NeedMore) => {
                return Err(ContentError::Syntax {
                    offset: at,
                    what: "token too long",
                });
            }
            Err(LexError::Pdf(_)) => {
                *errors += 1;
                if *errors > MAX_SYNTAX_ERRORS {
                    return Err(ContentError::Limit(ContentLimit::SyntaxErrors(
                        MAX_SYNTAX_ERRORS,
                    )));
                }
                lexer.skip_whitespace();
                lexer.set_pos(lexer.pos().max(at) + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operators(content: &[u8]) -> Vec<(String, Vec<Object>)> {
        let mut ops = Operations::new(content);
        let mut out = Vec::new();
        while let Some(op) = ops.next_operation().expect("operation") {
            out.push((
                String::from_utf8_lossy(op.operator).into_owned(),
                op.operands,
            ));
        }
        out
    }

    #[test]
    fn operands_and_operators() {
        let ops = operators(b"q 1 0 0 1 10.5 20 cm BT /F1 12 Tf [(A) -250 <0042>] TJ T* ' ET Q");
        let names: Vec<&str> = ops.iter().map(|(o, _)| o.as_str()).collect();
        assert_eq!(names, ["q", "cm", "BT", "Tf", "TJ", "T*", "'", "ET", "Q"]);
        assert_eq!(ops[1].1[4], Object::Real(10.5));
        assert_eq!(ops[3].1[0], Object::name("F1"));
        let Object::Array(items) = &ops[4].1[0] else {
            panic!("TJ operand is not an array");
        };
        assert_eq!(items.len(), 3);
        // `0 0 R` is not a reference in a content stream.
        let ops = operators(b"0 0 R");
        assert_eq!(ops[0].0, "R");
        assert_eq!(ops[0].1, vec![Object::Integer(0), Object::Integer(0)]);
    }

    #[test]
    fn inline_images_are_skipped() {
        let ops = operators(b"BI /W 2 /H 1 /BPC 8 /CS /G ID \x00EI\xffEIx EI Q");
        assert_eq!(ops.len(), 1);
        assert_eq!(ops[0].0, "Q");
        let ops = operators(b"BI /W 4 /H 1 /L 4 ID  EI EI Q");
        assert_eq!(ops.len(), 1, "{ops:?}");
        assert!(Operations::new(b"BI /W 1 ID xyz").next_operation().is_err());
    }

    #[test]
    fn glitches_are_skipped_floods_are_refused() {
        let ops = operators(b"(a) Tj ) (b) Tj");
        assert_eq!(ops.len(), 2);
        let flood = b")".repeat(MAX_SYNTAX_ERRORS + 2);
        let mut ops = Operations::new(&flood);
        assert!(matches!(
            ops.next_operation(),
            Err(ContentError::Limit(ContentLimit::SyntaxErrors(_)))
        ));
        let deep = b"[".repeat(MAX_OPERAND_NESTING + 2);
        assert!(matches!(
            Operations::new(&deep).next_operation(),
            Err(ContentError::Limit(ContentLimit::OperandNesting(_)))
        ));
    }
}
