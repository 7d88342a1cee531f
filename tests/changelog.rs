//! The change log: every registered kind of record written, changed and deleted through the
//! store leaves an entry per write, with revisions and tombstones, in a log `check` finds
//! consistent; a laptop clock set back does not reorder the device's own entries.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use common::*;
use meedoen::domain::contact::RecordId;
use meedoen::domain::goal::GoalId;
use meedoen::domain::health::AssessmentId;
use meedoen::domain::module::{Closure, EnrolmentId, Mark};
use meedoen::domain::privacy::{AccessAction, AccessEntry, Consent, ConsentScope};
use meedoen::store::{Change, Kind, Settings, Store, registry};
use uuid::Uuid;

fn new_id() -> Uuid {
    Uuid::new_v4()
}

/// Writes one record of every kind the demo does not make, changes one of every kind, gives
/// `victim` a record of every kind a person has, and erases them.
fn walk(store: &Store) -> meedoen::domain::ParticipantId {
    meedoen::demo::fill(store, 12, 7, today(), now()).unwrap();
    let people = store.participants().unwrap();
    let victim = people[0].id;
    let other = people[1].id;
    // Written for the first time.
    store.save_settings(&Settings { coach: Some("Sanne".into()), ..Settings::default() }).unwrap();
    for p in [victim, other] {
        let c = Consent {
            participant: p,
            scope: ConsentScope::HealthData,
            given_on: today(),
            withdrawn_on: None,
            coach: "Sanne".into(),
        };
        store.save_consent(&c, now()).unwrap();
    }
    store
        .log_access(&AccessEntry { participant: other, at: now(), coach: "Sanne".into(), action: AccessAction::Opened })
        .unwrap();
    store.save_closure(&Closure { date: today() + chrono::Duration::days(3), reason: "Studiedag".into() }).unwrap();

    // Changed: one record of every kind.
    store
        .save_closure(&Closure { date: today() + chrono::Duration::days(3), reason: "Studiedag (hele dag)".into() })
        .unwrap();
    let mut p = people[1].clone();
    p.phone = "06-99999999".into();
    store.update_participant(&p).unwrap();
    let mut c = store.contacts().unwrap()[0].clone();
    c.summary.push_str(" (aangevuld)");
    store.save_contact(&c).unwrap();
    let mut a = store.appointments().unwrap()[0].clone();
    a.place = "Buurthuis".into();
    store.save_appointment(&a).unwrap();
    let mut s = store.signals().unwrap()[0].clone();
    s.note.push_str(" (nagebeld)");
    store.save_signal(&s).unwrap();
    let mut r = store.partner_referrals().unwrap()[0].clone();
    r.result = "Aangemeld".into();
    store.save_partner_referral(&r).unwrap();
    let mut t = store.trajectories().unwrap()[0].clone();
    t.advice = "Doorgaan".into();
    let owner = store.participant(t.participant).unwrap().unwrap();
    store.save_status_change(&owner, &t).unwrap();
    let mut h = store.all_assessments().unwrap()[0].clone();
    h.updated_at = now();
    store.save_assessment(&h).unwrap();
    let mut g = store.all_goals().unwrap()[0].clone();
    g.updated_at = now();
    store.save_goal(&g).unwrap();
    let mut m = store.modules().unwrap()[0].clone();
    m.name.push_str(" (nieuw)");
    store.save_module(&m).unwrap();
    let e = store.enrolments().unwrap()[0].clone();
    store.save_enrolment(&e).unwrap();
    // A session's marks: one changed, one added (the victim's).
    let mut att = store.attendance().unwrap().into_iter().find(|a| a.marks.len() >= 2).unwrap();
    let marked = att.marks[0].1;
    att.marks[0].1 = if marked == Mark::Present { Mark::Absent } else { Mark::Present };
    att.marks.push((victim, marked));
    store.save_attendance(&att).unwrap();
    store.save_settings(&Settings { coach: Some("Mohamed".into()), ..Settings::default() }).unwrap();
    store
        .save_consent(
            &Consent {
                withdrawn_on: Some(today()),
                ..store.consent(other, ConsentScope::HealthData).unwrap().unwrap()
            },
            now(),
        )
        .unwrap();

    // The victim gets a record of every kind a person has (copies of others' records).
    let mut c = c.clone();
    (c.participant, c.id) = (victim, RecordId(new_id()));
    store.save_contact(&c).unwrap();
    let mut a = a.clone();
    (a.participant, a.id) = (victim, RecordId(new_id()));
    store.save_appointment(&a).unwrap();
    let mut s = s.clone();
    (s.participant, s.id) = (victim, RecordId(new_id()));
    store.save_signal(&s).unwrap();
    let mut r = r.clone();
    (r.participant, r.id) = (victim, RecordId(new_id()));
    store.save_partner_referral(&r).unwrap();
    let mut h = h.clone();
    (h.participant, h.id) = (victim, AssessmentId(new_id()));
    store.save_assessment(&h).unwrap();
    let mut g = g.clone();
    (g.participant, g.id) = (victim, GoalId(new_id()));
    store.save_goal(&g).unwrap();
    let mut e = e.clone();
    (e.participant, e.id) = (victim, EnrolmentId(new_id()));
    store.save_enrolment(&e).unwrap();
    let mut t = t.clone();
    t.participant = victim;
    store.save_status_change(&people[0], &t).unwrap();

    // Who works on this computer, for the team (then renamed).
    store.set_member("Sanne").unwrap();
    store.set_member("Sanne de Vries").unwrap();
    // A conflict to review: a colleague's computer (the same team key) changed the victim's
    // phone number while this one changed it too, later; the colleague's version comes in and
    // is merged, and the coach takes the colleague's number.
    let dir = tempfile::tempdir().unwrap();
    let colleague = Store::open_locked(dir.path())
        .unwrap()
        .init_with_master(
            "een wachtwoord van de collega",
            meedoen::store::crypto::KdfParams::LIGHT_FOR_TESTS,
            meedoen::store::crypto::Key::from_secret(store.master_secret()),
        )
        .unwrap();
    let numbered = |items: Vec<meedoen::protocol::Item>| -> Vec<(i64, meedoen::protocol::Item)> {
        items.into_iter().enumerate().map(|(i, it)| (i as i64 + 1, it)).collect()
    };
    let mine = numbered(store.outgoing(0, usize::MAX / 2).unwrap().0);
    assert!(colleague.apply_incoming(&mine).unwrap().problems.is_empty());
    let mut theirs = colleague.participant(victim).unwrap().unwrap();
    theirs.phone = "06-99990000".into();
    colleague.update_participant(&theirs).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut here = store.participant(victim).unwrap().unwrap();
    here.phone = "06-11110000".into();
    store.update_participant(&here).unwrap();
    let theirs = numbered(colleague.outgoing(0, usize::MAX / 2).unwrap().0);
    assert!(store.apply_incoming(&theirs).unwrap().problems.is_empty());
    let conflict = store.conflicts().unwrap().into_iter().find(|c| c.participant == Some(victim)).unwrap();
    store.resolve_conflict(conflict.id, true, "Sanne").unwrap();
    assert_eq!(store.participant(victim).unwrap().unwrap().phone, "06-99990000");

    // Deleted.
    store.delete_closure(today() + chrono::Duration::days(3)).unwrap();
    att.marks.remove(1);
    store.save_attendance(&att).unwrap();
    store.erase(victim, "Sanne", today()).unwrap();
    victim
}

