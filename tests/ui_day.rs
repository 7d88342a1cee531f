//! The coach's day, driven by keys: contacts and appointments, the trajectory from referral to
//! advice, signals and referrals, and the start screen's attention list.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use common::*;
use meedoen::domain::Status;
use meedoen::ui::app::{App, Screen};
use meedoen::ui::tab::Tab;
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

fn flash(app: &App) -> String {
    app.flash.as_ref().map(|(m, _)| m.clone()).unwrap_or_default()
}

fn status_of(app: &App, family: &str) -> Status {
    app.caseload.people().iter().find(|p| p.family_name == family).unwrap().status
}

#[test]
fn logging_a_contact_with_the_next_appointment() {
    let mut app = app();
    open_person(&mut app, "ozturk");
    assert!(screen(&app, 80, 24).contains("Laatste contact: nog geen contact gehad"));
    press(&mut app, KeyCode::Char('c'));
    focus(&mut app, "summary");
    type_text(&mut app, "Samen koffie gedronken");
    focus(&mut app, "next_date");
    type_text(&mut app, "24-11-2026");
    press(&mut app, KeyCode::Tab);
    app.handle_key(ctrl('u'));
    type_text(&mut app, "15:30");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "buurthuis");
    app.handle_key(ctrl('s'));
    assert!(matches!(app.screen(), Screen::Participant(s) if s.tab == Tab::Contacts));
    let text = screen(&app, 80, 24);
    assert!(text.contains("huisbezoek · 45 min") && text.contains("Samen koffie gedronken"), "{text}");
    assert!(text.contains("24-11-2026 15:30  buurthuis"), "{text}");
    // Back on the start screen the appointment is today's, and Fatma is off the attention list.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    let text = screen(&app, 80, 24);
    assert!(text.contains("15:30  afspraak  Öztürk, Fatma · buurthuis"), "{text}");
    let attention: String = text.lines().skip_while(|l| !l.contains("Aandacht (")).collect();
    assert!(!attention.contains("Öztürk"), "{text}");
}

/// Fatma's contact form, with `value` typed over the field `key`.
fn new_contact_with(app: &mut App, key: &str, value: &str) {
    open_person(app, "ozturk");
    press(app, KeyCode::Char('c'));
    focus(app, key);
    app.handle_key(ctrl('u'));
    type_text(app, value);
}

#[test]
fn a_contact_yesterday_reads_gisteren_not_one_days() {
    let mut app = app();
    new_contact_with(&mut app, "date", "23-11-2026");
    focus(&mut app, "summary");
    type_text(&mut app, "Even gebeld");
    app.handle_key(ctrl('s'));
    press(&mut app, KeyCode::BackTab);
    while !matches!(app.screen(), Screen::Participant(s) if s.tab == Tab::Profile) {
        press(&mut app, KeyCode::BackTab);
    }
    let text = screen(&app, 80, 24);
    assert!(text.contains("Laatste contact: gisteren"), "{text}");
    assert!(!text.contains("1 dagen"), "{text}");
}

#[test]
fn a_contact_saved_from_a_scrolled_profile_shows_the_contacts_from_the_top() {
    let mut app = app();
    open_person(&mut app, "ozturk");
    for _ in 0..14 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Char('c'));
    focus(&mut app, "summary");
    type_text(&mut app, "Gesprek na het scrollen");
    app.handle_key(ctrl('s'));
    assert!(matches!(app.screen(), Screen::Participant(s) if s.tab == Tab::Contacts));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Gesprek na het scrollen"), "the new contact is in sight: {text}");
}

