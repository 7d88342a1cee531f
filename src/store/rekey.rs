//! Key epochs in the store (see `crypto::epoch`): taking them in on open, starting a new one at
//! an erasure, and the one-time rewrite of a store from before epochs into a new data file.

use std::path::Path;

use super::StoreError;
use super::codec;
use super::crypto::{Key, KeyChunk, Keys, WrappedKey};
use super::error::io_error;
use super::keyslots::{KeySlots, SLOTS};
use super::repo::Store;

/// Directory names while a store from before key epochs is rewritten (store version 3).
pub(super) const REWRITING: &str = "db.rewriting";
pub(super) const REWRITE_OLD: &str = "db.before-rewrite";

impl Store {
    /// Takes in the secrets of the key slot file. Two filled slots mean a new epoch was being
    /// started when the program stopped: the one no stored key uses is overwritten. A store
    /// without any (new) starts epoch 1.
    pub(super) fn open_epochs(&self) -> Result<(), StoreError> {
        let filled = self.slots.read()?;
        for f in &filled {
            self.keys.add_epoch(f.epoch, &f.secret)?;
        }
        match filled.as_slice() {
            [] => {
                let in_use = self.keys.epochs_in_use()?;
                if in_use.is_empty() {
                    let secret = Key::random();
                    self.slots.put(0, 1, &secret)?;
                    self.keys.add_epoch(1, &secret)?;
                    self.keys.set_current_epoch(1)?;
                } else if in_use.iter().any(|e| *e != 0) {
                    // Never wrap new keys under the master key alone for want of the file.
                    return Err(StoreError::Corrupt {
                        kind: "key slot file",
                        reason: "db/keyslots is missing or damaged, so no participant key opens".into(),
                    });
                }
                // Otherwise keys wrapped by the master key alone (before store version 3),
                // until the rewrite moves them to a key epoch.
                Ok(())
            }
            [one] => self.keys.set_current_epoch(one.epoch),
            [a, b, ..] => {
                let in_use = self.keys.epochs_in_use()?;
                let (keep, drop) = match (in_use.contains(&a.epoch), in_use.contains(&b.epoch)) {
                    (true, false) => (a, b),
                    (false, true) => (b, a),
                    _ if a.epoch > b.epoch => (a, b),
                    _ => (b, a),
                };
                self.slots.wipe(drop.slot)?;
                self.keys.forget_epoch(drop.epoch)?;
                self.keys.set_current_epoch(keep.epoch)
            }
        }
    }

    /// The current epoch and its secret, as a backup carries them; `None` for keys from before
    /// store version 3 (wrapped by the master key alone).
    pub(super) fn current_secret(&self) -> Result<Option<(u64, Key)>, StoreError> {
        let current = self.keys.current_epoch()?;
        Ok(self.slots.read()?.into_iter().find(|f| f.epoch == current).map(|f| (current, f.secret)))
    }

    /// Starts a new key epoch: a new secret in the free slot, every remaining participant key
    /// rewrapped under it in one batch, then the old secret overwritten. Keys already forgotten
    /// in memory ([`Keys::forget`]) are stored destroyed. A stop at any point leaves a store that
    /// opens: before the batch the old epoch holds (the new secret is dropped on open), after it
    /// the new one (the old secret is overwritten on open).
    pub(super) fn new_epoch(&self) -> Result<(), StoreError> {
        let filled = self.slots.read()?;
        let old_epoch = self.keys.current_epoch()?;
        let old_slot = filled.iter().find(|f| f.epoch == old_epoch).map(|f| f.slot);
        let slot = (0..SLOTS).find(|s| Some(*s) != old_slot).unwrap_or(0);
        let epoch = filled.iter().map(|f| f.epoch).max().unwrap_or(0).max(old_epoch) + 1;
        let secret = Key::random();
        self.slots.put(slot, epoch, &secret)?;
        self.keys.add_epoch(epoch, &secret)?;
        let rewrapped = self.keys.rewrapped(epoch)?;
        let by_id: std::collections::HashMap<u32, WrappedKey> = rewrapped.iter().cloned().collect();
        // Every stored value rewritten where it is: no key changes its place.
        let writing = self.writing_keys()?;
        let mut batch = sled::Batch::default();
        for item in self.key_tree.iter() {
            let (k, v) = item?;
            let mut entries = super::keys::entries_in(&k, &v)?;
            for (id, w) in entries.iter_mut() {
                *w = by_id.get(id).cloned();
            }
            match entries.pop() {
                // One key per entry (a store before version 2 that was never opened since).
                Some((_, w)) if k.len() == 4 => match w {
                    Some(w) => batch.insert(k, codec::encode_plain(&w)?),
                    None => batch.insert(k, Vec::new()),
                },
                last => {
                    entries.extend(last);
                    batch.insert(k, codec::encode_plain(&KeyChunk { keys: entries })?);
                }
            }
        }
        self.key_tree.apply_batch(batch)?;
        drop(writing);
        self.flush()?;
        self.keys.adopt(epoch, &rewrapped)?;
        if let Some(old) = old_slot {
            self.slots.wipe(old)?;
        }
        if old_epoch != 0 {
            self.keys.forget_epoch(old_epoch)?;
        }
        Ok(())
    }
}

