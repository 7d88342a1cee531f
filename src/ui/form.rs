//! The form toolkit: a form is data (a list of field definitions with validators), rendered and
//! edited by this one piece of code. Later forms (assessments, contacts, modules) reuse it.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::keymap::{self, Action, CHOICE_BINDINGS, Context};
use super::theme::Ui;
use crate::domain::choice::Choice;
use crate::domain::form_kind::FormKind;
use crate::domain::validate::Invalid;
use crate::i18n::Strings;

/// Checks what was typed in one field; `today` for date rules.
pub type Validator = fn(&str, NaiveDate) -> Result<(), Invalid>;

#[derive(Debug, Clone, Copy)]
pub enum FieldKind {
    /// Free text edited with a text widget.
    Text,
    /// One of a fixed list, taken from a domain enum.
    Choice(Options),
}

/// The options of a choice field: every value of a domain enum ([`Choice`]), as (stored code,
/// string-table key of the label), in the enum's order.
#[derive(Clone, Copy)]
pub struct Options(fn() -> Vec<(String, String)>);

impl Options {
    pub const fn of<T: Choice>() -> Options {
        Options(options_of::<T>)
    }
    pub fn list(self) -> Vec<(String, String)> {
        (self.0)()
    }
}

fn options_of<T: Choice>() -> Vec<(String, String)> {
    T::all().iter().map(|v| (v.code().into_owned(), v.label_key())).collect()
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.list().iter().map(|(code, _)| code)).finish()
    }
}

/// One field of a form.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    /// Stable key, used in drafts.
    pub key: &'static str,
    /// String-table key of the label.
    pub label: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    pub validate: Option<Validator>,
    /// String-table key of a section heading shown above this field.
    pub section: Option<&'static str>,
    /// A date field that this date may not lie before (an end date and its start date).
    pub not_before: Option<&'static str>,
    /// Writes a valid value the way it is shown ("1-12-2026" as 01-12-2026) when the field is left.
    pub tidy: Option<Tidy>,
}

/// The shown form of a valid value; `None` keeps it as typed.
pub type Tidy = fn(&str) -> Option<String>;

/// A date as dd-mm-jjjj.
pub fn tidy_date(s: &str) -> Option<String> {
    crate::domain::validate::parse_date(s).ok().map(crate::domain::validate::format_date)
}

/// A time as HH:MM ("9.30" as 09:30).
pub fn tidy_time(s: &str) -> Option<String> {
    crate::domain::module::parse_time(s).map(|m| format!("{:02}:{:02}", m / 60, m % 60))
}

impl FieldDef {
    pub const fn text(key: &'static str, label: &'static str) -> FieldDef {
        FieldDef {
            key,
            label,
            kind: FieldKind::Text,
            required: false,
            validate: None,
            section: None,
            not_before: None,
            tidy: None,
        }
    }
    /// A field whose options are the values of the domain enum `T`.
    pub const fn choice<T: Choice>(key: &'static str, label: &'static str) -> FieldDef {
        FieldDef {
            key,
            label,
            kind: FieldKind::Choice(Options::of::<T>()),
            required: false,
            validate: None,
            section: None,
            not_before: None,
            tidy: None,
        }
    }
    /// A field whose options each form supplies ([`Form::set_options`]): the caseload's coaches.
    pub const fn picked(key: &'static str, label: &'static str) -> FieldDef {
        FieldDef { kind: FieldKind::Choice(Options(Vec::new)), ..FieldDef::text(key, label) }
    }
    pub const fn required(mut self) -> FieldDef {
        self.required = true;
        self
    }
    /// This date may not lie before the date in the field `key`: checked when either is left.
    pub const fn not_before(mut self, key: &'static str) -> FieldDef {
        self.not_before = Some(key);
        self
    }
    pub const fn check(mut self, v: Validator) -> FieldDef {
        self.validate = Some(v);
        self
    }
    pub const fn tidy(mut self, t: Tidy) -> FieldDef {
        self.tidy = Some(t);
        self
    }
    pub const fn section(mut self, s: &'static str) -> FieldDef {
        self.section = Some(s);
        self
    }

