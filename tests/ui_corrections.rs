//! Putting the day's records right on the contacts tab: an appointment moved (with warnings for
//! a weekend or an overlap), cancelled with a reason, marked not kept; a contact corrected and
//! withdrawn. Every correction stays visible in the record's history and the access log.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use common::*;
use meedoen::domain::ParticipantId;
use meedoen::domain::appointment::AppointmentState;
use meedoen::domain::privacy::AccessAction;
use meedoen::i18n::Lang;
use meedoen::store::Store;
use meedoen::ui::app::{App, Popup, Screen};
use meedoen::ui::tab::Tab;
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

/// Fatma with an appointment tomorrow and one yesterday (no contact logged), a contact last
/// week; Jan with an appointment on Thursday at 14:00.
fn setup() -> (App, ParticipantId) {
    let store = Store::temporary().unwrap();
    filled_store(&store);
    let people = store.participants().unwrap();
    let id = |family: &str| people.iter().find(|p| p.family_name == family).unwrap().id;
    let fatma = id("Öztürk");
    store.save_appointment(&appointment(fatma, 1, 10, "Wijkcentrum")).unwrap();
    store.save_appointment(&appointment(fatma, -1, 11, "Bibliotheek")).unwrap();
    store.save_appointment(&appointment(id("Berg"), 2, 14, "Stadhuis")).unwrap();
    store.save_contact(&phone_call(fatma)).unwrap();
    let mut app = app_on(store, Lang::Nl);
    open_person(&mut app, "ozturk");
    while !matches!(app.screen(), Screen::Participant(p) if p.tab == Tab::Contacts) {
        press(&mut app, KeyCode::Tab);
    }
    (app, fatma)
}

fn flash(app: &App) -> String {
    app.flash.as_ref().map(|(m, _)| m.clone()).unwrap_or_default()
}

fn recorded(app: &App, p: ParticipantId, what: &str) -> bool {
    app.store.access_log_of(p).unwrap().iter().any(|e| matches!(&e.action, AccessAction::Recorded(w) if w == what))
}

fn popup(app: &App) -> Option<String> {
    match app.layers().last() {
        Some(meedoen::ui::layers::Layer::Popup(Popup::Confirm { message, .. })) => Some(message.clone()),
        _ => None,
    }
}

#[test]
fn an_appointment_is_moved_with_warnings_then_cancelled_with_a_reason() {
    let (mut app, fatma) = setup();
    let text = screen(&app, 80, 24);
    assert!(text.contains("› 25-11-2026 10:00  Wijkcentrum"), "the first item is chosen:\n{text}");
    // Enter: move it. To Saturday first: a warning, and "no" keeps the form open.
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app, 80, 24).contains("Afspraak van 25-11-2026 10:00 verplaatsen"));
    app.handle_key(ctrl('u'));
    type_text(&mut app, "28-11-2026");
    app.handle_key(ctrl('s'));
    let asked = popup(&app).unwrap_or_else(|| panic!("a warning: {}", flash(&app)));
    assert!(asked.contains("valt op een zaterdag"), "{asked}");
    press(&mut app, KeyCode::Char('n'));
    assert!(matches!(app.screen(), Screen::Form(_)), "the form stays open");
    // Thursday 14:30: Sanne sees Jan at 14:00 then.
    focus(&mut app, "next_date");
    app.handle_key(ctrl('u'));
    type_text(&mut app, "26-11-2026");
    focus(&mut app, "next_time");
    app.handle_key(ctrl('u'));
    type_text(&mut app, "14:30");
    app.handle_key(ctrl('s'));
    let asked = popup(&app).unwrap();
    assert!(asked.contains("u heeft om 14:00 al een afspraak met Berg, Jan van der"), "{asked}");
    press(&mut app, KeyCode::Char('j'));
    assert!(matches!(app.screen(), Screen::Participant(_)), "{}", flash(&app));
    let text = screen(&app, 100, 30);
    assert!(text.contains("26-11-2026 14:30  Wijkcentrum"), "{text}");
    assert!(text.contains("verplaatst 24-11-2026 door Sanne · wanneer: 25-11-2026 10:00 → 26-11-2026 14:30"), "{text}");
    assert!(recorded(&app, fatma, "appointment_moved"));
    // x: cancel it; a reason is required.
    press(&mut app, KeyCode::Char('x'));
    app.handle_key(ctrl('s'));
    assert!(matches!(app.screen(), Screen::Form(_)), "no reason, not cancelled");
    type_text(&mut app, "ziek");
    app.handle_key(ctrl('s'));
    let text = screen(&app, 100, 30);
    assert!(text.contains("26-11-2026 14:30  Wijkcentrum · afgezegd"), "{text}");
    assert!(text.contains("afgezegd 24-11-2026 door Sanne: ziek"), "{text}");
    assert!(recorded(&app, fatma, "appointment_cancelled"));
    let stored = app.store.appointments_of(fatma).unwrap();
    assert!(stored.iter().any(|a| a.state == AppointmentState::Cancelled && a.history.len() == 2));
    // A cancelled appointment cannot be moved again.
    press(&mut app, KeyCode::Enter);
    assert!(flash(&app).contains("al afgezegd of gemist"), "{}", flash(&app));
    // The privacy tab's log says it in Dutch.
    while !matches!(app.screen(), Screen::Participant(p) if p.tab == Tab::Privacy) {
        press(&mut app, KeyCode::Tab);
    }
    let text = screen(&app, 100, 40);
    assert!(text.contains("verplaatste afspraak") && text.contains("afgezegde afspraak"), "{text}");
}

