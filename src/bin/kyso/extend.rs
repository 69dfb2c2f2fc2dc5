//! `kyso extend --level b-lt|b-lta [--tsa URL] INPUT -o OUTPUT`: adds the validation data of
//! every signature (and, for B-LTA, an archive time-stamp) to a file already signed, by Kyso
//! or anyone. Also the last step of `kyso sign --level b-lt|b-lta`.

use std::path::Path;

use kyso::message::{Explain, Message};
use kyso::net::HttpClient;
use kyso::pki::revocation::online::RevocationFetcher;
use kyso::pki::trust::TrustStore;
use kyso::pki::tsp::{DEFAULT_TSA_URL, TsaClient};
use kyso::sign::extend::{Covered, ExtendError, ExtendLevel, Extended, Sources, extend_file};
use kyso::verify::report::SignatureKind;
use serde::Serialize;

use crate::Outcome;
use crate::args::{ExtendArgs, ExtendLevelArg};
use crate::output::{error, json_line, say};

/// One JSON line per input.
#[derive(Serialize)]
struct ExtendLine {
    input: String,
    output: Option<String>,
    ok: bool,
    error: Option<Message>,
    level: &'static str,
    sha256: Option<String>,
    input_sha256: Option<String>,
    /// genTime of the archive time-stamp (B-LTA).
    archive_timestamp_time: Option<String>,
    dss: Option<DssJson>,
    signatures: Vec<CoveredJson>,
    notes: Vec<Message>,
}

#[derive(Serialize)]
struct DssJson {
    certificates_added: usize,
    ocsps_added: usize,
    crls_added: usize,
    already_present: usize,
    vri_entries: usize,
}

#[derive(Serialize)]
struct CoveredJson {
    field: Option<String>,
    kind: SignatureKind,
    certificates: usize,
    revocation_checked: usize,
}

impl From<&Covered> for CoveredJson {
    fn from(c: &Covered) -> Self {
        CoveredJson {
            field: c.field.clone(),
            kind: c.kind,
            certificates: c.certificates,
            revocation_checked: c.revocation_checked,
        }
    }
}

/// What extending needs besides the files: trust, the network, the TSA.
pub struct Extender {
    pub trust: TrustStore,
    pub fetcher: RevocationFetcher,
    pub tsa: Option<TsaClient>,
    pub level: ExtendLevel,
}

impl Extender {
    /// The shipped anchors plus `trust_files`; OCSP/CRL online with the per-user cache (the
    /// cache alone when `offline`); the TSA at `tsa` (default: VGCA) for B-LTA.
    pub fn new(
        level: ExtendLevel,
        trust_files: &[std::path::PathBuf],
        tsa: Option<&str>,
        offline: bool,
    ) -> Result<Extender, Message> {
        let mut trust = TrustStore::shipped().map_err(|e| e.message())?;
        for path in trust_files {
            let bytes = std::fs::read(path).map_err(|e| {
                Message::new(
                    "trust-unreadable",
                    format!("Không đọc được chứng thư tin cậy {}: {e}", path.display()),
                    format!("Cannot read trust anchor {}: {e}", path.display()),
                )
            })?;
            trust
                .add_anchor_pem_or_der(&bytes)
                .map_err(|e| e.message())?;
        }
        let fetcher = kyso::sign::revocation_gate::revocation_fetcher(!offline);
        let tsa = match level {
            ExtendLevel::Lt => None,
            ExtendLevel::Lta => {
                let url = tsa.unwrap_or(DEFAULT_TSA_URL);
                crate::timestamp::checked_tsa_url(url)?;
                Some(TsaClient::new(
                    url,
                    HttpClient::default(),
                    Some(trust.clone()),
                ))
            }
        };
        Ok(Extender {
            trust,
            fetcher,
            tsa,
            level,
        })
    }

    /// Extends `input` into `output`.
    pub fn extend(
        &self,
        input: &Path,
        output: &Path,
        overwrite: bool,
    ) -> Result<Extended, ExtendError> {
        let sources = Sources {
            trust: &self.trust,
            fetcher: &self.fetcher,
            now: kyso::vn_time::now(),
        };
        extend_file(
            input,
            output,
            self.level,
            &sources,
            self.tsa.as_ref(),
            overwrite,
        )
    }
}

