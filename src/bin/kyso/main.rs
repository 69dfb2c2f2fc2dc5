//! `kyso`: the command-line face of the Kyso library. Parsing, resolving arguments, printing;
//! no signing logic lives here (the contract is `../shared/spec/cli.md`).

mod args;
mod demo;
mod extend;
mod journal;
mod layout;
mod output;
mod sign;
mod sign_revocation;
mod timestamp;
mod tokens;
mod verify;

use std::process::ExitCode;

use clap::Parser;

/// Exit codes of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything done.
    Success = 0,
    /// Done, but the answer is negative (an input could not be signed).
    Negative = 1,
    /// Usage error, or nothing could be done.
    Failure = 2,
}

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with success, errors to stderr.
            let code = if e.use_stderr() {
                Outcome::Failure
            } else {
                Outcome::Success
            };
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    journal::install(&cli.journal);
    let outcome = match cli.command {
        args::Command::Tokens(a) => tokens::run(&a),
        args::Command::Sign(a) => sign::run(&a),
        args::Command::Verify(a) => verify::run(&a),
        args::Command::Demo(a) => demo::run(&a),
        args::Command::Extend(a) => extend::run(&a),
        args::Command::Journal(a) => journal::run(&a),
    };
    ExitCode::from(outcome as u8)
}
