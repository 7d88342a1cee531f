//! The command line as a coach or an administrator uses it: the real binary, a fresh data
//! directory per test.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

const PASSPHRASE: &str = "een testwachtwoord";

fn meedoen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_meedoen"))
        .arg("--data-dir")
        .arg(dir)
        .env("MEEDOEN_STATE_DIR", dir.with_extension("state"))
        .args(args)
        .env_remove("MEEDOEN_DATA_DIR")
        .env_remove("MEEDOEN_COACH")
        .env("MEEDOEN_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn demo_then_export_gives_every_participant_with_iso_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let out = meedoen(&dir, &["demo", "--participants", "30", "--seed", "7"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let file = tmp.path().join("export.json");
    let out = meedoen(&dir, &["export", "--format", "json", "--out", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let people = v["participants"].as_array().unwrap();
    assert_eq!(people.len(), 30);
    for p in people {
        assert_eq!(p["participant_id"].as_str().unwrap().len(), 36);
        if let Some(d) = p["date_of_birth"].as_str() {
            assert!(chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok(), "{d}");
        }
        assert!(chrono::DateTime::parse_from_rfc3339(p["created_at"].as_str().unwrap()).is_ok());
    }
    // Demo data runs the default module catalogue with enrolments and attendance.
    assert_eq!(v["modules"].as_array().unwrap().len(), 8);
    let sessions = v["sessions"].as_array().unwrap();
    assert!(sessions.iter().any(|s| s["cancelled"] == true && s["topic_number"].is_null()));
    assert!(sessions.iter().all(|s| s["start_time"].as_str().unwrap().len() == 5));
    for e in v["enrolments"].as_array().unwrap() {
        assert!(["waiting", "active", "completed", "stopped"].contains(&e["status"].as_str().unwrap()));
        assert!(people.iter().any(|p| p["participant_id"] == e["participant_id"]));
    }
    // The same seed gives the same people.
    let dir2 = tmp.path().join("again");
    meedoen(&dir2, &["demo", "--participants", "30", "--seed", "7"]);
    let out2 = meedoen(&dir2, &["export", "--format", "json"]);
    let v2: serde_json::Value = serde_json::from_slice(&out2.stdout).unwrap();
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["participants"].as_array().unwrap().iter().map(|p| p["family_name"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(names(&v), names(&v2));
}

#[test]
fn demo_refuses_a_caseload_with_people_in_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    assert!(meedoen(&dir, &["demo", "--participants", "3"]).status.success());
    let out = meedoen(&dir, &["demo", "--participants", "3"]);
    assert_eq!(out.status.code(), Some(1));
    let msg = stderr(&out);
    assert!(msg.contains("bevat al 3 deelnemers"), "{msg}");
    assert_eq!(msg.trim().lines().count(), 1, "one sentence: {msg}");
}

#[test]
fn import_keeps_good_rows_and_names_the_bad_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let csv = tmp.path().join("aanmeldingen.csv");
    std::fs::write(
        &csv,
        "\u{feff}voornamen;tussenvoegsel;achternaam;geboortedatum;telefoon;kleur\n\
         Jan;van der;Berg;03-02-1970;0612345678;blauw\n\
         Emre;;Çelik;1-13-1985;;\n\
         Ayşe;;Şahin;1975-07-20;+31 6 12345678;\n",
    )
    .unwrap();
    let out = meedoen(&dir, &["import-referrals", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "no caseload yet");
    assert!(stderr(&out).contains("meedoen init"), "{}", stderr(&out));
    assert!(meedoen(&dir, &["init"]).status.success());
    let out = meedoen(&dir, &["import-referrals", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("2 referrals imported"), "{report}");
    assert!(report.contains("line 3"), "{report}");
    assert!(report.contains("kleur"), "{report}");
    let export = meedoen(&dir, &["export", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    let people = v["participants"].as_array().unwrap();
    assert_eq!(people.len(), 2);
    assert!(people.iter().all(|p| p["status"] == "referred"));
}

#[test]
fn errors_are_one_sentence_with_a_non_zero_exit() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let out = meedoen(&dir, &["import-referrals", "/no/such/file.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("meedoen: cannot read /no/such/file.csv"), "{}", stderr(&out));
    let out = meedoen(&dir, &["--lang", "fr"]);
    assert_eq!(out.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn the_data_directory_is_created_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("nieuw");
    assert!(meedoen(&dir, &["init"]).status.success());
    assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
}

#[test]
fn a_caseload_open_elsewhere_gives_a_clear_message_and_exit_code_3() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let _held =
        meedoen::store::Store::open_or_create(&dir, PASSPHRASE, meedoen::store::crypto::KdfParams::LIGHT_FOR_TESTS)
            .unwrap();
    let out = meedoen(&dir, &["export", "--format", "json"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("Deze caseload is al geopend in een ander venster"), "{}", stderr(&out));
    let out = meedoen(&dir, &["--lang", "en", "export", "--format", "json"]);
    assert!(stderr(&out).contains("This caseload is open in another window"), "{}", stderr(&out));
}

#[test]
fn chart_writes_the_latest_spider_web_as_svg() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    assert!(meedoen(&dir, &["demo", "--participants", "60", "--seed", "3"]).status.success());
    let export = meedoen(&dir, &["export", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    // Someone with at least two conversations, so the previous one is overlaid.
    let assessments = v["assessments"].as_array().unwrap();
    let pid = assessments
        .iter()
        .map(|a| a["participant_id"].as_str().unwrap())
        .find(|id| assessments.iter().filter(|a| a["participant_id"] == *id).count() >= 2)
        .unwrap();
    let number = v["participants"].as_array().unwrap().iter().find(|p| p["participant_id"] == pid).unwrap()["number"]
        .as_str()
        .unwrap()
        .to_string();
    let file = tmp.path().join("web.svg");
    let out = meedoen(&dir, &["chart", &number, "--out", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = std::fs::read_to_string(&file).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("Zingeving") && svg.contains("stroke-dasharray"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("alleen voor u leesbaar"));
    // The file is in the person's access log.
    let after: serde_json::Value = serde_json::from_slice(&meedoen(&dir, &["export"]).stdout).unwrap();
    assert!(
        after["access_log"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["participant_id"] == pid && e["action"] == "chart_exported"),
        "the chart is logged"
    );
    // Someone without a conversation: a Dutch sentence.
    let none = {
        meedoen::store::set_state_dir(Some(dir.with_extension("state")));
        let store = meedoen::store::Store::open(&dir, PASSPHRASE).unwrap();
        let mut p =
            meedoen::domain::Participant::new(meedoen::domain::ParticipantId::new_random(), 0, chrono::Utc::now());
        p.family_name = "Nieuw".into();
        store.add_participant(p).unwrap().number.to_string()
    };
    let out = meedoen(&dir, &["chart", &none, "--out", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("heeft nog geen gesprek over Positieve Gezondheid"), "{}", stderr(&out));
    // The caseload export and a report written to a file say where they went.
    let json = tmp.path().join("alles.json");
    let out = meedoen(&dir, &["export", "--out", json.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("alles.json (alleen voor u leesbaar)"));
    let csv = tmp.path().join("rapport.csv");
    let out = meedoen(
        &dir,
        &["report", "--from", "2026-01-01", "--to", "2026-06-30", "--format", "csv", "--out", csv.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("rapport.csv (alleen voor u leesbaar)"));
    // A number that does not exist is one clear sentence.
    let out = meedoen(&dir, &["chart", "99999", "--out", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("Er is geen deelnemer met nummer 99999."), "{}", stderr(&out));
}

#[test]
fn the_no_contact_threshold_is_a_setting() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    assert!(meedoen(&dir, &["init"]).status.success());
    let out = meedoen(&dir, &["settings"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("no-contact-days: 14"));
    let out = meedoen(&dir, &["settings", "--no-contact-days", "21", "--set-coach", "Sanne"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = meedoen(&dir, &["settings"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("no-contact-days: 21") && text.contains("coach: Sanne"), "{text}");
    assert_eq!(meedoen(&dir, &["settings", "--no-contact-days", "0"]).status.code(), Some(2));
}

/// A copied data directory reveals no participant data: no name, phone number, street or note
/// of any participant, nor the name of their coach, appears in any file, and a wrong passphrase
/// opens nothing.
#[test]
fn the_files_on_disk_hold_no_readable_participant_data() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    assert!(meedoen(&dir, &["demo", "--participants", "40", "--seed", "11"]).status.success());
    let v: serde_json::Value = serde_json::from_slice(&meedoen(&dir, &["export", "--format", "json"]).stdout).unwrap();
    let mut secrets: Vec<String> = Vec::new();
    for p in v["participants"].as_array().unwrap() {
        for f in ["family_name", "phone", "email"] {
            secrets.push(p[f].as_str().unwrap().to_string());
        }
        secrets.push(p["address"]["street"].as_str().unwrap().to_string());
        // The coach tags beside the keys are hashes, not the coach's name.
        secrets.push(p["coach"].as_str().unwrap().to_string());
    }
    for c in v["contacts"].as_array().unwrap() {
        secrets.push(c["summary"].as_str().unwrap().to_string());
    }
    secrets.retain(|s| s.len() >= 6);
    assert!(secrets.len() > 100);
    let mut files = vec![dir.clone()];
    let mut bytes = Vec::new();
    while let Some(f) = files.pop() {
        if f.is_dir() {
            files.extend(std::fs::read_dir(&f).unwrap().map(|e| e.unwrap().path()));
        } else {
            bytes.extend(std::fs::read(&f).unwrap());
        }
    }
    for s in &secrets {
        assert!(!bytes.windows(s.len()).any(|w| w == s.as_bytes()), "{s:?} is readable on disk");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_meedoen"))
        .arg("--data-dir")
        .arg(&dir)
        .env("MEEDOEN_STATE_DIR", dir.with_extension("state"))
        .args(["export", "--format", "json"])
        .env("MEEDOEN_PASSPHRASE", "een ander wachtwoord")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("Verkeerd wachtwoord"), "{}", stderr(&out));
}

#[test]
fn export_participant_writes_everything_about_one_person_as_json_and_text() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    assert!(meedoen(&dir, &["demo", "--participants", "20", "--seed", "5"]).status.success());
    let base = tmp.path().join("inzage");
    let out = meedoen(&dir, &["export", "--participant", "1003", "--out", base.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(base.with_extension("json")).unwrap()).unwrap();
    let people = v["participants"].as_array().unwrap();
    assert_eq!(people.len(), 1);
    let id = people[0]["participant_id"].as_str().unwrap();
    for kind in
        ["assessments", "goals", "contacts", "appointments", "signals", "referrals", "trajectories", "access_log"]
    {
        assert!(v[kind].as_array().unwrap().iter().all(|r| r["participant_id"] == id), "{kind}");
    }
    assert!(!v["contacts"].as_array().unwrap().is_empty());
    assert!(v["access_log"].as_array().unwrap().iter().any(|e| e["action"] == "exported"), "the export is logged");
    // The readable version is for the person: Dutch by default, dates as dd-mm-jjjj, codes in words.
    let text = std::fs::read_to_string(base.with_extension("txt")).unwrap();
    assert!(text.contains(people[0]["family_name"].as_str().unwrap()));
    assert!(text.starts_with("Alles wat meedoen over deze persoon vastlegt (inzageverzoek)"), "{text}");
    assert!(text.contains("== Contacten ("), "{text}");
    let born = people[0]["date_of_birth"].as_str().unwrap();
    let (y, m, d) = (&born[0..4], &born[5..7], &born[8..10]);
    assert!(text.contains(&format!("Geboortedatum: {d}-{m}-{y}")), "{text}");
    assert!(!text.contains(born), "no ISO date in the readable version");
    assert!(!text.contains(": true") && !text.contains(": false"), "yes/no in words");
    assert!(text.contains("Handeling: alle gegevens geëxporteerd (inzageverzoek)"), "{text}");
    let channel = v["contacts"][0]["channel"].as_str().unwrap();
    assert!(!text.contains(&format!("Kanaal: {channel}\n")), "the channel {channel} in words");
    let en = tmp.path().join("access");
    let out = meedoen(&dir, &["--lang", "en", "export", "--participant", "1003", "--out", en.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(en.with_extension("txt")).unwrap();
    assert!(text.starts_with("Everything meedoen holds about this person (request of access)"), "{text}");
    assert!(text.contains(&format!("Date of birth: {d}-{m}-{y}")), "{text}");
    let out = meedoen(&dir, &["export", "--participant", "9999", "--out", base.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("9999"), "{}", stderr(&out));

    // By name (a person whose number is still to follow has none to give), letter case aside.
    let name: Vec<&str> = ["given_names", "prefix", "family_name"]
        .iter()
        .filter_map(|f| people[0][*f].as_str())
        .filter(|s| !s.is_empty())
        .collect();
    let by_name = tmp.path().join("op-naam");
    let name = name.join(" ").to_uppercase();
    let out = meedoen(&dir, &["export", "--participant", &name, "--out", by_name.to_str().unwrap()]);
    assert!(out.status.success(), "{name}: {}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(by_name.with_extension("json")).unwrap()).unwrap();
    assert_eq!(v["participants"][0]["participant_id"].as_str(), Some(id));
    let out = meedoen(&dir, &["export", "--participant", "Zzyzx", "--out", by_name.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("geen deelnemer met \"Zzyzx\""), "{}", stderr(&out));
    let out = meedoen(&dir, &["export", "--participant", "e", "--out", by_name.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Meer deelnemers hebben \"e\" in de naam: "), "{}", stderr(&out));
    assert!(stderr(&out).contains("(1003)"), "each with their number: {}", stderr(&out));
}

#[test]
fn the_passphrase_changes_without_re_encrypting_and_the_old_one_stops_working() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    assert!(meedoen(&dir, &["demo", "--participants", "10"]).status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_meedoen"))
        .arg("--data-dir")
        .arg(&dir)
        .env("MEEDOEN_STATE_DIR", dir.with_extension("state"))
        .arg("passphrase")
        .env("MEEDOEN_PASSPHRASE", PASSPHRASE)
        .env("MEEDOEN_NEW_PASSPHRASE", "een heel ander wachtwoord")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("gewijzigd"));
    let old = meedoen(&dir, &["export"]);
    assert_eq!(old.status.code(), Some(5), "the old passphrase no longer opens it");
    let new = Command::new(env!("CARGO_BIN_EXE_meedoen"))
        .arg("--data-dir")
        .arg(&dir)
        .env("MEEDOEN_STATE_DIR", dir.with_extension("state"))
        .arg("export")
        .env("MEEDOEN_PASSPHRASE", "een heel ander wachtwoord")
        .output()
        .unwrap();
    assert!(new.status.success(), "{}", stderr(&new));
    let v: serde_json::Value = serde_json::from_slice(&new.stdout).unwrap();
    assert_eq!(v["participants"].as_array().unwrap().len(), 10);
    // Too short a new passphrase is refused.
    let out = Command::new(env!("CARGO_BIN_EXE_meedoen"))
        .arg("--data-dir")
        .arg(&dir)
        .env("MEEDOEN_STATE_DIR", dir.with_extension("state"))
        .arg("passphrase")
        .env("MEEDOEN_PASSPHRASE", "een heel ander wachtwoord")
        .env("MEEDOEN_NEW_PASSPHRASE", "kort")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("te kort"), "{}", stderr(&out));
}

#[test]
fn a_backup_into_the_caseloads_own_data_file_is_refused_and_the_caseload_still_opens() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    assert!(meedoen(&dir, &["demo", "--participants", "3"]).status.success());
    let out = meedoen(&dir, &["backup", dir.join("db").join("db").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("eigen bestanden van de caseload"), "{}", stderr(&out));
    let out = meedoen(&dir, &["check"]);
    assert!(out.status.success(), "the caseload still opens: {}", stderr(&out));
    std::fs::create_dir_all(dir.join("backups")).unwrap();
    let out = meedoen(&dir, &["backup", dir.join("backups").join("handmatig.backup").to_str().unwrap()]);
    assert!(out.status.success(), "its own backups folder is fine: {}", stderr(&out));
}
