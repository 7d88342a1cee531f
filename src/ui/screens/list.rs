//! Every participant in Dutch name order ("Berg, Jan van der" under B).

use crate::ui::layer::{Ctx, Effect, Input, Outcome};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Row, Table};

use super::{scroll_offset, step};
use crate::domain::ParticipantId;
use crate::domain::participant::shown_number;
use crate::domain::validate::format_date;
use crate::ui::caseload::Caseload;
use crate::ui::keymap::Action;
use crate::ui::theme::Ui;
use chrono::NaiveDate;

pub struct ListState {
    rows: Vec<usize>,
    show_closed: bool,
    selected: usize,
}

impl ListState {
    pub fn new(caseload: &mut Caseload) -> ListState {
        let mut s = ListState { rows: Vec::new(), show_closed: false, selected: 0 };
        s.refresh(caseload);
        s
    }

    pub fn refresh(&mut self, caseload: &mut Caseload) {
        let keep = self.selected_id(caseload);
        let show_closed = self.show_closed;
        let order = caseload.dutch_order().to_vec();
        self.rows =
            order.into_iter().filter(|&i| show_closed || caseload.get(i).is_some_and(|p| p.status.is_open())).collect();
        self.selected = keep
            .and_then(|id| self.rows.iter().position(|&i| caseload.get(i).is_some_and(|p| p.id == id)))
            .unwrap_or(0)
            .min(self.rows.len().saturating_sub(1));
    }

    pub fn selected_id(&self, caseload: &Caseload) -> Option<ParticipantId> {
        self.rows.get(self.selected).and_then(|&i| caseload.get(i)).map(|p| p.id)
    }

    pub fn update(&mut self, action: Action, caseload: &mut Caseload) -> bool {
        let before = (self.selected, self.show_closed);
        match action {
            Action::Up => self.selected = step(self.selected, self.rows.len(), -1),
            Action::Down => self.selected = step(self.selected, self.rows.len(), 1),
            Action::PageUp => self.selected = step(self.selected, self.rows.len(), -20),
            Action::PageDown => self.selected = step(self.selected, self.rows.len(), 20),
            Action::First => self.selected = 0,
            Action::Last => self.selected = self.rows.len().saturating_sub(1),
            Action::ToggleClosed => {
                self.show_closed = !self.show_closed;
                self.refresh(caseload);
            }
            _ => {}
        }
        before != (self.selected, self.show_closed)
    }

    pub fn render(
        &self,
        frame: &mut Frame,
        area: Rect,
        ui: &Ui,
        caseload: &Caseload,
        contacts: Option<&std::collections::HashMap<crate::domain::ParticipantId, crate::store::ContactSummary>>,
        today: NaiveDate,
    ) {
        let s = ui.strings;
        let [title_area, table_area] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let key = if self.show_closed { "list.title_all" } else { "list.title_open" };
        let title = s.fill(key, &[("n", &self.rows.len().to_string())]);
        frame.render_widget(Paragraph::new(Span::styled(title, ui.theme.title())), title_area);
        let height = table_area.height.saturating_sub(1) as usize;
        let offset = scroll_offset(self.selected, height);
        let rows = self.rows.iter().enumerate().skip(offset).take(height).filter_map(|(n, &i)| {
            let p = caseload.get(i)?;
            let row = Row::new(vec![
                shown_number(p.number, s.get("participant.number_pending_short")),
                p.listed_name(),
                p.date_of_birth.map(format_date).unwrap_or_default(),
                s.get(&format!("status.{}", p.status.code())).to_string(),
                contacts
                    .and_then(|m| m.get(&p.id))
                    .and_then(|c| c.last_made)
                    .map_or_else(|| "–".to_string(), |d| format!("{} d", (today - d).num_days())),
                p.address.place.clone(),
                p.coach.clone(),
            ]);
            Some(if n == self.selected { row.style(ui.theme.selected()) } else { row })
        });
        let header = Row::new(vec![
            s.get("col.number"),
            s.get("col.name"),
            s.get("col.born"),
            s.get("col.status"),
            s.get("col.contact_days"),
            s.get("col.place"),
            s.get("col.coach"),
        ])
        .style(ui.theme.dim());
        let widths = [
            Constraint::Length(6),
            Constraint::Min(18),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(7),
            Constraint::Length(11),
            Constraint::Length(10),
        ];
        frame.render_widget(Table::new(rows, widths).header(header), table_area);
    }
}

impl ListState {
    /// The list's answer to an action.
    pub fn handle(&mut self, input: Input, ctx: &mut Ctx) -> Outcome {
        let Some(action) = input.action else { return Outcome::Ignored };
        match action {
            Action::OpenSearch => Outcome::one(Effect::OpenSearch),
            Action::NewIntake => Outcome::one(Effect::NewIntake),
            Action::Back => Outcome::one(Effect::PopScreen),
            Action::Open => match self.selected_id(ctx.caseload) {
                Some(participant) => Outcome::one(Effect::Open { participant, tab: None }),
                None => Outcome::Unchanged,
            },
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::First
            | Action::Last
            | Action::ToggleClosed => {
                if self.update(action, ctx.caseload) {
                    Outcome::done()
                } else {
                    Outcome::Unchanged
                }
            }
            _ => Outcome::Ignored,
        }
    }
}
