//! The test time-stamp authority lives in the library (`kyso::net::test_tsa`), so that the
//! desktop app's command and end-to-end tests run the same one.

#[allow(unused_imports)] // each test binary uses its own part of the harness
pub use kyso::net::test_tsa::*;
