//! Every form's draft survives a restart: half-typed, the app gone (as after a crash), started
//! again on the same caseload, the offer accepted, the form comes back with what was typed and
//! the focus where it was, and saving it saves what that form saves, never a participant record
//! in its place. Also the offer names the form, and the contact form takes the injected clock.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use chrono::{DateTime, TimeZone, Utc};
use common::*;
use meedoen::domain::{Participant, ParticipantId};
use meedoen::i18n::{Lang, Strings};
use meedoen::store::Store;
use meedoen::ui::app::{App, Popup, Screen};
use meedoen::ui::theme::Theme;
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

fn flash(app: &App) -> String {
    app.flash.as_ref().map(|(m, _)| m.clone()).unwrap_or_default()
}

/// The app gone without a save, as after kill -9, and started again on the same caseload.
fn restart(app: App) -> App {
    app.store.flush().unwrap();
    let store = app.into_store();
    app_on(store, Lang::Nl)
}

fn id_of(app: &App, family: &str) -> ParticipantId {
    app.caseload.people().iter().find(|p| p.family_name == family).unwrap().id
}

fn person_of(app: &App, id: ParticipantId) -> Participant {
    app.store.participant(id).unwrap().unwrap()
}

/// Types `value` over the field `key` of the form on screen.
fn fill(app: &mut App, key: &str, value: &str) {
    focus(app, key);
    app.handle_key(ctrl('u'));
    type_text(app, value);
}

fn form_value(app: &App, key: &str) -> String {
    match app.screen() {
        Screen::Form(f) => f.form.value(key).to_string(),
        _ => panic!("no form on screen; flash {:?}:\n{}", flash(app), screen(app, 80, 24)),
    }
}

fn offer_text(app: &App) -> String {
    match app.popup() {
        Some(Popup::DraftOffer { description, .. }) => description.clone(),
        _ => panic!("no draft offered:\n{}", screen(app, 80, 24)),
    }
}

/// One form kind: how to open it, what to type (the last field keeps the focus), what the offer
/// says, and how to see that it was saved.
struct Case {
    name: &'static str,
    open: fn(&mut App),
    typed: &'static [(&'static str, &'static str)],
    offer: &'static str,
    saved: fn(&App) -> bool,
    /// The participant whose record the form edits (only the participant forms).
    edits: Option<&'static str>,
}

fn participant_key(app: &mut App, who: &str, c: char) {
    open_person(app, who);
    press(app, KeyCode::Char(c));
}

fn ozturk(app: &App) -> ParticipantId {
    id_of(app, "Öztürk")
}

/// A signal for Öztürk, then her signals tab with it selected.
fn open_existing_signal(app: &mut App) {
    participant_key(app, "ozturk", '!');
    fill(app, "note", "Eerste melding");
    app.handle_key(ctrl('s'));
    assert!(matches!(app.screen(), Screen::Participant(_)), "{}", flash(app));
    press(app, KeyCode::Enter);
}

