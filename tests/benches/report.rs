#![allow(clippy::panic)]
//! The full period report over 2,600 participants with two years of history: reading every
//! record it needs from the encrypted store and computing every figure, and computing alone.

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use meedoen::i18n::{Lang, Strings};
use meedoen::reports::Loaded;
use meedoen::store::Store;
use meedoen::store::crypto::KdfParams;

fn report(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).single().unwrap_or_default();
    let from = NaiveDate::from_ymd_opt(2024, 11, 25).unwrap_or_default();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store = Store::open_or_create(&dir.path().join("c"), "bench passphrase", KdfParams::LIGHT_FOR_TESTS)
        .unwrap_or_else(|e| panic!("open: {e}"));
    meedoen::demo::fill(&store, 2_600, 42, today, now).unwrap_or_else(|e| panic!("demo: {e}"));
    let strings = Strings::new(Lang::Nl);
    let mut group = c.benchmark_group("report");
    group.sample_size(20);
    group.bench_function("load_and_compute_2600_two_years", |b| {
        b.iter(|| {
            let data = Loaded::load(&store).unwrap_or_else(|e| panic!("load: {e}"));
            let r = data.report(from, today, None);
            std::hint::black_box(meedoen::reports::text(&r, &strings));
        })
    });
    let data = Loaded::load(&store).unwrap_or_else(|e| panic!("load: {e}"));
    group.bench_function("compute_2600_two_years", |b| b.iter(|| std::hint::black_box(data.report(from, today, None))));
    group.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
