//! Kyso: sign and check digitally signed PDF documents (PAdES) for Vietnamese public offices.
//!
//! The library is the whole product; the `kyso` CLI and the desktop app are thin faces over it.

pub mod cms;
pub mod demo;
pub mod journal;
pub mod layout;
pub mod message;
pub mod net;
pub mod pdf;
pub mod pki;
pub mod settings;
pub mod sign;
pub mod token;
pub mod verify;
pub mod vn_time;
