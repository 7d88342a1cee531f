//! The participant's own goals, in their own words, with small steps.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ParticipantId;

/// What a goal is about: a Positive Health dimension (0-5) or a life area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Area {
    Dimension(u8),
    Life(LifeArea),
}

/// The life areas of the integral approach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LifeArea {
    DailyActivities,
    Housing,
    Finances,
    Relations,
    PhysicalHealth,
    MentalHealth,
    Meaning,
    Addiction,
    Language,
    Safety,
}

impl LifeArea {
    pub const ALL: [LifeArea; 10] = [
        LifeArea::DailyActivities,
        LifeArea::Housing,
        LifeArea::Finances,
        LifeArea::Relations,
        LifeArea::PhysicalHealth,
        LifeArea::MentalHealth,
        LifeArea::Meaning,
        LifeArea::Addiction,
        LifeArea::Language,
        LifeArea::Safety,
    ];
    pub fn code(self) -> &'static str {
        match self {
            LifeArea::DailyActivities => "daily_activities",
            LifeArea::Housing => "housing",
            LifeArea::Finances => "finances",
            LifeArea::Relations => "relations",
            LifeArea::PhysicalHealth => "physical_health",
            LifeArea::MentalHealth => "mental_health",
            LifeArea::Meaning => "meaning",
            LifeArea::Addiction => "addiction",
            LifeArea::Language => "language",
            LifeArea::Safety => "safety",
        }
    }
}

impl Area {
    /// The six dimensions, then the life areas, in the order a form offers them.
    pub const ALL: [Area; 16] = [
        Area::Dimension(0),
        Area::Dimension(1),
        Area::Dimension(2),
        Area::Dimension(3),
        Area::Dimension(4),
        Area::Dimension(5),
        Area::Life(LifeArea::DailyActivities),
        Area::Life(LifeArea::Housing),
        Area::Life(LifeArea::Finances),
        Area::Life(LifeArea::Relations),
        Area::Life(LifeArea::PhysicalHealth),
        Area::Life(LifeArea::MentalHealth),
        Area::Life(LifeArea::Meaning),
        Area::Life(LifeArea::Addiction),
        Area::Life(LifeArea::Language),
        Area::Life(LifeArea::Safety),
    ];
    /// Stable code: `dimension:0`..`dimension:5` or the life area's code.
    pub fn code(self) -> String {
        match self {
            Area::Dimension(d) => format!("dimension:{d}"),
            Area::Life(l) => l.code().to_string(),
        }
    }
    pub fn parse(s: &str) -> Option<Area> {
        if let Some(d) = s.strip_prefix("dimension:") {
            return d.parse::<u8>().ok().filter(|d| *d < 6).map(Area::Dimension);
        }
        LifeArea::ALL.iter().find(|l| l.code() == s).map(|l| Area::Life(*l))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum GoalStatus {
    #[default]
    Open,
    Achieved,
    Adjusted,
    Stopped,
}

impl GoalStatus {
    pub const ALL: [GoalStatus; 4] =
        [GoalStatus::Open, GoalStatus::Achieved, GoalStatus::Adjusted, GoalStatus::Stopped];
    pub fn code(self) -> &'static str {
        match self {
            GoalStatus::Open => "open",
            GoalStatus::Achieved => "achieved",
            GoalStatus::Adjusted => "adjusted",
            GoalStatus::Stopped => "stopped",
        }
    }
    pub fn parse(s: &str) -> Option<GoalStatus> {
        GoalStatus::ALL.iter().copied().find(|g| g.code() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub text: String,
    pub done: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GoalId(pub uuid::Uuid);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    pub id: GoalId,
    pub participant: ParticipantId,
    /// In the participant's own words.
    pub text: String,
    pub area: Area,
    pub steps: Vec<Step>,
    #[serde(with = "super::compact::date_opt")]
    pub target: Option<NaiveDate>,
    pub status: GoalStatus,
    /// When the status last changed.
    #[serde(with = "super::compact::date")]
    pub status_date: NaiveDate,
    #[serde(with = "super::compact::moment")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "super::compact::moment")]
    pub updated_at: DateTime<Utc>,
}

impl Goal {
    pub fn new(participant: ParticipantId, text: String, area: Area, today: NaiveDate, now: DateTime<Utc>) -> Goal {
        Goal {
            id: GoalId(uuid::Uuid::new_v4()),
            participant,
            text,
            area,
            steps: Vec::new(),
            target: None,
            status: GoalStatus::Open,
            status_date: today,
            created_at: now,
            updated_at: now,
        }
    }

    /// Open with a target date that has passed.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status == GoalStatus::Open && self.target.is_some_and(|t| t < today)
    }

    /// Changes the status, remembering the day it changed.
    pub fn set_status(&mut self, status: GoalStatus, today: NaiveDate) {
        if status != self.status {
            self.status = status;
            self.status_date = today;
        }
    }

    pub fn steps_done(&self) -> (usize, usize) {
        (self.steps.iter().filter(|s| s.done).count(), self.steps.len())
    }
}

/// Open goals first (overdue ones before the others, then by target date), then the rest by the
/// day their status changed, newest first.
pub fn sort_for_display(goals: &mut [Goal], today: NaiveDate) {
    goals.sort_by(|a, b| {
        let rank = |g: &Goal| match (g.status, g.is_overdue(today)) {
            (GoalStatus::Open, true) => 0,
            (GoalStatus::Open, false) => 1,
            _ => 2,
        };
        rank(a)
            .cmp(&rank(b))
            .then_with(|| match rank(a) {
                2 => b.status_date.cmp(&a.status_date),
                _ => a.target.unwrap_or(NaiveDate::MAX).cmp(&b.target.unwrap_or(NaiveDate::MAX)),
            })
            .then(a.created_at.cmp(&b.created_at))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn goal(text: &str, target: Option<NaiveDate>, status: GoalStatus) -> Goal {
        let mut g = Goal::new(ParticipantId::new_random(), text.into(), Area::Dimension(4), d(1, 1), Utc::now());
        g.target = target;
        g.set_status(status, d(6, 1));
        g
    }

    #[test]
    fn open_goals_first_overdue_on_top() {
        let today = d(11, 24);
        let mut goals = vec![
            goal("gehaald", Some(d(3, 1)), GoalStatus::Achieved),
            goal("later", Some(d(12, 20)), GoalStatus::Open),
            goal("te laat", Some(d(10, 1)), GoalStatus::Open),
            goal("zonder datum", None, GoalStatus::Open),
        ];
        sort_for_display(&mut goals, today);
        let order: Vec<&str> = goals.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(order, ["te laat", "later", "zonder datum", "gehaald"]);
        assert!(goals[0].is_overdue(today));
        assert!(!goals[3].is_overdue(today), "an achieved goal is never overdue");
    }

    #[test]
    fn status_change_keeps_its_date() {
        let mut g = goal("x", None, GoalStatus::Open);
        assert_eq!(g.status_date, d(1, 1));
        g.set_status(GoalStatus::Achieved, d(11, 2));
        assert_eq!(g.status_date, d(11, 2));
        g.set_status(GoalStatus::Achieved, d(11, 20));
        assert_eq!(g.status_date, d(11, 2), "setting the same status keeps the date");
    }

    #[test]
    fn area_codes_round_trip() {
        for a in (0..6).map(Area::Dimension).chain(LifeArea::ALL.iter().map(|l| Area::Life(*l))) {
            assert_eq!(Area::parse(&a.code()), Some(a));
        }
        assert_eq!(Area::parse("dimension:9"), None);
    }
}
