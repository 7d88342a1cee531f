//! The lock screen: a growing wait after wrong tries (with the clock injected), no length limit
//! below what `init` accepts, and what was typed wiped after every try.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use common::*;
use meedoen::i18n::{Lang, Strings};
use meedoen::store::Store;
use meedoen::store::crypto::KdfParams;
use meedoen::ui::app::App;
use meedoen::ui::theme::Theme;
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

/// An app on a caseload with `passphrase`, its clock `seconds` after the tests' `now`.
fn locked_app(dir: &std::path::Path, passphrase: &str) -> (App, Arc<AtomicI64>) {
    let store = Store::create(dir, passphrase, KdfParams::LIGHT_FOR_TESTS).unwrap();
    filled_store(&store);
    let seconds = Arc::new(AtomicI64::new(0));
    let s = Arc::clone(&seconds);
    let clock = Box::new(move || now() + chrono::Duration::seconds(s.load(Ordering::SeqCst)));
    let mut app =
        App::new(store, Strings::new(Lang::Nl), Theme { color: false }, "Sanne".into(), today(), clock).unwrap();
    app.lock();
    (app, seconds)
}

fn try_passphrase(app: &mut App, p: &str) {
    type_text(app, p);
    press(app, KeyCode::Enter);
}

fn message(app: &App) -> String {
    app.locked().and_then(|l| l.message.clone()).unwrap_or_default()
}

/// Three wrong tries cost nothing; from the next one the lock refuses every try for a wait that
/// doubles (5, 10, 20 ... seconds, at most 5 minutes), even with the right passphrase, and says
/// how long; the UI does not freeze meanwhile. Before, twelve wrong tries in a row were fine.
#[test]
fn wrong_tries_at_the_lock_cost_a_growing_wait() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut app, seconds) = locked_app(&tmp.path().join("c"), "het goede wachtwoord");
    for _ in 0..2 {
        try_passphrase(&mut app, "fout");
        assert_eq!(message(&app), "Verkeerd wachtwoord.");
    }
    try_passphrase(&mut app, "fout");
    assert!(message(&app).contains("over 5 seconden"), "{}", message(&app));
    // Within the wait even the right passphrase is refused, without trying it.
    seconds.store(3, Ordering::SeqCst);
    try_passphrase(&mut app, "het goede wachtwoord");
    assert!(app.locked().is_some());
    assert!(message(&app).contains("wacht nog 2 seconden"), "{}", message(&app));
    assert!(screen(&app, 80, 24).contains("wacht nog 2 seconden"));
    // What was typed during the wait stays (Esc clears it).
    assert_eq!(app.locked().unwrap().typed.chars(), "het goede wachtwoord".len());
    seconds.store(5, Ordering::SeqCst);
    press(&mut app, KeyCode::Esc);
    try_passphrase(&mut app, "fout");
    assert!(message(&app).contains("over 10 seconden"), "{}", message(&app));
    let mut at = 15;
    for expected in [20, 40, 80, 160, 300, 300] {
        seconds.store(at, Ordering::SeqCst);
        try_passphrase(&mut app, "fout");
        assert!(message(&app).contains(&format!("over {expected} seconden")), "{}", message(&app));
        at += expected;
    }
    // Locking again does not start the count afresh.
    seconds.store(at - 1, Ordering::SeqCst);
    app.lock();
    try_passphrase(&mut app, "het goede wachtwoord");
    assert!(app.locked().is_some(), "still waiting after locking again");
    // Once the wait is over, Enter tries what was typed during it.
    seconds.store(at, Ordering::SeqCst);
    press(&mut app, KeyCode::Enter);
    assert!(app.locked().is_none(), "{}", message(&app));
    // The right passphrase resets the count: the next lock starts with free tries.
    app.lock();
    try_passphrase(&mut app, "fout");
    assert_eq!(message(&app), "Verkeerd wachtwoord.");
}

/// A 2,000-character passphrase that `init` accepted unlocks the lock screen (its input stopped
/// at 1,024 characters, so such a caseload could never be unlocked there).
#[test]
fn a_long_passphrase_accepted_by_init_unlocks_the_lock_screen() {
    let tmp = tempfile::tempdir().unwrap();
    let long: String = "Een lange zin met ë en 漢字. ".chars().cycle().take(2000).collect();
    assert!(meedoen::unlock::weak(&long, &Strings::new(Lang::Nl)).is_none(), "init accepts it");
    let (mut app, _) = locked_app(&tmp.path().join("c"), &long);
    type_text(&mut app, &long);
    assert_eq!(app.locked().unwrap().typed.chars(), 2000);
    press(&mut app, KeyCode::Enter);
    assert!(app.locked().is_none(), "{}", message(&app));
}

/// What was typed is wiped: a character taken back leaves no byte behind, nor does a try, right
/// or wrong, nor a buffer that grew (a pasted passphrase arrives as many keys at once).
#[test]
fn what_is_typed_at_the_lock_is_wiped_after_each_try() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut app, _) = locked_app(&tmp.path().join("c"), "het goede wachtwoord");
    let typed = |app: &App| {
        let t = &app.locked().unwrap().typed;
        (t.chars(), t.residue())
    };
    type_text(&mut app, "geheimë");
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    assert_eq!(typed(&app), (5, 0));
    press(&mut app, KeyCode::Enter);
    assert_eq!(typed(&app), (0, 0), "wiped after a wrong try");
    type_text(&mut app, &"lang ".repeat(200));
    assert_eq!(typed(&app), (1000, 0));
    press(&mut app, KeyCode::Esc);
    assert_eq!(typed(&app), (0, 0), "wiped by Esc");
}

/// A passphrase pasted in one piece (bracketed paste) is typed into the lock, without its line
/// break, and unlocks with Enter; outside the lock a paste does nothing.
#[test]
fn a_pasted_passphrase_is_typed_into_the_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut app, _) = locked_app(&tmp.path().join("c"), "het goede wachtwoord");
    assert!(app.paste("het goede wachtwoord\n"));
    assert_eq!(app.locked().unwrap().typed.chars(), "het goede wachtwoord".len());
    press(&mut app, KeyCode::Enter);
    assert!(app.locked().is_none(), "{}", message(&app));
    assert!(!app.paste("iets"));
}
