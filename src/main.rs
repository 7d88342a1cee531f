use clap::Parser;

use meedoen::cli::{Cli, exit};

fn main() {
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