#[test]
fn a_contact_of_five_minutes_is_fine_and_the_message_says_what_is() {
    let mut app = app();
    new_contact_with(&mut app, "minutes", "abc");
    press(&mut app, KeyCode::Tab);
    let text = screen(&app, 80, 24);
    assert!(text.contains("Minuten, 0 tot 600"), "{text}");
    // Back to the field (Tab stops at the last one and does not wrap).
    press(&mut app, KeyCode::BackTab);
    app.handle_key(ctrl('u'));
    type_text(&mut app, "5");
    press(&mut app, KeyCode::Tab);
    assert!(!screen(&app, 80, 24).contains("⚠"), "{}", screen(&app, 80, 24));
}

#[test]
fn a_failed_attempt_is_logged_but_is_no_contact() {
    let mut app = app();
    open_person(&mut app, "berg");
    press(&mut app, KeyCode::Char('c'));
    focus(&mut app, "reached");
    press(&mut app, KeyCode::Char('g')); // geen gehoor
    app.handle_key(ctrl('s'));
    assert!(screen(&app, 80, 24).contains("✗ geen gehoor"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    let text = screen(&app, 80, 24);
    assert!(text.lines().any(|l| l.contains("Berg, Jan van der") && l.contains("nog nooit contact")), "{text}");
}

#[test]
fn the_trajectory_from_referral_to_closing_and_back() {
    let mut app = app();
    // Çelik is referred: + asks, then moves on to intake, then active.
    open_person(&mut app, "celik");
    press(&mut app, KeyCode::Char('+'));
    let s = screen(&app, 80, 24);
    assert!(s.contains("van Aangemeld naar Intake zetten?"), "{s}");
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(status_of(&app, "Çelik"), Status::Referred, "no: nothing changed");
    press(&mut app, KeyCode::Char('+'));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(status_of(&app, "Çelik"), Status::Intake);
    press(&mut app, KeyCode::Char('+'));
    let s = screen(&app, 80, 24);
    assert!(s.contains("naar Actief zetten?") && s.contains("De startdatum wordt 24-11-2026."), "{s}");
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(status_of(&app, "Çelik"), Status::Active);
    // Both steps are in the access log, as every change is.
    let celik = app.caseload.people().iter().find(|p| p.family_name == "Çelik").unwrap().id;
    let steps = app.store.access_log_of(celik).unwrap();
    let steps = steps
        .iter()
        .filter(|e| matches!(&e.action, meedoen::domain::privacy::AccessAction::Recorded(w) if w == "advance"))
        .count();
    assert_eq!(steps, 2);
    // Active is not a phase `+` leads on from: it says so and asks nothing.
    press(&mut app, KeyCode::Char('+'));
    assert!(flash(&app).contains("geen stap"), "{}", flash(&app));
    assert!(matches!(app.screen(), Screen::Participant(_)));
    // Extend: once, with a reason, by a year.
    press(&mut app, KeyCode::Char('v'));
    app.handle_key(ctrl('s'));
    assert!(matches!(app.screen(), Screen::Form(_)), "no reason, not saved");
    type_text(&mut app, "Groeit zichtbaar");
    app.handle_key(ctrl('s'));
    assert_eq!(status_of(&app, "Çelik"), Status::Extended);
    let p = app.caseload.people().iter().find(|p| p.family_name == "Çelik").unwrap();
    assert_eq!(p.planned_end_date, chrono::NaiveDate::from_ymd_opt(2028, 11, 24));
    press(&mut app, KeyCode::Char('v'));
    type_text(&mut app, "Nog een jaar");
    app.handle_key(ctrl('s'));
    assert!(flash(&app).contains("al eens verlengd"), "{}", flash(&app));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('j'));
    // Closing needs an advice.
    press(&mut app, KeyCode::Char('b'));
    app.handle_key(ctrl('s'));
    assert!(screen(&app, 80, 24).contains("Verplicht veld"));
    focus(&mut app, "advice");
    type_text(&mut app, "Verder met vrijwilligerswerk");
    app.handle_key(ctrl('s'));
    assert_eq!(status_of(&app, "Çelik"), Status::Closed);
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("Afgesloten op 24-11-2026") && text.contains("Advies: Verder met vrijwilligerswerk"),
        "{text}"
    );
    assert!(text.contains("24-11-2026 Verlengd → Afgesloten"), "{text}");
    // Closed is read-only; reopening asks a reason and goes back.
    press(&mut app, KeyCode::Char('c'));
    assert!(flash(&app).contains("alleen lezen"));
    press(&mut app, KeyCode::Char('o'));
    type_text(&mut app, "Vraagt weer om hulp");
    app.handle_key(ctrl('s'));
    assert_eq!(status_of(&app, "Çelik"), Status::Extended);
    // The whole history is kept.
    let celik = app.caseload.people().iter().find(|p| p.family_name == "Çelik").unwrap().id;
    let t = app.store.trajectory(celik).unwrap().unwrap();
    assert_eq!(t.history.len(), 5);
}