/// A goal for Öztürk, then Enter on it in her goals tab.
fn open_existing_goal(app: &mut App) {
    participant_key(app, "ozturk", 'g');
    fill(app, "text", "Elke dag wandelen");
    app.handle_key(ctrl('s'));
    assert!(matches!(app.screen(), Screen::Participant(_)), "{}", flash(app));
    press(app, KeyCode::Enter);
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "intake",
            open: |app| {
                press(app, KeyCode::Char('n'));
            },
            typed: &[("given_names", "Kees"), ("family_name", "Draftsma")],
            offer: "onafgemaakte intake van Kees Draftsma",
            saved: |app| app.caseload.people().iter().any(|p| p.family_name == "Draftsma"),
            edits: None,
        },
        Case {
            name: "participant",
            open: |app| participant_key(app, "ozturk", 'e'),
            typed: &[("notes", "Wil graag fietsen")],
            offer: "onafgemaakte wijziging van Öztürk, Fatma",
            saved: |app| person_of(app, ozturk(app)).notes == "Wil graag fietsen",
            edits: Some("Öztürk"),
        },
        Case {
            name: "contact",
            open: |app| participant_key(app, "ozturk", 'c'),
            typed: &[("summary", "Samen koffie gedronken")],
            offer: "onafgemaakt contact met Öztürk, Fatma",
            saved: |app| {
                app.store.contacts_of(ozturk(app)).unwrap().iter().any(|c| c.summary == "Samen koffie gedronken")
            },
            edits: None,
        },
        Case {
            name: "appointment",
            open: |app| participant_key(app, "ozturk", 'a'),
            typed: &[("next_date", "01-12-2026"), ("next_place", "Buurthuis")],
            offer: "onafgemaakte afspraak met Öztürk, Fatma",
            saved: |app| app.store.appointments_of(ozturk(app)).unwrap().iter().any(|a| a.place == "Buurthuis"),
            edits: None,
        },
        Case {
            name: "extend",
            open: |app| participant_key(app, "ozturk", 'v'),
            typed: &[("reason", "Groeit zichtbaar")],
            offer: "onafgemaakte verlenging van Öztürk, Fatma",
            saved: |app| {
                app.store
                    .trajectory(ozturk(app))
                    .unwrap()
                    .unwrap()
                    .history
                    .iter()
                    .any(|h| h.reason == "Groeit zichtbaar")
            },
            edits: None,
        },
        Case {
            name: "reopen",
            open: |app| participant_key(app, "vries", 'o'),
            typed: &[("reason", "Vraagt weer om hulp")],
            offer: "onafgemaakte heropening van Vries, Anna de",
            saved: |app| {
                let id = id_of(app, "Vries");
                app.store.trajectory(id).unwrap().unwrap().history.iter().any(|h| h.reason == "Vraagt weer om hulp")
            },
            edits: None,
        },
        Case {
            name: "advice",
            open: |app| participant_key(app, "ozturk", 'd'),
            typed: &[("advice", "Verder met vrijwilligerswerk")],
            offer: "onafgemaakt advies voor Öztürk, Fatma",
            saved: |app| app.store.trajectory(ozturk(app)).unwrap().unwrap().advice == "Verder met vrijwilligerswerk",
            edits: None,
        },
        Case {
            name: "close",
            open: |app| participant_key(app, "ozturk", 'b'),
            typed: &[("advice", "Naar de bibliotheek")],
            offer: "onafgemaakte afsluiting van Öztürk, Fatma",
            saved: |app| {
                let t = app.store.trajectory(ozturk(app)).unwrap().unwrap();
                t.closing.is_some_and(|c| c.advice == "Naar de bibliotheek")
            },
            edits: None,
        },
        Case {
            name: "signal",
            open: |app| participant_key(app, "ozturk", '!'),
            typed: &[("escalated_to", "Kernteam"), ("note", "Schuldeisers bellen")],
            offer: "onafgemaakt signaal over Öztürk, Fatma",
            saved: |app| app.store.signals_of(ozturk(app)).unwrap().iter().any(|s| s.note == "Schuldeisers bellen"),
            edits: None,
        },
        Case {
            name: "signal (existing)",
            open: open_existing_signal,
            typed: &[("note", "Tweede melding")],
            offer: "onafgemaakt signaal over Öztürk, Fatma",
            // Changed in place: still one signal, now with the new note.
            saved: |app| {
                let s = app.store.signals_of(ozturk(app)).unwrap();
                s.len() == 1 && s[0].note == "Tweede melding"
            },
            edits: None,
        },
        Case {
            name: "referral",
            open: |app| participant_key(app, "ozturk", 'r'),
            typed: &[("partner", "Schuldhulp Oost")],
            offer: "onafgemaakte doorverwijzing van Öztürk, Fatma",
            saved: |app| app.store.referrals_of(ozturk(app)).unwrap().iter().any(|r| r.partner == "Schuldhulp Oost"),
            edits: None,
        },
        Case {
            name: "goal",
            open: |app| participant_key(app, "ozturk", 'g'),
            typed: &[("text", "Elke week zwemmen")],
            offer: "onafgemaakt doel: Elke week zwemmen",
            saved: |app| app.store.goals_of(ozturk(app)).unwrap().iter().any(|g| g.text == "Elke week zwemmen"),
            edits: None,
        },
        Case {
            name: "goal (existing)",
            open: open_existing_goal,
            typed: &[("text", "Elke dag een uur wandelen")],
            offer: "onafgemaakt doel: Elke dag een uur wandelen",
            saved: |app| {
                let g = app.store.goals_of(ozturk(app)).unwrap();
                g.len() == 1 && g[0].text == "Elke dag een uur wandelen"
            },
            edits: None,
        },
        Case {
            name: "module",
            open: |app| {
                press(app, KeyCode::Char('m'));
                press(app, KeyCode::Char('n'));
            },
            typed: &[("name", "Computerles")],
            offer: "onafgemaakte module: Computerles",
            saved: |app| app.store.modules().unwrap().iter().any(|m| m.name == "Computerles"),
            edits: None,
        },
        Case {
            name: "module (existing)",
            open: |app| {
                press(app, KeyCode::Char('m'));
                press(app, KeyCode::Enter);
                press(app, KeyCode::Char('e'));
            },
            typed: &[("facilitator", "Joke Draft")],
            offer: "onafgemaakte module:",
            saved: |app| {
                let m = app.store.modules().unwrap();
                m.iter().filter(|m| m.facilitator == "Joke Draft").count() == 1 && m.len() == 8
            },
            edits: None,
        },
        Case {
            name: "closure",
            open: |app| {
                press(app, KeyCode::Char('m'));
                press(app, KeyCode::Char('k'));
            },
            typed: &[("from", "25-11-2026"), ("reason", "Teamdag")],
            offer: "onafgemaakte sluitingsdag: Teamdag",
            saved: |app| app.store.closures().unwrap().iter().any(|c| c.reason == "Teamdag"),
            edits: None,
        },
    ]
}

