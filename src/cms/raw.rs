//! The original bytes inside a CMS SignedData: each certificate's TLV, and each SignerInfo's
//! signed attributes exactly as the signer encoded them.
//!
//! Decoding into `cms` types loses both: `der` sorts a SET OF silently while decoding, so
//! re-encoding signed attributes that were not in DER order gives other bytes than the ones
//! signed (and a forged reordering would pass a check done that way), and re-encoding a
//! certificate is not always byte-exact. So this module walks the TLVs itself and reports
//! slices of the input.
//!
//! The walker is written by hand because `der`'s readers hide whether a BER length was
//! indefinite and where its end-of-contents octets are, which is exactly what slicing needs.
//! It reads BER (definite and indefinite lengths), never indexes out of bounds, limits the
//! nesting depth, and only looks as deep as the SignerInfo.

use super::CmsError;

/// Nesting deeper than this is refused (a SignedData needs about 10 levels).
const MAX_DEPTH: usize = 64;

/// One tag-length-value, as slices of the input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    /// The identifier octets.
    pub tag: &'a [u8],
    /// The whole encoding, from the identifier to the end (end-of-contents octets included).
    pub whole: &'a [u8],
    /// The contents (without end-of-contents octets).
    pub content: &'a [u8],
    /// The length was indefinite (BER).
    pub indefinite: bool,
}

impl Tlv<'_> {
    /// The identifier when it is a single octet (tag numbers up to 30), else `None`.
    pub fn tag_byte(&self) -> Option<u8> {
        match self.tag {
            [single] => Some(*single),
            _ => None,
        }
    }
}

fn malformed(detail: &str) -> CmsError {
    CmsError::Malformed {
        what: "BER encoding",
        detail: detail.to_owned(),
    }
}

/// Reads one TLV from the start of `input`; returns it and the bytes after it.
pub(crate) fn read_tlv(input: &[u8], depth: usize) -> Result<(Tlv<'_>, &[u8]), CmsError> {
    if depth > MAX_DEPTH {
        return Err(malformed("nesting too deep"));
    }
    let first = *input.first().ok_or_else(|| malformed("truncated tag"))?;
    let constructed = first & 0x20 != 0;
    // Identifier: one octet, or 0x1f followed by base-128 octets (at most 4 here).
    let mut tag_len = 1;
    if first & 0x1f == 0x1f {
        loop {
            let b = *input
                .get(tag_len)
                .ok_or_else(|| malformed("truncated tag"))?;
            tag_len += 1;
            if b & 0x80 == 0 {
                break;
            }
            if tag_len > 5 {
                return Err(malformed("tag number too large"));
            }
        }
    }
    let length_octet = *input
        .get(tag_len)
        .ok_or_else(|| malformed("truncated length"))?;
    let mut header_len = tag_len + 1;
    let tag = &input[..tag_len.min(input.len())];

    if length_octet == 0x80 {
        // Indefinite length: only for constructed encodings; contents run to 00 00.
        if !constructed {
            return Err(malformed("indefinite length on a primitive encoding"));
        }
        let body = input.get(header_len..).unwrap_or_default();
        let mut rest = body;
        loop {
            if let [0, 0, ..] = rest {
                let content_len = body.len() - rest.len();
                let total = header_len + content_len + 2;
                let whole = input.get(..total).ok_or_else(|| malformed("truncated"))?;
                let content = body
                    .get(..content_len)
                    .ok_or_else(|| malformed("truncated"))?;
                let after = input.get(total..).unwrap_or_default();
                return Ok((
                    Tlv {
                        tag,
                        whole,
                        content,
                        indefinite: true,
                    },
                    after,
                ));
            }
            if rest.is_empty() {
                return Err(malformed("missing end-of-contents"));
            }
            let (_, after) = read_tlv(rest, depth + 1)?;
            rest = after;
        }
    }

    let length = if length_octet < 0x80 {
        usize::from(length_octet)
    } else {
        let count = usize::from(length_octet & 0x7f);
        if count > 4 {
            return Err(malformed("length too large"));
        }
        let octets = input
            .get(header_len..header_len + count)
            .ok_or_else(|| malformed("truncated length"))?;
        header_len += count;
        octets
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
    };
    let end = header_len
        .checked_add(length)
        .ok_or_else(|| malformed("length overflow"))?;
    let whole = input
        .get(..end)
        .ok_or_else(|| malformed("truncated contents"))?;
    let content = whole.get(header_len..).unwrap_or_default();
    let after = input.get(end..).unwrap_or_default();
    Ok((
        Tlv {
            tag,
            whole,
            content,
            indefinite: false,
        },
        after,
    ))
}

/// The TLVs that make up `content`, in order.
pub(crate) fn children(content: &[u8], depth: usize) -> Result<Vec<Tlv<'_>>, CmsError> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let (tlv, after) = read_tlv(rest, depth + 1)?;
        out.push(tlv);
        rest = after;
    }
    Ok(out)
}

/// The parts of a SignedData that must be read from the original bytes.
#[derive(Debug)]
pub(crate) struct RawSignedData<'a> {
    /// `encapContentInfo`.
    pub encap_content_info: Tlv<'a>,
    /// The X.509 certificates of `certificates` (other choices skipped), in order.
    pub certificates: Vec<&'a [u8]>,
    /// Each SignerInfo of `signerInfos`.
    pub signer_infos: Vec<RawSignerInfo<'a>>,
    /// Some length in the path to the SignerInfos was indefinite (BER, not DER).
    pub indefinite_lengths: bool,
}

