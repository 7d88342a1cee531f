//! Every file meedoen writes that holds personal data, plain or sealed, is owner-only whatever
//! the umask it was started with; a caseload written under a looser umask is fixed on open.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::TEST_PASSPHRASE;

/// Runs the real binary under umask 022 (the usual default), as a coach's shell starts it.
fn under_umask_022(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 022; exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_meedoen"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("MEEDOEN_PASSPHRASE", TEST_PASSPHRASE)
        .env("MEEDOEN_STATE_DIR", dir.with_extension("state"))
        .env_remove("MEEDOEN_COACH")
        .env_remove("MEEDOEN_DATA_DIR")
        .output()
        .unwrap()
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

/// Every path under `dir` (itself included) that is readable by someone else than the owner.
fn open_to_others(dir: &Path) -> Vec<(PathBuf, u32)> {
    let mut out = Vec::new();
    if mode(dir) & 0o077 != 0 {
        out.push((dir.to_path_buf(), mode(dir)));
    }
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(open_to_others(&p));
        } else if mode(&p) & 0o077 != 0 {
            out.push((p.clone(), mode(&p)));
        }
    }
    out
}

fn ok(out: &Output) {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn under_umask_022_the_caseload_backups_exports_and_lists_are_owner_only() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // An existing, empty --data-dir made by the coach (0755 under umask 022).
    let dir = tmp.path().join("caseload");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    ok(&under_umask_022(&dir, &["demo", "--participants", "12", "--seed", "5"]));
    ok(&under_umask_022(&dir, &["settings"]));
    assert_eq!(open_to_others(&dir), vec![], "the data directory, db/ and the data file");

    let out_dir = tmp.path().join("uit");
    std::fs::create_dir(&out_dir).unwrap();
    let file = |name: &str| out_dir.join(name).to_str().unwrap().to_string();
    ok(&under_umask_022(&dir, &["backup", &file("kopie.backup")]));
    ok(&under_umask_022(&dir, &["export", "--participant", "1001", "--out", &file("inzage")]));
    ok(&under_umask_022(&dir, &["export", "--out", &file("alles.json")]));
    let period = ["--from", "01-01-2020", "--to", "31-12-2030"];
    let mut args = vec!["report"];
    args.extend(period);
    args.extend(["--esf-list", "--with-names", "--out"]);
    let list = file("esf.csv");
    args.push(&list);
    ok(&under_umask_022(&dir, &args));
    let mut args = vec!["report"];
    args.extend(period);
    let report = file("rapport.txt");
    args.extend(["--out", &report]);
    ok(&under_umask_022(&dir, &args));
    for name in ["kopie.backup", "inzage.json", "inzage.txt", "alles.json", "esf.csv", "rapport.txt"] {
        assert_eq!(mode(&out_dir.join(name)), 0o600, "{name}");
    }
    // Nothing left behind in the output folder (no partial file).
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), 6);
}

#[test]
fn a_caseload_left_readable_by_others_is_made_owner_only_when_it_is_opened() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    ok(&under_umask_022(&dir, &["demo", "--participants", "3"]));
    // As an older meedoen left it under umask 022.
    fn loosen(p: &Path) {
        let m = if p.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
        if p.is_dir() {
            for e in std::fs::read_dir(p).unwrap() {
                loosen(&e.unwrap().path());
            }
        }
    }
    loosen(&dir);
    assert!(!open_to_others(&dir).is_empty());
    ok(&under_umask_022(&dir, &["check"]));
    assert_eq!(open_to_others(&dir), vec![]);
}
