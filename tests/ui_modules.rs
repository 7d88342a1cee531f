//! Modules as a coach uses them: the catalogue, enrolling, a full module's waitlist, the week
//! view, marking attendance, cancelling a session, closure days and a new module.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use common::*;
use meedoen::domain::module::{Enrolment, EnrolmentId, EnrolmentStatus};
use meedoen::i18n::Lang;
use meedoen::store::Store;
use meedoen::ui::app::{App, Screen};
use meedoen::ui::screens::week::WeekItem;
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

/// An app on a fresh store: it starts with the default catalogue (first sessions this week).
fn fresh() -> App {
    let store = Store::temporary().unwrap();
    filled_store(&store);
    app_on(store, Lang::Nl)
}

fn module_id(app: &App, name: &str) -> meedoen::domain::module::ModuleId {
    app.modules.modules.iter().find(|m| m.name == name).unwrap().id
}

fn flash(app: &App) -> String {
    app.flash.as_ref().map(|(m, _)| m.clone()).unwrap_or_default()
}

#[test]
fn a_new_caseload_has_the_default_catalogue() {
    let mut app = fresh();
    press(&mut app, KeyCode::Char('m'));
    let text = screen(&app, 80, 24);
    for name in ["Agenda beheren", "Budgetteren", "Fietsles", "Omgaan met stress", "Solliciteren", "Taalwandeling"] {
        assert!(text.contains(name), "{name} in\n{text}");
    }
    assert!(text.contains("Modules (8)"));
}

#[test]
fn enrolling_by_typing_part_of_the_name() {
    let mut app = fresh();
    open_person(&mut app, "ozturk");
    press(&mut app, KeyCode::Char('m'));
    assert!(matches!(app.screen(), Screen::Enrol(_)));
    type_text(&mut app, "budget");
    press(&mut app, KeyCode::Enter);
    assert!(flash(&app).contains("Ingeschreven voor Budgetteren"), "{}", flash(&app));
    let text = screen(&app, 80, 24);
    // A free place: enrolled with a place, not waiting for one.
    assert!(
        text.contains("Budgetteren · heeft een plek · 0 van 6 onderwerpen") || text.contains("Budgetteren · loopt"),
        "{text}"
    );
    assert!(!text.contains("wacht op een plek"), "{text}");
    // Enrolling twice in the same module is refused.
    press(&mut app, KeyCode::Char('m'));
    type_text(&mut app, "budget");
    press(&mut app, KeyCode::Enter);
    assert!(flash(&app).contains("Al ingeschreven"));
}

/// Seven people (made on the fly) enrolled in Fietsles (6 places): six take the places, one waits.
fn fill_cycling(app: &mut App) -> meedoen::domain::module::ModuleId {
    let cycling = module_id(app, "Fietsles");
    for i in 0..7u128 {
        let e = Enrolment {
            id: EnrolmentId(uuid::Uuid::from_u128(0xE000 + i)),
            participant: meedoen::domain::ParticipantId(uuid::Uuid::from_u128(0xF000 + i)),
            module: cycling,
            enrolled_on: today(),
            stopped_on: None,
            created_at: now() - chrono::Duration::minutes(60 - i as i64),
        };
        app.store.save_enrolment(&e).unwrap();
    }
    cycling
}

#[test]
fn a_full_module_puts_people_on_the_waitlist_in_order() {
    let mut app = fresh();
    let people = app.caseload.people().to_vec();
    let cycling = fill_cycling(&mut app);
    // Enrol Fatma through the UI.
    open_person(&mut app, "ozturk");
    press(&mut app, KeyCode::Char('m'));
    type_text(&mut app, "fiets");
    press(&mut app, KeyCode::Enter);
    assert!(flash(&app).contains("nummer 2 op de wachtlijst"), "{}", flash(&app));
    let m = app.modules.module(cycling).unwrap().clone();
    let sched = app.modules.schedule(&m, today());
    assert!(sched.rosters.values().all(|r| r.len() <= 6));
    let fatma = people.iter().find(|p| p.family_name == "Öztürk").unwrap().id;
    let mine = app.modules.enrolments_of(fatma)[0].id;
    assert_eq!(sched.progress[&mine].status, EnrolmentStatus::Waiting);
    // The module page shows the waitlist.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('m'));
    while !screen(&app, 80, 24).lines().any(|l| l.contains("Fietsles") && l.contains("2")) {
        press(&mut app, KeyCode::Down);
    }
    let text = screen(&app, 80, 24);
    assert!(text.contains("6/6"), "{text}");
}

