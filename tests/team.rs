#![allow(clippy::unwrap_used, clippy::panic)]
//! Two coaches, each with their own data directory, share one caseload through a team server on
//! a real PostgreSQL: the real `meedoen` and `meedoen-server` programs, as IT and the coaches
//! run them (`meedoen server create-team`, `meedoen team join`, `team invite`, `sync`).

mod common;

use chrono::Utc;
use common::team::{Coach, Server, free_port, last_line};

const PASSPHRASE: &str = "een lange teamzin voor de test";

/// The records a coach sees, without what differs per replica by nature (the access log:
/// each coach's own reading of files).
fn shared(export: &serde_json::Value) -> serde_json::Value {
    let mut e = export.clone();
    let obj = e.as_object_mut().unwrap();
    obj.remove("exported_at");
    obj.remove("access_log");
    e
}

#[test]
fn two_coaches_share_a_caseload_through_the_server_and_the_database_holds_nothing_readable() {
    let Some(pg) = common::pg::start() else { return };
    let port = free_port();
    let server = Server::start_on(&pg.url, port);
    let root = tempfile::tempdir().unwrap();
    let (anna, bram) = (Coach::new(root.path(), "anna", PASSPHRASE), Coach::new(root.path(), "bram", PASSPHRASE));

    // IT creates the team; Anna brings her caseload into it.
    let out = anna.ok(&["server", "create-team", "--database", &pg.url, "Team Noord"]);
    let first = last_line(&out);
    anna.ok(&["init"]);
    anna.ok(&["demo", "--participants", "25"]);
    let joined = anna.ok(&["team", "join", "--server", &server.base, "--code", &first]);
    assert!(joined.contains("verstuurd"), "{joined}");

    // The same code again is refused.
    let again =
        Coach::new(root.path(), "eve", PASSPHRASE).run(&["team", "join", "--server", &server.base, "--code", &first]);
    assert_eq!(again.status.code(), Some(1), "{}", String::from_utf8_lossy(&again.stderr));
    assert!(String::from_utf8_lossy(&again.stderr).contains("al gebruikt"));

    // Anna invites Bram, who starts with an empty computer and gets the whole caseload.
    let code = last_line(&anna.ok(&["team", "invite", "Bram"]));
    bram.ok(&["team", "join", "--server", &server.base, "--code", &code]);
    assert_eq!(shared(&bram.export()), shared(&anna.export()), "Bram's replica is Anna's caseload");

    // Bram changes a file and adds a contact; Anna's next sync brings them.
    let (number, id) = {
        let store = bram.store();
        let mut p = store.participant_by_number(1010).unwrap();
        p.notes = "Wil graag bij de voedselbank helpen".into();
        store.update_participant(&p).unwrap();
        (p.number, p.id)
    };
    // (Each export above wrote an access-log entry per person: those go along too.)
    let sent = bram.ok(&["sync"]);
    assert!(sent.contains("26 wijzigingen verstuurd"), "{sent}");
    // (Two more came up at Bram's join: his name as a team member, from his invite, and the
    // block of participant numbers his laptop claimed ahead.)
    let got = anna.ok(&["sync"]);
    assert!(got.contains("28 ontvangen"), "{got}");
    assert!(!got.contains("elders later"), "{got}");
    assert_eq!(anna.store().participant_by_number(number).unwrap().notes, "Wil graag bij de voedselbank helpen");
    let check = anna.ok(&["check"]);
    assert!(!check.contains("change log:"), "{check}");

    // Anna erases the person; Bram's replica loses them at his next sync.
    anna.store().erase(id, "Anna", Utc::now().date_naive()).unwrap();
    let erased = anna.ok(&["sync"]);
    let got = bram.ok(&["sync"]);
    assert!(got.contains("gewist"), "Anna: {erased}\nBram: {got}");
    assert!(bram.store().participant(id).unwrap().is_none());

    // Nothing a coach typed is readable in the database.
    let export = anna.export();
    let dump = pg.dump();
    let mut secrets: Vec<String> = Vec::new();
    for p in export["participants"].as_array().unwrap() {
        for field in ["given_names", "family_name", "phone", "notes"] {
            secrets.push(p[field].as_str().unwrap_or("").to_string());
        }
        secrets.push(p["address"]["street"].as_str().unwrap_or("").to_string());
    }
    for c in export["contacts"].as_array().unwrap() {
        secrets.push(c["summary"].as_str().unwrap_or("").to_string());
    }
    secrets.retain(|s| s.chars().count() >= 4);
    assert!(secrets.len() > 50, "{} strings to look for", secrets.len());
    let found: Vec<&String> = secrets.iter().filter(|s| dump.contains(s.as_str())).collect();
    assert!(found.is_empty(), "readable in pg_dump: {found:?}");

    // The server gone: sync says so with exit code 6, and keeps the change for later.
    drop(server);
    {
        let store = bram.store();
        let mut p = store.participant_by_number(1011).unwrap();
        p.notes = "Offline gewijzigd".into();
        store.update_participant(&p).unwrap();
    }
    let offline = bram.run(&["sync"]);
    assert_eq!(offline.status.code(), Some(6), "{}", String::from_utf8_lossy(&offline.stderr));
    let server = Server::start_on(&pg.url, port);
    let _ = &server;
    let sent = bram.ok(&["sync"]);
    assert!(sent.contains("1 wijzigingen verstuurd"), "{sent}");
    let got = anna.ok(&["sync"]);
    assert!(got.contains("1 ontvangen"), "{got}");
}

