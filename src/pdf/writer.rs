//! Canonical serialization of PDF objects (ISO 32000-1 §7.3).
//!
//! One spelling per value, so the bytes Kyso writes are predictable: single spaces between
//! tokens, `<< /Key value >>` dictionaries, names with `#xx` escapes where needed, literal strings
//! with every non-printable byte escaped, reals without exponent or needless zeros.

use std::io::Write;

use super::object::{Dictionary, Object, PdfString};

/// Appends `object` to `out`. A [`Stream`](super::object::Stream) is written as its dictionary
/// only: stream data is the caller's to write (see [`IncrementalUpdate`]).
///
/// [`IncrementalUpdate`]: super::update::IncrementalUpdate
pub fn serialize(object: &Object, out: &mut Vec<u8>) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(true) => out.extend_from_slice(b"true"),
        Object::Boolean(false) => out.extend_from_slice(b"false"),
        Object::Integer(i) => write_display(out, i),
        Object::Real(r) => write_real(*r, out),
        Object::String(s) => write_string(s, out),
        Object::Name(n) => write_name(n, out),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                serialize(item, out);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => write_dictionary(dict, out),
        Object::Stream(stream) => write_dictionary(&stream.dict, out),
        Object::Reference(id) => {
            write_display(out, id.number);
            out.push(b' ');
            write_display(out, id.generation);
            out.extend_from_slice(b" R");
        }
    }
}

/// `<< /K1 v1 /K2 v2 >>`; an empty dictionary is `<< >>`.
pub fn write_dictionary(dict: &Dictionary, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        out.push(b' ');
        write_name(key, out);
        out.push(b' ');
        serialize(value, out);
    }
    out.extend_from_slice(b" >>");
}

fn write_display(out: &mut Vec<u8>, value: impl std::fmt::Display) {
    // Writing into a Vec cannot fail.
    let _ = write!(out, "{value}");
}

/// A real with at most 6 decimals (more than any PDF consumer keeps), trailing zeros dropped,
/// never in exponent form (PDF has none). Non-finite values, which PDF cannot express, become 0.
pub fn write_real(value: f64, out: &mut Vec<u8>) {
    if !value.is_finite() {
        out.push(b'0');
        return;
    }
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    match text {
        "-0" | "" => out.push(b'0'),
        t => out.extend_from_slice(t.as_bytes()),
    }
}

/// `/Name`, escaping `#`, delimiters, white-space and bytes outside `!`..`~` as `#xx` (§7.3.5).
pub fn write_name(name: &[u8], out: &mut Vec<u8>) {
    out.push(b'/');
    for &b in name {
        let plain = (b'!'..=b'~').contains(&b) && b != b'#' && !super::lexer::is_delimiter(b);
        if plain {
            out.push(b);
        } else {
            write_display(out, format_args!("#{b:02X}"));
        }
    }
}

/// A string: `<hex>` when written as hex, else `(literal)` with `\` escapes for parentheses,
/// backslash and control characters and octal `\ddd` for other non-ASCII bytes, so the file
/// stays 7-bit and no end-of-line inside a string can be misread.
pub fn write_string(s: &PdfString, out: &mut Vec<u8>) {
    if s.hex {
        out.push(b'<');
        out.extend_from_slice(hex::encode(&s.bytes).as_bytes());
        out.push(b'>');
        return;
    }
    out.push(b'(');
    for &b in &s.bytes {
        match b {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\x08' => out.extend_from_slice(b"\\b"),
            b'\x0c' => out.extend_from_slice(b"\\f"),
            0x20..=0x7e => out.push(b),
            _ => write_display(out, format_args!("\\{b:03o}")),
        }
    }
    out.push(b')');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::lexer::Lexer;
    use crate::pdf::object::ObjectId;
    use crate::pdf::parser::Parser;

    fn text(object: &Object) -> String {
        let mut out = Vec::new();
        serialize(object, &mut out);
        String::from_utf8(out).expect("7-bit output")
    }

    fn reparse(object: &Object) -> Object {
        let mut out = Vec::new();
        serialize(object, &mut out);
        Parser::new(Lexer::new(&out, 0, true))
            .value()
            .map(|v| v.value)
            .map_err(|_| "reparse failed")
            .expect("serialized output parses")
    }

    #[test]
    fn canonical_spelling() {
        let dict: Dictionary = [
            ("Type", Object::name("Sig")),
            (
                "Rect",
                Object::Array(vec![Object::Integer(0), Object::Real(10.5)]),
            ),
            ("P", Object::Reference(ObjectId::new(4, 0))),
            ("F", Object::Integer(132)),
            ("B", Object::Boolean(false)),
            ("N", Object::Null),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            text(&Object::Dictionary(dict)),
            "<< /Type /Sig /Rect [0 10.5] /P 4 0 R /F 132 /B false /N null >>"
        );
        assert_eq!(text(&Object::Dictionary(Dictionary::new())), "<< >>");
    }

    #[test]
    fn reals() {
        for (value, expected) in [
            (1.0, "1"),
            (0.5, "0.5"),
            (-0.25, "-0.25"),
            (1e-9, "0"),
            (-0.0, "0"),
            (1e20, "100000000000000000000"),
            (595.275591, "595.275591"),
            (f64::NAN, "0"),
        ] {
            assert_eq!(text(&Object::Real(value)), expected, "{value}");
        }
    }

    #[test]
    fn names_and_strings_escape_and_round_trip() {
        assert_eq!(text(&Object::name("A B#(x)")), "/A#20B#23#28x#29");
        assert_eq!(
            text(&Object::String(PdfString::literal(
                b"a(b)\\\r\n\xfe".to_vec()
            ))),
            "(a\\(b\\)\\\\\\r\\n\\376)"
        );
        assert_eq!(
            text(&Object::String(PdfString::hex(vec![0, 0xab]))),
            "<00ab>"
        );
        let samples = [
            Object::name("Adobe.PPKLite"),
            Object::name(vec![0u8, 0xff, b'/', b'%']),
            Object::String(PdfString::literal((0u8..=255).collect::<Vec<_>>())),
            Object::String(PdfString::hex(vec![1, 2, 3])),
            Object::Array(vec![
                Object::Reference(ObjectId::new(1, 2)),
                Object::Integer(-7),
            ]),
        ];
        for sample in samples {
            assert_eq!(reparse(&sample), sample);
        }
    }
}
