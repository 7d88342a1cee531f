//! The one write path, and the change log it keeps.
//!
//! Every write of a record goes through [`Store::commit`]: a [`Batch`] of typed puts and
//! deletes, the index entries that go with them, the draft the save ends and the access-log
//! entries that record it, written in ONE sled transaction that also appends a [`Change`] per
//! record of a logged kind (see [`super::registry`]). A kill at any moment leaves either all of
//! it or none of it, change log included.
//!
//! The log: `changes` holds the entries by sequence number (this device's order of writing);
//! each is sealed under the master key and names only random ids (a record's storage key is
//! made of participant and record ids, a day number or a fixed word), never a name or a number.
//! `change_heads` holds, per record, its latest revision and the sequence number of the entry
//! that wrote it, keyed by a keyed hash of the record's kind and storage key (so no key of the
//! data file names a person after they are erased). Records written before the change log
//! existed have no entry until they are next written; `check` knows them by the
//! `META_LOG_LEGACY` mark.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::transaction::ConflictableTransactionError;

mod batch;
mod check;
mod current;

pub use batch::Batch;
pub(super) use batch::{Remote, Value, Write};

use super::StoreError;
use super::codec::{self, Kind, Record};
use super::crypto::MASTER_KEY_ID;
use super::hlc::{Hlc, WallClock};
use super::registry::{self, Tree};
use super::repo::Store;
use crate::domain::ParticipantId;
use crate::domain::privacy::AccessEntry;

/// The last hybrid-logical-clock time this device stamped (written with every entry).
pub(super) const META_HLC: &[u8] = b"hlc";
/// Present when the change log was started in a store that already held records.
pub(super) const META_LOG_LEGACY: &[u8] = b"change_log_legacy";
/// How many record writes one transaction of a bulk load holds.
pub(super) const BULK_WRITES: usize = 10_000;

/// One entry of the change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The record's storage key in its kind's tree (random ids, a day number or a fixed word).
    pub record: Vec<u8>,
    /// The record's kind ([`Kind`] as stored).
    pub kind: u8,
    /// The participant the record is about, if any.
    pub participant: Option<ParticipantId>,
    /// The record's revision: 1 when first written, one more at every write since.
    pub revision: u64,
    pub hlc: Hlc,
    /// The device (data directory) that wrote it.
    pub device: [u8; 16],
    /// The record was deleted.
    pub tombstone: bool,
    /// The record was deleted because its participant was erased.
    pub erased: bool,
}

/// What the `changes` tree stores: the entries of one commit (up to [`PAGE`] of them), under the
/// sequence number of the first. One value per commit keeps a bulk load from writing a sled
/// entry per record twice over.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChangePage {
    pub entries: Vec<Change>,
    /// The settings' revision once this page's commit was written (schema 2; `None`: no
    /// settings written since). The newest page, sealed and read at every open, so tells the
    /// settings' revision even when their head was put back too (see `current`).
    pub settings: Option<u64>,
}

/// A page as schema 1 stored it (before the settings' revision).
#[derive(Deserialize)]
struct ChangePageV1 {
    entries: Vec<Change>,
}

impl Record for ChangePage {
    const KIND: Kind = Kind::Change;
    const SCHEMA: u16 = 2;
    fn migrate(schema: u16, payload: &[u8]) -> Result<Self, StoreError> {
        match schema {
            1 => {
                let old: ChangePageV1 = codec::decode_payload(Kind::Change, payload)?;
                Ok(ChangePage { entries: old.entries, settings: None })
            }
            _ => Err(StoreError::Corrupt {
                kind: "change log entry",
                reason: format!("unknown schema version {schema}"),
            }),
        }
    }
}

/// Most entries one stored page holds.
pub(super) const PAGE: usize = 200;