pub fn run(args: &ExtendArgs) -> Outcome {
    let level = match args.level {
        ExtendLevelArg::BLt => ExtendLevel::Lt,
        ExtendLevelArg::BLta => ExtendLevel::Lta,
    };
    if level == ExtendLevel::Lt && args.tsa.is_some() {
        error(&Message::new(
            "usage",
            "--tsa chỉ dùng cùng --level b-lta: mức B-LT không thêm dấu thời gian",
            "--tsa goes with --level b-lta: B-LT adds no time-stamp",
        ));
        return Outcome::Failure;
    }
    let extender = match Extender::new(level, &args.trust, args.tsa.as_deref(), args.offline) {
        Ok(e) => e,
        Err(message) => {
            error(&message);
            return Outcome::Failure;
        }
    };
    // The journal first, as for `kyso sign`: an archive time-stamp is not added without its
    // record (`--no-journal` is the explicit way around).
    if let Err(message) = crate::journal::open_for_signing() {
        error(&message);
        return Outcome::Failure;
    }
    let result = extender.extend(&args.input, &args.output, args.force);
    let tsa_url = extender
        .tsa
        .as_ref()
        .map(|_| args.tsa.as_deref().unwrap_or(DEFAULT_TSA_URL));
    crate::journal::record_extension(&args.input, &args.output, level.as_str(), tsa_url, &result);
    let line = |ok: bool| ExtendLine {
        input: args.input.display().to_string(),
        output: None,
        ok,
        error: None,
        level: level.as_str(),
        sha256: None,
        input_sha256: None,
        archive_timestamp_time: None,
        dss: None,
        signatures: Vec::new(),
        notes: Vec::new(),
    };
    match result {
        Ok(done) => {
            if args.json {
                json_line(&ExtendLine {
                    output: Some(done.output.display().to_string()),
                    sha256: Some(done.output_sha256.clone()),
                    input_sha256: Some(done.input_sha256.clone()),
                    archive_timestamp_time: done.archive_timestamp.map(kyso::vn_time::iso8601),
                    dss: Some(DssJson {
                        certificates_added: done.dss.certificates_added,
                        ocsps_added: done.dss.ocsps_added,
                        crls_added: done.dss.crls_added,
                        already_present: done.dss.already_present,
                        vri_entries: done.dss.vri_entries,
                    }),
                    signatures: done.covered.iter().map(CoveredJson::from).collect(),
                    notes: done.notes.clone(),
                    ..line(true)
                });
            }
            say_extended(&args.input, &done);
            Outcome::Success
        }
        Err(e) => {
            let message = e.message();
            if args.json {
                json_line(&ExtendLine {
                    error: Some(message.clone()),
                    ..line(false)
                });
            }
            say(&format!("✘ {}: ", args.input.display()), &message);
            // A usage-like failure (nothing could be done) versus a file that could not be
            // extended: cli.md's exit codes.
            match e {
                ExtendError::OutputIsInput | ExtendError::NoTimestampAuthority => Outcome::Failure,
                _ => Outcome::Negative,
            }
        }
    }
}

/// Tells a person what was added.
pub fn say_extended(input: &Path, done: &Extended) {
    eprintln!(
        "✔ Đã bổ sung dữ liệu kiểm tra lâu dài ({}) / long-term validation data added: {} → {}",
        done.level.as_str().to_uppercase(),
        input.display(),
        done.output.display()
    );
    let d = &done.dss;
    say(
        "  ",
        &Message::new(
            "dss",
            format!(
                "DSS: thêm {} chứng thư, {} phản hồi OCSP, {} CRL ({} mục đã có sẵn)",
                d.certificates_added, d.ocsps_added, d.crls_added, d.already_present
            ),
            format!(
                "DSS: {} certificates, {} OCSP responses, {} CRLs added ({} already there)",
                d.certificates_added, d.ocsps_added, d.crls_added, d.already_present
            ),
        ),
    );
    if let Some(time) = done.archive_timestamp {
        let time = kyso::vn_time::iso8601(time);
        say(
            "  ",
            &Message::new(
                "archive-timestamp",
                format!("Dấu thời gian lưu trữ: {time}"),
                format!("Archive time-stamp: {time}"),
            ),
        );
    }
    for note in &done.notes {
        say("⚠ ", note);
    }
}

/// `kyso sign --level b-lt|b-lta`: B-T signing, then the extension, one output
/// (`kyso::sign::sign_at_level`, which the desktop app signs through too); says what was added
/// and records it in the journal.
pub fn sign_then_extend(
    args: &crate::args::SignArgs,
    signer: &dyn kyso::token::DocumentSigner,
    input: &Path,
    output: &Path,
    request: &kyso::sign::SignatureRequest,
) -> Result<kyso::sign::SignedDocument, kyso::sign::SignError> {
    let level = args.level.into();
    let fetcher = kyso::sign::revocation_gate::revocation_fetcher(!args.offline);
    let done =
        kyso::sign::sign_at_level(signer, input, output, request, level, &fetcher, args.force)?;
    if let Some(extended) = &done.extended {
        say_extended(input, extended);
        crate::journal::add_dss_revocation(extended);
    }
    Ok(done.signed)
}
