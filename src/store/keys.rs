//! Opening a caseload: the passphrase, the keys, sealing every record, and the one-time
//! encryption of a store written before encryption existed.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use rand::Rng;

use super::StoreError;
use super::codec::{self, Kind, Record};
use super::crypto::{FIRST_RANDOM_KEY_ID, KdfParams, Key, KeyReader, Keyring, Keys, MASTER_KEY_ID};
use super::error::io_error;
use super::highwater::read_generation;
use super::keyslots::KeySlots;
use super::repo::{GENERATION_FILE, META_GENERATION, Store, create_private_dir};

pub(super) const META_KEYRING: &[u8] = b"keyring";
/// Directory names used while a plain store is rewritten encrypted.
const ENCRYPTING: &str = "db.encrypting";
const PLAIN_OLD: &str = "db.plain-old";
/// Directory names while a caseload is sealed again under a team's key (see `team_key`).
pub(super) const TEAM_KEYING: &str = "db.team-key";
pub(super) const BEFORE_TEAM_KEY: &str = "db.before-team-key";

/// What a data directory holds, before its passphrase is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreState {
    /// Nothing yet: `meedoen init` (or the first start) creates a caseload.
    New,
    /// A caseload from before encryption: the first unlock encrypts it.
    Plain,
    /// An encrypted caseload.
    Encrypted,
}

/// A caseload whose files are open (and locked against other windows) but whose keys are not.
pub struct LockedStore {
    db: sled::Db,
    dir: PathBuf,
    /// The participant keys, read while the passphrase is asked.
    reader: Option<KeyReader>,
}

pub(super) fn open_db(path: &Path) -> Result<sled::Db, StoreError> {
    match open_db_once(path) {
        // sled 0.34 takes a snapshot file that a kill left half-written ("snap.N.generating") for
        // its newest snapshot and refuses to open the caseload. Such a file is never a finished
        // snapshot (sled renames it when it is complete): remove it and open again. sled held
        // the file lock when it refused, so no other meedoen is writing one.
        Err(StoreError::Corrupt { .. }) if remove_partial_snapshots(path)? > 0 => open_db_once(path),
        other => other,
    }
}

/// Removes the snapshot files sled did not finish writing; how many there were.
fn remove_partial_snapshots(db: &Path) -> Result<usize, StoreError> {
    let Ok(entries) = std::fs::read_dir(db) else { return Ok(0) };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            std::fs::remove_file(entry.path()).map_err(io_error)?;
            removed += 1;
        }
    }
    Ok(removed)
}

fn open_db_once(path: &Path) -> Result<sled::Db, StoreError> {
    // sled releases its file lock from background threads a moment after the last handle is
    // dropped, so a caseload this process just closed may still be locked: wait briefly
    // before telling the coach it is open elsewhere.
    let mut tries = 0;
    loop {
        // A damaged data file can make sled panic while it recovers: that is a damaged caseload.
        let opened = super::damage::catching(|| {
            sled::Config::new().path(path).flush_every_ms(Some(200)).open().map_err(StoreError::from)
        });
        match opened {
            Err(StoreError::Locked) if tries < 250 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            other => return other,
        }
    }
}

/// Finishes or undoes an encryption rewrite that a crash interrupted.
/// (Both rewrites: into an encrypted store, and into key epochs; see [`swap_in`].)
fn recover_rewrite(dir: &Path) -> Result<(), StoreError> {
    for (new, old) in
        [(ENCRYPTING, PLAIN_OLD), (super::rekey::REWRITING, super::rekey::REWRITE_OLD), (TEAM_KEYING, BEFORE_TEAM_KEY)]
    {
        let (db, new, old) = (dir.join("db"), dir.join(new), dir.join(old));
        if new.exists() && !db.exists() && old.exists() {
            std::fs::rename(&new, &db).map_err(io_error)?;
        }
        for leftover in [new, old] {
            if leftover.exists() && db.exists() {
                std::fs::remove_dir_all(&leftover).map_err(io_error)?;
            }
        }
    }
    Ok(())
}

