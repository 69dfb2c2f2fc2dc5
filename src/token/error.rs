//! Why a token or key could not sign, sorted by cause: the module, the token, the certificate,
//! the PIN, the device, the mechanism, the signature check, and the software key.

use std::path::PathBuf;

use cryptoki::context::Function;
use cryptoki::error::{Error as CryptokiError, RvError};

use super::pin::PinStatus;
use crate::message::{Explain, Message};

/// Errors of the token layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    // --- The PKCS#11 module (the vendor's library) ---
    /// The module file given does not exist.
    #[error("PKCS#11 module not found: {}", path.display())]
    ModuleNotFound { path: PathBuf },
    /// Probing the usual folders found no known module.
    #[error("no PKCS#11 module found among the known names ({searched} folders searched)")]
    NoModule { searched: usize },
    /// The dynamic loader refused the file (wrong architecture, missing dependency, …).
    #[error("cannot load PKCS#11 module {}: {reason}", path.display())]
    ModuleLoad { path: PathBuf, reason: String },
    /// The library loaded but has no `C_GetFunctionList`: it is not a PKCS#11 module.
    #[error("{} is not a PKCS#11 module", path.display())]
    NotPkcs11Module { path: PathBuf },
    /// `C_Initialize` failed.
    #[error("PKCS#11 module {} failed to start: {ckr}", path.display())]
    ModuleInit { path: PathBuf, ckr: String },

    // --- Tokens ---
    /// No slot has a token in it.
    #[error("no token is plugged in")]
    NoToken,
    /// No token carries the label or serial asked for.
    #[error("no token labelled or numbered {wanted:?}; present: {available:?}")]
    TokenNotFound {
        wanted: String,
        available: Vec<String>,
    },
    /// Several tokens are present and none was chosen.
    #[error("several tokens are present, choose one: {tokens:?}")]
    TokenAmbiguous { tokens: Vec<String> },

    // --- Certificates and keys ---
    /// No certificate has the label or id asked for.
    #[error("no certificate labelled or with id {wanted:?}; present: {available:?}")]
    CertificateNotFound {
        wanted: String,
        available: Vec<String>,
    },
    /// The token holds no certificate with a matching private key.
    #[error("the token holds no certificate with a private key ({without_key} without)")]
    NoSigningCertificate { without_key: usize },
    /// Several certificates could sign and none was chosen.
    #[error("several certificates can sign, choose one: {choices:?}")]
    CertificateAmbiguous { choices: Vec<String> },
    /// The certificate chosen has no private key with the same `CKA_ID`.
    #[error("certificate {certificate:?} has no matching private key on the token")]
    CertificateNoPrivateKey { certificate: String },
    /// The certificate's bytes are not a readable X.509 certificate.
    #[error("certificate {certificate:?} cannot be read: {reason}")]
    CertificateUnreadable { certificate: String, reason: String },
    /// The key is of a type or size this signer does not handle.
    #[error("unsupported key: {key}")]
    UnsupportedKey { key: String },

    // --- The PIN ---
    /// The token needs a PIN and none was given (and it has no PIN pad).
    #[error("a PIN is required")]
    PinRequired,
    /// `CKR_PIN_INCORRECT`, with the token's PIN state read right after the failure.
    #[error("incorrect PIN (now {:?})", status.state)]
    PinIncorrect { status: PinStatus },
    /// `CKR_PIN_LOCKED`, or the token flags say locked before any attempt.
    #[error("the PIN is locked")]
    PinLocked,
    /// `CKR_PIN_LEN_RANGE` or the length checked against the token's limits.
    #[error("the PIN must have between {min} and {max} characters")]
    PinLength { min: usize, max: usize },
    /// `CKR_PIN_EXPIRED`, or the token asks for the PIN to be changed first.
    #[error("the PIN has expired and must be changed")]
    PinExpired,
    /// PIN entry on the reader's PIN pad was cancelled (`CKR_FUNCTION_CANCELED`).
    #[error("PIN entry was cancelled")]
    PinEntryCancelled,

    // --- The device ---
    /// The token was pulled out (`CKR_DEVICE_REMOVED`, `CKR_TOKEN_NOT_PRESENT`,
    /// `CKR_SESSION_HANDLE_INVALID`, `CKR_SESSION_CLOSED`).
    #[error("the token was removed ({function})")]
    TokenRemoved { function: String },
    /// Any other failure code from the module, named as in the specification.
    #[error("{function} failed: {ckr}")]
    Device { function: String, ckr: String },

    // --- The mechanism ---
    /// Neither the token nor this program can sign with the scheme asked for.
    #[error("the token cannot sign with {scheme}")]
    MechanismNotSupported { scheme: String },

    // --- The signature check after signing ---
    /// The signature made does not verify with the certificate's public key: the key used is
    /// not the certificate's key. The signature is thrown away.
    #[error("the signature does not verify with the certificate: the key does not match it")]
    KeyCertificateMismatch,

    // --- Software keys (PKCS#12 / PEM) ---
    /// The key file cannot be read.
    #[error("cannot read key file {}: {reason}", path.display())]
    SoftwareKeyUnreadable { path: PathBuf, reason: String },
    /// The PKCS#12 password is wrong (the integrity check or decryption failed).
    #[error("wrong password for the key file")]
    SoftwareKeyPassword,
    /// The file is not a key format this program reads, or lacks a key or certificate.
    #[error("unsupported key file: {reason}")]
    SoftwareKeyFormat { reason: String },

    // --- Provisioning of test and demo tokens (SoftHSM2) ---
    /// A `softhsm2-util` or `pkcs11-tool` step failed.
    #[error("SoftHSM2 setup failed at {step}: {reason}")]
    Provisioning { step: String, reason: String },
}

