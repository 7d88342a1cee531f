//! The module catalogue and one module's page: sessions, fill, waitlist and who moved up.

use chrono::{Datelike, NaiveDate};

pub use crate::ui::view::weekday_key;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Wrap};

use super::{scroll_offset, step};
use crate::domain::module::{Module, ModuleId, Skip};
use crate::domain::validate::format_date;
use crate::ui::caseload::Caseload;
use crate::ui::keymap::Action;
use crate::ui::modules_data::ModuleData;
use crate::ui::theme::Ui;

pub fn time_label(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// "di 10:00-11:30".
pub fn when_label(m: &Module, ui: &Ui) -> String {
    format!(
        "{} {}-{}",
        ui.strings.get(weekday_key(m.weekday())),
        time_label(m.start_minute),
        time_label(m.end_minute())
    )
}

pub struct CatalogueState {
    pub selected: usize,
}

impl CatalogueState {
    pub fn selected_id(&self, data: &ModuleData) -> Option<ModuleId> {
        data.modules.get(self.selected).map(|m| m.id)
    }

    pub fn update(&mut self, action: Action, data: &ModuleData) -> bool {
        let before = self.selected;
        let delta = match action {
            Action::Up => -1,
            Action::Down => 1,
            _ => 0,
        };
        self.selected = step(self.selected, data.modules.len(), delta);
        before != self.selected
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, data: &ModuleData, today: NaiveDate) {
        let s = ui.strings;
        let closures_h = if data.closures.is_empty() { 0 } else { 2 + data.closures.len().min(4) as u16 };
        let [title, table_area, closures] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3), Constraint::Length(closures_h)]).areas(area);
        frame.render_widget(
            Paragraph::new(Span::styled(
                s.fill("modules.title", &[("n", &data.modules.len().to_string())]),
                ui.theme.title(),
            )),
            title,
        );
        let widths = [
            Constraint::Min(16),
            Constraint::Length(15),
            Constraint::Length(5),
            Constraint::Length(18),
            Constraint::Length(6),
        ];
        // Cut with "…" to the column, between words where it can ("Omgaan met…").
        let cols = super::column_widths(table_area.width, &widths);
        let cut = |text: String, col: usize| super::fit(&text, cols.get(col).map_or(usize::MAX, |w| usize::from(*w)));
        let height = table_area.height.saturating_sub(1) as usize;
        let offset = scroll_offset(self.selected, height);
        let rows = data.modules.iter().enumerate().skip(offset).take(height).map(|(i, m)| {
            let sched = data.schedule(m, today);
            let next = data.sessions(m, today).into_iter().find(|x| x.date >= today && x.topic.is_some());
            // The fill stays in sight: the date loses its year first ("25-11 · 0/8"), then goes.
            let fill = next
                .as_ref()
                .map(|x| {
                    let n = sched.rosters.get(&x.date).map_or(0, Vec::len);
                    let taken = format!("{n}/{}", m.capacity);
                    let room = cols.get(3).map_or(usize::MAX, |w| usize::from(*w));
                    [
                        format!("{} · {taken}", format_date(x.date)),
                        format!("{} · {taken}", x.date.format("%d-%m")),
                        taken.clone(),
                    ]
                    .into_iter()
                    .find(|t| t.chars().count() <= room)
                    .unwrap_or(taken)
                })
                .unwrap_or_else(|| "–".into());
            let row = Row::new(vec![
                cut(m.name.clone(), 0),
                cut(when_label(m, ui), 1),
                m.cycle().to_string(),
                cut(fill, 3),
                sched.waitlist.len().to_string(),
            ]);
            if i == self.selected { row.style(ui.theme.selected()) } else { row }
        });
        let header = Row::new(
            ["module", "when", "cycle", "next_fill", "waiting"]
                .iter()
                .enumerate()
                .map(|(i, k)| super::header(s, k, cols.get(i).map_or(usize::MAX, |w| usize::from(*w)))),
        )
        .style(ui.theme.dim());
        frame.render_widget(Table::new(rows, widths).header(header), table_area);
        if closures_h > 0 {
            let mut lines = vec![Line::from(""), Line::from(Span::styled(s.get("modules.closures"), ui.theme.title()))];
            for c in data.closures.iter().filter(|c| c.date >= today).take(4) {
                lines.push(Line::from(format!("{}  {}", format_date(c.date), c.reason)));
            }
            frame.render_widget(Paragraph::new(lines), closures);
        }
    }
}

