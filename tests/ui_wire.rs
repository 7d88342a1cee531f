//! The output layer (`ui::wire`): what meedoen sends the terminal, read back by a terminal
//! emulator (vt100), is the screen ratatui drew, cell for cell, over a walk through the screens
//! in colour, in 256 and in 24-bit colour; and it is fewer bytes than ratatui's own backend sends.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use meedoen::i18n::{Lang, Strings};
use meedoen::store::Store;
use meedoen::ui::app::App;
use meedoen::ui::theme::Theme;
use meedoen::ui::wire::{Wire, nearest_256};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Rect, Size};
use ratatui::style::{Color, Modifier};
use ui_common::*;

/// A writer that keeps what reaches the terminal.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Sink {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn colour_app() -> App {
    let store = Store::temporary().unwrap();
    filled_store(&store);
    // A name of double-width characters, so the walk also writes cells two columns wide.
    let mut wide = person(0);
    wide.id = meedoen::domain::ParticipantId(uuid::Uuid::from_u128(0x7777));
    wide.given_names = "伟 Wei".into();
    wide.family_name = "Zhang 张".into();
    store.add_participants(vec![wide]).unwrap();
    App::new(store, Strings::new(Lang::Nl), Theme { color: true }, "Sanne".into(), today(), Box::new(now)).unwrap()
}

fn wire(w: u16, h: u16, truecolor: bool) -> (Terminal<Wire<Sink>>, Sink) {
    let sink = Sink::default();
    let backend = Wire::with(sink.clone(), Some(Size::new(w, h)), truecolor);
    let options = ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(Rect::new(0, 0, w, h)) };
    (Terminal::with_options(backend, options).unwrap(), sink)
}

/// The colour vt100 shows for a ratatui colour sent by the wire.
fn expected(c: Color, truecolor: bool) -> vt100::Color {
    match c {
        Color::Reset => vt100::Color::Default,
        Color::Black => vt100::Color::Idx(0),
        Color::Red => vt100::Color::Idx(1),
        Color::Green => vt100::Color::Idx(2),
        Color::Yellow => vt100::Color::Idx(3),
        Color::Blue => vt100::Color::Idx(4),
        Color::Magenta => vt100::Color::Idx(5),
        Color::Cyan => vt100::Color::Idx(6),
        Color::Gray => vt100::Color::Idx(7),
        Color::DarkGray => vt100::Color::Idx(8),
        Color::LightRed => vt100::Color::Idx(9),
        Color::LightGreen => vt100::Color::Idx(10),
        Color::LightYellow => vt100::Color::Idx(11),
        Color::LightBlue => vt100::Color::Idx(12),
        Color::LightMagenta => vt100::Color::Idx(13),
        Color::LightCyan => vt100::Color::Idx(14),
        Color::White => vt100::Color::Idx(15),
        Color::Indexed(n) => vt100::Color::Idx(n),
        Color::Rgb(r, g, b) if truecolor => vt100::Color::Rgb(r, g, b),
        Color::Rgb(r, g, b) => vt100::Color::Idx(nearest_256(r, g, b)),
    }
}

/// Every cell of `buf` as the emulator shows it: the same character, colours and attributes.
fn same_screen(buf: &Buffer, screen: &vt100::Screen, truecolor: bool, what: &str) {
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let want = &buf[(x, y)];
            let Some(got) = screen.cell(y, x) else { panic!("{what}: no cell {x},{y}") };
            if got.is_wide_continuation() {
                continue;
            }
            let text = if got.contents().is_empty() { " ".to_string() } else { got.contents().to_string() };
            let symbol = if want.symbol().is_empty() { " " } else { want.symbol() };
            let row: String = (0..buf.area.width).map(|i| buf[(i, y)].symbol().to_string()).collect();
            assert_eq!(text, symbol, "{what}: character at {x},{y} in «{row}»");
            assert_eq!(got.fgcolor(), expected(want.fg, truecolor), "{what}: foreground at {x},{y} in «{row}»");
            assert_eq!(got.bgcolor(), expected(want.bg, truecolor), "{what}: background at {x},{y} in «{row}»");
            let m = want.modifier;
            assert_eq!(got.bold(), m.contains(Modifier::BOLD), "{what}: bold at {x},{y} in «{row}»");
            assert_eq!(got.italic(), m.contains(Modifier::ITALIC), "{what}: italic at {x},{y}");
            assert_eq!(got.underline(), m.contains(Modifier::UNDERLINED), "{what}: underline at {x},{y} in «{row}»");
            assert_eq!(got.inverse(), m.contains(Modifier::REVERSED), "{what}: reverse at {x},{y} in «{row}»");
        }
    }
}

