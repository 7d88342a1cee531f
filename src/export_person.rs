//! `meedoen export --participant NUMBER`: everything held
//! about one person, as JSON and as a readable text, for a request of access (AVG article 15).

use chrono::{DateTime, NaiveDate, Utc};

use crate::cli::{CliError, exit};
use crate::domain::privacy::{AccessAction, AccessEntry};
use crate::export::Export;
use crate::i18n::{Lang, Strings};
use crate::store::{Store, StoreError};

/// The person `who` names: their participant number, or (for someone whose number is still to
/// follow, or whose number is not at hand) their name or part of it, when exactly one person's
/// name holds it (letter case aside).
pub fn find(store: &Store, who: &str, strings: &Strings) -> Result<crate::domain::Participant, CliError> {
    let err = |e| CliError::from_store(e, strings);
    let who = who.trim();
    if let Ok(number) = who.parse::<u32>() {
        return store.participant_by_number(number).map_err(err);
    }
    let wanted = who.to_lowercase();
    let mut found: Vec<crate::domain::Participant> = store
        .participants()
        .map_err(err)?
        .into_iter()
        .filter(|p| {
            let full = p.name().natural().to_lowercase();
            !wanted.is_empty() && (full.contains(&wanted) || p.listed_name().to_lowercase().contains(&wanted))
        })
        .collect();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(CliError::new(strings.fill("participant.no_such_name", &[("name", who)]), exit::USAGE)),
        _ => {
            found.sort_by_key(|p| p.listed_name());
            let list: Vec<String> = found
                .iter()
                .map(|p| match p.number {
                    0 => format!("{} ({})", p.listed_name(), strings.get("participant.number_pending")),
                    n => format!("{} ({n})", p.listed_name()),
                })
                .collect();
            Err(CliError::new(
                strings.fill("participant.several", &[("name", who), ("list", &list.join("; "))]),
                exit::USAGE,
            ))
        }
    }
}

/// Everything held about participant `p`: the export narrowed to them. Logged in their access
/// log as an export.
pub fn build(
    store: &Store,
    p: &crate::domain::Participant,
    coach: &str,
    now: DateTime<Utc>,
) -> Result<Export, StoreError> {
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
    all.conflicts.retain(|x| x.participant_id == id);
    all.drafts.retain(|x| x.participant_id.as_deref() == Some(id.as_str()));
    all.erasures.clear();
    Ok(all)
}

