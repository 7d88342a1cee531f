//! The module form and the closure-day form, as data.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::form::{FieldDef, Form};
use super::form_values::FieldError;
use super::participant_form::NotSaved;
use crate::domain::form_kind::FormKind;
use crate::domain::module::{Closure, Module, ModuleId, Recurrence, parse_time};
use crate::domain::validate::{Invalid, format_date, parse_date};
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

pub const FIELDS: &[FieldDef] = &[
    FieldDef::text("name", "module.name").required().section("module.section_what"),
    FieldDef::long_text("description", "module.description"),
    FieldDef::text("provider", "module.provider"),
    FieldDef::text("location", "module.location"),
    FieldDef::text("facilitator", "module.facilitator"),
    FieldDef::text("sessions", "module.sessions").required().check(v_count).section("module.section_when"),
    FieldDef::text("topics", "module.topics"),
    FieldDef::text("first", "module.first").required().check(v_date).tidy(super::form::tidy_date),
    FieldDef::text("time", "module.time").required().check(v_time).tidy(super::form::tidy_time),
    FieldDef::text("minutes", "module.minutes").required().check(v_minutes),
    FieldDef::choice::<Recurrence>("recurrence", "module.recurrence").required(),
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
    Form::new(FormKind::Module(None), strings.get("module.new_title").to_string(), FIELDS, &values, strings)
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
        FormKind::Module(Some(m.id)),
        strings.fill("module.edit_title", &[("name", &m.name)]),
        FIELDS,
        &values,
        strings,
    )
}

/// Writes the form into `m` (a new module when `m` is `None`).
pub fn apply(form: &mut Form, m: Option<&Module>, today: NaiveDate, now: DateTime<Utc>) -> Result<Module, NotSaved> {
    if !form.validate_all(today) {
        return Err(NotSaved);
    }
    read(form, m, now).map_err(|e| {
        form.show(e);
        NotSaved
    })
}

fn read(form: &Form, m: Option<&Module>, now: DateTime<Utc>) -> Result<Module, FieldError> {
    let n: usize = form.number("sessions", Invalid::Count)?;
    let first = form.date("first")?;
    // An end before the first session is refused by validate_all (the field's `not_before`).
    let end = form.opt_date("end")?;
    // Topic titles, separated by ";"; the cycle has exactly `n` sessions.
    let mut topics: Vec<String> = form.text("topics")?.split(';').map(|t| t.trim().to_string()).collect();
    topics.resize(n, String::new());
    let start_minute = form.time("time")?;
    let duration_minutes = form.number("minutes", Invalid::Minutes)?;
    let recurrence = form.choice::<Recurrence>("recurrence")?;
    let capacity = form.number("capacity", Invalid::Count)?;
    let mut next = match m {
        Some(m) => m.clone(),
        None => Module {
            id: ModuleId(uuid::Uuid::new_v4()),
            name: String::new(),
            description: String::new(),
            provider: String::new(),
            location: String::new(),
            facilitator: String::new(),
            topics: Vec::new(),
            first,
            start_minute,
            duration_minutes,
            recurrence,
            end,
            capacity,
            cancelled: Vec::new(),
            created_at: now,
            updated_at: now,
        },
    };
    next.name = form.text("name")?;
    next.description = form.text("description")?;
    next.provider = form.text("provider")?;
    next.location = form.text("location")?;
    next.facilitator = form.text("facilitator")?;
    next.topics = topics;
    next.first = first;
    next.start_minute = start_minute;
    next.duration_minutes = duration_minutes;
    next.recurrence = recurrence;
    next.end = end;
    next.capacity = capacity;
    next.updated_at = now;
    Ok(next)
}

pub const CLOSURE_FIELDS: &[FieldDef] = &[
    FieldDef::text("from", "closure.from").required().check(v_date).tidy(super::form::tidy_date),
    FieldDef::text("to", "closure.to").check(v_date).tidy(super::form::tidy_date).not_before("from"),
    FieldDef::text("reason", "closure.reason").required(),
];

pub fn new_closure(strings: &Strings) -> Form {
    Form::new(FormKind::Closure, strings.get("closure.title").to_string(), CLOSURE_FIELDS, &[], strings)
}

/// The closure days the form describes (a day, or every day from .. to).
pub fn closures(form: &mut Form, today: NaiveDate) -> Result<Vec<Closure>, NotSaved> {
    if !form.validate_all(today) {
        return Err(NotSaved);
    }
    let read = || -> Result<(NaiveDate, Option<NaiveDate>, String), FieldError> {
        Ok((form.date("from")?, form.opt_date("to")?, form.text("reason")?))
    };
    let (from, to, reason) = read().map_err(|e| {
        form.show(e);
        NotSaved
    })?;
    let to = to.unwrap_or(from);
    if to < from || (to - from).num_days() > 366 {
        form.set_error("to", Invalid::EndBeforeStart);
        form.focus_on("to");
        return Err(NotSaved);
    }
    Ok(from.iter_days().take_while(|d| *d <= to).map(|date| Closure { date, reason: reason.clone() }).collect())
}
