//! Two versions of one record made apart (on two devices of a team, while they had not synced):
//! the field-level merge against their common base, and the record of a conflict the coaches
//! review.
//!
//! A record is compared as its serde data (a JSON value): an object field by field, nested
//! objects (an address) field by field too, anything else (a list, a number, a text) as a
//! whole. A field changed on one side only takes that side's value; a field changed on both
//! sides to the same value is no conflict; a field changed on both sides to different values
//! takes the later edit's value (by hybrid clock, then device: the same choice on every replica)
//! and is listed as a [`FieldConflict`]. Bookkeeping times (`updated_at`) take the later value
//! and are never a conflict. Without a base (the record was made on both sides under the same
//! key, or the base is not kept) every differing field is a conflict.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ParticipantId;

/// Fields that say when a record was last written: never a conflict, the later one is kept.
const BOOKKEEPING: &[&str] = &["updated_at"];

/// Lists that only grow (entries are appended, never changed or taken out): merged as the
/// union of both sides, so a correction made on either device stays in the history.
const HISTORIES: &[&str] = &["corrections"];

/// One field that both sides changed to different values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldConflict {
    /// The field's path in the record's data (`phone`, `address.street`); empty: the record as
    /// a whole (kept on one side, deleted on the other).
    pub field: String,
    /// The value the merge kept (JSON text; empty: the record deleted).
    pub kept: String,
    /// The other side's value, which the coach can pick instead.
    pub other: String,
}

/// The result of a field-level merge.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub value: Value,
    pub conflicts: Vec<FieldConflict>,
}

/// Merges `local` and `remote`, both made on `base` (`None`: no common base known).
/// `local_later`: the local edit is the later one (hybrid clock, then device), so it wins a
/// field both changed.
pub fn merge(base: Option<&Value>, local: &Value, remote: &Value, local_later: bool) -> Merged {
    let mut conflicts = Vec::new();
    let value = merge_at("", base, local, remote, local_later, &mut conflicts);
    Merged { value, conflicts }
}

fn merge_at(
    path: &str,
    base: Option<&Value>,
    local: &Value,
    remote: &Value,
    local_later: bool,
    out: &mut Vec<FieldConflict>,
) -> Value {
    if local == remote {
        return local.clone();
    }
    if let (Value::Object(l), Value::Object(r)) = (local, remote) {
        let b = base.and_then(Value::as_object);
        let mut merged = serde_json::Map::new();
        // Every field of either side, in the local order then the remote's new ones.
        let names: Vec<&String> = l.keys().chain(r.keys().filter(|k| !l.contains_key(*k))).collect();
        for name in names {
            let child = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
            let bv = b.and_then(|b| b.get(name));
            let value = match (l.get(name), r.get(name)) {
                (Some(Value::Array(lv)), Some(Value::Array(rv)))
                    if path.is_empty() && HISTORIES.contains(&name.as_str()) =>
                {
                    Value::Array(union(lv, rv))
                }
                (Some(lv), Some(rv)) if path.is_empty() && BOOKKEEPING.contains(&name.as_str()) => {
                    if local_later {
                        lv.clone()
                    } else {
                        rv.clone()
                    }
                }
                (Some(lv), Some(rv)) => merge_at(&child, bv, lv, rv, local_later, out),
                (Some(v), None) | (None, Some(v)) => v.clone(),
                (None, None) => continue,
            };
            merged.insert(name.clone(), value);
        }
        return Value::Object(merged);
    }
    match base {
        Some(b) if b == local => remote.clone(),
        Some(b) if b == remote => local.clone(),
        _ => {
            let (kept, other) = if local_later { (local, remote) } else { (remote, local) };
            out.push(FieldConflict { field: path.to_string(), kept: kept.to_string(), other: other.to_string() });
            kept.clone()
        }
    }
}

/// The entries of two histories together, each once, ordered by their time (`at`), then by
/// their text: the same list whichever side merges.
fn union(local: &[Value], remote: &[Value]) -> Vec<Value> {
    let mut all: Vec<Value> = local.to_vec();
    for r in remote {
        if !all.contains(r) {
            all.push(r.clone());
        }
    }
    let at = |v: &Value| v.get("at").and_then(Value::as_array).map(|t| t.iter().filter_map(Value::as_i64).collect());
    all.sort_by_cached_key(|v| (at(v).unwrap_or_else(Vec::new), v.to_string()));
    all
}

