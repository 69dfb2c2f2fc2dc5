//! PDF tokens (ISO 32000-1 §7.2 lexical conventions, §7.3 object syntax) with byte offsets.
//!
//! The lexer works on a window of the file. When a token may continue past the window's end and
//! the window does not reach the end of the file, it answers [`LexError::NeedMore`] so the caller
//! can read a larger window, instead of guessing.

use std::ops::Range;

use super::error::{Limit, PdfError};
use super::limits::MAX_STRING_LEN;
use super::object::PdfString;

/// Why lexing stopped.
#[derive(Debug)]
pub(crate) enum LexError {
    /// The window ended inside a token; a larger window is needed.
    NeedMore,
    /// The input is wrong.
    Pdf(PdfError),
}

impl From<PdfError> for LexError {
    fn from(e: PdfError) -> Self {
        LexError::Pdf(e)
    }
}

/// One token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token<'a> {
    Integer(i64),
    Real(f64),
    Name(Vec<u8>),
    String(PdfString),
    ArrayOpen,
    ArrayClose,
    DictOpen,
    DictClose,
    /// Any other run of regular characters: `true`, `null`, `obj`, `R`, `xref`, … or junk.
    Keyword(&'a [u8]),
}

/// A token and its byte range within the window.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spanned<T> {
    pub value: T,
    pub span: Range<usize>,
}

/// White-space characters (ISO 32000-1 Table 1).
pub(crate) const fn is_whitespace(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Delimiter characters (ISO 32000-1 Table 2).
pub(crate) fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Regular characters: neither white-space nor delimiters.
pub(crate) fn is_regular(b: u8) -> bool {
    !is_whitespace(b) && !is_delimiter(b)
}

const fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// A cursor over a window of bytes.
#[derive(Debug, Clone)]
pub(crate) struct Lexer<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Absolute offset of `buf[0]`, for error messages and spans.
    base: u64,
    /// Whether `buf` ends where the data ends.
    at_end: bool,
}

impl<'a> Lexer<'a> {
    pub fn new(buf: &'a [u8], base: u64, at_end: bool) -> Self {
        Lexer {
            buf,
            pos: 0,
            base,
            at_end,
        }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn set_pos(&mut self, pos: usize) {
        self.pos = pos.min(self.buf.len());
    }

    pub fn buf(&self) -> &'a [u8] {
        self.buf
    }

    pub fn at_end(&self) -> bool {
        self.at_end
    }

    /// Absolute offset of a window position.
    pub fn absolute(&self, pos: usize) -> u64 {
        self.base + pos as u64
    }

    pub fn syntax(&self, pos: usize, what: &'static str) -> LexError {
        LexError::Pdf(PdfError::Syntax {
            offset: self.absolute(pos),
            what,
        })
    }

    fn limit(&self, pos: usize, limit: Limit) -> LexError {
        LexError::Pdf(PdfError::LimitExceeded {
            limit,
            offset: Some(self.absolute(pos)),
        })
    }

