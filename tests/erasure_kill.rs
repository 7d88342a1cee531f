//! An erasure confirmed on the privacy tab is killed (SIGKILL) at random moments while it runs,
//! 25 rounds: at the next open it is finished, never left half done. The person is gone from the
//! live data, the anonymous "erased on DATE by COACH" trace is there exactly once, and the backup
//! written before the erasure no longer holds anything of theirs. (A kill before the erasure was
//! recorded as begun leaves everything as it was: that is allowed, a half erasure never is.)
//!
//! The test runs itself as the child: with MEEDOEN_ERASE_CHILD set, `child_erases_then_waits`
//! opens that caseload, erases participant 1001 the way a coach does (privacy tab, `X`, the
//! number, Enter) and prints "ERASE" just before Enter and "ERASED" when it returned.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use meedoen::i18n::Lang;
use meedoen::store::{Backup, Store, StoreError};
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

const CHILD_ENV: &str = "MEEDOEN_ERASE_CHILD";

#[test]
fn child_erases_then_waits() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else { return };
    let mut app = app_on(open(std::path::Path::new(&dir)), Lang::Nl);
    open_person(&mut app, "fatma");
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Char('X'));
    type_text(&mut app, "1001");
    println!("ERASE");
    press(&mut app, KeyCode::Enter);
    assert!(app.store.participant_by_number(1001).is_err());
    println!("ERASED");
    loop {
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// A caseload with the fixed people, a few conversations each, and a registered backup.
fn prepare(dir: &std::path::Path, backup: &std::path::Path) {
    let store = open(dir);
    filled_store(&store);
    for p in store.participants().unwrap() {
        for d in 0..5 {
            use meedoen::domain::contact::*;
            let c = Contact {
                id: RecordId::new_random(),
                participant: p.id,
                at: (now() - chrono::Duration::days(d)).naive_utc(),
                channel: Channel::Office,
                initiative: Initiative::Coach,
                minutes: 30,
                reached: Reached::Made,
                life_areas: Vec::new(),
                summary: format!("gesprek {d}"),
                coach: "Sanne".into(),
                created_at: now(),
                withdrawn: false,
                history: Vec::new(),
            };
            store.save_contact(&c).unwrap();
        }
    }
    store.write_backup(backup).unwrap();
}

#[cfg(unix)]
#[test]
fn an_erasure_killed_at_any_moment_is_finished_at_the_next_open() {
    let tmp = tempfile::tempdir().unwrap();
    let me = std::env::current_exe().unwrap();
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    // How long an erasure takes here, measured in round 0 (not killed before it ends).
    let mut window = Duration::ZERO;
    let mut killed_part_way = 0;
    let (mut resumed, mut untouched) = (0, 0);
    for round in 0..25 {
        let dir = tmp.path().join(format!("c{round}"));
        let backup = tmp.path().join(format!("b{round}.backup"));
        prepare(&dir, &backup);
        let mut child = Command::new(&me)
            .args(["--exact", "child_erases_then_waits", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &dir)
            .env("MEEDOEN_STATE_DIR", tmp.path().join("state"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Lines of the child's output, as they come (the first one shares its line with the test
        // harness's "test ... " prefix).
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        let wait_for = |what: &str| {
            let deadline = Instant::now() + Duration::from_secs(60);
            while let Ok(l) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                if l.ends_with(what) {
                    return true;
                }
            }
            false
        };
        if !wait_for("ERASE") {
            child.kill().unwrap();
            panic!("round {round}: the child did not reach the erasure");
        }
        let started = Instant::now();
        if round == 0 {
            assert!(wait_for("ERASED"), "round 0: the erasure did not end");
            window = started.elapsed();
        } else {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let wait = Duration::from_micros(seed % (window.as_micros() as u64 + 1));
            while started.elapsed() < wait {
                std::thread::sleep(Duration::from_micros(200));
            }
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Whether the child got to the end by itself (what it printed before the kill).
        let finished = round == 0 || rx.try_iter().any(|l| l.ends_with("ERASED"));
        if !finished {
            killed_part_way += 1;
        }
        let store = open(&dir);
        assert_eq!(store.check().unwrap(), Vec::<String>::new(), "round {round}");
        let b = Backup::read(&backup).unwrap();
        let restored = tmp.path().join(format!("r{round}"));
        let done = Store::restore(&b, &b.unlock(TEST_PASSPHRASE).unwrap(), &restored).unwrap();
        let r = open(&restored);
        match store.participant_by_number(1001) {
            // Killed before the erasure was recorded as begun: nothing of it happened (the coach
            // never saw it done), the person whole with their conversations, the backup as written.
            Ok(p) => {
                assert!(!finished, "round {round}: an erasure reported done is undone");
                assert_eq!(store.contacts_of(p.id).unwrap().len(), 5, "round {round}: a half erasure");
                assert!(store.erasures().unwrap().is_empty(), "round {round}: a trace without the erasure");
                assert!(r.participant_by_number(1001).is_ok(), "round {round}: the backup lost the person");
                assert_eq!(done.skipped, 0, "round {round}");
                untouched += 1;
            }
            // Begun: finished (at this open if the kill came first). The backup from before was
            // cleaned: nothing of the person is left in it to leave out, and it carries the trace.
            Err(StoreError::NoSuchNumber(_)) => {
                assert_eq!(store.participants().unwrap().len(), PEOPLE.len() - 1, "round {round}");
                assert_eq!(store.erasures().unwrap().len(), 1, "round {round}: the erasure trace");
                assert_eq!(done.skipped, 0, "round {round}: the backup still held the person's records");
                assert!(r.participant_by_number(1001).is_err(), "round {round}");
                assert_eq!(r.erasures().unwrap().len(), 1, "round {round}: the backup's trace");
                if !finished {
                    resumed += 1;
                }
            }
            Err(e) => panic!("round {round}: {e}"),
        }
    }
    println!(
        "erasure takes {window:?}; {killed_part_way} of 24 kills came before it ended: {resumed} finished at the next open, {untouched} before it had begun"
    );
    assert!(resumed >= 3, "kills must land inside the erasure ({resumed} of 24 did)");
}
