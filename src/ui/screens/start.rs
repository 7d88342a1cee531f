//! The start screen "Vandaag": today's appointments and module sessions, then the attention list
//! ranked by urgency, each line saying why. The coach's own caseload, or the whole team (`t`).

use chrono::{Duration, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::modules::time_label;
use super::participant::Tab;
use crate::domain::attention::{self, CATEGORIES, Facts, Item, Reason, Rules};
use crate::domain::validate::format_date;
use crate::domain::{ParticipantId, Status};
use crate::ui::caseload::{Caseload, same_coach};
use crate::ui::day_data::DayData;
use crate::ui::keymap::Action;
use crate::ui::modules_data::ModuleData;
use crate::ui::view::Ui;

/// One selectable line of the start screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartRow {
    Appointment { participant: ParticipantId, at: chrono::NaiveDateTime, place: String },
    Attention(Item),
}

impl StartRow {
    pub fn participant(&self) -> ParticipantId {
        match self {
            StartRow::Appointment { participant, .. } => *participant,
            StartRow::Attention(i) => i.participant,
        }
    }

    /// The tab the participant opens at.
    pub fn tab(&self) -> Tab {
        match self {
            StartRow::Appointment { .. } => Tab::Contacts,
            StartRow::Attention(i) => match i.reason {
                Reason::NoFirstContact { .. } | Reason::NoContact { .. } => Tab::Contacts,
                Reason::SignalDue { .. } => Tab::Signals,
                Reason::GoalOverdue { .. } => Tab::Goals,
                Reason::PlaceFreed { .. } => Tab::Modules,
                Reason::EndingWithoutAdvice { .. } | Reason::ExtensionDue { .. } => Tab::Profile,
            },
        }
    }
}

/// Everything the start screen is computed from.
pub struct Today<'a> {
    pub caseload: &'a Caseload,
    pub day: &'a DayData,
    pub modules: &'a ModuleData,
    pub coach: &'a str,
    pub team: bool,
    pub today: NaiveDate,
}

impl Today<'_> {
    fn mine(&self, id: ParticipantId) -> bool {
        self.team || self.caseload.by_id(id).is_some_and(|p| same_coach(&p.coach, self.coach))
    }

    /// Today's appointments, then the attention list, most urgent first.
    pub fn rows(&self) -> Vec<StartRow> {
        let mut rows: Vec<StartRow> = self
            .day
            .appointments
            .iter()
            .filter(|a| a.at.date() == self.today && self.mine(a.participant))
            .map(|a| StartRow::Appointment { participant: a.participant, at: a.at, place: a.place.clone() })
            .collect();
        // Places that came free: moved up from the waitlist for a session in the coming week.
        let mut freed: std::collections::HashMap<ParticipantId, Vec<(String, NaiveDate)>> = Default::default();
        for m in &self.modules.modules {
            let sched = self.modules.schedule(m, self.today);
            for (date, e) in &sched.moved_up {
                if *date >= self.today
                    && *date <= self.today + Duration::days(7)
                    && let Some(e) = self.modules.enrolment(*e)
                {
                    freed.entry(e.participant).or_default().push((m.name.clone(), *date));
                }
            }
        }
        let mut items = Vec::new();
        for p in self.caseload.people().iter().filter(|p| p.status != Status::Closed && self.mine(p.id)) {
            let goals: Vec<_> = self.day.goals.iter().filter(|g| g.participant == p.id).cloned().collect();
            let f = Facts {
                participant: p,
                contacts: self.day.contacts_of(p.id),
                goals: &goals,
                signals: self.day.signals_of(p.id),
                trajectory: self.day.trajectories.get(&p.id),
                places_freed: freed.get(&p.id).map_or(&[], Vec::as_slice),
            };
            items.extend(
                attention::reasons(&f, self.today, &Rules::default())
                    .into_iter()
                    .map(|reason| Item { participant: p.id, reason }),
            );
        }
        rows.extend(attention::ranked(items).into_iter().map(StartRow::Attention));
        rows
    }
}

