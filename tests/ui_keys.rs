//! The UI state machine driven by key sequences, no terminal: what a coach types, what changes.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use common::*;
use meedoen::domain::validate::Invalid;
use meedoen::i18n::Lang;
use meedoen::ui::app::{App, Popup, Screen};
use meedoen::ui::tab::Tab;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ui_common::*;

fn form(app: &App) -> &meedoen::ui::form::Form {
    match app.screen() {
        Screen::Form(f) => &f.form,
        _ => panic!("expected a form on screen"),
    }
}

fn participant_on_screen(app: &App) -> String {
    match app.screen() {
        Screen::Participant(s) => app.caseload.by_id(s.id).unwrap().listed_name(),
        _ => panic!("expected the participant screen"),
    }
}

#[test]
fn intake_asks_the_name_first_and_moves_with_tab_enter_and_shift_tab() {
    let mut app = app();
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(form(&app).focused_key(), "given_names");
    press(&mut app, KeyCode::Tab);
    assert_eq!(form(&app).focused_key(), "prefix");
    press(&mut app, KeyCode::Enter);
    assert_eq!(form(&app).focused_key(), "family_name");
    press(&mut app, KeyCode::Tab);
    assert_eq!(form(&app).focused_key(), "date_of_birth");
    app.handle_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    assert_eq!(form(&app).focused_key(), "family_name");
}

#[test]
fn ctrl_s_without_a_name_saves_nothing_and_says_why() {
    let mut app = app();
    let before = app.caseload.people().len();
    press(&mut app, KeyCode::Char('n'));
    app.handle_key(ctrl('s'));
    assert_eq!(form(&app).error("given_names"), Some(Invalid::Required));
    assert_eq!(form(&app).error("family_name"), Some(Invalid::Required));
    assert_eq!(form(&app).focused_key(), "given_names");
    assert!(app.flash.as_ref().is_some_and(|(_, err)| *err));
    assert_eq!(app.caseload.people().len(), before);
    assert!(screen(&app, 80, 24).contains("Verplicht veld"));
}

#[test]
fn a_full_intake_saved_from_the_middle_is_on_disk_and_opens_the_participant() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("c");
    {
        let mut app = app_on(open(&dir), Lang::Nl);
        press(&mut app, KeyCode::Char('n'));
        type_text(&mut app, "Jan");
        press(&mut app, KeyCode::Tab);
        type_text(&mut app, "van der");
        press(&mut app, KeyCode::Tab);
        type_text(&mut app, "Berg");
        press(&mut app, KeyCode::Tab);
        type_text(&mut app, "3-2-1970");
        press(&mut app, KeyCode::Tab);
        press(&mut app, KeyCode::Char('m'));
        press(&mut app, KeyCode::Tab);
        // Consent to registration: yes.
        press(&mut app, KeyCode::Char('j'));
        press(&mut app, KeyCode::Tab);
        type_text(&mut app, "06 1234 5678");
        press(&mut app, KeyCode::Tab);
        press(&mut app, KeyCode::Tab);
        press(&mut app, KeyCode::Tab);
        press(&mut app, KeyCode::Tab);
        type_text(&mut app, "7411ab");
        app.handle_key(ctrl('s'));
        assert_eq!(participant_on_screen(&app), "Berg, Jan van der");
        assert!(app.flash.as_ref().is_some_and(|(m, err)| !err && m.contains("Opgeslagen")));
    }
    // Reopen the caseload as the next start would.
    let store = open(&dir);
    let p = store.participant_by_number(1001).unwrap();
    assert_eq!((p.given_names.as_str(), p.prefix.as_str(), p.family_name.as_str()), ("Jan", "van der", "Berg"));
    assert_eq!(p.date_of_birth, chrono::NaiveDate::from_ymd_opt(1970, 2, 3));
    assert_eq!(p.gender, meedoen::domain::Gender::Male);
    assert_eq!(p.address.postcode.unwrap().as_str(), "7411 AB");
    assert_eq!(p.start_date, Some(today()));
    assert_eq!(p.planned_end_date, chrono::NaiveDate::from_ymd_opt(2027, 11, 24));
    assert_eq!(p.coach, "Sanne");
    assert_eq!(p.phone, "06 12345678", "kept in the one notation");
    assert!(store.consent(p.id, meedoen::domain::privacy::ConsentScope::Registration).unwrap().is_some());
    assert!(store.drafts().unwrap().is_empty(), "the draft is gone once saved");
}

