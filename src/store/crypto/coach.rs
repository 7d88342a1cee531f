//! Coach tags: whose caseload a participant is in, known before any of their records is
//! decrypted, so the start screen can be drawn from the coach's own people while the rest of the
//! caseload is still being read.
//!
//! A tag is stored beside the participant's wrapped data key, so erasing the person (which
//! destroys that entry, in the database and in the backups meedoen can reach) removes it too.
//! It is a keyed hash, not the name: without the master key it shows only which participants
//! share a coach, not who that coach is.

use blake2::Blake2bMac;
use blake2::digest::Mac;
use blake2::digest::consts::U16;

use super::{Keys, StoreError, WrappedKey, unusable};
use crate::domain::ParticipantId;

/// BLAKE2b-128 of the coach's name as names are compared ([`crate::domain::coach_key`]: no
/// surrounding spaces, ASCII case folded), keyed with the master key.
pub type CoachTag = [u8; 16];

impl Keys {
    /// The tag of `coach` in this caseload.
    pub fn coach_tag(&self, coach: &str) -> CoachTag {
        let mut tag = [0u8; 16];
        if let Ok(mut mac) = Blake2bMac::<U16>::new_with_salt_and_personal(self.master().bytes(), b"", b"meedoen coach")
        {
            mac.update(crate::domain::coach_key(coach).as_bytes());
            tag.copy_from_slice(&mac.finalize().into_bytes());
        }
        tag
    }

    /// Sets `p`'s coach tag; the key entry to store when it changed, `None` when it was already
    /// right or `p` has no key.
    pub fn set_coach_tag(&self, p: ParticipantId, tag: CoachTag) -> Result<Option<(u32, WrappedKey)>, StoreError> {
        self.wait_loaded()?;
        let mut maps = self.maps.write().map_err(|_| unusable())?;
        let Some(&id) = maps.of_participant.get(&p) else { return Ok(None) };
        let Some(slot) = maps.by_id.get_mut(&id) else { return Ok(None) };
        if slot.coach == Some(tag) {
            return Ok(None);
        }
        slot.coach = Some(tag);
        Ok(Some((id, slot.stored())))
    }

    /// The participants whose key carries `tag`, in key order; `None` when some key has no tag
    /// yet (a caseload from before tags), so the tags cannot tell who is in the caseload.
    pub fn people_of_coach(&self, tag: CoachTag) -> Result<Option<Vec<ParticipantId>>, StoreError> {
        self.wait_loaded()?;
        let maps = self.maps.read().map_err(|_| unusable())?;
        let mut found = Vec::new();
        for (id, slot) in &maps.by_id {
            match slot.coach {
                None => return Ok(None),
                Some(t) if t == tag => found.push((*id, slot.participant)),
                Some(_) => {}
            }
        }
        found.sort_unstable_by_key(|(id, _)| *id);
        Ok(Some(found.into_iter().map(|(_, p)| p).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::super::Key;
    use super::*;

    #[test]
    fn a_tag_depends_on_the_coach_as_compared_and_on_the_caseload() -> Result<(), Box<dyn std::error::Error>> {
        let keys = Keys::new(Key::random());
        assert_eq!(keys.coach_tag("Sanne de Vries"), keys.coach_tag("  sanne DE vries "));
        assert_ne!(keys.coach_tag("Sanne de Vries"), keys.coach_tag("Sanne de Vriesch"));
        assert_ne!(keys.coach_tag("Sanne de Vries"), Keys::new(Key::random()).coach_tag("Sanne de Vries"));

        let (a, b) = (ParticipantId::new_random(), ParticipantId::new_random());
        let sanne = keys.coach_tag("Sanne de Vries");
        keys.create(2, a, Some(sanne))?;
        keys.create(3, b, None)?;
        assert_eq!(keys.people_of_coach(sanne)?, None, "an untagged key: the tags cannot tell");
        let (id, stored) = keys.set_coach_tag(b, keys.coach_tag("Mohamed Ouali"))?.ok_or("changed")?;
        assert_eq!((id, stored.coach), (3, Some(keys.coach_tag("mohamed ouali"))));
        assert!(keys.set_coach_tag(b, keys.coach_tag("Mohamed Ouali"))?.is_none(), "unchanged: nothing to store");
        assert_eq!(keys.people_of_coach(sanne)?, Some(vec![a]));
        assert!(keys.set_coach_tag(ParticipantId::new_random(), sanne)?.is_none(), "no key, no tag");
        Ok(())
    }
}
