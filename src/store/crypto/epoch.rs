//! Key epochs: why an erased person's key cannot be opened from any old copy.
//!
//! sled is log-structured: a chunk of wrapped keys that is rewritten stays in the data file, in
//! its old form, until sled happens to reuse that part of the file. Were the participant keys
//! wrapped by the master key alone, the passphrase would open every old copy of a chunk, and with
//! it the key of a person erased since. So participant keys are wrapped by an **epoch key**:
//! BLAKE2b-256 keyed with the master key over the epoch number and a random 32-byte secret that
//! is kept outside sled, in the key slot file (`store::keyslots`), which is overwritten in place.
//! An erasure starts a new epoch: every remaining key is rewrapped under the new epoch key in one
//! batch, and then the old secret is overwritten. Every old copy of a chunk in sled's file is
//! then wrapped under an epoch whose secret exists nowhere, passphrase or not.
//!
//! Epoch 0 is the master key itself: keys stored before store version 3. Opening such a store
//! rewrites it into a new data file under epoch 1 (see `store::rewrite`), so no epoch-0 copy
//! stays behind either.

use std::collections::{BTreeSet, HashMap};

use aes_gcm::Aes256Gcm;
use blake2::Blake2bMac;
use blake2::digest::Mac;
use blake2::digest::consts::U32;
use zeroize::Zeroizing;

use super::{FastMapState, Key, Keys, Slot, StoreError, WrappedKey, unusable, unwrap_with, wrap};

/// The wrapping keys of the epochs a store can open, and the one new keys are wrapped under.
#[derive(Default)]
pub struct Epochs {
    current: u64,
    keys: HashMap<u64, (Key, Aes256Gcm), FastMapState>,
}

const SECRET_AAD: &[u8] = b"meedoen key epoch";