pub struct StartState {
    pub selected: usize,
}

impl StartState {
    pub fn new() -> StartState {
        StartState { selected: 0 }
    }

    pub fn update(&mut self, action: Action, rows: usize) -> bool {
        super::navigate(&mut self.selected, rows, action)
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, t: &Today) {
        let s = ui.strings;
        let rows = t.rows();
        let who = if t.team { s.get("start.team").to_string() } else { s.fill("start.mine", &[("coach", t.coach)]) };
        let counts = t.caseload.counts(if t.team { None } else { Some(t.coach) });
        let status_line: Vec<String> = Status::ALL[..4]
            .iter()
            .zip(counts)
            .map(|(st, n)| format!("{n} {}", s.get(&format!("status.{}", st.code())).to_lowercase()))
            .collect();
        let mut per_cat = [0usize; 7];
        for r in &rows {
            if let StartRow::Attention(i) = r
                && let Some(c) = CATEGORIES.iter().position(|c| *c == i.reason.category())
            {
                per_cat[c] += 1;
            }
        }
        let cat_line: Vec<String> = CATEGORIES
            .iter()
            .zip(per_cat)
            .filter(|(_, n)| *n > 0)
            .map(|(c, n)| format!("{n} {}", s.get(&format!("attention_short.{c}"))))
            .collect();
        let head = vec![
            Line::from(vec![Span::styled(format!("{who}: "), ui.theme.title()), Span::raw(status_line.join(" · "))]),
            Line::from(vec![
                Span::styled(format!("{}: ", s.get("start.attention")), ui.theme.title()),
                Span::raw(if cat_line.is_empty() { s.get("start.nothing").to_string() } else { cat_line.join(" · ") }),
            ]),
        ];
        let [head_area, today_area, list_area] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(self.today_height(t, &rows)),
            Constraint::Min(0),
        ])
        .areas(area);
        frame.render_widget(Paragraph::new(head).wrap(Wrap { trim: true }), head_area);

        // Today: appointments and module sessions in time order.
        let mut today_lines: Vec<(u32, Line)> = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            if let StartRow::Appointment { participant, at, place } = r {
                let name = t.caseload.by_id(*participant).map(|p| p.listed_name()).unwrap_or_default();
                let style = if i == self.selected { ui.theme.selected() } else { ratatui::style::Style::default() };
                let minute = at.format("%H").to_string().parse::<u32>().unwrap_or(0) * 60
                    + at.format("%M").to_string().parse::<u32>().unwrap_or(0);
                today_lines.push((
                    minute,
                    Line::from(Span::styled(
                        format!("  {}  {}  {name} · {place}", at.format("%H:%M"), s.get("start.appointment")),
                        style,
                    )),
                ));
            }
        }
        for m in &t.modules.modules {
            let Some(x) = t.modules.sessions(m, t.today).into_iter().find(|x| x.date == t.today && x.topic.is_some())
            else {
                continue;
            };
            let sched = t.modules.schedule(m, t.today);
            let expected: Vec<String> = sched
                .rosters
                .get(&t.today)
                .into_iter()
                .flatten()
                .filter_map(|e| t.modules.enrolment(*e))
                .filter(|e| t.mine(e.participant))
                .filter_map(|e| t.caseload.by_id(e.participant).map(|p| p.listed_name()))
                .collect();
            let all = sched.rosters.get(&t.today).map_or(0, Vec::len);
            let who = if expected.is_empty() { String::new() } else { format!(": {}", expected.join("; ")) };
            let text = format!(
                "  {}  {} ({} {}/{}) · {}/{} {}{who}",
                time_label(m.start_minute),
                m.name,
                s.get("modules.topic_short"),
                x.topic.unwrap_or(1),
                m.cycle(),
                all,
                m.capacity,
                s.get("start.expected")
            );
            today_lines.push((u32::from(m.start_minute), Line::from(Span::styled(text, ui.theme.dim()))));
        }
        today_lines.sort_by_key(|(m, _)| *m);
        let mut lines = vec![Line::from(Span::styled(
            format!("── {} {}", s.get("start.today"), format_date(t.today)),
            ui.theme.title(),
        ))];
        if today_lines.is_empty() {
            lines.push(Line::from(Span::styled(format!("  {}", s.get("start.nothing_today")), ui.theme.dim())));
        }
        lines.extend(today_lines.into_iter().map(|(_, l)| l));
        frame.render_widget(Paragraph::new(lines), today_area);

        // Attention, most urgent first.
        let first = rows.iter().position(|r| matches!(r, StartRow::Attention(_))).unwrap_or(rows.len());
        let n = rows.len() - first;
        let mut lines =
            vec![Line::from(Span::styled(s.fill("start.attention_list", &[("n", &n.to_string())]), ui.theme.title()))];
        let height = list_area.height.saturating_sub(1) as usize;
        let sel = self.selected.saturating_sub(first);
        let offset = if self.selected >= first { super::scroll_offset(sel, height) } else { 0 };
        for (i, r) in rows.iter().enumerate().skip(first + offset).take(height) {
            let StartRow::Attention(item) = r else { continue };
            let name = t.caseload.by_id(item.participant).map(|p| p.listed_name()).unwrap_or_default();
            let style = if i == self.selected { ui.theme.selected() } else { ratatui::style::Style::default() };
            lines.push(Line::from(Span::styled(format!("  {name:<24} {}", why(&item.reason, ui)), style)));
        }
        if n == 0 {
            lines.push(Line::from(Span::styled(format!("  {}", s.get("start.nothing")), ui.theme.dim())));
        }
        frame.render_widget(Paragraph::new(lines), list_area);
    }

    fn today_height(&self, t: &Today, rows: &[StartRow]) -> u16 {
        let appointments = rows.iter().filter(|r| matches!(r, StartRow::Appointment { .. })).count();
        let sessions = t
            .modules
            .modules
            .iter()
            .filter(|m| t.modules.sessions(m, t.today).iter().any(|x| x.date == t.today && x.topic.is_some()))
            .count();
        (1 + (appointments + sessions).max(1)).min(9) as u16 + 1
    }
}

