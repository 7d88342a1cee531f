//! Demo contacts (with failed attempts), appointments (some today), signals, referrals and the
//! trajectory history: extensions with a reason, closings with an outcome and advice.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::appointment::AppointmentState;
use crate::domain::contact::{Appointment, Channel, Contact, Initiative, Reached, RecordId};
use crate::domain::goal::LifeArea;
use crate::domain::signal::{PartnerKind, PartnerReferral, ReferralStatus, Signal, SignalKind, SignalStatus};
use crate::domain::trajectory::{Closing, ExitOutcome, StatusChange, Trajectory};
use crate::domain::{Participant, Status};

const SUMMARIES: &[&str] = &[
    "Koffie gedronken, gesproken over de week en de post.",
    "Samen naar het buurthuis gelopen.",
    "Gesprek over geldzorgen; afspraak schuldhulp voorbereid.",
    "Telefonisch kort contact, gaat goed met de wandelgroep.",
    "Huisbezoek, nieuwe stap gezet: zelf gebeld met de bibliotheek.",
    "Plan besproken en doelen bijgesteld.",
];
const PLACES: &[&str] = &["thuis", "Werkplein", "buurthuis De Wiek", "bibliotheek", "wandeling vanaf huis"];
const ADVICE: &[&str] = &[
    "Doorgaan met vrijwilligerswerk bij de voedselbank; coach blijft bereikbaar.",
    "Overdracht naar het arbeidsmarkttraject van het Werkplein.",
    "Activering voortzetten in de wijk met het buurtteam.",
];

#[allow(clippy::type_complexity)]
pub fn generate(
    people: &[Participant],
    seed: u64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> (Vec<Contact>, Vec<Appointment>, Vec<Signal>, Vec<PartnerReferral>, Vec<Trajectory>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0000_00DA_7DA7);
    let (mut contacts, mut appointments, mut signals, mut referrals, mut trajectories) =
        (vec![], vec![], vec![], vec![], vec![]);
    let time = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
    for p in people {
        let Some(start) = p.start_date.or(p.referral.date) else {
            continue;
        };
        let end = if p.status == Status::Closed { p.planned_end_date.unwrap_or(today).min(today) } else { today };
        // Contacts every one to three weeks, about one in five a failed attempt; a few people
        // have not been seen for a while.
        let stale = rng.random_bool(0.15);
        let mut day = start + Duration::days(rng.random_range(0..7));
        let stop = if stale { end - Duration::days(rng.random_range(15..45)) } else { end };
        while day <= stop && p.status != Status::Referred {
            let reached = match rng.random_range(0..10) {
                0 => Reached::NoAnswer,
                1 => Reached::NotAtHome,
                _ => Reached::Made,
            };
            contacts.push(Contact {
                id: RecordId(uuid::Uuid::from_bytes(rng.random())),
                participant: p.id,
                at: day.and_time(time(rng.random_range(9..17), [0, 15, 30, 45][rng.random_range(0..4)])),
                channel: *DEMO_CHANNELS.choose(&mut rng).unwrap_or(&Channel::HomeVisit),
                initiative: if rng.random_bool(0.8) { Initiative::Coach } else { Initiative::Participant },
                minutes: [10, 30, 45, 60, 90][rng.random_range(0..5)],
                reached,
                life_areas: vec![*LifeArea::ALL.choose(&mut rng).unwrap_or(&LifeArea::DailyActivities)],
                summary: if reached == Reached::Made {
                    SUMMARIES.choose(&mut rng).map_or_else(String::new, |s| s.to_string())
                } else {
                    String::new()
                },
                coach: p.coach.clone(),
                created_at: now,
                withdrawn: false,
                history: Vec::new(),
            });
            day += Duration::days(rng.random_range(5..21));
        }
        if p.status.is_open() && p.status != Status::Referred {
            // The next appointment: today for some, later for most.
            let ahead = if rng.random_bool(0.12) { 0 } else { rng.random_range(1..21) };
            let date = today + Duration::days(ahead);
            appointments.push(Appointment {
                id: RecordId(uuid::Uuid::from_bytes(rng.random())),
                participant: p.id,
                at: date.and_time(time(rng.random_range(9..16), [0, 30][rng.random_range(0..2)])),
                place: PLACES.choose(&mut rng).map_or_else(String::new, |s| s.to_string()),
                note: String::new(),
                coach: p.coach.clone(),
                created_at: now,
                state: AppointmentState::Planned,
                history: Vec::new(),
            });
        }
        if p.status != Status::Referred && rng.random_bool(0.12) {
            let date = start + Duration::days(rng.random_range(0..((end - start).num_days().max(1))));
            let status = *[SignalStatus::Open, SignalStatus::InProgress, SignalStatus::Closed]
                .choose(&mut rng)
                .unwrap_or(&SignalStatus::Open);
            signals.push(Signal {
                id: RecordId(uuid::Uuid::from_bytes(rng.random())),
                participant: p.id,
                date,
                kind: *SignalKind::ALL.choose(&mut rng).unwrap_or(&SignalKind::Other),
                escalated_to: ["Team Ondersteuning", "Kernteam", "Wijkteam"][rng.random_range(0..3)].to_string(),
                status,
                follow_up: Some(date + Duration::days(rng.random_range(7..60))),
                note: String::new(),
                created_at: now,
            });
        }
        if p.status != Status::Referred && rng.random_bool(0.25) {
            let kind = *DEMO_PARTNERS.choose(&mut rng).unwrap_or(&PartnerKind::Other);
            let consent = rng.random_bool(0.85);
            let date = start + Duration::days(rng.random_range(0..((end - start).num_days().max(1))));
            referrals.push(PartnerReferral {
                id: RecordId(uuid::Uuid::from_bytes(rng.random())),
                participant: p.id,
                partner_kind: kind,
                partner: partner_name(kind).to_string(),
                purpose: "Ondersteuning bij een stap uit het plan".into(),
                date,
                status: *ReferralStatus::ALL.choose(&mut rng).unwrap_or(&ReferralStatus::Referred),
                result: String::new(),
                consent,
                consent_date: consent.then_some(date),
                created_at: now,
                steps: Vec::new(),
            });
        }
        let mut t = Trajectory::new(p.id, now);
        // Someone still in their intake has not become active: no step in the history yet.
        if let Some(s) = p.start_date.filter(|_| p.status != Status::Intake) {
            t.history.push(StatusChange {
                date: s,
                from: Status::Intake,
                to: Status::Active,
                reason: String::new(),
                coach: p.coach.clone(),
            });
        }
        match p.status {
            Status::Extended => {
                let on = p.planned_end_date.map_or(today, |e| e - Duration::days(365 + rng.random_range(0..20)));
                t.history.push(StatusChange {
                    date: on.min(today),
                    from: Status::Active,
                    to: Status::Extended,
                    reason: "Groeit zichtbaar, nog niet klaar".into(),
                    coach: p.coach.clone(),
                });
            }
            Status::Closed => {
                let outcome = *ExitOutcome::ALL[..8].choose(&mut rng).unwrap_or(&ExitOutcome::ContinuedActivation);
                t.closing = Some(Closing {
                    end_date: end,
                    outcome,
                    advice: ADVICE.choose(&mut rng).map_or_else(String::new, |s| s.to_string()),
                });
                t.esf_exit = esf_exit(p.id, outcome);
                t.history.push(StatusChange {
                    date: end,
                    from: Status::Active,
                    to: Status::Closed,
                    reason: outcome.code().into(),
                    coach: p.coach.clone(),
                });
            }
            Status::Active
                if p.planned_end_date.is_some_and(|e| (e - today).num_days() < 30) && rng.random_bool(0.4) =>
            {
                t.advice = ADVICE.choose(&mut rng).map_or_else(String::new, |s| s.to_string());
            }
            _ => {}
        }
        trajectories.push(t);
    }
    (contacts, appointments, signals, referrals, trajectories)
}

