//! Correcting a saved Positive Health conversation, withdrawing one saved by mistake, and the
//! question before a conversation with whole dimensions unanswered is saved: driven by keys as
//! a coach would, with what the coach, the privacy tab and the person's export then show.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use common::*;
use meedoen::domain::health::{Assessment, Corrected};
use meedoen::domain::privacy::AccessAction;
use meedoen::i18n::{Lang, Strings};
use meedoen::store::Store;
use meedoen::ui::app::{App, Popup, Screen};
use meedoen::ui::tab::Tab;
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Fatma with three conversations; the latest (02-11-2026) has the aspects of Zingeving scored
/// (7, 6, 5: mean 6,0, kept as her mark) and a remark on the first.
fn fatma_with_three() -> App {
    let store = Store::temporary().unwrap();
    filled_store(&store);
    let fatma = store.participant_by_number(1001).unwrap();
    let mut first = Assessment::new(fatma.id, day(2026, 3, 2), "Sanne", now());
    first.overall = [Some(40), Some(50), Some(60), Some(50), Some(30), Some(70)];
    first.ladder = Some(2);
    let mut second = Assessment::new(fatma.id, day(2026, 7, 6), "Sanne", now());
    second.overall = [Some(55), Some(50), Some(55), Some(60), Some(45), Some(70)];
    second.ladder = Some(3);
    let mut third = Assessment::new(fatma.id, day(2026, 11, 2), "Sanne", now());
    third.scores[2][..3].copy_from_slice(&[Some(7), Some(6), Some(5)]);
    third.set_remark(2, 0, "vrijwilligerswerk geeft zin".into());
    third.overall = [Some(60), Some(65), Some(60), Some(65), Some(60), Some(72)];
    third.ladder = Some(3);
    for a in [&first, &second, &third] {
        store.save_assessment(a).unwrap();
    }
    app_on(store, Lang::Nl)
}

/// Opens Fatma on the Positive Health tab.
fn health_tab(app: &mut App) {
    open_person(app, "ozturk");
    to_tab(app, Tab::PositiveHealth);
}

fn to_tab(app: &mut App, tab: Tab) {
    for _ in 0..Tab::ALL.len() {
        if matches!(app.screen(), Screen::Participant(s) if s.tab == tab) {
            return;
        }
        press(app, KeyCode::Tab);
    }
    panic!("no {tab:?} tab on\n{}", screen(app, 80, 24));
}

fn fatmas(app: &App) -> Vec<Assessment> {
    let fatma = app.store.participant_by_number(1001).unwrap();
    app.store.assessments_of(fatma.id).unwrap()
}

