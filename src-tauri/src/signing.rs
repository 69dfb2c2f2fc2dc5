//! The Sign screen's work: one login, every chosen document signed in turn off the UI thread,
//! each result checked at once by the validator, progress reported as events, cancellation
//! honoured between documents. The signing itself is `kyso::sign::sign_document`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use kyso::journal::{Journal, KeySource, RevocationEvidence, SigningRecord, SigningResult};
use kyso::message::{Explain, Message};
use kyso::pki::revocation::online::RevocationFetcher;
use kyso::pki::trust::TrustStore;
use kyso::pki::tsp::TsaClient;
use kyso::sign::evidence::{dss_evidence, gate_evidence};
use kyso::sign::{SignatureLevel, SignatureRequest, sign_at_level};
use kyso::token::{
    DocumentSigner, KeyPresence, Module, Pin, PinState, SignerOptions, TokenSession,
};
use kyso::verify::{VerifyOptions, verify_file};
use serde::{Deserialize, Serialize};

use crate::error::{CommandError, CommandResult};
use crate::verdict::CheckSummary;

/// The event each document's progress is sent on.
pub const SIGN_PROGRESS: &str = "sign-progress";
/// At most this many documents in one batch.
pub const MAX_BATCH: usize = 10_000;

/// What the Sign screen asks for. The PIN travels separately and never into this struct.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignBatchRequest {
    pub module: PathBuf,
    pub token_serial: String,
    pub certificate_id: String,
    pub files: Vec<PathBuf>,
    /// Where signed files go; `None`: next to each input.
    pub output_dir: Option<PathBuf>,
    pub reason: Option<String>,
    pub location: Option<String>,
    /// 1-based page of the signature's widget; negative from the end; `None`: the first.
    pub page: Option<i64>,
    /// Replace an existing output file.
    #[serde(default)]
    pub overwrite: bool,
    /// A visible signature (layout profiles); `None`: invisible.
    #[serde(default)]
    pub visible: Option<crate::visible::VisibleRequest>,
    /// The PAdES level; `None`: the one in Settings.
    #[serde(default)]
    pub level: Option<SignatureLevel>,
    /// The person confirmed on the Sign screen that they sign although whether the certificate
    /// is revoked could not be established.
    #[serde(default)]
    pub allow_unknown_revocation: bool,
}

/// What Settings says about how to sign.
#[derive(Debug, Clone, Default)]
pub struct SigningSettings {
    pub level: SignatureLevel,
    /// `None`: the VGCA service.
    pub tsa_url: Option<String>,
    pub revocation_online: bool,
}

impl SigningSettings {
    pub fn from_settings(settings: &crate::settings::AppSettings) -> SigningSettings {
        SigningSettings {
            level: settings.level,
            tsa_url: settings.tsa_url.clone(),
            revocation_online: settings.revocation_online(),
        }
    }

    /// The level asked and its TSA, checked before the token is touched: a bad TSA address
    /// costs no PIN entry.
    pub fn level_and_tsa(
        &self,
        request: &SignBatchRequest,
        trust: &TrustStore,
    ) -> CommandResult<(SignatureLevel, Option<TsaClient>)> {
        let level = request.level.unwrap_or(self.level);
        let tsa = kyso::sign::tsa_client(level, self.tsa_url.as_deref(), Some(trust.clone()))
            .map_err(|e| {
                let why = e.message();
                CommandError::new(
                    "tsa-url",
                    format!(
                        "Địa chỉ dịch vụ cấp dấu thời gian trong Cài đặt không dùng được: {}",
                        why.vi
                    ),
                    format!(
                        "The time-stamping service address in Settings cannot be used: {}",
                        why.en
                    ),
                )
            })?;
        Ok((level, tsa))
    }
}

/// Where a document stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileState {
    Signing,
    Signed,
    Failed,
    Cancelled,
}

/// One document of a batch.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileResult {
    pub input: String,
    pub output: Option<String>,
    pub state: FileState,
    pub error: Option<Message>,
    /// Something to know about a signed document (the journal could not record it).
    pub warning: Option<Message>,
    pub sha256: Option<String>,
    /// SHA-256 of the input, which the output starts with.
    pub input_sha256: Option<String>,
    /// The signature field signed.
    pub field: Option<String>,
    /// The validator's verdict on the signed output.
    pub check: Option<CheckSummary>,
    /// genTime of the signature time-stamp (B-T and up), Vietnam time.
    pub timestamp_time: Option<String>,
    /// The same, for the journal.
    #[serde(skip)]
    pub timestamp_at: Option<time::OffsetDateTime>,
    /// What a B-LT/B-LTA extension put in the DSS, for the journal.
    #[serde(skip)]
    pub dss_evidence: Vec<RevocationEvidence>,
}