impl TokenError {
    /// Maps a `cryptoki` failure to its cause. `PIN_INCORRECT` is left to the login code,
    /// which reads the PIN state after the failure; here it maps without that state.
    pub(crate) fn from_cryptoki(err: CryptokiError) -> TokenError {
        match err {
            CryptokiError::Pkcs11(rv, function) => TokenError::from_rv(rv, function),
            CryptokiError::LibraryLoading(e) => TokenError::Device {
                function: "dlopen".to_owned(),
                ckr: e.to_string(),
            },
            other => TokenError::Device {
                function: "cryptoki".to_owned(),
                ckr: other.to_string(),
            },
        }
    }

    /// Maps one PKCS#11 return value from `function`.
    pub(crate) fn from_rv(rv: RvError, function: Function) -> TokenError {
        let function = function_name(function);
        match rv {
            RvError::DeviceRemoved
            | RvError::TokenNotPresent
            | RvError::SessionHandleInvalid
            | RvError::SessionClosed => TokenError::TokenRemoved { function },
            RvError::PinLocked => TokenError::PinLocked,
            RvError::PinExpired => TokenError::PinExpired,
            RvError::FunctionCanceled => TokenError::PinEntryCancelled,
            RvError::PinIncorrect | RvError::PinInvalid => TokenError::PinIncorrect {
                status: PinStatus {
                    state: super::pin::PinState::Ok,
                    must_change: false,
                    not_initialized: false,
                },
            },
            other => TokenError::Device {
                function,
                ckr: ckr_name(other),
            },
        }
    }
}

/// `C_Sign`, `C_Login`, …: the name the specification and vendors' logs use.
pub(crate) fn function_name(function: Function) -> String {
    format!("C_{function:?}")
}

/// The specification's name of a return value (`CKR_PIN_INCORRECT`). cryptoki's variant names
/// are those names in CamelCase, so they convert mechanically; codes it does not know keep their
/// number.
pub(crate) fn ckr_name(rv: RvError) -> String {
    match rv {
        RvError::VendorDefined(code) => format!("CKR_VENDOR_DEFINED(0x{code:08X})"),
        RvError::UnknownErrorCode(code) => format!("CKR 0x{code:08X}"),
        known => {
            let camel = format!("{known:?}");
            let mut name = String::from("CKR");
            for c in camel.chars() {
                if c.is_ascii_uppercase() {
                    name.push('_');
                }
                name.push(c.to_ascii_uppercase());
            }
            name
        }
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "—".to_owned()
    } else {
        items.join(", ")
    }
}