/// The screen's words with the popup's border taken out (a wrapped message reads as one).
fn words(app: &App) -> String {
    screen(app, 80, 24).replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn access_log(app: &App) -> Vec<AccessAction> {
    let fatma = app.store.participant_by_number(1001).unwrap();
    app.store.access_log_of(fatma.id).unwrap().into_iter().map(|e| e.action).collect()
}

#[test]
fn a_corrected_score_shows_with_the_old_value_in_the_history() {
    let mut app = fatma_with_three();
    health_tab(&mut app);
    let before = fatmas(&app);
    // Enter corrects the chosen one (the newest): the conversation opens on what was saved.
    press(&mut app, KeyCode::Enter);
    let text = screen(&app, 80, 24);
    assert!(text.contains("Correctie Positieve Gezondheid — Öztürk, Fatma — 02-11-2026"), "{text}");
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    assert!(screen(&app, 80, 24).contains("Zinvol leven"));
    // "A meaningful life" was a 7; the participant meant a 4. Her mark, the mean, follows.
    type_text(&mut app, "4");
    app.handle_key(ctrl('s'));
    let asked = words(&app);
    assert!(
        asked.contains("Correctie van het gesprek van 02-11-2026: Zinvol leven 7 → 4; cijfer Zingeving 6,0 → 5,0"),
        "{asked}"
    );
    assert!(matches!(app.popup(), Some(Popup::Reason { .. })));
    type_text(&mut app, "verkeerd verstaan");
    press(&mut app, KeyCode::Enter);
    // Back on the tab with the same conversation chosen: the new mark and the history line.
    assert!(matches!(app.screen(), Screen::Participant(s) if s.tab == Tab::PositiveHealth));
    let text = screen(&app, 80, 24);
    assert!(text.contains("02-11-2026    6,0   6,5   5,0   6,5   6,0   7,2  3  ✎ gecorrigeerd"), "{text}");
    let shown = words(&app);
    assert!(
        shown.contains("✎ 24-11-2026 Sanne: Zinvol leven 7 → 4; cijfer Zingeving 6,0 → 5,0 · reden: verkeerd verstaan"),
        "{text}"
    );
    // The saved record keeps its id and date; the previous values are in its history.
    let after = fatmas(&app);
    assert_eq!(after.len(), 3, "a correction adds no conversation");
    let (old, new) = (&before[2], &after[2]);
    assert_eq!((new.id, new.date, new.coach.as_str()), (old.id, old.date, "Sanne"));
    assert_eq!(
        (new.scores[2][0], new.overall[2], new.remark(2, 0)),
        (Some(4), Some(50), "vrijwilligerswerk geeft zin")
    );
    assert_eq!(new.corrections.len(), 1);
    let c = &new.corrections[0];
    assert_eq!((c.on, c.coach.as_str(), c.reason.as_str()), (today(), "Sanne", "verkeerd verstaan"));
    assert_eq!(
        c.changes,
        vec![
            Corrected::Score { dimension: 2, aspect: 0, old: Some(7), new: Some(4) },
            Corrected::Mark { dimension: 2, old: Some(60), new: Some(50) },
        ]
    );
    assert_eq!(&after[..2], &before[..2], "the others are untouched");
    assert!(store_has_no_draft(&app));
    // The access log says who corrected it, and the privacy tab says so in Dutch.
    assert!(access_log(&app).contains(&AccessAction::Recorded("assessment_corrected".into())));
    to_tab(&mut app, Tab::Privacy);
    let text = screen(&app, 80, 24);
    // (The log's column is cut at 80 columns.)
    assert!(text.contains("Sanne            vastgelegd: correctie van een Positieve"), "{text}");
}

fn store_has_no_draft(app: &App) -> bool {
    app.store.assessment_drafts().unwrap().is_empty()
}

#[test]
fn a_remark_and_an_answer_are_corrected_and_nothing_changed_says_so() {
    let mut app = fatma_with_three();
    health_tab(&mut app);
    // Opened and saved unchanged: nothing is written, and the coach is told.
    press(&mut app, KeyCode::Enter);
    app.handle_key(ctrl('s'));
    assert!(matches!(app.screen(), Screen::Participant(_)));
    assert!(screen(&app, 80, 24).contains("Niets gewijzigd"), "{}", screen(&app, 80, 24));
    assert!(fatmas(&app)[2].corrections.is_empty());
    // The remark of "A meaningful life" and the wish on the summary.
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Tab);
    for _ in 0..40 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "zoekt vrijwilligerswerk");
    press(&mut app, KeyCode::Enter);
    for _ in 0..6 {
        press(&mut app, KeyCode::PageDown);
    }
    type_text(&mut app, "Weer fietsen");
    app.handle_key(ctrl('s'));
    // No reason given: a correction may be saved without one.
    press(&mut app, KeyCode::Enter);
    let a = &fatmas(&app)[2];
    assert_eq!((a.remark(2, 0), a.wish.as_str()), ("zoekt vrijwilligerswerk", "Weer fietsen"));
    assert_eq!(
        a.corrections[0].changes,
        vec![
            Corrected::Remark {
                dimension: 2,
                aspect: 0,
                old: "vrijwilligerswerk geeft zin".into(),
                new: "zoekt vrijwilligerswerk".into()
            },
            Corrected::Wish { old: String::new(), new: "Weer fietsen".into() },
        ]
    );
    let shown = words(&app);
    assert!(
        shown.contains(
            "✎ 24-11-2026 Sanne: opmerking bij Zinvol leven “vrijwilligerswerk geeft zin” → “zoekt vrijwilligerswerk”; wens – → “Weer fietsen”"
        ),
        "{shown}"
    );
}

