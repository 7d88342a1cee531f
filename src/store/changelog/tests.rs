use super::*;
use crate::domain::Participant;
use crate::domain::module::Closure;
use chrono::Datelike;

fn person() -> Participant {
    Participant::new(ParticipantId::new_random(), 0, Utc::now())
}

/// `check` tells a record written around the one write path, a deleted record put back, and a
/// log whose head disagrees with it.
#[test]
fn check_finds_writes_around_the_log_and_deleted_records_put_back() {
    let store = Store::temporary().unwrap();
    let saved = store.add_participants(vec![person(), person()]).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
    store.save_closure(&Closure { date: day, reason: "Kerst".into() }).unwrap();
    assert_eq!(store.check_change_log().unwrap(), Vec::<String>::new());
    let old = store.closures.get(day.num_days_from_ce().to_be_bytes()).unwrap().unwrap();
    store.delete_closure(day).unwrap();
    assert_eq!(store.check_change_log().unwrap(), Vec::<String>::new());

    // A deleted record put back into the data file.
    store.closures.insert(day.num_days_from_ce().to_be_bytes(), old).unwrap();
    let problems = store.check_change_log().unwrap();
    assert!(problems.iter().any(|p| p.contains("deleted closure day record is still there")), "{problems:?}");
    store.closures.remove(day.num_days_from_ce().to_be_bytes()).unwrap();

    // A record written around the write path (no entry).
    let mut p = saved[0].clone();
    p.phone = "06".into();
    store.participants.insert(p.id.as_bytes(), store.seal(&p, p.id.as_bytes()).unwrap()).unwrap();
    let mut other = person();
    other.number = 5000;
    store.participants.insert(other.id.as_bytes(), store.seal(&other, other.id.as_bytes()).unwrap()).unwrap();
    let problems = store.check_change_log().unwrap();
    assert!(problems.iter().any(|p| p.contains("1 participant record(s) have no change-log entry")), "{problems:?}");
    store.participants.remove(other.id.as_bytes()).unwrap();

    // A head that names another revision than the log's latest entry.
    store.update_participant(&p).unwrap();
    store.change_heads.insert(store.head_key(Kind::Participant, p.id.as_bytes()), &7u64.to_be_bytes()).unwrap();
    let problems = store.check_change_log().unwrap();
    assert!(problems.iter().any(|p| p.contains("is not the one its head names")), "{problems:?}");
}

/// The access entries given to `with_access` land in the save's own commit, and none are left
/// for a later one when the save fails.
#[test]
fn access_entries_go_with_the_save_or_not_at_all() {
    let store = Store::temporary().unwrap();
    let p = store.add_participant(person()).unwrap();
    let entry = |action| AccessEntry { participant: p.id, at: Utc::now(), coach: "Sanne".into(), action };
    let mut changed = p.clone();
    changed.phone = "06".into();
    store
        .with_access(vec![entry(crate::domain::privacy::AccessAction::Recorded("x".into()))], |s| {
            s.update_participant(&changed)
        })
        .unwrap();
    // The participant and their number block; then the change and the access entry.
    let log = store.changes().unwrap();
    assert_eq!(log.len(), 4);
    // The participant's change and its entry were one page (one commit).
    assert_eq!(store.changes.len(), 2);
    // A save that fails writes no entry, now or with the next save.
    let stranger = person();
    let failed = store
        .with_access(vec![entry(crate::domain::privacy::AccessAction::Opened)], |s| s.update_participant(&stranger));
    assert!(matches!(failed, Err(StoreError::NotFound)));
    store.save_closure(&Closure { date: chrono::NaiveDate::MIN, reason: String::new() }).unwrap();
    assert_eq!(store.access_log_of(p.id).unwrap().len(), 1);
}

