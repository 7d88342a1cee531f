//! Backups: one file holding every tree of the store as it is on disk (record values are already
//! encrypted; keys hold no personal data), restore into an empty directory, seven daily backups,
//! and `check`.
//!
//! File layout: `MEEDOEN-BACKUP` and a version (u16), then entries `[tree name len u16][name]
//! [key len u32][key][value len u32][value]`, then `0xFFFF`, the entry count (u64) and a CRC-32 of
//! everything before it. A file that is cut short or altered is refused as a whole.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::StoreError;
use super::codec::{self, Kind, Record};
use super::error::io_error;
use super::repo::{Store, create_private_dir, write_generation};

const MAGIC: &[u8] = b"MEEDOEN-BACKUP";
const VERSION: u16 = 1;
const END: u16 = 0xFFFF;
/// How many automatic daily backups are kept.
pub const DAILY_KEPT: usize = 7;
const META_REGISTER: &[u8] = b"backup_register";

/// Every backup file meedoen wrote outside its own backups folder, so an erasure can reach them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BackupRegister {
    pub paths: Vec<String>,
}

impl Record for BackupRegister {
    const KIND: Kind = Kind::BackupRegister;
    const SCHEMA: u16 = 1;
}

type Entry = (String, Vec<u8>, Vec<u8>);

