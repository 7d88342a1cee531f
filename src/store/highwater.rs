//! How far a caseload got, kept where a copied-back data directory cannot carry it.
//!
//! `saved-generation` beside the database notices a data file that holds less than was saved,
//! but it travels with the directory: a whole data directory copied back from an older copy
//! brings its own, older file, and a deleted file says nothing. So every save also records its
//! generation in the user's state directory (`~/.local/state/meedoen/caseloads/` on Linux),
//! in a file named after the caseload's random id and its data directory. Opening a caseload
//! that is behind that record is refused, in words that say what was found. A restore records
//! the restored generation (see [`record_restored`]); `--accept-older` forgets the record when
//! the coach means to go on with an older copy.

use std::path::{Path, PathBuf};
use std::sync::RwLock;

use blake2::Digest;

use super::StoreError;
use super::repo::{GENERATION_FILE, Store, write_generation};
use std::sync::atomic::Ordering;

/// Where the records live; `None` (library use, tests, `--demo`): no record is kept.
static STATE_DIR: RwLock<Option<PathBuf>> = RwLock::new(None);

/// The meta entry that holds the caseload's random id (16 bytes).
pub(super) const META_CASELOAD_ID: &[u8] = b"caseload_id";

/// Sets where the records of this process live (the program does this once at start).
pub fn set_state_dir(dir: Option<PathBuf>) {
    if let Ok(mut d) = STATE_DIR.write() {
        *d = dir;
    }
}

fn state_dir() -> Option<PathBuf> {
    STATE_DIR.read().ok().and_then(|d| d.clone())
}

/// What the record says: the generation and when it was last written.
pub(super) struct Recorded {
    pub generation: u64,
    pub at: Option<std::time::SystemTime>,
}

/// A stable short name for a data directory: a hash of its canonical path.
fn dir_key(dir: &Path) -> String {
    let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let hash = blake2::Blake2b::<blake2::digest::consts::U8>::digest(canonical.to_string_lossy().as_bytes());
    hex(&hash)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The record of caseload `id` in data directory `dir`, if records are kept.
pub(super) fn record_file(dir: &Path, id: &[u8]) -> Option<PathBuf> {
    Some(state_dir()?.join("caseloads").join(format!("{}-{}", hex(id), dir_key(dir))))
}

/// Reads a record; `None` when there is none (or it cannot be read: then it is rewritten).
pub(super) fn read(file: &Path) -> Option<Recorded> {
    let text = std::fs::read_to_string(file).ok()?;
    let generation = text.lines().next()?.trim().parse().ok()?;
    let at = std::fs::metadata(file).and_then(|m| m.modified()).ok();
    Some(Recorded { generation, at })
}

/// Writes a record in place (a fixed-width number, then the data directory for a person who
/// looks), owner-only. Best effort: the save itself is on disk already, so a state directory
/// that cannot be written never turns a save into an error.
pub(super) fn write(file: &Path, dir: &Path, generation: u64) {
    use std::io::{Seek, Write};
    let write = || -> std::io::Result<()> {
        if let Some(folder) = file.parent()
            && !folder.is_dir()
        {
            let mut b = std::fs::DirBuilder::new();
            b.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
            b.create(folder)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(file)?;
        f.seek(std::io::SeekFrom::Start(0))?;
        f.write_all(format!("{generation:020}\n{}\n", dir.display()).as_bytes())
    };
    let _ = write();
}

/// After a restore into `dir`: the restored caseload starts its record at the restored
/// generation (a restore into the same directory is meant to go back).
pub fn record_restored(dir: &Path, id: Option<&[u8]>, generation: u64) {
    if let Some(file) = id.and_then(|id| record_file(dir, id)) {
        let _ = std::fs::remove_file(&file);
        write(&file, dir, generation);
    }
}

/// Forgets how far the caseload in `dir` got (the record here and `saved-generation`), for a
/// coach who means to go on with an older copy (`--accept-older`).
pub fn forget(dir: &Path) -> Result<(), StoreError> {
    let gone = |r: std::io::Result<()>| match r {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(super::error::io_error(e)),
        _ => Ok(()),
    };
    gone(std::fs::remove_file(dir.join(GENERATION_FILE)))?;
    let Some(folder) = state_dir().map(|s| s.join("caseloads")) else { return Ok(()) };
    let suffix = format!("-{}", dir_key(dir));
    let Ok(entries) = std::fs::read_dir(&folder) else { return Ok(()) };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().ends_with(&suffix) {
            gone(std::fs::remove_file(entry.path()))?;
        }
    }
    Ok(())
}

impl Store {
    /// Refuses a data file that holds less than the last flush saved (see [`Store::flush`]),
    /// and a caseload that is behind the record this computer keeps of it (see `highwater`).
    pub(super) fn check_generation(&self) -> Result<(), StoreError> {
        let Some(dir) = &self.path else { return Ok(()) };
        let local = read_generation(dir)?;
        let found = self.generation.load(Ordering::SeqCst);
        if let Some(expected) = local
            && found < expected
        {
            return Err(StoreError::Truncated { expected, found });
        }
        let (id, new_id) = match self.meta.get(META_CASELOAD_ID)? {
            Some(id) => (id.to_vec(), false),
            None => (uuid::Uuid::new_v4().as_bytes().to_vec(), true),
        };
        if let Some(mark) = record_file(dir, &id) {
            if let Some(recorded) = read(&mark)
                && found < recorded.generation
            {
                let saved_at = recorded
                    .at
                    .map(|t| chrono::DateTime::<chrono::Local>::from(t).format("%d-%m-%Y %H:%M").to_string());
                return Err(StoreError::RolledBack {
                    expected: recorded.generation,
                    found,
                    saved_at: saved_at.unwrap_or_else(|| "?".into()),
                    file_missing: local.is_none(),
                });
            }
            write(&mark, dir, found);
            let _ = self.mark.set(mark);
        }
        if new_id {
            // A caseload from before the id: it gets one now (and every save records it).
            self.meta.insert(META_CASELOAD_ID, id)?;
            return self.flush();
        }
        if local.is_none() {
            // No record yet (a store from before this check): start one.
            write_generation(dir, found)?;
        }
        Ok(())
    }
}

/// The generation `saved-generation` in `dir` holds, if the file is there.
pub(super) fn read_generation(dir: &Path) -> Result<Option<u64>, StoreError> {
    let Ok(text) = std::fs::read_to_string(dir.join(GENERATION_FILE)) else { return Ok(None) };
    text.trim().parse().map(Some).map_err(|_| StoreError::Corrupt {
        kind: "saved-generation file",
        reason: "unreadable; delete the file if the caseload is otherwise fine".into(),
    })
}
