//! The participant's rights in the store: the access log, consent, and erasure.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::StoreError;
use super::codec::{Kind, Record};
use super::registry::{self, Erase, Tree};
use super::repo::Store;
use crate::domain::ParticipantId;
use crate::domain::module::Attendance;
use crate::domain::privacy::{AccessAction, AccessEntry, Consent, ConsentScope, Erasure};

impl Record for AccessEntry {
    const KIND: Kind = Kind::AccessEntry;
    const SCHEMA: u16 = 1;
    fn owner(&self) -> Option<ParticipantId> {
        Some(self.participant)
    }
}

impl Record for Consent {
    const KIND: Kind = Kind::Consent;
    const SCHEMA: u16 = 1;
    fn owner(&self) -> Option<ParticipantId> {
        Some(self.participant)
    }
}

impl Record for Erasure {
    const KIND: Kind = Kind::Erasure;
    const SCHEMA: u16 = 1;
}

/// What an erasure removed, for the confirmation message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureReport {
    pub records: usize,
    /// Backup files that could not be reached to remove the person's key (moved, on a disk not
    /// attached): they still hold it until they are deleted.
    pub unreachable_backups: Vec<String>,
    /// Backups registered by a copy of this caseload in another directory: they belong to that
    /// caseload and were left as they are.
    pub other_caseload_backups: Vec<String>,
}

impl Store {
    /// Appends one entry to a participant's access log. Entries are only ever added: there is
    /// no way to change or remove one short of erasing the person.
    ///
    /// An entry that records a change is written with that change instead: see
    /// [`Store::with_access`] and [`super::Batch::access`].
    pub fn log_access(&self, entry: &AccessEntry) -> Result<(), StoreError> {
        let mut batch = self.batch();
        batch.access(entry)?;
        // Like a draft: on disk within a fraction of a second, or with the next save.
        batch.flush = false;
        self.commit(batch)
    }

    /// Logs one access entry per participant in one transaction, then flushes (an export or a
    /// list that names many people).
    pub fn log_access_many(&self, entries: &[AccessEntry]) -> Result<(), StoreError> {
        self.in_chunks(entries, |batch, e| batch.access(e))?;
        self.flush()
    }

    /// The storage key of an access-log entry: participant, time, and a sequence number from
    /// sled (two entries in the same nanosecond keep both).
    pub(super) fn access_key(&self, entry: &AccessEntry) -> Result<Vec<u8>, StoreError> {
        let mut key = Vec::with_capacity(32);
        key.extend_from_slice(entry.participant.as_bytes());
        let nanos = entry.at.timestamp_nanos_opt().unwrap_or(i64::MAX);
        key.extend_from_slice(&nanos.to_be_bytes());
        key.extend_from_slice(&self.db.generate_id()?.to_be_bytes());
        Ok(key)
    }

    /// A participant's access log, oldest first.
    pub fn access_log_of(&self, p: ParticipantId) -> Result<Vec<AccessEntry>, StoreError> {
        self.scan(&self.access_log, p.as_bytes())
    }

    pub fn access_log(&self) -> Result<Vec<AccessEntry>, StoreError> {
        self.scan(&self.access_log, &[])
    }

    /// Records consent for a scope (replacing an earlier record of that scope) and logs it.
    pub fn save_consent(&self, c: &Consent, at: DateTime<Utc>) -> Result<(), StoreError> {
        let key = Self::consent_key(c.participant, c.scope);
        let action =
            if c.is_active() { AccessAction::ConsentGiven(c.scope) } else { AccessAction::ConsentWithdrawn(c.scope) };
        let mut batch = self.batch();
        batch.put(key, c)?;
        batch.access(&AccessEntry { participant: c.participant, at, coach: c.coach.clone(), action })?;
        self.commit(batch)
    }

    pub fn consents_of(&self, p: ParticipantId) -> Result<Vec<Consent>, StoreError> {
        self.scan(&self.consents, p.as_bytes())
    }

    pub fn consents(&self) -> Result<Vec<Consent>, StoreError> {
        self.scan(&self.consents, &[])
    }

    /// The key of a person's consent for one scope: one record per scope.
    pub(super) fn consent_key(p: ParticipantId, scope: ConsentScope) -> Vec<u8> {
        let mut key = p.as_bytes().to_vec();
        key.push(scope as u8);
        key
    }

    /// The consent on record for one scope.
    pub fn consent(&self, p: ParticipantId, scope: ConsentScope) -> Result<Option<Consent>, StoreError> {
        let key = Self::consent_key(p, scope);
        self.consents.get(&key)?.map(|v| self.unseal(&v, &key)).transpose()
    }

