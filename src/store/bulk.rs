//! Writing and reading many records at once: bulk loads in batches, whole-tree and prefix
//! scans decoded on more than one core.

use super::StoreError;
use super::codec;
use super::repo::Store;

/// How many writes one batch of a bulk load holds.
const BULK_CHUNK: usize = 10_000;

/// Writes key/value pairs in batches of [`BULK_CHUNK`], so a bulk load (demo data) never holds
/// every encoded record in memory at once. The caller flushes.
pub(super) fn write_chunked(
    tree: &sled::Tree,
    pairs: impl IntoIterator<Item = Result<(Vec<u8>, Vec<u8>), StoreError>>,
) -> Result<(), StoreError> {
    let mut batch = sled::Batch::default();
    let mut n = 0;
    for pair in pairs {
        let (k, v) = pair?;
        batch.insert(k, v);
        n += 1;
        if n == BULK_CHUNK {
            tree.apply_batch(std::mem::take(&mut batch))?;
            n = 0;
        }
    }
    if n > 0 {
        tree.apply_batch(batch)?;
    }
    Ok(())
}

impl Store {
    /// Writes records through the codec in chunks; see [`write_chunked`].
    pub(super) fn put_records<T: codec::Record>(
        &self,
        tree: &sled::Tree,
        items: &[T],
        key: impl Fn(&T) -> Vec<u8>,
    ) -> Result<(), StoreError> {
        write_chunked(tree, items.iter().map(|x| Ok((key(x), self.seal(x)?))))
    }

    /// Every record under a key prefix.
    pub(super) fn scan<T: codec::Record + Send>(&self, tree: &sled::Tree, prefix: &[u8]) -> Result<Vec<T>, StoreError> {
        let raw: Vec<sled::IVec> = tree.scan_prefix(prefix).values().collect::<Result<_, _>>()?;
        self.decode_all(&raw)
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
                .values()
                .map(|v| codec::decode_in::<T>(&v?, &keys))
                .collect::<Result<Vec<T>, _>>()
        };
        use std::ops::Bound::{Excluded, Included, Unbounded};
        let (lower, upper) = ((Unbounded, Excluded(&SPLIT[..])), (Included(&SPLIT[..]), Unbounded));
        if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
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
    fn decode_all<T: codec::Record + Send>(&self, raw: &[sled::IVec]) -> Result<Vec<T>, StoreError> {
        const PER_THREAD: usize = 1_024;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(raw.len().div_ceil(PER_THREAD));
        let decode = |chunk: &[sled::IVec]| {
            let keys = self.keys.view();
            chunk.iter().map(|v| codec::decode_in::<T>(v, &keys)).collect::<Result<Vec<T>, _>>()
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
