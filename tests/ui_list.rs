//! The participant list as a coach filters it: own caseload or the team, by status, municipality
//! and neighbourhood; and the status column in search results.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use common::*;
use meedoen::i18n::Lang;
use meedoen::store::Store;
use meedoen::ui::app::App;
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

/// The fixed caseload, three of Sanne's people in two municipalities (the rest has only a place).
fn app_with_places() -> App {
    let store = Store::temporary().unwrap();
    filled_store(&store);
    for mut p in store.participants().unwrap() {
        let (m, w) = match p.family_name.as_str() {
            "Öztürk" => ("Hengelo", "Berflo Es"),
            "Berg" => ("Hengelo", "Woolde"),
            "Aalders" => ("Borne", "Centrum"),
            _ => continue,
        };
        p.municipality = m.into();
        p.neighbourhood = w.into();
        store.update_participant(&p).unwrap();
    }
    app_on(store, Lang::Nl)
}

fn names(text: &str) -> Vec<&'static str> {
    ["Öztürk", "Berg", "Aalders", "Çelik", "Şahin", "Vries"].into_iter().filter(|n| text.contains(n)).collect()
}

#[test]
fn the_list_is_filtered_by_whose_status_municipality_and_neighbourhood() {
    let mut app = app_with_places();
    press(&mut app, KeyCode::Char('l'));
    let text = screen(&app, 80, 24);
    // Sanne's own running trajectories; the filter line says what is shown.
    assert!(text.contains("Lopende deelnemers (4)"), "{text}");
    assert!(text.contains("t eigen caseload (Sanne) · m gemeente: alle · w wijk: alle · s status · x uit"), "{text}");
    assert_eq!(names(&text), ["Öztürk", "Berg", "Aalders", "Çelik"]);
    insta::assert_snapshot!("list", text);
    // The team: Mohamed's Ayşe too.
    press(&mut app, KeyCode::Char('t'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("hele team") && text.contains("Lopende deelnemers (5)"), "{text}");
    // Status by status: referred, intake, ...
    press(&mut app, KeyCode::Char('s'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Deelnemers met status Aangemeld (1)"), "{text}");
    assert_eq!(names(&text), ["Çelik"]);
    for _ in 0..4 {
        press(&mut app, KeyCode::Char('s'));
    }
    let text = screen(&app, 80, 24);
    assert!(text.contains("Deelnemers met status Afgesloten (1)"), "{text}");
    assert_eq!(names(&text), ["Vries"]);
    // Then everyone, closed ones too.
    press(&mut app, KeyCode::Char('s'));
    assert!(screen(&app, 80, 24).contains("Alle deelnemers, ook afgesloten (6)"));
    // Municipalities in order: Borne first, then Hengelo, then the place of the others.
    press(&mut app, KeyCode::Char('m'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("gemeente: Borne"), "{text}");
    assert_eq!(names(&text), ["Aalders"]);
    press(&mut app, KeyCode::Char('m'));
    let text = screen(&app, 80, 24);
    assert_eq!(names(&text), ["Öztürk", "Berg"], "{text}");
    // Neighbourhoods of Hengelo only.
    press(&mut app, KeyCode::Char('w'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("wijk: Berflo Es"), "{text}");
    assert_eq!(names(&text), ["Öztürk"]);
    press(&mut app, KeyCode::Char('w'));
    assert_eq!(names(&screen(&app, 80, 24)), ["Berg"]);
    // Nobody: said so, not an empty table.
    press(&mut app, KeyCode::Char('s'));
    press(&mut app, KeyCode::Char('s'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Niemand past bij deze filters"), "{text}");
    // x: all filters off (the team's running trajectories).
    press(&mut app, KeyCode::Char('x'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Lopende deelnemers (5)") && text.contains("hele team · m gemeente: alle"), "{text}");
    // Enter still opens the chosen person.
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen(), meedoen::ui::app::Screen::Participant(_)));
}

#[test]
fn a_long_name_is_cut_with_an_ellipsis_and_search_shows_the_status() {
    let store = Store::temporary().unwrap();
    filled_store(&store);
    for mut p in store.participants().unwrap() {
        if p.family_name == "Vries" {
            p.given_names = "Anna Maria Josephine Wilhelmina".into();
            p.family_name = "Vries-Oosterbroek".into();
            store.update_participant(&p).unwrap();
        }
    }
    let mut app = app_on(store, Lang::Nl);
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Char('a'));
    let text = screen(&app, 80, 24);
    let line = text.lines().find(|l| l.contains("Vries-Oosterbroek")).unwrap();
    assert!(line.contains('…'), "cut with an ellipsis: {line}");
    assert!(!line.contains("Wilhelmina"), "{line}");
    // Search results say who is closed.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "vries");
    let text = screen(&app, 80, 24);
    let line = text.lines().find(|l| l.contains("Vries-Oosterbroek")).unwrap();
    assert!(line.contains("Afgesloten"), "{line}");
    assert!(text.contains("Status"), "{text}");
    type_text(&mut app, "");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "ozturk");
    assert!(screen(&app, 80, 24).lines().any(|l| l.contains("Öztürk") && l.contains("Actief")));
}
