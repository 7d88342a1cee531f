//! Getting the passphrase on the command line and opening the caseload with it.
//!
//! The passphrase comes from `MEEDOEN_PASSPHRASE` (for automation and tests) or is asked in the
//! terminal without echo. A new caseload asks it twice.

use std::path::Path;

use zeroize::Zeroizing;

use crate::cli::{CliError, exit};
use crate::i18n::Strings;
use crate::store::crypto::KdfParams;
use crate::store::{Store, StoreError, StoreState};

/// The environment variable read instead of asking.
pub const PASSPHRASE_ENV: &str = "MEEDOEN_PASSPHRASE";
/// A new passphrase must be at least this many characters.
pub const MIN_PASSPHRASE: usize = 10;
/// How often a wrong passphrase may be retyped in the terminal.
const ATTEMPTS: usize = 3;

/// Whether a command may create a caseload in an empty directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    Yes,
    No,
}

/// Read by `meedoen passphrase` for the new passphrase (the old one comes from [`PASSPHRASE_ENV`]).
pub const NEW_PASSPHRASE_ENV: &str = "MEEDOEN_NEW_PASSPHRASE";

fn from_env(strings: &Strings) -> Result<Option<Zeroizing<String>>, CliError> {
    env(PASSPHRASE_ENV, strings)
}

/// The passphrase in environment variable `var`, if set; one that is not text (not UTF-8) is
/// refused rather than skipped or changed.
fn env(var: &str, strings: &Strings) -> Result<Option<Zeroizing<String>>, CliError> {
    match std::env::var(var) {
        Ok(p) if !p.is_empty() => Ok(Some(Zeroizing::new(p))),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(CliError::new(strings.fill("unlock.not_text_env", &[("var", var)]), exit::USAGE))
        }
        _ => Ok(None),
    }
}

/// The passphrase of an existing caseload: from the environment or asked once.
pub fn current_passphrase(strings: &Strings) -> Result<Zeroizing<String>, CliError> {
    match from_env(strings)? {
        Some(p) => Ok(p),
        None => ask(strings.get("unlock.ask"), strings),
    }
}

/// Asks in the terminal without echo. Bytes that are not text (not UTF-8: a terminal set to
/// another encoding) reach us as U+FFFD from `rpassword`: such an answer is refused with a
/// message and asked again, so no key is derived from something the coach did not type.
fn ask(prompt: &str, strings: &Strings) -> Result<Zeroizing<String>, CliError> {
    for _ in 0..ATTEMPTS {
        let p = rpassword::prompt_password(prompt)
            .map(Zeroizing::new)
            .map_err(|_| CliError::new(strings.get("unlock.no_terminal"), exit::ERROR))?;
        if !p.contains(char::REPLACEMENT_CHARACTER) {
            return Ok(p);
        }
        crate::output::note(strings.get("unlock.not_text"));
    }
    Err(CliError::new(strings.get("unlock.not_text"), exit::USAGE))
}

/// Checks a new passphrase; `None` when it is good enough.
pub fn weak(passphrase: &str, strings: &Strings) -> Option<String> {
    (passphrase.chars().count() < MIN_PASSPHRASE)
        .then(|| strings.get("unlock.too_short").replace("{n}", &MIN_PASSPHRASE.to_string()))
}

/// A new passphrase: from the environment, or asked twice in the terminal.
pub fn new_passphrase(strings: &Strings) -> Result<Zeroizing<String>, CliError> {
    new_passphrase_from(PASSPHRASE_ENV, strings)
}

