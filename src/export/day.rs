//! Export records of the coach's day: contacts and appointments, each with its history of
//! corrections (who, when, why, old → new), whether a contact was withdrawn and where an
//! appointment stands (planned, cancelled, no-show).

use serde::Serialize;

use super::moment;
use crate::domain::amend::Amendment;
use crate::domain::contact::{Appointment, Contact};

/// One correction of a contact or change to an appointment.
#[derive(Debug, Serialize)]
pub struct AmendmentOut {
    pub at: String,
    pub by: String,
    /// `corrected`, `withdrawn`, `moved`, `cancelled` or `no_show`.
    pub kind: &'static str,
    pub reason: String,
    pub changes: Vec<FieldChangeOut>,
}

/// One field a correction changed, with its old and new value as shown (codes for coded fields).
#[derive(Debug, Serialize)]
pub struct FieldChangeOut {
    pub field: String,
    pub old: String,
    pub new: String,
}

impl From<&Amendment> for AmendmentOut {
    fn from(a: &Amendment) -> Self {
        AmendmentOut {
            at: moment(a.at),
            by: a.by.clone(),
            kind: a.kind.code(),
            reason: a.reason.clone(),
            changes: a
                .changes
                .iter()
                .map(|c| FieldChangeOut { field: c.field.clone(), old: c.old.clone(), new: c.new.clone() })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ContactOut {
    pub participant_id: String,
    pub at: chrono::NaiveDateTime,
    pub channel: &'static str,
    pub initiative: &'static str,
    pub minutes: u16,
    /// `made`, or how the attempt failed.
    pub reached: &'static str,
    pub life_areas: Vec<&'static str>,
    pub summary: String,
    pub coach: String,
    pub created_at: String,
    /// Taken back (recorded by mistake): kept, not counted.
    pub withdrawn: bool,
    pub history: Vec<AmendmentOut>,
}

impl From<&Contact> for ContactOut {
    fn from(c: &Contact) -> Self {
        ContactOut {
            participant_id: c.participant.to_string(),
            at: c.at,
            channel: c.channel.code(),
            initiative: c.initiative.code(),
            minutes: c.minutes,
            reached: c.reached.code(),
            life_areas: c.life_areas.iter().map(|a| a.code()).collect(),
            summary: c.summary.clone(),
            coach: c.coach.clone(),
            created_at: moment(c.created_at),
            withdrawn: c.withdrawn,
            history: c.history.iter().map(AmendmentOut::from).collect(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct AppointmentOut {
    pub participant_id: String,
    pub at: chrono::NaiveDateTime,
    pub place: String,
    pub note: String,
    pub coach: String,
    pub created_at: String,
    /// `planned`, `cancelled` or `no_show`.
    pub state: &'static str,
    pub history: Vec<AmendmentOut>,
}

impl From<&Appointment> for AppointmentOut {
    fn from(a: &Appointment) -> Self {
        AppointmentOut {
            participant_id: a.participant.to_string(),
            at: a.at,
            place: a.place.clone(),
            note: a.note.clone(),
            coach: a.coach.clone(),
            created_at: moment(a.created_at),
            state: a.state.code(),
            history: a.history.iter().map(AmendmentOut::from).collect(),
        }
    }
}
