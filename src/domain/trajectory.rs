//! The trajectory from referral to advice: status changes and their rules, extension once by a
//! year, closing with an end date, outcome and written advice, reopening with a reason.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::participant::default_end_date;
use super::{Participant, ParticipantId, Status};

/// Where the participant went at the end ("uitstroom").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExitOutcome {
    LabourMarketTrajectory,
    PaidWork,
    Volunteering,
    Education,
    OtherProvision,
    ContinuedActivation,
    Stopped,
    Moved,
    Deceased,
}

impl ExitOutcome {
    pub const ALL: [ExitOutcome; 9] = [
        ExitOutcome::LabourMarketTrajectory,
        ExitOutcome::PaidWork,
        ExitOutcome::Volunteering,
        ExitOutcome::Education,
        ExitOutcome::OtherProvision,
        ExitOutcome::ContinuedActivation,
        ExitOutcome::Stopped,
        ExitOutcome::Moved,
        ExitOutcome::Deceased,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ExitOutcome::LabourMarketTrajectory => "labour_market_trajectory",
            ExitOutcome::PaidWork => "paid_work",
            ExitOutcome::Volunteering => "volunteering",
            ExitOutcome::Education => "education",
            ExitOutcome::OtherProvision => "other_provision",
            ExitOutcome::ContinuedActivation => "continued_activation",
            ExitOutcome::Stopped => "stopped",
            ExitOutcome::Moved => "moved",
            ExitOutcome::Deceased => "deceased",
        }
    }
    pub fn parse(s: &str) -> Option<ExitOutcome> {
        ExitOutcome::ALL.iter().copied().find(|o| o.code() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    #[serde(with = "super::compact::date")]
    pub date: NaiveDate,
    pub from: Status,
    pub to: Status,
    /// Why (extension, reopening) or what (closing: the outcome), may be empty.
    pub reason: String,
    pub coach: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    #[serde(with = "super::compact::date")]
    pub end_date: NaiveDate,
    pub outcome: ExitOutcome,
    pub advice: String,
}

/// Everything about a participant's trajectory besides the status itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trajectory {
    pub participant: ParticipantId,
    pub history: Vec<StatusChange>,
    pub closing: Option<Closing>,
    /// The advice written ahead of the end (also when not yet closed).
    pub advice: String,
    #[serde(with = "super::compact::moment")]
    pub updated_at: DateTime<Utc>,
    /// ESF+ results at exit, recorded when the trajectory closes (schema 2; stays last).
    pub esf_exit: super::esf::EsfExit,
}

impl Trajectory {
    pub fn new(participant: ParticipantId, now: DateTime<Utc>) -> Trajectory {
        Trajectory {
            participant,
            history: Vec::new(),
            closing: None,
            advice: String::new(),
            updated_at: now,
            esf_exit: Default::default(),
        }
    }

    pub fn was_extended(&self) -> bool {
        self.history.iter().any(|c| c.to == Status::Extended)
    }

    pub fn has_advice(&self) -> bool {
        !self.advice.trim().is_empty() || self.closing.as_ref().is_some_and(|c| !c.advice.trim().is_empty())
    }
}

/// A status change that the rules refuse, in words for the coach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("this change of status is not a step in the trajectory")]
    NotAStep,
    #[error("the trajectory was already extended once")]
    AlreadyExtended,
    #[error("a reason is needed")]
    ReasonNeeded,
    #[error("closing needs an end date, an outcome and a written advice")]
    ClosingIncomplete,
    #[error("the end date lies before the start")]
    EndBeforeStart,
}

impl Refused {
    pub fn key(self) -> &'static str {
        match self {
            Refused::NotAStep => "refused.not_a_step",
            Refused::AlreadyExtended => "refused.already_extended",
            Refused::ReasonNeeded => "refused.reason_needed",
            Refused::ClosingIncomplete => "refused.closing_incomplete",
            Refused::EndBeforeStart => "refused.end_before_start",
        }
    }
}

/// A requested change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Referred → intake → active.
    Advance,
    /// Active → extended, once, by one year.
    Extend {
        reason: String,
    },
    Close(Closing),
    Reopen {
        reason: String,
    },
}

/// The phase `+` leads to from `from` (referred → intake → active), `None` when `+` is no step
/// from there.
pub fn advanced(from: Status) -> Option<Status> {
    match from {
        Status::Referred => Some(Status::Intake),
        Status::Intake => Some(Status::Active),
        _ => None,
    }
}

