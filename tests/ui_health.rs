//! The Positive Health conversation, the spider web and goals, driven by keys as a coach would.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use common::*;
use meedoen::domain::goal::{Area, Goal, GoalStatus, Step};
use meedoen::domain::health::Assessment;
use meedoen::i18n::Lang;
use meedoen::store::Store;
use meedoen::ui::app::{App, Popup, Screen};
use meedoen::ui::tab::Tab;
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

/// Opens Öztürk, Fatma (the first on the start screen).
fn open_fatma(app: &mut App) {
    open_person(app, "ozturk");
    assert!(matches!(app.screen(), Screen::Participant(_)));
}

fn assessment(app: &App) -> &meedoen::ui::screens::assessment::AssessmentState {
    match app.screen() {
        Screen::Assessment(s) => s,
        _ => panic!("expected the Positive Health conversation"),
    }
}

#[test]
fn scores_skips_talk_and_pages_keep_what_was_typed() {
    let mut app = app();
    open_fatma(&mut app);
    press(&mut app, KeyCode::Char('h'));
    assert_eq!((assessment(&app).page, assessment(&app).row), (0, 0));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Dimensie 1 van 6: Lichaamsfuncties · aspect 1 van 7"), "{text}");
    type_text(&mut app, "7");
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "10");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter); // skipped, not zero
    type_text(&mut app, "0");
    press(&mut app, KeyCode::Char(' ')); // wants to talk about sleep
    press(&mut app, KeyCode::Right); // 0 -> 1
    let a = &assessment(&app).a;
    assert_eq!(&a.scores[0][..4], &[Some(7), Some(10), None, Some(1)]);
    assert!(a.talk[0][3]);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(assessment(&app).page, 1);
    type_text(&mut app, "4");
    press(&mut app, KeyCode::PageUp);
    assert_eq!(assessment(&app).page, 0);
    assert_eq!(assessment(&app).a.scores[0][1], Some(10), "nothing lost between pages");
    assert_eq!(assessment(&app).a.scores[1][0], Some(4));
    // Mean of 7, 10 and 1 (the skipped one does not count) is 6,0.
    assert_eq!(assessment(&app).a.mean_tenths(0), Some(60));
}

#[test]
fn a_full_conversation_is_saved_with_own_marks_ladder_and_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("c");
    let store = open(&dir);
    filled_store(&store);
    let mut app = app_on(store, Lang::Nl);
    open_fatma(&mut app);
    press(&mut app, KeyCode::Char('h'));
    for _ in 0..6 {
        for score in ["6", "7", "5", "8", "6", "7", "5"] {
            type_text(&mut app, score);
            press(&mut app, KeyCode::Enter);
        }
    }
    // The own-marks page is prefilled with the mean (6,3 for 6,7,5,8,6,7,5).
    assert_eq!(assessment(&app).page, 6);
    assert!(screen(&app, 80, 24).contains("6,3"));
    type_text(&mut app, "8"); // the participant gives body an 8
    for _ in 0..6 {
        press(&mut app, KeyCode::Down);
    }
    type_text(&mut app, "3"); // ladder step 3
    press(&mut app, KeyCode::PageDown);
    assert_eq!(assessment(&app).page, 7);
    type_text(&mut app, "Meer bewegen");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Een fietsmaatje");
    app.handle_key(ctrl('s'));
    assert!(matches!(app.screen(), Screen::Participant(s) if s.tab == Tab::PositiveHealth));
    drop(app);
    let store = open(&dir);
    let p = store.participant_by_number(1001).unwrap();
    let saved = store.assessments_of(p.id).unwrap();
    assert_eq!(saved.len(), 1);
    let a = &saved[0];
    assert_eq!(a.date, today());
    assert_eq!(a.overall[0], Some(80));
    assert_eq!(a.overall[1], Some(63), "a mark not changed is the mean");
    assert_eq!(a.ladder, Some(3));
    assert_eq!((a.wish.as_str(), a.need.as_str()), ("Meer bewegen", "Een fietsmaatje"));
    assert!(store.assessment_drafts().unwrap().is_empty());
}