/// Puts the finished database `new` (a directory beside `db`) in the place of `db`: `db` is
/// renamed to `old`, `new` to `db`, and `old` removed. A stop at any point leaves either store
/// whole, and [`recover_rewrite`] finishes the swap at the next open.
pub(super) fn swap_in(dir: &Path, new: &str, old: &str) -> Result<(), StoreError> {
    std::fs::rename(dir.join("db"), dir.join(old)).map_err(io_error)?;
    std::fs::rename(dir.join(new), dir.join("db")).map_err(io_error)?;
    sync_dir(dir);
    std::fs::remove_dir_all(dir.join(old)).map_err(io_error)
}

/// Makes renames in `dir` durable (best effort: not every platform can sync a directory).
pub(super) fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

impl LockedStore {
    /// An empty database where `saved-generation` says a caseload was saved (the data file
    /// emptied or deleted) is a lost caseload, not a new one: [`StoreError::Truncated`], so a
    /// new caseload is never created over it. Restoring a backup is the way back.
    pub fn check_nothing_lost(&self) -> Result<(), StoreError> {
        match read_generation(&self.dir)? {
            Some(expected) if expected > 0 && self.state()? == StoreState::New => {
                Err(StoreError::Truncated { expected, found: 0 })
            }
            _ => Ok(()),
        }
    }

    pub fn state(&self) -> Result<StoreState, StoreError> {
        super::damage::catching(|| self.state_unguarded())
    }

    fn state_unguarded(&self) -> Result<StoreState, StoreError> {
        let meta = self.db.open_tree("meta")?;
        if meta.get(META_KEYRING)?.is_some() {
            return Ok(StoreState::Encrypted);
        }
        let mut has_data = false;
        for name in self.db.tree_names() {
            if name.as_ref() != b"__sled__default" && !self.db.open_tree(&name)?.is_empty() {
                has_data = true;
            }
        }
        Ok(if has_data { StoreState::Plain } else { StoreState::New })
    }

    /// Unlocks an encrypted caseload, or encrypts a plain one under `passphrase`.
    pub fn unlock(self, passphrase: &str) -> Result<Store, StoreError> {
        match self.state()? {
            StoreState::New => Err(StoreError::NotInitialised),
            StoreState::Plain => self.encrypt_plain(passphrase, KdfParams::STANDARD),
            StoreState::Encrypted => {
                let meta = self.db.open_tree("meta")?;
                let raw = meta.get(META_KEYRING)?.ok_or(StoreError::NotInitialised)?;
                let ring: Keyring = codec::decode_plain(&raw)?;
                let master = ring.unlock(passphrase)?;
                let version = match meta.get(super::repo::META_VERSION)? {
                    Some(v) => u32::from_be_bytes(v.as_ref().try_into().unwrap_or([0; 4])),
                    None => 0,
                };
                if version < super::repo::STORE_VERSION {
                    return self.rewrite_into_epochs(master);
                }
                let slots = KeySlots::at(&self.dir.join("db"));
                let store = Store::with_db(self.db, Some(self.dir.clone()), slots, Keys::new(master), self.reader)?;
                store.check_generation()?;
                Ok(store)
            }
        }
    }

    /// Opens the caseload with a master key already unlocked (reopening after a full disk).
    pub(super) fn with_master(self, master: Key) -> Result<Store, StoreError> {
        let slots = KeySlots::at(&self.dir.join("db"));
        let store = Store::with_db(self.db, Some(self.dir.clone()), slots, Keys::new(master), self.reader)?;
        store.check_generation()?;
        Ok(store)
    }

    /// Creates a new caseload protected by `passphrase`.
    pub fn init(self, passphrase: &str, kdf: KdfParams) -> Result<Store, StoreError> {
        self.init_with_master(passphrase, kdf, Key::random())
    }

    /// [`LockedStore::init`] with the master key given: a replica of a team's caseload shares
    /// the team's master key (it came sealed in the invite), wrapped under this coach's own
    /// passphrase.
    pub fn init_with_master(self, passphrase: &str, kdf: KdfParams, master: Key) -> Result<Store, StoreError> {
        if self.state()? != StoreState::New {
            return Err(StoreError::AlreadyInitialised);
        }
        self.check_nothing_lost()?;
        let ring = Keyring::new(&master, passphrase, kdf)?;
        self.db.open_tree("meta")?.insert(META_KEYRING, codec::encode_plain(&ring)?)?;
        let slots = KeySlots::at(&self.dir.join("db"));
        let store = Store::with_db(self.db, Some(self.dir.clone()), slots, Keys::new(master), self.reader)?;
        store.check_generation()?;
        Ok(store)
    }

