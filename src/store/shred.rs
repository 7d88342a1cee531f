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
use super::changelog::ChangePage;
use super::codec::{self, Kind};
use super::crypto::{Key, Keys, WrappedKey};
use super::keys::{chunks_of, entries_in};
use super::registry::{self, Erase, Tree};
use super::repo::Store;
use crate::domain::ParticipantId;
use crate::domain::module::Attendance;
use crate::domain::privacy::Erasure;

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
        for (_, k, v) in entries.iter().filter(|(t, _, _)| t == "keys") {
            stored.extend(entries_in(k, v)?);
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

        let mut removed_heads = std::collections::HashSet::new();
        let mut trace_key = 0u64;
        let mut kept = Vec::with_capacity(entries.len());
        for (tree, k, v) in entries.drain(..) {
            let gone = match Tree::from_name(tree.as_bytes()) {
                Some(Tree::Keys) => true,
                None => tree == KEYSLOT_ENTRIES,
                Some(Tree::Meta) => super::privacy::is_pending_key(&k),
                Some(t) if t.is_raw() => t.index_owner(&k, &v) == Some(id.as_slice()),
                // Records sealed under the person's key, and those keyed by the person alone
                // (the contact summary, sealed under the master key).
                Some(t) => {
                    let h = codec::header(&v).ok();
                    let keyed = h.and_then(|h| registry::info(h.kind)).is_some_and(|i| i.erase == Erase::KeyedByOwner);
                    if h.is_some_and(|h| h.key_id == key_id) || (keyed && k.as_slice() == id) {
                        if let Some(info) = h.and_then(|h| registry::info(h.kind)).filter(|i| i.logged && i.tree == t) {
                            removed_heads.insert(self.head_key(info.kind, &k));
                        }
                        true
                    } else {
                        false
                    }
                }
            };
            if tree == "erasures" {
                trace_key = trace_key.max(super::privacy::trace_number(&k).saturating_add(1));
            }
            if gone {
                continue;
            }
            if Tree::from_name(tree.as_bytes())
                .is_some_and(|t| registry::kinds().iter().any(|i| i.tree == t && i.erase == Erase::MarksOf))
            {
                let mut a: Attendance = self.unseal(&v, &k)?;
                let before = a.marks.len();
                a.marks.retain(|(who, _)| *who != p);
                if a.marks.len() != before {
                    let sealed = self.seal(&a, &k)?;
                    kept.push((tree, k, sealed));
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
        // The person's change-log entries and the heads of their records go too.
        let mut pages = Vec::new();
        kept.retain(|(tree, k, v)| match Tree::from_name(tree.as_bytes()) {
            Some(Tree::ChangeHeads) => !<[u8; 16]>::try_from(k.as_slice()).is_ok_and(|h| removed_heads.contains(&h)),
            Some(Tree::Changes) => match self.unseal::<ChangePage>(v, k) {
                Ok(mut page) if page.entries.iter().any(|c| c.participant == Some(p)) => {
                    page.entries.retain(|c| c.participant != Some(p));
                    pages.push((k.clone(), page));
                    false
                }
                _ => true,
            },
            _ => true,
        });
        for (k, page) in pages.into_iter().filter(|(_, page)| !page.entries.is_empty()) {
            let sealed = self.seal(&page, &k)?;
            kept.push((Tree::Changes.name().into(), k, sealed));
        }
        for (k, chunk) in chunks_of(stored.into_iter().map(|(i, _)| (i, rewrapped.get(&i).cloned()))) {
            kept.push(("keys".into(), k.to_vec(), codec::encode_plain(&chunk)?));
        }
        if let Some((epoch, secret)) = current {
            kept.push((KEYSLOT_ENTRIES.into(), epoch.to_be_bytes().to_vec(), self.keys.seal_secret(*epoch, secret)?));
        }
        if had_key {
            let trace_key = super::privacy::trace_key(trace_key, self.device_id()?);
            kept.push((Tree::Erasures.name().into(), trace_key.clone(), self.seal(trace, &trace_key)?));
            // With its change-log entry, after the backup's last one.
            let (mut next, mut settings) = (0u64, None);
            for (tree, k, v) in kept.iter().filter(|(t, _, _)| t == Tree::Changes.name()) {
                let first = k.as_slice().try_into().map(u64::from_be_bytes).map_err(|_| bad(tree))?;
                let page = self.unseal::<ChangePage>(v, k)?;
                if first + page.entries.len() as u64 >= next {
                    (next, settings) = (first + page.entries.len() as u64, page.settings);
                }
            }
            let entry = self.entry_elsewhere(Kind::Erasure, trace_key)?;
            kept.push((
                Tree::Changes.name().into(),
                next.to_be_bytes().to_vec(),
                self.seal(&ChangePage { entries: vec![entry], settings }, &next.to_be_bytes())?,
            ));
        }
        *entries = kept;
        Ok(())
    }
}

fn bad(what: &str) -> StoreError {
    StoreError::Corrupt { kind: "backup file", reason: format!("{what} unreadable") }
}
