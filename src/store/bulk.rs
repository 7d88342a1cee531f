//! Writing and reading many records at once: bulk loads in batches, whole-tree and prefix
//! scans decoded on more than one core.

use super::StoreError;
use super::changelog::{BULK_WRITES, Batch};
use super::codec;
use super::repo::Store;

impl Store {
    /// Writes records through the write path, [`BULK_WRITES`] to a transaction, so a bulk load
    /// (demo data, an import) never holds every encoded record in memory at once and each
    /// transaction stays small. The caller flushes.
    pub(super) fn put_records<T: codec::Record>(
        &self,
        items: &[T],
        key: impl Fn(&T) -> Vec<u8>,
    ) -> Result<(), StoreError> {
        self.in_chunks(items, |batch, x| batch.put(key(x), x))
    }

    /// Fills batches from `items` with `fill` and commits one every [`BULK_WRITES`] items,
    /// without a flush (the caller flushes once at the end). Only for records written for the
    /// first time (see `Store::commit_fresh`).
    pub(super) fn in_chunks<T>(
        &self,
        items: impl IntoIterator<Item = T>,
        mut fill: impl FnMut(&mut Batch<'_>, T) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let fresh = || {
            let mut b = self.batch();
            b.flush = false;
            b.fresh = true;
            b
        };
        let mut batch = fresh();
        let mut n = 0;
        for x in items {
            fill(&mut batch, x)?;
            n += 1;
            if n == BULK_WRITES {
                self.commit(std::mem::replace(&mut batch, fresh()))?;
                n = 0;
            }
        }
        self.commit(batch)
    }

    /// Every stored record of `kind` as data (its fields by name, as the type serialises them),
    /// with the participant it is about: what `check` and a completeness test of the exports
    /// look at without knowing the type. Key material has no data form (empty).
    pub fn records_as_data(
        &self,
        kind: codec::Kind,
    ) -> Result<Vec<(Option<crate::domain::ParticipantId>, serde_json::Value)>, StoreError> {
        let Some(info) = super::registry::info(kind) else { return Ok(Vec::new()) };
        let Some(data) = info.data else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for kv in self.tree(info.tree).iter() {
            let (k, v) = kv?;
            let Ok(h) = codec::header(&v) else { continue };
            if h.kind != kind {
                continue;
            }
            out.push((self.keys.participant_of(h.key_id)?, (data.read)(self, &v, &k)?));
        }
        Ok(out)
    }

    /// Every record under a key prefix.
    pub(super) fn scan<T: codec::Record + Send>(&self, tree: &sled::Tree, prefix: &[u8]) -> Result<Vec<T>, StoreError> {
        // The keys (each value's associated data) are copied into one buffer rather than kept as
        // one allocation each until the values are decoded.
        let (mut at, mut raw) = (Vec::new(), Vec::new());
        for kv in tree.scan_prefix(prefix) {
            let (k, v) = kv?;
            let start = at.len();
            at.extend_from_slice(&k);
            raw.push((start..at.len(), v));
        }
        self.decode_all(&at, &raw)
    }

    /// Every record of `tree`, in key order. With a second core, the upper half of the key space
    /// is read from disk and decoded on a second thread while this one does the lower half:
    /// reading and decrypting overlap, instead of decrypting only once everything is read. Keys
    /// that start with random bytes (participant ids) split evenly; others merely less evenly.
    pub(super) fn read_all<T: codec::Record + Send>(&self, tree: &sled::Tree) -> Result<Vec<T>, StoreError> {
        const SPLIT: [u8; 1] = [0x80];
        let read = |range: (std::ops::Bound<&[u8]>, std::ops::Bound<&[u8]>)| {
            let keys = self.keys.view();
            tree.range::<&[u8], _>(range)
                .map(|kv| {
                    let (k, v) = kv?;
                    codec::decode_in::<T>(&v, &keys, &k)
                })
                .collect::<Result<Vec<T>, _>>()
        };
        use std::ops::Bound::{Excluded, Included, Unbounded};
        let (lower, upper) = ((Unbounded, Excluded(&SPLIT[..])), (Included(&SPLIT[..]), Unbounded));
        if cores() < 2 {
            return read((Unbounded, Unbounded));
        }
        std::thread::scope(|scope| {
            let Ok(second) = std::thread::Builder::new().spawn_scoped(scope, move || read(upper)) else {
                return read((Unbounded, Unbounded));
            };
            let mut all = read(lower)?;
            // A reading thread that died is redone here.
            all.extend(second.join().unwrap_or_else(|_| read(upper))?);
            Ok(all)
        })
    }

    /// Decodes many stored values, in order, on all cores when there are many.
    /// `raw`: each value with the range of its storage key in `at`.
    fn decode_all<T: codec::Record + Send>(
        &self,
        at: &[u8],
        raw: &[(std::ops::Range<usize>, sled::IVec)],
    ) -> Result<Vec<T>, StoreError> {
        const PER_THREAD: usize = 1_024;
        let threads = cores().min(raw.len().div_ceil(PER_THREAD));
        let decode = |chunk: &[(std::ops::Range<usize>, sled::IVec)]| {
            let keys = self.keys.view();
            chunk
                .iter()
                .map(|(k, v)| codec::decode_in::<T>(v, &keys, at.get(k.clone()).unwrap_or_default()))
                .collect::<Result<Vec<T>, _>>()
        };
        if threads <= 1 {
            return decode(raw);
        }
        let size = raw.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = raw.chunks(size).map(|chunk| scope.spawn(move || decode(chunk))).collect();
            let mut out = Vec::with_capacity(raw.len());
            for (h, chunk) in handles.into_iter().zip(raw.chunks(size)) {
                // A decoding thread that died is redone here.
                out.extend(h.join().unwrap_or_else(|_| decode(chunk))?);
            }
            Ok(out)
        })
    }
}

/// How many cores reads may use, asked once: `available_parallelism` reads the cgroup files at
/// every call (about 12,000 instructions), and a start reads 150 small scans.
fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
