//! Group modules with rolling enrolment: a module meets in repeating cycles of N sessions; people
//! join at any session, wait when it is full, and complete once they attended every topic 1..N.
//!
//! Sessions are derived, not stored: from the recurrence, skipping Dutch public holidays, the
//! organisation's closure days and cancelled sessions; a session that does not take place passes
//! its topic on to the next one. Who sits in which session follows from the enrolments in the
//! order they came in and the attendance recorded so far ([`simulate`]).

use std::collections::{BTreeMap, HashMap, VecDeque};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

use super::ParticipantId;
use super::holidays::holiday;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ModuleId(pub uuid::Uuid);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Recurrence {
    Weekly,
    Fortnightly,
}

impl Recurrence {
    pub const ALL: [Recurrence; 2] = [Recurrence::Weekly, Recurrence::Fortnightly];
    pub fn days(self) -> i64 {
        match self {
            Recurrence::Weekly => 7,
            Recurrence::Fortnightly => 14,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Recurrence::Weekly => "weekly",
            Recurrence::Fortnightly => "fortnightly",
        }
    }
    pub fn parse(s: &str) -> Option<Recurrence> {
        match s {
            "weekly" => Some(Recurrence::Weekly),
            "fortnightly" => Some(Recurrence::Fortnightly),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Module {
    pub id: ModuleId,
    pub name: String,
    pub description: String,
    pub provider: String,
    pub location: String,
    pub facilitator: String,
    /// One entry per session of the cycle (N = its length); a title may be empty.
    pub topics: Vec<String>,
    /// The first session's date fixes the weekday.
    #[serde(with = "super::compact::date")]
    pub first: NaiveDate,
    /// Minutes after midnight.
    pub start_minute: u16,
    pub duration_minutes: u16,
    pub recurrence: Recurrence,
    #[serde(with = "super::compact::date_opt")]
    pub end: Option<NaiveDate>,
    pub capacity: u16,
    /// Dates of sessions cancelled by the organisation.
    pub cancelled: Vec<NaiveDate>,
    #[serde(with = "super::compact::moment")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "super::compact::moment")]
    pub updated_at: DateTime<Utc>,
}

impl Module {
    pub fn cycle(&self) -> usize {
        self.topics.len().max(1)
    }
    pub fn weekday(&self) -> Weekday {
        self.first.weekday()
    }
    pub fn start_time(&self) -> NaiveTime {
        NaiveTime::from_hms_opt(u32::from(self.start_minute / 60) % 24, u32::from(self.start_minute % 60), 0)
            .unwrap_or_default()
    }
    pub fn end_minute(&self) -> u16 {
        self.start_minute.saturating_add(self.duration_minutes)
    }
    /// "Budgetteren, onderwerp 3: Vaste lasten" style title of topic `t` (1-based).
    pub fn topic_title(&self, t: u8) -> &str {
        self.topics.get(usize::from(t).saturating_sub(1)).map_or("", String::as_str)
    }
}

/// An organisation-wide day without modules (e.g. the Christmas break).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    #[serde(with = "super::compact::date")]
    pub date: NaiveDate,
    pub reason: String,
}

/// Why a planned session does not take place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    Holiday(&'static str),
    Closed(String),
    Cancelled,
}

/// One planned meeting of a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub date: NaiveDate,
    /// Topic 1..N, or `None` when the session does not take place.
    pub topic: Option<u8>,
    pub skip: Option<Skip>,
}

/// The sessions of `module` from its first date up to and including `until`.
pub fn sessions(module: &Module, closures: &[Closure], until: NaiveDate) -> Vec<Session> {
    let mut out = Vec::new();
    let n = module.cycle();
    let mut held = 0usize;
    let last = module.end.map_or(until, |e| e.min(until));
    let mut date = module.first;
    while date <= last {
        let skip = if let Some(h) = holiday(date) {
            Some(Skip::Holiday(h))
        } else if let Some(c) = closures.iter().find(|c| c.date == date) {
            Some(Skip::Closed(c.reason.clone()))
        } else if module.cancelled.contains(&date) {
            Some(Skip::Cancelled)
        } else {
            None
        };
        let topic = if skip.is_none() {
            held += 1;
            Some(((held - 1) % n + 1) as u8)
        } else {
            None
        };
        out.push(Session { date, topic, skip });
        date += Duration::days(module.recurrence.days());
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EnrolmentId(pub uuid::Uuid);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    pub id: EnrolmentId,
    pub participant: ParticipantId,
    pub module: ModuleId,
    #[serde(with = "super::compact::date")]
    pub enrolled_on: NaiveDate,
    /// Dropped out from this date on.
    #[serde(with = "super::compact::date_opt")]
    pub stopped_on: Option<NaiveDate>,
    #[serde(with = "super::compact::moment")]
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Mark {
    Present,
    Absent,
    Excused,
}

impl Mark {
    pub fn code(self) -> &'static str {
        match self {
            Mark::Present => "present",
            Mark::Absent => "absent",
            Mark::Excused => "excused",
        }
    }
}

/// The attendance of one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    pub module: ModuleId,
    #[serde(with = "super::compact::date")]
    pub date: NaiveDate,
    pub marks: Vec<(ParticipantId, Mark)>,
}

