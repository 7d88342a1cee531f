//! Fictional but realistic demo data: Dutch and migrant names with prefixes and diacritics,
//! addresses in a made-up region of seven municipalities, referrals and statuses spread over two
//! years. The same seed always gives the same people.

mod day;
pub mod dir;
mod health;
mod modules;
mod names;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::participant::default_end_date;
use crate::domain::validate::Postcode;
use crate::domain::{Gender, Participant, ParticipantId, Status};
use crate::store::{Store, StoreError};
use names::*;

/// How many participants `--demo` creates.
pub const UI_DEMO_SIZE: usize = 150;

/// The most participants `meedoen demo` makes, whatever the machine: ten times the largest
/// caseload measured (100,000, see README "Speed"), far above any real organisation.
pub const MAX_DEMO_SIZE: usize = 1_000_000;
/// Memory a demo participant needs while the demo is generated and written, with two years of
/// contacts, conversations, goals and modules: 100,000 took 6.2 GB at its peak (README "Speed"),
/// so 64 KiB each, rounded up.
pub const DEMO_BYTES_PER_PARTICIPANT: u64 = 64 * 1024;

/// The largest demo this machine can hold: [`MAX_DEMO_SIZE`], or less when its memory (Linux:
/// `MemTotal` in `/proc/meminfo`) holds fewer participants at [`DEMO_BYTES_PER_PARTICIPANT`].
pub fn max_demo_size() -> usize {
    let fits = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        let kib: u64 =
            m.lines().find_map(|l| l.strip_prefix("MemTotal:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
        usize::try_from(kib.saturating_mul(1024) / DEMO_BYTES_PER_PARTICIPANT).ok()
    });
    fits.map_or(MAX_DEMO_SIZE, |n| n.min(MAX_DEMO_SIZE))
}

/// About this many open participants belong to the first coach, the one the demo opens as.
const MAIN_CASELOAD: f64 = 50.0;

/// Fills `store` with `n` participants in one transaction, then their Positive Health
/// conversations and goals; returns the coach whose caseload it is.
pub fn fill(store: &Store, n: usize, seed: u64, today: NaiveDate, now: DateTime<Utc>) -> Result<String, StoreError> {
    let (people, coaches) = generate(n, seed, today, now);
    let people = store.add_participants(people)?;
    let (assessments, goals) = health::generate(&people, seed, today, now);
    store.add_health_records(&assessments, &goals)?;
    let (contacts, appointments, signals, referrals, trajectories) = day::generate(&people, seed, today, now);
    store.add_day_records(&contacts, &appointments, &signals, &referrals, &trajectories)?;
    // A caseload opened before keeps its own catalogue; the demo's runs in an empty one.
    if store.module_count() == 0 {
        let (modules, closures, enrolments, attendance) = modules::generate(&people, seed, today, now);
        store.add_modules(&modules)?;
        for c in &closures {
            store.save_closure(c)?;
        }
        store.add_module_records(&enrolments, &attendance)?;
    }
    Ok(coaches.first().map_or_else(String::new, |c| c.to_string()))
}

/// Generates `n` people (numbers are given by the store) and the coaches, first the main one.
pub fn generate(n: usize, seed: u64, today: NaiveDate, now: DateTime<Utc>) -> (Vec<Participant>, Vec<String>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // About eight in ten are still open; the main coach takes about fifty of those.
    let main_share = (MAIN_CASELOAD / (0.78 * n.max(1) as f64)).min(0.5);
    let people = (0..n).map(|_| person(&mut rng, today, now, main_share)).collect();
    (people, COACHES.iter().map(|c| c.to_string()).collect())
}

