//! `kyso verify` end to end: signatures made by Kyso and by pyHanko with the test PKI, the same
//! files tampered with, the refusal notice, and the real-world corpus against its manifest.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use kyso::pdf::fixtures::FixtureKind;
use serde_json::Value;

/// Runs `kyso verify --json ARGS FILE` and returns the exit code and the one report.
fn verify(env: &TestEnv, args: &[&str], file: &Path) -> (i32, Value) {
    let out = run(env.kyso().args(["verify", "--json"]).args(args).arg(file));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{}", describe(&out));
    (
        out.status.code().unwrap_or(-1),
        lines.into_iter().next().unwrap(),
    )
}

fn trusted(env: &TestEnv) -> Vec<String> {
    vec!["--trust".into(), env.root_pem().display().to_string()]
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// A classic fixture signed by the leader.
fn signed(env: &TestEnv) -> PathBuf {
    let input = env.fixture(FixtureKind::Classic);
    let output = env.path("signed.pdf");
    let out = run(env
        .sign()
        .args(["--cert", id::LEADER, "-o"])
        .arg(&output)
        .arg(&input));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    output
}

fn codes(reasons: &Value) -> Vec<String> {
    reasons
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_kyso_signature_under_a_trusted_root_is_accepted_with_the_contract_keys() {
    let env = TestEnv::new();
    let file = signed(&env);
    let (code, r) = verify(&env, &args(&trusted(&env)), &file);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["verdict"], "accepted");
    assert_eq!(r["sha256"], sha256_file(&file));
    assert_eq!(r["file"], file.display().to_string());
    assert!(r["reasons"].as_array().unwrap().is_empty());
    // No revocation data in a B-B file: accepted, but a person is asked to look.
    assert!(
        codes(&r["warnings"]).contains(&"revocation-data-missing".to_string()),
        "{r:#}"
    );
    let s = &r["signatures"][0];
    assert_eq!(s["field"], "Signature1");
    assert_eq!(s["kind"], "signature");
    assert_eq!(s["subfilter"], "ETSI.CAdES.detached");
    assert_eq!(s["revision"], 2);
    assert_eq!(s["integrity"], "intact");
    assert_eq!(s["modifications"], "none");
    assert_eq!(s["indication"], "INDETERMINATE");
    assert_eq!(s["sub_indication"], "TRY_LATER");
    assert_eq!(s["signer"]["common_name"], "Nguyễn Văn An");
    assert_eq!(
        s["signer"]["organisation"],
        "Sở Khoa học và Công nghệ tỉnh Gia Lai"
    );
    for key in ["subject", "issuer", "serial"] {
        assert!(s["signer"][key].is_string(), "signer.{key}");
    }
    assert!(s["signing_time"].as_str().unwrap().ends_with("+07:00"));
    assert_eq!(s["signing_time_claimed"], true);
    assert!(s["timestamp_time"].is_null());
    assert_eq!(s["ca_family"], "user-added");
}

#[test]
fn an_untrusted_signer_is_rejected() {
    let env = TestEnv::new();
    let file = signed(&env);
    let (code, r) = verify(&env, &[], &file);
    assert_eq!(code, 1);
    assert_eq!(r["verdict"], "rejected");
    assert_eq!(r["signatures"][0]["indication"], "INDETERMINATE");
    assert_eq!(r["signatures"][0]["integrity"], "intact");
    let text = r["reasons"].to_string();
    assert!(text.contains("tin cậy"), "{text}");
}

#[test]
fn leader_then_organisation_both_verify_with_allowed_changes() {
    let env = TestEnv::new();
    let first = signed(&env);
    let second = env.path("issued.pdf");
    let out = run(env
        .sign()
        .args(["--cert", id::ORGANISATION, "-o"])
        .arg(&second)
        .arg(&first));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let (code, r) = verify(&env, &args(&trusted(&env)), &second);
    assert_eq!(code, 0, "{r:#}");
    let sigs = r["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 2);
    assert_eq!(sigs[0]["modifications"], "allowed");
    assert_eq!(sigs[1]["modifications"], "none");
    assert_eq!(sigs[1]["revision"], 3);
    assert_eq!(r["revisions"], 3);
}

#[test]
fn a_signature_made_by_pyhanko_is_accepted() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::ObjectStreams);
    let output = env.path("pyhanko.pdf");
    let leader = &env.pki.leader;
    let out = run(std::process::Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/.venv/bin/pyhanko"
    ))
    .args([
        "sign",
        "addsig",
        "--use-pades",
        "--field",
        "PyHanko",
        "pemder",
        "--no-pass",
        "--key",
    ])
    .arg(&leader.key_pem_path)
    .arg("--cert")
    .arg(&leader.certificate_pem_path)
    .arg("--chain")
    .arg(&env.pki.issuing_ca.certificate_pem_path)
    .arg(&input)
    .arg(&output));
    assert!(out.status.success(), "{}", describe(&out));
    let (code, r) = verify(&env, &args(&trusted(&env)), &output);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["signatures"][0]["integrity"], "intact");
    assert_eq!(r["signatures"][0]["field"], "PyHanko");
}

