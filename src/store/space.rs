//! A full disk the coach can recover from in the same session.
//!
//! sled 0.34 remembers an I/O error such as "no space left on device" and refuses every later
//! write until the database is opened again (checked: after space is freed, every save still
//! fails; a reopened database saves). So a store that hit a full disk is reopened, with the
//! master key it already holds, as soon as there is room again; until then every save says the
//! disk is full and nothing else is touched. A backup that could not be finished leaves no
//! `.partial` file behind.

use std::path::Path;

use super::StoreError;
use super::repo::Store;

/// Free bytes wanted before a store that hit a full disk is opened again: room for sled to
/// write a segment or two.
pub const ROOM_TO_REOPEN: u64 = 4 * 1024 * 1024;

impl Store {
    /// Whether sled refuses writes after an earlier I/O error (a full disk). Costs a flush.
    pub fn writes_refused(&self) -> bool {
        self.db.flush().is_err()
    }

    /// Free bytes on the disk of the data directory (`None`: not known here).
    pub fn free_space(&self) -> Option<u64> {
        free_space(self.path.as_deref()?)
    }

    /// Opens the caseload again (after a full disk: see the module comment). The files are
    /// closed first, so this store is given up; the new one holds the same master key.
    pub fn reopened(self) -> Result<Store, StoreError> {
        let Some(dir) = self.path.clone() else { return Ok(self) };
        let master = self.keys.master().clone();
        drop(self);
        Store::open_locked(&dir)?.with_master(master)
    }
}

#[cfg(unix)]
fn free_space(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is a valid C string and `st` a valid statvfs to fill in.
    if unsafe { libc::statvfs(path.as_ptr(), &mut st) } != 0 {
        return None;
    }
    #[allow(clippy::unnecessary_cast)]
    Some(st.f_bavail as u64 * st.f_frsize as u64)
}

#[cfg(not(unix))]
fn free_space(_dir: &Path) -> Option<u64> {
    None
}

/// Removes the `.partial` files a backup that could not be finished left in the data directory
/// or its backups folder (best effort).
pub(super) fn remove_partial_files(dir: &Path) {
    for folder in [dir.to_path_buf(), dir.join("backups")] {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "partial") && entry.file_type().is_ok_and(|t| t.is_file()) {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}
