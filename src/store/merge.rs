//! Two versions of a record made apart, merged field by field; the conflicts for the coaches to
//! review; who works on which device of the team.
//!
//! - **The base.** Per shared record the replica keeps the version the team's server holds, as
//!   far as it knows (`sync_base`, keyed like `change_heads`): the version it took in from a
//!   pull, or its own version the server accepted. A record whose stored bytes differ from its
//!   base was changed here since; a push names each item's base, and the server takes an item
//!   only when it still holds that base ([`crate::protocol::Outcome::Conflict`] otherwise).
//! - **The merge.** A version that comes in for a record changed here since is merged with the
//!   local one against the base ([`crate::domain::conflict::merge`]): fields changed on one side
//!   each keep their change, a field changed on both sides to different values takes the later
//!   edit's (hybrid clock, then device: the same on every replica). The merge is stored as a new
//!   version of this device, made on the incoming one, and goes up at the next push. A record
//!   deleted on one side and changed on the other is kept with the change (a deletion is easily
//!   done again, a lost edit is not). Every field both sides changed becomes a [`Conflict`]
//!   record, shared with the team, so that both coaches see it on their start screen and either
//!   can put the other value in place.
//! - **An erasure beats every edit**: it never reaches a merge (see `store::sync`).
//!
//! Access-log entries get no base: they are written once under random keys and never change.

use std::collections::HashMap;

use chrono::DateTime;

use super::StoreError;
use super::codec::{Kind, Record};
use super::hlc::Hlc;
use super::registry::{self, Tree};
use super::repo::Store;
use crate::domain::ParticipantId;
use crate::domain::conflict::{self, Conflict, FieldConflict, Member, Resolution, Side};
use crate::protocol::{Base, Item};

impl Record for Conflict {
    const KIND: Kind = Kind::Conflict;
    const SCHEMA: u16 = 1;
    fn owner(&self) -> Option<ParticipantId> {
        self.participant
    }
}

impl Record for Member {
    const KIND: Kind = Kind::Member;
    const SCHEMA: u16 = 1;
}

/// The version of a record the server holds, as this replica knows it.
pub(super) struct BaseEntry {
    pub version: Base,
    pub tombstone: bool,
    /// The sealed record as the server holds it (empty for a deletion).
    pub envelope: Vec<u8>,
}

/// Layout of a `sync_base` value: owner (16 bytes, zeros for none), clock time (12), device
/// (16), deleted (1), then the sealed record as it came.
const BASE_HEAD: usize = 16 + 12 + 16 + 1;

fn encode_base(item: &Item) -> Vec<u8> {
    let mut v = Vec::with_capacity(BASE_HEAD + item.envelope.len());
    v.extend_from_slice(&item.participant.unwrap_or([0; 16]));
    v.extend_from_slice(&item.hlc);
    v.extend_from_slice(&item.device);
    v.push(u8::from(item.tombstone));
    v.extend_from_slice(&item.envelope);
    v
}

fn decode_base(v: &[u8]) -> Option<BaseEntry> {
    let hlc: [u8; 12] = v.get(16..28)?.try_into().ok()?;
    let device: [u8; 16] = v.get(28..44)?.try_into().ok()?;
    Some(BaseEntry {
        version: Base { hlc, device },
        tombstone: *v.get(44)? == 1,
        envelope: v.get(BASE_HEAD..)?.to_vec(),
    })
}

/// Whether a record of `kind` keeps a base.
fn keeps_base(kind: Kind) -> bool {
    kind != Kind::AccessEntry
}

/// A conflict's key: the person (zeros for none), then the conflict's id.
fn conflict_key(c: &Conflict) -> Vec<u8> {
    let mut k = c.participant.map(|p| *p.as_bytes()).unwrap_or([0; 16]).to_vec();
    k.extend_from_slice(&c.id);
    k
}

fn side(hlc: Hlc, device: [u8; 16], deleted: bool) -> Side {
    let at = i64::try_from(hlc.millis).ok().and_then(DateTime::from_timestamp_millis).unwrap_or_default();
    Side { device, at, deleted }
}

/// What taking in a version of a record changed here did.
pub(super) enum Merge {
    /// The incoming version is the result: stored as it came.
    TakeIncoming,
    /// A merged (or kept) local version was put into the batch: its data, for the indexes.
    Local(serde_json::Value),
}

impl Store {
    /// The base of the record of `kind` under `key`.
    pub(super) fn base_of(&self, kind: Kind, key: &[u8]) -> Result<Option<BaseEntry>, StoreError> {
        if !keeps_base(kind) {
            return Ok(None);
        }
        Ok(self.sync_base.get(self.head_key(kind, key))?.and_then(|v| decode_base(&v)))
    }