impl Attendance {
    /// Present and absent are known only from the day of the session on; before it only
    /// "excused" (someone who called off in advance) can be recorded.
    pub fn too_early(&self, today: NaiveDate) -> bool {
        self.date > today && self.marks.iter().any(|(_, m)| matches!(m, Mark::Present | Mark::Absent))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnrolmentStatus {
    Waiting,
    Active,
    Completed,
    Stopped,
}

impl EnrolmentStatus {
    pub fn code(self) -> &'static str {
        match self {
            EnrolmentStatus::Waiting => "waiting",
            EnrolmentStatus::Active => "active",
            EnrolmentStatus::Completed => "completed",
            EnrolmentStatus::Stopped => "stopped",
        }
    }
}

/// Where one enrolment stands on the day the simulation was run for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub status: EnrolmentStatus,
    /// Topics attended at least once.
    pub attended: Vec<u8>,
    /// First session with a place, if they got one.
    pub started: Option<NaiveDate>,
    pub completed: Option<NaiveDate>,
    /// Place in the waiting line (1 = next), while waiting.
    pub waiting_place: Option<usize>,
    /// If they come to every session from now on.
    pub expected_completion: Option<NaiveDate>,
}

/// The whole module on a given day: every session's roster and every enrolment's progress.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    /// Held sessions (past and up to the horizon) with the enrolments sitting in them.
    pub rosters: BTreeMap<NaiveDate, Vec<EnrolmentId>>,
    pub progress: HashMap<EnrolmentId, Progress>,
    /// Who will still be waiting at the next session (the first on or after `today`), first come
    /// first served; after the last session, who waited then.
    pub waitlist: Vec<EnrolmentId>,
    /// (date from which they have a place, enrolment) for everyone who came off the waitlist.
    pub moved_up: Vec<(NaiveDate, EnrolmentId)>,
}

/// Enrolments that had a place in `before` (seated now, or from their first session on) and wait
/// in line in `after`: the place went to an enrolment that came in earlier (one made on a
/// colleague's computer, arrived by the team's sync). Seating depends only on the set of
/// enrolments (first come, first served by enrolment date, then when it was made, then its id),
/// so every computer of the team agrees on it; this says whose coach must be told.
pub fn places_lost(before: &Schedule, after: &Schedule) -> Vec<EnrolmentId> {
    after
        .waitlist
        .iter()
        .filter(|e| {
            !before.waitlist.contains(e)
                && before.progress.get(e).is_some_and(|p| p.started.is_some() && p.completed.is_none())
        })
        .copied()
        .collect()
}

