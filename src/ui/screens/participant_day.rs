//! The participant screen's contacts and signals tabs, and the trajectory lines of the profile.
//! The contacts tab has a cursor: the chosen appointment can be moved, cancelled or marked not
//! kept, the chosen contact corrected or withdrawn (see `participant_keys`).

use chrono::NaiveDate;
use ratatui::text::{Line, Span};

use crate::domain::amend::Amendment;
use crate::domain::appointment::{Appointment, AppointmentState};
use crate::domain::contact::RecordId;
use crate::domain::contact::appointment_missing_contact;
use crate::domain::validate::format_date;
use crate::ui::day_data::DayRecords;
use crate::ui::theme::Ui;

fn when(at: chrono::NaiveDateTime) -> String {
    format!("{} {}", format_date(at.date()), at.format("%H:%M"))
}

/// "Bibliotheek  meenemen: brief gemeente  ": the place and the note that are filled in, each
/// followed by two spaces.
fn place_and_note(a: &Appointment) -> String {
    [a.place.as_str(), a.note.as_str()]
        .iter()
        .filter(|x| !x.trim().is_empty())
        .map(|x| format!("{}  ", super::one_line(x)))
        .collect()
}

/// How many past appointments the contacts tab shows (the most recent ones).
const PAST_SHOWN: usize = 5;

/// A line of the contacts tab the cursor can rest on: an appointment or a contact, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayItem {
    Appointment(RecordId),
    Contact(RecordId),
}

/// The appointments the contacts tab shows: the coming ones (soonest first), then the most
/// recent past ones (newest first).
fn shown_appointments(day: &DayRecords, today: NaiveDate) -> (Vec<&Appointment>, Vec<&Appointment>) {
    let coming = day.appointments.iter().filter(|a| a.at.date() >= today).collect();
    let past = day.appointments.iter().rev().filter(|a| a.at.date() < today).take(PAST_SHOWN).collect();
    (coming, past)
}

/// The items of the contacts tab in the order shown.
pub fn contact_items(day: &DayRecords, today: NaiveDate) -> Vec<DayItem> {
    let (coming, past) = shown_appointments(day, today);
    coming
        .into_iter()
        .chain(past)
        .map(|a| DayItem::Appointment(a.id))
        .chain(day.contacts.iter().map(|c| DayItem::Contact(c.id)))
        .collect()
}

/// A changed field as the history shows it: "Kanaal: Telefoon → Huisbezoek".
fn change_text(s: &crate::i18n::Strings, c: &crate::domain::privacy::FieldChange) -> String {
    let shown = |v: &str| -> String {
        if v.is_empty() {
            return "—".into();
        }
        let table = match c.field.as_str() {
            "channel" => "channel",
            "reached" => "reached",
            "initiative" => "initiative",
            "life_areas" => {
                return v.split(", ").map(|a| s.get(&format!("area.{a}")).to_string()).collect::<Vec<_>>().join(", ");
            }
            _ => return v.to_string(),
        };
        s.get(&format!("{table}.{v}")).to_string()
    };
    format!("{}: {} → {}", s.get(&format!("correction_field.{}", c.field)), shown(&c.old), shown(&c.new))
}

/// The history lines under a corrected record, dimmed: what was done, when, by whom, why.
fn history_lines<'a>(ui: &Ui<'a>, history: &[Amendment], lines: &mut Vec<Line<'a>>) {
    let s = ui.strings;
    for h in history {
        let reason = if h.reason.is_empty() { String::new() } else { format!(": {}", h.reason) };
        let mut text = format!(
            "      {} {} {} {}{reason}",
            s.get(&format!("amend.{}", h.kind.code())),
            crate::ui::correction_forms::amended_on(h.at),
            s.get("correction.by"),
            h.by
        );
        let changes: Vec<String> = h.changes.iter().map(|c| change_text(s, c)).collect();
        if !changes.is_empty() {
            text.push_str(&format!(" · {}", changes.join(" · ")));
        }
        lines.push(Line::from(Span::styled(text, ui.theme.dim())));
    }
}

