//! Which types are stored, under which kind and schema version, and how old schemas migrate.

mod facts;
mod health;
mod key_records;

pub use facts::{AttendanceMark, StatusEntry, TrajectoryHead};
pub use health::AssessmentDraft;

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::codec::{self, Kind, Record};
use crate::domain::contact::{Appointment, Contact};
use crate::domain::form_kind::FormKind;
use crate::domain::goal::Goal;
use crate::domain::module::{Attendance, Closure, Enrolment, Module};
use crate::domain::signal::{PartnerReferral, Signal};
use crate::domain::{Participant, ParticipantId};

/// Reads a record whose newer schema only appended fields at the end: bincode reads the old
/// payload followed by the encoding of the new fields' defaults as the new type.
fn with_appended<T: serde::de::DeserializeOwned, A: Serialize>(
    kind: Kind,
    payload: &[u8],
    appended: &A,
) -> Result<T, StoreError> {
    let mut bytes = payload.to_vec();
    bytes.extend(
        bincode::serde::encode_to_vec(appended, bincode::config::standard())
            .map_err(|e| StoreError::Backend(format!("migration: {e}")))?,
    );
    codec::decode_payload(kind, &bytes)
}

impl Record for Participant {
    const KIND: Kind = Kind::Participant;
    /// Schema 2 added the ESF+ entry characteristics at the end.
    const SCHEMA: u16 = 2;
    fn migrate(schema: u16, payload: &[u8]) -> Result<Self, StoreError> {
        match schema {
            1 => with_appended(Kind::Participant, payload, &crate::domain::esf::EsfEntry::default()),
            _ => Err(StoreError::Corrupt { kind: "participant", reason: format!("unknown schema version {schema}") }),
        }
    }
    fn owner(&self) -> Option<ParticipantId> {
        Some(self.id)
    }
}

/// A half-filled form, kept so that a crash or a closed terminal loses nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// Which form, and what it edits.
    pub kind: DraftKind,
    /// Field key and typed text, in form order (choices as their codes).
    pub values: Vec<(String, String)>,
    /// Index of the field that had the focus.
    pub focus: usize,
    /// Seconds since the epoch when it was last saved.
    pub saved_at: i64,
}

/// The form a draft belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DraftKind {
    Form(FormKind),
    /// A first-schema draft of a form this version does not know (by its old name): it can be
    /// thrown away, never opened as another form.
    Unknown(String),
}

impl Draft {
    pub fn new(kind: FormKind, values: Vec<(String, String)>, focus: usize, saved_at: i64) -> Draft {
        Draft { kind: DraftKind::Form(kind), values, focus, saved_at }
    }

    /// Completes what a first-schema draft kept only in its key (see [`FormKind::with_key`]).
    pub(super) fn with_key(mut self, key: &str) -> Draft {
        if let DraftKind::Form(k) = self.kind {
            self.kind = DraftKind::Form(k.with_key(key));
        }
        self
    }
}

/// A draft as the first schema stored it: the form by name, the edited record's id bytes.
#[derive(Deserialize)]
struct DraftV1 {
    form: String,
    target: Option<[u8; 16]>,
    values: Vec<(String, String)>,
    focus: usize,
    saved_at: i64,
}

impl Record for Draft {
    const KIND: Kind = Kind::Draft;
    /// Schema 2 stores the kind of form as a type instead of a name and a target.
    const SCHEMA: u16 = 2;
    fn migrate(schema: u16, payload: &[u8]) -> Result<Self, StoreError> {
        match schema {
            1 => {
                let old: DraftV1 = codec::decode_payload(Kind::Draft, payload)?;
                let kind =
                    FormKind::from_legacy(&old.form, old.target).map_or(DraftKind::Unknown(old.form), DraftKind::Form);
                Ok(Draft { kind, values: old.values, focus: old.focus, saved_at: old.saved_at })
            }
            _ => Err(StoreError::Corrupt { kind: "draft", reason: format!("unknown schema version {schema}") }),
        }
    }
    fn owner(&self) -> Option<ParticipantId> {
        match &self.kind {
            DraftKind::Form(k) => k.participant(),
            DraftKind::Unknown(_) => None,
        }
    }
}

