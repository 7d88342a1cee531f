//! The reports screen: the period's figures with their denominators, and charts (outcomes,
//! participation ladder, the group's mean spider web at the first and latest conversation,
//! contacts per week).

use chrono::{Datelike, Months, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Sparkline, Wrap};

use crate::domain::ParticipantId;
use crate::domain::health::{Assessment, DIMENSIONS};
use crate::domain::report::Report;
use crate::domain::validate::format_date;
use crate::reports::{Loaded, basis, rows, show};
use crate::ui::keymap::Action;
use crate::ui::layer::{Ctx, Effect, Input, Outcome};
use crate::ui::theme::Ui;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    Year,
    Quarter,
    Month,
}

pub struct ReportState {
    pub data: Loaded,
    pub kind: PeriodKind,
    /// The first day of the period shown.
    pub from: NaiveDate,
    /// The whole team, or the coach's own caseload.
    pub team: bool,
    pub charts: bool,
    pub scroll: u16,
    /// Rows of figures the screen showed last: a page key moves one page, no row skipped.
    page: std::cell::Cell<u16>,
    pub report: Report,
}

fn period_end(kind: PeriodKind, from: NaiveDate) -> NaiveDate {
    let months = match kind {
        PeriodKind::Year => 12,
        PeriodKind::Quarter => 3,
        PeriodKind::Month => 1,
    };
    from.checked_add_months(Months::new(months)).and_then(|d| d.pred_opt()).unwrap_or(from)
}

fn period_start(kind: PeriodKind, day: NaiveDate) -> NaiveDate {
    let month = match kind {
        PeriodKind::Year => 1,
        PeriodKind::Quarter => (day.month0() / 3) * 3 + 1,
        PeriodKind::Month => day.month(),
    };
    NaiveDate::from_ymd_opt(day.year(), month, 1).unwrap_or(day)
}

impl ReportState {
    /// This year so far, for the coach's own caseload.
    pub fn new(data: Loaded, today: NaiveDate, coach: &str) -> ReportState {
        let from = period_start(PeriodKind::Year, today);
        let report = data.report(from, period_end(PeriodKind::Year, from), Some(coach));
        ReportState {
            data,
            kind: PeriodKind::Year,
            from,
            team: false,
            charts: false,
            scroll: 0,
            page: std::cell::Cell::new(15),
            report,
        }
    }

    pub fn to(&self) -> NaiveDate {
        period_end(self.kind, self.from)
    }

    pub fn recompute(&mut self, coach: &str) {
        let coach = (!self.team).then_some(coach);
        self.report = self.data.report(self.from, self.to(), coach);
        self.scroll = 0;
    }

    /// One period back or ahead.
    pub fn shift(&mut self, forward: bool) {
        let months = match self.kind {
            PeriodKind::Year => 12,
            PeriodKind::Quarter => 3,
            PeriodKind::Month => 1,
        };
        let next = if forward {
            self.from.checked_add_months(Months::new(months))
        } else {
            self.from.checked_sub_months(Months::new(months))
        };
        self.from = next.unwrap_or(self.from);
    }

    /// Year → quarter → month → year: the new period holds today when the old one did,
    /// else the old one's first day.
    pub fn next_kind(&mut self, today: NaiveDate) {
        let anchor = if today >= self.from && today <= self.to() { today } else { self.from };
        self.kind = match self.kind {
            PeriodKind::Year => PeriodKind::Quarter,
            PeriodKind::Quarter => PeriodKind::Month,
            PeriodKind::Month => PeriodKind::Year,
        };
        self.from = period_start(self.kind, anchor);
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, ui: &Ui) {
        let head_lines = self.head_lines(ui);
        // As many rows as the heading wraps to (narrow screens), the rest for the figures.
        let head_h = Paragraph::new(head_lines.clone()).wrap(Wrap { trim: true }).line_count(area.width).max(1);
        let [head, body] =
            Layout::vertical([Constraint::Length(head_h.min(usize::from(area.height)) as u16), Constraint::Min(0)])
                .areas(area);
        frame.render_widget(Paragraph::new(head_lines).wrap(Wrap { trim: true }), head);
        if self.charts {
            self.render_charts(frame, body, ui);
        } else {
            self.render_table(frame, body, ui);
        }
    }

