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
//!
//! Format 3 ([`FORMAT_REVISED`]): the sealed plaintext starts with the record's revision (8
//! bytes, little endian) before the payload, so an older value of a record put back under its
//! own key is told from the current one (see `Store::unseal_current`).

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::StoreError;
use super::crypto::{KeyView, Keys};
use crate::domain::ParticipantId;

pub const MAGIC: [u8; 2] = *b"MD";
/// 2: the payload is sealed with the record's storage key as associated data too (see
/// [`encode_at`]), so a value copied to another key of the data file no longer opens. Values of
/// format 1 still read, and are bound when next written.
pub const FORMAT: u8 = 2;
/// The first envelope format, whose seal covers the header only.
pub const FORMAT_UNBOUND: u8 = 1;
/// 3: like 2, and the sealed plaintext starts with the record's revision in the change log
/// (8 bytes, little endian). Every record of a logged kind is written this way; values of
/// formats 1 and 2 still read (without a revision) and are bound when next written.
pub const FORMAT_REVISED: u8 = 3;
/// The newest envelope format this version reads.
pub const NEWEST_FORMAT: u8 = FORMAT_REVISED;
/// Length of the revision at the start of a format 3 plaintext.
const REVISION_LEN: usize = 8;
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
    Keyring = 17,
    WrappedKey = 18,
    AccessEntry = 19,
    Consent = 20,
    Erasure = 21,
    BackupRegister = 22,
    KeyChunk = 23,
    PendingErasure = 24,
    /// An entry of the change log (see `store::changelog`).
    Change = 25,
    /// A block of participant numbers claimed by a device (see `store::numbers`).
    NumberBlock = 26,
    /// One person's mark at one session (see `store::facts`).
    AttendanceMark = 27,
    /// One change of a person's trajectory status, appended (see `store::facts`).
    StatusChange = 28,
    /// This replica's membership of a team (see `store::sync`).
    TeamLink = 29,
    /// A record changed on two devices apart, for the coaches to review (see `store::merge`).
    Conflict = 30,
    /// A device of the team and its coach's name (see `store::merge`).
    Member = 31,
    /// A join of a team cut off after its invite code was used (see `store::team_key`).
    PendingJoin = 32,
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
            17 => Some(Kind::Keyring),
            18 => Some(Kind::WrappedKey),
            19 => Some(Kind::AccessEntry),
            20 => Some(Kind::Consent),
            21 => Some(Kind::Erasure),
            22 => Some(Kind::BackupRegister),
            23 => Some(Kind::KeyChunk),
            24 => Some(Kind::PendingErasure),
            25 => Some(Kind::Change),
            26 => Some(Kind::NumberBlock),
            27 => Some(Kind::AttendanceMark),
            28 => Some(Kind::StatusChange),
            29 => Some(Kind::TeamLink),
            30 => Some(Kind::Conflict),
            31 => Some(Kind::Member),
            32 => Some(Kind::PendingJoin),
            _ => None,
        }
    }
    /// Kinds stored without encryption: the keys themselves (already wrapped).
    pub fn is_plain(self) -> bool {
        matches!(self, Kind::Keyring | Kind::WrappedKey | Kind::KeyChunk)
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
            Kind::Keyring => "keyring",
            Kind::WrappedKey => "participant key",
            Kind::AccessEntry => "access log entry",
            Kind::Consent => "consent",
            Kind::Erasure => "erasure",
            Kind::BackupRegister => "backup register",
            Kind::KeyChunk => "participant keys",
            Kind::PendingErasure => "erasure in progress",
            Kind::Change => "change log entry",
            Kind::NumberBlock => "participant number block",
            Kind::AttendanceMark => "attendance mark",
            Kind::StatusChange => "status change",
            Kind::TeamLink => "team link",
            Kind::Conflict => "conflict to review",
            Kind::Member => "team member",
            Kind::PendingJoin => "team join not finished",
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
    /// The participant this record is about: it is sealed under that person's key and erased
    /// with them. `None`: sealed under the master key.
    fn owner(&self) -> Option<ParticipantId> {
        None
    }
}

fn config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<LIMIT>()
}

fn put_header<T: Record>(out: &mut Vec<u8>, format: u8, key_id: u32) {
    put_header_of(out, format, T::KIND, T::SCHEMA, key_id);
}

