//! Long texts (advice, notes, a contact's summary) are typed in a field of several rows that
//! wraps at word boundaries; Enter starts a new line there, ↑ on the first row and ↓ on the last
//! leave it, and the profile shows the text whole, line breaks and all. A draft keeps them.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use meedoen::domain::ParticipantId;
use meedoen::i18n::Lang;
use meedoen::ui::app::{App, Popup, Screen};
use meedoen::ui::tab::Tab;
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

const ADVICE: &str = "Eerst de taalles bij het wijkcentrum afronden en daarna samen met de \
                      klantmanager kijken naar vrijwilligerswerk in de buurt, met om de twee weken een \
                      gesprek over hoe het gaat";

fn ozturk(app: &App) -> ParticipantId {
    app.caseload.people().iter().find(|p| p.family_name == "Öztürk").unwrap().id
}

fn form_value(app: &App, key: &str) -> String {
    match app.screen() {
        Screen::Form(f) => f.form.value(key).to_string(),
        _ => panic!("no form on screen:\n{}", screen(app, 80, 24)),
    }
}

fn focused(app: &App) -> &'static str {
    match app.screen() {
        Screen::Form(f) => f.form.focused_key(),
        _ => panic!("no form on screen:\n{}", screen(app, 80, 24)),
    }
}

/// The advice form (`d`) for Fatma Öztürk.
fn advice_form() -> App {
    let mut app = app();
    open_person(&mut app, "ozturk");
    press(&mut app, KeyCode::Char('d'));
    assert_eq!(focused(&app), "advice");
    app
}

/// The screen lines holding `word`.
fn rows_with(text: &str, word: &str) -> Vec<usize> {
    text.lines().enumerate().filter(|(_, l)| l.contains(word)).map(|(i, _)| i).collect()
}

#[test]
fn a_long_advice_wraps_onto_several_rows_of_the_form() {
    let mut app = advice_form();
    type_text(&mut app, ADVICE);
    let shown = screen(&app, 80, 24);
    // Every word is on screen, the first and the last on different rows, none cut in two.
    for word in ADVICE.split(' ') {
        assert!(shown.contains(word), "{word:?} is not shown whole:\n{shown}");
    }
    let (first, last) = (rows_with(&shown, "Eerst")[0], rows_with(&shown, "gaat")[0]);
    assert!(last >= first + 2, "the advice takes three rows at least:\n{shown}");
    assert_eq!(form_value(&app, "advice"), ADVICE, "wrapping adds no line breaks to the value");
}

#[test]
fn enter_starts_a_new_line_and_the_saved_advice_has_two() {
    let mut app = advice_form();
    type_text(&mut app, "Eerst taal");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "Dan werk");
    assert_eq!(form_value(&app, "advice"), "Eerst taal\nDan werk");
    app.handle_key(ctrl('s'));
    assert!(matches!(app.screen(), Screen::Participant(_)), "saved:\n{}", screen(&app, 80, 24));
    let t = app.store.trajectory(ozturk(&app)).unwrap().unwrap();
    assert_eq!(t.advice, "Eerst taal\nDan werk");
}

#[test]
fn the_profile_shows_the_advice_whole() {
    let mut app = advice_form();
    type_text(&mut app, ADVICE);
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "Volgend gesprek over geld");
    app.handle_key(ctrl('s'));
    let Screen::Participant(p) = app.screen() else { panic!("not saved:\n{}", screen(&app, 80, 24)) };
    assert_eq!(p.tab, Tab::Profile);
    let shown = screen(&app, 80, 24);
    for word in ADVICE.split(' ') {
        assert!(shown.contains(word), "{word:?} is not on the profile:\n{shown}");
    }
    // The second line of the advice starts a line of its own, after the whole first.
    let second = rows_with(&shown, "Volgend gesprek over geld");
    assert_eq!(second.len(), 1, "{shown}");
    assert!(second[0] > rows_with(&shown, "gaat")[0], "{shown}");
    assert!(!shown.contains("gaatVolgend"), "the line break is not lost:\n{shown}");
}