/// The writer's state, held while a batch is committed so that commits are one at a time.
pub(super) struct Writer {
    pub hlc: Hlc,
    pub next_seq: u64,
    pub device: [u8; 16],
    pub clock: WallClock,
    /// Access entries to write with the next commit made on the thread that set them (see
    /// [`Store::with_access`]): a commit of another thread (a sync applying what came in, say)
    /// does not take them.
    pub pending_access: Vec<(std::thread::ThreadId, AccessEntry)>,
    /// The settings' revision as the newest page of the log says (see [`ChangePage::settings`]).
    pub settings: Option<u64>,
}

impl Writer {
    /// Replaced by [`Store::start_writer`] while the store is opened.
    pub(super) fn placeholder() -> Writer {
        Writer {
            hlc: Hlc::default(),
            next_seq: 0,
            device: [0; 16],
            clock: Box::new(Utc::now),
            pending_access: Vec::new(),
            settings: None,
        }
    }
}

impl Store {
    /// Writes a batch: its records, index entries, the end of its draft and one change-log entry
    /// per logged record, in one transaction; returns after it is on disk (unless the batch says
    /// otherwise). Access entries given to [`Store::with_access`] go into this commit.
    pub fn commit(&self, mut batch: Batch<'_>) -> Result<(), StoreError> {
        let pending = self.take_pending_access()?;
        for entry in &pending {
            batch.access(entry)?;
        }
        if batch.is_empty() {
            return Ok(());
        }
        let mut w = self.writer.lock().map_err(|_| poisoned())?;
        let (hlc, seq, settings) =
            if batch.fresh { self.commit_fresh(&w, &batch)? } else { self.commit_transaction(&w, &batch)? };
        w.hlc = hlc;
        w.next_seq = seq;
        w.settings = settings;
        drop(w);
        if batch.flush { self.flush() } else { Ok(()) }
    }

    /// The change-log entry of one write.
    fn change(&self, w: &Writer, batch: &Batch<'_>, write: &Write, revision: u64, hlc: Hlc) -> Change {
        if let Value::Remote(r) = &write.value {
            return Change {
                record: write.key.clone(),
                kind: write.kind as u8,
                participant: write.owner,
                revision: r.revision,
                hlc: r.hlc,
                device: r.device,
                tombstone: r.tombstone,
                erased: r.erased,
            };
        }
        Change {
            record: write.key.clone(),
            kind: write.kind as u8,
            participant: write.owner,
            revision,
            hlc,
            device: batch.on_behalf_of.unwrap_or(w.device),
            tombstone: matches!(write.value, Value::Delete),
            erased: batch.erasure && matches!(write.value, Value::Delete),
        }
    }

