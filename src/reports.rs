//! Period reports out of the store: the same figures as rows for the screen and as text, CSV
//! (the Dutch spreadsheet dialect) and JSON; and the ESF+ participant list.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::health::DIMENSIONS;
use crate::domain::report::{Inputs, Ratio, Report, compute, entry_date};
use crate::domain::validate::format_date;
use crate::i18n::Strings;
use crate::store::{Store, StoreError};

/// Everything the report reads, loaded once (the screen keeps it while the period changes).
pub struct Loaded {
    pub participants: Vec<crate::domain::Participant>,
    pub trajectories: Vec<crate::domain::trajectory::Trajectory>,
    pub contacts: Vec<crate::domain::contact::Contact>,
    pub goals: Vec<crate::domain::goal::Goal>,
    pub assessments: Vec<crate::domain::health::Assessment>,
    pub modules: Vec<crate::domain::module::Module>,
    pub enrolments: Vec<crate::domain::module::Enrolment>,
    pub attendance: Vec<crate::domain::module::Attendance>,
    pub closures: Vec<crate::domain::module::Closure>,
}

impl Loaded {
    pub fn load(store: &Store) -> Result<Loaded, StoreError> {
        Ok(Loaded {
            participants: store.participants()?,
            trajectories: store.trajectories()?,
            contacts: store.contacts()?,
            goals: store.all_goals()?,
            assessments: store.all_assessments()?,
            modules: store.modules()?,
            enrolments: store.enrolments()?,
            attendance: store.attendance()?,
            closures: store.closures()?,
        })
    }

    pub fn report(&self, from: NaiveDate, to: NaiveDate, coach: Option<&str>) -> Report {
        let inputs = Inputs {
            participants: &self.participants,
            trajectories: &self.trajectories,
            contacts: &self.contacts,
            goals: &self.goals,
            assessments: &self.assessments,
            modules: &self.modules,
            enrolments: &self.enrolments,
            attendance: &self.attendance,
            closures: &self.closures,
        };
        compute(&inputs, from, to, coach)
    }
}

/// How a row's value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Unit {
    Count,
    Share,
    Mean,
    Days,
}

/// One figure as a table row: section, figure, value, and what it was computed over.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub section: String,
    pub figure: String,
    pub value: Option<f64>,
    pub unit: Unit,
    pub numerator: Option<f64>,
    pub denominator: Option<usize>,
}

/// The report as rows, labelled in the coach's language, in the order the screen shows them.
pub fn rows(r: &Report, s: &Strings) -> Vec<Row> {
    let mut out = Vec::new();
    let mut sec = String::new();
    let count = |out: &mut Vec<Row>, sec: &str, fig: String, n: usize| {
        out.push(Row {
            section: sec.to_string(),
            figure: fig,
            value: Some(n as f64),
            unit: Unit::Count,
            numerator: None,
            denominator: None,
        })
    };
    let ratio = |out: &mut Vec<Row>, sec: &str, fig: String, x: Ratio, unit: Unit| {
        out.push(Row {
            section: sec.to_string(),
            figure: fig,
            value: x.value,
            unit,
            numerator: Some(x.numerator),
            denominator: Some(x.denominator),
        })
    };
    sec.push_str(s.get("report.sec_reach"));
    count(&mut out, &sec, s.get("report.reached").into(), r.reached);
    count(&mut out, &sec, s.get("report.new").into(), r.new);
    count(&mut out, &sec, s.get("report.active").into(), r.active);
    count(&mut out, &sec, s.get("report.closed").into(), r.closed);
    for (m, n) in &r.by_municipality {
        count(&mut out, &sec, s.fill("report.in_municipality", &[("name", m)]), *n);
    }
    for (m, n) in &r.by_neighbourhood {
        count(&mut out, &sec, s.fill("report.in_neighbourhood", &[("name", m)]), *n);
    }
    let sec = s.get("report.sec_contacts");
    count(&mut out, sec, s.get("report.contacts").into(), r.contacts);
    ratio(&mut out, sec, s.get("report.contacts_per_month").into(), r.contacts_per_participant_month, Unit::Mean);
    ratio(&mut out, sec, s.get("report.failed_attempts").into(), r.failed_attempts, Unit::Share);
    let sec = s.get("report.sec_goals");
    ratio(&mut out, sec, s.get("report.goals_achieved").into(), r.goals_achieved, Unit::Share);
    ratio(&mut out, sec, s.get("report.people_goal_achieved").into(), r.participants_with_goal_achieved, Unit::Share);
    let sec = s.get("report.sec_health");
    for h in &r.health {
        let dim = s.get(&format!("dimension_short.{}", h.dimension)).to_string();
        ratio(&mut out, sec, s.fill("report.mean_change", &[("dim", &dim)]), h.mean_change, Unit::Mean);
        ratio(&mut out, sec, s.fill("report.improved", &[("dim", &dim)]), h.improved, Unit::Share);
        ratio(&mut out, sec, s.fill("report.declined", &[("dim", &dim)]), h.declined, Unit::Share);
    }
    ratio(&mut out, sec, s.get("report.ladder_up").into(), r.ladder_up, Unit::Share);
    ratio(&mut out, sec, s.get("report.ladder_same").into(), r.ladder_same, Unit::Share);
    ratio(&mut out, sec, s.get("report.ladder_down").into(), r.ladder_down, Unit::Share);
    let sec = s.get("report.sec_modules");
    for m in &r.modules {
        ratio(&mut out, sec, s.fill("report.attendance", &[("module", &m.module)]), m.attendance, Unit::Share);
        ratio(&mut out, sec, s.fill("report.completion", &[("module", &m.module)]), m.completion, Unit::Share);
    }
    let sec = s.get("report.sec_exit");
    for (code, n) in &r.outcomes {
        count(&mut out, sec, s.get(&format!("outcome.{code}")).into(), *n);
    }
    ratio(&mut out, sec, s.get("report.duration").into(), r.mean_duration_days, Unit::Days);
    ratio(&mut out, sec, s.get("report.extended").into(), r.extended, Unit::Share);
    let sec = s.get("report.sec_esf_entry");
    for (name, code, n) in &r.esf_entry {
        let label = format!("{}: {}", s.get(&format!("report.esf.{name}")), esf_answer(s, name, code));
        count(&mut out, sec, label, *n);
    }
    let sec = s.get("report.sec_esf_exit");
    for (name, code, n) in &r.esf_exit {
        let label = format!("{}: {}", s.get(&format!("esf.{name}")), s.get(&format!("esf_yes_no.{code}")));
        let label = if matches!(*code, "not_asked" | "declined") {
            format!("{}: {}", s.get(&format!("esf.{name}")), s.get(&format!("esf.{code}")))
        } else {
            label
        };
        count(&mut out, sec, label, *n);
    }
    out
}

