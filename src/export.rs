//! JSON export of every record.
use crate::store::{Store, StoreError};

pub fn write_json(_store: &Store, _out: &mut Vec<u8>) -> Result<(), StoreError> {
    Err(StoreError::Backend("export not yet written".into()))
}