/// Sets the field at `path` (as [`FieldConflict::field`] names it) of `record` to the JSON text
/// `value`. `false` when the path or the value does not fit the record.
pub fn set_field(record: &mut Value, path: &str, value: &str) -> bool {
    let Ok(value) = serde_json::from_str::<Value>(value) else { return false };
    let mut at = record;
    for name in path.split('.') {
        match at.as_object_mut().and_then(|o| o.get_mut(name)) {
            Some(v) => at = v,
            None => return false,
        }
    }
    *at = value;
    true
}

/// Who made one of the two versions, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Side {
    pub device: [u8; 16],
    #[serde(with = "super::compact::moment")]
    pub at: DateTime<Utc>,
    /// The version is a deletion.
    pub deleted: bool,
}

/// How a coach settled a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    pub by: String,
    #[serde(with = "super::compact::moment")]
    pub at: DateTime<Utc>,
    /// The other value was put in place (otherwise the kept one was confirmed).
    pub took_other: bool,
}

/// A conflict to review: one record changed on two devices apart, the fields both changed, what
/// was kept and what the other side had. Shared with the team (both coaches see it), sealed
/// under the person's key when the record is about a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub id: [u8; 16],
    pub participant: Option<ParticipantId>,
    /// The record's kind (as stored) and storage key.
    pub kind: u8,
    pub record: Vec<u8>,
    pub fields: Vec<FieldConflict>,
    pub kept: Side,
    pub other: Side,
    pub resolved: Option<Resolution>,
}

/// A device of the team and the coach who works on it (so a conflict can say who).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub device: [u8; 16],
    pub coach: String,
}

/// A value of a conflict as a coach reads it: texts without quotes, a day number as dd-mm-jjjj
/// (dates are stored as days since 1-1-0001), yes/no, an address or a list joined with commas.
pub fn show_value(field: &str, json: &str) -> String {
    let Ok(v) = serde_json::from_str::<Value>(json) else { return json.to_string() };
    show(field, &v)
}

fn show(field: &str, v: &Value) -> String {
    let last = field.rsplit('.').next().unwrap_or(field);
    match v {
        Value::Null => "—".into(),
        Value::Bool(true) => "✓".into(),
        Value::Bool(false) => "✗".into(),
        Value::String(s) if s.is_empty() => "—".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) if is_date_field(last) => n
            .as_i64()
            .and_then(|d| i32::try_from(d).ok())
            .and_then(chrono::NaiveDate::from_num_days_from_ce_opt)
            .map(|d| d.format("%d-%m-%Y").to_string())
            .unwrap_or_else(|| n.to_string()),
        Value::Number(n) => n.to_string(),
        Value::Array(items) if is_moment_field(last) && items.len() == 2 => items[0]
            .as_i64()
            .and_then(|s| DateTime::from_timestamp(s, 0))
            .map(|t| t.format("%d-%m-%Y %H:%M").to_string())
            .unwrap_or_else(|| v.to_string()),
        Value::Array(items) => items.iter().map(|i| show(field, i)).filter(|s| s != "—").collect::<Vec<_>>().join(", "),
        Value::Object(o) => o.values().map(|i| show("", i)).filter(|s| s != "—").collect::<Vec<_>>().join(", "),
    }
}

fn is_date_field(name: &str) -> bool {
    name == "date" || name.ends_with("_date") || name.ends_with("_on") || name == "date_of_birth" || name == "due"
}

