//! The key slot file: the secrets of the key epochs (see `crypto::epoch`), kept outside sled in
//! a small file of two fixed slots that are overwritten in place, never appended to, so an
//! overwritten secret is gone from the file.
//!
//! The file lives in the database directory (`db/keyslots`), so it moves with the data file when
//! a rewrite or a restore swaps that directory. Each slot is 64 bytes: `MDKS`, a version byte,
//! three zero bytes, the epoch (u64, little endian), the secret (32 bytes), a CRC-32 of the
//! bytes before it, and zeros. An empty or damaged slot holds nothing. Deleting the file makes
//! the caseload unreadable, like deleting the data file.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use zeroize::Zeroizing;

use super::StoreError;
use super::crypto::Key;
use super::error::io_error;

pub(super) const FILE_NAME: &str = "keyslots";
const MAGIC: &[u8; 4] = b"MDKS";
const VERSION: u8 = 1;
const SLOT_LEN: usize = 64;
pub(super) const SLOTS: usize = 2;
const FILLED_LEN: usize = 4 + 4 + 8 + 32;

/// A filled slot: its index, the epoch and its secret.
pub(super) struct Filled {
    pub slot: usize,
    pub epoch: u64,
    pub secret: Key,
}

/// The key slots of one store: a file, or memory for a store that lives in memory.
pub(super) struct KeySlots {
    file: Option<PathBuf>,
    memory: Mutex<Vec<Zeroizing<[u8; SLOT_LEN]>>>,
}

impl KeySlots {
    pub fn in_memory() -> KeySlots {
        KeySlots { file: None, memory: Mutex::new(vec![Zeroizing::new([0; SLOT_LEN]); SLOTS]) }
    }

    /// The slots of the database in directory `db_dir`.
    pub fn at(db_dir: &Path) -> KeySlots {
        KeySlots { file: Some(db_dir.join(FILE_NAME)), memory: Mutex::new(Vec::new()) }
    }

    fn raw(&self) -> Result<Zeroizing<Vec<u8>>, StoreError> {
        let mut out = Zeroizing::new(vec![0u8; SLOT_LEN * SLOTS]);
        match &self.file {
            None => {
                let mem = self.memory.lock().map_err(|_| poisoned())?;
                for (i, slot) in mem.iter().enumerate() {
                    out[i * SLOT_LEN..(i + 1) * SLOT_LEN].copy_from_slice(slot.as_ref());
                }
            }
            Some(path) => match std::fs::File::open(path) {
                Ok(mut f) => {
                    let mut buf = Zeroizing::new(Vec::new());
                    f.read_to_end(&mut buf).map_err(io_error)?;
                    let n = buf.len().min(out.len());
                    out[..n].copy_from_slice(&buf[..n]);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_error(e)),
            },
        }
        Ok(out)
    }

    /// The filled slots, in slot order.
    pub fn read(&self) -> Result<Vec<Filled>, StoreError> {
        let raw = self.raw()?;
        let mut out = Vec::new();
        for slot in 0..SLOTS {
            let b = &raw[slot * SLOT_LEN..(slot + 1) * SLOT_LEN];
            if &b[..4] != MAGIC || b[4] != VERSION {
                continue;
            }
            let crc = u32::from_le_bytes([b[FILLED_LEN], b[FILLED_LEN + 1], b[FILLED_LEN + 2], b[FILLED_LEN + 3]]);
            if crc32fast::hash(&b[..FILLED_LEN]) != crc {
                continue;
            }
            let mut epoch = [0u8; 8];
            epoch.copy_from_slice(&b[8..16]);
            let mut secret = Zeroizing::new([0u8; 32]);
            secret.copy_from_slice(&b[16..48]);
            out.push(Filled { slot, epoch: u64::from_le_bytes(epoch), secret: Key::from_secret(secret) });
        }
        Ok(out)
    }

    /// Writes `epoch` and its secret into `slot`, in place, and waits until it is on disk.
    pub fn put(&self, slot: usize, epoch: u64, secret: &Key) -> Result<(), StoreError> {
        let mut b = Zeroizing::new([0u8; SLOT_LEN]);
        b[..4].copy_from_slice(MAGIC);
        b[4] = VERSION;
        b[8..16].copy_from_slice(&epoch.to_le_bytes());
        b[16..48].copy_from_slice(secret.bytes());
        let crc = crc32fast::hash(&b[..FILLED_LEN]);
        b[FILLED_LEN..FILLED_LEN + 4].copy_from_slice(&crc.to_le_bytes());
        self.write_slot(slot, &b)
    }

    /// Overwrites `slot` with zeros, in place, and waits until that is on disk.
    pub fn wipe(&self, slot: usize) -> Result<(), StoreError> {
        self.write_slot(slot, &[0u8; SLOT_LEN])
    }

    fn write_slot(&self, slot: usize, bytes: &[u8; SLOT_LEN]) -> Result<(), StoreError> {
        if slot >= SLOTS {
            return Err(StoreError::Backend(format!("no key slot {slot}")));
        }
        let Some(path) = &self.file else {
            let mut mem = self.memory.lock().map_err(|_| poisoned())?;
            mem[slot].copy_from_slice(bytes);
            return Ok(());
        };
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(path).map_err(io_error)?;
        let len = f.metadata().map_err(io_error)?.len();
        if len < (SLOT_LEN * SLOTS) as u64 {
            f.set_len((SLOT_LEN * SLOTS) as u64).map_err(io_error)?;
        }
        f.seek(SeekFrom::Start((slot * SLOT_LEN) as u64)).map_err(io_error)?;
        f.write_all(bytes).map_err(io_error)?;
        f.sync_all().map_err(io_error)?;
        if len == 0 {
            // A new file: its directory entry must be on disk too.
            if let Some(dir) = path.parent()
                && let Ok(d) = std::fs::File::open(dir)
            {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

fn poisoned() -> StoreError {
    StoreError::Backend("the key slots are unusable after an earlier failure".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_is_overwritten_in_place_and_a_wiped_or_damaged_slot_holds_nothing() -> Result<(), StoreError> {
        let tmp = tempfile::tempdir().map_err(io_error)?;
        let slots = KeySlots::at(tmp.path());
        assert!(slots.read()?.is_empty(), "no file: no slots");
        let (a, b) = (Key::random(), Key::random());
        slots.put(0, 1, &a)?;
        slots.put(1, 2, &b)?;
        let read = slots.read()?;
        assert_eq!(read.iter().map(|f| (f.slot, f.epoch)).collect::<Vec<_>>(), vec![(0, 1), (1, 2)]);
        assert_eq!(read[1].secret.bytes(), b.bytes());
        slots.wipe(0)?;
        let path = tmp.path().join(FILE_NAME);
        let bytes = std::fs::read(&path).map_err(io_error)?;
        assert_eq!(bytes.len(), SLOT_LEN * SLOTS, "the file does not grow");
        assert!(!bytes.windows(32).any(|w| w == a.bytes()), "the wiped secret is gone from the file");
        assert_eq!(slots.read()?.iter().map(|f| f.epoch).collect::<Vec<_>>(), vec![2]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).map_err(io_error)?.permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let mut damaged = bytes.clone();
        damaged[SLOT_LEN + 20] ^= 1;
        std::fs::write(&path, damaged).map_err(io_error)?;
        assert!(slots.read()?.is_empty(), "a damaged slot is not taken for a secret");
        Ok(())
    }
}
