//! PAdES B-LT and B-LTA: `kyso extend` and `kyso sign --level b-lt|b-lta` against real
//! loopback services (OpenSSL's OCSP responder and CRL, `openssl ts` as TSA), checked by
//! pyHanko, pdfsig, qpdf, and `kyso verify --offline` with every service stopped.

mod common;

use std::path::Path;
use std::process::Command;

use common::responders::Responders;
use common::tsa::{TestTsa, TsaMode};
use common::validators::{assert_pyhanko, assert_qpdf_check};
use common::{TestEnv, describe, files_in, id, json_lines, run};
use kyso::pdf::fixtures::FixtureKind;
use kyso::pdf::{IncrementalUpdate, PdfFile};
use kyso::pki::CertificateInfo;
use kyso::pki::demo::DemoOptions;
use kyso::pki::revocation::{RevocationStatus, revocation_status};
use kyso::sign::dss::{ValidationData, add_dss};
use kyso::verify::dss::read_dss;
use serde_json::Value;
use time::{Duration, OffsetDateTime};

/// A test PKI whose certificates point at running responders, a token, and a TSA.
struct Lab {
    responders: Responders,
    env: TestEnv,
    tsa: TestTsa,
}

impl Lab {
    fn new() -> Lab {
        Lab::with_options(|options| options)
    }

    /// A lab whose PKI options are the responders' ones changed by `change`.
    fn with_options(change: impl FnOnce(DemoOptions) -> DemoOptions) -> Lab {
        let responders = Responders::start();
        let env = TestEnv::with_options(&change(responders.options()));
        responders.install(&env.pki);
        let tsa = TestTsa::start(&env.pki, TsaMode::Good);
        Lab {
            responders,
            env,
            tsa,
        }
    }

    /// `kyso ARGS` with a revocation cache of its own (`cache`): nothing outside the test's
    /// folder, and no answer reused across steps unless the test wants it.
    fn kyso(&self, cache: &str) -> Command {
        let mut c = self.env.kyso();
        c.env("XDG_CACHE_HOME", self.env.path(cache));
        c
    }

    /// Signs the classic fixture at `level` into `out`.
    fn sign(&self, level: &str, out: &Path) -> std::process::Output {
        let input = self.env.fixture(FixtureKind::Classic);
        let mut c = self.env.sign();
        c.env("XDG_CACHE_HOME", self.env.path("cache-sign"))
            .args(["--cert", id::LEADER, "--level", level, "--tsa"])
            .arg(self.tsa.url())
            .arg("-o")
            .arg(out)
            .arg(input);
        run(&mut c)
    }

    /// `kyso extend --level LEVEL [--tsa URL] --trust ROOT --json INPUT -o OUTPUT`.
    fn extend(
        &self,
        level: &str,
        input: &Path,
        output: &Path,
        cache: &str,
    ) -> std::process::Output {
        let mut c = self.kyso(cache);
        c.args(["extend", "--level", level, "--json", "--trust"])
            .arg(self.env.root_pem());
        if level == "b-lta" {
            c.arg("--tsa").arg(self.tsa.url());
        }
        c.arg(input).arg("-o").arg(output);
        run(&mut c)
    }

    /// `kyso verify --offline --json --trust ROOT FILE`, the report's one line.
    fn verify(&self, file: &Path) -> Value {
        self.verify_with(self.kyso("cache-verify"), file)
    }

    /// [`Lab::verify`] as `command` (e.g. under `faketime`) runs it.
    fn verify_with(&self, mut command: Command, file: &Path) -> Value {
        let out = run(command
            .args(["verify", "--offline", "--json", "--trust"])
            .arg(self.env.root_pem())
            .arg(file));
        let mut lines = json_lines(&out);
        assert_eq!(lines.len(), 1, "{}", describe(&out));
        lines.remove(0)
    }
}

fn signatures(report: &Value) -> &Vec<Value> {
    report["signatures"].as_array().expect("signatures")
}

/// The one signature (not document time-stamp) of a report.
fn the_signature(report: &Value) -> &Value {
    let found: Vec<&Value> = signatures(report)
        .iter()
        .filter(|s| s["kind"] == "signature")
        .collect();
    assert_eq!(found.len(), 1, "{report:#}");
    found[0]
}