/// A commit made on another thread while a save runs (a sync applying what came in) does not
/// take the save's access entries: they go with the save's own commit.
#[test]
fn access_entries_go_with_their_own_save_when_another_thread_commits_meanwhile() {
    let store = Store::temporary().unwrap();
    let p = store.add_participant(person()).unwrap();
    let pages_before = store.changes.len();
    let entry = AccessEntry {
        participant: p.id,
        at: Utc::now(),
        coach: "Sanne".into(),
        action: crate::domain::privacy::AccessAction::Recorded("x".into()),
    };
    let mut changed = p.clone();
    changed.phone = "06".into();
    store
        .with_access(vec![entry], |s| {
            std::thread::scope(|t| {
                t.spawn(|| s.save_closure(&Closure { date: chrono::NaiveDate::MIN, reason: String::new() }))
                    .join()
                    .unwrap()
            })?;
            s.update_participant(&changed)
        })
        .unwrap();
    // Two more pages (commits): the closure day alone, then the change with its entry.
    assert_eq!(store.changes.len(), pages_before + 2);
    let (key, last) = store.changes.last().unwrap().unwrap();
    let page: ChangePage = store.unseal(&last, &key).unwrap();
    let kinds: Vec<u8> = page.entries.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [Kind::Participant as u8, Kind::AccessEntry as u8]);
}

/// Settings sealed before revisions were (format 2) still read, with or without a head, and are
/// bound when next written; from then on an unbound value, an older bound value (with its head
/// put back too) or the record removed is an error.
#[test]
fn settings_are_checked_against_their_revision() {
    use crate::store::Settings;
    let store = Store::temporary().unwrap();
    let s = |days| Settings { no_contact_days: Some(days), ..Settings::default() };
    let head = store.head_key(Kind::Settings, b"settings");
    // Written as the version before this one did: format 2, no head (written once)...
    store.meta.insert(b"settings", store.seal(&s(20), b"settings").unwrap()).unwrap();
    assert_eq!(store.settings().unwrap(), s(20));
    // ... and a second time (a head, and a log that does not know the settings' revision).
    store.meta.insert(b"settings", store.seal(&s(22), b"settings").unwrap()).unwrap();
    store.change_heads.insert(head, &2u64.to_be_bytes()).unwrap();
    assert_eq!(store.settings().unwrap(), s(22));
    let unbound = store.meta.get(b"settings").unwrap().unwrap();
    store.save_settings(&s(23)).unwrap();
    let third = store.meta.get(b"settings").unwrap().unwrap();
    assert_eq!(codec::header(&third).unwrap().format, codec::FORMAT_REVISED);
    assert_eq!(store.settings().unwrap(), s(23));
    store.save_settings(&s(24)).unwrap();
    assert_eq!(store.settings().unwrap(), s(24));
    assert_eq!(store.check_change_log().unwrap(), Vec::<String>::new());
    let current = store.meta.get(b"settings").unwrap().unwrap();

    // The unbound value put back: the log says revision 4 was sealed with its revision.
    store.meta.insert(b"settings", unbound).unwrap();
    let e = store.settings().unwrap_err();
    assert!(matches!(e, StoreError::Replayed { kind: "settings", found: Some(0), expected: 4 }), "{e:?}");
    // An older bound value put back, then with its head too.
    store.meta.insert(b"settings", third).unwrap();
    let e = store.settings().unwrap_err();
    assert!(matches!(e, StoreError::Replayed { kind: "settings", found: Some(3), expected: 4 }), "{e:?}");
    store.change_heads.insert(head, &3u64.to_be_bytes()).unwrap();
    let e = store.settings().unwrap_err();
    assert!(matches!(e, StoreError::Replayed { kind: "settings", found: Some(3), expected: 4 }), "{e:?}");
    let problems = store.check_change_log().unwrap();
    assert!(
        problems.iter().any(|p| p.contains("a settings record is revision 3, but its latest entry")),
        "{problems:?}"
    );
    store.change_heads.insert(head, &4u64.to_be_bytes()).unwrap();
    // Removed.
    store.meta.remove(b"settings").unwrap();
    assert!(matches!(store.settings(), Err(StoreError::Replayed { found: None, expected: 4, .. })));
    store.meta.insert(b"settings", current).unwrap();
    assert_eq!(store.settings().unwrap(), s(24));
    assert_eq!(store.check_change_log().unwrap(), Vec::<String>::new());
}
