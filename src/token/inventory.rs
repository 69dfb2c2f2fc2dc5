//! What is plugged in: slots with tokens, and the certificates on each token with whether a
//! private key belongs to them (same `CKA_ID`, the pairing PKCS#11 §4.6 and every vendor tool
//! use).
//!
//! Listing needs no login on most tokens, whose certificates are public objects. Private keys
//! are private objects, though, so before login the key side of the pairing may be invisible:
//! [`KeyPresence::Unknown`] says so instead of guessing.

use cryptoki::object::{Attribute, AttributeType, CertificateType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
use cryptoki::slot::Slot;
use serde::Serialize;

use super::error::TokenError;
use super::module::{Module, ModuleInfo};
use super::pin::PinStatus;
use crate::message::{Explain, Message};
use crate::pki::CertificateInfo;

/// At most this many objects of one class are read from a token: a real token holds a handful,
/// and a broken module must not make a listing run without end.
const MAX_OBJECTS: usize = 256;

/// Token flags from `CK_TOKEN_INFO` that matter to a person about to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TokenFlags {
    /// `CKF_LOGIN_REQUIRED`: signing needs the user PIN.
    pub login_required: bool,
    /// `CKF_PROTECTED_AUTHENTICATION_PATH`: the PIN is typed on the reader's own keypad.
    pub protected_authentication_path: bool,
    /// `CKF_TOKEN_INITIALIZED`.
    pub token_initialized: bool,
    /// `CKF_WRITE_PROTECTED`.
    pub write_protected: bool,
}

/// One slot with a token in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenDescription {
    /// The module's slot number. It can change between runs (SoftHSM moves a token to a new
    /// slot when it is initialised): choose tokens by label or serial.
    pub slot_id: u64,
    pub slot_description: String,
    pub label: String,
    pub serial: String,
    pub manufacturer: String,
    pub model: String,
    pub flags: TokenFlags,
    /// PIN state before any login: warn the person before asking for the PIN.
    pub pin: PinStatus,
    pub min_pin_len: usize,
    pub max_pin_len: usize,
}

impl TokenDescription {
    fn read(module: &Module, slot: Slot) -> Result<TokenDescription, TokenError> {
        let context = module.context();
        let slot_info = context
            .get_slot_info(slot)
            .map_err(TokenError::from_cryptoki)?;
        let info = context
            .get_token_info(slot)
            .map_err(TokenError::from_cryptoki)?;
        Ok(TokenDescription {
            slot_id: slot.id(),
            slot_description: slot_info.slot_description().trim().to_owned(),
            label: info.label().trim().to_owned(),
            serial: info.serial_number().trim().to_owned(),
            manufacturer: info.manufacturer_id().trim().to_owned(),
            model: info.model().trim().to_owned(),
            flags: TokenFlags {
                login_required: info.login_required(),
                protected_authentication_path: info.protected_authentication_path(),
                token_initialized: info.token_initialized(),
                write_protected: info.write_protected(),
            },
            pin: PinStatus::from_token_info(&info),
            min_pin_len: info.min_pin_length(),
            max_pin_len: info.max_pin_length(),
        })
    }

    /// `label (serial)`: how a token is named in messages.
    pub fn display_name(&self) -> String {
        format!("{} ({})", self.label, self.serial)
    }
}

/// Every slot that has a token, in the module's order.
pub fn list_tokens(module: &Module) -> Result<Vec<(Slot, TokenDescription)>, TokenError> {
    let slots = module
        .context()
        .get_slots_with_token()
        .map_err(TokenError::from_cryptoki)?;
    slots
        .into_iter()
        .map(|slot| TokenDescription::read(module, slot).map(|token| (slot, token)))
        .collect()
}

