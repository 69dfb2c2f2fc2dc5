//! `kyso demo`: the demo PKI and SoftHSM token (created once), a sample document, and that
//! document signed by running `kyso sign` itself — the same path a real token takes.

use std::path::PathBuf;
use std::process::Command;

use kyso::demo::{DEMO_PIN, DEMO_TOKEN_LABEL, DemoToken};
use kyso::message::{Explain, Message};

use crate::Outcome;
use crate::args::DemoArgs;
use crate::output::error;

fn default_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("kyso").join("demo")
}

/// A real token plugged in: the first probed module other than SoftHSM that shows a token.
fn real_token() -> Option<(PathBuf, String)> {
    let candidates = kyso::token::module::probe();
    for path in kyso::token::module::found_paths(&candidates) {
        if path.to_string_lossy().contains("softhsm") {
            continue;
        }
        let Ok(module) = kyso::token::Module::load(&path) else {
            continue;
        };
        if let Ok(tokens) = kyso::token::inventory::list_tokens(&module)
            && let Some((_, token)) = tokens.into_iter().next()
        {
            return Some((path, token.label));
        }
    }
    None
}

pub fn run(args: &DemoArgs) -> Outcome {
    let dir = args.dir.clone().unwrap_or_else(default_dir);
    if let Some((module, label)) = real_token() {
        if std::fs::File::open("/dev/tty").is_ok() {
            return sign_with_real_token(&dir, &module, &label, args.json);
        }
        eprintln!(
            "Có thiết bị «{label}» nhưng không có màn hình để nhập PIN: dùng thiết bị thử nghiệm / \
             token «{label}» found, but no terminal to enter its PIN: using the demo token"
        );
    }
    eprintln!("DEMO — không có giá trị pháp lý / no legal value");
    let demo = match DemoToken::ensure(&dir) {
        Ok(d) => d,
        Err(e) => {
            error(&e.message());
            return Outcome::Failure;
        }
    };
    eprintln!(
        "{} thiết bị thử nghiệm «{DEMO_TOKEN_LABEL}» (PIN {DEMO_PIN}) trong {} / demo token {}",
        if demo.created {
            "Đã tạo"
        } else {
            "Dùng lại"
        },
        demo.dir.display(),
        if demo.created { "created" } else { "reused" },
    );

    let sample = demo.dir.join("van-ban-mau.pdf");
    let signed = demo.dir.join("van-ban-mau.signed.pdf");
    if let Err(e) = kyso::pdf::fixtures::write_classic_pdf(&sample, 2) {
        error(&Message::new(
            "demo-sample",
            format!("Không tạo được văn bản mẫu: {e}"),
            format!("Cannot write the sample document: {e}"),
        ));
        return Outcome::Failure;
    }

    // Sign through the CLI in a child process: SOFTHSM2_CONF must be in the environment before
    // the module loads, and setting it in this process would be unsound once threads exist.
    let exe = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => {
            error(&Message::new("demo-exe", e.to_string(), e.to_string()));
            return Outcome::Failure;
        }
    };
    let mut command = demo.softhsm.command(exe);
    command
        .env("KYSO_DEMO_PIN", DEMO_PIN)
        .arg("sign")
        .arg("--module")
        .arg(demo.softhsm.module_path())
        .args([
            "--token",
            DEMO_TOKEN_LABEL,
            "--cert",
            "01",
            "--pin-env",
            "KYSO_DEMO_PIN",
        ])
        .args(["--reason", "DEMO — không có giá trị pháp lý", "--force"])
        // The demo certificates give no OCSP/CRL address, so their revocation status is unknown.
        .arg("--allow-unknown-revocation");
    if args.json {
        command.arg("--json");
    }
    command.arg("-o").arg(&signed).arg(&sample);
    let status = run_child(command);
    if !status {
        return Outcome::Failure;
    }
    let (var, conf) = demo.softhsm.env();
    eprintln!();
    eprintln!("Văn bản mẫu / sample:       {}", sample.display());
    eprintln!("Văn bản đã ký / signed:     {}", signed.display());
    eprintln!(
        "Chứng thư gốc / test root:  {}",
        demo.dir.join("pki/root-ca.crt.pem").display()
    );
    eprintln!();
    eprintln!("Thử tiếp / try next:");
    eprintln!("  export {var}={}", conf.display());
    eprintln!(
        "  kyso tokens --module {}",
        demo.softhsm.module_path().display()
    );
    eprintln!(
        "  KYSO_PIN={DEMO_PIN} kyso sign --module {} --token \"{DEMO_TOKEN_LABEL}\" --cert 01 --pin-env KYSO_PIN --allow-unknown-revocation -o out.pdf in.pdf",
        demo.softhsm.module_path().display()
    );
    Outcome::Success
}

/// A real token is plugged in: sign the sample with it, the PIN asked on the terminal.
fn sign_with_real_token(
    dir: &std::path::Path,
    module: &std::path::Path,
    label: &str,
    json: bool,
) -> Outcome {
    if let Err(e) = std::fs::create_dir_all(dir) {
        error(&Message::new("demo-folder", e.to_string(), e.to_string()));
        return Outcome::Failure;
    }
    let sample = dir.join("van-ban-mau.pdf");
    let signed = dir.join("van-ban-mau.signed.pdf");
    if let Err(e) = kyso::pdf::fixtures::write_classic_pdf(&sample, 2) {
        error(&Message::new("demo-sample", e.to_string(), e.to_string()));
        return Outcome::Failure;
    }
    eprintln!(
        "Dùng thiết bị thật «{label}» / using the real token «{label}» ({})",
        module.display()
    );
    let Ok(exe) = std::env::current_exe() else {
        return Outcome::Failure;
    };
    let mut command = Command::new(exe);
    command
        .arg("sign")
        .arg("--module")
        .arg(module)
        .args(["--token", label, "--force"]);
    if json {
        command.arg("--json");
    }
    command.arg("-o").arg(&signed).arg(&sample);
    if run_child(command) {
        eprintln!("Văn bản đã ký / signed: {}", signed.display());
        Outcome::Success
    } else {
        Outcome::Failure
    }
}

fn run_child(mut command: Command) -> bool {
    match command.status() {
        Ok(s) => s.success(),
        Err(e) => {
            error(&Message::new("demo-sign", e.to_string(), e.to_string()));
            false
        }
    }
}
