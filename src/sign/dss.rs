//! Writing the Document Security Store (ISO 32000-2 §12.8.4.3; ETSI EN 319 142-1 §5.4.2): the
//! certificates, OCSP responses and CRLs a PAdES B-LT file carries so that its signatures can
//! be validated years later without the network.
//!
//! ```text
//! /DSS << /Type /DSS
//!         /Certs [streams] /OCSPs [streams] /CRLs [streams]
//!         /VRI << /<SHA-1 of a signature's /Contents, upper-case hex>
//!                 << /Cert [..] /OCSP [..] /CRL [..] /TU (date) >> >> >>
//! ```
//!
//! [`add_dss`] adds to an [`IncrementalUpdate`]: an existing DSS is *merged*, never replaced —
//! its streams, arrays and VRI entries are kept (an earlier signature's validation data is
//! evidence too), and an item already there, compared by the SHA-256 of its decoded bytes, is
//! referenced rather than written again. The catalog then points at the DSS. Every object
//! written is one that `verify::changes` (and pyHanko's difference analysis) classifies as
//! validation data, so earlier signatures keep their "allowed" modifications.

use std::collections::HashMap;
use std::io::Write;

use sha1::Sha1;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::message::{Explain, Message};
use crate::pdf::{Dictionary, IncrementalUpdate, Object, ObjectId, PdfError, PdfString};
use crate::verify::dss::{MAX_DSS_BYTES, MAX_DSS_ITEMS, MAX_VRI_ENTRIES};

/// Validation data to put in the DSS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationData {
    /// Certificates (DER) for `/Certs`.
    pub certificates: Vec<Vec<u8>>,
    /// OCSPResponses (DER) for `/OCSPs`.
    pub ocsp_responses: Vec<Vec<u8>>,
    /// CertificateLists (DER) for `/CRLs`.
    pub crls: Vec<Vec<u8>>,
    /// Per-signature entries for `/VRI`; their items are also put in the arrays above.
    pub vri: Vec<VriData>,
}

/// The validation data of one signature or document time-stamp (ISO 32000-2 Table 262).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VriData {
    /// The key: upper-case hex SHA-1 of the signature's `/Contents` value (see [`vri_key`]).
    pub key: String,
    pub certificates: Vec<Vec<u8>>,
    pub ocsp_responses: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
}

/// The VRI key of a signature: the SHA-1 of its `/Contents` bytes (zero padding included), in
/// upper-case hex (ISO 32000-2 §12.8.4.4).
pub fn vri_key(contents: &[u8]) -> String {
    hex::encode_upper(Sha1::digest(contents))
}

/// What [`add_dss`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DssSummary {
    /// New streams written, per list.
    pub certificates_added: usize,
    pub ocsps_added: usize,
    pub crls_added: usize,
    /// Items given that the DSS already held (same bytes).
    pub already_present: usize,
    /// VRI entries written (new or extended).
    pub vri_entries: usize,
}

impl DssSummary {
    /// Whether anything new was added.
    pub fn added_anything(&self) -> bool {
        self.certificates_added + self.ocsps_added + self.crls_added + self.vri_entries > 0
    }
}

/// Why the DSS could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DssError {
    /// The file could not be read or the update not built.
    #[error(transparent)]
    Pdf(#[from] PdfError),
    /// The file's DSS exists but is not a dictionary of arrays: merging into it could lose
    /// data, so nothing is written.
    #[error("the existing DSS is malformed at {place}")]
    ExistingMalformed { place: String },
    /// The DSS would exceed what Kyso's own reader accepts.
    #[error("the DSS would be too large: {detail}")]
    TooLarge { detail: String },
    /// A stream could not be compressed (out of memory).
    #[error("cannot compress a DSS stream: {detail}")]
    Compression { detail: String },
}

impl Explain for DssError {
    fn message(&self) -> Message {
        match self {
            DssError::Pdf(e) => e.message(),
            DssError::ExistingMalformed { place } => Message::new(
                "dss-existing-malformed",
                format!(
                    "Dữ liệu kiểm tra lâu dài (DSS) sẵn có trong tệp bị hỏng ở {place}: không bổ sung vào được"
                ),
                format!(
                    "The long-term validation data (DSS) already in the file is damaged at {place}: it cannot be extended"
                ),
            ),
            DssError::Compression { detail } => Message::new(
                "dss-compression",
                format!("Không nén được dữ liệu kiểm tra lâu dài (DSS): {detail}"),
                format!("Cannot compress the long-term validation data (DSS): {detail}"),
            ),
            DssError::TooLarge { detail } => Message::new(
                "dss-too-large",
                format!("Dữ liệu kiểm tra lâu dài (DSS) quá lớn: {detail}"),
                format!("The long-term validation data (DSS) would be too large: {detail}"),
            ),
        }
    }
}

