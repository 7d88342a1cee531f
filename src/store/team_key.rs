//! A coach with a caseload of their own joins an existing team: the caseload is sealed again
//! under the team's master key (which came in the invite), so that the team can open what it
//! uploads and this coach can open what the team has.
//!
//! Done like the other rewrites of a store: a new database directory beside `db` is filled
//! (every record decoded with this caseload's keys and written again under the team's key, the
//! participants' data keys new, tagged with whose caseload each person is in), the team link goes
//! into it, and then the directories are swapped. A stop at any point leaves either the old
//! caseload (with the join written down as [`PendingJoin`], finished at the next `team join`)
//! or the new one, joined; nothing is lost either way.
//!
//! Participant numbers: the team's numbers and this caseload's both start at 1001, so this
//! caseload's people wait for a number from the team's (see `store::numbers`), in the order of
//! their old numbers; the first sync gives them one. Its old number blocks are not carried over.
//! The change log starts again: every record is written into the new store through its one write
//! path (so the new log has an entry for each), and the whole caseload goes up at the first sync
//! (the link says it was not uploaded yet), as a team's first coach's does.

use std::collections::HashSet;

use zeroize::Zeroizing;

use super::StoreError;
use super::codec;
use super::crypto::{Key, Keyring, Keys};
use super::error::io_error;
use super::keyslots::KeySlots;
use super::registry::{self, Tree};
use super::repo::Store;
use crate::domain::{Participant, ParticipantId};

use super::keys::{BEFORE_TEAM_KEY, TEAM_KEYING};
pub use super::records::PendingJoin;
/// Where a join that was not finished is written down in `meta`.
const META_PENDING_JOIN: &[u8] = b"pending_join";
/// How many values go into one batch of the new database.
const CHUNK: usize = 5_000;

/// What sealing a caseload under a team's key did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Rekeyed {
    /// The people who wait for a team number now, with the number they had, lowest first.
    pub renumbered: Vec<(ParticipantId, u32)>,
    /// Values sealed again.
    pub records: usize,
}

/// `meta` entries copied as they are (counters and ids, not records).
const META_RAW: [&[u8]; 7] = [
    super::device::META_DEVICE,
    super::device::META_DEVICE_HOME,
    super::highwater::META_CASELOAD_ID,
    super::repo::META_VERSION,
    super::repo::META_GENERATION,
    super::changelog::META_HLC,
    super::facts::META_FACTS,
];

impl Store {
    /// A join of this caseload that was cut off after its code was used, if any.
    pub fn pending_join(&self) -> Result<Option<PendingJoin>, StoreError> {
        self.meta.get(META_PENDING_JOIN)?.map(|v| self.unseal(&v, META_PENDING_JOIN)).transpose()
    }

    /// Writes the join down before the caseload is sealed under the team's key (see the module).
    pub fn set_pending_join(&self, pending: &PendingJoin) -> Result<(), StoreError> {
        self.put_one(META_PENDING_JOIN, pending)?;
        self.flush()
    }

    /// Seals this caseload again under the team's master key of `pending` and links it to the
    /// team (see the module's text). `passphrase` is this caseload's: it protects the team's
    /// key from now on. Returns the caseload reopened.
    pub fn take_team_key(self, passphrase: &str, pending: &PendingJoin) -> Result<(Store, Rekeyed), StoreError> {
        let dir = self.path.clone().ok_or_else(|| StoreError::Backend("a caseload in memory joins no team".into()))?;
        if self.meta.scan_prefix(super::privacy::PENDING_PREFIX).next().is_some()
            || self.meta.get(super::restore::META_RESTORING)?.is_some()
        {
            return Err(StoreError::Backend("an erasure or a restore is not finished".into()));
        }
        // The new caseload keeps this one's passphrase settings.
        let ring: Keyring =
            codec::decode_plain(&self.meta.get(super::keys::META_KEYRING)?.ok_or(StoreError::NotInitialised)?)?;
        let master = Key::from_secret(Zeroizing::new(pending.master));
        let target = dir.join(TEAM_KEYING);
        if target.exists() {
            std::fs::remove_dir_all(&target).map_err(io_error)?;
        }
        let rekeyed = {
            let db = super::keys::open_db(&target)?;
            let meta = db.open_tree("meta")?;
            meta.insert(
                super::keys::META_KEYRING,
                codec::encode_plain(&Keyring::new(&master, passphrase, ring.kdf)?)?,
            )?;
            for k in META_RAW {
                if let Some(v) = self.meta.get(k)? {
                    meta.insert(k, v)?;
                }
            }
            let new = Store::with_db(db, None, KeySlots::at(&target), Keys::new(master), None)?;
            let rekeyed = self.copy_into(&new)?;
            new.set_team(&pending.link)?;
            new.flush()?;
            rekeyed
        };
        drop(self);
        super::keys::swap_in(&dir, TEAM_KEYING, BEFORE_TEAM_KEY)?;
        let store = Store::open(&dir, passphrase)?;
        Ok((store, rekeyed))
    }

