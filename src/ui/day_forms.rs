//! Forms for the coach's day, as data: a contact (with the next appointment), an appointment, the
//! trajectory steps (extend, close, reopen, advice), a signal and a referral to a partner.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::form::{FieldDef, Form};
use super::form_values::FieldError;
use crate::domain::ParticipantId;
use crate::domain::appointment::AppointmentState;
use crate::domain::choice::Choice;
use crate::domain::contact::{Appointment, Channel, Contact, Initiative, Reached, RecordId};
use crate::domain::esf::{EsfExit, YesNo};
use crate::domain::form_kind::FormKind;
use crate::domain::goal::LifeArea;
use crate::domain::module::parse_time;
use crate::domain::signal::{PartnerKind, PartnerReferral, ReferralStatus, Signal, SignalKind, SignalStatus};
use crate::domain::trajectory::{Closing, ExitOutcome};
use crate::domain::validate::{Invalid, format_date, parse_date};
use crate::i18n::Strings;

fn v_date(s: &str, _: NaiveDate) -> Result<(), Invalid> {
    parse_date(s).map(|_| ())
}
fn v_time(s: &str, _: NaiveDate) -> Result<(), Invalid> {
    parse_time(s).map(|_| ()).ok_or(Invalid::Time)
}
fn v_minutes(s: &str, _: NaiveDate) -> Result<(), Invalid> {
    match s.trim().parse::<u16>() {
        Ok(n) if n <= 600 => Ok(()),
        _ => Err(Invalid::ContactMinutes),
    }
}
pub(super) fn v_not_future(s: &str, today: NaiveDate) -> Result<(), Invalid> {
    match parse_date(s) {
        Ok(d) if d > today => Err(Invalid::DateInFuture),
        Ok(_) => Ok(()),
        Err(e) => Err(e),
    }
}

pub const CONTACT: &[FieldDef] = &[
    FieldDef::text("date", "contact.date")
        .required()
        .check(v_not_future)
        .tidy(super::form::tidy_date)
        .section("contact.section"),
    FieldDef::text("time", "contact.time").required().check(v_time).tidy(super::form::tidy_time),
    FieldDef::choice::<Channel>("channel", "contact.channel").required(),
    FieldDef::choice::<Initiative>("initiative", "contact.initiative").required(),
    FieldDef::text("minutes", "contact.minutes").check(v_minutes),
    FieldDef::choice::<Reached>("reached", "contact.reached").required(),
    FieldDef::choice::<LifeArea>("area_1", "contact.area"),
    FieldDef::choice::<LifeArea>("area_2", "contact.area_2"),
    FieldDef::long_text("summary", "contact.summary"),
    FieldDef::text("next_date", "appointment.date")
        .check(v_date)
        .tidy(super::form::tidy_date)
        .section("contact.section_next"),
    FieldDef::text("next_time", "appointment.time").check(v_time).tidy(super::form::tidy_time),
    FieldDef::text("next_place", "appointment.place"),
];

pub const APPOINTMENT: &[FieldDef] = &[
    FieldDef::text("next_date", "appointment.date").required().check(v_date).tidy(super::form::tidy_date),
    FieldDef::text("next_time", "appointment.time").required().check(v_time).tidy(super::form::tidy_time),
    FieldDef::text("next_place", "appointment.place"),
    FieldDef::long_text("note", "appointment.note"),
];

pub const EXTEND: &[FieldDef] = &[FieldDef::text("reason", "trajectory.extend_reason").required()];
pub const REOPEN: &[FieldDef] = &[FieldDef::text("reason", "trajectory.reopen_reason").required()];
pub const ADVICE: &[FieldDef] = &[FieldDef::long_text("advice", "trajectory.advice").required()];
pub const CLOSE: &[FieldDef] = &[
    FieldDef::text("end_date", "trajectory.end_date").required().check(v_date).tidy(super::form::tidy_date),
    FieldDef::choice::<ExitOutcome>("outcome", "trajectory.outcome").required(),
    FieldDef::long_text("advice", "trajectory.advice").required(),
    FieldDef::choice::<YesNo>("esf_searching_work", "esf.searching_work").section("section.esf_exit"),
    FieldDef::choice::<YesNo>("esf_in_education", "esf.in_education"),
    FieldDef::choice::<YesNo>("esf_qualification", "esf.qualification"),
    FieldDef::choice::<YesNo>("esf_employed", "esf.employed"),
];

