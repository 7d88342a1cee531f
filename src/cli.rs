//! Command-line interface: argument parsing and wiring only.

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use crate::i18n::{Lang, Strings};
use crate::store::{Store, StoreError};

/// meedoen: caseload, intake and search for coaches in social activation.
#[derive(Debug, Parser)]
#[command(name = "meedoen", version, about, long_about = None)]
pub struct Cli {
    /// Directory that holds the caseload (default: the platform's data directory).
    #[arg(long, env = "MEEDOEN_DATA_DIR", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Language of the user interface.
    #[arg(long, default_value = "nl", global = true, value_parser = lang_parser())]
    pub lang: Lang,
    /// The coach using meedoen (default: the coach saved with the caseload, else the login name).
    #[arg(long, env = "MEEDOEN_COACH", global = true)]
    pub coach: Option<String>,
    /// Open the UI on a fresh demo caseload in a temporary directory (real data is never touched).
    #[arg(long, conflicts_with = "data_dir")]
    pub demo: bool,
    /// Open a caseload that is older than the last save on this computer (a copy put back on
    /// purpose): meedoen forgets how far it got and goes on from this copy.
    #[arg(long, global = true)]
    pub accept_older: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new, encrypted caseload (asks the passphrase twice).
    Init,
    /// Change the passphrase (the data is not re-encrypted; only the master key is rewrapped).
    Passphrase,
    /// Write an encrypted snapshot of the caseload to FILE (also while meedoen runs elsewhere).
    Backup { file: PathBuf },
    /// Restore a backup FILE into an empty data directory.
    Restore { file: PathBuf },
    /// Read every record and index and report problems in plain words.
    Check,
    /// The period report (all figures with their denominators), or the ESF+ participant list.
    /// `--coach NAME` limits it to one coach's caseload.
    Report {
        /// First day of the period (dd-mm-jjjj).
        #[arg(long, value_name = "DATE")]
        from: String,
        /// Last day of the period (dd-mm-jjjj).
        #[arg(long, value_name = "DATE")]
        to: String,
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
        /// Write the ESF+ participant list (CSV) instead of the report.
        #[arg(long)]
        esf_list: bool,
        /// Put names in the ESF+ participant list (without: participant numbers only).
        #[arg(long, requires = "esf_list")]
        with_names: bool,
        /// File to write (default: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Fill an empty caseload with fictional but realistic participants.
    Demo {
        /// How many participants to create.
        #[arg(long, default_value_t = 120)]
        participants: usize,
        /// Seed for the random generator: the same seed gives the same people.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write every record as JSON, or (with --participant) everything about one person.
    Export {
        #[arg(long, value_enum, default_value = "json")]
        format: ExportFormat,
        /// Only this participant (their number, or their name for one whose number is still
        /// to follow), for a request of access: writes OUT.json and OUT.txt
        /// (default OUT: meedoen-inzage-NUMBER-DATE in the current directory).
        #[arg(long, value_name = "NUMBER|NAME")]
        participant: Option<String>,
        /// File to write (default: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Write a participant's latest Positive Health spider web (with the previous one) as SVG.
    Chart {
        /// The participant number shown in meedoen.
        number: u32,
        /// The SVG file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Show the caseload's settings, or change them.
    Settings {
        /// More days than this without a contact made puts someone on the attention list.
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u16).range(1..=365))]
        no_contact_days: Option<u16>,
        /// The coach whose caseload the start screen shows.
        #[arg(long = "set-coach", value_name = "NAME")]
        set_coach: Option<String>,
        /// Minutes without a key before the screen locks (0: never).
        #[arg(long, value_name = "MINUTES", value_parser = clap::value_parser!(u16).range(0..=240))]
        lock_minutes: Option<u16>,
        /// Months after a trajectory closes before it is listed for erasure.
        #[arg(long, value_name = "MONTHS", value_parser = clap::value_parser!(u16).range(1..=240))]
        retention_months: Option<u16>,
    },
    /// Work as a team: join the team's server with an invite code, or invite a colleague.
    Team {
        #[command(subcommand)]
        command: TeamCommand,
    },
    /// Sync with the team's server now: send this computer's changes, take in the team's.
    /// Exit code 6 when the server cannot be reached (everything is kept for later).
    Sync,
    /// Read a referral list (semicolon-separated CSV as Dutch spreadsheets save it).
    ImportReferrals {
        /// The CSV file.
        file: PathBuf,
    },
    /// Run the team's sync server (the `meedoen-server` program installed beside meedoen):
    /// `meedoen server --database URL [--listen ADDR] [--tls-cert FILE --tls-key FILE]`, or
    /// `meedoen server create-team --database URL NAME`. Every argument goes to it as it is.
    #[command(disable_help_flag = true)]
    Server {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<OsString>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// This data directory joins a team: a caseload here becomes the team's (the team's first
    /// coach), an empty or new one is filled from the server.
    Join {
        /// The team server's address (https://..., or http:// on this computer only).
        #[arg(long, value_name = "URL")]
        server: String,
        /// The one-time invite code.
        #[arg(long, value_name = "CODE")]
        code: String,
        /// A certificate (PEM) to trust for the server, for a certificate of your own.
        #[arg(long, value_name = "FILE")]
        ca: Option<PathBuf>,
    },
    /// A one-time code for a colleague to join this team (the code alone on the last line).
    Invite {
        /// The colleague's name.
        name: String,
        /// Hours until the code expires.
        #[arg(long, default_value_t = 72, value_parser = clap::value_parser!(u32).range(1..=336))]
        hours: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
}

/// `--lang`: one of the domain's languages, listed in `--help` and in the error for another.
fn lang_parser() -> impl clap::builder::TypedValueParser<Value = Lang> {
    use clap::builder::TypedValueParser;
    let codes: Vec<&'static str> = Lang::ALL.iter().map(|l| l.code()).collect();
    clap::builder::PossibleValuesParser::new(codes).map(|code| Lang::parse(&code).unwrap_or_default())
}

/// Exit codes, documented in README.md.
pub mod exit {
    pub const OK: i32 = 0;
    pub const ERROR: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const LOCKED: i32 = 3;
    pub const BAD_ROWS: i32 = 4;
    pub const WRONG_PASSPHRASE: i32 = 5;
    /// The team's server cannot be reached (`meedoen sync`): everything is kept for later.
    pub const UNREACHABLE: i32 = 6;
}

/// The data directory: `--data-dir`, `MEEDOEN_DATA_DIR`, or the platform data directory.
pub fn data_dir(cli: &Cli) -> anyhow::Result<PathBuf> {
    if let Some(d) = &cli.data_dir {
        return Ok(d.clone());
    }
    let dirs = directories::ProjectDirs::from("nl", "meedoen", "meedoen")
        .context("no home directory found: pass --data-dir DIR")?;
    Ok(dirs.data_dir().to_path_buf())
}

/// Where meedoen keeps what must survive a data directory copied back from an older copy:
/// `MEEDOEN_STATE_DIR`, or the platform state directory (`~/.local/state/meedoen` on Linux; the
/// preferences directory where the platform has no state directory). `None`: not kept.
pub fn state_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("MEEDOEN_STATE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    let dirs = directories::ProjectDirs::from("nl", "meedoen", "meedoen")?;
    Some(dirs.state_dir().unwrap_or_else(|| dirs.preference_dir()).to_path_buf())
}

/// An error for the command line: one sentence and an exit code.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub code: i32,
}

impl CliError {
    pub fn new(message: impl Into<String>, code: i32) -> CliError {
        CliError { message: message.into(), code }
    }
    /// Standard output was closed by its reader: the command ends quietly (exit code 0, nothing on
    /// standard error); see [`crate::output`].
    pub fn closed_output() -> CliError {
        CliError { message: String::new(), code: exit::OK }
    }
    pub fn from_store(e: StoreError, strings: &Strings) -> CliError {
        let code = match e {
            StoreError::Locked => exit::LOCKED,
            StoreError::WrongPassphrase => exit::WRONG_PASSPHRASE,
            _ => exit::ERROR,
        };
        let message = strings.store_error(&e);
        CliError { message, code }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        CliError { message: format!("{e:#}"), code: exit::ERROR }
    }
}

/// The coach using meedoen now.
pub fn current_coach(cli: &Cli, store: &Store) -> String {
    cli.coach
        .clone()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| store.settings().ok().and_then(|s| s.coach))
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "coach".to_string())
}
