//! Participant numbers, reserved in blocks per device, unique across a team.
//!
//! A device hands out numbers from a block it has claimed: a [`NumberBlock`] record (logged,
//! so a sync shares the claim) naming the device and the range. It claims the next free range
//! after every block it knows of. A single device therefore keeps numbering 1001, 1002, ...
//! without gaps; two copies of a caseload that share their change logs claim separate blocks.
//!
//! In a team two laptops that claim while offline take the same range. The team's server
//! settles it: the first claim of a block pushed is stored, a later one of another device is
//! answered `Conflict` (first claim wins, in the order PostgreSQL commits them). So a device in
//! a team hands out numbers only from a block that is **confirmed**: the server took its claim
//! (its push was accepted, or a pull brought the claim back as this device's). A claim that
//! lost is replaced by the winner's as it comes in (never merged, no conflict for coaches: see
//! `store::sync`), and the device claims a new block after every known one at its next sync.
//! Because nothing was handed out from an unconfirmed block, no number a coach saw changes.
//!
//! - A person registered while the device has no confirmed number left gets number 0 ("number
//!   pending") and joins this device's waiting list (`meta`, not logged: numbering them is this
//!   device's job alone, or two devices would give one person two numbers). When a confirmed
//!   block is in (at a sync) they get numbers in order of registration, as ordinary saves.
//! - To keep that rare, a device in a team claims its next block ahead, when fewer than
//!   [`AHEAD`] confirmed numbers are left (at a registration and at every sync).
//! - A caseload that is in no team has no one to collide with: every block it claims counts as
//!   confirmed at once, and it claims only when a block is used up (as before teams).

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::changelog::Batch;
use super::codec::{Kind, Record};
use super::registry::Tree;
use super::repo::Store;
use crate::domain::ParticipantId;

/// How many numbers one claim reserves.
pub const BLOCK: u32 = 100;
/// The first participant number handed out.
pub const FIRST_NUMBER: u32 = 1001;
/// The number of a person registered before this device had a confirmed number for them.
pub const PENDING: u32 = 0;
/// A device in a team claims its next block when fewer confirmed numbers than this are left.
pub const AHEAD: u32 = 20;
/// Where the device keeps the next number of its current block (not logged: this device's own).
pub(super) const META_NEXT_NUMBER: &[u8] = b"next_number";
const BLOCK_PREFIX: &[u8] = b"numbers/";
/// This device's people waiting for a number: the prefix, the change-log position at their
/// registration (8 bytes) and their place in that registration (4), then their id (16).
const WAITING_PREFIX: &[u8] = b"number_waiting/";

/// A range of participant numbers claimed by one device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberBlock {
    pub device: [u8; 16],
    pub first: u32,
    pub last: u32,
}

impl Record for NumberBlock {
    const KIND: Kind = Kind::NumberBlock;
    const SCHEMA: u16 = 1;
}

pub(super) fn block_key(first: u32) -> Vec<u8> {
    let mut k = BLOCK_PREFIX.to_vec();
    k.extend_from_slice(&first.to_be_bytes());
    k
}

/// Where this device stands in handing out numbers, read once per write.
struct Plan {
    device: [u8; 16],
    /// In a team: only confirmed blocks count.
    team: bool,
    /// This device's blocks it may hand out from, lowest first.
    usable: Vec<NumberBlock>,
    /// This device claimed a block the server has not confirmed yet.
    unconfirmed: bool,
    /// The highest number claimed by any device (or handed out before the blocks).
    highest: u32,
    /// The next number to hand out (at least).
    counter: u32,
}

impl Plan {
    /// The next number from a usable block, if one has any left.
    fn next(&mut self) -> Option<u32> {
        let counter = self.counter;
        let n = self.usable.iter().find(|b| b.last >= counter).map(|b| counter.max(b.first))?;
        self.counter = n + 1;
        Some(n)
    }

    /// How many numbers the usable blocks have left.
    fn free(&self) -> u32 {
        self.usable.iter().filter(|b| b.last >= self.counter).map(|b| b.last + 1 - self.counter.max(b.first)).sum()
    }

    /// Claims the next block after every known one (in `batch`).
    fn claim(&mut self, batch: &mut Batch<'_>) -> Result<(), StoreError> {
        let first = self.highest + 1;
        let block = NumberBlock { device: self.device, first, last: first.saturating_add(BLOCK - 1) };
        batch.put(block_key(first), &block)?;
        self.highest = block.last;
        if self.team {
            self.unconfirmed = true;
        } else {
            self.usable.push(block);
        }
        Ok(())
    }

    /// A number now: the next one, claiming a block first when the device is in no team
    /// (`None`: a device in a team has no confirmed number left).
    fn take(&mut self, batch: &mut Batch<'_>) -> Result<Option<u32>, StoreError> {
        if let Some(n) = self.next() {
            return Ok(Some(n));
        }
        if self.team {
            return Ok(None);
        }
        self.claim(batch)?;
        Ok(self.next())
    }

