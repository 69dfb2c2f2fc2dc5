//! The demo PKI: a root shaped like the Ban Cơ yếu Chính phủ root, an issuing CA, the
//! certificates an office uses (a leader, the organisation, an EC person), the bad ones the
//! pre-sign gate must refuse, and a TSA and an OCSP responder for the later levels.
//!
//! Everything is generated at run time into one folder; every subject says THỬ NGHIỆM / DEMO.
//! `kyso demo` uses it, and so do the test suites.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::thread;

use const_oid::db::rfc5280::{ID_KP_EMAIL_PROTECTION, ID_KP_OCSP_SIGNING, ID_KP_TIME_STAMPING};
use der::Encode;
use der::asn1::{Null, OctetString};
use time::{Duration, OffsetDateTime};
use x509_cert::ext::Extension;
use zeroize::Zeroizing;

use super::certificate::KeyUsageFlags;
use super::issue::{CertificateAuthority, CertificateSpec, IssueError, SubjectName, oids};
use super::keygen::{GeneratedKey, KeyAlgorithm, KeyError};
use crate::message::{Explain, Message};

/// The organisation of every demo CA: clearly not the real Ban Cơ yếu Chính phủ.
pub const DEMO_CA_ORGANISATION: &str = "Ban Cơ yếu Chính phủ (THỬ NGHIỆM — TEST)";
/// The organisation of the demo office.
pub const DEMO_OFFICE: &str = "Sở Khoa học và Công nghệ tỉnh Gia Lai";
/// The organisational unit that marks every demo end-entity certificate; longer than the 64
/// characters of RFC 5280's upper bound, as real Vietnamese names sometimes are.
pub const DEMO_UNIT: &str =
    "THỬ NGHIỆM — DEMO, KHÔNG CÓ GIÁ TRỊ PHÁP LÝ — Văn phòng Sở Khoa học và Công nghệ tỉnh Gia Lai";

/// Settings for [`DemoPki::generate`].
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// "Now" for validity periods: good certificates are valid from an hour before.
    pub now: OffsetDateTime,
    /// RSA modulus length for the CAs and the RSA end entities.
    pub rsa_bits: usize,
    /// cRLDistributionPoints URL put in end-entity certificates, if any.
    pub crl_url: Option<String>,
    /// authorityInfoAccess OCSP URL put in end-entity certificates, if any.
    pub ocsp_url: Option<String>,
    /// authorityInfoAccess caIssuers URL (where the issuing CA's certificate is served) put in
    /// end-entity certificates, if any.
    pub ca_issuers_url: Option<String>,
    /// cRLDistributionPoints URL put in the issuing CA's certificate (where a CRL signed by the
    /// root is served), if any: with it, every certificate below the anchor has revocation
    /// data, as strict AdES validators (EN 319 102-1 §5.2.6, pyHanko) require for B-LT.
    pub ca_crl_url: Option<String>,
    /// notAfter of the leader's certificate, when a shorter life than two years is wanted (a
    /// certificate that expires while the signatures it made must stay valid).
    pub leader_not_after: Option<OffsetDateTime>,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            now: OffsetDateTime::now_utc(),
            rsa_bits: 2048,
            crl_url: None,
            ocsp_url: None,
            ca_issuers_url: None,
            ca_crl_url: None,
            leader_not_after: None,
        }
    }
}

