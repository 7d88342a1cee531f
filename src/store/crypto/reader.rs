//! Reading the participant keys on a second thread while the passphrase is typed.

use std::thread::JoinHandle;

use super::{KeyMaps, Keys, StoreError, StoredKeys};

/// Participant keys being read from the store on a second thread, started before the master key
/// is known, that is while the coach types the passphrase and argon2 runs; [`Keys::take_reader`]
/// takes them in.
pub struct KeyReader {
    pub(super) handle: Option<JoinHandle<Result<KeyMaps, StoreError>>>,
}

impl KeyReader {
    /// Starts reading the keys `read` gives; `None` when no thread can be had (the caller then
    /// reads them itself).
    pub fn start(read: impl FnOnce() -> StoredKeys + Send + 'static) -> Option<KeyReader> {
        let handle =
            std::thread::Builder::new().name("participant-keys".into()).spawn(move || Keys::collect(read())).ok()?;
        Some(KeyReader { handle: Some(handle) })
    }
}

impl Drop for KeyReader {
    /// Not taken in (a wrong passphrase): wait for the thread, which holds the store's files open.
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}
