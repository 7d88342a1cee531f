//! Backup, restore, check, truncation, the lock screen and random keys: no saved record is lost
//! and nothing panics.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use std::path::Path;
use std::process::Output;

use common::*;
use meedoen::i18n::Lang;
use meedoen::store::StoreError;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ui_common::*;

const PASS: &str = TEST_PASSPHRASE;

fn meedoen(dir: &Path, args: &[&str]) -> Output {
    run_meedoen(dir, args)
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn export(dir: &Path) -> serde_json::Value {
    let out = meedoen(dir, &["export"]);
    assert!(out.status.success(), "{}", err(&out));
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["exported_at"] = serde_json::Value::Null;
    v
}

#[test]
fn backup_restores_into_an_empty_directory_with_everything_and_check_finds_it_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    assert!(meedoen(&dir, &["demo", "--participants", "30", "--seed", "4"]).status.success());
    let file = tmp.path().join("kopie.backup");
    let out = meedoen(&dir, &["backup", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", err(&out));
    let before = export(&dir);
    // A backup file holds no readable name.
    let bytes = std::fs::read(&file).unwrap();
    let name = before["participants"][0]["family_name"].as_str().unwrap();
    assert!(!bytes.windows(name.len()).any(|w| w == name.as_bytes()));

    let restored = tmp.path().join("hersteld");
    let out = meedoen(&restored, &["restore", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", err(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("in orde"));
    let after = export(&restored);
    assert_eq!(before["participants"], after["participants"]);
    assert_eq!(before["contacts"], after["contacts"]);
    assert_eq!(before["assessments"], after["assessments"]);
    // Not over an existing caseload.
    let out = meedoen(&dir, &["restore", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(err(&out).contains("lege gegevensmap"), "{}", err(&out));
    // A damaged backup is refused as a whole, with a clear message.
    let mut damaged = bytes.clone();
    let mid = damaged.len() / 2;
    damaged[mid] ^= 1;
    std::fs::write(tmp.path().join("kapot.backup"), &damaged).unwrap();
    let out = meedoen(&tmp.path().join("leeg"), &["restore", tmp.path().join("kapot.backup").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(err(&out).contains("checksum"), "{}", err(&out));
    let out = meedoen(&dir, &["check"]);
    assert!(out.status.success(), "{}", err(&out));
}

#[test]
fn a_truncated_data_file_is_refused_with_a_pointer_to_restore() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    assert!(meedoen(&dir, &["demo", "--participants", "50", "--seed", "2"]).status.success());
    let db = dir.join("db").join("db");
    let len = std::fs::metadata(&db).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
    f.set_len(len / 3).unwrap();
    drop(f);
    for entry in std::fs::read_dir(dir.join("db")).unwrap() {
        let p = entry.unwrap().path();
        if p.file_name().unwrap().to_string_lossy().starts_with("snap.") {
            std::fs::remove_file(p).unwrap();
        }
    }
    let out = meedoen(&dir, &["export"]);
    assert_ne!(out.status.code(), Some(0), "a shortened caseload must not open as if complete");
    assert!(!err(&out).contains("panicked"), "{}", err(&out));
    assert!(err(&out).contains("restore"), "{}", err(&out));
}

#[test]
fn an_erasure_also_removes_the_key_from_the_backups() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let file = tmp.path().join("voor-wissen.backup");
    let number;
    {
        let store = open(&dir);
        filled_store(&store);
        store.write_backup(&file).unwrap();
        let p = store.participant_by_number(1001).unwrap();
        number = p.number;
        let report = store.erase(p.id, "Sanne", today()).unwrap();
        assert!(report.unreachable_backups.is_empty());
    }
    // Restored from the backup written before the erasure: the person is gone, the trace kept,
    // everyone else whole.
    let restored = tmp.path().join("hersteld");
    let backup = meedoen::store::Backup::read(&file).unwrap();
    let key = backup.unlock(PASS).unwrap();
    meedoen::store::Store::restore(&backup, &key, &restored).unwrap();
    let store = open(&restored);
    assert!(matches!(store.participant_by_number(number), Err(StoreError::NoSuchNumber(_))));
    assert_eq!(store.participant_by_number(1002).unwrap().family_name, "Berg");
    assert_eq!(store.erasures().unwrap().len(), 1);
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
}

#[test]
fn the_screen_locks_after_ten_idle_minutes_and_unlocks_where_the_coach_was() {
    let tmp = tempfile::tempdir().unwrap();
    let store = open(&tmp.path().join("c"));
    filled_store(&store);
    let minutes = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
    let m = std::sync::Arc::clone(&minutes);
    let clock = Box::new(move || now() + chrono::Duration::minutes(m.load(std::sync::atomic::Ordering::SeqCst)));
    let mut app = meedoen::ui::app::App::new(
        store,
        meedoen::i18n::Strings::new(Lang::Nl),
        meedoen::ui::theme::Theme { color: false },
        "Sanne".into(),
        today(),
        clock,
    )
    .unwrap();
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Halfgetypt");
    minutes.store(9, std::sync::atomic::Ordering::SeqCst);
    assert!(!app.tick());
    minutes.store(20, std::sync::atomic::Ordering::SeqCst);
    assert!(app.tick());
    let s = screen(&app, 80, 24);
    assert!(s.contains("vergrendeld") && !s.contains("Halfgetypt"), "{s}");
    type_text(&mut app, "fout wachtwoord");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app, 80, 24).contains("Verkeerd wachtwoord"));
    // On a small terminal the box grows with its wrapped text: the passphrase line still shows.
    let small = screen(&app, 40, 12);
    assert!(small.contains("Wachtwoord") || small.contains("wachtwoord:"), "{small}");
    assert!(small.contains('_') && small.contains("Verkeerd"), "{small}");
    type_text(&mut app, PASS);
    let s = screen(&app, 80, 24);
    assert!(!s.contains(PASS), "the passphrase is masked: {s}");
    press(&mut app, KeyCode::Enter);
    assert!(app.locked().is_none());
    assert!(screen(&app, 80, 24).contains("Halfgetypt"), "the half-typed form is back");
}

/// 100,000 random key events at random terminal sizes: no panic, and every frame draws.
#[test]
fn random_keys_at_random_sizes_never_panic() {
    let mut app = app();
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let codes = [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::F(1),
    ];
    let chars: Vec<char> = "abcdefghijklmnopqrstuvwxyzX0123456789 /?!+-:.,éöçŞ€\u{301}".chars().collect();
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    for i in 0..100_000u32 {
        let r = next();
        let code = if r % 3 == 0 {
            codes[(r >> 8) as usize % codes.len()]
        } else {
            KeyCode::Char(chars[(r >> 8) as usize % chars.len()])
        };
        // Never quit (q) mid-run; Ctrl now and then (Ctrl+S saves whatever is on screen).
        if code == KeyCode::Char('q') {
            continue;
        }
        let mods = if r % 37 == 0 { KeyModifiers::CONTROL } else { KeyModifiers::NONE };
        app.handle_key(KeyEvent::new(code, mods));
        if i % 10 == 0 {
            let (w, h) = (1 + (next() % 160) as u16, 1 + (next() % 60) as u16);
            term.backend_mut().resize(w, h);
            term.draw(|f| meedoen::ui::view::render(&app, f)).unwrap();
        }
    }
    assert!(!app.quit);
}