/// ESF+ results at exit that fit the outcome, from a generator of their own (seeded by the id).
fn esf_exit(id: crate::domain::ParticipantId, outcome: ExitOutcome) -> crate::domain::esf::EsfExit {
    use crate::domain::esf::{EsfExit, YesNo};
    let mut r = ChaCha8Rng::seed_from_u64(id.0.as_u64_pair().1);
    let mut yn = |p: f64| {
        if r.random_bool(0.05) {
            YesNo::NotAsked
        } else if r.random_bool(p) {
            YesNo::Yes
        } else {
            YesNo::No
        }
    };
    let work = matches!(outcome, ExitOutcome::PaidWork);
    let school = matches!(outcome, ExitOutcome::Education);
    EsfExit {
        searching_work: yn(if matches!(outcome, ExitOutcome::LabourMarketTrajectory) { 0.9 } else { 0.25 }),
        in_education: yn(if school { 0.95 } else { 0.05 }),
        qualification: yn(if school { 0.3 } else { 0.08 }),
        employed: yn(if work { 0.95 } else { 0.03 }),
    }
}

/// A Dutch organisation of each kind, as a coach would write it.
fn partner_name(kind: PartnerKind) -> &'static str {
    match kind {
        PartnerKind::ServiceDesk => "Loket Oosterveld",
        PartnerKind::DebtCounselling => "Schuldhulpverlening Oosterveld",
        PartnerKind::GeneralPractitioner => "Huisartsenpraktijk De Linde",
        PartnerKind::LanguageClasses => "Taalhuis Oosterveld",
        PartnerKind::SocialSupport => "Wmo-loket Oosterveld",
        PartnerKind::HealthInsuranceCare => "Zorgkantoor Oost",
        PartnerKind::Welfare => "Welzijn Oosterveld",
        PartnerKind::Library => "Bibliotheek Oosterveld",
        PartnerKind::Volunteering => "Vrijwilligerscentrale Oosterveld",
        PartnerKind::LabourMarket => "Werkplein Oosterveld",
        PartnerKind::MentalHealth => "GGZ Oost",
        PartnerKind::AddictionCare => "Tactus Oosterveld",
        PartnerKind::SocialWork => "Maatschappelijk werk Oosterveld",
        PartnerKind::NeighbourhoodTeam => "Wijkteam Oosterveld-Noord",
        PartnerKind::Other => "Buurthuis De Kroon",
    }
}

/// The channels and partner kinds the demo draws from (those of its first version, so a seed
/// keeps giving the same caseload when the lists grow).
const DEMO_CHANNELS: [Channel; 8] = [
    Channel::HomeVisit,
    Channel::Office,
    Channel::Phone,
    Channel::Text,
    Channel::Video,
    Channel::Outdoors,
    Channel::NeighbourhoodCentre,
    Channel::Other,
];
const DEMO_PARTNERS: [PartnerKind; 11] = [
    PartnerKind::ServiceDesk,
    PartnerKind::DebtCounselling,
    PartnerKind::GeneralPractitioner,
    PartnerKind::LanguageClasses,
    PartnerKind::SocialSupport,
    PartnerKind::HealthInsuranceCare,
    PartnerKind::Welfare,
    PartnerKind::Library,
    PartnerKind::Volunteering,
    PartnerKind::LabourMarket,
    PartnerKind::Other,
];
