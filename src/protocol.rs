//! The sync protocol between a replica (`meedoen sync`) and the team's server
//! (`meedoen-server`): the messages, their encoding and their limits. Pure types, no I/O: the
//! client and the server both use this module and nothing else of each other.
//!
//! Every body is one bincode value (standard configuration, through serde) with content type
//! `application/octet-stream`; every path starts with `/v1`. Requests other than `join` carry
//! `Authorization: Bearer <token as 64 hex digits>`; the server keeps only a hash of the token.
//!
//! | request | body | answer |
//! |---|---|---|
//! | `POST /v1/join` | [`JoinRequest`] | [`JoinResponse`]; 404 unknown code, 410 used or expired |
//! | `POST /v1/invites` | [`InviteRequest`] | 204 |
//! | `POST /v1/push` | [`PushRequest`] | [`PushResponse`] |
//! | `GET /v1/pull?since=SEQ&limit=N[&people=1][&skip_people=SEQ]` | none | [`PullResponse`] ([`PullQuery`]) |
//! | `GET /v1/health` | none | 204 (the database answers) |
//!
//! Errors: 400 a body that does not decode or breaks a limit, 401 no or an unknown token, 403 a
//! device that is not the account's, 413 a body over [`MAX_BODY`], 503 the database is
//! unreachable; the body of an error is a short English sentence (UTF-8) for the log.
//!
//! What the server learns: the random ids of records and participants, kinds, revisions, hybrid
//! clock times, devices, accounts, sizes. Envelopes are the sealed bytes the local store holds
//! (AES-256-GCM under a participant's key or the team's master key); the participant keys
//! travel wrapped under the team's master key ([`KEY_ITEM`]); the master key itself only ever
//! travels inside an invite's payload, sealed under a secret that is in the invite code and
//! never sent to the server (the server gets a hash of a different derivation, [`verifier`]).

use serde::{Deserialize, Serialize};

/// The protocol version in the paths (`/v1/...`).
pub const VERSION: u16 = 1;
/// Largest request or response body.
pub const MAX_BODY: usize = 16 * 1024 * 1024;
/// Most items one push holds.
pub const MAX_ITEMS: usize = 5_000;
/// Largest envelope of one item.
pub const MAX_ENVELOPE: usize = 1024 * 1024;
/// Largest record key.
pub const MAX_KEY: usize = 64;
/// Most items one pull returns.
pub const MAX_PULL: u32 = 5_000;
/// The item kind that carries a participant's data key, wrapped under the team's master key
/// (`key` is the participant id, `participant` the same, `envelope` the wrapped key). Outside
/// the store's record kinds (which stay below 128).
pub const KEY_ITEM: u8 = 200;
/// The record kind of a participant's file (`store::codec::Kind::Participant`). With
/// [`KEY_ITEM`], the kinds a fresh device pulls first (`people=1`), so a coach's own people are
/// on the start screen before the rest of the team's history has arrived.
pub const PARTICIPANT_KIND: u8 = 1;
/// Longest an invite stays usable.
pub const MAX_INVITE_SECS: u32 = 14 * 24 * 3600;

/// One record's state as a replica sends it and the server keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// The record's kind (`store::codec::Kind` as stored, or [`KEY_ITEM`]).
    pub kind: u8,
    /// The record's storage key in its kind's tree (random ids, a day number or a fixed word).
    pub key: Vec<u8>,
    /// The participant the record is about, if any.
    pub participant: Option<[u8; 16]>,
    /// The record's revision on the device that wrote it.
    pub revision: u64,
    /// Hybrid logical clock of the write: milliseconds then counter, big-endian, so that byte
    /// order is time order.
    pub hlc: [u8; 12],
    /// The device that wrote it.
    pub device: [u8; 16],
    /// The record was deleted.
    pub tombstone: bool,
    /// The record was deleted because its participant was erased: everything of that
    /// participant goes, and nothing of theirs is accepted after it.
    pub erased: bool,
    /// The sealed record (empty for a tombstone).
    #[serde(with = "serde_bytes")]
    pub envelope: Vec<u8>,
}

