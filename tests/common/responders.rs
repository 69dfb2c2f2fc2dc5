//! The test OCSP responder, CRL and caIssuers servers live in the library
//! (`kyso::net::test_responders`), so that the desktop app's command tests run the same ones.

#[allow(unused_imports)] // each test binary uses its own part of the harness
pub use kyso::net::test_responders::*;
