//! The id of a record of the coach's day (a contact, an appointment, a signal, a referral).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordId(pub uuid::Uuid);

impl RecordId {
    pub fn new_random() -> RecordId {
        RecordId(uuid::Uuid::new_v4())
    }
}