    /// The anonymous traces of erasures, oldest first.
    pub fn erasures(&self) -> Result<Vec<Erasure>, StoreError> {
        self.scan(&self.erasures, &[])
    }

    /// Erases a person: every record about them goes from every tree and index, they are taken
    /// out of attendance lists, and their data key is destroyed. The remaining keys move to a
    /// new key epoch whose secret replaces the old one in place (see `crypto::epoch`), so no old
    /// copy of their key (sled's log keeps old values) can be opened, passphrase or not. Every
    /// backup of this caseload that meedoen can reach loses the person too. What remains is an
    /// anonymous "erased on DATE by COACH" entry.
    ///
    /// The erasure is recorded before it starts and finished at the next open if the program
    /// stops part-way (see [`Store::resume_erasures`]).
    pub fn erase(&self, p: ParticipantId, coach: &str, today: NaiveDate) -> Result<ErasureReport, StoreError> {
        let pending = PendingErasure { participant: p, key_id: self.keys.id_of(p)?, on: today, coach: coach.into() };
        self.put_one(pending_key(p), &pending)?;
        self.finish_erasure(&pending, None)
    }

    /// Erases a person because another replica of the team erased them: as [`Store::erase`],
    /// without a trace of its own (the erasing replica's trace comes with the sync).
    /// The removals are logged under the erasing replica's device (`by`), so they are not sent
    /// back to the server as this replica's own.
    pub(super) fn erase_from_team(&self, p: ParticipantId, by: [u8; 16]) -> Result<ErasureReport, StoreError> {
        let today = chrono::NaiveDate::default();
        let pending = PendingErasure { participant: p, key_id: self.keys.id_of(p)?, on: today, coach: String::new() };
        self.put_one(pending_key(p), &pending)?;
        self.finish_erasure(&pending, Some(by))
    }

    /// Finishes erasures that a stop interrupted (called on open).
    pub(super) fn resume_erasures(&self) -> Result<(), StoreError> {
        let pending: Vec<PendingErasure> = self.scan(&self.meta, PENDING_PREFIX)?;
        for p in pending {
            self.finish_erasure(&p, None)?;
        }
        Ok(())
    }

    /// The steps of an erasure, each of which may be repeated.
    fn finish_erasure(&self, pending: &PendingErasure, by: Option<[u8; 16]>) -> Result<ErasureReport, StoreError> {
        let p = pending.participant;
        let records = self.remove_records_of(p, by)?;
        self.flush()?;
        if self.keys.forget(p)?.is_some() {
            self.new_epoch()?;
        }
        let trace = Erasure { on: pending.on, coach: pending.coach.clone() };
        let backups = match pending.key_id {
            Some(key_id) => self.shred_backups(p, key_id, &trace)?,
            None => super::shred::Shredded::default(),
        };
        let mut batch = self.batch();
        // An erasure that came from the team (no coach of this replica) leaves no trace here.
        if !pending.coach.is_empty() {
            batch.put(next_trace_key(&self.erasures, self.device_id()?)?, &trace)?;
        }
        batch.delete(Kind::PendingErasure, pending_key(p), None);
        self.commit(batch)?;
        Ok(ErasureReport {
            records,
            unreachable_backups: backups.unreachable,
            other_caseload_backups: backups.other_caseload,
        })
    }

    /// Removes every record of `p` from every tree and index in one commit, each removal logged
    /// as a tombstone that names only ids; how many records there were. Which trees hold what
    /// of a person comes from the registry of kinds.
    fn remove_records_of(&self, p: ParticipantId, by: Option<[u8; 16]>) -> Result<usize, StoreError> {
        let id = p.as_bytes();
        let mut batch = self.batch();
        batch.erasure = true;
        batch.on_behalf_of = by;
        let mut removed = 0;
        for info in registry::kinds() {
            let tree = self.tree(info.tree);
            let mut gone: Vec<sled::IVec> = Vec::new();
            match info.erase {
                Erase::PrefixedByOwner => gone = tree.scan_prefix(id).keys().collect::<Result<_, _>>()?,
                Erase::KeyedByOwner => {
                    if tree.contains_key(id)? {
                        gone.push(id.as_slice().into());
                    }
                }
                Erase::SealedUnderOwner => {
                    for item in tree.iter() {
                        let (k, v) = item?;
                        if super::codec::header(&v)?.kind == info.kind && self.owned_by(&v, p)? {
                            gone.push(k);
                        }
                    }
                }
                Erase::MarksOf => self.remove_marks(&mut batch, |who| Ok(who == p))?,
                Erase::NotPersonal | Erase::KeyMaterial => {}
            }
            if info.kind != Kind::Draft {
                removed += gone.len();
            }
            for k in gone {
                batch.delete(info.kind, k.to_vec(), Some(p));
            }
        }
        // Index entries that point at the person (the number index, the appointment days).
        for t in Tree::ALL.into_iter().filter(|t| t.is_raw()) {
            for item in self.tree(t).iter() {
                let (k, v) = item?;
                if t.index_owner(&k, &v) == Some(id.as_slice()) {
                    batch.index_remove(t, k.to_vec());
                }
            }
        }
        self.commit(batch)?;
        Ok(removed)
    }

