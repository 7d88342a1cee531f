//! The stack of layers: every bound action has a handler, and the layers answer in the order a
//! coach expects (the lock over a popup over a screen). No terminal.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use common::*;
use meedoen::domain::goal::{Area, Goal, Step};
use meedoen::domain::health::Assessment;
use meedoen::domain::signal::{Signal, SignalKind, SignalStatus};
use meedoen::i18n::Lang;
use meedoen::ui::app::{App, Popup, Screen};
use meedoen::ui::keymap::{BINDINGS, Binding, Context};
use meedoen::ui::layer::Outcome;
use meedoen::ui::screens::week::WeekItem;
use meedoen::ui::tab::Tab;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ui_common::*;

/// The fixed caseload, with a goal with steps and a signal for Fatma, and Fatma enrolled in the
/// stress module (its first session is this week).
fn with_records() -> App {
    let store = meedoen::store::Store::temporary().unwrap();
    filled_store(&store);
    let fatma = store.participants().unwrap().into_iter().find(|p| p.family_name == "Öztürk").unwrap().id;
    let mut goal = Goal::new(fatma, "Post op orde".into(), Area::Dimension(0), today(), now());
    goal.steps = (1..=5).map(|i| Step { text: format!("stap {i}"), done: false }).collect();
    goal.target = chrono::NaiveDate::from_ymd_opt(2026, 12, 20);
    store.save_goal(&goal).unwrap();
    // A second goal, listed after the first (its target is later).
    let mut bike = Goal::new(fatma, "Fiets laten maken".into(), Area::Dimension(1), today(), now());
    bike.target = chrono::NaiveDate::from_ymd_opt(2027, 6, 1);
    store.save_goal(&bike).unwrap();
    for months in [3, 9] {
        let when = today() - chrono::Months::new(months);
        store.save_assessment(&Assessment::new(fatma, when, "Sanne", now())).unwrap();
    }
    store
        .save_signal(&Signal {
            id: meedoen::domain::contact::RecordId::new_random(),
            participant: fatma,
            date: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            kind: SignalKind::Debts,
            escalated_to: "kernteam".into(),
            status: SignalStatus::Open,
            follow_up: chrono::NaiveDate::from_ymd_opt(2026, 10, 22),
            note: "schulden".into(),
            created_at: now(),
        })
        .unwrap();
    let mut app = app_on(store, Lang::Nl);
    for (who, module) in [("ozturk", "stress"), ("ozturk", "budget"), ("berg", "stress")] {
        open_person(&mut app, who);
        press(&mut app, KeyCode::Char('m'));
        type_text(&mut app, module);
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Esc);
    }
    assert!(matches!(app.screen(), Screen::Start(_)));
    app
}

fn participant_at(app: &mut App, tab: Tab) {
    open_person(app, "ozturk");
    while !matches!(app.screen(), Screen::Participant(s) if s.tab == tab) {
        press(app, KeyCode::Tab);
    }
}

