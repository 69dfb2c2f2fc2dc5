//! Small, valid PDFs for tests and benchmarks, written by a minimal writer Kyso controls.
//!
//! - [`classic_pdf`]: PDF 1.4, classic xref table, N pages of text.
//! - [`write_sample_pdf`]: the same plus a large uncompressed image on page 1, streamed to disk
//!   (never built in memory), to benchmark 1 MB or 100 MB inputs.
//! - [`hybrid_pdf`]: a hybrid-reference file (classic table + `/XRefStm`, objects in an object
//!   stream), which qpdf cannot make.
//! - [`write_fixture`]: any [`FixtureKind`], using `qpdf` for the object-stream and linearized
//!   variants.
//!
//! Not part of the stable API; public so integration tests and benchmarks can use it.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::filter::deflate;
use super::object::{Dictionary, Object, ObjectId, PdfString};
use super::writer::{serialize, write_dictionary};

/// Writes numbered objects and records their offsets, then a classic xref table.
pub struct FixtureWriter<W: Write> {
    out: W,
    position: u64,
    offsets: BTreeMap<u32, u64>,
}

impl<W: Write> FixtureWriter<W> {
    /// Starts a file with `%PDF-<version>` and a binary comment line.
    pub fn new(out: W, version: &str) -> io::Result<Self> {
        let mut writer = FixtureWriter {
            out,
            position: 0,
            offsets: BTreeMap::new(),
        };
        writer.raw(format!("%PDF-{version}\n").as_bytes())?;
        // A comment with bytes above 127 marks the file as binary for transfer programs.
        writer.raw(b"%\xe2\xe3\xcf\xd3\n")?;
        Ok(writer)
    }

    /// Bytes written so far.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Writes bytes as they are.
    pub fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.position += bytes.len() as u64;
        Ok(())
    }

    /// Writes `number 0 obj … endobj`.
    pub fn object(&mut self, number: u32, object: &Object) -> io::Result<()> {
        self.offsets.insert(number, self.position);
        let mut bytes = format!("{number} 0 obj\n").into_bytes();
        serialize(object, &mut bytes);
        bytes.extend_from_slice(b"\nendobj\n");
        self.raw(&bytes)
    }

    /// Writes a stream object with `data`; `/Length` is set.
    pub fn stream(&mut self, number: u32, dict: Dictionary, data: &[u8]) -> io::Result<()> {
        self.stream_with(number, dict, data.len() as u64, |out| out.write_all(data))
    }

    /// Writes a stream object whose `len` data bytes come from `fill`, streamed.
    pub fn stream_with(
        &mut self,
        number: u32,
        mut dict: Dictionary,
        len: u64,
        fill: impl FnOnce(&mut W) -> io::Result<()>,
    ) -> io::Result<()> {
        self.offsets.insert(number, self.position);
        dict.insert("Length", Object::Integer(len as i64));
        let mut head = format!("{number} 0 obj\n").into_bytes();
        write_dictionary(&dict, &mut head);
        head.extend_from_slice(b"\nstream\n");
        self.raw(&head)?;
        fill(&mut self.out)?;
        self.position += len;
        self.raw(b"\nendstream\nendobj\n")
    }

    /// The output, as written so far (for hand-made endings).
    pub fn into_inner(mut self) -> W {
        // Flushing a Vec or a BufWriter before handing it back; errors surface on the next
        // write by the caller.
        let _ = self.out.flush();
        self.out
    }

    /// Writes an `xref` table for objects 0..=highest written (unwritten numbers are free),
    /// the trailer (`/Size` added unless given), `startxref` and `%%EOF`; returns the output.
    pub fn finish_with_table(mut self, mut trailer: Dictionary) -> io::Result<W> {
        let xref = self.position;
        let highest = self.offsets.keys().next_back().copied().unwrap_or(0);
        let mut table = format!("xref\n0 {}\n", highest + 1).into_bytes();
        for number in 0..=highest {
            match self.offsets.get(&number) {
                Some(offset) => {
                    table.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes())
                }
                None => table.extend_from_slice(b"0000000000 65535 f\r\n"),
            }
        }
        if !trailer.contains_key(b"Size") {
            trailer.insert("Size", Object::Integer(i64::from(highest) + 1));
        }
        table.extend_from_slice(b"trailer\n");
        write_dictionary(&trailer, &mut table);
        table.extend_from_slice(format!("\nstartxref\n{xref}\n%%EOF\n").as_bytes());
        self.raw(&table)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

