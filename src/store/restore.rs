//! Restoring a backup: all or nothing, and whole.
//!
//! The passphrase is checked against the backup's keyring before anything is written. The
//! backup is restored into a directory beside the data directory's database (`db.restoring`),
//! cleaned of what belonged to people erased after it was written, and only then renamed into
//! place: a stop at any moment leaves either no caseload (and a leftover the next restore
//! removes) or the whole one.

use std::path::Path;

use super::StoreError;
use super::backup::{Entry, KEYSLOT_ENTRIES, decode};
use super::codec;
use super::crypto::{FIRST_PARTICIPANT_KEY, Key, Keyring, Keys};
use super::error::io_error;
use super::keyslots::{KeySlots, SLOTS};
use super::registry::{self, Erase, Tree};
use super::repo::{Store, create_private_dir, write_generation};

const RESTORING: &str = "db.restoring";
/// Set in `meta` while a restore fills the database, removed as its last step.
pub(super) const META_RESTORING: &[u8] = b"restore_incomplete";

/// A backup file, read and checked whole.
pub struct Backup {
    entries: Vec<Entry>,
}

/// The master key of a backup, from its passphrase.
pub struct BackupKey(Key);

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Values restored.
    pub records: usize,
    /// Values left out because they belonged to someone erased after the backup was written.
    pub skipped: usize,
}

impl Backup {
    /// Reads a backup file; one that is cut short or altered is refused as a whole.
    pub fn read(file: &Path) -> Result<Backup, StoreError> {
        let bytes = std::fs::read(file).map_err(io_error)?;
        Ok(Backup { entries: decode(&bytes)? })
    }

    /// Opens the backup's keyring with `passphrase` ([`StoreError::WrongPassphrase`] if wrong).
    pub fn unlock(&self, passphrase: &str) -> Result<BackupKey, StoreError> {
        let raw = self
            .entries
            .iter()
            .find(|(t, k, _)| t == "meta" && k.as_slice() == b"keyring")
            .ok_or_else(|| StoreError::Corrupt { kind: "backup file", reason: "it holds no keyring".into() })?;
        let ring: Keyring = codec::decode_plain(&raw.2)?;
        Ok(BackupKey(ring.unlock(passphrase)?))
    }
}

impl Store {
    /// Restores `backup` into `dir`, which must not hold a caseload (an empty one left by an
    /// earlier start is replaced).
    pub fn restore(backup: &Backup, key: &BackupKey, dir: &Path) -> Result<Restored, StoreError> {
        create_private_dir(dir)?;
        let db_dir = dir.join("db");
        if db_dir.exists() {
            let locked = Store::open_locked(dir)?;
            if locked.state()? != super::StoreState::New {
                return Err(StoreError::AlreadyInitialised);
            }
            drop(locked);
            std::fs::remove_dir_all(&db_dir).map_err(io_error)?;
        }
        let beside = dir.join(RESTORING);
        if beside.exists() {
            std::fs::remove_dir_all(&beside).map_err(io_error)?;
        }
        let db = super::keys::open_db(&beside)?;
        db.open_tree("meta")?.insert(META_RESTORING, &[1u8][..])?;
        let keys = Keys::new(key.0.clone());
        let slots = KeySlots::at(&beside);
        let mut records = 0;
        let mut trees: std::collections::BTreeMap<&str, sled::Batch> = Default::default();
        for (tree, k, v) in &backup.entries {
            if tree == KEYSLOT_ENTRIES {
                let epoch =
                    u64::from_be_bytes(k.as_slice().try_into().map_err(|_| StoreError::Corrupt {
                        kind: "backup file",
                        reason: "key epoch unreadable".into(),
                    })?);
                let filled = slots.read()?.len();
                if filled >= SLOTS {
                    return Err(StoreError::Corrupt { kind: "backup file", reason: "too many key epochs".into() });
                }
                slots.put(filled, epoch, &keys.open_secret(epoch, v)?)?;
                continue;
            }
            trees.entry(tree.as_str()).or_default().insert(k.as_slice(), v.as_slice());
            records += 1;
        }
        // Over the backup's own entry: the restored directory becomes a device of its own (a new
        // id, numbers from a block of its own) when it is first opened (see `device`).
        trees.entry("meta").or_default().insert(super::device::META_DEVICE_HOME, super::device::RESTORED_HOME);
        for (tree, batch) in trees {
            db.open_tree(tree.as_bytes())?.apply_batch(batch)?;
        }
        db.flush()?;
        let store = Store::with_db(db, None, KeySlots::at(&beside), keys, None)?;
        let skipped = store.drop_erased_remnants()?;
        store.meta.remove(META_RESTORING)?;
        store.flush()?;
        let generation = store.generation.load(std::sync::atomic::Ordering::SeqCst);
        let id = store.meta.get(super::highwater::META_CASELOAD_ID)?.map(|v| v.to_vec());
        drop(store);
        std::fs::rename(&beside, &db_dir).map_err(io_error)?;
        super::keys::sync_dir(dir);
        write_generation(dir, generation)?;
        super::highwater::record_restored(dir, id.as_deref(), generation);
        Ok(Restored { records, skipped })
    }

