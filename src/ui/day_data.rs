//! One participant's day records, loaded when the participant screen opens and after a save.

use chrono::NaiveDate;

use crate::domain::ParticipantId;
use crate::domain::contact::{Appointment, Contact, days_since_contact};
use crate::domain::signal::{PartnerReferral, Signal};
use crate::domain::trajectory::Trajectory;
use crate::store::{Store, StoreError};

#[derive(Debug, Clone, Default)]
pub struct DayRecords {
    /// Newest first.
    pub contacts: Vec<Contact>,
    /// In time order.
    pub appointments: Vec<Appointment>,
    pub signals: Vec<Signal>,
    pub referrals: Vec<PartnerReferral>,
    pub trajectory: Option<Trajectory>,
}

impl DayRecords {
    pub fn load(store: &Store, p: ParticipantId) -> Result<DayRecords, StoreError> {
        Ok(DayRecords {
            contacts: store.contacts_of(p)?,
            appointments: store.appointments_of(p)?,
            signals: store.signals_of(p)?,
            referrals: store.referrals_of(p)?,
            trajectory: store.trajectory(p)?,
        })
    }

    pub fn days_since_contact(&self, today: NaiveDate) -> Option<i64> {
        days_since_contact(&self.contacts, today)
    }
}
