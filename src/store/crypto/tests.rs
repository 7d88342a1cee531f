//! Tests of the key hierarchy and sealing.
#![cfg(test)]

use super::*;
use crate::store::codec::Record;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn the_right_passphrase_unlocks_and_a_wrong_one_is_told() -> TestResult {
    let master = Key::random();
    let ring = Keyring::new(&master, "geheim wachtwoord", KdfParams::LIGHT_FOR_TESTS)?;
    assert_eq!(*ring.unlock("geheim wachtwoord")?.0, *master.0);
    assert!(matches!(ring.unlock("geheim wachtwoorD"), Err(StoreError::WrongPassphrase)));
    Ok(())
}

#[test]
fn a_sealed_value_opens_only_with_its_key_and_header() -> TestResult {
    let keys = Keys::new(Key::random());
    let p = ParticipantId::new_random();
    let w = keys.create(7, p, None)?;
    let mut sealed = Vec::new();
    keys.seal(7, b"header", b"Fatma Ozturk", &mut sealed)?;
    assert!(!sealed.windows(5).any(|w| w == b"Fatma"));
    assert_eq!(keys.open(7, b"header", &sealed, "contact")?.as_slice(), b"Fatma Ozturk");
    assert!(keys.open(7, b"headex", &sealed, "contact").is_err(), "header is bound");
    assert!(keys.open(MASTER_KEY_ID, b"header", &sealed, "contact").is_err());
    // The wrapped key reloads into a fresh key set with the same master key.
    let again = Keys::new(keys.master().clone());
    again.load_all(Box::new(std::iter::once(Ok((7, w.clone())))))?;
    assert_eq!(again.open(7, b"header", &sealed, "contact")?.as_slice(), b"Fatma Ozturk");
    let moved = Keys::new(keys.master().clone());
    moved.load_all(Box::new(std::iter::once(Ok((8, w)))))?;
    assert!(
        matches!(moved.open(8, b"header", &sealed, "contact"), Err(StoreError::Corrupt { .. })),
        "a key moved to another id does not open"
    );
    // Forgetting the key makes the value unreadable: erased.
    keys.forget(p)?;
    assert!(matches!(keys.open(7, b"header", &sealed, "contact"), Err(StoreError::Erased)));
    Ok(())
}

#[test]
fn one_view_opens_many_records_and_tells_each_failure_on_its_own() -> TestResult {
    let keys = Keys::new(Key::random());
    for id in 2..5 {
        keys.create(id, ParticipantId::new_random(), None)?;
    }
    let seal = |id: u32, text: &str| -> Result<Vec<u8>, StoreError> {
        let mut sealed = Vec::new();
        keys.seal(id, b"header", text.as_bytes(), &mut sealed)?;
        Ok(sealed)
    };
    let long_text = "Fatma Ozturk, Esdoornstraat 85, 7413 KH Oosterveld";
    let long = seal(2, long_text)?;
    let short = seal(3, "Henk")?;
    let mut altered = seal(4, "Saba Haile")?;
    altered[NONCE_LEN] ^= 1;
    let module = seal(MASTER_KEY_ID, "Budgetteren")?;

    let view = keys.view();
    let text = |sealed: &[u8], id: u32| {
        view.open_with(id, b"header", sealed, "contact", |p| {
            String::from_utf8(p.to_vec()).map_err(|e| StoreError::Backend(e.to_string()))
        })
    };
    assert_eq!(text(&long, 2)?, long_text);
    // A shorter record after a longer one in the same buffer: nothing of the first is left.
    assert_eq!(text(&short, 3)?, "Henk");
    assert!(matches!(text(&altered, 4), Err(StoreError::Corrupt { .. })));
    assert!(matches!(text(&short, 9), Err(StoreError::Erased)), "no key 9: erased");
    assert!(matches!(text(&long[..20], 2), Err(StoreError::Corrupt { .. })), "cut short");
    assert_eq!(text(&module, MASTER_KEY_ID)?, "Budgetteren");
    // Earlier failures change nothing for the next record.
    assert_eq!(text(&short, 3)?, "Henk");
    assert_eq!(view.open(2, b"header", &long, "contact")?.as_slice(), long_text.as_bytes());
    Ok(())
}