    /// Removes what belongs to people whose key was destroyed at an erasure after a backup was
    /// written (their records, index entries and attendance marks); how many records went.
    /// Through the write path: the records as tombstones of an erasure, then what pointed at them.
    fn drop_erased_remnants(&self) -> Result<usize, StoreError> {
        let destroyed = |v: &[u8]| -> Result<bool, StoreError> {
            let Ok(h) = codec::header(v) else { return Ok(false) };
            Ok(h.key_id >= FIRST_PARTICIPANT_KEY && !self.keys.has_key(h.key_id)?)
        };
        // Every value sealed under a destroyed key: the person's records of every kind.
        let mut batch = self.batch();
        batch.erasure = true;
        let mut skipped = 0;
        for tree in record_trees() {
            for item in self.tree(tree).iter() {
                let (k, v) = item?;
                if destroyed(&v)? {
                    batch.delete(codec::header(&v)?.kind, k.to_vec(), None);
                    skipped += 1;
                }
            }
        }
        self.commit(batch)?;
        // Index entries, summaries and attendance marks that point at nobody any more.
        let known = |id: &[u8]| self.participants.contains_key(id);
        let mut batch = self.batch();
        for t in Tree::ALL.into_iter().filter(|t| t.is_raw()) {
            for item in self.tree(t).iter() {
                let (k, v) = item?;
                if let Some(owner) = t.index_owner(&k, &v)
                    && !known(owner)?
                {
                    batch.index_remove(t, k.to_vec());
                }
            }
        }
        for info in registry::kinds().iter().filter(|i| i.erase == Erase::KeyedByOwner) {
            for k in self.tree(info.tree).iter().keys() {
                let k = k?;
                if !known(&k)? {
                    batch.delete(info.kind, k.to_vec(), None);
                }
            }
        }
        self.remove_marks(&mut batch, |who| Ok(!known(who.as_bytes())?))?;
        self.commit(batch)?;
        Ok(skipped)
    }
}

