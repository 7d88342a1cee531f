//! The coach's own caseload first: the participants whose key carries the coach's tag (see
//! [`super::crypto::CoachTag`]) are read before the first frame; everyone else is read on a
//! thread of its own while the coach looks at it.

use std::collections::HashMap;
use std::sync::Arc;

use super::crypto::{CoachTag, Keys};
use super::{Store, StoreError, codec};
use crate::domain::{Participant, ParticipantId};

/// A coach's own participants as read before the first frame.
pub struct OwnPeople {
    /// Those with an open trajectory.
    pub open: Vec<Participant>,
    /// Those with a closed one, by id only.
    pub closed: Vec<ParticipantId>,
}

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
        self.tree
            .iter()
            .map(|kv| {
                let (k, v) = kv?;
                codec::decode_in::<Participant>(&v, &view, &k)
            })
            .collect()
    }
}

impl Store {
    /// `coach`'s own participants as their keys' coach tags tell, without decrypting anyone
    /// else: those with an open trajectory read, those with a closed one by id only; `None` when
    /// the tags cannot tell (a key not yet tagged).
    pub fn own_participants(&self, coach: &str) -> Result<Option<OwnPeople>, StoreError> {
        let tags = (self.keys.coach_tag(coach, true), self.keys.coach_tag(coach, false));
        let Some((open, closed)) = self.keys.people_of_coach(tags.0, tags.1)? else { return Ok(None) };
        let view = self.keys.view();
        let mut own = Vec::with_capacity(open.len());
        for id in open {
            if let Some(v) = self.participants.get(id.as_bytes())? {
                own.push(codec::decode_in::<Participant>(&v, &view, id.as_bytes())?);
            }
        }
        Ok(Some(OwnPeople { open: own, closed }))
    }

    /// A reader of every participant for another thread.
    pub fn participant_reader(&self) -> ParticipantReader {
        ParticipantReader { tree: self.participants.clone(), keys: Arc::clone(&self.keys) }
    }

    /// How many of these people have a coach tag that says another coach or trajectory state (a
    /// key without a tag, from before tags, is not counted).
    pub fn stale_coach_tags(&self, people: &[Participant]) -> Result<usize, StoreError> {
        let mut n = 0;
        for (p, tag) in self.expected_tags(people) {
            if self.keys.coach_tag_of(p)?.is_some_and(|t| t != tag) {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Makes the coach tags of these people match their coach; how many were rewritten. Called
    /// before a participant is saved (a crash between the two leaves a tag ahead of its record,
    /// which the next start finds and puts right) and after the whole caseload was read.
    pub fn tag_coaches<'a>(&self, people: impl IntoIterator<Item = &'a Participant>) -> Result<usize, StoreError> {
        let mut changed = Vec::new();
        for (p, tag) in self.expected_tags(people) {
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

    /// Each person with the tag their coach and trajectory state call for (computed once per
    /// coach and state).
    pub(super) fn expected_tags<'a>(
        &self,
        people: impl IntoIterator<Item = &'a Participant>,
    ) -> Vec<(ParticipantId, CoachTag)> {
        let mut tags: HashMap<(&str, bool), CoachTag> = HashMap::new();
        people
            .into_iter()
            .map(|p| {
                let (coach, open) = (p.coach.as_str(), p.status.is_open());
                (p.id, *tags.entry((coach, open)).or_insert_with(|| self.keys.coach_tag(coach, open)))
            })
            .collect()
    }
}
