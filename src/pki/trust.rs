//! The trust store: the certificates a path may end at (trust anchors, RFC 5280 §6.1.1 (d)) and
//! the known CA certificates that help build paths to them.
//!
//! Kyso ships the public roots of the two Vietnamese PKIs (listed with their sources in
//! `trust/README.md`):
//! - **VGCA**, Ban Cơ yếu Chính phủ: the roots G1 (2010) and G2 (2018) of *chữ ký số chuyên
//!   dùng công vụ*, and their issuing CAs;
//! - **NEAC**, the public PKI of Bộ TT&TT: `MIC National Root CA` (2008) and `Vietnam National
//!   Root CA` (2014), and intermediates of the public CAs under them.
//!
//! Only the roots are anchors. The issuing CAs are *intermediates*: a path may use them when a
//! signed file carries only the signer's certificate (as most real files do), but a path never
//! ends at one. Each shipped certificate is embedded in the binary and its SHA-256 fingerprint
//! is checked against [`SHIPPED`] when the store is made, so a changed file is a build defect
//! that cannot go unnoticed.
//!
//! An anchor matches a certificate by its exact bytes, or by its public key **and** subject —
//! never by name alone: a certificate that only claims a root's name is not trusted.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::certificate::{CertificateError, CertificateInfo};
use crate::message::{Explain, Message};

/// Which PKI a trust anchor belongs to, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum CaFamily {
    /// VGCA, Ban Cơ yếu Chính phủ: chữ ký số chuyên dùng công vụ.
    CongVu,
    /// NEAC public PKI (Vietnam National Root CA, MIC National Root CA): public CAs.
    PublicCa,
    /// Added by the user (`kyso verify --trust`).
    UserAdded,
}

impl CaFamily {
    /// How a report names the family.
    pub fn message(self) -> Message {
        match self {
            CaFamily::CongVu => Message::new(
                "ca-family-cong-vu",
                "Chữ ký số chuyên dùng công vụ (Ban Cơ yếu Chính phủ)",
                "Government PKI for official duties (Government Cipher Committee, VGCA)",
            ),
            CaFamily::PublicCa => Message::new(
                "ca-family-public-ca",
                "Chữ ký số công cộng (Trung tâm Chứng thực điện tử quốc gia — NEAC)",
                "Public CA (National Electronic Authentication Centre, NEAC)",
            ),
            CaFamily::UserAdded => Message::new(
                "ca-family-user-added",
                "Chứng thư gốc do người dùng thêm",
                "Trust anchor added by the user",
            ),
        }
    }
}

/// Whether a shipped certificate is a trust anchor or only helps build paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrustRole {
    /// A root: a path that ends here is trusted.
    Anchor,
    /// An issuing CA: used to build paths, never trusted by itself.
    Intermediate,
}

/// One certificate shipped in `trust/`.
#[derive(Debug, Clone, Copy)]
pub struct ShippedCertificate {
    /// The file stem in `trust/` and the short name in its README.
    pub name: &'static str,
    /// SHA-256 of the DER, upper-case hex, as `trust/README.md` lists it.
    pub sha256: &'static str,
    /// The PKI it belongs to.
    pub family: CaFamily,
    /// Anchor (root) or intermediate.
    pub role: TrustRole,
    pem: &'static str,
}

macro_rules! shipped {
    ($name:literal, $sha256:literal, $family:ident, $role:ident) => {
        ShippedCertificate {
            name: $name,
            sha256: $sha256,
            family: CaFamily::$family,
            role: TrustRole::$role,
            pem: include_str!(concat!("../../trust/", $name, ".pem")),
        }
    };
}

