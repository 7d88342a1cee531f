//! The key records: how the keyring, a participant's wrapped key and a chunk of them are stored,
//! and how their older schemas read. (Here rather than in `crypto`, which only seals and opens, so
//! `crypto` does not depend on the codec that depends on it.)

use serde::Deserialize;

use super::super::StoreError;
use super::super::codec::{self, Kind, Record};
use super::super::crypto::{CoachTag, KeyChunk, Keyring, WrappedKey};
use crate::domain::ParticipantId;

impl Record for Keyring {
    const KIND: Kind = Kind::Keyring;
    const SCHEMA: u16 = 1;
}

impl Record for WrappedKey {
    const KIND: Kind = Kind::WrappedKey;
    const SCHEMA: u16 = 3;
    fn migrate(schema: u16, payload: &[u8]) -> Result<Self, StoreError> {
        match schema {
            1 => Ok(codec::decode_payload::<WrappedKeyV1>(Kind::WrappedKey, payload)?.into()),
            2 => Ok(codec::decode_payload::<WrappedKeyV2>(Kind::WrappedKey, payload)?.into()),
            _ => Err(StoreError::Corrupt { kind: Kind::WrappedKey.name(), reason: format!("unknown schema {schema}") }),
        }
    }
}

/// A wrapped key as schema 2 stored it: wrapped by the master key, without an epoch.
#[derive(Deserialize)]
pub(super) struct WrappedKeyV2 {
    participant: ParticipantId,
    #[serde(with = "serde_bytes")]
    nonce: Vec<u8>,
    #[serde(with = "serde_bytes")]
    wrapped: Vec<u8>,
    coach: Option<CoachTag>,
}

impl From<WrappedKeyV2> for WrappedKey {
    fn from(w: WrappedKeyV2) -> WrappedKey {
        WrappedKey { participant: w.participant, nonce: w.nonce, wrapped: w.wrapped, coach: w.coach, epoch: 0 }
    }
}

/// A wrapped key as schema 1 stored it: without the coach tag.
#[derive(Deserialize)]
pub(super) struct WrappedKeyV1 {
    participant: ParticipantId,
    #[serde(with = "serde_bytes")]
    nonce: Vec<u8>,
    #[serde(with = "serde_bytes")]
    wrapped: Vec<u8>,
}

impl From<WrappedKeyV1> for WrappedKey {
    fn from(w: WrappedKeyV1) -> WrappedKey {
        WrappedKey { participant: w.participant, nonce: w.nonce, wrapped: w.wrapped, coach: None, epoch: 0 }
    }
}

impl Record for KeyChunk {
    const KIND: Kind = Kind::KeyChunk;
    const SCHEMA: u16 = 3;
    fn migrate(schema: u16, payload: &[u8]) -> Result<Self, StoreError> {
        #[derive(Deserialize)]
        struct KeyChunkV1 {
            keys: Vec<(u32, Option<WrappedKeyV1>)>,
        }
        #[derive(Deserialize)]
        struct KeyChunkV2 {
            keys: Vec<(u32, Option<WrappedKeyV2>)>,
        }
        match schema {
            1 => {
                let old = codec::decode_payload::<KeyChunkV1>(Kind::KeyChunk, payload)?;
                Ok(KeyChunk { keys: old.keys.into_iter().map(|(id, w)| (id, w.map(WrappedKey::from))).collect() })
            }
            2 => {
                let old = codec::decode_payload::<KeyChunkV2>(Kind::KeyChunk, payload)?;
                Ok(KeyChunk { keys: old.keys.into_iter().map(|(id, w)| (id, w.map(WrappedKey::from))).collect() })
            }
            _ => Err(StoreError::Corrupt { kind: Kind::KeyChunk.name(), reason: format!("unknown schema {schema}") }),
        }
    }
}
