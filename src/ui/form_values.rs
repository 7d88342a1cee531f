//! A form's values as typed values. Every reader returns the value or says which field is wrong
//! and why; nothing on the way from a field to a saved record falls back to a default.

use chrono::{NaiveDate, NaiveDateTime};

use super::form::{FieldKind, Form};
use crate::domain::choice::Choice;
use crate::domain::module::parse_time;
use crate::domain::validate::{Invalid, clean_long_text, clean_text, parse_date};

/// A field whose value cannot be read as what it should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldError {
    pub key: &'static str,
    pub error: Invalid,
}

type Read<T> = Result<T, FieldError>;

impl Form {
    /// The typed text of field `key`, trimmed, or `None` when it is empty.
    pub fn present_text(&self, key: &'static str) -> Option<&str> {
        Some(self.value(key).trim()).filter(|v| !v.is_empty())
    }

    fn required<T>(&self, key: &'static str, v: Read<Option<T>>) -> Read<T> {
        v?.ok_or(FieldError { key, error: Invalid::Required })
    }

    /// Free text, cleaned of control characters (may be empty); a long text keeps its line breaks.
    pub fn text(&self, key: &'static str) -> Read<String> {
        let clean = match self.kind_of(key) {
            FieldKind::LongText => clean_long_text,
            FieldKind::Text | FieldKind::Choice(_) => clean_text,
        };
        clean(self.value(key)).map_err(|error| FieldError { key, error })
    }

    /// The chosen value of a choice field, `None` when none is chosen.
    pub fn opt_choice<T: Choice>(&self, key: &'static str) -> Read<Option<T>> {
        self.present_text(key)
            .map(|v| T::from_code(v).ok_or(FieldError { key, error: Invalid::UnknownChoice }))
            .transpose()
    }

    pub fn choice<T: Choice>(&self, key: &'static str) -> Read<T> {
        self.required(key, self.opt_choice(key))
    }

    pub fn opt_date(&self, key: &'static str) -> Read<Option<NaiveDate>> {
        self.present_text(key).map(|v| parse_date(v).map_err(|error| FieldError { key, error })).transpose()
    }

    pub fn date(&self, key: &'static str) -> Read<NaiveDate> {
        self.required(key, self.opt_date(key))
    }

    /// A time of day as minutes after midnight.
    pub fn opt_time(&self, key: &'static str) -> Read<Option<u16>> {
        self.present_text(key).map(|v| parse_time(v).ok_or(FieldError { key, error: Invalid::Time })).transpose()
    }

    pub fn time(&self, key: &'static str) -> Read<u16> {
        self.required(key, self.opt_time(key))
    }

    /// A whole number; `bad` is the message when it is not one.
    pub fn opt_number<N: std::str::FromStr>(&self, key: &'static str, bad: Invalid) -> Read<Option<N>> {
        self.present_text(key).map(|v| v.parse().map_err(|_| FieldError { key, error: bad })).transpose()
    }

    pub fn number<N: std::str::FromStr>(&self, key: &'static str, bad: Invalid) -> Read<N> {
        self.required(key, self.opt_number(key, bad))
    }

    /// A date field and a time field as one moment; `None` when both are empty.
    pub fn opt_moment(&self, date: &'static str, time: &'static str) -> Read<Option<NaiveDateTime>> {
        match (self.opt_date(date)?, self.opt_time(time)?) {
            (None, None) => Ok(None),
            (Some(d), Some(m)) => d
                .and_hms_opt(u32::from(m / 60), u32::from(m % 60), 0)
                .map(Some)
                .ok_or(FieldError { key: time, error: Invalid::Time }),
            (None, Some(_)) => Err(FieldError { key: date, error: Invalid::Required }),
            (Some(_), None) => Err(FieldError { key: time, error: Invalid::Required }),
        }
    }

    pub fn moment(&self, date: &'static str, time: &'static str) -> Read<NaiveDateTime> {
        self.opt_moment(date, time)?.ok_or(FieldError { key: date, error: Invalid::Required })
    }

    /// Shows why a field could not be read, next to it, and moves there.
    pub fn show(&mut self, e: FieldError) {
        self.set_error(e.key, e.error);
        self.focus_on(e.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ParticipantId;
    use crate::domain::contact::Channel;
    use crate::i18n::{Lang, Strings};
    use crate::ui::day_forms;

    fn contact_with(values: &[(&str, &str)]) -> Form {
        let strings = Strings::new(Lang::Nl);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        let mut form = day_forms::contact(&strings, ParticipantId::new_random(), "X", today, chrono::NaiveTime::MIN);
        let values: Vec<(String, String)> = values.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        form.restore(&values, 0);
        form
    }

    /// A value that does not read is an error on its field, never a default.
    #[test]
    fn a_field_that_does_not_read_says_so() {
        let form = contact_with(&[("channel", "fax"), ("minutes", "veel"), ("area_1", "")]);
        assert_eq!(
            form.choice::<Channel>("channel"),
            Err(FieldError { key: "channel", error: Invalid::UnknownChoice })
        );
        assert_eq!(
            form.opt_number::<u16>("minutes", Invalid::ContactMinutes),
            Err(FieldError { key: "minutes", error: Invalid::ContactMinutes })
        );
        assert_eq!(form.opt_choice::<crate::domain::goal::LifeArea>("area_1"), Ok(None));
        let form = contact_with(&[("channel", "phone"), ("next_date", "01-12-2026"), ("next_time", "")]);
        assert_eq!(form.choice::<Channel>("channel"), Ok(Channel::Phone));
        // A next appointment with a date and no time is not silently dropped.
        assert_eq!(
            form.opt_moment("next_date", "next_time"),
            Err(FieldError { key: "next_time", error: Invalid::Required })
        );
        let form = contact_with(&[("date", "31-02-2026")]);
        assert!(matches!(form.date("date"), Err(FieldError { key: "date", .. })));
    }
}