    /// Runs the field's own rules on a value; `options` are a choice field's codes.
    pub fn check_value(&self, value: &str, options: &[(String, String)], today: NaiveDate) -> Result<(), Invalid> {
        let v = value.trim();
        if v.is_empty() {
            return if self.required { Err(Invalid::Required) } else { Ok(()) };
        }
        if v.chars().count() > crate::domain::validate::MAX_TEXT {
            return Err(Invalid::TooLong);
        }
        if matches!(self.kind, FieldKind::Choice(_)) && !options.iter().any(|(code, _)| code == v) {
            return Err(Invalid::UnknownChoice);
        }
        self.validate.map_or(Ok(()), |f| f(v, today))
    }
}

/// What a key did to a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormOutcome {
    /// Nothing changed: no redraw needed.
    Ignored,
    /// The focus or a message changed: redraw.
    Moved,
    /// A value changed: redraw and keep the draft.
    Edited,
    Save,
    Cancel,
}

/// A form being filled in.
#[derive(Debug, Clone)]
pub struct Form {
    /// Which form this is and what it edits; its draft is kept under it.
    pub kind: FormKind,
    pub title: String,
    defs: &'static [FieldDef],
    inputs: Vec<Input>,
    errors: Vec<Option<Invalid>>,
    focus: usize,
    initial: Vec<String>,
    /// A choice field's options (code, label key), per field; empty for text.
    options: Vec<Vec<(String, String)>>,
    /// Choice labels in the coach's language, per field, so a typed letter picks by label.
    choice_labels: Vec<Vec<String>>,
}

impl Form {
    /// A form with the given values (missing ones empty), the focus on the first field.
    pub fn new(
        kind: FormKind,
        title: String,
        defs: &'static [FieldDef],
        values: &[(&str, String)],
        strings: &Strings,
    ) -> Form {
        let vals: Vec<String> = defs
            .iter()
            .map(|d| values.iter().find(|(k, _)| *k == d.key).map(|(_, v)| v.clone()).unwrap_or_default())
            .collect();
        let options: Vec<Vec<(String, String)>> = defs
            .iter()
            .map(|d| match d.kind {
                FieldKind::Choice(opts) => opts.list(),
                FieldKind::Text => Vec::new(),
            })
            .collect();
        Form {
            kind,
            title,
            defs,
            inputs: vals.iter().map(|v| Input::new(v.clone())).collect(),
            errors: vec![None; defs.len()],
            focus: 0,
            initial: vals,
            choice_labels: options
                .iter()
                .map(|o| o.iter().map(|(_, l)| strings.get(l).to_lowercase()).collect())
                .collect(),
            options,
        }
    }

    /// Puts back what a draft held; `initial` stays what the form started from.
    pub fn restore(&mut self, values: &[(String, String)], focus: usize) {
        for (i, d) in self.defs.iter().enumerate() {
            if let Some((_, v)) = values.iter().find(|(k, _)| k == d.key) {
                self.inputs[i] = Input::new(v.clone());
            }
        }
        self.focus = focus.min(self.defs.len().saturating_sub(1));
    }

    /// The options of the choice field `key` in this form (code, label or string-table key of
    /// the label): fewer than its type has (the phases a new person can start in), or ones only
    /// known when the form opens (the caseload's coaches).
    pub fn set_options(&mut self, key: &str, options: Vec<(String, String)>, strings: &Strings) {
        if let Some(i) = self.defs.iter().position(|d| d.key == key) {
            self.choice_labels[i] = options.iter().map(|(_, l)| strings.get(l).to_lowercase()).collect();
            self.options[i] = options;
        }
    }