/// A device joins a team with an invite code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinRequest {
    /// The public half of the code.
    pub invite: [u8; 16],
    /// [`verifier`] of the code's secret half.
    pub verifier: [u8; 32],
    /// The joining device's id (its data directory's device id).
    pub device: [u8; 16],
    /// The coach's name sealed under the team's master key (empty for a team's first coach until
    /// the first push; the server cannot read it).
    #[serde(with = "serde_bytes")]
    pub sealed_name: Vec<u8>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinResponse {
    pub team: [u8; 16],
    pub account: [u8; 16],
    /// The account's bearer token (the server keeps its hash).
    pub token: [u8; 32],
    /// What the inviter sealed for the new device ([`InvitePayload`], sealed); `None` for a
    /// team's first code, made by `meedoen server create-team`: the joining caseload's master
    /// key becomes the team's.
    pub payload: Option<Vec<u8>>,
}

/// A coach invites a colleague: the server keeps the payload until the code is used once, or
/// until it expires.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InviteRequest {
    pub invite: [u8; 16],
    pub verifier: [u8; 32],
    /// [`InvitePayload`] sealed under [`payload_key`] of the code's secret.
    #[serde(with = "serde_bytes")]
    pub payload: Vec<u8>,
    /// Seconds until the code expires (at most [`MAX_INVITE_SECS`]).
    pub expires_in: u32,
}

/// What an invite gives the new device (sealed; the server never sees it open).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InvitePayload {
    /// The team's master key.
    pub master: [u8; 32],
    /// The name the inviter gave the colleague.
    pub name: String,
}

/// Items sent by a device. `batch` makes a retried push harmless: the server answers a batch
/// id it has seen with the answer it gave then, and applies nothing twice.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushRequest {
    pub device: [u8; 16],
    pub batch: [u8; 16],
    pub items: Vec<Item>,
    /// Per item (same order and length as `items`): the version of the record the change was
    /// made on, as the server gave it ([`Base`]), or `None` for a record new on this device.
    /// The server takes an item only when the version it holds is that base (or the item
    /// itself): a version made beside another one is answered [`Outcome::Conflict`] and merged
    /// by the replica, never overwritten in silence.
    pub bases: Vec<Option<Base>>,
}

/// Which version of a record a change was made on: its writer's clock time and device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Base {
    pub hlc: [u8; 12],
    pub device: [u8; 16],
}

impl Item {
    /// The version this item is (for the next change's [`Base`]).
    pub fn version(&self) -> Base {
        Base { hlc: self.hlc, device: self.device }
    }
}

/// What became of one pushed item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Stored as the record's current version under this sequence number.
    Accepted(i64),
    /// The server held a later version (last-writer-wins, before the field-level merge). No
    /// longer answered; kept so that the variants after it keep their encoding.
    Superseded,
    /// Not taken: the server holds a version of the record that this change was not made on
    /// (another device changed it meanwhile). The pull brings that version; the replica merges
    /// its change with it and pushes the merge.
    Conflict,
    /// Not taken, with the reason (the record's participant was erased, say).
    Refused(String),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushResponse {
    /// One outcome per item, in the order sent.
    pub outcomes: Vec<Outcome>,
}

/// What a pull asks for (the query of `GET /v1/pull`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PullQuery {
    /// Items written after this sequence number.
    pub since: i64,
    /// At most this many ([`MAX_PULL`] at most).
    pub limit: u32,
    /// Only the people and their keys ([`PARTICIPANT_KIND`], [`KEY_ITEM`]): a fresh device's
    /// first phase.
    pub people: bool,
    /// Leave out the people and keys up to this sequence number: the first phase brought them.
    pub skip_people: i64,
}

impl PullQuery {
    /// Every kind, written after `since`, as many as one pull gives.
    pub fn after(since: i64) -> PullQuery {
        PullQuery { since, limit: MAX_PULL, people: false, skip_people: 0 }
    }
}

/// The team's current versions written after `since`, in sequence order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullResponse {
    pub items: Vec<(i64, Item)>,
    /// More items wait after the last one returned.
    pub more: bool,
    /// The team's newest sequence number: a replica that pulled past it sees that the server
    /// went back (its database restored from a backup).
    pub head: i64,
}

