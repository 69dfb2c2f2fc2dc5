//! Hostile input (issue 4, "Hostile input"; issue 8, "Fuzzing and hostile input"): mutated and
//! crafted versions of signed files, run through the whole `kyso verify` pipeline in-process.
//!
//! For every input: no panic, a report within the time budget Kyso enforces itself (2 s, with
//! 3× slack for debug builds and a busy machine), never `integrity: intact` for a signature
//! whose covered bytes are not bytes its signer signed, never `accepted` when a byte any
//! original signature covers changed, and peak memory under 256 MB.
//!
//! `KYSO_MUTANTS=N` raises the number of random mutants (default 5,000; `KYSO_MUTANTS_DEBUG=1` prints each mutant and its first reason).

use std::collections::HashSet;
use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use kyso::pdf::{Object, PdfFile};
use kyso::pki::demo::{DemoIdentity, DemoOptions, DemoPki};
use kyso::pki::trust::TrustStore;
use kyso::sign::{SignatureRequest, sign_document};
use kyso::token::{SignerOptions, SoftwareSigner};
use kyso::verify::discovery::find_signatures;
use kyso::verify::policy::Policy;
use kyso::verify::report::{FileReport, Integrity, Verdict};
use kyso::verify::{VerifyOptions, verify_file};
use sha2::{Digest, Sha256};

const TIME_LIMIT: Duration = Duration::from_secs(2);
/// Debug builds, two cores shared with other test binaries: the budget plus generous slack.
/// A hang still fails: without the budget inside Kyso these inputs take minutes or forever.
const SLACK: u32 = 3;
const DEFAULT_MUTANTS: usize = 5_000;
const MAX_RSS_KB: u64 = 256 * 1024;

// ---- Signed originals ------------------------------------------------------------------------

struct Pki {
    _dir: tempfile::TempDir,
    pki: DemoPki,
}

fn pki() -> &'static DemoPki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    &PKI.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let pki = DemoPki::generate(dir.path(), &DemoOptions::default()).expect("demo PKI");
        Pki { _dir: dir, pki }
    })
    .pki
}

fn signer(identity: &DemoIdentity) -> SoftwareSigner {
    let chain = std::fs::read_to_string(&pki().ca_chain_pem_path).expect("CA chain");
    let certificates = format!("{}\n{chain}", identity.certificate_pem);
    SoftwareSigner::from_pem(
        &identity.key_pkcs8_pem,
        &certificates,
        None,
        SignerOptions::default(),
    )
    .expect("demo key")
}

fn sign(input: &[u8], identity: &DemoIdentity, field: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let (i, o) = (dir.path().join("in.pdf"), dir.path().join("out.pdf"));
    std::fs::write(&i, input).expect("write");
    let request = SignatureRequest {
        field_name: Some(field.into()),
        ..SignatureRequest::default()
    };
    sign_document(&signer(identity), &i, &o, &request, false).expect("signed");
    std::fs::read(&o).expect("read")
}

fn options() -> &'static VerifyOptions {
    static OPTIONS: OnceLock<VerifyOptions> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut trust = TrustStore::empty();
        let root = std::fs::read(&pki().root.certificate_pem_path).expect("root");
        trust.add_anchor_pem_or_der(&root).expect("anchor");
        VerifyOptions {
            policy: Policy::Incoming,
            trust,
            offline: true,
            time_limit: TIME_LIMIT,
        }
    })
}

/// A signed file and what its signatures cover.
struct Original {
    name: String,
    bytes: Vec<u8>,
    /// `[a, b, c, d]` of every signature.
    byte_ranges: Vec<[u64; 4]>,
    /// SHA-256 of the bytes each signature covers: the only contents an intact signature of a
    /// mutant may cover, since nobody but the original signers holds the keys.
    covered_digests: HashSet<[u8; 32]>,
}

fn covered_digest(bytes: &[u8], [a, b, c, d]: [u64; 4]) -> Option<[u8; 32]> {
    let range = |start: u64, len: u64| {
        let start = usize::try_from(start).ok()?;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        bytes.get(start..end)
    };
    let mut h = Sha256::new();
    h.update(range(a, b)?);
    h.update(range(c, d)?);
    Some(h.finalize().into())
}

