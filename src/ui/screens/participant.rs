//! The participant screen: the profile in sections, and tabs for what the trajectory records.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs, Wrap};

use crate::domain::participant::format_number;
use crate::domain::validate::format_date;
use crate::domain::{Participant, ParticipantId};
use crate::ui::keymap::Action;
use crate::ui::view::Ui;

/// The tabs of the participant screen. Later issues fill the ones after the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Profile,
    PositiveHealth,
    Goals,
    Contacts,
    Modules,
    Signals,
}

impl Tab {
    pub const ALL: [Tab; 6] =
        [Tab::Profile, Tab::PositiveHealth, Tab::Goals, Tab::Contacts, Tab::Modules, Tab::Signals];
    fn key(self) -> &'static str {
        match self {
            Tab::Profile => "tab.profile",
            Tab::PositiveHealth => "tab.positive_health",
            Tab::Goals => "tab.goals",
            Tab::Contacts => "tab.contacts",
            Tab::Modules => "tab.modules",
            Tab::Signals => "tab.signals",
        }
    }
}

pub struct ParticipantState {
    pub id: ParticipantId,
    pub tab: Tab,
    scroll: u16,
}

impl ParticipantState {
    pub fn new(id: ParticipantId) -> ParticipantState {
        ParticipantState { id, tab: Tab::Profile, scroll: 0 }
    }

    pub fn update(&mut self, action: Action) -> bool {
        let i = Tab::ALL.iter().position(|t| *t == self.tab).unwrap_or(0);
        match action {
            Action::NextTab => {
                self.tab = Tab::ALL[(i + 1) % Tab::ALL.len()];
                self.scroll = 0;
                true
            }
            Action::PrevTab => {
                self.tab = Tab::ALL[(i + Tab::ALL.len() - 1) % Tab::ALL.len()];
                self.scroll = 0;
                true
            }
            Action::Down => {
                self.scroll = self.scroll.saturating_add(1).min(60);
                true
            }
            Action::Up if self.scroll > 0 => {
                self.scroll -= 1;
                true
            }
            _ => false,
        }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, p: &Participant, today: NaiveDate) {
        let s = ui.strings;
        let [name_area, tabs_area, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let status = s.get(&format!("status.{}", p.status.code())).to_string();
        let name = Line::from(vec![
            Span::styled(p.listed_name(), ui.theme.title()),
            Span::raw(format!("  ·  {}  ·  {status}", format_number(p.number))),
        ]);
        frame.render_widget(Paragraph::new(name), name_area);
        let titles: Vec<String> = Tab::ALL.iter().map(|t| s.get(t.key()).to_string()).collect();
        let selected = Tab::ALL.iter().position(|t| *t == self.tab).unwrap_or(0);
        frame.render_widget(
            Tabs::new(titles).select(selected).highlight_style(ui.theme.selected()).divider("|"),
            tabs_area,
        );
        match self.tab {
            Tab::Profile => {
                let lines = profile_lines(p, ui, today);
                frame.render_widget(Paragraph::new(lines).scroll((self.scroll, 0)).wrap(Wrap { trim: false }), body);
            }
            other => {
                let text = s.fill("tab.not_recorded_yet", &[("tab", s.get(other.key()))]);
                frame.render_widget(Paragraph::new(text).style(ui.theme.dim()).wrap(Wrap { trim: true }), body);
            }
        }
    }
}

fn profile_lines(p: &Participant, ui: &Ui, today: NaiveDate) -> Vec<Line<'static>> {
    let s = ui.strings;
    let date = |d: Option<NaiveDate>| d.map(format_date).unwrap_or_else(|| "—".into());
    let text = |t: &str| if t.trim().is_empty() { "—".to_string() } else { t.to_string() };
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
                ("field.phone", text(&p.phone)),
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
    let width =
        sections.iter().flat_map(|(_, rows)| rows.iter().map(|(l, _)| s.get(l).chars().count())).max().unwrap_or(20)
            + 2;
    let mut lines = Vec::new();
    for (title, rows) in sections {
        lines.push(Line::from(Span::styled(format!("── {} ", s.get(title)), ui.theme.title())));
        for (label, value) in rows {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<width$}", s.get(label)), ui.theme.dim()),
                Span::raw(value),
            ]));
        }
    }
    lines
}
