//! The signing journal end to end: `kyso sign` and `kyso verify` record what they did,
//! `kyso journal` lists and exports it, the file never holds the PIN, an unusable journal stops
//! signing (not verification), and a writer killed with SIGKILL — between any two steps of a
//! record, or mid-stream, or racing another writer — leaves a sound journal holding whole
//! records only.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::*;
use kyso::journal::{Journal, schema};
use kyso::pdf::fixtures::FixtureKind;
use rusqlite::Connection;

/// A fixture copied under a Vietnamese name (names must survive every export).
fn vietnamese_input(env: &TestEnv) -> PathBuf {
    let input = env.path("Quyết định số 12, \"khẩn\".pdf");
    std::fs::copy(env.fixture(FixtureKind::Classic), &input).unwrap();
    input
}

fn sign_leader(env: &TestEnv, input: &Path, output: &Path) {
    let out = run(env
        .sign()
        .args(["--cert", id::LEADER, "-o"])
        .arg(output)
        .arg(input));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
}

fn verify(env: &TestEnv, file: &Path) -> std::process::Output {
    run(env
        .kyso()
        .args(["verify", "--json", "--offline", "--trust"])
        .arg(env.root_pem())
        .arg(file))
}

/// `kyso journal list --json ARGS` as parsed JSON lines.
fn list(env: &TestEnv, args: &[&str]) -> Vec<serde_json::Value> {
    let out = run(env.kyso().args(["journal", "list", "--json"]).args(args));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    json_lines(&out)
}

#[test]
fn signing_and_verifying_record_the_right_rows() {
    let env = TestEnv::new();
    let input = vietnamese_input(&env);
    let output = env.path("signed.pdf");
    sign_leader(&env, &input, &output);
    let verified = verify(&env, &output);
    assert_eq!(verified.status.code(), Some(0), "{}", describe(&verified));

    let entries = list(&env, &[]);
    assert_eq!(entries.len(), 2, "{entries:#?}");
    // Newest first: the verification, then the signing.
    let (v, s) = (&entries[0], &entries[1]);

    assert_eq!(s["kind"], "sign");
    assert_eq!(s["ok"], true);
    assert_eq!(s["outcome"], "signed");
    assert_eq!(s["file_name"], "Quyết định số 12, \"khẩn\".pdf");
    assert_eq!(s["file_path"], input.display().to_string());
    assert_eq!(s["sha256"], sha256_file(&input));
    assert!(s["at"].as_str().unwrap().ends_with("+07:00"), "{s}");
    assert!(s["at_utc"].as_str().unwrap().ends_with('Z'), "{s}");
    let signing = &s["signing"];
    assert_eq!(signing["output_path"], output.display().to_string());
    assert_eq!(signing["output_sha256"], sha256_file(&output));
    assert_eq!(signing["level"], "b-b");
    assert_eq!(signing["key_source"], "token");
    assert_eq!(signing["token_label"], TOKEN);
    assert!(
        signing["token_serial"]
            .as_str()
            .is_some_and(|x| !x.is_empty())
    );
    assert_eq!(signing["signer"]["common_name"], "Nguyễn Văn An");
    assert_eq!(
        signing["signer"]["der"],
        hex::encode(&env.pki.leader.certificate_der),
        "the signer's certificate, byte for byte"
    );
    assert!(signing["field"].as_str().is_some());

    assert_eq!(v["kind"], "verify");
    assert_eq!(v["ok"], true);
    assert_eq!(v["outcome"], "accepted");
    assert_eq!(v["sha256"], sha256_file(&output));
    assert_eq!(v["file_path"], output.display().to_string());
    let verification = &v["verification"];
    assert_eq!(verification["verdict"], "accepted");
    assert_eq!(verification["policy"], "incoming");
    assert_eq!(verification["online"], false);
    let signatures = verification["signatures"].as_array().unwrap();
    assert_eq!(signatures.len(), 1);
    let report = &json_lines(&verified)[0]["signatures"][0];
    assert_eq!(signatures[0]["indication"], report["indication"]);
    assert_eq!(signatures[0]["integrity"], "intact");
    assert!(
        signatures[0]["signer_subject"]
            .as_str()
            .unwrap()
            .contains("Nguyễn Văn An")
    );

    // A rejected document is recorded with its reasons.
    let rejected = verify(&env, &input);
    assert_eq!(rejected.status.code(), Some(1), "{}", describe(&rejected));
    let latest = &list(&env, &["--limit", "1"])[0];
    assert_eq!(latest["outcome"], "rejected");
    assert_eq!(latest["ok"], false);
    assert_eq!(latest["message"]["code"], "no-signature");
    assert_eq!(latest["verification"]["reasons"][0]["code"], "no-signature");
}

