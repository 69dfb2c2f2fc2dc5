//! The app's commands on Tauri's MockRuntime, through real IPC: what the web view sends and
//! what it gets back (data or a `{code, vi, en}` message). Shared by the command test files.

#![allow(dead_code)] // each test binary uses its own part of the harness

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use kyso_app::state::{AppPaths, AppState};
use serde_json::Value;
use tauri::Listener;
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::webview::{InvokeRequest, WebviewWindow, WebviewWindowBuilder};

/// One app with its folders (settings, demo, journal) in a temporary directory.
pub struct Harness {
    pub dir: tempfile::TempDir,
    pub app: tauri::App<MockRuntime>,
    pub webview: WebviewWindow<MockRuntime>,
}

impl Harness {
    pub fn new() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let paths = AppPaths {
            config_dir: dir.path().join("config"),
            demo_dir: dir.path().join("demo"),
            journal: dir.path().join("journal.sqlite"),
        };
        let app = kyso_app::with_commands(mock_builder())
            .manage(AppState::new(paths))
            .build(mock_context(noop_assets()))
            .unwrap();
        let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        Harness { dir, app, webview }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Invokes `cmd` as the web view does; `Err` is the command's `{code, vi, en}`.
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        self.respond(cmd, args)
            .map(|body| body.deserialize::<Value>().unwrap())
    }

    /// Invokes a command that answers raw bytes (`tauri::ipc::Response`), not JSON.
    #[allow(dead_code)] // not every test file reads raw answers
    pub fn invoke_raw(&self, cmd: &str, args: Value) -> Result<Vec<u8>, Value> {
        match self.respond(cmd, args)? {
            InvokeResponseBody::Raw(bytes) => Ok(bytes),
            other => panic!("expected raw bytes, got {other:?}"),
        }
    }

    fn respond(&self, cmd: &str, args: Value) -> Result<InvokeResponseBody, Value> {
        get_ipc_response(
            &self.webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
    }

    /// Collects the payloads of `event`.
    pub fn collect(&self, event: &str) -> Arc<Mutex<Vec<Value>>> {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        self.app.listen(event, move |e| {
            sink.lock()
                .unwrap()
                .push(serde_json::from_str(e.payload()).unwrap());
        });
        seen
    }
}

/// A small unsigned PDF.
pub fn unsigned_pdf(path: &Path) {
    kyso::pdf::fixtures::write_classic_pdf(path, 2).unwrap();
}
