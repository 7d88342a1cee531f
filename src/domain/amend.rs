//! A correction kept with the record it corrects: who changed what, when and why. A logged
//! contact or a planned appointment is never silently overwritten: the record keeps its id (so
//! sync and the access log follow it) and carries its history of amendments, each with the
//! fields it changed, old → new.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::privacy::FieldChange;

/// What an amendment did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AmendKind {
    /// Fields put right (a wrong date, channel, summary).
    Corrected,
    /// Taken back: recorded by mistake (the wrong person). It stays visible as withdrawn and no
    /// longer counts.
    Withdrawn,
    /// An appointment moved to another day, time or place.
    Moved,
    /// An appointment called off.
    Cancelled,
    /// The participant did not come to the appointment.
    NoShow,
}

impl AmendKind {
    pub const ALL: [AmendKind; 5] =
        [AmendKind::Corrected, AmendKind::Withdrawn, AmendKind::Moved, AmendKind::Cancelled, AmendKind::NoShow];

    pub fn code(self) -> &'static str {
        match self {
            AmendKind::Corrected => "corrected",
            AmendKind::Withdrawn => "withdrawn",
            AmendKind::Moved => "moved",
            AmendKind::Cancelled => "cancelled",
            AmendKind::NoShow => "no_show",
        }
    }
}

/// One amendment of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    #[serde(with = "super::compact::moment")]
    pub at: DateTime<Utc>,
    /// The coach who made it.
    pub by: String,
    pub kind: AmendKind,
    /// Why (required for a withdrawal and a cancellation, optional for a correction).
    pub reason: String,
    /// The fields it changed, with the values shown before and after.
    pub changes: Vec<FieldChange>,
}

/// The fields whose shown value differs, as (field code, old, new).
pub fn differences(pairs: &[(&str, String, String)]) -> Vec<FieldChange> {
    pairs
        .iter()
        .filter(|(_, old, new)| old != new)
        .map(|(field, old, new)| FieldChange { field: (*field).to_string(), old: old.clone(), new: new.clone() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_fields_that_changed_are_kept() {
        let d =
            differences(&[("date", "20-11-2026".into(), "19-11-2026".into()), ("minutes", "30".into(), "30".into())]);
        assert_eq!(d, vec![FieldChange { field: "date".into(), old: "20-11-2026".into(), new: "19-11-2026".into() }]);
    }

    /// Amendment kinds are stored by their place: new ones go at the end.
    #[test]
    fn kinds_keep_their_stored_place() {
        let stored = |k: AmendKind| bincode::serde::encode_to_vec(k, bincode::config::standard()).unwrap_or_default();
        for (i, k) in AmendKind::ALL.into_iter().enumerate() {
            assert_eq!(stored(k), [i as u8], "{k:?}");
        }
    }
}
