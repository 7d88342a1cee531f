//! Encryption at rest: the key hierarchy and the sealing of record payloads.
//!
//! - The coach's passphrase goes through argon2id (salted, parameters stored with the salt) to a
//!   key-encryption key, which wraps the store's random **master key**. Changing the passphrase
//!   rewraps the master key only.
//! - Every participant has a random **data key**, wrapped by the master key and kept in the `keys`
//!   tree under a number (the key id; a random one since [`FIRST_RANDOM_KEY_ID`], see
//!   `store::keys::chunks`). Every record that belongs to a participant is sealed
//!   under that participant's key; other records (modules, settings, ...) under the master key.
//!   Erasing a person deletes their wrapped key: every copy of their records becomes unreadable.
//! - A record's payload is sealed with AES-256-GCM (AES-NI and carry-less multiplication where the
//!   processor has them) under a random 96-bit nonce; the 10-byte envelope header (kind, schema,
//!   key id) is the associated data, so a header cannot be changed without the record failing to
//!   open. Random nonces are safe far beyond the writes a caseload sees (the usual bound is 2^32
//!   messages per key). XChaCha20-Poly1305 was the first choice and measured 4.5 times slower
//!   for records of a few hundred bytes (2.0 µs against 0.45 µs), which doubled the first frame.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock, RwLock, RwLockReadGuard};
use std::thread::JoinHandle;

use aes_gcm::aead::{Aead, AeadInPlace, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::StoreError;
use crate::domain::ParticipantId;

pub const NONCE_LEN: usize = 12;
pub const TAG_LEN: usize = 16;
/// Key id of the master key; participant keys are numbered from [`FIRST_PARTICIPANT_KEY`].
pub const MASTER_KEY_ID: u32 = 1;
pub const FIRST_PARTICIPANT_KEY: u32 = 2;
/// New participant keys get a random id from here to `u32::MAX`; ids below it were handed out
/// one after the other by earlier versions (a counter two copies of a caseload both continued).
pub const FIRST_RANDOM_KEY_ID: u32 = 1 << 24;
/// Associated data of a wrapped participant key: this label, the key id, the participant id.
const KEY_AAD_LABEL: &[u8] = b"meedoen participant key";
const KEY_AAD_LEN: usize = KEY_AAD_LABEL.len() + 4 + 16;

/// A 256-bit key, wiped from memory when dropped.
#[derive(Clone)]
pub struct Key(Zeroizing<[u8; 32]>);

impl Key {
    pub fn random() -> Key {
        let mut k = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(k.as_mut());
        Key(k)
    }
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
    /// A key from its bytes (a secret read from the key slot file).
    pub fn from_secret(bytes: Zeroizing<[u8; 32]>) -> Key {
        Key(bytes)
    }
    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(self.0.as_ref().into())
    }
}

/// How hard the passphrase is stretched. Stored with the salt, so a store always opens with the
/// parameters it was created with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub lanes: u32,
}

impl KdfParams {
    /// What `meedoen init` uses: 128 MiB, 4 passes; 0.41 s to unlock on the two-core dev machine.
    pub const STANDARD: KdfParams = KdfParams { memory_kib: 128 * 1024, iterations: 4, lanes: 1 };
    /// For tests and benchmarks only, documented as not protecting anything: argon2's smallest
    /// setting (8 KiB, one pass), so that the startup benchmark shows what encryption costs after
    /// the unlock, which is measured on its own (see README).
    pub const LIGHT_FOR_TESTS: KdfParams = KdfParams { memory_kib: 8, iterations: 1, lanes: 1 };
}

/// The wrapped master key with everything needed to unwrap it from the passphrase.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Keyring {
    pub kdf: KdfParams,
    pub salt: Vec<u8>,
    pub nonce: Vec<u8>,
    pub wrapped_master: Vec<u8>,
}

/// A participant's data key, wrapped by the master key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WrappedKey {
    pub participant: ParticipantId,
    /// As bytes, not as a sequence of numbers: the same stored form (length, then the bytes),
    /// read with one copy instead of one call per byte.
    #[serde(with = "serde_bytes")]
    pub nonce: Vec<u8>,
    #[serde(with = "serde_bytes")]
    pub wrapped: Vec<u8>,
    /// Whose caseload the person is in, as a keyed hash of the coach's name (see
    /// [`CoachTag`]); `None` for a key written before schema 2 or not yet tagged.
    pub coach: Option<CoachTag>,
    /// The key epoch whose wrapping key wraps this key (see [`epoch`]); 0: the master key itself,
    /// as before schema 3.
    pub epoch: u64,
}