pub const SIGNAL: &[FieldDef] = &[
    FieldDef::choice::<SignalKind>("kind", "signal.kind").required(),
    FieldDef::text("date", "signal.date").required().check(v_date).tidy(super::form::tidy_date),
    FieldDef::text("escalated_to", "signal.escalated_to"),
    FieldDef::choice::<SignalStatus>("status", "signal.status").required(),
    FieldDef::text("follow_up", "signal.follow_up").check(v_date).tidy(super::form::tidy_date),
    FieldDef::long_text("note", "signal.note"),
];

pub const REFERRAL: &[FieldDef] = &[
    FieldDef::choice::<PartnerKind>("partner_kind", "referral.partner_kind").required(),
    FieldDef::text("partner", "referral.partner").required(),
    FieldDef::text("purpose", "referral.purpose"),
    FieldDef::text("date", "referral.date").required().check(v_date).tidy(super::form::tidy_date),
    FieldDef::choice::<ReferralStatus>("status", "referral.status").required(),
    FieldDef::long_text("result", "referral.result"),
    FieldDef::choice::<bool>("consent", "referral.consent").required(),
];

/// The title of a day form ("Contact met {name}").
fn titled(kind: FormKind, strings: &Strings, name: &str, defs: &'static [FieldDef], values: &[(&str, String)]) -> Form {
    let title = strings.fill(&format!("form_title.{}", kind.code()), &[("name", name)]);
    Form::new(kind, title, defs, values, strings)
}

/// A choice field's starting value.
fn code<T: Choice>(v: T) -> String {
    v.code().into_owned()
}

/// A contact with `p` (named `name`), today at `now_time`.
pub fn contact(strings: &Strings, p: ParticipantId, name: &str, today: NaiveDate, now_time: NaiveTime) -> Form {
    let values = [
        ("date", format_date(today)),
        ("time", now_time.format("%H:%M").to_string()),
        ("channel", code(Channel::HomeVisit)),
        ("initiative", code(Initiative::Coach)),
        ("minutes", "45".into()),
        ("reached", code(Reached::Made)),
    ];
    titled(FormKind::Contact(p), strings, name, CONTACT, &values)
}

pub fn appointment(strings: &Strings, p: ParticipantId, name: &str) -> Form {
    titled(FormKind::Appointment(p), strings, name, APPOINTMENT, &[("next_time", "10:00".into())])
}

pub fn extend(strings: &Strings, p: ParticipantId, name: &str) -> Form {
    titled(FormKind::Extend(p), strings, name, EXTEND, &[])
}

pub fn reopen(strings: &Strings, p: ParticipantId, name: &str) -> Form {
    titled(FormKind::Reopen(p), strings, name, REOPEN, &[])
}

/// The advice form, opened on the advice written so far (amended, not typed again).
pub fn advice(strings: &Strings, p: ParticipantId, name: &str, written: &str) -> Form {
    titled(FormKind::Advice(p), strings, name, ADVICE, &[("advice", written.to_string())])
}

pub fn close(strings: &Strings, p: ParticipantId, name: &str, today: NaiveDate, advice: &str) -> Form {
    let values = [
        ("end_date", format_date(today)),
        ("advice", advice.to_string()),
        ("outcome", code(ExitOutcome::ContinuedActivation)),
        ("esf_searching_work", code(YesNo::NotAsked)),
        ("esf_in_education", code(YesNo::NotAsked)),
        ("esf_qualification", code(YesNo::NotAsked)),
        ("esf_employed", code(YesNo::NotAsked)),
    ];
    titled(FormKind::Close(p), strings, name, CLOSE, &values)
}

/// A new signal, or the signal `existing` to change.
pub fn signal(strings: &Strings, p: ParticipantId, name: &str, today: NaiveDate, existing: Option<&Signal>) -> Form {
    let kind = FormKind::Signal { participant: p, signal: existing.map(|x| x.id) };
    let values = match existing {
        None => vec![
            ("kind", code(SignalKind::MultipleProblems)),
            ("date", format_date(today)),
            ("status", code(SignalStatus::Open)),
        ],
        Some(x) => vec![
            ("kind", code(x.kind)),
            ("date", format_date(x.date)),
            ("escalated_to", x.escalated_to.clone()),
            ("status", code(x.status)),
            ("follow_up", x.follow_up.map(format_date).unwrap_or_default()),
            ("note", x.note.clone()),
        ],
    };
    let mut form = titled(kind, strings, name, SIGNAL, &values);
    if existing.is_some() {
        // An open signal is mostly changed in its status.
        form.focus_on("status");
    }
    form
}

