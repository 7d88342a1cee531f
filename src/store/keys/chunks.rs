//! Where the participant keys are stored: key ids, and the chunks of the `keys` tree that hold
//! them.
//!
//! A new participant key gets a random id from [`FIRST_RANDOM_KEY_ID`]`..=u32::MAX`, drawn again
//! while this store has used it (a destroyed key included: an id is never reused). No counter is
//! kept, so two copies of one caseload (a restored backup on a second laptop) do not hand out
//! the same ids to different people, as `last id + 1` did. They can still draw the same id by
//! chance (32 bits: about 0.16% for two copies that each add 2,600 people), which whatever merges
//! two copies (the sync server) must detect. Ids below [`FIRST_RANDOM_KEY_ID`] were handed out
//! by the counter of earlier versions and stay as they are: no record is re-sealed.
//!
//! Every key lives in the chunk [`chunk_key`] names: counter ids 64 to a chunk (`c` and the chunk
//! number), random ids by their top byte (`r` and that byte, as a 4-byte number like the chunk
//! number, so every chunk's entry is 5 bytes), so at most 255 chunks of random ids: about 10 keys
//! each at 2,600 people (255 values read at open instead of 41, in the same time within the
//! noise), about 390 at 100,000 (a new key rewrites a chunk of some 40 KB). Chunks by the top
//! byte rather than split when full keep the place of a key a pure function of its id, which
//! backups, rekeying and `check` compute without reading the tree. Before store version 2 a key
//! had an entry of its own (its id, 4 bytes); [`entries_in`] reads both.

use std::collections::{BTreeMap, HashSet};

use super::super::StoreError;
use super::super::codec;
use super::super::crypto::{
    FIRST_PARTICIPANT_KEY, FIRST_RANDOM_KEY_ID, KEYS_PER_CHUNK, KeyChunk, StoredKeys, WrappedKey,
};
use super::super::repo::Store;

/// How many draws may hit a used id before the draw is taken to be broken (at 100,000 keys one
/// draw in 42,000 hits one).
const MAX_DRAWS: usize = 100;

/// The entry of the `keys` tree that holds key `id`: `c` and the chunk number for an id from
/// the counter of earlier versions, `r` and the id's top byte for a random one. Every piece of
/// code that puts a key somewhere (new keys, coach tags, erasure, rekeying, backups, restore,
/// `check`) goes through this function.
pub(in super::super) fn chunk_key(id: u32) -> [u8; 5] {
    if id >= FIRST_RANDOM_KEY_ID {
        let [top, ..] = id.to_be_bytes();
        return [b'r', 0, 0, 0, top];
    }
    let n = id.saturating_sub(FIRST_PARTICIPANT_KEY) / KEYS_PER_CHUNK;
    let [a, b, c, d] = n.to_be_bytes();
    [b'c', a, b, c, d]
}

/// The key entries one stored value of the `keys` tree holds (`None`: destroyed at an erasure):
/// a chunk, or a single key under its id as before store version 2 (empty when destroyed).
pub(in super::super) fn entries_in(k: &[u8], v: &[u8]) -> Result<Vec<(u32, Option<WrappedKey>)>, StoreError> {
    if k.len() == 4 {
        let w = if v.is_empty() { None } else { Some(codec::decode_plain::<WrappedKey>(v)?) };
        return Ok(vec![(key_id(k)?, w)]);
    }
    Ok(codec::decode_plain::<KeyChunk>(v)?.keys)
}

/// Every key entry in chunks, each in the chunk [`chunk_key`] names (a `keys` tree written from
/// scratch: a rewrite, a cleaned backup).
pub(in super::super) fn chunks_of(
    entries: impl IntoIterator<Item = (u32, Option<WrappedKey>)>,
) -> BTreeMap<[u8; 5], KeyChunk> {
    let mut by_chunk: BTreeMap<[u8; 5], Vec<(u32, Option<WrappedKey>)>> = BTreeMap::new();
    for (id, w) in entries {
        by_chunk.entry(chunk_key(id)).or_default().push((id, w));
    }
    by_chunk
        .into_iter()
        .map(|(k, entries)| {
            let mut chunk = KeyChunk::default();
            set_keys(&mut chunk, entries);
            (k, chunk)
        })
        .collect()
}

/// Sets entries of a chunk, keeping it in key id order.
pub(in super::super) fn set_keys(chunk: &mut KeyChunk, entries: Vec<(u32, Option<WrappedKey>)>) {
    for (id, w) in entries {
        match chunk.keys.iter_mut().find(|(i, _)| *i == id) {
            Some(entry) => entry.1 = w,
            None => chunk.keys.push((id, w)),
        }
    }
    chunk.keys.sort_by_key(|(id, _)| *id);
}

pub(in super::super) fn key_id(k: &[u8]) -> Result<u32, StoreError> {
    Ok(u32::from_be_bytes(
        k.try_into().map_err(|_| StoreError::Corrupt { kind: "participant key", reason: "bad key id".into() })?,
    ))
}

