//! The participant form (intake and edit) as data, and the mapping between its values and a
//! [`Participant`].

use crate::domain::esf::{Education, EsfEntry, LabourStatus, YesNo};
use chrono::{DateTime, NaiveDate, Utc};

use super::form::{FieldDef, Form};
use super::form_values::FieldError;
use crate::domain::choice::Choice;
use crate::domain::form_kind::FormKind;
use crate::domain::participant::default_end_date;
use crate::domain::validate::{self, Invalid, Postcode, format_date, parse_date, parse_date_of_birth};
use crate::domain::{Gender, Participant, Status};
use crate::i18n::Strings;

fn v_date(s: &str, _: NaiveDate) -> Result<(), Invalid> {
    parse_date(s).map(|_| ())
}
fn v_birth(s: &str, today: NaiveDate) -> Result<(), Invalid> {
    parse_date_of_birth(s, today).map(|_| ())
}
fn v_postcode(s: &str, _: NaiveDate) -> Result<(), Invalid> {
    Postcode::parse(s).map(|_| ())
}
fn v_phone(s: &str, _: NaiveDate) -> Result<(), Invalid> {
    validate::parse_phone(s).map(|_| ())
}
fn tidy_phone(s: &str) -> Option<String> {
    validate::parse_phone(s).ok()
}
fn v_email(s: &str, _: NaiveDate) -> Result<(), Invalid> {
    validate::parse_email(s).map(|_| ())
}

/// The fields, in the order the intake asks them: the name and date of birth first.
pub const FIELDS: &[FieldDef] = &FIELD_LIST;

const FIELD_LIST: [FieldDef; 27] = [
    FieldDef::text("given_names", "field.given_names").required().section("section.person"),
    FieldDef::text("prefix", "field.prefix"),
    FieldDef::text("family_name", "field.family_name").required(),
    FieldDef::text("date_of_birth", "field.date_of_birth").check(v_birth).tidy(super::form::tidy_date),
    FieldDef::choice::<Gender>("gender", "field.gender"),
    FieldDef::text("phone", "field.phone").check(v_phone).tidy(tidy_phone).section("section.contact"),
    FieldDef::text("email", "field.email").check(v_email),
    FieldDef::text("street", "field.street"),
    FieldDef::text("house_number", "field.house_number"),
    FieldDef::text("postcode", "field.postcode").check(v_postcode),
    FieldDef::text("place", "field.place"),
    FieldDef::text("neighbourhood", "field.neighbourhood"),
    FieldDef::text("municipality", "field.municipality"),
    FieldDef::text("referral_source", "field.referral_source").section("section.trajectory"),
    FieldDef::text("referral_date", "field.referral_date").check(v_date).tidy(super::form::tidy_date),
    FieldDef::picked("coach", "field.coach"),
    FieldDef::choice::<Status>("status", "field.status").required(),
    FieldDef::text("start_date", "field.start_date").check(v_date).tidy(super::form::tidy_date),
    FieldDef::text("planned_end_date", "field.planned_end_date")
        .check(v_date)
        .tidy(super::form::tidy_date)
        .not_before("start_date"),
    FieldDef::text("language_needs", "field.language_needs").section("section.other"),
    FieldDef::choice::<bool>("interpreter", "field.interpreter"),
    FieldDef::long_text("notes", "field.notes"),
    FieldDef::choice::<LabourStatus>("esf_labour", "field.esf_labour").section("section.esf"),
    FieldDef::choice::<Education>("esf_education", "field.esf_education"),
    FieldDef::choice::<YesNo>("esf_disability", "field.esf_disability"),
    FieldDef::choice::<YesNo>("esf_foreign_background", "field.esf_foreign_background"),
    FieldDef::choice::<YesNo>("esf_homeless", "field.esf_homeless"),
];

/// Where the intake asks for consent to register: after the person's own details.
const CONSENT_AT: usize = 5;

/// The intake's fields: the participant's, and whether they consent to being registered
/// (recorded with the intake when yes; the privacy tab records it later otherwise).
pub const INTAKE_FIELDS: &[FieldDef] = &with_consent();

