//! The signing journal in the CLI: the global `--journal PATH` / `--no-journal` options, the
//! recording hooks that `sign` and `verify` call, and `kyso journal` (list, export, check).
//!
//! A `kyso` process runs one command, so the journal opened for it is kept here for the
//! length of the process: the hooks are one line each in `sign.rs` and `verify.rs` instead of
//! a parameter threaded through every early return. The library's [`Journal`] itself holds no
//! global state.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

use clap::{Args, Subcommand, ValueEnum};
use kyso::journal::{
    Entry, EntryKind, Journal, JournalError, JournalQuery, KeySource, RevocationEvidence,
    RevocationKind, SigningRecord, SigningResult, VerificationRecord, WriteStep,
};
use kyso::message::{Explain, Message};
use kyso::pki::revocation::online::FetchOutcome;
use kyso::sign::{PendingOutput, SignError, SignedDocument};
use kyso::verify::report::FileReport;
use time::{Date, Duration, Month};

use crate::Outcome;
use crate::args::SignArgs;
use crate::output::{error, json_line, say};

/// The global options (accepted before or after any subcommand).
#[derive(Debug, Clone, Args)]
pub struct JournalOptions {
    /// Tệp nhật ký ký số (mặc định: KYSO_JOURNAL, hoặc ~/.local/share/kyso/journal.sqlite) —
    /// the signing journal's file
    #[arg(long = "journal", value_name = "PATH", global = true)]
    pub path: Option<PathBuf>,
    /// Không ghi nhật ký ký số cho lần chạy này — do not record this run in the journal
    #[arg(long = "no-journal", global = true, conflicts_with = "path")]
    pub disabled: bool,
}

// Not `args_conflicts_with_subcommands`: clap counts the global `--journal` as such an argument
// too; `run` refuses list options given together with a subcommand instead.
#[derive(Debug, Args)]
pub struct JournalArgs {
    #[command(subcommand)]
    pub command: Option<JournalCommand>,
    /// `kyso journal` alone lists, with these options.
    #[command(flatten)]
    pub list: ListArgs,
}

#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Liệt kê các lần ký và kiểm tra (mới nhất trước) — list signings and verifications, newest first
    List(ListArgs),
    /// Xuất nhật ký ra JSON hoặc CSV — export the journal as JSON or CSV
    Export(ExportArgs),
    /// Kiểm tra tính toàn vẹn của tệp nhật ký — check the journal file's integrity
    Check,
    /// In đường dẫn tệp nhật ký — print the journal's path
    Path,
    /// Test step: writes records, optionally pausing between the steps of each (crash tests).
    #[command(name = "__crash-test", hide = true)]
    CrashTest(CrashTestArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Sign,
    Verify,
}

#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Chỉ lần ký hoặc chỉ lần kiểm tra — signings or verifications only
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Từ ngày (giờ Việt Nam, kể cả ngày này) — from this day on (Vietnam time, inclusive)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub since: Option<Date>,
    /// Đến ngày (kể cả ngày này) — up to this day (inclusive)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub until: Option<Date>,
    /// Tìm trong tên tệp, mã băm, người ký, thiết bị, kết quả — search file names, hashes,
    /// signers, tokens, outcomes and messages (case-insensitive)
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
}

/// Entries `kyso journal list` shows unless told otherwise.
const DEFAULT_LIMIT: usize = 50;

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Số bản ghi tối đa (0 = tất cả) — at most N entries (0 = all)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_LIMIT)]
    pub limit: usize,
    /// Một đối tượng JSON mỗi dòng — JSON Lines on standard output
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Tệp kết quả (mặc định: đầu ra chuẩn) — output file (default: standard output)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Ghi đè tệp kết quả đã có — overwrite an existing output
    #[arg(long)]
    pub force: bool,
    /// CSV: thêm dấu BOM UTF-8 để Excel hiển thị đúng tiếng Việt — CSV: add a UTF-8 byte-order
    /// mark so that Excel shows Vietnamese correctly
    #[arg(long)]
    pub bom: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Số bản ghi tối đa (mặc định: tất cả) — at most N entries (default: all)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Args)]