    /// Puts `item` (a version the server holds) as its record's base into `batch`.
    pub(super) fn put_base(&self, batch: &mut super::Batch<'_>, kind: Kind, item: &Item) {
        if keeps_base(kind) {
            batch.index_put(Tree::SyncBase, self.head_key(kind, &item.key).to_vec(), encode_base(item));
        }
    }

    /// The base each of `items` was made on, for a push (`None`: new on this device).
    pub fn bases_for(&self, items: &[Item]) -> Result<Vec<Option<Base>>, StoreError> {
        items
            .iter()
            .map(|i| match Kind::from_u8(i.kind) {
                Some(kind) => Ok(self.base_of(kind, &i.key)?.map(|b| b.version)),
                None => Ok(None),
            })
            .collect()
    }

    /// Items of this device that the server accepted become their records' bases.
    pub fn note_synced(&self, items: &[&Item]) -> Result<(), StoreError> {
        let mut batch = self.batch();
        for item in items {
            if let Some(kind) = Kind::from_u8(item.kind) {
                self.put_base(&mut batch, kind, item);
            }
        }
        self.commit(batch)
    }

    /// Whether the record (stored bytes `local`, `None`: not here) was changed on this device
    /// since the version the server holds.
    pub(super) fn changed_here(local: Option<&[u8]>, base: Option<&BaseEntry>) -> bool {
        match (local, base) {
            (None, None) => false,
            // Made here and not taken by the server yet.
            (Some(_), None) => true,
            (Some(l), Some(b)) => b.tombstone || l != b.envelope.as_slice(),
            // Deleted here since.
            (None, Some(b)) => !b.tombstone,
        }
    }

    /// This device's clock moves past `hlc` (a version it merges with), so what it writes next
    /// is later than everything it has seen.
    fn observe(&self, hlc: Hlc) -> Result<(), StoreError> {
        let mut w = self.writer.lock().map_err(|_| super::changelog::poisoned())?;
        w.hlc = w.hlc.receive(hlc, (w.clock)());
        Ok(())
    }

    /// The clock time and device of the newest version of a record in this replica's log.
    fn newest_version(&self, kind: Kind, key: &[u8]) -> Result<Option<(Hlc, [u8; 16])>, StoreError> {
        for kv in self.changes.iter().rev() {
            let (k, v) = kv?;
            let page: super::ChangePage = self.unseal(&v, &k)?;
            if let Some(c) = page.entries.iter().rev().find(|c| c.kind == kind as u8 && c.record == key) {
                return Ok(Some((c.hlc, c.device)));
            }
        }
        Ok(None)
    }

