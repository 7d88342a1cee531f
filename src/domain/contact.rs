//! Contacts (including failed attempts) and appointments.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ParticipantId;
use super::goal::LifeArea;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Channel {
    HomeVisit,
    Office,
    Phone,
    Text,
    Video,
    Outdoors,
    NeighbourhoodCentre,
    Other,
    // Added later: stored by their place in this list, so new ones go at the end.
    Email,
    Letter,
}

impl Channel {
    /// In the order the form offers them.
    pub const ALL: [Channel; 10] = [
        Channel::HomeVisit,
        Channel::Office,
        Channel::Phone,
        Channel::Text,
        Channel::Video,
        Channel::Email,
        Channel::Letter,
        Channel::Outdoors,
        Channel::NeighbourhoodCentre,
        Channel::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Channel::HomeVisit => "home_visit",
            Channel::Office => "office",
            Channel::Phone => "phone",
            Channel::Text => "text",
            Channel::Video => "video",
            Channel::Outdoors => "outdoors",
            Channel::NeighbourhoodCentre => "neighbourhood_centre",
            Channel::Other => "other",
            Channel::Email => "email",
            Channel::Letter => "letter",
        }
    }
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.iter().copied().find(|c| c.code() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Initiative {
    Coach,
    Participant,
    Other,
}

impl Initiative {
    pub const ALL: [Initiative; 3] = [Initiative::Coach, Initiative::Participant, Initiative::Other];
    pub fn code(self) -> &'static str {
        match self {
            Initiative::Coach => "coach",
            Initiative::Participant => "participant",
            Initiative::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Initiative> {
        Initiative::ALL.iter().copied().find(|c| c.code() == s)
    }
}

/// Whether contact was made, or how the attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Reached {
    Made,
    NoAnswer,
    NotAtHome,
    Cancelled,
}

impl Reached {
    pub const ALL: [Reached; 4] = [Reached::Made, Reached::NoAnswer, Reached::NotAtHome, Reached::Cancelled];
    pub fn code(self) -> &'static str {
        match self {
            Reached::Made => "made",
            Reached::NoAnswer => "no_answer",
            Reached::NotAtHome => "not_at_home",
            Reached::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<Reached> {
        Reached::ALL.iter().copied().find(|c| c.code() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordId(pub uuid::Uuid);

impl RecordId {
    pub fn new_random() -> RecordId {
        RecordId(uuid::Uuid::new_v4())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: RecordId,
    pub participant: ParticipantId,
    /// Local date and time of the contact.
    pub at: NaiveDateTime,
    pub channel: Channel,
    pub initiative: Initiative,
    pub minutes: u16,
    pub reached: Reached,
    pub life_areas: Vec<LifeArea>,
    pub summary: String,
    pub coach: String,
    #[serde(with = "super::compact::moment")]
    pub created_at: DateTime<Utc>,
}

impl Contact {
    pub fn made(&self) -> bool {
        self.reached == Reached::Made
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: RecordId,
    pub participant: ParticipantId,
    pub at: NaiveDateTime,
    pub place: String,
    pub note: String,
    pub coach: String,
    #[serde(with = "super::compact::moment")]
    pub created_at: DateTime<Utc>,
}

/// Days since the last contact that was made (failed attempts do not count).
pub fn days_since_contact(contacts: &[Contact], today: NaiveDate) -> Option<i64> {
    contacts.iter().filter(|c| c.made()).map(|c| c.at.date()).max().map(|d| (today - d).num_days())
}

/// A past appointment without a contact logged on its day is flagged.
pub fn appointment_missing_contact(a: &Appointment, contacts: &[Contact], today: NaiveDate) -> bool {
    a.at.date() < today && !contacts.iter().any(|c| c.participant == a.participant && c.at.date() == a.at.date())
}

#[cfg(test)]
mod tests {
    /// Channels are stored by their place in the type: the ones added later (e-mail, letter)
    /// come after the first eight, so every contact saved before reads as it was.
    #[test]
    fn channels_added_later_keep_the_stored_place_of_the_first_ones() {
        let stored = |c: super::Channel| bincode::serde::encode_to_vec(c, bincode::config::standard()).unwrap();
        assert_eq!(stored(super::Channel::HomeVisit), [0]);
        assert_eq!(stored(super::Channel::Other), [7]);
        assert_eq!(stored(super::Channel::Email), [8]);
        assert_eq!(stored(super::Channel::Letter), [9]);
        for c in super::Channel::ALL {
            assert_eq!(super::Channel::parse(c.code()), Some(c));
        }
    }

    use super::*;

    fn at(m: u32, d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap().and_hms_opt(10, 0, 0).unwrap()
    }

    fn contact(p: ParticipantId, when: NaiveDateTime, reached: Reached) -> Contact {
        Contact {
            id: RecordId::new_random(),
            participant: p,
            at: when,
            channel: Channel::HomeVisit,
            initiative: Initiative::Coach,
            minutes: 30,
            reached,
            life_areas: vec![],
            summary: String::new(),
            coach: "Sanne".into(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn failed_attempts_do_not_count_as_contact() {
        let p = ParticipantId::new_random();
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let cs = vec![contact(p, at(11, 1), Reached::Made), contact(p, at(11, 20), Reached::NotAtHome)];
        assert_eq!(days_since_contact(&cs, today), Some(23));
        assert_eq!(days_since_contact(&[], today), None);
    }

    #[test]
    fn a_past_appointment_without_a_contact_is_flagged() {
        let p = ParticipantId::new_random();
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let a = Appointment {
            id: RecordId::new_random(),
            participant: p,
            at: at(11, 20),
            place: String::new(),
            note: String::new(),
            coach: String::new(),
            created_at: Utc::now(),
        };
        assert!(appointment_missing_contact(&a, &[], today));
        // Even a failed attempt on the day counts as logged.
        assert!(!appointment_missing_contact(&a, &[contact(p, at(11, 20), Reached::NoAnswer)], today));
        let future = Appointment { at: at(11, 30), ..a };
        assert!(!appointment_missing_contact(&future, &[], today));
    }
}