/// Every certificate in `trust/`, with the fingerprint `trust/README.md` gives for it.
pub const SHIPPED: &[ShippedCertificate] = &[
    // VGCA G1 (2010–2030; signs with SHA-1)
    shipped!(
        "vgca-rootca-g1",
        "F7BC89054CEC7F12730D7B8CD3EB7955B163835087E5EB873EDFB584763B3F90",
        CongVu,
        Anchor
    ),
    shipped!(
        "vgca-cp-g1",
        "75E969C07BA35C29C72BBC1BFB880F20F3891A619B00B77EB02CA6160736A1FE",
        CongVu,
        Intermediate
    ),
    shipped!(
        "vgca-bca-g1",
        "ECBF8428266C549EB1BFDC2715270D5B9DFF3BBBE2D3F0C33E0FD91F70B2D943",
        CongVu,
        Intermediate
    ),
    shipped!(
        "vgca-btc-g1",
        "A262CFA489DBBE666F8B89FAB832547809874D5A06FA9F7A38FC227EBDF40514",
        CongVu,
        Intermediate
    ),
    shipped!(
        "vgca-dcs-g1",
        "6E218B3EBC2F31B0D03205C64FD7E8920FB47187D37AFCDB4CB2BB4178BF4635",
        CongVu,
        Intermediate
    ),
    shipped!(
        "vgca-bng-g1",
        "3C4281296F92D292CC952295FE41AD7D0B37438FF1D143B56C4642CC1B14BD93",
        CongVu,
        Intermediate
    ),
    // VGCA G2 (2018–2048)
    shipped!(
        "vgca-rootca-g2",
        "F04BA4B459A7C9A1B971AD9B1CB833E695A80C79AEA63B174B66A70EDFE2FDB8",
        CongVu,
        Anchor
    ),
    shipped!(
        "vgca-cpcag2",
        "D8CAB7A4AEF92E6BB2509D7C61CEE7B44F3731B2D21074963530277B366FAE4B",
        CongVu,
        Intermediate
    ),
    shipped!(
        "vgca-dcscag2",
        "E4B402E3CB4CACC0A20D21FA49BCE76BEB4EB47BA7FFB7A8F71C554DBE561A81",
        CongVu,
        Intermediate
    ),
    // NEAC, Vietnam National Root CA (2014–2039)
    shipped!(
        "neac-vnrca256",
        "BAC8BF609AB420A8EE1780D74F4DE5C7F7184959D2A7375B0A75E4C29F0908E7",
        PublicCa,
        Anchor
    ),
    shipped!(
        "vnpt-ca-sha2-2024",
        "7D6BA5245317F9ED5D8BC765A4634D26AC6340D36B9F584DF3B52D9C4A81A306",
        PublicCa,
        Intermediate
    ),
    shipped!(
        "fastca-sha256",
        "BCE53BFC017DC917CCAC7F314BCDDF257C53EC8FFC0165F33A80558DEDED01F1",
        PublicCa,
        Intermediate
    ),
    // NEAC, MIC National Root CA (2008–2040; signs with SHA-1)
    shipped!(
        "neac-mic-national-root-ca",
        "CA918D635BB130BEC97639E6AABF7EDBC4EB1310F8058B9419F467AE0230AD8C",
        PublicCa,
        Anchor
    ),
    shipped!(
        "vnpt-ca-2009",
        "068927B4C1A38AE4DB1E8F59A71A8C643D9DFBB53A674862387BD5AA7386247B",
        PublicCa,
        Intermediate
    ),
    shipped!(
        "viettel-ca-2015",
        "684CAF190176D13158808EF193B2D20575399A87FD9E8C5BEDC09065A184841A",
        PublicCa,
        Intermediate
    ),
    shipped!(
        "viettel-ca-hanoi",
        "CAA2B4D762B8ED894B3CBAD76E531834EEE78BBBFE13D157BF27B64AA56975F1",
        PublicCa,
        Intermediate
    ),
    shipped!(
        "bkavca-2015",
        "DDAB3AA11600215C08CA4CCBC18BE5204C171A48081A6CD73A95AA868E1258AF",
        PublicCa,
        Intermediate
    ),
    shipped!(
        "fptca-2015",
        "406BA8BE66EAD6D01672F1E137CC35A778E2F289EDD3F9E7580964190B83C761",
        PublicCa,
        Intermediate
    ),
    shipped!(
        "ca2-nacencomm-2015",
        "22A088DEDD18B017409157CCDCE931236492DF259459E7FAC424574DD06380E2",
        PublicCa,
        Intermediate
    ),
    shipped!(
        "newtel-ca-2013",
        "27AB09408347EE182186D2A21E82FEDA0A4E0F84441525BA1DE74A7E87401EBA",
        PublicCa,
        Intermediate
    ),
    shipped!(
        "smartsign-vina-2017",
        "591E6796472780FCF98D2E6797C8249457726DEE54A264307D9B51193CDBD5FD",
        PublicCa,
        Intermediate
    ),
    shipped!(
        "safe-ca-2017",
        "4E66E0073C9C217DBFA80697B0096FA61D71C1F32B29A12C2E2C37C0CAC35881",
        PublicCa,
        Intermediate
    ),
];

