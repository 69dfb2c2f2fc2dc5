//! `kyso sign --level b-t [--tsa URL]`: the time-stamp authority the CLI signs with, and what
//! it says about each time-stamp.

use kyso::message::{Explain, Message};
use kyso::net::HttpClient;
use kyso::pki::trust::TrustStore;
use kyso::pki::tsp::{DEFAULT_TSA_URL, TsaClient, TsaTrust};
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
        (_, Some(url)) => url.clone(),
        (_, None) => DEFAULT_TSA_URL.to_owned(),
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(Message::new(
            "usage",
            format!(
                "Địa chỉ máy chủ cấp dấu thời gian phải bắt đầu bằng http:// hoặc https://: {url}"
            ),
            format!(
                "The time-stamp authority's address must start with http:// or https://: {url}"
            ),
        ));
    }
    // The TSA's path is checked against the shipped anchors (VGCA, NEAC); one that does not
    // chain there is reported, not refused: `kyso verify` judges it with the office's trust.
    let trust = TrustStore::shipped().ok();
    Ok(Some(TsaClient::new(url, HttpClient::default(), trust)))
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
