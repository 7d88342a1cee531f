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

/// BLAKE2b-128, keyed with the master key, of the coach's name as names are compared
/// ([`crate::domain::coach_key`]: no surrounding spaces, ASCII case folded) and whether the
/// person's trajectory is open: the start screen is about the open ones, so the closed ones
/// (most of a coach's people after a few years) need not be read for it.
pub type CoachTag = [u8; 16];

/// A coach's participants by trajectory: open, closed.
pub type OpenAndClosed = (Vec<ParticipantId>, Vec<ParticipantId>);

impl Keys {
    /// The tag of `coach`'s open (or closed) participants in this caseload.
    pub fn coach_tag(&self, coach: &str, open: bool) -> CoachTag {
        let mut tag = [0u8; 16];
        if let Ok(mut mac) = Blake2bMac::<U16>::new_with_salt_and_personal(self.master().bytes(), b"", b"meedoen coach")
        {
            mac.update(crate::domain::coach_key(coach).as_bytes());
            mac.update(if open { b"\0open" } else { b"\0shut" });
            tag.copy_from_slice(&mac.finalize().into_bytes());
        }
        tag
    }

    /// `p`'s coach tag, if their key has one.
    pub fn coach_tag_of(&self, p: ParticipantId) -> Result<Option<CoachTag>, StoreError> {
        self.wait_loaded()?;
        let maps = self.maps.read().map_err(|_| unusable())?;
        Ok(maps.of_participant.get(&p).and_then(|id| maps.by_id.get(id)).and_then(|slot| slot.coach))
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

    /// The participants whose key carries `open`, in key order, and those whose key carries
    /// `closed`; `None` when some key has no tag yet (a caseload from before tags), so the tags
    /// cannot tell who is in the caseload.
    pub fn people_of_coach(&self, open: CoachTag, closed: CoachTag) -> Result<Option<OpenAndClosed>, StoreError> {
        self.wait_loaded()?;
        let maps = self.maps.read().map_err(|_| unusable())?;
        let (mut found, mut shut) = (Vec::new(), Vec::new());
        for (id, slot) in &maps.by_id {
            match slot.coach {
                None => return Ok(None),
                Some(t) if t == open => found.push((*id, slot.participant)),
                Some(t) if t == closed => shut.push(slot.participant),
                Some(_) => {}
            }
        }
        found.sort_unstable_by_key(|(id, _)| *id);
        Ok(Some((found.into_iter().map(|(_, p)| p).collect(), shut)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::Key;
    use super::*;

    #[test]
    fn a_tag_depends_on_the_coach_as_compared_the_trajectory_and_the_caseload() -> Result<(), Box<dyn std::error::Error>>
    {
        let keys = Keys::new(Key::random());
        let sanne = |open| keys.coach_tag("Sanne de Vries", open);
        assert_eq!(sanne(true), keys.coach_tag("  sanne DE vries ", true));
        assert_ne!(sanne(true), sanne(false));
        assert_ne!(sanne(true), keys.coach_tag("Sanne de Vriesch", true));
        assert_ne!(sanne(true), Keys::new(Key::random()).coach_tag("Sanne de Vries", true));

        let (a, b, c) = (ParticipantId::new_random(), ParticipantId::new_random(), ParticipantId::new_random());
        keys.create(2, a, Some(sanne(true)))?;
        keys.create(3, b, None)?;
        keys.create(4, c, Some(sanne(false)))?;
        assert_eq!(keys.people_of_coach(sanne(true), sanne(false))?, None, "an untagged key: the tags cannot tell");
        let (id, stored) = keys.set_coach_tag(b, keys.coach_tag("Mohamed Ouali", true))?.ok_or("changed")?;
        assert_eq!((id, stored.coach), (3, Some(keys.coach_tag("mohamed ouali", true))));
        assert!(keys.set_coach_tag(b, keys.coach_tag("Mohamed Ouali", true))?.is_none(), "unchanged: nothing to store");
        assert_eq!(keys.people_of_coach(sanne(true), sanne(false))?, Some((vec![a], vec![c])));
        assert!(keys.set_coach_tag(ParticipantId::new_random(), sanne(true))?.is_none(), "no key, no tag");
        Ok(())
    }
}
