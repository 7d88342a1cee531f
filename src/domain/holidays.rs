//! Dutch public holidays on which group modules do not meet, computed for any year.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Easter Sunday (Gregorian, the anonymous algorithm).
pub fn easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// King's Day: 27 April, or 26 April when the 27th is a Sunday.
pub fn kings_day(year: i32) -> Option<NaiveDate> {
    let d = NaiveDate::from_ymd_opt(year, 4, 27)?;
    Some(if d.weekday() == Weekday::Sun { d - Duration::days(1) } else { d })
}

/// Every public holiday of `year` with its Dutch name.
pub fn holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let mut out = Vec::new();
    let fixed = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let mut push = |d: Option<NaiveDate>, name| {
        if let Some(d) = d {
            out.push((d, name));
        }
    };
    push(fixed(1, 1), "Nieuwjaarsdag");
    if let Some(e) = easter(year) {
        push(Some(e - Duration::days(2)), "Goede Vrijdag");
        push(Some(e), "Eerste Paasdag");
        push(Some(e + Duration::days(1)), "Tweede Paasdag");
        push(Some(e + Duration::days(39)), "Hemelvaartsdag");
        push(Some(e + Duration::days(49)), "Eerste Pinksterdag");
        push(Some(e + Duration::days(50)), "Tweede Pinksterdag");
    }
    push(kings_day(year), "Koningsdag");
    push(fixed(5, 5), "Bevrijdingsdag");
    push(fixed(12, 25), "Eerste Kerstdag");
    push(fixed(12, 26), "Tweede Kerstdag");
    out.sort();
    out
}

/// The holiday on `date`, if it is one.
pub fn holiday(date: NaiveDate) -> Option<&'static str> {
    holidays(date.year()).into_iter().find(|(d, _)| *d == date).map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_in_known_years() {
        assert_eq!(easter(2024), Some(d(2024, 3, 31)));
        assert_eq!(easter(2025), Some(d(2025, 4, 20)));
        assert_eq!(easter(2026), Some(d(2026, 4, 5)));
        assert_eq!(easter(2027), Some(d(2027, 3, 28)));
        assert_eq!(easter(2038), Some(d(2038, 4, 25)));
        assert_eq!(easter(2285), Some(d(2285, 3, 22)));
    }

    #[test]
    fn kings_day_moves_off_sunday() {
        assert_eq!(kings_day(2025), Some(d(2025, 4, 26)), "27 April 2025 is a Sunday");
        assert_eq!(kings_day(2026), Some(d(2026, 4, 27)));
    }

    #[test]
    fn the_holidays_of_2026() {
        let h: Vec<NaiveDate> = holidays(2026).into_iter().map(|(d, _)| d).collect();
        assert_eq!(
            h,
            [
                d(2026, 1, 1),
                d(2026, 4, 3),
                d(2026, 4, 5),
                d(2026, 4, 6),
                d(2026, 4, 27),
                d(2026, 5, 5),
                d(2026, 5, 14),
                d(2026, 5, 24),
                d(2026, 5, 25),
                d(2026, 12, 25),
                d(2026, 12, 26)
            ]
        );
        assert_eq!(holiday(d(2026, 5, 14)), Some("Hemelvaartsdag"));
        assert_eq!(holiday(d(2026, 5, 15)), None);
    }
}
