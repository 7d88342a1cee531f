//! The App's side of the lock: locking after minutes without a key, a paste at the lock, and
//! checking the passphrase typed there (the executor of `Effect::TryUnlock`; the lock has no
//! store).

use super::app::App;
use super::layers::Layer;
use super::lock::{LockState, wait_after};
use crate::store::StoreError;

impl App {
    /// Locks the screen now.
    pub fn lock(&mut self) {
        // Popups, forms and drafts stay as they are behind the lock. The wait after wrong tries
        // carries over: locking again does not start the count afresh.
        let (failures, wait_until) = (self.lock_failures, self.lock_wait_until);
        if self.locked().is_none() {
            self.layers.push(Layer::Lock(LockState { failures, wait_until, ..LockState::default() }));
        }
    }

    /// Called on every tick of the event loop: locks after `lock_minutes` without a key.
    /// Returns whether the screen must be redrawn.
    pub fn tick(&mut self) -> bool {
        if self.locked().is_some() || self.lock_minutes == 0 {
            return false;
        }
        let idle = (self.clock)() - self.last_key;
        if idle >= chrono::Duration::minutes(i64::from(self.lock_minutes)) {
            self.lock();
            return true;
        }
        false
    }

    /// Text pasted in one piece (a terminal in bracketed-paste mode): at the lock it is typed
    /// into the passphrase (line breaks left out); elsewhere it is ignored. The caller wipes it.
    pub fn paste(&mut self, text: &str) -> bool {
        let Some(lock) = self.locked_mut() else { return false };
        for c in text.chars().filter(|c| !c.is_control()) {
            lock.typed.push(c);
        }
        true
    }

    /// Checks the passphrase typed at the lock (the executor of `Effect::TryUnlock`).
    pub(super) fn try_unlock(&mut self) {
        let now = (self.clock)();
        let Some(Layer::Lock(lock)) = self.layers.last_mut() else { return };
        let result = self.store.verify_passphrase(lock.typed.as_str());
        lock.typed.wipe();
        match result {
            Ok(()) => {
                self.lock_failures = 0;
                self.lock_wait_until = None;
                // Dropping the state wipes the buffer once more.
                self.layers.pop();
            }
            Err(e) => {
                let mut msg = match &e {
                    StoreError::WrongPassphrase => self.strings.get("error.wrong_passphrase").to_string(),
                    other => self.strings.store_error(other),
                };
                if matches!(e, StoreError::WrongPassphrase) {
                    lock.failures = lock.failures.saturating_add(1);
                    let wait = wait_after(lock.failures);
                    if wait > chrono::Duration::zero() {
                        lock.wait_until = Some(now + wait);
                        let seconds = wait.num_seconds().to_string();
                        msg = format!("{msg} {}", self.strings.fill("lock.next_try", &[("seconds", &seconds)]));
                    }
                }
                self.lock_failures = lock.failures;
                self.lock_wait_until = lock.wait_until;
                lock.message = Some(msg);
            }
        }
    }
}
