//! The signing workflow (architecture.md, "Signing"): prepare the incremental update with a
//! placeholder → hash the covered bytes while copying, streaming from disk → have the key sign
//! the CMS signed attributes → check the result → embed it → write atomically.
//!
//! Only [`sign_document`] touches the key, once per document; everything before it is plain
//! data, so a token's session and login serve a whole batch.

mod digest;
pub mod doc_timestamp;
pub mod dss;
mod error;
pub mod evidence;
pub mod extend;
pub mod level;
pub mod naming;
mod output;
pub mod revocation_gate;
pub mod timestamp;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::Digest as _;
use time::OffsetDateTime;

pub use digest::{DocumentHasher, OriginalHashes};
pub use error::SignError;
pub use level::{LevelSigned, SignatureLevel, sign_at_level, tsa_client};
pub use output::{CopyError, PendingOutput};
pub use timestamp::TimestampSummary;

use crate::cms::{self, CmsOptions, UnsignedAttributesHook};
use crate::pdf::{self, PdfFile, SignatureFieldSpec, SignatureValues};
use crate::pki::tsp::{TOKEN_RESERVE, TsaClient};
use crate::pki::{CertificateInfo, check_before_signing};
use crate::token::DocumentSigner;

/// Room added to the dry-run size of the CMS. The dry run is exact to a few bytes; the margin
/// absorbs a token that returns a longer signature than announced, so the CMS always fits and
/// the user never has to enter the PIN twice.
const CONTENTS_MARGIN: usize = 1024;

/// What the signature says besides the cryptography.
#[derive(Debug, Clone, Default)]
pub struct SignatureRequest {
    /// Sign this existing empty field, or create a field of this name.
    pub field_name: Option<String>,
    /// Page of a new field's widget: 0-based, negative from the end.
    pub page: i64,
    pub reason: Option<String>,
    pub location: Option<String>,
    pub contact_info: Option<String>,
    /// The signing time written in `/M` (Vietnam time); `None`: now.
    pub signing_time: Option<OffsetDateTime>,
    /// Time-stamp the signature with this TSA (PAdES B-T); `None`: no time-stamp (B-B).
    pub timestamp: Option<TsaClient>,
    /// A visible signature of one of the office profiles (`layout`): its appearances are
    /// added to the same incremental update, so the signature covers them. `None`: invisible.
    pub visible: Option<crate::layout::VisibleSignature>,
}

/// A document signed and written.
#[derive(Debug, Clone)]
pub struct SignedDocument {
    pub output: PathBuf,
    /// SHA-256 of the input (hex), which is also a byte-for-byte prefix of the output.
    pub input_sha256: String,
    /// SHA-256 of the output (hex).
    pub output_sha256: String,
    pub field_name: String,
    pub byte_range: [u64; 4],
    /// Length of the CMS, and of the room reserved for it in `/Contents`.
    pub cms_len: usize,
    pub contents_reserved: usize,
    pub signing_time: OffsetDateTime,
    /// The signature time-stamp, when one was asked for (B-T).
    pub timestamp: Option<TimestampSummary>,
}

/// The pre-sign gate for a signer: the rules of signing software (vn-signature-rules.md) —
/// a certificate valid now, meant for signatures, with a strong enough key.
pub fn check_signer(signer: &dyn DocumentSigner, now: OffsetDateTime) -> Result<(), SignError> {
    let info =
        CertificateInfo::from_der(signer.certificate_der()).map_err(SignError::Certificate)?;
    check_before_signing(&info, signer.scheme(), now).map_err(SignError::Refused)
}

