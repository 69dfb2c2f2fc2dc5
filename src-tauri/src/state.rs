//! What the app keeps between commands: its folders, the settings store, the reports of the
//! last checks (so exports name a report by id instead of trusting a copy from the web view),
//! and the cancel flags of running jobs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use kyso::verify::report::FileReport;

use crate::settings::SettingsStore;

/// At most this many reports are kept for export; older ones are forgotten first.
const MAX_KEPT_REPORTS: usize = 2000;

/// Folders the app reads and writes.
#[derive(Debug, Clone)]
pub struct AppPaths {
    /// `settings.json`.
    pub config_dir: PathBuf,
    /// The demo token and PKI (shared with `kyso demo`).
    pub demo_dir: PathBuf,
    /// The signing journal (shared with the CLI: `kyso journal`).
    pub journal: PathBuf,
}

impl AppPaths {
    /// `KYSO_APP_CONFIG_DIR` / `KYSO_DEMO_DIR` when set (tests), else the XDG folders; the
    /// journal where the CLI finds it (`KYSO_JOURNAL`, else the XDG data folder).
    pub fn from_environment() -> AppPaths {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let xdg = |var: &str, fallback: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(fallback)))
                .unwrap_or_else(|| PathBuf::from("."))
        };
        AppPaths {
            config_dir: std::env::var_os("KYSO_APP_CONFIG_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| xdg("XDG_CONFIG_HOME", ".config").join("kyso")),
            demo_dir: std::env::var_os("KYSO_DEMO_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| xdg("XDG_DATA_HOME", ".local/share").join("kyso/demo")),
            journal: kyso::journal::resolve_path(None).unwrap_or_else(|_| {
                xdg("XDG_DATA_HOME", ".local/share").join("kyso/journal.sqlite")
            }),
        }
    }
}

/// The app's state, managed by Tauri.
pub struct AppState {
    pub paths: AppPaths,
    pub settings: SettingsStore,
    reports: Mutex<Vec<(u64, Arc<FileReport>)>>,
    jobs: Mutex<Jobs>,
    next_id: AtomicU64,
}

/// How many early cancels (of jobs not started yet) are remembered.
const MAX_EARLY_CANCELS: usize = 32;

/// Running jobs' cancel flags, and cancels that arrived before their job started.
#[derive(Default)]
struct Jobs {
    running: HashMap<String, Arc<AtomicBool>>,
    /// The UI shows "Dừng" as soon as it sends `sign_batch`; a click that reaches the app before
    /// the command registered its job must still stop it. Bounded: ids are fresh per job, so an
    /// id never started is only a stale entry.
    cancelled_early: std::collections::VecDeque<String>,
}

impl AppState {
    pub fn new(paths: AppPaths) -> AppState {
        AppState {
            settings: SettingsStore::new(&paths.config_dir),
            paths,
            reports: Mutex::new(Vec::new()),
            jobs: Mutex::new(Jobs::default()),
            next_id: AtomicU64::new(1),
        }
    }

    pub fn demo_dir(&self) -> &Path {
        &self.paths.demo_dir
    }

    fn next(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Keeps a report for later export and returns its id.
    pub fn keep_report(&self, report: FileReport) -> u64 {
        let id = self.next();
        let mut reports = lock(&self.reports);
        if reports.len() >= MAX_KEPT_REPORTS {
            reports.remove(0);
        }
        reports.push((id, Arc::new(report)));
        id
    }

    pub fn report(&self, id: u64) -> Option<Arc<FileReport>> {
        lock(&self.reports)
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, r)| Arc::clone(r))
    }

    /// Registers a job under the id the UI chose (so it can cancel before the command
    /// returns); its flag turns true when the person cancels it.
    /// A job cancelled before it started begins cancelled.
    pub fn start_job(&self, id: &str) -> Arc<AtomicBool> {
        let mut jobs = lock(&self.jobs);
        let early = jobs.cancelled_early.iter().position(|c| c == id);
        if let Some(at) = early {
            jobs.cancelled_early.remove(at);
        }
        let flag = Arc::new(AtomicBool::new(early.is_some()));
        jobs.running.insert(id.to_owned(), Arc::clone(&flag));
        flag
    }

    pub fn finish_job(&self, id: &str) {
        lock(&self.jobs).running.remove(id);
    }

    /// Asks a job to stop before its next document; `false` when no such job runs (yet: the
    /// cancel is remembered, and the job stops before its first document if it starts).
    pub fn cancel_job(&self, id: &str) -> bool {
        let mut jobs = lock(&self.jobs);
        if let Some(flag) = jobs.running.get(id) {
            flag.store(true, Ordering::Relaxed);
            return true;
        }
        if jobs.cancelled_early.len() == MAX_EARLY_CANCELS {
            jobs.cancelled_early.pop_front();
        }
        jobs.cancelled_early.push_back(id.to_owned());
        false
    }
}

/// A poisoned lock only means another command panicked mid-update of a plain list; the list is
/// still usable, so the app goes on rather than failing every later command.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> AppState {
        let dir = std::env::temp_dir().join("kyso-state-test-unused");
        AppState::new(AppPaths {
            config_dir: dir.join("config"),
            demo_dir: dir.join("demo"),
            journal: dir.join("journal.sqlite"),
        })
    }

    #[test]
    fn a_cancel_that_arrives_before_its_job_starts_still_stops_it() {
        let state = state();
        assert!(!state.cancel_job("sign-1"), "not running yet");
        assert!(state.start_job("sign-1").load(Ordering::Relaxed));
        // Remembered once: the same id started again (not done by the UI) starts clean.
        state.finish_job("sign-1");
        assert!(!state.start_job("sign-1").load(Ordering::Relaxed));
        // A running job's flag turns at once.
        let flag = state.start_job("sign-2");
        assert!(state.cancel_job("sign-2"));
        assert!(flag.load(Ordering::Relaxed));
    }

    #[test]
    fn early_cancels_are_bounded() {
        let state = state();
        for i in 0..(MAX_EARLY_CANCELS + 10) {
            state.cancel_job(&format!("never-{i}"));
        }
        assert_eq!(lock(&state.jobs).cancelled_early.len(), MAX_EARLY_CANCELS);
        // The oldest were dropped, the newest kept.
        assert!(!state.start_job("never-0").load(Ordering::Relaxed));
        assert!(
            state
                .start_job(&format!("never-{}", MAX_EARLY_CANCELS + 9))
                .load(Ordering::Relaxed)
        );
    }
}
