//! The terminal user interface (under construction in this commit).
use crate::cli::CliError;
use crate::i18n::Strings;
use crate::store::Store;

pub fn run(_store: Store, _strings: Strings, _coach: String) -> Result<(), CliError> {
    Err(CliError::new("the UI is being built", 1))
}
