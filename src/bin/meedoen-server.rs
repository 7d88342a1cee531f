//! `meedoen-server`: the team's sync service over PostgreSQL (see `meedoen::server`).

fn main() {
    std::process::exit(meedoen::server::main(std::env::args_os()));
}
