//! The bytes a coach's link carries, counted where the terminal receives them: the real binary in
//! a pseudo-terminal at 80x24 (TERM=xterm-256color, no COLORTERM), in colour and with NO_COLOR.
//! Typing a character in a form field sends at most 13 bytes, Tab to the next field at most 60,
//! and a key that changes nothing sends nothing.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::pty::{PASSPHRASE, Session};
use common::*;

fn session(colour: bool) -> (tempfile::TempDir, Session) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    filled_store(&open(&dir));
    let no_color = if colour { None } else { Some("1") };
    let s = Session::start_in(&dir, &[], Some(PASSPHRASE), &[("NO_COLOR", no_color)]);
    s.wait_for("Vandaag");
    (tmp, s)
}

#[test]
fn typing_tab_and_a_key_that_changes_nothing_send_the_fewest_bytes() {
    for colour in [true, false] {
        let (_tmp, mut s) = session(colour);
        // F12 means nothing on the start screen: nothing is sent.
        assert_eq!(s.bytes_for("\x1b[24~"), 0, "colour {colour}: F12 on the start screen");
        let opening = s.bytes_for("n");
        s.wait_for("Nieuwe intake");
        let typed: Vec<usize> = "Janneke".chars().map(|c| s.bytes_for(&c.to_string())).collect();
        let tab = s.bytes_for("\t");
        // ← at the start of an empty field moves nothing.
        let left = s.bytes_for("\x1b[D");
        println!("colour {colour}: opening the intake {opening} bytes, typing {typed:?}, Tab {tab}, ← {left}");
        assert!(s.screen().contains("Janneke"), "{}", s.screen());
        for (c, n) in "Janneke".chars().zip(&typed) {
            assert!(*n <= 13, "colour {colour}: typing {c} sent {n} bytes");
        }
        assert!(tab <= 60, "colour {colour}: Tab sent {tab} bytes");
        assert_eq!(left, 0, "colour {colour}: ← at the start of an empty field");
    }
}