/// Why the demo PKI could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// A key could not be generated.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A certificate could not be issued.
    #[error(transparent)]
    Issue(#[from] IssueError),
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Explain for DemoError {
    fn message(&self) -> Message {
        match self {
            DemoError::Key(e) => e.message(),
            DemoError::Issue(e) => e.message(),
            DemoError::Io { path, source } => Message::new(
                "io-error",
                format!("Không ghi được tệp {}: {source}", path.display()),
                format!("Cannot write {}: {source}", path.display()),
            ),
        }
    }
}

/// One certificate of the demo PKI, its key and the files they were written to.
#[derive(Debug)]
pub struct DemoIdentity {
    /// Short name, also the file stem (`leader`, `expired`, …).
    pub slug: &'static str,
    /// Key algorithm.
    pub algorithm: KeyAlgorithm,
    /// The certificate (DER).
    pub certificate_der: Vec<u8>,
    /// The certificate (PEM).
    pub certificate_pem: String,
    /// `<slug>.crt.der`
    pub certificate_der_path: PathBuf,
    /// `<slug>.crt.pem`
    pub certificate_pem_path: PathBuf,
    /// The private key, PKCS#8 DER.
    pub key_pkcs8_der: Zeroizing<Vec<u8>>,
    /// The private key, PKCS#8 PEM.
    pub key_pkcs8_pem: Zeroizing<String>,
    /// `<slug>.key.der` (mode 0600)
    pub key_der_path: PathBuf,
    /// `<slug>.key.pem` (mode 0600)
    pub key_pem_path: PathBuf,
    /// Issuer certificates (DER), nearest first; empty for the root.
    pub chain_der: Vec<Vec<u8>>,
}

/// The generated demo PKI.
#[derive(Debug)]
pub struct DemoPki {
    /// The folder everything was written to.
    pub dir: PathBuf,
    /// Self-signed root, RSA: `CN=Kyso Test Root CA G2`.
    pub root: DemoIdentity,
    /// Issuing CA under the root (pathLen 0), RSA.
    pub issuing_ca: DemoIdentity,
    /// A leader's personal certificate, RSA: `CN=Nguyễn Văn An`.
    pub leader: DemoIdentity,
    /// The organisation's certificate, RSA: `CN=Sở Khoa học và Công nghệ tỉnh Gia Lai`.
    pub organisation: DemoIdentity,
    /// A personal certificate on ECDSA P-256.
    pub ec_person: DemoIdentity,
    /// Expired a day ago.
    pub expired: DemoIdentity,
    /// Valid from 30 days on.
    pub not_yet_valid: DemoIdentity,
    /// keyUsage keyEncipherment only.
    pub wrong_key_usage: DemoIdentity,
    /// RSA 1024.
    pub weak_rsa: DemoIdentity,
    /// Time-stamping unit: extKeyUsage timeStamping, critical.
    pub tsa: DemoIdentity,
    /// OCSP responder: extKeyUsage OCSPSigning, id-pkix-ocsp-nocheck.
    pub ocsp_responder: DemoIdentity,
    /// `ca-chain.pem`: the issuing CA, then the root.
    pub ca_chain_pem_path: PathBuf,
    issuing_authority: CertificateAuthority,
}

/// The subject of the demo leader (a personal certificate).
pub fn leader_subject() -> SubjectName {
    person("Nguyễn Văn An", Some("Giám đốc"))
}

/// The subject of the demo organisation certificate.
pub fn organisation_subject() -> SubjectName {
    SubjectName {
        common_name: DEMO_OFFICE.into(),
        ..person(DEMO_OFFICE, None)
    }
}

fn person(name: &str, title: Option<&str>) -> SubjectName {
    SubjectName {
        common_name: name.into(),
        organisation: Some(DEMO_OFFICE.into()),
        organisational_units: vec![DEMO_UNIT.into()],
        title: title.map(Into::into),
        locality: Some("Gia Lai".into()),
        province: None,
        country: Some("VN".into()),
    }
}

fn authority_subject(common_name: &str) -> SubjectName {
    SubjectName {
        common_name: common_name.into(),
        organisation: Some(DEMO_CA_ORGANISATION.into()),
        country: Some("VN".into()),
        ..SubjectName::default()
    }
}

/// Whole seconds: certificates carry no fractions, and equal inputs should give equal dates.
fn truncate(at: OffsetDateTime) -> OffsetDateTime {
    at.replace_nanosecond(0).unwrap_or(at)
}

impl DemoPki {
    /// Generates the whole demo PKI into `dir` (created if missing; existing files of the same
    /// names are replaced).
    ///
    /// Keys are generated in parallel threads; RSA key generation dominates the time.
    pub fn generate(dir: &Path, options: &DemoOptions) -> Result<DemoPki, DemoError> {
        fs::create_dir_all(dir).map_err(|source| DemoError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let rsa = KeyAlgorithm::Rsa(options.rsa_bits);
        let algorithms = [
            rsa,                     // 0 root
            rsa,                     // 1 issuing CA
            rsa,                     // 2 leader
            rsa,                     // 3 organisation
            KeyAlgorithm::EcP256,    // 4 EC person
            rsa,                     // 5 expired
            rsa,                     // 6 not yet valid
            rsa,                     // 7 wrong key usage
            KeyAlgorithm::Rsa(1024), // 8 weak
            rsa,                     // 9 TSA
            KeyAlgorithm::EcP256,    // 10 OCSP responder
        ];
        let keys = generate_keys(&algorithms)?;
        let [
            root_key,
            issuing_key,
            leader_key,
            organisation_key,
            ec_key,
            expired_key,
            future_key,
            wrong_usage_key,
            weak_key,
            tsa_key,
            ocsp_key,
        ] = keys;

        let now = truncate(options.now);
        let from = now - Duration::hours(1);
        let until = now + Duration::days(2 * 365);

        let root_spec = CertificateSpec {
            policies: vec![oids::TEST_CERTIFICATE_POLICY],
            ..CertificateSpec::authority(
                authority_subject("Kyso Test Root CA G2"),
                now - Duration::days(1),
                now + Duration::days(20 * 365),
                None,
                root_key.spki_der().to_vec(),
            )
        };
        let root_authority = CertificateAuthority::self_signed(&root_spec, root_key.pkcs8_der())?;
        let root_der = root_authority.certificate_der().to_vec();

        let issuing_spec = CertificateSpec {
            policies: vec![oids::TEST_CERTIFICATE_POLICY],
            crl_urls: options.ca_crl_url.iter().cloned().collect(),
            ..CertificateSpec::authority(
                authority_subject("Kyso Test Issuing CA G2"),
                now - Duration::days(1),
                now + Duration::days(10 * 365),
                Some(0),
                issuing_key.spki_der().to_vec(),
            )
        };
        let issuing_der = root_authority.issue(&issuing_spec)?;
        let issuing_authority =
            CertificateAuthority::from_parts(&issuing_der, issuing_key.pkcs8_der())?;

        let end_entity = |subject: SubjectName, key: &GeneratedKey| CertificateSpec {
            policies: vec![oids::TEST_CERTIFICATE_POLICY],
            crl_urls: options.crl_url.iter().cloned().collect(),
            ocsp_urls: options.ocsp_url.iter().cloned().collect(),
            ca_issuers_urls: options.ca_issuers_url.iter().cloned().collect(),
            ..CertificateSpec::signing(subject, from, until, key.spki_der().to_vec())
        };

        let leader_spec = CertificateSpec {
            extended_key_usage: vec![ID_KP_EMAIL_PROTECTION, oids::ID_KP_DOCUMENT_SIGNING],
            email: Some("nguyenvanan@demo.invalid".into()),
            not_after: options.leader_not_after.map_or(until, truncate),
            ..end_entity(leader_subject(), &leader_key)
        };
        let organisation_spec = end_entity(organisation_subject(), &organisation_key);
        let ec_spec = CertificateSpec {
            extended_key_usage: vec![oids::ID_KP_DOCUMENT_SIGNING],
            ..end_entity(person("Trần Thị Bình", Some("Phó Giám đốc")), &ec_key)
        };
        let expired_spec = CertificateSpec {
            not_before: now - Duration::days(2 * 365),
            not_after: now - Duration::days(1),
            ..end_entity(person("Lê Văn Cường", Some("Chuyên viên")), &expired_key)
        };
        let future_spec = CertificateSpec {
            not_before: now + Duration::days(30),
            not_after: until,
            ..end_entity(person("Phạm Thị Dung", Some("Chuyên viên")), &future_key)
        };
        let wrong_usage_spec = CertificateSpec {
            key_usage: KeyUsageFlags {
                key_encipherment: true,
                critical: true,
                ..KeyUsageFlags::default()
            },
            ..end_entity(
                person("Hoàng Văn Em", Some("Chuyên viên")),
                &wrong_usage_key,
            )
        };
        let weak_spec = end_entity(person("Vũ Thị Giang", Some("Chuyên viên")), &weak_key);
        let tsa_spec = CertificateSpec {
            key_usage: KeyUsageFlags {
                digital_signature: true,
                critical: true,
                ..KeyUsageFlags::default()
            },
            extended_key_usage: vec![ID_KP_TIME_STAMPING],
            extended_key_usage_critical: true,
            ..end_entity(authority_subject("Kyso Test TSA"), &tsa_key)
        };
        let ocsp_spec = CertificateSpec {
            key_usage: KeyUsageFlags {
                digital_signature: true,
                critical: true,
                ..KeyUsageFlags::default()
            },
            extended_key_usage: vec![ID_KP_OCSP_SIGNING],
            extra_extensions: vec![ocsp_no_check()?],
            crl_urls: Vec::new(),
            ocsp_urls: Vec::new(),
            ca_issuers_urls: Vec::new(),
            ..end_entity(authority_subject("Kyso Test OCSP Responder"), &ocsp_key)
        };

        let chain = vec![issuing_der.clone(), root_der.clone()];
        let write = |slug: &'static str, der: Vec<u8>, key: GeneratedKey, chain: Vec<Vec<u8>>| {
            write_identity(dir, slug, der, key, chain)
        };
        let issue = |spec: &CertificateSpec| issuing_authority.issue(spec);

        let pki = DemoPki {
            dir: dir.to_path_buf(),
            root: write("root-ca", root_der.clone(), root_key, Vec::new())?,
            issuing_ca: write(
                "issuing-ca",
                issuing_der.clone(),
                issuing_key,
                vec![root_der.clone()],
            )?,
            leader: write("leader", issue(&leader_spec)?, leader_key, chain.clone())?,
            organisation: write(
                "organisation",
                issue(&organisation_spec)?,
                organisation_key,
                chain.clone(),
            )?,
            ec_person: write("ec-person", issue(&ec_spec)?, ec_key, chain.clone())?,
            expired: write("expired", issue(&expired_spec)?, expired_key, chain.clone())?,
            not_yet_valid: write(
                "not-yet-valid",
                issue(&future_spec)?,
                future_key,
                chain.clone(),
            )?,
            wrong_key_usage: write(
                "wrong-key-usage",
                issue(&wrong_usage_spec)?,
                wrong_usage_key,
                chain.clone(),
            )?,
            weak_rsa: write("weak-rsa-1024", issue(&weak_spec)?, weak_key, chain.clone())?,
            tsa: write("tsa", issue(&tsa_spec)?, tsa_key, chain.clone())?,
            ocsp_responder: write(
                "ocsp-responder",
                issue(&ocsp_spec)?,
                ocsp_key,
                chain.clone(),
            )?,
            ca_chain_pem_path: dir.join("ca-chain.pem"),
            issuing_authority,
        };

        let mut chain_pem = String::new();
        for der in &chain {
            chain_pem.push_str(&certificate_pem(der)?);
        }
        write_file(&pki.ca_chain_pem_path, chain_pem.as_bytes(), false)?;
        write_file(
            &dir.join("README.txt"),
            "THỬ NGHIỆM — hạ tầng khóa công khai giả lập của Kyso, KHÔNG CÓ GIÁ TRỊ PHÁP LÝ.\n\
             TEST ONLY — Kyso's demo PKI, NO LEGAL VALUE. Private keys are stored unencrypted.\n"
                .as_bytes(),
            false,
        )?;
        Ok(pki)
    }

    /// The issuing CA, to certify more keys (for example a key pair made on a demo token).
    pub fn issuing_authority(&self) -> &CertificateAuthority {
        &self.issuing_authority
    }

    /// Every identity, root first.
    pub fn identities(&self) -> [&DemoIdentity; 11] {
        [
            &self.root,
            &self.issuing_ca,
            &self.leader,
            &self.organisation,
            &self.ec_person,
            &self.expired,
            &self.not_yet_valid,
            &self.wrong_key_usage,
            &self.weak_rsa,
            &self.tsa,
            &self.ocsp_responder,
        ]
    }
}

/// The spec the demo uses for a personal signing certificate, for a key made elsewhere (e.g.
/// on a SoftHSM token): the demo leader's name, valid from an hour before `now` for two years.
pub fn leader_spec_for_key(now: OffsetDateTime, public_key_spki: Vec<u8>) -> CertificateSpec {
    let now = truncate(now);
    CertificateSpec {
        policies: vec![oids::TEST_CERTIFICATE_POLICY],
        extended_key_usage: vec![ID_KP_EMAIL_PROTECTION, oids::ID_KP_DOCUMENT_SIGNING],
        ..CertificateSpec::signing(
            leader_subject(),
            now - Duration::hours(1),
            now + Duration::days(2 * 365),
            public_key_spki,
        )
    }
}

/// id-pkix-ocsp-nocheck, whose value is NULL (RFC 6960 §4.2.2.2.1).
fn ocsp_no_check() -> Result<Extension, IssueError> {
    let encoding = |e: der::Error| IssueError::Build(e.to_string());
    Ok(Extension {
        extn_id: oids::ID_PKIX_OCSP_NOCHECK,
        critical: false,
        extn_value: OctetString::new(Null.to_der().map_err(encoding)?).map_err(encoding)?,
    })
}

fn generate_keys<const N: usize>(
    algorithms: &[KeyAlgorithm; N],
) -> Result<[GeneratedKey; N], KeyError> {
    let results: Vec<Result<GeneratedKey, KeyError>> = thread::scope(|scope| {
        let handles: Vec<_> = algorithms
            .iter()
            .map(|&algorithm| scope.spawn(move || GeneratedKey::generate(algorithm)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle.join().unwrap_or_else(|_| {
                    Err(KeyError::Generation {
                        algorithm: KeyAlgorithm::Rsa(0),
                        detail: "key generation thread panicked".into(),
                    })
                })
            })
            .collect()
    });
    let keys = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    keys.try_into().map_err(|_| KeyError::Generation {
        algorithm: KeyAlgorithm::Rsa(0),
        detail: "wrong number of keys".into(),
    })
}

fn certificate_pem(der: &[u8]) -> Result<String, DemoError> {
    der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, der)
        .map_err(|e| DemoError::Issue(IssueError::Build(e.to_string())))
}

