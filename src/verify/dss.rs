//! The Document Security Store (ISO 32000-2 §12.8.4.3; ETSI EN 319 142-1 §5.4.2): validation
//! data a PAdES B-LT or B-LTA file carries for its signatures, in the catalog's `/DSS`.
//!
//! ```text
//! /DSS << /Certs [streams of DER certificates]
//!         /OCSPs [streams of DER OCSPResponses]
//!         /CRLs  [streams of DER CertificateLists]
//!         /VRI   << /<SHA-1 of a signature's /Contents, upper-case hex>
//!                    << /Cert [..] /OCSP [..] /CRL [..] /TU (date) /TS stream >> >> >>
//! ```
//!
//! [`read_dss`] only collects: each stream decoded once (bounded), VRI entries pointing at the
//! collected items by index. Whether the data is any good is for the path and revocation
//! checks. A damaged DSS is a finding, never an error: the signatures are still checked, only
//! without that data.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::finding::Finding;
use crate::message::Message;
use crate::pdf::{Dictionary, Object, ObjectId, PdfFile};

/// At most this many entries are read from each of `/Certs`, `/OCSPs` and `/CRLs`, and from
/// each VRI array.
pub const MAX_DSS_ITEMS: usize = 4096;
/// At most this many VRI entries are read.
pub const MAX_VRI_ENTRIES: usize = 4096;
/// Decoded DSS streams together may not exceed this many bytes.
pub const MAX_DSS_BYTES: usize = 128 * 1024 * 1024;

/// What the `/DSS` holds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DssFacts {
    /// Whether the catalog has a `/DSS` dictionary.
    pub present: bool,
    /// Certificates (DER), from `/Certs` and then from VRI entries that name other streams.
    #[serde(skip)]
    pub certs: Vec<Vec<u8>>,
    /// OCSP responses (DER), likewise.
    #[serde(skip)]
    pub ocsps: Vec<Vec<u8>>,
    /// CRLs (DER), likewise.
    #[serde(skip)]
    pub crls: Vec<Vec<u8>>,
    /// VRI entries by key: the upper-case hex SHA-1 of the signature's `/Contents` value.
    pub vri: BTreeMap<String, VriEntry>,
    /// Problems met while reading.
    pub findings: Vec<Finding>,
}

/// Validation data related to one signature (ISO 32000-2 Table 262).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VriEntry {
    /// Indices into [`DssFacts::certs`].
    pub certs: Vec<usize>,
    /// Indices into [`DssFacts::ocsps`].
    pub ocsps: Vec<usize>,
    /// Indices into [`DssFacts::crls`].
    pub crls: Vec<usize>,
    /// `/TU`: when the data was put together, as written (a PDF date).
    pub tu: Option<String>,
    /// `/TS`: a time-stamp token (DER) over the data.
    #[serde(skip)]
    pub ts: Option<Vec<u8>>,
}

/// Which list a stream belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Cert,
    Ocsp,
    Crl,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Cert => "Certs",
            Kind::Ocsp => "OCSPs",
            Kind::Crl => "CRLs",
        }
    }
}

/// Reads the catalog's `/DSS`. A file without one gives empty facts with `present: false`.
pub fn read_dss(file: &PdfFile) -> DssFacts {
    let mut reader = DssReader {
        file,
        facts: DssFacts::default(),
        seen: HashMap::new(),
        bytes: 0,
    };
    reader.read();
    reader.facts
}

struct DssReader<'f> {
    file: &'f PdfFile,
    facts: DssFacts,
    /// Streams already collected, by object and list: a VRI naming one gets its index.
    seen: HashMap<(ObjectId, Kind), usize>,
    /// Decoded bytes so far.
    bytes: usize,
}

