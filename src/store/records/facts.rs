//! The records of one fact each, so that two coaches (or two devices) who record different
//! things rarely write the same record: a person's mark at one session, and one change of a
//! person's trajectory status (appended, never rewritten). The domain keeps its views
//! ([`Attendance`] per session, [`Trajectory`] with its history): the store splits them when it
//! writes and assembles them when it reads (see `store::facts`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::super::StoreError;
use super::super::codec::{self, Kind, Record};
use crate::domain::ParticipantId;
use crate::domain::esf::EsfExit;
use crate::domain::module::{Mark, ModuleId};
use crate::domain::trajectory::{Closing, StatusChange, Trajectory};

/// One person's mark at one session: stored under the module's id, the session's day and the
/// person's id, sealed under the person's key (an erased person's marks no longer open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceMark {
    pub module: ModuleId,
    #[serde(with = "crate::domain::compact::date")]
    pub date: NaiveDate,
    pub participant: ParticipantId,
    pub mark: Mark,
}

impl Record for AttendanceMark {
    const KIND: Kind = Kind::AttendanceMark;
    const SCHEMA: u16 = 1;
    fn owner(&self) -> Option<ParticipantId> {
        Some(self.participant)
    }
}

/// One change of a person's trajectory status: stored under the person's id, the hybrid
/// logical time it was written and random bytes (in history order, and never the same key on
/// two devices), sealed under the person's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusEntry {
    pub participant: ParticipantId,
    pub change: StatusChange,
}

impl Record for StatusEntry {
    const KIND: Kind = Kind::StatusChange;
    const SCHEMA: u16 = 1;
    fn owner(&self) -> Option<ParticipantId> {
        Some(self.participant)
    }
}

/// A trajectory without its history (schema 3 of [`Kind::Trajectory`]): the closing, the
/// advice and the ESF+ exit results, one record per person, rewritten when they change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrajectoryHead {
    pub participant: ParticipantId,
    pub closing: Option<Closing>,
    pub advice: String,
    #[serde(with = "crate::domain::compact::moment")]
    pub updated_at: DateTime<Utc>,
    pub esf_exit: EsfExit,
    /// The history a head of schema 1 or 2 holds, until the store moves it into
    /// [`StatusEntry`] records (see `Store::split_facts`). Never stored in schema 3.
    #[serde(skip)]
    pub legacy_history: Vec<StatusChange>,
}

impl TrajectoryHead {
    /// The head of a trajectory (its history is stored apart).
    pub fn of(t: &Trajectory) -> TrajectoryHead {
        TrajectoryHead {
            participant: t.participant,
            closing: t.closing.clone(),
            advice: t.advice.clone(),
            updated_at: t.updated_at,
            esf_exit: t.esf_exit,
            legacy_history: Vec::new(),
        }
    }

    /// The trajectory of this head with `history` after whatever history the head still holds.
    pub fn with_history(self, history: impl IntoIterator<Item = StatusChange>) -> Trajectory {
        let mut all = self.legacy_history;
        all.extend(history);
        Trajectory {
            participant: self.participant,
            history: all,
            closing: self.closing,
            advice: self.advice,
            updated_at: self.updated_at,
            esf_exit: self.esf_exit,
        }
    }

    /// A trajectory with a history and no head (status changes arrived without it): no
    /// closing, no advice, last changed at the Unix epoch.
    pub fn missing(participant: ParticipantId) -> TrajectoryHead {
        TrajectoryHead {
            participant,
            closing: None,
            advice: String::new(),
            updated_at: DateTime::<Utc>::UNIX_EPOCH,
            esf_exit: EsfExit::default(),
            legacy_history: Vec::new(),
        }
    }

    fn from_legacy(t: Trajectory) -> TrajectoryHead {
        let history = t.history.clone();
        TrajectoryHead { legacy_history: history, ..TrajectoryHead::of(&t) }
    }
}

impl Record for TrajectoryHead {
    const KIND: Kind = Kind::Trajectory;
    /// Schema 2 added the ESF+ exit results at the end; schema 3 moved the history out into
    /// [`StatusEntry`] records. Both older schemas read with their history.
    const SCHEMA: u16 = 3;
    fn migrate(schema: u16, payload: &[u8]) -> Result<Self, StoreError> {
        match schema {
            1 => super::with_appended::<Trajectory, _>(Kind::Trajectory, payload, &EsfExit::default())
                .map(TrajectoryHead::from_legacy),
            2 => codec::decode_payload::<Trajectory>(Kind::Trajectory, payload).map(TrajectoryHead::from_legacy),
            _ => Err(StoreError::Corrupt { kind: "trajectory", reason: format!("unknown schema version {schema}") }),
        }
    }
    fn owner(&self) -> Option<ParticipantId> {
        Some(self.participant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Status;
    use crate::store::crypto::{Key, Keys, MASTER_KEY_ID};

    /// A trajectory as schema 2 stored it (the domain type with its history).
    #[derive(Serialize, Deserialize)]
    #[serde(transparent)]
    struct V2(Trajectory);
    impl Record for V2 {
        const KIND: Kind = Kind::Trajectory;
        const SCHEMA: u16 = 2;
    }

    /// A head of schema 2 reads with its whole history; the current schema stores none.
    #[test]
    fn an_old_trajectory_reads_with_its_history_and_a_new_head_holds_none() {
        let keys = Keys::new(Key::random());
        let p = ParticipantId(uuid::Uuid::from_u128(9));
        let mut t = Trajectory::new(p, DateTime::<Utc>::UNIX_EPOCH);
        t.advice = "Verder met vrijwilligerswerk".into();
        for (from, to) in [(Status::Referred, Status::Intake), (Status::Intake, Status::Active)] {
            t.history.push(StatusChange {
                date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
                from,
                to,
                reason: String::new(),
                coach: "Sanne".into(),
            });
        }
        let old = codec::encode(&V2(t.clone()), &keys, MASTER_KEY_ID).unwrap();
        let head: TrajectoryHead = codec::decode(&old, &keys).unwrap();
        assert_eq!(head.legacy_history, t.history);
        assert_eq!(head.clone().with_history([]), t);
        let new = codec::encode(&TrajectoryHead::of(&t), &keys, MASTER_KEY_ID).unwrap();
        assert!(new.len() < old.len(), "the history is not in the head");
        let read: TrajectoryHead = codec::decode(&new, &keys).unwrap();
        assert!(read.legacy_history.is_empty());
        assert_eq!(read.with_history(t.history.clone()), t);
    }
}
