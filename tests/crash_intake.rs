//! A process that saves intakes the way a coach does (type the form, each key kept as a draft,
//! Ctrl-S) is killed (SIGKILL) at random moments. A save and the removal of its draft are one
//! transaction: afterwards no person is both saved and still offered as an intake draft, and
//! continuing whatever draft is left never creates the same person twice.
//!
//! The test runs itself as the child: with MEEDOEN_INTAKE_CHILD set, `child_takes_intakes_until_killed`
//! takes intakes into that directory until it is killed.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use meedoen::i18n::Lang;
use meedoen::store::Store;
use meedoen::ui::app::{Popup, Screen};
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

const CHILD_ENV: &str = "MEEDOEN_INTAKE_CHILD";
const ROUND_ENV: &str = "MEEDOEN_INTAKE_ROUND";

fn given(round: &str, i: u32) -> String {
    // Ends in "x": a draft cut off while its name was typed matches no one.
    format!("R{round}K{i}x")
}

#[test]
fn child_takes_intakes_until_killed() {
    let (Some(dir), Some(round)) = (std::env::var_os(CHILD_ENV), std::env::var(ROUND_ENV).ok()) else { return };
    let mut app = app_on(open(std::path::Path::new(&dir)), Lang::Nl);
    assert!(app.popup().is_none(), "the parent left no draft to offer");
    for i in 0.. {
        press(&mut app, KeyCode::Char('n'));
        type_text(&mut app, &given(&round, i));
        focus(&mut app, "family_name");
        type_text(&mut app, "Crashtest");
        focus(&mut app, "date_of_birth");
        type_text(&mut app, "04-05-1966");
        // Tells the parent a save starts now: it kills within a few milliseconds of this.
        println!("SAVE {i}");
        app.handle_key(ctrl('s'));
        assert!(matches!(app.screen(), Screen::Participant(_) | Screen::Start(_)), "saved");
        while !matches!(app.screen(), Screen::Start(_)) {
            press(&mut app, KeyCode::Esc);
        }
    }
}

/// Given names of the saved people, and of the intake drafts left behind.
fn saved_and_drafted(store: &Store) -> (HashMap<String, usize>, Vec<String>) {
    let mut saved = HashMap::new();
    for p in store.participants().unwrap() {
        *saved.entry(p.given_names).or_insert(0) += 1;
    }
    let drafts = store
        .drafts()
        .unwrap()
        .into_iter()
        .filter(|(_, d)| d.kind == meedoen::store::DraftKind::Form(meedoen::domain::form_kind::FormKind::Intake))
        .filter_map(|(_, d)| d.values.into_iter().find(|(k, _)| k == "given_names").map(|(_, v)| v))
        .collect();
    (saved, drafts)
}

#[cfg(unix)]
#[test]
fn a_kill_between_save_and_draft_removal_never_keeps_both() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    drop(open(&dir));
    let me = std::env::current_exe().unwrap();
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut resumed = 0;
    let rounds = 40;
    for round in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // Killed during the 1st to 4th save, 0 to 4 ms after it started: the moments around
        // the write of the participant and the removal of the draft.
        let saves = 1 + seed % 4;
        let after = Duration::from_micros((seed >> 8) % 4000);
        let mut child = Command::new(&me)
            .args(["--exact", "child_takes_intakes_until_killed", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &dir)
            .env(ROUND_ENV, round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = 0;
        while seen < saves {
            match lines.next() {
                Some(Ok(l)) if l.starts_with("SAVE ") => seen += 1,
                Some(Ok(_)) => {}
                _ => panic!("round {round}: the child stopped before it was killed"),
            }
        }
        let start = Instant::now();
        while start.elapsed() < after {
            std::hint::spin_loop();
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let store = open(&dir);
        let (saved, drafts) = saved_and_drafted(&store);
        for d in &drafts {
            assert!(!saved.contains_key(d), "round {round}: {d} is saved and still offered as a draft");
        }
        // Continue the draft that is left, as the next start offers it.
        let mut app = app_on(store, Lang::Nl);
        if matches!(app.popup(), Some(Popup::DraftOffer { .. })) {
            press(&mut app, KeyCode::Enter);
            app.handle_key(ctrl('s'));
            if matches!(app.screen(), Screen::Form(_)) {
                // Cut off before it was complete: nothing to save.
                app.store.delete_draft("intake").unwrap();
            } else {
                resumed += 1;
            }
        }
        let (saved, drafts) = saved_and_drafted(&app.store);
        assert!(drafts.is_empty(), "round {round}: {drafts:?}");
        let twice: Vec<_> = saved.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "round {round}: saved twice: {twice:?}");
    }
    let (saved, _) = saved_and_drafted(&open(&dir));
    println!("{} intakes saved over {rounds} kills, {resumed} drafts continued, no one twice", saved.len());
    assert!(saved.len() > rounds, "the child saved intakes in most rounds ({})", saved.len());
}