/// pyHanko's ETSI EN 319 102-1 AdES validation of the first signature of `pdf`, strict and
/// offline: `root` the only anchor, every certificate below it (signer, CAs, TSAs) needing an
/// OCSP response or a CRL, and nothing fetched — only what the file carries. Returns the
/// level pyHanko's results establish: `B-LTA` when its long-term process (§5.6.3, the document
/// time-stamps as evidence record) passes with an evidence record after the signature,
/// `B-LT` when its validation with time (§5.5) passes on the DSS data alone, else `None`,
/// with pyHanko's output for the failure message.
///
/// `later`: a number of days on to run pyHanko at (`faketime`), with a validation policy that
/// accepts, for time-stamps, revocation data that much older than the validation time:
/// pyHanko validates the last archive time-stamp at the current time, and offline the file's
/// data is all it has. The signer's certificate keeps the strict default.
fn pyhanko_ades_level(
    pdf: &Path,
    root_pem: &Path,
    later: Option<u32>,
) -> (Option<&'static str>, String) {
    const SCRIPT: &str = r#"
import asyncio, dataclasses, sys
from datetime import timedelta
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
# pyHanko's own reader of the DSS into validation data (what its LTA process uses internally).
from pyhanko.sign.validation.ades import (
    _dss_to_local_knowledge, ades_lta_validation, ades_with_time_validation)
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec, RevinfoOnlineFetchingRule, RevocationInfoGatheringSpec,
    SignatureValidationSpec)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy, FreshnessReqType, RevocationCheckingPolicy, RevocationCheckingRule)
from pyhanko_certvalidator.registry import SimpleTrustManager

pdf, root, freshness_days = sys.argv[1], sys.argv[2], int(sys.argv[3])
trust = SimpleTrustManager.build(trust_roots=[load_cert_from_pemder(root)])
required = RevocationCheckingRule.CRL_OR_OCSP_REQUIRED
strict = CertRevTrustPolicy(RevocationCheckingPolicy(required, required))
policy = CertValidationPolicySpec(trust_manager=trust, revinfo_policy=strict)
ts_policy = policy
if freshness_days:
    # For time-stamps only, the validation policy's freshness constraint (EN 319 102-1
    # 5.2.5.4): data up to this many days older than the validation time is accepted.
    ts_policy = CertValidationPolicySpec(trust_manager=trust, revinfo_policy=CertRevTrustPolicy(
        RevocationCheckingPolicy(required, required), freshness=timedelta(days=freshness_days),
        freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION))
spec = SignatureValidationSpec(
    cert_validation_policy=policy, ts_cert_validation_policy=ts_policy,
    revinfo_gathering_policy=RevocationInfoGatheringSpec(
        online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY))

async def main():
    with open(pdf, "rb") as f:
        reader = PdfFileReader(f)
        sig = reader.embedded_regular_signatures[0]
        with_dss = dataclasses.replace(spec, local_knowledge=_dss_to_local_knowledge(reader))
        with_time = await ades_with_time_validation(
            sig.signed_data, with_dss, raw_digest=sig.compute_digest())
        print("with-time", with_time.ades_subindic)
        lta = await ades_lta_validation(sig, PdfSignatureValidationSpec(spec))
        print("lta", lta.ades_subindic)
        print("evidence-record", lta.oldest_evidence_record_timestamp is not None)

asyncio.run(main())
"#;
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    let mut command = match later {
        Some(days) => {
            let mut c = Command::new("faketime");
            c.args(["-f", &format!("+{days}d")]).arg(&python);
            c
        }
        None => Command::new(&python),
    };
    let out = command
        .arg("-c")
        .arg(SCRIPT)
        .arg(pdf)
        .arg(root_pem)
        .arg(later.map_or(0, |days| days + 1).to_string())
        .output()
        .expect("run pyHanko's Python (scripts/setup)");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "pyHanko AdES validation failed to run:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = |line: &str| text.lines().any(|l| l == line);
    let level = if said("lta AdESPassed.OK") && said("evidence-record True") {
        Some("B-LTA")
    } else if said("with-time AdESPassed.OK") {
        Some("B-LT")
    } else {
        None
    };
    (level, text)
}

fn ok(out: &std::process::Output) -> Value {
    assert!(out.status.success(), "{}", describe(out));
    let mut lines = json_lines(out);
    assert_eq!(lines.len(), 1, "{}", describe(out));
    lines.remove(0)
}