#[test]
fn an_end_date_before_the_start_is_flagged_when_the_field_is_left() {
    let mut app = app();
    press(&mut app, KeyCode::Char('n'));
    focus(&mut app, "start_date");
    app.handle_key(ctrl('u'));
    type_text(&mut app, "01-03-2026");
    focus(&mut app, "planned_end_date");
    type_text(&mut app, "01-01-2026");
    press(&mut app, KeyCode::Tab);
    assert_eq!(form(&app).error("planned_end_date"), Some(Invalid::EndBeforeStart));
    assert!(screen(&app, 80, 24).contains("Einddatum ligt vóór de startdatum"), "{}", screen(&app, 80, 24));
    // An earlier start date clears it as soon as the start date is left.
    while form(&app).focused_key() != "start_date" {
        press(&mut app, KeyCode::BackTab);
    }
    app.handle_key(ctrl('u'));
    type_text(&mut app, "01-12-2025");
    press(&mut app, KeyCode::Tab);
    assert_eq!(form(&app).error("planned_end_date"), None);
}

#[test]
fn esc_asks_before_throwing_away_what_was_typed() {
    let mut app = app();
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Piet");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.popup(), Some(Popup::Confirm { .. })));
    press(&mut app, KeyCode::Char('n'));
    assert!(app.popup().is_none());
    assert_eq!(form(&app).value("given_names"), "Piet");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('j'));
    assert!(matches!(app.screen(), Screen::Start(_)));
    assert!(app.store.drafts().unwrap().is_empty());
    // An untouched form closes at once.
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen(), Screen::Start(_)));
    assert!(app.popup().is_none());
}

#[test]
fn a_half_typed_intake_survives_a_crash_and_is_offered_again() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("c");
    {
        let mut app = app_on(open(&dir), Lang::Nl);
        press(&mut app, KeyCode::Char('n'));
        type_text(&mut app, "Piet");
        press(&mut app, KeyCode::Tab);
        press(&mut app, KeyCode::Tab);
        type_text(&mut app, "Jansen");
        // Dropped without saving or quitting, as a killed process would leave it.
    }
    let mut app = app_on(open(&dir), Lang::Nl);
    match app.popup() {
        Some(Popup::DraftOffer { description, .. }) => {
            assert!(description.contains("Piet Jansen"), "{description}")
        }
        _ => panic!("the unfinished intake is offered"),
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(form(&app).value("given_names"), "Piet");
    assert_eq!(form(&app).value("family_name"), "Jansen");
    assert_eq!(form(&app).focused_key(), "family_name");
    app.handle_key(ctrl('s'));
    assert_eq!(participant_on_screen(&app), "Jansen, Piet");
}

#[test]
fn a_draft_can_be_thrown_away_or_kept_for_later() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("c");
    {
        let mut app = app_on(open(&dir), Lang::Nl);
        press(&mut app, KeyCode::Char('n'));
        type_text(&mut app, "Kees");
    }
    {
        let mut app = app_on(open(&dir), Lang::Nl);
        press(&mut app, KeyCode::Esc); // later
        assert!(app.popup().is_none());
        press(&mut app, KeyCode::Char('n')); // n offers it again rather than overwriting it
        assert!(matches!(app.popup(), Some(Popup::DraftOffer { .. })));
        press(&mut app, KeyCode::Char('d'));
        assert!(app.popup().is_none());
    }
    let store = open(&dir);
    assert!(store.drafts().unwrap().is_empty());
}

