//! The participant screen: the profile in sections, and tabs for what the trajectory records.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs, Wrap};

use crate::domain::goal::{Goal, GoalStatus, sort_for_display};
use crate::domain::health::{Assessment, AssessmentId};
use crate::domain::module::EnrolmentStatus;
use crate::domain::participant::shown_number;
use crate::domain::validate::format_date;
use crate::domain::{Participant, ParticipantId};
use crate::ui::keymap::Action;
use crate::ui::modules_data::ModuleData;
use crate::ui::tab::Tab;
use crate::ui::theme::Ui;

/// Lines a page key scrolls a tab.
const PAGE: u16 = 10;
/// How far a tab scrolls before it was drawn once (its length is known only then).
const UNKNOWN_LENGTH: u16 = 60;

pub struct ParticipantState {
    pub id: ParticipantId,
    pub tab: Tab,
    scroll: u16,
    /// How far the tab on screen scrolls (its lines below the last screenful), as last drawn.
    max_scroll: std::cell::Cell<u16>,
    /// Positive Health assessments, oldest first.
    pub assessments: Vec<Assessment>,
    /// Goals in display order (open first, overdue on top).
    pub goals: Vec<Goal>,
    /// Selected assessment (index into `assessments`) and the ones marked for comparison.
    pub selected_assessment: usize,
    pub marked: Vec<usize>,
    pub selected_goal: usize,
    pub selected_enrolment: usize,
    /// Contacts, appointments, signals, referrals and the trajectory.
    pub day: crate::ui::day_data::DayRecords,
    /// Consent per scope and the access log (oldest first), and the selected consent scope.
    pub consents: Vec<crate::domain::privacy::Consent>,
    pub log: Vec<crate::domain::privacy::AccessEntry>,
    pub selected_scope: usize,
    /// The signal chosen on the signals tab (index into `day.signals`).
    pub selected_signal: usize,
    /// The appointment or contact chosen on the contacts tab (index into
    /// `participant_day::contact_items`).
    pub selected_day: usize,
}

impl ParticipantState {
    pub fn new(
        id: ParticipantId,
        assessments: Vec<Assessment>,
        goals: Vec<Goal>,
        today: NaiveDate,
    ) -> ParticipantState {
        let mut s = ParticipantState {
            id,
            tab: Tab::Profile,
            scroll: 0,
            max_scroll: std::cell::Cell::new(UNKNOWN_LENGTH),
            assessments: Vec::new(),
            goals: Vec::new(),
            selected_assessment: 0,
            marked: Vec::new(),
            selected_goal: 0,
            selected_enrolment: 0,
            day: Default::default(),
            consents: Vec::new(),
            log: Vec::new(),
            selected_scope: 0,
            selected_signal: 0,
            selected_day: 0,
        };
        s.set_records(assessments, goals, today);
        s
    }

    /// Puts fresh records in place after a save.
    pub fn set_records(&mut self, assessments: Vec<Assessment>, mut goals: Vec<Goal>, today: NaiveDate) {
        sort_for_display(&mut goals, today);
        self.assessments = assessments;
        self.goals = goals;
        // The newest conversation that counts is chosen (a withdrawn one is not the default).
        self.selected_assessment = self
            .assessments
            .iter()
            .rposition(|a| !a.is_withdrawn())
            .unwrap_or(self.assessments.len().saturating_sub(1));
        self.marked.clear();
        self.selected_goal = self.selected_goal.min(self.goals.len().saturating_sub(1));
    }

    /// The two assessments compared: the marked pair, else the selected one and the one before
    /// it. A withdrawn conversation is never compared: none when it is the one chosen, and the
    /// one before is the one before that counts.
    pub fn compared(&self) -> Option<(&Assessment, Option<&Assessment>)> {
        let counts = |i: usize| self.assessments.get(i).filter(|a| !a.is_withdrawn());
        if let [a, b] = self.marked[..]
            && let (Some(x), Some(y)) = (counts(a), counts(b))
        {
            return Some(if x.date <= y.date { (y, Some(x)) } else { (x, Some(y)) });
        }
        let cur = counts(self.selected_assessment)?;
        let before = self.assessments.get(..self.selected_assessment).unwrap_or_default();
        let prev = before.iter().rev().find(|a| !a.is_withdrawn());
        Some((cur, prev))
    }

