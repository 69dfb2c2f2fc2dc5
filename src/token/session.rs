//! One session on one token, logged in once, for a whole batch of documents.
//!
//! The order a caller follows:
//! 1. [`TokenSession::open`] the token chosen by label or serial;
//! 2. read [`TokenSession::pin_status`] and warn the person (count low, final try) or stop
//!    (locked) *before* asking for the PIN;
//! 3. [`TokenSession::login`] once: one `C_Login`, never repeated by this code. On
//!    `CKR_PIN_INCORRECT` the error carries the PIN state read right after the failure;
//! 4. [`TokenSession::signer`] for the chosen certificate, used for every document;
//! 5. drop: `C_Logout`, then `C_CloseSession`.

use std::cell::Cell;

use cryptoki::error::{Error as CryptokiError, RvError};
use cryptoki::mechanism::MechanismType;
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;

use super::error::TokenError;
use super::inventory::{self, KeyPresence, TokenCertificate, TokenDescription};
use super::module::Module;
use super::pin::{Pin, PinState, PinStatus};
use super::pkcs11_signer::{self, Pkcs11Signer};
use super::public_key::PublicKey;
use super::scheme::SignerOptions;

/// A logged-in (or about to be) session on one token.
pub struct TokenSession {
    // Field order is drop order: the session closes before the module can be finalised.
    session: Session,
    slot: Slot,
    token: TokenDescription,
    mechanisms: Vec<MechanismType>,
    logged_in: Cell<bool>,
    /// The PIN, kept only when a key on the token has `CKA_ALWAYS_AUTHENTICATE` and so needs a
    /// context-specific login before each signature. It lives as long as this session (one
    /// batch) and is zeroized when the session is dropped; it is never written anywhere.
    context_pin: Option<Pin>,
    module: Module,
}

impl std::fmt::Debug for TokenSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSession")
            .field("module", &self.module.path())
            .field("token", &self.token.display_name())
            .field("logged_in", &self.logged_in.get())
            .finish_non_exhaustive()
    }
}

impl TokenSession {
    /// Opens a read-only session on the token labelled or numbered `token`; with `None`, on
    /// the only token present. Does not log in.
    pub fn open(module: &Module, token: Option<&str>) -> Result<TokenSession, TokenError> {
        let (slot, description) = inventory::find_token(module, token)?;
        let context = module.context();
        // Some modules fail C_GetMechanismList; the signer then falls back to the basic
        // mechanisms every token has (see `pkcs11_signer::choose_mechanism`).
        let mechanisms = context.get_mechanism_list(slot).unwrap_or_default();
        let session = context
            .open_ro_session(slot)
            .map_err(TokenError::from_cryptoki)?;
        Ok(TokenSession {
            session,
            slot,
            token: description,
            mechanisms,
            logged_in: Cell::new(false),
            context_pin: None,
            module: module.clone(),
        })
    }

    /// The token, as described when the session was opened.
    pub fn token(&self) -> &TokenDescription {
        &self.token
    }

    /// The PIN state now (the token is asked again: flags change after each attempt).
    pub fn pin_status(&self) -> Result<PinStatus, TokenError> {
        let info = self
            .module
            .context()
            .get_token_info(self.slot)
            .map_err(TokenError::from_cryptoki)?;
        Ok(PinStatus::from_token_info(&info))
    }

    /// Whether [`TokenSession::login`] needs a PIN from the person: the token requires login
    /// and has no PIN pad.
    pub fn needs_pin(&self) -> bool {
        self.token.flags.login_required && !self.token.flags.protected_authentication_path
    }

    /// Whether this session is logged in.
    pub fn is_logged_in(&self) -> bool {
        self.logged_in.get()
    }