    /// [`Store::commit`] in one sled transaction over every tree the batch touches. A record's
    /// head is kept from its second revision on (most records are written once: their first
    /// entry is found by reading the log, and a bulk load writes no heads).
    fn commit_transaction(&self, w: &Writer, batch: &Batch<'_>) -> Result<(Hlc, u64, Option<u64>), StoreError> {
        let now = (w.clock)();
        let logged = batch.writes.iter().any(|x| registry::info(x.kind).is_some_and(|i| i.logged));
        let heads: Vec<Option<[u8; 16]>> = batch
            .writes
            .iter()
            .map(|x| registry::info(x.kind).is_some_and(|i| i.logged).then(|| self.head_key(x.kind, &x.key)))
            .collect();
        // Each logged record's new revision, read before the transaction: commits are one at a
        // time (the writer lock is held), so nothing changes a head or a record in between, and
        // knowing the revisions first leaves `change_heads` out of a transaction that writes no
        // head. A record written twice in one batch counts on from its first write.
        let mut seen: std::collections::HashMap<[u8; 16], u64> = std::collections::HashMap::new();
        let mut revisions: Vec<u64> = Vec::with_capacity(batch.writes.len());
        for (write, head) in batch.writes.iter().zip(&heads) {
            let Some(head) = head else {
                revisions.push(0);
                continue;
            };
            if let Value::Remote(r) = &write.value {
                seen.insert(*head, r.revision);
                revisions.push(r.revision);
                continue;
            }
            let revision = match seen.get(head) {
                Some(rev) => rev + 1,
                None => match self.change_heads.get(head)?.and_then(|v| decode_head(&v)) {
                    Some(rev) => rev + 1,
                    // Written once before (or before the log started): this is its second revision.
                    None if self.tree(registry::tree_of(write.kind)?).contains_key(&write.key)? => 2,
                    None => 1,
                },
            };
            seen.insert(*head, revision);
            revisions.push(revision);
        }
        let mut trees: Vec<Tree> = batch.writes.iter().map(|x| registry::tree_of(x.kind)).collect::<Result<_, _>>()?;
        trees.extend(batch.index.iter().map(|(t, _, _)| *t));
        if batch.end_draft.is_some() {
            trees.push(Tree::Drafts);
        }
        if logged {
            // The clock is not written to `meta`: the newest page's last entry holds it (see
            // `start_writer`), so a save's transaction spans one tree less.
            trees.push(Tree::Changes);
        }
        // Heads are kept from a record's second revision on and for deletes: a batch of new
        // records (a contact, a mark) leaves `change_heads` out of its transaction.
        // A version from another replica always sets the head (its revision may be lower than
        // the one it replaces here).
        let keeps_head =
            |write: &Write, revision: u64| revision > 1 || matches!(write.value, Value::Delete | Value::Remote(_));
        if batch.writes.iter().zip(&heads).zip(&revisions).any(|((x, h), r)| h.is_some() && keeps_head(x, *r)) {
            trees.push(Tree::ChangeHeads);
        }
        trees.sort();
        trees.dedup();
        let at = |t: Tree| trees.binary_search(&t).map_err(|_| StoreError::Backend("tree missing".into()));
        let positions: Vec<usize> =
            batch.writes.iter().map(|x| at(registry::tree_of(x.kind)?)).collect::<Result<_, _>>()?;
        let index_at: Vec<usize> = batch.index.iter().map(|(t, _, _)| at(*t)).collect::<Result<_, _>>()?;
        let (changes_at, heads_at, drafts_at) =
            (at(Tree::Changes).ok(), at(Tree::ChangeHeads).ok(), at(Tree::Drafts).ok());
        let sled_trees: Vec<&sled::Tree> = trees.iter().map(|t| self.tree(*t)).collect();
        let result = sled::Transactional::transaction(sled_trees.as_slice(), |tx| {
            let abort = ConflictableTransactionError::Abort;
            let (mut hlc, mut seq) = (w.hlc, w.next_seq);
            let (mut page, mut page_seq) = (ChangePage { settings: w.settings, ..ChangePage::default() }, seq);
            for (((write, pos), head), revision) in batch.writes.iter().zip(&positions).zip(&heads).zip(&revisions) {
                let revision = *revision;
                let key = write.key.as_slice();
                let (Some(head), Some(c)) = (head, changes_at) else {
                    match &write.value {
                        Value::Sealed(v) => tx[*pos].insert(key, v.as_slice())?,
                        Value::Delete => tx[*pos].remove(key)?,
                        Value::Open(_) | Value::Remote(_) => {
                            return Err(abort(StoreError::Backend("an unlogged record to seal".into())));
                        }
                    };
                    continue;
                };
                match &write.value {
                    Value::Open(u) => {
                        let sealed = codec::seal_revised(u, &self.keys, key, revision).map_err(abort)?;
                        tx[*pos].insert(key, sealed)?
                    }
                    Value::Sealed(v) => tx[*pos].insert(key, v.as_slice())?,
                    Value::Delete => tx[*pos].remove(key)?,
                    Value::Remote(r) if r.tombstone => tx[*pos].remove(key)?,
                    Value::Remote(r) => tx[*pos].insert(key, r.envelope.as_slice())?,
                };
                hlc = match &write.value {
                    // This device's clock moves past every time it has seen.
                    Value::Remote(r) => hlc.receive(r.hlc, now),
                    _ => hlc.tick(now),
                };
                if write.kind == Kind::Settings {
                    page.settings = Some(revision);
                }
                let change = self.change(w, batch, write, revision, hlc);
                if keeps_head(write, revision) {
                    let h = heads_at.ok_or_else(|| abort(StoreError::Backend("change heads missing".into())))?;
                    tx[h].insert(head.as_slice(), revision.to_be_bytes().as_slice())?;
                }
                page.entries.push(change);
                if page.entries.len() == PAGE {
                    let at = page_seq.to_be_bytes();
                    let next = ChangePage { settings: page.settings, ..ChangePage::default() };
                    let full = std::mem::replace(&mut page, next);
                    let sealed = codec::encode_at(&full, &self.keys, MASTER_KEY_ID, &at).map_err(abort)?;
                    tx[c].insert(&at, sealed)?;
                    page_seq = seq + 1;
                }
                seq += 1;
            }
            if let Some(c) = changes_at.filter(|_| !page.entries.is_empty()) {
                let at = page_seq.to_be_bytes();
                let sealed = codec::encode_at(&page, &self.keys, MASTER_KEY_ID, &at).map_err(abort)?;
                tx[c].insert(&at, sealed)?;
            }
            for ((_, key, value), pos) in batch.index.iter().zip(&index_at) {
                match value {
                    Some(v) => tx[*pos].insert(key.as_slice(), v.as_slice())?,
                    None => tx[*pos].remove(key.as_slice())?,
                };
            }
            if let (Some(key), Some(d)) = (&batch.end_draft, drafts_at) {
                tx[d].remove(key.as_bytes())?;
            }
            Ok((hlc, seq, page.settings))
        });
        result.map_err(StoreError::from)
    }

