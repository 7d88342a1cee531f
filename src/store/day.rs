//! The coach's day in the store: contacts, appointments, signals, partner referrals and
//! trajectories, with two indexes kept in the same transaction as their records, so the start
//! screen never has to read every contact or appointment:
//! - `ix_last_contact`: per participant the last contact made and the last attempt;
//! - `ix_appointment_date`: appointments by day.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::StoreError;
use super::records::ContactSummary;
use super::registry::Tree;
use super::repo::{Store, child_key};
use crate::domain::ParticipantId;
use crate::domain::contact::{Appointment, Contact};
use crate::domain::signal::{PartnerReferral, Signal};
use crate::domain::trajectory::Trajectory;

pub(super) fn date_key(date: NaiveDate, participant: ParticipantId, id: &[u8; 16]) -> [u8; 36] {
    let mut k = [0; 36];
    k[..4].copy_from_slice(&date.num_days_from_ce().to_be_bytes());
    k[4..20].copy_from_slice(participant.as_bytes());
    k[20..].copy_from_slice(id);
    k
}

/// Takes `c` into its participant's summary (a withdrawn contact does not count).
pub(super) fn summarise(summary: &mut ContactSummary, c: &Contact) {
    if !c.counts() {
        return;
    }
    let day = c.at.date();
    if summary.last_any.is_none_or(|d| d < day) {
        summary.last_any = Some(day);
    }
    if c.made() && summary.last_made.is_none_or(|d| d < day) {
        summary.last_made = Some(day);
    }
}

impl Store {
    /// Saves a contact and its participant's summary in one transaction, then flushes. A
    /// contact saved before (corrected or withdrawn) has the summary computed again from all of
    /// the participant's contacts, as its old date may have been the last.
    pub fn save_contact(&self, c: &Contact) -> Result<(), StoreError> {
        let pid = *c.participant.as_bytes();
        let key = child_key(&pid, c.id.0.as_bytes());
        let summary = if self.contacts.contains_key(key)? {
            let mut summary = ContactSummary::default();
            for other in self.contacts_of(c.participant)?.iter().filter(|o| o.id != c.id) {
                summarise(&mut summary, other);
            }
            summarise(&mut summary, c);
            summary
        } else {
            let mut summary = self.contact_summary(c.participant)?;
            summarise(&mut summary, c);
            summary
        };
        let mut batch = self.batch();
        batch.put(key.to_vec(), c)?;
        batch.index_put(Tree::IxLastContact, pid.to_vec(), self.seal(&summary, &pid)?);
        self.commit(batch)
    }

    /// One participant's contacts, newest first.
    pub fn contacts_of(&self, p: ParticipantId) -> Result<Vec<Contact>, StoreError> {
        let mut out: Vec<Contact> = self.scan(&self.contacts, p.as_bytes())?;
        out.sort_by_key(|c| std::cmp::Reverse(c.at));
        Ok(out)
    }

    pub fn contacts(&self) -> Result<Vec<Contact>, StoreError> {
        self.scan(&self.contacts, &[])
    }

    /// The last contact made and the last attempt of one participant.
    pub fn contact_summary(&self, p: ParticipantId) -> Result<ContactSummary, StoreError> {
        Ok(self
            .ix_last_contact
            .get(p.as_bytes())?
            .map(|v| self.unseal(&v, p.as_bytes()))
            .transpose()?
            .unwrap_or_default())
    }

    /// Every participant's contact summary (for lists).
    pub fn contact_summaries(&self) -> Result<HashMap<ParticipantId, ContactSummary>, StoreError> {
        let mut out = HashMap::new();
        for item in self.ix_last_contact.iter() {
            let (k, v) = item?;
            let id: [u8; 16] = k
                .as_ref()
                .try_into()
                .map_err(|_| StoreError::Corrupt { kind: "contact index", reason: "bad key".into() })?;
            out.insert(ParticipantId::from_bytes(id), self.unseal(&v, &k)?);
        }
        Ok(out)
    }

    /// Saves an appointment and its day index entry in one transaction, then flushes.
    pub fn save_appointment(&self, a: &Appointment) -> Result<(), StoreError> {
        let key = child_key(a.participant.as_bytes(), a.id.0.as_bytes());
        let mut batch = self.batch();
        // A moved appointment leaves its old day.
        if let Some(old) = self.appointments.get(key)? {
            let old: Appointment = self.unseal(&old, &key)?;
            if old.at.date() != a.at.date() {
                batch.index_remove(
                    Tree::IxAppointmentDate,
                    date_key(old.at.date(), a.participant, a.id.0.as_bytes()).to_vec(),
                );
            }
        }
        batch.put(key.to_vec(), a)?;
        batch.index_put(
            Tree::IxAppointmentDate,
            date_key(a.at.date(), a.participant, a.id.0.as_bytes()).to_vec(),
            Vec::new(),
        );
        self.commit(batch)
    }