    pub fn defs(&self) -> &'static [FieldDef] {
        self.defs
    }
    pub fn focus(&self) -> usize {
        self.focus
    }
    pub fn focused_key(&self) -> &'static str {
        self.defs.get(self.focus).map_or("", |d| d.key)
    }

    pub fn value(&self, key: &str) -> &str {
        self.defs.iter().position(|d| d.key == key).map_or("", |i| self.inputs[i].value())
    }

    pub fn values(&self) -> Vec<(String, String)> {
        self.defs.iter().zip(&self.inputs).map(|(d, i)| (d.key.to_string(), i.value().to_string())).collect()
    }

    /// Something differs from what the form started with.
    pub fn is_dirty(&self) -> bool {
        self.inputs.iter().zip(&self.initial).any(|(i, v)| i.value() != v)
    }

    pub fn error(&self, key: &str) -> Option<Invalid> {
        self.defs.iter().position(|d| d.key == key).and_then(|i| self.errors[i])
    }

    /// Shows a message next to a field (for rules that span fields) and moves there.
    pub fn set_error(&mut self, key: &str, e: Invalid) {
        if let Some(i) = self.defs.iter().position(|d| d.key == key) {
            self.errors[i] = Some(e);
        }
    }

    pub fn focus_on(&mut self, key: &str) {
        if let Some(i) = self.defs.iter().position(|d| d.key == key) {
            self.focus = i;
        }
    }

    fn validate_field(&mut self, i: usize, today: NaiveDate) {
        self.errors[i] = self.defs[i]
            .check_value(self.inputs[i].value(), &self.options[i], today)
            .err()
            .or_else(|| self.order_error(i));
        // Leaving a start date re-checks the end dates that may not lie before it.
        for j in 0..self.defs.len() {
            if self.defs[j].not_before == Some(self.defs[i].key)
                && self.errors[j].is_none_or(|e| e == Invalid::EndBeforeStart)
            {
                self.errors[j] = self.order_error(j);
            }
        }
    }

    /// [`Invalid::EndBeforeStart`] when field `i` holds a date before the one it may not precede.
    fn order_error(&self, i: usize) -> Option<Invalid> {
        let other = self.defs[i].not_before?;
        let j = self.defs.iter().position(|d| d.key == other)?;
        use crate::domain::validate::parse_date;
        let (end, start) = (parse_date(self.inputs[i].value()).ok()?, parse_date(self.inputs[j].value()).ok()?);
        (end < start).then_some(Invalid::EndBeforeStart)
    }

    /// Checks every field; on failure the focus goes to the first field with a message.
    pub fn validate_all(&mut self, today: NaiveDate) -> bool {
        for i in 0..self.defs.len() {
            self.validate_field(i, today);
        }
        self.first_error().is_none_or(|i| {
            self.focus = i;
            false
        })
    }

    pub fn first_error(&self) -> Option<usize> {
        self.errors.iter().position(Option::is_some)
    }

    fn move_focus(&mut self, to: usize, today: NaiveDate) {
        self.validate_field(self.focus, today);
        let i = self.focus;
        if self.errors[i].is_none()
            && let Some(tidied) = self.defs[i].tidy.and_then(|t| t(self.inputs[i].value().trim()))
            && tidied != self.inputs[i].value()
        {
            self.inputs[i] = Input::new(tidied);
        }
        self.focus = to.min(self.defs.len().saturating_sub(1));
    }

    /// Handles one key press.
    pub fn handle_key(&mut self, ev: &KeyEvent, today: NaiveDate) -> FormOutcome {
        let Some(def) = self.defs.get(self.focus).copied() else {
            return FormOutcome::Ignored;
        };
        if let FieldKind::Choice(_) = def.kind
            && let Some(a) = keymap::resolve_in(CHOICE_BINDINGS, ev, Context::Form)
        {
            self.cycle(a == Action::ChoiceNext);
            return FormOutcome::Edited;
        }
        match keymap::resolve(ev, &[Context::Form], true) {
            Some(Action::Save) => FormOutcome::Save,
            Some(Action::Back) => FormOutcome::Cancel,
            Some(Action::NextField) => {
                self.move_focus(self.focus + 1, today);
                FormOutcome::Moved
            }
            Some(Action::PrevField) => {
                self.move_focus(self.focus.saturating_sub(1), today);
                FormOutcome::Moved
            }
            Some(Action::PageDown) => {
                self.move_focus(self.focus + 8, today);
                FormOutcome::Moved
            }
            Some(Action::PageUp) => {
                self.move_focus(self.focus.saturating_sub(8), today);
                FormOutcome::Moved
            }
            Some(_) => FormOutcome::Ignored,
            None => match def.kind {
                FieldKind::Text => {
                    let before = self.inputs[self.focus].value().len();
                    let changed = self.inputs[self.focus].handle_event(&Event::Key(*ev));
                    match changed {
                        Some(c) if c.value || self.inputs[self.focus].value().len() != before => {
                            self.errors[self.focus] = None;
                            FormOutcome::Edited
                        }
                        Some(c) if c.cursor => FormOutcome::Moved,
                        _ => FormOutcome::Ignored,
                    }
                }
                FieldKind::Choice(_) => match ev.code {
                    // Typing the first letter of an option picks it.
                    KeyCode::Char(c) => self.pick_by_letter(c),
                    KeyCode::Backspace | KeyCode::Delete => {
                        self.inputs[self.focus] = Input::new(String::new());
                        FormOutcome::Edited
                    }
                    _ => FormOutcome::Ignored,
                },
            },
        }
    }

    fn cycle(&mut self, forward: bool) {
        let opts = &self.options[self.focus];
        if opts.is_empty() {
            return;
        }
        let cur = opts.iter().position(|(c, _)| c == self.inputs[self.focus].value());
        let next = match (cur, forward) {
            (None, true) => 0,
            (None, false) => opts.len() - 1,
            (Some(i), true) => (i + 1) % opts.len(),
            (Some(i), false) => (i + opts.len() - 1) % opts.len(),
        };
        self.inputs[self.focus] = Input::new(opts[next].0.clone());
        self.errors[self.focus] = None;
    }

    fn pick_by_letter(&mut self, c: char) -> FormOutcome {
        let opts = &self.options[self.focus];
        let c = c.to_lowercase().next().unwrap_or(c);
        let labels = &self.choice_labels[self.focus];
        // Pressing the same letter again moves on to the next option starting with it.
        let cur = opts.iter().position(|(code, _)| code == self.inputs[self.focus].value());
        let start = cur.map_or(0, |i| i + 1);
        let hit = (0..opts.len())
            .map(|n| (start + n) % opts.len())
            .find(|&i| labels.get(i).is_some_and(|l| l.starts_with(c)));
        match hit {
            Some(i) if Some(i) != cur => {
                self.inputs[self.focus] = Input::new(opts[i].0.clone());
                self.errors[self.focus] = None;
                FormOutcome::Edited
            }
            _ => FormOutcome::Ignored,
        }
    }
}

