//! Every screen a coach can reach, in Dutch, on a demo caseload with every kind of record (issue 19
//! point 17): the start screen, the list and search, each tab of people in every phase, every
//! form, the modules, the week, the reports, the retention list and the popups, each drawn at
//! 120x40, 80x24 and 60x20. None may show an English word of the string tables (a word that the
//! English table has and the Dutch one does not: "moved", "volunteering", "Kind", "Escalated") or a
//! code as stored ("not_asked").
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
mod ui_common;

use std::collections::BTreeSet;

use common::*;
use meedoen::i18n::Lang;
use meedoen::store::Store;
use meedoen::ui::app::{App, Screen};
use ratatui::crossterm::event::KeyCode;
use ui_common::*;

/// The words of every string in a table (letters only, lower case, four letters or more).
fn words_of(table: &str) -> BTreeSet<String> {
    fn walk(v: &toml::Value, out: &mut BTreeSet<String>) {
        match v {
            toml::Value::String(s) => out.extend(words(s)),
            toml::Value::Table(t) => t.values().for_each(|v| walk(v, out)),
            toml::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let value: toml::Value = toml::from_str(table).unwrap();
    let mut out = BTreeSet::new();
    walk(&value, &mut out);
    out
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 4).map(str::to_lowercase)
}

/// Words only the English table has: on a Dutch screen each is a string or code left untranslated.
fn english_only() -> BTreeSet<String> {
    let en = words_of(include_str!("../assets/i18n/en.toml"));
    let mut nl = words_of(include_str!("../assets/i18n/nl.toml"));
    // The module catalogue and the Positive Health instrument are Dutch texts the screens show.
    nl.extend(words_of(include_str!("../assets/modules.toml")));
    nl.extend(words_of(include_str!("../assets/positive_health/instrument.toml")));
    en.difference(&nl).cloned().collect()
}

struct Tour {
    app: App,
    english: BTreeSet<String>,
    screens: usize,
    found: Vec<String>,
}

impl Tour {
    fn new() -> Tour {
        let store = Store::temporary().unwrap();
        meedoen::demo::fill(&store, 60, 7, today(), now()).unwrap();
        let app = app_on(store, Lang::Nl);
        Tour { app, english: english_only(), screens: 0, found: Vec::new() }
    }

    /// Draws what is on screen at three sizes and notes every English word and stored code.
    fn look(&mut self, what: &str) {
        self.screens += 1;
        for (w, h) in [(120, 40), (80, 24), (60, 20)] {
            let text = screen(&self.app, w, h);
            for line in text.lines() {
                // E-mail addresses (example.nl) are data, and a word cut with "…" is a piece of one.
                let kept: Vec<&str> = line.split(' ').filter(|t| !t.contains('@') && !t.ends_with('…')).collect();
                for word in words(&kept.join(" ")) {
                    if self.english.contains(&word) {
                        self.found.push(format!("{what} at {w}x{h}: \"{word}\" in: {}", line.trim()));
                    }
                }
                for token in line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                    if token.contains('_') && token.chars().any(|c| c.is_ascii_lowercase()) {
                        self.found.push(format!("{what} at {w}x{h}: code \"{token}\" in: {}", line.trim()));
                    }
                }
            }
        }
    }

    fn key(&mut self, code: KeyCode) {
        press(&mut self.app, code);
    }

    fn keys(&mut self, text: &str) {
        for c in text.chars() {
            press(&mut self.app, KeyCode::Char(c));
        }
    }

    /// Back to the start screen (forms left untouched close without a question).
    fn home(&mut self) {
        for _ in 0..8 {
            if self.app.popup().is_some() {
                self.key(KeyCode::Esc);
                continue;
            }
            if matches!(self.app.screen(), Screen::Start(_)) {
                return;
            }
            self.key(KeyCode::Esc);
        }
        panic!("stuck away from the start screen: {}", screen(&self.app, 80, 24));
    }

    /// A form opened with `key` on the screen on top, looked at, and left again.
    fn form(&mut self, key: char, what: &str) {
        self.key(KeyCode::Char(key));
        if matches!(self.app.screen(), Screen::Form(_)) {
            self.look(what);
            // Its later fields too.
            self.key(KeyCode::PageDown);
            self.key(KeyCode::PageDown);
            self.look(what);
            self.key(KeyCode::Esc);
        }
        if self.app.popup().is_some() {
            self.look(what);
            self.key(KeyCode::Esc);
        }
    }

    /// Every tab of the participant on screen, scrolled to its end, and its forms.
    fn person(&mut self, who: &str) {
        let closed = matches!(self.app.screen(), Screen::Participant(_)) && {
            let text = screen(&self.app, 120, 40);
            text.contains("Afgesloten")
        };
        for tab in 0..7 {
            let what = format!("{who}, tab {tab}");
            self.look(&what);
            self.key(KeyCode::End);
            self.look(&what);
            self.key(KeyCode::Home);
            // The selected record's correction form, where a tab has one.
            self.key(KeyCode::Enter);
            if !matches!(self.app.screen(), Screen::Participant(_)) || self.app.popup().is_some() {
                self.look(&format!("{what}, Enter"));
                self.key(KeyCode::Esc);
                if !matches!(self.app.screen(), Screen::Participant(_)) {
                    self.key(KeyCode::Esc);
                }
            }
            self.key(KeyCode::Tab);
        }
        if !closed {
            for (key, what) in [
                ('e', "details"),
                ('c', "contact"),
                ('a', "appointment"),
                ('v', "extend"),
                ('d', "advice"),
                ('b', "close"),
                ('!', "signal"),
                ('r', "referral"),
                ('g', "goal"),
            ] {
                self.form(key, &format!("{who}, {what}"));
            }
        }
        self.key(KeyCode::Char('+'));
        self.look(&format!("{who}, +"));
        self.key(KeyCode::Char('n'));
        self.key(KeyCode::Esc);
    }
}

