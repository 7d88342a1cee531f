#![allow(clippy::panic)]
//! Search re-rank per keystroke at 2,600 and 100,000 participants.
//!
//! Criterion measures single keystrokes; the summary printed first types 40 five-letter queries
//! character by character (as a coach does, narrowing the previous hits) and reports the median
//! and worst keystroke, the figures the foundation issue sets targets for. A second summary line
//! types whole misspelled names and dates of birth (the typo pass and the date terms).

use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use meedoen::domain::search::SearchIndex;

const QUERIES: &[&str] = &[
    "janse", "ozturk", "berg ", "vd be", "celik", "sahin", "mohamm", "de vr", "bakke", "yilma", "wisni", "smit ",
    "1234 ", "06123", "daniel", "el am", "boukh", "pieter", "maria", "hoek ", "ahmed", "kowal", "fatma", "visse",
    "meije", "mulder", "bos j", "7001", "zoe v", "dijks", "hasan", "nguye", "tesfa", "peter", "anna ", "kaya ",
    "aydin", "dekke", "brouw", "sanne",
];

/// Misspelled names (one letter off a demo name) and dates of birth, typed in full. At 100,000
/// people most misspellings still match many people as typed (letters in order, gaps allowed),
/// so the typo pass runs on a few keys only (`jnasen`, `wisnievski` from its seventh key on);
/// at 2,600 on more of them.
const TYPOS_AND_DATES: &[&str] = &[
    "kowalsky",
    "jnasen",
    "ozturc",
    "wisnievski",
    "bakkre",
    "dekkre",
    "vissr",
    "12-03-1970",
    "3-2-85",
    "30/01/1985",
    "jnasen 1-2",
    "piet 12-03",
];

fn index(n: usize) -> SearchIndex {
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).single().unwrap_or_default();
    let (people, _) = meedoen::demo::generate(n, 42, today, now);
    SearchIndex::from_participants(&people)
}

/// Types every query character by character, the first `keys` characters of each; returns
/// every keystroke's duration.
fn typing_latencies(ix: &mut SearchIndex, queries: &[&str], keys: usize) -> Vec<Duration> {
    let mut out = Vec::new();
    for q in queries {
        ix.search("", 500);
        let mut typed = String::new();
        for c in q.chars().take(keys) {
            typed.push(c);
            let t = Instant::now();
            let r = ix.search(&typed, 500);
            out.push(t.elapsed());
            std::hint::black_box(r);
        }
    }
    out
}

fn summary(c: &mut Criterion) {
    for n in [2_600, 100_000] {
        let mut ix = index(n);
        for (what, queries, keys) in [("", QUERIES, 5), (" (typos and dates)", TYPOS_AND_DATES, usize::MAX)] {
            // Warm up, then three rounds.
            typing_latencies(&mut ix, queries, keys);
            let mut all = Vec::new();
            for _ in 0..3 {
                all.extend(typing_latencies(&mut ix, queries, keys));
            }
            all.sort();
            let median = all[all.len() / 2];
            let p99 = all[all.len() * 99 / 100];
            let worst = all[all.len() - 1];
            println!(
                "search summary{what}: {n} participants, {} keystrokes: median {:.2} ms, p99 {:.2} ms, worst {:.2} ms",
                all.len(),
                median.as_secs_f64() * 1e3,
                p99.as_secs_f64() * 1e3,
                worst.as_secs_f64() * 1e3
            );
        }
    }
    let _ = c;
}

fn keystrokes(c: &mut Criterion) {
    let mut group = c.benchmark_group("search");
    group.sample_size(20);
    for n in [2_600, 100_000] {
        let mut ix = index(n);
        group.bench_with_input(BenchmarkId::new("first_key_j", n), &n, |b, _| {
            b.iter(|| {
                ix.search("", 0);
                ix.search("j", 500)
            })
        });
        group.bench_with_input(BenchmarkId::new("type_jansen_5_keys", n), &n, |b, _| {
            b.iter(|| {
                ix.search("", 0);
                for q in ["j", "ja", "jan", "jans", "janse"] {
                    std::hint::black_box(ix.search(q, 500));
                }
            })
        });
        // Every key of a misspelled name; the last one or two run the typo pass.
        group.bench_with_input(BenchmarkId::new("type_kowalsky_8_keys", n), &n, |b, _| {
            b.iter(|| {
                ix.search("", 0);
                let mut q = String::new();
                for c in "kowalsky".chars() {
                    q.push(c);
                    std::hint::black_box(ix.search(&q, 500));
                }
            })
        });
        group.bench_with_input(BenchmarkId::new("date_12_03_1970_10_keys", n), &n, |b, _| {
            b.iter(|| {
                ix.search("", 0);
                let mut q = String::new();
                for c in "12-03-1970".chars() {
                    q.push(c);
                    std::hint::black_box(ix.search(&q, 500));
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, summary, keystrokes);
criterion_main!(benches);