fn original(name: &str, bytes: Vec<u8>) -> Original {
    let file = PdfFile::from_bytes(bytes.clone()).expect("original opens");
    let sites = find_signatures(&file).expect("signatures found");
    let byte_ranges: Vec<[u64; 4]> = sites.iter().filter_map(|s| s.byte_range.four()).collect();
    assert!(!byte_ranges.is_empty(), "{name}: no signature");
    let covered_digests = byte_ranges
        .iter()
        .filter_map(|&r| covered_digest(&bytes, r))
        .collect();
    Original {
        name: name.into(),
        bytes,
        byte_ranges,
        covered_digests,
    }
}

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/pdfs");
/// Small real files signed by other software: pyHanko, iText (BER CMS, time-stamps, ECDSA).
const CORPUS_FILES: &[&str] = &[
    "pyhanko_pades-with-old-style-signing-cert-attr-issser.pdf",
    "itext_ext_sample-nistp256-sha256.pdf",
    "itext_pkcs7_timeStampSignatureBerEncoded.pdf",
];

/// Kyso-signed documents (RSA on a classic table; ECDSA on a hybrid file with object streams;
/// two signatures), and a few corpus files.
fn originals() -> &'static [Original] {
    static ORIGINALS: OnceLock<Vec<Original>> = OnceLock::new();
    ORIGINALS.get_or_init(|| {
        let pki = pki();
        let classic = kyso::pdf::fixtures::classic_pdf(2);
        let hybrid = kyso::pdf::fixtures::hybrid_pdf(2);
        let once = sign(&classic, &pki.leader, "Signature1");
        let twice = sign(&once, &pki.organisation, "Signature2");
        let mut all = vec![
            original("kyso-rsa-classic", once),
            original("kyso-ecdsa-hybrid", sign(&hybrid, &pki.ec_person, "Ký")),
            original("kyso-two-signatures", twice),
        ];
        for name in CORPUS_FILES {
            match std::fs::read(Path::new(CORPUS).join(name)) {
                Ok(bytes) => all.push(original(name, bytes)),
                Err(e) => eprintln!("corpus file {name} not available ({e}); skipped"),
            }
        }
        all
    })
}

// ---- Running one input -----------------------------------------------------------------------

/// Which original bytes a signature covers changed in `mutant` (by position).
fn covered_bytes_changed(original: &Original, mutant: &[u8]) -> bool {
    original.byte_ranges.iter().any(|&[a, b, c, d]| {
        let same = |start: u64, len: u64| {
            let (s, e) = (start as usize, (start + len) as usize);
            mutant.get(s..e) == original.bytes.get(s..e)
        };
        !(same(a, b) && same(c, d))
    })
}

struct Checked {
    elapsed: Duration,
    report: FileReport,
}

/// Verifies `mutant` in-process and checks the oracles; `Err` says what went wrong.
fn check(original: &Original, label: &str, mutant: &[u8], dir: &Path) -> Result<Checked, String> {
    let path = dir.join("mutant.pdf");
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(mutant))
        .map_err(|e| format!("{label}: cannot write the mutant: {e}"))?;
    let started = Instant::now();
    let report = catch_unwind(AssertUnwindSafe(|| verify_file(&path, options())))
        .map_err(|p| format!("{label}: verify_file panicked: {}", panic_text(&p)))?;
    let elapsed = started.elapsed();
    if elapsed > TIME_LIMIT * SLACK {
        return Err(format!(
            "{label}: took {elapsed:?}, past the {TIME_LIMIT:?} budget (×{SLACK})"
        ));
    }
    // Which signature of the report is which: discovery is deterministic, so the report lists
    // the sites `find_signatures` gives in the same order.
    let sites = catch_unwind(AssertUnwindSafe(|| {
        PdfFile::from_bytes(mutant.to_vec())
            .ok()
            .and_then(|f| find_signatures(&f).ok())
    }))
    .map_err(|p| format!("{label}: discovery panicked: {}", panic_text(&p)))?;
    for (i, signature) in report.signatures.iter().enumerate() {
        if signature.integrity != Integrity::Intact {
            continue;
        }
        let covered = sites
            .as_ref()
            .and_then(|s| s.get(i))
            .and_then(|site| site.byte_range.four())
            .and_then(|r| covered_digest(mutant, r));
        match covered {
            Some(digest) if original.covered_digests.contains(&digest) => {}
            _ => {
                return Err(format!(
                    "{label}: signature {i} ({:?}) reported intact over bytes no original signature covers",
                    signature.field
                ));
            }
        }
    }
    if report.verdict == Verdict::Accepted && covered_bytes_changed(original, mutant) {
        return Err(format!("{label}: accepted although signed bytes changed"));
    }
    Ok(Checked { elapsed, report })
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// Peak resident memory of this process (Linux), in KiB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