/// One progress event.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignProgress {
    pub job_id: String,
    pub index: usize,
    pub total: usize,
    pub result: FileResult,
}

/// The batch's outcome.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchResult {
    pub job_id: String,
    pub results: Vec<FileResult>,
    pub signed: usize,
    pub failed: usize,
    pub cancelled: usize,
    pub demo: bool,
    /// The level signed at (`b-b` … `b-lta`).
    pub level: SignatureLevel,
    /// What the result must say about revocation: not checked (off in Settings), or unknown
    /// and signed as the person confirmed.
    pub revocation: Option<Message>,
}

/// Everything the batch needs besides the request, prepared on the command's side.
pub struct BatchContext<'a> {
    /// Every signing is recorded here (the journal was opened before the token was touched:
    /// no signature without its record).
    pub journal: &'a mut Journal,
    pub job_id: &'a str,
    pub cancel: &'a AtomicBool,
    pub trust: TrustStore,
    /// Receives each document's progress (an event in the app; a list in tests).
    pub progress: &'a (dyn Fn(SignProgress) + Sync),
    /// Keeps a report for export and gives its id.
    pub keep: &'a (dyn Fn(kyso::verify::report::FileReport) -> u64 + Sync),
    /// Level, TSA and revocation from Settings.
    pub settings: SigningSettings,
}

/// Signs the whole batch. The PIN is used for one `C_Login` and dropped (zeroized) when this
/// returns; a wrong PIN ends the batch with the token's new PIN state — never a second try.
pub fn sign_batch(
    request: &SignBatchRequest,
    pin: Option<Pin>,
    ctx: &mut BatchContext<'_>,
) -> CommandResult<BatchResult> {
    if request.files.is_empty() || request.files.len() > MAX_BATCH {
        return Err(CommandError::new(
            "batch-size",
            format!("Hãy chọn từ 1 đến {MAX_BATCH} tệp để ký"),
            format!("Choose between 1 and {MAX_BATCH} files to sign"),
        ));
    }
    let jobs = resolve_outputs(request)?;
    // A bad image or missing text is said before the token is touched.
    let visible = request
        .visible
        .as_ref()
        .map(|v| v.to_signature(&ctx.trust))
        .transpose()?;
    let (level, tsa) = ctx.settings.level_and_tsa(request, &ctx.trust)?;
    let online = ctx.settings.revocation_online;
    let module = Module::load(&request.module).map_err(|e| CommandError::from(&e))?;
    let mut session = TokenSession::open(&module, Some(&request.token_serial))
        .map_err(|e| CommandError::from(&e))?;
    let demo = session.token().label == kyso::demo::DEMO_TOKEN_LABEL;
    let key_source = KeySource::Token {
        label: session.token().label.clone(),
        serial: session.token().serial.clone(),
    };
    let status = session.pin_status().map_err(|e| CommandError::from(&e))?;
    if status.state == PinState::Locked {
        return Err(CommandError(status.state.message()));
    }
    let options = SignerOptions::default();
    gate_before_login(&session, &request.certificate_id, options)?;
    // Revocation too, before the PIN when the token shows the certificate (see `presign`).
    let before = crate::presign::gate_before_login(&session, &request.certificate_id, online)?;
    let mut revocation = before.enforce(request.allow_unknown_revocation)?;
    let mut relied_on = before.fetched.as_ref().map(gate_evidence);
    // One C_Login, never repeated: `login` reports a wrong PIN with the state after it.
    session.login(pin).map_err(|e| CommandError::from(&e))?;
    let signer = session
        .signer(Some(&request.certificate_id), options)
        .map_err(|e| CommandError::from(&e))?;
    kyso::sign::check_signer(&signer, kyso::vn_time::now()).map_err(|e| CommandError::from(&e))?;
    if before.state == crate::presign::RevocationState::AfterLogin {
        let after =
            crate::presign::revocation_gate(signer.certificate_der(), signer.chain_der(), online)?;
        revocation = after.enforce(request.allow_unknown_revocation)?;
        relied_on = after.fetched.as_ref().map(gate_evidence);
    }
    let relied_on = relied_on.unwrap_or_default();
    let fetcher = kyso::sign::revocation_gate::revocation_fetcher(online);

    let signature = SignatureRequest {
        page: match request.page {
            Some(p) if p > 0 => p - 1,
            Some(p) => p,
            None => 0,
        },
        reason: reason(typed_or_profile_reason(request).as_deref(), demo),
        location: request.location.clone(),
        visible,
        timestamp: tsa,
        ..SignatureRequest::default()
    };
    let how = How {
        level,
        fetcher: &fetcher,
        overwrite: request.overwrite,
    };
    let verify = VerifyOptions {
        policy: kyso::verify::policy::Policy::Incoming,
        trust: ctx.trust.clone(),
        offline: true,
        time_limit: kyso::verify::budget::DEFAULT_TIME_LIMIT,
    };
    let total = jobs.len();
    let mut results = Vec::with_capacity(total);
    for (index, (input, output)) in jobs.iter().enumerate() {
        let result = if ctx.cancel.load(Ordering::Relaxed) {
            file_result(input, None, FileState::Cancelled, None)
        } else {
            (ctx.progress)(SignProgress {
                job_id: ctx.job_id.to_owned(),
                index,
                total,
                result: file_result(input, None, FileState::Signing, None),
            });
            let mut result = sign_one(&signer, input, output, &signature, &how, &verify, ctx);
            let profile = request.visible.as_ref().map(|v| v.profile());
            let mut record = signing_record(&signer, &key_source, profile, input, output, &result);
            record.level = level.as_str().to_owned();
            record.tsa_url = signature.timestamp.as_ref().map(|t| t.url().to_owned());
            // What the gate relied on, then what the DSS got (as `kyso sign` records).
            record.revocation = relied_on
                .iter()
                .cloned()
                .chain(result.dss_evidence.drain(..))
                .collect();
            if let Err(e) = ctx.journal.record_signing(&record) {
                result.warning = Some(e.message());
            }
            result
        };
        (ctx.progress)(SignProgress {
            job_id: ctx.job_id.to_owned(),
            index,
            total,
            result: result.clone(),
        });
        results.push(result);
    }
    let count = |state| results.iter().filter(|r| r.state == state).count();
    Ok(BatchResult {
        job_id: ctx.job_id.to_owned(),
        signed: count(FileState::Signed),
        failed: count(FileState::Failed),
        cancelled: count(FileState::Cancelled),
        results,
        demo,
        level,
        revocation,
    })
}

