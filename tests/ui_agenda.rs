//! The coach's agenda: the week view shows the coach's own appointments of the week beside the
//! module sessions, and which of the coach's people sit in each session.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use common::*;
use meedoen::i18n::Lang;
use meedoen::store::Store;
use meedoen::ui::app::{App, Screen};
use meedoen::ui::screens::week::WeekItem;
use meedoen::ui::tab::Tab;
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

/// The fixed caseload with appointments this week (one of them a colleague's person), last week
/// and next week.
fn with_appointments() -> App {
    let store = Store::temporary().unwrap();
    filled_store(&store);
    let people = store.participants().unwrap();
    let id = |family: &str| people.iter().find(|p| p.family_name == family).unwrap().id;
    store.save_appointment(&appointment(id("Öztürk"), 1, 10, "Wijkcentrum De Bron")).unwrap();
    store.save_appointment(&appointment(id("Şahin"), 2, 14, "Stadhuis")).unwrap();
    store.save_appointment(&appointment(id("Berg"), 5, 9, "Bibliotheek")).unwrap();
    store.save_appointment(&appointment(id("Berg"), 6, 9, "Volgende week")).unwrap();
    store.save_appointment(&appointment(id("Aalders"), -7, 11, "Vorige week")).unwrap();
    app_on(store, Lang::Nl)
}

#[test]
fn the_week_shows_the_coachs_own_appointments_beside_the_sessions() {
    let mut app = with_appointments();
    // Fatma takes the stress module (its first session is this Thursday).
    open_person(&mut app, "ozturk");
    press(&mut app, KeyCode::Char('m'));
    type_text(&mut app, "stress");
    press(&mut app, KeyCode::Enter);
    for _ in 0..3 {
        press(&mut app, KeyCode::Esc);
    }
    press(&mut app, KeyCode::Char('w'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("wo 25-11-2026"), "{text}");
    assert!(text.contains("10:00  afspraak  Öztürk, Fatma · Wijkcentrum De Bron"), "{text}");
    // Sunday's appointment is in this week too; not a colleague's person, not last week's.
    assert!(text.contains("09:00  afspraak  Berg, Jan van der · Bibliotheek"), "{text}");
    assert!(!text.contains("Stadhuis") && !text.contains("Vorige week"), "{text}");
    assert!(!text.contains("Volgende week"), "{text}");
    // The coach sees which of their people sit in the session.
    assert!(text.contains("uw deelnemers: Öztürk, Fatma"), "{text}");
    // The cursor starts at today's first item (a session); down to Wednesday's appointment.
    let Screen::Week(w) = app.screen() else { panic!("the week view") };
    assert!(matches!(w.selected_item(&app.modules, today()), Some(WeekItem::Session(r)) if r.date == today()));
    while !matches!(app.screen(), Screen::Week(w) if matches!(w.selected_item(&app.modules, today()), Some(WeekItem::Appointment(_))))
    {
        assert!(press(&mut app, KeyCode::Down), "no appointment reached");
    }
    let Screen::Week(w) = app.screen() else { panic!("the week view") };
    let Some(WeekItem::Appointment(n)) = w.selected_item(&app.modules, today()) else { panic!() };
    assert_eq!(w.appointments[n].place, "Wijkcentrum De Bron");
    assert!(screen(&app, 80, 24).contains("› "), "the chosen line is marked");
    // Enter opens the person on the contacts tab, where appointments are.
    press(&mut app, KeyCode::Enter);
    let Screen::Participant(p) = app.screen() else { panic!("the participant") };
    assert_eq!(p.tab, Tab::Contacts);
    press(&mut app, KeyCode::Esc);
    // Last week shows its own appointment; back to this week with t.
    press(&mut app, KeyCode::Left);
    let text = screen(&app, 80, 24);
    assert!(text.contains("Vorige week") && !text.contains("Wijkcentrum"), "{text}");
    press(&mut app, KeyCode::Char('t'));
    assert!(screen(&app, 80, 24).contains("Wijkcentrum De Bron"));
    press(&mut app, KeyCode::Right);
    assert!(screen(&app, 80, 24).contains("ma 30-11-2026"));
    assert!(screen(&app, 80, 24).contains("Volgende week"));
    press(&mut app, KeyCode::Char('t'));
    // With the team shown on the start screen, the colleague's appointment is there too.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('t'));
    press(&mut app, KeyCode::Char('w'));
    assert!(screen(&app, 80, 24).contains("14:00  afspraak  Şahin, Ayşe · Stadhuis"));
}

#[test]
fn an_appointment_made_from_the_week_shows_in_it_on_return() {
    let mut app = with_appointments();
    press(&mut app, KeyCode::Char('w'));
    // Open Fatma from her appointment, make another one for Friday, come back.
    while !matches!(app.screen(), Screen::Week(w) if matches!(w.selected_item(&app.modules, today()), Some(WeekItem::Appointment(_))))
    {
        assert!(press(&mut app, KeyCode::Down), "no appointment reached");
    }
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen(), Screen::Participant(_)));
    press(&mut app, KeyCode::Char('a'));
    assert!(matches!(app.screen(), Screen::Form(_)), "the appointment form");
    type_text(&mut app, "27-11-2026");
    press(&mut app, KeyCode::Tab);
    app.handle_key(ctrl('u'));
    type_text(&mut app, "15:30");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Buurthuis");
    app.handle_key(ctrl('s'));
    assert!(matches!(app.screen(), Screen::Participant(_)), "{:?}", app.flash);
    press(&mut app, KeyCode::Esc);
    let text = screen(&app, 80, 24);
    assert!(text.contains("15:30  afspraak  Öztürk, Fatma · Buurthuis"), "{text}");
}
