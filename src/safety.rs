//! `meedoen backup`, `restore` and `check`, and the hand-over of a backup request to a meedoen
//! that has the caseload open in another window.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cli::{Cli, CliError, data_dir, exit};
use crate::i18n::Strings;
use crate::store::{Backup, Store, StoreError};
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
        Err(StoreError::Locked) => backup_through_running_app(strings, &dir, &target),
        Err(e) => Err(CliError::from_store(e, strings)),
        Ok(locked) => {
            drop(locked);
            let store = open_store(&dir, strings, Create::No)?;
            let n = store.write_backup(&target).map_err(|e| CliError::from_store(e, strings))?;
            crate::output::line(backup_written(strings, &target, &n.to_string()))?;
            Ok(())
        }
    }
}

fn backup_written(strings: &Strings, target: &Path, n: &str) -> String {
    strings.fill("cli.backup_written", &[("file", &target.display().to_string()), ("n", n)])
}

fn backup_through_running_app(strings: &Strings, dir: &Path, target: &Path) -> Result<(), CliError> {
    let result = dir.join(RESULT_FILE);
    let _ = std::fs::remove_file(&result);
    std::fs::write(dir.join(REQUEST_FILE), target.display().to_string())
        .map_err(|e| CliError::new(strings.fill("cli.backup_cannot_ask", &[("error", &e.to_string())]), exit::ERROR))?;
    crate::output::note(strings.get("cli.backup_asking"));
    let start = Instant::now();
    while start.elapsed() < WAIT {
        if let Ok(answer) = std::fs::read_to_string(&result) {
            let _ = std::fs::remove_file(&result);
            return match answer.strip_prefix("ok ") {
                Some(n) => {
                    crate::output::line(backup_written(strings, target, n.trim()))?;
                    Ok(())
                }
                None => Err(CliError::new(
                    strings.fill("cli.backup_failed_running", &[("answer", answer.trim())]),
                    exit::ERROR,
                )),
            };
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = std::fs::remove_file(dir.join(REQUEST_FILE));
    Err(CliError::new(strings.get("cli.backup_no_answer"), exit::LOCKED))
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

/// `meedoen restore FILE`: the backup is read and its passphrase checked before anything is
/// written; then it is restored whole (see [`Store::restore`]), opened and checked.
pub fn restore(cli: &Cli, strings: &Strings, file: &Path) -> Result<(), CliError> {
    let dir = data_dir(cli)?;
    let err = |e| CliError::from_store(e, strings);
    let backup = Backup::read(file).map_err(err)?;
    let (key, passphrase) = crate::unlock::unlock_with(strings, |p| backup.unlock(p))?;
    let restored = Store::restore(&backup, &key, &dir).map_err(|e| match e {
        StoreError::AlreadyInitialised => {
            CliError::new(strings.fill("cli.restore_not_empty", &[("dir", &dir.display().to_string())]), exit::ERROR)
        }
        other => err(other),
    })?;
    let dir_text = dir.display().to_string();
    crate::output::line(strings.fill("cli.restored", &[("n", &restored.records.to_string()), ("dir", &dir_text)]))?;
    if restored.skipped > 0 {
        crate::output::line(strings.fill("cli.restore_skipped_erased", &[("n", &restored.skipped.to_string())]))?;
    }
    // Opening it proves the data; check reads every record.
    let store = Store::open(&dir, &passphrase).map_err(err)?;
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
        crate::output::line(strings.fill("cli.check_ok", &[("n", &store.participant_count().to_string())]))?;
        return Ok(());
    }
    for p in &problems {
        // A closed output does not hide that there are problems: the exit code still says so.
        if crate::output::line(strings.fill("cli.check_problem", &[("problem", p)])).is_err() {
            break;
        }
    }
    Err(CliError::new(strings.fill("cli.check_failed", &[("n", &problems.len().to_string())]), exit::ERROR))
}
