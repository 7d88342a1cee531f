use super::*;
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
