//! `check` of the change log: the log and the records agree.

use std::collections::HashMap;

use super::{Change, ChangePage, META_LOG_LEGACY, decode_head};
use crate::store::StoreError;
use crate::store::codec::{self, Kind};
use crate::store::registry;
use crate::store::repo::Store;

/// More problems of one sort than this are counted, not listed.
const LISTED: usize = 3;

impl Store {
    /// Checks the change log against the records; returns the problems in plain words:
    /// - every entry reads, and this device's timestamps grow with its sequence numbers;
    /// - every record's head names its latest entry, with the same revision;
    /// - every live record of a logged kind has an entry that is not a tombstone (records
    ///   written before the log started excepted), and every tombstoned record is absent;
    /// - every record sealed with its revision is the revision of its latest entry.
    pub fn check_change_log(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let mut unreadable = 0;
        let device = self.device_id()?;
        let mut last_hlc = None;
        // Latest entry per record: (kind, key) -> (seq, change).
        let mut latest: HashMap<(u8, Vec<u8>), (u64, Change)> = HashMap::new();
        for item in self.changes.iter() {
            let (k, v) = item?;
            let first = k.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(u64::MAX);
            let page: ChangePage = match self.unseal(&v, &k) {
                Ok(c) => c,
                Err(e) => {
                    unreadable += 1;
                    if unreadable <= LISTED {
                        problems.push(format!("change log: the entries from {first} on cannot be read: {e}"));
                    }
                    continue;
                }
            };
            for (i, change) in page.entries.into_iter().enumerate() {
                let seq = first.saturating_add(i as u64);
                if change.device == device {
                    if last_hlc.is_some_and(|h| h >= change.hlc) {
                        problems.push(format!("change log: entry {seq} is not later than the one before it"));
                    }
                    last_hlc = Some(change.hlc);
                }
                latest.insert((change.kind, change.record.clone()), (seq, change));
            }
        }
        if unreadable > LISTED {
            problems.push(format!("change log: {unreadable} entries in all cannot be read"));
        }
        let mut wrong = Vec::new();
        for ((kind, key), (seq, change)) in &latest {
            let Some(kind) = Kind::from_u8(*kind) else {
                wrong.push(format!("entry {seq} names an unknown record kind"));
                continue;
            };
            let head = self.change_heads.get(self.head_key(kind, key))?.and_then(|v| decode_head(&v));
            // A record written once has no head (see `Store::commit_transaction`).
            let expected = (change.revision > 1 || change.tombstone).then_some(change.revision);
            // A version taken in from another replica of the team always has its head.
            let from_team = change.device != device && head == Some(change.revision);
            if head != expected && !from_team {
                wrong.push(format!(
                    "a {} record's latest entry ({seq}, revision {}) is not the one its head names",
                    kind.name(),
                    change.revision
                ));
            }
            let tree = self.tree(registry::tree_of(kind)?);
            let stored = tree.get(key)?;
            let present = stored.is_some();
            // A value sealed with its revision must be the revision of its latest entry: an older
            // value put back (with its head, or not) is noticed here. One that does not open is
            // reported by the check of every record.
            if let Some(Ok(Some(found))) = stored.map(|v| codec::revision_of(&v, &self.keys, key))
                && found != change.revision
            {
                wrong.push(format!(
                    "a {} record is revision {found}, but its latest entry ({seq}) is revision {}: an older copy of it was put back",
                    kind.name(),
                    change.revision
                ));
            }
            if change.tombstone && present {
                wrong.push(format!("a deleted {} record is still there (entry {seq})", kind.name()));
            } else if !change.tombstone && !present {
                wrong.push(format!("a {} record the log holds is missing (entry {seq})", kind.name()));
            }
        }
        let legacy = self.meta.contains_key(META_LOG_LEGACY)?;
        let mut unlogged: HashMap<&'static str, usize> = HashMap::new();
        for info in registry::kinds().iter().filter(|i| i.logged) {
            for item in self.tree(info.tree).iter() {
                let (k, v) = item?;
                if codec::header(&v).ok().map(|h| h.kind) != Some(info.kind) {
                    continue; // another kind in a shared tree (meta)
                }
                if !latest.contains_key(&(info.kind as u8, k.to_vec())) && !legacy {
                    *unlogged.entry(info.kind.name()).or_default() += 1;
                }
            }
        }
        for (kind, n) in unlogged {
            wrong.push(format!("{n} {kind} record(s) have no change-log entry"));
        }
        wrong.sort();
        let n = wrong.len();
        problems.extend(wrong.into_iter().take(LISTED).map(|w| format!("change log: {w}")));
        if n > LISTED {
            problems.push(format!("change log: {n} disagreements with the records in all"));
        }
        Ok(problems)
    }
}
