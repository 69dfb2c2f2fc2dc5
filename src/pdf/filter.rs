//! Stream filters (ISO 32000-1 §7.4): `/FlateDecode` with PNG and TIFF predictors.
//!
//! That is all cross-reference streams and object streams use in practice. Other filters give
//! [`PdfError::UnsupportedFilter`]. Output is bounded, so a small "zip bomb" stream cannot take
//! the machine's memory.

use std::io::Read;

use flate2::read::ZlibDecoder;

use super::error::{Limit, PdfError, Result};
use super::object::{Dictionary, Object};

/// One filter of a stream's `/Filter` list with its `/DecodeParms`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FilterStep {
    pub name: Vec<u8>,
    pub params: Option<Dictionary>,
}

/// The filters of a stream dictionary, in application order. `/Filter` and `/DecodeParms` must
/// already be direct (the document resolves them before calling this).
pub(crate) fn filter_steps(dict: &Dictionary, offset: u64) -> Result<Vec<FilterStep>> {
    let bad = |what| PdfError::Syntax { offset, what };
    let names: Vec<Vec<u8>> = match dict.get(b"Filter") {
        None | Some(Object::Null) => return Ok(Vec::new()),
        Some(Object::Name(n)) => vec![n.clone()],
        Some(Object::Array(items)) => items
            .iter()
            .map(|o| o.as_name().map(<[u8]>::to_vec))
            .collect::<Option<_>>()
            .ok_or_else(|| bad("/Filter array holds a non-name"))?,
        Some(_) => return Err(bad("/Filter is neither a name nor an array")),
    };
    let params: Vec<Option<Dictionary>> = match dict.get(b"DecodeParms") {
        None | Some(Object::Null) => vec![None; names.len()],
        Some(Object::Dictionary(d)) => vec![Some(d.clone())],
        Some(Object::Array(items)) => items
            .iter()
            .map(|o| match o {
                Object::Dictionary(d) => Ok(Some(d.clone())),
                Object::Null => Ok(None),
                _ => Err(bad("/DecodeParms array holds a non-dictionary")),
            })
            .collect::<Result<_>>()?,
        Some(_) => return Err(bad("/DecodeParms is neither a dictionary nor an array")),
    };
    Ok(names
        .into_iter()
        .enumerate()
        .map(|(i, name)| FilterStep {
            name,
            params: params.get(i).cloned().flatten(),
        })
        .collect())
}

/// Decodes `raw` through `steps`; the output never exceeds `max` bytes.
pub(crate) fn decode(
    steps: &[FilterStep],
    raw: Vec<u8>,
    max: usize,
    offset: u64,
) -> Result<Vec<u8>> {
    let too_big = PdfError::LimitExceeded {
        limit: Limit::DecodedSize(max),
        offset: Some(offset),
    };
    let mut data = raw;
    for step in steps {
        data = match step.name.as_slice() {
            b"FlateDecode" => {
                let inflated = inflate(&data, max, offset)?;
                unpredict(inflated, step.params.as_ref(), offset)?
            }
            other => {
                return Err(PdfError::UnsupportedFilter(
                    String::from_utf8_lossy(other).into_owned(),
                ));
            }
        };
    }
    if data.len() > max {
        return Err(too_big);
    }
    Ok(data)
}

/// zlib inflate, stopping one byte past `max`.
fn inflate(data: &[u8], max: usize, offset: u64) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    ZlibDecoder::new(data)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|_| PdfError::Syntax {
            offset,
            what: "corrupt FlateDecode data",
        })?;
    if out.len() > max {
        return Err(PdfError::LimitExceeded {
            limit: Limit::DecodedSize(max),
            offset: Some(offset),
        });
    }
    Ok(out)
}