fn write_identity(
    dir: &Path,
    slug: &'static str,
    certificate_der: Vec<u8>,
    key: GeneratedKey,
    chain_der: Vec<Vec<u8>>,
) -> Result<DemoIdentity, DemoError> {
    let certificate_pem = certificate_pem(&certificate_der)?;
    let key_pkcs8_pem = key.pkcs8_pem()?;
    let identity = DemoIdentity {
        slug,
        algorithm: key.algorithm(),
        certificate_der_path: dir.join(format!("{slug}.crt.der")),
        certificate_pem_path: dir.join(format!("{slug}.crt.pem")),
        key_der_path: dir.join(format!("{slug}.key.der")),
        key_pem_path: dir.join(format!("{slug}.key.pem")),
        key_pkcs8_der: Zeroizing::new(key.pkcs8_der().to_vec()),
        key_pkcs8_pem,
        certificate_der,
        certificate_pem,
        chain_der,
    };
    write_file(
        &identity.certificate_der_path,
        &identity.certificate_der,
        false,
    )?;
    write_file(
        &identity.certificate_pem_path,
        identity.certificate_pem.as_bytes(),
        false,
    )?;
    write_file(&identity.key_der_path, &identity.key_pkcs8_der, true)?;
    write_file(
        &identity.key_pem_path,
        identity.key_pkcs8_pem.as_bytes(),
        true,
    )?;
    Ok(identity)
}