    /// Logs the user in with one `C_Login`. `pin` may be `None` on a token with a PIN pad
    /// (protected authentication path), where the person types it on the reader.
    ///
    /// Refuses without calling the token when the PIN is locked or its length is outside the
    /// token's range (a call would only spend a try). On a wrong PIN, returns
    /// [`TokenError::PinIncorrect`] with the state after the failure; it never tries again: a
    /// second attempt is the person's decision.
    pub fn login(&mut self, pin: Option<Pin>) -> Result<(), TokenError> {
        if self.logged_in.get() || !self.token.flags.login_required {
            self.logged_in.set(true);
            return Ok(());
        }
        refuse_before_login(self.pin_status()?)?;
        let pin = match pin {
            Some(pin) => {
                self.check_length(&pin)?;
                Some(pin)
            }
            None if self.token.flags.protected_authentication_path => None,
            None => return Err(TokenError::PinRequired),
        };
        self.call_login(UserType::User, pin.as_ref())?;
        self.logged_in.set(true);
        let keys = inventory::find_private_keys(&self.session)?;
        if keys.iter().any(|key| key.always_authenticate) {
            self.context_pin = pin;
        }
        Ok(())
    }

    fn check_length(&self, pin: &Pin) -> Result<(), TokenError> {
        let (min, max) = (self.token.min_pin_len, self.token.max_pin_len);
        // PKCS#11 counts PIN length in bytes. A module that reports no sensible range (max 0,
        // or max below min) is not second-guessed.
        let len = pin.expose().len();
        if max >= min && max > 0 && !(min..=max).contains(&len) {
            return Err(TokenError::PinLength { min, max });
        }
        Ok(())
    }

    /// The one place that calls `C_Login`. `CKR_USER_ALREADY_LOGGED_IN` counts as success:
    /// login state is shared by all sessions of an application (PKCS#11 §5.6).
    fn call_login(&self, user: UserType, pin: Option<&Pin>) -> Result<(), TokenError> {
        let secret = pin.map(|pin| AuthPin::from(pin.expose()));
        match self.session.login(user, secret.as_ref()) {
            Ok(()) | Err(CryptokiError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
            Err(CryptokiError::Pkcs11(RvError::PinIncorrect | RvError::PinInvalid, _)) => {
                Err(TokenError::PinIncorrect {
                    status: self.pin_status()?,
                })
            }
            Err(other) => Err(TokenError::from_cryptoki(other)),
        }
    }

    /// The context-specific login a `CKA_ALWAYS_AUTHENTICATE` key needs right before each
    /// `C_Sign` (PKCS#11 §4.9, §5.6).
    pub(crate) fn context_login(&self) -> Result<(), TokenError> {
        match (
            &self.context_pin,
            self.token.flags.protected_authentication_path,
        ) {
            (Some(pin), _) => self.call_login(UserType::ContextSpecific, Some(pin)),
            (None, true) => self.call_login(UserType::ContextSpecific, None),
            (None, false) => Err(TokenError::PinRequired),
        }
    }

    /// The certificates on the token with whether each has a private key. After login the
    /// answer is definite.
    pub fn certificates(&self) -> Result<Vec<TokenCertificate>, TokenError> {
        inventory::read_certificates(&self.session, self.logged_in.get())
    }

    /// A signer for the certificate labelled `certificate` or with that id in hex; with `None`,
    /// the only certificate that has a private key. Needs a logged-in session.
    pub fn signer(
        &self,
        certificate: Option<&str>,
        options: SignerOptions,
    ) -> Result<Pkcs11Signer<'_>, TokenError> {
        if !self.logged_in.get() {
            return Err(TokenError::PinRequired);
        }
        let certificates = self.certificates()?;
        let chosen = select_certificate(&certificates, certificate)?;
        let info =
            chosen
                .certificate
                .as_ref()
                .ok_or_else(|| TokenError::CertificateUnreadable {
                    certificate: chosen.display_name(),
                    reason: chosen
                        .problem
                        .as_ref()
                        .map_or_else(String::new, |m| m.en.clone()),
                })?;
        let spki = info
            .public_key_spki()
            .map_err(|e| TokenError::CertificateUnreadable {
                certificate: chosen.display_name(),
                reason: e.to_string(),
            })?;
        let public_key = PublicKey::from_spki_der(&spki)?;
        let scheme = options.scheme_for(&info.key)?;
        let id = hex::decode(&chosen.id_hex).unwrap_or_default();
        let key = inventory::find_private_keys(&self.session)?
            .into_iter()
            .find(|key| {
                inventory::pairs(
                    &inventory::CertificateObject {
                        id: id.clone(),
                        label: chosen.label.clone(),
                        der: Vec::new(),
                    },
                    key,
                )
            })
            .ok_or_else(|| TokenError::CertificateNoPrivateKey {
                certificate: chosen.display_name(),
            })?;
        let mechanism =
            pkcs11_signer::choose_mechanism(scheme, &self.mechanisms, key.always_authenticate)?;
        let chain = super::chain::issuer_chain(
            info,
            certificates.iter().filter_map(|c| c.certificate.as_ref()),
        );
        Ok(Pkcs11Signer::new(
            self,
            key.handle,
            key.always_authenticate,
            chosen.der.clone(),
            chain,
            public_key,
            scheme,
            mechanism,
            super::scheme::max_signature_len(&info.key),
        ))
    }