fn reference(number: u32) -> Object {
    Object::Reference(ObjectId::new(number, 0))
}

fn dict(entries: Vec<(&str, Object)>) -> Dictionary {
    entries.into_iter().collect()
}

fn file_id(seed: usize) -> Object {
    let bytes: Vec<u8> = (0..16u8).map(|i| i.wrapping_mul(17) ^ seed as u8).collect();
    Object::Array(vec![
        Object::String(PdfString::hex(bytes.clone())),
        Object::String(PdfString::hex(bytes)),
    ])
}

fn page_text(index: usize) -> Vec<u8> {
    format!(
        "BT /F1 24 Tf 72 720 Td (Kyso test page {}) Tj ET\n",
        index + 1
    )
    .into_bytes()
}

fn media_box() -> Object {
    Object::Array(vec![
        Object::Integer(0),
        Object::Integer(0),
        Object::Integer(595),
        Object::Integer(842),
    ])
}

/// Writes the classic document: 1 catalog, 2 pages, 3 font, 4 info, then per page a page and a
/// content stream; with `image_bytes`, an image XObject drawn on page 1.
fn write_classic<W: Write>(out: W, pages: usize, image_bytes: Option<u64>) -> io::Result<W> {
    let pages = pages.max(1);
    let mut w = FixtureWriter::new(out, "1.4")?;
    let first_page = 5u32;
    let image = first_page + 2 * pages as u32;
    let kids = (0..pages)
        .map(|i| reference(first_page + 2 * i as u32))
        .collect();
    w.object(
        1,
        &dict(vec![
            ("Type", Object::name("Catalog")),
            ("Pages", reference(2)),
        ])
        .into(),
    )?;
    w.object(
        2,
        &dict(vec![
            ("Type", Object::name("Pages")),
            ("Kids", Object::Array(kids)),
            ("Count", Object::Integer(pages as i64)),
        ])
        .into(),
    )?;
    w.object(
        3,
        &dict(vec![
            ("Type", Object::name("Font")),
            ("Subtype", Object::name("Type1")),
            ("BaseFont", Object::name("Helvetica")),
        ])
        .into(),
    )?;
    w.object(
        4,
        &dict(vec![(
            "Producer",
            Object::String(PdfString::literal(b"Kyso test fixture".to_vec())),
        )])
        .into(),
    )?;
    for i in 0..pages {
        let page = first_page + 2 * i as u32;
        let mut resources = dict(vec![("Font", dict(vec![("F1", reference(3))]).into())]);
        let mut content = page_text(i);
        if i == 0 && image_bytes.is_some() {
            resources.insert("XObject", dict(vec![("Im1", reference(image))]).into());
            content.extend_from_slice(b"q 400 0 0 400 97 200 cm /Im1 Do Q\n");
        }
        w.object(
            page,
            &dict(vec![
                ("Type", Object::name("Page")),
                ("Parent", reference(2)),
                ("MediaBox", media_box()),
                ("Resources", resources.into()),
                ("Contents", reference(page + 1)),
            ])
            .into(),
        )?;
        w.stream(page + 1, Dictionary::new(), &content)?;
    }
    if let Some(bytes) = image_bytes {
        const WIDTH: u64 = 1024;
        let height = (bytes / WIDTH).max(1);
        let image_dict = dict(vec![
            ("Type", Object::name("XObject")),
            ("Subtype", Object::name("Image")),
            ("Width", Object::Integer(WIDTH as i64)),
            ("Height", Object::Integer(height as i64)),
            ("ColorSpace", Object::name("DeviceGray")),
            ("BitsPerComponent", Object::Integer(8)),
        ]);
        w.stream_with(image, image_dict, WIDTH * height, |out| {
            // Noise, like a scan: incompressible, generated in chunks (xorshift64).
            let mut state = 0x9e37_79b9_7f4a_7c15u64;
            let mut chunk = vec![0u8; 64 << 10];
            let mut left = WIDTH * height;
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                for b in &mut chunk[..n] {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    *b = (state >> 24) as u8;
                }
                out.write_all(&chunk[..n])?;
                left -= n as u64;
            }
            Ok(())
        })?;
    }
    w.finish_with_table(dict(vec![
        ("Root", reference(1)),
        ("Info", reference(4)),
        ("ID", file_id(pages)),
    ]))
}