    /// Store version 3: a store whose participant keys are wrapped by the master key alone is
    /// rewritten into a new data file with its keys under key epoch 1 (see `rekey`), and the old
    /// file is removed whole, so no copy of a key that the passphrase alone opens stays behind.
    fn rewrite_into_epochs(self, master: Key) -> Result<Store, StoreError> {
        let dir = self.dir.clone();
        // The rewrite reads the keys itself; the reader must be done with the old file first.
        drop(self.reader);
        // A store from before version 2 is converted by the rewrite too (keys into chunks).
        let target = dir.join(super::rekey::REWRITING);
        super::rekey::rewrite_into(&self.db, &dir.join("db"), &master, &target, super::repo::STORE_VERSION)?;
        drop(self.db);
        swap_in(&dir, super::rekey::REWRITING, super::rekey::REWRITE_OLD)?;
        let locked = Store::open_locked(&dir)?;
        let slots = KeySlots::at(&dir.join("db"));
        let store = Store::with_db(locked.db, Some(dir.clone()), slots, Keys::new(master), locked.reader)?;
        store.check_generation()?;
        Ok(store)
    }

    /// Rewrites a store from before encryption into a new, encrypted one beside it, then swaps
    /// the directories: the plain data file is removed as a whole, so no plain copy of a record
    /// stays behind in it. A crash at any point leaves either the old or the new store.
    fn encrypt_plain(self, passphrase: &str, kdf: KdfParams) -> Result<Store, StoreError> {
        let dir = self.dir.clone();
        let target = dir.join(ENCRYPTING);
        if target.exists() {
            std::fs::remove_dir_all(&target).map_err(io_error)?;
        }
        let master = Key::random();
        let ring = Keyring::new(&master, passphrase, kdf)?;
        {
            let mut reading = Keys::new(Key::random());
            reading.allow_plain = true;
            let new_db = open_db(&target)?;
            new_db.open_tree("meta")?.insert(META_KEYRING, codec::encode_plain(&ring)?)?;
            let new = Store::with_db(new_db, None, KeySlots::at(&target), Keys::new(master), None)?;
            for name in self.db.tree_names() {
                let old = self.db.open_tree(&name)?;
                let tree = new.db.open_tree(&name)?;
                let mut batch = sled::Batch::default();
                for item in old.iter() {
                    let (k, v) = item?;
                    // Index values that are ids or empty, and the counters in meta, are not records.
                    let raw = super::registry::Tree::from_name(&name).is_none_or(|t| t.is_raw())
                        || (name.as_ref() == b"meta" && k.as_ref() != b"settings");
                    if raw {
                        batch.insert(k, v);
                    } else {
                        batch.insert(k.clone(), reseal(&v, &k, &reading, &new)?);
                    }
                }
                tree.apply_batch(batch)?;
            }
            // Its records were written before the change log: they get entries when next written.
            new.meta.insert(super::changelog::META_LOG_LEGACY, &[1u8][..])?;
            new.flush()?;
        }
        drop(self.reader);
        drop(self.db);
        std::fs::rename(dir.join("db"), dir.join(PLAIN_OLD)).map_err(io_error)?;
        std::fs::rename(&target, dir.join("db")).map_err(io_error)?;
        std::fs::remove_dir_all(dir.join(PLAIN_OLD)).map_err(io_error)?;
        let _ = std::fs::remove_file(dir.join(GENERATION_FILE));
        Store::open(&dir, passphrase)
    }
}

/// Re-encodes one stored value under the right key of `new` (its kind's registry entry).
fn reseal(bytes: &[u8], at: &[u8], reading: &Keys, new: &Store) -> Result<Vec<u8>, StoreError> {
    let kind = codec::header(bytes)?.kind;
    match super::registry::info(kind).and_then(|i| i.reseal) {
        Some(reseal) => reseal(bytes, at, reading, new),
        None => Err(StoreError::Corrupt {
            kind: kind.name(),
            reason: "not expected in a store from before encryption".into(),
        }),
    }
}

