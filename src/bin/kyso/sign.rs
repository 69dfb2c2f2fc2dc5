//! `kyso sign`: resolve inputs and outputs, open the key (token or software) once, run the
//! gate, ask for the PIN once, sign every input, report each one.

use std::path::{Path, PathBuf};

use kyso::message::{Explain, Message};
use kyso::pki::CertificateInfo;
use kyso::sign::revocation_gate::RevocationClearance;
use kyso::sign::{self, SignError, SignatureRequest, SignedDocument};
use kyso::token::{
    self, DocumentSigner, KeyPresence, Module, Pin, PinState, SignerOptions, SoftwareSigner,
    TokenError, TokenSession,
};
use serde::Serialize;

use crate::Outcome;
use crate::args::{Level, RsaPadding, SignArgs};
use crate::output::{error, json_line, say};
use crate::tokens::{module_paths, no_module_message};

/// One JSON line per input (cli.md).
#[derive(Serialize)]
struct SignLine<'a> {
    input: String,
    output: Option<String>,
    ok: bool,
    error: Option<Message>,
    signer: Option<&'a SignerJson>,
    level: &'static str,
    sha256: Option<String>,
    input_sha256: Option<String>,
    field: Option<String>,
    signing_time: Option<String>,
    /// genTime of the signature time-stamp (B-T and up).
    timestamp_time: Option<String>,
}

#[derive(Serialize)]
struct SignerJson {
    subject: String,
    common_name: Option<String>,
    organisation: Option<String>,
    issuer: String,
    serial: String,
    key: String,
}

impl SignerJson {
    fn from_der(der: &[u8]) -> Option<SignerJson> {
        let info = CertificateInfo::from_der(der).ok()?;
        Some(SignerJson {
            key: info.key_description(),
            subject: info.subject,
            common_name: info.common_name,
            organisation: info.organisation,
            issuer: info.issuer,
            serial: info.serial_hex,
        })
    }
}

pub fn run(args: &SignArgs) -> Outcome {
    // Visible signatures and office profiles (layout.rs): resolved before any device is touched.
    let layout = match crate::layout::resolve(args) {
        Ok(layout) => layout,
        Err(message) => {
            error(&message);
            return Outcome::Failure;
        }
    };
    // A saved signing profile may name the certificate and token; the options win.
    let wanted_cert = args.cert.clone().or(layout.certificate.clone());
    let wanted_token = args.token.clone().or(layout.token.clone());
    let jobs = match resolve_outputs(args) {
        Ok(jobs) => jobs,
        Err(message) => {
            error(&message);
            return Outcome::Failure;
        }
    };
    let options = SignerOptions {
        rsa_padding: match args.rsa_padding {
            RsaPadding::Pkcs1 => token::RsaPadding::Pkcs1v15,
            RsaPadding::Pss => token::RsaPadding::Pss,
        },
        hash: None,
    };
    let timestamp = match crate::timestamp::tsa_client(args) {
        Ok(timestamp) => timestamp,
        Err(message) => {
            error(&message);
            return Outcome::Failure;
        }
    };
    let request = SignatureRequest {
        field_name: args.field.clone(),
        // The CLI counts pages from 1 (and -1 = last); the library from 0 (and -1 = last).
        page: match args.page {
            Some(p) if p > 0 => p - 1,
            Some(p) => p,
            None => 0,
        },
        reason: args.reason.clone().or(layout.reason.clone()),
        location: args.location.clone(),
        contact_info: args.contact.clone(),
        signing_time: None,
        timestamp,
        visible: layout.visible.clone(),
    };

    if let Some(p12) = &args.software_key {
        // The journal first: no signature without its record (journal.rs says why).
        if let Err(message) = crate::journal::open_for_signing() {
            return fail_all(args, &jobs, &message);
        }
        let Some(jobs) = refuse_unissuable(args, &request, jobs) else {
            return Outcome::Negative;
        };
        let signer = match open_software_key(p12, args, options) {
            Ok(s) => s,
            Err(message) => return fail_all(args, &jobs.signable, &message),
        };
        return jobs.outcome(sign_all(args, &jobs.signable, &signer, &request, None));
    }

    // A PIN must be obtainable before the token is touched (cli.md).
    if args.pin_env.is_none() && !has_terminal() {
        let message = Message::new(
            "no-pin-source",
            "Không có cách nhập PIN: không có màn hình dòng lệnh và không có --pin-env",
            "No way to enter the PIN: no terminal and no --pin-env",
        );
        return fail_all(args, &jobs, &message);
    }
    let (paths, _) = module_paths(&args.modules);
    if paths.is_empty() {
        return fail_all(args, &jobs, &no_module_message());
    }
    // The journal before the token is touched: no signature without its record.
    if let Err(message) = crate::journal::open_for_signing() {
        return fail_all(args, &jobs, &message);
    }
    let Some(checked) = refuse_unissuable(args, &request, jobs) else {
        return Outcome::Negative;
    };
    let jobs = checked.signable.as_slice();
    let (module, token_label) = match find_token(&paths, wanted_token.as_deref()) {
        Ok(found) => found,
        Err(e) => return fail_all(args, jobs, &e.message()),
    };
    let mut session = match TokenSession::open(&module, Some(&token_label)) {
        Ok(s) => s,
        Err(e) => return fail_all(args, jobs, &e.message()),
    };
    crate::journal::set_token(&session.token().label, &session.token().serial);

    // Before the PIN: the token's remaining-tries state, and the certificate's own fitness.
    let status = match session.pin_status() {
        Ok(s) => s,
        Err(e) => return fail_all(args, jobs, &e.message()),
    };
    if status.state == PinState::Locked {
        return fail_all(args, jobs, &status.state.message());
    }
    if status.state != PinState::Ok {
        say("⚠ ", &status.state.message());
    }
    if let Err(e) = gate_before_login(&session, wanted_cert.as_deref(), options) {
        return fail_all(args, jobs, &e.message());
    }
    // Revocation (OCSP, then CRL) also before the PIN, when the certificate is already known.
    let cleared =
        match crate::sign_revocation::clear_before_login(args, &session, wanted_cert.as_deref()) {
            Ok(cleared) => cleared,
            Err(message) => return fail_all(args, jobs, &message),
        };

    if session.needs_pin() {
        let pin = match read_pin(args, &session) {
            Ok(pin) => pin,
            Err(message) => return fail_all(args, jobs, &message),
        };
        if let Err(e) = session.login(Some(pin)) {
            // Never retried: real tokens lock after a few wrong PINs.
            return fail_all(args, jobs, &e.message());
        }
    } else if let Err(e) = session.login(None) {
        return fail_all(args, jobs, &e.message());
    }
    let signer = match session.signer(wanted_cert.as_deref(), options) {
        Ok(s) => s,
        Err(e) => return fail_all(args, jobs, &e.message()),
    };
    checked.outcome(sign_all(args, jobs, &signer, &request, cleared))
}

