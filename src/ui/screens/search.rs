//! Instant search: every keystroke re-ranks the caseload; matched characters are highlighted.

use crate::ui::layer::{Ctx, Effect, Input as KeyInput, Outcome};
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::scroll_offset;
use crate::domain::ParticipantId;
use crate::domain::search::{Hit, Part};
use crate::domain::validate::format_date;
use crate::ui::caseload::Caseload;
use crate::ui::keymap::Action;
use crate::ui::theme::Ui;

/// How many ranked hits are kept for the list (the count shows them all).
const SHOWN: usize = 500;

pub struct SearchState {
    input: Input,
    total: usize,
    hits: Vec<Hit>,
    selected: usize,
    /// A person was opened from these results: back here, `/` starts a new search (as it does
    /// everywhere else) instead of typing a slash into the old query.
    opened: bool,
}

impl SearchState {
    pub fn new(caseload: &mut Caseload) -> SearchState {
        let mut s = SearchState { input: Input::default(), total: 0, hits: Vec::new(), selected: 0, opened: false };
        s.rerank(caseload);
        s
    }

    pub fn query(&self) -> &str {
        self.input.value()
    }

    fn rerank(&mut self, caseload: &mut Caseload) {
        let (total, hits) = caseload.search().search(self.input.value(), SHOWN);
        self.total = total;
        self.hits = hits;
        self.selected = 0;
    }

    /// Re-ranks after a saved change elsewhere (the index was rebuilt).
    pub fn refresh(&mut self, caseload: &mut Caseload) {
        let keep = self.selected;
        self.rerank(caseload);
        self.selected = keep.min(self.hits.len().saturating_sub(1));
    }

    pub fn selected_id(&self, caseload: &Caseload) -> Option<ParticipantId> {
        let hit = self.hits.get(self.selected)?;
        let e = caseload.search_ready()?.entry(hit.entry)?;
        caseload.get(e.index).map(|p| p.id)
    }

    pub fn update(&mut self, action: Action) -> bool {
        super::navigate(&mut self.selected, self.hits.len(), action)
    }

    /// A key typed into the query; re-ranks when the text changed.
    pub fn type_key(&mut self, ev: &KeyEvent, caseload: &mut Caseload) -> bool {
        let before = self.input.value().to_string();
        match self.input.handle_event(&Event::Key(*ev)) {
            Some(_) if self.input.value() != before => {
                self.rerank(caseload);
                true
            }
            Some(c) => c.cursor,
            None => false,
        }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, caseload: &Caseload) {
        let s = ui.strings;
        let [input_area, count_area, table_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let prompt = format!("{} ", s.get("search.prompt"));
        let pw = prompt.chars().count() as u16;
        frame.render_widget(Paragraph::new(Span::styled(prompt, ui.theme.title())), input_area);
        let field = Rect {
            x: input_area.x + pw.min(input_area.width),
            width: input_area.width.saturating_sub(pw),
            ..input_area
        };
        let scroll = self.input.visual_scroll(field.width.saturating_sub(1) as usize);
        let shown: String = self.input.value().chars().skip(scroll).collect();
        frame.render_widget(Paragraph::new(shown).style(ui.theme.input()), field);
        if field.width > 0 {
            let x = self.input.visual_cursor().saturating_sub(scroll) as u16;
            frame.set_cursor_position(Position::new(field.x + x.min(field.width - 1), field.y));
        }
        let count = if self.total > self.hits.len() {
            s.fill("search.count_more", &[("n", &self.total.to_string()), ("shown", &self.hits.len().to_string())])
        } else {
            s.fill("search.count", &[("n", &self.total.to_string())])
        };
        frame.render_widget(Paragraph::new(count).style(ui.theme.dim()), count_area);

        let height = table_area.height.saturating_sub(1) as usize;
        let offset = scroll_offset(self.selected, height);
        let q = self.input.value();
        let Some(index) = caseload.search_ready() else {
            return;
        };
        let widths = [
            Constraint::Length(6),
            Constraint::Min(20),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(8),
            Constraint::Length(11),
        ];
        let cols = super::column_widths(table_area.width, &widths);
        let rows = self.hits.iter().enumerate().skip(offset).take(height).filter_map(|(n, hit)| {
            let e = index.entry(hit.entry)?;
            // A row only for someone still in the caseload the index was built from.
            let p = caseload.get(e.index)?;
            let marks = index.highlights(hit.entry, q);
            let cell = |part: Part, text: &str| -> Line<'static> {
                let col = match part {
                    Part::Number => 0,
                    Part::Name => 1,
                    Part::Born => 2,
                    Part::Postcode => 4,
                    Part::Phone => 5,
                };
                let width = cols.get(col).map_or(usize::MAX, |w| usize::from(*w));
                highlighted(text, part, &marks, ui.theme.matched(), width)
            };
            let row = Row::new(vec![
                // A person waiting for a number has none to match; the column says so.
                if e.number.is_empty() {
                    Line::from(s.get("participant.number_pending_short").to_string())
                } else {
                    cell(Part::Number, &e.number)
                },
                cell(Part::Name, &e.name),
                cell(Part::Born, &e.born.map(format_date).unwrap_or_default()),
                // A closed trajectory is told apart from a running one.
                Line::from(s.get(&format!("status.{}", p.status.code())).to_string()),
                cell(Part::Postcode, &e.postcode),
                phone_cell(
                    &p.phone,
                    &e.phone,
                    &marks,
                    ui.theme.matched(),
                    cols.get(5).map_or(usize::MAX, |w| usize::from(*w)),
                ),
            ]);
            Some(if n == self.selected { row.style(ui.theme.selected()) } else { row })
        });
        let header = Row::new(vec![
            s.get("col.number"),
            s.get("col.name"),
            s.get("col.born"),
            s.get("col.status"),
            s.get("col.postcode"),
            s.get("col.phone"),
        ])
        .style(ui.theme.dim());
        frame.render_widget(Table::new(rows, widths).header(header), table_area);
    }
}

