//! The whole `kyso verify` pipeline on arbitrary bytes: discovery, integrity, revisions and
//! change analysis, paths (shipped anchors), revocation, policy. It must always give a report:
//! never panic, never take longer than the time budget (libFuzzer's `-timeout` catches hangs).
#![no_main]

use std::io::Write;
use std::sync::OnceLock;
use std::time::Duration;

use kyso::pki::trust::TrustStore;
use kyso::verify::policy::Policy;
use kyso::verify::{VerifyOptions, verify_file};
use libfuzzer_sys::fuzz_target;

fn options() -> &'static VerifyOptions {
    static OPTIONS: OnceLock<VerifyOptions> = OnceLock::new();
    OPTIONS.get_or_init(|| VerifyOptions {
        policy: Policy::Incoming,
        trust: TrustStore::shipped().expect("shipped trust anchors"),
        offline: true,
        time_limit: Duration::from_secs(2),
    })
}

fuzz_target!(|data: &[u8]| {
    // `verify_file` reads a path, as `kyso verify` does; tmpfs keeps this cheap.
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        tempfile::Builder::new().tempfile_in("/dev/shm")
    } else {
        tempfile::NamedTempFile::new()
    };
    let Ok(mut file) = dir else { return };
    if file.write_all(data).is_err() {
        return;
    }
    let report = verify_file(file.path(), options());
    // The report must serialise, as `kyso verify --json` writes it (odd names, odd strings).
    let _ = serde_json::to_vec(&report);
});
