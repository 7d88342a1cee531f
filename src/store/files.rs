//! Files that hold personal data, plain or sealed, are readable by their owner only, whatever the
//! umask: the caseload's folders and files, backups, exports, reports with names, charts.

use std::io::Write;
use std::path::Path;

/// Makes every file and folder this process creates from now on owner-only (umask 077). Called
/// first thing by the program; library users get owner-only modes from the functions below.
pub fn owner_only_umask() {
    #[cfg(unix)]
    // SAFETY: umask only changes the process's file mode creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

/// Writes `bytes` to `path` (created or replaced) readable and writable by the owner only; an
/// existing file that was readable by others is made owner-only first.
pub fn write_private(path: &Path, bytes: impl AsRef<[u8]>) -> std::io::Result<()> {
    let mut f = private_options().open(path)?;
    restrict_file(path)?;
    f.write_all(bytes.as_ref())
}

/// Open options for a new owner-only file (create, truncate, write).
pub(super) fn private_options() -> std::fs::OpenOptions {
    let mut o = std::fs::OpenOptions::new();
    o.create(true).truncate(true).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

/// Sets an existing file to owner-only (0600) if group or others may use it.
fn restrict_file(path: &Path) -> std::io::Result<()> {
    restrict(path, 0o600)
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.file_type().is_symlink() && meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

/// Makes the data directory and everything in it owner-only (folders 0700, files 0600): fixes a
/// caseload written under a looser umask, by an older meedoen or into an existing folder. Symbolic
/// links are left alone.
pub(super) fn restrict_tree(dir: &Path) -> std::io::Result<()> {
    restrict(dir, 0o700)?;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            restrict_tree(&entry.path())?;
        } else if kind.is_file() {
            restrict_file(&entry.path())?;
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_tree_and_a_written_file_become_owner_only() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("c");
        std::fs::create_dir_all(dir.join("db")).unwrap();
        std::fs::write(dir.join("db").join("db"), b"x").unwrap();
        for (p, m) in [(dir.clone(), 0o755), (dir.join("db"), 0o755), (dir.join("db").join("db"), 0o644)] {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).unwrap();
        }
        restrict_tree(&dir).unwrap();
        assert_eq!((mode(&dir), mode(&dir.join("db")), mode(&dir.join("db").join("db"))), (0o700, 0o700, 0o600));
        let out = tmp.path().join("export.json");
        std::fs::write(&out, b"old").unwrap();
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&out, b"new").unwrap();
        assert_eq!(mode(&out), 0o600);
        assert_eq!(std::fs::read(&out).unwrap(), b"new");
    }
}
