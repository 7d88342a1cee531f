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
use super::repo::{Store, create_private_dir};

const MAGIC: &[u8] = b"MEEDOEN-BACKUP";
const VERSION: u16 = 1;
const END: u16 = 0xFFFF;
/// How many automatic daily backups are kept.
pub const DAILY_KEPT: usize = 7;
pub(super) const META_REGISTER: &[u8] = b"backup_register";

/// A backup carries the secret of its key epoch (sealed under the master key) as entries of
/// this name, not a sled tree: key = the epoch (u64, big endian).
pub(super) const KEYSLOT_ENTRIES: &str = "@keyslot";

/// Every backup file meedoen wrote outside its own backups folder, so an erasure can reach them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BackupRegister {
    pub entries: Vec<RegisteredBackup>,
}

/// A registered backup and the data directory of the caseload that wrote it: a copy of the
/// data directory elsewhere carries the register along, but the backups are not its own.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RegisteredBackup {
    pub path: String,
    /// Canonical path of the data directory; empty for one registered before schema 2 (unknown,
    /// taken as this caseload's, as then).
    pub data_dir: String,
}

impl Record for BackupRegister {
    const KIND: Kind = Kind::BackupRegister;
    const SCHEMA: u16 = 2;
    fn migrate(schema: u16, payload: &[u8]) -> Result<Self, StoreError> {
        #[derive(Deserialize)]
        struct V1 {
            paths: Vec<String>,
        }
        match schema {
            1 => {
                let old = codec::decode_payload::<V1>(Kind::BackupRegister, payload)?;
                let entries =
                    old.paths.into_iter().map(|path| RegisteredBackup { path, data_dir: String::new() }).collect();
                Ok(BackupRegister { entries })
            }
            _ => Err(StoreError::Corrupt { kind: "backup register", reason: format!("unknown schema {schema}") }),
        }
    }
}

pub(super) type Entry = (String, Vec<u8>, Vec<u8>);

pub(super) fn encode(entries: &[Entry]) -> Vec<u8> {
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
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let tmp = path.with_extension("partial");
    let written = (|| {
        let mut f = super::files::private_options().open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        // A full disk, say: no half-written file stays behind.
        let _ = std::fs::remove_file(&tmp);
    }
    written.map_err(io_error)
}

/// A writer that keeps the CRC-32 of everything written through it.
struct Checksummed<W: Write> {
    inner: W,
    crc: crc32fast::Hasher,
    entries: u64,
}

impl<W: Write> Checksummed<W> {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.crc.update(bytes);
        self.inner.write_all(bytes)
    }

    /// One entry in the layout [`encode`] writes.
    fn entry(&mut self, tree: &str, k: &[u8], v: &[u8]) -> std::io::Result<()> {
        self.put(&(tree.len() as u16).to_le_bytes())?;
        self.put(tree.as_bytes())?;
        self.put(&(k.len() as u32).to_le_bytes())?;
        self.put(k)?;
        self.put(&(v.len() as u32).to_le_bytes())?;
        self.put(v)?;
        self.entries += 1;
        Ok(())
    }
}

impl Store {
    /// Writes a backup of every stored value to `out` as it reads it (the same bytes as
    /// [`encode`] of [`Store::entries`], without the caseload in memory); returns the entry count.
    fn stream_backup<W: Write>(&self, out: W) -> Result<(u64, W), StoreError> {
        let mut w = Checksummed { inner: out, crc: crc32fast::Hasher::new(), entries: 0 };
        w.put(MAGIC).map_err(io_error)?;
        w.put(&VERSION.to_le_bytes()).map_err(io_error)?;
        for name in self.db.tree_names() {
            let tree = self.db.open_tree(&name)?;
            let name = String::from_utf8_lossy(&name).into_owned();
            for item in tree.iter() {
                let (k, v) = item?;
                if name == "meta" && (k.as_ref() == META_REGISTER || super::privacy::is_pending_key(&k)) {
                    continue;
                }
                w.entry(&name, &k, &v).map_err(io_error)?;
            }
        }
        if let Some((epoch, secret)) = self.current_secret()? {
            let sealed = self.keys.seal_secret(epoch, &secret)?;
            w.entry(KEYSLOT_ENTRIES, &epoch.to_be_bytes(), &sealed).map_err(io_error)?;
        }
        let count = w.entries;
        w.put(&END.to_le_bytes()).map_err(io_error)?;
        w.put(&count.to_le_bytes()).map_err(io_error)?;
        let crc = w.crc.clone().finalize();
        w.inner.write_all(&crc.to_le_bytes()).map_err(io_error)?;
        Ok((count, w.inner))
    }

