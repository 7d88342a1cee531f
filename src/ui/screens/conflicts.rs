//! The conflicts to review: fields two coaches changed apart (on two devices before they
//! synced). The merge kept the later edit; here a coach sees both values, who changed them and
//! when, and keeps the value (`h`) or takes the other one (`a`). Settled conflicts stay listed
//! below, greyed, with who settled them.

use std::collections::HashMap;

use chrono::Local;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::domain::conflict::{Conflict, FieldConflict, Side, show_value};
use crate::domain::participant::format_number;
use crate::domain::validate::format_date;
use crate::i18n::Strings;
use crate::ui::caseload::Caseload;
use crate::ui::keymap::Action;
use crate::ui::layer::{Ctx, Effect, Input, Outcome};
use crate::ui::tab::Tab;
use crate::ui::theme::Ui;

pub struct ConflictsState {
    /// Every conflict known, the ones to review first (as `Store::conflicts` orders them).
    pub rows: Vec<Conflict>,
    /// Device → coach, to say who made each side.
    pub members: HashMap<[u8; 16], String>,
    pub selected: usize,
}

impl ConflictsState {
    pub fn new(rows: Vec<Conflict>, members: HashMap<[u8; 16], String>) -> ConflictsState {
        ConflictsState { rows, members, selected: 0 }
    }

    /// New rows after a change (a conflict settled here or by a colleague): the selection stays
    /// on the same conflict where it can.
    pub fn replace(&mut self, rows: Vec<Conflict>, members: HashMap<[u8; 16], String>) {
        let id = self.rows.get(self.selected).map(|c| c.id);
        self.selected = id.and_then(|id| rows.iter().position(|c| c.id == id)).unwrap_or(self.selected);
        self.rows = rows;
        self.members = members;
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    pub fn open(&self) -> usize {
        self.rows.iter().filter(|c| c.resolved.is_none()).count()
    }

    /// Who made a side, and when: "Bram Smit, 07-12-2026 10:29".
    fn who(&self, s: &Strings, side: &Side) -> String {
        let coach = self
            .members
            .get(&side.device)
            .filter(|c| !c.is_empty())
            .cloned()
            .unwrap_or_else(|| s.get("conflicts.unknown").to_string());
        let at = side.at.with_timezone(&Local);
        format!("{coach}, {} {}", format_date(at.date_naive()), at.format("%H:%M"))
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, caseload: &Caseload) {
        let s = ui.strings;
        let mut lines = vec![
            Line::from(Span::styled(s.fill("conflicts.title", &[("n", &self.open().to_string())]), ui.theme.title())),
            Line::raw(""),
        ];
        if self.rows.is_empty() {
            lines.push(Line::raw(s.get("conflicts.empty")));
        }
        // Each conflict takes a head line and a line per field; the selected one is kept in view.
        let width = area.width as usize;
        let blocks: Vec<Vec<Line>> =
            self.rows.iter().enumerate().map(|(i, c)| self.block(ui, caseload, c, i, width)).collect();
        let room = area.height.saturating_sub(2) as usize;
        let mut first = 0;
        while first < self.selected && blocks[first..=self.selected].iter().map(Vec::len).sum::<usize>() > room {
            first += 1;
        }
        for block in &blocks[first.min(blocks.len())..] {
            lines.extend(block.iter().cloned());
        }
        frame.render_widget(Paragraph::new(lines), area);
    }

    fn block(&self, ui: &Ui, caseload: &Caseload, c: &Conflict, i: usize, width: usize) -> Vec<Line<'static>> {
        let s = ui.strings;
        let (mark, style) = super::chosen(i == self.selected, ui);
        let style = if c.resolved.is_some() && i != self.selected { ui.theme.dim() } else { style };
        let person = c
            .participant
            .and_then(|p| caseload.by_id(p))
            .map(|p| format!("{} ({})", p.listed_name(), format_number(p.number)))
            .unwrap_or_else(|| s.get("conflicts.no_person").to_string());
        let kind = s.get(&format!("conflict_kind.{}", c.kind)).to_string();
        let head = match &c.resolved {
            None => format!("{mark} {person} · {kind} · {}", s.get("conflicts.to_review")),
            Some(_) => format!("{mark} {person} · {kind}"),
        };
        let mut out = vec![Line::from(Span::styled(super::fit(&head, width), style))];
        if let Some(r) = &c.resolved {
            let at = format_date(r.at.with_timezone(&Local).date_naive());
            let key = if r.took_other { "conflicts.took_other" } else { "conflicts.kept" };
            let text = s.fill(key, &[("coach", &r.by), ("date", &at)]);
            out.push(Line::from(Span::styled(super::fit(&format!("    {text}"), width), style)));
        }
        for f in &c.fields {
            for (text, who) in self.field_lines(s, c, f) {
                // The value gives way to who and when, which always show.
                let room = width.saturating_sub(4 + who.chars().count() + 3);
                out.push(Line::from(Span::styled(format!("    {} ({who})", super::fit(&text, room)), style)));
            }
        }
        out
    }

    /// Two lines per field, each with who made that value and when: "Telefoon: 06-22" with
    /// "Anna de Boer, 07-12-2026 10:31", then "anders: 06-33" with "Bram Smit, …".
    fn field_lines(&self, s: &Strings, c: &Conflict, f: &FieldConflict) -> [(String, String); 2] {
        let value = |json: &str, side: &Side| {
            if side.deleted || json.is_empty() {
                s.get("conflicts.deleted").to_string()
            } else if f.field.is_empty() {
                s.get("conflicts.whole").to_string()
            } else {
                show_value(&f.field, json)
            }
        };
        let name = field_name(s, &f.field);
        [
            (
                s.fill("conflicts.kept_value", &[("field", &name), ("value", &value(&f.kept, &c.kept))]),
                self.who(s, &c.kept),
            ),
            (s.fill("conflicts.other_value", &[("value", &value(&f.other, &c.other))]), self.who(s, &c.other)),
        ]
    }

    /// The conflicts screen's answer: move, open the person, keep or take the other value.
    pub fn handle(&mut self, input: Input, ctx: &mut Ctx) -> Outcome {
        let Some(action) = input.action else { return Outcome::Ignored };
        let chosen = self.rows.get(self.selected);
        match action {
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                if super::navigate(&mut self.selected, self.rows.len(), action) {
                    Outcome::done()
                } else {
                    Outcome::Unchanged
                }
            }
            Action::Open => match chosen.and_then(|c| c.participant) {
                Some(p) => Outcome::one(Effect::Open { participant: p, tab: Some(Tab::Profile) }),
                None => Outcome::Unchanged,
            },
            Action::TakeOther | Action::KeepValue => match chosen {
                Some(c) if c.resolved.is_none() => {
                    Outcome::one(Effect::ResolveConflict { id: c.id, take_other: action == Action::TakeOther })
                }
                Some(_) => Outcome::one(Effect::Flash(ctx.strings.get("conflicts.already").to_string(), false)),
                None => Outcome::Unchanged,
            },
            Action::Back => Outcome::one(Effect::PopScreen),
            _ => Outcome::Ignored,
        }
    }
}

/// A field's name for the coach: its label where meedoen has one ("Telefoon", "Straat"),
/// else its name in the data.
pub fn field_name(s: &Strings, path: &str) -> String {
    if path.is_empty() {
        return s.get("conflicts.record").to_string();
    }
    let last = path.rsplit('.').next().unwrap_or(path);
    for key in [format!("field.{last}"), format!("export_field.{last}")] {
        let label = s.get(&key);
        if label != key {
            return label.trim_end_matches(':').to_string();
        }
    }
    last.replace('_', " ")
}