/// The three lists of the DSS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum List {
    Certs,
    Ocsps,
    Crls,
}

impl List {
    const ALL: [List; 3] = [List::Certs, List::Ocsps, List::Crls];

    /// The key in `/DSS`.
    fn dss_key(self) -> &'static [u8] {
        match self {
            List::Certs => b"Certs",
            List::Ocsps => b"OCSPs",
            List::Crls => b"CRLs",
        }
    }

    /// The key in a VRI entry.
    fn vri_key(self) -> &'static [u8] {
        match self {
            List::Certs => b"Cert",
            List::Ocsps => b"OCSP",
            List::Crls => b"CRL",
        }
    }
}

/// One of `/Certs`, `/OCSPs`, `/CRLs`: its items and where the array lives.
struct ListState {
    /// The array object when it is indirect (updated in place), else `None`.
    array_id: Option<ObjectId>,
    items: Vec<Object>,
    /// Stream references by the SHA-256 of their decoded data.
    by_hash: HashMap<[u8; 32], ObjectId>,
}

/// Adds `data` to the file's DSS (creating it if needed) in `update`, and points the catalog
/// at it. `now` is written as each new VRI entry's `/TU`.
pub fn add_dss(
    update: &mut IncrementalUpdate<'_>,
    data: &ValidationData,
    now: OffsetDateTime,
) -> Result<DssSummary, DssError> {
    let file = update.file();
    let catalog_id = file.catalog_id();
    let mut catalog = match update.current(catalog_id)? {
        Object::Dictionary(catalog) => catalog,
        _ => {
            return Err(DssError::ExistingMalformed {
                place: "the catalog".into(),
            });
        }
    };
    let (dss_id, mut dss) = match catalog.get(b"DSS") {
        None | Some(Object::Null) => (None, Dictionary::new()),
        Some(Object::Reference(id)) => match update.current(*id)? {
            Object::Dictionary(d) => (Some(*id), d),
            _ => return Err(malformed("/DSS")),
        },
        Some(Object::Dictionary(d)) => (None, d.clone()),
        Some(_) => return Err(malformed("/DSS")),
    };

    let mut budget = ReadBudget::default();
    let mut lists = HashMap::new();
    for list in List::ALL {
        lists.insert(list, read_list(update, &dss, list, &mut budget)?);
    }

    let mut summary = DssSummary::default();
    let mut add = |update: &mut IncrementalUpdate<'_>,
                   list: List,
                   der: &[u8],
                   summary: &mut DssSummary|
     -> Result<ObjectId, DssError> {
        let state = lists.get_mut(&list).expect("every list was read");
        let hash: [u8; 32] = Sha256::digest(der).into();
        if let Some(id) = state.by_hash.get(&hash) {
            summary.already_present += 1;
            return Ok(*id);
        }
        if state.items.len() >= MAX_DSS_ITEMS {
            return Err(DssError::TooLarge {
                detail: format!("more than {MAX_DSS_ITEMS} items in one list"),
            });
        }
        budget.spend(der.len())?;
        let id = update.allocate()?;
        let (dict, bytes) = compressed_stream(der)?;
        update.put_stream(id, dict, bytes);
        state.items.push(Object::Reference(id));
        state.by_hash.insert(hash, id);
        match list {
            List::Certs => summary.certificates_added += 1,
            List::Ocsps => summary.ocsps_added += 1,
            List::Crls => summary.crls_added += 1,
        }
        Ok(id)
    };

    for der in &data.certificates {
        add(update, List::Certs, der, &mut summary)?;
    }
    for der in &data.ocsp_responses {
        add(update, List::Ocsps, der, &mut summary)?;
    }
    for der in &data.crls {
        add(update, List::Crls, der, &mut summary)?;
    }

    // VRI: existing entries kept as they are; ours added or extended.
    let (vri_id, mut vri) = match dss.get(b"VRI") {
        None | Some(Object::Null) => (None, Dictionary::new()),
        Some(Object::Reference(id)) => match update.current(*id)? {
            Object::Dictionary(d) => (Some(*id), d),
            _ => return Err(malformed("/DSS /VRI")),
        },
        Some(Object::Dictionary(d)) => (None, d.clone()),
        Some(_) => return Err(malformed("/DSS /VRI")),
    };
    for entry in &data.vri {
        let mut refs: HashMap<List, Vec<ObjectId>> = HashMap::new();
        for (list, items) in [
            (List::Certs, &entry.certificates),
            (List::Ocsps, &entry.ocsp_responses),
            (List::Crls, &entry.crls),
        ] {
            for der in items {
                let id = add(update, list, der, &mut summary)?;
                refs.entry(list).or_default().push(id);
            }
        }
        let key = entry.key.to_uppercase();
        let (entry_id, mut dict) = match vri.get(key.as_bytes()) {
            None | Some(Object::Null) => (None, Dictionary::new()),
            Some(Object::Reference(id)) => match update.current(*id)? {
                Object::Dictionary(d) => (Some(*id), d),
                _ => return Err(malformed(&format!("/DSS /VRI /{key}"))),
            },
            Some(Object::Dictionary(d)) => (None, d.clone()),
            Some(_) => return Err(malformed(&format!("/DSS /VRI /{key}"))),
        };
        if entry_id.is_none() && !vri.contains_key(key.as_bytes()) && vri.len() >= MAX_VRI_ENTRIES {
            return Err(DssError::TooLarge {
                detail: format!("more than {MAX_VRI_ENTRIES} VRI entries"),
            });
        }
        for list in List::ALL {
            let Some(new) = refs.get(&list) else {
                continue;
            };
            let mut items = match dict.get(list.vri_key()) {
                None => Vec::new(),
                Some(value) => match update.file().resolve(value)? {
                    Object::Array(items) => items,
                    _ => return Err(malformed(&format!("/DSS /VRI /{key}"))),
                },
            };
            for id in new {
                let reference = Object::Reference(*id);
                if !items.contains(&reference) {
                    items.push(reference);
                }
            }
            dict.insert(list.vri_key(), Object::Array(items));
        }
        dict.insert(
            "TU",
            Object::String(PdfString::literal(crate::vn_time::pdf_date(now))),
        );
        match entry_id {
            Some(id) => update.put(id, dict.into()),
            None => {
                vri.insert(key.as_bytes(), dict.into());
            }
        }
        summary.vri_entries += 1;
    }

    for list in List::ALL {
        let state = lists.remove(&list).expect("every list was read");
        if state.items.is_empty() {
            continue;
        }
        let array = Object::Array(state.items);
        match state.array_id {
            Some(id) => update.put(id, array),
            None => {
                dss.insert(list.dss_key(), array);
            }
        }
    }
    if !vri.is_empty() {
        match vri_id {
            Some(id) => update.put(id, vri.into()),
            None => {
                dss.insert("VRI", vri.into());
            }
        }
    }
    dss.insert("Type", Object::name("DSS"));
    // The DSS is written as an object of its own (in place when it already was one).
    let dss_id = match dss_id {
        Some(id) => id,
        None => update.allocate()?,
    };
    update.put(dss_id, dss.into());
    catalog.insert("DSS", Object::Reference(dss_id));
    update.put(catalog_id, catalog.into());
    Ok(summary)
}