    /// Takes in `item` (of `kind`, from another device) for a record changed here since its
    /// base (see the module's text): puts the merge into `batch` with the conflict, if any.
    pub(super) fn merge_incoming(
        &self,
        batch: &mut super::Batch<'_>,
        kind: Kind,
        item: &Item,
        hlc: Hlc,
        local: Option<&[u8]>,
        base: Option<&BaseEntry>,
    ) -> Result<Merge, StoreError> {
        let me = self.device_id()?;
        let data = registry::info(kind)
            .and_then(|i| i.data)
            .ok_or_else(|| StoreError::Backend(format!("{} cannot be merged", kind.name())))?;
        let mine = self.newest_version(kind, &item.key)?.unwrap_or((Hlc::default(), me));
        let local_later = mine > (hlc, item.device);
        let (local_side, remote_side) = (side(mine.0, mine.1, local.is_none()), side(hlc, item.device, item.tombstone));
        self.observe(hlc)?;
        let conflict = |fields: Vec<FieldConflict>, kept: Side, other: Side| {
            let mut id = [0u8; 16];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut id);
            let participant = item.participant.map(ParticipantId::from_bytes);
            Conflict {
                id,
                participant,
                kind: kind as u8,
                record: item.key.clone(),
                fields,
                kept,
                other,
                resolved: None,
            }
        };
        let (outcome, found) = match local {
            // Deleted on both sides.
            None if item.tombstone => (Merge::TakeIncoming, None),
            // Deleted here, changed there: the change stays.
            None => {
                let theirs = (data.read)(self, &item.envelope, &item.key)?;
                let field = FieldConflict { field: String::new(), kept: theirs.to_string(), other: String::new() };
                (Merge::TakeIncoming, Some(conflict(vec![field], remote_side, local_side)))
            }
            // Changed here, deleted there: the change stays, as a new version made on the deletion.
            Some(l) if item.tombstone => {
                let mine = (data.read)(self, l, &item.key)?;
                (data.put)(batch, &item.key, mine.clone())?;
                let field = FieldConflict { field: String::new(), kept: mine.to_string(), other: String::new() };
                (Merge::Local(mine), Some(conflict(vec![field], local_side, remote_side)))
            }
            Some(l) => {
                let mine = (data.read)(self, l, &item.key)?;
                let theirs = (data.read)(self, &item.envelope, &item.key)?;
                // A base that no longer opens (or was a deletion) is no base.
                let old = base.filter(|b| !b.tombstone).and_then(|b| (data.read)(self, &b.envelope, &item.key).ok());
                let merged = conflict::merge(old.as_ref(), &mine, &theirs, local_later);
                let (kept, other) = if local_later { (local_side, remote_side) } else { (remote_side, local_side) };
                let found = (!merged.conflicts.is_empty()).then(|| conflict(merged.conflicts, kept, other));
                if merged.value == theirs {
                    (Merge::TakeIncoming, found)
                } else {
                    (data.put)(batch, &item.key, merged.value.clone())?;
                    (Merge::Local(merged.value), found)
                }
            }
        };
        if let Some(c) = found {
            batch.put(conflict_key(&c), &c)?;
        }
        self.put_base(batch, kind, item);
        Ok(outcome)
    }

    /// Every conflict this replica knows, the ones still to review first, newest first.
    pub fn conflicts(&self) -> Result<Vec<Conflict>, StoreError> {
        let mut all: Vec<Conflict> = self.scan(&self.conflicts, &[])?;
        all.sort_by(|a, b| a.resolved.is_some().cmp(&b.resolved.is_some()).then(b.kept.at.cmp(&a.kept.at)));
        Ok(all)
    }

    /// Settles a conflict: with `take_other`, the other side's values are put in place (a
    /// deletion done again, a deleted record put back); otherwise the kept values are confirmed.
    /// Both the record's new version and the settled conflict are shared with the team.
    pub fn resolve_conflict(&self, id: [u8; 16], take_other: bool, by: &str) -> Result<(), StoreError> {
        let Some(mut c) = self.conflicts()?.into_iter().find(|c| c.id == id) else {
            return Err(StoreError::NotFound);
        };
        let kind = Kind::from_u8(c.kind).ok_or_else(|| StoreError::Backend("a conflict of an unknown kind".into()))?;
        let data = registry::info(kind)
            .and_then(|i| i.data)
            .ok_or_else(|| StoreError::Backend(format!("{} cannot be merged", kind.name())))?;
        let mut batch = self.batch();
        let mut touched = None;
        if take_other {
            let tree = self.tree(registry::tree_of(kind)?);
            let current = tree.get(&c.record)?.map(|v| (data.read)(self, &v, &c.record)).transpose()?;
            let whole = c.fields.iter().find(|f| f.field.is_empty());
            match (whole, current) {
                // The other side deleted it: delete it.
                (Some(_), Some(_)) if c.other.deleted => {
                    batch.delete(kind, c.record.clone(), c.participant);
                }
                // The other side's whole record.
                (Some(f), _) if !f.other.is_empty() => {
                    let v: serde_json::Value = serde_json::from_str(&f.other)
                        .map_err(|e| StoreError::Backend(format!("the other value does not read: {e}")))?;
                    (data.put)(&mut batch, &c.record, v.clone())?;
                    touched = Some(v);
                }
                (Some(_), _) => {}
                (None, Some(mut v)) => {
                    for f in &c.fields {
                        if !conflict::set_field(&mut v, &f.field, &f.other) {
                            return Err(StoreError::Backend(format!(
                                "the field {} no longer fits the record",
                                f.field
                            )));
                        }
                    }
                    (data.put)(&mut batch, &c.record, v.clone())?;
                    touched = Some(v);
                }
                // Deleted meanwhile: nothing to put back into.
                (None, None) => return Err(StoreError::NotFound),
            }
        }
        c.resolved = Some(Resolution { by: by.to_string(), at: self.now()?, took_other: take_other });
        batch.put(conflict_key(&c), &c)?;
        if let Some(v) = &touched {
            self.index_for_data(kind, &c.record, v, &mut batch)?;
        }
        self.commit(batch)?;
        if let (Kind::Participant, Some(p)) = (kind, c.participant)
            && let Some(person) = self.participant(p)?
        {
            self.tag_coaches(std::iter::once(&person))?;
        }
        Ok(())
    }

    /// The team's devices and their coaches' names.
    pub fn members(&self) -> Result<HashMap<[u8; 16], String>, StoreError> {
        let all: Vec<Member> = self.scan(&self.members, &[])?;
        Ok(all.into_iter().map(|m| (m.device, m.coach)).collect())
    }

    /// Says (to the team) that `coach` works on this device, unless it is known already.
    pub fn set_member(&self, coach: &str) -> Result<(), StoreError> {
        let device = self.device_id()?;
        if self.members()?.get(&device).is_some_and(|c| c == coach) {
            return Ok(());
        }
        let mut batch = self.batch();
        batch.put(device.to_vec(), &Member { device, coach: coach.to_string() })?;
        self.commit(batch)
    }
}

#[cfg(test)]
pub(super) mod tests;