    /// Writes the backup to `path` through a temporary file, streamed: a crash never leaves half
    /// a backup, and memory does not grow with the caseload.
    fn write_backup_file(&self, path: &Path) -> Result<u64, StoreError> {
        let tmp = path.with_extension("partial");
        let written = (|| {
            let file = super::files::private_options().open(&tmp).map_err(io_error)?;
            let (count, buffered) = self.stream_backup(std::io::BufWriter::with_capacity(1 << 20, file))?;
            let file = buffered.into_inner().map_err(|e| io_error(e.into_error()))?;
            file.sync_all().map_err(io_error)?;
            std::fs::rename(&tmp, path).map_err(io_error)?;
            Ok(count)
        })();
        if written.is_err() {
            // A full disk, say: no half-written file stays behind.
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }

    /// Every stored value, and the secret of the current key epoch (sealed under the master key),
    /// in memory: the tests' reading of what a streamed backup must hold.
    #[cfg(test)]
    pub(super) fn entries(&self) -> Result<Vec<Entry>, StoreError> {
        let mut out = Vec::new();
        for name in self.db.tree_names() {
            let tree = self.db.open_tree(&name)?;
            let name = String::from_utf8_lossy(&name).into_owned();
            for item in tree.iter() {
                let (k, v) = item?;
                if name == "meta" && (k.as_ref() == META_REGISTER || super::privacy::is_pending_key(&k)) {
                    continue;
                }
                out.push((name.clone(), k.to_vec(), v.to_vec()));
            }
        }
        if let Some((epoch, secret)) = self.current_secret()? {
            out.push((KEYSLOT_ENTRIES.into(), epoch.to_be_bytes().to_vec(), self.keys.seal_secret(epoch, &secret)?));
        }
        Ok(out)
    }

    /// This caseload's data directory as the register records it.
    pub(super) fn register_dir(&self) -> String {
        self.path
            .as_ref()
            .map(|d| std::fs::canonicalize(d).unwrap_or_else(|_| d.clone()).display().to_string())
            .unwrap_or_default()
    }

    /// Writes a consistent snapshot of the whole store to `path` and remembers the path, so a
    /// later erasure can remove the erased person's key from it too.
    pub fn write_backup(&self, path: &Path) -> Result<usize, StoreError> {
        if let Some(dir) = &self.path
            && inside_own_files(dir, path)
        {
            return Err(StoreError::BackupInsideCaseload { path: path.to_path_buf() });
        }
        let count = self.write_backup_file(path)?;
        let in_own_folder = self.path.as_ref().is_some_and(|d| path.starts_with(d.join("backups")));
        if !in_own_folder {
            let mut reg = self.backup_register()?;
            let p = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()).display().to_string();
            let here = self.register_dir();
            if !reg.entries.iter().any(|e| e.path == p && e.data_dir == here) {
                reg.entries.retain(|e| e.path != p);
                reg.entries.push(RegisteredBackup { path: p, data_dir: here });
                self.put_one(META_REGISTER, &reg)?;
            }
        }
        Ok(usize::try_from(count).unwrap_or(usize::MAX))
    }