fn malformed(place: &str) -> DssError {
    DssError::ExistingMalformed {
        place: place.to_owned(),
    }
}

/// Decoded bytes of existing DSS streams read so far (hostile files: bounded).
#[derive(Default)]
struct ReadBudget {
    bytes: usize,
}

impl ReadBudget {
    fn spend(&mut self, len: usize) -> Result<(), DssError> {
        self.bytes = self.bytes.saturating_add(len);
        if self.bytes > MAX_DSS_BYTES {
            return Err(DssError::TooLarge {
                detail: format!("more than {} MiB", MAX_DSS_BYTES / (1024 * 1024)),
            });
        }
        Ok(())
    }
}

/// Reads one of the DSS arrays: its items kept as they are, stream items indexed by content.
fn read_list(
    update: &IncrementalUpdate<'_>,
    dss: &Dictionary,
    list: List,
    budget: &mut ReadBudget,
) -> Result<ListState, DssError> {
    let file = update.file();
    let place = || format!("/DSS /{}", String::from_utf8_lossy(list.dss_key()));
    let (array_id, items) = match dss.get(list.dss_key()) {
        None | Some(Object::Null) => (None, Vec::new()),
        Some(Object::Reference(id)) => match update.current(*id)? {
            Object::Array(items) => (Some(*id), items),
            _ => return Err(malformed(&place())),
        },
        Some(Object::Array(items)) => (None, items.clone()),
        Some(_) => return Err(malformed(&place())),
    };
    if items.len() > MAX_DSS_ITEMS {
        return Err(DssError::TooLarge {
            detail: format!("{} has {} items", place(), items.len()),
        });
    }
    let mut by_hash = HashMap::new();
    for item in &items {
        // Items that are not stream references are kept, only not reused.
        let Some(id) = item.as_reference() else {
            continue;
        };
        if let Ok(Object::Stream(stream)) = file.get(id)
            && let Ok(data) = file.stream_data(&stream)
        {
            budget.spend(data.len())?;
            by_hash.entry(Sha256::digest(&data).into()).or_insert(id);
        }
    }
    Ok(ListState {
        array_id,
        items,
        by_hash,
    })
}

