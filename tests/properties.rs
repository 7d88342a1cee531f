//! Property tests: the parsers, the folding and the codec hold for any input.
#![allow(clippy::unwrap_used, clippy::panic)]

use chrono::{NaiveDate, TimeZone, Utc};
use meedoen::domain::fold::fold;
use meedoen::domain::search::SearchIndex;
use meedoen::domain::validate::{Postcode, format_date, parse_date, parse_date_of_birth, parse_phone};
use meedoen::domain::{Gender, Participant, ParticipantId, Status};
use meedoen::store::codec;
use meedoen::store::crypto::{Key, Keys, MASTER_KEY_ID};
use proptest::prelude::*;

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (1900i32..2100, 1u32..=12, 1u32..=31).prop_filter_map("real date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

proptest! {
    #[test]
    fn every_date_reads_back_in_all_three_shapes(d in any_date()) {
        use chrono::Datelike;
        prop_assert_eq!(parse_date(&format_date(d)), Ok(d));
        prop_assert_eq!(parse_date(&format!("{}-{}-{}", d.day(), d.month(), d.year())), Ok(d));
        prop_assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string()), Ok(d));
    }

    #[test]
    fn date_parsers_never_panic(s in "\\PC{0,20}", t in "[0-9/.\\- ]{0,14}") {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let _ = parse_date(&s);
        let _ = parse_date(&t);
        if let Ok(d) = parse_date_of_birth(&t, today) {
            prop_assert!(d <= today);
        }
    }

    #[test]
    fn valid_postcodes_are_canonical_whatever_the_spacing(n in 1000u32..9999, a in "[A-Za-z]{2}", sp in " {0,3}") {
        let typed = format!("{n}{sp}{a}");
        match Postcode::parse(&typed) {
            Ok(pc) => {
                prop_assert_eq!(pc.as_str(), format!("{n} {}", a.to_uppercase()));
                prop_assert_eq!(Postcode::parse(pc.as_str()), Ok(pc.clone()));
            }
            Err(_) => prop_assert!(matches!(a.to_uppercase().as_str(), "SA" | "SD" | "SS")),
        }
    }

    #[test]
    fn postcode_and_phone_parsers_never_panic(s in "\\PC{0,16}") {
        let _ = Postcode::parse(&s);
        let _ = parse_phone(&s);
    }

    #[test]
    fn mobile_numbers_in_any_common_shape_are_accepted(rest in "[1-9][0-9]{7}") {
        for shape in [format!("06{rest}"), format!("06-{rest}"), format!("+31 6 {rest}"), format!("0031 6{rest}")] {
            prop_assert!(parse_phone(&shape).is_ok(), "{}", shape);
        }
    }

    #[test]
    fn folding_keeps_one_char_per_char(s in "\\PC{0,40}") {
        prop_assert_eq!(fold(&s).chars().count(), s.chars().count());
    }

    #[test]
    fn participants_survive_the_codec(
        given in "\\PC{0,30}", prefix in "\\PC{0,8}", family in "\\PC{0,30}", notes in "\\PC{0,200}",
        dob in proptest::option::of(any_date()), number in 1u32..1_000_000, status in 0usize..5, gender in 0usize..4,
        secs in 0i64..4_000_000_000, nanos in 0u32..1_000_000_000,
    ) {
        let mut p = Participant::new(ParticipantId::new_random(), number, Utc.timestamp_opt(secs, nanos).unwrap());
        p.given_names = given;
        p.prefix = prefix;
        p.family_name = family;
        p.notes = notes;
        p.date_of_birth = dob;
        p.status = Status::ALL[status];
        p.gender = Gender::ALL[gender];
        p.address.postcode = Postcode::parse("1234ab").ok();
        let keys = Keys::new(Key::random());
        let bytes = codec::encode(&p, &keys, MASTER_KEY_ID).unwrap();
        prop_assert_eq!(codec::decode::<Participant>(&bytes, &keys).unwrap(), p);
    }

    /// The decoder, fed arbitrary bytes, returns an error and never panics: as a plain record
    /// (what a store from before encryption holds, read while it is migrated), as a sealed one,
    /// and as a payload that decrypts fine but holds nonsense (bincode itself is fuzzed).
    #[test]
    fn decoding_arbitrary_bytes_never_panics(
        mut bytes in proptest::collection::vec(any::<u8>(), 0..400), keep_header in any::<bool>(), kind in 1u8..=21,
    ) {
        let mut keys = Keys::new(Key::random());
        keys.allow_plain = true;
        if keep_header && bytes.len() >= 10 {
            bytes[..10].copy_from_slice(&[b'M', b'D', 1, kind, 1, 0, 0, 0, 0, 0]);
        }
        decode_as_every_kind(&bytes, &keys);
        let mut sealed = vec![b'M', b'D', 1, kind, 1, 0, MASTER_KEY_ID as u8, 0, 0, 0];
        let header = sealed.clone();
        keys.seal(MASTER_KEY_ID, &header, &bytes, &mut sealed).unwrap();
        decode_as_every_kind(&sealed, &keys);
        keys.allow_plain = false;
        decode_as_every_kind(&bytes, &keys);
    }

    /// The referral import, fed arbitrary bytes and arbitrary semicolon-separated rows under a
    /// real header, reports or imports and never panics.
    #[test]
    fn the_referral_import_never_panics(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        rows in proptest::collection::vec(proptest::collection::vec("[^\n\r]{0,12}", 0..6), 0..6),
    ) {
        let store = meedoen::store::Store::temporary().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let now = Utc.timestamp_opt(1_790_000_000, 0).unwrap();
        let _ = meedoen::import::import_referrals(&store, &bytes, today, now, "Sanne");
        let mut csv = String::from("voornamen;tussenvoegsel;achternaam;geboortedatum;telefoon;postcode\n");
        for r in &rows {
            csv.push_str(&r.join(";"));
            csv.push('\n');
        }
        let _ = meedoen::import::import_referrals(&store, csv.as_bytes(), today, now, "Sanne");
    }

    #[test]
    fn search_never_panics_and_narrowing_agrees(q in "\\PC{0,8}") {
        let mut people = Vec::new();
        for (i, (g, p, f)) in [("Fatma", "", "Öztürk"), ("Jan", "van den", "Berg"), ("Łukasz", "", "Wiśniewski")].iter().enumerate() {
            let mut x = Participant::new(ParticipantId::new_random(), 1001 + i as u32, Utc.timestamp_opt(0, 0).unwrap());
            x.given_names = g.to_string();
            x.prefix = p.to_string();
            x.family_name = f.to_string();
            people.push(x);
        }
        let mut narrowed = SearchIndex::from_participants(&people);
        let mut typed = String::new();
        for c in q.chars() {
            typed.push(c);
            let got = narrowed.search(&typed, 10);
            let fresh = SearchIndex::from_participants(&people).search(&typed, 10);
            prop_assert_eq!(got, fresh);
        }
    }
}

