//! The real binary in a pseudo-terminal corrects a logged contact and is killed (SIGKILL) 0 to
//! 100 ms after the corrected contact shows, round after round: every correction shown is kept,
//! each in the contact's history with its access-log entry (both written in one transaction),
//! and the change log agrees with the records afterwards.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::pty::Session;
use common::*;
use meedoen::domain::privacy::AccessAction;

#[test]
fn every_correction_shown_before_a_kill_is_kept_with_its_history_and_log_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let fatma = {
        let store = open(&dir);
        filled_store(&store);
        let fatma = store.participant_by_number(1001).unwrap().id;
        store.save_contact(&phone_call(fatma)).unwrap();
        fatma
    };
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let rounds = 12;
    for round in 0..rounds {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let after = Duration::from_micros(seed % 100_000);
        let minutes = 11 + round;
        let mut s = Session::start(&dir, &[]);
        s.wait_for("Vandaag");
        s.keys("/");
        s.keys("ozturk");
        s.keys("\r");
        s.wait_for("Öztürk, Fatma");
        s.keys("\t\t\t");
        s.wait_for("Over de schulden");
        s.keys("\r");
        s.wait_for("corrigeren");
        s.keys("\t\t\t\t"); // date, time, channel, initiative: to the minutes
        s.keys("\x15"); // Ctrl-U
        s.keys(&minutes.to_string());
        s.keys("\x13"); // Ctrl-S
        s.wait_for(&format!("· {minutes} min"));
        std::thread::sleep(after);
        s.child.kill().unwrap(); // SIGKILL
        s.child.wait().unwrap();
    }
    let store = open(&dir);
    let contacts = store.contacts_of(fatma).unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].minutes, 11 + rounds - 1, "the last correction shown is the contact now");
    assert_eq!(contacts[0].history.len(), rounds as usize, "every correction shown is in the history");
    let logged = store
        .access_log_of(fatma)
        .unwrap()
        .iter()
        .filter(|e| matches!(&e.action, AccessAction::Recorded(what) if what == "contact_corrected"))
        .count();
    assert_eq!(logged, rounds as usize, "every correction has its access-log entry");
    assert_eq!(store.check().unwrap(), Vec::<String>::new(), "the change log agrees with the records after the kills");
}
