use clap::Parser;

use meedoen::cli::{Cli, exit};

fn main() {
    // Everything meedoen writes holds personal data: owner-only, whatever the umask.
    meedoen::store::owner_only_umask();
    let cli = Cli::parse();
    let lang = cli.lang;
    // The last line of defence: a panic anywhere (a storage engine that trips over a file damaged
    // during a session included) ends the program with a sentence and exit code 1, not 101. The
    // terminal is restored by the UI's own panic hook first; saves already on disk stay.
    meedoen::store::quiet_storage_panics();
    let outcome = std::panic::catch_unwind(move || meedoen::app::run(cli));
    let code = match outcome {
        Ok(Ok(())) => exit::OK,
        Ok(Err(e)) => {
            if !e.message.is_empty() {
                meedoen::output::note(format!("meedoen: {}", e.message));
            }
            e.code
        }
        Err(_) => {
            let strings = meedoen::i18n::Strings::new(lang);
            let e = if meedoen::store::panicked_in_storage() {
                meedoen::store::StoreError::Corrupt { kind: "storage", reason: "damaged data file".into() }
            } else {
                meedoen::store::StoreError::Backend("internal error (a bug in meedoen; please report it)".into())
            };
            let e = meedoen::cli::CliError::from_store(e, &strings);
            meedoen::output::note(format!("meedoen: {}", e.message));
            exit::ERROR
        }
    };
    std::process::exit(code);
}
