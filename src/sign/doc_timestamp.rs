//! Document time-stamps (ETSI EN 319 142-1 §5.4, PAdES B-LTA; ISO 32000-2 §12.8.5): an
//! incremental update with a signature field whose value is
//! `/Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161`, and whose
//! `/Contents` is an RFC 3161 token over the SHA-256 of the bytes its ByteRange covers.
//!
//! The same pipeline as [`sign_document`](super::sign_document): prepare the update with a
//! placeholder, copy the original into a pending output while hashing it (one pass), hash the
//! update's covered parts, ask the TSA once, fill in the token, commit atomically. Nothing is
//! written when the TSA fails or its answer does not check.

use std::path::{Path, PathBuf};

use sha2::Digest as _;

use super::timestamp::TimestampSummary;
use super::{OriginalHashes, PendingOutput, SignError, commit_update, copy_original, same_file};
use crate::cms::CmsError;
use crate::pdf::{self, PdfFile, SignatureFieldSpec, SignatureKind, SignatureValues};
use crate::pki::tsp::{TOKEN_RESERVE, TsaClient};
use crate::token::HashAlgorithm;

/// A document time-stamp added and written.
#[derive(Debug, Clone)]
pub struct DocumentTimestamped {
    pub output: PathBuf,
    /// SHA-256 of the input (hex), a byte-for-byte prefix of the output.
    pub input_sha256: String,
    /// SHA-256 of the output (hex).
    pub output_sha256: String,
    /// The new signature field's name.
    pub field_name: String,
    pub byte_range: [u64; 4],
    /// Room reserved in `/Contents`, in bytes.
    pub contents_reserved: usize,
    /// The time-stamp: genTime, the TSA, the token's length.
    pub timestamp: TimestampSummary,
}

/// Adds a document time-stamp from `tsa` to `input`, written to `output` (replacing an existing
/// file only if `overwrite`). The input is never modified; on any error the output does not
/// exist. One request goes to the TSA.
///
/// No DocMDP check: ETSI EN 319 142-1 §5.4 lets document time-stamps (and DSS updates) follow
/// any signature, certification signatures with P=1 included.
pub fn add_document_timestamp(
    input: &Path,
    output: &Path,
    tsa: &TsaClient,
    overwrite: bool,
) -> Result<DocumentTimestamped, SignError> {
    if same_file(input, output) {
        return Err(SignError::OutputIsInput);
    }
    let file = PdfFile::open(input)?;
    let mut spec = SignatureFieldSpec::invisible(TOKEN_RESERVE);
    spec.values = SignatureValues {
        kind: SignatureKind::DocumentTimeStamp,
        ..SignatureValues::default()
    };
    let mut prepared = pdf::prepare_signature(&file, &spec)?;

    let mut pending = PendingOutput::create(output).map_err(|source| SignError::WriteOutput {
        path: output.to_path_buf(),
        source,
    })?;
    // The imprint is SHA-256, so one hash gives both the file's SHA-256 and the imprint.
    let mut hashes = OriginalHashes::new(HashAlgorithm::Sha256);
    copy_original(input, output, file.len(), &mut pending, &mut hashes)?;
    let file_hash = hashes.file_sha256_state();
    let input_sha256 = hex::encode(file_hash.clone().finalize());
    let mut document = hashes.into_document();
    for part in prepared.signed_update_parts()? {
        document.update(part);
    }
    let digest: [u8; 32] = document
        .finalize()
        .try_into()
        .map_err(|_| SignError::Container(CmsError::Encoding("SHA-256 of 32 bytes".into())))?;

    let token = tsa.timestamp_digest(digest).map_err(SignError::Timestamp)?;
    let capacity = prepared.contents_capacity();
    if token.der.len() > capacity {
        return Err(SignError::Container(CmsError::TooLarge {
            len: token.der.len(),
            max: capacity,
        }));
    }
    prepared.fill_contents(&token.der)?;
    let (written, output_sha256) = commit_update(
        pending,
        &prepared.update.bytes,
        file_hash,
        output,
        overwrite,
    )?;

    Ok(DocumentTimestamped {
        output: written,
        input_sha256,
        output_sha256,
        field_name: prepared.field_name.clone(),
        byte_range: prepared.byte_range,
        contents_reserved: capacity,
        timestamp: TimestampSummary::new(tsa, &token),
    })
}
