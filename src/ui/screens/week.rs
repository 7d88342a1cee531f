//! The week agenda (every module session of one ISO week with the coach's own appointments in
//! it, and which of the coach's people sit in each session) and a session's roster, where the coach
//! marks present (p), absent (a) or excused (x) with one key per person.

use chrono::{Datelike, Duration, NaiveDate, Timelike};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::modules::{time_label, weekday_key};
use super::{scroll_offset, step};
use crate::domain::ParticipantId;
use crate::domain::contact::Appointment;
use crate::domain::module::{Mark, ModuleId, week_start};
use crate::domain::validate::format_date;
use crate::ui::caseload::Caseload;
use crate::ui::keymap::Action;
use crate::ui::modules_data::ModuleData;
use crate::ui::theme::Ui;

/// One row of the week view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekRow {
    pub module: ModuleId,
    pub date: NaiveDate,
    pub start_minute: u16,
    pub topic: u8,
}

/// The held sessions of the week starting `monday`, by day and time.
pub fn week_rows(data: &ModuleData, monday: NaiveDate, today: NaiveDate) -> Vec<WeekRow> {
    let mut rows = Vec::new();
    for m in &data.modules {
        for x in data.sessions(m, today.max(monday + Duration::days(7))) {
            if x.date >= monday
                && x.date < monday + Duration::days(7)
                && let Some(t) = x.topic
            {
                rows.push(WeekRow { module: m.id, date: x.date, start_minute: m.start_minute, topic: t });
            }
        }
    }
    rows.sort_by_key(|r| (r.date, r.start_minute));
    rows
}

/// One line of the week agenda a coach can put the cursor on: a module session, or one of the
/// coach's own appointments (index into [`WeekState::appointments`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WeekItem {
    Session(WeekRow),
    Appointment(usize),
}

pub struct WeekState {
    pub monday: NaiveDate,
    pub selected: usize,
    /// The appointments of the shown week whose participant is the coach's own (or anyone's
    /// when the start screen shows the team), read by the executor whenever the week changes.
    pub appointments: Vec<Appointment>,
    /// Whose people the agenda shows (`None`: the whole team).
    pub whose: Option<String>,
    /// The cursor goes to today's first item once the week's appointments are read.
    place_today: bool,
}

impl WeekState {
    pub fn new(today: NaiveDate) -> WeekState {
        WeekState { monday: week_start(today), selected: 0, appointments: Vec::new(), whose: None, place_today: true }
    }

    /// The agenda of the shown week: module sessions and own appointments, by day and time.
    pub fn items(&self, data: &ModuleData, today: NaiveDate) -> Vec<(NaiveDate, u16, WeekItem)> {
        let mut items: Vec<(NaiveDate, u16, WeekItem)> = week_rows(data, self.monday, today)
            .into_iter()
            .map(|r| (r.date, r.start_minute, WeekItem::Session(r)))
            .collect();
        for (i, a) in self.appointments.iter().enumerate() {
            let minute = (a.at.hour() * 60 + a.at.minute()) as u16;
            items.push((a.at.date(), minute, WeekItem::Appointment(i)));
        }
        items.sort_by_key(|(d, m, _)| (*d, *m));
        items
    }

    /// Takes in the week's appointments (read by the executor) and, after a jump to this week,
    /// puts the cursor on the first item from today on.
    pub fn fill(&mut self, appointments: Vec<Appointment>, whose: Option<String>, data: &ModuleData, today: NaiveDate) {
        self.appointments = appointments;
        self.whose = whose;
        let items = self.items(data, today);
        if std::mem::take(&mut self.place_today) {
            self.selected = items.iter().position(|(d, _, _)| *d >= today).unwrap_or(0);
        }
        self.selected = self.selected.min(items.len().saturating_sub(1));
    }

