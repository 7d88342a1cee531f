//! The Positive Health records: a saved conversation and one not yet saved (its draft), and how
//! their first schema reads.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::super::StoreError;
use super::super::codec::{self, Kind, Record};
use crate::domain::ParticipantId;
use crate::domain::health::{ASPECTS, Assessment, AssessmentId, Correction, DIMENSIONS};

impl Record for Assessment {
    const KIND: Kind = Kind::Assessment;
    /// Schema 2 added the corrections (with a withdrawal and its restoring) at the end.
    const SCHEMA: u16 = 2;
    fn migrate(schema: u16, payload: &[u8]) -> Result<Self, StoreError> {
        match schema {
            1 => super::with_appended(Kind::Assessment, payload, &Vec::<Correction>::new()),
            _ => Err(StoreError::Corrupt { kind: "assessment", reason: format!("unknown schema version {schema}") }),
        }
    }
    fn owner(&self) -> Option<ParticipantId> {
        Some(self.participant)
    }
}

/// A Positive Health conversation not yet saved, with where the coach was in it. A draft whose
/// conversation is saved already (its id is stored) is a correction of that conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentDraft {
    pub assessment: Assessment,
    /// Page (0-5 the dimensions, 6 the overall marks, 7 the summary) and row on it.
    pub page: u8,
    pub row: u8,
}

impl Record for AssessmentDraft {
    const KIND: Kind = Kind::AssessmentDraft;
    /// Schema 2: the conversation inside has its corrections (schema 2 of the conversation).
    const SCHEMA: u16 = 2;
    fn migrate(schema: u16, payload: &[u8]) -> Result<Self, StoreError> {
        match schema {
            1 => {
                let old: AssessmentDraftV1 = codec::decode_payload(Kind::AssessmentDraft, payload)?;
                Ok(AssessmentDraft { assessment: old.assessment.into(), page: old.page, row: old.row })
            }
            _ => Err(StoreError::Corrupt {
                kind: "assessment draft",
                reason: format!("unknown schema version {schema}"),
            }),
        }
    }
    fn owner(&self) -> Option<ParticipantId> {
        Some(self.assessment.participant)
    }
}

/// A conversation as schema 1 stored it (inside a draft: the fields of schema 2 come after it
/// there, so the draft cannot be read by appending them).
#[derive(Serialize, Deserialize)]
struct AssessmentV1 {
    id: AssessmentId,
    participant: ParticipantId,
    #[serde(with = "crate::domain::compact::date")]
    date: NaiveDate,
    scores: [[Option<u8>; ASPECTS]; DIMENSIONS],
    talk: [[bool; ASPECTS]; DIMENSIONS],
    remarks: Vec<String>,
    overall: [Option<u8>; DIMENSIONS],
    ladder: Option<u8>,
    wish: String,
    need: String,
    coach: String,
    #[serde(with = "crate::domain::compact::moment")]
    created_at: DateTime<Utc>,
    #[serde(with = "crate::domain::compact::moment")]
    updated_at: DateTime<Utc>,
}

impl From<AssessmentV1> for Assessment {
    fn from(a: AssessmentV1) -> Assessment {
        Assessment {
            id: a.id,
            participant: a.participant,
            date: a.date,
            scores: a.scores,
            talk: a.talk,
            remarks: a.remarks,
            overall: a.overall,
            ladder: a.ladder,
            wish: a.wish,
            need: a.need,
            coach: a.coach,
            created_at: a.created_at,
            updated_at: a.updated_at,
            corrections: Vec::new(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct AssessmentDraftV1 {
    assessment: AssessmentV1,
    page: u8,
    row: u8,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::health::Corrected;
    use crate::store::crypto::{Key, Keys, MASTER_KEY_ID};

    fn v1(id: u128) -> AssessmentV1 {
        let at = DateTime::from_timestamp(1_780_000_000, 0).unwrap();
        let mut scores = [[None; ASPECTS]; DIMENSIONS];
        scores[2][3] = Some(7);
        let mut talk = [[false; ASPECTS]; DIMENSIONS];
        talk[4][0] = true;
        let mut remarks = vec![String::new(); DIMENSIONS * ASPECTS];
        remarks[2 * ASPECTS + 3] = "slaapt slecht".into();
        AssessmentV1 {
            id: AssessmentId(uuid::Uuid::from_u128(id)),
            participant: ParticipantId(uuid::Uuid::from_u128(5)),
            date: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
            scores,
            talk,
            remarks,
            overall: [Some(60), None, Some(70), None, Some(45), None],
            ladder: Some(3),
            wish: "Meer bewegen".into(),
            need: "Een maatje".into(),
            coach: "Sanne".into(),
            created_at: at,
            updated_at: at,
        }
    }

    /// Bytes as the first schema wrote them (plain, no key).
    fn stored(kind: Kind, payload: &impl Serialize) -> Vec<u8> {
        let payload = bincode::serde::encode_to_vec(payload, bincode::config::standard()).unwrap();
        let mut bytes = vec![b'M', b'D', codec::FORMAT, kind as u8];
        bytes.extend_from_slice(&1u16.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&payload);
        bytes
    }

    fn keys() -> Keys {
        let mut keys = Keys::new(Key::random());
        keys.allow_plain = true;
        keys
    }

    /// A conversation saved before corrections existed reads with every answer and no history;
    /// it can then be corrected and reads back with the correction.
    #[test]
    fn a_conversation_of_schema_1_reads_with_no_corrections() {
        let keys = keys();
        let a: Assessment = codec::decode(&stored(Kind::Assessment, &v1(9)), &keys).unwrap();
        assert_eq!(a.id, AssessmentId(uuid::Uuid::from_u128(9)));
        assert_eq!((a.scores[2][3], a.talk[4][0], a.remark(2, 3)), (Some(7), true, "slaapt slecht"));
        assert_eq!((a.overall[4], a.ladder, a.need.as_str()), (Some(45), Some(3), "Een maatje"));
        assert!(a.corrections.is_empty() && !a.is_withdrawn());
        let mut corrected = a.clone();
        let on = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        corrected.correct(Correction {
            on,
            at: DateTime::from_timestamp(1_790_000_000, 0).unwrap(),
            coach: "Ahmed".into(),
            reason: String::new(),
            changes: vec![Corrected::Score { dimension: 2, aspect: 3, old: Some(7), new: Some(5) }],
        });
        corrected.withdraw(on, DateTime::from_timestamp(1_790_000_100, 0).unwrap(), "Ahmed", "dubbel").unwrap();
        let back: Assessment = codec::decode(&codec::encode(&corrected, &keys, MASTER_KEY_ID).unwrap(), &keys).unwrap();
        assert_eq!(back, corrected);
        assert!(back.is_withdrawn());
    }

    /// An unfinished conversation kept by the first schema still reads, where the coach was.
    #[test]
    fn a_draft_of_schema_1_reads_with_its_conversation() {
        let keys = keys();
        let old = AssessmentDraftV1 { assessment: v1(11), page: 2, row: 3 };
        let d: AssessmentDraft = codec::decode(&stored(Kind::AssessmentDraft, &old), &keys).unwrap();
        assert_eq!((d.page, d.row), (2, 3));
        assert_eq!((d.assessment.wish.as_str(), d.assessment.scores[2][3]), ("Meer bewegen", Some(7)));
        assert!(d.assessment.corrections.is_empty());
        assert_eq!(d.owner(), Some(ParticipantId(uuid::Uuid::from_u128(5))));
    }
}
