//! The store keeps every saved record across a reopen, with its indexes consistent.
#![allow(clippy::unwrap_used, clippy::panic)]

use chrono::{NaiveDate, Utc};
use meedoen::domain::validate::Postcode;
use meedoen::domain::{Participant, ParticipantId, Status};
use meedoen::store::{Draft, Store};

fn open(dir: &std::path::Path) -> Result<Store, meedoen::store::StoreError> {
    Store::open_or_create(dir, "een testwachtwoord", meedoen::store::crypto::KdfParams::LIGHT_FOR_TESTS)
}

fn person(i: usize) -> Participant {
    let mut p = Participant::new(ParticipantId::new_random(), 0, Utc::now());
    p.given_names = format!("Voornaam{i}");
    p.family_name = ["Öztürk", "Berg", "Çelik", "Jansen"][i % 4].to_string();
    p.prefix = if i % 4 == 1 { "van der".into() } else { String::new() };
    p.date_of_birth = NaiveDate::from_ymd_opt(1960 + (i % 40) as i32, 1 + (i % 12) as u32, 1 + (i % 28) as u32);
    p.address.postcode = Postcode::parse("7001 AB").ok();
    p.status = Status::ALL[i % 5];
    p
}

#[test]
fn every_saved_record_is_there_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("caseload");
    let mut saved = Vec::new();
    {
        let store = open(&path).unwrap();
        saved.extend(store.add_participants((0..200).map(person).collect()).unwrap());
        for i in 200..210 {
            saved.push(store.add_participant(person(i)).unwrap());
        }
        let mut changed = saved[3].clone();
        changed.notes = "Wil graag vrijwilligerswerk bij de voedselbank.".into();
        store.update_participant(&changed).unwrap();
        saved[3] = changed;
        store
            .save_draft(
                "intake",
                &Draft::new(
                    meedoen::domain::form_kind::FormKind::Intake,
                    vec![("given_names".into(), "Piet".into())],
                    1,
                    0,
                ),
            )
            .unwrap();
        store.flush().unwrap();
    }
    let store = open(&path).unwrap();
    let mut back = store.participants().unwrap();
    back.sort_by_key(|p| p.number);
    saved.sort_by_key(|p| p.number);
    assert_eq!(back, saved);
    // Numbers are unique, consecutive and findable.
    let numbers: Vec<u32> = back.iter().map(|p| p.number).collect();
    assert_eq!(numbers, (1001..1211).collect::<Vec<_>>());
    assert_eq!(store.participant_by_number(1004).unwrap().notes, "Wil graag vrijwilligerswerk bij de voedselbank.");
    assert!(store.check_indexes().unwrap().is_empty());
    assert_eq!(store.drafts().unwrap().len(), 1);
    // New numbers continue after a reopen, never reusing one.
    assert_eq!(store.add_participant(person(999)).unwrap().number, 1211);
}

#[cfg(unix)]
/// A kill while sled writes a snapshot leaves "snap.N.generating" behind; sled 0.34 then takes it
/// for the newest snapshot and refuses to open. The caseload opens with everything in it.
#[test]
fn a_half_written_snapshot_does_not_keep_the_caseload_shut() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let number = {
        let store = open(&dir).unwrap();
        let saved = store.add_participant(person(1)).unwrap();
        store.flush().unwrap();
        saved.number
    };
    let partial = dir.join("db").join("snap.FFFFFFFFFFFFFFFF.generating");
    std::fs::write(&partial, vec![0x5a; 32 * 1024]).unwrap();
    let store = open(&dir).unwrap_or_else(|e| panic!("does not open: {e}"));
    assert_eq!(store.participant_by_number(number).unwrap().family_name, person(1).family_name);
    assert!(!partial.exists(), "the half-written snapshot is gone");
}

#[test]
fn data_directory_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a").join("b");
    let _store = open(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}