/// A change saved on one computer shows on a colleague's running meedoen within seconds,
/// without a key press: Bram has the search screen open when Anna registers someone.
#[test]
fn a_change_shows_on_a_colleagues_running_screen_without_a_key_press() {
    let Some(pg) = common::pg::start() else { return };
    let port = free_port();
    let server = Server::start_on(&pg.url, port);
    let root = tempfile::tempdir().unwrap();
    let (anna, bram) = (Coach::new(root.path(), "anna", PASSPHRASE), Coach::new(root.path(), "bram", PASSPHRASE));
    let first = last_line(&anna.ok(&["server", "create-team", "--database", &pg.url, "Team Zuid"]));
    anna.ok(&["init"]);
    anna.ok(&["demo", "--participants", "12"]);
    anna.ok(&["team", "join", "--server", &server.base, "--code", &first]);
    let code = last_line(&anna.ok(&["team", "invite", "Bram"]));
    bram.ok(&["team", "join", "--server", &server.base, "--code", &code]);

    let mut screen = common::pty::Session::start_with(&bram.data, &[], Some(PASSPHRASE));
    screen.wait_for("bijgewerkt");
    screen.keys("/");
    screen.keys("Zonnev");
    screen.wait_for("0 gevonden");
    {
        let store = anna.store();
        let mut p = meedoen::domain::Participant::new(meedoen::domain::ParticipantId::new_random(), 0, Utc::now());
        p.given_names = "Kees".into();
        p.family_name = "Zonneveld".into();
        store.add_participant(p).unwrap();
    }
    let saved = std::time::Instant::now();
    anna.ok(&["sync"]);
    screen.wait_for("Zonneveld, Kees");
    eprintln!("visible on the colleague's screen {:?} after the save", saved.elapsed());
    screen.keys("\x1b");
    screen.keys("q");
}