/// Participant keys stored together in key id order, many to a stored value: opening a caseload
/// reads a few hundred values at most instead of one per person (see `store::keys::chunks` for
/// which key goes in which chunk).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct KeyChunk {
    /// Key id and wrapped key; `None` for a key destroyed at erasure (its id is never reused).
    pub keys: Vec<(u32, Option<WrappedKey>)>,
}

/// How many participant keys with ids from the counter of earlier versions one [`KeyChunk`]
/// holds (random ids are chunked by their top byte).
pub const KEYS_PER_CHUNK: u32 = 64;

fn kek(passphrase: &str, salt: &[u8], p: KdfParams) -> Result<Key, StoreError> {
    let params = argon2::Params::new(p.memory_kib, p.iterations, p.lanes, Some(32))
        .map_err(|e| StoreError::Backend(format!("key derivation parameters: {e}")))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|e| StoreError::Backend(format!("key derivation: {e}")))?;
    Ok(Key(out))
}

fn random_nonce() -> [u8; NONCE_LEN] {
    let mut n = [0u8; NONCE_LEN];
    rand::rng().fill_bytes(&mut n);
    n
}

/// Wraps `key` under `by` (associated data binds it to its purpose).
fn wrap(by: &Key, key: &Key, aad: &[u8]) -> Result<(Vec<u8>, Vec<u8>), StoreError> {
    let nonce = random_nonce();
    let ct = by
        .cipher()
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: key.0.as_ref(), aad })
        .map_err(|_| StoreError::Backend("cannot wrap a key".into()))?;
    Ok((nonce.to_vec(), ct))
}

fn unwrap_key(by: &Key, nonce: &[u8], wrapped: &[u8], aad: &[u8]) -> Option<Key> {
    unwrap_with(&by.cipher(), nonce, wrapped, aad)
}

/// Opens a wrapped 256-bit key in place on the stack: no copy of it is left on the heap.
fn unwrap_with(by: &Aes256Gcm, nonce: &[u8], wrapped: &[u8], aad: &[u8]) -> Option<Key> {
    if nonce.len() != NONCE_LEN || wrapped.len() != 32 + TAG_LEN {
        return None;
    }
    let (ct, tag) = wrapped.split_at(32);
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(ct);
    by.decrypt_in_place_detached(Nonce::from_slice(nonce), aad, key.as_mut(), aes_gcm::Tag::from_slice(tag)).ok()?;
    Some(Key(key))
}

impl Keyring {
    /// A new keyring for `master` under `passphrase`.
    pub fn new(master: &Key, passphrase: &str, kdf: KdfParams) -> Result<Keyring, StoreError> {
        let mut salt = vec![0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let kek = kek(passphrase, &salt, kdf)?;
        let (nonce, wrapped_master) = wrap(&kek, master, b"meedoen master key")?;
        Ok(Keyring { kdf, salt, nonce, wrapped_master })
    }

    /// The master key, or [`StoreError::WrongPassphrase`].
    pub fn unlock(&self, passphrase: &str) -> Result<Key, StoreError> {
        let kek = kek(passphrase, &self.salt, self.kdf)?;
        unwrap_key(&kek, &self.nonce, &self.wrapped_master, b"meedoen master key").ok_or(StoreError::WrongPassphrase)
    }
}

/// A map with a fast hasher: its keys (key ids, random participant ids) come from the store,
/// not from an attacker who could choose colliding ones.
type FastMap<K, V> = HashMap<K, V, FastMapState>;
type FastMapState = foldhash::fast::RandomState;

/// Participant keys by key id, and key ids by participant.
#[derive(Default)]
struct KeyMaps {
    by_id: FastMap<u32, Slot>,
    of_participant: FastMap<ParticipantId, u32>,
}

/// A participant's data key in memory: kept wrapped until its first use, so opening a caseload
/// does not unwrap 2,600 keys before the first record can be read. Kept as a key, not a cipher:
/// a prepared cipher is 992 bytes, and holding 2,600 of them cost 3 ms at every start for what
/// the key schedule costs per record (0.1 µs).
struct Slot {
    participant: ParticipantId,
    nonce: [u8; NONCE_LEN],
    wrapped: [u8; 32 + TAG_LEN],
    coach: Option<CoachTag>,
    epoch: u64,
    key: OnceLock<Key>,
}

impl Slot {
    fn new(w: &WrappedKey) -> Option<Slot> {
        Some(Slot {
            participant: w.participant,
            nonce: w.nonce.as_slice().try_into().ok()?,
            wrapped: w.wrapped.as_slice().try_into().ok()?,
            coach: w.coach,
            epoch: w.epoch,
            key: OnceLock::new(),
        })
    }

