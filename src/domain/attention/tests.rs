//! Unit tests (compiled for tests only).
#![cfg(test)]

use chrono::{NaiveDateTime, Utc};

use super::*;
use crate::domain::contact::{Channel, Contact, Initiative, Reached, RecordId};
use crate::domain::goal::{Area, GoalStatus};
use crate::domain::signal::{SignalKind, SignalStatus};

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default()
}

fn person(status: Status) -> Participant {
    let mut p = Participant::new(ParticipantId::new_random(), 1001, Utc::now());
    p.status = status;
    p
}

fn contact(p: &Participant, on: NaiveDate, reached: Reached) -> Contact {
    Contact {
        id: RecordId::new_random(),
        participant: p.id,
        at: NaiveDateTime::new(on, chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default()),
        channel: Channel::Phone,
        initiative: Initiative::Coach,
        minutes: 10,
        reached,
        life_areas: vec![],
        summary: String::new(),
        coach: "S".into(),
        created_at: Utc::now(),
        withdrawn: false,
        history: Vec::new(),
    }
}

fn facts<'a>(p: &'a Participant, contacts: &'a [Contact]) -> Facts<'a> {
    let last_made = contacts.iter().filter(|c| c.made()).map(|c| c.at.date()).max();
    Facts { participant: p, last_made, goals: &[], signals: &[], trajectory: None, places_freed: &[], unreadable: None }
}

#[test]
fn working_days_skip_weekends_and_holidays() {
    // Thu 23 Apr 2026 to Thu 30 Apr: Fri 24, Mon 27 is King's Day, Tue 28, Wed 29, Thu 30.
    assert_eq!(working_days_between(d(4, 23), d(4, 30)), 4);
    assert_eq!(working_days_between(d(11, 20), d(11, 20)), 0);
    assert!(!is_working_day(d(12, 25)));
    assert!(is_working_day(d(11, 24)));
}

#[test]
fn a_referral_without_first_contact_after_five_working_days() {
    let mut p = person(Status::Referred);
    p.referral.date = Some(d(11, 16)); // Monday
    // Friday 20 Nov: 4 working days, not yet.
    assert!(reasons(&facts(&p, &[]), d(11, 20), &Rules::default()).is_empty());
    // Tuesday 24 Nov: 6 working days (the weekend does not count).
    assert_eq!(
        reasons(&facts(&p, &[]), d(11, 24), &Rules::default()),
        vec![Reason::NoFirstContact { working_days: 6 }]
    );
    // A failed attempt is not a first contact; a made one is.
    let tried = [contact(&p, d(11, 18), Reached::NoAnswer)];
    assert_eq!(reasons(&facts(&p, &tried), d(11, 24), &Rules::default()).len(), 1);
    let met = [contact(&p, d(11, 18), Reached::Made)];
    assert!(reasons(&facts(&p, &met), d(11, 24), &Rules::default()).is_empty());
}

#[test]
fn no_contact_made_for_more_than_fourteen_days_configurable() {
    let mut p = person(Status::Active);
    p.start_date = Some(d(1, 5));
    let cs = [contact(&p, d(11, 9), Reached::Made), contact(&p, d(11, 20), Reached::NotAtHome)];
    assert!(reasons(&facts(&p, &cs), d(11, 23), &Rules::default()).is_empty(), "14 days is not more than 14");
    assert_eq!(reasons(&facts(&p, &cs), d(11, 24), &Rules::default()), vec![Reason::NoContact { days: Some(15) }]);
    let strict = Rules { max_days_without_contact: 7, ..Rules::default() };
    assert_eq!(reasons(&facts(&p, &cs), d(11, 17), &strict), vec![Reason::NoContact { days: Some(8) }]);
}

#[test]
fn ending_without_advice_and_extension_due() {
    let mut p = person(Status::Active);
    p.start_date = Some(d(1, 5));
    let recent = [contact(&p, d(11, 20), Reached::Made)];
    p.planned_end_date = Some(d(12, 10));
    assert_eq!(
        reasons(&facts(&p, &recent), d(11, 24), &Rules::default()),
        vec![Reason::EndingWithoutAdvice { days_left: 16 }]
    );
    p.planned_end_date = Some(d(1, 5) + Duration::days(365));
    let far = reasons(&facts(&p, &recent), d(11, 24), &Rules::default());
    assert_eq!(far, vec![Reason::ExtensionDue { days_left: 42 }]);
    // An advice written ahead removes the first; an extension the second.
    let mut t = Trajectory::new(p.id, Utc::now());
    t.advice = "Doorgaan met vrijwilligerswerk".into();
    p.planned_end_date = Some(d(12, 10));
    let f = Facts { trajectory: Some(&t), ..facts(&p, &recent) };
    assert!(reasons(&f, d(11, 24), &Rules::default()).is_empty());
}