const fn with_consent() -> [FieldDef; 28] {
    let consent = FieldDef::choice::<bool>("consent_registration", "field.consent_registration");
    let mut out = [consent; 28];
    let mut i = 0;
    while i < FIELD_LIST.len() {
        out[if i < CONSENT_AT { i } else { i + 1 }] = FIELD_LIST[i];
        i += 1;
    }
    out
}

/// The phases a new person can be registered in: not yet extended or closed.
const INTAKE_PHASES: [Status; 3] = [Status::Referred, Status::Intake, Status::Active];

/// The coach field's options: the coaches of the caseload (and the one the person has now).
fn coach_options(coaches: &[String]) -> Vec<(String, String)> {
    coaches.iter().map(|c| (c.clone(), c.clone())).collect()
}

fn date_text(d: Option<NaiveDate>) -> String {
    d.map(format_date).unwrap_or_default()
}

/// A new intake: status intake, starting today, with this coach (one of `coaches`).
pub fn new_intake(strings: &Strings, coach: &str, coaches: &[String], today: NaiveDate) -> Form {
    let values = [
        ("gender", Gender::Unknown.code().to_string()),
        ("status", Status::Intake.code().to_string()),
        ("coach", coach.to_string()),
        ("start_date", format_date(today)),
        ("interpreter", "no".to_string()),
        ("esf_labour", "not_asked".to_string()),
        ("esf_education", "not_asked".to_string()),
        ("esf_disability", "not_asked".to_string()),
        ("esf_foreign_background", "not_asked".to_string()),
        ("esf_homeless", "not_asked".to_string()),
    ];
    let mut form =
        Form::new(FormKind::Intake, strings.get("screen.intake").to_string(), INTAKE_FIELDS, &values, strings);
    let phases = INTAKE_PHASES.iter().map(|s| (Choice::code(*s).into_owned(), s.label_key())).collect();
    form.set_options("status", phases, strings);
    form.set_options("coach", coach_options(coaches), strings);
    form
}

/// The edit form for an existing participant; the coach is one of `coaches`.
pub fn edit(strings: &Strings, p: &Participant, coaches: &[String]) -> Form {
    let values = [
        ("given_names", p.given_names.clone()),
        ("prefix", p.prefix.clone()),
        ("family_name", p.family_name.clone()),
        ("date_of_birth", date_text(p.date_of_birth)),
        ("gender", p.gender.code().to_string()),
        ("phone", p.phone.clone()),
        ("email", p.email.clone()),
        ("street", p.address.street.clone()),
        ("house_number", p.address.house_number.clone()),
        ("postcode", p.address.postcode.as_ref().map(|c| c.to_string()).unwrap_or_default()),
        ("place", p.address.place.clone()),
        ("neighbourhood", p.neighbourhood.clone()),
        ("municipality", p.municipality.clone()),
        ("referral_source", p.referral.source.clone()),
        ("referral_date", date_text(p.referral.date)),
        ("coach", p.coach.trim().to_string()),
        ("status", p.status.code().to_string()),
        ("start_date", date_text(p.start_date)),
        ("planned_end_date", date_text(p.planned_end_date)),
        ("language_needs", p.language_needs.clone()),
        ("interpreter", if p.interpreter { "yes" } else { "no" }.to_string()),
        ("notes", p.notes.clone()),
        ("esf_labour", p.esf_entry.labour.code().to_string()),
        ("esf_education", p.esf_entry.education.code().to_string()),
        ("esf_disability", p.esf_entry.disability.code().to_string()),
        ("esf_foreign_background", p.esf_entry.foreign_background.code().to_string()),
        ("esf_homeless", p.esf_entry.homeless.code().to_string()),
    ];
    let title = strings.fill("screen.edit", &[("name", &p.listed_name())]);
    let mut form = Form::new(FormKind::EditParticipant(p.id), title, FIELDS, &values, strings);
    form.set_options("coach", coach_options(coaches), strings);
    form
}

