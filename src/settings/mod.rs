//! The settings file: what an office sets once (modules, TSA, trust anchors, its name) and the
//! saved signing profiles, so a clerk signs with one choice ("Văn thư — phát hành").
//!
//! JSON (`serde_json`, already a dependency; the app edits it through this module) at
//! `$XDG_CONFIG_HOME/kyso/settings.json`, else `~/.config/kyso/settings.json`. Unknown keys
//! are ignored and missing ones take their defaults, so older and newer versions share a file.
//! Saving is atomic: a temporary file in the same folder, synced, then renamed over the old
//! one, so a crash never leaves half a settings file.
//!
//! ```
//! use kyso::settings::{Settings, SigningProfile};
//! use kyso::layout::Profile;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("settings.json");
//! let mut settings = Settings::default();
//! settings.office_name = Some("UBND tỉnh Quảng Ngãi".into());
//! settings.profiles.push(SigningProfile::new("Phó Chủ tịch", Profile::Leader));
//! settings.save(&path).unwrap();
//! assert_eq!(Settings::load(&path).unwrap(), settings);
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::layout::Profile;
use crate::message::{Explain, Message};

/// The largest settings file read.
pub const MAX_SETTINGS_FILE: u64 = 1024 * 1024;
/// File name inside the configuration folder.
pub const FILE_NAME: &str = "settings.json";

/// Why settings could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a valid settings file: {detail}")]
    Invalid { path: PathBuf, detail: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no saved signing profile named {0}")]
    NoSuchProfile(String),
}

impl Explain for SettingsError {
    fn message(&self) -> Message {
        match self {
            SettingsError::Read { path, source } => Message::new(
                "settings-unreadable",
                format!("Không đọc được tệp cấu hình {}: {source}", path.display()),
                format!("Cannot read the settings file {}: {source}", path.display()),
            ),
            SettingsError::Invalid { path, detail } => Message::new(
                "settings-invalid",
                format!("Tệp cấu hình {} không hợp lệ: {detail}", path.display()),
                format!(
                    "The settings file {} is not valid: {detail}",
                    path.display()
                ),
            ),
            SettingsError::Write { path, source } => Message::new(
                "settings-unwritable",
                format!("Không ghi được tệp cấu hình {}: {source}", path.display()),
                format!(
                    "Cannot write the settings file {}: {source}",
                    path.display()
                ),
            ),
            SettingsError::NoSuchProfile(name) => Message::new(
                "no-such-profile",
                format!("Không có mẫu ký đã lưu tên «{name}»"),
                format!("No saved signing profile named “{name}”"),
            ),
        }
    }
}

/// Everything Kyso remembers between runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Settings {
    /// PKCS#11 modules to use instead of probing the known names.
    pub modules: Vec<PathBuf>,
    // The desktop app writes this same file with its keys in camelCase (its settings travel to
    // the web view as JSON): the aliases let the CLI see what was set there.
    /// The RFC 3161 time-stamp service.
    #[serde(alias = "tsaUrl")]
    pub tsa_url: Option<String>,
    /// Trust anchors added to the shipped ones (PEM or DER files).
    #[serde(alias = "trustAnchors")]
    pub trust_anchors: Vec<PathBuf>,
    /// The office's name (printed on copies and refusal notices).
    #[serde(alias = "officeName")]
    pub office_name: Option<String>,
    /// `vi` (default) or `en` for the app's interface.
    pub language: Option<String>,
    /// Saved signing profiles.
    pub profiles: Vec<SigningProfile>,
}

