//! The form toolkit: a form is data (a list of field definitions with validators), rendered and
//! edited by this one piece of code. Later forms (assessments, contacts, modules) reuse it.

mod render;

use chrono::NaiveDate;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::keymap::{self, Action, CHOICE_BINDINGS, Context};
use super::long_text::{Change, LongText};
use crate::domain::choice::Choice;
use crate::domain::form_kind::FormKind;
use crate::domain::validate::Invalid;
use crate::i18n::Strings;

/// Checks what was typed in one field; `today` for date rules.
pub type Validator = fn(&str, NaiveDate) -> Result<(), Invalid>;

#[derive(Debug, Clone, Copy)]
pub enum FieldKind {
    /// Free text on one line.
    Text,
    /// Free text over several lines that wrap (advice, a note, a summary); Enter starts a new
    /// line, and the value keeps its line breaks.
    LongText,
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
    /// A text over several lines that wrap ([`FieldKind::LongText`]).
    pub const fn long_text(key: &'static str, label: &'static str) -> FieldDef {
        FieldDef { kind: FieldKind::LongText, ..FieldDef::text(key, label) }
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

/// The editor of one field: a line (text, and a choice's code) or a long text.
#[derive(Debug, Clone)]
enum Editor {
    Line(Input),
    Long(Box<LongText>),
}

impl Editor {
    fn new(kind: FieldKind, value: String) -> Editor {
        match kind {
            FieldKind::LongText => Editor::Long(Box::new(LongText::new(&value))),
            FieldKind::Text | FieldKind::Choice(_) => Editor::Line(Input::new(value)),
        }
    }
    fn value(&self) -> &str {
        match self {
            Editor::Line(i) => i.value(),
            Editor::Long(t) => t.value(),
        }
    }
}

/// A form being filled in.
#[derive(Debug, Clone)]
pub struct Form {
    /// Which form this is and what it edits; its draft is kept under it.
    pub kind: FormKind,
    pub title: String,
    defs: &'static [FieldDef],
    inputs: Vec<Editor>,
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
                FieldKind::Text | FieldKind::LongText => Vec::new(),
            })
            .collect();
        Form {
            kind,
            title,
            defs,
            inputs: defs.iter().zip(&vals).map(|(d, v)| Editor::new(d.kind, v.clone())).collect(),
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
                self.inputs[i] = Editor::new(d.kind, v.clone());
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

    /// The key contexts of the field with the focus, most specific first.
    pub fn contexts(&self) -> Vec<Context> {
        match self.defs.get(self.focus).map(|d| d.kind) {
            Some(FieldKind::LongText) => vec![Context::LongText, Context::Form],
            _ => vec![Context::Form],
        }
    }

    /// The kind of field `key` ([`FieldKind::Text`] for a key the form does not have).
    pub fn kind_of(&self, key: &str) -> FieldKind {
        self.defs.iter().find(|d| d.key == key).map_or(FieldKind::Text, |d| d.kind)
    }

    pub fn value(&self, key: &str) -> &str {
        self.defs.iter().position(|d| d.key == key).map_or("", |i| self.inputs[i].value())
    }

    pub fn values(&self) -> Vec<(String, String)> {
        self.defs.iter().zip(&self.inputs).map(|(d, i)| (d.key.to_string(), i.value().to_string())).collect()
    }

    /// The field still holds what the form started with (a prefilled value nobody typed).
    pub fn untouched(&self, key: &str) -> bool {
        self.defs.iter().position(|d| d.key == key).is_none_or(|i| self.inputs[i].value() == self.initial[i])
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
            self.inputs[i] = Editor::new(self.defs[i].kind, tidied);
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
        match keymap::resolve(ev, &self.contexts(), true) {
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
            // In a long text: a line break, and ↑ ↓ within the text until its first or last row.
            Some(Action::NewLine) => self.in_long_text(|t| t.new_line()),
            Some(Action::Up) => {
                if let Editor::Long(t) = &mut self.inputs[self.focus]
                    && !t.up()
                {
                    self.move_focus(self.focus.saturating_sub(1), today);
                }
                FormOutcome::Moved
            }
            Some(Action::Down) => {
                if let Editor::Long(t) = &mut self.inputs[self.focus]
                    && !t.down()
                {
                    self.move_focus(self.focus + 1, today);
                }
                FormOutcome::Moved
            }
            Some(_) => FormOutcome::Ignored,
            None => match (def.kind, &mut self.inputs[self.focus]) {
                (FieldKind::LongText, _) => self.in_long_text(|t| t.key(ev)),
                (FieldKind::Text, Editor::Line(input)) => {
                    let before = input.value().len();
                    let changed = input.handle_event(&Event::Key(*ev));
                    match changed {
                        Some(c) if c.value || input.value().len() != before => {
                            self.errors[self.focus] = None;
                            FormOutcome::Edited
                        }
                        Some(c) if c.cursor => FormOutcome::Moved,
                        _ => FormOutcome::Ignored,
                    }
                }
                (FieldKind::Text, Editor::Long(_)) => FormOutcome::Ignored,
                (FieldKind::Choice(_), _) => match ev.code {
                    // Typing the first letter of an option picks it.
                    KeyCode::Char(c) => self.pick_by_letter(c),
                    KeyCode::Backspace | KeyCode::Delete => {
                        self.inputs[self.focus] = Editor::Line(Input::new(String::new()));
                        FormOutcome::Edited
                    }
                    _ => FormOutcome::Ignored,
                },
            },
        }
    }

    /// Applies `edit` to the long text with the focus.
    fn in_long_text(&mut self, edit: impl FnOnce(&mut LongText) -> Change) -> FormOutcome {
        let Editor::Long(t) = &mut self.inputs[self.focus] else {
            return FormOutcome::Ignored;
        };
        match edit(t) {
            Change::Text => {
                self.errors[self.focus] = None;
                FormOutcome::Edited
            }
            Change::Cursor => FormOutcome::Moved,
            Change::None => FormOutcome::Ignored,
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
        self.inputs[self.focus] = Editor::Line(Input::new(opts[next].0.clone()));
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
                self.inputs[self.focus] = Editor::Line(Input::new(opts[i].0.clone()));
                self.errors[self.focus] = None;
                FormOutcome::Edited
            }
            _ => FormOutcome::Ignored,
        }
    }
}