/// How each document is signed: the level, where revocation data comes from (B-LT), and
/// whether an existing output may be replaced.
struct How<'a> {
    level: SignatureLevel,
    fetcher: &'a RevocationFetcher,
    overwrite: bool,
}

/// The journal's record of one document, signed or not.
fn signing_record(
    signer: &dyn DocumentSigner,
    key_source: &KeySource,
    profile: Option<&str>,
    input: &Path,
    output: &Path,
    result: &FileResult,
) -> SigningRecord {
    SigningRecord {
        input: input.to_path_buf(),
        output: Some(
            result
                .output
                .as_ref()
                .map_or_else(|| output.to_path_buf(), PathBuf::from),
        ),
        input_sha256: result.input_sha256.clone(),
        output_sha256: result.sha256.clone(),
        at: kyso::vn_time::now(),
        certificate_der: Some(signer.certificate_der().to_vec()),
        key_source: key_source.clone(),
        level: "b-b".to_owned(),
        profile: profile.map(str::to_owned),
        field: result.field.clone(),
        timestamp_time: result.timestamp_at,
        tsa_url: None,
        revocation: Vec::new(),
        result: match &result.error {
            None => SigningResult::Signed,
            Some(message) => SigningResult::Failed(message.clone()),
        },
    }
}

fn sign_one(
    signer: &dyn DocumentSigner,
    input: &Path,
    output: &Path,
    signature: &SignatureRequest,
    how: &How<'_>,
    verify: &VerifyOptions,
    ctx: &BatchContext<'_>,
) -> FileResult {
    let signed = sign_at_level(
        signer,
        input,
        output,
        signature,
        how.level,
        how.fetcher,
        how.overwrite,
    );
    match signed {
        Ok(kyso::sign::LevelSigned {
            signed: done,
            extended,
        }) => {
            let report = verify_file(&done.output, verify);
            let id = (ctx.keep)(report.clone());
            let mut result = file_result(
                input,
                Some(&done.output),
                FileState::Signed,
                Some(CheckSummary::new(id, report)),
            );
            result.sha256 = Some(done.output_sha256);
            result.input_sha256 = Some(done.input_sha256);
            result.field = Some(done.field_name);
            result.timestamp_at = done.timestamp.as_ref().map(|t| t.time);
            result.dss_evidence = extended.as_ref().map(dss_evidence).unwrap_or_default();
            result.timestamp_time = result.timestamp_at.map(kyso::vn_time::iso8601);
            result
        }
        Err(e) => {
            let mut result = file_result(input, None, FileState::Failed, None);
            result.error = Some(e.message());
            result
        }
    }
}

