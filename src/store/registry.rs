//! The one list of record kinds: for every [`Kind`] the type it holds, the tree it lives in,
//! whether its writes go into the change log, how it is found when a person is erased, whether
//! the caseload export holds it, and how `check` reads it. Erasure, the backup shredder, the
//! clean-up after a restore, `check` and the re-encryption of an old store are derived from it,
//! so a new kind that is not registered here fails the `every_kind_is_registered` test.

use super::StoreError;
use super::codec::{self, Kind, Record};
use super::crypto::Keys;
use super::repo::Store;

/// The sled trees of a caseload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tree {
    Meta,
    Participants,
    IxNumber,
    Drafts,
    Assessments,
    Goals,
    AssessmentDrafts,
    Modules,
    Enrolments,
    Attendance,
    Closures,
    Contacts,
    Appointments,
    Trajectories,
    Signals,
    Referrals,
    IxLastContact,
    IxAppointmentDate,
    Keys,
    AccessLog,
    Consents,
    Erasures,
    Changes,
    ChangeHeads,
    AttendanceMarks,
    StatusChanges,
    SyncBase,
    Conflicts,
    Members,
}

impl Tree {
    pub const ALL: [Tree; 29] = [
        Tree::Meta,
        Tree::Participants,
        Tree::IxNumber,
        Tree::Drafts,
        Tree::Assessments,
        Tree::Goals,
        Tree::AssessmentDrafts,
        Tree::Modules,
        Tree::Enrolments,
        Tree::Attendance,
        Tree::Closures,
        Tree::Contacts,
        Tree::Appointments,
        Tree::Trajectories,
        Tree::Signals,
        Tree::Referrals,
        Tree::IxLastContact,
        Tree::IxAppointmentDate,
        Tree::Keys,
        Tree::AccessLog,
        Tree::Consents,
        Tree::Erasures,
        Tree::Changes,
        Tree::ChangeHeads,
        Tree::AttendanceMarks,
        Tree::StatusChanges,
        Tree::SyncBase,
        Tree::Conflicts,
        Tree::Members,
    ];

    /// The tree's name in the data file (and in backups). Stored: never change one.
    pub const fn name(self) -> &'static str {
        match self {
            Tree::Meta => "meta",
            Tree::Participants => "participants",
            Tree::IxNumber => "ix_participant_number",
            Tree::Drafts => "drafts",
            Tree::Assessments => "assessments",
            Tree::Goals => "goals",
            Tree::AssessmentDrafts => "assessment_drafts",
            Tree::Modules => "modules",
            Tree::Enrolments => "enrolments",
            Tree::Attendance => "attendance",
            Tree::Closures => "closures",
            Tree::Contacts => "contacts",
            Tree::Appointments => "appointments",
            Tree::Trajectories => "trajectories",
            Tree::Signals => "signals",
            Tree::Referrals => "partner_referrals",
            Tree::IxLastContact => "ix_last_contact",
            Tree::IxAppointmentDate => "ix_appointment_date",
            Tree::Keys => "keys",
            Tree::AccessLog => "access_log",
            Tree::Consents => "consents",
            Tree::Erasures => "erasures",
            Tree::Changes => "changes",
            Tree::ChangeHeads => "change_heads",
            Tree::AttendanceMarks => "attendance_marks",
            Tree::StatusChanges => "status_changes",
            Tree::SyncBase => "sync_base",
            Tree::Conflicts => "conflicts",
            Tree::Members => "team_members",
        }
    }

    pub fn from_name(name: &[u8]) -> Option<Tree> {
        Tree::ALL.into_iter().find(|t| t.name().as_bytes() == name)
    }

    /// Trees whose values are not sealed records (ids, empty values, revision numbers).
    pub const fn is_raw(self) -> bool {
        matches!(self, Tree::IxNumber | Tree::IxAppointmentDate | Tree::ChangeHeads | Tree::SyncBase)
    }

    /// The participant an entry of an index tree (whose values are not sealed) points at.
    pub fn index_owner<'a>(self, k: &'a [u8], v: &'a [u8]) -> Option<&'a [u8]> {
        match self {
            Tree::IxNumber => Some(v),
            Tree::IxAppointmentDate => k.get(4..20),
            Tree::IxLastContact => Some(k),
            // A base: the owner (zeros for none) leads the value (see `store::merge`).
            Tree::SyncBase => v.get(..16).filter(|o| *o != [0u8; 16]),
            _ => None,
        }
    }
}

/// How a person's records of a kind are found when they are erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Erase {
    /// Keyed by the participant's id, then the record's: one prefix scan.
    PrefixedByOwner,
    /// Keyed by the participant's id alone.
    KeyedByOwner,
    /// Sealed under the person's key and keyed otherwise: the tree is scanned by key id.
    SealedUnderOwner,
    /// Shared records that hold marks of many people (attendance lists as stored before one
    /// record per mark): their marks are taken out.
    MarksOf,
    /// Not about one person (modules, closures, settings, the erasure traces, the log itself).
    NotPersonal,
    /// Key material: the person's key is destroyed, not swept.
    KeyMaterial,
}