#[test]
fn every_registered_kind_leaves_an_entry_per_write_with_revisions_and_tombstones() {
    let store = Store::temporary().unwrap();
    let victim = walk(&store);
    let log: Vec<Change> = store.changes().unwrap();

    // Per record, the revisions follow each other from 1; a deleted record's last entry is a
    // tombstone, and the record is gone.
    let mut last: HashMap<(u8, Vec<u8>), u64> = HashMap::new();
    for c in &log {
        let rev = last.entry((c.kind, c.record.clone())).or_insert(0);
        assert_eq!(c.revision, *rev + 1, "{:?} revision {} after {}", Kind::from_u8(c.kind), c.revision, rev);
        *rev = c.revision;
    }
    let by_kind = |k: Kind| log.iter().filter(move |c| c.kind == k as u8);
    let append_only = [Kind::AccessEntry, Kind::Erasure, Kind::NumberBlock, Kind::StatusChange];
    let never_deleted = [Kind::Module, Kind::Settings, Kind::Erasure, Kind::NumberBlock, Kind::Member];
    // Kinds no longer written: only read, and deleted when a store's first opening splits them
    // into one record per fact (those tombstones: tests/old_data.rs).
    let split = [Kind::Attendance];
    let mut seen = BTreeMap::new();
    for info in registry::kinds().iter().filter(|i| i.logged) {
        let k = info.kind;
        if split.contains(&k) {
            assert_eq!(by_kind(k).filter(|c| !c.tombstone).count(), 0, "a {} was written", k.name());
            continue;
        }
        let written = by_kind(k).filter(|c| c.revision == 1 && !c.tombstone).count();
        let changed = by_kind(k).filter(|c| c.revision > 1 && !c.tombstone).count();
        let deleted: Vec<&Change> = by_kind(k).filter(|c| c.tombstone).collect();
        assert!(written > 0, "no {} was written through the change log", k.name());
        if !append_only.contains(&k) {
            assert!(changed > 0, "no change of a {} is in the change log", k.name());
        }
        if !never_deleted.contains(&k) {
            assert!(!deleted.is_empty(), "no deleted {} is in the change log", k.name());
        }
        seen.insert(k.name(), (written, changed, deleted.len()));
    }
    println!("{seen:?}");
    // The erasure's tombstones are flagged and name the person by their random id only.
    let erased: Vec<&Change> = log.iter().filter(|c| c.erased).collect();
    assert!(erased.iter().all(|c| c.tombstone && c.participant.is_none_or(|p| p == victim)));
    assert!(erased.iter().any(|c| c.kind == Kind::Participant as u8 && c.record == victim.as_bytes()));
    let kinds: BTreeSet<u8> = erased.iter().map(|c| c.kind).collect();
    assert!(kinds.len() >= 10, "{kinds:?}");
    for k in [Kind::AttendanceMark, Kind::StatusChange, Kind::Trajectory] {
        assert!(kinds.contains(&(k as u8)), "the erasure left no tombstone of a {}", k.name());
    }
    // The one device, its timestamps in order.
    assert!(log.windows(2).all(|w| w[0].hlc < w[1].hlc));
    assert!(log.iter().all(|c| c.device == store.device_id().unwrap()));
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
}