    /// Skips white-space and comments.
    pub fn skip_whitespace(&mut self) {
        while let Some(&b) = self.buf.get(self.pos) {
            if is_whitespace(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(&c) = self.buf.get(self.pos) {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The next token, or `None` at the end of the data.
    pub fn next_token(&mut self) -> Result<Option<Spanned<Token<'a>>>, LexError> {
        self.skip_whitespace();
        let start = self.pos;
        let Some(&b) = self.buf.get(start) else {
            return if self.at_end {
                Ok(None)
            } else {
                Err(LexError::NeedMore)
            };
        };
        let token = match b {
            b'[' => {
                self.pos += 1;
                Token::ArrayOpen
            }
            b']' => {
                self.pos += 1;
                Token::ArrayClose
            }
            b'<' => match self.buf.get(start + 1) {
                Some(b'<') => {
                    self.pos += 2;
                    Token::DictOpen
                }
                Some(_) => Token::String(self.hex_string()?),
                None if self.at_end => return Err(self.syntax(start, "unterminated hex string")),
                None => return Err(LexError::NeedMore),
            },
            b'>' => match self.buf.get(start + 1) {
                Some(b'>') => {
                    self.pos += 2;
                    Token::DictClose
                }
                Some(_) => return Err(self.syntax(start, "unexpected '>'")),
                None if self.at_end => return Err(self.syntax(start, "unexpected '>'")),
                None => return Err(LexError::NeedMore),
            },
            b'(' => Token::String(self.literal_string()?),
            b')' => return Err(self.syntax(start, "unbalanced ')'")),
            b'/' => Token::Name(self.name()?),
            b'{' | b'}' => {
                self.pos += 1;
                Token::Keyword(&self.buf[start..start + 1])
            }
            _ => self.regular()?,
        };
        Ok(Some(Spanned {
            value: token,
            span: start..self.pos,
        }))
    }

    /// A run of regular characters: a number or a keyword.
    fn regular(&mut self) -> Result<Token<'a>, LexError> {
        let run = self.regular_run()?;
        Ok(parse_number(run).unwrap_or(Token::Keyword(run)))
    }

    /// Consumes regular characters; asks for more data if the run touches the window's end.
    fn regular_run(&mut self) -> Result<&'a [u8], LexError> {
        let start = self.pos;
        let len = self.buf[start..]
            .iter()
            .position(|&b| !is_regular(b))
            .unwrap_or(self.buf.len() - start);
        if start + len == self.buf.len() && !self.at_end {
            return Err(LexError::NeedMore);
        }
        self.pos = start + len;
        Ok(&self.buf[start..start + len])
    }

    /// A name after `/`, with `#xx` escapes decoded (ISO 32000-1 §7.3.5).
    fn name(&mut self) -> Result<Vec<u8>, LexError> {
        let slash = self.pos;
        self.pos += 1;
        let run = self.regular_run()?;
        if run.len() > MAX_STRING_LEN {
            return Err(self.limit(slash, Limit::StringLength(MAX_STRING_LEN)));
        }
        let mut out = Vec::with_capacity(run.len());
        let mut i = 0;
        while i < run.len() {
            let b = run[i];
            if b == b'#'
                && let (Some(h), Some(l)) = (
                    run.get(i + 1).copied().and_then(hex_value),
                    run.get(i + 2).copied().and_then(hex_value),
                )
            {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
            // Tolerance: a '#' not followed by two hex digits is kept as is (PDF 1.1 names
            // had no escapes); the name stays distinct from any escaped spelling.
            out.push(b);
            i += 1;
        }
        Ok(out)
    }

    /// A literal string `( … )` with escapes and balanced parentheses (ISO 32000-1 §7.3.4.2).
    fn literal_string(&mut self) -> Result<PdfString, LexError> {
        let start = self.pos;
        let mut i = start + 1;
        let mut depth = 1usize;
        let mut out = Vec::new();
        let need_more = |lexer: &Self| {
            if lexer.at_end {
                lexer.syntax(start, "unterminated literal string")
            } else {
                LexError::NeedMore
            }
        };
        loop {
            if out.len() > MAX_STRING_LEN {
                return Err(self.limit(start, Limit::StringLength(MAX_STRING_LEN)));
            }
            let Some(&b) = self.buf.get(i) else {
                return Err(need_more(self));
            };
            i += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(b);
                }
                b'\r' => {
                    // An unescaped end-of-line in a string reads as a single LF.
                    if self.buf.get(i) == Some(&b'\n') {
                        i += 1;
                    } else if i == self.buf.len() && !self.at_end {
                        return Err(LexError::NeedMore);
                    }
                    out.push(b'\n');
                }
                b'\\' => {
                    let Some(&e) = self.buf.get(i) else {
                        return Err(need_more(self));
                    };
                    i += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(b'\x08'),
                        b'f' => out.push(b'\x0c'),
                        b'(' | b')' | b'\\' => out.push(e),
                        b'\r' => {
                            // Backslash + EOL: the line continues, nothing is added.
                            if self.buf.get(i) == Some(&b'\n') {
                                i += 1;
                            } else if i == self.buf.len() && !self.at_end {
                                return Err(LexError::NeedMore);
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut value = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.buf.get(i) {
                                    Some(&d @ b'0'..=b'7') => {
                                        value = value * 8 + u32::from(d - b'0');
                                        i += 1;
                                    }
                                    None if !self.at_end => return Err(LexError::NeedMore),
                                    _ => break,
                                }
                            }
                            // High-order overflow is ignored (§7.3.4.2): \777 is 0xFF.
                            out.push((value & 0xff) as u8);
                        }
                        // An unknown escape drops the backslash (§7.3.4.2).
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
        self.pos = i;
        Ok(PdfString::literal(out))
    }

    /// A hexadecimal string `< … >` (ISO 32000-1 §7.3.4.3).
    fn hex_string(&mut self) -> Result<PdfString, LexError> {
        let start = self.pos;
        let buf = self.buf;
        let mut i = start + 1;
        // A signature's /Contents is a hex string of 16-64 KiB, read again by each check of
        // each signature: sized once, and decoded two digits at a time where it can be (the
        // per-byte path was a sixth of `kyso verify` on a file with ten signatures).
        let mut out = Vec::with_capacity(hex_capacity_hint(&buf[i..]));
        let mut high: Option<u8> = None;
        loop {
            if high.is_none()
                && let Some(&[a, b]) = buf.get(i..i + 2)
                && HEX_CLASS[a as usize] < 16
                && HEX_CLASS[b as usize] < 16
            {
                if out.len() >= MAX_STRING_LEN {
                    return Err(self.limit(start, Limit::StringLength(MAX_STRING_LEN)));
                }
                out.push(HEX_CLASS[a as usize] << 4 | HEX_CLASS[b as usize]);
                i += 2;
                continue;
            }
            let Some(&b) = buf.get(i) else {
                return Err(if self.at_end {
                    self.syntax(start, "unterminated hex string")
                } else {
                    LexError::NeedMore
                });
            };
            i += 1;
            let v = match HEX_CLASS[b as usize] {
                v if v < 16 => v,
                HEX_SPACE => continue,
                HEX_END => break,
                _ => return Err(self.syntax(i - 1, "invalid character in hex string")),
            };
            match high.take() {
                Some(h) => {
                    if out.len() >= MAX_STRING_LEN {
                        return Err(self.limit(start, Limit::StringLength(MAX_STRING_LEN)));
                    }
                    out.push(h << 4 | v);
                }
                None => high = Some(v),
            }
        }
        // An odd final digit is followed by an implicit 0.
        if let Some(h) = high {
            out.push(h << 4);
        }
        self.pos = i;
        Ok(PdfString::hex(out))
    }
}

/// How far [`hex_capacity_hint`] looks for a hex string's `>`: a 64 KiB signature /Contents
/// is 128 KiB of digits. Bounded because a failing `<z…` is retried by content and CMap
/// parsing (up to 1000 times): an unbounded look-ahead over a 16 MiB tail made each retry
/// scan the whole tail.
const HEX_LOOKAHEAD: usize = 128 * 1024;

#[cfg(test)]
thread_local! {
    /// Bytes [`hex_capacity_hint`] scanned on this thread, for the tests of its bound.
    static HEX_LOOKAHEAD_SCANNED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Capacity for a hex string's bytes, `rest` starting after its `<`: half the digits up to the
/// first `>` within [`HEX_LOOKAHEAD`]. Only a hint: a longer string grows its vector, and the
/// digits themselves are checked as they are decoded.
fn hex_capacity_hint(rest: &[u8]) -> usize {
    let window = &rest[..rest.len().min(HEX_LOOKAHEAD)];
    #[cfg(test)]
    HEX_LOOKAHEAD_SCANNED.with(|scanned| scanned.set(scanned.get() + window.len()));
    let digits = window
        .iter()
        .position(|&b| b == b'>')
        .unwrap_or(window.len());
    (digits / 2 + 1).min(MAX_STRING_LEN)
}

/// [`HEX_CLASS`]: white space (ISO 32000-1 Table 1), skipped inside hex strings.
const HEX_SPACE: u8 = 16;
/// [`HEX_CLASS`]: `>`, the end of a hex string.
const HEX_END: u8 = 17;
/// [`HEX_CLASS`]: anything else, an error inside a hex string.
const HEX_INVALID: u8 = 18;

/// Each byte's role in a hex string: its value (0-15) for a hex digit, else one of the classes
/// above; built from [`hex_value`] and [`is_whitespace`].
static HEX_CLASS: [u8; 256] = {
    let mut table = [HEX_INVALID; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = match hex_value(byte) {
            Some(v) => v,
            None if is_whitespace(byte) => HEX_SPACE,
            None if byte == b'>' => HEX_END,
            None => HEX_INVALID,
        };
        b += 1;
    }
    table
};

/// A number token, if `run` is one: `[+-]?digits`, or a real with one `.`.
fn parse_number(run: &[u8]) -> Option<Token<'_>> {
    let digits = match run.first()? {
        b'+' | b'-' => &run[1..],
        _ => run,
    };
    if digits.is_empty() {
        return None;
    }
    let dots = digits.iter().filter(|&&b| b == b'.').count();
    let all_valid = digits.iter().all(|&b| b.is_ascii_digit() || b == b'.');
    if !all_valid || dots > 1 || digits == b"." {
        return None;
    }
    // Only ASCII digits, sign and dot remain, so this is valid UTF-8.
    let text = std::str::from_utf8(run).ok()?;
    if dots == 0 {
        match text.parse::<i64>() {
            Ok(i) => return Some(Token::Integer(i)),
            // Tolerance: integers beyond 64 bits read as reals, as the standard's
            // implementation notes allow; where an integer is required this fails later.
            Err(_) => return text.parse::<f64>().ok().map(Token::Real),
        }
    }
    text.parse::<f64>().ok().map(Token::Real)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(input: &[u8]) -> Vec<Token<'_>> {
        let mut lexer = Lexer::new(input, 0, true);
        let mut out = Vec::new();
        while let Some(t) = lexer.next_token().expect("token") {
            out.push(t.value);
        }
        out
    }

    #[test]
    fn numbers_names_keywords() {
        assert_eq!(
            tokens(b"12 -3 +4 4. -.5 0.25 true obj R"),
            vec![
                Token::Integer(12),
                Token::Integer(-3),
                Token::Integer(4),
                Token::Real(4.0),
                Token::Real(-0.5),
                Token::Real(0.25),
                Token::Keyword(b"true"),
                Token::Keyword(b"obj"),
                Token::Keyword(b"R"),
            ]
        );
        assert_eq!(
            tokens(b"/A#20B/#2F/ /Adobe.PPKLite/x#zz"),
            vec![
                Token::Name(b"A B".to_vec()),
                Token::Name(b"/".to_vec()),
                Token::Name(Vec::new()),
                Token::Name(b"Adobe.PPKLite".to_vec()),
                Token::Name(b"x#zz".to_vec()),
            ]
        );
        assert_eq!(tokens(b"1.2.3"), vec![Token::Keyword(b"1.2.3")]);
    }

    #[test]
    fn literal_strings_decode_escapes() {
        let s = |input: &'static [u8]| match tokens(input).pop() {
            Some(Token::String(s)) => s.bytes,
            other => panic!("not a string: {other:?}"),
        };
        assert_eq!(s(b"(a(b)c)"), b"a(b)c");
        assert_eq!(s(b"(\\(\\)\\\\\\n\\t)"), b"()\\\n\t");
        assert_eq!(s(b"(\\101\\1011\\777)"), b"AA1\xff");
        assert_eq!(s(b"(line\\\r\ncontinued)"), b"linecontinued");
        assert_eq!(s(b"(cr\r\nlf)"), b"cr\nlf");
        assert_eq!(s(b"(\\q)"), b"q");
    }

    #[test]
    fn hex_strings() {
        assert_eq!(
            tokens(b"<48 65 6C6c6F> <901FA>"),
            vec![
                Token::String(PdfString::hex(b"Hello".to_vec())),
                Token::String(PdfString::hex(vec![0x90, 0x1f, 0xa0])),
            ]
        );
        let mut lexer = Lexer::new(b"<4G>", 0, true);
        assert!(matches!(
            lexer.next_token(),
            Err(LexError::Pdf(PdfError::Syntax { offset: 2, .. }))
        ));
    }

    #[test]
    fn hex_class_agrees_with_hex_value_and_white_space() {
        for b in 0..=255u8 {
            let expected = match (hex_value(b), is_whitespace(b), b) {
                (Some(v), _, _) => v,
                (None, true, _) => HEX_SPACE,
                (None, false, b'>') => HEX_END,
                _ => HEX_INVALID,
            };
            assert_eq!(HEX_CLASS[b as usize], expected, "byte {b:#04x}");
        }
    }

    /// The two-digit fast path and the per-byte path give the same bytes, whatever the
    /// white space and odd digits in between, and find errors at the same offset.
    #[test]
    fn hex_strings_with_white_space_and_odd_digits() {
        let cases: [(&[u8], &[u8]); 5] = [
            (b"<4865 6c\n6C 6f>", b"Hello"),
            (b"<4 8 6 5>", b"He"),
            (b"<486>", &[0x48, 0x60]),
            (b"<>", b""),
            (b"<\r\n00ff\t0A>", &[0x00, 0xff, 0x0a]),
        ];
        for (input, bytes) in cases {
            assert_eq!(
                tokens(input),
                vec![Token::String(PdfString::hex(bytes.to_vec()))],
                "{input:?}"
            );
        }
        let mut lexer = Lexer::new(b"<00 1x>", 0, true);
        assert!(matches!(
            lexer.next_token(),
            Err(LexError::Pdf(PdfError::Syntax { offset: 5, .. }))
        ));
        let mut lexer = Lexer::new(b"<0011", 0, true);
        assert!(matches!(
            lexer.next_token(),
            Err(LexError::Pdf(PdfError::Syntax { offset: 0, .. }))
        ));
    }

    #[test]
    fn cut_tokens_ask_for_more() {
        for input in [&b"123"[..], b"/Nam", b"(abc", b"<ab", b"<", b"tru"] {
            let mut lexer = Lexer::new(input, 0, false);
            assert!(
                matches!(lexer.next_token(), Err(LexError::NeedMore)),
                "{input:?}"
            );
        }
        let mut lexer = Lexer::new(b"123 ", 0, false);
        assert_eq!(
            lexer.next_token().expect("token").map(|t| t.value),
            Some(Token::Integer(123))
        );
        assert!(matches!(lexer.next_token(), Err(LexError::NeedMore)));
    }

    #[test]
    fn comments_are_skipped_and_spans_kept() {
        let mut lexer = Lexer::new(b"% comment\n  /Key%x\r(v)", 100, true);
        let key = lexer.next_token().expect("ok").expect("token");
        assert_eq!(key.span, 12..16);
        let value = lexer.next_token().expect("ok").expect("token");
        assert_eq!(value.span, 19..22);
        assert_eq!(lexer.absolute(value.span.start), 119);
    }

    #[test]
    fn huge_string_is_refused() {
        let mut input = vec![b'('];
        input.resize(MAX_STRING_LEN + 10, b'a');
        input.push(b')');
        let mut lexer = Lexer::new(&input, 0, true);
        assert!(matches!(
            lexer.next_token(),
            Err(LexError::Pdf(PdfError::LimitExceeded {
                limit: Limit::StringLength(_),
                ..
            }))
        ));
    }

    /// Many failing `<z` before a long tail without `>`: each hex string's look-ahead stops at
    /// its window instead of scanning the tail (999 such retries over 16 MiB took seconds), and
    /// each still fails at its `z`.
    #[test]
    fn failing_hex_strings_scan_a_bounded_window() {
        const ATTEMPTS: usize = 200;
        let mut input = b"<z".repeat(ATTEMPTS);
        input.resize(input.len() + 8 * HEX_LOOKAHEAD, b'a');
        HEX_LOOKAHEAD_SCANNED.with(|scanned| scanned.set(0));
        for attempt in 0..ATTEMPTS {
            let mut lexer = Lexer::new(&input, 0, true);
            lexer.set_pos(2 * attempt);
            let offset = 2 * attempt as u64 + 1;
            assert!(
                matches!(
                    lexer.next_token(),
                    Err(LexError::Pdf(PdfError::Syntax { offset: o, .. })) if o == offset
                ),
                "attempt {attempt}"
            );
        }
        let scanned = HEX_LOOKAHEAD_SCANNED.with(|scanned| scanned.get());
        assert!(
            scanned <= ATTEMPTS * HEX_LOOKAHEAD,
            "scanned {scanned} bytes"
        );
    }

    /// Hex strings whose `>` lies just inside, at and beyond the look-ahead window decode whole;
    /// without a `>` and with more data to come the lexer still asks for more.
    #[test]
    fn hex_strings_at_and_over_the_look_ahead_window() {
        for digits in [
            HEX_LOOKAHEAD - 2,
            HEX_LOOKAHEAD - 1,
            HEX_LOOKAHEAD,
            HEX_LOOKAHEAD + 1,
            HEX_LOOKAHEAD + 2,
            3 * HEX_LOOKAHEAD + 7,
        ] {
            let mut input = vec![b'<'];
            input.extend((0..digits).map(|i| b"0123456789abcdef"[i % 16]));
            input.extend_from_slice(b"> 7");
            let mut expected: Vec<u8> = (0..digits / 2)
                .map(|i| {
                    let (h, l) = ((2 * i) % 16, (2 * i + 1) % 16);
                    (h << 4 | l) as u8
                })
                .collect();
            if digits % 2 == 1 {
                expected.push((((digits - 1) % 16) << 4) as u8);
            }
            assert_eq!(
                tokens(&input),
                vec![Token::String(PdfString::hex(expected)), Token::Integer(7)],
                "{digits} digits"
            );
            let unterminated = &input[..input.len() - 3];
            let mut lexer = Lexer::new(unterminated, 0, false);
            assert!(
                matches!(lexer.next_token(), Err(LexError::NeedMore)),
                "{digits} digits"
            );
        }
    }
}
