//! Drawing: receives the state read-only and never changes it.

use chrono::{Datelike, NaiveDate, Weekday};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::app::{App, Popup, Screen};
use super::keymap::{self, bindings_for};
use super::layer::ReasonKind;
use super::theme::Ui;
use crate::domain::form_kind::FormKind;
use crate::domain::validate::format_date;
use crate::i18n::Strings;

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width < 2 || area.height < 3 {
        // Too small for anything useful; draw nothing rather than fail.
        return;
    }
    let ui = Ui { strings: &app.strings, theme: app.theme };
    if let Some(lock) = app.locked() {
        super::lock::render(frame, &ui, lock, app.demo_passphrase);
        return;
    }
    let [header, body, footer] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(footer_height(app, area))])
            .areas(area);
    render_header(frame, header, &ui, app);
    let inner = Rect { x: body.x + 1, width: body.width.saturating_sub(2), ..body };
    match app.screen() {
        Screen::Start(s) => s.render(frame, inner, &ui, &app.start, &app.caseload),
        Screen::List(s) => s.render(frame, inner, &ui, &app.caseload, app.contact_summaries.as_ref(), app.today),
        Screen::Search(s) => s.render(frame, inner, &ui, &app.caseload),
        Screen::Participant(s) => match app.caseload.by_id(s.id) {
            Some(p) => s.render(frame, inner, &ui, p, &app.modules, app.today),
            None => frame.render_widget(Paragraph::new(ui.strings.get("participant.gone")), inner),
        },
        Screen::Assessment(a) => a.render(frame, inner, &ui, app.today),
        Screen::Catalogue(c) => c.render(frame, inner, &ui, &app.modules, app.today),
        Screen::Module(m) => m.render(frame, inner, &ui, &app.modules, &app.caseload, app.today),
        Screen::Week(w) => w.render(frame, inner, &ui, &app.modules, &app.caseload, app.today),
        Screen::Roster(r) => r.render(frame, inner, &ui, &app.modules, &app.caseload),
        Screen::Enrol(e) => e.render(frame, inner, &ui, &app.modules, &app.caseload),
        Screen::Retention(r) => r.render(frame, inner, &ui, &app.caseload),
        Screen::Reports(r) => r.render(frame, inner, &ui),
        Screen::Conflicts(c) => c.render(frame, inner, &ui, &app.caseload),
        Screen::Form(f) => {
            let [title, fields] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
            frame.render_widget(Paragraph::new(Span::styled(f.form.title.clone(), ui.theme.title())), title);
            f.form.render(frame, fields, &ui);
        }
    }
    render_footer(frame, footer, &ui, app);
    if let Some(p) = app.popup() {
        render_popup(frame, body, &ui, app, p);
    }
}

fn screen_title<'a>(app: &App, s: &'a Strings) -> &'a str {
    match app.screen() {
        Screen::Start(_) => s.get("screen.start"),
        Screen::List(_) => s.get("screen.list"),
        Screen::Search(_) => s.get("screen.search"),
        Screen::Participant(_) => s.get("screen.participant"),
        Screen::Form(f) => form_title(f.form.kind, s),
        Screen::Assessment(_) => s.get("screen.assessment"),
        Screen::Catalogue(_) | Screen::Module(_) => s.get("screen.modules"),
        Screen::Week(_) => s.get("screen.week"),
        Screen::Roster(_) => s.get("screen.roster"),
        Screen::Enrol(_) => s.get("screen.enrol"),
        Screen::Retention(_) => s.get("screen.retention"),
        Screen::Reports(_) => s.get("screen.reports"),
        Screen::Conflicts(_) => s.get("screen.conflicts"),
    }
}

