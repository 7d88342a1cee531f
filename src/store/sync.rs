//! The store's side of team sync: what this replica sends (read from the change log, or every
//! record at a team's first upload) and how what comes from the team's server is taken in.
//!
//! - **Outgoing**: the change log's entries of this device after the last one the server has
//!   taken (`TeamLink::pushed`), one [`Item`] per record (its newest entry), carrying the record
//!   exactly as stored: the sealed envelope, under the participant's key or the master key
//!   (which every replica of the team shares). The participants' data keys go along as
//!   [`KEY_ITEM`]s, wrapped under the master key alone.
//! - **Incoming**: keys first (wrapped again under this store's key epoch), then the records,
//!   stored as they came through the one write path ([`super::changelog::Value::Remote`]): the
//!   change log gets an entry with the writer's device, revision and clock time, and this
//!   device's clock moves past it. The indexes are kept as a local save keeps them. A record
//!   this device changed since the version the server held (its base) is merged with the
//!   incoming version field by field (`store::merge`), and the merge goes up at the next push.
//!   This device's own versions that come back become their records' bases. An erasure removes the
//!   person and destroys their key, as a local erasure does. A claim of a participant number
//!   block is never merged: the server's version (the first claim pushed) replaces this
//!   device's claim of the same block (see `store::numbers`).
//! - What is shared: every logged kind but the settings (this device's coach, lock time and so
//!   on), and the old attendance lists (split into marks at the first open).

use std::collections::{HashMap, HashSet};

use super::StoreError;
use super::changelog::{ChangePage, Remote};
use super::codec::{self, Kind};
use super::hlc::Hlc;
use super::records::ContactSummary;
pub use super::records::TeamLink;
use super::registry::{self, Tree};
use super::repo::Store;
use crate::domain::Participant;
use crate::domain::ParticipantId;
use crate::domain::contact::{Appointment, Contact};
use crate::protocol::{Item, KEY_ITEM};

/// Where the team link is kept in `meta`.
const META_TEAM: &[u8] = b"team";

/// What taking in one pull did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    pub records: usize,
    pub keys: usize,
    pub erased: usize,
    /// Versions not taken because this device changed the record since, later.
    pub kept_local: usize,
    /// What could not be taken, in plain words (kept out; the rest went in).
    pub problems: Vec<String>,
    /// The items that could not be taken: kept (see [`TeamLink::parked`]) and tried again at
    /// every sync, never dropped, never holding up the ones behind them.
    pub parked: Vec<(i64, Item)>,
}

/// Whether records of `kind` are shared with the team.
pub fn synced(kind: Kind) -> bool {
    registry::info(kind).is_some_and(|i| i.logged) && !matches!(kind, Kind::Settings | Kind::Attendance)
}

impl Store {
    /// This replica's team link, if it joined a team.
    pub fn team(&self) -> Result<Option<TeamLink>, StoreError> {
        self.meta.get(META_TEAM)?.map(|v| self.unseal(&v, META_TEAM)).transpose()
    }

    /// Saves the team link (and how far sync got).
    pub fn set_team(&self, link: &TeamLink) -> Result<(), StoreError> {
        self.put_one(META_TEAM, link)
    }

    /// The master key's bytes, for an invite's sealed payload (the team's replicas share it).
    pub fn master_secret(&self) -> zeroize::Zeroizing<[u8; 32]> {
        zeroize::Zeroizing::new(*self.keys.master().bytes())
    }

    /// The next sequence number this device's change log will hand out.
    pub fn log_end(&self) -> Result<u64, StoreError> {
        Ok(self.writer.lock().map_err(|_| super::changelog::poisoned())?.next_seq)
    }

    /// This device's changes from sequence number `from` on, one item per record (its newest
    /// version), at most `max` log entries read; the data keys of the people they are about
    /// first. Returns the items and the sequence number to go on from.
    pub fn outgoing(&self, from: u64, max: usize) -> Result<(Vec<Item>, u64), StoreError> {
        self.outgoing_with(from, max, false)
    }