/// Brings an app to a state where `ctx` is the context on top.
fn enter(ctx: Context) -> App {
    let mut app = with_records();
    let a = &mut app;
    match ctx {
        Context::Global | Context::Start => {}
        Context::List => {
            press(a, KeyCode::Char('l'));
        }
        Context::Search => {
            press(a, KeyCode::Char('/'));
            type_text(a, "e");
        }
        Context::Participant => participant_at(a, Tab::Profile),
        Context::ContactsTab => participant_at(a, Tab::Contacts),
        Context::HealthTab => participant_at(a, Tab::PositiveHealth),
        Context::GoalsTab => participant_at(a, Tab::Goals),
        Context::ModulesTab => participant_at(a, Tab::Modules),
        Context::SignalsTab => participant_at(a, Tab::Signals),
        Context::PrivacyTab => participant_at(a, Tab::Privacy),
        Context::Form => {
            press(a, KeyCode::Char('n'));
        }
        Context::LongText => {
            // The advice (`d`): one long text.
            participant_at(a, Tab::Profile);
            press(a, KeyCode::Char('d'));
        }
        Context::Confirm => {
            press(a, KeyCode::Char('n'));
            type_text(a, "Kees");
            press(a, KeyCode::Esc);
        }
        Context::DraftOffer => {
            press(a, KeyCode::Char('n'));
            type_text(a, "Kees");
            app.store.flush().unwrap();
            let store = app.into_store();
            app = app_on(store, Lang::Nl);
        }
        Context::Help => {
            press(a, KeyCode::Char('?'));
        }
        Context::Assessment => {
            open_person(a, "ozturk");
            press(a, KeyCode::Char('h'));
        }
        Context::Catalogue => {
            press(a, KeyCode::Char('m'));
        }
        Context::Module | Context::ModuleSessions => {
            press(a, KeyCode::Char('m'));
            press(a, KeyCode::Enter);
        }
        Context::Waitlist => {
            press(a, KeyCode::Char('m'));
            press(a, KeyCode::Enter);
            press(a, KeyCode::Tab);
        }
        Context::Week => {
            press(a, KeyCode::Char('w'));
        }
        Context::Roster => {
            press(a, KeyCode::Char('w'));
            while !matches!(a.screen(), Screen::Week(w) if matches!(w.selected_item(&a.modules, today()), Some(WeekItem::Session(r)) if a.modules.module(r.module).unwrap().name == "Omgaan met stress"))
            {
                assert!(press(a, KeyCode::Down), "no stress session this week");
            }
            press(a, KeyCode::Enter);
        }
        Context::Enrol => {
            open_person(a, "berg");
            press(a, KeyCode::Char('m'));
        }
        Context::Retention => {
            press(a, KeyCode::Char('b'));
        }
        Context::Erase => {
            participant_at(a, Tab::Privacy);
            press(a, KeyCode::Char('X'));
        }
        Context::Reason => {
            // Withdrawing the chosen conversation asks why.
            participant_at(a, Tab::PositiveHealth);
            press(a, KeyCode::Char('w'));
        }
        Context::Locked => a.lock(),
        Context::Reports => {
            press(a, KeyCode::Char('r'));
        }
        Context::Conflicts => {
            press(a, KeyCode::Char('c'));
        }
    }
    let (contexts, typing) = app.contexts();
    assert!(contexts.contains(&ctx) || (ctx == Context::Global && !typing), "{ctx:?} is not on top: {contexts:?}");
    app
}

/// Keys pressed first so that the action has something to act on (a row below to go up from,
/// a row above to go down to).
fn prepare(app: &mut App, bind: &Binding) {
    use meedoen::ui::keymap::Action as A;
    if bind.context == Context::Assessment && matches!(bind.action, A::MakeGoal | A::PrevField) {
        // The summary page (the wish and the need), on its second field for Shift+Tab.
        for _ in 0..10 {
            press(app, KeyCode::PageDown);
        }
        if bind.action == A::PrevField {
            press(app, KeyCode::Down);
        }
        return;
    }
    if bind.action == A::Today {
        press(app, KeyCode::Right);
        return;
    }
    if bind.context == Context::Participant && matches!(bind.action, A::Up | A::PageUp | A::First) {
        // The profile is long enough to scroll on a small screen.
        while !matches!(app.screen(), Screen::Participant(s) if s.tab == Tab::Profile) {
            press(app, KeyCode::Tab);
        }
        press(app, KeyCode::PageDown);
        return;
    }
    if matches!(bind.action, A::Down | A::PageDown | A::Last) {
        // The newest conversation is chosen at first: go up one so there is one below.
        let up = BINDINGS.iter().find(|b| b.context == bind.context && b.action == A::Up);
        if let Some(u) = up {
            app.handle_key(KeyEvent::new(u.keys[0].code, u.keys[0].mods));
        }
        return;
    }
    if matches!(bind.action, A::Up | A::PageUp | A::First | A::PrevTab | A::PrevField) {
        let down = BINDINGS.iter().find(|b| {
            b.context == bind.context && matches!(b.action, A::Down | A::NextTab | A::NextField | A::PageDown)
        });
        if let Some(d) = down {
            app.handle_key(KeyEvent::new(d.keys[0].code, d.keys[0].mods));
        }
    }
}

