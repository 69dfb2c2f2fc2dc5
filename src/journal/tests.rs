use super::*;
use crate::message::Message;
use time::macros::datetime;

/// A real certificate (the VGCA root shipped in `trust/`), as DER.
fn certificate() -> Vec<u8> {
    let pem = include_str!("../../trust/vgca-rootca-g2.pem");
    let (_, der) = der::Document::from_pem(pem).expect("shipped PEM");
    der.as_bytes().to_vec()
}

fn signing(name: &str, at: time::OffsetDateTime, ok: bool) -> SigningRecord {
    SigningRecord {
        input: PathBuf::from(format!("/văn bản/{name}")),
        output: ok.then(|| PathBuf::from(format!("/văn bản/{name}.signed.pdf"))),
        input_sha256: Some("ab".repeat(32)),
        output_sha256: ok.then(|| "cd".repeat(32)),
        at,
        certificate_der: Some(certificate()),
        key_source: KeySource::Token {
            label: "Kyso Test".into(),
            serial: "0123".into(),
        },
        level: "b-b".into(),
        profile: None,
        field: Some("Signature1".into()),
        timestamp_time: None,
        tsa_url: None,
        revocation: vec![RevocationEvidence {
            kind: RevocationKind::Ocsp,
            source: "http://127.0.0.1:1/ocsp".into(),
            der: vec![0x30, 0x03, 0x0a, 0x01, 0x00],
            hash_only: false,
        }],
        result: if ok {
            SigningResult::Signed
        } else {
            SigningResult::Failed(Message::new(
                "pin-incorrect",
                "Mã PIN không đúng",
                "Incorrect PIN",
            ))
        },
    }
}

fn verification(name: &str, at: time::OffsetDateTime, accepted: bool) -> VerificationRecord {
    VerificationRecord {
        file: PathBuf::from(format!("/đến/{name}")),
        sha256: Some("ef".repeat(32)),
        at,
        accepted,
        reasons: if accepted {
            vec![]
        } else {
            vec![Message::new(
                "no-signature",
                "Văn bản không có chữ ký số",
                "The document has no signature",
            )]
        },
        warnings: vec![],
        signatures: serde_json::json!([]),
        policy: "incoming".into(),
        online: false,
    }
}

fn open_temp() -> (tempfile::TempDir, Journal) {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(&dir.path().join("sub/journal.sqlite")).unwrap();
    (dir, journal)
}

#[test]
fn a_new_file_gets_the_current_schema_wal_and_full_sync() {
    let (_dir, journal) = open_temp();
    let c = &journal.connection;
    let version: i64 = c
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    let app: i64 = c
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .unwrap();
    let mode: String = c
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    let sync: i64 = c
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .unwrap();
    let fk: i64 = c
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    assert_eq!(version, schema::CURRENT_VERSION);
    assert_eq!(app, schema::APPLICATION_ID);
    assert_eq!(mode, "wal");
    assert_eq!(sync, 2, "synchronous=FULL");
    assert_eq!(fk, 1);
    assert!(journal.check().unwrap().is_empty());
}

#[test]
fn reopening_keeps_the_records_and_does_not_migrate_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.sqlite");
    let mut journal = Journal::open(&path).unwrap();
    journal
        .record_signing(&signing("a.pdf", datetime!(2026-01-02 10:00 +7), true))
        .unwrap();
    drop(journal);
    let journal = Journal::open(&path).unwrap();
    assert_eq!(journal.query(&JournalQuery::default()).unwrap().len(), 1);
}