    /// Puts into `batch` every record holding marks of many people (attendance) rewritten
    /// without the marks of those `gone` says.
    pub(super) fn remove_marks(
        &self,
        batch: &mut super::Batch<'_>,
        gone: impl Fn(ParticipantId) -> Result<bool, StoreError>,
    ) -> Result<(), StoreError> {
        for item in self.attendance.iter() {
            let (k, v) = item?;
            let mut a: Attendance = self.unseal(&v, &k)?;
            let before = a.marks.len();
            let mut kept = Vec::with_capacity(before);
            for mark in a.marks {
                if !gone(mark.0)? {
                    kept.push(mark);
                }
            }
            a.marks = kept;
            if a.marks.len() != before {
                batch.put(k.to_vec(), &a)?;
            }
        }
        Ok(())
    }

    /// Whether a stored record is sealed under `p`'s key (known by its key id, so a record whose
    /// key is already destroyed is told too).
    fn owned_by(&self, v: &[u8], p: ParticipantId) -> Result<bool, StoreError> {
        let h = super::codec::header(v)?;
        Ok(match self.keys.id_of(p)? {
            Some(id) => h.key_id == id,
            // The key is gone already (a resumed erasure): whatever no key opens any more.
            None => h.key_id >= super::crypto::FIRST_PARTICIPANT_KEY && !self.keys.has_key(h.key_id)?,
        })
    }
}

/// The key of a new erasure trace after the newest in `tree`: one more than its number, then
/// the id of the device that erased. Each replica of a team numbers its traces on its own, so
/// two that erase before they sync would otherwise write two traces under one key, and the sync
/// would keep only one of them. (Traces written before have the number alone.)
pub(super) fn next_trace_key(tree: &sled::Tree, device: [u8; 16]) -> Result<Vec<u8>, StoreError> {
    let next = match tree.last()? {
        Some((k, _)) => trace_number(&k).saturating_add(1),
        None => 0,
    };
    Ok(trace_key(next, device))
}

/// An erasure trace's key: its number (big-endian, so keys sort in number order), then the
/// erasing device.
pub(super) fn trace_key(number: u64, device: [u8; 16]) -> Vec<u8> {
    [number.to_be_bytes().as_slice(), &device].concat()
}

/// The number at the start of an erasure trace's key.
pub(super) fn trace_number(key: &[u8]) -> u64 {
    key.first_chunk::<8>().map_or(0, |n| u64::from_be_bytes(*n))
}

pub(super) const PENDING_PREFIX: &[u8] = b"erasing/";

/// Whether a `meta` key marks an erasure in progress.
pub(super) fn is_pending_key(k: &[u8]) -> bool {
    k.starts_with(PENDING_PREFIX)
}

fn pending_key(p: ParticipantId) -> Vec<u8> {
    let mut k = PENDING_PREFIX.to_vec();
    k.extend_from_slice(p.as_bytes());
    k
}

/// An erasure that has been asked for and is not finished yet (kept in `meta` until it is).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingErasure {
    pub participant: ParticipantId,
    /// The person's key id, so the backups can be cleaned after the key is gone.
    pub key_id: Option<u32>,
    pub on: NaiveDate,
    pub coach: String,
}

impl Record for PendingErasure {
    const KIND: Kind = Kind::PendingErasure;
    const SCHEMA: u16 = 1;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Participant;
    use crate::domain::contact::{Channel, Contact, Initiative, Reached, RecordId};
    use crate::domain::privacy::FieldChange;

    fn contact(p: ParticipantId, at: DateTime<Utc>) -> Contact {
        Contact {
            id: RecordId::new_random(),
            participant: p,
            at: at.naive_utc(),
            channel: Channel::Phone,
            initiative: Initiative::Coach,
            minutes: 30,
            reached: Reached::Made,
            life_areas: Vec::new(),
            summary: "Gesprek over de schulden".into(),
            coach: "Sanne".into(),
            created_at: at,
            withdrawn: false,
            history: Vec::new(),
        }
    }

