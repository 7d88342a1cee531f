use super::*;
use crate::domain::health::Assessment;
use crate::domain::validate::Postcode;
use crate::domain::{ParticipantId, Status};

/// Every kind the registry says the export holds has its section, and every section of the
/// export comes from a registered kind (a new kind cannot be left out unnoticed).
#[test]
fn the_export_has_a_section_for_every_kind_the_registry_names() {
    let store = Store::temporary().unwrap();
    let v = serde_json::to_value(build(&store, Utc::now()).unwrap()).unwrap();
    let sections: std::collections::BTreeSet<&str> =
        v.as_object().unwrap().iter().filter(|(_, x)| x.is_array()).map(|(k, _)| k.as_str()).collect();
    let registered: std::collections::BTreeSet<&str> =
        crate::store::registry::kinds().iter().filter_map(|i| i.export).collect();
    assert_eq!(sections, registered);
}

#[test]
fn participants_come_out_with_iso_dates_and_ids() {
    let store = Store::temporary().unwrap();
    let mut p = Participant::new(ParticipantId::new_random(), 0, Utc::now());
    p.given_names = "Fatma".into();
    p.family_name = "Öztürk".into();
    p.date_of_birth = NaiveDate::from_ymd_opt(1966, 5, 4);
    p.address.postcode = Postcode::parse("7411ab").ok();
    p.status = Status::Active;
    let saved = store.add_participant(p).unwrap();
    let mut buf = Vec::new();
    write_json(&store, "Sanne", &mut buf).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
    let first = &v["participants"][0];
    assert_eq!(first["participant_id"], saved.id.to_string());
    assert_eq!(first["number"], "1001");
    assert_eq!(first["family_name"], "Öztürk");
    assert_eq!(first["date_of_birth"], "1966-05-04");
    assert_eq!(first["address"]["postcode"], "7411 AB");
    assert_eq!(first["status"], "active");
    assert_eq!(first["referral"]["date"], serde_json::Value::Null);
    assert!(first["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["assessments"], serde_json::json!([]));
}

#[test]
fn assessments_and_goals_are_linked_by_participant_id() {
    use crate::domain::goal::{Area, Goal, Step};
    let store = Store::temporary().unwrap();
    let mut p = Participant::new(ParticipantId::new_random(), 0, Utc::now());
    p.given_names = "Jan".into();
    p.family_name = "Berg".into();
    let p = store.add_participant(p).unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let mut a = Assessment::new(p.id, day, "Sanne", Utc::now());
    a.scores[0][0] = Some(7);
    a.talk[2][3] = true;
    a.overall[0] = Some(65);
    a.ladder = Some(3);
    a.wish = "Meer bewegen".into();
    store.save_assessment(&a).unwrap();
    let mut g = Goal::new(p.id, "Elke week fietsen".into(), Area::Dimension(0), day, Utc::now());
    g.steps.push(Step { text: "Fiets ophalen".into(), done: true });
    store.save_goal(&g).unwrap();
    let mut buf = Vec::new();
    write_json(&store, "Sanne", &mut buf).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
    let a = &v["assessments"][0];
    assert_eq!(a["participant_id"], p.id.to_string());
    assert_eq!(a["date"], "2026-06-01");
    assert_eq!(a["ladder_step"], 3);
    assert_eq!(a["dimensions"][0]["overall"], 6.5);
    assert_eq!(a["dimensions"][0]["aspects"][0]["score"], 7);
    assert_eq!(a["dimensions"][0]["aspects"][1]["score"], serde_json::Value::Null, "skipped is null");
    assert_eq!(a["dimensions"][2]["aspects"][3]["talk_about"], true);
    assert_eq!(a["wish"], "Meer bewegen");
    let g = &v["goals"][0];
    assert_eq!(g["participant_id"], p.id.to_string());
    assert_eq!(g["area"], "dimension:0");
    assert_eq!(g["status"], "open");
    assert_eq!(g["steps"][0]["done"], true);
}

/// The right of access is complete: every field stored in any record about a person appears in
/// that person's export (`meedoen export --participant`). Derived from the record registry and
/// from the stored data itself, so a field added to a record later fails here until the export
/// shows it (or this test says why it does not).
#[test]
fn every_stored_field_of_every_record_about_a_person_is_in_their_export() {
    use crate::store::registry;
    let store = Store::temporary().unwrap();
    let now = Utc::now();
    let today = now.date_naive();
    crate::demo::fill(&store, 40, 11, today, now).unwrap();
    made_for_the_test(&store, now);
    let mut missing_kinds = Vec::new();
    let mut problems = Vec::new();
    for info in registry::kinds() {
        let records = store.records_as_data(info.kind).unwrap();
        let personal: Vec<_> = records.into_iter().filter_map(|(p, v)| p.map(|p| (p, v))).collect();
        if let Some(why) = not_in_the_person_export(info.kind) {
            assert!(!why.is_empty());
            continue;
        }
        if info.data.is_none() {
            continue;
        }
        if personal.is_empty() {
            // A kind about people that the demo does not make: nothing to compare.
            if info.erase != registry::Erase::NotPersonal {
                missing_kinds.push(info.kind.name());
            }
            continue;
        }
        let section = person_section(info.kind, info.export);
        for (p, value) in personal.iter().take(3) {
            let person = store.participant(*p).unwrap().unwrap();
            let export =
                serde_json::to_value(crate::export_person::build(&store, &person, "Test", now).unwrap()).unwrap();
            let mut names = std::collections::BTreeSet::new();
            keys_in(&export[section], &mut names);
            let mut fields = Vec::new();
            leaf_fields(value, "", &mut fields);
            for field in fields {
                let shown = exported_as(info.kind, &field);
                if shown.is_empty() {
                    continue;
                }
                if !names.contains(shown) {
                    problems.push(format!(
                        "{}: stored field `{field}` is not in the `{section}` section",
                        info.kind.name()
                    ));
                }
            }
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(missing_kinds.is_empty(), "make these in the demo or here: {missing_kinds:?}");
}

/// Kinds about a person that their export leaves out on purpose, and why.
fn not_in_the_person_export(kind: crate::store::Kind) -> Option<&'static str> {
    use crate::store::Kind;
    match kind {
        Kind::ContactSummary => Some("an index derived from the contacts, which are exported"),
        Kind::WrappedKey | Kind::KeyChunk => Some("key material, no personal data"),
        Kind::Change => Some("the change log names record ids only"),
        Kind::Attendance => {
            Some("attendance lists from before one record per mark: split into marks at the first open")
        }
        _ => None,
    }
}

/// The section of the person export that holds a kind's records.
fn person_section(kind: crate::store::Kind, export: Option<&'static str>) -> &'static str {
    use crate::store::Kind;
    match kind {
        // The person's marks are listed with their enrolments (the module's sessions are not
        // theirs).
        Kind::AttendanceMark | Kind::Attendance => "enrolments",
        _ => export.unwrap_or("(none)"),
    }
}

/// The name a stored field has in the export ("" where the export shows it in another form,
/// said per field).
fn exported_as(kind: crate::store::Kind, field: &str) -> &str {
    use crate::store::Kind;
    let last = field.rsplit('.').next().unwrap_or(field);
    // An unfinished conversation is exported as a conversation.
    if let (Kind::AssessmentDraft, Some(inner)) = (kind, field.strip_prefix("assessment.")) {
        return exported_as(Kind::Assessment, inner);
    }
    match (kind, field) {
        // Where the cursor stood in a form: not about the person.
        (Kind::Draft, "focus") | (Kind::AssessmentDraft, "page" | "row") => "",
        (Kind::Draft, f) if f.starts_with("kind") => "form",
        (Kind::Draft, "values") => "fields",
        (Kind::AccessEntry, f) if f.starts_with("action") => "action",
        // A conflict: the kind of record, each side's time and coach (by their computer), and a
        // side that deleted the record shows as an empty value.
        (Kind::Conflict, "kind") => "record",
        (Kind::Conflict, "kept.at") => "kept_at",
        (Kind::Conflict, "kept.device") => "kept_by",
        (Kind::Conflict, "kept.deleted") => "kept",
        (Kind::Conflict, "other.at") => "other_at",
        (Kind::Conflict, "other.device") => "other_by",
        (Kind::Conflict, "other.deleted") => "other",
        (Kind::Conflict, "resolved.at") => "settled_at",
        (Kind::Conflict, "resolved.by") => "settled_by",
        // Ids become `<kind>_id`; the participant's own id `participant_id`.
        (_, "id" | "id.0") => match kind {
            Kind::Participant => "participant_id",
            Kind::Assessment => "assessment_id",
            Kind::Goal => "goal_id",
            Kind::Enrolment => "enrolment_id",
            _ => "",
        },
        (_, "participant" | "participant.0") => "participant_id",
        (_, "module" | "module.0") => "module_id",
        // The conversation's scores, talk-about marks and remarks are listed per dimension and
        // aspect; the dimension marks as `overall`, the ladder as `ladder_step`.
        (Kind::Assessment, f) if f.starts_with("scores") => "score",
        (Kind::Assessment, f) if f.starts_with("talk") => "talk_about",
        (Kind::Assessment, f) if f.starts_with("remarks") => "remark",
        (Kind::Assessment, "ladder") => "ladder_step",
        // A correction's day is its `date`; each change names its dimension and aspect by key.
        (Kind::Assessment, "corrections.on") => "date",
        (Kind::Goal, "target") => "target_date",
        // A goal's area as one code ("dimension:0", a life area).
        (Kind::Goal, f) if f.starts_with("area") => "area",
        // The closing's advice, end date and outcome stand on the trajectory.
        (Kind::Trajectory, "closing") => "end_date",
        _ => last,
    }
}

/// Every key of every object in `v`, at any depth.
fn keys_in(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map {
                out.insert(k.clone());
                keys_in(x, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|x| keys_in(x, out)),
        _ => {}
    }
}

/// The paths of a record's fields ("address.street"; the items of a list as its own path).
fn leaf_fields(v: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    let join = |k: &str| if at.is_empty() { k.to_string() } else { format!("{at}.{k}") };
    match v {
        serde_json::Value::Object(map) if !map.is_empty() => {
            for (k, x) in map {
                leaf_fields(x, &join(k), out);
            }
        }
        serde_json::Value::Array(items) if items.iter().any(serde_json::Value::is_object) => {
            for x in items {
                leaf_fields(x, at, out);
            }
        }
        _ if !at.is_empty() => out.push(at.to_string()),
        _ => {}
    }
}

/// Records of kinds about a person that the demo does not make: a consent, a conflict to
/// review, a form and a conversation begun and not saved.
fn made_for_the_test(store: &Store, now: DateTime<Utc>) {
    use crate::domain::conflict::{Conflict, FieldConflict, Resolution, Side};
    use crate::domain::form_kind::FormKind;
    use crate::domain::privacy::{Consent, ConsentScope};
    use crate::store::{AssessmentDraft, Draft};
    let p = store.participants().unwrap().remove(0);
    let scope = ConsentScope::ALL[0];
    let consent =
        Consent { participant: p.id, scope, given_on: now.date_naive(), withdrawn_on: None, coach: "Test".into() };
    store.save_consent(&consent, now).unwrap();
    let side = |deleted| Side { device: [3; 16], at: now, deleted };
    let conflict = Conflict {
        id: [9; 16],
        participant: Some(p.id),
        kind: crate::store::Kind::Participant as u8,
        record: p.id.as_bytes().to_vec(),
        fields: vec![FieldConflict { field: "phone".into(), kept: "\"06-1\"".into(), other: "\"06-2\"".into() }],
        kept: side(false),
        other: side(false),
        resolved: Some(Resolution { by: "Test".into(), at: now, took_other: false }),
    };
    let mut key = p.id.as_bytes().to_vec();
    key.extend_from_slice(&conflict.id);
    let mut batch = store.batch();
    batch.put(key, &conflict).unwrap();
    store.commit(batch).unwrap();
    let draft = Draft::new(FormKind::Contact(p.id), vec![("summary".into(), "Half getypt".into())], 1, now.timestamp());
    store.save_draft("contact-test", &draft).unwrap();
    let a = crate::domain::health::Assessment::new(p.id, now.date_naive(), "Test", now);
    store.save_assessment_draft(&AssessmentDraft { assessment: a, page: 2, row: 3 }).unwrap();
    // Corrections: a contact corrected (its channel) and then withdrawn, an appointment moved
    // and then cancelled, so their histories are in the export.
    let mut c = store.contacts().unwrap().pop().expect("the demo logs contacts");
    let mut fixed = c.clone();
    fixed.channel = crate::domain::contact::Channel::Letter;
    fixed.life_areas = vec![crate::domain::goal::LifeArea::Housing];
    c.correct(&fixed, "tikfout", "Test", now).unwrap();
    c.withdraw("verkeerde deelnemer", "Test", now).unwrap();
    store.save_contact(&c).unwrap();
    let mut moved = crate::domain::appointment::Appointment {
        id: crate::domain::contact::RecordId::new_random(),
        participant: p.id,
        at: now.naive_local(),
        place: "Wijkcentrum".into(),
        note: String::new(),
        coach: "Test".into(),
        created_at: now,
        state: crate::domain::appointment::AppointmentState::Planned,
        history: Vec::new(),
    };
    moved.move_to(now.naive_local() + chrono::Duration::days(1), "Bibliotheek", "", "Test", now).unwrap();
    moved.cancel("ziek", "Test", now).unwrap();
    store.save_appointment(&moved).unwrap();
    let mut r = store.partner_referrals().unwrap().pop().expect("the demo refers people");
    let next = if r.status == crate::domain::signal::ReferralStatus::Accepted {
        crate::domain::signal::ReferralStatus::Started
    } else {
        crate::domain::signal::ReferralStatus::Accepted
    };
    r.update(next, r.status_date(), "gaat goed", "Test", now).unwrap();
    store.save_partner_referral(&r).unwrap();
    // A conversation corrected in every field and then withdrawn: the first stored, so that the
    // test above compares its history.
    let mut a = store.all_assessments().unwrap().remove(0);
    let before = a.clone();
    a.scores[0][0] = if a.scores[0][0] == Some(3) { Some(4) } else { Some(3) };
    a.talk[0][1] = !a.talk[0][1];
    a.set_remark(0, 2, "eerst verkeerd verstaan".into());
    a.overall[1] = Some(55);
    a.ladder = if a.ladder == Some(2) { Some(3) } else { Some(2) };
    a.wish = format!("{} (en fietsen)", a.wish);
    a.need = format!("{} (en een maatje)", a.need);
    let changes = crate::domain::health::differences(&before, &a);
    assert_eq!(changes.len(), 7);
    let mut fixed = before;
    let correction = crate::domain::health::Correction {
        on: now.date_naive(),
        at: now,
        coach: "Test".into(),
        reason: "typefout".into(),
        changes,
    };
    fixed.correct(correction);
    fixed.withdraw(now.date_naive(), now, "Test", "dubbel ingevoerd").unwrap();
    store.save_assessment(&fixed).unwrap();
    let first = store.records_as_data(crate::store::Kind::Assessment).unwrap().remove(0).1;
    assert_eq!(first["corrections"].as_array().map(Vec::len), Some(2), "the corrected one is compared");
}

/// The readable export (a request of access) is in the coach's language throughout: every field
/// and section of the export has its label in both string tables (none falls back to the code).
#[test]
fn every_field_and_section_of_the_export_has_a_label_in_dutch_and_english() {
    let store = Store::temporary().unwrap();
    let now = Utc::now();
    crate::demo::fill(&store, 40, 11, now.date_naive(), now).unwrap();
    made_for_the_test(&store, now);
    let export = serde_json::to_value(build(&store, now).unwrap()).unwrap();
    let mut keys = std::collections::BTreeSet::new();
    for (section, items) in export.as_object().unwrap() {
        if items.is_array() {
            keys_in(items, &mut keys);
            for lang in [crate::i18n::Lang::Nl, crate::i18n::Lang::En] {
                let strings = crate::i18n::Strings::new(lang);
                assert!(strings.lookup(&format!("export_section.{section}")).is_some(), "{lang:?}: section {section}");
            }
        }
    }
    let mut missing = Vec::new();
    for lang in [crate::i18n::Lang::Nl, crate::i18n::Lang::En] {
        let strings = crate::i18n::Strings::new(lang);
        for k in &keys {
            if strings.lookup(&format!("export_field.{k}")).is_none() {
                missing.push(format!("{lang:?}: {k}"));
            }
        }
    }
    assert!(missing.is_empty(), "no label: {missing:?}");
}

/// The readable export in Dutch holds no English code where a value stands: no `snake_case`
/// code, and no code of a coded value (an outcome, a channel, a status, ...) whose Dutch word
/// differs from it ("moved" for "verhuisd").
#[test]
fn the_dutch_readable_export_shows_no_english_codes() {
    let store = Store::temporary().unwrap();
    let now = Utc::now();
    crate::demo::fill(&store, 60, 5, now.date_naive(), now).unwrap();
    made_for_the_test(&store, now);
    let nl: toml::Table = toml::from_str(include_str!("../../assets/i18n/nl.toml")).unwrap();
    let mut codes = std::collections::BTreeSet::new();
    for table in [
        "channel",
        "initiative",
        "reached",
        "signal_kind",
        "signal_status",
        "referral_status",
        "partner",
        "outcome",
        "status",
        "goal_status",
        "gender",
        "mark",
        "recurrence",
        "area",
        "enrolment",
        "access_action",
        "privacy",
        "esf_labour",
        "esf_education",
        "esf_yes_no",
        "record_kind",
        "record",
        "correction_what",
    ] {
        let Some(toml::Value::Table(t)) = nl.get(table) else { panic!("no table {table}") };
        for (code, word) in t {
            if word.as_str().is_some_and(|w| !w.eq_ignore_ascii_case(code)) {
                codes.insert(code.clone());
            }
        }
    }
    let strings = crate::i18n::Strings::new(crate::i18n::Lang::Nl);
    let mut found = Vec::new();
    for p in store.participants().unwrap() {
        let export = crate::export_person::build(&store, &p, "Test", now).unwrap();
        let text = crate::export_person::text(&export, &strings).unwrap();
        for line in text.lines() {
            let Some((label, value)) = line.split_once(": ") else { continue };
            let value = value.trim();
            let snake = value.contains('_') && value.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            if snake || codes.contains(value) {
                found.push(format!("{}: {value}", label.trim()));
            }
        }
    }
    found.sort();
    found.dedup();
    assert!(found.is_empty(), "English codes in the Dutch export: {found:?}");
}
