//! The one codec every stored value goes through.
//!
//! A stored value is a fixed 10-byte header followed by the payload:
//!
//! | bytes | field |
//! |-------|-------|
//! | 0..2  | magic `MD` |
//! | 2     | envelope format version ([`FORMAT`]) |
//! | 3     | record kind ([`Kind`]) |
//! | 4..6  | schema version of that kind (little endian) |
//! | 6..10 | key id (little endian): 0 = plain, otherwise the key the payload is encrypted under |
//!
//! The payload is the record encoded with bincode 2 (serde, standard configuration). A record
//! whose schema is older than the current one is read by its kind's migration, so old data always
//! reads; the key id leaves room for encryption without changing the envelope.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::StoreError;

pub const MAGIC: [u8; 2] = *b"MD";
pub const FORMAT: u8 = 1;
pub const HEADER_LEN: usize = 10;
/// Largest payload a decode accepts, so a damaged length can never ask for gigabytes.
const LIMIT: usize = 16 * 1024 * 1024;

/// Every kind of record the store holds. The numbers are stored: never reuse or change one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Participant = 1,
    Draft = 2,
    Settings = 3,
    Assessment = 4,
    Goal = 5,
    AssessmentDraft = 6,
    Module = 7,
    Enrolment = 8,
    Attendance = 9,
    Closure = 10,
    Contact = 11,
    Appointment = 12,
    Trajectory = 13,
    Signal = 14,
    PartnerReferral = 15,
    ContactSummary = 16,
}

impl Kind {
    pub fn from_u8(b: u8) -> Option<Kind> {
        match b {
            1 => Some(Kind::Participant),
            2 => Some(Kind::Draft),
            3 => Some(Kind::Settings),
            4 => Some(Kind::Assessment),
            5 => Some(Kind::Goal),
            6 => Some(Kind::AssessmentDraft),
            7 => Some(Kind::Module),
            8 => Some(Kind::Enrolment),
            9 => Some(Kind::Attendance),
            10 => Some(Kind::Closure),
            11 => Some(Kind::Contact),
            12 => Some(Kind::Appointment),
            13 => Some(Kind::Trajectory),
            14 => Some(Kind::Signal),
            15 => Some(Kind::PartnerReferral),
            16 => Some(Kind::ContactSummary),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Kind::Participant => "participant",
            Kind::Draft => "draft",
            Kind::Settings => "settings",
            Kind::Assessment => "assessment",
            Kind::Goal => "goal",
            Kind::AssessmentDraft => "assessment draft",
            Kind::Module => "module",
            Kind::Enrolment => "enrolment",
            Kind::Attendance => "attendance",
            Kind::Closure => "closure day",
            Kind::Contact => "contact",
            Kind::Appointment => "appointment",
            Kind::Trajectory => "trajectory",
            Kind::Signal => "signal",
            Kind::PartnerReferral => "partner referral",
            Kind::ContactSummary => "contact summary",
        }
    }
}

/// The decoded header of a stored value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub format: u8,
    pub kind: Kind,
    pub schema: u16,
    pub key_id: u32,
}

/// A type that is stored through the codec.
pub trait Record: Serialize + DeserializeOwned {
    const KIND: Kind;
    /// Current schema version of this kind; bump it (and add a migration) when the type changes.
    const SCHEMA: u16;
    /// Reads a payload written with an older schema. The default knows only the current one.
    fn migrate(schema: u16, _payload: &[u8]) -> Result<Self, StoreError> {
        Err(StoreError::Corrupt { kind: Self::KIND.name(), reason: format!("unknown schema version {schema}") })
    }
}

fn config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<LIMIT>()
}

/// Encodes a record inside its envelope (plain, key id 0).
pub fn encode<T: Record>(value: &T) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(&MAGIC);
    out.push(FORMAT);
    out.push(T::KIND as u8);
    out.extend_from_slice(&T::SCHEMA.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    bincode::serde::encode_into_std_write(value, &mut out, config())
        .map_err(|e| StoreError::Backend(format!("cannot encode {}: {e}", T::KIND.name())))?;
    Ok(out)
}

