//! The real binary in a pseudo-terminal takes an intake and is killed (SIGKILL) 0 to 100 ms
//! after "Opgeslagen" shows, round after round: every person saved has the "registered" entry
//! in their access log (it is written in the same transaction as the person), and the change log
//! agrees with the records afterwards.
//!
//! `MEEDOEN_TEST_BIN` runs another build of meedoen instead. (The build before the change log
//! passes the access-log part on a quiet machine, where sled happened to write the unflushed
//! entry before the kill, and fails the change-log part; the entry is now in the save's
//! transaction, so its survival no longer depends on that.)
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::pty::Session;
use common::*;
use meedoen::domain::privacy::AccessAction;

#[test]
fn every_intake_saved_before_a_kill_has_its_registered_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    // Created with the cheap key derivation of the tests, so each start is quick.
    drop(open(&dir));
    let started = Instant::now();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let rounds = 20;
    for round in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let after = Duration::from_micros(seed % 100_000);
        let mut s = Session::start(&dir, &[]);
        s.wait_for("Vandaag");
        s.keys("n");
        s.wait_for("Nieuwe intake");
        s.keys(&format!("Ronde{round}"));
        s.keys("\t\t");
        s.keys("Crashtest");
        s.keys("\t");
        s.keys("04-05-1966");
        s.keys("\x13"); // Ctrl-S
        s.wait_for("Opgeslagen");
        std::thread::sleep(after);
        s.child.kill().unwrap(); // SIGKILL
        s.child.wait().unwrap();
    }
    let store = open(&dir);
    let people = store.participants().unwrap();
    assert_eq!(people.len(), rounds, "every intake acknowledged with Opgeslagen was kept");
    let missing: Vec<String> = people
        .iter()
        .filter(|p| !store.access_log_of(p.id).unwrap().iter().any(|e| matches!(e.action, AccessAction::Created)))
        .map(|p| p.given_names.clone())
        .collect();
    assert!(missing.is_empty(), "{} of {rounds} saved intakes have no 'registered' entry: {missing:?}", missing.len());
    assert_eq!(store.check().unwrap(), Vec::<String>::new(), "the change log agrees with the records after the kills");
    println!("{rounds} kills in {:.1} s: every saved intake has its entry", started.elapsed().as_secs_f64());
}