/// The inputs left to sign once those that can never be signed as asked were refused.
struct CheckedJobs {
    signable: Vec<(PathBuf, PathBuf)>,
    refused: usize,
}

impl CheckedJobs {
    /// The run's outcome: negative when an input was refused, even if the rest were signed.
    fn outcome(&self, signing: Outcome) -> Outcome {
        if self.refused > 0 && signing == Outcome::Success {
            Outcome::Negative
        } else {
            signing
        }
    }
}

/// Refuses, before any device is opened or PIN asked, the inputs whose document forbids the
/// visible signature asked for: an issuer signature needs a valid personal one (Đ.32.2 NĐ 30).
/// A document that can never be issued must not cost a PIN entry. Placing checks again, on the
/// bytes it signs, so a file changed in between is still caught. `None` when nothing is left.
fn refuse_unissuable(
    args: &SignArgs,
    request: &SignatureRequest,
    jobs: Vec<(PathBuf, PathBuf)>,
) -> Option<CheckedJobs> {
    let Some(visible) = &request.visible else {
        return Some(CheckedJobs {
            signable: jobs,
            refused: 0,
        });
    };
    let mut signable = Vec::with_capacity(jobs.len());
    let mut refused = 0;
    for (input, output) in jobs {
        match visible.check_document(&input) {
            Ok(()) => signable.push((input, output)),
            Err(e) => {
                let result = Err(SignError::from(e));
                crate::journal::record_signing(args, &input, &output, &result);
                report(args, &input, &result, None);
                refused += 1;
            }
        }
    }
    (!signable.is_empty()).then_some(CheckedJobs { signable, refused })
}

