//! Small ASN.1 types that revocation data needs and `der` reads too strictly, or not at all.
//!
//! - [`LenientGeneralizedTime`]: RFC 6960 uses GeneralizedTime, and responders in the field
//!   write fractional seconds (`20120618135610.612Z`), which X.690 DER allows but `der`'s
//!   `GeneralizedTime` refuses.
//! - [`Enumerated`]: an ENUMERATED kept as its number, so that an unknown value (a reason code
//!   from a newer RFC) is not a parse error of the whole response.
//! - [`RawSequence`]: a SEQUENCE kept as bytes, to read its elements one at a time (a CRL's
//!   revoked certificates) instead of allocating them all.
//!
//! Hand-written because they are a few lines each on top of `der`'s traits, and no published
//! crate of this `der` generation has them.

use der::{
    DecodeValue, EncodeValue, Error, ErrorKind, FixedTag, Header, Length, Reader, Tag, Writer,
};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// A GeneralizedTime in UTC (`YYYYMMDDHHMMSS[.f+]Z`), fractions of a second allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LenientGeneralizedTime {
    /// The time, fractions kept to the nanosecond.
    pub at: OffsetDateTime,
    raw: Vec<u8>,
}

impl LenientGeneralizedTime {
    /// Parses the value octets.
    pub fn parse(value: &[u8]) -> Option<OffsetDateTime> {
        let (zulu, body) = value.split_last()?;
        if *zulu != b'Z' {
            return None;
        }
        let (whole, fraction) = match body.iter().position(|&b| b == b'.' || b == b',') {
            Some(dot) => (body.get(..dot)?, Some(body.get(dot + 1..)?)),
            None => (body, None),
        };
        if whole.len() != 14 || !whole.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            std::str::from_utf8(whole.get(range)?).ok()?.parse().ok()
        };
        let year = i32::try_from(number(0..4)?).ok()?;
        let month = Month::try_from(u8::try_from(number(4..6)?).ok()?).ok()?;
        let day = u8::try_from(number(6..8)?).ok()?;
        let (hour, minute, second) = (number(8..10)?, number(10..12)?, number(12..14)?);
        let mut nanos = 0u32;
        if let Some(fraction) = fraction {
            // X.690 §11.7: at least one digit, no trailing zero; we only need the digits.
            if fraction.is_empty() || !fraction.iter().all(u8::is_ascii_digit) {
                return None;
            }
            for (i, digit) in fraction.iter().take(9).enumerate() {
                nanos += u32::from(digit - b'0') * 10u32.pow(8 - i as u32);
            }
        }
        let date = Date::from_calendar_date(year, month, day).ok()?;
        let time = Time::from_hms_nano(
            u8::try_from(hour).ok()?,
            u8::try_from(minute).ok()?,
            u8::try_from(second).ok()?,
            nanos,
        )
        .ok()?;
        Some(PrimitiveDateTime::new(date, time).assume_utc())
    }
}

impl<'a> DecodeValue<'a> for LenientGeneralizedTime {
    type Error = Error;

    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        // Longer than any sensible time: 14 digits, a dot, 9 digits and Z.
        if u32::from(header.length()) > 32 {
            return Err(reader.error(ErrorKind::Length { tag: Self::TAG }));
        }
        let raw = reader.read_vec(header.length())?;
        let at = Self::parse(&raw).ok_or_else(|| reader.error(ErrorKind::DateTime))?;
        Ok(LenientGeneralizedTime { at, raw })
    }
}

impl EncodeValue for LenientGeneralizedTime {
    fn value_len(&self) -> der::Result<Length> {
        Length::try_from(self.raw.len())
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        writer.write(&self.raw)
    }
}

impl FixedTag for LenientGeneralizedTime {
    const TAG: Tag = Tag::GeneralizedTime;
}

/// An ENUMERATED value of at most 32 bits, unsigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Enumerated(pub u32);