#[test]
fn a_refused_signing_is_recorded_with_its_error() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::Classic);
    let out = run(env
        .sign()
        .args(["--cert", id::EXPIRED, "-o"])
        .arg(env.path("never.pdf"))
        .arg(&input));
    assert_ne!(out.status.code(), Some(0), "{}", describe(&out));
    let code = json_lines(&out)[0]["error"]["code"].clone();

    let entries = list(&env, &[]);
    assert_eq!(entries.len(), 1, "{entries:#?}");
    let e = &entries[0];
    assert_eq!(e["ok"], false);
    assert_eq!(e["outcome"], code);
    assert_eq!(e["message"]["code"], code);
    assert!(!e["message"]["vi"].as_str().unwrap().is_empty());
    assert_eq!(e["signing"]["token_label"], TOKEN);
    assert_eq!(
        e["signing"]["output_path"],
        env.path("never.pdf").display().to_string()
    );
    assert!(e["signing"]["output_sha256"].is_null());
}

#[test]
fn the_pin_is_never_in_the_journal_files() {
    let env = TestEnv::new();
    // Held open so that the signer's close cannot checkpoint and delete the WAL: the bytes
    // of the write-ahead log are inspected too.
    let holder = Journal::open(&env.journal_path()).unwrap();
    let input = env.fixture(FixtureKind::Classic);
    sign_leader(&env, &input, &env.path("signed.pdf"));
    assert_eq!(
        holder
            .query(&Default::default())
            .unwrap()
            .first()
            .map(|e| e.ok),
        Some(true)
    );

    let folder = env.journal_path().parent().unwrap().to_path_buf();
    let mut files = 0;
    let mut wal_bytes = 0;
    let utf16: Vec<u8> = PIN.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        if path.to_string_lossy().ends_with("-wal") {
            wal_bytes = bytes.len();
        }
        files += 1;
        for needle in [PIN.as_bytes(), utf16.as_slice()] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "the PIN is in {}",
                path.display()
            );
        }
    }
    assert!(files >= 2, "database and WAL inspected");
    assert!(wal_bytes > 0, "the WAL held the new record");
}

#[test]
fn list_and_exports_round_trip_with_vietnamese_intact() {
    let env = TestEnv::new();
    let input = vietnamese_input(&env);
    let output = env.path("Quyết định đã ký.pdf");
    sign_leader(&env, &input, &output);
    assert_eq!(verify(&env, &output).status.code(), Some(0));
    let listed = list(&env, &[]);

    // JSON: one document whose entries are exactly what `list --json` prints.
    let json_path = env.path("export.json");
    let out = run(env
        .kyso()
        .args(["journal", "export", "--format", "json", "-o"])
        .arg(&json_path));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let exported: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(exported["format"], "kyso-journal");
    assert_eq!(exported["schema"], schema::CURRENT_VERSION);
    assert_eq!(exported["entries"].as_array().unwrap(), &listed);

    // An existing export is not overwritten without --force.
    let again = run(env
        .kyso()
        .args(["journal", "export", "--format", "json", "-o"])
        .arg(&json_path));
    assert_eq!(again.status.code(), Some(2), "{}", describe(&again));

    // CSV on standard output: a header row, one row per entry, fields as listed.
    let out = run(env.kyso().args(["journal", "export", "--format", "csv"]));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers, kyso::journal::CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), listed.len());
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    for (row, entry) in rows.iter().zip(&listed) {
        assert_eq!(row[col("id")], entry["id"].to_string());
        assert_eq!(&row[col("kind")], entry["kind"].as_str().unwrap());
        assert_eq!(&row[col("file_path")], entry["file_path"].as_str().unwrap());
        assert_eq!(&row[col("sha256")], entry["sha256"].as_str().unwrap());
        assert_eq!(&row[col("outcome")], entry["outcome"].as_str().unwrap());
    }
    assert_eq!(&rows[1][col("file_name")], "Quyết định số 12, \"khẩn\".pdf");
    assert_eq!(
        &rows[1][col("signer_subject")],
        listed[1]["signing"]["signer"]["subject"].as_str().unwrap()
    );
    assert_eq!(&rows[0][col("verdict")], "accepted");

    // --bom: the UTF-8 byte-order mark for Excel, then the same CSV.
    let out = run(env
        .kyso()
        .args(["journal", "export", "--format", "csv", "--bom"]));
    assert!(out.stdout.starts_with("\u{feff}id,kind,".as_bytes()));
}