mod scheduling {
    use super::*;
    use meedoen::domain::module::*;

    fn module(n: usize, cap: u16, weekly: bool, cancelled: Vec<NaiveDate>) -> Module {
        Module {
            id: ModuleId(uuid::Uuid::from_u128(1)),
            name: "M".into(),
            description: String::new(),
            provider: String::new(),
            location: String::new(),
            facilitator: String::new(),
            topics: vec![String::new(); n],
            first: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
            start_minute: 600,
            duration_minutes: 90,
            recurrence: if weekly { Recurrence::Weekly } else { Recurrence::Fortnightly },
            end: None,
            capacity: cap,
            cancelled,
            created_at: Utc.timestamp_opt(0, 0).unwrap(),
            updated_at: Utc.timestamp_opt(0, 0).unwrap(),
        }
    }

    proptest! {
        #[test]
        fn rosters_respect_capacity_and_completion_means_every_topic(
            n in 1usize..7, cap in 1u16..6, weekly in any::<bool>(),
            joins in proptest::collection::vec((0i64..200, proptest::option::of(0i64..250)), 0..25),
            presence in proptest::collection::vec(any::<bool>(), 0..2000),
            cancel in proptest::collection::vec(0i64..40, 0..4),
        ) {
            let first = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
            let step = if weekly { 7 } else { 14 };
            let m = module(n, cap, weekly, cancel.iter().map(|k| first + chrono::Duration::days(k * step)).collect());
            let enrolments: Vec<Enrolment> = joins.iter().enumerate().map(|(i, (on, stop))| Enrolment {
                id: EnrolmentId(uuid::Uuid::from_u128(100 + i as u128)),
                participant: ParticipantId(uuid::Uuid::from_u128(1000 + i as u128)),
                module: m.id,
                enrolled_on: first + chrono::Duration::days(*on),
                stopped_on: stop.map(|s| first + chrono::Duration::days(on + s)),
                created_at: Utc.timestamp_opt(i as i64, 0).unwrap(),
            }).collect();
            let today = first + chrono::Duration::days(300);
            let held: Vec<Session> = sessions(&m, &[], today).into_iter().filter(|s| s.topic.is_some()).collect();
            // Topics run 1..N in order over the sessions that take place.
            for (i, s) in held.iter().enumerate() {
                prop_assert_eq!(s.topic, Some((i % n + 1) as u8));
            }
            let mut bits = presence.iter().cycle();
            let attendance: Vec<Attendance> = held.iter().map(|s| Attendance {
                module: m.id,
                date: s.date,
                marks: enrolments.iter().filter(|_| *bits.next().unwrap_or(&true)).map(|e| (e.participant, Mark::Present)).collect(),
            }).collect();
            let sched = simulate(&m, &[], &enrolments, &attendance, today, today + chrono::Duration::days(60));
            for roster in sched.rosters.values() {
                prop_assert!(roster.len() <= usize::from(cap));
            }
            for p in sched.progress.values() {
                if p.status == EnrolmentStatus::Completed {
                    prop_assert_eq!(p.attended.len(), n);
                }
                prop_assert!(p.attended.len() <= n);
            }
        }
    }
}

