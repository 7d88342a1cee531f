#![allow(clippy::panic)]
//! Start to first frame: open the caseload on disk, load it, build the search index and draw the
//! start screen at 80x24, at 2,600 and 100,000 participants.

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use meedoen::i18n::{Lang, Strings};
use meedoen::store::Store;
use meedoen::store::crypto::KdfParams;

/// Created with the light key derivation, so the figures show the cost of encryption, not of
/// argon2 (measured on its own: see README).
const PASS: &str = "bench passphrase";
use meedoen::ui::app::App;
use meedoen::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Opens, loads and draws the first frame; returns the app so the caller can let the background
/// work (name order, search index) finish outside the measured time.
fn first_frame(path: &std::path::Path, today: NaiveDate) -> App {
    let store = Store::open(path, PASS).unwrap_or_else(|e| panic!("open: {e}"));
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).single().unwrap_or_default();
    let app =
        App::new(store, Strings::new(Lang::Nl), Theme { color: false }, "Sanne".into(), today, Box::new(move || now))
            .unwrap_or_else(|e| panic!("app: {e}"));
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap_or_else(|e| panic!("terminal: {e}"));
    term.draw(|f| meedoen::ui::view::render(&app, f)).unwrap_or_else(|e| panic!("draw: {e}"));
    std::hint::black_box(term.backend().buffer().area);
    app
}

fn startup(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).single().unwrap_or_default();
    let mut group = c.benchmark_group("startup");
    group.sample_size(10);
    for n in [2_600usize, 100_000] {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let path = dir.path().join("caseload");
        {
            let store =
                Store::open_or_create(&path, PASS, KdfParams::LIGHT_FOR_TESTS).unwrap_or_else(|e| panic!("open: {e}"));
            meedoen::demo::fill(&store, n, 42, today, now).unwrap_or_else(|e| panic!("demo: {e}"));
        }
        // Let sled finish writing the freshly filled caseload before measuring opens of it.
        std::thread::sleep(std::time::Duration::from_secs(3));
        group.bench_with_input(BenchmarkId::new("first_frame", n), &n, |b, _| {
            b.iter_custom(|iters| {
                let mut total = std::time::Duration::ZERO;
                for _ in 0..iters {
                    let t = std::time::Instant::now();
                    let mut app = first_frame(&path, today);
                    total += t.elapsed();
                    // The search index finishes on its own thread; wait for it before the next round.
                    app.caseload.search();
                }
                total
            })
        });
    }
    group.finish();
}

criterion_group!(benches, startup);
criterion_main!(benches);
