//! The temporary directory of a `--demo` run: made with the id of the process that owns it, and
//! removed on exit (also after SIGHUP or SIGTERM, see `ui::run`). A run that was killed outright
//! (SIGKILL, a crash) cannot clean up after itself: the next `--demo` removes the directories of
//! runs whose process is gone.

use std::path::Path;

/// Every demo directory starts with this, in the system's temporary directory.
pub const PREFIX: &str = "meedoen-demo-";
/// The file in a demo directory that holds the id of the process that owns it.
pub const OWNER_FILE: &str = "owner-pid";

/// A new demo directory, after removing those of earlier runs that are gone.
pub fn create() -> std::io::Result<tempfile::TempDir> {
    let tmp = tempfile::Builder::new().prefix(PREFIX).tempdir()?;
    std::fs::write(tmp.path().join(OWNER_FILE), std::process::id().to_string())?;
    remove_stale(tmp.path());
    Ok(tmp)
}

/// Removes the demo directories beside `mine` whose owning process no longer runs. Only
/// directories of the same user with an owner file are touched; what cannot be removed stays.
fn remove_stale(mine: &Path) {
    let Some(parent) = mine.parent() else { return };
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let me = owner(mine);
    for entry in entries.flatten() {
        let path = entry.path();
        let is_demo = entry.file_name().to_str().is_some_and(|n| n.starts_with(PREFIX));
        // `file_type` does not follow a symbolic link: only real directories are removed.
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !is_demo || !is_dir || path == mine || owner(&path) != me {
            continue;
        }
        let pid = std::fs::read_to_string(path.join(OWNER_FILE)).ok().and_then(|t| t.trim().parse::<u32>().ok());
        if pid.is_some_and(|pid| !running(pid)) {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// The user that owns `path` (None where that cannot be told).
fn owner(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(path).ok().map(|m| m.uid())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Whether process `pid` runs. Where that cannot be told (no `/proc`), it counts as running,
/// so nothing is removed.
fn running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}
