//! What the Sign screen learns before it opens the PIN dialog, so that a document that can never
//! be signed as asked, or a revoked certificate, costs no PIN entry:
//!
//! - each document's fitness for the visible signature asked (the issuer's seal needs a valid
//!   personal signature already in it: `VisibleSignature::check_document`);
//! - the pre-sign revocation gate (`kyso::sign::revocation_gate`: OCSP, then the CRL), worded
//!   for the app — revoked refuses; unknown is shown and the person must confirm to go on;
//!   turned off in Settings is said in the result.
//!
//! `sign_batch` runs the same gate again on its side: the web view's answer is never trusted.

use std::path::PathBuf;

use kyso::message::{Explain, Message};
use kyso::pki::CertificateInfo;
use kyso::pki::revocation::online::FetchOutcome;
use kyso::sign::revocation_gate::{
    CertificateBeforeLogin, certificate_before_login, check_revocation_before_signing,
    revocation_fetcher,
};
use kyso::token::TokenSession;
use kyso::verify::finding::Severity;
use serde::Serialize;

use crate::error::{CommandError, CommandResult};

/// How the revocation gate came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RevocationState {
    /// OCSP or the CRL says the certificate is not revoked.
    Good,
    /// Revoked: signing is refused.
    Revoked,
    /// Could not be established: signing only if the person confirms.
    Unknown,
    /// Online revocation is turned off in Settings: not checked.
    Off,
    /// The token shows the certificate only after login: checked then, before signing.
    AfterLogin,
}

/// The gate's outcome for the Sign screen.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevocationView {
    pub state: RevocationState,
    pub message: Message,
    /// Why the status is unknown, most telling first.
    pub reasons: Vec<Message>,
    /// The checked OCSP responses and CRLs, for the journal.
    #[serde(skip)]
    pub fetched: Option<FetchOutcome>,
}

impl RevocationView {
    /// The view when nothing could be checked yet (off, or known only after login).
    pub fn not_checked(online: bool) -> RevocationView {
        if online {
            RevocationView {
                state: RevocationState::AfterLogin,
                message: Message::new(
                    "revocation-after-login",
                    "Tình trạng thu hồi của chứng thư số sẽ được kiểm tra sau khi nhập PIN, trước khi ký",
                    "The certificate's revocation status is checked after the PIN, before signing",
                ),
                reasons: Vec::new(),
                fetched: None,
            }
        } else {
            RevocationView {
                state: RevocationState::Off,
                message: Message::new(
                    "revocation-not-checked",
                    "Không kiểm tra thu hồi trực tuyến (đã tắt trong Cài đặt): chưa biết chứng thư số có bị thu hồi hay không",
                    "Revocation was not checked online (turned off in Settings): whether the certificate is revoked is not known",
                ),
                reasons: Vec::new(),
                fetched: None,
            }
        }
    }

    /// Whether signing may go on, and what the result must say: revoked is refused; unknown is
    /// refused unless the person confirmed; off and unknown-but-confirmed become a note.
    pub fn enforce(&self, allow_unknown: bool) -> CommandResult<Option<Message>> {
        match self.state {
            RevocationState::Good | RevocationState::AfterLogin => Ok(None),
            RevocationState::Off => Ok(Some(self.message.clone())),
            RevocationState::Revoked => Err(CommandError(self.message.clone())),
            RevocationState::Unknown if allow_unknown => Ok(Some(Message::new(
                "revocation-unknown-confirmed",
                format!("{}; vẫn ký theo xác nhận của người ký", self.message.vi),
                format!("{}; signed as the signer confirmed", self.message.en),
            ))),
            RevocationState::Unknown => Err(CommandError(Message::new(
                "revocation-unknown",
                format!(
                    "Không ký: {}. Nếu vẫn muốn ký, hãy xác nhận trên màn hình Ký",
                    lower_first(&self.message.vi)
                ),
                format!(
                    "Not signed: {}. To sign anyway, confirm it on the Sign screen",
                    lower_first(&self.message.en)
                ),
            ))),
        }
    }
}

/// Runs the gate for the certificate `der` with the issuers `chain` (DER): online (OCSP, then
/// the CRL, with the per-user cache), or not at all when `online` is off.
pub fn revocation_gate(
    der: &[u8],
    chain: &[Vec<u8>],
    online: bool,
) -> CommandResult<RevocationView> {
    if !online {
        return Ok(RevocationView::not_checked(false));
    }
    let certificate = CertificateInfo::from_der(der).map_err(|e| CommandError(e.message()))?;
    let name = certificate
        .common_name
        .clone()
        .unwrap_or_else(|| certificate.subject.clone());
    // `allow_unknown` here only lets the answer come back: whether to go on on "unknown" is the
    // person's choice, enforced by `RevocationView::enforce`.
    let outcome = check_revocation_before_signing(
        &revocation_fetcher(true),
        &certificate,
        chain,
        true,
        kyso::vn_time::now(),
    );
    Ok(match outcome {
        Err(refusal) => RevocationView {
            state: RevocationState::Revoked,
            message: refusal.message(),
            reasons: Vec::new(),
            fetched: None,
        },
        Ok(cleared) if cleared.warning.is_none() => RevocationView {
            state: RevocationState::Good,
            message: cleared.summary(),
            reasons: Vec::new(),
            fetched: Some(cleared.fetched),
        },
        Ok(cleared) => RevocationView {
            state: RevocationState::Unknown,
            message: Message::new(
                "revocation-unknown",
                format!("Chưa xác định được chứng thư số «{name}» có bị thu hồi hay không"),
                format!("Whether the certificate “{name}” is revoked could not be established"),
            ),
            reasons: cleared
                .fetched
                .findings
                .iter()
                .filter(|f| f.severity != Severity::Info)
                .map(|f| f.message.clone())
                .collect(),
            fetched: Some(cleared.fetched),
        },
    })
}