#[test]
fn wrapped_keys_are_stored_as_before_plus_the_coach_tag_and_old_ones_still_read() -> TestResult {
    // The stored form of a wrapped key before its fields were read as bytes (schema 1).
    #[derive(Serialize)]
    struct Before {
        participant: ParticipantId,
        nonce: Vec<u8>,
        wrapped: Vec<u8>,
    }
    let p = ParticipantId::new_random();
    let w =
        WrappedKey { participant: p, nonce: (0..12).collect(), wrapped: (200..248).collect(), coach: None, epoch: 0 };
    let before = Before { participant: p, nonce: w.nonce.clone(), wrapped: w.wrapped.clone() };
    let cfg = bincode::config::standard();
    let old = bincode::serde::encode_to_vec(&before, cfg)?;
    // Schema 2 is schema 1 with the tag behind it, schema 3 schema 2 with the key epoch.
    let mut v2 = old.clone();
    v2.push(0);
    let mut expected = v2.clone();
    expected.push(0);
    assert_eq!(bincode::serde::encode_to_vec(&w, cfg)?, expected);
    let from_v2 = WrappedKey::migrate(2, &v2)?;
    assert_eq!((from_v2.participant, from_v2.coach, from_v2.epoch), (p, None, 0));
    let back = WrappedKey::migrate(1, &old)?;
    assert_eq!((back.participant, &back.nonce, &back.wrapped, back.coach), (p, &w.nonce, &w.wrapped, None));
    // A chunk of schema 1 reads, its keys untagged; one of schema 2 keeps its tags.
    let chunk_v1 = bincode::serde::encode_to_vec((vec![(7u32, Some(&before)), (8u32, None)],), cfg)?;
    let chunk = KeyChunk::migrate(1, &chunk_v1)?;
    assert_eq!(chunk.keys.len(), 2);
    assert!(matches!(&chunk.keys[0], (7, Some(k)) if k.participant == p && k.coach.is_none()));
    assert!(matches!(&chunk.keys[1], (8, None)));
    let tagged = KeyChunk { keys: vec![(9, Some(WrappedKey { coach: Some([5; 16]), ..w }))] };
    let again: KeyChunk = super::super::codec::decode_plain(&super::super::codec::encode_plain(&tagged)?)?;
    assert!(matches!(&again.keys[0], (9, Some(k)) if k.coach == Some([5; 16])));
    Ok(())
}

#[test]
fn keys_read_in_the_background_are_waited_for_and_a_damaged_one_is_told_at_every_use() -> TestResult {
    let keys = Keys::new(Key::random());
    let people: Vec<ParticipantId> = (0..50).map(|_| ParticipantId::new_random()).collect();
    let wrapped: Vec<(u32, WrappedKey)> = people
        .iter()
        .enumerate()
        .map(|(i, p)| Ok((i as u32 + 2, keys.create(i as u32 + 2, *p, None)?)))
        .collect::<Result<_, StoreError>>()?;
    let mut sealed = Vec::new();
    keys.seal(51, b"header", b"Henk de Vries", &mut sealed)?;

    let again = Keys::new(keys.master().clone());
    let stored = wrapped.clone();
    again.take_reader(KeyReader::start(move || Box::new(stored.into_iter().map(Ok))).ok_or("no thread")?)?;
    // The first use waits for the load: nothing is missing, nothing is created twice.
    assert_eq!(again.id_of(people[49])?, Some(51));
    assert_eq!(again.open(51, b"header", &sealed, "contact")?.as_slice(), b"Henk de Vries");

    let mut under_12 = Vec::new();
    keys.seal(12, b"header", b"Fatma Ozturk", &mut under_12)?;
    let mut damaged = wrapped.clone();
    damaged[10].1.wrapped[0] ^= 1;
    let broken = Keys::new(keys.master().clone());
    broken.take_reader(KeyReader::start(move || Box::new(damaged.into_iter().map(Ok))).ok_or("no thread")?)?;
    // Only the records under the damaged key are refused, at every try; the others open.
    for _ in 0..2 {
        let Err(StoreError::Corrupt { reason, .. }) = broken.open(12, b"header", &under_12, "contact") else {
            return Err("a damaged key must be reported".into());
        };
        assert!(reason.contains("key 12 does not open"), "{reason}");
    }
    assert_eq!(broken.open(51, b"header", &sealed, "contact")?.as_slice(), b"Henk de Vries");
    // A key of the wrong shape is refused when the keys are read.
    let mut cut = wrapped;
    cut[3].1.wrapped.pop();
    let short = Keys::new(keys.master().clone());
    short.take_reader(KeyReader::start(move || Box::new(cut.into_iter().map(Ok))).ok_or("no thread")?)?;
    assert!(short.open(51, b"header", &sealed, "contact").is_err(), "no key from a partial table");
    assert!(short.id_of(people[0]).is_err(), "no key is handed out from a partial table");
    Ok(())
}