    /// [`Store::outgoing`] for a server that went back (restored from a backup): with the
    /// erasures this replica took in from colleagues, sent again as this device's, so that the
    /// erasure is not undone when the computer that made it never syncs again.
    pub fn outgoing_again(&self, from: u64, max: usize) -> Result<(Vec<Item>, u64), StoreError> {
        self.outgoing_with(from, max, true)
    }

    fn outgoing_with(&self, from: u64, max: usize, erasures_of_others: bool) -> Result<(Vec<Item>, u64), StoreError> {
        let me = self.device_id()?;
        let (newest, born, next) = self.own_changes(from, max, erasures_of_others)?;
        let mut items = Vec::with_capacity(newest.len());
        for (kind, key, c) in newest {
            let envelope = if c.tombstone {
                Vec::new()
            } else {
                match self.tree(registry::tree_of(kind)?).get(&key)? {
                    Some(v) => v.to_vec(),
                    // Deleted since by a change of another device: nothing of this device's to send.
                    None => continue,
                }
            };
            items.push(Item {
                kind: kind as u8,
                key,
                participant: c.participant.map(|p| *p.as_bytes()),
                revision: c.revision,
                hlc: c.hlc.to_bytes(),
                // (A colleague's erasure sent again goes as this device's: a push speaks for
                // the device that sends it.)
                device: me,
                tombstone: c.tombstone,
                erased: c.erased,
                envelope,
            });
        }
        // A person's key goes up with their first record (keys never change; a person made
        // elsewhere came with their key from the server). Not only when that first version is
        // the one sent: a person added and edited before the next sync goes up as the edit.
        let mut out = self.key_items(born, me)?;
        out.extend(items);
        Ok((out, next))
    }