/// The keys of a coach's walk: search, a person's tabs, an intake begun and left, the list and
/// its filters, the week, the catalogue, a module, the reports and their charts, help.
fn walk() -> Vec<KeyCode> {
    use KeyCode::*;
    let mut keys = vec![Char('/')];
    keys.extend("zhang".chars().map(Char));
    keys.extend([Enter, Tab, Esc, Esc, Char('/')]);
    keys.extend("berg".chars().map(Char));
    keys.extend([Backspace, Char('g'), Enter, Tab, Tab, Tab, Tab, Tab, Tab, Tab, End, Esc, Esc, Char('n')]);
    keys.extend("Jan".chars().map(Char));
    keys.extend([Tab, Tab, Char('X'), BackTab, Esc, Char('j'), Char('l'), Down, Down, Char('s'), Char('s'), Esc]);
    keys.extend([Char('w'), Right, Esc, Char('m'), Enter, Tab, Esc, Esc, Char('r'), Tab, Esc, Char('?'), Esc]);
    keys
}

#[test]
fn the_terminal_shows_what_ratatui_drew_after_every_key() {
    for (w, h) in [(80, 24), (60, 20)] {
        for truecolor in [false, true] {
            let mut app = colour_app();
            let (mut term, sink) = wire(w, h, truecolor);
            let mut parser = vt100::Parser::new(h, w, 0);
            let mut wire_total = 0;
            let (mut plain, plain_sink) = {
                let sink = Sink::default();
                let options = ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(Rect::new(0, 0, w, h)) };
                (Terminal::with_options(CrosstermBackend::new(sink.clone()), options).unwrap(), sink)
            };
            for (n, key) in std::iter::once(None).chain(walk().into_iter().map(Some)).enumerate() {
                if let Some(k) = key {
                    press(&mut app, k);
                }
                let buf = term.draw(|f| meedoen::ui::view::render(&app, f)).unwrap().buffer.clone();
                let bytes = sink.take();
                wire_total += bytes.len();
                parser.process(&bytes);
                if std::env::var("WIRE_DEBUG").is_ok_and(|v| v == n.to_string()) {
                    eprintln!("BYTES {:?}", String::from_utf8_lossy(&bytes));
                    eprintln!("SCREEN\n{}", parser.screen().contents());
                }
                same_screen(
                    &buf,
                    parser.screen(),
                    truecolor,
                    &format!("{w}x{h} truecolor {truecolor}, key {n} {key:?}"),
                );
                plain.draw(|f| meedoen::ui::view::render(&app, f)).unwrap();
            }
            let plain_total = plain_sink.take().len();
            println!(
                "{w}x{h} truecolor {truecolor}: the walk sent {wire_total} bytes; ratatui's backend {plain_total}"
            );
            assert!(wire_total * 10 < plain_total * 7, "{wire_total} against {plain_total}");
        }
    }
}

/// A key that changes nothing sends nothing; a typed character and Tab send a few bytes.
#[test]
fn typing_sends_a_few_bytes_and_nothing_changed_sends_none() {
    let mut app = colour_app();
    let (mut term, sink) = wire(80, 24, false);
    press(&mut app, KeyCode::Char('n'));
    term.draw(|f| meedoen::ui::view::render(&app, f)).unwrap();
    let full = sink.take().len();
    let mut per_char = Vec::new();
    for c in "Janneke".chars() {
        press(&mut app, KeyCode::Char(c));
        term.draw(|f| meedoen::ui::view::render(&app, f)).unwrap();
        per_char.push(String::from_utf8_lossy(&sink.take()).to_string());
    }
    press(&mut app, KeyCode::Tab);
    term.draw(|f| meedoen::ui::view::render(&app, f)).unwrap();
    let tab = sink.take();
    term.draw(|f| meedoen::ui::view::render(&app, f)).unwrap();
    let again = sink.take();
    println!(
        "intake {full} bytes; per character {:?}; Tab {} {:?}",
        per_char.iter().map(String::len).collect::<Vec<_>>(),
        tab.len(),
        String::from_utf8_lossy(&tab)
    );
    for (c, sent) in "Janneke".chars().zip(&per_char) {
        assert!(sent.len() <= 13, "typing {c} sent {} bytes: {sent:?}", sent.len());
    }
    assert!(tab.len() <= 60, "Tab sent {} bytes: {:?}", tab.len(), String::from_utf8_lossy(&tab));
    assert!(again.is_empty(), "a frame with no change sent {:?}", String::from_utf8_lossy(&again));
}