/// Every binding in the one table is consumed by the layer on top in a state where its context
/// is in force: a bound action without a handler fails here.
#[test]
fn every_bound_action_has_a_handler() {
    let mut missing = Vec::new();
    for bind in BINDINGS {
        for key in bind.keys {
            let mut app = enter(bind.context);
            prepare(&mut app, bind);
            let ev = KeyEvent::new(key.code, key.mods);
            let outcome = app.dispatch(&ev);
            if !outcome.is_handled() {
                missing.push(format!(
                    "{:?} {:?} ({})",
                    bind.context,
                    bind.action,
                    key.label(&meedoen::i18n::Strings::new(meedoen::i18n::Lang::En))
                ));
            }
        }
    }
    assert!(missing.is_empty(), "bound but not handled:\n{}", missing.join("\n"));
}

/// The lock answers before the popup under it, and the popup before its screen.
#[test]
fn the_walk_goes_from_the_top() {
    let mut app = app();
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Kees");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.popup(), Some(Popup::Confirm { .. })));
    app.lock();
    // "n" is typed into the passphrase, not an answer to the question under the lock.
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.locked().unwrap().typed.chars(), 1);
    assert!(matches!(app.popup(), Some(Popup::Confirm { .. })));
    // A popup is modal: a key it does not know does nothing to the form under it.
    let mut app = app_with_confirm();
    let outcome = app.dispatch(&KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE));
    assert!(matches!(outcome, Outcome::Ignored));
    assert!(matches!(app.screen(), Screen::Form(_)));
    press(&mut app, KeyCode::Char('j'));
    assert!(app.popup().is_none());
    assert!(matches!(app.screen(), Screen::Start(_)), "yes discards the form");
}

fn app_with_confirm() -> App {
    let mut app = app();
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Kees");
    press(&mut app, KeyCode::Esc);
    app
}

/// A change that arrives from elsewhere is applied as an effect and the screens refresh.
#[test]
fn data_changed_refreshes_the_start_screen() {
    use meedoen::ui::layer::{Changed, Effect};
    let mut app = app();
    let before = screen(&app, 80, 24);
    let mut p = person(0);
    p.id = meedoen::domain::ParticipantId(uuid::Uuid::from_u128(0x9999));
    p.family_name = "Nieuwkomer".into();
    p.status = meedoen::domain::Status::Intake;
    p.start_date = None;
    for p in app.store.add_participants(vec![p]).unwrap() {
        app.caseload.upsert(p);
    }
    app.apply(vec![Effect::DataChanged(Changed::Caseload)]);
    let after = screen(&app, 80, 24);
    assert_ne!(before, after, "the start screen was derived again");
}

/// A layer answers with effects and writes nothing itself: ticking step 2 off asks for the goal
/// to be saved with step 2 done; the store holds the goal unchanged until the executor runs.
#[test]
fn ticking_a_step_is_an_effect_until_it_is_applied() {
    use meedoen::ui::layer::Effect;
    let mut app = enter(Context::GoalsTab);
    let fatma = app.store.participant_by_number(1001).unwrap().id;
    let stored =
        |app: &App| app.store.goals_of(fatma).unwrap().iter().flat_map(|g| g.steps.clone()).filter(|s| s.done).count();
    let Outcome::Consumed(effects) = app.dispatch(&key(KeyCode::Char('2'))) else { panic!("not consumed") };
    assert!(matches!(&effects[..], [Effect::SaveGoal(g)] if g.steps[1].done && !g.steps[0].done), "{effects:?}");
    assert_eq!(stored(&app), 0, "the layer wrote nothing");
    app.apply(effects);
    assert_eq!(stored(&app), 1, "the executor saved it");
}

/// The header's sync words: in step, and in step with colleagues' changes held back (kept and
/// tried again; `meedoen sync` names them).
#[test]
fn the_header_says_when_changes_of_colleagues_are_held_back() {
    use meedoen::sync::background::State;
    let mut app = app();
    let at = chrono::Local::now();
    app.sync_state = Some(State::Updated { at, held: 0 });
    assert_eq!(app.sync_label(), format!("bijgewerkt {}", at.format("%H:%M")));
    app.sync_state = Some(State::Updated { at, held: 3 });
    assert_eq!(app.sync_label(), format!("bijgewerkt {} · 3 niet overgenomen", at.format("%H:%M")));
    app.sync_state = Some(State::Offline { waiting: 2 });
    assert_eq!(app.sync_label(), "offline · 2 wijzigingen wachten");
}