/// Flips one byte of `file` at `at` into a new file.
fn flipped(env: &TestEnv, file: &Path, at: usize, name: &str) -> PathBuf {
    let mut bytes = std::fs::read(file).unwrap();
    bytes[at] ^= 0x01;
    let out = env.path(name);
    std::fs::write(&out, bytes).unwrap();
    out
}

fn byte_range(file: &Path) -> [usize; 4] {
    let bytes = std::fs::read(file).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let at = text.rfind("/ByteRange").unwrap();
    let open = at + text[at..].find('[').unwrap() + 1;
    let close = at + text[at..].find(']').unwrap();
    let v: Vec<usize> = text[open..close]
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    [v[0], v[1], v[2], v[3]]
}

#[test]
fn a_byte_changed_inside_the_signed_range_is_a_hash_failure() {
    let env = TestEnv::new();
    let file = signed(&env);
    // A byte of the page content: well inside the first range.
    let text = std::fs::read(&file).unwrap();
    let at = text.windows(2).position(|w| w == b"Tj").unwrap() - 3;
    let tampered = flipped(&env, &file, at, "tampered.pdf");
    let (code, r) = verify(&env, &args(&trusted(&env)), &tampered);
    assert_eq!(code, 1);
    let s = &r["signatures"][0];
    assert_eq!(s["integrity"], "broken", "{r:#}");
    assert_eq!(s["indication"], "TOTAL-FAILED");
    assert_eq!(s["sub_indication"], "HASH_FAILURE");
}

#[test]
fn a_byte_changed_in_the_signature_value_is_a_crypto_failure() {
    let env = TestEnv::new();
    let file = signed(&env);
    let [_, b, _, _] = byte_range(&file);
    // The CMS is hex from b+1; its last bytes are the signature value, before the zero padding.
    let bytes = std::fs::read(&file).unwrap();
    let hex_end = b + 1 + bytes[b + 1..].iter().position(|&c| c == b'>').unwrap();
    let digits = &bytes[b + 1..hex_end];
    let used = digits.iter().rposition(|&c| c != b'0').unwrap();
    // Another hex digit in place of one: the CMS still parses, its signature value is wrong.
    let at = b + 1 + used - 10;
    let mut bytes = bytes.clone();
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    let tampered = env.path("bad-value.pdf");
    std::fs::write(&tampered, bytes).unwrap();
    let (code, r) = verify(&env, &args(&trusted(&env)), &tampered);
    assert_eq!(code, 1);
    assert_eq!(r["signatures"][0]["integrity"], "broken", "{r:#}");
    assert_eq!(r["signatures"][0]["sub_indication"], "SIG_CRYPTO_FAILURE");
}