fn put_header_of(out: &mut Vec<u8>, format: u8, kind: Kind, schema: u16, key_id: u32) {
    out.extend_from_slice(&MAGIC);
    out.push(format);
    out.push(kind as u8);
    out.extend_from_slice(&schema.to_le_bytes());
    out.extend_from_slice(&key_id.to_le_bytes());
}

fn payload<T: Record>(value: &T) -> Result<zeroize::Zeroizing<Vec<u8>>, StoreError> {
    bincode::serde::encode_to_vec(value, config())
        .map(zeroize::Zeroizing::new)
        .map_err(|e| StoreError::Backend(format!("cannot encode {}: {e}", T::KIND.name())))
}

/// A record encoded but not yet sealed: the write path seals it once the commit knows its
/// revision (see [`seal_revised`]). The payload is wiped when dropped.
pub struct Unsealed {
    kind: Kind,
    schema: u16,
    key_id: u32,
    payload: zeroize::Zeroizing<Vec<u8>>,
}

/// Encodes `value`, to be sealed under key `key_id` by [`seal_revised`].
pub fn unsealed<T: Record>(value: &T, key_id: u32) -> Result<Unsealed, StoreError> {
    Ok(Unsealed { kind: T::KIND, schema: T::SCHEMA, key_id, payload: payload(value)? })
}

/// Seals an encoded record as revision `revision` of the record stored under the key `at`
/// (format 3): the header and `at` are the associated data and the revision is sealed with the
/// payload, so the value opens only at `at` and says which revision of the record it is.
pub fn seal_revised(u: &Unsealed, keys: &Keys, at: &[u8], revision: u64) -> Result<Vec<u8>, StoreError> {
    let mut plain = zeroize::Zeroizing::new(Vec::with_capacity(REVISION_LEN + u.payload.len()));
    plain.extend_from_slice(&revision.to_le_bytes());
    plain.extend_from_slice(&u.payload);
    let mut out = Vec::with_capacity(HEADER_LEN + plain.len() + super::crypto::NONCE_LEN + super::crypto::TAG_LEN);
    put_header_of(&mut out, FORMAT_REVISED, u.kind, u.schema, u.key_id);
    let mut aad = Vec::with_capacity(HEADER_LEN + at.len());
    aad.extend_from_slice(&out[..HEADER_LEN]);
    aad.extend_from_slice(at);
    keys.seal(u.key_id, &aad, &plain, &mut out)?;
    Ok(out)
}

/// The revision a stored value of any kind was sealed with (format 3), read without decoding
/// its payload; `None` for a value of an older format or a plain one. For `check`.
pub fn revision_of(bytes: &[u8], keys: &Keys, at: &[u8]) -> Result<Option<u64>, StoreError> {
    let h = header(bytes)?;
    if h.key_id == 0 || h.format != FORMAT_REVISED {
        return Ok(None);
    }
    let aad = [&bytes[..HEADER_LEN], at].concat();
    keys.view().open_with(h.key_id, &aad, &bytes[HEADER_LEN..], h.kind.name(), |plain| {
        let revision = plain.first_chunk::<REVISION_LEN>().copied().map(u64::from_le_bytes);
        revision.map(Some).ok_or_else(|| StoreError::Corrupt { kind: h.kind.name(), reason: "no revision".into() })
    })
}

/// Encodes a record inside its envelope without encryption (key id 0). Only the key records
/// ([`Kind::is_plain`]) are stored this way; tests use it to write stores as old versions did.
pub fn encode_plain<T: Record>(value: &T) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::with_capacity(128);
    put_header::<T>(&mut out, FORMAT_UNBOUND, 0);
    out.extend_from_slice(&payload(value)?);
    Ok(out)
}

/// Encodes a record inside its envelope, its payload sealed under key `key_id` with the header
/// as associated data (format 1: not bound to where it is stored; tests and benchmarks).
pub fn encode<T: Record>(value: &T, keys: &Keys, key_id: u32) -> Result<Vec<u8>, StoreError> {
    seal_with::<T>(&payload(value)?, keys, key_id, FORMAT_UNBOUND, &[])
}

/// Encodes a record to be stored under the key `at`: sealed under key `key_id` with the header
/// and `at` as associated data, so the value opens only where it was written (format 2).
pub fn encode_at<T: Record>(value: &T, keys: &Keys, key_id: u32, at: &[u8]) -> Result<Vec<u8>, StoreError> {
    seal_with::<T>(&payload(value)?, keys, key_id, FORMAT, at)
}

