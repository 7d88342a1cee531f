//! Forms for the coach's day, as data: a contact (with the next appointment), an appointment, the
//! trajectory steps (extend, close, reopen, advice), a signal and a referral to a partner.

use crate::domain::esf::YesNo;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::form::{FieldDef, Form};
use crate::domain::module::parse_time;
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
fn v_not_future(s: &str, today: NaiveDate) -> Result<(), Invalid> {
    match parse_date(s) {
        Ok(d) if d > today => Err(Invalid::DateInFuture),
        Ok(_) => Ok(()),
        Err(e) => Err(e),
    }
}

const CHANNELS: &[(&str, &str)] = &[
    ("home_visit", "channel.home_visit"),
    ("office", "channel.office"),
    ("phone", "channel.phone"),
    ("text", "channel.text"),
    ("video", "channel.video"),
    ("outdoors", "channel.outdoors"),
    ("neighbourhood_centre", "channel.neighbourhood_centre"),
    ("other", "channel.other"),
];
const INITIATIVE: &[(&str, &str)] =
    &[("coach", "initiative.coach"), ("participant", "initiative.participant"), ("other", "initiative.other")];
const REACHED: &[(&str, &str)] = &[
    ("made", "reached.made"),
    ("no_answer", "reached.no_answer"),
    ("not_at_home", "reached.not_at_home"),
    ("cancelled", "reached.cancelled"),
];
/// The life areas of the goal form's options (after the six dimensions); left empty when none.
const LIFE_AREAS: &[(&str, &str)] = super::goal_form::AREAS.split_at(6).1;
const OUTCOMES: &[(&str, &str)] = &[
    ("labour_market_trajectory", "outcome.labour_market_trajectory"),
    ("paid_work", "outcome.paid_work"),
    ("volunteering", "outcome.volunteering"),
    ("education", "outcome.education"),
    ("other_provision", "outcome.other_provision"),
    ("continued_activation", "outcome.continued_activation"),
    ("stopped", "outcome.stopped"),
    ("moved", "outcome.moved"),
    ("deceased", "outcome.deceased"),
];
const SIGNAL_KINDS: &[(&str, &str)] = &[
    ("multiple_problems", "signal_kind.multiple_problems"),
    ("unstable_home", "signal_kind.unstable_home"),
    ("debts", "signal_kind.debts"),
    ("safety", "signal_kind.safety"),
    ("health", "signal_kind.health"),
    ("housing", "signal_kind.housing"),
    ("addiction", "signal_kind.addiction"),
    ("other", "signal_kind.other"),
];
const SIGNAL_STATUS: &[(&str, &str)] =
    &[("open", "signal_status.open"), ("in_progress", "signal_status.in_progress"), ("closed", "signal_status.closed")];
const PARTNER_KINDS: &[(&str, &str)] = &[
    ("service_desk", "partner.service_desk"),
    ("debt_counselling", "partner.debt_counselling"),
    ("gp", "partner.gp"),
    ("language_classes", "partner.language_classes"),
    ("social_support", "partner.social_support"),
    ("health_insurance_care", "partner.health_insurance_care"),
    ("welfare", "partner.welfare"),
    ("library", "partner.library"),
    ("volunteering", "partner.volunteering"),
    ("labour_market", "partner.labour_market"),
    ("other", "partner.other"),
];
const REFERRAL_STATUS: &[(&str, &str)] = &[
    ("proposed", "referral_status.proposed"),
    ("referred", "referral_status.referred"),
    ("started", "referral_status.started"),
    ("finished", "referral_status.finished"),
    ("declined", "referral_status.declined"),
];
const YES_NO: &[(&str, &str)] = &[("no", "common.no"), ("yes", "common.yes")];

pub const CONTACT: &[FieldDef] = &[
    FieldDef::text("date", "contact.date")
        .required()
        .check(v_not_future)
        .tidy(super::form::tidy_date)
        .section("contact.section"),
    FieldDef::text("time", "contact.time").required().check(v_time).tidy(super::form::tidy_time),
    FieldDef::choice("channel", "contact.channel", CHANNELS).required(),
    FieldDef::choice("initiative", "contact.initiative", INITIATIVE).required(),
    FieldDef::text("minutes", "contact.minutes").check(v_minutes),
    FieldDef::choice("reached", "contact.reached", REACHED).required(),
    FieldDef::choice("area_1", "contact.area", LIFE_AREAS),
    FieldDef::choice("area_2", "contact.area_2", LIFE_AREAS),
    FieldDef::text("summary", "contact.summary"),
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
    FieldDef::text("note", "appointment.note"),
];

