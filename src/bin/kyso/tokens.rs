//! `kyso tokens`: which PKCS#11 modules were found, their tokens, and the certificates that can
//! sign (those with a private key).

use std::path::PathBuf;

use kyso::message::{Explain, Message};
use kyso::token::{self, KeyPresence, Module, ModuleInventory, PinState};
use serde::Serialize;

use crate::Outcome;
use crate::args::TokensArgs;
use crate::output::{error, json_line, say};

/// The modules to open: those named with `--module`, or the known names found on this machine.
/// Returns the probe report too, so the user learns what was looked for.
pub fn module_paths(given: &[PathBuf]) -> (Vec<PathBuf>, Vec<token::Candidate>) {
    if given.is_empty() {
        let candidates = token::module::probe();
        (token::module::found_paths(&candidates), candidates)
    } else {
        (given.to_vec(), Vec::new())
    }
}

pub fn no_module_message() -> Message {
    Message::new(
        "no-module",
        "Không tìm thấy mô-đun PKCS#11 nào của thiết bị ký số; hãy cài trình điều khiển token hoặc chỉ rõ --module",
        "No PKCS#11 module was found; install the token's driver or give --module",
    )
}

#[derive(Serialize)]
struct ModuleLine<'a> {
    module: String,
    ok: bool,
    error: Option<Message>,
    #[serde(flatten)]
    inventory: Option<&'a ModuleInventory>,
}

pub fn run(args: &TokensArgs) -> Outcome {
    let (paths, candidates) = module_paths(&args.modules);
    if paths.is_empty() {
        error(&no_module_message());
        if !args.json {
            eprintln!("Đã tìm các tên sau / looked for:");
            for c in &candidates {
                eprintln!("  {} ({})", c.module.pattern, c.module.vendor);
            }
        }
        return Outcome::Failure;
    }
    let mut any_ok = false;
    for path in &paths {
        let result = Module::load(path).and_then(|m| token::inventory::inventory(&m));
        match &result {
            Ok(inventory) => {
                any_ok = true;
                if args.json {
                    json_line(&ModuleLine {
                        module: path.display().to_string(),
                        ok: true,
                        error: None,
                        inventory: Some(inventory),
                    });
                } else {
                    print_inventory(inventory);
                }
            }
            Err(e) => {
                if args.json {
                    json_line(&ModuleLine {
                        module: path.display().to_string(),
                        ok: false,
                        error: Some(e.message()),
                        inventory: None,
                    });
                } else {
                    say(&format!("{}: ", path.display()), &e.message());
                }
            }
        }
    }
    if any_ok {
        Outcome::Success
    } else {
        Outcome::Failure
    }
}

fn print_inventory(inventory: &ModuleInventory) {
    let m = &inventory.module;
    println!(
        "Mô-đun / module: {} — {} {}",
        m.path.display(),
        m.manufacturer,
        m.description
    );
    if inventory.tokens.is_empty() {
        println!("  (không có thiết bị nào được cắm / no token present)");
    }
    for t in &inventory.tokens {
        let d = &t.token;
        println!(
            "  Thiết bị / token: «{}» serial {} — {} {}",
            d.label, d.serial, d.manufacturer, d.model
        );
        if d.flags.protected_authentication_path {
            println!("    nhập PIN trên thiết bị / PIN is entered on the device's pad");
        }
        if d.pin.state != PinState::Ok {
            let msg = d.pin.state.message();
            println!("    ⚠ {} / {}", msg.vi, msg.en);
        }
        if let Some(note) = &t.note {
            println!("    {} / {}", note.vi, note.en);
        }
        for c in &t.certificates {
            let key = match c.private_key {
                KeyPresence::Present => "có khóa bí mật / has private key",
                KeyPresence::Absent => "không có khóa bí mật / no private key",
                KeyPresence::Unknown => {
                    "khóa bí mật: cần đăng nhập để biết / key: known after login"
                }
            };
            println!(
                "    Chứng thư / certificate «{}» id {} — {key}",
                c.label, c.id_hex
            );
            match &c.certificate {
                Some(info) => {
                    println!("      Chủ thể / subject: {}", info.subject);
                    println!("      Nơi cấp / issuer:  {}", info.issuer);
                    println!("      Số hiệu / serial:  {}", info.serial_hex);
                    println!(
                        "      Hiệu lực / valid:  {} → {}",
                        kyso::vn_time::iso8601(info.not_before),
                        kyso::vn_time::iso8601(info.not_after)
                    );
                    println!("      Khóa / key:        {}", info.key_description());
                }
                None => {
                    if let Some(p) = &c.problem {
                        println!("      {} / {}", p.vi, p.en);
                    }
                }
            }
        }
    }
}
