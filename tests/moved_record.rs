//! Defect 6: a record copied in the data file to another person's place (or any other key) no
//! longer opens, and `check` says so, instead of showing in that person's file. Records are
//! sealed with their storage key as associated data; records written before that still read.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::*;
use meedoen::domain::contact::{Channel, Contact, Initiative, Reached, RecordId};

fn contact(p: meedoen::domain::ParticipantId) -> Contact {
    Contact {
        id: RecordId::new_random(),
        participant: p,
        at: now().naive_utc(),
        channel: Channel::Phone,
        initiative: Initiative::Coach,
        minutes: 20,
        reached: Reached::Made,
        life_areas: Vec::new(),
        summary: "Gesprek over de schulden".into(),
        coach: "Sanne".into(),
        created_at: now(),
        withdrawn: false,
        history: Vec::new(),
    }
}

#[test]
fn a_contact_copied_under_another_participant_does_not_open_and_check_reports_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("c");
    let (a, b) = {
        let store = open(&dir);
        let saved = store.add_participants(vec![person(0), person(1)]).unwrap();
        store.save_contact(&contact(saved[0].id)).unwrap();
        (saved[0].id, saved[1].id)
    };
    // Someone with the data file copies a's contact to b's place.
    {
        let db = open_sled(&dir.join("db"));
        let contacts = db.open_tree("contacts").unwrap();
        let (k, v) = contacts.scan_prefix(a.as_bytes()).next().unwrap().unwrap();
        let mut moved = b.as_bytes().to_vec();
        moved.extend_from_slice(&k[16..]);
        contacts.insert(moved, v).unwrap();
        db.flush().unwrap();
    }
    let store = open(&dir);
    assert_eq!(store.contacts_of(a).unwrap().len(), 1, "the original still opens");
    assert!(store.contacts_of(b).is_err(), "the copy does not show in b's contact log");
    let problems = store.check().unwrap();
    assert!(problems.iter().any(|p| p.starts_with("contacts: a record cannot be read")), "{problems:?}");
}
