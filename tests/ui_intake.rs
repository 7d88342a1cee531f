//! The intake's details as a coach meets them (issue 19 point 15): the phases a new person can
//! start in, the coach chosen from the caseload's coaches, a question for someone younger than
//! 16, consent to registration asked and recorded with the intake, and phone numbers stored and
//! shown in one notation. Driven by keys on a TestBackend.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use common::*;
use meedoen::domain::Status;
use meedoen::domain::privacy::{AccessAction, ConsentScope};
use meedoen::ui::app::{App, Screen};
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

fn value(app: &App, key: &str) -> String {
    match app.screen() {
        Screen::Form(f) => f.form.value(key).to_string(),
        _ => panic!("no form on screen"),
    }
}

/// Every value a choice field takes when → is pressed until it comes round again.
fn cycle(app: &mut App, key: &str) -> Vec<String> {
    focus(app, key);
    let first = value(app, key);
    let mut seen = vec![first.clone()];
    for _ in 0..20 {
        press(app, KeyCode::Right);
        let v = value(app, key);
        if v == first {
            break;
        }
        seen.push(v);
    }
    seen
}

fn flash(app: &App) -> String {
    app.flash.as_ref().map(|(m, _)| m.clone()).unwrap_or_default()
}

fn named(app: &App, family: &str) -> meedoen::domain::Participant {
    app.caseload.people().iter().find(|p| p.family_name == family).cloned().unwrap()
}

/// Presses → on a choice field until it holds `code`.
fn choose(app: &mut App, key: &str, code: &str) {
    focus(app, key);
    for _ in 0..10 {
        if value(app, key) == code {
            return;
        }
        press(app, KeyCode::Right);
    }
    panic!("{key} never became {code}: {}", screen(app, 80, 24));
}

fn start_intake(app: &mut App, given: &str, family: &str, born: &str) {
    press(app, KeyCode::Char('n'));
    type_text(app, given);
    focus(app, "family_name");
    type_text(app, family);
    focus(app, "date_of_birth");
    type_text(app, born);
}

#[test]
fn status_offers_only_the_phases_a_new_person_starts_in_and_coach_the_caseloads_coaches() {
    let mut app = app();
    press(&mut app, KeyCode::Char('n'));
    // The coaches of the caseload (Sanne, Mohamed), whoever uses meedoen first as it opens.
    assert_eq!(value(&app, "coach"), "Sanne");
    let mut coaches = cycle(&mut app, "coach");
    coaches.sort();
    assert_eq!(coaches, ["Mohamed", "Sanne"]);
    // Typing a letter picks a coach by name.
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(value(&app, "coach"), "Mohamed");
    assert!(screen(&app, 80, 24).contains("‹ Mohamed ›"), "{}", screen(&app, 80, 24));
    let mut phases = cycle(&mut app, "status");
    phases.sort();
    assert_eq!(phases, ["active", "intake", "referred"], "no extended or closed at intake");
}

#[test]
fn the_edit_form_offers_the_persons_own_coach_even_when_no_one_else_has_them() {
    let store = meedoen::store::Store::temporary().unwrap();
    filled_store(&store);
    let mut p = store.participants().unwrap().into_iter().find(|p| p.family_name == "Berg").unwrap();
    p.coach = "Ilse".into();
    store.update_participant(&p).unwrap();
    let mut app = app_on(store, meedoen::i18n::Lang::Nl);
    open_person(&mut app, "berg");
    press(&mut app, KeyCode::Char('e'));
    let mut coaches = cycle(&mut app, "coach");
    coaches.sort();
    assert_eq!(coaches, ["Ilse", "Mohamed", "Sanne"]);
    // Saved unchanged: the coach stays hers.
    app.handle_key(ctrl('s'));
    assert_eq!(named(&app, "Berg").coach, "Ilse");
}

#[test]
fn someone_younger_than_16_is_asked_about_before_saving() {
    let mut app = app();
    start_intake(&mut app, "Lotte", "Klein", "01-03-2012");
    app.handle_key(ctrl('s'));
    let s = screen(&app, 80, 24);
    assert!(s.contains("14 jaar, jonger dan 16") && s.contains("terug naar het formulier"), "{s}");
    press(&mut app, KeyCode::Char('n'));
    assert!(matches!(app.screen(), Screen::Form(_)), "no: back to the form");
    assert!(app.caseload.people().iter().all(|p| p.family_name != "Klein"));
    // The date corrected: saved without a question.
    focus(&mut app, "date_of_birth");
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "01-03-1992");
    app.handle_key(ctrl('s'));
    assert!(flash(&app).contains("Opgeslagen: Klein, Lotte"), "{}", flash(&app));
    // A 15-year-old saved anyway when the coach says yes.
    press(&mut app, KeyCode::Esc);
    start_intake(&mut app, "Tim", "Jong", "25-11-2010");
    app.handle_key(ctrl('s'));
    assert!(screen(&app, 80, 24).contains("15 jaar"));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(named(&app, "Jong").age_on(today()), Some(15));
}

