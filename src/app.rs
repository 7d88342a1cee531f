//! Wiring: turns the parsed command line into work on the store and the UI.

use chrono::{Local, Utc};

use crate::cli::{Cli, CliError, Command, ExportFormat, current_coach, data_dir, exit};
use crate::i18n::Strings;
use crate::store::Settings;
use crate::store::Store;
use crate::store::crypto::KdfParams;
use crate::unlock::{Create, open_store};

/// The passphrase of the `--demo` caseload (fictional data in a temporary directory); the lock
/// screen shows it in demo mode.
pub const DEMO_PASSPHRASE: &str = "meedoen-demo";

/// Runs meedoen as the command line asks.
pub fn run(cli: Cli) -> Result<(), CliError> {
    // The server is a program of its own (the UI's binary starts no async runtime).
    if let Some(Command::Server { args }) = &cli.command {
        return run_server(args);
    }
    let strings = Strings::new(cli.lang);
    let today = Local::now().date_naive();
    // How far each caseload got is also kept outside its data directory (not for the demo).
    if !cli.demo {
        crate::store::set_state_dir(crate::cli::state_dir());
        if cli.accept_older {
            let dir = data_dir(&cli)?;
            crate::store::forget_generation(&dir).map_err(|e| CliError::from_store(e, &strings))?;
        }
    }
    match &cli.command {
        None if cli.demo => {
            // A fresh demo caseload in a temporary directory, removed on exit.
            // Directories that earlier runs left behind (killed outright) are removed first.
            let tmp = crate::demo::dir::create()
                .map_err(|e| CliError::new(format!("cannot create a temporary directory: {e}"), exit::ERROR))?;
            let store = Store::create(tmp.path(), DEMO_PASSPHRASE, KdfParams::STANDARD)
                .map_err(|e| CliError::from_store(e, &strings))?;
            let coach = crate::demo::fill(&store, crate::demo::UI_DEMO_SIZE, 1, today, Utc::now())
                .map_err(|e| CliError::from_store(e, &strings))?;
            store
                .save_settings(&Settings { coach: Some(coach), ..Settings::default() })
                .map_err(|e| CliError::from_store(e, &strings))?;
            let coach = current_coach(&cli, &store);
            crate::ui::run(store, strings, coach, Some(DEMO_PASSPHRASE)).map_err(ui_error)
        }
        None => {
            let dir = data_dir(&cli)?;
            let store = open_store(&dir, &strings, Create::Yes)?;
            let coach = current_coach(&cli, &store);
            crate::ui::run(store, strings, coach, None).map_err(ui_error)
        }
        Some(Command::Backup { file }) => crate::safety::backup(&cli, &strings, file),
        Some(Command::Restore { file }) => crate::safety::restore(&cli, &strings, file),
        Some(Command::Check) => crate::safety::check(&cli, &strings),
        Some(Command::Report { from, to, format, esf_list, with_names, out }) => {
            let parse = |s: &str| {
                crate::domain::validate::parse_date(s)
                    .map_err(|_| CliError::new(strings.fill("cli.not_a_date", &[("value", s)]), exit::USAGE))
            };
            let (from, to) = (parse(from)?, parse(to)?);
            if to < from {
                return Err(CliError::new(strings.get("cli.to_before_from"), exit::USAGE));
            }
            let dir = data_dir(&cli)?;
            let store = open_store(&dir, &strings, Create::No)?;
            let err = |e| CliError::from_store(e, &strings);
            let data = crate::reports::Loaded::load(&store).map_err(err)?;
            let coach = cli.coach.as_deref().map(str::trim).filter(|c| !c.is_empty());
            let report = data.report(from, to, coach);
            let bytes = if *esf_list {
                if *with_names {
                    // Everyone named in the list gets an entry in their access log first.
                    let by = current_coach(&cli, &store);
                    let now = Utc::now();
                    let entries: Vec<crate::domain::privacy::AccessEntry> = crate::reports::esf_people(&data, &report)
                        .into_iter()
                        .map(|p| crate::domain::privacy::AccessEntry {
                            participant: p.id,
                            at: now,
                            coach: by.clone(),
                            action: crate::domain::privacy::AccessAction::EsfListed,
                        })
                        .collect();
                    store.log_access_many(&entries).map_err(err)?;
                }
                crate::reports::esf_list(&data, &report, *with_names).map_err(err)?
            } else {
                match format {
                    crate::cli::ReportFormat::Text => crate::reports::text(&report, &strings).into_bytes(),
                    crate::cli::ReportFormat::Csv => crate::reports::csv(&report, &strings).map_err(err)?,
                    crate::cli::ReportFormat::Json => crate::reports::json(&report).map_err(err)?,
                }
            };
            match out {
                Some(path) => {
                    crate::store::write_private(path, &bytes).map_err(|e| cannot_write(&strings, path, e))?;
                    crate::output::line(strings.fill("cli.written", &[("file", &path.display().to_string())]))
                }
                None => crate::output::bytes(&bytes),
            }
        }
        Some(Command::Init) => {
            let dir = data_dir(&cli)?;
            // Where there is no caseload yet, the passphrase is asked (and checked) before any
            // directory is made: a refused one leaves nothing behind.
            let early = crate::unlock::ask_before_creating(&dir, &strings)?;
            let locked = Store::open_locked(&dir).map_err(|e| CliError::from_store(e, &strings))?;
            if locked.state().map_err(|e| CliError::from_store(e, &strings))? != crate::store::StoreState::New {
                return Err(CliError::from_store(crate::store::StoreError::AlreadyInitialised, &strings));
            }
            locked.check_nothing_lost().map_err(|e| CliError::from_store(e, &strings))?;
            let p = match early {
                Some(p) => p,
                None => crate::unlock::new_passphrase(&strings)?,
            };
            locked.init(&p, KdfParams::STANDARD).map_err(|e| CliError::from_store(e, &strings))?;
            crate::output::line(strings.get("unlock.created").replace("{dir}", &dir.display().to_string()))?;
            Ok(())
        }
        Some(Command::Passphrase) => {
            let dir = data_dir(&cli)?;
            let locked = Store::open_locked(&dir).map_err(|e| CliError::from_store(e, &strings))?;
            let old = crate::unlock::current_passphrase(&strings)?;
            let store = locked.unlock(&old).map_err(|e| CliError::from_store(e, &strings))?;
            let new = crate::unlock::new_passphrase_from(crate::unlock::NEW_PASSPHRASE_ENV, &strings)?;
            store.change_passphrase(&old, &new).map_err(|e| CliError::from_store(e, &strings))?;
            crate::output::line(strings.get("unlock.changed"))?;
            Ok(())
        }
        Some(Command::Demo { participants, seed }) => {
            // Refused before anything is asked or allocated: a size the machine cannot hold
            // would abort ("memory allocation failed") or panic ("capacity overflow").
            let max = crate::demo::max_demo_size();
            if *participants > max {
                let (n, max) = (participants.to_string(), max.to_string());
                return Err(CliError::new(strings.fill("cli.demo_too_big", &[("n", &n), ("max", &max)]), exit::USAGE));
            }
            let dir = data_dir(&cli)?;
            let store = open_store(&dir, &strings, Create::Yes)?;
            if store.participant_count() > 0 {
                let (dir, n) = (dir.display().to_string(), store.participant_count().to_string());
                return Err(CliError::new(
                    strings.fill("cli.demo_not_empty", &[("dir", &dir), ("n", &n)]),
                    exit::ERROR,
                ));
            }
            let coach = crate::demo::fill(&store, *participants, *seed, today, Utc::now())
                .map_err(|e| CliError::from_store(e, &strings))?;
            if store.settings().map(|s| s.coach.is_none()).unwrap_or(true) {
                store
                    .save_settings(&Settings { coach: Some(coach.clone()), ..Settings::default() })
                    .map_err(|e| CliError::from_store(e, &strings))?;
            }
            let (n, dir) = (participants.to_string(), dir.display().to_string());
            crate::output::line(strings.fill("cli.demo_written", &[("n", &n), ("dir", &dir), ("coach", &coach)]))?;
            Ok(())
        }
        Some(Command::Export { format: ExportFormat::Json, participant: Some(who), out }) => {
            let dir = data_dir(&cli)?;
            let store = open_store(&dir, &strings, Create::No)?;
            let coach = current_coach(&cli, &store);
            let err = |e| CliError::from_store(e, &strings);
            let p = crate::export_person::find(&store, who, &strings)?;
            let export = crate::export_person::build(&store, &p, &coach, Utc::now()).map_err(err)?;
            let number = match p.number {
                0 => "nummer-volgt".to_string(),
                n => n.to_string(),
            };
            let base =
                out.clone().unwrap_or_else(|| format!("meedoen-inzage-{number}-{}", today.format("%Y-%m-%d")).into());
            let json = serde_json::to_vec_pretty(&export)
                .map_err(|e| CliError::new(format!("cannot write JSON: {e}"), exit::ERROR))?;
            let text = crate::export_person::text(&export, &strings).map_err(err)?;
            // Both files first, then their names: a closed output must not stop the second file.
            let mut written = String::new();
            for (ext, bytes) in [("json", json), ("txt", text.into_bytes())] {
                let path = base.with_extension(ext);
                crate::store::write_private(&path, bytes).map_err(|e| cannot_write(&strings, &path, e))?;
                written.push_str(&format!("{}\n", path.display()));
            }
            crate::output::bytes(written.as_bytes())
        }
        Some(Command::Export { format: ExportFormat::Json, participant: None, out }) => {
            let dir = data_dir(&cli)?;
            let store = open_store(&dir, &strings, Create::No)?;
            let coach = current_coach(&cli, &store);
            let mut buf = Vec::new();
            crate::export::write_json(&store, &coach, &mut buf).map_err(|e| CliError::from_store(e, &strings))?;
            match out {
                Some(path) => {
                    crate::store::write_private(path, &buf).map_err(|e| cannot_write(&strings, path, e))?;
                    crate::output::line(strings.fill("cli.written", &[("file", &path.display().to_string())]))
                }
                None => crate::output::bytes(&buf),
            }
        }
        Some(Command::Chart { number, out }) => {
            let dir = data_dir(&cli)?;
            let store = open_store(&dir, &strings, Create::No)?;
            let p = store.participant_by_number(*number).map_err(|e| CliError::from_store(e, &strings))?;
            let all = store.assessments_of(p.id).map_err(|e| CliError::from_store(e, &strings))?;
            // A conversation withdrawn as saved by mistake is not drawn.
            let assessments: Vec<&crate::domain::health::Assessment> = crate::domain::health::counted(&all).collect();
            let Some(latest) = assessments.last().copied() else {
                let (number, name) = (number.to_string(), p.listed_name());
                return Err(CliError::new(
                    strings.fill("cli.chart_none", &[("number", &number), ("name", &name)]),
                    exit::ERROR,
                ));
            };
            let previous = assessments.len().checked_sub(2).and_then(|i| assessments.get(i)).copied();
            let svg = crate::domain::chart::svg(&p.listed_name(), latest, previous, cli.lang);
            crate::store::write_private(out, svg).map_err(|e| cannot_write(&strings, out, e))?;
            store
                .log_access(&crate::domain::privacy::AccessEntry {
                    participant: p.id,
                    at: Utc::now(),
                    coach: current_coach(&cli, &store),
                    action: crate::domain::privacy::AccessAction::ChartExported,
                })
                .map_err(|e| CliError::from_store(e, &strings))?;
            let date = crate::domain::validate::format_date(latest.date);
            let (name, file) = (p.listed_name(), out.display().to_string());
            crate::output::line(
                strings.fill("cli.chart_written", &[("name", &name), ("date", &date), ("file", &file)]),
            )?;
            Ok(())
        }
        Some(Command::Settings { no_contact_days, set_coach, lock_minutes, retention_months }) => {
            let dir = data_dir(&cli)?;
            let store = open_store(&dir, &strings, Create::No)?;
            let mut settings = store.settings().map_err(|e| CliError::from_store(e, &strings))?;
            if lock_minutes.is_some() || retention_months.is_some() {
                settings.lock_minutes = lock_minutes.or(settings.lock_minutes);
                settings.retention_months = retention_months.or(settings.retention_months);
                store.save_settings(&settings).map_err(|e| CliError::from_store(e, &strings))?;
            }
            if no_contact_days.is_some() || set_coach.is_some() {
                if let Some(d) = no_contact_days {
                    settings.no_contact_days = Some(*d);
                }
                if let Some(c) = set_coach {
                    settings.coach = Some(c.trim().to_string()).filter(|c| !c.is_empty());
                }
                store.save_settings(&settings).map_err(|e| CliError::from_store(e, &strings))?;
            }
            let no_contact = settings
                .no_contact_days
                .unwrap_or(crate::domain::attention::Rules::default().max_days_without_contact as u16);
            crate::output::bytes(
                format!(
                    "coach: {}\nlock-minutes: {}\nretention-months: {}\nno-contact-days: {no_contact}\n",
                    settings.coach.as_deref().unwrap_or("(not set)"),
                    settings.lock_minutes(),
                    settings.retention_months(),
                )
                .as_bytes(),
            )?;
            Ok(())
        }
        Some(Command::Team { command }) => crate::team::run(&cli, &strings, command),
        Some(Command::Sync) => crate::team::sync(&cli, &strings),
        // Handled before the caseload's state is looked at (above); here for completeness.
        Some(Command::Server { args }) => run_server(args),
        Some(Command::ImportReferrals { file }) => {
            let bytes = std::fs::read(file)
                .map_err(|e| CliError::new(format!("cannot read {}: {e}", file.display()), exit::ERROR))?;
            let dir = data_dir(&cli)?;
            let store = open_store(&dir, &strings, Create::No)?;
            let coach = current_coach(&cli, &store);
            let report = crate::import::import_referrals(&store, &bytes, today, Utc::now(), &coach)
                .map_err(|e| CliError::new(e.to_string(), exit::ERROR))?;
            crate::output::bytes(report.render(file).as_bytes())?;
            if report.bad_rows.is_empty() {
                Ok(())
            } else {
                Err(CliError::new(
                    format!("{} rows were not imported; fix them and import those rows again", report.bad_rows.len()),
                    exit::BAD_ROWS,
                ))
            }
        }
    }
}

