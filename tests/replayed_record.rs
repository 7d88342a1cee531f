//! An older value of a record put back under its own key in the data file (sled keeps old values
//! in its log; anyone with the files, or with an older copy of them, can copy one back) is
//! noticed instead of used: the settings (lock time, retention period, coach, attention
//! threshold) are sealed with their revision in the change log and checked against it.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::pty::*;
use common::*;
use meedoen::store::Settings;

/// The old settings: a lock time of 59 minutes and a retention of 99 months mark them.
fn old_settings() -> Settings {
    Settings {
        coach: Some("Sanne".into()),
        no_contact_days: Some(40),
        retention_months: Some(99),
        lock_minutes: Some(59),
    }
}

fn new_settings() -> Settings {
    Settings {
        coach: Some("Sanne".into()),
        no_contact_days: Some(14),
        retention_months: Some(24),
        lock_minutes: Some(5),
    }
}

type Tree = BTreeMap<Vec<u8>, Vec<u8>>;

fn read_tree(dir: &Path, name: &str) -> Tree {
    let db = open_sled(&dir.join("db"));
    db.open_tree(name).unwrap().iter().map(|kv| kv.unwrap()).map(|(k, v)| (k.to_vec(), v.to_vec())).collect()
}

fn stored_settings(dir: &Path) -> Vec<u8> {
    let db = open_sled(&dir.join("db"));
    db.open_tree("meta").unwrap().get(b"settings").unwrap().unwrap().to_vec()
}

/// Writes the old settings twice (so the record has a head in the change log), then the new
/// ones; returns the sealed old value and the `change_heads` tree as they were before the new.
fn caseload_with_changed_settings(dir: &Path) -> (Vec<u8>, Tree) {
    {
        let store = open(dir);
        filled_store(&store);
        let mut first = old_settings();
        first.no_contact_days = Some(41);
        store.save_settings(&first).unwrap();
        store.save_settings(&old_settings()).unwrap();
    }
    let (old, heads) = (stored_settings(dir), read_tree(dir, "change_heads"));
    {
        let store = open(dir);
        store.save_settings(&new_settings()).unwrap();
        assert_eq!(store.settings().unwrap(), new_settings());
    }
    assert_ne!(stored_settings(dir), old);
    (old, heads)
}

/// Someone with the data file copies the old sealed settings back under their key, and with
/// `heads` also the change log's heads as they were then.
fn put_back(dir: &Path, old: &[u8], heads: Option<&Tree>) {
    let db = open_sled(&dir.join("db"));
    db.open_tree("meta").unwrap().insert(b"settings", old).unwrap();
    if let Some(heads) = heads {
        let tree = db.open_tree("change_heads").unwrap();
        tree.clear().unwrap();
        for (k, v) in heads {
            tree.insert(k.as_slice(), v.as_slice()).unwrap();
        }
    }
    db.flush().unwrap();
}

/// The real binary, in English.
fn en(dir: &Path, args: &[&str]) -> std::process::Output {
    run_meedoen(dir, &[&["--lang", "en"][..], args].concat())
}

fn text(out: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// `meedoen check` fails and names the settings.
fn check_names_the_settings(dir: &Path) {
    let out = en(dir, &["check"]);
    let said = text(&out);
    assert!(!out.status.success(), "check passed: {said}");
    assert!(said.contains("settings record is revision 2, but its latest entry"), "{said}");
}

#[test]
fn old_settings_put_back_are_reported_by_check_the_settings_command_and_the_app_and_never_used() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let (old, _) = caseload_with_changed_settings(&dir);
    put_back(&dir, &old, None);

    check_names_the_settings(&dir);
    // `meedoen settings` shows the settings: it refuses instead of showing (or keeping) the old.
    let out = en(&dir, &["settings"]);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("settings") && said.contains("older copy"), "{said}");
    assert!(!said.contains("59") && !said.contains("99"), "the old settings were shown: {said}");
    let out = en(&dir, &["settings", "--lock-minutes", "59"]);
    assert!(!out.status.success(), "{}", text(&out));

    // The app does not start on them: the coach reads why.
    let mut s = Session::start(&dir, &["--lang", "en"]);
    let code = s.wait_exit();
    let screen = s.screen();
    assert_ne!(code, 0, "{screen}");
    assert!(screen.contains("settings") && screen.contains("older copy"), "{screen}");
    assert!(!screen.contains("Vandaag"), "{screen}");
    assert_eq!(stored_settings(&dir), old, "nothing was written over the evidence");
}

#[test]
fn old_settings_put_back_with_their_head_are_reported_by_check_and_the_app() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let (old, heads) = caseload_with_changed_settings(&dir);
    put_back(&dir, &old, Some(&heads));
    check_names_the_settings(&dir);
    let out = en(&dir, &["check"]);
    // The heads disagree with the sealed change log too.
    assert!(text(&out).contains("a settings record's latest entry"), "{}", text(&out));
    let out = en(&dir, &["settings"]);
    let said = text(&out);
    assert!(!out.status.success() && said.contains("older copy"), "{said}");
    assert!(!said.contains("59") && !said.contains("99"), "the old settings were shown: {said}");
    let mut s = Session::start(&dir, &["--lang", "en"]);
    let code = s.wait_exit();
    let screen = s.screen();
    assert_ne!(code, 0, "{screen}");
    assert!(screen.contains("settings") && screen.contains("older copy"), "{screen}");
}

/// The settings record removed from the data file: the defaults are not used in its place.
#[test]
fn settings_removed_from_the_data_file_are_reported_not_replaced_by_the_defaults() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    caseload_with_changed_settings(&dir);
    {
        let db = open_sled(&dir.join("db"));
        db.open_tree("meta").unwrap().remove(b"settings").unwrap();
        db.flush().unwrap();
    }
    let out = en(&dir, &["settings"]);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("settings record is missing"), "{said}");
    let out = en(&dir, &["check"]);
    assert!(!out.status.success() && text(&out).contains("settings record the log holds is missing"), "{}", text(&out));
}

/// Settings as this version saves them pass `check`, read as saved, and carry their revision
/// (format 3). (Settings sealed without one still open: `store::changelog` tests, `old_data`.)
#[test]
fn settings_saved_now_pass_check_and_carry_their_revision() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    caseload_with_changed_settings(&dir);
    let out = en(&dir, &["check"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = en(&dir, &["settings"]);
    assert!(text(&out).contains("lock-minutes: 5"), "{}", text(&out));
    assert_eq!(stored_settings(&dir)[2], 3, "written in format 3");
}
