//! The token and certificate list: every probed or configured PKCS#11 module, its tokens, and
//! the certificates that can sign, described for a person (owner, organisation, issuer family,
//! validity with a 30-day warning). Nothing here logs in.

use std::path::PathBuf;

use kyso::demo::DEMO_TOKEN_LABEL;
use kyso::message::{Explain, Message};
use kyso::pki::path::{Purpose, build_and_validate};
use kyso::pki::trust::{CaFamily, TrustStore};
use kyso::token::{KeyPresence, Module, PinStatus, TokenCertificate, TokenInventory};
use serde::Serialize;
use time::OffsetDateTime;

use crate::settings::CertificateChoice;

/// A certificate this close to its end is shown with a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Where a certificate stands in its validity period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Validity {
    Valid,
    ExpiringSoon,
    Expired,
    NotYetValid,
}

/// One certificate on a token, as the list shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateView {
    /// `CKA_ID` in hex: how signing names it.
    pub id: String,
    pub label: String,
    pub owner: Option<String>,
    pub organisation: Option<String>,
    pub issuer: String,
    /// `cong-vu`, `public-ca`, `user-added`, `demo` or `unknown`.
    pub ca_family: &'static str,
    pub not_before: String,
    pub not_after: String,
    pub days_left: i64,
    pub validity: Validity,
    /// A private key belongs to it (or cannot be told before login) and it is no CA.
    pub can_sign: bool,
    pub problem: Option<Message>,
}

/// One token.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenView {
    pub module: PathBuf,
    pub label: String,
    pub serial: String,
    pub manufacturer: String,
    pub model: String,
    pub pin: PinStatus,
    /// What the PIN state means, to show before the PIN is asked.
    pub pin_message: Option<Message>,
    /// The PIN is typed on the reader's own keypad.
    pub pin_pad: bool,
    pub login_required: bool,
    pub demo: bool,
    pub certificates: Vec<CertificateView>,
    pub note: Option<Message>,
}

/// What is plugged in now.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    pub tokens: Vec<TokenView>,
    /// Modules that could not be loaded or asked, each with why.
    pub problems: Vec<Message>,
    /// The certificate chosen before, when it is present now.
    pub remembered: Option<CertificateChoice>,
}

/// Every module to look at: those found by probing, then those set in Settings.
pub fn module_paths(extra: &[PathBuf]) -> Vec<PathBuf> {
    let mut paths = kyso::token::module::found_paths(&kyso::token::module::probe());
    for path in extra {
        let resolved = path.canonicalize().unwrap_or_else(|_| path.clone());
        if !paths.contains(&resolved) {
            paths.push(resolved);
        }
    }
    paths
}

/// Lists the tokens of every module; `trust` names the CA family of each certificate.
pub fn inventory(
    modules: &[PathBuf],
    trust: &TrustStore,
    remembered: Option<CertificateChoice>,
    now: OffsetDateTime,
) -> Inventory {
    let mut tokens = Vec::new();
    let mut problems = Vec::new();
    for path in modules {
        let listed = Module::load(path).and_then(|m| kyso::token::inventory::inventory(&m));
        match listed {
            Ok(found) => tokens.extend(
                found
                    .tokens
                    .into_iter()
                    .filter(|t| t.token.flags.token_initialized)
                    .map(|t| token_view(path.clone(), t, trust, now)),
            ),
            Err(e) => problems.push(e.message()),
        }
    }
    let remembered = remembered.filter(|choice| {
        tokens.iter().any(|t| {
            t.serial == choice.token_serial
                && t.certificates.iter().any(|c| c.id == choice.certificate_id)
        })
    });
    Inventory {
        tokens,
        problems,
        remembered,
    }
}

fn token_view(
    module: PathBuf,
    inventory: TokenInventory,
    trust: &TrustStore,
    now: OffsetDateTime,
) -> TokenView {
    let token = inventory.token;
    let demo = token.label == DEMO_TOKEN_LABEL;
    // The token's CA certificates help find the path to a shipped root.
    let pool: Vec<Vec<u8>> = inventory
        .certificates
        .iter()
        .filter(|c| c.certificate.as_ref().is_some_and(|i| i.is_ca))
        .map(|c| c.der.clone())
        .collect();
    let mut certificates: Vec<CertificateView> = inventory
        .certificates
        .iter()
        .filter(|c| !c.certificate.as_ref().is_some_and(|i| i.is_ca))
        .map(|c| certificate_view(c, &pool, trust, demo, now))
        .collect();
    // Tokens list objects in no fixed order; the list must not jump between re-scans.
    certificates.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.label.cmp(&b.label)));
    TokenView {
        module,
        pin_message: token.pin.needs_warning().then(|| token.pin.state.message()),
        pin: token.pin,
        pin_pad: token.flags.protected_authentication_path,
        login_required: token.flags.login_required,
        label: token.label,
        serial: token.serial,
        manufacturer: token.manufacturer,
        model: token.model,
        demo,
        certificates,
        note: inventory.note,
    }
}

fn certificate_view(
    c: &TokenCertificate,
    pool: &[Vec<u8>],
    trust: &TrustStore,
    demo: bool,
    now: OffsetDateTime,
) -> CertificateView {
    let Some(info) = &c.certificate else {
        return CertificateView {
            id: c.id_hex.clone(),
            label: c.label.clone(),
            owner: None,
            organisation: None,
            issuer: String::new(),
            ca_family: "unknown",
            not_before: String::new(),
            not_after: String::new(),
            days_left: 0,
            validity: Validity::Expired,
            can_sign: false,
            problem: c.problem.clone(),
        };
    };
    let days_left = (info.not_after - now).whole_days();
    let validity = if now < info.not_before {
        Validity::NotYetValid
    } else if now > info.not_after {
        Validity::Expired
    } else if days_left < EXPIRY_WARNING_DAYS {
        Validity::ExpiringSoon
    } else {
        Validity::Valid
    };
    let ca_family = if demo {
        "demo"
    } else {
        match build_and_validate(&c.der, pool, trust, now, Purpose::DocumentSigning).family() {
            Some(CaFamily::CongVu) => "cong-vu",
            Some(CaFamily::PublicCa) => "public-ca",
            Some(CaFamily::UserAdded) => "user-added",
            Some(_) | None => "unknown",
        }
    };
    CertificateView {
        id: c.id_hex.clone(),
        label: c.label.clone(),
        owner: info.common_name.clone(),
        organisation: info.organisation.clone(),
        issuer: info
            .issuer_common_name
            .clone()
            .unwrap_or_else(|| info.issuer.clone()),
        ca_family,
        not_before: kyso::vn_time::short_date(info.not_before),
        not_after: kyso::vn_time::short_date(info.not_after),
        days_left,
        validity,
        can_sign: c.private_key != KeyPresence::Absent,
        problem: c.problem.clone(),
    }
}
