//! `meedoen --demo` leaves nothing behind: a closed terminal (SIGHUP) ends it the normal way and
//! removes its directory; a run killed outright (SIGKILL) has its directory removed by the next
//! `--demo`. Each test gives the binary its own temporary directory (TMPDIR).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// The tests of this file run one at a time: a terminal opened by one test can be inherited by a
/// program another test starts at that moment, and then closing it does not hang it up.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

struct Demo {
    screen: Arc<Mutex<vt100::Parser>>,
    child: Box<dyn Child + Send + Sync>,
    master: Option<Box<dyn MasterPty + Send>>,
}

impl Demo {
    fn start(tmpdir: &Path) -> Demo {
        let pair =
            native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_meedoen"));
        cmd.arg("--demo");
        cmd.env("TMPDIR", tmpdir);
        cmd.env("HOME", tmpdir);
        cmd.env("NO_COLOR", "1");
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("MEEDOEN_DATA_DIR");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(24, 80, 0)));
        let s = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut parser = s.lock().unwrap();
                parser.process(&buf[..n]);
                // Stop reading once the first screen is there: this thread's copy of the
                // terminal's end is closed, so dropping `master` closes the terminal.
                if parser.screen().contents().contains("Vandaag") {
                    break;
                }
            }
        });
        let demo = Demo { screen, child, master: Some(pair.master) };
        let start = Instant::now();
        while !demo.screen.lock().unwrap().screen().contents().contains("Vandaag") {
            assert!(start.elapsed() < Duration::from_secs(30), "{}", demo.screen.lock().unwrap().screen().contents());
            std::thread::sleep(Duration::from_millis(30));
        }
        demo
    }

    fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    fn exited_within(&mut self, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.child.try_wait().unwrap().is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

fn demo_dirs(tmpdir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(tmpdir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("meedoen-demo-"))
        .collect()
}

fn signal(pid: u32, name: &str) {
    let ok = std::process::Command::new("kill").arg(format!("-{name}")).arg(pid.to_string()).status().unwrap();
    assert!(ok.success());
}

#[cfg(unix)]
#[test]
fn closing_the_terminal_removes_the_demo_directory() {
    let _serial = one_at_a_time();
    let tmp = tempfile::tempdir().unwrap();
    let mut demo = Demo::start(tmp.path());
    assert_eq!(demo_dirs(tmp.path()).len(), 1);
    // The terminal window closes: the kernel sends SIGHUP to the program in it.
    drop(demo.master.take());
    assert!(demo.exited_within(Duration::from_secs(10)), "meedoen --demo still runs after its terminal closed");
    assert_eq!(demo_dirs(tmp.path()), Vec::<PathBuf>::new());
}

#[cfg(unix)]
#[test]
fn sigterm_and_sighup_remove_the_demo_directory() {
    let _serial = one_at_a_time();
    for sig in ["TERM", "HUP"] {
        let tmp = tempfile::tempdir().unwrap();
        let mut demo = Demo::start(tmp.path());
        signal(demo.pid(), sig);
        assert!(demo.exited_within(Duration::from_secs(10)), "SIG{sig}: meedoen --demo still runs");
        assert_eq!(demo_dirs(tmp.path()), Vec::<PathBuf>::new(), "SIG{sig}");
    }
}

#[cfg(unix)]
#[test]
fn the_next_demo_removes_what_a_killed_one_left_behind() {
    let _serial = one_at_a_time();
    let tmp = tempfile::tempdir().unwrap();
    let mut first = Demo::start(tmp.path());
    signal(first.pid(), "KILL");
    assert!(first.exited_within(Duration::from_secs(10)));
    let left = demo_dirs(tmp.path());
    assert_eq!(left.len(), 1, "SIGKILL leaves the directory (nothing can run after it)");
    // A directory another user's or a running demo's is never touched: this one runs meanwhile.
    let mut running = Demo::start(tmp.path());
    assert!(!left[0].exists(), "the second --demo removed the first one's directory");
    let mut third = Demo::start(tmp.path());
    assert_eq!(demo_dirs(tmp.path()).len(), 2, "the running demo's directory stays");
    for d in [&mut running, &mut third] {
        signal(d.pid(), "TERM");
        assert!(d.exited_within(Duration::from_secs(10)));
    }
    assert_eq!(demo_dirs(tmp.path()), Vec::<PathBuf>::new());
}

/// A terminal closed without SIGHUP reaching the program (it was not the terminal's session
/// leader): crossterm read end-of-file in a loop it never left, a core at full load for good
/// (found as three orphaned demos at 46% each). meedoen now notices the hang-up itself.
#[cfg(unix)]
#[test]
fn a_terminal_closed_without_sighup_ends_the_demo_too() {
    use std::os::fd::FromRawFd;
    let _serial = one_at_a_time();
    let tmp = tempfile::tempdir().unwrap();
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize { ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: two out-parameters for the descriptors, no name, default settings, a valid size.
    let opened = unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), &size) };
    assert_eq!(opened, 0);
    // SAFETY: the descriptors were just opened and are owned by these files from here on.
    let (mut master, slave) = unsafe { (std::fs::File::from_raw_fd(master), std::fs::File::from_raw_fd(slave)) };
    let fd = std::os::fd::AsRawFd::as_raw_fd(&master);
    // SAFETY: a valid descriptor; only its flags change (not inherited by the program, so closing
    // it here closes the terminal; reads do not block).
    unsafe {
        libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
        libc::fcntl(fd, libc::F_SETFL, libc::O_NONBLOCK);
    }
    // Started in the test's own session: the terminal is not its controlling terminal.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_meedoen"))
        .arg("--demo")
        .env("TMPDIR", tmp.path())
        .env("HOME", tmp.path())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm-256color")
        .env_remove("MEEDOEN_DATA_DIR")
        .stdin(slave.try_clone().unwrap())
        .stdout(slave.try_clone().unwrap())
        .stderr(slave)
        .spawn()
        .unwrap();
    let mut screen = Vec::new();
    let start = Instant::now();
    while !String::from_utf8_lossy(&screen).contains("Vandaag") {
        assert!(start.elapsed() < Duration::from_secs(30), "no first screen");
        let mut buf = [0u8; 4096];
        match master.read(&mut buf) {
            Ok(n) => screen.extend_from_slice(&buf[..n]),
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    drop(master);
    let closed = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if closed.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("meedoen --demo still runs 10 s after its terminal closed without SIGHUP");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(demo_dirs(tmp.path()), Vec::<PathBuf>::new());
}