    /// The conversation chosen on the Positive Health tab.
    pub fn selected_assessment(&self) -> Option<&Assessment> {
        self.assessments.get(self.selected_assessment)
    }

    /// Chooses the conversation `id` (after it was corrected or withdrawn), if it is listed.
    pub fn select_assessment(&mut self, id: AssessmentId) {
        if let Some(i) = self.assessments.iter().position(|a| a.id == id) {
            self.selected_assessment = i;
        }
    }

    pub fn selected_goal(&self) -> Option<&Goal> {
        self.goals.get(self.selected_goal)
    }

    pub fn update(&mut self, action: Action) -> bool {
        let i = Tab::ALL.iter().position(|t| *t == self.tab).unwrap_or(0);
        match (self.tab, action) {
            (Tab::PositiveHealth, Action::Up) if self.selected_assessment > 0 => {
                self.selected_assessment -= 1;
                return true;
            }
            (Tab::PositiveHealth, Action::Down) if self.selected_assessment + 1 < self.assessments.len() => {
                self.selected_assessment += 1;
                return true;
            }
            (Tab::PositiveHealth, Action::MarkCompare) if !self.assessments.is_empty() => {
                let i = self.selected_assessment;
                if let Some(pos) = self.marked.iter().position(|&m| m == i) {
                    self.marked.remove(pos);
                } else {
                    if self.marked.len() == 2 {
                        self.marked.remove(0);
                    }
                    self.marked.push(i);
                }
                return true;
            }
            (Tab::Goals, Action::Up) if self.selected_goal > 0 => {
                self.selected_goal -= 1;
                return true;
            }
            (Tab::Goals, Action::Down) if self.selected_goal + 1 < self.goals.len() => {
                self.selected_goal += 1;
                return true;
            }
            (Tab::PositiveHealth | Tab::Goals, Action::Up | Action::Down | Action::MarkCompare) => {
                return false;
            }
            _ => {}
        }
        match action {
            Action::NextTab => {
                self.show_tab(Tab::ALL[(i + 1) % Tab::ALL.len()]);
                true
            }
            Action::PrevTab => {
                self.show_tab(Tab::ALL[(i + Tab::ALL.len() - 1) % Tab::ALL.len()]);
                true
            }
            Action::Down | Action::PageDown | Action::Last => {
                let step = match action {
                    Action::Down => 1,
                    Action::PageDown => PAGE,
                    _ => u16::MAX,
                };
                let to = self.scroll.saturating_add(step).min(self.max_scroll.get());
                let moved = to != self.scroll;
                self.scroll = to;
                moved
            }
            Action::Up | Action::PageUp | Action::First if self.scroll > 0 => {
                let step = match action {
                    Action::Up => 1,
                    Action::PageUp => PAGE,
                    _ => u16::MAX,
                };
                self.scroll = self.scroll.saturating_sub(step);
                true
            }
            _ => false,
        }
    }

    /// Shows `tab` from its top: a scroll position belongs to the tab it was made on.
    pub fn show_tab(&mut self, tab: Tab) {
        self.tab = tab;
        self.scroll = 0;
        self.max_scroll.set(UNKNOWN_LENGTH);
    }

