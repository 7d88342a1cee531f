//! The period report: the figures a municipality and the ESF+ administration ask for, each with
//! its denominator. Pure: the caller hands in the records; nothing here reads the store.
//!
//! Definitions (also in README.md):
//! - a participant is **reached** in the period when their trajectory overlaps it: entry (start
//!   date, else referral date, else registration) on or before the end, and not closed before
//!   the start; **new** when the entry falls in the period; **closed** when the trajectory's end
//!   date does.
//! - Records count when dated inside the period (contacts, attendance, closings); goals and
//!   Positive Health conversations count when dated on or before its end.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::contact::{Contact, Reached};
use super::esf::{AgeBand, EsfEntry, EsfExit};
use super::goal::{Goal, GoalStatus};
use super::health::{Assessment, DIMENSIONS};
use super::module::{Attendance, Closure, Enrolment, EnrolmentStatus, Mark, Module, simulate};
use super::trajectory::{ExitOutcome, Trajectory};
use super::{Participant, ParticipantId, Status, same_coach};

/// A figure and what it is a share or mean of.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ratio {
    /// The share (0-1) or the mean; `None` when the denominator is zero ("no data").
    pub value: Option<f64>,
    pub numerator: f64,
    pub denominator: usize,
}

impl Ratio {
    pub fn of(numerator: f64, denominator: usize) -> Ratio {
        Ratio { value: (denominator > 0).then(|| numerator / denominator as f64), numerator, denominator }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthChange {
    pub dimension: usize,
    /// Mean of (latest − first) mark over the participants with both.
    pub mean_change: Ratio,
    pub improved: Ratio,
    pub declined: Ratio,
    /// Group means at the first and the latest conversation (the spider webs).
    pub mean_first: Option<f64>,
    pub mean_latest: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModuleFigures {
    pub module: String,
    /// Present among the attendance marks recorded in the period.
    pub attendance: Ratio,
    /// Completed among the enrolments that ended (completed or stopped) in the period.
    pub completion: Ratio,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub coach: Option<String>,
    pub reached: usize,
    pub new: usize,
    /// Reached and not closed before the end of the period.
    pub active: usize,
    pub closed: usize,
    pub by_municipality: BTreeMap<String, usize>,
    pub by_neighbourhood: BTreeMap<String, usize>,
    /// Contacts in the period per reached participant per month.
    pub contacts_per_participant_month: Ratio,
    pub contacts: usize,
    /// Attempts that did not reach the participant, among all contacts in the period.
    pub failed_attempts: Ratio,
    /// Contacts per ISO week of the period (for the sparkline), oldest first.
    pub contacts_per_week: Vec<(String, usize)>,
    /// Achieved goals among the goals of reached participants.
    pub goals_achieved: Ratio,
    /// Reached participants with a goal who achieved at least one.
    pub participants_with_goal_achieved: Ratio,
    pub health: Vec<HealthChange>,
    /// Participation ladder, first against latest: up, same, down (denominator: both known).
    pub ladder_up: Ratio,
    pub ladder_same: Ratio,
    pub ladder_down: Ratio,
    pub modules: Vec<ModuleFigures>,
    /// Closed in the period, per outcome code, in the order of [`ExitOutcome::ALL`].
    pub outcomes: Vec<(&'static str, usize)>,
    /// ESF+ at entry, over the participants new in the period: (characteristic, answer, count).
    pub esf_entry: Vec<(&'static str, &'static str, usize)>,
    /// ESF+ at exit, over the participants closed in the period: (result, answer, count).
    pub esf_exit: Vec<(&'static str, &'static str, usize)>,
    /// Days from start to end, over the trajectories closed in the period.
    pub mean_duration_days: Ratio,
    /// Reached trajectories that were extended.
    pub extended: Ratio,
}

/// Everything the report reads.
pub struct Inputs<'a> {
    pub participants: &'a [Participant],
    pub trajectories: &'a [Trajectory],
    pub contacts: &'a [Contact],
    pub goals: &'a [Goal],
    pub assessments: &'a [Assessment],
    pub modules: &'a [Module],
    pub enrolments: &'a [Enrolment],
    pub attendance: &'a [Attendance],
    pub closures: &'a [Closure],
}

/// The day a participant's trajectory began.
pub fn entry_date(p: &Participant) -> NaiveDate {
    p.start_date.or(p.referral.date).unwrap_or_else(|| p.created_at.date_naive())
}

/// Computes the report for `from..=to`, for one coach's caseload or (with `None`) everyone.
pub fn compute(inp: &Inputs, from: NaiveDate, to: NaiveDate, coach: Option<&str>) -> Report {
    let closing: HashMap<ParticipantId, &Trajectory> = inp.trajectories.iter().map(|t| (t.participant, t)).collect();
    let end_of = |p: &Participant| {
        closing.get(&p.id).and_then(|t| t.closing.as_ref()).map(|c| c.end_date).filter(|_| p.status == Status::Closed)
    };
    let reached: Vec<&Participant> = inp
        .participants
        .iter()
        .filter(|p| coach.is_none_or(|c| same_coach(&p.coach, c)))
        .filter(|p| entry_date(p) <= to && end_of(p).is_none_or(|e| e >= from))
        .collect();
    let ids: HashMap<ParticipantId, &Participant> = reached.iter().map(|p| (p.id, *p)).collect();
    let in_period = |d: NaiveDate| d >= from && d <= to;
    let new: Vec<&&Participant> = reached.iter().filter(|p| in_period(entry_date(p))).collect();
    let closed: Vec<&&Participant> = reached.iter().filter(|p| end_of(p).is_some_and(in_period)).collect();
    let mut by_municipality = BTreeMap::new();
    let mut by_neighbourhood = BTreeMap::new();
    for p in &reached {
        let or_unknown = |s: &str| if s.trim().is_empty() { "—".to_string() } else { s.trim().to_string() };
        *by_municipality.entry(or_unknown(&p.municipality)).or_insert(0) += 1;
        *by_neighbourhood.entry(or_unknown(&p.neighbourhood)).or_insert(0) += 1;
    }

    // Contacts.
    let contacts: Vec<&Contact> = inp
        .contacts
        .iter()
        .filter(|c| c.counts() && ids.contains_key(&c.participant) && in_period(c.at.date()))
        .collect();
    let months = ((to - from).num_days() + 1) as f64 / (365.25 / 12.0);
    let per_month = Ratio::of(contacts.len() as f64 / months.max(1.0 / 30.0), reached.len());
    let failed = contacts.iter().filter(|c| c.reached != Reached::Made).count();
    let mut weeks: BTreeMap<(i32, u32), usize> = BTreeMap::new();
    let mut d = from;
    while d <= to {
        let w = d.iso_week();
        weeks.entry((w.year(), w.week())).or_insert(0);
        d += chrono::Duration::days(7);
    }
    let w = to.iso_week();
    weeks.entry((w.year(), w.week())).or_insert(0);
    for c in &contacts {
        let w = c.at.date().iso_week();
        *weeks.entry((w.year(), w.week())).or_insert(0) += 1;
    }

    // Goals.
    let goals: Vec<&Goal> =
        inp.goals.iter().filter(|g| ids.contains_key(&g.participant) && g.created_at.date_naive() <= to).collect();
    let achieved = |g: &&Goal| g.status == GoalStatus::Achieved && g.status_date <= to;
    let with_goal: HashMap<ParticipantId, bool> = goals.iter().fold(HashMap::new(), |mut m, g| {
        *m.entry(g.participant).or_insert(false) |= achieved(g);
        m
    });

    // Positive Health and the ladder: first and latest conversation on or before the end (a
    // conversation withdrawn as saved by mistake does not count).
    let mut convs: HashMap<ParticipantId, Vec<&Assessment>> = HashMap::new();
    for a in inp.assessments.iter().filter(|a| ids.contains_key(&a.participant) && a.date <= to && !a.is_withdrawn()) {
        convs.entry(a.participant).or_default().push(a);
    }
    let pairs: Vec<(&Assessment, &Assessment)> = convs
        .values_mut()
        .filter(|v| v.len() >= 2)
        .filter_map(|v| {
            v.sort_by_key(|a| a.date);
            Some((*v.first()?, *v.last()?))
        })
        .collect();
    let health = (0..DIMENSIONS)
        .map(|d| {
            let marks: Vec<(f64, f64)> = pairs.iter().filter_map(|(f, l)| Some((f.mark(d)?, l.mark(d)?))).collect();
            let n = marks.len();
            let mean = |xs: &mut dyn Iterator<Item = f64>| (n > 0).then(|| xs.sum::<f64>() / n as f64);
            HealthChange {
                dimension: d,
                mean_change: Ratio::of(marks.iter().map(|(f, l)| l - f).sum(), n),
                improved: Ratio::of(marks.iter().filter(|(f, l)| l > f).count() as f64, n),
                declined: Ratio::of(marks.iter().filter(|(f, l)| l < f).count() as f64, n),
                mean_first: mean(&mut marks.iter().map(|(f, _)| *f)),
                mean_latest: mean(&mut marks.iter().map(|(_, l)| *l)),
            }
        })
        .collect();
    let ladders: Vec<(u8, u8)> = pairs.iter().filter_map(|(f, l)| Some((f.ladder?, l.ladder?))).collect();
    let count = |pred: fn(&(u8, u8)) -> bool| ladders.iter().filter(|x| pred(x)).count() as f64;

    // Modules: attendance marks in the period; enrolments that ended in it.
    let modules = inp
        .modules
        .iter()
        .map(|m| {
            let mut present = 0;
            let mut marks = 0;
            for a in inp.attendance.iter().filter(|a| a.module == m.id && in_period(a.date)) {
                for (who, mark) in &a.marks {
                    if ids.contains_key(who) {
                        marks += 1;
                        present += usize::from(*mark == Mark::Present);
                    }
                }
            }
            let schedule = simulate(m, inp.closures, inp.enrolments, inp.attendance, to, to);
            let (mut completed, mut ended) = (0, 0);
            for e in inp.enrolments.iter().filter(|e| e.module == m.id && ids.contains_key(&e.participant)) {
                let Some(progress) = schedule.progress.get(&e.id) else { continue };
                match progress.status {
                    EnrolmentStatus::Completed if progress.completed.is_some_and(in_period) => {
                        completed += 1;
                        ended += 1;
                    }
                    EnrolmentStatus::Stopped if e.stopped_on.is_some_and(in_period) => ended += 1,
                    _ => {}
                }
            }
            ModuleFigures {
                module: m.name.clone(),
                attendance: Ratio::of(present as f64, marks),
                completion: Ratio::of(f64::from(completed), ended as usize),
            }
        })
        .collect();

    // Exits.
    let closings: Vec<(&Participant, &Trajectory)> =
        closed.iter().filter_map(|p| closing.get(&p.id).map(|t| (**p, *t))).collect();
    let outcomes = ExitOutcome::ALL
        .iter()
        .map(|o| {
            (o.code(), closings.iter().filter(|(_, t)| t.closing.as_ref().is_some_and(|c| c.outcome == *o)).count())
        })
        .collect();
    let durations: Vec<i64> =
        closings.iter().filter_map(|(p, t)| Some((t.closing.as_ref()?.end_date - p.start_date?).num_days())).collect();
    let extended = reached.iter().filter(|p| closing.get(&p.id).is_some_and(|t| t.was_extended())).count();

    Report {
        from,
        to,
        coach: coach.map(str::to_string),
        reached: reached.len(),
        new: new.len(),
        active: reached.iter().filter(|p| end_of(p).is_none_or(|e| e > to)).count(),
        closed: closed.len(),
        by_municipality,
        by_neighbourhood,
        contacts_per_participant_month: per_month,
        contacts: contacts.len(),
        failed_attempts: Ratio::of(failed as f64, contacts.len()),
        contacts_per_week: weeks.into_iter().map(|((y, w), n)| (format!("{y}-W{w:02}"), n)).collect(),
        goals_achieved: Ratio::of(goals.iter().filter(|g| achieved(g)).count() as f64, goals.len()),
        participants_with_goal_achieved: Ratio::of(with_goal.values().filter(|a| **a).count() as f64, with_goal.len()),
        health,
        ladder_up: Ratio::of(count(|(f, l)| l > f), ladders.len()),
        ladder_same: Ratio::of(count(|(f, l)| l == f), ladders.len()),
        ladder_down: Ratio::of(count(|(f, l)| l < f), ladders.len()),
        modules,
        outcomes,
        esf_entry: esf_entry_counts(&new.iter().map(|p| (***p).clone()).collect::<Vec<_>>()),
        esf_exit: esf_exit_counts(&closings.iter().map(|(_, t)| t.esf_exit).collect::<Vec<_>>()),
        mean_duration_days: Ratio::of(durations.iter().sum::<i64>() as f64, durations.len()),
        extended: Ratio::of(extended as f64, reached.len()),
    }
}

/// Counts per answer of every ESF+ entry characteristic, with gender and age band at entry.
fn esf_entry_counts(people: &[Participant]) -> Vec<(&'static str, &'static str, usize)> {
    let mut out = Vec::new();
    let mut tally = |name: &'static str, codes: Vec<&'static str>, all: &[&'static str]| {
        for c in all {
            out.push((name, *c, codes.iter().filter(|x| *x == c).count()));
        }
    };
    let entries: Vec<EsfEntry> = people.iter().map(|p| p.esf_entry).collect();
    tally("gender", people.iter().map(|p| p.gender.code()).collect(), &["female", "male", "non_binary", "unknown"]);
    let bands: Vec<&str> = AgeBand::ALL.iter().map(|b| b.code()).collect();
    tally("age_band", people.iter().map(|p| AgeBand::of(p.date_of_birth, entry_date(p)).code()).collect(), &bands);
    let codes = |all: &[(&'static str, &'static str)]| all.iter().map(|(c, _)| *c).collect::<Vec<_>>();
    use super::esf::{Education, LabourStatus, YesNo};
    tally("labour_status", entries.iter().map(|e| e.labour.code()).collect(), &codes(LabourStatus::CHOICES));
    tally("education", entries.iter().map(|e| e.education.code()).collect(), &codes(Education::CHOICES));
    tally("disability", entries.iter().map(|e| e.disability.code()).collect(), &codes(YesNo::CHOICES));
    tally("foreign_background", entries.iter().map(|e| e.foreign_background.code()).collect(), &codes(YesNo::CHOICES));
    tally("homeless", entries.iter().map(|e| e.homeless.code()).collect(), &codes(YesNo::CHOICES));
    out
}

fn esf_exit_counts(exits: &[EsfExit]) -> Vec<(&'static str, &'static str, usize)> {
    use super::esf::YesNo;
    let mut out = Vec::new();
    type Get = fn(&EsfExit) -> YesNo;
    let fields: [(&'static str, Get); 4] = [
        ("searching_work", |e| e.searching_work),
        ("in_education", |e| e.in_education),
        ("qualification", |e| e.qualification),
        ("employed", |e| e.employed),
    ];
    for (name, get) in fields {
        for (code, _) in YesNo::CHOICES {
            out.push((name, *code, exits.iter().filter(|e| get(e).code() == *code).count()));
        }
    }
    out
}

#[cfg(test)]
#[path = "report/tests.rs"]
mod tests;