/// Signs every job with one signer (one login); keeps going after a failed document.
fn sign_all(
    args: &SignArgs,
    jobs: &[(PathBuf, PathBuf)],
    signer: &dyn DocumentSigner,
    request: &SignatureRequest,
    cleared: Option<RevocationClearance>,
) -> Outcome {
    crate::journal::set_signer(signer.certificate_der(), args.software_key.is_some());
    if let Err(e) = sign::check_signer(signer, kyso::vn_time::now()) {
        return fail_all(args, jobs, &e.message());
    }
    // The revocation gate, unless it already ran before the PIN. What it fetched (checked OCSP
    // responses and CRLs) is what a B-LT signature puts in its DSS.
    let revocation = match cleared {
        Some(cleared) => cleared,
        None => {
            match crate::sign_revocation::clear(args, signer.certificate_der(), signer.chain_der())
            {
                Ok(cleared) => cleared,
                Err(message) => return fail_all(args, jobs, &message),
            }
        }
    };
    crate::journal::set_revocation(&revocation.fetched);
    let signer_json = SignerJson::from_der(signer.certificate_der());
    // A copy names the copying organisation; by default the signer certificate's.
    let mut request = request.clone();
    crate::layout::complete_with_signer(&mut request.visible, signer.certificate_der());
    let request = &request;
    let mut failures = 0usize;
    for (input, output) in jobs {
        let result = match args.level {
            Level::BLt | Level::BLta => {
                crate::extend::sign_then_extend(args, signer, input, output, request)
            }
            _ => sign::sign_document(signer, input, output, request, args.force),
        };
        crate::journal::record_signing(args, input, output, &result);
        if result.is_err() {
            failures += 1;
        }
        report(args, input, &result, signer_json.as_ref());
    }
    if failures == 0 {
        Outcome::Success
    } else {
        Outcome::Negative
    }
}

fn report(
    args: &SignArgs,
    input: &Path,
    result: &Result<SignedDocument, SignError>,
    signer: Option<&SignerJson>,
) {
    match result {
        Ok(done) => {
            if args.json {
                json_line(&SignLine {
                    input: input.display().to_string(),
                    output: Some(done.output.display().to_string()),
                    ok: true,
                    error: None,
                    signer,
                    level: args.level.as_str(),
                    sha256: Some(done.output_sha256.clone()),
                    input_sha256: Some(done.input_sha256.clone()),
                    field: Some(done.field_name.clone()),
                    signing_time: Some(kyso::vn_time::iso8601(done.signing_time)),
                    timestamp_time: done
                        .timestamp
                        .as_ref()
                        .map(|t| kyso::vn_time::iso8601(t.time)),
                });
            }
            eprintln!(
                "✔ Đã ký / signed: {} → {}",
                input.display(),
                done.output.display()
            );
            if let Some(timestamp) = &done.timestamp {
                crate::timestamp::say_timestamp(timestamp);
            }
        }
        Err(e) => {
            let message = e.message();
            if args.json {
                json_line(&failed_line(args, input, &message));
            }
            say(&format!("✘ {}: ", input.display()), &message);
        }
    }
}

fn failed_line<'a>(args: &SignArgs, input: &Path, message: &Message) -> SignLine<'a> {
    SignLine {
        input: input.display().to_string(),
        output: None,
        ok: false,
        error: Some(message.clone()),
        signer: None,
        level: args.level.as_str(),
        sha256: None,
        input_sha256: None,
        field: None,
        signing_time: None,
        timestamp_time: None,
    }
}

/// Nothing could be signed: say why once, report every input as not signed, exit 2.
fn fail_all(args: &SignArgs, jobs: &[(PathBuf, PathBuf)], message: &Message) -> Outcome {
    error(message);
    crate::journal::record_sign_failures(args, jobs, message);
    if args.json {
        for (input, _) in jobs {
            json_line(&failed_line(args, input, message));
        }
    }
    Outcome::Failure
}

/// Pairs each input with its output: `-o` for one input, `--out-dir` for any number.
fn resolve_outputs(args: &SignArgs) -> Result<Vec<(PathBuf, PathBuf)>, Message> {
    match (&args.output, &args.out_dir) {
        (Some(out), None) if args.inputs.len() == 1 => {
            Ok(vec![(args.inputs[0].clone(), out.clone())])
        }
        (Some(_), None) => Err(Message::new(
            "usage",
            "-o chỉ dùng khi ký một tệp; ký nhiều tệp hãy dùng --out-dir",
            "-o takes one input; use --out-dir for several",
        )),
        (None, Some(dir)) => {
            std::fs::create_dir_all(dir).map_err(|e| {
                Message::new(
                    "output-unwritable",
                    format!("Không tạo được thư mục {}: {e}", dir.display()),
                    format!("Cannot create the folder {}: {e}", dir.display()),
                )
            })?;
            // Outputs named as cli.md says; a collision is the caller's mistake: a usage error.
            kyso::sign::naming::plan_outputs(&args.inputs, |_| dir.clone()).map_err(|e| {
                let mut message = e.message();
                message.code = "usage".into();
                message
            })
        }
        _ => Err(Message::new(
            "usage",
            "Cần -o TỆP_KẾT_QUẢ (một tệp) hoặc --out-dir THƯ_MỤC",
            "Give -o OUTPUT (one input) or --out-dir DIR",
        )),
    }
}

/// `a.pdf` → `a.signed.pdf`; a name without `.pdf` gets `.signed.pdf` appended.
fn has_terminal() -> bool {
    std::fs::File::open("/dev/tty").is_ok()
}