// ---- Mutations -------------------------------------------------------------------------------

/// xorshift64*: a few lines, seeded, the same mutants on every run and machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn find_all(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

/// Numbers a hostile writer would put in a PDF.
const NASTY_NUMBERS: &[&str] = &[
    "-1",
    "0",
    "-0",
    "1",
    "2147483647",
    "2147483648",
    "4294967295",
    "-2147483649",
    "9223372036854775807",
    "-9223372036854775808",
    "99999999999999999999999",
    "1e400",
    "3.4e38",
    ".",
    "-",
];

/// Spans `[start, end)` of `N G obj … endobj`.
fn object_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let ends = find_all(bytes, b"endobj");
    find_all(bytes, b" obj")
        .into_iter()
        .filter_map(|o| {
            // Back to the start of `N G`.
            let line = bytes[..o].iter().rposition(|&b| b == b'\n' || b == b'\r')? + 1;
            let end = ends.iter().find(|&&e| e > o)? + b"endobj".len();
            Some((line, end))
        })
        .collect()
}

/// Replaces the number at `at` (and around it) with `with`, padded with spaces when shorter so
/// that the offsets after it stay right (the reader refuses shifted offsets outright, so
/// shifting mutants only test that refusal).
fn replace_number(bytes: &mut Vec<u8>, at: usize, with: &str) {
    let is_num = |b: u8| b.is_ascii_digit() || b == b'-' || b == b'.' || b == b'+';
    let mut start = at;
    while start > 0 && is_num(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = at;
    while end < bytes.len() && is_num(bytes[end]) {
        end += 1;
    }
    let old = end - start;
    let padding = old.saturating_sub(with.len());
    bytes.splice(
        start..end,
        with.bytes().chain(std::iter::repeat_n(b' ', padding)),
    );
}

/// One random mutation; returns its name.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) -> String {
    let len = bytes.len();
    // Mostly mutations that keep the length, so that offsets stay right and the mutant gets
    // past the cross-reference check into signatures, revisions and change analysis.
    let kind = [0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 6, 7, 8, 9, 9, 10, 10, 11][rng.below(18)];
    match kind {
        0 => {
            let n = 1 + rng.below(8);
            for _ in 0..n {
                let at = rng.below(len);
                bytes[at] ^= 1 << rng.below(8);
            }
            format!("flip {n} bits")
        }
        1 => {
            let at = rng.below(len);
            bytes[at] = rng.next() as u8;
            format!("overwrite byte {at}")
        }
        2 => {
            let at = rng.below(len);
            bytes.truncate(at);
            format!("truncate at {at}")
        }
        3 => {
            let at = rng.below(len);
            let n = 1 + rng.below(64);
            let junk: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            bytes.splice(at..at, junk);
            format!("insert {n} bytes at {at}")
        }
        4 => {
            let at = rng.below(len);
            let n = (1 + rng.below(256)).min(len - at);
            bytes.drain(at..at + n);
            format!("remove {n} bytes at {at}")
        }
        5 => {
            let spans = object_spans(bytes);
            if spans.is_empty() {
                return "no object to duplicate".into();
            }
            let (s, e) = spans[rng.below(spans.len())];
            let copy = bytes[s..e].to_vec();
            let at = spans[rng.below(spans.len())].0;
            bytes.splice(at..at, copy.into_iter().chain(*b"\n"));
            format!("duplicate object at {s} before {at}")
        }
        6 => {
            let spans = object_spans(bytes);
            if spans.is_empty() {
                return "no object to remove".into();
            }
            let (s, e) = spans[rng.below(spans.len())];
            if rng.below(2) == 0 {
                bytes[s..e].fill(b' '); // offsets kept
                format!("blank object at {s}")
            } else {
                bytes.drain(s..e);
                format!("remove object at {s}")
            }
        }
        7 => {
            // An xref table entry's offset, or a startxref / /Prev value.
            let mut places: Vec<usize> = find_all(bytes, b" 00000 n")
                .into_iter()
                .filter_map(|p| p.checked_sub(3))
                .collect();
            places.extend(find_all(bytes, b"startxref").iter().map(|p| p + 11));
            places.extend(find_all(bytes, b"/Prev ").iter().map(|p| p + 6));
            places.retain(|&p| p < bytes.len());
            if places.is_empty() {
                return "no xref offset".into();
            }
            let at = places[rng.below(places.len())];
            let delta = [1i64, -1, 7, -50, 1000][rng.below(5)];
            let value = NASTY_NUMBERS[rng.below(NASTY_NUMBERS.len())];
            if rng.below(2) == 0 {
                replace_number(bytes, at, value);
                format!("xref offset at {at} := {value}")
            } else {
                let digits = bytes[at].is_ascii_digit();
                if digits {
                    bytes[at] = b'0' + ((bytes[at] - b'0') as i64 + delta).rem_euclid(10) as u8;
                }
                format!("xref offset digit at {at} shifted")
            }
        }
        8 => {
            let places = find_all(bytes, b"/Length ");
            if places.is_empty() {
                return "no /Length".into();
            }
            let at = places[rng.below(places.len())] + 8;
            let value = NASTY_NUMBERS[rng.below(NASTY_NUMBERS.len())];
            replace_number(bytes, at, value);
            format!("/Length at {at} := {value}")
        }
        9 => {
            let places = find_all(bytes, b"/ByteRange");
            if places.is_empty() {
                return "no /ByteRange".into();
            }
            let at = places[rng.below(places.len())];
            let Some(open) = bytes[at..].iter().position(|&b| b == b'[') else {
                return "no ByteRange array".into();
            };
            let Some(close) = bytes[at + open..].iter().position(|&b| b == b']') else {
                return "no ByteRange end".into();
            };
            let (s, e) = (at + open + 1, at + open + close);
            let width = e - s;
            let past = len as u64 + rng.below(100_000) as u64;
            let values = [
                format!("0 {past} {past} 100"),
                format!("0 100 {past} {}", u64::MAX),
                "0 -1 -1 0".to_string(),
                "0 9223372036854775807 9223372036854775807 9223372036854775807".to_string(),
                format!("0 {} {} 0", len / 2, len / 2),
                "0 0 0 0".to_string(),
                "0 1 2".to_string(),
                format!("0 10 20 30 40 {past}"),
            ];
            let value = values[rng.below(values.len())].clone();
            // Kyso pads its ByteRange with spaces; keep the width when the value fits.
            let padding = width.saturating_sub(value.len());
            bytes.splice(
                s..e,
                value.bytes().chain(std::iter::repeat_n(b' ', padding)),
            );
            format!("ByteRange := [{value}]")
        }
        10 => {
            // Any number in the file.
            let places: Vec<usize> = (0..64)
                .map(|_| rng.below(len))
                .filter(|&p| bytes[p].is_ascii_digit())
                .collect();
            let Some(&at) = places.first() else {
                return "no number".into();
            };
            let value = NASTY_NUMBERS[rng.below(NASTY_NUMBERS.len())];
            replace_number(bytes, at, value);
            format!("number at {at} := {value}")
        }
        _ => {
            // Delimiters that tokenisers trip over, written over what was there.
            let junk = [
                &b"<<"[..],
                b"[[[[",
                b"((((",
                b"<",
                b"/",
                b"%",
                b"\\",
                b"\0",
                b"R R R",
            ][rng.below(9)];
            let at = rng.below(len.saturating_sub(junk.len()).max(1));
            let end = (at + junk.len()).min(len);
            bytes[at..end].copy_from_slice(&junk[..end - at]);
            format!("overwrite delimiters at {at}")
        }
    }
}