fn file_result(
    input: &Path,
    output: Option<&Path>,
    state: FileState,
    check: Option<CheckSummary>,
) -> FileResult {
    FileResult {
        input: input.display().to_string(),
        output: output.map(|p| p.display().to_string()),
        state,
        error: None,
        warning: None,
        sha256: None,
        input_sha256: None,
        field: None,
        check,
        timestamp_time: None,
        timestamp_at: None,
        dss_evidence: Vec::new(),
    }
}

/// The reason typed on the Sign screen, else the one of the leader's title and authority.
fn typed_or_profile_reason(request: &SignBatchRequest) -> Option<String> {
    request
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .or_else(|| request.visible.as_ref().and_then(|v| v.reason()))
}

/// A demo signature says so in its reason, whatever the person typed.
fn reason(typed: Option<&str>, demo: bool) -> Option<String> {
    let typed = typed.map(str::trim).filter(|t| !t.is_empty());
    match (typed, demo) {
        (Some(t), true) => Some(format!("DEMO — không có giá trị pháp lý — {t}")),
        (None, true) => Some("DEMO — không có giá trị pháp lý".to_owned()),
        (t, false) => t.map(str::to_owned),
    }
}

/// The pre-sign gate before the PIN, when the certificate can already be told: an expired or
/// unfit certificate must not cost the person a PIN try.
pub(crate) fn gate_before_login(
    session: &TokenSession,
    certificate_id: &str,
    options: SignerOptions,
) -> CommandResult<()> {
    let Ok(certificates) = session.certificates() else {
        return Ok(()); // decided after login
    };
    let Some(chosen) = certificates.iter().find(|c| c.is_named(certificate_id)) else {
        return Ok(()); // the selection after login names what is missing
    };
    if chosen.private_key == KeyPresence::Absent {
        return Err(CommandError::new(
            "certificate-no-key",
            format!(
                "Chứng thư «{}» không có khóa bí mật trên thiết bị",
                chosen.label
            ),
            format!(
                "The certificate «{}» has no private key on the token",
                chosen.label
            ),
        ));
    }
    let Some(info) = &chosen.certificate else {
        return Ok(());
    };
    let scheme = options
        .scheme_for(&info.key)
        .map_err(|e| CommandError::from(&e))?;
    kyso::pki::check_before_signing(info, scheme, kyso::vn_time::now())
        .map_err(|e| CommandError::from(&kyso::sign::SignError::Refused(e)))
}

/// Pairs each input with its output: `NAME.signed.pdf` next to it or in the chosen folder.
/// Two inputs that would write the same output are refused before anything is signed.
pub fn resolve_outputs(request: &SignBatchRequest) -> CommandResult<Vec<(PathBuf, PathBuf)>> {
    kyso::sign::naming::plan_outputs(&request.files, |input| match &request.output_dir {
        Some(dir) => dir.clone(),
        None => input.parent().map(Path::to_path_buf).unwrap_or_default(),
    })
    .map_err(|e| CommandError::from(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_go_next_to_inputs_or_into_the_folder() {
        let mut request = SignBatchRequest {
            module: PathBuf::new(),
            token_serial: String::new(),
            certificate_id: "01".into(),
            files: vec![
                PathBuf::from("/a/Quyết định.pdf"),
                PathBuf::from("/b/x.PDF"),
            ],
            output_dir: None,
            reason: None,
            location: None,
            page: None,
            overwrite: false,
            visible: None,
            level: None,
            allow_unknown_revocation: false,
        };
        let jobs = resolve_outputs(&request).unwrap();
        assert_eq!(jobs[0].1, PathBuf::from("/a/Quyết định.signed.pdf"));
        assert_eq!(jobs[1].1, PathBuf::from("/b/x.signed.pdf"));
        request.output_dir = Some(PathBuf::from("/out"));
        request.files.push(PathBuf::from("/c/x.pdf"));
        assert_eq!(
            resolve_outputs(&request).unwrap_err().0.code,
            "output-collision"
        );
    }

    #[test]
    fn demo_signatures_always_say_demo() {
        assert_eq!(reason(None, false), None);
        assert_eq!(reason(Some(" Duyệt "), false).as_deref(), Some("Duyệt"));
        assert!(
            reason(Some("Duyệt"), true)
                .unwrap()
                .starts_with("DEMO — không có giá trị pháp lý")
        );
        assert!(reason(None, true).unwrap().starts_with("DEMO"));
    }
}
