//! A SoftHSM2 token in a folder of its own, for tests and the demo mode.
//!
//! SoftHSM reads its configuration file from the `SOFTHSM2_CONF` environment variable when the
//! module is initialised. Changing the environment of a running multi-threaded process is
//! unsound (another thread may be reading it: `std::env::set_var` is `unsafe` since Rust 2024),
//! so nothing here touches this process's environment:
//! - provisioning runs `softhsm2-util` and `pkcs11-tool` as child processes, with
//!   `SOFTHSM2_CONF` set in the child's environment only;
//! - the process that *loads* the module (to list or sign) must have `SOFTHSM2_CONF` set from
//!   its start. Tests run `kyso` or a test helper as a child process with
//!   [`SoftHsm::command`] / [`SoftHsm::env`]; the demo mode sets it in `main` before any thread
//!   starts. The token layer's own in-process tests run in a child test process for the same
//!   reason (see `token::softhsm_tests`).
//!
//! The PINs of these tokens are test and demo values and are passed on the child's command
//! line (the tools accept them nowhere else without a terminal); never use this for a real key.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::error::TokenError;

/// Where distributions install the SoftHSM2 module.
const MODULE_LOCATIONS: &[&str] = &[
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
    "/usr/lib64/pkcs11/libsofthsm2.so",
    "/usr/lib64/softhsm/libsofthsm2.so",
];

/// The environment variable SoftHSM2 reads its configuration path from.
pub const CONF_VAR: &str = "SOFTHSM2_CONF";

/// A SoftHSM2 installation confined to one folder: `softhsm2.conf` and `tokens/`.
#[derive(Debug, Clone)]
pub struct SoftHsm {
    dir: PathBuf,
    conf: PathBuf,
    module: PathBuf,
}

impl SoftHsm {
    /// Prepares `dir` (created if needed): writes `dir/softhsm2.conf` pointing at
    /// `dir/tokens`. Tokens already there are kept, so the demo can reuse its token.
    pub fn create(dir: &Path) -> Result<SoftHsm, TokenError> {
        let module = Self::find_module().ok_or_else(|| TokenError::Provisioning {
            step: "find libsofthsm2.so".to_owned(),
            reason: "SoftHSM2 is not installed (apt-get install softhsm2)".to_owned(),
        })?;
        let io = |step: &str| {
            let step = step.to_owned();
            move |e: std::io::Error| TokenError::Provisioning {
                step,
                reason: e.to_string(),
            }
        };
        let tokens = dir.join("tokens");
        std::fs::create_dir_all(&tokens).map_err(io("create the token folder"))?;
        let dir = dir.canonicalize().map_err(io("resolve the folder"))?;
        let tokens = dir.join("tokens");
        let conf = dir.join("softhsm2.conf");
        let text = format!(
            "# Written by kyso: a SoftHSM2 token store for tests and the demo.\n\
             directories.tokendir = {}\n\
             objectstore.backend = file\n\
             log.level = ERROR\n\
             slots.removable = false\n",
            tokens.display()
        );
        std::fs::write(&conf, text).map_err(io("write softhsm2.conf"))?;
        Ok(SoftHsm { dir, conf, module })
    }

    /// The installed `libsofthsm2.so`, if any.
    pub fn find_module() -> Option<PathBuf> {
        MODULE_LOCATIONS
            .iter()
            .map(PathBuf::from)
            .find(|path| path.is_file())
    }

    /// `dir/softhsm2.conf`: the value `SOFTHSM2_CONF` must have in the process that loads the
    /// module.
    pub fn conf_path(&self) -> &Path {
        &self.conf
    }

    /// The SoftHSM2 PKCS#11 module to load.
    pub fn module_path(&self) -> &Path {
        &self.module
    }

    /// The environment pair a child process needs: `(SOFTHSM2_CONF, conf path)`.
    pub fn env(&self) -> (&'static str, &Path) {
        (CONF_VAR, &self.conf)
    }

