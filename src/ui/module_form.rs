//! The module form and the closure-day form, as data.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::form::{FieldDef, Form};
use super::participant_form::NotSaved;
use crate::domain::module::{Closure, Module, ModuleId, Recurrence, parse_time};
use crate::domain::validate::{Invalid, clean_text, format_date, parse_date};
use crate::i18n::Strings;

fn v_date(s: &str, _: NaiveDate) -> Result<(), Invalid> {
    parse_date(s).map(|_| ())
}
fn v_time(s: &str, _: NaiveDate) -> Result<(), Invalid> {
    parse_time(s).map(|_| ()).ok_or(Invalid::Time)
}
fn v_count(s: &str, _: NaiveDate) -> Result<(), Invalid> {
    match s.trim().parse::<u16>() {
        Ok(n) if (1..=40).contains(&n) => Ok(()),
        _ => Err(Invalid::Count),
    }
}
fn v_minutes(s: &str, _: NaiveDate) -> Result<(), Invalid> {
    match s.trim().parse::<u16>() {
        Ok(n) if (15..=480).contains(&n) => Ok(()),
        _ => Err(Invalid::Minutes),
    }
}

const RECURRENCES: &[(&str, &str)] = &[("weekly", "recurrence.weekly"), ("fortnightly", "recurrence.fortnightly")];

pub const FIELDS: &[FieldDef] = &[
    FieldDef::text("name", "module.name").required().section("module.section_what"),
    FieldDef::text("description", "module.description"),
    FieldDef::text("provider", "module.provider"),
    FieldDef::text("location", "module.location"),
    FieldDef::text("facilitator", "module.facilitator"),
    FieldDef::text("sessions", "module.sessions").required().check(v_count).section("module.section_when"),
    FieldDef::text("topics", "module.topics"),
    FieldDef::text("first", "module.first").required().check(v_date).tidy(super::form::tidy_date),
    FieldDef::text("time", "module.time").required().check(v_time).tidy(super::form::tidy_time),
    FieldDef::text("minutes", "module.minutes").required().check(v_minutes),
    FieldDef::choice("recurrence", "module.recurrence", RECURRENCES).required(),
    FieldDef::text("end", "module.end").check(v_date).tidy(super::form::tidy_date).not_before("first"),
    FieldDef::text("capacity", "module.capacity").required().check(v_count),
];

pub fn new_module(strings: &Strings, today: NaiveDate) -> Form {
    let next_monday = today + Duration::days(i64::from(7 - today.weekday().num_days_from_monday()));
    let values = [
        ("sessions", "6".to_string()),
        ("first", format_date(next_monday)),
        ("time", "10:00".to_string()),
        ("minutes", "90".to_string()),
        ("recurrence", "weekly".to_string()),
        ("capacity", "10".to_string()),
    ];
    Form::new("module", strings.get("module.new_title").to_string(), FIELDS, &values, None, strings)
}

pub fn edit_module(strings: &Strings, m: &Module) -> Form {
    let values = [
        ("name", m.name.clone()),
        ("description", m.description.clone()),
        ("provider", m.provider.clone()),
        ("location", m.location.clone()),
        ("facilitator", m.facilitator.clone()),
        ("sessions", m.cycle().to_string()),
        ("topics", m.topics.join("; ")),
        ("first", format_date(m.first)),
        ("time", super::screens::modules::time_label(m.start_minute)),
        ("minutes", m.duration_minutes.to_string()),
        ("recurrence", m.recurrence.code().to_string()),
        ("end", m.end.map(format_date).unwrap_or_default()),
        ("capacity", m.capacity.to_string()),
    ];
    Form::new(
        "module",
        strings.fill("module.edit_title", &[("name", &m.name)]),
        FIELDS,
        &values,
        Some(*m.id.0.as_bytes()),
        strings,
    )
}

/// Writes the form into `m` (a new module when `m` is `None`).
pub fn apply(form: &mut Form, m: Option<&Module>, today: NaiveDate, now: DateTime<Utc>) -> Result<Module, NotSaved> {
    if !form.validate_all(today) {
        return Err(NotSaved);
    }
    let text = |k: &str| clean_text(form.value(k)).unwrap_or_default();
    let n: usize = form.value("sessions").trim().parse().unwrap_or(1);
    let first = parse_date(form.value("first")).unwrap_or(today);
    // An end before the first session is refused by validate_all (the field's `not_before`).
    let end = parse_date(form.value("end")).ok();
    // Topic titles, separated by ";"; the cycle has exactly `n` sessions.
    let mut topics: Vec<String> = text("topics").split(';').map(|t| t.trim().to_string()).collect();
    topics.resize(n, String::new());
    let mut next = m.cloned().unwrap_or_else(|| Module {
        id: ModuleId(uuid::Uuid::new_v4()),
        name: String::new(),
        description: String::new(),
        provider: String::new(),
        location: String::new(),
        facilitator: String::new(),
        topics: Vec::new(),
        first,
        start_minute: 600,
        duration_minutes: 90,
        recurrence: Recurrence::Weekly,
        end: None,
        capacity: 10,
        cancelled: Vec::new(),
        created_at: now,
        updated_at: now,
    });
    next.name = text("name");
    next.description = text("description");
    next.provider = text("provider");
    next.location = text("location");
    next.facilitator = text("facilitator");
    next.topics = topics;
    next.first = first;
    next.start_minute = parse_time(form.value("time")).unwrap_or(600);
    next.duration_minutes = form.value("minutes").trim().parse().unwrap_or(90);
    next.recurrence = Recurrence::parse(form.value("recurrence")).unwrap_or(Recurrence::Weekly);
    next.end = end;
    next.capacity = form.value("capacity").trim().parse().unwrap_or(10);
    next.updated_at = now;
    Ok(next)
}

pub const CLOSURE_FIELDS: &[FieldDef] = &[
    FieldDef::text("from", "closure.from").required().check(v_date).tidy(super::form::tidy_date),
    FieldDef::text("to", "closure.to").check(v_date).tidy(super::form::tidy_date).not_before("from"),
    FieldDef::text("reason", "closure.reason").required(),
];

pub fn new_closure(strings: &Strings) -> Form {
    Form::new("closure", strings.get("closure.title").to_string(), CLOSURE_FIELDS, &[], None, strings)
}

/// The closure days the form describes (a day, or every day from .. to).
pub fn closures(form: &mut Form, today: NaiveDate) -> Result<Vec<Closure>, NotSaved> {
    if !form.validate_all(today) {
        return Err(NotSaved);
    }
    let from = parse_date(form.value("from")).unwrap_or(today);
    let to = parse_date(form.value("to")).unwrap_or(from);
    if to < from || (to - from).num_days() > 366 {
        form.set_error("to", Invalid::EndBeforeStart);
        form.focus_on("to");
        return Err(NotSaved);
    }
    let reason = clean_text(form.value("reason")).unwrap_or_default();
    Ok(from.iter_days().take_while(|d| *d <= to).map(|date| Closure { date, reason: reason.clone() }).collect())
}