/// Reads the header of a stored value.
pub fn header(bytes: &[u8]) -> Result<Header, StoreError> {
    let bad = |reason: &str| StoreError::Corrupt { kind: "record", reason: reason.to_string() };
    if bytes.len() < HEADER_LEN || bytes[..2] != MAGIC {
        return Err(bad("not a meedoen record"));
    }
    if bytes[2] > FORMAT {
        return Err(StoreError::TooNew { found: u16::from(bytes[2]), supported: u16::from(FORMAT) });
    }
    let kind = Kind::from_u8(bytes[3]).ok_or_else(|| bad("unknown record kind"))?;
    Ok(Header {
        format: bytes[2],
        kind,
        schema: u16::from_le_bytes([bytes[4], bytes[5]]),
        key_id: u32::from_le_bytes([bytes[6], bytes[7], bytes[8], bytes[9]]),
    })
}

/// Decodes a stored value of kind `T`, migrating older schemas.
pub fn decode<T: Record>(bytes: &[u8]) -> Result<T, StoreError> {
    let h = header(bytes)?;
    let corrupt = |reason: String| StoreError::Corrupt { kind: T::KIND.name(), reason };
    if h.kind != T::KIND {
        return Err(corrupt(format!("expected {}, found {}", T::KIND.name(), h.kind.name())));
    }
    if h.key_id != 0 {
        return Err(corrupt("encrypted record, but this store has no key".into()));
    }
    let payload = &bytes[HEADER_LEN..];
    if h.schema > T::SCHEMA {
        return Err(StoreError::TooNew { found: h.schema, supported: T::SCHEMA });
    }
    if h.schema < T::SCHEMA {
        return T::migrate(h.schema, payload);
    }
    decode_payload(T::KIND, payload)
}

/// Decodes a bare payload (used by migrations to read an old struct).
pub fn decode_payload<T: DeserializeOwned>(kind: Kind, payload: &[u8]) -> Result<T, StoreError> {
    let (value, used) = bincode::serde::decode_from_slice(payload, config())
        .map_err(|e| StoreError::Corrupt { kind: kind.name(), reason: e.to_string() })?;
    if used != payload.len() {
        return Err(StoreError::Corrupt { kind: kind.name(), reason: "trailing bytes".into() });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Participant, ParticipantId};
    use chrono::{NaiveDate, TimeZone, Utc};

    fn sample() -> Participant {
        let mut p = Participant::new(ParticipantId::new_random(), 42, Utc.timestamp_opt(1_700_000_000, 0).unwrap());
        p.given_names = "Şükrü".into();
        p.family_name = "Öztürk".into();
        p.date_of_birth = NaiveDate::from_ymd_opt(1966, 5, 4);
        p
    }

    #[test]
    fn round_trip_and_header() {
        let p = sample();
        let bytes = encode(&p).unwrap();
        let h = header(&bytes).unwrap();
        assert_eq!((h.format, h.kind, h.schema, h.key_id), (FORMAT, Kind::Participant, 1, 0));
        assert_eq!(decode::<Participant>(&bytes).unwrap(), p);
    }

    #[test]
    fn damaged_values_are_errors_not_panics() {
        let bytes = encode(&sample()).unwrap();
        for cut in 0..bytes.len() {
            assert!(decode::<Participant>(&bytes[..cut]).is_err());
        }
        let mut newer = bytes.clone();
        newer[2] = FORMAT + 1;
        assert!(matches!(decode::<Participant>(&newer), Err(StoreError::TooNew { .. })));
        let mut wrong_kind = bytes;
        wrong_kind[3] = Kind::Draft as u8;
        assert!(matches!(decode::<Participant>(&wrong_kind), Err(StoreError::Corrupt { .. })));
    }
}