impl Store {
    /// Opens the files of the caseload in `dir` without unlocking it (the directory is created
    /// owner-only). A caseload that another meedoen holds gives [`StoreError::Locked`].
    pub fn open_locked(dir: &Path) -> Result<LockedStore, StoreError> {
        create_private_dir(dir)?;
        // A caseload written under a looser umask (or by an older meedoen) is made owner-only.
        super::files::restrict_tree(dir)
            .map_err(|e| StoreError::DataDir { path: dir.to_path_buf(), reason: e.to_string() })?;
        recover_rewrite(dir)?;
        super::space::remove_partial_files(dir);
        let db = open_db(&dir.join("db"))?;
        let keys = db.open_tree("keys")?;
        let reader = KeyReader::start(move || stored_keys(&keys));
        Ok(LockedStore { db, dir: dir.to_path_buf(), reader })
    }

    /// Opens and unlocks the caseload in `dir` (see [`LockedStore::unlock`]).
    pub fn open(dir: &Path, passphrase: &str) -> Result<Store, StoreError> {
        Store::open_locked(dir)?.unlock(passphrase)
    }

    /// Creates a new caseload in `dir` protected by `passphrase`.
    pub fn create(dir: &Path, passphrase: &str, kdf: KdfParams) -> Result<Store, StoreError> {
        Store::open_locked(dir)?.init(passphrase, kdf)
    }

    /// Opens the caseload in `dir`, creating it first if the directory holds none.
    pub fn open_or_create(dir: &Path, passphrase: &str, kdf: KdfParams) -> Result<Store, StoreError> {
        let locked = Store::open_locked(dir)?;
        match locked.state()? {
            StoreState::New => locked.init(passphrase, kdf),
            _ => locked.unlock(passphrase),
        }
    }

    /// Changes the passphrase: the master key is rewrapped, nothing else is rewritten.
    pub fn change_passphrase(&self, old: &str, new: &str) -> Result<(), StoreError> {
        let raw = self.meta.get(META_KEYRING)?.ok_or(StoreError::NotInitialised)?;
        let ring: Keyring = codec::decode_plain(&raw)?;
        ring.unlock(old)?;
        let ring = Keyring::new(self.keys.master(), new, ring.kdf)?;
        self.meta.insert(META_KEYRING, codec::encode_plain(&ring)?)?;
        self.flush()
    }

    /// Checks a passphrase against this store's keyring (the lock screen).
    pub fn verify_passphrase(&self, passphrase: &str) -> Result<(), StoreError> {
        let raw = self.meta.get(META_KEYRING)?.ok_or(StoreError::NotInitialised)?;
        let ring: Keyring = codec::decode_plain(&raw)?;
        let master = ring.unlock(passphrase)?;
        if master.bytes() == self.keys.master().bytes() { Ok(()) } else { Err(StoreError::WrongPassphrase) }
    }

    /// Starts loading every participant key (the `reader` that read them while the passphrase
    /// was asked, or a new one) and reads the flush generation.
    pub(super) fn load_keys(&self, reader: Option<KeyReader>) -> Result<(), StoreError> {
        let tree = self.key_tree.clone();
        match reader.or_else(|| KeyReader::start(move || stored_keys(&tree))) {
            Some(reader) => self.keys.take_reader(reader)?,
            None => self.keys.load_all(stored_keys(&self.key_tree))?,
        }
        let g = match self.meta.get(META_GENERATION)? {
            Some(v) => u64::from_be_bytes(v.as_ref().try_into().unwrap_or([0; 8])),
            None => 0,
        };
        self.generation.store(g, Ordering::SeqCst);
        Ok(())
    }

    /// Makes sure these people have a data key (call before a transaction that seals their
    /// records): new keys are written one chunk at a time.
    pub(super) fn ensure_keys(
        &self,
        people: impl IntoIterator<Item = crate::domain::ParticipantId>,
    ) -> Result<(), StoreError> {
        self.ensure_tagged_keys(people.into_iter().map(|p| (p, None)))
    }

