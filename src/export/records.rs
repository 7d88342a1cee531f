//! Export records besides the main ones: the ESF+ answers (at entry, on the participant; at
//! exit, on the trajectory) and the drafts (forms begun and not yet saved).

use serde::Serialize;

use super::{AssessmentOut, moment};
use crate::store::{Store, StoreError};

/// The ESF+ characteristics at entry, as codes.
#[derive(Debug, Serialize)]
pub struct EsfEntryOut {
    pub labour: &'static str,
    pub education: &'static str,
    pub disability: &'static str,
    pub foreign_background: &'static str,
    pub homeless: &'static str,
}

/// The ESF+ results at exit, as codes.
#[derive(Debug, Serialize)]
pub struct EsfExitOut {
    pub searching_work: &'static str,
    pub in_education: &'static str,
    pub qualification: &'static str,
    pub employed: &'static str,
}

impl From<&crate::domain::esf::EsfEntry> for EsfEntryOut {
    fn from(e: &crate::domain::esf::EsfEntry) -> Self {
        EsfEntryOut {
            labour: e.labour.code(),
            education: e.education.code(),
            disability: e.disability.code(),
            foreign_background: e.foreign_background.code(),
            homeless: e.homeless.code(),
        }
    }
}

impl From<&crate::domain::esf::EsfExit> for EsfExitOut {
    fn from(e: &crate::domain::esf::EsfExit) -> Self {
        EsfExitOut {
            searching_work: e.searching_work.code(),
            in_education: e.in_education.code(),
            qualification: e.qualification.code(),
            employed: e.employed.code(),
        }
    }
}

/// A form begun and not yet saved (`form`: which, e.g. "contact"; "assessment" for a Positive
/// Health conversation, whose answers so far are in `assessment`).
#[derive(Debug, Serialize)]
pub struct DraftOut {
    pub participant_id: Option<String>,
    pub form: String,
    pub saved_at: String,
    /// Field and typed text, in form order.
    pub fields: Vec<DraftFieldOut>,
    pub assessment: Option<AssessmentOut>,
}

#[derive(Debug, Serialize)]
pub struct DraftFieldOut {
    pub field: String,
    pub value: String,
}

/// Every draft: the forms (by whom they are about, if anyone yet), then the conversations.
pub(super) fn drafts(store: &Store) -> Result<Vec<DraftOut>, StoreError> {
    use crate::store::codec::Record;
    let mut out = Vec::new();
    for (_, d) in store.drafts()? {
        let form = match &d.kind {
            crate::store::DraftKind::Form(k) => k.code().to_string(),
            crate::store::DraftKind::Unknown(name) => name.clone(),
        };
        out.push(DraftOut {
            participant_id: d.owner().map(|p| p.to_string()),
            form,
            saved_at: chrono::DateTime::from_timestamp(d.saved_at, 0).map(moment).unwrap_or_default(),
            fields: d.values.iter().map(|(f, v)| DraftFieldOut { field: f.clone(), value: v.clone() }).collect(),
            assessment: None,
        });
    }
    for a in store.assessment_drafts()? {
        out.push(DraftOut {
            participant_id: Some(a.assessment.participant.to_string()),
            form: "assessment".into(),
            saved_at: moment(a.assessment.updated_at),
            fields: Vec::new(),
            assessment: Some(AssessmentOut::from(&a.assessment)),
        });
    }
    Ok(out)
}