#[test]
fn a_withdrawn_conversation_is_kept_marked_and_left_out_of_the_web_and_the_comparison() {
    let mut app = fatma_with_three();
    health_tab(&mut app);
    // The middle one (06-07-2026) was saved by mistake.
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char('w'));
    assert!(words(&app).contains("Het gesprek van 06-07-2026 intrekken (per ongeluk opgeslagen)?"), "{}", words(&app));
    // Not without a reason.
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.popup(), Some(Popup::Reason { .. })));
    assert!(words(&app).contains("Geef een reden"), "{}", words(&app));
    type_text(&mut app, "dubbel ingevoerd");
    press(&mut app, KeyCode::Enter);
    assert!(app.popup().is_none());
    let text = screen(&app, 80, 24);
    assert!(text.contains("06-07-2026    5,5   5,0   5,5   6,0   4,5   7,0  3  ingetrokken 24-11-2026"), "{text}");
    assert!(words(&app).contains("⊘ 24-11-2026 Sanne: ingetrokken · reden: dubbel ingevoerd"), "{text}");
    assert!(words(&app).contains("Dit gesprek is ingetrokken op 24-11-2026 door Sanne"), "{}", words(&app));
    assert!(!text.contains("Verandering sinds vorige"), "no web for a withdrawn one: {text}");
    // Kept, not deleted; in the access log.
    let all = fatmas(&app);
    assert_eq!(all.len(), 3);
    assert!(all[1].is_withdrawn() && !all[0].is_withdrawn() && !all[2].is_withdrawn());
    assert!(access_log(&app).contains(&AccessAction::Recorded("assessment_withdrawn".into())));
    // Neither compared nor corrected.
    press(&mut app, KeyCode::Char(' '));
    assert!(screen(&app, 80, 24).contains("Een ingetrokken gesprek wordt niet vergeleken."));
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen(), Screen::Participant(_)), "no correction of a withdrawn one");
    // The newest is compared with the one before it that counts: 02-03, not 06-07.
    press(&mut app, KeyCode::Down);
    let text = screen(&app, 80, 24);
    assert!(text.contains("● 02-11-2026   ○ 02-03-2026"), "{text}");
    assert!(text.contains("▲ Lichaam") && text.contains("+2,0"), "body 4,0 -> 6,0: {text}");
    // w on a withdrawn one takes the withdrawal back (with a reason); it counts again.
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char('w'));
    assert!(words(&app).contains("Het ingetrokken gesprek van 06-07-2026 terugzetten?"), "{}", words(&app));
    type_text(&mut app, "toch het goede gesprek");
    press(&mut app, KeyCode::Enter);
    let all = fatmas(&app);
    assert!(!all[1].is_withdrawn());
    assert_eq!(all[1].corrections.len(), 2, "both in the history");
    assert!(access_log(&app).contains(&AccessAction::Recorded("assessment_restored".into())));
    press(&mut app, KeyCode::Down);
    assert!(screen(&app, 80, 24).contains("● 02-11-2026   ○ 06-07-2026"));
}

/// A withdrawn conversation is not written as a spider web either, and the latest one that
/// counts is chosen when the tab opens.
#[test]
fn the_newest_that_counts_is_chosen_and_a_withdrawn_one_is_not_drawn() {
    let mut app = fatma_with_three();
    let tmp = tempfile::tempdir().unwrap();
    app.export_dir = Some(tmp.path().to_path_buf());
    health_tab(&mut app);
    press(&mut app, KeyCode::Char('w'));
    type_text(&mut app, "bij de verkeerde deelnemer");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('x'));
    assert!(screen(&app, 80, 24).contains("Een ingetrokken gesprek wordt niet als spinnenweb opgeslagen."));
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    // Left (to the search, then the start screen) and opened again.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    health_tab(&mut app);
    let text = screen(&app, 80, 24);
    assert!(text.contains("● 06-07-2026   ○ 02-03-2026"), "{text}");
}

