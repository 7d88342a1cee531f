//! Over a slow remote link every byte counts: typing a character sends a few dozen bytes, not a
//! repaint; matched characters in search results are marked without colour.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use ratatui::Terminal;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Modifier;
use ui_common::*;

/// A writer that counts what reaches the terminal.
#[derive(Clone, Default)]
struct Counter(Arc<Mutex<usize>>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        *self.0.lock().unwrap() += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn terminal() -> (Terminal<CrosstermBackend<Counter>>, Counter) {
    let counter = Counter::default();
    let backend = CrosstermBackend::new(counter.clone());
    let term = Terminal::with_options(
        backend,
        ratatui::TerminalOptions { viewport: ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 80, 24)) },
    )
    .unwrap();
    (term, counter)
}

fn sent(counter: &Counter) -> usize {
    std::mem::take(&mut *counter.0.lock().unwrap())
}

#[test]
fn typing_a_character_sends_a_few_dozen_bytes() {
    let mut app = app();
    let (mut term, counter) = terminal();
    press(&mut app, KeyCode::Char('n'));
    term.draw(|f| meedoen::ui::view::render(&app, f)).unwrap();
    let full = sent(&counter);
    assert!(press(&mut app, KeyCode::Char('J')));
    term.draw(|f| meedoen::ui::view::render(&app, f)).unwrap();
    let one_char = sent(&counter);
    assert!(one_char < 80, "typing one character sent {one_char} bytes (a full screen was {full})");
    assert!(full > 10 * one_char);
    // Moving to the next field repaints two labels and the cursor, not the screen.
    assert!(press(&mut app, KeyCode::Tab));
    term.draw(|f| meedoen::ui::view::render(&app, f)).unwrap();
    let tab = sent(&counter);
    assert!(tab < 300, "Tab sent {tab} bytes");
    println!("bytes sent: full intake screen {full}, one character {one_char}, Tab {tab}");
}

#[test]
fn search_marks_the_matched_characters_without_colour() {
    let mut app = app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "ozt");
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| meedoen::ui::view::render(&app, f)).unwrap();
    let buf = term.backend().buffer();
    let y = (0..24).find(|&y| (0..80).map(|x| buf[(x, y)].symbol()).collect::<String>().contains("Öztürk")).unwrap();
    let row: Vec<(String, bool)> = (0..80)
        .map(|x| (buf[(x, y)].symbol().to_string(), buf[(x, y)].modifier.contains(Modifier::UNDERLINED)))
        .collect();
    let start = row.iter().position(|(s, _)| s == "Ö").unwrap();
    let marked: Vec<bool> = row[start..start + 6].iter().map(|(_, m)| *m).collect();
    assert_eq!(marked, [true, true, true, false, false, false], "Ö z t marked, ü r k not");
}
