//! Screens at 80x24 and below (issue 19 point 19): nothing a coach needs is cut off. The
//! participant's tab bar keeps every tab at 60 columns, a goal's facts and a report's long labels
//! wrap instead of ending mid-word, the access log shows old → new values whole, chart titles end
//! between words. At 60x20 the mean spider web's labels keep off its dots, every outcome bar has
//! a label of its own, the list's headers are whole or short ("Geb."), and the catalogue's next
//! session keeps its fill.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use common::*;
use meedoen::i18n::{Lang, Strings};
use meedoen::store::Store;
use meedoen::ui::app::App;
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

fn demo() -> App {
    let store = Store::temporary().unwrap();
    meedoen::demo::fill(&store, 60, 7, today(), now()).unwrap();
    app_on(store, Lang::Nl)
}

fn open_number(app: &mut App, number: u32) {
    press(app, KeyCode::Char('/'));
    type_text(app, &format!("{number:04}"));
    press(app, KeyCode::Enter);
}

#[test]
fn the_tab_bar_keeps_every_tab_down_to_60_columns() {
    let mut app = app();
    open_person(&mut app, "ozturk");
    for (w, h) in [(80, 24), (60, 20)] {
        let text = screen(&app, w, h);
        let bar = text.lines().nth(2).unwrap();
        let s = Strings::new(Lang::Nl);
        for tab in ["profile", "positive_health", "goals", "contacts", "modules", "signals", "privacy"] {
            let whole = s.get(&format!("tab.{tab}")).to_string();
            let short = s.get(&format!("tab_short.{tab}")).to_string();
            assert!(bar.contains(&whole) || bar.contains(&short), "{tab} missing at {w}x{h}: {bar}");
        }
    }
    assert!(screen(&app, 80, 24).lines().nth(2).unwrap().contains("Gezondheid | Doelen"), "whole names at 80");
}

#[test]
fn a_goals_facts_wrap_whole_at_60_columns() {
    let mut app = demo();
    let with_steps = app
        .caseload
        .people()
        .iter()
        .find(|p| app.store.goals_of(p.id).unwrap().iter().any(|g| g.target.is_some() && g.steps.len() >= 3))
        .unwrap()
        .number;
    open_number(&mut app, with_steps);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    let text = screen(&app, 60, 20);
    assert!(text.contains("stappen"), "{text}");
    for line in text.lines() {
        let last = line.trim_end().rsplit(' ').next().unwrap_or_default();
        assert!(!["s", "st", "sta", "stap", "stapp", "stappe"].contains(&last), "cut: {line}\n{text}");
    }
}

/// Every word of every figure's label is on the report screen, scrolled from top to bottom.
#[test]
fn the_reports_long_labels_wrap_whole_at_80_and_60_columns() {
    for (w, h) in [(80, 24), (60, 20)] {
        let mut app = demo();
        press(&mut app, KeyCode::Char('r'));
        let mut seen = String::new();
        for _ in 0..40 {
            seen.push_str(&screen(&app, w, h));
            press(&mut app, KeyCode::PageDown);
        }
        let data = meedoen::reports::Loaded::load(&app.store).unwrap();
        let year = |y| chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
        let report = data.report(year(2026), year(2027).pred_opt().unwrap(), Some("Sanne"));
        let rows = meedoen::reports::rows(&report, &Strings::new(Lang::Nl));
        assert!(rows.iter().any(|r| r.figure.contains("ISCED 0-2")), "the ESF+ rows are in the report");
        let words: std::collections::BTreeSet<&str> = seen.split_whitespace().collect();
        for row in &rows {
            for word in row.figure.split_whitespace() {
                assert!(words.contains(word), "\"{word}\" of \"{}\" not whole at {w}x{h}", row.figure);
            }
        }
    }
}