#[test]
fn consent_to_registration_is_asked_at_intake_and_recorded_with_the_person() {
    let mut app = app();
    start_intake(&mut app, "Noor", "Bakker", "12-06-1980");
    focus(&mut app, "consent_registration");
    assert!(screen(&app, 80, 24).contains("Toestemming registratie"), "{}", screen(&app, 80, 24));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(value(&app, "consent_registration"), "yes");
    app.handle_key(ctrl('s'));
    let noor = named(&app, "Bakker");
    let c = app.store.consent(noor.id, ConsentScope::Registration).unwrap().unwrap();
    assert_eq!((c.given_on, c.withdrawn_on, c.coach.as_str()), (today(), None, "Sanne"));
    let log = app.store.access_log_of(noor.id).unwrap();
    assert!(log.iter().any(|e| matches!(e.action, AccessAction::ConsentGiven(ConsentScope::Registration))));
    assert!(log.iter().any(|e| matches!(e.action, AccessAction::Created)));
    // Not answered: nothing recorded, and the message says so.
    press(&mut app, KeyCode::Esc);
    start_intake(&mut app, "Sem", "Visser", "02-02-1977");
    app.handle_key(ctrl('s'));
    assert!(flash(&app).contains("Toestemming voor registratie is nog niet vastgelegd"), "{}", flash(&app));
    let sem = named(&app, "Visser");
    assert_eq!(app.store.consent(sem.id, ConsentScope::Registration).unwrap(), None);
    assert_eq!(sem.status, Status::Intake);
}

#[test]
fn a_phone_number_is_stored_and_shown_in_one_notation() {
    let mut app = app();
    start_intake(&mut app, "Daan", "Smit", "03-04-1969");
    focus(&mut app, "phone");
    type_text(&mut app, "06-1234.5678");
    // Leaving the field shows it as it will be kept.
    press(&mut app, KeyCode::Tab);
    assert_eq!(value(&app, "phone"), "06 12345678");
    app.handle_key(ctrl('s'));
    assert_eq!(named(&app, "Smit").phone, "06 12345678");
    assert!(screen(&app, 100, 30).contains("06 12345678"), "{}", screen(&app, 100, 30));
    // A number kept before the notation existed is shown in it too: on the profile, in search.
    press(&mut app, KeyCode::Esc);
    open_person(&mut app, "ozturk");
    assert_eq!(named(&app, "Öztürk").phone, "06-12345678", "as stored years ago");
    assert!(screen(&app, 100, 30).contains("06 12345678"), "{}", screen(&app, 100, 30));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "0612345678");
    let s = screen(&app, 100, 30);
    assert!(s.contains("06 12345678") && !s.contains("0612345678 "), "{s}");
}

/// Someone only referred has not started: the start date the intake offers is left out when the
/// coach chooses Aangemeld, and a start date the coach typed is refused at its field.
#[test]
fn a_referred_person_is_saved_without_a_start_date() {
    let mut app = app();
    start_intake(&mut app, "Ria", "Aanmelder", "01-03-1980");
    choose(&mut app, "status", "referred");
    app.handle_key(ctrl('s'));
    assert!(flash(&app).contains("Opgeslagen: Aanmelder, Ria"), "{}", flash(&app));
    let p = named(&app, "Aanmelder");
    assert_eq!((p.status, p.start_date, p.planned_end_date), (Status::Referred, None, None));
    // A start date typed for someone referred: said at the field, nothing saved.
    press(&mut app, KeyCode::Esc);
    start_intake(&mut app, "Kim", "Vroeg", "01-03-1981");
    choose(&mut app, "status", "referred");
    focus(&mut app, "start_date");
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "01-12-2026");
    app.handle_key(ctrl('s'));
    let s = screen(&app, 80, 24);
    assert!(s.contains("Bij Aangemeld nog geen startdatum"), "{s}");
    assert!(app.caseload.people().iter().all(|p| p.family_name != "Vroeg"));
    // Intake keeps the start date offered.
    choose(&mut app, "status", "intake");
    app.handle_key(ctrl('s'));
    assert_eq!(named(&app, "Vroeg").start_date, Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()));
}
