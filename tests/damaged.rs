//! A damaged, shortened or rolled-back caseload is refused in words the coach can act on: never a
//! panic, never silently fewer records.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::Output;

use common::*;

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The data file cut to 0%, 10% and 50% of its length, or deleted, under the snapshot sled keeps
/// beside it: sled used to panic while recovering ("index out of bounds", exit code 101).
#[test]
fn a_data_file_cut_short_or_deleted_gives_the_damaged_message_and_no_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let out = run_meedoen(&dir, &["demo", "--participants", "1000", "--seed", "3"]);
    assert!(out.status.success(), "{}", err(&out));
    // A second opening leaves a snapshot file that points into the whole data file.
    assert!(run_meedoen(&dir, &["settings"]).status.success());
    for cut in [Some(0), Some(10), Some(50), None] {
        let damaged = tmp.path().join(format!("damaged-{cut:?}"));
        copy_dir(&dir, &damaged);
        let db = damaged.join("db").join("db");
        match cut {
            Some(percent) => {
                let len = std::fs::metadata(&db).unwrap().len();
                let f = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
                f.set_len(len * percent / 100).unwrap();
            }
            None => std::fs::remove_file(&db).unwrap(),
        }
        for args in [&["export"][..], &["check"], &["backup", tmp.path().join("b.backup").to_str().unwrap()]] {
            let out = run_meedoen(&damaged, args);
            let msg = err(&out);
            assert_eq!(out.status.code(), Some(1), "{cut:?} {args:?}: {msg}");
            assert!(!msg.contains("panicked") && !msg.contains("RUST_BACKTRACE"), "{cut:?}: {msg}");
            assert!(msg.contains("beschadigd") && msg.contains("meedoen restore"), "{cut:?} {args:?}: {msg}");
            assert_eq!(msg.trim().lines().count(), 1, "one sentence: {msg}");
        }
    }
}

fn replace_with(dir: &Path, copy: &Path) {
    std::fs::remove_dir_all(dir).unwrap();
    copy_dir(copy, dir);
}

/// The whole data directory copied back from an older copy carries its own, older
/// `saved-generation`; the record outside it (MEEDOEN_STATE_DIR here) notices.
#[test]
fn a_data_directory_copied_back_from_an_older_copy_is_refused_with_what_was_found() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    assert!(run_meedoen(&dir, &["demo", "--participants", "5"]).status.success());
    let old = tmp.path().join("oude-kopie");
    copy_dir(&dir, &old);
    let backup = tmp.path().join("oud.backup");
    assert!(run_meedoen(&dir, &["backup", backup.to_str().unwrap()]).status.success());
    // Saves made after the copy.
    assert!(run_meedoen(&dir, &["settings", "--lock-minutes", "7"]).status.success());
    assert!(run_meedoen(&dir, &["settings", "--retention-months", "30"]).status.success());

    replace_with(&dir, &old);
    let out = run_meedoen(&dir, &["settings"]);
    let msg = err(&out);
    assert_eq!(out.status.code(), Some(1), "{msg}");
    assert!(msg.contains("ouder dan de laatste opslag op deze computer") && msg.contains("oudere kopie"), "{msg}");
    assert!(msg.contains("meedoen restore") && msg.contains("--accept-older"), "{msg}");
    assert!(!msg.contains("ontbreekt"), "{msg}");

    // Only the database copied back, and saved-generation deleted.
    replace_with(&dir, &old);
    std::fs::remove_file(dir.join("saved-generation")).unwrap();
    std::fs::remove_dir_all(dir.join("db")).unwrap();
    copy_dir(&old.join("db"), &dir.join("db"));
    let out = run_meedoen(&dir, &["export"]);
    assert_eq!(out.status.code(), Some(1), "{}", err(&out));
    assert!(err(&out).contains("saved-generation ontbreekt"), "{}", err(&out));

    // The same copy in a directory of its own is a copy, not a rollback: it opens.
    let out = run_meedoen(&old, &["export"]);
    assert!(out.status.success(), "{}", err(&out));

    // Going on with the older copy on purpose.
    let out = run_meedoen(&dir, &["--accept-older", "settings"]);
    assert!(out.status.success(), "{}", err(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("lock-minutes: 10"), "the older settings");
    let out = run_meedoen(&dir, &["settings"]);
    assert!(out.status.success(), "{}", err(&out));
}

#[test]
fn a_restore_into_the_same_directory_is_not_taken_for_a_rollback() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    assert!(run_meedoen(&dir, &["demo", "--participants", "5"]).status.success());
    let backup = tmp.path().join("oud.backup");
    assert!(run_meedoen(&dir, &["backup", backup.to_str().unwrap()]).status.success());
    for m in ["7", "8", "9"] {
        assert!(run_meedoen(&dir, &["settings", "--lock-minutes", m]).status.success());
    }
    std::fs::remove_dir_all(&dir).unwrap();
    let out = run_meedoen(&dir, &["restore", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", err(&out));
    let out = run_meedoen(&dir, &["settings"]);
    assert!(out.status.success(), "{}", err(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("lock-minutes: 10"));
}

/// An emptied data file with no snapshot beside it looks like no caseload at all: it must not be
/// taken for a place to start a new one.
#[test]
fn an_emptied_data_file_is_a_lost_caseload_not_a_new_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    assert!(run_meedoen(&dir, &["demo", "--participants", "5"]).status.success());
    for entry in std::fs::read_dir(dir.join("db")).unwrap() {
        let p = entry.unwrap().path();
        if p.file_name().unwrap().to_string_lossy().starts_with("snap.") {
            std::fs::remove_file(p).unwrap();
        }
    }
    std::fs::OpenOptions::new().write(true).open(dir.join("db").join("db")).unwrap().set_len(0).unwrap();
    for args in [&["export"][..], &["init"]] {
        let out = run_meedoen(&dir, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", err(&out));
        assert!(err(&out).contains("minder dan er is opgeslagen"), "{args:?}: {}", err(&out));
    }
}