/// One SignerInfo.
#[derive(Debug)]
pub(crate) struct RawSignerInfo<'a> {
    /// The whole SignerInfo TLV.
    pub whole: &'a [u8],
    /// The `signedAttrs [0] IMPLICIT` TLV as encoded (tag 0xA0), if present.
    pub signed_attributes: Option<&'a [u8]>,
}

/// DER of the OID id-signedData (1.2.840.113549.1.7.2), to compare without decoding.
const ID_SIGNED_DATA_TLV: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02,
];

/// Walks `ContentInfo → [0] → SignedData → signerInfos → SignerInfo → [0]`. Bytes after the
/// ContentInfo must be zeros (the padding of a PDF `/Contents` placeholder).
pub(crate) fn signed_data(cms: &[u8]) -> Result<RawSignedData<'_>, CmsError> {
    let (content_info, trailing) = read_tlv(cms, 0)?;
    if trailing.iter().any(|&b| b != 0) {
        return Err(malformed("data after the ContentInfo"));
    }
    if content_info.tag_byte() != Some(0x30) {
        return Err(malformed("ContentInfo is not a SEQUENCE"));
    }
    let parts = children(content_info.content, 0)?;
    let [content_type, explicit, ..] = parts.as_slice() else {
        return Err(malformed("ContentInfo too short"));
    };
    if content_type.whole != ID_SIGNED_DATA_TLV {
        return Err(CmsError::NotSignedData {
            content_type: der::Decode::from_der(content_type.whole)
                .map(|oid: const_oid::ObjectIdentifier| oid.to_string())
                .unwrap_or_else(|_| hex::encode(content_type.whole)),
        });
    }
    if explicit.tag_byte() != Some(0xa0) {
        return Err(malformed("ContentInfo content is not [0]"));
    }
    let inner = children(explicit.content, 1)?;
    let [signed_data] = inner.as_slice() else {
        return Err(malformed("[0] must hold one SignedData"));
    };
    if signed_data.tag_byte() != Some(0x30) {
        return Err(malformed("SignedData is not a SEQUENCE"));
    }
    let fields = children(signed_data.content, 2)?;
    // version, digestAlgorithms, encapContentInfo, [0] certificates?, [1] crls?, signerInfos
    let (Some(encap), Some(signer_infos)) = (fields.get(2), fields.last()) else {
        return Err(malformed("SignedData too short"));
    };
    if fields.len() < 4 || encap.tag_byte() != Some(0x30) || signer_infos.tag_byte() != Some(0x31) {
        return Err(malformed("SignedData fields out of place"));
    }
    let mut certificates = Vec::new();
    for field in &fields[3..fields.len() - 1] {
        match field.tag_byte() {
            Some(0xa0) => certificates.extend(
                children(field.content, 3)?
                    .into_iter()
                    .filter(|c| c.tag_byte() == Some(0x30))
                    .map(|c| c.whole),
            ),
            Some(0xa1) => {} // crls: read by the revocation layer, not here
            _ => return Err(malformed("unexpected SignedData field")),
        }
    }
    let mut indefinite_lengths = content_info.indefinite
        || explicit.indefinite
        || signed_data.indefinite
        || signer_infos.indefinite;
    let mut infos = Vec::new();
    for info in children(signer_infos.content, 3)? {
        if info.tag_byte() != Some(0x30) {
            return Err(malformed("SignerInfo is not a SEQUENCE"));
        }
        indefinite_lengths |= info.indefinite;
        // version, sid (SEQUENCE or [0] primitive), digestAlgorithm, [0] signedAttrs?, …
        let signed_attributes = children(info.content, 4)?
            .into_iter()
            .skip(3)
            .take(1)
            .find(|field| field.tag_byte() == Some(0xa0))
            .map(|field| field.whole);
        infos.push(RawSignerInfo {
            whole: info.whole,
            signed_attributes,
        });
    }
    Ok(RawSignedData {
        encap_content_info: *encap,
        certificates,
        signer_infos: infos,
        indefinite_lengths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definite_and_indefinite_lengths() {
        // SEQUENCE (indefinite) { INTEGER 5, [0] (indefinite) { OCTET STRING "ab" } } 00 00
        let ber = [
            0x30, 0x80, 0x02, 0x01, 0x05, 0xa0, 0x80, 0x04, 0x02, b'a', b'b', 0x00, 0x00, 0x00,
            0x00,
        ];
        let (tlv, rest) = read_tlv(&ber, 0).unwrap();
        assert!(rest.is_empty() && tlv.indefinite);
        assert_eq!(tlv.whole.len(), ber.len());
        let kids = children(tlv.content, 0).unwrap();
        assert_eq!(kids.len(), 2);
        assert_eq!(kids[0].whole, &[0x02, 0x01, 0x05]);
        assert_eq!(kids[1].content, &[0x04, 0x02, b'a', b'b']);

        // Long-form definite length.
        let mut long = vec![0x04, 0x81, 0x80];
        long.extend([7u8; 128]);
        let (tlv, _) = read_tlv(&long, 0).unwrap();
        assert_eq!(tlv.content.len(), 128);
    }

    #[test]
    fn hostile_encodings_are_errors_not_panics() {
        for bad in [
            &[][..],
            &[0x30],
            &[0x30, 0x05, 0x01],
            &[0x30, 0x85, 1, 2, 3, 4, 5],
            &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
            &[0x04, 0x80, 0x00, 0x00],
            &[0x30, 0x80, 0x02, 0x01, 0x05],
            &[0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00],
        ] {
            assert!(read_tlv(bad, 0).is_err(), "{bad:02x?}");
        }
        // Deep nesting of indefinite lengths stops at the depth limit.
        let mut deep = Vec::new();
        for _ in 0..10_000 {
            deep.extend([0x30, 0x80]);
        }
        assert!(read_tlv(&deep, 0).is_err());
    }
}