/// A saved way to sign: who, in which role, with which images and certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SigningProfile {
    /// What the user picks, e.g. "Phó Chủ tịch — ký thay".
    pub name: String,
    /// `leader`, `issuer`, `attachment` or `copy`.
    pub kind: ProfileKind,
    /// The signer's own title, e.g. "PHÓ CHỦ TỊCH".
    pub title: Option<String>,
    /// Authority prefix and the head's title, e.g. "KT. CHỦ TỊCH" (empty: in one's own name).
    pub authority_prefix: Option<String>,
    /// The handwritten signature image (leader).
    pub image: Option<PathBuf>,
    /// The seal image (issuer).
    pub seal: Option<PathBuf>,
    /// The seal's width in millimetres (default: from the PNG, else 36).
    pub seal_mm: Option<f64>,
    /// The organisation (copies).
    pub organisation: Option<String>,
    /// Certificate label or hex id on the token.
    pub certificate: Option<String>,
    /// Token label.
    pub token: Option<String>,
    /// The copy form (copies): SAO Y, SAO LỤC, TRÍCH SAO.
    pub copy_form: Option<String>,
}

/// [`Profile`] as the settings file spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileKind {
    #[default]
    Leader,
    Issuer,
    Attachment,
    Copy,
}

impl From<ProfileKind> for Profile {
    fn from(kind: ProfileKind) -> Profile {
        match kind {
            ProfileKind::Leader => Profile::Leader,
            ProfileKind::Issuer => Profile::Issuer,
            ProfileKind::Attachment => Profile::Attachment,
            ProfileKind::Copy => Profile::Copy,
        }
    }
}

impl From<Profile> for ProfileKind {
    fn from(profile: Profile) -> ProfileKind {
        match profile {
            Profile::Leader => ProfileKind::Leader,
            Profile::Issuer => ProfileKind::Issuer,
            Profile::Attachment => ProfileKind::Attachment,
            Profile::Copy => ProfileKind::Copy,
        }
    }
}

impl Default for SigningProfile {
    fn default() -> Self {
        SigningProfile::new("", Profile::Leader)
    }
}

impl SigningProfile {
    /// A profile with only a name and a kind.
    pub fn new(name: &str, profile: Profile) -> SigningProfile {
        SigningProfile {
            name: name.to_string(),
            kind: profile.into(),
            title: None,
            authority_prefix: None,
            image: None,
            seal: None,
            seal_mm: None,
            organisation: None,
            certificate: None,
            token: None,
            copy_form: None,
        }
    }

    /// The `/Reason` a leader's signature records: "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH", or the title
    /// alone when signing in one's own name.
    pub fn reason(&self) -> Option<String> {
        authority_reason(self.authority_prefix.as_deref(), self.title.as_deref())
    }
}