    /// A command for `program` with `SOFTHSM2_CONF` set in its environment only.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new(program);
        command.env(CONF_VAR, &self.conf);
        command
    }

    /// Initialises a new token in the first free slot.
    pub fn init_token(&self, label: &str, so_pin: &str, user_pin: &str) -> Result<(), TokenError> {
        let mut command = self.command("softhsm2-util");
        command.args([
            "--init-token",
            "--free",
            "--label",
            label,
            "--so-pin",
            so_pin,
            "--pin",
            user_pin,
        ]);
        run(command, "softhsm2-util --init-token")
    }

    /// Imports a private key (PKCS#8 DER, unencrypted) with its public key, and its certificate
    /// (DER), both with `CKA_ID` = `id` and `CKA_LABEL` = `label`.
    pub fn import_key(
        &self,
        token_label: &str,
        pin: &str,
        id: &[u8],
        label: &str,
        private_key_pkcs8_der: &[u8],
        certificate_der: &[u8],
    ) -> Result<(), TokenError> {
        let pem = zeroize::Zeroizing::new(der_to_pem("PRIVATE KEY", private_key_pkcs8_der)?);
        let key_file = self.secret_file(pem.as_bytes())?;
        let mut command = self.command("softhsm2-util");
        command.arg("--import").arg(key_file.path()).args([
            "--token",
            token_label,
            "--label",
            label,
            "--id",
            &hex::encode(id),
            "--pin",
            pin,
        ]);
        run(command, "softhsm2-util --import")?;
        drop(key_file); // deleted here, right after the import
        self.import_certificate_only(token_label, pin, id, label, certificate_der)
    }

    /// Like [`SoftHsm::import_key`], but the private key has `CKA_ALWAYS_AUTHENTICATE`: each
    /// signature needs a context-specific login. No public key object is written.
    pub fn import_key_always_authenticate(
        &self,
        token_label: &str,
        pin: &str,
        id: &[u8],
        label: &str,
        private_key_pkcs8_der: &[u8],
        certificate_der: &[u8],
    ) -> Result<(), TokenError> {
        let key_file = self.secret_file(private_key_pkcs8_der)?;
        let mut command = self.pkcs11_tool(token_label, pin);
        command.arg("--write-object").arg(key_file.path()).args([
            "--type",
            "privkey",
            "--always-auth",
            "--id",
            &hex::encode(id),
            "--label",
            label,
        ]);
        run(command, "pkcs11-tool --write-object privkey")?;
        drop(key_file);
        self.import_certificate_only(token_label, pin, id, label, certificate_der)
    }

    /// Writes a certificate object (DER) without any private key.
    pub fn import_certificate_only(
        &self,
        token_label: &str,
        pin: &str,
        id: &[u8],
        label: &str,
        certificate_der: &[u8],
    ) -> Result<(), TokenError> {
        let mut file = tempfile::Builder::new()
            .suffix(".der")
            .tempfile_in(&self.dir)
            .map_err(|e| provisioning("write the certificate file", e))?;
        file.write_all(certificate_der)
            .map_err(|e| provisioning("write the certificate file", e))?;
        let mut command = self.pkcs11_tool(token_label, pin);
        command.arg("--write-object").arg(file.path()).args([
            "--type",
            "cert",
            "--id",
            &hex::encode(id),
            "--label",
            label,
        ]);
        run(command, "pkcs11-tool --write-object cert")
    }

    fn pkcs11_tool(&self, token_label: &str, pin: &str) -> Command {
        let mut command = self.command("pkcs11-tool");
        command.arg("--module").arg(&self.module).args([
            "--token-label",
            token_label,
            "--login",
            "--pin",
            pin,
        ]);
        command
    }

    /// A file in `dir` readable by the owner only (tempfile creates it 0600), deleted when
    /// dropped: private keys are on disk only for the length of one import.
    fn secret_file(&self, bytes: &[u8]) -> Result<tempfile::NamedTempFile, TokenError> {
        let mut file = tempfile::Builder::new()
            .prefix(".key-")
            .tempfile_in(&self.dir)
            .map_err(|e| provisioning("write the key file", e))?;
        file.write_all(bytes)
            .map_err(|e| provisioning("write the key file", e))?;
        file.flush()
            .map_err(|e| provisioning("write the key file", e))?;
        Ok(file)
    }
}

fn provisioning(step: &str, e: impl std::fmt::Display) -> TokenError {
    TokenError::Provisioning {
        step: step.to_owned(),
        reason: e.to_string(),
    }
}

/// Runs a provisioning tool; its error output becomes the reason.
fn run(mut command: Command, step: &str) -> Result<(), TokenError> {
    let output = command.output().map_err(|e| provisioning(step, e))?;
    if output.status.success() {
        return Ok(());
    }
    let mut reason = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    if reason.is_empty() {
        reason = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    }
    Err(provisioning(step, format!("{} ({reason})", output.status)))
}

/// PEM text (RFC 7468) for `softhsm2-util --import`, which reads PEM only.
fn der_to_pem(label: &str, der: &[u8]) -> Result<String, TokenError> {
    der::pem::encode_string(label, der::pem::LineEnding::LF, der)
        .map_err(|e| provisioning("encode the key as PEM", e))
}