#[test]
fn a_signing_reads_back_whole() {
    let (_dir, mut journal) = open_temp();
    let at = datetime!(2026-03-04 09:15:02.5 +7);
    let id = journal
        .record_signing(&signing("Quyết định.pdf", at, true))
        .unwrap();
    let entries = journal.query(&JournalQuery::default()).unwrap();
    let [e] = entries.as_slice() else {
        panic!("{entries:?}")
    };
    assert_eq!(e.id, id);
    assert_eq!(e.kind, EntryKind::Signing);
    assert_eq!(e.at, "2026-03-04T09:15:02+07:00");
    assert_eq!(e.at_utc, "2026-03-04T02:15:02.500Z");
    assert_eq!(e.file_name, "Quyết định.pdf");
    assert_eq!(e.file_path, "/văn bản/Quyết định.pdf");
    assert!(e.ok);
    assert_eq!(e.outcome, "signed");
    let s = e.signing.as_ref().unwrap();
    assert_eq!(s.token_label.as_deref(), Some("Kyso Test"));
    assert_eq!(s.key_source, "token");
    let signer = s.signer.as_ref().unwrap();
    assert_eq!(signer.der, certificate());
    assert!(
        signer.subject.contains("Ban Cơ yếu Chính phủ"),
        "{}",
        signer.subject
    );
    assert_eq!(s.revocation.len(), 1);
    assert_eq!(s.revocation[0].kind, "ocsp");
    assert_eq!(s.revocation[0].size, 5);
    assert_eq!(
        journal.revocation_data(id).unwrap(),
        vec![("ocsp".to_owned(), vec![0x30, 0x03, 0x0a, 0x01, 0x00])]
    );
}

#[test]
fn a_certificate_is_stored_once() {
    let (_dir, mut journal) = open_temp();
    for i in 0..3 {
        journal
            .record_signing(&signing(&format!("{i}.pdf"), crate::vn_time::now(), true))
            .unwrap();
    }
    let count: i64 = journal
        .connection
        .query_row("SELECT count(*) FROM certificate", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 1);
}

#[test]
fn records_cannot_be_changed_or_deleted() {
    let (_dir, mut journal) = open_temp();
    journal
        .record_signing(&signing("a.pdf", crate::vn_time::now(), true))
        .unwrap();
    for sql in [
        "UPDATE entry SET ok = 0",
        "DELETE FROM entry",
        "DELETE FROM signing",
        "UPDATE certificate SET subject = 'x'",
        "DELETE FROM revocation_evidence",
    ] {
        let e = journal.connection.execute(sql, []).unwrap_err();
        assert!(e.to_string().contains("never"), "{sql}: {e}");
    }
}

#[test]
fn filters_kind_time_text_and_limit() {
    let (_dir, mut journal) = open_temp();
    journal
        .record_signing(&signing(
            "Công văn.pdf",
            datetime!(2026-01-01 08:00 +7),
            true,
        ))
        .unwrap();
    journal
        .record_signing(&signing(
            "Tờ trình.pdf",
            datetime!(2026-01-02 08:00 +7),
            false,
        ))
        .unwrap();
    journal
        .record_verification(&verification(
            "đến.pdf",
            datetime!(2026-01-03 08:00 +7),
            false,
        ))
        .unwrap();
    let q = |query: JournalQuery| -> Vec<String> {
        journal
            .query(&query)
            .unwrap()
            .into_iter()
            .map(|e| e.file_name)
            .collect()
    };
    assert_eq!(
        q(JournalQuery::default()),
        ["đến.pdf", "Tờ trình.pdf", "Công văn.pdf"],
        "newest first"
    );
    assert_eq!(
        q(JournalQuery {
            kind: Some(EntryKind::Signing),
            ..Default::default()
        }),
        ["Tờ trình.pdf", "Công văn.pdf"]
    );
    assert_eq!(
        q(JournalQuery {
            since: Some(datetime!(2026-01-02 00:00 +7)),
            until: Some(datetime!(2026-01-03 00:00 +7)),
            ..Default::default()
        }),
        ["Tờ trình.pdf"]
    );
    // Vietnamese upper case finds lower case; decomposed input finds precomposed text.
    assert_eq!(
        q(JournalQuery {
            text: Some("CÔNG VĂN".into()),
            ..Default::default()
        }),
        ["Công văn.pdf"]
    );
    assert_eq!(
        q(JournalQuery {
            text: Some("to\u{0300}\u{031b} tri\u{0300}nh".into()),
            ..Default::default()
        }),
        ["Tờ trình.pdf"]
    );
    // Messages and codes are searchable; `%` and `_` are not wildcards.
    assert_eq!(
        q(JournalQuery {
            text: Some("pin-incorrect".into()),
            ..Default::default()
        }),
        ["Tờ trình.pdf"]
    );
    assert!(
        q(JournalQuery {
            text: Some("%".into()),
            ..Default::default()
        })
        .is_empty()
    );
    assert_eq!(
        q(JournalQuery {
            limit: Some(1),
            ..Default::default()
        }),
        ["đến.pdf"]
    );
}