#[test]
fn arrows_move_within_the_text_and_leave_it_at_its_edges() {
    let mut app = app();
    open_person(&mut app, "ozturk");
    press(&mut app, KeyCode::Char('c'));
    focus(&mut app, "summary");
    type_text(&mut app, "Over de schulden");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "Brief van de gemeente");
    // ↑ goes to the first line, then out of the field; ↓ comes back in and goes down.
    press(&mut app, KeyCode::Up);
    assert_eq!(focused(&app), "summary");
    press(&mut app, KeyCode::Up);
    assert_eq!(focused(&app), "area_2", "↑ on the first line goes to the field above");
    press(&mut app, KeyCode::Down);
    assert_eq!(focused(&app), "summary");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(focused(&app), "next_date", "↓ on the last line goes to the field below");
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::Tab);
    assert_eq!(focused(&app), "next_date", "Tab leaves a long text in one press");
    assert_eq!(form_value(&app, "summary"), "Over de schulden\nBrief van de gemeente");
}

/// The help overlay (F1) names the keys of a long text first: Enter starts a new line there.
#[test]
fn help_says_enter_starts_a_new_line_in_a_long_text() {
    let mut app = app();
    open_person(&mut app, "ozturk");
    press(&mut app, KeyCode::Char('c'));
    press(&mut app, KeyCode::F(1));
    let on_date = screen(&app, 80, 40);
    assert!(!on_date.contains("nieuwe regel"), "{on_date}");
    press(&mut app, KeyCode::Esc);
    focus(&mut app, "summary");
    press(&mut app, KeyCode::F(1));
    let on_summary = screen(&app, 80, 40);
    assert!(on_summary.contains("nieuwe regel"), "{on_summary}");
}

#[test]
fn a_multi_line_summary_survives_a_draft() {
    let mut app = app();
    open_person(&mut app, "ozturk");
    press(&mut app, KeyCode::Char('c'));
    focus(&mut app, "summary");
    type_text(&mut app, "Over de schulden");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "Brief van de gemeente");
    // The app gone without a save, as after kill -9, and started again.
    app.store.flush().unwrap();
    let store = app.into_store();
    let mut app = app_on(store, Lang::Nl);
    assert!(matches!(app.popup(), Some(Popup::DraftOffer { .. })), "{}", screen(&app, 80, 24));
    press(&mut app, KeyCode::Enter);
    assert_eq!(focused(&app), "summary");
    assert_eq!(form_value(&app, "summary"), "Over de schulden\nBrief van de gemeente");
    // Typing goes on at the end of the last line.
    type_text(&mut app, " (maandag)");
    focus(&mut app, "next_date");
    app.handle_key(ctrl('s'));
    let contacts = app.store.contacts_of(ozturk(&app)).unwrap();
    assert_eq!(contacts.len(), 1, "{}", screen(&app, 80, 24));
    assert_eq!(contacts[0].summary, "Over de schulden\nBrief van de gemeente (maandag)");
    // The contacts tab shows both lines.
    let shown = screen(&app, 80, 24);
    let (a, b) = (rows_with(&shown, "Over de schulden"), rows_with(&shown, "Brief van de gemeente (maandag)"));
    assert!(a.len() == 1 && b == vec![a[0] + 1], "{shown}");
}

#[test]
fn a_long_text_draws_at_tiny_sizes() {
    let mut advice = advice_form();
    type_text(&mut advice, ADVICE);
    press(&mut advice, KeyCode::Enter);
    type_text(&mut advice, "nog een regel");
    for (w, h) in [(20, 5), (10, 3), (4, 2), (1, 1), (80, 6)] {
        screen(&advice, w, h);
    }
    let mut contact = app();
    open_person(&mut contact, "ozturk");
    press(&mut contact, KeyCode::Char('c'));
    focus(&mut contact, "summary");
    type_text(&mut contact, ADVICE);
    for (w, h) in [(20, 5), (30, 7), (80, 24)] {
        screen(&contact, w, h);
    }
}