/// `--trust` files larger than this are refused (a PEM bundle of a few hundred CAs is < 1 MiB).
pub const MAX_TRUST_FILE_LEN: usize = 4 * 1024 * 1024;
/// At most this many certificates are read from one `--trust` file.
pub const MAX_CERTIFICATES_PER_FILE: usize = 1000;

/// A certificate in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustedCertificate {
    /// The certificate (its `der` is the original bytes).
    pub info: CertificateInfo,
    /// The PKI it belongs to.
    pub family: CaFamily,
    /// The short name of a shipped certificate (`vgca-rootca-g1`); `None` for user-added ones.
    pub name: Option<&'static str>,
}

/// A trust anchor as a report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnchorInfo {
    /// Subject of the anchor (RFC 4514).
    pub subject: String,
    /// The PKI it belongs to.
    pub family: CaFamily,
    /// The short name of a shipped anchor; `None` for user-added ones.
    pub name: Option<&'static str>,
    /// SHA-256 of the anchor certificate, lower-case hex.
    pub sha256_fingerprint: String,
}

impl From<&TrustedCertificate> for AnchorInfo {
    fn from(anchor: &TrustedCertificate) -> Self {
        AnchorInfo {
            subject: anchor.info.subject.clone(),
            family: anchor.family,
            name: anchor.name,
            sha256_fingerprint: anchor.info.sha256_fingerprint.clone(),
        }
    }
}

/// Why a certificate could not be put in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    /// A shipped certificate's bytes do not have the fingerprint of [`SHIPPED`]: the binary is
    /// damaged or was built from changed files.
    #[error("shipped certificate {name} has fingerprint {actual}, expected {expected}")]
    ShippedFingerprintMismatch {
        name: &'static str,
        expected: &'static str,
        actual: String,
    },
    /// A shipped or given certificate does not parse.
    #[error("invalid certificate: {0}")]
    Certificate(#[from] CertificateError),
    /// A PEM block is not valid base64 / PEM.
    #[error("invalid PEM: {0}")]
    Pem(String),
    /// The input holds no certificate.
    #[error("no certificate found")]
    NoCertificate,
    /// The input is larger than [`MAX_TRUST_FILE_LEN`] or holds more than
    /// [`MAX_CERTIFICATES_PER_FILE`] certificates.
    #[error("trust file too large")]
    TooLarge,
}

