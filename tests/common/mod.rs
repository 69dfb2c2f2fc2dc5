//! Shared set-up of the integration tests: a test PKI and a SoftHSM2 token made fresh for each
//! test in its own temporary folder, the `kyso` binary run as a child with `SOFTHSM2_CONF` set
//! in the child's environment only, and the independent validators.

#![allow(dead_code)] // each test binary uses its own part of the harness

pub mod responders;
pub mod tsa;
pub mod validators;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kyso::demo::{TokenKey, provision_token};
use kyso::pki::demo::{DemoOptions, DemoPki};
use kyso::token::SoftHsm;
use sha2::{Digest, Sha256};

pub const TOKEN: &str = "Kyso Test";
pub const PIN: &str = "246810";
/// `pkcs11-spy` from OpenSC logs every PKCS#11 call a process makes: the tests count logins.
pub const SPY_MODULE: &str = "/usr/lib/x86_64-linux-gnu/pkcs11-spy.so";

/// Key ids on the test token.
pub mod id {
    pub const LEADER: &str = "01";
    pub const ORGANISATION: &str = "02";
    pub const EC: &str = "03";
    pub const EXPIRED: &str = "04";
    pub const NOT_YET_VALID: &str = "05";
    pub const WRONG_KEY_USAGE: &str = "06";
    pub const WEAK_RSA: &str = "07";
    /// A certificate with no private key on the token.
    pub const NO_KEY: &str = "08";
}

pub struct TestEnv {
    pub dir: tempfile::TempDir,
    pub pki: DemoPki,
    pub softhsm: SoftHsm,
}

impl TestEnv {
    /// A PKI and a token holding every test key (see [`id`]).
    pub fn new() -> TestEnv {
        TestEnv::with_options(&DemoOptions::default())
    }

    /// [`TestEnv::new`] with PKI options (e.g. OCSP, CRL and caIssuers URLs of test responders).
    pub fn with_options(options: &DemoOptions) -> TestEnv {
        let dir = tempfile::tempdir().expect("temp dir");
        let pki = DemoPki::generate(&dir.path().join("pki"), options).expect("test PKI");
        let softhsm = SoftHsm::create(&dir.path().join("hsm")).expect("SoftHSM2 (scripts/setup)");
        let keys = [
            (1, "leader", &pki.leader),
            (2, "organisation", &pki.organisation),
            (3, "ec-person", &pki.ec_person),
            (4, "expired", &pki.expired),
            (5, "not-yet-valid", &pki.not_yet_valid),
            (6, "wrong-key-usage", &pki.wrong_key_usage),
            (7, "weak-rsa", &pki.weak_rsa),
        ];
        let keys: Vec<TokenKey<'_>> = keys
            .iter()
            .map(|(id, label, identity)| TokenKey {
                id: *id,
                label,
                identity,
            })
            .collect();
        provision_token(&softhsm, TOKEN, PIN, &pki, &keys).expect("provision token");
        softhsm
            .import_certificate_only(TOKEN, PIN, &[8], "no-key", &pki.tsa.certificate_der)
            .expect("certificate without key");
        TestEnv { dir, pki, softhsm }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn root_pem(&self) -> &Path {
        &self.pki.root.certificate_pem_path
    }

    /// `kyso ARGS` with the token's configuration in the child's environment.
    pub fn kyso(&self) -> Command {
        let mut c = self.softhsm.command(env!("CARGO_BIN_EXE_kyso"));
        // Every run records into this test's own journal, never the user's.
        c.env("KYSO_JOURNAL", self.journal_path());
        c
    }

    /// The signing journal that [`TestEnv::kyso`] runs write to.
    pub fn journal_path(&self) -> PathBuf {
        self.path("journal/journal.sqlite")
    }

    /// `kyso sign --module M --token T --pin-env KYSO_TEST_PIN --json --allow-unknown-revocation`
    /// with `PIN` set.
    pub fn sign(&self) -> Command {
        let mut c = self.kyso();
        c.env("KYSO_TEST_PIN", PIN)
            .arg("sign")
            .arg("--module")
            .arg(self.softhsm.module_path())
            .args(["--token", TOKEN, "--pin-env", "KYSO_TEST_PIN", "--json"])
            // The test certificates give no OCSP/CRL address: their status is unknown by design
            // (tests/revocation_online.rs covers the gate with responders).
            .arg("--allow-unknown-revocation");
        c
    }

    /// Like [`TestEnv::sign`], but through `pkcs11-spy`, which logs every call into `log`.
    pub fn sign_spied(&self, log: &Path) -> Command {
        let mut c = self.kyso();
        c.env("KYSO_TEST_PIN", PIN)
            .env("PKCS11SPY", self.softhsm.module_path())
            .env("PKCS11SPY_OUTPUT", log)
            .arg("sign")
            .args(["--module", SPY_MODULE])
            .args(["--token", TOKEN, "--pin-env", "KYSO_TEST_PIN", "--json"])
            // The test certificates give no OCSP/CRL address: their status is unknown by design
            // (tests/revocation_online.rs covers the gate with responders).
            .arg("--allow-unknown-revocation");
        c
    }

    /// Writes a fixture PDF of `kind` and returns its path.
    pub fn fixture(&self, kind: kyso::pdf::fixtures::FixtureKind) -> PathBuf {
        let dir = self.path(&format!("in-{kind:?}"));
        std::fs::create_dir_all(&dir).unwrap();
        kyso::pdf::fixtures::write_fixture(kind, &dir, 3).expect("fixture")
    }
}

/// Runs a command, returning its output (never panics on a non-zero exit).
pub fn run(command: &mut Command) -> Output {
    command.output().expect("run command")
}

/// The JSON lines a `--json` run printed.
pub fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

pub fn describe(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

pub fn sha256_file(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).expect("read file")))
}

/// Asserts that `output` starts with every byte of `input` (signing only appends).
pub fn assert_prefix(input: &Path, output: &Path) {
    let a = std::fs::read(input).unwrap();
    let b = std::fs::read(output).unwrap();
    assert!(
        b.len() > a.len(),
        "{} is not longer than its input",
        output.display()
    );
    assert!(
        b[..a.len()] == a[..],
        "{} does not start with its input",
        output.display()
    );
}

/// Calls of `function` in a pkcs11-spy log.
pub fn spy_calls(log: &Path, function: &str) -> usize {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines()
        .filter(|l| l.split_whitespace().nth(1) == Some(function) || l.ends_with(function))
        .count()
}

/// Files in `dir` (to prove nothing was left behind).
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

pub fn corpus(name: &str) -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/pdfs"
    ))
    .join(name)
}