    /// [`Store::ensure_keys`], each new key tagged with whose caseload the person is in.
    pub(super) fn ensure_tagged_keys(
        &self,
        people: impl IntoIterator<Item = (crate::domain::ParticipantId, Option<super::crypto::CoachTag>)>,
    ) -> Result<(), StoreError> {
        let mut rng = rand::rng();
        self.ensure_keys_drawing(people, &mut || rng.random_range(FIRST_RANDOM_KEY_ID..=u32::MAX))
    }

    /// [`Store::ensure_tagged_keys`] with the key ids drawn by `draw` (see
    /// [`Store::unused_key_id`]); the new keys are written in one batch.
    pub(super) fn ensure_keys_drawing(
        &self,
        people: impl IntoIterator<Item = (crate::domain::ParticipantId, Option<super::crypto::CoachTag>)>,
        draw: &mut impl FnMut() -> u32,
    ) -> Result<(), StoreError> {
        let _writing = self.writing_keys()?;
        let mut chunks = Chunks::of(&self.key_tree);
        let mut seen = std::collections::HashSet::new();
        let mut taken = std::collections::HashSet::new();
        let mut new = Vec::new();
        let mut created = Vec::new();
        let written = (|| {
            for (p, coach) in people {
                if !seen.insert(p) || self.keys.id_of(p)?.is_some() {
                    continue;
                }
                let id = self.unused_key_id(&mut chunks, &taken, draw)?;
                taken.insert(id);
                created.push(p);
                new.push((id, Some(self.keys.create(id, p, coach)?)));
            }
            if new.is_empty() {
                return Ok(());
            }
            chunks.set(new)?;
            let mut batch = sled::Batch::default();
            chunks.write_into(&mut batch)?;
            self.key_tree.apply_batch(batch)?;
            Ok(())
        })();
        if written.is_err() {
            // All or nothing: no key stays in the table that is not stored (records sealed under
            // it would not open after a restart).
            for p in created {
                self.keys.forget(p)?;
            }
        }
        written
    }

    /// The key id a participant's records are sealed under, creating their key on first use.
    /// Never call this for a new participant inside a sled transaction (see [`Store::ensure_keys`]).
    pub(super) fn key_for(&self, p: crate::domain::ParticipantId) -> Result<u32, StoreError> {
        if let Some(id) = self.keys.id_of(p)? {
            return Ok(id);
        }
        self.ensure_keys([p])?;
        self.keys.id_of(p)?.ok_or_else(|| StoreError::Backend("a new participant key went missing".into()))
    }

    /// Taken while the `keys` tree is read and rewritten, so that two writers never both rewrite
    /// a chunk from what they read (the second would drop the first one's key) and a key id is
    /// never drawn twice.
    pub(super) fn writing_keys(&self) -> Result<std::sync::MutexGuard<'_, ()>, StoreError> {
        self.key_writes.lock().map_err(|_| StoreError::Backend("the key writer is unusable".into()))
    }

    /// Encodes a record to be stored under the key `at`, sealed under its owner's key (or the
    /// master key) and bound to `at` (see [`codec::encode_at`]).
    pub(super) fn seal<T: Record>(&self, value: &T, at: &[u8]) -> Result<Vec<u8>, StoreError> {
        let id = match value.owner() {
            Some(p) => self.key_for(p)?,
            None => MASTER_KEY_ID,
        };
        codec::encode_at(value, &self.keys, id, at)
    }

    /// Decodes a record read from the key `at`.
    pub(super) fn unseal<T: Record>(&self, bytes: &[u8], at: &[u8]) -> Result<T, StoreError> {
        codec::decode_at(bytes, &self.keys, at)
    }
}

/// Decodes a stored value as its kind says (for `check`).
pub(super) fn check_kind(store: &Store, kind: Kind, bytes: &[u8], at: &[u8]) -> Result<(), StoreError> {
    match super::registry::info(kind) {
        Some(info) => (info.check)(store, bytes, at),
        None => Err(StoreError::Corrupt { kind: kind.name(), reason: "kind not registered".into() }),
    }
}

mod chunks;
use chunks::{Chunks, stored_keys};
#[cfg(test)]
pub(super) use chunks::{chunk_key, set_keys};
pub(super) use chunks::{chunks_of, entries_in};

#[cfg(test)]
mod tests;