/// Settings kept with the caseload.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Settings {
    /// The coach whose caseload this is, shown first on the start screen.
    pub coach: Option<String>,
    /// More days than this without a contact made puts someone on the attention list
    /// (`None`: the default of 14). Added in schema 2.
    pub no_contact_days: Option<u16>,
    /// Months after a trajectory closes before it is listed for erasure (`None`: 24). Schema 3.
    pub retention_months: Option<u16>,
    /// Minutes without a key before the screen locks (`None`: 10; 0 never). Schema 3.
    pub lock_minutes: Option<u16>,
}

impl Settings {
    pub const DEFAULT_RETENTION_MONTHS: u16 = 24;
    pub const DEFAULT_LOCK_MINUTES: u16 = 10;
    pub fn retention_months(&self) -> u16 {
        self.retention_months.unwrap_or(Self::DEFAULT_RETENTION_MONTHS)
    }
    pub fn lock_minutes(&self) -> u16 {
        self.lock_minutes.unwrap_or(Self::DEFAULT_LOCK_MINUTES)
    }
}

/// Settings as schema 2 stored them (before the retention period and the lock time).
#[derive(Debug, Clone, Deserialize)]
struct SettingsV2 {
    coach: Option<String>,
    no_contact_days: Option<u16>,
}

/// Settings as schema 1 stored them (before `no_contact_days`).
#[derive(Debug, Clone, Deserialize)]
struct SettingsV1 {
    coach: Option<String>,
}

impl Record for Settings {
    const KIND: Kind = Kind::Settings;
    const SCHEMA: u16 = 3;

    fn migrate(schema: u16, payload: &[u8]) -> Result<Self, StoreError> {
        match schema {
            1 => {
                let old: SettingsV1 = codec::decode_payload(Kind::Settings, payload)?;
                Ok(Settings { coach: old.coach, ..Settings::default() })
            }
            2 => {
                let old: SettingsV2 = codec::decode_payload(Kind::Settings, payload)?;
                Ok(Settings { coach: old.coach, no_contact_days: old.no_contact_days, ..Settings::default() })
            }
            _ => Err(StoreError::Corrupt { kind: "settings", reason: format!("unknown schema version {schema}") }),
        }
    }
}

impl Record for Goal {
    const KIND: Kind = Kind::Goal;
    const SCHEMA: u16 = 1;
    fn owner(&self) -> Option<ParticipantId> {
        Some(self.participant)
    }
}

impl Record for Module {
    const KIND: Kind = Kind::Module;
    const SCHEMA: u16 = 1;
}

impl Record for Enrolment {
    const KIND: Kind = Kind::Enrolment;
    const SCHEMA: u16 = 1;
    fn owner(&self) -> Option<ParticipantId> {
        Some(self.participant)
    }
}

impl Record for Attendance {
    const KIND: Kind = Kind::Attendance;
    const SCHEMA: u16 = 1;
}

impl Record for Closure {
    const KIND: Kind = Kind::Closure;
    const SCHEMA: u16 = 1;
}

impl Record for Contact {
    const KIND: Kind = Kind::Contact;
    /// Schema 2 appended whether it was withdrawn and its history of corrections.
    const SCHEMA: u16 = 2;
    fn migrate(schema: u16, payload: &[u8]) -> Result<Self, StoreError> {
        match schema {
            1 => with_appended(Kind::Contact, payload, &(false, Vec::<crate::domain::amend::Amendment>::new())),
            _ => Err(StoreError::Corrupt { kind: "contact", reason: format!("unknown schema version {schema}") }),
        }
    }
    fn owner(&self) -> Option<ParticipantId> {
        Some(self.participant)
    }
}