/// The header of a form's screen.
fn form_title(kind: FormKind, s: &Strings) -> &str {
    match kind {
        FormKind::Intake => s.get("screen.intake"),
        FormKind::EditParticipant(_) => s.get("screen.edit_short"),
        FormKind::Contact(_)
        | FormKind::Appointment(_)
        | FormKind::Extend(_)
        | FormKind::Reopen(_)
        | FormKind::Advice(_)
        | FormKind::Close(_)
        | FormKind::Signal { .. }
        | FormKind::Referral(_)
        | FormKind::MoveAppointment { .. }
        | FormKind::CancelAppointment { .. }
        | FormKind::CorrectContact { .. }
        | FormKind::WithdrawContact { .. }
        | FormKind::UpdateReferral { .. }
        | FormKind::Consent { .. } => s.get("screen.participant"),
        FormKind::Goal { .. } => s.get("screen.goal"),
        FormKind::Module(_) => s.get("screen.module_form"),
        FormKind::Closure => s.get("screen.closure"),
    }
}

/// The string key of a weekday's short name ("ma", "di", ...).
pub fn weekday_key(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "day.mon",
        Weekday::Tue => "day.tue",
        Weekday::Wed => "day.wed",
        Weekday::Thu => "day.thu",
        Weekday::Fri => "day.fri",
        Weekday::Sat => "day.sat",
        Weekday::Sun => "day.sun",
    }
}

/// "di 24-11-2026 · week 48" in Dutch, "Tue 24-11-2026 · week 48" in English.
pub fn date_label(today: NaiveDate, s: &Strings) -> String {
    let day = weekday_key(today.weekday());
    let week = today.iso_week().week().to_string();
    format!("{} {} · {}", s.get(day), format_date(today), s.fill("header.week", &[("n", &week)]))
}

fn render_header(frame: &mut Frame, area: Rect, ui: &Ui, app: &App) {
    let left = format!(" meedoen · {}", screen_title(app, ui.strings));
    let sync = app.sync_label();
    let right = if sync.is_empty() {
        format!("{} ", date_label(app.today, ui.strings))
    } else {
        format!("{sync} · {} ", date_label(app.today, ui.strings))
    };
    let w = area.width as usize;
    let (lw, rw) = (left.chars().count(), right.chars().count());
    let text = if lw + rw < w { format!("{left}{}{right}", " ".repeat(w - lw - rw)) } else { left };
    frame.render_widget(Paragraph::new(text).style(ui.theme.header()), area);
}

/// A message in the footer, wrapped at words; its first line starts one column in.
fn flash_paragraph<'a>(msg: &str, style: ratatui::style::Style) -> Paragraph<'a> {
    Paragraph::new(Span::styled(format!(" {msg}"), style)).wrap(ratatui::widgets::Wrap { trim: false })
}

/// The footer is one line of keys, or as many lines as the message needs (a file name in it is
/// never cut off), up to a third of the screen.
fn footer_height(app: &App, area: Rect) -> u16 {
    let Some((msg, _)) = &app.flash else { return 1 };
    let lines = flash_paragraph(msg, ratatui::style::Style::default()).line_count(area.width);
    u16::try_from(lines).unwrap_or(u16::MAX).clamp(1, (area.height / 3).max(1))
}

