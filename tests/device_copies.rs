//! A copied or restored data directory becomes a device of its own: its change-log entries name
//! another device than the original's, and the participants it registers get numbers the
//! original does not hand out next. A directory opened where it was made keeps its id and goes on
//! numbering without a gap.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::copy_dir;
use std::path::Path;

use chrono::Utc;
use meedoen::domain::{Participant, ParticipantId};
use meedoen::store::{Backup, Store};

const PASS: &str = "een testwachtwoord";

fn open(dir: &Path) -> Store {
    Store::open_or_create(dir, PASS, meedoen::store::crypto::KdfParams::LIGHT_FOR_TESTS).unwrap()
}

fn register(store: &Store, n: usize) -> Vec<u32> {
    let people = (0..n).map(|_| Participant::new(ParticipantId::new_random(), 0, Utc::now())).collect();
    store.add_participants(people).unwrap().iter().map(|p| p.number).collect()
}

fn numbers(store: &Store) -> Vec<u32> {
    let mut n: Vec<u32> = store.participants().unwrap().iter().map(|p| p.number).collect();
    n.sort();
    n
}

#[test]
fn a_copied_caseload_is_another_device_and_numbers_from_another_block() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let original = {
        let store = open(&a);
        assert_eq!(register(&store, 3), [1001, 1002, 1003]);
        store.device_id().unwrap()
    };
    // Reopened where it was made: the same device, numbering on without a gap.
    {
        let store = open(&a);
        assert_eq!(store.device_id().unwrap(), original);
        assert_eq!(register(&store, 1), [1004]);
    }
    copy_dir(&a, &b);
    let store_a = open(&a);
    let store_b = open(&b);
    assert_eq!(store_a.device_id().unwrap(), original);
    let copy = store_b.device_id().unwrap();
    assert_ne!(copy, original, "the copy writes as the original's device");
    // Both register people without having synced: no number is handed out twice.
    let from_a = register(&store_a, 5);
    let from_b = register(&store_b, 5);
    assert_eq!(from_a, [1005, 1006, 1007, 1008, 1009]);
    assert!(from_b.iter().all(|n| !from_a.contains(n) && *n > 1004), "copy numbered {from_b:?}, original {from_a:?}");
    // The copy's own change-log entries name its own device.
    let entries = store_b.changes().unwrap();
    let last = entries.last().unwrap();
    assert_eq!(last.device, copy);
    assert!(entries.iter().any(|e| e.device == original), "the entries written before the copy keep their device");
    assert!(store_a.check_change_log().unwrap().is_empty());
    assert!(store_b.check_change_log().unwrap().is_empty());
    // Reopened, the copy stays the device it became.
    drop(store_b);
    assert_eq!(open(&b).device_id().unwrap(), copy);
}

#[test]
fn a_restored_backup_is_another_device_also_in_the_original_place() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let file = tmp.path().join("backup.mdb");
    let original = {
        let store = open(&dir);
        register(&store, 2);
        store.write_backup(&file).unwrap();
        register(&store, 2);
        store.device_id().unwrap()
    };
    // The laptop is lost after the backup; the backup is restored where the caseload was.
    std::fs::remove_dir_all(&dir).unwrap();
    let backup = Backup::read(&file).unwrap();
    Store::restore(&backup, &backup.unlock(PASS).unwrap(), &dir).unwrap();
    let store = open(&dir);
    assert_ne!(store.device_id().unwrap(), original);
    assert_eq!(numbers(&store), [1001, 1002]);
    // 1003 and 1004 went with the lost laptop (and may reach the team through a sync): the
    // restored caseload numbers from a block of its own.
    let next = register(&store, 1)[0];
    assert!(next > 1004, "restored caseload handed out {next}");
    assert!(store.check_change_log().unwrap().is_empty());
}
