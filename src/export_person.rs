//! The privacy records in the export, and `meedoen export --participant NUMBER`: everything held
//! about one person, as JSON and as a readable text, for a request of access (AVG article 15).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

use crate::domain::privacy::{AccessAction, AccessEntry};
use crate::export::Export;
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

/// Everything held about participant `number`: the export narrowed to them. Logged in their
/// access log as an export.
pub fn build(store: &Store, number: u32, coach: &str, now: DateTime<Utc>) -> Result<Export, StoreError> {
    let p = store.participant_by_number(number)?;
    store.log_access(&AccessEntry {
        participant: p.id,
        at: now,
        coach: coach.to_string(),
        action: AccessAction::Exported,
    })?;
    store.flush()?;
    let mut all = crate::export::build(store, now)?;
    let id = p.id.to_string();
    all.participants.retain(|x| x.participant_id == id);
    all.assessments.retain(|x| x.participant_id == id);
    all.goals.retain(|x| x.participant_id == id);
    all.enrolments.retain(|x| x.participant_id == id);
    let modules: Vec<String> = all.enrolments.iter().map(|e| e.module_id.clone()).collect();
    all.modules.retain(|m| modules.contains(&m.module_id));
    all.sessions.clear();
    all.contacts.retain(|x| x.participant_id == id);
    all.appointments.retain(|x| x.participant_id == id);
    all.signals.retain(|x| x.participant_id == id);
    all.referrals.retain(|x| x.participant_id == id);
    all.trajectories.retain(|x| x.participant_id == id);
    all.access_log.retain(|x| x.participant_id == id);
    all.consents.retain(|x| x.participant_id == id);
    all.erasures.clear();
    Ok(all)
}

/// The same content as readable text: a heading per kind of record, one block per record,
/// one "name: value" line per field.
pub fn text(export: &Export) -> Result<String, StoreError> {
    let value = serde_json::to_value(export).map_err(|e| StoreError::Backend(format!("cannot render: {e}")))?;
    let mut out = String::new();
    out.push_str("Everything meedoen holds about this person (request of access)\n");
    out.push_str(&format!("Exported at: {}\n", export.exported_at));
    if let serde_json::Value::Object(sections) = value {
        for (name, v) in sections {
            let serde_json::Value::Array(items) = v else { continue };
            out.push_str(&format!("\n== {} ({}) ==\n", human(&name), items.len()));
            for item in items {
                write_value(&mut out, &item, 1);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

fn human(key: &str) -> String {
    let s = key.replace('_', " ");
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

fn write_value(out: &mut String, v: &serde_json::Value, depth: usize) {
    let pad = "  ".repeat(depth);
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map {
                match x {
                    serde_json::Value::Object(_) | serde_json::Value::Array(_) if !is_flat(x) => {
                        out.push_str(&format!("{pad}{}:\n", human(k)));
                        write_value(out, x, depth + 1);
                    }
                    _ => out.push_str(&format!("{pad}{}: {}\n", human(k), flat(x))),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for x in items {
                write_value(out, x, depth);
                out.push_str(&format!("{pad}--\n"));
            }
        }
        other => out.push_str(&format!("{pad}{}\n", flat(other))),
    }
}

fn is_flat(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Array(a) => a.iter().all(|x| !x.is_object() && !x.is_array()),
        serde_json::Value::Object(_) => false,
        _ => true,
    }
}

fn flat(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::String(s) if s.is_empty() => "—".into(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) if a.is_empty() => "—".into(),
        serde_json::Value::Array(a) => a.iter().map(flat).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}
