//! `kyso verify`: one report per file (JSON Lines with `--json`, a human report otherwise), a
//! refusal notice per rejected file with `--notice DIR`; exit 0 when every file is accepted.

use std::path::{Path, PathBuf};

use kyso::message::{Explain, Message};
use kyso::pki::trust::TrustStore;
use kyso::verify::finding::Severity;
use kyso::verify::notice::{NoticeSender, notice_pdf, notice_text};
use kyso::verify::policy::Policy;
use kyso::verify::report::{FileReport, Integrity, Modifications, SignatureKind, Verdict};
use kyso::verify::{VerifyOptions, verify_file};

use crate::Outcome;
use crate::args::{PolicyArg, VerifyArgs};
use crate::output::{error, json_line};

pub fn run(args: &VerifyArgs) -> Outcome {
    let mut trust = match TrustStore::shipped() {
        Ok(t) => t,
        Err(e) => {
            error(&e.message());
            return Outcome::Failure;
        }
    };
    for path in &args.trust {
        let added = std::fs::read(path)
            .map_err(|e| {
                Message::new(
                    "trust-unreadable",
                    format!("Không đọc được chứng thư tin cậy {}: {e}", path.display()),
                    format!("Cannot read trust anchor {}: {e}", path.display()),
                )
            })
            .and_then(|bytes| trust.add_anchor_pem_or_der(&bytes).map_err(|e| e.message()));
        if let Err(message) = added {
            error(&message);
            return Outcome::Failure;
        }
    }
    if let Some(dir) = &args.notice
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        error(&Message::new(
            "notice-folder",
            format!("Không tạo được thư mục {}: {e}", dir.display()),
            format!("Cannot create the folder {}: {e}", dir.display()),
        ));
        return Outcome::Failure;
    }
    let options = VerifyOptions {
        policy: match args.policy {
            PolicyArg::Incoming => Policy::Incoming,
            PolicyArg::Any => Policy::Any,
        },
        trust,
        offline: args.offline,
        time_limit: std::time::Duration::from_secs_f64(args.time_limit),
    };
    let sender = NoticeSender {
        office: args.office.clone(),
    };
    // Recorded when the journal opens; a journal that cannot be opened is a warning here.
    crate::journal::open_for_verification();
    let mut rejected = 0usize;
    for file in &args.files {
        let report = verify_file(file, &options);
        crate::journal::record_verification(file, &report, args.offline);
        if report.verdict == Verdict::Rejected {
            rejected += 1;
        }
        if args.json {
            json_line(&report);
        } else {
            print_report(&report, args.details);
        }
        if let Some(dir) = &args.notice
            && let Err(message) = write_notice(dir, file, &report, &sender)
        {
            error(&message);
            return Outcome::Failure;
        }
    }
    if rejected == 0 {
        Outcome::Success
    } else {
        Outcome::Negative
    }
}

/// `NAME.tu-choi.txt` and `NAME.tu-choi.pdf` for a rejected file.
fn write_notice(
    dir: &Path,
    file: &Path,
    report: &FileReport,
    sender: &NoticeSender,
) -> Result<(), Message> {
    let (Some(text), Some(pdf)) = (notice_text(report, sender), notice_pdf(report, sender)) else {
        return Ok(());
    };
    let pdf = pdf.map_err(|e| e.message())?;
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "van-ban".into());
    let write = |path: PathBuf, bytes: &[u8]| {
        std::fs::write(&path, bytes).map_err(|e| {
            Message::new(
                "notice-unwritable",
                format!("Không ghi được {}: {e}", path.display()),
                format!("Cannot write {}: {e}", path.display()),
            )
        })
    };
    write(dir.join(format!("{stem}.tu-choi.txt")), text.as_bytes())?;
    write(dir.join(format!("{stem}.tu-choi.pdf")), &pdf)?;
    Ok(())
}

fn print_report(report: &FileReport, details: bool) {
    println!("Tệp / file: {}", report.file);
    if let Some(sha) = &report.sha256 {
        println!("  SHA-256: {sha}");
    }
    match report.verdict {
        Verdict::Accepted if report.warnings.is_empty() => {
            println!("  ✔ TIẾP NHẬN ĐƯỢC / ACCEPTED")
        }
        Verdict::Accepted => {
            println!("  ⚠ TIẾP NHẬN, CẦN KIỂM TRA THÊM / ACCEPTED, REVIEW ADVISED")
        }
        Verdict::Rejected => println!("  ✘ TỪ CHỐI / REJECTED"),
    }
    for r in &report.reasons {
        println!("    - {}\n      {}", r.vi, r.en);
    }
    for w in &report.warnings {
        println!("    ⚠ {}\n      {}", w.vi, w.en);
    }
    for (i, s) in report.signatures.iter().enumerate() {
        let kind = match s.kind {
            SignatureKind::Signature => "Chữ ký / signature",
            SignatureKind::DocumentTimestamp => "Dấu thời gian tài liệu / document time-stamp",
        };
        println!(
            "  {}. {kind} «{}»{}",
            i + 1,
            s.field.as_deref().unwrap_or("?"),
            s.revision
                .map(|r| format!(" — phiên bản / revision {r}"))
                .unwrap_or_default()
        );
        if let Some(signer) = &s.signer {
            println!(
                "     Người ký / signer: {}",
                signer.common_name.as_deref().unwrap_or(&signer.subject)
            );
            if let Some(o) = &signer.organisation {
                println!("     Cơ quan / organisation: {o}");
            }
            println!("     Nơi cấp / issuer: {} ({})", signer.issuer, s.ca_family);
        }
        if let Some(t) = &s.signing_time {
            let source = if s.signing_time_claimed {
                "do máy người ký khai / claimed by the signer's computer"
            } else {
                "theo dấu thời gian / from a time-stamp"
            };
            println!("     Thời gian ký / signing time: {t} ({source})");
        }
        let integrity = match s.integrity {
            Integrity::Intact => "nguyên vẹn / intact",
            Integrity::Broken => "bị hỏng / broken",
            Integrity::Unknown => "không xác định / unknown",
        };
        let modifications = match s.modifications {
            Modifications::None => "không có / none",
            Modifications::Allowed => "được phép / allowed",
            Modifications::Disallowed => "KHÔNG được phép / NOT allowed",
        };
        println!("     Toàn vẹn / integrity: {integrity}");
        println!("     Thay đổi sau khi ký / changes after signing: {modifications}");
        println!(
            "     Kết quả / result: {}{}",
            s.indication.as_str(),
            s.sub_indication
                .map(|x| format!(" / {}", x.as_str()))
                .unwrap_or_default()
        );
        if details {
            for f in &s.findings {
                let mark = match f.severity {
                    Severity::Failure => "✘",
                    Severity::Warning => "⚠",
                    Severity::Info => "·",
                };
                println!(
                    "       {mark} [{}] {} / {}",
                    f.code, f.message.vi, f.message.en
                );
                if let Some(d) = &f.detail {
                    println!("         {d}");
                }
            }
        }
    }
    println!();
}
