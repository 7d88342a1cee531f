//! The terminal user interface.
//!
//! key ──▶ keymap::resolve ──▶ Action{args} ──▶ top layer.handle ──▶ Outcome::Consumed(effects)
//!     ──▶ App::apply (the one executor; DataChanged derives again) ──▶ view::render (read-only)
//!
//! The loop blocks on the next event and redraws only when the state changed; ratatui then
//! sends only the cells that differ, so typing a character costs a few bytes on a slow link.

pub mod app;
mod app_closing;
mod app_corrections;
mod app_day;
mod app_day_save;
mod app_disk;
mod app_drafts;
mod app_forms;
mod app_health;
mod app_health_corrections;
mod app_lock;
mod app_modules;
mod app_privacy;
mod app_reports;
mod app_sync;
pub mod caseload;
pub mod consent_form;
pub mod correction_forms;
pub mod day_data;
pub mod day_forms;
pub mod effects;
pub mod form;
pub mod form_values;
pub mod goal_form;
pub mod keymap;
pub mod layer;
pub mod layers;
pub mod lock;
pub mod long_text;
pub mod module_form;
pub mod modules_data;
pub mod participant_form;
pub mod popup;
pub mod radar;
pub mod screens;
mod stack;
pub mod start_data;
pub mod tab;
pub mod text;
pub mod theme;
pub mod view;
pub mod wire;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{Local, Utc};
use ratatui::crossterm::event::{self, Event, KeyEventKind};

use crate::i18n::Strings;
use crate::store::Store;
use app::App;
use theme::Theme;

/// Why the UI could not run or ended on its own: one sentence for the coach (the command line
/// turns it into its error and exit code).
#[derive(Debug)]
pub struct UiError(pub String);

impl std::fmt::Display for UiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Opens the UI on `store` and runs until the coach quits.
/// `demo_passphrase` is shown on the lock screen of the `--demo` caseload.
pub fn run(
    store: Store,
    strings: Strings,
    coach: String,
    demo_passphrase: Option<&'static str>,
) -> Result<(), UiError> {
    let today = Local::now().date_naive();
    // The phone-number metadata takes a tenth of a second to load the first time a number is
    // read; loaded aside now, so the first search or profile does not wait for it.
    std::thread::spawn(|| crate::domain::validate::parse_phone("0612345678"));
    let words = strings.clone();
    let mut app = App::new(store, strings, Theme::from_env(), coach, today, Box::new(Utc::now))
        .map_err(|e| UiError(words.store_error(&e)))?;
    app.demo_passphrase = demo_passphrase;
    app.start_sync();
    app.export_dir = if demo_passphrase.is_some() {
        // The demo caseload's temporary directory, removed on exit with everything in it.
        app.store.path().map(|p| p.join("exports"))
    } else {
        Some(documents_dir())
    };
    let hangup = hangup_flag();
    watch_terminal(Arc::clone(&hangup));
    let mut terminal = open_terminal().map_err(|e| UiError(format!("cannot open the terminal: {e}")))?;
    let result = event_loop(&mut terminal, &mut app, &hangup);
    // What the shell writes after meedoen is in the plain pen.
    let _ = terminal.backend_mut().reset_pen();
    // A closed terminal cannot be restored, and ratatui reports that with `eprintln!`, which
    // panics on a closed standard error: so it is not asked to (the program leaves the normal
    // way, removing a `--demo` directory).
    if ratatui::try_restore().is_err() || hangup.load(Ordering::Relaxed) {
        std::mem::forget(terminal);
    } else {
        drop(terminal);
    }
    // Whatever happened, what was typed is on disk before we leave (told in the coach's
    // language when the disk is full).
    let flushed = app.close();
    if let Some(why) = app.fatal.take() {
        return Err(UiError(why));
    }
    result.map_err(|e| UiError(format!("terminal error: {e}")))?;
    flushed.map_err(UiError)
}

/// The coach's documents folder (or home folder), where `x` writes charts and reports.
fn documents_dir() -> std::path::PathBuf {
    directories::UserDirs::new()
        .and_then(|u| u.document_dir().map(|d| d.to_path_buf()).or_else(|| Some(u.home_dir().to_path_buf())))
        .unwrap_or_else(|| std::path::PathBuf::from("."))
}

/// How often the loop does its own work (backup requests, the date, the lock), keys or not.
const SERVICE_EVERY: Duration = Duration::from_secs(1);

