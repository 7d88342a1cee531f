//! Corrections of a saved Positive Health conversation, kept inside the conversation: every
//! change of a score, remark, mark or answer with its value before and after, who made it, when
//! and why; and the withdrawal of a conversation saved by mistake (kept, never deleted: left out
//! of the charts, comparisons and report figures) and its restoring. The history only grows:
//! two devices that corrected the same conversation apart keep both entries (see
//! [`crate::domain::conflict`], which merges a `corrections` list as the union of both).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{ASPECTS, Assessment, DIMENSIONS};

/// One thing a correction changed, with the value before and after (dimension and aspect
/// numbered from 0, as in [`super::Instrument`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Corrected {
    /// An aspect's score, 0-10; `None` is skipped.
    Score {
        dimension: u8,
        aspect: u8,
        old: Option<u8>,
        new: Option<u8>,
    },
    /// "I want to talk about this".
    Talk {
        dimension: u8,
        aspect: u8,
        old: bool,
        new: bool,
    },
    Remark {
        dimension: u8,
        aspect: u8,
        old: String,
        new: String,
    },
    /// The participant's own mark of a dimension, in tenths.
    Mark {
        dimension: u8,
        old: Option<u8>,
        new: Option<u8>,
    },
    Ladder {
        old: Option<u8>,
        new: Option<u8>,
    },
    Wish {
        old: String,
        new: String,
    },
    Need {
        old: String,
        new: String,
    },
    /// The conversation was withdrawn (saved by mistake).
    Withdrawn,
    /// A withdrawal taken back.
    Restored,
}

impl Corrected {
    /// Puts the new value in place (a withdrawal or its restoring changes no value).
    pub fn apply(&self, a: &mut Assessment) {
        let at = |d: &u8, x: &u8| (usize::from(*d), usize::from(*x));
        match self {
            Corrected::Score { dimension, aspect, new, .. } => {
                let (d, x) = at(dimension, aspect);
                if let Some(s) = a.scores.get_mut(d).and_then(|r| r.get_mut(x)) {
                    *s = *new;
                }
            }
            Corrected::Talk { dimension, aspect, new, .. } => {
                let (d, x) = at(dimension, aspect);
                if let Some(t) = a.talk.get_mut(d).and_then(|r| r.get_mut(x)) {
                    *t = *new;
                }
            }
            Corrected::Remark { dimension, aspect, new, .. } => {
                let (d, x) = at(dimension, aspect);
                a.set_remark(d, x, new.clone());
            }
            Corrected::Mark { dimension, new, .. } => {
                if let Some(m) = a.overall.get_mut(usize::from(*dimension)) {
                    *m = *new;
                }
            }
            Corrected::Ladder { new, .. } => a.ladder = *new,
            Corrected::Wish { new, .. } => a.wish.clone_from(new),
            Corrected::Need { new, .. } => a.need.clone_from(new),
            Corrected::Withdrawn | Corrected::Restored => {}
        }
    }

    /// A code for the kind of change (the export's `what`).
    pub fn code(&self) -> &'static str {
        match self {
            Corrected::Score { .. } => "score",
            Corrected::Talk { .. } => "talk_about",
            Corrected::Remark { .. } => "remark",
            Corrected::Mark { .. } => "overall",
            Corrected::Ladder { .. } => "ladder_step",
            Corrected::Wish { .. } => "wish",
            Corrected::Need { .. } => "need",
            Corrected::Withdrawn => "withdrawn",
            Corrected::Restored => "restored",
        }
    }
}

/// One correction of a saved conversation: what changed, by whom, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// The day it was made (the coach's today).
    #[serde(with = "crate::domain::compact::date")]
    pub on: NaiveDate,
    #[serde(with = "crate::domain::compact::moment")]
    pub at: DateTime<Utc>,
    pub coach: String,
    /// Why (may be empty for a correction; a withdrawal and its restoring always say why).
    pub reason: String,
    pub changes: Vec<Corrected>,
}

