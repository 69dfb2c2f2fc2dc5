//! `kyso sign`: the revocation gate, run before the PIN is asked whenever the certificate can be
//! told from the token before login (see `kyso::sign::revocation_gate`).

use kyso::message::{Explain, Message};
use kyso::pki::CertificateInfo;
use kyso::pki::revocation::online::RevocationFetcher;
use kyso::sign::revocation_gate::{
    RevocationClearance, certificate_before_login, check_revocation_before_signing,
};
use kyso::token::TokenSession;

use crate::args::SignArgs;
use crate::output::say;

/// Online with the per-user cache, or the cache alone with `--offline`.
fn fetcher(args: &SignArgs) -> RevocationFetcher {
    kyso::sign::revocation_gate::revocation_fetcher(!args.offline)
}

/// Runs the gate for `certificate_der` with the issuers `chain` (DER); says the outcome.
pub fn clear(
    args: &SignArgs,
    certificate_der: &[u8],
    chain: &[Vec<u8>],
) -> Result<RevocationClearance, Message> {
    let certificate = CertificateInfo::from_der(certificate_der).map_err(|e| e.message())?;
    let cleared = check_revocation_before_signing(
        &fetcher(args),
        &certificate,
        chain,
        args.allow_unknown_revocation,
        kyso::vn_time::now(),
    )
    .map_err(|refusal| refusal.message())?;
    match &cleared.warning {
        Some(warning) => say("⚠ ", warning),
        None => say("✔ ", &cleared.summary()),
    }
    Ok(cleared)
}

/// The gate before login, when the token shows which certificate will sign; `Ok(None)` when
/// that is only known after login (the caller then runs [`clear`] before signing).
/// `wanted` is the certificate chosen by `--cert` or the saved signing profile, as for the
/// certificate gate.
pub fn clear_before_login(
    args: &SignArgs,
    session: &TokenSession,
    wanted: Option<&str>,
) -> Result<Option<RevocationClearance>, Message> {
    match certificate_before_login(session, wanted) {
        Some(signer) => clear(args, &signer.der, &signer.chain).map(Some),
        None => Ok(None),
    }
}