/// Decodes a value stored under a key (the second argument) with the keys given and seals it
/// again for the store given, under the same key.
pub type Reseal = fn(&[u8], &[u8], &Keys, &Store) -> Result<Vec<u8>, StoreError>;

/// Decodes a value stored under a key (the second argument), for `check`.
pub type Check = fn(&Store, &[u8], &[u8]) -> Result<(), StoreError>;

/// What is known about one record kind.
pub struct KindInfo {
    pub kind: Kind,
    pub tree: Tree,
    /// Current schema version of the kind's type.
    pub schema: u16,
    /// Writes of this kind get a change-log entry (the records a sync would share). Drafts, the
    /// contact index, keys and the bookkeeping of this device do not.
    pub logged: bool,
    pub erase: Erase,
    /// The section of the whole-caseload export (`meedoen export`) that holds this kind, if any.
    pub export: Option<&'static str>,
    /// Decodes a value of this kind stored under a key (for `check`).
    pub check: Check,
    /// Decodes a value with `reading` and seals it again for `into` (the encryption of an old
    /// plain store); `None` for the key material, which is stored plain.
    pub reseal: Option<Reseal>,
    /// The record as data (for a field-level merge of two versions, see `store::merge`);
    /// `None` for the key material.
    pub data: Option<AsData>,
}

/// Reads a sealed value (stored under a key) as data.
pub type ReadData = fn(&Store, &[u8], &[u8]) -> Result<serde_json::Value, StoreError>;
/// Puts data as the record under a key into a batch (refused when it is not this kind's).
pub type PutData = fn(&mut super::Batch<'_>, &[u8], serde_json::Value) -> Result<(), StoreError>;

/// A record kind's values as JSON data: read from a sealed value, and put into a batch.
#[derive(Clone, Copy)]
pub struct AsData {
    pub read: ReadData,
    pub put: PutData,
}

fn read_data<T: Record>(s: &Store, b: &[u8], at: &[u8]) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(s.unseal::<T>(b, at)?)
        .map_err(|e| StoreError::Backend(format!("{} as data: {e}", T::KIND.name())))
}

fn put_data<T: Record>(batch: &mut super::Batch<'_>, at: &[u8], v: serde_json::Value) -> Result<(), StoreError> {
    let value: T =
        serde_json::from_value(v).map_err(|e| StoreError::Backend(format!("{} from data: {e}", T::KIND.name())))?;
    batch.put(at.to_vec(), &value)
}

fn check_as<T: Record>(s: &Store, b: &[u8], at: &[u8]) -> Result<(), StoreError> {
    s.unseal::<T>(b, at).map(|_| ())
}

fn check_plain<T: Record>(_: &Store, b: &[u8], _: &[u8]) -> Result<(), StoreError> {
    codec::decode_plain::<T>(b).map(|_| ())
}

fn reseal_as<T: Record>(b: &[u8], at: &[u8], k: &Keys, s: &Store) -> Result<Vec<u8>, StoreError> {
    s.seal(&codec::decode_at::<T>(b, k, at)?, at)
}

fn sealed<T: Record>(tree: Tree, logged: bool, erase: Erase, export: Option<&'static str>) -> KindInfo {
    KindInfo {
        kind: T::KIND,
        tree,
        schema: T::SCHEMA,
        logged,
        erase,
        export,
        check: check_as::<T>,
        reseal: Some(reseal_as::<T>),
        data: Some(AsData { read: read_data::<T>, put: put_data::<T> }),
    }
}

fn plain<T: Record>(tree: Tree) -> KindInfo {
    KindInfo {
        kind: T::KIND,
        tree,
        schema: T::SCHEMA,
        logged: false,
        erase: Erase::KeyMaterial,
        export: None,
        check: check_plain::<T>,
        reseal: None,
        data: None,
    }
}

/// Every record kind, once.
pub fn kinds() -> &'static [KindInfo] {
    static ALL: std::sync::LazyLock<Vec<KindInfo>> = std::sync::LazyLock::new(build);
    &ALL
}

/// The registry entry of `kind` (every kind has one: see the test below).
pub fn info(kind: Kind) -> Option<&'static KindInfo> {
    kinds().iter().find(|i| i.kind == kind)
}

/// The tree records of `kind` are kept in.
pub fn tree_of(kind: Kind) -> Result<Tree, StoreError> {
    info(kind)
        .map(|i| i.tree)
        .ok_or_else(|| StoreError::Backend(format!("record kind {} is not registered", kind.name())))
}