fn pick<'a, T: ?Sized>(rng: &mut ChaCha8Rng, items: &'a [&'a T]) -> &'a T {
    items.choose(rng).copied().unwrap_or_else(|| items[0])
}

fn person(rng: &mut ChaCha8Rng, today: NaiveDate, now: DateTime<Utc>, main_share: f64) -> Participant {
    // Referred at some moment in the last two years.
    let days_ago = rng.random_range(0..730i64);
    let referral = today - Duration::days(days_ago);
    let referral_at = at_office_hours(rng, referral);
    let mut p = Participant::new(ParticipantId(uuid::Uuid::from_bytes(rng.random())), 0, referral_at.min(now));

    let female = rng.random_bool(0.52);
    p.gender = match rng.random_range(0..100) {
        0 => Gender::Unknown,
        1 => Gender::NonBinary,
        _ if female => Gender::Female,
        _ => Gender::Male,
    };
    let migrant = rng.random_bool(0.45);
    p.esf_entry = esf_entry(&p, migrant);
    if migrant {
        let (f, m, fam) = MIGRANT.choose(rng).copied().unwrap_or(MIGRANT[0]);
        p.given_names = pick(rng, if female { f } else { m }).to_string();
        p.family_name = pick(rng, fam).to_string();
        if rng.random_bool(0.5) {
            p.language_needs = pick(rng, LANGUAGE_NEEDS).to_string();
            p.interpreter = rng.random_bool(0.3);
        }
    } else {
        let given = pick(rng, if female { DUTCH_GIVEN_F } else { DUTCH_GIVEN_M });
        p.given_names = if rng.random_bool(0.15) {
            format!("{given} {}", pick(rng, if female { DUTCH_GIVEN_F } else { DUTCH_GIVEN_M }))
        } else {
            given.to_string()
        };
        let (prefix, family) = DUTCH_FAMILY.choose(rng).copied().unwrap_or(("", "Jansen"));
        p.prefix = prefix.to_string();
        p.family_name = family.to_string();
    }

    // About half are over fifty.
    let age = if rng.random_bool(0.5) { rng.random_range(50..67) } else { rng.random_range(19..50) };
    p.date_of_birth =
        today.checked_sub_months(chrono::Months::new(12 * age)).map(|d| d - Duration::days(rng.random_range(0..365)));

    // Typed in the shapes people give them, stored in the one notation meedoen shows.
    let typed = match rng.random_range(0..10) {
        0 => String::new(),
        1 => match rng.random_range(0..3) {
            0 => format!("053-{}", rng.random_range(2_000_000..9_999_999)),
            1 => format!("074-{}", rng.random_range(2_000_000..9_999_999)),
            _ => format!("0546-{}", rng.random_range(200_000..999_999)),
        },
        2 => format!("+31 6 {}", rng.random_range(10_000_000..99_999_999)),
        3 => format!("06 {} {} {}", rng.random_range(10..99), rng.random_range(100..999), rng.random_range(100..999)),
        _ => format!("06-{}", rng.random_range(10_000_000..99_999_999)),
    };
    p.phone = crate::domain::validate::parse_phone(&typed).unwrap_or(typed);
    if rng.random_bool(0.4) {
        p.email = format!("{}.{}@example.nl", ascii(&p.given_names), ascii(&p.family_name));
    }

    let (municipality, place, area, hoods) = PLACES.choose(rng).copied().unwrap_or(PLACES[0]);
    p.municipality = municipality.to_string();
    p.address.place = place.to_string();
    p.neighbourhood = pick(rng, hoods).to_string();
    p.address.street = pick(rng, STREETS).to_string();
    p.address.house_number = match rng.random_range(0..8) {
        0 => format!("{}a", rng.random_range(1..120)),
        1 => format!("{}-{}", rng.random_range(1..80), rng.random_range(1..4)),
        _ => rng.random_range(1..220).to_string(),
    };
    p.address.postcode = postcode(rng, area);

    p.referral.source = pick(rng, REFERRERS).to_string();
    p.referral.date = Some(referral);

    p.status = status_for(rng, days_ago);
    if p.status != Status::Referred {
        let start = referral + Duration::days(rng.random_range(5..30).min(days_ago.max(0)));
        p.start_date = Some(start.min(today));
        p.planned_end_date = p.start_date.and_then(default_end_date);
        if p.status == Status::Extended {
            p.planned_end_date = p.planned_end_date.and_then(default_end_date);
        }
    }
    let open = p.status.is_open();
    // The main coach also had trajectories that closed (her reports show exits); her open
    // caseload stays about fifty.
    let mine = if open { rng.random_bool(main_share) } else { rng.random_bool(0.3) };
    p.coach = if mine { COACHES[0].to_string() } else { COACHES[rng.random_range(1..COACHES.len())].to_string() };
    if rng.random_bool(0.4) {
        p.notes = pick(rng, NOTES).to_string();
    }
    // Last changed somewhere between the referral and now.
    let span = (now - p.created_at).num_seconds().max(1);
    p.updated_at = p.created_at + Duration::seconds(rng.random_range(0..span));
    p
}

fn status_for(rng: &mut ChaCha8Rng, days_ago: i64) -> Status {
    let r = rng.random_range(0..100);
    match days_ago {
        0..=20 => {
            if r < 65 {
                Status::Referred
            } else {
                Status::Intake
            }
        }
        21..=60 => {
            if r < 10 {
                Status::Referred
            } else if r < 40 {
                Status::Intake
            } else {
                Status::Active
            }
        }
        61..=380 => {
            if r < 5 {
                Status::Intake
            } else if r < 92 {
                Status::Active
            } else {
                Status::Closed
            }
        }
        _ => {
            if r < 55 {
                Status::Closed
            } else if r < 85 {
                Status::Extended
            } else {
                Status::Active
            }
        }
    }
}

fn at_office_hours(rng: &mut ChaCha8Rng, day: NaiveDate) -> DateTime<Utc> {
    let t = day.and_hms_opt(rng.random_range(8..17), rng.random_range(0..60), 0).unwrap_or_default();
    Utc.from_utc_datetime(&t)
}

fn postcode(rng: &mut ChaCha8Rng, area: u32) -> Option<Postcode> {
    const LETTERS: &[u8] = b"ABCDEGHJKLMNPRTVWXZ";
    let a = LETTERS[rng.random_range(0..LETTERS.len())] as char;
    let b = LETTERS[rng.random_range(0..LETTERS.len())] as char;
    Postcode::parse(&format!("{}{a}{b}", area + rng.random_range(0..9))).ok()
}

/// A name as it would appear in an e-mail address: folded to ASCII, spaces and quotes dropped.
fn ascii(s: &str) -> String {
    crate::domain::fold::fold(s).chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect()
}

/// ESF+ characteristics at entry, from a generator of their own (seeded by the person's id) so
/// the rest of the demo stays the same for a seed.
fn esf_entry(p: &Participant, migrant: bool) -> crate::domain::esf::EsfEntry {
    use crate::domain::esf::{Education, EsfEntry, LabourStatus, YesNo};
    let mut r = ChaCha8Rng::seed_from_u64(p.id.0.as_u64_pair().0);
    let yes_no = |r: &mut ChaCha8Rng, yes: f64| match r.random_range(0..100) {
        0..4 => YesNo::NotAsked,
        4..7 => YesNo::Declined,
        _ if r.random_bool(yes) => YesNo::Yes,
        _ => YesNo::No,
    };
    EsfEntry {
        labour: match r.random_range(0..100) {
            0..5 => LabourStatus::NotAsked,
            5..60 => LabourStatus::LongTermUnemployed,
            60..75 => LabourStatus::Unemployed,
            75..96 => LabourStatus::Inactive,
            _ => LabourStatus::Employed,
        },
        education: match r.random_range(0..100) {
            0..6 => Education::NotAsked,
            6..10 => Education::Declined,
            10..62 => Education::Isced0To2,
            62..92 => Education::Isced3To4,
            _ => Education::Isced5To8,
        },
        disability: yes_no(&mut r, 0.3),
        foreign_background: if migrant { yes_no(&mut r, 0.95) } else { yes_no(&mut r, 0.05) },
        homeless: yes_no(&mut r, 0.08),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validate::{parse_date_of_birth, parse_email, parse_phone};

    fn day() -> (NaiveDate, DateTime<Utc>) {
        (NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap())
    }

    #[test]
    fn the_same_seed_gives_the_same_people() {
        let (today, now) = day();
        let (a, _) = generate(50, 7, today, now);
        let (b, _) = generate(50, 7, today, now);
        let (c, _) = generate(50, 8, today, now);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn every_field_passes_the_validators_the_ui_uses() {
        let (today, now) = day();
        let (people, _) = generate(2000, 3, today, now);
        for p in &people {
            assert!(!p.given_names.is_empty() && !p.family_name.is_empty());
            if let Some(d) = p.date_of_birth {
                assert!(parse_date_of_birth(&crate::domain::validate::format_date(d), today).is_ok());
            }
            assert!(p.phone.is_empty() || parse_phone(&p.phone).is_ok(), "{}", p.phone);
            assert!(p.email.is_empty() || parse_email(&p.email).is_ok(), "{}", p.email);
            assert!(p.address.postcode.is_some());
            assert!(p.created_at <= p.updated_at && p.updated_at <= now);
            if let (Some(s), Some(e)) = (p.start_date, p.planned_end_date) {
                assert!(s <= today && e > s);
            }
            assert_eq!(p.start_date.is_none(), p.status == Status::Referred);
        }
        let over_fifty = people.iter().filter(|p| p.age_on(today).is_some_and(|a| a >= 50)).count();
        assert!((800..1200).contains(&over_fifty), "{over_fifty}");
    }

    #[test]
    fn the_main_coach_has_a_caseload_of_about_fifty() {
        let (today, now) = day();
        for seed in 1..5 {
            let (people, coaches) = generate(UI_DEMO_SIZE, seed, today, now);
            let mine = people.iter().filter(|p| p.coach == coaches[0] && p.status.is_open()).count();
            assert!((35..=65).contains(&mine), "seed {seed}: {mine}");
        }
    }

    #[test]
    fn people_in_guidance_have_conversations_and_goals_in_every_state() {
        use crate::domain::goal::GoalStatus;
        let (today, now) = day();
        let (people, _) = generate(300, 2, today, now);
        let (assessments, goals) = health::generate(&people, 2, today, now);
        for p in people.iter().filter(|p| p.status == Status::Active) {
            let n = assessments.iter().filter(|a| a.participant == p.id).count();
            assert!((1..=4).contains(&n), "{n}");
        }
        assert!(assessments.iter().all(|a| a.date <= today && a.ladder.is_some()));
        assert!(
            people.iter().filter(|p| p.status == Status::Active).any(|p| assessments
                .iter()
                .filter(|a| a.participant == p.id)
                .count()
                >= 3)
        );
        for s in GoalStatus::ALL {
            assert!(goals.iter().any(|g| g.status == s), "{s:?}");
        }
        assert!(goals.iter().any(|g| g.is_overdue(today)));
    }

    #[test]
    fn modules_run_for_a_year_with_completions_and_a_waitlist() {
        use crate::domain::module::{EnrolmentStatus, simulate};
        let (today, now) = day();
        let (people, _) = generate(UI_DEMO_SIZE, 1, today, now);
        let (modules, closures, enrolments, attendance) = modules::generate(&people, 1, today, now);
        assert_eq!(modules.len(), 8);
        let mut statuses = std::collections::HashSet::new();
        let mut waiting = 0;
        for m in &modules {
            let s = simulate(m, &closures, &enrolments, &attendance, today, today + chrono::Duration::days(60));
            assert!(s.rosters.values().all(|r| r.len() <= usize::from(m.capacity)));
            waiting += s.waitlist.len();
            statuses.extend(s.progress.values().map(|p| p.status));
        }
        assert!(waiting > 0, "one module is full and people wait");
        for st in [EnrolmentStatus::Active, EnrolmentStatus::Completed, EnrolmentStatus::Waiting] {
            assert!(statuses.contains(&st), "{st:?}");
        }
        assert!(!attendance.is_empty());
    }

    #[test]
    fn names_with_diacritics_and_prefixes_appear() {
        let (today, now) = day();
        let (people, _) = generate(400, 1, today, now);
        assert!(people.iter().any(|p| !p.family_name.is_ascii()));
        assert!(people.iter().any(|p| !p.prefix.is_empty()));
        assert!(people.iter().any(|p| p.status == Status::Closed));
        assert!(people.iter().any(|p| p.status == Status::Extended));
        assert!(people.iter().any(|p| p.status == Status::Referred));
    }
}