#[test]
fn stopping_someone_on_the_waitlist_says_they_left_the_waitlist() {
    let mut app = fresh();
    fill_cycling(&mut app);
    open_person(&mut app, "ozturk");
    press(&mut app, KeyCode::Char('m'));
    type_text(&mut app, "fiets");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app, 80, 24).contains("Fietsles · wacht op een plek"));
    // Stopping asks first; "n" keeps the enrolment.
    press(&mut app, KeyCode::Char('s'));
    assert!(screen(&app, 80, 24).contains("Stoppen met Fietsles?"), "{}", screen(&app, 80, 24));
    press(&mut app, KeyCode::Char('n'));
    assert!(app.popup().is_none());
    assert!(screen(&app, 80, 24).contains("Fietsles · wacht op een plek"));
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(flash(&app), "Van de wachtlijst gehaald.");
    assert!(screen(&app, 80, 24).contains("Fietsles · gestopt"), "{}", screen(&app, 80, 24));
}

/// The module page of `id`, from the start screen through the catalogue.
fn open_module(app: &mut App, id: meedoen::domain::module::ModuleId) {
    press(app, KeyCode::Char('m'));
    while matches!(app.screen(), Screen::Catalogue(c) if c.selected_id(&app.modules) != Some(id)) {
        assert!(press(app, KeyCode::Down), "{id:?} not in the catalogue");
    }
    press(app, KeyCode::Enter);
}

#[test]
fn the_waitlist_is_managed_from_the_module_page() {
    let mut app = fresh();
    let cycling = fill_cycling(&mut app);
    // Opened again, as the next start would: the enrolments are read in.
    let mut app = app_on(app.into_store(), Lang::Nl);
    open_module(&mut app, cycling);
    assert!(screen(&app, 80, 24).contains("Wachtlijst (1)"), "{}", screen(&app, 80, 24));
    // The footer tells what Enter does where the cursor is: the roster on a session...
    let footer = |app: &App| screen(app, 120, 40).lines().last().unwrap_or_default().to_string();
    assert!(footer(&app).contains("Enter presentielijst") && footer(&app).contains("vervalt"), "{}", footer(&app));
    // `m` enrols someone found by name: the module is full, so at the end of the waitlist.
    press(&mut app, KeyCode::Char('m'));
    assert!(screen(&app, 80, 24).contains("Inschrijven voor Fietsles: wie?"), "{}", screen(&app, 80, 24));
    type_text(&mut app, "ozturk");
    press(&mut app, KeyCode::Enter);
    assert!(flash(&app).contains("nummer 2 op de wachtlijst"), "{}", flash(&app));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Wachtlijst (2)") && text.contains("2. Öztürk, Fatma"), "{text}");
    // Tab moves the cursor onto the waitlist; Enter opens the person at their modules.
    press(&mut app, KeyCode::Tab);
    let on_waitlist = footer(&app);
    assert!(
        on_waitlist.contains("Enter de persoon openen") && on_waitlist.contains("s van de wachtlijst halen"),
        "{on_waitlist}"
    );
    assert!(!on_waitlist.contains("presentielijst") && !on_waitlist.contains("vervalt"), "{on_waitlist}");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let text = screen(&app, 80, 24);
    assert!(text.contains("Öztürk") && text.contains("Fietsles · wacht op een plek"), "{text}");
    press(&mut app, KeyCode::Esc);
    // `s` takes the selected person off the waitlist, after asking.
    press(&mut app, KeyCode::Char('s'));
    assert!(screen(&app, 80, 24).contains("Öztürk, Fatma van de wachtlijst halen?"), "{}", screen(&app, 80, 24));
    press(&mut app, KeyCode::Char('n'));
    assert!(screen(&app, 80, 24).contains("Wachtlijst (2)"));
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(flash(&app), "Van de wachtlijst gehaald.");
    let text = screen(&app, 80, 24);
    assert!(text.contains("Wachtlijst (1)") && !text.contains("Öztürk"), "{text}");
    // Back on the sessions, `s` says to choose someone on the waitlist first.
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('s'));
    assert!(flash(&app).contains("Kies eerst iemand op de wachtlijst"), "{}", flash(&app));
    assert!(app.popup().is_none());
}