fn esf_answer(s: &Strings, name: &str, code: &str) -> String {
    if matches!(code, "not_asked" | "declined") {
        return s.get(&format!("esf.{code}")).to_string();
    }
    match name {
        "gender" => s.get(&format!("gender.{code}")).to_string(),
        "age_band" => s.get(&format!("report.age.{code}")).to_string(),
        "labour_status" => s.get(&format!("esf_labour.{code}")).to_string(),
        "education" => s.get(&format!("esf_education.{code}")).to_string(),
        _ => s.get(&format!("esf_yes_no.{code}")).to_string(),
    }
}

/// A number with a decimal comma (the Dutch way) and `places` decimals.
pub fn comma(x: f64, places: usize) -> String {
    format!("{x:.places$}").replace('.', ",")
}

/// The value as the screen and the text show it: "42,9%", "1,8", "12".
pub fn show(row: &Row, s: &Strings) -> String {
    match (row.value, row.unit) {
        (None, _) => s.get("report.no_data").to_string(),
        (Some(v), Unit::Count) => format!("{v:.0}"),
        (Some(v), Unit::Share) => format!("{}%", comma(v * 100.0, 1)),
        (Some(v), Unit::Mean) => comma(v, 2),
        (Some(v), Unit::Days) => format!("{} {}", comma(v, 0), s.get("report.days")),
    }
}

/// "3 van 7" / "over 7": what a figure was computed over.
pub fn basis(row: &Row, s: &Strings) -> String {
    match (row.unit, row.numerator, row.denominator) {
        (Unit::Share, Some(n), Some(d)) => s.fill("report.n_of", &[("n", &format!("{n:.0}")), ("d", &d.to_string())]),
        (_, _, Some(d)) => s.fill("report.over", &[("d", &d.to_string())]),
        _ => String::new(),
    }
}

pub fn text(r: &Report, s: &Strings) -> String {
    let mut out = s.fill("report.title", &[("from", &format_date(r.from)), ("to", &format_date(r.to))]);
    out.push('\n');
    if let Some(c) = &r.coach {
        out.push_str(&s.fill("report.for_coach", &[("coach", c)]));
        out.push('\n');
    }
    if r.reached == 0 {
        out.push_str(s.get("report.empty"));
        out.push('\n');
    }
    let mut section = String::new();
    for row in rows(r, s) {
        if row.section != section {
            section = row.section.clone();
            out.push_str(&format!("\n{section}\n"));
        }
        out.push_str(&format!("  {:<58} {:>12}  {}\n", row.figure, show(&row, s), basis(&row, s)));
    }
    out
}

fn csv_bytes(header: &[&str], records: Vec<Vec<String>>) -> Result<Vec<u8>, StoreError> {
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    let err = |e: csv::Error| StoreError::Backend(format!("cannot write CSV: {e}"));
    w.write_record(header).map_err(err)?;
    for r in records {
        w.write_record(&r).map_err(err)?;
    }
    let body = w.into_inner().map_err(|e| StoreError::Backend(format!("cannot write CSV: {e}")))?;
    let mut out = "\u{feff}".as_bytes().to_vec();
    out.extend(body);
    Ok(out)
}