impl Explain for TrustError {
    fn message(&self) -> Message {
        match self {
            TrustError::ShippedFingerprintMismatch { name, .. } => Message::new(
                "trust-store-damaged",
                format!(
                    "Chứng thư gốc đi kèm {name} không đúng dấu vân tay đã công bố: bản cài đặt bị hỏng hoặc bị sửa đổi"
                ),
                format!(
                    "The shipped certificate {name} does not have its published fingerprint: the installation is damaged or was changed"
                ),
            ),
            TrustError::Certificate(e) => e.message(),
            TrustError::Pem(detail) => Message::new(
                "trust-invalid-pem",
                format!("Tệp chứng thư không đúng định dạng PEM: {detail}"),
                format!("The certificate file is not valid PEM: {detail}"),
            ),
            TrustError::NoCertificate => Message::new(
                "trust-no-certificate",
                "Tệp không chứa chứng thư số nào",
                "The file holds no certificate",
            ),
            TrustError::TooLarge => Message::new(
                "trust-file-too-large",
                format!(
                    "Tệp chứng thư quá lớn (tối đa {} MiB, {MAX_CERTIFICATES_PER_FILE} chứng thư)",
                    MAX_TRUST_FILE_LEN >> 20
                ),
                format!(
                    "The certificate file is too large (at most {} MiB, {MAX_CERTIFICATES_PER_FILE} certificates)",
                    MAX_TRUST_FILE_LEN >> 20
                ),
            ),
        }
    }
}

/// Trust anchors and known CA certificates.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    anchors: Vec<TrustedCertificate>,
    intermediates: Vec<TrustedCertificate>,
}

impl TrustStore {
    /// A store with no anchor: every path is untrusted.
    pub fn empty() -> Self {
        TrustStore::default()
    }

    /// The shipped VGCA and NEAC roots (anchors) and CA certificates (intermediates), each
    /// checked against its fingerprint in [`SHIPPED`].
    pub fn shipped() -> Result<Self, TrustError> {
        let mut store = TrustStore::empty();
        for shipped in SHIPPED {
            let der = der::pem::decode_vec(shipped.pem.as_bytes())
                .map_err(|e| TrustError::Pem(format!("{}: {e}", shipped.name)))?
                .1;
            let actual = hex::encode_upper(Sha256::digest(&der));
            if actual != shipped.sha256 {
                return Err(TrustError::ShippedFingerprintMismatch {
                    name: shipped.name,
                    expected: shipped.sha256,
                    actual,
                });
            }
            let certificate = TrustedCertificate {
                info: CertificateInfo::from_der(&der)?,
                family: shipped.family,
                name: Some(shipped.name),
            };
            match shipped.role {
                TrustRole::Anchor => store.anchors.push(certificate),
                TrustRole::Intermediate => store.intermediates.push(certificate),
            }
        }
        Ok(store)
    }

    /// Adds the certificates of `bytes` (one DER certificate, or PEM with one or more
    /// `CERTIFICATE` blocks) as trust anchors of the family [`CaFamily::UserAdded`]. Returns how
    /// many were added; a certificate already in the store as an anchor is not added twice.
    ///
    /// A user-added anchor need not be self-signed: trusting an issuing CA directly is a
    /// legitimate choice (RFC 5280 §6.1.1 (d) only asks for a name and a key).
    pub fn add_anchor_pem_or_der(&mut self, bytes: &[u8]) -> Result<usize, TrustError> {
        if bytes.len() > MAX_TRUST_FILE_LEN {
            return Err(TrustError::TooLarge);
        }
        let mut added = 0;
        for der in certificates_in(bytes)? {
            let info = CertificateInfo::from_der(&der)?;
            if self.anchors.iter().any(|a| a.info.der == info.der) {
                continue;
            }
            self.anchors.push(TrustedCertificate {
                info,
                family: CaFamily::UserAdded,
                name: None,
            });
            added += 1;
        }
        Ok(added)
    }

    /// The trust anchors.
    pub fn anchors(&self) -> &[TrustedCertificate] {
        &self.anchors
    }

    /// Known CA certificates that help build paths; never trusted by themselves.
    pub fn intermediates(&self) -> &[TrustedCertificate] {
        &self.intermediates
    }

