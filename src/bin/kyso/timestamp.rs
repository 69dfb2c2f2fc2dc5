//! `kyso sign --level b-t [--tsa URL]`: the time-stamp authority the CLI signs with, and what
//! it says about each time-stamp.

use kyso::message::{Explain, Message};
use kyso::pki::trust::TrustStore;
use kyso::pki::tsp::{TsaClient, TsaTrust};
use kyso::sign::TimestampSummary;

use crate::args::{Level, SignArgs};
use crate::output::say;

/// The TSA client for the level asked: `None` for B-B. Checked before the token is touched, so
/// a mistyped option costs no PIN entry.
pub fn tsa_client(args: &SignArgs) -> Result<Option<TsaClient>, Message> {
    let url = match (args.level, &args.tsa) {
        (Level::BB, None) => return Ok(None),
        (Level::BB, Some(_)) => {
            return Err(Message::new(
                "usage",
                "--tsa chỉ dùng cùng --level b-t (hoặc b-lt, b-lta): chữ ký mức B-B không có dấu thời gian",
                "--tsa goes with --level b-t (or b-lt, b-lta): a B-B signature has no time-stamp",
            ));
        }
        (_, _) if args.offline => {
            return Err(Message::new(
                "usage",
                format!(
                    "--offline không dùng được với --level {}: cần mạng để lấy dấu thời gian",
                    args.level.as_str()
                ),
                format!(
                    "--offline cannot go with --level {}: a time-stamp needs the network",
                    args.level.as_str()
                ),
            ));
        }
        // An address given explicitly must be one: an empty `--tsa ""` is a mistake, not a
        // request for the default service.
        (_, Some(url)) => {
            checked_tsa_url(url)?;
            Some(url.as_str())
        }
        (_, None) => None,
    };
    // The TSA's path is checked against the shipped anchors (VGCA, NEAC); one that does not
    // chain there is reported, not refused: `kyso verify` judges it with the office's trust.
    kyso::sign::tsa_client(args.level.into(), url, TrustStore::shipped().ok())
        .map_err(|e| tsa_usage(&e))
}

/// Refuses a TSA address that is not `http://` or `https://` with a host, as a usage error:
/// before any document is read or PIN asked.
pub fn checked_tsa_url(url: &str) -> Result<(), Message> {
    kyso::net::check_url(url)
        .map(drop)
        .map_err(|e| tsa_usage(&e))
}

fn tsa_usage(e: &kyso::net::NetError) -> Message {
    let why = e.message();
    Message::new(
        "usage",
        format!(
            "Địa chỉ máy chủ cấp dấu thời gian không dùng được: {}",
            why.vi
        ),
        format!(
            "The time-stamp authority's address cannot be used: {}",
            why.en
        ),
    )
}

/// Tells a person what the time-stamp of a signed document says.
pub fn say_timestamp(timestamp: &TimestampSummary) {
    let time = kyso::vn_time::iso8601(timestamp.time);
    say(
        "  ",
        &Message::new(
            "timestamp",
            format!(
                "Dấu thời gian: {time}, do «{}» cấp ({})",
                timestamp.tsa_subject, timestamp.tsa_url
            ),
            format!(
                "Time-stamp: {time}, by «{}» ({})",
                timestamp.tsa_subject, timestamp.tsa_url
            ),
        ),
    );
    if let TsaTrust::Untrusted(_) = &timestamp.trust {
        say("⚠ ", &timestamp.trust.message());
    }
}