    /// `lines` as a wrapped paragraph at the scroll position; notes how far they scroll in `area`.
    pub(super) fn scrolled<'a>(&self, lines: Vec<Line<'a>>, area: Rect) -> Paragraph<'a> {
        let p = Paragraph::new(lines).wrap(Wrap { trim: false });
        let below = p.line_count(area.width).saturating_sub(usize::from(area.height));
        self.max_scroll.set(u16::try_from(below).unwrap_or(u16::MAX));
        p.scroll((self.scroll.min(self.max_scroll.get()), 0))
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, p: &Participant, data: &ModuleData, today: NaiveDate) {
        let s = ui.strings;
        let [name_area, tabs_area, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let status = s.get(&format!("status.{}", p.status.code())).to_string();
        let name = Line::from(vec![
            Span::styled(p.listed_name(), ui.theme.title()),
            Span::raw(format!("  ·  {}  ·  {status}", shown_number(p.number, s.get("participant.number_pending")))),
        ]);
        frame.render_widget(Paragraph::new(name), name_area);
        // Every tab always in sight: short names when the whole ones do not fit (60 columns).
        let titles = |short: bool| -> Vec<String> {
            Tab::ALL
                .iter()
                .map(|t| {
                    s.get(&if short { t.key().replace("tab.", "tab_short.") } else { t.key().to_string() }).to_string()
                })
                .collect()
        };
        // Whole names with "|" between, then short ones, then short ones one space apart.
        let fits = |t: &[String], spaced: bool| {
            let per = if spaced { 3 } else { 1 };
            t.iter().map(|x| x.chars().count() + per).sum::<usize>() <= usize::from(tabs_area.width)
        };
        let (titles, spaced) = if fits(&titles(false), true) {
            (titles(false), true)
        } else if fits(&titles(true), true) {
            (titles(true), true)
        } else {
            (titles(true), false)
        };
        let (divider, padding) = if spaced { ("|", " ") } else { (" ", "") };
        let selected = Tab::ALL.iter().position(|t| *t == self.tab).unwrap_or(0);
        frame.render_widget(
            Tabs::new(titles)
                .select(selected)
                .highlight_style(ui.theme.selected())
                .divider(divider)
                .padding(padding, padding),
            tabs_area,
        );
        match self.tab {
            Tab::Profile => {
                let mut lines = super::participant_day::trajectory_lines(ui, &self.day, today, body.width);
                lines.extend(profile_lines(p, ui, today, body.width));
                frame.render_widget(self.scrolled(lines, body), body);
            }
            Tab::PositiveHealth => self.render_health(frame, body, ui),
            Tab::Goals => self.render_goals(frame, body, ui, today),
            Tab::Modules => self.render_modules(frame, body, ui, data, today),
            Tab::Contacts => {
                let (lines, at) =
                    super::participant_day::contact_lines(ui, &self.day, today, self.selected_day, body.width);
                // Scrolled so the chosen item and the lines under it (its summary) stay in sight.
                let before = Paragraph::new(lines[..at.min(lines.len())].to_vec()).wrap(Wrap { trim: false });
                let top = before.line_count(body.width);
                let offset = (top + 3).saturating_sub(usize::from(body.height));
                let p = Paragraph::new(lines).wrap(Wrap { trim: false });
                frame.render_widget(p.scroll((u16::try_from(offset).unwrap_or(u16::MAX), 0)), body);
            }
            Tab::Signals => {
                let lines =
                    super::participant_day::signal_lines(ui, &self.day, self.selected_signal, today, body.width);
                frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
            }
            Tab::Privacy => super::privacy::render_tab(frame, body, ui, &self.consents, &self.log, self.selected_scope),
        }
    }
}

