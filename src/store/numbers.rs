//! Participant numbers, reserved in blocks per device.
//!
//! A device hands out numbers from a block it has claimed: a [`NumberBlock`] record (logged,
//! so a sync shares the claim) naming the device and the range. When its block is used up it
//! claims the next free range after every block it knows of. A single device therefore keeps
//! numbering 1001, 1002, ... without gaps; two copies of a caseload that share their change logs
//! claim separate blocks instead of handing out the same number twice. (Two devices that claim
//! at the same moment without having synced would still collide: settling that needs the server
//! of the sync issue, which can confirm claims in order.)

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::changelog::Batch;
use super::codec::{Kind, Record};
use super::repo::Store;

/// How many numbers one claim reserves.
pub const BLOCK: u32 = 100;
/// The first participant number handed out.
pub const FIRST_NUMBER: u32 = 1001;
/// Where the device keeps the next number of its current block (not logged: this device's own).
pub(super) const META_NEXT_NUMBER: &[u8] = b"next_number";
const BLOCK_PREFIX: &[u8] = b"numbers/";

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

impl Store {
    /// The next number of this device's counter (kept beside its current block).
    pub(super) fn number_counter(&self) -> Result<u32, StoreError> {
        Ok(match self.meta.get(META_NEXT_NUMBER)? {
            Some(v) => u32::from_be_bytes(v.as_ref().try_into().unwrap_or([0; 4])).max(FIRST_NUMBER),
            None => FIRST_NUMBER,
        })
    }

    /// `n` participant numbers for this device, in order, with the claims of new blocks they need
    /// added to `batch` (written with the participants). A store from before the blocks goes on
    /// from its counter.
    pub(super) fn take_numbers(&self, n: usize, batch: &mut Batch<'_>) -> Result<Vec<u32>, StoreError> {
        let device = self.device_id()?;
        let blocks: Vec<NumberBlock> = self.scan(&self.meta, BLOCK_PREFIX)?;
        let counter = self.number_counter()?;
        // Within this device's newest block, from its counter.
        let mut current = blocks.iter().filter(|b| b.device == device).max_by_key(|b| b.first).copied();
        let mut next = match current {
            Some(b) => counter.max(b.first),
            None => counter,
        };
        let mut highest = blocks.iter().map(|b| b.last).max().unwrap_or(0).max(counter.saturating_sub(1));
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            if current.is_none_or(|b| next > b.last) {
                let first = if current.is_none() && blocks.is_empty() { next } else { highest + 1 };
                let block = NumberBlock { device, first, last: first.saturating_add(BLOCK - 1) };
                batch.put(block_key(first), &block)?;
                highest = block.last;
                next = first;
                current = Some(block);
            }
            out.push(next);
            next += 1;
        }
        batch.index_put(super::registry::Tree::Meta, META_NEXT_NUMBER.to_vec(), next.to_be_bytes().to_vec());
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Participant, ParticipantId};

    fn people(n: usize) -> Vec<Participant> {
        (0..n).map(|_| Participant::new(ParticipantId::new_random(), 0, chrono::Utc::now())).collect()
    }

    #[test]
    fn one_device_numbers_on_without_gaps_and_another_device_claims_its_own_block() {
        let store = Store::temporary().unwrap();
        let a = store.add_participants(people(150)).unwrap();
        let b = store.add_participants(people(60)).unwrap();
        let numbers: Vec<u32> = a.iter().chain(&b).map(|p| p.number).collect();
        assert_eq!(numbers, (1001..1211).collect::<Vec<_>>());
        let blocks: Vec<NumberBlock> = store.scan(&store.meta, BLOCK_PREFIX).unwrap();
        assert_eq!(
            blocks.iter().map(|b| (b.first, b.last)).collect::<Vec<_>>(),
            [(1001, 1100), (1101, 1200), (1201, 1300)]
        );
        // A copy of the caseload on another device (its own id, the claims synced): its first
        // number comes from a block after every claimed one.
        let other = [9u8; 16];
        store.writer.lock().unwrap().device = other;
        store.meta.remove(META_NEXT_NUMBER).unwrap();
        let c = store.add_participants(people(2)).unwrap();
        assert_eq!(c.iter().map(|p| p.number).collect::<Vec<_>>(), [1301, 1302]);
        assert_eq!(store.check_change_log().unwrap(), Vec::<String>::new());
    }
}
