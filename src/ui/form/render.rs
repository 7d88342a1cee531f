//! Drawing a form: a label, the value and the message of each field, the focused field in view.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Editor, FieldKind, Form};
use crate::ui::long_text;
use crate::ui::theme::Ui;

const MAX_LABEL_WIDTH: u16 = 30;

enum Row {
    Section(&'static str),
    Field(usize),
    Error(usize),
}

impl Form {
    /// Draws the form into `area`: label, value and the message next to each field; the focused
    /// field shows the real cursor. A long text takes [`long_text::ROWS`] rows.
    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) {
        if area.width < 4 || area.height == 0 {
            return;
        }
        let height = usize::from(area.height);
        let long_rows = usize::from(long_text::ROWS).min(height);
        // Each row with the screen lines it takes.
        let mut rows: Vec<(Row, usize)> = Vec::new();
        for (i, d) in self.defs.iter().enumerate() {
            if let Some(s) = d.section {
                rows.push((Row::Section(s), 1));
            }
            let tall = if matches!(d.kind, FieldKind::LongText) { long_rows } else { 1 };
            rows.push((Row::Field(i), tall));
            if self.errors[i].is_some() {
                rows.push((Row::Error(i), 1));
            }
        }
        let focus_at = rows.iter().position(|(r, _)| matches!(r, Row::Field(i) if *i == self.focus)).unwrap_or(0);
        let focus_top: usize = rows[..focus_at].iter().map(|(_, h)| h).sum();
        let focus_height = rows.get(focus_at).map_or(1, |(_, h)| *h);
        // Keep the focused field (and its message) in view; show its section heading when possible.
        let offset = (focus_top + focus_height + 1).saturating_sub(height).min(focus_top.saturating_sub(1));
        let longest = self.defs.iter().map(|d| ui.strings.get(d.label).chars().count() + 2).max().unwrap_or(0) as u16;
        // Labels whole as long as the input keeps 30 columns (a third of a narrow screen at least).
        let label_w = longest.clamp(12, MAX_LABEL_WIDTH).min((area.width / 3).max(area.width.saturating_sub(31)));
        let input_w = area.width.saturating_sub(label_w + 1).min(44);
        let mut top = 0;
        for (row, tall) in &rows {
            let (start, end) = (top, top + tall);
            top = end;
            // Only the part of the row between `offset` and `offset + height` is on screen.
            let (from, to) = (start.max(offset), end.min(offset + height));
            if from >= to {
                continue;
            }
            let y = area.y + u16::try_from(from - offset).unwrap_or(u16::MAX);
            let rows_here = u16::try_from(to - from).unwrap_or(1);
            let line_area = Rect { x: area.x, y, width: area.width, height: rows_here };
            match row {
                Row::Section(s) => {
                    frame.render_widget(
                        Paragraph::new(Span::styled(format!("── {} ", ui.strings.get(s)), ui.theme.title())),
                        line_area,
                    );
                }
                Row::Field(i) => self.render_field(frame, *i, line_area, label_w, input_w, ui),
                Row::Error(i) => {
                    let msg = self.errors[*i].map(|e| ui.strings.get(e.key()).to_string()).unwrap_or_default();
                    let pad = " ".repeat(label_w as usize + 1);
                    frame.render_widget(
                        Paragraph::new(Line::from(vec![
                            Span::raw(pad),
                            Span::styled(format!("⚠ {msg}"), ui.theme.error()),
                        ])),
                        line_area,
                    );
                }
            }
        }
    }

    /// One field in `area`: its label on the first line, its value beside it (a long text on
    /// every line of `area`).
    fn render_field(&self, frame: &mut Frame, i: usize, area: Rect, label_w: u16, input_w: u16, ui: &Ui) {
        let d = &self.defs[i];
        let focused = i == self.focus;
        let marker = if d.required { " *" } else { "" };
        let label = format!("{}{}", ui.strings.get(d.label), marker);
        let label_style = if focused { ui.theme.focus_label() } else { ui.theme.dim() };
        let first = Rect { height: 1, ..area };
        let label_area = Rect { width: label_w.min(area.width), ..first };
        frame.render_widget(Paragraph::new(Span::styled(label, label_style)), label_area);
        // A long text takes the whole width, but for the column of its message mark.
        let input_w =
            if matches!(d.kind, FieldKind::LongText) { area.width.saturating_sub(label_w + 3) } else { input_w };
        let input_area = Rect { x: area.x + label_w + 1, width: input_w, ..area };
        if input_area.x >= area.right() || input_w < 2 {
            return;
        }
        let input_area = input_area.intersection(area);
        // Every field shows where its value goes, focused or not: moving the focus then changes
        // the two labels and the cursor only, a few dozen bytes on a slow link rather than two
        // fields repainted.
        let style = ui.theme.input();
        let line_area = Rect { height: 1, ..input_area };
        match (&self.inputs[i], d.kind) {
            (Editor::Long(text), _) => text.render(frame, input_area, style, focused),
            (Editor::Line(input), FieldKind::Choice(_)) => {
                let label = self.options[i]
                    .iter()
                    .find(|(c, _)| c == input.value())
                    .map_or_else(|| "—".to_string(), |(_, l)| ui.strings.get(l).to_string());
                let text = if focused { format!("‹ {label} ›") } else { label };
                frame.render_widget(Paragraph::new(text).style(style), line_area);
            }
            (Editor::Line(input), _) => {
                let width = line_area.width.max(1) as usize;
                let scroll = input.visual_scroll(width.saturating_sub(1));
                let shown: String = input.value().chars().skip(scroll).collect();
                frame.render_widget(Paragraph::new(shown).style(style), line_area);
                if focused {
                    let x = (input.visual_cursor().saturating_sub(scroll)) as u16;
                    frame.set_cursor_position(Position::new(
                        line_area.x + x.min(line_area.width.saturating_sub(1)),
                        line_area.y,
                    ));
                }
            }
        }
        // The field's own line carries a mark too, so the message is found at a glance.
        if self.errors[i].is_some() {
            let x = input_area.right() + 1;
            if x < area.right() {
                let msg_area = Rect { x, width: area.right() - x, ..first };
                frame.render_widget(Paragraph::new(Span::styled("⚠", ui.theme.error())), msg_area);
            }
        }
    }
}
