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

/// Reads a PDF date string (ISO 32000-1 §7.9.4) leniently: `D:` optional, every part after
/// the year optional (defaults: January, 1st, 00:00:00), offset `Z`, `+HH'mm'`, `+HH'mm`, `+HHmm`
/// or absent (then UTC, as real writers mean it most often). `None` when it is not a date.
pub fn parse_pdf_date(text: &str) -> Option<OffsetDateTime> {
    let s = text.trim().trim_start_matches("D:");
    let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (digits, zone) = s.split_at(digits_end);
    if digits.len() < 4 || digits.len() > 14 || digits.len() % 2 != 0 {
        return None;
    }
    let part = |from: usize, default: u32| -> Option<u32> {
        match digits.get(from..from + 2) {
            Some(p) => p.parse().ok(),
            None => Some(default),
        }
    };
    let year: i32 = digits[..4].parse().ok()?;
    let month = time::Month::try_from(u8::try_from(part(4, 1)?).ok()?).ok()?;
    let day = u8::try_from(part(6, 1)?).ok()?;
    let hour = u8::try_from(part(8, 0)?).ok()?;
    let minute = u8::try_from(part(10, 0)?).ok()?;
    let second = u8::try_from(part(12, 0)?).ok()?;
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    let clock = time::Time::from_hms(hour, minute, second.min(59)).ok()?;
    let offset = parse_offset(zone)?;
    Some(time::PrimitiveDateTime::new(date, clock).assume_offset(offset))
}

/// `Z`, `+07'00'`, `+07'00`, `+0700`, `+07`, `-05'00'`, or nothing (UTC).
fn parse_offset(zone: &str) -> Option<UtcOffset> {
    let zone = zone.trim();
    let sign = match zone.chars().next() {
        None | Some('Z') => return Some(UtcOffset::UTC),
        Some('+') => 1i8,
        Some('-') => -1i8,
        Some(_) => return None,
    };
    let digits: String = zone[1..].chars().filter(|c| c.is_ascii_digit()).collect();
    let hours: i8 = digits.get(..2)?.parse().ok()?;
    let minutes: i8 = digits.get(2..4).map_or(Some(0), |m| m.parse().ok())?;
    UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn pdf_dates_are_read_in_all_their_real_forms() {
        let vn = datetime!(2026-04-26 09:15:02 +7);
        assert_eq!(parse_pdf_date("D:20260426091502+07'00'"), Some(vn));
        assert_eq!(parse_pdf_date("D:20260426091502+07'00"), Some(vn));
        assert_eq!(parse_pdf_date("20260426091502+0700"), Some(vn));
        assert_eq!(parse_pdf_date("D:20260426021502Z"), Some(vn));
        assert_eq!(parse_pdf_date("D:20260426021502"), Some(vn));
        assert_eq!(
            parse_pdf_date("D:2009"),
            Some(datetime!(2009-01-01 00:00:00 UTC))
        );
        assert_eq!(
            parse_pdf_date("D:20091231120000-05'00'"),
            Some(datetime!(2009-12-31 12:00:00 -5))
        );
        for bad in [
            "",
            "D:",
            "D:20",
            "yesterday",
            "D:20261399000000Z",
            "D:20260426091502+xx",
        ] {
            assert_eq!(parse_pdf_date(bad), None, "{bad}");
        }
        assert_eq!(parse_pdf_date(&pdf_date(vn)), Some(vn));
    }

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
