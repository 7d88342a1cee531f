//! The guided Positive Health conversation: one dimension per page (seven aspects scored 0-10),
//! then the participant's own mark per dimension and the ladder step, then a summary with the
//! spider web and the two questions. The same screen corrects a saved conversation: it opens on
//! what was saved, and saving keeps what changed in the conversation's history.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::domain::health::{ASPECTS, Assessment, Corrected, DIMENSIONS, Instrument, LADDER, differences, format_mark};
use crate::store::AssessmentDraft;
use crate::ui::keymap::Action;
use crate::ui::long_text::{Change, LongText};
use crate::ui::radar;
use crate::ui::theme::Ui;

/// Page numbers after the six dimensions.
pub const MARKS_PAGE: usize = DIMENSIONS;
pub const SUMMARY_PAGE: usize = DIMENSIONS + 1;

/// What a key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ignored,
    Moved,
    Edited,
    Save,
    /// Save, then turn the wish into a goal.
    SaveAndGoal,
    Cancel,
}

pub struct AssessmentState {
    pub a: Assessment,
    pub name: String,
    pub page: usize,
    pub row: usize,
    /// Editing the remark of the current aspect instead of its score: a text that wraps under
    /// its aspect (Enter goes on to the next aspect, as everywhere in the conversation).
    remark: Option<LongText>,
    /// The two answers on the summary page: texts that wrap over two rows.
    wish: LongText,
    need: LongText,
    /// The previous assessment, drawn dotted on the summary's web.
    pub previous: Option<Assessment>,
    pub dirty: bool,
    /// A correction: the conversation as it was saved (what the changes are compared with).
    pub saved: Option<Assessment>,
}

impl AssessmentState {
    pub fn new(a: Assessment, name: String, previous: Option<Assessment>) -> AssessmentState {
        let wish = LongText::new(&a.wish);
        let need = LongText::new(&a.need);
        AssessmentState { a, name, page: 0, row: 0, remark: None, wish, need, previous, dirty: false, saved: None }
    }

    /// Corrects a saved conversation: it opens on what was saved, on its first page.
    pub fn correcting(saved: Assessment, name: String, previous: Option<Assessment>) -> AssessmentState {
        let mut s = AssessmentState::new(saved.clone(), name, previous);
        s.saved = Some(saved);
        s
    }

    /// Goes on with a draft; `saved` is the conversation it corrects, when it is a correction.
    pub fn from_draft(
        d: AssessmentDraft,
        name: String,
        previous: Option<Assessment>,
        saved: Option<Assessment>,
    ) -> AssessmentState {
        let mut s = AssessmentState::new(d.assessment, name, previous);
        s.saved = saved;
        s.page = usize::from(d.page).min(SUMMARY_PAGE);
        s.row = usize::from(d.row).min(s.rows() - 1);
        s.dirty = true;
        s
    }

    pub fn draft(&self) -> AssessmentDraft {
        AssessmentDraft { assessment: self.finished(), page: self.page as u8, row: self.row as u8 }
    }

    /// The assessment with the summary answers in it; own marks not given are the aspect means.
    pub fn finished(&self) -> Assessment {
        let mut a = self.a.clone();
        a.wish = one_paragraph(self.wish.value());
        a.need = one_paragraph(self.need.value());
        a
    }

    /// For saving: marks the participant did not change are the prefilled means. (A correction
    /// leaves a mark that was never given as it is: it still shows the mean, and the history
    /// names only what the coach changed.)
    pub fn to_save(&self) -> Assessment {
        let mut a = self.finished();
        if self.saved.is_some() {
            return a;
        }
        for d in 0..DIMENSIONS {
            if a.overall[d].is_none() {
                a.overall[d] = a.mean_tenths(d);
            }
        }
        a
    }

    /// What a correction changes in the saved conversation (nothing for a new one).
    pub fn changes(&self) -> Vec<Corrected> {
        self.saved.as_ref().map(|saved| differences(saved, &self.to_save())).unwrap_or_default()
    }

    /// The dimensions that would be saved with no answer at all; for a correction only those
    /// the correction left unanswered (the saved conversation had an answer there).
    pub fn unanswered(&self) -> Vec<usize> {
        let now = self.to_save().unanswered();
        match &self.saved {
            Some(saved) => {
                let before = saved.unanswered();
                now.into_iter().filter(|d| !before.contains(d)).collect()
            }
            None => now,
        }
    }

