use super::*;
use crate::domain::{Participant, ParticipantId};

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

#[test]
fn keys_are_stored_in_chunks_and_a_store_with_one_key_per_entry_is_converted_on_open() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let erased_number;
    {
        let store = Store::create(&dir, PASS, KdfParams::LIGHT_FOR_TESTS).unwrap();
        let added = store.add_participants(people(70)).unwrap();
        // 70 keys: two chunks.
        assert_eq!(store.key_tree.len(), 2);
        erased_number = added[5].number;
        store.erase(added[5].id, "Sanne", chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).unwrap();
        to_version_1(&store);
        assert_eq!(store.key_tree.len(), 70, "one entry per key, the erased one empty");
    }
    let store = Store::open(&dir, PASS).unwrap();
    assert_eq!(store.key_tree.len(), 2, "converted into chunks");
    assert!(store.key_tree.iter().keys().all(|k| k.unwrap().len() == 5));
    let names: Vec<String> = store.participants().unwrap().into_iter().map(|p| p.family_name).collect();
    assert_eq!(names.len(), 69);
    assert!(names.contains(&"Jansen 69".to_string()));
    assert!(store.participant_by_number(erased_number).is_err(), "the erased person stays gone");
    // New keys continue after the highest id, the erased person's included: never reused.
    let new = store.add_participants(people(1)).unwrap();
    assert_eq!(store.keys.id_of(new[0].id).unwrap(), Some(FIRST_PARTICIPANT_KEY + 70));
    drop(store);
    let store = Store::open(&dir, PASS).unwrap();
    assert_eq!(store.participants().unwrap().len(), 70);
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
}