    /// The anchor that `certificate` is: the same certificate, or one with the same public key
    /// and the same subject. A matching name with another key is not an anchor.
    pub fn anchor_for(&self, certificate: &CertificateInfo) -> Option<&TrustedCertificate> {
        if let Some(exact) = self.anchors.iter().find(|a| a.info.der == certificate.der) {
            return Some(exact);
        }
        // Names first: reading the keys parses the certificates again.
        let mut same_name = self
            .anchors
            .iter()
            .filter(|a| a.info.subject == certificate.subject)
            .peekable();
        same_name.peek()?;
        let key = certificate.public_key_spki().ok()?;
        same_name.find(|anchor| anchor.info.public_key_spki().is_ok_and(|k| k == key))
    }
}

/// The DER certificates in `bytes`: PEM `CERTIFICATE` blocks when the input is PEM, else the
/// input itself as one DER certificate.
fn certificates_in(bytes: &[u8]) -> Result<Vec<Vec<u8>>, TrustError> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(vec![bytes.to_vec()]);
    };
    if !text.contains("-----BEGIN") {
        return Ok(vec![bytes.to_vec()]);
    }
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let block = &rest[start..];
        let end = block
            .find(END)
            .ok_or_else(|| TrustError::Pem("missing END line".into()))?
            + END.len();
        if out.len() == MAX_CERTIFICATES_PER_FILE {
            return Err(TrustError::TooLarge);
        }
        let (_, der) = der::pem::decode_vec(&block.as_bytes()[..end])
            .map_err(|e| TrustError::Pem(e.to_string()))?;
        out.push(der);
        rest = &block[end..];
    }
    if out.is_empty() {
        return Err(TrustError::NoCertificate);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of the table in `trust/README.md`: (short name, subject, issuer, SHA-256, chain).
    fn readme_rows() -> Vec<(String, String, String, String, String)> {
        let readme = include_str!("../../trust/README.md");
        readme
            .lines()
            .filter(|line| line.starts_with("| `"))
            .map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                (
                    cells[1].trim_matches('`').to_owned(),
                    cells[2].to_owned(),
                    cells[3].to_owned(),
                    cells[7].to_owned(),
                    cells[9].to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn fingerprint_table_matches_the_readme() {
        let rows = readme_rows();
        assert_eq!(rows.len(), SHIPPED.len());
        for (name, subject, issuer, sha256, chain) in rows {
            let shipped = SHIPPED
                .iter()
                .find(|s| s.name == name)
                .unwrap_or_else(|| panic!("{name} is in README.md but not in SHIPPED"));
            assert_eq!(shipped.sha256, sha256, "{name}");
            // Roots are the self-issued rows; only they are anchors.
            let role = if subject == issuer {
                TrustRole::Anchor
            } else {
                TrustRole::Intermediate
            };
            assert_eq!(shipped.role, role, "{name}");
            let family = if chain.starts_with("VGCA") {
                CaFamily::CongVu
            } else {
                assert!(chain.starts_with("NEAC"), "{name}: {chain}");
                CaFamily::PublicCa
            };
            assert_eq!(shipped.family, family, "{name}");
        }
    }

    #[test]
    fn shipped_store_parses_and_separates_anchors_from_intermediates() {
        let store = TrustStore::shipped().unwrap();
        let anchors: Vec<_> = store.anchors().iter().filter_map(|a| a.name).collect();
        assert_eq!(
            anchors,
            [
                "vgca-rootca-g1",
                "vgca-rootca-g2",
                "neac-vnrca256",
                "neac-mic-national-root-ca"
            ]
        );
        assert_eq!(store.intermediates().len(), SHIPPED.len() - 4);
        for certificate in store.anchors().iter().chain(store.intermediates()) {
            assert!(certificate.info.is_ca, "{:?}", certificate.name);
            let shipped = SHIPPED
                .iter()
                .find(|s| Some(s.name) == certificate.name)
                .unwrap();
            assert_eq!(
                certificate.info.sha256_fingerprint,
                shipped.sha256.to_lowercase()
            );
        }
        for anchor in store.anchors() {
            assert_eq!(anchor.info.subject, anchor.info.issuer);
        }
        let g1 = &store.anchors()[0];
        assert_eq!(g1.family, CaFamily::CongVu);
        assert!(g1.info.subject.contains("Ban Co yeu Chinh phu"));
        let g2 = &store.anchors()[1];
        assert_eq!(
            g2.info.common_name.as_deref(),
            Some("RootCA chuyên dùng Chính phủ G2")
        );
    }

    #[test]
    fn an_intermediate_is_not_an_anchor() {
        let store = TrustStore::shipped().unwrap();
        for intermediate in store.intermediates() {
            assert!(store.anchor_for(&intermediate.info).is_none());
        }
        for anchor in store.anchors() {
            assert_eq!(store.anchor_for(&anchor.info), Some(anchor));
        }
    }

    #[test]
    fn a_certificate_claiming_a_root_name_with_another_key_is_not_trusted() {
        use crate::pki::issue::{CertificateAuthority, CertificateSpec, SubjectName};
        use crate::pki::keygen::{GeneratedKey, KeyAlgorithm};

        let store = TrustStore::shipped().unwrap();
        // A self-signed "VGCA G2 root" with our own key: same name, other key.
        let key = GeneratedKey::generate(KeyAlgorithm::EcP256).unwrap();
        let now = time::OffsetDateTime::now_utc();
        let spec = CertificateSpec::authority(
            SubjectName {
                common_name: "RootCA chuyên dùng Chính phủ G2".into(),
                organisation: Some("Ban Cơ yếu Chính phủ".into()),
                country: Some("VN".into()),
                ..SubjectName::default()
            },
            now - time::Duration::days(1),
            now + time::Duration::days(1),
            None,
            key.spki_der().to_vec(),
        );
        let fake = CertificateAuthority::self_signed(&spec, key.pkcs8_der()).unwrap();
        let fake = CertificateInfo::from_der(fake.certificate_der()).unwrap();
        assert_eq!(fake.subject, store.anchors()[1].info.subject);
        assert!(store.anchor_for(&fake).is_none());
    }

    #[test]
    fn user_anchors_from_pem_bundles_and_der() {
        let mut store = TrustStore::empty();
        let bundle = format!("{}\n{}", SHIPPED[0].pem, SHIPPED[6].pem);
        assert_eq!(store.add_anchor_pem_or_der(bundle.as_bytes()).unwrap(), 2);
        // The same certificate again, as DER, is not added twice.
        let (_, der) = der::pem::decode_vec(SHIPPED[0].pem.as_bytes()).unwrap();
        assert_eq!(store.add_anchor_pem_or_der(&der).unwrap(), 0);
        assert_eq!(store.anchors().len(), 2);
        assert!(
            store
                .anchors()
                .iter()
                .all(|a| a.family == CaFamily::UserAdded && a.name.is_none())
        );
        // An intermediate added by the user is an anchor for that user.
        assert_eq!(
            store
                .add_anchor_pem_or_der(SHIPPED[1].pem.as_bytes())
                .unwrap(),
            1
        );
        assert!(store.intermediates().is_empty());
    }

    #[test]
    fn bad_trust_files_are_errors() {
        let mut store = TrustStore::empty();
        assert!(matches!(
            store.add_anchor_pem_or_der(b"-----BEGIN CERTIFICATE-----\nAAAA"),
            Err(TrustError::Pem(_))
        ));
        assert!(matches!(
            store.add_anchor_pem_or_der(b"-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----"),
            Err(TrustError::NoCertificate)
        ));
        assert!(matches!(
            store.add_anchor_pem_or_der(b"\x30\x03\x02\x01\x01"),
            Err(TrustError::Certificate(_))
        ));
        assert!(matches!(
            store.add_anchor_pem_or_der(&vec![b'A'; MAX_TRUST_FILE_LEN + 1]),
            Err(TrustError::TooLarge)
        ));
        let message = TrustError::NoCertificate.message();
        assert!(message.vi.contains("chứng thư"));
        assert!(store.anchors().is_empty());
    }
}