fn build() -> Vec<KindInfo> {
    use super::backup::BackupRegister;
    use super::changelog::ChangePage;
    use super::crypto::{KeyChunk, Keyring, WrappedKey};
    use super::privacy::PendingErasure;
    use super::records::{
        AssessmentDraft, AttendanceMark, ContactSummary, Draft, Settings, StatusEntry, TrajectoryHead,
    };
    use crate::domain::Participant;
    use crate::domain::contact::{Appointment, Contact};
    use crate::domain::goal::Goal;
    use crate::domain::health::Assessment;
    use crate::domain::module::{Attendance, Closure, Enrolment, Module};
    use crate::domain::privacy::{AccessEntry, Consent, Erasure};
    use crate::domain::signal::{PartnerReferral, Signal};
    use Erase::{KeyedByOwner, MarksOf, NotPersonal, PrefixedByOwner, SealedUnderOwner};
    vec![
        sealed::<Participant>(Tree::Participants, true, KeyedByOwner, Some("participants")),
        sealed::<Draft>(Tree::Drafts, false, SealedUnderOwner, Some("drafts")),
        sealed::<Settings>(Tree::Meta, true, NotPersonal, None),
        sealed::<Assessment>(Tree::Assessments, true, PrefixedByOwner, Some("assessments")),
        sealed::<Goal>(Tree::Goals, true, PrefixedByOwner, Some("goals")),
        sealed::<AssessmentDraft>(Tree::AssessmentDrafts, false, KeyedByOwner, Some("drafts")),
        sealed::<Module>(Tree::Modules, true, NotPersonal, Some("modules")),
        sealed::<Enrolment>(Tree::Enrolments, true, SealedUnderOwner, Some("enrolments")),
        // Attendance lists of before one record per mark: read until the store's first opening
        // splits them into marks (`store::facts`), and in old backups.
        sealed::<Attendance>(Tree::Attendance, true, MarksOf, Some("sessions")),
        sealed::<Closure>(Tree::Closures, true, NotPersonal, Some("sessions")),
        sealed::<Contact>(Tree::Contacts, true, PrefixedByOwner, Some("contacts")),
        sealed::<Appointment>(Tree::Appointments, true, PrefixedByOwner, Some("appointments")),
        sealed::<TrajectoryHead>(Tree::Trajectories, true, KeyedByOwner, Some("trajectories")),
        sealed::<Signal>(Tree::Signals, true, PrefixedByOwner, Some("signals")),
        sealed::<PartnerReferral>(Tree::Referrals, true, PrefixedByOwner, Some("referrals")),
        sealed::<ContactSummary>(Tree::IxLastContact, false, KeyedByOwner, None),
        plain::<Keyring>(Tree::Meta),
        plain::<WrappedKey>(Tree::Keys),
        sealed::<AccessEntry>(Tree::AccessLog, true, PrefixedByOwner, Some("access_log")),
        sealed::<Consent>(Tree::Consents, true, PrefixedByOwner, Some("consents")),
        sealed::<Erasure>(Tree::Erasures, true, NotPersonal, Some("erasures")),
        sealed::<BackupRegister>(Tree::Meta, false, NotPersonal, None),
        plain::<KeyChunk>(Tree::Keys),
        sealed::<PendingErasure>(Tree::Meta, false, NotPersonal, None),
        sealed::<ChangePage>(Tree::Changes, false, NotPersonal, None),
        sealed::<super::numbers::NumberBlock>(Tree::Meta, true, NotPersonal, None),
        sealed::<AttendanceMark>(Tree::AttendanceMarks, true, SealedUnderOwner, Some("sessions")),
        sealed::<StatusEntry>(Tree::StatusChanges, true, PrefixedByOwner, Some("trajectories")),
        sealed::<super::records::TeamLink>(Tree::Meta, false, NotPersonal, None),
        sealed::<crate::domain::conflict::Conflict>(Tree::Conflicts, true, PrefixedByOwner, Some("conflicts")),
        sealed::<crate::domain::conflict::Member>(Tree::Members, true, NotPersonal, None),
        sealed::<super::records::PendingJoin>(Tree::Meta, false, NotPersonal, None),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kind added to [`Kind`] without a registry entry would be forgotten by erasure, backup,
    /// check or the change log: this fails first.
    #[test]
    fn every_kind_is_registered_once_and_every_tree_of_a_record_kind_is_known() {
        // The server pulls people first by this number (see `protocol::PARTICIPANT_KIND`).
        assert_eq!(Kind::Participant as u8, crate::protocol::PARTICIPANT_KIND);
        for b in 1..=255u8 {
            if let Some(kind) = Kind::from_u8(b) {
                let n = kinds().iter().filter(|i| i.kind == kind).count();
                assert_eq!(n, 1, "{} has {n} registry entries", kind.name());
            }
        }
        assert_eq!(kinds().len(), (1..=255u8).filter_map(Kind::from_u8).count());
        for t in Tree::ALL {
            assert_eq!(Tree::from_name(t.name().as_bytes()), Some(t));
        }
    }
}
