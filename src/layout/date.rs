//! Dates as Vietnamese administrative documents write them.
//!
//! NĐ 30/2020/NĐ-CP, Phụ lục I, mục II.5 (địa danh và thời gian ban hành văn bản): "ngày …
//! tháng … năm …", where a day below 10 and the months 1 and 2 take a leading zero ("ngày 05
//! tháng 02 năm 2026", but "ngày 26 tháng 4 năm 2026"), so that nobody can add a digit before
//! them on paper.

use time::{Date, Month};

use super::LayoutError;

/// `ngày 26 tháng 4 năm 2026`, with the leading zeros NĐ 30 requires.
pub fn vietnamese_date(date: Date) -> String {
    let day = date.day();
    let month = u8::from(date.month());
    let day = if day < 10 {
        format!("0{day}")
    } else {
        day.to_string()
    };
    let month = if month <= 2 {
        format!("0{month}")
    } else {
        month.to_string()
    };
    format!("ngày {day} tháng {month} năm {}", date.year())
}

/// Parses `YYYY-MM-DD` (the `--date` option).
pub fn parse_date(text: &str) -> Result<Date, LayoutError> {
    let bad = || LayoutError::BadDate(text.to_string());
    let mut parts = text.trim().splitn(3, '-');
    let mut next = || -> Result<i32, LayoutError> {
        let part = parts.next().ok_or_else(bad)?;
        if part.is_empty() || part.len() > 4 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse().map_err(|_| bad())
    };
    let (year, month, day) = (next()?, next()?, next()?);
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(bad)?;
    let day = u8::try_from(day).map_err(|_| bad())?;
    Date::from_calendar_date(year, month, day).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn leading_zeros_as_nd30_requires() {
        assert_eq!(
            vietnamese_date(date!(2026 - 04 - 26)),
            "ngày 26 tháng 4 năm 2026"
        );
        assert_eq!(
            vietnamese_date(date!(2026 - 02 - 05)),
            "ngày 05 tháng 02 năm 2026"
        );
        assert_eq!(
            vietnamese_date(date!(2025 - 12 - 10)),
            "ngày 10 tháng 12 năm 2025"
        );
        assert_eq!(
            vietnamese_date(date!(2026 - 01 - 31)),
            "ngày 31 tháng 01 năm 2026"
        );
    }

    #[test]
    fn parses_iso_dates_only() {
        assert_eq!(parse_date("2026-04-26").unwrap(), date!(2026 - 04 - 26));
        for bad in [
            "2026-02-30",
            "26/04/2026",
            "2026-4",
            "",
            "2026-13-01",
            "x-1-1",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
