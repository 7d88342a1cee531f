//! A conversation's corrections in the coach's words: one change ("Levenslust 7 → 5"),
//! and one line of the history ("✎ 24-11-2026 Sanne: … · reden: typefout"), for the
//! Positive Health tab and for the question that asks the reason of a correction.

use crate::domain::health::{Corrected, Correction, Instrument, format_mark};
use crate::domain::validate::format_date;
use crate::i18n::Strings;

/// The longest text of a remark or an answer shown in a change (the export holds all of it).
const TEXT: usize = 40;

/// One change in words.
pub fn change(c: &Corrected, s: &Strings) -> String {
    let lang = s.lang();
    let ins = Instrument::get();
    let aspect = |d: &u8, a: &u8| ins.aspect_label(usize::from(*d), usize::from(*a), lang).to_string();
    let score = |v: &Option<u8>| v.map_or_else(|| "–".to_string(), |x| x.to_string());
    let yes_no = |b: &bool| s.get(if *b { "common.yes" } else { "common.no" }).to_lowercase();
    let text = |t: &str| if t.is_empty() { "–".to_string() } else { format!("“{}”", super::fit(t, TEXT)) };
    let mark = |v: &Option<u8>| format_mark(v.map(|t| f64::from(t) / 10.0), lang);
    let (key, fields): (&str, Vec<(&str, String)>) = match c {
        Corrected::Score { dimension, aspect: a, old, new } => {
            ("score", vec![("aspect", aspect(dimension, a)), ("old", score(old)), ("new", score(new))])
        }
        Corrected::Talk { dimension, aspect: a, old, new } => {
            ("talk", vec![("aspect", aspect(dimension, a)), ("old", yes_no(old)), ("new", yes_no(new))])
        }
        Corrected::Remark { dimension, aspect: a, old, new } => {
            ("remark", vec![("aspect", aspect(dimension, a)), ("old", text(old)), ("new", text(new))])
        }
        Corrected::Mark { dimension, old, new } => (
            "mark",
            vec![
                ("dimension", s.get(&format!("dimension_short.{dimension}")).to_string()),
                ("old", mark(old)),
                ("new", mark(new)),
            ],
        ),
        Corrected::Ladder { old, new } => ("ladder", vec![("old", score(old)), ("new", score(new))]),
        Corrected::Wish { old, new } => ("wish", vec![("old", text(old)), ("new", text(new))]),
        Corrected::Need { old, new } => ("need", vec![("old", text(old)), ("new", text(new))]),
        Corrected::Withdrawn => ("withdrawn", Vec::new()),
        Corrected::Restored => ("restored", Vec::new()),
    };
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    s.fill(&format!("health_change.{key}"), &fields)
}

/// The mark of a line of the history: ⊘ a withdrawal, ↺ its restoring, ✎ a correction.
fn symbol(c: &Correction) -> &'static str {
    if c.changes.contains(&Corrected::Withdrawn) {
        "⊘"
    } else if c.changes.contains(&Corrected::Restored) {
        "↺"
    } else {
        "✎"
    }
}

/// One correction on one line: the day, the coach, what changed and why.
pub fn history_line(c: &Correction, s: &Strings) -> String {
    let changes: Vec<String> = c.changes.iter().map(|x| change(x, s)).collect();
    let mut line = format!("{} {} {}: {}", symbol(c), format_date(c.on), c.coach, changes.join("; "));
    if !c.reason.is_empty() {
        line.push_str(&s.fill("health.history_reason", &[("reason", &c.reason)]));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use chrono::{DateTime, NaiveDate};

    #[test]
    fn changes_read_in_dutch_with_old_and_new() {
        let s = Strings::new(Lang::Nl);
        let score = Corrected::Score { dimension: 2, aspect: 1, old: Some(7), new: None };
        assert_eq!(change(&score, &s), "Levenslust 7 → –");
        let mark = Corrected::Mark { dimension: 2, old: Some(65), new: Some(50) };
        assert_eq!(change(&mark, &s), "cijfer Zingeving 6,5 → 5,0");
        let c = Correction {
            on: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            at: DateTime::UNIX_EPOCH,
            coach: "Sanne".into(),
            reason: "typefout".into(),
            changes: vec![score, mark],
        };
        assert_eq!(
            history_line(&c, &s),
            "✎ 24-11-2026 Sanne: Levenslust 7 → –; cijfer Zingeving 6,5 → 5,0 · reden: typefout"
        );
        let w = Correction { changes: vec![Corrected::Withdrawn], ..c };
        assert!(history_line(&w, &s).starts_with("⊘ 24-11-2026 Sanne: ingetrokken"), "{}", history_line(&w, &s));
        let en = Strings::new(Lang::En);
        assert_eq!(change(&Corrected::Ladder { old: Some(2), new: Some(3) }, &en), "ladder step 2 → 3");
    }
}
