//! One damaged record (a few bytes of a participant's trajectory gone bad inside the data file)
//! is reported where the coach meets it, never hidden or replaced: the start screen lists the
//! person as unreadable instead of silently leaving them out, and a status change is refused
//! with the damage message instead of writing a fresh trajectory over the stored one.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::pty::*;
use common::*;
use meedoen::domain::trajectory::Trajectory;

/// Flips the last byte (inside the authentication tag) of Fatma's stored trajectory; returns the
/// damaged value.
fn damage_trajectory(dir: &std::path::Path, id: &[u8]) -> Vec<u8> {
    let db = sled::open(dir.join("db")).unwrap();
    let tree = db.open_tree("trajectories").unwrap();
    let mut v = tree.get(id).unwrap().expect("the trajectory is stored").to_vec();
    let last = v.len() - 1;
    v[last] ^= 0x5a;
    tree.insert(id, v.clone()).unwrap();
    db.flush().unwrap();
    v
}

fn stored_trajectory(dir: &std::path::Path, id: &[u8]) -> Vec<u8> {
    let db = sled::open(dir.join("db")).unwrap();
    db.open_tree("trajectories").unwrap().get(id).unwrap().unwrap().to_vec()
}

#[test]
fn a_damaged_trajectory_is_reported_on_the_start_screen_and_never_written_over() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let fatma = person(0);
    {
        let store = open(&dir);
        filled_store(&store);
        let mut t = Trajectory::new(fatma.id, now());
        t.advice = "Verder met vrijwilligerswerk".into();
        let p = store.participant(fatma.id).unwrap().unwrap();
        store.save_status_change(&p, &t).unwrap();
    }
    let damaged = damage_trajectory(&dir, fatma.id.as_bytes());

    let mut s = Session::start(&dir, &[]);
    s.wait_for("Vandaag");
    // Fatma is listed, with what could not be read, first on the attention list.
    s.wait_for("onleesbaar (traject)");
    assert!(s.screen().contains("Öztürk"), "{}", s.screen());
    // Open her from that line and ask for the next step of her trajectory.
    s.keys(ENTER);
    s.wait_for("Öztürk");
    s.keys("+");
    s.wait_for("beschadigd");
    s.keys(ESC);
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
    assert_eq!(stored_trajectory(&dir, fatma.id.as_bytes()), damaged, "the damaged trajectory was written over");
}
