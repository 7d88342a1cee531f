//! A damaged data file must give the damaged-caseload message, never a panic.
//!
//! sled 0.34 trusts its own files: a data file cut short under a snapshot that points past its
//! end makes it index out of bounds while it recovers (`pagecache/segment.rs`). Opening a
//! caseload therefore runs inside [`catching`], which turns a panic into
//! [`StoreError::Corrupt`], and a panic hook keeps a panic that starts inside sled off the
//! coach's terminal (the message they get says what to do; a backtrace does not).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set when a panic started inside the storage engine (see [`panicked_in_storage`]).
static STORAGE_PANICKED: AtomicBool = AtomicBool::new(false);

/// Whether a panic in this process started inside the storage engine: the program's last line
/// of defence (`main`) then reports a damaged caseload rather than an internal error.
pub fn panicked_in_storage() -> bool {
    STORAGE_PANICKED.load(Ordering::SeqCst)
}

use super::StoreError;

/// Runs `f` (opening or first reading the caseload's files); a panic inside it is a damaged
/// data file.
pub(super) fn catching<T>(f: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
    quiet_storage_panics();
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(damaged()))
}

/// The error for a data file the storage engine could not make sense of.
pub(super) fn damaged() -> StoreError {
    StoreError::Corrupt { kind: "storage", reason: "damaged data file".into() }
}

/// Installs (once) a panic hook that prints nothing for a panic inside sled, which meedoen
/// catches and reports in words, and leaves every other panic to the hook that was there.
pub fn quiet_storage_panics() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_storage = info.location().is_some_and(|l| is_storage_source(l.file()));
            if in_storage {
                STORAGE_PANICKED.store(true, Ordering::SeqCst);
            } else {
                previous(info);
            }
        }));
    });
}

/// Whether a source path is inside the storage engine's crate.
fn is_storage_source(file: &str) -> bool {
    file.replace('\\', "/").contains("/sled-0.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_opening_is_a_damaged_caseload() {
        let r: Result<(), StoreError> = catching(|| {
            let v: Vec<u8> = Vec::new();
            let i = v.len() + 3;
            assert!(v.get(i).is_some(), "index out of bounds");
            Ok(())
        });
        assert!(matches!(r, Err(StoreError::Corrupt { kind: "storage", .. })), "{r:?}");
        assert!(is_storage_source("/root/.cargo/registry/src/x/sled-0.34.7/src/pagecache/segment.rs"));
        assert!(!is_storage_source("src/store/repo.rs"));
    }
}
