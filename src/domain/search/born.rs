//! Search terms that are a date of birth: `dd-mm-jjjj`, `dd-mm-jj`, or a date still being typed.
//!
//! A term is read as a date when it is a day and a month of one or two digits each, separated by
//! `-`, `/` or `.`, optionally followed by a separator and one to four digits of the year
//! (`12-03-1970`, `12/3/70`, `1.3.1970`, `12-03`, `12-03-19`). Anything else with digits (a phone
//! number typed with separators, `06-12345678`) is not a date. A date term matches the date of
//! birth only, never the number, postcode or phone.
//!
//! The domain has no clock, so a two-digit year cannot be placed in a century by age: `70`
//! matches anyone born on that day and month in a year ending in 70 (1970, 1870, 2070). While the
//! year is being typed, its digits so far also match as the start of a four-digit year, so the
//! list does not empty and refill between `12-03-1` and `12-03-1970`: `12-03-19` lists both
//! 12-03-19xx and 12-03-2019 and `12-03-20` both 12-03-20xx and 12-03-1920 (for people on a
//! caseload, 16 and over, one of the two readings is nearly always empty). A day and a month alone
//! (`12-03`) list everyone born on that day of the year, about one in 365 of the caseload: the
//! birth dates shown on each line, with the day and month highlighted, say why.

use chrono::{Datelike, NaiveDate};

/// A date of birth, packed for the index: `year << 9 | month << 5 | day`; 0 is no date.
pub(super) fn pack(d: Option<NaiveDate>) -> u32 {
    match d {
        Some(d) if (1..=9999).contains(&d.year()) => (d.year() as u32) << 9 | d.month() << 5 | d.day(),
        _ => 0,
    }
}

fn unpack(packed: u32) -> Option<(u32, u32, u32)> {
    (packed != 0).then_some((packed >> 9, (packed >> 5) & 0xf, packed & 0x1f))
}

/// A date of birth as typed in a search query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Born {
    day: u32,
    month: u32,
    /// The year's digits typed so far and how many there are (0 to 4).
    year: u32,
    year_digits: u32,
}

impl Born {
    /// `term` (folded, separators kept) read as a date, or `None` when it is not one.
    pub(super) fn parse(term: &str) -> Option<Born> {
        let mut pieces = term.split(['-', '/', '.']);
        let day = number(pieces.next()?, 1, 2)?;
        let month = number(pieces.next()?, 1, 2)?;
        let (year, year_digits) = match pieces.next() {
            None | Some("") => (0, 0),
            Some(y) => (number(y, 1, 4)?, y.len() as u32),
        };
        if pieces.next().is_some() || !(1..=31).contains(&day) || !(1..=12).contains(&month) {
            return None;
        }
        Some(Born { day, month, year, year_digits })
    }

    /// Whether a packed date of birth (see [`pack`]) is this date.
    pub(super) fn matches(&self, packed: u32) -> bool {
        self.reading(packed).is_some()
    }

    /// How `packed` matches: `Some(true)` when the year matched as its last two digits,
    /// `Some(false)` when as its start (or no year was typed), `None` when it does not match.
    fn reading(&self, packed: u32) -> Option<bool> {
        let (y, m, d) = unpack(packed)?;
        if d != self.day || m != self.month {
            return None;
        }
        if self.year_digits == 0 || y / 10u32.pow(4 - self.year_digits) == self.year {
            return Some(false);
        }
        (self.year_digits == 2 && y % 100 == self.year).then_some(true)
    }

    /// The positions in the date as shown (`dd-mm-jjjj`) that this term matched, if it matched.
    pub(super) fn positions(&self, packed: u32) -> Vec<usize> {
        let mut out = Vec::new();
        if let Some(two_digit) = self.reading(packed) {
            out.extend([0, 1, 3, 4]);
            if two_digit {
                out.extend([8, 9]);
            } else {
                out.extend(6..6 + self.year_digits as usize);
            }
        }
        out
    }
}

/// `s` as a number of `min` to `max` ASCII digits.
fn number(s: &str, min: usize, max: usize) -> Option<u32> {
    if !(min..=max).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packed(y: i32, m: u32, d: u32) -> u32 {
        pack(NaiveDate::from_ymd_opt(y, m, d))
    }

    #[test]
    fn full_and_two_digit_years_with_any_separator() {
        let born = packed(1970, 3, 12);
        for typed in ["12-03-1970", "12/03/1970", "12.03.1970", "12-3-1970", "12-03-70", "12/3/70", "12.03.70"] {
            let b = Born::parse(typed);
            assert!(b.is_some_and(|b| b.matches(born)), "{typed}");
        }
        for other in ["13-03-1970", "12-04-1970", "12-03-1971", "12-03-71", "12-03-2070x"] {
            assert!(!Born::parse(other).is_some_and(|b| b.matches(born)), "{other}");
        }
        // A two-digit year matches whichever century: the domain has no clock to choose one.
        assert!(Born::parse("12-03-70").is_some_and(|b| b.matches(packed(2070, 3, 12))));
        assert!(Born::parse("1-2-05").is_some_and(|b| b.matches(packed(2005, 2, 1))));
    }

    #[test]
    fn a_date_being_typed_keeps_its_people() {
        let born = packed(1970, 3, 12);
        for typed in ["12-03", "12-03-", "12-03-1", "12-03-19", "12-03-197", "12-03-1970"] {
            assert!(Born::parse(typed).is_some_and(|b| b.matches(born)), "{typed}");
        }
        assert!(!Born::parse("12-03-2").is_some_and(|b| b.matches(born)));
        assert!(!Born::parse("12-03-198").is_some_and(|b| b.matches(born)));
    }

    #[test]
    fn phone_numbers_and_nonsense_are_not_dates() {
        for typed in ["06-12345678", "06-1234-5678", "0612345678", "12", "12-", "-12-03", "32-01", "12-13", "1-2-3-4"] {
            assert_eq!(Born::parse(typed), None, "{typed}");
        }
        for typed in ["00-03-1970", "12-00-1970", "12-03-19700", "123-03-1970", "12-03-1a70"] {
            assert_eq!(Born::parse(typed), None, "{typed}");
        }
    }

    #[test]
    fn no_date_of_birth_matches_nothing() {
        assert_eq!(pack(None), 0);
        assert!(!Born::parse("12-03").is_some_and(|b| b.matches(0)));
    }

    #[test]
    fn positions_follow_the_reading() {
        let born = packed(1970, 3, 12);
        let at = |typed: &str| Born::parse(typed).map(|b| b.positions(born)).unwrap_or_default();
        assert_eq!(at("12-03-1970"), vec![0, 1, 3, 4, 6, 7, 8, 9]);
        assert_eq!(at("12-03-70"), vec![0, 1, 3, 4, 8, 9]);
        assert_eq!(at("12-03-19"), vec![0, 1, 3, 4, 6, 7]);
        assert_eq!(at("12-03"), vec![0, 1, 3, 4]);
        assert_eq!(at("12-03-71"), Vec::<usize>::new());
    }
}
