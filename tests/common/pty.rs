//! The real binary in a pseudo-terminal at 80x24, with its screen read through a terminal
//! emulator (vt100): shared by the end-to-end tests.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub struct Session {
    pub child: Box<dyn Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program has sent, and when it last sent any.
    sent: Arc<Mutex<(usize, Instant)>>,
    pub writer: Box<dyn Write + Send>,
    _master: Box<dyn MasterPty + Send>,
}

pub const PASSPHRASE: &str = "een testwachtwoord";

impl Session {
    pub fn start(dir: &Path, extra: &[&str]) -> Session {
        Session::start_with(dir, extra, Some(PASSPHRASE))
    }

    /// Starts meedoen; without a passphrase in the environment it asks in the terminal.
    pub fn start_with(dir: &Path, extra: &[&str], passphrase: Option<&str>) -> Session {
        Session::start_in(dir, extra, passphrase, &[("NO_COLOR", Some("1"))])
    }

    /// Starts meedoen with these variables set (`Some`) or removed (`None`) besides the usual
    /// ones: colour (`NO_COLOR`) is off unless a test says otherwise.
    pub fn start_in(dir: &Path, extra: &[&str], passphrase: Option<&str>, env: &[(&str, Option<&str>)]) -> Session {
        let pty = native_pty_system();
        let pair = pty.openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
        // `MEEDOEN_TEST_BIN` runs another build of meedoen (to see a test fail on an older one).
        let bin = std::env::var("MEEDOEN_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_meedoen").to_string());
        let mut cmd = CommandBuilder::new(bin);
        cmd.arg("--data-dir");
        cmd.arg(dir);
        cmd.env("MEEDOEN_STATE_DIR", dir.with_extension("state"));
        // A test that names its coach (`--coach` among `extra`) is that coach; else Sanne.
        if !extra.contains(&"--coach") {
            cmd.arg("--coach");
            cmd.arg("Sanne");
        }
        for a in extra {
            cmd.arg(a);
        }
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("COLORTERM");
        cmd.env_remove("NO_COLOR");
        for (k, v) in env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            }
        }
        // Exports (`x`) land beside the caseload, never in the real home or documents folder.
        if let Some(home) = dir.parent() {
            cmd.env("HOME", home);
            cmd.env("XDG_CONFIG_HOME", home.join(".config"));
        }
        cmd.env_remove("MEEDOEN_DATA_DIR");
        match passphrase {
            Some(p) => cmd.env("MEEDOEN_PASSPHRASE", p),
            None => cmd.env_remove("MEEDOEN_PASSPHRASE"),
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(24, 80, 0)));
        let p = Arc::clone(&parser);
        let sent = Arc::new(Mutex::new((0, Instant::now())));
        let counted = Arc::clone(&sent);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                {
                    let mut c = counted.lock().unwrap();
                    c.0 += n;
                    c.1 = Instant::now();
                }
                p.lock().unwrap().process(&buf[..n]);
            }
        });
        Session { parser, sent, writer, child, _master: pair.master }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text` (generous: the machine may be busy), looking every 2 ms.
    pub fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if self.screen().contains(text) {
                return;
            }
            // Often: a test that kills right after a text appears times the kill from here.
            std::thread::sleep(Duration::from_millis(2));
        }
        panic!("waited for {text:?}; the screen shows:\n{}", self.screen());
    }

    pub fn keys(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Let the program read each burst on its own, as typing does.
        std::thread::sleep(Duration::from_millis(60));
    }

    /// Waits until the program has sent nothing for `quiet`.
    pub fn settle(&self, quiet: Duration) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if self.sent.lock().unwrap().1.elapsed() >= quiet {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("the program kept sending; the screen shows:\n{}", self.screen());
    }

    /// The bytes the terminal receives in answer to `keys`: counted from a quiet screen until
    /// the program has been quiet for a quarter of a second again.
    pub fn bytes_for(&mut self, keys: &str) -> usize {
        let quiet = Duration::from_millis(250);
        self.settle(quiet);
        let before = self.sent.lock().unwrap().0;
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        std::thread::sleep(quiet);
        self.settle(quiet);
        self.sent.lock().unwrap().0 - before
    }

    pub fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(20) {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!("meedoen did not exit; the screen shows:\n{}", self.screen());
    }
}

pub const TAB: &str = "\t";
pub const CTRL_S: &str = "\x13";
pub const ESC: &str = "\x1b";
pub const ENTER: &str = "\r";