    /// Moves the cursor or the week; a new week's appointments must then be read (`fill`).
    pub fn update(&mut self, action: Action, data: &ModuleData, today: NaiveDate) -> bool {
        let before = (self.monday, self.selected);
        match action {
            Action::PrevWeek => {
                self.monday -= Duration::days(7);
                self.selected = 0;
            }
            Action::NextWeek => {
                self.monday += Duration::days(7);
                self.selected = 0;
            }
            Action::Today => {
                self.monday = week_start(today);
                self.place_today = true;
                return true;
            }
            Action::Up => self.selected = step(self.selected, self.items(data, today).len(), -1),
            Action::Down => self.selected = step(self.selected, self.items(data, today).len(), 1),
            _ => {}
        }
        before != (self.monday, self.selected)
    }

    pub fn selected_item(&self, data: &ModuleData, today: NaiveDate) -> Option<WeekItem> {
        self.items(data, today).into_iter().nth(self.selected).map(|(_, _, item)| item)
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
        let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let week = self.monday.iso_week();
        frame.render_widget(
            Paragraph::new(Span::styled(
                s.fill(
                    "week.title",
                    &[
                        ("week", &week.week().to_string()),
                        ("year", &week.year().to_string()),
                        ("from", &format_date(self.monday)),
                        ("to", &format_date(self.monday + Duration::days(6))),
                    ],
                ),
                ui.theme.title(),
            )),
            title,
        );
        let items = self.items(data, today);
        if items.is_empty() {
            frame.render_widget(Paragraph::new(s.get("week.empty")).style(ui.theme.dim()), body);
            return;
        }
        let width = usize::from(body.width);
        let mut lines = Vec::new();
        let mut selected_line = 0;
        let mut last_day = None;
        for (i, (date, minute, item)) in items.iter().enumerate() {
            if last_day != Some(*date) {
                let mark = if *date == today { format!("  ({})", s.get("week.today")) } else { String::new() };
                lines.push(Line::from(Span::styled(
                    format!("{} {}{mark}", s.get(weekday_key(date.weekday())), format_date(*date)),
                    ui.theme.title(),
                )));
                last_day = Some(*date);
            }
            if i == self.selected {
                selected_line = lines.len();
            }
            let (cursor, style) = super::chosen(i == self.selected, ui);
            match item {
                WeekItem::Session(r) => {
                    let Some(m) = data.module(r.module) else {
                        lines.push(Line::from(Span::styled(format!("{cursor} {}  ?", time_label(*minute)), style)));
                        continue;
                    };
                    let fill = data.schedule(m, today).rosters.get(&r.date).map_or(0, Vec::len);
                    let done = data.session_mark(m.id, r.date, ui.strings);
                    // The topic's title gets the room the rest of the line leaves, cut with "…".
                    // A third of a narrow screen at most, so the topic and the fill keep room.
                    let name_w = (width / 3).clamp(10, 28);
                    let name = super::fit(&m.name, name_w);
                    let head = format!(
                        "{cursor} {}  {name:<name_w$} {} {}/{} ",
                        time_label(m.start_minute),
                        s.get("modules.topic_short"),
                        r.topic,
                        m.cycle()
                    );
                    let tail = format!(" {fill}/{}{done}", m.capacity);
                    let room = width.saturating_sub(head.chars().count() + tail.chars().count()).max(8);
                    let title = super::fit(m.topic_title(r.topic), room);
                    lines.push(Line::from(Span::styled(format!("{head}{title:<room$}{tail}"), style)));
                    // The coach's own people seated in it, so the agenda shows who goes where.
                    let own: Vec<String> = data
                        .schedule(m, today)
                        .rosters
                        .get(&r.date)
                        .into_iter()
                        .flatten()
                        .filter_map(|e| data.enrolment(*e))
                        .filter_map(|e| caseload.own_by_id(self.whose.as_deref(), e.participant))
                        .map(|p| p.listed_name())
                        .collect();
                    if !own.is_empty() {
                        let text = format!("         {}: {}", s.get("week.own_people"), own.join("; "));
                        lines.push(Line::from(Span::styled(super::fit(&text, width), ui.theme.dim())));
                    }
                }
                WeekItem::Appointment(n) => {
                    let Some(a) = self.appointments.get(*n) else { continue };
                    let name = caseload.by_id(a.participant).map(|p| p.listed_name()).unwrap_or_default();
                    let place = if a.place.is_empty() { String::new() } else { format!(" · {}", a.place) };
                    // A cancelled one stays in the agenda, marked (the hour is free again).
                    let state = if a.is_planned() {
                        String::new()
                    } else {
                        format!(" · {}", s.get(&format!("appointment_state.{}", a.state.code())))
                    };
                    let text = format!(
                        "{cursor} {}  {}  {name}{place}{state}",
                        a.at.format("%H:%M"),
                        s.get("start.appointment")
                    );
                    let style = if a.is_planned() || i == self.selected { style } else { ui.theme.dim() };
                    lines.push(Line::from(Span::styled(super::fit(&text, width), style)));
                }
            }
        }
        let offset = scroll_offset(selected_line, body.height as usize) as u16;
        frame.render_widget(Paragraph::new(lines).scroll((offset, 0)), body);
    }
}

