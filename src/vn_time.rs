//! Times as Vietnamese office documents show them: always Vietnam time (UTC+07:00, no daylight
//! saving), whatever the computer's time zone (NĐ 30/2020, Phụ lục I; vn-signature-rules §6).

use time::{OffsetDateTime, UtcOffset, macros::format_description};

/// Vietnam's offset from UTC. Vietnam has had no daylight saving time since 1975.
pub const VIETNAM: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("+07:00 is a valid offset"),
};

/// The current time in Vietnam time.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc().to_offset(VIETNAM)
}

/// A PDF date string (ISO 32000-1 §7.9.4) in Vietnam time: `D:20260426091502+07'00'`.
pub fn pdf_date(at: OffsetDateTime) -> String {
    let at = at.to_offset(VIETNAM);
    let fmt = format_description!("D:[year][month][day][hour][minute][second]+07'00'");
    // Formatting into a String with only numeric components cannot fail.
    at.format(&fmt).expect("numeric PDF date format")
}

/// ISO 8601 with the offset, as the attachment and copy boxes show it:
/// `2026-04-26T09:15:02+07:00`.
pub fn iso8601(at: OffsetDateTime) -> String {
    let at = at.to_offset(VIETNAM);
    let fmt = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+07:00");
    at.format(&fmt).expect("numeric ISO 8601 format")
}

/// A date as Vietnamese people write it: `26/04/2026`.
pub fn short_date(at: OffsetDateTime) -> String {
    let at = at.to_offset(VIETNAM);
    let fmt = format_description!("[day]/[month]/[year]");
    at.format(&fmt).expect("numeric date format")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn utc_times_are_shown_in_vietnam_time() {
        let at = datetime!(2026-04-26 02:15:02 UTC);
        assert_eq!(pdf_date(at), "D:20260426091502+07'00'");
        assert_eq!(iso8601(at), "2026-04-26T09:15:02+07:00");
        assert_eq!(short_date(at), "26/04/2026");
    }

    #[test]
    fn the_date_rolls_over_at_vietnam_midnight() {
        // 18:30 UTC on the 25th is already the 26th in Hà Nội.
        let at = datetime!(2026-04-25 18:30:00 -0);
        assert_eq!(iso8601(at), "2026-04-26T01:30:00+07:00");
        let new_york = datetime!(2026-04-25 14:30:00 -4);
        assert_eq!(iso8601(new_york), "2026-04-26T01:30:00+07:00");
    }
}