#[test]
fn overdue_goals_due_signals_and_freed_places() {
    let mut p = person(Status::Active);
    p.start_date = Some(d(1, 5));
    let recent = [contact(&p, d(11, 20), Reached::Made)];
    let mut g = Goal::new(p.id, "Fietsen".into(), Area::Dimension(0), d(9, 1), Utc::now());
    g.target = Some(d(11, 1));
    let mut done = g.clone();
    done.set_status(GoalStatus::Achieved, d(11, 2));
    let s = Signal {
        id: RecordId::new_random(),
        participant: p.id,
        date: d(11, 1),
        kind: SignalKind::Safety,
        escalated_to: "Kernteam".into(),
        status: SignalStatus::InProgress,
        follow_up: Some(d(11, 24)),
        note: String::new(),
        created_at: Utc::now(),
    };
    let freed = [("Fietsles".to_string(), d(11, 28))];
    let goals = [g, done];
    let signals = [s];
    let f = Facts { goals: &goals, signals: &signals, places_freed: &freed, ..facts(&p, &recent) };
    let r = reasons(&f, d(11, 24), &Rules::default());
    assert_eq!(
        r,
        vec![
            Reason::GoalOverdue { goal: "Fietsen".into(), days: 23 },
            Reason::SignalDue { kind: "safety", follow_up: d(11, 24) },
            Reason::PlaceFreed { module: "Fietsles".into(), from: d(11, 28) },
        ]
    );
    let items: Vec<Item> = r.into_iter().map(|reason| Item { participant: p.id, reason }).collect();
    let order: Vec<&str> = ranked(items).iter().map(|i| i.reason.category()).collect();
    assert_eq!(order, ["signal_due", "place_freed", "goal_overdue"]);
}

#[test]
fn closed_trajectories_need_nothing() {
    let mut p = person(Status::Closed);
    p.referral.date = Some(d(1, 1));
    assert!(reasons(&facts(&p, &[]), d(11, 24), &Rules::default()).is_empty());
}

#[test]
fn categories_never_overtake_each_other() {
    let order = [
        Reason::SignalDue { kind: "debts", follow_up: d(1, 1) },
        Reason::NoFirstContact { working_days: 400 },
        Reason::EndingWithoutAdvice { days_left: -900 },
        Reason::NoContact { days: Some(900) },
        Reason::ExtensionDue { days_left: 31 },
        Reason::PlaceFreed { module: "Fietsles".into(), from: d(1, 1) },
        Reason::GoalOverdue { goal: "x".into(), days: 900 },
    ];
    for w in order.windows(2) {
        assert!(w[0].urgency() > w[1].urgency(), "{:?} before {:?}", w[0], w[1]);
    }
    assert!(
        Reason::NoFirstContact { working_days: 6 }.urgency()
            > Reason::EndingWithoutAdvice { days_left: -400 }.urgency()
    );
}

/// A signal 13 months past its follow-up date comes before one from last month, whatever the
/// participants' ids; a place that starts sooner before one that starts later.
#[test]
fn overdue_signals_rank_by_how_overdue_they_are_and_freed_places_by_their_start() {
    let due = |follow_up| Reason::SignalDue { kind: "debts", follow_up };
    let people: Vec<ParticipantId> = (0..40).map(|_| ParticipantId::new_random()).collect();
    let old = chrono::NaiveDate::from_ymd_opt(2025, 10, 3).unwrap();
    for pair in people.chunks(2) {
        let items = vec![
            Item { participant: pair[0], reason: due(d(10, 20)) },
            Item { participant: pair[1], reason: due(old) },
        ];
        assert_eq!(ranked_reasons(items), [due(old), due(d(10, 20))]);
        let place = |from| Reason::PlaceFreed { module: "Koken".into(), from };
        let items = vec![
            Item { participant: pair[0], reason: place(d(12, 3)) },
            Item { participant: pair[1], reason: place(d(11, 28)) },
        ];
        assert_eq!(ranked_reasons(items), [place(d(11, 28)), place(d(12, 3))]);
    }
}

fn ranked_reasons(items: Vec<Item>) -> Vec<Reason> {
    ranked(items).into_iter().map(|i| i.reason).collect()
}