/// A Flate-compressed stream of `data`: CRLs of large CAs compress to a fraction.
fn compressed_stream(data: &[u8]) -> Result<(Dictionary, Vec<u8>), DssError> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let compressed = encoder
        .write_all(data)
        .and_then(|()| encoder.finish())
        .map_err(|e| DssError::Compression {
            detail: e.to_string(),
        })?;
    let mut dict = Dictionary::new();
    dict.insert("Filter", Object::name("FlateDecode"));
    Ok((dict, compressed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::PdfFile;
    use crate::pdf::fixtures::classic_pdf;
    use crate::pki::path::tests::pki;
    use crate::sign::{SignatureRequest, sign_document};
    use crate::token::{SignerOptions, SoftwareSigner};
    use crate::verify::changes::analyse;
    use crate::verify::discovery::find_signatures;
    use crate::verify::dss::read_dss;
    use crate::verify::report::Modifications;
    use crate::verify::revisions::Revisions;

    fn signed_pdf() -> Vec<u8> {
        let person = &pki().ec_person;
        let signer = SoftwareSigner::from_pem(
            &person.key_pkcs8_pem,
            &person.certificate_pem,
            None,
            SignerOptions::default(),
        )
        .expect("software signer");
        let dir = tempfile::tempdir().expect("temp dir");
        let (input, output) = (dir.path().join("in.pdf"), dir.path().join("out.pdf"));
        std::fs::write(&input, classic_pdf(1)).expect("write input");
        sign_document(
            &signer,
            &input,
            &output,
            &SignatureRequest::default(),
            false,
        )
        .expect("signs");
        std::fs::read(&output).expect("read output")
    }

    /// `pdf` with `data` added as an incremental update.
    fn extended(pdf: &[u8], data: &ValidationData) -> (Vec<u8>, DssSummary) {
        let file = PdfFile::from_bytes(pdf.to_vec()).expect("opens");
        let mut update = IncrementalUpdate::new(&file);
        let summary = add_dss(&mut update, data, crate::vn_time::now()).expect("adds the DSS");
        let mut out = pdf.to_vec();
        out.extend_from_slice(&update.finish().expect("finishes").bytes);
        (out, summary)
    }

    fn contents_key(pdf: &[u8]) -> String {
        let file = PdfFile::from_bytes(pdf.to_vec()).expect("opens");
        let sites = find_signatures(&file).expect("finds signatures");
        vri_key(&sites[0].contents)
    }

    /// The change analysis of the first signature of `pdf`.
    fn modifications(pdf: &[u8]) -> Modifications {
        let file = PdfFile::from_bytes(pdf.to_vec()).expect("opens");
        let sites = find_signatures(&file).expect("finds signatures");
        let end = sites[0].byte_range.covered_end().expect("byte range");
        analyse(&file, &Revisions::split(&file).expect("splits"), end).level
    }

    #[test]
    fn a_new_dss_with_vri_reads_back_and_is_an_allowed_change() {
        let signed = signed_pdf();
        let key = contents_key(&signed);
        let (root, ca) = (
            pki().root.certificate_der.clone(),
            pki().issuing_ca.certificate_der.clone(),
        );
        let ocsp = b"\x30\x03\x0a\x01\x00".to_vec();
        let data = ValidationData {
            certificates: vec![root.clone()],
            vri: vec![VriData {
                key: key.clone(),
                certificates: vec![ca.clone(), root.clone()],
                ocsp_responses: vec![ocsp.clone()],
                crls: Vec::new(),
            }],
            ..ValidationData::default()
        };
        let (out, summary) = extended(&signed, &data);
        assert_eq!(
            (
                summary.certificates_added,
                summary.ocsps_added,
                summary.vri_entries
            ),
            (2, 1, 1)
        );
        assert_eq!(summary.already_present, 1, "the root is written once");
        let dss = read_dss(&PdfFile::from_bytes(out.clone()).expect("opens"));
        assert!(dss.findings.is_empty(), "{:?}", dss.findings);
        assert_eq!(dss.certs, [root, ca]);
        assert_eq!(dss.ocsps, [ocsp]);
        let entry = &dss.vri[&key];
        assert_eq!((entry.certs.len(), entry.ocsps.len()), (2, 1));
        assert!(entry.tu.as_deref().is_some_and(|tu| tu.starts_with("D:")));
        assert_eq!(modifications(&out), Modifications::Allowed);
    }

    #[test]
    fn a_second_dss_merges_without_duplicates_and_keeps_what_was_there() {
        let signed = signed_pdf();
        let key = contents_key(&signed);
        let (root, ca, tsa) = (
            pki().root.certificate_der.clone(),
            pki().issuing_ca.certificate_der.clone(),
            pki().tsa.certificate_der.clone(),
        );
        let first = ValidationData {
            vri: vec![VriData {
                key: key.clone(),
                certificates: vec![ca.clone(), root.clone()],
                ..VriData::default()
            }],
            ..ValidationData::default()
        };
        let (once, _) = extended(&signed, &first);
        let other_key = "AB".repeat(20);
        let second = ValidationData {
            crls: vec![b"\x30\x00".to_vec()],
            vri: vec![
                VriData {
                    key: key.clone(),
                    certificates: vec![root.clone(), tsa.clone()],
                    ..VriData::default()
                },
                VriData {
                    key: other_key.clone(),
                    certificates: vec![tsa.clone()],
                    ..VriData::default()
                },
            ],
            ..ValidationData::default()
        };
        let (twice, summary) = extended(&once, &second);
        assert_eq!((summary.certificates_added, summary.crls_added), (1, 1));
        let dss = read_dss(&PdfFile::from_bytes(twice.clone()).expect("opens"));
        assert!(dss.findings.is_empty(), "{:?}", dss.findings);
        assert_eq!(dss.certs, [ca, root, tsa]);
        assert_eq!(dss.crls.len(), 1);
        assert_eq!(dss.vri[&key].certs, [0, 1, 2], "extended, not replaced");
        assert_eq!(dss.vri[&other_key].certs, [2]);
        assert_eq!(modifications(&twice), Modifications::Allowed);
        // The second update changed the DSS object in place: one DSS, the same object.
        let (a, b) = (
            PdfFile::from_bytes(once).expect("opens"),
            PdfFile::from_bytes(twice).expect("opens"),
        );
        assert_eq!(
            a.catalog().expect("catalog").get(b"DSS"),
            b.catalog().expect("catalog").get(b"DSS")
        );
    }

    #[test]
    fn an_existing_dss_of_other_software_is_kept() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/pdfs/itext_pades_B-LT.pdf"
        );
        let original = std::fs::read(path).expect("corpus file");
        let before = read_dss(&PdfFile::from_bytes(original.clone()).expect("opens"));
        let tsa = pki().tsa.certificate_der.clone();
        let data = ValidationData {
            certificates: vec![before.certs[0].clone(), tsa.clone()],
            ..ValidationData::default()
        };
        let (out, summary) = extended(&original, &data);
        assert_eq!(
            (summary.certificates_added, summary.already_present),
            (1, 1)
        );
        let after = read_dss(&PdfFile::from_bytes(out).expect("opens"));
        assert!(after.findings.is_empty(), "{:?}", after.findings);
        assert_eq!(after.certs.len(), before.certs.len() + 1);
        assert_eq!(after.certs.last(), Some(&tsa));
        assert_eq!(after.ocsps, before.ocsps);
        assert_eq!(after.crls, before.crls);
        assert_eq!(after.vri.len(), before.vri.len());
    }

    #[test]
    fn vri_keys_are_upper_case_sha1() {
        assert_eq!(vri_key(b"abc"), "A9993E364706816ABA3E25717850C26C9CD0D89D");
    }
}
