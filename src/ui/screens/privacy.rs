//! Privacy on screen: the participant's consent and access log, and the retention list.

use chrono::{Local, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::domain::ParticipantId;
use crate::domain::participant::shown_number;
use crate::domain::privacy::{AccessAction, AccessEntry, Consent, ConsentScope, past_retention};
use crate::domain::trajectory::Trajectory;
use crate::domain::validate::format_date;
use crate::ui::caseload::Caseload;
use crate::ui::keymap::Action;
use crate::ui::layer::{Ctx, Effect, Input, Outcome};
use crate::ui::tab::Tab;
use crate::ui::theme::Ui;

/// The consent per scope, then the access log newest first.
pub fn render_tab(frame: &mut Frame, area: Rect, ui: &Ui, consents: &[Consent], log: &[AccessEntry], selected: usize) {
    let s = ui.strings;
    let mut lines = vec![Line::from(Span::styled(s.get("privacy.consent_title"), ui.theme.title()))];
    for (i, scope) in ConsentScope::ALL.iter().enumerate() {
        let state = match consents.iter().find(|c| c.scope == *scope) {
            Some(c) => match c.withdrawn_on {
                None => s.fill("privacy.given", &[("date", &format_date(c.given_on)), ("coach", &c.coach)]),
                Some(w) => s.fill("privacy.withdrawn", &[("date", &format_date(w)), ("coach", &c.coach)]),
            },
            None => s.get("privacy.not_recorded").to_string(),
        };
        let marker = if i == selected { "▸ " } else { "  " };
        let style = if i == selected { ui.theme.selected() } else { crate::ui::theme::Theme::plain() };
        lines.push(Line::from(vec![
            Span::styled(format!("{marker}{:<34}", s.get(scope.key())), style),
            Span::raw(state),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(s.get("privacy.log_title"), ui.theme.title())));
    let [top, rest] = Layout::vertical([Constraint::Length(lines.len() as u16), Constraint::Min(0)]).areas(area);
    frame.render_widget(Paragraph::new(lines), top);
    // Each entry whole: what changed, old → new, wraps under itself rather than off the screen.
    let log_lines: Vec<Line> = log
        .iter()
        .rev()
        .flat_map(|e| {
            let at = e.at.with_timezone(&Local);
            let head = vec![
                Span::styled(format!("{} {}  ", format_date(at.date_naive()), at.format("%H:%M")), ui.theme.dim()),
                Span::raw(format!("{:<16} ", super::fit(&e.coach, 16))),
            ];
            super::text_lines(head, &describe(ui, &e.action), 35, crate::ui::theme::Theme::plain(), rest.width)
        })
        .take(rest.height as usize)
        .collect();
    let log_lines = if log_lines.is_empty() { vec![Line::raw(s.get("privacy.log_empty"))] } else { log_lines };
    frame.render_widget(Paragraph::new(log_lines), rest);
}

/// One log line in words: "gewijzigd: telefoon (06-1 → 06-2), notities".
pub fn describe(ui: &Ui, action: &AccessAction) -> String {
    let s = ui.strings;
    match action {
        AccessAction::Opened => s.get("privacy.opened").to_string(),
        AccessAction::Created => s.get("privacy.created").to_string(),
        AccessAction::Exported => s.get("privacy.exported").to_string(),
        AccessAction::CaseloadExported => s.get("privacy.caseload_exported").to_string(),
        AccessAction::EsfListed => s.get("privacy.esf_listed").to_string(),
        AccessAction::ChartExported => s.get("privacy.chart_exported").to_string(),
        AccessAction::Recorded(what) => s.fill("privacy.recorded", &[("what", s.get(&format!("record.{what}")))]),
        AccessAction::ConsentGiven(scope) => s.fill("privacy.consent_given", &[("scope", s.get(scope.key()))]),
        AccessAction::ConsentWithdrawn(scope) => s.fill("privacy.consent_withdrawn", &[("scope", s.get(scope.key()))]),
        AccessAction::Changed(fields) => {
            let list: Vec<String> = fields
                .iter()
                .map(|f| {
                    let name = s.get(&format!("field.{}", f.field)).trim_end_matches(':').to_string();
                    if f.field == "notes" {
                        name
                    } else {
                        format!("{name} ({} → {})", super::fit(&f.old, 40), super::fit(&f.new, 40))
                    }
                })
                .collect();
            s.fill("privacy.changed", &[("fields", &list.join(", "))])
        }
    }
}

/// A person whose trajectory closed longer ago than the retention period.
#[derive(Debug, Clone)]
pub struct RetentionRow {
    pub id: ParticipantId,
    pub closed_on: NaiveDate,
}

pub struct RetentionState {
    pub rows: Vec<RetentionRow>,
    pub selected: usize,
    pub months: u32,
}

impl RetentionState {
    pub fn new(trajectories: &[Trajectory], caseload: &Caseload, months: u32, today: NaiveDate) -> RetentionState {
        let mut rows: Vec<RetentionRow> = trajectories
            .iter()
            .filter_map(|t| t.closing.as_ref().map(|c| (t.participant, c.end_date)))
            .filter(|(id, closed)| {
                past_retention(*closed, months, today)
                    && caseload.by_id(*id).is_some_and(|p| p.status == crate::domain::Status::Closed)
            })
            .map(|(id, closed_on)| RetentionRow { id, closed_on })
            .collect();
        rows.sort_by_key(|r| r.closed_on);
        RetentionState { rows, selected: 0, months }
    }

    pub fn move_by(&mut self, delta: i32) {
        let last = self.rows.len().saturating_sub(1) as i64;
        self.selected = (self.selected as i64 + i64::from(delta)).clamp(0, last.max(0)) as usize;
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, caseload: &Caseload) {
        let s = ui.strings;
        let mut lines = vec![
            Line::from(Span::styled(
                s.fill("retention.title", &[("months", &self.months.to_string())]),
                ui.theme.title(),
            )),
            Line::raw(""),
        ];
        if self.rows.is_empty() {
            lines.push(Line::raw(s.get("retention.empty")));
        }
        for (i, r) in self.rows.iter().enumerate().take(area.height.saturating_sub(2) as usize) {
            let name = caseload.by_id(r.id).map(|p| (p.listed_name(), p.number)).unwrap_or_default();
            let style = if i == self.selected { ui.theme.selected() } else { crate::ui::theme::Theme::plain() };
            lines.push(Line::from(Span::styled(
                format!(
                    "{:<6} {:<34} {}",
                    shown_number(name.1, s.get("participant.number_pending_short")),
                    super::fit(&name.0, 34),
                    s.fill("retention.closed_on", &[("date", &format_date(r.closed_on))])
                ),
                style,
            )));
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}

impl RetentionState {
    /// The retention list's answer: choose a row, open that person at the privacy tab.
    pub fn handle(&mut self, input: Input, _ctx: &mut Ctx) -> Outcome {
        match input.action {
            Some(Action::Open) => match self.rows.get(self.selected) {
                Some(row) => Outcome::one(Effect::Open { participant: row.id, tab: Some(Tab::Privacy) }),
                None => Outcome::Unchanged,
            },
            Some(a @ (Action::Up | Action::Down)) => {
                self.move_by(if a == Action::Down { 1 } else { -1 });
                Outcome::done()
            }
            Some(Action::Back) => Outcome::one(Effect::PopScreen),
            _ => Outcome::Ignored,
        }
    }
}
