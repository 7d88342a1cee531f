//! A [`Batch`]: everything one save writes, gathered before [`Store::commit`] writes it in one
//! transaction (see the parent module).

use super::super::StoreError;
use super::super::codec::{self, Kind, Record};
use super::super::crypto::MASTER_KEY_ID;
use super::super::hlc::Hlc;
use super::super::registry::{self, Tree};
use super::super::repo::Store;
use crate::domain::ParticipantId;
use crate::domain::privacy::AccessEntry;

/// One record written by a batch.
pub(in crate::store) struct Write {
    pub kind: Kind,
    pub key: Vec<u8>,
    pub value: Value,
    pub owner: Option<ParticipantId>,
}

/// What a [`Write`] stores.
pub(in crate::store) enum Value {
    /// A record of a kind outside the change log, sealed (format 2).
    Sealed(Vec<u8>),
    /// A record of a logged kind, sealed with its revision once the commit knows it (format 3),
    /// so an older value of it put back under its key is noticed.
    Open(codec::Unsealed),
    /// The record is deleted.
    Delete,
    /// A record's version as another replica of the team wrote it (see `store::sync`): its
    /// sealed bytes stored as they came (empty: deleted), with that replica's revision, time and
    /// device in the change log.
    Remote(Remote),
}

/// What a [`Value::Remote`] carries.
pub(in crate::store) struct Remote {
    pub envelope: Vec<u8>,
    pub tombstone: bool,
    pub erased: bool,
    pub revision: u64,
    pub hlc: Hlc,
    pub device: [u8; 16],
}

/// Everything one save writes, committed at once by [`Store::commit`].
pub struct Batch<'s> {
    pub(super) store: &'s Store,
    pub(in crate::store) writes: Vec<Write>,
    /// Index entries (not records): put (`Some`) or removed (`None`).
    pub(in crate::store) index: Vec<(Tree, Vec<u8>, Option<Vec<u8>>)>,
    pub(in crate::store) end_draft: Option<String>,
    /// The deletes of this batch are an erasure.
    pub(in crate::store) erasure: bool,
    /// Make it durable before `commit` returns (off for drafts and for the chunks of a bulk
    /// load, which flush once at the end).
    pub(in crate::store) flush: bool,
    /// Every write adds a record that did not exist (a bulk load): see `commit_fresh`.
    pub(in crate::store) fresh: bool,
    /// The device the entries name instead of this one (an erasure another replica of the
    /// team made, carried out here).
    pub(in crate::store) on_behalf_of: Option<[u8; 16]>,
}

impl<'s> Batch<'s> {
    /// Puts `value` under `key` in its kind's tree.
    pub fn put<T: Record>(&mut self, key: impl Into<Vec<u8>>, value: &T) -> Result<(), StoreError> {
        let key = key.into();
        let stored = if registry::info(T::KIND).is_some_and(|i| i.logged) {
            let key_id = match value.owner() {
                Some(p) => self.store.key_for(p)?,
                None => MASTER_KEY_ID,
            };
            Value::Open(codec::unsealed(value, key_id)?)
        } else {
            Value::Sealed(self.store.seal(value, &key)?)
        };
        self.writes.push(Write { kind: T::KIND, key, value: stored, owner: value.owner() });
        Ok(())
    }

    /// Stores a record's version that another replica of the team wrote, as it came.
    pub(in crate::store) fn put_remote(
        &mut self,
        kind: Kind,
        key: Vec<u8>,
        owner: Option<ParticipantId>,
        remote: Remote,
    ) {
        self.writes.push(Write { kind, key, value: Value::Remote(remote), owner });
    }

    /// Deletes the record of `kind` under `key` (about `owner`, if anyone).
    pub fn delete(&mut self, kind: Kind, key: impl Into<Vec<u8>>, owner: Option<ParticipantId>) {
        self.writes.push(Write { kind, key: key.into(), value: Value::Delete, owner });
    }

    /// Appends an entry to a participant's access log, written with the rest of the batch.
    pub fn access(&mut self, entry: &AccessEntry) -> Result<(), StoreError> {
        let key = self.store.access_key(entry)?;
        self.put(key, entry)
    }

    /// Puts an index entry (derived data: no change-log entry of its own).
    pub fn index_put(&mut self, tree: Tree, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.index.push((tree, key.into(), Some(value.into())));
    }

    pub fn index_remove(&mut self, tree: Tree, key: impl Into<Vec<u8>>) {
        self.index.push((tree, key.into(), None));
    }

    /// Removes the draft of the form this save ends.
    pub fn end_draft(&mut self, key: &str) {
        self.end_draft = Some(key.to_string());
    }

    /// Whether nothing is to be written.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.index.is_empty() && self.end_draft.is_none()
    }

    pub fn len(&self) -> usize {
        self.writes.len()
    }
}

impl Store {
    /// A new, empty batch.
    pub fn batch(&self) -> Batch<'_> {
        Batch {
            store: self,
            writes: Vec::new(),
            index: Vec::new(),
            end_draft: None,
            erasure: false,
            flush: true,
            fresh: false,
            on_behalf_of: None,
        }
    }
}