/// The report table for the office spreadsheet: UTF-8 with BOM, semicolons, decimal commas.
pub fn csv(r: &Report, s: &Strings) -> Result<Vec<u8>, StoreError> {
    let num = |x: Option<f64>, places| x.map(|v| comma(v, places)).unwrap_or_default();
    let records = rows(r, s)
        .into_iter()
        .map(|row| {
            let places = if row.unit == Unit::Count { 0 } else { 4 };
            vec![
                format_date(r.from),
                format_date(r.to),
                row.section.clone(),
                row.figure.clone(),
                num(row.value, places),
                num(row.numerator, 2),
                row.denominator.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    let h = ["report.col_from", "report.col_to", "report.col_section", "report.col_figure", "report.col_value"];
    let mut header: Vec<&str> = h.iter().map(|k| s.get(k)).collect();
    header.push(s.get("report.col_numerator"));
    header.push(s.get("report.col_denominator"));
    csv_bytes(&header, records)
}

pub fn json(r: &Report) -> Result<Vec<u8>, StoreError> {
    let mut out = serde_json::to_vec_pretty(r).map_err(|e| StoreError::Backend(format!("cannot write JSON: {e}")))?;
    out.push(b'\n');
    Ok(out)
}

/// The participants an ESF+ list over `r` holds, by number.
pub fn esf_people<'a>(data: &'a Loaded, r: &Report) -> Vec<&'a crate::domain::Participant> {
    let ids: std::collections::HashMap<_, _> = data.trajectories.iter().map(|t| (t.participant, t)).collect();
    let mut people: Vec<&crate::domain::Participant> = data
        .participants
        .iter()
        .filter(|p| r.coach.as_deref().is_none_or(|c| p.coach.trim().eq_ignore_ascii_case(c.trim())))
        .filter(|p| {
            let end = ids.get(&p.id).and_then(|t| t.closing.as_ref()).map(|c| c.end_date);
            entry_date(p) <= r.to && (p.status != crate::domain::Status::Closed || end.is_none_or(|e| e >= r.from))
        })
        .collect();
    people.sort_by_key(|p| p.number);
    people
}

/// The ESF+ participant list: everyone reached in the period with entry and exit data; names
/// only when asked for.
pub fn esf_list(data: &Loaded, r: &Report, with_names: bool) -> Result<Vec<u8>, StoreError> {
    let ids: std::collections::HashMap<_, _> = data.trajectories.iter().map(|t| (t.participant, t)).collect();
    let people = esf_people(data, r);
    let mut header = vec!["deelnemernummer"];
    if with_names {
        header.push("naam");
    }
    header.extend([
        "startdatum",
        "einddatum",
        "geslacht",
        "leeftijdsgroep",
        "arbeidsmarktpositie",
        "opleidingsniveau",
        "beperking",
        "migratieachtergrond",
        "dakloos",
        "zoekt_werk",
        "in_opleiding",
        "kwalificatie",
        "werkt",
        "uitstroom",
    ]);
    let records = people
        .iter()
        .map(|p| {
            let t = ids.get(&p.id);
            let closing = t.and_then(|t| t.closing.as_ref()).filter(|_| p.status == crate::domain::Status::Closed);
            let exit = t.map(|t| t.esf_exit).unwrap_or_default();
            let e = p.esf_entry;
            let mut rec = vec![crate::domain::participant::format_number(p.number)];
            if with_names {
                rec.push(p.listed_name());
            }
            let entry = entry_date(p);
            rec.extend([
                format_date(entry),
                closing.map(|c| format_date(c.end_date)).unwrap_or_default(),
                p.gender.code().to_string(),
                crate::domain::esf::AgeBand::of(p.date_of_birth, entry).code().to_string(),
                e.labour.code().to_string(),
                e.education.code().to_string(),
                e.disability.code().to_string(),
                e.foreign_background.code().to_string(),
                e.homeless.code().to_string(),
            ]);
            if closing.is_some() {
                rec.extend(
                    [exit.searching_work, exit.in_education, exit.qualification, exit.employed]
                        .map(|x| x.code().to_string()),
                );
            } else {
                rec.extend([String::new(), String::new(), String::new(), String::new()]);
            }
            rec.push(closing.map(|c| c.outcome.code().to_string()).unwrap_or_default());
            rec
        })
        .collect();
    csv_bytes(&header, records)
}

/// The dimensions' group means at the first and latest conversation, for the spider web.
pub fn mean_webs(r: &Report) -> ([Option<f64>; DIMENSIONS], [Option<f64>; DIMENSIONS]) {
    let mut first = [None; DIMENSIONS];
    let mut latest = [None; DIMENSIONS];
    for h in &r.health {
        first[h.dimension] = h.mean_first;
        latest[h.dimension] = h.mean_latest;
    }
    (first, latest)
}