/// The wrapping key of `epoch` with `secret`, under `master`.
fn epoch_key(master: &Key, epoch: u64, secret: &Key) -> Key {
    let mut out = Zeroizing::new([0u8; 32]);
    if let Ok(mut mac) = Blake2bMac::<U32>::new_with_salt_and_personal(master.bytes(), b"", b"meedoen epoch") {
        mac.update(&epoch.to_be_bytes());
        mac.update(secret.bytes());
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    Key(out)
}

fn secret_aad(epoch: u64) -> Vec<u8> {
    let mut aad = SECRET_AAD.to_vec();
    aad.extend_from_slice(&epoch.to_be_bytes());
    aad
}

impl Keys {
    /// Makes `epoch` (with its secret from the key slot file) one this store can open.
    pub fn add_epoch(&self, epoch: u64, secret: &Key) -> Result<(), StoreError> {
        let key = epoch_key(self.master(), epoch, secret);
        let cipher = key.cipher();
        self.epochs.write().map_err(|_| unusable())?.keys.insert(epoch, (key, cipher));
        Ok(())
    }

    /// Forgets an epoch whose secret has been overwritten.
    pub fn forget_epoch(&self, epoch: u64) -> Result<(), StoreError> {
        self.epochs.write().map_err(|_| unusable())?.keys.remove(&epoch);
        Ok(())
    }

    /// Wraps new keys under `epoch` from now on (it must have been added, or be 0).
    pub fn set_current_epoch(&self, epoch: u64) -> Result<(), StoreError> {
        self.epochs.write().map_err(|_| unusable())?.current = epoch;
        Ok(())
    }

    /// The epoch new keys are wrapped under.
    pub fn current_epoch(&self) -> Result<u64, StoreError> {
        Ok(self.epochs.read().map_err(|_| unusable())?.current)
    }

    /// The current epoch and its wrapping key.
    pub(super) fn current_wrapping(&self) -> Result<(u64, Key), StoreError> {
        let epochs = self.epochs.read().map_err(|_| unusable())?;
        self.wrapping_key(&epochs, epochs.current).map(|k| (epochs.current, k))
    }

    fn wrapping_key(&self, epochs: &Epochs, epoch: u64) -> Result<Key, StoreError> {
        if epoch == 0 {
            return Ok(self.master().clone());
        }
        epochs.keys.get(&epoch).map(|(k, _)| k.clone()).ok_or_else(|| missing_epoch(epoch))
    }

    /// Opens the participant key in `slot` (key id `id`) with its epoch's wrapping key.
    pub(super) fn unwrap_slot(&self, id: u32, slot: &Slot) -> Result<Key, StoreError> {
        let aad = Keys::aad_for(id, slot.participant);
        let does_not_open =
            || StoreError::Corrupt { kind: "participant key", reason: format!("key {id} does not open") };
        if slot.epoch == 0 {
            return unwrap_with(&self.master_cipher, &slot.nonce, &slot.wrapped, &aad).ok_or_else(does_not_open);
        }
        let epochs = self.epochs.read().map_err(|_| unusable())?;
        let (_, cipher) = epochs.keys.get(&slot.epoch).ok_or_else(|| missing_epoch(slot.epoch))?;
        unwrap_with(cipher, &slot.nonce, &slot.wrapped, &aad).ok_or_else(does_not_open)
    }

    /// The epochs the participant keys in memory are wrapped under.
    pub fn epochs_in_use(&self) -> Result<BTreeSet<u64>, StoreError> {
        self.wait_loaded()?;
        Ok(self.maps.read().map_err(|_| unusable())?.by_id.values().map(|s| s.epoch).collect())
    }

    /// Every participant key rewrapped under `epoch` (added before), to be stored by the caller
    /// and then taken in with [`Keys::adopt`]; nothing in memory changes yet.
    pub fn rewrapped(&self, epoch: u64) -> Result<Vec<(u32, WrappedKey)>, StoreError> {
        self.wait_loaded()?;
        let by = {
            let epochs = self.epochs.read().map_err(|_| unusable())?;
            self.wrapping_key(&epochs, epoch)?
        };
        let maps = self.maps.read().map_err(|_| unusable())?;
        let mut out = Vec::with_capacity(maps.by_id.len());
        for (&id, slot) in &maps.by_id {
            let key = match slot.key.get() {
                Some(k) => k.clone(),
                None => self.unwrap_slot(id, slot)?,
            };
            let (nonce, wrapped) = wrap(&by, &key, &Keys::aad_for(id, slot.participant))?;
            out.push((id, WrappedKey { nonce, wrapped, epoch, ..slot.stored() }));
        }
        out.sort_by_key(|(id, _)| *id);
        Ok(out)
    }

    /// Takes in keys rewrapped under `epoch` (stored by now) and wraps new keys under it.
    pub fn adopt(&self, epoch: u64, rewrapped: &[(u32, WrappedKey)]) -> Result<(), StoreError> {
        {
            let mut maps = self.maps.write().map_err(|_| unusable())?;
            for (id, w) in rewrapped {
                if let (Some(slot), Some(new)) = (maps.by_id.get_mut(id), Slot::new(w)) {
                    slot.nonce = new.nonce;
                    slot.wrapped = new.wrapped;
                    slot.epoch = epoch;
                }
            }
        }
        self.set_current_epoch(epoch)
    }

    /// An epoch secret sealed under the master key, as a backup carries it.
    pub fn seal_secret(&self, epoch: u64, secret: &Key) -> Result<Vec<u8>, StoreError> {
        let (mut nonce, ct) = wrap(self.master(), secret, &secret_aad(epoch))?;
        nonce.extend_from_slice(&ct);
        Ok(nonce)
    }

    /// Opens an epoch secret sealed by [`Keys::seal_secret`].
    pub fn open_secret(&self, epoch: u64, sealed: &[u8]) -> Result<Key, StoreError> {
        let damaged = || StoreError::Corrupt { kind: "key epoch", reason: "the epoch secret does not open".into() };
        if sealed.len() < super::NONCE_LEN {
            return Err(damaged());
        }
        let (nonce, ct) = sealed.split_at(super::NONCE_LEN);
        unwrap_with(&self.master_cipher, nonce, ct, &secret_aad(epoch)).ok_or_else(damaged)
    }
}

fn missing_epoch(epoch: u64) -> StoreError {
    StoreError::Corrupt {
        kind: "participant key",
        reason: format!("the secret of key epoch {epoch} is not in the key slot file (missing or damaged)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ParticipantId;

    #[test]
    fn keys_rewrapped_under_a_new_epoch_open_only_with_its_secret() -> Result<(), Box<dyn std::error::Error>> {
        let master = Key::random();
        let keys = Keys::new(master.clone());
        let (s1, s2) = (Key::random(), Key::random());
        keys.add_epoch(1, &s1)?;
        keys.set_current_epoch(1)?;
        let p = ParticipantId::new_random();
        let w1 = keys.create(2, p, None)?;
        assert_eq!(w1.epoch, 1);
        let mut sealed = Vec::new();
        keys.seal(2, b"h", b"Fatma", &mut sealed)?;

        keys.add_epoch(2, &s2)?;
        let again = keys.rewrapped(2)?;
        keys.adopt(2, &again)?;
        keys.forget_epoch(1)?;
        assert_eq!(again[0].1.epoch, 2);
        assert_eq!(keys.current_epoch()?, 2);

        // A fresh unlock with only the new secret opens the rewrapped key ...
        let fresh = Keys::new(master.clone());
        fresh.add_epoch(2, &s2)?;
        fresh.load_all(Box::new(again.clone().into_iter().map(Ok)))?;
        assert_eq!(fresh.open(2, b"h", &sealed, "contact")?.as_slice(), b"Fatma");
        // ... but the old copy, wrapped under epoch 1, needs a secret that is gone.
        let old = Keys::new(master.clone());
        old.add_epoch(2, &s2)?;
        old.load_all(Box::new(vec![(2, w1.clone())].into_iter().map(Ok)))?;
        assert!(old.open(2, b"h", &sealed, "contact").is_err());
        // A wrong secret for the right epoch does not open it either.
        let wrong = Keys::new(master);
        wrong.add_epoch(1, &Key::random())?;
        wrong.load_all(Box::new(vec![(2, w1)].into_iter().map(Ok)))?;
        assert!(wrong.open(2, b"h", &sealed, "contact").is_err());
        // A secret sealed for a backup opens with the master key, for its epoch only.
        let sealed_secret = keys.seal_secret(2, &s2)?;
        assert_eq!(keys.open_secret(2, &sealed_secret)?.bytes(), s2.bytes());
        assert!(keys.open_secret(3, &sealed_secret).is_err());
        Ok(())
    }
}
