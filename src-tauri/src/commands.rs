//! The `#[tauri::command]`s: each checks what the web view sent, runs the core library off the
//! UI thread, and answers with data or a [`CommandError`]. No signing or validation logic
//! lives here.

use std::path::PathBuf;

use kyso::journal::{Entry, EntryKind, Journal, JournalQuery, VerificationRecord};
use kyso::message::{Explain, Message};
use kyso::pki::trust::{AnchorInfo, TrustStore};
use kyso::token::{Module, Pin, PinStatus, TokenSession};
use kyso::verify::VerifyOptions;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::checking::{self, CHECK_PROGRESS};
use crate::error::{CommandError, CommandResult};
use crate::export::{self, ExportKind};
use crate::presign::Preflight;
use crate::settings::{AppSettings, CertificateChoice};
use crate::signing::{
    self, BatchContext, BatchResult, SIGN_PROGRESS, SignBatchRequest, SigningSettings,
};
use crate::state::AppState;
use crate::tokens::{self, Inventory};
use crate::verdict::CheckSummary;

/// Preview files larger than this are not sent to the web view.
const MAX_PREVIEW_LEN: u64 = 256 * 1024 * 1024;

/// Stack of the threads that run the core: the main thread's size (8 MiB). Tokio's blocking
/// pool gives 2 MiB, which path validation of a real chain overflows in a debug build (the
/// process aborts, the window with it); the CLI runs the same code on its main thread.
const WORKER_STACK: usize = 8 * 1024 * 1024;

/// Runs blocking work (PKCS#11, file I/O, validation) off the UI thread, on a thread of its
/// own with [`WORKER_STACK`]; a pool thread waits for it so the async runtime stays free.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> CommandResult<T> + Send + 'static,
) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(move || {
        std::thread::Builder::new()
            .name("kyso-worker".into())
            .stack_size(WORKER_STACK)
            .spawn(work)
            .map_err(CommandError::worker)?
            .join()
            .map_err(|_| CommandError::worker("panic"))?
    })
    .await
    .map_err(CommandError::worker)?
}

fn state_of<R: Runtime>(app: &AppHandle<R>) -> tauri::State<'_, AppState> {
    tauri::Manager::state::<AppState>(app)
}

/// What the UI needs to know at start.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: &'static str,
    pub settings_path: PathBuf,
    pub demo_dir: PathBuf,
    /// Parts of later issues; the UI shows their screens as "coming" until these are true.
    pub journal_available: bool,
    pub layout_available: bool,
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        settings_path: state.settings.path().to_path_buf(),
        demo_dir: state.demo_dir().to_path_buf(),
        journal_available: true,
        layout_available: true,
    }
}

#[tauri::command]
pub fn get_settings(state: State<'_, AppState>) -> CommandResult<AppSettings> {
    state.settings.load()
}

#[tauri::command]
pub fn save_settings(state: State<'_, AppState>, settings: AppSettings) -> CommandResult<()> {
    // A trust anchor that cannot be read is refused now, not at the next check.
    crate::trust::trust_store(&settings, None)?;
    state.settings.save(&settings)
}

/// Remembers the chosen certificate.
#[tauri::command]
pub fn remember_certificate(
    state: State<'_, AppState>,
    choice: CertificateChoice,
) -> CommandResult<()> {
    let mut settings = state.settings.load()?;
    settings.remembered = Some(choice);
    state.settings.save(&settings)
}

/// One trust anchor for the Settings screen.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnchorView {
    #[serde(flatten)]
    pub anchor: AnchorInfo,
    pub shipped: bool,
}

#[tauri::command]
pub fn trust_anchors(state: State<'_, AppState>) -> CommandResult<Vec<AnchorView>> {
    let settings = state.settings.load()?;
    let store = crate::trust::trust_store(&settings, None)?;
    Ok(store
        .anchors()
        .iter()
        .map(|a| AnchorView {
            shipped: a.name.is_some(),
            anchor: AnchorInfo::from(a),
        })
        .collect())
}