/// Writes `bytes` to `path`; private keys are created readable by the owner only.
fn write_file(path: &Path, bytes: &[u8], private: bool) -> Result<(), DemoError> {
    let io = |source| DemoError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io)?;
    // `mode` only applies to new files; a key file left by an earlier run is narrowed too.
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(io)?;
    }
    #[cfg(not(unix))]
    let _ = private;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::{CertificateInfo, EcCurve, PublicKeyKind};
    use std::process::Command;

    fn openssl(args: &[&str]) -> (bool, String) {
        let output = Command::new("openssl").args(args).output().unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr),
        )
    }

    #[test]
    fn demo_pki_has_the_expected_shape_and_openssl_agrees() {
        let dir = tempfile::tempdir().unwrap();
        let started = std::time::Instant::now();
        let pki = DemoPki::generate(dir.path(), &DemoOptions::default()).unwrap();
        eprintln!("DemoPki::generate took {:?}", started.elapsed());
        let now = OffsetDateTime::now_utc();

        let root = CertificateInfo::from_der(&pki.root.certificate_der).unwrap();
        assert_eq!(
            root.subject,
            "CN=Kyso Test Root CA G2,O=Ban Cơ yếu Chính phủ (THỬ NGHIỆM — TEST),C=VN"
        );
        assert_eq!(root.subject, root.issuer);
        assert!(root.is_ca);
        let usage = root.key_usage.unwrap();
        assert!(usage.key_cert_sign && usage.crl_sign && usage.critical);

        let issuing = CertificateInfo::from_der(&pki.issuing_ca.certificate_der).unwrap();
        assert!(issuing.is_ca);
        assert_eq!(issuing.issuer, root.subject);

        let leader = CertificateInfo::from_der(&pki.leader.certificate_der).unwrap();
        assert_eq!(leader.common_name.as_deref(), Some("Nguyễn Văn An"));
        assert_eq!(leader.organisation.as_deref(), Some(DEMO_OFFICE));
        assert!(leader.subject.contains("THỬ NGHIỆM"));
        assert_eq!(leader.issuer, issuing.subject);
        assert_eq!(leader.key, PublicKeyKind::Rsa { bits: 2048 });
        assert!(!leader.is_ca && leader.is_valid_at(now));
        let usage = leader.key_usage.unwrap();
        assert!(usage.digital_signature && usage.non_repudiation && usage.critical);
        assert!(!usage.key_encipherment);
        assert_eq!(
            leader.extended_key_usage,
            ["1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.36"]
        );
        assert_eq!(leader.policies, ["2.16.704.1.1.1.1.1.999"]);
        assert_eq!(leader.serial_hex.len(), 32, "16-octet serial");

        let organisation = CertificateInfo::from_der(&pki.organisation.certificate_der).unwrap();
        assert_eq!(organisation.common_name.as_deref(), Some(DEMO_OFFICE));
        let ec = CertificateInfo::from_der(&pki.ec_person.certificate_der).unwrap();
        assert_eq!(
            ec.key,
            PublicKeyKind::Ec {
                curve: EcCurve::P256
            }
        );
        let expired = CertificateInfo::from_der(&pki.expired.certificate_der).unwrap();
        assert!(expired.not_after < now && !expired.is_valid_at(now));
        let future = CertificateInfo::from_der(&pki.not_yet_valid.certificate_der).unwrap();
        assert!(future.not_before > now && !future.is_valid_at(now));
        let wrong = CertificateInfo::from_der(&pki.wrong_key_usage.certificate_der).unwrap();
        let usage = wrong.key_usage.unwrap();
        assert!(usage.key_encipherment && !usage.digital_signature && !usage.non_repudiation);
        let weak = CertificateInfo::from_der(&pki.weak_rsa.certificate_der).unwrap();
        assert_eq!(weak.key, PublicKeyKind::Rsa { bits: 1024 });
        let tsa = CertificateInfo::from_der(&pki.tsa.certificate_der).unwrap();
        assert_eq!(tsa.extended_key_usage, ["1.3.6.1.5.5.7.3.8"]);
        let ocsp = CertificateInfo::from_der(&pki.ocsp_responder.certificate_der).unwrap();
        assert_eq!(ocsp.extended_key_usage, ["1.3.6.1.5.5.7.3.9"]);

        // Every end entity's key file holds the key its certificate certifies.
        for identity in pki.identities() {
            let info = CertificateInfo::from_der(&identity.certificate_der).unwrap();
            let key = identity.key_pem_path.to_str().unwrap();
            let (ok, key_spki) = openssl(&["pkey", "-in", key, "-pubout", "-outform", "DER"]);
            assert!(ok, "{key_spki}");
            let cert = identity.certificate_pem_path.to_str().unwrap();
            let (ok, cert_spki) = openssl(&["x509", "-in", cert, "-noout", "-pubkey"]);
            assert!(ok);
            let (_, key_pub) = openssl(&["pkey", "-in", key, "-pubout"]);
            assert_eq!(cert_spki, key_pub, "{}", identity.slug);
            assert_eq!(
                std::fs::read(&identity.certificate_der_path).unwrap(),
                info.der
            );
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&identity.key_pem_path)
                    .unwrap()
                    .permissions();
                assert_eq!(mode.mode() & 0o777, 0o600);
            }
        }

        // OpenSSL builds the paths: good ones verify, the expired one does not.
        let root_pem = pki.root.certificate_pem_path.to_str().unwrap();
        let issuing_pem = pki.issuing_ca.certificate_pem_path.to_str().unwrap();
        for identity in [&pki.leader, &pki.organisation, &pki.ec_person, &pki.tsa] {
            let cert = identity.certificate_pem_path.to_str().unwrap();
            let (ok, out) = openssl(&[
                "verify",
                "-x509_strict",
                "-CAfile",
                root_pem,
                "-untrusted",
                issuing_pem,
                cert,
            ]);
            assert!(ok, "{}: {out}", identity.slug);
        }
        let cert = pki.expired.certificate_pem_path.to_str().unwrap();
        let (ok, out) = openssl(&[
            "verify",
            "-CAfile",
            root_pem,
            "-untrusted",
            issuing_pem,
            cert,
        ]);
        assert!(!ok && out.contains("expired"), "{out}");
        // The chain file is what `openssl pkcs12 -certfile` takes.
        let chain = std::fs::read_to_string(&pki.ca_chain_pem_path).unwrap();
        assert_eq!(
            chain,
            pki.issuing_ca.certificate_pem.clone() + &pki.root.certificate_pem
        );
    }

    #[test]
    fn a_public_key_alone_can_be_certified() {
        // As for a key pair made on a token: only the SPKI travels to the CA.
        let dir = tempfile::tempdir().unwrap();
        let options = DemoOptions::default();
        let pki = DemoPki::generate(dir.path(), &options).unwrap();
        let token_key = GeneratedKey::generate(KeyAlgorithm::EcP384).unwrap();
        let spec = leader_spec_for_key(options.now, token_key.spki_der().to_vec());
        let der = pki.issuing_authority().issue(&spec).unwrap();
        let info = CertificateInfo::from_der(&der).unwrap();
        assert_eq!(info.public_key_spki().unwrap(), token_key.spki_der());
        assert_eq!(info.key_description(), "ECDSA P-384");
        assert_eq!(
            info.issuer,
            CertificateInfo::from_der(&pki.issuing_ca.certificate_der)
                .unwrap()
                .subject
        );
    }
}
