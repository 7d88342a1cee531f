//! Two replicas of one team's caseload, the items passed by hand (the server's part is tested
//! in tests/server.rs and tests/team.rs).

use super::*;
use crate::domain::contact::{Channel, Initiative, Reached, RecordId};
use crate::store::crypto::{KdfParams, Key};
use chrono::Utc;

fn replica(dir: &std::path::Path, master: &[u8; 32]) -> Store {
    Store::open_locked(dir)
        .unwrap()
        .init_with_master(
            "team test passphrase",
            KdfParams::LIGHT_FOR_TESTS,
            Key::from_secret(zeroize::Zeroizing::new(*master)),
        )
        .unwrap()
}

fn contact(p: ParticipantId) -> Contact {
    let now = Utc::now();
    Contact {
        id: RecordId::new_random(),
        participant: p,
        at: now.naive_utc(),
        channel: Channel::Phone,
        initiative: Initiative::Coach,
        minutes: 20,
        reached: Reached::Made,
        life_areas: Vec::new(),
        summary: "Gebeld over de voedselbank".into(),
        coach: "Sanne".into(),
        created_at: now,
        withdrawn: false,
        history: Vec::new(),
    }
}

/// Passes what `from` has not sent yet to `to`, numbered as a server would.
fn pass(from: &Store, sent: &mut u64, to: &Store, seq: &mut i64) -> Applied {
    let (items, next) = from.outgoing(*sent, usize::MAX / 2).unwrap();
    *sent = next;
    // The server takes them all (these replicas never change one record apart).
    from.note_synced(&items.iter().collect::<Vec<_>>()).unwrap();
    let numbered: Vec<(i64, Item)> = items
        .into_iter()
        .map(|i| {
            *seq += 1;
            (*seq, i)
        })
        .collect();
    to.apply_incoming(&numbered).unwrap()
}

#[test]
fn a_participant_their_contacts_and_an_edit_reach_the_other_replica_with_their_indexes() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let master = [42u8; 32];
    let (a, b) = (replica(da.path(), &master), replica(db.path(), &master));
    let mut p = Participant::new(ParticipantId::new_random(), 0, Utc::now());
    p.given_names = "Fatima".into();
    let p = a.add_participant(p).unwrap();
    a.save_contact(&contact(p.id)).unwrap();
    let (mut sent, mut seq) = (0, 0);
    let got = pass(&a, &mut sent, &b, &mut seq);
    assert!(got.problems.is_empty(), "{:?}", got.problems);
    assert_eq!(got.keys, 1);
    let there = b.participant_by_number(p.number).unwrap();
    assert_eq!(there.given_names, "Fatima");
    assert_eq!(b.contacts_of(p.id).unwrap().len(), 1);
    assert!(b.contact_summary(p.id).unwrap() != ContactSummary::default(), "the summary index is built");

    let mut edited = there.clone();
    edited.notes = "Wil vrijwilligerswerk doen".into();
    a.update_participant(&{
        let mut q = a.participant(p.id).unwrap().unwrap();
        q.notes = edited.notes.clone();
        q
    })
    .unwrap();
    pass(&a, &mut sent, &b, &mut seq);
    assert_eq!(b.participant(p.id).unwrap().unwrap().notes, "Wil vrijwilligerswerk doen");
    // The replica's own check finds its log, heads and records in step.
    assert_eq!(b.check_change_log().unwrap(), Vec::<String>::new());
    assert_eq!(b.check_indexes().unwrap(), Vec::<String>::new());
    // Nothing of A's comes back as B's own change.
    assert!(b.outgoing(0, usize::MAX / 2).unwrap().0.is_empty());
}

