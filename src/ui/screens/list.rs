//! Every participant in Dutch name order ("Berg, Jan van der" under B), filtered by status, the
//! coach's own caseload or the team, municipality and neighbourhood (one key cycles each).

use crate::ui::layer::{Ctx, Effect, Input, Outcome};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Row, Table, Wrap};

use super::{column_widths, fit, scroll_offset, step};
use crate::domain::ParticipantId;
use crate::domain::list_filter::{ListFilter, StatusFilter};
use crate::domain::participant::shown_number;
use crate::domain::validate::format_date;
use crate::ui::caseload::Caseload;
use crate::ui::keymap::Action;
use crate::ui::theme::Ui;
use chrono::NaiveDate;

pub struct ListState {
    rows: Vec<usize>,
    pub filter: ListFilter,
    /// The coach whose caseload "own" is.
    coach: String,
    selected: usize,
}

impl ListState {
    /// The list of the coach's own people, or of the whole team when the start screen shows it.
    pub fn new(caseload: &mut Caseload, coach: &str, team: bool) -> ListState {
        let filter = ListFilter { own: !team, ..ListFilter::default() };
        let mut s = ListState { rows: Vec::new(), filter, coach: coach.to_string(), selected: 0 };
        s.refresh(caseload);
        s
    }

    pub fn refresh(&mut self, caseload: &mut Caseload) {
        let keep = self.selected_id(caseload);
        let order = caseload.dutch_order().to_vec();
        let (filter, coach) = (&self.filter, self.coach.as_str());
        self.rows = order.into_iter().filter(|&i| caseload.get(i).is_some_and(|p| filter.matches(p, coach))).collect();
        self.selected = keep
            .and_then(|id| self.rows.iter().position(|&i| caseload.get(i).is_some_and(|p| p.id == id)))
            .unwrap_or(0)
            .min(self.rows.len().saturating_sub(1));
    }

    pub fn selected_id(&self, caseload: &Caseload) -> Option<ParticipantId> {
        self.rows.get(self.selected).and_then(|&i| caseload.get(i)).map(|p| p.id)
    }

    pub fn update(&mut self, action: Action, caseload: &mut Caseload) -> bool {
        let before = (self.selected, self.filter.clone());
        match action {
            Action::Up => self.selected = step(self.selected, self.rows.len(), -1),
            Action::Down => self.selected = step(self.selected, self.rows.len(), 1),
            Action::PageUp => self.selected = step(self.selected, self.rows.len(), -20),
            Action::PageDown => self.selected = step(self.selected, self.rows.len(), 20),
            Action::First => self.selected = 0,
            Action::Last => self.selected = self.rows.len().saturating_sub(1),
            Action::ToggleClosed => {
                self.filter.status =
                    if self.filter.status == StatusFilter::All { StatusFilter::Open } else { StatusFilter::All };
            }
            Action::CycleStatus => self.filter.status = self.filter.status.next(),
            Action::ToggleTeam => self.filter.own = !self.filter.own,
            Action::CycleMunicipality => self.filter.next_municipality(caseload.people().iter()),
            Action::CycleNeighbourhood => self.filter.next_neighbourhood(caseload.people().iter()),
            Action::ClearFilters => self.filter = ListFilter::default(),
            _ => {}
        }
        if before.1 != self.filter {
            self.refresh(caseload);
        }
        before != (self.selected, self.filter.clone())
    }

    /// The title: which statuses, how many.
    fn title(&self, s: &crate::i18n::Strings) -> String {
        let n = self.rows.len().to_string();
        match self.filter.status {
            StatusFilter::Open => s.fill("list.title_open", &[("n", &n)]),
            StatusFilter::All => s.fill("list.title_all", &[("n", &n)]),
            StatusFilter::Only(x) => {
                s.fill("list.title_status", &[("n", &n), ("status", s.get(&format!("status.{}", x.code())))])
            }
        }
    }

    /// The filter line: whose people, which municipality and neighbourhood.
    fn filter_line(&self, s: &crate::i18n::Strings) -> String {
        let all = s.get("list.filter_all");
        let whose = if self.filter.own {
            s.fill("list.filter_own", &[("coach", &self.coach)])
        } else {
            s.get("list.filter_team").to_string()
        };
        s.fill(
            "list.filter",
            &[
                ("whose", &whose),
                ("municipality", self.filter.municipality.as_deref().unwrap_or(all)),
                ("neighbourhood", self.filter.neighbourhood.as_deref().unwrap_or(all)),
            ],
        )
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
        // The filter line wraps onto a second row rather than hide its last keys (a long coach name).
        let filter_style = if self.filter.narrows() { ui.theme.title() } else { ui.theme.dim() };
        let filters = Paragraph::new(Span::styled(self.filter_line(s), filter_style)).wrap(Wrap { trim: true });
        let filter_h = filters.line_count(area.width).clamp(1, 2) as u16;
        let [title_area, filter_area, table_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(filter_h), Constraint::Min(0)]).areas(area);
        frame.render_widget(Paragraph::new(Span::styled(self.title(s), ui.theme.title())), title_area);
        frame.render_widget(filters, filter_area);
        if self.rows.is_empty() {
            let [_, empty] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(table_area);
            frame.render_widget(Paragraph::new(s.get("list.none")).style(ui.theme.dim()), empty);
        }
        let height = table_area.height.saturating_sub(1) as usize;
        let offset = scroll_offset(self.selected, height);
        // Columns a narrow screen leaves out, last first: the coach, then the place, so the date of
        // birth and the status stay whole rather than every column being cut.
        const WANTED: [u16; 7] = [6, 18, 10, 10, 7, 11, 10];
        let mut keep: Vec<usize> = (0..WANTED.len()).collect();
        let needed = |keep: &[usize]| keep.iter().map(|&i| WANTED[i] + 1).sum::<u16>().saturating_sub(1);
        for drop in [6, 5] {
            if needed(&keep) > table_area.width {
                keep.retain(|&i| i != drop);
            }
        }
        let widths: Vec<Constraint> = keep
            .iter()
            .map(|&i| if i == 1 { Constraint::Min(WANTED[i]) } else { Constraint::Length(WANTED[i]) })
            .collect();
        let cols = column_widths(table_area.width, &widths);
        let rows = self.rows.iter().enumerate().skip(offset).take(height).filter_map(|(n, &i)| {
            let p = caseload.get(i)?;
            let cells = [
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
            ];
            let row = Row::new(keep.iter().map(|&i| &cells[i]).zip(&cols).map(|(c, w)| fit(c, usize::from(*w))));
            Some(if n == self.selected { row.style(ui.theme.selected()) } else { row })
        });
        // Short forms ("Geb.") where a column is narrower than its header (60 columns).
        let header = Row::new(
            keep.iter()
                .map(|&i| ["number", "name", "born", "status", "contact_days", "place", "coach"][i])
                .zip(&cols)
                .map(|(k, w)| super::header(s, k, usize::from(*w))),
        )
        .style(ui.theme.dim());
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
            | Action::ToggleClosed
            | Action::CycleStatus
            | Action::ToggleTeam
            | Action::CycleMunicipality
            | Action::CycleNeighbourhood
            | Action::ClearFilters => {
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