#[test]
fn csv_export_parses_back_with_vietnamese_intact() {
    let (_dir, mut journal) = open_temp();
    let mut record = signing("Quyết định, \"mật\".pdf", crate::vn_time::now(), false);
    record.result = SigningResult::Failed(Message::new(
        "x",
        "Dòng một\nDòng hai, có dấu phẩy",
        "Line one",
    ));
    journal.record_signing(&record).unwrap();
    journal
        .record_verification(&verification(
            "Công văn đến.pdf",
            crate::vn_time::now(),
            false,
        ))
        .unwrap();
    let mut out = Vec::new();
    assert_eq!(
        journal
            .export_csv(&mut out, &JournalQuery::default())
            .unwrap(),
        2
    );
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("\r\n"), "RFC 4180 line ends");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers, CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let col = |name: &str| CSV_COLUMNS.iter().position(|c| *c == name).unwrap();
    assert_eq!(&rows[0][col("file_name")], "Công văn đến.pdf");
    assert_eq!(&rows[0][col("verdict")], "rejected");
    assert_eq!(&rows[0][col("reasons_vi")], "Văn bản không có chữ ký số");
    assert_eq!(&rows[1][col("file_name")], "Quyết định, \"mật\".pdf");
    assert_eq!(
        &rows[1][col("message_vi")],
        "Dòng một\nDòng hai, có dấu phẩy"
    );
    assert_eq!(&rows[1][col("ok")], "false");
    assert_eq!(&rows[1][col("token_label")], "Kyso Test");
}

/// An incoming file named like a formula stays text in the CSV: a clerk opening the export in a
/// spreadsheet must not run `=HYPERLINK(…)` from an attacker's file name. JSON keeps it as is.
#[test]
fn csv_export_keeps_formula_like_names_inert() {
    let (_dir, mut journal) = open_temp();
    let names = [
        "=HYPERLINK(\"x\",\"a\").pdf",
        "+1.pdf",
        "-2.pdf",
        "@SUM(A1).pdf",
        "\tcmd.pdf",
        "bình thường.pdf",
    ];
    for name in names {
        journal
            .record_verification(&verification(name, crate::vn_time::now(), false))
            .unwrap();
    }
    let mut out = Vec::new();
    journal
        .export_csv(&mut out, &JournalQuery::default())
        .unwrap();
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let col = CSV_COLUMNS.iter().position(|c| *c == "file_name").unwrap();
    let mut exported: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[col].to_owned())
        .collect();
    exported.sort();
    let mut expected: Vec<String> = names
        .iter()
        .map(|n| match n.as_bytes()[0] {
            b'=' | b'+' | b'-' | b'@' | b'\t' => format!("'{n}"),
            _ => n.to_string(),
        })
        .collect();
    expected.sort();
    assert_eq!(exported, expected);

    let mut json = Vec::new();
    journal
        .export_json(&mut json, &JournalQuery::default())
        .unwrap();
    let text = String::from_utf8(json).unwrap();
    assert!(
        text.contains("\"=HYPERLINK("),
        "JSON keeps the name: {text}"
    );
}

#[test]
fn json_export_holds_every_entry_with_its_certificate() {
    let (_dir, mut journal) = open_temp();
    journal
        .record_signing(&signing("a.pdf", crate::vn_time::now(), true))
        .unwrap();
    let mut out = Vec::new();
    journal
        .export_json(&mut out, &JournalQuery::default())
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(value["format"], "kyso-journal");
    assert_eq!(value["schema"], schema::CURRENT_VERSION);
    let entry = &value["entries"][0];
    assert_eq!(entry["kind"], "sign");
    assert_eq!(
        entry["signing"]["signer"]["der"],
        hex::encode(certificate())
    );
}