#[test]
fn a_later_local_edit_is_kept_and_an_erasure_reaches_the_other_replica() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let master = [7u8; 32];
    let (a, b) = (replica(da.path(), &master), replica(db.path(), &master));
    let p = a.add_participant(Participant::new(ParticipantId::new_random(), 0, Utc::now())).unwrap();
    let (mut sent, mut seq) = (0, 0);
    pass(&a, &mut sent, &b, &mut seq);
    // A edits, then B edits later (B's clock is later), before any sync.
    let mut on_a = a.participant(p.id).unwrap().unwrap();
    on_a.notes = "van A".into();
    a.update_participant(&on_a).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut on_b = b.participant(p.id).unwrap().unwrap();
    on_b.notes = "van B".into();
    b.update_participant(&on_b).unwrap();
    let (items, _) = a.outgoing(sent, usize::MAX / 2).unwrap();
    let got = b.apply_incoming(&items.into_iter().map(|i| (100, i)).collect::<Vec<_>>()).unwrap();
    assert_eq!(got.kept_local, 1);
    assert_eq!(b.participant(p.id).unwrap().unwrap().notes, "van B");

    // A erases the person: B loses them, their key and their records.
    a.save_contact(&contact(p.id)).unwrap();
    pass(&a, &mut sent, &b, &mut seq);
    assert_eq!(b.contacts_of(p.id).unwrap().len(), 1);
    a.erase(p.id, "Sanne", Utc::now().date_naive()).unwrap();
    let got = pass(&a, &mut sent, &b, &mut seq);
    assert_eq!(got.erased, 1, "{got:?}");
    assert!(b.participant(p.id).unwrap().is_none());
    assert!(b.contacts_of(p.id).unwrap().is_empty());
    assert_eq!(b.keys.id_of(p.id).unwrap(), None);
    assert!(matches!(b.participant_by_number(p.number), Err(StoreError::NoSuchNumber(_))));
}

#[test]
fn a_first_coach_uploads_records_from_before_the_change_log_too() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let master = [3u8; 32];
    let (a, b) = (replica(da.path(), &master), replica(db.path(), &master));
    let today = Utc::now().date_naive();
    crate::demo::fill(&a, 30, 5, today, Utc::now()).unwrap();
    let items = a.everything_outgoing().unwrap();
    let numbered: Vec<(i64, Item)> = items.into_iter().enumerate().map(|(i, it)| (i as i64 + 1, it)).collect();
    let got = b.apply_incoming(&numbered).unwrap();
    assert!(got.problems.is_empty(), "{:?}", got.problems);
    assert_eq!(b.participant_count(), 30);
    assert_eq!(b.contacts().unwrap().len(), a.contacts().unwrap().len());
    assert_eq!(b.all_goals().unwrap().len(), a.all_goals().unwrap().len());
    assert_eq!(b.modules().unwrap().len(), a.modules().unwrap().len());
    assert_eq!(b.check_indexes().unwrap(), Vec::<String>::new());
}

#[test]
fn a_record_that_comes_before_its_persons_key_is_kept_and_taken_in_later() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let master = [11u8; 32];
    let (a, b) = (replica(da.path(), &master), replica(db.path(), &master));
    let p = a.add_participant(Participant::new(ParticipantId::new_random(), 0, Utc::now())).unwrap();
    a.save_contact(&contact(p.id)).unwrap();
    let (items, _) = a.outgoing(0, usize::MAX / 2).unwrap();
    let numbered: Vec<(i64, Item)> = items.into_iter().enumerate().map(|(i, it)| (i as i64 + 1, it)).collect();
    let (key, rest): (Vec<_>, Vec<_>) = numbered.into_iter().partition(|(_, i)| i.kind == KEY_ITEM);
    let got = b.apply_incoming(&rest).unwrap();
    assert!(b.contacts_of(p.id).unwrap().is_empty());
    assert_eq!(got.parked.len(), 2, "the person and the contact are kept: {got:?}");
    assert!(got.problems.iter().all(|w| w.contains("key has not come in yet")), "{:?}", got.problems);
    b.apply_incoming(&key).unwrap();
    let again = b.apply_incoming(&got.parked).unwrap();
    assert!(again.parked.is_empty(), "{again:?}");
    assert_eq!(b.contacts_of(p.id).unwrap().len(), 1);
    assert_eq!(b.participant_by_number(p.number).unwrap().id, p.id);
}
