//! The terminal user interface.
//!
//! keys ──▶ keymap::resolve ──▶ Action ──▶ App (state machine) ──▶ view::render (read-only)
//!
//! The loop blocks on the next event and redraws only when the state changed; ratatui then
//! sends only the cells that differ, so typing a character costs a few bytes on a slow link.

pub mod app;
mod app_day;
mod app_forms;
mod app_health;
mod app_modules;
mod app_privacy;
mod app_reports;
pub mod caseload;
pub mod day_data;
pub mod day_forms;
pub mod form;
pub mod goal_form;
pub mod keymap;
pub mod lock;
pub mod module_form;
pub mod modules_data;
pub mod participant_form;
pub mod radar;
pub mod screens;
pub mod theme;
pub mod view;

use std::time::Duration;

use chrono::{Local, Utc};
use ratatui::crossterm::event::{self, Event, KeyEventKind};

use crate::cli::{CliError, exit};
use crate::i18n::Strings;
use crate::store::Store;
use app::App;
use theme::Theme;

/// Opens the UI on `store` and runs until the coach quits.
/// `demo_passphrase` is shown on the lock screen of the `--demo` caseload.
pub fn run(
    store: Store,
    strings: Strings,
    coach: String,
    demo_passphrase: Option<&'static str>,
) -> Result<(), CliError> {
    let today = Local::now().date_naive();
    let mut app = App::new(store, strings, Theme::from_env(), coach, today, Box::new(Utc::now))
        .map_err(|e| CliError::new(e.to_string(), exit::ERROR))?;
    app.demo_passphrase = demo_passphrase;
    app.export_dir = if demo_passphrase.is_some() {
        // The demo caseload's temporary directory, removed on exit with everything in it.
        app.store.path().map(|p| p.join("exports"))
    } else {
        Some(documents_dir())
    };
    let mut terminal =
        ratatui::try_init().map_err(|e| CliError::new(format!("cannot open the terminal: {e}"), exit::ERROR))?;
    let result = event_loop(&mut terminal, &mut app);
    ratatui::restore();
    // Whatever happened, what was typed is on disk before we leave.
    let flushed = app.store.flush();
    if let Some(why) = app.fatal.take() {
        return Err(CliError::new(why, exit::ERROR));
    }
    result.map_err(|e| CliError::new(format!("terminal error: {e}"), exit::ERROR))?;
    flushed.map_err(|e| CliError::new(e.to_string(), exit::ERROR))
}

/// The coach's documents folder (or home folder), where `x` writes charts and reports.
fn documents_dir() -> std::path::PathBuf {
    directories::UserDirs::new()
        .and_then(|u| u.document_dir().map(|d| d.to_path_buf()).or_else(|| Some(u.home_dir().to_path_buf())))
        .unwrap_or_else(|| std::path::PathBuf::from("."))
}

fn event_loop(terminal: &mut ratatui::DefaultTerminal, app: &mut App) -> std::io::Result<()> {
    terminal.draw(|f| view::render(app, f))?;
    // The rest of the caseload was read while that frame was drawn.
    if app.finish_loading() && !app.quit {
        terminal.draw(|f| view::render(app, f))?;
    }
    // Today's automatic backup (the newest seven are kept), once the coach sees the first screen:
    // at 2,600 participants it takes about 0.4 s.
    if let Err(e) = app.store.daily_backup(app.today) {
        app.flash = Some((format!("{}: {e}", app.strings.get("error.backup_failed")), true));
        terminal.draw(|f| view::render(app, f))?;
    }
    while !app.quit {
        // Wake every second: the screen locks after minutes without a key, a backup asked for
        // from another window is written, and the date turns over at midnight.
        let redraw = if event::poll(Duration::from_secs(1))? {
            match event::read()? {
                Event::Key(k) if k.kind != KeyEventKind::Release => app.handle_key(k),
                Event::Resize(_, _) => true,
                _ => false,
            }
        } else {
            crate::safety::serve_backup_request(&app.store);
            let today = Local::now().date_naive();
            if today != app.today
                && let Err(e) = app.store.daily_backup(today)
            {
                app.flash = Some((format!("{}: {e}", app.strings.get("error.backup_failed")), true));
            }
            app.set_today(today) | app.tick()
        };
        if redraw && !app.quit {
            terminal.draw(|f| view::render(app, f))?;
        }
    }
    Ok(())
}