#[test]
fn a_due_signal_tops_the_attention_list_and_opens_at_its_tab() {
    let mut app = app();
    open_person(&mut app, "aalders");
    press(&mut app, KeyCode::Char('!'));
    focus(&mut app, "escalated_to");
    type_text(&mut app, "Kernteam");
    focus(&mut app, "follow_up");
    type_text(&mut app, "24-11-2026");
    focus(&mut app, "note");
    type_text(&mut app, "Schuldeisers bellen dagelijks");
    app.handle_key(ctrl('s'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("meervoudige problematiek → Kernteam · open"), "{text}");
    assert!(text.contains("    Schuldeisers bellen dagelijks"), "the note is shown under the signal: {text}");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    let text = screen(&app, 80, 24);
    let first = text.lines().skip_while(|l| !l.contains("Aandacht (")).nth(1).unwrap();
    assert!(first.contains("Aalders, Piet") && first.contains("signaal"), "{text}");
    // The first line is selected (no appointments today): Enter opens Piet at the signals tab.
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen(), Screen::Participant(s) if s.tab == Tab::Signals));
    assert_eq!(
        app.caseload
            .by_id(match app.screen() {
                Screen::Participant(s) => s.id,
                _ => unreachable!(),
            })
            .unwrap()
            .family_name,
        "Aalders"
    );
}

