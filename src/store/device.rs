//! Which device a data directory is: its id, and noticing a copy.
//!
//! Every change-log entry names the device that wrote it, and participant numbers come from
//! blocks claimed per device (see `numbers`). A data directory copied to a second laptop, or a
//! backup restored, would carry the same device id and the same place in its number block, so
//! both copies would stamp their writes as one device and hand out the same numbers. So the id
//! is kept with the *home* it was made in: a keyed hash of this machine's id and the data
//! directory's canonical path. Opened from another home (a copy, a moved directory), or after a
//! restore, the data directory becomes a new device: a new id, and its next participant number
//! from a block after the one the original goes on with. (Two copies that never sync can still
//! meet once the original has used up its block: settling that needs the sync server, which
//! confirms claims in order.)

use std::path::Path;

use blake2::Digest;

use super::StoreError;
use super::numbers::{BLOCK, META_NEXT_NUMBER};
use super::repo::Store;

/// This data directory's device id: 16 random bytes.
pub(super) const META_DEVICE: &[u8] = b"device_id";
/// The home the device id belongs to (see [`home`]).
pub(super) const META_DEVICE_HOME: &[u8] = b"device_home";
/// The home a restore leaves behind: never equal to a real one, so the restored directory
/// becomes a device of its own.
pub(super) const RESTORED_HOME: &[u8] = b"restored";

/// Where a data directory lives: a hash of the machine's id and the directory's canonical path.
fn home(dir: &Path) -> Vec<u8> {
    let machine = ["/etc/machine-id", "/var/lib/dbus/machine-id"]
        .iter()
        .find_map(|f| std::fs::read_to_string(f).ok())
        .unwrap_or_default();
    let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut h = blake2::Blake2b::<blake2::digest::consts::U16>::new();
    h.update(b"meedoen device home\0");
    h.update(machine.trim().as_bytes());
    h.update(b"\0");
    h.update(canonical.to_string_lossy().as_bytes());
    h.finalize().to_vec()
}

/// What opening found out about the device.
pub(super) enum Found {
    /// The device id this data directory had, in the home it was made in.
    Same([u8; 16]),
    /// No id yet: a new store, or one from before the change log.
    None,
}

impl Store {
    /// The device id of this data directory, made anew when it was copied, moved or restored
    /// (see the module's text). All in one atomic batch of `meta`.
    pub(super) fn device(&self) -> Result<Found, StoreError> {
        let here = self.path.as_deref().map(home);
        let id = match self.meta.get(META_DEVICE)? {
            Some(v) if v.len() == 16 => v.as_ref().try_into().unwrap_or([0; 16]),
            _ => return Ok(Found::None),
        };
        let stored = self.meta.get(META_DEVICE_HOME)?;
        let moved = match (&stored, &here) {
            (Some(s), _) if s.as_ref() == RESTORED_HOME => true,
            (Some(s), Some(h)) => s.as_ref() != h.as_slice(),
            _ => false,
        };
        if !moved {
            if stored.is_none()
                && let Some(h) = here
            {
                // A store from before the home was kept: this is its home.
                self.meta.insert(META_DEVICE_HOME, h)?;
            }
            return Ok(Found::Same(id));
        }
        let new = *uuid::Uuid::new_v4().as_bytes();
        let mut batch = sled::Batch::default();
        batch.insert(META_DEVICE, &new[..]);
        match here {
            Some(h) => batch.insert(META_DEVICE_HOME, h),
            None => batch.remove(META_DEVICE_HOME),
        }
        // The original goes on in its current block (or, in a store from before the blocks, from
        // its counter): this copy's first number comes a block later.
        let counter = self.number_counter()?;
        batch.insert(META_NEXT_NUMBER, &counter.saturating_add(BLOCK).to_be_bytes()[..]);
        self.meta.apply_batch(batch)?;
        Ok(Found::Same(new))
    }

    /// Records the home of a device id just made.
    pub(super) fn set_device(&self, id: [u8; 16]) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        batch.insert(META_DEVICE, &id[..]);
        if let Some(h) = self.path.as_deref().map(home) {
            batch.insert(META_DEVICE_HOME, h);
        }
        self.meta.apply_batch(batch)?;
        Ok(())
    }
}