/// A file that could not be written, in the coach's language.
fn cannot_write(strings: &Strings, path: &std::path::Path, e: std::io::Error) -> CliError {
    let (file, error) = (path.display().to_string(), e.to_string());
    CliError::new(strings.fill("cli.cannot_write", &[("file", &file), ("error", &error)]), exit::ERROR)
}

/// The UI's sentence as the command line's error.
fn ui_error(e: crate::ui::UiError) -> CliError {
    CliError::new(e.0, exit::ERROR)
}

/// `meedoen server ARGS`: becomes `meedoen-server ARGS`, the program beside this one.
fn run_server(args: &[std::ffi::OsString]) -> Result<(), CliError> {
    let me = std::env::current_exe()
        .map_err(|e| CliError::new(format!("cannot find where meedoen is installed: {e}"), exit::ERROR))?;
    let server = me.with_file_name(format!("meedoen-server{}", std::env::consts::EXE_SUFFIX));
    if !server.is_file() {
        return Err(CliError::new(
            format!("the team server is not installed: {} is missing (it comes with meedoen)", server.display()),
            exit::ERROR,
        ));
    }
    let mut command = std::process::Command::new(&server);
    command.args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let e = command.exec();
        Err(CliError::new(format!("cannot start {}: {e}", server.display()), exit::ERROR))
    }
    #[cfg(not(unix))]
    {
        let status = command
            .status()
            .map_err(|e| CliError::new(format!("cannot start {}: {e}", server.display()), exit::ERROR))?;
        match status.code() {
            Some(0) => Ok(()),
            code => Err(CliError::new(String::new(), code.unwrap_or(exit::ERROR))),
        }
    }
}