impl Explain for TokenError {
    fn message(&self) -> Message {
        use TokenError as E;
        match self {
            E::ModuleNotFound { path } => Message::new(
                "module-not-found",
                format!("Không tìm thấy thư viện PKCS#11: {}", path.display()),
                format!("PKCS#11 module not found: {}", path.display()),
            ),
            E::NoModule { .. } => Message::new(
                "no-module",
                "Không tìm thấy thư viện PKCS#11 của thiết bị ký số nào; hãy cài phần mềm của thiết bị hoặc dùng --module",
                "No PKCS#11 module of a known signing device was found; install the device's software or use --module",
            ),
            E::ModuleLoad { path, reason } => Message::new(
                "module-load-failed",
                format!(
                    "Không nạp được thư viện PKCS#11 {}: {reason}",
                    path.display()
                ),
                format!("Cannot load PKCS#11 module {}: {reason}", path.display()),
            ),
            E::NotPkcs11Module { path } => Message::new(
                "module-not-pkcs11",
                format!("{} không phải là thư viện PKCS#11", path.display()),
                format!("{} is not a PKCS#11 module", path.display()),
            ),
            E::ModuleInit { path, ckr } => Message::new(
                "module-init-failed",
                format!(
                    "Thư viện PKCS#11 {} không khởi động được: {ckr}",
                    path.display()
                ),
                format!("PKCS#11 module {} failed to start: {ckr}", path.display()),
            ),
            E::NoToken => Message::new(
                "no-token",
                "Không có thiết bị ký số (token) nào được cắm vào",
                "No signing token is plugged in",
            ),
            E::TokenNotFound { wanted, available } => Message::new(
                "token-not-found",
                format!(
                    "Không tìm thấy thiết bị ký số có nhãn hoặc số sê-ri \"{wanted}\"; đang có: {}",
                    list(available)
                ),
                format!(
                    "No token labelled or numbered \"{wanted}\"; present: {}",
                    list(available)
                ),
            ),
            E::TokenAmbiguous { tokens } => Message::new(
                "token-ambiguous",
                format!(
                    "Có nhiều thiết bị ký số, hãy chọn một bằng --token: {}",
                    list(tokens)
                ),
                format!(
                    "Several tokens are present, choose one with --token: {}",
                    list(tokens)
                ),
            ),
            E::CertificateNotFound { wanted, available } => Message::new(
                "cert-not-found",
                format!(
                    "Không tìm thấy chứng thư số có nhãn hoặc mã \"{wanted}\"; đang có: {}",
                    list(available)
                ),
                format!(
                    "No certificate labelled or with id \"{wanted}\"; present: {}",
                    list(available)
                ),
            ),
            E::NoSigningCertificate { without_key } => Message::new(
                "cert-none",
                format!(
                    "Thiết bị không có chứng thư số nào kèm khóa bí mật ({without_key} chứng thư không có khóa)"
                ),
                format!(
                    "The token holds no certificate with a private key ({without_key} without one)"
                ),
            ),
            E::CertificateAmbiguous { choices } => Message::new(
                "cert-ambiguous",
                format!(
                    "Có nhiều chứng thư số có thể ký, hãy chọn một bằng --cert: {}",
                    list(choices)
                ),
                format!(
                    "Several certificates can sign, choose one with --cert: {}",
                    list(choices)
                ),
            ),
            E::CertificateNoPrivateKey { certificate } => Message::new(
                "cert-no-private-key",
                format!(
                    "Chứng thư số \"{certificate}\" không có khóa bí mật tương ứng trên thiết bị"
                ),
                format!("Certificate \"{certificate}\" has no matching private key on the token"),
            ),
            E::CertificateUnreadable {
                certificate,
                reason,
            } => Message::new(
                "cert-unreadable",
                format!("Không đọc được chứng thư số \"{certificate}\": {reason}"),
                format!("Certificate \"{certificate}\" cannot be read: {reason}"),
            ),
            E::UnsupportedKey { key } => Message::new(
                "key-unsupported",
                format!("Loại khóa không được hỗ trợ: {key}"),
                format!("Unsupported key type: {key}"),
            ),
            E::PinRequired => Message::new(
                "pin-required",
                "Cần nhập PIN của thiết bị ký số",
                "The token's PIN is required",
            ),
            E::PinIncorrect { status } => {
                let state = status.message();
                Message::new(
                    "pin-incorrect",
                    format!(
                        "PIN không đúng. Trạng thái hiện tại: {}. Chương trình không tự thử lại",
                        state.vi
                    ),
                    format!(
                        "Incorrect PIN. Current state: {}. Nothing was retried",
                        state.en
                    ),
                )
            }
            E::PinLocked => Message::new(
                "pin-locked",
                "PIN đã bị khóa; hãy liên hệ đơn vị cấp chứng thư số để mở khóa",
                "The PIN is locked; contact the certificate issuer to unlock it",
            ),
            E::PinLength { min, max } => Message::new(
                "pin-length",
                format!("PIN phải có từ {min} đến {max} ký tự"),
                format!("The PIN must have between {min} and {max} characters"),
            ),
            E::PinExpired => Message::new(
                "pin-expired",
                "PIN đã hết hạn hoặc phải được đổi trước khi ký; hãy đổi PIN bằng phần mềm của thiết bị",
                "The PIN has expired or must be changed before signing; change it with the device's software",
            ),
            E::PinEntryCancelled => Message::new(
                "pin-cancelled",
                "Việc nhập PIN trên bàn phím của thiết bị đã bị hủy",
                "PIN entry on the device's keypad was cancelled",
            ),
            E::TokenRemoved { function } => Message::new(
                "token-removed",
                format!("Thiết bị ký số đã bị rút ra hoặc mất kết nối ({function})"),
                format!("The signing token was removed or disconnected ({function})"),
            ),
            E::Device { function, ckr } => Message::new(
                "token-error",
                format!("Thiết bị ký số báo lỗi khi thực hiện {function}: {ckr}"),
                format!("The signing token reported an error in {function}: {ckr}"),
            ),
            E::MechanismNotSupported { scheme } => Message::new(
                "mechanism-unsupported",
                format!("Thiết bị không hỗ trợ thuật toán ký {scheme}"),
                format!("The token cannot sign with {scheme}"),
            ),
            E::KeyCertificateMismatch => Message::new(
                "key-cert-mismatch",
                "Chữ ký vừa tạo không khớp với chứng thư số: khóa bí mật không thuộc chứng thư này. Chữ ký đã bị hủy",
                "The signature just made does not verify with the certificate: the private key does not belong to it. The signature was discarded",
            ),
            E::SoftwareKeyUnreadable { path, reason } => Message::new(
                "software-key-unreadable",
                format!("Không đọc được tệp khóa {}: {reason}", path.display()),
                format!("Cannot read key file {}: {reason}", path.display()),
            ),
            E::SoftwareKeyPassword => Message::new(
                "software-key-password",
                "Mật khẩu của tệp khóa không đúng",
                "Wrong password for the key file",
            ),
            E::SoftwareKeyFormat { reason } => Message::new(
                "software-key-format",
                format!("Tệp khóa không đúng định dạng được hỗ trợ: {reason}"),
                format!("Unsupported key file: {reason}"),
            ),
            E::Provisioning { step, reason } => Message::new(
                "softhsm-setup-failed",
                format!("Không tạo được thiết bị ký thử nghiệm SoftHSM2 (bước {step}): {reason}"),
                format!("Cannot set up the SoftHSM2 test token (step {step}): {reason}"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ckr_names_follow_the_specification() {
        assert_eq!(ckr_name(RvError::PinIncorrect), "CKR_PIN_INCORRECT");
        assert_eq!(
            ckr_name(RvError::CryptokiAlreadyInitialized),
            "CKR_CRYPTOKI_ALREADY_INITIALIZED"
        );
        assert_eq!(
            ckr_name(RvError::SessionReadWriteSoExists),
            "CKR_SESSION_READ_WRITE_SO_EXISTS"
        );
        assert_eq!(
            ckr_name(RvError::VendorDefined(0x8000_0001)),
            "CKR_VENDOR_DEFINED(0x80000001)"
        );
        assert_eq!(function_name(Function::Login), "C_Login");
    }

    #[test]
    fn removal_codes_map_to_token_removed() {
        for rv in [
            RvError::DeviceRemoved,
            RvError::TokenNotPresent,
            RvError::SessionHandleInvalid,
        ] {
            let e = TokenError::from_rv(rv, Function::Sign);
            assert!(
                matches!(&e, TokenError::TokenRemoved { function } if function == "C_Sign"),
                "{e:?}"
            );
            assert_eq!(e.message().code, "token-removed");
        }
        let e = TokenError::from_rv(RvError::DeviceError, Function::Sign);
        assert_eq!(e.to_string(), "C_Sign failed: CKR_DEVICE_ERROR");
    }

    #[test]
    fn messages_have_codes_and_both_languages() {
        let samples = [
            TokenError::NoToken,
            TokenError::PinLocked,
            TokenError::KeyCertificateMismatch,
            TokenError::CertificateAmbiguous {
                choices: vec!["a (01)".into(), "b (02)".into()],
            },
        ];
        for e in samples {
            let m = e.message();
            assert!(
                !m.code.is_empty() && m.code.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            );
            assert_ne!(m.vi, m.en);
        }
        let m = TokenError::CertificateAmbiguous {
            choices: vec!["a (01)".into(), "b (02)".into()],
        }
        .message();
        assert!(m.vi.contains("a (01), b (02)"));
    }
}
