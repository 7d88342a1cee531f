#![allow(clippy::panic)]
//! Start to first frame: open the caseload on disk, load it, build the search index and draw the
//! start screen at 80x24, at 2,600 and 100,000 participants.
//!
//! `first_frame/N` unlocks with argon2's smallest setting and counts everything, the reading of
//! the participant keys included. `after_unlock/2600` is the program's own sequence on a caseload
//! made as `meedoen init` makes one: the files are opened (timed), the passphrase is unlocked
//! with the standard argon2 setting (0.4 s, not timed: it is measured on its own, and the
//! participant keys are read meanwhile, as they are while a coach types the passphrase), then
//! the caseload is loaded and the start screen drawn (timed).

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use meedoen::i18n::{Lang, Strings};
use meedoen::store::Store;
use meedoen::store::crypto::KdfParams;

/// The passphrase of the bench caseloads (`first_frame` creates them with argon2's smallest
/// setting, `after_unlock` with the standard one; see the module comment).
const PASS: &str = "bench passphrase";
use meedoen::ui::app::App;
use meedoen::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Opens, loads and draws the first frame; returns the app so the caller can let the background
/// work (name order, search index) finish outside the measured time.
fn first_frame(path: &std::path::Path, today: NaiveDate) -> App {
    let store = Store::open(path, PASS).unwrap_or_else(|e| panic!("open: {e}"));
    draw_first_frame(store, today)
}

/// Loads the unlocked caseload and draws the start screen.
fn draw_first_frame(store: Store, today: NaiveDate) -> App {
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).single().unwrap_or_default();
    let app = App::new(
        store,
        Strings::new(Lang::Nl),
        Theme { color: false },
        "Sanne de Vries".into(),
        today,
        Box::new(move || now),
    )
    .unwrap_or_else(|e| panic!("app: {e}"));
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap_or_else(|e| panic!("terminal: {e}"));
    term.draw(|f| meedoen::ui::view::render(&app, f)).unwrap_or_else(|e| panic!("draw: {e}"));
    std::hint::black_box(term.backend().buffer().area);
    app
}

/// Fills a new caseload at `path` with `n` demo participants and their history.
fn fill(path: &std::path::Path, n: usize, kdf: KdfParams, today: NaiveDate) {
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).single().unwrap_or_default();
    {
        let store = Store::open_or_create(path, PASS, kdf).unwrap_or_else(|e| panic!("open: {e}"));
        meedoen::demo::fill(&store, n, 42, today, now).unwrap_or_else(|e| panic!("demo: {e}"));
    }
    // Let sled finish writing the freshly filled caseload before measuring opens of it.
    std::thread::sleep(std::time::Duration::from_secs(3));
}

fn startup(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default();
    let mut group = c.benchmark_group("startup");
    group.sample_size(10);
    for n in [2_600usize, 100_000] {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let path = dir.path().join("caseload");
        // Filled when the bench runs, so a run filtered to another bench does not wait for it.
        let mut filled = false;
        group.bench_with_input(BenchmarkId::new("first_frame", n), &n, |b, _| {
            if !filled {
                fill(&path, n, KdfParams::LIGHT_FOR_TESTS, today);
                filled = true;
            }
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

    let mut group = c.benchmark_group("startup");
    // Every first frame also waits for the untimed 0.4 s unlock: 30 samples of one frame each.
    group.sample_size(30).sampling_mode(SamplingMode::Flat);
    group.warm_up_time(std::time::Duration::from_millis(500));
    group.measurement_time(std::time::Duration::from_secs(14));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("caseload");
    let mut filled = false;
    group.bench_function(BenchmarkId::new("after_unlock", 2_600), |b| {
        if !filled {
            fill(&path, 2_600, KdfParams::STANDARD, today);
            filled = true;
        }
        b.iter_custom(|iters| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..iters {
                let t = std::time::Instant::now();
                let locked = Store::open_locked(&path).unwrap_or_else(|e| panic!("open: {e}"));
                total += t.elapsed();
                let store = locked.unlock(PASS).unwrap_or_else(|e| panic!("unlock: {e}"));
                let t = std::time::Instant::now();
                let mut app = draw_first_frame(store, today);
                total += t.elapsed();
                app.caseload.search();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, startup);
criterion_main!(benches);
