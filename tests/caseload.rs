//! The coach's own caseload first: the start screen is drawn from the coach's open participants,
//! found by the coach tags on their keys, while everyone else is read on a second thread. What a
//! coach would notice: the start screen is the same as from the whole caseload, it follows a
//! change of coach or status, and a tag that is out of date is put right.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use common::*;
use meedoen::domain::{ParticipantId, Status};
use meedoen::i18n::Lang;
use meedoen::store::Store;
use ui_common::*;

fn ids(people: &[meedoen::domain::Participant]) -> Vec<ParticipantId> {
    let mut v: Vec<ParticipantId> = people.iter().map(|p| p.id).collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<ParticipantId>) -> Vec<ParticipantId> {
    v.sort();
    v
}

fn own(store: &Store, coach: &str) -> (Vec<ParticipantId>, Vec<ParticipantId>) {
    let own = store.own_participants(coach).unwrap().expect("every key is tagged");
    (ids(&own.open), sorted(own.closed))
}

#[test]
fn the_tags_follow_a_change_of_coach_a_closing_an_erasure_and_a_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("caseload");
    let people = {
        let store = open(&path);
        store.add_participants((0..PEOPLE.len()).map(person).collect()).unwrap()
    };
    let id = |family: &str| people.iter().find(|p| p.family_name == family).unwrap().id;
    let store = open(&path);
    // Sanne: Öztürk, Berg, Aalders, Çelik open and De Vries closed; Mohamed: Şahin. Names
    // compare as coaches' names do ("  sanne " is Sanne).
    assert_eq!(
        own(&store, "  sanne "),
        (sorted(vec![id("Öztürk"), id("Berg"), id("Aalders"), id("Çelik")]), vec![id("Vries")])
    );
    assert_eq!(own(&store, "Mohamed"), (vec![id("Şahin")], vec![]));

    let mut berg = store.participant(id("Berg")).unwrap().unwrap();
    berg.coach = "Mohamed".into();
    store.update_participant(&berg).unwrap();
    let mut celik = store.participant(id("Çelik")).unwrap().unwrap();
    celik.status = Status::Closed;
    store.update_participant(&celik).unwrap();
    store.erase(id("Şahin"), "Mohamed", today()).unwrap();
    let sanne = (sorted(vec![id("Öztürk"), id("Aalders")]), sorted(vec![id("Vries"), id("Çelik")]));
    assert_eq!(own(&store, "Sanne"), sanne);
    assert_eq!(own(&store, "Mohamed"), (vec![id("Berg")], vec![]));
    drop(store);

    let store = open(&path);
    assert_eq!(own(&store, "Sanne"), sanne, "the tags are stored");
    assert_eq!(own(&store, "Mohamed"), (vec![id("Berg")], vec![]));
    assert_eq!(own(&store, "Ineke"), (vec![], vec![]), "a coach without people");
}

#[test]
fn the_first_frame_waits_for_nobody_elses_records_and_is_the_frame_of_the_whole_caseload() {
    let store = Store::temporary().unwrap();
    filled_store(&store);
    let people = store.participants().unwrap();
    let id = |family: &str| people.iter().find(|p| p.family_name == family).unwrap().id;
    // Today: Öztürk (open), De Vries (closed, her last talk) and Şahin (Mohamed's).
    store.save_appointment(&appointment(id("Öztürk"), 0, 10, "Wijkcentrum De Bron")).unwrap();
    store.save_appointment(&appointment(id("Vries"), 0, 11, "Bibliotheek")).unwrap();
    store.save_appointment(&appointment(id("Şahin"), 0, 12, "Stadhuis")).unwrap();
    let mut app = app_on(store, Lang::Nl);
    let first = screen(&app, 100, 30);
    assert!(!app.caseload.is_complete(), "the first frame did not wait for the whole caseload");
    assert!(first.contains("Wijkcentrum De Bron") && first.contains("Bibliotheek"), "{first}");
    assert!(!first.contains("Stadhuis"), "not Sanne's appointment: {first}");
    assert!(!app.finish_loading(), "nothing to draw again");
    assert!(app.caseload.is_complete());
    assert_eq!(screen(&app, 100, 30), first, "the same start screen from the whole caseload");
    // The team view counts everyone.
    press(&mut app, crossterm_key('t'));
    assert!(screen(&app, 100, 30).contains("Stadhuis"));
}

fn crossterm_key(c: char) -> ratatui::crossterm::event::KeyCode {
    ratatui::crossterm::event::KeyCode::Char(c)
}

#[test]
fn a_tag_out_of_date_is_noticed_once_everyone_is_read_and_put_right() {
    let store = Store::temporary().unwrap();
    filled_store(&store);
    let fatma = store.participants().unwrap().into_iter().find(|p| p.family_name == "Öztürk").unwrap();
    // As if meedoen was killed between writing a new tag and the participant it belongs to.
    let mut moved = fatma.clone();
    moved.coach = "Mohamed".into();
    store.tag_coaches([&moved]).unwrap();
    let active = Status::ALL.iter().position(|s| *s == Status::Active).unwrap();

    let mut app = app_on(store, Lang::Nl);
    assert_eq!(app.start.counts[active], 1, "the first frame believed the tag: only Berg");
    let problems = app.store.check_indexes().unwrap();
    assert!(problems.len() == 1 && problems[0].starts_with("1 coach tag(s) do not match"), "{problems:?}");
    assert!(app.finish_loading(), "the start screen is computed and drawn again");
    assert!(app.store.check_indexes().unwrap().is_empty());
    assert_eq!(app.start.counts[active], 2, "Öztürk and Berg");
    assert!(ids(&app.store.own_participants("Sanne").unwrap().unwrap().open).contains(&fatma.id), "tag put right");
}