/// The token whose label or serial is `wanted`; with `None`, the only initialised token.
pub fn find_token(
    module: &Module,
    wanted: Option<&str>,
) -> Result<(Slot, TokenDescription), TokenError> {
    let tokens: Vec<_> = list_tokens(module)?
        .into_iter()
        // An uninitialised token cannot sign; SoftHSM always keeps one such spare slot.
        .filter(|(_, token)| token.flags.token_initialized)
        .collect();
    let names = || {
        tokens
            .iter()
            .map(|(_, t)| t.display_name())
            .collect::<Vec<_>>()
    };
    match wanted {
        Some(wanted) => {
            let wanted_trimmed = wanted.trim();
            let mut matching = tokens
                .iter()
                .filter(|(_, t)| t.label == wanted_trimmed || t.serial == wanted_trimmed);
            match (matching.next(), matching.next()) {
                (Some(found), None) => Ok(found.clone()),
                (Some(_), Some(_)) => Err(TokenError::TokenAmbiguous { tokens: names() }),
                (None, _) if tokens.is_empty() => Err(TokenError::NoToken),
                (None, _) => Err(TokenError::TokenNotFound {
                    wanted: wanted.to_owned(),
                    available: names(),
                }),
            }
        }
        None => match tokens.as_slice() {
            [] => Err(TokenError::NoToken),
            [only] => Ok(only.clone()),
            _ => Err(TokenError::TokenAmbiguous { tokens: names() }),
        },
    }
}

/// Whether a certificate has a private key on the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyPresence {
    /// A private key with the same `CKA_ID` is on the token.
    Present,
    /// No private key pairs with it: the certificate cannot sign (an issuer certificate, or a
    /// certificate whose key was lost).
    Absent,
    /// Private keys are hidden until login, so this cannot be told yet.
    Unknown,
}

/// A certificate object on a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenCertificate {
    /// `CKA_LABEL`.
    pub label: String,
    /// `CKA_ID` in lower-case hex; selects the certificate in `--cert`.
    pub id_hex: String,
    pub private_key: KeyPresence,
    /// The private key has `CKA_ALWAYS_AUTHENTICATE`: each signature needs the PIN again.
    pub always_authenticate: bool,
    /// The certificate, summarised; `None` when it cannot be read (see `problem`).
    pub certificate: Option<CertificateInfo>,
    /// Why the certificate could not be read.
    pub problem: Option<Message>,
    /// `CKA_VALUE`, the certificate's DER as stored.
    #[serde(skip)]
    pub der: Vec<u8>,
}

impl TokenCertificate {
    /// `label (id hex)`: how a certificate is named in messages and selected with `--cert`.
    pub fn display_name(&self) -> String {
        format!("{} ({})", self.label, self.id_hex)
    }

    /// Whether `wanted` names this certificate: its label, or its id in hex (any case, with or
    /// without `0x`).
    pub fn is_named(&self, wanted: &str) -> bool {
        let wanted = wanted.trim();
        let hex = wanted.strip_prefix("0x").unwrap_or(wanted);
        self.label == wanted || (!self.id_hex.is_empty() && self.id_hex.eq_ignore_ascii_case(hex))
    }
}

/// A token and its certificates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInventory {
    pub token: TokenDescription,
    pub certificates: Vec<TokenCertificate>,
    /// Said when the token shows no certificate before login (some tokens keep even
    /// certificates private): log in to list them.
    pub note: Option<Message>,
}

/// A module and what it sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModuleInventory {
    pub module: ModuleInfo,
    pub tokens: Vec<TokenInventory>,
}

/// Lists every token of `module` and its certificates, without logging in.
pub fn inventory(module: &Module) -> Result<ModuleInventory, TokenError> {
    let info = module.info()?;
    let mut tokens = Vec::new();
    for (slot, token) in list_tokens(module)? {
        let inventory = if token.flags.token_initialized {
            let session = module
                .context()
                .open_ro_session(slot)
                .map_err(TokenError::from_cryptoki)?;
            let certificates = read_certificates(&session, false)?;
            let note = (certificates.is_empty() && token.flags.login_required).then(|| {
                Message::new(
                    "certs-need-login",
                    "Thiết bị không cho xem chứng thư số trước khi nhập PIN",
                    "The token shows no certificate before the PIN is entered",
                )
            });
            TokenInventory {
                token,
                certificates,
                note,
            }
        } else {
            TokenInventory {
                token,
                certificates: Vec::new(),
                note: None,
            }
        };
        tokens.push(inventory);
    }
    Ok(ModuleInventory {
        module: info,
        tokens,
    })
}

/// A private key object, as far as pairing and signing need.
#[derive(Debug, Clone)]
pub(crate) struct PrivateKeyObject {
    pub(crate) handle: ObjectHandle,
    pub(crate) id: Vec<u8>,
    pub(crate) label: String,
    pub(crate) always_authenticate: bool,
}