/// A PDF 1.4 with a classic xref table and `pages` pages of text.
pub fn classic_pdf(pages: usize) -> Vec<u8> {
    // Writing into a Vec cannot fail.
    write_classic(Vec::new(), pages, None).expect("writing to a Vec")
}

/// Writes [`classic_pdf`] to `path`.
pub fn write_classic_pdf(path: &Path, pages: usize) -> io::Result<()> {
    write_sample_pdf(path, pages, 0)
}

/// Writes a classic PDF of `pages` pages whose first page shows a grey-noise image of about
/// `extra_bytes` uncompressed bytes. Streams to disk; memory use stays small at any size.
pub fn write_sample_pdf(path: &Path, pages: usize, extra_bytes: u64) -> io::Result<()> {
    let out = BufWriter::with_capacity(64 << 10, File::create(path)?);
    let image = (extra_bytes > 0).then_some(extra_bytes);
    write_classic(out, pages, image)?
        .into_inner()
        .map_err(|e| e.into_error())?;
    Ok(())
}

/// A hybrid-reference PDF 1.5 (ISO 32000-1 §7.5.8.4): a classic table lists the catalog, info,
/// content streams, an object stream and a cross-reference stream; the trailer's `/XRefStm`
/// points at that stream, which alone lists the page tree, font and pages stored in the object
/// stream. A reader that ignores `/XRefStm` finds no pages.
pub fn hybrid_pdf(pages: usize) -> Vec<u8> {
    let pages = pages.max(1) as u32;
    // Regular objects: 1 catalog, 2 info, 3.. contents, then the object stream and xref stream.
    let objstm = 3 + pages;
    let xref_stream = objstm + 1;
    // Compressed objects: page tree root, font, pages.
    let root = xref_stream + 1;
    let font = root + 1;
    let first_page = font + 1;
    let size = first_page + pages;
    // Writing into a Vec cannot fail.
    let build = || -> io::Result<Vec<u8>> {
        let mut w = FixtureWriter::new(Vec::new(), "1.5")?;
        w.object(
            1,
            &dict(vec![
                ("Type", Object::name("Catalog")),
                ("Pages", reference(root)),
            ])
            .into(),
        )?;
        w.object(
            2,
            &dict(vec![(
                "Producer",
                Object::String(PdfString::literal(b"Kyso hybrid fixture".to_vec())),
            )])
            .into(),
        )?;
        for i in 0..pages {
            w.stream(3 + i, Dictionary::new(), &page_text(i as usize))?;
        }
        let mut compressed: Vec<(u32, Object)> = vec![
            (
                root,
                dict(vec![
                    ("Type", Object::name("Pages")),
                    (
                        "Kids",
                        Object::Array((0..pages).map(|i| reference(first_page + i)).collect()),
                    ),
                    ("Count", Object::Integer(i64::from(pages))),
                ])
                .into(),
            ),
            (
                font,
                dict(vec![
                    ("Type", Object::name("Font")),
                    ("Subtype", Object::name("Type1")),
                    ("BaseFont", Object::name("Helvetica")),
                ])
                .into(),
            ),
        ];
        for i in 0..pages {
            compressed.push((
                first_page + i,
                dict(vec![
                    ("Type", Object::name("Page")),
                    ("Parent", reference(root)),
                    ("MediaBox", media_box()),
                    (
                        "Resources",
                        dict(vec![("Font", dict(vec![("F1", reference(font))]).into())]).into(),
                    ),
                    ("Contents", reference(3 + i)),
                ])
                .into(),
            ));
        }
        let mut header = Vec::new();
        let mut body = Vec::new();
        for (number, object) in &compressed {
            header.extend_from_slice(format!("{number} {} ", body.len()).as_bytes());
            serialize(object, &mut body);
            body.push(b'\n');
        }
        let first = header.len();
        header.extend_from_slice(&body);
        w.stream(
            objstm,
            dict(vec![
                ("Type", Object::name("ObjStm")),
                ("N", Object::Integer(compressed.len() as i64)),
                ("First", Object::Integer(first as i64)),
                ("Filter", Object::name("FlateDecode")),
            ]),
            &deflate(&header),
        )?;
        // Cross-reference stream rows: type 2, object stream number (2 bytes), index (2 bytes),
        // PNG-Up predicted (filter byte 2 then differences to the previous row).
        let rows: Vec<[u8; 5]> = (0..compressed.len() as u16)
            .map(|i| {
                let [s0, s1] = (objstm as u16).to_be_bytes();
                let [i0, i1] = i.to_be_bytes();
                [2, s0, s1, i0, i1]
            })
            .collect();
        let mut predicted = Vec::new();
        let mut previous = [0u8; 5];
        for row in &rows {
            predicted.push(2);
            for (b, p) in row.iter().zip(previous) {
                predicted.push(b.wrapping_sub(p));
            }
            previous = *row;
        }
        let xref_stream_offset = w.position();
        w.stream(
            xref_stream,
            dict(vec![
                ("Type", Object::name("XRef")),
                ("Size", Object::Integer(i64::from(size))),
                (
                    "W",
                    Object::Array(vec![
                        Object::Integer(1),
                        Object::Integer(2),
                        Object::Integer(2),
                    ]),
                ),
                (
                    "Index",
                    Object::Array(vec![
                        Object::Integer(i64::from(root)),
                        Object::Integer(compressed.len() as i64),
                    ]),
                ),
                ("Filter", Object::name("FlateDecode")),
                (
                    "DecodeParms",
                    dict(vec![
                        ("Predictor", Object::Integer(12)),
                        ("Columns", Object::Integer(5)),
                    ])
                    .into(),
                ),
            ]),
            &deflate(&predicted),
        )?;
        w.finish_with_table(dict(vec![
            ("Size", Object::Integer(i64::from(size))),
            ("Root", reference(1)),
            ("Info", reference(2)),
            ("ID", file_id(pages as usize + 100)),
            ("XRefStm", Object::Integer(xref_stream_offset as i64)),
        ]))
    };
    build().expect("writing to a Vec")
}

