//! Contacts (including failed attempts) and appointments.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ParticipantId;
use super::amend::{AmendKind, Amendment, differences};
pub use super::appointment::Appointment;
use super::goal::LifeArea;
pub use super::record_id::RecordId;

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
    /// Taken back (recorded for the wrong person, or by mistake): kept, shown as withdrawn, and
    /// no longer counted anywhere.
    pub withdrawn: bool,
    /// Every correction and the withdrawal, oldest first, with the old and new values.
    pub history: Vec<Amendment>,
}

impl Contact {
    /// A contact that was made (not a failed attempt) and still counts.
    pub fn made(&self) -> bool {
        self.reached == Reached::Made && !self.withdrawn
    }

    /// Whether it counts at all (not withdrawn).
    pub fn counts(&self) -> bool {
        !self.withdrawn
    }

    /// The values a correction compares, as shown: (field code, value).
    pub fn shown_fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("when", super::appointment::when(self.at)),
            ("channel", self.channel.code().to_string()),
            ("initiative", self.initiative.code().to_string()),
            ("minutes", self.minutes.to_string()),
            ("reached", self.reached.code().to_string()),
            ("life_areas", self.life_areas.iter().map(|a| a.code()).collect::<Vec<_>>().join(", ")),
            ("summary", self.summary.clone()),
        ]
    }

    /// Puts the fields of `new` in place (the id, the participant, who logged it and when stay),
    /// keeping the old values in the history. Refused on a withdrawn contact; `false` when
    /// nothing changed.
    pub fn correct(&mut self, new: &Contact, reason: &str, by: &str, now: DateTime<Utc>) -> Result<bool, Withdrawn> {
        if self.withdrawn {
            return Err(Withdrawn);
        }
        let pairs: Vec<(&str, String, String)> = self
            .shown_fields()
            .into_iter()
            .zip(new.shown_fields())
            .map(|((field, old), (_, new))| (field, old, new))
            .collect();
        let changes = differences(&pairs);
        if changes.is_empty() {
            return Ok(false);
        }
        self.at = new.at;
        self.channel = new.channel;
        self.initiative = new.initiative;
        self.minutes = new.minutes;
        self.reached = new.reached;
        self.life_areas = new.life_areas.clone();
        self.summary = new.summary.clone();
        self.history.push(Amendment {
            at: now,
            by: by.to_string(),
            kind: AmendKind::Corrected,
            reason: reason.trim().to_string(),
            changes,
        });
        Ok(true)
    }

    /// Withdraws the contact, with the reason. Refused when already withdrawn or without reason.
    pub fn withdraw(&mut self, reason: &str, by: &str, now: DateTime<Utc>) -> Result<(), Withdrawn> {
        if self.withdrawn || reason.trim().is_empty() {
            return Err(Withdrawn);
        }
        self.withdrawn = true;
        self.history.push(Amendment {
            at: now,
            by: by.to_string(),
            kind: AmendKind::Withdrawn,
            reason: reason.trim().to_string(),
            changes: Vec::new(),
        });
        Ok(())
    }
}

/// A past planned appointment without a contact logged on its day is flagged (a cancelled one
/// or a recorded no-show is accounted for already; a withdrawn contact does not count).
pub fn appointment_missing_contact(a: &Appointment, contacts: &[Contact], today: NaiveDate) -> bool {
    a.is_planned()
        && a.at.date() < today
        && !contacts.iter().any(|c| c.participant == a.participant && c.counts() && c.at.date() == a.at.date())
}

/// A withdrawn contact cannot be corrected or withdrawn again (or a withdrawal lacked its reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Withdrawn;

/// Days since the last contact that was made (failed attempts do not count).
pub fn days_since_contact(contacts: &[Contact], today: NaiveDate) -> Option<i64> {
    contacts.iter().filter(|c| c.made()).map(|c| c.at.date()).max().map(|d| (today - d).num_days())
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
            withdrawn: false,
            history: Vec::new(),
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
        use crate::domain::appointment::AppointmentState;
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
            state: AppointmentState::Planned,
            history: Vec::new(),
        };
        assert!(appointment_missing_contact(&a, &[], today));
        // Even a failed attempt on the day counts as logged; a withdrawn contact does not.
        let mut tried = contact(p, at(11, 20), Reached::NoAnswer);
        assert!(!appointment_missing_contact(&a, std::slice::from_ref(&tried), today));
        tried.withdraw("andere deelnemer", "Sanne", Utc::now()).unwrap();
        assert!(appointment_missing_contact(&a, &[tried], today));
        let future = Appointment { at: at(11, 30), ..a };
        assert!(!appointment_missing_contact(&future, &[], today));
    }

    #[test]
    fn a_correction_keeps_the_old_values_and_a_withdrawn_contact_stops_counting() {
        let p = ParticipantId::new_random();
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let mut c = contact(p, at(11, 20), Reached::Made);
        let mut fixed = c.clone();
        fixed.at = at(11, 19);
        fixed.minutes = 45;
        assert_eq!(c.correct(&c.clone(), "", "Sanne", Utc::now()), Ok(false), "nothing changed");
        assert_eq!(c.correct(&fixed, "verkeerde dag", "Sanne", Utc::now()), Ok(true));
        assert_eq!((c.at, c.minutes), (at(11, 19), 45));
        let h = &c.history[0];
        assert_eq!(h.reason, "verkeerde dag");
        assert_eq!(
            h.changes.iter().map(|x| (x.field.as_str(), x.old.as_str(), x.new.as_str())).collect::<Vec<_>>(),
            [("when", "20-11-2026 10:00", "19-11-2026 10:00"), ("minutes", "30", "45")]
        );
        assert_eq!(days_since_contact(std::slice::from_ref(&c), today), Some(5));
        assert_eq!(c.withdraw(" ", "Sanne", Utc::now()), Err(Withdrawn), "a reason is needed");
        c.withdraw("andere deelnemer", "Sanne", Utc::now()).unwrap();
        assert_eq!(days_since_contact(std::slice::from_ref(&c), today), None);
        assert_eq!(c.correct(&fixed, "", "Sanne", Utc::now()), Err(Withdrawn));
        assert_eq!(c.withdraw("nog eens", "Sanne", Utc::now()), Err(Withdrawn));
        assert_eq!(c.history.len(), 2);
    }
}