#[test]
fn a_clock_set_back_does_not_reorder_the_devices_own_changes() {
    let store = Store::temporary().unwrap();
    store.set_clock(Box::new(now)).unwrap();
    store.add_participants(vec![person(0), person(1)]).unwrap();
    // The laptop's clock jumps back a year.
    store.set_clock(Box::new(|| now() - chrono::Duration::days(365))).unwrap();
    let mut p = store.participants().unwrap()[0].clone();
    p.phone = "06-1".into();
    store.update_participant(&p).unwrap();
    p.phone = "06-2".into();
    store.update_participant(&p).unwrap();
    let log = store.changes().unwrap();
    assert!(log.windows(2).all(|w| w[0].hlc < w[1].hlc), "{log:?}");
    let people: Vec<&Change> = log.iter().filter(|c| c.kind == Kind::Participant as u8).collect();
    assert_eq!(people.len(), 4);
    assert_eq!(people[3].hlc.millis, u64::try_from(now().timestamp_millis()).unwrap());
    assert_eq!(people.iter().map(|c| c.revision).collect::<Vec<_>>(), [1, 1, 2, 3]);
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
}

/// The clock survives a reopen: the last time stamped is read back from the newest change-log
/// page, so a laptop whose clock is set back after a restart still stamps later than before.
#[test]
fn a_clock_set_back_across_a_reopen_does_not_reorder_the_devices_own_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let last = {
        let store = open(&dir);
        store.set_clock(Box::new(now)).unwrap();
        let mut p = store.add_participants(vec![person(0)]).unwrap().remove(0);
        p.phone = "06-1".into();
        store.update_participant(&p).unwrap();
        store.changes().unwrap().last().unwrap().hlc
    };
    let store = open(&dir);
    store.set_clock(Box::new(|| now() - chrono::Duration::days(365))).unwrap();
    let mut p = store.participants().unwrap()[0].clone();
    p.phone = "06-2".into();
    store.update_participant(&p).unwrap();
    let log = store.changes().unwrap();
    assert!(log.last().unwrap().hlc > last, "{log:?}");
    assert!(log.windows(2).all(|w| w[0].hlc < w[1].hlc), "{log:?}");
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
}

#[test]
fn a_backup_restores_with_its_change_log_and_check_finds_it_consistent() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("c");
    {
        let store = open(&dir);
        store.add_participants(vec![person(0), person(1)]).unwrap();
        store.save_closure(&Closure { date: today(), reason: "Studiedag".into() }).unwrap();
        let backup = tmp.path().join("b.backup");
        store.write_backup(&backup).unwrap();
        store.delete_closure(today()).unwrap();
        assert_eq!(store.check().unwrap(), Vec::<String>::new());
    }
    // The change log is kept with the records: a restored backup is consistent too.
    let backup = meedoen::store::Backup::read(&tmp.path().join("b.backup")).unwrap();
    let restored = tmp.path().join("r");
    Store::restore(&backup, &backup.unlock(TEST_PASSPHRASE).unwrap(), &restored).unwrap();
    assert_eq!(open(&restored).check().unwrap(), Vec::<String>::new());
}
