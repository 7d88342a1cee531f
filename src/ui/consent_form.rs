//! Giving or withdrawing a consent on the privacy tab: a one-field form with the day it happened
//! (today unless typed), so `Space` never changes a consent by itself and a consent given on paper
//! last week is recorded on that day.

use chrono::NaiveDate;

use super::form::{FieldDef, Form};
use super::form_values::FieldError;
use crate::domain::ParticipantId;
use crate::domain::form_kind::FormKind;
use crate::domain::privacy::{Consent, ConsentScope};
use crate::domain::validate::format_date;
use crate::i18n::Strings;

const CONSENT: &[FieldDef] = &[FieldDef::text("date", "consent.date")
    .required()
    .check(super::day_forms::v_not_future)
    .tidy(super::form::tidy_date)];

/// The form of the next step of `scope`'s consent: withdrawing an active one, giving an absent or
/// withdrawn one; the title says which.
pub fn consent(
    strings: &Strings,
    participant: ParticipantId,
    scope: ConsentScope,
    current: Option<&Consent>,
    name: &str,
    today: NaiveDate,
) -> Form {
    let key =
        if current.is_some_and(Consent::is_active) { "form_title.consent_withdraw" } else { "form_title.consent_give" };
    let title = strings.fill(key, &[("scope", strings.get(scope.key())), ("name", name)]);
    Form::new(FormKind::Consent { participant, scope }, title, CONSENT, &[("date", format_date(today))], strings)
}

/// The day typed.
pub fn read_consent_day(form: &Form) -> Result<NaiveDate, FieldError> {
    form.date("date")
}
