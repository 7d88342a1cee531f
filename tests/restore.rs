//! `meedoen restore` is all or nothing: a wrong passphrase writes nothing, and a restore killed
//! (SIGKILL) at any moment leaves either no caseload or the whole one, and can be run again.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use common::*;

fn restore_cmd(dir: &Path, file: &Path, passphrase: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_meedoen"));
    c.arg("--data-dir")
        .arg(dir)
        .arg("restore")
        .arg(file)
        .env("MEEDOEN_PASSPHRASE", passphrase)
        .env("MEEDOEN_STATE_DIR", dir.with_extension("state"))
        .env_remove("MEEDOEN_COACH")
        .env_remove("MEEDOEN_DATA_DIR")
        .stdin(Stdio::null());
    c
}

fn text(o: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A demo caseload of `n` people and a backup of it.
fn backup_of(tmp: &Path, n: usize) -> std::path::PathBuf {
    let dir = tmp.join("bron");
    let out = run_meedoen(&dir, &["demo", "--participants", &n.to_string(), "--seed", "8"]);
    assert!(out.status.success(), "{}", text(&out));
    let file = tmp.join("bron.backup");
    let out = run_meedoen(&dir, &["backup", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    file
}

#[test]
fn a_restore_with_the_wrong_passphrase_writes_nothing_and_the_retry_works() {
    let tmp = tempfile::tempdir().unwrap();
    let file = backup_of(tmp.path(), 10);
    let dir = tmp.path().join("nieuw");
    let out = restore_cmd(&dir, &file, "niet het goede wachtwoord").output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));
    assert!(text(&out).contains("Verkeerd wachtwoord"), "{}", text(&out));
    assert!(!text(&out).contains("teruggezet"), "nothing may be reported restored: {}", text(&out));
    assert!(!dir.join("db").exists(), "nothing is written with a wrong passphrase");
    let out = restore_cmd(&dir, &file, TEST_PASSPHRASE).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("in orde (10 deelnemers)"), "{}", text(&out));
}

#[cfg(unix)]
#[test]
fn a_restore_killed_at_any_moment_leaves_no_caseload_or_the_whole_one() {
    let tmp = tempfile::tempdir().unwrap();
    let file = backup_of(tmp.path(), 120);
    // How long a whole restore takes here (the passphrase check included).
    let start = Instant::now();
    let whole = tmp.path().join("heel");
    assert!(restore_cmd(&whole, &file, TEST_PASSPHRASE).output().unwrap().status.success());
    let took = start.elapsed();
    let counts = |dir: &Path| {
        let out = run_meedoen(dir, &["export"]);
        assert!(out.status.success(), "{}", text(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        ["participants", "contacts", "goals", "assessments", "access_log"].map(|k| v[k].as_array().map_or(0, Vec::len))
    };
    let expected = counts(&whole);
    assert!(expected[1] > 100, "{expected:?}");
    let (mut none, mut complete) = (0, 0);
    for round in 0..8u32 {
        let dir = tmp.path().join(format!("ronde{round}"));
        let mut child =
            restore_cmd(&dir, &file, TEST_PASSPHRASE).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        // Kill moments spread over the restore, past the passphrase check.
        std::thread::sleep(took.mul_f64(0.14 + 0.05 * f64::from(round)));
        let _ = child.kill();
        let _ = child.wait();
        let out = run_meedoen(&dir, &["check"]);
        if out.status.success() {
            assert!(text(&out).contains("in orde (120 deelnemers)"), "round {round}: {}", text(&out));
            // Whole: every contact, goal and conversation, not only the people.
            assert_eq!(counts(&dir), expected, "round {round}");
            complete += 1;
        } else {
            assert!(text(&out).contains("nog geen caseload"), "round {round}: a partial caseload: {}", text(&out));
            none += 1;
            // The retry is not refused and restores everything.
            let out = restore_cmd(&dir, &file, TEST_PASSPHRASE).output().unwrap();
            assert!(out.status.success(), "round {round}: {}", text(&out));
            assert!(text(&out).contains("in orde (120 deelnemers)"), "round {round}: {}", text(&out));
        }
    }
    eprintln!("restore killed 8 times over {took:?}: {none} left no caseload, {complete} the whole one");
    assert!(none > 0, "the kills must land inside the restore to test anything");
}
