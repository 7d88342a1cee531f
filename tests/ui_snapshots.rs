//! Screens as a coach sees them at 80x24, kept as insta snapshots; and no size or key sequence
//! makes the UI panic.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use common::*;
use meedoen::i18n::Lang;
use meedoen::store::Store;
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

#[test]
fn start_screen() {
    insta::assert_snapshot!(screen(&app(), 80, 24));
}

#[test]
fn start_screen_in_english() {
    let store = Store::temporary().unwrap();
    filled_store(&store);
    insta::assert_snapshot!(screen(&app_on(store, Lang::En), 80, 24));
}

#[test]
fn search_for_berg() {
    let mut app = app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "berg");
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn intake_with_a_validation_message() {
    let mut app = app();
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Jan");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "van der");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Berg");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "31-02-1970");
    press(&mut app, KeyCode::Tab);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn participant_profile() {
    let mut app = app();
    open_person(&mut app, "berg");
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn help_overlay_on_the_start_screen() {
    let mut app = app();
    press(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!(screen(&app, 80, 24));
}

/// Every screen at sizes from 1x1 up, after every key of a session: nothing panics.
#[test]
fn no_size_and_no_key_makes_it_panic() {
    let sizes = [(1, 1), (2, 2), (3, 1), (10, 3), (20, 5), (40, 10), (79, 23), (80, 24), (120, 40), (200, 60)];
    let mut app = app();
    let keys: Vec<KeyCode> = "/berg"
        .chars()
        .map(KeyCode::Char)
        .chain([KeyCode::Down, KeyCode::Enter, KeyCode::Tab, KeyCode::Tab, KeyCode::Esc, KeyCode::Esc])
        .chain([KeyCode::Char('e'), KeyCode::Tab, KeyCode::Char('x'), KeyCode::Esc, KeyCode::Char('n')])
        .chain([KeyCode::Char('l'), KeyCode::Char('a'), KeyCode::End, KeyCode::PageDown, KeyCode::Enter])
        .chain([KeyCode::Char('?'), KeyCode::Esc, KeyCode::Char('n')])
        .chain("Zoë".chars().map(KeyCode::Char))
        .chain([KeyCode::Tab, KeyCode::Tab, KeyCode::Char('1'), KeyCode::Tab, KeyCode::F(1), KeyCode::Esc])
        .collect();
    for k in keys {
        press(&mut app, k);
        for (w, h) in sizes {
            let _ = screen(&app, w, h);
        }
    }
}

/// A person registered on a team laptop before it had a confirmed number (number 0) is found by
/// name and shows "volgt" in the search's number column and "nummer volgt" in their file, never
/// a number 0.
#[test]
fn a_person_waiting_for_a_number_shows_nummer_volgt() {
    let store = Store::temporary().unwrap();
    filled_store(&store);
    let mut p = store.participants().unwrap().into_iter().find(|p| p.family_name == "Berg").unwrap();
    p.number = 0;
    store.update_participant(&p).unwrap();
    assert_eq!(store.check_indexes().unwrap(), Vec::<String>::new(), "number 0 is not in the index");
    let mut app = app_on(store, Lang::Nl);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "berg");
    let search = screen(&app, 80, 24);
    assert!(search.contains(" volgt  Berg, Jan van der"), "{search}");
    press(&mut app, KeyCode::Enter);
    let file = screen(&app, 80, 24);
    assert!(file.contains("nummer volgt") && !file.contains("0000"), "{file}");
}