/// The tokens and certificates plugged in now.
#[tauri::command]
pub async fn list_tokens<R: Runtime>(app: AppHandle<R>) -> CommandResult<Inventory> {
    let state = state_of(&app);
    let settings = state.settings.load()?;
    let trust = crate::trust::trust_store(&settings, None)?;
    blocking(move || {
        let modules = tokens::module_paths(&settings.module_paths);
        Ok(tokens::inventory(
            &modules,
            &trust,
            settings.remembered,
            kyso::vn_time::now(),
        ))
    })
    .await
}

/// Creates the demo token (once; later calls reuse it) and lists the tokens again.
#[tauri::command]
pub async fn enable_demo<R: Runtime>(app: AppHandle<R>) -> CommandResult<Inventory> {
    let dir = state_of(&app).demo_dir().to_path_buf();
    blocking(move || {
        kyso::demo::DemoToken::ensure(&dir).map_err(|e| CommandError(e.message()))?;
        Ok(())
    })
    .await?;
    list_tokens(app).await
}

/// The PIN state, read again just before the PIN dialog opens.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PinInfo {
    pub pin: PinStatus,
    pub message: Option<kyso::message::Message>,
    pub pin_pad: bool,
    pub login_required: bool,
    pub min_len: usize,
    pub max_len: usize,
}

#[tauri::command]
pub async fn pin_status<R: Runtime>(
    app: AppHandle<R>,
    module: PathBuf,
    token_serial: String,
) -> CommandResult<PinInfo> {
    let module = known_module(&app, module)?;
    blocking(move || {
        let module = Module::load(&module).map_err(|e| CommandError::from(&e))?;
        let session =
            TokenSession::open(&module, Some(&token_serial)).map_err(|e| CommandError::from(&e))?;
        let pin = session.pin_status().map_err(|e| CommandError::from(&e))?;
        let token = session.token();
        Ok(PinInfo {
            message: pin.needs_warning().then(|| pin.state.message()),
            pin,
            pin_pad: token.flags.protected_authentication_path,
            login_required: token.flags.login_required,
            min_len: token.min_pin_len,
            max_len: token.max_pin_len,
        })
    })
    .await
}

/// Only modules found by probing or set in Settings are loaded: loading a library is running
/// its code, so a path from the web view alone is not enough.
fn known_module<R: Runtime>(app: &AppHandle<R>, module: PathBuf) -> CommandResult<PathBuf> {
    let settings = state_of(app).settings.load()?;
    let resolved = module.canonicalize().unwrap_or_else(|_| module.clone());
    if tokens::module_paths(&settings.module_paths).contains(&resolved) {
        Ok(resolved)
    } else {
        Err(CommandError::new(
            "module-unknown",
            format!(
                "Thư viện PKCS#11 {} không có trong danh sách; hãy thêm nó trong Cài đặt",
                module.display()
            ),
            format!(
                "The PKCS#11 module {} is not in the list; add it in Settings",
                module.display()
            ),
        ))
    }
}

/// What the Sign screen checks before it opens the PIN dialog (`presign`): documents the
/// visible signature cannot be applied to, the certificate's fitness, and the revocation gate.
/// Nothing logs in; `sign_batch` checks all of it again.
#[tauri::command]
pub async fn prepare_signing<R: Runtime>(
    app: AppHandle<R>,
    request: SignBatchRequest,
) -> CommandResult<Preflight> {
    let (request, settings, trust) = signing_context(&app, request)?;
    let signing_settings = SigningSettings::from_settings(&settings);
    blocking(move || crate::presign::preflight(&request, &signing_settings, &trust)).await
}

