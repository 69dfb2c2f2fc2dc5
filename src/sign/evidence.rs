//! The revocation data a signing relied on, as the journal keeps it
//! ([`RevocationEvidence`]): the checked OCSP responses and CRLs of the pre-sign gate, and those a
//! B-LT/B-LTA extension put in the DSS. The CLI and the desktop app record the same evidence.

use crate::journal::{RevocationEvidence, RevocationKind};
use crate::pki::revocation::online::FetchOutcome;

use super::extend::Extended;

/// CRLs above this size are kept as their hash only: the distribution point keeps the bytes,
/// and a national CA's CRL would otherwise be copied into the journal at every signing.
pub const CRL_KEEP_LIMIT: usize = 512 * 1024;

/// What the pre-sign gate fetched; the source is where the deciding answer came from.
pub fn gate_evidence(fetched: &FetchOutcome) -> Vec<RevocationEvidence> {
    let source = fetched
        .origin
        .map_or("unknown", |origin| origin.words().1)
        .to_owned();
    evidence(&fetched.ocsp_responses, &fetched.crls, &source)
}

/// What an extension put in the DSS (source `dss`).
pub fn dss_evidence(extended: &Extended) -> Vec<RevocationEvidence> {
    evidence(&extended.ocsp_responses, &extended.crls, "dss")
}

fn evidence(ocsps: &[Vec<u8>], crls: &[Vec<u8>], source: &str) -> Vec<RevocationEvidence> {
    let ocsp = ocsps.iter().map(|der| RevocationEvidence {
        kind: RevocationKind::Ocsp,
        source: source.to_owned(),
        der: der.clone(),
        hash_only: false,
    });
    let crl = crls.iter().map(|der| RevocationEvidence {
        kind: RevocationKind::Crl,
        source: source.to_owned(),
        der: der.clone(),
        hash_only: der.len() > CRL_KEEP_LIMIT,
    });
    ocsp.chain(crl).collect()
}
