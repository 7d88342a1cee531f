use super::*;
use crate::domain::Status;
use crate::store::codec::Record;
use chrono::{DateTime, Utc};

/// A trajectory as schema 2 stored it: the domain type with its history.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
struct TrajectoryV2(Trajectory);

impl Record for TrajectoryV2 {
    const KIND: Kind = Kind::Trajectory;
    const SCHEMA: u16 = 2;
    fn owner(&self) -> Option<ParticipantId> {
        Some(self.0.participant)
    }
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

fn change(d: u32, from: Status, to: Status) -> StatusChange {
    StatusChange { date: day(d), from, to, reason: String::new(), coach: "Sanne".into() }
}

fn people(s: &Store, n: usize) -> Vec<Participant> {
    let now = DateTime::<Utc>::UNIX_EPOCH;
    s.add_participants((0..n).map(|_| Participant::new(ParticipantId::new_random(), 0, now)).collect()).unwrap()
}

/// A store holding what the code before one record per fact wrote: a session's list of marks
/// and a trajectory with its history.
fn old_store() -> (Store, Vec<Participant>, Attendance, Trajectory) {
    let s = Store::temporary().unwrap();
    let ps = people(&s, 3);
    let module = ModuleId(uuid::Uuid::from_u128(77));
    let a = Attendance {
        module,
        date: day(4),
        marks: vec![(ps[2].id, Mark::Present), (ps[0].id, Mark::Absent), (ps[1].id, Mark::Excused)],
    };
    let mut t = Trajectory::new(ps[0].id, DateTime::<Utc>::UNIX_EPOCH);
    t.history = vec![change(1, Status::Referred, Status::Intake), change(1, Status::Intake, Status::Active)];
    t.advice = "Verder met vrijwilligerswerk".into();
    let mut batch = s.batch();
    batch.put(session_key(module, a.date).to_vec(), &a).unwrap();
    batch.put(ps[0].id.as_bytes().to_vec(), &TrajectoryV2(t.clone())).unwrap();
    batch.index_remove(Tree::Meta, META_FACTS.to_vec());
    s.commit(batch).unwrap();
    (s, ps, a, t)
}

fn sorted(mut a: Attendance) -> Attendance {
    a.marks.sort_by_key(|(p, _)| *p);
    a
}

/// The old shapes read as before the split; the split rewrites them into one record per fact
/// in one commit, with change-log entries for the new records and tombstones for the lists,
/// and everything reads the same after it. A second split finds nothing to do.
#[test]
fn an_old_store_reads_before_and_after_its_split_into_one_record_per_fact() {
    let (s, ps, a, t) = old_store();
    assert_eq!(s.attendance().unwrap(), vec![sorted(a.clone())]);
    assert_eq!(s.trajectory(ps[0].id).unwrap(), Some(t.clone()));
    assert_eq!(s.trajectories().unwrap(), vec![t.clone()]);
    let before = s.changes().unwrap().len();

    s.split_facts().unwrap();
    assert_eq!(s.attendance().unwrap(), vec![sorted(a.clone())]);
    assert_eq!(s.trajectory(ps[0].id).unwrap(), Some(t.clone()));
    assert_eq!((s.attendance.len(), s.attendance_marks.len(), s.status_changes.len()), (0, 3, 2));
    let head = s.trajectories.get(ps[0].id.as_bytes()).unwrap().unwrap();
    assert_eq!(crate::store::codec::header(&head).unwrap().schema, 3, "the head is rewritten without its history");
    let log = s.changes().unwrap();
    let new = &log[before..];
    let count = |k: Kind, tombstone: bool| new.iter().filter(|c| c.kind == k as u8 && c.tombstone == tombstone).count();
    assert_eq!(
        [count(Kind::AttendanceMark, false), count(Kind::StatusChange, false), count(Kind::Trajectory, false)],
        [3, 2, 1]
    );
    assert_eq!(count(Kind::Attendance, true), 1, "the old list's tombstone");
    assert!(new.iter().filter(|c| c.kind == Kind::AttendanceMark as u8).all(|c| c.participant.is_some()));
    assert_eq!(s.check().unwrap(), Vec::<String>::new());

    let n = s.changes().unwrap().len();
    s.meta.remove(META_FACTS).unwrap();
    s.split_facts().unwrap();
    assert_eq!(s.changes().unwrap().len(), n, "nothing left to split");
}

/// Saving a session writes only the marks that changed: one record per changed mark, a delete
/// (tombstone) for a mark taken away, nothing for the marks left as they were.
#[test]
fn saving_a_session_writes_only_the_marks_that_changed() {
    let s = Store::temporary().unwrap();
    let ps = people(&s, 3);
    let module = ModuleId(uuid::Uuid::from_u128(5));
    let mut a = Attendance { module, date: day(9), marks: vec![(ps[0].id, Mark::Present), (ps[1].id, Mark::Present)] };
    s.save_attendance(&a).unwrap();
    let n = s.changes().unwrap().len();
    a.marks = vec![(ps[0].id, Mark::Present), (ps[2].id, Mark::Absent)];
    s.save_attendance(&a).unwrap();
    let log = s.changes().unwrap();
    let new: Vec<_> = log[n..].iter().map(|c| (c.participant, c.tombstone)).collect();
    assert_eq!(new.len(), 2, "{new:?}");
    assert!(new.contains(&(Some(ps[1].id), true)) && new.contains(&(Some(ps[2].id), false)));
    assert_eq!(s.attendance().unwrap(), vec![sorted(a)]);
    assert_eq!(s.check().unwrap(), Vec::<String>::new());
}

/// A status change saved twice (the same view saved again) is stored once; one taken away in
/// the view saved is not deleted (status changes are only appended).
#[test]
fn status_changes_are_appended_once_and_never_taken_away() {
    let s = Store::temporary().unwrap();
    let p = people(&s, 1).remove(0);
    let mut t = Trajectory::new(p.id, DateTime::<Utc>::UNIX_EPOCH);
    t.history.push(change(2, Status::Referred, Status::Intake));
    s.save_status_change(&p, &t).unwrap();
    s.save_status_change(&p, &t).unwrap();
    assert_eq!(s.status_changes.len(), 1);
    let stale = Trajectory { history: Vec::new(), ..t.clone() };
    s.save_status_change(&p, &stale).unwrap();
    assert_eq!(s.trajectory(p.id).unwrap(), Some(t));
}

/// A damaged old list does not keep the caseload from opening: the readable ones are split, the
/// damaged one stays (reading the attendance says so, as before) and is tried again next time.
#[test]
fn a_damaged_old_list_is_left_for_its_reads_to_report_and_the_rest_is_split() {
    let (s, ps, a, t) = old_store();
    let other = Attendance { date: day(11), ..a.clone() };
    let key = session_key(other.module, other.date);
    let mut batch = s.batch();
    batch.put(key.to_vec(), &other).unwrap();
    s.commit(batch).unwrap();
    let mut spoiled = s.attendance.get(key).unwrap().unwrap().to_vec();
    let last = spoiled.len() - 1;
    spoiled[last] ^= 1;
    s.attendance.insert(key, spoiled).unwrap();

    s.split_facts().unwrap();
    assert_eq!((s.attendance.len(), s.attendance_marks.len()), (1, 3), "the readable list is split");
    assert_eq!(s.trajectory(ps[0].id).unwrap(), Some(t));
    assert!(matches!(s.attendance(), Err(StoreError::Corrupt { .. })));
    assert!(!s.meta.contains_key(META_FACTS).unwrap(), "tried again at the next opening");
}