#[test]
fn an_empty_file_becomes_a_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.sqlite");
    std::fs::write(&path, b"").unwrap();
    let journal = Journal::open(&path).unwrap();
    assert!(journal.query(&JournalQuery::default()).unwrap().is_empty());
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.sqlite");
    let garbage = b"these are someone's notes, not a database".repeat(200);
    std::fs::write(&path, &garbage).unwrap();
    let e = Journal::open(&path).unwrap_err();
    assert!(matches!(e, JournalError::Corrupt { .. }), "{e:?}");
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
    assert_eq!(crate::message::Explain::message(&e).code, "journal-corrupt");
}

#[test]
fn another_applications_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let e = Journal::open(&path).unwrap_err();
    assert!(matches!(e, JournalError::Foreign { .. }), "{e:?}");
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.sqlite");
    drop(Journal::open(&path).unwrap());
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", schema::CURRENT_VERSION + 1)
        .unwrap();
    let e = Journal::open(&path).unwrap_err();
    assert!(
        matches!(e, JournalError::NewerSchema { found, .. } if found == schema::CURRENT_VERSION + 1),
        "{e:?}"
    );
}

#[test]
fn default_location_follows_xdg() {
    assert_eq!(
        default_path(Some("/data".into()), Some("/home/an".into())).unwrap(),
        Path::new("/data/kyso/journal.sqlite")
    );
    assert_eq!(
        default_path(Some("relative".into()), Some("/home/an".into())).unwrap(),
        Path::new("/home/an/.local/share/kyso/journal.sqlite")
    );
    assert!(matches!(
        default_path(None, None),
        Err(JournalError::NoLocation)
    ));
    assert_eq!(
        resolve_path(Some(Path::new("/x/j.sqlite"))).unwrap(),
        Path::new("/x/j.sqlite")
    );
}

#[cfg(unix)]
#[test]
fn the_file_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, journal) = open_temp();
    let mode = std::fs::metadata(journal.path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn every_entry_is_sealed_and_an_edit_behind_kysos_back_breaks_the_chain() {
    let (_dir, mut journal) = open_temp();
    for i in 0..4 {
        journal
            .record_signing(&signing(&format!("{i}.pdf"), crate::vn_time::now(), true))
            .unwrap();
    }
    journal
        .record_verification(&verification("v.pdf", crate::vn_time::now(), true))
        .unwrap();
    let entries = journal.query(&JournalQuery::default()).unwrap();
    assert!(
        entries
            .iter()
            .all(|e| e.seal.as_ref().is_some_and(|s| s.len() == 64))
    );
    assert!(journal.check().unwrap().is_empty());

    // Someone drops the guard and rewrites history: the chain names the edited entry only.
    journal
        .connection
        .execute_batch(
            "DROP TRIGGER entry_no_update;
             UPDATE entry SET file_path = '/khác.pdf' WHERE id = 2;",
        )
        .unwrap();
    let problems = journal.check().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("mục 2:"), "{problems:?}");
    assert!(problems[0].contains("/ entry 2:"), "{problems:?}");
}

#[test]
fn revocation_bytes_swapped_behind_kysos_back_are_found() {
    let (_dir, mut journal) = open_temp();
    for i in 0..2 {
        journal
            .record_signing(&signing(&format!("{i}.pdf"), crate::vn_time::now(), true))
            .unwrap();
    }
    assert!(journal.check().unwrap().is_empty());

    // Same length, other bytes: the entries' JSON (hash, size) and so the chain are unchanged,
    // but the stored evidence is not what was sealed.
    journal
        .connection
        .execute_batch(
            "DROP TRIGGER revocation_no_update;
             UPDATE revocation_evidence SET der = X'300304010a' WHERE entry_id = 2;",
        )
        .unwrap();
    let problems = journal.check().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("mục 2: dữ liệu thu hồi số 0"),
        "{problems:?}"
    );
    assert!(
        problems[0].contains("/ entry 2: revocation data 0"),
        "{problems:?}"
    );
}