/// Every participant key entry of a `keys` tree, in either layout: key id and the wrapped key,
/// `None` for one destroyed at an erasure.
pub(super) fn key_entries(tree: &sled::Tree) -> Result<Vec<(u32, Option<WrappedKey>)>, StoreError> {
    let mut out = Vec::new();
    for item in tree.iter() {
        let (k, v) = item?;
        out.extend(super::keys::entries_in(&k, &v)?);
    }
    Ok(out)
}

/// Rewrites the store in `old` (a data file from before key epochs, whose participant keys are
/// wrapped by the master key alone) into a new database directory `target`: every value as it
/// is, the participant keys rewrapped under a new epoch with a new secret, in chunks. sled keeps old
/// values in its file, so only a new file holds no key that the passphrase alone can open.
pub(super) fn rewrite_into(
    old: &sled::Db,
    old_dir: &Path,
    master: &Key,
    target: &Path,
    version: u32,
) -> Result<(), StoreError> {
    if target.exists() {
        std::fs::remove_dir_all(target).map_err(io_error)?;
    }
    let keys = Keys::new(master.clone());
    // Keys already under an epoch (a restored backup that an erasure had cleaned) open too.
    for f in KeySlots::at(old_dir).read()? {
        keys.add_epoch(f.epoch, &f.secret)?;
    }
    let old_keys = old.open_tree("keys")?;
    let entries = key_entries(&old_keys)?;
    keys.load_all(Box::new(entries.clone().into_iter().filter_map(|(id, w)| w.map(|w| Ok((id, w))))))?;
    let epoch = KeySlots::at(old_dir).read()?.iter().map(|f| f.epoch).max().unwrap_or(0) + 1;
    let secret = Key::random();
    keys.add_epoch(epoch, &secret)?;
    let rewrapped: std::collections::HashMap<u32, WrappedKey> = keys.rewrapped(epoch)?.into_iter().collect();
    let new = super::keys::open_db(target)?;
    KeySlots::at(target).put(0, epoch, &secret)?;
    for name in old.tree_names() {
        if name.as_ref() == b"keys" {
            continue;
        }
        let (from, to) = (old.open_tree(&name)?, new.open_tree(&name)?);
        let mut batch = sled::Batch::default();
        for item in from.iter() {
            let (k, v) = item?;
            batch.insert(k, v);
        }
        to.apply_batch(batch)?;
    }
    let chunks = super::keys::chunks_of(entries.into_iter().map(|(id, _)| (id, rewrapped.get(&id).cloned())));
    let key_tree = new.open_tree("keys")?;
    let mut batch = sled::Batch::default();
    for (k, chunk) in chunks {
        batch.insert(&k, codec::encode_plain(&chunk)?);
    }
    key_tree.apply_batch(batch)?;
    new.open_tree("meta")?.insert(super::repo::META_VERSION, &version.to_be_bytes())?;
    new.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Participant, ParticipantId};
    use crate::store::crypto::KdfParams;

    const PASS: &str = "test passphrase";

    #[test]
    fn a_stop_while_a_new_epoch_starts_leaves_one_secret_and_every_key_readable() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("c");
        let store = Store::create(&dir, PASS, KdfParams::LIGHT_FOR_TESTS).unwrap();
        let now = chrono::Utc::now();
        store
            .add_participants((0..70).map(|_| Participant::new(ParticipantId::new_random(), 0, now)).collect())
            .unwrap();
        let first = store.keys.current_epoch().unwrap();
        assert_eq!(first, 1, "a new caseload starts at epoch 1");
        // Stopped after the new secret was written, before the keys were stored under it.
        store.slots.put(1, first + 1, &Key::random()).unwrap();
        drop(store);
        let store = Store::open(&dir, PASS).unwrap();
        assert_eq!(store.slots.read().unwrap().iter().map(|f| f.epoch).collect::<Vec<_>>(), vec![first]);
        assert_eq!(store.participants().unwrap().len(), 70);
        // Stopped after the keys were stored under the new epoch, before the old secret went.
        let old = store.slots.read().unwrap().remove(0);
        store.new_epoch().unwrap();
        let new = store.keys.current_epoch().unwrap();
        assert_eq!(new, first + 1);
        store.slots.put(old.slot, old.epoch, &old.secret).unwrap();
        drop(store);
        let store = Store::open(&dir, PASS).unwrap();
        assert_eq!(store.slots.read().unwrap().iter().map(|f| f.epoch).collect::<Vec<_>>(), vec![new]);
        assert_eq!(store.participants().unwrap().len(), 70);
        assert_eq!(store.check().unwrap(), Vec::<String>::new());
        // New keys go under the new epoch.
        let p = store.add_participant(Participant::new(ParticipantId::new_random(), 0, now)).unwrap();
        assert_eq!(store.keys.epochs_in_use().unwrap().into_iter().collect::<Vec<_>>(), vec![new]);
        assert!(store.participant(p.id).unwrap().is_some());
    }

    #[test]
    fn a_caseload_whose_key_slot_file_is_gone_is_refused_with_a_clear_message() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("c");
        {
            let store = Store::create(&dir, PASS, KdfParams::LIGHT_FOR_TESTS).unwrap();
            store.add_participant(Participant::new(ParticipantId::new_random(), 0, chrono::Utc::now())).unwrap();
        }
        std::fs::remove_file(dir.join("db").join(super::super::keyslots::FILE_NAME)).unwrap();
        let Err(StoreError::Corrupt { kind, reason }) = Store::open(&dir, PASS) else {
            panic!("a caseload without its key slots must not open")
        };
        assert_eq!((kind, reason.contains("db/keyslots")), ("key slot file", true));
    }

    #[test]
    fn a_store_from_before_key_epochs_is_rewritten_into_a_new_file_once() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("c");
        {
            let store = Store::create(&dir, PASS, KdfParams::LIGHT_FOR_TESTS).unwrap();
            let now = chrono::Utc::now();
            store
                .add_participants((0..5).map(|_| Participant::new(ParticipantId::new_random(), 0, now)).collect())
                .unwrap();
            // As version 2 stored it: every key wrapped by the master key, no slot file.
            let rewrapped = store.keys.rewrapped(0).unwrap();
            store.put_keys(rewrapped.into_iter().map(|(id, w)| (id, Some(w))).collect()).unwrap();
            store.meta.insert(crate::store::repo::META_VERSION, &2u32.to_be_bytes()).unwrap();
            store.flush().unwrap();
        }
        std::fs::remove_file(dir.join("db").join(super::super::keyslots::FILE_NAME)).unwrap();
        let store = Store::open(&dir, PASS).unwrap();
        assert_eq!(store.participants().unwrap().len(), 5);
        assert_eq!(store.keys.epochs_in_use().unwrap().into_iter().collect::<Vec<_>>(), vec![1]);
        assert!(!dir.join(REWRITING).exists() && !dir.join(REWRITE_OLD).exists());
        assert_eq!(store.check().unwrap(), Vec::<String>::new());
    }
}