/// The text with the matched characters of `part` styled, in at most `width` columns (cut with
/// "…" when longer).
/// The phone number in the notation shown everywhere (`06 12345678`), with the digits the query
/// matched in the index's digits-only copy (`indexed`) marked where they stand in it.
fn phone_cell(stored: &str, indexed: &str, marks: &[(Part, usize)], style: Style, width: usize) -> Line<'static> {
    let shown = crate::domain::validate::shown_phone(stored);
    if !shown.chars().filter(char::is_ascii_digit).eq(indexed.chars()) {
        return highlighted(indexed, Part::Phone, marks, style, width);
    }
    let mut digit = 0;
    let mut moved = Vec::new();
    for (i, c) in shown.chars().enumerate() {
        if c.is_ascii_digit() {
            if marks.contains(&(Part::Phone, digit)) {
                moved.push((Part::Phone, i));
            }
            digit += 1;
        }
    }
    highlighted(&shown, Part::Phone, &moved, style, width)
}

fn highlighted(text: &str, part: Part, marks: &[(Part, usize)], style: Style, width: usize) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_marked = false;
    let count = text.chars().count();
    let keep = if count > width { width.saturating_sub(1) } else { count };
    for (i, c) in text.chars().enumerate().take(keep) {
        let marked = marks.contains(&(part, i));
        if marked != run_marked && !run.is_empty() {
            let t = std::mem::take(&mut run);
            spans.push(if run_marked { Span::styled(t, style) } else { Span::raw(t) });
        }
        run_marked = marked;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(if run_marked { Span::styled(run, style) } else { Span::raw(run) });
    }
    if keep < count && width > 0 {
        spans.push(Span::raw("…"));
    }
    Line::from(spans)
}

impl SearchState {
    /// The search screen's answer: bound actions, or a key typed into the query.
    pub fn handle(&mut self, input: KeyInput, ctx: &mut Ctx) -> Outcome {
        let back_from_person = std::mem::take(&mut self.opened);
        let slash = input.key.code == KeyCode::Char('/') && !input.key.modifiers.contains(KeyModifiers::CONTROL);
        if back_from_person && slash && input.action.is_none() {
            let cleared = !self.input.value().is_empty();
            self.input.reset();
            self.rerank(ctx.caseload);
            return if cleared { Outcome::done() } else { Outcome::Unchanged };
        }
        let changed = match input.action {
            Some(Action::Back) => return Outcome::one(Effect::PopScreen),
            Some(Action::Open) => {
                return match self.selected_id(ctx.caseload) {
                    Some(participant) => {
                        self.opened = true;
                        Outcome::one(Effect::Open { participant, tab: None })
                    }
                    None => Outcome::Unchanged,
                };
            }
            Some(a @ (Action::Up | Action::Down | Action::PageUp | Action::PageDown)) => self.update(a),
            Some(_) => return Outcome::Ignored,
            None => self.type_key(input.key, ctx.caseload),
        };
        if changed { Outcome::done() } else { Outcome::Unchanged }
    }
}
