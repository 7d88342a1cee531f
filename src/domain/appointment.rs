//! Appointments: planned, moved, called off or not kept, with every change kept in the record,
//! and the warnings a coach gets before fixing one on a bad day or time.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

use super::ParticipantId;
use super::amend::{AmendKind, Amendment, differences};
use super::module::Closure;
use super::participant::same_coach;
use super::record_id::RecordId;
use super::validate::format_date;

/// Where an appointment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum AppointmentState {
    #[default]
    Planned,
    /// Called off (the reason is in the history).
    Cancelled,
    /// The participant did not come.
    NoShow,
}

impl AppointmentState {
    pub fn code(self) -> &'static str {
        match self {
            AppointmentState::Planned => "planned",
            AppointmentState::Cancelled => "cancelled",
            AppointmentState::NoShow => "no_show",
        }
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
    pub state: AppointmentState,
    /// Every move, cancellation and no-show, oldest first.
    pub history: Vec<Amendment>,
}

/// Why a change to an appointment is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// It was called off or not kept already.
    NotPlanned,
    /// A no-show can only be recorded from the day of the appointment on.
    NotYet,
    /// A cancellation needs its reason.
    NoReason,
    /// Moving it to the same day, time and place changes nothing.
    Unchanged,
}

impl Refused {
    pub fn code(self) -> &'static str {
        match self {
            Refused::NotPlanned => "not_planned",
            Refused::NotYet => "not_yet",
            Refused::NoReason => "no_reason",
            Refused::Unchanged => "unchanged",
        }
    }
}

/// "27-11-2026 15:30", as the history shows a time.
pub fn when(at: NaiveDateTime) -> String {
    format!("{} {}", format_date(at.date()), at.format("%H:%M"))
}

impl Appointment {
    pub fn is_planned(&self) -> bool {
        self.state == AppointmentState::Planned
    }

    fn amend(
        &mut self,
        kind: AmendKind,
        by: &str,
        now: DateTime<Utc>,
        reason: &str,
        changes: Vec<super::privacy::FieldChange>,
    ) {
        self.history.push(Amendment { at: now, by: by.to_string(), kind, reason: reason.trim().to_string(), changes });
    }

