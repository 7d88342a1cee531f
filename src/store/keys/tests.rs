use std::path::Path;

use super::*;
use crate::domain::{Participant, ParticipantId};
use crate::store::crypto::{FIRST_PARTICIPANT_KEY, KeyChunk};

const PASS: &str = "test passphrase";

fn people(n: usize) -> Vec<Participant> {
    (0..n)
        .map(|i| {
            let mut p = Participant::new(ParticipantId::new_random(), 0, chrono::Utc::now());
            p.family_name = format!("Jansen {i}");
            p
        })
        .collect()
}

/// Rewrites the keys tree as store version 1 kept it: one entry per key id.
fn to_version_1(store: &Store) {
    let mut batch = sled::Batch::default();
    for item in store.key_tree.iter() {
        let (k, v) = item.unwrap();
        batch.remove(k);
        for (id, w) in codec::decode_plain::<KeyChunk>(&v).unwrap().keys {
            let value = w.map(|w| codec::encode_plain(&w).unwrap()).unwrap_or_default();
            batch.insert(&id.to_be_bytes(), value);
        }
    }
    store.key_tree.apply_batch(batch).unwrap();
    store.meta.insert(b"store_version", &1u32.to_be_bytes()).unwrap();
    store.flush().unwrap();
}

/// Every key id and whether it is destroyed, as the `keys` tree holds them, with the entry each is in.
fn stored_ids(store: &Store) -> Vec<(Vec<u8>, u32, bool)> {
    let mut out = Vec::new();
    for item in store.key_tree.iter() {
        let (k, v) = item.unwrap();
        for (id, w) in entries_in(&k, &v).unwrap() {
            out.push((k.to_vec(), id, w.is_none()));
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn keys_are_stored_in_chunks_and_a_store_with_one_key_per_entry_is_converted_on_open() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let erased_number;
    let chunks;
    {
        let store = Store::create(&dir, PASS, KdfParams::LIGHT_FOR_TESTS).unwrap();
        let added = store.add_participants(people(70)).unwrap();
        // 70 random ids: one chunk per top byte among them, each key in the chunk its id names.
        let ids = stored_ids(&store);
        assert_eq!(ids.len(), 70);
        assert!(ids.iter().all(|(k, id, _)| *k == chunk_key(*id) && k[0] == b'r'));
        chunks = ids.iter().map(|(k, _, _)| k.clone()).collect::<std::collections::BTreeSet<_>>().len();
        assert_eq!(store.key_tree.len(), chunks);
        assert!(chunks < 70, "70 ids in 255 chunks share some (the chance that they do not is 10^-4)");
        erased_number = added[5].number;
        store.erase(added[5].id, "Sanne", chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).unwrap();
        to_version_1(&store);
        assert_eq!(store.key_tree.len(), 70, "one entry per key, the erased one empty");
    }
    let store = Store::open(&dir, PASS).unwrap();
    assert_eq!(store.key_tree.len(), chunks, "converted into chunks");
    assert!(store.key_tree.iter().keys().all(|k| k.unwrap().len() == 5));
    let names: Vec<String> = store.participants().unwrap().into_iter().map(|p| p.family_name).collect();
    assert_eq!(names.len(), 69);
    assert!(names.contains(&"Jansen 69".to_string()));
    assert!(store.participant_by_number(erased_number).is_err(), "the erased person stays gone");
    assert_eq!(stored_ids(&store).iter().filter(|(_, _, destroyed)| *destroyed).count(), 1);
    let before: Vec<u32> = stored_ids(&store).into_iter().map(|(_, id, _)| id).collect();
    let new = store.add_participants(people(1)).unwrap();
    let id = store.keys.id_of(new[0].id).unwrap().unwrap();
    assert!(id >= FIRST_RANDOM_KEY_ID && !before.contains(&id), "{id} is new and random");
    drop(store);
    let store = Store::open(&dir, PASS).unwrap();
    assert_eq!(store.participants().unwrap().len(), 70);
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
}

/// A restored backup on a second laptop, or a copied data directory: each copy registers a new
/// person. With a counter both gave the next number (the same key id for two people).
#[test]
fn two_copies_of_a_caseload_give_their_new_people_different_key_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("laptop-a"), tmp.path().join("laptop-b"));
    {
        let store = Store::create(&a, PASS, KdfParams::LIGHT_FOR_TESTS).unwrap();
        store.add_participants(people(30)).unwrap();
    }
    copy_dir(&a, &b);
    let mut new_ids = Vec::new();
    let mut all_ids = Vec::new();
    for dir in [&a, &b] {
        let store = Store::open(dir, PASS).unwrap();
        let mut p = people(1).remove(0);
        p.family_name = format!("Nieuw in {}", dir.display());
        let p = store.add_participant(p).unwrap();
        new_ids.push(store.keys.id_of(p.id).unwrap().unwrap());
        all_ids.push(stored_ids(&store).into_iter().map(|(_, id, _)| id).collect::<Vec<_>>());
    }
    assert_ne!(new_ids[0], new_ids[1], "two people, two keys, two ids");
    assert!(!all_ids[0].contains(&new_ids[1]) && !all_ids[1].contains(&new_ids[0]));
    for dir in [&a, &b] {
        let store = Store::open(dir, PASS).unwrap();
        let people = store.participants().unwrap();
        assert_eq!(people.len(), 31);
        assert!(people.iter().any(|p| p.family_name == format!("Nieuw in {}", dir.display())));
        assert_eq!(store.check().unwrap(), Vec::<String>::new());
    }
}