/// Lines for the contacts tab: the coming and recent appointments with how they went, then the
/// contact log, each with its corrections; the chosen item marked "›". Also the line the chosen
/// item starts on, to keep it in sight.
pub fn contact_lines<'a>(
    ui: &Ui<'a>,
    day: &DayRecords,
    today: NaiveDate,
    selected: usize,
    width: u16,
) -> (Vec<Line<'a>>, usize) {
    let s = ui.strings;
    let mut lines = Vec::new();
    let mut at_selected = 0;
    let contacts = &day.contacts;
    let (coming, past) = shown_appointments(day, today);
    let mut n = 0;
    if !coming.is_empty() || !past.is_empty() {
        lines.push(Line::from(Span::styled(s.get("contacts.appointments"), ui.theme.title())));
        for a in coming.iter().chain(&past) {
            if n == selected {
                at_selected = lines.len();
            }
            let (mark, mut style) = super::chosen(n == selected, ui);
            let state = match a.state {
                AppointmentState::Cancelled => format!(" · {}", s.get("appointment_state.cancelled")),
                AppointmentState::NoShow => format!(" · ✗ {}", s.get("appointment_state.no_show")),
                AppointmentState::Planned if appointment_missing_contact(a, contacts, today) => {
                    if n != selected {
                        style = ui.theme.error();
                    }
                    format!(" · ⚠ {}", s.get("contacts.no_contact_logged"))
                }
                AppointmentState::Planned => String::new(),
            };
            if !a.is_planned() && n != selected {
                style = ui.theme.dim();
            }
            let text = format!("{mark} {}  {}{state}", when(a.at), place_and_note(a).trim_end());
            lines.push(Line::from(Span::styled(text, style)));
            history_lines(ui, &a.history, &mut lines);
            n += 1;
        }
        lines.push(Line::from(""));
    }
    lines.push(Line::from(Span::styled(s.get("contacts.log"), ui.theme.title())));
    if contacts.is_empty() {
        lines.push(Line::from(Span::styled(s.get("contacts.none"), ui.theme.dim())));
    }
    for c in contacts {
        if n == selected {
            at_selected = lines.len();
        }
        let (mark, mut style) = super::chosen(n == selected, ui);
        let reached = if c.reached == crate::domain::contact::Reached::Made {
            String::new()
        } else {
            format!(" · ✗ {}", s.get(&format!("reached.{}", c.reached.code())))
        };
        let withdrawn = if c.withdrawn {
            if n != selected {
                style = ui.theme.dim();
            }
            format!(" · {}", s.get("amend.withdrawn"))
        } else {
            String::new()
        };
        lines.push(Line::from(Span::styled(
            format!(
                "{mark} {}  {} · {} min{reached}{withdrawn}",
                when(c.at),
                s.get(&format!("channel.{}", c.channel.code())),
                c.minutes
            ),
            style,
        )));
        if !c.summary.is_empty() {
            lines.extend(super::text_lines(vec![Span::raw("    ")], &c.summary, 4, ui.theme.dim(), width));
        }
        history_lines(ui, &c.history, &mut lines);
        n += 1;
    }
    (lines, at_selected)
}