    /// Moves a planned appointment to another time, place or note; the old values are kept.
    pub fn move_to(
        &mut self,
        at: NaiveDateTime,
        place: &str,
        note: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Refused> {
        if !self.is_planned() {
            return Err(Refused::NotPlanned);
        }
        let changes = differences(&[
            ("when", when(self.at), when(at)),
            ("place", self.place.clone(), place.trim().to_string()),
            ("note", self.note.clone(), note.trim().to_string()),
        ]);
        if changes.is_empty() {
            return Err(Refused::Unchanged);
        }
        self.at = at;
        self.place = place.trim().to_string();
        self.note = note.trim().to_string();
        self.amend(AmendKind::Moved, by, now, "", changes);
        Ok(())
    }

    /// Calls a planned appointment off, with the reason.
    pub fn cancel(&mut self, reason: &str, by: &str, now: DateTime<Utc>) -> Result<(), Refused> {
        if !self.is_planned() {
            return Err(Refused::NotPlanned);
        }
        if reason.trim().is_empty() {
            return Err(Refused::NoReason);
        }
        self.state = AppointmentState::Cancelled;
        self.amend(AmendKind::Cancelled, by, now, reason, Vec::new());
        Ok(())
    }

    /// Records that the participant did not come (from the day of the appointment on).
    pub fn no_show(&mut self, today: NaiveDate, by: &str, now: DateTime<Utc>) -> Result<(), Refused> {
        if !self.is_planned() {
            return Err(Refused::NotPlanned);
        }
        if self.at.date() > today {
            return Err(Refused::NotYet);
        }
        self.state = AppointmentState::NoShow;
        self.amend(AmendKind::NoShow, by, now, "", Vec::new());
        Ok(())
    }

    /// The reason it was called off, if it was.
    pub fn cancel_reason(&self) -> Option<&str> {
        self.history.iter().rev().find(|a| a.kind == AmendKind::Cancelled).map(|a| a.reason.as_str())
    }
}

/// How long an appointment is taken to last when checking for overlaps (none has an end).
pub const ASSUMED_MINUTES: i64 = 60;

/// Something about a day or time the coach should know before fixing an appointment on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    Weekend(Weekday),
    Holiday(&'static str),
    /// One of the organisation's closure days (with its reason).
    Closed(String),
    /// Another planned appointment of the same participant within the hour.
    SamePerson(NaiveDateTime),
    /// Another planned appointment of the same coach within the hour (with whom).
    SameCoach(NaiveDateTime, ParticipantId),
}

/// The warnings for planning `a`, given the planned appointments of that day (`others`, `a`
/// itself left out by id) and the closure days.
pub fn warnings(a: &Appointment, others: &[Appointment], closures: &[Closure]) -> Vec<Warning> {
    let mut out = Vec::new();
    let day = a.at.date();
    if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        out.push(Warning::Weekend(day.weekday()));
    }
    if let Some(name) = super::holidays::holiday(day) {
        out.push(Warning::Holiday(name));
    }
    if let Some(c) = closures.iter().find(|c| c.date == day) {
        out.push(Warning::Closed(c.reason.clone()));
    }
    for o in others.iter().filter(|o| o.id != a.id && o.is_planned()) {
        if (o.at - a.at).num_minutes().abs() >= ASSUMED_MINUTES {
            continue;
        }
        if o.participant == a.participant {
            out.push(Warning::SamePerson(o.at));
        } else if same_coach(&o.coach, &a.coach) {
            out.push(Warning::SameCoach(o.at, o.participant));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, m, d).and_then(|d| d.and_hms_opt(h, min, 0)).unwrap_or_default()
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).single().unwrap_or_default()
    }

    fn appointment(p: ParticipantId, when: NaiveDateTime, coach: &str) -> Appointment {
        Appointment {
            id: RecordId::new_random(),
            participant: p,
            at: when,
            place: "Wijkcentrum".into(),
            note: String::new(),
            coach: coach.into(),
            created_at: now(),
            state: AppointmentState::Planned,
            history: Vec::new(),
        }
    }

    #[test]
    fn a_move_keeps_the_old_time_and_place() {
        let p = ParticipantId::new_random();
        let mut a = appointment(p, at(11, 25, 10, 0), "Sanne");
        assert_eq!(a.move_to(at(11, 25, 10, 0), "Wijkcentrum", "", "Sanne", now()), Err(Refused::Unchanged));
        a.move_to(at(11, 26, 14, 30), "Bibliotheek", "", "Sanne", now()).unwrap_or_default();
        assert_eq!(a.at, at(11, 26, 14, 30));
        let last = a.history.last().cloned().unwrap_or_else(|| panic!("a history"));
        assert_eq!(last.kind, AmendKind::Moved);
        assert_eq!(last.changes[0].old, "25-11-2026 10:00");
        assert_eq!(last.changes[0].new, "26-11-2026 14:30");
        assert_eq!(last.changes[1].new, "Bibliotheek");
    }

    #[test]
    fn cancelling_needs_a_reason_and_happens_once() {
        let mut a = appointment(ParticipantId::new_random(), at(11, 25, 10, 0), "Sanne");
        assert_eq!(a.cancel("  ", "Sanne", now()), Err(Refused::NoReason));
        assert_eq!(a.cancel("ziek", "Sanne", now()), Ok(()));
        assert_eq!(a.state, AppointmentState::Cancelled);
        assert_eq!(a.cancel_reason(), Some("ziek"));
        assert_eq!(a.cancel("nog eens", "Sanne", now()), Err(Refused::NotPlanned));
        assert_eq!(a.move_to(at(11, 27, 10, 0), "", "", "Sanne", now()), Err(Refused::NotPlanned));
    }

    #[test]
    fn a_no_show_is_recorded_from_the_day_itself() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
        let mut a = appointment(ParticipantId::new_random(), at(11, 25, 10, 0), "Sanne");
        assert_eq!(a.no_show(today, "Sanne", now()), Err(Refused::NotYet));
        assert_eq!(a.no_show(today + chrono::Duration::days(1), "Sanne", now()), Ok(()));
        assert_eq!(a.state, AppointmentState::NoShow);
        assert_eq!(a.no_show(today + chrono::Duration::days(1), "Sanne", now()), Err(Refused::NotPlanned));
    }

    #[test]
    fn weekends_holidays_closures_and_overlaps_are_warned_about() {
        let (p, q) = (ParticipantId::new_random(), ParticipantId::new_random());
        let sat = appointment(p, at(11, 28, 10, 0), "Sanne");
        assert_eq!(warnings(&sat, &[], &[]), vec![Warning::Weekend(Weekday::Sat)]);
        let xmas = appointment(p, at(12, 25, 10, 0), "Sanne");
        assert_eq!(warnings(&xmas, &[], &[]), vec![Warning::Holiday("Eerste Kerstdag")]);
        let closure = Closure { date: at(12, 24, 0, 0).date(), reason: "Kerstreces".into() };
        let eve = appointment(p, at(12, 24, 10, 0), "Sanne");
        assert_eq!(warnings(&eve, &[], std::slice::from_ref(&closure)), vec![Warning::Closed("Kerstreces".into())]);
        // Within the hour: the same person, or the same coach with someone else.
        let a = appointment(p, at(11, 25, 10, 0), "Sanne");
        let own = appointment(p, at(11, 25, 10, 30), "Mohamed");
        let coach = appointment(q, at(11, 25, 9, 15), "sanne");
        let later = appointment(q, at(11, 25, 11, 0), "Sanne");
        let mut gone = appointment(q, at(11, 25, 10, 0), "Sanne");
        gone.state = AppointmentState::Cancelled;
        let w = warnings(&a, &[a.clone(), own.clone(), coach.clone(), later, gone], &[]);
        assert_eq!(w, vec![Warning::SamePerson(own.at), Warning::SameCoach(coach.at, q)]);
    }
}
