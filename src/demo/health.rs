//! Demo Positive Health conversations (one to four per person in guidance, improving a little
//! over time, with what they want to talk about) and goals in every state.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::goal::{Area, Goal, GoalStatus, LifeArea, Step};
use crate::domain::health::{ASPECTS, Assessment, DIMENSIONS};
use crate::domain::{Participant, Status};

const WISHES: &[&str] = &[
    "Meer bewegen en buiten komen",
    "Minder piekeren over geld",
    "Mensen leren kennen in de wijk",
    "Beter slapen",
    "Vrijwilligerswerk vinden",
    "Mijn Nederlands verbeteren",
    "Overzicht in mijn post en rekeningen",
    "Weer iets doen waar ik trots op ben",
];
const NEEDS: &[&str] = &[
    "Iemand die meegaat de eerste keer",
    "Hulp bij het ordenen van papieren",
    "Een fiets en iemand om mee te fietsen",
    "Een rustig moment per week met de coach",
    "Informatie over activiteiten in de buurt",
];
const GOALS: &[(&str, &[&str])] = &[
    ("Twee keer per week wandelen", &["Wandelroute kiezen", "Eerste keer samen met coach", "Drie weken volhouden"]),
    ("Vrijwilligerswerk bij de voedselbank", &["Kennismaken", "Proefdag", "Vaste dag afspreken"]),
    ("Overzicht over mijn geld", &["Post sorteren", "Budgetmodule volgen", "Afspraak schuldhulp"]),
    ("Meedoen aan het koffie-uur in het buurthuis", &["Samen gaan", "Alleen gaan"]),
    ("Fietsen leren", &["Aanmelden fietsles", "Vijf lessen volgen", "Zelf naar de markt fietsen"]),
    ("Elke dag een vaste structuur", &["Wekker zetten", "Weekplanning maken", "Agenda bijhouden"]),
    ("Taalcafé bezoeken", &["Adres opzoeken", "Eerste keer gaan"]),
];

/// Conversations and goals for the people in guidance.
pub fn generate(
    people: &[Participant],
    seed: u64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> (Vec<Assessment>, Vec<Goal>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x005E_ED0F_4EA1);
    let mut assessments = Vec::new();
    let mut goals = Vec::new();
    for p in people {
        if !matches!(p.status, Status::Intake | Status::Active | Status::Extended | Status::Closed) {
            continue;
        }
        let Some(start) = p.start_date else { continue };
        let months = (today - start).num_days() / 30;
        let count = if p.status == Status::Intake { 1 } else { (1 + months / 4).clamp(1, 4) as usize };
        let mut level: [f64; DIMENSIONS] = std::array::from_fn(|_| rng.random_range(3.0..7.0));
        let mut ladder: u8 = rng.random_range(1..=3);
        for i in 0..count {
            let date = start.checked_add_months(Months::new(4 * i as u32)).unwrap_or(start)
                + Duration::days(rng.random_range(0..14));
            // The first conversation happens at the start, whenever that was.
            let date = if i == 0 { date.min(today) } else { date };
            if date > today {
                break;
            }
            let at = now.min(date.and_hms_opt(10, 0, 0).map_or(now, |t| t.and_utc()));
            let mut a = Assessment::new(p.id, date, &p.coach, at);
            for (d, lvl) in level.iter().enumerate() {
                for x in 0..ASPECTS {
                    if rng.random_bool(0.08) {
                        continue; // skipped
                    }
                    let v = (lvl + rng.random_range(-2.0..2.0)).round().clamp(0.0, 10.0);
                    a.scores[d][x] = Some(v as u8);
                }
                a.overall[d] = a.mean_tenths(d).map(|m| {
                    let own = i32::from(m) + rng.random_range(-5..=5);
                    own.clamp(0, 100) as u8
                });
            }
            // Talk about a few of the lowest-scored aspects.
            let mut low: Vec<(u8, usize, usize)> = (0..DIMENSIONS)
                .flat_map(|d| (0..ASPECTS).map(move |x| (d, x)))
                .filter_map(|(d, x)| a.scores[d][x].map(|s| (s, d, x)))
                .collect();
            low.sort_unstable();
            for &(_, d, x) in low.iter().take(rng.random_range(1..4)) {
                a.talk[d][x] = true;
            }
            a.ladder = Some(ladder);
            a.wish = WISHES.choose(&mut rng).map_or_else(String::new, |w| w.to_string());
            a.need = NEEDS.choose(&mut rng).map_or_else(String::new, |w| w.to_string());
            assessments.push(a);
            // Most people grow a little between conversations.
            for l in &mut level {
                *l = (*l + rng.random_range(-0.5..1.5)).clamp(0.0, 10.0);
            }
            if rng.random_bool(0.3) {
                ladder = (ladder + 1).min(6);
            }
        }
        for _ in 0..rng.random_range(1..=3) {
            goals.push(goal(&mut rng, p, start, today, now));
        }
    }
    (assessments, goals)
}

fn goal(rng: &mut ChaCha8Rng, p: &Participant, start: NaiveDate, today: NaiveDate, now: DateTime<Utc>) -> Goal {
    let (text, steps) = GOALS.choose(rng).copied().unwrap_or(GOALS[0]);
    let area = if rng.random_bool(0.6) {
        Area::Dimension(rng.random_range(0..DIMENSIONS as u8))
    } else {
        Area::Life(*LifeArea::ALL.choose(rng).unwrap_or(&LifeArea::DailyActivities))
    };
    let span = (today - start).num_days().max(1);
    let created = start + Duration::days(rng.random_range(0..span));
    let mut g = Goal::new(
        p.id,
        text.to_string(),
        area,
        created,
        now.min(created.and_hms_opt(11, 0, 0).map_or(now, |t| t.and_utc())),
    );
    g.target = Some(created + Duration::days(rng.random_range(30..180)));
    let achieved_so_far = rng.random_range(0..=steps.len());
    g.steps = steps.iter().enumerate().map(|(i, s)| Step { text: s.to_string(), done: i < achieved_so_far }).collect();
    let status = match rng.random_range(0..100) {
        0..=44 => GoalStatus::Open,
        45..=79 => GoalStatus::Achieved,
        80..=91 => GoalStatus::Adjusted,
        _ => GoalStatus::Stopped,
    };
    let changed = (created + Duration::days(rng.random_range(0..span.max(2) / 2 + 1))).min(today);
    g.set_status(status, changed);
    if status == GoalStatus::Achieved {
        g.steps.iter_mut().for_each(|s| s.done = true);
    }
    g
}
