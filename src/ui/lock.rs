//! The lock screen: after some minutes without a key the screen is cleared and locked; the
//! passphrase unlocks it and the coach is back where they were, a half-typed form included
//! (the state behind the lock is never touched).

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use zeroize::Zeroizing;

use super::app::App;
use super::view::Ui;
use crate::store::StoreError;

#[derive(Default)]
pub struct LockState {
    typed: Zeroizing<String>,
    pub message: Option<String>,
}

impl App {
    /// Locks the screen now.
    pub fn lock(&mut self) {
        // Popups, forms and drafts stay as they are behind the lock.
        self.locked = Some(LockState::default());
    }

    /// Called on every tick of the event loop: locks after `lock_minutes` without a key.
    /// Returns whether the screen must be redrawn.
    pub fn tick(&mut self) -> bool {
        if self.locked.is_some() || self.lock_minutes == 0 {
            return false;
        }
        let idle = (self.clock)() - self.last_key;
        if idle >= chrono::Duration::minutes(i64::from(self.lock_minutes)) {
            self.lock();
            return true;
        }
        false
    }

    pub(super) fn lock_key(&mut self, ev: &KeyEvent) -> bool {
        let Some(lock) = self.locked.as_mut() else { return false };
        match ev.code {
            KeyCode::Char(c) if !ev.modifiers.contains(KeyModifiers::CONTROL) => {
                if lock.typed.chars().count() < 1024 {
                    lock.typed.push(c);
                }
            }
            KeyCode::Backspace => {
                lock.typed.pop();
            }
            KeyCode::Esc => lock.typed.clear(),
            KeyCode::Enter => {
                let typed = std::mem::take(&mut lock.typed);
                match self.store.verify_passphrase(&typed) {
                    Ok(()) => self.locked = None,
                    Err(e) => {
                        let msg = match e {
                            StoreError::WrongPassphrase => self.strings.get("error.wrong_passphrase").to_string(),
                            other => self.error_text(&other),
                        };
                        if let Some(lock) = self.locked.as_mut() {
                            lock.message = Some(msg);
                        }
                    }
                }
            }
            _ => return false,
        }
        true
    }
}

/// Draws the lock screen over a cleared terminal: nothing of the caseload shows.
pub fn render(frame: &mut Frame, ui: &Ui, lock: &LockState, demo_passphrase: Option<&str>) {
    let area = frame.area();
    frame.render_widget(Clear, area);
    let s = ui.strings;
    let mut lines = vec![
        Line::from(s.get("lock.locked")),
        Line::raw(""),
        Line::from(vec![
            Span::raw(s.get("lock.passphrase").to_string()),
            Span::styled(format!("{}_", "•".repeat(lock.typed.chars().count().min(40))), ui.theme.input()),
        ]),
    ];
    if let Some(m) = &lock.message {
        lines.push(Line::from(Span::styled(m.clone(), ui.theme.error())));
    }
    if let Some(p) = demo_passphrase {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(s.fill("lock.demo", &[("passphrase", p)]), ui.theme.dim())));
    }
    let width = 66.min(area.width);
    let text = Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false });
    // As high as the wrapped lines need inside the border: on a narrow terminal the text wraps,
    // and the passphrase line must still show.
    let needed = u16::try_from(text.line_count(width.saturating_sub(2))).unwrap_or(u16::MAX).saturating_add(2);
    let height = needed.min(area.height);
    let rect = Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height };
    let block = Block::default().borders(Borders::ALL).title(Span::styled(" meedoen ", ui.theme.title()));
    frame.render_widget(text.block(block), rect);
}