/// What preparing and signing both start from: the request with its module checked (only a
/// module the app found is loaded), the settings, and the trust store — with the demo root,
/// which only helps check what the demo token signs (see `trust`).
fn signing_context<R: Runtime>(
    app: &AppHandle<R>,
    mut request: SignBatchRequest,
) -> CommandResult<(SignBatchRequest, AppSettings, TrustStore)> {
    request.module = known_module(app, request.module)?;
    let (settings, demo_dir) = {
        let state = state_of(app);
        (state.settings.load()?, state.demo_dir().to_path_buf())
    };
    let trust = crate::trust::trust_store(&settings, Some(&demo_dir))?;
    Ok((request, settings, trust))
}

/// Signs a batch with one PIN. Progress goes out as `sign-progress` events; `cancel_job`
/// stops it before the next document. The PIN is wrapped at once in [`Pin`] (zeroized on
/// drop), used for one login and never kept.
#[tauri::command]
pub async fn sign_batch<R: Runtime>(
    app: AppHandle<R>,
    job_id: String,
    request: SignBatchRequest,
    pin: Option<String>,
) -> CommandResult<BatchResult> {
    let pin = pin.map(Pin::new);
    check_job_id(&job_id)?;
    let (mut request, settings, trust) = signing_context(&app, request)?;
    if request.output_dir.is_none() {
        request.output_dir = settings.output_dir.clone();
    }
    let signing_settings = SigningSettings::from_settings(&settings);
    let journal_path = state_of(&app).paths.journal.clone();
    let cancel = state_of(&app).start_job(&job_id);
    let worker_app = app.clone();
    let id = job_id.clone();
    let result = blocking(move || {
        // The journal before the token is touched: no signature without its record.
        let mut journal = Journal::open(&journal_path).map_err(|e| CommandError(e.message()))?;
        let emit = |p: signing::SignProgress| {
            let _ = worker_app.emit(SIGN_PROGRESS, p);
        };
        let keep = |r| state_of(&worker_app).keep_report(r);
        let mut ctx = BatchContext {
            journal: &mut journal,
            job_id: &id,
            cancel: &cancel,
            trust,
            progress: &emit,
            keep: &keep,
            settings: signing_settings,
        };
        signing::sign_batch(&request, pin, &mut ctx)
    })
    .await;
    state_of(&app).finish_job(&job_id);
    result
}

/// The Check screen's answer.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub job_id: String,
    pub results: Vec<CheckSummary>,
    /// Files found; more than `results` when cancelled.
    pub total: usize,
    /// The folder search stopped at its limit.
    pub truncated: bool,
    /// The journal could not record the checks (checking goes on: it changes nothing).
    pub journal_warning: Option<Message>,
    /// Whether revocation was asked online or read from the files only.
    pub online: bool,
}

/// Checks files and folders (searched for PDFs). Progress as `check-progress` events.
#[tauri::command]
pub async fn check_files<R: Runtime>(
    app: AppHandle<R>,
    job_id: String,
    paths: Vec<PathBuf>,
) -> CommandResult<CheckResult> {
    check_job_id(&job_id)?;
    let settings = state_of(&app).settings.load()?;
    // Online (the default): a signer whose revocation the file does not settle is asked
    // about over OCSP, then CRL, as `kyso verify` does without `--offline`.
    let online = settings.revocation_online();
    let options = VerifyOptions {
        policy: kyso::verify::policy::Policy::Incoming,
        trust: crate::trust::trust_store(&settings, None)?,
        offline: !online,
        time_limit: if online {
            checking::ONLINE_TIME_LIMIT
        } else {
            kyso::verify::budget::DEFAULT_TIME_LIMIT
        },
    };
    let journal_path = state_of(&app).paths.journal.clone();
    let cancel = state_of(&app).start_job(&job_id);
    let worker_app = app.clone();
    let id = job_id.clone();
    let result = blocking(move || {
        let (files, truncated) = checking::expand(&paths);
        let emit = |p| {
            let _ = worker_app.emit(CHECK_PROGRESS, p);
        };
        let keep = |r| state_of(&worker_app).keep_report(r);
        let results = checking::check_all(&id, &files, &options, &cancel, &keep, &emit);
        let journal_warning = record_checks(&journal_path, &results).err();
        Ok(CheckResult {
            job_id: id,
            total: files.len(),
            results,
            truncated,
            journal_warning,
            online,
        })
    })
    .await;
    state_of(&app).finish_job(&job_id);
    result
}