#[test]
fn a_half_done_conversation_survives_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("c");
    {
        let store = open(&dir);
        filled_store(&store);
        let mut app = app_on(store, Lang::Nl);
        open_fatma(&mut app);
        press(&mut app, KeyCode::Char('h'));
        type_text(&mut app, "6");
        press(&mut app, KeyCode::Enter);
        type_text(&mut app, "3");
        press(&mut app, KeyCode::Char(' '));
        // Killed here.
    }
    let mut app = app_on(open(&dir), Lang::Nl);
    assert!(
        matches!(app.popup(), Some(Popup::AssessmentOffer { description, .. }) if description.contains("Öztürk, Fatma"))
    );
    press(&mut app, KeyCode::Enter);
    let s = assessment(&app);
    assert_eq!((s.a.scores[0][0], s.a.scores[0][1], s.a.talk[0][1]), (Some(6), Some(3), true));
    assert_eq!(s.row, 1, "back where the coach was");
}

#[test]
fn the_wish_becomes_a_goal_with_one_key() {
    let mut app = app();
    open_fatma(&mut app);
    press(&mut app, KeyCode::Char('h'));
    type_text(&mut app, "2");
    for _ in 0..7 {
        press(&mut app, KeyCode::PageDown);
    }
    type_text(&mut app, "Weer fietsen");
    app.handle_key(ctrl('g'));
    // Only the body was scored: the other five dimensions are named first, and yes saves.
    assert!(
        matches!(app.popup(), Some(Popup::Confirm { message, .. }) if message.starts_with("Nog niet beantwoord: Mentaal welbevinden, Zingeving"))
    );
    press(&mut app, KeyCode::Char('j'));
    match app.screen() {
        Screen::Form(f) => {
            assert_eq!(f.form.value("text"), "Weer fietsen");
            assert_eq!(f.form.value("area"), "dimension:0", "the dimension with the lowest mark");
        }
        _ => panic!("the goal form opens"),
    }
    app.handle_key(ctrl('s'));
    assert!(matches!(app.screen(), Screen::Participant(s) if s.tab == Tab::Goals && s.goals.len() == 1));
}

fn with_history() -> App {
    let store = Store::temporary().unwrap();
    filled_store(&store);
    let fatma = store.participant_by_number(1001).unwrap();
    let mut first = Assessment::new(fatma.id, chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), "Sanne", now());
    first.overall = [Some(40), Some(50), Some(60), Some(50), Some(30), Some(70)];
    first.ladder = Some(2);
    first.talk[4][0] = true;
    let mut second = Assessment::new(fatma.id, chrono::NaiveDate::from_ymd_opt(2026, 7, 6).unwrap(), "Sanne", now());
    second.overall = [Some(55), Some(50), Some(55), Some(60), Some(45), Some(70)];
    second.ladder = Some(3);
    let mut third = Assessment::new(fatma.id, chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), "Sanne", now());
    third.overall = [Some(60), Some(65), Some(50), Some(65), Some(60), Some(72)];
    third.ladder = Some(3);
    third.talk[1][6] = true;
    for a in [&first, &second, &third] {
        store.save_assessment(a).unwrap();
    }
    let mut late = Goal::new(fatma.id, "Elke week naar het taalcafé".into(), Area::Dimension(4), today(), now());
    late.target = chrono::NaiveDate::from_ymd_opt(2026, 10, 1);
    let mut done = Goal::new(fatma.id, "Fiets laten maken".into(), Area::Dimension(0), today(), now());
    done.set_status(GoalStatus::Achieved, chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap());
    let mut steps = Goal::new(
        fatma.id,
        "Post op orde".into(),
        meedoen::domain::goal::Area::Life(meedoen::domain::goal::LifeArea::Finances),
        today(),
        now(),
    );
    steps.steps =
        vec![Step { text: "Map kopen".into(), done: true }, Step { text: "Post sorteren".into(), done: false }];
    steps.target = chrono::NaiveDate::from_ymd_opt(2026, 12, 20);
    for g in [&done, &steps, &late] {
        store.save_goal(g).unwrap();
    }
    app_on(store, Lang::Nl)
}

