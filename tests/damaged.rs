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

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
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
