//! `meedoen report` on demo data: every section has numbers, the three formats agree, and the
//! CSV files open in a real spreadsheet reader (pandas, reading them the way Dutch office
//! spreadsheets save CSV) with the expected columns and numbers.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::run_meedoen;

fn meedoen(dir: &Path, args: &[&str]) -> Output {
    run_meedoen(dir, args)
}

fn demo(tmp: &Path) -> std::path::PathBuf {
    let dir = tmp.join("caseload");
    let out = meedoen(&dir, &["demo", "--participants", "150", "--seed", "3"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    dir
}

fn period() -> (String, String) {
    let today = chrono::Local::now().date_naive();
    let from = today - chrono::Duration::days(730);
    (from.format("%d-%m-%Y").to_string(), today.format("%d-%m-%Y").to_string())
}

#[test]
fn every_section_of_the_demo_report_has_numbers_and_the_formats_agree() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = demo(tmp.path());
    let (from, to) = period();
    let out = meedoen(&dir, &["report", "--from", &from, "--to", &to, "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["reached"].as_u64().unwrap() > 100);
    assert!(v["closed"].as_u64().unwrap() > 0);
    assert!(v["contacts"].as_u64().unwrap() > 0);
    for k in ["failed_attempts", "goals_achieved", "participants_with_goal_achieved", "ladder_up", "mean_duration_days"]
    {
        assert!(v[k]["value"].as_f64().is_some(), "{k} has no value");
        assert!(v[k]["denominator"].as_u64().unwrap() > 0, "{k}");
    }
    assert!(v["health"].as_array().unwrap().iter().all(|h| h["mean_change"]["denominator"].as_u64().unwrap() > 0));
    assert!(v["modules"].as_array().unwrap().iter().any(|m| m["attendance"]["denominator"].as_u64().unwrap() > 0));
    assert!(v["outcomes"].as_array().unwrap().iter().any(|o| o[1].as_u64().unwrap() > 0));
    assert!(v["esf_entry"].as_array().unwrap().iter().any(|e| e[0] == "labour_status" && e[2].as_u64().unwrap() > 0));
    assert!(v["esf_exit"].as_array().unwrap().iter().any(|e| e[1] == "yes" && e[2].as_u64().unwrap() > 0));
    // The text says the same, with its denominator.
    let text = String::from_utf8(meedoen(&dir, &["report", "--from", &from, "--to", &to]).stdout).unwrap();
    let failed = v["failed_attempts"]["numerator"].as_f64().unwrap();
    let contacts = v["contacts"].as_u64().unwrap();
    assert!(text.contains(&format!("{failed:.0} van {contacts}")), "{text}");
    // One coach's caseload is smaller.
    let out = meedoen(&dir, &["--coach", "Sanne de Vries", "report", "--from", &from, "--to", &to, "--format", "json"]);
    let mine: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(mine["reached"].as_u64().unwrap() < v["reached"].as_u64().unwrap());
    // An empty period: zeros, a note, no division by zero.
    let text =
        String::from_utf8(meedoen(&dir, &["report", "--from", "01-01-1990", "--to", "31-12-1990"]).stdout).unwrap();
    assert!(text.contains("Geen deelnemers in deze periode") && text.contains("geen gegevens"), "{text}");
    let out = meedoen(&dir, &["report", "--from", "31-12-2026", "--to", "01-01-2026"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Reads a CSV file with pandas the way a Dutch spreadsheet does (semicolons, decimal comma,
/// UTF-8 with BOM, day-first dates) and prints what it found as JSON.
fn spreadsheet(script: &str) -> Option<serde_json::Value> {
    let have = Command::new("python3").args(["-c", "import pandas"]).output().is_ok_and(|o| o.status.success());
    if !have {
        assert!(
            std::env::var_os("MEEDOEN_REQUIRE_SPREADSHEET").is_none(),
            "pandas is needed for this test (python3 -m pip install pandas)"
        );
        eprintln!("pandas not installed: the spreadsheet check did not run (.ci/run installs it)");
        return None;
    }
    let out = Command::new("python3").args(["-c", script]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn the_csv_files_open_in_a_spreadsheet_reader_with_the_right_columns_and_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = demo(tmp.path());
    let (from, to) = period();
    let csv = tmp.path().join("rapportage.csv");
    let list = tmp.path().join("esf.csv");
    assert!(
        meedoen(&dir, &["report", "--from", &from, "--to", &to, "--format", "csv", "--out", csv.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        meedoen(&dir, &["report", "--from", &from, "--to", &to, "--esf-list", "--out", list.to_str().unwrap()])
            .status
            .success()
    );
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 with BOM");
    let json: serde_json::Value =
        serde_json::from_slice(&meedoen(&dir, &["report", "--from", &from, "--to", &to, "--format", "json"]).stdout)
            .unwrap();
    let script = format!(
        r#"
import json, pandas as pd
df = pd.read_csv({csv:?}, sep=';', decimal=',', encoding='utf-8')
esf = pd.read_csv({list:?}, sep=';', encoding='utf-8', parse_dates=['startdatum'], dayfirst=True, dtype={{'deelnemernummer': str}})
row = df[df['cijfer'] == 'Aandeel mislukte pogingen'].iloc[0]
print(json.dumps({{
  'columns': list(df.columns),
  'value_is_number': bool(pd.api.types.is_float_dtype(df['waarde'])),
  'failed': float(row['waarde']),
  'denominator': int(row['noemer']),
  'esf_columns': list(esf.columns),
  'esf_rows': len(esf),
  'first_number': esf['deelnemernummer'].iloc[0],
  'first_start': esf['startdatum'].iloc[0].strftime('%Y-%m-%d'),
  'date_is_date': bool(pd.api.types.is_datetime64_any_dtype(esf['startdatum'])),
}}))
"#,
        csv = csv.to_str().unwrap(),
        list = list.to_str().unwrap()
    );
    let Some(sheet) = spreadsheet(&script) else { return };
    assert_eq!(
        sheet["columns"],
        serde_json::json!(["van", "tot en met", "onderdeel", "cijfer", "waarde", "teller", "noemer"])
    );
    assert_eq!(sheet["value_is_number"], true, "decimal commas read as numbers");
    let expected = json["failed_attempts"]["value"].as_f64().unwrap();
    assert!((sheet["failed"].as_f64().unwrap() - expected).abs() < 1e-4, "{sheet} vs {expected}");
    assert_eq!(sheet["denominator"].as_u64(), json["contacts"].as_u64());
    assert_eq!(sheet["esf_columns"][0], "deelnemernummer");
    assert!(!sheet["esf_columns"].as_array().unwrap().iter().any(|c| c == "naam"), "no names unless asked");
    assert_eq!(sheet["esf_rows"].as_u64(), json["reached"].as_u64());
    assert_eq!(sheet["date_is_date"], true, "dd-mm-jjjj read as dates");
    // The first participant's entry date, read day-first, is the one meedoen exported.
    let export: serde_json::Value = serde_json::from_slice(&meedoen(&dir, &["export"]).stdout).unwrap();
    let first =
        export["participants"].as_array().unwrap().iter().find(|p| p["number"] == sheet["first_number"]).unwrap();
    let start = first["start_date"].as_str().or(first["referral"]["date"].as_str()).unwrap();
    assert_eq!(sheet["first_start"].as_str().unwrap(), start);
    // With names when asked.
    let out = meedoen(&dir, &["report", "--from", &from, "--to", &to, "--esf-list", "--with-names"]);
    assert!(String::from_utf8_lossy(&out.stdout).lines().next().unwrap().contains(";naam;"));
}
