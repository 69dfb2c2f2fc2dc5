//! The independent validators every signature Kyso makes is checked with: pyHanko, poppler's
//! `pdfsig` and `qpdf --check`. They are installed by `scripts/setup`; a missing one is a test
//! failure with the command to run, never a silent skip.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pyhanko_bin() -> PathBuf {
    let p = repo().join(".venv/bin/pyhanko");
    assert!(
        p.exists(),
        "pyHanko is missing at {}: run `scripts/setup` first",
        p.display()
    );
    p
}

/// What pyHanko said of one signature.
#[derive(Debug)]
pub struct PyHankoReport {
    pub text: String,
}

impl PyHankoReport {
    /// The status of each signature, in file order, from pyHanko's one-line-per-signature
    /// output `FIELD:CERT_SHA256:STATUS` (e.g. `INTACT:TRUSTED,UNTOUCHED`; the status itself
    /// contains a colon).
    pub fn statuses(&self) -> Vec<(String, String)> {
        self.text
            .lines()
            .filter_map(|line| {
                let mut parts = line.splitn(3, ':');
                let field = parts.next()?;
                let fingerprint = parts.next()?;
                let status = parts.next()?;
                (fingerprint.len() == 64 && fingerprint.bytes().all(|b| b.is_ascii_hexdigit()))
                    .then(|| (field.to_string(), status.to_string()))
            })
            .collect()
    }
}

/// Runs `pyhanko sign validate` with `root` as the only trust anchor and
/// without revocation checks (the test PKI has no responders in this issue). Panics with
/// pyHanko's output when it cannot run.
pub fn pyhanko_validate(pdf: &Path, root_pem: &Path, extra: &[&str]) -> PyHankoReport {
    let out = Command::new(pyhanko_bin())
        .args(["sign", "validate", "--no-revocation-check"])
        .arg("--trust")
        .arg(root_pem)
        .arg("--trust-replace")
        .args(extra)
        .arg(pdf)
        .output()
        .expect("run pyhanko");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    PyHankoReport { text }
}

/// Asserts that pyHanko finds exactly `expected` signatures in `pdf` and says of each the
/// verdict at the same index, e.g. `INTACT:TRUSTED,UNTOUCHED`.
pub fn assert_pyhanko(pdf: &Path, root_pem: &Path, extra: &[&str], expected: &[&str]) {
    let report = pyhanko_validate(pdf, root_pem, extra);
    let verdicts: Vec<String> = report.statuses().into_iter().map(|(_, v)| v).collect();
    assert_eq!(
        verdicts,
        expected,
        "pyHanko's verdicts on {}:\n{}",
        pdf.display(),
        report.text
    );
}

/// `pdfsig` output for a file, with the root given as the certificate database is not possible
/// (pdfsig uses an NSS database), so certificate trust is not asked of it: only the signature
/// itself (`Signature is Valid`) and the coverage (`Total document signed`).
pub fn pdfsig(pdf: &Path) -> String {
    let out = Command::new("pdfsig")
        .arg("-nocert")
        .arg(pdf)
        .output()
        .expect("run pdfsig (apt package poppler-utils; run scripts/setup)");
    String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
}

/// Asserts that pdfsig finds `count` signatures, every one valid, and that the last one covers
/// the whole document.
pub fn assert_pdfsig_valid(pdf: &Path, count: usize) {
    let text = pdfsig(pdf);
    let valid = text
        .matches("Signature Validation: Signature is Valid.")
        .count();
    assert_eq!(valid, count, "pdfsig on {}:\n{text}", pdf.display());
    let signatures = text.matches("Signature #").count();
    assert_eq!(signatures, count, "pdfsig on {}:\n{text}", pdf.display());
    // pdfsig prints the coverage of each signature; the last one must cover everything.
    let last = text.rsplit("Signature #").next().unwrap_or_default();
    assert!(
        last.contains("Total document signed"),
        "pdfsig: the last signature of {} does not cover the whole file:\n{text}",
        pdf.display()
    );
}

/// Asserts that `qpdf --check` finds no structural error or warning.
pub fn assert_qpdf_check(pdf: &Path) {
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(pdf)
        .output()
        .expect("run qpdf (apt package qpdf; run scripts/setup)");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !text.contains("WARNING"),
        "qpdf --check on {}:\n{text}",
        pdf.display()
    );
}
