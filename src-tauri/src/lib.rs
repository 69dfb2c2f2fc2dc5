//! Kyso's desktop app (Tauri 2): thin commands over the `kyso` library for the three roles —
//! sign, check and refuse — with a Vietnamese-first web UI in `ui/`.
//!
//! - [`commands`]: the `#[tauri::command]`s the UI invokes;
//! - [`signing`], [`checking`]: the long work, off the UI thread, with progress and cancel;
//! - [`tokens`]: the token and certificate list; [`verdict`]: the Check screen's colours;
//! - [`visible`]: the visible-signature profiles the Sign screen offers; [`presign`]: what
//!   the Sign screen learns before the PIN dialog (issuer precondition, revocation gate);
//! - [`export`]: reports and refusal notices; [`settings`], [`state`], [`trust`], [`files`].

pub mod checking;
pub mod commands;
pub mod error;
pub mod export;
pub mod files;
pub mod image_preview;
pub mod presign;
pub mod settings;
pub mod signing;
pub mod state;
pub mod tokens;
pub mod trust;
pub mod verdict;
pub mod visible;

use state::{AppPaths, AppState};

/// Registers the commands on a builder; shared by the app and the MockRuntime tests.
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::app_info,
        commands::get_settings,
        commands::save_settings,
        commands::remember_certificate,
        commands::trust_anchors,
        commands::list_tokens,
        commands::enable_demo,
        commands::pin_status,
        commands::prepare_signing,
        commands::sign_batch,
        commands::check_files,
        commands::cancel_job,
        commands::export_report,
        commands::read_signed_revision,
        commands::read_checked_pdf,
        commands::signature_details,
        commands::read_pdf,
        image_preview::read_png,
        commands::journal_entries,
        commands::export_journal,
    ])
}

/// Makes SoftHSM find the demo token. SoftHSM reads `SOFTHSM2_CONF` when its module loads, and
/// the environment may only change while the process has one thread, so `main` calls this
/// first. A `SOFTHSM2_CONF` already set (tests, people who use SoftHSM) is left alone.
///
/// # Safety
/// Call before any other thread exists (first thing in `main`).
pub unsafe fn prepare_demo_environment(paths: &AppPaths) {
    if std::env::var_os(kyso::token::softhsm::CONF_VAR).is_some() {
        return;
    }
    // Only the configuration file is written here (cheap); the demo token is created when the
    // person chooses demo mode (`enable_demo`).
    if let Ok(softhsm) = kyso::token::SoftHsm::create(&paths.demo_dir) {
        // SAFETY: the caller guarantees that no other thread runs yet.
        unsafe { std::env::set_var(kyso::token::softhsm::CONF_VAR, softhsm.conf_path()) };
    }
}

/// Starts the app.
pub fn run() {
    let paths = AppPaths::from_environment();
    let builder = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState::new(paths));
    if let Err(e) = with_commands(builder).run(tauri::generate_context!()) {
        eprintln!("Kyso không khởi động được / Kyso could not start: {e}");
        std::process::exit(2);
    }
}