/// Anna and Bram change the same person's phone number while apart (neither synced in
/// between), and Anna also the notes. After both synced, the notes are Anna's (changed on one
/// side only), the phone number is the later edit (Bram's) on both computers, and both start
/// screens say a conflict waits. Bram opens it, sees both numbers with who typed them, and takes
/// Anna's: after the next sync Anna has her number back and the conflict is settled for her too.
#[test]
fn the_same_field_changed_apart_shows_as_a_conflict_on_both_screens_and_the_other_value_can_be_taken() {
    let Some(pg) = common::pg::start() else { return };
    let server = Server::start_on(&pg.url, free_port());
    let root = tempfile::tempdir().unwrap();
    let (anna, bram) = (Coach::new(root.path(), "anna", PASSPHRASE), Coach::new(root.path(), "bram", PASSPHRASE));
    let first = last_line(&anna.ok(&["server", "create-team", "--database", &pg.url, "Team West"]));
    anna.ok(&["init"]);
    anna.ok(&["demo", "--participants", "8"]);
    anna.ok(&["settings", "--set-coach", "Anna de Boer"]);
    anna.ok(&["team", "join", "--server", &server.base, "--code", &first]);
    let code = last_line(&anna.ok(&["team", "invite", "Bram Smit"]));
    bram.ok(&["team", "join", "--server", &server.base, "--code", &code]);
    bram.ok(&["sync"]);
    anna.ok(&["sync"]);

    let id = {
        let store = anna.store();
        let mut p = store.participant_by_number(1005).unwrap();
        p.phone = "06-11112222".into();
        p.notes = "Belt zelf terug na de vakantie".into();
        store.update_participant(&p).unwrap();
        p.id
    };
    std::thread::sleep(std::time::Duration::from_millis(20));
    {
        let store = bram.store();
        let mut p = store.participant(id).unwrap().unwrap();
        p.phone = "06-33334444".into();
        store.update_participant(&p).unwrap();
    }
    anna.ok(&["sync"]);
    let told = bram.ok(&["sync"]);
    assert!(told.contains("1 conflicten om na te kijken"), "{told}");
    let told = anna.ok(&["sync"]);
    assert!(told.contains("1 conflicten om na te kijken"), "{told}");
    for coach in [&anna, &bram] {
        let p = coach.store().participant(id).unwrap().unwrap();
        assert_eq!((p.phone.as_str(), p.notes.as_str()), ("06-33334444", "Belt zelf terug na de vakantie"));
    }

    // Both start screens say so.
    let mut screen = common::pty::Session::start_with(&anna.data, &["--coach", "Anna de Boer"], Some(PASSPHRASE));
    screen.wait_for("Conflicten: 1 om na te kijken");
    screen.keys("q");
    screen.wait_exit();
    // Bram types another name at start: in the team he is who his invite says (the access log
    // and the conflict record that name).
    let mut screen = common::pty::Session::start_with(&bram.data, &["--coach", "B. Smit-Jansen"], Some(PASSPHRASE));
    screen.wait_for("Conflicten: 1 om na te kijken");
    screen.keys("c");
    for text in ["Telefoon: 06-33334444", "Bram Smit", "anders: 06-11112222", "Anna de Boer", "na te kijken"] {
        screen.wait_for(text);
    }
    screen.keys("a");
    screen.wait_for("de andere waarde staat er nu");
    screen.wait_for("afgehandeld door Bram Smit op");
    screen.wait_for("andere waarde genomen");
    screen.keys("\x1b");
    screen.keys("q");
    screen.wait_exit();
    assert_eq!(bram.store().participant(id).unwrap().unwrap().phone, "06-11112222");

    bram.ok(&["sync"]);
    let got = anna.ok(&["sync"]);
    assert!(!got.contains("conflicten"), "{got}");
    let store = anna.store();
    assert_eq!(store.participant(id).unwrap().unwrap().phone, "06-11112222");
    let settled = store.conflicts().unwrap();
    assert_eq!(settled.len(), 1);
    assert_eq!(settled[0].resolved.as_ref().map(|r| (r.by.as_str(), r.took_other)), Some(("Bram Smit", true)));
    // The conflict is part of what is held about the person (a request of access shows it).
    drop(store);
    let out = root.path().join("inzage");
    anna.ok(&["export", "--participant", "1005", "--out", out.to_str().unwrap()]);
    let held: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.with_extension("json")).unwrap()).unwrap();
    let rows = held["conflicts"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!((rows[0]["field"].as_str(), rows[0]["kept"].as_str()), (Some("phone"), Some("06-33334444")));
    assert_eq!((rows[0]["other"].as_str(), rows[0]["settled_by"].as_str()), (Some("06-11112222"), Some("Bram Smit")));
    let store = anna.store();
    // Bram's change of the file is in the person's access log, as every change is.
    let log = store.access_log_of(id).unwrap();
    assert!(
        log.iter().any(|e| e.coach == "Bram Smit" && matches!(&e.action, meedoen::domain::privacy::AccessAction::Changed(f) if f.iter().any(|f| f.field == "phone"))),
        "{log:?}"
    );
}