#[test]
fn every_screen_in_dutch_shows_no_english_word_and_no_stored_code() {
    let mut t = Tour::new();
    t.look("start");
    t.key(KeyCode::Char('t'));
    t.look("start, team");
    t.key(KeyCode::Char('?'));
    t.look("help");
    t.home();
    // The list with each filter.
    t.key(KeyCode::Char('l'));
    t.look("list");
    for f in ['s', 's', 'm', 'w', 'a', 't'] {
        t.keys(&f.to_string());
        t.look(&format!("list, filter {f}"));
    }
    t.home();
    // People in every phase and state, found through search.
    let people: Vec<(u32, String)> =
        t.app.caseload.people().iter().map(|p| (p.number, format!("{:?} {}", p.status, p.listed_name()))).collect();
    let mut seen_status = BTreeSet::new();
    for (number, who) in &people {
        let status = who.split(' ').next().unwrap_or_default().to_string();
        // Two of each phase.
        if seen_status.iter().filter(|s: &&(String, u32)| s.0 == status).count() >= 2 {
            continue;
        }
        seen_status.insert((status, *number));
        t.key(KeyCode::Char('/'));
        t.keys(&format!("{number:04}"));
        t.look("search");
        t.key(KeyCode::Enter);
        assert!(matches!(t.app.screen(), Screen::Participant(_)), "{who} did not open");
        t.person(who);
        t.home();
    }
    assert!(seen_status.len() >= 8, "too few people looked at: {seen_status:?}");
    // The start screen's other screens.
    t.form('n', "intake");
    t.home();
    t.key(KeyCode::Char('w'));
    t.look("week");
    t.key(KeyCode::Enter);
    t.look("week, Enter");
    t.home();
    t.key(KeyCode::Char('m'));
    t.look("catalogue");
    t.form('n', "module form");
    t.form('k', "closure form");
    t.key(KeyCode::Enter);
    t.look("module page");
    t.key(KeyCode::Tab);
    t.look("module page, waitlist");
    t.key(KeyCode::Tab);
    t.key(KeyCode::Enter);
    t.look("roster");
    t.key(KeyCode::Esc);
    t.key(KeyCode::Char('m'));
    t.look("enrol someone");
    t.home();
    t.key(KeyCode::Char('r'));
    t.look("reports, figures");
    t.key(KeyCode::PageDown);
    t.look("reports, figures further");
    t.key(KeyCode::Tab);
    t.look("reports, charts");
    t.key(KeyCode::Char('p'));
    t.look("reports, other period");
    t.home();
    t.key(KeyCode::Char('b'));
    t.look("retention");
    t.home();
    t.key(KeyCode::Char('c'));
    t.look("conflicts");
    t.home();
    assert!(t.screens > 150, "the tour saw only {} screens", t.screens);
    assert!(t.found.is_empty(), "{} English words or codes on Dutch screens:\n{}", t.found.len(), t.found.join("\n"));
}

/// The check itself finds what it is for: a screen drawn with the English table.
#[test]
fn the_check_finds_english_words() {
    let store = Store::temporary().unwrap();
    meedoen::demo::fill(&store, 20, 7, today(), now()).unwrap();
    let app = app_on(store, Lang::En);
    let english = english_only();
    let text = screen(&app, 80, 24);
    let hits: Vec<String> = words(&text).filter(|w| english.contains(w)).collect();
    assert!(hits.len() > 5, "{hits:?}\n{text}");
    for word in ["moved", "volunteering", "present", "waitlist"] {
        assert!(english.contains(word), "{word} is not in the English-only words");
    }
}

/// The files a coach hands out in Dutch: every person's export (the right of access, as text) and
/// the year's report (text and CSV, the CSV's header included).
#[test]
fn every_export_in_dutch_shows_no_english_word_and_no_stored_code() {
    use meedoen::i18n::Strings;
    let store = Store::temporary().unwrap();
    meedoen::demo::fill(&store, 60, 7, today(), now()).unwrap();
    let (english, nl) = (english_only(), Strings::new(Lang::Nl));
    let mut found = Vec::new();
    let mut check = |what: &str, text: &str| {
        for line in text.lines() {
            let kept: Vec<&str> = line.split(' ').filter(|t| !t.contains('@')).collect();
            for word in words(&kept.join(" ")) {
                if english.contains(&word) {
                    found.push(format!("{what}: \"{word}\" in: {}", line.trim()));
                }
            }
        }
    };
    let people = store.participants().unwrap();
    for p in &people {
        let export = meedoen::export_person::build(&store, p, "Sanne", now()).unwrap();
        check(&format!("export of {}", p.listed_name()), &meedoen::export_person::text(&export, &nl).unwrap());
    }
    let data = meedoen::reports::Loaded::load(&store).unwrap();
    let year = |y| chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
    let report = data.report(year(2026), year(2027).pred_opt().unwrap(), None);
    check("report", &meedoen::reports::text(&report, &nl));
    check("report csv", &String::from_utf8(meedoen::reports::csv(&report, &nl).unwrap()).unwrap());
    assert!(people.len() == 60);
    assert!(found.is_empty(), "{} English words in Dutch files:\n{}", found.len(), found.join("\n"));
}