/// The work of the loop that is not a key; returns whether to redraw.
fn service(app: &mut App) -> bool {
    crate::safety::serve_backup_request(&app.store);
    let today = Local::now().date_naive();
    if today != app.today
        && let Err(e) = app.store.daily_backup(today)
    {
        app.flash = Some((format!("{}: {e}", app.strings.get("error.backup_failed")), true));
    }
    app.recover_from_full_disk() | app.set_today(today) | app.tick() | app.serve_sync()
}

/// Watches the terminal on standard input and raises `hangup` when it hangs up. A terminal can
/// be closed without the program getting SIGHUP (when it was not the terminal's foreground
/// process). crossterm 0.29 then reads end-of-file in a loop it never leaves (`mio.rs`,
/// `try_read`): one core at full load for good, and the loop below never runs again. So this
/// thread asks the kernel every quarter second, and on a hang-up also puts an empty pipe that
/// never blocks in the place of standard input: crossterm's read then says "nothing to read",
/// it returns at its timeout, and the loop leaves the normal way (flushing, removing a `--demo`
/// directory).
#[cfg(unix)]
fn watch_terminal(hangup: Arc<AtomicBool>) {
    let watch = move || {
        loop {
            std::thread::sleep(Duration::from_millis(250));
            let mut fd = libc::pollfd { fd: 0, events: 0, revents: 0 };
            // SAFETY: one valid pollfd, a count of one, no waiting.
            let n = unsafe { libc::poll(&mut fd, 1, 0) };
            if n > 0 && fd.revents & (libc::POLLHUP | libc::POLLNVAL) != 0 {
                hangup.store(true, Ordering::SeqCst);
                let mut ends = [0; 2];
                // SAFETY: `ends` has room for the two descriptors pipe2 writes; the write end is
                // kept open (never closed) so the read end reports "would block", not end-of-file.
                unsafe {
                    if libc::pipe2(ends.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) == 0 {
                        libc::dup2(ends[0], 0);
                    }
                }
                return;
            }
        }
    };
    let _ = std::thread::Builder::new().name("terminal-watch".into()).spawn(watch);
}

#[cfg(not(unix))]
fn watch_terminal(_hangup: Arc<AtomicBool>) {}

/// A flag raised by SIGHUP (the terminal closed) and SIGTERM.
fn hangup_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGHUP, signal_hook::consts::SIGTERM] {
        // Without the handler the signal ends the process as before: nothing worse than now.
        let _ = signal_hook::flag::register(signal, Arc::clone(&flag));
    }
    flag
}

/// The terminal meedoen draws on: raw mode, the alternate screen, and [`wire::Wire`] as the
/// backend (the fewest bytes per frame); a panic restores the terminal first, as ratatui's own
/// initialisation does.
fn open_terminal() -> std::io::Result<Screen> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        ratatui::restore();
        hook(info);
    }));
    ratatui::crossterm::terminal::enable_raw_mode()?;
    ratatui::crossterm::execute!(std::io::stdout(), ratatui::crossterm::terminal::EnterAlternateScreen)?;
    ratatui::Terminal::new(wire::Wire::new(std::io::stdout()))
}

type Screen = ratatui::Terminal<wire::Wire<std::io::Stdout>>;

fn event_loop(terminal: &mut Screen, app: &mut App, hangup: &AtomicBool) -> std::io::Result<()> {
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
    let mut serviced = Instant::now();
    while !app.quit {
        // Once a second, also while keys keep coming: a backup asked for from another window is
        // written (between two keys, so `meedoen backup` gets its answer while the coach types),
        // the date turns over at midnight, the screen locks after minutes without a key.
        let next = SERVICE_EVERY.saturating_sub(serviced.elapsed());
        let mut redraw = if event::poll(next)? {
            match event::read()? {
                Event::Key(k) if k.kind != KeyEventKind::Release => app.handle_key(k),
                Event::Resize(_, _) => true,
                // Pasted text may be a passphrase at the lock: wiped once it is used.
                Event::Paste(text) => app.paste(&zeroize::Zeroizing::new(text)),
                _ => false,
            }
        } else {
            false
        };
        if hangup.load(Ordering::Relaxed) {
            // The terminal was closed (SIGHUP) or the program asked to stop (SIGTERM): leave the
            // normal way, so everything is flushed and a `--demo` directory removed.
            app.quit = true;
        }
        if serviced.elapsed() >= SERVICE_EVERY {
            serviced = Instant::now();
            redraw |= service(app);
        }
        if redraw && !app.quit {
            terminal.draw(|f| view::render(app, f))?;
        }
    }
    Ok(())
}
