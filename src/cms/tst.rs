//! The TSTInfo of an RFC 3161 time-stamp token, read leniently.
//!
//! RFC 3161 §2.4.2:
//!
//! ```text
//! TSTInfo ::= SEQUENCE  {
//!    version                      INTEGER  { v1(1) },
//!    policy                       TSAPolicyId,
//!    messageImprint               MessageImprint,
//!    serialNumber                 INTEGER,
//!    genTime                      GeneralizedTime,
//!    accuracy                     Accuracy                 OPTIONAL,
//!    ordering                     BOOLEAN             DEFAULT FALSE,
//!    nonce                        INTEGER                  OPTIONAL,
//!    tsa                          [0] GeneralName          OPTIONAL,
//!    extensions                   [1] IMPLICIT Extensions  OPTIONAL  }
//!
//! MessageImprint ::= SEQUENCE  {
//!    hashAlgorithm                AlgorithmIdentifier,
//!    hashedMessage                OCTET STRING  }
//!
//! Accuracy ::= SEQUENCE {
//!    seconds        INTEGER              OPTIONAL,
//!    millis     [0] INTEGER  (1..999)    OPTIONAL,
//!    micros     [1] INTEGER  (1..999)    OPTIONAL  }
//! ```
//!
//! Why not `der`'s `GeneralizedTime` or the `x509-tsp` crate: RFC 3161 lets genTime carry
//! fractions of a second (`20120618135610.612Z`), which `der` refuses, and `x509-tsp` exists
//! only for der 0.7. Real tokens also come BER-encoded. So this module walks the TLVs with the
//! crate's BER reader and parses genTime itself.

use const_oid::ObjectIdentifier;
use der::Decode;
use serde::Serialize;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use super::CmsError;
use super::digest::DigestAlgorithm;
use super::raw::{self, Tlv};

/// The fields of a TSTInfo a validator uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TstInfo {
    /// `version` (1).
    pub version: i64,
    /// The TSA's policy.
    #[serde(serialize_with = "serialize_oid")]
    pub policy: ObjectIdentifier,
    /// messageImprint.hashAlgorithm as written.
    #[serde(serialize_with = "serialize_oid")]
    pub imprint_algorithm_oid: ObjectIdentifier,
    /// … and as known.
    pub imprint_algorithm: Option<DigestAlgorithm>,
    /// messageImprint.hashedMessage.
    #[serde(with = "hex_bytes")]
    pub hashed_message: Vec<u8>,
    /// serialNumber, upper-case hex of its content octets.
    pub serial_hex: String,
    /// genTime.
    #[serde(serialize_with = "serialize_time")]
    pub gen_time: OffsetDateTime,
    /// genTime as written.
    pub gen_time_text: String,
    /// accuracy, in microseconds, when given.
    pub accuracy_micros: Option<u64>,
    /// ordering.
    pub ordering: bool,
    /// nonce, hex, when given.
    pub nonce_hex: Option<String>,
}

fn serialize_oid<S: serde::Serializer>(oid: &ObjectIdentifier, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(oid)
}

fn serialize_time<S: serde::Serializer>(at: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    use time::format_description::well_known::Rfc3339;
    s.serialize_str(&at.format(&Rfc3339).map_err(serde::ser::Error::custom)?)
}

mod hex_bytes {
    pub fn serialize<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }
}

fn malformed(detail: impl Into<String>) -> CmsError {
    CmsError::Malformed {
        what: "TSTInfo",
        detail: detail.into(),
    }
}

impl TstInfo {
    /// Reads a TSTInfo (DER or BER).
    pub fn parse(bytes: &[u8]) -> Result<TstInfo, CmsError> {
        let (outer, rest) = raw::read_tlv(bytes, 0)?;
        if outer.tag_byte() != Some(0x30) || rest.iter().any(|&b| b != 0) {
            return Err(malformed("not a single SEQUENCE"));
        }
        let fields = raw::children(outer.content, 1)?;
        let mut fields = fields.iter();
        let mut next = |what: &str| {
            fields
                .next()
                .ok_or_else(|| malformed(format!("{what} missing")))
        };
        let version = integer_i64(next("version")?)?;
        let policy = oid(next("policy")?)?;
        let imprint = next("messageImprint")?;
        let serial = next("serialNumber")?;
        let gen_time = next("genTime")?;
        if serial.tag_byte() != Some(0x02) {
            return Err(malformed("serialNumber is not an INTEGER"));
        }
        if gen_time.tag_byte() != Some(0x18) {
            return Err(malformed("genTime is not a GeneralizedTime"));
        }
        let gen_time_text = String::from_utf8_lossy(gen_time.content).into_owned();
        let gen_time_value = parse_generalized_time(gen_time.content)
            .ok_or_else(|| malformed(format!("genTime {gen_time_text:?}")))?;

        let imprint_fields = raw::children(imprint.content, 2)?;
        let [algorithm, hashed] = imprint_fields.as_slice() else {
            return Err(malformed(
                "messageImprint is not { hashAlgorithm, hashedMessage }",
            ));
        };
        let algorithm_fields = raw::children(algorithm.content, 3)?;
        let imprint_algorithm_oid = oid(algorithm_fields
            .first()
            .ok_or_else(|| malformed("hashAlgorithm empty"))?)?;
        let hashed_message = raw::octet_string(hashed, 2)?;

        let mut info = TstInfo {
            version,
            policy,
            imprint_algorithm: DigestAlgorithm::from_oid(&imprint_algorithm_oid),
            imprint_algorithm_oid,
            hashed_message,
            serial_hex: hex::encode_upper(serial.content),
            gen_time: gen_time_value,
            gen_time_text,
            accuracy_micros: None,
            ordering: false,
            nonce_hex: None,
        };
        // The optional fields, each recognised by its tag.
        for field in fields {
            match field.tag_byte() {
                Some(0x30) => info.accuracy_micros = accuracy(field),
                Some(0x01) => info.ordering = field.content.first().is_some_and(|&b| b != 0),
                Some(0x02) => info.nonce_hex = Some(hex::encode(field.content)),
                _ => {} // tsa [0], extensions [1]: not used here
            }
        }
        Ok(info)
    }
}