    /// Goes to the first dimension that has no answer, on its first aspect.
    pub fn show_first_unanswered(&mut self) {
        if let Some(&d) = self.unanswered().first() {
            self.go_page(d);
        }
    }

    fn rows(&self) -> usize {
        match self.page {
            p if p < DIMENSIONS => ASPECTS,
            MARKS_PAGE => DIMENSIONS + 1,
            _ => 2,
        }
    }

    /// Whether a text field has the focus (letters are typed, not keys).
    pub fn typing(&self) -> bool {
        self.remark.is_some() || self.page == SUMMARY_PAGE
    }

    fn go_page(&mut self, page: usize) {
        self.commit_remark();
        self.page = page.min(SUMMARY_PAGE);
        self.row = 0;
    }

    fn commit_remark(&mut self) {
        if let Some(input) = self.remark.take() {
            self.a.set_remark(self.page, self.row, one_paragraph(input.value()));
        }
    }

    fn next_row(&mut self) {
        self.commit_remark();
        if self.row + 1 < self.rows() {
            self.row += 1;
        } else if self.page < SUMMARY_PAGE {
            self.go_page(self.page + 1);
        }
    }

    /// Answers a key: `action` is what the keymap resolved (with its argument: the score, the
    /// direction); `ev` is read only as text typed into a remark or the summary's fields.
    pub fn update(&mut self, action: Option<Action>, ev: &KeyEvent) -> Outcome {
        match action {
            Some(Action::Save) => {
                self.commit_remark();
                return Outcome::Save;
            }
            Some(Action::Back) if self.remark.is_some() => {
                self.remark = None;
                return Outcome::Moved;
            }
            Some(Action::Back) => return Outcome::Cancel,
            Some(Action::PageDown) => {
                self.go_page(self.page + 1);
                return Outcome::Moved;
            }
            Some(Action::PageUp) => {
                self.go_page(self.page.saturating_sub(1));
                return Outcome::Moved;
            }
            Some(Action::MakeGoal) if self.page == SUMMARY_PAGE => {
                return Outcome::SaveAndGoal;
            }
            _ => {}
        }
        if self.page == SUMMARY_PAGE {
            return self.summary_key(ev, action);
        }
        if let Some(input) = &mut self.remark {
            return match action {
                Some(Action::NextField | Action::Remark) => {
                    self.next_row();
                    self.dirty = true;
                    Outcome::Edited
                }
                // Typed text (and ↑ ↓ through its wrapped rows): the key goes into the remark.
                _ => match input.key(ev) {
                    Change::Text => Outcome::Edited,
                    Change::Cursor => Outcome::Moved,
                    Change::None => Outcome::Ignored,
                },
            };
        }
        let Some(action) = action else { return Outcome::Ignored };
        // Correcting a score: a dimension mark that was the mean of its aspects stays the mean.
        let follows_mean = self.page < DIMENSIONS
            && self.saved.is_some()
            && self.a.overall[self.page].is_some()
            && self.a.overall[self.page] == self.a.mean_tenths(self.page);
        let edited = match (self.page, action) {
            (_, Action::Up) if self.row > 0 => {
                self.row -= 1;
                return Outcome::Moved;
            }
            (_, Action::Down) if self.row + 1 < self.rows() => {
                self.row += 1;
                return Outcome::Moved;
            }
            (_, Action::NextField) => {
                self.next_row();
                return Outcome::Moved;
            }
            (p, Action::Remark) if p < DIMENSIONS => {
                self.remark = Some(LongText::new(self.a.remark(p, self.row)));
                return Outcome::Moved;
            }
            (p, Action::Talk) if p < DIMENSIONS => {
                self.a.talk[p][self.row] = !self.a.talk[p][self.row];
                true
            }
            (p, Action::Score(digit)) if p < DIMENSIONS => {
                let cur = &mut self.a.scores[p][self.row];
                // "1" then "0" is ten; any other second digit starts again.
                *cur = match *cur {
                    Some(1) if digit == 0 => Some(10),
                    _ => Some(digit),
                };
                true
            }
            (p, Action::Adjust(dir)) if p < DIMENSIONS => {
                let cur = &mut self.a.scores[p][self.row];
                *cur = Some(match *cur {
                    None => 5,
                    Some(v) if dir > 0 => (v + 1).min(10),
                    Some(v) => v.saturating_sub(1),
                });
                true
            }
            (p, Action::Skip) if p < DIMENSIONS => {
                self.a.scores[p][self.row] = None;
                true
            }
            (MARKS_PAGE, a) => self.marks_key(a),
            _ => false,
        };
        if edited {
            if follows_mean {
                self.a.overall[self.page] = self.a.mean_tenths(self.page);
            }
            self.dirty = true;
            Outcome::Edited
        } else {
            Outcome::Ignored
        }
    }