fn seal_with<T: Record>(plain: &[u8], keys: &Keys, key_id: u32, format: u8, at: &[u8]) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::with_capacity(HEADER_LEN + plain.len() + super::crypto::NONCE_LEN + super::crypto::TAG_LEN);
    put_header::<T>(&mut out, format, key_id);
    let mut aad = Vec::with_capacity(HEADER_LEN + at.len());
    aad.extend_from_slice(&out[..HEADER_LEN]);
    aad.extend_from_slice(at);
    keys.seal(key_id, &aad, plain, &mut out)?;
    Ok(out)
}

/// Reads the header of a stored value.
pub fn header(bytes: &[u8]) -> Result<Header, StoreError> {
    let bad = |reason: &str| StoreError::Corrupt { kind: "record", reason: reason.to_string() };
    if bytes.len() < HEADER_LEN || bytes[..2] != MAGIC {
        return Err(bad("not a meedoen record"));
    }
    if bytes[2] > NEWEST_FORMAT {
        return Err(StoreError::TooNew { found: u16::from(bytes[2]), supported: u16::from(NEWEST_FORMAT) });
    }
    let kind = Kind::from_u8(bytes[3]).ok_or_else(|| bad("unknown record kind"))?;
    Ok(Header {
        format: bytes[2],
        kind,
        schema: u16::from_le_bytes([bytes[4], bytes[5]]),
        key_id: u32::from_le_bytes([bytes[6], bytes[7], bytes[8], bytes[9]]),
    })
}

/// Decodes a stored value of kind `T`, opening it with `keys` and migrating older schemas. A
/// value of format 2 opens only with the key it was stored under: see [`decode_at`].
pub fn decode<T: Record>(bytes: &[u8], keys: &Keys) -> Result<T, StoreError> {
    decode_in(bytes, &keys.view(), &[])
}

/// Decodes a value read from the storage key `at`: a value written under another key (copied or
/// moved in the data file) does not open.
pub fn decode_at<T: Record>(bytes: &[u8], keys: &Keys, at: &[u8]) -> Result<T, StoreError> {
    decode_in(bytes, &keys.view(), at)
}

/// [`decode_at`] with the keys of a bulk read (one lock of the key table for all its records).
pub fn decode_in<T: Record>(bytes: &[u8], keys: &KeyView, at: &[u8]) -> Result<T, StoreError> {
    decode_revised_in(bytes, keys, at).map(|(value, _)| value)
}

/// [`decode_at`] that also gives the revision a value of format 3 was sealed with (`None` for
/// a value written before revisions were sealed, and for the key records).
pub fn decode_revised<T: Record>(bytes: &[u8], keys: &Keys, at: &[u8]) -> Result<(T, Option<u64>), StoreError> {
    decode_revised_in(bytes, &keys.view(), at)
}

fn decode_revised_in<T: Record>(bytes: &[u8], keys: &KeyView, at: &[u8]) -> Result<(T, Option<u64>), StoreError> {
    let h = checked_header::<T>(bytes)?;
    if h.key_id == 0 {
        if !keys.allow_plain() && !T::KIND.is_plain() {
            return Err(StoreError::Corrupt { kind: T::KIND.name(), reason: "not encrypted".into() });
        }
        return Ok((decode_body::<T>(h, &bytes[HEADER_LEN..])?, None));
    }
    let header = &bytes[..HEADER_LEN];
    let read = |plain: &[u8]| {
        if h.format != FORMAT_REVISED {
            return Ok((decode_body::<T>(h, plain)?, None));
        }
        let Some((revision, payload)) = plain.split_first_chunk::<REVISION_LEN>() else {
            return Err(StoreError::Corrupt { kind: T::KIND.name(), reason: "no revision".into() });
        };
        Ok((decode_body::<T>(h, payload)?, Some(u64::from_le_bytes(*revision))))
    };
    if h.format == FORMAT_UNBOUND {
        return keys.open_with(h.key_id, header, &bytes[HEADER_LEN..], T::KIND.name(), read);
    }
    // Header and storage key, on the stack for the usual keys (ids, a day, a word).
    let mut buf = [0u8; HEADER_LEN + 80];
    let long;
    let aad: &[u8] = match buf.get_mut(..HEADER_LEN + at.len()) {
        Some(slot) => {
            slot[..HEADER_LEN].copy_from_slice(header);
            slot[HEADER_LEN..].copy_from_slice(at);
            slot
        }
        None => {
            long = [header, at].concat();
            &long
        }
    };
    keys.open_with(h.key_id, aad, &bytes[HEADER_LEN..], T::KIND.name(), read)
}