fn render_footer(frame: &mut Frame, area: Rect, ui: &Ui, app: &App) {
    if let Some((msg, is_error)) = &app.flash {
        let style = if *is_error { ui.theme.error() } else { ui.theme.ok() };
        frame.render_widget(flash_paragraph(msg, style), area);
        return;
    }
    let (contexts, typing) = app.contexts();
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    // Whole hints only: what does not fit is in the help overlay, so the help key always shows.
    let mut hints = bindings_for(&contexts, typing, true);
    hints.sort_by_key(|b| b.action != keymap::Action::Help);
    for b in hints {
        let first = b.keys.first().map(|k| k.label(ui.strings)).unwrap_or_default();
        let text = format!(" {}  ", ui.strings.get(b.describe));
        let w = first.chars().count() + text.chars().count();
        if used + w > area.width as usize + 2 {
            break;
        }
        used += w;
        spans.push(Span::styled(first, ui.theme.footer_key()));
        spans.push(Span::raw(text));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

fn render_popup(frame: &mut Frame, area: Rect, ui: &Ui, app: &App, popup: &Popup) {
    let s = ui.strings;
    let (title, lines): (String, Vec<Line>) = match popup {
        Popup::Help => {
            let (contexts, typing) = app.screen_contexts();
            let entries: Vec<(String, String)> = bindings_for(&contexts, typing, false)
                .into_iter()
                .map(|b| (keymap::keys_label(b, s), s.get(b.describe).to_string()))
                .collect();
            (s.get("help.title").to_string(), help_lines(ui, &entries, area.height))
        }
        Popup::Confirm { message, .. } => (s.get("confirm.title").to_string(), vec![Line::from(message.clone())]),
        Popup::DraftOffer { description, .. } | Popup::AssessmentOffer { description, .. } => {
            (s.get("draft.title").to_string(), vec![Line::from(description.clone())])
        }
        Popup::Reason { kind, message, reason } => (
            s.get(match kind {
                ReasonKind::Correction { .. } => "reason.title_correction",
                ReasonKind::Withdraw(..) => "reason.title_withdraw",
                ReasonKind::Restore(..) => "reason.title_restore",
            })
            .to_string(),
            vec![
                Line::from(message.clone()),
                Line::raw(""),
                Line::from(vec![
                    Span::raw(s.get("reason.label").to_string()),
                    Span::styled(format!("{reason}_"), ui.theme.input()),
                ]),
            ],
        ),
        Popup::Erase { description, typed, .. } => (
            s.get("erase.title").to_string(),
            vec![
                Line::from(description.clone()),
                Line::raw(""),
                Line::from(vec![
                    Span::raw(s.get("erase.type_number").to_string()),
                    Span::styled(format!("{typed}_"), ui.theme.input()),
                ]),
            ],
        ),
    };
    let (contexts, typing) = app.contexts();
    let mut footer = Vec::new();
    for b in bindings_for(&contexts, typing, true) {
        footer.push(Span::styled(keymap::keys_label(b, ui.strings), ui.theme.footer_key()));
        footer.push(Span::raw(format!(" {}   ", s.get(b.describe))));
    }
    let width = lines
        .iter()
        .map(|l| l.width())
        .max()
        .unwrap_or(20)
        .max(footer.iter().map(|s| s.width()).sum())
        .max(title.chars().count() + 4) as u16
        + 4;
    let width = width.min(area.width.saturating_sub(2)).max(10);
    // A long message wraps: the window grows to hold every line of it.
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let wrapped: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let height = u16::try_from(wrapped).unwrap_or(u16::MAX).saturating_add(4);
    let rect = centered(area, width, height);
    frame.render_widget(Clear, rect);
    let block = Block::default().borders(Borders::ALL).title(Span::styled(format!(" {title} "), ui.theme.title()));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [body, foot] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(inner);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    frame.render_widget(Paragraph::new(Line::from(footer)), foot);
}

/// The key list of the help window: one column, or two when one column is taller than the screen
/// leaves room for (the window's borders, title and footer take four rows).
fn help_lines(ui: &Ui, entries: &[(String, String)], height: u16) -> Vec<Line<'static>> {
    let key_w = entries.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0) + 2;
    let cell = |(k, d): &(String, String)| {
        vec![Span::styled(format!("{k:<key_w$}"), ui.theme.footer_key()), Span::raw(d.clone())]
    };
    if entries.len() <= usize::from(height.saturating_sub(4)) {
        return entries.iter().map(|e| Line::from(cell(e))).collect();
    }
    let half = entries.len().div_ceil(2);
    let (left, right) = entries.split_at(half);
    let col_w = left.iter().map(|(_, d)| key_w + d.chars().count()).max().unwrap_or(0) + 3;
    left.iter()
        .enumerate()
        .map(|(i, e)| {
            let mut spans = cell(e);
            if let Some(r) = right.get(i) {
                spans.push(Span::raw(" ".repeat(col_w - key_w - e.1.chars().count())));
                spans.extend(cell(r));
            }
            Line::from(spans)
        })
        .collect()
}
