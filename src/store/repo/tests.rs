use super::*;
use chrono::Utc;

fn person(given: &str, family: &str) -> Participant {
    let mut p = Participant::new(ParticipantId::new_random(), 0, Utc::now());
    p.given_names = given.into();
    p.family_name = family.into();
    p
}

#[test]
fn numbers_are_handed_out_in_order_and_indexed() {
    let s = Store::temporary().unwrap();
    let a = s.add_participant(person("Jan", "Berg")).unwrap();
    let b = s.add_participants(vec![person("Fatma", "Öztürk"), person("Piet", "Aalders")]).unwrap();
    assert_eq!(a.number, FIRST_NUMBER);
    assert_eq!(b[0].number, FIRST_NUMBER + 1);
    assert_eq!(b[1].number, FIRST_NUMBER + 2);
    assert_eq!(s.participant_by_number(FIRST_NUMBER + 1).unwrap().family_name, "Öztürk");
    assert!(matches!(s.participant_by_number(9999), Err(StoreError::NoSuchNumber(9999))));
    assert!(s.check_indexes().unwrap().is_empty());
}

#[test]
fn update_keeps_number_and_record() {
    let s = Store::temporary().unwrap();
    let mut a = s.add_participant(person("Jan", "Berg")).unwrap();
    a.prefix = "van der".into();
    s.update_participant(&a).unwrap();
    assert_eq!(s.participant(a.id).unwrap().unwrap().prefix, "van der");
    assert_eq!(s.participants().unwrap().len(), 1);
    let ghost = person("No", "One");
    assert!(matches!(s.update_participant(&ghost), Err(StoreError::NotFound)));
}

#[test]
fn drafts_and_settings() {
    let s = Store::temporary().unwrap();
    let d = Draft::new(crate::domain::form_kind::FormKind::Intake, vec![("given_names".into(), "Jan".into())], 1, 0);
    s.save_draft("intake", &d).unwrap();
    assert_eq!(s.drafts().unwrap(), vec![("intake".to_string(), d)]);
    s.delete_draft("intake").unwrap();
    assert!(s.drafts().unwrap().is_empty());
    assert_eq!(s.settings().unwrap(), Settings::default());
    s.save_settings(&Settings { coach: Some("Sanne".into()), ..Settings::default() }).unwrap();
    assert_eq!(s.settings().unwrap().coach.as_deref(), Some("Sanne"));
}