pub struct CrashTestArgs {
    #[arg(long, default_value = "1")]
    pub count: usize,
    /// Print each step and wait for a line on standard input before the next.
    #[arg(long)]
    pub pause: bool,
}

/// `YYYY-MM-DD`.
fn parse_day(text: &str) -> Result<Date, String> {
    let bad = || format!("“{text}”: cần ngày dạng YYYY-MM-DD — a date as YYYY-MM-DD is expected");
    let mut parts = text.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u8 = m.parse().map_err(|_| bad())?;
    let day: u8 = d.parse().map_err(|_| bad())?;
    let month = Month::try_from(month).map_err(|_| bad())?;
    Date::from_calendar_date(year, month, day).map_err(|_| bad())
}

impl ListArgs {
    /// Whether any list option was given (the limit counts when it differs from the default).
    fn is_given(&self) -> bool {
        let f = &self.filter;
        self.json
            || self.limit != DEFAULT_LIMIT
            || f.kind.is_some()
            || f.since.is_some()
            || f.until.is_some()
            || f.search.is_some()
    }
}

impl FilterArgs {
    fn query(&self, limit: Option<usize>) -> JournalQuery {
        let start_of = |d: Date| d.midnight().assume_offset(kyso::vn_time::VIETNAM);
        JournalQuery {
            kind: self.kind.map(|k| match k {
                KindArg::Sign => EntryKind::Signing,
                KindArg::Verify => EntryKind::Verification,
            }),
            since: self.since.map(start_of),
            // Inclusive of the whole day: strictly before the next midnight.
            until: self.until.map(|d| start_of(d) + Duration::DAY),
            text: self.search.clone(),
            limit,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The journal of this process, and the hooks of `sign` and `verify`.

static OPTIONS: OnceLock<JournalOptions> = OnceLock::new();
static ACTIVE: Mutex<Option<Recorder>> = Mutex::new(None);

/// The journal opened for this run, and what the signing hooks learnt along the way.
struct Recorder {
    journal: Journal,
    key_source: KeySource,
    certificate_der: Option<Vec<u8>>,
    revocation: Vec<RevocationEvidence>,
}

impl Recorder {
    fn new(journal: Journal) -> Recorder {
        Recorder {
            journal,
            key_source: KeySource::Unknown,
            certificate_der: None,
            revocation: Vec::new(),
        }
    }
}

/// Remembers the global options; called once by `main` before the command runs.
pub fn install(options: &JournalOptions) {
    let _ = OPTIONS.set(options.clone());
}

fn options() -> JournalOptions {
    OPTIONS.get().cloned().unwrap_or(JournalOptions {
        path: None,
        disabled: false,
    })
}

fn active() -> MutexGuard<'static, Option<Recorder>> {
    // A panic while recording leaves nothing half-done in memory worth refusing over.
    ACTIVE.lock().unwrap_or_else(|p| p.into_inner())
}

fn open_configured() -> Result<Option<Journal>, JournalError> {
    let options = options();
    if options.disabled {
        return Ok(None);
    }
    let path = kyso::journal::resolve_path(options.path.as_deref())?;
    Journal::open(&path).map(Some)
}

/// Opens the journal before signing. An error means: do not sign (the caller refuses before the
/// token is touched); `--no-journal` is the person's explicit way around it.
pub fn open_for_signing() -> Result<(), Message> {
    match open_configured() {
        Ok(journal) => {
            *active() = journal.map(Recorder::new);
            Ok(())
        }
        Err(e) => {
            let m = e.message();
            Err(Message::new(
                m.code,
                format!(
                    "{} — Kyso không ký khi không ghi được nhật ký ký số; \
                     dùng --no-journal nếu chấp nhận ký mà không lưu vết",
                    m.vi
                ),
                format!(
                    "{} — Kyso does not sign without its signing journal; \
                     use --no-journal to sign without a record",
                    m.en
                ),
            ))
        }
    }
}

/// Opens the journal before verifying: on failure, says so and goes on (checking a document
/// changes nothing, so there is no reason to refuse it).
pub fn open_for_verification() {
    match open_configured() {
        Ok(journal) => *active() = journal.map(Recorder::new),
        Err(e) => warn_unrecorded(&e),
    }
}

fn warn_unrecorded(e: &JournalError) {
    let m = e.message();
    say(
        "⚠ ",
        &Message::new(
            m.code,
            format!("{} — kết quả không được ghi vào nhật ký", m.vi),
            format!("{} — this result is not recorded in the journal", m.en),
        ),
    );
}

/// The token that will sign (before the PIN is asked).
pub fn set_token(label: &str, serial: &str) {
    if let Some(r) = active().as_mut() {
        r.key_source = KeySource::Token {
            label: label.to_owned(),
            serial: serial.to_owned(),
        };
    }
}

/// The signer's certificate, once the key is chosen; `software` for a key file.
pub fn set_signer(certificate_der: &[u8], software: bool) {
    if let Some(r) = active().as_mut() {
        r.certificate_der = Some(certificate_der.to_vec());
        if software {
            r.key_source = KeySource::Software;
        }
    }
}

/// The revocation data the pre-sign gate relied on (checked OCSP responses and CRLs).
pub fn set_revocation(fetched: &FetchOutcome) {
    if let Some(r) = active().as_mut() {
        r.revocation = kyso::sign::evidence::gate_evidence(fetched);
    }
}

/// The OCSP responses and CRLs that `kyso sign --level b-lt|b-lta` put in the DSS, kept with
/// the signing's record after the pre-sign gate's (source `dss`).
pub fn add_dss_revocation(extended: &kyso::sign::extend::Extended) {
    if let Some(r) = active().as_mut() {
        r.revocation
            .extend(kyso::sign::evidence::dss_evidence(extended));
    }
}

/// Records the outcome of signing one input.
pub fn record_signing(
    args: &SignArgs,
    input: &Path,
    output: &Path,
    result: &Result<SignedDocument, SignError>,
) {
    let record = |r: &Recorder| {
        let mut record = base_record(r, args, input);
        match result {
            Ok(done) => {
                record.output = Some(done.output.clone());
                record.input_sha256 = Some(done.input_sha256.clone());
                record.output_sha256 = Some(done.output_sha256.clone());
                record.at = done.signing_time;
                record.field = Some(done.field_name.clone());
                if let Some(timestamp) = &done.timestamp {
                    record.timestamp_time = Some(timestamp.time);
                    record.tsa_url = Some(timestamp.tsa_url.clone());
                }
            }
            Err(e) => {
                record.output = Some(output.to_path_buf());
                record.result = SigningResult::Failed(e.message());
            }
        }
        record
    };
    write_signing(record);
}

/// Records that nothing could be signed, once per input.
pub fn record_sign_failures(args: &SignArgs, jobs: &[(PathBuf, PathBuf)], message: &Message) {
    for (input, output) in jobs {
        write_signing(|r| {
            let mut record = base_record(r, args, input);
            record.output = Some(output.clone());
            record.result = SigningResult::Failed(message.clone());
            record
        });
    }
}

fn base_record(r: &Recorder, args: &SignArgs, input: &Path) -> SigningRecord {
    SigningRecord {
        input: absolute(input),
        output: None,
        input_sha256: None,
        output_sha256: None,
        at: kyso::vn_time::now(),
        certificate_der: r.certificate_der.clone(),
        key_source: r.key_source.clone(),
        level: args.level.as_str().to_owned(),
        profile: args.profile.clone(),
        field: args.field.clone(),
        timestamp_time: None,
        tsa_url: args.tsa.clone(),
        revocation: r.revocation.clone(),
        result: SigningResult::Signed,
    }
}

fn write_signing(make: impl FnOnce(&Recorder) -> SigningRecord) {
    let mut guard = active();
    let Some(r) = guard.as_mut() else { return };
    let record = make(r);
    if let Err(e) = r.journal.record_signing(&record) {
        // The signature is made and its file written: the output stays, the person is told
        // loudly that this one has no record.
        warn_unrecorded(&e);
    }
}

/// Records one `kyso extend` run — validation data, and for B-LTA an archive time-stamp, added
/// to a signed file — as a signing entry at its level (`b-lt`, `b-lta`) with the revocation
/// data the DSS received. No key signs: the key source is `unknown`.
pub fn record_extension(
    input: &Path,
    output: &Path,
    level: &str,
    tsa_url: Option<&str>,
    result: &Result<kyso::sign::extend::Extended, kyso::sign::extend::ExtendError>,
) {
    write_signing(|_| {
        let mut record = SigningRecord {
            input: absolute(input),
            output: Some(absolute(output)),
            input_sha256: None,
            output_sha256: None,
            at: kyso::vn_time::now(),
            certificate_der: None,
            key_source: KeySource::Unknown,
            level: level.to_owned(),
            profile: None,
            field: None,
            timestamp_time: None,
            tsa_url: tsa_url.map(str::to_owned),
            revocation: Vec::new(),
            result: SigningResult::Signed,
        };
        match result {
            Ok(done) => {
                record.output = Some(absolute(&done.output));
                record.input_sha256 = Some(done.input_sha256.clone());
                record.output_sha256 = Some(done.output_sha256.clone());
                record.timestamp_time = done.archive_timestamp;
                record.revocation = kyso::sign::evidence::dss_evidence(done);
            }
            Err(e) => record.result = SigningResult::Failed(e.message()),
        }
        record
    });
}

/// Records one verification report.
pub fn record_verification(file: &Path, report: &FileReport, offline: bool) {
    let mut guard = active();
    let Some(r) = guard.as_mut() else { return };
    let record =
        VerificationRecord::from_report(&absolute(file), report, !offline, kyso::vn_time::now());
    if let Err(e) = r.journal.record_verification(&record) {
        warn_unrecorded(&e);
    }
}

/// The path as given, made absolute so the record still says which file it was when read from
/// another folder. Not canonicalised: a link's own name is what the person chose.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

// ---------------------------------------------------------------------------------------------
// `kyso journal`

pub fn run(args: &JournalArgs) -> Outcome {
    if args.command.is_some() && args.list.is_given() {
        error(&Message::new(
            "usage",
            "Các tùy chọn lọc đặt sau lệnh con: kyso journal list|export [TÙY CHỌN]",
            "Filter options go after the subcommand: kyso journal list|export [OPTIONS]",
        ));
        return Outcome::Failure;
    }
    match &args.command {
        None => list(&args.list),
        Some(JournalCommand::List(a)) => list(a),
        Some(JournalCommand::Export(a)) => export(a),
        Some(JournalCommand::Check) => check(),
        Some(JournalCommand::Path) => match configured_path() {
            Ok(path) => {
                println!("{}", path.display());
                Outcome::Success
            }
            Err(message) => {
                error(&message);
                Outcome::Failure
            }
        },
        Some(JournalCommand::CrashTest(a)) => crash_test(a),
    }
}

fn configured_path() -> Result<PathBuf, Message> {
    let options = options();
    if options.disabled {
        return Err(Message::new(
            "usage",
            "--no-journal: không có nhật ký nào để đọc",
            "--no-journal: there is no journal to read",
        ));
    }
    kyso::journal::resolve_path(options.path.as_deref()).map_err(|e| e.message())
}

/// Opens an existing journal for reading; `None` when none has been written yet.
fn open_existing() -> Result<Option<Journal>, Message> {
    let path = configured_path()?;
    if !path.exists() {
        return Ok(None);
    }
    Journal::open(&path).map(Some).map_err(|e| e.message())
}

fn list(args: &ListArgs) -> Outcome {
    let journal = match open_existing() {
        Ok(Some(j)) => j,
        Ok(None) => {
            if !args.json {
                eprintln!("Nhật ký chưa có bản ghi nào / the journal has no records yet");
            }
            return Outcome::Success;
        }
        Err(m) => {
            error(&m);
            return Outcome::Failure;
        }
    };
    let query = args.filter.query((args.limit > 0).then_some(args.limit));
    let entries = match journal.query(&query) {
        Ok(e) => e,
        Err(e) => {
            error(&e.message());
            return Outcome::Failure;
        }
    };
    if args.json {
        entries.iter().for_each(json_line);
    } else {
        print_entries(&entries);
    }
    Outcome::Success
}

fn print_entries(entries: &[Entry]) {
    let mut out = std::io::stdout().lock();
    if entries.is_empty() {
        let _ = writeln!(out, "Không có bản ghi phù hợp / no matching entries");
    }
    for e in entries {
        let (kind, mark) = match (e.kind, e.ok) {
            (EntryKind::Signing, true) => ("KÝ / SIGN", "✔"),
            (EntryKind::Signing, false) => ("KÝ / SIGN", "✘"),
            (EntryKind::Verification, true) => ("KIỂM TRA / VERIFY", "✔"),
            (EntryKind::Verification, false) => ("KIỂM TRA / VERIFY", "✘"),
        };
        let _ = writeln!(
            out,
            "#{} {} {kind} {mark} {} — {}",
            e.id, e.at, e.outcome, e.file_path
        );
        if let Some(s) = &e.signing {
            if let Some(output) = &s.output_path
                && e.ok
            {
                let _ = writeln!(out, "    → {output}");
            }
            if let Some(c) = &s.signer {
                let _ = writeln!(
                    out,
                    "    Người ký / signer: {} ({}, số hiệu / serial {})",
                    c.common_name.as_deref().unwrap_or(&c.subject),
                    c.organisation.as_deref().unwrap_or("-"),
                    c.serial
                );
            }
            if let Some(label) = &s.token_label {
                let _ = writeln!(out, "    Thiết bị / token: {label}");
            }
        }
        if let Some(sha) = &e.sha256 {
            let _ = writeln!(out, "    SHA-256: {sha}");
        }
        if let Some(m) = &e.message {
            let _ = writeln!(out, "    {}\n    {}", m.vi, m.en);
        }
    }
}

fn export(args: &ExportArgs) -> Outcome {
    let journal = match open_existing() {
        Ok(j) => j,
        Err(m) => {
            error(&m);
            return Outcome::Failure;
        }
    };
    let query = args.filter.query(args.limit);
    let write = |w: &mut dyn Write| -> Result<usize, JournalError> {
        if args.bom && args.format == ExportFormat::Csv {
            w.write_all("\u{feff}".as_bytes())
                .map_err(JournalError::Export)?;
        }
        match (&journal, args.format) {
            (Some(j), ExportFormat::Json) => j.export_json(w, &query),
            (Some(j), ExportFormat::Csv) => j.export_csv(w, &query),
            // No journal yet: the same document with no entries, from an in-memory journal
            // would need SQLite; write the empty shapes directly.
            (None, ExportFormat::Json) => {
                let empty = serde_json::json!({
                    "format": "kyso-journal",
                    "schema": kyso::journal::schema::CURRENT_VERSION,
                    "exported_at": kyso::vn_time::iso8601(kyso::vn_time::now()),
                    "entries": [],
                });
                writeln!(w, "{empty:#}").map_err(JournalError::Export)?;
                Ok(0)
            }
            (None, ExportFormat::Csv) => {
                write!(w, "{}\r\n", kyso::journal::CSV_COLUMNS.join(","))
                    .map_err(JournalError::Export)?;
                Ok(0)
            }
        }
    };
    let result = match &args.output {
        None => {
            let mut out = std::io::stdout().lock();
            write(&mut out).and_then(|n| out.flush().map(|_| n).map_err(JournalError::Export))
        }
        // Through the signer's pending output: temp file beside the target, fsync, rename.
        Some(path) => write_file(path, args.force, &write),
    };
    match result {
        Ok(n) => {
            if let Some(path) = &args.output {
                eprintln!(
                    "✔ Đã xuất {n} bản ghi / exported {n} entries → {}",
                    path.display()
                );
            }
            Outcome::Success
        }
        Err(e) => {
            error(&e.message());
            Outcome::Failure
        }
    }
}

fn write_file(
    path: &Path,
    force: bool,
    write: &dyn Fn(&mut dyn Write) -> Result<usize, JournalError>,
) -> Result<usize, JournalError> {
    let mut pending = PendingOutput::create(path).map_err(JournalError::Export)?;
    let mut buffer = Vec::new();
    let n = write(&mut buffer)?;
    pending.write_all(&buffer).map_err(JournalError::Export)?;
    pending.commit(force).map_err(JournalError::Export)?;
    Ok(n)
}

fn check() -> Outcome {
    let journal = match open_existing() {
        Ok(Some(j)) => j,
        Ok(None) => {
            eprintln!("Nhật ký chưa có bản ghi nào / the journal has no records yet");
            return Outcome::Success;
        }
        Err(m) => {
            error(&m);
            return Outcome::Failure;
        }
    };
    match journal.check() {
        Ok(problems) if problems.is_empty() => {
            eprintln!(
                "✔ Nhật ký nguyên vẹn / the journal is sound: {}",
                journal.path().display()
            );
            Outcome::Success
        }
        Ok(problems) => {
            say(
                "✘ ",
                &Message::new(
                    "journal-corrupt",
                    format!("Nhật ký bị hỏng: {}", journal.path().display()),
                    format!("The journal is damaged: {}", journal.path().display()),
                ),
            );
            for p in problems {
                eprintln!("    {p}");
            }
            Outcome::Negative
        }
        Err(e) => {
            error(&e.message());
            Outcome::Failure
        }
    }
}

/// Writes `count` signing records with a certificate and three pieces of revocation data each.
/// With `--pause`, prints `step N NAME` after each step of each record and waits for a line on
/// standard input: the crash test kills the process at a chosen step. Without it, prints
/// `committed N ID` after each record.
fn crash_test(args: &CrashTestArgs) -> Outcome {
    let mut journal = match open_configured() {
        Ok(Some(j)) => j,
        Ok(None) => return Outcome::Failure,
        Err(e) => {
            error(&e.message());
            return Outcome::Failure;
        }
    };
    let pem = include_str!("../../../trust/vgca-rootca-g2.pem");
    let certificate = der::Document::from_pem(pem)
        .map(|(_, d)| d.as_bytes().to_vec())
        .unwrap_or_default();
    let stdin = std::io::stdin();
    for n in 0..args.count {
        let record = SigningRecord {
            input: PathBuf::from(format!("/crash-test/văn bản {n}.pdf")),
            output: Some(PathBuf::from(format!("/crash-test/văn bản {n}.signed.pdf"))),
            input_sha256: Some(format!("{n:064x}")),
            output_sha256: Some(format!("{:064x}", n + 1)),
            at: kyso::vn_time::now(),
            certificate_der: Some(certificate.clone()),
            key_source: KeySource::Software,
            level: "b-b".into(),
            profile: None,
            field: None,
            timestamp_time: None,
            tsa_url: None,
            revocation: (0..3u8)
                .map(|i| RevocationEvidence {
                    kind: if i == 2 {
                        RevocationKind::Crl
                    } else {
                        RevocationKind::Ocsp
                    },
                    source: "http://127.0.0.1/crash-test".into(),
                    der: vec![i; 4096],
                    hash_only: i == 2,
                })
                .collect(),
            result: SigningResult::Signed,
        };
        let mut observe = |step: WriteStep| {
            if args.pause {
                println!("step {n} {step:?}");
                let _ = std::io::stdout().flush();
                let mut line = String::new();
                let _ = stdin.lock().read_line(&mut line);
            }
        };
        match journal.record_signing_observed(&record, &mut observe) {
            Ok(id) => {
                println!("committed {n} {id}");
                let _ = std::io::stdout().flush();
            }
            Err(e) => {
                error(&e.message());
                return Outcome::Failure;
            }
        }
    }
    Outcome::Success
}