/// Lines for the signals tab: the signals (the chosen one marked) and the referrals.
pub fn signal_lines<'a>(
    ui: &Ui<'a>,
    day: &DayRecords,
    selected_signal: usize,
    today: NaiveDate,
    width: u16,
) -> Vec<Line<'a>> {
    let s = ui.strings;
    let mut lines = vec![Line::from(Span::styled(s.get("signals.title"), ui.theme.title()))];
    let signals = &day.signals;
    if signals.is_empty() {
        lines.push(Line::from(Span::styled(s.get("signals.none"), ui.theme.dim())));
    }
    for (i, x) in signals.iter().enumerate() {
        let due = if x.follow_up_due(today) { "⚠ " } else { "" };
        let follow =
            x.follow_up.map(|f| format!(" · {} {}", s.get("signal.follow_up"), format_date(f))).unwrap_or_default();
        // The chosen one (`Enter` changes it) is marked, not only coloured.
        let (mark, style) = super::chosen(i == selected_signal, ui);
        lines.push(Line::from(Span::styled(
            format!(
                "{mark} {due}{}  {} → {} · {}{follow}",
                format_date(x.date),
                s.get(&format!("signal_kind.{}", x.kind.code())),
                x.escalated_to,
                s.get(&format!("signal_status.{}", x.status.code())),
            ),
            style,
        )));
        // The note under the signal, as a contact's summary is shown under the contact.
        if !x.note.is_empty() {
            lines.extend(super::text_lines(vec![Span::raw("      ")], &x.note, 6, ui.theme.dim(), width));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(s.get("referrals.title"), ui.theme.title())));
    let referrals = &day.referrals;
    if referrals.is_empty() {
        lines.push(Line::from(Span::styled(s.get("referrals.none"), ui.theme.dim())));
    }
    for (i, r) in referrals.iter().enumerate() {
        let consent = if r.consent { s.get("referral.consent_given") } else { s.get("referral.no_consent") };
        let (mark, style) = super::chosen(signals.len() + i == selected_signal, ui);
        let status =
            |x: crate::domain::signal::ReferralStatus| s.get(&format!("referral_status.{}", x.code())).to_string();
        lines.push(Line::from(Span::styled(
            format!(
                "{mark} {}  {} ({}) · {} · {consent}",
                format_date(r.date),
                r.partner,
                s.get(&format!("partner.{}", r.partner_kind.code())),
                status(r.status),
            ),
            style,
        )));
        // The way it went: each status with its day.
        if !r.steps.is_empty() {
            let first = r.steps.first().map_or(r.status, |x| x.from);
            let mut way = vec![format!("{} {}", format_date(r.date), status(first))];
            way.extend(r.steps.iter().map(|x| format!("{} {}", format_date(x.date), status(x.to))));
            lines.push(Line::from(Span::styled(format!("    {}", way.join(" → ")), ui.theme.dim())));
        }
        if !r.purpose.is_empty() || !r.result.is_empty() {
            let text = [r.purpose.as_str(), r.result.as_str()].join(" ");
            lines.extend(super::text_lines(vec![Span::raw("    ")], text.trim(), 4, ui.theme.dim(), width));
        }
    }
    lines
}

/// Lines for the profile: last contact, next appointment, advice and every status change.
pub fn trajectory_lines(ui: &Ui, day: &DayRecords, today: NaiveDate, width: u16) -> Vec<Line<'static>> {
    let s = ui.strings;
    let mut lines = Vec::new();
    let last = match day.days_since_contact(today) {
        Some(0) => s.get("contacts.today").to_string(),
        Some(1) => s.get("contacts.yesterday").to_string(),
        Some(n) => s.fill("contacts.days_ago", &[("n", &n.to_string())]),
        None => s.get("contacts.never").to_string(),
    };
    lines.push(Line::from(vec![
        Span::styled(format!("  {} ", s.get("contacts.last")), ui.theme.dim()),
        Span::raw(last),
    ]));
    if let Some(a) = day.appointments.iter().find(|a| a.at.date() >= today && a.is_planned()) {
        lines.push(Line::from(vec![
            Span::styled(format!("  {} ", s.get("contacts.next_appointment")), ui.theme.dim()),
            Span::raw(format!("{} {}", when(a.at), a.place)),
        ]));
    }
    if let Some(t) = &day.trajectory {
        if let Some(c) = &t.closing {
            lines.push(Line::from(format!(
                "  {} {} · {}",
                s.get("trajectory.closed_on"),
                format_date(c.end_date),
                s.get(&format!("outcome.{}", c.outcome.code()))
            )));
            lines.extend(advice_lines(ui, &c.advice, width));
        } else if !t.advice.is_empty() {
            lines.extend(advice_lines(ui, &t.advice, width));
        }
        for c in &t.history {
            // A closing's reason is its outcome, stored as a code: shown in words.
            let reason = match crate::domain::trajectory::ExitOutcome::parse(&c.reason) {
                Some(o) if c.to == crate::domain::Status::Closed => {
                    format!(" · {}", s.get(&format!("outcome.{}", o.code())))
                }
                _ if c.reason.is_empty() => String::new(),
                _ => format!(" · {}", c.reason),
            };
            lines.push(Line::from(Span::styled(
                format!(
                    "  {} {} → {}{reason}",
                    format_date(c.date),
                    s.get(&format!("status.{}", c.from.code())),
                    s.get(&format!("status.{}", c.to.code()))
                ),
                ui.theme.dim(),
            )));
        }
    }
    lines
}

/// The advice, whole: "  Advies: " and its first line, the next lines under it.
fn advice_lines(ui: &Ui, advice: &str, width: u16) -> Vec<Line<'static>> {
    let head = format!("  {}: ", ui.strings.get("trajectory.advice"));
    let indent = head.chars().count();
    super::text_lines(vec![Span::styled(head, ui.theme.dim())], advice, indent, ui.theme.dim(), width)
}
