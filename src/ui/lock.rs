//! The lock screen: after some minutes without a key the screen is cleared and locked; the
//! passphrase unlocks it and the coach is back where they were, a half-typed form included
//! (the state behind the lock is never touched).

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use zeroize::{Zeroize, Zeroizing};

use super::keymap::Action;
use super::layer::{Ctx, Effect, Input, Outcome};
use super::theme::Ui;

/// Wrong tries that cost nothing (typos); from the next wrong one on the lock waits.
const FREE_TRIES: u32 = 3;
/// The wait after the first wrong try beyond [`FREE_TRIES`]; it doubles with each further one.
const FIRST_WAIT_SECONDS: i64 = 5;
/// The longest wait between two tries.
const MAX_WAIT_SECONDS: i64 = 300;

/// How long the lock refuses tries after `failures` wrong ones.
pub fn wait_after(failures: u32) -> chrono::Duration {
    let beyond = failures.saturating_sub(FREE_TRIES - 1);
    if beyond == 0 {
        return chrono::Duration::zero();
    }
    let seconds = FIRST_WAIT_SECONDS.saturating_mul(1_i64 << (beyond - 1).min(16)).min(MAX_WAIT_SECONDS);
    chrono::Duration::seconds(seconds)
}

/// What is typed at the lock, in a buffer that leaves no copy behind: every byte of it is
/// initialised (zeros past the text), a character taken back is overwritten, a full buffer is
/// replaced by a bigger one and wiped (not reallocated, which would leave the old bytes in freed
/// memory), and it is wiped after every try and when the lock goes. There is no length limit:
/// whatever `init` accepted unlocks here.
#[derive(Default)]
pub struct Typed {
    buf: Zeroizing<Vec<u8>>,
    len: usize,
}

impl Typed {
    pub(super) fn push(&mut self, c: char) {
        let mut utf8 = [0u8; 4];
        let bytes = c.encode_utf8(&mut utf8).as_bytes();
        if self.len + bytes.len() > self.buf.len() {
            let mut bigger = Zeroizing::new(vec![0u8; (self.buf.len() * 2).max(256)]);
            bigger[..self.len].copy_from_slice(&self.buf[..self.len]);
            // The old buffer is wiped as it is dropped.
            self.buf = bigger;
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
        utf8.zeroize();
    }

    pub(super) fn pop(&mut self) {
        let start = self.as_str().char_indices().next_back().map_or(0, |(i, _)| i);
        self.buf[start..self.len].fill(0);
        self.len = start;
    }

    pub(super) fn wipe(&mut self) {
        self.buf.zeroize();
        self.len = 0;
    }

    pub(super) fn as_str(&self) -> &str {
        // Only whole characters are ever put in.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }

    /// How many characters are typed.
    pub fn chars(&self) -> usize {
        self.as_str().chars().count()
    }

    /// Bytes that are not zero past the typed text (always 0: for the tests).
    pub fn residue(&self) -> usize {
        self.buf[self.len..].iter().filter(|b| **b != 0).count()
    }
}

#[derive(Default)]
pub struct LockState {
    pub typed: Typed,
    pub message: Option<String>,
    /// Wrong tries since the screen locked (kept over an unlock: the next lock starts from it).
    pub(super) failures: u32,
    /// No try is taken before this moment.
    pub(super) wait_until: Option<DateTime<Utc>>,
}

impl LockState {
    /// The lock's answer to a key: typed characters go into the passphrase, Enter asks the App
    /// to check it (the lock has no store). Every other key is swallowed: the lock is modal.
    pub fn handle(&mut self, input: Input, ctx: &Ctx) -> Outcome {
        if input.action == Some(Action::Yes) {
            if let Some(until) = self.wait_until.filter(|u| *u > ctx.now) {
                // Refused without trying: what was typed stays for when the wait is over.
                let seconds = (until - ctx.now).num_seconds().max(1).to_string();
                self.message = Some(ctx.strings.fill("lock.wait", &[("seconds", &seconds)]));
                return Outcome::done();
            }
            return Outcome::one(Effect::TryUnlock);
        }
        let ev = input.key;
        match ev.code {
            KeyCode::Char(c) if !ev.modifiers.contains(KeyModifiers::CONTROL) => self.typed.push(c),
            KeyCode::Backspace => self.typed.pop(),
            KeyCode::Esc => self.typed.wipe(),
            _ => return Outcome::Ignored,
        }
        Outcome::done()
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
            Span::styled(format!("{}_", "•".repeat(lock.typed.chars().min(40))), ui.theme.input()),
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