    /// The key as it is stored.
    fn stored(&self) -> WrappedKey {
        WrappedKey {
            participant: self.participant,
            nonce: self.nonce.to_vec(),
            wrapped: self.wrapped.to_vec(),
            coach: self.coach,
            epoch: self.epoch,
        }
    }
}

/// Stored participant keys as read from the store: key id and wrapped key (an erased person's
/// key is left out by the reader).
pub type StoredKeys = Box<dyn Iterator<Item = Result<(u32, WrappedKey), StoreError>> + Send>;

/// The unlocked keys of an open store.
///
/// When a caseload opens, its participant keys are read on a second thread (a [`KeyReader`])
/// while the passphrase is typed and the first records are read from disk; every use of a
/// participant key waits for that read, so no caller ever sees a partial key table, and each key
/// is unwrapped at its first use.
pub struct Keys {
    master: Key,
    /// The master key's cipher with its key schedule done once (it opens every participant key).
    master_cipher: Aes256Gcm,
    maps: RwLock<KeyMaps>,
    /// The key load still running, if any.
    loading: Mutex<Option<JoinHandle<Result<KeyMaps, StoreError>>>>,
    /// Set when no load is pending any more (the fast path of every key use).
    loaded: AtomicBool,
    /// Why the stored keys could not be loaded, told again at every later use.
    failed: OnceLock<String>,
    /// The wrapping keys of the key epochs this store can open (see [`epoch`]).
    epochs: RwLock<epoch::Epochs>,
    /// Plain (unencrypted) records are read only while a store from before encryption is being
    /// migrated; afterwards a plain record is an error.
    pub allow_plain: bool,
}

fn unusable() -> StoreError {
    StoreError::Backend("the key table is unusable after an earlier failure".into())
}

impl Keys {
    pub fn new(master: Key) -> Keys {
        Keys {
            master_cipher: master.cipher(),
            master,
            maps: RwLock::new(KeyMaps::default()),
            loading: Mutex::new(None),
            loaded: AtomicBool::new(true),
            failed: OnceLock::new(),
            epochs: RwLock::new(epoch::Epochs::default()),
            allow_plain: false,
        }
    }

    pub fn master(&self) -> &Key {
        &self.master
    }

    fn aad_for(id: u32, p: ParticipantId) -> [u8; KEY_AAD_LEN] {
        let mut aad = [0u8; KEY_AAD_LEN];
        let (label, rest) = aad.split_at_mut(KEY_AAD_LABEL.len());
        label.copy_from_slice(KEY_AAD_LABEL);
        rest[..4].copy_from_slice(&id.to_be_bytes());
        rest[4..].copy_from_slice(p.as_bytes());
        aad
    }

    /// Takes in stored participant keys, still wrapped; a key of the wrong shape is a damaged
    /// record (one that does not unwrap is found at its first use).
    fn collect(stored: impl Iterator<Item = Result<(u32, WrappedKey), StoreError>>) -> Result<KeyMaps, StoreError> {
        let mut maps = KeyMaps::default();
        maps.by_id.reserve(stored.size_hint().0);
        maps.of_participant.reserve(stored.size_hint().0);
        for item in stored {
            let (id, w) = item?;
            let slot = Slot::new(&w).ok_or_else(|| StoreError::Corrupt {
                kind: "participant key",
                reason: format!("key {id} is damaged (wrong length)"),
            })?;
            maps.by_id.insert(id, slot);
            maps.of_participant.insert(w.participant, id);
        }
        Ok(maps)
    }