/// The participant keys stored in `tree` (the `keys` tree), an erased person's left out.
pub(super) fn stored_keys(tree: &sled::Tree) -> StoredKeys {
    Box::new(tree.iter().flat_map(|item| -> Vec<Result<(u32, WrappedKey), StoreError>> {
        match item.map_err(StoreError::from).and_then(|(k, v)| entries_in(&k, &v)) {
            Ok(entries) => entries.into_iter().filter_map(|(id, w)| Some(Ok((id, w?)))).collect(),
            Err(e) => vec![Err(e)],
        }
    }))
}

/// Chunks of a `keys` tree read once each and changed in memory, then written in one batch.
pub(super) struct Chunks<'a> {
    tree: &'a sled::Tree,
    read: BTreeMap<[u8; 5], KeyChunk>,
}

impl<'a> Chunks<'a> {
    pub(super) fn of(tree: &'a sled::Tree) -> Chunks<'a> {
        Chunks { tree, read: BTreeMap::new() }
    }

    fn chunk(&mut self, key: [u8; 5]) -> Result<&mut KeyChunk, StoreError> {
        if !self.read.contains_key(&key) {
            let chunk = match self.tree.get(key)? {
                Some(v) => codec::decode_plain::<KeyChunk>(&v)?,
                None => KeyChunk::default(),
            };
            self.read.insert(key, chunk);
        }
        self.read.get_mut(&key).ok_or_else(|| StoreError::Backend("a key chunk went missing".into()))
    }

    /// Whether key `id` is stored, destroyed or not.
    pub(super) fn holds(&mut self, id: u32) -> Result<bool, StoreError> {
        Ok(self.chunk(chunk_key(id))?.keys.iter().any(|(i, _)| *i == id))
    }

    pub(super) fn set(&mut self, entries: Vec<(u32, Option<WrappedKey>)>) -> Result<(), StoreError> {
        let mut by_chunk: BTreeMap<[u8; 5], Vec<(u32, Option<WrappedKey>)>> = BTreeMap::new();
        for (id, w) in entries {
            by_chunk.entry(chunk_key(id)).or_default().push((id, w));
        }
        for (key, entries) in by_chunk {
            set_keys(self.chunk(key)?, entries);
        }
        Ok(())
    }

    /// Adds to `batch` every chunk read, as changed.
    pub(super) fn write_into(self, batch: &mut sled::Batch) -> Result<(), StoreError> {
        for (key, chunk) in self.read {
            batch.insert(&key, codec::encode_plain(&chunk)?);
        }
        Ok(())
    }
}

impl Store {
    /// A key id this store has never used, from `draw` (random ids; a test gives its own):
    /// not in the key table, not stored (a destroyed key included), not in `taken`.
    pub(super) fn unused_key_id(
        &self,
        chunks: &mut Chunks<'_>,
        taken: &HashSet<u32>,
        draw: &mut impl FnMut() -> u32,
    ) -> Result<u32, StoreError> {
        for _ in 0..MAX_DRAWS {
            let id = draw();
            if id >= FIRST_RANDOM_KEY_ID && !taken.contains(&id) && !self.keys.has_key(id)? && !chunks.holds(id)? {
                return Ok(id);
            }
        }
        Err(StoreError::Backend(format!("no unused participant key id in {MAX_DRAWS} random draws")))
    }

    /// Writes participant key entries (`None`: destroyed) into their chunks, reading and writing
    /// each chunk once, all in one atomic batch.
    pub(in super::super) fn put_keys(&self, entries: Vec<(u32, Option<WrappedKey>)>) -> Result<(), StoreError> {
        let _writing = self.writing_keys()?;
        let mut chunks = Chunks::of(&self.key_tree);
        chunks.set(entries)?;
        let mut batch = sled::Batch::default();
        chunks.write_into(&mut batch)?;
        self.key_tree.apply_batch(batch)?;
        Ok(())
    }

    /// Store version 2: the participant keys, one per entry before, move into chunks in one
    /// atomic batch (a crash leaves either layout, both of which read).
    pub(in super::super) fn chunk_participant_keys(&self) -> Result<(), StoreError> {
        // The keys being read in the background must be read before their entries move.
        self.keys.wait_loaded()?;
        let _writing = self.writing_keys()?;
        let mut batch = sled::Batch::default();
        let mut singles = Vec::new();
        for item in self.key_tree.iter() {
            let (k, v) = item?;
            if k.len() == 4 {
                singles.extend(entries_in(&k, &v)?);
                batch.remove(k);
            }
        }
        let mut chunks = Chunks::of(&self.key_tree);
        chunks.set(singles)?;
        chunks.write_into(&mut batch)?;
        self.key_tree.apply_batch(batch)?;
        Ok(())
    }

    /// What is wrong with where the keys are stored (for `check`): a key outside the chunk
    /// [`chunk_key`] names for it (new keys and erasures would not find it), or stored twice.
    pub(in super::super) fn check_key_chunks(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let mut seen = HashSet::new();
        for item in self.key_tree.iter() {
            let (k, v) = item?;
            let Ok(entries) = entries_in(&k, &v) else { continue }; // told as unreadable
            for (id, _) in entries {
                if k.len() != 4 && k.as_ref() != chunk_key(id) {
                    problems.push(format!("keys: participant key {id} is stored outside its chunk"));
                }
                if !seen.insert(id) {
                    problems.push(format!("keys: participant key {id} is stored twice"));
                }
            }
        }
        Ok(problems)
    }
}
