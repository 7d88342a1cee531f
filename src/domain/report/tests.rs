//! Every figure on a small hand-made caseload whose answers are known.
#![cfg(test)]

use chrono::{NaiveDate, TimeZone, Utc};

use super::*;
use crate::domain::contact::{Channel, Initiative, RecordId};
use crate::domain::goal::Area;
use crate::domain::trajectory::{Closing, StatusChange};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn person(n: u128, start: NaiveDate, status: Status) -> Participant {
    let at = Utc.with_ymd_and_hms(2025, 1, 1, 9, 0, 0).single().unwrap_or_default();
    let mut p = Participant::new(ParticipantId(uuid::Uuid::from_u128(n)), n as u32, at);
    p.start_date = Some(start);
    p.status = status;
    p.coach = "Sanne".into();
    p.municipality = "Oosterveld".into();
    p
}

fn contact(p: &Participant, on: NaiveDate, reached: Reached) -> Contact {
    Contact {
        id: RecordId::new_random(),
        participant: p.id,
        at: on.and_hms_opt(10, 0, 0).unwrap_or_default(),
        channel: Channel::Phone,
        initiative: Initiative::Coach,
        minutes: 30,
        reached,
        life_areas: Vec::new(),
        summary: String::new(),
        coach: "Sanne".into(),
        created_at: Utc::now(),
        withdrawn: false,
        history: Vec::new(),
    }
}

fn conversation(p: &Participant, on: NaiveDate, mark: u8, ladder: u8) -> Assessment {
    let mut a = Assessment::new(p.id, on, "Sanne", Utc::now());
    a.overall = [Some(mark); DIMENSIONS];
    a.ladder = Some(ladder);
    a
}

struct Fixture {
    people: Vec<Participant>,
    trajectories: Vec<Trajectory>,
    contacts: Vec<Contact>,
    goals: Vec<Goal>,
    assessments: Vec<Assessment>,
}

/// Period: the year 2026. A started 2025, still active. B started 2025, closed in March 2026
/// with paid work, after an extension. C starts in June 2026 (new). D closed in 2025 (not reached).
fn fixture() -> Fixture {
    let a = person(1, d(2025, 3, 1), Status::Active);
    let b = person(2, d(2025, 6, 1), Status::Closed);
    let mut c = person(3, d(2026, 6, 1), Status::Intake);
    c.date_of_birth = Some(d(2000, 1, 1));
    c.esf_entry.labour = crate::domain::esf::LabourStatus::LongTermUnemployed;
    c.neighbourhood = "Centrum".into();
    let d_ = person(4, d(2024, 1, 1), Status::Closed);
    let mut tb = Trajectory::new(b.id, Utc::now());
    tb.closing = Some(Closing { end_date: d(2026, 3, 31), outcome: ExitOutcome::PaidWork, advice: "x".into() });
    tb.esf_exit.employed = crate::domain::esf::YesNo::Yes;
    tb.history.push(StatusChange {
        date: d(2025, 12, 1),
        from: Status::Active,
        to: Status::Extended,
        reason: "r".into(),
        coach: "Sanne".into(),
    });
    let mut td = Trajectory::new(d_.id, Utc::now());
    td.closing = Some(Closing { end_date: d(2025, 6, 30), outcome: ExitOutcome::Stopped, advice: "x".into() });
    let contacts = vec![
        contact(&a, d(2026, 2, 1), Reached::Made),
        contact(&a, d(2026, 3, 1), Reached::NotAtHome),
        contact(&b, d(2026, 1, 10), Reached::Made),
        contact(&b, d(2025, 12, 10), Reached::Made), // before the period
        contact(&d_, d(2026, 2, 1), Reached::Made),  // not reached
    ];
    let now = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).single().unwrap_or_default();
    let mut g1 = Goal::new(a.id, "Fietsen".into(), Area::Dimension(0), d(2026, 1, 5), now);
    g1.status = GoalStatus::Achieved;
    g1.status_date = d(2026, 5, 1);
    let g2 = Goal::new(a.id, "Koken".into(), Area::Dimension(1), d(2026, 1, 5), now);
    let g3 = Goal::new(b.id, "Werk".into(), Area::Dimension(3), d(2026, 1, 5), now);
    let assessments = vec![
        conversation(&a, d(2025, 3, 1), 40, 2),
        conversation(&a, d(2026, 4, 1), 60, 3),
        conversation(&b, d(2025, 6, 1), 70, 4),
        conversation(&b, d(2026, 2, 1), 60, 4),
        conversation(&c, d(2026, 6, 1), 50, 1), // only one: no change
    ];
    Fixture { people: vec![a, b, c, d_], trajectories: vec![tb, td], contacts, goals: vec![g1, g2, g3], assessments }
}

fn inputs(f: &Fixture) -> Inputs<'_> {
    Inputs {
        participants: &f.people,
        trajectories: &f.trajectories,
        contacts: &f.contacts,
        goals: &f.goals,
        assessments: &f.assessments,
        modules: &[],
        enrolments: &[],
        attendance: &[],
        closures: &[],
    }
}

fn report(f: &Fixture, from: NaiveDate, to: NaiveDate) -> Report {
    compute(&inputs(f), from, to, None)
}

#[test]
fn reach_counts_overlap_new_and_closed_in_the_period() {
    let r = report(&fixture(), d(2026, 1, 1), d(2026, 12, 31));
    assert_eq!((r.reached, r.new, r.active, r.closed), (3, 1, 2, 1));
    assert_eq!(r.by_municipality.get("Oosterveld"), Some(&3));
    assert_eq!(r.by_neighbourhood.get("Centrum"), Some(&1));
    // A participant who started before the period and closed inside it counts as reached and closed.
    let q1 = report(&fixture(), d(2026, 1, 1), d(2026, 3, 31));
    assert_eq!((q1.reached, q1.new, q1.closed, q1.active), (2, 0, 1, 1));
    // The day after B closed, B is no longer reached.
    let q2 = report(&fixture(), d(2026, 4, 1), d(2026, 6, 30));
    assert_eq!((q2.reached, q2.new, q2.closed), (2, 1, 0));
}