    /// Takes in the stored participant keys now.
    pub fn load_all(&self, stored: StoredKeys) -> Result<(), StoreError> {
        self.wait_loaded()?;
        let new = Self::collect(stored)?;
        self.take_in(new)
    }

    fn take_in(&self, new: KeyMaps) -> Result<(), StoreError> {
        let mut maps = self.maps.write().map_err(|_| unusable())?;
        if maps.by_id.is_empty() && maps.of_participant.is_empty() {
            // The usual case, a caseload just opened: the read table as it is, not rehashed.
            *maps = new;
        } else {
            maps.by_id.extend(new.by_id);
            maps.of_participant.extend(new.of_participant);
        }
        Ok(())
    }

    /// Takes the keys a [`KeyReader`] is reading: the first use of a participant key waits for
    /// it (and reports a damaged key then).
    pub fn take_reader(&self, mut reader: KeyReader) -> Result<(), StoreError> {
        self.wait_loaded()?;
        let Some(handle) = reader.handle.take() else { return Err(unusable()) };
        *self.loading.lock().map_err(|_| unusable())? = Some(handle);
        self.loaded.store(false, Ordering::Release);
        Ok(())
    }

    /// Waits for a key load still running and takes its keys in.
    pub fn wait_loaded(&self) -> Result<(), StoreError> {
        if !self.loaded.load(Ordering::Acquire) {
            let mut loading = self.loading.lock().map_err(|_| unusable())?;
            if let Some(handle) = loading.take() {
                let result = handle.join().unwrap_or_else(|_| Err(unusable()));
                if let Err(e) = result.and_then(|new| self.take_in(new)) {
                    let _ = self.failed.set(e.to_string());
                }
                self.loaded.store(true, Ordering::Release);
            }
        }
        // Told the same way whether this call or an earlier one found the failure.
        match self.failed.get() {
            Some(why) => Err(StoreError::Corrupt { kind: "participant key", reason: why.clone() }),
            None => Ok(()),
        }
    }

    /// A new key for `p` under number `id`, to be stored by the caller.
    pub fn create(&self, id: u32, p: ParticipantId, coach: Option<CoachTag>) -> Result<WrappedKey, StoreError> {
        self.wait_loaded()?;
        let key = Key::random();
        let (epoch, wrapped_by) = self.current_wrapping()?;
        let (nonce, wrapped) = wrap(&wrapped_by, &key, &Self::aad_for(id, p))?;
        let w = WrappedKey { participant: p, nonce, wrapped, coach, epoch };
        let slot = Slot::new(&w).ok_or_else(|| StoreError::Backend("cannot wrap a key".into()))?;
        let _ = slot.key.set(key);
        let mut maps = self.maps.write().map_err(|_| unusable())?;
        maps.by_id.insert(id, slot);
        maps.of_participant.insert(p, id);
        Ok(w)
    }

    /// `p`'s data key and its id, wrapped under the master key alone (which the team's replicas
    /// share) for the team's server: `None` when `p` has no key (erased).
    pub fn export_for_team(&self, p: ParticipantId) -> Result<Option<(u32, Vec<u8>)>, StoreError> {
        let Some(id) = self.id_of(p)? else { return Ok(None) };
        let key = {
            let maps = self.maps.read().map_err(|_| unusable())?;
            let Some(slot) = maps.by_id.get(&id) else { return Ok(None) };
            match slot.key.get() {
                Some(k) => k.clone(),
                None => self.unwrap_slot(id, slot)?,
            }
        };
        let (nonce, wrapped) = wrap(&self.master, &key, &Self::team_aad(id, p))?;
        let mut out = nonce;
        out.extend_from_slice(&wrapped);
        Ok(Some((id, out)))
    }

