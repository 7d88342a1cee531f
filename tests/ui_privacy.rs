//! The participant's rights as a coach meets them: consent, the access log, erasure and the
//! retention list, driven by keys on a TestBackend.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use common::*;
use meedoen::domain::privacy::{AccessAction, ConsentScope};
use meedoen::domain::trajectory::{Closing, ExitOutcome, Trajectory};
use meedoen::i18n::Lang;
use meedoen::store::Store;
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

fn to_privacy_tab(app: &mut meedoen::ui::app::App) {
    // The privacy tab is the last one: one step left from the profile.
    press(app, KeyCode::Left);
}

#[test]
fn opening_and_changing_are_logged_and_shown_with_old_and_new_values() {
    let mut app = app();
    open_person(&mut app, "fatma");
    press(&mut app, KeyCode::Char('e'));
    // The phone field: Tab past the name fields to it, clear it, type a new number.
    for _ in 0..5 {
        press(&mut app, KeyCode::Tab);
    }
    for _ in 0..12 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "06-87654321");
    app.handle_key(ctrl('s'));
    to_privacy_tab(&mut app);
    let s = screen(&app, 100, 30);
    assert!(s.contains("Logboek"), "{s}");
    assert!(s.contains("gewijzigd: Telefoon (06-12345678 → 06 87654321)"), "{s}");
    assert!(s.contains("geopend"), "{s}");
    let id = app.caseload.people().iter().find(|p| p.family_name == "Öztürk").unwrap().id;
    let log = app.store.access_log_of(id).unwrap();
    assert!(matches!(log[0].action, AccessAction::Opened));
    assert!(log.iter().all(|e| e.coach == "Sanne"));
    assert!(log.iter().any(|e| matches!(&e.action, AccessAction::Changed(f) if f.len() == 1 && f[0].field == "phone")));
}

#[test]
fn consent_is_given_and_withdrawn_with_a_date() {
    let mut app = app();
    open_person(&mut app, "fatma");
    to_privacy_tab(&mut app);
    press(&mut app, KeyCode::Down);
    let id = app.caseload.people().iter().find(|p| p.family_name == "Öztürk").unwrap().id;
    // Space asks the day first; leaving the form changes nothing.
    press(&mut app, KeyCode::Char(' '));
    let s = screen(&app, 100, 30);
    assert!(s.contains("Toestemming geven: Gezondheidsgegevens vastleggen") && s.contains("24-11-2026"), "{s}");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.store.consent(id, ConsentScope::HealthData).unwrap(), None, "Esc: nothing recorded");
    // Given on paper last week: recorded on that day.
    press(&mut app, KeyCode::Char(' '));
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "17-11-2026");
    app.handle_key(ctrl('s'));
    let s = screen(&app, 100, 30);
    assert!(s.contains("Gezondheidsgegevens vastleggen") && s.contains("gegeven op 17-11-2026 (Sanne)"), "{s}");
    // Withdrawing before it was given is refused; a day in the future too.
    press(&mut app, KeyCode::Char(' '));
    assert!(screen(&app, 100, 30).contains("Toestemming intrekken"));
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "16-11-2026");
    app.handle_key(ctrl('s'));
    let s = screen(&app, 100, 30);
    assert!(s.contains("vóór de vorige stap van deze toestemming (17-11-2026)"), "{s}");
    assert!(s.contains("⚠ Ligt vóór de vorige stap van deze toestemming"), "at the field too: {s}");
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "25-11-2026");
    app.handle_key(ctrl('s'));
    assert!(screen(&app, 100, 30).contains("Datum ligt in de toekomst"));
    assert!(app.store.consent(id, ConsentScope::HealthData).unwrap().unwrap().is_active(), "not withdrawn yet");
    for _ in 0..10 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "24-11-2026");
    app.handle_key(ctrl('s'));
    let s = screen(&app, 100, 30);
    assert!(s.contains("ingetrokken op 24-11-2026 (Sanne)"), "{s}");
    assert!(s.contains("toestemming ingetrokken: Gezondheidsgegevens vastleggen"), "{s}");
    let c = app.store.consent(id, ConsentScope::HealthData).unwrap().unwrap();
    assert_eq!((c.given_on, c.withdrawn_on), (chrono::NaiveDate::from_ymd_opt(2026, 11, 17).unwrap(), Some(today())));
}

