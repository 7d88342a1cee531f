//! A push: a device's items applied to its team's records in one transaction.
//!
//! The transaction first locks the team's row, so sequence numbers are handed out in commit
//! order per team: a pull that has seen sequence number n never misses a row committed later
//! with a lower one. Under that lock a batch id already answered gets its stored answer back
//! (a retried push is applied once). Each item then becomes:
//! - `Refused("erased")` when its participant was erased in this team;
//! - `Conflict` when the stored version is not the one the item was made on (its base): another
//!   device changed the record meanwhile. Nothing is overwritten; the replica pulls the stored
//!   version, merges and pushes the merge (made on that version). The server never judges
//!   which of two versions is newer: clocks may be wrong, and fields changed on one side only
//!   must both survive, which only a replica that can open the record can merge;
//! - `Accepted(seq)` otherwise (no stored version, the stored one is the base, or the stored one
//!   is an earlier version of the same device, whose push answer may have been lost): stored under
//!   the next sequence number. The very version already stored (same clock time and device) is
//!   `Accepted` with its stored number, not written again.
//!
//! An erasure (an item with `erased`) always wins: it is stored, its participant is listed in
//! `erased`, and every other row of that participant (the participant's key item included)
//! becomes a tombstone with an empty envelope and `erased`, carrying the erasure's clock time
//! and device and a fresh sequence number, so every replica pulls it.

use std::collections::HashSet;

use deadpool_postgres::Pool;
use uuid::Uuid;

use super::Fail;
use super::db::{Caller, client};
use crate::protocol::{self, Item, Outcome, PushRequest, PushResponse};

/// Checks what can be checked without the database: the limits, and that every item is the
/// pushing device's own.
pub fn validate(req: &PushRequest) -> Result<(), Fail> {
    if req.items.len() > protocol::MAX_ITEMS {
        return Err(Fail::BadRequest(format!("a push holds at most {} items", protocol::MAX_ITEMS)));
    }
    for item in &req.items {
        if item.key.len() > protocol::MAX_KEY {
            return Err(Fail::BadRequest(format!("a record key is at most {} bytes", protocol::MAX_KEY)));
        }
        if item.envelope.len() > protocol::MAX_ENVELOPE {
            return Err(Fail::BadRequest(format!("an envelope is at most {} bytes", protocol::MAX_ENVELOPE)));
        }
        if item.device != req.device {
            return Err(Fail::Forbidden("an item of the push claims another device".into()));
        }
    }
    if req.bases.len() != req.items.len() {
        return Err(Fail::BadRequest("a push names one base per item".into()));
    }
    Ok(())
}