impl Record for Appointment {
    const KIND: Kind = Kind::Appointment;
    /// Schema 2 appended its state (planned, cancelled, no-show) and its history of changes.
    const SCHEMA: u16 = 2;
    fn migrate(schema: u16, payload: &[u8]) -> Result<Self, StoreError> {
        use crate::domain::appointment::AppointmentState;
        let appended = (AppointmentState::Planned, Vec::<crate::domain::amend::Amendment>::new());
        match schema {
            1 => with_appended(Kind::Appointment, payload, &appended),
            _ => Err(StoreError::Corrupt { kind: "appointment", reason: format!("unknown schema version {schema}") }),
        }
    }
    fn owner(&self) -> Option<ParticipantId> {
        Some(self.participant)
    }
}

impl Record for Signal {
    const KIND: Kind = Kind::Signal;
    const SCHEMA: u16 = 1;
    fn owner(&self) -> Option<ParticipantId> {
        Some(self.participant)
    }
}

impl Record for PartnerReferral {
    const KIND: Kind = Kind::PartnerReferral;
    /// Schema 2 appended the steps of its status over time.
    const SCHEMA: u16 = 2;
    fn migrate(schema: u16, payload: &[u8]) -> Result<Self, StoreError> {
        match schema {
            1 => with_appended(Kind::PartnerReferral, payload, &Vec::<crate::domain::signal::ReferralStep>::new()),
            _ => Err(StoreError::Corrupt {
                kind: "partner referral",
                reason: format!("unknown schema version {schema}"),
            }),
        }
    }
    fn owner(&self) -> Option<ParticipantId> {
        Some(self.participant)
    }
}

/// Per participant: the day of the last contact made and of the last attempt (an index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContactSummary {
    #[serde(with = "crate::domain::compact::date_opt")]
    pub last_made: Option<chrono::NaiveDate>,
    #[serde(with = "crate::domain::compact::date_opt")]
    pub last_any: Option<chrono::NaiveDate>,
}

impl Record for ContactSummary {
    const KIND: Kind = Kind::ContactSummary;
    const SCHEMA: u16 = 1;
}

/// This replica's membership of a team: where the server is, the account's token (sealed under
/// the master key like every record, so the passphrase guards it), and how far sync got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamLink {
    pub server: String,
    /// A certificate (PEM) to trust for the server besides the usual roots (`--ca`).
    pub ca: Option<String>,
    pub team: [u8; 16],
    pub account: [u8; 16],
    pub token: [u8; 32],
    /// The next sequence number of this device's change log that the server has not taken.
    pub pushed: u64,
    /// The server's sequence number of the last item taken in.
    pub pulled: i64,
    /// Whole caseload uploaded once (a team's first coach).
    pub uploaded: bool,
    /// Items from the team that could not be taken in yet, with their sequence numbers: tried
    /// again at every sync (see `store::sync::Applied::parked`).
    pub parked: Vec<(i64, crate::protocol::Item)>,
    /// The coach this account is in the team: the name the inviter gave (sealed in the invite,
    /// whose use the server confirmed), or the first coach's name at the team's creation. The
    /// access log and the team's member list record this name, not a name typed at start.
    pub coach: String,
    /// A fresh replica pulls the people and their keys first (so the start screen shows the
    /// coach's own people before the team's history is in), then the rest: `PEOPLE_FIRST`
    /// until that first phase is done, then the team's newest sequence number when it was (the
    /// people up to it are not pulled twice). 0: nothing left out (a replica from before).
    pub people_until: i64,
}

impl TeamLink {
    /// [`TeamLink::people_until`] of a replica whose people come first.
    pub const PEOPLE_FIRST: i64 = -1;
}

impl TeamLink {
    /// The link of a device that just joined with `resp` (`uploaded`: nothing of its own to send
    /// whole, as for an invited colleague's new caseload).
    pub fn joined(server: &str, ca: Option<String>, resp: &crate::protocol::JoinResponse, uploaded: bool) -> TeamLink {
        TeamLink {
            server: server.trim_end_matches('/').to_string(),
            ca,
            team: resp.team,
            account: resp.account,
            token: resp.token,
            pushed: 0,
            pulled: 0,
            uploaded,
            parked: Vec::new(),
            coach: String::new(),
            people_until: TeamLink::PEOPLE_FIRST,
        }
    }
}

