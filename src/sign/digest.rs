//! Streaming hashes of the document: the digest the signature covers (in the signer's hash)
//! and the SHA-256 of the input and output files that reports and the journal show.

use sha2::{Digest, Sha256, Sha384, Sha512};

use crate::token::HashAlgorithm;

/// An incremental hash in one of the signer's hash algorithms.
#[derive(Clone)]
pub enum DocumentHasher {
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl DocumentHasher {
    pub fn new(hash: HashAlgorithm) -> Self {
        match hash {
            HashAlgorithm::Sha256 => DocumentHasher::Sha256(Sha256::new()),
            HashAlgorithm::Sha384 => DocumentHasher::Sha384(Sha384::new()),
            HashAlgorithm::Sha512 => DocumentHasher::Sha512(Sha512::new()),
        }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            DocumentHasher::Sha256(h) => h.update(bytes),
            DocumentHasher::Sha384(h) => h.update(bytes),
            DocumentHasher::Sha512(h) => h.update(bytes),
        }
    }

    pub fn finalize(self) -> Vec<u8> {
        match self {
            DocumentHasher::Sha256(h) => h.finalize().to_vec(),
            DocumentHasher::Sha384(h) => h.finalize().to_vec(),
            DocumentHasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// Hashes the original file once for both purposes: the signature's digest (signer's hash)
/// and the file's SHA-256. When the signer's hash *is* SHA-256 — nearly always — one hash
/// serves both, so a 100 MB file is hashed once, not twice.
#[derive(Clone)]
pub struct OriginalHashes {
    document: DocumentHasher,
    /// Present only when the document hash is not SHA-256.
    file_sha256: Option<Sha256>,
}

impl OriginalHashes {
    pub fn new(hash: HashAlgorithm) -> Self {
        OriginalHashes {
            document: DocumentHasher::new(hash),
            file_sha256: (hash != HashAlgorithm::Sha256).then(Sha256::new),
        }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.document.update(bytes);
        if let Some(h) = &mut self.file_sha256 {
            h.update(bytes);
        }
    }

    /// The SHA-256 state over everything fed so far (to finish the input's or output's hash).
    pub fn file_sha256_state(&self) -> Sha256 {
        match (&self.file_sha256, &self.document) {
            (Some(h), _) => h.clone(),
            (None, DocumentHasher::Sha256(h)) => h.clone(),
            // `file_sha256` is None only when the document hash is SHA-256 (see `new`).
            (None, _) => {
                unreachable!("file_sha256 is kept whenever the document hash is not SHA-256")
            }
        }
    }

    /// The document hasher, to continue over the signed parts of the update.
    pub fn into_document(self) -> DocumentHasher {
        self.document
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pass_gives_both_hashes() {
        let data = b"%PDF-1.7 original bytes";
        for hash in [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            let mut h = OriginalHashes::new(hash);
            h.update(&data[..5]);
            h.update(&data[5..]);
            assert_eq!(
                h.file_sha256_state().finalize().to_vec(),
                Sha256::digest(data).to_vec()
            );
            let doc = h.into_document().finalize();
            assert_eq!(doc, crate::cms::algorithm::digest(hash, data));
        }
    }
}
