//! Old data keeps working: small stores written by earlier versions of meedoen are committed
//! under tests/fixtures and opened here with the current code. Every later change to a stored
//! type must keep these tests green (add a migration in the record's `migrate`, never edit a
//! fixture).
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::copy_dir;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str, tmp: &Path) -> PathBuf {
    let dir = tmp.join(name);
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name), &dir);
    std::fs::create_dir_all(dir.join("db/blobs")).unwrap();
    dir
}

/// Runs meedoen on `dir` with the fixtures' passphrase.
fn meedoen(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_meedoen"))
        .arg("--data-dir")
        .arg(dir)
        .env("MEEDOEN_STATE_DIR", dir.with_extension("state"))
        .args(args)
        .env("MEEDOEN_PASSPHRASE", "oude gegevens blijven werken")
        .output()
        .unwrap()
}

fn export(dir: &Path) -> serde_json::Value {
    let out = meedoen(dir, &["export", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Conversations saved before corrections existed (schema 1) read with their scores, with no
/// history and not withdrawn.
fn uncorrected(v: &serde_json::Value) {
    let all = v["assessments"].as_array().unwrap();
    assert!(!all.is_empty());
    assert!(all.iter().all(|a| a["corrections"] == serde_json::json!([]) && a["withdrawn_on"].is_null()));
    assert!(all.iter().any(|a| a["dimensions"][0]["aspects"].as_array().unwrap().iter().any(|x| x["score"].is_u64())));
}

/// Written by the foundation-era binary (no encryption yet):
/// `meedoen --data-dir D demo --participants 12 --seed 7` on 24-11-2026.
#[test]
fn a_store_from_the_first_version_opens_with_all_its_records() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture("store-v1-plain", tmp.path());
    let v = export(&dir);
    let count = |k: &str| v[k].as_array().unwrap().len();
    assert_eq!(
        [count("participants"), count("assessments"), count("goals"), count("modules"), count("enrolments")],
        [12, 32, 29, 8, 9]
    );
    uncorrected(&v);
    assert_eq!([count("contacts"), count("appointments"), count("signals"), count("referrals")], [267, 7, 1, 5]);
    assert_eq!(count("trajectories"), 12);
    let first = &v["participants"][0];
    assert_eq!(
        (first["number"].as_str(), first["given_names"].as_str(), first["family_name"].as_str()),
        (Some("1001"), Some("Marieke"), Some("Leeuwen"))
    );
    assert_eq!(first["date_of_birth"], "1968-08-06");
    assert_eq!(first["address"]["postcode"], "7411 VJ");
    // Its records are older than the change log: `check` knows them (they get entries when next
    // written).
    let check = meedoen(&dir, &["check"]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    // Opening it a second time gives the same content (the first opening migrated it).
    let again = export(&dir);
    assert_eq!(v["participants"], again["participants"]);
    assert_eq!(v["contacts"], again["contacts"]);
}

/// Opens the encrypted fixture `name`, checks its record counts (participants, assessments,
/// goals, modules, enrolments, contacts, appointments, signals, referrals, trajectories), that
/// `check` finds it in order and that a second opening gives the same content; its export.
fn opens_with_counts(name: &str, counts: [usize; 10]) -> serde_json::Value {
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture(name, tmp.path());
    let v = export(&dir);
    let kinds = [
        "participants",
        "assessments",
        "goals",
        "modules",
        "enrolments",
        "contacts",
        "appointments",
        "signals",
        "referrals",
        "trajectories",
    ];
    assert_eq!(kinds.map(|k| v[k].as_array().unwrap().len()), counts, "{kinds:?}");
    let first = &v["participants"][0];
    assert_eq!(
        (first["number"].as_str(), first["given_names"].as_str(), first["family_name"].as_str()),
        (Some("1001"), Some("Marieke"), Some("Leeuwen"))
    );
    uncorrected(&v);
    let check = meedoen(&dir, &["check"]);
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let again = export(&dir);
    assert_eq!(v["participants"], again["participants"]);
    assert_eq!(v["contacts"], again["contacts"]);
    v
}

/// Written by the first encrypted version (store version 1: one participant key per entry),
/// the binary of commit ea96ca5: `meedoen --data-dir D init`, then
/// `meedoen --data-dir D demo --participants 12 --seed 7` on 01-12-2026, passphrase as above.
/// The first opening moves the keys into chunks; every record still reads, also later.
#[test]
fn an_encrypted_store_from_before_the_key_chunks_opens_with_all_its_records() {
    opens_with_counts("store-v1-encrypted", [12, 33, 20, 8, 7, 259, 5, 1, 2, 12]);
}

/// Written by store version 2 (participant keys 64 to an entry), the binary of commit 127fe66:
/// `init` and `demo --participants 12 --seed 7` as above, then in the UI on 01-12-2026 consent
/// "Registratie in meedoen" given for 1011 (Hoa Nguyen) and 1012 (Minh Pham) erased, which left a
/// destroyed key inside a chunk.
#[test]
fn an_encrypted_store_with_key_chunks_and_an_erased_person_opens_with_all_its_records() {
    let v = opens_with_counts("store-v2-encrypted", [11, 32, 19, 8, 6, 254, 4, 1, 2, 11]);
    let people = v["participants"].as_array().unwrap();
    assert!(
        people.iter().all(|p| p["number"] != "1012" && p["family_name"] != "Pham"),
        "the erased person stays erased"
    );
    assert_eq!(v["erasures"].as_array().unwrap().len(), 1);
    assert_eq!(
        (v["erasures"][0]["erased_on"].as_str(), v["erasures"][0]["coach"].as_str()),
        (Some("2026-12-01"), Some("Sanne de Vries"))
    );
    let consent = &v["consents"][0];
    assert_eq!((consent["scope"].as_str(), consent["given_on"].as_str()), (Some("registration"), Some("2026-12-01")));
    assert_eq!(v["access_log"].as_array().unwrap().len(), 2, "the opening and the consent of Hoa Nguyen");
}

/// Keys from before the coach tags (key chunks of schema 1) carry no tag: the start screen is then
/// drawn from the whole caseload, and the first full read tags every key (chunks of schema 2,
/// the destroyed key of the erased person kept as destroyed), which a reopening keeps.
#[test]
fn keys_from_before_the_coach_tags_are_tagged_after_the_first_full_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture("store-v2-encrypted", tmp.path());
    let coach = "Sanne de Vries";
    let expected = {
        let store = meedoen::store::Store::open(&dir, "oude gegevens blijven werken").unwrap();
        assert!(store.own_participants(coach).unwrap().is_none(), "untagged keys cannot tell");
        let people = store.participants().unwrap();
        assert_eq!(store.tag_coaches(&people).unwrap(), 11, "every key of the eleven is tagged");
        let mut open: Vec<_> = people
            .iter()
            .filter(|p| p.status.is_open() && meedoen::domain::same_coach(&p.coach, coach))
            .map(|p| p.id)
            .collect();
        open.sort();
        assert!(!open.is_empty());
        open
    };
    let store = meedoen::store::Store::open(&dir, "oude gegevens blijven werken").unwrap();
    let own = store.own_participants(coach).unwrap().expect("tagged now");
    let mut got: Vec<_> = own.open.iter().map(|p| p.id).collect();
    got.sort();
    assert_eq!(got, expected);
    assert_eq!(store.participants().unwrap().len(), 11);
    assert_eq!(store.tag_coaches(&store.participants().unwrap()).unwrap(), 0, "nothing left to tag");
}

/// Written by the version with coach tags (store version 2, key chunks of schema 2), the binary
/// of commit 3c6b059: `init` and `demo --participants 12 --seed 7` as above on 02-12-2026. Its
/// tags tell the main coach's three open participants without a full read.
#[test]
fn a_store_with_coach_tags_opens_with_all_its_records_and_its_tags() {
    opens_with_counts("store-v2-coach-tags", [12, 33, 20, 8, 7, 259, 5, 1, 2, 12]);
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture("store-v2-coach-tags", tmp.path());
    let store = meedoen::store::Store::open(&dir, "oude gegevens blijven werken").unwrap();
    let own = store.own_participants("Sanne de Vries").unwrap().expect("tagged");
    let mut names: Vec<String> = own.open.iter().map(|p| p.family_name.clone()).collect();
    names.sort();
    let people = store.participants().unwrap();
    let mut expected: Vec<String> = people
        .iter()
        .filter(|p| p.status.is_open() && p.coach == "Sanne de Vries")
        .map(|p| p.family_name.clone())
        .collect();
    expected.sort();
    assert_eq!((names.len(), &names), (3, &expected));
    assert_eq!(own.closed.len(), people.iter().filter(|p| !p.status.is_open() && p.coach == "Sanne de Vries").count());
    assert_eq!(store.tag_coaches(&people).unwrap(), 0, "every tag was right");
}

/// Written by the code before typed forms (commit 5e9ff86, Draft schema 1: the form by name and
/// the edited record's id bytes), with /tmp-only example code using its library on 06-12-2026:
/// Fatma Öztürk with a signal and a goal, and drafts of an intake, her details, a contact, a
/// change to her signal, a change to her goal, a new module, a closure day, and of a form this
/// version does not know ("matrix"). Each draft migrates to its kind, comes back with what was
/// typed and saves as what it is; the unknown one is thrown away.
#[test]
fn first_schema_drafts_migrate_resume_and_save() {
    use meedoen::domain::form_kind::FormKind;
    use meedoen::i18n::{Lang, Strings};
    use meedoen::store::{DraftKind, Store};
    use meedoen::ui::app::{App, Popup, Screen};
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture("store-v2-form-drafts", tmp.path());
    let check = meedoen(&dir, &["check"]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    let store = Store::open(&dir, "oude gegevens blijven werken").unwrap();
    let fatma = store.participants().unwrap().into_iter().find(|p| p.family_name == "Öztürk").unwrap();
    let (signal, goal) = (store.signals_of(fatma.id).unwrap()[0].id, store.goals_of(fatma.id).unwrap()[0].id);
    let p = fatma.id;
    let kinds: Vec<DraftKind> = store.drafts().unwrap().into_iter().map(|(_, d)| d.kind).collect();
    let mut expected = vec![
        DraftKind::Form(FormKind::Closure),
        DraftKind::Form(FormKind::Contact(p)),
        DraftKind::Form(FormKind::Goal { participant: p, goal: Some(goal) }),
        DraftKind::Form(FormKind::Intake),
        DraftKind::Unknown("matrix".into()),
        DraftKind::Form(FormKind::Module(None)),
        DraftKind::Form(FormKind::EditParticipant(p)),
        DraftKind::Form(FormKind::Signal { participant: p, signal: Some(signal) }),
    ];
    assert_eq!(kinds, expected);

    // Accepting every offer in turn (a restart after each save) opens each form with what was
    // typed; saving it writes what it is.
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let clock = || chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 7, 9, 0, 0).unwrap();
    let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
    let mut store = Some(store);
    for _ in 0..20 {
        let s = store.take().unwrap();
        let theme = meedoen::ui::theme::Theme { color: false };
        let mut app = App::new(s, Strings::new(Lang::Nl), theme, "Sanne".into(), today, Box::new(clock)).unwrap();
        while matches!(app.popup(), Some(Popup::DraftOffer { .. })) {
            app.handle_key(key(KeyCode::Enter));
            if let Screen::Form(f) = app.screen() {
                let typed = ["summary", "note", "text", "family_name", "name", "reason", "notes"]
                    .iter()
                    .map(|k| f.form.value(k))
                    .find(|v| !v.is_empty());
                assert!(typed.is_some(), "{:?} came back empty", f.form.kind);
                expected.retain(|k| *k != DraftKind::Form(f.form.kind));
                app.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
                assert!(!matches!(app.screen(), Screen::Form(_)), "not saved: {:?}", app.flash);
                break;
            }
        }
        let done = app.popup().is_none() && app.store.drafts().unwrap().is_empty();
        store = Some(app.into_store());
        if done {
            break;
        }
    }
    assert_eq!(expected, vec![DraftKind::Unknown("matrix".into())], "every known draft resumed");
    let store = store.unwrap();
    assert!(store.drafts().unwrap().is_empty());
    assert!(store.contacts_of(p).unwrap().iter().any(|c| c.summary == "Samen koffie gedronken"));
    let signals = store.signals_of(p).unwrap();
    assert_eq!((signals.len(), signals[0].note.as_str()), (1, "Tweede melding"), "changed in place");
    let goals = store.goals_of(p).unwrap();
    assert_eq!((goals.len(), goals[0].text.as_str()), (1, "Elke dag een uur wandelen"));
    assert!(store.modules().unwrap().iter().any(|m| m.name == "Computerles"));
    assert!(store.closures().unwrap().iter().any(|c| c.reason == "Teamdag"));
    let people = store.participants().unwrap();
    assert!(people.iter().any(|x| x.family_name == "Draftsma"));
    assert_eq!(people.iter().find(|x| x.id == p).unwrap().notes, "Wil graag fietsen");
}

/// Participant key ids as stored in the caseload `dir` (read from a copy of its database): per
/// entry of the `keys` tree, the ids it holds and whether each key is destroyed.
fn stored_key_ids(dir: &Path, tmp: &Path) -> Vec<(Vec<u8>, u32, bool)> {
    let copy = tmp.join("db-copy");
    let _ = std::fs::remove_dir_all(&copy);
    copy_dir(&dir.join("db"), &copy);
    let db = sled::open(&copy).unwrap();
    let mut out = Vec::new();
    for item in db.open_tree("keys").unwrap().iter() {
        let (k, v) = item.unwrap();
        let chunk: meedoen::store::crypto::KeyChunk = meedoen::store::codec::decode_plain(&v).unwrap();
        out.extend(chunk.keys.into_iter().map(|(id, w)| (k.to_vec(), id, w.is_none())));
    }
    out
}

/// The key id the participant record of `p` is sealed under.
fn record_key_id(dir: &Path, tmp: &Path, p: meedoen::domain::ParticipantId) -> u32 {
    let copy = tmp.join("db-copy-records");
    let _ = std::fs::remove_dir_all(&copy);
    copy_dir(&dir.join("db"), &copy);
    let db = sled::open(&copy).unwrap();
    let v = db.open_tree("participants").unwrap().get(p.as_bytes()).unwrap().unwrap();
    meedoen::store::codec::header(&v).unwrap().key_id
}

/// A copy of a caseload whose keys came from the counter of earlier versions (store version 2,
/// with a destroyed key) takes new people under random key ids beside the old ones: everything
/// reads after reopening, and erasure (of an old and a new person), backup cleaning, restore
/// and `check` handle both kinds of id.
#[test]
fn people_added_to_an_old_caseload_get_random_key_ids_and_everything_keeps_working() {
    use meedoen::domain::contact::{Channel, Contact, Initiative, Reached, RecordId};
    use meedoen::domain::{Participant, ParticipantId};
    use meedoen::store::{Backup, Store};
    const PASS: &str = "oude gegevens blijven werken";
    const RANDOM_FROM: u32 = meedoen::store::crypto::FIRST_RANDOM_KEY_ID;

    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture("store-v2-encrypted", tmp.path());
    let old_ids = stored_key_ids(&dir, tmp.path());
    assert_eq!(old_ids.len(), 12);
    assert!(old_ids.iter().all(|(k, id, _)| k[0] == b'c' && *id < 100), "counter ids: {old_ids:?}");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let now = chrono::Utc::now();
    let backup_file = tmp.path().join("voor-het-wissen.backup");
    let (kept, erased_new, erased_old) = {
        let store = Store::open(&dir, PASS).unwrap();
        let mut added = Vec::new();
        for name in ["Bakker", "Yılmaz"] {
            let mut p = Participant::new(ParticipantId::new_random(), 0, now);
            p.family_name = name.into();
            let p = store.add_participant(p).unwrap();
            store
                .save_contact(&Contact {
                    id: RecordId::new_random(),
                    participant: p.id,
                    at: now.naive_utc(),
                    channel: Channel::Phone,
                    initiative: Initiative::Coach,
                    minutes: 15,
                    reached: Reached::Made,
                    life_areas: Vec::new(),
                    summary: format!("Kennismaking met {name}"),
                    coach: "Sanne de Vries".into(),
                    created_at: now,
                    withdrawn: false,
                    history: Vec::new(),
                })
                .unwrap();
            added.push(p);
        }
        store.write_backup(&backup_file).unwrap();
        let old = store.participants().unwrap().into_iter().find(|p| p.family_name == "Leeuwen").unwrap();
        store.erase(added[1].id, "Sanne de Vries", today).unwrap();
        store.erase(old.id, "Sanne de Vries", today).unwrap();
        assert_eq!(store.check().unwrap(), Vec::<String>::new());
        (added[0].clone(), added[1].id, old.id)
    };

    // On disk: the old ids in their chunks, the new ones random in chunks of their own.
    let ids = stored_key_ids(&dir, tmp.path());
    let kept_id = record_key_id(&dir, tmp.path(), kept.id);
    assert!(kept_id >= RANDOM_FROM, "{kept_id}");
    let new: Vec<_> = ids.iter().filter(|(_, id, _)| *id >= RANDOM_FROM).collect();
    assert_eq!(new.len(), 2, "the kept and the erased new person: {ids:?}");
    assert!(new.iter().all(|(k, id, _)| k[0] == b'r' && k[4] == id.to_be_bytes()[0]));
    assert!(new.iter().any(|(_, id, destroyed)| *id == kept_id && !destroyed));
    assert_eq!(ids.iter().filter(|(_, _, destroyed)| *destroyed).count(), 3, "1012, Leeuwen and the new one");
    assert!(ids.iter().filter(|(_, id, _)| *id < RANDOM_FROM).all(|(k, _, _)| k[0] == b'c'));

    // Everything reads after reopening, through the binary too.
    let check = meedoen(&dir, &["check"]);
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let store = Store::open(&dir, PASS).unwrap();
    let people = store.participants().unwrap();
    assert_eq!(people.len(), 11, "11 + 2 new - 2 erased");
    assert!(people.iter().all(|p| p.id != erased_new && p.id != erased_old));
    assert_eq!(store.contacts_of(kept.id).unwrap()[0].summary, "Kennismaking met Bakker");
    let contacts: usize = people.iter().map(|p| store.contacts_of(p.id).unwrap().len()).sum();
    assert!(contacts > 200, "{contacts}");
    drop(store);

    // The backup written before the erasures was cleaned of both: it restores without them.
    let backup = Backup::read(&backup_file).unwrap();
    let restored = tmp.path().join("hersteld");
    Store::restore(&backup, &backup.unlock(PASS).unwrap(), &restored).unwrap();
    let store = Store::open(&restored, PASS).unwrap();
    let people = store.participants().unwrap();
    assert_eq!(people.len(), 11);
    assert!(people.iter().all(|p| p.id != erased_new && p.id != erased_old));
    assert_eq!(store.contacts_of(kept.id).unwrap().len(), 1);
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
}

/// Written by the build before one record per fact (commit fd2acad, store version 3):
/// `init` and `demo --participants 12 --seed 7` on 07-12-2026, then through that build's
/// library more status changes for six people (up to four each) and marks of four or five
/// people at six sessions. Beside it, what that build read from it: every mark and status
/// history (`store-v3-before-marks.facts.txt`), and its export's trajectories and attendance
/// (`store-v3-before-marks.export.json`). The first opening splits the attendance lists and
/// the trajectories' histories into one record per fact, with change-log entries; the same
/// marks and histories read after it, in the library and in the export.
#[test]
fn a_store_from_before_one_record_per_fact_is_split_and_reads_the_same() {
    use meedoen::store::{Kind, Store};
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let expected: Vec<String> = std::fs::read_to_string(fixtures.join("store-v3-before-marks.facts.txt"))
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let facts = |store: &Store| {
        let mut lines = Vec::new();
        for a in store.attendance().unwrap() {
            for (p, m) in &a.marks {
                lines.push(format!("mark {} {} {} {}", a.module.0, a.date, p.0, m.code()));
            }
        }
        for t in store.trajectories().unwrap() {
            for (i, c) in t.history.iter().enumerate() {
                let (coach, reason) = (c.coach.replace(' ', "_"), c.reason.replace(' ', "_"));
                let (from, to) = (c.from.code(), c.to.code());
                lines.push(format!("status {} {i} {} {from} {to} {coach} {reason}", t.participant.0, c.date));
            }
        }
        lines.sort();
        lines
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture("store-v3-before-marks", tmp.path());
    let store = Store::open(&dir, "oude gegevens blijven werken").unwrap();
    assert_eq!(facts(&store), expected);
    let (marks, changes) = (expected.iter().filter(|l| l.starts_with("mark ")).count(), 32);
    assert_eq!(marks, 48);
    // The split is in the change log: every old list deleted, every mark, status change and
    // rewritten head written.
    let log = store.changes().unwrap();
    let of = |k: Kind| log.iter().filter(move |c| c.kind == k as u8);
    let lists: std::collections::HashSet<&[u8]> = of(Kind::Attendance).map(|c| c.record.as_slice()).collect();
    let deleted: std::collections::HashSet<&[u8]> =
        of(Kind::Attendance).filter(|c| c.tombstone).map(|c| c.record.as_slice()).collect();
    assert!(!lists.is_empty());
    assert_eq!(lists, deleted, "every old attendance list is gone");
    assert_eq!(of(Kind::AttendanceMark).filter(|c| !c.tombstone).count(), marks);
    assert_eq!(of(Kind::StatusChange).filter(|c| !c.tombstone).count(), changes);
    let split = log.iter().position(|c| c.kind == Kind::AttendanceMark as u8).unwrap();
    let heads: std::collections::HashSet<&[u8]> =
        log[split..].iter().filter(|c| c.kind == Kind::Trajectory as u8).map(|c| c.record.as_slice()).collect();
    assert_eq!(heads.len(), 12, "every head rewritten with the split");
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
    let n = log.len();
    drop(store);
    // A second opening finds it split.
    let store = Store::open(&dir, "oude gegevens blijven werken").unwrap();
    assert_eq!(store.changes().unwrap().len(), n);
    assert_eq!(facts(&store), expected);
    drop(store);
    // The program reads the same: counts, `check`, and the export's trajectories and attendance.
    let v = opens_with_counts("store-v3-before-marks", [12, 33, 20, 8, 7, 259, 5, 1, 2, 12]);
    let old: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixtures.join("store-v3-before-marks.export.json")).unwrap())
            .unwrap();
    // (The export has more fields since, each record's coach and times and the ESF+ answers:
    // what the old export held reads the same.)
    assert_eq!(shaped_like(&v["trajectories"], &old["trajectories"]), old["trajectories"]);
    let mut attendance: Vec<serde_json::Value> = v["enrolments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| serde_json::json!({"enrolment_id": e["enrolment_id"], "attendance": e["attendance"]}))
        .collect();
    attendance.sort_by_key(|x| x["enrolment_id"].as_str().unwrap_or_default().to_string());
    assert_eq!(serde_json::Value::Array(attendance), old["attendance"]);
}

/// `new` with only the fields `shape` has (recursively): an export compared with one written
/// before fields were added to it.
fn shaped_like(new: &serde_json::Value, shape: &serde_json::Value) -> serde_json::Value {
    match (new, shape) {
        (serde_json::Value::Object(n), serde_json::Value::Object(s)) => serde_json::Value::Object(
            s.iter()
                .map(|(k, sv)| (k.clone(), n.get(k).map_or(serde_json::Value::Null, |nv| shaped_like(nv, sv))))
                .collect(),
        ),
        (serde_json::Value::Array(n), serde_json::Value::Array(s)) => serde_json::Value::Array(
            n.iter()
                .zip(s.iter().chain(std::iter::repeat(&serde_json::Value::Null)))
                .map(|(nv, sv)| if sv.is_null() { nv.clone() } else { shaped_like(nv, sv) })
                .collect(),
        ),
        _ => new.clone(),
    }
}