    /// [`Store::commit`] for a chunk of a bulk load of new records (demo data, a list of access
    /// entries): every record is written for the first time (revision 1, no head to read or
    /// write), so no lookups are needed and each tree takes one atomic sled batch. The log goes
    /// first: a stop part-way leaves entries whose records are missing, which `check` reports
    /// (a bulk load is not one transaction, as it never was).
    fn commit_fresh(&self, w: &Writer, batch: &Batch<'_>) -> Result<(Hlc, u64, Option<u64>), StoreError> {
        let now = (w.clock)();
        let (mut hlc, mut seq) = (w.hlc, w.next_seq);
        let (mut page, mut page_seq) = (ChangePage { settings: w.settings, ..ChangePage::default() }, seq);
        let mut changes = sled::Batch::default();
        let mut per_tree: std::collections::BTreeMap<Tree, sled::Batch> = Default::default();
        for write in &batch.writes {
            let tree = registry::tree_of(write.kind)?;
            let value = match &write.value {
                Value::Open(u) => codec::seal_revised(u, &self.keys, &write.key, 1)?,
                Value::Sealed(v) => v.clone(),
                Value::Delete | Value::Remote(_) => {
                    return Err(StoreError::Backend("a bulk load only adds records".into()));
                }
            };
            per_tree.entry(tree).or_default().insert(write.key.as_slice(), value);
            if registry::info(write.kind).is_some_and(|i| i.logged) {
                hlc = hlc.tick(now);
                if write.kind == Kind::Settings {
                    page.settings = Some(1);
                }
                page.entries.push(self.change(w, batch, write, 1, hlc));
                if page.entries.len() == PAGE {
                    let at = page_seq.to_be_bytes();
                    let next = ChangePage { settings: page.settings, ..ChangePage::default() };
                    changes.insert(
                        &at,
                        codec::encode_at(&std::mem::replace(&mut page, next), &self.keys, MASTER_KEY_ID, &at)?,
                    );
                    page_seq = seq + 1;
                }
                seq += 1;
            }
        }
        if !page.entries.is_empty() {
            let at = page_seq.to_be_bytes();
            changes.insert(&at, codec::encode_at(&page, &self.keys, MASTER_KEY_ID, &at)?);
        }
        for (tree, key, value) in &batch.index {
            match value {
                Some(v) => per_tree.entry(*tree).or_default().insert(key.as_slice(), v.as_slice()),
                None => per_tree.entry(*tree).or_default().remove(key.as_slice()),
            }
        }
        if seq != w.next_seq {
            self.meta.insert(META_HLC, &hlc.to_bytes())?;
            self.changes.apply_batch(changes)?;
        }
        for (tree, b) in per_tree {
            self.tree(tree).apply_batch(b)?;
        }
        if let Some(key) = &batch.end_draft {
            self.drafts.remove(key.as_bytes())?;
        }
        Ok((hlc, seq, page.settings))
    }

