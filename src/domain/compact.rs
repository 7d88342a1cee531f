//! Compact serde forms for dates and times in stored records: a date as its day number, a
//! moment as seconds and nanoseconds since the epoch. Decoding them is a few instructions instead of parsing
//! text, which matters when 100,000 records are read at start.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

fn day(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

fn from_day<E: serde::de::Error>(n: i32) -> Result<NaiveDate, E> {
    NaiveDate::from_num_days_from_ce_opt(n).ok_or_else(|| E::custom("date out of range"))
}

use chrono::Datelike;

/// `Option<NaiveDate>` as `Option<i32>`.
pub mod date_opt {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        d.map(day).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<i32>::deserialize(d)?.map(from_day).transpose()
    }
}

/// `DateTime<Utc>` as seconds since the epoch and nanoseconds, exact.
pub mod moment {
    use super::*;

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        (t.timestamp(), t.timestamp_subsec_nanos()).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let (secs, nanos) = <(i64, u32)>::deserialize(d)?;
        DateTime::from_timestamp(secs, nanos).ok_or_else(|| serde::de::Error::custom("moment out of range"))
    }
}

/// `NaiveDate` as `i32`.
pub mod date {
    use super::*;

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        day(*d).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        from_day(i32::deserialize(d)?)
    }
}
