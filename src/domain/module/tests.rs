//! Unit tests (compiled for tests only).
#![cfg(test)]

use super::*;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default()
}

fn module(first: NaiveDate, n: usize, capacity: u16) -> Module {
    Module {
        id: ModuleId(uuid::Uuid::from_u128(7)),
        name: "Budgetteren".into(),
        description: String::new(),
        provider: String::new(),
        location: String::new(),
        facilitator: String::new(),
        topics: (1..=n).map(|i| format!("Onderwerp {i}")).collect(),
        first,
        start_minute: 600,
        duration_minutes: 120,
        recurrence: Recurrence::Weekly,
        end: None,
        capacity,
        cancelled: Vec::new(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn enrol(who: u128, on: NaiveDate) -> Enrolment {
    Enrolment {
        id: EnrolmentId(uuid::Uuid::from_u128(1000 + who)),
        participant: ParticipantId(uuid::Uuid::from_u128(who)),
        module: ModuleId(uuid::Uuid::from_u128(7)),
        enrolled_on: on,
        stopped_on: None,
        created_at: DateTime::from_timestamp(who as i64, 0).unwrap_or_default(),
    }
}

fn present(m: &Module, date: NaiveDate, who: &[u128]) -> Attendance {
    Attendance {
        module: m.id,
        date,
        marks: who.iter().map(|w| (ParticipantId(uuid::Uuid::from_u128(*w)), Mark::Present)).collect(),
    }
}

#[test]
fn holidays_closures_and_cancellations_pass_their_topic_on() {
    // Thursdays from 7 May 2026: 14 May is Ascension Day.
    let mut m = module(d(5, 7), 3, 8);
    m.cancelled.push(d(5, 28));
    let closures = [Closure { date: d(6, 4), reason: "Teamdag".into() }];
    let s = sessions(&m, &closures, d(6, 18));
    let got: Vec<(NaiveDate, Option<u8>)> = s.iter().map(|x| (x.date, x.topic)).collect();
    assert_eq!(
        got,
        [
            (d(5, 7), Some(1)),
            (d(5, 14), None),
            (d(5, 21), Some(2)),
            (d(5, 28), None),
            (d(6, 4), None),
            (d(6, 11), Some(3)),
            (d(6, 18), Some(1)),
        ]
    );
    assert_eq!(s[1].skip, Some(Skip::Holiday("Hemelvaartsdag")));
    assert_eq!(s[3].skip, Some(Skip::Cancelled));
}

#[test]
fn fortnightly_and_end_date() {
    let mut m = module(d(1, 5), 2, 8);
    m.recurrence = Recurrence::Fortnightly;
    m.end = Some(d(2, 2));
    let dates: Vec<NaiveDate> = sessions(&m, &[], d(12, 31)).iter().map(|s| s.date).collect();
    assert_eq!(dates, [d(1, 5), d(1, 19), d(2, 2)]);
}

#[test]
fn joining_mid_cycle_completes_after_wrapping_round() {
    // Mondays from 2 November, 4 topics. Anna joins at topic 3 (16 November).
    let m = module(d(11, 2), 4, 8);
    let anna = enrol(1, d(11, 12));
    let att: Vec<Attendance> =
        [d(11, 16), d(11, 23), d(11, 30), d(12, 7)].iter().map(|&x| present(&m, x, &[1])).collect();
    let s = simulate(&m, &[], std::slice::from_ref(&anna), &att, d(12, 7), d(12, 31));
    let p = &s.progress[&anna.id];
    assert_eq!(p.attended, vec![1, 2, 3, 4]);
    assert_eq!(p.completed, Some(d(12, 7)), "topics 3, 4, 1, 2");
    assert_eq!(p.status, EnrolmentStatus::Completed);
    assert_eq!(p.started, Some(d(11, 16)));
}

#[test]
fn missed_topics_are_made_up_in_the_next_cycle_and_completion_is_forecast() {
    let m = module(d(11, 2), 3, 8);
    let bo = enrol(2, d(11, 1));
    // Present at topic 1, absent at topic 2, present at 3.
    let att = vec![present(&m, d(11, 2), &[2]), present(&m, d(11, 9), &[]), present(&m, d(11, 16), &[2])];
    let s = simulate(&m, &[], std::slice::from_ref(&bo), &att, d(11, 20), d(12, 31));
    let p = &s.progress[&bo.id];
    assert_eq!((p.status, p.attended.clone()), (EnrolmentStatus::Active, vec![1, 3]));
    // 23 Nov is topic 1 again, 30 Nov topic 2: done then if they come every time.
    assert_eq!(p.expected_completion, Some(d(11, 30)));
}

#[test]
fn a_full_module_has_a_waitlist_and_a_freed_place_goes_to_the_first_in_line() {
    let m = module(d(11, 2), 2, 2);
    let a = enrol(1, d(11, 1));
    let b = enrol(2, d(11, 1));
    let c = enrol(3, d(11, 3));
    let e = enrol(4, d(11, 4));
    let all = [a.clone(), b.clone(), c.clone(), e.clone()];
    // Before the second session: A and B sit, C and E wait in the order they came.
    let att = vec![present(&m, d(11, 2), &[1, 2])];
    let s = simulate(&m, &[], &all, &att, d(11, 5), d(11, 30));
    assert_eq!(s.rosters[&d(11, 9)], vec![a.id, b.id]);
    assert_eq!(s.waitlist, vec![c.id, e.id], "first come, first served");
    assert_eq!(s.progress[&c.id].waiting_place, Some(1));
    assert_eq!(s.progress[&e.id].waiting_place, Some(2));
    // A and B attend both topics by 9 Nov and complete; C and E get the places from 16 Nov.
    let att = vec![present(&m, d(11, 2), &[1, 2]), present(&m, d(11, 9), &[1, 2])];
    let s = simulate(&m, &[], &all, &att, d(11, 12), d(11, 30));
    for roster in s.rosters.values() {
        assert!(roster.len() <= 2, "never more than the capacity");
    }
    assert_eq!(s.rosters[&d(11, 16)], vec![c.id, e.id], "the freed places from the next session on");
    assert!(s.waitlist.is_empty());
    assert!(s.moved_up.contains(&(d(11, 16), c.id)) && s.moved_up.contains(&(d(11, 16), e.id)));
    assert_eq!(s.progress[&a.id].status, EnrolmentStatus::Completed);
}

#[test]
fn dropping_out_frees_the_place() {
    let m = module(d(11, 2), 4, 1);
    let mut a = enrol(1, d(11, 1));
    let b = enrol(2, d(11, 1));
    a.stopped_on = Some(d(11, 10));
    let s = simulate(&m, &[], &[a.clone(), b.clone()], &[], d(11, 12), d(11, 30));
    assert_eq!(s.rosters[&d(11, 9)], vec![a.id]);
    assert_eq!(s.rosters[&d(11, 16)], vec![b.id]);
    assert_eq!(s.progress[&a.id].status, EnrolmentStatus::Stopped);
    assert_eq!(s.progress[&b.id].status, EnrolmentStatus::Waiting);
}

#[test]
fn overlapping_sessions_are_detected() {
    let a = module(d(11, 2), 4, 4);
    let mut b = module(d(11, 2), 4, 4);
    b.start_minute = 690; // 11:30, while a runs 10:00-12:00
    assert!(overlaps(&a, d(11, 2), &b, d(11, 2)));
    b.start_minute = 720;
    assert!(!overlaps(&a, d(11, 2), &b, d(11, 2)));
    assert_eq!(week_start(d(11, 26)), d(11, 23));
}

#[test]
fn the_default_catalogue_has_the_eight_modules() {
    let c = default_catalogue(d(11, 24), Utc::now());
    let names: Vec<&str> = c.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names.len(), 8, "{names:?}");
    for want in ["Solliciteren", "Agenda beheren", "Omgaan met stress", "Budgetteren", "Fietsles", "Taalwandeling"] {
        assert!(names.contains(&want), "{want}");
    }
    for m in &c {
        assert!(m.first >= d(11, 24) && m.first < d(12, 1));
        assert!(m.cycle() >= 4 && m.capacity >= 6);
    }
    assert_eq!(
        c.iter().find(|m| m.name == "Budgetteren").map(|m| (m.weekday(), m.start_minute)),
        Some((Weekday::Tue, 600))
    );
    assert_eq!(parse_time("9:30"), Some(570));
    assert_eq!(parse_time("24:00"), None);
}

#[test]
fn attendance_before_the_session_can_only_be_excused() {
    let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default();
    let p = ParticipantId(uuid::Uuid::from_u128(1));
    let a = |mark| Attendance { module: ModuleId(uuid::Uuid::from_u128(2)), date: day, marks: vec![(p, mark)] };
    let before = day - Duration::days(1);
    assert!(a(Mark::Present).too_early(before));
    assert!(a(Mark::Absent).too_early(before));
    assert!(!a(Mark::Excused).too_early(before), "calling off in advance is fine");
    assert!(!a(Mark::Present).too_early(day), "on the day itself");
    assert!(!a(Mark::Absent).too_early(day + Duration::days(3)), "afterwards");
}

/// A colleague enrolled someone earlier, on another computer: when that enrolment arrives, the
/// last place of a full module goes to it, and the person enrolled here later loses the place
/// they were given (and is told). Anyone seated before the later one keeps their place.
#[test]
fn an_earlier_enrolment_from_elsewhere_takes_the_place_and_says_whose_was_lost() {
    let m = module(d(5, 7), 4, 2);
    let today = d(5, 1);
    let horizon = d(7, 1);
    let here = [enrol(1, d(4, 20)), enrol(2, d(4, 25))];
    let before = simulate(&m, &[], &here, &[], today, horizon);
    assert!(before.waitlist.is_empty());
    let mut all = here.to_vec();
    all.push(enrol(3, d(4, 22)));
    let after = simulate(&m, &[], &all, &[], today, horizon);
    assert_eq!(places_lost(&before, &after), [enrol(2, d(4, 25)).id]);
    // The other order of arrival gives the same seats: only the set counts.
    let mut reversed = all.clone();
    reversed.reverse();
    assert_eq!(simulate(&m, &[], &reversed, &[], today, horizon).rosters, after.rosters);
    // Nobody loses a place when a later enrolment arrives.
    let mut later = here.to_vec();
    later.push(enrol(4, d(4, 28)));
    assert!(places_lost(&before, &simulate(&m, &[], &later, &[], today, horizon)).is_empty());
}