#[test]
fn search_folds_diacritics_and_opens_the_participant() {
    let mut app = app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "ozturk");
    let text = screen(&app, 80, 24);
    let first_row = text.lines().find(|l| l.contains("Öztürk")).unwrap_or("");
    assert!(first_row.contains("Öztürk, Fatma"), "{text}");
    press(&mut app, KeyCode::Enter);
    assert_eq!(participant_on_screen(&app), "Öztürk, Fatma");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen(), Screen::Search(s) if s.query() == "ozturk"));
    // Back on the results, typing goes on with the query...
    type_text(&mut app, "x");
    assert!(matches!(app.screen(), Screen::Search(s) if s.query() == "ozturkx"));
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen(), Screen::Start(_)));
}

/// Back from a person to the results, `/` starts a new search as it does on every other screen,
/// rather than typing a slash behind the old query.
#[test]
fn slash_after_a_person_starts_a_new_search() {
    let mut app = app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "ozturk");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    assert!(matches!(app.screen(), Screen::Search(s) if s.query().is_empty()));
    type_text(&mut app, "berg");
    press(&mut app, KeyCode::Enter);
    assert_eq!(participant_on_screen(&app), "Berg, Jan van der");
    // A slash typed inside a query is still a slash (a date of birth 3/2/70).
    press(&mut app, KeyCode::Esc);
    type_text(&mut app, "x");
    press(&mut app, KeyCode::Char('/'));
    assert!(matches!(app.screen(), Screen::Search(s) if s.query() == "bergx/"));
}

/// A date of birth typed as dd-mm-jjjj or d-m-jj lists the one person born that day, with the
/// date on the line, at 80x24.
#[test]
fn search_by_date_of_birth_lists_the_person() {
    for typed in ["03-02-1970", "3-2-70"] {
        let mut app = app();
        press(&mut app, KeyCode::Char('/'));
        type_text(&mut app, typed);
        let text = screen(&app, 80, 24);
        assert!(text.contains("1 gevonden"), "{typed}: {text}");
        assert!(text.lines().any(|l| l.contains("Berg, Jan van der") && l.contains("03-02-1970")), "{text}");
        press(&mut app, KeyCode::Enter);
        assert_eq!(participant_on_screen(&app), "Berg, Jan van der");
    }
}

#[test]
fn vd_berg_finds_jan_van_der_berg() {
    let mut app = app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "vd berg");
    press(&mut app, KeyCode::Enter);
    assert_eq!(participant_on_screen(&app), "Berg, Jan van der");
}

#[test]
fn edit_rejects_a_bad_phone_then_saves_the_fix() {
    let mut app = app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "celik");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('e'));
    assert_eq!(form(&app).value("family_name"), "Çelik");
    while form(&app).focused_key() != "phone" {
        press(&mut app, KeyCode::Tab);
    }
    app.handle_key(ctrl('u'));
    type_text(&mut app, "12345");
    press(&mut app, KeyCode::Tab);
    assert_eq!(form(&app).error("phone"), Some(Invalid::Phone));
    app.handle_key(ctrl('s'));
    assert_eq!(form(&app).focused_key(), "phone");
    app.handle_key(ctrl('u'));
    type_text(&mut app, "0687654321");
    app.handle_key(ctrl('s'));
    assert_eq!(participant_on_screen(&app), "Çelik, Emre");
    assert!(screen(&app, 80, 24).contains("06 87654321"));
    assert_eq!(app.store.participant_by_number(1004).unwrap().phone, "06 87654321");
}

