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
                &Draft {
                    form: "intake".into(),
                    target: None,
                    values: vec![("given_names".into(), "Piet".into())],
                    focus: 1,
                    saved_at: 0,
                },
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
#[test]
fn data_directory_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a").join("b");
    let _store = open(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}
