//! Parsers and validators for what a coach types: dates, postcodes, phone numbers, e-mail.
//! Each returns a typed [`Invalid`] reason that the UI turns into a message in the coach's language.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Why a typed value was refused. `key()` names the message in the string tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("required")]
    Required,
    #[error("date format")]
    DateFormat,
    #[error("no such date")]
    DateNotExisting,
    #[error("date in the future")]
    DateInFuture,
    #[error("date too long ago")]
    DateTooOld,
    #[error("postcode")]
    Postcode,
    #[error("phone")]
    Phone,
    #[error("email")]
    Email,
    #[error("end before start")]
    EndBeforeStart,
    #[error("too long")]
    TooLong,
    #[error("unknown choice")]
    UnknownChoice,
    #[error("time")]
    Time,
    #[error("count")]
    Count,
    #[error("minutes")]
    Minutes,
    /// The length of a contact: 0 (an attempt) to 600 minutes.
    #[error("contact minutes")]
    ContactMinutes,
    #[error("status via steps")]
    StatusViaSteps,
    /// A consent's day before its previous step (given or withdrawn then).
    #[error("before the previous step")]
    BeforePreviousStep,
    /// A start date for someone only referred: the trajectory starts at the intake or later.
    #[error("no start while referred")]
    NoStartWhileReferred,
}

impl Invalid {
    /// The string-table key of the message shown next to the field.
    pub fn key(self) -> &'static str {
        match self {
            Invalid::Required => "invalid.required",
            Invalid::DateFormat => "invalid.date_format",
            Invalid::DateNotExisting => "invalid.date_not_existing",
            Invalid::DateInFuture => "invalid.date_in_future",
            Invalid::DateTooOld => "invalid.date_too_old",
            Invalid::Postcode => "invalid.postcode",
            Invalid::Phone => "invalid.phone",
            Invalid::Email => "invalid.email",
            Invalid::EndBeforeStart => "invalid.end_before_start",
            Invalid::TooLong => "invalid.too_long",
            Invalid::UnknownChoice => "invalid.unknown_choice",
            Invalid::Time => "invalid.time",
            Invalid::Count => "invalid.count",
            Invalid::Minutes => "invalid.minutes",
            Invalid::ContactMinutes => "invalid.contact_minutes",
            Invalid::StatusViaSteps => "invalid.status_via_steps",
            Invalid::BeforePreviousStep => "invalid.before_previous_step",
            Invalid::NoStartWhileReferred => "invalid.no_start_while_referred",
        }
    }
}

/// Longest free text a single field stores.
pub const MAX_TEXT: usize = 2000;

/// Parses a date as a Dutch coach types it: `dd-mm-jjjj`, `d-m-jjjj` (also with `/` or `.`),
/// or ISO `jjjj-mm-dd`.
pub fn parse_date(input: &str) -> Result<NaiveDate, Invalid> {
    let s = input.trim();
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(Invalid::DateFormat);
    }
    let num = |p: &str| p.parse::<u32>().map_err(|_| Invalid::DateFormat);
    let (y, m, d) = if parts[0].len() == 4 && parts[1].len() <= 2 && parts[2].len() <= 2 {
        (num(parts[0])?, num(parts[1])?, num(parts[2])?)
    } else if parts[0].len() <= 2 && parts[1].len() <= 2 && parts[2].len() == 4 {
        (num(parts[2])?, num(parts[1])?, num(parts[0])?)
    } else {
        return Err(Invalid::DateFormat);
    };
    if !(1800..=9999).contains(&y) {
        return Err(Invalid::DateFormat);
    }
    let year = i32::try_from(y).map_err(|_| Invalid::DateFormat)?;
    NaiveDate::from_ymd_opt(year, m, d).ok_or(Invalid::DateNotExisting)
}

/// A date of birth: a valid date, not in the future and not more than 120 years ago.
pub fn parse_date_of_birth(input: &str, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    let d = parse_date(input)?;
    if d > today {
        return Err(Invalid::DateInFuture);
    }
    if today.year() - d.year() > 120 {
        return Err(Invalid::DateTooOld);
    }
    Ok(d)
}

