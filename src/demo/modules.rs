//! Demo modules: the default catalogue running for the past year, people enrolling all year
//! round, attendance with some absence, completions, and a full module with a waitlist.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::module::{
    Attendance, Closure, Enrolment, EnrolmentId, Mark, Module, default_catalogue, sessions, simulate,
};
use crate::domain::{Participant, Status};

/// The catalogue, a Christmas break, enrolments and attendance up to `today`.
pub fn generate(
    people: &[Participant],
    seed: u64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> (Vec<Module>, Vec<Closure>, Vec<Enrolment>, Vec<Attendance>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0000_00AD_0D0E);
    let year_ago = today - Duration::days(364);
    let mut modules = default_catalogue(year_ago, now);
    for m in &mut modules {
        m.id = crate::domain::module::ModuleId(uuid::Uuid::from_bytes(rng.random()));
    }
    // The Christmas break of the past winter and the coming one.
    let mut closures = Vec::new();
    for year in [year_ago.format("%Y").to_string(), today.format("%Y").to_string()] {
        let y: i32 = year.parse().unwrap_or(2026);
        for (m, d) in [(12, 28), (12, 29), (12, 30), (12, 31)] {
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                closures.push(Closure { date, reason: "Kerstvakantie".into() });
            }
        }
    }
    closures.sort_by_key(|c| c.date);
    closures.dedup_by_key(|c| c.date);

    // People in guidance enrol in one or two modules at some moment of their trajectory.
    let mut enrolments = Vec::new();
    let busy = modules.iter().position(|m| m.name == "Fietsles").unwrap_or(0);
    // Eight modules of ten-odd places seat a few hundred people a year, however large the region.
    let eligible =
        people.iter().filter(|p| matches!(p.status, Status::Active | Status::Extended | Status::Closed)).count();
    let share = (400.0 / eligible.max(1) as f64).min(0.45);
    for p in people.iter().filter(|p| matches!(p.status, Status::Active | Status::Extended | Status::Closed)) {
        if !rng.random_bool(share) {
            continue;
        }
        let Some(start) = p.start_date else { continue };
        let from = start.max(year_ago);
        if from > today {
            continue;
        }
        for _ in 0..rng.random_range(1..=2) {
            let m = rng.random_range(0..modules.len());
            let span = (today - from).num_days().max(1);
            let on = from + Duration::days(rng.random_range(0..span));
            enrolments.push(enrolment(&mut rng, p, &modules[m], on, today));
        }
    }
    // The cycling lessons are popular this month: they fill up and people wait.
    for p in people.iter().filter(|p| p.status == Status::Active).take(12) {
        let on = today - Duration::days(rng.random_range(1..28));
        enrolments.push(enrolment(&mut rng, p, &modules[busy], on, today));
    }
    // One enrolment per person per module.
    let mut seen = std::collections::HashSet::new();
    enrolments.retain(|e| seen.insert((e.participant, e.module)));

    // Attendance session by session, for whoever had a place then.
    let mut attendance = Vec::new();
    for m in &modules {
        let mine: Vec<Enrolment> = enrolments.iter().filter(|e| e.module == m.id).cloned().collect();
        let mut att: Vec<Attendance> = Vec::new();
        for s in sessions(m, &closures, today).into_iter().filter(|s| s.topic.is_some() && s.date < today) {
            let roster =
                simulate(m, &closures, &mine, &att, s.date, s.date).rosters.remove(&s.date).unwrap_or_default();
            let marks = roster
                .iter()
                .filter_map(|id| mine.iter().find(|e| e.id == *id))
                .map(|e| {
                    let r = rng.random_range(0..100);
                    let mark = if r < 80 {
                        Mark::Present
                    } else if r < 92 {
                        Mark::Absent
                    } else {
                        Mark::Excused
                    };
                    (e.participant, mark)
                })
                .collect();
            att.push(Attendance { module: m.id, date: s.date, marks });
        }
        attendance.extend(att);
    }
    (modules, closures, enrolments, attendance)
}

fn enrolment(rng: &mut ChaCha8Rng, p: &Participant, m: &Module, on: NaiveDate, today: NaiveDate) -> Enrolment {
    let stopped_on = if rng.random_bool(0.08) {
        let span = (today - on).num_days();
        (span > 14).then(|| on + Duration::days(rng.random_range(14..=span)))
    } else {
        None
    };
    Enrolment {
        id: EnrolmentId(uuid::Uuid::from_bytes(rng.random())),
        participant: p.id,
        module: m.id,
        enrolled_on: on,
        stopped_on,
        created_at: on.and_hms_opt(9, 0, 0).map_or_else(Utc::now, |t| t.and_utc()),
    }
}