#[test]
fn q_quits_from_screens_but_is_a_letter_while_typing() {
    let mut app = app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "q");
    assert!(!app.quit);
    assert!(matches!(app.screen(), Screen::Search(s) if s.query() == "q"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "q");
    assert!(!app.quit);
    assert_eq!(form(&app).value("given_names"), "q");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn help_lists_the_keys_of_the_screen_and_closes_with_esc() {
    let mut app = app();
    press(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.popup(), Some(Popup::Help)));
    let text = screen(&app, 80, 24);
    assert!(text.contains("nieuwe intake") && text.contains("stoppen"), "{text}");
    press(&mut app, KeyCode::Esc);
    assert!(app.popup().is_none());
    // In a form, F1 opens help and typed letters stay letters.
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::F(1));
    assert!(screen(&app, 80, 24).contains("Ctrl+S"));
}

#[test]
fn the_participant_help_shows_every_key_at_80x24_in_two_columns() {
    let mut app = app();
    open_person(&mut app, "berg");
    press(&mut app, KeyCode::Char('?'));
    let text = screen(&app, 80, 24);
    // The last keys of the list, cut off when it was one column taller than the screen.
    for key in ["zoeken", "terug", "help", "stoppen", "wijzigen", "doorverwijzing"] {
        assert!(text.contains(key), "{key} missing from\n{text}");
    }
    // A screen tall enough keeps one column.
    let text = screen(&app, 80, 40);
    let row = text.lines().find(|l| l.contains("wijzigen")).unwrap_or_default();
    assert!(!row.contains("signaal"), "{text}");
}

#[test]
fn the_list_sorts_under_the_family_name() {
    let mut app = app();
    press(&mut app, KeyCode::Char('l'));
    let text = screen(&app, 80, 24);
    let pos = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} not in\n{text}"));
    assert!(pos("Aalders, Piet") < pos("Berg, Jan van der"));
    assert!(pos("Berg, Jan van der") < pos("Çelik, Emre"));
    assert!(pos("Çelik, Emre") < pos("Öztürk, Fatma"));
    // Closed trajectories are hidden until asked for.
    assert!(!text.contains("Vries, Anna de"));
    press(&mut app, KeyCode::Char('a'));
    assert!(screen(&app, 80, 24).contains("Vries, Anna de"));
}

#[test]
fn choice_fields_take_arrows_and_the_first_letter() {
    let mut app = app();
    press(&mut app, KeyCode::Char('n'));
    while form(&app).focused_key() != "gender" {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(form(&app).value("gender"), "female");
    press(&mut app, KeyCode::Right);
    assert_eq!(form(&app).value("gender"), "male");
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Left);
    assert_eq!(form(&app).value("gender"), "unknown");
}

#[test]
fn a_key_that_changes_nothing_asks_for_no_redraw() {
    let mut app = app();
    assert!(!press(&mut app, KeyCode::Char('z')));
    assert!(!press(&mut app, KeyCode::Up), "already at the top");
    assert!(press(&mut app, KeyCode::Down));
    assert!(!press(&mut app, KeyCode::Esc), "the start screen stays");
}

#[test]
fn participant_tabs_cycle() {
    let mut app = app();
    open_person(&mut app, "ozturk");
    assert!(matches!(app.screen(), Screen::Participant(s) if s.tab == Tab::Profile));
    press(&mut app, KeyCode::Tab);
    assert!(matches!(app.screen(), Screen::Participant(s) if s.tab == Tab::PositiveHealth));
    app.handle_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    app.handle_key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    assert!(matches!(app.screen(), Screen::Participant(s) if s.tab == Tab::Privacy));
}

#[test]
fn the_start_screen_counts_per_status_and_says_who_needs_attention() {
    let app = app();
    let text = screen(&app, 80, 24);
    // Sanne: 1 referred, 1 intake, 2 active, 0 extended (closed ones are not counted here).
    let mine = text.lines().find(|l| l.contains("Mijn (Sanne):")).unwrap();
    assert!(mine.contains("1 aangemeld · 1 intake · 2 actief · 0 verlengd"), "{mine}");
    assert!(text.contains("── Vandaag 24-11-2026"), "{text}");
    // Çelik was referred (no referral date: counted from the record's creation, 40 days ago)
    // and never met: that is the first line of the attention list.
    let first = text.lines().skip_while(|l| !l.contains("Aandacht (")).nth(1).unwrap();
    assert!(first.contains("Çelik, Emre") && first.contains("geen eerste contact"), "{text}");
    assert!(!text.contains("Şahin"), "another coach's participant is not in my list");
}

