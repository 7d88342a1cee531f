//! A Positive Health conversation as the export writes it: every aspect's score, talk-about mark
//! and remark per dimension, the own marks, the ladder and the answers; and its history: every
//! correction with the values before and after, who made it, when and why, and the day it was
//! withdrawn when it is.

use chrono::NaiveDate;
use serde::Serialize;

use super::moment;
use crate::domain::health::{ASPECTS, Assessment, Corrected, Correction, DIMENSIONS, Instrument};

#[derive(Debug, Serialize)]
pub struct AspectOut {
    pub key: String,
    /// 0-10, `null` when skipped.
    pub score: Option<u8>,
    pub talk_about: bool,
    pub remark: String,
}

#[derive(Debug, Serialize)]
pub struct DimensionOut {
    pub key: String,
    /// The participant's own mark, one decimal.
    pub overall: Option<f64>,
    pub aspects: Vec<AspectOut>,
}

/// One change of a correction: what (`score`, `talk_about`, `remark`, `overall`, `ladder_step`,
/// `wish`, `need`, `withdrawn`, `restored`), of which dimension and aspect (their keys), and
/// the value before and after, as the conversation's own fields hold them.
#[derive(Debug, Serialize)]
pub struct ChangeOut {
    pub what: &'static str,
    pub dimension: Option<String>,
    pub aspect: Option<String>,
    pub old: serde_json::Value,
    pub new: serde_json::Value,
}

/// One correction: the day and time, the coach, the reason and the changes.
#[derive(Debug, Serialize)]
pub struct CorrectionOut {
    pub date: NaiveDate,
    pub at: String,
    pub coach: String,
    pub reason: String,
    pub changes: Vec<ChangeOut>,
}

#[derive(Debug, Serialize)]
pub struct AssessmentOut {
    pub assessment_id: String,
    pub participant_id: String,
    pub date: NaiveDate,
    pub ladder_step: Option<u8>,
    pub dimensions: Vec<DimensionOut>,
    pub wish: String,
    pub need: String,
    pub coach: String,
    pub created_at: String,
    pub updated_at: String,
    /// The day it was withdrawn (saved by mistake), `null` when it counts.
    pub withdrawn_on: Option<NaiveDate>,
    /// Every correction, oldest first, a withdrawal and its restoring included.
    pub corrections: Vec<CorrectionOut>,
}

fn dimension_key(d: u8) -> Option<String> {
    Instrument::get().dimensions.get(usize::from(d)).map(|x| x.key.clone())
}

fn aspect_key(d: u8, a: u8) -> Option<String> {
    Instrument::get().aspect(usize::from(d), usize::from(a)).map(|x| x.key.clone())
}

fn tenths(t: Option<u8>) -> serde_json::Value {
    t.map_or(serde_json::Value::Null, |t| serde_json::Value::from(f64::from(t) / 10.0))
}

impl From<&Corrected> for ChangeOut {
    fn from(c: &Corrected) -> ChangeOut {
        use serde_json::Value;
        let what = c.code();
        let out = |dimension, aspect, old, new| ChangeOut { what, dimension, aspect, old, new };
        match c {
            Corrected::Score { dimension, aspect, old, new } => {
                out(dimension_key(*dimension), aspect_key(*dimension, *aspect), Value::from(*old), Value::from(*new))
            }
            Corrected::Talk { dimension, aspect, old, new } => {
                out(dimension_key(*dimension), aspect_key(*dimension, *aspect), Value::from(*old), Value::from(*new))
            }
            Corrected::Remark { dimension, aspect, old, new } => out(
                dimension_key(*dimension),
                aspect_key(*dimension, *aspect),
                Value::from(old.as_str()),
                Value::from(new.as_str()),
            ),
            Corrected::Mark { dimension, old, new } => out(dimension_key(*dimension), None, tenths(*old), tenths(*new)),
            Corrected::Ladder { old, new } => out(None, None, Value::from(*old), Value::from(*new)),
            Corrected::Wish { old, new } | Corrected::Need { old, new } => {
                out(None, None, Value::from(old.as_str()), Value::from(new.as_str()))
            }
            Corrected::Withdrawn | Corrected::Restored => out(None, None, Value::Null, Value::Null),
        }
    }
}

impl From<&Correction> for CorrectionOut {
    fn from(c: &Correction) -> CorrectionOut {
        CorrectionOut {
            date: c.on,
            at: moment(c.at),
            coach: c.coach.clone(),
            reason: c.reason.clone(),
            changes: c.changes.iter().map(ChangeOut::from).collect(),
        }
    }
}

impl From<&Assessment> for AssessmentOut {
    fn from(a: &Assessment) -> Self {
        let ins = Instrument::get();
        AssessmentOut {
            assessment_id: a.id.0.to_string(),
            participant_id: a.participant.to_string(),
            date: a.date,
            ladder_step: a.ladder,
            dimensions: (0..DIMENSIONS)
                .map(|d| DimensionOut {
                    key: ins.dimensions.get(d).map(|x| x.key.clone()).unwrap_or_default(),
                    overall: a.overall[d].map(|t| f64::from(t) / 10.0),
                    aspects: (0..ASPECTS)
                        .map(|x| AspectOut {
                            key: ins.aspect(d, x).map(|y| y.key.clone()).unwrap_or_default(),
                            score: a.scores[d][x],
                            talk_about: a.talk[d][x],
                            remark: a.remark(d, x).to_string(),
                        })
                        .collect(),
                })
                .collect(),
            wish: a.wish.clone(),
            need: a.need.clone(),
            coach: a.coach.clone(),
            created_at: moment(a.created_at),
            updated_at: moment(a.updated_at),
            withdrawn_on: a.withdrawal().map(|w| w.on),
            corrections: a.corrections.iter().map(CorrectionOut::from).collect(),
        }
    }
}