#[test]
fn the_access_log_shows_old_and_new_values_whole_at_80x24() {
    let mut app = app();
    open_person(&mut app, "ozturk");
    press(&mut app, KeyCode::Char('e'));
    focus(&mut app, "street");
    type_text(&mut app, "Burgemeester van Roijensingel");
    focus(&mut app, "place");
    type_text(&mut app, "Oldenzaal-Zuid");
    app.handle_key(ctrl('s'));
    press(&mut app, KeyCode::Left);
    let text = screen(&app, 80, 24);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("(— → Burgemeester van Roijensingel)") || flat.contains("→ Burgemeester van Roijensingel)"),
        "{text}"
    );
    assert!(flat.contains("Oldenzaal-Zuid)"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 80));
}

#[test]
fn chart_titles_end_between_words() {
    let mut app = demo();
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Tab);
    for (w, h) in [(80, 24), (60, 20)] {
        let text = screen(&app, w, h);
        assert!(text.contains("Uitstroom naar resultaat"), "{text}");
        // The web's title keeps what ○ and ● stand for, in its short form where the whole one
        // does not fit.
        assert!(
            text.contains("Gemiddeld web: ○ eerste, ● laatste") || text.contains("Web ○ eerste ● laatste"),
            "{text}"
        );
        for title in ["Participatieladder", "Uitstroom naar resultaat"] {
            let words: Vec<&str> = title.split(' ').collect();
            // Whole, or its first words and "…".
            let ok = (1..=words.len()).rev().any(|n| {
                let part = words[..n].join(" ");
                let part = if n == words.len() { part } else { format!("{}…", part.trim_end_matches(',')) };
                text.contains(&part)
            });
            assert!(ok, "{title} cut mid-word at {w}x{h}:\n{text}");
        }
    }
}

/// The start screen's counts and a module page's heading wrap at 60 columns: every part that a
/// wide screen shows is there, whole.
#[test]
fn the_start_screens_counts_and_a_module_heading_wrap_whole_at_60_columns() {
    let mut app = demo();
    let wide = screen(&app, 120, 40);
    let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let narrow = flat(&screen(&app, 60, 20));
    for start in ["Aandacht:", "Mijn"] {
        let line = wide.lines().find(|l| l.trim_start().starts_with(start)).unwrap();
        for part in line.split(" · ") {
            assert!(narrow.contains(&flat(part)), "\"{}\" not whole at 60x20:\n{narrow}", flat(part));
        }
    }
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Enter);
    let wide = screen(&app, 120, 40);
    let heading = wide.lines().nth(2).unwrap();
    let narrow = flat(&screen(&app, 60, 20));
    assert!(narrow.contains(&flat(heading)), "{heading}\n{narrow}");
}

/// The reports' charts of the whole team (the demo's caseload is spread over coaches).
fn team_charts() -> App {
    let mut app = demo();
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char('t'));
    press(&mut app, KeyCode::Tab);
    app
}

/// The lines of a chart screen, as characters, and the column where the mean web's chart
/// starts, with the rows from its title down to the next chart's title.
fn web_region(text: &str) -> (Vec<Vec<char>>, usize, std::ops::Range<usize>) {
    let lines: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
    let as_string = |l: &Vec<char>| l.iter().collect::<String>();
    let head = |l: &str| if l.contains("Gemiddeld web") { "Gemiddeld web" } else { "Web ○" };
    let title =
        lines.iter().position(|l| as_string(l).contains("Gemiddeld web") || as_string(l).contains("Web ○")).unwrap();
    let t = as_string(&lines[title]);
    let col = t.split(head(&t)).next().unwrap().chars().count();
    let end = lines.iter().position(|l| as_string(l).contains("Participatieladder")).unwrap();
    (lines, col, title + 1..end)
}

/// A string of the table, owned.
fn t(s: &Strings, key: &str) -> String {
    s.get(key).to_string()
}

fn is_dot(c: char) -> bool {
    ('\u{2801}'..='\u{28ff}').contains(&c) || c == '●' || c == '○'
}