#[test]
fn marking_attendance_moves_the_cursor_and_counts_topics() {
    let mut app = fresh();
    open_person(&mut app, "ozturk");
    press(&mut app, KeyCode::Char('m'));
    type_text(&mut app, "stress");
    press(&mut app, KeyCode::Enter);
    // The first session of the stress module is this Thursday: look at it in the week view.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('w'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Week 48 van 2026"), "{text}");
    assert!(text.contains("Omgaan met stress") && text.contains("1/10"), "{text}");
    while !matches!(app.screen(), Screen::Week(w) if matches!(w.selected_item(&app.modules, today()), Some(WeekItem::Session(r)) if app.modules.module(r.module).unwrap().name == "Omgaan met stress"))
    {
        assert!(press(&mut app, KeyCode::Down));
    }
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen(), Screen::Roster(r) if r.rows.len() == 1));
    press(&mut app, KeyCode::Char('p'));
    // The chosen row is marked "›", not only coloured.
    assert!(screen(&app, 80, 24).contains("› Öztürk, Fatma                        aanwezig"));
    // Today is Tuesday and the session Thursday: "present" cannot be saved yet, nothing is lost.
    app.handle_key(ctrl('s'));
    assert!(matches!(app.screen(), Screen::Roster(_)), "the roster stays open");
    assert!(flash(&app).contains("pas vanaf de dag van de bijeenkomst"), "{}", flash(&app));
    assert!(app.modules.attendance.is_empty());
    // On Thursday the coach records it.
    app.today = today() + chrono::Duration::days(2);
    app.handle_key(ctrl('s'));
    assert!(matches!(app.screen(), Screen::Week(_)));
    assert_eq!(app.modules.attendance.len(), 1);
    // The mark is in Fatma's access log (enrolling, then attendance).
    let fatma = app.caseload.people().iter().find(|p| p.family_name == "Öztürk").unwrap().id;
    let log = app.store.access_log_of(fatma).unwrap();
    let recorded = |what: &str| {
        log.iter().any(|e| matches!(&e.action, meedoen::domain::privacy::AccessAction::Recorded(w) if w == what))
    };
    assert!(recorded("enrolment") && recorded("attendance"), "{log:?}");
    // Next week, then back to today.
    press(&mut app, KeyCode::Right);
    assert!(screen(&app, 80, 24).contains("Week 49 van 2026"));
    press(&mut app, KeyCode::Char('t'));
    assert!(screen(&app, 80, 24).contains("Week 48 van 2026"));
}

#[test]
fn a_cancelled_session_passes_its_topic_on() {
    let mut app = fresh();
    press(&mut app, KeyCode::Char('m'));
    // Agenda beheren: Wednesdays, first 25-11-2026.
    press(&mut app, KeyCode::Enter);
    let text = screen(&app, 80, 24);
    assert!(text.contains("wo 25-11-2026  onderwerp 1/4"), "{text}");
    press(&mut app, KeyCode::Char('c'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("wo 25-11-2026  — vervalt"), "{text}");
    assert!(text.contains("wo 02-12-2026  onderwerp 1/4"), "the topic moves on: {text}");
    assert!(flash(&app).contains("vervalt"));
    press(&mut app, KeyCode::Char('c'));
    assert!(screen(&app, 80, 24).contains("wo 25-11-2026  onderwerp 1/4"));
}

#[test]
fn closure_days_skip_sessions() {
    let mut app = fresh();
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Char('k'));
    type_text(&mut app, "25-11-2026");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "26-11-2026");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Teamdag");
    app.handle_key(ctrl('s'));
    assert_eq!(app.modules.closures.len(), 2);
    let text = screen(&app, 80, 24);
    assert!(text.contains("Komende sluitingsdagen") && text.contains("25-11-2026  Teamdag"), "{text}");
    press(&mut app, KeyCode::Enter); // Agenda beheren
    assert!(screen(&app, 80, 24).contains("wo 25-11-2026  — gesloten (Teamdag)"));
}