/// The gate before login, when the token already shows the chosen certificate.
pub fn gate_before_login(
    session: &TokenSession,
    certificate_id: &str,
    online: bool,
) -> CommandResult<RevocationView> {
    if !online {
        return Ok(RevocationView::not_checked(false));
    }
    match certificate_before_login(session, Some(certificate_id)) {
        Some(CertificateBeforeLogin { der, chain }) => revocation_gate(&der, &chain, true),
        None => Ok(RevocationView::not_checked(true)),
    }
}

/// A document the chosen visible signature cannot be applied to.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Refused {
    pub input: String,
    pub error: Message,
}

/// The Sign screen's answer before the PIN dialog.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preflight {
    /// Documents that will not be signed as asked, with the reason.
    pub refused: Vec<Refused>,
    pub revocation: RevocationView,
    /// The level the batch will be signed at.
    pub level: kyso::sign::SignatureLevel,
}

/// Everything the Sign screen must know before the PIN dialog, in the order `sign_batch` will
/// meet it: the level's TSA address, the visible signature's fields, each document's fitness,
/// the token's PIN state and the certificate's own fitness, then revocation. Nothing logs in.
pub fn preflight(
    request: &crate::signing::SignBatchRequest,
    settings: &crate::signing::SigningSettings,
    trust: &kyso::pki::trust::TrustStore,
) -> CommandResult<Preflight> {
    let (level, _) = settings.level_and_tsa(request, trust)?;
    let visible = request
        .visible
        .as_ref()
        .map(|v| v.to_signature(trust))
        .transpose()?;
    let refused = refuse_unsignable(visible.as_ref(), &request.files);
    let module = kyso::token::Module::load(&request.module).map_err(|e| CommandError::from(&e))?;
    let session = TokenSession::open(&module, Some(&request.token_serial))
        .map_err(|e| CommandError::from(&e))?;
    let status = session.pin_status().map_err(|e| CommandError::from(&e))?;
    if status.state == kyso::token::PinState::Locked {
        return Err(CommandError(status.state.message()));
    }
    crate::signing::gate_before_login(
        &session,
        &request.certificate_id,
        kyso::token::SignerOptions::default(),
    )?;
    let revocation = gate_before_login(
        &session,
        &request.certificate_id,
        settings.revocation_online,
    )?;
    Ok(Preflight {
        refused,
        revocation,
        level,
    })
}

/// Each document checked for the visible signature asked (the issuer's precondition).
pub fn refuse_unsignable(
    visible: Option<&kyso::layout::VisibleSignature>,
    files: &[PathBuf],
) -> Vec<Refused> {
    let Some(visible) = visible else {
        return Vec::new();
    };
    files
        .iter()
        .filter_map(|input| {
            visible.check_document(input).err().map(|e| Refused {
                input: input.display().to_string(),
                error: e.message(),
            })
        })
        .collect()
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(state: RevocationState) -> RevocationView {
        RevocationView {
            state,
            message: Message::new("x", "Chưa xác định được", "Could not be established"),
            reasons: Vec::new(),
            fetched: None,
        }
    }

    #[test]
    fn unknown_needs_the_persons_confirmation_and_revoked_is_always_refused() {
        let unknown = view(RevocationState::Unknown);
        let refused = unknown.enforce(false).unwrap_err().0;
        assert_eq!(refused.code, "revocation-unknown");
        assert!(refused.vi.starts_with("Không ký: chưa xác định được"));
        let note = unknown.enforce(true).unwrap().unwrap();
        assert!(note.vi.contains("vẫn ký theo xác nhận"));
        assert!(view(RevocationState::Revoked).enforce(true).is_err());
        assert_eq!(view(RevocationState::Good).enforce(false).unwrap(), None);
    }

    #[test]
    fn turned_off_is_said_in_the_result() {
        let off = RevocationView::not_checked(false);
        assert_eq!(off.state, RevocationState::Off);
        let note = off.enforce(false).unwrap().unwrap();
        assert!(note.vi.contains("đã tắt trong Cài đặt"));
    }
}