#[tauri::command]
pub fn cancel_job(state: State<'_, AppState>, job_id: String) -> bool {
    state.cancel_job(&job_id)
}

/// Writes an export of a kept report to `path` (chosen in the save dialog), atomically.
#[tauri::command]
pub async fn export_report<R: Runtime>(
    app: AppHandle<R>,
    report_id: u64,
    kind: ExportKind,
    path: PathBuf,
) -> CommandResult<()> {
    let state = state_of(&app);
    let report = kept_report(&state, report_id)?;
    if crate::files::same_file(std::path::Path::new(&report.file), &path) {
        return Err(CommandError::new(
            "export-over-input",
            "Không ghi đè lên văn bản đang kiểm tra",
            "The checked document is never overwritten",
        ));
    }
    let office = state.settings.load()?.office_name;
    blocking(move || {
        let bytes = export::render(kind, &report, office.as_deref())?;
        crate::files::write_atomically(&path, &bytes)
    })
    .await
}

/// A report the app kept, by id: the web view names a report, it never sends one (or a path or
/// an offset from one) back.
fn kept_report(
    state: &AppState,
    report_id: u64,
) -> CommandResult<std::sync::Arc<kyso::verify::report::FileReport>> {
    state.report(report_id).ok_or_else(|| {
        CommandError::new(
            "report-unknown",
            "Không còn báo cáo này; hãy kiểm tra lại văn bản",
            "This report is no longer kept; check the document again",
        )
    })
}

/// The document as signature `signature` (0-based, the report's order) signed it: the checked
/// file's bytes up to the end of that signature's ByteRange, sent raw for the pdf.js preview.
/// The file is found through the kept report and must still be the one checked.
#[tauri::command]
pub async fn read_signed_revision<R: Runtime>(
    app: AppHandle<R>,
    report_id: u64,
    signature: usize,
) -> CommandResult<tauri::ipc::Response> {
    let report = kept_report(&state_of(&app), report_id)?;
    blocking(move || checking::signed_revision(&report, signature).map(tauri::ipc::Response::new))
        .await
}

/// A kept report's file as it was checked (refused if it changed since), sent raw for the
/// preview's comparison with the signed version: named by report id, not by a path.
#[tauri::command]
pub async fn read_checked_pdf<R: Runtime>(
    app: AppHandle<R>,
    report_id: u64,
) -> CommandResult<tauri::ipc::Response> {
    let report = kept_report(&state_of(&app), report_id)?;
    blocking(move || checking::read_checked(&report).map(tauri::ipc::Response::new)).await
}

/// Chains, time-stamps and the pages changed after each signature of a kept report's file.
#[tauri::command]
pub async fn signature_details<R: Runtime>(
    app: AppHandle<R>,
    report_id: u64,
) -> CommandResult<Vec<kyso::verify::details::SignatureDetails>> {
    let state = state_of(&app);
    let report = kept_report(&state, report_id)?;
    let trust = crate::trust::trust_store(&state.settings.load()?, None)?;
    blocking(move || checking::signature_details(&report, &trust)).await
}