    #[test]
    fn erasure_leaves_nothing_of_the_person_and_their_old_records_cannot_be_read() {
        let store = Store::temporary().unwrap();
        let now = Utc::now();
        let today = now.date_naive();
        let mut a = Participant::new(ParticipantId::new_random(), 0, now);
        a.family_name = "Öztürk".into();
        let mut b = Participant::new(ParticipantId::new_random(), 0, now);
        b.family_name = "Jansen".into();
        let saved = store.add_participants(vec![a.clone(), b.clone()]).unwrap();
        store.save_contact(&contact(a.id, now)).unwrap();
        store.save_contact(&contact(b.id, now)).unwrap();
        store
            .save_consent(
                &Consent {
                    participant: a.id,
                    scope: ConsentScope::HealthData,
                    given_on: today,
                    withdrawn_on: None,
                    coach: "Sanne".into(),
                },
                now,
            )
            .unwrap();
        store
            .log_access(&AccessEntry {
                participant: a.id,
                at: now,
                coach: "Sanne".into(),
                action: AccessAction::Changed(vec![FieldChange {
                    field: "phone".into(),
                    old: String::new(),
                    new: "06".into(),
                }]),
            })
            .unwrap();
        let old_contact = store.contacts.scan_prefix(a.id.as_bytes()).next().unwrap().unwrap();
        assert_eq!(store.access_log_of(a.id).unwrap().len(), 2);

        let report = store.erase(a.id, "Sanne", today).unwrap();
        assert!(report.records >= 4, "{report:?}");
        // No key in any tree mentions the person; their number is free of them.
        for name in store.db.tree_names() {
            let tree = store.db.open_tree(&name).unwrap();
            for k in tree.iter().keys() {
                let k = k.unwrap();
                assert!(!k.windows(16).any(|w| w == a.id.as_bytes()), "left in {}", String::from_utf8_lossy(&name));
            }
        }
        assert!(matches!(store.participant_by_number(saved[0].number), Err(StoreError::NoSuchNumber(_))));
        // A copy of their record taken before (a backup, sled's log) no longer opens.
        assert!(matches!(store.unseal::<Contact>(&old_contact.1, &old_contact.0), Err(StoreError::Erased)));
        // The other person is untouched; the trace is anonymous.
        assert_eq!(store.participants().unwrap().len(), 1);
        assert_eq!(store.contacts_of(b.id).unwrap().len(), 1);
        assert_eq!(store.erasures().unwrap(), vec![Erasure { on: today, coach: "Sanne".into() }]);
        assert!(store.check_indexes().unwrap().is_empty());
    }

    #[test]
    fn an_erasure_stopped_part_way_is_finished_at_the_next_open_backups_included() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("c");
        let pass = "test passphrase";
        let store = Store::create(&dir, pass, crate::store::crypto::KdfParams::LIGHT_FOR_TESTS).unwrap();
        let now = Utc::now();
        let people: Vec<Participant> = (0..3).map(|_| Participant::new(ParticipantId::new_random(), 0, now)).collect();
        let saved = store.add_participants(people).unwrap();
        let a = saved[0].id;
        for p in &saved {
            store.save_contact(&contact(p.id, now)).unwrap();
        }
        let file = tmp.path().join("handmatig.backup");
        store.write_backup(&file).unwrap();
        // Stopped after the mark and the records, before the key, the backups and the trace.
        let pending = PendingErasure {
            participant: a,
            key_id: store.keys.id_of(a).unwrap(),
            on: now.date_naive(),
            coach: "Sanne".into(),
        };
        store.put_one(pending_key(a), &pending).unwrap();
        store.remove_records_of(a, None).unwrap();
        store.flush().unwrap();
        drop(store);

        let store = Store::open(&dir, pass).unwrap();
        assert_eq!(store.keys.id_of(a).unwrap(), None, "the key is destroyed");
        assert_eq!(store.erasures().unwrap().len(), 1, "the trace is written");
        assert!(store.meta.scan_prefix(PENDING_PREFIX).next().is_none(), "nothing left to resume");
        assert_eq!(store.participants().unwrap().len(), 2);
        assert_eq!(store.check().unwrap(), Vec::<String>::new());
        drop(store);
        // The registered backup lost the person too.
        let backup = crate::store::Backup::read(&file).unwrap();
        let restored = tmp.path().join("r");
        let done = Store::restore(&backup, &backup.unlock(pass).unwrap(), &restored).unwrap();
        assert_eq!(done.skipped, 0);
        let store = Store::open(&restored, pass).unwrap();
        assert!(store.participant(a).unwrap().is_none());
        assert_eq!(store.participants().unwrap().len(), 2);
        assert_eq!(store.erasures().unwrap().len(), 1);
    }
}
