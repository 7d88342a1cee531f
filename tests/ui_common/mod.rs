//! Helpers for the UI tests: an app on a store with the fixed caseload of `common`, keys, and the
//! screen as text.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use crate::common::{filled_store, now, today};
use meedoen::i18n::{Lang, Strings};
use meedoen::store::Store;
use meedoen::ui::app::App;
use meedoen::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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

/// Moves the focus of the form on screen to the field `key`.
#[allow(dead_code)]
pub fn focus(app: &mut App, key: &str) {
    let focused = |app: &App| match app.screen() {
        meedoen::ui::app::Screen::Form(f) => Some(f.form.focused_key().to_string()),
        _ => None,
    };
    // Forward to the last field, then back: a form's focus does not wrap round.
    let mut step = KeyCode::Tab;
    for _ in 0..400 {
        let Some(now) = focused(app) else { return };
        if now == key {
            return;
        }
        press(app, step);
        if focused(app).as_deref() == Some(now.as_str()) {
            assert!(step == KeyCode::Tab, "no field {key} in this form");
            step = KeyCode::BackTab;
        }
    }
    panic!("no field {key} reached");
}