/// Undoes a `/Predictor` (ISO 32000-1 Table 8): 1 none, 2 TIFF, 10–15 PNG.
fn unpredict(data: Vec<u8>, params: Option<&Dictionary>, offset: u64) -> Result<Vec<u8>> {
    let Some(params) = params else {
        return Ok(data);
    };
    let int = |key: &[u8], default: i64| params.get_integer(key).unwrap_or(default);
    let predictor = int(b"Predictor", 1);
    if predictor == 1 {
        return Ok(data);
    }
    let colors = int(b"Colors", 1);
    let bpc = int(b"BitsPerComponent", 8);
    let columns = int(b"Columns", 1);
    let bad = PdfError::Syntax {
        offset,
        what: "invalid predictor parameters",
    };
    if !(1..=32).contains(&colors) || ![1, 2, 4, 8, 16].contains(&bpc) || columns < 1 {
        return Err(bad);
    }
    // All three are small positive numbers now; the product is checked anyway.
    let bits_per_pixel = (colors * bpc) as usize;
    let row_len = usize::try_from(columns)
        .ok()
        .and_then(|c| c.checked_mul(bits_per_pixel))
        .map(|bits| bits.div_ceil(8))
        .ok_or(bad)?;
    let bytes_per_pixel = bits_per_pixel.div_ceil(8).max(1);
    match predictor {
        2 => tiff_predictor(data, row_len, colors as usize, bpc, offset),
        10..=15 => png_predictor(&data, row_len, bytes_per_pixel, offset),
        other => Err(PdfError::UnsupportedPredictor(other)),
    }
}

/// TIFF Predictor 2 (horizontal differencing), for 8- and 16-bit components.
fn tiff_predictor(
    mut data: Vec<u8>,
    row_len: usize,
    colors: usize,
    bpc: i64,
    offset: u64,
) -> Result<Vec<u8>> {
    if row_len == 0 || !data.len().is_multiple_of(row_len) {
        return Err(PdfError::Syntax {
            offset,
            what: "TIFF predictor data is not a whole number of rows",
        });
    }
    match bpc {
        8 => {
            for row in data.chunks_mut(row_len) {
                for i in colors..row.len() {
                    row[i] = row[i].wrapping_add(row[i - colors]);
                }
            }
        }
        16 => {
            let step = colors * 2;
            for row in data.chunks_mut(row_len) {
                let mut i = step;
                while i + 1 < row.len() {
                    let left = u16::from_be_bytes([row[i - step], row[i - step + 1]]);
                    let here = u16::from_be_bytes([row[i], row[i + 1]]);
                    row[i..i + 2].copy_from_slice(&here.wrapping_add(left).to_be_bytes());
                    i += 2;
                }
            }
        }
        _ => return Err(PdfError::UnsupportedPredictor(2)),
    }
    Ok(data)
}