pub fn referral(strings: &Strings, p: ParticipantId, name: &str, today: NaiveDate) -> Form {
    let values = [
        ("partner_kind", code(PartnerKind::DebtCounselling)),
        ("date", format_date(today)),
        ("status", code(ReferralStatus::Proposed)),
        ("consent", code(false)),
    ];
    titled(FormKind::Referral(p), strings, name, REFERRAL, &values)
}

/// What a contact form records: the contact, and the next appointment when one is filled in.
pub fn read_contact(
    form: &Form,
    p: ParticipantId,
    coach: &str,
    now: DateTime<Utc>,
) -> Result<(Contact, Option<Appointment>), FieldError> {
    let mut life_areas = Vec::new();
    for k in ["area_1", "area_2"] {
        if let Some(a) = form.opt_choice::<LifeArea>(k)? {
            life_areas.push(a);
        }
    }
    let c = Contact {
        id: RecordId::new_random(),
        participant: p,
        at: form.moment("date", "time")?,
        channel: form.choice("channel")?,
        initiative: form.choice("initiative")?,
        // An empty length is a contact of no recorded length (an attempt).
        minutes: form.opt_number("minutes", Invalid::ContactMinutes)?.unwrap_or(0),
        reached: form.choice("reached")?,
        life_areas,
        summary: form.text("summary")?,
        coach: coach.to_string(),
        created_at: now,
        withdrawn: false,
        history: Vec::new(),
    };
    let next = form.opt_moment("next_date", "next_time")?.map(|at| Appointment {
        id: RecordId::new_random(),
        participant: p,
        at,
        place: String::new(),
        note: String::new(),
        coach: coach.to_string(),
        created_at: now,
        state: AppointmentState::Planned,
        history: Vec::new(),
    });
    let place = form.text("next_place")?;
    Ok((c, next.map(|a| Appointment { place, ..a })))
}

pub fn read_appointment(
    form: &Form,
    p: ParticipantId,
    coach: &str,
    now: DateTime<Utc>,
) -> Result<Appointment, FieldError> {
    Ok(Appointment {
        id: RecordId::new_random(),
        participant: p,
        at: form.moment("next_date", "next_time")?,
        place: form.text("next_place")?,
        note: form.text("note")?,
        coach: coach.to_string(),
        created_at: now,
        state: AppointmentState::Planned,
        history: Vec::new(),
    })
}

/// The signal the form describes; a changed signal keeps its id and when it was recorded.
pub fn read_signal(
    form: &Form,
    p: ParticipantId,
    existing: Option<&Signal>,
    now: DateTime<Utc>,
) -> Result<Signal, FieldError> {
    Ok(Signal {
        id: existing.map_or_else(RecordId::new_random, |x| x.id),
        participant: p,
        date: form.date("date")?,
        kind: form.choice("kind")?,
        escalated_to: form.text("escalated_to")?,
        status: form.choice("status")?,
        follow_up: form.opt_date("follow_up")?,
        note: form.text("note")?,
        created_at: existing.map_or(now, |x| x.created_at),
    })
}

pub fn read_referral(
    form: &Form,
    p: ParticipantId,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<PartnerReferral, FieldError> {
    let consent: bool = form.choice("consent")?;
    Ok(PartnerReferral {
        id: RecordId::new_random(),
        participant: p,
        partner_kind: form.choice("partner_kind")?,
        partner: form.text("partner")?,
        purpose: form.text("purpose")?,
        date: form.date("date")?,
        status: form.choice("status")?,
        result: form.text("result")?,
        consent,
        consent_date: consent.then_some(today),
        created_at: now,
        steps: Vec::new(),
    })
}

/// The closing and the ESF+ results at exit as the close form holds them (an unanswered
/// question is "not asked", which the form starts with).
pub fn read_closing(form: &Form) -> Result<(Closing, EsfExit), FieldError> {
    let answer = |k| form.opt_choice::<YesNo>(k).map(|a| a.unwrap_or(YesNo::NotAsked));
    let closing =
        Closing { end_date: form.date("end_date")?, outcome: form.choice("outcome")?, advice: form.text("advice")? };
    let exit = EsfExit {
        searching_work: answer("esf_searching_work")?,
        in_education: answer("esf_in_education")?,
        qualification: answer("esf_qualification")?,
        employed: answer("esf_employed")?,
    };
    Ok((closing, exit))
}
