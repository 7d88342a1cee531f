//! After an erasure: taking the person out of every backup of this caseload that meedoen can
//! reach (its daily backups and the files written with `meedoen backup` from this directory).
//!
//! A backup file is rewritten whole (through a temporary file), so the old file is gone from
//! the file system. In the new one the person's records, index entries, attendance marks and
//! key are gone, the erasure trace is added, and every remaining participant key is rewrapped
//! under the live store's current key epoch, whose secret replaces the backup's own: the secret
//! of the epoch the erasure ended is then in no file at all (see `crypto::epoch`).

use std::collections::HashMap;
use std::path::PathBuf;

use super::StoreError;
use super::backup::{Entry, KEYSLOT_ENTRIES, decode, encode, write_atomically};
use super::codec;
use super::crypto::{Key, KeyChunk, Keys, WrappedKey};
use super::keys::{chunk_key, set_keys};
use super::repo::Store;
use crate::domain::ParticipantId;
use crate::domain::module::Attendance;
use crate::domain::privacy::Erasure;

/// Trees whose values are not sealed records.
pub(super) const RAW_TREES: [&str; 3] = ["ix_participant_number", "ix_appointment_date", "__sled__default"];

/// The backups an erasure could not clean.
#[derive(Debug, Default)]
pub(super) struct Shredded {
    /// Could not be read or written (moved, on a disk not attached, damaged).
    pub unreachable: Vec<String>,
    /// Registered by a copy of the caseload in another data directory: left alone.
    pub other_caseload: Vec<String>,
}

impl Store {
    /// Takes `p` (key `key_id`) out of every backup of this caseload that can be reached.
    pub(super) fn shred_backups(&self, p: ParticipantId, key_id: u32, trace: &Erasure) -> Result<Shredded, StoreError> {
        let mut out = Shredded::default();
        let mut files: Vec<PathBuf> = self.daily_backups();
        let here = self.register_dir();
        for entry in self.backup_register()?.entries {
            if entry.data_dir.is_empty() || entry.data_dir == here {
                files.push(PathBuf::from(entry.path));
            } else {
                out.other_caseload.push(entry.path);
            }
        }
        let current = self.current_secret()?;
        for f in files {
            let cleaned = std::fs::read(&f)
                .map_err(super::error::io_error)
                .and_then(|bytes| decode(&bytes))
                .and_then(|mut entries| self.shred_entries(&mut entries, p, key_id, trace, &current).map(|_| entries));
            match cleaned {
                Ok(entries) => write_atomically(&f, &encode(&entries))?,
                Err(_) => out.unreachable.push(f.display().to_string()),
            }
        }
        Ok(out)
    }

    /// Takes `p` out of the entries of one backup and moves its keys to `current`.
    pub(super) fn shred_entries(
        &self,
        entries: &mut Vec<Entry>,
        p: ParticipantId,
        key_id: u32,
        trace: &Erasure,
        current: &Option<(u64, Key)>,
    ) -> Result<(), StoreError> {
        let id = p.as_bytes();
        // The backup's own keys, opened with its own epoch secret (or the master key alone).
        let keys = Keys::new(self.keys.master().clone());
        for (tree, k, v) in entries.iter() {
            if tree == KEYSLOT_ENTRIES {
                let epoch = u64::from_be_bytes(k.as_slice().try_into().map_err(|_| bad("key epoch"))?);
                keys.add_epoch(epoch, &self.keys.open_secret(epoch, v)?)?;
            }
        }
        let mut stored: Vec<(u32, Option<WrappedKey>)> = Vec::new();
        for (tree, k, v) in entries.iter().filter(|(t, _, _)| t == "keys") {
            if k.len() == 4 {
                let w = if v.is_empty() { None } else { Some(codec::decode_plain::<WrappedKey>(v)?) };
                stored.push((super::keys::key_id(k)?, w));
            } else if tree == "keys" {
                stored.extend(codec::decode_plain::<KeyChunk>(v)?.keys);
            }
        }
        let had_key = stored.iter().any(|(i, w)| *i == key_id && w.is_some());
        keys.load_all(Box::new(
            stored.clone().into_iter().filter(move |(i, _)| *i != key_id).filter_map(|(i, w)| w.map(|w| Ok((i, w)))),
        ))?;
        let epoch = match current {
            Some((epoch, secret)) => {
                keys.add_epoch(*epoch, secret)?;
                *epoch
            }
            None => 0,
        };
        // Every key must open: a backup of another caseload fails here and is left alone.
        let rewrapped: HashMap<u32, WrappedKey> = keys.rewrapped(epoch)?.into_iter().collect();

        let mut trace_key = 0u64;
        let mut kept = Vec::with_capacity(entries.len());
        for (tree, k, v) in entries.drain(..) {
            let gone = match tree.as_str() {
                "keys" | KEYSLOT_ENTRIES => true,
                "ix_participant_number" => v.as_slice() == id,
                "ix_appointment_date" => k.len() >= 20 && &k[4..20] == id,
                "ix_last_contact" => k.as_slice() == id,
                "meta" => super::privacy::is_pending_key(&k),
                t if RAW_TREES.contains(&t) => false,
                _ => codec::header(&v).is_ok_and(|h| h.key_id == key_id),
            };
            if tree == "erasures" {
                let n = k.as_slice().try_into().map(u64::from_be_bytes).unwrap_or(0);
                trace_key = trace_key.max(n.saturating_add(1));
            }
            if gone {
                continue;
            }
            if tree == "attendance" {
                let mut a: Attendance = self.unseal(&v)?;
                let before = a.marks.len();
                a.marks.retain(|(who, _)| *who != p);
                if a.marks.len() != before {
                    kept.push((tree, k, self.seal(&a)?));
                    continue;
                }
            }
            if tree == "meta" && k.as_slice() == super::repo::META_VERSION {
                // Chunked keys under key epochs: the layout of store version 3.
                kept.push((tree, k, super::repo::STORE_VERSION.to_be_bytes().to_vec()));
                continue;
            }
            kept.push((tree, k, v));
        }
        let mut chunks: std::collections::BTreeMap<[u8; 5], KeyChunk> = Default::default();
        for (i, _) in stored {
            set_keys(chunks.entry(chunk_key(i)).or_default(), vec![(i, rewrapped.get(&i).cloned())]);
        }
        for (k, chunk) in chunks {
            kept.push(("keys".into(), k.to_vec(), codec::encode_plain(&chunk)?));
        }
        if let Some((epoch, secret)) = current {
            kept.push((KEYSLOT_ENTRIES.into(), epoch.to_be_bytes().to_vec(), self.keys.seal_secret(*epoch, secret)?));
        }
        if had_key {
            kept.push(("erasures".into(), trace_key.to_be_bytes().to_vec(), self.seal(trace)?));
        }
        *entries = kept;
        Ok(())
    }
}

fn bad(what: &str) -> StoreError {
    StoreError::Corrupt { kind: "backup file", reason: format!("{what} unreadable") }
}