#[test]
fn contacts_goals_health_ladder_and_exits() {
    let r = report(&fixture(), d(2026, 1, 1), d(2026, 12, 31));
    assert_eq!(r.contacts, 3);
    assert_eq!((r.failed_attempts.numerator, r.failed_attempts.denominator), (1.0, 3));
    let per_month = r.contacts_per_participant_month;
    assert_eq!(per_month.denominator, 3);
    assert!((per_month.value.unwrap_or(0.0) - 3.0 / (365.0 / (365.25 / 12.0)) / 3.0).abs() < 1e-9);
    assert_eq!((r.goals_achieved.numerator, r.goals_achieved.denominator), (1.0, 3));
    assert_eq!((r.participants_with_goal_achieved.numerator, r.participants_with_goal_achieved.denominator), (1.0, 2));
    // A: 4.0 -> 6.0 (+2), B: 7.0 -> 6.0 (-1): mean +0.5 over 2, one improved, one declined.
    let h = &r.health[0];
    assert_eq!(h.mean_change.denominator, 2);
    assert!((h.mean_change.value.unwrap_or(0.0) - 0.5).abs() < 1e-9);
    assert_eq!((h.improved.numerator, h.declined.numerator), (1.0, 1.0));
    assert_eq!((h.mean_first, h.mean_latest), (Some(5.5), Some(6.0)));
    assert_eq!((r.ladder_up.numerator, r.ladder_same.numerator, r.ladder_down.numerator), (1.0, 1.0, 0.0));
    assert_eq!(r.outcomes.iter().find(|(c, _)| *c == "paid_work"), Some(&("paid_work", 1)));
    assert_eq!(r.mean_duration_days.value, Some((d(2026, 3, 31) - d(2025, 6, 1)).num_days() as f64));
    assert_eq!((r.extended.numerator, r.extended.denominator), (1.0, 3));
    assert!(r.esf_entry.contains(&("labour_status", "long_term_unemployed", 1)));
    assert!(r.esf_entry.contains(&("age_band", "18_29", 1)));
    assert!(r.esf_exit.contains(&("employed", "yes", 1)));
}

#[test]
fn an_empty_period_gives_zeros_and_no_division() {
    let r = report(&fixture(), d(2010, 1, 1), d(2010, 12, 31));
    assert_eq!((r.reached, r.contacts), (0, 0));
    assert_eq!(r.failed_attempts.value, None);
    assert_eq!(r.goals_achieved.value, None);
    assert_eq!(r.health[0].mean_change.value, None);
    assert_eq!(r.mean_duration_days.value, None);
    assert!(r.contacts_per_week.iter().all(|(_, n)| *n == 0));
}

#[test]
fn one_coach_sees_only_their_caseload() {
    let mut f = fixture();
    f.people[0].coach = "Mohamed".into();
    let r = compute(&inputs(&f), d(2026, 1, 1), d(2026, 12, 31), Some("sanne"));
    assert_eq!(r.reached, 2);
    assert_eq!(r.contacts, 1);
}

#[test]
fn a_withdrawn_contact_is_not_counted() {
    let mut f = fixture();
    let before = compute(&inputs(&f), d(2026, 1, 1), d(2026, 12, 31), None).contacts;
    let now = f.contacts[0].created_at;
    f.contacts[0].withdraw("andere deelnemer", "Sanne", now).unwrap();
    let after = compute(&inputs(&f), d(2026, 1, 1), d(2026, 12, 31), None);
    assert_eq!(after.contacts, before - 1);
    assert_eq!(after.contacts_per_week.iter().map(|(_, n)| n).sum::<usize>(), before - 1);
}

/// A conversation withdrawn as saved by mistake is left out of the Positive Health and ladder
/// figures: C's withdrawn second conversation makes no pair, A's withdrawn latest one leaves
/// A's change as it was before it.
#[test]
fn a_withdrawn_conversation_is_not_counted() {
    let mut f = fixture();
    let c = f.people[2].clone();
    let a = f.people[0].clone();
    let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).single().unwrap_or_default();
    let mut wrong = conversation(&c, d(2026, 9, 1), 90, 6);
    let mut late = conversation(&a, d(2026, 10, 1), 10, 1);
    for x in [&mut wrong, &mut late] {
        assert!(x.withdraw(d(2026, 11, 1), at, "Sanne", "bij de verkeerde deelnemer opgeslagen").is_ok());
    }
    f.assessments.extend([wrong, late]);
    let r = report(&f, d(2026, 1, 1), d(2026, 12, 31));
    let h = &r.health[0];
    assert_eq!(h.mean_change.denominator, 2, "still A and B only");
    assert!((h.mean_change.value.unwrap_or(0.0) - 0.5).abs() < 1e-9);
    assert_eq!((r.ladder_up.numerator, r.ladder_same.numerator, r.ladder_down.numerator), (1.0, 1.0, 0.0));
    // Taken back, they count again.
    for x in f.assessments.iter_mut().filter(|x| x.is_withdrawn()) {
        assert!(x.restore(d(2026, 11, 2), at + chrono::Duration::hours(1), "Sanne", "toch juist").is_ok());
    }
    let r = report(&f, d(2026, 1, 1), d(2026, 12, 31));
    assert_eq!(r.health[0].mean_change.denominator, 3);
}