/// Plays the module forward session by session: places go to enrolments in the order they came
/// in (never more than the capacity), attendance recorded up to `today` counts towards topics,
/// someone who has attended every topic or stopped frees their place for the first in line from
/// the next session on. Sessions after `today` up to `horizon` get rosters too (assuming no one
/// completes before the sessions are held).
pub fn simulate(
    module: &Module,
    closures: &[Closure],
    enrolments: &[Enrolment],
    attendance: &[Attendance],
    today: NaiveDate,
    horizon: NaiveDate,
) -> Schedule {
    let n = module.cycle();
    let all = sessions(module, closures, horizon);
    let mut order: Vec<&Enrolment> = enrolments.iter().filter(|e| e.module == module.id).collect();
    order.sort_by_key(|e| (e.enrolled_on, e.created_at, e.id));
    let marks: HashMap<NaiveDate, &Attendance> =
        attendance.iter().filter(|a| a.module == module.id).map(|a| (a.date, a)).collect();
    let mut topics: HashMap<EnrolmentId, Vec<u8>> = HashMap::new();
    let mut started: HashMap<EnrolmentId, NaiveDate> = HashMap::new();
    let mut completed: HashMap<EnrolmentId, NaiveDate> = HashMap::new();
    let mut seated: Vec<&Enrolment> = Vec::new();
    let mut queue: VecDeque<&Enrolment> = VecDeque::new();
    let mut next = 0;
    let mut s = Schedule::default();
    let mut waited = std::collections::HashSet::new();
    let mut next_recorded = false;
    let capacity = usize::from(module.capacity.max(1));
    for session in all.iter().filter(|x| x.topic.is_some()) {
        let d = session.date;
        // Who leaves before this session: completed earlier, or stopped by now.
        seated.retain(|e| !completed.contains_key(&e.id) && e.stopped_on.is_none_or(|st| st > d));
        queue.retain(|e| e.stopped_on.is_none_or(|st| st > d));
        while next < order.len() && order[next].enrolled_on <= d {
            if order[next].stopped_on.is_none_or(|st| st > d) {
                queue.push_back(order[next]);
            }
            next += 1;
        }
        while seated.len() < capacity {
            let Some(e) = queue.pop_front() else { break };
            started.entry(e.id).or_insert(d);
            // Anyone who had to wait at an earlier session moved up the line.
            if waited.contains(&e.id) {
                s.moved_up.push((d, e.id));
            }
            seated.push(e);
        }
        for e in &queue {
            waited.insert(e.id);
        }
        s.rosters.insert(d, seated.iter().map(|e| e.id).collect());
        if d <= today
            && let (Some(att), Some(t)) = (marks.get(&d), session.topic)
        {
            for e in &seated {
                if att.marks.iter().any(|(p, m)| *p == e.participant && *m == Mark::Present) {
                    let got = topics.entry(e.id).or_default();
                    if !got.contains(&t) {
                        got.push(t);
                    }
                    if got.len() >= n {
                        completed.entry(e.id).or_insert(d);
                    }
                }
            }
        }
        if !next_recorded {
            s.waitlist = queue.iter().map(|e| e.id).collect();
            next_recorded = d >= today;
        }
    }
    // Progress per enrolment, as of today.
    let upcoming: Vec<&Session> = all.iter().filter(|x| x.topic.is_some() && x.date > today).collect();
    for e in &order {
        let mut attended = topics.get(&e.id).cloned().unwrap_or_default();
        attended.sort_unstable();
        let waiting_place = s.waitlist.iter().position(|w| *w == e.id).map(|i| i + 1);
        let status = if completed.get(&e.id).is_some_and(|c| *c <= today) {
            EnrolmentStatus::Completed
        } else if e.stopped_on.is_some_and(|st| st <= today) {
            EnrolmentStatus::Stopped
        } else if started.get(&e.id).is_some_and(|st| *st <= today) {
            EnrolmentStatus::Active
        } else {
            EnrolmentStatus::Waiting
        };
        let expected_completion = match status {
            EnrolmentStatus::Active | EnrolmentStatus::Waiting => {
                let mut have = attended.clone();
                let mut when = None;
                for x in &upcoming {
                    let seated_then = s.rosters.get(&x.date).is_some_and(|r| r.contains(&e.id));
                    if !seated_then {
                        continue;
                    }
                    if let Some(t) = x.topic
                        && !have.contains(&t)
                    {
                        have.push(t);
                    }
                    if have.len() >= n {
                        when = Some(x.date);
                        break;
                    }
                }
                when
            }
            _ => None,
        };
        s.progress.insert(
            e.id,
            Progress {
                status,
                attended,
                started: started.get(&e.id).copied(),
                completed: completed.get(&e.id).copied(),
                waiting_place: if status == EnrolmentStatus::Waiting { waiting_place } else { None },
                expected_completion,
            },
        );
    }
    s
}

#[derive(Debug, Clone, Deserialize)]
struct CatalogueEntry {
    name: String,
    description: String,
    provider: String,
    location: String,
    facilitator: String,
    /// 1 = Monday … 7 = Sunday.
    weekday: u8,
    time: String,
    minutes: u16,
    recurrence: String,
    capacity: u16,
    topics: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Catalogue {
    module: Vec<CatalogueEntry>,
}

const CATALOGUE: &str = include_str!("../../assets/modules.toml");

/// Parses "10:00" or "9:30" into minutes after midnight.
pub fn parse_time(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once([':', '.'])?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// The default catalogue (assets/modules.toml), each module's first session on its weekday on or
/// after `from`.
pub fn default_catalogue(from: NaiveDate, now: DateTime<Utc>) -> Vec<Module> {
    let Ok(c) = toml::from_str::<Catalogue>(CATALOGUE) else {
        return Vec::new();
    };
    c.module
        .into_iter()
        .map(|e| {
            let wd = u32::from(e.weekday.clamp(1, 7)) - 1;
            let ahead = (7 + wd - from.weekday().num_days_from_monday()) % 7;
            Module {
                id: ModuleId(uuid::Uuid::new_v4()),
                name: e.name,
                description: e.description,
                provider: e.provider,
                location: e.location,
                facilitator: e.facilitator,
                topics: e.topics,
                first: from + Duration::days(i64::from(ahead)),
                start_minute: parse_time(&e.time).unwrap_or(600),
                duration_minutes: e.minutes,
                recurrence: Recurrence::parse(&e.recurrence).unwrap_or(Recurrence::Weekly),
                end: None,
                capacity: e.capacity,
                cancelled: Vec::new(),
                created_at: now,
                updated_at: now,
            }
        })
        .collect()
}

/// The Monday of the ISO week of `d`.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

/// Whether two sessions overlap in time on the same day.
pub fn overlaps(a: &Module, a_date: NaiveDate, b: &Module, b_date: NaiveDate) -> bool {
    a_date == b_date && a.start_minute < b.end_minute() && b.start_minute < a.end_minute()
}

#[cfg(test)]
mod tests;