/// Defects 1 and 2: every form kind comes back after a crash with what was typed and the focus,
/// saves what it is, and leaves the participant records alone unless it is a participant form.
#[test]
fn every_form_resumes_after_a_crash_and_saves_what_it_is() {
    for case in cases() {
        let mut app = app();
        (case.open)(&mut app);
        for (key, value) in case.typed {
            fill(&mut app, key, value);
        }
        let (last_key, last_value) = case.typed[case.typed.len() - 1];
        assert_eq!(form_value(&app, last_key), last_value, "{}", case.name);
        let people: Vec<Participant> =
            app.caseload.people().iter().map(|p| app.store.participant(p.id).unwrap().unwrap()).collect();

        let mut app = restart(app);
        let offer = offer_text(&app);
        press(&mut app, KeyCode::Enter);
        for (key, value) in case.typed {
            assert_eq!(form_value(&app, key), *value, "{}: {key}", case.name);
        }
        assert!(offer.contains(case.offer), "{}: the offer says {offer:?}", case.name);
        match app.screen() {
            Screen::Form(f) => assert_eq!(f.form.focused_key(), last_key, "{}", case.name),
            _ => unreachable!(),
        }
        app.handle_key(ctrl('s'));
        assert!(!matches!(app.screen(), Screen::Form(_)), "{}: not saved: {}", case.name, flash(&app));
        assert!((case.saved)(&app), "{}: not saved as itself; flash {:?}", case.name, flash(&app));
        assert!(app.store.drafts().unwrap().is_empty(), "{}: the draft is kept after the save", case.name);
        // Nobody's record changed, except the person a participant form edits (and a trajectory
        // step's status).
        for before in &people {
            let after = app.store.participant(before.id).unwrap().unwrap();
            if case.edits == Some(before.family_name.as_str()) {
                continue;
            }
            let same = (&after.given_names, &after.family_name, &after.coach, &after.notes, &after.phone)
                == (&before.given_names, &before.family_name, &before.coach, &before.notes, &before.phone);
            assert!(same, "{}: {} changed: {after:?}", case.name, before.family_name);
        }
    }
}