#[test]
fn a_missed_appointment_is_marked_not_kept_after_a_question() {
    let (mut app, fatma) = setup();
    let text = screen(&app, 80, 24);
    assert!(text.contains("23-11-2026 11:00  Bibliotheek · ⚠ afspraak zonder vastgelegd contact"), "{text}");
    // Tomorrow's cannot be "not kept" yet.
    press(&mut app, KeyCode::Char('n'));
    assert!(flash(&app).contains("pas vanaf de dag van de afspraak"), "{}", flash(&app));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('n'));
    let asked = popup(&app).unwrap();
    assert!(asked.contains("Is Öztürk, Fatma niet gekomen op de afspraak van 23-11-2026 11:00?"), "{asked}");
    press(&mut app, KeyCode::Char('j'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("23-11-2026 11:00  Bibliotheek · ✗ niet gekomen"), "{text}");
    assert!(!text.contains("zonder vastgelegd contact"), "accounted for now: {text}");
    assert!(recorded(&app, fatma, "appointment_no_show"));
}

#[test]
fn a_contact_is_corrected_then_withdrawn_and_stops_counting() {
    let (mut app, fatma) = setup();
    assert_eq!(app.store.contact_summary(fatma).unwrap().last_made, Some(today() - chrono::Duration::days(6)));
    press(&mut app, KeyCode::End);
    assert!(screen(&app, 80, 24).contains("› 18-11-2026 09:00  telefoon · 45 min"));
    // Enter: correct the length and say why.
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app, 80, 24).contains("Contact van 18-11-2026 09:00 corrigeren"));
    focus(&mut app, "minutes");
    app.handle_key(ctrl('u'));
    type_text(&mut app, "30");
    focus(&mut app, "reason");
    type_text(&mut app, "tikfout");
    app.handle_key(ctrl('s'));
    let text = screen(&app, 100, 30);
    assert!(text.contains("18-11-2026 09:00  telefoon · 30 min"), "{text}");
    assert!(text.contains("gecorrigeerd 24-11-2026 door Sanne: tikfout · minuten: 45 → 30"), "{text}");
    assert!(recorded(&app, fatma, "contact_corrected"));
    // x: withdraw it (the wrong person).
    press(&mut app, KeyCode::Char('x'));
    type_text(&mut app, "verkeerde deelnemer");
    app.handle_key(ctrl('s'));
    let text = screen(&app, 100, 30);
    assert!(text.contains("18-11-2026 09:00  telefoon · 30 min · ingetrokken"), "{text}");
    assert!(text.contains("ingetrokken 24-11-2026 door Sanne: verkeerde deelnemer"), "{text}");
    // It no longer counts: no contact made, as the start screen and the list see it.
    assert_eq!(app.store.contact_summary(fatma).unwrap().last_made, None);
    press(&mut app, KeyCode::Enter);
    assert!(flash(&app).contains("ingetrokken"), "{}", flash(&app));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    let start = screen(&app, 100, 40);
    assert!(start.lines().any(|l| l.contains("Öztürk") && l.contains("nog nooit contact")), "{start}");
}