    fn head_lines(&self, ui: &Ui) -> Vec<Line<'static>> {
        let s = ui.strings;
        let kind = match self.kind {
            PeriodKind::Year => s.get("report.period_year"),
            PeriodKind::Quarter => s.get("report.period_quarter"),
            PeriodKind::Month => s.get("report.period_month"),
        };
        let whose = match &self.report.coach {
            Some(c) => s.fill("report.for_coach", &[("coach", c)]),
            None => s.get("start.team").to_string(),
        };
        let title = s.fill("report.title", &[("from", &format_date(self.from)), ("to", &format_date(self.to()))]);
        let mut lines =
            vec![Line::from(vec![Span::styled(title, ui.theme.title()), Span::raw(format!("  ({kind}) · {whose}"))])];
        if self.report.reached == 0 {
            lines.push(Line::from(Span::styled(s.get("report.empty").to_string(), ui.theme.dim())));
        }
        lines
    }

    fn render_table(&self, frame: &mut Frame, area: Rect, ui: &Ui) {
        let s = ui.strings;
        let mut lines = Vec::new();
        let mut section = String::new();
        let width = area.width as usize;
        let label_w = width.saturating_sub(30).max(10);
        for row in rows(&self.report, s) {
            if row.section != section {
                section = row.section.clone();
                lines.extend(super::text_lines(Vec::new(), &section, 0, ui.theme.title(), area.width));
            }
            // A long label wraps onto the next rows ("ISCED 0-2 (tot en met vmbo/mbo 1)"), the
            // figure stays on its first.
            let mut label =
                super::text_lines(vec![Span::raw(" ")], &row.figure, 2, Style::default(), label_w as u16 + 1);
            if let Some(first) = label.first_mut() {
                let pad = (label_w + 1).saturating_sub(first.width());
                first.spans.push(Span::raw(format!("{} {:>11}  {}", " ".repeat(pad), show(&row, s), basis(&row, s))));
            }
            lines.extend(label);
        }
        self.page.set(area.height.saturating_sub(1).max(1));
        frame.render_widget(Paragraph::new(lines).scroll((self.scroll, 0)), area);
    }

    fn render_charts(&self, frame: &mut Frame, area: Rect, ui: &Ui) {
        let s = ui.strings;
        let r = &self.report;
        let [top, bottom] = Layout::vertical([Constraint::Percentage(55), Constraint::Min(0)]).areas(area);
        let [outcomes, web] = Layout::horizontal([Constraint::Percentage(55), Constraint::Min(0)]).areas(top);
        // Every outcome's bar (three wide, one apart) at 60 columns too, while the web keeps room.
        let all_bars = (r.outcomes.len() * 4).saturating_sub(1) as u16;
        let [outcomes, web] = if outcomes.width < all_bars && top.width >= all_bars + 22 {
            Layout::horizontal([Constraint::Length(all_bars), Constraint::Min(0)]).areas(top)
        } else {
            [outcomes, web]
        };
        let [ladder, weekly] = Layout::horizontal([Constraint::Percentage(40), Constraint::Min(0)]).areas(bottom);
        // A title cut with "…" between words when the chart is narrow, never in the middle of one.
        let block = |t: &str, w: u16| {
            Block::default().borders(Borders::TOP).title(Span::styled(super::fit(t, usize::from(w)), ui.theme.title()))
        };
        self.render_outcomes(frame, outcomes, ui, block(s.get("report.chart_outcomes"), outcomes.width));
        // Ladder movement.
        let ladder_bars: Vec<Bar> =
            [("report.up", r.ladder_up), ("report.same", r.ladder_same), ("report.down", r.ladder_down)]
                .iter()
                .map(|(k, x)| {
                    Bar::default()
                        .value(x.numerator as u64)
                        .label(Line::from(s.get(k).to_string()))
                        .text_value(format!("{:.0}", x.numerator))
                })
                .collect();
        frame.render_widget(
            BarChart::default()
                .block(block(s.get("report.chart_ladder"), ladder.width))
                .data(BarGroup::default().bars(&ladder_bars))
                .bar_width(6)
                .bar_gap(2),
            ladder,
        );
        // The group's mean web: first conversation dotted, latest solid.
        let (first, latest) = crate::reports::mean_webs(r);
        // The short title where the whole one would lose what ○ and ● stand for.
        let web_title = [s.get("report.chart_web"), s.get("report.chart_web_short")]
            .into_iter()
            .find(|t| t.chars().count() <= usize::from(web.width))
            .unwrap_or(s.get("report.chart_web_short"));
        let inner = block(web_title, web.width).inner(web);
        frame.render_widget(block(web_title, web.width), web);
        if latest.iter().any(Option::is_some) {
            let as_assessment = |marks: [Option<f64>; DIMENSIONS]| {
                let mut a = Assessment::new(
                    ParticipantId(uuid::Uuid::nil()),
                    r.to,
                    "",
                    r.to.and_time(chrono::NaiveTime::MIN).and_utc(),
                );
                for (d, m) in marks.iter().enumerate() {
                    a.overall[d] = m.map(|v| (v * 10.0).round().clamp(0.0, 100.0) as u8);
                }
                a
            };
            crate::ui::radar::render(frame, inner, ui, &as_assessment(latest), Some(&as_assessment(first)));
        } else {
            frame.render_widget(Paragraph::new(s.get("report.no_data")), inner);
        }
        // Contacts per week.
        let data: Vec<u64> = r.contacts_per_week.iter().map(|(_, n)| *n as u64).collect();
        let max = data.iter().max().copied().unwrap_or(0);
        let title = format!("{} (max {max})", s.get("report.chart_contacts"));
        frame.render_widget(Sparkline::default().block(block(&title, weekly.width)).data(&data), weekly);
    }
}

