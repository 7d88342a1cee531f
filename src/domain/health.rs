//! Positive Health: the instrument (six dimensions of seven aspects, in meedoen's own wording,
//! shipped in assets/) and an assessment: the participant's scores, what they want to talk
//! about, their own mark per dimension, the step on the participation ladder and their answers.

use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ParticipantId;
use super::lang::Lang;

pub mod correction;

pub use correction::{Corrected, Correction, counted, differences};

pub const DIMENSIONS: usize = 6;
pub const ASPECTS: usize = 7;

#[derive(Debug, Clone, Deserialize)]
pub struct Aspect {
    pub key: String,
    pub nl: String,
    pub en: String,
    pub nl_prompt: String,
    pub en_prompt: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Dimension {
    pub key: String,
    pub nl: String,
    pub en: String,
    pub aspects: Vec<Aspect>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Instrument {
    #[serde(rename = "dimension")]
    pub dimensions: Vec<Dimension>,
}

const SOURCE: &str = include_str!("../../assets/positive_health/instrument.toml");

impl Instrument {
    /// The instrument shipped in the binary (parsed once).
    pub fn get() -> &'static Instrument {
        static INSTRUMENT: OnceLock<Instrument> = OnceLock::new();
        INSTRUMENT.get_or_init(|| Instrument::parse(SOURCE).unwrap_or(Instrument { dimensions: Vec::new() }))
    }

    pub fn parse(src: &str) -> Result<Instrument, toml::de::Error> {
        toml::from_str(src)
    }

    pub fn dimension_name(&self, d: usize, lang: Lang) -> &str {
        self.dimensions.get(d).map_or("?", |x| if lang == Lang::En { &x.en } else { &x.nl })
    }

    pub fn aspect(&self, d: usize, a: usize) -> Option<&Aspect> {
        self.dimensions.get(d).and_then(|x| x.aspects.get(a))
    }

    pub fn aspect_label(&self, d: usize, a: usize, lang: Lang) -> &str {
        self.aspect(d, a).map_or("?", |x| if lang == Lang::En { &x.en } else { &x.nl })
    }

    pub fn aspect_prompt(&self, d: usize, a: usize, lang: Lang) -> &str {
        self.aspect(d, a).map_or("", |x| if lang == Lang::En { &x.en_prompt } else { &x.nl_prompt })
    }
}

/// The six rungs of the participation ladder.
pub const LADDER: [&str; 6] = ["ladder.1", "ladder.2", "ladder.3", "ladder.4", "ladder.5", "ladder.6"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AssessmentId(pub uuid::Uuid);

/// One Positive Health conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: AssessmentId,
    pub participant: ParticipantId,
    #[serde(with = "super::compact::date")]
    pub date: NaiveDate,
    /// Score 0-10 per aspect; `None` is skipped (not zero).
    pub scores: [[Option<u8>; ASPECTS]; DIMENSIONS],
    /// "I want to talk about this".
    pub talk: [[bool; ASPECTS]; DIMENSIONS],
    /// A short remark per aspect (empty when none).
    pub remarks: Vec<String>,
    /// The participant's own mark per dimension, in tenths (0-100), `None` when not given.
    pub overall: [Option<u8>; DIMENSIONS],
    /// Step on the participation ladder, 1-6.
    pub ladder: Option<u8>,
    /// "What would you like to change?"
    pub wish: String,
    /// "What do you need for that?"
    pub need: String,
    pub coach: String,
    #[serde(with = "super::compact::moment")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "super::compact::moment")]
    pub updated_at: DateTime<Utc>,
    /// Every correction since it was saved, a withdrawal and its restoring included, oldest
    /// first (added in schema 2 of the record; see [`correction`]).
    pub corrections: Vec<Correction>,
}

impl Assessment {
    pub fn new(participant: ParticipantId, date: NaiveDate, coach: &str, now: DateTime<Utc>) -> Assessment {
        Assessment {
            id: AssessmentId(uuid::Uuid::new_v4()),
            participant,
            date,
            scores: [[None; ASPECTS]; DIMENSIONS],
            talk: [[false; ASPECTS]; DIMENSIONS],
            remarks: vec![String::new(); DIMENSIONS * ASPECTS],
            overall: [None; DIMENSIONS],
            ladder: None,
            wish: String::new(),
            need: String::new(),
            coach: coach.to_string(),
            created_at: now,
            updated_at: now,
            corrections: Vec::new(),
        }
    }

    pub fn remark(&self, d: usize, a: usize) -> &str {
        self.remarks.get(d * ASPECTS + a).map_or("", String::as_str)
    }

    pub fn set_remark(&mut self, d: usize, a: usize, text: String) {
        if self.remarks.len() < DIMENSIONS * ASPECTS {
            self.remarks.resize(DIMENSIONS * ASPECTS, String::new());
        }
        if let Some(r) = self.remarks.get_mut(d * ASPECTS + a) {
            *r = text;
        }
    }