#[test]
fn b_lt_then_b_lta_twice_validate_offline_in_kyso_pyhanko_pdfsig_and_qpdf() {
    let mut lab = Lab::new();
    let (bt, lt, lta, lta2) = (
        lab.env.path("b-t.pdf"),
        lab.env.path("b-lt.pdf"),
        lab.env.path("b-lta.pdf"),
        lab.env.path("b-lta-again.pdf"),
    );
    let signed = lab.sign("b-t", &bt);
    assert!(signed.status.success(), "{}", describe(&signed));
    assert_eq!(lab.tsa.request_count(), 1);

    let line = ok(&lab.extend("b-lt", &bt, &lt, "cache-1"));
    assert_eq!(line["level"], "b-lt");
    assert!(
        line["dss"]["certificates_added"].as_u64().unwrap() >= 3,
        "{line:#}"
    );
    assert!(
        line["dss"]["ocsps_added"].as_u64().unwrap() + line["dss"]["crls_added"].as_u64().unwrap()
            >= 2,
        "signer and TSA: {line:#}"
    );
    assert_eq!(lab.tsa.request_count(), 1, "B-LT asks no TSA");
    common::assert_prefix(&bt, &lt);

    let line = ok(&lab.extend("b-lta", &lt, &lta, "cache-2"));
    assert!(line["archive_timestamp_time"].is_string(), "{line:#}");
    assert_eq!(lab.tsa.request_count(), 2, "one TSA call per time-stamp");
    common::assert_prefix(&lt, &lta);

    // Years later: a new DSS (the archive time-stamp's TSA) and a new archive time-stamp.
    let line = ok(&lab.extend("b-lta", &lta, &lta2, "cache-3"));
    assert_eq!(line["signatures"].as_array().unwrap().len(), 2, "{line:#}");
    assert_eq!(lab.tsa.request_count(), 3);

    // Each extension is in the journal, at its level, with the revocation data it put in the
    // DSS and (B-LTA) the archive time-stamp's time.
    let listed = run(lab
        .env
        .kyso()
        .args(["journal", "list", "--kind", "sign", "--json"]));
    let entries: Vec<Value> = json_lines(&listed).into_iter().collect();
    let extensions: Vec<&Value> = entries
        .iter()
        .filter(|e| e["signing"]["level"] != "b-t")
        .collect();
    assert_eq!(extensions.len(), 3, "{entries:#?}");
    // Newest first.
    for (entry, (input, output, level)) in extensions.iter().zip([
        (&lta, &lta2, "b-lta"),
        (&lt, &lta, "b-lta"),
        (&bt, &lt, "b-lt"),
    ]) {
        assert_eq!(entry["ok"], true, "{entry:#}");
        assert_eq!(entry["file_path"], input.display().to_string(), "{entry:#}");
        assert_eq!(entry["sha256"], common::sha256_file(input), "{entry:#}");
        let signing = &entry["signing"];
        assert_eq!(signing["level"], level, "{entry:#}");
        assert_eq!(signing["output_path"], output.display().to_string());
        assert_eq!(signing["output_sha256"], common::sha256_file(output));
        assert_eq!(
            signing["timestamp_time"].is_string(),
            level == "b-lta",
            "{entry:#}"
        );
        let revocation = signing["revocation"].as_array().unwrap();
        assert!(
            revocation
                .iter()
                .any(|r| r["kind"] == "ocsp" && r["stored"] == true),
            "{entry:#}"
        );
    }

    // Every service down: only what the files carry.
    lab.responders.stop_ocsp();
    lab.responders.stop_crl();
    drop(std::mem::replace(
        &mut lab.tsa,
        TestTsa::start(&lab.env.pki, TsaMode::HttpError),
    ));
    for (file, level, stamps) in [(&lt, "B-LT", 0), (&lta, "B-LTA", 1), (&lta2, "B-LTA", 2)] {
        let report = lab.verify(file);
        assert_eq!(report["verdict"], "accepted", "{report:#}");
        let signature = the_signature(&report);
        assert_eq!(signature["indication"], "TOTAL-PASSED", "{report:#}");
        assert_eq!(signature["level"], level, "{report:#}");
        assert!(signature["best_signature_time"].is_string());
        let archive: Vec<&Value> = signatures(&report)
            .iter()
            .filter(|s| s["kind"] == "document-timestamp")
            .collect();
        assert_eq!(archive.len(), stamps, "{report:#}");
        for stamp in archive {
            assert_eq!(stamp["integrity"], "intact", "{report:#}");
        }
        // pdfsig: the signature valid (it cannot check document time-stamps: "Unimplemented
        // Feature"), every time-stamp listed.
        let pdfsig = common::validators::pdfsig(file);
        assert_eq!(pdfsig.matches("Signature is Valid.").count(), 1, "{pdfsig}");
        assert_eq!(
            pdfsig.matches("Signature #").count(),
            1 + stamps,
            "{pdfsig}"
        );
        assert_qpdf_check(file);
        // pyHanko: intact, trusted, time-stamp trusted, and everything after the signature
        // is LTA maintenance (DSS and document time-stamps) it accepts.
        assert_pyhanko(
            file,
            lab.env.root_pem(),
            &[],
            &[
                "INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,EXTENDED_WITH_LTA_UPDATES,ACCEPTABLE_MODIFICATIONS",
            ],
        );
        // pyHanko's strict AdES processes, offline: PASSED at the level Kyso claims, so the
        // file carries revocation data for every certificate below the root (the issuing CA's
        // from the root's CRL, the signer's and the TSA's from OCSP).
        let (ades, text) = pyhanko_ades_level(file, lab.env.root_pem(), None);
        assert_eq!(ades, Some(level), "{}:\n{text}", file.display());
    }
    // The B-T input carries no revocation data: the same strict check does not pass, so the
    // check above is not vacuous.
    let (ades, text) = pyhanko_ades_level(&bt, lab.env.root_pem(), None);
    assert_eq!(ades, None, "{text}");
}