    pub fn appointments(&self) -> Result<Vec<Appointment>, StoreError> {
        self.scan(&self.appointments, &[])
    }

    /// One participant's appointments, in time order.
    pub fn appointments_of(&self, p: ParticipantId) -> Result<Vec<Appointment>, StoreError> {
        let mut out: Vec<Appointment> = self.scan(&self.appointments, p.as_bytes())?;
        out.sort_by_key(|a| a.at);
        Ok(out)
    }

    /// Every appointment on `date`, in time order, through the day index.
    pub fn appointments_on(&self, date: NaiveDate) -> Result<Vec<Appointment>, StoreError> {
        self.indexed_appointments(self.ix_appointment_date.scan_prefix(date.num_days_from_ce().to_be_bytes()))
    }

    /// Every appointment from `from` up to (not including) `to`, in time order, through the day
    /// index (the week agenda reads one week this way).
    pub fn appointments_between(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Appointment>, StoreError> {
        let range = from.num_days_from_ce().to_be_bytes()..to.num_days_from_ce().to_be_bytes();
        self.indexed_appointments(self.ix_appointment_date.range(range))
    }

    /// The appointments the day-index entries `entries` point at, in time order.
    fn indexed_appointments(
        &self,
        entries: impl Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>,
    ) -> Result<Vec<Appointment>, StoreError> {
        let mut out = Vec::new();
        for item in entries {
            let (k, _) = item?;
            if k.len() != 36 {
                continue;
            }
            if let Some(v) = self.appointments.get(&k[4..])? {
                out.push(self.unseal::<Appointment>(&v, &k[4..])?);
            }
        }
        out.sort_by_key(|a| a.at);
        Ok(out)
    }

    pub fn save_signal(&self, s: &Signal) -> Result<(), StoreError> {
        self.put_one(child_key(s.participant.as_bytes(), s.id.0.as_bytes()), s)
    }

    pub fn signals(&self) -> Result<Vec<Signal>, StoreError> {
        self.scan(&self.signals, &[])
    }

    pub fn signals_of(&self, p: ParticipantId) -> Result<Vec<Signal>, StoreError> {
        self.scan(&self.signals, p.as_bytes())
    }

    pub fn save_partner_referral(&self, r: &PartnerReferral) -> Result<(), StoreError> {
        self.put_one(child_key(r.participant.as_bytes(), r.id.0.as_bytes()), r)
    }

    pub fn partner_referrals(&self) -> Result<Vec<PartnerReferral>, StoreError> {
        self.scan(&self.referrals, &[])
    }

    pub fn referrals_of(&self, p: ParticipantId) -> Result<Vec<PartnerReferral>, StoreError> {
        self.scan(&self.referrals, p.as_bytes())
    }

    /// Many day records at once (demo data), indexes included, then a flush.
    pub fn add_day_records(
        &self,
        contacts: &[Contact],
        appointments: &[Appointment],
        signals: &[Signal],
        referrals: &[PartnerReferral],
        trajectories: &[Trajectory],
    ) -> Result<(), StoreError> {
        self.put_records(contacts, |c| child_key(c.participant.as_bytes(), c.id.0.as_bytes()).to_vec())?;
        let mut summaries: HashMap<ParticipantId, ContactSummary> = HashMap::new();
        for c in contacts {
            summarise(summaries.entry(c.participant).or_default(), c);
        }
        self.in_chunks(&summaries, |batch, (p, s)| {
            batch.index_put(Tree::IxLastContact, p.as_bytes().to_vec(), self.seal(s, p.as_bytes())?);
            Ok(())
        })?;
        self.in_chunks(appointments, |batch, a| {
            batch.put(child_key(a.participant.as_bytes(), a.id.0.as_bytes()).to_vec(), a)?;
            batch.index_put(
                Tree::IxAppointmentDate,
                date_key(a.at.date(), a.participant, a.id.0.as_bytes()).to_vec(),
                Vec::new(),
            );
            Ok(())
        })?;
        self.put_records(signals, |s| child_key(s.participant.as_bytes(), s.id.0.as_bytes()).to_vec())?;
        self.put_records(referrals, |r| child_key(r.participant.as_bytes(), r.id.0.as_bytes()).to_vec())?;
        self.add_trajectories(trajectories)?;
        self.flush()
    }
}