pub struct RosterState {
    pub module: ModuleId,
    pub date: NaiveDate,
    pub topic: u8,
    /// Everyone with a place in this session, with the mark given (if any).
    pub rows: Vec<(ParticipantId, Option<Mark>)>,
    pub selected: usize,
    pub dirty: bool,
}

impl RosterState {
    pub fn new(data: &ModuleData, module: ModuleId, date: NaiveDate, topic: u8, today: NaiveDate) -> RosterState {
        let mut rows = Vec::new();
        if let Some(m) = data.module(module) {
            let sched = data.schedule(m, today);
            let saved = data.attendance_of(module, date);
            for id in sched.rosters.get(&date).into_iter().flatten() {
                if let Some(e) = data.enrolment(*id) {
                    let mark = saved.and_then(|a| a.marks.iter().find(|(p, _)| *p == e.participant).map(|(_, m)| *m));
                    rows.push((e.participant, mark));
                }
            }
        }
        RosterState { module, date, topic, rows, selected: 0, dirty: false }
    }

    pub fn update(&mut self, action: Action) -> bool {
        let mark = match action {
            Action::Up => {
                let b = self.selected;
                self.selected = step(self.selected, self.rows.len(), -1);
                return b != self.selected;
            }
            Action::Down => {
                let b = self.selected;
                self.selected = step(self.selected, self.rows.len(), 1);
                return b != self.selected;
            }
            Action::MarkPresent => Mark::Present,
            Action::MarkAbsent => Mark::Absent,
            Action::MarkExcused => Mark::Excused,
            // A mark given by mistake is taken away (the cursor stays on the person).
            Action::ClearMark => {
                let Some(row) = self.rows.get_mut(self.selected) else { return false };
                let had = row.1.take().is_some();
                self.dirty |= had;
                return had;
            }
            _ => return false,
        };
        let Some(row) = self.rows.get_mut(self.selected) else {
            return false;
        };
        row.1 = Some(mark);
        self.dirty = true;
        // The cursor moves on to the next person.
        self.selected = step(self.selected, self.rows.len(), 1);
        true
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, data: &ModuleData, caseload: &Caseload) {
        let s = ui.strings;
        let Some(m) = data.module(self.module) else {
            return;
        };
        let mut lines = vec![
            Line::from(Span::styled(
                format!(
                    "{} · {} {} · {} {}/{} {}",
                    m.name,
                    s.get(weekday_key(self.date.weekday())),
                    format_date(self.date),
                    s.get("modules.topic"),
                    self.topic,
                    m.cycle(),
                    m.topic_title(self.topic)
                ),
                ui.theme.title(),
            )),
            Line::from(Span::styled(
                s.fill("roster.count", &[("n", &self.rows.len().to_string()), ("cap", &m.capacity.to_string())]),
                ui.theme.dim(),
            )),
            Line::from(""),
        ];
        if self.rows.is_empty() {
            lines.push(Line::from(Span::styled(s.get("roster.empty"), ui.theme.dim())));
        }
        for (i, (p, mark)) in self.rows.iter().enumerate() {
            let name = caseload.by_id(*p).map_or_else(|| "?".to_string(), |x| x.listed_name());
            let m = mark.map_or("·".to_string(), |m| s.get(&format!("mark.{}", m.code())).to_string());
            let (cursor, style) = super::chosen(i == self.selected, ui);
            lines.push(Line::from(Span::styled(format!("{cursor} {name:<36} {m}"), style)));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}
