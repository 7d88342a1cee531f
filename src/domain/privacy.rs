//! Privacy records: the access log, consent, and the anonymous trace an erasure leaves.

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Participant, ParticipantId};

/// One field that a change touched, with the value before and after (kept encrypted, like the
/// record itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// What happened to a participant's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessAction {
    /// The participant screen was opened.
    Opened,
    /// The participant was registered (intake).
    Created,
    /// Profile fields changed.
    Changed(Vec<FieldChange>),
    /// A record was added or changed: which kind (a string-table key such as "contact").
    Recorded(String),
    /// Everything held was exported for a request of access.
    Exported,
    ConsentGiven(ConsentScope),
    ConsentWithdrawn(ConsentScope),
    /// Included in an export of the whole caseload (`meedoen export`).
    CaseloadExported,
    /// Named in an ESF+ participant list (`meedoen report --esf-list --with-names`).
    EsfListed,
    /// Their Positive Health spider web written to a file (`x`, `meedoen chart`).
    ChartExported,
}

/// One line of the append-only access log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEntry {
    pub participant: ParticipantId,
    #[serde(with = "super::compact::moment")]
    pub at: DateTime<Utc>,
    pub coach: String,
    pub action: AccessAction,
}

/// What a participant consents to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConsentScope {
    /// Registering their data in meedoen at all.
    Registration,
    /// Recording health information (Positive Health, health signals).
    HealthData,
    /// Sharing information with partners the coach refers to.
    SharingWithPartners,
    /// Being counted (anonymously) in reports to the municipality and ESF+.
    Reporting,
}

impl ConsentScope {
    pub const ALL: [ConsentScope; 4] = [
        ConsentScope::Registration,
        ConsentScope::HealthData,
        ConsentScope::SharingWithPartners,
        ConsentScope::Reporting,
    ];
    pub fn key(self) -> &'static str {
        match self {
            ConsentScope::Registration => "consent_scope.registration",
            ConsentScope::HealthData => "consent_scope.health_data",
            ConsentScope::SharingWithPartners => "consent_scope.sharing",
            ConsentScope::Reporting => "consent_scope.reporting",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            ConsentScope::Registration => "registration",
            ConsentScope::HealthData => "health_data",
            ConsentScope::SharingWithPartners => "sharing_with_partners",
            ConsentScope::Reporting => "reporting",
        }
    }
}

/// Consent for one scope, given on a date and perhaps withdrawn later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub participant: ParticipantId,
    pub scope: ConsentScope,
    #[serde(with = "super::compact::date")]
    pub given_on: NaiveDate,
    #[serde(with = "super::compact::date_opt")]
    pub withdrawn_on: Option<NaiveDate>,
    pub coach: String,
}

impl Consent {
    pub fn is_active(&self) -> bool {
        self.withdrawn_on.is_none()
    }

    /// The day of this consent's last step: given, or withdrawn.
    pub fn last_step(&self) -> NaiveDate {
        self.withdrawn_on.unwrap_or(self.given_on)
    }
}

/// Why a consent step was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentRefused {
    /// The day lies before the consent's previous step (given or withdrawn then).
    BeforeLastStep(NaiveDate),
}

/// The next step of a consent on day `on`: an active consent is withdrawn, an absent or
/// withdrawn one is given. A step never lies before the previous one, so the record's dates stay
/// in order.
pub fn consent_step(
    current: Option<&Consent>,
    participant: ParticipantId,
    scope: ConsentScope,
    on: NaiveDate,
    coach: &str,
) -> Result<Consent, ConsentRefused> {
    if let Some(c) = current
        && on < c.last_step()
    {
        return Err(ConsentRefused::BeforeLastStep(c.last_step()));
    }
    Ok(match current {
        Some(c) if c.is_active() => Consent { withdrawn_on: Some(on), coach: coach.to_string(), ..c.clone() },
        _ => Consent { participant, scope, given_on: on, withdrawn_on: None, coach: coach.to_string() },
    })
}

/// What is left after a person is erased: when and by whom, nothing about the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erasure {
    #[serde(with = "super::compact::date")]
    pub on: NaiveDate,
    pub coach: String,
}