/// Applies a change to the participant and its trajectory, or says why not.
pub fn apply(
    p: &mut Participant,
    t: &mut Trajectory,
    change: Change,
    today: NaiveDate,
    coach: &str,
    now: DateTime<Utc>,
) -> Result<(), Refused> {
    let from = p.status;
    let (to, reason) = match change {
        Change::Advance => {
            let to = advanced(from).ok_or(Refused::NotAStep)?;
            if to == Status::Active {
                if p.start_date.is_none() {
                    p.start_date = Some(today);
                }
                p.apply_defaults();
            }
            (to, String::new())
        }
        Change::Extend { reason } => {
            if from != Status::Active {
                return Err(if t.was_extended() { Refused::AlreadyExtended } else { Refused::NotAStep });
            }
            if t.was_extended() {
                return Err(Refused::AlreadyExtended);
            }
            if reason.trim().is_empty() {
                return Err(Refused::ReasonNeeded);
            }
            let base = p.planned_end_date.or(p.start_date.and_then(default_end_date)).unwrap_or(today);
            p.planned_end_date = default_end_date(base);
            (Status::Extended, reason.trim().to_string())
        }
        Change::Close(closing) => {
            if from == Status::Closed {
                return Err(Refused::NotAStep);
            }
            if closing.advice.trim().is_empty() {
                return Err(Refused::ClosingIncomplete);
            }
            if p.start_date.is_some_and(|s| closing.end_date < s) {
                return Err(Refused::EndBeforeStart);
            }
            let reason = closing.outcome.code().to_string();
            t.closing = Some(closing);
            (Status::Closed, reason)
        }
        Change::Reopen { reason } => {
            if from != Status::Closed {
                return Err(Refused::NotAStep);
            }
            if reason.trim().is_empty() {
                return Err(Refused::ReasonNeeded);
            }
            // Back to where it was before closing.
            let back = t.history.iter().rev().find(|c| c.to == Status::Closed).map_or(Status::Active, |c| c.from);
            t.closing = None;
            (back, reason.trim().to_string())
        }
    };
    p.status = to;
    p.updated_at = now;
    t.history.push(StatusChange { date: today, from, to, reason, coach: coach.to_string() });
    t.updated_at = now;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn setup() -> (Participant, Trajectory) {
        let mut p = Participant::new(ParticipantId::new_random(), 1001, Utc::now());
        p.status = Status::Referred;
        let t = Trajectory::new(p.id, Utc::now());
        (p, t)
    }

    fn closing(advice: &str) -> Change {
        Change::Close(Closing { end_date: d(11, 24), outcome: ExitOutcome::Volunteering, advice: advice.into() })
    }

    #[test]
    fn from_referral_to_active_sets_the_start_and_planned_end() {
        let (mut p, mut t) = setup();
        apply(&mut p, &mut t, Change::Advance, d(1, 10), "S", Utc::now()).unwrap();
        assert_eq!(p.status, Status::Intake);
        apply(&mut p, &mut t, Change::Advance, d(1, 20), "S", Utc::now()).unwrap();
        assert_eq!(
            (p.status, p.start_date, p.planned_end_date),
            (Status::Active, Some(d(1, 20)), NaiveDate::from_ymd_opt(2027, 1, 20))
        );
        assert_eq!(apply(&mut p, &mut t, Change::Advance, d(1, 21), "S", Utc::now()), Err(Refused::NotAStep));
        assert_eq!(t.history.len(), 2);
    }

    #[test]
    fn extension_once_by_a_year_with_a_reason() {
        let (mut p, mut t) = setup();
        p.status = Status::Active;
        p.start_date = Some(d(1, 20));
        p.planned_end_date = NaiveDate::from_ymd_opt(2027, 1, 20);
        assert_eq!(
            apply(&mut p, &mut t, Change::Extend { reason: " ".into() }, d(11, 1), "S", Utc::now()),
            Err(Refused::ReasonNeeded)
        );
        apply(&mut p, &mut t, Change::Extend { reason: "Groeit, nog niet klaar".into() }, d(11, 1), "S", Utc::now())
            .unwrap();
        assert_eq!((p.status, p.planned_end_date), (Status::Extended, NaiveDate::from_ymd_opt(2028, 1, 20)));
        assert_eq!(
            apply(&mut p, &mut t, Change::Extend { reason: "nog eens".into() }, d(11, 2), "S", Utc::now()),
            Err(Refused::AlreadyExtended)
        );
    }

    #[test]
    fn closing_needs_an_advice_and_reopening_a_reason() {
        let (mut p, mut t) = setup();
        p.status = Status::Extended;
        assert_eq!(apply(&mut p, &mut t, closing(""), d(11, 24), "S", Utc::now()), Err(Refused::ClosingIncomplete));
        apply(&mut p, &mut t, closing("Doorverwezen naar vrijwilligerswerk"), d(11, 24), "S", Utc::now()).unwrap();
        assert_eq!(p.status, Status::Closed);
        assert!(t.has_advice());
        assert_eq!(
            apply(&mut p, &mut t, Change::Reopen { reason: String::new() }, d(11, 25), "S", Utc::now()),
            Err(Refused::ReasonNeeded)
        );
        apply(&mut p, &mut t, Change::Reopen { reason: "Vraagt opnieuw om hulp".into() }, d(11, 25), "S", Utc::now())
            .unwrap();
        assert_eq!(p.status, Status::Extended, "back to where it was");
        assert!(t.closing.is_none());
        let kept: Vec<(Status, Status)> = t.history.iter().map(|c| (c.from, c.to)).collect();
        assert_eq!(kept, [(Status::Extended, Status::Closed), (Status::Closed, Status::Extended)]);
    }
}
