//! Shared helpers for the UI tests: an app on a store with a small fixed caseload, keys, and the
//! screen as text.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

pub mod pty;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use meedoen::domain::validate::Postcode;
use meedoen::domain::{Gender, Participant, ParticipantId, Status};
use meedoen::i18n::{Lang, Strings};
use meedoen::store::Store;
use meedoen::ui::app::App;
use meedoen::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap()
}

/// One fixed person: (given, prefix, family, born, status, coach, postcode, phone).
pub type Person =
    (&'static str, &'static str, &'static str, &'static str, Status, &'static str, &'static str, &'static str);

/// A fixed little caseload.
pub const PEOPLE: &[Person] = &[
    ("Fatma", "", "Öztürk", "1966-05-04", Status::Active, "Sanne", "7411 AB", "06-12345678"),
    ("Jan", "van der", "Berg", "1970-02-03", Status::Active, "Sanne", "7551 CD", "0612340001"),
    ("Piet", "", "Aalders", "1958-09-12", Status::Intake, "Sanne", "7701 EF", ""),
    ("Emre", "", "Çelik", "1985-01-30", Status::Referred, "Sanne", "7731 GH", "+31 6 98765432"),
    ("Ayşe", "", "Şahin", "1975-07-20", Status::Extended, "Mohamed", "7941 JK", ""),
    ("Anna", "de", "Vries", "1990-12-01", Status::Closed, "Sanne", "7811 LM", ""),
];

pub fn person(i: usize) -> Participant {
    let (g, pre, f, born, status, coach, pc, phone) = PEOPLE[i];
    let id = ParticipantId(uuid::Uuid::from_u128(0x1000 + i as u128));
    let at = now() - chrono::Duration::days(10 * (i as i64 + 1));
    let mut p = Participant::new(id, 0, at);
    p.given_names = g.into();
    p.prefix = pre.into();
    p.family_name = f.into();
    p.date_of_birth = NaiveDate::parse_from_str(born, "%Y-%m-%d").ok();
    p.gender = if i.is_multiple_of(2) { Gender::Female } else { Gender::Male };
    p.status = status;
    p.coach = coach.into();
    p.address.postcode = Postcode::parse(pc).ok();
    p.address.place = "Oosterveld".into();
    p.phone = phone.into();
    if status != Status::Referred {
        p.start_date = NaiveDate::from_ymd_opt(2026, 3, 1);
        p.planned_end_date = NaiveDate::from_ymd_opt(2027, 3, 1);
    }
    p
}

pub fn filled_store(store: &Store) {
    store.add_participants((0..PEOPLE.len()).map(person).collect()).unwrap();
}

pub fn app_on(store: Store, lang: Lang) -> App {
    App::new(store, Strings::new(lang), Theme { color: false }, "Sanne".into(), today(), Box::new(now)).unwrap()
}

/// An app on a temporary store with the fixed caseload.
pub fn app() -> App {
    let store = Store::temporary().unwrap();
    filled_store(&store);
    app_on(store, Lang::Nl)
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Presses one key; returns whether the app asked for a redraw.
pub fn press(app: &mut App, code: KeyCode) -> bool {
    app.handle_key(key(code))
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.handle_key(key(KeyCode::Char(c)));
    }
}

/// The screen as text lines, drawn at `w` x `h`.
pub fn screen(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| meedoen::ui::view::render(app, f)).unwrap();
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Opens a participant the way a coach does: search, then Enter on the best hit.
pub fn open_person(app: &mut App, query: &str) {
    press(app, KeyCode::Char('/'));
    type_text(app, query);
    press(app, KeyCode::Enter);
}

/// The passphrase the tests' caseloads are created with.
#[allow(dead_code)]
pub const TEST_PASSPHRASE: &str = "een testwachtwoord";

/// Opens (creating if needed) a caseload on disk, with the cheap key derivation for tests.
#[allow(dead_code)]
pub fn open(dir: &std::path::Path) -> Store {
    Store::open_or_create(dir, TEST_PASSPHRASE, meedoen::store::crypto::KdfParams::LIGHT_FOR_TESTS).unwrap()
}

/// Runs the real binary on `dir` with the tests' passphrase and without the caller's
/// environment choosing the caseload or the coach.
#[allow(dead_code)]
pub fn run_meedoen(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_meedoen"))
        .arg("--data-dir")
        .arg(dir)
        .env("MEEDOEN_STATE_DIR", dir.with_extension("state"))
        .args(args)
        .env("MEEDOEN_PASSPHRASE", TEST_PASSPHRASE)
        .env_remove("MEEDOEN_COACH")
        .env_remove("MEEDOEN_DATA_DIR")
        .output()
        .unwrap()
}

/// Moves the focus of the form on screen to the field `key`.
#[allow(dead_code)]
pub fn focus(app: &mut App, key: &str) {
    while matches!(app.screen(), meedoen::ui::app::Screen::Form(f) if f.form.focused_key() != key) {
        press(app, KeyCode::Tab);
    }
}
