//! The PAdES baseline level a signature is made at (ETSI EN 319 142-1 §6), and the one place
//! that turns a level into work: B-B and B-T are one signing pass (B-T with a signature
//! time-stamp), B-LT and B-LTA sign at B-T and then extend the output with the validation data
//! (and, for B-LTA, an archive time-stamp). The CLI (`kyso sign --level`) and the desktop app
//! both sign through [`sign_at_level`], so a level means the same thing in both.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::extend::{ExtendLevel, Extended, Sources, sign_and_extend};
use super::{SignError, SignatureRequest, SignedDocument, sign_document};
use crate::net::{HttpClient, NetError, check_url};
use crate::pki::CertificateInfo;
use crate::pki::revocation::online::RevocationFetcher;
use crate::pki::trust::TrustStore;
use crate::pki::tsp::{DEFAULT_TSA_URL, TsaClient};
use crate::token::DocumentSigner;

/// A PAdES baseline level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SignatureLevel {
    /// The signature alone.
    #[default]
    #[serde(rename = "b-b")]
    BB,
    /// With a signature time-stamp.
    #[serde(rename = "b-t")]
    BT,
    /// B-T plus the certificates and revocation data in the document's DSS.
    #[serde(rename = "b-lt")]
    BLt,
    /// B-LT plus an archive (document) time-stamp over all of it.
    #[serde(rename = "b-lta")]
    BLta,
}

impl SignatureLevel {
    /// `b-b`, `b-t`, `b-lt`, `b-lta`: the spelling of cli.md and the journal.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureLevel::BB => "b-b",
            SignatureLevel::BT => "b-t",
            SignatureLevel::BLt => "b-lt",
            SignatureLevel::BLta => "b-lta",
        }
    }

    /// Whether signing at this level asks a time-stamp authority.
    pub fn needs_timestamp(self) -> bool {
        self != SignatureLevel::BB
    }

    /// The extension that follows the B-T signature, for B-LT and B-LTA.
    pub fn extension(self) -> Option<ExtendLevel> {
        match self {
            SignatureLevel::BB | SignatureLevel::BT => None,
            SignatureLevel::BLt => Some(ExtendLevel::Lt),
            SignatureLevel::BLta => Some(ExtendLevel::Lta),
        }
    }
}

/// The time-stamp authority to sign at `level` with: `None` for B-B; otherwise `url` (default:
/// the VGCA service), refused at once when it is not an `http(s)://` address, so a mistyped
/// setting costs no PIN entry. The TSA's own path is checked against `trust` and reported, not
/// refused: validation judges it with the office's trust.
pub fn tsa_client(
    level: SignatureLevel,
    url: Option<&str>,
    trust: Option<TrustStore>,
) -> Result<Option<TsaClient>, NetError> {
    if !level.needs_timestamp() {
        return Ok(None);
    }
    let url = url
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or(DEFAULT_TSA_URL);
    check_url(url)?;
    Ok(Some(TsaClient::new(url, HttpClient::default(), trust)))
}

/// What [`sign_at_level`] produced.
#[derive(Debug, Clone)]
pub struct LevelSigned {
    /// The signed document (for B-LT and B-LTA: the extended output's path and hash).
    pub signed: SignedDocument,
    /// What the extension added (B-LT and B-LTA).
    pub extended: Option<Extended>,
}

/// Signs `input` into `output` at `level`. For B-T and up, `request.timestamp` must name the
/// TSA ([`tsa_client`]); for B-LT and B-LTA the validation data is fetched with `fetcher` and
/// the chains are gathered up to [`gathering_anchors`]. One output, written atomically, or none.
pub fn sign_at_level(
    signer: &dyn DocumentSigner,
    input: &Path,
    output: &Path,
    request: &SignatureRequest,
    level: SignatureLevel,
    fetcher: &RevocationFetcher,
    overwrite: bool,
) -> Result<LevelSigned, SignError> {
    let Some(extension) = level.extension() else {
        let signed = sign_document(signer, input, output, request, overwrite)?;
        return Ok(LevelSigned {
            signed,
            extended: None,
        });
    };
    let trust = gathering_anchors(signer);
    let sources = Sources {
        trust: &trust,
        fetcher,
        now: crate::vn_time::now(),
    };
    let (signed, extended) = sign_and_extend(
        signer, input, output, request, extension, &sources, overwrite,
    )?;
    Ok(LevelSigned {
        signed,
        extended: Some(extended),
    })
}

/// Where the chains a B-LT signature embeds end: the shipped anchors, or the root the signer's
/// token holds. Gathering only decides where a chain stops; validation decides what is trusted.
pub fn gathering_anchors(signer: &dyn DocumentSigner) -> TrustStore {
    let mut trust = TrustStore::shipped().unwrap_or_else(|_| TrustStore::empty());
    for der in signer.chain_der() {
        if let Ok(info) = CertificateInfo::from_der(der)
            && info.subject == info.issuer
        {
            // A root that does not parse as an anchor is simply not added.
            let _ = trust.add_anchor_pem_or_der(der);
        }
    }
    trust
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_spell_as_the_cli_and_need_what_they_say() {
        for (level, text) in [
            (SignatureLevel::BB, "\"b-b\""),
            (SignatureLevel::BT, "\"b-t\""),
            (SignatureLevel::BLt, "\"b-lt\""),
            (SignatureLevel::BLta, "\"b-lta\""),
        ] {
            assert_eq!(serde_json::to_string(&level).unwrap(), text);
            assert_eq!(serde_json::from_str::<SignatureLevel>(text).unwrap(), level);
            assert_eq!(format!("\"{}\"", level.as_str()), text);
        }
        assert!(!SignatureLevel::BB.needs_timestamp());
        assert_eq!(SignatureLevel::BT.extension(), None);
        assert_eq!(SignatureLevel::BLta.extension(), Some(ExtendLevel::Lta));
    }

    #[test]
    fn the_tsa_is_asked_only_from_b_t_and_a_bad_address_is_refused() {
        assert!(
            tsa_client(SignatureLevel::BB, Some("nonsense"), None)
                .unwrap()
                .is_none()
        );
        let default = tsa_client(SignatureLevel::BT, Some("  "), None)
            .unwrap()
            .unwrap();
        assert_eq!(default.url(), DEFAULT_TSA_URL);
        assert!(tsa_client(SignatureLevel::BLt, Some("file:///etc/passwd"), None).is_err());
        assert!(tsa_client(SignatureLevel::BT, Some("tsa.ca.gov.vn"), None).is_err());
    }
}