    /// The own-marks page: rows 0-5 the dimensions (tenths), row 6 the ladder.
    fn marks_key(&mut self, action: Action) -> bool {
        if self.row == DIMENSIONS {
            let cur = self.a.ladder;
            self.a.ladder = match action {
                Action::Score(d @ 1..=6) => Some(d),
                Action::Adjust(dir) if dir > 0 => Some(cur.map_or(1, |l| (l + 1).min(6))),
                Action::Adjust(_) => Some(cur.map_or(1, |l| l.saturating_sub(1).max(1))),
                Action::Skip => None,
                _ => return false,
            };
            return cur != self.a.ladder;
        }
        let d = self.row;
        let shown = self.a.overall[d].or_else(|| self.a.mean_tenths(d));
        let next = match action {
            // A typed whole mark; "1" then "0" is ten.
            Action::Score(digit) => {
                Some(if shown == Some(10) && digit == 0 && self.a.overall[d].is_some() { 100 } else { digit * 10 })
            }
            Action::Adjust(dir) if dir > 0 => Some(shown.map_or(50, |v| (v + 5).min(100))),
            Action::Adjust(_) => Some(shown.map_or(50, |v| v.saturating_sub(5))),
            Action::Skip => None,
            _ => return false,
        };
        self.a.overall[d] = next;
        true
    }

