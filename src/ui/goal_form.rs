//! The goal form (new and edit) as data, and its mapping to a [`Goal`].

use chrono::{DateTime, NaiveDate, Utc};

use super::form::{FieldDef, Form};
use super::form_values::FieldError;
use super::participant_form::NotSaved;
use crate::domain::ParticipantId;
use crate::domain::form_kind::FormKind;
use crate::domain::goal::{Area, Goal, GoalStatus, Step};
use crate::domain::validate::{Invalid, format_date, parse_date};
use crate::i18n::Strings;

fn v_date(s: &str, _: NaiveDate) -> Result<(), Invalid> {
    parse_date(s).map(|_| ())
}

/// Up to this many small steps per goal.
pub const STEPS: usize = 5;

pub const FIELDS: &[FieldDef] = &[
    FieldDef::text("text", "goal.text").required().section("goal.section_goal"),
    FieldDef::choice::<Area>("area", "goal.area").required(),
    FieldDef::text("target", "goal.target").check(v_date).tidy(super::form::tidy_date),
    FieldDef::choice::<GoalStatus>("status", "goal.status").required(),
    FieldDef::text("step_1", "goal.step_1").section("goal.section_steps"),
    FieldDef::choice::<bool>("done_1", "goal.done"),
    FieldDef::text("step_2", "goal.step_2"),
    FieldDef::choice::<bool>("done_2", "goal.done"),
    FieldDef::text("step_3", "goal.step_3"),
    FieldDef::choice::<bool>("done_3", "goal.done"),
    FieldDef::text("step_4", "goal.step_4"),
    FieldDef::choice::<bool>("done_4", "goal.done"),
    FieldDef::text("step_5", "goal.step_5"),
    FieldDef::choice::<bool>("done_5", "goal.done"),
];

const STEP_KEYS: [(&str, &str); STEPS] =
    [("step_1", "done_1"), ("step_2", "done_2"), ("step_3", "done_3"), ("step_4", "done_4"), ("step_5", "done_5")];

/// A new goal, optionally prefilled with a wish in the participant's own words.
pub fn new_goal(strings: &Strings, participant: ParticipantId, text: &str, area: Area) -> Form {
    let mut values = vec![("text", text.to_string()), ("area", area.code()), ("status", "open".to_string())];
    for (_, done) in STEP_KEYS {
        values.push((done, "no".to_string()));
    }
    Form::new(
        FormKind::Goal { participant, goal: None },
        strings.get("goal.new_title").to_string(),
        FIELDS,
        &values,
        strings,
    )
}

/// The form for an existing goal.
pub fn edit_goal(strings: &Strings, g: &Goal) -> Form {
    let mut values = vec![
        ("text", g.text.clone()),
        ("area", g.area.code()),
        ("target", g.target.map(format_date).unwrap_or_default()),
        ("status", g.status.code().to_string()),
    ];
    for (i, (step, done)) in STEP_KEYS.iter().enumerate() {
        let s = g.steps.get(i);
        values.push((step, s.map(|s| s.text.clone()).unwrap_or_default()));
        values.push((done, if s.is_some_and(|s| s.done) { "yes" } else { "no" }.to_string()));
    }
    Form::new(
        FormKind::Goal { participant: g.participant, goal: Some(g.id) },
        strings.get("goal.edit_title").to_string(),
        FIELDS,
        &values,
        strings,
    )
}

/// Writes the form into `g`; on failure the form shows why and `g` is unchanged.
pub fn apply(form: &mut Form, g: &mut Goal, today: NaiveDate, now: DateTime<Utc>) -> Result<(), NotSaved> {
    if !form.validate_all(today) {
        return Err(NotSaved);
    }
    match read(form, g, today, now) {
        Ok(next) => {
            *g = next;
            Ok(())
        }
        Err(e) => {
            form.show(e);
            Err(NotSaved)
        }
    }
}

fn read(form: &Form, g: &Goal, today: NaiveDate, now: DateTime<Utc>) -> Result<Goal, FieldError> {
    let mut next = g.clone();
    next.text = form.text("text")?;
    next.area = form.choice("area")?;
    next.target = form.opt_date("target")?;
    next.set_status(form.choice("status")?, today);
    let mut steps = Vec::new();
    for (step, done) in STEP_KEYS {
        let text = form.text(step)?;
        if !text.is_empty() {
            steps.push(Step { text, done: form.opt_choice(done)?.unwrap_or(false) });
        }
    }
    next.steps = steps;
    next.updated_at = now;
    Ok(next)
}