/// A resumed participant-bound form opens over that person's screen, so saving lands there.
#[test]
fn a_resumed_contact_is_saved_into_the_contact_log_on_screen() {
    let mut app = app();
    participant_key(&mut app, "ozturk", 'c');
    fill(&mut app, "summary", "Samen koffie gedronken");
    let mut app = restart(app);
    press(&mut app, KeyCode::Enter);
    app.handle_key(ctrl('s'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Samen koffie gedronken") && text.contains("Öztürk"), "{text}");
}

/// Defect 7: the contact form's time is the injected clock's, in local time.
#[test]
fn the_contact_form_takes_its_time_from_the_injected_clock() {
    let pinned: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 11, 24, 3, 17, 0).unwrap();
    let store = Store::temporary().unwrap();
    filled_store(&store);
    let mut app = App::new(store, Strings::new(Lang::Nl), Theme { color: false }, "Sanne".into(), today(), {
        Box::new(move || pinned)
    })
    .unwrap();
    participant_key(&mut app, "ozturk", 'c');
    let expected = pinned.with_timezone(&chrono::Local).format("%H:%M").to_string();
    assert_eq!(form_value(&app, "time"), expected);
}

/// A draft of a form this version does not know is offered as such and thrown away when
/// accepted, with a message; nothing else opens and no record changes.
#[test]
fn a_draft_of_an_unknown_form_is_offered_as_such_and_dropped() {
    use meedoen::store::{Draft, DraftKind};
    let store = Store::temporary().unwrap();
    filled_store(&store);
    let fatma = store.participants().unwrap().into_iter().find(|p| p.family_name == "Öztürk").unwrap();
    let draft = Draft {
        kind: DraftKind::Unknown("matrix".into()),
        values: vec![("given_names".into(), String::new())],
        focus: 0,
        saved_at: 0,
    };
    store.save_draft("matrix", &draft).unwrap();
    let mut app = app_on(store, Lang::Nl);
    let offer = offer_text(&app);
    assert!(offer.contains("(matrix,") && offer.contains("niet kent"), "{offer}");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen(), Screen::Start(_)));
    assert!(flash(&app).contains("weggegooid"), "{}", flash(&app));
    assert!(app.store.drafts().unwrap().is_empty());
    assert_eq!(app.store.participant(fatma.id).unwrap().unwrap(), fatma);
}

/// Every choice of every form is one of a domain enum's values, and has a label in both
/// languages.
#[test]
fn every_choice_has_a_label_in_both_languages() {
    use meedoen::ui::form::{FieldDef, FieldKind};
    use meedoen::ui::{day_forms, goal_form, module_form, participant_form};
    let forms: &[&[FieldDef]] = &[
        participant_form::FIELDS,
        day_forms::CONTACT,
        day_forms::APPOINTMENT,
        day_forms::EXTEND,
        day_forms::REOPEN,
        day_forms::ADVICE,
        day_forms::CLOSE,
        day_forms::SIGNAL,
        day_forms::REFERRAL,
        goal_form::FIELDS,
        module_form::FIELDS,
        module_form::CLOSURE_FIELDS,
    ];
    for lang in [Lang::Nl, Lang::En] {
        let strings = Strings::new(lang);
        for def in forms.iter().flat_map(|f| f.iter()) {
            if let FieldKind::Choice(options) = def.kind {
                for (code, label) in options.list() {
                    assert!(strings.lookup(&label).is_some(), "{}: {code} has no label {label} ({lang:?})", def.key);
                }
            }
        }
    }
}
