//! Enrolling a participant in a module, from either side: on the participant, type to find the
//! module; on a module's page, type to find the participant (both fuzzy). Enter enrols (a full
//! module puts them on its waitlist).

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::modules::when_label;
use super::step;
use crate::domain::fold::fold;
use crate::domain::module::ModuleId;
use crate::domain::participant::format_number;
use crate::domain::{ParticipantId, Status};
use crate::ui::caseload::Caseload;
use crate::ui::keymap::Action;
use crate::ui::modules_data::ModuleData;
use crate::ui::theme::Ui;

pub use crate::ui::layer::EnrolTarget as Target;

pub struct EnrolState {
    pub target: Target,
    input: Input,
    /// The other side's ids ranked for the query: modules, or participants' places in the caseload.
    hits: Vec<Hit>,
    selected: usize,
}

#[derive(Debug, Clone, Copy)]
enum Hit {
    Module(ModuleId),
    Person(ParticipantId),
}

/// The fuzzy score of every term of the folded query `q` in `hay`, `None` when one is missing.
fn score(m: &SkimMatcherV2, hay: &str, q: &str) -> Option<i64> {
    q.split_whitespace().try_fold(0, |acc, t| m.fuzzy_match(hay, t).map(|s| acc + s))
}

impl EnrolState {
    pub fn new(target: Target, data: &ModuleData, caseload: &Caseload) -> EnrolState {
        let mut s = EnrolState { target, input: Input::default(), hits: Vec::new(), selected: 0 };
        s.rank(data, caseload);
        s
    }

    fn rank(&mut self, data: &ModuleData, caseload: &Caseload) {
        let m = SkimMatcherV2::default().respect_case();
        let q = fold(self.input.value());
        let mut scored: Vec<(i64, String, Hit)> = match self.target {
            Target::Participant(..) => data
                .modules
                .iter()
                .filter_map(|x| {
                    let hay = fold(&format!("{} {} {}", x.name, x.provider, x.location));
                    Some((score(&m, &hay, &q)?, x.name.clone(), Hit::Module(x.id)))
                })
                .collect(),
            // People with a running trajectory: a closed one is enrolled in nothing.
            Target::Module(..) => caseload
                .people()
                .iter()
                .filter(|p| p.status != Status::Closed)
                .filter_map(|p| {
                    let hay = fold(&format!("{} {}", p.listed_name(), format_number(p.number)));
                    Some((score(&m, &hay, &q)?, fold(&p.listed_name()), Hit::Person(p.id)))
                })
                .collect(),
        };
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        self.hits = scored.into_iter().map(|(_, _, id)| id).collect();
        self.selected = 0;
    }

    /// The participant and module the selected line enrols.
    pub fn selected(&self) -> Option<(ParticipantId, ModuleId)> {
        match (&self.target, self.hits.get(self.selected)?) {
            (Target::Participant(p, _), Hit::Module(m)) => Some((*p, *m)),
            (Target::Module(m, _), Hit::Person(p)) => Some((*p, *m)),
            _ => None,
        }
    }

    pub fn update(&mut self, action: Action) -> bool {
        let before = self.selected;
        match action {
            Action::Up => self.selected = step(self.selected, self.hits.len(), -1),
            Action::Down => self.selected = step(self.selected, self.hits.len(), 1),
            _ => {}
        }
        before != self.selected
    }

    pub fn type_key(&mut self, ev: &KeyEvent, data: &ModuleData, caseload: &Caseload) -> bool {
        let before = self.input.value().to_string();
        match self.input.handle_event(&Event::Key(*ev)) {
            Some(_) if self.input.value() != before => {
                self.rank(data, caseload);
                true
            }
            Some(c) => c.cursor,
            None => false,
        }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, data: &ModuleData, caseload: &Caseload) {
        let s = ui.strings;
        let [title, input, list] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(2), Constraint::Min(0)]).areas(area);
        let heading = match &self.target {
            Target::Participant(_, name) => s.fill("enrol.title", &[("name", name)]),
            Target::Module(_, name) => s.fill("enrol.title_module", &[("module", name)]),
        };
        frame.render_widget(Paragraph::new(Span::styled(heading, ui.theme.title())), title);
        let prompt = format!("{} ", s.get("search.prompt"));
        let pw = prompt.chars().count() as u16;
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::raw(prompt),
                Span::styled(self.input.value().to_string(), ui.theme.input()),
            ])),
            input,
        );
        frame.set_cursor_position(Position::new(
            (input.x + pw + self.input.visual_cursor() as u16).min(input.right().saturating_sub(1)),
            input.y,
        ));
        let lines: Vec<Line> = self
            .hits
            .iter()
            .enumerate()
            .filter_map(|(i, hit)| {
                let style = if i == self.selected { ui.theme.selected() } else { ratatui::style::Style::default() };
                let text = match hit {
                    Hit::Module(id) => {
                        let m = data.module(*id)?;
                        format!("  {:<34} {}  {}", m.name, when_label(m, ui), m.location)
                    }
                    Hit::Person(id) => {
                        let p = caseload.by_id(*id)?;
                        let status = s.get(&format!("status.{}", p.status.code())).to_string();
                        format!("  {:<34} {}  {status}", p.listed_name(), format_number(p.number))
                    }
                };
                Some(Line::from(Span::styled(text, style)))
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list);
    }
}