    /// Runs `write` (a save) with `entries` to be written in the same transaction as its commit,
    /// so an access-log entry is never lost without the change it records (nor the other way
    /// round). A save that writes nothing writes the entries alone; a save that fails, none.
    pub fn with_access<T>(
        &self,
        entries: Vec<AccessEntry>,
        write: impl FnOnce(&Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let me = std::thread::current().id();
        {
            let mut w = self.writer.lock().map_err(|_| poisoned())?;
            w.pending_access.retain(|(t, _)| *t != me);
            w.pending_access.extend(entries.into_iter().map(|e| (me, e)));
        }
        let out = write(self);
        let left = self.take_pending_access()?;
        let out = out?;
        if !left.is_empty() {
            let mut batch = self.batch();
            for e in &left {
                batch.access(e)?;
            }
            self.commit(batch)?;
        }
        Ok(out)
    }

    /// The access entries this thread set to go with its next commit, taken.
    fn take_pending_access(&self) -> Result<Vec<AccessEntry>, StoreError> {
        let me = std::thread::current().id();
        let mut w = self.writer.lock().map_err(|_| poisoned())?;
        let (mine, others) = std::mem::take(&mut w.pending_access).into_iter().partition(|(t, _)| *t == me);
        w.pending_access = others;
        Ok(mine.into_iter().map(|(_, e): (_, AccessEntry)| e).collect())
    }

    /// Replaces the wall clock the change log's timestamps are taken from (tests).
    pub fn set_clock(&self, clock: WallClock) -> Result<(), StoreError> {
        self.writer.lock().map_err(|_| poisoned())?.clock = clock;
        Ok(())
    }

    /// The wall-clock time the store would stamp a write with now.
    pub fn now(&self) -> Result<DateTime<Utc>, StoreError> {
        Ok((self.writer.lock().map_err(|_| poisoned())?.clock)())
    }

    /// A change-log entry for a record this device adds outside its own store (the erasure trace
    /// put into a backup): stamped with the next timestamp of this device's clock.
    pub(super) fn entry_elsewhere(&self, kind: Kind, record: Vec<u8>) -> Result<Change, StoreError> {
        let mut w = self.writer.lock().map_err(|_| poisoned())?;
        w.hlc = w.hlc.tick((w.clock)());
        Ok(Change {
            record,
            kind: kind as u8,
            participant: None,
            revision: 1,
            hlc: w.hlc,
            device: w.device,
            tombstone: false,
            erased: false,
        })
    }

    /// Takes `id` as this data directory's device id: a new replica of a team registers its
    /// device with the server before its store is made. Only while nothing is logged yet.
    pub fn adopt_device(&self, id: [u8; 16]) -> Result<(), StoreError> {
        let mut w = self.writer.lock().map_err(|_| poisoned())?;
        if w.next_seq != 0 {
            return Err(StoreError::Backend("this caseload has changes under its own device id already".into()));
        }
        self.set_device(id)?;
        w.device = id;
        Ok(())
    }

    /// This data directory's device id.
    pub fn device_id(&self) -> Result<[u8; 16], StoreError> {
        Ok(self.writer.lock().map_err(|_| poisoned())?.device)
    }

    /// The change log, oldest first.
    pub fn changes(&self) -> Result<Vec<Change>, StoreError> {
        let pages: Vec<ChangePage> = self.scan(&self.changes, &[])?;
        Ok(pages.into_iter().flat_map(|p| p.entries).collect())
    }

    /// The key of a record's entry in `change_heads`.
    pub(super) fn head_key(&self, kind: Kind, key: &[u8]) -> [u8; 16] {
        use blake2::Blake2bMac;
        use blake2::digest::Mac;
        use blake2::digest::consts::U16;
        let mut out = [0u8; 16];
        if let Ok(mut mac) =
            Blake2bMac::<U16>::new_with_salt_and_personal(self.keys.master().bytes(), b"", b"meedoen heads")
        {
            mac.update(&[kind as u8]);
            mac.update(key);
            out.copy_from_slice(&mac.finalize().into_bytes());
        }
        out
    }

    /// The writer's state for a store being opened: the device id (made on first use), the
    /// last timestamp and the next sequence number.
    pub(super) fn start_writer(&self) -> Result<Writer, StoreError> {
        let device = match self.device()? {
            super::device::Found::Same(id) => id,
            super::device::Found::None => {
                // A store that held records before its change log started: they have no entry.
                let legacy = registry::kinds()
                    .iter()
                    .filter(|i| i.logged && i.tree != Tree::Meta)
                    .any(|i| !self.tree(i.tree).is_empty());
                if legacy {
                    self.meta.insert(META_LOG_LEGACY, &[1u8][..])?;
                }
                let id = *uuid::Uuid::new_v4().as_bytes();
                self.set_device(id)?;
                id
            }
        };
        // The last time stamped: the newest page's last entry (written in the same transaction as
        // the records), or what `meta` holds (bulk loads, and stores written before).
        let mut hlc = self.meta.get(META_HLC)?.and_then(|v| Hlc::from_bytes(&v)).unwrap_or_default();
        let (next_seq, settings) = match self.changes.last()? {
            Some((k, v)) => {
                let first = k.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0);
                let page = self.unseal::<ChangePage>(&v, &k)?;
                if let Some(last) = page.entries.last() {
                    hlc = hlc.max(last.hlc);
                }
                (first + page.entries.len() as u64, page.settings)
            }
            None => (0, None),
        };
        Ok(Writer { hlc, next_seq, device, clock: Box::new(Utc::now), pending_access: Vec::new(), settings })
    }

