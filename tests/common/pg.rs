//! A throwaway PostgreSQL for the server tests: its own data directory in a temporary directory,
//! its own loopback port and socket directory, stopped and removed on drop. Several tests may
//! each start one at the same time.
//!
//! PostgreSQL refuses to run as root: as root, `initdb` and `pg_ctl` run as the `postgres` user
//! (`runuser`). Without PostgreSQL installed [`start`] says so on standard error and returns
//! `None` (the test then passes without checking anything), unless `MEEDOEN_REQUIRE_POSTGRES=1`:
//! then it panics, so CI cannot pass without the server tests.

use std::path::{Path, PathBuf};
use std::process::Command;

const MISSING: &str = "PostgreSQL not found: skipping the server tests; install postgresql to run them";

pub struct Pg {
    /// `postgres://postgres@127.0.0.1:PORT/meedoen` (trust authentication).
    pub url: String,
    pub port: u16,
    pub bin: PathBuf,
    dir: PathBuf,
    as_postgres: bool,
}

/// The directory holding `initdb`, `pg_ctl` and `createdb`: on the PATH, else the newest
/// `/usr/lib/postgresql/*/bin`.
fn bin_dir() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("initdb").is_file() && dir.join("pg_ctl").is_file() {
                // Where a link on the PATH leads: `createdb` is beside the real one.
                let real = std::fs::canonicalize(dir.join("initdb")).ok()?;
                return real.parent().map(Path::to_path_buf);
            }
        }
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().split('.').next()?.parse().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

impl Pg {
    /// `program` of PostgreSQL's bin directory, as the `postgres` user when running as root.
    fn command(&self, program: &str) -> Command {
        command(&self.bin, program, self.as_postgres)
    }
}

fn command(bin: &Path, program: &str, as_postgres: bool) -> Command {
    let program = bin.join(program);
    if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(mut c: Command, what: &str) -> Result<(), String> {
    let out = c.output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    }
}

/// A fresh PostgreSQL with an empty database `meedoen`, or `None` when PostgreSQL is not
/// installed (see the module's documentation).
pub fn start() -> Option<Pg> {
    let Some(bin) = bin_dir() else {
        if std::env::var("MEEDOEN_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
            panic!("{MISSING}");
        }
        eprintln!("{MISSING}");
        return None;
    };
    let as_postgres = is_root();
    let dir = tempfile::Builder::new().prefix("meedoen-pg").tempdir().unwrap().keep();
    if as_postgres {
        run(
            {
                let mut c = Command::new("chown");
                c.arg("postgres:").arg(&dir);
                c
            },
            "chown",
        )
        .unwrap();
    }
    let data = dir.join("data");
    let mut initdb = command(&bin, "initdb", as_postgres);
    initdb.arg("-D").arg(&data).args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "-N"]);
    run(initdb, "initdb").unwrap();
    // A port another test took between choosing and binding it: try another.
    let mut last = String::new();
    for _ in 0..5 {
        let port = free_port();
        let pg = Pg {
            url: format!("postgres://postgres@127.0.0.1:{port}/meedoen"),
            port,
            bin: bin.clone(),
            dir: dir.clone(),
            as_postgres,
        };
        match pg.start_again() {
            Ok(()) => {
                let mut createdb = pg.command("createdb");
                createdb.args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres", "meedoen"]);
                run(createdb, "createdb").unwrap();
                return Some(pg);
            }
            Err(e) => {
                last = e;
                // pg_ctl's own cleanup of a failed start; the Pg must not stop anything.
                std::mem::forget(pg);
            }
        }
    }
    let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
    panic!("PostgreSQL did not start: {last}\n{log}");
}

impl Pg {
    /// Starts this PostgreSQL again after [`Pg::stop`] (on the same port and data).
    pub fn start_again(&self) -> Result<(), String> {
        let mut ctl = self.command("pg_ctl");
        ctl.arg("-D").arg(self.dir.join("data")).arg("-l").arg(self.dir.join("log"));
        ctl.args(["-w", "-t", "30", "-o"]).arg(format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=60 -c shared_buffers=16MB",
            self.port,
            self.dir.display()
        ));
        ctl.arg("start");
        run(ctl, "pg_ctl start")
    }

    /// Stops this PostgreSQL, ending every connection (`-m fast`: what is committed stays, which
    /// an immediate stop does not promise with this instance's `synchronous_commit=off`);
    /// [`Pg::start_again`] brings it back.
    pub fn stop(&self) {
        self.pg_ctl_stop("fast");
    }

    /// The whole database as `pg_dump` writes it (plain SQL, data included).
    #[allow(dead_code)]
    pub fn dump(&self) -> String {
        let out = Command::new(self.bin.join("pg_dump")).args(["--dbname", &self.url]).output().unwrap();
        assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn pg_ctl_stop(&self, mode: &str) {
        let mut ctl = self.command("pg_ctl");
        ctl.arg("-D").arg(self.dir.join("data")).args(["-m", mode, "-w", "stop"]);
        let _ = ctl.output();
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        self.pg_ctl_stop("immediate");
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