/// PNG predictors (RFC 2083 §6): each row starts with its filter type byte.
fn png_predictor(data: &[u8], row_len: usize, bpp: usize, offset: u64) -> Result<Vec<u8>> {
    let stride = row_len + 1;
    if !data.len().is_multiple_of(stride) {
        return Err(PdfError::Syntax {
            offset,
            what: "PNG predictor data is not a whole number of rows",
        });
    }
    let mut out = Vec::with_capacity(data.len() / stride * row_len);
    let mut previous = vec![0u8; row_len];
    for encoded in data.chunks_exact(stride) {
        let kind = encoded[0];
        let mut row = encoded[1..].to_vec();
        for i in 0..row_len {
            let left = if i >= bpp { row[i - bpp] } else { 0 };
            let up = previous[i];
            let up_left = if i >= bpp { previous[i - bpp] } else { 0 };
            let predicted = match kind {
                0 => 0,
                1 => left,
                2 => up,
                3 => ((u16::from(left) + u16::from(up)) / 2) as u8,
                4 => paeth(left, up, up_left),
                _ => {
                    return Err(PdfError::Syntax {
                        offset,
                        what: "unknown PNG filter type",
                    });
                }
            };
            row[i] = row[i].wrapping_add(predicted);
        }
        out.extend_from_slice(&row);
        previous = row;
    }
    Ok(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let pa = (p - i16::from(a)).abs();
    let pb = (p - i16::from(b)).abs();
    let pc = (p - i16::from(c)).abs();
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// zlib-compresses `data` (for writers and test fixtures).
pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    encoder.write_all(data).expect("writing to a Vec");
    encoder.finish().expect("writing to a Vec")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(predictor: i64, colors: i64, bpc: i64, columns: i64) -> Dictionary {
        [
            ("Predictor", Object::Integer(predictor)),
            ("Colors", Object::Integer(colors)),
            ("BitsPerComponent", Object::Integer(bpc)),
            ("Columns", Object::Integer(columns)),
        ]
        .into_iter()
        .collect()
    }

    fn flate_with(params: Dictionary) -> Vec<FilterStep> {
        vec![FilterStep {
            name: b"FlateDecode".to_vec(),
            params: Some(params),
        }]
    }

    #[test]
    fn png_up_predictor_round_trip() {
        // Two rows of 4 bytes, PNG "Up" (2): the second row is stored as differences.
        let rows: [[u8; 4]; 2] = [[1, 0, 0, 200], [1, 0, 5, 210]];
        let mut encoded = vec![2u8];
        encoded.extend_from_slice(&rows[0]);
        encoded.push(2);
        for (now, before) in rows[1].iter().zip(rows[0]) {
            encoded.push(now.wrapping_sub(before));
        }
        let out = decode(
            &flate_with(params(12, 1, 8, 4)),
            deflate(&encoded),
            1 << 20,
            0,
        )
        .expect("decodes");
        assert_eq!(out, [rows[0], rows[1]].concat());
    }

    #[test]
    fn png_sub_average_paeth() {
        // One 3-byte row per filter type; bpp 1.
        let plain = [10u8, 20, 30];
        let sub = [1u8, 10, 10, 10];
        let out = png_predictor(&sub, 3, 1, 0).expect("sub");
        assert_eq!(out, plain);
        // Average with previous row all zero: x + floor(left/2).
        let avg = [3u8, 10, 15, 20];
        assert_eq!(png_predictor(&avg, 3, 1, 0).expect("avg"), plain);
        // Paeth with previous row zero reduces to Sub.
        let paeth_row = [4u8, 10, 10, 10];
        assert_eq!(png_predictor(&paeth_row, 3, 1, 0).expect("paeth"), plain);
    }

    #[test]
    fn tiff_predictor_8_and_16_bit() {
        let out = decode(
            &flate_with(params(2, 1, 8, 3)),
            deflate(&[10, 10, 10, 1, 1, 1]),
            1 << 20,
            0,
        )
        .expect("decodes");
        assert_eq!(out, [10, 20, 30, 1, 2, 3]);
        let out = tiff_predictor(vec![0x01, 0x00, 0x00, 0xff], 4, 1, 16, 0).expect("16-bit");
        assert_eq!(out, [0x01, 0x00, 0x01, 0xff]);
    }

    #[test]
    fn flate_bomb_is_bounded() {
        let bomb = deflate(&vec![0u8; 50 << 20]);
        assert!(bomb.len() < 100_000);
        let err = decode(&flate_with(Dictionary::new()), bomb, 1 << 20, 77).expect_err("bounded");
        assert!(matches!(
            err,
            PdfError::LimitExceeded {
                limit: Limit::DecodedSize(_),
                offset: Some(77)
            }
        ));
    }

    #[test]
    fn other_filters_are_unsupported() {
        let steps = vec![FilterStep {
            name: b"LZWDecode".to_vec(),
            params: None,
        }];
        assert!(matches!(
            decode(&steps, vec![1, 2, 3], 100, 0),
            Err(PdfError::UnsupportedFilter(name)) if name == "LZWDecode"
        ));
        assert!(matches!(
            decode(&flate_with(Dictionary::new()), b"not zlib".to_vec(), 100, 0),
            Err(PdfError::Syntax { .. })
        ));
    }

    #[test]
    fn filter_arrays_pair_with_params() {
        let dict: Dictionary = [
            (
                "Filter",
                Object::Array(vec![
                    Object::name("FlateDecode"),
                    Object::name("FlateDecode"),
                ]),
            ),
            (
                "DecodeParms",
                Object::Array(vec![Object::Null, Object::Dictionary(params(12, 1, 8, 2))]),
            ),
        ]
        .into_iter()
        .collect();
        let steps = filter_steps(&dict, 0).expect("steps");
        assert_eq!(steps.len(), 2);
        assert!(steps[0].params.is_none());
        assert!(steps[1].params.is_some());
        // Two layers of zlib, the inner one PNG-predicted.
        let inner = deflate(&[0, 7, 8]);
        let out = decode(&steps, deflate(&inner), 1 << 20, 0).expect("decodes");
        assert_eq!(out, [7, 8]);
    }
}
