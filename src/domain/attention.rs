//! The coach's attention list: who needs what today, each line saying why, ranked by urgency.
//! Every rule works from an injected "today"; weekends and public holidays are not working days.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::goal::Goal;
use super::holidays::holiday;
use super::signal::Signal;
use super::trajectory::Trajectory;
use super::{Participant, ParticipantId, Status};

pub fn is_working_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && holiday(d).is_none()
}

/// Working days after `from` up to and including `to` (0 when `to` is not after `from`).
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let mut n = 0;
    let mut d = from + Duration::days(1);
    while d <= to {
        if is_working_day(d) {
            n += 1;
        }
        d += Duration::days(1);
    }
    n
}

/// The thresholds of the rules.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// A referral needs a first contact within this many working days.
    pub first_contact_working_days: i64,
    /// No contact made for more than this many days needs attention.
    pub max_days_without_contact: i64,
    /// A trajectory ending within this many days needs an advice.
    pub advice_days: i64,
    /// An extension must be decided this many days before the planned end.
    pub extension_days: i64,
}

impl Default for Rules {
    fn default() -> Self {
        Rules { first_contact_working_days: 5, max_days_without_contact: 14, advice_days: 30, extension_days: 60 }
    }
}

/// Why someone is on the list. The order is the category order on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Some of this participant's records could not be read (`what`: the kind, e.g. "contact"):
    /// the rules cannot be trusted for them, so the damage itself is what needs attention.
    Unreadable { what: &'static str },
    /// New referral, no contact made after this many working days.
    NoFirstContact { working_days: i64 },
    /// Follow-up date of a signal has come.
    SignalDue { kind: &'static str, follow_up: NaiveDate },
    /// No contact made for this many days (`None`: never).
    NoContact { days: Option<i64> },
    /// Planned end within the advice window (negative: already past), no advice written.
    EndingWithoutAdvice { days_left: i64 },
    /// Active, not extended, planned end coming: extend or close.
    ExtensionDue { days_left: i64 },
    /// A goal past its target date.
    GoalOverdue { goal: String, days: i64 },
    /// A place came free in a module the participant was waiting for.
    PlaceFreed { module: String, from: NaiveDate },
}

impl Reason {
    /// The category, for counts and the string table.
    pub fn category(&self) -> &'static str {
        match self {
            Reason::Unreadable { .. } => "unreadable",
            Reason::NoFirstContact { .. } => "no_first_contact",
            Reason::SignalDue { .. } => "signal_due",
            Reason::NoContact { .. } => "no_contact",
            Reason::EndingWithoutAdvice { .. } => "ending_without_advice",
            Reason::ExtensionDue { .. } => "extension_due",
            Reason::GoalOverdue { .. } => "goal_overdue",
            Reason::PlaceFreed { .. } => "place_freed",
        }
    }

    /// Higher is more urgent: unreadable records first, then due signals, then first contacts, then trajectories ending without
    /// advice, long silences, extension decisions, freed places and overdue goals; within a
    /// category, the later the higher. Categories never overtake each other.
    pub fn urgency(&self) -> i64 {
        match self {
            Reason::Unreadable { .. } => 1000,
            Reason::SignalDue { .. } => 900,
            Reason::NoFirstContact { working_days } => 750 + (*working_days).min(99),
            Reason::EndingWithoutAdvice { days_left } => 680 - (*days_left).clamp(-69, 30),
            Reason::NoContact { days } => 500 + days.unwrap_or(60).min(149),
            Reason::ExtensionDue { days_left } => 400 - (*days_left).clamp(0, 60),
            Reason::PlaceFreed { .. } => 330,
            Reason::GoalOverdue { days, .. } => 200 + (*days).min(99),
        }
    }
}

pub const CATEGORIES: [&str; 8] = [
    "unreadable",
    "no_first_contact",
    "signal_due",
    "no_contact",
    "ending_without_advice",
    "extension_due",
    "goal_overdue",
    "place_freed",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub participant: ParticipantId,
    pub reason: Reason,
}