/// Writes the form's values into `p`. On failure the form shows the messages and nothing changes.
/// The form was not applied; its fields show why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotSaved;

pub fn apply(form: &mut Form, p: &mut Participant, today: NaiveDate, now: DateTime<Utc>) -> Result<(), NotSaved> {
    if !form.validate_all(today) {
        return Err(NotSaved);
    }
    match read(form, p, today, now) {
        Ok(next) => {
            *p = next;
            Ok(())
        }
        Err(e) => {
            form.show(e);
            Err(NotSaved)
        }
    }
}

/// `p` with the form's values.
fn read(form: &Form, p: &Participant, today: NaiveDate, now: DateTime<Utc>) -> Result<Participant, FieldError> {
    let date_of_birth = form
        .present_text("date_of_birth")
        .map(|v| parse_date_of_birth(v, today).map_err(|error| FieldError { key: "date_of_birth", error }))
        .transpose()?;
    let postcode = form
        .present_text("postcode")
        .map(|v| Postcode::parse(v).map_err(|error| FieldError { key: "postcode", error }))
        .transpose()?;
    let (start, end) = (form.opt_date("start_date")?, form.opt_date("planned_end_date")?);
    let mut next = p.clone();
    next.given_names = form.text("given_names")?;
    next.prefix = form.text("prefix")?;
    next.family_name = form.text("family_name")?;
    next.date_of_birth = date_of_birth;
    // An intake without a gender chosen records it as unknown, as the form starts.
    next.gender = form.opt_choice("gender")?.unwrap_or(Gender::Unknown);
    // Stored in the one notation it is shown in everywhere.
    next.phone = match form.present_text("phone") {
        Some(v) => validate::parse_phone(v).map_err(|error| FieldError { key: "phone", error })?,
        None => String::new(),
    };
    next.email = form.text("email")?;
    next.address.street = form.text("street")?;
    next.address.house_number = form.text("house_number")?;
    next.address.postcode = postcode;
    next.address.place = form.text("place")?;
    next.neighbourhood = form.text("neighbourhood")?;
    next.municipality = form.text("municipality")?;
    next.referral.source = form.text("referral_source")?;
    next.referral.date = form.opt_date("referral_date")?;
    next.coach = form.text("coach")?;
    next.status = form.choice::<Status>("status")?;
    // An existing trajectory changes status only through its steps (advance, extend, close,
    // reopen), which keep the history and check the rules.
    if matches!(form.kind, FormKind::EditParticipant(_)) && next.status != p.status {
        return Err(FieldError { key: "status", error: Invalid::StatusViaSteps });
    }
    // Someone only referred has not started: the start date the intake form offers is left out,
    // and one the coach typed is refused rather than dropped.
    let (start, end) = if next.status == Status::Referred && matches!(form.kind, FormKind::Intake) {
        if start.is_some() && !form.untouched("start_date") {
            return Err(FieldError { key: "start_date", error: Invalid::NoStartWhileReferred });
        }
        (None, end.filter(|_| !form.untouched("planned_end_date")))
    } else {
        (start, end)
    };
    next.start_date = start;
    // A cleared end date falls back to one year after the start.
    next.planned_end_date = end.or_else(|| start.and_then(default_end_date));
    next.language_needs = form.text("language_needs")?;
    next.interpreter = form.opt_choice("interpreter")?.unwrap_or(false);
    next.notes = form.text("notes")?;
    // An ESF+ question left without an answer is "not asked", which is what the form starts with.
    let answer = |k| form.opt_choice::<YesNo>(k).map(|a| a.unwrap_or(YesNo::NotAsked));
    next.esf_entry = EsfEntry {
        labour: form.opt_choice("esf_labour")?.unwrap_or(LabourStatus::NotAsked),
        education: form.opt_choice("esf_education")?.unwrap_or(Education::NotAsked),
        disability: answer("esf_disability")?,
        foreign_background: answer("esf_foreign_background")?,
        homeless: answer("esf_homeless")?,
    };
    next.updated_at = now;
    Ok(next)
}
