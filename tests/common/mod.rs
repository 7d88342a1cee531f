//! Shared helpers of the integration tests: the fixed caseload, the clock, opening a caseload on
//! disk and running the real binary. Nothing here builds the terminal UI: the helpers that drive
//! the app are in a module of their own beside this one, used by the UI tests only.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

pub mod pg;
pub mod pty;
pub mod team;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use meedoen::domain::validate::Postcode;
use meedoen::domain::{Gender, Participant, ParticipantId, Status};
use meedoen::store::Store;

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap()
}

/// One fixed person: (given, prefix, family, born, status, coach, postcode, phone).
pub type Person =
    (&'static str, &'static str, &'static str, &'static str, Status, &'static str, &'static str, &'static str);

/// A fixed little caseload.
pub const PEOPLE: &[Person] = &[
    ("Fatma", "", "Öztürk", "1966-05-04", Status::Active, "Sanne", "7411 AB", "06-12345678"),
    ("Jan", "van der", "Berg", "1970-02-03", Status::Active, "Sanne", "7551 CD", "0612340001"),
    ("Piet", "", "Aalders", "1958-09-12", Status::Intake, "Sanne", "7701 EF", ""),
    ("Emre", "", "Çelik", "1985-01-30", Status::Referred, "Sanne", "7731 GH", "+31 6 98765432"),
    ("Ayşe", "", "Şahin", "1975-07-20", Status::Extended, "Mohamed", "7941 JK", ""),
    ("Anna", "de", "Vries", "1990-12-01", Status::Closed, "Sanne", "7811 LM", ""),
];

pub fn person(i: usize) -> Participant {
    let (g, pre, f, born, status, coach, pc, phone) = PEOPLE[i];
    let id = ParticipantId(uuid::Uuid::from_u128(0x1000 + i as u128));
    let at = now() - chrono::Duration::days(10 * (i as i64 + 1));
    let mut p = Participant::new(id, 0, at);
    p.given_names = g.into();
    p.prefix = pre.into();
    p.family_name = f.into();
    p.date_of_birth = NaiveDate::parse_from_str(born, "%Y-%m-%d").ok();
    p.gender = if i.is_multiple_of(2) { Gender::Female } else { Gender::Male };
    p.status = status;
    p.coach = coach.into();
    p.address.postcode = Postcode::parse(pc).ok();
    p.address.place = "Oosterveld".into();
    p.phone = phone.into();
    if status != Status::Referred {
        p.start_date = NaiveDate::from_ymd_opt(2026, 3, 1);
        p.planned_end_date = NaiveDate::from_ymd_opt(2027, 3, 1);
    }
    p
}

pub fn filled_store(store: &Store) {
    store.add_participants((0..PEOPLE.len()).map(person).collect()).unwrap();
}

/// The passphrase the tests' caseloads are created with.
#[allow(dead_code)]
pub const TEST_PASSPHRASE: &str = "een testwachtwoord";

/// Opens (creating if needed) a caseload on disk, with the cheap key derivation for tests.
#[allow(dead_code)]
pub fn open(dir: &std::path::Path) -> Store {
    Store::open_or_create(dir, TEST_PASSPHRASE, meedoen::store::crypto::KdfParams::LIGHT_FOR_TESTS).unwrap()
}

/// Runs the real binary on `dir` with the tests' passphrase and without the caller's
/// environment choosing the caseload or the coach.
#[allow(dead_code)]
pub fn run_meedoen(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_meedoen"))
        .arg("--data-dir")
        .arg(dir)
        .env("MEEDOEN_STATE_DIR", dir.with_extension("state"))
        .args(args)
        .env("MEEDOEN_PASSPHRASE", TEST_PASSPHRASE)
        .env_remove("MEEDOEN_COACH")
        .env_remove("MEEDOEN_DATA_DIR")
        .output()
        .unwrap()
}

/// Opens a caseload's sled database directly (to look at or tamper with the data file, as
/// someone with the files would). sled releases the lock of a handle just dropped, in this
/// process or a meedoen that just exited, from background threads a moment later: retried for
/// up to five seconds.
pub fn open_sled(path: &std::path::Path) -> sled::Db {
    let mut tries = 0;
    loop {
        match sled::open(path) {
            Ok(db) => return db,
            Err(_) if tries < 500 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(e) => panic!("cannot open {}: {e}", path.display()),
        }
    }
}

/// Copies a directory tree (a data directory, a fixture) file by file.
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A planned appointment of Sanne's with `p`, `days` from today at `hour`:00.
pub fn appointment(p: ParticipantId, days: i64, hour: u32, place: &str) -> meedoen::domain::contact::Appointment {
    meedoen::domain::contact::Appointment {
        id: meedoen::domain::contact::RecordId::new_random(),
        participant: p,
        at: (today() + chrono::Duration::days(days)).and_hms_opt(hour, 0, 0).unwrap(),
        place: place.into(),
        note: String::new(),
        coach: "Sanne".into(),
        created_at: now(),
        state: meedoen::domain::appointment::AppointmentState::Planned,
        history: Vec::new(),
    }
}

/// A phone call of 45 minutes with `p` six days ago at 9:00 ("Over de schulden"), by Sanne.
pub fn phone_call(p: ParticipantId) -> meedoen::domain::contact::Contact {
    use meedoen::domain::contact::{Channel, Contact, Initiative, Reached, RecordId};
    Contact {
        id: RecordId::new_random(),
        participant: p,
        at: (today() - chrono::Duration::days(6)).and_hms_opt(9, 0, 0).unwrap(),
        channel: Channel::Phone,
        initiative: Initiative::Coach,
        minutes: 45,
        reached: Reached::Made,
        life_areas: Vec::new(),
        summary: "Over de schulden".into(),
        coach: "Sanne".into(),
        created_at: now(),
        withdrawn: false,
        history: Vec::new(),
    }
}