/// The one token to use: named by `--token`, or the only one present in all modules.
fn find_token(paths: &[PathBuf], wanted: Option<&str>) -> Result<(Module, String), TokenError> {
    let mut found: Vec<(Module, String)> = Vec::new();
    let mut all_names = Vec::new();
    let mut last_error = None;
    for path in paths {
        let module = match Module::load(path) {
            Ok(m) => m,
            Err(e) => {
                last_error = Some(e);
                continue;
            }
        };
        let tokens = match token::inventory::list_tokens(&module) {
            Ok(t) => t,
            Err(e) => {
                last_error = Some(e);
                continue;
            }
        };
        let mut matching = Vec::new();
        for (_, t) in tokens {
            all_names.push(t.display_name());
            if wanted.is_none_or(|w| t.label == w || t.serial == w) {
                matching.push(t.label.clone());
            }
        }
        for label in matching {
            found.push((module.clone(), label));
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => match (wanted, all_names.is_empty(), last_error) {
            (_, true, Some(e)) => Err(e),
            (_, true, None) => Err(TokenError::NoToken),
            (Some(w), false, _) => Err(TokenError::TokenNotFound {
                wanted: w.to_owned(),
                available: all_names,
            }),
            (None, false, _) => Err(TokenError::NoToken),
        },
        _ => Err(TokenError::TokenAmbiguous { tokens: all_names }),
    }
}

/// Runs the pre-sign gate before the PIN is asked, when the certificate can already be told:
/// an expired certificate should not cost the user a PIN entry (or a try).
fn gate_before_login(
    session: &TokenSession,
    wanted: Option<&str>,
    options: SignerOptions,
) -> Result<(), SignError> {
    let Ok(certificates) = session.certificates() else {
        return Ok(()); // decided after login
    };
    // Before login a key's presence may be unknown: consider every certificate not known to
    // lack a key.
    let candidates: Vec<_> = certificates
        .into_iter()
        .filter(|c| c.private_key != KeyPresence::Absent || wanted.is_some())
        .collect();
    let chosen = match wanted {
        Some(w) => candidates
            .iter()
            .filter(|c| c.is_named(w))
            .collect::<Vec<_>>(),
        None => candidates.iter().collect(),
    };
    let [one] = chosen.as_slice() else {
        return Ok(()); // ambiguous or none: the selection after login says why
    };
    if one.private_key == KeyPresence::Absent {
        return Err(SignError::Token(TokenError::CertificateNoPrivateKey {
            certificate: one.display_name(),
        }));
    }
    let Some(info) = &one.certificate else {
        return Ok(());
    };
    let scheme = options.scheme_for(&info.key)?;
    kyso::pki::check_before_signing(info, scheme, kyso::vn_time::now()).map_err(SignError::Refused)
}

fn read_pin(args: &SignArgs, session: &TokenSession) -> Result<Pin, Message> {
    if let Some(var) = &args.pin_env {
        return match std::env::var(var) {
            Ok(value) => Ok(Pin::new(value)),
            Err(_) => Err(Message::new(
                "pin-env-missing",
                format!(
                    "Biến môi trường {} không có hoặc không hợp lệ",
                    var.to_string_lossy()
                ),
                format!(
                    "Environment variable {} is not set or not valid",
                    var.to_string_lossy()
                ),
            )),
        };
    }
    let prompt = format!(
        "Nhập PIN của thiết bị «{}» (Enter the PIN): ",
        session.token().label
    );
    rpassword::prompt_password(prompt)
        .map(Pin::new)
        .map_err(|e| {
            Message::new(
                "pin-prompt",
                format!("Không đọc được PIN: {e}"),
                format!("Cannot read the PIN: {e}"),
            )
        })
}

fn open_software_key(
    p12: &Path,
    args: &SignArgs,
    options: SignerOptions,
) -> Result<SoftwareSigner, Message> {
    let password = match &args.software_pass_env {
        Some(var) => std::env::var(var).map(Pin::new).map_err(|_| {
            Message::new(
                "password-env-missing",
                format!("Biến môi trường {} không có", var.to_string_lossy()),
                format!("Environment variable {} is not set", var.to_string_lossy()),
            )
        })?,
        None if has_terminal() => {
            rpassword::prompt_password("Mật khẩu tệp khóa PKCS#12 (PKCS#12 password): ")
                .map(Pin::new)
                .map_err(|e| Message::new("password-prompt", e.to_string(), e.to_string()))?
        }
        None => {
            return Err(Message::new(
                "no-password-source",
                "Không có cách nhập mật khẩu: không có màn hình dòng lệnh và không có --software-pass-env",
                "No way to enter the password: no terminal and no --software-pass-env",
            ));
        }
    };
    SoftwareSigner::from_pkcs12_file(p12, &password, options).map_err(|e| e.message())
}
