//! `kyso sign`: the revocation gate, run before the PIN is asked whenever the certificate can be
//! told from the token before login (see `kyso::sign::revocation_gate`).

use kyso::message::{Explain, Message};
use kyso::net::HttpClient;
use kyso::pki::CertificateInfo;
use kyso::pki::revocation::online::RevocationFetcher;
use kyso::pki::revocation::online::cache::DiskCache;
use kyso::sign::revocation_gate::{RevocationClearance, check_revocation_before_signing};
use kyso::token::{KeyPresence, TokenSession};

use crate::args::SignArgs;
use crate::output::say;

/// Online with the per-user cache, or the cache alone with `--offline`.
fn fetcher(args: &SignArgs) -> RevocationFetcher {
    let cache = DiskCache::default_dir();
    if args.offline {
        RevocationFetcher::cache_only(cache)
    } else {
        RevocationFetcher::new(HttpClient::default(), cache)
    }
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
pub fn clear_before_login(
    args: &SignArgs,
    session: &TokenSession,
) -> Result<Option<RevocationClearance>, Message> {
    let Ok(certificates) = session.certificates() else {
        return Ok(None);
    };
    // The same choice as the certificate gate: keys may be hidden until login.
    let wanted = args.cert.as_deref();
    let chosen: Vec<_> = certificates
        .iter()
        .filter(|c| c.private_key != KeyPresence::Absent || wanted.is_some())
        .filter(|c| wanted.is_none_or(|w| c.is_named(w)))
        .collect();
    let [one] = chosen.as_slice() else {
        return Ok(None);
    };
    if one.certificate.is_none() {
        return Ok(None);
    }
    // Tokens carry their CA certificates: the issuer is found among them by name.
    let chain: Vec<Vec<u8>> = certificates
        .iter()
        .filter(|c| c.der != one.der)
        .map(|c| c.der.clone())
        .collect();
    clear(args, &one.der, &chain).map(Some)
}