impl<'a> DecodeValue<'a> for Enumerated {
    type Error = Error;

    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        let length = u32::from(header.length());
        if length == 0 || length > 5 {
            return Err(reader.error(ErrorKind::Length { tag: Self::TAG }));
        }
        let bytes = reader.read_vec(header.length())?;
        if bytes.first().is_some_and(|&b| b & 0x80 != 0) {
            // Negative: no enumeration we read has negative values.
            return Err(reader.error(ErrorKind::Value { tag: Self::TAG }));
        }
        let value = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        u32::try_from(value)
            .map(Enumerated)
            .map_err(|_| reader.error(ErrorKind::Value { tag: Self::TAG }))
    }
}

impl EncodeValue for Enumerated {
    fn value_len(&self) -> der::Result<Length> {
        let bytes = self.0.to_be_bytes();
        let skip = bytes.iter().take(3).take_while(|&&b| b == 0).count();
        let needs_sign_octet = bytes.get(skip).is_some_and(|&b| b & 0x80 != 0);
        Length::try_from(4 - skip + usize::from(needs_sign_octet))
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        let bytes = self.0.to_be_bytes();
        let skip = bytes.iter().take(3).take_while(|&&b| b == 0).count();
        if bytes.get(skip).is_some_and(|&b| b & 0x80 != 0) {
            writer.write_byte(0)?;
        }
        writer.write(bytes.get(skip..).unwrap_or_default())
    }
}

impl FixedTag for Enumerated {
    const TAG: Tag = Tag::Enumerated;
}

/// A SEQUENCE whose contents are kept as bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawSequence<'a> {
    /// The contents octets.
    pub contents: &'a [u8],
}

impl<'a> DecodeValue<'a> for RawSequence<'a> {
    type Error = Error;

    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        Ok(RawSequence {
            contents: reader.read_slice(header.length())?,
        })
    }
}

impl EncodeValue for RawSequence<'_> {
    fn value_len(&self) -> der::Result<Length> {
        Length::try_from(self.contents.len())
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        writer.write(self.contents)
    }
}

impl FixedTag for RawSequence<'_> {
    const TAG: Tag = Tag::Sequence;
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::{Decode, Encode};
    use time::macros::datetime;

    #[test]
    fn generalized_time_with_and_without_fractions() {
        assert_eq!(
            LenientGeneralizedTime::parse(b"20120618135610Z"),
            Some(datetime!(2012-06-18 13:56:10 UTC))
        );
        assert_eq!(
            LenientGeneralizedTime::parse(b"20120618135610.612Z"),
            Some(datetime!(2012-06-18 13:56:10.612 UTC))
        );
        for bad in [
            &b"20120618135610"[..],
            b"20120618135610+0700",
            b"2012061813561Z",
            b"20121318135610Z",
            b"20120618135610.Z",
            b"2012061813561aZ",
            b"",
        ] {
            assert_eq!(LenientGeneralizedTime::parse(bad), None, "{bad:?}");
        }
        // Decoded from DER, and written back byte for byte.
        let der = [
            0x18, 0x13, b'2', b'0', b'1', b'2', b'0', b'6', b'1', b'8', b'1', b'3', b'5', b'6',
            b'1', b'0', b'.', b'6', b'1', b'2', b'Z',
        ];
        let time = LenientGeneralizedTime::from_der(&der).unwrap();
        assert_eq!(time.at, datetime!(2012-06-18 13:56:10.612 UTC));
        assert_eq!(time.to_der().unwrap(), der);
    }

    #[test]
    fn enumerated_round_trip_and_limits() {
        for (value, der) in [
            (0u32, &[0x0a, 0x01, 0x00][..]),
            (6, &[0x0a, 0x01, 0x06]),
            (200, &[0x0a, 0x02, 0x00, 0xc8]),
        ] {
            assert_eq!(Enumerated::from_der(der).unwrap(), Enumerated(value));
            assert_eq!(Enumerated(value).to_der().unwrap(), der);
        }
        assert!(Enumerated::from_der(&[0x0a, 0x01, 0xff]).is_err());
        assert!(Enumerated::from_der(&[0x0a, 0x00]).is_err());
        assert!(Enumerated::from_der(&[0x0a, 0x06, 1, 2, 3, 4, 5, 6]).is_err());
    }
}