#[test]
fn history_compares_the_latest_with_the_one_before_or_any_two_marked() {
    let mut app = with_history();
    open_fatma(&mut app);
    press(&mut app, KeyCode::Tab);
    let text = screen(&app, 80, 24);
    assert!(text.contains("02-03-2026") && text.contains("06-07-2026") && text.contains("02-11-2026"), "{text}");
    // Latest (02-11) against the one before (06-07): body 5,5 -> 6,0 up, meaning 5,5 -> 5,0 down.
    assert!(text.contains("▲ Lichaam") && text.contains("+0,5"), "{text}");
    assert!(text.contains("▼ Zingeving"), "{text}");
    assert!(text.contains("● 02-11-2026") && text.contains("○ 06-07-2026"), "{text}");
    assert!(text.contains("Grip op uw leven"), "talk-about aspects are listed: {text}");
    // Mark the first and the last: the change is over the whole period.
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char(' '));
    let text = screen(&app, 80, 24);
    assert!(text.contains("○ 02-03-2026"), "{text}");
    assert!(text.contains("+2,0"), "body 4,0 -> 6,0: {text}");
}

#[test]
fn goals_list_open_first_with_overdue_marked_and_steps_tick_off() {
    let mut app = with_history();
    open_fatma(&mut app);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    let text = screen(&app, 80, 24);
    let pos = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} not in\n{text}"));
    assert!(pos("⚠ verlopen · Elke week naar het taalcafé") < pos("Post op orde"));
    assert!(pos("Post op orde") < pos("Fiets laten maken"), "achieved goals come last");
    assert!(text.contains("1 van 2 stappen"), "{text}");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('2'));
    // The last small step ticked: is the goal reached? Not yet ("n"): it stays open.
    let words = screen(&app, 80, 24).replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("Alle kleine stappen van \"Post op orde\" zijn gezet. Is het doel bereikt?"), "{words}");
    press(&mut app, KeyCode::Char('n'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("2 van 2 stappen") && text.contains("[x] Post sorteren"), "{text}");
    let fatma = app.store.participant_by_number(1001).unwrap();
    let saved = app.store.goals_of(fatma.id).unwrap();
    let post = |gs: &[Goal]| gs.iter().find(|g| g.text == "Post op orde").cloned().unwrap();
    assert!(post(&saved).steps.iter().all(|s| s.done));
    assert_eq!(post(&saved).status, GoalStatus::Open);
    // Untick and tick again, and this time say yes: the goal is achieved today.
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('j'));
    let saved = app.store.goals_of(fatma.id).unwrap();
    assert_eq!((post(&saved).status, post(&saved).status_date), (GoalStatus::Achieved, today()));
}

#[test]
fn health_screens_at_80x24() {
    let mut app = with_history();
    open_fatma(&mut app);
    press(&mut app, KeyCode::Tab);
    insta::assert_snapshot!("health_tab", screen(&app, 80, 24));
    press(&mut app, KeyCode::Tab);
    insta::assert_snapshot!("goals_tab", screen(&app, 80, 24));
    press(&mut app, KeyCode::Char('h'));
    type_text(&mut app, "6");
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("conversation_page", screen(&app, 80, 24));
    for _ in 0..7 {
        press(&mut app, KeyCode::PageDown);
    }
    insta::assert_snapshot!("conversation_summary", screen(&app, 80, 24));
    for (w, h) in [(1, 1), (10, 4), (30, 10), (79, 23), (120, 40)] {
        let _ = screen(&app, w, h);
    }
}