#[test]
fn sign_at_b_lta_writes_only_the_final_output() {
    let lab = Lab::new();
    let out_dir = lab.env.path("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let output = out_dir.join("signed.pdf");
    let signed = lab.sign("b-lta", &output);
    assert!(signed.status.success(), "{}", describe(&signed));
    assert_eq!(files_in(&out_dir), ["signed.pdf"], "no intermediate left");
    let line = &json_lines(&signed)[0];
    assert_eq!(line["level"], "b-lta");
    assert_eq!(
        lab.tsa.request_count(),
        2,
        "signature time-stamp + archive time-stamp"
    );
    assert_eq!(line["sha256"], common::sha256_file(&output));
    let report = lab.verify(&output);
    assert_eq!(report["verdict"], "accepted", "{report:#}");
    assert_eq!(the_signature(&report)["level"], "B-LTA", "{report:#}");

    // The journal keeps the signing at its level, with the revocation data of the pre-sign
    // gate and the data put in the DSS.
    let listed = run(lab
        .env
        .kyso()
        .args(["journal", "list", "--kind", "sign", "--json"]));
    let entries = json_lines(&listed);
    assert_eq!(entries.len(), 1, "{entries:#?}");
    let signing = &entries[0]["signing"];
    assert_eq!(signing["level"], "b-lta", "{signing:#}");
    assert_eq!(signing["output_sha256"], common::sha256_file(&output));
    let sources: Vec<&str> = signing["revocation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert!(sources.contains(&"dss"), "{signing:#}");
    assert!(
        sources.iter().any(|s| *s != "dss"),
        "the gate's: {signing:#}"
    );
}

#[test]
fn revoked_after_the_timestamp_stays_valid_revoked_before_fails() {
    let lab = Lab::new();
    let bt = lab.env.path("b-t.pdf");
    let signed = lab.sign("b-t", &bt);
    assert!(signed.status.success(), "{}", describe(&signed));
    let stamped = OffsetDateTime::now_utc();

    // Revoked (key compromise) after the signature time-stamp: the DSS carries a CRL or OCSP
    // answer saying so; the time-stamp proves the signature came first.
    std::thread::sleep(std::time::Duration::from_secs(2));
    lab.responders.set_index(
        &lab.env.pki,
        &[(
            &lab.env.pki.leader,
            OffsetDateTime::now_utc(),
            "keyCompromise",
        )],
    );
    let later = lab.env.path("revoked-later.pdf");
    let line = ok(&lab.extend("b-lta", &bt, &later, "cache-later"));
    assert!(
        line["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["code"] == "cert-revoked-since"),
        "{line:#}"
    );
    let report = lab.verify(&later);
    let signature = the_signature(&report);
    assert_eq!(signature["indication"], "TOTAL-PASSED", "{report:#}");
    assert_eq!(signature["level"], "B-LTA", "{report:#}");
    assert_eq!(report["verdict"], "accepted", "{report:#}");

    // Revoked with a date before the time-stamp (a compromise found out later): failed.
    lab.responders.set_index(
        &lab.env.pki,
        &[(
            &lab.env.pki.leader,
            stamped - Duration::hours(1),
            "keyCompromise",
        )],
    );
    let before = lab.env.path("revoked-before.pdf");
    ok(&lab.extend("b-lt", &bt, &before, "cache-before"));
    let report = lab.verify(&before);
    let signature = the_signature(&report);
    assert_eq!(signature["indication"], "TOTAL-FAILED", "{report:#}");
    assert_eq!(signature["sub_indication"], "REVOKED", "{report:#}");
    assert_eq!(report["verdict"], "rejected");
}

#[test]
fn a_signer_certificate_expired_since_still_validates_from_its_b_lta_file() {
    // A leader's certificate that expires in 30 days; the verifier's clock 60 days on
    // (`faketime`, in the child process only): the certificate has expired, the file is
    // validated at its signature time-stamp with the data it carries.
    let lab = Lab::with_options(|options| DemoOptions {
        leader_not_after: Some(OffsetDateTime::now_utc() + Duration::days(30)),
        ..options
    });
    let lta = lab.env.path("b-lta.pdf");
    let signed = lab.sign("b-lta", &lta);
    assert!(signed.status.success(), "{}", describe(&signed));

    let later = |days: &str| {
        let c = lab.kyso("cache-verify");
        let program = c.get_program().to_owned();
        let mut faked = Command::new("faketime");
        faked.args(["-f", days]).arg(program);
        for (key, value) in c.get_envs() {
            match value {
                Some(value) => faked.env(key, value),
                None => faked.env_remove(key),
            };
        }
        faked
    };
    let report = lab.verify_with(later("+60d"), &lta);
    // The clock really moved: the report was made 60 days on, after the certificate's end.
    let checked = report["checked_at"].as_str().unwrap().to_owned();
    let not_after = the_signature(&report)["signer"]["not_after"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(checked > not_after, "{checked} vs {not_after}: {report:#}");
    let signature = the_signature(&report);
    assert_eq!(signature["indication"], "TOTAL-PASSED", "{report:#}");
    assert_eq!(signature["level"], "B-LTA", "{report:#}");
    assert_eq!(report["verdict"], "accepted", "{report:#}");

    // pyHanko, strict and offline, with the same clock: its long-term process (past
    // signature validation) passes too, with a policy that accepts the file's revocation
    // data, now 60 days old, for the archive time-stamp it validates at the current time.
    let (ades, text) = pyhanko_ades_level(&lta, lab.env.root_pem(), Some(60));
    assert_eq!(ades, Some("B-LTA"), "{text}");
}

/// Writes `input` plus a DSS holding only `data` to `output` (as another program might).
fn with_dss(input: &Path, data: &ValidationData, output: &Path) {
    let file = PdfFile::open(input).unwrap();
    let mut update = IncrementalUpdate::new(&file);
    add_dss(&mut update, data, OffsetDateTime::now_utc()).unwrap();
    let mut bytes = std::fs::read(input).unwrap();
    bytes.extend(update.finish().unwrap().bytes);
    std::fs::write(output, bytes).unwrap();
}

#[test]
fn the_cas_and_the_tsa_need_revocation_data_too_when_the_file_claims_long_term_data() {
    let lab = Lab::new();
    let (bt, lt) = (lab.env.path("b-t.pdf"), lab.env.path("b-lt.pdf"));
    assert!(lab.sign("b-t", &bt).status.success());
    ok(&lab.extend("b-lt", &bt, &lt, "cache-lt"));
    // What a complete B-LT carries: the chains, OCSP for the leader and the TSA, the root's
    // CRL for the issuing CA.
    let dss = read_dss(&PdfFile::open(&lt).unwrap());
    assert_eq!(dss.crls.len(), 1, "the root's CRL");
    let info = |der: &[u8]| CertificateInfo::from_der(der).unwrap();
    let issuing = info(&lab.env.pki.issuing_ca.certificate_der);
    let about = |identity: &kyso::pki::demo::DemoIdentity, ocsp: &Vec<u8>| {
        revocation_status(
            &info(&identity.certificate_der),
            &issuing,
            std::slice::from_ref(ocsp),
            &[],
            OffsetDateTime::now_utc(),
        )
        .status
            != RevocationStatus::Unknown
    };
    let leader_ocsp: Vec<Vec<u8>> = dss
        .ocsps
        .iter()
        .filter(|o| about(&lab.env.pki.leader, o))
        .cloned()
        .collect();
    assert_eq!(leader_ocsp.len(), 1);
    assert!(dss.ocsps.iter().any(|o| about(&lab.env.pki.tsa, o)));

    let cases = [
        // The leader's and the TSA's status, not the issuing CA's.
        (
            "no-ca.pdf",
            dss.ocsps.clone(),
            Vec::new(),
            "Kyso Test Issuing CA G2",
        ),
        // The leader's and the CA's, not the TSA's.
        ("no-tsa.pdf", leader_ocsp, dss.crls.clone(), "Kyso Test TSA"),
    ];
    for (name, ocsps, crls, missing) in cases {
        let partial = lab.env.path(name);
        let data = ValidationData {
            certificates: dss.certs.clone(),
            ocsp_responses: ocsps,
            crls,
            vri: Vec::new(),
        };
        with_dss(&bt, &data, &partial);
        let report = lab.verify(&partial);
        let signature = the_signature(&report);
        assert_eq!(
            signature["indication"], "INDETERMINATE",
            "{name}: {report:#}"
        );
        assert_eq!(
            signature["sub_indication"], "TRY_LATER",
            "{name}: {report:#}"
        );
        assert_eq!(signature["level"], "B-T", "{name}: {report:#}");
        assert!(
            signature["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["vi"].as_str().unwrap().contains(missing)
                    && r["en"].as_str().unwrap().contains(missing)),
            "{name}: the reason names {missing}: {report:#}"
        );
    }

    // The issuing CA revoked (by the root's CRL) before the signature: not valid, whatever
    // the leader's own status says.
    let stamped = OffsetDateTime::now_utc();
    lab.responders.set_root_index(
        &lab.env.pki,
        Some((stamped - Duration::hours(1), "keyCompromise")),
    );
    let revoked_ca = lab.env.path("revoked-ca.pdf");
    let line = ok(&lab.extend("b-lt", &bt, &revoked_ca, "cache-revoked-ca"));
    assert!(
        line["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["code"] == "cert-revoked-since"),
        "{line:#}"
    );
    let report = lab.verify(&revoked_ca);
    let signature = the_signature(&report);
    assert_ne!(signature["indication"], "TOTAL-PASSED", "{report:#}");
    assert_eq!(
        signature["sub_indication"], "REVOKED_CA_NO_POE",
        "{report:#}"
    );
    assert_eq!(report["verdict"], "rejected", "{report:#}");
}

/// `kyso sign` at B-B (no time-stamp of its own) into `out`.
fn sign_b_b(lab: &Lab, out: &Path) {
    let input = lab.env.fixture(FixtureKind::Classic);
    let signed = run(lab
        .env
        .sign()
        .env("XDG_CACHE_HOME", lab.env.path("cache-sign"))
        .args(["--cert", id::LEADER, "-o"])
        .arg(out)
        .arg(input));
    assert!(signed.status.success(), "{}", describe(&signed));
}

#[test]
fn an_archive_time_stamp_is_proof_of_existence_for_a_signature_without_its_own() {
    // EN 319 102-1 §5.6.2: a B-B signature, then DSS + document time-stamp (kyso extend): the
    // archive time-stamp proves the signature existed at its time.
    let lab = Lab::new();
    let bb = lab.env.path("b-b.pdf");
    sign_b_b(&lab, &bb);
    let archived = lab.env.path("archived.pdf");
    let line = ok(&lab.extend("b-lta", &bb, &archived, "cache-archive"));
    let archive_time = line["archive_timestamp_time"].clone();
    assert!(archive_time.is_string(), "{line:#}");

    // Revoked (key compromise) after the archive time-stamp; the next extension carries the
    // answer that says so, and a new archive time-stamp.
    std::thread::sleep(std::time::Duration::from_secs(2));
    lab.responders.set_index(
        &lab.env.pki,
        &[(
            &lab.env.pki.leader,
            OffsetDateTime::now_utc(),
            "keyCompromise",
        )],
    );
    let later = lab.env.path("revoked-later.pdf");
    let line = ok(&lab.extend("b-lta", &archived, &later, "cache-later"));
    assert!(
        line["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["code"] == "cert-revoked-since"),
        "{line:#}"
    );
    let report = lab.verify(&later);
    let signature = the_signature(&report);
    assert_eq!(signature["indication"], "TOTAL-PASSED", "{report:#}");
    assert_eq!(report["verdict"], "accepted", "{report:#}");
    assert_eq!(signature["timestamp_time"], Value::Null, "{report:#}");
    assert_eq!(signature["best_signature_time"], archive_time, "{report:#}");
    assert!(
        signature["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "cert-revoked-after-timestamp"),
        "{report:#}"
    );

    // Revoked after the claimed signing time but before the (only) archive time-stamp: nothing
    // proves the signature came before the revocation.
    let lab = Lab::new();
    let bb = lab.env.path("b-b.pdf");
    sign_b_b(&lab, &bb);
    std::thread::sleep(std::time::Duration::from_secs(3));
    lab.responders.set_index(
        &lab.env.pki,
        &[(
            &lab.env.pki.leader,
            OffsetDateTime::now_utc() - Duration::seconds(1),
            "keyCompromise",
        )],
    );
    let late = lab.env.path("archived-too-late.pdf");
    ok(&lab.extend("b-lta", &bb, &late, "cache-late"));
    let report = lab.verify(&late);
    let signature = the_signature(&report);
    assert_eq!(signature["indication"], "INDETERMINATE", "{report:#}");
    assert_eq!(signature["sub_indication"], "REVOKED_NO_POE", "{report:#}");
    assert_eq!(report["verdict"], "rejected", "{report:#}");
}

/// A document time-stamp from a TSA the verifier does not trust is intact and has a time, but
/// proves nothing: the signature it covers stays B-LT (EN 319 142-1 §6.3 asks a trusted
/// archive time-stamp for B-LTA).
#[test]
fn an_untrusted_archive_time_stamp_does_not_make_b_lta() {
    let lab = Lab::new();
    let (bt, lt, lta) = (
        lab.env.path("b-t.pdf"),
        lab.env.path("b-lt.pdf"),
        lab.env.path("b-lta-untrusted.pdf"),
    );
    let signed = lab.sign("b-t", &bt);
    assert!(signed.status.success(), "{}", describe(&signed));
    ok(&lab.extend("b-lt", &bt, &lt, "cache-1"));

    // Another PKI's TSA (with its own responders), trusted while extending but not by the
    // verifier.
    let stranger = Lab::new();
    let mut extend = lab.kyso("cache-2");
    extend
        .args(["extend", "--level", "b-lta", "--json", "--trust"])
        .arg(lab.env.root_pem())
        .arg("--trust")
        .arg(stranger.env.root_pem())
        .arg("--tsa")
        .arg(stranger.tsa.url())
        .arg(&lt)
        .arg("-o")
        .arg(&lta);
    ok(&run(&mut extend));

    let report = lab.verify(&lta);
    let stamps: Vec<&Value> = signatures(&report)
        .iter()
        .filter(|s| s["kind"] == "document-timestamp")
        .collect();
    assert_eq!(stamps.len(), 1, "{report:#}");
    assert_eq!(stamps[0]["integrity"], "intact", "{report:#}");
    assert_ne!(stamps[0]["indication"], "TOTAL-PASSED", "{report:#}");
    let signature = the_signature(&report);
    assert_eq!(signature["indication"], "TOTAL-PASSED", "{report:#}");
    assert_eq!(signature["level"], "B-LT", "{report:#}");
}

#[test]
fn no_revocation_data_is_a_clear_failure_with_no_output() {
    let mut lab = Lab::new();
    let bt = lab.env.path("b-t.pdf");
    assert!(lab.sign("b-t", &bt).status.success());
    let out_dir = lab.env.path("out");
    std::fs::create_dir_all(&out_dir).unwrap();

    // Responders down: no OCSP, no CRL.
    lab.responders.stop_ocsp();
    lab.responders.stop_crl();
    let output = out_dir.join("x.pdf");
    let out = lab.extend("b-lt", &bt, &output, "cache-down");
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let line = &json_lines(&out)[0];
    assert_eq!(line["ok"], false);
    assert_eq!(line["error"]["code"], "revocation-unavailable", "{line:#}");
    assert!(
        line["error"]["vi"]
            .as_str()
            .unwrap()
            .contains("Không lấy được dữ liệu thu hồi"),
        "{line:#}"
    );
    assert!(files_in(&out_dir).is_empty(), "{:?}", files_in(&out_dir));

    // A file signed by other software with certificates that chain to no given root.
    let corpus = common::corpus("itext_pades_B-LT.pdf");
    let out = lab.extend("b-lt", &corpus, &output, "cache-corpus");
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let line = &json_lines(&out)[0];
    assert!(
        ["untrusted", "revocation-unavailable"].contains(&line["error"]["code"].as_str().unwrap()),
        "{line:#}"
    );
    assert!(files_in(&out_dir).is_empty(), "{:?}", files_in(&out_dir));

    // A journal that cannot be opened: refused before any request, as `kyso sign` does.
    let mut c = lab.kyso("cache-journal");
    c.env("KYSO_JOURNAL", bt.join("not-a-folder/journal.sqlite"))
        .args(["extend", "--level", "b-lt", "--json", "--trust"])
        .arg(lab.env.root_pem())
        .arg(&bt)
        .arg("-o")
        .arg(&output);
    let out = run(&mut c);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--no-journal"),
        "{}",
        describe(&out)
    );
    assert!(files_in(&out_dir).is_empty(), "{:?}", files_in(&out_dir));

    // B-LTA with the TSA down: nothing written either.
    let mut lab2 = Lab::new();
    let bt2 = lab2.env.path("b-t.pdf");
    assert!(lab2.sign("b-t", &bt2).status.success());
    drop(std::mem::replace(
        &mut lab2.tsa,
        TestTsa::start(&lab2.env.pki, TsaMode::HttpError),
    ));
    let out = lab2.extend("b-lta", &bt2, &output, "cache-tsa");
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(files_in(&out_dir).is_empty(), "{:?}", files_in(&out_dir));
}

/// Benchmark, not a test (no assertion on time): `cargo test --release --test ltv_cli --
/// --ignored --nocapture ltv_benchmark`. Whole `kyso sign` processes at each level with the
/// loopback TSA, OCSP responder and CRL server; prints median and minimum per level and the TSA
/// calls per signature (docs/benchmarks.md).
#[test]
#[ignore]
fn ltv_benchmark() {
    const RUNS: usize = 9;
    let lab = Lab::new();
    let mut rows = Vec::new();
    for level in ["b-b", "b-t", "b-lt", "b-lta"] {
        let before = lab.tsa.request_count();
        let mut times = Vec::new();
        for i in 0..RUNS {
            let out = lab.env.path(&format!("bench-{level}-{i}.pdf"));
            let started = std::time::Instant::now();
            let signed = if level == "b-b" {
                let input = lab.env.fixture(FixtureKind::Classic);
                run(lab
                    .env
                    .sign()
                    .env("XDG_CACHE_HOME", lab.env.path("cache-bench"))
                    .args(["--cert", id::LEADER, "-o"])
                    .arg(&out)
                    .arg(input))
            } else {
                lab.sign(level, &out)
            };
            times.push(started.elapsed().as_secs_f64());
            assert!(signed.status.success(), "{}", describe(&signed));
        }
        times.sort_by(f64::total_cmp);
        let calls = (lab.tsa.request_count() - before) as f64 / RUNS as f64;
        rows.push((level, times[RUNS / 2], times[0], calls));
    }
    let (_, base_median, base_min, _) = rows[0];
    println!(
        "| level | median (s) | min (s) | added over B-B, median (s) | added, min (s) | TSA calls per signature |"
    );
    for (level, median, min, calls) in rows {
        println!(
            "| {level} | {median:.3} | {min:.3} | {:.3} | {:.3} | {calls} |",
            median - base_median,
            min - base_min
        );
    }
}
