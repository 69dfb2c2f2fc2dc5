//! The app's commands through Tauri's IPC on the MockRuntime: what the web view sends, what it
//! gets back (data or a `{code, vi, en}` message), and the progress events of long work.

mod common;

use std::path::{Path, PathBuf};

use common::{Harness, unsigned_pdf};
use serde_json::{Value, json};

#[test]
fn app_info_says_what_this_build_offers() {
    let h = Harness::new();
    let info = h.invoke("app_info", json!({})).unwrap();
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(info["journalAvailable"], true);
    assert_eq!(info["layoutAvailable"], true);
}

#[test]
fn settings_round_trip_and_an_unreadable_anchor_is_refused_in_both_languages() {
    let h = Harness::new();
    let settings = h.invoke("get_settings", json!({})).unwrap();
    assert_eq!(settings["language"], "vi");
    let mut changed = settings.clone();
    changed["officeName"] = json!("Văn phòng UBND tỉnh Gia Lai");
    changed["language"] = json!("en");
    h.invoke("save_settings", json!({ "settings": changed }))
        .unwrap();
    let again = h.invoke("get_settings", json!({})).unwrap();
    assert_eq!(again["officeName"], "Văn phòng UBND tỉnh Gia Lai");
    assert_eq!(again["language"], "en");

    changed["trustAnchors"] = json!([h.path("missing.pem")]);
    let err = h
        .invoke("save_settings", json!({ "settings": changed }))
        .unwrap_err();
    assert_eq!(err["code"], "trust-unreadable");
    assert!(
        err["vi"]
            .as_str()
            .unwrap()
            .starts_with("Không truy cập được")
    );
    assert!(err["en"].as_str().unwrap().starts_with("Cannot access"));
}

#[test]
fn shipped_trust_anchors_are_listed() {
    let h = Harness::new();
    let anchors = h.invoke("trust_anchors", json!({})).unwrap();
    let anchors = anchors.as_array().unwrap();
    assert!(anchors.len() >= 3, "{anchors:?}");
    assert!(anchors.iter().all(|a| a["shipped"] == true));
    assert!(anchors.iter().any(|a| a["family"] == "cong-vu"));
}

#[test]
fn checking_a_folder_reports_each_pdf_with_progress_and_exports_the_notice() {
    let h = Harness::new();
    let folder = h.path("den");
    std::fs::create_dir_all(&folder).unwrap();
    unsigned_pdf(&folder.join("a.pdf"));
    std::fs::write(folder.join("b.pdf"), b"not a pdf at all").unwrap();
    std::fs::write(folder.join("note.txt"), b"ignored").unwrap();
    let events = h.collect("check-progress");

    let result = h
        .invoke(
            "check_files",
            json!({ "jobId": "check-1", "paths": [folder] }),
        )
        .unwrap();
    let results = result["results"].as_array().unwrap();
    assert_eq!(result["total"], 2);
    assert_eq!(results.len(), 2);
    for r in results {
        // Unsigned or unreadable: refused for certain, in red.
        assert_eq!(r["status"], "refused", "{r}");
        assert_eq!(r["report"]["verdict"], "rejected");
        assert!(!r["reasons"][0]["vi"].as_str().unwrap().is_empty());
    }
    assert_eq!(results[0]["reasons"][0]["code"], "no-signature");
    let seen = events.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1]["index"], 1);
    assert_eq!(seen[1]["jobId"], "check-1");
    drop(seen);

    let id = results[0]["reportId"].clone();
    let notice = h.path("a.tu-choi.pdf");
    h.invoke(
        "export_report",
        json!({ "reportId": id, "kind": "notice-pdf", "path": notice }),
    )
    .unwrap();
    assert!(std::fs::read(&notice).unwrap().starts_with(b"%PDF-"));
    let report = h.path("a.json");
    h.invoke(
        "export_report",
        json!({ "reportId": id, "kind": "report-json", "path": report }),
    )
    .unwrap();
    let json: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(json["verdict"], "rejected");
    let pdf = h.path("a.report.pdf");
    h.invoke(
        "export_report",
        json!({ "reportId": id, "kind": "report-pdf", "path": pdf }),
    )
    .unwrap();
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
}