/// Shows a date the Dutch way: dd-mm-jjjj.
pub fn format_date(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

/// A Dutch postcode, stored in its canonical form `1234 AB`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Postcode(String);

impl Postcode {
    /// Parses `1234AB`, `1234 ab`, ` 1234  Ab ` and the like.
    pub fn parse(input: &str) -> Result<Postcode, Invalid> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let b = compact.as_bytes();
        if b.len() != 6
            || !b[..4].iter().all(u8::is_ascii_digit)
            || b[0] == b'0'
            || !b[4..].iter().all(u8::is_ascii_alphabetic)
        {
            return Err(Invalid::Postcode);
        }
        let letters = compact[4..].to_ascii_uppercase();
        // These letter combinations are never issued by PostNL.
        if matches!(letters.as_str(), "SA" | "SD" | "SS") {
            return Err(Invalid::Postcode);
        }
        Ok(Postcode(format!("{} {}", &compact[..4], letters)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Postcode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks a phone number and returns it in the one form meedoen stores and shows: a Dutch
/// number (`06…`, `0xx…`, `+31…`, `0031…`, with spaces, dashes, dots or parentheses) in the
/// national notation with its area code apart (`06 12345678`, `010 123 4567`, `0591 123 456`),
/// a number from abroad (`+49 …`) that the phone-number metadata knows as valid in the
/// international one (`+49 30 1234567`). The notation is libphonenumber's, through the
/// `phonenumber` crate.
pub fn parse_phone(input: &str) -> Result<String, Invalid> {
    let s = input.trim();
    if s.is_empty()
        || !s.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')' | '+'))
        || s[1..].contains('+')
    {
        return Err(Invalid::Phone);
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let national = if s.starts_with('+') {
        match digits.strip_prefix("31") {
            Some(rest) => Some(rest.to_string()),
            None => return abroad(&digits),
        }
    } else if let Some(rest) = digits.strip_prefix("0031") {
        Some(rest.to_string())
    } else if let Some(rest) = digits.strip_prefix("00") {
        return abroad(rest);
    } else {
        digits.strip_prefix('0').map(str::to_string)
    };
    match national {
        // After the 0 or +31 come nine digits, the first not a zero.
        Some(n) if n.len() == 9 && !n.starts_with('0') => {
            Ok(formatted(&format!("0{n}"), phonenumber::Mode::National).unwrap_or_else(|| format!("0{n}")))
        }
        _ => Err(Invalid::Phone),
    }
}

/// A number from abroad (its digits after the `+` or `00`), in the international notation when
/// the metadata knows it as valid.
fn abroad(digits: &str) -> Result<String, Invalid> {
    if digits.len() > 15 {
        return Err(Invalid::Phone);
    }
    let n = phonenumber::parse(None, format!("+{digits}")).map_err(|_| Invalid::Phone)?;
    if !phonenumber::is_valid(&n) {
        return Err(Invalid::Phone);
    }
    Ok(n.format().mode(phonenumber::Mode::International).to_string())
}

fn formatted(number: &str, mode: phonenumber::Mode) -> Option<String> {
    let n = phonenumber::parse(Some(phonenumber::country::Id::NL), number).ok()?;
    Some(n.format().mode(mode).to_string())
}

/// A stored phone number as meedoen shows it: in the one notation of [`parse_phone`] (a number
/// saved before that notation is shown in it too), anything else as it is.
pub fn shown_phone(stored: &str) -> String {
    parse_phone(stored).unwrap_or_else(|_| stored.trim().to_string())
}

/// Only the digits of a phone number in national form (`0612345678`), for search.
pub fn phone_digits(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if phone.trim_start().starts_with('+')
        && let Some(rest) = digits.strip_prefix("31")
    {
        return format!("0{rest}");
    }
    if let Some(rest) = digits.strip_prefix("0031") {
        return format!("0{rest}");
    }
    digits
}

/// Checks the shape of an e-mail address: one `@`, something before it, a dotted domain after.
pub fn parse_email(input: &str) -> Result<String, Invalid> {
    let s = input.trim();
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Invalid::Email);
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain.split('.').all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
    if local.is_empty() || !domain_ok || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Invalid::Email);
    }
    Ok(s.to_string())
}

/// Checks free text: no longer than [`MAX_TEXT`], control characters removed, trimmed.
pub fn clean_text(input: &str) -> Result<String, Invalid> {
    let s: String = input.chars().filter(|c| !c.is_control()).collect();
    let s = s.trim();
    if s.chars().count() > MAX_TEXT {
        return Err(Invalid::TooLong);
    }
    Ok(s.to_string())
}