fn encode(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    for (tree, k, v) in entries {
        out.extend_from_slice(&(tree.len() as u16).to_le_bytes());
        out.extend_from_slice(tree.as_bytes());
        out.extend_from_slice(&(k.len() as u32).to_le_bytes());
        out.extend_from_slice(k);
        out.extend_from_slice(&(v.len() as u32).to_le_bytes());
        out.extend_from_slice(v);
    }
    out.extend_from_slice(&END.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Reads a backup file's entries; any damage is an error naming the file.
pub fn decode(bytes: &[u8]) -> Result<Vec<Entry>, StoreError> {
    let bad = |why: &str| StoreError::Corrupt { kind: "backup file", reason: why.to_string() };
    if bytes.len() < MAGIC.len() + 2 + 2 + 8 + 4 || !bytes.starts_with(MAGIC) {
        return Err(bad("not a meedoen backup"));
    }
    let (body, crc) = bytes.split_at(bytes.len() - 4);
    if crc32fast::hash(body).to_le_bytes() != crc {
        return Err(bad("damaged or incomplete (checksum does not match)"));
    }
    let mut pos = MAGIC.len();
    let mut take = |n: usize| -> Result<&[u8], StoreError> {
        let s = body.get(pos..pos + n).ok_or_else(|| bad("cut short"))?;
        pos += n;
        Ok(s)
    };
    let version = u16::from_le_bytes(take(2)?.try_into().map_err(|_| bad("version"))?);
    if version > VERSION {
        return Err(StoreError::TooNew { found: version, supported: VERSION });
    }
    let mut entries = Vec::new();
    loop {
        let n = u16::from_le_bytes(take(2)?.try_into().map_err(|_| bad("length"))?);
        if n == END {
            let count = u64::from_le_bytes(take(8)?.try_into().map_err(|_| bad("count"))?);
            if count != entries.len() as u64 {
                return Err(bad("entry count does not match"));
            }
            return Ok(entries);
        }
        let tree = String::from_utf8(take(n as usize)?.to_vec()).map_err(|_| bad("tree name"))?;
        let kl = u32::from_le_bytes(take(4)?.try_into().map_err(|_| bad("length"))?) as usize;
        let k = take(kl)?.to_vec();
        let vl = u32::from_le_bytes(take(4)?.try_into().map_err(|_| bad("length"))?) as usize;
        let v = take(vl)?.to_vec();
        entries.push((tree, k, v));
    }
}

/// Writes `bytes` to `path` through a temporary file, so a crash never leaves half a backup.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let tmp = path.with_extension("partial");
    let mut f = std::fs::File::create(&tmp).map_err(io_error)?;
    f.write_all(bytes).map_err(io_error)?;
    f.sync_all().map_err(io_error)?;
    std::fs::rename(&tmp, path).map_err(io_error)
}

impl Store {
    fn entries(&self) -> Result<Vec<Entry>, StoreError> {
        let mut out = Vec::new();
        for name in self.db.tree_names() {
            let tree = self.db.open_tree(&name)?;
            let name = String::from_utf8_lossy(&name).into_owned();
            for item in tree.iter() {
                let (k, v) = item?;
                if name == "meta" && k.as_ref() == META_REGISTER {
                    continue;
                }
                out.push((name.clone(), k.to_vec(), v.to_vec()));
            }
        }
        Ok(out)
    }

    /// Writes a consistent snapshot of the whole store to `path` and remembers the path, so a
    /// later erasure can remove the erased person's key from it too.
    pub fn write_backup(&self, path: &Path) -> Result<usize, StoreError> {
        let entries = self.entries()?;
        write_atomically(path, &encode(&entries))?;
        let in_own_folder = self.path.as_ref().is_some_and(|d| path.starts_with(d.join("backups")));
        if !in_own_folder {
            let mut reg = self.backup_register()?;
            let p = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()).display().to_string();
            if !reg.paths.contains(&p) {
                reg.paths.push(p);
                self.meta.insert(META_REGISTER, self.seal(&reg)?)?;
                self.flush()?;
            }
        }
        Ok(entries.len())
    }

    fn backup_register(&self) -> Result<BackupRegister, StoreError> {
        Ok(self.meta.get(META_REGISTER)?.map(|v| self.unseal(&v)).transpose()?.unwrap_or_default())
    }

    /// The automatic backups, newest first.
    pub fn daily_backups(&self) -> Vec<PathBuf> {
        let Some(dir) = &self.path else { return Vec::new() };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("backups"))
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "backup"));
        files.sort();
        files.reverse();
        files
    }

    /// Writes today's automatic backup if there is none yet, and keeps the newest seven.
    pub fn daily_backup(&self, today: NaiveDate) -> Result<Option<PathBuf>, StoreError> {
        let Some(dir) = &self.path else { return Ok(None) };
        let folder = dir.join("backups");
        create_private_dir(&folder)?;
        let path = folder.join(format!("meedoen-{}.backup", today.format("%Y-%m-%d")));
        let written = if path.exists() {
            None
        } else {
            self.write_backup(&path)?;
            Some(path)
        };
        for old in self.daily_backups().into_iter().skip(DAILY_KEPT) {
            std::fs::remove_file(old).map_err(io_error)?;
        }
        Ok(written)
    }

    /// After an erasure: removes key `key_id` from every backup meedoen knows. Returns the files
    /// that could not be reached (moved, on a disk not attached): they still hold the key.
    pub(super) fn shred_backups(&self, key_id: u32) -> Result<Vec<String>, StoreError> {
        let mut files: Vec<PathBuf> = self.daily_backups();
        files.extend(self.backup_register()?.paths.iter().map(PathBuf::from));
        let mut unreachable = Vec::new();
        for f in files {
            let Ok(bytes) = std::fs::read(&f) else {
                unreachable.push(f.display().to_string());
                continue;
            };
            let Ok(mut entries) = decode(&bytes) else {
                unreachable.push(f.display().to_string());
                continue;
            };
            if shred_key(&mut entries, key_id).is_err() {
                unreachable.push(f.display().to_string());
                continue;
            }
            write_atomically(&f, &encode(&entries))?;
        }
        Ok(unreachable)
    }

    /// Restores a backup file into `dir`, which must not hold a caseload.
    pub fn restore(file: &Path, dir: &Path) -> Result<usize, StoreError> {
        let bytes = std::fs::read(file).map_err(io_error)?;
        let entries = decode(&bytes)?;
        let locked = Store::open_locked(dir)?;
        if locked.state()? != super::StoreState::New {
            return Err(StoreError::AlreadyInitialised);
        }
        let db = locked.into_db();
        let mut generation = 0;
        for (tree, k, v) in &entries {
            if tree == "meta" && k.as_slice() == super::repo::META_GENERATION {
                generation = u64::from_be_bytes(v.as_slice().try_into().unwrap_or([0; 8]));
            }
            db.open_tree(tree.as_bytes())?.insert(k.as_slice(), v.as_slice())?;
        }
        db.flush()?;
        write_generation(dir, generation)?;
        Ok(entries.len())
    }

    /// Reads every record with its key and checks the indexes; returns problems in plain words.
    pub fn check(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = match self.check_indexes() {
            Ok(p) => p,
            Err(e) => vec![format!("the participant number index could not be checked: {e}")],
        };
        let raw_trees = ["ix_participant_number", "ix_appointment_date", "__sled__default"];
        let mut counts: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
        for name in self.db.tree_names() {
            let tree_name = String::from_utf8_lossy(&name).into_owned();
            if raw_trees.contains(&tree_name.as_str()) {
                continue;
            }
            for item in self.db.open_tree(&name)?.iter() {
                let (k, v) = item?;
                if tree_name == "meta" && !matches!(k.as_ref(), b"settings" | b"keyring" | META_REGISTER) {
                    continue;
                }
                if tree_name == "keys" && v.is_empty() {
                    continue; // destroyed at erasure
                }
                let entry = counts.entry(tree_name.clone()).or_default();
                entry.0 += 1;
                if let Err(e) = self.check_value(&v) {
                    entry.1 += 1;
                    if entry.1 <= 3 {
                        problems.push(format!("{tree_name}: a record cannot be read: {e}"));
                    }
                }
            }
        }
        for (tree, (_, bad)) in counts {
            if bad > 3 {
                problems.push(format!("{tree}: {bad} records in all cannot be read"));
            }
        }
        Ok(problems)
    }

    fn check_value(&self, v: &[u8]) -> Result<(), StoreError> {
        let h = codec::header(v)?;
        if h.key_id == 0 && !h.kind.is_plain() {
            return Err(StoreError::Corrupt { kind: h.kind.name(), reason: "stored without encryption".into() });
        }
        super::keys::check_kind(self, h.kind, v)
    }
}