#[test]
fn filters_select_by_kind_day_text_and_count() {
    let env = TestEnv::new();
    let input = vietnamese_input(&env);
    let output = env.path("signed.pdf");
    sign_leader(&env, &input, &output);
    assert_eq!(verify(&env, &output).status.code(), Some(0));
    let kinds = |args: &[&str]| -> Vec<String> {
        list(&env, args)
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(kinds(&[]), ["verify", "sign"]);
    assert_eq!(kinds(&["--kind", "sign"]), ["sign"]);
    assert_eq!(kinds(&["--kind", "verify"]), ["verify"]);
    assert_eq!(kinds(&["--limit", "1"]), ["verify"]);
    // Upper-case Vietnamese finds the lower-case file name; only the signing names the input.
    assert_eq!(kinds(&["--search", "QUYẾT ĐỊNH SỐ 12"]), ["sign"]);
    assert_eq!(kinds(&["--search", "Nguyễn Văn An"]), ["verify", "sign"]);
    assert_eq!(
        kinds(&["--search", "không có gì như thế"]),
        Vec::<String>::new()
    );
    let today = kyso::vn_time::now().date();
    let day = |d: time::Date| format!("{d}");
    assert_eq!(
        kinds(&["--since", &day(today), "--until", &day(today)]).len(),
        2
    );
    assert!(kinds(&["--since", &day(today.next_day().unwrap())]).is_empty());
    assert!(kinds(&["--until", &day(today.previous_day().unwrap())]).is_empty());
    // A malformed day is a usage error.
    let out = run(env.kyso().args(["journal", "--since", "23/11/2026"]));
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
}

#[test]
fn an_unusable_journal_stops_signing_before_the_token_but_not_verification() {
    let env = TestEnv::new();
    let input = env.fixture(FixtureKind::Classic);
    let signed = env.path("signed.pdf");
    sign_leader(&env, &input, &signed);

    let garbage = env.path("notes.sqlite");
    let notes = "Ghi chú của văn thư, không phải cơ sở dữ liệu.\n".repeat(100);
    std::fs::write(&garbage, &notes).unwrap();
    let blocked = env.path("a-file/journal.sqlite"); // its "folder" is a file
    std::fs::write(env.path("a-file"), b"x").unwrap();

    for (journal, code) in [
        (&garbage, "journal-corrupt"),
        (&blocked, "journal-unwritable"),
    ] {
        let log = env.path("spy.log");
        let output = env.path("never.pdf");
        let out = run(env
            .sign_spied(&log)
            .env("KYSO_JOURNAL", journal)
            .args(["--cert", id::LEADER, "-o"])
            .arg(&output)
            .arg(&input));
        assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
        assert_eq!(
            json_lines(&out)[0]["error"]["code"],
            code,
            "{}",
            describe(&out)
        );
        assert!(!output.exists(), "nothing signed without a journal");
        assert_eq!(
            spy_calls(&log, "C_OpenSession"),
            0,
            "the token was not touched"
        );
        assert_eq!(spy_calls(&log, "C_Login"), 0);
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--no-journal"),
            "the way out is named: {}",
            describe(&out)
        );

        // Verification warns and goes on.
        let out = run(env
            .kyso()
            .env("KYSO_JOURNAL", journal)
            .args(["verify", "--json", "--offline", "--trust"])
            .arg(env.root_pem())
            .arg(&signed));
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        assert_eq!(json_lines(&out)[0]["verdict"], "accepted");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("not recorded in the journal"),
            "{}",
            describe(&out)
        );
    }
    assert_eq!(
        std::fs::read_to_string(&garbage).unwrap(),
        notes,
        "left alone"
    );

    // --no-journal: the person's explicit choice to sign without a record.
    let output = env.path("unrecorded.pdf");
    let out = run(env
        .sign()
        .env("KYSO_JOURNAL", &garbage)
        .args(["--no-journal", "--cert", id::LEADER, "-o"])
        .arg(&output)
        .arg(&input));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(output.exists());
    assert_eq!(std::fs::read_to_string(&garbage).unwrap(), notes);
}

#[test]
fn the_journal_option_beats_the_variable_and_an_empty_file_is_migrated() {
    let env = TestEnv::new();
    let chosen = env.path("chosen/nhật-ký.sqlite");
    std::fs::create_dir_all(chosen.parent().unwrap()).unwrap();
    std::fs::write(&chosen, b"").unwrap();
    let out = run(env
        .kyso()
        .arg("journal")
        .arg("--journal")
        .arg(&chosen)
        .arg("path"));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        chosen.display().to_string()
    );

    let input = env.fixture(FixtureKind::Classic);
    let out = run(env
        .sign()
        .arg("--journal")
        .arg(&chosen)
        .args(["--cert", id::LEADER, "-o"])
        .arg(env.path("signed.pdf"))
        .arg(&input));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(!env.journal_path().exists(), "KYSO_JOURNAL was overridden");
    let c = Connection::open(&chosen).unwrap();
    let version: i64 = c
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, schema::CURRENT_VERSION);
    let n: i64 = c
        .query_row("SELECT count(*) FROM entry", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    let out = run(env
        .kyso()
        .args(["journal", "check", "--journal"])
        .arg(&chosen));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
}

