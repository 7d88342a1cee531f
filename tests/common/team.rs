//! A team as the team tests and the sync bench run it: the real `meedoen-server` (killed on
//! drop) and coaches' computers running the real `meedoen`, each with its own data and state
//! directory.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub const MEEDOEN: &str = env!("CARGO_BIN_EXE_meedoen");
pub const SERVER: &str = env!("CARGO_BIN_EXE_meedoen-server");

/// A running `meedoen-server`; `base` is the address it said it listens on.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// On a free loopback port.
    pub fn start(url: &str) -> Server {
        Server::start_on(url, 0)
    }

    /// On loopback port `port` (a server started again where the coaches know it).
    pub fn start_on(url: &str, port: u16) -> Server {
        let mut child = Command::new(SERVER)
            .args(["--database", url, "--listen", &format!("127.0.0.1:{port}")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let base =
            line.trim().strip_prefix("meedoen-server listening on ").unwrap_or_else(|| panic!("{line}")).to_string();
        // The server's log (errors only) goes on to the test's.
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                eprintln!("{line}");
            }
        });
        Server { child, base }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One coach's computer: a data directory, a state directory and the coach's passphrase.
pub struct Coach {
    pub data: PathBuf,
    pub state: PathBuf,
    pub passphrase: &'static str,
}

impl Coach {
    pub fn new(root: &Path, name: &str, passphrase: &'static str) -> Coach {
        Coach { data: root.join(name).join("data"), state: root.join(name).join("state"), passphrase }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(MEEDOEN)
            .arg("--data-dir")
            .arg(&self.data)
            .args(args)
            .env("MEEDOEN_STATE_DIR", &self.state)
            .env("MEEDOEN_PASSPHRASE", self.passphrase)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Runs `meedoen ARGS`, which must succeed; its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "meedoen {args:?} failed ({:?}): {text}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        text
    }

    /// The caseload opened in this process (as the UI would), for a change or a look.
    pub fn store(&self) -> meedoen::store::Store {
        meedoen::store::set_state_dir(Some(self.state.clone()));
        meedoen::store::Store::open(&self.data, self.passphrase).unwrap()
    }

    pub fn export(&self) -> serde_json::Value {
        serde_json::from_str(&self.ok(&["export"])).unwrap()
    }
}

/// The last line of a command's output (where an invite code stands alone).
pub fn last_line(text: &str) -> String {
    text.lines().last().unwrap_or("").trim().to_string()
}