/// Tries `bytes` as every stored type.
fn decode_as_every_kind(bytes: &[u8], keys: &Keys) {
    use meedoen::domain::contact::{Appointment, Contact};
    use meedoen::domain::goal::Goal;
    use meedoen::domain::health::Assessment;
    use meedoen::domain::module::{Attendance, Closure, Enrolment, Module};
    use meedoen::domain::signal::{PartnerReferral, Signal};
    use meedoen::store::{
        AssessmentDraft, AttendanceMark, ContactSummary, Draft, Settings, StatusEntry, TrajectoryHead,
    };
    let _ = codec::decode::<Participant>(bytes, keys);
    let _ = codec::decode::<Draft>(bytes, keys);
    let _ = codec::decode::<Settings>(bytes, keys);
    let _ = codec::decode::<Assessment>(bytes, keys);
    let _ = codec::decode::<Goal>(bytes, keys);
    let _ = codec::decode::<AssessmentDraft>(bytes, keys);
    let _ = codec::decode::<Module>(bytes, keys);
    let _ = codec::decode::<Enrolment>(bytes, keys);
    let _ = codec::decode::<Attendance>(bytes, keys);
    let _ = codec::decode::<Closure>(bytes, keys);
    let _ = codec::decode::<Contact>(bytes, keys);
    let _ = codec::decode::<Appointment>(bytes, keys);
    let _ = codec::decode::<TrajectoryHead>(bytes, keys);
    let _ = codec::decode::<AttendanceMark>(bytes, keys);
    let _ = codec::decode::<StatusEntry>(bytes, keys);
    let _ = codec::decode::<Signal>(bytes, keys);
    let _ = codec::decode::<PartnerReferral>(bytes, keys);
    let _ = codec::decode::<ContactSummary>(bytes, keys);
    let _ = codec::decode_plain::<meedoen::store::crypto::Keyring>(bytes);
    let _ = codec::decode_plain::<meedoen::store::crypto::WrappedKey>(bytes);
}