    pub(super) fn backup_register(&self) -> Result<BackupRegister, StoreError> {
        Ok(self.meta.get(META_REGISTER)?.map(|v| self.unseal(&v, META_REGISTER)).transpose()?.unwrap_or_default())
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

    /// meedoen's own dated backups (`meedoen-YYYY-MM-DD.backup`), newest first: the only files
    /// the daily rotation removes. A file the coach put in the folder is never one of them.
    fn dated_backups(&self) -> Vec<PathBuf> {
        let mut files = self.daily_backups();
        files.retain(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(is_dated_backup_name));
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
        for old in self.dated_backups().into_iter().skip(DAILY_KEPT) {
            std::fs::remove_file(old).map_err(io_error)?;
        }
        Ok(written)
    }

    /// Reads every record with its key and checks the indexes; returns problems in plain words.
    pub fn check(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = match self.check_indexes() {
            Ok(p) => p,
            Err(e) => vec![format!("the participant number index could not be checked: {e}")],
        };
        if self.meta.contains_key(super::restore::META_RESTORING)? {
            problems.push("a restore into this caseload did not finish: it is not whole; restore the backup again into an empty directory".into());
        }
        match self.check_change_log() {
            Ok(p) => problems.extend(p),
            Err(e) => problems.push(format!("the change log could not be checked: {e}")),
        }
        match self.check_key_chunks() {
            Ok(p) => problems.extend(p),
            Err(e) => problems.push(format!("the participant keys could not be checked: {e}")),
        }
        let mut counts: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
        for name in self.db.tree_names() {
            let tree_name = String::from_utf8_lossy(&name).into_owned();
            if super::registry::Tree::from_name(&name).is_none_or(|t| t.is_raw()) {
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
                if let Err(e) = self.check_value(&v, &k) {
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

    fn check_value(&self, v: &[u8], at: &[u8]) -> Result<(), StoreError> {
        let h = codec::header(v)?;
        if h.key_id == 0 && !h.kind.is_plain() {
            return Err(StoreError::Corrupt { kind: h.kind.name(), reason: "stored without encryption".into() });
        }
        super::keys::check_kind(self, h.kind, v, at)
    }
}

/// Whether `name` is one of meedoen's daily backups: `meedoen-YYYY-MM-DD.backup`.
fn is_dated_backup_name(name: &str) -> bool {
    name.strip_prefix("meedoen-")
        .and_then(|rest| rest.strip_suffix(".backup"))
        .is_some_and(|date| NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok() && date.len() == 10)
}

/// Whether `target` is one of the caseload's own files in `dir` (the data file, its snapshots,
/// `saved-generation`, ...) or a folder of it: writing a backup there would destroy the caseload.
/// Only the `backups` folder inside the data directory may hold a backup.
fn inside_own_files(dir: &Path, target: &Path) -> bool {
    let (dir, target) = (resolve(dir), resolve(target));
    let backups = dir.join("backups");
    target.starts_with(&dir) && !(target.starts_with(&backups) && target != backups)
}

/// `path` with symbolic links, `.` and `..` resolved as far as it exists, the rest appended.
fn resolve(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut plain = PathBuf::new();
    for c in std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).components() {
        match c {
            Component::ParentDir => {
                plain.pop();
            }
            Component::CurDir => {}
            other => plain.push(other),
        }
    }
    let mut rest = Vec::new();
    let mut existing = plain.as_path();
    loop {
        if let Ok(mut real) = std::fs::canonicalize(existing) {
            real.extend(rest.iter().rev());
            return real;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return plain,
        }
    }
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

    fn on_disk(dir: &Path) -> Store {
        Store::create(dir, "test passphrase", crate::store::crypto::KdfParams::LIGHT_FOR_TESTS).unwrap()
    }

    #[test]
    fn the_daily_rotation_removes_only_meedoens_own_dated_backups() {
        let tmp = tempfile::tempdir().unwrap();
        let store = on_disk(&tmp.path().join("c"));
        let folder = tmp.path().join("c").join("backups");
        std::fs::create_dir_all(&folder).unwrap();
        for day in 1..=9 {
            std::fs::write(folder.join(format!("meedoen-2026-11-{day:02}.backup")), b"x").unwrap();
        }
        let own = ["handmatig-voor-upgrade.backup", "meedoen-voor-upgrade.backup", "meedoen-2026-11-01-kopie.backup"];
        for name in own {
            std::fs::write(folder.join(name), b"by hand").unwrap();
        }
        store.daily_backup(NaiveDate::from_ymd_opt(2026, 11, 10).unwrap()).unwrap();
        for name in own {
            assert!(folder.join(name).exists(), "{name} was made by the coach and stays");
        }
        let dated: Vec<String> =
            store.dated_backups().iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(dated.len(), DAILY_KEPT);
        assert_eq!(dated[0], "meedoen-2026-11-10.backup");
        assert_eq!(dated[DAILY_KEPT - 1], "meedoen-2026-11-04.backup");
    }

    #[test]
    fn a_backup_into_the_caseloads_own_files_is_refused_and_the_caseload_still_opens() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("c");
        let store = on_disk(&dir);
        store.add_participant(Participant::new(ParticipantId::new_random(), 0, chrono::Utc::now())).unwrap();
        for target in
            [dir.join("db").join("db"), dir.join("db").join("nieuw"), dir.join("saved-generation"), dir.clone()]
        {
            let r = store.write_backup(&target);
            assert!(matches!(r, Err(StoreError::BackupInsideCaseload { .. })), "{target:?}: {r:?}");
        }
        // Through another spelling of the same folder.
        let odd = dir.join("backups").join("..").join("db").join("db");
        assert!(matches!(store.write_backup(&odd), Err(StoreError::BackupInsideCaseload { .. })));
        // Its own backups folder and anywhere outside are fine.
        std::fs::create_dir_all(dir.join("backups")).unwrap();
        store.write_backup(&dir.join("backups").join("handmatig.backup")).unwrap_or_else(|e| panic!("{e}"));
        store.write_backup(&tmp.path().join("elders.backup")).unwrap();
        drop(store);
        let store = Store::open(&dir, "test passphrase").unwrap();
        assert_eq!(store.participant_count(), 1);
    }

    #[test]
    fn a_streamed_backup_is_the_same_bytes_as_the_encoded_entries() {
        let tmp = tempfile::tempdir().unwrap();
        let store = on_disk(&tmp.path().join("c"));
        let people: Vec<_> = (0..20u128)
            .map(|i| {
                let mut p = crate::domain::Participant::new(
                    crate::domain::ParticipantId(uuid::Uuid::from_u128(i + 1)),
                    0,
                    chrono::Utc::now(),
                );
                p.family_name = format!("Jansen {i}");
                p
            })
            .collect();
        store.add_participants(people).unwrap();
        let entries = store.entries().unwrap();
        let file = tmp.path().join("b.backup");
        let n = store.write_backup(&file).unwrap();
        // The same entries as the whole-in-memory encoding (the key epoch's secret is sealed
        // with a fresh nonce each time, so its value differs).
        let strip = |mut e: Vec<Entry>| {
            for (tree, _, v) in &mut e {
                if tree == KEYSLOT_ENTRIES {
                    v.clear();
                }
            }
            e
        };
        let streamed = decode(&std::fs::read(&file).unwrap()).unwrap();
        assert!(n > 20 && n == entries.len());
        assert!(streamed.iter().any(|(t, _, _)| t == KEYSLOT_ENTRIES));
        assert!(strip(streamed) == strip(entries), "the streamed backup holds other entries");
        assert!(!file.with_extension("partial").exists());
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
}
