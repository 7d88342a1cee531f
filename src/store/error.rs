use std::path::PathBuf;

/// What can go wrong below the UI, each in words a coach can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("this caseload is open in another window")]
    Locked,
    #[error("cannot use data directory {path}: {reason}")]
    DataDir { path: PathBuf, reason: String },
    #[error("the disk is full: nothing was saved, free some space and try again")]
    DiskFull,
    #[error("a stored {kind} record could not be read ({reason}); the data may be damaged: restore a backup")]
    Corrupt { kind: &'static str, reason: String },
    #[error(
        "this data was written by a newer meedoen (format {found}, this version reads up to {supported}); update meedoen"
    )]
    TooNew { found: u16, supported: u16 },
    #[error("participant number {0} does not exist")]
    NoSuchNumber(u32),
    #[error("the participant was not found")]
    NotFound,
    #[error("wrong passphrase")]
    WrongPassphrase,
    #[error("this record belonged to a participant who was erased")]
    Erased,
    #[error("no caseload here yet: create one with `meedoen init`")]
    NotInitialised,
    #[error("this data directory already holds a caseload")]
    AlreadyInitialised,
    #[error(
        "the caseload file holds less than was saved (saved up to {expected}, found {found}): it may be truncated or damaged; restore a backup with `meedoen restore FILE`"
    )]
    Truncated { expected: u64, found: u64 },
    #[error(
        "this caseload is older than the last save on this computer (saved up to {expected} on {saved_at}, this data directory holds {found}): it was probably copied back from an older copy; restore the newest backup with `meedoen restore FILE`, or start with --accept-older to go on with this older copy"
    )]
    RolledBack { expected: u64, found: u64, saved_at: String, file_missing: bool },
    #[error(
        "the stored {kind} record is not the one the change log says was written last (it is revision {}, the log is at revision {expected}): an older copy was probably put back into the data file, and it is not used; restore the newest backup with `meedoen restore FILE`",
        found.map_or_else(|| "missing".to_string(), |r| r.to_string())
    )]
    Replayed { kind: &'static str, found: Option<u64>, expected: u64 },
    #[error(
        "a backup cannot be written into the caseload's own files ({path}): choose a file outside the data directory, or in its backups folder"
    )]
    BackupInsideCaseload { path: PathBuf },
    #[error("storage error: {0}")]
    Backend(String),
}

impl StoreError {
    /// The string-table key of this error and the values of its `{name}` placeholders, so that the
    /// UI and the command line tell it in the coach's language; `None` for an internal storage
    /// error, told as it is.
    pub fn message_parts(&self) -> Option<(&'static str, Vec<(&'static str, String)>)> {
        Some(match self {
            StoreError::Locked => ("error.locked", vec![]),
            StoreError::DiskFull => ("error.disk_full", vec![]),
            StoreError::WrongPassphrase => ("error.wrong_passphrase", vec![]),
            StoreError::DataDir { path, reason } => {
                ("error.data_dir", vec![("path", path.display().to_string()), ("reason", reason.clone())])
            }
            StoreError::Corrupt { kind, reason } => {
                ("error.corrupt", vec![("kind", (*kind).to_string()), ("reason", reason.clone())])
            }
            StoreError::TooNew { found, supported } => {
                ("error.too_new", vec![("found", found.to_string()), ("supported", supported.to_string())])
            }
            StoreError::NoSuchNumber(n) => ("error.no_such_number", vec![("number", n.to_string())]),
            StoreError::NotFound => ("error.not_found", vec![]),
            StoreError::Erased => ("error.erased", vec![]),
            StoreError::NotInitialised => ("error.not_initialised", vec![]),
            StoreError::AlreadyInitialised => ("error.already_initialised", vec![]),
            StoreError::Truncated { expected, found } => {
                ("error.truncated", vec![("expected", expected.to_string()), ("found", found.to_string())])
            }
            StoreError::RolledBack { expected, found, saved_at, file_missing } => (
                if *file_missing { "error.rolled_back_file_missing" } else { "error.rolled_back" },
                vec![("expected", expected.to_string()), ("found", found.to_string()), ("saved_at", saved_at.clone())],
            ),
            StoreError::Replayed { kind, found: Some(found), expected } => (
                "error.replayed",
                vec![("kind", (*kind).to_string()), ("found", found.to_string()), ("expected", expected.to_string())],
            ),
            StoreError::Replayed { kind, found: None, expected } => {
                ("error.replayed_missing", vec![("kind", (*kind).to_string()), ("expected", expected.to_string())])
            }
            StoreError::BackupInsideCaseload { path } => {
                ("error.backup_inside_caseload", vec![("path", path.display().to_string())])
            }
            StoreError::Backend(_) => return None,
        })
    }
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        match e {
            sled::Error::Io(io) => io_error(io),
            sled::Error::Corruption { at, .. } => {
                StoreError::Corrupt { kind: "storage", reason: format!("damaged data file at {at:?}") }
            }
            other => StoreError::Backend(other.to_string()),
        }
    }
}

pub(crate) fn io_error(io: std::io::Error) -> StoreError {
    // sled reports a held lock as an error that wraps the operating system's WouldBlock.
    let inner_would_block = io
        .get_ref()
        .and_then(|e| e.downcast_ref::<std::io::Error>())
        .is_some_and(|e| e.kind() == std::io::ErrorKind::WouldBlock);
    if inner_would_block || io.to_string().contains("could not acquire lock") {
        return StoreError::Locked;
    }
    match io.kind() {
        std::io::ErrorKind::WouldBlock => StoreError::Locked,
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => StoreError::DiskFull,
        _ if io.raw_os_error() == Some(28) => StoreError::DiskFull,
        _ => StoreError::Backend(io.to_string()),
    }
}

impl From<sled::transaction::TransactionError<StoreError>> for StoreError {
    fn from(e: sled::transaction::TransactionError<StoreError>) -> Self {
        match e {
            sled::transaction::TransactionError::Abort(inner) => inner,
            sled::transaction::TransactionError::Storage(s) => s.into(),
        }
    }
}
