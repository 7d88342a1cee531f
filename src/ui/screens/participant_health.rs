//! The participant screen's Positive Health tab: every conversation (a withdrawn one struck
//! through and marked "ingetrokken" with its date, a corrected one with ✎), the history of the
//! chosen one, and the spider web comparing it with the one before or any two marked (withdrawn
//! conversations are never drawn or compared).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::participant::ParticipantState;
use crate::domain::health::{Assessment, Change, Corrected, DIMENSIONS, Instrument, change, format_mark};
use crate::domain::validate::format_date;
use crate::ui::radar;
use crate::ui::theme::Ui;

/// Corrections shown under the list for the chosen conversation, newest first (the export has
/// all), and the most rows they take (a long one wraps).
const HISTORY_LINES: usize = 3;
const HISTORY_ROWS: u16 = 5;

/// Whether a conversation was corrected (beyond a withdrawal and its restoring).
fn corrected(a: &Assessment) -> bool {
    a.corrections.iter().any(|c| c.changes.iter().any(|x| !matches!(x, Corrected::Withdrawn | Corrected::Restored)))
}

/// The chosen conversation's history, newest first, at most `HISTORY_LINES` of them.
fn history_lines(a: &Assessment, ui: &Ui) -> Vec<Line<'static>> {
    let s = ui.strings;
    let n = a.corrections.len();
    let shown = if n > HISTORY_LINES { HISTORY_LINES - 1 } else { n };
    let mut lines: Vec<Line> = a
        .corrections
        .iter()
        .rev()
        .take(shown)
        .map(|c| {
            let text = super::health_words::history_line(c, s);
            Line::from(Span::styled(text, ui.theme.dim()))
        })
        .collect();
    if n > shown {
        let more = s.fill("health.history_more", &[("n", &(n - shown).to_string())]);
        lines.push(Line::from(Span::styled(more, ui.theme.dim())));
    }
    lines
}

impl ParticipantState {
    pub(super) fn render_health(&self, frame: &mut Frame, area: Rect, ui: &Ui) {
        let s = ui.strings;
        let lang = s.lang();
        if self.assessments.is_empty() {
            frame.render_widget(
                Paragraph::new(s.get("health.none")).style(ui.theme.dim()).wrap(Wrap { trim: true }),
                area,
            );
            return;
        }
        let list_h = (self.assessments.len() as u16 + 1).min(area.height / 3).max(2);
        let chosen = self.selected_assessment();
        let history_lines = chosen.map(|a| history_lines(a, ui)).unwrap_or_default();
        let shown = !history_lines.is_empty();
        let history = Paragraph::new(history_lines).wrap(Wrap { trim: false });
        let history_h = if shown { history.line_count(area.width).min(usize::from(HISTORY_ROWS)) as u16 } else { 0 };
        let [list, hist, rest] =
            Layout::vertical([Constraint::Length(list_h), Constraint::Length(history_h), Constraint::Min(0)])
                .areas(area);
        let mut header = format!("  {:<11}", s.get("col.date"));
        for d in 0..DIMENSIONS {
            header.push_str(&format!("{:>6}", s.get(&format!("dimension_abbr.{d}"))));
        }
        header.push_str(&format!("  {}", s.get("health.ladder_short")));
        let mut lines = vec![Line::from(Span::styled(header, ui.theme.dim()))];
        let visible = list.height.saturating_sub(1) as usize;
        let offset = super::scroll_offset(self.selected_assessment, visible);
        for (i, a) in self.assessments.iter().enumerate().skip(offset).take(visible) {
            let mark = if self.marked.contains(&i) { "◆ " } else { "  " };
            let mut row = format!("{mark}{:<11}", format_date(a.date));
            for d in 0..DIMENSIONS {
                row.push_str(&format!("{:>6}", format_mark(a.mark(d), lang)));
            }
            row.push_str(&format!("  {}", a.ladder.map_or("–".to_string(), |l| l.to_string())));
            let style = if i == self.selected_assessment { ui.theme.selected() } else { Style::default() };
            // Withdrawn: kept, struck through, with the word and the date (not only a style).
            let note = match a.withdrawal() {
                Some(w) => format!("  {}", s.fill("health.withdrawn_on", &[("date", &format_date(w.on))])),
                None if corrected(a) => format!("  ✎ {}", s.get("health.corrected_mark")),
                None => String::new(),
            };
            let row_style =
                if a.is_withdrawn() { style.patch(ui.theme.dim()).add_modifier(Modifier::CROSSED_OUT) } else { style };
            lines.push(Line::from(vec![Span::styled(row, row_style), Span::styled(note, ui.theme.dim().patch(style))]));
        }
        frame.render_widget(Paragraph::new(lines), list);
        frame.render_widget(history, hist);
        if let Some(w) = chosen.and_then(Assessment::withdrawal) {
            let text = s.fill("health.withdrawn_info", &[("date", &format_date(w.on)), ("coach", &w.coach)]);
            frame.render_widget(Paragraph::new(text).style(ui.theme.dim()).wrap(Wrap { trim: true }), rest);
            return;
        }
        let Some((cur, prev)) = self.compared() else {
            return;
        };
        let [web, side] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(rest);
        radar::render(frame, web, ui, cur, prev);
        let mut lines = vec![super::assessment::legend(ui, cur, prev)];
        if let Some(p) = prev {
            lines.push(Line::from(Span::styled(s.get("health.change"), ui.theme.title())));
            for d in 0..DIMENSIONS {
                let (arrow, text) = match change(p, cur, d) {
                    Change::Up(x) => ("▲", format!("+{}", format_mark(Some(x), lang))),
                    Change::Down(x) => ("▼", format!("−{}", format_mark(Some(x), lang))),
                    Change::Same => ("=", "0".to_string()),
                    Change::Unknown => ("?", "–".to_string()),
                };
                lines.push(Line::from(format!("{arrow} {:<11}{text:>5}", s.get(&format!("dimension_short.{d}")))));
            }
        }
        let talk = cur.talk_points();
        if !talk.is_empty() {
            lines.push(Line::from(Span::styled(s.get("health.talk_list"), ui.theme.title())));
            let ins = Instrument::get();
            for (d, a) in talk {
                lines.push(Line::from(format!("● {}", ins.aspect_label(d, a, lang))));
            }
        }
        frame.render_widget(Paragraph::new(lines), side);
    }
}
