//! One record per fact: two coaches (or two copies of a caseload) who mark different people at
//! one session write different records, each naming only its person; a status change is
//! appended as a record of its own, leaving the earlier ones as they were; an erasure takes the
//! person's marks and status changes, also out of a backup restored later.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::*;
use meedoen::domain::module::{Attendance, Mark, ModuleId};
use meedoen::domain::trajectory::{Change as Step, Trajectory, apply};
use meedoen::domain::{Participant, ParticipantId};
use meedoen::store::{Change, Kind, Store};

fn kind_name(c: &Change) -> &'static str {
    Kind::from_u8(c.kind).map_or("unknown", Kind::name)
}

/// The change-log entries written by `save`, leaving out the access log.
fn written_by(store: &Store, save: impl FnOnce(&Store)) -> Vec<Change> {
    let n = store.changes().unwrap().len();
    save(store);
    store.changes().unwrap().split_off(n).into_iter().filter(|c| c.kind != Kind::AccessEntry as u8).collect()
}

fn session(marks: Vec<(ParticipantId, Mark)>) -> Attendance {
    Attendance { module: ModuleId(uuid::Uuid::from_u128(42)), date: today(), marks }
}

/// A copy of the caseload marks person 2 while the original marks person 1: each save writes
/// one record, about its person only, under a key of its own: a sync of the two logs has no
/// record in common to decide between (with one record per session, both rewrote the same one).
#[test]
fn two_copies_marking_different_people_at_one_session_write_different_records() {
    let tmp = tempfile::tempdir().unwrap();
    let (a_dir, b_dir) = (tmp.path().join("a"), tmp.path().join("b"));
    let people: Vec<Participant> = {
        let a = open(&a_dir);
        let people = a.add_participants((0..3).map(person).collect()).unwrap();
        a.save_attendance(&session(vec![(people[0].id, Mark::Present)])).unwrap();
        people
    };
    copy_dir(&a_dir, &b_dir);
    let (one, two) = (people[1].id, people[2].id);
    let a = open(&a_dir);
    let from_a = written_by(&a, |s| {
        s.save_attendance(&session(vec![(people[0].id, Mark::Present), (one, Mark::Present)])).unwrap()
    });
    let b = open(&b_dir);
    let from_b = written_by(&b, |s| {
        s.save_attendance(&session(vec![(people[0].id, Mark::Present), (two, Mark::Absent)])).unwrap()
    });
    for (log, who) in [(&from_a, one), (&from_b, two)] {
        assert_eq!(log.len(), 1, "only the new mark is written: {log:?}");
        assert_eq!((kind_name(&log[0]), log[0].participant, log[0].revision), ("attendance mark", Some(who), 1));
    }
    assert_ne!(from_a[0].record, from_b[0].record, "the two saves wrote the same record");
    // Each holds its own mark and the one from before the copy.
    let marks = |s: &Store| s.attendance().unwrap().into_iter().flat_map(|x| x.marks).collect::<Vec<_>>();
    assert!(marks(&a).contains(&(one, Mark::Present)) && marks(&b).contains(&(two, Mark::Absent)));
    assert_eq!((marks(&a).len(), marks(&b).len()), (2, 2));
    assert_eq!(a.check().unwrap(), Vec::<String>::new());
    assert_eq!(b.check().unwrap(), Vec::<String>::new());
}

/// A roster opened before another coach marked someone saves only its own change: the other
/// mark stays.
#[test]
fn a_save_from_an_older_view_of_a_session_keeps_the_marks_made_meanwhile() {
    let store = Store::temporary().unwrap();
    let people = store.add_participants((0..3).map(person).collect()).unwrap();
    let seen: Vec<(ParticipantId, Mark)> = Vec::new(); // the roster as it was opened: empty
    store.save_attendance(&session(vec![(people[0].id, Mark::Present)])).unwrap(); // elsewhere
    store.save_marks(&seen, &session(vec![(people[1].id, Mark::Excused)])).unwrap();
    let mut marks = store.attendance().unwrap().remove(0).marks;
    marks.sort_by_key(|(p, _)| *p);
    let mut expected = vec![(people[0].id, Mark::Present), (people[1].id, Mark::Excused)];
    expected.sort_by_key(|(p, _)| *p);
    assert_eq!(marks, expected);
    // Taking a mark away in the roster deletes that mark only.
    let seen = vec![(people[1].id, Mark::Excused)];
    store.save_marks(&seen, &session(vec![])).unwrap();
    assert_eq!(store.attendance().unwrap().remove(0).marks, vec![(people[0].id, Mark::Present)]);
}

