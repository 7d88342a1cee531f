//! The start screen "Vandaag": today's appointments and module sessions, then the attention list
//! ranked by urgency, each line saying why. The coach's own caseload, or the whole team (`t`).

use crate::ui::layer::{Ctx, Effect, Input, Outcome};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::modules::time_label;
use crate::domain::Status;
use crate::domain::attention::{CATEGORIES, Reason};
use crate::domain::validate::format_date;
use crate::ui::caseload::Caseload;
use crate::ui::keymap::Action;
use crate::ui::start_data::{StartRow, Today};
use crate::ui::theme::Ui;

pub struct StartState {
    pub selected: usize,
}

impl StartState {
    pub fn new() -> StartState {
        StartState { selected: 0 }
    }

    pub fn update(&mut self, action: Action, rows: usize) -> bool {
        super::navigate(&mut self.selected, rows, action)
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui, t: &Today, caseload: &Caseload) {
        let s = ui.strings;
        let rows = &t.rows;
        let who = if t.team { s.get("start.team").to_string() } else { s.fill("start.mine", &[("coach", &t.coach)]) };
        let counts = t.counts;
        let status_line: Vec<String> = Status::ALL[..4]
            .iter()
            .zip(counts)
            .map(|(st, n)| format!("{n} {}", s.get(&format!("status.{}", st.code())).to_lowercase()))
            .collect();
        let mut per_cat = [0usize; CATEGORIES.len()];
        for r in rows {
            if let StartRow::Attention(i) = r
                && let Some(c) = CATEGORIES.iter().position(|c| *c == i.reason.category())
            {
                per_cat[c] += 1;
            }
        }
        let cat_line: Vec<String> = CATEGORIES
            .iter()
            .zip(per_cat)
            .filter(|(_, n)| *n > 0)
            .map(|(c, n)| format!("{n} {}", s.get(&format!("attention_short.{c}"))))
            .collect();
        let mut head = vec![
            Line::from(vec![Span::styled(format!("{who}: "), ui.theme.title()), Span::raw(status_line.join(" · "))]),
            Line::from(vec![
                Span::styled(format!("{}: ", s.get("start.attention")), ui.theme.title()),
                Span::raw(if cat_line.is_empty() { s.get("start.nothing").to_string() } else { cat_line.join(" · ") }),
            ]),
        ];
        if t.conflicts > 0 {
            head.push(Line::from(vec![
                Span::styled(format!("{}: ", s.get("start.conflicts")), ui.theme.error()),
                Span::raw(s.fill("start.conflicts_open", &[("n", &t.conflicts.to_string())])),
            ]));
        }
        // The counts wrap onto more rows on a narrow screen rather than lose their end (a third of
        // the screen at most).
        let head = Paragraph::new(head).wrap(Wrap { trim: true });
        let head_h = (head.line_count(area.width) as u16).clamp(3, (area.height / 3).max(3));
        let [head_area, today_area, list_area] = Layout::vertical([
            Constraint::Length(head_h),
            Constraint::Length(today_height(t, area.height.saturating_sub(head_h - 3))),
            Constraint::Min(0),
        ])
        .areas(area);
        frame.render_widget(head, head_area);

        // Today: appointments and module sessions in time order (the row index of an
        // appointment, to keep the cursor in sight).
        let mut today_lines: Vec<(u32, Option<usize>, Line)> = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            if let StartRow::Appointment { participant, at, place } = r {
                let name = caseload.by_id(*participant).map(|p| p.listed_name()).unwrap_or_default();
                let style = if i == self.selected { ui.theme.selected() } else { ratatui::style::Style::default() };
                let minute = at.format("%H").to_string().parse::<u32>().unwrap_or(0) * 60
                    + at.format("%M").to_string().parse::<u32>().unwrap_or(0);
                today_lines.push((
                    minute,
                    Some(i),
                    Line::from(Span::styled(
                        super::fit(
                            &format!("  {}  {}  {name} · {place}", at.format("%H:%M"), s.get("start.appointment")),
                            usize::from(today_area.width),
                        ),
                        style,
                    )),
                ));
            }
        }
        for x in &t.sessions {
            let who = if x.expected.is_empty() { String::new() } else { format!(": {}", x.expected.join("; ")) };
            let text = format!(
                "  {}  {} ({} {}/{}) · {}/{} {}{who}",
                time_label(x.start_minute),
                x.module,
                s.get("modules.topic_short"),
                x.topic,
                x.cycle,
                x.seated,
                x.capacity,
                s.get("start.expected")
            );
            let text = super::fit(&text, usize::from(today_area.width));
            today_lines.push((u32::from(x.start_minute), None, Line::from(Span::styled(text, ui.theme.dim()))));
        }
        today_lines.sort_by_key(|(m, _, _)| *m);
        let first = rows.iter().position(|r| matches!(r, StartRow::Attention(_))).unwrap_or(rows.len());
        // "── Vandaag 07-12-2026 · 3 van 11" while the cursor is on an appointment.
        let mut title = format!("── {} {}", s.get("start.today"), format_date(t.date));
        if self.selected < first {
            let (at, of) = ((self.selected + 1).to_string(), first.to_string());
            title.push_str(&format!(" · {}", s.fill("start.position", &[("n", &at), ("of", &of)])));
        }
        let mut lines = vec![Line::from(Span::styled(title, ui.theme.title()))];
        if today_lines.is_empty() {
            lines.push(Line::from(Span::styled(format!("  {}", s.get("start.nothing_today")), ui.theme.dim())));
        }
        // More than fit: a window that keeps the selected appointment in sight, and a line
        // saying how many are above and below it.
        let room = usize::from(today_area.height.saturating_sub(2));
        let total = today_lines.len();
        if total > room && room >= 2 {
            let window = room - 1;
            let at = today_lines.iter().position(|(_, i, _)| *i == Some(self.selected)).unwrap_or(0);
            let offset = super::scroll_offset(at, window).min(total - window);
            let (before, after) = (offset, total - offset - window);
            lines.extend(today_lines.into_iter().skip(offset).take(window).map(|(_, _, l)| l));
            let more = match (before, after) {
                (0, a) => s.fill("start.more_below", &[("n", &a.to_string())]),
                (b, 0) => s.fill("start.more_above", &[("n", &b.to_string())]),
                (b, a) => s.fill("start.more_both", &[("above", &b.to_string()), ("below", &a.to_string())]),
            };
            lines.push(Line::from(Span::styled(format!("  {more}"), ui.theme.dim())));
        } else {
            lines.extend(today_lines.into_iter().map(|(_, _, l)| l));
        }
        frame.render_widget(Paragraph::new(lines), today_area);