pub struct ModuleState {
    pub id: ModuleId,
    /// Selected row in the list of coming sessions.
    pub selected: usize,
    /// `Tab` moves the cursor to the waitlist and back.
    pub on_waitlist: bool,
    /// Selected place on the waitlist (0 = next in line).
    pub waiting: usize,
}

/// The sessions a module page lists: from the most recent held one on, twelve in all.
pub fn listed_sessions(data: &ModuleData, m: &Module, today: NaiveDate) -> Vec<crate::domain::module::Session> {
    let all = data.sessions(m, today);
    let start = all.iter().rposition(|x| x.date < today && x.topic.is_some()).unwrap_or(0);
    all.into_iter().skip(start).take(12).collect()
}

impl ModuleState {
    pub fn new(id: ModuleId) -> ModuleState {
        ModuleState { id, selected: 0, on_waitlist: false, waiting: 0 }
    }

    /// The enrolment at the selected place of the waitlist, when the cursor is there.
    pub fn selected_waiting(&self, data: &ModuleData, today: NaiveDate) -> Option<crate::domain::module::EnrolmentId> {
        let m = data.module(self.id)?;
        self.on_waitlist.then(|| data.schedule(m, today).waitlist.get(self.waiting).copied()).flatten()
    }

    pub fn selected_date(&self, data: &ModuleData, today: NaiveDate) -> Option<NaiveDate> {
        let m = data.module(self.id)?;
        listed_sessions(data, m, today).get(self.selected).map(|x| x.date)
    }

    pub fn update(&mut self, action: Action, data: &ModuleData, today: NaiveDate) -> bool {
        let Some(m) = data.module(self.id) else {
            return false;
        };
        let before = (self.selected, self.on_waitlist, self.waiting);
        if self.on_waitlist {
            let n = data.schedule(m, today).waitlist.len();
            self.waiting = self.waiting.min(n.saturating_sub(1));
            match action {
                Action::Up => self.waiting = step(self.waiting, n, -1),
                Action::Down => self.waiting = step(self.waiting, n, 1),
                Action::NextTab => self.on_waitlist = false,
                _ => {}
            }
        } else {
            let n = listed_sessions(data, m, today).len();
            match action {
                Action::Up => self.selected = step(self.selected, n, -1),
                Action::Down => self.selected = step(self.selected, n, 1),
                Action::NextTab => self.on_waitlist = true,
                _ => {}
            }
        }
        before != (self.selected, self.on_waitlist, self.waiting)
    }

