//! Validation of signed PDFs as ETSI EN 319 102-1 describes it: facts about every signature and
//! every revision first, then checks, then a verdict a receiving clerk can act on.

#[doc(hidden)]
pub mod attacks;
pub mod budget;
pub mod changes;
pub mod details;
pub mod discovery;
pub mod dss;
pub mod finding;
pub mod indication;
pub mod integrity;
pub mod ltv;
pub mod notice;
pub mod policy;
pub mod prefix;
pub mod process;
pub mod report;
pub mod revisions;
pub mod role;
pub mod timestamp;

pub use process::{VerifyOptions, verify_file};