        // Attention, most urgent first ("· 3 van 58" while the cursor is in it).
        let n = rows.len() - first;
        let mut title = s.fill("start.attention_list", &[("n", &n.to_string())]);
        if self.selected >= first && n > 0 {
            let (at, of) = ((self.selected - first + 1).to_string(), n.to_string());
            title.push_str(&format!(" · {}", s.fill("start.position", &[("n", &at), ("of", &of)])));
        }
        let mut lines = vec![Line::from(Span::styled(title, ui.theme.title()))];
        let height = list_area.height.saturating_sub(1) as usize;
        let sel = self.selected.saturating_sub(first);
        let offset = if self.selected >= first { super::scroll_offset(sel, height) } else { 0 };
        let shown: Vec<(usize, String, String)> = rows
            .iter()
            .enumerate()
            .skip(first + offset)
            .take(height)
            .filter_map(|(i, r)| match r {
                StartRow::Attention(item) => Some((
                    i,
                    caseload.by_id(item.participant).map(|p| p.listed_name()).unwrap_or_default(),
                    why(&item.reason, ui),
                )),
                _ => None,
            })
            .collect();
        // The reason in full where it can be (its date is what the coach acts on): the name
        // column gives up to 10 of its 24 columns for it, then the reason is cut.
        let longest = shown.iter().map(|(_, _, w)| w.chars().count()).max().unwrap_or(0);
        let name_w = (list_area.width as usize).saturating_sub(3 + longest).clamp(14, 24);
        let why_w = (list_area.width as usize).saturating_sub(3 + name_w);
        for (i, name, reason) in shown {
            let style = if i == self.selected { ui.theme.selected() } else { ratatui::style::Style::default() };
            let (name, reason) = (super::fit(&name, name_w), super::fit(&reason, why_w));
            lines.push(Line::from(Span::styled(format!("  {name:<name_w$} {reason}"), style)));
        }
        if n == 0 {
            lines.push(Line::from(Span::styled(format!("  {}", s.get("start.nothing")), ui.theme.dim())));
        }
        frame.render_widget(Paragraph::new(lines), list_area);
    }
}