    fn summary_key(&mut self, ev: &KeyEvent, action: Option<Action>) -> Outcome {
        // On the summary the two texts have the focus: Enter goes to the second, Shift+Tab back;
        // ↓ and ↑ go through a text's wrapped rows first, then to the other text.
        let input = if self.row == 0 { &mut self.wish } else { &mut self.need };
        match action {
            Some(Action::NextField | Action::Remark) if self.row == 0 => {
                self.row = 1;
                Outcome::Moved
            }
            Some(Action::PrevField) if self.row == 1 => {
                self.row = 0;
                Outcome::Moved
            }
            Some(Action::Down) => {
                if !input.down() && self.row == 0 {
                    self.row = 1;
                }
                Outcome::Moved
            }
            Some(Action::Up) => {
                if !input.up() && self.row == 1 {
                    self.row = 0;
                }
                Outcome::Moved
            }
            _ => match input.key(ev) {
                Change::Text => {
                    self.dirty = true;
                    Outcome::Edited
                }
                Change::Cursor => Outcome::Moved,
                Change::None => Outcome::Ignored,
            },
        }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, today: NaiveDate) {
        let s = ui.strings;
        let lang = s.lang();
        let ins = Instrument::get();
        let [title, progress, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let when = crate::domain::validate::format_date(self.a.date.min(today));
        let heading = if self.saved.is_some() { "health.title_correction" } else { "health.title" };
        frame.render_widget(
            Paragraph::new(Span::styled(s.fill(heading, &[("name", &self.name), ("date", &when)]), ui.theme.title())),
            title,
        );
        let progress_text = match self.page {
            p if p < DIMENSIONS => s.fill(
                "health.progress",
                &[
                    ("d", &(p + 1).to_string()),
                    ("name", ins.dimension_name(p, lang)),
                    ("a", &(self.row + 1).to_string()),
                ],
            ),
            MARKS_PAGE => s.get("health.marks_page").to_string(),
            _ => s.get("health.summary_page").to_string(),
        };
        frame.render_widget(Paragraph::new(progress_text).style(ui.theme.dim()), progress);
        match self.page {
            p if p < DIMENSIONS => self.render_dimension(frame, body, ui, p),
            MARKS_PAGE => self.render_marks(frame, body, ui),
            _ => self.render_summary(frame, body, ui),
        }
    }

    fn render_dimension(&self, frame: &mut Frame, area: Rect, ui: &Ui, d: usize) {
        let s = ui.strings;
        let lang = s.lang();
        let ins = Instrument::get();
        let mut lines = Vec::new();
        // Where the remark being typed goes (the line index), and how many rows it takes.
        let prompt = format!("    {} ", s.get("health.remark"));
        let prompt_w = prompt.chars().count() as u16;
        let edit_w = area.width.saturating_sub(prompt_w).max(1);
        let edit_rows = self.remark.as_ref().map_or(0, |r| {
            Paragraph::new(r.value().to_string()).wrap(Wrap { trim: false }).line_count(edit_w).clamp(1, 3)
        });
        let mut edit_at = None;
        let label_w = (0..ASPECTS).map(|a| ins.aspect_label(d, a, lang).chars().count()).max().unwrap_or(10) + 2;
        for a in 0..ASPECTS {
            let selected = a == self.row;
            let score = self.a.scores[d][a];
            // Not answered is not zero: no bar, and "skipped" once the coach has moved past it.
            let bar: String = match score {
                Some(v) => (0..10).map(|i| if i < v { '▮' } else { '▯' }).collect(),
                None if a < self.row => s.get("health.skipped").to_string(),
                None => String::new(),
            };
            let value = score.map_or("–".to_string(), |v| v.to_string());
            let talk = if self.a.talk[d][a] { format!(" ● {}", s.get("health.talk")) } else { String::new() };
            let marker = if selected { "▸ " } else { "  " };
            let style = if selected { ui.theme.focus_label() } else { ratatui::style::Style::default() };
            lines.push(Line::from(vec![
                Span::styled(format!("{marker}{:<label_w$}", ins.aspect_label(d, a, lang)), style),
                Span::styled(format!("{value:>2}  {bar}"), style),
                Span::styled(talk, ui.theme.title()),
            ]));
            let remark = self.a.remark(d, a);
            if !(remark.is_empty() || selected && self.remark.is_some()) {
                lines.push(Line::from(Span::styled(format!("    “{remark}”"), ui.theme.dim())));
            }
            if selected && self.remark.is_some() {
                edit_at = Some(lines.len());
                lines.extend((0..edit_rows).map(|_| Line::from("")));
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(ins.aspect_prompt(d, self.row, lang).to_string(), ui.theme.title())));
        lines.push(Line::from(Span::styled(s.get("health.keys_hint").to_string(), ui.theme.dim())));
        // The rows the lines above the remark wrap to, so the editor sits right under its aspect
        // also when a remark above it takes two rows.
        let above =
            edit_at.map(|i| Paragraph::new(lines[..i].to_vec()).wrap(Wrap { trim: false }).line_count(area.width));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
        if let (Some(input), Some(above)) = (&self.remark, above) {
            let y = area.y.saturating_add(u16::try_from(above).unwrap_or(u16::MAX));
            if y < area.bottom() {
                let height = (edit_rows as u16).min(area.bottom() - y);
                frame.render_widget(
                    Paragraph::new(prompt),
                    Rect { x: area.x, y, width: prompt_w.min(area.width), height: 1 },
                );
                if prompt_w < area.width {
                    let at = Rect { x: area.x + prompt_w, y, width: area.width - prompt_w, height };
                    input.render(frame, at, ui.theme.input(), true);
                }
            }
        }
    }

    fn render_marks(&self, frame: &mut Frame, area: Rect, ui: &Ui) {
        let s = ui.strings;
        let lang = s.lang();
        let ins = Instrument::get();
        let mut lines =
            vec![Line::from(Span::styled(s.get("health.marks_intro").to_string(), ui.theme.dim())), Line::from("")];
        for d in 0..DIMENSIONS {
            let selected = self.row == d;
            let own = self.a.overall[d];
            let mean = self.a.mean_tenths(d);
            let shown = own.or(mean).map(|t| f64::from(t) / 10.0);
            let note = if own.is_none() && mean.is_some() { s.get("health.prefilled") } else { "" };
            let style = if selected { ui.theme.focus_label() } else { ratatui::style::Style::default() };
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{}{:<24}", if selected { "▸ " } else { "  " }, ins.dimension_name(d, lang)),
                    style,
                ),
                Span::styled(format!("{:>4}  ", format_mark(shown, lang)), style),
                Span::styled(note.to_string(), ui.theme.dim()),
            ]));
        }
        lines.push(Line::from(""));
        let selected = self.row == DIMENSIONS;
        let ladder = self
            .a
            .ladder
            .map_or_else(|| "–".to_string(), |l| format!("{l} · {}", s.get(LADDER[usize::from(l.clamp(1, 6)) - 1])));
        let style = if selected { ui.theme.focus_label() } else { ratatui::style::Style::default() };
        lines.push(Line::from(Span::styled(
            format!("{}{:<24}{ladder}", if selected { "▸ " } else { "  " }, s.get("health.ladder")),
            style,
        )));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }

    fn render_summary(&self, frame: &mut Frame, area: Rect, ui: &Ui) {
        let s = ui.strings;
        let lang = s.lang();
        let ins = Instrument::get();
        let [top, answers] = Layout::vertical([Constraint::Min(6), Constraint::Length(5)]).areas(area);
        let [web, side] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(top);
        let current = self.finished();
        radar::render(frame, web, ui, &current, self.previous.as_ref());
        let mut lines = vec![legend(ui, &current, self.previous.as_ref()), Line::from("")];
        lines.push(Line::from(Span::styled(s.get("health.talk_list").to_string(), ui.theme.title())));
        let talk = current.talk_points();
        if talk.is_empty() {
            lines.push(Line::from(Span::styled(s.get("health.talk_none").to_string(), ui.theme.dim())));
        }
        for (d, a) in talk {
            lines.push(Line::from(format!("● {}", ins.aspect_label(d, a, lang))));
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), side);
        let label_w =
            [s.get("health.wish"), s.get("health.need")].iter().map(|l| l.chars().count()).max().unwrap_or(10) + 2;
        // Each answer takes two rows that wrap: the one being typed is the editor, the other
        // its text (cut with … after two rows).
        for (i, (label, input)) in
            [(s.get("health.wish"), &self.wish), (s.get("health.need"), &self.need)].into_iter().enumerate()
        {
            let y = answers.y + 2 * i as u16;
            if y >= answers.bottom() {
                break;
            }
            let rows = (answers.bottom() - y).min(2);
            let style = if self.row == i { ui.theme.focus_label() } else { ui.theme.dim() };
            let label_area = Rect { x: answers.x, y, width: (label_w as u16).min(answers.width), height: 1 };
            frame.render_widget(Paragraph::new(Span::styled(label.to_string(), style)), label_area);
            let text_area = Rect {
                x: answers.x + label_area.width,
                y,
                width: answers.width.saturating_sub(label_area.width),
                height: rows,
            };
            if self.row == i {
                input.render(frame, text_area, ui.theme.input(), true);
            } else {
                let mut lines =
                    super::text_lines(Vec::new(), input.value(), 0, ratatui::style::Style::default(), text_area.width);
                if lines.len() > usize::from(rows) {
                    lines.truncate(usize::from(rows));
                    if let Some(last) = lines.last_mut() {
                        last.spans.push(Span::raw(" …"));
                    }
                }
                frame.render_widget(Paragraph::new(lines), text_area);
            }
        }
        if answers.height > 4 {
            let hint = Rect { x: answers.x, y: answers.y + 4, width: answers.width, height: 1 };
            frame.render_widget(Paragraph::new(s.get("health.goal_hint")).style(ui.theme.dim()), hint);
        }
    }
}

/// "● 24-11-2026   ○ 01-06-2026" under the web.
pub fn legend(ui: &Ui, current: &Assessment, previous: Option<&Assessment>) -> Line<'static> {
    let mut spans = vec![Span::raw(format!("● {}", crate::domain::validate::format_date(current.date)))];
    if let Some(p) = previous {
        spans.push(Span::styled(format!("   ○ {}", crate::domain::validate::format_date(p.date)), ui.theme.dim()));
    }
    Line::from(spans)
}

/// A remark, wish or need as one paragraph: a line break (pasted) reads as a space.
fn one_paragraph(text: &str) -> String {
    let text: String = text.chars().map(|c| if c == '\n' { ' ' } else { c }).filter(|c| !c.is_control()).collect();
    text.trim().to_string()
}