// ---------------------------------------------------------------------------------------------
// Crash safety: real processes, real SIGKILL.

const STEPS_PER_RECORD: usize = 9; // Begun, Entry, Certificate, Details, Revocation ×3, Sealed, Committed

fn crash_writer(journal: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kyso"));
    c.arg("--journal")
        .arg(journal)
        .args(["journal", "__crash-test"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn kill(child: &mut Child) {
    child.kill().expect("SIGKILL");
    let status = child.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(9), "killed by SIGKILL, not finished");
}

/// Opens the journal as SQLite alone would after a crash, checks it, and returns how many
/// records it holds — each asserted whole (entry, signing, certificate, 3 revocation rows).
fn assert_sound(journal: &Path) -> i64 {
    let c = Connection::open(journal).unwrap();
    let integrity: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let orphans: i64 = c
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(orphans, 0);
    let count = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    let entries = count("SELECT count(*) FROM entry");
    assert_eq!(
        count("SELECT count(*) FROM signing"),
        entries,
        "a signing per entry"
    );
    assert_eq!(
        count("SELECT count(*) FROM signing WHERE certificate_id IS NULL"),
        0,
        "every signing has its certificate"
    );
    assert_eq!(
        count("SELECT count(*) FROM revocation_evidence"),
        3 * entries,
        "every record's revocation data, whole"
    );
    // Kyso itself opens it too, and agrees.
    assert!(Journal::open(journal).unwrap().check().unwrap().is_empty());
    entries
}

#[test]
fn a_writer_killed_between_any_two_steps_leaves_the_whole_record_or_none() {
    for kill_at in 0..STEPS_PER_RECORD {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal.sqlite");
        // One record already there: the crash must not harm it either.
        let seeded = crash_writer(&journal, &["--count", "1"]).output().unwrap();
        assert!(seeded.status.success(), "{}", describe(&seeded));

        let mut child = crash_writer(&journal, &["--count", "1", "--pause"])
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for step in 0..=kill_at {
            let line = lines.next().expect("a step").unwrap();
            assert!(line.starts_with("step 0 "), "{line}");
            if step < kill_at {
                stdin.write_all(b"\n").unwrap();
                stdin.flush().unwrap();
            }
        }
        kill(&mut child);
        let expected = if kill_at == STEPS_PER_RECORD - 1 {
            2
        } else {
            1
        };
        assert_eq!(
            assert_sound(&journal),
            expected,
            "killed after step {kill_at}"
        );
    }
}

#[test]
fn a_writer_killed_mid_stream_leaves_a_sound_journal() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.sqlite");
    let mut child = crash_writer(&journal, &["--count", "100000"])
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for _ in 0..25 {
        let line = lines.next().expect("a record").unwrap();
        assert!(line.starts_with("committed "), "{line}");
    }
    kill(&mut child);
    let kept = assert_sound(&journal);
    assert!(
        kept >= 25,
        "every record reported committed is there: {kept}"
    );
}

#[test]
fn two_writers_at_once_both_land() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.sqlite");
    let writers: Vec<Child> = (0..2)
        .map(|_| crash_writer(&journal, &["--count", "40"]).spawn().unwrap())
        .collect();
    for writer in writers {
        let out = writer.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", describe(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 40);
    }
    assert_eq!(assert_sound(&journal), 80);
}

#[test]
fn check_finds_an_edit_made_behind_kysos_back() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.sqlite");
    let written = crash_writer(&journal, &["--count", "3"]).output().unwrap();
    assert!(written.status.success(), "{}", describe(&written));
    let check = || {
        Command::new(env!("CARGO_BIN_EXE_kyso"))
            .arg("--journal")
            .arg(&journal)
            .args(["journal", "check"])
            .output()
            .unwrap()
    };
    let out = check();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));

    Connection::open(&journal)
        .unwrap()
        .execute_batch(
            "DROP TRIGGER signing_no_update;
             UPDATE signing SET output_sha256 = 'ff' WHERE entry_id = 2;",
        )
        .unwrap();
    let out = check();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("entry 2:"), "{stderr}");
    assert!(
        !stderr.contains("entry 3:"),
        "one edit, one report: {stderr}"
    );
}