#[test]
fn a_new_module_is_checked_and_saved() {
    let mut app = fresh();
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Computerles");
    while matches!(app.screen(), Screen::Form(f) if f.form.focused_key() != "time") {
        press(&mut app, KeyCode::Tab);
    }
    app.handle_key(ctrl('u'));
    type_text(&mut app, "25:00");
    app.handle_key(ctrl('s'));
    assert!(screen(&app, 80, 24).contains("Tijd als 10:00"));
    app.handle_key(ctrl('u'));
    type_text(&mut app, "13:00");
    app.handle_key(ctrl('s'));
    assert!(app.modules.modules.iter().any(|m| m.name == "Computerles" && m.start_minute == 780 && m.cycle() == 6));
    assert!(screen(&app, 80, 24).contains("Modules (9)"));
}

#[test]
fn a_module_ending_before_its_first_session_is_flagged_when_the_field_is_left() {
    let mut app = fresh();
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Char('n'));
    focus(&mut app, "first");
    app.handle_key(ctrl('u'));
    type_text(&mut app, "01-12-2026");
    focus(&mut app, "end");
    app.handle_key(ctrl('u'));
    type_text(&mut app, "01-11-2026");
    press(&mut app, KeyCode::Tab);
    assert!(screen(&app, 80, 24).contains("Einddatum ligt vóór de startdatum"), "{}", screen(&app, 80, 24));
}

#[test]
fn two_sessions_at_the_same_time_give_a_warning() {
    let mut app = fresh();
    open_person(&mut app, "ozturk");
    // Budgetteren (Tue 10:00-11:30) and Solliciteren (Tue 13:30) do not clash; make one that does.
    press(&mut app, KeyCode::Char('m'));
    type_text(&mut app, "budget");
    press(&mut app, KeyCode::Enter);
    let mut other = app.modules.modules.iter().find(|m| m.name == "Solliciteren").unwrap().clone();
    other.start_minute = 600 + 30;
    other.first = app.modules.modules.iter().find(|m| m.name == "Budgetteren").unwrap().first;
    app.store.save_module(&other).unwrap();
    press(&mut app, KeyCode::Char('m'));
    type_text(&mut app, "sollic");
    press(&mut app, KeyCode::Enter);
    assert!(flash(&app).contains("tegelijk met Budgetteren"), "{}", flash(&app));
}

#[test]
fn module_screens_at_80x24() {
    let mut app = fresh();
    press(&mut app, KeyCode::Char('m'));
    insta::assert_snapshot!("catalogue", screen(&app, 80, 24));
    press(&mut app, KeyCode::Char('w'));
    insta::assert_snapshot!("week", screen(&app, 80, 24));
    for (w, h) in [(1, 1), (12, 5), (40, 12), (79, 23)] {
        let _ = screen(&app, w, h);
    }
}

/// A wrong "aanwezig" on a session still to come is taken away with Backspace, and then the
/// "afgemeld" marks save. A session with only "afgemeld" marks does not look held (no ✓ in the
/// week view): it says how many called off.
#[test]
fn a_mark_given_by_mistake_is_cleared_and_only_excused_marks_do_not_look_held() {
    let mut app = fresh();
    open_person(&mut app, "ozturk");
    press(&mut app, KeyCode::Char('m'));
    type_text(&mut app, "stress");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('w'));
    while !matches!(app.screen(), Screen::Week(w) if matches!(w.selected_item(&app.modules, today()), Some(WeekItem::Session(r)) if app.modules.module(r.module).unwrap().name == "Omgaan met stress"))
    {
        assert!(press(&mut app, KeyCode::Down));
    }
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('p'));
    app.handle_key(ctrl('s'));
    assert!(flash(&app).contains("pas vanaf de dag van de bijeenkomst"), "{}", flash(&app));
    // Back onto Fatma, clear the wrong mark, and mark her as called off.
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Backspace);
    assert!(screen(&app, 80, 24).contains("› Öztürk, Fatma                        ·"), "{}", screen(&app, 80, 24));
    press(&mut app, KeyCode::Char('x'));
    app.handle_key(ctrl('s'));
    assert!(matches!(app.screen(), Screen::Week(_)), "saved: {}", flash(&app));
    let line = screen(&app, 80, 24).lines().find(|l| l.contains("Omgaan met stress")).unwrap().to_string();
    assert!(!line.contains('✓') && line.contains("1 afgemeld"), "{line}");
}