impl ReportState {
    /// Exits by outcome: one bar per outcome, the count on it, under it the outcome's name when
    /// it fits the bar, else its short label ("vrw"); below the bars a legend of the short labels
    /// with the whole names when it leaves the bars at least four rows.
    fn render_outcomes(&self, frame: &mut Frame, area: Rect, ui: &Ui, block: Block) {
        const BAR: u16 = 3;
        let s = ui.strings;
        let name = |code: &str| s.get(&format!("outcome.{code}")).to_string();
        let short = |code: &str| s.get(&format!("outcome_short.{code}")).to_string();
        let label = |code: &str| {
            let whole = name(code);
            if whole.chars().count() <= usize::from(BAR) { whole } else { short(code) }
        };
        let bars: Vec<Bar> = self
            .report
            .outcomes
            .iter()
            .map(|(code, n)| Bar::default().value(*n as u64).label(Line::from(label(code))).text_value(n.to_string()))
            .collect();
        let inner = block.inner(area);
        let entries: Vec<String> = self
            .report
            .outcomes
            .iter()
            .filter(|(code, _)| label(code) != name(code))
            .map(|(code, _)| format!("{} {}", short(code), name(code)))
            .collect();
        let legend = legend_lines(&entries, usize::from(inner.width));
        let legend_h = legend.len() as u16;
        let chart = if !legend.is_empty() && inner.height >= legend_h + 6 {
            let [chart, below] = Layout::vertical([Constraint::Min(0), Constraint::Length(legend_h)]).areas(area);
            let lines: Vec<Line> = legend.into_iter().map(|l| Line::from(Span::styled(l, ui.theme.dim()))).collect();
            frame.render_widget(Paragraph::new(lines), below);
            chart
        } else {
            area
        };
        frame.render_widget(
            BarChart::default().block(block).data(BarGroup::default().bars(&bars)).bar_width(BAR).bar_gap(1),
            chart,
        );
    }
}

/// Legend entries ("vrw vrijwilligerswerk") on rows `width` wide, " · " between them, an entry
/// never split over two rows (one wider than a row is cut with "…").
fn legend_lines(entries: &[String], width: usize) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    for e in entries {
        let e = super::fit(e, width);
        match rows.last_mut() {
            Some(row) if row.chars().count() + 3 + e.chars().count() <= width => {
                row.push_str(" · ");
                row.push_str(&e);
            }
            _ => rows.push(e),
        }
    }
    rows
}

impl ReportState {
    /// The reports screen's answer: period, whose caseload, figures or charts, scrolling; the
    /// files are written by the executor.
    pub fn handle(&mut self, input: Input, ctx: &mut Ctx) -> Outcome {
        let Some(action) = input.action else { return Outcome::Ignored };
        match action {
            Action::PrevPeriod | Action::NextPeriod => {
                self.shift(action == Action::NextPeriod);
                self.recompute(ctx.coach);
            }
            Action::PeriodKind => {
                self.next_kind(ctx.today);
                self.recompute(ctx.coach);
            }
            Action::ToggleTeam => {
                self.team = !self.team;
                self.recompute(ctx.coach);
            }
            Action::NextTab => self.charts = !self.charts,
            Action::Down => self.scroll = self.scroll.saturating_add(1),
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::PageDown => self.scroll = self.scroll.saturating_add(self.page.get()),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(self.page.get()),
            Action::WriteReport => return Outcome::one(Effect::WriteReport),
            Action::Back => return Outcome::one(Effect::PopScreen),
            _ => return Outcome::Ignored,
        }
        Outcome::done()
    }
}