/// A PDF's bytes for the pdf.js preview, sent raw (not as a JSON array).
#[tauri::command]
pub async fn read_pdf(path: PathBuf) -> CommandResult<tauri::ipc::Response> {
    blocking(move || {
        let len = std::fs::metadata(&path)
            .map_err(|e| CommandError::io("preview-unreadable", &path, &e))?
            .len();
        if len > MAX_PREVIEW_LEN {
            return Err(CommandError::new(
                "preview-too-large",
                "Tệp quá lớn để xem trước",
                "The file is too large to preview",
            ));
        }
        let bytes =
            std::fs::read(&path).map_err(|e| CommandError::io("preview-unreadable", &path, &e))?;
        // Only PDFs go to the web view (the header may follow up to 1 KiB of junk, as readers
        // accept): this command is not a way to read any file.
        let head = &bytes[..bytes.len().min(1024)];
        if !head.windows(5).any(|w| w == b"%PDF-") {
            return Err(CommandError::new(
                "preview-not-pdf",
                "Tệp không phải PDF",
                "The file is not a PDF",
            ));
        }
        Ok(tauri::ipc::Response::new(bytes))
    })
    .await
}

/// Records each check in the journal; the first failure is returned as a warning.
fn record_checks(path: &std::path::Path, results: &[CheckSummary]) -> Result<(), Message> {
    let mut journal = Journal::open(path).map_err(|e| e.message())?;
    let now = kyso::vn_time::now();
    for r in results {
        let record = VerificationRecord::from_report(
            std::path::Path::new(&r.file),
            &r.report,
            r.online,
            now,
        );
        journal
            .record_verification(&record)
            .map_err(|e| e.message())?;
    }
    Ok(())
}

/// At most this many journal entries are sent to the History screen at once.
const MAX_HISTORY: usize = 500;

/// The History screen's filter.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HistoryQuery {
    pub text: Option<String>,
    /// `sign` or `verify`; `None`: both.
    pub kind: Option<String>,
}

impl HistoryQuery {
    fn to_journal(&self, limit: Option<usize>) -> JournalQuery {
        JournalQuery {
            kind: match self.kind.as_deref() {
                Some("sign") => Some(EntryKind::Signing),
                Some("verify") => Some(EntryKind::Verification),
                _ => None,
            },
            text: self.text.clone().filter(|t| !t.trim().is_empty()),
            limit,
            ..JournalQuery::default()
        }
    }
}

/// The signing journal, newest first, searchable.
#[tauri::command]
pub async fn journal_entries<R: Runtime>(
    app: AppHandle<R>,
    query: HistoryQuery,
) -> CommandResult<Vec<Entry>> {
    let path = state_of(&app).paths.journal.clone();
    blocking(move || {
        let journal = Journal::open(&path).map_err(|e| CommandError(e.message()))?;
        journal
            .query(&query.to_journal(Some(MAX_HISTORY)))
            .map_err(|e| CommandError(e.message()))
    })
    .await
}

/// Exports the journal entries that match (JSON or CSV) to a file chosen in the save dialog.
#[tauri::command]
pub async fn export_journal<R: Runtime>(
    app: AppHandle<R>,
    query: HistoryQuery,
    format: String,
    path: PathBuf,
) -> CommandResult<usize> {
    let journal_path = state_of(&app).paths.journal.clone();
    blocking(move || {
        let journal = Journal::open(&journal_path).map_err(|e| CommandError(e.message()))?;
        let mut bytes = Vec::new();
        let filter = query.to_journal(None);
        let count = match format.as_str() {
            "csv" => journal.export_csv(&mut bytes, &filter),
            _ => journal.export_json(&mut bytes, &filter),
        }
        .map_err(|e| CommandError(e.message()))?;
        crate::files::write_atomically(&path, &bytes)?;
        Ok(count)
    })
    .await
}

/// Job ids come from the UI; they only need to be short and printable.
fn check_job_id(id: &str) -> CommandResult<()> {
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_graphic()) {
        return Err(CommandError::new(
            "job-id",
            "Mã tác vụ không hợp lệ",
            "Invalid job id",
        ));
    }
    Ok(())
}

/// The trust store of checks, exposed for tests.
pub fn check_trust(settings: &AppSettings) -> CommandResult<TrustStore> {
    crate::trust::trust_store(settings, None)
}
