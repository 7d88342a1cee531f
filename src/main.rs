use clap::Parser;

use meedoen::cli::{Cli, exit};

fn main() {
    // Everything meedoen writes holds personal data: owner-only, whatever the umask.
    meedoen::store::owner_only_umask();
    let cli = Cli::parse();
    let code = match meedoen::app::run(cli) {
        Ok(()) => exit::OK,
        Err(e) => {
            if !e.message.is_empty() {
                meedoen::output::note(format!("meedoen: {}", e.message));
            }
            e.code
        }
    };
    std::process::exit(code);
}