const MAX_LABEL_WIDTH: u16 = 30;

enum Row {
    Section(&'static str),
    Field(usize),
    Error(usize),
}

impl Form {
    /// Draws the form into `area`: label, value and the message next to each field; the focused
    /// field shows the real cursor.
    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) {
        if area.width < 4 || area.height == 0 {
            return;
        }
        let mut rows = Vec::new();
        for (i, d) in self.defs.iter().enumerate() {
            if let Some(s) = d.section {
                rows.push(Row::Section(s));
            }
            rows.push(Row::Field(i));
            if self.errors[i].is_some() {
                rows.push(Row::Error(i));
            }
        }
        let focus_row = rows.iter().position(|r| matches!(r, Row::Field(i) if *i == self.focus)).unwrap_or(0);
        let height = area.height as usize;
        // Keep the focused field (and its message) in view; show its section heading when possible.
        let offset = (focus_row + 2).saturating_sub(height).min(focus_row.saturating_sub(1));
        let longest = self.defs.iter().map(|d| ui.strings.get(d.label).chars().count() + 2).max().unwrap_or(0) as u16;
        // Labels whole as long as the input keeps 30 columns (a third of a narrow screen at least).
        let label_w = longest.clamp(12, MAX_LABEL_WIDTH).min((area.width / 3).max(area.width.saturating_sub(31)));
        let input_w = area.width.saturating_sub(label_w + 1).min(44);
        for (n, row) in rows.iter().skip(offset).take(height).enumerate() {
            let y = area.y + n as u16;
            let line_area = Rect { x: area.x, y, width: area.width, height: 1 };
            match row {
                Row::Section(s) => {
                    frame.render_widget(
                        Paragraph::new(Span::styled(format!("── {} ", ui.strings.get(s)), ui.theme.title())),
                        line_area,
                    );
                }
                Row::Field(i) => self.render_field(frame, *i, line_area, label_w, input_w, ui),
                Row::Error(i) => {
                    let msg = self.errors[*i].map(|e| ui.strings.get(e.key()).to_string()).unwrap_or_default();
                    let pad = " ".repeat(label_w as usize + 1);
                    frame.render_widget(
                        Paragraph::new(Line::from(vec![
                            Span::raw(pad),
                            Span::styled(format!("⚠ {msg}"), ui.theme.error()),
                        ])),
                        line_area,
                    );
                }
            }
        }
    }