/// Destroys key `key_id` in the entries of a backup: in its chunk, or its own entry in a backup
/// from before store version 2.
fn shred_key(entries: &mut [Entry], key_id: u32) -> Result<(), StoreError> {
    let chunk = super::keys::chunk_key(key_id);
    for (_, k, v) in entries.iter_mut().filter(|(tree, _, _)| tree == "keys") {
        if k.as_slice() == key_id.to_be_bytes() {
            v.clear();
        } else if k.as_slice() == chunk {
            let mut keys: super::crypto::KeyChunk = codec::decode_plain(v)?;
            super::keys::set_keys(&mut keys, vec![(key_id, None)]);
            *v = codec::encode_plain(&keys)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Participant, ParticipantId};

    #[test]
    fn check_names_damaged_and_unencrypted_records_in_plain_words() {
        let store = Store::temporary().unwrap();
        let p = store.add_participant(Participant::new(ParticipantId::new_random(), 0, chrono::Utc::now())).unwrap();
        assert!(store.check().unwrap().is_empty());
        // A flipped byte in a stored participant, and a record written without encryption.
        let key = p.id.as_bytes().to_vec();
        let mut bytes = store.participants.get(&key).unwrap().unwrap().to_vec();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        store.participants.insert(&key, bytes).unwrap();
        store.goals.insert(b"x", codec::encode_plain(&p).unwrap()).unwrap();
        let problems = store.check().unwrap();
        assert!(problems.iter().any(|m| m.starts_with("participants: a record cannot be read")), "{problems:?}");
        assert!(problems.iter().any(|m| m.contains("stored without encryption")), "{problems:?}");
    }

    #[test]
    fn a_backup_file_cut_short_or_altered_is_refused() {
        let bytes = encode(&[("t".into(), b"k".to_vec(), b"v".to_vec())]);
        assert_eq!(decode(&bytes).unwrap().len(), 1);
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err());
        }
        let mut altered = bytes.clone();
        altered[MAGIC.len() + 4] ^= 1;
        assert!(decode(&altered).is_err());
    }

    #[test]
    fn shredding_a_backup_destroys_the_key_in_either_layout_and_only_that_key() {
        let keys = crate::store::crypto::Keys::new(crate::store::crypto::Key::random());
        let (a, b) = (ParticipantId::new_random(), ParticipantId::new_random());
        let (wa, wb) = (keys.create(7, a, None).unwrap(), keys.create(8, b, None).unwrap());
        let mut chunk = crate::store::crypto::KeyChunk::default();
        super::super::keys::set_keys(&mut chunk, vec![(8, Some(wb.clone())), (7, Some(wa.clone()))]);
        let mut entries: Vec<Entry> = vec![
            ("keys".into(), 7u32.to_be_bytes().to_vec(), codec::encode_plain(&wa).unwrap()),
            ("keys".into(), super::super::keys::chunk_key(7).to_vec(), codec::encode_plain(&chunk).unwrap()),
            ("participants".into(), 7u32.to_be_bytes().to_vec(), b"untouched".to_vec()),
        ];
        shred_key(&mut entries, 7).unwrap();
        assert!(entries[0].2.is_empty(), "a key stored on its own (before store version 2) is emptied");
        let left: crate::store::crypto::KeyChunk = codec::decode_plain(&entries[1].2).unwrap();
        assert_eq!(left.keys.iter().map(|(id, w)| (*id, w.is_some())).collect::<Vec<_>>(), vec![(7, false), (8, true)]);
        assert_eq!(entries[2].2, b"untouched");
    }
}