impl Record for TeamLink {
    const KIND: Kind = Kind::TeamLink;
    /// Schema 2 added the kept items (`parked`) at the end, schema 3 the coach's name, schema 4
    /// the people-first phase of a fresh replica (done, for a link from before).
    const SCHEMA: u16 = 4;
    fn migrate(schema: u16, payload: &[u8]) -> Result<Self, StoreError> {
        match schema {
            1 => with_appended(
                Kind::TeamLink,
                payload,
                &(Vec::<(i64, crate::protocol::Item)>::new(), String::new(), 0i64),
            ),
            2 => with_appended(Kind::TeamLink, payload, &(String::new(), 0i64)),
            3 => with_appended(Kind::TeamLink, payload, &0i64),
            _ => Err(StoreError::Corrupt { kind: "team link", reason: format!("unknown schema version {schema}") }),
        }
    }
}

/// A join whose invite code the server took but whose caseload was not yet sealed under the
/// team's key (sealed under this caseload's own master key, like every record).
#[derive(Clone, Serialize, Deserialize)]
pub struct PendingJoin {
    /// The link the caseload gets once it is under the team's key.
    pub link: TeamLink,
    /// The team's master key (from the invite).
    pub master: [u8; 32],
}

impl std::fmt::Debug for PendingJoin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingJoin").field("team", &self.link.team).finish_non_exhaustive()
    }
}

impl Drop for PendingJoin {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.master);
    }
}

impl Record for PendingJoin {
    const KIND: Kind = Kind::PendingJoin;
    const SCHEMA: u16 = 1;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::crypto::{Key, Keys, MASTER_KEY_ID};