fn oid(tlv: &Tlv<'_>) -> Result<ObjectIdentifier, CmsError> {
    ObjectIdentifier::from_der(tlv.whole).map_err(|e| malformed(format!("OID: {e}")))
}

fn integer_i64(tlv: &Tlv<'_>) -> Result<i64, CmsError> {
    if tlv.tag_byte() != Some(0x02) || tlv.content.is_empty() || tlv.content.len() > 8 {
        return Err(malformed("version is not a small INTEGER"));
    }
    let negative = tlv.content[0] & 0x80 != 0;
    let start: i64 = if negative { -1 } else { 0 };
    Ok(tlv
        .content
        .iter()
        .fold(start, |acc, &b| (acc << 8) | i64::from(b)))
}

/// Accuracy in microseconds; `None` if it does not read.
fn accuracy(tlv: &Tlv<'_>) -> Option<u64> {
    let mut micros = 0u64;
    for field in raw::children(tlv.content, 2).ok()? {
        let value = field
            .content
            .iter()
            .take(8)
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        micros = micros.saturating_add(match field.tag_byte()? {
            0x02 => value.saturating_mul(1_000_000),
            0x80 => value.saturating_mul(1_000),
            0x81 => value,
            _ => return None,
        });
    }
    Some(micros)
}

/// `YYYYMMDDhhmmss[.f…]Z` (RFC 3161 §2.4.2: UTC, seconds present, fraction optional). A
/// comma is accepted for the decimal sign as X.680 allows; the fraction is kept to the
/// nanosecond.
pub fn parse_generalized_time(text: &[u8]) -> Option<OffsetDateTime> {
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let year = i32::try_from(digits(0..4)?).ok()?;
    let month = Month::try_from(u8::try_from(digits(4..6)?).ok()?).ok()?;
    let day = u8::try_from(digits(6..8)?).ok()?;
    let hour = u8::try_from(digits(8..10)?).ok()?;
    let minute = u8::try_from(digits(10..12)?).ok()?;
    let second = u8::try_from(digits(12..14)?).ok()?;
    let mut rest = text.get(14..)?;
    let mut nanos = 0u32;
    if let [b'.' | b',', fraction @ ..] = rest {
        let count = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if count == 0 {
            return None;
        }
        for (i, &b) in fraction[..count].iter().enumerate().take(9) {
            nanos += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
        }
        rest = &fraction[count..];
    }
    if rest != b"Z" {
        return None;
    }
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let time = Time::from_hms_nano(hour, minute, second, nanos).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gen_time_with_and_without_fraction() {
        let plain = parse_generalized_time(b"20240131235959Z").unwrap();
        assert_eq!(plain.unix_timestamp(), 1_706_745_599);
        let fraction = parse_generalized_time(b"20120618135610.612Z").unwrap();
        assert_eq!(fraction.millisecond(), 612);
        assert_eq!(fraction.second(), 10);
        assert!(parse_generalized_time(b"20120618135610.Z").is_none());
        assert!(parse_generalized_time(b"20120618135610").is_none());
        assert!(parse_generalized_time(b"20121318135610Z").is_none());
        assert!(parse_generalized_time(b"2012061813561xZ").is_none());
        assert!(parse_generalized_time(b"").is_none());
        assert!(parse_generalized_time(b"20120618135610+0700").is_none());
    }

    #[test]
    fn tst_info_with_fractional_time_reads() {
        // SEQUENCE { 1, policy 1.2.3, { { sha256 }, OCTET STRING(32) }, serial 0x1234,
        //            GeneralizedTime "20120618135610.612Z", accuracy { seconds 1 }, nonce 7 }
        let mut imprint = vec![0x30, 0x2f, 0x30, 0x0b, 0x06, 0x09];
        imprint.extend(hex::decode("608648016503040201").unwrap());
        imprint.extend([0x04, 0x20]);
        imprint.extend([0xab; 32]);
        let mut body = vec![0x02, 0x01, 0x01, 0x06, 0x02, 0x2a, 0x03];
        body.extend(&imprint);
        body.extend([0x02, 0x02, 0x12, 0x34]);
        body.extend([0x18, 0x13]);
        body.extend(b"20120618135610.612Z");
        body.extend([0x30, 0x03, 0x02, 0x01, 0x01]);
        body.extend([0x02, 0x01, 0x07]);
        let mut der = vec![0x30, body.len() as u8];
        der.extend(body);
        let info = TstInfo::parse(&der).unwrap();
        assert_eq!(info.version, 1);
        assert_eq!(info.policy.to_string(), "1.2.3");
        assert_eq!(info.imprint_algorithm, Some(DigestAlgorithm::Sha256));
        assert_eq!(info.hashed_message, vec![0xab; 32]);
        assert_eq!(info.serial_hex, "1234");
        assert_eq!(info.gen_time.millisecond(), 612);
        assert_eq!(info.accuracy_micros, Some(1_000_000));
        assert_eq!(info.nonce_hex.as_deref(), Some("07"));
        // Truncations are errors, never panics.
        for len in 0..der.len() {
            assert!(TstInfo::parse(&der[..len]).is_err(), "{len}");
        }
    }
}