impl DssReader<'_> {
    fn read(&mut self) {
        let dss = match self.file.catalog() {
            Ok(catalog) => match catalog.get(b"DSS") {
                None => return,
                Some(value) => self.file.resolve(value),
            },
            Err(e) => return self.problem("dss-unreadable", "/DSS", &e.to_string()),
        };
        self.facts.present = true;
        let dss = match dss {
            Ok(Object::Dictionary(dss)) => dss,
            Ok(other) => {
                return self.problem("dss-malformed", "/DSS", &format!("a {}", other.type_name()));
            }
            Err(e) => return self.problem("dss-unreadable", "/DSS", &e.to_string()),
        };
        for (key, kind) in [
            (&b"Certs"[..], Kind::Cert),
            (b"OCSPs", Kind::Ocsp),
            (b"CRLs", Kind::Crl),
        ] {
            if let Some(items) = self.array(&dss, key, &format!("/DSS /{}", kind.name())) {
                for item in items.iter().take(MAX_DSS_ITEMS) {
                    self.collect(item, kind, &format!("/DSS /{}", kind.name()));
                }
                self.too_many(items.len(), &format!("/DSS /{}", kind.name()));
            }
        }
        let Some(vri) = dss.get(b"VRI") else {
            return;
        };
        let vri = match self.file.resolve(vri) {
            Ok(Object::Dictionary(vri)) => vri,
            Ok(other) => {
                return self.problem(
                    "dss-malformed",
                    "/DSS /VRI",
                    &format!("a {}", other.type_name()),
                );
            }
            Err(e) => return self.problem("dss-unreadable", "/DSS /VRI", &e.to_string()),
        };
        self.too_many(vri.len(), "/DSS /VRI");
        for (key, value) in vri.iter().take(MAX_VRI_ENTRIES) {
            let name = String::from_utf8_lossy(key).to_uppercase();
            let place = format!("/DSS /VRI /{name}");
            if name.len() != 40 || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
                self.problem("dss-vri-key", &place, "the key is not a SHA-1 in hex");
            }
            let entry = match self.file.resolve(value) {
                Ok(Object::Dictionary(entry)) => self.vri_entry(&entry, &place),
                Ok(other) => {
                    self.problem("dss-malformed", &place, &format!("a {}", other.type_name()));
                    continue;
                }
                Err(e) => {
                    self.problem("dss-unreadable", &place, &e.to_string());
                    continue;
                }
            };
            self.facts.vri.insert(name, entry);
        }
    }

    fn vri_entry(&mut self, entry: &Dictionary, place: &str) -> VriEntry {
        let mut out = VriEntry::default();
        for (key, kind) in [
            (&b"Cert"[..], Kind::Cert),
            (b"OCSP", Kind::Ocsp),
            (b"CRL", Kind::Crl),
        ] {
            let at = format!("{place} /{}", String::from_utf8_lossy(key));
            let Some(items) = self.array(entry, key, &at) else {
                continue;
            };
            self.too_many(items.len(), &at);
            for item in items.iter().take(MAX_DSS_ITEMS) {
                if let Some(index) = self.collect(item, kind, &at) {
                    match kind {
                        Kind::Cert => out.certs.push(index),
                        Kind::Ocsp => out.ocsps.push(index),
                        Kind::Crl => out.crls.push(index),
                    }
                }
            }
        }
        match entry.get(b"TU").map(|tu| self.file.resolve(tu)) {
            Some(Ok(Object::String(tu))) => {
                out.tu = Some(String::from_utf8_lossy(&tu.bytes).into_owned());
            }
            Some(_) => self.problem("dss-malformed", &format!("{place} /TU"), "not a string"),
            None => {}
        }
        if let Some(ts) = entry.get(b"TS") {
            out.ts = self.stream(ts, &format!("{place} /TS"));
        }
        out
    }

    /// The array at `key`, resolved; a finding if it is something else.
    fn array(&mut self, dict: &Dictionary, key: &[u8], place: &str) -> Option<Vec<Object>> {
        match self.file.resolve(dict.get(key)?) {
            Ok(Object::Array(items)) => Some(items),
            Ok(other) => {
                self.problem("dss-malformed", place, &format!("a {}", other.type_name()));
                None
            }
            Err(e) => {
                self.problem("dss-unreadable", place, &e.to_string());
                None
            }
        }
    }

    /// Adds the stream `item` to its list (once per object) and returns its index.
    fn collect(&mut self, item: &Object, kind: Kind, place: &str) -> Option<usize> {
        let id = item.as_reference();
        if let Some(index) = id.and_then(|id| self.seen.get(&(id, kind))) {
            return Some(*index);
        }
        let data = self.stream(item, place)?;
        let list = match kind {
            Kind::Cert => &mut self.facts.certs,
            Kind::Ocsp => &mut self.facts.ocsps,
            Kind::Crl => &mut self.facts.crls,
        };
        list.push(data);
        let index = list.len() - 1;
        if let Some(id) = id {
            self.seen.insert((id, kind), index);
        }
        Some(index)
    }

    /// The decoded data of the stream `item` refers to.
    fn stream(&mut self, item: &Object, place: &str) -> Option<Vec<u8>> {
        let stream = match self.file.resolve(item) {
            Ok(Object::Stream(stream)) => stream,
            Ok(other) => {
                self.problem(
                    "dss-malformed",
                    place,
                    &format!("a {}, not a stream", other.type_name()),
                );
                return None;
            }
            Err(e) => {
                self.problem("dss-unreadable", place, &e.to_string());
                return None;
            }
        };
        if self.bytes >= MAX_DSS_BYTES {
            self.problem(
                "dss-too-large",
                place,
                "the DSS data is larger than Kyso reads",
            );
            return None;
        }
        match self.file.stream_data(&stream) {
            Ok(data) => {
                self.bytes = self.bytes.saturating_add(data.len());
                Some(data)
            }
            Err(e) => {
                self.problem("dss-unreadable", place, &e.to_string());
                None
            }
        }
    }

    fn too_many(&mut self, count: usize, place: &str) {
        let limit = if place.ends_with("/VRI") {
            MAX_VRI_ENTRIES
        } else {
            MAX_DSS_ITEMS
        };
        if count > limit {
            self.problem(
                "dss-too-large",
                place,
                &format!("{count} entries, only the first {limit} are read"),
            );
        }
    }

    /// A DSS problem: the data cannot be used, the signatures are still checked without it.
    fn problem(&mut self, code: &str, place: &str, detail: &str) {
        self.facts.findings.push(
            Finding::info(Message::new(
                code,
                format!(
                    "Dữ liệu kiểm tra lâu dài (DSS) trong tệp bị hỏng ở {place}; phần đó không được dùng"
                ),
                format!("The long-term validation data (DSS) of the file is damaged at {place}; that part is not used"),
            ))
            .with_detail(detail.to_owned()),
        );
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::Path;

    use sha1::{Digest, Sha1};

    use super::*;
    use crate::pdf::PdfString;
    use crate::pdf::fixtures::{FixtureWriter, classic_pdf};

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/pdfs");

    fn corpus(name: &str) -> PdfFile {
        PdfFile::open(Path::new(CORPUS).join(name)).unwrap()
    }

    fn codes(facts: &DssFacts) -> Vec<&str> {
        facts.findings.iter().map(|f| f.code.as_str()).collect()
    }

    fn reference(number: u32) -> Object {
        Object::Reference(ObjectId::new(number, 0))
    }

    /// The `/Contents` bytes of every signature dictionary `/V` of the AcroForm's fields.
    fn signature_contents(file: &PdfFile) -> Vec<Vec<u8>> {
        let form = file.acroform().unwrap().unwrap();
        let fields = file.resolve(form.get(b"Fields").unwrap()).unwrap();
        fields
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|field| match file.resolve(field).ok()? {
                Object::Dictionary(field) => match file.resolve(field.get(b"V")?).ok()? {
                    Object::Dictionary(v) => Some(v.get(b"Contents")?.as_string()?.bytes.clone()),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    #[test]
    fn itext_b_lt_dss_with_vri_of_its_signature() {
        let file = corpus("itext_pades_B-LT.pdf");
        let dss = read_dss(&file);
        assert!(dss.present);
        assert!(dss.findings.is_empty(), "{:?}", dss.findings);
        assert!(!dss.certs.is_empty());
        assert!(!dss.ocsps.is_empty() || !dss.crls.is_empty());
        for der in &dss.certs {
            crate::pki::CertificateInfo::from_der(der).unwrap();
        }
        assert!(!dss.vri.is_empty());
        for (key, entry) in &dss.vri {
            assert_eq!(key.len(), 40);
            assert!(
                key.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            );
            assert!(entry.certs.iter().all(|&i| i < dss.certs.len()));
            assert!(entry.ocsps.iter().all(|&i| i < dss.ocsps.len()));
            assert!(entry.crls.iter().all(|&i| i < dss.crls.len()));
        }
        // The VRI key is the SHA-1 of the signature's /Contents (with its zero padding).
        let keys: Vec<String> = signature_contents(&file)
            .iter()
            .map(|contents| hex::encode_upper(Sha1::digest(contents)))
            .collect();
        assert!(
            keys.iter().any(|k| dss.vri.contains_key(k)),
            "{keys:?} not in {:?}",
            dss.vri.keys().collect::<Vec<_>>()
        );
    }

    #[test]
    fn corpus_dss_files_read_cleanly() {
        for name in [
            "itext_pades_B-LTA.pdf",
            "dss_pades-lt-b-extended-adbe.pdf",
            "itext_pades_B-LTA_with_multiple_timestamps.pdf",
        ] {
            let dss = read_dss(&corpus(name));
            assert!(dss.present, "{name}");
            assert!(dss.findings.is_empty(), "{name}: {:?}", dss.findings);
            assert!(!dss.certs.is_empty(), "{name}");
            for der in &dss.certs {
                crate::pki::CertificateInfo::from_der(der)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
    }

    #[test]
    fn no_dss_is_not_a_problem() {
        let file = PdfFile::from_bytes(classic_pdf(1)).unwrap();
        let dss = read_dss(&file);
        assert!(!dss.present);
        assert!(dss.certs.is_empty() && dss.vri.is_empty() && dss.findings.is_empty());
        let file = corpus("itext_pkcs7_signatureWithValidOcspTest.pdf");
        assert!(!read_dss(&file).present);
    }

    /// A document whose catalog has `dss` as `/DSS`, with `objects` written after it.
    fn with_dss(
        dss: Object,
        objects: &[(u32, Object)],
        streams: &[(u32, Dictionary, Vec<u8>)],
    ) -> PdfFile {
        let mut w = FixtureWriter::new(Vec::new(), "1.7").unwrap();
        let catalog: Dictionary = [("Type", Object::name("Catalog")), ("DSS", dss)]
            .into_iter()
            .collect();
        w.object(1, &catalog.into()).unwrap();
        for (number, object) in objects {
            w.object(*number, object).unwrap();
        }
        for (number, dict, data) in streams {
            w.stream(*number, dict.clone(), data).unwrap();
        }
        let trailer: Dictionary = [("Root", reference(1))].into_iter().collect();
        PdfFile::from_bytes(w.finish_with_table(trailer).unwrap()).unwrap()
    }

    #[test]
    fn compressed_streams_are_decoded_and_shared_streams_collected_once() {
        let certificate = b"\x30\x03\x02\x01\x07".to_vec();
        let mut deflate = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        deflate.write_all(&certificate).unwrap();
        let compressed = deflate.finish().unwrap();
        let flate: Dictionary = [("Filter", Object::name("FlateDecode"))]
            .into_iter()
            .collect();
        let key = "0123456789ABCDEF0123456789ABCDEF01234567";
        let vri: Dictionary = [(
            key.to_lowercase().as_str(),
            Object::Dictionary(
                [
                    ("Cert", Object::Array(vec![reference(3)])),
                    ("OCSP", Object::Array(vec![reference(4)])),
                    (
                        "TU",
                        Object::String(PdfString::literal(&b"D:20260101120000+07'00'"[..])),
                    ),
                ]
                .into_iter()
                .collect(),
            ),
        )]
        .into_iter()
        .collect();
        let dss: Dictionary = [
            ("Certs", Object::Array(vec![reference(3), reference(3)])),
            ("VRI", Object::Dictionary(vri)),
        ]
        .into_iter()
        .collect();
        let file = with_dss(
            dss.into(),
            &[],
            &[
                (3, flate, compressed),
                (4, Dictionary::new(), b"\x30\x00".to_vec()),
            ],
        );
        let facts = read_dss(&file);
        assert!(facts.findings.is_empty(), "{:?}", facts.findings);
        // Listed twice, the same object: collected once, and the VRI points at it.
        assert_eq!(facts.certs, [certificate]);
        // Named only by the VRI: collected too.
        assert_eq!(facts.ocsps, [b"\x30\x00".to_vec()]);
        let entry = &facts.vri[key];
        assert_eq!(entry.certs, [0]);
        assert_eq!(entry.ocsps, [0]);
        assert_eq!(entry.tu.as_deref(), Some("D:20260101120000+07'00'"));
    }

    #[test]
    fn damaged_dss_entries_are_findings() {
        // /Certs: a dictionary instead of a stream, a missing object, a number; /OCSPs: not an
        // array; /VRI: a key that is no SHA-1 and an entry that is an integer.
        let vri: Dictionary = [
            ("not-a-hash", Object::Dictionary(Dictionary::new())),
            (
                "0123456789ABCDEF0123456789ABCDEF01234567",
                Object::Integer(5),
            ),
        ]
        .into_iter()
        .collect();
        let dss: Dictionary = [
            (
                "Certs",
                Object::Array(vec![reference(3), reference(40), Object::Integer(1)]),
            ),
            ("OCSPs", Object::Integer(7)),
            ("VRI", Object::Dictionary(vri)),
        ]
        .into_iter()
        .collect();
        let file = with_dss(
            dss.into(),
            &[(3, Object::Dictionary(Dictionary::new()))],
            &[],
        );
        let facts = read_dss(&file);
        assert!(facts.present);
        assert!(facts.certs.is_empty() && facts.ocsps.is_empty());
        assert_eq!(
            codes(&facts),
            [
                "dss-malformed", // /Certs 3 0 R is a dictionary
                "dss-malformed", // /Certs 40 0 R is null
                "dss-malformed", // /Certs 1
                "dss-malformed", // /OCSPs 7
                "dss-vri-key",
                "dss-malformed", // the VRI entry 5
            ]
        );
        assert!(facts.findings.iter().all(|f| f.sub_indication.is_none()));
        assert!(facts.findings[0].message.vi.contains("DSS"));
        // The key that is no hash still gets its (empty) entry.
        assert!(facts.vri.contains_key("NOT-A-HASH"));
    }

    #[test]
    fn dss_reference_loop_is_a_finding() {
        // /DSS 5 0 R, where 5 0 obj is 6 0 R and 6 0 obj is 5 0 R.
        let file = with_dss(reference(5), &[(5, reference(6)), (6, reference(5))], &[]);
        let facts = read_dss(&file);
        assert!(facts.present);
        assert_eq!(codes(&facts), ["dss-unreadable"]);
    }
}