/// Applies a push (validated) and returns its encoded answer.
pub async fn push(pool: &Pool, caller: Caller, req: &PushRequest) -> Result<Vec<u8>, Fail> {
    let mut client = client(pool).await?;
    let device = Uuid::from_bytes(req.device);
    let owner = client
        .query_opt("SELECT account FROM devices WHERE team = $1 AND device = $2", &[&caller.team, &device])
        .await?;
    match owner {
        Some(row) if row.try_get::<_, Uuid>(0)? == caller.account => {}
        _ => return Err(Fail::Forbidden("the push claims another device".into())),
    }
    let batch = Uuid::from_bytes(req.batch);
    let tx = client.transaction().await?;
    let row = tx.query_one("SELECT next_seq FROM teams WHERE id = $1 FOR UPDATE", &[&caller.team]).await?;
    let mut next: i64 = row.try_get(0)?;
    if let Some(row) =
        tx.query_opt("SELECT response FROM pushes WHERE team = $1 AND batch = $2", &[&caller.team, &batch]).await?
    {
        return Ok(row.try_get(0)?);
    }
    let stored =
        tx.prepare("SELECT hlc, device, seq, erased FROM records WHERE team = $1 AND kind = $2 AND key = $3").await?;
    let is_erased = tx.prepare("SELECT 1 FROM erased WHERE team = $1 AND participant = $2").await?;
    let upsert = tx
        .prepare(
            "INSERT INTO records (team, kind, key, participant, revision, hlc, device, account, tombstone, erased, \
             envelope, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (team, kind, key) DO UPDATE SET participant = EXCLUDED.participant, \
             revision = EXCLUDED.revision, hlc = EXCLUDED.hlc, device = EXCLUDED.device, account = EXCLUDED.account, \
             tombstone = EXCLUDED.tombstone, erased = EXCLUDED.erased, envelope = EXCLUDED.envelope, seq = EXCLUDED.seq",
        )
        .await?;
    let mut erased: HashSet<Uuid> = HashSet::new();
    let mut not_erased: HashSet<Uuid> = HashSet::new();
    let mut outcomes = Vec::with_capacity(req.items.len());
    for (item, base) in req.items.iter().zip(&req.bases) {
        let participant = item.participant.map(Uuid::from_bytes);
        let kind = i16::from(item.kind);
        if item.erased {
            let Some(p) = participant else {
                outcomes.push(Outcome::Refused("an erasure names no participant".into()));
                continue;
            };
            store_item(&tx, &upsert, caller, item, true, next).await?;
            outcomes.push(Outcome::Accepted(next));
            next += 1;
            tx.execute(
                "INSERT INTO erased (team, participant) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&caller.team, &p],
            )
            .await?;
            erased.insert(p);
            next += tombstone_the_rest(&tx, caller, p, item, next).await?;
            continue;
        }
        if let Some(p) = participant {
            if erased.contains(&p) {
                outcomes.push(Outcome::Refused("erased".into()));
                continue;
            }
            if !not_erased.contains(&p) {
                if tx.query_opt(&is_erased, &[&caller.team, &p]).await?.is_some() {
                    erased.insert(p);
                    outcomes.push(Outcome::Refused("erased".into()));
                    continue;
                }
                not_erased.insert(p);
            }
        }
        if let Some(row) = tx.query_opt(&stored, &[&caller.team, &kind, &item.key]).await? {
            if row.try_get::<_, bool>(3)? {
                outcomes.push(Outcome::Refused("erased".into()));
                continue;
            }
            let hlc: Vec<u8> = row.try_get(0)?;
            let dev: Uuid = row.try_get(1)?;
            let current = (hlc.as_slice(), dev.as_bytes().as_slice());
            if current == (item.hlc.as_slice(), item.device.as_slice()) {
                outcomes.push(Outcome::Accepted(row.try_get(2)?));
                continue;
            }
            // A later version of the device that wrote the stored one was made on it (a
            // device's clock only moves forward), whatever base it names: its push answer may
            // have been lost, so that it never learnt the stored version was taken.
            let own_later = dev.as_bytes() == &item.device && item.hlc.as_slice() > hlc.as_slice();
            if !own_later && base.is_none_or(|b| current != (b.hlc.as_slice(), b.device.as_slice())) {
                outcomes.push(Outcome::Conflict);
                continue;
            }
        }
        store_item(&tx, &upsert, caller, item, false, next).await?;
        outcomes.push(Outcome::Accepted(next));
        next += 1;
    }
    tx.execute("UPDATE teams SET next_seq = $2 WHERE id = $1", &[&caller.team, &next]).await?;
    let response = protocol::encode(&PushResponse { outcomes }).map_err(Fail::Internal)?;
    tx.execute("INSERT INTO pushes (team, batch, response) VALUES ($1, $2, $3)", &[&caller.team, &batch, &response])
        .await?;
    tx.commit().await?;
    Ok(response)
}

/// Stores `item` as its record's current version under sequence number `seq` (`upsert` is the
/// prepared insert-or-replace of a row).
async fn store_item(
    tx: &deadpool_postgres::Transaction<'_>,
    upsert: &tokio_postgres::Statement,
    caller: Caller,
    item: &Item,
    erased: bool,
    seq: i64,
) -> Result<(), Fail> {
    tx.execute(
        upsert,
        &[
            &caller.team,
            &i16::from(item.kind),
            &item.key,
            &item.participant.map(Uuid::from_bytes),
            &(item.revision as i64),
            &item.hlc.as_slice(),
            &Uuid::from_bytes(item.device),
            &caller.account,
            &item.tombstone,
            &erased,
            &item.envelope,
            &seq,
        ],
    )
    .await?;
    Ok(())
}

/// Turns every row of participant `p` not erased yet (its key item included) into an erased
/// tombstone with a fresh sequence number from `next` on. Returns how many.
async fn tombstone_the_rest(
    tx: &deadpool_postgres::Transaction<'_>,
    caller: Caller,
    p: Uuid,
    erasure: &Item,
    next: i64,
) -> Result<i64, Fail> {
    let changed = tx
        .execute(
            "WITH victims AS ( \
                SELECT kind, key, row_number() OVER (ORDER BY seq) AS n FROM records \
                WHERE team = $1 AND (participant = $2 OR (kind = $3 AND key = $4)) AND NOT erased \
             ) \
             UPDATE records r SET tombstone = true, erased = true, envelope = ''::bytea, hlc = $5, device = $6, \
                account = $7, revision = r.revision + 1, seq = $8 + v.n - 1 \
             FROM victims v WHERE r.team = $1 AND r.kind = v.kind AND r.key = v.key",
            &[
                &caller.team,
                &p,
                &i16::from(protocol::KEY_ITEM),
                &p.as_bytes().as_slice(),
                &erasure.hlc.as_slice(),
                &Uuid::from_bytes(erasure.device),
                &caller.account,
                &next,
            ],
        )
        .await?;
    i64::try_from(changed).map_err(|_| Fail::Internal("too many rows".into()))
}
