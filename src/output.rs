//! What the commands write to standard output and standard error.
//!
//! Every line a command prints goes through here, so a reader that went away early
//! (`meedoen settings | head -1`, or `| true`) ends the command quietly instead of a panic
//! (Rust's `println!` panics on a closed pipe, exit code 101). Whatever the command did before
//! (a saved setting, a written file) stays done; only its report to the closed output is lost.

use std::fmt::Display;
use std::io::{ErrorKind, Write};

use crate::cli::{CliError, exit};

/// One line on standard output.
pub fn line(text: impl Display) -> Result<(), CliError> {
    bytes(format!("{text}\n").as_bytes())
}

/// Bytes on standard output as they are.
pub fn bytes(data: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(data).and_then(|()| out.flush()).map_err(|e| match e.kind() {
        ErrorKind::BrokenPipe => CliError::closed_output(),
        _ => CliError::new(format!("cannot write to standard output: {e}"), exit::ERROR),
    })
}

/// One line on standard error; a closed standard error is not worth failing for.
pub fn note(text: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}