/// A module's last place: Bram enrolled his participant yesterday on his laptop (offline), Anna
/// hers today. When both have synced, both computers seat Bram's (the earlier enrolment), and
/// `meedoen sync` tells Anna that hers lost the place and waits in line.
#[test]
fn a_module_place_goes_to_the_earlier_enrolment_on_every_computer_and_the_loser_is_told() {
    use meedoen::domain::module::{Enrolment, EnrolmentId, Module, ModuleId, Recurrence};
    let Some(pg) = common::pg::start() else { return };
    let server = Server::start_on(&pg.url, free_port());
    let root = tempfile::tempdir().unwrap();
    let (anna, bram) = (Coach::new(root.path(), "anna", PASSPHRASE), Coach::new(root.path(), "bram", PASSPHRASE));
    let first = last_line(&anna.ok(&["server", "create-team", "--database", &pg.url, "Team Oost"]));
    anna.ok(&["init"]);
    anna.ok(&["demo", "--participants", "4"]);
    let today = chrono::Local::now().date_naive();
    let module = Module {
        id: ModuleId(uuid::Uuid::new_v4()),
        name: "Fietsles voor één".into(),
        description: String::new(),
        provider: String::new(),
        location: "Buurthuis".into(),
        facilitator: String::new(),
        topics: vec!["Op de fiets".into(), "Verkeer".into()],
        first: today + chrono::Duration::days(7),
        start_minute: 600,
        duration_minutes: 60,
        recurrence: Recurrence::Weekly,
        end: None,
        capacity: 1,
        cancelled: Vec::new(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
    };
    let people: Vec<meedoen::domain::ParticipantId> = {
        let store = anna.store();
        store.save_module(&module).unwrap();
        store.participants().unwrap().iter().map(|p| p.id).collect()
    };
    anna.ok(&["team", "join", "--server", &server.base, "--code", &first]);
    let code = last_line(&anna.ok(&["team", "invite", "Bram"]));
    bram.ok(&["team", "join", "--server", &server.base, "--code", &code]);

    let enrol = |who, on| Enrolment {
        id: EnrolmentId(uuid::Uuid::new_v4()),
        participant: who,
        module: module.id,
        enrolled_on: on,
        stopped_on: None,
        created_at: Utc::now(),
    };
    let bram_s = enrol(people[0], today - chrono::Duration::days(1));
    let anna_s = enrol(people[1], today);
    anna.store().save_enrolment(&anna_s).unwrap();
    bram.store().save_enrolment(&bram_s).unwrap();
    let a = anna.ok(&["sync"]);
    assert!(!a.contains("geen plaats meer"), "{a}");
    let b = bram.ok(&["sync"]);
    assert!(!b.contains("geen plaats meer"), "Bram's enrolment came first: {b}");
    let a = anna.ok(&["sync"]);
    let name = anna.store().participant(people[1]).unwrap().unwrap().listed_name();
    assert!(a.contains(&format!("{name} heeft geen plaats meer bij Fietsles voor één")), "{a}");
    // Both computers seat the same person.
    for coach in [&anna, &bram] {
        let data = meedoen::ui::modules_data::ModuleData::load(&coach.store()).unwrap();
        let s = data.schedule(&module, today);
        assert_eq!(s.rosters.values().next().unwrap(), &vec![bram_s.id]);
        assert_eq!(s.waitlist, vec![anna_s.id]);
    }
}

/// Bram has worked on his own with meedoen and has a caseload of his own when Anna invites him
/// into her team. Joining brings his caseload in whole: sealed again under the team's key and
/// uploaded, nothing lost. His people get the team's numbers (both caseloads numbered from 1001),
/// and the join prints each one's old and new number. Anna's next sync brings them all.
#[test]
fn a_colleague_with_a_caseload_of_their_own_brings_it_into_the_team_and_nothing_is_lost() {
    let Some(pg) = common::pg::start() else { return };
    let server = Server::start_on(&pg.url, free_port());
    let root = tempfile::tempdir().unwrap();
    let (anna, bram) =
        (Coach::new(root.path(), "anna", PASSPHRASE), Coach::new(root.path(), "bram", "Brams eigen zin"));
    let first = last_line(&anna.ok(&["server", "create-team", "--database", &pg.url, "Team Oost"]));
    anna.ok(&["init"]);
    anna.ok(&["demo", "--participants", "12"]);
    anna.ok(&["team", "join", "--server", &server.base, "--code", &first]);

    bram.ok(&["init"]);
    bram.ok(&["demo", "--participants", "7", "--seed", "2"]);
    let before = bram.export();
    let mine: Vec<serde_json::Value> = before["participants"].as_array().unwrap().clone();
    assert_eq!(mine.len(), 7);

    let code = last_line(&anna.ok(&["team", "invite", "Bram Smit"]));
    let joined = bram.ok(&["team", "join", "--server", &server.base, "--code", &code]);
    assert!(joined.contains("7 deelnemers van deze caseload krijgen een nummer van het team"), "{joined}");
    let after = bram.export();
    let people = after["participants"].as_array().unwrap();
    assert_eq!(people.len(), 19, "Anna's 12 and Bram's 7");
    let mut numbers: Vec<u64> = people.iter().map(|p| p["number"].as_str().unwrap().parse().unwrap()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), 19, "every number once: {numbers:?}");
    assert!(!numbers.contains(&0), "everyone numbered at the join's sync: {numbers:?}");
    // Each of Bram's people: the same file, a team number after Anna's, printed old → new.
    for old in &mine {
        let now = people.iter().find(|p| p["participant_id"] == old["participant_id"]).unwrap();
        for field in ["given_names", "family_name", "phone", "notes", "address"] {
            assert_eq!(now[field], old[field], "{field}");
        }
        let number = |p: &serde_json::Value| p["number"].as_str().unwrap().parse::<u64>().unwrap();
        let (was, is) = (number(old), number(now));
        assert!(is > 1012, "{is}");
        assert!(joined.contains(&format!("{was} → {is}")), "{joined}");
    }
    for section in ["contacts", "assessments", "goals"] {
        let (was, is) = (before[section].as_array().unwrap(), after[section].as_array().unwrap());
        assert!(was.iter().all(|r| is.contains(r)), "{section}: one of Bram's went missing");
    }
    // His passphrase opens it, not Anna's; the caseload checks clean.
    let check = bram.ok(&["check"]);
    assert!(!check.contains("change log:"), "{check}");

    // Anna's next sync brings Bram's people, with their new numbers.
    anna.ok(&["sync"]);
    bram.ok(&["sync"]);
    assert_eq!(shared(&anna.export())["participants"], shared(&bram.export())["participants"]);
    // A second join of the same caseload is refused; nothing changes.
    let again = bram.run(&["team", "join", "--server", &server.base, "--code", &code]);
    assert_eq!(again.status.code(), Some(2), "{}", String::from_utf8_lossy(&again.stderr));
}

