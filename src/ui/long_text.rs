//! A long text in a form (advice, a note, a contact's summary): several rows that wrap at word
//! boundaries, edited with `ratatui-textarea`. Enter starts a new line; ↑ on the first row and ↓
//! on the last leave the field, as Tab and Shift+Tab do (the form decides that, from what
//! [`LongText::up`] and [`LongText::down`] answer).

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::widgets::Paragraph;
use ratatui_textarea::{CursorMove, DataCursor, TextArea, WrapMode};

/// The rows a long text takes in a form (fewer when the form has less room).
pub const ROWS: u16 = 5;

/// What a key did to a long text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Nothing (a key the editor does not know).
    None,
    /// Only the cursor moved.
    Cursor,
    /// The text changed.
    Text,
}

/// The editor of one long text, with its value as one string (lines joined with `\n`).
#[derive(Debug, Clone)]
pub struct LongText {
    area: TextArea<'static>,
    value: String,
}

impl LongText {
    /// An editor holding `value`, the cursor at its end.
    pub fn new(value: &str) -> LongText {
        let mut area = TextArea::new(value.split('\n').map(str::to_string).collect());
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        // The form shows the terminal's own cursor, as in its one-line fields.
        area.set_cursor_style(Style::default());
        area.set_cursor_line_style(Style::default());
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        LongText { area, value: value.to_string() }
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    fn after(&mut self, modified: bool, cursor: DataCursor) -> Change {
        if modified {
            self.value = self.area.lines().join("\n");
            Change::Text
        } else if self.area.cursor() != cursor {
            Change::Cursor
        } else {
            Change::None
        }
    }

    /// A key typed into the text (letters, Backspace, ← →, Home, End and the editor's own keys).
    /// Ctrl+U deletes to the start of the line, as in a one-line field; Ctrl+Z undoes.
    pub fn key(&mut self, ev: &KeyEvent) -> Change {
        let cursor = self.area.cursor();
        let ctrl = ev.modifiers == KeyModifiers::CONTROL;
        let modified = match ev.code {
            KeyCode::Char('u') if ctrl => self.area.delete_line_by_head(),
            KeyCode::Char('z') if ctrl => self.area.undo(),
            _ => self.area.input(*ev),
        };
        self.after(modified, cursor)
    }

    /// Starts a new line at the cursor.
    pub fn new_line(&mut self) -> Change {
        let cursor = self.area.cursor();
        self.area.insert_newline();
        self.after(true, cursor)
    }

    /// One row up; `false` when the cursor is on the first row already (the field is left).
    pub fn up(&mut self) -> bool {
        self.moved(CursorMove::Up)
    }

    /// One row down; `false` when the cursor is on the last row already.
    pub fn down(&mut self) -> bool {
        self.moved(CursorMove::Down)
    }

    fn moved(&mut self, m: CursorMove) -> bool {
        let before = self.area.cursor();
        self.area.move_cursor(m);
        self.area.cursor() != before
    }

    /// Draws the text in `area` in `style`; with `cursor`, the terminal's cursor is put where
    /// typing goes.
    pub fn render(&self, frame: &mut Frame, area: Rect, style: Style, cursor: bool) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        frame.render_widget(Paragraph::new("").style(style), area);
        frame.render_widget(&self.area, area);
        if cursor {
            let (top, _) = self.area.scroll_offset();
            let at = self.area.screen_cursor();
            let row = u16::try_from(at.row.saturating_sub(usize::from(top))).unwrap_or(u16::MAX);
            let col = u16::try_from(at.col).unwrap_or(u16::MAX);
            frame.set_cursor_position(Position::new(
                area.x + col.min(area.width - 1),
                area.y + row.min(area.height - 1),
            ));
        }
    }
}
