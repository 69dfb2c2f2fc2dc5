//! The trust store a check uses: the shipped VGCA and NEAC roots, the anchors the person added
//! in Settings, and — only to check what the demo token just signed — the demo root, so a demo
//! signature checks as it would with a real one. The Check screen never trusts the demo root: a
//! demo signature has no legal value, and an incoming document signed with it is not accepted.

use kyso::message::Explain;
use kyso::pki::trust::TrustStore;

use crate::error::{CommandError, CommandResult};
use crate::settings::AppSettings;

/// The demo PKI's root inside the demo folder (written by `DemoPki::generate`).
pub fn demo_root(demo_dir: &std::path::Path) -> std::path::PathBuf {
    demo_dir.join("pki").join("root-ca.crt.pem")
}

pub fn trust_store(
    settings: &AppSettings,
    demo_dir: Option<&std::path::Path>,
) -> CommandResult<TrustStore> {
    let mut store = TrustStore::shipped().map_err(|e| CommandError(e.message()))?;
    for path in &settings.trust_anchors {
        let bytes =
            std::fs::read(path).map_err(|e| CommandError::io("trust-unreadable", path, &e))?;
        store
            .add_anchor_pem_or_der(&bytes)
            .map_err(|e| CommandError(e.message()))?;
    }
    if let Some(dir) = demo_dir
        && let Ok(bytes) = std::fs::read(demo_root(dir))
    {
        store
            .add_anchor_pem_or_der(&bytes)
            .map_err(|e| CommandError(e.message()))?;
    }
    Ok(store)
}