/// The rows of the "Vandaag" block: its title, the lines of the day and a blank line. Every line
/// where they fit; else at least 8 lines (or half the screen below the head on a taller one),
/// more where the attention list leaves room.
fn today_height(t: &Today, height: u16) -> u16 {
    let appointments = t.rows.iter().filter(|r| matches!(r, StartRow::Appointment { .. })).count();
    let attention = t.rows.len() - appointments;
    let wanted = 1 + (appointments + t.sessions.len()).max(1);
    let below_head = usize::from(height.saturating_sub(3));
    let most = (below_head / 2).max(9).max(below_head.saturating_sub(attention.max(1) + 2));
    u16::try_from(wanted.min(most)).unwrap_or(9) + 1
}

/// Where the cursor starts on a new day: on the next appointment still to come (the coach gets
/// ready for it), else on the most urgent line of the attention list (what needs doing next once
/// the day's conversations are behind).
pub fn first_row(rows: &[StartRow], now: chrono::NaiveTime) -> usize {
    let coming = rows.iter().position(|r| matches!(r, StartRow::Appointment { at, .. } if at.time() >= now));
    coming.or_else(|| rows.iter().position(|r| matches!(r, StartRow::Attention(_)))).unwrap_or(0)
}

impl Default for StartState {
    fn default() -> Self {
        StartState::new()
    }
}

/// The reason in words: "geen contact sinds 23 dagen", "signaal: opvolgen (schulden)".
pub fn why(r: &Reason, ui: &Ui) -> String {
    let s = ui.strings;
    match r {
        Reason::Unreadable { what } => s.fill("why.unreadable", &[("what", s.get(&format!("unreadable.{what}")))]),
        Reason::NoFirstContact { working_days } => s.fill("why.no_first_contact", &[("n", &working_days.to_string())]),
        Reason::NoContact { days: Some(d) } => s.fill("why.no_contact", &[("n", &d.to_string())]),
        Reason::NoContact { days: None } => s.get("why.no_contact_ever").to_string(),
        Reason::EndingWithoutAdvice { days_left } if *days_left < 0 => {
            s.fill("why.ended_without_advice", &[("n", &(-days_left).to_string())])
        }
        Reason::EndingWithoutAdvice { days_left } => {
            s.fill("why.ending_without_advice", &[("n", &days_left.to_string())])
        }
        Reason::ExtensionDue { days_left } => s.fill("why.extension_due", &[("n", &days_left.to_string())]),
        Reason::GoalOverdue { goal, days } => s.fill("why.goal_overdue", &[("goal", goal), ("n", &days.to_string())]),
        Reason::SignalDue { kind, follow_up } => s.fill(
            "why.signal_due",
            &[("kind", s.get(&format!("signal_kind.{kind}"))), ("date", &format_date(*follow_up))],
        ),
        Reason::PlaceFreed { module, from } => {
            s.fill("why.place_freed", &[("module", module), ("date", &format_date(*from))])
        }
    }
}

impl StartState {
    /// The start screen's answer to an action (a layer: it reads, the executor acts).
    pub fn handle(&mut self, input: Input, ctx: &mut Ctx) -> Outcome {
        let Some(action) = input.action else { return Outcome::Ignored };
        let effect = match action {
            Action::NewIntake => Effect::NewIntake,
            Action::OpenSearch => Effect::OpenSearch,
            Action::OpenList => Effect::OpenList,
            Action::OpenModules => Effect::OpenCatalogue,
            Action::OpenWeek => Effect::OpenWeek,
            Action::OpenReports => Effect::OpenReports,
            Action::OpenRetention => Effect::OpenRetention,
            Action::OpenConflicts => Effect::OpenConflicts,
            Action::ToggleTeam => Effect::ToggleTeam,
            Action::Open => match ctx.start.rows.get(self.selected) {
                Some(r) => Effect::Open { participant: r.participant(), tab: Some(r.tab()) },
                None => return Outcome::Unchanged,
            },
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                return if self.update(action, ctx.start.rows.len()) { Outcome::done() } else { Outcome::Unchanged };
            }
            Action::First | Action::Last => {
                let to = if action == Action::First { 0 } else { ctx.start.rows.len().saturating_sub(1) };
                let moved = to != self.selected;
                self.selected = to;
                return if moved { Outcome::done() } else { Outcome::Unchanged };
            }
            _ => return Outcome::Ignored,
        };
        Outcome::one(effect)
    }
}