/// Signs `input` into `output` with `signer`. The input is never modified; the output is the
/// input's bytes followed by one incremental update, or — on any error — does not exist.
pub fn sign_document(
    signer: &dyn DocumentSigner,
    input: &Path,
    output: &Path,
    request: &SignatureRequest,
    overwrite: bool,
) -> Result<SignedDocument, SignError> {
    if same_file(input, output) {
        return Err(SignError::OutputIsInput);
    }
    let file = PdfFile::open(input)?;
    file.ensure_changes_permitted()?;

    let signing_time = request
        .signing_time
        .unwrap_or_else(crate::vn_time::now)
        .to_offset(crate::vn_time::VIETNAM);
    // B-T: room for the time-stamp token, which comes only after the token has signed.
    let dry_run = CmsOptions {
        unsigned_attributes_reserve: if request.timestamp.is_some() {
            TOKEN_RESERVE
        } else {
            0
        },
        ..CmsOptions::default()
    };
    let estimate = cms::estimate_signed_data_len(signer, &dry_run)?;
    let mut spec = SignatureFieldSpec::invisible(estimate + CONTENTS_MARGIN);
    spec.field_name = request.field_name.clone();
    spec.page = request.page;
    spec.values = SignatureValues {
        signing_time: Some(crate::vn_time::pdf_date(signing_time)),
        reason: request.reason.clone(),
        location: request.location.clone(),
        contact_info: request.contact_info.clone(),
        ..SignatureValues::default()
    };
    let mut prepared = match &request.visible {
        None => pdf::prepare_signature(&file, &spec)?,
        Some(visible) => {
            let mut update = pdf::IncrementalUpdate::new(&file);
            let placed = visible.place(input, &file, &mut update, signing_time)?;
            if placed.field_name.is_some() {
                spec.field_name = placed.field_name;
            }
            pdf::prepare_signature_with_widgets(update, &spec, &placed.widgets)?
        }
    };

    // Copy the original into the pending output, hashing as it streams by.
    let mut pending = PendingOutput::create(output).map_err(|source| SignError::WriteOutput {
        path: output.to_path_buf(),
        source,
    })?;
    let mut hashes = OriginalHashes::new(signer.scheme().hash());
    copy_original(input, output, file.len(), &mut pending, &mut hashes)?;
    let input_sha256 = hex::encode(hashes.file_sha256_state().finalize());
    let file_hash = hashes.file_sha256_state();

    let mut document = hashes.into_document();
    for part in prepared.signed_update_parts()? {
        document.update(part);
    }
    let digest = document.finalize();

    let stamper = request
        .timestamp
        .as_ref()
        .map(timestamp::SignatureTimestamper::new);
    let add_timestamp = |signature: &[u8]| match &stamper {
        Some(stamper) => stamper.attributes(signature),
        None => Ok(Vec::new()),
    };
    let options = CmsOptions {
        max_len: Some(prepared.contents_capacity()),
        unsigned_attributes: stamper
            .is_some()
            .then_some(&add_timestamp as &UnsignedAttributesHook<'_>),
        ..CmsOptions::default()
    };
    let container =
        cms::build_signed_data(signer, &digest, &options).map_err(timestamp::sign_error)?;
    // The token's answer is checked before anything is written: a wrong key, a broken token
    // or a bug here must never produce a file that claims to be signed.
    cms::check_signed_data(&container, &digest).map_err(SignError::SelfCheck)?;
    prepared.fill_contents(&container)?;

    let (written, output_sha256) = commit_update(
        pending,
        &prepared.update.bytes,
        file_hash,
        output,
        overwrite,
    )?;

    Ok(SignedDocument {
        output: written,
        input_sha256,
        output_sha256,
        field_name: prepared.field_name.clone(),
        byte_range: prepared.byte_range,
        cms_len: container.len(),
        contents_reserved: prepared.contents_capacity(),
        signing_time,
        timestamp: stamper.and_then(|s| s.summary()),
    })
}

/// Appends the filled-in `update` to the copied original and renames the output into place;
/// returns the path written and the output's SHA-256 (hex), `file_hash` being the state over
/// the original.
fn commit_update(
    mut pending: PendingOutput,
    update: &[u8],
    file_hash: sha2::Sha256,
    output: &Path,
    overwrite: bool,
) -> Result<(PathBuf, String), SignError> {
    let write_err = |source| SignError::WriteOutput {
        path: output.to_path_buf(),
        source,
    };
    pending.write_all(update).map_err(write_err)?;
    let mut output_hash = file_hash;
    output_hash.update(update);
    let written = pending.commit(overwrite).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            SignError::OutputExists(output.to_path_buf())
        } else {
            write_err(source)
        }
    })?;
    Ok((written, hex::encode(output_hash.finalize())))
}

/// Streams exactly the `expected_len` bytes that were parsed into `pending`. A file that grew
/// or shrank meanwhile would make the update's offsets wrong, so it is refused.
fn copy_original(
    input: &Path,
    output: &Path,
    expected_len: u64,
    pending: &mut PendingOutput,
    hashes: &mut OriginalHashes,
) -> Result<(), SignError> {
    let read_err = |source| SignError::ReadInput {
        path: input.to_path_buf(),
        source,
    };
    let mut file = File::open(input).map_err(read_err)?;
    let copied = pending
        .copy_inspecting((&mut file).take(expected_len), |chunk| hashes.update(chunk))
        .map_err(|e| match e {
            CopyError::Read(source) => read_err(source),
            CopyError::Write(source) => SignError::WriteOutput {
                path: output.to_path_buf(),
                source,
            },
        })?;
    let mut probe = [0u8; 1];
    let grew = file.read(&mut probe).map_err(read_err)? != 0;
    if copied != expected_len || grew {
        return Err(SignError::InputChanged);
    }
    Ok(())
}

/// Whether two paths name the same file (also through links), so an input is never replaced.
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}