/// The profile scrolls by page and to its ends: `PgDn` ten lines, `End` to its last line (and
/// no further), `Home` back to the top (a small terminal, so the profile is three pages long).
#[test]
fn the_profile_scrolls_by_page_and_to_its_ends() {
    let mut app = app();
    open_person(&mut app, "öztürk");
    let top = screen(&app, 80, 14);
    assert!(press(&mut app, KeyCode::PageDown));
    let paged = screen(&app, 80, 14);
    assert_ne!(paged, top);
    assert!(press(&mut app, KeyCode::End));
    let end = screen(&app, 80, 14);
    assert!(!press(&mut app, KeyCode::Down), "at the end already");
    assert!(!press(&mut app, KeyCode::PageDown), "at the end already");
    assert_eq!(screen(&app, 80, 14), end);
    assert!(press(&mut app, KeyCode::Home));
    assert_eq!(screen(&app, 80, 14), top);
}

/// A date or time is shown the usual way as soon as its field is left: "1-12-2026" becomes
/// 01-12-2026, "9.30" 09:30; a wrong one stays as typed, with its message.
#[test]
fn a_date_and_a_time_are_written_out_when_their_field_is_left() {
    let mut app = app();
    open_person(&mut app, "öztürk");
    press(&mut app, KeyCode::Char('a'));
    focus(&mut app, "next_date");
    for _ in 0..12 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "1-12-2026");
    press(&mut app, KeyCode::Tab);
    for _ in 0..8 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "9.30");
    press(&mut app, KeyCode::Tab);
    let s = screen(&app, 80, 24);
    assert!(s.contains("01-12-2026") && !s.contains(" 1-12-2026"), "{s}");
    assert!(s.contains("09:30"), "{s}");
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::BackTab);
    type_text(&mut app, "x");
    press(&mut app, KeyCode::Tab);
    assert!(screen(&app, 80, 24).contains("01-12-2026x"), "kept as typed when it is not a date");
}

/// An intake of someone already in the caseload (the same names and date of birth, typed in
/// another case and without the accents) asks first and names the person there: `n` goes back
/// to the form, `o` opens the one already there (nothing new saved), `j` registers anyway.
#[test]
fn an_intake_of_someone_already_there_asks_first_and_can_open_them_instead() {
    let intake = |app: &mut App| {
        press(app, KeyCode::Char('n'));
        type_text(app, "fatma");
        press(app, KeyCode::Tab);
        press(app, KeyCode::Tab);
        type_text(app, "OZTURK");
        press(app, KeyCode::Tab);
        type_text(app, "4-5-1966");
        app.handle_key(ctrl('s'));
    };
    let mut app = app();
    let before = app.caseload.people().len();
    intake(&mut app);
    let text = screen(&app, 80, 24);
    assert!(text.contains("Öztürk, Fatma (1001, geboren 04-05-1966"), "{text}");
    let words = text.replace('│', " ").split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("staat al in de caseload"), "{text}");
    assert!(words.contains("o: Öztürk, Fatma openen"), "{text}");
    press(&mut app, KeyCode::Char('n'));
    assert!(matches!(app.screen(), meedoen::ui::app::Screen::Form(_)), "back on the form");
    app.handle_key(ctrl('s'));
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(participant_on_screen(&app), "Öztürk, Fatma");
    assert_eq!(app.caseload.people().len(), before, "nothing new saved");
    assert!(app.store.drafts().unwrap().is_empty(), "the intake typed is dropped");
    // Registered anyway, when the coach says so.
    press(&mut app, KeyCode::Esc);
    intake(&mut app);
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.caseload.people().len(), before + 1);
}