#[test]
fn saving_with_whole_dimensions_unanswered_asks_first() {
    let mut app = fatma_with_three();
    open_person(&mut app, "ozturk");
    press(&mut app, KeyCode::Char('h'));
    // Every dimension but Zingeving (3rd) and Meedoen (5th) gets a score.
    for d in 0..6 {
        if d != 2 && d != 4 {
            type_text(&mut app, "6");
        }
        press(&mut app, KeyCode::PageDown);
    }
    app.handle_key(ctrl('s'));
    assert!(words(&app).contains("Nog niet beantwoord: Zingeving, Meedoen. Toch opslaan?"), "{}", words(&app));
    // No: back in the conversation, on the first unanswered dimension; nothing saved.
    press(&mut app, KeyCode::Char('n'));
    match app.screen() {
        Screen::Assessment(s) => assert_eq!((s.page, s.row), (2, 0)),
        _ => panic!("back in the conversation"),
    }
    assert!(screen(&app, 80, 24).contains("Dimensie 3 van 6: Zingeving"));
    assert_eq!(fatmas(&app).len(), 3);
    // Zingeving answered now; asked again for Meedoen alone, and yes saves.
    type_text(&mut app, "8");
    app.handle_key(ctrl('s'));
    assert!(words(&app).contains("Nog niet beantwoord: Meedoen. Toch opslaan?"), "{}", words(&app));
    press(&mut app, KeyCode::Char('j'));
    assert!(matches!(app.screen(), Screen::Participant(s) if s.tab == Tab::PositiveHealth));
    let all = fatmas(&app);
    assert_eq!(all.len(), 4);
    assert_eq!((all[3].scores[2][0], all[3].mean_tenths(4)), (Some(8), None));
}

/// A correction that empties a dimension asks too; one that leaves a dimension as unanswered as
/// it was does not ask again.
#[test]
fn a_correction_asks_only_for_dimensions_it_leaves_unanswered() {
    let store = Store::temporary().unwrap();
    filled_store(&store);
    let fatma = store.participant_by_number(1001).unwrap();
    let mut a = Assessment::new(fatma.id, day(2026, 11, 2), "Sanne", now());
    a.scores[0][0] = Some(5);
    a.overall[0] = Some(50);
    a.scores[1][0] = Some(6);
    a.overall[1] = Some(60);
    store.save_assessment(&a).unwrap();
    let mut app = app_on(store, Lang::Nl);
    health_tab(&mut app);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Backspace); // the body's only score skipped: its mark follows
    app.handle_key(ctrl('s'));
    assert!(words(&app).contains("Nog niet beantwoord: Lichaamsfuncties. Toch opslaan?"), "{}", words(&app));
    press(&mut app, KeyCode::Char('j'));
    assert!(matches!(app.popup(), Some(Popup::Reason { .. })), "then the reason of the correction");
    press(&mut app, KeyCode::Enter);
    let saved = fatmas(&app).remove(0);
    assert_eq!((saved.scores[0][0], saved.overall[0], saved.overall[1]), (None, None, Some(60)));
}

