//! The coach's day records held by the UI: contacts, appointments, signals, partner referrals and
//! trajectories. Loaded whole at start and after a save.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::ParticipantId;
use crate::domain::contact::{Appointment, Contact, days_since_contact};
use crate::domain::signal::{PartnerReferral, Signal};
use crate::domain::trajectory::Trajectory;
use crate::store::{Store, StoreError};

#[derive(Debug, Clone, Default)]
pub struct DayData {
    pub contacts: HashMap<ParticipantId, Vec<Contact>>,
    pub appointments: Vec<Appointment>,
    pub signals: HashMap<ParticipantId, Vec<Signal>>,
    pub referrals: HashMap<ParticipantId, Vec<PartnerReferral>>,
    pub trajectories: HashMap<ParticipantId, Trajectory>,
    /// Every goal, for the attention list.
    pub goals: Vec<crate::domain::goal::Goal>,
}

impl DayData {
    pub fn load(store: &Store) -> Result<DayData, StoreError> {
        let mut d = DayData::default();
        for c in store.contacts()? {
            d.contacts.entry(c.participant).or_default().push(c);
        }
        for list in d.contacts.values_mut() {
            list.sort_by_key(|c| std::cmp::Reverse(c.at));
        }
        d.appointments = store.appointments()?;
        d.appointments.sort_by_key(|a| a.at);
        for s in store.signals()? {
            d.signals.entry(s.participant).or_default().push(s);
        }
        for r in store.partner_referrals()? {
            d.referrals.entry(r.participant).or_default().push(r);
        }
        d.goals = store.all_goals()?;
        for t in store.trajectories()? {
            d.trajectories.insert(t.participant, t);
        }
        Ok(d)
    }

    /// Newest first.
    pub fn contacts_of(&self, p: ParticipantId) -> &[Contact] {
        self.contacts.get(&p).map_or(&[], Vec::as_slice)
    }

    pub fn signals_of(&self, p: ParticipantId) -> &[Signal] {
        self.signals.get(&p).map_or(&[], Vec::as_slice)
    }

    pub fn referrals_of(&self, p: ParticipantId) -> &[PartnerReferral] {
        self.referrals.get(&p).map_or(&[], Vec::as_slice)
    }

    pub fn days_since_contact(&self, p: ParticipantId, today: NaiveDate) -> Option<i64> {
        days_since_contact(self.contacts_of(p), today)
    }

    pub fn appointments_of(&self, p: ParticipantId) -> impl Iterator<Item = &Appointment> {
        self.appointments.iter().filter(move |a| a.participant == p)
    }
}