#[test]
fn exports_name_a_kept_report_and_never_overwrite_the_checked_file() {
    let h = Harness::new();
    let input = h.path("x.pdf");
    unsigned_pdf(&input);
    let before = std::fs::read(&input).unwrap();
    let result = h
        .invoke("check_files", json!({ "jobId": "c", "paths": [input] }))
        .unwrap();
    let id = result["results"][0]["reportId"].clone();
    let err = h
        .invoke(
            "export_report",
            json!({ "reportId": id, "kind": "report-json", "path": input }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "export-over-input");
    assert_eq!(std::fs::read(&input).unwrap(), before);
    let err = h
        .invoke(
            "export_report",
            json!({ "reportId": 999_999, "kind": "report-json", "path": h.path("y.json") }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "report-unknown");
}

#[test]
fn a_module_the_app_does_not_know_is_never_loaded() {
    let h = Harness::new();
    let request = json!({
        "module": h.path("evil.so"),
        "tokenSerial": "x",
        "certificateId": "01",
        "files": [h.path("a.pdf")],
        "outputDir": null,
        "reason": null,
        "location": null,
        "page": null
    });
    let err = h
        .invoke(
            "sign_batch",
            json!({ "jobId": "s1", "request": request, "pin": "246810" }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "module-unknown");
    let err = h
        .invoke(
            "pin_status",
            json!({ "module": h.path("evil.so"), "tokenSerial": "x" }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "module-unknown");
}

#[test]
fn bad_job_ids_are_refused_and_unknown_jobs_cannot_be_cancelled() {
    let h = Harness::new();
    let err = h
        .invoke("check_files", json!({ "jobId": "", "paths": [] }))
        .unwrap_err();
    assert_eq!(err["code"], "job-id");
    assert_eq!(
        h.invoke("cancel_job", json!({ "jobId": "nothing" }))
            .unwrap(),
        json!(false)
    );
}

#[test]
fn checks_are_recorded_in_the_journal_searchable_and_exportable() {
    let h = Harness::new();
    let input = h.path("công văn đến.pdf");
    unsigned_pdf(&input);
    h.invoke("check_files", json!({ "jobId": "j", "paths": [input] }))
        .unwrap();
    let all = h.invoke("journal_entries", json!({ "query": {} })).unwrap();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["kind"], "verify");
    assert_eq!(all[0]["outcome"], "rejected");
    assert_eq!(all[0]["file_name"], "công văn đến.pdf");
    let none = h
        .invoke(
            "journal_entries",
            json!({ "query": { "text": "hồ sơ khác", "kind": null } }),
        )
        .unwrap();
    assert_eq!(none.as_array().unwrap().len(), 0);
    let found = h
        .invoke(
            "journal_entries",
            json!({ "query": { "text": "CÔNG VĂN" } }),
        )
        .unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1);
    let only_signings = h
        .invoke("journal_entries", json!({ "query": { "kind": "sign" } }))
        .unwrap();
    assert_eq!(only_signings.as_array().unwrap().len(), 0);
    let csv = h.path("nhat-ky.csv");
    let count = h
        .invoke(
            "export_journal",
            json!({ "query": {}, "format": "csv", "path": csv }),
        )
        .unwrap();
    assert_eq!(count, 1);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("công văn đến.pdf"), "{text}");
}

#[test]
fn preview_bytes_come_back_raw() {
    let h = Harness::new();
    let input = h.path("p.pdf");
    unsigned_pdf(&input);
    let bytes = h.invoke_raw("read_pdf", json!({ "path": input })).unwrap();
    assert_eq!(bytes, std::fs::read(&input).unwrap());
    let secret = h.path("secret.txt");
    std::fs::write(&secret, b"not for the web view").unwrap();
    let err = h.invoke("read_pdf", json!({ "path": secret })).unwrap_err();
    assert_eq!(err["code"], "preview-not-pdf");
}

// ---- Check screen: the signed revision, details, online or offline ------------------------

/// A document signed twice by the demo leader (`signed-twice.pdf`), the once-signed file it
/// grew from (`signed-once.pdf`), and the demo root to trust.
fn twice_signed(h: &Harness) -> (PathBuf, PathBuf, PathBuf) {
    use kyso::pki::demo::{DemoOptions, DemoPki};
    use kyso::sign::{SignatureRequest, sign_document};
    use kyso::token::{SignerOptions, SoftwareSigner};
    let pki = DemoPki::generate(&h.path("pki"), &DemoOptions::default()).unwrap();
    let chain = h.path("leader-chain.pem");
    let ca_chain = std::fs::read_to_string(&pki.ca_chain_pem_path).unwrap();
    std::fs::write(&chain, format!("{}{ca_chain}", pki.leader.certificate_pem)).unwrap();
    let signer = SoftwareSigner::from_pem_files(
        &pki.leader.key_pem_path,
        &chain,
        None,
        SignerOptions::default(),
    )
    .unwrap();
    let unsigned = h.path("unsigned.pdf");
    unsigned_pdf(&unsigned);
    let (once, twice) = (h.path("signed-once.pdf"), h.path("signed-twice.pdf"));
    let request = SignatureRequest::default();
    sign_document(&signer, &unsigned, &once, &request, true).unwrap();
    sign_document(&signer, &once, &twice, &request, true).unwrap();
    (once, twice, pki.root.certificate_pem_path.clone())
}

/// Trusts `root` and sets online revocation on or off.
fn check_settings(h: &Harness, root: Option<&Path>, online: bool) {
    let mut settings = h.invoke("get_settings", json!({})).unwrap();
    if let Some(root) = root {
        settings["trustAnchors"] = json!([root]);
    }
    settings["onlineRevocation"] = json!(online);
    h.invoke("save_settings", json!({ "settings": settings }))
        .unwrap();
}

fn check_one(h: &Harness, file: &Path) -> Value {
    let result = h
        .invoke(
            "check_files",
            json!({ "jobId": "check-rev", "paths": [file] }),
        )
        .unwrap();
    result["results"][0].clone()
}

fn signature_count(bytes: Vec<u8>) -> usize {
    let file = kyso::pdf::PdfFile::from_bytes(bytes).unwrap();
    kyso::verify::discovery::find_signatures(&file)
        .unwrap()
        .len()
}

#[test]
fn the_signed_revision_is_exactly_the_prefix_its_signature_covers() {
    let h = Harness::new();
    let (once, twice, root) = twice_signed(&h);
    check_settings(&h, Some(&root), false);
    let summary = check_one(&h, &twice);
    assert_eq!(summary["report"]["signatures"].as_array().unwrap().len(), 2);
    let id = summary["reportId"].as_u64().unwrap();

    let whole = std::fs::read(&twice).unwrap();
    let first = h
        .invoke_raw(
            "read_signed_revision",
            json!({ "reportId": id, "signature": 0 }),
        )
        .unwrap();
    // The first signature covers the once-signed file, byte for byte.
    assert_eq!(first, std::fs::read(&once).unwrap());
    assert!(whole.starts_with(&first) && first.len() < whole.len());
    assert_eq!(signature_count(first), 1);
    assert_eq!(signature_count(whole.clone()), 2);
    // The last signature covers the whole file.
    let last = h
        .invoke_raw(
            "read_signed_revision",
            json!({ "reportId": id, "signature": 1 }),
        )
        .unwrap();
    assert_eq!(last, whole);
    let checked = h
        .invoke_raw("read_checked_pdf", json!({ "reportId": id }))
        .unwrap();
    assert_eq!(checked, whole);

    let err = h
        .invoke_raw(
            "read_signed_revision",
            json!({ "reportId": id, "signature": 2 }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "signature-unknown");
}

#[test]
fn a_forged_report_id_or_a_file_changed_since_the_check_is_refused() {
    let h = Harness::new();
    let (_, twice, root) = twice_signed(&h);
    check_settings(&h, Some(&root), false);
    let id = check_one(&h, &twice)["reportId"].as_u64().unwrap();

    for forged in [id + 1000, 0] {
        let err = h
            .invoke_raw(
                "read_signed_revision",
                json!({ "reportId": forged, "signature": 0 }),
            )
            .unwrap_err();
        assert_eq!(err["code"], "report-unknown");
        let err = h
            .invoke("signature_details", json!({ "reportId": forged }))
            .unwrap_err();
        assert_eq!(err["code"], "report-unknown");
    }
    // Nothing but the id is taken from the web view: a path is not an argument.
    let err = h
        .invoke_raw(
            "read_signed_revision",
            json!({ "path": twice, "signature": 0 }),
        )
        .unwrap_err();
    assert!(err.to_string().contains("reportId"), "{err}");

    // Replaced after the check: the kept report no longer describes the file.
    unsigned_pdf(&twice);
    let err = h
        .invoke_raw(
            "read_signed_revision",
            json!({ "reportId": id, "signature": 0 }),
        )
        .unwrap_err();
    assert_eq!(err["code"], "checked-file-changed");
    assert!(err["vi"].as_str().unwrap().contains("thay đổi"));
    let err = h
        .invoke_raw("read_checked_pdf", json!({ "reportId": id }))
        .unwrap_err();
    assert_eq!(err["code"], "checked-file-changed");
}

#[test]
fn details_give_the_chain_and_the_pages_changed_after_signing() {
    let h = Harness::new();
    let (once, _, root) = twice_signed(&h);
    check_settings(&h, Some(&root), false);
    // An incremental update that rewrites page 2's content after the signature.
    let attacked = h.path("sua-sau-ky.pdf");
    let bytes = kyso::verify::attacks::replace_page_content(
        &std::fs::read(&once).unwrap(),
        1,
        b"BT /F1 12 Tf 72 700 Td (Noi dung da bi sua) Tj ET",
    )
    .unwrap();
    std::fs::write(&attacked, bytes).unwrap();
    let summary = check_one(&h, &attacked);
    assert_eq!(summary["status"], "refused");
    assert_eq!(summary["online"], false);
    let id = summary["reportId"].as_u64().unwrap();

    let details = h
        .invoke("signature_details", json!({ "reportId": id }))
        .unwrap();
    let first = &details[0];
    assert_eq!(first["changed_pages"], json!([2]), "{first}");
    assert!(
        first["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["page"] == 2 && c["allowed"] == false)
    );
    let chain = first["path"]["certificates"].as_array().unwrap();
    assert!(chain.len() >= 2, "{chain:?}");
    assert_eq!(chain[0]["common_name"], "Nguyễn Văn An");
    assert_eq!(chain.last().unwrap()["common_name"], "Kyso Test Root CA G2");
    assert!(chain[0]["not_after"].as_str().unwrap().ends_with("+07:00"));
    assert_eq!(first["path"]["anchor"]["family"], "user-added");
    assert_eq!(
        first["covered_end"].as_u64().unwrap(),
        std::fs::metadata(&once).unwrap().len()
    );
    // The signed revision is the once-signed file: page 2 as it was.
    let signed = h
        .invoke_raw(
            "read_signed_revision",
            json!({ "reportId": id, "signature": 0 }),
        )
        .unwrap();
    assert_eq!(signed, std::fs::read(&once).unwrap());
}

#[test]
fn the_result_says_whether_revocation_was_asked_online() {
    let h = Harness::new();
    let input = h.path("a.pdf");
    unsigned_pdf(&input);
    // Default: online.
    let result = h
        .invoke(
            "check_files",
            json!({ "jobId": "check-on", "paths": [input] }),
        )
        .unwrap();
    assert_eq!(result["online"], true);
    assert_eq!(result["results"][0]["online"], true);
    check_settings(&h, None, false);
    let result = h
        .invoke(
            "check_files",
            json!({ "jobId": "check-off", "paths": [input] }),
        )
        .unwrap();
    assert_eq!(result["online"], false);
    assert_eq!(result["results"][0]["online"], false);
}
