//! Persistence: a typed repository over sled trees. Nothing above this module sees sled.
//!
//! Every value goes through [`codec`] (a versioned envelope around bincode); secondary indexes are
//! written in the same transaction as their records; a save returns only after the data is on disk.

mod backup;
mod bulk;
mod changelog;
mod coach;
pub mod codec;
pub mod crypto;
mod damage;
mod day;
mod device;
mod error;
mod facts;
mod files;
mod highwater;
pub mod hlc;
mod keys;
mod keyslots;
pub mod merge;
mod numbers;
mod privacy;
mod records;
pub mod registry;
mod rekey;
mod repo;
mod restore;
mod shred;
mod space;
pub mod sync;
mod team_key;
pub use team_key::{PendingJoin, Rekeyed};

pub use backup::DAILY_KEPT;
pub use changelog::{Batch, Change, ChangePage};
pub use coach::{OwnPeople, ParticipantReader};
pub use codec::Kind;
pub use damage::{panicked_in_storage, quiet_storage_panics};
pub use error::StoreError;
pub use files::{owner_only_umask, write_private};
pub use highwater::{forget as forget_generation, set_state_dir};
pub use keys::{LockedStore, StoreState};
pub use privacy::ErasureReport;
pub use records::{
    AssessmentDraft, AttendanceMark, ContactSummary, Draft, DraftKind, Settings, StatusEntry, TrajectoryHead,
};
pub use repo::Store;
pub use restore::{Backup, BackupKey, Restored};
pub use space::ROOM_TO_REOPEN;
