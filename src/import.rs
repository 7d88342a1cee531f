//! `meedoen import-referrals FILE.csv`: a referral list as Dutch spreadsheets save it
//! (semicolon-separated, UTF-8 with or without BOM, a header row naming the columns).
//!
//! Good rows become referred participants; every bad row is reported with its line number and
//! reason and is not imported; rows that repeat someone already known are skipped and reported.

use std::collections::HashSet;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::fold::fold;
use crate::domain::name::split_prefix;
use crate::domain::participant::format_number;
use crate::domain::validate::{Postcode, clean_text, parse_date, parse_date_of_birth, parse_email, parse_phone};
use crate::domain::{Gender, Participant, ParticipantId, Status};
use crate::store::Store;

/// The columns meedoen knows, with every header that names them (compared folded and trimmed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Given,
    Prefix,
    Family,
    Birth,
    Gender,
    Phone,
    Email,
    Street,
    HouseNumber,
    Postcode,
    Place,
    Neighbourhood,
    Municipality,
    ReferralSource,
    ReferralDate,
    Coach,
    Notes,
}

const HEADERS: &[(Col, &[&str])] = &[
    (Col::Given, &["voornamen", "voornaam", "given_names", "given names", "first_name"]),
    (Col::Prefix, &["tussenvoegsel", "tussenvoegsels", "prefix"]),
    (Col::Family, &["achternaam", "family_name", "family name", "last_name", "surname"]),
    (Col::Birth, &["geboortedatum", "date_of_birth", "date of birth", "birth_date"]),
    (Col::Gender, &["geslacht", "gender"]),
    (Col::Phone, &["telefoon", "telefoonnummer", "phone", "telephone"]),
    (Col::Email, &["e-mail", "email", "e-mailadres", "emailadres"]),
    (Col::Street, &["straat", "street"]),
    (Col::HouseNumber, &["huisnummer", "house_number", "house number"]),
    (Col::Postcode, &["postcode", "postal_code", "zip"]),
    (Col::Place, &["woonplaats", "plaats", "place", "city"]),
    (Col::Neighbourhood, &["wijk", "neighbourhood", "neighborhood"]),
    (Col::Municipality, &["gemeente", "municipality"]),
    (Col::ReferralSource, &["verwijzer", "bron", "aangemeld door", "referral_source", "referred_by"]),
    (Col::ReferralDate, &["aanmelddatum", "verwijsdatum", "referral_date"]),
    (Col::Coach, &["coach"]),
    (Col::Notes, &["opmerkingen", "opmerking", "notities", "notes"]),
];

const REQUIRED: &[(Col, &str)] =
    &[(Col::Given, "voornamen"), (Col::Family, "achternaam"), (Col::Birth, "geboortedatum")];

/// What an import did, for the coach to read.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Participant number and listed name of everyone imported.
    pub imported: Vec<(u32, String)>,
    /// Line number in the file and the reason, for every row not imported.
    pub bad_rows: Vec<(u64, String)>,
    /// Line number and the name of rows skipped because the person is already known.
    pub duplicates: Vec<(u64, String)>,
    /// Header names meedoen does not know (ignored).
    pub unknown_columns: Vec<String>,
}

impl ImportReport {
    pub fn render(&self, file: &Path) -> String {
        let mut s = format!("{} referrals imported from {}", self.imported.len(), file.display());
        let numbered: Vec<u32> = self.imported.iter().map(|(n, _)| *n).filter(|n| *n != 0).collect();
        if let (Some(first), Some(last)) = (numbered.first(), numbered.last()) {
            s.push_str(&format!(" (numbers {} to {})", format_number(*first), format_number(*last)));
        }
        let pending = self.imported.len() - numbered.len();
        if pending > 0 {
            s.push_str(&format!(
                "; {pending} wait for a number (this computer has no confirmed number block of the team yet: they get one at the next sync)"
            ));
        }
        s.push('\n');
        if !self.unknown_columns.is_empty() {
            s.push_str(&format!("ignored unknown columns: {}\n", self.unknown_columns.join(", ")));
        }
        for (line, name) in &self.duplicates {
            s.push_str(&format!("line {line}: {name} is already in the caseload; skipped\n"));
        }
        for (line, reason) in &self.bad_rows {
            s.push_str(&format!("line {line}: not imported: {reason}\n"));
        }
        s
    }
}

use crate::domain::participant::identity;

