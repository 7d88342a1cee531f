//! A full disk the coach recovers from in the same session (see `store::space`).

use super::app::App;
use crate::store::{ROOM_TO_REOPEN, Store};

impl App {
    /// After the disk was found full: once there is room again, the caseload is opened again
    /// (sled refuses every write until then) and the form on screen is kept as a draft again, so
    /// the next Ctrl+S saves. Returns whether the screen changed.
    pub fn recover_from_full_disk(&mut self) -> bool {
        if !self.disk_full.get() || !self.loaded {
            return false;
        }
        if !self.store.writes_refused() {
            self.disk_full.set(false);
            return false;
        }
        if self.store.free_space().is_some_and(|free| free < ROOM_TO_REOPEN) {
            return false;
        }
        // The files must be closed before they are opened again: a stand-in in memory meanwhile.
        // The team sync holds the store too: it stops first (its thread ends after its round).
        let syncing = self.sync.take().is_some();
        let Ok(stand_in) = Store::temporary() else { return false };
        let full = std::mem::replace(&mut self.store, std::sync::Arc::new(stand_in));
        let full = match std::sync::Arc::try_unwrap(full) {
            Ok(full) => full,
            Err(shared) => {
                // The sync thread is still in its round: again at the next tick.
                self.store = shared;
                return false;
            }
        };
        match full.reopened() {
            Ok(store) => {
                self.store = std::sync::Arc::new(store);
                self.disk_full.set(false);
                self.keep_draft();
                if syncing {
                    self.start_sync();
                }
            }
            Err(e) => {
                self.fatal = Some(self.strings.store_error(&e));
                self.quit = true;
            }
        }
        true
    }

    /// On leaving: what was typed reaches the disk (after a full disk, once there is room again),
    /// or the reason it could not, in the coach's language.
    pub fn close(&mut self) -> Result<(), String> {
        self.recover_from_full_disk();
        self.store.flush().map_err(|e| self.error_text(&e))
    }
}