/// Decodes a value stored without encryption (the key records).
pub fn decode_plain<T: Record>(bytes: &[u8]) -> Result<T, StoreError> {
    let h = checked_header::<T>(bytes)?;
    if h.key_id != 0 {
        return Err(StoreError::Corrupt { kind: T::KIND.name(), reason: "unexpected key id".into() });
    }
    decode_body::<T>(h, &bytes[HEADER_LEN..])
}

fn checked_header<T: Record>(bytes: &[u8]) -> Result<Header, StoreError> {
    let h = header(bytes)?;
    if h.kind != T::KIND {
        return Err(StoreError::Corrupt {
            kind: T::KIND.name(),
            reason: format!("expected {}, found {}", T::KIND.name(), h.kind.name()),
        });
    }
    Ok(h)
}

fn decode_body<T: Record>(h: Header, payload: &[u8]) -> Result<T, StoreError> {
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
    use crate::domain::Participant;
    use crate::store::crypto::{Key, MASTER_KEY_ID};
    use chrono::{NaiveDate, TimeZone, Utc};

    fn sample() -> Participant {
        let mut p = Participant::new(ParticipantId::new_random(), 42, Utc.timestamp_opt(1_700_000_000, 0).unwrap());
        p.given_names = "Şükrü".into();
        p.family_name = "Öztürk".into();
        p.date_of_birth = NaiveDate::from_ymd_opt(1966, 5, 4);
        p
    }

    fn keys() -> Keys {
        Keys::new(Key::random())
    }

    #[test]
    fn round_trip_and_header() {
        let keys = keys();
        let p = sample();
        let bytes = encode(&p, &keys, MASTER_KEY_ID).unwrap();
        let h = header(&bytes).unwrap();
        assert_eq!((h.format, h.kind, h.schema, h.key_id), (FORMAT_UNBOUND, Kind::Participant, 2, MASTER_KEY_ID));
        assert_eq!(decode::<Participant>(&bytes, &keys).unwrap(), p);
        assert!(!bytes.windows(6).any(|w| w == "Öztürk".as_bytes()), "the name is not readable in the stored bytes");
        // A plain record (as the first version wrote) reads only while migrating.
        let plain = encode_plain(&p).unwrap();
        assert!(decode::<Participant>(&plain, &keys).is_err());
        let mut migrating = Keys::new(Key::random());
        migrating.allow_plain = true;
        assert_eq!(decode::<Participant>(&plain, &migrating).unwrap(), p);
    }

    /// A value opens only under the storage key it was written to; one written before the
    /// binding (format 1) opens wherever it is.
    #[test]
    fn a_value_is_bound_to_its_storage_key() {
        let keys = keys();
        let p = sample();
        let bound = encode_at(&p, &keys, MASTER_KEY_ID, b"here").unwrap();
        assert_eq!(header(&bound).unwrap().format, FORMAT);
        assert_eq!(decode_at::<Participant>(&bound, &keys, b"here").unwrap(), p);
        assert!(matches!(decode_at::<Participant>(&bound, &keys, b"there"), Err(StoreError::Corrupt { .. })));
        let long = [7u8; 200];
        let bound = encode_at(&p, &keys, MASTER_KEY_ID, &long).unwrap();
        assert_eq!(decode_at::<Participant>(&bound, &keys, &long).unwrap(), p);
        let old = encode(&p, &keys, MASTER_KEY_ID).unwrap();
        assert_eq!(decode_at::<Participant>(&old, &keys, b"anywhere").unwrap(), p);
    }

    #[test]
    fn damaged_values_are_errors_not_panics() {
        let keys = keys();
        let bytes = encode(&sample(), &keys, MASTER_KEY_ID).unwrap();
        for cut in 0..bytes.len() {
            assert!(decode::<Participant>(&bytes[..cut], &keys).is_err());
        }
        for i in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0x20;
            assert!(decode::<Participant>(&flipped, &keys).is_err(), "byte {i} altered goes unnoticed");
        }
        let mut newer = bytes.clone();
        newer[2] = NEWEST_FORMAT + 1;
        assert!(matches!(decode::<Participant>(&newer, &keys), Err(StoreError::TooNew { .. })));
        let mut wrong_kind = bytes;
        wrong_kind[3] = Kind::Draft as u8;
        assert!(matches!(decode::<Participant>(&wrong_kind, &keys), Err(StoreError::Corrupt { .. })));
    }
}