    /// Mean of the answered aspects of a dimension, in tenths, rounded to one decimal.
    pub fn mean_tenths(&self, d: usize) -> Option<u8> {
        let answered: Vec<u32> = self.scores.get(d)?.iter().flatten().map(|&s| u32::from(s)).collect();
        if answered.is_empty() {
            return None;
        }
        let sum: u32 = answered.iter().sum();
        // Round half up to one decimal: tenths = round(10 * sum / n).
        let n = answered.len() as u32;
        Some(((20 * sum + n) / (2 * n)) as u8)
    }

    /// The mark shown for a dimension: the participant's own, else the mean of the aspects.
    pub fn mark(&self, d: usize) -> Option<f64> {
        self.overall.get(d).copied().flatten().or_else(|| self.mean_tenths(d)).map(|t| f64::from(t) / 10.0)
    }

    /// Every aspect marked "I want to talk about this", as (dimension, aspect).
    pub fn talk_points(&self) -> Vec<(usize, usize)> {
        (0..DIMENSIONS).flat_map(|d| (0..ASPECTS).map(move |a| (d, a))).filter(|&(d, a)| self.talk[d][a]).collect()
    }
}

/// A mark in tenths shown with one decimal and a decimal comma in Dutch: "6,5".
pub fn format_mark(mark: Option<f64>, lang: Lang) -> String {
    match mark {
        None => "–".to_string(),
        Some(m) => {
            let s = format!("{m:.1}");
            if lang == Lang::Nl { s.replace('.', ",") } else { s }
        }
    }
}

/// The change of a dimension's mark between two assessments, with its direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    Up(f64),
    Down(f64),
    Same,
    Unknown,
}

pub fn change(before: &Assessment, after: &Assessment, d: usize) -> Change {
    match (before.mark(d), after.mark(d)) {
        (Some(a), Some(b)) if (b - a).abs() < 0.05 => Change::Same,
        (Some(a), Some(b)) if b > a => Change::Up(b - a),
        (Some(a), Some(b)) => Change::Down(a - b),
        _ => Change::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_instrument_has_six_dimensions_of_seven_aspects_in_both_languages() {
        let ins = Instrument::get();
        assert_eq!(ins.dimensions.len(), DIMENSIONS);
        let names: Vec<&str> = ins.dimensions.iter().map(|d| d.nl.as_str()).collect();
        assert_eq!(
            names,
            [
                "Lichaamsfuncties",
                "Mentaal welbevinden",
                "Zingeving",
                "Kwaliteit van leven",
                "Meedoen",
                "Dagelijks functioneren"
            ]
        );
        for d in &ins.dimensions {
            assert_eq!(d.aspects.len(), ASPECTS, "{}", d.key);
            assert!(!d.en.is_empty());
            for a in &d.aspects {
                for text in [&a.key, &a.nl, &a.en, &a.nl_prompt, &a.en_prompt] {
                    assert!(!text.trim().is_empty(), "{} {}", d.key, a.key);
                }
            }
        }
        let mut keys: Vec<&str> =
            ins.dimensions.iter().flat_map(|d| d.aspects.iter().map(|a| a.key.as_str())).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), DIMENSIONS * ASPECTS, "aspect keys are unique");
    }

    fn a() -> Assessment {
        Assessment::new(
            ParticipantId::new_random(),
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            "Sanne",
            Utc::now(),
        )
    }

    #[test]
    fn skipped_is_not_zero_and_the_mean_has_one_decimal() {
        let mut x = a();
        x.scores[0] = [Some(6), Some(7), None, None, Some(8), None, None];
        assert_eq!(x.mean_tenths(0), Some(70));
        x.scores[1] = [Some(6), Some(7), None, None, None, None, None];
        assert_eq!(x.mean_tenths(1), Some(65));
        x.scores[2] = [Some(1), Some(2), Some(2), None, None, None, None];
        assert_eq!(x.mean_tenths(2), Some(17), "5/3 = 1.67 rounds to 1.7");
        assert_eq!(x.mean_tenths(3), None);
        x.overall[1] = Some(50);
        assert_eq!(x.mark(1), Some(5.0), "the participant's own mark wins");
        assert_eq!(x.mark(0), Some(7.0));
        assert_eq!(format_mark(Some(6.5), Lang::Nl), "6,5");
        assert_eq!(format_mark(None, Lang::Nl), "–");
    }

    #[test]
    fn change_has_a_direction() {
        let mut before = a();
        let mut after = a();
        before.overall = [Some(40), Some(60), Some(50), None, Some(30), Some(70)];
        after.overall = [Some(55), Some(60), Some(45), Some(50), Some(30), Some(71)];
        assert!(matches!(change(&before, &after, 0), Change::Up(d) if (d - 1.5).abs() < 1e-9));
        assert_eq!(change(&before, &after, 1), Change::Same);
        assert!(matches!(change(&before, &after, 2), Change::Down(d) if (d - 0.5).abs() < 1e-9));
        assert_eq!(change(&before, &after, 3), Change::Unknown);
    }
}