#[test]
fn a_referral_records_the_consent() {
    let mut app = app();
    open_person(&mut app, "ozturk");
    press(&mut app, KeyCode::Char('r'));
    focus(&mut app, "partner");
    type_text(&mut app, "Schuldhulp Oosterveld");
    focus(&mut app, "consent");
    press(&mut app, KeyCode::Char('j'));
    app.handle_key(ctrl('s'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Schuldhulp Oosterveld (schuldhulpverlening) · voorgesteld ·"), "{text}");
    assert!(text.contains("toestemming gegeven"), "{text}");
    let fatma = app.caseload.people().iter().find(|p| p.family_name == "Öztürk").unwrap().id;
    let r = &app.store.referrals_of(fatma).unwrap()[0];
    assert_eq!((r.consent, r.consent_date), (true, Some(today())));
}

#[test]
fn the_start_screen_shows_the_team_on_request() {
    let mut app = app();
    assert!(!screen(&app, 80, 24).contains("Şahin"));
    press(&mut app, KeyCode::Char('t'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Hele team:") && text.contains("Şahin, Ayşe"), "{text}");
}

#[test]
fn a_past_appointment_without_a_contact_is_flagged() {
    let mut app = app();
    open_person(&mut app, "ozturk");
    press(&mut app, KeyCode::Char('a'));
    type_text(&mut app, "20-11-2026");
    focus(&mut app, "next_place");
    type_text(&mut app, "Bibliotheek");
    app.handle_key(ctrl('s'));
    // The warning keeps the place (and a note) of the appointment it is about.
    let text = screen(&app, 80, 24);
    assert!(text.contains("20-11-2026 10:00  Bibliotheek · ⚠ afspraak zonder vastgelegd contact"), "{text}");
}

#[test]
fn the_status_changes_only_through_the_steps_and_closed_is_read_only() {
    let mut app = app();
    open_person(&mut app, "ozturk");
    press(&mut app, KeyCode::Char('e'));
    focus(&mut app, "status");
    press(&mut app, KeyCode::Right); // Actief -> Verlengd, typed over the rules
    app.handle_key(ctrl('s'));
    assert!(screen(&app, 80, 24).contains("Status wijzigen gaat met de trajectstappen"));
    assert_eq!(status_of(&app, "Öztürk"), Status::Active);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('j'));
    // The list shows the days since the last contact made.
    let mut app2 = self::app();
    press(&mut app2, KeyCode::Char('l'));
    assert!(screen(&app2, 80, 24).contains("Contact"));
    // A closed trajectory: e, h, g and m say it is read-only.
    let mut app3 = self::app();
    press(&mut app3, KeyCode::Char('/'));
    type_text(&mut app3, "vries");
    press(&mut app3, KeyCode::Enter);
    assert_eq!(status_of(&app3, "Vries"), Status::Closed);
    for k in ['e', 'h', 'g', 'm'] {
        press(&mut app3, KeyCode::Char(k));
        assert!(matches!(app3.screen(), Screen::Participant(_)), "{k}");
        assert!(flash(&app3).contains("alleen lezen"), "{k}");
    }
}

#[test]
fn the_no_contact_threshold_comes_from_the_settings() {
    use meedoen::domain::contact::{Channel, Contact, Initiative, Reached, RecordId};
    use meedoen::store::{Settings, Store};
    let make = |days: Option<u16>| {
        let store = Store::temporary().unwrap();
        filled_store(&store);
        let fatma = store.participant_by_number(1001).unwrap();
        let at = (today() - chrono::Duration::days(10)).and_hms_opt(10, 0, 0).unwrap();
        let c = Contact {
            id: RecordId::new_random(),
            participant: fatma.id,
            at,
            channel: Channel::Phone,
            initiative: Initiative::Coach,
            minutes: 15,
            reached: Reached::Made,
            life_areas: vec![],
            summary: String::new(),
            coach: "Sanne".into(),
            created_at: now(),
            withdrawn: false,
            history: Vec::new(),
        };
        store.save_contact(&c).unwrap();
        store.save_settings(&Settings { coach: None, no_contact_days: days, ..Settings::default() }).unwrap();
        app_on(store, meedoen::i18n::Lang::Nl)
    };
    let default = screen(&make(None), 80, 24);
    assert!(!default.lines().any(|l| l.contains("Öztürk") && l.contains("dagen geen contact")), "{default}");
    let strict = screen(&make(Some(7)), 80, 24);
    assert!(strict.lines().any(|l| l.contains("Öztürk, Fatma") && l.contains("10 dagen geen contact")), "{strict}");
}

/// At 80 columns a long reason keeps its date (what the coach acts on): the name column gives
/// way, a long name is cut with "…" instead.
#[test]
fn a_long_attention_reason_keeps_its_date_at_80_columns() {
    use meedoen::domain::signal::{Signal, SignalKind, SignalStatus};
    let store = meedoen::store::Store::temporary().unwrap();
    let mut long = person(1);
    long.given_names = "Małgorzata Anna".into();
    long.prefix = String::new();
    long.family_name = "Kowalska-Wiśniewska".into();
    let people = store.add_participants(vec![long]).unwrap();
    store
        .save_signal(&Signal {
            id: meedoen::domain::contact::RecordId::new_random(),
            participant: people[0].id,
            date: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            kind: SignalKind::UnstableHome,
            escalated_to: "kernteam".into(),
            status: SignalStatus::Open,
            follow_up: chrono::NaiveDate::from_ymd_opt(2026, 10, 22),
            note: String::new(),
            created_at: now(),
        })
        .unwrap();
    let app = app_on(store, meedoen::i18n::Lang::Nl);
    let s = screen(&app, 80, 24);
    let line = s.lines().find(|l| l.contains("instabiele thuissituatie")).unwrap_or_else(|| panic!("{s}"));
    assert!(line.contains("(sinds 22-10-2026)"), "{line}");
    assert!(line.contains("Kowalska-Wiśni…"), "{line}");
}

/// A signal is changed or closed from the signals tab: `↓` chooses it (marked "›"), `Enter`
/// opens it with what was recorded, and saving changes that signal instead of adding one; a
/// closed signal no longer asks for follow-up on the start screen.
#[test]
fn a_signal_is_closed_from_the_signals_tab_and_leaves_the_start_screen() {
    use meedoen::domain::signal::{Signal, SignalKind, SignalStatus};
    let store = meedoen::store::Store::temporary().unwrap();
    filled_store(&store);
    let fatma = store.participants().unwrap().into_iter().find(|p| p.family_name == "Öztürk").unwrap().id;
    let signal = |kind, note: &str| Signal {
        id: meedoen::domain::contact::RecordId::new_random(),
        participant: fatma,
        date: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        kind,
        escalated_to: "kernteam".into(),
        status: SignalStatus::Open,
        follow_up: chrono::NaiveDate::from_ymd_opt(2026, 10, 22),
        note: note.into(),
        created_at: now(),
    };
    store.save_signal(&signal(SignalKind::Debts, "eerste")).unwrap();
    store.save_signal(&signal(SignalKind::UnstableHome, "tweede")).unwrap();
    let mut app = app_on(store, meedoen::i18n::Lang::Nl);
    assert_eq!(screen(&app, 100, 30).matches("opvolgen (sinds 22-10-2026)").count(), 2);
    open_person(&mut app, "öztürk");
    while !matches!(app.screen(), Screen::Participant(s) if s.tab == Tab::Signals) {
        press(&mut app, KeyCode::Tab);
    }
    let chosen = |app: &App| {
        let s = screen(app, 100, 30);
        s.lines().find(|l| l.starts_with(" › ")).map(str::to_string).unwrap_or_else(|| panic!("{s}"))
    };
    let first = chosen(&app);
    press(&mut app, KeyCode::Down);
    let second = chosen(&app);
    assert_ne!(first, second, "the other signal is chosen");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen(), Screen::Form(_)));
    let form = screen(&app, 100, 30);
    assert!(form.contains("kernteam") && form.contains("22-10-2026"), "opened with what was recorded: {form}");
    focus(&mut app, "status");
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    app.handle_key(ctrl('s'));
    let signals = app.store.signals_of(fatma).unwrap();
    assert_eq!(signals.len(), 2, "changed, not added");
    assert_eq!(signals.iter().filter(|x| x.status == SignalStatus::Closed).count(), 1);
    assert!(screen(&app, 100, 30).contains("· gesloten"));
    for _ in 0..4 {
        press(&mut app, KeyCode::Esc);
    }
    assert!(matches!(app.screen(), Screen::Start(_)));
    let start = screen(&app, 100, 30);
    assert_eq!(start.matches("opvolgen (sinds 22-10-2026)").count(), 1, "{start}");
}

/// At 80 columns a form's long label is shown whole while the input keeps its room.
#[test]
fn the_close_form_shows_its_long_labels_whole_at_80_columns() {
    let mut app = app();
    open_person(&mut app, "öztürk");
    press(&mut app, KeyCode::Char('b'));
    assert!(matches!(app.screen(), Screen::Form(_)));
    focus(&mut app, "esf_employed");
    let s = screen(&app, 80, 24);
    assert!(s.contains("Volgt onderwijs of scholing"), "{s}");
}

/// A coach with 11 appointments today sees all of them: at 80x24 a window over the day that
/// follows the cursor, with a line saying how many are above and below; on a taller screen all
/// at once. The cursor starts on the next appointment still to come, shows "3 van 11", and
/// `Home` / `End` go to the first and last line.
#[test]
fn every_appointment_of_a_full_day_can_be_seen_and_the_cursor_stays_in_sight() {
    use meedoen::domain::appointment::AppointmentState;
    use meedoen::domain::contact::{Appointment, RecordId};
    let store = meedoen::store::Store::temporary().unwrap();
    filled_store(&store);
    let sanne: Vec<_> =
        store.participants().unwrap().into_iter().filter(|p| p.coach == "Sanne" && p.status.is_open()).collect();
    let times = ["08:30", "09:00", "10:00", "10:30", "11:00", "11:30", "13:00", "13:30", "14:00", "15:00", "15:30"];
    for (i, t) in times.iter().enumerate() {
        let at = chrono::NaiveDateTime::parse_from_str(&format!("2026-11-24 {t}"), "%Y-%m-%d %H:%M").unwrap();
        store
            .save_appointment(&Appointment {
                id: RecordId::new_random(),
                participant: sanne[i % sanne.len()].id,
                at,
                place: format!("kamer {}", i + 1),
                note: String::new(),
                coach: "Sanne".into(),
                created_at: now(),
                state: AppointmentState::Planned,
                history: Vec::new(),
            })
            .unwrap();
    }
    let mut app = meedoen::ui::app::App::new(
        store,
        meedoen::i18n::Strings::new(meedoen::i18n::Lang::Nl),
        meedoen::ui::theme::Theme { color: false },
        "Sanne".into(),
        today(),
        Box::new(now),
    )
    .unwrap();
    // The next appointment still to come, by the clock (09:30 in the test's time).
    let clock = now().with_timezone(&chrono::Local).format("%H:%M").to_string();
    let next = times.iter().position(|t| **t >= *clock.as_str()).unwrap_or(0) + 1;
    let text = screen(&app, 80, 24);
    assert!(text.contains(&format!("Vandaag 24-11-2026 · {next} van 11")), "{text}");
    assert!(text.contains("meer: ↓") || text.contains("later: ↑ ↓"), "a line says more follow: {text}");
    assert!(!text.contains("15:30"), "{text}");
    // Down to the last appointment: it comes into sight, with the count above.
    for _ in next..11 {
        press(&mut app, KeyCode::Down);
    }
    let text = screen(&app, 80, 24);
    assert!(text.contains("15:30  afspraak") && text.contains("· 11 van 11"), "{text}");
    assert!(text.contains("eerder: ↑"), "{text}");
    press(&mut app, KeyCode::Home);
    let text = screen(&app, 80, 24);
    assert!(text.contains("08:30  afspraak") && text.contains("· 1 van 11"), "{text}");
    press(&mut app, KeyCode::End);
    let text = screen(&app, 80, 24);
    let attention = app.start.rows.len() - 11;
    assert!(text.contains(&format!("· {attention} van {attention}")), "{text}");
    // A taller terminal shows the whole day.
    let text = screen(&app, 100, 40);
    for t in times {
        assert!(text.contains(&format!("{t}  afspraak")), "{t}: {text}");
    }
    assert!(!text.contains("meer: ↓") && !text.contains("eerder: ↑"), "{text}");
}

/// `d` opens on the advice written so far: it is amended, not typed again from nothing.
#[test]
fn the_advice_form_opens_on_what_was_written() {
    let mut app = app();
    open_person(&mut app, "ozturk");
    press(&mut app, KeyCode::Char('d'));
    type_text(&mut app, "Eerst taal");
    app.handle_key(ctrl('s'));
    press(&mut app, KeyCode::Char('d'));
    match app.screen() {
        Screen::Form(f) => assert_eq!(f.form.value("advice"), "Eerst taal"),
        _ => panic!("no advice form"),
    }
    assert!(screen(&app, 80, 24).contains("Eerst taal"));
}