    /// Every record of this caseload into `new`, sealed there and written through its change
    /// log (see the module's text).
    fn copy_into(&self, new: &Store) -> Result<Rekeyed, StoreError> {
        let mut out = Rekeyed::default();
        // The people first, with their keys (tagged as their coach's), waiting for a number.
        let mut people: Vec<Participant> = self.scan(&self.participants, b"")?;
        people.sort_by_key(|p| (p.number == super::numbers::PENDING, p.number));
        new.ensure_tagged_keys(new.expected_tags(&people).into_iter().map(|(p, tag)| (p, Some(tag))))?;
        let mut batch = new.batch();
        for (place, p) in people.iter_mut().enumerate() {
            out.renumbered.push((p.id, p.number));
            p.number = super::numbers::PENDING;
            batch.put(p.id.as_bytes().to_vec(), &*p)?;
            batch.index_put(Tree::Meta, super::numbers::waiting_key(0, place, p.id), Vec::new());
        }
        new.commit(batch)?;
        out.records += people.len();
        // Then every other tree, value by value.
        let skip = HashSet::from([
            Tree::Meta,
            Tree::Participants,
            Tree::Keys,
            // Rebuilt as the people get their numbers.
            Tree::IxNumber,
            // The change log starts again (see the module's text).
            Tree::Changes,
            Tree::ChangeHeads,
            // Nothing of a team yet.
            Tree::SyncBase,
            Tree::Conflicts,
            Tree::Members,
        ]);
        for tree in Tree::ALL.into_iter().filter(|t| !skip.contains(t)) {
            let mut batch = new.batch();
            let mut n = 0;
            for kv in self.tree(tree).iter() {
                let (k, v) = kv?;
                if tree.is_raw() {
                    batch.index_put(tree, k.to_vec(), v.to_vec());
                } else {
                    self.copy_record(&v, &k, &mut batch)?;
                    out.records += 1;
                }
                n += 1;
                if n % CHUNK == 0 {
                    new.commit(std::mem::replace(&mut batch, new.batch()))?;
                }
            }
            new.commit(batch)?;
        }
        // This coach's settings and the register of backups made (the shredder's list).
        let mut batch = new.batch();
        for k in [super::repo::META_SETTINGS, super::backup::META_REGISTER] {
            if let Some(v) = self.meta.get(k)? {
                self.copy_record(&v, k, &mut batch)?;
                out.records += 1;
            }
        }
        new.commit(batch)?;
        Ok(out)
    }

    /// One stored value, decoded with this store's keys, into `batch` under the same key.
    fn copy_record(&self, v: &[u8], at: &[u8], batch: &mut super::Batch<'_>) -> Result<(), StoreError> {
        let kind = codec::header(v)?.kind;
        match registry::info(kind).and_then(|i| i.data) {
            Some(data) => (data.put)(batch, at, (data.read)(self, v, at)?),
            None => Err(StoreError::Corrupt { kind: kind.name(), reason: "not expected where it is stored".into() }),
        }
    }
}

#[cfg(test)]
mod tests;
