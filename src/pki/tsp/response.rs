//! The time-stamp response (RFC 3161 §2.4.2), as far as the client reads it: the status, and
//! the token's bytes exactly as the TSA sent them (the token is embedded byte for byte; it is
//! checked by [`crate::verify::timestamp`], as any token found in a file).
//!
//! ```text
//! TimeStampResp ::= SEQUENCE  {
//!    status                  PKIStatusInfo,
//!    timeStampToken          TimeStampToken     OPTIONAL  }
//!
//! PKIStatusInfo ::= SEQUENCE {
//!    status        PKIStatus,
//!    statusString  PKIFreeText     OPTIONAL,
//!    failInfo      PKIFailureInfo  OPTIONAL  }
//!
//! PKIStatus ::= INTEGER { granted (0), grantedWithMods (1), rejection (2), waiting (3),
//!                         revocationWarning (4), revocationNotification (5) }
//! PKIFreeText ::= SEQUENCE SIZE (1..MAX) OF UTF8String
//! PKIFailureInfo ::= BIT STRING { badAlg (0), badRequest (2), badDataFormat (5),
//!    timeNotAvailable (14), unacceptedPolicy (15), unacceptedExtension (16),
//!    addInfoNotAvailable (17), systemFailure (25) }
//! ```
//!
//! The response is read as DER: TSAs encode it so (OpenSSL, BouncyCastle, EJBCA), and a
//! response that is not DER is refused as malformed rather than repaired.

use der::asn1::BitString;
use der::{Decode, Reader, Sequence, SliceReader};

/// PKIStatus values that carry a token.
const GRANTED: u8 = 0;
const GRANTED_WITH_MODS: u8 = 1;

/// The PKIFailureInfo bits RFC 3161 defines, with their names.
const FAILURE_BITS: &[(usize, &str)] = &[
    (0, "badAlg"),
    (2, "badRequest"),
    (5, "badDataFormat"),
    (14, "timeNotAvailable"),
    (15, "unacceptedPolicy"),
    (16, "unacceptedExtension"),
    (17, "addInfoNotAvailable"),
    (25, "systemFailure"),
];

#[derive(Debug, Clone, Sequence)]
struct PkiStatusInfo {
    status: u8,
    status_string: Option<Vec<String>>,
    fail_info: Option<BitString>,
}

/// What the TSA said about the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsaStatus {
    /// PKIStatus (0 granted, 1 grantedWithMods, 2 rejection, 3 waiting, 4/5 revocation
    /// warning/notification).
    pub status: u8,
    /// statusString, its lines joined.
    pub text: Option<String>,
    /// The PKIFailureInfo bits set, by name (unknown bits as `bit N`).
    pub failures: Vec<String>,
}

impl TsaStatus {
    /// Whether the status says a token was issued.
    pub fn is_granted(&self) -> bool {
        matches!(self.status, GRANTED | GRANTED_WITH_MODS)
    }

    /// The status's name in RFC 3161.
    pub fn name(&self) -> &'static str {
        match self.status {
            0 => "granted",
            1 => "grantedWithMods",
            2 => "rejection",
            3 => "waiting",
            4 => "revocationWarning",
            5 => "revocationNotification",
            _ => "unknown",
        }
    }

    /// A one-line technical description: status, failure bits, the TSA's text.
    pub fn describe(&self) -> String {
        let mut out = format!("{} ({})", self.name(), self.status);
        if !self.failures.is_empty() {
            out.push_str(&format!(", failInfo {}", self.failures.join(", ")));
        }
        if let Some(text) = &self.text {
            out.push_str(&format!(", \"{text}\""));
        }
        out
    }
}

/// A TimeStampResp: the status, and the token's DER when one came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeStampResponse {
    pub status: TsaStatus,
    /// The TimeStampToken (a ContentInfo), byte for byte.
    pub token: Option<Vec<u8>>,
}

impl TimeStampResponse {
    /// Reads a TimeStampResp (DER). Nothing may follow it.
    pub fn from_der(bytes: &[u8]) -> der::Result<Self> {
        let mut reader = SliceReader::new(bytes)?;
        let response = reader.sequence(|r: &mut SliceReader<'_>| {
            let info = PkiStatusInfo::decode(r)?;
            let token = if r.is_finished() {
                None
            } else {
                Some(r.tlv_bytes()?.to_vec())
            };
            Ok::<_, der::Error>(TimeStampResponse {
                status: TsaStatus {
                    status: info.status,
                    text: info.status_string.map(|lines| lines.join(" / ")),
                    failures: info
                        .fail_info
                        .as_ref()
                        .map(failure_names)
                        .unwrap_or_default(),
                },
                token,
            })
        })?;
        reader.finish()?;
        Ok(response)
    }
}

/// The names of the bits set in a PKIFailureInfo (bit 0 is the first octet's high bit).
fn failure_names(bits: &BitString) -> Vec<String> {
    let bytes = bits.raw_bytes();
    let total = bytes.len() * 8 - usize::from(bits.unused_bits());
    (0..total)
        .filter(|&i| bytes[i / 8] & (0x80 >> (i % 8)) != 0)
        .map(|i| {
            FAILURE_BITS
                .iter()
                .find(|(bit, _)| *bit == i)
                .map_or_else(|| format!("bit {i}"), |(_, name)| (*name).to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejection_with_fail_info_and_text() {
        // SEQUENCE { SEQUENCE { INTEGER 2, SEQUENCE { UTF8String "no" }, BIT STRING badAlg } }
        let der = [
            0x30, 0x0f, 0x30, 0x0d, 0x02, 0x01, 0x02, 0x30, 0x04, 0x0c, 0x02, b'n', b'o', 0x03,
            0x02, 0x07, 0x80,
        ];
        let response = TimeStampResponse::from_der(&der).unwrap();
        assert!(!response.status.is_granted());
        assert_eq!(response.status.name(), "rejection");
        assert_eq!(response.status.failures, ["badAlg"]);
        assert_eq!(response.status.text.as_deref(), Some("no"));
        assert_eq!(response.token, None);
        assert_eq!(
            response.status.describe(),
            "rejection (2), failInfo badAlg, \"no\""
        );
    }

    #[test]
    fn granted_keeps_the_token_bytes() {
        let der = [
            0x30, 0x09, 0x30, 0x03, 0x02, 0x01, 0x00, 0x30, 0x02, 0x05, 0x00,
        ];
        let response = TimeStampResponse::from_der(&der).unwrap();
        assert!(response.status.is_granted());
        assert_eq!(
            response.token.as_deref(),
            Some(&[0x30, 0x02, 0x05, 0x00][..])
        );
    }

    #[test]
    fn truncated_or_trailing_bytes_are_errors() {
        let der = [
            0x30, 0x09, 0x30, 0x03, 0x02, 0x01, 0x00, 0x30, 0x02, 0x05, 0x00,
        ];
        for len in 0..der.len() {
            assert!(TimeStampResponse::from_der(&der[..len]).is_err(), "{len}");
        }
        let mut trailing = der.to_vec();
        trailing.push(0);
        assert!(TimeStampResponse::from_der(&trailing).is_err());
    }
}