    pub fn render(
        &self,
        frame: &mut Frame,
        area: Rect,
        ui: &Ui,
        data: &ModuleData,
        caseload: &Caseload,
        today: NaiveDate,
    ) {
        let s = ui.strings;
        let Some(m) = data.module(self.id) else {
            return;
        };
        let sched = data.schedule(m, today);
        let name_of = |id| {
            data.enrolment(id)
                .and_then(|e| caseload.by_id(e.participant))
                .map_or_else(|| "?".to_string(), |p| p.listed_name())
        };
        let head_lines = vec![
            Line::from(Span::styled(m.name.clone(), ui.theme.title())),
            Line::from(format!(
                "{} · {} · {} · {}",
                when_label(m, ui),
                s.get(&format!("recurrence.{}", m.recurrence.code())),
                m.location,
                m.facilitator
            )),
            Line::from(Span::styled(
                s.fill(
                    "modules.cycle_line",
                    &[("n", &m.cycle().to_string()), ("cap", &m.capacity.to_string()), ("from", &format_date(m.first))],
                ),
                ui.theme.dim(),
            )),
        ];
        // Wrapped onto more rows on a narrow screen, not cut ("· Inek").
        let head_text = Paragraph::new(head_lines).wrap(Wrap { trim: true });
        let head_h = (head_text.line_count(area.width) as u16).clamp(3, (area.height / 3).max(3));
        let [head, body] = Layout::vertical([Constraint::Length(head_h), Constraint::Min(0)]).areas(area);
        frame.render_widget(head_text, head);
        let [left, right] = Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(body);
        let listed = listed_sessions(data, m, today);
        let mut lines = vec![Line::from(Span::styled(s.get("modules.sessions"), ui.theme.title()))];
        for (i, x) in listed.iter().enumerate() {
            let what = match (&x.topic, &x.skip) {
                (Some(t), _) => {
                    let n = sched.rosters.get(&x.date).map_or(0, Vec::len);
                    let done = data.session_mark(m.id, x.date, s);
                    format!("{} {t}/{}  {n}/{}{done}", s.get("modules.topic"), m.cycle(), m.capacity)
                }
                (None, Some(Skip::Holiday(h))) => format!("— {h}"),
                (None, Some(Skip::Closed(r))) => format!("— {} ({r})", s.get("modules.closed")),
                (None, _) => format!("— {}", s.get("modules.cancelled")),
            };
            let here = i == self.selected && !self.on_waitlist;
            let style = if here { ui.theme.selected() } else { ratatui::style::Style::default() };
            let style = if x.date < today && !here { ui.theme.dim() } else { style };
            let line = format!("{} {}  {what}", s.get(weekday_key(x.date.weekday())), format_date(x.date));
            lines.push(Line::from(Span::styled(super::fit(&line, usize::from(left.width)), style)));
        }
        frame.render_widget(Paragraph::new(lines), left);
        let mut side = vec![Line::from(Span::styled(
            s.fill("modules.waitlist", &[("n", &sched.waitlist.len().to_string())]),
            ui.theme.title(),
        ))];
        // The whole line, scrolled to keep the cursor in sight; room kept for who moved up.
        let rows = usize::from(right.height.saturating_sub(1)).saturating_sub(6).max(3);
        let first = if self.on_waitlist { scroll_offset(self.waiting, rows) } else { 0 };
        for (i, id) in sched.waitlist.iter().enumerate().skip(first).take(rows) {
            let line = format!("{}. {}", i + 1, name_of(*id));
            let here = self.on_waitlist && i == self.waiting;
            side.push(if here { Line::from(Span::styled(line, ui.theme.selected())) } else { Line::from(line) });
        }
        if sched.waitlist.len() > first + rows {
            side.push(Line::from(Span::styled(
                s.fill("modules.waitlist_more", &[("n", &(sched.waitlist.len() - first - rows).to_string())]),
                ui.theme.dim(),
            )));
        }
        if self.on_waitlist || sched.waitlist.is_empty() {
            side.push(Line::from(Span::styled(s.get("modules.waitlist_keys"), ui.theme.dim())));
        }
        let recent: Vec<_> =
            sched.moved_up.iter().rev().filter(|(d, _)| *d <= today + chrono::Duration::days(14)).take(4).collect();
        if !recent.is_empty() {
            side.push(Line::from(""));
            side.push(Line::from(Span::styled(s.get("modules.moved_up"), ui.theme.title())));
            for (d, id) in recent {
                side.push(Line::from(
                    s.fill("modules.moved_up_line", &[("name", &name_of(*id)), ("date", &format_date(*d))]),
                ));
            }
        }
        frame.render_widget(Paragraph::new(side).wrap(Wrap { trim: true }), right);
    }
}