impl Default for StartState {
    fn default() -> Self {
        StartState::new()
    }
}

/// The reason in words: "geen contact sinds 23 dagen", "signaal: opvolgen (schulden)".
pub fn why(r: &Reason, ui: &Ui) -> String {
    let s = ui.strings;
    match r {
        Reason::NoFirstContact { working_days } => s.fill("why.no_first_contact", &[("n", &working_days.to_string())]),
        Reason::NoContact { days: Some(d) } => s.fill("why.no_contact", &[("n", &d.to_string())]),
        Reason::NoContact { days: None } => s.get("why.no_contact_ever").to_string(),
        Reason::EndingWithoutAdvice { days_left } if *days_left < 0 => {
            s.fill("why.ended_without_advice", &[("n", &(-days_left).to_string())])
        }
        Reason::EndingWithoutAdvice { days_left } => {
            s.fill("why.ending_without_advice", &[("n", &days_left.to_string())])
        }
        Reason::ExtensionDue { days_left } => s.fill("why.extension_due", &[("n", &days_left.to_string())]),
        Reason::GoalOverdue { goal, days } => s.fill("why.goal_overdue", &[("goal", goal), ("n", &days.to_string())]),
        Reason::SignalDue { kind, follow_up } => s.fill(
            "why.signal_due",
            &[("kind", s.get(&format!("signal_kind.{kind}"))), ("date", &format_date(*follow_up))],
        ),
        Reason::PlaceFreed { module, from } => {
            s.fill("why.place_freed", &[("module", module), ("date", &format_date(*from))])
        }
    }
}