fn is_moment_field(name: &str) -> bool {
    name.ends_with("_at") || name == "at"
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_changed_on_one_side_each_both_survive() {
        let base = json!({"phone": "0611", "email": "a@x.nl", "address": {"street": "Dorpsstraat", "city": "Ede"}});
        let local = json!({"phone": "0622", "email": "a@x.nl", "address": {"street": "Dorpsstraat", "city": "Ede"}});
        let remote = json!({"phone": "0611", "email": "b@x.nl", "address": {"street": "Kerkweg", "city": "Ede"}});
        for local_later in [true, false] {
            let m = merge(Some(&base), &local, &remote, local_later);
            assert_eq!(
                m.value,
                json!({"phone": "0622", "email": "b@x.nl", "address": {"street": "Kerkweg", "city": "Ede"}})
            );
            assert!(m.conflicts.is_empty());
        }
    }

    #[test]
    fn the_same_field_changed_on_both_sides_goes_to_the_later_edit_and_is_listed() {
        let base = json!({"phone": "0611", "updated_at": [1, 0]});
        let local = json!({"phone": "0622", "updated_at": [5, 0]});
        let remote = json!({"phone": "0633", "updated_at": [3, 0]});
        let m = merge(Some(&base), &local, &remote, true);
        assert_eq!(m.value, json!({"phone": "0622", "updated_at": [5, 0]}));
        assert_eq!(
            m.conflicts,
            [FieldConflict { field: "phone".into(), kept: "\"0622\"".into(), other: "\"0633\"".into() }]
        );
        // Seen from the other device (sides swapped, so is who is later): the same result.
        let m2 = merge(Some(&base), &remote, &local, false);
        assert_eq!(m2.value, m.value);
        assert_eq!(m2.conflicts, m.conflicts);
        // Changed to the same value on both sides: nothing to review.
        assert!(
            merge(Some(&base), &local, &json!({"phone": "0622", "updated_at": [2, 0]}), false).conflicts.is_empty()
        );
    }

    #[test]
    fn without_a_base_every_difference_is_a_conflict_and_the_other_value_can_be_put_back() {
        let local = json!({"a": 1, "b": "x", "c": [1, 2]});
        let remote = json!({"a": 1, "b": "y", "c": [1]});
        let mut m = merge(None, &local, &remote, false);
        assert_eq!(m.value, remote);
        assert_eq!(m.conflicts.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(), ["b", "c"]);
        assert!(set_field(&mut m.value, "b", &m.conflicts[0].other.clone()));
        assert_eq!(m.value["b"], json!("x"));
        assert!(!set_field(&mut m.value, "nope.deeper", "1"));
        assert!(!set_field(&mut m.value, "b", "not json"));
    }

    #[test]
    fn a_history_changed_on_both_sides_keeps_every_entry_in_time_order() {
        let entry = |secs: i64, coach: &str| json!({"at": [secs, 0], "coach": coach});
        let base = json!({"score": 7, "corrections": [entry(10, "Sanne")]});
        let local = json!({"score": 5, "corrections": [entry(10, "Sanne"), entry(30, "Sanne")]});
        let remote = json!({"score": 7, "corrections": [entry(10, "Sanne"), entry(20, "Ahmed")]});
        for (l, r, later) in [(&local, &remote, true), (&remote, &local, false)] {
            let m = merge(Some(&base), l, r, later);
            assert_eq!(m.value["corrections"], json!([entry(10, "Sanne"), entry(20, "Ahmed"), entry(30, "Sanne")]));
            assert_eq!(m.value["score"], json!(5));
            assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        }
        // Another list is still compared as a whole.
        let m = merge(Some(&json!({"steps": [1]})), &json!({"steps": [1, 2]}), &json!({"steps": [1, 3]}), true);
        assert_eq!(m.conflicts.len(), 1);
    }

    #[test]
    fn values_read_as_a_coach_reads_them() {
        use chrono::Datelike;
        let day = chrono::NaiveDate::from_ymd_opt(1970, 2, 3).unwrap().num_days_from_ce();
        assert_eq!(show_value("date_of_birth", &day.to_string()), "03-02-1970");
        assert_eq!(show_value("phone", "\"0612345678\""), "0612345678");
        assert_eq!(show_value("address", r#"{"street":"Kerkweg 1","postcode":"","city":"Ede"}"#), "Kerkweg 1, Ede");
        assert_eq!(show_value("interpreter", "true"), "✓");
        assert_eq!(show_value("notes", "\"\""), "—");
    }
}