/// The mean web's labels never sit on its drawing: at 60x20 none is inside the box the web's
/// dots and marks take up; at every size none touches a dot on its row or lies between two.
#[test]
fn the_mean_webs_labels_keep_off_its_dots() {
    let app = team_charts();
    let s = Strings::new(Lang::Nl);
    for (w, h) in [(60, 20), (80, 24), (120, 40)] {
        let text = screen(&app, w, h);
        let (lines, col, rows) = web_region(&text);
        let cell = |r: usize, c: usize| lines[r].get(c).copied().unwrap_or(' ');
        let width = lines.iter().map(Vec::len).max().unwrap();
        let dots: Vec<(usize, usize)> =
            rows.clone().flat_map(|r| (col..width).map(move |c| (r, c))).filter(|&(r, c)| is_dot(cell(r, c))).collect();
        assert!(dots.len() > 20, "the web is drawn at {w}x{h}:\n{text}");
        for r in rows.clone() {
            let on_row: Vec<usize> = dots.iter().filter(|d| d.0 == r).map(|d| d.1).collect();
            let (Some(&first), Some(&last)) = (on_row.first(), on_row.last()) else { continue };
            for c in first..=last {
                assert!(!cell(r, c).is_alphanumeric(), "a label inside the web's row {r} at {w}x{h}:\n{text}");
            }
            for &c in &on_row {
                for n in [c.wrapping_sub(1), c + 1] {
                    assert!(!cell(r, n).is_alphanumeric(), "a label against a dot on row {r} at {w}x{h}:\n{text}");
                }
            }
        }
        if (w, h) == (60, 20) {
            let (top, bottom) = (dots.iter().map(|d| d.0).min().unwrap(), dots.iter().map(|d| d.0).max().unwrap());
            let (left, right) = (dots.iter().map(|d| d.1).min().unwrap(), dots.iter().map(|d| d.1).max().unwrap());
            for r in top..=bottom {
                for c in left..=right {
                    assert!(!cell(r, c).is_alphanumeric(), "a label inside the web at {r},{c}:\n{text}");
                }
            }
        }
        // Every aspect is named, whole or abbreviated, with its mark.
        let region: String =
            rows.clone().map(|r| lines[r].iter().skip(col).collect::<String>()).collect::<Vec<_>>().join("\n");
        for d in 0..6 {
            let (whole, abbr) = (t(&s, &format!("dimension_short.{d}")), t(&s, &format!("dimension_abbr.{d}")));
            let words: Vec<&str> = region.split_whitespace().collect();
            assert!(words.contains(&&*whole) || words.contains(&&*abbr), "{whole} missing at {w}x{h}:\n{text}");
        }
        assert!(region.matches(',').count() >= 6, "six marks at {w}x{h}:\n{text}");
    }
}

/// Each outcome's bar has a label of its own ("vrw", "vrh", never two "ver"), every bar is
/// there at 60 columns, and where there is room a legend gives the whole names.
#[test]
fn the_outcome_bars_have_distinct_labels_and_a_legend() {
    use meedoen::domain::trajectory::ExitOutcome;
    for lang in [Lang::Nl, Lang::En] {
        let s = Strings::new(lang);
        let short: Vec<String> =
            ExitOutcome::ALL.iter().map(|o| t(&s, &format!("outcome_short.{}", o.code()))).collect();
        let distinct: std::collections::BTreeSet<&String> = short.iter().collect();
        assert_eq!(distinct.len(), short.len(), "{lang:?}: {short:?}");
        assert!(short.iter().all(|l| l.chars().count() <= 3), "{lang:?}: {short:?} fit a bar three wide");
    }
    let app = team_charts();
    let s = Strings::new(Lang::Nl);
    let short: Vec<String> = ExitOutcome::ALL.iter().map(|o| t(&s, &format!("outcome_short.{}", o.code()))).collect();
    for (w, h) in [(60, 20), (80, 24), (120, 40)] {
        let text = screen(&app, w, h);
        let (lines, col, _) = web_region(&text);
        let left: Vec<String> = lines.iter().map(|l| l.iter().take(col).collect()).collect();
        assert!(
            left.iter().any(|l| l.split_whitespace().eq(short.iter().map(String::as_str))),
            "a bar labelled {short:?} for every outcome at {w}x{h}:\n{text}"
        );
        if (w, h) != (60, 20) {
            let flat = left.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
            for o in ExitOutcome::ALL {
                let entry = format!(
                    "{} {}",
                    t(&s, &format!("outcome_short.{}", o.code())),
                    t(&s, &format!("outcome.{}", o.code()))
                );
                assert!(flat.contains(&entry), "legend \"{entry}\" at {w}x{h}:\n{text}");
            }
        }
    }
}