    /// Replaces the mechanism list the token reported, so tests can drive the fallback paths
    /// (`CKM_RSA_PKCS` over a `DigestInfo`) on a token that lists the combined mechanisms.
    #[cfg(test)]
    pub(crate) fn set_mechanisms_for_test(&mut self, mechanisms: Vec<MechanismType>) {
        self.mechanisms = mechanisms;
    }

    pub(crate) fn session(&self) -> &Session {
        &self.session
    }
}

impl Drop for TokenSession {
    fn drop(&mut self) {
        if self.logged_in.get() {
            // Logging out is courtesy to the next application; a token already pulled out
            // cannot be logged out of, and there is no one to tell while dropping.
            let _ = self.session.logout();
        }
    }
}

/// Stops before `C_Login` when an attempt could only fail: a locked PIN would spend nothing
/// but the person's patience, and some tokens count even attempts on a locked PIN.
fn refuse_before_login(status: PinStatus) -> Result<(), TokenError> {
    if status.state == PinState::Locked {
        return Err(TokenError::PinLocked);
    }
    if status.not_initialized {
        return Err(TokenError::Device {
            function: "C_Login".to_owned(),
            ckr: "CKR_USER_PIN_NOT_INITIALIZED".to_owned(),
        });
    }
    Ok(())
}

/// Picks the certificate named by `wanted` (label or hex id), or the only one with a private key.
/// Before login, keys whose presence is unknown do not count as present.
pub fn select_certificate<'c>(
    certificates: &'c [TokenCertificate],
    wanted: Option<&str>,
) -> Result<&'c TokenCertificate, TokenError> {
    let describe =
        |c: &TokenCertificate| match c.certificate.as_ref().and_then(|i| i.common_name.clone()) {
            Some(name) => format!("{} — {name}", c.display_name()),
            None => c.display_name(),
        };
    match wanted {
        Some(wanted) => {
            let named: Vec<_> = certificates.iter().filter(|c| c.is_named(wanted)).collect();
            match named.as_slice() {
                [] => Err(TokenError::CertificateNotFound {
                    wanted: wanted.to_owned(),
                    available: certificates.iter().map(describe).collect(),
                }),
                [one] if one.private_key == KeyPresence::Present => Ok(one),
                [one] => Err(TokenError::CertificateNoPrivateKey {
                    certificate: one.display_name(),
                }),
                several => Err(TokenError::CertificateAmbiguous {
                    choices: several.iter().map(|c| describe(c)).collect(),
                }),
            }
        }
        None => {
            let signing: Vec<_> = certificates
                .iter()
                .filter(|c| c.private_key == KeyPresence::Present)
                .collect();
            match signing.as_slice() {
                [one] => Ok(one),
                [] => Err(TokenError::NoSigningCertificate {
                    without_key: certificates.len(),
                }),
                several => Err(TokenError::CertificateAmbiguous {
                    choices: several.iter().map(|c| describe(c)).collect(),
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locked_pin_is_refused_before_any_login() {
        let status = |state| PinStatus {
            state,
            must_change: false,
            not_initialized: false,
        };
        assert!(matches!(
            refuse_before_login(status(PinState::Locked)),
            Err(TokenError::PinLocked)
        ));
        assert!(
            refuse_before_login(status(PinState::FinalTry)).is_ok(),
            "the person decides"
        );
        let blank = PinStatus {
            state: PinState::Ok,
            must_change: false,
            not_initialized: true,
        };
        assert!(refuse_before_login(blank).is_err());
    }
}