/// What differs between the saved version of a conversation and its corrected one, in the
/// order of the conversation: per dimension its aspects (score, talk, remark), then the own
/// marks, the ladder and the two answers.
pub fn differences(before: &Assessment, after: &Assessment) -> Vec<Corrected> {
    let mut out = Vec::new();
    for d in 0..DIMENSIONS {
        for x in 0..ASPECTS {
            let (dimension, aspect) = (d as u8, x as u8);
            let (old, new) = (before.scores[d][x], after.scores[d][x]);
            if old != new {
                out.push(Corrected::Score { dimension, aspect, old, new });
            }
            let (old, new) = (before.talk[d][x], after.talk[d][x]);
            if old != new {
                out.push(Corrected::Talk { dimension, aspect, old, new });
            }
            let (old, new) = (before.remark(d, x), after.remark(d, x));
            if old != new {
                out.push(Corrected::Remark { dimension, aspect, old: old.to_string(), new: new.to_string() });
            }
        }
    }
    for d in 0..DIMENSIONS {
        let (old, new) = (before.overall[d], after.overall[d]);
        if old != new {
            out.push(Corrected::Mark { dimension: d as u8, old, new });
        }
    }
    if before.ladder != after.ladder {
        out.push(Corrected::Ladder { old: before.ladder, new: after.ladder });
    }
    if before.wish != after.wish {
        out.push(Corrected::Wish { old: before.wish.clone(), new: after.wish.clone() });
    }
    if before.need != after.need {
        out.push(Corrected::Need { old: before.need.clone(), new: after.need.clone() });
    }
    out
}

/// Why a withdrawal or its restoring was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    AlreadyWithdrawn,
    NotWithdrawn,
    /// A withdrawal and its restoring say why.
    NoReason,
}

impl Assessment {
    /// Applies a correction's changes and keeps it in the history; the id, the date and the
    /// first coach stay.
    pub fn correct(&mut self, c: Correction) {
        for change in &c.changes {
            change.apply(self);
        }
        self.updated_at = c.at;
        self.corrections.push(c);
    }

    /// The withdrawal in force: the latest withdrawal not restored since.
    pub fn withdrawal(&self) -> Option<&Correction> {
        let mut events: Vec<&Correction> = self
            .corrections
            .iter()
            .filter(|c| c.changes.iter().any(|x| matches!(x, Corrected::Withdrawn | Corrected::Restored)))
            .collect();
        events.sort_by_key(|c| c.at);
        events.last().copied().filter(|c| c.changes.contains(&Corrected::Withdrawn))
    }

    /// Withdrawn: kept and shown as such, left out of charts, comparisons and figures.
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawal().is_some()
    }

    /// Withdraws the conversation (saved by mistake), with the reason.
    pub fn withdraw(&mut self, on: NaiveDate, at: DateTime<Utc>, coach: &str, reason: &str) -> Result<(), Refused> {
        if self.is_withdrawn() {
            return Err(Refused::AlreadyWithdrawn);
        }
        self.event(on, at, coach, reason, Corrected::Withdrawn)
    }

    /// Takes a withdrawal back, with the reason: the conversation counts again.
    pub fn restore(&mut self, on: NaiveDate, at: DateTime<Utc>, coach: &str, reason: &str) -> Result<(), Refused> {
        if !self.is_withdrawn() {
            return Err(Refused::NotWithdrawn);
        }
        self.event(on, at, coach, reason, Corrected::Restored)
    }

    fn event(
        &mut self,
        on: NaiveDate,
        at: DateTime<Utc>,
        coach: &str,
        reason: &str,
        what: Corrected,
    ) -> Result<(), Refused> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Refused::NoReason);
        }
        self.correct(Correction { on, at, coach: coach.to_string(), reason: reason.to_string(), changes: vec![what] });
        Ok(())
    }

    /// The dimensions with no answer at all: no aspect scored and no own mark given.
    pub fn unanswered(&self) -> Vec<usize> {
        (0..DIMENSIONS).filter(|&d| self.scores[d].iter().all(Option::is_none) && self.overall[d].is_none()).collect()
    }
}

