//! ESF+ participant data: the characteristics at entry and the results at exit that the
//! European Social Fund Plus asks for, each with "not asked" and "declined to say".

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Defines an answer enum with its stored codes and string-table keys, in form order.
macro_rules! answer {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
        pub enum $name {
            #[default]
            NotAsked,
            Declined,
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$name::NotAsked, $name::Declined, $($name::$variant),+];
            /// (code, string-table key) per answer, for choice fields.
            pub const CHOICES: &'static [(&'static str, &'static str)] = &[
                ("not_asked", "esf.not_asked"),
                ("declined", "esf.declined"),
                $(($code, concat!($prefix, ".", $code))),+
            ];
            pub fn code(self) -> &'static str {
                match self {
                    $name::NotAsked => "not_asked",
                    $name::Declined => "declined",
                    $($name::$variant => $code),+
                }
            }
            pub fn parse(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|a| a.code() == code)
            }
            /// The string-table key of the answer.
            pub fn key(self) -> &'static str {
                Self::CHOICES.iter().find(|(c, _)| *c == self.code()).map_or("esf.not_asked", |(_, k)| k)
            }
            /// Whether a real answer was given (not "not asked", not "declined").
            pub fn answered(self) -> bool {
                !matches!(self, $name::NotAsked | $name::Declined)
            }
        }
    };
}

answer!(
    /// Labour-market status at entry.
    LabourStatus, "esf_labour", {
        Unemployed = "unemployed",
        LongTermUnemployed = "long_term_unemployed",
        Inactive = "inactive",
        Employed = "employed",
    }
);

answer!(
    /// Highest education in the three ISCED bands ESF+ reports.
    Education, "esf_education", {
        Isced0To2 = "isced_0_2",
        Isced3To4 = "isced_3_4",
        Isced5To8 = "isced_5_8",
    }
);

answer!(
    /// A yes/no characteristic or result.
    YesNo, "esf_yes_no", {
        Yes = "yes",
        No = "no",
    }
);

/// What ESF+ asks at entry (age and gender come from the participant's details).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EsfEntry {
    pub labour: LabourStatus,
    pub education: Education,
    pub disability: YesNo,
    pub foreign_background: YesNo,
    pub homeless: YesNo,
}

/// What ESF+ asks at exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EsfExit {
    pub searching_work: YesNo,
    pub in_education: YesNo,
    pub qualification: YesNo,
    pub employed: YesNo,
}

/// The age bands ESF+ reports, derived from the date of birth on the day of entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgeBand {
    Under18,
    From18To29,
    From30To54,
    From55,
    Unknown,
}

impl AgeBand {
    pub const ALL: [AgeBand; 5] =
        [AgeBand::Under18, AgeBand::From18To29, AgeBand::From30To54, AgeBand::From55, AgeBand::Unknown];
    pub fn of(born: Option<NaiveDate>, on: NaiveDate) -> AgeBand {
        let Some(b) = born else { return AgeBand::Unknown };
        let mut age = on.year() - b.year();
        if (on.month(), on.day()) < (b.month(), b.day()) {
            age -= 1;
        }
        match age {
            i32::MIN..=17 => AgeBand::Under18,
            18..=29 => AgeBand::From18To29,
            30..=54 => AgeBand::From30To54,
            _ => AgeBand::From55,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            AgeBand::Under18 => "under_18",
            AgeBand::From18To29 => "18_29",
            AgeBand::From30To54 => "30_54",
            AgeBand::From55 => "55_plus",
            AgeBand::Unknown => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn age_bands_turn_on_the_birthday() {
        assert_eq!(AgeBand::of(Some(d(2000, 6, 1)), d(2018, 5, 31)), AgeBand::Under18);
        assert_eq!(AgeBand::of(Some(d(2000, 6, 1)), d(2018, 6, 1)), AgeBand::From18To29);
        assert_eq!(AgeBand::of(Some(d(1971, 1, 1)), d(2025, 12, 31)), AgeBand::From30To54);
        assert_eq!(AgeBand::of(Some(d(1971, 1, 1)), d(2026, 1, 1)), AgeBand::From55);
        assert_eq!(AgeBand::of(None, d(2026, 1, 1)), AgeBand::Unknown);
    }

    #[test]
    fn codes_round_trip_and_not_asked_is_the_default() {
        for a in LabourStatus::ALL {
            assert_eq!(LabourStatus::parse(a.code()), Some(*a));
        }
        assert_eq!(EsfEntry::default().labour, LabourStatus::NotAsked);
        assert!(!YesNo::Declined.answered() && YesNo::No.answered());
        assert_eq!(Education::Isced3To4.key(), "esf_education.isced_3_4");
    }
}
