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

/// pyHanko's ETSI EN 319 102-1 §5.5 "validation with time" of the first signature of `pdf`
/// (the AdES process that uses a signature time-stamp, i.e. what makes a B-T signature more
/// than B-B), with `root` trusted for the signer and the TSA and no revocation checks.
/// Returns pyHanko's sub-indication (`AdESPassed.OK` when it passes) and the best signature
/// time it established (the time-stamp's genTime for a B-T signature), in Unix seconds.
pub fn pyhanko_ades_with_time(pdf: &Path, root_pem: &Path) -> (String, i64) {
    const SCRIPT: &str = r#"
import asyncio, sys
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.ades import ades_with_time_validation
from pyhanko.sign.validation.policy_decl import SignatureValidationSpec
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy, RevocationCheckingPolicy, RevocationCheckingRule)
from pyhanko_certvalidator.registry import SimpleTrustManager

pdf, root = sys.argv[1], sys.argv[2]
no_check = RevocationCheckingRule.NO_CHECK
policy = CertValidationPolicySpec(
    trust_manager=SimpleTrustManager.build(trust_roots=[load_cert_from_pemder(root)]),
    revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy(no_check, no_check)))
spec = SignatureValidationSpec(cert_validation_policy=policy, ts_cert_validation_policy=policy)
with open(pdf, "rb") as f:
    sig = PdfFileReader(f).embedded_regular_signatures[0]
    result = asyncio.run(ades_with_time_validation(
        sig.signed_data, spec, raw_digest=sig.compute_digest()))
    print(result.ades_subindic)
    print(int(result.best_signature_time.timestamp()))
"#;
    let python = repo().join(".venv/bin/python");
    let out = Command::new(&python)
        .arg("-c")
        .arg(SCRIPT)
        .arg(pdf)
        .arg(root_pem)
        .output()
        .expect("run pyHanko's Python (scripts/setup)");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "pyHanko AdES validation failed to run:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines = text.lines();
    let indication = lines.next().unwrap_or_default().to_owned();
    let best_time = lines
        .next()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("pyHanko printed no best signature time:\n{text}"));
    (indication, best_time)
}