/// A certificate object.
#[derive(Debug, Clone)]
pub(crate) struct CertificateObject {
    pub(crate) id: Vec<u8>,
    pub(crate) label: String,
    pub(crate) der: Vec<u8>,
}

pub(crate) fn find_private_keys(session: &Session) -> Result<Vec<PrivateKeyObject>, TokenError> {
    let handles = find(session, &[Attribute::Class(ObjectClass::PRIVATE_KEY)])?;
    let mut keys = Vec::with_capacity(handles.len());
    for handle in handles {
        let attributes = session
            .get_attributes(
                handle,
                &[
                    AttributeType::Id,
                    AttributeType::Label,
                    AttributeType::AlwaysAuthenticate,
                ],
            )
            .map_err(TokenError::from_cryptoki)?;
        let mut key = PrivateKeyObject {
            handle,
            id: Vec::new(),
            label: String::new(),
            always_authenticate: false,
        };
        for attribute in attributes {
            match attribute {
                Attribute::Id(id) => key.id = id,
                Attribute::Label(label) => key.label = text(&label),
                Attribute::AlwaysAuthenticate(always) => key.always_authenticate = always,
                _ => {}
            }
        }
        keys.push(key);
    }
    Ok(keys)
}

pub(crate) fn find_certificate_objects(
    session: &Session,
) -> Result<Vec<CertificateObject>, TokenError> {
    let handles = find(
        session,
        &[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
        ],
    )?;
    let mut certificates = Vec::with_capacity(handles.len());
    for handle in handles {
        let attributes = session
            .get_attributes(
                handle,
                &[
                    AttributeType::Id,
                    AttributeType::Label,
                    AttributeType::Value,
                ],
            )
            .map_err(TokenError::from_cryptoki)?;
        let mut certificate = CertificateObject {
            id: Vec::new(),
            label: String::new(),
            der: Vec::new(),
        };
        for attribute in attributes {
            match attribute {
                Attribute::Id(id) => certificate.id = id,
                Attribute::Label(label) => certificate.label = text(&label),
                Attribute::Value(der) => certificate.der = der,
                _ => {}
            }
        }
        certificates.push(certificate);
    }
    Ok(certificates)
}

fn find(session: &Session, template: &[Attribute]) -> Result<Vec<ObjectHandle>, TokenError> {
    session
        .iter_objects(template)
        .map_err(TokenError::from_cryptoki)?
        .take(MAX_OBJECTS)
        .collect::<Result<Vec<_>, _>>()
        .map_err(TokenError::from_cryptoki)
}

/// Labels are UTF-8 by the specification; a vendor tool that wrote something else still gets
/// its label shown.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .trim_end_matches(['\0', ' '])
        .to_owned()
}

/// Whether `key` pairs with `certificate`: same non-empty `CKA_ID`, or, when the certificate
/// has no id (a few vendor tools write none), the same label.
pub(crate) fn pairs(certificate: &CertificateObject, key: &PrivateKeyObject) -> bool {
    if certificate.id.is_empty() {
        !certificate.label.is_empty() && certificate.label == key.label
    } else {
        certificate.id == key.id
    }
}

/// Reads the certificates and pairs them with private keys. `logged_in` tells whether private
/// objects are visible, so that a missing key means absent rather than unknown.
pub(crate) fn read_certificates(
    session: &Session,
    logged_in: bool,
) -> Result<Vec<TokenCertificate>, TokenError> {
    let keys = find_private_keys(session)?;
    let certificates = find_certificate_objects(session)?;
    // A token that shows a private key before login keeps its keys public; one that shows
    // none may be hiding them until login.
    let keys_visible = logged_in || !keys.is_empty();
    Ok(certificates
        .into_iter()
        .map(|object| {
            let key = keys.iter().find(|key| pairs(&object, key));
            let private_key = match key {
                Some(_) => KeyPresence::Present,
                None if keys_visible => KeyPresence::Absent,
                None => KeyPresence::Unknown,
            };
            let (certificate, problem) = match CertificateInfo::from_der(&object.der) {
                Ok(info) => (Some(info), None),
                Err(e) => (None, Some(e.message())),
            };
            TokenCertificate {
                label: object.label,
                id_hex: hex::encode(&object.id),
                private_key,
                always_authenticate: key.is_some_and(|k| k.always_authenticate),
                certificate,
                problem,
                der: object.der,
            }
        })
        .collect())
}