/// A column header as compared: folded, spaces collapsed.
fn key(name: &str) -> String {
    fold(name.trim()).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads the CSV in `bytes` and adds the good rows to `store` in one transaction.
pub fn import_referrals(
    store: &Store,
    bytes: &[u8],
    today: NaiveDate,
    now: DateTime<Utc>,
    coach: &str,
) -> anyhow::Result<ImportReport> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = reader.headers().map_err(|e| anyhow::anyhow!("the file has no readable header row ({e})"))?.clone();
    let mut columns: Vec<Option<Col>> = Vec::new();
    let mut report = ImportReport::default();
    for h in headers.iter() {
        let name = key(h);
        let col = HEADERS.iter().find(|(_, names)| names.contains(&name.as_str())).map(|(c, _)| *c);
        if col.is_none() && !name.is_empty() {
            report.unknown_columns.push(h.to_string());
        }
        columns.push(col);
    }
    let missing: Vec<&str> =
        REQUIRED.iter().filter(|(c, _)| !columns.contains(&Some(*c))).map(|(_, name)| *name).collect();
    if !missing.is_empty() {
        anyhow::bail!(
            "the header row lacks the column{} {} (English names given_names, family_name, date_of_birth also work)",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", ")
        );
    }
    let known: HashSet<_> =
        store.participants()?.iter().map(|p| identity(&p.given_names, &p.family_name, p.date_of_birth)).collect();
    let mut seen = HashSet::new();
    let mut new = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                report.bad_rows.push((line, format!("unreadable row ({e})")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |c: Col| columns.iter().position(|x| *x == Some(c)).and_then(|i| record.get(i)).unwrap_or("").trim();
        match row_to_participant(&get, today, now, coach) {
            Ok(p) => {
                let id = identity(&p.given_names, &p.family_name, p.date_of_birth);
                if known.contains(&id) || !seen.insert(id) {
                    report.duplicates.push((line, p.listed_name()));
                } else {
                    new.push(p);
                }
            }
            Err(reason) => report.bad_rows.push((line, reason)),
        }
    }
    let saved = store.add_participants(new)?;
    report.imported = saved.iter().map(|p| (p.number, p.listed_name())).collect();
    Ok(report)
}

fn row_to_participant<'a>(
    get: &dyn Fn(Col) -> &'a str,
    today: NaiveDate,
    now: DateTime<Utc>,
    coach: &str,
) -> Result<Participant, String> {
    let mut problems = Vec::new();
    let text = |c: Col, column: &str, problems: &mut Vec<String>| match clean_text(get(c)) {
        Ok(t) => t,
        Err(_) => {
            problems.push(format!("{column} is too long"));
            String::new()
        }
    };
    let mut p = Participant::new(ParticipantId::new_random(), 0, now);
    p.given_names = text(Col::Given, "voornamen", &mut problems);
    p.prefix = text(Col::Prefix, "tussenvoegsel", &mut problems);
    p.family_name = text(Col::Family, "achternaam", &mut problems);
    if p.prefix.is_empty()
        && let Some((prefix, family)) = split_prefix(&p.family_name)
    {
        p.prefix = prefix;
        p.family_name = family;
    }
    if p.given_names.is_empty() {
        problems.push("voornamen is empty".into());
    }
    if p.family_name.is_empty() {
        problems.push("achternaam is empty".into());
    }
    let birth = get(Col::Birth);
    if !birth.is_empty() {
        match parse_date_of_birth(birth, today) {
            Ok(d) => p.date_of_birth = Some(d),
            Err(e) => problems.push(format!("geboortedatum '{birth}' {}", why(e))),
        }
    }
    let gender = get(Col::Gender);
    match Gender::parse(gender) {
        Some(g) => p.gender = g,
        None => problems.push(format!("geslacht '{gender}' is not v, m, x or onbekend")),
    }
    let phone = get(Col::Phone);
    if !phone.is_empty() {
        match parse_phone(phone) {
            Ok(ph) => p.phone = ph,
            Err(_) => problems.push(format!("telefoon '{phone}' is not a Dutch phone number (06…, 0xx…, +31…)")),
        }
    }
    let email = get(Col::Email);
    if !email.is_empty() {
        match parse_email(email) {
            Ok(e) => p.email = e,
            Err(_) => problems.push(format!("e-mail '{email}' is not an e-mail address")),
        }
    }
    let postcode = get(Col::Postcode);
    if !postcode.is_empty() {
        match Postcode::parse(postcode) {
            Ok(pc) => p.address.postcode = Some(pc),
            Err(_) => problems.push(format!("postcode '{postcode}' is not a Dutch postcode (1234 AB)")),
        }
    }
    p.address.street = text(Col::Street, "straat", &mut problems);
    p.address.house_number = text(Col::HouseNumber, "huisnummer", &mut problems);
    p.address.place = text(Col::Place, "woonplaats", &mut problems);
    p.neighbourhood = text(Col::Neighbourhood, "wijk", &mut problems);
    p.municipality = text(Col::Municipality, "gemeente", &mut problems);
    p.referral.source = text(Col::ReferralSource, "verwijzer", &mut problems);
    let referral_date = get(Col::ReferralDate);
    p.referral.date = if referral_date.is_empty() {
        Some(today)
    } else {
        match parse_date(referral_date) {
            Ok(d) if d > today => {
                problems.push(format!("aanmelddatum '{referral_date}' lies in the future"));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                problems.push(format!("aanmelddatum '{referral_date}' {}", why(e)));
                None
            }
        }
    };
    let row_coach = text(Col::Coach, "coach", &mut problems);
    p.coach = if row_coach.is_empty() { coach.to_string() } else { row_coach };
    p.notes = text(Col::Notes, "opmerkingen", &mut problems);
    p.status = Status::Referred;
    if problems.is_empty() { Ok(p) } else { Err(problems.join("; ")) }
}