#[test]
fn erasure_asks_for_the_number_and_then_removes_everything() {
    let mut app = app();
    open_person(&mut app, "fatma");
    to_privacy_tab(&mut app);
    press(&mut app, KeyCode::Char('X'));
    let s = screen(&app, 100, 30);
    assert!(s.contains("Deelnemer wissen") && s.contains("Öztürk, Fatma (1001)"), "{s}");
    type_text(&mut app, "1002");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app, 100, 30).contains("klopt niet"));
    assert_eq!(app.caseload.people().len(), PEOPLE.len(), "nothing erased on a wrong number");
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "1001");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 100, 30);
    assert!(s.contains("Öztürk, Fatma is gewist"), "{s}");
    assert!(app.caseload.people().iter().all(|p| p.family_name != "Öztürk"));
    assert!(app.store.participant_by_number(1001).is_err());
    assert_eq!(app.store.erasures().unwrap().len(), 1);
    // Searching finds nobody any more.
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "ozturk");
    assert!(!screen(&app, 100, 30).contains("Öztürk"));
}

#[test]
fn closed_trajectories_past_the_retention_period_are_listed_for_erasure() {
    let store = Store::temporary().unwrap();
    filled_store(&store);
    let anna = store.participants().unwrap().into_iter().find(|p| p.family_name == "Vries").unwrap();
    let mut t = Trajectory::new(anna.id, now());
    t.closing = Some(Closing {
        end_date: chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap(),
        outcome: ExitOutcome::ContinuedActivation,
        advice: String::new(),
    });
    store.save_status_change(&anna, &t).unwrap();
    let mut app = app_on(store, Lang::Nl);
    press(&mut app, KeyCode::Char('b'));
    let s = screen(&app, 100, 30);
    assert!(s.contains("langer dan 24 maanden"), "{s}");
    assert!(s.contains("Vries, Anna de") && s.contains("afgesloten 30-06-2024"), "{s}");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 100, 30);
    assert!(s.contains("Toestemming"), "opens on the privacy tab: {s}");
    press(&mut app, KeyCode::Char('X'));
    type_text(&mut app, &anna.number.to_string());
    press(&mut app, KeyCode::Enter);
    let s = screen(&app, 100, 30);
    assert!(s.contains("Geen trajecten over de bewaartermijn"), "back on the emptied list: {s}");
}

/// The status history on the profile says a closing's outcome in Dutch, not its stored code.
#[test]
fn the_status_history_names_a_closings_outcome_in_dutch() {
    use meedoen::domain::trajectory::StatusChange;
    let store = Store::temporary().unwrap();
    filled_store(&store);
    let anna = store.participants().unwrap().into_iter().find(|p| p.family_name == "Vries").unwrap();
    let mut t = Trajectory::new(anna.id, now());
    t.history.push(StatusChange {
        date: chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
        from: meedoen::domain::Status::Active,
        to: meedoen::domain::Status::Closed,
        reason: ExitOutcome::Moved.code().to_string(),
        coach: "Sanne".into(),
    });
    t.closing = Some(Closing {
        end_date: chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
        outcome: ExitOutcome::Moved,
        advice: "Nieuwe gemeente informeren".into(),
    });
    store.save_status_change(&anna, &t).unwrap();
    let mut app = app_on(store, Lang::Nl);
    open_person(&mut app, "vries");
    let s = screen(&app, 80, 24);
    assert!(s.contains("· verhuisd"), "{s}");
    assert!(!s.contains("moved"), "{s}");
}

/// Closing a trajectory while the person is open shows in their privacy tab's log at once,
/// without opening the person again.
#[test]
fn the_privacy_log_shows_a_step_right_after_it_is_taken() {
    let mut app = app();
    open_person(&mut app, "fatma");
    to_privacy_tab(&mut app);
    let before = screen(&app, 100, 30);
    assert!(!before.contains("vastgelegd: afsluiting"), "{before}");
    press(&mut app, KeyCode::Char('b'));
    focus(&mut app, "advice");
    type_text(&mut app, "Verder met vrijwilligerswerk");
    app.handle_key(ctrl('s'));
    for _ in 0..8 {
        if screen(&app, 100, 30).contains("Logboek") {
            break;
        }
        press(&mut app, KeyCode::Right);
    }
    let s = screen(&app, 100, 30);
    assert!(s.contains("Logboek") && s.contains("vastgelegd: afsluiting"), "{s}");
}