impl ParticipantState {
    fn render_modules(&self, frame: &mut Frame, area: Rect, ui: &Ui, data: &ModuleData, today: NaiveDate) {
        let s = ui.strings;
        let mine = data.enrolments_of(self.id);
        if mine.is_empty() {
            frame.render_widget(
                Paragraph::new(s.get("modules.none")).style(ui.theme.dim()).wrap(Wrap { trim: true }),
                area,
            );
            return;
        }
        let mut lines = Vec::new();
        for (i, e) in mine.iter().enumerate() {
            let Some(m) = data.module(e.module) else {
                continue;
            };
            let sched = data.schedule(m, today);
            let Some(p) = sched.progress.get(&e.id) else {
                continue;
            };
            // Enrolled with a place but before the first session: not "waiting for a place".
            let code = match p.status {
                EnrolmentStatus::Waiting if p.waiting_place.is_none() => "seated",
                other => other.code(),
            };
            let status = s.get(&format!("enrolment.{code}")).to_string();
            let style =
                if i == self.selected_enrolment { ui.theme.selected() } else { ratatui::style::Style::default() };
            let progress =
                s.fill("modules.progress", &[("k", &p.attended.len().to_string()), ("n", &m.cycle().to_string())]);
            lines.push(Line::from(Span::styled(format!("{} · {status} · {progress}", m.name), style)));
            let mut facts = vec![super::modules::when_label(m, ui)];
            match p.status {
                EnrolmentStatus::Waiting => {
                    if let Some(place) = p.waiting_place {
                        facts.push(s.fill("modules.waiting_place", &[("place", &place.to_string())]));
                    }
                    if let Some(d) = sched.rosters.iter().find(|(_, r)| r.contains(&e.id)).map(|(d, _)| *d) {
                        facts.push(s.fill("modules.starts", &[("date", &format_date(d))]));
                    }
                }
                EnrolmentStatus::Active => {
                    if let Some(d) =
                        sched.rosters.iter().find(|(d, r)| **d > today && r.contains(&e.id)).map(|(d, _)| *d)
                    {
                        facts.push(s.fill("modules.next", &[("date", &format_date(d))]));
                    }
                    if let Some(d) = p.expected_completion {
                        facts.push(s.fill("modules.expected", &[("date", &format_date(d))]));
                    }
                }
                EnrolmentStatus::Completed => {
                    if let Some(d) = p.completed {
                        facts.push(s.fill("modules.completed_on", &[("date", &format_date(d))]));
                    }
                }
                EnrolmentStatus::Stopped => {
                    if let Some(d) = e.stopped_on {
                        facts.push(s.fill("modules.stopped_on", &[("date", &format_date(d))]));
                    }
                }
            }
            lines.push(Line::from(Span::styled(format!("    {}", facts.join(" · ")), ui.theme.dim())));
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }

    fn render_goals(&self, frame: &mut Frame, area: Rect, ui: &Ui, today: NaiveDate) {
        let s = ui.strings;
        if self.goals.is_empty() {
            frame.render_widget(
                Paragraph::new(s.get("goal.none")).style(ui.theme.dim()).wrap(Wrap { trim: true }),
                area,
            );
            return;
        }
        let mut lines: Vec<Line> = Vec::new();
        let mut selected_line = 0;
        for (i, g) in self.goals.iter().enumerate() {
            if i == self.selected_goal {
                selected_line = lines.len();
            }
            let overdue =
                if g.is_overdue(today) { format!("⚠ {} · ", s.get("goal.overdue")) } else { String::new() };
            let style = if i == self.selected_goal { ui.theme.selected() } else { ratatui::style::Style::default() };
            lines.push(Line::from(Span::styled(format!("{overdue}{}", g.text), style)));
            // An open goal's status date is when it was set; a closed one's when it was reached or changed.
            let status = s.get(&format!("goal_status.{}", g.status.code())).to_string();
            let status =
                if g.status == GoalStatus::Open { status } else { format!("{status} {}", format_date(g.status_date)) };
            // The target date early in the line: at 80 columns the end of a long line is cut, and
            // the steps are listed below it anyway.
            let mut facts = vec![s.get(&format!("area.{}", g.area.code())).to_string()];
            if let Some(t) = g.target {
                facts.push(format!("{} {}", s.get("goal.target_short"), format_date(t)));
            }
            facts.push(status);
            let (done, total) = g.steps_done();
            if total > 0 {
                facts.push(s.fill("goal.steps_done", &[("done", &done.to_string()), ("total", &total.to_string())]));
            }
            // Wrapped under the goal rather than cut: "2 van 3 stappen" stays whole at 60 columns.
            lines.extend(super::text_lines(vec![Span::raw("    ")], &facts.join(" · "), 4, ui.theme.dim(), area.width));
            for (n, step) in g.steps.iter().enumerate() {
                lines.push(Line::from(format!("    {} [{}] {}", n + 1, if step.done { "x" } else { " " }, step.text)));
            }
        }
        let offset = (selected_line + 4).saturating_sub(area.height as usize) as u16;
        frame.render_widget(Paragraph::new(lines).scroll((offset, 0)), area);
    }
}

fn profile_lines(p: &Participant, ui: &Ui, today: NaiveDate, width: u16) -> Vec<Line<'static>> {
    let s = ui.strings;
    let date = |d: Option<NaiveDate>| d.map(format_date).unwrap_or_else(|| "—".into());
    let text = |t: &str| {
        if t.trim().is_empty() { "—".to_string() } else { t.to_string() }
    };
    let born = match (p.date_of_birth, p.age_on(today)) {
        (Some(d), Some(age)) => format!("{} ({})", format_date(d), s.fill("profile.age", &[("n", &age.to_string())])),
        (d, _) => date(d),
    };
    let address = {
        let street = format!("{} {}", p.address.street, p.address.house_number).trim().to_string();
        let pc = p.address.postcode.as_ref().map(|c| c.to_string()).unwrap_or_default();
        let place = format!("{pc}  {}", p.address.place).trim().to_string();
        [street, place].into_iter().filter(|x| !x.is_empty()).collect::<Vec<_>>().join(", ")
    };
    let sections: Vec<(&str, Vec<(&str, String)>)> = vec![
        (
            "section.person",
            vec![
                ("field.given_names", text(&p.given_names)),
                ("field.prefix", text(&p.prefix)),
                ("field.family_name", text(&p.family_name)),
                ("field.date_of_birth", born),
                ("field.gender", s.get(&format!("gender.{}", p.gender.code())).to_string()),
            ],
        ),
        (
            "section.contact",
            vec![
                ("field.phone", text(&crate::domain::validate::shown_phone(&p.phone))),
                ("field.email", text(&p.email)),
                ("profile.address", text(&address)),
                ("field.neighbourhood", text(&p.neighbourhood)),
                ("field.municipality", text(&p.municipality)),
            ],
        ),
        (
            "section.trajectory",
            vec![
                ("field.status", s.get(&format!("status.{}", p.status.code())).to_string()),
                ("field.coach", text(&p.coach)),
                ("profile.referral", format!("{} · {}", text(&p.referral.source), date(p.referral.date))),
                ("field.start_date", date(p.start_date)),
                ("field.planned_end_date", date(p.planned_end_date)),
            ],
        ),
        (
            "section.other",
            vec![
                ("field.language_needs", text(&p.language_needs)),
                ("field.interpreter", s.get(if p.interpreter { "common.yes" } else { "common.no" }).to_string()),
                ("field.notes", text(&p.notes)),
                ("profile.esf", esf_summary(p, s)),
                (
                    "profile.record",
                    s.fill(
                        "profile.record_dates",
                        &[
                            ("created", &format_date(p.created_at.date_naive())),
                            ("updated", &format_date(p.updated_at.date_naive())),
                        ],
                    ),
                ),
            ],
        ),
    ];
    let label_width =
        sections.iter().flat_map(|(_, rows)| rows.iter().map(|(l, _)| s.get(l).chars().count())).max().unwrap_or(20)
            + 2;
    let mut lines = Vec::new();
    for (title, rows) in sections {
        lines.push(Line::from(Span::styled(format!("── {} ", s.get(title)), ui.theme.title())));
        for (label, value) in rows {
            // The notes may run over several lines: each next one under the first.
            let head = vec![Span::styled(format!("  {:<label_width$}", s.get(label)), ui.theme.dim())];
            lines.extend(super::text_lines(head, &value, label_width + 2, ratatui::style::Style::default(), width));
        }
    }
    lines
}

/// The ESF+ entry characteristics on one line: "langdurig werkloos · ISCED 0-2 · beperking: nee".
fn esf_summary(p: &Participant, s: &crate::i18n::Strings) -> String {
    let e = p.esf_entry;
    let yn = |label: &str, a: crate::domain::esf::YesNo| format!("{}: {}", s.get(label).to_lowercase(), s.get(a.key()));
    [
        s.get(e.labour.key()).to_string(),
        s.get(e.education.key()).split(" (").next().unwrap_or_default().to_string(),
        yn("report.esf.disability", e.disability),
        yn("report.esf.foreign_background", e.foreign_background),
        yn("report.esf.homeless", e.homeless),
    ]
    .join(" · ")
}
