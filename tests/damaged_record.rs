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
    let db = open_sled(&dir.join("db"));
    let tree = db.open_tree("trajectories").unwrap();
    let mut v = tree.get(id).unwrap().expect("the trajectory is stored").to_vec();
    let last = v.len() - 1;
    v[last] ^= 0x5a;
    tree.insert(id, v.clone()).unwrap();
    db.flush().unwrap();
    v
}

fn stored_trajectory(dir: &std::path::Path, id: &[u8]) -> Vec<u8> {
    let db = open_sled(&dir.join("db"));
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
        let mut p = store.participant(fatma.id).unwrap().unwrap();
        // At intake, so `+` is a step to take.
        p.status = meedoen::domain::Status::Intake;
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
    s.wait_for("naar Actief zetten?");
    s.keys("j");
    s.wait_for("beschadigd");
    s.keys(ESC);
    s.keys("q");
    assert_eq!(s.wait_exit(), 0);
    assert_eq!(stored_trajectory(&dir, fatma.id.as_bytes()), damaged, "the damaged trajectory was written over");
}

/// Someone else's participant record is damaged: the coach's own are read before the first frame,
/// the rest after it; the damage found then stops the app with the message of a damaged record
/// (pointing to restore) instead of going on with less than the whole caseload.
#[test]
fn a_damaged_record_found_after_the_first_frame_stops_the_app_with_the_damage_message() {
    use meedoen::domain::{Participant, ParticipantId};
    use meedoen::i18n::{Lang, Strings};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let people = {
        let store = open(&dir);
        let mut people: Vec<Participant> =
            (0..4).map(|_| Participant::new(ParticipantId::new_random(), 0, now())).collect();
        for (i, p) in people.iter_mut().enumerate() {
            p.family_name = format!("Jansen{i}");
            p.coach = if i < 2 { "Sanne" } else { "Mohamed" }.into();
        }
        store.add_participants(people).unwrap()
    };
    {
        let db = open_sled(&dir.join("db"));
        let tree = db.open_tree("participants").unwrap();
        tree.insert(people[3].id.as_bytes(), &b"MD\x01\x01\x02\x00\x05\x00\x00\x00garbage"[..]).unwrap();
        db.flush().unwrap();
    }
    let mut app = meedoen::ui::app::App::new(
        open(&dir),
        Strings::new(Lang::Nl),
        meedoen::ui::theme::Theme { color: false },
        "Sanne".into(),
        today(),
        Box::new(now),
    )
    .unwrap();
    assert_eq!(app.start.counts.iter().sum::<usize>(), 2);
    assert!(app.finish_loading());
    assert!(app.quit, "the app does not go on with less than the whole caseload");
    let expected =
        app.strings.store_error(&meedoen::store::StoreError::Corrupt { kind: "participant", reason: "x".into() });
    let why = app.fatal.clone().unwrap();
    assert_eq!(why.split('(').next(), expected.split('(').next(), "{why}");
    assert!(why.contains("meedoen restore"), "{why}");
}