/// The conversations that count (not withdrawn), in the order given.
pub fn counted(all: &[Assessment]) -> impl Iterator<Item = &Assessment> {
    all.iter().filter(|a| !a.is_withdrawn())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ParticipantId;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
    }

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_000_000 + h * 3600, 0).unwrap_or_default()
    }

    fn saved() -> Assessment {
        let mut a = Assessment::new(ParticipantId::new_random(), day(2), "Sanne", at(0));
        a.scores[2] = [Some(7), Some(6), None, None, None, None, None];
        a.overall = [Some(60), Some(50), Some(65), Some(50), Some(40), Some(70)];
        a.ladder = Some(3);
        a.wish = "Meer bewegen".into();
        a
    }

    #[test]
    fn the_differences_name_each_change_with_old_and_new() {
        let before = saved();
        let mut after = before.clone();
        after.scores[2][0] = Some(5);
        after.set_remark(2, 0, "eerst verkeerd verstaan".into());
        after.overall[2] = Some(55);
        after.ladder = None;
        assert_eq!(
            differences(&before, &after),
            vec![
                Corrected::Score { dimension: 2, aspect: 0, old: Some(7), new: Some(5) },
                Corrected::Remark {
                    dimension: 2,
                    aspect: 0,
                    old: String::new(),
                    new: "eerst verkeerd verstaan".into()
                },
                Corrected::Mark { dimension: 2, old: Some(65), new: Some(55) },
                Corrected::Ladder { old: Some(3), new: None },
            ]
        );
        assert!(differences(&before, &before).is_empty());
    }

    #[test]
    fn a_correction_keeps_the_id_the_date_and_the_history() {
        let before = saved();
        let mut after = before.clone();
        after.scores[2][1] = None;
        after.wish = "Elke week fietsen".into();
        let changes = differences(&before, &after);
        let mut fresh = before.clone();
        fresh.correct(Correction { on: day(24), at: at(5), coach: "Ahmed".into(), reason: "typefout".into(), changes });
        assert_eq!((fresh.id, fresh.date, fresh.coach.as_str()), (before.id, day(2), "Sanne"));
        assert_eq!((fresh.scores[2][1], fresh.wish.as_str()), (None, "Elke week fietsen"));
        assert_eq!(fresh.corrections.len(), 1);
        assert_eq!(fresh.corrections[0].coach, "Ahmed");
        assert_eq!(fresh.updated_at, at(5));
    }

    #[test]
    fn withdrawn_once_restored_once_and_always_with_a_reason() {
        let mut a = saved();
        assert!(!a.is_withdrawn());
        assert_eq!(a.withdraw(day(24), at(1), "Sanne", "  "), Err(Refused::NoReason));
        assert_eq!(a.restore(day(24), at(1), "Sanne", "per ongeluk"), Err(Refused::NotWithdrawn));
        a.withdraw(day(24), at(1), "Sanne", "bij de verkeerde deelnemer").unwrap();
        assert!(a.is_withdrawn());
        assert_eq!(a.withdrawal().map(|w| (w.on, w.reason.as_str())), Some((day(24), "bij de verkeerde deelnemer")));
        assert_eq!(a.withdraw(day(24), at(2), "Sanne", "nog eens"), Err(Refused::AlreadyWithdrawn));
        a.restore(day(25), at(3), "Ahmed", "toch de goede").unwrap();
        assert!(!a.is_withdrawn());
        assert_eq!(a.corrections.len(), 2, "both kept in the history");
        assert_eq!(a.ladder, Some(3), "no value changed");
        // The order of the history is by time, not by position (a merged history).
        let mut merged = a.clone();
        merged.corrections.reverse();
        assert!(!merged.is_withdrawn());
        assert_eq!(counted(std::slice::from_ref(&a)).count(), 1);
    }

    #[test]
    fn a_dimension_is_unanswered_without_any_score_and_without_an_own_mark() {
        let mut a = Assessment::new(ParticipantId::new_random(), day(2), "Sanne", at(0));
        assert_eq!(a.unanswered(), vec![0, 1, 2, 3, 4, 5]);
        a.scores[0][3] = Some(0);
        a.overall[4] = Some(60);
        assert_eq!(a.unanswered(), vec![1, 2, 3, 5], "a 0 is an answer; so is the participant's own mark");
    }
}