#[test]
fn new_key_ids_are_random_and_a_destroyed_keys_id_is_never_drawn_again() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let store = Store::create(&dir, PASS, KdfParams::LIGHT_FOR_TESTS).unwrap();
    let added = store.add_participants(people(200)).unwrap();
    let mut ids: Vec<u32> = added.iter().map(|p| store.keys.id_of(p.id).unwrap().unwrap()).collect();
    assert!(ids.iter().all(|id| *id >= FIRST_RANDOM_KEY_ID));
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 200);
    assert!(ids.windows(2).filter(|w| w[1] == w[0] + 1).count() < 5, "not handed out one after the other");
    let gone = store.keys.id_of(added[7].id).unwrap().unwrap();
    let kept = store.keys.id_of(added[8].id).unwrap().unwrap();
    store.erase(added[7].id, "Sanne", chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).unwrap();
    drop(store);
    // Reopened: the destroyed key is only an empty entry in its chunk now.
    let store = Store::open(&dir, PASS).unwrap();
    assert!(!store.keys.has_key(gone).unwrap());
    let fresh = (gone..=u32::MAX).find(|i| !ids.contains(i)).unwrap();
    let new = people(2);
    let mut draws = vec![gone, kept, FIRST_PARTICIPANT_KEY + 3, fresh, fresh].into_iter();
    let two = store.ensure_keys_drawing(new.iter().map(|p| (p.id, None)), &mut || draws.next().unwrap_or(gone));
    assert!(matches!(two, Err(StoreError::Backend(_))), "the second person finds no unused id: {two:?}");
    assert_eq!(store.keys.id_of(new[0].id).unwrap(), None, "all or nothing: no key for the first either");
    let mut draws = vec![gone, kept, FIRST_PARTICIPANT_KEY + 3, fresh].into_iter();
    store.ensure_keys_drawing([(new[0].id, None)], &mut || draws.next().unwrap_or(gone)).unwrap();
    assert_eq!(store.keys.id_of(new[0].id).unwrap(), Some(fresh), "the used, destroyed and counter ids passed by");
    // Stored: it is there after a reopen, and the person's records read.
    let mut p = new[0].clone();
    p.family_name = "Van Dijk".into();
    drop(store);
    let store = Store::open(&dir, PASS).unwrap();
    assert_eq!(store.keys.id_of(p.id).unwrap(), Some(fresh));
    let p = store.add_participant(p).unwrap();
    drop(store);
    let store = Store::open(&dir, PASS).unwrap();
    assert_eq!(store.participant(p.id).unwrap().map(|p| p.family_name), Some("Van Dijk".into()));
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
}

#[test]
fn check_tells_a_key_outside_its_chunk_and_a_key_stored_twice() {
    let store = Store::temporary().unwrap();
    store.add_participants(people(3)).unwrap();
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
    let (k, id, _) = stored_ids(&store).remove(0);
    let v = store.key_tree.get(&k).unwrap().unwrap();
    let chunk: KeyChunk = codec::decode_plain(&v).unwrap();
    let entry = chunk.keys.into_iter().find(|(i, _)| *i == id).unwrap();
    // The same key in a chunk of old counter ids too.
    store
        .key_tree
        .insert(chunk_key(FIRST_PARTICIPANT_KEY), codec::encode_plain(&KeyChunk { keys: vec![entry] }).unwrap())
        .unwrap();
    let problems = store.check().unwrap();
    assert!(problems.contains(&format!("keys: participant key {id} is stored outside its chunk")), "{problems:?}");
    assert!(problems.contains(&format!("keys: participant key {id} is stored twice")), "{problems:?}");
}
