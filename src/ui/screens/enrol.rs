//! Enrolling a participant in a module: type to find the module (fuzzy), Enter enrols.

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
use crate::domain::ParticipantId;
use crate::domain::fold::fold;
use crate::domain::module::ModuleId;
use crate::ui::keymap::Action;
use crate::ui::modules_data::ModuleData;
use crate::ui::theme::Ui;

pub struct EnrolState {
    pub participant: ParticipantId,
    pub name: String,
    input: Input,
    /// Module ids ranked for the query.
    hits: Vec<ModuleId>,
    selected: usize,
}

impl EnrolState {
    pub fn new(participant: ParticipantId, name: String, data: &ModuleData) -> EnrolState {
        let mut s = EnrolState { participant, name, input: Input::default(), hits: Vec::new(), selected: 0 };
        s.rank(data);
        s
    }

    fn rank(&mut self, data: &ModuleData) {
        let m = SkimMatcherV2::default().respect_case();
        let q = fold(self.input.value());
        let mut scored: Vec<(i64, &str, ModuleId)> = data
            .modules
            .iter()
            .filter_map(|x| {
                let hay = fold(&format!("{} {} {}", x.name, x.provider, x.location));
                let score = q.split_whitespace().try_fold(0, |acc, t| m.fuzzy_match(&hay, t).map(|s| acc + s))?;
                Some((score, x.name.as_str(), x.id))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        self.hits = scored.into_iter().map(|(_, _, id)| id).collect();
        self.selected = 0;
    }

    pub fn selected(&self) -> Option<ModuleId> {
        self.hits.get(self.selected).copied()
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

    pub fn type_key(&mut self, ev: &KeyEvent, data: &ModuleData) -> bool {
        let before = self.input.value().to_string();
        match self.input.handle_event(&Event::Key(*ev)) {
            Some(_) if self.input.value() != before => {
                self.rank(data);
                true
            }
            Some(c) => c.cursor,
            None => false,
        }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, data: &ModuleData) {
        let s = ui.strings;
        let [title, input, list] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(2), Constraint::Min(0)]).areas(area);
        frame.render_widget(
            Paragraph::new(Span::styled(s.fill("enrol.title", &[("name", &self.name)]), ui.theme.title())),
            title,
        );
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
            .filter_map(|(i, id)| {
                let m = data.module(*id)?;
                let style = if i == self.selected { ui.theme.selected() } else { ratatui::style::Style::default() };
                Some(Line::from(Span::styled(format!("  {:<34} {}  {}", m.name, when_label(m, ui), m.location), style)))
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list);
    }
}