/// Damaging the last signature so badly that its dictionary no longer parses must not make it
/// disappear (leaving the first signature alone, apparently untouched): it is reported broken.
#[test]
fn a_damaged_last_signature_is_reported_broken_not_dropped() {
    let env = TestEnv::new();
    let first = signed(&env);
    let second = env.path("two.pdf");
    let out = run(env
        .sign()
        .args(["--cert", id::ORGANISATION, "-o"])
        .arg(&second)
        .arg(&first));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let [_, b, _, _] = byte_range(&second);
    let mut bytes = std::fs::read(&second).unwrap();
    bytes[b + 5] = b'G'; // not a hex digit: the /Contents string, and its dictionary, break
    let damaged = env.path("damaged.pdf");
    std::fs::write(&damaged, bytes).unwrap();
    let (code, r) = verify(&env, &args(&trusted(&env)), &damaged);
    assert_eq!(code, 1, "{r:#}");
    let sigs = r["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 2, "{r:#}");
    assert_eq!(sigs[0]["integrity"], "intact");
    assert_eq!(sigs[1]["integrity"], "broken");
    assert_eq!(sigs[1]["field"], "Signature2");
    assert_eq!(sigs[1]["sub_indication"], "FORMAT_FAILURE");
    let reasons = sigs[1]["reasons"].to_string();
    assert!(
        reasons.contains("signature-dictionary-unreadable"),
        "{reasons}"
    );
}

#[test]
fn bytes_after_the_last_eof_are_a_disallowed_change() {
    let env = TestEnv::new();
    let file = signed(&env);
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.extend_from_slice(b"\n1 0 obj\n(appended after signing)\nendobj\n");
    let appended = env.path("appended.pdf");
    std::fs::write(&appended, bytes).unwrap();
    let (code, r) = verify(&env, &args(&trusted(&env)), &appended);
    assert_eq!(code, 1);
    assert_eq!(r["signatures"][0]["integrity"], "intact");
    assert_eq!(r["signatures"][0]["modifications"], "disallowed", "{r:#}");
    assert_eq!(r["signatures"][0]["indication"], "TOTAL-FAILED");
}

#[test]
fn a_page_content_change_in_a_later_update_is_rejected() {
    // Incremental saving attack: the signed bytes stay intact, a later update shows new text.
    let env = TestEnv::new();
    let file = signed(&env);
    let pdf = kyso::pdf::PdfFile::open(&file).unwrap();
    let page = pdf.page(0).unwrap();
    let contents = page.dict.get(b"Contents").cloned().unwrap();
    let kyso::pdf::Object::Reference(id) = contents else {
        panic!("fixture page contents is a reference")
    };
    let mut update = kyso::pdf::IncrementalUpdate::new(&pdf);
    let mut dict = kyso::pdf::Dictionary::new();
    dict.insert("Length", kyso::pdf::Object::Integer(0));
    update.put_stream(
        id,
        dict,
        b"BT /F1 24 Tf 72 700 Td (SO TIEN: 999.000.000 VND) Tj ET".to_vec(),
    );
    let finished = update.finish().unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.extend_from_slice(&finished.bytes);
    let attacked = env.path("isa.pdf");
    std::fs::write(&attacked, bytes).unwrap();

    let (code, r) = verify(&env, &args(&trusted(&env)), &attacked);
    assert_eq!(code, 1, "{r:#}");
    assert_eq!(r["signatures"][0]["integrity"], "intact");
    assert_eq!(r["signatures"][0]["modifications"], "disallowed");
    assert!(codes(&r["reasons"]).contains(&"modified-after-signing".to_string()));
}

#[test]
fn unsigned_and_non_pdf_files_are_reported_not_crashed() {
    let env = TestEnv::new();
    let unsigned = env.fixture(FixtureKind::Classic);
    let (code, r) = verify(&env, &[], &unsigned);
    assert_eq!(code, 1);
    assert_eq!(codes(&r["reasons"]), vec!["no-signature"]);

    let junk = env.path("junk.pdf");
    std::fs::write(&junk, b"%PDF-1.7\n garbage \x00\xff").unwrap();
    let (code, r) = verify(&env, &[], &junk);
    assert_eq!(code, 1);
    assert_eq!(codes(&r["reasons"]), vec!["malformed"]);
    assert_eq!(r["sha256"], sha256_file(&junk));

    let (code, r) = verify(&env, &[], &corpus("itext_svi_encryptedDoc.pdf"));
    assert_eq!(code, 1);
    assert_eq!(codes(&r["reasons"]), vec!["encrypted"]);
}

#[test]
fn a_refusal_notice_is_written_for_each_rejected_file_only() {
    let env = TestEnv::new();
    let good = signed(&env);
    let bad = env.fixture(FixtureKind::Classic);
    let notices = env.path("notices");
    let out = run(env
        .kyso()
        .args([
            "verify",
            "--office",
            "Văn phòng UBND tỉnh Gia Lai",
            "--notice",
        ])
        .arg(&notices)
        .args(args(&trusted(&env)))
        .arg(&good)
        .arg(&bad));
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let stem = bad.file_stem().unwrap().to_string_lossy().into_owned();
    assert_eq!(
        files_in(&notices),
        vec![format!("{stem}.tu-choi.pdf"), format!("{stem}.tu-choi.txt")]
    );
    let text = std::fs::read_to_string(notices.join(format!("{stem}.tu-choi.txt"))).unwrap();
    assert!(
        text.contains("Văn phòng UBND tỉnh Gia Lai")
            && text.contains("Văn bản không có chữ ký số nào"),
        "{text}"
    );
    let pdf_text = run(std::process::Command::new("pdftotext")
        .arg(notices.join(format!("{stem}.tu-choi.pdf")))
        .arg("-"));
    let pdf_text = String::from_utf8_lossy(&pdf_text.stdout);
    assert!(
        pdf_text.contains("TỪ CHỐI") && pdf_text.contains(&sha256_file(&bad)[..16]),
        "{pdf_text}"
    );
    // The human report (no --json) speaks Vietnamese first.
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(
        human.contains("TỪ CHỐI / REJECTED") && human.contains("TIẾP NHẬN"),
        "{human}"
    );
}

/// Kyso's integrity and modifications on every corpus file agree with the manifest's expected
/// verdict, except for the files listed (with a reason) in `corpus-known-differences.tsv`.
#[test]
fn the_corpus_agrees_with_its_manifest() {
    let env = TestEnv::new();
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"));
    let manifest = std::fs::read_to_string(root.join("MANIFEST.tsv")).unwrap();
    let known = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus-known-differences.tsv"
    ))
    .unwrap();
    let known: Vec<&str> = known
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next())
        .collect();
    let mut rows: Vec<(String, String)> = manifest
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            Some((cols.first()?.to_string(), cols.get(4)?.to_string()))
        })
        .collect();
    rows.sort();
    let files: Vec<PathBuf> = rows
        .iter()
        .map(|(f, _)| root.join("pdfs").join(f))
        .collect();
    let out = run(env.kyso().args(["verify", "--json"]).args(&files));
    let reports = json_lines(&out);
    assert_eq!(reports.len(), rows.len(), "one report per file");
    let mut differences = Vec::new();
    for ((name, expected), report) in rows.iter().zip(&reports) {
        let sigs = report["signatures"].as_array().unwrap();
        let broken = sigs.iter().any(|s| s["integrity"] != "intact");
        let disallowed = sigs.iter().any(|s| s["modifications"] == "disallowed");
        let agrees = match expected.as_str() {
            "valid" | "intact-with-changes" => !sigs.is_empty() && !broken && !disallowed,
            "intact-but-modified" => disallowed || broken,
            "invalid" => broken || disallowed,
            // Crypto-intact but without a positive verdict at the source: anything but a
            // disallowed change is consistent (a missing chain, unsupported algorithm…).
            "indeterminate" => !disallowed,
            _ => true,
        };
        if !agrees {
            differences.push(name.clone());
        }
    }
    let unlisted: Vec<_> = differences
        .iter()
        .filter(|d| !known.contains(&d.as_str()))
        .collect();
    let stale: Vec<_> = known
        .iter()
        .filter(|k| !differences.iter().any(|d| d == *k))
        .collect();
    assert!(
        unlisted.is_empty(),
        "differences not in the known-differences file: {unlisted:?}"
    );
    assert!(
        stale.is_empty(),
        "listed as different but now agreeing: {stale:?}"
    );
}