/// A new passphrase: from environment variable `var`, or asked twice in the terminal.
pub fn new_passphrase_from(var: &str, strings: &Strings) -> Result<Zeroizing<String>, CliError> {
    if let Some(p) = env(var, strings)? {
        return match weak(&p, strings) {
            Some(msg) => Err(CliError::new(msg, exit::USAGE)),
            None => Ok(p),
        };
    }
    for _ in 0..ATTEMPTS {
        let first = ask(strings.get("unlock.new"), strings)?;
        if let Some(msg) = weak(&first, strings) {
            crate::output::note(&msg);
            continue;
        }
        let second = ask(strings.get("unlock.repeat"), strings)?;
        if *first == *second {
            return Ok(first);
        }
        crate::output::note(strings.get("unlock.mismatch"));
    }
    Err(CliError::new(strings.get("unlock.gave_up"), exit::USAGE))
}

/// Asks the passphrase of an existing caseload (or takes it from the environment) until `open`
/// accepts it, three tries in the terminal; what `open` gave and the passphrase.
pub fn unlock_with<T>(
    strings: &Strings,
    open: impl Fn(&str) -> Result<T, StoreError>,
) -> Result<(T, Zeroizing<String>), CliError> {
    let err = |e: StoreError| CliError::from_store(e, strings);
    if let Some(p) = from_env(strings)? {
        return open(&p).map(|t| (t, p)).map_err(err);
    }
    for attempt in 1..=ATTEMPTS {
        let p = ask(strings.get("unlock.ask"), strings)?;
        match open(&p) {
            Err(StoreError::WrongPassphrase) if attempt < ATTEMPTS => {
                crate::output::note(strings.get("error.wrong_passphrase"));
            }
            other => return other.map(|t| (t, p)).map_err(err),
        }
    }
    Err(err(StoreError::WrongPassphrase))
}

/// Where `dir` holds no caseload yet, the new passphrase, asked and checked before anything is
/// made on disk (a refused passphrase leaves no empty caseload behind); `None` where there is
/// a database already (its state decides what is asked).
pub fn ask_before_creating(dir: &Path, strings: &Strings) -> Result<Option<Zeroizing<String>>, CliError> {
    if dir.join("db").exists() {
        return Ok(None);
    }
    new_passphrase(strings).map(Some)
}

/// Opens the caseload in `dir`, asking what is needed: the passphrase of an encrypted caseload,
/// a new one for a new caseload (when `create` allows) or for encrypting one from before
/// encryption.
pub fn open_store(dir: &Path, strings: &Strings, create: Create) -> Result<Store, CliError> {
    let err = |e: StoreError| CliError::from_store(e, strings);
    let mut early = match create {
        Create::Yes => ask_before_creating(dir, strings)?,
        Create::No => None,
    };
    let locked = Store::open_locked(dir).map_err(err)?;
    match locked.state().map_err(err)? {
        StoreState::New if create == Create::No => {
            locked.check_nothing_lost().map_err(err)?;
            Err(err(StoreError::NotInitialised))
        }
        StoreState::New => {
            locked.check_nothing_lost().map_err(err)?;
            let p = match early.take() {
                Some(p) => p,
                None => new_passphrase(strings)?,
            };
            locked.init(&p, KdfParams::STANDARD).map_err(err)
        }
        StoreState::Plain => {
            let p = match early.take() {
                Some(p) => p,
                None => {
                    crate::output::note(strings.get("unlock.encrypting"));
                    new_passphrase(strings)?
                }
            };
            locked.unlock(&p).map_err(err)
        }
        StoreState::Encrypted => {
            if let Some(p) = from_env(strings)? {
                return locked.unlock(&p).map_err(err);
            }
            // Asking again needs the store back, so retry by reopening (the lock is ours).
            let mut locked = Some(locked);
            for attempt in 1..=ATTEMPTS {
                let store = match locked.take() {
                    Some(l) => l,
                    None => Store::open_locked(dir).map_err(err)?,
                };
                let p = ask(strings.get("unlock.ask"), strings)?;
                match store.unlock(&p) {
                    Err(StoreError::WrongPassphrase) if attempt < ATTEMPTS => {
                        crate::output::note(strings.get("error.wrong_passphrase"));
                    }
                    other => return other.map_err(err),
                }
            }
            Err(err(StoreError::WrongPassphrase))
        }
    }
}
