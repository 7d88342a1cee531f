//! The participant ("deelnemer") and the rules on its fields.

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::name::NameParts;
use super::validate::Postcode;

/// Stable unique id of a participant; never reused, never shown to the coach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ParticipantId(pub uuid::Uuid);

impl ParticipantId {
    pub fn new_random() -> Self {
        ParticipantId(uuid::Uuid::new_v4())
    }
    pub fn as_bytes(&self) -> &[u8; 16] {
        self.0.as_bytes()
    }
    pub fn from_bytes(b: [u8; 16]) -> Self {
        ParticipantId(uuid::Uuid::from_bytes(b))
    }
}

impl std::fmt::Display for ParticipantId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Gender {
    Female,
    Male,
    NonBinary,
    #[default]
    Unknown,
}

impl Gender {
    pub const ALL: [Gender; 4] = [Gender::Female, Gender::Male, Gender::NonBinary, Gender::Unknown];
    /// Stable code used in exports and string keys.
    pub fn code(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::NonBinary => "non_binary",
            Gender::Unknown => "unknown",
        }
    }
    /// Reads the codes and the usual Dutch and English words and letters (v/m/x, f/m).
    pub fn parse(s: &str) -> Option<Gender> {
        match s.trim().to_lowercase().as_str() {
            "female" | "f" | "v" | "vrouw" | "woman" => Some(Gender::Female),
            "male" | "m" | "man" => Some(Gender::Male),
            "non_binary" | "non-binary" | "nonbinary" | "x" | "non-binair" | "nonbinair" => Some(Gender::NonBinary),
            "unknown" | "onbekend" | "" | "?" | "o" => Some(Gender::Unknown),
            _ => None,
        }
    }
}

/// Where the participant stands in the trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub enum Status {
    #[default]
    Referred,
    Intake,
    Active,
    Extended,
    Closed,
}

impl Status {
    pub const ALL: [Status; 5] = [Status::Referred, Status::Intake, Status::Active, Status::Extended, Status::Closed];
    pub fn code(self) -> &'static str {
        match self {
            Status::Referred => "referred",
            Status::Intake => "intake",
            Status::Active => "active",
            Status::Extended => "extended",
            Status::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        match s.trim().to_lowercase().as_str() {
            "referred" | "aangemeld" | "aanmelding" => Some(Status::Referred),
            "intake" => Some(Status::Intake),
            "active" | "actief" => Some(Status::Active),
            "extended" | "verlengd" => Some(Status::Extended),
            "closed" | "afgesloten" => Some(Status::Closed),
            _ => None,
        }
    }
    /// In the coach's running caseload (not yet closed).
    pub fn is_open(self) -> bool {
        self != Status::Closed
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub house_number: String,
    pub postcode: Option<Postcode>,
    pub place: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Referral {
    /// Who referred: the service desk, a partner, a collective invitation, ...
    pub source: String,
    #[serde(with = "super::compact::date_opt")]
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Participant {
    pub id: ParticipantId,
    /// Short number shown in the UI and typed on the command line.
    pub number: u32,
    pub given_names: String,
    pub prefix: String,
    pub family_name: String,
    #[serde(with = "super::compact::date_opt")]
    pub date_of_birth: Option<NaiveDate>,
    pub gender: Gender,
    pub phone: String,
    pub email: String,
    pub address: Address,
    pub neighbourhood: String,
    pub municipality: String,
    pub referral: Referral,
    pub coach: String,
    pub status: Status,
    #[serde(with = "super::compact::date_opt")]
    pub start_date: Option<NaiveDate>,
    #[serde(with = "super::compact::date_opt")]
    pub planned_end_date: Option<NaiveDate>,
    pub language_needs: String,
    pub interpreter: bool,
    pub notes: String,
    #[serde(with = "super::compact::moment")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "super::compact::moment")]
    pub updated_at: DateTime<Utc>,
    /// ESF+ characteristics at entry (schema 2; stays last: older records read by appending its
    /// default).
    pub esf_entry: super::esf::EsfEntry,
}

impl Participant {
    /// An empty participant with the given id and number, created `now`.
    pub fn new(id: ParticipantId, number: u32, now: DateTime<Utc>) -> Self {
        Participant {
            id,
            number,
            given_names: String::new(),
            prefix: String::new(),
            family_name: String::new(),
            date_of_birth: None,
            gender: Gender::Unknown,
            phone: String::new(),
            email: String::new(),
            address: Address::default(),
            neighbourhood: String::new(),
            municipality: String::new(),
            referral: Referral::default(),
            coach: String::new(),
            status: Status::Referred,
            start_date: None,
            planned_end_date: None,
            language_needs: String::new(),
            interpreter: false,
            notes: String::new(),
            created_at: now,
            updated_at: now,
            esf_entry: Default::default(),
        }
    }

    pub fn name(&self) -> NameParts<'_> {
        NameParts { given_names: &self.given_names, prefix: &self.prefix, family_name: &self.family_name }
    }

    /// "Berg, Jan van der".
    pub fn listed_name(&self) -> String {
        self.name().listed()
    }

    /// Fills in what follows from other fields: the planned end one year after the start.
    pub fn apply_defaults(&mut self) {
        if self.planned_end_date.is_none() {
            self.planned_end_date = self.start_date.and_then(default_end_date);
        }
    }

    /// Age in whole years on `today`.
    pub fn age_on(&self, today: NaiveDate) -> Option<u32> {
        self.date_of_birth.and_then(|dob| today.years_since(dob))
    }
}

/// The youngest age meedoen expects (social activation is for adults on social assistance, and
/// the intake asks before registering someone younger).
pub const YOUNGEST: u32 = 16;

/// The planned end of a trajectory that starts on `start`: one year later.
pub fn default_end_date(start: NaiveDate) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(12))
}