    /// The sled tree behind `t`.
    pub(super) fn tree(&self, t: Tree) -> &sled::Tree {
        match t {
            Tree::Meta => &self.meta,
            Tree::Participants => &self.participants,
            Tree::IxNumber => &self.ix_number,
            Tree::Drafts => &self.drafts,
            Tree::Assessments => &self.assessments,
            Tree::Goals => &self.goals,
            Tree::AssessmentDrafts => &self.assessment_drafts,
            Tree::Modules => &self.modules,
            Tree::Enrolments => &self.enrolments,
            Tree::Attendance => &self.attendance,
            Tree::Closures => &self.closures,
            Tree::Contacts => &self.contacts,
            Tree::Appointments => &self.appointments,
            Tree::Trajectories => &self.trajectories,
            Tree::Signals => &self.signals,
            Tree::Referrals => &self.referrals,
            Tree::IxLastContact => &self.ix_last_contact,
            Tree::IxAppointmentDate => &self.ix_appointment_date,
            Tree::Keys => &self.key_tree,
            Tree::AccessLog => &self.access_log,
            Tree::Consents => &self.consents,
            Tree::Erasures => &self.erasures,
            Tree::Changes => &self.changes,
            Tree::ChangeHeads => &self.change_heads,
            Tree::AttendanceMarks => &self.attendance_marks,
            Tree::StatusChanges => &self.status_changes,
            Tree::SyncBase => &self.sync_base,
            Tree::Conflicts => &self.conflicts,
            Tree::Members => &self.members,
        }
    }
}

pub(super) fn poisoned() -> StoreError {
    StoreError::Backend("the store's writer is unusable after a panic".into())
}

/// A record's head: its latest revision.
pub(super) fn decode_head(v: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(v.get(..8)?.try_into().ok()?))
}

#[cfg(test)]
mod tests;
