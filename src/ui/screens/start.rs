//! The start screen: a first caseload overview for the coach.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};

use super::scroll_offset;
use crate::domain::participant::format_number;
use crate::domain::validate::format_date;
use crate::domain::{ParticipantId, Status};
use crate::ui::caseload::{Caseload, same_coach};
use crate::ui::keymap::Action;
use crate::ui::view::Ui;

pub struct StartState {
    /// Indexes into the caseload: the coach's open participants, most recently changed first.
    rows: Vec<usize>,
    /// False when the coach has no participants of their own and everyone's are shown.
    own: bool,
    selected: usize,
}

impl StartState {
    pub fn new(caseload: &Caseload, coach: &str) -> StartState {
        let mut s = StartState { rows: Vec::new(), own: true, selected: 0 };
        s.refresh(caseload, coach);
        s
    }

    /// Recomputes the list after a save, keeping the selection on the same row number.
    pub fn refresh(&mut self, caseload: &Caseload, coach: &str) {
        let open = |p: &&crate::domain::Participant| p.status.is_open();
        let mine: Vec<usize> = (0..caseload.people().len())
            .filter(|&i| caseload.get(i).filter(open).is_some_and(|p| same_coach(&p.coach, coach)))
            .collect();
        self.own = !mine.is_empty();
        self.rows = if self.own {
            mine
        } else {
            (0..caseload.people().len()).filter(|&i| caseload.get(i).filter(open).is_some()).collect()
        };
        self.rows.sort_by_key(|&i| std::cmp::Reverse(caseload.get(i).map(|p| p.updated_at)));
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    pub fn selected_id(&self, caseload: &Caseload) -> Option<ParticipantId> {
        self.rows.get(self.selected).and_then(|&i| caseload.get(i)).map(|p| p.id)
    }

    /// Moves the selection; returns whether anything changed.
    pub fn update(&mut self, action: Action) -> bool {
        super::navigate(&mut self.selected, self.rows.len(), action)
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, caseload: &Caseload, coach: &str) {
        let s = ui.strings;
        let [counts_area, list_area] = Layout::vertical([Constraint::Length(4), Constraint::Min(0)]).areas(area);
        let mine = caseload.counts(Some(coach));
        let all = caseload.counts(None);
        let labels = [
            s.get("start.caseload").to_string(),
            s.fill("start.mine", &[("coach", coach)]),
            s.get("start.everyone").to_string(),
        ];
        let lw = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) + 2;
        let [l0, l1, l2] = labels;
        let mut head = vec![Span::styled(format!("{l0:<lw$}"), ui.theme.title())];
        let mut own_line = vec![Span::raw(format!("{l1:<lw$}"))];
        let mut all_line = vec![Span::raw(format!("{l2:<lw$}"))];
        for (i, st) in Status::ALL.iter().enumerate() {
            let label = s.get(&format!("status.{}", st.code())).to_string();
            let w = label.chars().count().max(5) + 2;
            head.push(Span::styled(format!("{label:>w$}"), ui.theme.title()));
            own_line.push(Span::raw(format!("{:>w$}", mine[i])));
            all_line.push(Span::raw(format!("{:>w$}", all[i])));
        }
        let counts = Paragraph::new(vec![Line::from(head), Line::from(own_line), Line::from(all_line)])
            .block(Block::default().borders(Borders::BOTTOM).border_style(ui.theme.dim()));
        frame.render_widget(counts, counts_area);

        let title = if self.own {
            s.fill("start.my_active", &[("n", &self.rows.len().to_string())])
        } else {
            s.fill("start.all_active", &[("n", &self.rows.len().to_string())])
        };
        let [title_area, table_area] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(list_area);
        frame.render_widget(Paragraph::new(Span::styled(title, ui.theme.title())), title_area);
        if self.rows.is_empty() {
            frame.render_widget(Paragraph::new(s.get("start.empty")).style(ui.theme.dim()), table_area);
            return;
        }
        let height = table_area.height.saturating_sub(1) as usize;
        let offset = scroll_offset(self.selected, height);
        let rows = self.rows.iter().enumerate().skip(offset).take(height).filter_map(|(n, &i)| {
            let p = caseload.get(i)?;
            let row = Row::new(vec![
                format_number(p.number),
                p.listed_name(),
                s.get(&format!("status.{}", p.status.code())).to_string(),
                format_date(p.updated_at.date_naive()),
            ]);
            Some(if n == self.selected { row.style(ui.theme.selected()) } else { row })
        });
        let header =
            Row::new(vec![s.get("col.number"), s.get("col.name"), s.get("col.status"), s.get("col.last_change")])
                .style(ui.theme.dim());
        let table = Table::new(
            rows,
            [Constraint::Length(6), Constraint::Min(20), Constraint::Length(11), Constraint::Length(13)],
        )
        .header(header);
        frame.render_widget(table, table_area);
    }
}
