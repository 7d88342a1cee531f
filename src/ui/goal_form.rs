//! The goal form (new and edit) as data, and its mapping to a [`Goal`].

use chrono::{DateTime, NaiveDate, Utc};

use super::form::{FieldDef, Form};
use super::participant_form::NotSaved;
use crate::domain::ParticipantId;
use crate::domain::goal::{Area, Goal, GoalStatus, Step};
use crate::domain::validate::{Invalid, clean_text, format_date, parse_date};
use crate::i18n::Strings;

fn v_date(s: &str, _: NaiveDate) -> Result<(), Invalid> {
    parse_date(s).map(|_| ())
}

pub(super) const AREAS: &[(&str, &str)] = &[
    ("dimension:0", "area.dimension:0"),
    ("dimension:1", "area.dimension:1"),
    ("dimension:2", "area.dimension:2"),
    ("dimension:3", "area.dimension:3"),
    ("dimension:4", "area.dimension:4"),
    ("dimension:5", "area.dimension:5"),
    ("daily_activities", "area.daily_activities"),
    ("housing", "area.housing"),
    ("finances", "area.finances"),
    ("relations", "area.relations"),
    ("physical_health", "area.physical_health"),
    ("mental_health", "area.mental_health"),
    ("meaning", "area.meaning"),
    ("addiction", "area.addiction"),
    ("language", "area.language"),
    ("safety", "area.safety"),
];
const STATUSES: &[(&str, &str)] = &[
    ("open", "goal_status.open"),
    ("achieved", "goal_status.achieved"),
    ("adjusted", "goal_status.adjusted"),
    ("stopped", "goal_status.stopped"),
];
const DONE: &[(&str, &str)] = &[("no", "common.no"), ("yes", "common.yes")];

/// Up to this many small steps per goal.
pub const STEPS: usize = 5;

pub const FIELDS: &[FieldDef] = &[
    FieldDef::text("text", "goal.text").required().section("goal.section_goal"),
    FieldDef::choice("area", "goal.area", AREAS).required(),
    FieldDef::text("target", "goal.target").check(v_date).tidy(super::form::tidy_date),
    FieldDef::choice("status", "goal.status", STATUSES).required(),
    FieldDef::text("step_1", "goal.step_1").section("goal.section_steps"),
    FieldDef::choice("done_1", "goal.done", DONE),
    FieldDef::text("step_2", "goal.step_2"),
    FieldDef::choice("done_2", "goal.done", DONE),
    FieldDef::text("step_3", "goal.step_3"),
    FieldDef::choice("done_3", "goal.done", DONE),
    FieldDef::text("step_4", "goal.step_4"),
    FieldDef::choice("done_4", "goal.done", DONE),
    FieldDef::text("step_5", "goal.step_5"),
    FieldDef::choice("done_5", "goal.done", DONE),
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
        "goal",
        strings.get("goal.new_title").to_string(),
        FIELDS,
        &values,
        Some(*participant.as_bytes()),
        strings,
    )
}

/// The form for an existing goal. The form's target is the participant; the goal id travels
/// with the screen.
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
        "goal",
        strings.get("goal.edit_title").to_string(),
        FIELDS,
        &values,
        Some(*g.participant.as_bytes()),
        strings,
    )
}

/// Writes the form into `g`; on failure the form shows why and `g` is unchanged.
pub fn apply(form: &mut Form, g: &mut Goal, today: NaiveDate, now: DateTime<Utc>) -> Result<(), NotSaved> {
    if !form.validate_all(today) {
        return Err(NotSaved);
    }
    let text = |k: &str| clean_text(form.value(k)).unwrap_or_default();
    let mut next = g.clone();
    next.text = text("text");
    next.area = Area::parse(form.value("area")).unwrap_or(Area::Dimension(0));
    next.target = parse_date(form.value("target")).ok();
    next.set_status(GoalStatus::parse(form.value("status")).unwrap_or_default(), today);
    next.steps = STEP_KEYS
        .iter()
        .map(|(step, done)| (text(step), form.value(done) == "yes"))
        .filter(|(t, _)| !t.is_empty())
        .map(|(text, done)| Step { text, done })
        .collect();
    next.updated_at = now;
    *g = next;
    Ok(())
}