/// What the rules look at for one participant.
pub struct Facts<'a> {
    pub participant: &'a Participant,
    /// The day of the last contact made (failed attempts do not count).
    pub last_made: Option<NaiveDate>,
    pub goals: &'a [Goal],
    pub signals: &'a [Signal],
    pub trajectory: Option<&'a Trajectory>,
    /// (module name, first session with a place) for modules they waited for and now have a place in.
    pub places_freed: &'a [(String, NaiveDate)],
    /// The kind of record that could not be read for this participant, if any: then only that
    /// is reported, since the other rules would work from incomplete facts.
    pub unreadable: Option<&'static str>,
}

/// Every reason this participant needs attention today.
pub fn reasons(f: &Facts, today: NaiveDate, rules: &Rules) -> Vec<Reason> {
    let p = f.participant;
    let mut out = Vec::new();
    if let Some(what) = f.unreadable {
        out.push(Reason::Unreadable { what });
        return out;
    }
    if p.status == Status::Closed {
        return out;
    }
    if p.status == Status::Referred && f.last_made.is_none() {
        let since = p.referral.date.unwrap_or(p.created_at.date_naive());
        let wd = working_days_between(since, today);
        if wd > rules.first_contact_working_days {
            out.push(Reason::NoFirstContact { working_days: wd });
        }
    }
    if p.status != Status::Referred {
        match f.last_made.map(|d| (today - d).num_days()) {
            Some(days) if days > rules.max_days_without_contact => out.push(Reason::NoContact { days: Some(days) }),
            None if p.start_date.is_some_and(|s| (today - s).num_days() > rules.max_days_without_contact) => {
                out.push(Reason::NoContact { days: None })
            }
            _ => {}
        }
    }
    if let Some(end) = p.planned_end_date {
        let days_left = (end - today).num_days();
        let advice = f.trajectory.is_some_and(Trajectory::has_advice);
        if matches!(p.status, Status::Active | Status::Extended) && days_left <= rules.advice_days && !advice {
            out.push(Reason::EndingWithoutAdvice { days_left });
        }
        let extended = f.trajectory.is_some_and(Trajectory::was_extended);
        if p.status == Status::Active && !extended && days_left <= rules.extension_days && days_left > rules.advice_days
        {
            out.push(Reason::ExtensionDue { days_left });
        }
    }
    for g in f.goals.iter().filter(|g| g.is_overdue(today)) {
        let days = g.target.map_or(0, |t| (today - t).num_days());
        out.push(Reason::GoalOverdue { goal: g.text.clone(), days });
    }
    for s in f.signals.iter().filter(|s| s.follow_up_due(today)) {
        out.push(Reason::SignalDue { kind: s.kind.code(), follow_up: s.follow_up.unwrap_or(today) });
    }
    for (module, from) in f.places_freed {
        out.push(Reason::PlaceFreed { module: module.clone(), from: *from });
    }
    out
}

impl Reason {
    /// How late, unbounded, to order within a category beyond what `urgency` tells apart.
    fn lateness(&self) -> i64 {
        match self {
            Reason::NoFirstContact { working_days } => *working_days,
            Reason::EndingWithoutAdvice { days_left } | Reason::ExtensionDue { days_left } => -days_left,
            Reason::NoContact { days } => days.unwrap_or(i64::MAX),
            Reason::GoalOverdue { days, .. } => *days,
            // The longer past its follow-up date, the higher; the sooner a place starts, too.
            Reason::SignalDue { follow_up, .. } => -i64::from(follow_up.num_days_from_ce()),
            Reason::PlaceFreed { from, .. } => -i64::from(from.num_days_from_ce()),
            Reason::Unreadable { .. } => 0,
        }
    }
}

/// The whole list, most urgent first.
pub fn ranked(mut items: Vec<Item>) -> Vec<Item> {
    items.sort_by(|a, b| {
        b.reason
            .urgency()
            .cmp(&a.reason.urgency())
            .then(b.reason.lateness().cmp(&a.reason.lateness()))
            .then(a.participant.cmp(&b.participant))
    });
    items
}

#[cfg(test)]
mod tests;
