//! The forms that put a recorded appointment or contact right: move or cancel an appointment,
//! correct or withdraw a contact. Each opens on the record as it is; what they save goes through
//! the domain's rules, which keep the old values in the record's history.

use chrono::{DateTime, Utc};

use super::day_forms::{APPOINTMENT, CONTACT};
use super::form::{FieldDef, Form};
use super::form_values::FieldError;
use crate::domain::appointment::Appointment;
use crate::domain::choice::Choice;
use crate::domain::contact::Contact;
use crate::domain::form_kind::FormKind;
use crate::domain::signal::{PartnerReferral, ReferralStatus};
use crate::domain::validate::format_date;
use crate::i18n::Strings;

/// The contact form without its "next appointment" part, and the reason for the correction.
const CORRECT_CONTACT: &[FieldDef] = &[
    CONTACT[0],
    CONTACT[1],
    CONTACT[2],
    CONTACT[3],
    CONTACT[4],
    CONTACT[5],
    CONTACT[6],
    CONTACT[7],
    CONTACT[8],
    FieldDef::text("reason", "correction.reason"),
];
const WITHDRAW: &[FieldDef] = &[FieldDef::text("reason", "correction.withdraw_reason").required()];
const CANCEL: &[FieldDef] = &[FieldDef::text("reason", "correction.cancel_reason").required()];

fn titled(
    kind: FormKind,
    strings: &Strings,
    title: String,
    defs: &'static [FieldDef],
    values: &[(&str, String)],
) -> Form {
    Form::new(kind, title, defs, values, strings)
}

fn code<T: Choice>(v: T) -> String {
    v.code().into_owned()
}

/// "Contact van 20-11-2026 10:00 met Jan" and the like.
fn about(strings: &Strings, key: &str, name: &str, at: chrono::NaiveDateTime) -> String {
    strings.fill(key, &[("name", name), ("when", &crate::domain::appointment::when(at))])
}

pub fn move_appointment(strings: &Strings, a: &Appointment, name: &str) -> Form {
    let kind = FormKind::MoveAppointment { participant: a.participant, appointment: a.id };
    let values = [
        ("next_date", format_date(a.at.date())),
        ("next_time", a.at.format("%H:%M").to_string()),
        ("next_place", a.place.clone()),
        ("note", a.note.clone()),
    ];
    titled(kind, strings, about(strings, "form_title.appointment_moved", name, a.at), APPOINTMENT, &values)
}

pub fn cancel_appointment(strings: &Strings, a: &Appointment, name: &str) -> Form {
    let kind = FormKind::CancelAppointment { participant: a.participant, appointment: a.id };
    titled(kind, strings, about(strings, "form_title.appointment_cancelled", name, a.at), CANCEL, &[])
}

pub fn correct_contact(strings: &Strings, c: &Contact, name: &str) -> Form {
    let kind = FormKind::CorrectContact { participant: c.participant, contact: c.id };
    let mut values = vec![
        ("date", format_date(c.at.date())),
        ("time", c.at.format("%H:%M").to_string()),
        ("channel", code(c.channel)),
        ("initiative", code(c.initiative)),
        ("minutes", c.minutes.to_string()),
        ("reached", code(c.reached)),
        ("summary", c.summary.clone()),
    ];
    for (k, a) in ["area_1", "area_2"].into_iter().zip(&c.life_areas) {
        values.push((k, code(*a)));
    }
    titled(kind, strings, about(strings, "form_title.contact_corrected", name, c.at), CORRECT_CONTACT, &values)
}

pub fn withdraw_contact(strings: &Strings, c: &Contact, name: &str) -> Form {
    let kind = FormKind::WithdrawContact { participant: c.participant, contact: c.id };
    titled(kind, strings, about(strings, "form_title.contact_withdrawn", name, c.at), WITHDRAW, &[])
}

const UPDATE_REFERRAL: &[FieldDef] = &[
    FieldDef::choice::<ReferralStatus>("status", "referral.status").required(),
    FieldDef::text("date", "referral.status_date")
        .required()
        .check(super::day_forms::v_not_future)
        .tidy(super::form::tidy_date),
    FieldDef::long_text("result", "referral.result"),
];

/// A referral's status brought up to date: the status now, the day it changed (today unless
/// typed), and the result.
pub fn update_referral(strings: &Strings, r: &PartnerReferral, name: &str, today: chrono::NaiveDate) -> Form {
    let kind = FormKind::UpdateReferral { participant: r.participant, referral: r.id };
    let values = [("status", code(r.status)), ("date", format_date(today)), ("result", r.result.clone())];
    let title = strings.fill("form_title.referral_updated", &[("name", name), ("partner", &r.partner)]);
    titled(kind, strings, title, UPDATE_REFERRAL, &values)
}

/// The status, its day and the result typed.
pub fn read_referral_update(form: &Form) -> Result<(ReferralStatus, chrono::NaiveDate, String), FieldError> {
    Ok((form.choice("status")?, form.date("date")?, form.text("result")?))
}

/// The corrected contact the form describes (a copy of `old` with the typed fields), and the
/// reason given.
pub fn read_correction(form: &Form, old: &Contact) -> Result<(Contact, String), FieldError> {
    // The contact's fields are read as the contact form reads them; what the form does not
    // hold (its id, coach, creation, withdrawal and history) stays the old record's.
    let (typed, _) = super::day_forms::read_contact(form, old.participant, &old.coach, old.created_at)?;
    let new = Contact { id: old.id, history: old.history.clone(), withdrawn: old.withdrawn, ..typed };
    Ok((new, form.text("reason")?))
}

/// The new time, place and note of a moved appointment.
pub fn read_move(form: &Form) -> Result<(chrono::NaiveDateTime, String, String), FieldError> {
    Ok((form.moment("next_date", "next_time")?, form.text("next_place")?, form.text("note")?))
}

/// The reason typed (cancelling, withdrawing).
pub fn read_reason(form: &Form) -> Result<String, FieldError> {
    form.text("reason")
}

/// When a correction was made, as its history line shows it.
pub fn amended_on(at: DateTime<Utc>) -> String {
    format_date(at.with_timezone(&chrono::Local).date_naive())
}
