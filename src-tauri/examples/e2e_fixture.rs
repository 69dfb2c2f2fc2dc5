//! Everything the end-to-end tests of the app need, made fresh in one folder: a test PKI, a
//! SoftHSM2 token "Kyso Test" (PIN 246810) holding the leader's key, documents to sign (one
//! Vietnamese letter, a batch of five, a 1 MB one, a hundred small ones) and documents to check
//! (one signed, one signed then tampered with, one changed by an update after signing). Prints
//! a JSON description on standard output.
//!
//! `cargo run -p kyso-app --example e2e_fixture -- DIR [--tsa]`
//!
//! With `--tsa`, a time-stamp authority for the test PKI (`kyso::net::test_tsa`) answers on
//! 127.0.0.1 at the `tsa` URL of the description until standard input closes: the E2E tests
//! sign B-T against it.

use std::path::{Path, PathBuf};

use kyso::demo::{TokenKey, provision_token};
use kyso::net::test_tsa::{TestTsa, TsaMode};
use kyso::pdf::compose::{Document, Style};
use kyso::pki::demo::{DemoOptions, DemoPki};
use kyso::sign::{SignatureRequest, sign_document};
use kyso::token::{SignerOptions, SoftHsm, SoftwareSigner};

const TOKEN: &str = "Kyso Test";
const PIN: &str = "246810";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: e2e_fixture DIR [--tsa]")?,
    );
    let serve_tsa = std::env::args().nth(2).as_deref() == Some("--tsa");
    std::fs::create_dir_all(&dir)?;
    let pki = DemoPki::generate(&dir.join("pki"), &DemoOptions::default())?;
    let softhsm = SoftHsm::create(&dir.join("hsm"))?;
    provision_token(
        &softhsm,
        TOKEN,
        PIN,
        &pki,
        &[TokenKey {
            id: 1,
            label: "Nguyen Van An",
            identity: &pki.leader,
        }],
    )?;

    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs)?;
    let letter = docs.join("Công văn 123.pdf");
    write_letter(&letter)?;
    let batch_dir = dir.join("batch");
    std::fs::create_dir_all(&batch_dir)?;
    let batch: Vec<PathBuf> = (1..=5)
        .map(|i| batch_dir.join(format!("van-ban-{i}.pdf")))
        .collect();
    for path in &batch {
        kyso::pdf::fixtures::write_classic_pdf(path, 2)?;
    }
    let visible = docs.join("Quyết định 45.pdf");
    write_letter(&visible)?;
    // A transparent PNG stands in for the leader's handwritten signature.
    let image = dir.join("chu-ky.png");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/icons/icon.png"),
        &image,
    )?;
    let big = docs.join("tai-lieu-1MB.pdf");
    kyso::pdf::fixtures::write_sample_pdf(&big, 3, 1024 * 1024)?;
    let hundred_dir = dir.join("hundred");
    std::fs::create_dir_all(&hundred_dir)?;
    let hundred: Vec<PathBuf> = (1..=100)
        .map(|i| hundred_dir.join(format!("hs-{i:03}.pdf")))
        .collect();
    for path in &hundred {
        kyso::pdf::fixtures::write_classic_pdf(path, 1)?;
    }

    // Documents to check: one signed by the test leader, one signed then changed.
    let incoming = dir.join("incoming");
    std::fs::create_dir_all(&incoming)?;
    // The leader's certificate with its issuers, as a token holds them.
    let chain_pem = dir.join("leader-chain.pem");
    std::fs::write(
        &chain_pem,
        format!(
            "{}{}",
            pki.leader.certificate_pem,
            std::fs::read_to_string(&pki.ca_chain_pem_path)?
        ),
    )?;
    let signer = SoftwareSigner::from_pem_files(
        &pki.leader.key_pem_path,
        &chain_pem,
        None,
        SignerOptions::default(),
    )?;
    let unsigned = dir.join("unsigned.pdf");
    kyso::pdf::fixtures::write_classic_pdf(&unsigned, 2)?;
    let signed = incoming.join("den-hop-le.pdf");
    sign_document(
        &signer,
        &unsigned,
        &signed,
        &SignatureRequest::default(),
        true,
    )?;
    let tampered = incoming.join("den-bi-sua.pdf");
    let mut bytes = std::fs::read(&signed)?;
    let at = find(&bytes, b"Kyso test page 1").ok_or("fixture text not found")?;
    bytes[at + 15] = b'9';
    std::fs::write(&tampered, bytes)?;
    // Signed, then page 1 rewritten by a later incremental update (incremental saving attack):
    // its signed version differs from what a viewer shows now.
    let changed = incoming.join("den-sua-sau-ky.pdf");
    let bytes = kyso::verify::attacks::replace_page_content(
        &std::fs::read(&signed)?,
        0,
        b"BT /F1 24 Tf 72 720 Td (So tien: 900.000.000 dong - SUA SAU KHI KY) Tj ET\n",
    )?;
    std::fs::write(&changed, bytes)?;

    let tsa = serve_tsa.then(|| TestTsa::start(&pki, TsaMode::Good));
    let json = serde_json::json!({
        "tsa": tsa.as_ref().map(TestTsa::url),
        "dir": dir,
        "softhsmConf": softhsm.conf_path(),
        "module": softhsm.module_path(),
        "token": TOKEN,
        "pin": PIN,
        "root": pki.root.certificate_pem_path,
        "letter": letter,
        "visible": visible,
        "image": image,
        "batch": batch,
        "big": big,
        "hundred": hundred,
        "signed": signed,
        "tampered": tampered,
        "changed": changed,
    });
    println!("{json}");
    if tsa.is_some() {
        use std::io::{Read, Write};
        std::io::stdout().flush()?;
        // Serve until the test closes our standard input (or ends).
        std::io::stdin().read_to_end(&mut Vec::new())?;
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A short official letter in Vietnamese, for the preview.
fn write_letter(path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut doc = Document::new("Công văn số 123/UBND-VP");
    doc.text(
        "ỦY BAN NHÂN DÂN TỈNH GIA LAI",
        Style::body().bold().centered(),
    );
    doc.text(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        Style::body().bold().centered(),
    );
    doc.text("Độc lập - Tự do - Hạnh phúc", Style::body().centered());
    doc.space(12.0);
    doc.title("CÔNG VĂN");
    doc.text(
        "V/v triển khai chữ ký số chuyên dùng công vụ",
        Style::body().centered(),
    );
    doc.space(8.0);
    doc.paragraph(
        "Kính gửi: Các sở, ban, ngành thuộc tỉnh. Thực hiện Nghị định 30/2020/NĐ-CP về công tác \
         văn thư, Ủy ban nhân dân tỉnh đề nghị các cơ quan, đơn vị ký số văn bản điện tử trước \
         khi gửi qua hệ thống quản lý văn bản và điều hành.",
        13.0,
        false,
    );
    doc.paragraph("Nơi nhận: Như trên; Lưu: VT, VP.", 12.0, false);
    std::fs::write(path, doc.to_bytes()?)?;
    Ok(())
}