/// Each status change is a record of its own: a change adds one record (and rewrites the head
/// when it changed), the earlier changes are not written again.
#[test]
fn a_status_change_is_appended_as_one_record_leaving_the_earlier_ones_alone() {
    let store = Store::temporary().unwrap();
    let mut emre = store.add_participants(vec![person(3)]).unwrap().remove(0); // referred
    let mut t = Trajectory::new(emre.id, now());
    let mut entries = Vec::new();
    for (i, step) in
        [Step::Advance, Step::Advance, Step::Extend { reason: "Nog niet klaar".into() }].into_iter().enumerate()
    {
        apply(&mut emre, &mut t, step, today(), "Sanne", now()).unwrap();
        let log = written_by(&store, |s| s.save_status_change(&emre, &t).unwrap());
        let changes: Vec<&Change> = log.iter().filter(|c| kind_name(c) == "status change").collect();
        assert_eq!(changes.len(), 1, "step {i}: {log:?}");
        assert_eq!((changes[0].revision, changes[0].participant), (1, Some(emre.id)));
        assert!(entries.iter().all(|e: &Change| e.record != changes[0].record), "a new record each time");
        // Nothing but the participant, the head and the new change.
        assert!(log.iter().all(|c| ["participant", "trajectory", "status change"].contains(&kind_name(c))), "{log:?}");
        entries.push(changes[0].clone());
    }
    assert_eq!(store.trajectory(emre.id).unwrap(), Some(t.clone()));
    assert_eq!(store.trajectory(emre.id).unwrap().unwrap().history.len(), 3);
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
}

/// An erasure takes the person's marks and status changes (tombstones flagged as an erasure),
/// and leaves everybody else's; a backup written before it restores without them.
#[test]
fn an_erasure_takes_the_persons_marks_and_status_changes_also_from_a_restored_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("c");
    let file = tmp.path().join("voor.backup");
    let store = open(&dir);
    let mut people = store.add_participants((0..4).map(person).collect()).unwrap();
    let (gone, kept) = (people[3].id, people[2].id);
    for d in 0..3 {
        let mut a = session(vec![(gone, Mark::Present), (kept, Mark::Absent), (people[0].id, Mark::Present)]);
        a.date = today() - chrono::Duration::days(7 * d);
        store.save_attendance(&a).unwrap();
    }
    for p in [3, 2] {
        let mut t = Trajectory::new(people[p].id, now());
        apply(&mut people[p], &mut t, Step::Advance, today(), "Sanne", now()).unwrap();
        store.save_status_change(&people[p], &t).unwrap();
    }
    store.write_backup(&file).unwrap();
    let before = store.changes().unwrap().len();
    store.erase(gone, "Sanne", today()).unwrap();
    let marks: Vec<(ParticipantId, Mark)> = store.attendance().unwrap().into_iter().flat_map(|a| a.marks).collect();
    assert_eq!(marks.len(), 6);
    assert!(marks.iter().all(|(p, _)| *p != gone));
    assert!(store.trajectory(gone).unwrap().is_none());
    assert_eq!(store.trajectory(kept).unwrap().unwrap().history.len(), 1);
    let log = store.changes().unwrap().split_off(before);
    let erased = |k: &str| log.iter().filter(|c| kind_name(c) == k && c.erased && c.tombstone).count();
    assert_eq!([erased("attendance mark"), erased("status change"), erased("trajectory")], [3, 1, 1]);
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
    drop(store);

    let backup = meedoen::store::Backup::read(&file).unwrap();
    let restored = tmp.path().join("r");
    Store::restore(&backup, &backup.unlock(TEST_PASSPHRASE).unwrap(), &restored).unwrap();
    let store = open(&restored);
    let marks: Vec<(ParticipantId, Mark)> = store.attendance().unwrap().into_iter().flat_map(|a| a.marks).collect();
    assert_eq!(marks.len(), 6);
    assert!(marks.iter().all(|(p, _)| *p != gone), "the backup lost the person's marks");
    assert!(store.trajectory(gone).unwrap().is_none());
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
}

/// Two copies of one data directory (here with one clock reading) each add a status change: two
/// records under two keys, so a sync keeps both. (The copies are two devices since a copy takes a
/// device id of its own, see tests/device_copies.rs; the key does not rely on that: it holds
/// random bytes, not the device.)
#[test]
fn two_copies_adding_status_changes_at_the_same_moment_write_different_records() {
    let tmp = tempfile::tempdir().unwrap();
    let (a_dir, b_dir) = (tmp.path().join("a"), tmp.path().join("b"));
    let emre = {
        let a = open(&a_dir);
        a.add_participants(vec![person(3)]).unwrap().remove(0)
    };
    copy_dir(&a_dir, &b_dir);
    let mut added = Vec::new();
    for (dir, step) in [(&a_dir, Step::Advance), (&b_dir, Step::Close(closing()))] {
        let store = open(dir);
        store.set_clock(Box::new(now)).unwrap();
        let (mut p, mut t) = (emre.clone(), Trajectory::new(emre.id, now()));
        apply(&mut p, &mut t, step, today(), "Sanne", now()).unwrap();
        let log = written_by(&store, |s| s.save_status_change(&p, &t).unwrap());
        let change = log.into_iter().find(|c| kind_name(c) == "status change").unwrap();
        assert_eq!(store.trajectory(emre.id).unwrap().unwrap().history, t.history);
        added.push(change);
    }
    assert_ne!(added[0].record, added[1].record, "the two status changes took the same key");
}

fn closing() -> meedoen::domain::trajectory::Closing {
    meedoen::domain::trajectory::Closing {
        end_date: today(),
        outcome: meedoen::domain::trajectory::ExitOutcome::Moved,
        advice: "Verhuisd naar Zwolle".into(),
    }
}
