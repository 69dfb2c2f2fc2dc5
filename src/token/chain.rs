//! Ordering the issuer certificates a key holder has, for the CMS `certificates` field.

use crate::pki::CertificateInfo;

/// Longest chain followed: real Vietnamese chains are signer → issuing CA → root.
const MAX_CHAIN: usize = 8;

/// Issuer certificates of `leaf` found among `candidates`, nearest first, by name chaining
/// (the subject of each is the issuer of the one before). Signatures are not checked here: the
/// chain only travels in the CMS, and path validation belongs to `pki`.
pub(crate) fn issuer_chain<'c>(
    leaf: &CertificateInfo,
    candidates: impl Iterator<Item = &'c CertificateInfo> + Clone,
) -> Vec<Vec<u8>> {
    let mut chain: Vec<Vec<u8>> = Vec::new();
    let mut current = leaf;
    while chain.len() < MAX_CHAIN && current.issuer != current.subject {
        let issuer = candidates
            .clone()
            .find(|c| c.subject == current.issuer && c.der != leaf.der && !chain.contains(&c.der));
        let Some(issuer) = issuer else { break };
        chain.push(issuer.der.clone());
        current = issuer;
    }
    chain
}
