#![allow(clippy::panic)]
//! Saving, and what encryption costs per record: a participant change and a contact saved on a
//! 2,600-person caseload on disk (each save returns when the data is on disk), and one record
//! encoded and decoded with and without sealing.

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use meedoen::domain::contact::{Channel, Contact, Initiative, Reached, RecordId};
use meedoen::store::Store;
use meedoen::store::codec;
use meedoen::store::crypto::{KdfParams, Key, Keys, MASTER_KEY_ID};

fn save(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).single().unwrap_or_default();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store = Store::open_or_create(&dir.path().join("c"), "bench passphrase", KdfParams::LIGHT_FOR_TESTS)
        .unwrap_or_else(|e| panic!("open: {e}"));
    meedoen::demo::fill(&store, 2_600, 42, today, now).unwrap_or_else(|e| panic!("demo: {e}"));
    let mut p = store.participant_by_number(1500).unwrap_or_else(|e| panic!("participant: {e}"));
    let mut group = c.benchmark_group("save");
    group.sample_size(30);
    let mut i = 0u32;
    group.bench_function("participant_change", |b| {
        b.iter(|| {
            i += 1;
            p.notes = format!("Gesprek {i}: wil graag vrijwilligerswerk bij de voedselbank.");
            store.update_participant(&p).unwrap_or_else(|e| panic!("save: {e}"));
        })
    });
    let contact = Contact {
        id: RecordId::new_random(),
        participant: p.id,
        at: now.naive_utc(),
        channel: Channel::Phone,
        initiative: Initiative::Coach,
        minutes: 30,
        reached: Reached::Made,
        life_areas: Vec::new(),
        summary: "Gebeld over de afspraak bij de schuldhulp; gaat mee naar het buurthuis.".into(),
        coach: "Sanne de Vries".into(),
        created_at: now,
        withdrawn: false,
        history: Vec::new(),
    };
    group.bench_function("contact", |b| {
        b.iter(|| {
            let c = Contact { id: RecordId::new_random(), ..contact.clone() };
            store.save_contact(&c).unwrap_or_else(|e| panic!("save: {e}"));
        })
    });
    group.finish();

    let keys = Keys::new(Key::random());
    let mut group = c.benchmark_group("codec");
    group.bench_function("participant_plain_round_trip", |b| {
        b.iter(|| {
            let bytes = codec::encode_plain(&p).unwrap_or_else(|e| panic!("encode: {e}"));
            std::hint::black_box(codec::decode_plain::<meedoen::domain::Participant>(&bytes).ok());
        })
    });
    group.bench_function("participant_sealed_round_trip", |b| {
        b.iter(|| {
            let bytes = codec::encode(&p, &keys, MASTER_KEY_ID).unwrap_or_else(|e| panic!("encode: {e}"));
            std::hint::black_box(codec::decode::<meedoen::domain::Participant>(&bytes, &keys).ok());
        })
    });
    group.finish();
}

criterion_group!(benches, save);
criterion_main!(benches);
