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
    /// Each element of `crls` (RevocationInfoChoice: a CertificateList, an
    /// `OtherRevocationInfoFormat`, tagged `[1]` or, as some writers do, untagged).
    pub revocation_info: Vec<Tlv<'a>>,
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
    /// The `unsignedAttrs [1] IMPLICIT` TLV as encoded (tag 0xA1), if present.
    pub unsigned_attributes: Option<&'a [u8]>,
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
    let mut revocation_info = Vec::new();
    for field in &fields[3..fields.len() - 1] {
        match field.tag_byte() {
            Some(0xa0) => certificates.extend(
                children(field.content, 3)?
                    .into_iter()
                    .filter(|c| c.tag_byte() == Some(0x30))
                    .map(|c| c.whole),
            ),
            Some(0xa1) => revocation_info.extend(children(field.content, 3)?),
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
        // version, sid (SEQUENCE or [0] primitive), digestAlgorithm, [0] signedAttrs?,
        // signatureAlgorithm, signature, [1] unsignedAttrs?
        let info_fields = children(info.content, 4)?;
        let signed_attributes = info_fields
            .get(3)
            .filter(|field| field.tag_byte() == Some(0xa0))
            .map(|field| field.whole);
        let unsigned_attributes = info_fields
            .last()
            .filter(|field| info_fields.len() > 5 && field.tag_byte() == Some(0xa1))
            .map(|field| field.whole);
        infos.push(RawSignerInfo {
            whole: info.whole,
            signed_attributes,
            unsigned_attributes,
        });
    }
    Ok(RawSignedData {
        encap_content_info: *encap,
        certificates,
        revocation_info,
        signer_infos: infos,
        indefinite_lengths,
    })
}

/// One attribute of a SignedAttributes / UnsignedAttributes SET, as encoded.
#[derive(Debug, Clone)]
pub(crate) struct RawAttribute<'a> {
    /// The attribute type's OID TLV.
    pub oid: &'a [u8],
    /// Each value of `attrValues`, as its whole TLV.
    pub values: Vec<&'a [u8]>,
}

/// The attributes of a `[0]`/`[1]`/SET OF Attribute TLV (RFC 5652 §5.3), in encoded order.
pub(crate) fn attributes(set: &[u8]) -> Result<Vec<RawAttribute<'_>>, CmsError> {
    let (outer, _) = read_tlv(set, 0)?;
    let mut out = Vec::new();
    for attribute in children(outer.content, 0)? {
        let fields = children(attribute.content, 1)?;
        let [oid, values] = fields.as_slice() else {
            return Err(malformed("Attribute is not { type, values }"));
        };
        if oid.tag_byte() != Some(0x06) || values.tag_byte() != Some(0x31) {
            return Err(malformed("Attribute fields out of place"));
        }
        out.push(RawAttribute {
            oid: oid.whole,
            values: children(values.content, 2)?
                .into_iter()
                .map(|v| v.whole)
                .collect(),
        });
    }
    Ok(out)
}

/// Whether the elements of a SET OF are in DER order (X.690 §11.6: ascending as octet strings,
/// the shorter padded with zero octets at its end) and the SET has a definite length.
pub(crate) fn is_der_sorted_set(set: &[u8]) -> bool {
    let Ok((outer, _)) = read_tlv(set, 0) else {
        return false;
    };
    let Ok(elements) = children(outer.content, 0) else {
        return false;
    };
    !outer.indefinite
        && elements.windows(2).all(|pair| {
            let (a, b) = (pair[0].whole, pair[1].whole);
            let len = a.len().max(b.len());
            let padded = |x: &[u8], i: usize| x.get(i).copied().unwrap_or(0);
            (0..len)
                .map(|i| padded(a, i).cmp(&padded(b, i)))
                .find(|o| o.is_ne())
                .is_none_or(|o| o.is_lt())
        })
}

/// The octets of an OCTET STRING, primitive (DER) or constructed from segments (BER,
/// X.690 §8.7.3), bounded by the input's own size.
pub(crate) fn octet_string(tlv: &Tlv<'_>, depth: usize) -> Result<Vec<u8>, CmsError> {
    match tlv.tag_byte() {
        Some(0x04) => Ok(tlv.content.to_vec()),
        Some(0x24) => {
            let mut out = Vec::new();
            for segment in children(tlv.content, depth + 1)? {
                out.extend(octet_string(&segment, depth + 1)?);
            }
            Ok(out)
        }
        _ => Err(malformed("not an OCTET STRING")),
    }
}

/// The `eContent` octets of an EncapsulatedContentInfo (`SEQUENCE { eContentType,
/// [0] EXPLICIT OCTET STRING OPTIONAL }`), `None` when detached.
pub(crate) fn encapsulated_content(encap: &Tlv<'_>) -> Result<Option<Vec<u8>>, CmsError> {
    let fields = children(encap.content, 3)?;
    match fields.get(1) {
        None => Ok(None),
        Some(explicit) if explicit.tag_byte() == Some(0xa0) => {
            let inner = children(explicit.content, 4)?;
            let [octets] = inner.as_slice() else {
                return Err(malformed("eContent must hold one OCTET STRING"));
            };
            octet_string(octets, 4).map(Some)
        }
        Some(_) => Err(malformed("eContent is not [0]")),
    }
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
    fn der_order_of_a_set_is_judged_on_the_encodings() {
        // SET { OCTET STRING 02, OCTET STRING 01 }: out of order.
        let unsorted = [0x31, 0x06, 0x04, 0x01, 0x02, 0x04, 0x01, 0x01];
        let sorted = [0x31, 0x06, 0x04, 0x01, 0x01, 0x04, 0x01, 0x02];
        assert!(!is_der_sorted_set(&unsorted));
        assert!(is_der_sorted_set(&sorted));
        // The shorter encoding is padded with zeros: 04 01 01 < 04 02 01 00.
        let padded = [0x31, 0x07, 0x04, 0x01, 0x01, 0x04, 0x02, 0x01, 0x00];
        assert!(is_der_sorted_set(&padded));
        // An indefinite length is not DER, whatever the order.
        let indefinite = [0x31, 0x80, 0x04, 0x01, 0x01, 0x00, 0x00];
        assert!(!is_der_sorted_set(&indefinite));
        assert!(!is_der_sorted_set(&[0x31]));
    }

    #[test]
    fn constructed_octet_strings_and_econtent() {
        // EncapsulatedContentInfo { id-data, [0] { OCTET STRING (constructed) { "ab", "c" } } }
        let encap = [
            0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01, 0xa0,
            0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00,
        ];
        let (tlv, _) = read_tlv(&encap, 0).unwrap();
        assert_eq!(encapsulated_content(&tlv).unwrap(), Some(b"abc".to_vec()));
        // Detached: no eContent.
        let detached = [
            0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
        ];
        let (tlv, _) = read_tlv(&detached, 0).unwrap();
        assert_eq!(encapsulated_content(&tlv).unwrap(), None);
        // Attributes: { contentType { id-data } } read in order with their values.
        let set = [
            0x31, 0x18, 0x30, 0x16, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09,
            0x03, 0x31, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
        ];
        let read = attributes(&set).unwrap();
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].oid, &set[4..15]);
        assert_eq!(read[0].values, [&set[17..]]);
        // Cut short anywhere: an error, never a panic.
        for len in 0..set.len() {
            assert!(attributes(&set[..len]).is_err(), "{len}");
        }
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