    /// In a team: claims the next block ahead when few confirmed numbers are left and no claim
    /// is on its way. Then keeps the counter (in `batch`).
    fn finish(mut self, batch: &mut Batch<'_>) -> Result<bool, StoreError> {
        let claim = self.team && !self.unconfirmed && self.free() < AHEAD;
        if claim {
            self.claim(batch)?;
        }
        batch.index_put(Tree::Meta, META_NEXT_NUMBER.to_vec(), self.counter.to_be_bytes().to_vec());
        Ok(claim)
    }
}

pub(super) fn waiting_key(at: u64, place: usize, id: ParticipantId) -> Vec<u8> {
    let mut k = WAITING_PREFIX.to_vec();
    k.extend_from_slice(&at.to_be_bytes());
    k.extend_from_slice(&u32::try_from(place).unwrap_or(u32::MAX).to_be_bytes());
    k.extend_from_slice(id.as_bytes());
    k
}

impl Store {
    /// The next number of this device's counter (kept beside its current block).
    pub(super) fn number_counter(&self) -> Result<u32, StoreError> {
        Ok(match self.meta.get(META_NEXT_NUMBER)? {
            Some(v) => u32::from_be_bytes(v.as_ref().try_into().unwrap_or([0; 4])).max(FIRST_NUMBER),
            None => FIRST_NUMBER,
        })
    }

    /// Whether this device may hand out numbers from its own `block`: in no team always, in a
    /// team once the server holds the claim as this device's.
    fn confirmed(&self, block: &NumberBlock, team: bool) -> Result<bool, StoreError> {
        if !team {
            return Ok(true);
        }
        Ok(self.base_of(Kind::NumberBlock, &block_key(block.first))?.is_some_and(|b| b.version.device == block.device))
    }

    fn plan(&self) -> Result<Plan, StoreError> {
        let device = self.device_id()?;
        let team = self.team()?.is_some();
        let blocks: Vec<NumberBlock> = self.scan(&self.meta, BLOCK_PREFIX)?;
        let counter = self.number_counter()?;
        let highest = blocks.iter().map(|b| b.last).max().unwrap_or(0).max(counter.saturating_sub(1));
        let (mut usable, mut unconfirmed) = (Vec::new(), false);
        for b in blocks.into_iter().filter(|b| b.device == device) {
            if self.confirmed(&b, team)? {
                usable.push(b);
            } else {
                unconfirmed = true;
            }
        }
        usable.sort_by_key(|b| b.first);
        Ok(Plan { device, team, usable, unconfirmed, highest, counter })
    }

    /// Numbers for the new participants `people`, in order, with the claims of new blocks they
    /// need added to `batch` (written with the participants). [`PENDING`] for a person that has
    /// to wait (a device in a team without a confirmed number left, or with people waiting
    /// before them): put on this device's waiting list in the same batch.
    pub(super) fn take_numbers(&self, people: &[ParticipantId], batch: &mut Batch<'_>) -> Result<Vec<u32>, StoreError> {
        let mut plan = self.plan()?;
        let mut queue = plan.team && self.meta.scan_prefix(WAITING_PREFIX).next().is_some();
        let at = self.log_end()?;
        let mut out = Vec::with_capacity(people.len());
        for (place, id) in people.iter().enumerate() {
            let number = if queue { None } else { plan.take(batch)? };
            out.push(number.unwrap_or_else(|| {
                queue = true;
                batch.index_put(Tree::Meta, waiting_key(at, place, *id), Vec::new());
                PENDING
            }));
        }
        plan.finish(batch)?;
        Ok(out)
    }

    /// How many people of this device wait for a number.
    pub fn waiting_for_numbers(&self) -> usize {
        self.meta.scan_prefix(WAITING_PREFIX).count()
    }

    /// Gives this device's waiting people numbers from its confirmed blocks, in order of
    /// registration, as ordinary saves (logged, so they go to the team); then, in a team,
    /// claims the next block ahead if few numbers are left (see the module's text). Called at
    /// every sync, after the pull. Returns how many people got a number and whether a block
    /// was claimed: both have to go up to the server.
    pub fn settle_numbers(&self) -> Result<(usize, bool), StoreError> {
        let mut plan = self.plan()?;
        let mut batch = self.batch();
        let mut numbered = 0;
        let mut changed = false;
        for kv in self.meta.scan_prefix(WAITING_PREFIX) {
            let (k, _) = kv?;
            let id = k.get(k.len().saturating_sub(16)..).and_then(|b| <[u8; 16]>::try_from(b).ok());
            let person = match id {
                Some(id) => self.participant(ParticipantId::from_bytes(id))?,
                None => None,
            };
            let Some(mut p) = person.filter(|p| p.number == PENDING) else {
                // Erased since (or numbered already): off the list.
                batch.index_remove(Tree::Meta, k.to_vec());
                changed = true;
                continue;
            };
            let Some(n) = plan.take(&mut batch)? else { break };
            p.number = n;
            batch.put(p.id.as_bytes().to_vec(), &p)?;
            batch.index_put(Tree::IxNumber, n.to_be_bytes().to_vec(), p.id.as_bytes().to_vec());
            batch.index_remove(Tree::Meta, k.to_vec());
            numbered += 1;
        }
        let claimed = plan.finish(&mut batch)?;
        if numbered > 0 || claimed || changed {
            self.commit(batch)?;
        }
        Ok((numbered, claimed))
    }
}

#[cfg(test)]
mod tests;