/// The participant number as shown: at least four digits.
/// Coach names compare without regard to surrounding spaces and (ASCII) case.
pub fn same_coach(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// A coach's name as [`same_coach`] compares it: two names are the same coach exactly when
/// their keys are equal.
pub fn coach_key(name: &str) -> String {
    name.trim().to_ascii_lowercase()
}

/// Who a person is for a duplicate check (at intake and import): their given names and family
/// name folded (letter case, accents and the Unicode form they were typed in ignored, spaces
/// collapsed) and their date of birth.
pub fn identity(given: &str, family: &str, born: Option<NaiveDate>) -> (String, String, Option<NaiveDate>) {
    use unicode_normalization::UnicodeNormalization;
    let key = |name: &str| {
        let composed: String = name.trim().nfc().collect();
        let folded: String = super::fold::fold(&composed)
            .chars()
            .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
            .collect();
        folded.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    (key(given), key(family), born)
}

/// A participant number as written in files and exports; empty for a person still waiting for
/// one (number 0: registered on a team's device before it had a confirmed number), never "0000".
pub fn format_number(n: u32) -> String {
    if n == 0 { String::new() } else { format!("{n:04}") }
}

/// A participant number as a coach sees it on screen: `pending` (the words for "number
/// pending") for a person still waiting for one.
pub fn shown_number(n: u32, pending: &str) -> String {
    if n == 0 { pending.to_string() } else { format_number(n) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_same_person_is_known_whatever_case_accents_or_unicode_form() {
        let born = chrono::NaiveDate::from_ymd_opt(1966, 5, 4);
        let a = super::identity("Fatma", "Öztürk", born);
        assert_eq!(a, super::identity("  fatma ", "OZTURK", born));
        // "Ö" typed as O + combining diaeresis (as some keyboards and copied text give it).
        assert_eq!(a, super::identity("Fatma", "O\u{308}ztu\u{308}rk", born));
        assert_ne!(a, super::identity("Fatma", "Öztürk", chrono::NaiveDate::from_ymd_opt(1966, 5, 5)));
        assert_ne!(a, super::identity("Fatima", "Öztürk", born));
    }

    #[test]
    fn a_number_still_pending_is_never_shown_as_zero() {
        assert_eq!(super::format_number(1001), "1001");
        assert_eq!(super::format_number(0), "");
        assert_eq!(super::shown_number(1002, "nummer volgt"), "1002");
        assert_eq!(super::shown_number(0, "nummer volgt"), "nummer volgt");
    }

    #[test]
    fn coach_keys_are_equal_exactly_when_the_names_are_the_same_coach() {
        let names =
            ["Sanne de Vries", " sanne de vries", "SANNE DE VRIES ", "Sanne de Vriës", "Sanne", "Ineke Bosman", ""];
        for a in names {
            for b in names {
                assert_eq!(super::same_coach(a, b), super::coach_key(a) == super::coach_key(b), "{a:?} / {b:?}");
            }
        }
    }

    use super::*;

    #[test]
    fn planned_end_defaults_to_a_year_after_start() {
        let mut p = Participant::new(ParticipantId::new_random(), 1, Utc::now());
        p.start_date = NaiveDate::from_ymd_opt(2024, 2, 29);
        p.apply_defaults();
        assert_eq!(p.planned_end_date, NaiveDate::from_ymd_opt(2025, 2, 28));
        // An end the coach typed stays.
        p.planned_end_date = NaiveDate::from_ymd_opt(2024, 12, 1);
        p.apply_defaults();
        assert_eq!(p.planned_end_date, NaiveDate::from_ymd_opt(2024, 12, 1));
    }

    #[test]
    fn gender_and_status_words() {
        assert_eq!(Gender::parse("V"), Some(Gender::Female));
        assert_eq!(Gender::parse("x"), Some(Gender::NonBinary));
        assert_eq!(Gender::parse("alien"), None);
        assert_eq!(Status::parse("Actief"), Some(Status::Active));
        for s in Status::ALL {
            assert_eq!(Status::parse(s.code()), Some(s));
        }
        for g in Gender::ALL {
            assert_eq!(Gender::parse(g.code()), Some(g));
        }
    }

    #[test]
    fn age() {
        let mut p = Participant::new(ParticipantId::new_random(), 1, Utc::now());
        p.date_of_birth = NaiveDate::from_ymd_opt(1970, 11, 25);
        assert_eq!(p.age_on(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default()), Some(55));
    }
}
