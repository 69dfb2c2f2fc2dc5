//! Text strings and dates (ISO 32000-1 §7.9.2, §7.9.4).
//!
//! A text string is PDFDocEncoding or UTF-16BE with a byte-order mark; Vietnamese names need
//! UTF-16BE, plain ASCII stays readable in the file as PDFDocEncoding.

use time::{OffsetDateTime, UtcOffset};

use super::object::PdfString;

/// Encodes `text` as a PDF text string: PDFDocEncoding (which equals ASCII for printable ASCII
/// and tab, LF, CR) when possible, else UTF-16BE with the byte-order mark `FE FF`.
pub fn pdf_text_string(text: &str) -> PdfString {
    let plain_ascii = text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || matches!(b, b'\t' | b'\n' | b'\r'));
    if plain_ascii {
        return PdfString::literal(text.as_bytes().to_vec());
    }
    let mut bytes = vec![0xfe, 0xff];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    PdfString::literal(bytes)
}

/// Decodes a PDF text string: UTF-16BE (BOM `FE FF`), UTF-8 (BOM `EF BB BF`, PDF 2.0), else
/// PDFDocEncoding. Undecodable sequences become U+FFFD.
pub fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units = rest
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]));
        return char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().map(|&b| pdf_doc_char(b)).collect()
}

/// One PDFDocEncoding byte (ISO 32000-1 Annex D, Table D.2).
fn pdf_doc_char(b: u8) -> char {
    // 0x18–0x1F and 0x80–0x9F differ from Latin-1; everything else matches it.
    const LOW: [char; 8] = ['˘', 'ˇ', 'ˆ', '˙', '˝', '˛', '˚', '˜'];
    const HIGH: [char; 32] = [
        '•', '†', '‡', '…', '—', '–', 'ƒ', '⁄', '‹', '›', '−', '‰', '„', '“', '”', '‘', '’', '‚',
        '™', 'ﬁ', 'ﬂ', 'Ł', 'Œ', 'Š', 'Ÿ', 'Ž', 'ı', 'ł', 'œ', 'š', 'ž', '\u{fffd}',
    ];
    match b {
        0x18..=0x1f => LOW[usize::from(b - 0x18)],
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        0xa0 => '€',
        0xad => '\u{fffd}',
        _ => char::from(b),
    }
}

/// A PDF date string (§7.9.4) for `/M`: `D:YYYYMMDDHHmmSS+HH'mm'`, or `Z` for UTC.
pub fn pdf_date(time: OffsetDateTime) -> String {
    let offset = time.offset();
    let zone = if offset == UtcOffset::UTC {
        "Z".to_string()
    } else {
        let (h, m, _) = offset.as_hms();
        let sign = if offset.is_negative() { '-' } else { '+' };
        format!("{sign}{:02}'{:02}'", h.unsigned_abs(), m.unsigned_abs())
    };
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}{zone}",
        time.year(),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_stays_pdfdoc_and_vietnamese_is_utf16() {
        assert_eq!(pdf_text_string("Signature1").bytes, b"Signature1");
        let s = pdf_text_string("Nguyễn Văn An");
        assert_eq!(&s.bytes[..4], &[0xfe, 0xff, 0x00, b'N']);
        assert_eq!(decode_text_string(&s.bytes), "Nguyễn Văn An");
        // Latin-1 letters are not ASCII: UTF-16 keeps them exact.
        assert_eq!(
            decode_text_string(&pdf_text_string("Hà Nội").bytes),
            "Hà Nội"
        );
    }

    #[test]
    fn pdfdoc_decoding() {
        assert_eq!(decode_text_string(b"a\x84b\xa0\xe9"), "a—b€é");
        assert_eq!(decode_text_string(b"\xef\xbb\xbfVi\xe1\xbb\x87t"), "Việt");
    }

    #[test]
    fn dates() {
        let t = time::macros::datetime!(2026-11-23 10:05:09 +07:00);
        assert_eq!(pdf_date(t), "D:20261123100509+07'00'");
        let t = time::macros::datetime!(2026-01-02 03:04:05 UTC);
        assert_eq!(pdf_date(t), "D:20260102030405Z");
        let t = time::macros::datetime!(2026-01-02 03:04:05 -03:30);
        assert_eq!(pdf_date(t), "D:20260102030405-03'30'");
    }
}
