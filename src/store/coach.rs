//! The coach's own caseload first: the participants whose key carries the coach's tag (see
//! [`super::crypto::CoachTag`]) are read before the first frame; everyone else is read on a
//! thread of its own while the coach looks at it.

use std::collections::HashMap;
use std::sync::Arc;

use super::crypto::{CoachTag, Keys};
use super::{Store, StoreError, codec};
use crate::domain::{Participant, ParticipantId};

/// Reads every participant; owns what it needs, so it can run on a thread that outlives the
/// borrow of the store it came from.
pub struct ParticipantReader {
    tree: sled::Tree,
    keys: Arc<Keys>,
}

impl ParticipantReader {
    /// Every participant, in storage order (as [`Store::participants`], on this thread only).
    pub fn read(&self) -> Result<Vec<Participant>, StoreError> {
        let view = self.keys.view();
        self.tree.iter().values().map(|v| codec::decode_in::<Participant>(&v?, &view)).collect()
    }
}

impl Store {
    /// The participants of `coach`'s caseload (every status), found by their keys' coach tags
    /// without decrypting anyone else; `None` when the tags cannot tell (a key not yet tagged).
    pub fn own_participants(&self, coach: &str) -> Result<Option<Vec<Participant>>, StoreError> {
        let Some(ids) = self.keys.people_of_coach(self.keys.coach_tag(coach))? else { return Ok(None) };
        let view = self.keys.view();
        let mut own = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(v) = self.participants.get(id.as_bytes())? {
                own.push(codec::decode_in::<Participant>(&v, &view)?);
            }
        }
        Ok(Some(own))
    }

    /// A reader of every participant for another thread.
    pub fn participant_reader(&self) -> ParticipantReader {
        ParticipantReader { tree: self.participants.clone(), keys: Arc::clone(&self.keys) }
    }

    /// Makes the coach tags of these people match their coach; how many were rewritten. Called
    /// before a participant is saved (a crash between the two leaves a tag ahead of its record,
    /// which the next start finds and puts right) and after the whole caseload was read.
    pub fn tag_coaches<'a>(
        &self,
        people: impl IntoIterator<Item = (ParticipantId, &'a str)>,
    ) -> Result<usize, StoreError> {
        let mut tags: HashMap<&str, CoachTag> = HashMap::new();
        let mut changed = Vec::new();
        for (p, coach) in people {
            let tag = *tags.entry(coach).or_insert_with(|| self.keys.coach_tag(coach));
            if let Some((id, w)) = self.keys.set_coach_tag(p, tag)? {
                changed.push((id, Some(w)));
            }
        }
        let n = changed.len();
        if n > 0 {
            self.put_keys(changed)?;
        }
        Ok(n)
    }
}