    /// Takes in a data key another replica of the team exported ([`Keys::export_for_team`]):
    /// unwrapped with the master key, wrapped again under this store's current epoch, to be
    /// stored by the caller. `Ok(None)`: the key is here already.
    pub fn import_from_team(&self, id: u32, p: ParticipantId, bytes: &[u8]) -> Result<Option<WrappedKey>, StoreError> {
        self.wait_loaded()?;
        if let Some(have) = self.id_of(p)? {
            if have == id {
                return Ok(None);
            }
            return Err(StoreError::Corrupt {
                kind: "team key",
                reason: format!("a person's key came in as key {id}, but they have key {have} here"),
            });
        }
        if self.has_key(id)? {
            return Err(StoreError::Corrupt {
                kind: "team key",
                reason: format!("key id {id} came in for another person than the one it opens here"),
            });
        }
        let bad =
            || StoreError::Corrupt { kind: "team key", reason: format!("key {id} from the server does not open") };
        let (nonce, wrapped) = bytes.split_at_checked(NONCE_LEN).ok_or_else(bad)?;
        let key = unwrap_key(&self.master, nonce, wrapped, &Self::team_aad(id, p)).ok_or_else(bad)?;
        let (epoch, wrapped_by) = self.current_wrapping()?;
        let (nonce, wrapped) = wrap(&wrapped_by, &key, &Self::aad_for(id, p))?;
        let w = WrappedKey { participant: p, nonce, wrapped, coach: None, epoch };
        let slot = Slot::new(&w).ok_or_else(|| StoreError::Backend("cannot wrap a key".into()))?;
        let _ = slot.key.set(key);
        let mut maps = self.maps.write().map_err(|_| unusable())?;
        maps.by_id.insert(id, slot);
        maps.of_participant.insert(p, id);
        Ok(Some(w))
    }

    /// Associated data of a data key wrapped for the team.
    fn team_aad(id: u32, p: ParticipantId) -> Vec<u8> {
        let mut aad = b"meedoen team key".to_vec();
        aad.extend_from_slice(&id.to_be_bytes());
        aad.extend_from_slice(p.as_bytes());
        aad
    }

    /// Forgets `p`'s key (after erasure); the key id it had, if any.
    pub fn forget(&self, p: ParticipantId) -> Result<Option<u32>, StoreError> {
        self.wait_loaded()?;
        let mut maps = self.maps.write().map_err(|_| unusable())?;
        let Some(id) = maps.of_participant.remove(&p) else { return Ok(None) };
        maps.by_id.remove(&id);
        Ok(Some(id))
    }

    /// The key id of `p`'s data key, if they have one.
    pub fn id_of(&self, p: ParticipantId) -> Result<Option<u32>, StoreError> {
        self.wait_loaded()?;
        Ok(self.maps.read().map_err(|_| unusable())?.of_participant.get(&p).copied())
    }

    /// The participant key `id` belongs to (`None` for the master key or a key not here).
    pub fn participant_of(&self, id: u32) -> Result<Option<ParticipantId>, StoreError> {
        self.wait_loaded()?;
        Ok(self.maps.read().map_err(|_| unusable())?.by_id.get(&id).map(|s| s.participant))
    }

    /// Whether key `id` is in the table (not destroyed at an erasure).
    pub fn has_key(&self, id: u32) -> Result<bool, StoreError> {
        self.wait_loaded()?;
        Ok(self.maps.read().map_err(|_| unusable())?.by_id.contains_key(&id))
    }

    /// The keys as one reader uses them; see [`KeyView`].
    pub fn view(&self) -> KeyView<'_> {
        KeyView { keys: self, maps: OnceCell::new(), plain: RefCell::new(Zeroizing::new(Vec::new())) }
    }

    /// Seals `plain` under key `id`, with `header` as associated data: nonce then ciphertext.
    pub fn seal(&self, id: u32, header: &[u8], plain: &[u8], out: &mut Vec<u8>) -> Result<(), StoreError> {
        let nonce = random_nonce();
        let ct = self
            .view()
            .with_key(id, |k| k.encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad: header }))?
            .ok_or_else(|| StoreError::Backend(format!("no key {id}")))?
            .map_err(|_| StoreError::Backend("cannot encrypt".into()))?;
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(())
    }

    /// Opens a sealed payload as a whole value (tests; the store reads through
    /// [`KeyView::open_with`]). A missing key means the person was erased.
    #[cfg(test)]
    pub fn open(
        &self,
        id: u32,
        header: &[u8],
        sealed: &[u8],
        kind: &'static str,
    ) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        self.view().open(id, header, sealed, kind)
    }
}