/// The profile fields that differ between two versions of a participant, in form order.
pub fn changed_fields(old: &Participant, new: &Participant) -> Vec<FieldChange> {
    let opt_date = |d: Option<NaiveDate>| d.map(super::validate::format_date).unwrap_or_default();
    let fields: [(&str, String, String); 20] = [
        ("given_names", old.given_names.clone(), new.given_names.clone()),
        ("prefix", old.prefix.clone(), new.prefix.clone()),
        ("family_name", old.family_name.clone(), new.family_name.clone()),
        ("date_of_birth", opt_date(old.date_of_birth), opt_date(new.date_of_birth)),
        ("gender", format!("{:?}", old.gender), format!("{:?}", new.gender)),
        ("phone", old.phone.clone(), new.phone.clone()),
        ("email", old.email.clone(), new.email.clone()),
        ("street", old.address.street.clone(), new.address.street.clone()),
        ("house_number", old.address.house_number.clone(), new.address.house_number.clone()),
        (
            "postcode",
            old.address.postcode.as_ref().map(|p| p.to_string()).unwrap_or_default(),
            new.address.postcode.as_ref().map(|p| p.to_string()).unwrap_or_default(),
        ),
        ("place", old.address.place.clone(), new.address.place.clone()),
        ("neighbourhood", old.neighbourhood.clone(), new.neighbourhood.clone()),
        ("municipality", old.municipality.clone(), new.municipality.clone()),
        ("referral_source", old.referral.source.clone(), new.referral.source.clone()),
        ("coach", old.coach.clone(), new.coach.clone()),
        ("status", format!("{:?}", old.status), format!("{:?}", new.status)),
        ("start_date", opt_date(old.start_date), opt_date(new.start_date)),
        ("planned_end_date", opt_date(old.planned_end_date), opt_date(new.planned_end_date)),
        ("language_needs", old.language_needs.clone(), new.language_needs.clone()),
        ("notes", old.notes.clone(), new.notes.clone()),
    ];
    fields
        .into_iter()
        .filter(|(_, o, n)| o != n)
        .map(|(f, old, new)| FieldChange { field: f.to_string(), old, new })
        .collect()
}

/// Whether a trajectory closed on `closed_on` is past a retention period of `months` on `today`.
pub fn past_retention(closed_on: NaiveDate, months: u32, today: NaiveDate) -> bool {
    closed_on.checked_add_months(Months::new(months)).is_some_and(|end| end < today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn a_consent_step_gives_or_withdraws_on_the_day_typed_never_before_the_last_step() {
        let p = ParticipantId::new_random();
        let d = |m, day| d(2026, m, day);
        let given = consent_step(None, p, ConsentScope::HealthData, d(3, 1), "S").unwrap();
        assert_eq!((given.given_on, given.withdrawn_on, given.scope), (d(3, 1), None, ConsentScope::HealthData));
        assert_eq!(
            consent_step(Some(&given), p, ConsentScope::HealthData, d(2, 28), "S"),
            Err(ConsentRefused::BeforeLastStep(d(3, 1)))
        );
        let withdrawn = consent_step(Some(&given), p, ConsentScope::HealthData, d(3, 1), "T").unwrap();
        assert_eq!(
            (withdrawn.given_on, withdrawn.withdrawn_on, withdrawn.coach.as_str()),
            (d(3, 1), Some(d(3, 1)), "T")
        );
        assert_eq!(
            consent_step(Some(&withdrawn), p, ConsentScope::HealthData, d(2, 1), "S"),
            Err(ConsentRefused::BeforeLastStep(d(3, 1)))
        );
        let again = consent_step(Some(&withdrawn), p, ConsentScope::HealthData, d(4, 2), "S").unwrap();
        assert_eq!((again.given_on, again.withdrawn_on), (d(4, 2), None));
    }

    #[test]
    fn only_the_fields_that_changed_are_listed_with_old_and_new() {
        let old = Participant::new(ParticipantId::new_random(), 1001, Utc::now());
        let mut new = old.clone();
        new.phone = "06-12345678".into();
        new.notes = "Belt liever 's middags.".into();
        let c = changed_fields(&old, &new);
        assert_eq!(c.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["phone", "notes"]);
        assert_eq!((c[0].old.as_str(), c[0].new.as_str()), ("", "06-12345678"));
        assert!(changed_fields(&new, &new).is_empty());
    }

    #[test]
    fn retention_runs_from_the_closing_date() {
        assert!(!past_retention(d(2024, 11, 24), 24, d(2026, 11, 24)), "exactly 24 months: not yet");
        assert!(past_retention(d(2024, 11, 23), 24, d(2026, 11, 24)));
        assert!(!past_retention(d(2026, 1, 31), 24, d(2026, 11, 24)));
    }
}