    fn v1_draft(form: &str, target: Option<[u8; 16]>) -> Vec<u8> {
        #[derive(Serialize)]
        struct V1<'a> {
            form: &'a str,
            target: Option<[u8; 16]>,
            values: Vec<(String, String)>,
            focus: usize,
            saved_at: i64,
        }
        let old =
            V1 { form, target, values: vec![("summary".into(), "Koffie".into())], focus: 8, saved_at: 1_700_000_000 };
        let payload = bincode::serde::encode_to_vec(old, bincode::config::standard()).unwrap();
        let mut bytes = vec![b'M', b'D', codec::FORMAT, Kind::Draft as u8];
        bytes.extend_from_slice(&1u16.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&payload);
        bytes
    }

    /// Drafts of the first schema read as typed kinds with their values and focus; a form this
    /// version does not know reads as such, never as another form.
    #[test]
    fn drafts_of_schema_1_read_as_kinds() {
        let mut keys = Keys::new(Key::random());
        keys.allow_plain = true;
        let p = ParticipantId(uuid::Uuid::from_u128(5));
        let d: Draft = codec::decode(&v1_draft("contact", Some(*p.as_bytes())), &keys).unwrap();
        assert_eq!(d, Draft::new(FormKind::Contact(p), vec![("summary".into(), "Koffie".into())], 8, 1_700_000_000));
        assert_eq!(d.owner(), Some(p));
        let d: Draft = codec::decode(&v1_draft("matrix", Some(*p.as_bytes())), &keys).unwrap();
        assert_eq!((d.owner(), d.kind), (None, DraftKind::Unknown("matrix".into())));
        let d: Draft = codec::decode(&v1_draft("module", Some([3; 16])), &keys).unwrap();
        assert_eq!(d.owner(), None, "a module draft is nobody's");
        // And the current schema round-trips.
        let now = Draft::new(FormKind::Closure, vec![], 0, 1);
        assert_eq!(codec::decode::<Draft>(&codec::encode(&now, &keys, MASTER_KEY_ID).unwrap(), &keys).unwrap(), now);
    }

    /// A team link of the first schema (before kept items) still reads, with none kept.
    #[test]
    fn a_team_link_of_schema_1_still_reads() {
        #[derive(Serialize)]
        struct V1 {
            server: String,
            ca: Option<String>,
            team: [u8; 16],
            account: [u8; 16],
            token: [u8; 32],
            pushed: u64,
            pulled: i64,
            uploaded: bool,
        }
        let old = V1 {
            server: "https://sync.example".into(),
            ca: None,
            team: [1; 16],
            account: [2; 16],
            token: [3; 32],
            pushed: 40,
            pulled: 77,
            uploaded: true,
        };
        let payload = bincode::serde::encode_to_vec(old, bincode::config::standard()).unwrap();
        let mut bytes = vec![b'M', b'D', codec::FORMAT, Kind::TeamLink as u8];
        bytes.extend_from_slice(&1u16.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&payload);
        let mut keys = Keys::new(Key::random());
        keys.allow_plain = true;
        let link: TeamLink = codec::decode(&bytes, &keys).unwrap();
        assert_eq!((link.pushed, link.pulled, link.token, link.parked.len()), (40, 77, [3; 32], 0));
    }

    /// Settings written by the first version (schema 1) still read, through the migration.
    #[test]
    fn settings_of_schema_1_still_read() {
        #[derive(Serialize)]
        struct V1 {
            coach: Option<String>,
        }
        let payload =
            bincode::serde::encode_to_vec(V1 { coach: Some("Sanne".into()) }, bincode::config::standard()).unwrap();
        let mut bytes = vec![b'M', b'D', codec::FORMAT, Kind::Settings as u8];
        bytes.extend_from_slice(&1u16.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&payload);
        let mut keys = Keys::new(Key::random());
        keys.allow_plain = true;
        let s: Settings = codec::decode(&bytes, &keys).unwrap();
        assert_eq!(s, Settings { coach: Some("Sanne".into()), ..Settings::default() });
        // Schema 2 (with the no-contact threshold) too.
        #[derive(Serialize)]
        struct V2 {
            coach: Option<String>,
            no_contact_days: Option<u16>,
        }
        let payload = bincode::serde::encode_to_vec(
            V2 { coach: Some("Sanne".into()), no_contact_days: Some(21) },
            bincode::config::standard(),
        )
        .unwrap();
        let mut bytes = vec![b'M', b'D', codec::FORMAT, Kind::Settings as u8];
        bytes.extend_from_slice(&2u16.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&payload);
        let s: Settings = codec::decode(&bytes, &keys).unwrap();
        assert_eq!((s.no_contact_days, s.retention_months(), s.lock_minutes()), (Some(21), 24, 10));
        // And the current schema round-trips.
        let now =
            Settings { coach: None, no_contact_days: Some(21), retention_months: Some(36), lock_minutes: Some(5) };
        assert_eq!(codec::decode::<Settings>(&codec::encode(&now, &keys, MASTER_KEY_ID).unwrap(), &keys).unwrap(), now);
    }

    /// A team link of schema 2 (before the coach's name) reads with its sync state intact and no
    /// name, so an upgraded laptop goes on syncing where it was.
    #[test]
    fn a_team_link_of_schema_2_reads_without_a_name() {
        #[derive(Serialize)]
        struct V2 {
            server: String,
            ca: Option<String>,
            team: [u8; 16],
            account: [u8; 16],
            token: [u8; 32],
            pushed: u64,
            pulled: i64,
            uploaded: bool,
            parked: Vec<(i64, crate::protocol::Item)>,
        }
        let old = V2 {
            server: "https://sync.example".into(),
            ca: None,
            team: [1; 16],
            account: [2; 16],
            token: [3; 32],
            pushed: 41,
            pulled: 977,
            uploaded: true,
            parked: Vec::new(),
        };
        let payload = bincode::serde::encode_to_vec(old, bincode::config::standard()).unwrap();
        let mut bytes = vec![b'M', b'D', codec::FORMAT, Kind::TeamLink as u8];
        bytes.extend_from_slice(&2u16.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&payload);
        let mut keys = Keys::new(Key::random());
        keys.allow_plain = true;
        let link: TeamLink = codec::decode(&bytes, &keys).unwrap();
        assert_eq!((link.pushed, link.pulled, link.uploaded, link.account), (41, 977, true, [2; 16]));
        assert_eq!(link.coach, "");
        assert_eq!(link.people_until, 0, "a replica from before pulls on where it was");
    }
}
