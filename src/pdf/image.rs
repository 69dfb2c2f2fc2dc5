//! PNG images as PDF image XObjects (ISO 32000-1 §8.9.5), with transparency as a soft mask
//! (`/SMask`, §11.6.5.3): the leader's handwritten signature (blue on a transparent ground) and
//! the organisation's seal (red) that NĐ 30/2020 Phụ lục I asks for.
//!
//! Decoding is the `png` crate's (a well-kept decoder, fuzzed upstream); this module only
//! bounds what it is given, normalises the pixels and writes the two streams. Every colour type
//! is accepted: grey, grey + alpha, RGB, RGBA, palette (with `tRNS`), 1 to 16 bits per sample.
//! Samples are reduced to 8 bits (`STRIP_16`): a signature image gains nothing from 16 bits,
//! and the file stays half as large.

use std::io::Cursor;

use crate::message::{Explain, Message};
use crate::pdf::filter::deflate;
use crate::pdf::object::{Dictionary, Object, ObjectId};
use crate::pdf::update::IncrementalUpdate;

/// The largest PNG file read (bytes): a 36 mm seal at 600 dpi is well under 1 MB.
pub const MAX_PNG_FILE: usize = 16 * 1024 * 1024;
/// The largest width or height (pixels): 4000 px is 34 cm at 300 dpi.
pub const MAX_DIMENSION: u32 = 4000;
/// What the decoder may allocate (bytes): 4000 × 4000 RGBA is 64 MB.
const DECODER_LIMIT: usize = 64 * 1024 * 1024;
/// Millimetres per metre, for `pHYs` (pixels per metre).
const MM_PER_METRE: f64 = 1000.0;

/// Why an image cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageError {
    /// The bytes do not start with the PNG signature.
    #[error("not a PNG image")]
    NotPng,
    /// The file is larger than [`MAX_PNG_FILE`].
    #[error("the PNG file is {len} bytes, more than {MAX_PNG_FILE}")]
    FileTooLarge { len: usize },
    /// Width or height beyond [`MAX_DIMENSION`], or zero.
    #[error("the PNG image is {width}×{height} pixels (at most {MAX_DIMENSION} each way)")]
    BadDimensions { width: u32, height: u32 },
    /// The decoder refused the data.
    #[error("the PNG image is damaged: {0}")]
    Damaged(String),
    /// The image file could not be read.
    #[error("cannot read the image {path}: {source}")]
    Read {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

impl Explain for ImageError {
    fn message(&self) -> Message {
        match self {
            ImageError::NotPng => Message::new(
                "image-not-png",
                "Tệp ảnh không phải PNG: ảnh chữ ký và con dấu phải là PNG nền trong suốt",
                "The image is not a PNG: signature and seal images must be transparent PNGs",
            ),
            ImageError::FileTooLarge { len } => Message::new(
                "image-too-large",
                format!("Tệp ảnh quá lớn ({len} byte; tối đa {MAX_PNG_FILE})"),
                format!("The image file is too large ({len} bytes; at most {MAX_PNG_FILE})"),
            ),
            ImageError::BadDimensions { width, height } => Message::new(
                "image-too-large",
                format!(
                    "Ảnh có kích thước {width}×{height} điểm ảnh, không hợp lệ (tối đa {MAX_DIMENSION} mỗi chiều)"
                ),
                format!(
                    "The image is {width}×{height} pixels, not usable (at most {MAX_DIMENSION} each way)"
                ),
            ),
            ImageError::Damaged(detail) => Message::new(
                "image-damaged",
                format!("Tệp ảnh PNG bị hỏng: {detail}"),
                format!("The PNG image is damaged: {detail}"),
            ),
            ImageError::Read { path, source } => Message::new(
                "image-unreadable",
                format!("Không đọc được tệp ảnh {}: {source}", path.display()),
                format!("Cannot read the image {}: {source}", path.display()),
            ),
        }
    }
}

/// A decoded PNG, ready to be written as an image XObject.
#[derive(Debug, Clone, PartialEq)]
pub struct PngImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Whether the colour samples are RGB (else grey).
    pub rgb: bool,
    /// Colour samples, 8 bits each, row by row.
    pub samples: Vec<u8>,
    /// Alpha samples (8 bits), when some pixel is not fully opaque.
    pub alpha: Option<Vec<u8>>,
    /// Physical size in millimetres from the `pHYs` chunk, when it gives one in metres.
    pub size_mm: Option<(f64, f64)>,
}

