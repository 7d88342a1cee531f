//! Reading a record as the change log says it is now: an older value put back under its own key
//! (sled keeps old values in its files; anyone with the files, or an older copy of them, can copy
//! one back) is noticed instead of used.
//!
//! Every record of a logged kind is sealed with its revision (envelope format 3, see
//! `codec::seal_revised`). A record read through [`Store::read_current`] must be the revision its
//! head in `change_heads` names; the settings must also be the revision the newest page of the
//! change log names ([`super::ChangePage::settings`]), which is sealed and bound to its place in
//! the log, so putting their head back as well does not hide an older value. What is left to
//! someone with the files and without the passphrase: taking the newest pages of the log away
//! too (with everything written after the settings, or `check` reports the records the log no
//! longer knows), which amounts to putting the whole caseload back to an older state.

use super::decode_head;
use crate::store::StoreError;
use crate::store::codec::{self, Kind, Record};
use crate::store::repo::Store;

impl Store {
    /// The record of kind `T` stored under `at` in `tree`, checked against the change log: a
    /// value sealed with its revision must be the revision its head names (1 when it has no
    /// head) and, for the settings, the revision the newest page of the log names; a record
    /// with a head, or settings the log knows, must be there, and settings the log knows must
    /// carry their revision. Otherwise [`StoreError::Replayed`]: never read as if current.
    /// Only for records that are never deleted (a deleted record keeps its head). Values
    /// written before revisions were sealed read as they are while the log does not know better.
    pub(in crate::store) fn read_current<T: Record>(
        &self,
        tree: &sled::Tree,
        at: &[u8],
    ) -> Result<Option<T>, StoreError> {
        let head = self.change_heads.get(self.head_key(T::KIND, at))?.and_then(|v| decode_head(&v));
        let logged = match T::KIND {
            Kind::Settings => self.writer.lock().map_err(|_| super::poisoned())?.settings,
            _ => None,
        };
        let replayed = |found, expected| Err(StoreError::Replayed { kind: T::KIND.name(), found, expected });
        let Some(bytes) = tree.get(at)? else {
            return match logged.or(head) {
                Some(expected) => replayed(None, expected),
                None => Ok(None),
            };
        };
        let (value, revision) = codec::decode_revised::<T>(&bytes, &self.keys, at)?;
        match (revision, logged) {
            // Sealed without a revision where the log says this version wrote it: put back.
            (None, Some(expected)) => replayed(Some(0), expected),
            (Some(found), Some(expected)) if found != expected => replayed(Some(found), expected),
            (Some(found), _) if found != head.unwrap_or(1) => replayed(Some(found), head.unwrap_or(1)),
            _ => Ok(Some(value)),
        }
    }
}