/// A colleague joins a team with a long history and does not wait for all of it: the join takes
/// the people and their keys first and says so; Bram stops it there (here: the server goes down
/// at that moment and the join is killed). His meedoen opens on his own people at once, with
/// the rest of the files still to come, and fetches that rest in the background once the server
/// is back, without a key press.
#[test]
fn a_fresh_replica_shows_the_coachs_own_people_before_the_teams_history_has_arrived() {
    use std::io::BufRead;
    let Some(pg) = common::pg::start() else { return };
    let port = free_port();
    let server = Server::start_on(&pg.url, port);
    let root = tempfile::tempdir().unwrap();
    let (anna, bram) = (Coach::new(root.path(), "anna", PASSPHRASE), Coach::new(root.path(), "bram", PASSPHRASE));
    let first = last_line(&anna.ok(&["server", "create-team", "--database", &pg.url, "Team Midden"]));
    anna.ok(&["init"]);
    anna.ok(&["demo", "--participants", "600"]);
    anna.ok(&["team", "join", "--server", &server.base, "--code", &first]);
    // Bram is invited as the coach of some of the demo's people.
    let (name, own, people, contacts) = {
        let store = anna.store();
        let all = store.participants().unwrap();
        let name = all[0].coach.clone();
        let own = all.iter().filter(|p| p.coach == name && p.status.is_open()).count();
        (name, own, all.len(), store.contacts().unwrap().len())
    };
    assert!(own > 0 && contacts > 5_000, "{own} own people, {contacts} contacts");
    let code = last_line(&anna.ok(&["team", "invite", &name]));

    let mut join = std::process::Command::new(common::team::MEEDOEN)
        .arg("--data-dir")
        .arg(&bram.data)
        .args(["team", "join", "--server", &server.base, "--code", &code])
        .env("MEEDOEN_STATE_DIR", &bram.state)
        .env("MEEDOEN_PASSPHRASE", PASSPHRASE)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = String::new();
    for line in std::io::BufReader::new(join.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        said.push_str(&line);
        if line.contains("De deelnemers zijn binnen") {
            break;
        }
    }
    drop(server);
    let _ = join.kill();
    let _ = join.wait();
    assert!(said.contains(&format!("De deelnemers zijn binnen ({people})")), "{said}");
    {
        let store = bram.store();
        assert_eq!(store.participants().unwrap().len(), people);
        let got = store.contacts().unwrap().len();
        assert!(got < contacts, "the history was still to come: {got} of {contacts} contacts");
    }

    // The start screen: Bram's own people, while the history is not here.
    let mut screen = common::pty::Session::start_with(&bram.data, &[], Some(PASSPHRASE));
    screen.wait_for(&format!("Mijn ({name}): "));
    let counts: usize = screen
        .screen()
        .lines()
        .find(|l| l.contains(&format!("Mijn ({name}): ")))
        .unwrap()
        .split(" · ")
        .filter_map(|part| part.split_whitespace().rev().nth(1).and_then(|n| n.parse::<usize>().ok()))
        .sum();
    assert_eq!(counts, own, "{}", screen.screen());
    // The server is back: the rest comes in by itself.
    let server = Server::start_on(&pg.url, port);
    screen.wait_for("bijgewerkt");
    screen.keys("q");
    screen.wait_exit();
    drop(server);
    assert_eq!(bram.store().contacts().unwrap().len(), contacts);
}
