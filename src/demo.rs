//! Fictional but realistic demo data.
use chrono::{DateTime, NaiveDate, Utc};

use crate::store::{Store, StoreError};

/// How many participants `--demo` creates.
pub const UI_DEMO_SIZE: usize = 150;

/// Fills `store` with `n` participants; returns the name of the coach whose caseload it is.
pub fn fill(
    _store: &Store,
    _n: usize,
    _seed: u64,
    _today: NaiveDate,
    _now: DateTime<Utc>,
) -> Result<String, StoreError> {
    Err(StoreError::Backend("demo not yet written".into()))
}