pub const EXTEND: &[FieldDef] = &[FieldDef::text("reason", "trajectory.extend_reason").required()];
pub const REOPEN: &[FieldDef] = &[FieldDef::text("reason", "trajectory.reopen_reason").required()];
pub const ADVICE: &[FieldDef] = &[FieldDef::text("advice", "trajectory.advice").required()];
pub const CLOSE: &[FieldDef] = &[
    FieldDef::text("end_date", "trajectory.end_date").required().check(v_date).tidy(super::form::tidy_date),
    FieldDef::choice("outcome", "trajectory.outcome", OUTCOMES).required(),
    FieldDef::text("advice", "trajectory.advice").required(),
    FieldDef::choice("esf_searching_work", "esf.searching_work", YesNo::CHOICES).section("section.esf_exit"),
    FieldDef::choice("esf_in_education", "esf.in_education", YesNo::CHOICES),
    FieldDef::choice("esf_qualification", "esf.qualification", YesNo::CHOICES),
    FieldDef::choice("esf_employed", "esf.employed", YesNo::CHOICES),
];

pub const SIGNAL: &[FieldDef] = &[
    FieldDef::choice("kind", "signal.kind", SIGNAL_KINDS).required(),
    FieldDef::text("date", "signal.date").required().check(v_date).tidy(super::form::tidy_date),
    FieldDef::text("escalated_to", "signal.escalated_to"),
    FieldDef::choice("status", "signal.status", SIGNAL_STATUS).required(),
    FieldDef::text("follow_up", "signal.follow_up").check(v_date).tidy(super::form::tidy_date),
    FieldDef::text("note", "signal.note"),
];

pub const REFERRAL: &[FieldDef] = &[
    FieldDef::choice("partner_kind", "referral.partner_kind", PARTNER_KINDS).required(),
    FieldDef::text("partner", "referral.partner").required(),
    FieldDef::text("purpose", "referral.purpose"),
    FieldDef::text("date", "referral.date").required().check(v_date).tidy(super::form::tidy_date),
    FieldDef::choice("status", "referral.status", REFERRAL_STATUS).required(),
    FieldDef::text("result", "referral.result"),
    FieldDef::choice("consent", "referral.consent", YES_NO).required(),
];

/// A form for the participant with `id` (its target).
pub fn form(
    id: &'static str,
    strings: &Strings,
    participant: [u8; 16],
    name: &str,
    today: NaiveDate,
    now_time: NaiveTime,
) -> Form {
    let (defs, values): (&'static [FieldDef], Vec<(&str, String)>) = match id {
        "contact" => (
            CONTACT,
            vec![
                ("date", format_date(today)),
                ("time", now_time.format("%H:%M").to_string()),
                ("channel", "home_visit".into()),
                ("initiative", "coach".into()),
                ("minutes", "45".into()),
                ("reached", "made".into()),
            ],
        ),
        "appointment" => (APPOINTMENT, vec![("next_time", "10:00".into())]),
        "extend" => (EXTEND, vec![]),
        "reopen" => (REOPEN, vec![]),
        "advice" => (ADVICE, vec![]),
        "close" => (
            CLOSE,
            vec![
                ("end_date", format_date(today)),
                ("outcome", "continued_activation".into()),
                ("esf_searching_work", "not_asked".into()),
                ("esf_in_education", "not_asked".into()),
                ("esf_qualification", "not_asked".into()),
                ("esf_employed", "not_asked".into()),
            ],
        ),
        "signal" => (
            SIGNAL,
            vec![("kind", "multiple_problems".into()), ("date", format_date(today)), ("status", "open".into())],
        ),
        _ => (
            REFERRAL,
            vec![
                ("partner_kind", "debt_counselling".into()),
                ("date", format_date(today)),
                ("status", "proposed".into()),
                ("consent", "no".into()),
            ],
        ),
    };
    let title = strings.fill(&format!("form_title.{id}"), &[("name", name)]);
    Form::new(id, title, defs, &values, Some(participant), strings)
}

/// Date and time fields of a form as one moment.
pub fn moment(form: &Form, date: &str, time: &str) -> Option<NaiveDateTime> {
    let d = parse_date(form.value(date)).ok()?;
    let m = parse_time(form.value(time))?;
    d.and_hms_opt(u32::from(m / 60), u32::from(m % 60), 0)
}

/// The ESF+ results at exit as the close form holds them.
pub fn esf_exit(form: &Form) -> crate::domain::esf::EsfExit {
    let yes_no = |k: &str| YesNo::parse(form.value(k)).unwrap_or_default();
    crate::domain::esf::EsfExit {
        searching_work: yes_no("esf_searching_work"),
        in_education: yes_no("esf_in_education"),
        qualification: yes_no("esf_qualification"),
        employed: yes_no("esf_employed"),
    }
}
