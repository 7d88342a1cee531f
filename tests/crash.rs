//! A process saving participants is killed (SIGKILL) at random moments, 60 rounds: every save it
//! acknowledged before the kill is there afterwards, and the caseload opens.
//!
//! The test runs itself as the child: with MEEDOEN_CRASH_CHILD set, `child_saves_until_killed`
//! saves participants one by one into that directory and prints "ACK <number>" once each save has
//! returned (and so is on disk).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use meedoen::domain::{Participant, ParticipantId};
use meedoen::store::Store;

fn open(dir: &std::path::Path) -> Result<Store, meedoen::store::StoreError> {
    Store::open_or_create(dir, "een testwachtwoord", meedoen::store::crypto::KdfParams::LIGHT_FOR_TESTS)
}

const CHILD_ENV: &str = "MEEDOEN_CRASH_CHILD";

#[test]
fn child_saves_until_killed() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else { return };
    let store = open(std::path::Path::new(&dir)).unwrap();
    for i in 0.. {
        let mut p = Participant::new(ParticipantId::new_random(), 0, Utc::now());
        p.given_names = format!("Kind{i}");
        p.family_name = "Crashtest".into();
        p.notes = "x".repeat(200);
        let saved = store.add_participant(p).unwrap();
        println!("ACK {}", saved.number);
    }
}

#[cfg(unix)]
#[test]
fn every_acknowledged_save_survives_a_kill() {
    let tmp = tempfile::tempdir().unwrap();
    // KEEPDIR=1 keeps the caseload (its path is in the failure message) for inspection.
    let tmp_path = if std::env::var_os("KEEPDIR").is_some() { tmp.keep() } else { tmp.path().to_path_buf() };
    let dir = tmp_path.join("caseload");
    let me = std::env::current_exe().unwrap();
    let mut acknowledged: Vec<u32> = Vec::new();
    // A fixed sequence of kill moments between 5 and 120 ms, different every round.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 0..60 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait = Duration::from_millis(5 + seed % 116);
        let mut child = Command::new(&me)
            .args(["--exact", "child_saves_until_killed", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter_map(|l| l.strip_prefix("ACK ").and_then(|n| n.trim().parse::<u32>().ok()))
                .collect::<Vec<u32>>()
        });
        let start = Instant::now();
        while start.elapsed() < wait {
            std::thread::sleep(Duration::from_millis(1));
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        acknowledged.extend(reader.join().unwrap());
        // The caseload opens and holds every acknowledged save, with its index.
        let store =
            open(&dir).unwrap_or_else(|e| panic!("round {round}: the caseload does not open: {e} ({})", dir.display()));
        for n in &acknowledged {
            let p = store.participant_by_number(*n).unwrap_or_else(|e| panic!("round {round}: save {n} lost: {e}"));
            assert_eq!(p.family_name, "Crashtest");
        }
        assert!(store.check_indexes().unwrap().is_empty(), "round {round}");
    }
    println!("{} saves acknowledged over 60 kills, all present", acknowledged.len());
    assert!(acknowledged.len() > 60, "the child saved something in most rounds ({})", acknowledged.len());
}