    fn render_field(&self, frame: &mut Frame, i: usize, area: Rect, label_w: u16, input_w: u16, ui: &Ui) {
        let d = &self.defs[i];
        let focused = i == self.focus;
        let marker = if d.required { " *" } else { "" };
        let label = format!("{}{}", ui.strings.get(d.label), marker);
        let label_style = if focused { ui.theme.focus_label() } else { ui.theme.dim() };
        let label_area = Rect { width: label_w.min(area.width), ..area };
        frame.render_widget(Paragraph::new(Span::styled(label, label_style)), label_area);
        let input_area = Rect { x: area.x + label_w + 1, width: input_w, ..area };
        if input_area.x >= area.right() || input_w < 2 {
            return;
        }
        let input_area = input_area.intersection(area);
        let input = &self.inputs[i];
        let style = if focused { ui.theme.input() } else { ratatui::style::Style::default() };
        match d.kind {
            FieldKind::Text => {
                let width = input_area.width.max(1) as usize;
                let scroll = input.visual_scroll(width.saturating_sub(1));
                let shown: String = input.value().chars().skip(scroll).collect();
                frame.render_widget(Paragraph::new(shown).style(style), input_area);
                if focused {
                    let x = (input.visual_cursor().saturating_sub(scroll)) as u16;
                    frame.set_cursor_position(Position::new(
                        input_area.x + x.min(input_area.width.saturating_sub(1)),
                        input_area.y,
                    ));
                }
            }
            FieldKind::Choice(_) => {
                let label = self.options[i]
                    .iter()
                    .find(|(c, _)| c == input.value())
                    .map_or_else(|| "—".to_string(), |(_, l)| ui.strings.get(l).to_string());
                let text = if focused { format!("‹ {label} ›") } else { label };
                frame.render_widget(Paragraph::new(text).style(style), input_area);
            }
        }
        // The field's own line carries a mark too, so the message is found at a glance.
        if self.errors[i].is_some() {
            let x = input_area.right() + 1;
            if x < area.right() {
                let msg_area = Rect { x, width: area.right() - x, ..area };
                frame.render_widget(Paragraph::new(Span::styled("⚠", ui.theme.error())), msg_area);
            }
        }
    }
}
