//! The user PIN and what the token says about its remaining tries.
//!
//! PKCS#11 exposes the retry counter only as flags in `CK_TOKEN_INFO` (§3.2 of the base
//! specification, 2.40): `CKF_USER_PIN_COUNT_LOW`, `CKF_USER_PIN_FINAL_TRY`,
//! `CKF_USER_PIN_LOCKED` and `CKF_USER_PIN_TO_BE_CHANGED`. Real tokens lock after a few wrong
//! entries (often three), so the caller reads [`PinStatus`] *before* asking for the PIN, and
//! again after a failed login to tell the person where they stand. Nothing here ever retries a
//! login: one wrong PIN typed twice by a program can lock a person's signing token.

use std::fmt;

use serde::Serialize;
use zeroize::Zeroizing;

use crate::message::{Explain, Message};

/// A PIN or password: zeroized when dropped, printed as `Pin(***)`, never displayed or
/// serialized (it implements neither `Display` nor `Serialize` on purpose).
#[derive(Clone)]
pub struct Pin(Zeroizing<String>);

impl Pin {
    /// Takes ownership of the secret; the caller's `String` moves in, so no copy is left behind.
    pub fn new(secret: String) -> Self {
        Pin(Zeroizing::new(secret))
    }

    /// The secret itself, for the one call that hands it to the token or the key file.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Pin {
    fn from(secret: String) -> Self {
        Pin::new(secret)
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(***)")
    }
}

/// How many wrong entries the user PIN can still take, as far as the token tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PinState {
    /// No warning flag is set.
    Ok,
    /// `CKF_USER_PIN_COUNT_LOW`: at least one wrong entry since the last correct one.
    CountLow,
    /// `CKF_USER_PIN_FINAL_TRY`: one more wrong entry locks the token.
    FinalTry,
    /// `CKF_USER_PIN_LOCKED`: the user PIN is blocked; only the security officer can unblock it.
    Locked,
}

impl Explain for PinState {
    fn message(&self) -> Message {
        match self {
            PinState::Ok => Message::new("pin-ok", "PIN bình thường", "PIN is in good standing"),
            PinState::CountLow => Message::new(
                "pin-count-low",
                "PIN đã nhập sai ít nhất một lần",
                "The PIN has been entered wrongly at least once",
            ),
            PinState::FinalTry => Message::new(
                "pin-final-try",
                "Lần thử cuối cùng: nhập sai nữa thiết bị sẽ bị khóa",
                "Final try: one more wrong PIN locks the device",
            ),
            PinState::Locked => Message::new(
                "pin-locked",
                "PIN đã bị khóa; hãy liên hệ đơn vị cấp chứng thư số để mở khóa",
                "The PIN is locked; contact the certificate issuer to unlock it",
            ),
        }
    }
}

/// The PIN-related flags of a token, read from `CK_TOKEN_INFO`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct PinStatus {
    /// Remaining-tries state of the user PIN.
    pub state: PinState,
    /// `CKF_USER_PIN_TO_BE_CHANGED`: the PIN is the issuer's initial one or has expired.
    pub must_change: bool,
    /// `CKF_USER_PIN_INITIALIZED` is clear: the token has no user PIN yet.
    pub not_initialized: bool,
}

impl PinStatus {
    /// Reads the flags; the most severe state wins (locked, then final try, then count low).
    pub fn from_token_info(info: &cryptoki::slot::TokenInfo) -> Self {
        let state = if info.user_pin_locked() {
            PinState::Locked
        } else if info.user_pin_final_try() {
            PinState::FinalTry
        } else if info.user_pin_count_low() {
            PinState::CountLow
        } else {
            PinState::Ok
        };
        PinStatus {
            state,
            must_change: info.user_pin_to_be_changed(),
            not_initialized: !info.user_pin_initialized(),
        }
    }

    /// Whether the person should be warned before typing the PIN.
    pub fn needs_warning(&self) -> bool {
        self.state != PinState::Ok || self.must_change
    }
}

impl Explain for PinStatus {
    fn message(&self) -> Message {
        let state = self.state.message();
        if self.not_initialized {
            return Message::new(
                "pin-not-initialized",
                "Thiết bị chưa được đặt PIN người dùng",
                "The device has no user PIN set",
            );
        }
        if !self.must_change {
            return state;
        }
        let change = Message::new(
            "pin-must-change",
            "PIN phải được đổi trước khi ký (PIN ban đầu hoặc đã hết hạn)",
            "The PIN must be changed before signing (initial PIN, or expired)",
        );
        if self.state == PinState::Ok {
            change
        } else {
            Message::new(
                state.code,
                format!("{}; {}", state.vi, change.vi),
                format!("{}; {}", state.en, change.en),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let pin = Pin::new("123456".to_owned());
        assert_eq!(format!("{pin:?}"), "Pin(***)");
        assert_eq!(format!("{:?}", Some(&pin)), "Some(Pin(***))");
        assert_eq!(pin.expose(), "123456");
    }

    #[test]
    fn states_speak_vietnamese_first() {
        let m = PinState::FinalTry.message();
        assert_eq!(m.code, "pin-final-try");
        assert!(m.vi.starts_with("Lần thử cuối cùng"));
        let both = PinStatus {
            state: PinState::CountLow,
            must_change: true,
            not_initialized: false,
        };
        let m = both.message();
        assert_eq!(m.code, "pin-count-low");
        assert!(m.vi.contains("PIN phải được đổi"), "{m}");
        assert!(both.needs_warning());
        let fine = PinStatus {
            state: PinState::Ok,
            must_change: false,
            not_initialized: false,
        };
        assert!(!fine.needs_warning());
    }
}