fn demo_in(lang: Lang) -> App {
    let store = Store::temporary().unwrap();
    meedoen::demo::fill(&store, 60, 7, today(), now()).unwrap();
    app_on(store, lang)
}

/// The list's column headers are whole or their short form ("Geb."), never cut ("Gebore").
#[test]
fn the_lists_headers_are_whole_or_short_at_60_columns() {
    let keys = ["number", "name", "born", "status", "contact_days", "place", "coach"];
    for lang in [Lang::Nl, Lang::En] {
        let s = Strings::new(lang);
        let mut app = demo_in(lang);
        press(&mut app, KeyCode::Char('l'));
        press(&mut app, KeyCode::Char('t'));
        for (w, h) in [(60, 20), (80, 24), (120, 40)] {
            let text = screen(&app, w, h);
            let number = t(&s, "col.number");
            let header = text.lines().find(|l| l.trim_start().starts_with(&format!("{number} "))).unwrap();
            let words: Vec<&str> = header.split_whitespace().collect();
            // At 60 columns the coach and the place are left out so the rest stays whole.
            let shown = if w >= 80 { &keys[..] } else { &keys[..5] };
            for k in &keys[shown.len()..] {
                assert!(!words.contains(&&*t(&s, &format!("col.{k}"))), "{k} left out at {w}x{h}: {header}");
            }
            let rows: Vec<&str> = text.lines().skip_while(|l| *l != header).skip(1).take(5).collect();
            for row in &rows {
                let born_whole = row.split_whitespace().any(|c| c.len() == 10 && c.as_bytes()[2] == b'-');
                assert!(born_whole, "date of birth whole at {w}x{h}: {row}");
            }
            let statuses = [t(&s, "status.active"), t(&s, "status.extended"), t(&s, "status.intake")];
            assert!(
                rows.iter().all(|r| statuses.iter().any(|st| r.contains(&format!(" {st} ")))),
                "status whole at {w}x{h}: {rows:?}"
            );
            for k in shown {
                let whole = t(&s, &format!("col.{k}"));
                let short = s.lookup(&format!("col_short.{k}")).map_or_else(|| whole.clone(), str::to_string);
                let wide = w >= 80;
                assert!(
                    words.contains(&&*whole) || (!wide && words.contains(&&*short)),
                    "{k}: \"{whole}\" or \"{short}\" at {w}x{h}: {header}"
                );
            }
            for word in &words {
                let known = keys
                    .iter()
                    .any(|k| t(&s, &format!("col.{k}")) == *word || s.lookup(&format!("col_short.{k}")) == Some(*word));
                assert!(known || word.ends_with('…'), "\"{word}\" cut at {w}x{h}: {header}");
            }
        }
    }
}

/// The catalogue's "Volgende · bezet" keeps the fill ("8/12") at 60 columns: the date goes
/// short first.
#[test]
fn the_catalogues_next_session_keeps_its_fill_at_60_columns() {
    let fills = |text: &str| -> Vec<String> {
        text.split_whitespace()
            .filter(|t| {
                t.split_once('/').is_some_and(|(a, b)| {
                    !a.is_empty() && !b.is_empty() && a.chars().chain(b.chars()).all(|c| c.is_ascii_digit())
                })
            })
            .map(str::to_string)
            .collect()
    };
    for lang in [Lang::Nl, Lang::En] {
        let mut app = demo_in(lang);
        press(&mut app, KeyCode::Char('m'));
        let wide = fills(&screen(&app, 120, 40));
        assert!(wide.len() >= 5, "{wide:?}");
        assert_eq!(fills(&screen(&app, 80, 24)), wide);
        let narrow = screen(&app, 60, 20);
        assert_eq!(fills(&narrow), wide, "{narrow}");
        let s = Strings::new(lang);
        let header = narrow.lines().find(|l| l.contains(&t(&s, "col.cycle"))).unwrap();
        let next = s.lookup("col_short.next_fill").unwrap();
        assert!(header.contains(&t(&s, "col.next_fill")) || header.contains(next), "{header}");
    }
}