/// The hash of an invite secret the server checks (a derivation the payload key is not).
pub fn verifier(secret: &[u8; 16]) -> [u8; 32] {
    derive(secret, b"meedoen invite v")
}

/// The key an invite's payload is sealed under.
pub fn payload_key(secret: &[u8; 16]) -> [u8; 32] {
    derive(secret, b"meedoen invite k")
}

fn derive(secret: &[u8; 16], personal: &[u8; 16]) -> [u8; 32] {
    use blake2::Blake2bMac;
    use blake2::digest::Mac;
    use blake2::digest::consts::U32;
    let mut out = [0u8; 32];
    if let Ok(mut mac) = Blake2bMac::<U32>::new_with_salt_and_personal(secret, b"", personal) {
        mac.update(b"invite");
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

/// The hash the server keeps of a bearer token.
pub fn token_hash(token: &[u8; 32]) -> [u8; 32] {
    use blake2::Digest;
    let mut out = [0u8; 32];
    out.copy_from_slice(&blake2::Blake2b::<blake2::digest::consts::U32>::digest(token));
    out
}

/// An invite code as a coach types it: the public and the secret half, 32 bytes in Crockford
/// base32 groups of five (`XXXXX-XXXXX-...`), case and dashes ignored when read.
pub fn format_code(invite: &[u8; 16], secret: &[u8; 16]) -> String {
    let mut bytes = Vec::with_capacity(32);
    bytes.extend_from_slice(invite);
    bytes.extend_from_slice(secret);
    let text = base32(&bytes);
    text.as_bytes().chunks(5).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// Reads an invite code; `None` when it is not one.
pub fn parse_code(code: &str) -> Option<([u8; 16], [u8; 16])> {
    let clean: String = code.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    let bytes = unbase32(&clean)?;
    if bytes.len() != 32 {
        return None;
    }
    let (a, b) = bytes.split_at(16);
    Some((a.try_into().ok()?, b.try_into().ok()?))
}

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in bytes {
        acc = (acc << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((acc >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((acc << (5 - bits)) & 31) as usize]));
    }
    out
}

fn unbase32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.chars() {
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        let v = ALPHABET.iter().position(|a| char::from(*a) == c)? as u32;
        acc = ((acc << 5) | v) & 0xFFFF;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xFF) as u8);
        }
    }
    Some(out)
}

/// Encodes a message body.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, String> {
    bincode::serde::encode_to_vec(value, bincode::config::standard()).map_err(|e| e.to_string())
}

/// Decodes a message body, refusing trailing bytes and anything over [`MAX_BODY`].
pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    if bytes.len() > MAX_BODY {
        return Err("body too large".into());
    }
    let config = bincode::config::standard().with_limit::<MAX_BODY>();
    let (value, used) = bincode::serde::decode_from_slice(bytes, config).map_err(|e| e.to_string())?;
    if used != bytes.len() {
        return Err("trailing bytes after the message".into());
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_whatever_its_case_and_dashes() {
        let (invite, secret) = ([7u8; 16], [200u8; 16]);
        let code = format_code(&invite, &secret);
        assert_eq!(parse_code(&code), Some((invite, secret)));
        assert_eq!(parse_code(&code.to_lowercase().replace('-', " ")), Some((invite, secret)));
        assert_eq!(parse_code("ABC"), None);
        assert_eq!(parse_code("!!!!!"), None);
    }

    #[test]
    fn the_verifier_is_not_the_payload_key() {
        let s = [3u8; 16];
        assert_ne!(verifier(&s), payload_key(&s));
        assert_ne!(verifier(&s), verifier(&[4u8; 16]));
    }

    #[test]
    fn a_message_with_trailing_bytes_or_garbage_is_refused() {
        let req = PushRequest { device: [1; 16], batch: [2; 16], items: Vec::new(), bases: Vec::new() };
        let mut bytes = encode(&req).unwrap_or_default();
        assert!(decode::<PushRequest>(&bytes).is_ok());
        bytes.push(0);
        assert!(decode::<PushRequest>(&bytes).is_err());
        assert!(decode::<PushRequest>(&[0xff; 40]).is_err());
    }
}
