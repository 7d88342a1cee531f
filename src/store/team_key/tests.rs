use std::path::Path;

use super::*;
use crate::domain::contact::{Channel, Contact, Initiative, Reached, RecordId};
use crate::store::Kind;
use crate::store::crypto::KdfParams;
use crate::store::records::TeamLink;
use chrono::Utc;

const PASS: &str = "eigen caseload passphrase";
const TEAM_MASTER: [u8; 32] = [7u8; 32];

/// A caseload of its own: people (numbered 1001...), a contact each, the coach's settings.
fn own_caseload(dir: &Path, n: usize) -> Vec<Participant> {
    let store = Store::create(dir, PASS, KdfParams::LIGHT_FOR_TESTS).unwrap();
    let mut settings = store.settings().unwrap();
    settings.coach = Some("Bram Visser".into());
    store.save_settings(&settings).unwrap();
    let people: Vec<Participant> = (0..n)
        .map(|i| {
            let mut p = Participant::new(ParticipantId::new_random(), 0, Utc::now());
            p.family_name = format!("Jansen {i}");
            p.coach = "Bram Visser".into();
            p
        })
        .collect();
    let people = store.add_participants(people).unwrap();
    for p in &people {
        let now = Utc::now();
        store
            .save_contact(&Contact {
                id: RecordId::new_random(),
                participant: p.id,
                at: now.naive_utc(),
                channel: Channel::Phone,
                initiative: Initiative::Coach,
                minutes: 20,
                reached: Reached::Made,
                life_areas: Vec::new(),
                summary: format!("Gebeld met {}", p.family_name),
                coach: "Bram Visser".into(),
                created_at: now,
                withdrawn: false,
                history: Vec::new(),
            })
            .unwrap();
    }
    people
}

fn pending() -> PendingJoin {
    let resp = crate::protocol::JoinResponse { team: [1; 16], account: [2; 16], token: [3; 32], payload: None };
    let mut link = TeamLink::joined("http://127.0.0.1:1", None, &resp, false);
    link.coach = "Bram Visser".into();
    PendingJoin { link, master: TEAM_MASTER }
}

#[test]
fn a_caseload_sealed_under_the_teams_key_keeps_everything_and_its_people_wait_for_team_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bram");
    let people = own_caseload(&dir, 30);
    let store = Store::open(&dir, PASS).unwrap();
    store.set_pending_join(&pending()).unwrap();
    let (store, rekeyed) = store.take_team_key(PASS, &pending()).unwrap();

    // Under the team's key, linked, nothing pending.
    assert_eq!(*store.master_secret(), TEAM_MASTER);
    assert_eq!(store.team().unwrap().map(|l| l.coach), Some("Bram Visser".into()));
    assert!(store.pending_join().unwrap().is_none());
    assert!(!dir.join(TEAM_KEYING).exists() && !dir.join(BEFORE_TEAM_KEY).exists());
    // Every person, every contact, the settings.
    assert_eq!(rekeyed.renumbered, people.iter().map(|p| (p.id, p.number)).collect::<Vec<_>>());
    for p in &people {
        let now = store.participant(p.id).unwrap().unwrap();
        assert_eq!((now.family_name.as_str(), now.number), (p.family_name.as_str(), 0));
        let contacts = store.contacts_of(p.id).unwrap();
        assert_eq!(contacts.len(), 1);
        assert_eq!(contacts[0].summary, format!("Gebeld met {}", p.family_name));
    }
    assert_eq!(store.settings().unwrap().coach.as_deref(), Some("Bram Visser"));
    assert_eq!(store.waiting_for_numbers(), 30);
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
    // The coach's own people are found by their keys' tags, as before.
    let own = store.own_participants("Bram Visser").unwrap().expect("every key tagged");
    assert_eq!(own.open.len(), 30);
    drop(store);

    // The passphrase opens it again; the old master key is nowhere.
    let store = Store::open(&dir, PASS).unwrap();
    assert_eq!(store.participants().unwrap().len(), 30);
    assert_eq!(*store.master_secret(), TEAM_MASTER);
    // Everything goes up whole at the first sync, the people with their keys.
    let items = store.everything_outgoing().unwrap();
    assert_eq!(items.iter().filter(|i| i.kind == crate::protocol::KEY_ITEM).count(), 30);
    assert_eq!(items.iter().filter(|i| i.kind == Kind::Participant as u8).count(), 30);
    assert_eq!(items.iter().filter(|i| i.kind == Kind::NumberBlock as u8).count(), 0, "the old blocks stay behind");
}

#[test]
fn a_join_stopped_before_the_swap_leaves_the_old_caseload_and_finishes_next_time() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bram");
    own_caseload(&dir, 5);
    {
        let store = Store::open(&dir, PASS).unwrap();
        store.set_pending_join(&pending()).unwrap();
    }
    // Stopped while the new database was written: a half-filled directory beside the old one.
    std::fs::create_dir_all(dir.join(TEAM_KEYING)).unwrap();
    std::fs::write(dir.join(TEAM_KEYING).join("conf"), b"half").unwrap();
    let store = Store::open(&dir, PASS).unwrap();
    assert!(!dir.join(TEAM_KEYING).exists(), "the half-written directory is cleared away");
    assert_eq!(store.participants().unwrap().len(), 5);
    assert!(store.team().unwrap().is_none());
    let again = store.pending_join().unwrap().expect("the join is still written down");
    assert_eq!(again.master, TEAM_MASTER);
    let (store, _) = store.take_team_key(PASS, &again).unwrap();
    assert_eq!(store.participants().unwrap().len(), 5);
    assert!(store.team().unwrap().is_some());
}

#[test]
fn a_join_stopped_between_the_two_renames_opens_as_the_joined_caseload() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, joined) = (tmp.path().join("bram"), tmp.path().join("joined"));
    own_caseload(&dir, 5);
    copy_dir(&dir, &joined);
    {
        let store = Store::open(&joined, PASS).unwrap();
        store.take_team_key(PASS, &pending()).unwrap();
    }
    // The old database renamed away, the new one not yet in its place.
    std::fs::rename(dir.join("db"), dir.join(BEFORE_TEAM_KEY)).unwrap();
    copy_dir(&joined.join("db"), &dir.join(TEAM_KEYING));
    let store = Store::open(&dir, PASS).unwrap();
    assert!(store.team().unwrap().is_some());
    assert_eq!(*store.master_secret(), TEAM_MASTER);
    assert_eq!(store.participants().unwrap().len(), 5);
    assert!(!dir.join(BEFORE_TEAM_KEY).exists());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