// ---- Crafted structures ----------------------------------------------------------------------

/// `pdf` with one classic incremental update defining `objects` (number, body).
fn append_update(pdf: &[u8], objects: &[(u32, Vec<u8>)], trailer_extra: &str) -> Vec<u8> {
    let file = PdfFile::from_bytes(pdf.to_vec()).expect("base opens");
    let (root, prev) = (file.catalog_id(), file.startxref());
    let size = objects
        .iter()
        .map(|(n, _)| n + 1)
        .max()
        .unwrap_or(0)
        .max(file.size());
    let mut out = pdf.to_vec();
    out.push(b'\n');
    let mut offsets = Vec::new();
    for (number, body) in objects {
        offsets.push((*number, out.len()));
        out.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n");
    for (number, offset) in offsets {
        out.extend_from_slice(format!("{number} 1\n{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {size} /Root {root} /Prev {prev} {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    out
}

/// `pdf` with an update whose cross-reference stream lists `regular` objects and objects
/// compressed in object stream `objstm` (number, index).
fn append_xref_stream_update(
    pdf: &[u8],
    regular: &[(u32, Vec<u8>)],
    compressed: &[(u32, u32, u32)],
    xref_filter: Option<&[u8]>,
) -> Vec<u8> {
    let file = PdfFile::from_bytes(pdf.to_vec()).expect("base opens");
    let (root, prev) = (file.catalog_id(), file.startxref());
    let xref_number = regular
        .iter()
        .map(|(n, _)| n + 1)
        .chain(compressed.iter().map(|(n, _, _)| n + 1))
        .max()
        .unwrap_or(0)
        .max(file.size());
    let mut out = pdf.to_vec();
    out.push(b'\n');
    let mut rows: Vec<(u32, [u8; 13])> = Vec::new();
    for (number, body) in regular {
        let mut row = [0u8; 13];
        row[0] = 1;
        row[1..9].copy_from_slice(&(out.len() as u64).to_be_bytes());
        rows.push((*number, row));
        out.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    for &(number, stream, index) in compressed {
        let mut row = [0u8; 13];
        row[0] = 2;
        row[1..9].copy_from_slice(&u64::from(stream).to_be_bytes());
        row[9..13].copy_from_slice(&index.to_be_bytes());
        rows.push((number, row));
    }
    let xref_offset = out.len();
    let mut row = [0u8; 13];
    row[0] = 1;
    row[1..9].copy_from_slice(&(xref_offset as u64).to_be_bytes());
    rows.push((xref_number, row));
    rows.sort_by_key(|(n, _)| *n);
    let index: Vec<String> = rows.iter().map(|(n, _)| format!("{n} 1")).collect();
    let data: Vec<u8> = match xref_filter {
        Some(bomb) => bomb.to_vec(),
        None => rows.iter().flat_map(|(_, r)| r.iter().copied()).collect(),
    };
    let filter = if xref_filter.is_some() {
        "/Filter /FlateDecode"
    } else {
        ""
    };
    out.extend_from_slice(
        format!(
            "{xref_number} 0 obj\n<< /Type /XRef /Size {} /W [1 8 4] /Index [{}] /Root {root} /Prev {prev} /Length {} {filter} >>\nstream\n",
            xref_number + 1,
            index.join(" "),
            data.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&data);
    out.extend_from_slice(
        format!("\nendstream\nendobj\nstartxref\n{xref_offset}\n%%EOF\n").as_bytes(),
    );
    out
}

/// A FlateDecode stream of `mib` MiB of zeros: about a thousandth of that on disk.
fn flate_bomb(mib: usize) -> &'static [u8] {
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    BOMB.get_or_init(|| {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..mib {
            z.write_all(&chunk).expect("compress");
        }
        z.finish().expect("compress")
    })
}

fn stream_object(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\nendstream");
    body
}

/// Crafted files, each described: (name, bytes).
fn crafted(original: &Original) -> Vec<(String, Vec<u8>)> {
    let pdf = &original.bytes;
    let Ok(file) = PdfFile::from_bytes(pdf.clone()) else {
        return Vec::new();
    };
    let n = file.size();
    let root = file.catalog_id();
    let Ok(catalog) = file.catalog() else {
        return Vec::new();
    };
    let pages = catalog
        .get(b"Pages")
        .and_then(Object::as_reference)
        .expect("page tree");
    let page = file.page(0).expect("page 0").id;
    let bomb = flate_bomb(1024);
    // The catalog as signed, plus `/Hostile n 0 R`: the crafted object is reachable, so the
    // validator must read it (an orphan object cannot show and is allowed, as in pyHanko).
    let reaching = |number: u32| {
        let mut c = catalog.clone();
        c.insert(
            &b"Hostile"[..],
            Object::Reference(kyso::pdf::ObjectId::new(number, 0)),
        );
        let mut body = Vec::new();
        kyso::pdf::serialize(&Object::Dictionary(c), &mut body);
        (root.number, body)
    };
    let deep = |depth: usize| {
        let mut v = vec![b'['; depth];
        v.extend(std::iter::repeat_n(b']', depth));
        v
    };
    let mut out = vec![
        // Arrays nested 100 000 deep, in an object of an update and as a catalog entry.
        (
            "nested arrays 100 000 deep".to_string(),
            append_update(
                pdf,
                &[
                    (n, deep(100_000)),
                    (
                        root.number,
                        format!("<< /Type /Catalog /Pages {pages} /Deep {n} 0 R >>").into_bytes(),
                    ),
                ],
                "",
            ),
        ),
        (
            "nested dictionaries 100 000 deep".to_string(),
            append_update(
                pdf,
                &[
                    (
                        n,
                        [
                            "<< /A ".repeat(100_000).into_bytes(),
                            b">>".repeat(100_000),
                        ]
                        .concat(),
                    ),
                    reaching(n),
                ],
                "",
            ),
        ),
        // A page content stream that inflates to 1 GiB.
        (
            "flate bomb as page content".to_string(),
            append_update(
                pdf,
                &[
                    (n, stream_object("/Filter /FlateDecode", bomb)),
                    (
                        page.number,
                        format!(
                            "<< /Type /Page /Parent {pages} /MediaBox [0 0 595 842] /Contents {n} 0 R >>"
                        )
                        .into_bytes(),
                    ),
                ],
                "",
            ),
        ),
        // An object stream that inflates to 1 GiB, holding a rewritten catalog.
        (
            "flate bomb as object stream".to_string(),
            append_xref_stream_update(
                pdf,
                &[(
                    n,
                    stream_object("/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", bomb),
                )],
                &[(root.number, n, 0)],
                None,
            ),
        ),
        // A cross-reference stream whose data inflates to 1 GiB.
        (
            "flate bomb as cross-reference stream".to_string(),
            append_xref_stream_update(pdf, &[], &[], Some(bomb)),
        ),
        // An object stream declaring 2^31 - 1 objects.
        (
            "object stream with huge /N".to_string(),
            append_xref_stream_update(
                pdf,
                &[(
                    n,
                    stream_object("/Type /ObjStm /N 2147483647 /First 0", b"1 0 2 3 <<>>"),
                )],
                &[(root.number, n, 0), (n + 1, n, 5_000_000)],
                None,
            ),
        ),
        // The page tree refers to itself, and two nodes refer to each other.
        (
            "/Kids loop on itself".to_string(),
            append_update(
                pdf,
                &[(
                    pages.number,
                    format!("<< /Type /Pages /Kids [{pages}] /Count 1 >>").into_bytes(),
                )],
                "",
            ),
        ),
        (
            "/Kids loop through two nodes".to_string(),
            append_update(
                pdf,
                &[
                    (
                        pages.number,
                        format!("<< /Type /Pages /Kids [{n} 0 R] /Count 1 >>").into_bytes(),
                    ),
                    (
                        n,
                        format!("<< /Type /Pages /Parent {pages} /Kids [{pages} {page}] /Count 1 >>")
                            .into_bytes(),
                    ),
                ],
                "",
            ),
        ),
        // A /Prev chain that returns to itself: the update's own table.
        ("/Prev pointing at itself".to_string(), {
            let mut v = append_update(pdf, &[(n, b"null".to_vec())], "");
            let xref = find_all(&v, b"\nxref\n").last().copied().unwrap_or(0) + 1;
            let prev = find_all(&v, b"/Prev ").last().copied().unwrap_or(0) + 6;
            replace_number(&mut v, prev, &xref.to_string());
            v
        }),
        // A cross-reference subsection claiming 2^32 - 1 entries.
        ("xref subsection of 4 294 967 295 entries".to_string(), {
            let mut v = append_update(pdf, &[(n, b"null".to_vec())], "");
            let at = find_all(&v, format!("\n{n} 1\n").as_bytes())
                .last()
                .copied()
                .unwrap_or(0);
            v.splice(at..at + format!("\n{n} 1\n").len(), *b"\n0 4294967295\n");
            v
        }),
        // References chained far beyond any real document.
        (
            "reference chain 10 000 long".to_string(),
            append_update(
                pdf,
                &(0..10_000u32)
                    .map(|i| (n + i, format!("{} 0 R", n + i + 1).into_bytes()))
                    .chain([(
                        root.number,
                        format!("<< /Type /Catalog /Pages {pages} /X {n} 0 R >>").into_bytes(),
                    )])
                    .collect::<Vec<_>>(),
                "",
            ),
        ),
        // A stream whose /Length says 2^63 - 1.
        (
            "stream /Length 2^63-1".to_string(),
            append_update(
                pdf,
                &[
                    (
                        n,
                        b"<< /Length 9223372036854775807 >>\nstream\nabc\nendstream".to_vec(),
                    ),
                    reaching(n),
                ],
                "",
            ),
        ),
        // A string of 20 MiB (above the 16 MiB string limit).
        ("string of 20 MiB".to_string(), {
            let mut body = b"(".to_vec();
            body.resize(20 << 20, b'a');
            body.push(b')');
            append_update(pdf, &[(n, body), reaching(n)], "")
        }),
    ];
    // 300 empty updates, then 1 500: many revisions to reopen and compare.
    for count in [300usize, 1_500] {
        let mut v = pdf.clone();
        let mut prev = file.startxref();
        for _ in 0..count {
            let xref = v.len() + 1;
            v.extend_from_slice(
                format!(
                    "\nxref\n0 0\ntrailer\n<< /Size {n} /Root {root} /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n"
                )
                .as_bytes(),
            );
            prev = xref as u64;
        }
        out.push((format!("{count} empty incremental updates"), v));
    }
    out
}

// ---- The tests -------------------------------------------------------------------------------

/// The originals themselves: the Kyso-signed ones are accepted, so "never accepted" below is
/// not vacuous.
#[test]
fn originals_kyso_signed_are_accepted() {
    let dir = tempfile::tempdir().expect("temp dir");
    for original in originals() {
        let checked = check(original, &original.name, &original.bytes, dir.path())
            .unwrap_or_else(|e| panic!("{e}"));
        if original.name.starts_with("kyso-") {
            assert_eq!(
                checked.report.verdict,
                Verdict::Accepted,
                "{}: {:#?}",
                original.name,
                checked.report.reasons
            );
        }
    }
}

#[test]
fn random_mutants_of_signed_files_never_panic_hang_or_pass() {
    let total: usize = std::env::var("KYSO_MUTANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_MUTANTS);
    let originals = originals();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let results: Vec<(Vec<String>, Duration, usize, [usize; 3])> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let dir = tempfile::tempdir().expect("temp dir");
                    let mut failures = Vec::new();
                    let (mut max, mut count) = (Duration::ZERO, 0usize);
                    // Mutants read far enough to have a signature checked, with one intact,
                    // and accepted (mutations outside the signed bytes).
                    let mut depth = [0usize; 3];
                    for i in (t..total).step_by(threads) {
                        let original = &originals[i % originals.len()];
                        let seed = 0x6b79_736f_0000_0000 ^ (i as u64).wrapping_mul(0x9e37_79b9);
                        let mut rng = Rng(seed | 1);
                        let mut mutant = original.bytes.clone();
                        let mut what = Vec::new();
                        for _ in 0..1 + rng.below(3) {
                            if mutant.is_empty() {
                                break;
                            }
                            what.push(mutate(&mut rng, &mut mutant));
                        }
                        let label =
                            format!("mutant {i} of {} ({})", original.name, what.join(", "));
                        match check(original, &label, &mutant, dir.path()) {
                            Ok(c) => {
                                max = max.max(c.elapsed);
                                let sigs = &c.report.signatures;
                                depth[0] += usize::from(!sigs.is_empty());
                                depth[1] += usize::from(
                                    sigs.iter().any(|s| s.integrity == Integrity::Intact),
                                );
                                depth[2] += usize::from(c.report.verdict == Verdict::Accepted);
                                if std::env::var("KYSO_MUTANTS_DEBUG").is_ok() {
                                    eprintln!(
                                        "{label} => {:?}",
                                        c.report.reasons.first().map(|r| &r.en)
                                    );
                                }
                            }
                            Err(e) => failures.push(e),
                        }
                        count += 1;
                    }
                    (failures, max, count, depth)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker"))
            .collect()
    });
    let failures: Vec<&String> = results.iter().flat_map(|r| &r.0).collect();
    let max = results.iter().map(|r| r.1).max().unwrap_or_default();
    let count: usize = results.iter().map(|r| r.2).sum();
    let depth = results.iter().fold([0usize; 3], |a, r| {
        [a[0] + r.3[0], a[1] + r.3[1], a[2] + r.3[2]]
    });
    let rss = peak_rss_kb();
    eprintln!(
        "{count} mutants: {} with signatures checked, {} with one intact, {} accepted; \
         slowest {max:?}; peak RSS {rss:?} KiB",
        depth[0], depth[1], depth[2]
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{failures:#?}",
        failures.len()
    );
    assert_eq!(count, total);
    if let Some(rss) = rss {
        assert!(rss < MAX_RSS_KB, "peak RSS {rss} KiB");
    }
}

/// Each crafted structure against each Kyso-signed original: rejected (the file changed after
/// signing, or could not be read), in time, and any parser limit named in the reasons.
#[test]
fn crafted_structures_are_rejected_in_time_with_the_limit_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut failures = Vec::new();
    let mut max = Duration::ZERO;
    for original in originals().iter().filter(|o| o.name.starts_with("kyso-")) {
        for (name, bytes) in crafted(original) {
            let label = format!("{name} on {}", original.name);
            match check(original, &label, &bytes, dir.path()) {
                Ok(c) => {
                    max = max.max(c.elapsed);
                    if c.report.verdict == Verdict::Accepted {
                        failures.push(format!("{label}: accepted"));
                    }
                    eprintln!(
                        "{label}: {:?}, {:?}",
                        c.elapsed,
                        c.report
                            .reasons
                            .iter()
                            .map(|r| r.code.as_str())
                            .collect::<Vec<_>>()
                    );
                }
                Err(e) => failures.push(e),
            }
        }
    }
    let rss = peak_rss_kb();
    eprintln!("crafted: slowest {max:?}, peak RSS {rss:?} KiB");
    assert!(failures.is_empty(), "{failures:#?}");
    if let Some(rss) = rss {
        assert!(rss < MAX_RSS_KB, "peak RSS {rss} KiB");
    }
}

/// The budget is for hostile files, not a cap on honest large ones: a 100 MB signed document
/// is checked to the end, within the 2 s (hashing is linear and runs at optimised speed even
/// in debug builds).
#[test]
fn a_100_mb_signed_file_is_checked_within_the_budget() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (input, output) = (
        dir.path().join("big.pdf"),
        dir.path().join("big-signed.pdf"),
    );
    kyso::pdf::fixtures::write_sample_pdf(&input, 1, 100 << 20).expect("100 MB fixture");
    let request = SignatureRequest::default();
    sign_document(&signer(&pki().leader), &input, &output, &request, false).expect("signed");
    std::fs::remove_file(&input).expect("remove input");
    let started = Instant::now();
    let report = verify_file(&output, options());
    let elapsed = started.elapsed();
    eprintln!(
        "100 MB: {elapsed:?}, peak RSS {:?} KiB, {:?}",
        peak_rss_kb(),
        report.reasons
    );
    assert_eq!(report.verdict, Verdict::Accepted, "{:#?}", report.reasons);
    assert!(elapsed < TIME_LIMIT, "{elapsed:?}");
}

/// With no time at all, a good signed file is not "valid": the report says the time ran out,
/// names the limit, and rejects the document under both policies.
#[test]
fn a_spent_budget_never_gives_a_valid_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let original = &originals()[0];
    let path = dir.path().join("signed.pdf");
    std::fs::write(&path, &original.bytes).expect("write");
    for policy in [Policy::Incoming, Policy::Any] {
        let options = VerifyOptions {
            policy,
            time_limit: Duration::ZERO,
            ..options().clone()
        };
        let report = verify_file(&path, &options);
        assert_eq!(report.verdict, Verdict::Rejected, "{policy:?}");
        let reason = report
            .reasons
            .iter()
            .find(|r| r.code == kyso::verify::budget::TIME_LIMIT_CODE)
            .unwrap_or_else(|| panic!("{:#?}", report.reasons));
        assert!(
            reason
                .vi
                .starts_with("Hết thời gian kiểm tra (giới hạn 0 ms)")
        );
        assert!(
            report
                .signatures
                .iter()
                .all(|s| s.integrity != Integrity::Intact),
            "{:#?}",
            report.signatures
        );
    }
}

/// `kyso verify --time-limit` takes seconds above zero; nonsense is refused before any check.
#[test]
fn the_cli_time_limit_refuses_nonsense() {
    for bad in ["0", "-1", "abc", "NaN", "inf"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kyso"))
            .args(["verify", "--time-limit", bad, "nonexistent.pdf"])
            .output()
            .expect("run kyso");
        assert_eq!(out.status.code(), Some(2), "--time-limit {bad}");
    }
}