#[test]
fn a_referral_is_brought_up_to_date_with_each_status_and_its_day() {
    let (mut app, fatma) = setup();
    press(&mut app, KeyCode::Char('r'));
    focus(&mut app, "partner");
    type_text(&mut app, "Schuldhulp Oosterveld");
    focus(&mut app, "status");
    press(&mut app, KeyCode::Right); // voorgesteld -> verwezen
    focus(&mut app, "consent");
    press(&mut app, KeyCode::Char('j'));
    app.handle_key(ctrl('s'));
    assert!(matches!(app.screen(), Screen::Participant(p) if p.tab == Tab::Signals));
    // The referral is chosen with ↓ past the signals (none here) and Enter opens its update.
    let text = screen(&app, 100, 30);
    assert!(text.contains("› 24-11-2026  Schuldhulp Oosterveld (schuldhulpverlening) · verwezen"), "{text}");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app, 80, 24).contains("Verwijzing naar Schuldhulp Oosterveld bijwerken"));
    focus(&mut app, "status");
    press(&mut app, KeyCode::Right); // verwezen -> geaccepteerd
    app.handle_key(ctrl('s'));
    // Then started, with an earlier day than the last status: refused, then right.
    press(&mut app, KeyCode::Enter);
    focus(&mut app, "status");
    press(&mut app, KeyCode::Right); // geaccepteerd -> gestart
    focus(&mut app, "date");
    app.handle_key(ctrl('u'));
    type_text(&mut app, "20-11-2026");
    app.handle_key(ctrl('s'));
    assert!(flash(&app).contains("voor de vorige status (24-11-2026)"), "{}", flash(&app));
    app.handle_key(ctrl('u'));
    type_text(&mut app, "24-11-2026");
    focus(&mut app, "result");
    type_text(&mut app, "eerste gesprek gehad");
    app.handle_key(ctrl('s'));
    let text = screen(&app, 100, 30);
    assert!(text.contains("Schuldhulp Oosterveld (schuldhulpverlening) · gestart"), "{text}");
    assert!(text.contains("24-11-2026 verwezen → 24-11-2026 geaccepteerd → 24-11-2026 gestart"), "{text}");
    assert!(text.contains("eerste gesprek gehad"), "{text}");
    let r = &app.store.referrals_of(fatma).unwrap()[0];
    assert_eq!(r.steps.len(), 2);
    assert!(recorded(&app, fatma, "referral_updated"));
}

#[test]
fn closing_offers_to_stop_module_places_and_cancel_coming_appointments_with_the_advice_prefilled() {
    let (mut app, fatma) = setup();
    press(&mut app, KeyCode::Char('m'));
    type_text(&mut app, "stress");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen(), Screen::Participant(_)));
    // The advice written ahead of the end is in the close form.
    press(&mut app, KeyCode::Char('d'));
    type_text(&mut app, "Verder bij het buurthuis");
    app.handle_key(ctrl('s'));
    press(&mut app, KeyCode::Char('b'));
    let Screen::Form(f) = app.screen() else { panic!("the close form") };
    assert_eq!(f.form.value("advice"), "Verder bij het buurthuis");
    app.handle_key(ctrl('s'));
    let asked = popup(&app).unwrap_or_else(|| panic!("a question: {}", flash(&app)));
    assert!(asked.contains("module(s) Omgaan met stress"), "{asked}");
    assert!(asked.contains("afspraak/afspraken op 25-11-2026 10:00"), "{asked}");
    assert!(!asked.contains("23-11-2026"), "a past appointment is not cancelled: {asked}");
    press(&mut app, KeyCode::Char('j'));
    assert!(flash(&app).contains("Gestopt: 1 moduleplaats(en); afgezegd: 1"), "{}", flash(&app));
    let stored = app.store.appointments_of(fatma).unwrap();
    let tomorrow = stored.iter().find(|a| a.at.date() > today()).unwrap();
    assert_eq!(tomorrow.state, AppointmentState::Cancelled);
    assert_eq!(tomorrow.cancel_reason(), Some("traject afgesloten"));
    assert!(stored.iter().any(|a| a.at.date() < today() && a.state == AppointmentState::Planned));
    assert!(app.modules.enrolments_of(fatma).iter().all(|e| e.stopped_on == Some(today())));
}

#[test]
fn closing_with_nothing_running_asks_nothing() {
    let (mut app, _) = setup();
    open_person(&mut app, "aalders");
    press(&mut app, KeyCode::Char('b'));
    focus(&mut app, "advice");
    type_text(&mut app, "Gaat zelf verder");
    app.handle_key(ctrl('s'));
    assert!(popup(&app).is_none());
    assert!(matches!(app.screen(), Screen::Participant(_)));
}
