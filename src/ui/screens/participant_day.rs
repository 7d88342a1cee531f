//! The participant screen's contacts and signals tabs, and the trajectory lines of the profile.

use chrono::NaiveDate;
use ratatui::text::{Line, Span};

use crate::domain::contact::appointment_missing_contact;
use crate::domain::validate::format_date;
use crate::ui::day_data::DayRecords;
use crate::ui::theme::Ui;

fn when(at: chrono::NaiveDateTime) -> String {
    format!("{} {}", format_date(at.date()), at.format("%H:%M"))
}

/// "Bibliotheek  meenemen: brief gemeente  ": the place and the note that are filled in, each
/// followed by two spaces.
fn place_and_note(a: &crate::domain::contact::Appointment) -> String {
    [a.place.as_str(), a.note.as_str()].iter().filter(|x| !x.trim().is_empty()).map(|x| format!("{x}  ")).collect()
}

/// Lines for the contacts tab: coming and missed appointments, then the contact log.
pub fn contact_lines<'a>(ui: &Ui<'a>, day: &DayRecords, today: NaiveDate) -> Vec<Line<'a>> {
    let s = ui.strings;
    let mut lines = Vec::new();
    let contacts = &day.contacts;
    let appointments: Vec<_> = day.appointments.iter().collect();
    let coming: Vec<_> = appointments.iter().filter(|a| a.at.date() >= today).collect();
    let missed: Vec<_> = appointments.iter().filter(|a| appointment_missing_contact(a, contacts, today)).collect();
    if !coming.is_empty() || !missed.is_empty() {
        lines.push(Line::from(Span::styled(s.get("contacts.appointments"), ui.theme.title())));
        for a in coming {
            lines.push(Line::from(format!("  {}  {}", when(a.at), place_and_note(a).trim_end())));
        }
        for a in missed.iter().rev().take(3) {
            lines.push(Line::from(Span::styled(
                format!("  ⚠ {}  {}({})", when(a.at), place_and_note(a), s.get("contacts.no_contact_logged")),
                ui.theme.error(),
            )));
        }
        lines.push(Line::from(""));
    }
    lines.push(Line::from(Span::styled(s.get("contacts.log"), ui.theme.title())));
    if contacts.is_empty() {
        lines.push(Line::from(Span::styled(s.get("contacts.none"), ui.theme.dim())));
    }
    for c in contacts {
        let reached = if c.made() {
            String::new()
        } else {
            format!(" · ✗ {}", s.get(&format!("reached.{}", c.reached.code())))
        };
        lines.push(Line::from(format!(
            "{}  {} · {} min{reached}",
            when(c.at),
            s.get(&format!("channel.{}", c.channel.code())),
            c.minutes
        )));
        if !c.summary.is_empty() {
            lines.push(Line::from(Span::styled(format!("    {}", c.summary), ui.theme.dim())));
        }
    }
    lines
}

/// Lines for the signals tab: the signals (the chosen one marked) and the referrals.
pub fn signal_lines<'a>(ui: &Ui<'a>, day: &DayRecords, selected_signal: usize, today: NaiveDate) -> Vec<Line<'a>> {
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
            lines.push(Line::from(Span::styled(format!("      {}", x.note), ui.theme.dim())));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(s.get("referrals.title"), ui.theme.title())));
    let referrals = &day.referrals;
    if referrals.is_empty() {
        lines.push(Line::from(Span::styled(s.get("referrals.none"), ui.theme.dim())));
    }
    for r in referrals {
        let consent = if r.consent { s.get("referral.consent_given") } else { s.get("referral.no_consent") };
        lines.push(Line::from(format!(
            "{}  {} ({}) · {} · {consent}",
            format_date(r.date),
            r.partner,
            s.get(&format!("partner.{}", r.partner_kind.code())),
            s.get(&format!("referral_status.{}", r.status.code())),
        )));
        if !r.purpose.is_empty() || !r.result.is_empty() {
            lines.push(Line::from(Span::styled(format!("    {} {}", r.purpose, r.result), ui.theme.dim())));
        }
    }
    lines
}

/// Lines for the profile: last contact, next appointment, advice and every status change.
pub fn trajectory_lines(ui: &Ui, day: &DayRecords, today: NaiveDate) -> Vec<Line<'static>> {
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
    if let Some(a) = day.appointments.iter().find(|a| a.at.date() >= today) {
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
            lines.push(Line::from(Span::styled(
                format!("  {}: {}", s.get("trajectory.advice"), c.advice),
                ui.theme.dim(),
            )));
        } else if !t.advice.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("  {}: {}", s.get("trajectory.advice"), t.advice),
                ui.theme.dim(),
            )));
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
