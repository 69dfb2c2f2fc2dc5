//! The app's settings: one JSON file in the app's configuration folder, written atomically.
//!
//! The file is the one `kyso::settings` reads (`$XDG_CONFIG_HOME/kyso/settings.json`). The
//! saved signing profiles are shared with the CLI: `profiles` are read and written back as
//! `kyso::settings::SigningProfile`, so the app never drops what `kyso sign --settings-profile`
//! uses.
//! The other keys are spelled in camelCase (they travel to the web view as they are); the
//! library reads `tsaUrl`, `trustAnchors` and `officeName` as aliases of its own keys, so the CLI
//! sees the TSA, anchors and office name set here. `modulePaths` stays the app's own: the app
//! loads them beside the probed modules, where the CLI's `modules` replace probing.

use std::path::{Path, PathBuf};

use kyso::settings::SigningProfile;
use kyso::sign::SignatureLevel;
use serde::{Deserialize, Serialize};

use crate::error::{CommandError, CommandResult};

/// Settings files larger than this are refused: the file is small, a huge one is not ours.
const MAX_SETTINGS_LEN: u64 = 1024 * 1024;

/// The language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Vi,
    En,
}

/// The certificate the person chose once, found again by token serial and `CKA_ID`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateChoice {
    pub module: PathBuf,
    pub token_serial: String,
    pub token_label: String,
    pub certificate_id: String,
}

/// Everything the Settings screen edits.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppSettings {
    pub language: Language,
    /// PKCS#11 modules to load besides those found by probing.
    pub module_paths: Vec<PathBuf>,
    /// RFC 3161 time-stamping service for B-T and up; `None`: the VGCA service.
    pub tsa_url: Option<String>,
    /// The PAdES level the Sign screen starts with.
    pub level: SignatureLevel,
    /// Trust anchors the person added (PEM or DER files), on top of the shipped VGCA and NEAC
    /// roots.
    pub trust_anchors: Vec<PathBuf>,
    /// The office name printed on refusal notices.
    pub office_name: Option<String>,
    /// Reason written into signatures (`/Reason`).
    pub reason: Option<String>,
    /// Where signed files go; `None`: next to each input.
    pub output_dir: Option<PathBuf>,
    /// The signature profile (leader, issuer, attachment, copy) once the layout issue lands.
    pub profile: Option<String>,
    pub remembered: Option<CertificateChoice>,
    /// "Kiểm tra thu hồi trực tuyến": the Check screen asks OCSP/CRL responders; `None`: on.
    pub online_revocation: Option<bool>,
    /// Saved signing profiles (`kyso::settings::SigningProfile`): the entries `kyso sign
    /// --settings-profile` reads from this same file, kept as they are when the app saves.
    pub profiles: Vec<SigningProfile>,
}

impl AppSettings {
    /// Whether revocation is asked online (signing's pre-sign gate, checks): on by default.
    pub fn revocation_online(&self) -> bool {
        self.online_revocation.unwrap_or(true)
    }
}

/// The settings file and its folder.
#[derive(Debug, Clone)]
pub struct SettingsStore {
    path: PathBuf,
}

impl SettingsStore {
    pub fn new(config_dir: &Path) -> SettingsStore {
        SettingsStore {
            path: config_dir.join("settings.json"),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved settings; defaults when there is no file yet.
    pub fn load(&self) -> CommandResult<AppSettings> {
        let meta = match std::fs::metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(AppSettings::default());
            }
            Err(e) => return Err(CommandError::io("settings-unreadable", &self.path, &e)),
        };
        if meta.len() > MAX_SETTINGS_LEN {
            return Err(self.invalid("too large"));
        }
        let bytes = std::fs::read(&self.path)
            .map_err(|e| CommandError::io("settings-unreadable", &self.path, &e))?;
        serde_json::from_slice(&bytes).map_err(|e| self.invalid(e))
    }

    /// Writes the settings: temporary file in the same folder, fsync, rename.
    pub fn save(&self, settings: &AppSettings) -> CommandResult<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)
            .map_err(|e| CommandError::io("settings-unwritable", dir, &e))?;
        let json = serde_json::to_vec_pretty(settings).map_err(|e| self.invalid(e))?;
        crate::files::write_atomically(&self.path, &json)
    }

    fn invalid(&self, detail: impl std::fmt::Display) -> CommandError {
        CommandError::new(
            "settings-invalid",
            format!("Tệp cài đặt {} không hợp lệ: {detail}", self.path.display()),
            format!(
                "The settings file {} is not valid: {detail}",
                self.path.display()
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_gives_defaults_and_saved_settings_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(&dir.path().join("cfg"));
        assert_eq!(store.load().unwrap(), AppSettings::default());
        let settings = AppSettings {
            language: Language::En,
            office_name: Some("Văn phòng UBND tỉnh Gia Lai".into()),
            ..AppSettings::default()
        };
        store.save(&settings).unwrap();
        assert_eq!(store.load().unwrap(), settings);
    }

    #[test]
    fn a_broken_file_is_an_explained_error() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path());
        std::fs::write(store.path(), b"{not json").unwrap();
        assert_eq!(store.load().unwrap_err().0.code, "settings-invalid");
    }
}