/// The input shapes the signer must handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixtureKind {
    /// Classic xref table (PDF 1.4).
    Classic,
    /// Cross-reference stream and object streams (`qpdf --object-streams=generate`).
    ObjectStreams,
    /// Linearized (`qpdf --linearize`).
    Linearized,
    /// Hybrid-reference ([`hybrid_pdf`]).
    Hybrid,
}

impl FixtureKind {
    /// Every kind.
    pub const ALL: [FixtureKind; 4] = [
        FixtureKind::Classic,
        FixtureKind::ObjectStreams,
        FixtureKind::Linearized,
        FixtureKind::Hybrid,
    ];
}

/// Writes a fixture of `kind` with `pages` pages into `dir`; returns its path.
pub fn write_fixture(kind: FixtureKind, dir: &Path, pages: usize) -> io::Result<PathBuf> {
    let classic = dir.join(format!("classic-{pages}.pdf"));
    if !classic.exists() {
        write_classic_pdf(&classic, pages)?;
    }
    let path = match kind {
        FixtureKind::Classic => return Ok(classic),
        FixtureKind::ObjectStreams => dir.join(format!("objstm-{pages}.pdf")),
        FixtureKind::Linearized => dir.join(format!("linearized-{pages}.pdf")),
        FixtureKind::Hybrid => {
            let path = dir.join(format!("hybrid-{pages}.pdf"));
            std::fs::write(&path, hybrid_pdf(pages))?;
            return Ok(path);
        }
    };
    let args: &[&str] = match kind {
        FixtureKind::ObjectStreams => &["--object-streams=generate", "--compress-streams=y"],
        _ => &["--linearize"],
    };
    qpdf_rewrite(&classic, &path, args)?;
    Ok(path)
}

/// Runs `qpdf <args> input output`. Exit 0, or 3 (warnings only), counts as success.
pub fn qpdf_rewrite(input: &Path, output: &Path, args: &[&str]) -> io::Result<()> {
    let status = Command::new("qpdf")
        .args(args)
        .arg(input)
        .arg(output)
        .status()?;
    match status.code() {
        Some(0 | 3) => Ok(()),
        _ => Err(io::Error::other(format!("qpdf {args:?} failed: {status}"))),
    }
}