/// Checks a long text (advice, a note, a summary) as [`clean_text`] does, but keeps its line
/// breaks: `\r\n` and a lone `\r` become `\n`, a tab a space, spaces at the end of a line go,
/// and blank lines at the start and the end.
pub fn clean_long_text(input: &str) -> Result<String, Invalid> {
    let unified = input.replace("\r\n", "\n").replace(['\r'], "\n").replace('\t', " ");
    let lines: Vec<String> = unified
        .split('\n')
        .map(|l| l.chars().filter(|c| !c.is_control()).collect::<String>().trim_end().to_string())
        .collect();
    let s = lines.join("\n").trim().to_string();
    if s.chars().count() > MAX_TEXT {
        return Err(Invalid::TooLong);
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn dates_in_all_three_shapes() {
        assert_eq!(parse_date("03-02-1971"), Ok(d(1971, 2, 3)));
        assert_eq!(parse_date("3-2-1971"), Ok(d(1971, 2, 3)));
        assert_eq!(parse_date("1971-02-03"), Ok(d(1971, 2, 3)));
        assert_eq!(parse_date(" 3/2/1971 "), Ok(d(1971, 2, 3)));
        assert_eq!(parse_date("31-02-1971"), Err(Invalid::DateNotExisting));
        assert_eq!(parse_date("3-2-71"), Err(Invalid::DateFormat));
        assert_eq!(parse_date("gisteren"), Err(Invalid::DateFormat));
        assert_eq!(parse_date(""), Err(Invalid::DateFormat));
        assert_eq!(parse_date("29-02-2024"), Ok(d(2024, 2, 29)));
        assert_eq!(parse_date("29-02-2023"), Err(Invalid::DateNotExisting));
    }

    #[test]
    fn birth_date_not_in_future() {
        let today = d(2026, 11, 24);
        assert_eq!(parse_date_of_birth("25-11-2026", today), Err(Invalid::DateInFuture));
        assert_eq!(parse_date_of_birth("24-11-2026", today), Ok(today));
        assert_eq!(parse_date_of_birth("01-01-1850", today), Err(Invalid::DateTooOld));
    }

    #[test]
    fn postcodes_forgive_spacing_and_case() {
        assert_eq!(Postcode::parse("1234ab").map(|p| p.to_string()), Ok("1234 AB".into()));
        assert_eq!(Postcode::parse(" 1234  Ab ").map(|p| p.to_string()), Ok("1234 AB".into()));
        assert_eq!(Postcode::parse("0123 AB"), Err(Invalid::Postcode));
        assert_eq!(Postcode::parse("1234 SS"), Err(Invalid::Postcode));
        assert_eq!(Postcode::parse("12345"), Err(Invalid::Postcode));
        assert_eq!(Postcode::parse("1234 A1"), Err(Invalid::Postcode));
    }

    #[test]
    fn phones() {
        for ok in ["0612345678", "06-12345678", "020 123 4567", "+31 6 12345678", "0031612345678", "(010) 4123456"] {
            assert!(parse_phone(ok).is_ok(), "{ok}");
        }
        for bad in ["12345", "061234567", "06123456789", "+32 6 123", "06-1234567a", "+31 06 12345678", "0", "+99 123"]
        {
            assert_eq!(parse_phone(bad), Err(Invalid::Phone), "{bad}");
        }
        // One notation, whatever way it was typed.
        for (typed, stored) in [
            ("0612345678", "06 12345678"),
            ("06-12345678", "06 12345678"),
            ("0031612345678", "06 12345678"),
            ("010-1234567", "010 123 4567"),
            ("(0591) 12 34 56", "0591 123 456"),
            ("+49 30 1234567", "+49 30 1234567"),
            ("0049301234567", "+49 30 1234567"),
        ] {
            assert_eq!(parse_phone(typed).as_deref(), Ok(stored), "{typed}");
            assert_eq!(parse_phone(stored).as_deref(), Ok(stored), "{stored} stays as it is");
        }
        assert_eq!(shown_phone("06-12345678"), "06 12345678");
        assert_eq!(shown_phone("bel de buren"), "bel de buren");
        assert_eq!(phone_digits("+31 6 12345678"), "0612345678");
        assert_eq!(phone_digits("06-1234 5678"), "0612345678");
    }

    #[test]
    fn emails() {
        assert!(parse_email("jan@voorbeeld.nl").is_ok());
        assert!(parse_email("a.b+c@sub.example.org").is_ok());
        for bad in ["jan", "jan@", "@x.nl", "jan@nl", "jan@@x.nl", "j an@x.nl", "jan@x..nl", "jan@.x.nl"] {
            assert_eq!(parse_email(bad), Err(Invalid::Email), "{bad}");
        }
    }

    #[test]
    fn long_texts_keep_their_line_breaks() {
        assert_eq!(clean_long_text("  Werk zoeken \r\nEerst taal\r\n\n"), Ok("Werk zoeken\nEerst taal".into()));
        assert_eq!(clean_long_text("a\tb\u{7}\n\nc"), Ok("a b\n\nc".into()));
        assert_eq!(clean_text("a\nb"), Ok("ab".into()), "a one-line field still drops them");
        assert_eq!(clean_long_text(&"x\n".repeat(1001)), Err(Invalid::TooLong));
    }
}