/// The same content as readable text in the coach's language: a heading per kind of record, one
/// block per record, one "name: value" line per field, dates as dd-mm-jjjj, times in local time,
/// coded values (status, channel, Positive Health aspects, ...) in words. The JSON beside it keeps
/// the stored form (ISO dates, codes) for other programs.
pub fn text(export: &Export, strings: &Strings) -> Result<String, StoreError> {
    let value = serde_json::to_value(export).map_err(|e| StoreError::Backend(format!("cannot render: {e}")))?;
    let words = Words { strings };
    let mut out = String::new();
    out.push_str(strings.get("export.title"));
    out.push('\n');
    out.push_str(&strings.fill("export.exported_at", &[("at", &local_time(&export.exported_at))]));
    out.push('\n');
    out.push_str(strings.get("export.internal"));
    out.push('\n');
    if let serde_json::Value::Object(sections) = value {
        for (name, v) in sections {
            let serde_json::Value::Array(items) = v else { continue };
            let heading =
                strings.lookup(&format!("export_section.{name}")).map_or_else(|| human(&name), str::to_string);
            out.push_str(&format!("\n== {heading} ({}) ==\n", items.len()));
            for item in items {
                words.write(&mut out, &name, &item, 1);
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

/// A time as dd-mm-jjjj HH:MM: an RFC 3339 time in local time, a time without zone (a contact's
/// moment) as it is written; anything else unchanged.
fn local_time(s: &str) -> String {
    const SHOWN: &str = "%d-%m-%Y %H:%M";
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return t.with_timezone(&chrono::Local).format(SHOWN).to_string();
    }
    match chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
        Ok(t) => t.format(SHOWN).to_string(),
        Err(_) => s.to_string(),
    }
}

/// Labels and values of the readable export in the coach's language.
struct Words<'a> {
    strings: &'a Strings,
}

impl Words<'_> {
    fn label(&self, key: &str) -> String {
        self.strings.lookup(&format!("export_field.{key}")).map_or_else(|| human(key), str::to_string)
    }

    /// A coded value in words: the string table that names it, chosen by field and section.
    fn word(&self, section: &str, key: &str, value: &str) -> Option<String> {
        let table = match (section, key) {
            (_, "gender") => "gender",
            ("referrals", "from" | "to") => "referral_status",
            ("participants" | "trajectories", "status") | (_, "from" | "to") => "status",
            ("goals", "status") => "goal_status",
            ("signals", "status") => "signal_status",
            ("signals", "kind") => "signal_kind",
            ("referrals", "status") => "referral_status",
            ("enrolments", "status") => "enrolment",
            ("access_log", "action")
                if !matches!(value, "recorded" | "changed" | "consent_given" | "consent_withdrawn") =>
            {
                "privacy"
            }
            // Those four say what in the next line (`detail`, `fields`).
            ("access_log", "action") => "access_action",
            ("access_log" | "consents", "detail" | "scope") => {
                if let Some(s) = crate::domain::privacy::ConsentScope::ALL.iter().find(|s| s.code() == value) {
                    return self.strings.lookup(s.key()).map(str::to_string);
                }
                "record"
            }
            // A correction: its kind, the field it changed (by its label) and the old and new
            // values (coded ones in words).
            ("contacts" | "appointments", "kind") => "amend",
            ("appointments", "state") => "appointment_state",
            ("contacts" | "appointments", "field") => return Some(self.label(value)),
            ("contacts" | "appointments", "old" | "new") => return self.changed_value(value),
            (_, "channel") => "channel",
            (_, "initiative") => "initiative",
            (_, "reached") => "reached",
            (_, "recurrence") => "recurrence",
            (_, "mark") => "mark",
            (_, "partner_kind") => "partner",
            (_, "area" | "life_areas") => "area",
            (_, "outcome") => "outcome",
            // A closing's reason is its outcome code.
            ("trajectories", "reason") if crate::domain::trajectory::ExitOutcome::parse(value).is_some() => "outcome",
            ("assessments" | "drafts", "key" | "dimension" | "aspect") => return self.health_name(value),
            // What a correction of a conversation changed.
            ("assessments" | "drafts", "what") => "correction_what",
            // A conflict: the kind of record, and the field by its label.
            ("conflicts", "record") => "record_kind",
            ("drafts", "form") => "record",
            ("conflicts", "field") => {
                return Some(value.rsplit('.').next().map_or_else(String::new, |f| self.label(f)));
            }
            (_, "labour") => return self.esf_word(crate::domain::esf::LabourStatus::parse(value).map(|a| a.key())),
            (_, "education") => return self.esf_word(crate::domain::esf::Education::parse(value).map(|a| a.key())),
            (
                _,
                "disability" | "foreign_background" | "homeless" | "searching_work" | "in_education" | "qualification"
                | "employed",
            ) => return self.esf_word(crate::domain::esf::YesNo::parse(value).map(|a| a.key())),
            _ => return None,
        };
        self.strings.lookup(&format!("{table}.{value}")).map(str::to_string)
    }

    /// A corrected field's old or new value: a coded one (a channel, how it went, whose
    /// initiative, life areas) in words; `None` for a value that is text already.
    fn changed_value(&self, value: &str) -> Option<String> {
        for table in ["channel", "reached", "initiative"] {
            if let Some(w) = self.strings.lookup(&format!("{table}.{value}")) {
                return Some(w.to_string());
            }
        }
        let areas: Option<Vec<&str>> = value.split(", ").map(|a| self.strings.lookup(&format!("area.{a}"))).collect();
        areas.filter(|a| !a.is_empty() && !value.is_empty()).map(|a| a.join(", "))
    }

    /// An ESF+ answer in words, by its string-table key.
    fn esf_word(&self, key: Option<&str>) -> Option<String> {
        key.and_then(|k| self.strings.lookup(k)).map(str::to_string)
    }

    /// The name of a Positive Health dimension or aspect, by its key.
    fn health_name(&self, key: &str) -> Option<String> {
        let en = self.strings.lang() == Lang::En;
        let pick = |nl: &str, english: &str| if en { english.to_string() } else { nl.to_string() };
        for d in &crate::domain::health::Instrument::get().dimensions {
            if d.key == key {
                return Some(pick(&d.nl, &d.en));
            }
            if let Some(a) = d.aspects.iter().find(|a| a.key == key) {
                return Some(pick(&a.nl, &a.en));
            }
        }
        None
    }

    fn write(&self, out: &mut String, section: &str, v: &serde_json::Value, depth: usize) {
        let pad = "  ".repeat(depth);
        match v {
            serde_json::Value::Object(map) => {
                for (k, x) in map {
                    match x {
                        serde_json::Value::Object(_) | serde_json::Value::Array(_) if !is_flat(x) => {
                            out.push_str(&format!("{pad}{}:\n", self.label(k)));
                            self.write(out, section, x, depth + 1);
                        }
                        _ => {
                            // A long text's next lines under its first, so they read as its own.
                            let value = self.flat(section, k, x).replace('\n', &format!("\n{pad}  "));
                            out.push_str(&format!("{pad}{}: {value}\n", self.label(k)));
                        }
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for x in items {
                    self.write(out, section, x, depth);
                    out.push_str(&format!("{pad}--\n"));
                }
            }
            other => out.push_str(&format!("{pad}{}\n", self.flat(section, "", other))),
        }
    }

    fn flat(&self, section: &str, key: &str, v: &serde_json::Value) -> String {
        match v {
            serde_json::Value::Null => "—".into(),
            serde_json::Value::Bool(b) => self.strings.get(if *b { "common.yes" } else { "common.no" }).to_string(),
            serde_json::Value::String(s) if s.is_empty() => "—".into(),
            serde_json::Value::String(s) => {
                if let Some(w) = self.word(section, key, s) {
                    w
                } else if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                    d.format("%d-%m-%Y").to_string()
                } else {
                    local_time(s)
                }
            }
            serde_json::Value::Number(n) if n.is_f64() && self.strings.lang() == Lang::Nl => {
                n.to_string().replace('.', ",")
            }
            // An ISO weekday (1 = Monday) as the day's name.
            serde_json::Value::Number(n) if key == "weekday" => {
                const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
                let day = n.as_u64().and_then(|d| DAYS.get(usize::try_from(d).ok()?.checked_sub(1)?));
                day.map_or_else(|| n.to_string(), |d| self.strings.get(&format!("day_long.{d}")).to_string())
            }
            serde_json::Value::Array(a) if a.is_empty() => "—".into(),
            serde_json::Value::Array(a) => a.iter().map(|x| self.flat(section, key, x)).collect::<Vec<_>>().join(", "),
            other => other.to_string(),
        }
    }
}

fn is_flat(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Array(a) => a.iter().all(|x| !x.is_object() && !x.is_array()),
        serde_json::Value::Object(_) => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_keeps_its_lines_under_its_label() {
        let strings = Strings::new(Lang::Nl);
        let words = Words { strings: &strings };
        let mut out = String::new();
        let record = serde_json::json!({ "summary": "Over de schulden\nBrief van de gemeente", "minutes": 45 });
        words.write(&mut out, "contacts", &record, 1);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].ends_with(": Over de schulden"), "{out}");
        assert_eq!(lines[1], "    Brief van de gemeente", "{out}");
    }
}
