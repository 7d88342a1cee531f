//! The privacy records as the export writes them: the access log, the consents and the
//! anonymous erasure traces.

use chrono::{NaiveDate, SecondsFormat};
use serde::Serialize;

use crate::domain::privacy::{AccessAction, AccessEntry};
use crate::store::{Store, StoreError};

#[derive(Debug, Serialize)]
pub struct AccessOut {
    pub participant_id: String,
    pub at: String,
    pub coach: String,
    /// opened, created, changed, recorded, exported, consent_given, consent_withdrawn
    pub action: &'static str,
    /// What was recorded, or the consent scope.
    pub detail: String,
    /// For `changed`: each field with its old and new value.
    pub fields: Vec<FieldOut>,
}

#[derive(Debug, Serialize)]
pub struct FieldOut {
    pub field: String,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Serialize)]
pub struct ConsentOut {
    pub participant_id: String,
    pub scope: &'static str,
    pub given_on: NaiveDate,
    pub withdrawn_on: Option<NaiveDate>,
    pub coach: String,
}

/// One field two coaches changed apart (a conflict of the team's sync), with both values.
#[derive(Debug, Serialize)]
pub struct ConflictOut {
    /// Empty for a record of no one person (a module).
    pub participant_id: String,
    /// The kind of record (`participant`, `goal`, ...).
    pub record: &'static str,
    /// The field (`phone`, `address.street`); empty: the record as a whole.
    pub field: String,
    /// The value the merge kept, and when it was made.
    pub kept: String,
    pub kept_at: String,
    /// The coach who made the kept value (their computer's name in the team where unknown).
    pub kept_by: String,
    /// The other coach's value, when and by whom it was made.
    pub other: String,
    pub other_at: String,
    pub other_by: String,
    /// Who settled it, when, and whether the other value was taken (empty: still to review).
    pub settled_by: String,
    pub settled_at: Option<String>,
    pub took_other: bool,
}

/// Every conflict, one row per field, as the coaches see them.
pub fn conflict_records(store: &Store) -> Result<Vec<ConflictOut>, StoreError> {
    use crate::domain::conflict::show_value;
    let at = |t: &chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let members = store.members()?;
    let by = |device: &[u8; 16]| {
        members.get(device).cloned().unwrap_or_else(|| format!("computer {}", uuid::Uuid::from_bytes(*device)))
    };
    let mut out = Vec::new();
    for c in store.conflicts()? {
        let record = crate::store::Kind::from_u8(c.kind).map_or("", crate::store::Kind::name);
        for f in &c.fields {
            let value = |json: &str| {
                if json.is_empty() || f.field.is_empty() { json.to_string() } else { show_value(&f.field, json) }
            };
            out.push(ConflictOut {
                participant_id: c.participant.map(|p| p.to_string()).unwrap_or_default(),
                record,
                field: f.field.clone(),
                kept: value(&f.kept),
                kept_at: at(&c.kept.at),
                kept_by: by(&c.kept.device),
                other: value(&f.other),
                other_at: at(&c.other.at),
                other_by: by(&c.other.device),
                settled_by: c.resolved.as_ref().map(|r| r.by.clone()).unwrap_or_default(),
                settled_at: c.resolved.as_ref().map(|r| at(&r.at)),
                took_other: c.resolved.as_ref().is_some_and(|r| r.took_other),
            });
        }
    }
    out.sort_by(|a, b| (&a.participant_id, &a.kept_at, &a.field).cmp(&(&b.participant_id, &b.kept_at, &b.field)));
    Ok(out)
}

/// An erasure leaves only this: no participant id, nothing about the person.
#[derive(Debug, Serialize)]
pub struct ErasureOut {
    pub erased_on: NaiveDate,
    pub coach: String,
}

fn access_out(e: &AccessEntry) -> AccessOut {
    let (action, detail, fields) = match &e.action {
        AccessAction::Opened => ("opened", String::new(), Vec::new()),
        AccessAction::Created => ("created", String::new(), Vec::new()),
        AccessAction::Exported => ("exported", String::new(), Vec::new()),
        AccessAction::CaseloadExported => ("caseload_exported", String::new(), Vec::new()),
        AccessAction::EsfListed => ("esf_listed", String::new(), Vec::new()),
        AccessAction::ChartExported => ("chart_exported", String::new(), Vec::new()),
        AccessAction::Recorded(what) => ("recorded", what.clone(), Vec::new()),
        AccessAction::ConsentGiven(s) => ("consent_given", s.code().to_string(), Vec::new()),
        AccessAction::ConsentWithdrawn(s) => ("consent_withdrawn", s.code().to_string(), Vec::new()),
        AccessAction::Changed(f) => (
            "changed",
            String::new(),
            f.iter().map(|c| FieldOut { field: c.field.clone(), old: c.old.clone(), new: c.new.clone() }).collect(),
        ),
    };
    AccessOut {
        participant_id: e.participant.to_string(),
        at: e.at.to_rfc3339_opts(SecondsFormat::Secs, true),
        coach: e.coach.clone(),
        action,
        detail,
        fields,
    }
}

/// The access log, consents and erasure traces of the whole caseload.
/// The access log, the consents and the erasure traces, as the export writes them.
pub type PrivacyRecords = (Vec<AccessOut>, Vec<ConsentOut>, Vec<ErasureOut>);

pub fn privacy_records(store: &Store) -> Result<PrivacyRecords, StoreError> {
    let log = store.access_log()?.iter().map(access_out).collect();
    let consents = store
        .consents()?
        .iter()
        .map(|c| ConsentOut {
            participant_id: c.participant.to_string(),
            scope: c.scope.code(),
            given_on: c.given_on,
            withdrawn_on: c.withdrawn_on,
            coach: c.coach.clone(),
        })
        .collect();
    let erasures = store.erasures()?.into_iter().map(|e| ErasureOut { erased_on: e.on, coach: e.coach }).collect();
    Ok((log, consents, erasures))
}
