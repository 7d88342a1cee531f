//! Bytes a coach's link carries, measured where the terminal receives them: the real meedoen
//! binary in a pseudo-terminal at 80x24 (TERM=xterm-256color, no COLORTERM, colour on), on a
//! demo caseload, side by side with peers in the same run: vim (`-u NONE`), nano and fzf where
//! they are on the machine, and an older meedoen build when `BYTES_BEFORE` names its binary.
//!
//! `cargo bench --bench bytes` (2,600 people; `BYTES_PEOPLE=100000` for more). Each figure is
//! the bytes sent in answer to one key, counted from a quiet screen until the program has been
//! quiet for 300 ms again.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const PASSPHRASE: &str = "bytes-bench-wachtwoord";

struct Pty {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    sent: Arc<Mutex<(usize, Instant)>>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Pty {
    fn start(cmd: CommandBuilder) -> Pty {
        let pair =
            native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let sent = Arc::new(Mutex::new((0usize, Instant::now())));
        let counted = Arc::clone(&sent);
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut c = counted.lock().unwrap();
                c.0 += n;
                c.1 = Instant::now();
            }
        });
        Pty { child, writer, sent, _master: pair.master }
    }

    fn settle(&self) {
        let start = Instant::now();
        while self.sent.lock().unwrap().1.elapsed() < Duration::from_millis(300) {
            assert!(start.elapsed() < Duration::from_secs(120), "the program kept sending");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// The bytes sent in answer to `keys` (a key that changes nothing: what comes in 300 ms).
    fn bytes_for(&mut self, keys: &str) -> usize {
        self.answer(keys, false).0
    }

    /// The bytes sent in answer to `keys` and how long the first of them took; `changes` says
    /// the key changes the screen, so its answer is waited for (a busy program answers late).
    fn answer(&mut self, keys: &str, changes: bool) -> (usize, Duration) {
        self.settle();
        let before = self.sent.lock().unwrap().0;
        let asked = Instant::now();
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        let mut first = None;
        while changes && first.is_none() && asked.elapsed() < Duration::from_secs(300) {
            let (n, at) = *self.sent.lock().unwrap();
            if n > before {
                first = Some(at.duration_since(asked));
            } else {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        std::thread::sleep(Duration::from_millis(300));
        self.settle();
        (self.sent.lock().unwrap().0 - before, first.unwrap_or_default())
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn command(program: &str, args: &[&str]) -> CommandBuilder {
    let mut cmd = CommandBuilder::new(program);
    cmd.args(args);
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("COLORTERM");
    cmd.env_remove("NO_COLOR");
    cmd
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

/// A demo caseload of `people` in `dir`, written by `bin`.
fn demo(bin: &str, dir: &Path, people: usize) {
    for args in [vec!["init"], vec!["demo", "--participants", &people.to_string()]] {
        let status = std::process::Command::new(bin)
            .arg("--data-dir")
            .arg(dir)
            .args(&args)
            .env("MEEDOEN_PASSPHRASE", PASSPHRASE)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "{bin} {args:?}");
    }
}

/// meedoen's figures: a key that changes nothing, the intake opened, characters typed, Tab,
/// search opened and "jansen" typed key by key.
fn meedoen(bin: &str, dir: &Path) -> Vec<(String, usize)> {
    let mut cmd = command(bin, &["--data-dir", &dir.display().to_string(), "--coach", "Sanne de Vries"]);
    cmd.env("MEEDOEN_PASSPHRASE", PASSPHRASE);
    let started = Instant::now();
    let mut p = Pty::start(cmd);
    // The first frame: the start screen (after the unlock).
    while p.sent.lock().unwrap().0 == 0 {
        assert!(started.elapsed() < Duration::from_secs(600), "no first frame");
        std::thread::sleep(Duration::from_millis(1));
    }
    let first_frame = started.elapsed();
    let mut out = Vec::new();
    // The first key after the first frame: answered at once, or after what the start still does.
    let (n, late) = p.answer("n", true);
    println!("first frame {first_frame:.2?} after exec; the first key after it (n) answered after {late:.2?}");
    out.push(("opening the intake (n)".to_string(), n));
    for c in ["J", "a", "n"] {
        out.push((format!("typing {c} in a field"), p.answer(c, true).0));
    }
    out.push(("Tab to the next field".into(), p.answer("\t", true).0));
    p.answer("\x1b", true);
    p.answer("j", true);
    out.push(("F12 on the start screen (changes nothing)".to_string(), p.bytes_for("\x1b[24~")));
    out.push(("opening search (/)".into(), p.answer("/", true).0));
    for c in "jansen".chars() {
        out.push((format!("search key {c}"), p.answer(&c.to_string(), true).0));
    }
    out
}

fn vim() -> Vec<(String, usize)> {
    let mut p = Pty::start(command("vim", &["-u", "NONE", "-N"]));
    std::thread::sleep(Duration::from_secs(1));
    p.bytes_for("i");
    ["J", "a", "n"].iter().map(|c| (format!("vim: typing {c}"), p.bytes_for(c))).collect()
}

fn nano() -> Vec<(String, usize)> {
    let mut p = Pty::start(command("nano", &["--ignorercfiles"]));
    std::thread::sleep(Duration::from_secs(1));
    ["J", "a", "n"].iter().map(|c| (format!("nano: typing {c}"), p.bytes_for(c))).collect()
}

fn fzf(names: &Path) -> Vec<(String, usize)> {
    let mut cmd = command("sh", &["-c", &format!("fzf < {}", names.display())]);
    cmd.env("FZF_DEFAULT_OPTS", "");
    let mut p = Pty::start(cmd);
    std::thread::sleep(Duration::from_secs(1));
    "jansen".chars().map(|c| (format!("fzf: search key {c}"), p.bytes_for(&c.to_string()))).collect()
}

fn main() {
    // `cargo bench` passes `--bench`; a filter or `--list` from the harness is not used here.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let people: usize = std::env::var("BYTES_PEOPLE").ok().and_then(|v| v.parse().ok()).unwrap_or(2600);
    let tmp = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_meedoen");
    let dir = tmp.path().join("caseload");
    demo(bin, &dir, people);
    println!("bytes per key at 80x24, {people} people (TERM=xterm-256color, colour, no COLORTERM)");
    let now = meedoen(bin, &dir);
    let before = std::env::var("BYTES_BEFORE").ok().map(|old| {
        let d = tmp.path().join("before");
        demo(&old, &d, people);
        meedoen(&old, &d)
    });
    for (i, (what, n)) in now.iter().enumerate() {
        match before.as_ref().and_then(|b| b.get(i)) {
            Some((_, was)) => println!("{what:<45} {n:>6}   (before: {was})"),
            None => println!("{what:<45} {n:>6}"),
        }
    }
    if on_path("vim") {
        for (what, n) in vim() {
            println!("{what:<45} {n:>6}");
        }
    }
    if on_path("nano") {
        for (what, n) in nano() {
            println!("{what:<45} {n:>6}");
        }
    }
    if on_path("fzf") {
        let names = tmp.path().join("names.txt");
        let list: Vec<String> = (0..people).map(|i| format!("Jansen{} de Vries {i}", i % 97)).collect();
        std::fs::write(&names, list.join("\n")).unwrap();
        for (what, n) in fzf(&names) {
            println!("{what:<45} {n:>6}");
        }
    }
}