/// A correction half done when the program stopped is offered as a correction at the next
/// start, and saved as one (never as a second conversation); while a new conversation is
/// unfinished, a correction of another waits for it.
#[test]
fn an_unfinished_correction_survives_a_crash_and_stays_a_correction() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("c");
    {
        let store = open(&dir);
        filled_store(&store);
        let fatma = store.participant_by_number(1001).unwrap();
        let mut a = Assessment::new(fatma.id, day(2026, 11, 2), "Sanne", now());
        a.scores[0][0] = Some(6);
        a.overall[0] = Some(60);
        store.save_assessment(&a).unwrap();
        let mut app = app_on(store, Lang::Nl);
        health_tab(&mut app);
        press(&mut app, KeyCode::Enter);
        type_text(&mut app, "9");
        // Killed here.
    }
    let mut app = app_on(open(&dir), Lang::Nl);
    assert!(
        matches!(app.popup(), Some(Popup::AssessmentOffer { description, .. })
            if description.contains("onafgemaakte correctie van het gesprek Positieve Gezondheid van 02-11-2026 met Öztürk, Fatma")),
        "{}",
        screen(&app, 80, 24)
    );
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app, 80, 24).contains("Correctie Positieve Gezondheid"));
    app.handle_key(ctrl('s'));
    press(&mut app, KeyCode::Enter);
    let all = fatmas(&app);
    assert_eq!(all.len(), 1, "still one conversation");
    assert_eq!(
        all[0].corrections[0].changes,
        vec![
            Corrected::Score { dimension: 0, aspect: 0, old: Some(6), new: Some(9) },
            Corrected::Mark { dimension: 0, old: Some(60), new: Some(90) },
        ]
    );
    assert!(store_has_no_draft(&app));
    // A new conversation begun and left unfinished: a correction waits until it is done.
    press(&mut app, KeyCode::Char('h'));
    type_text(&mut app, "5");
    drop(app);
    let mut app = app_on(open(&dir), Lang::Nl);
    press(&mut app, KeyCode::Esc); // the offer: later
    health_tab(&mut app);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen(), Screen::Participant(_)));
    assert!(words(&app).contains("Er is nog een onafgemaakt gesprek met deze deelnemer"), "{}", words(&app));
}

#[test]
fn the_tab_with_a_corrected_and_a_withdrawn_conversation_at_80x24() {
    let mut app = fatma_with_three();
    health_tab(&mut app);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char('w'));
    type_text(&mut app, "dubbel ingevoerd");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "8");
    app.handle_key(ctrl('s'));
    type_text(&mut app, "typefout");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app, 80, 24).contains("Correctie opgeslagen"));
    // The next key takes the message away: the footer shows the keys again.
    press(&mut app, KeyCode::Down);
    insta::assert_snapshot!("health_tab_corrected_and_withdrawn", screen(&app, 80, 24));
    for (w, h) in [(1, 1), (20, 6), (40, 12), (120, 40)] {
        let _ = screen(&app, w, h);
    }
}

/// The person's export (a request of access) holds the history in Dutch: every correction with
/// the old and the new value, and the day of the withdrawal.
#[test]
fn the_persons_export_shows_the_corrections_and_the_withdrawal_in_dutch() {
    let mut app = fatma_with_three();
    health_tab(&mut app);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    type_text(&mut app, "4");
    app.handle_key(ctrl('s'));
    type_text(&mut app, "verkeerd verstaan");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char('w'));
    type_text(&mut app, "dubbel ingevoerd");
    press(&mut app, KeyCode::Enter);
    let store = app.into_store();
    let fatma = store.participant_by_number(1001).unwrap();
    let export = meedoen::export_person::build(&store, &fatma, "Sanne", now()).unwrap();
    let json = serde_json::to_value(&export).unwrap();
    let corrected = &json["assessments"][2];
    assert_eq!(corrected["corrections"][0]["changes"][0]["what"], "score");
    assert_eq!(corrected["corrections"][0]["changes"][0]["aspect"], "meaningful_life");
    assert_eq!(
        (
            corrected["corrections"][0]["changes"][0]["old"].as_u64(),
            corrected["dimensions"][2]["aspects"][0]["score"].as_u64()
        ),
        (Some(7), Some(4))
    );
    assert_eq!(json["assessments"][1]["withdrawn_on"], "2026-11-24");
    let text = meedoen::export_person::text(&export, &Strings::new(Lang::Nl)).unwrap();
    for line in [
        "Correcties:",
        "Wat: cijfer van een aspect",
        "Dimensie: Zingeving",
        "Aspect: Zinvol leven",
        "Oude waarde: 7",
        "Nieuwe waarde: 4",
        "Wat: eigen cijfer",
        "Oude waarde: 6,0",
        "Reden: verkeerd verstaan",
        "Ingetrokken op: 24-11-2026",
        "Wat: ingetrokken",
        "Reden: dubbel ingevoerd",
    ] {
        assert!(text.lines().any(|l| l.trim() == line), "{line:?} not in\n{text}");
    }
}
