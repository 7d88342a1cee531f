//! The reports screen at 80x24: figures with their denominators, periods, team, charts.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use common::*;
use meedoen::ui::app::Screen;
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

#[test]
fn the_reports_screen_shows_the_year_with_denominators_and_moves_by_period() {
    let mut app = app();
    press(&mut app, KeyCode::Char('r'));
    assert!(matches!(app.screen(), Screen::Reports(_)));
    let s = screen(&app, 80, 24);
    insta::assert_snapshot!("reports_figures", s);
    assert!(s.contains("Rapportage 01-01-2026 t/m 31-12-2026") && s.contains("Caseload van Sanne"), "{s}");
    // Sanne has five of the six people; the closed one (Anna) is reached too.
    assert!(s.contains("Deelnemers bereikt"), "{s}");
    press(&mut app, KeyCode::Char('t'));
    assert!(screen(&app, 80, 24).contains("Hele team"));
    press(&mut app, KeyCode::Char('p'));
    let s = screen(&app, 80, 24);
    assert!(s.contains("01-10-2026 t/m 31-12-2026") && s.contains("kwartaal"), "{s}");
    press(&mut app, KeyCode::Left);
    assert!(screen(&app, 80, 24).contains("01-07-2026 t/m 30-09-2026"));
    for _ in 0..40 {
        press(&mut app, KeyCode::Left);
    }
    let s = screen(&app, 80, 24);
    assert!(s.contains("Geen deelnemers in deze periode") && s.contains("geen gegevens"), "{s}");
    press(&mut app, KeyCode::Tab);
    let s = screen(&app, 80, 24);
    assert!(s.contains("Uitstroom naar resultaat") && s.contains("Contacten per week"), "{s}");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.screen(), Screen::Start(_)));
}

/// The fixed caseload with a year of history: contacts, two conversations each for two people,
/// and Anna's trajectory closed with paid work.
fn app_with_history() -> meedoen::ui::app::App {
    use meedoen::domain::contact::{Channel, Contact, Initiative, Reached, RecordId};
    use meedoen::domain::health::Assessment;
    use meedoen::domain::trajectory::{Closing, ExitOutcome, Trajectory};
    let store = meedoen::store::Store::temporary().unwrap();
    filled_store(&store);
    let people = store.participants().unwrap();
    for (i, p) in people.iter().enumerate() {
        for w in 0..(10 + i as i64 * 3) {
            let at = chrono::NaiveDate::from_ymd_opt(2026, 2, 2).unwrap() + chrono::Duration::weeks(w / 2 + i as i64);
            store
                .save_contact(&Contact {
                    id: RecordId(uuid::Uuid::from_u128((i as u128) << 32 | w as u128)),
                    participant: p.id,
                    at: at.and_hms_opt(10, 0, 0).unwrap(),
                    channel: Channel::Phone,
                    initiative: Initiative::Coach,
                    minutes: 30,
                    reached: if w % 4 == 3 { Reached::NoAnswer } else { Reached::Made },
                    life_areas: Vec::new(),
                    summary: String::new(),
                    coach: "Sanne".into(),
                    created_at: now(),
                    withdrawn: false,
                    history: Vec::new(),
                })
                .unwrap();
        }
        if i < 2 {
            for (k, (day, mark, ladder)) in [(10, 40u8, 2u8), (200, 65, 3)].iter().enumerate() {
                let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(*day);
                let mut a = Assessment::new(p.id, date, "Sanne", now());
                a.id = meedoen::domain::health::AssessmentId(uuid::Uuid::from_u128(900 + (i * 2 + k) as u128));
                a.overall = [Some(*mark), Some(mark + 5), Some(*mark), Some(mark + 10), Some(mark - 5), Some(*mark)];
                a.ladder = Some(*ladder);
                store.save_assessment(&a).unwrap();
            }
        }
    }
    let anna = people.iter().find(|p| p.family_name == "Vries").unwrap();
    let mut t = Trajectory::new(anna.id, now());
    t.closing = Some(Closing {
        end_date: chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
        outcome: ExitOutcome::PaidWork,
        advice: "Werkt bij de bakker".into(),
    });
    store.save_status_change(anna, &t).unwrap();
    app_on(store, meedoen::i18n::Lang::Nl)
}

#[test]
fn the_charts_at_80x24() {
    let mut app = app_with_history();
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char('t'));
    press(&mut app, KeyCode::Tab);
    insta::assert_snapshot!("reports_charts", screen(&app, 80, 24));
}

#[test]
fn esf_characteristics_at_entry_and_results_at_exit_are_kept_by_keyboard() {
    use meedoen::domain::esf::{Education, LabourStatus, YesNo};
    let mut app = app();
    open_person(&mut app, "fatma");
    press(&mut app, KeyCode::Char('e'));
    focus(&mut app, "esf_labour");
    let s = screen(&app, 80, 24);
    assert!(s.contains("ESF+ bij de start") && s.contains("niet gevraagd"), "{s}");
    for _ in 0..3 {
        press(&mut app, KeyCode::Right);
    }
    focus(&mut app, "esf_education");
    press(&mut app, KeyCode::Right);
    focus(&mut app, "esf_homeless");
    press(&mut app, KeyCode::Right);
    app.handle_key(ctrl('s'));
    let p = app.caseload.people().iter().find(|p| p.family_name == "Öztürk").unwrap().clone();
    assert_eq!(p.esf_entry.labour, LabourStatus::LongTermUnemployed);
    assert_eq!(p.esf_entry.education, Education::Declined);
    assert_eq!(p.esf_entry.homeless, YesNo::Declined);
    assert_eq!(app.store.participant(p.id).unwrap().unwrap().esf_entry, p.esf_entry, "saved");
    // Closing records the results at exit.
    press(&mut app, KeyCode::Char('b'));
    focus(&mut app, "advice");
    type_text(&mut app, "Aan het werk bij de bakker");
    focus(&mut app, "esf_employed");
    for _ in 0..2 {
        press(&mut app, KeyCode::Right);
    }
    app.handle_key(ctrl('s'));
    let t = app.store.trajectory(p.id).unwrap().unwrap();
    assert!(t.closing.is_some());
    assert_eq!((t.esf_exit.employed, t.esf_exit.searching_work), (YesNo::Yes, YesNo::NotAsked));
}

/// `x` writes the report and the ESF+ list into the export folder (the `--demo` caseload's own
/// temporary directory, so a demo leaves nothing in the coach's documents) and says where.
#[test]
fn writing_the_report_puts_both_files_in_the_export_folder_and_names_them() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = app();
    app.export_dir = Some(tmp.path().join("exports"));
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char('x'));
    let mut names: Vec<String> = std::fs::read_dir(tmp.path().join("exports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["meedoen-esf-deelnemers-2026-01-01-2026-12-31.csv", "meedoen-rapportage-2026-01-01-2026-12-31.csv"]
    );
    let (message, error) = app.flash.clone().unwrap();
    assert!(!error && message.contains("meedoen-rapportage-2026-01-01-2026-12-31.csv"), "{message}");
    // At 80 columns the message takes the lines it needs: both file names can be read.
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("meedoen-rapportage-2026-01-01-2026-12-31.csv")
            && s.contains("meedoen-esf-deelnemers-2026-01-01-2026-12-31.csv"),
        "{s}"
    );
}
