//! The participant form (intake and edit) as data, and the mapping between its values and a
//! [`Participant`].

use crate::domain::esf::{Education, EsfEntry, LabourStatus, YesNo};
use chrono::{DateTime, NaiveDate, Utc};

use super::form::{FieldDef, Form};
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
fn v_email(s: &str, _: NaiveDate) -> Result<(), Invalid> {
    validate::parse_email(s).map(|_| ())
}

const GENDERS: &[(&str, &str)] = &[
    ("female", "gender.female"),
    ("male", "gender.male"),
    ("non_binary", "gender.non_binary"),
    ("unknown", "gender.unknown"),
];
const STATUSES: &[(&str, &str)] = &[
    ("referred", "status.referred"),
    ("intake", "status.intake"),
    ("active", "status.active"),
    ("extended", "status.extended"),
    ("closed", "status.closed"),
];
const YES_NO: &[(&str, &str)] = &[("no", "common.no"), ("yes", "common.yes")];

/// The fields, in the order the intake asks them: the name and date of birth first.
pub const FIELDS: &[FieldDef] = &[
    FieldDef::text("given_names", "field.given_names").required().section("section.person"),
    FieldDef::text("prefix", "field.prefix"),
    FieldDef::text("family_name", "field.family_name").required(),
    FieldDef::text("date_of_birth", "field.date_of_birth").check(v_birth).tidy(super::form::tidy_date),
    FieldDef::choice("gender", "field.gender", GENDERS),
    FieldDef::text("phone", "field.phone").check(v_phone).section("section.contact"),
    FieldDef::text("email", "field.email").check(v_email),
    FieldDef::text("street", "field.street"),
    FieldDef::text("house_number", "field.house_number"),
    FieldDef::text("postcode", "field.postcode").check(v_postcode),
    FieldDef::text("place", "field.place"),
    FieldDef::text("neighbourhood", "field.neighbourhood"),
    FieldDef::text("municipality", "field.municipality"),
    FieldDef::text("referral_source", "field.referral_source").section("section.trajectory"),
    FieldDef::text("referral_date", "field.referral_date").check(v_date).tidy(super::form::tidy_date),
    FieldDef::text("coach", "field.coach"),
    FieldDef::choice("status", "field.status", STATUSES).required(),
    FieldDef::text("start_date", "field.start_date").check(v_date).tidy(super::form::tidy_date),
    FieldDef::text("planned_end_date", "field.planned_end_date")
        .check(v_date)
        .tidy(super::form::tidy_date)
        .not_before("start_date"),
    FieldDef::text("language_needs", "field.language_needs").section("section.other"),
    FieldDef::choice("interpreter", "field.interpreter", YES_NO),
    FieldDef::text("notes", "field.notes"),
    FieldDef::choice("esf_labour", "field.esf_labour", LabourStatus::CHOICES).section("section.esf"),
    FieldDef::choice("esf_education", "field.esf_education", Education::CHOICES),
    FieldDef::choice("esf_disability", "field.esf_disability", YesNo::CHOICES),
    FieldDef::choice("esf_foreign_background", "field.esf_foreign_background", YesNo::CHOICES),
    FieldDef::choice("esf_homeless", "field.esf_homeless", YesNo::CHOICES),
];

fn date_text(d: Option<NaiveDate>) -> String {
    d.map(format_date).unwrap_or_default()
}

/// A new intake: status intake, starting today, with this coach.
pub fn new_intake(strings: &Strings, coach: &str, today: NaiveDate) -> Form {
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
    Form::new("intake", strings.get("screen.intake").to_string(), FIELDS, &values, None, strings)
}

/// The edit form for an existing participant.
pub fn edit(strings: &Strings, p: &Participant) -> Form {
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
        ("coach", p.coach.clone()),
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
    Form::new("participant", title, FIELDS, &values, Some(*p.id.as_bytes()), strings)
}

/// Writes the form's values into `p`. On failure the form shows the messages and nothing changes.
/// The form was not applied; its fields show why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotSaved;

pub fn apply(form: &mut Form, p: &mut Participant, today: NaiveDate, now: DateTime<Utc>) -> Result<(), NotSaved> {
    if !form.validate_all(today) {
        return Err(NotSaved);
    }
    let text = |k: &str| validate::clean_text(form.value(k)).unwrap_or_default();
    let date = |k: &str| parse_date(form.value(k)).ok();
    let (start, end) = (date("start_date"), date("planned_end_date"));
    let mut next = p.clone();
    next.given_names = text("given_names");
    next.prefix = text("prefix");
    next.family_name = text("family_name");
    next.date_of_birth = parse_date_of_birth(form.value("date_of_birth"), today).ok();
    next.gender = Gender::parse(form.value("gender")).unwrap_or_default();
    next.phone = text("phone");
    next.email = text("email");
    next.address.street = text("street");
    next.address.house_number = text("house_number");
    next.address.postcode = Postcode::parse(form.value("postcode")).ok();
    next.address.place = text("place");
    next.neighbourhood = text("neighbourhood");
    next.municipality = text("municipality");
    next.referral.source = text("referral_source");
    next.referral.date = date("referral_date");
    next.coach = text("coach");
    next.status = Status::parse(form.value("status")).unwrap_or_default();
    // An existing trajectory changes status only through its steps (advance, extend, close,
    // reopen), which keep the history and check the rules.
    if form.id == "participant" && next.status != p.status {
        form.set_error("status", Invalid::StatusViaSteps);
        form.focus_on("status");
        return Err(NotSaved);
    }
    next.start_date = start;
    // A cleared end date falls back to one year after the start.
    next.planned_end_date = end.or_else(|| start.and_then(default_end_date));
    next.language_needs = text("language_needs");
    next.interpreter = form.value("interpreter") == "yes";
    next.notes = text("notes");
    let yes_no = |k: &str| YesNo::parse(form.value(k)).unwrap_or_default();
    next.esf_entry = EsfEntry {
        labour: LabourStatus::parse(form.value("esf_labour")).unwrap_or_default(),
        education: Education::parse(form.value("esf_education")).unwrap_or_default(),
        disability: yes_no("esf_disability"),
        foreign_background: yes_no("esf_foreign_background"),
        homeless: yes_no("esf_homeless"),
    };
    next.updated_at = now;
    *p = next;
    Ok(())
}