impl PngImage {
    /// Reads and decodes a PNG file (at most [`MAX_PNG_FILE`] bytes).
    pub fn open(path: &std::path::Path) -> Result<Self, ImageError> {
        let read_err = |source| ImageError::Read {
            path: path.to_path_buf(),
            source,
        };
        let len = std::fs::metadata(path).map_err(read_err)?.len();
        if len > MAX_PNG_FILE as u64 {
            return Err(ImageError::FileTooLarge {
                len: usize::try_from(len).unwrap_or(usize::MAX),
            });
        }
        Self::decode(&std::fs::read(path).map_err(read_err)?)
    }

    /// Decodes PNG bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, ImageError> {
        const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if !bytes.starts_with(&SIGNATURE) {
            return Err(ImageError::NotPng);
        }
        if bytes.len() > MAX_PNG_FILE {
            return Err(ImageError::FileTooLarge { len: bytes.len() });
        }
        let damaged = |e: png::DecodingError| ImageError::Damaged(e.to_string());
        let mut decoder = png::Decoder::new_with_limits(
            Cursor::new(bytes),
            png::Limits {
                bytes: DECODER_LIMIT,
            },
        );
        // Palette → RGB(A), tRNS → alpha, low bit depths → 8 bits, 16 bits → 8 bits.
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info().map_err(damaged)?;
        let (width, height) = reader.info().size();
        if width == 0 || height == 0 || width > MAX_DIMENSION || height > MAX_DIMENSION {
            return Err(ImageError::BadDimensions { width, height });
        }
        let size_mm = reader.info().pixel_dims.and_then(|d| {
            (d.unit == png::Unit::Meter && d.xppu > 0 && d.yppu > 0).then(|| {
                (
                    f64::from(width) * MM_PER_METRE / f64::from(d.xppu),
                    f64::from(height) * MM_PER_METRE / f64::from(d.yppu),
                )
            })
        });
        let size = reader
            .output_buffer_size()
            .ok_or(ImageError::BadDimensions { width, height })?;
        let mut buffer = vec![0; size];
        let frame = reader.next_frame(&mut buffer).map_err(damaged)?;
        buffer.truncate(frame.buffer_size());
        let (channels, rgb, has_alpha) = match frame.color_type {
            png::ColorType::Grayscale => (1, false, false),
            png::ColorType::GrayscaleAlpha => (2, false, true),
            png::ColorType::Rgb => (3, true, false),
            png::ColorType::Rgba => (4, true, true),
            // EXPAND turns palettes into RGB(A); anything else is the decoder's surprise.
            png::ColorType::Indexed => {
                return Err(ImageError::Damaged("palette not expanded".into()));
            }
        };
        let pixels = width as usize * height as usize;
        if buffer.len() < pixels * channels {
            return Err(ImageError::Damaged("short image data".into()));
        }
        let colour_channels = if rgb { 3 } else { 1 };
        let mut samples = Vec::with_capacity(pixels * colour_channels);
        let mut alpha = Vec::with_capacity(if has_alpha { pixels } else { 0 });
        for pixel in buffer.chunks_exact(channels).take(pixels) {
            samples.extend_from_slice(&pixel[..colour_channels]);
            if has_alpha {
                alpha.push(pixel[channels - 1]);
            }
        }
        let alpha = (has_alpha && alpha.iter().any(|&a| a != u8::MAX)).then_some(alpha);
        Ok(PngImage {
            width,
            height,
            rgb,
            samples,
            alpha,
            size_mm,
        })
    }

    /// Width over height.
    pub fn aspect(&self) -> f64 {
        f64::from(self.width) / f64::from(self.height)
    }

    /// Adds the image (and its soft mask) to `update`; returns the image XObject's id.
    pub fn add_to(
        &self,
        update: &mut IncrementalUpdate<'_>,
    ) -> crate::pdf::error::Result<ObjectId> {
        let image_id = update.allocate()?;
        let mut dict = self.image_dict(if self.rgb { "DeviceRGB" } else { "DeviceGray" });
        if let Some(alpha) = &self.alpha {
            let mask_id = update.allocate()?;
            update.put_stream(mask_id, self.image_dict("DeviceGray"), deflate(alpha));
            dict.insert("SMask", Object::Reference(mask_id));
        }
        update.put_stream(image_id, dict, deflate(&self.samples));
        Ok(image_id)
    }

    fn image_dict(&self, colour_space: &str) -> Dictionary {
        let mut dict = Dictionary::new();
        dict.insert("Type", Object::name("XObject"));
        dict.insert("Subtype", Object::name("Image"));
        dict.insert("Width", Object::Integer(i64::from(self.width)));
        dict.insert("Height", Object::Integer(i64::from(self.height)));
        dict.insert("ColorSpace", Object::name(colour_space));
        dict.insert("BitsPerComponent", Object::Integer(8));
        dict.insert("Filter", Object::name("FlateDecode"));
        dict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(
        width: u32,
        height: u32,
        colour: png::ColorType,
        depth: png::BitDepth,
        data: &[u8],
        setup: impl FnOnce(&mut png::Encoder<'_, &mut Vec<u8>>),
    ) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, width, height);
            encoder.set_color(colour);
            encoder.set_depth(depth);
            setup(&mut encoder);
            let mut writer = encoder.write_header().expect("header");
            writer.write_image_data(data).expect("data");
        }
        out
    }

    #[test]
    fn rgba_keeps_alpha_and_physical_size() {
        // 2×1: opaque blue, transparent.
        let png = encode(
            2,
            1,
            png::ColorType::Rgba,
            png::BitDepth::Eight,
            &[0, 0, 255, 255, 0, 0, 0, 0],
            |e| {
                e.set_pixel_dims(Some(png::PixelDimensions {
                    xppu: 1000,
                    yppu: 1000,
                    unit: png::Unit::Meter,
                }))
            },
        );
        let image = PngImage::decode(&png).expect("decodes");
        assert_eq!((image.width, image.height, image.rgb), (2, 1, true));
        assert_eq!(image.samples, [0, 0, 255, 0, 0, 0]);
        assert_eq!(image.alpha.as_deref(), Some(&[255, 0][..]));
        assert_eq!(image.size_mm, Some((2.0, 1.0)));
    }

    #[test]
    fn sixteen_bit_grey_and_palette_with_trns_are_normalised() {
        let grey = encode(
            1,
            1,
            png::ColorType::Grayscale,
            png::BitDepth::Sixteen,
            &[0x80, 0x00],
            |_| {},
        );
        let image = PngImage::decode(&grey).expect("16-bit grey");
        assert_eq!((image.rgb, image.samples.as_slice()), (false, &[0x80][..]));
        assert!(image.alpha.is_none());

        let palette = encode(
            2,
            1,
            png::ColorType::Indexed,
            png::BitDepth::Eight,
            &[0, 1],
            |e| {
                e.set_palette(vec![255, 0, 0, 0, 0, 255]);
                e.set_trns(vec![0, 255]);
            },
        );
        let image = PngImage::decode(&palette).expect("palette");
        assert_eq!(image.samples, [255, 0, 0, 0, 0, 255]);
        assert_eq!(image.alpha.as_deref(), Some(&[0, 255][..]));
    }

    #[test]
    fn refuses_other_formats_and_huge_or_broken_images() {
        assert!(matches!(
            PngImage::decode(b"\xFF\xD8\xFF\xE0 JFIF"),
            Err(ImageError::NotPng)
        ));
        let huge = encode(
            MAX_DIMENSION + 1,
            1,
            png::ColorType::Grayscale,
            png::BitDepth::One,
            &vec![0; (MAX_DIMENSION as usize + 1).div_ceil(8)],
            |_| {},
        );
        assert!(matches!(
            PngImage::decode(&huge),
            Err(ImageError::BadDimensions { .. })
        ));
        let mut broken = encode(
            4,
            4,
            png::ColorType::Rgb,
            png::BitDepth::Eight,
            &[7; 48],
            |_| {},
        );
        broken.truncate(broken.len() - 20);
        assert!(matches!(
            PngImage::decode(&broken),
            Err(ImageError::Damaged(_))
        ));
        assert_eq!(ImageError::NotPng.message().code, "image-not-png");
    }
}
