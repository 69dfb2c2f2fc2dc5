//! Demo mode: a SoftHSM2 token holding keys of the demo PKI, so that a newcomer (and the test
//! suite) can run the whole signing flow with no real token. Everything it makes says
//! "DEMO — không có giá trị pháp lý" (no legal value).

use std::path::{Path, PathBuf};

use crate::pki::demo::{DemoIdentity, DemoOptions, DemoPki};
use crate::token::{SoftHsm, TokenError};

/// Label of the demo token.
pub const DEMO_TOKEN_LABEL: &str = "Kyso DEMO";
/// The demo token's user PIN. Public on purpose: the demo token guards nothing.
pub const DEMO_PIN: &str = "123456";
const DEMO_SO_PIN: &str = "12345678";

/// A key to put on a token: its `CKA_ID`, `CKA_LABEL` and the identity it belongs to.
pub struct TokenKey<'a> {
    pub id: u8,
    pub label: &'a str,
    pub identity: &'a DemoIdentity,
}

/// Creates a token `label` in `softhsm` holding `keys` (private key + certificate each) and,
/// as certificates only, the CA certificates of `pki`, as real tokens carry their chain.
pub fn provision_token(
    softhsm: &SoftHsm,
    label: &str,
    pin: &str,
    pki: &DemoPki,
    keys: &[TokenKey<'_>],
) -> Result<(), TokenError> {
    softhsm.init_token(label, DEMO_SO_PIN, pin)?;
    for key in keys {
        softhsm.import_key(
            label,
            pin,
            &[key.id],
            key.label,
            &key.identity.key_pkcs8_der,
            &key.identity.certificate_der,
        )?;
    }
    softhsm.import_certificate_only(
        label,
        pin,
        &[0xca, 1],
        "CA",
        &pki.issuing_ca.certificate_der,
    )?;
    softhsm.import_certificate_only(
        label,
        pin,
        &[0xca, 0],
        "Root CA",
        &pki.root.certificate_der,
    )?;
    Ok(())
}

/// Why the demo could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoSetupError {
    #[error("demo PKI: {0}")]
    Pki(#[from] crate::pki::demo::DemoError),
    #[error("demo token: {0}")]
    Token(#[from] TokenError),
    #[error("demo folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl crate::message::Explain for DemoSetupError {
    fn message(&self) -> crate::message::Message {
        match self {
            DemoSetupError::Pki(e) => e.message(),
            DemoSetupError::Token(e) => e.message(),
            DemoSetupError::Io { path, source } => crate::message::Message::new(
                "demo-folder",
                format!(
                    "Không tạo được thư mục thử nghiệm {}: {source}",
                    path.display()
                ),
                format!("Cannot create the demo folder {}: {source}", path.display()),
            ),
        }
    }
}

/// The demo set-up in a folder: `pki/` (certificates and keys), `softhsm2.conf` and `tokens/`.
pub struct DemoToken {
    pub dir: PathBuf,
    pub softhsm: SoftHsm,
    pub created: bool,
}

impl DemoToken {
    /// Creates the demo PKI and token in `dir` once; later calls find them and reuse them.
    /// The token holds the leader's key (id 01) and the organisation's key (id 02).
    pub fn ensure(dir: &Path) -> Result<DemoToken, DemoSetupError> {
        let marker = dir.join("demo-token-ready");
        std::fs::create_dir_all(dir).map_err(|source| DemoSetupError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        if marker.exists() {
            let softhsm = SoftHsm::create(dir)?;
            return Ok(DemoToken {
                dir: dir.to_path_buf(),
                softhsm,
                created: false,
            });
        }
        // A set-up interrupted half-way is started again from scratch.
        for stale in ["pki", "tokens"] {
            let _ = std::fs::remove_dir_all(dir.join(stale));
        }
        let pki = DemoPki::generate(&dir.join("pki"), &DemoOptions::default())?;
        let softhsm = SoftHsm::create(dir)?;
        provision_token(
            &softhsm,
            DEMO_TOKEN_LABEL,
            DEMO_PIN,
            &pki,
            &[
                TokenKey {
                    id: 1,
                    label: "Nguyen Van An (DEMO)",
                    identity: &pki.leader,
                },
                TokenKey {
                    id: 2,
                    label: "So KH&CN Gia Lai (DEMO)",
                    identity: &pki.organisation,
                },
            ],
        )?;
        std::fs::write(&marker, b"ok\n").map_err(|source| DemoSetupError::Io {
            path: marker.clone(),
            source,
        })?;
        Ok(DemoToken {
            dir: dir.to_path_buf(),
            softhsm,
            created: true,
        })
    }
}