/// `x` on the health tab writes the spider web owner-only and records it in the access log,
/// as every export of a person's data is.
#[test]
fn the_spider_web_file_is_owner_only_and_in_the_access_log() {
    let mut app = with_history();
    let tmp = tempfile::tempdir().unwrap();
    app.export_dir = Some(tmp.path().to_path_buf());
    open_fatma(&mut app);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('x'));
    let text = screen(&app, 80, 24);
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("(alleen voor u leesbaar)"), "{text}");
    let file = std::fs::read_dir(tmp.path()).unwrap().next().unwrap().unwrap().path();
    assert_eq!(file.extension().and_then(|e| e.to_str()), Some("svg"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let store = app.into_store();
    let fatma = store.participant_by_number(1001).unwrap();
    let log = store.access_log_of(fatma.id).unwrap();
    assert!(log.iter().any(|e| e.action == meedoen::domain::privacy::AccessAction::ChartExported), "{log:?}");
}

/// A long remark wraps under its aspect while it is typed (up to three rows) and when shown, and
/// the next aspect's line stays where it belongs (issue 19 point 14).
#[test]
fn a_long_remark_wraps_under_its_aspect() {
    let mut app = app_on(
        {
            let store = meedoen::store::Store::temporary().unwrap();
            filled_store(&store);
            store
        },
        Lang::Nl,
    );
    open_fatma(&mut app);
    press(&mut app, KeyCode::Char('h'));
    type_text(&mut app, "6");
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Tab);
    let long = "Slaapt slecht sinds de verhuizing, wordt vaak om vier uur wakker en ligt dan te piekeren over geld";
    type_text(&mut app, long);
    let text = screen(&app, 80, 24);
    assert!(text.contains("Opmerking:"), "{text}");
    // Every word is on screen, over more than one row, none cut.
    let words: std::collections::BTreeSet<&str> = text.split_whitespace().collect();
    assert!(long.split(' ').all(|w| words.contains(w)), "{text}");
    let rows = text.lines().filter(|l| long.split(' ').any(|w| l.split_whitespace().any(|x| x == w))).count();
    assert!(rows >= 2, "{text}");
    // Enter keeps it and goes on; shown wrapped between quotes, whole.
    press(&mut app, KeyCode::Enter);
    assert_eq!(assessment(&app).a.remark(0, 0), long);
    let text = screen(&app, 80, 24);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&format!("“{long}”")), "{text}");
}

/// The wish and the need are texts that wrap over two rows on the summary page: a long wish is
/// seen whole while it is typed and after, and ↓ goes through its rows before the need.
#[test]
fn a_long_wish_wraps_on_the_summary_page() {
    let mut app = app();
    open_fatma(&mut app);
    press(&mut app, KeyCode::Char('h'));
    for _ in 0..7 {
        press(&mut app, KeyCode::PageDown);
    }
    let wish = "Weer elke week met de fietsclub mee kunnen rijden en daarna samen koffie drinken in het clubhuis";
    type_text(&mut app, wish);
    let text = screen(&app, 80, 24);
    assert!(text.contains("Weer elke week") && text.contains("clubhuis"), "{text}");
    // ↑ to the wish's first row and ↓ back to its second stay in the wish; one more ↓ is the need.
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Down);
    assert_eq!(assessment(&app).row, 0);
    press(&mut app, KeyCode::Down);
    assert_eq!(assessment(&app).row, 1);
    type_text(&mut app, "Een maatje");
    let text = screen(&app, 80, 24);
    assert!(text.contains("Weer elke week") && text.contains("clubhuis") && text.contains("Een maatje"), "{text}");
    app.handle_key(ctrl('s'));
    press(&mut app, KeyCode::Char('j'));
    let fatma = app.store.participant_by_number(1001).unwrap();
    let saved = app.store.assessments_of(fatma.id).unwrap();
    assert_eq!((saved[0].wish.as_str(), saved[0].need.as_str()), (wish, "Een maatje"));
}
