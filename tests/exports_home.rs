//! No test writes into the coach's real home or documents folder: an app that was not given an
//! export folder (as every test builds it) writes nowhere and says so. Before, `x` on the
//! reports screen wrote `meedoen-rapportage-*.csv` into the home folder of whoever ran the tests
//! (about 18 files a run, once over a report a coach had exported there).
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use ratatui::crossterm::event::KeyCode;
use ui_common::*;

#[test]
fn an_app_without_an_export_folder_writes_nothing_into_the_home_folder() {
    let home = tempfile::tempdir().unwrap();
    // SAFETY: the only test of this binary; no other thread reads the environment meanwhile.
    unsafe {
        std::env::set_var("HOME", home.path());
        std::env::remove_var("XDG_CONFIG_HOME");
        std::env::remove_var("XDG_DOCUMENTS_DIR");
    }
    let mut app = app();
    assert!(app.export_dir.is_none());
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char('x'));
    let written: Vec<_> = std::fs::read_dir(home.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(written.is_empty(), "written into the home folder: {written:?}");
    let (message, error) = app.flash.clone().unwrap();
    assert!(error && message.contains("niets geschreven"), "{message}");
}