/// The keys as one reader uses them: the key table is locked for reading at the first
/// participant key the reader needs and stays locked until the view is dropped. A bulk read
/// keeps one view for all its records: two threads taking and releasing the lock for every
/// record slowed each other down (its counter moving between the cores). Measured on the dev
/// machine, 2,600 records of 230 bytes: 1.3 ms on one thread, 0.87-1.0 ms on two with a lock per
/// record, 0.74-0.80 ms on two with a view each. Not for a thread that may create or forget a
/// key while it holds the view (it would wait for itself).
pub struct KeyView<'a> {
    keys: &'a Keys,
    maps: OnceCell<RwLockReadGuard<'a, KeyMaps>>,
    /// Where records are decrypted, one after the other: no allocation per record, wiped once
    /// when the view is dropped.
    plain: RefCell<Zeroizing<Vec<u8>>>,
}

impl KeyView<'_> {
    pub fn allow_plain(&self) -> bool {
        self.keys.allow_plain
    }

    fn maps(&self) -> Result<&KeyMaps, StoreError> {
        if let Some(maps) = self.maps.get() {
            return Ok(maps);
        }
        self.keys.wait_loaded()?;
        let guard = self.keys.maps.read().map_err(|_| unusable())?;
        Ok(self.maps.get_or_init(|| guard))
    }

    /// Runs `f` with the cipher of key `id`; `None` when there is no such key (erased).
    fn with_key<R>(&self, id: u32, f: impl FnOnce(&Aes256Gcm) -> R) -> Result<Option<R>, StoreError> {
        if id == MASTER_KEY_ID {
            return Ok(Some(f(&self.keys.master_cipher)));
        }
        let Some(slot) = self.maps()?.by_id.get(&id) else { return Ok(None) };
        let cipher = match slot.key.get() {
            Some(key) => key.cipher(),
            None => {
                let key = self.keys.unwrap_slot(id, slot)?;
                let cipher = key.cipher();
                // Another thread may have unwrapped it meanwhile: the same key either way.
                let _ = slot.key.set(key);
                cipher
            }
        };
        Ok(Some(f(&cipher)))
    }

    /// Opens a sealed payload as a whole value (tests). A missing key means the person was erased.
    #[cfg(test)]
    pub fn open(
        &self,
        id: u32,
        header: &[u8],
        sealed: &[u8],
        kind: &'static str,
    ) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        self.open_with(id, header, sealed, kind, |plain| Ok(Zeroizing::new(plain.to_vec())))
    }

    /// Opens a sealed payload into the view's buffer and hands the plain bytes to `read`.
    pub fn open_with<R>(
        &self,
        id: u32,
        header: &[u8],
        sealed: &[u8],
        kind: &'static str,
        read: impl FnOnce(&[u8]) -> Result<R, StoreError>,
    ) -> Result<R, StoreError> {
        let damaged = |reason: &str| StoreError::Corrupt { kind, reason: reason.into() };
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(damaged("encrypted value too short"));
        }
        let (nonce, rest) = sealed.split_at(NONCE_LEN);
        let (ct, tag) = rest.split_at(rest.len() - TAG_LEN);
        let mut plain = self.plain.try_borrow_mut().map_err(|_| StoreError::Backend("nested decryption".into()))?;
        plain.clear();
        plain.extend_from_slice(ct);
        self.with_key(id, |k| {
            k.decrypt_in_place_detached(
                Nonce::from_slice(nonce),
                header,
                plain.as_mut_slice(),
                aes_gcm::Tag::from_slice(tag),
            )
        })?
        .ok_or(StoreError::Erased)?
        .map_err(|_| damaged("does not decrypt (damaged or altered)"))?;
        read(&plain)
    }
}

impl Drop for Keys {
    /// A key load still running holds the store's files open: finish it before they close.
    fn drop(&mut self) {
        if let Ok(mut loading) = self.loading.lock()
            && let Some(handle) = loading.take()
        {
            let _ = handle.join();
        }
    }
}

mod coach;
pub mod epoch;
mod reader;
pub use coach::{CoachTag, OpenAndClosed};
pub use reader::KeyReader;

#[cfg(test)]
mod tests;