fn why(e: crate::domain::validate::Invalid) -> &'static str {
    use crate::domain::validate::Invalid;
    match e {
        Invalid::DateNotExisting => "is not a date that exists",
        Invalid::DateInFuture => "lies in the future",
        Invalid::DateTooOld => "is more than 120 years ago",
        _ => "is not a date (dd-mm-jjjj)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> (NaiveDate, DateTime<Utc>) {
        (NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), Utc::now())
    }

    fn run(store: &Store, csv: &str) -> anyhow::Result<ImportReport> {
        let (today, now) = day();
        import_referrals(store, csv.as_bytes(), today, now, "Sanne")
    }

    #[test]
    fn dutch_spreadsheet_with_bom_and_a_bad_row() {
        let store = Store::temporary().unwrap();
        let csv = "\u{feff}Voornamen;Tussenvoegsel;Achternaam;Geboortedatum;Telefoon;Postcode;Afdeling\n\
                   Jan;van der;Berg;03-02-1970;06-12345678;7411ab;Werk\n\
                   Fatma;;Öztürk;31-02-1966;;;\n\
                   Piet;;Jansen;1980-05-01;;9999 SS;\n\
                   \"Anna; Maria\";de;Vries;1-1-1990;;;\n";
        let r = run(&store, csv).unwrap();
        assert_eq!(r.imported.len(), 2);
        assert_eq!(r.imported[0].1, "Berg, Jan van der");
        assert_eq!(r.imported[1].1, "Vries, Anna; Maria de");
        assert_eq!(r.unknown_columns, vec!["Afdeling".to_string()]);
        assert_eq!(r.bad_rows.len(), 2);
        assert_eq!(r.bad_rows[0].0, 3);
        assert!(r.bad_rows[0].1.contains("geboortedatum '31-02-1966'"), "{}", r.bad_rows[0].1);
        assert_eq!(r.bad_rows[1].0, 4);
        assert!(r.bad_rows[1].1.contains("postcode"));
        let jan = store.participant_by_number(r.imported[0].0).unwrap();
        assert_eq!(jan.status, Status::Referred);
        assert_eq!(jan.coach, "Sanne");
        assert_eq!(jan.address.postcode.unwrap().as_str(), "7411 AB");
        assert_eq!(jan.referral.date, Some(day().0));
    }

    #[test]
    fn english_headers_and_a_prefix_inside_the_family_name() {
        let store = Store::temporary().unwrap();
        let r = run(&store, "given_names;family_name;date_of_birth\nJan;van den Berg;1970-02-03\n").unwrap();
        let jan = store.participant_by_number(r.imported[0].0).unwrap();
        assert_eq!((jan.prefix.as_str(), jan.family_name.as_str()), ("van den", "Berg"));
    }

    #[test]
    fn missing_required_column_is_one_clear_sentence() {
        let store = Store::temporary().unwrap();
        let err = run(&store, "voornamen;achternaam\nJan;Berg\n").unwrap_err().to_string();
        assert!(err.contains("geboortedatum"), "{err}");
        assert_eq!(store.participant_count(), 0);
    }

    #[test]
    fn duplicates_in_the_file_and_in_the_store_are_skipped() {
        let store = Store::temporary().unwrap();
        let csv = "voornamen;achternaam;geboortedatum\nJan;Berg;03-02-1970\njan;BERG;3-2-1970\n";
        let r = run(&store, csv).unwrap();
        assert_eq!((r.imported.len(), r.duplicates.len()), (1, 1));
        let again = run(&store, csv).unwrap();
        assert_eq!((again.imported.len(), again.duplicates.len()), (0, 2));
        assert_eq!(store.participant_count(), 1);
    }
}
