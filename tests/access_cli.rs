//! What the command line hands out about people leaves a trace in their access logs: the export
//! of the whole caseload and the ESF+ list with names log one entry per participant in them.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::*;
use meedoen::domain::privacy::AccessAction;

fn entries(dir: &std::path::Path, action: &AccessAction) -> (usize, usize) {
    let store = open(dir);
    let people = store.participants().unwrap();
    let with = people.iter().filter(|p| store.access_log_of(p.id).unwrap().iter().any(|e| &e.action == action)).count();
    (with, people.len())
}

#[test]
fn the_caseload_export_and_the_esf_list_with_names_log_every_participant_in_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let out = run_meedoen(&dir, &["demo", "--participants", "25", "--seed", "5"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(entries(&dir, &AccessAction::CaseloadExported).0, 0);

    let file = tmp.path().join("export.json");
    let out = run_meedoen(&dir, &["--coach", "Sanne", "export", "--format", "json", "--out", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(entries(&dir, &AccessAction::CaseloadExported), (25, 25), "everyone exported has an entry");
    let store = open(&dir);
    let p = store.participants().unwrap().remove(0);
    let e = store.access_log_of(p.id).unwrap().into_iter().find(|e| e.action == AccessAction::CaseloadExported);
    assert_eq!(e.unwrap().coach, "Sanne");
    drop(store);

    // The ESF+ list without names logs nothing; with names, one entry per row.
    let (from, to) = ("01-01-2000", "31-12-2099");
    let out = run_meedoen(&dir, &["report", "--from", from, "--to", to, "--esf-list"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(entries(&dir, &AccessAction::EsfListed).0, 0);
    let out = run_meedoen(&dir, &["report", "--from", from, "--to", to, "--esf-list", "--with-names"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = String::from_utf8_lossy(&out.stdout).lines().count() - 1;
    assert!(rows > 0);
    assert_eq!(entries(&dir, &AccessAction::EsfListed).0, rows, "everyone named in the list has an entry");
    assert_eq!(open(&dir).check().unwrap(), Vec::<String>::new());
}
