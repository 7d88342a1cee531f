//! `meedoen backup`, `restore` and `check`, and the hand-over of a backup request to a meedoen
//! that has the caseload open in another window.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cli::{Cli, CliError, data_dir, exit};
use crate::i18n::Strings;
use crate::store::{Store, StoreError};
use crate::unlock::{Create, open_store};

/// A backup asked for while the caseload is open elsewhere: the path is written here, the
/// running meedoen writes the backup and answers in [`RESULT_FILE`].
pub const REQUEST_FILE: &str = "backup-request";
pub const RESULT_FILE: &str = "backup-request.result";
/// How long `meedoen backup` waits for the running meedoen.
const WAIT: Duration = Duration::from_secs(30);

fn absolute(file: &Path) -> PathBuf {
    if file.is_absolute() {
        return file.to_path_buf();
    }
    std::env::current_dir().map(|d| d.join(file)).unwrap_or_else(|_| file.to_path_buf())
}

pub fn backup(cli: &Cli, strings: &Strings, file: &Path) -> Result<(), CliError> {
    let dir = data_dir(cli)?;
    let target = absolute(file);
    match Store::open_locked(&dir) {
        Err(StoreError::Locked) => backup_through_running_app(&dir, &target),
        Err(e) => Err(CliError::from_store(e, strings)),
        Ok(locked) => {
            drop(locked);
            let store = open_store(&dir, strings, Create::No)?;
            let n = store.write_backup(&target).map_err(|e| CliError::from_store(e, strings))?;
            println!("backup written to {} ({n} entries, encrypted)", target.display());
            Ok(())
        }
    }
}

fn backup_through_running_app(dir: &Path, target: &Path) -> Result<(), CliError> {
    let result = dir.join(RESULT_FILE);
    let _ = std::fs::remove_file(&result);
    std::fs::write(dir.join(REQUEST_FILE), target.display().to_string())
        .map_err(|e| CliError::new(format!("cannot ask the running meedoen for a backup: {e}"), exit::ERROR))?;
    eprintln!("the caseload is open in another window; asking it to write the backup ...");
    let start = Instant::now();
    while start.elapsed() < WAIT {
        if let Ok(answer) = std::fs::read_to_string(&result) {
            let _ = std::fs::remove_file(&result);
            return match answer.strip_prefix("ok ") {
                Some(n) => {
                    println!("backup written to {} ({} entries, encrypted)", target.display(), n.trim());
                    Ok(())
                }
                None => {
                    Err(CliError::new(format!("the running meedoen could not write the backup: {answer}"), exit::ERROR))
                }
            };
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = std::fs::remove_file(dir.join(REQUEST_FILE));
    Err(CliError::new("the meedoen that has the caseload open did not answer within 30 seconds", exit::LOCKED))
}

/// Called by the running UI about once a second: writes a requested backup, if any.
pub fn serve_backup_request(store: &Store) {
    let Some(dir) = store.path() else { return };
    let request = dir.join(REQUEST_FILE);
    let Ok(target) = std::fs::read_to_string(&request) else { return };
    let _ = std::fs::remove_file(&request);
    let answer = match store.write_backup(Path::new(target.trim())) {
        Ok(n) => format!("ok {n}"),
        Err(e) => e.to_string(),
    };
    let _ = std::fs::write(dir.join(RESULT_FILE), answer);
}

pub fn restore(cli: &Cli, strings: &Strings, file: &Path) -> Result<(), CliError> {
    let dir = data_dir(cli)?;
    let n = Store::restore(file, &dir).map_err(|e| match e {
        StoreError::AlreadyInitialised => CliError::new(
            format!("{} already holds a caseload: restore only into an empty data directory", dir.display()),
            exit::ERROR,
        ),
        other => CliError::from_store(other, strings),
    })?;
    println!("{n} entries restored into {}", dir.display());
    // Opening it proves the passphrase and the data; check reads every record.
    let store = open_store(&dir, strings, Create::No)?;
    report_check(&store, strings)
}

pub fn check(cli: &Cli, strings: &Strings) -> Result<(), CliError> {
    let dir = data_dir(cli)?;
    let store = open_store(&dir, strings, Create::No)?;
    report_check(&store, strings)
}

fn report_check(store: &Store, strings: &Strings) -> Result<(), CliError> {
    let problems = store.check().map_err(|e| CliError::from_store(e, strings))?;
    if problems.is_empty() {
        println!("check: every record and index is in order ({} participants)", store.participant_count());
        return Ok(());
    }
    for p in &problems {
        println!("problem: {p}");
    }
    Err(CliError::new(
        format!(
            "check found {} problems; restore a backup (meedoen restore FILE) if records are damaged",
            problems.len()
        ),
        exit::ERROR,
    ))
}