/// The trees that hold sealed records of people (not the bookkeeping in `meta`, not keys).
pub(super) fn record_trees() -> Vec<Tree> {
    let mut trees: Vec<Tree> = registry::kinds()
        .iter()
        .filter(|i| !matches!(i.erase, Erase::NotPersonal | Erase::KeyMaterial))
        .map(|i| i.tree)
        .collect();
    trees.sort();
    trees.dedup();
    trees
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contact::{Channel, Contact, Initiative, Reached, RecordId};
    use crate::domain::{Participant, ParticipantId};
    use crate::store::crypto::{KdfParams, KeyChunk};

    const PASS: &str = "test passphrase";

    fn people(store: &Store, n: usize) -> Vec<Participant> {
        let now = chrono::Utc::now();
        let added = store
            .add_participants(
                (0..n)
                    .map(|i| {
                        let mut p = Participant::new(ParticipantId::new_random(), 0, now);
                        p.family_name = format!("Jansen {i}");
                        p
                    })
                    .collect(),
            )
            .unwrap();
        for p in &added {
            let c = Contact {
                id: RecordId::new_random(),
                participant: p.id,
                at: now.naive_utc(),
                channel: Channel::Phone,
                initiative: Initiative::Coach,
                minutes: 20,
                reached: Reached::Made,
                life_areas: Vec::new(),
                summary: "Gesprek".into(),
                coach: "Sanne".into(),
                created_at: now,
                withdrawn: false,
                history: Vec::new(),
            };
            store.save_contact(&c).unwrap();
        }
        added
    }

    #[test]
    fn a_backup_whose_key_an_older_meedoen_destroyed_restores_without_that_persons_records() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::create(&tmp.path().join("a"), PASS, KdfParams::LIGHT_FOR_TESTS).unwrap();
        let added = people(&store, 5);
        let mut entries = store.entries().unwrap();
        // What the erasure of an older meedoen did to a backup: the key destroyed, nothing else.
        let gone = store.keys.id_of(added[2].id).unwrap().unwrap();
        let at = super::super::keys::chunk_key(gone);
        let (_, _, v) = entries.iter_mut().find(|(t, k, _)| t == "keys" && k.as_slice() == at).unwrap();
        let mut chunk: KeyChunk = codec::decode_plain(v).unwrap();
        super::super::keys::set_keys(&mut chunk, vec![(gone, None)]);
        *v = codec::encode_plain(&chunk).unwrap();
        let file = tmp.path().join("oud.backup");
        std::fs::write(&file, super::super::backup::encode(&entries)).unwrap();
        drop(store);

        let backup = Backup::read(&file).unwrap();
        assert!(matches!(backup.unlock("wrong passphrase"), Err(StoreError::WrongPassphrase)));
        let dir = tmp.path().join("b");
        let done = Store::restore(&backup, &backup.unlock(PASS).unwrap(), &dir).unwrap();
        assert!(done.skipped >= 2, "the participant record and the contact: {done:?}");
        let store = Store::open(&dir, PASS).unwrap();
        assert_eq!(store.participants().unwrap().len(), 4);
        assert_eq!(store.check().unwrap(), Vec::<String>::new());
        assert!(store.participant(added[2].id).unwrap().is_none());
        assert_eq!(store.contacts_of(added[3].id).unwrap().len(), 1);
    }

    #[test]
    fn check_tells_a_restore_that_did_not_finish_and_a_caseload_is_never_restored_over() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a");
        let store = Store::create(&dir, PASS, KdfParams::LIGHT_FOR_TESTS).unwrap();
        people(&store, 2);
        let file = tmp.path().join("b.backup");
        store.write_backup(&file).unwrap();
        store.meta.insert(META_RESTORING, &[1u8][..]).unwrap();
        let problems = store.check().unwrap();
        assert!(problems.iter().any(|p| p.contains("restore into this caseload did not finish")), "{problems:?}");
        drop(store);
        let backup = Backup::read(&file).unwrap();
        let key = backup.unlock(PASS).unwrap();
        assert!(matches!(Store::restore(&backup, &key, &dir), Err(StoreError::AlreadyInitialised)));
        // An empty caseload (a start that created nothing) and a leftover of a stopped restore
        // are replaced.
        let empty = tmp.path().join("leeg");
        drop(Store::open_locked(&empty).unwrap());
        std::fs::create_dir_all(empty.join(RESTORING)).unwrap();
        std::fs::write(empty.join(RESTORING).join("db"), b"half").unwrap();
        let done = Store::restore(&backup, &key, &empty).unwrap();
        assert_eq!(done.skipped, 0);
        assert!(!empty.join(RESTORING).exists());
        let store = Store::open(&empty, PASS).unwrap();
        assert_eq!(store.participants().unwrap().len(), 2);
        assert_eq!(store.check().unwrap(), Vec::<String>::new());
    }
}