/// "PREFIX — TITLE", either part alone, or nothing.
pub fn authority_reason(prefix: Option<&str>, title: Option<&str>) -> Option<String> {
    fn clean(s: Option<&str>) -> Option<&str> {
        s.map(str::trim).filter(|s| !s.is_empty())
    }
    match (clean(prefix), clean(title)) {
        (Some(p), Some(t)) => Some(format!("{p} — {t}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_string()),
        (None, None) => None,
    }
}

impl Settings {
    /// `$XDG_CONFIG_HOME/kyso/settings.json`, else `$HOME/.config/kyso/settings.json`.
    pub fn default_path() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
        Some(base.join("kyso").join(FILE_NAME))
    }

    /// Reads a settings file (at most [`MAX_SETTINGS_FILE`] bytes).
    pub fn load(path: &Path) -> Result<Settings, SettingsError> {
        let read_err = |source| SettingsError::Read {
            path: path.to_path_buf(),
            source,
        };
        let len = std::fs::metadata(path).map_err(read_err)?.len();
        if len > MAX_SETTINGS_FILE {
            return Err(SettingsError::Invalid {
                path: path.to_path_buf(),
                detail: format!("{len} bytes (at most {MAX_SETTINGS_FILE})"),
            });
        }
        let bytes = std::fs::read(path).map_err(read_err)?;
        serde_json::from_slice(&bytes).map_err(|e| SettingsError::Invalid {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })
    }

    /// The settings at the default path; defaults when there is no file yet.
    pub fn load_default() -> Result<Settings, SettingsError> {
        match Settings::default_path() {
            Some(path) if path.exists() => Settings::load(&path),
            _ => Ok(Settings::default()),
        }
    }

    /// Writes the settings atomically (temporary file, sync, rename), creating the folder.
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        let write_err = |source| SettingsError::Write {
            path: path.to_path_buf(),
            source,
        };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(write_err)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(write_err)?;
        let json = serde_json::to_vec_pretty(self).map_err(|e| SettingsError::Invalid {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
        temp.write_all(&json).map_err(write_err)?;
        temp.write_all(b"\n").map_err(write_err)?;
        temp.as_file().sync_all().map_err(write_err)?;
        temp.persist(path).map_err(|e| write_err(e.error))?;
        Ok(())
    }

    /// The saved profile named `name`.
    pub fn profile(&self, name: &str) -> Result<&SigningProfile, SettingsError> {
        self.profiles
            .iter()
            .find(|p| p.name == name)
            .ok_or_else(|| SettingsError::NoSuchProfile(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The desktop app saves this file with camelCase keys of its own beside `profiles`: the
    /// CLI reads the TSA, the trust anchors and the office's name it set.
    #[test]
    fn reads_what_the_desktop_app_saved() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(
            &path,
            r#"{"language": "vi", "modulePaths": [], "tsaUrl": "http://tsa.example/",
                "level": "b-t", "trustAnchors": ["/etc/kyso/root.pem"],
                "officeName": "Văn phòng UBND tỉnh Gia Lai", "onlineRevocation": true,
                "profiles": [{"name": "Văn thư", "kind": "issuer"}]}"#,
        )
        .unwrap();
        let read = Settings::load(&path).unwrap();
        assert_eq!(read.tsa_url.as_deref(), Some("http://tsa.example/"));
        assert_eq!(read.trust_anchors, [PathBuf::from("/etc/kyso/root.pem")]);
        assert_eq!(
            read.office_name.as_deref(),
            Some("Văn phòng UBND tỉnh Gia Lai")
        );
        assert_eq!(read.profiles[0].kind, ProfileKind::Issuer);
    }

    #[test]
    fn round_trips_and_tolerates_unknown_and_missing_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join(FILE_NAME);
        let mut settings = Settings {
            tsa_url: Some("http://127.0.0.1:9/tsa".into()),
            ..Settings::default()
        };
        let mut leader = SigningProfile::new("Phó Chủ tịch", Profile::Issuer);
        leader.authority_prefix = Some("KT. CHỦ TỊCH".into());
        leader.title = Some("PHÓ CHỦ TỊCH".into());
        settings.profiles.push(leader);
        settings.save(&path).unwrap();
        let back = Settings::load(&path).unwrap();
        assert_eq!(back, settings);
        assert_eq!(
            back.profile("Phó Chủ tịch").unwrap().reason().as_deref(),
            Some("KT. CHỦ TỊCH — PHÓ CHỦ TỊCH")
        );
        assert!(matches!(
            back.profile("x"),
            Err(SettingsError::NoSuchProfile(_))
        ));

        std::fs::write(
            &path,
            r#"{"office_name": "Đắk Lắk", "future_key": 1, "profiles": [{"name": "a", "kind": "copy"}]}"#,
        )
        .unwrap();
        let read = Settings::load(&path).unwrap();
        assert_eq!(read.office_name.as_deref(), Some("Đắk Lắk"));
        assert_eq!(read.profiles[0].kind, ProfileKind::Copy);

        std::fs::write(&path, "{ not json").unwrap();
        let err = Settings::load(&path).unwrap_err();
        assert_eq!(err.message().code, "settings-invalid");
        // Only the settings file is there: no temporary file left behind.
        assert_eq!(
            std::fs::read_dir(path.parent().unwrap()).unwrap().count(),
            1
        );
    }
}
