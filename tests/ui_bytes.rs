//! Over a slow remote link every byte counts: matched characters in search results are marked
//! without colour (the bytes of typing and Tab are counted through a real pseudo-terminal in
//! `tests/e2e_bytes.rs`, and the output layer is checked cell for cell in `tests/ui_wire.rs`).
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Modifier;
use ui_common::*;

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
