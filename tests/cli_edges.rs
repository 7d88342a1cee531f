//! The command line at its edges: a reader that closes the output early, sizes the machine
//! cannot hold, a refused passphrase at `init`. The real binary, a fresh directory per test.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

const PASSPHRASE: &str = "een testwachtwoord";

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_meedoen"));
    c.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("MEEDOEN_DATA_DIR")
        .env_remove("MEEDOEN_COACH")
        .env("MEEDOEN_PASSPHRASE", PASSPHRASE)
        .env("MEEDOEN_NEW_PASSPHRASE", "een nieuw testwachtwoord")
        .env("MEEDOEN_STATE_DIR", dir.with_extension("state"));
    c
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs meedoen with a standard output whose reader is already gone (`meedoen ... | true`).
fn into_closed_pipe(dir: &Path, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    command(dir, args).stdout(writer).stderr(Stdio::piped()).output().unwrap()
}

/// Every command that writes to standard output ends quietly when its reader went away: no
/// panic (exit code 101), nothing on standard error; what it did stays done.
#[test]
fn every_command_ends_quietly_when_its_output_is_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let demo = into_closed_pipe(&dir, &["demo", "--participants", "12"]);
    assert_eq!(demo.status.code(), Some(0), "demo: {}", stderr(&demo));
    let backup = tmp.path().join("b.backup");
    let csv = tmp.path().join("verwijzingen.csv");
    std::fs::write(&csv, "voornamen;achternaam;geboortedatum\nAnna;Jansen;01-02-1980\n").unwrap();
    let svg = tmp.path().join("web.svg");
    let base = tmp.path().join("inzage");
    let runs: Vec<Vec<&str>> = vec![
        vec!["settings"],
        vec!["settings", "--lock-minutes", "5"],
        vec!["check"],
        vec!["report", "--from", "01-01-2026", "--to", "31-12-2026"],
        vec!["report", "--from", "01-01-2026", "--to", "31-12-2026", "--format", "csv"],
        vec!["report", "--from", "01-01-2026", "--to", "31-12-2026", "--esf-list"],
        vec!["export"],
        vec!["export", "--participant", "1001", "--out", base.to_str().unwrap()],
        vec!["chart", "1001", "--out", svg.to_str().unwrap()],
        vec!["backup", backup.to_str().unwrap()],
        vec!["import-referrals", csv.to_str().unwrap()],
    ];
    for args in &runs {
        let out = into_closed_pipe(&dir, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(out.stderr.is_empty(), "{args:?}: {}", stderr(&out));
    }
    // What the commands did is done: the setting is saved, the files are written.
    let settings = command(&dir, &["settings"]).output().unwrap();
    assert!(String::from_utf8_lossy(&settings.stdout).contains("lock-minutes: 5"));
    for f in [&backup, &svg, &base.with_extension("txt")] {
        assert!(f.exists(), "{} is missing", f.display());
    }
    let restored = into_closed_pipe(&tmp.path().join("restored"), &["restore", backup.to_str().unwrap()]);
    assert_eq!(restored.status.code(), Some(0), "restore: {}", stderr(&restored));
    let new = into_closed_pipe(&tmp.path().join("new"), &["init"]);
    assert_eq!(new.status.code(), Some(0), "init: {}", stderr(&new));
    let changed = into_closed_pipe(&tmp.path().join("new"), &["passphrase"]);
    assert_eq!(changed.status.code(), Some(0), "passphrase: {}", stderr(&changed));
}

/// A demo the machine cannot hold is refused with a message (exit code 2) before anything is
/// asked or made, instead of aborting on memory or panicking on a capacity overflow.
#[test]
fn a_demo_beyond_what_the_machine_can_hold_is_refused_with_a_message() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    for n in ["100000000", "18446744073709551615", "1000001"] {
        let out = command(&dir, &["demo", "--participants", n]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{n}: {}", stderr(&out));
        let msg = stderr(&out);
        assert!(msg.contains("te veel") && msg.contains("hoogstens"), "{n}: {msg}");
        assert!(!msg.contains("panicked"), "{msg}");
        assert!(!dir.exists(), "nothing is made for a refused demo");
    }
    let out = command(&dir, &["--lang", "en", "demo", "--participants", "100000000"]).output().unwrap();
    assert!(stderr(&out).contains("too many"), "{}", stderr(&out));
}

/// `init` with a passphrase that is too short says so and leaves no empty caseload behind;
/// the same for the UI on an empty data directory.
#[test]
fn a_refused_passphrase_at_init_leaves_no_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    for args in [&["init"][..], &["demo", "--participants", "3"]] {
        let out = command(&dir, args).env("MEEDOEN_PASSPHRASE", "kort").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("10"), "{}", stderr(&out));
        assert!(!dir.exists(), "{args:?} left {} behind", dir.display());
    }
    // A good one afterwards creates the caseload as ever.
    let out = command(&dir, &["init"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.join("db").exists());
}

/// A passphrase in the environment that is not text is refused with a message (it was skipped,
/// and the terminal asked instead).
#[cfg(unix)]
#[test]
fn a_passphrase_in_the_environment_that_is_not_text_is_refused() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let bad = std::ffi::OsStr::from_bytes(b"caf\xe9 \xff\xfe wachtwoord");
    let out = command(&dir, &["init"]).env("MEEDOEN_PASSPHRASE", bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("MEEDOEN_PASSPHRASE bevat tekens die geen tekst zijn"), "{}", stderr(&out));
    assert!(!dir.exists());
}