    /// This device's change-log entries of shared kinds from sequence number `from` on (at most
    /// `max` entries read), the newest per record in order of first change; the people made in
    /// them; and the sequence number to go on from. Reads the log only (no record, no key).
    #[allow(clippy::type_complexity)]
    fn own_changes(
        &self,
        from: u64,
        max: usize,
        erasures_of_others: bool,
    ) -> Result<(Vec<(Kind, Vec<u8>, super::changelog::Change)>, Vec<ParticipantId>, u64), StoreError> {
        let me = self.device_id()?;
        let mut newest: Vec<(Kind, Vec<u8>, super::changelog::Change)> = Vec::new();
        let mut at: HashMap<(u8, Vec<u8>), usize> = HashMap::new();
        let mut next = from;
        // The people this device made in these entries: their keys go up with them, whatever
        // later entry of their record is the one sent.
        let mut born: Vec<ParticipantId> = Vec::new();
        let start = self.changes.range(..=from.to_be_bytes()).next_back().transpose()?.map(|(k, _)| k);
        let pages = match start {
            Some(k) => self.changes.range(k..),
            None => self.changes.range(from.to_be_bytes()..),
        };
        'pages: for kv in pages {
            let (k, v) = kv?;
            let first = k.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0);
            let page: ChangePage = self.unseal(&v, &k)?;
            for (i, change) in page.entries.into_iter().enumerate() {
                let seq = first + i as u64;
                if seq < from {
                    continue;
                }
                if seq >= from + max as u64 {
                    break 'pages;
                }
                next = seq + 1;
                let Some(kind) = Kind::from_u8(change.kind) else { continue };
                if (change.device != me && !(erasures_of_others && change.erased)) || !synced(kind) {
                    continue;
                }
                if kind == Kind::Participant && change.revision == 1 && !change.tombstone {
                    born.extend(change.participant);
                }
                let id = (change.kind, change.record.clone());
                match at.get(&id) {
                    Some(&i) => newest[i] = (kind, change.record.clone(), change),
                    None => {
                        at.insert(id, newest.len());
                        newest.push((kind, change.record.clone(), change));
                    }
                }
            }
        }
        Ok((newest, born, next))
    }

    /// How many records this device changed that the server has not taken yet (changes after
    /// sequence number `pushed`).
    pub fn waiting(&self, pushed: u64) -> Result<usize, StoreError> {
        let mut n = 0;
        for (kind, key, c) in self.own_changes(pushed, usize::MAX / 2, false)?.0 {
            // As `outgoing` counts them: a record deleted since by another device goes not.
            if c.tombstone || self.tree(registry::tree_of(kind)?).contains_key(&key)? {
                n += 1;
            }
        }
        Ok(n)
    }

    /// The data keys of `people` as items (each once; none for a person without a key).
    fn key_items(&self, people: Vec<ParticipantId>, me: [u8; 16]) -> Result<Vec<Item>, StoreError> {
        let mut seen = HashSet::new();
        let hlc = self.writer.lock().map_err(|_| super::changelog::poisoned())?.hlc;
        let mut out = Vec::new();
        for p in people {
            if !seen.insert(p) {
                continue;
            }
            let Some((id, wrapped)) = self.keys.export_for_team(p)? else { continue };
            let mut envelope = id.to_be_bytes().to_vec();
            envelope.extend_from_slice(&wrapped);
            out.push(Item {
                kind: KEY_ITEM,
                key: p.as_bytes().to_vec(),
                participant: Some(*p.as_bytes()),
                revision: 1,
                hlc: hlc.to_bytes(),
                device: me,
                tombstone: false,
                erased: false,
                envelope,
            });
        }
        Ok(out)
    }

    /// Every shared record of this caseload as items, keys first (a team's first coach uploads
    /// the caseload whole: records from before the change log have no entry in it).
    pub fn everything_outgoing(&self) -> Result<Vec<Item>, StoreError> {
        let me = self.device_id()?;
        let hlc = {
            let mut w = self.writer.lock().map_err(|_| super::changelog::poisoned())?;
            w.hlc = w.hlc.tick((w.clock)());
            w.hlc
        };
        let mut items = Vec::new();
        let mut people = Vec::new();
        for info in registry::kinds().iter().filter(|i| synced(i.kind)) {
            let prefix: &[u8] = if info.tree == Tree::Meta { b"numbers/" } else { b"" };
            for kv in self.tree(info.tree).scan_prefix(prefix) {
                let (k, v) = kv?;
                if codec::header(&v)?.kind != info.kind {
                    continue;
                }
                let owner = self.owner_of(&v)?;
                if let Some(p) = owner {
                    people.push(p);
                }
                let revision = self
                    .change_heads
                    .get(self.head_key(info.kind, &k))?
                    .and_then(|h| super::changelog::decode_head(&h))
                    .unwrap_or(1);
                items.push(Item {
                    kind: info.kind as u8,
                    key: k.to_vec(),
                    participant: owner.map(|p| *p.as_bytes()),
                    revision,
                    hlc: hlc.to_bytes(),
                    device: me,
                    tombstone: false,
                    erased: false,
                    envelope: v.to_vec(),
                });
            }
        }
        let mut out = self.key_items(people, me)?;
        out.extend(items);
        Ok(out)
    }

    /// The participant a sealed value is about (whose key seals it), if any.
    fn owner_of(&self, v: &[u8]) -> Result<Option<ParticipantId>, StoreError> {
        let h = codec::header(v)?;
        self.keys.participant_of(h.key_id)
    }

    /// Takes in what a pull brought (see the module's text). Items this device wrote are
    /// skipped: its own store has them already.
    pub fn apply_incoming(&self, items: &[(i64, Item)]) -> Result<Applied, StoreError> {
        let me = self.device_id()?;
        let mut applied = Applied::default();
        // Keys first: the records that follow are sealed under them.
        let mut new_keys = Vec::new();
        let mut erase = Vec::new();
        for (seq, item) in items.iter().filter(|(_, i)| i.kind == KEY_ITEM && i.device != me) {
            let mut park = |why: String| {
                applied.problems.push(why);
                applied.parked.push((*seq, item.clone()));
            };
            let Some(p) = participant_of(item) else {
                park("a key without its person".into());
                continue;
            };
            if item.tombstone || item.erased {
                erase.push((p, item.device));
                continue;
            }
            let Some((id, wrapped)) = item.envelope.split_first_chunk::<4>() else {
                park("a key too short to read".into());
                continue;
            };
            match self.keys.import_from_team(u32::from_be_bytes(*id), p, wrapped) {
                Ok(Some(w)) => new_keys.push((u32::from_be_bytes(*id), Some(w))),
                Ok(None) => {}
                Err(e) => park(e.to_string()),
            }
        }
        applied.keys = new_keys.len();
        if !new_keys.is_empty() {
            self.put_keys(new_keys)?;
        }
        let mut batch = self.batch();
        // This device's own versions the server holds are their records' bases, also when the
        // answer to their push never arrived (a sync killed after the server took it).
        for (_, item) in items.iter().filter(|(_, i)| i.kind != KEY_ITEM && i.device == me && !i.erased) {
            let Some(kind) = Kind::from_u8(item.kind).filter(|k| synced(*k)) else { continue };
            let erased_here = participant_of(item).is_some_and(|p| matches!(self.keys.id_of(p), Ok(None)));
            if !erased_here {
                self.put_base(&mut batch, kind, item);
            }
        }
        let mut contacts_of = HashSet::new();
        let mut tag = Vec::new();
        for (seq, item) in items.iter().filter(|(_, i)| i.kind != KEY_ITEM && i.device != me) {
            let Some(kind) = Kind::from_u8(item.kind).filter(|k| synced(*k)) else {
                // A kind a newer meedoen writes: kept until this one is updated.
                applied.problems.push(format!("a record of a kind this version does not know ({})", item.kind));
                applied.parked.push((*seq, item.clone()));
                continue;
            };
            let Some(hlc) = Hlc::from_bytes(&item.hlc) else { continue };
            if item.erased {
                if let Some(p) = participant_of(item) {
                    erase.push((p, item.device));
                }
                continue;
            }
            let owner = participant_of(item);
            // Changed here since the version the server held: merged with this one.
            let local = self.tree(registry::tree_of(kind)?).get(&item.key)?;
            let base = self.base_of(kind, &item.key)?;
            if kind == Kind::NumberBlock {
                // A claim of a number block is never merged and never a conflict: the server's
                // (the first pushed) is the claim. This device's claim of the same block, if
                // it made one, lost; it handed out nothing from it (see `store::numbers`).
                self.put_base(&mut batch, kind, item);
            } else if Self::changed_here(local.as_deref(), base.as_ref()) {
                let merged = self.merge_incoming(&mut batch, kind, item, hlc, local.as_deref(), base.as_ref());
                match merged {
                    Ok(super::merge::Merge::Local(data)) => {
                        applied.kept_local += 1;
                        match self.index_for_data(kind, &item.key, &data, &mut batch) {
                            Ok(Touched::Contact(p)) => {
                                contacts_of.insert(p);
                            }
                            Ok(Touched::Participant(p)) => tag.push(p),
                            Ok(Touched::Nothing) => {}
                            Err(e) => applied.problems.push(format!("{}: {e}", kind.name())),
                        }
                        continue;
                    }
                    Ok(super::merge::Merge::TakeIncoming) => {}
                    Err(e) => {
                        applied.problems.push(format!("{}: {e}", kind.name()));
                        applied.parked.push((*seq, item.clone()));
                        continue;
                    }
                }
            } else {
                self.put_base(&mut batch, kind, item);
            }
            if !item.tombstone {
                match self.index_for(kind, &item.key, &item.envelope, &mut batch) {
                    Ok(Touched::Contact(p)) => {
                        contacts_of.insert(p);
                    }
                    Ok(Touched::Participant(p)) => tag.push(p),
                    Ok(Touched::Nothing) => {}
                    Err(e) => {
                        let keyless = owner.is_some_and(|p| matches!(self.keys.id_of(p), Ok(None)));
                        applied.problems.push(if keyless {
                            format!("a {} whose person's key has not come in yet", kind.name())
                        } else {
                            format!("{}: {e}", kind.name())
                        });
                        applied.parked.push((*seq, item.clone()));
                        continue;
                    }
                }
            }
            batch.put_remote(
                kind,
                item.key.clone(),
                owner,
                Remote {
                    envelope: item.envelope.clone(),
                    tombstone: item.tombstone,
                    erased: false,
                    revision: item.revision,
                    hlc,
                    device: item.device,
                },
            );
            applied.records += 1;
        }
        self.commit(batch)?;
        // Derived after the records are in: the contact summaries and the coach tags.
        if !contacts_of.is_empty() {
            let mut batch = self.batch();
            for p in contacts_of {
                let mut summary = ContactSummary::default();
                for c in self.contacts_of(p)? {
                    super::day::summarise(&mut summary, &c);
                }
                batch.index_put(Tree::IxLastContact, p.as_bytes().to_vec(), self.seal(&summary, p.as_bytes())?);
            }
            self.commit(batch)?;
        }
        if !tag.is_empty() {
            let people: Vec<Participant> = tag.iter().filter_map(|p| self.participant(*p).ok().flatten()).collect();
            self.tag_coaches(people.iter())?;
        }
        erase.sort();
        erase.dedup_by_key(|(p, _)| *p);
        for (p, by) in erase {
            if self.keys.id_of(p)?.is_some() || self.participant(p)?.is_some() {
                self.erase_from_team(p, by)?;
                applied.erased += 1;
            }
        }
        Ok(applied)
    }

    /// The index entries a record from the team brings, as a local save of it would write them.
    fn index_for(
        &self,
        kind: Kind,
        key: &[u8],
        envelope: &[u8],
        batch: &mut super::Batch<'_>,
    ) -> Result<Touched, StoreError> {
        Ok(match kind {
            Kind::Participant => self.index_participant(&self.unseal(envelope, key)?, batch)?,
            Kind::Contact => Touched::Contact(self.unseal::<Contact>(envelope, key)?.participant),
            Kind::Appointment => self.index_appointment(key, &self.unseal(envelope, key)?, batch)?,
            _ => {
                // Opens, so nothing unreadable is stored as if it were a record.
                super::keys::check_kind(self, kind, envelope, key)?;
                Touched::Nothing
            }
        })
    }

    /// The index entries of a record's version given as data (a merge, a settled conflict).
    pub(super) fn index_for_data(
        &self,
        kind: Kind,
        key: &[u8],
        data: &serde_json::Value,
        batch: &mut super::Batch<'_>,
    ) -> Result<Touched, StoreError> {
        let bad = |e: serde_json::Error| StoreError::Backend(format!("{}: {e}", kind.name()));
        Ok(match kind {
            Kind::Participant => self.index_participant(&serde_json::from_value(data.clone()).map_err(bad)?, batch)?,
            Kind::Contact => {
                Touched::Contact(serde_json::from_value::<Contact>(data.clone()).map_err(bad)?.participant)
            }
            Kind::Appointment => {
                self.index_appointment(key, &serde_json::from_value(data.clone()).map_err(bad)?, batch)?
            }
            _ => Touched::Nothing,
        })
    }

    fn index_participant(&self, p: &Participant, batch: &mut super::Batch<'_>) -> Result<Touched, StoreError> {
        // A person waiting for a number (0) is not in the number index.
        let pending = super::numbers::PENDING;
        if let Some(old) = self.participant(p.id)?
            && old.number != p.number
            && old.number != pending
        {
            batch.index_remove(Tree::IxNumber, old.number.to_be_bytes().to_vec());
        }
        if p.number != pending {
            batch.index_put(Tree::IxNumber, p.number.to_be_bytes().to_vec(), p.id.as_bytes().to_vec());
        }
        Ok(Touched::Participant(p.id))
    }

    fn index_appointment(
        &self,
        key: &[u8],
        a: &Appointment,
        batch: &mut super::Batch<'_>,
    ) -> Result<Touched, StoreError> {
        if let Some(old) = self.appointments.get(key)? {
            let old: Appointment = self.unseal(&old, key)?;
            if old.at.date() != a.at.date() {
                batch.index_remove(
                    Tree::IxAppointmentDate,
                    super::day::date_key(old.at.date(), a.participant, a.id.0.as_bytes()).to_vec(),
                );
            }
        }
        batch.index_put(
            Tree::IxAppointmentDate,
            super::day::date_key(a.at.date(), a.participant, a.id.0.as_bytes()).to_vec(),
            Vec::new(),
        );
        Ok(Touched::Nothing)
    }
}

/// What a record from the team touches besides itself.
pub(super) enum Touched {
    Nothing,
    Participant(ParticipantId),
    Contact(ParticipantId),
}

fn participant_of(item: &Item) -> Option<ParticipantId> {
    item.participant.map(ParticipantId::from_bytes)
}

#[cfg(test)]
mod tests;
