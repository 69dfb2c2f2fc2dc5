//! How `kyso` talks: JSON Lines on standard output for programs, Vietnamese-then-English
//! text on standard error for people.

use std::io::Write;

use kyso::message::Message;
use serde::Serialize;

/// Prints one JSON object on its own line on standard output.
pub fn json_line(value: &impl Serialize) {
    let mut out = std::io::stdout().lock();
    // Serializing our own report types cannot fail; a closed stdout is not worth a panic.
    if let Ok(text) = serde_json::to_string(value) {
        let _ = writeln!(out, "{text}");
    }
}

/// A message for a person on standard error: Vietnamese, then English on the next line.
pub fn say(prefix: &str, message: &Message) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{prefix}{}", message.vi);
    let _ = writeln!(err, "{}{}", " ".repeat(prefix.chars().count()), message.en);
}

/// A usage or set-up error: printed, and the caller exits 2.
pub fn error(message: &Message) {
    say("lỗi/error: ", message);
}
